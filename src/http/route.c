/*
 * route.c: route matching, the parameter validators and the checks of the
 * route table (route.h). Validation is the only way a value reaches a
 * handler: undeclared parameters are dropped here.
 */
#include "core/compat.h"
#include "http/route.h"

#include <strings.h>

#include "core/date.h"
#include "core/money.h"
#include "core/utf8.h"

static const char *const method_names[HTTP_METHOD__COUNT] = {
    [HTTP_GET] = "GET",     [HTTP_POST] = "POST",     [HTTP_PUT] = "PUT",
    [HTTP_PATCH] = "PATCH", [HTTP_DELETE] = "DELETE",
};

const char *http_method_name(enum http_method m)
{
    assert(m >= 0 && m < HTTP_METHOD__COUNT);
    return method_names[m];
}

int http_method_parse(const char *s, enum http_method *out, bool *head)
{
    *head = false;
    if (!strcmp(s, "HEAD")) {
        *head = true;
        *out = HTTP_GET;
        return 0;
    }
    for (int m = 0; m < HTTP_METHOD__COUNT; m++)
        if (!strcmp(s, method_names[m])) {
            *out = (enum http_method)m;
            return 0;
        }
    return -1;
}

/* ---- matching ---- */

/* Segments of a pattern: "/api/personnes/:id" -> api, personnes, :id. */
static size_t pattern_split(const char *p, const char **seg, size_t *len, size_t max)
{
    size_t k = 0;

    if (!strcmp(p, "/"))
        return 0;
    while (*p == '/' && k < max) {
        const char *s = ++p;
        while (*p && *p != '/')
            p++;
        seg[k] = s;
        len[k] = (size_t)(p - s);
        k++;
    }
    return k;
}

static bool pattern_matches(const char *pattern, const char **seg, size_t nseg)
{
    const char *ps[HTTP_SEGMENTS];
    size_t pl[HTTP_SEGMENTS];
    size_t n = pattern_split(pattern, ps, pl, HTTP_SEGMENTS);

    if (n != nseg)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (ps[i][0] == ':') {
            if (!seg[i][0])
                return false;
            continue;
        }
        if (strlen(seg[i]) != pl[i] || memcmp(seg[i], ps[i], pl[i]) != 0)
            return false;
    }
    return true;
}

int http_route_match(const struct http_route *routes, size_t n, enum http_method m,
                     const char **seg, size_t nseg, const struct http_route **route,
                     struct strbuf *allow)
{
    bool seen[HTTP_METHOD__COUNT] = {false};
    bool any = false;

    *route = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!pattern_matches(routes[i].pattern, seg, nseg))
            continue;
        if (routes[i].method == m) {
            *route = &routes[i];
            return 0;
        }
        seen[routes[i].method] = any = true;
    }
    if (!any)
        return 404;
    for (int k = 0; k < HTTP_METHOD__COUNT; k++)
        if (seen[k]) {
            if (allow->len)
                strbuf_addstr(allow, ", ");
            strbuf_addstr(allow, method_names[k]);
        }
    return 405;
}

/* ---- validators ---- */

static const char *const place_names[] = {
    [HTTP_IN_PATH] = "chemin",
    [HTTP_IN_QUERY] = "paramètre",
    [HTTP_IN_BODY] = "champ",
};

/* "paramètre « nom » : " */
static int bad(struct err *e, const char *where, const struct http_param *p, const char *value,
               size_t n, const char *fmt, ...) PRINTF_LIKE(6, 7);
static int bad(struct err *e, const char *where, const struct http_param *p, const char *value,
               size_t n, const char *fmt, ...)
{
    char what[ERR_MESSAGE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    err_set(e, ERR_USAGE, "%s%s « %s » : %s", where, place_names[p->in], p->name, what);
    if (value && p->type != HTTP_T_SECRET) {
        struct strbuf sb;
        strbuf_init(&sb, ERR_DETAIL_MAX - 16);
        utf8_quote(&sb, value, n);
        err_detail(e, "valeur %s", sb.buf);
        strbuf_release(&sb);
    }
    if (p->doc)
        err_hint(e, "%s : %s", p->name, p->doc);
    return -1;
}

static bool all_chars(const char *s, size_t n, const char *set_extra, bool upper, bool lower_ok)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if ((c >= '0' && c <= '9') || (lower_ok && c >= 'a' && c <= 'z') ||
            (upper && c >= 'A' && c <= 'Z') || (c && strchr(set_extra, c)))
            continue;
        return false;
    }
    return true;
}

/* Check a text value of p (everything but OBJECT and ARRAY) and fill v. */
static int check_text(struct arena *a, const struct http_param *p, const char *s, size_t n,
                      struct http_value *v, const char *where, struct err *e)
{
    size_t max = p->max_len ? p->max_len : 200;
    struct err sub;

    err_clear(&sub);
    if (memchr(s, '\0', n) || !utf8_valid(s, n))
        return bad(e, where, p, NULL, 0, "texte qui n'est pas en UTF-8 valide");
    v->s = arena_strndup(a, s, n);
    v->n = n;
    switch (p->type) {
    case HTTP_T_TEXT:
    case HTTP_T_SECRET:
        if (n > max)
            return bad(e, where, p, NULL, 0, "trop long (%zu octets, %zu au plus)", n, max);
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
                return bad(e, where, p, NULL, 0, "caractère de contrôle interdit");
        }
        if (p->type == HTTP_T_TEXT && p->required && n == 0)
            return bad(e, where, p, NULL, 0, "ne doit pas être vide");
        return 0;
    case HTTP_T_ID:
        if (n == 0 || n > 32 || !all_chars(s, n, "_.-", true, true))
            return bad(e, where, p, s, n,
                       "identifiant attendu (1 à 32 lettres, chiffres, « _ », « . », « - »)");
        return 0;
    case HTTP_T_CODE:
        if (n == 0 || n > 64 || !all_chars(s, n, "_", false, true))
            return bad(e, where, p, s, n,
                       "code attendu (minuscules sans accent, chiffres et « _ »)");
        return 0;
    case HTTP_T_DATE: {
        date_t day;
        if (date_parse_iso(s, n, &day, &sub) != 0)
            return bad(e, where, p, s, n, "date au format AAAA-MM-JJ attendue");
        v->i = day;
        return 0;
    }
    case HTTP_T_INT: {
        int64_t x;
        if (parse_int64(s, n, &x) != 0)
            return bad(e, where, p, s, n, "nombre entier attendu");
        v->i = x;
        if ((p->min || p->max) && (x < p->min || x > p->max))
            return bad(e, where, p, s, n, "nombre entre %lld et %lld attendu", (long long)p->min,
                       (long long)p->max);
        return 0;
    }
    case HTTP_T_BOOL:
        if ((n == 4 && !memcmp(s, "true", 4)) || (n == 1 && s[0] == '1') ||
            (n == 3 && !memcmp(s, "oui", 3)))
            v->b = true;
        else if ((n == 5 && !memcmp(s, "false", 5)) || (n == 1 && s[0] == '0') ||
                 (n == 3 && !memcmp(s, "non", 3)))
            v->b = false;
        else
            return bad(e, where, p, s, n, "true ou false attendu");
        return 0;
    case HTTP_T_MONEY:
        if (n > 32 || money_parse(s, n, &v->i, &sub) != 0 || v->i < 0)
            return bad(e, where, p, s, n, "montant en euros attendu (ex. \"150,00\")");
        return 0;
    case HTTP_T_CHOICE:
        for (size_t i = 0; p->choices && p->choices[i]; i++)
            if (strlen(p->choices[i]) == n && !memcmp(p->choices[i], s, n))
                return 0;
        {
            struct strbuf list;
            int rc;
            strbuf_init(&list, 200);
            for (size_t i = 0; p->choices && p->choices[i]; i++) {
                if (i)
                    strbuf_addstr(&list, ", ");
                strbuf_addstr(&list, p->choices[i]);
            }
            rc = bad(e, where, p, s, n, "valeur inconnue (%s)", list.buf);
            strbuf_release(&list);
            return rc;
        }
    case HTTP_T_INSEE:
        if (n != 5 || !all_chars(s, n, "AB", false, false))
            return bad(e, where, p, s, n,
                       "code INSEE de commune attendu (5 caractères, ex. 62193)");
        return 0;
    case HTTP_T_SITE: {
        const char *colon = memchr(s, ':', n);
        if (!colon || colon == s || colon == s + n - 1 || n > 80 ||
            !all_chars(s, (size_t)(colon - s), "_", false, true) ||
            !all_chars(colon + 1, n - (size_t)(colon - s) - 1, "_-", false, true))
            return bad(e, where, p, s, n, "site attendu sous la forme grille:code (mds:calaisis)");
        return 0;
    }
    case HTTP_T_OBJECT:
    case HTTP_T_ARRAY:
        break;
    }
    return bad(e, where, p, NULL, 0, "objet JSON attendu");
}

static const char *json_kind(json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        return "un objet";
    case JSON_ARRAY:
        return "un tableau";
    case JSON_STRING:
        return "un texte";
    case JSON_INTEGER:
    case JSON_REAL:
        return "un nombre";
    case JSON_TRUE:
    case JSON_FALSE:
        return "un booléen";
    case JSON_NULL:
        return "null";
    }
    return "?";
}

/* Check one JSON member against p. */
static int check_json(struct arena *a, const struct http_param *p, json_t *j, struct http_value *v,
                      const char *where, struct err *e)
{
    switch (p->type) {
    case HTTP_T_OBJECT:
        if (!json_is_object(j))
            return bad(e, where, p, NULL, 0, "objet JSON attendu, reçu %s", json_kind(j));
        v->j = j;
        return 0;
    case HTTP_T_ARRAY: {
        size_t max = p->max_len ? p->max_len : 100;
        if (!json_is_array(j))
            return bad(e, where, p, NULL, 0, "tableau JSON attendu, reçu %s", json_kind(j));
        if (json_array_size(j) > max)
            return bad(e, where, p, NULL, 0, "trop d'éléments (%zu, %zu au plus)",
                       json_array_size(j), max);
        v->j = j;
        return 0;
    }
    case HTTP_T_INT:
        if (!json_is_integer(j))
            return bad(e, where, p, NULL, 0, "nombre entier attendu, reçu %s", json_kind(j));
        v->i = json_integer_value(j);
        v->s = arena_printf(a, "%lld", (long long)v->i);
        v->n = strlen(v->s);
        if ((p->min || p->max) && (v->i < p->min || v->i > p->max))
            return bad(e, where, p, v->s, v->n, "nombre entre %lld et %lld attendu",
                       (long long)p->min, (long long)p->max);
        return 0;
    case HTTP_T_BOOL:
        if (!json_is_boolean(j))
            return bad(e, where, p, NULL, 0, "true ou false attendu, reçu %s", json_kind(j));
        v->b = json_is_true(j);
        v->s = arena_strdup(a, v->b ? "true" : "false");
        v->n = strlen(v->s);
        return 0;
    default:
        if (!json_is_string(j))
            return bad(e, where, p, NULL, 0, "texte attendu, reçu %s", json_kind(j));
        return check_text(a, p, json_string_value(j), json_string_length(j), v, where, e);
    }
}

static int missing(const struct http_param *p, const char *where, struct err *e)
{
    err_set(e, ERR_USAGE, "%s%s « %s » manquant", where, place_names[p->in], p->name);
    if (p->doc)
        err_hint(e, "%s : %s", p->name, p->doc);
    return -1;
}

int http_validate_object(struct arena *a, const struct http_param *params, size_t nparams,
                         json_t *obj, struct http_value *values, const char *where, struct err *e)
{
    if (obj && !json_is_object(obj))
        return err_set(e, ERR_USAGE, "%sobjet JSON attendu, reçu %s", where, json_kind(obj));
    for (size_t i = 0; i < nparams; i++) {
        const struct http_param *p = &params[i];
        json_t *j;
        if (p->in != HTTP_IN_BODY)
            continue;
        j = obj ? json_object_get(obj, p->name) : NULL;
        if (!j || json_is_null(j)) {
            if (p->required)
                return missing(p, where, e);
            continue;
        }
        if (check_json(a, p, j, &values[i], where, e) != 0)
            return -1;
        values[i].set = true;
    }
    return 0;
}

/* The value of path parameter name in r's segments. */
static const char *path_value(const struct http_request *r, const char *name)
{
    const char *ps[HTTP_SEGMENTS];
    size_t pl[HTTP_SEGMENTS];
    size_t n = pattern_split(r->route->pattern, ps, pl, HTTP_SEGMENTS);

    for (size_t i = 0; i < n && i < r->nseg; i++)
        if (ps[i][0] == ':' && pl[i] - 1 == strlen(name) && !memcmp(ps[i] + 1, name, pl[i] - 1))
            return r->seg[i];
    return NULL;
}

/* Find the one value of name in pairs; repeated is an error. */
static int pair_value(const struct http_pairs *pairs, const struct http_param *p,
                      const struct http_pair **out, struct err *e)
{
    *out = NULL;
    for (size_t k = 0; k < pairs->n; k++) {
        if (strcmp(pairs->v[k].name, p->name) != 0)
            continue;
        if (*out) {
            err_set(e, ERR_USAGE, "%s « %s » donné deux fois", place_names[p->in], p->name);
            return err_hint(e, "donnez chaque paramètre une seule fois");
        }
        *out = &pairs->v[k];
    }
    return 0;
}

int http_params_validate(struct http_request *r, struct err *e)
{
    const struct http_route *rt = r->route;
    struct http_pairs query = {0};

    r->values = arena_calloc(&r->arena, rt->nparams ? rt->nparams : 1, sizeof(*r->values));
    if (r->query && r->query_len &&
        http_form_parse(&r->arena, r->query, r->query_len, &query, e) != 0)
        return -1;
    for (size_t i = 0; i < rt->nparams; i++) {
        const struct http_param *p = &rt->params[i];
        struct http_value *v = &r->values[i];
        const struct http_pair *pair = NULL;
        const char *s;

        switch (p->in) {
        case HTTP_IN_PATH:
            s = path_value(r, p->name);
            assert(s); /* http_routes_check: every path parameter is in the pattern */
            if (check_text(&r->arena, p, s, strlen(s), v, "", e) != 0)
                return -1;
            v->set = true;
            break;
        case HTTP_IN_QUERY:
            if (pair_value(&query, p, &pair, e) != 0)
                return -1;
            if (!pair || pair->value_len == 0) { /* an empty field is an absent one */
                if (p->required)
                    return missing(p, "", e);
                break;
            }
            if (check_text(&r->arena, p, pair->value, pair->value_len, v, "", e) != 0)
                return -1;
            v->set = true;
            break;
        case HTTP_IN_BODY:
            if (rt->body == HTTP_BODY_FORM) {
                if (pair_value(&r->form, p, &pair, e) != 0)
                    return -1;
                if (!pair || pair->value_len == 0) {
                    if (p->required)
                        return missing(p, "", e);
                    break;
                }
                if (check_text(&r->arena, p, pair->value, pair->value_len, v, "", e) != 0)
                    return -1;
                v->set = true;
            }
            break;
        }
    }
    if (rt->body == HTTP_BODY_JSON)
        return http_validate_object(&r->arena, rt->params, rt->nparams, r->json, r->values, "", e);
    return 0;
}

/* ---- getters ---- */

static const struct http_value *find_value(const struct http_param *params, size_t n,
                                           const struct http_value *values, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(params[i].name, name))
            return values[i].set ? &values[i] : NULL;
    assert(!"undeclared parameter read by a handler");
    return NULL;
}

const struct http_value *http_value(const struct http_request *r, const char *name)
{
    return find_value(r->route->params, r->route->nparams, r->values, name);
}

const char *http_str(const struct http_request *r, const char *name)
{
    const struct http_value *v = http_value(r, name);
    return v ? v->s : NULL;
}

int64_t http_int(const struct http_request *r, const char *name, int64_t def)
{
    const struct http_value *v = http_value(r, name);
    return v ? v->i : def;
}

bool http_bool(const struct http_request *r, const char *name, bool def)
{
    const struct http_value *v = http_value(r, name);
    return v ? v->b : def;
}

json_t *http_jsonv(const struct http_request *r, const char *name)
{
    const struct http_value *v = http_value(r, name);
    return v ? v->j : NULL;
}

const char *http_obj_str(const struct http_param *params, size_t nparams,
                         const struct http_value *values, const char *name)
{
    const struct http_value *v = find_value(params, nparams, values, name);
    return v ? v->s : NULL;
}

/* ---- the table ---- */

static int route_error(struct err *e, const struct http_route *rt, const char *what)
{
    return err_set(e, ERR_INTERNAL, "table des routes : %s %s : %s", http_method_name(rt->method),
                   rt->pattern, what);
}

int http_routes_check(const struct http_route *routes, size_t n, struct err *e)
{
    for (size_t i = 0; i < n; i++) {
        const struct http_route *rt = &routes[i];
        const char *ps[HTTP_SEGMENTS];
        size_t pl[HTTP_SEGMENTS], np;

        if (!rt->pattern || rt->pattern[0] != '/' || !rt->handler || !rt->summary)
            return route_error(e, rt, "motif, fonction et résumé obligatoires");
        np = pattern_split(rt->pattern, ps, pl, HTTP_SEGMENTS);
        for (size_t k = 0; k < np; k++) {
            bool declared = false;
            if (pl[k] == 0)
                return route_error(e, rt, "segment vide dans le motif");
            if (ps[k][0] != ':')
                continue;
            for (size_t j = 0; j < rt->nparams; j++)
                if (rt->params[j].in == HTTP_IN_PATH && strlen(rt->params[j].name) == pl[k] - 1 &&
                    !memcmp(rt->params[j].name, ps[k] + 1, pl[k] - 1))
                    declared = true;
            if (!declared)
                return route_error(e, rt, "paramètre de chemin non déclaré");
        }
        for (size_t j = 0; j < rt->nparams; j++) {
            const struct http_param *p = &rt->params[j];
            bool in_pattern = false;
            for (size_t k = j + 1; k < rt->nparams; k++)
                if (!strcmp(p->name, rt->params[k].name))
                    return route_error(e, rt, "paramètre déclaré deux fois");
            if (p->in == HTTP_IN_PATH) {
                for (size_t k = 0; k < np; k++)
                    if (ps[k][0] == ':' && strlen(p->name) == pl[k] - 1 &&
                        !memcmp(p->name, ps[k] + 1, pl[k] - 1))
                        in_pattern = true;
                if (!in_pattern)
                    return route_error(e, rt, "paramètre de chemin absent du motif");
            }
            if ((p->type == HTTP_T_OBJECT || p->type == HTTP_T_ARRAY) &&
                (p->in != HTTP_IN_BODY || rt->body != HTTP_BODY_JSON))
                return route_error(e, rt, "objet ou tableau hors d'un corps JSON");
            if (p->in == HTTP_IN_BODY && rt->body == HTTP_BODY_NONE)
                return route_error(e, rt, "champ de corps sur une route sans corps");
            if (p->type == HTTP_T_CHOICE && (!p->choices || !p->choices[0]))
                return route_error(e, rt, "choix sans valeurs");
            if (p->type == HTTP_T_SECRET && p->in != HTTP_IN_BODY)
                return route_error(e, rt, "secret hors du corps");
        }
        if (rt->body != HTTP_BODY_NONE && rt->method == HTTP_GET)
            return route_error(e, rt, "GET avec un corps");
        if (rt->capability && !rt->auth)
            return route_error(e, rt, "capacité exigée sans session");
        for (size_t k = 0; k < i; k++)
            if (routes[k].method == rt->method && !strcmp(routes[k].pattern, rt->pattern))
                return route_error(e, rt, "route déclarée deux fois");
    }
    return 0;
}

struct http_route *http_routes_all(size_t *n)
{
    struct http_route *all;
    size_t total = 0, k = 0;

    for (size_t g = 0; g < http_route_groups_count; g++)
        total += *http_route_groups[g].n;
    all = calloc(total ? total : 1, sizeof(*all));
    if (!all)
        die_nomem(total * sizeof(*all));
    for (size_t g = 0; g < http_route_groups_count; g++)
        for (size_t i = 0; i < *http_route_groups[g].n; i++)
            all[k++] = http_route_groups[g].routes[i];
    *n = total;
    return all;
}

void http_routes_print(FILE *f)
{
    size_t n;
    struct http_route *all = http_routes_all(&n);

    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s %s\t%s\t%s\t%s\n", http_method_name(all[i].method), all[i].pattern,
                all[i].auth ? "session" : "public", all[i].capability ? all[i].capability : "-",
                all[i].summary);
    free(all);
}

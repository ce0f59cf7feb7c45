/*
 * json.c: bounded JSON parsing over jansson, typed getters with French
 * errors, stable serialisation and JSON Lines iteration.
 *
 * jansson does the parsing; this module adds what it lacks for untrusted
 * input: a size cap, a depth cap (a pre-scan of the brackets outside strings,
 * since jansson only has a compile-time limit of 2048), NUL bytes refused
 * before they reach the parser, and messages a user can act on.
 */
#include "core/compat.h"
#include "core/json.h"
#include "core/arena.h"
#include "core/money.h"

#define JSON_SHOW_MAX 60 /* bytes of an offending value quoted in a message */

static const char *json_src(const char *name)
{
    return name ? name : "JSON";
}

/* Line where jansson's line jline (1-based) falls, given the caller's base. */
static size_t json_abs_line(size_t base, size_t jline)
{
    if (jline == 0)
        jline = 1;
    return base ? base + jline - 1 : jline;
}

/*
 * Check for NUL bytes and nesting deeper than JSON_MAX_DEPTH, outside
 * strings. On valid JSON the brackets seen here are exactly the structure
 * jansson builds, so the depth of anything it accepts is bounded.
 */
static int json_prescan(const char *data, size_t n, const char *name, size_t base, struct err *e)
{
    size_t line = 1, col = 0, depth = 0;
    bool in_str = false, esc = false;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)data[i];

        if (c == '\n') {
            line++;
            col = 0;
            in_str = false; /* a raw newline cannot be inside a valid string */
            esc = false;
            continue;
        }
        if ((c & 0xC0) != 0x80)
            col++;
        if (c == '\0') {
            err_set(e, ERR_INVALID, "%s, ligne %zu, colonne %zu : caractère nul interdit",
                    json_src(name), json_abs_line(base, line), col);
            return err_hint(e, "le fichier n'est sans doute pas un fichier texte JSON");
        }
        if (in_str) {
            if (esc)
                esc = false;
            else if (c == '\\')
                esc = true;
            else if (c == '"')
                in_str = false;
            continue;
        }
        if (c == '"') {
            in_str = true;
        } else if (c == '[' || c == '{') {
            if (++depth > JSON_MAX_DEPTH) {
                err_set(e, ERR_INVALID, "%s, ligne %zu, colonne %zu : imbrication trop profonde",
                        json_src(name), json_abs_line(base, line), col);
                return err_detail(e, "au plus %d niveaux de tableaux et d'objets imbriqués",
                                  JSON_MAX_DEPTH);
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return 0;
}

static const char *json_error_fr(enum json_error_code code)
{
    switch (code) {
    case json_error_invalid_utf8:
        return "texte qui n'est pas en UTF-8 valide";
    case json_error_premature_end_of_input:
        return "fin des données inattendue (valeur JSON incomplète)";
    case json_error_end_of_input_expected:
        return "données en trop après la valeur JSON";
    case json_error_null_character:
    case json_error_null_byte_in_key:
        return "caractère nul (\\u0000) interdit";
    case json_error_duplicate_key:
        return "clé en double dans un objet";
    case json_error_numeric_overflow:
        return "nombre hors limites";
    case json_error_stack_overflow:
        return "imbrication trop profonde";
    case json_error_out_of_memory:
        return "mémoire insuffisante";
    default:
        return "syntaxe JSON invalide";
    }
}

json_t *json_parse(const char *data, size_t n, const char *name, size_t line, struct err *e)
{
    json_error_t jerr;
    json_t *v;
    size_t i;

    if (n > JSON_MAX_INPUT) {
        if (line)
            err_set(e, ERR_TOO_LARGE, "%s, ligne %zu : données JSON trop volumineuses",
                    json_src(name), line);
        else
            err_set(e, ERR_TOO_LARGE, "%s : données JSON trop volumineuses", json_src(name));
        err_detail(e, "%zu octets pour %u au plus", n, JSON_MAX_INPUT);
        return NULL;
    }
    for (i = 0; i < n && data[i] && strchr(" \t\r\n", data[i]); i++)
        ;
    if (i == n) {
        if (line)
            err_set(e, ERR_INVALID, "%s, ligne %zu : aucune valeur JSON", json_src(name), line);
        else
            err_set(e, ERR_INVALID, "%s : document JSON vide", json_src(name));
        return NULL;
    }
    if (json_prescan(data, n, name, line, e) < 0)
        return NULL;
    v = json_loadb(data, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
    if (!v) {
        enum json_error_code code = json_error_code(&jerr);
        err_set(e, code == json_error_out_of_memory ? ERR_NOMEM : ERR_INVALID,
                "%s, ligne %zu, colonne %d : %s", json_src(name),
                json_abs_line(line, jerr.line > 0 ? (size_t)jerr.line : 1), jerr.column,
                json_error_fr(code));
        err_detail(e, "analyseur JSON : %s", jerr.text);
        return NULL;
    }
    return v;
}

/* ---- getters ---- */

static const char *json_type_fr(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "un objet";
    case JSON_ARRAY:
        return "un tableau";
    case JSON_STRING:
        return "une chaîne";
    case JSON_INTEGER:
        return "un nombre entier";
    case JSON_REAL:
        return "un nombre décimal";
    case JSON_TRUE:
    case JSON_FALSE:
        return "un booléen";
    case JSON_NULL:
        return "null";
    }
    return "?";
}

/* Append v in compact JSON, cut at JSON_SHOW_MAX bytes on a character boundary. */
static void json_show(struct strbuf *sb, const json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    size_t n;

    if (!s) {
        strbuf_addstr(sb, "?");
        return;
    }
    n = strlen(s);
    if (n > JSON_SHOW_MAX) {
        n = JSON_SHOW_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        strbuf_add(sb, s, n);
        strbuf_addstr(sb, "…");
    } else {
        strbuf_add(sb, s, n);
    }
    free(s);
}

/* "champ « f » : <what> attendu, valeur reçue : <v>" */
static int json_bad_value(const char *field, const char *what, const json_t *v, struct err *e)
{
    struct strbuf sb;

    strbuf_init(&sb, ERR_MESSAGE_MAX);
    json_show(&sb, v);
    err_set(e, ERR_INVALID, "champ « %s » : %s attendu, valeur reçue : %s", field, what, sb.buf);
    err_detail(e, "type reçu : %s", json_type_fr(v));
    strbuf_release(&sb);
    return -1;
}

/*
 * Find field in obj: 1 with *v set, 0 if absent (or null), -1 on error
 * (obj not an object, or a required field missing).
 */
static int json_lookup(json_t *obj, const char *field, bool required, json_t **v, struct err *e)
{
    if (!json_is_object(obj)) {
        err_set(e, ERR_INVALID, "objet JSON attendu pour lire le champ « %s »", field);
        return err_detail(e, "type reçu : %s", obj ? json_type_fr(obj) : "rien");
    }
    *v = json_object_get(obj, field);
    if (*v && !json_is_null(*v))
        return 1;
    if (required) {
        err_set(e, ERR_INVALID, "champ obligatoire « %s » absent", field);
        return err_hint(e, "ajoutez le champ « %s » avec une valeur", field);
    }
    return 0;
}

int json_get_str(json_t *obj, const char *field, bool required, const char **out, struct err *e)
{
    json_t *v;
    int rc = json_lookup(obj, field, required, &v, e);

    if (rc <= 0)
        return rc;
    if (!json_is_string(v))
        return json_bad_value(field, "une chaîne", v, e);
    *out = json_string_value(v);
    return 0;
}

int json_get_int(json_t *obj, const char *field, bool required, int64_t *out, struct err *e)
{
    json_t *v;
    int rc = json_lookup(obj, field, required, &v, e);

    if (rc <= 0)
        return rc;
    if (!json_is_integer(v))
        return json_bad_value(field, "un nombre entier", v, e);
    *out = (int64_t)json_integer_value(v);
    return 0;
}

int json_get_bool(json_t *obj, const char *field, bool required, bool *out, struct err *e)
{
    json_t *v;
    int rc = json_lookup(obj, field, required, &v, e);

    if (rc <= 0)
        return rc;
    if (!json_is_boolean(v))
        return json_bad_value(field, "un booléen (true ou false)", v, e);
    *out = json_is_true(v);
    return 0;
}

int json_get_date(json_t *obj, const char *field, bool required, date_t *out, struct err *e)
{
    char why[ERR_MESSAGE_MAX];
    struct err de;
    json_t *v;
    date_t d;
    int rc = json_lookup(obj, field, required, &v, e);

    if (rc <= 0)
        return rc;
    if (!json_is_string(v))
        return json_bad_value(field, "une date « AAAA-MM-JJ »", v, e);
    err_clear(&de);
    if (date_parse_iso(json_string_value(v), json_string_length(v), &d, &de) < 0) {
        struct strbuf sb;
        memcpy(why, de.message, sizeof(why));
        strbuf_init(&sb, ERR_MESSAGE_MAX);
        json_show(&sb, v);
        err_set(e, ERR_INVALID, "champ « %s » : date invalide %s", field, sb.buf);
        strbuf_release(&sb);
        if (why[0])
            err_detail(e, "%s", why);
        return err_hint(e, "écrivez la date au format AAAA-MM-JJ, par exemple 2022-03-07");
    }
    *out = d;
    return 0;
}

static bool json_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* A money field holding integer cents. */
static int json_money_cents(const char *field, json_t *v, int64_t *cents, struct err *e)
{
    if (!json_is_integer(v)) {
        json_bad_value(field, "un montant en centimes (nombre entier)", v, e);
        return err_hint(e, "un champ « …_cents » contient des centimes entiers : 123456 "
                           "pour 1234,56 €");
    }
    *cents = (int64_t)json_integer_value(v);
    return 0;
}

/* A money field holding euros as a string. */
static int json_money_euros(const char *field, json_t *v, int64_t *cents, struct err *e)
{
    char why[ERR_MESSAGE_MAX];
    struct err me;
    int64_t c;

    if (!json_is_string(v)) {
        json_bad_value(field, "un montant en euros entre guillemets", v, e);
        return err_hint(e,
                        "écrivez le montant en euros comme une chaîne (\"1234.56\") ou en "
                        "centimes entiers dans un champ « %s_cents »",
                        field);
    }
    err_clear(&me);
    if (money_parse(json_string_value(v), json_string_length(v), &c, &me) < 0) {
        struct strbuf sb;
        memcpy(why, me.message, sizeof(why));
        strbuf_init(&sb, ERR_MESSAGE_MAX);
        json_show(&sb, v);
        err_set(e, ERR_INVALID, "champ « %s » : montant invalide %s", field, sb.buf);
        strbuf_release(&sb);
        if (why[0])
            err_detail(e, "%s", why);
        return err_hint(e, "écrivez le montant en euros avec au plus deux décimales, "
                           "par exemple \"1234.56\"");
    }
    *cents = c;
    return 0;
}

int json_get_money(json_t *obj, const char *field, bool required, int64_t *cents, struct err *e)
{
    char cname[256];
    json_t *v, *vc;
    int rc, rcc;

    if (json_ends_with(field, "_cents")) {
        rc = json_lookup(obj, field, required, &v, e);
        return rc <= 0 ? rc : json_money_cents(field, v, cents, e);
    }
    if ((size_t)snprintf(cname, sizeof(cname), "%s_cents", field) >= sizeof(cname))
        return err_set(e, ERR_INTERNAL, "nom de champ trop long : %s", field);
    rc = json_lookup(obj, field, false, &v, e);
    if (rc < 0)
        return rc;
    rcc = json_lookup(obj, cname, false, &vc, e);
    if (rcc < 0)
        return rcc;
    if (rc > 0 && rcc > 0) {
        err_set(e, ERR_INVALID, "champs « %s » et « %s » tous deux présents", field, cname);
        return err_hint(e, "donnez le montant une seule fois, en euros ou en centimes");
    }
    if (rc > 0)
        return json_money_euros(field, v, cents, e);
    if (rcc > 0)
        return json_money_cents(cname, vc, cents, e);
    if (required) {
        err_set(e, ERR_INVALID, "champ obligatoire « %s » absent", field);
        return err_hint(e, "ajoutez le champ « %s » (euros, \"1234.56\") ou « %s » (centimes)",
                        field, cname);
    }
    return 0;
}

/* ---- output ---- */

static int json_dump_cb(const char *buffer, size_t size, void *data)
{
    strbuf_add(data, buffer, size);
    return 0;
}

void json_dump_sorted(json_t *v, struct strbuf *sb)
{
    int rc;

    assert(v);
    rc = json_dump_callback(v, json_dump_cb, sb, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    if (rc != 0)
        die_nomem(0);
}

/* ---- JSON Lines ---- */

int json_lines_foreach(const char *data, size_t n, const char *name, size_t max_errors,
                       int (*fn)(json_t *v, size_t line, void *ctx, struct err *e), void *ctx,
                       FILE *errs, struct err *e)
{
    size_t pos = 0, line = 0, nerr = 0;

    if (max_errors == 0)
        max_errors = 1;
    if (n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    while (pos < n && nerr < max_errors) {
        const char *p = data + pos;
        const char *nl = memchr(p, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - p) : n - pos;
        size_t k;
        struct err le;
        json_t *v;
        int rc;

        line++;
        pos += len + (nl != NULL);
        for (k = 0; k < len && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'); k++)
            ;
        if (k == len)
            continue;
        err_clear(&le);
        v = json_parse(p, len, name, line, &le);
        if (v) {
            rc = fn(v, line, ctx, &le);
            json_decref(v);
            if (rc == 0)
                continue;
            if (le.code == ERR_OK)
                err_set(&le, ERR_INTERNAL, "erreur non précisée");
            err_prefix(&le, "%s, ligne %zu : ", json_src(name), line);
        }
        if (nerr++ == 0 && e)
            *e = le;
        if (errs)
            err_print(&le, errs);
    }
    if (nerr == 0)
        return 0;
    if (errs && nerr >= max_errors && pos < n)
        fprintf(errs, "%s : arrêt après %zu erreurs (ligne %zu)\n", json_src(name), nerr, line);
    return -1;
}

bool json_has(json_t *obj, const char *field)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, field) : NULL;
    return v && !json_is_null(v);
}

/*
 * fuzz_http_body.c: libFuzzer target for what the HTTP server parses itself
 * (src/http/parse.c, route.c): the request target, query strings and form
 * bodies, the Cookie header, the Content-Type header, JSON bodies checked
 * against every route's declared parameters, and the HTML escaping.
 *
 * The same input goes through each parser. Invariants: decoded text is
 * valid UTF-8 without NUL; path segments hold no '/'; names are the
 * allowed characters; a body that validates has every required parameter,
 * within its declared bounds; escaped HTML holds no markup character; and
 * every refusal carries a French message.
 */
#include "core/compat.h"

#define FUZZ_NAME "fuzz_http_body"
#include "fuzz_common.h"

#include "core/json.h"
#include "core/utf8.h"
#include "http/parse.h"
#include "http/route.h"
#include "http/template.h"

static void check_text(const char *s, size_t n, bool newlines)
{
    CHECK(s != NULL);
    CHECK(strlen(s) == n);
    CHECK(utf8_valid(s, n));
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        CHECK(c >= 0x20 || (newlines && (c == '\t' || c == '\n' || c == '\r')));
    }
}

static void fuzz_target(struct arena *a, const char *s, size_t n)
{
    const char **seg, *query;
    size_t nseg, qn;
    struct err e;

    err_clear(&e);
    if (http_target_parse(a, s, n, &seg, &nseg, &query, &qn, &e) != 0) {
        CHECK(e.code == ERR_USAGE && e.message[0]);
        return;
    }
    CHECK(nseg <= HTTP_SEGMENTS);
    for (size_t i = 0; i < nseg; i++)
        check_text(seg[i], strlen(seg[i]), false);
    CHECK(!query || (query > s && query <= s + n && qn <= n));
}

static void fuzz_form(struct arena *a, const char *s, size_t n)
{
    struct http_pairs p;
    struct err e;

    err_clear(&e);
    if (http_form_parse(a, s, n, &p, &e) != 0) {
        CHECK(e.code == ERR_USAGE && e.message[0]);
        return;
    }
    CHECK(p.n <= HTTP_PAIRS_MAX);
    for (size_t i = 0; i < p.n; i++) {
        size_t nl = strlen(p.v[i].name);
        CHECK(nl > 0 && nl <= HTTP_NAME_MAX);
        for (size_t k = 0; k < nl; k++)
            CHECK(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-",
                         p.v[i].name[k]));
        check_text(p.v[i].value, p.v[i].value_len, true);
    }
}

static void fuzz_headers(struct arena *a, const char *s)
{
    const char *v = http_cookie_get(a, s, "proxima"), *type;
    struct err e;

    if (v) {
        CHECK(strlen(v) <= strlen(s));
        CHECK(!strchr(v, ';'));
    }
    err_clear(&e);
    if (http_media_type(a, s, &type, &e) == 0) {
        CHECK(type != NULL && !strchr(type, ';'));
        for (const char *p = type; *p; p++)
            CHECK(!(*p >= 'A' && *p <= 'Z'));
    } else {
        CHECK(e.code == ERR_USAGE && e.message[0]);
    }
}

/* A value that validated respects its declaration. */
static void check_value(const struct http_param *p, const struct http_value *v)
{
    size_t max = p->max_len ? p->max_len : (p->type == HTTP_T_ARRAY ? 100 : 200);

    switch (p->type) {
    case HTTP_T_OBJECT:
        CHECK(json_is_object(v->j));
        break;
    case HTTP_T_ARRAY:
        CHECK(json_is_array(v->j) && json_array_size(v->j) <= max);
        break;
    case HTTP_T_TEXT:
    case HTTP_T_SECRET:
        CHECK(v->n <= max);
        check_text(v->s, v->n, true);
        break;
    case HTTP_T_INT:
        CHECK(!(p->min || p->max) || (v->i >= p->min && v->i <= p->max));
        break;
    case HTTP_T_MONEY:
        CHECK(v->i >= 0);
        break;
    case HTTP_T_CHOICE: {
        bool found = false;
        for (size_t i = 0; p->choices[i]; i++)
            found = found || !strcmp(p->choices[i], v->s);
        CHECK(found);
        break;
    }
    default:
        check_text(v->s, v->n, false);
        break;
    }
}

/* Route segments with every :param replaced by a valid identifier. */
static size_t route_segments(struct arena *a, const char *pattern, const char **seg)
{
    size_t k = 0;

    for (const char *p = pattern; *p == '/' && k < HTTP_SEGMENTS;) {
        const char *s = ++p;
        while (*p && *p != '/')
            p++;
        seg[k++] = *s == ':' ? "instruire" : arena_strndup(a, s, (size_t)(p - s));
    }
    return k;
}

static void fuzz_routes(const char *s, size_t n)
{
    struct err e;
    json_t *body;
    size_t nroutes;
    struct http_route *routes = http_routes_all(&nroutes);

    err_clear(&e);
    body = json_parse(s, n, "corps", 0, &e);
    for (size_t i = 0; i < nroutes; i++) {
        const struct http_route *rt = &routes[i];
        struct http_request r;
        const char *seg[HTTP_SEGMENTS];
        int rc;

        http_request_init(&r, NULL, NULL);
        r.route = rt;
        r.nseg = route_segments(&r.arena, rt->pattern, seg);
        r.seg = seg;
        /* the input as the query string, and as the JSON body when it parses */
        r.query = s;
        r.query_len = n;
        r.json = rt->body == HTTP_BODY_JSON && json_is_object(body) ? body : NULL;
        err_clear(&e);
        rc = http_params_validate(&r, &e);
        if (rc != 0) {
            CHECK(e.code == ERR_USAGE && e.message[0]);
        } else {
            for (size_t k = 0; k < rt->nparams; k++) {
                if (r.values[k].set)
                    check_value(&rt->params[k], &r.values[k]);
                else
                    CHECK(!rt->params[k].required ||
                          (rt->params[k].in == HTTP_IN_BODY && rt->body != HTTP_BODY_JSON));
            }
        }
        r.json = NULL; /* borrowed */
        http_request_release(&r);
    }
    json_decref(body);
    free(routes);
}

static void fuzz_escape(const char *s, size_t n)
{
    struct strbuf sb;

    strbuf_init(&sb, 0);
    http_html_escape(&sb, s, n);
    CHECK(!strbuf_failed(&sb));
    for (size_t i = 0; i < sb.len; i++)
        CHECK(sb.buf[i] != '<' && sb.buf[i] != '>' && sb.buf[i] != '"' && sb.buf[i] != '\'');
    strbuf_release(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct arena a;
    char *z;

    if (size > HTTP_TARGET_MAX * 4)
        return 0;
    arena_init(&a, 0);
    z = arena_strndup(&a, s, size); /* headers are NUL-terminated strings */
    fuzz_target(&a, s, size);
    fuzz_form(&a, s, size);
    fuzz_headers(&a, z);
    fuzz_routes(s, size);
    fuzz_escape(s, size);
    arena_release(&a);
    return 0;
}

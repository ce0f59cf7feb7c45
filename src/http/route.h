/*
 * route.h: the declared route table and the request pipeline of the HTTP
 * server, for the JSON API (api*.c) and the HTML pages alike.
 *
 * A route is data (after kore): method, path pattern with :params, whether
 * a session is required, the capability it needs at least somewhere (a hint
 * checked before anything else; the case layer still checks site and data
 * class), and the parameters it accepts, each with its place (path, query,
 * body), type, bounds and whether it is required. Parameters a route does
 * not declare are dropped: a handler only ever sees validated values.
 *
 * The pipeline (http_request_run, pipeline.c):
 *
 *   parse target -> route (404, 405) -> authenticate (session cookie, 401)
 *   -> CSRF and Origin (non-GET, 403) -> authorise (capability, 403 with a
 *   "refus" row in the access log) -> validate (400) -> handler -> render
 *
 * A handler returns 0 having set the response (http_json...), or -1 with a
 * struct err; http_error() is the one place where an error becomes a
 * response: a problem document (RFC 9457) for the API, a French HTML page
 * for HTML routes.
 *
 * Memory: everything of a request lives in its arena (r->arena), released
 * with the request; json_t values taken from the body belong to r->json.
 */
#ifndef PROXIMA_HTTP_ROUTE_H
#define PROXIMA_HTTP_ROUTE_H

#include <jansson.h>
#include <pthread.h>

#include "core/compat.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "access/access.h"
#include "case/case.h"
#include "catalog/catalog.h"
#include "indic/indic.h"
#include "store/store.h"
#include "http/cache.h"
#include "http/http.h"
#include "http/parse.h"
#include "http/session.h"

enum http_method { HTTP_GET, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE, HTTP_METHOD__COUNT };

const char *http_method_name(enum http_method m);
/* "GET" -> HTTP_GET ("HEAD" too, with *head set); -1 if unknown. */
int http_method_parse(const char *s, enum http_method *out, bool *head);

/* What a route answers, and so what its errors look like. */
enum http_kind {
    HTTP_API,  /* application/json; errors application/problem+json */
    HTTP_HTML, /* text/html; errors a French HTML page */
};

enum http_body {
    HTTP_BODY_NONE, /* a body is refused (400) */
    HTTP_BODY_JSON, /* application/json object (an empty body counts as {}) */
    HTTP_BODY_FORM, /* application/x-www-form-urlencoded (HTML forms) */
};

enum http_in { HTTP_IN_PATH, HTTP_IN_QUERY, HTTP_IN_BODY };

/* Parameter types, each with its validator (route.c). */
enum http_type {
    HTTP_T_TEXT,   /* UTF-8 text, no control characters but tab and newlines, max_len bytes */
    HTTP_T_ID,     /* identifier: 1..32 of A-Z a-z 0-9 _ . - ("P0000042") */
    HTTP_T_CODE,   /* catalogue code: 1..64 of a-z 0-9 _ ("secours_urgence") */
    HTTP_T_DATE,   /* ISO date AAAA-MM-JJ */
    HTTP_T_INT,    /* integer in [min, max] */
    HTTP_T_BOOL,   /* JSON true/false; in a query or form: true, false, 1, 0, oui, non */
    HTTP_T_MONEY,  /* an amount in euros as text: "150,00", "150.00", "150" */
    HTTP_T_CHOICE, /* one of choices */
    HTTP_T_INSEE,  /* commune code: 5 of 0-9 A B ("62193", "2A004") */
    HTTP_T_SITE,   /* site "grid:code" ("mds:calaisis") */
    HTTP_T_SECRET, /* a password: any UTF-8 up to max_len bytes, never quoted in messages */
    HTTP_T_OBJECT, /* a JSON object (body only) */
    HTTP_T_ARRAY,  /* a JSON array of at most max_len items (body only) */
};

struct http_param {
    const char *name;
    enum http_in in;
    enum http_type type;
    bool required;
    size_t max_len;             /* TEXT, SECRET: bytes (0: 200); ARRAY: items (0: 100) */
    int64_t min, max;           /* INT (both 0: any) */
    const char *const *choices; /* CHOICE: NULL-terminated */
    const char *doc;            /* French description (--routes, docs/openapi.yaml) */
};

struct http_request;

struct http_route {
    enum http_method method;
    const char *pattern; /* "/api/personnes/:id" */
    enum http_kind kind;
    enum http_body body;
    bool auth;              /* a session is required (401 otherwise) */
    bool csrf_exempt;       /* only sign-in: no session yet to carry a token */
    const char *capability; /* the user needs a grant with it, NULL: none */
    const char *object;     /* object type logged with an early refusal ("personne") */
    /*
     * The handler only reads (its access-log rows aside, which go to the
     * group commit): the pipeline runs authentication's reads and the
     * handler in one read transaction (pipeline.c).
     */
    bool read_only;
    const struct http_param *params;
    size_t nparams;
    int (*handler)(struct http_request *r, struct err *e);
    const char *summary; /* French, one line */
};

/* A group of routes declared in one file (api_person.c...). */
struct http_route_group {
    const struct http_route *routes;
    const size_t *n;
};

/* Every group of the server (api.c): the API, then the HTML pages. */
extern const struct http_route_group http_route_groups[];
extern const size_t http_route_groups_count;

/* One validated parameter value. */
struct http_value {
    bool set;
    char *s; /* text forms (every type but OBJECT and ARRAY), in the arena */
    size_t n;
    int64_t i; /* INT; MONEY in cents */
    bool b;    /* BOOL */
    json_t *j; /* OBJECT, ARRAY: borrowed from the request's body */
};

struct http_header {
    const char *name, *value;
};

#define HTTP_RESPONSE_HEADERS 8

struct http_response {
    int status; /* 0 until a response is set */
    const char *content_type;
    struct strbuf body;
    struct http_header headers[HTTP_RESPONSE_HEADERS];
    size_t nheaders;
};

/* What the server shares between its threads: read-only after start. */
struct http_app {
    struct http_config cfg;
    struct catalog cat;
    const struct http_route *routes; /* the groups, flattened */
    size_t nroutes;
    pthread_mutex_t login_lock;   /* one password verification at a time (memory, CPU) */
    struct indic_dict dict;       /* the indicator dictionary (data/indicateurs) */
    bool has_dict;                /* false when it failed to load: /api/indicateurs answers 503 */
    struct http_home_cache *home; /* the home page's figures (page_home.c); NULL: not cached */
    struct http_cache *cache;     /* sessions and dossier answers (cache.h); NULL: none */
};

/*
 * The home page's figures, computed for its indicators only and kept per
 * (grid, year) until the journal moves (page_home.c). new: NULL when the
 * dictionary lacks them all. free: c may be NULL.
 */
struct http_home_cache *http_home_cache_new(const struct indic_dict *d);
void http_home_cache_free(struct http_home_cache *c);

struct http_request {
    struct http_app *app;
    struct arena arena;
    struct store *store; /* the worker thread's connection */
    int64_t now;         /* seconds since the epoch */

    /* as received (server.c, or a test) */
    enum http_method method;
    bool head;
    const char *method_name;
    const char *target; /* raw request target */
    struct http_header *headers;
    size_t nheaders;
    const char *peer; /* TCP peer address */
    struct strbuf body;

    /* parsed by the pipeline */
    const char **seg;
    size_t nseg;
    const char *query;
    size_t query_len;
    const char *client; /* peer, or X-Real-IP from a trusted proxy */
    bool https;         /* X-Forwarded-Proto: https from a trusted proxy */
    const struct http_route *route;
    struct http_value *values; /* parallel to route->params */
    json_t *json;              /* the JSON body, owned */
    struct http_pairs form;    /* the form body */

    /* who: set when a valid session came with the request */
    bool has_session;
    const char *token;
    struct http_session session;
    struct access_user user;
    /* read with the session, when the app has a cache (cache.h) */
    bool has_stamps;
    struct http_stamps stamps;
    struct case_ctx cc; /* prepared for the handler (http_case) */

    struct http_response res;
};

/*
 * Prepare r for app with store (may be NULL for tests of parsing only);
 * the caller then sets method, target, headers, peer and body.
 */
void http_request_init(struct http_request *r, struct http_app *app, struct store *store);
void http_request_release(struct http_request *r);

/* Value of request header name (case-insensitive), NULL if absent. */
const char *http_request_header(const struct http_request *r, const char *name);

/* Run the pipeline; r->res is always set afterwards. */
void http_request_run(struct http_request *r);

/*
 * Match method and path segments against routes. 0 with *route set; else
 * 404 (no pattern matches the path) or 405 (some do, for other methods:
 * allow receives "GET, POST").
 */
int http_route_match(const struct http_route *routes, size_t n, enum http_method m,
                     const char **seg, size_t nseg, const struct http_route **route,
                     struct strbuf *allow);

/*
 * Validate r's path segments, query and body against r->route's declared
 * parameters into r->values. Undeclared parameters are dropped; a repeated
 * query or form parameter, a missing required one, or a value that fails
 * its type is ERR_USAGE (400) naming the parameter in French.
 */
int http_params_validate(struct http_request *r, struct err *e);

/*
 * Validate the members of a JSON object against params (all HTTP_IN_BODY)
 * into values (nparams of them, in arena a). where prefixes messages
 * ("décision 2 : "), "" for none. Used for the body and for objects inside
 * it (the decisions of a commission).
 */
int http_validate_object(struct arena *a, const struct http_param *params, size_t nparams,
                         json_t *obj, struct http_value *values, const char *where, struct err *e);

/* Check a route table: patterns, declared path parameters, duplicates, types per place. */
int http_routes_check(const struct http_route *routes, size_t n, struct err *e);

/* The groups flattened into one array (malloc'ed; free it). */
struct http_route *http_routes_all(size_t *n);

/* Getters on validated values; NULL / false / def when the parameter is absent. */
const struct http_value *http_value(const struct http_request *r, const char *name);
const char *http_str(const struct http_request *r, const char *name);
int64_t http_int(const struct http_request *r, const char *name, int64_t def);
bool http_bool(const struct http_request *r, const char *name, bool def);
json_t *http_jsonv(const struct http_request *r, const char *name);
/* Same on values validated by http_validate_object. */
const char *http_obj_str(const struct http_param *params, size_t nparams,
                         const struct http_value *values, const char *name);

/*
 * The case context of r's agent (store, catalogue, arena, actor, user,
 * today), ready for the case layer.
 */
struct case_ctx *http_case(struct http_request *r);

/*
 * Log a refusal r's agent met outside the case layer, then fill e with
 * ERR_FORBIDDEN (message fmt). object_type is required; ids may be NULL.
 * Returns -1.
 */
int http_refuse(struct http_request *r, const char *object_type, const char *object_id,
                const char *person_id, struct err *e, const char *fmt, ...) PRINTF_LIKE(6, 7);

#endif

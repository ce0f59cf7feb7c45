/*
 * pipeline.c: the one path every request takes (route.h):
 *
 *   parse target -> route -> authenticate -> CSRF/Origin -> authorise
 *   -> parse body and validate parameters -> handler -> render
 *
 * Each stage returns 0 to go on, -1 with a struct err that http_error()
 * renders, or 1 when it has set a response itself (405, 415). Nothing here
 * knows libmicrohttpd: server.c feeds requests in, tests can too.
 */
#include "core/compat.h"
#include "http/route.h"

#include <strings.h>
#include <time.h>

#include "core/date.h"
#include "core/json.h"
#include "http/response.h"

void http_request_init(struct http_request *r, struct http_app *app, struct store *store)
{
    memset(r, 0, sizeof(*r));
    r->app = app;
    r->store = store;
    r->now = (int64_t)time(NULL);
    arena_init(&r->arena, 16384);
    strbuf_init(&r->body, app ? app->cfg.body_max : (1u << 20));
}

void http_request_release(struct http_request *r)
{
    json_decref(r->json);
    r->json = NULL;
    strbuf_release(&r->body);
    if (r->res.body.buf)
        strbuf_release(&r->res.body);
    arena_release(&r->arena);
}

const char *http_request_header(const struct http_request *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (!strcasecmp(r->headers[i].name, name))
            return r->headers[i].value;
    return NULL;
}

struct case_ctx *http_case(struct http_request *r)
{
    struct case_ctx *c = &r->cc;

    memset(c, 0, sizeof(*c));
    c->store = r->store;
    c->cat = &r->app->cat;
    c->arena = &r->arena;
    c->actor = r->has_session ? r->user.login : "system";
    c->user = r->has_session ? &r->user : NULL;
    c->today = paris_today();
    return c;
}

int http_refuse(struct http_request *r, const char *object_type, const char *object_id,
                const char *person_id, struct err *e, const char *fmt, ...)
{
    struct access_target t = {
        .data_class = CLASS_NONE,
        .object_type = object_type,
        .object_id = object_id,
        .person_id = person_id,
    };
    struct err logerr;
    va_list ap;

    err_clear(&logerr);
    if (r->has_session &&
        access_log_append(r->store, r->user.login, "refus", &t, NULL, &logerr) != 0)
        fprintf(stderr, "warning: access refusal not logged: %s\n", err_code_name(logerr.code));
    err_clear(e);
    e->code = ERR_FORBIDDEN;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- parse ---- */

static bool loopback(const char *a)
{
    return a && (!strncmp(a, "127.", 4) || !strcmp(a, "::1") || !strncmp(a, "::ffff:127.", 11));
}

/* An address as nginx writes $remote_addr: hex digits, '.', ':' only. */
static bool address_like(const char *s)
{
    size_t n = 0;

    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f') ||
              (s[n] >= 'A' && s[n] <= 'F') || s[n] == '.' || s[n] == ':') ||
            n >= 45)
            return false;
    return n > 0;
}

static int stage_parse(struct http_request *r, struct err *e)
{
    bool trusted = r->app->cfg.trust_proxy && loopback(r->peer);
    const char *v;

    if (http_target_parse(&r->arena, r->target, strlen(r->target), &r->seg, &r->nseg, &r->query,
                          &r->query_len, e) != 0)
        return -1;
    r->client = r->peer;
    if (trusted) {
        v = http_request_header(r, "X-Real-IP");
        if (v && address_like(v))
            r->client = v;
        v = http_request_header(r, "X-Forwarded-Proto");
        r->https = v && !strcasecmp(v, "https");
    }
    return 0;
}

/* ---- route ---- */

static int stage_route(struct http_request *r, struct err *e)
{
    struct strbuf allow;
    int rc;

    strbuf_init(&allow, 128);
    rc = http_route_match(r->app->routes, r->app->nroutes, r->method, r->seg, r->nseg, &r->route,
                          &allow);
    if (rc == 404) {
        strbuf_release(&allow);
        err_set(e, ERR_NOT_FOUND, "aucune ressource à cette adresse");
        return err_hint(e, "les adresses de l'API sont décrites dans docs/openapi.yaml");
    }
    if (rc == 405) {
        http_header_add(r, "Allow", allow.buf);
        http_problem(
            r, 405, "method_not_allowed", NULL,
            arena_printf(&r->arena, "méthode %s non permise à cette adresse", r->method_name),
            arena_printf(&r->arena, "méthodes permises : %s", allow.buf), NULL);
        strbuf_release(&allow);
        return 1;
    }
    strbuf_release(&allow);
    return 0;
}

/* ---- one read transaction for a read-only route ---- */

/*
 * A route marked read_only runs its reads, from the session's lookup to the
 * handler's, in one read transaction (store_begin_read, a deferred BEGIN: one snapshot, SQLite's
 * page cache checked once, instead of one implicit transaction per statement). Only under the
 * server's group commit (store->log_sink): access_log_append then hands its
 * rows to the logger thread, since store->in_tx (a write transaction) stays
 * false; nothing else writes through this connection meanwhile. The
 * statements are the store's cached ones.
 */
static void read_begin(struct http_request *r)
{
    struct err ignored;

    err_clear(&ignored);
    if (!r->route || !r->route->read_only || !r->store->log_sink)
        return;
    /* on failure the reads simply run without a shared snapshot */
    (void)store_begin_read(r->store, &ignored);
}

/* ---- authenticate ---- */

static int stage_authenticate(struct http_request *r, struct err *e)
{
    const char *name = r->https ? HTTP_COOKIE_TLS : HTTP_COOKIE_PLAIN;
    const char *token = http_cookie_get(&r->arena, http_request_header(r, "Cookie"), name);
    bool expired = false, disabled = false;

    if (token) {
        unsigned char h[HTTP_TOKEN_HASH_BYTES];
        bool cacheable = r->app->cache && http_token_hash(token, h);
        int rc;
        /* session.c ends it before the session's rare writes (last_seen, expiry) */
        read_begin(r);
        if (cacheable) {
            /* the stamps first: what is read after them is at least as new */
            if (http_cache_stamps(r->store, &r->stamps, e) != 0)
                return -1;
            r->has_stamps = true;
            if (http_cache_session_get(r->app->cache, h, &r->stamps, r->now, &r->arena, &r->session,
                                       &r->user)) {
                r->has_session = true;
                r->token = token;
                return 0;
            }
        }
        rc = http_session_find(r->store, &r->arena, token, r->now, &r->session, &expired, e);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            struct err sub;
            err_clear(&sub);
            if (access_user_load(r->store, &r->arena, r->session.login, &r->user, &sub) != 0 ||
                !r->user.active) {
                if (sub.code != ERR_OK && sub.code != ERR_NOT_FOUND) {
                    *e = sub;
                    return -1;
                }
                /* a disabled or removed account: its sessions end now */
                store_end_read(r->store);
                if (http_session_delete_login(r->store, r->session.login, e) != 0)
                    return -1;
                disabled = true;
            } else {
                r->has_session = true;
                r->token = token;
                if (cacheable)
                    http_cache_session_put(r->app->cache, h, &r->stamps, &r->session, &r->user);
            }
        }
        if (!r->has_session)
            http_cookie_clear(r);
    }
    if (!r->route->auth || r->has_session)
        return 0;
    if (disabled)
        err_set(e, ERR_UNAUTHENTICATED, "votre compte est désactivé : la session est fermée");
    else if (expired)
        err_set(e, ERR_UNAUTHENTICATED,
                "votre session a expiré (30 minutes sans activité ou 10 heures après la "
                "connexion)");
    else
        err_set(e, ERR_UNAUTHENTICATED, "authentification requise");
    if (r->route->kind == HTTP_API)
        return err_hint(e, "connectez-vous : POST /api/session avec identifiant et mot_de_passe");
    return err_hint(e, "connectez-vous avec votre identifiant et votre mot de passe");
}

/* ---- CSRF and Origin ---- */

static int parse_form(struct http_request *r, struct err *e)
{
    const char *type;

    if (r->form.v || r->body.len == 0)
        return 0;
    if (http_media_type(&r->arena, http_request_header(r, "Content-Type"), &type, e) != 0)
        return -1;
    if (strcmp(type, "application/x-www-form-urlencoded") != 0) {
        http_problem(r, 415, "unsupported_media_type", NULL,
                     "le formulaire doit être envoyé en application/x-www-form-urlencoded", NULL,
                     NULL);
        return 1;
    }
    return http_form_parse(&r->arena, r->body.buf, r->body.len, &r->form, e);
}

static int stage_csrf(struct http_request *r, struct err *e)
{
    const char *origin, *host, *token = NULL;
    int rc;

    if (r->method == HTTP_GET)
        return 0;
    /* a browser always says where a cross-site request comes from */
    origin = http_request_header(r, "Origin");
    host = http_request_header(r, "Host");
    if (origin && strcmp(origin, "null") != 0) {
        const char *expected =
            arena_printf(&r->arena, "%s://%s", r->https ? "https" : "http", host ? host : "");
        if (!host || strcmp(origin, expected) != 0)
            return http_refuse(r, "requete", r->route->pattern, NULL, e,
                               "requête venue d'un autre site (origine refusée)");
    }
    if (r->route->csrf_exempt || !r->has_session)
        return 0;
    if (r->route->body == HTTP_BODY_FORM) {
        if ((rc = parse_form(r, e)) != 0)
            return rc;
        for (size_t i = 0; i < r->form.n; i++)
            if (!strcmp(r->form.v[i].name, "_csrf"))
                token = r->form.v[i].value;
    } else {
        token = http_request_header(r, "X-CSRF-Token");
    }
    if (http_secret_equal(token, r->session.csrf))
        return 0;
    rc = http_refuse(r, "requete", r->route->pattern, NULL, e,
                     token ? "jeton anti-CSRF invalide" : "jeton anti-CSRF absent");
    if (r->route->kind == HTTP_API)
        err_hint(e, "renvoyez dans l'en-tête X-CSRF-Token le jeton « csrf » reçu à la connexion "
                    "(ou lu par GET /api/moi)");
    else
        err_hint(e, "rechargez la page et recommencez");
    return rc;
}

/* ---- authorise ---- */

static const struct {
    const char *code, *label;
} capability_labels[] = {
    {"personne.lire", "consulter les fiches des personnes"},
    {"personne.ecrire", "créer ou modifier des fiches de personnes"},
    {"dossier.lire", "consulter des dossiers"},
    {"dossier.ecrire", "ouvrir ou faire avancer des dossiers"},
    {"acte.enregistrer", "enregistrer des actes"},
    {"commission.gerer", "gérer les séances de commission"},
    {"commission.presider", "présider une commission"},
    {"statistiques.lire", "consulter les statistiques"},
    {"journal_acces.lire", "consulter le journal des accès"},
    {"utilisateurs.gerer", "gérer les agents"},
};

static const char *capability_label(const char *code)
{
    for (size_t i = 0; i < ARRAY_SIZE(capability_labels); i++)
        if (!strcmp(capability_labels[i].code, code))
            return capability_labels[i].label;
    return code;
}

/* The raw :id segment of the request, for the log of an early refusal. */
static const char *path_id(const struct http_request *r)
{
    const char *p = r->route->pattern;
    size_t k = 0;

    while (*p == '/') {
        p++;
        if (!strncmp(p, ":id", 3) && (p[3] == '/' || !p[3]))
            return k < r->nseg && strlen(r->seg[k]) <= 32 ? r->seg[k] : "";
        while (*p && *p != '/')
            p++;
        k++;
    }
    return "";
}

static int stage_authorise(struct http_request *r, struct err *e)
{
    const char *cap = r->route->capability;
    const char *object = r->route->object ? r->route->object : "requete";
    const char *id;

    if (!cap || !r->has_session)
        return 0;
    for (size_t i = 0; i < r->user.ngrants; i++) {
        const struct catalog_role *role = catalog_role(&r->app->cat, r->user.grants[i].role);
        if (role && catalog_role_can(role, cap))
            return 0;
    }
    id = path_id(r);
    /* the person concerned, when the path names one: the data officer finds the refusal */
    http_refuse(r, object, id,
                !strcmp(object, "personne") || !strcmp(object, "journal_acces") ? id : NULL, e,
                "aucun de vos rôles ne permet de %s", capability_label(cap));
    return err_detail(e, "capacité exigée : %s", cap);
}

/* ---- body and parameters ---- */

static int stage_validate(struct http_request *r, struct err *e)
{
    const char *type;
    int rc;

    switch (r->route->body) {
    case HTTP_BODY_NONE:
        if (r->body.len) {
            err_set(e, ERR_USAGE, "cette adresse n'accepte pas de corps de requête");
            return err_hint(e, "les paramètres d'un %s passent dans l'adresse", r->method_name);
        }
        break;
    case HTTP_BODY_FORM:
        if ((rc = parse_form(r, e)) != 0)
            return rc;
        break;
    case HTTP_BODY_JSON:
        if (r->body.len == 0) {
            r->json = json_object();
            break;
        }
        if (http_media_type(&r->arena, http_request_header(r, "Content-Type"), &type, e) != 0)
            return -1;
        if (strcmp(type, "application/json") != 0) {
            http_problem(r, 415, "unsupported_media_type", NULL,
                         "le corps de la requête doit être un document JSON",
                         "ajoutez l'en-tête Content-Type: application/json", NULL);
            return 1;
        }
        r->json = json_parse(r->body.buf, r->body.len, "corps de la requête", 0, e);
        if (!r->json) {
            if (e->code == ERR_INVALID)
                e->code = ERR_USAGE; /* a malformed request, not refused data */
            return err_hint(e, "envoyez un objet JSON valide, en UTF-8");
        }
        if (!json_is_object(r->json)) {
            err_set(e, ERR_USAGE, "le corps de la requête doit être un objet JSON { ... }");
            return -1;
        }
        break;
    }
    return http_params_validate(r, e);
}

void http_request_run(struct http_request *r)
{
    struct err e;
    int rc;

    err_clear(&e);
    if ((rc = stage_parse(r, &e)) == 0 && (rc = stage_route(r, &e)) == 0 &&
        (rc = stage_authenticate(r, &e)) == 0 && (rc = stage_csrf(r, &e)) == 0 &&
        (rc = stage_authorise(r, &e)) == 0 && (rc = stage_validate(r, &e)) == 0) {
        rc = r->route->handler(r, &e);
        if (rc == 0 && r->res.status == 0)
            rc = err_set(&e, ERR_INTERNAL, "le traitement n'a produit aucune réponse (bogue)");
    }
    store_end_read(r->store);
    if (rc < 0)
        http_error(r, &e);
    assert(r->res.status != 0);
}

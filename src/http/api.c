/*
 * api.c: sign-in (POST /api/session), sign-out, the signed-in agent
 * (GET /api/moi), the health check, and the list of every route group the
 * server serves (the HTML pages will add theirs here).
 */
#include "core/compat.h"
#include "http/api.h"

#include <sodium.h>
#include <time.h>

#include "case/run.h"
#include "http/page.h"
#include "http/response.h"

const struct http_route_group http_route_groups[] = {
    {api_session_routes, &api_session_nroutes}, {api_person_routes, &api_person_nroutes},
    {api_dossier_routes, &api_dossier_nroutes}, {api_commission_routes, &api_commission_nroutes},
    {api_catalog_routes, &api_catalog_nroutes}, {api_indic_routes, &api_indic_nroutes},
    /* the agents' HTML pages (page_*.c) */
    {page_layout_routes, &page_layout_nroutes}, {page_home_routes, &page_home_nroutes},
    {page_person_routes, &page_person_nroutes}, {page_dossier_routes, &page_dossier_nroutes},
    {page_seance_routes, &page_seance_nroutes}, {page_acces_routes, &page_acces_nroutes},
    {page_rapport_routes, &page_rapport_nroutes},
};
const size_t http_route_groups_count = ARRAY_SIZE(http_route_groups);

int api_run(struct http_request *r, int (*fn)(struct case_ctx *c, void *arg, struct err *e),
            void *arg, struct err *e)
{
    return case_run(http_case(r), fn, arg, e);
}

int api_created(struct http_request *r, const char *location, json_t *doc)
{
    http_header_add(r, "Location", location);
    return http_json(r, 201, doc);
}

/* An instant as ISO 8601 in UTC: "2026-03-16T09:30:00Z". */
static json_t *instant_json(int64_t t)
{
    char buf[32];
    time_t tt = (time_t)t;
    struct tm tm;

    if (!gmtime_r(&tt, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
        return json_null();
    return json_string(buf);
}

/* The agent, its rights and its session, as GET /api/moi and sign-in answer. */
static json_t *moi_json(struct http_request *r, const struct access_user *u,
                        const struct http_session *s)
{
    json_t *grants = json_array();
    int64_t idle_end = s->last_seen + HTTP_SESSION_IDLE;
    int64_t abs_end = s->created + HTTP_SESSION_ABSOLUTE;

    for (size_t i = 0; i < u->ngrants; i++) {
        const struct access_grant *g = &u->grants[i];
        const struct catalog_role *role = catalog_role(&r->app->cat, g->role);
        json_t *caps = json_array();
        for (size_t k = 0; role && k < role->ncapabilities; k++)
            json_array_append_new(caps, json_string(role->capabilities[k]));
        json_array_append_new(
            grants, json_pack("{s:s, s:o, s:s, s:o}", "role", g->role, "role_libelle",
                              role ? json_string(role->label) : json_null(), "site",
                              arena_printf(&r->arena, "%s:%s", g->site_grid, g->site_code),
                              "capacites", caps));
    }
    return json_pack("{s:s, s:s, s:o, s:s, s:{s:o, s:o}}", "identifiant", u->login, "nom",
                     u->name ? u->name : "", "droits", grants, "csrf", s->csrf, "session",
                     "ouverte_le", instant_json(s->created), "expire_le",
                     instant_json(idle_end < abs_end ? idle_end : abs_end));
}

/* ---- POST /api/session ---- */

static const struct http_param login_params[] = {
    {"identifiant", HTTP_IN_BODY, HTTP_T_TEXT, true, .max_len = ACCESS_LOGIN_MAX,
     .doc = "identifiant de l'agent (jean.dupont)"},
    {"mot_de_passe", HTTP_IN_BODY, HTTP_T_SECRET, true, .max_len = ACCESS_PASSWORD_MAX_BYTES,
     .doc = "mot de passe de l'agent"},
};

static int too_many(struct http_request *r, int64_t wait)
{
    int64_t minutes = (wait + 59) / 60;

    http_header_add(r, "Retry-After", arena_printf(&r->arena, "%lld", (long long)wait));
    http_problem(r, 429, "too_many_requests", NULL,
                 arena_printf(&r->arena,
                              "trop de tentatives de connexion échouées : réessayez dans %lld "
                              "minute%s",
                              (long long)minutes, minutes > 1 ? "s" : ""),
                 "après 5 échecs en 15 minutes, la connexion est suspendue ; en cas d'oubli du "
                 "mot de passe, adressez-vous à votre administrateur",
                 NULL);
    return 0;
}

static int session_login(struct http_request *r, struct err *e)
{
    const char *login = http_str(r, "identifiant");
    char *password = http_value(r, "mot_de_passe")->s;
    struct http_session s;
    struct access_user u;
    const char *token;
    int64_t wait;
    int rc;

    if (http_login_blocked(r->store, login, r->client, r->now, &wait, e) != 0)
        goto fail;
    if (wait > 0) {
        sodium_memzero(password, strlen(password));
        return too_many(r, wait);
    }
    /* argon2id takes 64 MiB and a fraction of a second: one at a time */
    pthread_mutex_lock(&r->app->login_lock);
    rc = access_authenticate(r->store, &r->arena, login, password, &u, e);
    pthread_mutex_unlock(&r->app->login_lock);
    sodium_memzero(password, strlen(password));
    if (rc != 0) {
        struct err sub;
        err_clear(&sub);
        if (e->code == ERR_UNAUTHENTICATED &&
            http_login_failed(r->store, login, r->client, r->now, &sub) != 0) {
            *e = sub;
            return -1;
        }
        return -1;
    }
    if (http_login_succeeded(r->store, u.login, e) != 0)
        return -1;
    /* a new session at each sign-in: an earlier one (maybe planted) ends */
    if (r->has_session && http_session_delete(r->store, r->token, e) != 0)
        return -1;
    if (http_session_create(r->store, &r->arena, u.login, r->now, &token, &s, e) != 0)
        return -1;
    http_cookie_set(r, token);
    return http_json(r, 201, moi_json(r, &u, &s));
fail:
    sodium_memzero(password, strlen(password));
    return -1;
}

/* ---- DELETE /api/session, GET /api/moi, GET /api/sante ---- */

static int session_logout(struct http_request *r, struct err *e)
{
    if (http_session_delete(r->store, r->token, e) != 0)
        return -1;
    http_cookie_clear(r);
    return http_no_content(r);
}

static int moi(struct http_request *r, struct err *e)
{
    (void)e;
    return http_json(r, 200, moi_json(r, &r->user, &r->session));
}

static int health(struct http_request *r, struct err *e)
{
    int version;

    if (store_schema_version(r->store, &version, e) != 0)
        return -1;
    return http_json(r, 200, json_pack("{s:s, s:i}", "etat", "ok", "schema", version));
}

const struct http_route api_session_routes[] = {
    {HTTP_POST, "/api/session", HTTP_API, HTTP_BODY_JSON, .csrf_exempt = true,
     .params = login_params, .nparams = ARRAY_SIZE(login_params), .handler = session_login,
     .summary = "se connecter (ouvre une session, pose le cookie)"},
    {HTTP_DELETE, "/api/session", HTTP_API, HTTP_BODY_NONE, .auth = true, .handler = session_logout,
     .summary = "se déconnecter"},
    {HTTP_GET, "/api/moi", HTTP_API, HTTP_BODY_NONE, .auth = true, .handler = moi,
     .summary = "l'agent connecté, ses droits et son jeton anti-CSRF"},
    {HTTP_GET, "/api/sante", HTTP_API, HTTP_BODY_NONE, .handler = health,
     .summary = "état du service (supervision)"},
};
const size_t api_session_nroutes = ARRAY_SIZE(api_session_routes);

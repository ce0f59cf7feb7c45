/*
 * test_http.c: the HTTP layer without sockets: the parsers (target, query
 * and form, cookies, media types), the templates' escaping, the route
 * table (matching, checks, parameter validation), sessions and sign-in
 * throttling on a real SQLite file, and the whole pipeline
 * (http_request_run) fed by hand: 401, 404, 405, sign-in, CSRF, an early
 * capability refusal with its "refus" row. tests/e2e/api.sh drives the
 * real server with curl.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "access/access.h"
#include "access/logger.h"
#include "http/parse.h"
#include "http/response.h"
#include "http/route.h"
#include "http/session.h"
#include "http/template.h"
#include "store/store.h"

#include "../store/tmpdir.h"

#ifndef PROXIMA_DATADIR
#define PROXIMA_DATADIR "data"
#endif

#define PW "une phrase de passe solide"

/* ---- parsers ---- */

static void test_target(void **state)
{
    struct arena a;
    struct err e;
    const char **seg, *q;
    size_t n, qn;

    (void)state;
    arena_init(&a, 0);
    err_clear(&e);
    assert_int_equal(
        http_target_parse(&a, "/api/personnes/P0000001?nom=x", 29, &seg, &n, &q, &qn, &e), 0);
    assert_int_equal(n, 3);
    assert_string_equal(seg[0], "api");
    assert_string_equal(seg[2], "P0000001");
    assert_int_equal(qn, 5);
    assert_memory_equal(q, "nom=x", 5);
    /* "/" has no segment, a trailing slash an empty one */
    assert_int_equal(http_target_parse(&a, "/", 1, &seg, &n, &q, &qn, &e), 0);
    assert_int_equal(n, 0);
    assert_null(q);
    assert_int_equal(http_target_parse(&a, "/api/moi/", 9, &seg, &n, &q, &qn, &e), 0);
    assert_int_equal(n, 3);
    assert_string_equal(seg[2], "");
    /* %2F stays inside its segment; %C3%A9 is é */
    assert_int_equal(http_target_parse(&a, "/a%2Fb/%C3%A9", 13, &seg, &n, &q, &qn, &e), 0);
    assert_int_equal(n, 2);
    assert_string_equal(seg[0], "a/b");
    assert_string_equal(seg[1], "é");
    /* refused */
    assert_int_equal(http_target_parse(&a, "api", 3, &seg, &n, &q, &qn, &e), -1);
    assert_int_equal(e.code, ERR_USAGE);
    err_clear(&e);
    assert_int_equal(http_target_parse(&a, "/a%00b", 6, &seg, &n, &q, &qn, &e), -1);
    assert_non_null(strstr(e.message, "contrôle"));
    err_clear(&e);
    assert_int_equal(http_target_parse(&a, "/a%zz", 5, &seg, &n, &q, &qn, &e), -1);
    assert_non_null(strstr(e.message, "échappement"));
    err_clear(&e);
    assert_int_equal(http_target_parse(&a, "/%C3", 4, &seg, &n, &q, &qn, &e), -1);
    assert_non_null(strstr(e.message, "UTF-8"));
    err_clear(&e);
    assert_int_equal(http_target_parse(&a, "/a#frag", 7, &seg, &n, &q, &qn, &e), -1);
    arena_release(&a);
}

static void test_form(void **state)
{
    struct arena a;
    struct err e;
    struct http_pairs p;
    char many[HTTP_PAIRS_MAX * 4 + 16];
    size_t k = 0;

    (void)state;
    arena_init(&a, 0);
    err_clear(&e);
    assert_int_equal(http_form_parse(&a, "nom=Le+Gall&&vide=&seul&motif=a%0Ab&nom=x", 41, &p, &e),
                     0);
    assert_int_equal(p.n, 5);
    assert_string_equal(p.v[0].name, "nom");
    assert_string_equal(p.v[0].value, "Le Gall");
    assert_string_equal(p.v[1].value, "");
    assert_string_equal(p.v[2].name, "seul");
    assert_string_equal(p.v[3].value, "a\nb"); /* textareas keep their newlines */
    assert_string_equal(p.v[4].value, "x");    /* repeats are kept: the validator refuses them */
    assert_int_equal(http_form_parse(&a, "=x", 2, &p, &e), -1);
    err_clear(&e);
    assert_int_equal(http_form_parse(&a, "n%C3%A9=1", 9, &p, &e), -1); /* names are ASCII */
    err_clear(&e);
    for (int i = 0; i <= HTTP_PAIRS_MAX; i++)
        k += (size_t)snprintf(many + k, sizeof(many) - k, "a=%d&", i % 10);
    assert_int_equal(http_form_parse(&a, many, k, &p, &e), -1);
    assert_non_null(strstr(e.message, "trop de paramètres"));
    arena_release(&a);
}

static void test_cookie_media(void **state)
{
    struct arena a;
    struct err e;
    const char *t;

    (void)state;
    arena_init(&a, 0);
    assert_string_equal(http_cookie_get(&a, "a=1; proxima=abc ; b=2", "proxima"), "abc");
    assert_string_equal(http_cookie_get(&a, "proxima=\"q\"", "proxima"), "q");
    assert_null(http_cookie_get(&a, "xproxima=abc", "proxima"));
    assert_null(http_cookie_get(&a, "proxima=a; proxima=b", "proxima")); /* shadowed: refused */
    assert_null(http_cookie_get(&a, NULL, "proxima"));
    err_clear(&e);
    assert_int_equal(http_media_type(&a, "Application/JSON; charset=UTF-8", &t, &e), 0);
    assert_string_equal(t, "application/json");
    assert_int_equal(http_media_type(&a, NULL, &t, &e), 0);
    assert_string_equal(t, "");
    assert_int_equal(http_media_type(&a, "application/json; charset=latin1", &t, &e), -1);
    assert_int_equal(e.code, ERR_USAGE);
    assert_true(http_secret_equal("abc", "abc"));
    assert_false(http_secret_equal("abc", "abd"));
    assert_false(http_secret_equal("abc", "abcd"));
    assert_false(http_secret_equal(NULL, "abc"));
    assert_false(http_secret_equal("", ""));
    arena_release(&a);
}

static void test_template(void **state)
{
    struct strbuf sb;
    struct err e;
    const struct http_tpl_var vars[] = {
        {"nom", "<b>O'Neil & \"fils\"</b>", false},
        {"frag", "<em>ok</em>", true},
    };

    (void)state;
    strbuf_init(&sb, 0);
    err_clear(&e);
    assert_int_equal(http_template_render(&sb, "<p>{{nom}}</p>{{frag}}", vars, 2, &e), 0);
    assert_string_equal(sb.buf, "<p>&lt;b&gt;O&#39;Neil &amp; &quot;fils&quot;&lt;/b&gt;</p>"
                                "<em>ok</em>");
    strbuf_clear(&sb);
    assert_int_equal(http_template_render(&sb, "{{inconnu}}", vars, 2, &e), -1);
    assert_int_equal(e.code, ERR_INTERNAL);
    err_clear(&e);
    assert_int_equal(http_template_render(&sb, "{{nom", vars, 2, &e), -1);
    strbuf_release(&sb);
}

/* ---- routes ---- */

static int h_ok(struct http_request *r, struct err *e)
{
    (void)e;
    return http_json(r, 200, json_object());
}

static const char *const colours[] = {"rouge", "vert", NULL};
static const struct http_param t_params[] = {
    {"id", HTTP_IN_PATH, HTTP_T_ID, true, .doc = "identifiant"},
    {"n", HTTP_IN_QUERY, HTTP_T_INT, false, .min = 1, .max = 10},
    {"jour", HTTP_IN_QUERY, HTTP_T_DATE, false, .doc = "jour"},
    {"couleur", HTTP_IN_BODY, HTTP_T_CHOICE, true, .choices = colours},
    {"montant", HTTP_IN_BODY, HTTP_T_MONEY, false, .doc = "montant"},
    {"secret", HTTP_IN_BODY, HTTP_T_SECRET, false, .max_len = 8},
    {"faits", HTTP_IN_BODY, HTTP_T_OBJECT, false, .doc = "faits"},
};
static const struct http_route t_routes[] = {
    {HTTP_GET, "/x/:id", HTTP_API, HTTP_BODY_NONE, .params = t_params, .nparams = 3,
     .handler = h_ok, .summary = "x"},
    {HTTP_POST, "/x/:id", HTTP_API, HTTP_BODY_JSON, .params = t_params,
     .nparams = ARRAY_SIZE(t_params), .handler = h_ok, .summary = "x"},
};

static void test_match_and_check(void **state)
{
    const char *seg[] = {"x", "P1"}, *bad[] = {"x"};
    const struct http_route *rt;
    struct strbuf allow;
    struct err e;
    size_t n;
    struct http_route *all;
    struct http_route broken = t_routes[0];

    (void)state;
    strbuf_init(&allow, 0);
    assert_int_equal(http_route_match(t_routes, 2, HTTP_POST, seg, 2, &rt, &allow), 0);
    assert_ptr_equal(rt, &t_routes[1]);
    assert_int_equal(http_route_match(t_routes, 2, HTTP_DELETE, seg, 2, &rt, &allow), 405);
    assert_string_equal(allow.buf, "GET, POST");
    assert_int_equal(http_route_match(t_routes, 2, HTTP_GET, bad, 1, &rt, &allow), 404);
    strbuf_release(&allow);

    err_clear(&e);
    assert_int_equal(http_routes_check(t_routes, 2, &e), 0);
    all = http_routes_all(&n);
    assert_true(n >= 19);
    assert_int_equal(http_routes_check(all, n, &e), 0);
    free(all);
    broken.pattern = "/x/:autre";
    assert_int_equal(http_routes_check(&broken, 1, &e), -1);
    assert_non_null(strstr(e.message, "non déclaré"));
}

/* Validate query and body of a POST /x/P1 request. */
static int validate(const char *query, const char *body, struct err *e)
{
    static const char *seg[] = {"x", "P1"};
    struct http_request r;
    int rc;

    http_request_init(&r, NULL, NULL);
    r.route = &t_routes[1];
    r.seg = seg;
    r.nseg = 2;
    r.query = query;
    r.query_len = query ? strlen(query) : 0;
    r.json = json_loads(body, 0, NULL);
    assert_non_null(r.json);
    err_clear(e);
    rc = http_params_validate(&r, e);
    if (rc == 0) {
        assert_string_equal(http_str(&r, "id"), "P1");
        assert_non_null(http_str(&r, "couleur"));
    }
    http_request_release(&r);
    return rc;
}

static void test_validate(void **state)
{
    struct err e;

    (void)state;
    assert_int_equal(validate("n=3&inconnu=1", "{\"couleur\": \"vert\", \"autre\": 1}", &e), 0);
    assert_int_equal(validate("n=11", "{\"couleur\": \"vert\"}", &e), -1);
    assert_string_equal(e.message, "paramètre « n » : nombre entre 1 et 10 attendu");
    assert_int_equal(validate("n=1&n=2", "{\"couleur\": \"vert\"}", &e), -1);
    assert_non_null(strstr(e.message, "donné deux fois"));
    assert_int_equal(validate("jour=2026-02-30", "{\"couleur\": \"vert\"}", &e), -1);
    assert_non_null(strstr(e.message, "AAAA-MM-JJ"));
    assert_int_equal(validate(NULL, "{}", &e), -1);
    assert_string_equal(e.message, "champ « couleur » manquant");
    assert_int_equal(validate(NULL, "{\"couleur\": \"bleu\"}", &e), -1);
    assert_non_null(strstr(e.message, "rouge, vert"));
    assert_int_equal(validate(NULL, "{\"couleur\": 3}", &e), -1);
    assert_non_null(strstr(e.message, "texte attendu, reçu un nombre"));
    assert_int_equal(validate(NULL, "{\"couleur\": \"vert\", \"montant\": 150}", &e), -1);
    assert_int_equal(validate(NULL, "{\"couleur\": \"vert\", \"montant\": \"150,5\"}", &e), 0);
    assert_int_equal(validate(NULL, "{\"couleur\": \"vert\", \"faits\": []}", &e), -1);
    assert_non_null(strstr(e.message, "objet JSON attendu"));
    /* a secret is never quoted back */
    assert_int_equal(validate(NULL, "{\"couleur\": \"vert\", \"secret\": \"trop long ici\"}", &e),
                     -1);
    assert_null(strstr(e.detail, "trop long"));
    assert_int_equal(e.code, ERR_USAGE);
}

/* ---- sessions and throttling ---- */

struct fixture {
    char dir[TMPDIR_PATH_MAX];
    char db[TMPDIR_PATH_MAX + 16];
    struct store *s;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct err e;

    tmpdir_make(f->dir);
    snprintf(f->db, sizeof(f->db), "%s/t.db", f->dir);
    err_clear(&e);
    f->s = store_open(f->db, &e);
    assert_non_null(f->s);
    assert_int_equal(store_migrate(f->s, NULL, &e), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    store_close(f->s);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

static int64_t count(struct store *s, const char *sql)
{
    struct err e;
    struct store_stmt *q;
    int64_t n = -1;

    err_clear(&e);
    q = store_prepare(s, sql, &e);
    assert_non_null(q);
    if (store_step(q, &e) == STORE_ROW)
        n = store_column_int64(q, 0);
    store_finalize(q);
    return n;
}

static void test_sessions(void **state)
{
    struct fixture *f = *state;
    struct arena a;
    struct err e;
    struct http_session s, found;
    const char *token;
    bool expired;
    const int64_t t0 = 1773650000;

    arena_init(&a, 0);
    err_clear(&e);
    assert_int_equal(http_session_create(f->s, &a, "jean", t0, &token, &s, &e), 0);
    assert_int_equal(strlen(token), HTTP_TOKEN_LEN);
    assert_int_equal(strlen(s.csrf), HTTP_TOKEN_LEN);
    assert_string_not_equal(token, s.csrf);
    /* only a hash is stored */
    assert_int_equal(count(f->s, "SELECT length(id_hash) FROM http_session"), 32);
    assert_int_equal(http_session_find(f->s, &a, token, t0 + 10, &found, &expired, &e), 0);
    assert_string_equal(found.login, "jean");
    assert_string_equal(found.csrf, s.csrf);
    assert_int_equal(found.last_seen, t0); /* touched at most once a minute */
    assert_int_equal(http_session_find(f->s, &a, token, t0 + 1700, &found, &expired, &e), 0);
    assert_int_equal(found.last_seen, t0 + 1700);
    /* a wrong or malformed token finds nothing */
    assert_int_equal(http_session_find(f->s, &a, "x", t0, &found, &expired, &e), 1);
    assert_false(expired);
    /* idle for more than 30 minutes */
    assert_int_equal(
        http_session_find(f->s, &a, token, t0 + 1700 + HTTP_SESSION_IDLE + 1, &found, &expired, &e),
        1);
    assert_true(expired);
    assert_int_equal(count(f->s, "SELECT count(*) FROM http_session"), 0);

    /* 10 hours after sign-in, however active */
    assert_int_equal(http_session_create(f->s, &a, "jean", t0, &token, &s, &e), 0);
    for (int64_t t = t0; t < t0 + HTTP_SESSION_ABSOLUTE; t += 1200)
        assert_int_equal(http_session_find(f->s, &a, token, t, &found, &expired, &e), 0);
    assert_int_equal(
        http_session_find(f->s, &a, token, t0 + HTTP_SESSION_ABSOLUTE + 1, &found, &expired, &e),
        1);
    assert_true(expired);

    /* sign-out, and every session of a disabled account */
    assert_int_equal(http_session_create(f->s, &a, "jean", t0, &token, &s, &e), 0);
    assert_int_equal(http_session_delete(f->s, token, &e), 0);
    assert_int_equal(http_session_find(f->s, &a, token, t0, &found, &expired, &e), 1);
    assert_int_equal(http_session_create(f->s, &a, "jean", t0, &token, &s, &e), 0);
    assert_int_equal(http_session_create(f->s, &a, "jean", t0, &token, &s, &e), 0);
    assert_int_equal(http_session_delete_login(f->s, "jean", &e), 0);
    assert_int_equal(count(f->s, "SELECT count(*) FROM http_session"), 0);
    arena_release(&a);
}

static int64_t gen(struct store *s)
{
    struct http_stamps st;
    struct err e;

    err_clear(&e);
    assert_int_equal(http_cache_stamps(s, &st, &e), 0);
    return st.auth_gen;
}

static void exec_ok(struct store *s, const char *sql)
{
    struct err e;
    struct store_stmt *q;

    err_clear(&e);
    q = store_prepare(s, sql, &e);
    assert_non_null(q);
    assert_int_equal(store_step_done(q, &e), 0);
}

/*
 * Migration 8: whatever may end a session or change what an agent may do
 * moves the generation, by any path (here plain SQL, as another process
 * would); a session's touch and a new session do not.
 */
static void test_auth_generation(void **state)
{
    struct fixture *f = *state;
    struct arena a;
    struct err e;
    struct http_session s, found;
    const char *token;
    bool expired;
    int64_t g;
    const int64_t t0 = 1773650000;

    arena_init(&a, 0);
    err_clear(&e);
    g = gen(f->s);
    assert_int_equal(access_user_add(f->s, "jean", "Jean Test", PW, "test", &e), 0);
    assert_true(gen(f->s) > g);
    g = gen(f->s);
    exec_ok(f->s, "INSERT INTO user_grants (user_id, role, site_grid, site_code, granted_at, "
                  "granted_by) SELECT id, 'cadre_mds', 'departement', '62', 0, 't' FROM users");
    assert_true(gen(f->s) > g);
    g = gen(f->s);
    exec_ok(f->s, "DELETE FROM user_grants");
    assert_true(gen(f->s) > g);
    g = gen(f->s);
    assert_int_equal(http_session_create(f->s, &a, "jean", t0, &token, &s, &e), 0);
    assert_int_equal(gen(f->s), g);
    /* touched: last_seen written, the generation stays */
    assert_int_equal(http_session_find(f->s, &a, token, t0 + 100, &found, &expired, &e), 0);
    assert_int_equal(count(f->s, "SELECT last_seen FROM http_session"), t0 + 100);
    assert_int_equal(gen(f->s), g);
    assert_int_equal(http_session_delete(f->s, token, &e), 0);
    assert_true(gen(f->s) > g);
    g = gen(f->s);
    assert_int_equal(access_user_disable(f->s, "jean", "test", &e), 0);
    assert_true(gen(f->s) > g);
    arena_release(&a);
}

/* The caches answer only under the stamps their entries were written with. */
static void test_cache(void **state)
{
    struct http_cache *c = http_cache_new();
    struct arena a;
    unsigned char h[HTTP_TOKEN_HASH_BYTES], h2[HTTP_TOKEN_HASH_BYTES];
    struct access_grant grant = {"cadre_mds", "departement", "62"};
    struct access_user u = {
        .id = 7, .login = "jean", .name = "Jean", .active = true, .grants = &grant, .ngrants = 1};
    struct http_session s = {.login = "jean", .csrf = "c", .created = 1000, .last_seen = 1000};
    struct http_stamps st = {.auth_gen = 5, .journal_seq = 40}, other;
    struct http_session out;
    struct access_user uout;
    struct http_cached_dossier d = {.site_grid = "mds",
                                    .site_code = "calaisis",
                                    .person = "P0000001",
                                    .data_class = 2,
                                    .json = "{\"id\":\"D1\"}",
                                    .json_len = 11},
                               dout;

    (void)state;
    arena_init(&a, 0);
    assert_true(http_token_hash("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", h));
    assert_true(http_token_hash("BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", h2));
    assert_false(http_token_hash("court", h2)); /* not one of our tokens */
    assert_false(http_cache_session_get(c, h, &st, 1010, &a, &out, &uout));
    http_cache_session_put(c, h, &st, &s, &u);
    assert_true(http_cache_session_get(c, h, &st, 1010, &a, &out, &uout));
    assert_string_equal(out.login, "jean");
    assert_string_equal(out.csrf, "c");
    assert_int_equal(uout.id, 7);
    assert_true(uout.active);
    assert_int_equal(uout.ngrants, 1);
    assert_string_equal(uout.grants[0].role, "cadre_mds");
    assert_string_equal(uout.grants[0].site_code, "62");
    /* another token, a moved generation, a touch due: the store decides */
    assert_false(http_cache_session_get(c, h2, &st, 1010, &a, &out, &uout));
    other = st;
    other.auth_gen++;
    assert_false(http_cache_session_get(c, h, &other, 1010, &a, &out, &uout));
    assert_false(http_cache_session_get(c, h, &st, 1000 + HTTP_SESSION_TOUCH, &a, &out, &uout));
    s.last_seen = 1000 + HTTP_SESSION_ABSOLUTE;
    http_cache_session_put(c, h, &st, &s, &u);
    assert_false(http_cache_session_get(c, h, &st, 1001 + HTTP_SESSION_ABSOLUTE, &a, &out, &uout));

    assert_false(http_cache_dossier_get(c, "D1", "jean", &st, &a, &dout));
    http_cache_dossier_put(c, "D1", "jean", &st, &d);
    assert_true(http_cache_dossier_get(c, "D1", "jean", &st, &a, &dout));
    assert_int_equal(dout.json_len, 11);
    assert_memory_equal(dout.json, d.json, 11);
    assert_string_equal(dout.site_code, "calaisis");
    assert_string_equal(dout.person, "P0000001");
    assert_int_equal(dout.data_class, 2);
    assert_false(http_cache_dossier_get(c, "D1", "paul", &st, &a, &dout));
    assert_false(http_cache_dossier_get(c, "D2", "jean", &st, &a, &dout));
    other = st;
    other.journal_seq++;
    assert_false(http_cache_dossier_get(c, "D1", "jean", &other, &a, &dout));
    other = st;
    other.auth_gen++;
    assert_false(http_cache_dossier_get(c, "D1", "jean", &other, &a, &dout));
    http_cache_free(c);
    arena_release(&a);
}

static void test_throttle(void **state)
{
    struct fixture *f = *state;
    struct err e;
    int64_t wait;
    const int64_t t0 = 1773650000;

    err_clear(&e);
    for (int i = 0; i < HTTP_LOGIN_FAILURES; i++) {
        assert_int_equal(http_login_blocked(f->s, "Jean", "192.0.2.1", t0 + i, &wait, &e), 0);
        assert_int_equal(wait, 0);
        assert_int_equal(http_login_failed(f->s, "Jean", "192.0.2.1", t0 + i, &e), 0);
    }
    /* the login, whatever its case, from anywhere */
    assert_int_equal(http_login_blocked(f->s, "jean", "192.0.2.9", t0 + 10, &wait, &e), 0);
    assert_int_equal(wait, HTTP_LOGIN_WINDOW - 10);
    /* the address, for any login */
    assert_int_equal(http_login_blocked(f->s, "paul", "192.0.2.1", t0 + 10, &wait, &e), 0);
    assert_true(wait > 0);
    assert_int_equal(http_login_blocked(f->s, "paul", "192.0.2.9", t0 + 10, &wait, &e), 0);
    assert_int_equal(wait, 0);
    /* the window slides: the oldest failure leaves it */
    assert_int_equal(
        http_login_blocked(f->s, "jean", "192.0.2.9", t0 + HTTP_LOGIN_WINDOW, &wait, &e), 0);
    assert_int_equal(wait, 0);
    /* success clears the login's failures, not the address's */
    assert_int_equal(http_login_succeeded(f->s, "JEAN", &e), 0);
    assert_int_equal(http_login_blocked(f->s, "jean", "192.0.2.9", t0 + 10, &wait, &e), 0);
    assert_int_equal(wait, 0);
    assert_int_equal(http_login_blocked(f->s, "jean", "192.0.2.1", t0 + 10, &wait, &e), 0);
    assert_true(wait > 0);
}

/* ---- the pipeline, fed by hand ---- */

struct app_fixture {
    struct fixture f;
    struct http_app app;
    struct http_route *routes;
};

static int app_setup(void **state)
{
    struct app_fixture *x = calloc(1, sizeof(*x));
    struct fixture *f;
    struct err e;

    setup((void **)&f);
    x->f = *f;
    free(f);
    err_clear(&e);
    http_config_defaults(&x->app.cfg);
    assert_int_equal(catalog_load(&x->app.cat, PROXIMA_DATADIR "/catalogue", &e), 0);
    x->routes = http_routes_all(&x->app.nroutes);
    x->app.routes = x->routes;
    pthread_mutex_init(&x->app.login_lock, NULL);
    assert_int_equal(access_user_add(x->f.s, "jean", "Jean Test", PW, "test", &e), 0);
    *state = x;
    return 0;
}

static int app_teardown(void **state)
{
    struct app_fixture *x = *state;

    catalog_release(&x->app.cat);
    free(x->routes);
    pthread_mutex_destroy(&x->app.login_lock);
    store_close(x->f.s);
    tmpdir_remove(x->f.dir);
    free(x);
    return 0;
}

struct hdr {
    const char *name, *value;
};

/* Run one request; the response stays in r (release it). */
static void run(struct app_fixture *x, struct http_request *r, const char *method,
                const char *target, const char *body, const struct hdr *h, size_t nh)
{
    bool head;

    http_request_init(r, &x->app, x->f.s);
    assert_int_equal(http_method_parse(method, &r->method, &head), 0);
    r->method_name = method;
    r->target = target;
    r->peer = "127.0.0.1";
    r->headers = arena_calloc(&r->arena, nh ? nh : 1, sizeof(*r->headers));
    for (size_t i = 0; i < nh; i++) {
        r->headers[i].name = h[i].name;
        r->headers[i].value = h[i].value;
    }
    r->nheaders = nh;
    if (body)
        strbuf_addstr(&r->body, body);
    http_request_run(r);
}

static const char *res_header(const struct http_request *r, const char *name)
{
    for (size_t i = 0; i < r->res.nheaders; i++)
        if (!strcmp(r->res.headers[i].name, name))
            return r->res.headers[i].value;
    return NULL;
}

static void test_pipeline(void **state)
{
    struct app_fixture *x = *state;
    struct http_request r;
    char cookie[128], csrf[64];
    const struct hdr json = {"Content-Type", "application/json"};
    json_t *doc;

    run(x, &r, "GET", "/api/moi", NULL, NULL, 0);
    assert_int_equal(r.res.status, 401);
    assert_string_equal(r.res.content_type, "application/problem+json");
    assert_non_null(strstr(r.res.body.buf, "\"detail\":\"authentification requise\""));
    http_request_release(&r);

    run(x, &r, "GET", "/api/nulle-part", NULL, NULL, 0);
    assert_int_equal(r.res.status, 404);
    http_request_release(&r);

    run(x, &r, "DELETE", "/api/moi", NULL, NULL, 0);
    assert_int_equal(r.res.status, 405);
    assert_string_equal(res_header(&r, "Allow"), "GET");
    http_request_release(&r);

    /* an HTML path gets the French page, not JSON */
    run(x, &r, "GET", "/nulle-part", NULL, NULL, 0);
    assert_int_equal(r.res.status, 404);
    assert_string_equal(r.res.content_type, "text/html; charset=utf-8");
    assert_non_null(strstr(r.res.body.buf, "<html lang=\"fr\">"));
    assert_non_null(strstr(r.res.body.buf, "aucune ressource à cette adresse"));
    http_request_release(&r);

    run(x, &r, "POST", "/api/session", "{\"identifiant\": \"jean\", \"mot_de_passe\": \"non\"}",
        &json, 1);
    assert_int_equal(r.res.status, 401);
    http_request_release(&r);
    assert_int_equal(count(x->f.s, "SELECT count(*) FROM http_login_failure"), 2);

    run(x, &r, "POST", "/api/session", "{\"identifiant\": \"jean\", \"mot_de_passe\": \"" PW "\"}",
        &json, 1);
    assert_int_equal(r.res.status, 201);
    assert_non_null(res_header(&r, "Set-Cookie"));
    snprintf(cookie, sizeof(cookie), "%.*s", (int)strcspn(res_header(&r, "Set-Cookie"), ";"),
             res_header(&r, "Set-Cookie"));
    doc = json_loads(r.res.body.buf, 0, NULL);
    snprintf(csrf, sizeof(csrf), "%s", json_string_value(json_object_get(doc, "csrf")));
    json_decref(doc);
    http_request_release(&r);
    /* a success clears the login's failures */
    assert_int_equal(count(x->f.s, "SELECT count(*) FROM http_login_failure WHERE kind = 'login'"),
                     0);

    {
        const struct hdr h[] = {{"Cookie", cookie}};
        run(x, &r, "GET", "/api/moi", NULL, h, 1);
        assert_int_equal(r.res.status, 200);
        assert_non_null(strstr(r.res.body.buf, "\"identifiant\":\"jean\""));
        http_request_release(&r);

        /* no grant at all: refused before the engine, and logged */
        run(x, &r, "GET", "/api/personnes/P0000001", NULL, h, 1);
        assert_int_equal(r.res.status, 403);
        http_request_release(&r);
        assert_int_equal(count(x->f.s, "SELECT count(*) FROM access_log WHERE action = 'refus' "
                                       "AND login = 'jean' AND object_type = 'personne' "
                                       "AND object_id = 'P0000001' AND person_id = 'P0000001'"),
                         1);

        /* no CSRF token on a DELETE */
        run(x, &r, "DELETE", "/api/session", NULL, h, 1);
        assert_int_equal(r.res.status, 403);
        assert_non_null(strstr(r.res.body.buf, "anti-CSRF"));
        http_request_release(&r);
    }
    {
        const struct hdr h[] = {{"Cookie", cookie}, {"X-CSRF-Token", csrf}};
        run(x, &r, "DELETE", "/api/session", NULL, h, 2);
        assert_int_equal(r.res.status, 204);
        assert_non_null(strstr(res_header(&r, "Set-Cookie"), "Max-Age=0"));
        http_request_release(&r);
        run(x, &r, "GET", "/api/moi", NULL, h, 2);
        assert_int_equal(r.res.status, 401);
        http_request_release(&r);
    }
    {
        /* behind the TLS proxy, only the __Host- cookie counts */
        const struct hdr h[] = {{"Cookie", cookie}, {"X-Forwarded-Proto", "https"}};
        run(x, &r, "GET", "/api/sante", NULL, h, 2);
        assert_int_equal(r.res.status, 200);
        assert_true(r.https);
        http_request_release(&r);
    }
}

/*
 * A read-only route (GET /api/dossiers/:id) under the server's group commit:
 * its reads run in one read transaction (pipeline.c), its log row still goes
 * to the logger and is written, the session's once-a-minute write still
 * happens, and no transaction is left open on the request's connection.
 */
static void test_read_only_route_group_commit(void **state)
{
    struct app_fixture *x = *state;
    struct http_request r;
    struct err e;
    char cookie[128];
    const struct hdr json = {"Content-Type", "application/json"};
    struct access_logger *l;
    struct access_log_sink *k;
    int64_t seen;

    err_clear(&e);
    l = access_logger_start(x->f.db, &e);
    assert_non_null(l);
    k = access_log_sink_new(l, true);
    run(x, &r, "POST", "/api/session", "{\"identifiant\": \"jean\", \"mot_de_passe\": \"" PW "\"}",
        &json, 1);
    assert_int_equal(r.res.status, 201);
    snprintf(cookie, sizeof(cookie), "%.*s", (int)strcspn(res_header(&r, "Set-Cookie"), ";"),
             res_header(&r, "Set-Cookie"));
    http_request_release(&r);
    x->f.s->log_sink = k;
    for (int pass = 0; pass < 2; pass++) {
        const struct hdr h[] = {{"Cookie", cookie}};
        /* the second time, the session is due for its last_seen write */
        if (pass == 1)
            assert_int_equal(count(x->f.s, "UPDATE http_session SET last_seen = last_seen - 120 "
                                           "RETURNING 0"),
                             0);
        run(x, &r, "GET", "/api/dossiers/D0000001", NULL, h, 1);
        /* jean has no grant: refused by the pipeline, inside the read transaction */
        assert_int_equal(r.res.status, 403);
        assert_false(r.store->in_read_tx);
        http_request_release(&r);
        assert_int_equal(access_log_sink_status(k, &e), 0);
        assert_int_equal(count(x->f.s, "SELECT count(*) FROM access_log WHERE action = 'refus' "
                                       "AND login = 'jean' AND object_id = 'D0000001'"),
                         pass + 1);
        /* nothing left open: a write transaction starts on the same connection */
        assert_false(x->f.s->in_tx);
        assert_int_equal(store_begin(x->f.s, &e), 0);
        store_rollback(x->f.s);
    }
    seen = count(x->f.s, "SELECT last_seen FROM http_session");
    assert_true(seen >= (int64_t)time(NULL) - 5);
    x->f.s->log_sink = NULL;
    access_log_sink_free(k);
    access_logger_stop(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target),
        cmocka_unit_test(test_form),
        cmocka_unit_test(test_cookie_media),
        cmocka_unit_test(test_template),
        cmocka_unit_test(test_match_and_check),
        cmocka_unit_test(test_validate),
        cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_throttle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auth_generation, setup, teardown),
        cmocka_unit_test(test_cache),
        cmocka_unit_test_setup_teardown(test_pipeline, app_setup, app_teardown),
        cmocka_unit_test_setup_teardown(test_read_only_route_group_commit, app_setup, app_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

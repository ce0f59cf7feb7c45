/*
 * test_access.c: agents, grants, authentication, access_check and the access
 * log, on a real SQLite file with a few sites of the referential inserted
 * directly and a catalogue of roles built by hand (the catalogue loader is
 * tested on its own). The attacker scenarios edit the database file with
 * the raw sqlite3 API, as in tests/store/test_journal.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "access/access.h"
#include "core/strbuf.h"
#include "journal/journal.h"
#include "store/store.h"

#include <sodium.h>
#include <sqlite3.h>
#include <time.h>

#include "../store/tmpdir.h"

#define PW  "correct horse battery"
#define PW2 "une autre phrase de passe"

/* ---- a catalogue of roles, by hand ---- */

static const char *caps_accueil[] = {"acte.enregistrer", "personne.lire"};
static const char *caps_ts[] = {"personne.lire", "dossier.lire", "dossier.ecrire"};
static const char *caps_pmi[] = {"personne.lire", "dossier.lire", "acte.enregistrer"};
static const char *caps_cadre[] = {"personne.lire", "dossier.lire", "dossier.ecrire"};
static const char *caps_dpo[] = {"journal_acces.lire"};
static const char *caps_admin[] = {"utilisateurs.gerer"};

static struct catalog_role roles[] = {
    {.code = "accueil",
     .label = "Agent d'accueil",
     .capabilities = caps_accueil,
     .ncapabilities = ARRAY_SIZE(caps_accueil)},
    {.code = "travailleur_social",
     .label = "Travailleur social",
     .classes = {[CLASS_SOCIAL] = true},
     .capabilities = caps_ts,
     .ncapabilities = ARRAY_SIZE(caps_ts)},
    {.code = "puericultrice_pmi",
     .label = "Puéricultrice de PMI",
     .classes = {[CLASS_HEALTH] = true},
     .capabilities = caps_pmi,
     .ncapabilities = ARRAY_SIZE(caps_pmi)},
    {.code = "cadre_mds",
     .label = "Cadre de MDS",
     .classes = {[CLASS_SOCIAL] = true, [CLASS_HEALTH] = true, [CLASS_CHILD] = true},
     .capabilities = caps_cadre,
     .ncapabilities = ARRAY_SIZE(caps_cadre)},
    {.code = "delegue_protection_donnees",
     .label = "Délégué à la protection des données",
     .capabilities = caps_dpo,
     .ncapabilities = ARRAY_SIZE(caps_dpo)},
    {.code = "administrateur",
     .label = "Administrateur",
     .capabilities = caps_admin,
     .ncapabilities = ARRAY_SIZE(caps_admin)},
};

static struct catalog cat = {.roles = roles, .nroles = ARRAY_SIZE(roles)};

/* ---- fixture ---- */

struct fx {
    char dir[TMPDIR_PATH_MAX];
    char path[TMPDIR_PATH_MAX + 64];
    struct store *s;
    struct arena a;
    struct err e;
};

static void exec_bound(struct store *s, const char *sql, const char *a, const char *b,
                       const char *c)
{
    struct err e;
    struct store_stmt *st;

    err_clear(&e);
    st = store_prepare(s, sql, &e);
    assert_non_null(st);
    if (a)
        store_bind_text(st, 1, a);
    if (b)
        store_bind_text(st, 2, b);
    if (c)
        store_bind_text(st, 3, c);
    if (store_step_done(st, &e) != 0)
        fail_msg("%s: %s (%s)", sql, e.message, e.detail);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    tmpdir_make(f->dir);
    snprintf(f->path, sizeof(f->path), "%s/proxima.db", f->dir);
    err_clear(&f->e);
    arena_init(&f->a, 0);
    f->s = store_open(f->path, &f->e);
    assert_non_null(f->s);
    assert_int_equal(store_migrate(f->s, NULL, &f->e), 0);
    exec_bound(f->s, "INSERT INTO ref_grid(code, label) VALUES (?, ?)", "mds", "MDS", NULL);
    exec_bound(f->s, "INSERT INTO ref_grid(code, label) VALUES (?, ?)", "mdadt", "MDADT", NULL);
    exec_bound(f->s, "INSERT INTO ref_area(grid, code, name) VALUES (?, ?, ?)", "mds", "calaisis",
               "MDS du Calaisis");
    exec_bound(f->s, "INSERT INTO ref_area(grid, code, name) VALUES (?, ?, ?)", "mds", "ternois",
               "MDS du Ternois");
    exec_bound(f->s, "INSERT INTO ref_area(grid, code, name) VALUES (?, ?, ?)", "mdadt", "artois",
               "MDADT de l'Artois");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    store_close(f->s);
    arena_release(&f->a);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

static void expect_ok(struct fx *f, int rc, const char *what)
{
    if (rc != 0)
        fail_msg("%s: %s (%s)", what, f->e.message, f->e.detail);
}

static void expect_err(struct fx *f, int rc, enum err_code code, const char *in_message)
{
    assert_int_equal(rc, -1);
    if (f->e.code != code)
        fail_msg("code %s, expected %s: %s", err_code_name(f->e.code), err_code_name(code),
                 f->e.message);
    if (in_message && !strstr(f->e.message, in_message))
        fail_msg("message « %s » lacks « %s »", f->e.message, in_message);
    err_clear(&f->e);
}

static int64_t count_rows(struct fx *f, const char *sql)
{
    struct store_stmt *st = store_prepare(f->s, sql, &f->e);
    int64_t n;

    assert_non_null(st);
    assert_int_equal(store_step(st, &f->e), STORE_ROW);
    n = store_column_int64(st, 0);
    store_finalize(st);
    return n;
}

/* Create login with one grant and load it. */
static void make_agent(struct fx *f, const char *login, const char *role, const char *grid,
                       const char *code, struct access_user *u)
{
    struct access_grant g = {role, grid, code};

    expect_ok(f, access_user_add(f->s, login, "Agent de test", PW, "admin", &f->e), "add");
    expect_ok(f, access_user_grant(f->s, &cat, &g, login, "admin", &f->e), "grant");
    expect_ok(f, access_user_load(f->s, &f->a, login, u, &f->e), "load");
}

static struct access_target target(const char *grid, const char *code, enum data_class cls,
                                   const char *person)
{
    struct access_target t = {
        .site_grid = grid,
        .site_code = code,
        .data_class = cls,
        .object_type = "dossier",
        .object_id = "D-2022-0001",
        .person_id = person,
    };
    return t;
}

/* ---- journal scanning ---- */

struct scan {
    struct strbuf types; /* "user.created user.granted ..." */
    const char *secret;  /* must appear in no field */
};

static int scan_event(const struct journal_event *ev, void *ctx)
{
    struct scan *sc = ctx;
    const char *fields[] = {ev->type, ev->actor, ev->subject, ev->reason, ev->payload};

    for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
        if (sc->secret && strstr(fields[i], sc->secret))
            fail_msg("secret in journal event %s: %s", ev->type, fields[i]);
        if (strstr(fields[i], "$argon2"))
            fail_msg("password hash in journal event %s", ev->type);
    }
    strbuf_addf(&sc->types, "%s%s", sc->types.len ? " " : "", ev->type);
    return 0;
}

/* The journal's event types, space-separated; fails if secret appears anywhere. */
static void expect_journal(struct fx *f, const char *secret, const char *types)
{
    struct scan sc = {.secret = secret};
    struct journal_verify_result res;

    strbuf_init(&sc.types, 0);
    expect_ok(f, journal_foreach(f->s, 0, scan_event, &sc, &f->e), "journal_foreach");
    assert_string_equal(sc.types.buf, types);
    strbuf_release(&sc.types);
    expect_ok(f, journal_verify(f->s, &res, &f->e), "journal_verify");
}

/* ---- password policy ---- */

static void test_password_policy(void **state)
{
    struct fx *f = *state;

    expect_err(f, access_password_check("jdupont", "abcdefghijk", &f->e), ERR_INVALID,
               "trop court : 11 caractères");
    expect_ok(f, access_password_check("jdupont", "abcdefghijkl", &f->e), "12 chars");
    /* 11 accented characters: 22 bytes, still 11 characters */
    expect_err(f, access_password_check("jdupont", "ééééééééééé", &f->e), ERR_INVALID,
               "11 caractères");
    expect_ok(f, access_password_check("jdupont", "éééééééééééé", &f->e), "12 é");
    expect_ok(f, access_password_check("jdupont", "Ünïcödé-ØÆ€1", &f->e), "12 mixed");
    expect_err(f, access_password_check("jean.dupontel", "JEAN.DUPONTEL", &f->e), ERR_INVALID,
               "identifiant");
    expect_err(f, access_password_check("jdupont", "abcdefghijk\xff", &f->e), ERR_INVALID, "UTF-8");
    expect_err(f, access_password_check("jdupont", NULL, &f->e), ERR_INVALID, NULL);

    /* nothing written when the policy refuses */
    expect_err(f, access_user_add(f->s, "jdupont", "Dupont Jean", "abcdefghijk", "admin", &f->e),
               ERR_INVALID, "trop court");
    assert_int_equal(count_rows(f, "SELECT count(*) FROM users"), 0);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM journal"), 0);
    expect_ok(f, access_user_add(f->s, "jdupont", "Dupont Jean", "éééééééééééé", "admin", &f->e),
              "add with 12 é");
}

static void test_too_long_password(void **state)
{
    struct fx *f = *state;
    char *big = malloc(ACCESS_PASSWORD_MAX_BYTES + 2);

    assert_non_null(big);
    memset(big, 'a', ACCESS_PASSWORD_MAX_BYTES + 1);
    big[ACCESS_PASSWORD_MAX_BYTES + 1] = '\0';
    expect_err(f, access_password_check("jdupont", big, &f->e), ERR_INVALID, "trop long");
    big[ACCESS_PASSWORD_MAX_BYTES] = '\0';
    expect_ok(f, access_password_check("jdupont", big, &f->e), "max length");
    free(big);
}

static void test_login_and_name(void **state)
{
    struct fx *f = *state;

    expect_err(f, access_user_add(f->s, "Jdupont", "Dupont Jean", PW, "admin", &f->e), ERR_INVALID,
               "identifiant d'agent invalide");
    expect_err(f, access_user_add(f->s, "j dupont", "Dupont Jean", PW, "admin", &f->e), ERR_INVALID,
               "identifiant");
    expect_err(f, access_user_add(f->s, "1dupont", "Dupont Jean", PW, "admin", &f->e), ERR_INVALID,
               "identifiant");
    expect_err(f, access_user_add(f->s, "jdupont", "", PW, "admin", &f->e), ERR_INVALID, "nom");
    expect_err(f, access_user_add(f->s, "jdupont", "Dupont\nJean", PW, "admin", &f->e), ERR_INVALID,
               "contrôle");
    expect_ok(f, access_user_add(f->s, "jean.dupont-2", "Dupont Jean", PW, "admin", &f->e), "ok");
    expect_err(f, access_user_add(f->s, "jean.dupont-2", "Autre", PW2, "admin", &f->e),
               ERR_CONFLICT, "existe déjà");
    assert_int_equal(count_rows(f, "SELECT count(*) FROM users"), 1);
}

/* ---- authentication ---- */

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_authenticate(void **state)
{
    struct fx *f = *state;
    struct access_user u;
    char wrong_msg[ERR_MESSAGE_MAX];
    double t0, known, unknown;

    expect_ok(f, access_user_add(f->s, "jdupont", "Dupont Jean", PW, "admin", &f->e), "add");
    expect_ok(f, access_authenticate(f->s, &f->a, "jdupont", PW, &u, &f->e), "good password");
    assert_string_equal(u.login, "jdupont");
    assert_string_equal(u.name, "Dupont Jean");
    assert_true(u.active);
    assert_int_equal(u.ngrants, 0);

    t0 = now_seconds();
    assert_int_equal(access_authenticate(f->s, &f->a, "jdupont", PW2, &u, &f->e), -1);
    known = now_seconds() - t0;
    assert_int_equal(f->e.code, ERR_UNAUTHENTICATED);
    snprintf(wrong_msg, sizeof(wrong_msg), "%s", f->e.message);
    assert_string_equal(wrong_msg, "identifiant ou mot de passe incorrect");
    err_clear(&f->e);

    t0 = now_seconds();
    assert_int_equal(access_authenticate(f->s, &f->a, "inconnu", PW, &u, &f->e), -1);
    unknown = now_seconds() - t0;
    assert_int_equal(f->e.code, ERR_UNAUTHENTICATED);
    assert_string_equal(f->e.message, wrong_msg);
    /* an unknown login does the same argon2id work (loose bound: no flakiness) */
    if (unknown < known / 4)
        fail_msg("unknown login answered in %.4fs, known in %.4fs", unknown, known);
    err_clear(&f->e);

    expect_err(f, access_authenticate(f->s, &f->a, "", PW, &u, &f->e), ERR_UNAUTHENTICATED,
               wrong_msg);
    expect_err(f, access_authenticate(f->s, &f->a, "jdupont", "", &u, &f->e), ERR_UNAUTHENTICATED,
               wrong_msg);
    expect_err(f, access_authenticate(f->s, &f->a, "jdupont", NULL, &u, &f->e), ERR_UNAUTHENTICATED,
               wrong_msg);
    expect_journal(f, PW, "user.created");
}

static void test_disabled(void **state)
{
    struct fx *f = *state;
    struct access_user u;
    struct access_target t = target("mds", "calaisis", CLASS_SOCIAL, "P-1");
    struct access_grant g = {"travailleur_social", "mds", "ternois"};

    make_agent(f, "jdupont", "travailleur_social", "mds", "calaisis", &u);
    expect_ok(f, access_check(&cat, &u, "dossier.lire", &t, &f->a, NULL, &f->e), "before");
    expect_ok(f, access_user_disable(f->s, "jdupont", "admin", &f->e), "disable");
    expect_err(f, access_user_disable(f->s, "jdupont", "admin", &f->e), ERR_CONFLICT, "déjà");
    /* a wrong password still gets the generic message */
    expect_err(f, access_authenticate(f->s, &f->a, "jdupont", PW2, &u, &f->e), ERR_UNAUTHENTICATED,
               "identifiant ou mot de passe incorrect");
    expect_err(f, access_authenticate(f->s, &f->a, "jdupont", PW, &u, &f->e), ERR_UNAUTHENTICATED,
               "désactivé");
    expect_ok(f, access_user_load(f->s, &f->a, "jdupont", &u, &f->e), "load");
    assert_false(u.active);
    assert_int_equal(u.ngrants, 1); /* kept, but useless */
    expect_err(f, access_check(&cat, &u, "dossier.lire", &t, &f->a, NULL, &f->e), ERR_FORBIDDEN,
               "désactivé");
    expect_err(f, access_user_grant(f->s, &cat, &g, "jdupont", "admin", &f->e), ERR_CONFLICT,
               "désactivé");
    expect_err(f, access_user_disable(f->s, "personne", "admin", &f->e), ERR_NOT_FOUND,
               "agent inconnu");
    expect_journal(f, PW, "user.created user.granted user.disabled");
}

static void test_password_change(void **state)
{
    struct fx *f = *state;
    struct access_user u;

    expect_ok(f, access_user_add(f->s, "jdupont", "Dupont Jean", PW, "admin", &f->e), "add");
    expect_err(f, access_user_password(f->s, "jdupont", "court", "admin", &f->e), ERR_INVALID,
               "trop court");
    expect_err(f, access_user_password(f->s, "inconnu", PW2, "admin", &f->e), ERR_NOT_FOUND,
               "agent inconnu");
    expect_ok(f, access_user_password(f->s, "jdupont", PW2, "admin", &f->e), "change");
    expect_err(f, access_authenticate(f->s, &f->a, "jdupont", PW, &u, &f->e), ERR_UNAUTHENTICATED,
               NULL);
    expect_ok(f, access_authenticate(f->s, &f->a, "jdupont", PW2, &u, &f->e), "new password");
    expect_journal(f, PW2, "user.created user.password_changed");
}

/* A hash made with weaker parameters is upgraded at the next sign-in. */
static void test_rehash(void **state)
{
    struct fx *f = *state;
    char weak[crypto_pwhash_STRBYTES];
    struct store_stmt *st;
    struct access_user u;

    expect_ok(f, access_user_add(f->s, "jdupont", "Dupont Jean", PW, "admin", &f->e), "add");
    assert_int_equal(crypto_pwhash_str(weak, PW, strlen(PW), crypto_pwhash_OPSLIMIT_MIN,
                                       crypto_pwhash_MEMLIMIT_MIN),
                     0);
    exec_bound(f->s, "UPDATE users SET password_hash = ? WHERE login = ?", weak, "jdupont", NULL);
    expect_ok(f, access_authenticate(f->s, &f->a, "jdupont", PW, &u, &f->e), "sign in");
    st = store_prepare(f->s, "SELECT password_hash FROM users WHERE login = 'jdupont'", &f->e);
    assert_non_null(st);
    assert_int_equal(store_step(st, &f->e), STORE_ROW);
    assert_string_not_equal(store_column_text(st, 0), weak);
    assert_int_equal(crypto_pwhash_str_needs_rehash(store_column_text(st, 0),
                                                    crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                                    crypto_pwhash_MEMLIMIT_INTERACTIVE),
                     0);
    store_finalize(st);
    expect_ok(f, access_authenticate(f->s, &f->a, "jdupont", PW, &u, &f->e), "again");
    expect_journal(f, PW, "user.created user.password_rehashed");
}

/* ---- grants ---- */

static void test_grants(void **state)
{
    struct fx *f = *state;
    struct access_grant g;
    struct access_user u;

    expect_ok(f, access_user_add(f->s, "jdupont", "Dupont Jean", PW, "admin", &f->e), "add");

    g = (struct access_grant){"sorcier", "mds", "calaisis"};
    expect_err(f, access_user_grant(f->s, &cat, &g, "jdupont", "admin", &f->e), ERR_INVALID,
               "rôle absent du catalogue");
    g = (struct access_grant){"travailleur_social", "mds", "atlantide"};
    expect_err(f, access_user_grant(f->s, &cat, &g, "jdupont", "admin", &f->e), ERR_INVALID,
               "site inconnu du référentiel territorial : mds:atlantide");
    g = (struct access_grant){"travailleur_social", "mds", "artois"}; /* an MDADT, not an MDS */
    expect_err(f, access_user_grant(f->s, &cat, &g, "jdupont", "admin", &f->e), ERR_INVALID,
               "site inconnu");
    g = (struct access_grant){"cadre_mds", "departement", "59"};
    expect_err(f, access_user_grant(f->s, &cat, &g, "jdupont", "admin", &f->e), ERR_INVALID,
               "département");
    g = (struct access_grant){"cadre_mds", "canton", "arras-1"};
    expect_err(f, access_user_grant(f->s, &cat, &g, "jdupont", "admin", &f->e), ERR_INVALID,
               "grille de site inconnue");
    g = (struct access_grant){"administrateur", "central", "DSOL"};
    expect_err(f, access_user_grant(f->s, &cat, &g, "jdupont", "admin", &f->e), ERR_INVALID,
               "direction centrale");
    g = (struct access_grant){"travailleur_social", "mds", "calaisis"};
    expect_err(f, access_user_grant(f->s, &cat, &g, "inconnu", "admin", &f->e), ERR_NOT_FOUND,
               "agent inconnu");
    assert_int_equal(count_rows(f, "SELECT count(*) FROM user_grants"), 0);

    expect_ok(f, access_user_grant(f->s, &cat, &g, "jdupont", "admin", &f->e), "mds");
    expect_err(f, access_user_grant(f->s, &cat, &g, "jdupont", "admin", &f->e), ERR_CONFLICT,
               "déjà");
    g = (struct access_grant){"travailleur_social", "mdadt", "artois"};
    expect_ok(f, access_user_grant(f->s, &cat, &g, "jdupont", "admin", &f->e), "mdadt");
    g = (struct access_grant){"administrateur", "central", "dsol"};
    expect_ok(f, access_user_grant(f->s, &cat, &g, "jdupont", "admin", &f->e), "central");
    g = (struct access_grant){"cadre_mds", "departement", "62"};
    expect_ok(f, access_user_grant(f->s, &cat, &g, "jdupont", "admin", &f->e), "departement");

    expect_ok(f, access_user_load(f->s, &f->a, "jdupont", &u, &f->e), "load");
    assert_int_equal(u.ngrants, 4);
    assert_string_equal(u.grants[0].role, "administrateur");
    assert_string_equal(u.grants[1].role, "cadre_mds");
    assert_string_equal(u.grants[1].site_grid, "departement");
    assert_string_equal(u.grants[3].site_grid, "mds");

    g = (struct access_grant){"travailleur_social", "mdadt", "artois"};
    expect_ok(f, access_user_revoke(f->s, &g, "jdupont", "admin", &f->e), "revoke");
    expect_err(f, access_user_revoke(f->s, &g, "jdupont", "admin", &f->e), ERR_NOT_FOUND,
               "n'a pas le rôle");
    assert_int_equal(count_rows(f, "SELECT count(*) FROM user_grants"), 3);
    expect_journal(f, PW,
                   "user.created user.granted user.granted user.granted user.granted "
                   "user.revoked");
}

static void test_site_parse(void **state)
{
    struct fx *f = *state;
    struct access_grant g = {0};

    expect_ok(f, access_site_parse("mds:calaisis", &f->a, &g, &f->e), "mds");
    assert_string_equal(g.site_grid, "mds");
    assert_string_equal(g.site_code, "calaisis");
    expect_ok(f, access_site_parse("departement:62", &f->a, &g, &f->e), "departement");
    assert_string_equal(g.site_code, "62");
    expect_err(f, access_site_parse("calaisis", &f->a, &g, &f->e), ERR_INVALID, "site mal écrit");
    expect_err(f, access_site_parse(":calaisis", &f->a, &g, &f->e), ERR_INVALID, NULL);
    expect_err(f, access_site_parse("mds:", &f->a, &g, &f->e), ERR_INVALID, NULL);
    expect_err(f, access_site_parse("mds:a:b", &f->a, &g, &f->e), ERR_INVALID, NULL);
}

static void test_user_list(void **state)
{
    struct fx *f = *state;
    struct access_user *users, u;
    size_t n;

    expect_ok(f, access_user_list(f->s, &f->a, &users, &n, &f->e), "empty list");
    assert_int_equal(n, 0);
    make_agent(f, "zoe", "accueil", "mds", "ternois", &u);
    make_agent(f, "alice", "puericultrice_pmi", "mds", "calaisis", &u);
    expect_ok(f, access_user_add(f->s, "bob", "Bob", PW, "admin", &f->e), "bob");
    expect_ok(f, access_user_list(f->s, &f->a, &users, &n, &f->e), "list");
    assert_int_equal(n, 3);
    assert_string_equal(users[0].login, "alice");
    assert_int_equal(users[0].ngrants, 1);
    assert_string_equal(users[0].grants[0].role, "puericultrice_pmi");
    assert_string_equal(users[1].login, "bob");
    assert_int_equal(users[1].ngrants, 0);
    assert_string_equal(users[2].login, "zoe");
    assert_string_equal(users[2].grants[0].site_code, "ternois");
}

/* ---- access_check ---- */

/* The case: an agent of the MDS du Calaisis and a dossier of the MDS du Ternois. */
static void test_check_other_mds(void **state)
{
    struct fx *f = *state;
    struct access_target here = target("mds", "calaisis", CLASS_SOCIAL, "P-1");
    struct access_target there = target("mds", "ternois", CLASS_SOCIAL, "P-2");
    struct access_target mdadt = target("mdadt", "calaisis", CLASS_SOCIAL, "P-2");
    struct access_target nowhere = target(NULL, NULL, CLASS_SOCIAL, "P-3");
    const char *used;
    struct access_user u;

    make_agent(f, "ts.calais", "travailleur_social", "mds", "calaisis", &u);
    expect_ok(f, access_check(&cat, &u, "dossier.lire", &here, &f->a, &used, &f->e), "here");
    assert_string_equal(used, "travailleur_social@mds:calaisis");

    assert_int_equal(access_check(&cat, &u, "dossier.lire", &there, &f->a, &used, &f->e), -1);
    assert_int_equal(f->e.code, ERR_FORBIDDEN);
    assert_null(used);
    assert_string_equal(f->e.message,
                        "votre rôle travailleur_social sur mds:calaisis ne couvre pas le site "
                        "mds:ternois");
    assert_non_null(strstr(f->e.detail, "D-2022-0001"));
    assert_non_null(strstr(f->e.hint, "mds:ternois"));
    err_clear(&f->e);
    expect_err(f, access_check(&cat, &u, "dossier.lire", &mdadt, &f->a, NULL, &f->e), ERR_FORBIDDEN,
               "ne couvre pas le site mdadt:calaisis");
    expect_err(f, access_check(&cat, &u, "dossier.lire", &nowhere, &f->a, NULL, &f->e),
               ERR_FORBIDDEN, "ne couvre pas les données qui ne relèvent d'aucun site");
    /* a second grant on the Ternois opens it */
    struct access_grant g = {"travailleur_social", "mds", "ternois"};
    expect_ok(f, access_user_grant(f->s, &cat, &g, "ts.calais", "admin", &f->e), "grant");
    expect_ok(f, access_user_load(f->s, &f->a, "ts.calais", &u, &f->e), "reload");
    expect_ok(f, access_check(&cat, &u, "dossier.lire", &there, &f->a, &used, &f->e), "there");
    assert_string_equal(used, "travailleur_social@mds:ternois");
    /* the social worker has no health data */
    there.data_class = CLASS_HEALTH;
    expect_err(f, access_check(&cat, &u, "dossier.lire", &there, &f->a, NULL, &f->e), ERR_FORBIDDEN,
               "votre rôle travailleur_social ne donne pas accès aux données de "
               "santé");
    /* several grants on the wrong site are all named */
    struct access_target boulogne = target("mds", "boulonnais", CLASS_SOCIAL, "P-9");
    expect_err(f, access_check(&cat, &u, "dossier.lire", &boulogne, &f->a, NULL, &f->e),
               ERR_FORBIDDEN,
               "vos rôles (travailleur_social sur mds:calaisis, travailleur_social sur "
               "mds:ternois) ne couvrent pas le site mds:boulonnais");
}

/* Reception staff read no health and no child-protection data. */
static void test_check_accueil(void **state)
{
    struct fx *f = *state;
    struct access_target t = target("mds", "calaisis", CLASS_HEALTH, "P-1");
    struct access_user u;
    const char *used;

    make_agent(f, "accueil.calais", "accueil", "mds", "calaisis", &u);
    assert_int_equal(access_check(&cat, &u, "personne.lire", &t, &f->a, &used, &f->e), -1);
    assert_int_equal(f->e.code, ERR_FORBIDDEN);
    assert_string_equal(f->e.message, "votre rôle accueil ne donne pas accès aux données de santé");
    err_clear(&f->e);
    t.data_class = CLASS_CHILD;
    expect_err(f, access_check(&cat, &u, "personne.lire", &t, &f->a, NULL, &f->e), ERR_FORBIDDEN,
               "votre rôle accueil ne donne pas accès aux données de protection de l'enfance");
    t.data_class = CLASS_SOCIAL;
    expect_err(f, access_check(&cat, &u, "personne.lire", &t, &f->a, NULL, &f->e), ERR_FORBIDDEN,
               "données sociales");
    /* capabilities come before classes when the role lacks the action itself */
    t.data_class = CLASS_HEALTH;
    expect_err(f, access_check(&cat, &u, "dossier.lire", &t, &f->a, NULL, &f->e), ERR_FORBIDDEN,
               "votre rôle accueil ne permet pas l'action « dossier.lire »");
    /* what reception does see: identity, without sensitive class */
    t.data_class = CLASS_NONE;
    t.object_type = "personne";
    expect_ok(f, access_check(&cat, &u, "personne.lire", &t, &f->a, &used, &f->e), "identity");
    assert_string_equal(used, "accueil@mds:calaisis");
    expect_ok(f, access_check(&cat, &u, "acte.enregistrer", &t, &f->a, NULL, &f->e), "act");
}

static void test_check_departement(void **state)
{
    struct fx *f = *state;
    struct access_target targets[] = {
        target("mds", "ternois", CLASS_CHILD, "P-1"),
        target("mds", "calaisis", CLASS_HEALTH, "P-2"),
        target("mdadt", "artois", CLASS_SOCIAL, "P-3"),
        target("central", "dsol", CLASS_SOCIAL, "P-4"),
        target(NULL, NULL, CLASS_NONE, NULL),
    };
    struct access_user u;
    const char *used;

    make_agent(f, "cadre.dep", "cadre_mds", "departement", "62", &u);
    for (size_t i = 0; i < ARRAY_SIZE(targets); i++) {
        expect_ok(f, access_check(&cat, &u, "dossier.lire", &targets[i], &f->a, &used, &f->e),
                  "departement");
        assert_string_equal(used, "cadre_mds@departement:62");
    }
    /* the whole département, but only what the role can do */
    expect_err(f, access_check(&cat, &u, "utilisateurs.gerer", &targets[0], &f->a, NULL, &f->e),
               ERR_FORBIDDEN, "ne permet pas l'action « utilisateurs.gerer »");
}

static void test_check_edge_cases(void **state)
{
    struct fx *f = *state;
    struct access_target t = target("mds", "calaisis", CLASS_SOCIAL, "P-1");
    struct access_grant stale[] = {{"role_supprime", "departement", "62"}};
    struct access_grant forged[] = {{"cadre_mds", "departement", "59"}};
    struct access_grant several[] = {{"accueil", "mds", "calaisis"},
                                     {"accueil", "mds", "ternois"},
                                     {"administrateur", "central", "dsol"}};
    struct access_user u = {.login = "x", .active = true};

    expect_err(f, access_check(&cat, &u, "dossier.lire", &t, &f->a, NULL, &f->e), ERR_FORBIDDEN,
               "aucun rôle");
    /* a role gone from the catalogue gives nothing */
    u.grants = stale;
    u.ngrants = 1;
    expect_err(f, access_check(&cat, &u, "dossier.lire", &t, &f->a, NULL, &f->e), ERR_FORBIDDEN,
               NULL);
    /* a departement grant on another département (never accepted by grant) gives nothing */
    u.grants = forged;
    expect_err(f, access_check(&cat, &u, "dossier.lire", &t, &f->a, NULL, &f->e), ERR_FORBIDDEN,
               "ne couvre pas");
    /* roles named once each */
    u.grants = several;
    u.ngrants = ARRAY_SIZE(several);
    expect_err(f, access_check(&cat, &u, "dossier.lire", &t, &f->a, NULL, &f->e), ERR_FORBIDDEN,
               "aucun de vos rôles (accueil, administrateur) ne permet l'action « dossier.lire »");
}

/* ---- access log ---- */

/* Check, then log the read or the refusal, as a handler does. */
static int read_file(struct fx *f, const struct access_user *u, const char *capability,
                     const struct access_target *t)
{
    const char *used;
    struct err e;
    int rc;

    err_clear(&e);
    rc = access_check(&cat, u, capability, t, &f->a, &used, &f->e);
    if (access_log_append(f->s, u->login, rc == 0 ? "lecture" : "refus", t, rc == 0 ? used : NULL,
                          &e) != 0)
        fail_msg("log: %s", e.message);
    err_clear(&f->e);
    return rc;
}

static void test_log_and_officer(void **state)
{
    struct fx *f = *state;
    struct access_user ts, acc, cadre, dpo;
    struct access_target p1_calais = target("mds", "calaisis", CLASS_SOCIAL, "P-1");
    struct access_target p1_health = target("mds", "calaisis", CLASS_HEALTH, "P-1");
    struct access_target p2_ternois = target("mds", "ternois", CLASS_SOCIAL, "P-2");
    struct access_target journal = {
        .object_type = "journal_acces", .object_id = "P-1", .person_id = "P-1"};
    struct access_log_row *rows;
    int64_t count, bad;
    size_t n;

    make_agent(f, "ts.calais", "travailleur_social", "mds", "calaisis", &ts);
    make_agent(f, "accueil.calais", "accueil", "mds", "calaisis", &acc);
    make_agent(f, "cadre.dep", "cadre_mds", "departement", "62", &cadre);
    make_agent(f, "dpo", "delegue_protection_donnees", "departement", "62", &dpo);

    assert_int_equal(read_file(f, &ts, "dossier.lire", &p1_calais), 0);
    assert_int_equal(read_file(f, &ts, "dossier.lire", &p2_ternois), -1);
    assert_int_equal(read_file(f, &acc, "personne.lire", &p1_health), -1);
    assert_int_equal(read_file(f, &cadre, "dossier.lire", &p1_health), 0);
    assert_int_equal(read_file(f, &cadre, "dossier.lire", &p2_ternois), 0);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM access_log"), 5);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM access_log WHERE action = 'refus'"), 2);

    /* the data officer may read the log, a social worker may not */
    expect_ok(f, access_check(&cat, &dpo, "journal_acces.lire", &journal, &f->a, NULL, &f->e),
              "dpo");
    expect_err(f, access_check(&cat, &ts, "journal_acces.lire", &journal, &f->a, NULL, &f->e),
               ERR_FORBIDDEN, "journal_acces.lire");
    expect_ok(f, access_log_for_person(f->s, &f->a, "P-1", &rows, &n, &f->e), "for person");
    assert_int_equal(n, 3);
    assert_int_equal(rows[0].seq, 1);
    assert_string_equal(rows[0].login, "ts.calais");
    assert_string_equal(rows[0].action, "lecture");
    assert_string_equal(rows[0].grant_used, "travailleur_social@mds:calaisis");
    assert_string_equal(rows[0].object_type, "dossier");
    assert_string_equal(rows[0].object_id, "D-2022-0001");
    assert_string_equal(rows[0].person_id, "P-1");
    assert_true(rows[0].at > 1600000000);
    assert_string_equal(rows[1].login, "accueil.calais");
    assert_string_equal(rows[1].action, "refus");
    assert_string_equal(rows[1].grant_used, "");
    assert_string_equal(rows[2].login, "cadre.dep");
    assert_string_equal(rows[2].grant_used, "cadre_mds@departement:62");
    assert_true(rows[0].seq < rows[1].seq && rows[1].seq < rows[2].seq);

    expect_ok(f, access_log_for_person(f->s, &f->a, "P-404", &rows, &n, &f->e), "nobody");
    assert_int_equal(n, 0);
    expect_err(f, access_log_for_person(f->s, &f->a, "", &rows, &n, &f->e), ERR_INVALID, NULL);

    expect_ok(f, access_log_verify(f->s, &count, &bad, &f->e), "verify");
    assert_int_equal(count, 5);
    assert_int_equal(bad, 0);
    /* the access log stays out of the journal */
    expect_journal(f, PW,
                   "user.created user.granted user.created user.granted user.created "
                   "user.granted user.created user.granted");
}

static void test_log_transactions(void **state)
{
    struct fx *f = *state;
    struct access_target t = target("mds", "calaisis", CLASS_SOCIAL, "P-1");
    int64_t count, bad;

    /* in the caller's transaction: goes with it */
    expect_ok(f, store_begin(f->s, &f->e), "begin");
    expect_ok(f, access_log_append(f->s, "a", "ecriture", &t, "x@mds:calaisis", &f->e), "in tx");
    assert_true(f->s->in_tx);
    store_rollback(f->s);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM access_log"), 0);
    expect_ok(f, store_begin(f->s, &f->e), "begin");
    expect_ok(f, access_log_append(f->s, "a", "ecriture", &t, "x@mds:calaisis", &f->e), "in tx");
    expect_ok(f, store_commit(f->s, &f->e), "commit");
    /* on its own */
    expect_ok(f, access_log_append(f->s, "a", "lecture", &t, "x@mds:calaisis", &f->e), "own");
    assert_false(f->s->in_tx);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM access_log"), 2);
    expect_ok(f, access_log_verify(f->s, &count, &bad, &f->e), "verify");
    assert_int_equal(count, 2);

    expect_err(f, access_log_append(f->s, "a", "effacement", &t, NULL, &f->e), ERR_INVALID,
               "action inconnue");
    expect_err(f, access_log_append(f->s, "", "lecture", &t, NULL, &f->e), ERR_INVALID, NULL);
    t.object_type = NULL;
    expect_err(f, access_log_append(f->s, "a", "lecture", &t, NULL, &f->e), ERR_INVALID, NULL);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM access_log"), 2);
}

static void test_log_empty_verify(void **state)
{
    struct fx *f = *state;
    int64_t count = -1, bad = -1;

    expect_ok(f, access_log_verify(f->s, &count, &bad, &f->e), "empty");
    assert_int_equal(count, 0);
    assert_int_equal(bad, 0);
}

/* The encoding of access.h, by hand: one row after the zero hash. */
static void test_log_hash_encoding(void **state)
{
    static const unsigned char zero[ACCESS_LOG_HASH_BYTES];
    struct access_log_row r = {1,         1656000000, "jdupont", "lecture",
                               "dossier", "D-1",      "P-1",     "travailleur_social@mds:calaisis"};
    const char *fields[] = {r.login,     r.action,    r.object_type,
                            r.object_id, r.person_id, r.grant_used};
    unsigned char buf[512], a[ACCESS_LOG_HASH_BYTES], b[ACCESS_LOG_HASH_BYTES];
    char hex[2 * ACCESS_LOG_HASH_BYTES + 1];
    size_t n = 0;

    (void)state;
    memcpy(buf, zero, sizeof(zero));
    n = sizeof(zero);
    for (int k = 0; k < 2; k++) {
        uint64_t v = k == 0 ? (uint64_t)r.seq : (uint64_t)r.at;
        memset(buf + n, 0, 7);
        buf[n + 7] = 8;
        n += 8;
        for (int i = 7; i >= 0; i--, v >>= 8)
            buf[n + (size_t)i] = (unsigned char)(v & 0xff);
        n += 8;
    }
    for (size_t k = 0; k < ARRAY_SIZE(fields); k++) {
        size_t len = strlen(fields[k]);
        memset(buf + n, 0, 7);
        buf[n + 7] = (unsigned char)len;
        n += 8;
        memcpy(buf + n, fields[k], len);
        n += len;
    }
    crypto_generichash(a, sizeof(a), buf, n, NULL, 0);
    access_log_hash(zero, &r, b);
    assert_memory_equal(a, b, sizeof(a));
    /* and computed elsewhere (Python hashlib.blake2b, digest_size=32) */
    for (size_t i = 0; i < sizeof(b); i++)
        snprintf(hex + 2 * i, 3, "%02x", b[i]);
    assert_string_equal(hex, "a4b760861dc76343c7b7f7b5594514cf5fa1443cb8b317e2b6e6f36666231c2c");
}

/* Play the attacker on the closed database file, then reopen. */
static void tamper(struct fx *f, const char *sql)
{
    sqlite3 *db;
    char *msg = NULL;

    store_close(f->s);
    f->s = NULL;
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("tamper failed: %s", msg);
    sqlite3_close(db);
    f->s = store_open(f->path, &f->e);
    assert_non_null(f->s);
}

static void fill_log(struct fx *f, int n)
{
    for (int i = 1; i <= n; i++) {
        char person[16];
        struct access_target t = target("mds", "calaisis", CLASS_SOCIAL, person);
        snprintf(person, sizeof(person), "P-%d", i);
        expect_ok(f,
                  access_log_append(f->s, "ts.calais", "lecture", &t,
                                    "travailleur_social@mds:calaisis", &f->e),
                  "append");
    }
}

static void expect_tampered(struct fx *f, int64_t first_bad, const char *in_detail)
{
    int64_t count, bad;
    char msg[96];

    err_clear(&f->e);
    assert_int_equal(access_log_verify(f->s, &count, &bad, &f->e), -1);
    assert_int_equal(f->e.code, ERR_TAMPERED);
    assert_int_equal(bad, first_bad);
    snprintf(msg, sizeof(msg), "journal des accès altéré à la ligne n° %lld", (long long)bad);
    assert_string_equal(f->e.message, msg);
    if (!strstr(f->e.detail, in_detail))
        fail_msg("detail « %s » lacks « %s »", f->e.detail, in_detail);
}

static void test_log_triggers(void **state)
{
    struct fx *f = *state;
    sqlite3 *db;

    fill_log(f, 3);
    store_close(f->s);
    f->s = NULL;
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    assert_int_not_equal(
        sqlite3_exec(db, "UPDATE access_log SET login = 'x' WHERE seq = 2", NULL, NULL, NULL),
        SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM access_log", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    f->s = store_open(f->path, &f->e);
    assert_non_null(f->s);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM access_log"), 3);
}

static void test_log_tamper_edit(void **state)
{
    struct fx *f = *state;

    fill_log(f, 10);
    /* hide who read P-4's file */
    tamper(f, "DROP TRIGGER access_log_no_update;"
              "UPDATE access_log SET login = 'quelqu-un' WHERE seq = 4");
    expect_tampered(f, 4, "contenu modifié");
}

static void test_log_tamper_delete(void **state)
{
    struct fx *f = *state;

    fill_log(f, 10);
    tamper(f, "DROP TRIGGER access_log_no_delete; DELETE FROM access_log WHERE seq = 6");
    expect_tampered(f, 6, "manque");
}

static void test_log_tamper_truncate(void **state)
{
    struct fx *f = *state;

    fill_log(f, 10);
    tamper(f, "DROP TRIGGER access_log_no_delete; DELETE FROM access_log WHERE seq >= 9");
    expect_tampered(f, 9, "supprimées en fin de journal");
    /* every row gone but the head left: caught */
    tamper(f, "DELETE FROM access_log");
    expect_tampered(f, 1, "supprimées");
}

static void test_log_tamper_hash(void **state)
{
    struct fx *f = *state;

    fill_log(f, 5);
    /* move a read from one person's file to another's */
    tamper(f, "DROP TRIGGER access_log_no_update;"
              "UPDATE access_log SET person_id = 'P-X' WHERE seq = 2;"
              "UPDATE access_log SET person_id = 'P-2' WHERE seq = 3;");
    expect_tampered(f, 2, "contenu modifié");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_password_policy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_long_password, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_and_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_authenticate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disabled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_password_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rehash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_site_parse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_other_mds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_accueil, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_departement, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_edge_cases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_and_officer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_transactions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_empty_verify, setup, teardown),
        cmocka_unit_test(test_log_hash_encoding),
        cmocka_unit_test_setup_teardown(test_log_triggers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_tamper_edit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_tamper_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_tamper_truncate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_tamper_hash, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * access.c: agents, their passwords and grants, and access_check, the one
 * place that decides who may do what on which site's data. Each change to
 * an agent is one transaction holding the change and its journal event;
 * passwords are argon2id (libsodium crypto_pwhash_str) and never leave this
 * file except as a hash in the users table. The access log is in log.c.
 */
#include "core/compat.h"
#include "access/access.h"

#include <jansson.h>
#include <sodium.h>
#include <time.h>

#include "core/json.h"
#include "core/strbuf.h"
#include "core/utf8.h"
#include "journal/journal.h"

#define ACCESS_DEPARTEMENT_CODE "62"
#define ACCESS_CENTRAL_MAX      32 /* bytes of a central direction's code */

#define PWHASH_OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PWHASH_MEM crypto_pwhash_MEMLIMIT_INTERACTIVE

static const char bad_credentials[] = "identifiant ou mot de passe incorrect";

/*
 * The argon2id hash (INTERACTIVE parameters) of a random password nobody
 * knows: an unknown login is verified against it, so that it costs the
 * same work as a known one.
 */
static const char dummy_hash[crypto_pwhash_STRBYTES] =
    "$argon2id$v=19$m=65536,t=2,p=1$ra9i5rL/0KUkYWP+uAw6/w$"
    "3nNRdddUTXn2gxKULcflztA3qfWWoc701GHnC9oF5hs";

static void sodium_ready(void)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "proxima: libsodium initialisation failed\n");
        abort();
    }
}

/* err_set(code, "msg : "value"") with the value quoted safely (utf8_quote). */
static int err_quoted(struct err *e, enum err_code code, const char *msg, const char *value)
{
    struct strbuf sb;

    strbuf_init(&sb, 256);
    utf8_quote(&sb, value ? value : "", value ? strlen(value) : 0);
    err_set(e, code, "%s : %s", msg, sb.buf);
    strbuf_release(&sb);
    return -1;
}

/* ---- validation ---- */

int access_password_check(const char *login, const char *password, struct err *e)
{
    size_t n, pos = 0, chars = 0;

    if (!password)
        return err_set(e, ERR_INVALID, "mot de passe manquant");
    n = strlen(password);
    if (n > ACCESS_PASSWORD_MAX_BYTES) {
        err_set(e, ERR_INVALID, "mot de passe trop long : plus de %d octets",
                ACCESS_PASSWORD_MAX_BYTES);
        return err_hint(e, "choisissez une phrase de passe plus courte");
    }
    if (!utf8_valid(password, n)) {
        err_set(e, ERR_INVALID, "mot de passe illisible : ce n'est pas du texte UTF-8 valide");
        return err_hint(e, "vérifiez l'encodage du terminal ou du fichier qui le fournit");
    }
    while (pos < n) {
        (void)utf8_decode(password, n, &pos);
        chars++;
    }
    if (chars < ACCESS_PASSWORD_MIN) {
        err_set(e, ERR_INVALID, "mot de passe trop court : %zu caractère%s, il en faut au moins %d",
                chars, chars > 1 ? "s" : "", ACCESS_PASSWORD_MIN);
        return err_hint(e,
                        "choisissez une phrase de passe d'au moins %d caractères "
                        "(recommandation de la CNIL)",
                        ACCESS_PASSWORD_MIN);
    }
    if (login && utf8_fold_cmp(login, password) == 0) {
        err_set(e, ERR_INVALID, "le mot de passe ne peut pas être l'identifiant de l'agent");
        return err_hint(e, "choisissez une phrase de passe sans rapport avec l'identifiant");
    }
    return 0;
}

static bool is_lower_alnum(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

static int check_login(const char *login, struct err *e)
{
    size_t n = login ? strlen(login) : 0;
    bool ok = n >= 2 && n <= ACCESS_LOGIN_MAX && login[0] >= 'a' && login[0] <= 'z';

    for (size_t i = 1; ok && i < n; i++)
        ok = is_lower_alnum(login[i]) || login[i] == '.' || login[i] == '_' || login[i] == '-';
    if (ok)
        return 0;
    err_quoted(e, ERR_INVALID, "identifiant d'agent invalide", login);
    return err_hint(e,
                    "de 2 à %d caractères : lettres minuscules sans accent, chiffres, « . », "
                    "« _ » ou « - », en commençant par une lettre (« jean.dupont »)",
                    ACCESS_LOGIN_MAX);
}

static int check_name(const char *name, struct err *e)
{
    size_t n = name ? strlen(name) : 0;

    if (n == 0 || name[0] == ' ' || name[n - 1] == ' ') {
        err_quoted(e, ERR_INVALID, "nom de l'agent vide ou entouré d'espaces", name);
        return err_hint(e, "donnez le nom et le prénom : --nom \"Dupont Jean\"");
    }
    if (n > ACCESS_NAME_MAX) {
        err_set(e, ERR_INVALID, "nom de l'agent trop long : %zu octets, au plus %d", n,
                ACCESS_NAME_MAX);
        return -1;
    }
    if (!utf8_valid(name, n))
        return err_set(e, ERR_INVALID, "nom de l'agent illisible : ce n'est pas du texte UTF-8");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
            return err_quoted(e, ERR_INVALID, "nom de l'agent avec un caractère de contrôle", name);
    return 0;
}

/* a-z, 0-9 and single inner hyphens: "dsol", "dir-enfance" */
static bool is_slug(const char *s, size_t max)
{
    size_t n = strlen(s);

    if (n == 0 || n > max || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '-' && s[i + 1] == '-')
            return false;
        if (!is_lower_alnum(s[i]) && s[i] != '-')
            return false;
    }
    return true;
}

static int check_role(const struct catalog *cat, const char *role, struct err *e)
{
    struct strbuf sb;

    if (role && *role && catalog_role(cat, role))
        return 0;
    err_quoted(e, ERR_INVALID, "rôle absent du catalogue", role);
    strbuf_init(&sb, ERR_HINT_MAX - 1);
    for (size_t i = 0; i < cat->nroles; i++)
        strbuf_addf(&sb, "%s%s", i ? ", " : "", cat->roles[i].code);
    if (cat->nroles)
        err_hint(e, "rôles du catalogue : %s", sb.buf);
    else
        err_hint(e, "le catalogue ne déclare aucun rôle : vérifiez data/catalogue/roles.json");
    strbuf_release(&sb);
    return -1;
}

/* Hint listing the codes of grid in the referential. */
static int hint_grid_codes(struct store *s, const char *grid, struct err *e)
{
    struct err e2;
    struct strbuf sb;
    struct store_stmt *st;
    size_t k = 0;

    err_clear(&e2);
    st = store_prepare(s, "SELECT code FROM ref_area WHERE grid = ? ORDER BY code", &e2);
    if (!st)
        return -1;
    store_bind_text(st, 1, grid);
    strbuf_init(&sb, ERR_HINT_MAX - 1);
    while (store_step(st, &e2) == STORE_ROW)
        strbuf_addf(&sb, "%s%s:%s", k++ ? ", " : "", grid, store_column_text(st, 0));
    store_finalize(st);
    if (k)
        err_hint(e, "sites connus : %s", sb.buf);
    else
        err_hint(e, "le référentiel territorial n'est pas chargé : lancez « proxima init »");
    strbuf_release(&sb);
    return -1;
}

static int check_site(struct store *s, const char *grid, const char *code, struct err *e)
{
    struct store_stmt *st;
    int rc;

    if (!grid || !*grid || !code || !*code)
        return err_set(e, ERR_INVALID, "site incomplet : grille et code attendus");
    if (!strcmp(grid, ACCESS_SITE_DEPARTEMENT)) {
        if (!strcmp(code, ACCESS_DEPARTEMENT_CODE))
            return 0;
        err_quoted(e, ERR_INVALID, "code de département inconnu", code);
        return err_hint(e, "le seul site départemental est departement:%s",
                        ACCESS_DEPARTEMENT_CODE);
    }
    if (!strcmp(grid, ACCESS_SITE_CENTRAL)) {
        if (is_slug(code, ACCESS_CENTRAL_MAX))
            return 0;
        err_quoted(e, ERR_INVALID, "code de direction centrale invalide", code);
        return err_hint(e, "lettres minuscules sans accent, chiffres et tirets : central:dsol");
    }
    if (strcmp(grid, "mds") != 0 && strcmp(grid, "mdadt") != 0) {
        err_quoted(e, ERR_INVALID, "grille de site inconnue", grid);
        return err_hint(e, "sites possibles : mds:CODE, mdadt:CODE, central:CODE, departement:%s",
                        ACCESS_DEPARTEMENT_CODE);
    }
    st = store_prepare(s, "SELECT 1 FROM ref_area WHERE grid = ? AND code = ?", e);
    if (!st)
        return -1;
    store_bind_text(st, 1, grid);
    store_bind_text(st, 2, code);
    rc = store_step(st, e);
    store_finalize(st);
    if (rc < 0)
        return -1;
    if (rc == STORE_ROW)
        return 0;
    err_set(e, ERR_INVALID, "site inconnu du référentiel territorial : %s:%s", grid, code);
    return hint_grid_codes(s, grid, e);
}

/* ---- storage helpers ---- */

/* The agent's id and state, in the current transaction (ERR_NOT_FOUND). */
static int find_user(struct store *s, const char *login, int64_t *id, bool *active, struct err *e)
{
    struct store_stmt *st;
    int rc;

    st = store_prepare(s, "SELECT id, active FROM users WHERE login = ?", e);
    if (!st)
        return -1;
    store_bind_text(st, 1, login);
    rc = store_step(st, e);
    if (rc == STORE_ROW) {
        *id = store_column_int64(st, 0);
        if (active)
            *active = store_column_int64(st, 1) != 0;
    }
    store_finalize(st);
    if (rc < 0)
        return -1;
    if (rc == STORE_DONE) {
        err_quoted(e, ERR_NOT_FOUND, "agent inconnu", login);
        return err_hint(e, "« proxima user list » liste les agents");
    }
    return 0;
}

/* Append a "user.*" event; payload is stolen. Never give it a secret. */
static int user_event(struct store *s, const char *type, const char *login, const char *actor,
                      json_t *payload, struct err *e)
{
    struct journal_event ev = {0};
    struct strbuf sb;
    int rc;

    if (!payload)
        return err_set(e, ERR_INTERNAL, "événement %s impossible à encoder (bogue)", type);
    strbuf_init(&sb, 0);
    json_dump_sorted(payload, &sb);
    json_decref(payload);
    if (strbuf_failed(&sb)) {
        strbuf_release(&sb);
        return err_set(e, ERR_NOMEM, "événement %s trop grand", type);
    }
    ev.type = type;
    ev.actor = actor;
    ev.subject = login;
    ev.payload = sb.buf;
    rc = journal_append(s, &ev, NULL, e);
    strbuf_release(&sb);
    return rc;
}

static int check_actor(const char *actor, struct err *e)
{
    if (!actor || !*actor || !utf8_valid(actor, strlen(actor)))
        return err_set(e, ERR_INVALID, "auteur de la modification manquant ou illisible");
    return 0;
}

/* Hash password into out (crypto_pwhash_STRBYTES). */
static int hash_password(const char *password, char out[crypto_pwhash_STRBYTES], struct err *e)
{
    sodium_ready();
    if (crypto_pwhash_str(out, password, strlen(password), PWHASH_OPS, PWHASH_MEM) != 0)
        return err_set(e, ERR_NOMEM, "mémoire insuffisante pour chiffrer le mot de passe");
    return 0;
}

static int commit_or_rollback(struct store *s, int rc, struct err *e)
{
    if (rc == 0 && store_commit(s, e) == 0)
        return 0;
    store_rollback(s);
    return -1;
}

/* ---- changes ---- */

int access_user_add(struct store *s, const char *login, const char *name, const char *password,
                    const char *actor, struct err *e)
{
    char hash[crypto_pwhash_STRBYTES];
    struct store_stmt *st;
    int rc = -1;

    if (check_login(login, e) != 0 || check_name(name, e) != 0 || check_actor(actor, e) != 0 ||
        access_password_check(login, password, e) != 0)
        return -1;
    if (hash_password(password, hash, e) != 0)
        return -1;
    if (store_begin(s, e) != 0)
        goto out;
    st = store_prepare(s, "SELECT 1 FROM users WHERE login = ?", e);
    if (!st)
        goto done;
    store_bind_text(st, 1, login);
    rc = store_step(st, e);
    store_finalize(st);
    if (rc == STORE_ROW) {
        err_set(e, ERR_CONFLICT, "l'agent %s existe déjà", login);
        err_hint(e, "pour changer son mot de passe : « proxima user password %s »", login);
    }
    if (rc != STORE_DONE) {
        rc = -1;
        goto done;
    }
    rc = -1;
    st = store_prepare(s,
                       "INSERT INTO users (login, name, password_hash, active, created_at) "
                       "VALUES (?, ?, ?, 1, ?)",
                       e);
    if (!st)
        goto done;
    store_bind_text(st, 1, login);
    store_bind_text(st, 2, name);
    store_bind_text(st, 3, hash);
    store_bind_int64(st, 4, (int64_t)time(NULL));
    if (store_step_done(st, e) != 0)
        goto done;
    rc = user_event(s, "user.created", login, actor,
                    json_pack("{s:s, s:s}", "login", login, "nom", name), e);
done:
    rc = commit_or_rollback(s, rc, e);
out:
    sodium_memzero(hash, sizeof(hash));
    return rc;
}

int access_user_password(struct store *s, const char *login, const char *password,
                         const char *actor, struct err *e)
{
    char hash[crypto_pwhash_STRBYTES];
    struct store_stmt *st;
    int64_t id;
    int rc = -1;

    if (!login)
        return err_set(e, ERR_INVALID, "identifiant d'agent manquant");
    if (check_actor(actor, e) != 0 || access_password_check(login, password, e) != 0)
        return -1;
    if (hash_password(password, hash, e) != 0)
        return -1;
    if (store_begin(s, e) != 0)
        goto out;
    if (find_user(s, login, &id, NULL, e) != 0)
        goto done;
    st = store_prepare(s, "UPDATE users SET password_hash = ? WHERE id = ?", e);
    if (!st)
        goto done;
    store_bind_text(st, 1, hash);
    store_bind_int64(st, 2, id);
    if (store_step_done(st, e) != 0)
        goto done;
    rc =
        user_event(s, "user.password_changed", login, actor, json_pack("{s:s}", "login", login), e);
done:
    rc = commit_or_rollback(s, rc, e);
out:
    sodium_memzero(hash, sizeof(hash));
    return rc;
}

static json_t *grant_json(const char *login, const struct access_grant *g)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "login", login, "role", g->role, "site_grid",
                     g->site_grid, "site_code", g->site_code);
}

/* Does the agent id hold g? In the current transaction. */
static int holds_grant(struct store *s, int64_t id, const struct access_grant *g, bool *holds,
                       struct err *e)
{
    struct store_stmt *st;
    int rc;

    st = store_prepare(s,
                       "SELECT 1 FROM user_grants WHERE user_id = ? AND role = ? AND "
                       "site_grid = ? AND site_code = ?",
                       e);
    if (!st)
        return -1;
    store_bind_int64(st, 1, id);
    store_bind_text(st, 2, g->role);
    store_bind_text(st, 3, g->site_grid);
    store_bind_text(st, 4, g->site_code);
    rc = store_step(st, e);
    store_finalize(st);
    *holds = rc == STORE_ROW;
    return rc < 0 ? -1 : 0;
}

int access_user_grant(struct store *s, const struct catalog *cat, const struct access_grant *g,
                      const char *login, const char *actor, struct err *e)
{
    struct store_stmt *st;
    bool active, holds;
    int64_t id;
    int rc = -1;

    assert(cat && g);
    if (!login)
        return err_set(e, ERR_INVALID, "identifiant d'agent manquant");
    if (check_actor(actor, e) != 0 || check_role(cat, g->role, e) != 0)
        return -1;
    if (store_begin(s, e) != 0)
        return -1;
    if (find_user(s, login, &id, &active, e) != 0 ||
        check_site(s, g->site_grid, g->site_code, e) != 0)
        goto done;
    if (!active) {
        err_set(e, ERR_CONFLICT,
                "le compte de l'agent %s est désactivé : aucun rôle ne peut lui "
                "être attribué",
                login);
        goto done;
    }
    if (holds_grant(s, id, g, &holds, e) != 0)
        goto done;
    if (holds) {
        err_set(e, ERR_CONFLICT, "l'agent %s a déjà le rôle %s sur le site %s:%s", login, g->role,
                g->site_grid, g->site_code);
        goto done;
    }
    st = store_prepare(s,
                       "INSERT INTO user_grants (user_id, role, site_grid, site_code, granted_at, "
                       "granted_by) VALUES (?, ?, ?, ?, ?, ?)",
                       e);
    if (!st)
        goto done;
    store_bind_int64(st, 1, id);
    store_bind_text(st, 2, g->role);
    store_bind_text(st, 3, g->site_grid);
    store_bind_text(st, 4, g->site_code);
    store_bind_int64(st, 5, (int64_t)time(NULL));
    store_bind_text(st, 6, actor);
    if (store_step_done(st, e) != 0)
        goto done;
    rc = user_event(s, "user.granted", login, actor, grant_json(login, g), e);
done:
    return commit_or_rollback(s, rc, e);
}

int access_user_revoke(struct store *s, const struct access_grant *g, const char *login,
                       const char *actor, struct err *e)
{
    struct store_stmt *st;
    int64_t id;
    int rc = -1;

    assert(g);
    if (!login)
        return err_set(e, ERR_INVALID, "identifiant d'agent manquant");
    if (!g->role || !g->site_grid || !g->site_code)
        return err_set(e, ERR_INVALID, "rôle ou site manquant");
    if (check_actor(actor, e) != 0)
        return -1;
    if (store_begin(s, e) != 0)
        return -1;
    if (find_user(s, login, &id, NULL, e) != 0)
        goto done;
    st = store_prepare(s,
                       "DELETE FROM user_grants WHERE user_id = ? AND role = ? AND site_grid = ? "
                       "AND site_code = ?",
                       e);
    if (!st)
        goto done;
    store_bind_int64(st, 1, id);
    store_bind_text(st, 2, g->role);
    store_bind_text(st, 3, g->site_grid);
    store_bind_text(st, 4, g->site_code);
    if (store_step_done(st, e) != 0)
        goto done;
    if (s->ops->changes(s) == 0) {
        struct strbuf sb;
        strbuf_init(&sb, 256);
        utf8_quote(&sb, g->role, strlen(g->role));
        err_set(e, ERR_NOT_FOUND, "l'agent %s n'a pas le rôle %s sur ce site", login, sb.buf);
        strbuf_release(&sb);
        err_hint(e, "« proxima user list » montre les rôles de chaque agent");
        goto done;
    }
    rc = user_event(s, "user.revoked", login, actor, grant_json(login, g), e);
done:
    return commit_or_rollback(s, rc, e);
}

int access_user_disable(struct store *s, const char *login, const char *actor, struct err *e)
{
    struct store_stmt *st;
    bool active;
    int64_t id;
    int rc = -1;

    if (!login)
        return err_set(e, ERR_INVALID, "identifiant d'agent manquant");
    if (check_actor(actor, e) != 0)
        return -1;
    if (store_begin(s, e) != 0)
        return -1;
    if (find_user(s, login, &id, &active, e) != 0)
        goto done;
    if (!active) {
        err_set(e, ERR_CONFLICT, "le compte de l'agent %s est déjà désactivé", login);
        goto done;
    }
    st = store_prepare(s, "UPDATE users SET active = 0 WHERE id = ?", e);
    if (!st)
        goto done;
    store_bind_int64(st, 1, id);
    if (store_step_done(st, e) != 0)
        goto done;
    rc = user_event(s, "user.disabled", login, actor, json_pack("{s:s}", "login", login), e);
done:
    return commit_or_rollback(s, rc, e);
}

/* ---- reading ---- */

static int load_grants(struct store *s, struct arena *a, int64_t id, struct access_user *u,
                       struct err *e)
{
    struct store_stmt *st;
    size_t cap = 0;
    int rc;

    u->grants = NULL;
    u->ngrants = 0;
    st = store_prepare(s,
                       "SELECT role, site_grid, site_code FROM user_grants WHERE user_id = ? "
                       "ORDER BY role, site_grid, site_code",
                       e);
    if (!st)
        return -1;
    store_bind_int64(st, 1, id);
    while ((rc = store_step(st, e)) == STORE_ROW) {
        if (u->ngrants == cap) {
            struct access_grant *g;
            cap = cap ? 2 * cap : 4;
            g = arena_calloc(a, cap, sizeof(*g));
            if (u->ngrants)
                memcpy(g, u->grants, u->ngrants * sizeof(*g));
            u->grants = g;
        }
        u->grants[u->ngrants].role = arena_strdup(a, store_column_text(st, 0));
        u->grants[u->ngrants].site_grid = arena_strdup(a, store_column_text(st, 1));
        u->grants[u->ngrants].site_code = arena_strdup(a, store_column_text(st, 2));
        u->ngrants++;
    }
    store_finalize(st);
    return rc < 0 ? -1 : 0;
}

int access_user_load(struct store *s, struct arena *a, const char *login, struct access_user *out,
                     struct err *e)
{
    struct store_stmt *st;
    int rc;

    memset(out, 0, sizeof(*out));
    if (!login)
        return err_set(e, ERR_INVALID, "identifiant d'agent manquant");
    st = store_prepare(s, "SELECT id, login, name, active FROM users WHERE login = ?", e);
    if (!st)
        return -1;
    store_bind_text(st, 1, login);
    rc = store_step(st, e);
    if (rc == STORE_ROW) {
        out->id = store_column_int64(st, 0);
        out->login = arena_strdup(a, store_column_text(st, 1));
        out->name = arena_strdup(a, store_column_text(st, 2));
        out->active = store_column_int64(st, 3) != 0;
    }
    store_finalize(st);
    if (rc < 0)
        return -1;
    if (rc == STORE_DONE) {
        err_quoted(e, ERR_NOT_FOUND, "agent inconnu", login);
        return err_hint(e, "« proxima user list » liste les agents");
    }
    return load_grants(s, a, out->id, out, e);
}

int access_user_list(struct store *s, struct arena *a, struct access_user **users, size_t *n,
                     struct err *e)
{
    struct access_user *u = NULL;
    struct store_stmt *st;
    size_t cap = 0, k = 0;
    int rc;

    *users = NULL;
    *n = 0;
    st = store_prepare(s, "SELECT id, login, name, active FROM users ORDER BY login", e);
    if (!st)
        return -1;
    while ((rc = store_step(st, e)) == STORE_ROW) {
        if (k == cap) {
            struct access_user *grown;
            cap = cap ? 2 * cap : 16;
            grown = arena_calloc(a, cap, sizeof(*grown));
            if (k)
                memcpy(grown, u, k * sizeof(*grown));
            u = grown;
        }
        u[k].id = store_column_int64(st, 0);
        u[k].login = arena_strdup(a, store_column_text(st, 1));
        u[k].name = arena_strdup(a, store_column_text(st, 2));
        u[k].active = store_column_int64(st, 3) != 0;
        k++;
    }
    store_finalize(st);
    if (rc < 0)
        return -1;
    for (size_t i = 0; i < k; i++)
        if (load_grants(s, a, u[i].id, &u[i], e) != 0)
            return -1;
    *users = u;
    *n = k;
    return 0;
}

int access_site_parse(const char *text, struct arena *a, struct access_grant *g, struct err *e)
{
    const char *colon = text ? strchr(text, ':') : NULL;

    if (!colon || colon == text || !colon[1] || strchr(colon + 1, ':')) {
        err_quoted(e, ERR_INVALID, "site mal écrit", text);
        return err_hint(e, "écrivez GRILLE:CODE : mds:calaisis, mdadt:artois, central:dsol ou "
                           "departement:62");
    }
    g->site_grid = arena_strndup(a, text, (size_t)(colon - text));
    g->site_code = arena_strdup(a, colon + 1);
    return 0;
}

/* ---- authentication ---- */

/*
 * Upgrade a hash made with older parameters. Best effort: a failure (busy
 * database...) leaves the old hash, which still verifies.
 */
static void rehash(struct store *s, const char *login, const char *old_hash, const char *password,
                   size_t n)
{
    char hash[crypto_pwhash_STRBYTES];
    struct store_stmt *st;
    struct err e;
    int rc = -1;

    err_clear(&e);
    if (s->in_tx || crypto_pwhash_str(hash, password, n, PWHASH_OPS, PWHASH_MEM) != 0)
        return;
    if (store_begin(s, &e) != 0)
        goto out;
    /* only if nobody changed the password meanwhile */
    st = store_prepare(
        s, "UPDATE users SET password_hash = ? WHERE login = ? AND password_hash = ?", &e);
    if (!st)
        goto done;
    store_bind_text(st, 1, hash);
    store_bind_text(st, 2, login);
    store_bind_text(st, 3, old_hash);
    if (store_step_done(st, &e) != 0 || s->ops->changes(s) != 1)
        goto done;
    rc = user_event(s, "user.password_rehashed", login, login, json_pack("{s:s}", "login", login),
                    &e);
done:
    commit_or_rollback(s, rc, &e);
out:
    sodium_memzero(hash, sizeof(hash));
}

int access_authenticate(struct store *s, struct arena *a, const char *login, const char *password,
                        struct access_user *out, struct err *e)
{
    char hash[crypto_pwhash_STRBYTES];
    size_t n = password ? strnlen(password, ACCESS_PASSWORD_MAX_BYTES + 1) : 0;
    bool found = false, active = false, ok;
    struct store_stmt *st;
    int rc;

    sodium_ready();
    memset(out, 0, sizeof(*out));
    if (login && *login && password && n <= ACCESS_PASSWORD_MAX_BYTES) {
        st = store_prepare(s, "SELECT password_hash, active FROM users WHERE login = ?", e);
        if (!st)
            return -1;
        store_bind_text(st, 1, login);
        rc = store_step(st, e);
        if (rc == STORE_ROW) {
            const char *h = store_column_text(st, 0);
            size_t hn = strlen(h);
            if (hn < sizeof(hash)) {
                memcpy(hash, h, hn + 1);
                found = true;
                active = store_column_int64(st, 1) != 0;
            }
        }
        store_finalize(st);
        if (rc < 0)
            return -1;
    }
    /* the same work whether the login exists or not */
    ok = crypto_pwhash_str_verify(found ? hash : dummy_hash, password ? password : "",
                                  n > ACCESS_PASSWORD_MAX_BYTES ? ACCESS_PASSWORD_MAX_BYTES : n) ==
         0;
    if (!found || !ok) {
        err_set(e, ERR_UNAUTHENTICATED, "%s", bad_credentials);
        return err_hint(e, "vérifiez l'identifiant et le mot de passe ; en cas d'oubli, "
                           "adressez-vous à l'administrateur de proxima");
    }
    if (!active) {
        err_set(e, ERR_UNAUTHENTICATED, "le compte %s est désactivé", login);
        return err_hint(e, "adressez-vous à l'administrateur de proxima");
    }
    if (crypto_pwhash_str_needs_rehash(hash, PWHASH_OPS, PWHASH_MEM) != 0)
        rehash(s, login, hash, password, n);
    return access_user_load(s, a, login, out, e);
}

/* ---- authorisation ---- */

static bool site_covers(const struct access_grant *g, const struct access_target *t)
{
    if (!strcmp(g->site_grid, ACCESS_SITE_DEPARTEMENT))
        return !strcmp(g->site_code, ACCESS_DEPARTEMENT_CODE);
    if (!t->site_grid || !t->site_code)
        return false;
    return !strcmp(g->site_grid, t->site_grid) && !strcmp(g->site_code, t->site_code);
}

/* Append role to sb unless already listed in it (roles held on several sites). */
static void add_role(struct strbuf *sb, const char *role, size_t *count)
{
    size_t n = strlen(role);

    for (const char *p = sb->buf; (p = strstr(p, role)) != NULL; p += n)
        if ((p == sb->buf || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
            return;
    strbuf_addf(sb, "%s%s", *count ? ", " : "", role);
    (*count)++;
}

int access_check(const struct catalog *cat, const struct access_user *u, const char *capability,
                 const struct access_target *t, struct arena *a, const char **grant_used,
                 struct err *e)
{
    struct strbuf wrong_site, wrong_class, no_cap, detail;
    size_t n_site = 0, n_class = 0, n_cap = 0;
    const char *site, *where;
    bool has_site;

    assert(cat && u && capability && t);
    assert(t->data_class >= CLASS_NONE && t->data_class < CLASS__COUNT);
    if (grant_used)
        *grant_used = NULL;
    if (!u->active) {
        err_set(e, ERR_FORBIDDEN, "le compte %s est désactivé : aucun accès", u->login);
        return err_hint(e, "adressez-vous à l'administrateur de proxima");
    }
    for (size_t i = 0; i < u->ngrants; i++) {
        const struct access_grant *g = &u->grants[i];
        const struct catalog_role *r = catalog_role(cat, g->role);

        if (!r || !catalog_role_can(r, capability))
            continue;
        if (t->data_class != CLASS_NONE && !r->classes[t->data_class])
            continue;
        if (!site_covers(g, t))
            continue;
        if (grant_used)
            *grant_used = arena_printf(a, "%s@%s:%s", g->role, g->site_grid, g->site_code);
        return 0;
    }

    /* refused: say what is missing, the nearest miss first */
    has_site = t->site_grid && t->site_code;
    site = has_site ? arena_printf(a, "%s:%s", t->site_grid, t->site_code) : NULL;
    where =
        has_site ? arena_printf(a, "le site %s", site) : "les données qui ne relèvent d'aucun site";
    strbuf_init(&wrong_site, ERR_MESSAGE_MAX);
    strbuf_init(&wrong_class, ERR_MESSAGE_MAX);
    strbuf_init(&no_cap, ERR_MESSAGE_MAX);
    for (size_t i = 0; i < u->ngrants; i++) {
        const struct access_grant *g = &u->grants[i];
        const struct catalog_role *r = catalog_role(cat, g->role);

        if (!r)
            continue;
        if (!catalog_role_can(r, capability)) {
            add_role(&no_cap, g->role, &n_cap);
        } else if (t->data_class != CLASS_NONE && !r->classes[t->data_class]) {
            add_role(&wrong_class, g->role, &n_class);
        } else {
            strbuf_addf(&wrong_site, "%s%s sur %s:%s", n_site ? ", " : "", g->role, g->site_grid,
                        g->site_code);
            n_site++;
        }
    }
    if (n_site == 1) {
        err_set(e, ERR_FORBIDDEN, "votre rôle %s ne couvre pas %s", wrong_site.buf, where);
    } else if (n_site > 1) {
        err_set(e, ERR_FORBIDDEN, "vos rôles (%s) ne couvrent pas %s", wrong_site.buf, where);
    } else if (n_class == 1) {
        err_set(e, ERR_FORBIDDEN, "votre rôle %s ne donne pas accès aux %s", wrong_class.buf,
                catalog_class_label(t->data_class));
    } else if (n_class > 1) {
        err_set(e, ERR_FORBIDDEN, "vos rôles %s ne donnent pas accès aux %s", wrong_class.buf,
                catalog_class_label(t->data_class));
    } else if (n_cap == 1) {
        err_set(e, ERR_FORBIDDEN, "votre rôle %s ne permet pas l'action « %s »", no_cap.buf,
                capability);
    } else if (n_cap > 1) {
        err_set(e, ERR_FORBIDDEN, "aucun de vos rôles (%s) ne permet l'action « %s »", no_cap.buf,
                capability);
    } else {
        err_set(e, ERR_FORBIDDEN, "vous n'avez aucun rôle dans proxima : accès refusé");
    }

    strbuf_init(&detail, ERR_DETAIL_MAX - 1);
    strbuf_addstr(&detail, t->object_type ? t->object_type : "objet");
    if (t->object_id && *t->object_id)
        strbuf_addf(&detail, " %s", t->object_id);
    strbuf_addf(&detail, " ; site : %s", has_site ? site : "aucun");
    if (t->data_class != CLASS_NONE)
        strbuf_addf(&detail, " ; %s", catalog_class_label(t->data_class));
    strbuf_addf(&detail, " ; action « %s »", capability);
    err_detail(e, "%s", detail.buf);
    strbuf_release(&detail);
    if (n_site && has_site)
        err_hint(e,
                 "un agent n'accède qu'aux données des sites où il a un rôle ; demandez à "
                 "l'administrateur un rôle sur %s si vous devez traiter ce dossier",
                 site);
    else if (n_site)
        err_hint(e,
                 "ces données relèvent de tout le département : il faut un rôle sur "
                 "departement:%s",
                 ACCESS_DEPARTEMENT_CODE);
    else
        err_hint(e, "demandez à l'administrateur de proxima un rôle qui le permet");
    strbuf_release(&wrong_site);
    strbuf_release(&wrong_class);
    strbuf_release(&no_cap);
    return -1;
}

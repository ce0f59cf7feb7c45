/*
 * session.c: sessions, CSRF tokens and sign-in throttling in the store
 * (tables http_session and http_login_failure of migration 6); see
 * session.h. The cookie's token never reaches the database: rows are keyed
 * by its BLAKE2b-256 hash, so a stolen copy of the database opens nothing.
 */
#include "core/compat.h"
#include "http/session.h"

#include <sodium.h>


static void token_hash(const char *token, unsigned char out[HTTP_TOKEN_HASH_BYTES])
{
    crypto_generichash(out, HTTP_TOKEN_HASH_BYTES, (const unsigned char *)token, strlen(token), NULL, 0);
}

const char *http_token_new(struct arena *a)
{
    unsigned char raw[32];
    char *out = arena_alloc(a, HTTP_TOKEN_LEN + 1);

    if (sodium_init() < 0) {
        fprintf(stderr, "proxima: libsodium cannot be initialised\n");
        abort();
    }
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(out, HTTP_TOKEN_LEN + 1, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
    return out;
}

/* A token as we make them: exactly HTTP_TOKEN_LEN base64url characters. */
static bool token_wellformed(const char *t)
{
    size_t n = 0;

    for (; t[n] && n <= HTTP_TOKEN_LEN; n++) {
        char c = t[n];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return n == HTTP_TOKEN_LEN;
}

bool http_token_hash(const char *token, unsigned char out[HTTP_TOKEN_HASH_BYTES])
{
    if (!token || !token_wellformed(token))
        return false;
    token_hash(token, out);
    return true;
}

int http_session_purge(struct store *s, int64_t now, struct err *e)
{
    struct store_stmt *q;

    q = store_prepare(s, "DELETE FROM http_session WHERE last_seen < ? OR created < ?", e);
    if (!q)
        return -1;
    store_bind_int64(q, 1, now - HTTP_SESSION_IDLE);
    store_bind_int64(q, 2, now - HTTP_SESSION_ABSOLUTE);
    if (store_step_done(q, e) != 0)
        return -1;
    q = store_prepare(s, "DELETE FROM http_login_failure WHERE at <= ?", e);
    if (!q)
        return -1;
    store_bind_int64(q, 1, now - HTTP_LOGIN_WINDOW);
    return store_step_done(q, e);
}

int http_session_create(struct store *s, struct arena *a, const char *login, int64_t now,
                        const char **token, struct http_session *out, struct err *e)
{
    unsigned char h[HTTP_TOKEN_HASH_BYTES];
    struct store_stmt *q;
    const char *t = http_token_new(a);

    if (http_session_purge(s, now, e) != 0)
        return -1;
    memset(out, 0, sizeof(*out));
    out->login = arena_strdup(a, login);
    out->csrf = http_token_new(a);
    out->created = out->last_seen = now;
    token_hash(t, h);
    q = store_prepare(s,
                      "INSERT INTO http_session (id_hash, login, created, last_seen, csrf) "
                      "VALUES (?, ?, ?, ?, ?)",
                      e);
    if (!q)
        return -1;
    store_bind_blob(q, 1, h, sizeof(h));
    store_bind_text(q, 2, login);
    store_bind_int64(q, 3, now);
    store_bind_int64(q, 4, now);
    store_bind_text(q, 5, out->csrf);
    if (store_step_done(q, e) != 0)
        return -1;
    *token = t;
    return 0;
}

static int delete_hash(struct store *s, const unsigned char h[HTTP_TOKEN_HASH_BYTES], struct err *e)
{
    struct store_stmt *q;

    store_end_read(s); /* the write runs on its own, not on a snapshot */
    q = store_prepare(s, "DELETE FROM http_session WHERE id_hash = ?", e);
    if (!q)
        return -1;
    store_bind_blob(q, 1, h, HTTP_TOKEN_HASH_BYTES);
    return store_step_done(q, e);
}

int http_session_find(struct store *s, struct arena *a, const char *token, int64_t now,
                      struct http_session *out, bool *expired, struct err *e)
{
    unsigned char h[HTTP_TOKEN_HASH_BYTES];
    struct store_stmt *q;
    int rc;

    *expired = false;
    memset(out, 0, sizeof(*out));
    if (!token || !token_wellformed(token))
        return 1;
    token_hash(token, h);
    q = store_prepare(s,
                      "SELECT login, created, last_seen, csrf FROM http_session "
                      "WHERE id_hash = ?",
                      e);
    if (!q)
        return -1;
    store_bind_blob(q, 1, h, sizeof(h));
    rc = store_step(q, e);
    if (rc == STORE_ROW) {
        out->login = arena_strdup(a, store_column_text(q, 0));
        out->created = store_column_int64(q, 1);
        out->last_seen = store_column_int64(q, 2);
        out->csrf = arena_strdup(a, store_column_text(q, 3));
    }
    store_finalize(q);
    if (rc < 0)
        return -1;
    if (rc != STORE_ROW)
        return 1;
    if (now - out->last_seen > HTTP_SESSION_IDLE || now - out->created > HTTP_SESSION_ABSOLUTE) {
        *expired = true;
        return delete_hash(s, h, e) != 0 ? -1 : 1;
    }
    if (now - out->last_seen >= HTTP_SESSION_TOUCH) {
        store_end_read(s); /* the write runs on its own, not on a snapshot */
        q = store_prepare(s, "UPDATE http_session SET last_seen = ? WHERE id_hash = ?", e);
        if (!q)
            return -1;
        store_bind_int64(q, 1, now);
        store_bind_blob(q, 2, h, sizeof(h));
        if (store_step_done(q, e) != 0)
            return -1;
        out->last_seen = now;
    }
    return 0;
}

int http_session_delete(struct store *s, const char *token, struct err *e)
{
    unsigned char h[HTTP_TOKEN_HASH_BYTES];

    if (!token || !token_wellformed(token))
        return 0;
    token_hash(token, h);
    return delete_hash(s, h, e);
}

int http_session_delete_login(struct store *s, const char *login, struct err *e)
{
    struct store_stmt *q = store_prepare(s, "DELETE FROM http_session WHERE login = ?", e);

    if (!q)
        return -1;
    store_bind_text(q, 1, login);
    return store_step_done(q, e);
}

/* The throttling key of a login: ASCII lower case, at most 64 bytes. */
static const char *login_key(char buf[65], const char *login)
{
    size_t i = 0;

    for (; login[i] && i < 64; i++)
        buf[i] = (login[i] >= 'A' && login[i] <= 'Z') ? (char)(login[i] - 'A' + 'a') : login[i];
    buf[i] = '\0';
    return buf;
}

/* Failures of (kind, key) in the window: count and oldest. */
static int failures(struct store *s, const char *kind, const char *key, int64_t now, int64_t *count,
                    int64_t *oldest, struct err *e)
{
    struct store_stmt *q;
    int rc;

    q = store_prepare(s,
                      "SELECT count(*), min(at) FROM http_login_failure "
                      "WHERE kind = ? AND key = ? AND at > ?",
                      e);
    if (!q)
        return -1;
    store_bind_text(q, 1, kind);
    store_bind_text(q, 2, key);
    store_bind_int64(q, 3, now - HTTP_LOGIN_WINDOW);
    rc = store_step(q, e);
    if (rc == STORE_ROW) {
        *count = store_column_int64(q, 0);
        *oldest = store_column_int64(q, 1);
    }
    store_finalize(q);
    return rc == STORE_ROW ? 0 : -1;
}

int http_login_blocked(struct store *s, const char *login, const char *client, int64_t now,
                       int64_t *retry_after, struct err *e)
{
    char buf[65];
    int64_t n = 0, oldest = 0, wait = 0;

    *retry_after = 0;
    if (failures(s, "login", login_key(buf, login), now, &n, &oldest, e) != 0)
        return -1;
    if (n >= HTTP_LOGIN_FAILURES)
        wait = oldest + HTTP_LOGIN_WINDOW - now;
    if (client) {
        if (failures(s, "ip", client, now, &n, &oldest, e) != 0)
            return -1;
        if (n >= HTTP_LOGIN_FAILURES && oldest + HTTP_LOGIN_WINDOW - now > wait)
            wait = oldest + HTTP_LOGIN_WINDOW - now;
    }
    *retry_after = wait > 0 ? wait : 0;
    return 0;
}

static int record(struct store *s, const char *kind, const char *key, int64_t now, struct err *e)
{
    struct store_stmt *q =
        store_prepare(s, "INSERT INTO http_login_failure (kind, key, at) VALUES (?, ?, ?)", e);

    if (!q)
        return -1;
    store_bind_text(q, 1, kind);
    store_bind_text(q, 2, key);
    store_bind_int64(q, 3, now);
    return store_step_done(q, e);
}

int http_login_failed(struct store *s, const char *login, const char *client, int64_t now,
                      struct err *e)
{
    char buf[65];

    if (record(s, "login", login_key(buf, login), now, e) != 0)
        return -1;
    return client ? record(s, "ip", client, now, e) : 0;
}

int http_login_succeeded(struct store *s, const char *login, struct err *e)
{
    char buf[65];
    struct store_stmt *q =
        store_prepare(s, "DELETE FROM http_login_failure WHERE kind = 'login' AND key = ?", e);

    if (!q)
        return -1;
    store_bind_text(q, 1, login_key(buf, login));
    return store_step_done(q, e);
}

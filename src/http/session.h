/*
 * session.h: agents' sessions, anti-CSRF tokens and the throttling of
 * failed sign-ins, kept in the store (migration 6) so that several server
 * processes share them and a restart signs nobody out.
 *
 * A session is a random 256-bit token in a cookie (HttpOnly, SameSite=Lax,
 * Secure and named __Host-proxima behind TLS); only its BLAKE2b-256 hash
 * is stored. It ends after HTTP_SESSION_IDLE seconds without a request or
 * HTTP_SESSION_ABSOLUTE seconds after sign-in, whichever comes first. Each
 * session has its own CSRF token, required on every request that is not a
 * GET (X-CSRF-Token header, or the _csrf field of an HTML form).
 *
 * Sign-in is refused for HTTP_LOGIN_WINDOW seconds after
 * HTTP_LOGIN_FAILURES failures for the same login or from the same client
 * address within that window (HTTP 429 with Retry-After).
 *
 * Times are seconds since the epoch, given by the caller (tests pass their
 * own clock).
 */
#ifndef PROXIMA_HTTP_SESSION_H
#define PROXIMA_HTTP_SESSION_H

#include "core/compat.h"
#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"

#define HTTP_SESSION_IDLE     (30 * 60)
#define HTTP_SESSION_ABSOLUTE (10 * 60 * 60)
#define HTTP_SESSION_TOUCH    60 /* last_seen is written at most once a minute */
#define HTTP_LOGIN_WINDOW     (15 * 60)
#define HTTP_LOGIN_FAILURES   5
#define HTTP_TOKEN_LEN        43 /* base64url characters of 32 random bytes */

/* Cookie names: with TLS (the __Host- prefix needs Secure) and without. */
#define HTTP_COOKIE_TLS   "__Host-proxima"
#define HTTP_COOKIE_PLAIN "proxima"

struct http_session {
    const char *login;
    const char *csrf; /* HTTP_TOKEN_LEN characters */
    int64_t created, last_seen;
};

/*
 * Open a session for login: *token (arena) is what the cookie carries; out
 * receives the session (its csrf token). Also purges expired sessions and
 * old failures.
 */
int http_session_create(struct store *s, struct arena *a, const char *login, int64_t now,
                        const char **token, struct http_session *out, struct err *e);

/*
 * Find the session of token. Returns 0 and fills out (last_seen refreshed
 * when older than HTTP_SESSION_TOUCH), or 1 when there is none: unknown,
 * malformed, or expired (*expired set, and the row deleted), or -1 on a
 * store error.
 */
int http_session_find(struct store *s, struct arena *a, const char *token, int64_t now,
                      struct http_session *out, bool *expired, struct err *e);

/* The size of the hash a session row is keyed by (BLAKE2b of the token). */
#define HTTP_TOKEN_HASH_BYTES 32

/*
 * The hash a session row is keyed by, for the server's memory of sessions
 * (cache.h). false for a token that is not one of ours.
 */
bool http_token_hash(const char *token, unsigned char out[HTTP_TOKEN_HASH_BYTES]);

/* End the session of token (sign-out). Unknown tokens are not an error. */
int http_session_delete(struct store *s, const char *token, struct err *e);

/* End every session of login (a disabled account). */
int http_session_delete_login(struct store *s, const char *login, struct err *e);

/* Delete expired sessions and failures older than the window. */
int http_session_purge(struct store *s, int64_t now, struct err *e);

/*
 * May login sign in from client now? *retry_after is 0 when allowed, else
 * the seconds until the oldest failure that blocks it leaves the window.
 * login is compared ignoring ASCII case; client may be NULL.
 */
int http_login_blocked(struct store *s, const char *login, const char *client, int64_t now,
                       int64_t *retry_after, struct err *e);

/* Record a failed sign-in (both for the login and for the client address). */
int http_login_failed(struct store *s, const char *login, const char *client, int64_t now,
                      struct err *e);

/* A successful sign-in clears the login's failures (not the address's). */
int http_login_succeeded(struct store *s, const char *login, struct err *e);

/* A new random token (HTTP_TOKEN_LEN base64url characters) in the arena. */
const char *http_token_new(struct arena *a);

#endif

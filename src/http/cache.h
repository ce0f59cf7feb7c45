/*
 * cache.h: what the HTTP server keeps in memory between requests, and how
 * it knows, in each request, that it is still exact.
 *
 * Two stamps are read in the request's own statement (one row, in the
 * read transaction of a read-only route): the authorisation generation
 * (migration 8: moved by triggers whenever an agent, a grant or a session
 * row changes or goes, by whichever process) and the journal's head (every
 * change of the projections appends an event in the same transaction).
 *
 *   - sessions: a session found in the store, with its agent and grants,
 *     is kept under its token's hash; it is reused only while the
 *     generation has not moved (a sign-out, a revoked grant, a deactivated
 *     agent move it), while last_seen needs no refresh and before its
 *     absolute expiry. Otherwise the store is asked, as without the cache.
 *   - dossiers: the JSON answer of GET /api/dossiers/:id for one agent is
 *     kept with what its access check needs (site, class, person); it is
 *     served only while both the journal's head and the generation are the
 *     ones it was written under. The access check and the access-log row
 *     are done again for every read.
 *
 * Both caches are bounded (a slot per hash of the key; a new entry replaces
 * the old one) and shared by the worker threads under one mutex each.
 */
#ifndef PROXIMA_HTTP_CACHE_H
#define PROXIMA_HTTP_CACHE_H

#include "core/compat.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "access/access.h"
#include "http/session.h"
#include "store/store.h"

struct http_cache;

/* The validity stamps, as read in one request. */
struct http_stamps {
    int64_t auth_gen;    /* auth_generation.gen */
    int64_t journal_seq; /* journal_head.seq, 0 for an empty journal */
};

struct http_cache *http_cache_new(void);
void http_cache_free(struct http_cache *c); /* c may be NULL */

/* Read both stamps in the current transaction (or statement). */
int http_cache_stamps(struct store *s, struct http_stamps *out, struct err *e);

/*
 * The session of token hash h, with its agent, when a copy is still exact
 * at now under st: true, and *out / *user filled with copies in a.
 */
bool http_cache_session_get(struct http_cache *c, const unsigned char h[HTTP_TOKEN_HASH_BYTES],
                            const struct http_stamps *st, int64_t now, struct arena *a,
                            struct http_session *out, struct access_user *user);

/* Remember a session just found in the store (active agent), under st. */
void http_cache_session_put(struct http_cache *c, const unsigned char h[HTTP_TOKEN_HASH_BYTES],
                            const struct http_stamps *st, const struct http_session *s,
                            const struct access_user *user);

/* What the read of a dossier needs besides its JSON. */
struct http_cached_dossier {
    const char *site_grid, *site_code, *person;
    int data_class; /* enum data_class */
    const char *json;
    size_t json_len;
};

/* The dossier id as login last got it, if written under st: copies in a. */
bool http_cache_dossier_get(struct http_cache *c, const char *id, const char *login,
                            const struct http_stamps *st, struct arena *a,
                            struct http_cached_dossier *out);

/* Remember login's answer for dossier id, written under st. */
void http_cache_dossier_put(struct http_cache *c, const char *id, const char *login,
                            const struct http_stamps *st, const struct http_cached_dossier *d);

#endif

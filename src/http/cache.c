/*
 * cache.c: sessions and dossier answers kept between requests, served only
 * while the stamps read in the request say they are still exact (cache.h).
 * Each entry is one allocation (fixed fields, then its strings one after
 * the other); a reader copies what it needs into its request's arena under
 * the cache's mutex, so that an entry replaced meanwhile is never seen half
 * written.
 */
#include "core/compat.h"
#include "http/cache.h"

#include <pthread.h>

#define SESSION_SLOTS 256  /* power of two */
#define DOSSIER_SLOTS 1024 /* power of two */
#define GRANTS_MAX    64   /* an agent with more grants is not cached */

struct session_entry {
    unsigned char h[HTTP_TOKEN_HASH_BYTES];
    int64_t gen;
    int64_t created, last_seen;
    int64_t user_id;
    bool active;
    size_t ngrants;
    /* login, csrf, name, then role, site_grid, site_code of each grant */
    char text[];
};

struct dossier_entry {
    int64_t gen, seq;
    int data_class;
    size_t json_len;
    /* id, login, site_grid, site_code, person, then the JSON (json_len bytes and a NUL) */
    char text[];
};

struct http_cache {
    pthread_mutex_t lock;
    struct session_entry *sessions[SESSION_SLOTS];
    struct dossier_entry *dossiers[DOSSIER_SLOTS];
};

struct http_cache *http_cache_new(void)
{
    struct http_cache *c = calloc(1, sizeof(*c));

    if (!c)
        die_nomem(sizeof(*c));
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

void http_cache_free(struct http_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < SESSION_SLOTS; i++)
        free(c->sessions[i]);
    for (size_t i = 0; i < DOSSIER_SLOTS; i++)
        free(c->dossiers[i]);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

int http_cache_stamps(struct store *s, struct http_stamps *out, struct err *e)
{
    struct store_stmt *q = store_prepare(s,
                                         "SELECT (SELECT gen FROM auth_generation WHERE id = 1), "
                                         "(SELECT seq FROM journal_head WHERE id = 1)",
                                         e);
    int rc;

    if (!q)
        return -1;
    rc = store_step(q, e);
    if (rc == STORE_ROW) {
        out->auth_gen = store_column_int64(q, 0);
        out->journal_seq = store_column_int64(q, 1);
    }
    store_finalize(q);
    return rc == STORE_ROW ? 0 : -1;
}

/* Copy the NUL-terminated string at *p into a, step past it. */
static const char *take(char **p, struct arena *a)
{
    size_t n = strlen(*p);
    const char *out = arena_strndup(a, *p, n);

    *p += n + 1;
    return out;
}

static char *put(char *p, const char *s)
{
    size_t n = strlen(s) + 1;

    memcpy(p, s, n);
    return p + n;
}

static size_t session_slot(const unsigned char h[HTTP_TOKEN_HASH_BYTES])
{
    return ((size_t)h[0] | (size_t)h[1] << 8) & (SESSION_SLOTS - 1);
}

bool http_cache_session_get(struct http_cache *c, const unsigned char h[HTTP_TOKEN_HASH_BYTES],
                            const struct http_stamps *st, int64_t now, struct arena *a,
                            struct http_session *out, struct access_user *user)
{
    struct session_entry *x;
    bool hit = false;

    if (!c)
        return false;
    pthread_mutex_lock(&c->lock);
    x = c->sessions[session_slot(h)];
    /* a refresh of last_seen due, or the absolute expiry: the store decides */
    if (x && !memcmp(x->h, h, HTTP_TOKEN_HASH_BYTES) && x->gen == st->auth_gen &&
        now >= x->last_seen && now - x->last_seen < HTTP_SESSION_TOUCH &&
        now - x->created <= HTTP_SESSION_ABSOLUTE) {
        char *p = x->text;

        memset(out, 0, sizeof(*out));
        memset(user, 0, sizeof(*user));
        out->created = x->created;
        out->last_seen = x->last_seen;
        out->login = take(&p, a);
        out->csrf = take(&p, a);
        user->id = x->user_id;
        user->login = out->login;
        user->name = take(&p, a);
        user->active = x->active;
        user->ngrants = x->ngrants;
        user->grants = arena_calloc(a, x->ngrants ? x->ngrants : 1, sizeof(*user->grants));
        for (size_t i = 0; i < x->ngrants; i++) {
            user->grants[i].role = take(&p, a);
            user->grants[i].site_grid = take(&p, a);
            user->grants[i].site_code = take(&p, a);
        }
        hit = true;
    }
    pthread_mutex_unlock(&c->lock);
    return hit;
}

void http_cache_session_put(struct http_cache *c, const unsigned char h[HTTP_TOKEN_HASH_BYTES],
                            const struct http_stamps *st, const struct http_session *s,
                            const struct access_user *user)
{
    size_t n = sizeof(struct session_entry);
    struct session_entry *x, *old;
    char *p;

    if (!c || user->ngrants > GRANTS_MAX)
        return;
    n += strlen(s->login) + strlen(s->csrf) + strlen(user->name) + 3;
    for (size_t i = 0; i < user->ngrants; i++)
        n += strlen(user->grants[i].role) + strlen(user->grants[i].site_grid) +
             strlen(user->grants[i].site_code) + 3;
    x = malloc(n);
    if (!x)
        die_nomem(n);
    memcpy(x->h, h, HTTP_TOKEN_HASH_BYTES);
    x->gen = st->auth_gen;
    x->created = s->created;
    x->last_seen = s->last_seen;
    x->user_id = user->id;
    x->active = user->active;
    x->ngrants = user->ngrants;
    p = put(x->text, s->login);
    p = put(p, s->csrf);
    p = put(p, user->name);
    for (size_t i = 0; i < user->ngrants; i++) {
        p = put(p, user->grants[i].role);
        p = put(p, user->grants[i].site_grid);
        p = put(p, user->grants[i].site_code);
    }
    assert((size_t)(p - (char *)x) == n);
    pthread_mutex_lock(&c->lock);
    old = c->sessions[session_slot(h)];
    c->sessions[session_slot(h)] = x;
    pthread_mutex_unlock(&c->lock);
    free(old);
}

static size_t dossier_slot(const char *id, const char *login)
{
    size_t h = 2166136261u; /* FNV-1a over id, NUL, login */

    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 16777619u;
    h *= 16777619u;
    for (const unsigned char *p = (const unsigned char *)login; *p; p++)
        h = (h ^ *p) * 16777619u;
    return (h ^ (h >> 16)) & (DOSSIER_SLOTS - 1);
}

bool http_cache_dossier_get(struct http_cache *c, const char *id, const char *login,
                            const struct http_stamps *st, struct arena *a,
                            struct http_cached_dossier *out)
{
    size_t slot;
    struct dossier_entry *x;
    bool hit = false;

    if (!c)
        return false;
    slot = dossier_slot(id, login);
    pthread_mutex_lock(&c->lock);
    x = c->dossiers[slot];
    if (x && x->seq == st->journal_seq && x->gen == st->auth_gen) {
        char *p = x->text;
        size_t nid = strlen(p);
        if (!strcmp(p, id) && !strcmp(p + nid + 1, login)) {
            p += nid + 1;
            p += strlen(p) + 1;
            out->site_grid = take(&p, a);
            out->site_code = take(&p, a);
            out->person = take(&p, a);
            out->data_class = x->data_class;
            out->json_len = x->json_len;
            out->json = arena_strndup(a, p, x->json_len);
            hit = true;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return hit;
}

void http_cache_dossier_put(struct http_cache *c, const char *id, const char *login,
                            const struct http_stamps *st, const struct http_cached_dossier *d)
{
    size_t slot, n = sizeof(struct dossier_entry);
    struct dossier_entry *x, *old;
    char *p;

    if (!c)
        return;
    n += strlen(id) + strlen(login) + strlen(d->site_grid) + strlen(d->site_code) +
         strlen(d->person) + 5 + d->json_len + 1;
    x = malloc(n);
    if (!x)
        die_nomem(n);
    x->gen = st->auth_gen;
    x->seq = st->journal_seq;
    x->data_class = d->data_class;
    x->json_len = d->json_len;
    p = put(x->text, id);
    p = put(p, login);
    p = put(p, d->site_grid);
    p = put(p, d->site_code);
    p = put(p, d->person);
    memcpy(p, d->json, d->json_len);
    p[d->json_len] = '\0';
    assert((size_t)(p + d->json_len + 1 - (char *)x) == n);
    slot = dossier_slot(id, login);
    pthread_mutex_lock(&c->lock);
    old = c->dossiers[slot];
    c->dossiers[slot] = x;
    pthread_mutex_unlock(&c->lock);
    free(old);
}

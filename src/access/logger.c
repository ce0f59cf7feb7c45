/*
 * logger.c: the access log's group commit (logger.h). One writer thread,
 * one store connection, one FIFO queue of rows under one mutex. The thread
 * takes the whole queue (at most ACCESS_LOGGER_BATCH_MAX rows), appends
 * it in one transaction, commits once, and settles every row's sink:
 * pending count down, failure recorded, waiters woken (condition variable
 * for waiting sinks, the park callback for the others). Rows queued while
 * a batch commits make the next batch: the busier the server, the more
 * rows share one fsync.
 */
#include "core/compat.h"
#include "access/logger.h"

#include <pthread.h>

#include "access/access_int.h"

/* A queued row: the row and its strings in one allocation. */
struct entry {
    struct entry *next;
    struct access_log_sink *sink;
    struct access_log_row row;
    /* filled after the batch, called outside the lock */
    void (*wake)(void *arg);
    void *wake_arg;
    char text[]; /* the row's strings, one after the other */
};

struct access_log_sink {
    struct access_logger *l;
    bool wait;
    size_t pending; /* rows queued and not yet settled */
    bool failed;    /* one of its batches failed: err holds why */
    bool orphan;    /* released by its owner: freed when pending reaches 0 */
    bool parked;    /* wake(arg) to be called when pending reaches 0 */
    void (*wake)(void *arg);
    void *wake_arg;
    struct err err;
};

struct access_logger {
    struct store *store;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t work;    /* rows queued, or stopping */
    pthread_cond_t settled; /* a batch was settled: waiting sinks look again */
    struct entry *head, *tail;
    bool stopping;
    uint64_t batches, rows;
    struct access_log_row *rows_buf[ACCESS_LOGGER_BATCH_MAX]; /* the writer's */
};

/* Append batch (n rows) in one transaction; 0 or -1 with e filled (rolled back). */
static int commit_batch(struct access_logger *l, struct entry *batch, size_t n, struct err *e)
{
    size_t k = 0;

    for (struct entry *x = batch; x; x = x->next)
        l->rows_buf[k++] = &x->row;
    assert(k == n);
    if (store_begin(l->store, e) != 0)
        return -1;
    if (access_log_append_rows_in_tx(l->store, l->rows_buf, n, e) != 0) {
        store_rollback(l->store);
        return -1;
    }
    if (store_commit(l->store, e) != 0) {
        store_rollback(l->store);
        return -1;
    }
    return 0;
}

static void *writer(void *arg)
{
    struct access_logger *l = arg;

    pthread_mutex_lock(&l->lock);
    for (;;) {
        struct entry *batch, *x, *last;
        size_t n = 0;
        struct err e;
        int rc;

        while (!l->head && !l->stopping)
            pthread_cond_wait(&l->work, &l->lock);
        if (!l->head)
            break; /* stopping, and nothing left */
        batch = last = l->head;
        for (x = batch; x && n < ACCESS_LOGGER_BATCH_MAX; x = x->next) {
            last = x;
            n++;
        }
        l->head = last->next;
        if (!l->head)
            l->tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&l->lock);

        err_clear(&e);
        rc = commit_batch(l, batch, n, &e);
        if (rc != 0)
            fprintf(stderr, "error: access log batch of %zu rows not committed: %s: %s\n", n,
                    err_code_name(e.code), e.detail);

        pthread_mutex_lock(&l->lock);
        l->batches++;
        if (rc == 0)
            l->rows += n;
        for (x = batch; x; x = x->next) {
            struct access_log_sink *k = x->sink;
            assert(k->pending > 0);
            if (rc != 0 && !k->failed) {
                k->failed = true;
                k->err = e;
            }
            if (--k->pending > 0)
                continue;
            if (k->orphan) {
                free(k);
            } else if (k->parked) {
                x->wake = k->wake;
                x->wake_arg = k->wake_arg;
                k->parked = false;
            }
        }
        pthread_cond_broadcast(&l->settled);
        pthread_mutex_unlock(&l->lock);
        /* outside the lock: a wake callback may take other locks (libmicrohttpd's) */
        for (x = batch; x; x = batch) {
            batch = x->next;
            if (x->wake)
                x->wake(x->wake_arg);
            free(x);
        }
        pthread_mutex_lock(&l->lock);
    }
    pthread_mutex_unlock(&l->lock);
    return NULL;
}

struct access_logger *access_logger_start(const char *db_path, struct err *e)
{
    struct access_logger *l = calloc(1, sizeof(*l));

    if (!l)
        die_nomem(sizeof(*l));
    l->store = store_open(db_path, e);
    if (!l->store) {
        free(l);
        return NULL;
    }
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->work, NULL);
    pthread_cond_init(&l->settled, NULL);
    if (pthread_create(&l->thread, NULL, writer, l) != 0) {
        err_set(e, ERR_INTERNAL, "impossible de démarrer le fil du journal des accès");
        pthread_cond_destroy(&l->settled);
        pthread_cond_destroy(&l->work);
        pthread_mutex_destroy(&l->lock);
        store_close(l->store);
        free(l);
        return NULL;
    }
    return l;
}

void access_logger_stop(struct access_logger *l)
{
    if (!l)
        return;
    pthread_mutex_lock(&l->lock);
    l->stopping = true;
    pthread_cond_signal(&l->work);
    pthread_mutex_unlock(&l->lock);
    pthread_join(l->thread, NULL);
    assert(!l->head);
    pthread_cond_destroy(&l->settled);
    pthread_cond_destroy(&l->work);
    pthread_mutex_destroy(&l->lock);
    store_close(l->store);
    free(l);
}

void access_logger_counts(struct access_logger *l, uint64_t *batches, uint64_t *rows)
{
    pthread_mutex_lock(&l->lock);
    *batches = l->batches;
    *rows = l->rows;
    pthread_mutex_unlock(&l->lock);
}

struct access_log_sink *access_log_sink_new(struct access_logger *l, bool wait)
{
    struct access_log_sink *k = calloc(1, sizeof(*k));

    if (!k)
        die_nomem(sizeof(*k));
    k->l = l;
    k->wait = wait;
    err_clear(&k->err);
    return k;
}

void access_log_sink_free(struct access_log_sink *k)
{
    struct access_logger *l;

    if (!k)
        return;
    l = k->l;
    pthread_mutex_lock(&l->lock);
    if (k->pending > 0) {
        k->orphan = true;
        k->parked = false;
        k = NULL;
    }
    pthread_mutex_unlock(&l->lock);
    free(k);
}

/* Copy s at *p, return the copy. */
static const char *put_text(char **p, const char *s)
{
    size_t n = strlen(s) + 1;
    char *out = *p;

    memcpy(out, s, n);
    *p += n;
    return out;
}

int access_log_sink_put(struct access_log_sink *k, const struct access_log_row *r, struct err *e)
{
    struct access_logger *l = k->l;
    const char *texts[] = {r->login,     r->action,    r->object_type,
                           r->object_id, r->person_id, r->grant_used};
    size_t n = sizeof(struct entry);
    struct entry *x;
    char *p;
    int rc = 0;

    for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
        n += strlen(texts[i]) + 1;
    x = calloc(1, n);
    if (!x)
        die_nomem(n);
    p = x->text;
    x->sink = k;
    x->row.at = r->at;
    x->row.login = put_text(&p, r->login);
    x->row.action = put_text(&p, r->action);
    x->row.object_type = put_text(&p, r->object_type);
    x->row.object_id = put_text(&p, r->object_id);
    x->row.person_id = put_text(&p, r->person_id);
    x->row.grant_used = put_text(&p, r->grant_used);

    pthread_mutex_lock(&l->lock);
    assert(!l->stopping && !k->orphan);
    k->pending++;
    if (l->tail)
        l->tail->next = x;
    else
        l->head = x;
    l->tail = x;
    pthread_cond_signal(&l->work);
    if (k->wait) {
        while (k->pending > 0)
            pthread_cond_wait(&l->settled, &l->lock);
        if (k->failed) {
            *e = k->err;
            rc = -1;
        }
    }
    pthread_mutex_unlock(&l->lock);
    return rc;
}

size_t access_log_sink_pending(struct access_log_sink *k)
{
    size_t n;

    pthread_mutex_lock(&k->l->lock);
    n = k->pending;
    pthread_mutex_unlock(&k->l->lock);
    return n;
}

int access_log_sink_park(struct access_log_sink *k, void (*wake)(void *arg), void *arg)
{
    int rc = 0;

    pthread_mutex_lock(&k->l->lock);
    assert(!k->parked);
    if (k->pending > 0) {
        k->parked = true;
        k->wake = wake;
        k->wake_arg = arg;
        rc = 1;
    }
    pthread_mutex_unlock(&k->l->lock);
    return rc;
}

void access_log_sink_wait(struct access_log_sink *k)
{
    pthread_mutex_lock(&k->l->lock);
    assert(!k->parked);
    while (k->pending > 0)
        pthread_cond_wait(&k->l->settled, &k->l->lock);
    pthread_mutex_unlock(&k->l->lock);
}

int access_log_sink_status(struct access_log_sink *k, struct err *e)
{
    int rc = 0;

    pthread_mutex_lock(&k->l->lock);
    assert(k->pending == 0);
    if (k->failed) {
        *e = k->err;
        rc = -1;
    }
    pthread_mutex_unlock(&k->l->lock);
    return rc;
}

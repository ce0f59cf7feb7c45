/*
 * test_logger.c: the access log's group commit (access/logger.h) on a real
 * SQLite file. Many threads, each with its own store connection as the
 * server's workers have, append rows through sinks at the same time: every
 * row is written once, the chain verifies, rows share commits; a deferred
 * sink is woken once its rows are durable; a batch the database refuses
 * fails every request in it, writes nothing, and the logger goes on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "access/access.h"
#include "access/logger.h"
#include "store/store.h"

#include <pthread.h>

#include "../store/tmpdir.h"

#define THREADS 8
#define ROWS    200 /* per thread */

struct fixture {
    char dir[TMPDIR_PATH_MAX];
    char path[TMPDIR_PATH_MAX + 16];
    struct store *s;
    struct access_logger *l;
    struct err e;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    tmpdir_make(f->dir);
    snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
    err_clear(&f->e);
    f->s = store_open(f->path, &f->e);
    assert_non_null(f->s);
    assert_int_equal(store_migrate(f->s, NULL, &f->e), 0);
    f->l = access_logger_start(f->path, &f->e);
    assert_non_null(f->l);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    access_logger_stop(f->l);
    store_close(f->s);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

static int64_t count_rows(struct store *s, const char *login)
{
    struct err e;
    struct store_stmt *q;
    int64_t n = -1;

    err_clear(&e);
    q = store_prepare(s, "SELECT count(*) FROM access_log WHERE login = ?", &e);
    assert_non_null(q);
    store_bind_text(q, 1, login);
    if (store_step(q, &e) == STORE_ROW)
        n = store_column_int64(q, 0);
    store_finalize(q);
    return n;
}

struct reader {
    struct fixture *f;
    int id;
    int failures;
};

/* One worker: its own connection, a waiting sink per "request" of 1 to 3 rows. */
static void *reader(void *arg)
{
    struct reader *rd = arg;
    struct err e;
    struct store *s;
    char login[32], object[32];

    err_clear(&e);
    s = store_open(rd->f->path, &e);
    if (!s) {
        rd->failures = ROWS;
        return NULL;
    }
    snprintf(login, sizeof(login), "agent.%d", rd->id);
    for (int i = 0; i < ROWS;) {
        struct access_log_sink *k = access_log_sink_new(rd->f->l, true);
        s->log_sink = k;
        for (int j = 0; j < 1 + i % 3 && i < ROWS; j++, i++) {
            struct access_target t = {.object_type = "dossier", .object_id = object};
            snprintf(object, sizeof(object), "D%07d", rd->id * 10000 + i);
            if (access_log_append(s, login, "lecture", &t, "cadre_mds@mds:calaisis", &e) != 0)
                rd->failures++;
        }
        s->log_sink = NULL;
        if (access_log_sink_pending(k) != 0)
            rd->failures++;
        access_log_sink_free(k);
    }
    store_close(s);
    return NULL;
}

static void concurrent_reads_one_row_each(void **state)
{
    struct fixture *f = *state;
    pthread_t tid[THREADS];
    struct reader rd[THREADS];
    uint64_t batches, rows;
    int64_t count, bad;

    for (int i = 0; i < THREADS; i++) {
        rd[i] = (struct reader){.f = f, .id = i};
        assert_int_equal(pthread_create(&tid[i], NULL, reader, &rd[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(tid[i], NULL);
        assert_int_equal(rd[i].failures, 0);
    }
    for (int i = 0; i < THREADS; i++) {
        char login[32];
        snprintf(login, sizeof(login), "agent.%d", i);
        assert_int_equal(count_rows(f->s, login), ROWS);
    }
    assert_int_equal(access_log_verify(f->s, &count, &bad, &f->e), 0);
    assert_int_equal(count, THREADS * ROWS);
    assert_int_equal(bad, 0);
    access_logger_counts(f->l, &batches, &rows);
    assert_int_equal(rows, THREADS * ROWS);
    assert_true(batches >= 1 && batches <= rows);
    print_message("%d rows in %llu commits\n", THREADS * ROWS, (unsigned long long)batches);
}

struct wakeup {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int calls;
};

static void woken(void *arg)
{
    struct wakeup *w = arg;

    pthread_mutex_lock(&w->lock);
    w->calls++;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

static void deferred_sink_is_woken_when_durable(void **state)
{
    struct fixture *f = *state;
    struct access_log_sink *k = access_log_sink_new(f->l, false);
    struct wakeup w = {.calls = 0};
    struct access_target t = {
        .object_type = "personne", .object_id = "P0000001", .person_id = "P0000001"};
    int parked;

    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.cond, NULL);
    f->s->log_sink = k;
    for (int i = 0; i < 50; i++)
        assert_int_equal(access_log_append(f->s, "dpo", "lecture", &t, "", &f->e), 0);
    f->s->log_sink = NULL;
    parked = access_log_sink_park(k, woken, &w);
    if (parked) {
        pthread_mutex_lock(&w.lock);
        while (w.calls == 0)
            pthread_cond_wait(&w.cond, &w.lock);
        pthread_mutex_unlock(&w.lock);
    }
    assert_int_equal(access_log_sink_pending(k), 0);
    assert_int_equal(access_log_sink_status(k, &f->e), 0);
    assert_int_equal(count_rows(f->s, "dpo"), 50);
    /* once, and only when parked */
    assert_int_equal(w.calls, parked ? 1 : 0);
    access_log_sink_free(k);

    /* inside the caller's transaction, the row is the caller's: not the sink's */
    k = access_log_sink_new(f->l, false);
    f->s->log_sink = k;
    assert_int_equal(store_begin(f->s, &f->e), 0);
    assert_int_equal(access_log_append(f->s, "dpo", "ecriture", &t, "", &f->e), 0);
    assert_int_equal(access_log_sink_pending(k), 0);
    store_rollback(f->s);
    f->s->log_sink = NULL;
    access_log_sink_free(k);
    assert_int_equal(count_rows(f->s, "dpo"), 50);
    pthread_cond_destroy(&w.cond);
    pthread_mutex_destroy(&w.lock);
}

static void failed_batch_fails_its_requests(void **state)
{
    struct fixture *f = *state;
    struct access_log_sink *k;
    struct access_target t = {.object_type = "dossier", .object_id = "D0000001"};
    int64_t count, bad;

    assert_int_equal(f->s->ops->exec(f->s,
                                     "CREATE TRIGGER refuse BEFORE INSERT ON access_log "
                                     "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
                                     &f->e),
                     0);
    /* waiting: the error comes back from access_log_append */
    k = access_log_sink_new(f->l, true);
    f->s->log_sink = k;
    assert_int_equal(access_log_append(f->s, "ts", "lecture", &t, "", &f->e), -1);
    assert_int_not_equal(f->e.code, ERR_OK);
    f->s->log_sink = NULL;
    access_log_sink_free(k);
    /* deferred: the status says it */
    err_clear(&f->e);
    k = access_log_sink_new(f->l, false);
    f->s->log_sink = k;
    assert_int_equal(access_log_append(f->s, "ts", "lecture", &t, "", &f->e), 0);
    f->s->log_sink = NULL;
    {
        struct wakeup w = {.calls = 0};
        pthread_mutex_init(&w.lock, NULL);
        pthread_cond_init(&w.cond, NULL);
        if (access_log_sink_park(k, woken, &w) == 1) {
            pthread_mutex_lock(&w.lock);
            while (w.calls == 0)
                pthread_cond_wait(&w.cond, &w.lock);
            pthread_mutex_unlock(&w.lock);
        }
        pthread_cond_destroy(&w.cond);
        pthread_mutex_destroy(&w.lock);
    }
    assert_int_equal(access_log_sink_status(k, &f->e), -1);
    access_log_sink_free(k);
    assert_int_equal(count_rows(f->s, "ts"), 0);

    /* the logger goes on once the database accepts rows again */
    err_clear(&f->e);
    assert_int_equal(f->s->ops->exec(f->s, "DROP TRIGGER refuse", &f->e), 0);
    k = access_log_sink_new(f->l, true);
    f->s->log_sink = k;
    assert_int_equal(access_log_append(f->s, "ts", "lecture", &t, "", &f->e), 0);
    f->s->log_sink = NULL;
    access_log_sink_free(k);
    assert_int_equal(count_rows(f->s, "ts"), 1);
    assert_int_equal(access_log_verify(f->s, &count, &bad, &f->e), 0);
    assert_int_equal(count, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(concurrent_reads_one_row_each, setup, teardown),
        cmocka_unit_test_setup_teardown(deferred_sink_is_woken_when_durable, setup, teardown),
        cmocka_unit_test_setup_teardown(failed_batch_fails_its_requests, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

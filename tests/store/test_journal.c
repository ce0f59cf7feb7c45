/*
 * test_journal.c: the hash-chained journal. Appends 100 events, checks the
 * chain, then plays the attacker with the raw sqlite3 API on the database
 * file (store closed) and checks that journal_verify names the first bad
 * event. Each scenario starts from a fresh database in its own directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "journal/journal.h"
#include "store/store.h"

#include <sodium.h>
#include <sqlite3.h>

#include "tmpdir.h"

#define N_EVENTS 100
#define T0       1656000000 /* 2022-06-23T16:00:00Z */

struct fx {
    char dir[TMPDIR_PATH_MAX];
    char path[TMPDIR_PATH_MAX + 64];
    struct store *s;
    struct err e;
};

static void hex(const unsigned char *h, char out[2 * JOURNAL_HASH_BYTES + 1])
{
    for (int i = 0; i < JOURNAL_HASH_BYTES; i++)
        snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* Append n events, two per transaction, checking the sequence numbers. */
static void append_events(struct store *s, int n)
{
    struct err e;

    err_clear(&e);
    for (int i = 1; i <= n; i += 2) {
        assert_int_equal(store_begin(s, &e), 0);
        for (int k = i; k <= n && k < i + 2; k++) {
            char subject[32], payload[96];
            struct journal_event ev = {
                .recorded_at = T0 + k,
                .type = "test.event",
                .actor = "system",
                .subject = subject,
                .reason = k % 3 ? "" : "contrôle",
                .payload = payload,
            };
            snprintf(subject, sizeof(subject), "dossier-%d", k);
            snprintf(payload, sizeof(payload), "{\"i\":%d,\"commune\":\"Béthune\"}", k);
            if (journal_append(s, &ev, NULL, &e) != 0)
                fail_msg("append %d: %s", k, e.message);
            assert_int_equal(ev.seq, k);
        }
        assert_int_equal(store_commit(s, &e), 0);
    }
}

static int setup_empty(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    tmpdir_make(f->dir);
    snprintf(f->path, sizeof(f->path), "%s/proxima.db", f->dir);
    err_clear(&f->e);
    f->s = store_open(f->path, &f->e);
    assert_non_null(f->s);
    assert_int_equal(store_migrate(f->s, NULL, &f->e), 0);
    *state = f;
    return 0;
}

static int setup_full(void **state)
{
    struct fx *f;

    setup_empty(state);
    f = *state;
    append_events(f->s, N_EVENTS);
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    store_close(f->s);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

/*
 * Play the attacker: close the store, run sql on the file with the raw
 * sqlite3 API, reopen the store.
 */
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

/* journal_verify must fail at first_bad with a message naming it. */
static void expect_tampered(struct fx *f, int64_t first_bad, const char *in_detail)
{
    struct journal_verify_result res = {0};
    char expected[64];

    err_clear(&f->e);
    assert_int_equal(journal_verify(f->s, &res, &f->e), -1);
    assert_int_equal(f->e.code, ERR_TAMPERED);
    assert_int_equal(res.first_bad, first_bad);
    snprintf(expected, sizeof(expected), "journal altéré à l'événement n° %lld",
             (long long)first_bad);
    assert_string_equal(f->e.message, expected);
    if (!strstr(f->e.detail, in_detail))
        fail_msg("detail « %s » lacks « %s »", f->e.detail, in_detail);
}

static void expect_intact(struct fx *f, int64_t events)
{
    struct journal_verify_result res = {0};

    err_clear(&f->e);
    if (journal_verify(f->s, &res, &f->e) != 0)
        fail_msg("verify: %s (%s)", f->e.message, f->e.detail);
    assert_int_equal(res.events, events);
    assert_int_equal(res.first_bad, 0);
}

/* The encoding of journal.h, checked against a BLAKE2b computed elsewhere (Python hashlib). */
static void test_hash_known_vector(void **state)
{
    static const unsigned char zero[JOURNAL_HASH_BYTES];
    unsigned char h1[JOURNAL_HASH_BYTES], h2[JOURNAL_HASH_BYTES];
    char x[2 * JOURNAL_HASH_BYTES + 1];
    struct journal_event ev1 = {
        1, T0, "test.event", "system", "dossier-1", "", "{\"nom\":\"Béthune\"}", 0};
    struct journal_event ev2 = {
        2, -1, "dossier.ouvert", "agent.dupont", NULL, "motif : « urgence »", "{}", 0};

    journal_hash(zero, &ev1, h1);
    hex(h1, x);
    assert_string_equal(x, "6a6218254679ef6d5e5a8776e2a620309a6d7371b0daf3b93d7ccfc0322b349d");
    journal_hash(h1, &ev2, h2);
    hex(h2, x);
    assert_string_equal(x, "7b7581a6da2a832fd2a90847ab561fe8616b82c49dc14c88397822be24a15b44");
}

/* BLAKE2b of the encoding written out in full here, as journal.h describes it. */
static void reference_hash(const unsigned char prev[JOURNAL_HASH_BYTES],
                           const struct journal_event *ev, size_t plen,
                           unsigned char out[JOURNAL_HASH_BYTES])
{
    const char *texts[] = {ev->type, ev->actor, ev->subject, ev->reason, ev->payload};
    size_t lens[] = {strlen(ev->type), strlen(ev->actor), strlen(ev->subject), strlen(ev->reason),
                     plen};
    int64_t ints[] = {ev->seq, ev->recorded_at};
    size_t n = JOURNAL_HASH_BYTES + 2 * 16 + 5 * 8 + lens[0] + lens[1] + lens[2] + lens[3] + plen;
    unsigned char *buf = malloc(n), *p = buf;

    assert_non_null(buf);
    memcpy(p, prev, JOURNAL_HASH_BYTES);
    p += JOURNAL_HASH_BYTES;
    for (int i = 0; i < 2 + 5; i++) {
        uint64_t len = i < 2 ? 8 : lens[i - 2];
        for (int b = 7; b >= 0; b--)
            *p++ = (unsigned char)(len >> (8 * b));
        if (i < 2) {
            for (int b = 7; b >= 0; b--)
                *p++ = (unsigned char)((uint64_t)ints[i] >> (8 * b));
        } else {
            memcpy(p, texts[i - 2], lens[i - 2]);
            p += lens[i - 2];
        }
    }
    assert_int_equal((size_t)(p - buf), n);
    assert_int_equal(crypto_generichash(out, JOURNAL_HASH_BYTES, buf, n, NULL, 0), 0);
    free(buf);
}

/*
 * The chain gathers the encoded fields before hashing them: payloads of
 * every size around its buffer's (1 KiB) give the hash of the encoding
 * hashed in one piece, and a payload given with its length (no NUL after
 * it) the same hash as the same text NUL-terminated.
 */
static void test_hash_any_payload_size(void **state)
{
    static const size_t sizes[] = {0,    1,    2,    200,  900,  950,  960,  970,
                                   1000, 1023, 1024, 1025, 2047, 2048, 2100, 10000};
    unsigned char prev[JOURNAL_HASH_BYTES], got[JOURNAL_HASH_BYTES], want[JOURNAL_HASH_BYTES];
    char *text = malloc(10001), *unterminated = malloc(10001);

    (void)state;
    assert_non_null(text);
    assert_non_null(unterminated);
    for (size_t i = 0; i < sizeof(prev); i++)
        prev[i] = (unsigned char)(i * 7);
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        size_t n = sizes[k];
        struct journal_event ev = {42,   T0, "dossier.opened", "agent.dupont", "D0000001", "",
                                   text, 0};
        for (size_t i = 0; i < n; i++)
            text[i] = (char)('a' + (i * 13 + k) % 26);
        text[n] = '\0';
        reference_hash(prev, &ev, n, want);
        journal_hash(prev, &ev, got);
        assert_memory_equal(got, want, JOURNAL_HASH_BYTES);
        /* the same text with its length, followed by other bytes */
        memcpy(unterminated, text, n);
        unterminated[n] = 'x';
        ev.payload = unterminated;
        ev.payload_len = n;
        if (n > 0) {
            journal_hash(prev, &ev, got);
            assert_memory_equal(got, want, JOURNAL_HASH_BYTES);
        }
    }
    free(text);
    free(unterminated);
}

static void test_empty_journal_is_intact(void **state)
{
    expect_intact(*state, 0);
}

static void test_append_and_verify(void **state)
{
    struct fx *f = *state;
    unsigned char head[JOURNAL_HASH_BYTES];
    struct store_stmt *st;
    size_t n;
    const void *h;
    struct journal_event ev = {.type = "test.clock", .actor = "system", .payload = "{}"};

    expect_intact(f, N_EVENTS);

    /* recorded_at from the clock, subject and reason default to "", hash_out is the head */
    assert_int_equal(store_begin(f->s, &f->e), 0);
    assert_int_equal(journal_append(f->s, &ev, head, &f->e), 0);
    assert_int_equal(store_commit(f->s, &f->e), 0);
    assert_int_equal(ev.seq, N_EVENTS + 1);
    assert_true(ev.recorded_at > T0);
    st = store_prepare(f->s, "SELECT seq, hash FROM journal_head WHERE id = 1", &f->e);
    assert_int_equal(store_step(st, &f->e), STORE_ROW);
    assert_int_equal(store_column_int64(st, 0), N_EVENTS + 1);
    h = store_column_blob(st, 1, &n);
    assert_int_equal(n, JOURNAL_HASH_BYTES);
    assert_memory_equal(h, head, JOURNAL_HASH_BYTES);
    store_finalize(st);
    expect_intact(f, N_EVENTS + 1);

    /* a rolled-back append leaves neither event nor head behind */
    ev = (struct journal_event){.type = "test.lost", .actor = "system", .payload = "{}"};
    assert_int_equal(store_begin(f->s, &f->e), 0);
    assert_int_equal(journal_append(f->s, &ev, NULL, &f->e), 0);
    store_rollback(f->s);
    expect_intact(f, N_EVENTS + 1);
}

static void test_append_refused(void **state)
{
    struct fx *f = *state;
    struct journal_event ev = {.type = "test.event", .actor = "system", .payload = "{}"};

    err_clear(&f->e);
    assert_int_equal(journal_append(f->s, &ev, NULL, &f->e), -1);
    assert_int_equal(f->e.code, ERR_INTERNAL);

    assert_int_equal(store_begin(f->s, &f->e), 0);
    ev.type = "";
    assert_int_equal(journal_append(f->s, &ev, NULL, &f->e), -1);
    assert_int_equal(f->e.code, ERR_INVALID);
    ev.type = "test.event";
    ev.actor = NULL;
    assert_int_equal(journal_append(f->s, &ev, NULL, &f->e), -1);
    assert_int_equal(f->e.code, ERR_INVALID);
    ev.actor = "system";
    ev.payload = NULL;
    assert_int_equal(journal_append(f->s, &ev, NULL, &f->e), -1);
    assert_int_equal(f->e.code, ERR_INVALID);
    store_rollback(f->s);
    expect_intact(f, N_EVENTS);
}

struct collect {
    int64_t count, last_seq, stop_at;
};

static int collect(const struct journal_event *ev, void *ctx)
{
    struct collect *c = ctx;

    assert_int_equal(ev->seq, c->last_seq + 1);
    assert_string_equal(ev->type, "test.event");
    assert_non_null(strstr(ev->payload, "Béthune"));
    c->count++;
    c->last_seq = ev->seq;
    return ev->seq == c->stop_at ? 7 : 0;
}

static void test_foreach(void **state)
{
    struct fx *f = *state;
    struct collect c = {0, 90, 0};

    assert_int_equal(journal_foreach(f->s, 90, collect, &c, &f->e), 0);
    assert_int_equal(c.count, 10);
    assert_int_equal(c.last_seq, N_EVENTS);

    c = (struct collect){0, 0, 5};
    assert_int_equal(journal_foreach(f->s, 0, collect, &c, &f->e), 7);
    assert_int_equal(c.count, 5);
}

static void test_sql_update_delete_refused(void **state)
{
    struct fx *f = *state;
    struct store_stmt *st;
    sqlite3 *db;

    /* through the store */
    st = store_prepare(f->s, "UPDATE journal SET payload = ? WHERE seq = ?", &f->e);
    assert_non_null(st);
    store_bind_text(st, 1, "{\"i\":0}");
    store_bind_int64(st, 2, 42);
    err_clear(&f->e);
    assert_int_equal(store_step_done(st, &f->e), -1);
    assert_int_equal(f->e.code, ERR_CONFLICT);
    assert_non_null(strstr(f->e.detail, "append-only"));
    st = store_prepare(f->s, "DELETE FROM journal WHERE seq = ?", &f->e);
    store_bind_int64(st, 1, 50);
    err_clear(&f->e);
    assert_int_equal(store_step_done(st, &f->e), -1);
    assert_int_equal(f->e.code, ERR_CONFLICT);

    /* and through a raw connection that leaves the triggers in place */
    store_close(f->s);
    f->s = NULL;
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    assert_int_not_equal(
        sqlite3_exec(db, "UPDATE journal SET payload = '{}' WHERE seq = 42", NULL, NULL, NULL),
        SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM journal WHERE seq = 50", NULL, NULL, NULL),
                         SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM journal", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    f->s = store_open(f->path, &f->e);
    assert_non_null(f->s);
    expect_intact(f, N_EVENTS);
}

static void test_altered_payload(void **state)
{
    tamper(*state,
           "DROP TRIGGER journal_no_update;"
           "UPDATE journal SET payload = '{\"i\":42,\"commune\":\"Arras\"}' WHERE seq = 42");
    expect_tampered(*state, 42, "ne correspond pas au contenu");
}

static void test_altered_date(void **state)
{
    tamper(*state, "DROP TRIGGER journal_no_update;"
                   "UPDATE journal SET recorded_at = recorded_at - 86400 WHERE seq = 7");
    expect_tampered(*state, 7, "ne correspond pas au contenu");
}

static void test_deleted_in_the_middle(void **state)
{
    tamper(*state, "DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = 50");
    expect_tampered(*state, 50, "l'événement n° 50 manque");
}

static void test_swapped_events(void **state)
{
    tamper(*state, "DROP TRIGGER journal_no_update;"
                   "CREATE TEMP TABLE copy AS SELECT * FROM journal WHERE seq IN (30, 31);"
                   "UPDATE journal SET (recorded_at, type, actor, subject, reason, payload, hash) ="
                   " (SELECT recorded_at, type, actor, subject, reason, payload, hash"
                   "  FROM copy WHERE copy.seq = 61 - journal.seq)"
                   " WHERE seq IN (30, 31)");
    expect_tampered(*state, 30, "ne correspond pas au contenu");
}

static void test_renumbered_after_delete(void **state)
{
    /* removing 60 and renumbering the rest hides the gap but not the hashes */
    tamper(*state, "DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete;"
                   "DELETE FROM journal WHERE seq = 60;"
                   "UPDATE journal SET seq = -(seq - 1) WHERE seq > 60;"
                   "UPDATE journal SET seq = -seq WHERE seq < 0;"
                   "UPDATE journal_head SET seq = seq - 1");
    expect_tampered(*state, 60, "ne correspond pas au contenu");
}

static void test_deleted_last(void **state)
{
    tamper(*state, "DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = 100");
    expect_tampered(*state, 100, "fin de journal");
}

static void test_deleted_everything(void **state)
{
    tamper(*state, "DROP TRIGGER journal_no_delete; DELETE FROM journal");
    expect_tampered(*state, 1, "fin de journal");
}

static void test_head_altered(void **state)
{
    tamper(*state, "UPDATE journal_head SET hash = zeroblob(32)");
    expect_tampered(*state, 100, "tête");
}

static void test_head_removed(void **state)
{
    tamper(*state, "DELETE FROM journal_head");
    expect_tampered(*state, 1, "tête du journal a disparu");
}

static void test_event_added_behind_the_head(void **state)
{
    /* a forger who knows the chain inserts a well-hashed event but leaves the head */
    struct fx *f = *state;
    unsigned char prev[JOURNAL_HASH_BYTES], hash[JOURNAL_HASH_BYTES];
    struct journal_event ev = {N_EVENTS + 1, T0, "test.forged", "system", "", "", "{}", 0};
    struct store_stmt *st;
    const void *h;
    size_t n;

    st = store_prepare(f->s, "SELECT hash FROM journal WHERE seq = ?", &f->e);
    store_bind_int64(st, 1, N_EVENTS);
    assert_int_equal(store_step(st, &f->e), STORE_ROW);
    h = store_column_blob(st, 0, &n);
    assert_int_equal(n, JOURNAL_HASH_BYTES);
    memcpy(prev, h, n);
    store_finalize(st);
    journal_hash(prev, &ev, hash);
    st = store_prepare(f->s,
                       "INSERT INTO journal (seq, recorded_at, type, actor, payload, hash) "
                       "VALUES (?, ?, ?, ?, ?, ?)",
                       &f->e);
    store_bind_int64(st, 1, ev.seq);
    store_bind_int64(st, 2, ev.recorded_at);
    store_bind_text(st, 3, ev.type);
    store_bind_text(st, 4, ev.actor);
    store_bind_text(st, 5, ev.payload);
    store_bind_blob(st, 6, hash, sizeof(hash));
    assert_int_equal(store_step_done(st, &f->e), 0);
    expect_tampered(f, N_EVENTS + 1, "ajoutés hors de proxima");
}

static void test_copied_event_added(void **state)
{
    tamper(*state, "INSERT INTO journal SELECT 101, recorded_at, type, actor, subject, reason,"
                   " payload, hash FROM journal WHERE seq = 100");
    expect_tampered(*state, 101, "ne correspond pas au contenu");
}

/*
 * An import defers the head row: the store refuses to commit until it is
 * flushed, a rollback forgets it, and once flushed the chain verifies.
 */
static void test_deferred_head(void **state)
{
    struct fx *f = *state;
    struct journal_verify_result res;
    int64_t next = 0;

    err_clear(&f->e);
    assert_int_equal(store_begin(f->s, &f->e), 0);
    journal_defer_head(f->s);
    for (int k = 1; k <= 3; k++) {
        struct journal_event ev = {
            .recorded_at = T0 + k, .type = "test.event", .actor = "system", .payload = "{}"};
        assert_int_equal(journal_append(f->s, &ev, NULL, &f->e), 0);
        assert_int_equal(ev.seq, N_EVENTS + k);
    }
    assert_int_equal(journal_next_seq(f->s, &next, &f->e), 0);
    assert_int_equal(next, N_EVENTS + 4);
    assert_int_equal(store_commit(f->s, &f->e), -1);
    assert_int_equal(f->e.code, ERR_INTERNAL);
    /* rolled back: nothing written, nothing pending */
    store_rollback(f->s);
    err_clear(&f->e);
    assert_int_equal(journal_verify(f->s, &res, &f->e), 0);
    assert_int_equal(res.events, N_EVENTS);

    assert_int_equal(store_begin(f->s, &f->e), 0);
    journal_defer_head(f->s);
    for (int k = 1; k <= 3; k++) {
        struct journal_event ev = {
            .recorded_at = T0 + k, .type = "test.event", .actor = "system", .payload = "{}"};
        assert_int_equal(journal_append(f->s, &ev, NULL, &f->e), 0);
    }
    assert_int_equal(journal_flush_head(f->s, &f->e), 0);
    assert_int_equal(store_commit(f->s, &f->e), 0);
    assert_int_equal(journal_verify(f->s, &res, &f->e), 0);
    assert_int_equal(res.events, N_EVENTS + 3);
    /* the next transaction appends after the flushed head, written per event again */
    assert_int_equal(store_begin(f->s, &f->e), 0);
    {
        struct journal_event ev = {
            .recorded_at = T0, .type = "test.event", .actor = "system", .payload = "{}"};
        assert_int_equal(journal_append(f->s, &ev, NULL, &f->e), 0);
        assert_int_equal(ev.seq, N_EVENTS + 4);
    }
    assert_int_equal(store_commit(f->s, &f->e), 0);
    assert_int_equal(journal_verify(f->s, &res, &f->e), 0);
    assert_int_equal(res.events, N_EVENTS + 4);
}

/* Append two events in one transaction with the head deferred, as an import does. */
static int append_deferred(struct fx *f, int64_t *first, int64_t *second)
{
    struct journal_event a = {
        .recorded_at = T0, .type = "test.event", .actor = "system", .payload = "{\"x\":1}"};
    struct journal_event b = {.recorded_at = T0,
                              .type = "test.event",
                              .actor = "system",
                              .payload = "{\"x\":2}garbage",
                              .payload_len = 7};
    int rc = -1;

    err_clear(&f->e);
    assert_int_equal(store_begin(f->s, &f->e), 0);
    journal_defer_head(f->s);
    if (journal_append(f->s, &a, NULL, &f->e) == 0 && journal_append(f->s, &b, NULL, &f->e) == 0 &&
        journal_flush_head(f->s, &f->e) == 0 && store_commit(f->s, &f->e) == 0)
        rc = 0;
    else
        store_rollback(f->s);
    *first = a.seq;
    *second = b.seq;
    return rc;
}

/*
 * Deferred appends insert at the end of the table without naming the seq
 * (cheaper) only when the last row is the head's: a journal whose last row
 * was deleted gets the seq after its head, as every append does, and stays
 * altered there; one with a row behind its head refuses the duplicate seq.
 */
static void test_deferred_append_after_altered_end(void **state)
{
    struct fx *f = *state;
    struct store_stmt *st;
    int64_t a, b;

    /* the intact journal first: appended after the head, payload as given */
    assert_int_equal(append_deferred(f, &a, &b), 0);
    assert_int_equal(a, N_EVENTS + 1);
    assert_int_equal(b, N_EVENTS + 2);
    expect_intact(f, N_EVENTS + 2);
    st = store_prepare(f->s, "SELECT payload FROM journal WHERE seq = ?", &f->e);
    store_bind_int64(st, 1, b);
    assert_int_equal(store_step(st, &f->e), STORE_ROW);
    assert_string_equal(store_column_text(st, 0), "{\"x\":2}");
    store_finalize(st);

    tamper(f, "DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = 102");
    assert_int_equal(append_deferred(f, &a, &b), 0);
    assert_int_equal(a, N_EVENTS + 3);
    assert_int_equal(b, N_EVENTS + 4);
    expect_tampered(f, N_EVENTS + 2, "manque");

    tamper(f, "INSERT INTO journal SELECT 105, recorded_at, type, actor, subject, reason,"
              " payload, hash FROM journal WHERE seq = 104");
    assert_int_equal(append_deferred(f, &a, &b), -1);
    assert_int_equal(f->e.code, ERR_CONFLICT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_known_vector),
        cmocka_unit_test(test_hash_any_payload_size),
        cmocka_unit_test_setup_teardown(test_deferred_append_after_altered_end, setup_full,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_empty_journal_is_intact, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_append_and_verify, setup_full, teardown),
        cmocka_unit_test_setup_teardown(test_append_refused, setup_full, teardown),
        cmocka_unit_test_setup_teardown(test_deferred_head, setup_full, teardown),
        cmocka_unit_test_setup_teardown(test_foreach, setup_full, teardown),
        cmocka_unit_test_setup_teardown(test_sql_update_delete_refused, setup_full, teardown),
        cmocka_unit_test_setup_teardown(test_altered_payload, setup_full, teardown),
        cmocka_unit_test_setup_teardown(test_altered_date, setup_full, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_in_the_middle, setup_full, teardown),
        cmocka_unit_test_setup_teardown(test_swapped_events, setup_full, teardown),
        cmocka_unit_test_setup_teardown(test_renumbered_after_delete, setup_full, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_last, setup_full, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_everything, setup_full, teardown),
        cmocka_unit_test_setup_teardown(test_head_altered, setup_full, teardown),
        cmocka_unit_test_setup_teardown(test_head_removed, setup_full, teardown),
        cmocka_unit_test_setup_teardown(test_event_added_behind_the_head, setup_full, teardown),
        cmocka_unit_test_setup_teardown(test_copied_event_added, setup_full, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

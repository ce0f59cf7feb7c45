/*
 * test_store.c: the storage interface on the SQLite backend: opening,
 * migrations, statement round trips, transactions, error mapping and the
 * prepared-statement cache. Each test works in its own temporary directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "store/store.h"

#include <sqlite3.h>

#include "tmpdir.h"

struct fx {
    char dir[TMPDIR_PATH_MAX];
    char path[TMPDIR_PATH_MAX + 64];
    struct store *s;
    struct err e;
};

static int latest_version(void)
{
    return store_migrations[store_migrations_count - 1].version;
}

/* A store on a file in a directory that does not exist yet. */
static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    tmpdir_make(f->dir);
    snprintf(f->path, sizeof(f->path), "%s/sous/dossier/proxima.db", f->dir);
    err_clear(&f->e);
    f->s = store_open(f->path, &f->e);
    assert_non_null(f->s);
    *state = f;
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

/* Run SQL without parameters, asserting success. */
static void exec_ok(struct store *s, const char *sql)
{
    struct err e;

    err_clear(&e);
    if (s->ops->exec(s, sql, &e) != 0)
        fail_msg("exec failed: %s (%s)", e.message, e.detail);
}

static int64_t count_rows(struct store *s, const char *sql)
{
    struct err e;
    struct store_stmt *st = store_prepare(s, sql, &e);
    int64_t n;

    assert_non_null(st);
    assert_int_equal(store_step(st, &e), STORE_ROW);
    n = store_column_int64(st, 0);
    store_finalize(st);
    return n;
}

static void test_postgresql_not_yet(void **state)
{
    struct err e;

    err_clear(&e);
    assert_null(store_open("postgresql://proxima@localhost/cd62", &e));
    assert_int_equal(e.code, ERR_INVALID);
    assert_non_null(strstr(e.message, "pas encore disponible"));
    assert_true(e.hint[0] != '\0');
    err_clear(&e);
    assert_null(store_open("", &e));
    assert_int_equal(e.code, ERR_USAGE);
}

static void test_open_creates_directory_and_sets_pragmas(void **state)
{
    struct fx *f = *state;
    struct store_stmt *st;
    struct stat sb;

    assert_int_equal(stat(f->path, &sb), 0);
    assert_string_equal(f->s->ops->name, "sqlite");
    assert_string_equal(f->s->location, f->path);
    assert_false(f->s->in_tx);

    st = store_prepare(f->s, "PRAGMA journal_mode", &f->e);
    assert_non_null(st);
    assert_int_equal(store_step(st, &f->e), STORE_ROW);
    assert_string_equal(store_column_text(st, 0), "wal");
    store_finalize(st);
    assert_int_equal(count_rows(f->s, "PRAGMA foreign_keys"), 1);
    assert_int_equal(count_rows(f->s, "PRAGMA synchronous"), 2); /* FULL */
    assert_int_equal(count_rows(f->s, "PRAGMA busy_timeout"), 5000);
}

static void test_not_a_database_refused(void **state)
{
    struct fx *f = *state;
    char path[TMPDIR_PATH_MAX + 64];
    struct err e;
    FILE *fp;

    snprintf(path, sizeof(path), "%s/pas-une-base.db", f->dir);
    fp = fopen(path, "wb");
    assert_non_null(fp);
    for (int i = 0; i < 200; i++)
        fputs("ceci n'est pas une base SQLite\n", fp);
    fclose(fp);
    err_clear(&e);
    assert_null(store_open(path, &e));
    assert_int_equal(e.code, ERR_DB);
    assert_non_null(strstr(e.detail, "SQLite"));
}

static void test_migrate_then_noop(void **state)
{
    struct fx *f = *state;
    struct store_stmt *st;
    int version = -1, applied = -1;
    size_t i = 0;

    assert_int_equal(store_schema_version(f->s, &version, &f->e), 0);
    assert_int_equal(version, 0);

    assert_int_equal(store_migrate(f->s, &applied, &f->e), 0);
    assert_int_equal(applied, (int)store_migrations_count);
    assert_int_equal(store_schema_version(f->s, &version, &f->e), 0);
    assert_int_equal(version, latest_version());
    assert_false(f->s->in_tx);

    /* again: nothing to do */
    assert_int_equal(store_migrate(f->s, &applied, &f->e), 0);
    assert_int_equal(applied, 0);
    assert_int_equal(store_migrate(f->s, NULL, &f->e), 0);

    /* recorded in order, with their names and a date */
    st = store_prepare(
        f->s, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version", &f->e);
    assert_non_null(st);
    while (store_step(st, &f->e) == STORE_ROW) {
        assert_true(i < store_migrations_count);
        assert_int_equal(store_column_int64(st, 0), store_migrations[i].version);
        assert_string_equal(store_column_text(st, 1), store_migrations[i].name);
        assert_int_equal(strlen(store_column_text(st, 2)), 20); /* 2024-01-31T12:00:00Z */
        i++;
    }
    store_finalize(st);
    assert_int_equal(i, store_migrations_count);
    /* migration 1 is there */
    assert_int_equal(count_rows(f->s, "SELECT count(*) FROM journal"), 0);

    /* a second connection sees the same version and has nothing to do */
    struct err e;
    struct store *other = store_open(f->path, &e);
    assert_non_null(other);
    assert_int_equal(store_migrate(other, &applied, &e), 0);
    assert_int_equal(applied, 0);
    store_close(other);
}

static void test_newer_database_refused(void **state)
{
    struct fx *f = *state;
    struct store_stmt *st;
    int version, applied = -1;

    assert_int_equal(store_migrate(f->s, NULL, &f->e), 0);
    assert_int_equal(store_begin(f->s, &f->e), 0);
    st = store_prepare(
        f->s, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", &f->e);
    assert_non_null(st);
    store_bind_int64(st, 1, latest_version() + 1);
    store_bind_text(st, 2, "future");
    store_bind_text(st, 3, "2099-01-01T00:00:00Z");
    assert_int_equal(store_step_done(st, &f->e), 0);
    assert_int_equal(store_commit(f->s, &f->e), 0);

    assert_int_equal(store_schema_version(f->s, &version, &f->e), 0);
    assert_int_equal(version, latest_version() + 1);
    err_clear(&f->e);
    assert_int_equal(store_migrate(f->s, &applied, &f->e), -1);
    assert_int_equal(f->e.code, ERR_CONFLICT);
    assert_non_null(strstr(f->e.message, "plus récente"));
    assert_int_equal(applied, 0);
    assert_false(f->s->in_tx);
}

static void test_migrate_refused_inside_transaction(void **state)
{
    struct fx *f = *state;

    assert_int_equal(store_begin(f->s, &f->e), 0);
    assert_int_equal(store_migrate(f->s, NULL, &f->e), -1);
    assert_int_equal(f->e.code, ERR_INTERNAL);
    store_rollback(f->s);
    assert_int_equal(store_migrate(f->s, NULL, &f->e), 0);
}

static void test_round_trips(void **state)
{
    struct fx *f = *state;
    static const char utf8[] = "Liévin, Hénin-Beaumont : « œuvre » 🙂";
    static const unsigned char blob[] = {0x00, 0xff, 0x00, 0x62, 0x80, 0x00};
    struct store_stmt *st;
    const void *p;
    size_t n;

    exec_ok(f->s, "CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, s TEXT, b BLOB)");
    st = store_prepare(f->s, "INSERT INTO t (id, i, s, b) VALUES (?, ?, ?, ?)", &f->e);
    assert_non_null(st);
    store_bind_int64(st, 1, 1);
    store_bind_int64(st, 2, INT64_MIN);
    store_bind_text(st, 3, utf8);
    store_bind_blob(st, 4, blob, sizeof(blob));
    assert_int_equal(store_step_done(st, &f->e), 0);
    assert_int_equal(f->s->ops->last_insert_id(f->s), 1);
    assert_int_equal(f->s->ops->changes(f->s), 1);

    /* NULLs in every form, and empty but not NULL values */
    st = store_prepare(f->s, "INSERT INTO t (id, i, s, b) VALUES (?, ?, ?, ?)", &f->e);
    assert_non_null(st);
    store_bind_int64(st, 1, 2);
    store_bind_null(st, 2);
    store_bind_text(st, 3, NULL);
    store_bind_textn(st, 4, NULL, 0);
    assert_int_equal(store_step_done(st, &f->e), 0);

    st = store_prepare(f->s, "INSERT INTO t (id, i, s, b) VALUES (?, ?, ?, ?)", &f->e);
    assert_non_null(st);
    store_bind_int64(st, 1, 3);
    store_bind_int64(st, 2, INT64_MAX);
    store_bind_textn(st, 3, "Arras-Lens", 5); /* only "Arras" */
    store_bind_blob(st, 4, NULL, 0);          /* empty, not NULL */
    assert_int_equal(store_step_done(st, &f->e), 0);

    st = store_prepare(f->s, "SELECT i, s, b FROM t WHERE id = ?", &f->e);
    assert_non_null(st);
    store_bind_int64(st, 1, 1);
    assert_int_equal(store_step(st, &f->e), STORE_ROW);
    assert_true(store_column_int64(st, 0) == INT64_MIN);
    assert_string_equal(store_column_text(st, 1), utf8);
    p = store_column_blob(st, 2, &n);
    assert_int_equal(n, sizeof(blob));
    assert_memory_equal(p, blob, sizeof(blob));
    assert_false(store_column_is_null(st, 0));
    assert_false(store_column_is_null(st, 2));
    assert_int_equal(store_step(st, &f->e), STORE_DONE);
    store_finalize(st);

    st = store_prepare(f->s, "SELECT i, s, b FROM t WHERE id = ?", &f->e);
    store_bind_int64(st, 1, 2);
    assert_int_equal(store_step(st, &f->e), STORE_ROW);
    assert_true(store_column_is_null(st, 0));
    assert_true(store_column_is_null(st, 1));
    assert_true(store_column_is_null(st, 2));
    assert_string_equal(store_column_text(st, 1), "");
    assert_int_equal(store_column_int64(st, 0), 0);
    store_finalize(st);

    st = store_prepare(f->s, "SELECT i, s, b, typeof(b) FROM t WHERE id = ?", &f->e);
    store_bind_int64(st, 1, 3);
    assert_int_equal(store_step(st, &f->e), STORE_ROW);
    assert_true(store_column_int64(st, 0) == INT64_MAX);
    assert_string_equal(store_column_text(st, 1), "Arras");
    assert_false(store_column_is_null(st, 2));
    store_column_blob(st, 2, &n);
    assert_int_equal(n, 0);
    assert_string_equal(store_column_text(st, 3), "blob");
    store_finalize(st);

    /* changes() after a multi-row update */
    st = store_prepare(f->s, "UPDATE t SET i = 0 WHERE id >= ?", &f->e);
    store_bind_int64(st, 1, 2);
    assert_int_equal(store_step_done(st, &f->e), 0);
    assert_int_equal(f->s->ops->changes(f->s), 2);
    store_finalize(NULL); /* harmless */
}

static void insert_value(struct store *s, int64_t v)
{
    struct err e;
    struct store_stmt *st = store_prepare(s, "INSERT INTO u (v) VALUES (?)", &e);

    assert_non_null(st);
    store_bind_int64(st, 1, v);
    if (store_step_done(st, &e) != 0)
        fail_msg("insert failed: %s", e.message);
}

static void test_rollback_leaves_nothing(void **state)
{
    struct fx *f = *state;

    exec_ok(f->s, "CREATE TABLE u (v INTEGER NOT NULL)");
    /* safe without a transaction */
    store_rollback(f->s);
    assert_false(f->s->in_tx);

    assert_int_equal(store_begin(f->s, &f->e), 0);
    assert_true(f->s->in_tx);
    for (int i = 0; i < 10; i++)
        insert_value(f->s, i);
    store_rollback(f->s);
    assert_false(f->s->in_tx);
    assert_int_equal(count_rows(f->s, "SELECT count(*) FROM u"), 0);
    store_rollback(f->s); /* twice is fine */

    /* a committed transaction survives closing and reopening */
    assert_int_equal(store_begin(f->s, &f->e), 0);
    insert_value(f->s, 62);
    assert_int_equal(store_commit(f->s, &f->e), 0);
    assert_false(f->s->in_tx);
    store_close(f->s);
    f->s = store_open(f->path, &f->e);
    assert_non_null(f->s);
    assert_int_equal(count_rows(f->s, "SELECT count(*) FROM u"), 1);

    /* a transaction left open is rolled back by close */
    assert_int_equal(store_begin(f->s, &f->e), 0);
    insert_value(f->s, 63);
    store_close(f->s);
    f->s = store_open(f->path, &f->e);
    assert_non_null(f->s);
    assert_int_equal(count_rows(f->s, "SELECT count(*) FROM u"), 1);

    /* commit without a transaction is an error, not a crash */
    err_clear(&f->e);
    assert_int_equal(store_commit(f->s, &f->e), -1);
    assert_int_equal(f->e.code, ERR_DB);
}

/* A read transaction: one snapshot until store_end_read, which may be called twice. */
static void test_read_transaction(void **state)
{
    struct fx *f = *state;
    struct store *w;

    exec_ok(f->s, "CREATE TABLE u (v INTEGER NOT NULL)");
    exec_ok(f->s, "INSERT INTO u VALUES (1)");
    w = store_open(f->path, &f->e);
    assert_non_null(w);

    assert_int_equal(store_begin_read(f->s, &f->e), 0);
    assert_true(f->s->in_read_tx);
    assert_false(f->s->in_tx);
    assert_int_equal(count_rows(f->s, "SELECT count(*) FROM u"), 1);
    insert_value(w, 2); /* another connection commits meanwhile */
    assert_int_equal(count_rows(f->s, "SELECT count(*) FROM u"), 1);
    store_end_read(f->s);
    assert_false(f->s->in_read_tx);
    assert_int_equal(count_rows(f->s, "SELECT count(*) FROM u"), 2);
    store_end_read(f->s); /* nothing open: nothing happens */

    /* inside a write transaction, nothing to do */
    assert_int_equal(store_begin(f->s, &f->e), 0);
    assert_int_equal(store_begin_read(f->s, &f->e), 0);
    assert_false(f->s->in_read_tx);
    insert_value(f->s, 3);
    assert_int_equal(store_commit(f->s, &f->e), 0);
    assert_int_equal(count_rows(w, "SELECT count(*) FROM u"), 3);
    store_close(w);
}

static void test_constraint_violations(void **state)
{
    struct fx *f = *state;
    struct store_stmt *st;
    const char *ins_child = "INSERT INTO child (id, parent, n) VALUES (?, ?, ?)";

    exec_ok(f->s, "CREATE TABLE parent (code TEXT PRIMARY KEY)");
    exec_ok(f->s, "CREATE TABLE child (id INTEGER PRIMARY KEY, parent TEXT NOT NULL "
                  "REFERENCES parent(code), n INTEGER NOT NULL CHECK (n >= 0))");
    assert_int_equal(store_begin(f->s, &f->e), 0);
    st = store_prepare(f->s, "INSERT INTO parent (code) VALUES (?)", &f->e);
    store_bind_text(st, 1, "62041");
    assert_int_equal(store_step_done(st, &f->e), 0);

    /* duplicate primary key */
    st = store_prepare(f->s, "INSERT INTO parent (code) VALUES (?)", &f->e);
    store_bind_text(st, 1, "62041");
    err_clear(&f->e);
    assert_int_equal(store_step_done(st, &f->e), -1);
    assert_int_equal(f->e.code, ERR_CONFLICT);
    assert_non_null(strstr(f->e.detail, "UNIQUE"));
    assert_true(f->s->in_tx); /* the statement failed, the transaction goes on */

    /* foreign key (proves foreign_keys=ON) */
    st = store_prepare(f->s, ins_child, &f->e);
    store_bind_int64(st, 1, 1);
    store_bind_text(st, 2, "99999");
    store_bind_int64(st, 3, 1);
    err_clear(&f->e);
    assert_int_equal(store_step_done(st, &f->e), -1);
    assert_int_equal(f->e.code, ERR_INVALID);
    assert_non_null(strstr(f->e.detail, "FOREIGN KEY"));

    /* NOT NULL, then CHECK, reusing the cached statement after its failure */
    st = store_prepare(f->s, ins_child, &f->e);
    store_bind_int64(st, 1, 2);
    store_bind_text(st, 2, "62041");
    store_bind_null(st, 3);
    err_clear(&f->e);
    assert_int_equal(store_step_done(st, &f->e), -1);
    assert_int_equal(f->e.code, ERR_INVALID);
    st = store_prepare(f->s, ins_child, &f->e);
    store_bind_int64(st, 1, 3);
    store_bind_text(st, 2, "62041");
    store_bind_int64(st, 3, -5);
    err_clear(&f->e);
    assert_int_equal(store_step_done(st, &f->e), -1);
    assert_int_equal(f->e.code, ERR_INVALID);
    st = store_prepare(f->s, ins_child, &f->e);
    store_bind_int64(st, 1, 4);
    store_bind_text(st, 2, "62041");
    store_bind_int64(st, 3, 5);
    assert_int_equal(store_step_done(st, &f->e), 0);

    assert_true(f->s->in_tx);
    store_rollback(f->s);
    assert_false(f->s->in_tx);
    assert_int_equal(count_rows(f->s, "SELECT count(*) FROM parent"), 0);
    assert_int_equal(count_rows(f->s, "SELECT count(*) FROM child"), 0);
}

static void test_bad_sql_and_bind(void **state)
{
    struct fx *f = *state;
    struct store_stmt *st;

    err_clear(&f->e);
    assert_null(store_prepare(f->s, "SELECT * FROM pas_de_table", &f->e));
    assert_int_equal(f->e.code, ERR_DB);
    assert_non_null(strstr(f->e.detail, "pas_de_table"));
    err_clear(&f->e);
    assert_null(store_prepare(f->s, "SELECT 1; SELECT 2", &f->e));
    assert_int_equal(f->e.code, ERR_INTERNAL);
    err_clear(&f->e);
    assert_null(store_prepare(f->s, "  ", &f->e));
    assert_int_equal(f->e.code, ERR_INTERNAL);
    /* a trailing semicolon is fine */
    st = store_prepare(f->s, "SELECT 1;", &f->e);
    assert_non_null(st);
    store_finalize(st);

    /* a bind out of range is reported by step (sticky), then forgotten */
    st = store_prepare(f->s, "SELECT ?", &f->e);
    store_bind_int64(st, 2, 1);
    store_bind_int64(st, 1, 1);
    err_clear(&f->e);
    assert_int_equal(store_step(st, &f->e), -1);
    assert_int_equal(f->e.code, ERR_INTERNAL);
    store_finalize(st);
    st = store_prepare(f->s, "SELECT ?", &f->e);
    store_bind_int64(st, 1, 7);
    assert_int_equal(store_step(st, &f->e), STORE_ROW);
    assert_int_equal(store_column_int64(st, 0), 7);
    store_finalize(st);
}

static void test_statement_cache(void **state)
{
    struct fx *f = *state;
    const char *sel = "SELECT v FROM u ORDER BY v";
    struct store_stmt *a, *b, *c, *again;
    int64_t seen_b = 0;

    exec_ok(f->s, "CREATE TABLE u (v INTEGER NOT NULL)");
    for (int i = 1; i <= 3; i++)
        insert_value(f->s, i);

    /* reuse: the same statement comes back, with its bindings cleared */
    a = store_prepare(f->s, "SELECT ?", &f->e);
    store_bind_int64(a, 1, 42);
    assert_int_equal(store_step(a, &f->e), STORE_ROW);
    assert_int_equal(store_column_int64(a, 0), 42);
    store_finalize(a);
    again = store_prepare(f->s, "SELECT ?", &f->e);
    assert_ptr_equal(again, a);
    assert_int_equal(store_step(again, &f->e), STORE_ROW);
    assert_true(store_column_is_null(again, 0));
    store_finalize(again);

    /* two live uses of the same SQL: the second gets its own statement */
    a = store_prepare(f->s, sel, &f->e);
    assert_non_null(a);
    assert_int_equal(store_step(a, &f->e), STORE_ROW);
    assert_int_equal(store_column_int64(a, 0), 1);
    b = store_prepare(f->s, sel, &f->e);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    while (store_step(b, &f->e) == STORE_ROW)
        seen_b += store_column_int64(b, 0);
    assert_int_equal(seen_b, 6);
    /* and a third, nested while both are live */
    c = store_prepare(f->s, sel, &f->e);
    assert_non_null(c);
    assert_ptr_not_equal(c, a);
    assert_ptr_not_equal(c, b);
    assert_int_equal(store_step(c, &f->e), STORE_ROW);
    assert_int_equal(store_column_int64(c, 0), 1);
    store_finalize(c);
    store_finalize(b);
    assert_int_equal(store_step(a, &f->e), STORE_ROW);
    assert_int_equal(store_column_int64(a, 0), 2);
    assert_int_equal(store_step(a, &f->e), STORE_ROW);
    assert_int_equal(store_column_int64(a, 0), 3);
    assert_int_equal(store_step(a, &f->e), STORE_DONE);
    store_finalize(a);
    /* the cached one is handed out again, reset */
    again = store_prepare(f->s, sel, &f->e);
    assert_ptr_equal(again, a);
    assert_int_equal(store_step(again, &f->e), STORE_ROW);
    assert_int_equal(store_column_int64(again, 0), 1);
    store_finalize(again);

    /* many distinct statements: past the cache's capacity they still work */
    for (int i = 0; i < 600; i++) {
        char sql[64];
        struct store_stmt *st;
        snprintf(sql, sizeof(sql), "SELECT %d + ?", i);
        st = store_prepare(f->s, sql, &f->e);
        assert_non_null(st);
        store_bind_int64(st, 1, 1);
        assert_int_equal(store_step(st, &f->e), STORE_ROW);
        assert_int_equal(store_column_int64(st, 0), i + 1);
        store_finalize(st);
    }
}

static void test_busy_is_conflict(void **state)
{
    struct fx *f = *state;
    struct store *other;
    sqlite3 *raw;
    struct err e;

    /* hold the write lock from a raw connection with no busy timeout on our side */
    assert_int_equal(sqlite3_open(f->path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    other = store_open(f->path, &e);
    assert_non_null(other);
    /* shorten the wait for the test: the pragma is not SQL built from data */
    exec_ok(other, "PRAGMA busy_timeout = 50");
    err_clear(&e);
    assert_int_equal(store_begin(other, &e), -1);
    assert_int_equal(e.code, ERR_CONFLICT);
    assert_true(e.hint[0] != '\0');
    assert_false(other->in_tx);
    store_close(other);
    sqlite3_exec(raw, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_postgresql_not_yet),
        cmocka_unit_test_setup_teardown(test_open_creates_directory_and_sets_pragmas, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_not_a_database_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_then_noop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_database_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_refused_inside_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trips, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_constraint_violations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_sql_and_bind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statement_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_busy_is_conflict, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * store.h: the storage interface.
 *
 * Every module above talks to storage through struct store: a table of
 * function pointers (struct store_ops) that each backend fills. SQLite is the
 * embedded default; a PostgreSQL backend will fill the same table and pass
 * the same tests. SQL given to prepare() is written in the common subset of
 * the two dialects, with '?' placeholders (a backend rewrites them if it must).
 * No SQL is ever built from user data: values are always bound.
 *
 * Transactions: begin() opens a write transaction (BEGIN IMMEDIATE in
 * SQLite), commit() makes it durable (synchronous=FULL), rollback() undoes it
 * and never fails. An operation validates, then writes its journal events and
 * projections between begin() and commit().
 */
#ifndef PROXIMA_STORE_STORE_H
#define PROXIMA_STORE_STORE_H

#include "core/compat.h"
#include "core/err.h"

struct store;
struct store_stmt;

/* Results of step(). */
#define STORE_ROW 1
#define STORE_DONE 0

struct store_ops {
    const char *name; /* "sqlite" */
    void (*close)(struct store *s);
    /* Run SQL without parameters (schema migrations only). */
    int (*exec)(struct store *s, const char *sql, struct err *e);
    int (*begin)(struct store *s, struct err *e);
    int (*commit)(struct store *s, struct err *e);
    void (*rollback)(struct store *s);
    /*
     * Prepare a statement. Backends may cache statements by SQL text, so
     * the same string should be used for the same query. Bind indexes and
     * column indexes start at 1 and 0 respectively (as in SQLite).
     */
    struct store_stmt *(*prepare)(struct store *s, const char *sql, struct err *e);
    void (*bind_int64)(struct store_stmt *st, int idx, int64_t v);
    void (*bind_text)(struct store_stmt *st, int idx, const char *v, size_t n);
    void (*bind_blob)(struct store_stmt *st, int idx, const void *v, size_t n);
    void (*bind_null)(struct store_stmt *st, int idx);
    /* STORE_ROW, STORE_DONE, or -1 with e filled (constraint, busy, I/O). */
    int (*step)(struct store_stmt *st, struct err *e);
    /* Release the statement (or return it to the backend's cache). */
    void (*finalize)(struct store_stmt *st);
    int64_t (*column_int64)(struct store_stmt *st, int col);
    /* NUL-terminated text, valid until the next step or finalize; "" for NULL. */
    const char *(*column_text)(struct store_stmt *st, int col);
    const void *(*column_blob)(struct store_stmt *st, int col, size_t *n);
    bool (*column_is_null)(struct store_stmt *st, int col);
    int64_t (*last_insert_id)(struct store *s);
    /* Rows changed by the last INSERT/UPDATE/DELETE. */
    int64_t (*changes)(struct store *s);
    /* Set *exists to whether the table exists (store_schema_version needs it). */
    int (*table_exists)(struct store *s, const char *table, bool *exists, struct err *e);
};

struct store {
    const struct store_ops *ops;
    const char *location; /* path or URI, for messages */
    bool in_tx;
};

/*
 * What every backend's statement starts with (a backend embeds it as its
 * first member), so that the store_bind_* and store_column_* helpers find the
 * backend through st->store->ops.
 */
struct store_stmt {
    struct store *store;
};

/*
 * Open a store. location is a file path (SQLite, created if missing together
 * with its directory) or, later, a "postgresql://" URI.
 * The SQLite backend sets WAL, synchronous=FULL, foreign_keys=ON and a busy
 * timeout. The schema is not touched: call store_migrate().
 */
struct store *store_open(const char *location, struct err *e);
/* Roll back a transaction left open, release everything; s may be NULL. */
void store_close(struct store *s);

/*
 * The SQLite backend, which store_open() picks for anything that is not a
 * "postgresql://" URI. path ":memory:" gives a private in-memory database.
 * Backends own a copy of the location and embed struct store first.
 */
struct store *store_sqlite_open(const char *path, struct err *e);

/* A versioned schema change. */
struct store_migration {
    int version;
    const char *name;
    const char *sql;
};
extern const struct store_migration store_migrations[];
extern const size_t store_migrations_count;

/*
 * Apply the migrations not yet applied, in order, each in its own transaction,
 * recording them in schema_migrations. Refuses a database newer than the
 * program. *applied (may be NULL) receives the number applied.
 */
int store_migrate(struct store *s, int *applied, struct err *e);

/* Current schema version (0 for an empty database). */
int store_schema_version(struct store *s, int *version, struct err *e);

/* Thin wrappers, so that callers read naturally. */
static inline int store_begin(struct store *s, struct err *e)
{
    return s->ops->begin(s, e);
}
static inline int store_commit(struct store *s, struct err *e)
{
    return s->ops->commit(s, e);
}
static inline void store_rollback(struct store *s)
{
    s->ops->rollback(s);
}
static inline struct store_stmt *store_prepare(struct store *s, const char *sql, struct err *e)
{
    return s->ops->prepare(s, sql, e);
}

/*
 * A statement remembers its store, so the helpers below only take the
 * statement. They are defined in store.c.
 */
void store_bind_int64(struct store_stmt *st, int idx, int64_t v);
void store_bind_text(struct store_stmt *st, int idx, const char *v); /* NULL binds NULL */
void store_bind_textn(struct store_stmt *st, int idx, const char *v, size_t n);
void store_bind_blob(struct store_stmt *st, int idx, const void *v, size_t n);
void store_bind_null(struct store_stmt *st, int idx);
int store_step(struct store_stmt *st, struct err *e);
void store_finalize(struct store_stmt *st); /* st may be NULL */
int64_t store_column_int64(struct store_stmt *st, int col);
const char *store_column_text(struct store_stmt *st, int col);
const void *store_column_blob(struct store_stmt *st, int col, size_t *n);
bool store_column_is_null(struct store_stmt *st, int col);

/*
 * Run a statement that returns no rows to completion (step until DONE) and
 * finalize it. Returns 0 or -1.
 */
int store_step_done(struct store_stmt *st, struct err *e);

#endif

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
#define STORE_ROW  1
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
     * the same string should be used for the same query (the SQLite
     * backend looks a string literal up by its address first). Bind indexes
     * and column indexes start at 1 and 0 respectively (as in SQLite); a
     * parameter left unbound is NULL.
     */
    struct store_stmt *(*prepare)(struct store *s, const char *sql, struct err *e);
    void (*bind_int64)(struct store_stmt *st, int idx, int64_t v);
    void (*bind_text)(struct store_stmt *st, int idx, const char *v, size_t n);
    /* bind_text for a text that outlives the statement's use: no copy needed */
    void (*bind_text_static)(struct store_stmt *st, int idx, const char *v, size_t n);
    void (*bind_blob)(struct store_stmt *st, int idx, const void *v, size_t n);
    /* bind_blob for bytes that outlive the statement's use: no copy needed */
    void (*bind_blob_static)(struct store_stmt *st, int idx, const void *v, size_t n);
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

struct access_log_sink; /* access/logger.h */

/*
 * A hash-chained log's head (seq and hash of its last row) as the layer
 * that appends to it last wrote it, so that appending many rows in one
 * transaction does not read the head back before each one. Valid only while
 * epoch equals the store's tx_epoch (0: never).
 *
 * A layer appending many rows in one transaction may also defer writing
 * the head row (deferred) until it flushes it once, before the commit;
 * pending says that the head row is behind. The backend refuses to commit
 * while pending is set (a bug: the log would look truncated), and a
 * commit or rollback ends the deferral.
 */
#define STORE_HEAD_HASH_BYTES 32
struct store_head_cache {
    uint64_t epoch;
    int64_t seq;
    unsigned char hash[STORE_HEAD_HASH_BYTES];
    bool deferred;
    bool pending;
    /* whether the log's last row was the head's, as found at tail_epoch (0: never) */
    uint64_t tail_epoch;
    bool tail_ok;
};

struct store {
    const struct store_ops *ops;
    const char *location; /* path or URI, for messages */
    bool in_tx;
    bool in_read_tx; /* store_begin_read's snapshot is open (in_tx stays false) */
    /*
     * NULL, or where access_log_append sends the rows it would commit on
     * its own (outside a transaction): the HTTP server's group commit
     * (access/logger.h), set for the request in progress.
     */
    struct access_log_sink *log_sink;
    /*
     * Moves whenever what the current transaction wrote may have been
     * undone or made durable: at every begin, commit and rollback (the
     * backend moves it), and after a rollback to a savepoint (the caller,
     * with store_tx_undone). What a layer remembers of the transaction in
     * progress is valid only as long as this has not moved.
     */
    uint64_t tx_epoch;
    /* journal.c's memory of the journal's head in the current transaction */
    struct store_head_cache journal_head;
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
 * timeout, and 8 KiB pages when it creates the file. The schema is not
 * touched: call store_migrate().
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
/*
 * A read transaction: one snapshot for several reads, no write intended
 * (in_tx stays false, so that access_log_append still hands its row to
 * log_sink). store_begin_read does nothing inside a transaction;
 * store_end_read ends the snapshot if one is open and does nothing
 * otherwise, so a layer about to write calls it without knowing whether
 * another opened one. Defined in store.c.
 */
int store_begin_read(struct store *s, struct err *e);
void store_end_read(struct store *s);
/*
 * Say that part of the current transaction was undone behind the backend's
 * back (ROLLBACK TO SAVEPOINT): what layers remember of it is forgotten.
 */
static inline void store_tx_undone(struct store *s)
{
    s->tx_epoch++;
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
/*
 * store_bind_text for a text that stays valid and unchanged until the
 * statement is finalized: the backend may keep the pointer instead of a
 * copy. For the hot paths that bind and step in the same scope.
 */
static inline void store_bind_text_static(struct store_stmt *st, int idx, const char *v)
{
    if (v)
        st->store->ops->bind_text_static(st, idx, v, strlen(v));
    else
        st->store->ops->bind_null(st, idx); /* NULL binds NULL */
}
/* store_bind_text_static of n bytes at v (no NUL needed), when the length is known. */
static inline void store_bind_textn_static(struct store_stmt *st, int idx, const char *v, size_t n)
{
    if (v)
        st->store->ops->bind_text_static(st, idx, v, n);
    else
        st->store->ops->bind_null(st, idx); /* NULL binds NULL */
}
void store_bind_blob(struct store_stmt *st, int idx, const void *v, size_t n);
/* store_bind_blob for bytes that stay valid and unchanged until the statement is finalized. */
static inline void store_bind_blob_static(struct store_stmt *st, int idx, const void *v, size_t n)
{
    st->store->ops->bind_blob_static(st, idx, v, n);
}
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

/*
 * sqlite.c: the SQLite backend of struct store_ops, the embedded default.
 *
 * One connection per struct store, in WAL mode with synchronous=FULL, foreign
 * keys on and a busy timeout. Prepared statements are kept in a cache keyed
 * by their SQL text: finalize() resets a cached statement and hands it back.
 * When the cached statement of some SQL is still in use (a query nested in
 * the loop of the same query), prepare() hands out a fresh one, finalized for
 * good when released. SQLite result codes become French errors here, with
 * SQLite's own message in the detail.
 *
 * The cache is on every statement's path, so it is cheap: callers pass SQL
 * string literals, so a statement is first looked up by the address of its
 * text (one pointer hash, then one strcmp to confirm, in case a buffer was
 * reused for other SQL), and only on a miss by hashing the text. Bindings
 * are not cleared on release (sqlite3_clear_bindings frees every bound
 * value's buffer, which the next use allocates again): the parameters a use
 * does not bind are bound to NULL before its first step instead, so a
 * statement still sees NULL for what its caller left unbound.
 */
#include "core/compat.h"
#include "store/store.h"
#include "core/arena.h"
#include "core/file.h"

#include <pthread.h>
#include <sqlite3.h>

#define SQLITE_BUSY_TIMEOUT_MS 5000
#define STMT_CACHE_BUCKETS     64   /* power of two */
#define STMT_CACHE_MAX         512  /* past this, statements are prepared per use */
#define STMT_ALIAS_SLOTS       2048 /* power of two, > 2 * STMT_CACHE_MAX */
#define STMT_MASK_PARAMS       64   /* parameters tracked by the bound mask */

struct sqlite_stmt {
    struct store_stmt base; /* first: store.c sees only this */
    sqlite3_stmt *stmt;
    int bind_rc;              /* first failed bind, reported by step (sticky) */
    int nparams;              /* sqlite3_bind_parameter_count */
    uint64_t bound;           /* parameters 1..64 bound in this use (bit idx - 1) */
    bool stepped;             /* stepped at least once in this use */
    bool cached;              /* owned by the cache; finalize hands it back */
    bool in_use;              /* handed out and not yet finalized */
    char *sql;                /* cache key (cached statements only) */
    struct sqlite_stmt *next; /* next in the cache bucket */
};

/* The address of an SQL text a caller passed, and the cached statement of that text. */
struct sqlite_alias {
    const char *key;
    struct sqlite_stmt *st;
};

struct sqlite_store {
    struct store base; /* first: callers see only this */
    sqlite3 *db;
    char *path;
    struct sqlite_stmt *cache[STMT_CACHE_BUCKETS];
    size_t cached; /* statements in the cache */
    struct sqlite_alias alias[STMT_ALIAS_SLOTS];
    size_t aliases; /* slots used */
    /* BEGIN IMMEDIATE, COMMIT, ROLLBACK, prepared once (tx_run) */
    sqlite3_stmt *tx_stmt[3];
};

enum { TX_BEGIN, TX_COMMIT, TX_ROLLBACK };

static const struct store_ops sqlite_ops;

static struct sqlite_store *sq(struct store *s)
{
    assert(s && s->ops == &sqlite_ops);
    return (struct sqlite_store *)s;
}

static inline struct sqlite_stmt *sqst(struct store_stmt *st)
{
    struct sqlite_stmt *q = (struct sqlite_stmt *)st;

    assert(st && st->store->ops == &sqlite_ops);
    assert(q->in_use);
    return q;
}

/* SQLite may end a transaction on its own after some errors (I/O, full, busy). */
static void sync_tx(struct sqlite_store *q)
{
    bool in_tx = !sqlite3_get_autocommit(q->db);

    if (in_tx != q->base.in_tx)
        q->base.tx_epoch++;
    q->base.in_tx = in_tx;
}

/*
 * Turn a SQLite failure into a French error. what says what we were doing
 * ("exécution d'une requête"), for the messages that have nothing better.
 */
static int sqlite_fail(struct sqlite_store *q, int rc, const char *what, struct err *e)
{
    const char *msg = q->db ? sqlite3_errmsg(q->db) : sqlite3_errstr(rc);
    char detail[ERR_DETAIL_MAX];

    /* err_set clears the detail: keep SQLite's message before that */
    snprintf(detail, sizeof(detail), "SQLite : %s (code %d)", msg, rc);
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        switch (rc) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
        case SQLITE_CONSTRAINT_ROWID:
            err_set(e, ERR_CONFLICT, "cet enregistrement existe déjà");
            break;
        case SQLITE_CONSTRAINT_FOREIGNKEY:
            err_set(e, ERR_INVALID, "référence à un enregistrement qui n'existe pas");
            break;
        case SQLITE_CONSTRAINT_NOTNULL:
            err_set(e, ERR_INVALID, "valeur obligatoire manquante");
            break;
        case SQLITE_CONSTRAINT_CHECK:
            err_set(e, ERR_INVALID, "valeur refusée par une règle de la base");
            break;
        case SQLITE_CONSTRAINT_TRIGGER:
            err_set(e, ERR_CONFLICT, "opération interdite par la base");
            break;
        default:
            err_set(e, ERR_CONFLICT, "opération contraire à une contrainte de la base");
            break;
        }
        break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        err_set(e, ERR_CONFLICT, "la base %s est occupée", q->base.location);
        err_detail(e, "%s", detail);
        return err_hint(e, "un autre processus écrit dans la base : réessayez dans un instant");
    case SQLITE_NOMEM:
        err_set(e, ERR_NOMEM, "mémoire insuffisante pendant %s", what);
        break;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        err_set(e, ERR_DB, "le fichier %s n'est pas une base proxima valide", q->base.location);
        err_detail(e, "%s", detail);
        return err_hint(e, "vérifiez le chemin donné par --db ou restaurez une sauvegarde");
    default:
        err_set(e, ERR_DB, "erreur de la base %s pendant %s", q->base.location, what);
        break;
    }
    return err_detail(e, "%s", detail);
}

/*
 * Run one of the transaction statements, prepared at its first use and
 * kept (sqlite3_exec would parse its SQL again at every call). SQLITE_OK
 * or SQLite's error code.
 */
static int tx_run(struct sqlite_store *q, int which)
{
    static const char *const sql[] = {"BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"};
    sqlite3_stmt **st = &q->tx_stmt[which];
    int rc;

    if (!*st) {
        rc = sqlite3_prepare_v3(q->db, sql[which], -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    rc = sqlite3_step(*st);
    sqlite3_reset(*st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void stmt_destroy(struct sqlite_stmt *st)
{
    sqlite3_finalize(st->stmt);
    free(st->sql);
    free(st);
}

static void sqlite_close(struct store *s)
{
    struct sqlite_store *q = sq(s);
    int rc;

    for (size_t b = 0; b < STMT_CACHE_BUCKETS; b++) {
        struct sqlite_stmt *st = q->cache[b], *next;
        for (; st; st = next) {
            next = st->next;
            if (st->in_use)
                fprintf(stderr, "proxima: bug: statement not finalized before close: %s\n",
                        st->sql);
            stmt_destroy(st);
        }
        q->cache[b] = NULL;
    }
    if (q->db && !sqlite3_get_autocommit(q->db))
        sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
    for (size_t i = 0; i < ARRAY_SIZE(q->tx_stmt); i++)
        sqlite3_finalize(q->tx_stmt[i]);
    rc = sqlite3_close(q->db);
    if (rc != SQLITE_OK) {
        /* a statement handed out was never finalized: a leak in the caller */
        fprintf(stderr, "proxima: bug: %s closed with statements still open: %s\n", q->path,
                sqlite3_errmsg(q->db));
        sqlite3_close_v2(q->db);
    }
    free(q->path);
    free(q);
}

static int sqlite_exec(struct store *s, const char *sql, struct err *e)
{
    struct sqlite_store *q = sq(s);
    int rc = sqlite3_exec(q->db, sql, NULL, NULL, NULL);

    if (rc == SQLITE_OK)
        return 0;
    sqlite_fail(q, rc, "l'exécution d'un script SQL", e);
    sync_tx(q);
    return -1;
}

static int sqlite_begin(struct store *s, struct err *e)
{
    struct sqlite_store *q = sq(s);
    int rc = tx_run(q, TX_BEGIN);

    if (rc != SQLITE_OK) {
        sqlite_fail(q, rc, "l'ouverture d'une transaction", e);
        sync_tx(q);
        return -1;
    }
    s->in_tx = true;
    s->tx_epoch++;
    return 0;
}

static int sqlite_commit(struct store *s, struct err *e)
{
    struct sqlite_store *q = sq(s);
    int rc;

    if (s->journal_head.pending)
        return err_set(e, ERR_INTERNAL, "tête du journal non écrite avant la validation (bogue)");
    rc = tx_run(q, TX_COMMIT);
    if (rc != SQLITE_OK) {
        sqlite_fail(q, rc, "la validation d'une transaction", e);
        sync_tx(q); /* still open after most failures: the caller rolls back */
        return -1;
    }
    s->in_tx = false;
    s->tx_epoch++;
    s->journal_head.deferred = false;
    return 0;
}

static void sqlite_rollback(struct store *s)
{
    struct sqlite_store *q = sq(s);

    if (!sqlite3_get_autocommit(q->db))
        tx_run(q, TX_ROLLBACK);
    sync_tx(q);
    s->tx_epoch++;
    s->journal_head.deferred = false;
    s->journal_head.pending = false;
}

/* Slot of the alias table where key is, or the empty slot where it would go. */
static struct sqlite_alias *alias_slot(struct sqlite_store *q, const char *key)
{
    uintptr_t h = (uintptr_t)key;
    size_t i;

    h ^= h >> 17;
    h *= (uintptr_t)0x9E3779B97F4A7C15u;
    i = (size_t)(h >> 20) & (STMT_ALIAS_SLOTS - 1);
    while (q->alias[i].key && q->alias[i].key != key)
        i = (i + 1) & (STMT_ALIAS_SLOTS - 1);
    return &q->alias[i];
}

/* Hand out a cached statement that nobody uses. */
static struct store_stmt *stmt_take(struct sqlite_stmt *st)
{
    st->in_use = true;
    st->bind_rc = SQLITE_OK;
    st->bound = 0;
    st->stepped = false;
    return &st->base;
}

static size_t sql_hash(const char *sql)
{
    size_t h = 2166136261u; /* FNV-1a */

    for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h & (STMT_CACHE_BUCKETS - 1);
}

static bool only_space(const char *p)
{
    for (; *p; p++)
        if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r' && *p != ';')
            return false;
    return true;
}

static struct store_stmt *sqlite_prepare(struct store *s, const char *sql, struct err *e)
{
    struct sqlite_store *q = sq(s);
    struct sqlite_alias *a = alias_slot(q, sql);
    size_t bucket;
    struct sqlite_stmt *st;
    sqlite3_stmt *raw = NULL;
    const char *tail = NULL;
    bool cache;
    int rc;

    /* the same text at the same address: the usual case, a string literal */
    if (a->key && !a->st->in_use && !strcmp(a->st->sql, sql))
        return stmt_take(a->st);
    bucket = sql_hash(sql);
    for (st = q->cache[bucket]; st; st = st->next)
        if (!strcmp(st->sql, sql))
            break;
    if (st && (!a->key || a->st != st)) {
        /* remember this address for this text (a reused buffer now holds it) */
        if (a->key) {
            a->st = st;
        } else if (q->aliases < STMT_ALIAS_SLOTS / 2) {
            a->key = sql;
            a->st = st;
            q->aliases++;
        }
    }
    if (st && !st->in_use)
        return stmt_take(st);
    /* not cached yet, or cached but busy: a fresh statement */
    cache = !st && q->cached < STMT_CACHE_MAX;
    rc = sqlite3_prepare_v3(q->db, sql, -1, cache ? SQLITE_PREPARE_PERSISTENT : 0, &raw, &tail);
    if (rc != SQLITE_OK) {
        sqlite_fail(q, rc, "la préparation d'une requête", e);
        sync_tx(q);
        return NULL;
    }
    if (!raw || (tail && !only_space(tail))) {
        sqlite3_finalize(raw);
        err_set(e, ERR_INTERNAL, "requête SQL vide ou multiple (bogue)");
        err_detail(e, "%.200s", sql);
        return NULL;
    }
    st = calloc(1, sizeof(*st));
    if (!st)
        die_nomem(sizeof(*st));
    st->base.store = s;
    st->stmt = raw;
    st->in_use = true;
    st->nparams = sqlite3_bind_parameter_count(raw);
    if (cache) {
        st->sql = strdup(sql);
        if (!st->sql)
            die_nomem(strlen(sql) + 1);
        st->cached = true;
        st->next = q->cache[bucket];
        q->cache[bucket] = st;
        q->cached++;
        if (a->key) {
            a->st = st;
        } else if (q->aliases < STMT_ALIAS_SLOTS / 2) {
            a->key = sql;
            a->st = st;
            q->aliases++;
        }
    }
    return &st->base;
}

static void sqlite_finalize(struct store_stmt *base)
{
    struct sqlite_stmt *st = sqst(base);

    if (!st->cached) {
        stmt_destroy(st);
        return;
    }
    sqlite3_reset(st->stmt);
    /* more parameters than the mask tracks: forget them the slow way */
    if (st->nparams > STMT_MASK_PARAMS)
        sqlite3_clear_bindings(st->stmt);
    st->in_use = false;
}

static void bind_result(struct sqlite_stmt *st, int idx, int rc)
{
    if (rc != SQLITE_OK && st->bind_rc == SQLITE_OK)
        st->bind_rc = rc;
    if (idx >= 1 && idx <= STMT_MASK_PARAMS)
        st->bound |= (uint64_t)1 << (idx - 1);
}

/*
 * Before the first step of a use: the parameters this use left unbound are
 * NULL, as if the bindings had been cleared when the statement was released.
 */
static void bind_missing(struct sqlite_stmt *st)
{
    int n = st->nparams < STMT_MASK_PARAMS ? st->nparams : STMT_MASK_PARAMS;
    uint64_t all = n == 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1);

    if ((st->bound & all) == all)
        return;
    for (int i = 0; i < n; i++)
        if (!(st->bound & ((uint64_t)1 << i)))
            sqlite3_bind_null(st->stmt, i + 1);
}

static void sqlite_bind_int64(struct store_stmt *base, int idx, int64_t v)
{
    struct sqlite_stmt *st = sqst(base);

    bind_result(st, idx, sqlite3_bind_int64(st->stmt, idx, v));
}

static void sqlite_bind_text(struct store_stmt *base, int idx, const char *v, size_t n)
{
    struct sqlite_stmt *st = sqst(base);

    bind_result(st, idx, sqlite3_bind_text64(st->stmt, idx, v, n, SQLITE_TRANSIENT, SQLITE_UTF8));
}

static void sqlite_bind_text_static(struct store_stmt *base, int idx, const char *v, size_t n)
{
    struct sqlite_stmt *st = sqst(base);

    bind_result(st, idx, sqlite3_bind_text64(st->stmt, idx, v, n, SQLITE_STATIC, SQLITE_UTF8));
}

static void bind_blob(struct store_stmt *base, int idx, const void *v, size_t n,
                      sqlite3_destructor_type how)
{
    struct sqlite_stmt *st = sqst(base);

    /* a NULL pointer would bind SQL NULL: an empty blob is a zero blob */
    if (n == 0)
        bind_result(st, idx, sqlite3_bind_zeroblob(st->stmt, idx, 0));
    else
        bind_result(st, idx, sqlite3_bind_blob64(st->stmt, idx, v, n, how));
}

static void sqlite_bind_blob(struct store_stmt *base, int idx, const void *v, size_t n)
{
    bind_blob(base, idx, v, n, SQLITE_TRANSIENT);
}

static void sqlite_bind_blob_static(struct store_stmt *base, int idx, const void *v, size_t n)
{
    bind_blob(base, idx, v, n, SQLITE_STATIC);
}

static void sqlite_bind_null(struct store_stmt *base, int idx)
{
    struct sqlite_stmt *st = sqst(base);

    bind_result(st, idx, sqlite3_bind_null(st->stmt, idx));
}

static int sqlite_step(struct store_stmt *base, struct err *e)
{
    struct sqlite_stmt *st = sqst(base);
    struct sqlite_store *q = sq(base->store);
    int rc;

    if (st->bind_rc != SQLITE_OK) {
        if (st->bind_rc == SQLITE_RANGE) {
            err_set(e, ERR_INTERNAL, "paramètre SQL hors limites (bogue)");
            return err_detail(e, "%.200s", sqlite3_sql(st->stmt));
        }
        return sqlite_fail(q, st->bind_rc, "la liaison d'un paramètre", e);
    }
    if (!st->stepped) {
        st->stepped = true;
        bind_missing(st);
    }
    rc = sqlite3_step(st->stmt);
    if (rc == SQLITE_ROW)
        return STORE_ROW;
    if (rc == SQLITE_DONE)
        return STORE_DONE;
    sqlite_fail(q, rc, "l'exécution d'une requête", e);
    sync_tx(q);
    return -1;
}

static int64_t sqlite_column_int64(struct store_stmt *base, int col)
{
    return sqlite3_column_int64(sqst(base)->stmt, col);
}

static const char *sqlite_column_text(struct store_stmt *base, int col)
{
    const unsigned char *t = sqlite3_column_text(sqst(base)->stmt, col);

    return t ? (const char *)t : "";
}

static const void *sqlite_column_blob(struct store_stmt *base, int col, size_t *n)
{
    sqlite3_stmt *raw = sqst(base)->stmt;
    /* blob first, then bytes: the order SQLite documents */
    const void *p = sqlite3_column_blob(raw, col);

    *n = (size_t)sqlite3_column_bytes(raw, col);
    return p;
}

static bool sqlite_column_is_null(struct store_stmt *base, int col)
{
    return sqlite3_column_type(sqst(base)->stmt, col) == SQLITE_NULL;
}

static int64_t sqlite_last_insert_id(struct store *s)
{
    return sqlite3_last_insert_rowid(sq(s)->db);
}

static int64_t sqlite_changes(struct store *s)
{
    return sqlite3_changes64(sq(s)->db);
}

static int sqlite_table_exists(struct store *s, const char *table, bool *exists, struct err *e)
{
    struct store_stmt *st;
    int rc;

    *exists = false;
    st = sqlite_prepare(s, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", e);
    if (!st)
        return -1;
    sqlite_bind_text(st, 1, table, strlen(table));
    rc = sqlite_step(st, e);
    *exists = rc == STORE_ROW;
    sqlite_finalize(st);
    return rc < 0 ? -1 : 0;
}

static const struct store_ops sqlite_ops = {
    .name = "sqlite",
    .close = sqlite_close,
    .exec = sqlite_exec,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .prepare = sqlite_prepare,
    .bind_int64 = sqlite_bind_int64,
    .bind_text = sqlite_bind_text,
    .bind_text_static = sqlite_bind_text_static,
    .bind_blob = sqlite_bind_blob,
    .bind_blob_static = sqlite_bind_blob_static,
    .bind_null = sqlite_bind_null,
    .step = sqlite_step,
    .finalize = sqlite_finalize,
    .column_int64 = sqlite_column_int64,
    .column_text = sqlite_column_text,
    .column_blob = sqlite_column_blob,
    .column_is_null = sqlite_column_is_null,
    .last_insert_id = sqlite_last_insert_id,
    .changes = sqlite_changes,
    .table_exists = sqlite_table_exists,
};

/* mkdir -p the directory part of path, if it has one. */
static int make_parent_dir(const char *path, struct err *e)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    int rc;

    if (!slash || slash == path)
        return 0;
    dir = strndup(path, (size_t)(slash - path));
    if (!dir)
        die_nomem((size_t)(slash - path) + 1);
    rc = file_mkdirs(dir, e);
    free(dir);
    return rc;
}

/* Run a PRAGMA (or any statement) that may return a row, ignoring the row. */
static int run(struct sqlite_store *q, const char *sql, struct err *e)
{
    sqlite3_stmt *raw;
    int rc = sqlite3_prepare_v2(q->db, sql, -1, &raw, NULL);

    if (rc == SQLITE_OK) {
        while ((rc = sqlite3_step(raw)) == SQLITE_ROW)
            ;
        if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
        else
            rc = sqlite3_extended_errcode(q->db);
        sqlite3_finalize(raw);
    }
    if (rc != SQLITE_OK)
        return sqlite_fail(q, rc, "la configuration de la connexion", e);
    return 0;
}

/*
 * SQLite's library-wide settings, once, before its first connection: no
 * memory statistics (proxima reads none, and keeping them takes a global
 * mutex on every allocation). Refused, harmlessly, when the library was
 * already initialised by someone else.
 */
static void sqlite_configure(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

struct store *store_sqlite_open(const char *path, struct err *e)
{
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    struct sqlite_store *q;
    int rc;

    pthread_once(&configured, sqlite_configure);

    if (strcmp(path, ":memory:") != 0 && make_parent_dir(path, e) != 0)
        return NULL;
    q = calloc(1, sizeof(*q));
    if (!q)
        die_nomem(sizeof(*q));
    q->path = strdup(path);
    if (!q->path)
        die_nomem(strlen(path) + 1);
    q->base.ops = &sqlite_ops;
    q->base.location = q->path;
    q->base.tx_epoch = 1;
    /* a connection is used by one thread at a time (one per HTTP worker, the
       access logger's by its thread): no per-connection mutex */
    rc = sqlite3_open_v2(path, &q->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        err_set(e, ERR_IO, "impossible d'ouvrir la base %s", path);
        err_detail(e, "SQLite : %s", q->db ? sqlite3_errmsg(q->db) : sqlite3_errstr(rc));
        err_hint(e, "vérifiez le chemin et les droits sur le dossier");
        goto fail;
    }
    sqlite3_extended_result_codes(q->db, 1);
    sqlite3_busy_timeout(q->db, SQLITE_BUSY_TIMEOUT_MS);
    /* no writable_schema tricks through this connection */
    sqlite3_db_config(q->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    /* a new database's page size, before WAL fixes it; no effect on an
       existing one (docs/PERFORMANCE.md, "cheaper writes": 8 KiB pages make a
       large import about 10 % cheaper, for little cost elsewhere) */
    if (run(q, "PRAGMA page_size = 8192", e) != 0)
        goto fail;
    /* journal_mode reads the file: a non-database file fails here */
    if (run(q, "PRAGMA journal_mode = WAL", e) != 0 ||
        run(q, "PRAGMA synchronous = FULL", e) != 0 || run(q, "PRAGMA foreign_keys = ON", e) != 0)
        goto fail;
    return &q->base;

fail:
    sqlite3_close(q->db);
    free(q->path);
    free(q);
    return NULL;
}

/*
 * store.c: the backend-independent half of the storage layer. It picks the
 * backend from the location, forwards the statement helpers to the backend
 * the statement came from, and applies the schema migrations of schema.c
 * (one transaction each, recorded in schema_migrations).
 */
#include "core/compat.h"
#include "store/store.h"

#include <time.h>

#define STORE_PG_SCHEME       "postgresql://"
#define STORE_PG_SCHEME_SHORT "postgres://"

struct store *store_open(const char *location, struct err *e)
{
    if (!location || !*location) {
        err_set(e, ERR_USAGE, "aucun emplacement de base de données donné");
        err_hint(e, "indiquez un fichier avec --db ou la variable PROXIMA_DB");
        return NULL;
    }
    if (!strncmp(location, STORE_PG_SCHEME, strlen(STORE_PG_SCHEME)) ||
        !strncmp(location, STORE_PG_SCHEME_SHORT, strlen(STORE_PG_SCHEME_SHORT))) {
        err_set(e, ERR_INVALID, "le stockage PostgreSQL n'est pas encore disponible");
        err_hint(e, "indiquez le chemin d'un fichier SQLite, par exemple var/proxima.db");
        return NULL;
    }
    return store_sqlite_open(location, e);
}

void store_close(struct store *s)
{
    if (!s)
        return;
    if (s->in_tx)
        s->ops->rollback(s);
    s->ops->close(s);
}

void store_bind_int64(struct store_stmt *st, int idx, int64_t v)
{
    st->store->ops->bind_int64(st, idx, v);
}

void store_bind_text(struct store_stmt *st, int idx, const char *v)
{
    if (v)
        st->store->ops->bind_text(st, idx, v, strlen(v));
    else
        st->store->ops->bind_null(st, idx);
}

void store_bind_textn(struct store_stmt *st, int idx, const char *v, size_t n)
{
    if (v)
        st->store->ops->bind_text(st, idx, v, n);
    else
        st->store->ops->bind_null(st, idx);
}

void store_bind_blob(struct store_stmt *st, int idx, const void *v, size_t n)
{
    st->store->ops->bind_blob(st, idx, v, n);
}

void store_bind_null(struct store_stmt *st, int idx)
{
    st->store->ops->bind_null(st, idx);
}

int store_step(struct store_stmt *st, struct err *e)
{
    return st->store->ops->step(st, e);
}

void store_finalize(struct store_stmt *st)
{
    if (st)
        st->store->ops->finalize(st);
}

int64_t store_column_int64(struct store_stmt *st, int col)
{
    return st->store->ops->column_int64(st, col);
}

const char *store_column_text(struct store_stmt *st, int col)
{
    return st->store->ops->column_text(st, col);
}

const void *store_column_blob(struct store_stmt *st, int col, size_t *n)
{
    return st->store->ops->column_blob(st, col, n);
}

bool store_column_is_null(struct store_stmt *st, int col)
{
    return st->store->ops->column_is_null(st, col);
}

int store_step_done(struct store_stmt *st, struct err *e)
{
    int rc;

    while ((rc = store_step(st, e)) == STORE_ROW)
        ;
    store_finalize(st);
    return rc == STORE_DONE ? 0 : -1;
}

int store_begin_read(struct store *s, struct err *e)
{
    struct store_stmt *q;

    if (s->in_tx || s->in_read_tx)
        return 0;
    q = store_prepare(s, "BEGIN", e);
    if (!q || store_step_done(q, e) != 0)
        return -1;
    s->in_read_tx = true;
    return 0;
}

void store_end_read(struct store *s)
{
    struct store_stmt *q;
    struct err ignored;

    if (!s->in_read_tx)
        return;
    s->in_read_tx = false;
    err_clear(&ignored);
    q = store_prepare(s, "COMMIT", &ignored);
    /* a failed COMMIT may leave the snapshot open: roll it back */
    if (!q || store_step_done(q, &ignored) != 0)
        store_rollback(s);
}

int store_schema_version(struct store *s, int *version, struct err *e)
{
    struct store_stmt *st;
    bool exists;
    int rc;

    *version = 0;
    if (s->ops->table_exists(s, "schema_migrations", &exists, e) != 0)
        return -1;
    if (!exists)
        return 0;
    st = store_prepare(s, "SELECT max(version) FROM schema_migrations", e);
    if (!st)
        return -1;
    rc = store_step(st, e);
    if (rc == STORE_ROW) {
        int64_t v = store_column_is_null(st, 0) ? 0 : store_column_int64(st, 0);
        if (v < 0 || v > INT_MAX) {
            store_finalize(st);
            err_set(e, ERR_DB, "version de schéma invalide dans la base %s", s->location);
            return err_detail(e, "schema_migrations contient la version %lld", (long long)v);
        }
        *version = (int)v;
    }
    store_finalize(st);
    return rc < 0 ? -1 : 0;
}

/* Apply one migration unless another process did it first; in a transaction. */
static int apply_one(struct store *s, const struct store_migration *m, bool *applied, struct err *e)
{
    struct store_stmt *st;
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    int current;

    *applied = false;
    if (!gmtime_r(&t, &tm) || !strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm))
        return err_set(e, ERR_INTERNAL, "horloge système illisible");
    if (store_begin(s, e) != 0)
        goto fail;
    /* Inside the write transaction: the version cannot move under us now. */
    if (s->ops->exec(s,
                     "CREATE TABLE IF NOT EXISTS schema_migrations (\n"
                     "  version INTEGER PRIMARY KEY,\n"
                     "  name TEXT NOT NULL,\n"
                     "  applied_at TEXT NOT NULL\n"
                     ")",
                     e) != 0)
        goto fail;
    if (store_schema_version(s, &current, e) != 0)
        goto fail;
    if (current >= m->version) {
        store_rollback(s);
        return 0;
    }
    if (s->ops->exec(s, m->sql, e) != 0)
        goto fail;
    st = store_prepare(
        s, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", e);
    if (!st)
        goto fail;
    store_bind_int64(st, 1, m->version);
    store_bind_text(st, 2, m->name);
    store_bind_text(st, 3, now);
    if (store_step_done(st, e) != 0 || store_commit(s, e) != 0)
        goto fail;
    *applied = true;
    return 0;

fail:
    store_rollback(s);
    err_prefix(e, "migration %d (%s) : ", m->version, m->name);
    return -1;
}

int store_migrate(struct store *s, int *applied, struct err *e)
{
    int latest = store_migrations[store_migrations_count - 1].version;
    int version, n = 0;

    if (applied)
        *applied = 0;
    /* Versions must increase strictly: a bad list is a bug, not an error. */
    for (size_t i = 1; i < store_migrations_count; i++)
        assert(store_migrations[i].version > store_migrations[i - 1].version);
    if (s->in_tx)
        return err_set(e, ERR_INTERNAL, "migration demandée pendant une transaction (bogue)");
    if (store_schema_version(s, &version, e) != 0)
        return -1;
    if (version > latest) {
        err_set(e, ERR_CONFLICT,
                "la base %s est en version %d, plus récente que ce programme (version %d)",
                s->location, version, latest);
        return err_hint(e, "utilisez une version plus récente de proxima pour cette base");
    }
    for (size_t i = 0; i < store_migrations_count; i++) {
        const struct store_migration *m = &store_migrations[i];
        bool done;

        if (m->version <= version)
            continue;
        if (apply_one(s, m, &done, e) != 0)
            return -1;
        n += done;
    }
    if (applied)
        *applied = n;
    return 0;
}

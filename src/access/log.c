/*
 * log.c: the access log, who read, changed or was refused which personal
 * file (CNIL: user, time, action, record id). Hash-chained like the journal
 * (the encoding is in access.h) but in its own tables, access_log and
 * access_log_head (migration 3), so that it is kept and purged on its own
 * schedule and never exported with the journal.
 */
#include "core/compat.h"
#include "access/access.h"

#include <time.h>

#include "access/access_int.h"
#include "access/logger.h"
#include "journal/chain.h"

static_assert(ACCESS_LOG_HASH_BYTES == CHAIN_HASH_BYTES, "the access log is a chain.h chain");

void access_log_hash(const unsigned char prev[ACCESS_LOG_HASH_BYTES],
                     const struct access_log_row *r, unsigned char out[ACCESS_LOG_HASH_BYTES])
{
    struct chain_hasher h;

    chain_hasher_init(&h, prev);
    chain_hasher_int(&h, r->seq);
    chain_hasher_int(&h, r->at);
    chain_hasher_text(&h, r->login);
    chain_hasher_text(&h, r->action);
    chain_hasher_text(&h, r->object_type);
    chain_hasher_text(&h, r->object_id);
    chain_hasher_text(&h, r->person_id);
    chain_hasher_text(&h, r->grant_used);
    chain_hasher_final(&h, out);
}

/* Columns 0..7: seq, at, login, action, object_type, object_id, person_id, grant_used. */
static void row_from(struct store_stmt *st, int first, struct access_log_row *r)
{
    r->seq = store_column_int64(st, first);
    r->at = store_column_int64(st, first + 1);
    r->login = store_column_text(st, first + 2);
    r->action = store_column_text(st, first + 3);
    r->object_type = store_column_text(st, first + 4);
    r->object_id = store_column_text(st, first + 5);
    r->person_id = store_column_text(st, first + 6);
    r->grant_used = store_column_text(st, first + 7);
}

/* The head in the current transaction: seq 0 and the zero hash when empty. */
static int read_head(struct store *s, int64_t *seq, unsigned char hash[ACCESS_LOG_HASH_BYTES],
                     struct err *e)
{
    size_t n;
    int rc =
        chain_head_read(s, "SELECT seq, hash FROM access_log_head WHERE id = 1", seq, hash, &n, e);

    if (rc <= 0)
        return rc;
    err_set(e, ERR_TAMPERED, "tête du journal des accès illisible : ajout refusé");
    err_detail(e, "ligne n° %lld, empreinte de %zu octets", (long long)*seq, n);
    return err_hint(e, "lancez « proxima user access-log --verify »");
}

static bool valid_action(const char *action)
{
    return action &&
           (!strcmp(action, "lecture") || !strcmp(action, "ecriture") || !strcmp(action, "refus"));
}

int access_log_append_rows_in_tx(struct store *s, struct access_log_row *const *rows, size_t n,
                                 struct err *e)
{
    unsigned char prev[ACCESS_LOG_HASH_BYTES], hash[ACCESS_LOG_HASH_BYTES];
    int64_t head;

    if (n == 0)
        return 0;
    /* the head once, the rows chained in memory, the head written once */
    if (read_head(s, &head, prev, e) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        struct access_log_row *r = rows[i];
        struct store_stmt *st;

        r->seq = ++head;
        access_log_hash(prev, r, hash);
        st = store_prepare(s,
                           "INSERT INTO access_log (seq, at, login, action, object_type, "
                           "object_id, person_id, grant_used, hash) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           e);
        if (!st)
            return -1;
        store_bind_int64(st, 1, r->seq);
        store_bind_int64(st, 2, r->at);
        /* the row's texts outlive the statement's use: bound without a copy */
        store_bind_text_static(st, 3, r->login);
        store_bind_text_static(st, 4, r->action);
        store_bind_text_static(st, 5, r->object_type);
        store_bind_text_static(st, 6, r->object_id);
        store_bind_text_static(st, 7, r->person_id);
        store_bind_text_static(st, 8, r->grant_used);
        store_bind_blob(st, 9, hash, sizeof(hash));
        if (store_step_done(st, e) != 0)
            return -1;
        memcpy(prev, hash, sizeof(prev));
    }
    return chain_head_write(s,
                            "INSERT INTO access_log_head (id, seq, hash) VALUES (1, ?, ?) "
                            "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = "
                            "excluded.hash",
                            head, prev, e);
}

int access_log_append_in_tx(struct store *s, struct access_log_row *r, struct err *e)
{
    return access_log_append_rows_in_tx(s, &r, 1, e);
}

int access_log_append(struct store *s, const char *login, const char *action,
                      const struct access_target *t, const char *grant_used, struct err *e)
{
    struct access_log_row r = {0};
    bool own = !s->in_tx;

    if (!login || !*login)
        return err_set(e, ERR_INVALID, "journal des accès : agent manquant");
    if (!valid_action(action))
        return err_set(e, ERR_INVALID, "journal des accès : action inconnue « %s »",
                       action ? action : "");
    if (!t || !t->object_type || !*t->object_type)
        return err_set(e, ERR_INVALID, "journal des accès : type d'objet manquant");
    r.at = (int64_t)time(NULL);
    r.login = login;
    r.action = action;
    r.object_type = t->object_type;
    r.object_id = t->object_id ? t->object_id : "";
    r.person_id = t->person_id ? t->person_id : "";
    r.grant_used = grant_used ? grant_used : "";
    if (own && s->log_sink)
        return access_log_sink_put(s->log_sink, &r, e); /* group commit (logger.h) */
    if (own && store_begin(s, e) != 0)
        return -1;
    if (access_log_append_in_tx(s, &r, e) != 0) {
        if (own)
            store_rollback(s);
        return -1;
    }
    if (own && store_commit(s, e) != 0) {
        store_rollback(s);
        return -1;
    }
    return 0;
}

int access_log_for_person(struct store *s, struct arena *a, const char *person_id,
                          struct access_log_row **rows, size_t *n, struct err *e)
{
    struct access_log_row *out = NULL;
    struct store_stmt *st;
    size_t cap = 0, k = 0;
    int rc;

    *rows = NULL;
    *n = 0;
    if (!person_id || !*person_id)
        return err_set(e, ERR_INVALID, "identifiant de personne manquant");
    st = store_prepare(s,
                       "SELECT seq, at, login, action, object_type, object_id, person_id, "
                       "grant_used FROM access_log WHERE person_id = ? ORDER BY seq",
                       e);
    if (!st)
        return -1;
    store_bind_text(st, 1, person_id);
    while ((rc = store_step(st, e)) == STORE_ROW) {
        struct access_log_row r;

        if (k == cap) {
            struct access_log_row *grown;
            cap = cap ? 2 * cap : 16;
            grown = arena_calloc(a, cap, sizeof(*grown));
            if (k)
                memcpy(grown, out, k * sizeof(*grown));
            out = grown;
        }
        row_from(st, 0, &r);
        out[k].seq = r.seq;
        out[k].at = r.at;
        out[k].login = arena_strdup(a, r.login);
        out[k].action = arena_strdup(a, r.action);
        out[k].object_type = arena_strdup(a, r.object_type);
        out[k].object_id = arena_strdup(a, r.object_id);
        out[k].person_id = arena_strdup(a, r.person_id);
        out[k].grant_used = arena_strdup(a, r.grant_used);
        k++;
    }
    store_finalize(st);
    if (rc < 0)
        return -1;
    *rows = out;
    *n = k;
    return 0;
}

/* A broken chain in the access log's words: "... altéré à la ligne n° 42", what was seen. */
static int tampered(enum chain_fault f, int64_t first_bad, int64_t a, int64_t b, struct err *e)
{
    err_set(e, ERR_TAMPERED, "journal des accès altéré à la ligne n° %lld", (long long)first_bad);
    switch (f) {
    case CHAIN_FAULT_GAP:
        err_detail(e,
                   "la ligne n° %lld manque : après la n° %lld vient la n° %lld "
                   "(ligne supprimée)",
                   (long long)a, (long long)(a - 1), (long long)b);
        break;
    case CHAIN_FAULT_ORDER:
        err_detail(e, "numéro de ligne inattendu : %lld à la place du %lld", (long long)b,
                   (long long)a);
        break;
    case CHAIN_FAULT_HASH_SIZE:
        err_detail(e, "l'empreinte enregistrée fait %zu octets au lieu de %d", (size_t)b,
                   ACCESS_LOG_HASH_BYTES);
        break;
    case CHAIN_FAULT_HASH:
        err_detail(e, "l'empreinte enregistrée ne correspond pas au contenu de la ligne "
                      "(contenu modifié, ou lignes échangées ou déplacées)");
        break;
    case CHAIN_FAULT_HEAD_GONE:
        err_detail(e, "la tête du journal des accès a disparu alors qu'il compte %lld lignes",
                   (long long)a);
        break;
    case CHAIN_FAULT_HEAD_AHEAD:
        err_detail(e,
                   "la tête annonce %lld lignes mais la dernière présente est la n° %lld : "
                   "des lignes ont été supprimées en fin de journal",
                   (long long)a, (long long)b);
        break;
    case CHAIN_FAULT_HEAD_BEHIND:
        err_detail(e,
                   "la tête s'arrête à la ligne n° %lld mais le journal va jusqu'à la "
                   "n° %lld : des lignes ont été ajoutées hors de proxima",
                   (long long)a, (long long)b);
        break;
    case CHAIN_FAULT_HEAD_HASH:
        err_detail(e, "l'empreinte de la tête ne correspond pas à celle de la dernière ligne : "
                      "la tête a été modifiée");
        break;
    }
    return err_hint(e, "n'écrivez plus dans cette base ; restaurez la dernière sauvegarde "
                       "intègre et signalez l'incident au délégué à la protection des données");
}

int access_log_verify(struct store *s, int64_t *count, int64_t *first_bad, struct err *e)
{
    unsigned char computed[ACCESS_LOG_HASH_BYTES], head_hash[ACCESS_LOG_HASH_BYTES];
    int64_t head_seq = 0;
    size_t head_n = 0;
    bool have_head = false, first = true;
    struct chain_verify v;
    struct store_stmt *st;
    int rc, out = -1;

    chain_verify_init(&v, tampered);
    if (count)
        *count = 0;
    if (first_bad)
        *first_bad = 0;
    /*
     * The head and the rows in one statement, so one snapshot; an empty log
     * still gives one row (the rows' columns NULL) carrying the head.
     */
    st = store_prepare(s,
                       "SELECT h.seq, h.hash, l.seq, l.at, l.login, l.action, l.object_type, "
                       "l.object_id, l.person_id, l.grant_used, l.hash "
                       "FROM (SELECT 1 AS one) AS o "
                       "LEFT JOIN access_log_head AS h ON h.id = 1 "
                       "LEFT JOIN access_log AS l ON 1 = 1 "
                       "ORDER BY l.seq",
                       e);
    if (!st)
        return -1;
    while ((rc = store_step(st, e)) == STORE_ROW) {
        struct access_log_row r;
        const void *stored;
        size_t n;

        if (first) {
            first = false;
            if (!store_column_is_null(st, 0)) {
                const void *h = store_column_blob(st, 1, &head_n);
                have_head = true;
                head_seq = store_column_int64(st, 0);
                if (head_n == ACCESS_LOG_HASH_BYTES)
                    memcpy(head_hash, h, ACCESS_LOG_HASH_BYTES);
            }
        }
        if (store_column_is_null(st, 2))
            continue; /* the log is empty */
        row_from(st, 2, &r);
        stored = store_column_blob(st, 10, &n);
        access_log_hash(v.prev, &r, computed);
        if (chain_verify_row(&v, r.seq, computed, stored, n, e) != 0)
            goto out;
    }
    if (rc < 0)
        goto out;
    out = chain_verify_head(&v, have_head, head_seq, head_hash, head_n, e);
out:
    store_finalize(st);
    if (count)
        *count = v.count;
    if (first_bad)
        *first_bad = v.first_bad;
    return out;
}

/*
 * journal.c: appending to the hash-chained event journal, checking the chain
 * and reading it back in order (for replay and export). The encoding hashed
 * is described in journal.h; the tables are migration 1 of store/schema.c.
 */
#include "core/compat.h"
#include "journal/journal.h"

#include <time.h>

#include "journal/chain.h"

static_assert(JOURNAL_HASH_BYTES == CHAIN_HASH_BYTES, "the journal is a chain.h chain");

/* journal_hash, the payload being plen bytes long. */
static void hash_event(const unsigned char prev[JOURNAL_HASH_BYTES], const struct journal_event *ev,
                       size_t plen, unsigned char out[JOURNAL_HASH_BYTES])
{
    struct chain_hasher h;

    chain_hasher_init(&h, prev);
    chain_hasher_int(&h, ev->seq);
    chain_hasher_int(&h, ev->recorded_at);
    chain_hasher_text(&h, ev->type);
    chain_hasher_text(&h, ev->actor);
    chain_hasher_text(&h, ev->subject);
    chain_hasher_text(&h, ev->reason);
    chain_hasher_textn(&h, ev->payload, plen);
    chain_hasher_final(&h, out);
}

static size_t payload_len(const struct journal_event *ev)
{
    return ev->payload_len ? ev->payload_len : strlen(ev->payload);
}

void journal_hash(const unsigned char prev[JOURNAL_HASH_BYTES], const struct journal_event *ev,
                  unsigned char out[JOURNAL_HASH_BYTES])
{
    hash_event(prev, ev, payload_len(ev), out);
}

/* Fill ev from columns 0..6 (seq, recorded_at, type, actor, subject, reason, payload). */
static void row_to_event(struct store_stmt *st, struct journal_event *ev)
{
    ev->seq = store_column_int64(st, 0);
    ev->recorded_at = store_column_int64(st, 1);
    ev->type = store_column_text(st, 2);
    ev->actor = store_column_text(st, 3);
    ev->subject = store_column_text(st, 4);
    ev->reason = store_column_text(st, 5);
    ev->payload = store_column_text(st, 6);
    ev->payload_len = 0;
}

/* Remember the head for the rest of the current transaction. */
static void remember_head(struct store *s, int64_t seq,
                          const unsigned char hash[JOURNAL_HASH_BYTES])
{
    s->journal_head.epoch = s->tx_epoch;
    s->journal_head.seq = seq;
    memcpy(s->journal_head.hash, hash, JOURNAL_HASH_BYTES);
}

/* Read the head in the current transaction: seq 0 and zero hash when empty. */
static int read_head(struct store *s, int64_t *seq, unsigned char hash[JOURNAL_HASH_BYTES],
                     struct err *e)
{
    size_t n;
    int rc =
        chain_head_read(s, "SELECT seq, hash FROM journal_head WHERE id = 1", seq, hash, &n, e);

    if (rc <= 0)
        return rc;
    err_set(e, ERR_TAMPERED, "tête du journal illisible : ajout refusé");
    err_detail(e, "événement n° %lld, empreinte de %zu octets", (long long)*seq, n);
    return err_hint(e, "lancez « proxima journal verify »");
}

static_assert(JOURNAL_HASH_BYTES == STORE_HEAD_HASH_BYTES, "the head cache holds a journal hash");

/*
 * The head as of now in the current transaction: from the store's memory
 * when this transaction already read or wrote it, else from journal_head.
 */
static int current_head(struct store *s, int64_t *seq, unsigned char hash[JOURNAL_HASH_BYTES],
                        struct err *e)
{
    struct store_head_cache *h = &s->journal_head;

    if (s->in_tx && h->epoch == s->tx_epoch) {
        *seq = h->seq;
        memcpy(hash, h->hash, JOURNAL_HASH_BYTES);
        return 0;
    }
    if (read_head(s, seq, hash, e) != 0)
        return -1;
    if (s->in_tx)
        remember_head(s, *seq, hash);
    return 0;
}

static int write_head(struct store *s, int64_t seq, const unsigned char hash[JOURNAL_HASH_BYTES],
                      struct err *e)
{
    return chain_head_write(
        s,
        "INSERT INTO journal_head (id, seq, hash) VALUES (1, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        seq, hash, e);
}

void journal_defer_head(struct store *s)
{
    assert(s->in_tx);
    s->journal_head.deferred = true;
}

int journal_flush_head(struct store *s, struct err *e)
{
    struct store_head_cache *h = &s->journal_head;

    if (!h->pending)
        return 0;
    /* pending only while the appends that set it are still in the transaction */
    if (!s->in_tx || h->epoch != s->tx_epoch)
        return err_set(e, ERR_INTERNAL, "tête du journal perdue avant d'être écrite (bogue)");
    if (write_head(s, h->seq, h->hash, e) != 0)
        return -1;
    h->pending = false;
    return 0;
}

int journal_next_seq(struct store *s, int64_t *seq, struct err *e)
{
    unsigned char hash[JOURNAL_HASH_BYTES];
    int64_t head;

    if (current_head(s, &head, hash, e) != 0)
        return -1;
    *seq = head + 1;
    return 0;
}

/*
 * Whether the journal's last row is the head's, so that a row inserted
 * without its seq gets head + 1 from SQLite (the rowid after the largest):
 * asked once per transaction epoch, for deferred appends only. Inserting at
 * the end that way spares SQLite the search for the seq in the table's
 * B-tree, which an explicit seq needs to refuse a duplicate. A journal
 * whose rows and head disagree (altered) gets the explicit seq, as always.
 */
static int tail_is_head(struct store *s, int64_t head, bool *ok, struct err *e)
{
    struct store_head_cache *h = &s->journal_head;
    struct store_stmt *st;
    int rc;

    if (h->tail_epoch == s->tx_epoch) {
        *ok = h->tail_ok;
        return 0;
    }
    st = store_prepare(s, "SELECT max(seq) FROM journal", e);
    if (!st)
        return -1;
    rc = store_step(st, e);
    *ok = rc == STORE_ROW && (store_column_is_null(st, 0) ? 0 : store_column_int64(st, 0)) == head;
    store_finalize(st);
    if (rc < 0)
        return -1;
    h->tail_epoch = s->tx_epoch;
    h->tail_ok = *ok;
    return 0;
}

int journal_append(struct store *s, struct journal_event *ev,
                   unsigned char hash_out[JOURNAL_HASH_BYTES], struct err *e)
{
    unsigned char prev[JOURNAL_HASH_BYTES], hash[JOURNAL_HASH_BYTES];
    struct store_stmt *st;
    int64_t head;
    size_t plen;
    bool at_end = false;
    int k;

    if (!s->in_tx)
        return err_set(e, ERR_INTERNAL, "écriture au journal hors d'une transaction (bogue)");
    if (!ev->type || !*ev->type)
        return err_set(e, ERR_INVALID, "événement de journal sans type");
    if (!ev->actor || !*ev->actor)
        return err_set(e, ERR_INVALID, "événement de journal « %s » sans auteur", ev->type);
    if (!ev->payload)
        return err_set(e, ERR_INVALID, "événement de journal « %s » sans contenu", ev->type);
    if (!ev->subject)
        ev->subject = "";
    if (!ev->reason)
        ev->reason = "";
    if (current_head(s, &head, prev, e) != 0)
        return -1;
    ev->seq = head + 1;
    if (ev->recorded_at == 0)
        ev->recorded_at = (int64_t)time(NULL);
    plen = payload_len(ev);
    hash_event(prev, ev, plen, hash);

    if (s->journal_head.deferred && tail_is_head(s, head, &at_end, e) != 0)
        return -1;
    if (at_end)
        st = store_prepare(s,
                           "INSERT INTO journal (recorded_at, type, actor, subject, reason, "
                           "payload, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           e);
    else
        st = store_prepare(s,
                           "INSERT INTO journal (seq, recorded_at, type, actor, subject, reason, "
                           "payload, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           e);
    if (!st)
        return -1;
    k = at_end ? 0 : 1;
    if (!at_end)
        store_bind_int64(st, 1, ev->seq);
    store_bind_int64(st, k + 1, ev->recorded_at);
    store_bind_text_static(st, k + 2, ev->type);
    store_bind_text_static(st, k + 3, ev->actor);
    store_bind_text_static(st, k + 4, ev->subject);
    store_bind_text_static(st, k + 5, ev->reason);
    store_bind_textn_static(st, k + 6, ev->payload, plen);
    store_bind_blob_static(st, k + 7, hash, sizeof(hash));
    if (store_step_done(st, e) != 0)
        return -1;
    if (at_end && s->ops->last_insert_id(s) != ev->seq)
        return err_set(e, ERR_INTERNAL,
                       "événement n° %lld inscrit au journal sous le n° %lld (bogue)",
                       (long long)ev->seq, (long long)s->ops->last_insert_id(s));

    if (s->journal_head.deferred) {
        s->journal_head.pending = true; /* journal_flush_head writes it */
    } else if (write_head(s, ev->seq, hash, e) != 0) {
        s->journal_head.epoch = 0; /* the caller rolls back; forget anyway */
        return -1;
    }
    remember_head(s, ev->seq, hash);
    if (hash_out)
        memcpy(hash_out, hash, sizeof(hash));
    return 0;
}

/* A broken chain in the journal's words: "journal altéré à l'événement n° 42", what was seen. */
static int tampered(enum chain_fault f, int64_t first_bad, int64_t a, int64_t b, struct err *e)
{
    err_set(e, ERR_TAMPERED, "journal altéré à l'événement n° %lld", (long long)first_bad);
    switch (f) {
    case CHAIN_FAULT_GAP:
        err_detail(e,
                   "l'événement n° %lld manque : après le n° %lld vient le n° %lld "
                   "(événement supprimé)",
                   (long long)a, (long long)(a - 1), (long long)b);
        break;
    case CHAIN_FAULT_ORDER:
        err_detail(e, "numéro d'événement inattendu : %lld à la place du n° %lld", (long long)b,
                   (long long)a);
        break;
    case CHAIN_FAULT_HASH_SIZE:
        err_detail(e, "l'empreinte enregistrée fait %zu octets au lieu de %d", (size_t)b,
                   JOURNAL_HASH_BYTES);
        break;
    case CHAIN_FAULT_HASH:
        err_detail(e, "l'empreinte enregistrée ne correspond pas au contenu de l'événement "
                      "(contenu modifié, ou événements échangés ou déplacés)");
        break;
    case CHAIN_FAULT_HEAD_GONE:
        err_detail(e,
                   "la tête du journal a disparu alors que le journal compte %lld "
                   "événements",
                   (long long)a);
        break;
    case CHAIN_FAULT_HEAD_AHEAD:
        err_detail(e,
                   "la tête du journal annonce %lld événements mais le dernier présent "
                   "est le n° %lld : des événements ont été supprimés en fin de journal",
                   (long long)a, (long long)b);
        break;
    case CHAIN_FAULT_HEAD_BEHIND:
        err_detail(e,
                   "la tête du journal s'arrête à l'événement n° %lld mais le journal "
                   "va jusqu'au n° %lld : des événements ont été ajoutés hors de proxima",
                   (long long)a, (long long)b);
        break;
    case CHAIN_FAULT_HEAD_HASH:
        err_detail(e, "l'empreinte de la tête du journal ne correspond pas à celle du "
                      "dernier événement : la tête a été modifiée");
        break;
    }
    return err_hint(e, "n'écrivez plus dans cette base ; restaurez la dernière sauvegarde "
                       "intègre et signalez l'incident");
}

/*
 * The journal is empty: the head must be absent. One statement, so one
 * snapshot; *raced is set when events appeared since the walk began.
 */
static int verify_empty(struct store *s, struct chain_verify *v, bool *raced, struct err *e)
{
    struct store_stmt *st;
    int rc, out = 0;

    *raced = false;
    st = store_prepare(s,
                       "SELECT seq, hash, EXISTS (SELECT 1 FROM journal) FROM journal_head "
                       "WHERE id = 1",
                       e);
    if (!st)
        return -1;
    rc = store_step(st, e);
    if (rc < 0) {
        out = -1;
    } else if (rc == STORE_ROW) {
        if (store_column_int64(st, 2) != 0) {
            *raced = true;
        } else {
            size_t n;
            const void *h = store_column_blob(st, 1, &n);
            out = chain_verify_head(v, true, store_column_int64(st, 0), h, n, e);
        }
    }
    store_finalize(st);
    return out;
}

static int verify_once(struct store *s, struct journal_verify_result *res, bool *raced,
                       struct err *e)
{
    unsigned char computed[JOURNAL_HASH_BYTES], head_hash[JOURNAL_HASH_BYTES];
    size_t head_n = 0;
    int64_t head_seq = 0;
    bool have_head = false;
    struct chain_verify v;
    struct store_stmt *st;
    int rc, out = -1;

    res->events = 0;
    res->first_bad = 0;
    *raced = false;
    chain_verify_init(&v, tampered);
    /* the head comes with every row, so that it belongs to the same snapshot */
    st = store_prepare(s,
                       "SELECT seq, recorded_at, type, actor, subject, reason, payload, hash, "
                       "(SELECT seq FROM journal_head WHERE id = 1), "
                       "(SELECT hash FROM journal_head WHERE id = 1) "
                       "FROM journal ORDER BY seq",
                       e);
    if (!st)
        return -1;
    while ((rc = store_step(st, e)) == STORE_ROW) {
        struct journal_event ev;
        const void *stored;
        size_t n;

        if (v.expected == 1 && !store_column_is_null(st, 8)) {
            const void *h = store_column_blob(st, 9, &head_n);
            have_head = true;
            head_seq = store_column_int64(st, 8);
            if (head_n == JOURNAL_HASH_BYTES)
                memcpy(head_hash, h, JOURNAL_HASH_BYTES);
        }
        row_to_event(st, &ev);
        stored = store_column_blob(st, 7, &n);
        journal_hash(v.prev, &ev, computed);
        if (chain_verify_row(&v, ev.seq, computed, stored, n, e) != 0)
            goto out;
    }
    if (rc < 0)
        goto out;
    if (v.count == 0)
        out = verify_empty(s, &v, raced, e);
    else
        out = chain_verify_head(&v, have_head, head_seq, head_hash, head_n, e);

out:
    store_finalize(st);
    res->events = v.count;
    res->first_bad = v.first_bad;
    return out;
}

int journal_verify(struct store *s, struct journal_verify_result *res, struct err *e)
{
    bool raced = false;

    /* an empty journal that filled up while we looked: look again */
    for (int attempt = 0; attempt < 3; attempt++) {
        if (verify_once(s, res, &raced, e) != 0)
            return -1;
        if (!raced)
            return 0;
    }
    err_set(e, ERR_CONFLICT, "le journal change trop vite pour être vérifié");
    return err_hint(e, "relancez la vérification");
}

int journal_foreach(struct store *s, int64_t after,
                    int (*fn)(const struct journal_event *ev, void *ctx), void *ctx, struct err *e)
{
    struct store_stmt *st;
    int rc;

    st = store_prepare(s,
                       "SELECT seq, recorded_at, type, actor, subject, reason, payload "
                       "FROM journal WHERE seq > ? ORDER BY seq",
                       e);
    if (!st)
        return -1;
    store_bind_int64(st, 1, after);
    while ((rc = store_step(st, e)) == STORE_ROW) {
        struct journal_event ev;
        int r;

        row_to_event(st, &ev);
        r = fn(&ev, ctx);
        if (r != 0) {
            store_finalize(st);
            return r;
        }
    }
    store_finalize(st);
    return rc < 0 ? -1 : 0;
}

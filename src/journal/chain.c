/*
 * chain.c: the hash chain shared by the event journal (journal.c) and the
 * access log (access/log.c): field encoding, head row, and the check of rows
 * read in seq order. Each log keeps its tables, its fields and its messages;
 * the encoding is described in chain.h.
 */
#include "core/compat.h"
#include "journal/chain.h"

#include <pthread.h>

const unsigned char chain_zero_hash[CHAIN_HASH_BYTES];

/* Hand the bytes gathered so far to BLAKE2b. */
static void flush(struct chain_hasher *h)
{
    if (h->n)
        crypto_generichash_update(&h->st, h->buf, h->n);
    h->n = 0;
}

static void absorb(struct chain_hasher *h, const void *p, size_t n)
{
    if (n > sizeof(h->buf) - h->n) {
        flush(h);
        if (n >= sizeof(h->buf)) {
            crypto_generichash_update(&h->st, p, n);
            return;
        }
    }
    memcpy(h->buf + h->n, p, n);
    h->n += n;
}

/* v as 8 bytes big-endian. */
static void put_u64(struct chain_hasher *h, uint64_t v)
{
    unsigned char *b;

    if (sizeof(h->buf) - h->n < 8)
        flush(h);
    b = h->buf + h->n;
    b[0] = (unsigned char)(v >> 56);
    b[1] = (unsigned char)(v >> 48);
    b[2] = (unsigned char)(v >> 40);
    b[3] = (unsigned char)(v >> 32);
    b[4] = (unsigned char)(v >> 24);
    b[5] = (unsigned char)(v >> 16);
    b[6] = (unsigned char)(v >> 8);
    b[7] = (unsigned char)v;
    h->n += 8;
}

static void sodium_start(void)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "proxima: libsodium initialisation failed\n");
        abort();
    }
}

void chain_hasher_init(struct chain_hasher *h, const unsigned char prev[CHAIN_HASH_BYTES])
{
    /* sodium_init takes a lock at every call: once per process is enough */
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, sodium_start);
    crypto_generichash_init(&h->st, NULL, 0, CHAIN_HASH_BYTES);
    memcpy(h->buf, prev, CHAIN_HASH_BYTES);
    h->n = CHAIN_HASH_BYTES;
}

void chain_hasher_int(struct chain_hasher *h, int64_t v)
{
    put_u64(h, 8);
    put_u64(h, (uint64_t)v);
}

void chain_hasher_textn(struct chain_hasher *h, const char *s, size_t n)
{
    put_u64(h, (uint64_t)n);
    if (n)
        absorb(h, s, n);
}

void chain_hasher_text(struct chain_hasher *h, const char *s)
{
    chain_hasher_textn(h, s, s ? strlen(s) : 0);
}

void chain_hasher_final(struct chain_hasher *h, unsigned char out[CHAIN_HASH_BYTES])
{
    flush(h);
    crypto_generichash_final(&h->st, out, CHAIN_HASH_BYTES);
}

void chain_hex(char *out, const unsigned char *bin, size_t n)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bin[i] >> 4];
        out[2 * i + 1] = digits[bin[i] & 15];
    }
    out[2 * n] = '\0';
}

int chain_head_read(struct store *s, const char *sql, int64_t *seq,
                    unsigned char hash[CHAIN_HASH_BYTES], size_t *n, struct err *e)
{
    struct store_stmt *st;
    const void *h;
    int rc;

    *seq = 0;
    *n = 0;
    memcpy(hash, chain_zero_hash, CHAIN_HASH_BYTES);
    st = store_prepare(s, sql, e);
    if (!st)
        return -1;
    rc = store_step(st, e);
    if (rc == STORE_ROW) {
        *seq = store_column_int64(st, 0);
        h = store_column_blob(st, 1, n);
        if (*n != CHAIN_HASH_BYTES || *seq < 1) {
            store_finalize(st);
            return 1;
        }
        memcpy(hash, h, CHAIN_HASH_BYTES);
    }
    store_finalize(st);
    return rc < 0 ? -1 : 0;
}

int chain_head_write(struct store *s, const char *sql, int64_t seq,
                     const unsigned char hash[CHAIN_HASH_BYTES], struct err *e)
{
    struct store_stmt *st = store_prepare(s, sql, e);

    if (!st)
        return -1;
    store_bind_int64(st, 1, seq);
    store_bind_blob_static(st, 2, hash, CHAIN_HASH_BYTES);
    return store_step_done(st, e);
}

void chain_verify_init(struct chain_verify *v, chain_fault_fn fault)
{
    memcpy(v->prev, chain_zero_hash, CHAIN_HASH_BYTES);
    v->expected = 1;
    v->count = 0;
    v->first_bad = 0;
    v->fault = fault;
}

/* Record where the chain breaks and let the log describe it. */
static int fault(struct chain_verify *v, enum chain_fault f, int64_t first_bad, int64_t a,
                 int64_t b, struct err *e)
{
    v->first_bad = first_bad;
    return v->fault(f, first_bad, a, b, e);
}

int chain_verify_row(struct chain_verify *v, int64_t seq,
                     const unsigned char computed[CHAIN_HASH_BYTES], const void *stored, size_t n,
                     struct err *e)
{
    if (seq > v->expected)
        return fault(v, CHAIN_FAULT_GAP, v->expected, v->expected, seq, e);
    if (seq < v->expected)
        return fault(v, CHAIN_FAULT_ORDER, v->expected, v->expected, seq, e);
    if (n != CHAIN_HASH_BYTES)
        return fault(v, CHAIN_FAULT_HASH_SIZE, seq, seq, (int64_t)n, e);
    if (memcmp(computed, stored, CHAIN_HASH_BYTES) != 0)
        return fault(v, CHAIN_FAULT_HASH, seq, seq, 0, e);
    memcpy(v->prev, computed, CHAIN_HASH_BYTES);
    v->count++;
    v->expected++;
    return 0;
}

int chain_verify_head(struct chain_verify *v, bool have_head, int64_t head_seq,
                      const void *head_hash, size_t head_n, struct err *e)
{
    int64_t last = v->expected - 1;

    if (!have_head) {
        if (last == 0)
            return 0;
        return fault(v, CHAIN_FAULT_HEAD_GONE, 1, last, 0, e);
    }
    if (head_seq > last)
        return fault(v, CHAIN_FAULT_HEAD_AHEAD, last + 1, head_seq, last, e);
    if (head_seq < last)
        return fault(v, CHAIN_FAULT_HEAD_BEHIND, head_seq + 1, head_seq, last, e);
    if (head_n != CHAIN_HASH_BYTES || memcmp(head_hash, v->prev, CHAIN_HASH_BYTES) != 0)
        return fault(v, CHAIN_FAULT_HEAD_HASH, last, last, 0, e);
    return 0;
}

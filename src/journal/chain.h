/*
 * chain.h: the hash chain under proxima's two tamper-evident logs, the event
 * journal (journal.h) and the access log (access.h).
 *
 * Each log keeps its own tables, its own fields and its own words in error
 * messages; this module holds what they share: the unambiguous encoding of
 * the fields into a BLAKE2b-256 state, the head row that records the last
 * seq and hash (so that rows removed at the end are detected), and the walk
 * that checks rows read in seq order against that head.
 *
 *   hash(0) = 32 zero bytes (chain_zero_hash)
 *   hash(n) = BLAKE2b-256(hash(n-1) || F(field 1) || F(field 2) || ...)
 *
 * where F(x) is x's length in bytes as 8 bytes big-endian followed by its
 * bytes; an integer is its 8-byte big-endian two's complement (so F of an
 * integer is 00 00 00 00 00 00 00 08 then its 8 bytes); a text is its UTF-8
 * bytes with no terminating NUL.
 */
#ifndef PROXIMA_JOURNAL_CHAIN_H
#define PROXIMA_JOURNAL_CHAIN_H

#include <sodium.h>

#include "core/compat.h"
#include "core/err.h"
#include "store/store.h"

#define CHAIN_HASH_BYTES 32

/* hash(0): 32 zero bytes. */
extern const unsigned char chain_zero_hash[CHAIN_HASH_BYTES];

/*
 * One link being hashed: chain_hasher_init, the fields in order,
 * chain_hasher_final. The encoded fields are gathered in buf and given to
 * BLAKE2b in as few updates as possible (one for a journal event of usual
 * size): each update has a fixed cost, and a link is about a dozen fields.
 * The bytes hashed, so the hash, are the same however they are split.
 */
#define CHAIN_HASHER_BUF 1024
struct chain_hasher {
    crypto_generichash_state st;
    size_t n; /* bytes waiting in buf */
    unsigned char buf[CHAIN_HASHER_BUF];
};

/*
 * Start the hash of the row following prev (BLAKE2b-256, prev absorbed
 * first). Initialises libsodium; aborts when it cannot (nothing can be
 * appended or checked without it).
 */
void chain_hasher_init(struct chain_hasher *h, const unsigned char prev[CHAIN_HASH_BYTES]);

/* Absorb F(v) for an integer field. */
void chain_hasher_int(struct chain_hasher *h, int64_t v);

/* Absorb F(s) for a text field; NULL counts as "". */
void chain_hasher_text(struct chain_hasher *h, const char *s);

/* Absorb F(s) for a text field of n bytes (no NUL needed). */
void chain_hasher_textn(struct chain_hasher *h, const char *s, size_t n);

/* Write the link's hash to out; h may not be used again before chain_hasher_init. */
void chain_hasher_final(struct chain_hasher *h, unsigned char out[CHAIN_HASH_BYTES]);

/* Lower-case hexadecimal of the n bytes at bin into out (2 * n + 1 bytes, NUL-terminated). */
void chain_hex(char *out, const unsigned char *bin, size_t n);

/*
 * Read a log's head in the current transaction with sql, a statement
 * returning no row (empty log) or one row (seq, hash). Returns 0 with *seq
 * and hash filled (0 and chain_zero_hash when empty); 1 when the head is
 * malformed (seq < 1 or hash not CHAIN_HASH_BYTES long), *seq and *n then
 * telling what was found, for the caller's message; -1 with e filled on
 * storage errors. n may not be NULL.
 */
int chain_head_read(struct store *s, const char *sql, int64_t *seq,
                    unsigned char hash[CHAIN_HASH_BYTES], size_t *n, struct err *e);

/*
 * Record (seq, hash) as a log's head with sql, an upsert taking seq as
 * parameter 1 and hash as parameter 2. Returns 0, or -1 with e filled.
 */
int chain_head_write(struct store *s, const char *sql, int64_t seq,
                     const unsigned char hash[CHAIN_HASH_BYTES], struct err *e);

/* What a chain walk found wrong; a and b are passed to the log's fault function. */
enum chain_fault {
    CHAIN_FAULT_GAP,         /* seq a is missing: seq b (> a) follows seq a - 1 */
    CHAIN_FAULT_ORDER,       /* seq b (< a) stands where seq a was expected */
    CHAIN_FAULT_HASH_SIZE,   /* row a's stored hash is b bytes long */
    CHAIN_FAULT_HASH,        /* row a's stored hash is not the one computed */
    CHAIN_FAULT_HEAD_GONE,   /* no head, but a rows */
    CHAIN_FAULT_HEAD_AHEAD,  /* the head says a rows, the last present is seq b (< a) */
    CHAIN_FAULT_HEAD_BEHIND, /* the head stops at seq a, the rows go up to seq b (> a) */
    CHAIN_FAULT_HEAD_HASH,   /* the head's hash is not that of row a, the last */
};

/*
 * Describe fault f in e, in the log's own words (ERR_TAMPERED, "... altéré
 * à ... n° first_bad", a detail built from a and b, a hint), and return -1.
 */
typedef int (*chain_fault_fn)(enum chain_fault f, int64_t first_bad, int64_t a, int64_t b,
                              struct err *e);

/* A walk over a log's rows, read in seq order, then over its head. */
struct chain_verify {
    unsigned char prev[CHAIN_HASH_BYTES]; /* hash of the last row accepted (zero before any) */
    int64_t expected;                     /* seq the next row must carry: 1, 2, 3... */
    int64_t count;                        /* rows accepted */
    int64_t first_bad;                    /* 0, or the seq where the chain breaks */
    chain_fault_fn fault;
};

/* Start a walk at seq 1 after chain_zero_hash; fault describes what goes wrong. */
void chain_verify_init(struct chain_verify *v, chain_fault_fn fault);

/*
 * Check the next row: its seq, its stored hash (n bytes at stored) and the
 * hash computed from its fields after v->prev. Returns 0 and advances the
 * walk when the row links; -1 with v->first_bad set and e filled through
 * v->fault otherwise (the walk must then stop).
 */
int chain_verify_row(struct chain_verify *v, int64_t seq,
                     const unsigned char computed[CHAIN_HASH_BYTES], const void *stored, size_t n,
                     struct err *e);

/*
 * After the last row: check the head read in the same snapshot (absent when
 * !have_head; head_n bytes at head_hash) against the last row accepted (or
 * against seq 0 and the zero hash for an empty log). Returns 0, or -1 as
 * chain_verify_row.
 */
int chain_verify_head(struct chain_verify *v, bool have_head, int64_t head_seq,
                      const void *head_hash, size_t head_n, struct err *e);

#endif

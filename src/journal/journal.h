/*
 * journal.h: the append-only, hash-chained event journal.
 *
 * Every change to proxima's data is an event appended here, in the same
 * transaction as the projections it updates. Each event's hash is
 * BLAKE2b-256 over the previous event's hash and an unambiguous
 * (length-prefixed) encoding of the event's fields, so altering, removing or
 * reordering any event breaks the chain at that point, and
 * journal_verify() names the first bad sequence number.
 * SQL triggers forbid UPDATE and DELETE on the journal table; the chain
 * catches what goes around them (direct edits of the database file).
 * The mechanism (encoding, head row, verification walk) is journal/chain.h's,
 * shared with the access log.
 */
#ifndef PROXIMA_JOURNAL_JOURNAL_H
#define PROXIMA_JOURNAL_JOURNAL_H

#include "core/compat.h"
#include "core/err.h"
#include "store/store.h"

#define JOURNAL_HASH_BYTES 32

/*
 * The chain, exactly (so that an exported journal can be checked elsewhere):
 *
 *   hash(0) = 32 zero bytes
 *   hash(n) = BLAKE2b-256(hash(n-1) || F(seq) || F(recorded_at) || F(type)
 *                         || F(actor) || F(subject) || F(reason) || F(payload))
 *
 * where F(x) is x's length in bytes as 8 bytes big-endian followed by its
 * bytes; an integer is its 8-byte big-endian two's complement (so F(seq) is
 * 00 00 00 00 00 00 00 08 then the 8 bytes of seq); a text is its UTF-8
 * bytes with no terminating NUL. journal_head holds the seq and hash of the
 * last event, so that removing events at the end is detected too.
 */

struct journal_event {
    int64_t seq;         /* assigned by journal_append, 1, 2, 3... */
    int64_t recorded_at; /* instant, seconds since the epoch (UTC) */
    const char *type;    /* "ref.loaded", "dossier.opened"... */
    const char *actor;   /* user login or "system" */
    const char *subject; /* id of the object concerned, may be "" */
    const char *reason;  /* why, may be "" */
    const char *payload; /* JSON object text */
    size_t payload_len;  /* payload's length in bytes; 0: NUL-terminated, strlen */
};

/*
 * Append ev to the journal. Must be called inside a store transaction
 * (ERR_INTERNAL otherwise). The head row is read at the first append of a
 * transaction only (then remembered), and written at every append (unless
 * deferred, see journal_defer_head), so the committed table is always what
 * journal_verify expects. ev->seq and ev->recorded_at are filled in
 * (recorded_at from the clock when 0). hash_out (may be NULL) receives the
 * new chain head. type, actor and payload are required (ERR_INVALID);
 * NULL subject or reason are stored as "".
 */
int journal_append(struct store *s, struct journal_event *ev,
                   unsigned char hash_out[JOURNAL_HASH_BYTES], struct err *e);

/*
 * For a transaction appending many events (an import): from now until
 * journal_flush_head, journal_append does not write the head row, which is
 * written once by journal_flush_head, to be called before the commit (the
 * store refuses to commit before). A rollback ends the deferral.
 */
void journal_defer_head(struct store *s);
int journal_flush_head(struct store *s, struct err *e);

/*
 * The seq the next appended event will have (the head's seq + 1), read in
 * the current transaction. Inside a transaction the head is remembered
 * (store.h's journal_head) from the first read or append on, so a
 * transaction appending many events reads journal_head once.
 */
int journal_next_seq(struct store *s, int64_t *seq, struct err *e);

/*
 * Compute the hash of ev (its seq and recorded_at as given) chained after
 * prev. NULL subject or reason count as "". For journal_append, and for
 * checking an exported journal.
 */
void journal_hash(const unsigned char prev[JOURNAL_HASH_BYTES], const struct journal_event *ev,
                  unsigned char out[JOURNAL_HASH_BYTES]);

struct journal_verify_result {
    int64_t events;    /* events checked */
    int64_t first_bad; /* first bad sequence number, 0 if none */
};

/*
 * Re-compute the chain from the first event. Returns 0 when it is intact;
 * -1 with ERR_TAMPERED and first_bad set when an event was altered, removed
 * or reordered (or the recorded head does not match the last event), or with
 * another code on storage errors.
 * The events and the head are read in one statement, so one consistent
 * snapshot, without blocking writers; res may not be NULL.
 */
int journal_verify(struct store *s, struct journal_verify_result *res, struct err *e);

/*
 * Call fn for each event with seq > after, in order; stops early and
 * returns fn's value when it is non-zero. For replay and export.
 * The event's strings are valid only during the call. Returns 0 when every
 * event was passed, -1 with e filled on storage errors.
 */
int journal_foreach(struct store *s, int64_t after,
                    int (*fn)(const struct journal_event *ev, void *ctx), void *ctx, struct err *e);

#endif

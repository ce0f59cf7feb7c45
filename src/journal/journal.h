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
 */
#ifndef PROXIMA_JOURNAL_JOURNAL_H
#define PROXIMA_JOURNAL_JOURNAL_H

#include "core/compat.h"
#include "core/err.h"
#include "store/store.h"

#define JOURNAL_HASH_BYTES 32

struct journal_event {
    int64_t seq;             /* assigned by journal_append, 1, 2, 3... */
    int64_t recorded_at;     /* instant, seconds since the epoch (UTC) */
    const char *type;        /* "ref.loaded", "dossier.opened"... */
    const char *actor;       /* user login or "system" */
    const char *subject;     /* id of the object concerned, may be "" */
    const char *reason;      /* why, may be "" */
    const char *payload;     /* JSON object text */
};

/*
 * Append ev to the journal. Must be called inside a store transaction.
 * ev->seq and ev->recorded_at are filled in (recorded_at from the clock when
 * 0). hash_out (may be NULL) receives the new chain head.
 */
int journal_append(struct store *s, struct journal_event *ev,
                   unsigned char hash_out[JOURNAL_HASH_BYTES], struct err *e);

struct journal_verify_result {
    int64_t events;    /* events checked */
    int64_t first_bad; /* first bad sequence number, 0 if none */
};

/*
 * Re-compute the chain from the first event. Returns 0 when it is intact;
 * -1 with ERR_TAMPERED and first_bad set when an event was altered, removed
 * or reordered (or the recorded head does not match the last event), or with
 * another code on storage errors.
 */
int journal_verify(struct store *s, struct journal_verify_result *res, struct err *e);

/*
 * Call fn for each event with seq > after, in order; stops early and
 * returns fn's value when it is non-zero. For replay and export.
 */
int journal_foreach(struct store *s, int64_t after,
                    int (*fn)(const struct journal_event *ev, void *ctx), void *ctx,
                    struct err *e);

#endif

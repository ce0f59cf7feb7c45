/*
 * exchange.h: the journal's external form (docs/FORMAT.md), both ways.
 *
 * An export is a JSON Lines file: a header line, then one line per event of
 * the case layer (persons, households, organisations, dossiers, acts,
 * commissions) in journal order. Referential and user events and the access
 * log stay in the database. An import reads such a file and applies every
 * event through case_emit(), the path every interactive operation takes, so
 * an imported event is validated exactly like a typed one; it is all or
 * nothing, in one transaction.
 *
 * The round trip is exact: importing an export into a fresh database with
 * the same referential and catalogue gives the same case_projection_digest,
 * and exporting it again gives the same bytes but for the header's date.
 */
#ifndef PROXIMA_CASE_EXCHANGE_H
#define PROXIMA_CASE_EXCHANGE_H

#include "core/compat.h"
#include "core/date.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "case/case.h"
#include "store/store.h"

#define CASE_EXCHANGE_FORMAT  "proxima-journal"
#define CASE_EXCHANGE_VERSION 1
/* The Département whose journal this program keeps (case_site_parse knows only it). */
#define CASE_EXCHANGE_DEPARTEMENT "62"
/* Errors reported before an import gives up (proxima import --max-erreurs). */
#define CASE_EXCHANGE_MAX_ERRORS 20
/* Room for the event types in per-type counts (a static assert checks it). */
#define CASE_EXCHANGE_TYPES_MAX 32
/* The capability an agent needs to import or replay (roles.json). */
#define CASE_EXCHANGE_CAPABILITY "import"

/*
 * Which events to export. Zero values mean "no bound". Seq bounds are
 * journal positions (inclusive); date bounds are the Paris civil date on
 * which an event was recorded (inclusive), not the business date inside the
 * event. exported_at is the header's instant (0: now), fixed by tests.
 */
struct case_export_options {
    int64_t from_seq, to_seq;
    bool has_from, has_to;
    date_t from, to;
    int64_t exported_at;
};

struct case_export_stats {
    int64_t events;              /* event lines written */
    int64_t first_seq, last_seq; /* journal positions exported, 0 when none */
};

/*
 * Write the header and the selected events to exactly one of out (a FILE,
 * checked with ferror at the end: ERR_IO) or sb (appended; ERR_TOO_LARGE if
 * it fails). The selection is fixed when the export starts (events appended
 * meanwhile are left out), so the header's count always matches the lines.
 * A reversed range (from after to) is ERR_USAGE; an empty one is a valid
 * file with "evenements": 0. stats may be NULL.
 */
int case_export(struct store *s, const struct case_export_options *o, FILE *out, struct strbuf *sb,
                struct case_export_stats *stats, struct err *e);

/* Event types in the order docs/FORMAT.md lists them (NULL-terminated). */
extern const char *const case_exchange_types[];

struct case_import_stats {
    int64_t lines;  /* event lines read (the header and blank lines not counted) */
    int64_t events; /* events applied (all rolled back when errors > 0) */
    int64_t errors; /* errors reported (at most max_errors, plus a count mismatch) */
    /* events applied per type, parallel to case_exchange_types */
    int64_t per_type[CASE_EXCHANGE_TYPES_MAX];
    /* how a large import wrote (exchange.c, "a large import"): with a
       rollback journal instead of the WAL; with that many secondary indexes
       set aside and built again before the commit */
    bool rollback_journal;
    int indexes_rebuilt;
};

/*
 * Import a file in the exchange format: data[0..len) named name in
 * messages. The caller must not be in a transaction: the import is one.
 *
 * If c->user is set, the agent must hold the CASE_EXCHANGE_CAPABILITY on the
 * département (a refusal is logged); the events are then applied as the
 * system (the file's own actors and instants are kept in the journal, and
 * every event is validated as on entry). A "journal.imported" event, not
 * exported, records who imported what and when, in the same transaction.
 *
 * Every line is checked; after an error the next lines are still validated
 * against the state reached without the failed ones, up to max_errors
 * errors (0 counts as 1), each printed to errs (may be NULL) in French with
 * the line number, the field and the value. Any error rolls everything back
 * and returns -1 with e holding the first one (ERR_INVALID for bad input);
 * on success the import is committed (durable on return). stats may be NULL.
 */
int case_import(struct case_ctx *c, const char *data, size_t len, const char *name,
                size_t max_errors, FILE *errs, struct case_import_stats *stats, struct err *e);

/*
 * Parse an instant written "2022-03-07T10:15:00+01:00" (or "...Z"): seconds
 * since the epoch. Offsets up to +/-14:00; the date must exist. French
 * message naming the value on error.
 */
int case_exchange_parse_instant(const char *s, size_t n, int64_t *out, struct err *e);

#endif

/*
 * case_int.h: private to the case layer. The event table, payload helpers,
 * identifiers, and the access helper every operation and read goes through.
 */
#ifndef PROXIMA_CASE_CASE_INT_H
#define PROXIMA_CASE_CASE_INT_H

#include "case/case.h"

/*
 * An event type: its allowed payload fields (NULL-terminated; any other key
 * is an error) and its apply function. apply validates the payload against
 * the projections and the catalogue, then writes the projections. seq is the
 * journal sequence number the event has (or will have once appended).
 * c->actor is the event's actor; c->today the day it was recorded.
 */
struct case_event_def {
    const char *type;
    const char *const *fields;
    int (*apply)(struct case_ctx *c, json_t *p, int64_t seq, struct err *e);
};

/* Apply functions, one per event type (person.c, dossier.c, act.c, session.c). */
int case_apply_person_created(struct case_ctx *c, json_t *p, int64_t seq, struct err *e);
int case_apply_person_moved(struct case_ctx *c, json_t *p, int64_t seq, struct err *e);
int case_apply_household_created(struct case_ctx *c, json_t *p, int64_t seq, struct err *e);
int case_apply_household_member_added(struct case_ctx *c, json_t *p, int64_t seq, struct err *e);
int case_apply_household_member_left(struct case_ctx *c, json_t *p, int64_t seq, struct err *e);
int case_apply_organisation_created(struct case_ctx *c, json_t *p, int64_t seq, struct err *e);
int case_apply_dossier_opened(struct case_ctx *c, json_t *p, int64_t seq, struct err *e);
/* Every other dossier.* event: the op is the event's (see case_event_op). */
int case_apply_dossier_op(struct case_ctx *c, json_t *p, int64_t seq, struct err *e);
int case_apply_act_recorded(struct case_ctx *c, json_t *p, int64_t seq, struct err *e);
int case_apply_session_created(struct case_ctx *c, json_t *p, int64_t seq, struct err *e);
int case_apply_session_closed(struct case_ctx *c, json_t *p, int64_t seq, struct err *e);

/* Event type of a dossier operation ("dossier.decided" for OP_DECIDER). */
const char *case_op_event(enum catalog_op op);
/* The op of a dossier.* event type other than dossier.opened; -1 if none. */
int case_event_op(const char *type);
/* Index of type in the event table (the order of case_exchange_types), or -1. */
int case_event_index(const char *type);
/* The type being applied right now (set by case_emit/case_apply). */
const char *case_current_type(const struct case_ctx *c);

/* ---- payloads ---- */

/*
 * Field getters with French errors naming the event type and the field.
 * For the payload being applied, the fields are read from what the type's
 * field check found (an apply function must not change its payload).
 */
int case_get_str(struct case_ctx *c, json_t *p, const char *field, bool required, const char **out,
                 struct err *e);
/* ISO date; also returns the date_t. Refuses dates after c->today. */
int case_get_date(struct case_ctx *c, json_t *p, const char *field, bool required, const char **iso,
                  date_t *day, struct err *e);
/* Euros as a JSON string "150.00" / "150,00"; *cents = -1 when absent. */
int case_get_money(struct case_ctx *c, json_t *p, const char *field, bool required, int64_t *cents,
                   struct err *e);

/*
 * The compact key-sorted JSON text (json_dump_sorted's) of p's member
 * field, which must be present, in c->arena: taken from the text of the
 * event being applied when p is its payload and that text is at hand,
 * serialised otherwise.
 */
const char *case_member_text(struct case_ctx *c, json_t *p, const char *field);

/*
 * Validate facts (an object, may be NULL) against the dispositif's declared
 * facts: unknown codes, wrong types, out of bounds, not in the choices.
 * With require_all, every required fact must be present.
 */
int case_check_facts(struct case_ctx *c, const struct catalog_dispositif *d, json_t *facts,
                     bool require_all, struct err *e);

/* ---- store helpers (util.c) ---- */

/*
 * Operations run inside the caller's transaction (the CLI's cli_case_run,
 * a batch of a session, an import). Called outside one, they open their
 * own: case_tx_begin says so in *own, and case_tx_end commits it when rc is
 * 0, or rolls it back and writes the refusal the operation met, if any
 * (case_log_refusal; a refusal that cannot be written is reported on stderr).
 * Returns rc, or -1 if the commit failed.
 */
int case_tx_begin(struct case_ctx *c, bool *own, struct err *e);
int case_tx_end(struct case_ctx *c, bool own, int rc, struct err *e);

/*
 * The first column of the first row sql answers, as text in c->arena; NULL
 * when there is no row, or on a store error (e->code then set). Parameter 1
 * is bound to a (SQL NULL when a is NULL), parameters 2 and 3 to b and c3
 * when they are not NULL.
 */
const char *case_query_text(struct case_ctx *c, const char *sql, const char *a, const char *b,
                            const char *c3, struct err *e);

/* ---- bulk: an import's or a replay's memory (bulk.c) ---- */

#define CASE_BULK_KINDS            26 /* identifier kinds, 'A' to 'Z' */
#define CASE_BULK_COMMUNE_VERSIONS 16 /* versions of a commune kept in memory */

struct case_bulk_slot {
    const char *key; /* NULL: empty */
    void *value;
};

/* A string-keyed map in the bulk's arena (open addressing, never shrinks). */
struct case_bulk_map {
    struct case_bulk_slot *slots;
    size_t cap, used;
};

/*
 * What c->bulk remembers for the duration of one transaction that applies
 * many events (import, replay). It must be flushed (case_bulk_flush) before
 * the commit, and dropped with the transaction when it is rolled back.
 */
struct case_bulk {
    struct arena arena;
    int64_t next[CASE_BULK_KINDS]; /* counters to write (0: unchanged), by kind - 'A' */
    char order[CASE_BULK_KINDS];   /* the kinds in the order first seen (rows in that order) */
    size_t norder;
    struct case_bulk_map sites;      /* "mds:calaisis" -> non-NULL: exists */
    struct case_bulk_map communes;   /* INSEE code -> its validity periods */
    struct case_bulk_map dossiers;   /* id -> the dossier's row as last changed (dossier.c) */
    struct case_bulk_map sessions;   /* id -> struct case_bulk_session, created since */
    struct case_bulk_map persons;    /* id -> date_t birth date: persons created since */
    struct case_bulk_map households; /* id -> struct case_bulk_household, created since */
    /* dossier.c: the rows changed since they were written (case_bulk_dossiers_flush) */
    struct case_bulk_unwritten *unwritten;
};

/*
 * A stay in a household written in the bulk's transaction (ISO dates as
 * written, to NULL while current), in the order written.
 */
struct case_bulk_stay {
    const char *person, *from, *to;
    bool applicant; /* role demandeur */
    struct case_bulk_stay *next;
};

/*
 * A household created in the bulk's transaction: every row of
 * household_member it has was written since, so its stays here are all of
 * them (household.c records each one as it writes it).
 */
struct case_bulk_household {
    date_t created;
    struct case_bulk_stay *stays, **tail;
};

void case_bulk_init(struct case_bulk *b);
void case_bulk_release(struct case_bulk *b);
/* Write what c->bulk holds back (the counters); nothing when c->bulk is NULL. */
int case_bulk_flush(struct case_ctx *c, struct err *e);
/*
 * Write the dossier rows that operations changed since they were written
 * (dossier.c; called by case_bulk_flush): during an import or a replay a
 * dossier's row is written once at the end rather than at every operation.
 */
int case_bulk_dossiers_flush(struct case_ctx *c, struct err *e);
/* The value stored under key, NULL when none. */
void *case_bulk_get(struct case_bulk_map *m, const char *key);
/*
 * cur, or a copy of s in the bulk's arena: cur when it holds the same text
 * (so that a value unchanged from one event to the next is not copied again).
 */
const char *case_bulk_str(struct case_bulk *b, const char *cur, const char *s);
void case_bulk_put(struct case_bulk *b, struct case_bulk_map *m, const char *key, void *value);
/*
 * Persons and households created in the transaction (person.c, household.c),
 * recorded once their row is written. The getters answer NULL for any other
 * (one the database held before): the caller then asks the store.
 */
void case_bulk_person_put(struct case_bulk *b, const char *id, date_t birth);
const date_t *case_bulk_person_birth(struct case_bulk *b, const char *id);
void case_bulk_household_put(struct case_bulk *b, const char *id, date_t created);
struct case_bulk_household *case_bulk_household_get(struct case_bulk *b, const char *id);
/* A stay written: added (from, current), or ended (to, the stay from from). */
void case_bulk_stay_add(struct case_bulk *b, struct case_bulk_household *h, const char *person,
                        bool applicant, const char *from);
void case_bulk_stay_end(struct case_bulk *b, struct case_bulk_household *h, const char *person,
                        const char *from, const char *to);

/*
 * Does the commune exist on day, by its periods read once? false also on a
 * store error (e->code then set): the caller asks the store, which words
 * the refusal.
 */
bool case_bulk_commune_exists(struct case_ctx *c, const char *code, date_t day, struct err *e);

/*
 * The secondary indexes an import or a replay sets aside inside its
 * transaction (bulk.c): dropped at its start, created again from their
 * stored definitions before its commit, so that the schema after the commit
 * is the same (and a rollback restores them with everything else). Only
 * indexes none of their statements reads; never a UNIQUE one.
 */
#define CASE_BULK_INDEXES_MAX 16
#define CASE_BULK_INDEX_COUNT 11
/* Their names (bench/engine sets the same ones aside for its baseline). */
extern const char *const case_bulk_index_names[CASE_BULK_INDEX_COUNT];
struct case_bulk_indexes {
    size_t n;
    char *sql[CASE_BULK_INDEXES_MAX]; /* CREATE INDEX texts of those dropped */
};
/* Drop them (in a transaction; nothing for a backend other than SQLite). */
int case_bulk_indexes_drop(struct store *s, struct case_bulk_indexes *x, struct err *e);
/* Create again those dropped, in the same transaction, and forget them. */
int case_bulk_indexes_restore(struct store *s, struct case_bulk_indexes *x, struct err *e);
/* Forget them without creating them (the transaction was rolled back). */
void case_bulk_indexes_forget(struct case_bulk_indexes *x);

/* ---- identifiers ---- */

/*
 * Next identifier of a kind ('P', 'F', 'O', 'D', 'V', 'A', 'S'): "D0000042",
 * in c->arena. Reading only: the counter moves when the event that uses the
 * id is applied (case_id_observe), so replay and import keep the ids.
 */
const char *case_id_next(struct case_ctx *c, char kind, struct err *e);
/* Check id's form for its kind and move the counter past it. */
int case_id_observe(struct case_ctx *c, char kind, const char *id, struct err *e);

/* ---- sites and access ---- */

/* Parse "mds:calaisis" / "mdadt:artois" / "central:dsol" / "departement:62", checking it exists. */
int case_site_parse(struct case_ctx *c, const char *site, const char **grid, const char **code,
                    struct err *e);
/* The competent MDS code of a person on day (NULL when no address then). */
const char *case_person_mds(struct case_ctx *c, const char *person, const char *iso_day,
                            struct err *e);

/*
 * Check that c->user may use capability on the object (no check for the
 * system). When t is given, the grant used must also have a role t allows.
 * action: "lecture" logs an allowed read; "ecriture" logs an allowed change
 * of personal data; NULL logs nothing when allowed. A refusal is always
 * logged ("refus").
 */
int case_authorize(struct case_ctx *c, const char *capability, const char *site_grid,
                   const char *site_code, enum data_class cls, const char *object_type,
                   const char *object_id, const char *person, const struct catalog_transition *t,
                   const char *action, struct err *e);

/* enum data_class from its code ("social"...), CLASS__COUNT if unknown. */
enum data_class case_class_from_code(const char *code);

#endif

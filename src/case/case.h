/*
 * case.h: the dossier engine. Persons, households, organisations; dossiers
 * of the catalogue's dispositifs moving through their workflows (decisions,
 * commissions, payments, measures); acts.
 *
 * Event sourcing: every operation validates its input, builds one event
 * (type + JSON payload, documented in docs/FORMAT.md) and hands it to
 * case_emit(), which applies it to the projections (the current-state tables
 * of migration 4) and appends it to the journal, inside the caller's store
 * transaction. Import runs the same case_emit() on each line of a JSON Lines
 * file; replay re-applies the journal's events to empty projections with
 * case_apply(). So every write path goes through one validation, and the
 * projections are always what the journal says.
 *
 * Access: operations and reads take a struct case_ctx whose user (NULL for
 * the system: import, replay, the reference-year generator) is checked with
 * access_check() against the object's site and data class; every read of a
 * personal file or dossier is logged with access_log_append().
 */
#ifndef PROXIMA_CASE_CASE_H
#define PROXIMA_CASE_CASE_H

#include <jansson.h>

#include "core/compat.h"
#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "access/access.h"
#include "catalog/catalog.h"
#include "store/store.h"

struct case_bulk;

struct case_ctx {
    struct store *store;
    const struct catalog *cat;
    struct arena *arena;            /* per command / request: results live here */
    const char *actor;              /* login recorded in events, "system" for the system */
    const struct access_user *user; /* NULL: the system, no access check, no read log */
    date_t today;                   /* dates after today are refused (paris_today()) */
    bool replaying;                 /* set by case_replay: apply without journaling */
    int64_t recorded_at;            /* instant recorded with emitted events; 0: the clock
                                       (import sets each event's own, with actor) */
    /* a refusal met inside a transaction, logged by case_log_refusal after rollback */
    bool refused;
    struct access_target refusal;
    /* NULL, or what an import or a replay remembers across its events (case_int.h) */
    struct case_bulk *bulk;
    /* set by case_emit and case_replay while an event is applied: its payload and the
       payload's text as json_dump_sorted writes it (NULL when not at hand) */
    json_t *applying;
    const char *applying_text;
    size_t applying_len;
};

/*
 * Write to the access log the refusal an operation met, if any. Call it after
 * rolling back a failed operation's transaction (which took the log row
 * with it); outside a transaction refusals are logged at once.
 */
int case_log_refusal(struct case_ctx *c, struct err *e);

/* ---- events ---------------------------------------------------------- */

/*
 * Validate payload (borrowed) against the projections and the catalogue,
 * apply it, and append it to the journal with reason (may be NULL). Must be
 * called inside a store transaction; on error nothing of this event is
 * applied (the caller rolls the transaction back). Unknown types and
 * unknown payload fields are errors naming the field.
 */
int case_emit(struct case_ctx *c, const char *type, json_t *payload, const char *reason,
              struct err *e);

/*
 * case_emit, given the payload's text as json_dump_sorted writes it (an
 * import line's "contenu" when it is written so; text may be NULL, then it
 * is serialised): journaled as it is, n bytes, no NUL needed.
 */
int case_emit_text(struct case_ctx *c, const char *type, json_t *payload, const char *text,
                   size_t n, const char *reason, struct err *e);

/* Apply without journaling (replay). Same validation as case_emit. */
int case_apply(struct case_ctx *c, const char *type, json_t *payload, struct err *e);

/* True if type is an event of this layer (exported, importable, replayed). */
bool case_event_known(const char *type);

/*
 * Empty every projection of this layer and re-apply every case event of the
 * journal in order, in one transaction. Used by `proxima replay` and by the
 * test that replaying rebuilds identical projections.
 */
int case_replay(struct store *s, const struct catalog *cat, struct err *e);

/*
 * A stable digest of every projection table (rows in primary-key order), to
 * compare a database with its replay or its import(export()).
 */
int case_projection_digest(struct store *s, char out[65], struct err *e);

/* ---- persons, households, organisations ------------------------------ */

/* A person as given by an agent or an import; NULL fields are absent. */
struct case_person_input {
    const char *id;          /* NULL: allocated ("P0000042") */
    const char *nir;         /* 13 digits + 2-digit key, checked */
    const char *internal_id; /* identifier in a previous system */
    const char *caf_number;  /* numéro d'allocataire CAF/MSA */
    const char *caf_role;    /* "demandeur", "conjoint", "enfant"... */
    const char *last_name;   /* required */
    const char *first_name;  /* required */
    const char *birth_date;  /* ISO, required */
    const char *sex;         /* "F" or "M", required */
    const char *address;     /* street line */
    const char *commune;     /* INSEE code, existing at date */
    const char *phone;
    const char *email;
    const char *date; /* ISO date of the record; NULL: today */
};

struct case_person {
    const char *id, *nir, *internal_id, *caf_number, *caf_role;
    const char *last_name, *first_name, *birth_date, *sex;
    const char *address, *commune, *commune_name, *phone, *email;
    const char *mds; /* competent MDS today (code), NULL if no address */
};

/* Create a person; *id receives the new id (arena). */
int case_person_create(struct case_ctx *c, const struct case_person_input *in, const char **id,
                       struct err *e);

/*
 * Identity matching, in this fixed order: NIR; internal id; CAF number and
 * role; last name + first name (folded) + birth date. *id is NULL when no
 * person matches; *rule names the rule that matched ("nir", "identifiant
 * interne", "numero caf et role", "nom, prenom et date de naissance").
 */
int case_person_match(struct case_ctx *c, const struct case_person_input *in, const char **id,
                      const char **rule, struct err *e);

/* A move: new address and commune from date. */
int case_person_move(struct case_ctx *c, const char *person, const char *commune,
                     const char *address, const char *date, struct err *e);

int case_household_create(struct case_ctx *c, const char *id_or_null, const char *label,
                          const char *date, const char **id, struct err *e);
/* role: "demandeur", "conjoint", "enfant", "autre" */
int case_household_add(struct case_ctx *c, const char *household, const char *person,
                       const char *role, const char *date, struct err *e);
int case_household_leave(struct case_ctx *c, const char *household, const char *person,
                         const char *date, struct err *e);

int case_organisation_create(struct case_ctx *c, const char *id_or_null, const char *name,
                             const char *siret, const char *rna, const char *commune,
                             const char *date, const char **id, struct err *e);

/* Read a person (access checked and logged when c->user is set). */
int case_person_get(struct case_ctx *c, const char *id, struct case_person *out, struct err *e);

/*
 * Search persons by folded name, birth date and/or commune within the
 * user's rights (persons of sites the user has a grant on). Not logged as a
 * read (it shows identity only); at most max results.
 */
int case_person_search(struct case_ctx *c, const char *name, const char *birth_date,
                       const char *commune, size_t max, struct case_person **out, size_t *n,
                       struct err *e);

/* ---- dossiers ---------------------------------------------------------- */

struct case_open_input {
    const char *id;          /* NULL: allocated ("D0000042") */
    const char *dispositif;  /* catalogue code */
    const char *beneficiary; /* person, household, organisation or commune id/code */
    const char *person;      /* for a household beneficiary: the applicant (optional) */
    const char *site;        /* "mds:calaisis"; NULL: from the dispositif's site rule */
    const char *date;        /* ISO; NULL: today */
    json_t *facts;           /* object of the dispositif's facts (borrowed), may be NULL */
};

int case_dossier_open(struct case_ctx *c, const struct case_open_input *in, const char **id,
                      struct err *e);

/* Everything an operation other than opening may carry. */
struct case_op_input {
    const char *date;    /* ISO; NULL: today */
    const char *motive;  /* required for decider (refus, ajournement, sans_suite), clore, rouvrir,
                            former_recours */
    const char *outcome; /* decider: "accord", "refus", "ajournement", "sans_suite" */
    const char *amount;  /* decider (accord) and payer: euros "150,00" */
    const char *right_from; /* decider: right period, ISO */
    const char *right_to;
    const char *session;    /* inscrire_commission, decider in session */
    const char *payment_id; /* payer: NULL allocated */
    json_t *facts;          /* completer, instruire: facts added or corrected */
};

/*
 * Perform op on a dossier: the workflow must allow it from the current
 * state, the user's role on the dossier's site must be allowed by the
 * transition, and the op's own checks hold (decider: eligibility rules for
 * an accord, amount within the amount rule's result; payer: total paid not
 * above the amount granted; dates not before the opening nor after today).
 */
int case_dossier_op(struct case_ctx *c, const char *dossier, enum catalog_op op,
                    const struct case_op_input *in, struct err *e);

struct case_decision {
    const char *outcome, *date, *motive, *right_from, *right_to, *session, *actor;
    int64_t amount; /* cents, -1 if none */
};

struct case_payment {
    const char *id, *date;
    int64_t amount;
};

struct case_step {
    const char *op, *from, *to, *date, *actor;
};

struct case_dossier {
    const char *id, *dispositif, *dispositif_label;
    const char *beneficiary_type, *beneficiary, *person, *household;
    const char *site; /* "mds:calaisis" */
    const char *state, *opened, *closed;
    const char *measure_start, *measure_end;
    enum data_class data_class;
    json_t *facts; /* owned: released with case_dossier_release */
    struct case_decision *decisions;
    size_t ndecisions;
    struct case_payment *payments;
    size_t npayments;
    struct case_step *steps;
    size_t nsteps;
    int64_t granted; /* cents of the last accord, -1 if none */
    int64_t paid;    /* cents paid in total */
};

/* Read a dossier with its history (access checked and logged). */
int case_dossier_get(struct case_ctx *c, const char *id, struct case_dossier *out, struct err *e);
void case_dossier_release(struct case_dossier *d);
/*
 * The access check and the access-log row of case_dossier_get, for a caller
 * serving a copy of dossier id that it knows to be current (the HTTP
 * server's cache): the same refusal, logged, or the same "lecture" row.
 */
int case_dossier_authorize_read(struct case_ctx *c, const char *id, const char *site_grid,
                                const char *site_code, enum data_class cls, const char *person,
                                struct err *e);

/* Operations the user may perform on the dossier now (for the UI). */
int case_dossier_allowed_ops(struct case_ctx *c, const struct case_dossier *d, enum catalog_op *ops,
                             size_t *n);

/* Dossiers of a person the user may see (by class), newest first; logged as one read. */
int case_person_dossiers(struct case_ctx *c, const char *person, struct case_dossier **out,
                         size_t *n, struct err *e);

/*
 * The environment of a dispositif's rules (the names catalog_name_type
 * declares): the dossier's facts, the parameters in force on the decision
 * date, the person's birth date and sex, the request and decision dates.
 * case_rule_value is rules_eval's lookup over it (ctx: a struct
 * case_rule_env); a fact of the wrong type reads as absent. The engine's
 * decisions and the pages that show what an accord would allow use this one
 * definition.
 */
struct case_rule_env {
    const struct catalog_dispositif *d;
    json_t *facts;
    date_t requested, decided;
    bool has_birth;
    date_t birth;
    const char *sex; /* NULL when no person */
};

struct rules_value case_rule_value(void *ctx, const char *name);

/* ---- acts ---------------------------------------------------------------- */

struct case_act_input {
    const char *id;         /* NULL: allocated ("A0000042") */
    const char *dispositif; /* an "acte" dispositif */
    const char *date;       /* NULL: today */
    const char *site;       /* "mds:calaisis"; NULL: the user's only site, or the person's MDS */
    const char *person;     /* optional */
    json_t *facts;          /* borrowed, may be NULL */
};

int case_act_record(struct case_ctx *c, const struct case_act_input *in, const char **id,
                    struct err *e);

/* ---- commissions -------------------------------------------------------- */

/* A commission session: chaired by an elected member, on a date, at a site. */
int case_session_create(struct case_ctx *c, const char *id_or_null, const char *commission,
                        const char *date, const char *chair, const char *site, const char **id,
                        struct err *e);

struct case_batch_decision {
    const char *dossier;
    struct case_op_input in; /* outcome, motive, amount... date = the session's */
};

/* Decide every listed dossier of the session's agenda, all or nothing. */
int case_session_decide(struct case_ctx *c, const char *session,
                        const struct case_batch_decision *d, size_t n, struct err *e);

/* Close the session with its minutes (procès-verbal) text. */
int case_session_close(struct case_ctx *c, const char *session, const char *minutes, struct err *e);

struct case_agenda_item {
    const char *dossier, *dispositif, *beneficiary, *state, *outcome;
    int64_t amount;
};

struct case_session {
    const char *id, *commission, *date, *chair, *site, *state, *minutes;
    struct case_agenda_item *agenda;
    size_t nagenda;
};

int case_session_get(struct case_ctx *c, const char *id, struct case_session *out, struct err *e);

/*
 * The printable minutes of a session (French text: commission, date, chair,
 * each dossier with its decision and motive), appended to out.
 */
int case_session_minutes(struct case_ctx *c, const char *id, struct strbuf *out, struct err *e);

#endif

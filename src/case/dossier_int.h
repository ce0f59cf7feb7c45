/*
 * dossier_int.h: private to the dossier files of the case layer (dossier.c,
 * dossier_op.c, decision.c, dossier_read.c, act.c). A dossier as its
 * projection row, the per-operation apply helpers that live in decision.c,
 * and the small store helpers and site look-ups these files share.
 */
#ifndef PROXIMA_CASE_DOSSIER_INT_H
#define PROXIMA_CASE_DOSSIER_INT_H

#include "case/case_int.h"

/* One row of the dossier table; strings in c->arena, NULL for SQL NULL. */
struct dossier_row {
    const char *id;
    const char *dispositif;
    const struct catalog_dispositif *disp; /* NULL if no longer in the catalogue */
    const char *beneficiary_type, *beneficiary, *person, *household;
    const char *site_grid, *site_code;
    enum data_class data_class;
    const char *state;
    const char *opened;
    date_t opened_day;
    const char *closed, *measure_start, *measure_end;
    const char *facts;   /* JSON object text */
    int64_t granted;     /* cents, -1 when NULL */
    int64_t paid;        /* cents */
    const char *session; /* session whose agenda the dossier awaits, NULL if none */
    /* the date of its last accord (NULL: none), when known: an import or a
       replay knows it for the dossiers it has read or opened (c->bulk) */
    bool accorded_known;
    const char *accorded;
};

/* Load a dossier (ERR_NOT_FOUND with a French message naming id). */
int dossier_row_load(struct case_ctx *c, const char *id, struct dossier_row *r, struct err *e);

/*
 * What an op's apply function leaves for the common tail of
 * case_apply_dossier_op, which writes the step, then the dossier's new
 * state together with every column the op changed, in one UPDATE.
 */
struct dossier_step_out {
    const char *to;          /* target state */
    const char *motive;      /* the step's motive, NULL if none */
    struct dossier_row next; /* the row as the op leaves it (a copy of the row loaded) */
};

/*
 * OP_DECIDER and OP_PAYER (decision.c): validate the op's own fields of p
 * for r, given the transition t and the op's date, write the decision or
 * payment row, and set the dossier columns they change in out->next
 * (written by the caller). OP_DECIDER sets out->to.
 */
int dossier_apply_decided(struct case_ctx *c, json_t *p, const struct dossier_row *r,
                          const struct catalog_transition *t, const char *date, date_t day,
                          int64_t seq, struct dossier_step_out *out, struct err *e);
int dossier_apply_paid(struct case_ctx *c, json_t *p, const struct dossier_row *r, const char *date,
                       int64_t seq, struct dossier_step_out *out, struct err *e);

/* A commission session as the dossier ops need it. */
struct dossier_session {
    const char *id, *date, *state;
};

/*
 * A commission session created in an import's or a replay's transaction,
 * as c->bulk->sessions remembers it (session.c writes the sessions, and
 * dossier.c their agendas): everything the apply functions read of it.
 */
struct case_bulk_session {
    const char *date, *state, *closed; /* ISO dates as written; closed NULL while open */
    int64_t next_position;             /* the next position on its agenda */
};

/* The session id as c->bulk remembers it; NULL without a bulk or when unknown to it. */
struct case_bulk_session *case_bulk_session(struct case_ctx *c, const char *id);
/* ERR_NOT_FOUND « séance de commission inconnue ». */
int dossier_session_load(struct case_ctx *c, const char *id, struct dossier_session *s,
                         struct err *e);

/*
 * The distinct sites of c->user's grants whose role has capability.
 * Returns their number; when it is 1, *grid and *code are that site. *list
 * (arena) names them all, "mds:calaisis, mds:ternois", for messages.
 */
size_t case_user_sites(struct case_ctx *c, const char *capability, const char **grid,
                       const char **code, const char **list);

/* Column i as an arena copy, NULL for SQL NULL. */
const char *dossier_col_str(struct case_ctx *c, struct store_stmt *q, int i);

/*
 * Run a query with text parameters (the variadic list, NULL-terminated);
 * *found tells whether it returned a row.
 */
int dossier_exists(struct case_ctx *c, const char *sql, bool *found, struct err *e, ...);

/* Compact key-sorted JSON text of v, in the arena (stored facts, digests). */
const char *dossier_json_text(struct case_ctx *c, json_t *v);

/* The dossier's facts as a JSON object (new reference), NULL with e set. */
json_t *dossier_row_facts(const struct dossier_row *r, struct err *e);

/* Does person exist? ERR_NOT_FOUND naming the field and id otherwise. */
int case_person_exists(struct case_ctx *c, const char *field, const char *id, struct err *e);

#endif

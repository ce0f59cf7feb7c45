/*
 * run.h: one case operation in its own store transaction, the way every
 * front end (CLI, HTTP API, importers) runs them.
 */
#ifndef PROXIMA_CASE_RUN_H
#define PROXIMA_CASE_RUN_H

#include "core/compat.h"
#include "case/case.h"

/*
 * Run fn(c, arg, e) between store_begin and store_commit on c->store. When
 * fn or the commit fails, roll back (so a failed operation writes nothing),
 * then write to the access log the refusal the operation met, if any
 * (case_log_refusal, in a transaction of its own). Returns 0, or -1 with e
 * holding the operation's error (never ERR_OK: a failure without a message
 * becomes ERR_INTERNAL). A refusal that cannot be logged is reported on
 * stderr in English and does not change e.
 */
int case_run(struct case_ctx *c, int (*fn)(struct case_ctx *c, void *arg, struct err *e), void *arg,
             struct err *e);

/* The rule case_person_match names for a match on identity alone. */
#define CASE_MATCH_RULE_NAME "nom, prenom et date de naissance"

/* A matching rule as a French reader writes it ("numéro CAF et rôle"). */
const char *case_match_rule_label(const char *rule);

/*
 * Record a new person unless one already matches (case_person_match, in
 * the same transaction: call it inside case_run, so that no twin slips in
 * between). A match on name and birth date alone is accepted as a
 * homonym when allow_homonym. On a match: ERR_CONFLICT « cette personne
 * existe déjà : P0000042 (même NIR) », *other and *rule set (the caller adds
 * its own hint: a command or a link); otherwise *id is the new person.
 */
int case_person_add(struct case_ctx *c, const struct case_person_input *in, bool allow_homonym,
                    const char **id, const char **other, const char **rule, struct err *e);

/*
 * The dispositif, state and last payment id (NULL if none) of dossier id,
 * in c's arena, to tell the agent after an operation. No access check and
 * no read logged: none of it is personal data. ERR_NOT_FOUND.
 */
int case_dossier_state(struct case_ctx *c, const char *id, const char **dispositif,
                       const char **state, const char **last_payment, struct err *e);

#endif

/*
 * view.h: the JSON form of the case layer's objects and of the catalogue's
 * dispositifs, written once for every front end: `proxima --json ...` and
 * the HTTP API print exactly these documents (field names in French, as in
 * docs/openapi.yaml). Amounts are strings in euros with a decimal point
 * ("1234.56", money_format_plain) or null when absent; dates are ISO.
 *
 * Every function returns a new reference (never NULL short of memory
 * exhaustion, which jansson reports as NULL: callers treat NULL as
 * ERR_NOMEM).
 */
#ifndef PROXIMA_CASE_VIEW_H
#define PROXIMA_CASE_VIEW_H

#include <jansson.h>

#include "core/compat.h"
#include "core/date.h"
#include "case/case.h"
#include "catalog/catalog.h"

/* Label of a dossier's state in its dispositif's workflow ("Accordé"), else the code ("?" for
 * NULL). */
const char *case_state_label(const struct catalog *cat, const char *dispositif, const char *state);

/* Cents as "1234.56", or null when negative (absent). */
json_t *case_money_json(int64_t cents);

/* A person: id, nom, prenom, date_naissance, sexe, nir, ..., commune, mds. */
json_t *case_person_json(const struct case_person *p);

/*
 * A dossier with its facts, history, decisions and payments; when ops is
 * not NULL, "operations_possibles" lists the nops operations the agent may
 * perform now (case_dossier_allowed_ops).
 */
json_t *case_dossier_json(const struct catalog *cat, const struct case_dossier *d,
                          const enum catalog_op *ops, size_t nops);
/*
 * The same document, written into sb byte for byte as jansson dumps it
 * (JSON_COMPACT | JSON_PRESERVE_ORDER), with no jansson tree: 0, or -1 when
 * the buffer failed.
 */
struct strbuf;
int case_dossier_json_write(struct strbuf *sb, const struct catalog *cat,
                            const struct case_dossier *d, const enum catalog_op *ops, size_t nops);

/* A commission session with its agenda. */
json_t *case_session_json(const struct case_session *s);

/* One line of the catalogue: code, libelle, pacte, politique, nature, ... workflow. */
json_t *case_dispositif_summary_json(const struct catalog_dispositif *d);

/*
 * A dispositif in full: facts with their bounds and choices, parameters
 * with their dated values and the one in force on day, eligibility rules,
 * amount rule, workflow states and transitions.
 */
json_t *case_dispositif_json(const struct catalog_dispositif *d, date_t day);

#endif

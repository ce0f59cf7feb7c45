/*
 * casecli.h: helpers shared by the CLI commands of the case layer (person,
 * household, dossier, act, commission): option tables, typed facts from
 * "code=valeur" arguments, dates and amounts as French users type them, and
 * the one place where persons and dossiers are printed (text and JSON).
 * Private to src/cli/.
 */
#ifndef PROXIMA_CLI_CASECLI_H
#define PROXIMA_CLI_CASECLI_H

#include <jansson.h>

#include "core/compat.h"
#include "access/access.h"
#include "case/case.h"
#include "catalog/catalog.h"
#include "cli/cli.h"

/*
 * The case context of one command and what it owns (catalogue, agent):
 * cli_case_open fills it (cli_case_ctx), cli_case_close releases it and
 * returns rc, so that commands end with `return cli_case_close(&k, rc)`.
 */
struct cli_case {
    struct case_ctx cc;
    struct catalog cat;
    struct access_user u;
};
int cli_case_open(struct cli_ctx *c, struct cli_case *k, bool allow_system);
int cli_case_close(struct cli_case *k, int rc);

/* ---- options ---- */

/* A repeatable option's values, in the command's arena. */
struct cli_list {
    const char **v;
    size_t n, cap;
};

enum cli_optkind {
    CLI_OPT_ONE,  /* --name VALUE, at most once: *one */
    CLI_OPT_MANY, /* --name VALUE, repeatable: appended to *many */
    CLI_OPT_FLAG, /* --name, no value: *flag = true */
};

struct cli_optdef {
    const char *name; /* "--nom" */
    enum cli_optkind kind;
    void *dest; /* const char **, struct cli_list *, or bool * */
};

/*
 * Parse argv[start..argc) against defs: options anywhere, other arguments
 * positional (at least minpos, at most maxpos of them, into pos; *npos may
 * be NULL when minpos == maxpos). An unknown option, a repeated CLI_OPT_ONE,
 * a missing value or a wrong count of positionals is a usage error showing
 * usage. "--" ends the options.
 */
int cli_parse(struct cli_ctx *c, int argc, char **argv, int start, const char *usage,
              const struct cli_optdef *defs, size_t ndefs, const char **pos, size_t minpos,
              size_t maxpos, size_t *npos);

void cli_list_add(struct cli_ctx *c, struct cli_list *l, const char *v);

/* ---- values ---- */

/*
 * A date typed by a user, ISO "2026-03-15" or French "15/03/2026", as ISO
 * in the arena; NULL stays NULL. The message names the option.
 */
int cli_date_iso(struct cli_ctx *c, const char *opt, const char *v, const char **iso);

/* "1 234,56 €" / "15 mars 2026" / "15/03/2026" in the arena (NULL or "" shown as ""). */
const char *cli_money(struct cli_ctx *c, int64_t cents);
const char *cli_date_fr(struct cli_ctx *c, const char *iso);

/*
 * Facts of dispositif d from "code=valeur" arguments, each value parsed by
 * the fact's declared type: booleen "vrai"/"faux" (or "oui"/"non"), entier,
 * montant "150,00" (sent as "150.00"), date (ISO or JJ/MM/AAAA), texte.
 * Unknown codes, repeated codes and malformed values are errors naming the
 * fact and the value. *out is a new object (NULL when n == 0).
 */
int cli_facts_parse(struct cli_ctx *c, const struct catalog_dispositif *d,
                    const struct cli_list *facts, json_t **out);

/* The dispositif of code, or ERR_NOT_FOUND with the hint to list them. */
const struct catalog_dispositif *cli_dispositif(struct cli_ctx *c, const struct catalog *cat,
                                                const char *code);

/* ---- output ---- */

/* Print o (stolen) indented on stdout. */
int cli_print_json(struct cli_ctx *c, json_t *o);

json_t *cli_person_json(const struct case_person *p);
void cli_person_print(struct cli_ctx *c, const struct case_person *p);
/* One line: "P0000001  Dupont Marie, née le 02/05/1980, Calais (62193)". */
void cli_person_line(struct cli_ctx *c, const struct case_person *p);

/* ops (may be NULL) are the operations the agent may perform now. */
json_t *cli_dossier_json(struct cli_ctx *c, const struct catalog *cat, const struct case_dossier *d,
                         const enum catalog_op *ops, size_t nops);
void cli_dossier_print(struct cli_ctx *c, const struct catalog *cat, const struct case_dossier *d,
                       const enum catalog_op *ops, size_t nops);
/* One line: "D0000001  Secours d'urgence  Accordé  ouvert le 02/03/2026  mds:calaisis". */
void cli_dossier_line(struct cli_ctx *c, const struct catalog *cat, const struct case_dossier *d);

/* The dossier subcommand of an operation ("demander-pieces", "recours"); NULL for ouvrir. */
const char *cli_op_subcommand(enum catalog_op op);

/* Label of a dossier's state in its workflow ("Accordé"), else the code. */
const char *cli_state_label(const struct catalog *cat, const char *dispositif, const char *state);

#endif

/*
 * indiccli.h: what the indicator commands share (indic.c: `indicateurs`,
 * `close-year`; check.c: `check`): the catalogue, the dictionary, the agent
 * given by --as and its right to read statistics, and the values of a year
 * (frozen when the year is closed, computed otherwise). Private to src/cli/.
 */
#ifndef PROXIMA_CLI_INDICCLI_H
#define PROXIMA_CLI_INDICCLI_H

#include "core/compat.h"
#include "access/access.h"
#include "catalog/catalog.h"
#include "cli/cli.h"
#include "indic/indic.h"

struct cli_indic {
    struct catalog cat;
    struct indic_dict dict;
    struct access_user u;
    bool has_user; /* --as given: rights apply */
};

/*
 * Load the catalogue and the dictionary of c->data_dir; with need_store,
 * open the database (schema required) and load the agent of --as if any.
 */
int cli_indic_open(struct cli_ctx *c, struct cli_indic *k, bool need_store);
/* Release what cli_indic_open loaded; returns rc. */
int cli_indic_close(struct cli_indic *k, int rc);

/* With --as: the agent must hold a role with "statistiques.lire" (any site). */
int cli_indic_can_count(struct cli_ctx *c, struct cli_indic *k);

/* "2022" -> 2022 (a usage error naming the option otherwise). */
int cli_indic_year(struct cli_ctx *c, const char *usage, const char *opt, const char *v, int *year);

/*
 * The values of year for grid: the frozen ones when the year is closed
 * (*frozen true), else computed now.
 */
int cli_indic_values(struct cli_ctx *c, struct cli_indic *k, int year, const char *grid,
                     struct indic_result *r, bool *frozen);

#endif

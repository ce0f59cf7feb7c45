/*
 * cli.h: what every subcommand of the proxima CLI receives.
 *
 * main.c parses the global options (--db, --data, --json), finds the
 * subcommand in its table and calls it with the remaining arguments
 * (argv[0] is the subcommand's name). A subcommand returns 0, or -1 with
 * ctx->err filled; main prints the error in French and exits with the
 * status the error code maps to.
 */
#ifndef PROXIMA_CLI_CLI_H
#define PROXIMA_CLI_CLI_H

#include "core/compat.h"
#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"

struct cli_ctx {
    const char *db_path;  /* --db, PROXIMA_DB, or var/proxima.db */
    const char *data_dir; /* --data, PROXIMA_DATA, or the build's data/ */
    bool json;            /* --json: machine-readable output */
    const char *as_login; /* --as, PROXIMA_USER: the agent the command acts for */
    struct arena arena;   /* lives as long as the command */
    struct err err;
    struct store *store;  /* opened by cli_open_store, closed by main */
};

/*
 * Open the database; with require_schema, refuse a database whose schema is
 * missing or older than the program ("lancez proxima init").
 */
struct store *cli_open_store(struct cli_ctx *c, bool require_schema);

/* Path of a file in the data directory, in the command's arena. */
const char *cli_data_path(struct cli_ctx *c, const char *rel);

/* Usage error: message plus the subcommand's usage line as hint. */
int cli_usage(struct cli_ctx *c, const char *usage, const char *fmt, ...) PRINTF_LIKE(3, 4);

/*
 * Option parsing for subcommands: "--name VALUE" and "--name=VALUE".
 * Returns true and sets *value when argv[*i] is that option (advancing *i
 * past a separate value); sets an error and returns true with *value NULL
 * when the value is missing.
 */
bool cli_opt(struct cli_ctx *c, int argc, char **argv, int *i, const char *name,
             const char **value);

struct case_ctx;
struct catalog;
struct access_user;

/*
 * Prepare a case context for a command: open the store (schema required),
 * load the catalogue into cat, and, when c->as_login is set, load that agent
 * (refusing an unknown or disabled login) into u and set cc->user; without
 * --as the command acts as the system only if allow_system (import, replay),
 * otherwise it is a usage error asking for --as. cc->arena is c's arena,
 * cc->today paris_today(). Defined in casectx.c.
 */
int cli_case_ctx(struct cli_ctx *c, struct case_ctx *cc, struct catalog *cat,
                 struct access_user *u, bool allow_system);

/*
 * Run one case operation fn(cc, arg, e) in its own store transaction:
 * commit when it succeeds; otherwise roll back (so a failed operation writes
 * nothing) and log the access refusal the operation met, if any
 * (case_log_refusal), in a transaction of its own. Errors go to c->err.
 * Defined in casectx.c.
 */
int cli_case_run(struct cli_ctx *c, struct case_ctx *cc,
                 int (*fn)(struct case_ctx *cc, void *arg, struct err *e), void *arg);

int cmd_init(struct cli_ctx *c, int argc, char **argv);
int cmd_migrate(struct cli_ctx *c, int argc, char **argv);
int cmd_journal(struct cli_ctx *c, int argc, char **argv);
int cmd_registry(struct cli_ctx *c, int argc, char **argv);
int cmd_catalogue(struct cli_ctx *c, int argc, char **argv);
int cmd_user(struct cli_ctx *c, int argc, char **argv);
int cmd_person(struct cli_ctx *c, int argc, char **argv);
int cmd_household(struct cli_ctx *c, int argc, char **argv);
int cmd_dossier(struct cli_ctx *c, int argc, char **argv);
int cmd_act(struct cli_ctx *c, int argc, char **argv);
int cmd_commission(struct cli_ctx *c, int argc, char **argv);
int cmd_import(struct cli_ctx *c, int argc, char **argv);
int cmd_export(struct cli_ctx *c, int argc, char **argv);
int cmd_replay(struct cli_ctx *c, int argc, char **argv);
int cmd_serve(struct cli_ctx *c, int argc, char **argv); /* serve.c */
int cmd_generate(struct cli_ctx *c, int argc, char **argv);
int cmd_indicateurs(struct cli_ctx *c, int argc, char **argv); /* indic.c */
int cmd_close_year(struct cli_ctx *c, int argc, char **argv);  /* indic.c */
int cmd_check(struct cli_ctx *c, int argc, char **argv);       /* check.c */
int cmd_report(struct cli_ctx *c, int argc, char **argv);      /* report.c */

#endif

/*
 * journal.c: `proxima journal verify`, recompute the journal's hash chain
 * (journal_verify) and report it intact or name the first altered event.
 */
#include "core/compat.h"
#include "cli/cli.h"
#include "cli/format.h"
#include "journal/journal.h"

#include <jansson.h>

#define JOURNAL_USAGE "proxima [--db CHEMIN] [--json] journal verify"

static int print_json(struct cli_ctx *c, const struct journal_verify_result *res, bool intact)
{
    json_t *out = json_pack("{s:b, s:I}", "intact", intact, "events", (json_int_t)res->events);

    if (!out)
        return err_set(&c->err, ERR_INTERNAL, "échec de la production du JSON (bogue)");
    if (!intact) {
        json_object_set_new(out, "first_bad",
                            res->first_bad ? json_integer(res->first_bad) : json_null());
        json_object_set_new(out, "error",
                            json_pack("{s:s, s:s, s:s, s:s}", "code", err_code_name(c->err.code),
                                      "message", c->err.message, "detail", c->err.detail, "hint",
                                      c->err.hint));
    }
    return cli_print_json(c, out);
}

static int journal_verify_cmd(struct cli_ctx *c, int argc, char **argv)
{
    struct journal_verify_result res = {0};
    struct store *s;

    if (argc > 2)
        return cli_usage(c, JOURNAL_USAGE, "argument inattendu : %s", argv[2]);
    s = cli_open_store(c, true);
    if (!s)
        return -1;
    if (journal_verify(s, &res, &c->err) != 0) {
        /* the JSON report goes to stdout; main still prints the error and exits non-zero */
        if (c->json && c->err.code == ERR_TAMPERED) {
            struct err keep = c->err;
            if (print_json(c, &res, false) != 0)
                return -1;
            c->err = keep;
        }
        return -1;
    }
    if (c->json)
        return print_json(c, &res, true);
    printf("journal intègre : %lld %s\n", (long long)res.events,
           res.events > 1 ? "événements" : "événement");
    return 0;
}

int cmd_journal(struct cli_ctx *c, int argc, char **argv)
{
    if (argc < 2)
        return cli_usage(c, JOURNAL_USAGE, "sous-commande manquante");
    if (!strcmp(argv[1], "verify"))
        return journal_verify_cmd(c, argc, argv);
    return cli_usage(c, JOURNAL_USAGE, "sous-commande inconnue : %s", argv[1]);
}

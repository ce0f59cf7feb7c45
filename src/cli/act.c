/*
 * act.c: `proxima act record`: punctual activity with no dossier (a visit
 * at the MDS desk, a phone call, a PMI consultation), recorded for the
 * agent given by --as at a site, about a person or anonymously.
 */
#include "core/compat.h"
#include "cli/casecli.h"

static const char act_usage[] = "proxima --as AGENT act record ...";
static const char record_usage[] =
    "proxima --as AGENT act record DISPOSITIF [--site mds:CODE] [--personne PERSONNE] "
    "[--date AAAA-MM-JJ] [--fait CODE=VALEUR ...]";

struct record_arg {
    struct case_act_input in;
    const char *id;
};

static int do_record(struct case_ctx *cc, void *arg, struct err *e)
{
    struct record_arg *a = arg;
    return case_act_record(cc, &a->in, &a->id, e);
}

static int act_record(struct cli_ctx *c, int argc, char **argv)
{
    struct record_arg a;
    struct cli_list facts = {0};
    const char *date = NULL;
    const struct cli_optdef defs[] = {
        {"--site", CLI_OPT_ONE, &a.in.site},
        {"--personne", CLI_OPT_ONE, &a.in.person},
        {"--date", CLI_OPT_ONE, &date},
        {"--fait", CLI_OPT_MANY, &facts},
    };
    const struct catalog_dispositif *d;
    struct cli_case k;
    int rc;

    memset(&a, 0, sizeof(a));
    if (cli_parse(c, argc, argv, 2, record_usage, defs, ARRAY_SIZE(defs), &a.in.dispositif, 1, 1,
                  NULL) != 0)
        return -1;
    if (cli_date_iso(c, "--date", date, &a.in.date) != 0)
        return -1;
    if (cli_case_open(c, &k, false) != 0)
        return cli_case_close(&k, -1);
    d = cli_dispositif(c, &k.cat, a.in.dispositif);
    if (!d)
        return cli_case_close(&k, -1);
    if (d->nature != NATURE_ACTE) {
        err_set(&c->err, ERR_INVALID,
                "le dispositif %s (%s) est de nature « %s » : il s'ouvre en dossier, pas en acte",
                d->code, d->label, catalog_nature_label(d->nature));
        err_hint(&c->err, "ouvrez un dossier : « proxima dossier open %s BENEFICIAIRE »", d->code);
        return cli_case_close(&k, -1);
    }
    if (cli_facts_parse(c, d, &facts, &a.in.facts) != 0)
        return cli_case_close(&k, -1);
    rc = cli_case_run(c, &k.cc, do_record, &a);
    json_decref(a.in.facts);
    if (rc != 0)
        return cli_case_close(&k, -1);
    if (c->json)
        return cli_case_close(
            &k, cli_print_json(c, json_pack("{s:s, s:s}", "id", a.id, "dispositif", d->code)));
    printf("%s\n", a.id);
    return cli_case_close(&k, 0);
}

int cmd_act(struct cli_ctx *c, int argc, char **argv)
{
    if (argc < 2)
        return cli_usage(c, act_usage, "sous-commande manquante");
    if (!strcmp(argv[1], "record"))
        return act_record(c, argc, argv);
    return cli_usage(c, act_usage, "sous-commande inconnue : %s", argv[1]);
}

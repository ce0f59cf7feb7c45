/*
 * dossier.c: `proxima dossier`: open a dossier of a dispositif, show it
 * (state, facts, history, decisions, payments, and what the agent may do
 * now), and one subcommand per workflow operation (instruire, decider,
 * payer...). Each operation is one transaction (cli_case_run): it is all
 * done or nothing is written, and a refusal is logged.
 */
#include "core/compat.h"
#include "cli/casecli.h"

#include "catalog/catalog.h"

static const char dossier_usage[] =
    "proxima --as AGENT dossier open|show|demander-pieces|completer|instruire|inscrire|decider|"
    "notifier|payer|debuter|terminer|clore|rouvrir|recours ...";
static const char open_usage[] =
    "proxima --as AGENT dossier open DISPOSITIF BENEFICIAIRE [--personne PERSONNE] "
    "[--site mds:CODE] [--date AAAA-MM-JJ] [--fait CODE=VALEUR ...]";
static const char show_usage[] = "proxima --as AGENT dossier show DOSSIER";

/* What an operation's subcommand takes besides DOSSIER, [--date] and [--motif]. */
enum {
    TAKES_FAIT = 1 << 0,     /* --fait CODE=VALEUR, repeatable */
    NEEDS_FAIT = 1 << 1,     /* at least one --fait */
    TAKES_SEANCE = 1 << 2,   /* --seance S (required) */
    TAKES_DECISION = 1 << 3, /* --decision (required), --montant, --droit-du, --droit-au */
    TAKES_MONTANT = 1 << 4,  /* --montant (required) */
    TAKES_PIECE = 1 << 5,    /* --piece TEXTE, repeatable, at least one */
    NEEDS_MOTIF = 1 << 6,    /* --motif required */
};

struct op_cmd {
    enum catalog_op op;
    unsigned flags;
    const char *usage;
};

#define U(sub, rest) "proxima --as AGENT dossier " sub " DOSSIER " rest " [--date AAAA-MM-JJ]"

static const struct op_cmd op_cmds[] = {
    {OP_DEMANDER_PIECES, TAKES_PIECE,
     U("demander-pieces", "--piece TEXTE [--piece TEXTE ...] [--motif TEXTE]")},
    {OP_COMPLETER, TAKES_FAIT | NEEDS_FAIT,
     U("completer", "--fait CODE=VALEUR ... [--motif TEXTE]")},
    {OP_INSTRUIRE, TAKES_FAIT, U("instruire", "[--fait CODE=VALEUR ...] [--motif TEXTE]")},
    {OP_INSCRIRE_COMMISSION, TAKES_SEANCE, U("inscrire", "--seance SEANCE [--motif TEXTE]")},
    {OP_DECIDER, TAKES_DECISION,
     U("decider", "--decision accord|refus|ajournement|sans_suite [--montant MONTANT] "
                  "[--motif TEXTE] [--droit-du AAAA-MM-JJ --droit-au AAAA-MM-JJ]")},
    {OP_NOTIFIER, 0, U("notifier", "[--motif TEXTE]")},
    {OP_PAYER, TAKES_MONTANT, U("payer", "--montant MONTANT [--motif TEXTE]")},
    {OP_DEBUTER_MESURE, 0, U("debuter", "[--motif TEXTE]")},
    {OP_TERMINER_MESURE, 0, U("terminer", "[--motif TEXTE]")},
    {OP_CLORE, NEEDS_MOTIF, U("clore", "--motif TEXTE")},
    {OP_ROUVRIR, NEEDS_MOTIF, U("rouvrir", "--motif TEXTE")},
    {OP_FORMER_RECOURS, NEEDS_MOTIF, U("recours", "--motif TEXTE")},
};

/* ---- small reads that carry no personal data (no read to log) ---- */

/* One text column of the dossier's row: its dispositif, its state. */
static const char *dossier_column(struct cli_ctx *c, struct store *s, const char *sql,
                                  const char *id, struct err *e)
{
    struct store_stmt *q = store_prepare(s, sql, e);
    const char *v = NULL;

    if (!q)
        return NULL;
    store_bind_text(q, 1, id);
    if (store_step(q, e) == STORE_ROW)
        v = arena_strdup(&c->arena, store_column_text(q, 0));
    store_finalize(q);
    return v;
}

static const struct catalog_dispositif *dossier_dispositif(struct cli_ctx *c, struct cli_case *k,
                                                           const char *id)
{
    const char *code =
        dossier_column(c, k->cc.store, "SELECT dispositif FROM dossier WHERE id = ?", id, &c->err);

    if (!code) {
        if (c->err.code == ERR_OK) {
            err_set(&c->err, ERR_NOT_FOUND, "dossier inconnu : « %s »", id);
            err_hint(&c->err, "les dossiers s'écrivent D suivi de 7 chiffres, ex. D0000042");
        }
        return NULL;
    }
    return cli_dispositif(c, &k->cat, code);
}

/* ---- open ---- */

struct open_arg {
    struct case_open_input in;
    const char *id;
};

static int do_open(struct case_ctx *cc, void *arg, struct err *e)
{
    struct open_arg *a = arg;
    return case_dossier_open(cc, &a->in, &a->id, e);
}

static int dossier_open(struct cli_ctx *c, int argc, char **argv)
{
    struct open_arg a;
    struct cli_list facts = {0};
    const char *pos[2], *date = NULL;
    const struct cli_optdef defs[] = {
        {"--personne", CLI_OPT_ONE, &a.in.person},
        {"--site", CLI_OPT_ONE, &a.in.site},
        {"--date", CLI_OPT_ONE, &date},
        {"--fait", CLI_OPT_MANY, &facts},
    };
    const struct catalog_dispositif *d;
    struct cli_case k;
    int rc;

    memset(&a, 0, sizeof(a));
    if (cli_parse(c, argc, argv, 2, open_usage, defs, ARRAY_SIZE(defs), pos, 2, 2, NULL) != 0)
        return -1;
    a.in.dispositif = pos[0];
    a.in.beneficiary = pos[1];
    if (cli_date_iso(c, "--date", date, &a.in.date) != 0)
        return -1;
    if (cli_case_open(c, &k, false) != 0)
        return cli_case_close(&k, -1);
    d = cli_dispositif(c, &k.cat, pos[0]);
    if (!d || cli_facts_parse(c, d, &facts, &a.in.facts) != 0)
        return cli_case_close(&k, -1);
    rc = cli_case_run(c, &k.cc, do_open, &a);
    json_decref(a.in.facts);
    if (rc != 0)
        return cli_case_close(&k, -1);
    if (c->json)
        return cli_case_close(
            &k, cli_print_json(c, json_pack("{s:s, s:s}", "id", a.id, "dispositif", d->code)));
    printf("%s\n", a.id);
    return cli_case_close(&k, 0);
}

/* ---- show ---- */

static int dossier_show(struct cli_ctx *c, int argc, char **argv)
{
    enum catalog_op ops[OP__COUNT];
    struct case_dossier d;
    size_t nops = OP__COUNT;
    const char *id;
    struct cli_case k;
    int rc;

    if (cli_parse(c, argc, argv, 2, show_usage, NULL, 0, &id, 1, 1, NULL) != 0)
        return -1;
    if (cli_case_open(c, &k, false) != 0)
        return cli_case_close(&k, -1);
    if (case_dossier_get(&k.cc, id, &d, &c->err) != 0)
        return cli_case_close(&k, -1);
    if (case_dossier_allowed_ops(&k.cc, &d, ops, &nops) != 0)
        nops = 0;
    if (c->json) {
        rc = cli_print_json(c, cli_dossier_json(c, &k.cat, &d, ops, nops));
    } else {
        cli_dossier_print(c, &k.cat, &d, ops, nops);
        rc = 0;
    }
    case_dossier_release(&d);
    return cli_case_close(&k, rc);
}

/* ---- operations ---- */

struct op_arg {
    const char *id;
    enum catalog_op op;
    struct case_op_input in;
    const char *state, *payment;
};

static int do_op(struct case_ctx *cc, void *arg, struct err *e)
{
    struct op_arg *a = arg;
    struct store_stmt *q;

    if (case_dossier_op(cc, a->id, a->op, &a->in, e) != 0)
        return -1;
    /* the new state (and payment id) to tell the agent: no personal data */
    q = store_prepare(cc->store,
                      "SELECT state, (SELECT id FROM payment WHERE dossier = ?1 "
                      "ORDER BY seq DESC LIMIT 1) FROM dossier WHERE id = ?1",
                      e);
    if (!q)
        return -1;
    store_bind_text(q, 1, a->id);
    if (store_step(q, e) == STORE_ROW) {
        a->state = arena_strdup(cc->arena, store_column_text(q, 0));
        if (!store_column_is_null(q, 1))
            a->payment = arena_strdup(cc->arena, store_column_text(q, 1));
    }
    store_finalize(q);
    return e->code == ERR_OK ? 0 : -1;
}

static int dossier_op(struct cli_ctx *c, const struct op_cmd *cmd, int argc, char **argv)
{
    struct op_arg a;
    struct cli_list facts = {0}, pieces = {0};
    const char *date = NULL, *from = NULL, *to = NULL, *outcome = NULL;
    struct cli_optdef defs[12];
    size_t ndefs = 0;
    enum catalog_outcome o;
    struct cli_case k;
    int rc;

    memset(&a, 0, sizeof(a));
    a.op = cmd->op;
    defs[ndefs++] = (struct cli_optdef){"--date", CLI_OPT_ONE, &date};
    defs[ndefs++] = (struct cli_optdef){"--motif", CLI_OPT_ONE, &a.in.motive};
    if (cmd->flags & TAKES_FAIT)
        defs[ndefs++] = (struct cli_optdef){"--fait", CLI_OPT_MANY, &facts};
    if (cmd->flags & TAKES_PIECE)
        defs[ndefs++] = (struct cli_optdef){"--piece", CLI_OPT_MANY, &pieces};
    if (cmd->flags & TAKES_SEANCE)
        defs[ndefs++] = (struct cli_optdef){"--seance", CLI_OPT_ONE, &a.in.session};
    if (cmd->flags & (TAKES_DECISION | TAKES_MONTANT))
        defs[ndefs++] = (struct cli_optdef){"--montant", CLI_OPT_ONE, &a.in.amount};
    if (cmd->flags & TAKES_DECISION) {
        defs[ndefs++] = (struct cli_optdef){"--decision", CLI_OPT_ONE, &outcome};
        defs[ndefs++] = (struct cli_optdef){"--droit-du", CLI_OPT_ONE, &from};
        defs[ndefs++] = (struct cli_optdef){"--droit-au", CLI_OPT_ONE, &to};
    }
    if (cli_parse(c, argc, argv, 2, cmd->usage, defs, ndefs, &a.id, 1, 1, NULL) != 0)
        return -1;

    if ((cmd->flags & NEEDS_FAIT) && facts.n == 0)
        return cli_usage(c, cmd->usage, "donnez au moins un fait (--fait CODE=VALEUR)");
    if ((cmd->flags & TAKES_PIECE) && pieces.n == 0)
        return cli_usage(c, cmd->usage, "donnez au moins une pièce demandée (--piece TEXTE)");
    if ((cmd->flags & TAKES_SEANCE) && !a.in.session)
        return cli_usage(c, cmd->usage, "séance de commission manquante (--seance)");
    if ((cmd->flags & TAKES_MONTANT) && !a.in.amount)
        return cli_usage(c, cmd->usage, "montant du versement manquant (--montant)");
    if ((cmd->flags & NEEDS_MOTIF) && !a.in.motive)
        return cli_usage(c, cmd->usage, "motif manquant (--motif)");
    if (cmd->flags & TAKES_DECISION) {
        if (!outcome)
            return cli_usage(c, cmd->usage, "décision manquante (--decision)");
        if (!strcmp(outcome, "sans-suite"))
            outcome = "sans_suite";
        if (catalog_outcome_from_code(outcome, &o) != 0)
            return cli_usage(c, cmd->usage,
                             "décision inconnue : « %s » (accord, refus, ajournement ou "
                             "sans_suite)",
                             outcome);
        a.in.outcome = outcome;
        if (!!from != !!to)
            return cli_usage(c, cmd->usage, "--droit-du et --droit-au vont ensemble");
        if (cli_date_iso(c, "--droit-du", from, &a.in.right_from) != 0 ||
            cli_date_iso(c, "--droit-au", to, &a.in.right_to) != 0)
            return -1;
    }
    if (cli_date_iso(c, "--date", date, &a.in.date) != 0)
        return -1;
    if (cmd->flags & TAKES_PIECE) {
        /* the case layer takes the documents asked for as a JSON array in facts */
        a.in.facts = json_array();
        for (size_t i = 0; i < pieces.n; i++) {
            json_t *v = json_string(pieces.v[i]);
            if (!v) {
                json_decref(a.in.facts);
                return err_set(&c->err, ERR_INVALID,
                               "--piece : texte qui n'est pas en UTF-8 valide");
            }
            json_array_append_new(a.in.facts, v);
        }
    }

    if (cli_case_open(c, &k, false) != 0)
        return cli_case_close(&k, -1);
    if (facts.n) {
        const struct catalog_dispositif *d = dossier_dispositif(c, &k, a.id);
        if (!d || cli_facts_parse(c, d, &facts, &a.in.facts) != 0)
            return cli_case_close(&k, -1);
    }
    rc = cli_case_run(c, &k.cc, do_op, &a);
    json_decref(a.in.facts);
    if (rc != 0)
        return cli_case_close(&k, -1);
    if (c->json) {
        json_t *j = json_pack("{s:s, s:s, s:s}", "dossier", a.id, "operation",
                              catalog_op_code(a.op), "etat", a.state ? a.state : "");
        if (a.payment && a.op == OP_PAYER)
            json_object_set_new(j, "versement", json_string(a.payment));
        return cli_case_close(&k, cli_print_json(c, j));
    }
    {
        const char *disp = dossier_column(
            c, k.cc.store, "SELECT dispositif FROM dossier WHERE id = ?", a.id, &c->err);
        printf("%s %s", a.id, cli_state_label(&k.cat, disp ? disp : "", a.state));
        if (a.payment && a.op == OP_PAYER)
            printf(" (versement %s)", a.payment);
        putchar('\n');
    }
    err_clear(&c->err);
    return cli_case_close(&k, 0);
}

int cmd_dossier(struct cli_ctx *c, int argc, char **argv)
{
    if (argc < 2)
        return cli_usage(c, dossier_usage, "sous-commande manquante");
    if (!strcmp(argv[1], "open"))
        return dossier_open(c, argc, argv);
    if (!strcmp(argv[1], "show"))
        return dossier_show(c, argc, argv);
    for (size_t i = 0; i < ARRAY_SIZE(op_cmds); i++)
        if (!strcmp(argv[1], cli_op_subcommand(op_cmds[i].op)))
            return dossier_op(c, &op_cmds[i], argc, argv);
    return cli_usage(c, dossier_usage, "sous-commande inconnue : %s", argv[1]);
}

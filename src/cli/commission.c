/*
 * commission.c: `proxima commission`: create a session, put dossiers on its
 * agenda, record its decisions in one batch (options or a CSV file), close
 * it with its minutes, show it and print its procès-verbal. Every write is
 * one transaction: a batch with one bad line writes nothing.
 */
#include "core/compat.h"
#include "cli/casecli.h"

#include "case/view.h"
#include "core/csv.h"
#include "core/file.h"
#include "core/money.h"
#include "core/strbuf.h"

static const char commission_usage[] =
    "proxima --as AGENT commission create|schedule|decide|close|show|minutes ...";
static const char create_usage[] =
    "proxima --as AGENT commission create --commission LIBELLE --date AAAA-MM-JJ "
    "--president NOM --site mds:CODE";
static const char schedule_usage[] =
    "proxima --as AGENT commission schedule SEANCE DOSSIER [DOSSIER ...] [--date AAAA-MM-JJ]";
static const char decide_usage[] =
    "proxima --as AGENT commission decide SEANCE --dossier DOSSIER --decision "
    "accord|refus|ajournement|sans_suite [--montant MONTANT] [--motif TEXTE] "
    "[--droit-du AAAA-MM-JJ --droit-au AAAA-MM-JJ] [--dossier ...] "
    "| --fichier FICHIER.csv (colonnes dossier;decision;montant;motif)";
static const char close_usage[] = "proxima --as AGENT commission close SEANCE --pv TEXTE";
static const char show_usage[] = "proxima --as AGENT commission show SEANCE";
static const char minutes_usage[] = "proxima --as AGENT commission minutes SEANCE";

#define DECIDE_FILE_MAX (4u << 20) /* bytes of a decisions CSV file */

/* ---- create ---- */

struct create_arg {
    const char *commission, *date, *chair, *site;
    const char *id;
};

static int do_create(struct case_ctx *cc, void *arg, struct err *e)
{
    struct create_arg *a = arg;
    return case_session_create(cc, NULL, a->commission, a->date, a->chair, a->site, &a->id, e);
}

static int commission_create(struct cli_ctx *c, int argc, char **argv)
{
    struct create_arg a = {0};
    const char *date = NULL;
    const struct cli_optdef defs[] = {
        {"--commission", CLI_OPT_ONE, &a.commission},
        {"--date", CLI_OPT_ONE, &date},
        {"--president", CLI_OPT_ONE, &a.chair},
        {"--site", CLI_OPT_ONE, &a.site},
    };
    struct cli_case k;

    if (cli_parse(c, argc, argv, 2, create_usage, defs, ARRAY_SIZE(defs), NULL, 0, 0, NULL) != 0)
        return -1;
    if (!a.commission)
        return cli_usage(c, create_usage, "libellé de la commission manquant (--commission)");
    if (!date)
        return cli_usage(c, create_usage, "date de la séance manquante (--date)");
    if (!a.chair)
        return cli_usage(c, create_usage,
                         "nom de l'élu qui préside la séance manquant (--president)");
    if (!a.site)
        return cli_usage(c, create_usage, "site de la séance manquant (--site)");
    if (cli_date_iso(c, "--date", date, &a.date) != 0)
        return -1;
    if (cli_case_open(c, &k, false) != 0 || cli_case_run(c, &k.cc, do_create, &a) != 0)
        return cli_case_close(&k, -1);
    if (c->json)
        return cli_case_close(&k, cli_print_json(c, json_pack("{s:s}", "id", a.id)));
    printf("%s\n", a.id);
    return cli_case_close(&k, 0);
}

/* ---- schedule ---- */

struct schedule_arg {
    const char *session, *date;
    const char **dossiers;
    size_t n;
};

static int do_schedule(struct case_ctx *cc, void *arg, struct err *e)
{
    struct schedule_arg *a = arg;

    for (size_t i = 0; i < a->n; i++) {
        struct case_op_input in = {.date = a->date, .session = a->session};
        if (case_dossier_op(cc, a->dossiers[i], OP_INSCRIRE_COMMISSION, &in, e) != 0) {
            err_prefix(e, "dossier %s : ", a->dossiers[i]);
            if (!e->detail[0])
                err_detail(e, "aucun dossier n'a été inscrit à la séance %s", a->session);
            return -1;
        }
    }
    return 0;
}

#define SCHEDULE_MAX 500 /* dossiers per command */

static int commission_schedule(struct cli_ctx *c, int argc, char **argv)
{
    struct schedule_arg a = {0};
    const char *pos[SCHEDULE_MAX + 1], *date = NULL;
    const struct cli_optdef defs[] = {{"--date", CLI_OPT_ONE, &date}};
    struct cli_case k;
    size_t npos;

    if (cli_parse(c, argc, argv, 2, schedule_usage, defs, ARRAY_SIZE(defs), pos, 2,
                  SCHEDULE_MAX + 1, &npos) != 0)
        return -1;
    a.session = pos[0];
    a.dossiers = pos + 1;
    a.n = npos - 1;
    for (size_t i = 0; i < a.n; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(a.dossiers[i], a.dossiers[j]))
                return cli_usage(c, schedule_usage, "dossier %s donné deux fois", a.dossiers[i]);
    if (cli_date_iso(c, "--date", date, &a.date) != 0)
        return -1;
    if (cli_case_open(c, &k, false) != 0 || cli_case_run(c, &k.cc, do_schedule, &a) != 0)
        return cli_case_close(&k, -1);
    if (c->json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < a.n; i++)
            json_array_append_new(arr, json_string(a.dossiers[i]));
        return cli_case_close(
            &k, cli_print_json(c, json_pack("{s:s, s:o}", "seance", a.session, "dossiers", arr)));
    }
    printf("%s\n", a.session);
    return cli_case_close(&k, 0);
}

/* ---- decide ---- */

struct decide_arg {
    const char *session;
    struct case_batch_decision *d;
    size_t n, cap;
};

static struct case_batch_decision *decide_add(struct cli_ctx *c, struct decide_arg *a)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 16;
        struct case_batch_decision *grown = arena_calloc(&c->arena, cap, sizeof(*grown));
        if (a->n)
            memcpy(grown, a->d, a->n * sizeof(*grown));
        a->d = grown;
        a->cap = cap;
    }
    return &a->d[a->n++];
}

/* "accord", "refus", "ajournement", "sans_suite" (or "sans-suite", "sans suite"). */
static const char *outcome_code(const char *v)
{
    enum catalog_outcome o;

    if (!strcmp(v, "sans-suite") || !strcmp(v, "sans suite"))
        v = "sans_suite";
    if (catalog_outcome_from_code(v, &o) != 0)
        return NULL;
    return catalog_outcome_code(o);
}

static int bad_outcome(struct cli_ctx *c, const char *where, const char *v)
{
    err_set(&c->err, ERR_INVALID, "%sdécision inconnue : « %s »", where, v);
    return err_hint(&c->err, "décisions possibles : accord, refus, ajournement, sans_suite");
}

/* Decisions from a CSV file: dossier;decision;montant;motif (header required). */
static int decide_from_file(struct cli_ctx *c, const char *path, struct decide_arg *a)
{
    static const char *const cols[] = {"dossier", "decision", "?montant", "?motif"};
    int idx[ARRAY_SIZE(cols)];
    struct csv_reader r;
    struct strbuf data;
    int rc = -1, got;

    strbuf_init(&data, 0);
    if (file_read_all(path, &data, DECIDE_FILE_MAX, &c->err) != 0)
        goto out;
    csv_reader_init(&r, path, data.buf, data.len, 0);
    got = csv_read_record(&r, &c->err);
    if (got == 0) {
        err_set(&c->err, ERR_INVALID, "fichier %s vide", path);
        err_hint(&c->err, "première ligne attendue : dossier;decision;montant;motif");
        goto done;
    }
    if (got < 0 || csv_header_map(&r, cols, ARRAY_SIZE(cols), idx, &c->err) != 0) {
        if (got > 0)
            err_prefix(&c->err, "fichier %s, ligne 1 : ", path);
        goto done;
    }
    while ((got = csv_read_record(&r, &c->err)) == 1) {
        struct case_batch_decision *d = decide_add(c, a);
        const char *dossier = (size_t)idx[0] < r.nfields ? csv_field_str(&r, (size_t)idx[0]) : "";
        const char *dec = (size_t)idx[1] < r.nfields ? csv_field_str(&r, (size_t)idx[1]) : "";
        const char *where = arena_printf(&c->arena, "fichier %s, ligne %zu : ", path, r.line);
        if (!*dossier) {
            err_set(&c->err, ERR_INVALID, "%scolonne « dossier » vide", where);
            goto done;
        }
        d->dossier = arena_strdup(&c->arena, dossier);
        d->in.outcome = outcome_code(dec);
        if (!d->in.outcome) {
            bad_outcome(c, where, dec);
            goto done;
        }
        if (idx[2] >= 0 && (size_t)idx[2] < r.nfields && *csv_field_str(&r, (size_t)idx[2]))
            d->in.amount = arena_strdup(&c->arena, csv_field_str(&r, (size_t)idx[2]));
        if (idx[3] >= 0 && (size_t)idx[3] < r.nfields && *csv_field_str(&r, (size_t)idx[3]))
            d->in.motive = arena_strdup(&c->arena, csv_field_str(&r, (size_t)idx[3]));
    }
    if (got < 0)
        goto done;
    if (a->n == 0) {
        err_set(&c->err, ERR_INVALID, "fichier %s : aucune décision après l'en-tête", path);
        goto done;
    }
    rc = 0;
done:
    csv_reader_release(&r);
out:
    strbuf_release(&data);
    return rc;
}

static int do_decide(struct case_ctx *cc, void *arg, struct err *e)
{
    struct decide_arg *a = arg;
    return case_session_decide(cc, a->session, a->d, a->n, e);
}

static int commission_decide(struct cli_ctx *c, int argc, char **argv)
{
    struct decide_arg a = {0};
    struct case_batch_decision *cur = NULL;
    const char *file = NULL;
    struct cli_case k;

    /* groups: each --dossier opens one; the options after it belong to it */
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        if (cli_opt(c, argc, argv, &i, "--fichier", &v)) {
            if (!v)
                return cli_usage(c, decide_usage, "l'option --fichier attend une valeur");
            if (file)
                return cli_usage(c, decide_usage, "option --fichier donnée deux fois");
            file = v;
        } else if (cli_opt(c, argc, argv, &i, "--dossier", &v)) {
            if (!v)
                return cli_usage(c, decide_usage, "l'option --dossier attend une valeur");
            cur = decide_add(c, &a);
            cur->dossier = v;
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            static const char *const group_opts[] = {"--decision", "--montant", "--motif",
                                                     "--droit-du", "--droit-au"};
            size_t g = 0;
            for (; g < ARRAY_SIZE(group_opts); g++)
                if (cli_opt(c, argc, argv, &i, group_opts[g], &v))
                    break;
            if (g == ARRAY_SIZE(group_opts))
                return cli_usage(c, decide_usage, "option inconnue : %s", argv[i]);
            if (!v)
                return cli_usage(c, decide_usage, "l'option %s attend une valeur", group_opts[g]);
            if (!cur)
                return cli_usage(c, decide_usage, "%s doit suivre --dossier DOSSIER",
                                 group_opts[g]);
            if (g == 0) {
                if (cur->in.outcome)
                    return cli_usage(c, decide_usage, "dossier %s : deux décisions données",
                                     cur->dossier);
                cur->in.outcome = outcome_code(v);
                if (!cur->in.outcome)
                    return bad_outcome(c, arena_printf(&c->arena, "dossier %s : ", cur->dossier),
                                       v);
            } else if (g == 1) {
                cur->in.amount = v;
            } else if (g == 2) {
                cur->in.motive = v;
            } else if (cli_date_iso(c, group_opts[g], v,
                                    g == 3 ? &cur->in.right_from : &cur->in.right_to) != 0) {
                return -1;
            }
        } else if (!a.session) {
            a.session = argv[i];
        } else {
            return cli_usage(c, decide_usage, "argument inattendu : %s", argv[i]);
        }
    }
    if (!a.session)
        return cli_usage(c, decide_usage, "séance manquante");
    if (file && a.n)
        return cli_usage(c, decide_usage,
                         "donnez les décisions soit par --dossier, soit par "
                         "--fichier, pas les deux");
    if (!file && a.n == 0)
        return cli_usage(c, decide_usage,
                         "aucune décision : --dossier D --decision X, ou "
                         "--fichier F");
    for (size_t i = 0; i < a.n; i++)
        if (!a.d[i].in.outcome)
            return cli_usage(c, decide_usage, "dossier %s : décision manquante (--decision)",
                             a.d[i].dossier);
    if (file && decide_from_file(c, file, &a) != 0)
        return -1;
    if (cli_case_open(c, &k, false) != 0 || cli_case_run(c, &k.cc, do_decide, &a) != 0)
        return cli_case_close(&k, -1);
    if (c->json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < a.n; i++)
            json_array_append_new(arr, json_pack("{s:s, s:s}", "dossier", a.d[i].dossier,
                                                 "decision", a.d[i].in.outcome));
        return cli_case_close(
            &k, cli_print_json(c, json_pack("{s:s, s:o}", "seance", a.session, "decisions", arr)));
    }
    printf("%s\n", a.session);
    return cli_case_close(&k, 0);
}

/* ---- close ---- */

struct close_arg {
    const char *session, *minutes;
};

static int do_close(struct case_ctx *cc, void *arg, struct err *e)
{
    struct close_arg *a = arg;
    return case_session_close(cc, a->session, a->minutes, e);
}

static int commission_close(struct cli_ctx *c, int argc, char **argv)
{
    struct close_arg a = {0};
    const struct cli_optdef defs[] = {{"--pv", CLI_OPT_ONE, &a.minutes}};
    struct cli_case k;

    if (cli_parse(c, argc, argv, 2, close_usage, defs, ARRAY_SIZE(defs), &a.session, 1, 1, NULL) !=
        0)
        return -1;
    if (!a.minutes)
        return cli_usage(c, close_usage, "texte du procès-verbal manquant (--pv)");
    if (cli_case_open(c, &k, false) != 0 || cli_case_run(c, &k.cc, do_close, &a) != 0)
        return cli_case_close(&k, -1);
    if (c->json)
        return cli_case_close(
            &k, cli_print_json(c, json_pack("{s:s, s:s}", "id", a.session, "etat", "close")));
    printf("%s\n", a.session);
    return cli_case_close(&k, 0);
}

/* ---- show, minutes ---- */

static int commission_show(struct cli_ctx *c, int argc, char **argv)
{
    struct case_session s;
    const char *id;
    struct cli_case k;

    if (cli_parse(c, argc, argv, 2, show_usage, NULL, 0, &id, 1, 1, NULL) != 0)
        return -1;
    if (cli_case_open(c, &k, false) != 0 || case_session_get(&k.cc, id, &s, &c->err) != 0)
        return cli_case_close(&k, -1);
    if (c->json)
        return cli_case_close(&k, cli_print_json(c, case_session_json(&s)));
    printf("Séance %s : %s\n", s.id, s.commission);
    printf("  Date       : %s\n", cli_date_fr(c, s.date));
    printf("  Présidence : %s\n", s.chair);
    printf("  Site       : %s\n", s.site);
    printf("  État       : %s\n", !strcmp(s.state, "close") ? "close" : "prévue");
    printf("\nOrdre du jour (%zu %s)\n", s.nagenda, s.nagenda > 1 ? "dossiers" : "dossier");
    for (size_t i = 0; i < s.nagenda; i++) {
        const struct case_agenda_item *a = &s.agenda[i];
        const struct catalog_dispositif *d = catalog_find(&k.cat, a->dispositif);
        printf("  %zu. %s  %s  %s  %s", i + 1, a->dossier, d ? d->label : a->dispositif,
               a->beneficiary, cli_state_label(&k.cat, a->dispositif, a->state));
        if (a->outcome)
            printf("  décision : %s", a->outcome);
        if (a->amount >= 0)
            printf(", %s", cli_money(c, a->amount));
        putchar('\n');
    }
    if (s.minutes)
        printf("\nProcès-verbal\n%s\n", s.minutes);
    return cli_case_close(&k, 0);
}

static int commission_minutes(struct cli_ctx *c, int argc, char **argv)
{
    struct strbuf out;
    const char *id;
    struct cli_case k;
    int rc = -1;

    if (cli_parse(c, argc, argv, 2, minutes_usage, NULL, 0, &id, 1, 1, NULL) != 0)
        return -1;
    if (cli_case_open(c, &k, false) != 0)
        return cli_case_close(&k, -1);
    strbuf_init(&out, 0);
    if (case_session_minutes(&k.cc, id, &out, &c->err) == 0) {
        if (c->json)
            rc = cli_print_json(c, json_pack("{s:s, s:s}", "seance", id, "texte", out.buf));
        else
            rc = fputs(out.buf, stdout) == EOF ? err_set(&c->err, ERR_IO,
                                                         "impossible d'écrire "
                                                         "la sortie")
                                               : 0;
    }
    strbuf_release(&out);
    return cli_case_close(&k, rc);
}

int cmd_commission(struct cli_ctx *c, int argc, char **argv)
{
    if (argc < 2)
        return cli_usage(c, commission_usage, "sous-commande manquante");
    if (!strcmp(argv[1], "create"))
        return commission_create(c, argc, argv);
    if (!strcmp(argv[1], "schedule"))
        return commission_schedule(c, argc, argv);
    if (!strcmp(argv[1], "decide"))
        return commission_decide(c, argc, argv);
    if (!strcmp(argv[1], "close"))
        return commission_close(c, argc, argv);
    if (!strcmp(argv[1], "show"))
        return commission_show(c, argc, argv);
    if (!strcmp(argv[1], "minutes"))
        return commission_minutes(c, argc, argv);
    return cli_usage(c, commission_usage, "sous-commande inconnue : %s", argv[1]);
}

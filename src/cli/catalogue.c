/*
 * catalogue.c: `proxima catalogue`, the declarative catalogue of
 * dispositifs as the agents and the administrators see it: `check` (load
 * and validate data/catalogue/, the command to run after editing it),
 * `list` (one line per dispositif, optionally for one policy) and `show`
 * (everything about one dispositif: facts, parameters in force at a date
 * with their legal references, rules, workflow transitions and roles).
 * No database is needed.
 */
#include "core/compat.h"
#include "cli/cli.h"
#include "cli/format.h"

#include <jansson.h>

#include "case/view.h"
#include "catalog/catalog.h"
#include "core/date.h"
#include "core/json.h"
#include "core/money.h"
#include "core/strbuf.h"

static const char usage[] =
    "proxima catalogue check | list [--politique P] | show CODE [--date AAAA-MM-JJ]";

static int load(struct cli_ctx *c, struct catalog *cat)
{
    return catalog_load(cat, cli_data_path(c, "catalogue"), &c->err);
}

static void print_json(json_t *o)
{
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    puts(text);
    json_text_free(text);
    json_decref(o);
}

static const char *yes_no(bool b)
{
    return b ? "oui" : "non";
}

/* A typed value for people: "1 234,56 €", "01/01/2022", "oui", "12". */
static const char *value_text(struct cli_ctx *c, enum rules_type t, const struct rules_value *v)
{
    char fr[DATE_ISO_LEN];
    struct strbuf sb;
    const char *r;

    strbuf_init(&sb, 256);
    switch (t) {
    case RULES_BOOL:
        strbuf_addstr(&sb, yes_no(v->u.b));
        break;
    case RULES_INT:
        num_format_int(&sb, v->u.i);
        break;
    case RULES_MONEY:
        money_format(&sb, v->u.i);
        break;
    case RULES_DATE:
        date_format_fr((date_t)v->u.i, fr);
        strbuf_addstr(&sb, fr);
        break;
    case RULES_TEXT:
        strbuf_add(&sb, v->u.s.p, v->u.s.n);
        break;
    case RULES_ABSENT:
        strbuf_addstr(&sb, "absent");
        break;
    }
    r = arena_strdup(&c->arena, sb.buf);
    strbuf_release(&sb);
    return r;
}

/* ---- check ---- */

static int catalogue_check(struct cli_ctx *c, int argc, char **argv)
{
    struct catalog cat;

    if (argc > 2)
        return cli_usage(c, usage, "argument inattendu : %s", argv[2]);
    if (load(c, &cat) < 0)
        return -1;
    if (c->json)
        print_json(json_pack("{s:b, s:s, s:I, s:I, s:I}", "valide", 1, "repertoire",
                             cli_data_path(c, "catalogue"), "dispositifs",
                             (json_int_t)cat.ndispositifs, "workflows", (json_int_t)cat.nworkflows,
                             "roles", (json_int_t)cat.nroles));
    else
        printf("catalogue valide : %zu dispositifs, %zu workflows, %zu rôles\n", cat.ndispositifs,
               cat.nworkflows, cat.nroles);
    catalog_release(&cat);
    return 0;
}

/* ---- list ---- */

static const char *workflow_code(const struct catalog_dispositif *d)
{
    return d->workflow ? d->workflow->code : "-";
}

static int list_json(const struct catalog *cat, const char *politique)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < cat->ndispositifs; i++) {
        const struct catalog_dispositif *d = &cat->dispositifs[i];
        if (politique && strcmp(d->politique, politique))
            continue;
        json_array_append_new(arr, case_dispositif_summary_json(d));
    }
    print_json(arr);
    return 0;
}

static int catalogue_list(struct cli_ctx *c, int argc, char **argv)
{
    static const char *const heads[] = {"Code", "Politique",  "Nature",   "Classe",
                                        "Site", "Commission", "Workflow", "Libellé"};
    const char *politique = NULL;
    size_t w[ARRAY_SIZE(heads)] = {0}, n = 0;
    struct catalog cat;
    struct strbuf known;

    for (int i = 2; i < argc; i++) {
        const char *v;
        if (cli_opt(c, argc, argv, &i, "--politique", &v)) {
            if (!v)
                return -1;
            politique = v;
        } else {
            return cli_usage(c, usage, "argument inattendu : %s", argv[i]);
        }
    }
    if (load(c, &cat) < 0)
        return -1;
    for (size_t i = 0; i < cat.ndispositifs; i++)
        if (!politique || !strcmp(cat.dispositifs[i].politique, politique))
            n++;
    if (n == 0) {
        strbuf_init(&known, ERR_HINT_MAX);
        for (size_t i = 0; i < cat.ndispositifs; i++) {
            const char *p = cat.dispositifs[i].politique;
            bool seen = false;
            for (size_t k = 0; k < i; k++)
                seen = seen || !strcmp(cat.dispositifs[k].politique, p);
            if (!seen)
                strbuf_addf(&known, "%s%s", known.len ? ", " : "", p);
        }
        err_set(&c->err, ERR_NOT_FOUND, "aucun dispositif pour la politique « %s »",
                politique ? politique : "");
        err_hint(&c->err, "politiques du catalogue : %s", known.buf);
        strbuf_release(&known);
        catalog_release(&cat);
        return -1;
    }
    if (c->json) {
        list_json(&cat, politique);
        catalog_release(&cat);
        return 0;
    }
    for (size_t k = 0; k < ARRAY_SIZE(heads); k++)
        w[k] = cli_width(heads[k]);
    for (size_t i = 0; i < cat.ndispositifs; i++) {
        const struct catalog_dispositif *d = &cat.dispositifs[i];
        const char *cols[] = {d->code,
                              d->politique,
                              catalog_nature_code(d->nature),
                              catalog_class_code(d->data_class),
                              catalog_site_rule_code(d->site_rule),
                              yes_no(d->commission),
                              workflow_code(d)};
        if (politique && strcmp(d->politique, politique))
            continue;
        for (size_t k = 0; k < ARRAY_SIZE(cols); k++)
            if (cli_width(cols[k]) > w[k])
                w[k] = cli_width(cols[k]);
    }
    for (size_t k = 0; k < ARRAY_SIZE(heads); k++) {
        if (k + 1 < ARRAY_SIZE(heads))
            cli_pad_right(heads[k], w[k] + 2);
        else
            puts(heads[k]);
    }
    for (size_t i = 0; i < cat.ndispositifs; i++) {
        const struct catalog_dispositif *d = &cat.dispositifs[i];
        const char *cols[] = {d->code,
                              d->politique,
                              catalog_nature_code(d->nature),
                              catalog_class_code(d->data_class),
                              catalog_site_rule_code(d->site_rule),
                              yes_no(d->commission),
                              workflow_code(d),
                              d->label};
        if (politique && strcmp(d->politique, politique))
            continue;
        for (size_t k = 0; k + 1 < ARRAY_SIZE(cols); k++)
            cli_pad_right(cols[k], w[k] + 2);
        puts(cols[ARRAY_SIZE(cols) - 1]);
    }
    printf("\n%zu dispositif%s\n", n, n > 1 ? "s" : "");
    catalog_release(&cat);
    return 0;
}

/* ---- show ---- */

static const char *fact_bounds(struct cli_ctx *c, const struct catalog_fact *f)
{
    struct strbuf sb;
    struct rules_value v = {.type = f->type};
    const char *r;

    strbuf_init(&sb, 1024);
    if (f->has_min) {
        v.u.i = f->min;
        strbuf_addf(&sb, "  min %s", value_text(c, f->type, &v));
    }
    if (f->has_max) {
        v.u.i = f->max;
        strbuf_addf(&sb, "  max %s", value_text(c, f->type, &v));
    }
    if (f->nchoices) {
        strbuf_addstr(&sb, "  choix : ");
        for (size_t i = 0; i < f->nchoices; i++) {
            const char *label = catalog_choice_label(f, f->choices[i]);
            strbuf_addf(&sb, "%s%s", i ? ", " : "", f->choices[i]);
            if (label)
                strbuf_addf(&sb, " « %s »", label);
        }
    }
    r = arena_strdup(&c->arena, sb.buf);
    strbuf_release(&sb);
    return r;
}

static bool is_final(const struct catalog_workflow *w, const char *state)
{
    for (size_t i = 0; i < w->nfinal; i++)
        if (!strcmp(w->final_states[i], state))
            return true;
    return false;
}

/* The JSON document is the library's (case/view.c), shared with the HTTP API. */
static int show_json(const struct catalog_dispositif *d, date_t day)
{
    print_json(case_dispositif_json(d, day));
    return 0;
}

static void show_params(struct cli_ctx *c, const struct catalog_dispositif *d, date_t day)
{
    char fr[DATE_ISO_LEN], from[DATE_ISO_LEN];

    date_format_fr(day, fr);
    printf("\nParamètres en vigueur au %s\n", fr);
    if (d->nparams == 0)
        printf("  aucun\n");
    for (size_t i = 0; i < d->nparams; i++) {
        const struct catalog_param *p = &d->params[i];
        struct rules_value v;
        const char *ref;
        struct err e;

        err_clear(&e);
        if (catalog_param_at(d, p->code, day, &v, &ref, &e) < 0) {
            date_format_fr(p->values[0].from, from);
            printf("  %s : aucune valeur en vigueur (première valeur le %s)\n      %s\n", p->code,
                   from, p->label);
            continue;
        }
        for (size_t k = 0; k < p->nvalues; k++)
            if (p->values[k].from <= day)
                date_format_fr(p->values[k].from, from);
        printf("  %s = %s depuis le %s\n      %s\n      référence : %s\n", p->code,
               value_text(c, p->type, &v), from, p->label, ref);
    }
}

static void show_workflow(const struct catalog_workflow *w)
{
    size_t opw = 0;

    printf("\nWorkflow %s : %s\n  États :", w->code, w->label);
    for (size_t i = 0; i < w->nstates; i++) {
        bool init = !strcmp(w->states[i], w->initial), fin = is_final(w, w->states[i]);
        printf("%s %s%s", i ? "," : "", w->states[i], init ? " (initial)" : fin ? " (final)" : "");
    }
    printf("\n  Transitions :\n");
    for (size_t i = 0; i < w->ntransitions; i++)
        if (cli_width(catalog_op_code(w->transitions[i].op)) > opw)
            opw = cli_width(catalog_op_code(w->transitions[i].op));
    for (size_t i = 0; i < w->ntransitions; i++) {
        const struct catalog_transition *t = &w->transitions[i];
        printf("    ");
        cli_pad_right(catalog_op_code(t->op), opw + 2);
        if (t->nfrom == 0)
            printf("(nouveau dossier)");
        for (size_t k = 0; k < t->nfrom; k++)
            printf("%s%s", k ? ", " : "", t->from[k]);
        printf(" -> ");
        if (t->op == OP_DECIDER) {
            bool first = true;
            for (int k = 0; k < OUTCOME__COUNT; k++) {
                if (!t->to_outcome[k])
                    continue;
                printf("%s%s : %s", first ? "" : " ; ",
                       catalog_outcome_code((enum catalog_outcome)k), t->to_outcome[k]);
                first = false;
            }
        } else {
            printf("%s", t->to);
        }
        printf("\n    ");
        cli_pad_right("", opw + 2);
        printf("rôles : ");
        for (size_t k = 0; k < t->nroles; k++)
            printf("%s%s", k ? ", " : "", t->roles[k]->code);
        putchar('\n');
    }
}

static void show_text(struct cli_ctx *c, const struct catalog_dispositif *d, date_t day)
{
    size_t fw = 0;

    printf("%s (%s)\n\n", d->label, d->code);
    printf("  Fichier        %s\n", d->file);
    printf("  Pacte          %s\n", d->pacte);
    printf("  Politique      %s\n", d->politique);
    printf("  Nature         %s\n", catalog_nature_code(d->nature));
    printf("  Bénéficiaire   %s\n", catalog_beneficiary_code(d->beneficiary));
    printf("  Site           %s : %s\n", catalog_site_rule_code(d->site_rule),
           catalog_site_rule_label(d->site_rule));
    printf("  Classe         %s : %s\n", catalog_class_code(d->data_class),
           catalog_class_label(d->data_class));
    printf("  Commission     %s\n", yes_no(d->commission));
    if (d->workflow)
        printf("  Workflow       %s : %s\n", d->workflow->code, d->workflow->label);
    else
        printf("  Workflow       aucun (acte)\n");

    printf("\nRéférences\n");
    if (d->nreferences == 0)
        printf("  aucune\n");
    for (size_t i = 0; i < d->nreferences; i++)
        printf("  - %s\n", d->references[i]);

    printf("\nFaits\n");
    if (d->nfacts == 0)
        printf("  aucun\n");
    for (size_t i = 0; i < d->nfacts; i++)
        if (cli_width(d->facts[i].code) > fw)
            fw = cli_width(d->facts[i].code);
    for (size_t i = 0; i < d->nfacts; i++) {
        const struct catalog_fact *f = &d->facts[i];
        printf("  ");
        cli_pad_right(f->code, fw + 2);
        cli_pad_right(catalog_type_code(f->type), 9);
        cli_pad_right(f->required ? "obligatoire" : "facultatif", 13);
        printf("%s%s\n", f->label, fact_bounds(c, f));
    }

    show_params(c, d, day);

    if (d->neligibility) {
        printf("\nÉligibilité (toutes les conditions pour un accord)\n");
        for (size_t i = 0; i < d->neligibility; i++) {
            const struct catalog_rule *rule = &d->eligibility[i];
            if (rule->label)
                printf("  %zu. %s\n     règle : %s\n", i + 1, rule->label,
                       rules_expr_source(rule->expr));
            else
                printf("  %zu. %s\n", i + 1, rules_expr_source(rule->expr));
            printf("     sinon : %s\n", rule->message);
        }
    }
    if (d->amount)
        printf("\nMontant accordé\n  %s\n", rules_expr_source(d->amount));
    if (d->workflow)
        show_workflow(d->workflow);
    if (d->note)
        printf("\nNote\n  %s\n", d->note);
}

static int catalogue_show(struct cli_ctx *c, int argc, char **argv)
{
    const char *code = NULL, *date_arg = NULL;
    const struct catalog_dispositif *d;
    struct catalog cat;
    date_t day;

    if (cli_parse_pos_date(c, argc, argv, usage, &code, &date_arg) != 0)
        return -1;
    if (!code)
        return cli_usage(c, usage, "code du dispositif manquant");
    if (cli_parse_day(c, date_arg, &day) < 0 || load(c, &cat) < 0)
        return -1;
    d = catalog_find(&cat, code);
    if (!d) {
        err_set(&c->err, ERR_NOT_FOUND, "dispositif inconnu : « %s »", code);
        err_hint(&c->err, "proxima catalogue list donne les codes des dispositifs");
        catalog_release(&cat);
        return -1;
    }
    if (c->json)
        show_json(d, day);
    else
        show_text(c, d, day);
    catalog_release(&cat);
    return 0;
}

int cmd_catalogue(struct cli_ctx *c, int argc, char **argv)
{
    if (argc < 2)
        return cli_usage(c, usage, "sous-commande manquante");
    if (!strcmp(argv[1], "check"))
        return catalogue_check(c, argc, argv);
    if (!strcmp(argv[1], "list"))
        return catalogue_list(c, argc, argv);
    if (!strcmp(argv[1], "show"))
        return catalogue_show(c, argc, argv);
    return cli_usage(c, usage, "sous-commande inconnue : %s", argv[1]);
}

/*
 * caseprint.c: how the CLI shows persons and dossiers, in French text and
 * in JSON (the JSON documents themselves are the library's, case/view.c,
 * shared with the HTTP API), used by every show, search and list command.
 * Amounts are shown in the French format in text ("1 234,56 €") and in the
 * machine form in JSON ("1234.56"), dates as JJ/MM/AAAA in text and ISO in
 * JSON.
 */
#include "core/compat.h"
#include "cli/casecli.h"
#include "cli/format.h"

#include "case/view.h"
#include "catalog/catalog.h"
#include "core/date.h"
#include "core/json.h"
#include "core/money.h"
#include "core/strbuf.h"

static const char *const op_subcommands[OP__COUNT] = {
    [OP_OUVRIR] = NULL,
    [OP_DEMANDER_PIECES] = "demander-pieces",
    [OP_COMPLETER] = "completer",
    [OP_INSTRUIRE] = "instruire",
    [OP_INSCRIRE_COMMISSION] = "inscrire",
    [OP_DECIDER] = "decider",
    [OP_NOTIFIER] = "notifier",
    [OP_PAYER] = "payer",
    [OP_DEBUTER_MESURE] = "debuter",
    [OP_TERMINER_MESURE] = "terminer",
    [OP_CLORE] = "clore",
    [OP_ROUVRIR] = "rouvrir",
    [OP_FORMER_RECOURS] = "recours",
};

const char *cli_op_subcommand(enum catalog_op op)
{
    assert(op >= 0 && op < OP__COUNT);
    return op_subcommands[op];
}

/* ---- persons ---- */

json_t *cli_person_json(const struct case_person *p)
{
    return case_person_json(p);
}

static bool has(const char *s)
{
    return s && *s;
}

/* "MDS du Calaisis (mds:calaisis)", from the referential when it knows the code. */
static const char *mds_label(struct cli_ctx *c, const char *code)
{
    struct store_stmt *q;
    const char *name = NULL;
    struct err ignore;

    err_clear(&ignore);
    if (!c->store)
        return arena_printf(&c->arena, "mds:%s", code);
    q = store_prepare(c->store, "SELECT name FROM ref_area WHERE grid = 'mds' AND code = ?",
                      &ignore);
    if (q) {
        store_bind_text(q, 1, code);
        if (store_step(q, &ignore) == STORE_ROW)
            name = arena_strdup(&c->arena, store_column_text(q, 0));
        store_finalize(q);
    }
    return name ? arena_printf(&c->arena, "%s (mds:%s)", name, code)
                : arena_printf(&c->arena, "mds:%s", code);
}

/* "  Label        : value\n", labels padded to w columns whatever their accents. */
static void field(size_t w, const char *label, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void field(size_t w, const char *label, const char *fmt, ...)
{
    va_list ap;

    printf("  %s", label);
    for (size_t i = cli_width(label); i < w; i++)
        putchar(' ');
    fputs(" : ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

#define PW 19 /* label column of a person */

void cli_person_print(struct cli_ctx *c, const struct case_person *p)
{
    bool f = p->sex && !strcmp(p->sex, "F");

    printf("Personne %s : %s %s\n", p->id, p->last_name, p->first_name);
    field(PW, f ? "Née le" : "Né le", "%s (sexe %s)", cli_date_fr(c, p->birth_date),
          p->sex ? p->sex : "?");
    if (has(p->nir))
        field(PW, "NIR", "%s", p->nir);
    if (has(p->internal_id))
        field(PW, "Identifiant interne", "%s", p->internal_id);
    if (has(p->caf_number))
        field(PW, "Allocataire CAF/MSA", "n° %s, rôle %s", p->caf_number,
              has(p->caf_role) ? p->caf_role : "non précisé");
    if (has(p->commune))
        field(PW, "Adresse", "%s%s%s (%s)", has(p->address) ? p->address : "",
              has(p->address) ? ", " : "", has(p->commune_name) ? p->commune_name : "?",
              p->commune);
    else
        field(PW, "Adresse", "inconnue");
    if (has(p->phone))
        field(PW, "Téléphone", "%s", p->phone);
    if (has(p->email))
        field(PW, "Courriel", "%s", p->email);
    field(PW, "MDS compétente", "%s",
          has(p->mds) ? mds_label(c, p->mds) : "aucune (pas d'adresse dans le département)");
}

void cli_person_line(struct cli_ctx *c, const struct case_person *p)
{
    bool f = p->sex && !strcmp(p->sex, "F");

    printf("%s  %s %s, %s le %s", p->id, p->last_name, p->first_name, f ? "née" : "né",
           cli_date_fr(c, p->birth_date));
    if (has(p->commune))
        printf(", %s (%s)", has(p->commune_name) ? p->commune_name : "?", p->commune);
    if (has(p->mds))
        printf(", MDS %s", p->mds);
    putchar('\n');
}

/* ---- dossiers ---- */

const char *cli_state_label(const struct catalog *cat, const char *dispositif, const char *state)
{
    return case_state_label(cat, dispositif, state);
}

static const char *outcome_label(const char *code)
{
    enum catalog_outcome o;

    if (code && catalog_outcome_from_code(code, &o) == 0)
        return catalog_outcome_label(o);
    return code ? code : "?";
}

static const char *op_label(const char *code)
{
    enum catalog_op op;

    if (code && catalog_op_from_code(code, &op) == 0)
        return catalog_op_label(op);
    return code ? code : "?";
}

/* A fact's value as shown to a French reader: "150,00 €", "oui", "02/03/2026". */
static const char *fact_text(struct cli_ctx *c, const struct catalog_fact *f, json_t *v)
{
    if (json_is_boolean(v))
        return json_is_true(v) ? "oui" : "non";
    if (json_is_integer(v))
        return arena_printf(&c->arena, "%lld", (long long)json_integer_value(v));
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (f && f->type == RULES_MONEY) {
            int64_t cents;
            struct err ignore;
            err_clear(&ignore);
            if (money_parse(s, strlen(s), &cents, &ignore) == 0)
                return cli_money(c, cents);
        }
        if (f && f->type == RULES_DATE)
            return cli_date_fr(c, s);
        return s;
    }
    {
        char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        const char *r = arena_strdup(&c->arena, t ? t : "?");
        json_text_free(t);
        return r;
    }
}

json_t *cli_dossier_json(struct cli_ctx *c, const struct catalog *cat, const struct case_dossier *d,
                         const enum catalog_op *ops, size_t nops)
{
    (void)c;
    return case_dossier_json(cat, d, ops, nops);
}

static const char *beneficiary_text(struct cli_ctx *c, const struct case_dossier *d)
{
    const char *t = d->beneficiary_type ? d->beneficiary_type : "";

    if (!strcmp(t, "foyer") && has(d->person))
        return arena_printf(&c->arena, "foyer %s (demandeur %s)", d->beneficiary, d->person);
    return arena_printf(&c->arena, "%s %s", t, d->beneficiary ? d->beneficiary : "?");
}

#define DW 12 /* label column of a dossier */

void cli_dossier_print(struct cli_ctx *c, const struct catalog *cat, const struct case_dossier *d,
                       const enum catalog_op *ops, size_t nops)
{
    const struct catalog_dispositif *disp = catalog_find(cat, d->dispositif);

    printf("Dossier %s : %s (%s)\n", d->id, d->dispositif_label ? d->dispositif_label : "?",
           d->dispositif);
    field(DW, "Bénéficiaire", "%s", beneficiary_text(c, d));
    field(DW, "Site", "%s", d->site ? d->site : "?");
    field(DW, "Données", "%s", catalog_class_label(d->data_class));
    field(DW, "État", "%s (%s)", cli_state_label(cat, d->dispositif, d->state),
          d->state ? d->state : "?");
    field(DW, "Ouvert le", "%s", cli_date_fr(c, d->opened));
    if (has(d->closed))
        field(DW, "Clos le", "%s", cli_date_fr(c, d->closed));
    if (has(d->measure_start))
        field(DW, "Mesure", "du %s%s%s", cli_date_fr(c, d->measure_start),
              has(d->measure_end) ? " au " : ", en cours",
              has(d->measure_end) ? cli_date_fr(c, d->measure_end) : "");
    if (d->granted >= 0) {
        field(DW, "Accordé", "%s", cli_money(c, d->granted));
        field(DW, "Versé", "%s (reste %s)", cli_money(c, d->paid),
              cli_money(c, d->granted > d->paid ? d->granted - d->paid : 0));
    } else if (d->paid > 0) {
        field(DW, "Versé", "%s", cli_money(c, d->paid));
    }

    if (d->facts && json_object_size(d->facts)) {
        const char *key;
        json_t *v;
        printf("\nFaits\n");
        json_object_foreach(d->facts, key, v)
        {
            const struct catalog_fact *f = disp ? catalog_fact(disp, key) : NULL;
            printf("  %s : %s\n", f ? f->label : key, fact_text(c, f, v));
        }
    }
    if (d->nsteps) {
        printf("\nHistorique\n");
        for (size_t i = 0; i < d->nsteps; i++) {
            const struct case_step *s = &d->steps[i];
            printf("  %s  ", cli_date_fr(c, s->date));
            cli_pad_right(op_label(s->op), 22);
            printf(" -> %s  (%s)\n", cli_state_label(cat, d->dispositif, s->to),
                   s->actor ? s->actor : "?");
        }
    }
    if (d->ndecisions) {
        printf("\nDécisions\n");
        for (size_t i = 0; i < d->ndecisions; i++) {
            const struct case_decision *x = &d->decisions[i];
            printf("  %s  %s", cli_date_fr(c, x->date), outcome_label(x->outcome));
            if (x->amount >= 0)
                printf(", %s", cli_money(c, x->amount));
            if (has(x->right_from))
                printf(", droit du %s au %s", cli_date_fr(c, x->right_from),
                       has(x->right_to) ? cli_date_fr(c, x->right_to) : "…");
            if (has(x->session))
                printf(", séance %s", x->session);
            if (has(x->motive))
                printf(", motif : %s", x->motive);
            if (has(x->actor))
                printf("  (%s)", x->actor);
            putchar('\n');
        }
    }
    if (d->npayments) {
        printf("\nVersements\n");
        for (size_t i = 0; i < d->npayments; i++)
            printf("  %s  %s  %s\n", d->payments[i].id, cli_date_fr(c, d->payments[i].date),
                   cli_money(c, d->payments[i].amount));
    }
    if (ops) {
        printf("\nOpérations possibles pour vous maintenant :");
        if (nops == 0)
            printf(" aucune\n");
        else
            putchar('\n');
        for (size_t i = 0; i < nops; i++) {
            printf("  ");
            cli_pad_right(catalog_op_label(ops[i]), 22);
            printf(" proxima dossier %s %s\n",
                   cli_op_subcommand(ops[i]) ? cli_op_subcommand(ops[i]) : "?", d->id);
        }
    }
}

void cli_dossier_line(struct cli_ctx *c, const struct catalog *cat, const struct case_dossier *d)
{
    printf("%s  %s  %s  ouvert le %s  %s", d->id,
           d->dispositif_label ? d->dispositif_label : d->dispositif,
           cli_state_label(cat, d->dispositif, d->state), cli_date_fr(c, d->opened),
           d->site ? d->site : "");
    if (d->granted >= 0)
        printf("  accordé %s", cli_money(c, d->granted));
    putchar('\n');
}

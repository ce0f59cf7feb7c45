/*
 * coherence.c: the coherence annex, the gap between a department figure
 * and the sum of MDS figures explained from the definitions and the data.
 *
 * For a pair (department figure D, MDS figures T1..Tn), with Tk(dep) the
 * value of Tk over every row (the engine's département total on grid mds)
 * and Tk(sum) the sum of its values over the MDS:
 *
 *   D - sum_k Tk(sum) = (sum_k Tk(dep) - Tk(sum))   (a) sites
 *                     + (D - sum_k Tk(dep))         (b) definitions
 *
 * (a) is the part the placement of rows makes: rows of a central site count
 * for the département and for no MDS; for a distinct measure, a person
 * counted by two MDS counts twice in the sum and once for the département.
 * What the engine tells about rows outside every MDS (struct
 * report_placement) splits it exactly; otherwise the sentences give bounds.
 * (b) is zero when D is the same definition as the Tk (an alias); else the
 * differing parts of the definitions are listed side by side. No reason is
 * written by hand: every sentence is chosen by the measures and the values.
 */
#include "core/compat.h"
#include "report/report.h"

#include "core/money.h"
#include "report/model_int.h"

static size_t dict_index(const struct indic_dict *d, const char *code)
{
    for (size_t i = 0; code && i < d->ndefs; i++)
        if (!strcmp(d->defs[i].code, code))
            return i;
    return SIZE_MAX;
}

/* Follow aliases (a sum of one indicator) to the definition that counts. */
static const struct indic_def *resolve(const struct indic_dict *d, const struct indic_def *def)
{
    for (int guard = 0; def->source == SRC_SOMME && def->nterms == 1 && guard < 16; guard++) {
        size_t i = dict_index(d, def->terms[0]);
        if (i == SIZE_MAX)
            break;
        def = &d->defs[i];
    }
    return def;
}

static bool is_distinct(const struct indic_def *d)
{
    return d->measure == MEASURE_DISTINCT_PERSONNE || d->measure == MEASURE_DISTINCT_FOYER ||
           d->measure == MEASURE_DISTINCT_BENEFICIAIRE;
}

/* What a row of the source is, singular or plural. */
static const char *row_noun(const struct indic_def *d, bool plural)
{
    switch (d->source) {
    case SRC_DECISIONS:
        return plural ? "décisions" : "décision";
    case SRC_PAIEMENTS:
        return plural ? "paiements" : "paiement";
    case SRC_DOSSIERS:
        return plural ? "dossiers" : "dossier";
    case SRC_ACTES:
        return plural ? "actes" : "acte";
    case SRC_FAIT_SITE:
    case SRC_RAPPORT:
    case SRC_SOMME:
        break;
    }
    return plural ? "lignes" : "ligne";
}

/* What a distinct measure counts, singular or plural. */
static const char *distinct_noun(const struct indic_def *d, bool plural)
{
    switch (d->measure) {
    case MEASURE_DISTINCT_PERSONNE:
        return plural ? "personnes" : "personne";
    case MEASURE_DISTINCT_FOYER:
        return plural ? "foyers" : "foyer";
    case MEASURE_DISTINCT_BENEFICIAIRE:
        return plural ? "bénéficiaires" : "bénéficiaire";
    default:
        break;
    }
    return row_noun(d, plural);
}

static bool plural(int64_t n)
{
    return n > 1 || n < -1;
}

static const char *count_text(struct mctx *c, int64_t n)
{
    struct strbuf sb;
    const char *r;

    strbuf_init(&sb, 64);
    num_format_int(&sb, n);
    r = arena_strdup(c->a, sb.buf);
    strbuf_release(&sb);
    return r;
}

/* "171 décisions" */
static const char *rows_qty(struct mctx *c, const struct indic_def *d, int64_t n)
{
    return arena_printf(c->a, "%s %s", count_text(c, n), row_noun(d, plural(n)));
}

/* A quantity of d's measure: "106 personnes", "12 décisions", "1,2 M€ de paiements". */
static const char *qty(struct mctx *c, const struct indic_def *d, int64_t n)
{
    switch (d->measure) {
    case MEASURE_DISTINCT_PERSONNE:
    case MEASURE_DISTINCT_FOYER:
    case MEASURE_DISTINCT_BENEFICIAIRE:
        return arena_printf(c->a, "%s %s", count_text(c, n), distinct_noun(d, plural(n)));
    case MEASURE_NOMBRE:
        return rows_qty(c, d, n);
    case MEASURE_SOMME_MONTANT:
        return arena_printf(c->a, "%s de %s", report_value_make(c->a, d, n, -1).text,
                            row_noun(d, true));
    case MEASURE_SOMME_FAIT:
        return arena_printf(c->a, "%s (somme du fait « %s »)",
                            report_value_make(c->a, d, n, -1).text, d->sum_fact);
    case MEASURE_VALEUR:
        break;
    }
    return report_value_make(c->a, d, n, -1).text;
}

/* ---- what differs between two definitions -------------------------------- */

static const char *source_words(const struct indic_def *d)
{
    switch (d->source) {
    case SRC_DECISIONS:
        return "décisions";
    case SRC_PAIEMENTS:
        return "paiements";
    case SRC_DOSSIERS:
        return "dossiers";
    case SRC_ACTES:
        return "actes";
    case SRC_FAIT_SITE:
        return "fait publié du référentiel";
    case SRC_RAPPORT:
        return "rapport de deux indicateurs";
    case SRC_SOMME:
        return "somme d'indicateurs";
    }
    return "";
}

static const char *measure_words(struct mctx *c, const struct indic_def *d)
{
    switch (d->measure) {
    case MEASURE_NOMBRE:
        return arena_printf(c->a, "nombre de %s", row_noun(d, true));
    case MEASURE_DISTINCT_PERSONNE:
        return "personnes distinctes";
    case MEASURE_DISTINCT_FOYER:
        return "foyers distincts";
    case MEASURE_DISTINCT_BENEFICIAIRE:
        return "bénéficiaires distincts";
    case MEASURE_SOMME_MONTANT:
        return "somme des montants";
    case MEASURE_SOMME_FAIT:
        return arena_printf(c->a, "somme du fait « %s »", d->sum_fact ? d->sum_fact : "");
    case MEASURE_VALEUR:
        return "valeur du fait";
    }
    return "";
}

static const char *date_words(const struct indic_def *d)
{
    switch (d->date) {
    case DATE_DECISION:
        return "date de la décision dans la période";
    case DATE_PAIEMENT:
        return "date du paiement dans la période";
    case DATE_ACTE:
        return "date de l'acte dans la période";
    case DATE_OUVERTURE:
        return "ouverture du dossier dans la période";
    case DATE_DROIT_OUVERT:
        return "droit ouvert au moins un jour de la période";
    case DATE_MESURE_EN_COURS:
        return "mesure en cours au moins un jour de la période";
    case DATE_MESURE_DEBUTEE:
        return "mesure commencée dans la période";
    case DATE_STOCK_FIN:
        return "en cours le dernier jour de la période";
    case DATE_STOCK_MOYEN:
        return "nombre moyen en cours chaque jour de la période";
    case DATE_FAIT:
        return "dernière valeur connue à la fin de la période";
    }
    return "";
}

static const char *place_words(const struct indic_def *d)
{
    return d->place == PLACE_RESIDENCE ? "commune de résidence du bénéficiaire"
                                       : "site qui suit le dossier ou l'acte";
}

static const char *list_words(struct mctx *c, const char **items, size_t n, const char *none)
{
    struct strbuf sb;
    const char *r;

    if (n == 0)
        return none;
    strbuf_init(&sb, 4096);
    for (size_t i = 0; i < n; i++)
        strbuf_addf(&sb, "%s%s", i ? ", " : "", items[i]);
    r = arena_strdup(c->a, sb.buf);
    strbuf_release(&sb);
    return r;
}

static const char *outcome_words(struct mctx *c, const struct indic_def *d)
{
    static const char *const names[OUTCOME__COUNT] = {"accord", "refus", "ajournement",
                                                      "sans suite"};
    const char *items[OUTCOME__COUNT];
    size_t n = 0;

    if (d->source != SRC_DECISIONS)
        return "sans objet";
    for (size_t i = 0; i < OUTCOME__COUNT; i++)
        if (d->outcomes[i])
            items[n++] = names[i];
    return list_words(c, items, n, "aucune");
}

static const char *filter_words(struct mctx *c, const struct indic_def *d)
{
    struct strbuf sb;
    const char *r;

    if (d->nfilters == 0)
        return "aucun";
    strbuf_init(&sb, 4096);
    for (size_t i = 0; i < d->nfilters; i++) {
        strbuf_addf(&sb, "%s%s ∈ {", i ? " ; " : "", d->filters[i].fact);
        for (size_t k = 0; k < d->filters[i].nvalues; k++)
            strbuf_addf(&sb, "%s%s", k ? ", " : "", d->filters[i].values[k]);
        strbuf_addch(&sb, '}');
    }
    r = arena_strdup(c->a, sb.buf);
    strbuf_release(&sb);
    return r;
}

enum attr {
    A_SOURCE,
    A_DISPOSITIFS,
    A_OUTCOMES,
    A_FILTERS,
    A_CONDITION,
    A_MEASURE,
    A_DATE,
    A_PLACE,
    A__COUNT
};

static const char *const attr_names[A__COUNT] = {
    "source", "dispositifs", "décisions retenues", "filtres sur les faits", "condition", "mesure",
    "date",   "lieu",
};

static const char *attr_value(struct mctx *c, const struct indic_def *d, enum attr a)
{
    switch (a) {
    case A_SOURCE:
        if (d->source == SRC_SOMME || d->source == SRC_RAPPORT) {
            const char *terms[2] = {d->numerator, d->denominator};
            return d->source == SRC_SOMME
                       ? arena_printf(c->a, "somme de %s", list_words(c, d->terms, d->nterms, ""))
                       : arena_printf(c->a, "rapport de %s sur %s", terms[0], terms[1]);
        }
        return source_words(d);
    case A_DISPOSITIFS:
        return list_words(c, d->dispositifs, d->ndispositifs, "aucun");
    case A_OUTCOMES:
        return outcome_words(c, d);
    case A_FILTERS:
        return filter_words(c, d);
    case A_CONDITION:
        if (d->condition_text)
            return d->condition_text; /* also in a frozen definition, never compiled */
        return d->condition ? rules_expr_source(d->condition) : "aucune";
    case A_MEASURE:
        return measure_words(c, d);
    case A_DATE:
        return date_words(d);
    case A_PLACE:
        return place_words(d);
    case A__COUNT:
        break;
    }
    return "";
}

/* One line per attribute where the department definition and an MDS one differ. */
static void differences(struct mctx *c, const struct indic_def *rd, const struct indic_def **rt,
                        const struct report_pair *p, struct report_coherence *coh)
{
    const struct indic_dict *dict = c->in->dict;

    coh->differences = arena_calloc(c->a, A__COUNT, sizeof(*coh->differences));
    for (int a = 0; a < A__COUNT; a++) {
        const char *dv = attr_value(c, rd, (enum attr)a);
        bool differ = false, all_same = true;
        const char *first = NULL;
        struct strbuf sb;

        for (size_t k = 0; k < p->nmds; k++) {
            const char *tv = attr_value(c, rt[k], (enum attr)a);
            differ |= strcmp(dv, tv) != 0;
            if (first && strcmp(first, tv) != 0)
                all_same = false;
            first = first ? first : tv;
        }
        if (!differ)
            continue;
        strbuf_init(&sb, 8192);
        strbuf_addf(&sb, "%s : %s pour le Département (%s) ; ", attr_names[a], dv,
                    dict->defs[p->dept].code);
        if (all_same) {
            strbuf_addf(&sb, "%s pour les MDS (", first);
            for (size_t k = 0; k < p->nmds; k++)
                strbuf_addf(&sb, "%s%s", k ? ", " : "", dict->defs[p->mds[k]].code);
            strbuf_addch(&sb, ')');
        } else {
            strbuf_addstr(&sb, "pour les MDS : ");
            for (size_t k = 0; k < p->nmds; k++)
                strbuf_addf(&sb, "%s%s (%s)", k ? ", " : "", attr_value(c, rt[k], (enum attr)a),
                            dict->defs[p->mds[k]].code);
        }
        coh->differences[coh->ndifferences++] = arena_strdup(c->a, sb.buf);
        strbuf_release(&sb);
    }
}

static bool same_definition(const struct indic_dict *d, const struct indic_def *rd,
                            const struct indic_def **rt, size_t n)
{
    if (n == 1)
        return rd == rt[0];
    if (rd->source != SRC_SOMME || rd->nterms != n)
        return false;
    for (size_t k = 0; k < n; k++) {
        bool found = false;
        for (size_t t = 0; t < rd->nterms && !found; t++) {
            size_t i = dict_index(d, rd->terms[t]);
            found = i != SIZE_MAX && resolve(d, &d->defs[i]) == rt[k];
        }
        if (!found)
            return false;
    }
    return true;
}

/* Dispositifs of a that b does not count, or NULL when there are none. */
static const char *extra_dispositifs(struct mctx *c, const struct indic_def *a,
                                     const struct indic_def **b, size_t nb)
{
    const char **items = arena_calloc(c->a, a->ndispositifs + 1, sizeof(*items));
    size_t n = 0;

    for (size_t i = 0; i < a->ndispositifs; i++) {
        bool found = false;
        for (size_t k = 0; k < nb && !found; k++)
            for (size_t j = 0; j < b[k]->ndispositifs && !found; j++)
                found = !strcmp(a->dispositifs[i], b[k]->dispositifs[j]);
        if (!found)
            items[n++] = a->dispositifs[i];
    }
    return n ? list_words(c, items, n, "") : NULL;
}

/* ---- the explanation ----------------------------------------------------- */

static void say(struct mctx *c, struct report_coherence *coh, const char *s)
{
    coh->reasons[coh->nreasons++] = s;
}

/* "relève" or "relèvent" after a quantity n. */
static const char *verb(int64_t n, const char *one, const char *many)
{
    return plural(n) ? many : one;
}

/* "la même personne", "le même foyer"... */
static const char *same_one(const struct indic_def *d)
{
    switch (d->measure) {
    case MEASURE_DISTINCT_PERSONNE:
        return "la même personne";
    case MEASURE_DISTINCT_FOYER:
        return "le même foyer";
    case MEASURE_DISTINCT_BENEFICIAIRE:
        return "le même bénéficiaire";
    default:
        break;
    }
    return "la même ligne";
}

/* The pronoun for same_one(d): "la" (personne, ligne) or "le". */
static const char *same_pronoun(const struct indic_def *d)
{
    return d->measure == MEASURE_DISTINCT_FOYER || d->measure == MEASURE_DISTINCT_BENEFICIAIRE
               ? "le"
               : "la";
}

/* "de décision", "d'acte": row_noun after "pas de". */
static const char *no_row(struct mctx *c, const struct indic_def *d)
{
    const char *n = row_noun(d, false);
    return arena_printf(c->a, "%s%s", n[0] == 'a' ? "d'" : "de ", n);
}

/* (a) for one MDS figure: rows of central sites, persons counted in several MDS. */
static void explain_sites(struct mctx *c, struct report_coherence *coh,
                          const struct report_coh_part *pt)
{
    const struct indic_def *d = pt->def;
    const char *label = arena_printf(c->a, "« %s » (%s)", d->label, d->code);
    int64_t x = pt->dept_all.raw - pt->sum_areas.raw;
    const struct report_placement *pl = &pt->placement;

    if (!is_distinct(d)) {
        if (x == 0)
            say(c, coh,
                arena_printf(c->a,
                             "%s : tout ce que compte le Département relève d'une "
                             "MDS.",
                             label));
        else if (x > 0)
            say(c, coh,
                arena_printf(c->a,
                             "%s : %s %s d'un site central, hors de toute MDS : le "
                             "Département les compte, aucune MDS ne les compte.",
                             label, qty(c, d, x), verb(x, "relève", "relèvent")));
        else
            say(c, coh,
                arena_printf(c->a,
                             "%s : la somme des MDS dépasse le Département de %s : "
                             "plusieurs MDS comptent les mêmes lignes.",
                             label, qty(c, d, -x)));
        return;
    }
    if (pl->placed >= 0) {
        int64_t central = pt->dept_all.raw - pl->placed;
        int64_t multi = pt->sum_areas.raw - pl->placed;
        if (central > 0)
            say(c, coh,
                arena_printf(c->a,
                             "%s : %s ne %s que d'un site central : le Département "
                             "les compte, aucune MDS ne les compte.",
                             label, qty(c, d, central), verb(central, "relève", "relèvent")));
        if (multi > 0)
            say(c, coh,
                arena_printf(c->a,
                             "%s : %s %s : plusieurs MDS ont suivi %s dans l'année "
                             "(après un déménagement par exemple) ; chaque MDS %s "
                             "compte, le Département une seule fois.",
                             label, count_text(c, multi),
                             plural(multi) ? "doubles comptes" : "double compte", same_one(d),
                             same_pronoun(d)));
        if (central <= 0 && multi <= 0)
            say(c, coh,
                arena_printf(c->a,
                             "%s : pas de double compte entre MDS, rien hors des "
                             "MDS.",
                             label));
        return;
    }
    if (pl->central_rows == 0) {
        if (x == 0)
            say(c, coh,
                arena_printf(c->a,
                             "%s : pas %s hors des MDS, pas de double compte "
                             "entre MDS.",
                             label, no_row(c, d)));
        else
            say(c, coh,
                arena_printf(c->a,
                             "%s : pas %s hors des MDS ; l'écart de %s vient de "
                             "%s %s : plusieurs MDS ont suivi %s dans l'année (après "
                             "un déménagement par exemple) ; chaque MDS %s compte, "
                             "le Département une seule fois.",
                             label, no_row(c, d), count_text(c, x), count_text(c, -x),
                             plural(x) ? "doubles comptes" : "double compte", same_one(d),
                             same_pronoun(d)));
        return;
    }
    if (pl->central_rows > 0)
        say(c, coh,
            arena_printf(c->a, "%s : %s %s d'un site central, hors de toute MDS.", label,
                         rows_qty(c, d, pl->central_rows),
                         verb(pl->central_rows, "relève", "relèvent")));
    if (x > 0)
        say(c, coh,
            arena_printf(c->a,
                         "%s : au moins %s ne %s que d'un site central : le "
                         "Département les compte, aucune MDS ne les compte.",
                         label, qty(c, d, x), verb(x, "relève", "relèvent")));
    else if (x < 0)
        say(c, coh,
            arena_printf(c->a,
                         "%s : au moins %s %s : plusieurs MDS ont suivi %s dans "
                         "l'année ; chaque MDS %s compte, le Département une seule "
                         "fois.",
                         label, count_text(c, -x), plural(x) ? "doubles comptes" : "double compte",
                         same_one(d), same_pronoun(d)));
    else
        say(c, coh,
            arena_printf(c->a,
                         "%s : même valeur pour le Département et pour la somme "
                         "des MDS.",
                         label));
}

/* (b): the department figure and the MDS figures, definition against definition. */
static void explain_definitions(struct mctx *c, struct report_coherence *coh,
                                const struct report_pair *p, const struct indic_def *rd,
                                const struct indic_def **rt)
{
    const struct indic_dict *dict = c->in->dict;
    const struct indic_def *dd = &dict->defs[p->dept];
    int64_t y = coh->gap_defs.raw;
    bool all_rows = true;
    const char *extra;

    if (coh->same_definition) {
        if (p->nmds == 1 && dd == rt[0])
            say(c, coh,
                arena_printf(c->a, "Même indicateur aux deux niveaux (%s)%s", dd->code,
                             coh->gap.raw != 0 ? " : seule la place des lignes explique "
                                                 "l'écart."
                                               : "."));
        else
            say(c, coh,
                arena_printf(c->a,
                             "« %s » (%s) reprend la définition des chiffres des "
                             "MDS : les deux niveaux comptent la même chose.",
                             dd->label, dd->code));
        if (coh->gap_defs.defined && y != 0)
            say(c, coh,
                arena_printf(c->a,
                             "Les deux calculs diffèrent pourtant de %s : à "
                             "vérifier dans le dictionnaire.",
                             coh->gap_defs.text));
        return;
    }
    say(c, coh,
        arena_printf(c->a,
                     "Les deux niveaux ne comptent pas la même chose (définitions "
                     "ci-dessous) : cette différence de définition fait %s.",
                     coh->gap_defs.text));
    for (size_t k = 0; k < p->nmds; k++)
        all_rows &= rt[k]->measure == MEASURE_NOMBRE;
    if (is_distinct(rd) && all_rows && coh->gap_defs.defined && y < 0)
        say(c, coh,
            arena_printf(c->a,
                         "Le Département compte des %s, les MDS des %s : quand "
                         "plusieurs %s concernent %s, les MDS les comptent toutes, "
                         "le Département une seule fois (%s).",
                         measure_words(c, rd), row_noun(rt[0], true), row_noun(rt[0], true),
                         same_one(rd), coh->gap_defs.text));
    for (size_t k = 0; k < p->nmds; k++)
        if ((extra = extra_dispositifs(c, rt[k], &rd, 1)))
            say(c, coh,
                arena_printf(c->a, "Les MDS comptent aussi (%s) : %s.", dict->defs[p->mds[k]].code,
                             extra));
    if ((extra = extra_dispositifs(c, rd, rt, p->nmds)))
        say(c, coh, arena_printf(c->a, "Le Département compte aussi : %s.", extra));
}

static int build_pair(struct mctx *c, const struct report_pair *p, struct report_coherence *coh)
{
    const struct indic_dict *dict = c->in->dict;
    const struct indic_result *mds = c->in->mds, *dept = c->in->dept;
    const struct indic_def *dd = &dict->defs[p->dept];
    const struct indic_def **rt = arena_calloc(c->a, p->nmds, sizeof(*rt));
    const struct indic_def *rd = resolve(dict, dd);
    int64_t d = report_result_value(dept, dict, p->dept, dept->nareas);
    int64_t sum = 0, sum_dep = 0;
    bool defined = d != INDIC_UNDEFINED;

    coh->dept_def = dd;
    coh->nparts = p->nmds;
    coh->parts = arena_calloc(c->a, p->nmds, sizeof(*coh->parts));
    report_use_def(c, p->dept);
    for (size_t k = 0; k < p->nmds; k++) {
        struct report_coh_part *pt = &coh->parts[k];
        int64_t all = report_result_value(mds, dict, p->mds[k], mds->nareas), s = 0;
        bool ok = all != INDIC_UNDEFINED;

        pt->def = &dict->defs[p->mds[k]];
        rt[k] = resolve(dict, pt->def);
        report_use_def(c, p->mds[k]);
        for (size_t a = 0; a < mds->nareas; a++) {
            int64_t v = report_result_value(mds, dict, p->mds[k], a);
            ok &= v != INDIC_UNDEFINED;
            s += ok ? v : 0;
        }
        pt->dept_all = report_value_make(c->a, pt->def, all, -1);
        pt->sum_areas = report_value_make(c->a, pt->def, ok ? s : INDIC_UNDEFINED, -1);
        pt->placement.central_rows = -1;
        pt->placement.placed = -1;
        if (c->in->placement &&
            c->in->placement(c->in->placement_ctx, pt->def, &pt->placement, c->e) < 0)
            return -1;
        defined &= ok;
        sum += ok ? s : 0;
        sum_dep += ok ? all : 0;
    }
    coh->dept = report_value_make(c->a, dd, d, -1);
    coh->sum = report_value_make(c->a, dd, defined ? sum : INDIC_UNDEFINED, -1);
    coh->gap = report_value_signed(c->a, dd, defined ? d - sum : INDIC_UNDEFINED);
    coh->gap_sites = report_value_signed(c->a, dd, defined ? sum_dep - sum : INDIC_UNDEFINED);
    coh->gap_defs = report_value_signed(c->a, dd, defined ? d - sum_dep : INDIC_UNDEFINED);
    coh->same_definition = same_definition(dict, rd, rt, p->nmds);
    if (!coh->same_definition)
        differences(c, rd, rt, p, coh);

    coh->reasons = arena_calloc(c->a, 4 * p->nmds + 8, sizeof(*coh->reasons));
    if (!defined) {
        say(c, coh, "Valeurs non disponibles pour cette année : écart non calculé.");
        return 0;
    }
    if (d == sum)
        say(c, coh, "Aucun écart : le Département et la somme des MDS donnent la même valeur.");
    for (size_t k = 0; k < p->nmds; k++)
        explain_sites(c, coh, &coh->parts[k]);
    explain_definitions(c, coh, p, rd, rt);
    return 0;
}

int report_coherence_build(struct mctx *c)
{
    const struct report_layout *l = c->l;
    struct report_model *m = c->m;

    m->coh_title = l->coh_title;
    m->coh_intro = l->coh_intro;
    m->ncoherence = l->npairs;
    m->coherence = arena_calloc(c->a, l->npairs, sizeof(*m->coherence));
    for (size_t i = 0; i < l->npairs; i++)
        if (build_pair(c, &l->pairs[i], &m->coherence[i]) < 0)
            return -1;
    return 0;
}

/*
 * describe.c: the codes of the dictionary (dict.c reads them, the CLI and
 * the reports print them), and an indicator's calculation and values in
 * French words, for
 * `proxima indicateurs show`, `proxima check` and the methodology annex of
 * the reports. The words follow docs/INDICATEURS.md.
 */
#include "core/compat.h"
#include "indic/indic_int.h"

#include "core/money.h"

/* ---- codes ---------------------------------------------------------------- */

const char *const indic_unit_codes[INDIC_NUNIT] = {
    [UNIT_NOMBRE] = "nombre", [UNIT_EUR] = "EUR",         [UNIT_POURCENT] = "pourcent",
    [UNIT_JOURS] = "jours",   [UNIT_DECIMAL] = "decimal",
};
const char *const indic_source_codes[INDIC_NSOURCE] = {
    [SRC_DECISIONS] = "decisions", [SRC_PAIEMENTS] = "paiements", [SRC_DOSSIERS] = "dossiers",
    [SRC_ACTES] = "actes",         [SRC_FAIT_SITE] = "fait_site", [SRC_RAPPORT] = "rapport",
    [SRC_SOMME] = "somme",
};
const char *const indic_date_codes[INDIC_NDATE] = {
    [DATE_DECISION] = "decision",
    [DATE_PAIEMENT] = "paiement",
    [DATE_ACTE] = "acte",
    [DATE_OUVERTURE] = "ouverture",
    [DATE_DROIT_OUVERT] = "droit_ouvert",
    [DATE_MESURE_EN_COURS] = "mesure_en_cours",
    [DATE_MESURE_DEBUTEE] = "mesure_debutee",
    [DATE_STOCK_FIN] = "stock_fin",
    [DATE_STOCK_MOYEN] = "stock_moyen",
    [DATE_FAIT] = "fait",
};
const char *const indic_measure_codes[INDIC_NMEASURE] = {
    [MEASURE_NOMBRE] = "nombre",
    [MEASURE_DISTINCT_PERSONNE] = "distinct_personne",
    [MEASURE_DISTINCT_FOYER] = "distinct_foyer",
    [MEASURE_DISTINCT_BENEFICIAIRE] = "distinct_beneficiaire",
    [MEASURE_SOMME_MONTANT] = "somme_montant",
    [MEASURE_SOMME_FAIT] = "somme_fait",
    [MEASURE_VALEUR] = "valeur",
};
const char *const indic_place_codes[INDIC_NPLACE] = {
    [PLACE_SITE] = "site", [PLACE_RESIDENCE] = "residence"};

const char *const indic_grids[] = {"mds",     "territoire",  "mdadt", "epci",
                                   "commune", "departement", NULL};

bool indic_grid_known(const char *grid)
{
    for (size_t i = 0; grid && indic_grids[i]; i++)
        if (!strcmp(grid, indic_grids[i]))
            return true;
    return false;
}

const char *indic_unit_code(enum indic_unit u)
{
    return (size_t)u < ARRAY_SIZE(indic_unit_codes) ? indic_unit_codes[u] : "?";
}
const char *indic_source_code(enum indic_source s)
{
    return (size_t)s < ARRAY_SIZE(indic_source_codes) ? indic_source_codes[s] : "?";
}
const char *indic_date_code(enum indic_date d)
{
    return (size_t)d < ARRAY_SIZE(indic_date_codes) ? indic_date_codes[d] : "?";
}
const char *indic_measure_code(enum indic_measure m)
{
    return (size_t)m < ARRAY_SIZE(indic_measure_codes) ? indic_measure_codes[m] : "?";
}
const char *indic_place_code(enum indic_place p)
{
    return (size_t)p < ARRAY_SIZE(indic_place_codes) ? indic_place_codes[p] : "?";
}

static const char *source_words(enum indic_source s)
{
    switch (s) {
    case SRC_DECISIONS:
        return "décisions (chacune avec son dossier)";
    case SRC_PAIEMENTS:
        return "versements (chacun avec son dossier)";
    case SRC_DOSSIERS:
        return "dossiers";
    case SRC_ACTES:
        return "actes";
    case SRC_FAIT_SITE:
        return "fait enregistré pour chaque zone dans le référentiel";
    case SRC_RAPPORT:
        return "rapport de deux indicateurs";
    case SRC_SOMME:
        return "somme d'indicateurs";
    }
    return "?";
}

static const char *date_words(enum indic_date d)
{
    switch (d) {
    case DATE_DECISION:
        return "date de la décision dans la période";
    case DATE_PAIEMENT:
        return "date du versement dans la période";
    case DATE_ACTE:
        return "date de l'acte dans la période";
    case DATE_OUVERTURE:
        return "date d'ouverture du dossier dans la période";
    case DATE_DROIT_OUVERT:
        return "droit ouvert au moins un jour de la période";
    case DATE_MESURE_EN_COURS:
        return "mesure en cours au moins un jour de la période";
    case DATE_MESURE_DEBUTEE:
        return "mesure débutée dans la période";
    case DATE_STOCK_FIN:
        return "en cours le dernier jour de la période";
    case DATE_STOCK_MOYEN:
        return "moyenne sur les jours de la période du nombre en cours chaque jour, arrondie à "
               "l'unité";
    case DATE_FAIT:
        return "dernière valeur datée au plus tard du dernier jour de la période";
    }
    return "?";
}

static const char *measure_words(enum indic_measure m)
{
    switch (m) {
    case MEASURE_NOMBRE:
        return "nombre de lignes";
    case MEASURE_DISTINCT_PERSONNE:
        return "nombre de personnes distinctes";
    case MEASURE_DISTINCT_FOYER:
        return "nombre de foyers distincts";
    case MEASURE_DISTINCT_BENEFICIAIRE:
        return "nombre de bénéficiaires distincts (personne, foyer, organisation ou commune)";
    case MEASURE_SOMME_MONTANT:
        return "somme des montants";
    case MEASURE_SOMME_FAIT:
        return "somme d'un fait entier";
    case MEASURE_VALEUR:
        return "valeur du fait";
    }
    return "?";
}

void indic_describe(const struct indic_def *def, const struct catalog *cat, struct strbuf *out)
{
    if (def->calculation) {
        /* frozen with a closed year: the words of then, not today's catalogue labels */
        strbuf_addstr(out, def->calculation);
        return;
    }
    strbuf_addf(out, "Source : %s\n", source_words(def->source));
    if (def->source == SRC_RAPPORT) {
        strbuf_addf(out,
                    "Calcul : 100 × %s / %s, dans la même zone et la même période, arrondi "
                    "au centième de point (n.d. si le dénominateur est nul)\n",
                    def->numerator, def->denominator);
        return;
    }
    if (def->source == SRC_SOMME) {
        strbuf_addstr(out, def->nterms == 1 ? "Calcul : même valeur que " : "Calcul : ");
        for (size_t i = 0; i < def->nterms; i++)
            strbuf_addf(out, "%s%s", i ? " + " : "", def->terms[i]);
        strbuf_addstr(out, ", dans la même zone et la même période\n");
        return;
    }
    if (def->source == SRC_FAIT_SITE) {
        strbuf_addf(out, "Fait : « %s » de la grille %s\n", def->site_fact, def->site_grid);
        strbuf_addf(out, "Date : %s\n", date_words(def->date));
        strbuf_addstr(out, "Zone : la zone du fait ; le département est la somme des zones\n");
        return;
    }
    strbuf_addstr(out, "Dispositifs : ");
    for (size_t i = 0; i < def->ndispositifs; i++) {
        const struct catalog_dispositif *x = cat ? catalog_find(cat, def->dispositifs[i]) : NULL;
        strbuf_addf(out, "%s%s", i ? ", " : "", def->dispositifs[i]);
        if (x)
            strbuf_addf(out, " (%s)", x->label);
    }
    strbuf_addch(out, '\n');
    if (def->source == SRC_DECISIONS) {
        bool first = true;
        strbuf_addstr(out, "Décisions comptées : ");
        for (int o = 0; o < OUTCOME__COUNT; o++) {
            if (!def->outcomes[o])
                continue;
            strbuf_addf(out, "%s%s", first ? "" : ", ",
                        catalog_outcome_code((enum catalog_outcome)o));
            first = false;
        }
        strbuf_addch(out, '\n');
    }
    for (size_t i = 0; i < def->nfilters; i++) {
        const struct indic_fact_filter *f = &def->filters[i];
        strbuf_addf(out, "Filtre : fait « %s » %s ", f->fact, f->nvalues == 1 ? "égal à" : "parmi");
        for (size_t k = 0; k < f->nvalues; k++)
            strbuf_addf(out, "%s%s", k ? ", " : "", f->values[k]);
        strbuf_addch(out, '\n');
    }
    if (def->condition_text || def->condition)
        strbuf_addf(out, "Condition : %s\n",
                    def->condition_text ? def->condition_text : rules_expr_source(def->condition));
    strbuf_addf(out, "Mesure : %s", measure_words(def->measure));
    if (def->sum_fact)
        strbuf_addf(out, " « %s »", def->sum_fact);
    strbuf_addch(out, '\n');
    strbuf_addf(out, "Date : %s\n", date_words(def->date));
    strbuf_addf(out,
                "Zone : %s ; le département compte toutes les lignes, services centraux "
                "compris%s\n",
                def->place == PLACE_SITE
                    ? "le site qui traite le dossier ou enregistre l'acte (grilles epci et "
                      "commune : la commune du bénéficiaire à la date comptée)"
                    : "la commune de résidence du bénéficiaire à la date comptée",
                def->measure == MEASURE_DISTINCT_PERSONNE ||
                        def->measure == MEASURE_DISTINCT_FOYER ||
                        def->measure == MEASURE_DISTINCT_BENEFICIAIRE
                    ? ", chacun une fois"
                    : "");
}

void indic_value_format(struct strbuf *sb, enum indic_unit unit, int scale, int64_t v)
{
    if (v == INDIC_UNDEFINED) {
        strbuf_addstr(sb, "n.d.");
        return;
    }
    switch (unit) {
    case UNIT_NOMBRE:
        num_format_int(sb, v);
        return;
    case UNIT_EUR:
        money_format_euros(sb, v);
        return;
    case UNIT_POURCENT:
        num_format_fixed(sb, v, 2, v % 100 == 0 ? 0 : 2);
        strbuf_addstr(sb, FR_NBSP "%");
        return;
    case UNIT_JOURS:
        num_format_int(sb, v);
        strbuf_addstr(sb, v == 1 || v == -1 ? FR_NBSP "jour" : FR_NBSP "jours");
        return;
    case UNIT_DECIMAL:
        num_format_fixed(sb, v, scale, scale);
        return;
    }
    num_format_int(sb, v);
}

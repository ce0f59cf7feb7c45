/*
 * indic.h: the indicator dictionary and the one engine that computes every
 * published figure from the projections of the case layer.
 *
 * Each figure of the activity report is defined once, in data/indicateurs/
 * (JSON, documented in docs/INDICATEURS.md): what is counted (decisions,
 * payments, dossiers, acts, a site fact, or a ratio of two indicators),
 * which filter (dispositifs, outcomes, fact values, a rule of the rules
 * language), distinct on what (person, household, beneficiary) or summed on
 * what (amount, an integer fact), which date puts it in the period, which site
 * puts it in a territory, and a version. Nothing else decides a figure.
 *
 * indic_compute() computes every indicator of the dictionary for a year and a
 * grid (indic_compute_grids() for several grids at once) in one pass over
 * each source table, month by month (months 1..12) and
 * for the year (month 0), per area of the grid and for the whole département.
 * indic_close_year() freezes the values of every grid with the definitions'
 * versions, so that the report of a closed year survives the purge of the
 * personal data behind it.
 */
#ifndef PROXIMA_INDIC_INDIC_H
#define PROXIMA_INDIC_INDIC_H

#include "core/compat.h"
#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "catalog/catalog.h"
#include "rules/rules.h"
#include "store/store.h"

enum indic_unit {
    UNIT_NOMBRE,   /* "nombre": a count */
    UNIT_EUR,      /* "EUR": value in cents */
    UNIT_POURCENT, /* "pourcent": value in hundredths of a percent (6300 = 63 %) */
    UNIT_JOURS,    /* "jours" */
    UNIT_DECIMAL,  /* "decimal": fixed point, scale given by the definition (ETP 162,68) */
};

/* What a row of the source is. */
enum indic_source {
    SRC_DECISIONS, /* "decisions": decision rows (dossier joined) */
    SRC_PAIEMENTS, /* "paiements": payment rows */
    SRC_DOSSIERS,  /* "dossiers": dossier rows */
    SRC_ACTES,     /* "actes": act rows */
    SRC_FAIT_SITE, /* "fait_site": a dated fact of an area of the referential */
    SRC_RAPPORT,   /* "rapport": numerator / denominator of two other indicators */
    SRC_SOMME,     /* "somme": sum of other indicators of the same unit (one term: an alias) */
};

/* Which date puts a row in a period. */
enum indic_date {
    DATE_DECISION,        /* "decision": the decision date */
    DATE_PAIEMENT,        /* "paiement": the payment date */
    DATE_ACTE,            /* "acte": the act date */
    DATE_OUVERTURE,       /* "ouverture": the dossier's opening date */
    DATE_DROIT_OUVERT,    /* "droit_ouvert": the right (accord's period) open at least one day */
    DATE_MESURE_EN_COURS, /* "mesure_en_cours": the measure running at least one day */
    DATE_MESURE_DEBUTEE,  /* "mesure_debutee": the measure started in the period */
    DATE_STOCK_FIN,       /* "stock_fin": running on the period's last day */
    DATE_STOCK_MOYEN,     /* "stock_moyen": average over the period's days of the daily stock */
    DATE_FAIT,            /* "fait": the date of a site fact (last one on or before the end) */
};

/* What is counted or summed. */
enum indic_measure {
    MEASURE_NOMBRE,                /* "nombre": rows */
    MEASURE_DISTINCT_PERSONNE,     /* "distinct_personne": distinct persons */
    MEASURE_DISTINCT_FOYER,        /* "distinct_foyer": distinct households */
    MEASURE_DISTINCT_BENEFICIAIRE, /* "distinct_beneficiaire": distinct beneficiaries of any kind */
    MEASURE_SOMME_MONTANT,         /* "somme_montant": sum of the row's amount (cents) */
    MEASURE_SOMME_FAIT,            /* "somme_fait": sum of an integer fact */
    MEASURE_VALEUR,                /* "valeur": the site fact's value */
};

/* Which site puts a row in an area of the grid. */
enum indic_place {
    PLACE_SITE,      /* "site": the handling site of the dossier or act */
    PLACE_RESIDENCE, /* "residence": the beneficiary's commune at the counted date */
};

struct indic_fact_filter {
    const char *fact;
    const char **values; /* JSON scalars as text: "acces_identifie", "true", "3" */
    size_t nvalues;
};

struct indic_def {
    const char *code;       /* "su_accordes": the reference tables' codes */
    const char *label;      /* "Secours d'urgence accordés" */
    const char *section;    /* "insertion", "autonomie", "enfance", "jeunesse", "mds" */
    const char *definition; /* the written French definition */
    enum indic_unit unit;
    int scale; /* UNIT_DECIMAL: decimals of the stored value */
    int version;
    enum indic_source source;
    const char **dispositifs;
    size_t ndispositifs;
    bool outcomes[OUTCOME__COUNT]; /* SRC_DECISIONS: which outcomes count (default accord) */
    struct indic_fact_filter *filters;
    size_t nfilters;
    struct rules_expr *condition; /* optional rule on the row, NULL if none */
    enum indic_date date;
    enum indic_measure measure;
    const char *sum_fact;  /* MEASURE_SOMME_FAIT */
    const char *site_fact; /* SRC_FAIT_SITE: fact code in ref_area_fact */
    const char *site_grid; /* SRC_FAIT_SITE: grid of the fact ("mds") */
    enum indic_place place;
    const char *numerator, *denominator; /* SRC_RAPPORT */
    /* added with the implementation (dict.c) */
    const char **terms; /* SRC_SOMME: the indicators summed, in order */
    size_t nterms;
    const char *file;     /* dictionary file it comes from: "insertion.json" */
    bool condition_dated; /* the condition reads date, debut_periode or fin_periode */
    /* added with the frozen definitions (close.c) */
    const char *condition_text; /* the condition as written, NULL if none */
    /* a frozen definition: the calculation in words as indic_describe wrote
       it at the closing (indic_describe then gives it back); NULL otherwise */
    const char *calculation;
};

struct indic_dict {
    struct arena arena;
    struct indic_def *defs;
    size_t ndefs;
    /*
     * 0 for a dictionary loaded from data/indicateurs/; the year for the
     * definitions frozen when that year was closed (indic_dict_frozen): their
     * conditions are not compiled (condition NULL, condition_text kept), so
     * the engine must never be given such a dictionary.
     */
    int frozen_year;
};

/*
 * Load and check data/indicateurs/ against the catalogue (dispositifs and
 * facts exist, conditions compile, ratios name existing indicators without
 * cycles, codes unique, definitions written). French errors name file,
 * indicator, field and value.
 */
int indic_dict_load(struct indic_dict *d, const char *dir, const struct catalog *cat,
                    struct err *e);
void indic_dict_release(struct indic_dict *d);
const struct indic_def *indic_find(const struct indic_dict *d, const char *code);

struct access_user;

/*
 * May u list the rows (dossiers, acts) behind def in area of grid? It
 * needs dossier.lire on the area's site (an MDS or an MDADT; any other grid,
 * or no area, needs a département grant) for every data class of the
 * dispositifs behind def (its own, its terms', its ratio's). 0 with *grant
 * the right that allowed it; -1 with e set by access_check (the refusal)
 * and, when log, the refusal written to the access log (a failure to write
 * it is reported on stderr).
 */
int indic_may_list_rows(struct store *s, const struct indic_dict *d, const struct catalog *cat,
                        const struct access_user *u, const struct indic_def *def, const char *grid,
                        const char *area, bool log, struct arena *a, const char **grant,
                        struct err *e);

#define INDIC_MONTHS      13 /* 0: the year, 1..12: the months */
#define INDIC_DEPARTEMENT "departement"

/*
 * Values of every indicator for one year and one grid ("mds", "territoire",
 * "mdadt", "epci", "commune", or "departement": one area "62").
 * value(def, area, month). An area index equal to nareas is the whole
 * département (every row, including those of central sites or of no area).
 * What the rows placed in some area give is in struct indic_placed.
 */
struct indic_result {
    int year;
    const char *grid;
    size_t ndefs;
    size_t nareas;
    const char **area_codes; /* sorted */
    const char **area_names;
    int64_t *values; /* ndefs * (nareas + 1) * INDIC_MONTHS */
    /* added with the implementation: what each def index is (dictionary
       order for indic_compute, the order frozen at closing for indic_frozen) */
    const char **codes;
    const int *versions;
};

static inline int64_t indic_value(const struct indic_result *r, size_t def, size_t area, int month)
{
    return r->values[(def * (r->nareas + 1) + area) * INDIC_MONTHS + (size_t)month];
}

/* Compute everything for year and grid, results in arena a. */
int indic_compute(struct store *s, const struct indic_dict *d, const struct catalog *cat, int year,
                  const char *grid, struct arena *a, struct indic_result *out, struct err *e);

/*
 * Besides the values of a grid, what its rows placed in some area give,
 * per indicator and month (0: the year), for the report's coherence
 * annex (what indic_explain tells row by row, without a pass per area):
 *
 *   values: the indicator over the rows placed in some area of the grid:
 *     rows of central sites or of no known commune left out; for a distinct
 *     measure each person (household, beneficiary) counted once however
 *     many areas count them; ratios and sums taken over these values, site
 *     facts summed over the sites that fall in an area.
 *   unplaced_rows: for an indicator counted on rows (decisions, payments,
 *     dossiers, acts), the distinct rows (a dossier with its decisions or
 *     payments is one row, an act is one) that the département total
 *     counts and no area of the grid does; 0 for the other indicators.
 *
 * Arrays of ndefs * INDIC_MONTHS, indexed like struct indic_result (def
 * index in dictionary order).
 */
struct indic_placed {
    const int64_t *values;
    const int64_t *unplaced_rows;
};

static inline int64_t indic_placed_value(const struct indic_placed *p, size_t def, int month)
{
    return p->values[def * INDIC_MONTHS + (size_t)month];
}

static inline int64_t indic_unplaced_rows(const struct indic_placed *p, size_t def, int month)
{
    return p->unplaced_rows[def * INDIC_MONTHS + (size_t)month];
}

/*
 * The same for several grids (1 to 8, each known and named once) in one
 * pass over the source tables: out[i] is exactly what indic_compute gives
 * for grids[i], and placed[i] (placed may be NULL) what its rows placed in
 * some area give. What does not depend on the grid (facts, filters,
 * conditions, periods, the département total and its distinct sets) is
 * worked out once per row; only the places are per grid. The whole report
 * (indic_grids) costs one scan.
 */
int indic_compute_grids(struct store *s, const struct indic_dict *d, const struct catalog *cat,
                        int year, const char *const *grids, size_t ngrids, struct arena *a,
                        struct indic_result *out, struct indic_placed *placed, struct err *e);

/*
 * ---- added with the implementation (dict.c, engine.c, close.c) ----------
 *
 * A value is INDIC_UNDEFINED when it does not exist: a ratio whose
 * denominator is 0 (or whose terms are undefined), a sum with an undefined
 * term, a site fact with no value recorded on or before the period's end.
 * Renderers print it "n.d.".
 *
 * Ratios are in hundredths of a percent, rounded half away from zero:
 * round(10000 * numerator / denominator). stock_moyen is the sum over the
 * rows of their days running in the period divided by the period's days,
 * rounded half away from zero.
 */
#define INDIC_UNDEFINED INT64_MIN

/* Grids indic_compute knows, NULL-terminated: mds, territoire, mdadt, epci, commune, departement.
 */
extern const char *const indic_grids[];
bool indic_grid_known(const char *grid);

/*
 * Names a condition may use besides the dispositifs' facts and
 * personne.date_naissance / personne.sexe (catalog.h): the counted date of
 * the row (decision, payment, act date; the opening or start date; for a
 * right or measure running in the period, its last running day in the
 * period), and the period's first and last days.
 */
#define INDIC_ENV_DATE  "date"
#define INDIC_ENV_DEBUT "debut_periode"
#define INDIC_ENV_FIN   "fin_periode"

/* Codes as written in the dictionary ("decisions", "droit_ouvert"...). */
const char *indic_unit_code(enum indic_unit u);
const char *indic_source_code(enum indic_source s);
const char *indic_date_code(enum indic_date d);
const char *indic_measure_code(enum indic_measure m);
const char *indic_place_code(enum indic_place p);

/*
 * The calculation of def in French words, for `proxima indicateurs show`
 * and the methodology annex: source, dispositifs (with their labels),
 * decisions, fact filters, condition, measure, date, place; a ratio or sum
 * names its terms.
 */
void indic_describe(const struct indic_def *def, const struct catalog *cat, struct strbuf *out);
/* (A frozen definition gives back the text written at the closing: def->calculation.) */

/*
 * French display of a value of unit (scale for UNIT_DECIMAL): "48 137",
 * "1 234 567 €" (euros, rounded), "63,45 %", "29 jours", "162,68", "n.d."
 * for INDIC_UNDEFINED.
 */
void indic_value_format(struct strbuf *sb, enum indic_unit unit, int scale, int64_t v);

/* a / b rounded half away from zero (b > 0): the rounding of every figure. */
int64_t indic_div_round(int64_t a, int64_t b);

/* Index of code in r (r->codes), or SIZE_MAX. */
size_t indic_result_index(const struct indic_result *r, const char *code);

/* Index of area code in r (r->area_codes), or SIZE_MAX; INDIC_DEPARTEMENT gives r->nareas. */
size_t indic_result_area(const struct indic_result *r, const char *area);

/*
 * Freeze year: compute every grid and store the values with each
 * definition's code, version and definition text, with an
 * "indic.year_closed" journal event, in one transaction. A closed year is
 * closed for good (ERR_CONFLICT on a second close).
 */
int indic_close_year(struct store *s, const struct indic_dict *d, const struct catalog *cat,
                     int year, const char *actor, struct err *e);

/* True and the frozen values when year is closed (then the report reads these). */
int indic_frozen(struct store *s, int year, const char *grid, struct arena *a,
                 struct indic_result *out, bool *closed, struct err *e);

/* ---- frozen definitions (migration 7) ------------------------------------- */

/*
 * A document of the data directory frozen with the year when it is closed,
 * by its path under the data directory ("rapport/rapport.json"): what a
 * reader of the closed year needs besides the definitions.
 */
struct indic_close_doc {
    const char *name;
    const char *text;
};

/*
 * indic_close_year, storing besides each definition its document
 * (indic_def_document) and the ndocs documents docs, in the same
 * transaction. A closed year is refused (ERR_CONFLICT) whatever the options:
 * its figures may have outlived the data they were computed from.
 */
int indic_close_year_docs(struct store *s, const struct indic_dict *d, const struct catalog *cat,
                          int year, const char *actor, const struct indic_close_doc *docs,
                          size_t ndocs, struct err *e);

/*
 * The definition def as a dictionary entry (the keys of docs/INDICATEURS.md,
 * filter values in the engine's text form, the condition as written, "note"
 * left out), compact JSON in a; indic_dict_load_documents reads it back.
 */
const char *indic_def_document(const struct indic_def *def, struct arena *a);

/*
 * A dictionary from n documents of indic_def_document (origin names them in
 * messages): every key, code and enumerated value is checked as in
 * indic_dict_load, and ratios and sums name indicators of the documents,
 * but nothing is checked against a catalogue (the definitions were checked
 * when they were written) and conditions are not compiled. d->frozen_year
 * is left 0 for the caller to set.
 */
int indic_dict_load_documents(struct indic_dict *d, const char *const *docs, size_t n,
                              const char *origin, struct err *e);

/*
 * The definitions frozen when year was closed, in the order frozen, each
 * with its calculation in words as it was (*closed false and out empty when
 * the year is open). A year closed before migration 7 has no documents:
 * its texts (label, unit, version, definition, calculation) are the frozen
 * ones and its structure is borrowed from the definition of the same code
 * in current (then current must outlive out), or empty when current no
 * longer has the code. Release out with indic_dict_release.
 */
int indic_dict_frozen(struct store *s, int year, const struct indic_dict *current,
                      struct indic_dict *out, bool *closed, struct err *e);

/* The document name frozen with year, in a; *text NULL when there is none. */
int indic_frozen_document(struct store *s, int year, const char *name, struct arena *a,
                          const char **text, struct err *e);

/*
 * How the definition frozen with a closed year compares with the current
 * dictionary, in French, or NULL when the version is the same: "définition
 * modifiée depuis la clôture : version 1 à la clôture, version 2
 * aujourd'hui", or that the indicator left the dictionary.
 */
const char *indic_def_change(const struct indic_def *frozen, const struct indic_dict *current,
                             struct arena *a);

/*
 * The dossiers (or acts, payments) behind a figure: ids of the rows counted
 * by indicator code for year, month (0: year) and area (NULL: département).
 */
int indic_explain(struct store *s, const struct indic_dict *d, const struct catalog *cat,
                  const char *code, int year, int month, const char *grid, const char *area,
                  struct arena *a, const char ***ids, size_t *n, struct err *e);

#endif

/*
 * dict.c: loading and checking the indicator dictionary (data/indicateurs/).
 *
 * Every *.json file of the directory holds {"indicateurs": [...]}, one
 * object per published figure (keys documented in docs/INDICATEURS.md); the
 * file's name is the section of its indicators. Everything is checked here,
 * once, against the catalogue: unknown keys, codes (unique), units, the
 * source and what it allows (date, measure, filters), dispositifs and facts
 * (they exist, with the right type and choices), conditions (compiled with
 * the rules language), ratios and sums (their terms exist, with consistent
 * units, and no cycle). The engine (engine.c) can then trust every field.
 * Messages name the file, the indicator, the field and the value.
 *
 * The same parser reads back the definitions frozen with a closed year
 * (indic_def_document, indic_dict_load_documents): every key and code is
 * checked again, but not against today's catalogue, and conditions are kept
 * as text.
 */
#include "core/compat.h"
#include "indic/indic_int.h"

#include <inttypes.h>

#include "core/file.h"
#include "core/json.h"
#include "core/money.h"

#define DL_MAX_FILES      200
#define DL_SHOW_MAX       80
#define DL_DEFINITION_MIN 20 /* bytes: a sentence, not a placeholder */

/* The index of code in codes[0..n), or -1. */
static int code_index(const char *const *codes, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (codes[i] && !strcmp(codes[i], code))
            return (int)i;
    return -1;
}

static const char *code_list(struct arena *a, const char *const *codes, size_t n)
{
    struct strbuf sb;
    const char *r;

    strbuf_init(&sb, 0);
    for (size_t i = 0; i < n; i++)
        strbuf_addf(&sb, "%s%s", i ? ", " : "", codes[i]);
    r = arena_strdup(a, sb.buf);
    strbuf_release(&sb);
    return r;
}

/* ---- the loader ----------------------------------------------------------- */

struct dload {
    struct arena *a;
    const struct catalog *cat;
    const char *path;  /* "data/indicateurs/insertion.json", for messages */
    const char *file;  /* "insertion.json" */
    const char *where; /* "indicateur « su_accordes »", NULL at file level */
    struct err *e;
    struct indic_def *defs;
    size_t ndefs, cap;
    bool frozen; /* frozen documents: no catalogue, conditions kept as text */
};

static int dl_fail(struct dload *l, const char *field, const char *fmt, ...) PRINTF_LIKE(3, 4);

static int dl_fail(struct dload *l, const char *field, const char *fmt, ...)
{
    char text[ERR_MESSAGE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (l->where && field)
        return err_set(l->e, ERR_INVALID, "%s : %s, champ « %s » : %s", l->path, l->where, field,
                       text);
    if (l->where)
        return err_set(l->e, ERR_INVALID, "%s : %s : %s", l->path, l->where, text);
    return err_set(l->e, ERR_INVALID, "%s : %s", l->path, text);
}

static const char *dl_show(struct dload *l, const json_t *v)
{
    return json_excerpt(l->a, v, DL_SHOW_MAX);
}

static int dl_keys(struct dload *l, json_t *o, const char *const *allowed)
{
    const char *k;
    json_t *v;

    if (!json_is_object(o))
        return dl_fail(l, NULL, "objet JSON attendu, reçu %s", dl_show(l, o));
    json_object_foreach(o, k, v)
    {
        bool ok = false;
        for (size_t i = 0; allowed[i] && !ok; i++)
            ok = !strcmp(k, allowed[i]);
        if (!ok) {
            size_t n = 0;
            while (allowed[n])
                n++;
            dl_fail(l, k, "clé inconnue");
            return err_hint(l->e, "clés possibles : %s (docs/INDICATEURS.md)",
                            code_list(l->a, allowed, n));
        }
    }
    return 0;
}

static bool is_code(const char *s)
{
    if (!s || !*s || strlen(s) > 64)
        return false;
    if (!(*s >= 'a' && *s <= 'z'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

/* A string field; required or not. The string lives in the arena. */
static int dl_str(struct dload *l, json_t *o, const char *key, bool required, const char **out)
{
    json_t *v = json_object_get(o, key);

    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required)
            return dl_fail(l, key, "champ obligatoire absent");
        return 0;
    }
    if (!json_is_string(v))
        return dl_fail(l, key, "texte attendu, reçu %s", dl_show(l, v));
    *out = arena_strndup(l->a, json_string_value(v), json_string_length(v));
    if (required && !**out)
        return dl_fail(l, key, "texte vide");
    return 0;
}

static int dl_code(struct dload *l, json_t *o, const char *key, bool required, const char **out)
{
    if (dl_str(l, o, key, required, out) < 0)
        return -1;
    if (*out && !is_code(*out))
        return dl_fail(l, key, "code invalide « %s » (minuscules, chiffres et _, 64 au plus)",
                       *out);
    return 0;
}

/* An enumerated field: *out receives the index of its code. */
static int dl_enum(struct dload *l, json_t *o, const char *key, bool required,
                   const char *const *codes, size_t n, int *out, bool *present)
{
    const char *s;
    int i;

    *present = false;
    if (dl_str(l, o, key, required, &s) < 0)
        return -1;
    if (!s)
        return 0;
    i = code_index(codes, n, s);
    if (i < 0) {
        dl_fail(l, key, "valeur inconnue « %s »", s);
        return err_hint(l->e, "valeurs possibles : %s", code_list(l->a, codes, n));
    }
    *out = i;
    *present = true;
    return 0;
}

/* A non-empty array of codes. */
static int dl_codes(struct dload *l, json_t *o, const char *key, bool required, const char ***out,
                    size_t *n)
{
    json_t *arr = json_object_get(o, key), *v;
    size_t i;

    *out = NULL;
    *n = 0;
    if (!arr || json_is_null(arr)) {
        if (required)
            return dl_fail(l, key, "champ obligatoire absent");
        return 0;
    }
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return dl_fail(l, key, "liste non vide de codes attendue, reçu %s", dl_show(l, arr));
    *out = arena_calloc(l->a, json_array_size(arr), sizeof(**out));
    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(v);
        if (!json_is_string(v) || !is_code(s))
            return dl_fail(l, key, "code attendu en position %zu, reçu %s", i + 1, dl_show(l, v));
        for (size_t k = 0; k < *n; k++)
            if (!strcmp((*out)[k], s))
                return dl_fail(l, key, "« %s » cité deux fois", s);
        (*out)[(*n)++] = arena_strdup(l->a, s);
    }
    return 0;
}

static bool field_present(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return v && !json_is_null(v);
}

/* Fields that the source of def does not use must be absent. */
static int dl_forbid(struct dload *l, json_t *o, const char *source, const char *const *keys)
{
    for (size_t i = 0; keys[i]; i++)
        if (field_present(o, keys[i]))
            return dl_fail(l, keys[i], "sans objet pour la source « %s »", source);
    return 0;
}

/* ---- dispositifs, facts, conditions ---------------------------------------- */

static const struct catalog_dispositif *def_dispositif(struct dload *l, const char *code)
{
    return catalog_find(l->cat, code);
}

/* The dispositifs exist and fit the source and the date. */
static int check_dispositifs(struct dload *l, struct indic_def *d)
{
    for (size_t i = 0; i < d->ndispositifs; i++) {
        const struct catalog_dispositif *x = def_dispositif(l, d->dispositifs[i]);
        const struct catalog_workflow *w;

        if (!x) {
            dl_fail(l, "dispositifs", "dispositif inconnu « %s »", d->dispositifs[i]);
            return err_hint(l->e, "« proxima catalogue list » donne les dispositifs");
        }
        w = x->workflow;
        if (d->source == SRC_ACTES && x->nature != NATURE_ACTE)
            return dl_fail(l, "dispositifs",
                           "« %s » est un %s, pas un acte : la source « actes » ne le voit pas",
                           x->code, catalog_nature_code(x->nature));
        if (d->source != SRC_ACTES && x->nature == NATURE_ACTE)
            return dl_fail(l, "dispositifs", "« %s » est un acte : utilisez la source « actes »",
                           x->code);
        if (d->source == SRC_DECISIONS && !catalog_workflow_has_op(w, OP_DECIDER))
            return dl_fail(l, "dispositifs", "le workflow de « %s » n'a pas de décision", x->code);
        if (d->source == SRC_PAIEMENTS && !catalog_workflow_has_op(w, OP_PAYER))
            return dl_fail(l, "dispositifs", "le workflow de « %s » n'a pas de paiement", x->code);
        if (d->source == SRC_DOSSIERS && d->date != DATE_OUVERTURE &&
            !catalog_workflow_has_op(w, OP_DEBUTER_MESURE))
            return dl_fail(l, "dispositifs",
                           "le workflow de « %s » n'a ni droit ni mesure (debuter_mesure) : la "
                           "date « %s » est sans objet",
                           x->code, indic_date_code(d->date));
        switch (d->measure) {
        case MEASURE_DISTINCT_PERSONNE:
            if (x->beneficiary != BENEF_PERSONNE &&
                !(x->beneficiary == BENEF_FOYER && d->source != SRC_ACTES))
                return dl_fail(l, "mesure",
                               "distinct_personne sans personne : le bénéficiaire de « %s » "
                               "est « %s »",
                               x->code, catalog_beneficiary_code(x->beneficiary));
            break;
        case MEASURE_DISTINCT_FOYER:
            if (x->beneficiary != BENEF_FOYER)
                return dl_fail(l, "mesure",
                               "distinct_foyer sans foyer : le bénéficiaire de « %s » est « %s »",
                               x->code, catalog_beneficiary_code(x->beneficiary));
            break;
        case MEASURE_DISTINCT_BENEFICIAIRE:
            if (x->beneficiary == BENEF_AUCUN)
                return dl_fail(l, "mesure", "« %s » est un acte anonyme : rien à distinguer",
                               x->code);
            break;
        default:
            break;
        }
        if (d->place == PLACE_RESIDENCE && x->beneficiary == BENEF_AUCUN)
            return dl_fail(l, "lieu", "« %s » est anonyme : pas de lieu de résidence", x->code);
    }
    return 0;
}

/* The declared type of fact in every dispositif of d (RULES_ABSENT if one lacks it). */
static enum rules_type fact_type(struct dload *l, const struct indic_def *d, const char *fact,
                                 const struct catalog_fact **first, const char **missing)
{
    enum rules_type t = RULES_ABSENT;

    *first = NULL;
    *missing = NULL;
    for (size_t i = 0; i < d->ndispositifs; i++) {
        const struct catalog_dispositif *x = def_dispositif(l, d->dispositifs[i]);
        const struct catalog_fact *f = catalog_fact(x, fact);
        if (!f) {
            *missing = x->code;
            return RULES_ABSENT;
        }
        if (i == 0) {
            t = f->type;
            *first = f;
        } else if (f->type != t) {
            *missing = x->code;
            return RULES_ABSENT;
        }
    }
    return t;
}

/* A JSON scalar of a filter as the text form rows are compared with. */
static const char *filter_value(struct dload *l, const char *fact, const struct catalog_fact *f,
                                json_t *v)
{
    const char *s;
    int64_t cents;
    date_t day;
    struct err ignored;

    switch (f->type) {
    case RULES_BOOL:
        if (!json_is_boolean(v))
            break;
        return json_is_true(v) ? "true" : "false";
    case RULES_INT:
        if (!json_is_integer(v))
            break;
        return arena_printf(l->a, "%" PRId64, (int64_t)json_integer_value(v));
    case RULES_TEXT:
        if (!json_is_string(v))
            break;
        s = json_string_value(v);
        if (f->nchoices && code_index(f->choices, f->nchoices, s) < 0) {
            dl_fail(l, "faits", "fait « %s » : valeur « %s » hors des choix du catalogue", fact, s);
            err_hint(l->e, "choix : %s", code_list(l->a, f->choices, f->nchoices));
            return NULL;
        }
        return arena_strdup(l->a, s);
    case RULES_DATE:
        if (!json_is_string(v) ||
            date_parse_iso(json_string_value(v), json_string_length(v), &day, &ignored) != 0)
            break;
        return arena_strdup(l->a, json_string_value(v));
    case RULES_MONEY:
        if (!json_is_string(v) ||
            money_parse(json_string_value(v), json_string_length(v), &cents, &ignored) != 0)
            break;
        return arena_printf(l->a, "%" PRId64, cents);
    case RULES_ABSENT:
        break;
    }
    dl_fail(l, "faits", "fait « %s » (%s) : valeur %s d'un autre type", fact,
            rules_type_name(f->type), dl_show(l, v));
    return NULL;
}

/* A value of a frozen filter: already in the text form (indic_def_document). */
static const char *frozen_filter_value(struct dload *l, const char *fact, json_t *v)
{
    if (json_is_string(v))
        return arena_strdup(l->a, json_string_value(v));
    dl_fail(l, "faits", "fait « %s » : valeur figée %s, texte attendu", fact, dl_show(l, v));
    return NULL;
}

static int load_filters(struct dload *l, json_t *o, struct indic_def *d)
{
    json_t *obj = json_object_get(o, "faits"), *v;
    const char *fact;

    if (!obj || json_is_null(obj))
        return 0;
    if (!json_is_object(obj) || json_object_size(obj) == 0)
        return dl_fail(l, "faits", "objet non vide {\"fait\": [valeurs]} attendu, reçu %s",
                       dl_show(l, obj));
    d->filters = arena_calloc(l->a, json_object_size(obj), sizeof(*d->filters));
    json_object_foreach(obj, fact, v)
    {
        struct indic_fact_filter *f = &d->filters[d->nfilters++];
        const struct catalog_fact *cf = NULL;
        const char *missing;
        size_t n = json_is_array(v) ? json_array_size(v) : 1;

        if (!l->frozen && fact_type(l, d, fact, &cf, &missing) == RULES_ABSENT) {
            dl_fail(l, "faits", "fait « %s » absent (ou d'un autre type) dans le dispositif « %s »",
                    fact, missing ? missing : "?");
            return err_hint(l->e, "« proxima catalogue show %s » donne ses faits",
                            missing ? missing : "CODE");
        }
        if (n == 0)
            return dl_fail(l, "faits", "fait « %s » : liste de valeurs vide", fact);
        f->fact = arena_strdup(l->a, fact);
        f->values = arena_calloc(l->a, n, sizeof(*f->values));
        for (size_t i = 0; i < n; i++) {
            json_t *x = json_is_array(v) ? json_array_get(v, i) : v;
            const char *t =
                l->frozen ? frozen_filter_value(l, fact, x) : filter_value(l, fact, cf, x);
            if (!t)
                return -1;
            f->values[f->nvalues++] = t;
        }
    }
    return 0;
}

struct cond_env {
    struct dload *l;
    const struct indic_def *d;
};

static enum rules_type cond_type(void *ctx, const char *name)
{
    struct cond_env *c = ctx;
    const struct catalog_fact *f;
    const char *missing;

    if (!strcmp(name, INDIC_ENV_DATE) || !strcmp(name, INDIC_ENV_DEBUT) ||
        !strcmp(name, INDIC_ENV_FIN))
        return RULES_DATE;
    if (!strcmp(name, CATALOG_ENV_BIRTH) || !strcmp(name, CATALOG_ENV_SEX)) {
        for (size_t i = 0; i < c->d->ndispositifs; i++) {
            const struct catalog_dispositif *x = def_dispositif(c->l, c->d->dispositifs[i]);
            if (x->beneficiary != BENEF_PERSONNE && x->beneficiary != BENEF_FOYER)
                return RULES_ABSENT;
        }
        return !strcmp(name, CATALOG_ENV_BIRTH) ? RULES_DATE : RULES_TEXT;
    }
    return fact_type(c->l, c->d, name, &f, &missing);
}

static void cond_name(void *ctx, const char *name)
{
    bool *dated = ctx;
    if (!strcmp(name, INDIC_ENV_DATE) || !strcmp(name, INDIC_ENV_DEBUT) ||
        !strcmp(name, INDIC_ENV_FIN))
        *dated = true;
}

static int load_condition(struct dload *l, json_t *o, struct indic_def *d)
{
    const char *src;
    struct cond_env env = {l, d};

    if (dl_str(l, o, "condition", false, &src) < 0)
        return -1;
    d->condition_text = src;
    if (!src || l->frozen)
        return 0;
    d->condition = rules_compile(l->a, src, strlen(src), cond_type, &env, l->e);
    if (!d->condition) {
        err_prefix(l->e, "%s : %s, champ « condition » : ", l->path, l->where);
        return err_hint(l->e, "noms possibles : les faits des dispositifs, "
                              "personne.date_naissance, personne.sexe, date, debut_periode, "
                              "fin_periode (docs/INDICATEURS.md)");
    }
    if (rules_expr_type(d->condition) != RULES_BOOL)
        return dl_fail(l, "condition", "la condition « %s » est de type %s, booleen attendu", src,
                       rules_type_name(rules_expr_type(d->condition)));
    rules_names(d->condition, cond_name, &d->condition_dated);
    return 0;
}

/* ---- one indicator ---------------------------------------------------------- */

static int load_row_source(struct dload *l, json_t *o, struct indic_def *d)
{
    static const char *const unused[] = {"fait_site",    "grille",   "numerateur",
                                         "denominateur", "somme_de", NULL};
    int v;
    bool present;

    if (dl_forbid(l, o, indic_source_code(d->source), unused) < 0 ||
        dl_codes(l, o, "dispositifs", true, &d->dispositifs, &d->ndispositifs) < 0 ||
        dl_enum(l, o, "mesure", true, indic_measure_codes, INDIC_NMEASURE, &v, &present) < 0)
        return -1;
    d->measure = (enum indic_measure)v;
    if (dl_enum(l, o, "date", true, indic_date_codes, INDIC_NDATE, &v, &present) < 0)
        return -1;
    d->date = (enum indic_date)v;
    d->place = PLACE_SITE;
    if (dl_enum(l, o, "lieu", false, indic_place_codes, INDIC_NPLACE, &v, &present) < 0)
        return -1;
    if (present)
        d->place = (enum indic_place)v;

    switch (d->source) {
    case SRC_DECISIONS:
        if (d->date != DATE_DECISION)
            return dl_fail(l, "date", "une décision compte à sa date : « decision » attendu");
        break;
    case SRC_PAIEMENTS:
        if (d->date != DATE_PAIEMENT)
            return dl_fail(l, "date", "un paiement compte à sa date : « paiement » attendu");
        break;
    case SRC_ACTES:
        if (d->date != DATE_ACTE)
            return dl_fail(l, "date", "un acte compte à sa date : « acte » attendu");
        break;
    default:
        if (d->date == DATE_DECISION || d->date == DATE_PAIEMENT || d->date == DATE_ACTE ||
            d->date == DATE_FAIT)
            return dl_fail(l, "date",
                           "« %s » sans objet pour la source « dossiers » (ouverture, "
                           "droit_ouvert, mesure_en_cours, mesure_debutee, stock_fin, "
                           "stock_moyen)",
                           indic_date_code(d->date));
        break;
    }

    if (d->source == SRC_DECISIONS) {
        const char **outcomes;
        size_t n;
        if (dl_codes(l, o, "decisions", false, &outcomes, &n) < 0)
            return -1;
        if (!outcomes)
            d->outcomes[OUTCOME_ACCORD] = true;
        for (size_t i = 0; i < n; i++) {
            enum catalog_outcome oc;
            if (catalog_outcome_from_code(outcomes[i], &oc) != 0) {
                dl_fail(l, "decisions", "issue de décision inconnue « %s »", outcomes[i]);
                return err_hint(l->e, "issues : accord, refus, ajournement, sans_suite");
            }
            d->outcomes[oc] = true;
        }
    } else if (field_present(o, "decisions")) {
        return dl_fail(l, "decisions", "sans objet pour la source « %s »",
                       indic_source_code(d->source));
    }

    switch (d->measure) {
    case MEASURE_VALEUR:
        return dl_fail(l, "mesure", "« valeur » est réservée à la source « fait_site »");
    case MEASURE_SOMME_MONTANT:
        if (d->source != SRC_DECISIONS && d->source != SRC_PAIEMENTS)
            return dl_fail(l, "mesure",
                           "somme_montant additionne le montant d'une décision ou d'un paiement");
        if (d->unit != UNIT_EUR)
            return dl_fail(l, "unite", "une somme de montants est en EUR, pas en « %s »",
                           indic_unit_code(d->unit));
        break;
    default:
        if (d->unit != UNIT_NOMBRE)
            return dl_fail(l, "unite", "la mesure « %s » donne un « nombre », pas « %s »",
                           indic_measure_code(d->measure), indic_unit_code(d->unit));
        break;
    }
    if (d->date == DATE_STOCK_MOYEN && d->measure != MEASURE_NOMBRE)
        return dl_fail(l, "mesure",
                       "un stock moyen compte des jours de présence : « nombre » "
                       "attendu");
    if (dl_code(l, o, "fait_somme", d->measure == MEASURE_SOMME_FAIT, &d->sum_fact) < 0)
        return -1;
    if (d->sum_fact && d->measure != MEASURE_SOMME_FAIT)
        return dl_fail(l, "fait_somme", "sans objet pour la mesure « %s »",
                       indic_measure_code(d->measure));
    if (!l->frozen && check_dispositifs(l, d) < 0)
        return -1;
    if (d->sum_fact && !l->frozen) {
        const struct catalog_fact *f;
        const char *missing;
        if (fact_type(l, d, d->sum_fact, &f, &missing) != RULES_INT)
            return dl_fail(l, "fait_somme", "« %s » n'est pas un fait entier du dispositif « %s »",
                           d->sum_fact, missing ? missing : d->dispositifs[0]);
    }
    return load_filters(l, o, d) < 0 ? -1 : load_condition(l, o, d);
}

static int load_site_fact(struct dload *l, json_t *o, struct indic_def *d)
{
    static const char *const unused[] = {"dispositifs", "decisions", "faits",      "condition",
                                         "fait_somme",  "lieu",      "numerateur", "denominateur",
                                         "somme_de",    NULL};
    int v;
    bool present;

    if (dl_forbid(l, o, "fait_site", unused) < 0 ||
        dl_code(l, o, "fait_site", true, &d->site_fact) < 0 ||
        dl_str(l, o, "grille", true, &d->site_grid) < 0)
        return -1;
    if (!indic_grid_known(d->site_grid) || !strcmp(d->site_grid, "commune") ||
        !strcmp(d->site_grid, "departement"))
        return dl_fail(l, "grille", "grille inconnue « %s » (mds, territoire, mdadt, epci)",
                       d->site_grid);
    d->measure = MEASURE_VALEUR;
    d->date = DATE_FAIT;
    if (dl_enum(l, o, "mesure", false, indic_measure_codes, INDIC_NMEASURE, &v, &present) < 0)
        return -1;
    if (present && v != MEASURE_VALEUR)
        return dl_fail(l, "mesure", "un fait de site se lit tel quel : « valeur » attendu");
    if (dl_enum(l, o, "date", false, indic_date_codes, INDIC_NDATE, &v, &present) < 0)
        return -1;
    if (present && v != DATE_FAIT)
        return dl_fail(l, "date", "un fait de site vaut à sa date : « fait » attendu");
    if (d->unit != UNIT_NOMBRE && d->unit != UNIT_DECIMAL && d->unit != UNIT_EUR)
        return dl_fail(l, "unite", "un fait de site est un nombre, un décimal ou un montant");
    return 0;
}

static int load_derived(struct dload *l, json_t *o, struct indic_def *d)
{
    static const char *const unused[] = {"dispositifs", "decisions", "faits",  "condition",
                                         "fait_somme",  "lieu",      "mesure", "date",
                                         "fait_site",   "grille",    NULL};
    static const char *const unused_ratio[] = {"somme_de", NULL};
    static const char *const unused_sum[] = {"numerateur", "denominateur", NULL};

    if (dl_forbid(l, o, indic_source_code(d->source), unused) < 0)
        return -1;
    if (d->source == SRC_RAPPORT) {
        if (dl_forbid(l, o, "rapport", unused_ratio) < 0 ||
            dl_code(l, o, "numerateur", true, &d->numerator) < 0 ||
            dl_code(l, o, "denominateur", true, &d->denominator) < 0)
            return -1;
        if (d->unit != UNIT_POURCENT)
            return dl_fail(l, "unite", "un rapport est en « pourcent », pas « %s »",
                           indic_unit_code(d->unit));
        if (!strcmp(d->numerator, d->denominator))
            return dl_fail(l, "denominateur", "même indicateur que le numérateur (« %s »)",
                           d->numerator);
        return 0;
    }
    if (dl_forbid(l, o, "somme", unused_sum) < 0 ||
        dl_codes(l, o, "somme_de", true, &d->terms, &d->nterms) < 0)
        return -1;
    return 0;
}

static int load_def(struct dload *l, json_t *o, size_t idx, struct indic_def *d)
{
    static const char *const keys[] = {
        "code",       "libelle",      "section",     "unite",     "echelle",   "version",
        "definition", "source",       "dispositifs", "decisions", "faits",     "condition",
        "mesure",     "fait_somme",   "date",        "lieu",      "fait_site", "grille",
        "numerateur", "denominateur", "somme_de",    "note",      NULL};
    json_t *peek = json_is_object(o) ? json_object_get(o, "code") : NULL;
    const char *base = arena_strndup(l->a, l->file, strlen(l->file) - strlen(".json"));
    json_t *v;
    int k;
    bool present;

    memset(d, 0, sizeof(*d));
    l->where = json_is_string(peek)
                   ? arena_printf(l->a, "indicateur « %s »", json_string_value(peek))
                   : arena_printf(l->a, "indicateur n° %zu", idx + 1);
    if (dl_keys(l, o, keys) < 0 || dl_code(l, o, "code", true, &d->code) < 0)
        return -1;
    d->file = l->file;
    for (size_t i = 0; i < l->ndefs; i++)
        if (!strcmp(l->defs[i].code, d->code))
            return dl_fail(l, "code", "code « %s » déjà défini dans %s", d->code, l->defs[i].file);
    if (dl_str(l, o, "libelle", true, &d->label) < 0 ||
        dl_code(l, o, "section", true, &d->section) < 0 ||
        dl_str(l, o, "definition", true, &d->definition) < 0)
        return -1;
    if (strcmp(d->section, base) != 0) {
        dl_fail(l, "section", "section « %s » différente de celle du fichier (%s)", d->section,
                base);
        return err_hint(l->e, "rangez l'indicateur dans %s.json ou corrigez sa section",
                        d->section);
    }
    if (strlen(d->definition) < DL_DEFINITION_MIN || !strchr(d->definition, ' '))
        return dl_fail(l, "definition",
                       "définition trop courte : une phrase dit ce qui est compté, distinct sur "
                       "quoi, à quelle date et dans quel territoire");
    v = json_object_get(o, "version");
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 10000)
        return dl_fail(l, "version", "entier positif attendu, reçu %s", v ? dl_show(l, v) : "rien");
    d->version = (int)json_integer_value(v);
    if (dl_enum(l, o, "unite", true, indic_unit_codes, INDIC_NUNIT, &k, &present) < 0)
        return -1;
    d->unit = (enum indic_unit)k;
    v = json_object_get(o, "echelle");
    if (d->unit == UNIT_DECIMAL) {
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 6)
            return dl_fail(l, "echelle", "nombre de décimales (1 à 6) attendu pour un décimal");
        d->scale = (int)json_integer_value(v);
    } else if (v && !json_is_null(v)) {
        return dl_fail(l, "echelle", "sans objet pour l'unité « %s »", indic_unit_code(d->unit));
    }
    if (dl_enum(l, o, "source", true, indic_source_codes, INDIC_NSOURCE, &k, &present) < 0)
        return -1;
    d->source = (enum indic_source)k;
    switch (d->source) {
    case SRC_DECISIONS:
    case SRC_PAIEMENTS:
    case SRC_DOSSIERS:
    case SRC_ACTES:
        return load_row_source(l, o, d);
    case SRC_FAIT_SITE:
        return load_site_fact(l, o, d);
    case SRC_RAPPORT:
    case SRC_SOMME:
        return load_derived(l, o, d);
    }
    return dl_fail(l, "source", "source non prise en charge");
}

/* The next free definition of l, the array grown as needed. */
static struct indic_def *dl_slot(struct dload *l)
{
    if (l->ndefs == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        struct indic_def *grown = arena_calloc(l->a, cap, sizeof(*grown));
        if (l->ndefs)
            memcpy(grown, l->defs, l->ndefs * sizeof(*grown));
        l->defs = grown;
        l->cap = cap;
    }
    return &l->defs[l->ndefs];
}

static int load_file(struct dload *l, json_t *root)
{
    static const char *const keys[] = {"indicateurs", NULL};
    json_t *arr, *o;
    size_t i;

    l->where = NULL;
    if (dl_keys(l, root, keys) < 0)
        return -1;
    arr = json_object_get(root, "indicateurs");
    if (!json_is_array(arr))
        return dl_fail(l, "indicateurs", "liste d'indicateurs attendue");
    if (!is_code(arena_strndup(l->a, l->file, strlen(l->file) - strlen(".json"))))
        return dl_fail(l, NULL,
                       "nom de fichier invalide : le nom d'un fichier d'indicateurs "
                       "est le code de leur section (minuscules, chiffres, _)");
    json_array_foreach(arr, i, o)
    {
        if (load_def(l, o, i, dl_slot(l)) < 0)
            return -1;
        l->ndefs++;
    }
    l->where = NULL;
    return 0;
}

/* ---- cross checks ------------------------------------------------------------ */

static const struct indic_def *find_def(struct dload *l, const char *code)
{
    for (size_t i = 0; i < l->ndefs; i++)
        if (!strcmp(l->defs[i].code, code))
            return &l->defs[i];
    return NULL;
}

static int check_term(struct dload *l, const struct indic_def *d, const char *field,
                      const char *term, const struct indic_def **out)
{
    l->path = d->file;
    l->where = arena_printf(l->a, "indicateur « %s »", d->code);
    *out = find_def(l, term);
    if (!*out) {
        dl_fail(l, field, "indicateur inconnu « %s »", term);
        return err_hint(l->e, "« proxima indicateurs list » donne les codes");
    }
    if (*out == d)
        return dl_fail(l, field, "l'indicateur se cite lui-même");
    return 0;
}

/* Depth-first search from d: 0 unvisited, 1 on the path, 2 done. */
static int check_cycle(struct dload *l, const struct indic_def *d, unsigned char *mark)
{
    size_t i = (size_t)(d - l->defs);

    if (mark[i] == 2)
        return 0;
    if (mark[i] == 1) {
        l->path = d->file;
        l->where = arena_printf(l->a, "indicateur « %s »", d->code);
        return dl_fail(l, NULL, "définition circulaire : l'indicateur dépend de lui-même");
    }
    mark[i] = 1;
    if (d->source == SRC_RAPPORT) {
        if (check_cycle(l, find_def(l, d->numerator), mark) < 0 ||
            check_cycle(l, find_def(l, d->denominator), mark) < 0)
            return -1;
    } else if (d->source == SRC_SOMME) {
        for (size_t k = 0; k < d->nterms; k++)
            if (check_cycle(l, find_def(l, d->terms[k]), mark) < 0)
                return -1;
    }
    mark[i] = 2;
    return 0;
}

static int check_references(struct dload *l)
{
    unsigned char *mark;

    for (size_t i = 0; i < l->ndefs; i++) {
        const struct indic_def *d = &l->defs[i], *n, *m;
        if (d->source == SRC_RAPPORT) {
            if (check_term(l, d, "numerateur", d->numerator, &n) < 0 ||
                check_term(l, d, "denominateur", d->denominator, &m) < 0)
                return -1;
            if (n->unit != m->unit || n->scale != m->scale)
                return dl_fail(l, "denominateur",
                               "numérateur (%s) et dénominateur (%s) d'unités différentes",
                               indic_unit_code(n->unit), indic_unit_code(m->unit));
        } else if (d->source == SRC_SOMME) {
            for (size_t k = 0; k < d->nterms; k++) {
                if (check_term(l, d, "somme_de", d->terms[k], &n) < 0)
                    return -1;
                if (n->unit != d->unit || n->scale != d->scale)
                    return dl_fail(l, "somme_de",
                                   "« %s » est en %s, la somme en %s : unités différentes", n->code,
                                   indic_unit_code(n->unit), indic_unit_code(d->unit));
            }
        }
    }
    mark = arena_calloc(l->a, l->ndefs ? l->ndefs : 1, 1);
    for (size_t i = 0; i < l->ndefs; i++)
        if (check_cycle(l, &l->defs[i], mark) < 0)
            return -1;
    return 0;
}

/* ---- the directory ------------------------------------------------------------ */

static int list_files(struct arena *a, const char *dir, const char ***names, size_t *n,
                      struct err *e)
{
    if (file_list(a, dir, ".json", DL_MAX_FILES, "du dictionnaire des indicateurs", names, n, e) <
        0)
        return e->code == ERR_IO ? err_hint(e, "indiquez le répertoire des données avec --data "
                                               "(il contient indicateurs/)")
                                 : -1;
    if (*n == 0) {
        err_set(e, ERR_INVALID, "%s : aucun fichier d'indicateurs (*.json)", dir);
        return err_hint(e, "le dictionnaire est décrit dans docs/INDICATEURS.md");
    }
    return 0;
}

/* A loader filling d (its arena initialised). */
static void dl_begin(struct dload *l, struct indic_dict *d, const struct catalog *cat,
                     struct err *e)
{
    memset(d, 0, sizeof(*d));
    arena_init(&d->arena, 0);
    memset(l, 0, sizeof(*l));
    l->a = &d->arena;
    l->cat = cat;
    l->frozen = cat == NULL;
    l->e = e;
}

/* The cross checks, then d holds the definitions of l; on failure d is released. */
static int dl_end(struct dload *l, struct indic_dict *d)
{
    if (check_references(l) < 0) {
        indic_dict_release(d);
        return -1;
    }
    d->defs = l->defs;
    d->ndefs = l->ndefs;
    return 0;
}

int indic_dict_load(struct indic_dict *d, const char *dir, const struct catalog *cat, struct err *e)
{
    struct dload l;
    const char **names;
    size_t n;

    assert(cat);
    dl_begin(&l, d, cat, e);
    if (list_files(&d->arena, dir, &names, &n, e) < 0)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        struct strbuf sb;
        json_t *root = NULL;
        int rc = 0;

        l.file = names[i];
        l.path = arena_printf(l.a, "%s/%s", dir, names[i]);
        l.where = NULL;
        strbuf_init(&sb, 0);
        if (file_read_all(l.path, &sb, JSON_MAX_INPUT, e) < 0 ||
            !(root = json_parse(sb.buf, sb.len, l.path, 0, e)))
            rc = -1;
        strbuf_release(&sb);
        if (rc == 0)
            rc = load_file(&l, root);
        json_decref(root);
        if (rc < 0)
            goto fail;
    }
    /* messages of the cross checks name the file by its path */
    for (size_t i = 0; i < l.ndefs; i++)
        l.defs[i].file = arena_printf(l.a, "%s/%s", dir, l.defs[i].file);
    if (dl_end(&l, d) < 0)
        return -1;
    for (size_t i = 0; i < d->ndefs; i++) {
        const char *slash = strrchr(d->defs[i].file, '/');
        d->defs[i].file = slash ? slash + 1 : d->defs[i].file;
    }
    return 0;

fail:
    indic_dict_release(d);
    return -1;
}

void indic_dict_release(struct indic_dict *d)
{
    arena_release(&d->arena);
    d->defs = NULL;
    d->ndefs = 0;
}

const struct indic_def *indic_find(const struct indic_dict *d, const char *code)
{
    for (size_t i = 0; code && i < d->ndefs; i++)
        if (!strcmp(d->defs[i].code, code))
            return &d->defs[i];
    return NULL;
}

/* ---- frozen definitions ------------------------------------------------------ */

static json_t *codes_json(const char *const *codes, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_string(codes[i]));
    return arr;
}

const char *indic_def_document(const struct indic_def *def, struct arena *a)
{
    json_t *o = json_object();
    char *text;
    const char *r;

    json_object_set_new(o, "code", json_string(def->code));
    json_object_set_new(o, "libelle", json_string(def->label));
    json_object_set_new(o, "section", json_string(def->section));
    json_object_set_new(o, "unite", json_string(indic_unit_code(def->unit)));
    if (def->unit == UNIT_DECIMAL)
        json_object_set_new(o, "echelle", json_integer(def->scale));
    json_object_set_new(o, "version", json_integer(def->version));
    json_object_set_new(o, "definition", json_string(def->definition));
    json_object_set_new(o, "source", json_string(indic_source_code(def->source)));
    switch (def->source) {
    case SRC_DECISIONS:
    case SRC_PAIEMENTS:
    case SRC_DOSSIERS:
    case SRC_ACTES:
        json_object_set_new(o, "dispositifs", codes_json(def->dispositifs, def->ndispositifs));
        if (def->source == SRC_DECISIONS) {
            json_t *arr = json_array();
            for (int k = 0; k < OUTCOME__COUNT; k++)
                if (def->outcomes[k])
                    json_array_append_new(
                        arr, json_string(catalog_outcome_code((enum catalog_outcome)k)));
            json_object_set_new(o, "decisions", arr);
        }
        if (def->nfilters) {
            json_t *f = json_object();
            for (size_t i = 0; i < def->nfilters; i++)
                json_object_set_new(f, def->filters[i].fact,
                                    codes_json(def->filters[i].values, def->filters[i].nvalues));
            json_object_set_new(o, "faits", f);
        }
        if (def->condition_text)
            json_object_set_new(o, "condition", json_string(def->condition_text));
        json_object_set_new(o, "mesure", json_string(indic_measure_code(def->measure)));
        if (def->sum_fact)
            json_object_set_new(o, "fait_somme", json_string(def->sum_fact));
        json_object_set_new(o, "date", json_string(indic_date_code(def->date)));
        json_object_set_new(o, "lieu", json_string(indic_place_code(def->place)));
        break;
    case SRC_FAIT_SITE:
        json_object_set_new(o, "fait_site", json_string(def->site_fact));
        json_object_set_new(o, "grille", json_string(def->site_grid));
        break;
    case SRC_RAPPORT:
        json_object_set_new(o, "numerateur", json_string(def->numerator));
        json_object_set_new(o, "denominateur", json_string(def->denominator));
        break;
    case SRC_SOMME:
        json_object_set_new(o, "somme_de", codes_json(def->terms, def->nterms));
        break;
    }
    text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!text) { /* strings and integers only: nothing but memory can fail */
        fprintf(stderr, "proxima: out of memory (definition document)\n");
        abort();
    }
    r = arena_strdup(a, text);
    json_text_free(text);
    return r;
}

int indic_dict_load_documents(struct indic_dict *d, const char *const *docs, size_t n,
                              const char *origin, struct err *e)
{
    struct dload l;

    dl_begin(&l, d, NULL, e);
    for (size_t i = 0; i < n; i++) {
        json_t *root = json_parse(docs[i], strlen(docs[i]), origin, 0, e), *sec;
        int rc;

        if (!root)
            goto fail;
        /* a document is its own file: the section check of load_def holds */
        sec = json_is_object(root) ? json_object_get(root, "section") : NULL;
        l.file = arena_printf(l.a, "%s.json", json_is_string(sec) ? json_string_value(sec) : "-");
        l.path = origin;
        rc = load_def(&l, root, i, dl_slot(&l));
        json_decref(root);
        if (rc < 0)
            goto fail;
        l.ndefs++;
    }
    return dl_end(&l, d);

fail:
    indic_dict_release(d);
    return -1;
}

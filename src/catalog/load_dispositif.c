/*
 * load_dispositif.c: reading and checking one dispositif file of the
 * catalogue ({"dispositifs": [...]}, one file per policy).
 *
 * A dispositif is checked against what load.c has already read (roles,
 * workflows, the dispositifs of earlier files) and against itself: facts
 * and parameters typed, parameter values dated, sorted and each with a
 * legal reference, every rule compiled by src/rules/ against the names the
 * dispositif declares (catalog_name_type), eligibility rules boolean and the
 * amount rule money, and the nature consistent with the workflow (an act
 * has none, a measure can start and end, a commission dispositif goes
 * through a commission).
 */
#include "core/compat.h"
#include "catalog/catalog_int.h"

static const char *const pactes[] = {"solidarites_humaines", "reussites_citoyennes",
                                     "solidarites_territoriales", NULL};

/* Fact codes that would shadow a name of the rule environment. */
static const char *const reserved_facts[] = {CATALOG_ENV_DATE_DEMANDE, CATALOG_ENV_DATE_DECISION,
                                             "param", "personne", NULL};

static bool in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(list[i], s))
            return true;
    return false;
}

/* Read key as one of the codes of an enum table via from_code; hint lists them. */
static int cl_enum(struct cload *l, json_t *o, const char *key, const char *allowed,
                   int (*from_code)(const char *, void *), void *out)
{
    const char *s;

    if (cl_str(l, o, key, NULL, true, &s) < 0)
        return -1;
    if (from_code(s, out) < 0) {
        cl_fail(l, key, "valeur inconnue « %s »", s);
        return err_hint(l->e, "valeurs permises : %s", allowed);
    }
    return 0;
}

static int nature_from(const char *s, void *out)
{
    return catalog_nature_from_code(s, out);
}
static int benef_from(const char *s, void *out)
{
    return catalog_beneficiary_from_code(s, out);
}
static int site_from(const char *s, void *out)
{
    return catalog_site_rule_from_code(s, out);
}
static int class_from(const char *s, void *out)
{
    return catalog_class_from_code(s, out);
}

static int type_field(struct cload *l, json_t *o, const char *prefix, enum rules_type *t)
{
    const char *s;

    if (cl_str(l, o, "type", prefix, true, &s) < 0)
        return -1;
    if (catalog_type_from_code(s, t) < 0) {
        cl_fail(l, cl_path(l, prefix, "type"), "type inconnu « %s »", s);
        return err_hint(l->e, "types permis : booleen, entier, montant, date, texte");
    }
    return 0;
}

/* ---- facts ---- */

static int load_fact_bound(struct cload *l, json_t *o, const char *prefix, const char *key,
                           struct catalog_fact *f, bool *has, int64_t *bound)
{
    struct rules_value v;
    json_t *j = json_object_get(o, key);

    if (!j || json_is_null(j))
        return 0;
    if (f->type != RULES_INT && f->type != RULES_MONEY && f->type != RULES_DATE)
        return cl_fail(l, cl_path(l, prefix, key), "borne « %s » sans objet pour le type %s",
                       cl_show(l, j), catalog_type_code(f->type));
    if (cl_value(l, j, f->type, cl_path(l, prefix, key), &v) < 0)
        return -1;
    *has = true;
    *bound = v.u.i;
    return 0;
}

static bool blank(const char *s);

/*
 * "libelles_choix": {"code": "Libellé", ...}, optional; when given, one
 * non-blank label for each value of "choix" and nothing else.
 */
static int load_choice_labels(struct cload *l, json_t *o, const char *prefix,
                              struct catalog_fact *f)
{
    const char *field = cl_path(l, prefix, "libelles_choix");
    json_t *labels = json_object_get(o, "libelles_choix"), *v;
    const char *key;

    if (!labels)
        return 0;
    if (!json_is_object(labels))
        return cl_fail(l, field, "un objet { code : libellé } est attendu, pas %s",
                       cl_show(l, labels));
    if (!f->choices)
        return cl_fail(l, field, "libellés sans liste de choix");
    json_object_foreach(labels, key, v)
    {
        size_t i = 0;
        while (i < f->nchoices && strcmp(f->choices[i], key))
            i++;
        if (i == f->nchoices)
            return cl_fail(l, field, "libellé d'un choix inconnu « %s »", key);
        if (!json_is_string(v) || blank(json_string_value(v)))
            return cl_fail(l, cl_path(l, field, key), "libellé vide ou qui n'est pas un texte");
    }
    f->choice_labels = arena_calloc(l->a, f->nchoices, sizeof(*f->choice_labels));
    for (size_t i = 0; i < f->nchoices; i++) {
        v = json_object_get(labels, f->choices[i]);
        if (!v)
            return cl_fail(l, field, "pas de libellé pour le choix « %s »", f->choices[i]);
        f->choice_labels[i] = arena_strdup(l->a, json_string_value(v));
    }
    return 0;
}

static int load_fact(struct cload *l, json_t *o, struct catalog_dispositif *d, size_t idx,
                     struct catalog_fact *f)
{
    static const char *const keys[] = {"code", "libelle", "type",           "obligatoire", "min",
                                       "max",  "choix",   "libelles_choix", NULL};
    const char *peek = cl_peek_code(o);
    const char *prefix =
        peek ? arena_printf(l->a, "faits.%s", peek) : arena_printf(l->a, "faits[%zu]", idx + 1);

    if (cl_keys(l, o, prefix, keys) < 0 || cl_code(l, o, "code", prefix, &f->code) < 0)
        return -1;
    prefix = arena_printf(l->a, "faits.%s", f->code);
    if (in_list(reserved_facts, f->code))
        return cl_fail(l, cl_path(l, prefix, "code"),
                       "code « %s » réservé à l'environnement des règles", f->code);
    if (catalog_fact(d, f->code))
        return cl_fail(l, cl_path(l, prefix, "code"), "fait « %s » déjà défini", f->code);
    if (cl_str(l, o, "libelle", prefix, true, &f->label) < 0 ||
        type_field(l, o, prefix, &f->type) < 0 ||
        cl_bool(l, o, "obligatoire", prefix, true, &f->required) < 0 ||
        load_fact_bound(l, o, prefix, "min", f, &f->has_min, &f->min) < 0 ||
        load_fact_bound(l, o, prefix, "max", f, &f->has_max, &f->max) < 0)
        return -1;
    if (f->has_min && f->has_max && f->min > f->max)
        return cl_fail(l, cl_path(l, prefix, "max"), "maximum « %s » inférieur au minimum",
                       cl_show(l, json_object_get(o, "max")));
    if (cl_strlist(l, o, "choix", prefix, false, false, &f->choices, &f->nchoices) < 0)
        return -1;
    if (f->choices && f->type != RULES_TEXT)
        return cl_fail(l, cl_path(l, prefix, "choix"), "liste de choix sans objet pour le type %s",
                       catalog_type_code(f->type));
    if (f->choices && f->nchoices == 0)
        return cl_fail(l, cl_path(l, prefix, "choix"), "liste de choix vide");
    return load_choice_labels(l, o, prefix, f);
}

/* ---- parameters ---- */

static bool blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

static int load_param_value(struct cload *l, json_t *o, const char *prefix, struct catalog_param *p,
                            struct catalog_param_value *v)
{
    static const char *const keys[] = {"depuis", "valeur", "reference", NULL};
    struct rules_value d;
    json_t *j;

    if (cl_keys(l, o, prefix, keys) < 0)
        return -1;
    j = json_object_get(o, "depuis");
    if (!j || json_is_null(j))
        return cl_fail(l, cl_path(l, prefix, "depuis"), "date d'entrée en vigueur absente");
    if (cl_value(l, j, RULES_DATE, cl_path(l, prefix, "depuis"), &d) < 0)
        return -1;
    v->from = (date_t)d.u.i;
    j = json_object_get(o, "valeur");
    if (!j || json_is_null(j))
        return cl_fail(l, cl_path(l, prefix, "valeur"), "valeur absente");
    if (cl_value(l, j, p->type, cl_path(l, prefix, "valeur"), &v->value) < 0)
        return -1;
    j = json_object_get(o, "reference");
    if (!j || json_is_null(j) || (json_is_string(j) && blank(json_string_value(j)))) {
        if (!j || json_is_null(j))
            cl_fail(l, cl_path(l, prefix, "reference"), "référence juridique manquante");
        else
            cl_fail(l, cl_path(l, prefix, "reference"),
                    "référence juridique manquante : « %s » est vide", json_string_value(j));
        return err_hint(l->e, "chaque valeur d'un paramètre cite son texte : « CASF art. "
                              "L. 263-3 », « RDAS 2021, art. 3.2 »...");
    }
    if (cl_str(l, o, "reference", prefix, true, &v->reference) < 0)
        return -1;
    return 0;
}

static int load_param(struct cload *l, json_t *o, struct catalog_dispositif *d, size_t idx,
                      struct catalog_param *p)
{
    static const char *const keys[] = {"code", "libelle", "type", "valeurs", NULL};
    const char *peek = cl_peek_code(o);
    const char *prefix = peek ? arena_printf(l->a, "parametres.%s", peek)
                              : arena_printf(l->a, "parametres[%zu]", idx + 1);
    json_t *arr, *v;
    size_t i;

    if (cl_keys(l, o, prefix, keys) < 0 || cl_code(l, o, "code", prefix, &p->code) < 0)
        return -1;
    prefix = arena_printf(l->a, "parametres.%s", p->code);
    if (catalog_param(d, p->code))
        return cl_fail(l, cl_path(l, prefix, "code"), "paramètre « %s » déjà défini", p->code);
    if (cl_str(l, o, "libelle", prefix, true, &p->label) < 0 ||
        type_field(l, o, prefix, &p->type) < 0 || cl_array(l, o, "valeurs", prefix, true, &arr) < 0)
        return -1;
    if (json_array_size(arr) == 0)
        return cl_fail(l, cl_path(l, prefix, "valeurs"), "aucune valeur datée");
    p->values = arena_calloc(l->a, json_array_size(arr), sizeof(*p->values));
    json_array_foreach(arr, i, v)
    {
        const char *vp = arena_printf(l->a, "%s.valeurs[%zu]", prefix, i + 1);
        if (load_param_value(l, v, vp, p, &p->values[i]) < 0)
            return -1;
        if (i > 0 && p->values[i].from <= p->values[i - 1].from) {
            char cur[DATE_ISO_LEN], prev[DATE_ISO_LEN];
            date_format_iso(p->values[i].from, cur);
            date_format_iso(p->values[i - 1].from, prev);
            cl_fail(l, cl_path(l, vp, "depuis"),
                    "date « %s » qui ne suit pas celle de la valeur précédente (%s)", cur, prev);
            return err_hint(l->e, "classez les valeurs par date d'entrée en vigueur croissante, "
                                  "une seule valeur par date");
        }
        p->nvalues++;
    }
    return 0;
}

/* ---- rules ---- */

static enum rules_type env_type(void *ctx, const char *name)
{
    return catalog_name_type(ctx, name);
}

static struct rules_expr *compile_rule(struct cload *l, struct catalog_dispositif *d,
                                       const char *field, const char *src, enum rules_type want)
{
    struct rules_expr *x;

    x = rules_compile(l->a, src, strlen(src), env_type, d, l->e);
    if (!x) {
        err_prefix(l->e, "%s : %s, champ « %s » : ", l->path, l->where, field);
        return NULL;
    }
    if (rules_expr_type(x) != want) {
        const char *got = catalog_type_code(rules_expr_type(x));
        cl_fail(l, field, "la règle « %s » est de type %s, %s attendu", src, got ? got : "inconnu",
                catalog_type_code(want));
        if (want == RULES_BOOL)
            err_hint(l->e, "une condition d'éligibilité est une comparaison : montant_demande "
                           "<= param.plafond");
        return NULL;
    }
    return x;
}

static int load_eligibility(struct cload *l, json_t *o, struct catalog_dispositif *d)
{
    static const char *const keys[] = {"regle", "message", "libelle", NULL};
    json_t *arr, *r;
    size_t i;

    if (cl_array(l, o, "eligibilite", NULL, false, &arr) < 0)
        return -1;
    if (!arr)
        return 0;
    d->eligibility = arena_calloc(l->a, json_array_size(arr) + 1, sizeof(*d->eligibility));
    json_array_foreach(arr, i, r)
    {
        const char *prefix = arena_printf(l->a, "eligibilite[%zu]", i + 1);
        struct catalog_rule *rule = &d->eligibility[i];
        const char *src;
        if (cl_keys(l, r, prefix, keys) < 0 || cl_str(l, r, "regle", prefix, true, &src) < 0 ||
            cl_str(l, r, "message", prefix, true, &rule->message) < 0 ||
            cl_str(l, r, "libelle", prefix, false, &rule->label) < 0)
            return -1;
        rule->expr = compile_rule(l, d, cl_path(l, prefix, "regle"), src, RULES_BOOL);
        if (!rule->expr)
            return -1;
        d->neligibility++;
    }
    return 0;
}

/* ---- the dispositif ---- */

static int load_facts_params(struct cload *l, json_t *o, struct catalog_dispositif *d)
{
    json_t *arr, *v;
    size_t i;

    if (cl_array(l, o, "faits", NULL, false, &arr) < 0)
        return -1;
    if (arr) {
        d->facts = arena_calloc(l->a, json_array_size(arr) + 1, sizeof(*d->facts));
        json_array_foreach(arr, i, v)
        {
            if (load_fact(l, v, d, i, &d->facts[i]) < 0)
                return -1;
            d->nfacts++;
        }
    }
    if (cl_array(l, o, "parametres", NULL, false, &arr) < 0)
        return -1;
    if (arr) {
        d->params = arena_calloc(l->a, json_array_size(arr) + 1, sizeof(*d->params));
        json_array_foreach(arr, i, v)
        {
            if (load_param(l, v, d, i, &d->params[i]) < 0)
                return -1;
            d->nparams++;
        }
    }
    return 0;
}

/* The nature, the workflow and the commission flag agree. */
static int check_workflow(struct cload *l, json_t *o, struct catalog_dispositif *d)
{
    const char *code = NULL;
    bool has_commission;

    if (cl_str(l, o, "workflow", NULL, false, &code) < 0 ||
        cl_bool(l, o, "commission", NULL, false, &d->commission) < 0)
        return -1;
    if (d->nature == NATURE_ACTE) {
        if (code)
            return cl_fail(l, "workflow", "un acte n'a pas de workflow, reçu « %s »", code);
        if (d->commission)
            return cl_fail(l, "commission", "un acte ne passe pas en commission, reçu « true »");
        if (json_object_get(o, "eligibilite") || json_object_get(o, "montant"))
            return cl_fail(l, json_object_get(o, "montant") ? "montant" : "eligibilite",
                           "un acte n'est pas décidé : ni éligibilité ni montant");
        return 0;
    }
    if (!code) {
        cl_fail(l, "workflow", "champ obligatoire absent pour un %s",
                catalog_nature_code(d->nature));
        return err_hint(l->e, "un dossier ou une mesure suit un workflow de workflows.json");
    }
    d->workflow = catalog_workflow(l->cat, code);
    if (!d->workflow) {
        cl_fail(l, "workflow", "workflow inconnu « %s »", code);
        return err_hint(l->e, "les workflows sont déclarés dans workflows.json");
    }
    if (d->nature == NATURE_MESURE && (!catalog_workflow_has_op(d->workflow, OP_DEBUTER_MESURE) ||
                                       !catalog_workflow_has_op(d->workflow, OP_TERMINER_MESURE)))
        return cl_fail(l, "workflow",
                       "une mesure doit pouvoir débuter et se terminer : le workflow « %s » n'a "
                       "pas les opérations debuter_mesure et terminer_mesure",
                       code);
    has_commission = catalog_workflow_has_op(d->workflow, OP_INSCRIRE_COMMISSION);
    if (d->commission && !has_commission)
        return cl_fail(l, "workflow",
                       "dispositif décidé en commission mais le workflow « %s » n'a pas "
                       "d'opération inscrire_commission",
                       code);
    if (!d->commission && has_commission)
        return cl_fail(l, "commission",
                       "le workflow « %s » passe par une commission : « commission » doit "
                       "valoir true",
                       code);
    return 0;
}

static int load_dispositif(struct cload *l, json_t *o, size_t idx, struct catalog_dispositif *d)
{
    static const char *const keys[] = {
        "code",        "libelle", "pacte",      "politique",  "nature", "beneficiaire",
        "site",        "classe",  "workflow",   "commission", "faits",  "parametres",
        "eligibilite", "montant", "references", "note",       NULL};
    const char *base = arena_strndup(l->a, l->file, strlen(l->file) - strlen(".json"));
    const char *amount = NULL;

    const char *peek = cl_peek_code(o);

    l->where = peek ? arena_printf(l->a, "dispositif « %s »", peek)
                    : arena_printf(l->a, "dispositif n° %zu", idx + 1);
    if (cl_keys(l, o, NULL, keys) < 0 || cl_code(l, o, "code", NULL, &d->code) < 0)
        return -1;
    l->where = arena_printf(l->a, "dispositif « %s »", d->code);
    d->file = l->file;
    {
        const struct catalog_dispositif *other = catalog_find(l->cat, d->code);
        if (other)
            return cl_fail(l, "code", "code « %s » déjà défini dans %s", d->code, other->file);
    }
    if (cl_str(l, o, "libelle", NULL, true, &d->label) < 0 ||
        cl_str(l, o, "pacte", NULL, true, &d->pacte) < 0)
        return -1;
    if (!in_list(pactes, d->pacte)) {
        cl_fail(l, "pacte", "pacte inconnu « %s »", d->pacte);
        return err_hint(l->e, "pactes : solidarites_humaines, reussites_citoyennes, "
                              "solidarites_territoriales");
    }
    if (cl_code(l, o, "politique", NULL, &d->politique) < 0)
        return -1;
    if (strcmp(d->politique, base)) {
        cl_fail(l, "politique", "politique « %s » différente de celle du fichier (%s)",
                d->politique, base);
        return err_hint(l->e, "rangez le dispositif dans %s.json ou corrigez sa politique",
                        d->politique);
    }
    if (cl_enum(l, o, "nature", "dossier, mesure, acte", nature_from, &d->nature) < 0 ||
        cl_enum(l, o, "beneficiaire", "personne, foyer, organisation, commune, aucun", benef_from,
                &d->beneficiary) < 0 ||
        cl_enum(l, o, "site", "mds_residence, mdadt_commune, site_agent, central", site_from,
                &d->site_rule) < 0 ||
        cl_enum(l, o, "classe", "aucune, social, sante, protection_enfance", class_from,
                &d->data_class) < 0)
        return -1;
    if (d->beneficiary == BENEF_AUCUN && d->nature != NATURE_ACTE)
        return cl_fail(l, "beneficiaire",
                       "« aucun » est réservé aux actes anonymes ; un %s a un bénéficiaire",
                       catalog_nature_code(d->nature));
    if (check_workflow(l, o, d) < 0 || load_facts_params(l, o, d) < 0 ||
        load_eligibility(l, o, d) < 0 || cl_str(l, o, "montant", NULL, false, &amount) < 0)
        return -1;
    if (amount) {
        if (!catalog_workflow_has_op(d->workflow, OP_PAYER))
            return cl_fail(l, "montant",
                           "règle de montant sans paiement possible : le workflow « %s » n'a "
                           "pas d'opération payer",
                           d->workflow->code);
        d->amount = compile_rule(l, d, "montant", amount, RULES_MONEY);
        if (!d->amount)
            return -1;
    }
    if (cl_strlist(l, o, "references", NULL, false, false, &d->references, &d->nreferences) < 0 ||
        cl_str(l, o, "note", NULL, false, &d->note) < 0)
        return -1;
    if (d->nature != NATURE_ACTE && d->nreferences == 0) {
        cl_fail(l, "references", "aucune référence juridique pour un %s",
                catalog_nature_code(d->nature));
        return err_hint(l->e, "citez la base légale : « CASF art. L. 232-1 », « RDAS ... »");
    }
    return 0;
}

int catalog_load_dispositifs(struct cload *l, json_t *root)
{
    static const char *const keys[] = {"dispositifs", NULL};
    struct catalog *c = l->cat;
    struct catalog_dispositif *grown;
    json_t *arr, *o;
    size_t i;

    if (cl_keys(l, root, NULL, keys) < 0 || cl_array(l, root, "dispositifs", NULL, true, &arr) < 0)
        return -1;
    if (!cl_is_code(arena_strndup(l->a, l->file, strlen(l->file) - strlen(".json"))))
        return cl_fail(l, NULL,
                       "nom de fichier invalide : le nom d'un fichier de dispositifs "
                       "est le code de leur politique (minuscules, chiffres, _)");
    grown = arena_calloc(l->a, c->ndispositifs + json_array_size(arr) + 1, sizeof(*grown));
    if (c->ndispositifs)
        memcpy(grown, c->dispositifs, c->ndispositifs * sizeof(*grown));
    c->dispositifs = grown;
    json_array_foreach(arr, i, o)
    {
        if (load_dispositif(l, o, i, &c->dispositifs[c->ndispositifs]) < 0)
            return -1;
        c->ndispositifs++;
    }
    l->where = NULL;
    return 0;
}

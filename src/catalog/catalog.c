/*
 * catalog.c: look-ups in a loaded catalogue, the code <-> enum tables of the
 * catalogue's vocabulary, dated parameters and workflow transitions.
 *
 * Everything here reads an immutable catalogue that load.c has checked, so
 * the functions trust its invariants (states exist, values sorted by date)
 * and only report the caller's mistakes: an unknown code, an operation the
 * state does not allow.
 */
#include "core/compat.h"
#include "catalog/catalog_int.h"

struct code_label {
    const char *code;
    const char *label;
};

static const struct code_label class_table[CLASS__COUNT] = {
    [CLASS_NONE] = {"aucune", "aucune donnée sensible"},
    [CLASS_SOCIAL] = {"social", "données sociales"},
    [CLASS_HEALTH] = {"sante", "données de santé"},
    [CLASS_CHILD] = {"protection_enfance", "données de protection de l'enfance"},
};

static const struct code_label nature_table[CATALOG_NATURE_COUNT] = {
    [NATURE_DOSSIER] = {"dossier", "dossier"},
    [NATURE_MESURE] = {"mesure", "mesure"},
    [NATURE_ACTE] = {"acte", "acte"},
};

static const struct code_label benef_table[CATALOG_BENEFICIARY_COUNT] = {
    [BENEF_PERSONNE] = {"personne", "personne"},
    [BENEF_FOYER] = {"foyer", "foyer"},
    [BENEF_ORGANISATION] = {"organisation", "organisation"},
    [BENEF_COMMUNE] = {"commune", "commune"},
    [BENEF_AUCUN] = {"aucun", "aucun (acte anonyme)"},
};

static const struct code_label site_table[CATALOG_SITE_RULE_COUNT] = {
    [SITE_MDS_RESIDENCE] = {"mds_residence", "MDS compétente pour l'adresse du bénéficiaire"},
    [SITE_MDADT_COMMUNE] = {"mdadt_commune", "MDADT de la commune bénéficiaire"},
    [SITE_AGENT] = {"site_agent", "site de l'agent qui enregistre"},
    [SITE_CENTRAL] = {"central", "direction centrale, sans territoire"},
};

static const struct code_label op_table[OP__COUNT] = {
    [OP_OUVRIR] = {"ouvrir", "ouvrir le dossier"},
    [OP_DEMANDER_PIECES] = {"demander_pieces", "demander des pièces"},
    [OP_COMPLETER] = {"completer", "compléter le dossier"},
    [OP_INSTRUIRE] = {"instruire", "instruire"},
    [OP_INSCRIRE_COMMISSION] = {"inscrire_commission", "inscrire en commission"},
    [OP_DECIDER] = {"decider", "décider"},
    [OP_NOTIFIER] = {"notifier", "notifier la décision"},
    [OP_PAYER] = {"payer", "payer"},
    [OP_DEBUTER_MESURE] = {"debuter_mesure", "débuter la mesure ou le droit"},
    [OP_TERMINER_MESURE] = {"terminer_mesure", "terminer la mesure ou le droit"},
    [OP_CLORE] = {"clore", "clore"},
    [OP_ROUVRIR] = {"rouvrir", "rouvrir"},
    [OP_FORMER_RECOURS] = {"former_recours", "former un recours"},
};

static const struct code_label outcome_table[OUTCOME__COUNT] = {
    [OUTCOME_ACCORD] = {"accord", "accord"},
    [OUTCOME_REFUS] = {"refus", "refus"},
    [OUTCOME_AJOURNEMENT] = {"ajournement", "ajournement"},
    [OUTCOME_SANS_SUITE] = {"sans_suite", "classement sans suite"},
};

const char *const catalog_capabilities[] = {
    "personne.lire",
    "personne.ecrire",
    "dossier.lire",
    "dossier.ecrire",
    "acte.enregistrer",
    "commission.gerer",
    "commission.presider",
    "statistiques.lire",
    "journal_acces.lire",
    "utilisateurs.gerer",
    "import",
    "export",
    NULL,
};

/* Index of code in table[0..n), or -1. */
static int table_find(const struct code_label *table, size_t n, const char *code)
{
    if (!code)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(table[i].code, code))
            return (int)i;
    return -1;
}

const char *catalog_class_code(enum data_class c)
{
    assert(c >= 0 && c < CLASS__COUNT);
    return class_table[c].code;
}

const char *catalog_class_label(enum data_class c)
{
    assert(c >= 0 && c < CLASS__COUNT);
    return class_table[c].label;
}

int catalog_class_from_code(const char *code, enum data_class *out)
{
    int i = table_find(class_table, CLASS__COUNT, code);
    if (i < 0)
        return -1;
    *out = (enum data_class)i;
    return 0;
}

const char *catalog_nature_code(enum catalog_nature n)
{
    assert(n >= 0 && n < CATALOG_NATURE_COUNT);
    return nature_table[n].code;
}

const char *catalog_nature_label(enum catalog_nature n)
{
    assert(n >= 0 && n < CATALOG_NATURE_COUNT);
    return nature_table[n].label;
}

int catalog_nature_from_code(const char *code, enum catalog_nature *out)
{
    int i = table_find(nature_table, CATALOG_NATURE_COUNT, code);
    if (i < 0)
        return -1;
    *out = (enum catalog_nature)i;
    return 0;
}

const char *catalog_beneficiary_code(enum catalog_beneficiary b)
{
    assert(b >= 0 && b < CATALOG_BENEFICIARY_COUNT);
    return benef_table[b].code;
}

const char *catalog_beneficiary_label(enum catalog_beneficiary b)
{
    assert(b >= 0 && b < CATALOG_BENEFICIARY_COUNT);
    return benef_table[b].label;
}

int catalog_beneficiary_from_code(const char *code, enum catalog_beneficiary *out)
{
    int i = table_find(benef_table, CATALOG_BENEFICIARY_COUNT, code);
    if (i < 0)
        return -1;
    *out = (enum catalog_beneficiary)i;
    return 0;
}

const char *catalog_site_rule_code(enum catalog_site_rule r)
{
    assert(r >= 0 && r < CATALOG_SITE_RULE_COUNT);
    return site_table[r].code;
}

const char *catalog_site_rule_label(enum catalog_site_rule r)
{
    assert(r >= 0 && r < CATALOG_SITE_RULE_COUNT);
    return site_table[r].label;
}

int catalog_site_rule_from_code(const char *code, enum catalog_site_rule *out)
{
    int i = table_find(site_table, CATALOG_SITE_RULE_COUNT, code);
    if (i < 0)
        return -1;
    *out = (enum catalog_site_rule)i;
    return 0;
}

/* The tables' codes as route parameters list their choices (a test checks both agree). */
const char *const catalog_op_codes[OP__COUNT + 1] = {
    "ouvrir",
    "demander_pieces",
    "completer",
    "instruire",
    "inscrire_commission",
    "decider",
    "notifier",
    "payer",
    "debuter_mesure",
    "terminer_mesure",
    "clore",
    "rouvrir",
    "former_recours",
    NULL,
};

const char *const catalog_outcome_codes[OUTCOME__COUNT + 1] = {
    "accord", "refus", "ajournement", "sans_suite", NULL,
};

const char *catalog_op_code(enum catalog_op op)
{
    assert(op >= 0 && op < OP__COUNT);
    return op_table[op].code;
}

const char *catalog_op_label(enum catalog_op op)
{
    assert(op >= 0 && op < OP__COUNT);
    return op_table[op].label;
}

int catalog_op_from_code(const char *code, enum catalog_op *out)
{
    int i = table_find(op_table, OP__COUNT, code);
    if (i < 0)
        return -1;
    *out = (enum catalog_op)i;
    return 0;
}

const char *catalog_outcome_code(enum catalog_outcome o)
{
    assert(o >= 0 && o < OUTCOME__COUNT);
    return outcome_table[o].code;
}

const char *catalog_outcome_label(enum catalog_outcome o)
{
    assert(o >= 0 && o < OUTCOME__COUNT);
    return outcome_table[o].label;
}

int catalog_outcome_from_code(const char *code, enum catalog_outcome *out)
{
    int i = table_find(outcome_table, OUTCOME__COUNT, code);
    if (i < 0)
        return -1;
    *out = (enum catalog_outcome)i;
    return 0;
}

static const char *const type_codes[] = {
    [RULES_ABSENT] = NULL,     [RULES_BOOL] = "booleen", [RULES_INT] = "entier",
    [RULES_MONEY] = "montant", [RULES_DATE] = "date",    [RULES_TEXT] = "texte",
};

const char *catalog_type_code(enum rules_type t)
{
    assert(t >= 0 && (size_t)t < ARRAY_SIZE(type_codes));
    return type_codes[t];
}

int catalog_type_from_code(const char *code, enum rules_type *out)
{
    for (size_t i = 1; code && i < ARRAY_SIZE(type_codes); i++) {
        if (!strcmp(type_codes[i], code)) {
            *out = (enum rules_type)i;
            return 0;
        }
    }
    return -1;
}

bool catalog_is_capability(const char *code)
{
    for (size_t i = 0; catalog_capabilities[i]; i++)
        if (!strcmp(catalog_capabilities[i], code))
            return true;
    return false;
}

/* ---- look-ups ---- */

/*
 * a and b equal? The first bytes compared in line: most codes a look-up
 * passes over differ there, and an import looks up every event's
 * dispositif, facts and states.
 */
static inline bool same_code(const char *a, const char *b)
{
    return a[0] == b[0] && !strcmp(a, b);
}

const struct catalog_dispositif *catalog_find(const struct catalog *c, const char *code)
{
    for (size_t i = 0; code && i < c->ndispositifs; i++)
        if (same_code(c->dispositifs[i].code, code))
            return &c->dispositifs[i];
    return NULL;
}

const struct catalog_role *catalog_role(const struct catalog *c, const char *code)
{
    for (size_t i = 0; code && i < c->nroles; i++)
        if (!strcmp(c->roles[i].code, code))
            return &c->roles[i];
    return NULL;
}

const struct catalog_workflow *catalog_workflow(const struct catalog *c, const char *code)
{
    for (size_t i = 0; code && i < c->nworkflows; i++)
        if (!strcmp(c->workflows[i].code, code))
            return &c->workflows[i];
    return NULL;
}

const struct catalog_fact *catalog_fact(const struct catalog_dispositif *d, const char *code)
{
    for (size_t i = 0; code && i < d->nfacts; i++)
        if (same_code(d->facts[i].code, code))
            return &d->facts[i];
    return NULL;
}

const char *catalog_choice_label(const struct catalog_fact *f, const char *value)
{
    for (size_t i = 0; f && f->choice_labels && value && i < f->nchoices; i++)
        if (!strcmp(f->choices[i], value))
            return f->choice_labels[i];
    return NULL;
}

const struct catalog_param *catalog_param(const struct catalog_dispositif *d, const char *code)
{
    for (size_t i = 0; code && i < d->nparams; i++)
        if (!strcmp(d->params[i].code, code))
            return &d->params[i];
    return NULL;
}

int catalog_state_index(const struct catalog_workflow *w, const char *state)
{
    for (size_t i = 0; state && i < w->nstates; i++)
        if (same_code(w->states[i], state))
            return (int)i;
    return -1;
}

const char *catalog_state_label(const struct catalog_workflow *w, const char *state)
{
    int i = catalog_state_index(w, state);
    return i < 0 ? NULL : w->state_labels[i];
}

bool catalog_workflow_has_op(const struct catalog_workflow *w, enum catalog_op op)
{
    for (size_t i = 0; i < w->ntransitions; i++)
        if (w->transitions[i].op == op)
            return true;
    return false;
}

enum rules_type catalog_name_type(const struct catalog_dispositif *d, const char *name)
{
    const struct catalog_fact *f;

    if (!strncmp(name, CATALOG_ENV_PARAM, strlen(CATALOG_ENV_PARAM))) {
        const struct catalog_param *p = catalog_param(d, name + strlen(CATALOG_ENV_PARAM));
        return p ? p->type : RULES_ABSENT;
    }
    if (!strcmp(name, CATALOG_ENV_BIRTH) || !strcmp(name, CATALOG_ENV_SEX)) {
        if (d->beneficiary != BENEF_PERSONNE && d->beneficiary != BENEF_FOYER)
            return RULES_ABSENT;
        return !strcmp(name, CATALOG_ENV_BIRTH) ? RULES_DATE : RULES_TEXT;
    }
    if (!strcmp(name, CATALOG_ENV_DATE_DEMANDE) || !strcmp(name, CATALOG_ENV_DATE_DECISION))
        return RULES_DATE;
    f = catalog_fact(d, name);
    return f ? f->type : RULES_ABSENT;
}

/* ---- parameters ---- */

int catalog_param_at(const struct catalog_dispositif *d, const char *code, date_t day,
                     struct rules_value *out, const char **reference, struct err *e)
{
    const struct catalog_param *p = catalog_param(d, code);
    const struct catalog_param_value *v = NULL;
    char fr[DATE_ISO_LEN], first[DATE_ISO_LEN];

    if (!p) {
        err_set(e, ERR_NOT_FOUND, "paramètre « %s » inconnu du dispositif « %s »", code ? code : "",
                d->code);
        return err_hint(e, "proxima catalogue show %s liste ses paramètres", d->code);
    }
    /* values are sorted by date (checked at load): the last one in force wins */
    for (size_t i = 0; i < p->nvalues && p->values[i].from <= day; i++)
        v = &p->values[i];
    if (!v) {
        date_format_fr(day, fr);
        date_format_fr(p->values[0].from, first);
        err_set(e, ERR_NOT_FOUND,
                "paramètre « %s » du dispositif « %s » : aucune valeur en vigueur au %s", p->code,
                d->code, fr);
        return err_detail(e, "première valeur en vigueur le %s", first);
    }
    *out = v->value;
    if (reference)
        *reference = v->reference;
    return 0;
}

/* ---- workflow ---- */

static bool from_contains(const struct catalog_transition *t, const char *state)
{
    for (size_t i = 0; i < t->nfrom; i++)
        if (same_code(t->from[i], state))
            return true;
    return false;
}

const struct catalog_transition *catalog_transition(const struct catalog_dispositif *d,
                                                    enum catalog_op op, const char *state,
                                                    struct err *e)
{
    const struct catalog_workflow *w = d->workflow;
    struct strbuf sb;

    assert(op >= 0 && op < OP__COUNT);
    if (!w) {
        err_set(e, ERR_CONFLICT, "opération \"%s\" impossible : « %s » est un acte, sans workflow",
                catalog_op_code(op), d->code);
        return NULL;
    }
    if (!state) {
        for (size_t i = 0; i < w->ntransitions; i++)
            if (w->transitions[i].op == op && w->transitions[i].nfrom == 0)
                return &w->transitions[i];
        err_set(e, ERR_CONFLICT, "opération \"%s\" impossible sur un dossier qui n'est pas ouvert",
                catalog_op_code(op));
        err_detail(e, "dispositif « %s », workflow « %s »", d->code, w->code);
        return NULL;
    }
    if (catalog_state_index(w, state) < 0) {
        err_set(e, ERR_CONFLICT, "état \"%s\" inconnu du workflow « %s »", state, w->code);
        err_detail(e, "dispositif « %s »", d->code);
        return NULL;
    }
    for (size_t i = 0; i < w->ntransitions; i++)
        if (w->transitions[i].op == op && from_contains(&w->transitions[i], state))
            return &w->transitions[i];

    err_set(e, ERR_CONFLICT, "opération \"%s\" impossible dans l'état \"%s\"", catalog_op_code(op),
            state);
    strbuf_init(&sb, ERR_DETAIL_MAX);
    for (size_t i = 0; i < w->ntransitions; i++) {
        const struct catalog_transition *t = &w->transitions[i];
        bool seen = false;
        if (!from_contains(t, state))
            continue;
        for (size_t k = 0; k < i; k++) /* one mention per operation */
            if (w->transitions[k].op == t->op && from_contains(&w->transitions[k], state))
                seen = true;
        if (!seen)
            strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", catalog_op_code(t->op));
    }
    err_detail(e, "dispositif « %s », workflow « %s » ; opérations possibles dans cet état : %s",
               d->code, w->code, sb.len ? sb.buf : "aucune");
    strbuf_release(&sb);
    return NULL;
}

bool catalog_transition_allows(const struct catalog_transition *t, const char *role)
{
    for (size_t i = 0; role && i < t->nroles; i++)
        if (!strcmp(t->roles[i]->code, role))
            return true;
    return false;
}

bool catalog_role_can(const struct catalog_role *r, const char *capability)
{
    for (size_t i = 0; capability && i < r->ncapabilities; i++)
        if (!strcmp(r->capabilities[i], capability))
            return true;
    return false;
}

void catalog_release(struct catalog *c)
{
    arena_release(&c->arena);
    memset(c, 0, sizeof(*c));
}

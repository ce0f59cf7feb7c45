/*
 * load.c: reading and checking the catalogue directory (data/catalogue/).
 *
 * The files are read in a fixed order: roles.json, workflows.json, then the
 * dispositif files sorted by name (load_dispositif.c), so that every
 * reference points backwards and the first error reported is always the
 * same. Everything is checked here, once, at start-up: unknown keys (a typo
 * must not pass silently), duplicate codes, states, roles and capabilities
 * referenced by workflows, and the shape of every workflow (one way in,
 * every state reachable, no dead end). Each error names the file, the
 * object, the field and the value, in French.
 */
#include "core/compat.h"
#include "catalog/catalog_int.h"

#include "core/file.h"
#include "core/json.h"
#include "core/money.h"

#define CL_SHOW_MAX  80   /* bytes of a JSON value quoted in a message */
#define CL_CODE_MAX  64   /* bytes of a code */
#define CL_MAX_FILES 1000 /* catalogue files in the directory */

#define FILE_ROLES     "roles.json"
#define FILE_WORKFLOWS "workflows.json"

/* ---- messages and getters (declared in catalog_int.h) ---- */

int cl_fail(struct cload *l, const char *field, const char *fmt, ...)
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
    if (field)
        return err_set(l->e, ERR_INVALID, "%s, champ « %s » : %s", l->path, field, text);
    return err_set(l->e, ERR_INVALID, "%s : %s", l->path, text);
}

const char *cl_path(struct cload *l, const char *prefix, const char *key)
{
    return prefix ? arena_printf(l->a, "%s.%s", prefix, key) : key;
}

const char *cl_show(struct cload *l, const json_t *v)
{
    return json_excerpt(l->a, v, CL_SHOW_MAX);
}

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "un objet";
    case JSON_ARRAY:
        return "un tableau";
    case JSON_STRING:
        return "une chaîne";
    case JSON_INTEGER:
        return "un nombre entier";
    case JSON_REAL:
        return "un nombre décimal";
    case JSON_TRUE:
    case JSON_FALSE:
        return "un booléen";
    case JSON_NULL:
        return "null";
    }
    return "?";
}

/* "X attendu, valeur reçue : V (un tableau)" */
static int cl_bad_type(struct cload *l, const char *field, const char *want, const json_t *v)
{
    return cl_fail(l, field, "%s attendu, valeur reçue « %s » (%s)", want, cl_show(l, v),
                   json_kind(v));
}

int cl_keys(struct cload *l, json_t *obj, const char *prefix, const char *const *allowed)
{
    const char *key;
    json_t *v;

    if (!json_is_object(obj))
        return cl_bad_type(l, prefix, "un objet JSON", obj);
    json_object_foreach(obj, key, v)
    {
        size_t i;
        for (i = 0; allowed[i] && strcmp(allowed[i], key); i++)
            ;
        if (!allowed[i]) {
            struct strbuf sb;
            strbuf_init(&sb, ERR_DETAIL_MAX);
            for (i = 0; allowed[i]; i++)
                strbuf_addf(&sb, "%s%s", i ? ", " : "", allowed[i]);
            cl_fail(l, cl_path(l, prefix, key), "clé inconnue « %s »", key);
            err_detail(l->e, "clés permises ici : %s", sb.buf);
            strbuf_release(&sb);
            return err_hint(l->e, "vérifiez l'orthographe de la clé (docs/CATALOGUE.md)");
        }
    }
    return 0;
}

/* 1 with *v set, 0 when absent or null (an error if required), -1 on error. */
static int cl_get(struct cload *l, json_t *obj, const char *key, const char *prefix, bool required,
                  json_t **v)
{
    *v = json_object_get(obj, key);
    if (*v && !json_is_null(*v))
        return 1;
    if (required) {
        cl_fail(l, cl_path(l, prefix, key), "champ obligatoire absent");
        return err_hint(l->e, "ajoutez la clé « %s »", key);
    }
    return 0;
}

int cl_str(struct cload *l, json_t *obj, const char *key, const char *prefix, bool required,
           const char **out)
{
    json_t *v;
    int rc = cl_get(l, obj, key, prefix, required, &v);

    if (rc <= 0)
        return rc;
    if (!json_is_string(v))
        return cl_bad_type(l, cl_path(l, prefix, key), "une chaîne", v);
    if (json_string_length(v) == 0 || strlen(json_string_value(v)) != json_string_length(v))
        return cl_fail(l, cl_path(l, prefix, key), "chaîne vide ou contenant un caractère nul");
    *out = arena_strdup(l->a, json_string_value(v));
    return 0;
}

bool cl_is_code(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > CL_CODE_MAX || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

const char *cl_peek_code(json_t *obj)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, "code") : NULL;
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;

    return s && cl_is_code(s) ? s : NULL;
}

int cl_code(struct cload *l, json_t *obj, const char *key, const char *prefix, const char **out)
{
    const char *s;

    if (cl_str(l, obj, key, prefix, true, &s) < 0)
        return -1;
    if (!cl_is_code(s)) {
        cl_fail(l, cl_path(l, prefix, key), "code invalide « %s »", s);
        return err_hint(l->e, "un code s'écrit en minuscules sans accent, chiffres et _, "
                              "commence par une lettre (64 caractères au plus)");
    }
    *out = s;
    return 0;
}

int cl_bool(struct cload *l, json_t *obj, const char *key, const char *prefix, bool required,
            bool *out)
{
    json_t *v;
    int rc = cl_get(l, obj, key, prefix, required, &v);

    if (rc <= 0)
        return rc;
    if (!json_is_boolean(v))
        return cl_bad_type(l, cl_path(l, prefix, key), "un booléen (true ou false)", v);
    *out = json_is_true(v);
    return 0;
}

int cl_array(struct cload *l, json_t *obj, const char *key, const char *prefix, bool required,
             json_t **out)
{
    json_t *v;
    int rc = cl_get(l, obj, key, prefix, required, &v);

    *out = NULL;
    if (rc <= 0)
        return rc;
    if (!json_is_array(v))
        return cl_bad_type(l, cl_path(l, prefix, key), "un tableau", v);
    *out = v;
    return 0;
}

int cl_strlist(struct cload *l, json_t *obj, const char *key, const char *prefix, bool required,
               bool codes, const char ***out, size_t *n)
{
    const char *field = cl_path(l, prefix, key);
    json_t *arr, *v;
    size_t i;

    *out = NULL;
    *n = 0;
    if (cl_array(l, obj, key, prefix, required, &arr) < 0)
        return -1;
    if (!arr)
        return 0;
    *out = arena_calloc(l->a, json_array_size(arr), sizeof(**out));
    json_array_foreach(arr, i, v)
    {
        const char *s;
        if (!json_is_string(v))
            return cl_bad_type(l, field, "une liste de chaînes", v);
        s = json_string_value(v);
        if (!*s || strlen(s) != json_string_length(v))
            return cl_fail(l, field, "chaîne vide dans la liste");
        if (codes && !cl_is_code(s))
            return cl_fail(l, field, "code invalide « %s »", s);
        for (size_t k = 0; k < *n; k++)
            if (!strcmp((*out)[k], s))
                return cl_fail(l, field, "valeur « %s » en double", s);
        (*out)[(*n)++] = arena_strdup(l->a, s);
    }
    return 0;
}

int cl_value(struct cload *l, json_t *v, enum rules_type t, const char *field,
             struct rules_value *out)
{
    struct err sub;

    memset(out, 0, sizeof(*out));
    out->type = t;
    switch (t) {
    case RULES_BOOL:
        if (!json_is_boolean(v))
            return cl_bad_type(l, field, "un booléen (true ou false)", v);
        out->u.b = json_is_true(v);
        return 0;
    case RULES_INT:
        if (!json_is_integer(v))
            return cl_bad_type(l, field, "un nombre entier", v);
        out->u.i = (int64_t)json_integer_value(v);
        return 0;
    case RULES_MONEY:
        err_clear(&sub);
        if (!json_is_string(v) ||
            money_parse(json_string_value(v), json_string_length(v), &out->u.i, &sub) < 0) {
            cl_fail(l, field, "montant en euros attendu, valeur reçue « %s »", cl_show(l, v));
            return err_hint(l->e, "écrivez un montant comme une chaîne en euros : \"150.00\"");
        }
        return 0;
    case RULES_DATE: {
        date_t d;
        err_clear(&sub);
        if (!json_is_string(v) ||
            date_parse_iso(json_string_value(v), json_string_length(v), &d, &sub) < 0) {
            cl_fail(l, field, "date « AAAA-MM-JJ » attendue, valeur reçue « %s »", cl_show(l, v));
            return err_hint(l->e, "écrivez la date au format AAAA-MM-JJ, par exemple 2022-01-01");
        }
        out->u.i = d;
        return 0;
    }
    case RULES_TEXT: {
        const char *s;
        if (!json_is_string(v) || json_string_length(v) == 0)
            return cl_bad_type(l, field, "une chaîne non vide", v);
        s = arena_strndup(l->a, json_string_value(v), json_string_length(v));
        out->u.s.p = s;
        out->u.s.n = json_string_length(v);
        return 0;
    }
    case RULES_ABSENT:
        break;
    }
    assert(!"cl_value: no such type");
    return -1;
}

/* ---- roles.json ---- */

static int load_role(struct cload *l, json_t *o, size_t idx, struct catalog_role *r)
{
    static const char *const keys[] = {"code", "libelle", "classes", "capacites", NULL};
    const char **classes;
    size_t nclasses;

    const char *peek = cl_peek_code(o);

    l->where =
        peek ? arena_printf(l->a, "rôle « %s »", peek) : arena_printf(l->a, "rôle n° %zu", idx + 1);
    if (cl_keys(l, o, NULL, keys) < 0 || cl_code(l, o, "code", NULL, &r->code) < 0)
        return -1;
    l->where = arena_printf(l->a, "rôle « %s »", r->code);
    for (size_t i = 0; i < l->cat->nroles; i++)
        if (!strcmp(l->cat->roles[i].code, r->code))
            return cl_fail(l, "code", "code « %s » déjà défini", r->code);
    if (cl_str(l, o, "libelle", NULL, true, &r->label) < 0 ||
        cl_strlist(l, o, "classes", NULL, true, true, &classes, &nclasses) < 0 ||
        cl_strlist(l, o, "capacites", NULL, true, false, &r->capabilities, &r->ncapabilities) < 0)
        return -1;
    for (size_t i = 0; i < nclasses; i++) {
        enum data_class c;
        if (catalog_class_from_code(classes[i], &c) < 0) {
            cl_fail(l, "classes", "classe de données inconnue « %s »", classes[i]);
            return err_hint(l->e, "classes permises : aucune, social, sante, protection_enfance");
        }
        r->classes[c] = true;
    }
    for (size_t i = 0; i < r->ncapabilities; i++) {
        if (!catalog_is_capability(r->capabilities[i])) {
            struct strbuf sb;
            strbuf_init(&sb, ERR_HINT_MAX);
            for (size_t k = 0; catalog_capabilities[k]; k++)
                strbuf_addf(&sb, "%s%s", k ? ", " : "", catalog_capabilities[k]);
            cl_fail(l, "capacites", "capacité inconnue « %s »", r->capabilities[i]);
            err_hint(l->e, "capacités permises : %s", sb.buf);
            strbuf_release(&sb);
            return -1;
        }
    }
    return 0;
}

static int load_roles(struct cload *l, json_t *root)
{
    static const char *const keys[] = {"roles", NULL};
    json_t *arr, *o;
    size_t i;

    if (cl_keys(l, root, NULL, keys) < 0 || cl_array(l, root, "roles", NULL, true, &arr) < 0)
        return -1;
    if (json_array_size(arr) == 0)
        return cl_fail(l, "roles", "aucun rôle défini");
    l->cat->roles = arena_calloc(l->a, json_array_size(arr), sizeof(*l->cat->roles));
    json_array_foreach(arr, i, o)
    {
        if (load_role(l, o, i, &l->cat->roles[i]) < 0)
            return -1;
        l->cat->nroles++;
    }
    l->where = NULL;
    return 0;
}

/* ---- workflows.json ---- */

/* The capability a role needs to perform op in w ("dossier.ecrire"...). */
static bool role_may_perform(const struct catalog_role *r, enum catalog_op op, bool commission,
                             const char **needed)
{
    if (op == OP_INSCRIRE_COMMISSION) {
        *needed = "commission.gerer";
        return catalog_role_can(r, *needed);
    }
    if (op == OP_DECIDER && commission) {
        *needed = "commission.presider";
        return catalog_role_can(r, *needed);
    }
    *needed = "dossier.ecrire (ou import)";
    return catalog_role_can(r, "dossier.ecrire") || catalog_role_can(r, "import");
}

static int check_state(struct cload *l, const struct catalog_workflow *w, const char *field,
                       const char *state)
{
    if (catalog_state_index(w, state) >= 0)
        return 0;
    cl_fail(l, field, "état inconnu « %s »", state);
    return err_hint(l->e, "les états du workflow sont déclarés dans « etats »");
}

static int load_transition(struct cload *l, json_t *o, struct catalog_workflow *w, size_t idx,
                           struct catalog_transition *t)
{
    static const char *const keys[] = {"operation", "de", "vers", "roles", NULL};
    const char *prefix = arena_printf(l->a, "transitions[%zu]", idx + 1);
    const char *opcode, **roles;
    size_t nroles;
    json_t *to;

    if (cl_keys(l, o, prefix, keys) < 0 || cl_str(l, o, "operation", prefix, true, &opcode) < 0)
        return -1;
    if (catalog_op_from_code(opcode, &t->op) < 0) {
        struct strbuf sb;
        strbuf_init(&sb, ERR_HINT_MAX);
        for (int k = 0; k < OP__COUNT; k++)
            strbuf_addf(&sb, "%s%s", k ? ", " : "", catalog_op_code((enum catalog_op)k));
        cl_fail(l, cl_path(l, prefix, "operation"), "opération inconnue « %s »", opcode);
        err_hint(l->e, "opérations permises : %s", sb.buf);
        strbuf_release(&sb);
        return -1;
    }
    if (cl_strlist(l, o, "de", prefix, true, true, &t->from, &t->nfrom) < 0)
        return -1;
    for (size_t k = 0; k < t->nfrom; k++)
        if (check_state(l, w, cl_path(l, prefix, "de"), t->from[k]) < 0)
            return -1;
    if (t->op == OP_OUVRIR && t->nfrom > 0)
        return cl_fail(l, cl_path(l, prefix, "de"),
                       "l'opération ouvrir crée le dossier : « de » doit être vide, reçu « %s »",
                       t->from[0]);
    if (t->op != OP_OUVRIR && t->nfrom == 0)
        return cl_fail(l, cl_path(l, prefix, "de"), "aucun état de départ pour l'opération « %s »",
                       opcode);

    if (cl_get(l, o, "vers", prefix, true, &to) < 0)
        return -1;
    if (t->op == OP_DECIDER) {
        static const char *const outcomes[] = {"accord", "refus", "ajournement", "sans_suite",
                                               NULL};
        const char *vp = cl_path(l, prefix, "vers");
        if (!json_is_object(to)) {
            cl_bad_type(l, vp, "un objet issue -> état", to);
            return err_hint(l->e, "par exemple {\"accord\": \"accorde\", \"refus\": \"refuse\"}");
        }
        if (cl_keys(l, to, vp, outcomes) < 0)
            return -1;
        for (int k = 0; k < OUTCOME__COUNT; k++) {
            const char *oc = catalog_outcome_code((enum catalog_outcome)k);
            if (cl_str(l, to, oc, vp, false, &t->to_outcome[k]) < 0)
                return -1;
            if (t->to_outcome[k] && check_state(l, w, cl_path(l, vp, oc), t->to_outcome[k]) < 0)
                return -1;
        }
        if (!t->to_outcome[OUTCOME_ACCORD] || !t->to_outcome[OUTCOME_REFUS]) {
            cl_fail(l, vp,
                    "la décision doit prévoir au moins les issues accord et refus, "
                    "reçu « %s »",
                    cl_show(l, to));
            return -1;
        }
    } else {
        if (!json_is_string(to))
            return cl_bad_type(l, cl_path(l, prefix, "vers"), "un état (chaîne)", to);
        if (cl_str(l, o, "vers", prefix, true, &t->to) < 0 ||
            check_state(l, w, cl_path(l, prefix, "vers"), t->to) < 0)
            return -1;
        if (t->op == OP_OUVRIR && strcmp(t->to, w->initial))
            return cl_fail(l, cl_path(l, prefix, "vers"),
                           "l'opération ouvrir doit mener à l'état initial « %s », reçu « %s »",
                           w->initial, t->to);
    }

    if (cl_strlist(l, o, "roles", prefix, true, true, &roles, &nroles) < 0)
        return -1;
    if (nroles == 0)
        return cl_fail(l, cl_path(l, prefix, "roles"), "aucun rôle ne peut effectuer « %s »",
                       opcode);
    t->roles = arena_calloc(l->a, nroles, sizeof(*t->roles));
    for (size_t k = 0; k < nroles; k++) {
        const struct catalog_role *r = catalog_role(l->cat, roles[k]);
        if (!r) {
            cl_fail(l, cl_path(l, prefix, "roles"), "rôle inconnu « %s »", roles[k]);
            return err_hint(l->e, "les rôles sont déclarés dans roles.json");
        }
        t->roles[t->nroles++] = r;
    }
    return 0;
}

/* Each (operation, state) pair leads to one transition at most. */
static int check_unambiguous(struct cload *l, const struct catalog_workflow *w)
{
    for (size_t i = 0; i < w->ntransitions; i++) {
        const struct catalog_transition *t = &w->transitions[i];
        for (size_t j = 0; j < i; j++) {
            const struct catalog_transition *u = &w->transitions[j];
            if (u->op != t->op)
                continue;
            if (t->op == OP_OUVRIR)
                return cl_fail(l, arena_printf(l->a, "transitions[%zu]", i + 1),
                               "une seule transition « ouvrir » par workflow");
            for (size_t a = 0; a < t->nfrom; a++)
                for (size_t b = 0; b < u->nfrom; b++)
                    if (!strcmp(t->from[a], u->from[b]))
                        return cl_fail(l, arena_printf(l->a, "transitions[%zu].de", i + 1),
                                       "l'opération « %s » depuis l'état « %s » figure déjà "
                                       "dans transitions[%zu]",
                                       catalog_op_code(t->op), t->from[a], j + 1);
        }
    }
    return 0;
}

/* Every state reachable from the initial one; every non-final state has a way out. */
static int check_graph(struct cload *l, const struct catalog_workflow *w)
{
    bool *seen = arena_calloc(l->a, w->nstates, sizeof(*seen));
    bool *final = arena_calloc(l->a, w->nstates, sizeof(*final));
    bool changed = true;

    seen[catalog_state_index(w, w->initial)] = true;
    while (changed) {
        changed = false;
        for (size_t i = 0; i < w->ntransitions; i++) {
            const struct catalog_transition *t = &w->transitions[i];
            bool from_seen = t->nfrom == 0;
            for (size_t k = 0; k < t->nfrom; k++)
                from_seen = from_seen || seen[catalog_state_index(w, t->from[k])];
            if (!from_seen)
                continue;
            for (int k = -1; k < OUTCOME__COUNT; k++) {
                const char *to = k < 0 ? t->to : t->to_outcome[k];
                int s = to ? catalog_state_index(w, to) : -1;
                if (s >= 0 && !seen[s])
                    seen[s] = changed = true;
            }
        }
    }
    for (size_t i = 0; i < w->nfinal; i++)
        final[catalog_state_index(w, w->final_states[i])] = true;
    for (size_t s = 0; s < w->nstates; s++) {
        bool out = false;
        if (!seen[s])
            return cl_fail(l, "etats", "état « %s » inaccessible depuis l'état initial « %s »",
                           w->states[s], w->initial);
        for (size_t i = 0; i < w->ntransitions && !out; i++)
            for (size_t k = 0; k < w->transitions[i].nfrom; k++)
                out = out || !strcmp(w->transitions[i].from[k], w->states[s]);
        if (!out && !final[s]) {
            cl_fail(l, "etats",
                    "état « %s » sans issue : ni final ni point de départ d'une "
                    "transition",
                    w->states[s]);
            return err_hint(l->e, "ajoutez-le à « etats_finaux » ou ajoutez une transition");
        }
    }
    return 0;
}

static int load_states(struct cload *l, json_t *o, struct catalog_workflow *w)
{
    static const char *const keys[] = {"code", "libelle", NULL};
    json_t *arr, *s;
    size_t i;

    if (cl_array(l, o, "etats", NULL, true, &arr) < 0)
        return -1;
    if (json_array_size(arr) == 0)
        return cl_fail(l, "etats", "aucun état défini");
    w->states = arena_calloc(l->a, json_array_size(arr), sizeof(*w->states));
    w->state_labels = arena_calloc(l->a, json_array_size(arr), sizeof(*w->state_labels));
    json_array_foreach(arr, i, s)
    {
        const char *peek = cl_peek_code(s);
        const char *prefix =
            peek ? arena_printf(l->a, "etats.%s", peek) : arena_printf(l->a, "etats[%zu]", i + 1);
        const char *code;
        if (cl_keys(l, s, prefix, keys) < 0 || cl_code(l, s, "code", prefix, &code) < 0 ||
            cl_str(l, s, "libelle", prefix, true, &w->state_labels[i]) < 0)
            return -1;
        if (catalog_state_index(w, code) >= 0)
            return cl_fail(l, cl_path(l, prefix, "code"), "état « %s » déjà défini", code);
        w->states[w->nstates++] = code;
    }
    return 0;
}

static int load_workflow(struct cload *l, json_t *o, size_t idx, struct catalog_workflow *w)
{
    static const char *const keys[] = {"code",         "libelle",     "etats", "etat_initial",
                                       "etats_finaux", "transitions", NULL};
    bool commission;
    json_t *arr, *t;
    size_t i;

    const char *peek = cl_peek_code(o);

    l->where = peek ? arena_printf(l->a, "workflow « %s »", peek)
                    : arena_printf(l->a, "workflow n° %zu", idx + 1);
    if (cl_keys(l, o, NULL, keys) < 0 || cl_code(l, o, "code", NULL, &w->code) < 0)
        return -1;
    l->where = arena_printf(l->a, "workflow « %s »", w->code);
    for (i = 0; i < l->cat->nworkflows; i++)
        if (!strcmp(l->cat->workflows[i].code, w->code))
            return cl_fail(l, "code", "code « %s » déjà défini", w->code);
    if (cl_str(l, o, "libelle", NULL, true, &w->label) < 0 || load_states(l, o, w) < 0 ||
        cl_str(l, o, "etat_initial", NULL, true, &w->initial) < 0 ||
        check_state(l, w, "etat_initial", w->initial) < 0 ||
        cl_strlist(l, o, "etats_finaux", NULL, true, true, &w->final_states, &w->nfinal) < 0)
        return -1;
    if (w->nfinal == 0)
        return cl_fail(l, "etats_finaux", "aucun état final : un dossier ne finirait jamais");
    for (i = 0; i < w->nfinal; i++)
        if (check_state(l, w, "etats_finaux", w->final_states[i]) < 0)
            return -1;

    if (cl_array(l, o, "transitions", NULL, true, &arr) < 0)
        return -1;
    w->transitions = arena_calloc(l->a, json_array_size(arr) + 1, sizeof(*w->transitions));
    json_array_foreach(arr, i, t)
    {
        if (load_transition(l, t, w, i, &w->transitions[i]) < 0)
            return -1;
        w->ntransitions++;
    }
    if (!catalog_workflow_has_op(w, OP_OUVRIR))
        return cl_fail(l, "transitions",
                       "aucune transition « ouvrir » : le dossier ne pourrait "
                       "pas être créé");
    if (check_unambiguous(l, w) < 0 || check_graph(l, w) < 0)
        return -1;

    /* roles must hold the capability each operation needs */
    commission = catalog_workflow_has_op(w, OP_INSCRIRE_COMMISSION);
    for (i = 0; i < w->ntransitions; i++) {
        const struct catalog_transition *tr = &w->transitions[i];
        for (size_t k = 0; k < tr->nroles; k++) {
            const char *needed;
            if (!role_may_perform(tr->roles[k], tr->op, commission, &needed))
                return cl_fail(l, arena_printf(l->a, "transitions[%zu].roles", i + 1),
                               "le rôle « %s » n'a pas la capacité %s qu'exige l'opération « %s »",
                               tr->roles[k]->code, needed, catalog_op_code(tr->op));
        }
    }
    return 0;
}

static int load_workflows(struct cload *l, json_t *root)
{
    static const char *const keys[] = {"workflows", NULL};
    json_t *arr, *o;
    size_t i;

    if (cl_keys(l, root, NULL, keys) < 0 || cl_array(l, root, "workflows", NULL, true, &arr) < 0)
        return -1;
    l->cat->workflows = arena_calloc(l->a, json_array_size(arr) + 1, sizeof(*l->cat->workflows));
    json_array_foreach(arr, i, o)
    {
        if (load_workflow(l, o, i, &l->cat->workflows[i]) < 0)
            return -1;
        l->cat->nworkflows++;
    }
    l->where = NULL;
    return 0;
}

/* ---- the directory ---- */

/* The dispositif files of dir (every *.json but the two fixed ones), sorted. */
static int list_files(struct arena *a, const char *dir, const char ***names, size_t *n,
                      bool *has_roles, bool *has_workflows, struct err *e)
{
    size_t kept = 0;

    *has_roles = *has_workflows = false;
    if (file_list(a, dir, ".json", CL_MAX_FILES + 2, "du catalogue", names, n, e) < 0)
        return e->code == ERR_IO ? err_hint(e, "indiquez le répertoire des données avec --data "
                                               "(il contient catalogue/)")
                                 : -1;
    for (size_t i = 0; i < *n; i++) {
        if (!strcmp((*names)[i], FILE_ROLES))
            *has_roles = true;
        else if (!strcmp((*names)[i], FILE_WORKFLOWS))
            *has_workflows = true;
        else
            (*names)[kept++] = (*names)[i];
    }
    *n = kept;
    if (kept > CL_MAX_FILES)
        return err_set(e, ERR_TOO_LARGE, "%s : plus de %d fichiers de catalogue", dir,
                       CL_MAX_FILES);
    return 0;
}

/* Read and parse one file; *root is a new reference. */
static int read_file(struct cload *l, const char *dir, const char *name, json_t **root)
{
    struct strbuf sb;
    int rc = 0;

    l->file = arena_strdup(l->a, name);
    l->path = arena_printf(l->a, "%s/%s", dir, name);
    l->where = NULL;
    strbuf_init(&sb, 0);
    if (file_read_all(l->path, &sb, JSON_MAX_INPUT, l->e) < 0)
        rc = -1;
    else if (!(*root = json_parse(sb.buf, sb.len, l->path, 0, l->e)))
        rc = -1;
    strbuf_release(&sb);
    return rc;
}

static int load_one(struct cload *l, const char *dir, const char *name,
                    int (*fn)(struct cload *l, json_t *root))
{
    json_t *root = NULL;
    int rc = read_file(l, dir, name, &root);

    if (rc == 0)
        rc = fn(l, root);
    json_decref(root);
    return rc;
}

int catalog_load(struct catalog *c, const char *dir, struct err *e)
{
    struct cload l;
    const char **names;
    size_t n;
    bool has_roles, has_workflows;

    memset(c, 0, sizeof(*c));
    arena_init(&c->arena, 0);
    memset(&l, 0, sizeof(l));
    l.cat = c;
    l.a = &c->arena;
    l.e = e;

    if (list_files(&c->arena, dir, &names, &n, &has_roles, &has_workflows, e) < 0)
        goto fail;
    if (!has_roles || !has_workflows) {
        err_set(e, ERR_INVALID, "%s/%s : fichier absent du catalogue", dir,
                has_roles ? FILE_WORKFLOWS : FILE_ROLES);
        err_hint(e, "le catalogue comprend roles.json, workflows.json et un fichier par "
                    "politique (docs/CATALOGUE.md)");
        goto fail;
    }
    if (load_one(&l, dir, FILE_ROLES, load_roles) < 0 ||
        load_one(&l, dir, FILE_WORKFLOWS, load_workflows) < 0)
        goto fail;
    for (size_t i = 0; i < n; i++)
        if (load_one(&l, dir, names[i], catalog_load_dispositifs) < 0)
            goto fail;
    return 0;

fail:
    catalog_release(c);
    return -1;
}

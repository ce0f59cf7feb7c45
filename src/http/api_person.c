/*
 * api_person.c: /api/personnes. Search within the agent's rights (identity
 * only, not logged as a read), read a person's file with the dossiers the
 * agent may see (logged by the case layer), record a new person (refused
 * when one already matches: NIR, internal id, CAF number, name and birth).
 * And /api/foyers: create a household, add a member (the beneficiary of
 * household aids such as the secours d'urgence).
 */
#include "core/compat.h"
#include "http/api.h"

#include "case/run.h"
#include "case/view.h"
#include "http/response.h"

static const char *const sexes[] = {"F", "M", NULL};

/* ---- GET /api/personnes ---- */

static const struct http_param search_params[] = {
    {"nom", HTTP_IN_QUERY, HTTP_T_TEXT, false, .max_len = 100,
     .doc = "nom ou partie du nom, sans tenir compte des accents ni de la casse"},
    {"naissance", HTTP_IN_QUERY, HTTP_T_DATE, false, .doc = "date de naissance AAAA-MM-JJ"},
    {"commune", HTTP_IN_QUERY, HTTP_T_INSEE, false, .doc = "code INSEE de la commune"},
    {"max", HTTP_IN_QUERY, HTTP_T_INT, false, .min = 1, .max = 200,
     .doc = "nombre de résultats au plus (50 par défaut)"},
};

/* What a search shows: identity and place, nothing else of the file. */
static json_t *identity_json(const struct case_person *p)
{
    json_t *full = case_person_json(p), *o = json_object();
    static const char *const keep[] = {"id",   "nom",     "prenom",      "date_naissance",
                                       "sexe", "commune", "commune_nom", "mds"};

    for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
        json_object_set(o, keep[i], json_object_get(full, keep[i]));
    json_decref(full);
    return o;
}

static int person_search(struct http_request *r, struct err *e)
{
    const char *name = http_str(r, "nom"), *birth = http_str(r, "naissance");
    const char *commune = http_str(r, "commune");
    struct case_person *p;
    size_t n;
    json_t *arr;

    if (!name && !birth && !commune) {
        err_set(e, ERR_USAGE, "aucun critère de recherche");
        return err_hint(e, "donnez au moins nom, naissance ou commune "
                           "(/api/personnes?nom=dupont&naissance=1985-02-03)");
    }
    if (case_person_search(http_case(r), name, birth, commune, (size_t)http_int(r, "max", 50), &p,
                           &n, e) != 0)
        return -1;
    arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, identity_json(&p[i]));
    return http_json(r, 200, json_pack("{s:I, s:o}", "nombre", (json_int_t)n, "personnes", arr));
}

/* ---- GET /api/personnes/:id ---- */

static const struct http_param id_params[] = {
    {"id", HTTP_IN_PATH, HTTP_T_ID, true, .doc = "identifiant de la personne (P0000042)"},
};

static int person_get(struct http_request *r, struct err *e)
{
    struct case_ctx *c = http_case(r);
    const char *id = http_str(r, "id");
    struct case_person p;
    struct case_dossier *d = NULL;
    size_t n = 0;
    bool hidden = false;
    json_t *o, *arr;

    if (case_person_get(c, id, &p, e) != 0)
        return -1;
    if (case_person_dossiers(c, id, &d, &n, e) != 0) {
        if (e->code != ERR_FORBIDDEN)
            return -1;
        /* a role that reads no dossier (reception) sees the identity only */
        err_clear(e);
        hidden = true;
        n = 0;
    }
    o = case_person_json(&p);
    arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(arr, case_dossier_json(&r->app->cat, &d[i], NULL, 0));
        case_dossier_release(&d[i]);
    }
    json_object_set_new(o, "dossiers", arr);
    json_object_set_new(o, "dossiers_masques", json_boolean(hidden));
    return http_json(r, 200, o);
}

/* ---- POST /api/personnes ---- */

static const struct http_param create_params[] = {
    {"nom", HTTP_IN_BODY, HTTP_T_TEXT, true, .max_len = 100, .doc = "nom de naissance ou d'usage"},
    {"prenom", HTTP_IN_BODY, HTTP_T_TEXT, true, .max_len = 100, .doc = "prénom"},
    {"date_naissance", HTTP_IN_BODY, HTTP_T_DATE, true, .doc = "date de naissance AAAA-MM-JJ"},
    {"sexe", HTTP_IN_BODY, HTTP_T_CHOICE, true, .choices = sexes, .doc = "F ou M"},
    {"nir", HTTP_IN_BODY, HTTP_T_TEXT, false, .max_len = 20,
     .doc = "numéro de sécurité sociale, 13 chiffres et la clé"},
    {"identifiant_interne", HTTP_IN_BODY, HTTP_T_TEXT, false, .max_len = 64,
     .doc = "identifiant dans un logiciel précédent"},
    {"numero_caf", HTTP_IN_BODY, HTTP_T_TEXT, false, .max_len = 20,
     .doc = "numéro d'allocataire CAF ou MSA (avec role_caf)"},
    {"role_caf", HTTP_IN_BODY, HTTP_T_TEXT, false, .max_len = 32,
     .doc = "rôle dans le dossier CAF : demandeur, conjoint, enfant..."},
    {"adresse", HTTP_IN_BODY, HTTP_T_TEXT, false, .max_len = 200, .doc = "numéro et voie"},
    {"commune", HTTP_IN_BODY, HTTP_T_INSEE, false, .doc = "code INSEE de la commune"},
    {"telephone", HTTP_IN_BODY, HTTP_T_TEXT, false, .max_len = 32, .doc = "téléphone"},
    {"courriel", HTTP_IN_BODY, HTTP_T_TEXT, false, .max_len = 200, .doc = "adresse électronique"},
    {"date", HTTP_IN_BODY, HTTP_T_DATE, false,
     .doc = "date de l'enregistrement AAAA-MM-JJ (aujourd'hui par défaut)"},
    {"homonyme", HTTP_IN_BODY, HTTP_T_BOOL, false,
     .doc = "true pour enregistrer un homonyme (même nom, prénom et naissance)"},
};

struct add_arg {
    struct case_person_input in;
    bool homonym;
    const char *id, *other, *rule;
};

static int do_add(struct case_ctx *c, void *arg, struct err *e)
{
    struct add_arg *a = arg;
    return case_person_add(c, &a->in, a->homonym, &a->id, &a->other, &a->rule, e);
}

static int person_create(struct http_request *r, struct err *e)
{
    struct add_arg a;

    memset(&a, 0, sizeof(a));
    a.in.last_name = http_str(r, "nom");
    a.in.first_name = http_str(r, "prenom");
    a.in.birth_date = http_str(r, "date_naissance");
    a.in.sex = http_str(r, "sexe");
    a.in.nir = http_str(r, "nir");
    a.in.internal_id = http_str(r, "identifiant_interne");
    a.in.caf_number = http_str(r, "numero_caf");
    a.in.caf_role = http_str(r, "role_caf");
    a.in.address = http_str(r, "adresse");
    a.in.commune = http_str(r, "commune");
    a.in.phone = http_str(r, "telephone");
    a.in.email = http_str(r, "courriel");
    a.in.date = http_str(r, "date");
    a.homonym = http_bool(r, "homonyme", false);
    if (!!a.in.caf_number != !!a.in.caf_role) {
        err_set(e, ERR_USAGE, "numero_caf et role_caf vont ensemble : donnez les deux");
        return -1;
    }
    if (api_run(r, do_add, &a, e) != 0) {
        if (a.other) {
            if (a.rule && !strcmp(a.rule, CASE_MATCH_RULE_NAME))
                return err_hint(e,
                                "consultez GET /api/personnes/%s ; s'il s'agit d'un homonyme, "
                                "renvoyez la demande avec \"homonyme\": true",
                                a.other);
            return err_hint(e, "consultez GET /api/personnes/%s", a.other);
        }
        return -1;
    }
    return api_created(r, arena_printf(&r->arena, "/api/personnes/%s", a.id),
                       json_pack("{s:s}", "id", a.id));
}

/* ---- POST /api/foyers, POST /api/foyers/:id/membres ---- */

static const struct http_param household_params[] = {
    {"libelle", HTTP_IN_BODY, HTTP_T_TEXT, false, .max_len = 200,
     .doc = "libellé du foyer (Foyer Dupont)"},
    {"date", HTTP_IN_BODY, HTTP_T_DATE, false,
     .doc = "date de l'enregistrement AAAA-MM-JJ (aujourd'hui par défaut)"},
};

static const char *const member_roles[] = {"demandeur", "conjoint", "enfant", "autre", NULL};

static const struct http_param member_params[] = {
    {"id", HTTP_IN_PATH, HTTP_T_ID, true, .doc = "identifiant du foyer (F0000001)"},
    {"personne", HTTP_IN_BODY, HTTP_T_ID, true, .doc = "la personne qui entre dans le foyer"},
    {"role", HTTP_IN_BODY, HTTP_T_CHOICE, true, .choices = member_roles,
     .doc = "demandeur, conjoint, enfant ou autre"},
    {"date", HTTP_IN_BODY, HTTP_T_DATE, false,
     .doc = "date d'entrée dans le foyer AAAA-MM-JJ (aujourd'hui par défaut)"},
};

struct household_arg {
    const char *label, *date, *household, *person, *role, *id;
};

static int do_household_create(struct case_ctx *c, void *arg, struct err *e)
{
    struct household_arg *a = arg;
    return case_household_create(c, NULL, a->label, a->date, &a->id, e);
}

static int do_household_add(struct case_ctx *c, void *arg, struct err *e)
{
    struct household_arg *a = arg;
    return case_household_add(c, a->household, a->person, a->role, a->date, e);
}

static int household_create(struct http_request *r, struct err *e)
{
    struct household_arg a = {.label = http_str(r, "libelle"), .date = http_str(r, "date")};

    if (api_run(r, do_household_create, &a, e) != 0)
        return -1;
    return http_json(r, 201, json_pack("{s:s}", "id", a.id));
}

static int household_add(struct http_request *r, struct err *e)
{
    struct household_arg a = {
        .household = http_str(r, "id"),
        .person = http_str(r, "personne"),
        .role = http_str(r, "role"),
        .date = http_str(r, "date"),
    };

    if (api_run(r, do_household_add, &a, e) != 0)
        return -1;
    return http_json(
        r, 201,
        json_pack("{s:s, s:s, s:s}", "foyer", a.household, "personne", a.person, "role", a.role));
}

const struct http_route api_person_routes[] = {
    {HTTP_GET, "/api/personnes", HTTP_API, HTTP_BODY_NONE, .auth = true,
     .capability = "personne.lire", .object = "personne", .params = search_params,
     .nparams = ARRAY_SIZE(search_params), .handler = person_search,
     .summary = "rechercher des personnes (nom, naissance, commune) dans ses sites"},
    {HTTP_GET, "/api/personnes/:id", HTTP_API, HTTP_BODY_NONE, .auth = true,
     .capability = "personne.lire", .object = "personne", .params = id_params,
     .nparams = ARRAY_SIZE(id_params), .handler = person_get,
     .summary = "lire la fiche d'une personne et ses dossiers (lecture journalisée)"},
    {HTTP_POST, "/api/personnes", HTTP_API, HTTP_BODY_JSON, .auth = true,
     .capability = "personne.ecrire", .object = "personne", .params = create_params,
     .nparams = ARRAY_SIZE(create_params), .handler = person_create,
     .summary = "enregistrer une personne (refusé si elle existe déjà)"},
    {HTTP_POST, "/api/foyers", HTTP_API, HTTP_BODY_JSON, .auth = true,
     .capability = "personne.ecrire", .object = "foyer", .params = household_params,
     .nparams = ARRAY_SIZE(household_params), .handler = household_create,
     .summary = "créer un foyer"},
    {HTTP_POST, "/api/foyers/:id/membres", HTTP_API, HTTP_BODY_JSON, .auth = true,
     .capability = "personne.ecrire", .object = "foyer", .params = member_params,
     .nparams = ARRAY_SIZE(member_params), .handler = household_add,
     .summary = "ajouter une personne à un foyer (demandeur, conjoint, enfant, autre)"},
};
const size_t api_person_nroutes = ARRAY_SIZE(api_person_routes);

/*
 * api_indic.c: GET /api/indicateurs, the figures of the indicator
 * dictionary for a year on a territorial grid (src/indic/): the frozen
 * values of a closed year, else computed now. Aggregates only; the
 * capability statistiques.lire is required.
 */
#include "core/compat.h"
#include "http/api.h"

#include "http/response.h"

static const char *const grids[] = {"mds",     "territoire",  "mdadt", "epci",
                                    "commune", "departement", NULL};

static const struct http_param params[] = {
    {"annee", HTTP_IN_QUERY, HTTP_T_INT, true, .min = 1900, .max = 2999,
     .doc = "année civile (2022)"},
    {"grille", HTTP_IN_QUERY, HTTP_T_CHOICE, false, .choices = grids,
     .doc = "découpage : mds (par défaut), territoire, mdadt, epci, commune, departement"},
    {"mois", HTTP_IN_QUERY, HTTP_T_INT, false, .min = 0, .max = 12,
     .doc = "mois 1 à 12 ; 0 ou absent : l'année entière"},
    {"code", HTTP_IN_QUERY, HTTP_T_CODE, false, .doc = "un seul indicateur (su_accordes)"},
};

static json_t *value_json(int64_t v)
{
    return v == INDIC_UNDEFINED ? json_null() : json_integer((json_int_t)v);
}

static int indicators(struct http_request *r, struct err *e)
{
    const struct indic_dict *d = &r->app->dict;
    const char *grid = http_str(r, "grille") ? http_str(r, "grille") : "mds";
    const char *code = http_str(r, "code");
    int year = (int)http_int(r, "annee", 0), month = (int)http_int(r, "mois", 0);
    struct indic_result res;
    bool frozen;
    json_t *out, *zones, *arr;

    if (!r->app->has_dict) {
        http_problem(r, 503, "unavailable", NULL,
                     "le dictionnaire des indicateurs n'a pas pu être chargé au démarrage",
                     "vérifiez data/indicateurs avec « proxima indicateurs list », puis "
                     "redémarrez le serveur",
                     NULL);
        return 0;
    }
    if (code && !indic_find(d, code)) {
        err_set(e, ERR_NOT_FOUND, "indicateur inconnu : « %s »", code);
        return err_hint(e, "« proxima indicateurs list » liste les indicateurs");
    }
    if (indic_frozen(r->store, year, grid, &r->arena, &res, &frozen, e) != 0)
        return -1;
    if (!frozen && indic_compute(r->store, d, &r->app->cat, year, grid, &r->arena, &res, e) != 0)
        return -1;
    out = json_pack("{s:i, s:s, s:i, s:b}", "annee", year, "grille", grid, "mois", month, "figees",
                    frozen);
    zones = json_array();
    for (size_t a = 0; a < res.nareas; a++)
        json_array_append_new(
            zones, json_pack("{s:s, s:s}", "code", res.area_codes[a], "nom", res.area_names[a]));
    json_object_set_new(out, "zones", zones);
    arr = json_array();
    for (size_t i = 0; i < res.ndefs; i++) {
        const struct indic_def *def = indic_find(d, res.codes[i]);
        json_t *vals = json_object(), *o;
        if (code && strcmp(res.codes[i], code) != 0)
            continue;
        o = json_pack("{s:s, s:s, s:s, s:i}", "code", res.codes[i], "libelle",
                      def ? def->label : res.codes[i], "unite",
                      def ? indic_unit_code(def->unit) : "nombre", "version", res.versions[i]);
        for (size_t a = 0; a < res.nareas; a++)
            json_object_set_new(vals, res.area_codes[a],
                                value_json(indic_value(&res, i, a, month)));
        json_object_set_new(vals, INDIC_DEPARTEMENT,
                            value_json(indic_value(&res, i, res.nareas, month)));
        json_object_set_new(o, "valeurs", vals);
        json_array_append_new(arr, o);
    }
    json_object_set_new(out, "indicateurs", arr);
    return http_json(r, 200, out);
}

const struct http_route api_indic_routes[] = {
    {HTTP_GET, "/api/indicateurs", HTTP_API, HTTP_BODY_NONE, .auth = true,
     .capability = "statistiques.lire", .object = "indicateurs", .params = params,
     .nparams = ARRAY_SIZE(params), .handler = indicators,
     .summary = "les indicateurs d'une année sur une grille territoriale"},
};
const size_t api_indic_nroutes = ARRAY_SIZE(api_indic_routes);

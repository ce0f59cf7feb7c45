/*
 * api_catalog.c: the catalogue of dispositifs (GET /api/dispositifs and
 * /api/dispositifs/:code, for any signed-in agent: no personal data) and,
 * for the data officer, the log of who accessed a person's file
 * (GET /api/journal-acces/personnes/:id), itself logged as a read.
 */
#include "core/compat.h"
#include "http/api.h"

#include "case/view.h"
#include "core/date.h"
#include "http/response.h"

/* ---- GET /api/dispositifs ---- */

static const struct http_param list_params[] = {
    {"politique", HTTP_IN_QUERY, HTTP_T_CODE, false,
     .doc = "ne garder qu'une politique : insertion, autonomie, enfance, jeunesse, accueil..."},
};

static int dispositif_list(struct http_request *r, struct err *e)
{
    const struct catalog *cat = &r->app->cat;
    const char *politique = http_str(r, "politique");
    json_t *arr = json_array();

    (void)e;
    for (size_t i = 0; i < cat->ndispositifs; i++) {
        const struct catalog_dispositif *d = &cat->dispositifs[i];
        if (politique && strcmp(d->politique, politique) != 0)
            continue;
        json_array_append_new(arr, case_dispositif_summary_json(d));
    }
    return http_json(
        r, 200,
        json_pack("{s:I, s:o}", "nombre", (json_int_t)json_array_size(arr), "dispositifs", arr));
}

/* ---- GET /api/dispositifs/:code ---- */

static const struct http_param show_params[] = {
    {"code", HTTP_IN_PATH, HTTP_T_CODE, true, .doc = "code du dispositif (secours_urgence)"},
    {"date", HTTP_IN_QUERY, HTTP_T_DATE, false,
     .doc = "date des paramètres en vigueur AAAA-MM-JJ (aujourd'hui par défaut)"},
};

static int dispositif_show(struct http_request *r, struct err *e)
{
    const char *code = http_str(r, "code");
    const struct catalog_dispositif *d = catalog_find(&r->app->cat, code);
    const struct http_value *day = http_value(r, "date");

    if (!d) {
        err_set(e, ERR_NOT_FOUND, "dispositif inconnu : « %s »", code);
        return err_hint(e, "GET /api/dispositifs liste les dispositifs et leurs codes");
    }
    return http_json(r, 200, case_dispositif_json(d, day ? (date_t)day->i : paris_today()));
}

/* ---- GET /api/journal-acces/personnes/:id ---- */

static const struct http_param log_params[] = {
    {"id", HTTP_IN_PATH, HTTP_T_ID, true, .doc = "identifiant de la personne (P0000042)"},
};

static int access_log(struct http_request *r, struct err *e)
{
    const char *person = http_str(r, "id");
    struct access_target t = {
        .data_class = CLASS_NONE,
        .object_type = "journal_acces",
        .object_id = person,
        .person_id = person,
    };
    struct access_log_row *rows;
    const char *grant = NULL;
    size_t n;
    json_t *arr;

    if (access_check(&r->app->cat, &r->user, "journal_acces.lire", &t, &r->arena, &grant, e) != 0) {
        struct err sub;
        err_clear(&sub);
        if (access_log_append(r->store, r->user.login, "refus", &t, NULL, &sub) != 0)
            fprintf(stderr, "warning: access refusal not logged: %s\n", err_code_name(sub.code));
        return -1;
    }
    if (access_log_for_person(r->store, &r->arena, person, &rows, &n, e) != 0)
        return -1;
    /* who accessed a person's file is personal data too: this reading is logged */
    if (access_log_append(r->store, r->user.login, "lecture", &t, grant, e) != 0)
        return -1;
    arr = json_array();
    for (size_t i = 0; i < n; i++) {
        char at[40];
        paris_format_instant(rows[i].at, at, sizeof(at));
        json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "seq",
                                             (json_int_t)rows[i].seq, "date", at, "agent",
                                             rows[i].login, "action", rows[i].action, "objet_type",
                                             rows[i].object_type, "objet_id", rows[i].object_id,
                                             "droit", rows[i].grant_used));
    }
    return http_json(
        r, 200,
        json_pack("{s:s, s:I, s:o}", "personne", person, "nombre", (json_int_t)n, "acces", arr));
}

const struct http_route api_catalog_routes[] = {
    {HTTP_GET, "/api/dispositifs", HTTP_API, HTTP_BODY_NONE, .auth = true, .params = list_params,
     .nparams = ARRAY_SIZE(list_params), .handler = dispositif_list,
     .summary = "le catalogue des dispositifs"},
    {HTTP_GET, "/api/dispositifs/:code", HTTP_API, HTTP_BODY_NONE, .auth = true,
     .params = show_params, .nparams = ARRAY_SIZE(show_params), .handler = dispositif_show,
     .summary = "un dispositif : faits, paramètres datés, règles, circuit"},
    {HTTP_GET, "/api/journal-acces/personnes/:id", HTTP_API, HTTP_BODY_NONE, .auth = true,
     .capability = "journal_acces.lire", .object = "journal_acces", .params = log_params,
     .nparams = ARRAY_SIZE(log_params), .handler = access_log,
     .summary = "qui a consulté la fiche d'une personne (délégué à la protection des données)"},
};
const size_t api_catalog_nroutes = ARRAY_SIZE(api_catalog_routes);

/*
 * api_commission.c: /api/seances, the sessions of the commissions that
 * decide on dossiers: create one, read it with its agenda, record its
 * decisions in one batch (all or nothing), close it with its minutes, and
 * print its procès-verbal. Dossiers are put on the agenda by the dossier
 * operation inscrire_commission (api_dossier.c).
 */
#include "core/compat.h"
#include "http/api.h"

#include "case/view.h"
#include "core/strbuf.h"
#include "http/response.h"

static const struct http_param id_params[] = {
    {"id", HTTP_IN_PATH, HTTP_T_ID, true, .doc = "identifiant de la séance (S0000001)"},
};

/* ---- POST /api/seances ---- */

static const struct http_param create_params[] = {
    {"commission", HTTP_IN_BODY, HTTP_T_TEXT, true, .max_len = 200,
     .doc = "libellé de la commission (commission secours d'urgence du Calaisis)"},
    {"date", HTTP_IN_BODY, HTTP_T_DATE, true, .doc = "date de la séance AAAA-MM-JJ"},
    {"president", HTTP_IN_BODY, HTTP_T_TEXT, true, .max_len = 200,
     .doc = "nom de l'élu qui préside"},
    {"site", HTTP_IN_BODY, HTTP_T_SITE, true, .doc = "site de la séance (mds:calaisis)"},
};

struct create_arg {
    const char *commission, *date, *chair, *site, *id;
};

static int do_create(struct case_ctx *c, void *arg, struct err *e)
{
    struct create_arg *a = arg;
    return case_session_create(c, NULL, a->commission, a->date, a->chair, a->site, &a->id, e);
}

static int session_create(struct http_request *r, struct err *e)
{
    struct create_arg a = {
        .commission = http_str(r, "commission"),
        .date = http_str(r, "date"),
        .chair = http_str(r, "president"),
        .site = http_str(r, "site"),
    };

    if (api_run(r, do_create, &a, e) != 0)
        return -1;
    return api_created(r, arena_printf(&r->arena, "/api/seances/%s", a.id),
                       json_pack("{s:s}", "id", a.id));
}

/* ---- GET /api/seances/:id ---- */

static int session_get(struct http_request *r, struct err *e)
{
    struct case_session s;

    if (case_session_get(http_case(r), http_str(r, "id"), &s, e) != 0)
        return -1;
    return http_json(r, 200, case_session_json(&s));
}

/* ---- POST /api/seances/:id/decisions ---- */

/* One decision of the batch: validated like a body of its own. */
static const struct http_param decision_params[] = {
    {"dossier", HTTP_IN_BODY, HTTP_T_ID, true, .doc = "dossier inscrit à l'ordre du jour"},
    {"decision", HTTP_IN_BODY, HTTP_T_CHOICE, true, .choices = catalog_outcome_codes,
     .doc = "accord, refus, ajournement ou sans_suite"},
    {"montant", HTTP_IN_BODY, HTTP_T_MONEY, false, .doc = "montant accordé en euros (\"150,00\")"},
    {"motif", HTTP_IN_BODY, HTTP_T_TEXT, false, .max_len = 2000, .doc = "motif de la décision"},
    {"droit_du", HTTP_IN_BODY, HTTP_T_DATE, false, .doc = "début de la période de droit"},
    {"droit_au", HTTP_IN_BODY, HTTP_T_DATE, false, .doc = "fin de la période de droit"},
};

static const struct http_param decide_params[] = {
    {"id", HTTP_IN_PATH, HTTP_T_ID, true, .doc = "identifiant de la séance (S0000001)"},
    {"decisions", HTTP_IN_BODY, HTTP_T_ARRAY, true, .max_len = 500,
     .doc = "les décisions : [{\"dossier\": \"D0000001\", \"decision\": \"accord\", "
            "\"montant\": \"150,00\"}, ...]"},
};

struct decide_arg {
    const char *session;
    struct case_batch_decision *d;
    size_t n;
};

static int do_decide(struct case_ctx *c, void *arg, struct err *e)
{
    struct decide_arg *a = arg;
    return case_session_decide(c, a->session, a->d, a->n, e);
}

static int session_decide(struct http_request *r, struct err *e)
{
    json_t *arr = http_jsonv(r, "decisions"), *item;
    const size_t np = ARRAY_SIZE(decision_params);
    struct decide_arg a = {.session = http_str(r, "id")};
    json_t *out;
    size_t i;

    a.n = json_array_size(arr);
    if (a.n == 0)
        return err_set(e, ERR_USAGE, "champ « decisions » : aucune décision");
    a.d = arena_calloc(&r->arena, a.n, sizeof(*a.d));
    json_array_foreach(arr, i, item)
    {
        struct http_value *v = arena_calloc(&r->arena, np, sizeof(*v));
        struct case_op_input *in = &a.d[i].in;
        const char *where = arena_printf(&r->arena, "décision %zu : ", i + 1);
        if (http_validate_object(&r->arena, decision_params, np, item, v, where, e) != 0)
            return -1;
        a.d[i].dossier = http_obj_str(decision_params, np, v, "dossier");
        in->outcome = http_obj_str(decision_params, np, v, "decision");
        in->amount = http_obj_str(decision_params, np, v, "montant");
        in->motive = http_obj_str(decision_params, np, v, "motif");
        in->right_from = http_obj_str(decision_params, np, v, "droit_du");
        in->right_to = http_obj_str(decision_params, np, v, "droit_au");
        if (!!in->right_from != !!in->right_to)
            return err_set(e, ERR_USAGE, "%sdroit_du et droit_au vont ensemble", where);
    }
    if (api_run(r, do_decide, &a, e) != 0)
        return -1;
    out = json_array();
    for (i = 0; i < a.n; i++)
        json_array_append_new(
            out, json_pack("{s:s, s:s}", "dossier", a.d[i].dossier, "decision", a.d[i].in.outcome));
    return http_json(r, 200, json_pack("{s:s, s:o}", "seance", a.session, "decisions", out));
}

/* ---- POST /api/seances/:id/cloture ---- */

static const struct http_param close_params[] = {
    {"id", HTTP_IN_PATH, HTTP_T_ID, true, .doc = "identifiant de la séance (S0000001)"},
    {"proces_verbal", HTTP_IN_BODY, HTTP_T_TEXT, true, .max_len = 20000,
     .doc = "texte du procès-verbal de la séance"},
};

struct close_arg {
    const char *session, *minutes;
};

static int do_close(struct case_ctx *c, void *arg, struct err *e)
{
    struct close_arg *a = arg;
    return case_session_close(c, a->session, a->minutes, e);
}

static int session_close(struct http_request *r, struct err *e)
{
    struct close_arg a = {http_str(r, "id"), http_str(r, "proces_verbal")};

    if (api_run(r, do_close, &a, e) != 0)
        return -1;
    return http_json(r, 200, json_pack("{s:s, s:s}", "id", a.session, "etat", "close"));
}

/* ---- GET /api/seances/:id/proces-verbal ---- */

static int session_minutes(struct http_request *r, struct err *e)
{
    struct strbuf sb;
    int rc;

    strbuf_init(&sb, 4u << 20);
    rc = case_session_minutes(http_case(r), http_str(r, "id"), &sb, e);
    if (rc == 0)
        http_text(r, 200, "text/plain; charset=utf-8", sb.buf, sb.len);
    strbuf_release(&sb);
    return rc;
}

const struct http_route api_commission_routes[] = {
    {HTTP_POST, "/api/seances", HTTP_API, HTTP_BODY_JSON, .auth = true,
     .capability = "commission.gerer", .object = "seance", .params = create_params,
     .nparams = ARRAY_SIZE(create_params), .handler = session_create,
     .summary = "créer une séance de commission"},
    {HTTP_GET, "/api/seances/:id", HTTP_API, HTTP_BODY_NONE, .auth = true,
     .capability = "dossier.lire", .object = "seance", .params = id_params,
     .nparams = ARRAY_SIZE(id_params), .handler = session_get,
     .summary = "lire une séance et son ordre du jour"},
    {HTTP_POST, "/api/seances/:id/decisions", HTTP_API, HTTP_BODY_JSON, .auth = true,
     .capability = "commission.gerer", .object = "seance", .params = decide_params,
     .nparams = ARRAY_SIZE(decide_params), .handler = session_decide,
     .summary = "enregistrer les décisions de la séance (tout ou rien)"},
    {HTTP_POST, "/api/seances/:id/cloture", HTTP_API, HTTP_BODY_JSON, .auth = true,
     .capability = "commission.gerer", .object = "seance", .params = close_params,
     .nparams = ARRAY_SIZE(close_params), .handler = session_close,
     .summary = "clore la séance avec son procès-verbal"},
    {HTTP_GET, "/api/seances/:id/proces-verbal", HTTP_API, HTTP_BODY_NONE, .auth = true,
     .capability = "dossier.lire", .object = "seance", .params = id_params,
     .nparams = ARRAY_SIZE(id_params), .handler = session_minutes,
     .summary = "procès-verbal imprimable de la séance (texte)"},
};
const size_t api_commission_nroutes = ARRAY_SIZE(api_commission_routes);

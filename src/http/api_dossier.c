/*
 * api_dossier.c: /api/dossiers (open, read with the operations the agent
 * may perform now, perform one operation of the workflow) and /api/actes
 * (record an act). Each write is one case operation (api_run): all done or
 * nothing written, a refusal logged.
 */
#include "core/compat.h"
#include "http/api.h"

#include "case/run.h"
#include "case/view.h"
#include "http/response.h"

static const struct http_param id_params[] = {
    {"id", HTTP_IN_PATH, HTTP_T_ID, true, .doc = "identifiant du dossier (D0000042)"},
};

/* ---- POST /api/dossiers ---- */

static const struct http_param open_params[] = {
    {"dispositif", HTTP_IN_BODY, HTTP_T_CODE, true,
     .doc = "code du dispositif au catalogue (secours_urgence) : GET /api/dispositifs"},
    {"beneficiaire", HTTP_IN_BODY, HTTP_T_ID, true,
     .doc = "personne, foyer, organisation ou commune bénéficiaire"},
    {"personne", HTTP_IN_BODY, HTTP_T_ID, false,
     .doc = "pour un foyer bénéficiaire : la personne qui demande"},
    {"site", HTTP_IN_BODY, HTTP_T_SITE, false,
     .doc = "site qui instruit (mds:calaisis) ; par défaut la règle du dispositif"},
    {"date", HTTP_IN_BODY, HTTP_T_DATE, false,
     .doc = "date de la demande AAAA-MM-JJ (aujourd'hui par défaut)"},
    {"faits", HTTP_IN_BODY, HTTP_T_OBJECT, false,
     .doc = "faits du dispositif : {\"montant_demande\": \"150,00\", \"besoin\": \"energie\"}"},
};

struct open_arg {
    struct case_open_input in;
    const char *id, *dispositif, *state, *payment;
};

static int do_open(struct case_ctx *c, void *arg, struct err *e)
{
    struct open_arg *a = arg;

    if (case_dossier_open(c, &a->in, &a->id, e) != 0)
        return -1;
    return case_dossier_state(c, a->id, &a->dispositif, &a->state, &a->payment, e);
}

static int dossier_open(struct http_request *r, struct err *e)
{
    struct open_arg a;

    memset(&a, 0, sizeof(a));
    a.in.dispositif = http_str(r, "dispositif");
    a.in.beneficiary = http_str(r, "beneficiaire");
    a.in.person = http_str(r, "personne");
    a.in.site = http_str(r, "site");
    a.in.date = http_str(r, "date");
    a.in.facts = http_jsonv(r, "faits");
    if (!catalog_find(&r->app->cat, a.in.dispositif)) {
        err_set(e, ERR_NOT_FOUND, "dispositif inconnu : « %s »", a.in.dispositif);
        return err_hint(e, "GET /api/dispositifs liste les dispositifs et leurs codes");
    }
    if (api_run(r, do_open, &a, e) != 0)
        return -1;
    return api_created(r, arena_printf(&r->arena, "/api/dossiers/%s", a.id),
                       json_pack("{s:s, s:s, s:s, s:s}", "id", a.id, "dispositif", a.dispositif,
                                 "etat", a.state, "etat_libelle",
                                 case_state_label(&r->app->cat, a.dispositif, a.state)));
}

/* ---- GET /api/dossiers/:id ---- */

/*
 * The answer is kept for the agent (cache.h) with what the access check
 * needs, and served again while the journal's head and the authorisation
 * generation read in this request are the ones it was written under: the
 * check and the access-log row are done for every read, as when the
 * dossier is read from the store.
 */
static int dossier_get(struct http_request *r, struct err *e)
{
    struct case_ctx *c = http_case(r);
    const char *id = http_str(r, "id");
    bool cacheable = r->has_stamps && r->has_session && r->app->cache;
    enum catalog_op ops[OP__COUNT];
    size_t nops = OP__COUNT;
    struct http_cached_dossier cd;
    struct case_dossier d;
    const char *colon;
    int rc;

    if (cacheable &&
        http_cache_dossier_get(r->app->cache, id, r->user.login, &r->stamps, &r->arena, &cd)) {
        if (case_dossier_authorize_read(c, id, cd.site_grid, cd.site_code,
                                        (enum data_class)cd.data_class,
                                        *cd.person ? cd.person : NULL, e) != 0)
            return -1;
        store_end_read(r->store);
        strbuf_add(http_json_start(r, 200), cd.json, cd.json_len);
        return http_json_finish(r, 0);
    }
    if (case_dossier_get(c, id, &d, e) != 0)
        return -1;
    store_end_read(r->store);
    if (case_dossier_allowed_ops(c, &d, ops, &nops) != 0)
        nops = 0;
    rc = case_dossier_json_write(http_json_start(r, 200), &r->app->cat, &d, ops, nops);
    colon = d.site ? strchr(d.site, ':') : NULL;
    if (cacheable && rc == 0 && !r->res.body.failed && colon && !strcmp(d.id, id)) {
        cd.site_grid = arena_strndup(&r->arena, d.site, (size_t)(colon - d.site));
        cd.site_code = colon + 1;
        cd.person = d.person ? d.person : "";
        cd.data_class = (int)d.data_class;
        cd.json = r->res.body.buf;
        cd.json_len = r->res.body.len;
        http_cache_dossier_put(r->app->cache, id, r->user.login, &r->stamps, &cd);
    }
    case_dossier_release(&d);
    return http_json_finish(r, rc);
}

/* ---- POST /api/dossiers/:id/operations/:op ---- */

static const struct http_param op_params[] = {
    {"id", HTTP_IN_PATH, HTTP_T_ID, true, .doc = "identifiant du dossier (D0000042)"},
    {"op", HTTP_IN_PATH, HTTP_T_CHOICE, true, .choices = catalog_op_codes + 1 /* not ouvrir */,
     .doc = "opération du circuit (operations_possibles du dossier)"},
    {"date", HTTP_IN_BODY, HTTP_T_DATE, false,
     .doc = "date de l'opération AAAA-MM-JJ (aujourd'hui par défaut)"},
    {"motif", HTTP_IN_BODY, HTTP_T_TEXT, false, .max_len = 2000,
     .doc = "motif (obligatoire pour un refus, un ajournement, un classement sans suite, "
            "clore, rouvrir, former_recours)"},
    {"decision", HTTP_IN_BODY, HTTP_T_CHOICE, false, .choices = catalog_outcome_codes,
     .doc = "decider : accord, refus, ajournement ou sans_suite"},
    {"montant", HTTP_IN_BODY, HTTP_T_MONEY, false,
     .doc = "decider (accord) et payer : montant en euros (\"150,00\")"},
    {"droit_du", HTTP_IN_BODY, HTTP_T_DATE, false,
     .doc = "decider : début de la période de droit AAAA-MM-JJ (avec droit_au)"},
    {"droit_au", HTTP_IN_BODY, HTTP_T_DATE, false,
     .doc = "decider : fin de la période de droit AAAA-MM-JJ (avec droit_du)"},
    {"seance", HTTP_IN_BODY, HTTP_T_ID, false,
     .doc = "inscrire_commission : la séance de commission (S0000001)"},
    {"faits", HTTP_IN_BODY, HTTP_T_OBJECT, false,
     .doc = "completer, instruire : faits ajoutés ou corrigés"},
    {"pieces", HTTP_IN_BODY, HTTP_T_ARRAY, false, .max_len = 20,
     .doc = "demander_pieces : les pièces demandées, en texte"},
};

/* What an operation needs besides the dossier (the rest the engine checks). */
static const struct {
    enum catalog_op op;
    const char *field;
} op_needs[] = {
    {OP_DEMANDER_PIECES, "pieces"},     {OP_COMPLETER, "faits"},
    {OP_DECIDER, "decision"},           {OP_PAYER, "montant"},
    {OP_INSCRIRE_COMMISSION, "seance"},
};

struct op_arg {
    const char *id;
    enum catalog_op op;
    struct case_op_input in;
    const char *dispositif, *state, *payment;
};

static int do_op(struct case_ctx *c, void *arg, struct err *e)
{
    struct op_arg *a = arg;

    if (case_dossier_op(c, a->id, a->op, &a->in, e) != 0)
        return -1;
    return case_dossier_state(c, a->id, &a->dispositif, &a->state, &a->payment, e);
}

/* The documents asked for, as the case layer takes them: an array of texts. */
static int pieces_check(json_t *pieces, struct err *e)
{
    size_t i;
    json_t *v;

    if (json_array_size(pieces) == 0)
        return err_set(e, ERR_USAGE, "champ « pieces » : donnez au moins une pièce demandée");
    json_array_foreach(pieces, i, v)
    {
        if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 200)
            return err_set(e, ERR_USAGE,
                           "champ « pieces », élément %zu : texte de 1 à 200 octets attendu",
                           i + 1);
    }
    return 0;
}

static int dossier_op(struct http_request *r, struct err *e)
{
    struct op_arg a;
    json_t *doc;

    memset(&a, 0, sizeof(a));
    a.id = http_str(r, "id");
    if (catalog_op_from_code(http_str(r, "op"), &a.op) != 0)
        return err_set(e, ERR_USAGE, "opération inconnue : « %s »", http_str(r, "op"));
    for (size_t i = 0; i < ARRAY_SIZE(op_needs); i++)
        if (op_needs[i].op == a.op && !http_value(r, op_needs[i].field)) {
            err_set(e, ERR_USAGE, "champ « %s » manquant pour l'opération %s", op_needs[i].field,
                    catalog_op_code(a.op));
            return err_hint(e, "voir docs/openapi.yaml, opération %s", catalog_op_code(a.op));
        }
    a.in.date = http_str(r, "date");
    a.in.motive = http_str(r, "motif");
    a.in.outcome = http_str(r, "decision");
    a.in.amount = http_str(r, "montant");
    a.in.right_from = http_str(r, "droit_du");
    a.in.right_to = http_str(r, "droit_au");
    a.in.session = http_str(r, "seance");
    if (!!a.in.right_from != !!a.in.right_to)
        return err_set(e, ERR_USAGE, "droit_du et droit_au vont ensemble : donnez les deux");
    if (a.op == OP_DEMANDER_PIECES) {
        if (pieces_check(http_jsonv(r, "pieces"), e) != 0)
            return -1;
        a.in.facts = http_jsonv(r, "pieces");
    } else {
        a.in.facts = http_jsonv(r, "faits");
    }
    if (api_run(r, do_op, &a, e) != 0)
        return -1;
    doc = json_pack("{s:s, s:s, s:s, s:s}", "dossier", a.id, "operation", catalog_op_code(a.op),
                    "etat", a.state, "etat_libelle",
                    case_state_label(&r->app->cat, a.dispositif, a.state));
    if (doc && a.op == OP_PAYER && a.payment)
        json_object_set_new(doc, "versement", json_string(a.payment));
    return http_json(r, 200, doc);
}

/* ---- POST /api/actes ---- */

static const struct http_param act_params[] = {
    {"dispositif", HTTP_IN_BODY, HTTP_T_CODE, true,
     .doc = "code d'un dispositif de nature « acte » (accueil_physique)"},
    {"site", HTTP_IN_BODY, HTTP_T_SITE, false,
     .doc = "site de l'acte (mds:calaisis) ; par défaut le seul site de l'agent"},
    {"personne", HTTP_IN_BODY, HTTP_T_ID, false, .doc = "la personne concernée, s'il y en a une"},
    {"date", HTTP_IN_BODY, HTTP_T_DATE, false,
     .doc = "date de l'acte AAAA-MM-JJ (aujourd'hui par défaut)"},
    {"faits", HTTP_IN_BODY, HTTP_T_OBJECT, false, .doc = "faits du dispositif"},
};

struct act_arg {
    struct case_act_input in;
    const char *id;
};

static int do_act(struct case_ctx *c, void *arg, struct err *e)
{
    struct act_arg *a = arg;
    return case_act_record(c, &a->in, &a->id, e);
}

static int act_record(struct http_request *r, struct err *e)
{
    const struct catalog_dispositif *d;
    struct act_arg a;

    memset(&a, 0, sizeof(a));
    a.in.dispositif = http_str(r, "dispositif");
    a.in.site = http_str(r, "site");
    a.in.person = http_str(r, "personne");
    a.in.date = http_str(r, "date");
    a.in.facts = http_jsonv(r, "faits");
    d = catalog_find(&r->app->cat, a.in.dispositif);
    if (!d) {
        err_set(e, ERR_NOT_FOUND, "dispositif inconnu : « %s »", a.in.dispositif);
        return err_hint(e, "GET /api/dispositifs liste les dispositifs et leurs codes");
    }
    if (d->nature != NATURE_ACTE) {
        err_set(e, ERR_INVALID,
                "le dispositif %s (%s) est de nature « %s » : il s'ouvre en dossier, pas en acte",
                d->code, d->label, catalog_nature_label(d->nature));
        return err_hint(e, "ouvrez un dossier : POST /api/dossiers");
    }
    if (api_run(r, do_act, &a, e) != 0)
        return -1;
    return http_json(r, 201, json_pack("{s:s, s:s}", "id", a.id, "dispositif", d->code));
}

const struct http_route api_dossier_routes[] = {
    {HTTP_POST, "/api/dossiers", HTTP_API, HTTP_BODY_JSON, .auth = true,
     .capability = "dossier.ecrire", .object = "dossier", .params = open_params,
     .nparams = ARRAY_SIZE(open_params), .handler = dossier_open,
     .summary = "ouvrir un dossier d'un dispositif"},
    {HTTP_GET, "/api/dossiers/:id", HTTP_API, HTTP_BODY_NONE, .auth = true,
     .capability = "dossier.lire", .object = "dossier", .params = id_params,
     .nparams = ARRAY_SIZE(id_params), .handler = dossier_get, .read_only = true,
     .summary = "lire un dossier, son historique et les opérations permises (lecture journalisée)"},
    {HTTP_POST, "/api/dossiers/:id/operations/:op", HTTP_API, HTTP_BODY_JSON, .auth = true,
     .capability = "dossier.ecrire", .object = "dossier", .params = op_params,
     .nparams = ARRAY_SIZE(op_params), .handler = dossier_op,
     .summary = "effectuer une opération du circuit (instruire, decider, payer...)"},
    {HTTP_POST, "/api/actes", HTTP_API, HTTP_BODY_JSON, .auth = true,
     .capability = "acte.enregistrer", .object = "acte", .params = act_params,
     .nparams = ARRAY_SIZE(act_params), .handler = act_record,
     .summary = "enregistrer un acte (accueil, appel, consultation...)"},
};
const size_t api_dossier_nroutes = ARRAY_SIZE(api_dossier_routes);

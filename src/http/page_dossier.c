/*
 * page_dossier.c: a dossier's page (/dossiers/:id): state, facts, history,
 * decisions, payments, and one form for each operation the agent may
 * perform now (case_dossier_allowed_ops: the workflow's transitions from the
 * current state that one of the agent's roles may take), with the fields
 * the operation needs. POST /dossiers/:id/operations/:op performs it as
 * one case operation and answers 303 back to the dossier (redirect after
 * post); a refused or invalid operation renders the page again with the
 * error summary and the messages next to the fields.
 *
 * The operation that moves the dossier forward (instruction, decision,
 * notification, payment...) comes first as the next step; the others
 * (documents, closing, appeal) follow. The decision form states what the
 * catalogue's rules say today: each condition of an accord, met or not, and
 * the highest amount the amount rule allows (evaluated here for display
 * only: the engine checks them again when deciding).
 *
 * Form fields are named "<op>-<field>" ("decider-montant") so that each
 * label, message and link of the summary points at one field of the page.
 */
#include "core/compat.h"
#include "http/page.h"

#include "core/money.h"
#include "case/run.h"
#include "case/view.h"
#include "http/response.h"

static const struct http_param id_params[] = {
    {"id", HTTP_IN_PATH, HTTP_T_ID, true, .doc = "identifiant du dossier (D0000042)"},
    {"fait", HTTP_IN_QUERY, HTTP_T_CHOICE, false, .choices = catalog_op_codes,
     .doc = "l'opération qui vient d'être effectuée"},
};

static const struct http_param op_params[] = {
    {"id", HTTP_IN_PATH, HTTP_T_ID, true, .doc = "identifiant du dossier (D0000042)"},
    {"op", HTTP_IN_PATH, HTTP_T_CHOICE, true, .choices = catalog_op_codes + 1 /* not ouvrir */,
     .doc = "opération du circuit"},
    /* the fields come as <op>-<field>, read from the form (page_form_value) */
};

static const char *fid(struct http_request *r, enum catalog_op op, const char *field)
{
    return arena_printf(&r->arena, "%s-%s", catalog_op_code(op), field);
}

static bool needs_motive(enum catalog_op op)
{
    return op == OP_DECIDER || op == OP_CLORE || op == OP_ROUVRIR || op == OP_FORMER_RECOURS;
}

static const char *op_title(enum catalog_op op)
{
    switch (op) {
    case OP_DEMANDER_PIECES:
        return "Demander des pièces";
    case OP_COMPLETER:
        return "Enregistrer les pièces reçues";
    case OP_INSTRUIRE:
        return "Terminer l'instruction";
    case OP_INSCRIRE_COMMISSION:
        return "Inscrire en commission";
    case OP_DECIDER:
        return "Enregistrer la décision";
    case OP_NOTIFIER:
        return "Notifier la décision";
    case OP_PAYER:
        return "Enregistrer un paiement";
    case OP_DEBUTER_MESURE:
        return "Débuter la mesure";
    case OP_TERMINER_MESURE:
        return "Terminer la mesure";
    case OP_CLORE:
        return "Clore le dossier";
    case OP_ROUVRIR:
        return "Rouvrir le dossier";
    case OP_FORMER_RECOURS:
        return "Enregistrer un recours";
    default:
        return catalog_op_label(op);
    }
}

/* What was just done, for the confirmation message. */
static const char *op_done(enum catalog_op op)
{
    switch (op) {
    case OP_DEMANDER_PIECES:
        return "Pièces demandées : le dossier attend les justificatifs.";
    case OP_COMPLETER:
        return "Pièces reçues enregistrées.";
    case OP_INSTRUIRE:
        return "Instruction terminée : le dossier peut être décidé.";
    case OP_INSCRIRE_COMMISSION:
        return "Dossier inscrit à l'ordre du jour de la séance.";
    case OP_DECIDER:
        return "Décision enregistrée.";
    case OP_NOTIFIER:
        return "Notification de la décision enregistrée.";
    case OP_PAYER:
        return "Paiement enregistré.";
    case OP_DEBUTER_MESURE:
        return "Début de la mesure enregistré.";
    case OP_TERMINER_MESURE:
        return "Fin de la mesure enregistrée.";
    case OP_CLORE:
        return "Dossier clos.";
    case OP_ROUVRIR:
        return "Dossier rouvert.";
    case OP_FORMER_RECOURS:
        return "Recours enregistré : le dossier sera décidé à nouveau.";
    default:
        return "Opération enregistrée.";
    }
}

/* What the operation means, in one sentence for the agent. */
static const char *op_help(enum catalog_op op)
{
    switch (op) {
    case OP_DEMANDER_PIECES:
        return "Le dossier attend des justificatifs : il passe « en attente de pièces ».";
    case OP_COMPLETER:
        return "Les pièces demandées sont arrivées : le dossier reprend son instruction.";
    case OP_INSTRUIRE:
        return "La demande est complète et la situation évaluée : le dossier est prêt à être "
               "décidé.";
    case OP_INSCRIRE_COMMISSION:
        return "Le dossier instruit est mis à l'ordre du jour d'une séance de commission.";
    case OP_DECIDER:
        return "Accord (avec son montant), refus, ajournement ou classement sans suite.";
    case OP_NOTIFIER:
        return "La décision a été communiquée au demandeur (courrier ou remise en main "
               "propre).";
    case OP_PAYER:
        return "Le versement est ordonné ; le total versé ne peut dépasser le montant accordé.";
    case OP_DEBUTER_MESURE:
        return "La mesure ou le droit commence à la date indiquée.";
    case OP_TERMINER_MESURE:
        return "La mesure ou le droit prend fin à la date indiquée.";
    case OP_CLORE:
        return "Le dossier est terminé.";
    case OP_ROUVRIR:
        return "Le dossier revient à l'état déposé.";
    case OP_FORMER_RECOURS:
        return "Le demandeur conteste le refus : le dossier sera décidé à nouveau.";
    default:
        return NULL;
    }
}

/* Does op move the dossier forward on its main path (the next step to offer first)? */
static bool op_forward(enum catalog_op op)
{
    return op == OP_INSTRUIRE || op == OP_COMPLETER || op == OP_INSCRIRE_COMMISSION ||
           op == OP_DECIDER || op == OP_NOTIFIER || op == OP_PAYER || op == OP_DEBUTER_MESURE ||
           op == OP_TERMINER_MESURE;
}

/* ---- the rules, evaluated for display ---- */

/* The environment of d's rules for a decision today; false when it cannot be built. */
static bool env_init(struct http_request *r, const struct case_dossier *d,
                     const struct catalog_dispositif *disp, struct case_rule_env *env)
{
    struct err e;

    memset(env, 0, sizeof(*env));
    env->d = disp;
    env->facts = d->facts;
    env->decided = http_case(r)->today;
    err_clear(&e);
    if (!d->opened || date_parse_iso(d->opened, strlen(d->opened), &env->requested, &e) != 0)
        return false;
    if (d->person) {
        struct store_stmt *q =
            store_prepare(r->store, "SELECT birth_date, sex FROM person WHERE id = ?", &e);
        if (!q)
            return false;
        store_bind_text(q, 1, d->person);
        if (store_step(q, &e) == STORE_ROW) {
            const char *birth = store_column_text(q, 0);
            env->sex = arena_strdup(&r->arena, store_column_text(q, 1));
            env->has_birth = birth && date_parse_iso(birth, strlen(birth), &env->birth, &e) == 0;
        }
        store_finalize(q);
    }
    return true;
}

/*
 * The conditions of an accord, each met or not today, as a list; and the
 * highest amount the amount rule allows (*max, -1 when none or not known).
 */
static void decision_rules(struct page *p, const struct case_dossier *d, int64_t *max)
{
    struct http_request *r = p->r;
    const struct catalog_dispositif *disp = catalog_find(&r->app->cat, d->dispositif);
    const char *params;
    struct case_rule_env env;
    struct rules_value v;
    struct err e;

    *max = -1;
    if (!disp || !env_init(r, d, disp, &env))
        return;
    params = page_params_in_force(r, disp, env.decided);
    if (*params)
        PAGE_TPL(p, "<h4>Règles en vigueur aujourd'hui</h4>\n{{p}}", {"p", params, true});
    if (disp->neligibility) {
        page_html(p, "<h4>Conditions d'un accord</h4>\n<ul class=\"conditions\">\n");
        for (size_t i = 0; i < disp->neligibility; i++) {
            const struct catalog_rule *rule = &disp->eligibility[i];
            err_clear(&e);
            if (rules_eval(rule->expr, case_rule_value, &env, &v, &e) != 0 || v.type != RULES_BOOL)
                PAGE_TPL(p,
                         "<li class=\"condition-inconnue\">À vérifier : {{m}} (faits "
                         "manquants)</li>\n",
                         {"m", rule->label ? rule->label : rule->message, false});
            else if (v.u.b && rule->label)
                PAGE_TPL(p, "<li class=\"condition-remplie\">Condition remplie : {{l}}</li>\n",
                         {"l", rule->label, false});
            else if (v.u.b)
                PAGE_TPL(p,
                         "<li class=\"condition-remplie\">Condition remplie : "
                         "<code>{{src}}</code></li>\n",
                         {"src", rules_expr_source(rule->expr), false});
            else
                PAGE_TPL(p,
                         "<li class=\"condition-non-remplie\"><strong>Non remplie :</strong> "
                         "{{m}} ; un accord est impossible, décidez un refus motivé</li>\n",
                         {"m", rule->message, false});
        }
        page_html(p, "</ul>\n");
    }
    if (disp->amount) {
        err_clear(&e);
        if (rules_eval(disp->amount, case_rule_value, &env, &v, &e) == 0 && v.type == RULES_MONEY)
            *max = v.u.i;
    }
}

/* The outcomes the dossier's decider transition allows from its state. */
static size_t allowed_outcomes(const struct catalog *cat, const struct case_dossier *d,
                               const char **codes, const char **labels)
{
    const struct catalog_dispositif *disp = catalog_find(cat, d->dispositif);
    size_t n = 0;

    if (!disp || !disp->workflow)
        return 0;
    for (size_t t = 0; t < disp->workflow->ntransitions; t++) {
        const struct catalog_transition *tr = &disp->workflow->transitions[t];
        bool from = false;
        if (tr->op != OP_DECIDER)
            continue;
        for (size_t k = 0; k < tr->nfrom; k++)
            if (!strcmp(tr->from[k], d->state))
                from = true;
        if (!from)
            continue;
        for (int o = 0; o < OUTCOME__COUNT; o++)
            if (tr->to_outcome[o]) {
                codes[n] = catalog_outcome_code((enum catalog_outcome)o);
                labels[n++] = catalog_outcome_label((enum catalog_outcome)o);
            }
        break;
    }
    return n;
}

static const char *posted(struct http_request *r, enum catalog_op op, enum catalog_op failed,
                          const char *field)
{
    return op == failed && r->route->method == HTTP_POST ? page_form_value(r, fid(r, op, field))
                                                         : NULL;
}

static void text_field(struct page *p, const struct page_form *f, enum catalog_op op,
                       enum catalog_op failed, const char *field, const char *type,
                       const char *label, const char *hint, const char *def)
{
    struct http_request *r = p->r;
    const char *id = fid(r, op, field), *v = posted(r, op, failed, field);

    page_field(p, f, id, label, hint,
               PAGE_RENDER(
                   r, "<input type=\"{{t}}\"{{a}} value=\"{{v}}\"{{cls}}>\n", {"t", type, false},
                   {"a", page_input_attrs(r, f, id, hint != NULL), true}, {"v", v ? v : def, false},
                   {"cls", strcmp(type, "text") ? "" : " class=\"court\"", true}));
}

/* Open sessions of the dossier's site, for inscrire_commission: a <select>'s options. */
static const char *session_options(struct http_request *r, const struct case_dossier *d,
                                   const char *selected)
{
    const char *codes[64], *labels[64];
    size_t n = 0;
    const char *colon = d->site ? strchr(d->site, ':') : NULL;
    struct err e;
    struct store_stmt *q;

    err_clear(&e);
    q = store_prepare(r->store,
                      "SELECT id, commission, session_date FROM commission_session WHERE state = "
                      "'prevue' AND site_grid = ? AND site_code = ? ORDER BY session_date, id",
                      &e);
    if (q && colon) {
        store_bind_text(q, 1, arena_strndup(&r->arena, d->site, (size_t)(colon - d->site)));
        store_bind_text(q, 2, colon + 1);
        while (n < ARRAY_SIZE(codes) && store_step(q, &e) == STORE_ROW) {
            codes[n] = arena_strdup(&r->arena, store_column_text(q, 0));
            labels[n] = arena_printf(&r->arena, "%s du %s (%s)", store_column_text(q, 1),
                                     page_date(r, store_column_text(q, 2)), codes[n]);
            n++;
        }
    }
    if (q)
        store_finalize(q);
    return page_options(r, codes, labels, n, selected,
                        n ? "Choisir la séance" : "Aucune séance prévue sur ce site");
}

static void op_form(struct page *p, const struct case_dossier *d, enum catalog_op op,
                    const struct page_form *f, enum catalog_op failed, bool next)
{
    struct http_request *r = p->r;
    const struct page_form *ff = op == failed ? f : NULL;
    const char *code = catalog_op_code(op);
    const struct catalog_dispositif *disp = catalog_find(&r->app->cat, d->dispositif);
    int64_t max = -1;

    PAGE_TPL(p,
             "<section class=\"carte operation{{cls}}\" aria-labelledby=\"titre-{{op}}\">\n"
             "<h3 id=\"titre-{{op}}\">{{title}}</h3>\n<p>{{help}}</p>\n",
             {"cls", next ? " prochaine" : "", false}, {"op", code, false},
             {"title", op_title(op), false}, {"help", op_help(op), false});
    if (op == OP_DECIDER)
        decision_rules(p, d, &max);
    PAGE_TPL(p,
             "<form method=\"post\" action=\"/dossiers/{{id}}/operations/{{op}}\" "
             "class=\"formulaire\" novalidate>\n{{csrf}}",
             {"op", code, false}, {"id", d->id, false}, {"csrf", page_csrf(r), true});
    if (op == OP_DECIDER) {
        const char *codes[OUTCOME__COUNT], *labels[OUTCOME__COUNT];
        size_t n = allowed_outcomes(&r->app->cat, d, codes, labels);
        const char *id = fid(r, op, "decision");
        page_field(p, ff, id, "Décision", NULL,
                   PAGE_RENDER(r, "<select{{a}} required>\n{{o}}</select>\n",
                               {"a", page_input_attrs(r, ff, id, false), true},
                               {"o",
                                page_options(r, codes, labels, n, posted(r, op, failed, "decision"),
                                             "Choisir"),
                                true}));
    }
    if (op == OP_DECIDER || op == OP_PAYER) {
        const char *def = "";
        if (op == OP_PAYER && d->granted > d->paid) {
            struct strbuf sb;
            strbuf_init(&sb, 64);
            money_format_plain(&sb, d->granted - d->paid);
            for (char *q = sb.buf; *q; q++)
                if (*q == '.')
                    *q = ',';
            def = arena_strdup(&r->arena, sb.buf);
            strbuf_release(&sb);
        }
        const char *hint = "En euros, par exemple 150,00";
        if (op == OP_DECIDER && max >= 0)
            hint = arena_printf(&r->arena,
                                "En euros, par exemple 150,00 ; au plus %s, le montant que "
                                "calcule le règlement aujourd'hui",
                                page_money(r, max));
        else if (op == OP_PAYER && d->granted >= 0)
            hint = arena_printf(&r->arena, "En euros ; reste à verser : %s sur %s accordés",
                                page_money(r, d->granted > d->paid ? d->granted - d->paid : 0),
                                page_money(r, d->granted));
        text_field(p, ff, op, failed, "montant", "text",
                   op == OP_DECIDER ? "Montant accordé (pour un accord)" : "Montant versé", hint,
                   def);
    }
    if (op == OP_DECIDER && disp && disp->workflow &&
        catalog_workflow_has_op(disp->workflow, OP_DEBUTER_MESURE)) {
        text_field(p, ff, op, failed, "droit_du", "date", "Début du droit (facultatif)",
                   "Avec la fin du droit", "");
        text_field(p, ff, op, failed, "droit_au", "date", "Fin du droit (facultatif)", NULL, "");
    }
    if (op == OP_INSCRIRE_COMMISSION) {
        const char *id = fid(r, op, "seance");
        page_field(
            p, ff, id, "Séance de commission",
            "Les séances prévues sur le site du dossier ; une autre se prépare depuis "
            "la page des commissions",
            PAGE_RENDER(r, "<select{{a}}>\n{{o}}</select>\n",
                        {"a", page_input_attrs(r, ff, id, true), true},
                        {"o", session_options(r, d, posted(r, op, failed, "seance")), true}));
    }
    if (op == OP_DEMANDER_PIECES) {
        const char *id = fid(r, op, "pieces");
        page_field(p, ff, id, "Pièces demandées", "Une pièce par ligne",
                   PAGE_RENDER(r, "<textarea{{a}} rows=\"3\">{{v}}</textarea>\n",
                               {"a", page_input_attrs(r, ff, id, true), true},
                               {"v", posted(r, op, failed, "pieces"), false}));
    }
    if (needs_motive(op)) {
        const char *id = fid(r, op, "motif");
        page_field(p, ff, id,
                   op == OP_DECIDER ? "Motif (obligatoire sauf pour un accord)" : "Motif", NULL,
                   PAGE_RENDER(r, "<textarea{{a}} rows=\"2\">{{v}}</textarea>\n",
                               {"a", page_input_attrs(r, ff, id, false), true},
                               {"v", posted(r, op, failed, "motif"), false}));
    }
    text_field(p, ff, op, failed, "date", "date", "Date de l'opération",
               "Laissez vide pour aujourd'hui", "");
    PAGE_TPL(p, "<button type=\"submit\"{{cls}}>{{title}}</button>\n</form>\n</section>\n",
             {"cls", next ? "" : " class=\"secondaire\"", true}, {"title", op_title(op), false});
}

static const char *outcome_label(const char *code)
{
    enum catalog_outcome o;
    return code && catalog_outcome_from_code(code, &o) == 0 ? catalog_outcome_label(o) : code;
}

static const char *fact_text(struct http_request *r, json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        return json_string_value(v);
    case JSON_TRUE:
        return "oui";
    case JSON_FALSE:
        return "non";
    case JSON_INTEGER:
        return page_int(r, (int64_t)json_integer_value(v));
    default:
        return "";
    }
}

/* One text column of one row (arena), NULL when none or on error. */
static const char *query_text(struct http_request *r, const char *sql, const char *arg)
{
    struct err e;
    struct store_stmt *q;
    const char *out = NULL;

    err_clear(&e);
    q = store_prepare(r->store, sql, &e);
    if (!q)
        return NULL;
    store_bind_text(q, 1, arg);
    if (store_step(q, &e) == STORE_ROW && store_column_text(q, 0))
        out = arena_strdup(&r->arena, store_column_text(q, 0));
    store_finalize(q);
    return out;
}

static int dossier_page(struct http_request *r, int status, const struct page_form *f,
                        enum catalog_op failed, struct err *e)
{
    const char *person_name;
    struct case_ctx *c = http_case(r);
    enum catalog_op ops[OP__COUNT];
    size_t nops = OP__COUNT;
    const struct catalog_dispositif *disp;
    struct case_dossier d;
    const char *done = r->route->method == HTTP_GET ? http_str(r, "fait") : NULL;
    struct page p;

    if (case_dossier_get(c, http_str(r, "id"), &d, e) != 0)
        return -1;
    if (case_dossier_allowed_ops(c, &d, ops, &nops) != 0)
        nops = 0;
    /* everything granted is paid: no payment to offer (the engine would refuse it) */
    if (d.granted >= 0 && d.paid >= d.granted) {
        size_t k = 0;
        for (size_t i = 0; i < nops; i++)
            if (ops[i] != OP_PAYER)
                ops[k++] = ops[i];
        nops = k;
    }
    disp = catalog_find(&r->app->cat, d.dispositif);
    page_init(&p, r, arena_printf(&r->arena, "Dossier %s : %s", d.id, d.dispositif_label));
    p.nav = "/personnes";
    page_crumb(&p, "Personnes", "/personnes");
    person_name = d.person ? query_text(r,
                                        "SELECT first_name || ' ' || last_name FROM person "
                                        "WHERE id = ?",
                                        d.person)
                           : NULL;
    if (d.person)
        page_crumb(&p, person_name ? person_name : "Fiche de la personne",
                   arena_printf(&r->arena, "/personnes/%s", d.person));
    if (done && !strcmp(done, "ouvrir")) {
        PAGE_TPL(&p,
                 "<div class=\"message-succes\" role=\"status\"><p>Demande enregistrée : le "
                 "dossier {{id}} est ouvert. Sa prochaine étape est ci-dessous.</p></div>\n",
                 {"id", d.id, false});
    } else if (done) {
        enum catalog_op op;
        if (catalog_op_from_code(done, &op) == 0)
            PAGE_TPL(&p, "<div class=\"message-succes\" role=\"status\"><p>{{m}}</p></div>\n",
                     {"m", op_done(op), false});
    }
    page_form_summary(&p, f);
    PAGE_TPL(&p,
             "<section aria-labelledby=\"titre-etat\">\n<h2 id=\"titre-etat\">État</h2>\n"
             "<p class=\"etat\" id=\"etat\"><span class=\"pastille\">{{state}}</span></p>\n"
             "<dl class=\"fiche\">\n",
             {"state", case_state_label(&r->app->cat, d.dispositif, d.state), false});
    PAGE_TPL(&p, "<div><dt>Dispositif</dt><dd>{{v}}</dd></div>\n",
             {"v", d.dispositif_label, false});
    {
        const char *label =
            d.household
                ? query_text(r, "SELECT label FROM household WHERE id = ?", d.household)
                : (d.beneficiary_type && !strcmp(d.beneficiary_type, "personne") ? person_name
                                                                                 : NULL);
        PAGE_TPL(&p, "<div><dt>Bénéficiaire</dt><dd>{{v}}</dd></div>\n",
                 {"v",
                  label ? arena_printf(&r->arena, "%s (%s)", label, d.beneficiary)
                        : arena_printf(&r->arena, "%s %s", d.beneficiary_type, d.beneficiary),
                  false});
    }
    if (d.person)
        PAGE_TPL(&p,
                 "<div><dt>Demandeur</dt><dd><a href=\"/personnes/{{v}}\">{{name}} "
                 "({{v}})</a></dd></div>\n",
                 {"v", d.person, false}, {"name", person_name ? person_name : "", false});
    {
        const char *colon = d.site ? strchr(d.site, ':') : NULL;
        PAGE_TPL(
            &p, "<div><dt>Site</dt><dd>{{v}}</dd></div>\n",
            {"v",
             colon ? page_site_label(r, arena_strndup(&r->arena, d.site, (size_t)(colon - d.site)),
                                     colon + 1)
                   : "services centraux",
             false});
    }
    PAGE_TPL(&p, "<div><dt>Ouvert le</dt><dd>{{v}}</dd></div>\n",
             {"v", page_date(r, d.opened), false});
    if (d.closed)
        PAGE_TPL(&p, "<div><dt>Clos le</dt><dd>{{v}}</dd></div>\n",
                 {"v", page_date(r, d.closed), false});
    if (d.granted >= 0)
        PAGE_TPL(&p, "<div><dt>Montant accordé</dt><dd>{{v}}</dd></div>\n",
                 {"v", page_money(r, d.granted), false});
    PAGE_TPL(&p, "<div><dt>Montant versé</dt><dd>{{v}}</dd></div>\n",
             {"v", page_money(r, d.paid), false});
    page_html(&p, "</dl>\n</section>\n");

    {
        /* the next step first (the first forward operation), then the others */
        size_t next = nops, shown = 0;
        for (size_t i = 0; i < nops && next == nops; i++)
            if (op_forward(ops[i]))
                next = i;
        for (size_t i = 0; i < nops && next == nops; i++)
            if (ops[i] == OP_CLORE && d.granted > 0 && d.paid >= d.granted)
                next = i; /* paid in full: closing is what is left */
        page_html(&p, "<section aria-labelledby=\"titre-operations\">\n<h2 "
                      "id=\"titre-operations\">Prochaine étape</h2>\n");
        if (!nops)
            page_html(&p, "<p>Aucune opération ne vous est permise sur ce dossier dans son "
                          "état actuel.</p>\n");
        else if (next == nops)
            page_html(&p, "<p>Le dossier n'attend plus d'étape de votre part ; les opérations "
                          "ci-dessous restent possibles.</p>\n");
        else
            op_form(&p, &d, ops[next], f, failed, true);
        for (size_t i = 0; i < nops; i++) {
            if (i == next)
                continue;
            if (!shown++)
                page_html(&p, "<h2 id=\"titre-autres\">Autres opérations possibles</h2>\n");
            op_form(&p, &d, ops[i], f, failed, false);
        }
        page_html(&p, "</section>\n");
    }

    page_html(&p, "<section aria-labelledby=\"titre-faits\">\n<h2 id=\"titre-faits\">Faits</h2>\n"
                  "<dl class=\"fiche\">\n");
    {
        const char *key;
        json_t *v;
        json_object_foreach(d.facts, key, v)
        {
            const struct catalog_fact *fact = disp ? catalog_fact(disp, key) : NULL;
            const char *text = fact_text(r, v);
            const char *label = json_is_string(v) ? catalog_choice_label(fact, text) : NULL;
            if (label)
                text = label;
            else if (fact && fact->type == RULES_DATE && json_is_string(v))
                text = page_date(r, text);
            else if (fact && fact->type == RULES_MONEY && json_is_string(v)) {
                int64_t cents;
                struct err sub;
                err_clear(&sub);
                if (money_parse(json_string_value(v), json_string_length(v), &cents, &sub) == 0)
                    text = page_money(r, cents);
            }
            PAGE_TPL(&p, "<div><dt>{{k}}</dt><dd>{{v}}</dd></div>\n",
                     {"k", fact ? fact->label : key, false}, {"v", text, false});
        }
    }
    page_html(&p, "</dl>\n</section>\n");

    page_html(&p, "<section aria-labelledby=\"titre-decisions\">\n<h2 "
                  "id=\"titre-decisions\">Décisions</h2>\n");
    if (!d.ndecisions)
        page_html(&p, "<p>Aucune décision.</p>\n");
    else {
        page_html(&p, "<table class=\"donnees\">\n<caption>Décisions du dossier</caption>\n"
                      "<thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Décision</th>"
                      "<th scope=\"col\" class=\"nombre\">Montant</th><th scope=\"col\">Motif"
                      "</th><th scope=\"col\">Par</th></tr></thead>\n<tbody>\n");
        for (size_t i = 0; i < d.ndecisions; i++)
            PAGE_TPL(&p,
                     "<tr><td>{{date}}</td><td>{{o}}</td><td class=\"nombre\">{{m}}</td>"
                     "<td>{{motive}}</td><td>{{who}}</td></tr>\n",
                     {"date", page_date(r, d.decisions[i].date), false},
                     {"o", outcome_label(d.decisions[i].outcome), false},
                     {"m", page_money(r, d.decisions[i].amount), false},
                     {"motive", d.decisions[i].motive, false},
                     {"who", d.decisions[i].actor, false});
        page_html(&p, "</tbody>\n</table>\n");
    }
    page_html(&p, "</section>\n");

    page_html(&p, "<section aria-labelledby=\"titre-paiements\">\n<h2 "
                  "id=\"titre-paiements\">Paiements</h2>\n");
    if (!d.npayments)
        page_html(&p, "<p>Aucun paiement.</p>\n");
    else {
        page_html(&p, "<table class=\"donnees\">\n<caption>Paiements du dossier</caption>\n"
                      "<thead><tr><th scope=\"col\">Versement</th><th scope=\"col\">Date</th>"
                      "<th scope=\"col\" class=\"nombre\">Montant</th></tr></thead>\n<tbody>\n");
        for (size_t i = 0; i < d.npayments; i++)
            PAGE_TPL(
                &p, "<tr><td>{{id}}</td><td>{{date}}</td><td class=\"nombre\">{{m}}</td></tr>\n",
                {"id", d.payments[i].id, false}, {"date", page_date(r, d.payments[i].date), false},
                {"m", page_money(r, d.payments[i].amount), false});
        page_html(&p, "</tbody>\n</table>\n");
    }
    page_html(&p, "</section>\n");

    page_html(&p, "<section aria-labelledby=\"titre-historique\">\n<h2 "
                  "id=\"titre-historique\">Historique</h2>\n");
    page_html(&p, "<table class=\"donnees\">\n<caption>Historique du dossier, du plus ancien au "
                  "plus récent</caption>\n<thead><tr><th scope=\"col\">Date</th><th "
                  "scope=\"col\">Opération</th><th scope=\"col\">État atteint</th><th "
                  "scope=\"col\">Par</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < d.nsteps; i++) {
        enum catalog_op op;
        const char *label = d.steps[i].op;
        if (catalog_op_from_code(d.steps[i].op, &op) == 0)
            label = catalog_op_label(op);
        PAGE_TPL(&p, "<tr><td>{{date}}</td><td>{{op}}</td><td>{{to}}</td><td>{{who}}</td></tr>\n",
                 {"date", page_date(r, d.steps[i].date), false}, {"op", label, false},
                 {"to", case_state_label(&r->app->cat, d.dispositif, d.steps[i].to), false},
                 {"who", d.steps[i].actor, false});
    }
    page_html(&p, "</tbody>\n</table>\n</section>\n");
    case_dossier_release(&d);
    return page_send(&p, status);
}

static int dossier_get(struct http_request *r, struct err *e)
{
    struct page_form f = {0};
    return dossier_page(r, 200, &f, OP__COUNT, e);
}

struct op_arg {
    const char *id;
    enum catalog_op op;
    struct case_op_input in;
};

static int do_op(struct case_ctx *c, void *arg, struct err *e)
{
    struct op_arg *a = arg;
    return case_dossier_op(c, a->id, a->op, &a->in, e);
}

static void check_date(struct http_request *r, struct page_form *f, const char *id, const char *v,
                       const char *what)
{
    date_t day;
    struct err sub;

    err_clear(&sub);
    if (v && date_parse_iso(v, strlen(v), &day, &sub) != 0)
        page_form_error(r, f, id,
                        arena_printf(&r->arena, "%s au format AAAA-MM-JJ attendue", what));
}

/* The field an engine message is about, for the message next to it. */
static const char *error_field(struct http_request *r, enum catalog_op op, const char *message)
{
    if (strstr(message, "motif") && needs_motive(op))
        return fid(r, op, "motif");
    if ((op == OP_DECIDER || op == OP_PAYER) &&
        (strstr(message, "montant") || strstr(message, "plafond") || strstr(message, "versé")))
        return fid(r, op, "montant");
    if (op == OP_INSCRIRE_COMMISSION && strstr(message, "séance"))
        return fid(r, op, "seance");
    if (strstr(message, "date") || strstr(message, "/"))
        return fid(r, op, "date");
    return op == OP_DECIDER ? fid(r, op, "decision") : fid(r, op, "date");
}

static int dossier_op(struct http_request *r, struct err *e)
{
    struct page_form f = {0};
    struct op_arg a;
    json_t *facts = NULL;
    int64_t cents;
    int rc;

    memset(&a, 0, sizeof(a));
    a.id = http_str(r, "id");
    if (catalog_op_from_code(http_str(r, "op"), &a.op) != 0)
        return err_set(e, ERR_USAGE, "opération inconnue : « %s »", http_str(r, "op"));
#define V(field) page_form_value(r, fid(r, a.op, field))
    a.in.date = V("date");
    a.in.motive = V("motif");
    a.in.outcome = V("decision");
    a.in.amount = V("montant");
    a.in.right_from = V("droit_du");
    a.in.right_to = V("droit_au");
    a.in.session = V("seance");
    check_date(r, &f, fid(r, a.op, "date"), a.in.date, "date de l'opération");
    check_date(r, &f, fid(r, a.op, "droit_du"), a.in.right_from, "date de début du droit");
    check_date(r, &f, fid(r, a.op, "droit_au"), a.in.right_to, "date de fin du droit");
    if (!!a.in.right_from != !!a.in.right_to)
        page_form_error(r, &f, fid(r, a.op, a.in.right_from ? "droit_au" : "droit_du"),
                        "donnez le début et la fin du droit, ou aucun des deux");
    if (a.op == OP_DECIDER) {
        if (!a.in.outcome)
            page_form_error(r, &f, fid(r, a.op, "decision"), "choisissez la décision");
        else if (!strcmp(a.in.outcome, "accord") && !a.in.amount)
            page_form_error(r, &f, fid(r, a.op, "montant"),
                            "indiquez le montant accordé (ex. 150,00)");
        else if (strcmp(a.in.outcome, "accord") != 0 && !a.in.motive)
            page_form_error(r, &f, fid(r, a.op, "motif"),
                            "indiquez le motif d'un refus, d'un ajournement ou d'un classement");
    }
    if (a.op == OP_PAYER && !a.in.amount)
        page_form_error(r, &f, fid(r, a.op, "montant"), "indiquez le montant versé (ex. 150,00)");
    if (a.in.amount) {
        struct err sub;
        err_clear(&sub);
        if (money_parse(a.in.amount, strlen(a.in.amount), &cents, &sub) != 0 || cents <= 0)
            page_form_error(r, &f, fid(r, a.op, "montant"),
                            "montant en euros attendu, supérieur à zéro (ex. 150,00)");
    }
    if (needs_motive(a.op) && a.op != OP_DECIDER && !a.in.motive)
        page_form_error(r, &f, fid(r, a.op, "motif"), "indiquez le motif");
    if (a.op == OP_INSCRIRE_COMMISSION && !a.in.session)
        page_form_error(r, &f, fid(r, a.op, "seance"), "choisissez la séance de commission");
    if (a.op == OP_DEMANDER_PIECES) {
        const char *text = V("pieces");
        facts = json_array();
        for (const char *q = text; q && *q;) {
            size_t len = strcspn(q, "\r\n");
            if (len > 0 && len <= 200)
                json_array_append_new(facts, json_stringn(q, len));
            q += len;
            q += strspn(q, "\r\n");
        }
        if (json_array_size(facts) == 0)
            page_form_error(r, &f, fid(r, a.op, "pieces"),
                            "indiquez au moins une pièce demandée (une par ligne)");
    } else if (a.op == OP_COMPLETER) {
        facts = json_object();
    }
#undef V
    if (f.n) {
        json_decref(facts);
        return dossier_page(r, 400, &f, a.op, e);
    }
    a.in.facts = facts;
    rc = case_run(http_case(r), do_op, &a, e);
    json_decref(facts);
    if (rc != 0) {
        if (e->code != ERR_INVALID && e->code != ERR_CONFLICT && e->code != ERR_USAGE)
            return -1;
        page_form_error(r, &f, error_field(r, a.op, e->message), e->message);
        err_clear(e);
        return dossier_page(r, 422, &f, a.op, e);
    }
    return page_redirect(
        r, arena_printf(&r->arena, "/dossiers/%s?fait=%s", a.id, catalog_op_code(a.op)));
}

const struct http_route page_dossier_routes[] = {
    {HTTP_GET, "/dossiers/:id", HTTP_HTML, HTTP_BODY_NONE, .auth = true,
     .capability = "dossier.lire", .object = "dossier", .params = id_params,
     .nparams = ARRAY_SIZE(id_params), .handler = dossier_get,
     .summary = "page d'un dossier et des opérations permises (lecture journalisée)"},
    {HTTP_POST, "/dossiers/:id/operations/:op", HTTP_HTML, HTTP_BODY_FORM, .auth = true,
     .capability = "dossier.ecrire", .object = "dossier", .params = op_params,
     .nparams = ARRAY_SIZE(op_params), .handler = dossier_op,
     .summary = "effectuer une opération du circuit (formulaire)"},
};
const size_t page_dossier_nroutes = ARRAY_SIZE(page_dossier_routes);

/*
 * page_seance.c: a commission session's pages. /seances/:id shows the
 * session (commission, date, chair, site, state) and its agenda; for an
 * agent who manages commissions, a batch decision form (one row per agenda
 * item not yet decided: the outcomes the dossier's workflow allows from its
 * state, the amount, the motive) posted to /seances/:id/decisions and
 * recorded all or nothing (case_session_decide), and the closing form
 * (minutes text) posted to /seances/:id/cloture. /seances/:id/proces-verbal
 * is the printable minutes (case_session_minutes) in a page without
 * navigation, styled for print.
 *
 * Reads are checked and logged by the engine (case_session_get and
 * case_session_minutes log each dossier of the agenda). Fields of the batch
 * form are named "<dossier>-<field>" ("D0000001-montant") so that each
 * message of the summary points at one field.
 */
#include "core/compat.h"
#include "http/page.h"

#include "case/run.h"
#include "case/view.h"
#include "core/money.h"
#include "http/response.h"

#define SEANCE_MINUTES_MAX 20000

static const char *const done_codes[] = {"decisions", "cloture", NULL};

static const struct http_param id_params[] = {
    {"id", HTTP_IN_PATH, HTTP_T_ID, true, .doc = "identifiant de la séance (S0000001)"},
    {"fait", HTTP_IN_QUERY, HTTP_T_CHOICE, false, .choices = done_codes,
     .doc = "l'opération qui vient d'être effectuée"},
};

static const struct http_param post_params[] = {
    {"id", HTTP_IN_PATH, HTTP_T_ID, true, .doc = "identifiant de la séance (S0000001)"},
    /* the fields come as <dossier>-<field>, read from the form (page_form_value) */
};

static const struct http_param pv_params[] = {
    {"id", HTTP_IN_PATH, HTTP_T_ID, true, .doc = "identifiant de la séance (S0000001)"},
};

static const char *fid(struct http_request *r, const char *dossier, const char *field)
{
    return arena_printf(&r->arena, "%s-%s", dossier, field);
}

static const char *outcome_label(const char *code)
{
    enum catalog_outcome o;
    if (!code)
        return "non décidé";
    return catalog_outcome_from_code(code, &o) == 0 ? catalog_outcome_label(o) : code;
}

/* May the agent manage commissions (some role has commission.gerer)? */
static bool can_manage(const struct http_request *r)
{
    for (size_t i = 0; i < r->user.ngrants; i++) {
        const struct catalog_role *role = catalog_role(&r->app->cat, r->user.grants[i].role);
        if (role && catalog_role_can(role, "commission.gerer"))
            return true;
    }
    return false;
}

/* The outcomes the decider transition of dispositif allows from state. */
static size_t allowed_outcomes(const struct catalog *cat, const char *dispositif, const char *state,
                               const char **codes, const char **labels)
{
    const struct catalog_dispositif *disp = catalog_find(cat, dispositif);
    size_t n = 0;

    if (!disp || !disp->workflow || !state)
        return 0;
    for (size_t t = 0; t < disp->workflow->ntransitions; t++) {
        const struct catalog_transition *tr = &disp->workflow->transitions[t];
        bool from = false;
        if (tr->op != OP_DECIDER)
            continue;
        for (size_t k = 0; k < tr->nfrom; k++)
            if (!strcmp(tr->from[k], state))
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

static const char *site_text(struct http_request *r, const char *site)
{
    const char *colon = site ? strchr(site, ':') : NULL;
    if (!colon)
        return site ? site : "";
    return page_site_label(r, arena_strndup(&r->arena, site, (size_t)(colon - site)), colon + 1);
}

static const char *posted(struct http_request *r, const char *dossier, const char *field)
{
    return r->route->method == HTTP_POST ? page_form_value(r, fid(r, dossier, field)) : NULL;
}

static void agenda_table(struct page *p, const struct case_session *s)
{
    struct http_request *r = p->r;

    page_html(p, "<section aria-labelledby=\"titre-ordre\">\n<h2 id=\"titre-ordre\">Ordre du "
                 "jour</h2>\n");
    if (!s->nagenda) {
        page_html(p, "<p>Aucun dossier n'est inscrit à l'ordre du jour.</p>\n</section>\n");
        return;
    }
    PAGE_TPL(p,
             "<table class=\"donnees\" id=\"ordre-du-jour\">\n<caption>Dossiers inscrits à la "
             "séance {{id}}</caption>\n<thead><tr><th scope=\"col\">Dossier</th><th "
             "scope=\"col\">Dispositif</th><th scope=\"col\">Bénéficiaire</th><th "
             "scope=\"col\">État</th><th scope=\"col\">Décision</th><th scope=\"col\" "
             "class=\"nombre\">Montant</th></tr></thead>\n<tbody>\n",
             {"id", s->id, false});
    for (size_t i = 0; i < s->nagenda; i++) {
        const struct case_agenda_item *a = &s->agenda[i];
        const struct catalog_dispositif *disp = catalog_find(&r->app->cat, a->dispositif);
        PAGE_TPL(p,
                 "<tr data-dossier=\"{{d}}\"><th scope=\"row\"><a "
                 "href=\"/dossiers/{{d}}\">{{d}}</a></th><td>{{disp}}</td><td>{{b}}</td>"
                 "<td>{{st}}</td><td class=\"decision\">{{o}}</td><td "
                 "class=\"nombre\">{{m}}</td></tr>\n",
                 {"d", a->dossier, false}, {"disp", disp ? disp->label : a->dispositif, false},
                 {"b", a->beneficiary, false},
                 {"st", case_state_label(&r->app->cat, a->dispositif, a->state), false},
                 {"o", outcome_label(a->outcome), false},
                 {"m", a->amount >= 0 ? page_money(r, a->amount) : "", false});
    }
    page_html(p, "</tbody>\n</table>\n</section>\n");
}

static void decide_form(struct page *p, const struct case_session *s, const struct page_form *f)
{
    struct http_request *r = p->r;
    size_t pending = 0;

    for (size_t i = 0; i < s->nagenda; i++)
        if (!s->agenda[i].outcome)
            pending++;
    page_html(p, "<section aria-labelledby=\"titre-decisions\">\n<h2 "
                 "id=\"titre-decisions\">Décisions de la séance</h2>\n");
    if (!pending) {
        page_html(p, "<p>Tous les dossiers de l'ordre du jour sont décidés.</p>\n</section>\n");
        return;
    }
    PAGE_TPL(p,
             "<p>Choisissez une décision pour chaque dossier à décider maintenant ; les dossiers "
             "laissés sans décision restent à l'ordre du jour. Les décisions sont enregistrées "
             "toutes ensemble, ou aucune si l'une d'elles est refusée.</p>\n"
             "<form method=\"post\" action=\"/seances/{{id}}/decisions\" class=\"formulaire "
             "lot\" novalidate>\n{{csrf}}",
             {"id", s->id, false}, {"csrf", page_csrf(r), true});
    for (size_t i = 0; i < s->nagenda; i++) {
        const struct case_agenda_item *a = &s->agenda[i];
        const char *codes[OUTCOME__COUNT], *labels[OUTCOME__COUNT];
        size_t n;
        const struct catalog_dispositif *disp = catalog_find(&r->app->cat, a->dispositif);
        const char *id, *v;
        if (a->outcome)
            continue;
        n = allowed_outcomes(&r->app->cat, a->dispositif, a->state, codes, labels);
        PAGE_TPL(p,
                 "<fieldset class=\"carte ligne-decision\" id=\"decision-{{d}}\">\n<legend>Dossier "
                 "{{d}} : {{disp}}, {{b}}</legend>\n",
                 {"d", a->dossier, false}, {"disp", disp ? disp->label : a->dispositif, false},
                 {"b", a->beneficiary, false});
        id = fid(r, a->dossier, "decision");
        page_field(p, f, id, "Décision", NULL,
                   PAGE_RENDER(r, "<select{{a}}>\n{{o}}</select>\n",
                               {"a", page_input_attrs(r, f, id, false), true},
                               {"o",
                                page_options(r, codes, labels, n, posted(r, a->dossier, "decision"),
                                             "Pas de décision maintenant"),
                                true}));
        id = fid(r, a->dossier, "montant");
        v = posted(r, a->dossier, "montant");
        page_field(p, f, id, "Montant accordé (pour un accord)", "En euros, par exemple 150,00",
                   PAGE_RENDER(r, "<input type=\"text\"{{a}} class=\"court\" value=\"{{v}}\">\n",
                               {"a", page_input_attrs(r, f, id, true), true}, {"v", v, false}));
        id = fid(r, a->dossier, "motif");
        v = posted(r, a->dossier, "motif");
        page_field(p, f, id, "Motif (obligatoire sauf pour un accord)", NULL,
                   PAGE_RENDER(r, "<textarea{{a}} rows=\"2\">{{v}}</textarea>\n",
                               {"a", page_input_attrs(r, f, id, false), true}, {"v", v, false}));
        page_html(p, "</fieldset>\n");
    }
    page_html(p, "<button type=\"submit\">Enregistrer les décisions</button>\n</form>\n"
                 "</section>\n");
}

static void close_form(struct page *p, const struct case_session *s, const struct page_form *f)
{
    struct http_request *r = p->r;
    const char *v = r->route->method == HTTP_POST ? page_form_value(r, "proces_verbal") : NULL;

    PAGE_TPL(p,
             "<section aria-labelledby=\"titre-cloture\">\n<h2 id=\"titre-cloture\">Clore la "
             "séance</h2>\n<form method=\"post\" action=\"/seances/{{id}}/cloture\" "
             "class=\"formulaire\" novalidate>\n{{csrf}}",
             {"id", s->id, false}, {"csrf", page_csrf(r), true});
    page_field(p, f, "proces_verbal", "Texte du procès-verbal",
               "Présents, quorum, observations ; il figure en tête du procès-verbal imprimable",
               PAGE_RENDER(r, "<textarea{{a}} rows=\"5\">{{v}}</textarea>\n",
                           {"a", page_input_attrs(r, f, "proces_verbal", true), true},
                           {"v", v, false}));
    page_html(p, "<button type=\"submit\">Clore la séance</button>\n</form>\n</section>\n");
}

static int seance_page(struct http_request *r, int status, const struct page_form *f, struct err *e)
{
    struct case_session s;
    const char *done = r->route->method == HTTP_GET ? http_str(r, "fait") : NULL;
    bool open, manage = can_manage(r);
    struct page p;

    if (case_session_get(http_case(r), http_str(r, "id"), &s, e) != 0)
        return -1;
    open = strcmp(s.state, "close") != 0;
    page_init(&p, r, arena_printf(&r->arena, "Séance %s : %s", s.id, s.commission));
    page_crumb(&p, "Tableau de bord", "/");
    if (done)
        PAGE_TPL(&p, "<div class=\"message-succes\" role=\"status\"><p>{{m}}</p></div>\n",
                 {"m",
                  !strcmp(done, "cloture") ? "La séance est close."
                                           : "Les décisions de la séance sont enregistrées.",
                  false});
    page_form_summary(&p, f);
    PAGE_TPL(&p,
             "<section aria-labelledby=\"titre-seance\">\n<h2 id=\"titre-seance\">La "
             "séance</h2>\n<p class=\"etat\" id=\"etat\"><span "
             "class=\"pastille\">{{state}}</span></p>\n<dl class=\"fiche\">\n"
             "<div><dt>Commission</dt><dd>{{c}}</dd></div>\n"
             "<div><dt>Date</dt><dd>{{date}}</dd></div>\n"
             "<div><dt>Présidence</dt><dd>{{chair}}</dd></div>\n"
             "<div><dt>Site</dt><dd>{{site}}</dd></div>\n"
             "</dl>\n<p><a href=\"/seances/{{id}}/proces-verbal\">Procès-verbal "
             "imprimable</a></p>\n</section>\n",
             {"state", open ? "Ouverte" : "Close", false}, {"c", s.commission, false},
             {"date", page_date(r, s.date), false}, {"chair", s.chair, false},
             {"site", site_text(r, s.site), false}, {"id", s.id, false});
    agenda_table(&p, &s);
    if (open && manage) {
        decide_form(&p, &s, f);
        close_form(&p, &s, f);
    } else if (!open && s.minutes) {
        PAGE_TPL(&p,
                 "<section aria-labelledby=\"titre-pv\">\n<h2 id=\"titre-pv\">Texte du "
                 "procès-verbal</h2>\n<p class=\"texte-pv\">{{m}}</p>\n</section>\n",
                 {"m", s.minutes, false});
    }
    return page_send(&p, status);
}

static int seance_get(struct http_request *r, struct err *e)
{
    struct page_form f = {0};
    return seance_page(r, 200, &f, e);
}

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

/* The agenda item the engine's message names ("dossier D0000002 : ..."), or NULL. */
static const char *named_dossier(const struct decide_arg *a, const char *message)
{
    for (size_t i = 0; i < a->n; i++)
        if (strstr(message, a->d[i].dossier))
            return a->d[i].dossier;
    return NULL;
}

static int seance_decide(struct http_request *r, struct err *e)
{
    struct page_form f = {0};
    struct case_session s;
    struct decide_arg a = {.session = http_str(r, "id")};

    if (case_session_get(http_case(r), a.session, &s, e) != 0)
        return -1;
    a.d = arena_calloc(&r->arena, s.nagenda ? s.nagenda : 1, sizeof(*a.d));
    for (size_t i = 0; i < s.nagenda; i++) {
        const struct case_agenda_item *it = &s.agenda[i];
        const char *outcome, *amount, *motive;
        int64_t cents;
        if (it->outcome)
            continue;
        outcome = page_form_value(r, fid(r, it->dossier, "decision"));
        amount = page_form_value(r, fid(r, it->dossier, "montant"));
        motive = page_form_value(r, fid(r, it->dossier, "motif"));
        if (!outcome) {
            if (amount || motive)
                page_form_error(
                    r, &f, fid(r, it->dossier, "decision"),
                    arena_printf(&r->arena, "dossier %s : choisissez la décision", it->dossier));
            continue;
        }
        if (!strcmp(outcome, "accord") && !amount)
            page_form_error(r, &f, fid(r, it->dossier, "montant"),
                            arena_printf(&r->arena,
                                         "dossier %s : indiquez le montant accordé (ex. 150,00)",
                                         it->dossier));
        else if (strcmp(outcome, "accord") != 0 && !motive)
            page_form_error(r, &f, fid(r, it->dossier, "motif"),
                            arena_printf(&r->arena,
                                         "dossier %s : indiquez le motif d'un refus, d'un "
                                         "ajournement ou d'un classement",
                                         it->dossier));
        if (amount) {
            struct err sub;
            err_clear(&sub);
            if (money_parse(amount, strlen(amount), &cents, &sub) != 0 || cents <= 0)
                page_form_error(r, &f, fid(r, it->dossier, "montant"),
                                arena_printf(&r->arena,
                                             "dossier %s : montant en euros attendu, supérieur "
                                             "à zéro (ex. 150,00)",
                                             it->dossier));
        }
        if (motive && strlen(motive) > 2000)
            page_form_error(r, &f, fid(r, it->dossier, "motif"),
                            arena_printf(&r->arena,
                                         "dossier %s : motif trop long (2 000 "
                                         "caractères au plus)",
                                         it->dossier));
        a.d[a.n].dossier = it->dossier;
        a.d[a.n].in.outcome = outcome;
        a.d[a.n].in.amount = amount;
        a.d[a.n].in.motive = motive;
        a.n++;
    }
    if (!f.n && !a.n)
        page_form_error(r, &f, NULL, "choisissez la décision d'au moins un dossier");
    if (f.n)
        return seance_page(r, 400, &f, e);
    if (case_run(http_case(r), do_decide, &a, e) != 0) {
        const char *d;
        if (e->code != ERR_INVALID && e->code != ERR_CONFLICT && e->code != ERR_USAGE)
            return -1;
        d = named_dossier(&a, e->message);
        page_form_error(r, &f,
                        d ? fid(r, d,
                                strstr(e->message, "montant") || strstr(e->message, "Montant")
                                    ? "montant"
                                    : "decision")
                          : NULL,
                        e->message);
        err_clear(e);
        return seance_page(r, 422, &f, e);
    }
    return page_redirect(r, arena_printf(&r->arena, "/seances/%s?fait=decisions", a.session));
}

struct close_arg {
    const char *session, *minutes;
};

static int do_close(struct case_ctx *c, void *arg, struct err *e)
{
    struct close_arg *a = arg;
    return case_session_close(c, a->session, a->minutes, e);
}

static int seance_close(struct http_request *r, struct err *e)
{
    struct page_form f = {0};
    struct close_arg a = {http_str(r, "id"), page_form_value(r, "proces_verbal")};

    if (!a.minutes)
        page_form_error(r, &f, "proces_verbal", "indiquez le texte du procès-verbal");
    else if (strlen(a.minutes) > SEANCE_MINUTES_MAX)
        page_form_error(r, &f, "proces_verbal", "texte trop long (20 000 caractères au plus)");
    if (f.n)
        return seance_page(r, 400, &f, e);
    if (case_run(http_case(r), do_close, &a, e) != 0) {
        if (e->code != ERR_INVALID && e->code != ERR_CONFLICT && e->code != ERR_USAGE)
            return -1;
        page_form_error(r, &f, "proces_verbal", e->message);
        err_clear(e);
        return seance_page(r, 422, &f, e);
    }
    return page_redirect(r, arena_printf(&r->arena, "/seances/%s?fait=cloture", a.session));
}

static int seance_minutes(struct http_request *r, struct err *e)
{
    const char *id = http_str(r, "id");
    struct strbuf sb;
    struct page p;

    strbuf_init(&sb, 1u << 16);
    if (case_session_minutes(http_case(r), id, &sb, e) != 0) {
        strbuf_release(&sb);
        return -1;
    }
    page_init(&p, r, arena_printf(&r->arena, "Procès-verbal de la séance %s", id));
    p.print = true;
    PAGE_TPL(&p,
             "<p class=\"ecran-seulement\"><a href=\"/seances/{{id}}\">Retour à la séance</a> ; "
             "imprimez cette page avec la fonction d'impression du navigateur.</p>\n"
             "<pre class=\"proces-verbal\" id=\"proces-verbal\">{{t}}</pre>\n",
             {"id", id, false}, {"t", sb.buf, false});
    strbuf_release(&sb);
    return page_send(&p, 200);
}

const struct http_route page_seance_routes[] = {
    {HTTP_GET, "/seances/:id", HTTP_HTML, HTTP_BODY_NONE, .auth = true,
     .capability = "dossier.lire", .object = "seance", .params = id_params,
     .nparams = ARRAY_SIZE(id_params), .handler = seance_get,
     .summary = "page d'une séance de commission et de son ordre du jour (lecture journalisée)"},
    {HTTP_POST, "/seances/:id/decisions", HTTP_HTML, HTTP_BODY_FORM, .auth = true,
     .capability = "commission.gerer", .object = "seance", .params = post_params,
     .nparams = ARRAY_SIZE(post_params), .handler = seance_decide,
     .summary = "décisions de la séance en un lot, tout ou rien (formulaire)"},
    {HTTP_POST, "/seances/:id/cloture", HTTP_HTML, HTTP_BODY_FORM, .auth = true,
     .capability = "commission.gerer", .object = "seance", .params = post_params,
     .nparams = ARRAY_SIZE(post_params), .handler = seance_close,
     .summary = "clore la séance avec son procès-verbal (formulaire)"},
    {HTTP_GET, "/seances/:id/proces-verbal", HTTP_HTML, HTTP_BODY_NONE, .auth = true,
     .capability = "dossier.lire", .object = "seance", .params = pv_params,
     .nparams = ARRAY_SIZE(pv_params), .handler = seance_minutes,
     .summary = "procès-verbal imprimable de la séance (page)"},
};
const size_t page_seance_nroutes = ARRAY_SIZE(page_seance_routes);

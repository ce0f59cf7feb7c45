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
 * /seances lists the sessions of the agent's sites (identity of no one:
 * commission, date, chair, counts of dossiers), those still to hold first,
 * then the closed ones of a year; an agent who manages commissions creates
 * a session there (POST /seances, case_session_create).
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
    return page_user_can(r, "commission.gerer");
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
    p.nav = "/seances";
    page_crumb(&p, "Commissions", "/seances");
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

/* ---- GET /seances, POST /seances ---- */

static const struct http_param list_params[] = {
    {"annee", HTTP_IN_QUERY, HTTP_T_INT, false, .min = 2000, .max = 2100,
     .doc = "année des séances closes à lister (par défaut la plus récente)"},
    {"creee", HTTP_IN_QUERY, HTTP_T_ID, false, .doc = "la séance qui vient d'être créée"},
};

static const struct http_param create_params[] = {
    {"commission", HTTP_IN_BODY, HTTP_T_TEXT, false, .max_len = 200, .doc = "nom de la commission"},
    {"date", HTTP_IN_BODY, HTTP_T_TEXT, false, .max_len = 10, .doc = "date de la séance"},
    {"presidence", HTTP_IN_BODY, HTTP_T_TEXT, false, .max_len = 200,
     .doc = "élu ou cadre qui préside"},
    {"site", HTTP_IN_BODY, HTTP_T_TEXT, false, .max_len = 80, .doc = "site de la séance"},
};

struct session_line {
    const char *id, *commission, *date, *chair, *site, *state;
    int64_t n, pending;
};

/* Sessions the agent may read (dossier.lire on their site), state "prevue" or of year y. */
static int sessions_list(struct http_request *r, bool open, int64_t year, struct session_line **out,
                         size_t *n, struct err *e)
{
    struct store_stmt *st = store_prepare(
        r->store,
        "SELECT s.id, s.commission, s.session_date, s.chair, s.site_grid, s.site_code, s.state, "
        "(SELECT COUNT(*) FROM session_agenda a WHERE a.session = s.id), "
        "(SELECT COUNT(*) FROM session_agenda a WHERE a.session = s.id AND NOT EXISTS "
        " (SELECT 1 FROM decision x WHERE x.dossier = a.dossier AND x.session = a.session)) "
        "FROM commission_session s WHERE (?1 AND s.state = 'prevue') OR (NOT ?1 AND "
        "s.state = 'close' AND substr(s.session_date, 1, 4) = printf('%04d', ?2)) "
        "ORDER BY CASE WHEN ?1 THEN s.session_date END, s.session_date DESC, s.id",
        e);
    size_t cap = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (!st)
        return -1;
    store_bind_int64(st, 1, open ? 1 : 0);
    store_bind_int64(st, 2, year);
    while ((rc = store_step(st, e)) == STORE_ROW) {
        struct access_target t = {
            .site_grid = store_column_text(st, 4),
            .site_code = store_column_text(st, 5),
            .data_class = CLASS_NONE,
            .object_type = "seance",
            .object_id = store_column_text(st, 0),
        };
        struct err ignored;
        struct session_line *l;
        err_clear(&ignored);
        if (access_check(&r->app->cat, &r->user, "dossier.lire", &t, &r->arena, NULL, &ignored) !=
            0)
            continue;
        if (*n == cap) {
            struct session_line *grown;
            cap = cap ? 2 * cap : 32;
            grown = arena_calloc(&r->arena, cap, sizeof(*grown));
            if (*n)
                memcpy(grown, *out, *n * sizeof(*grown));
            *out = grown;
        }
        l = &(*out)[(*n)++];
        l->id = arena_strdup(&r->arena, store_column_text(st, 0));
        l->commission = arena_strdup(&r->arena, store_column_text(st, 1));
        l->date = arena_strdup(&r->arena, store_column_text(st, 2));
        l->chair = arena_strdup(&r->arena, store_column_text(st, 3));
        l->site =
            arena_printf(&r->arena, "%s:%s", store_column_text(st, 4), store_column_text(st, 5));
        l->state = arena_strdup(&r->arena, store_column_text(st, 6));
        l->n = store_column_int64(st, 7);
        l->pending = store_column_int64(st, 8);
    }
    store_finalize(st);
    return rc < 0 ? -1 : 0;
}

/* The years of the closed sessions, newest first (at most max). */
static int session_years(struct http_request *r, int64_t *years, size_t max, size_t *n,
                         struct err *e)
{
    struct store_stmt *st = store_prepare(
        r->store,
        "SELECT DISTINCT CAST(substr(session_date, 1, 4) AS INTEGER) FROM commission_session "
        "WHERE state = 'close' ORDER BY 1 DESC",
        e);
    int rc;

    *n = 0;
    if (!st)
        return -1;
    while ((rc = store_step(st, e)) == STORE_ROW && *n < max)
        years[(*n)++] = store_column_int64(st, 0);
    store_finalize(st);
    return rc < 0 ? -1 : 0;
}

static void sessions_table(struct page *p, const char *id, const char *caption,
                           const struct session_line *s, size_t n)
{
    struct http_request *r = p->r;

    PAGE_TPL(p,
             "<table class=\"donnees\" id=\"{{id}}\">\n<caption>{{cap}}</caption>\n<thead><tr>"
             "<th scope=\"col\">Séance</th><th scope=\"col\">Date</th><th "
             "scope=\"col\">Commission</th><th scope=\"col\">Site</th><th "
             "scope=\"col\">Présidence</th><th scope=\"col\" class=\"nombre\">Dossiers</th><th "
             "scope=\"col\" class=\"nombre\">À décider</th></tr></thead>\n<tbody>\n",
             {"id", id, false}, {"cap", caption, false});
    for (size_t i = 0; i < n; i++)
        PAGE_TPL(p,
                 "<tr><th scope=\"row\"><a href=\"/seances/{{id}}\">{{id}}</a></th><td>{{date}}"
                 "</td><td>{{c}}</td><td>{{site}}</td><td>{{chair}}</td><td "
                 "class=\"nombre\">{{n}}</td><td class=\"nombre\">{{pending}}</td></tr>\n",
                 {"id", s[i].id, false}, {"date", page_date(r, s[i].date), false},
                 {"c", s[i].commission, false}, {"site", site_text(r, s[i].site), false},
                 {"chair", s[i].chair, false}, {"n", page_int(r, s[i].n), false},
                 {"pending", page_int(r, s[i].pending), false});
    page_html(p, "</tbody>\n</table>\n");
}

static void create_form(struct page *p, const struct page_form *f)
{
    struct http_request *r = p->r;
    const char *codes[32], *labels[32];
    size_t k = 0;
    bool post = r->route->method == HTTP_POST;

    for (size_t i = 0; i < r->user.ngrants && k < ARRAY_SIZE(codes); i++) {
        const struct access_grant *g = &r->user.grants[i];
        const struct catalog_role *role = catalog_role(&r->app->cat, g->role);
        const char *site = arena_printf(&r->arena, "%s:%s", g->site_grid, g->site_code);
        bool dup = false;
        if (!role || !catalog_role_can(role, "commission.gerer"))
            continue;
        for (size_t j = 0; j < k; j++)
            dup |= !strcmp(codes[j], site);
        if (dup)
            continue;
        codes[k] = site;
        labels[k++] = page_site_label(r, g->site_grid, g->site_code);
    }
    PAGE_TPL(p,
             "<section aria-labelledby=\"titre-creer\">\n<h2 id=\"titre-creer\">Préparer une "
             "séance</h2>\n<p>Les dossiers instruits s'inscrivent ensuite à son ordre du jour "
             "depuis la page de chaque dossier (« Inscrire en commission »).</p>\n"
             "<form method=\"post\" action=\"/seances\" class=\"formulaire\" "
             "novalidate>\n{{csrf}}",
             {"csrf", page_csrf(r), true});
    page_field(p, f, "commission", "Commission",
               "Par exemple : Commission locale du fonds de solidarité logement",
               PAGE_RENDER(r, "<input type=\"text\"{{a}} value=\"{{v}}\">\n",
                           {"a", page_input_attrs(r, f, "commission", true), true},
                           {"v", post ? page_form_value(r, "commission") : NULL, false}));
    page_field(p, f, "date", "Date de la séance", NULL,
               PAGE_RENDER(r, "<input type=\"date\"{{a}} value=\"{{v}}\">\n",
                           {"a", page_input_attrs(r, f, "date", false), true},
                           {"v", post ? page_form_value(r, "date") : NULL, false}));
    page_field(p, f, "presidence", "Présidence", "L'élu ou le cadre qui préside la séance",
               PAGE_RENDER(r, "<input type=\"text\"{{a}} value=\"{{v}}\">\n",
                           {"a", page_input_attrs(r, f, "presidence", true), true},
                           {"v", post ? page_form_value(r, "presidence") : NULL, false}));
    page_field(
        p, f, "site", "Site", NULL,
        PAGE_RENDER(
            r, "<select{{a}}>\n{{o}}</select>\n",
            {"a", page_input_attrs(r, f, "site", false), true},
            {"o", page_options(r, codes, labels, k, post ? page_form_value(r, "site") : NULL, NULL),
             true}));
    page_html(p, "<button type=\"submit\">Créer la séance</button>\n</form>\n</section>\n");
}

static int sessions_page(struct http_request *r, int status, const struct page_form *f,
                         struct err *e)
{
    int64_t years[64];
    size_t ny = 0, nopen = 0, nclosed = 0;
    struct session_line *open = NULL, *closed = NULL;
    const char *made = r->route->method == HTTP_GET ? http_str(r, "creee") : NULL;
    int64_t year;
    struct page p;

    if (session_years(r, years, ARRAY_SIZE(years), &ny, e) != 0)
        return -1;
    year = r->route->method == HTTP_GET ? http_int(r, "annee", ny ? years[0] : 0)
                                        : (ny ? years[0] : 0);
    if (sessions_list(r, true, 0, &open, &nopen, e) != 0 ||
        sessions_list(r, false, year, &closed, &nclosed, e) != 0)
        return -1;
    page_init(&p, r, "Séances de commission");
    p.nav = "/seances";
    if (made)
        PAGE_TPL(&p,
                 "<div class=\"message-succes\" role=\"status\"><p>Séance <a "
                 "href=\"/seances/{{id}}\">{{id}}</a> créée.</p></div>\n",
                 {"id", made, false});
    page_form_summary(&p, f);
    page_html(&p, "<section aria-labelledby=\"titre-a-tenir\">\n<h2 id=\"titre-a-tenir\">Séances "
                  "à tenir</h2>\n");
    if (!nopen)
        page_html(&p, "<p>Aucune séance à tenir sur vos sites.</p>\n");
    else
        sessions_table(&p, "seances-a-tenir",
                       "Séances à tenir, de la plus proche à la plus "
                       "lointaine",
                       open, nopen);
    page_html(&p, "</section>\n");
    if (can_manage(r))
        create_form(&p, f);
    if (!ny)
        return page_send(&p, status);
    PAGE_TPL(&p,
             "<section aria-labelledby=\"titre-closes\">\n<h2 id=\"titre-closes\">Séances "
             "closes en {{y}}</h2>\n",
             {"y", arena_printf(&r->arena, "%lld", (long long)year), false});
    if (ny > 1) {
        page_html(&p, "<nav aria-label=\"Année des séances closes\"><ul class=\"liens-annees\">\n");
        for (size_t i = 0; i < ny; i++)
            PAGE_TPL(&p, "<li><a href=\"/seances?annee={{y}}\"{{cur}}>{{y}}</a></li>\n",
                     {"y", arena_printf(&r->arena, "%lld", (long long)years[i]), false},
                     {"cur", years[i] == year ? " aria-current=\"page\"" : "", true});
        page_html(&p, "</ul></nav>\n");
    }
    if (!nclosed)
        page_html(&p, "<p>Aucune séance close cette année-là sur vos sites.</p>\n");
    else
        sessions_table(&p, "seances-closes",
                       "Séances closes, de la plus récente à la plus "
                       "ancienne",
                       closed, nclosed);
    page_html(&p, "</section>\n");
    return page_send(&p, status);
}

static int sessions_get(struct http_request *r, struct err *e)
{
    struct page_form f = {0};
    return sessions_page(r, 200, &f, e);
}

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
    struct page_form f = {0};
    struct create_arg a = {page_form_value(r, "commission"), page_form_value(r, "date"),
                           page_form_value(r, "presidence"), page_form_value(r, "site"), NULL};
    date_t day;
    struct err sub;

    err_clear(&sub);
    if (!a.commission)
        page_form_error(r, &f, "commission", "indiquez le nom de la commission");
    if (!a.date)
        page_form_error(r, &f, "date", "indiquez la date de la séance");
    else if (date_parse_iso(a.date, strlen(a.date), &day, &sub) != 0)
        page_form_error(r, &f, "date", "date de la séance au format AAAA-MM-JJ attendue");
    if (!a.chair)
        page_form_error(r, &f, "presidence", "indiquez qui préside la séance");
    if (!a.site)
        page_form_error(r, &f, "site", "choisissez le site de la séance");
    if (f.n)
        return sessions_page(r, 400, &f, e);
    if (case_run(http_case(r), do_create, &a, e) != 0) {
        if (e->code != ERR_INVALID && e->code != ERR_CONFLICT && e->code != ERR_USAGE &&
            e->code != ERR_NOT_FOUND)
            return -1;
        page_form_error(r, &f, strstr(e->message, "date") ? "date" : NULL, e->message);
        err_clear(e);
        return sessions_page(r, 422, &f, e);
    }
    return page_redirect(r, arena_printf(&r->arena, "/seances?creee=%s", a.id));
}

const struct http_route page_seance_routes[] = {
    {HTTP_GET, "/seances", HTTP_HTML, HTTP_BODY_NONE, .auth = true, .capability = "dossier.lire",
     .object = "seance", .params = list_params, .nparams = ARRAY_SIZE(list_params),
     .handler = sessions_get,
     .summary = "séances de commission des sites de l'agent (page, sans donnée personnelle)"},
    {HTTP_POST, "/seances", HTTP_HTML, HTTP_BODY_FORM, .auth = true,
     .capability = "commission.gerer", .object = "seance", .params = create_params,
     .nparams = ARRAY_SIZE(create_params), .handler = session_create,
     .summary = "créer une séance de commission (formulaire)"},
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

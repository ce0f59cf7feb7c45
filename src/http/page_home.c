/*
 * page_home.c: the agent's home page (GET /): the month's and the year's
 * key figures of the agent's site, computed by the indicator engine (the
 * same definitions as the activity report), with one server-drawn SVG bar
 * chart and its data table; and the reception counter (/accueil), where one
 * button records an "accueil physique" or "accueil téléphonique" act with its
 * motive at the agent's site.
 *
 * The figures are not worth a pass over the whole dictionary per page:
 * the engine is given a dictionary of the home page's indicators only
 * (only their sources are scanned), and the result of a (grid, year) is
 * kept in struct http_home_cache until the journal's head moves (every
 * change of the data appends to the journal, so an unchanged head means
 * unchanged figures). One computation per key at a time: the others wait
 * for it rather than start their own.
 */
#include "core/compat.h"
#include "http/page.h"

#include <pthread.h>

#include "case/run.h"
#include "indic/indic.h"
#include "http/response.h"

/* The figures of the home page, in this order. */
static const char *const home_codes[] = {
    "su_accordes",         "su_montant",      "accueils_physiques", "accueils_telephoniques",
    "fsl_aides_accordees", "afase_accordees",
};
#define CHART_CODE "su_accordes"

#define NCODES    ARRAY_SIZE(home_codes)
#define CACHE_MAX 8 /* (grid, year) kept: the engine's grids, this year and the last */

/* What the page shows of one site: each code's months (0: the year), or absent. */
struct home_figures {
    bool present[NCODES];
    int64_t v[NCODES][INDIC_MONTHS];
};

struct cache_entry {
    char grid[32];
    int year;
    bool valid;     /* res holds the figures as of journal head seq */
    bool computing; /* a thread is computing them (outside the lock) */
    int64_t seq;
    uint64_t used; /* for eviction: the least recently used goes */
    struct arena arena;
    struct indic_result res;
};

struct http_home_cache {
    struct indic_dict dict; /* the home page's definitions (copies), in its own arena */
    pthread_mutex_t lock;
    pthread_cond_t done; /* a computation ended */
    uint64_t clock;
    struct cache_entry entries[CACHE_MAX];
};

struct http_home_cache *http_home_cache_new(const struct indic_dict *d)
{
    struct http_home_cache *c = calloc(1, sizeof(*c));

    if (!c)
        die_nomem(sizeof(*c));
    arena_init(&c->dict.arena, 4096);
    c->dict.defs = arena_calloc(&c->dict.arena, NCODES, sizeof(*c->dict.defs));
    for (size_t i = 0; i < NCODES; i++) {
        const struct indic_def *def = indic_find(d, home_codes[i]);
        /* a ratio or a sum needs its terms: the whole dictionary then */
        if (def && (def->source == SRC_RAPPORT || def->source == SRC_SOMME)) {
            c->dict.ndefs = 0;
            break;
        }
        if (def)
            c->dict.defs[c->dict.ndefs++] = *def;
    }
    if (c->dict.ndefs == 0) {
        arena_release(&c->dict.arena);
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->done, NULL);
    return c;
}

void http_home_cache_free(struct http_home_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < CACHE_MAX; i++)
        if (c->entries[i].used)
            arena_release(&c->entries[i].arena);
    pthread_cond_destroy(&c->done);
    pthread_mutex_destroy(&c->lock);
    arena_release(&c->dict.arena);
    free(c);
}

/* The journal's head: what every change of the data moves. */
static int journal_seq(struct store *s, int64_t *seq, struct err *e)
{
    struct store_stmt *q = store_prepare(s, "SELECT seq FROM journal_head WHERE id = 1", e);
    int rc;

    if (!q)
        return -1;
    *seq = 0;
    rc = store_step(q, e);
    if (rc == STORE_ROW)
        *seq = store_column_int64(q, 0);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Copy what the page shows of site (code on grid) out of res. */
static void figures_from(const struct indic_result *res, const char *grid, const char *site,
                         struct home_figures *out)
{
    size_t area = strcmp(grid, INDIC_DEPARTEMENT) ? indic_result_area(res, site) : res->nareas;

    if (area == SIZE_MAX)
        area = res->nareas;
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < NCODES; i++) {
        size_t k = indic_result_index(res, home_codes[i]);
        if (k == SIZE_MAX)
            continue;
        out->present[i] = true;
        for (int m = 0; m < INDIC_MONTHS; m++)
            out->v[i][m] = indic_value(res, k, area, m);
    }
}

/* The entry of (grid, year), made if missing (the least used idle one evicted); NULL: all busy. */
static struct cache_entry *cache_slot(struct http_home_cache *c, const char *grid, int year)
{
    struct cache_entry *victim = NULL;

    for (size_t i = 0; i < CACHE_MAX; i++) {
        struct cache_entry *x = &c->entries[i];
        if (x->used && x->year == year && !strcmp(x->grid, grid))
            return x;
        if (!x->computing && (!victim || x->used < victim->used))
            victim = x;
    }
    if (!victim)
        return NULL;
    if (victim->used)
        arena_release(&victim->arena);
    memset(victim, 0, sizeof(*victim));
    snprintf(victim->grid, sizeof(victim->grid), "%s", grid);
    victim->year = year;
    victim->used = ++c->clock;
    return victim;
}

/*
 * The figures of site on grid for year: from the cache when it holds them
 * as of the journal's head, else computed (by this thread, or by the one
 * already at it, which this one waits for).
 */
static int home_figures_get(struct http_request *r, const char *grid, const char *site, int year,
                            struct home_figures *out, struct err *e)
{
    struct http_home_cache *c = r->app->home;
    struct cache_entry *x;
    struct arena a;
    struct indic_result res;
    int64_t seq;
    int rc;

    if (!c) {
        if (indic_compute(r->store, &r->app->dict, &r->app->cat, year, grid, &r->arena, &res, e) !=
            0)
            return -1;
        figures_from(&res, grid, site, out);
        return 0;
    }
    if (journal_seq(r->store, &seq, e) != 0)
        return -1;
    pthread_mutex_lock(&c->lock);
    for (;;) {
        x = cache_slot(c, grid, year);
        if (x && x->valid && x->seq >= seq) {
            x->used = ++c->clock;
            figures_from(&x->res, grid, site, out);
            pthread_mutex_unlock(&c->lock);
            return 0;
        }
        if (x && !x->computing)
            break;
        pthread_cond_wait(&c->done, &c->lock); /* someone is computing it (or every slot) */
    }
    x->computing = true;
    pthread_mutex_unlock(&c->lock);

    /* seq was read before: the figures are at least as fresh as it says */
    arena_init(&a, 1u << 16);
    rc = indic_compute(r->store, &c->dict, &r->app->cat, year, grid, &a, &res, e);

    pthread_mutex_lock(&c->lock);
    x->computing = false;
    if (rc == 0) {
        figures_from(&res, grid, site, out);
        if (x->valid)
            arena_release(&x->arena);
        x->arena = a;
        x->res = res;
        x->seq = seq;
        x->valid = true;
        x->used = ++c->clock;
    }
    pthread_cond_broadcast(&c->done);
    pthread_mutex_unlock(&c->lock);
    if (rc != 0)
        arena_release(&a);
    return rc;
}

static const char *const month_names[] = {"janvier",   "février", "mars",     "avril",
                                          "mai",       "juin",    "juillet",  "août",
                                          "septembre", "octobre", "novembre", "décembre"};
static const char *const month_short[] = {"janv.", "févr.", "mars",  "avr.", "mai",  "juin",
                                          "juil.", "août",  "sept.", "oct.", "nov.", "déc."};

/* The agent's first site on a grid the engine knows (an MDS, usually). */
static const struct access_grant *home_grant(const struct http_request *r)
{
    for (size_t i = 0; i < r->user.ngrants; i++)
        if (indic_grid_known(r->user.grants[i].site_grid))
            return &r->user.grants[i];
    return NULL;
}

static const char *value_text(struct http_request *r, const struct indic_def *def, int64_t v)
{
    struct strbuf sb;
    const char *out;

    strbuf_init(&sb, 128);
    indic_value_format(&sb, def->unit, def->scale, v);
    out = arena_strdup(&r->arena, sb.buf);
    strbuf_release(&sb);
    return out;
}

/* Twelve vertical bars, one per month, with their values; the table follows. */
static void month_chart(struct page *p, const struct indic_def *def, const int64_t *v, int year)
{
    struct http_request *r = p->r;
    int64_t max = 1;
    const double w = 640, h = 240, left = 40, bottom = 200, top = 20;
    const double slot = (w - left - 10) / 12;

    for (int m = 0; m < 12; m++)
        if (v[m] != INDIC_UNDEFINED && v[m] > max)
            max = v[m];
    PAGE_TPL(p,
             "<figure class=\"graphique\">\n"
             "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 240\" role=\"img\" "
             "aria-labelledby=\"graph-titre graph-desc\" focusable=\"false\">\n"
             "<title id=\"graph-titre\">{{label}} par mois en {{year}}</title>\n"
             "<desc id=\"graph-desc\">Diagramme en barres ; les valeurs sont dans le tableau "
             "qui suit.</desc>\n"
             "<line x1=\"40\" y1=\"200\" x2=\"630\" y2=\"200\" stroke=\"#3a3a3a\"/>\n",
             {"label", def->label, false}, {"year", arena_printf(&r->arena, "%d", year), false});
    for (int m = 0; m < 12; m++) {
        int64_t x = v[m] == INDIC_UNDEFINED ? 0 : v[m];
        double bh = (bottom - top - 20) * (double)x / (double)max;
        double bx = left + slot * m + slot * 0.15;
        strbuf_addf(&p->body,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                    "fill=\"#1f4e79\"/>\n",
                    bx, bottom - bh, slot * 0.7, bh);
        PAGE_TPL(p,
                 "<text x=\"{{x}}\" y=\"{{y}}\" text-anchor=\"middle\" font-size=\"12\" "
                 "fill=\"#1e1e1e\">{{v}}</text>\n"
                 "<text x=\"{{x}}\" y=\"218\" text-anchor=\"middle\" font-size=\"12\" "
                 "fill=\"#1e1e1e\">{{m}}</text>\n",
                 {"x", arena_printf(&r->arena, "%.1f", bx + slot * 0.35), false},
                 {"y", arena_printf(&r->arena, "%.1f", bottom - bh - 4), false},
                 {"v", value_text(r, def, v[m]), false}, {"m", month_short[m], false});
    }
    (void)h;
    page_html(p, "</svg>\n</figure>\n");
    PAGE_TPL(p,
             "<table class=\"donnees\">\n<caption>{{label}} par mois en {{year}} (données du "
             "graphique)</caption>\n<thead><tr><th scope=\"col\">Mois</th><th scope=\"col\" "
             "class=\"nombre\">{{label}}</th></tr></thead>\n<tbody>\n",
             {"label", def->label, false}, {"year", arena_printf(&r->arena, "%d", year), false});
    for (int m = 0; m < 12; m++)
        PAGE_TPL(p, "<tr><th scope=\"row\">{{m}}</th><td class=\"nombre\">{{v}}</td></tr>\n",
                 {"m", month_names[m], false}, {"v", value_text(r, def, v[m]), false});
    page_html(p, "</tbody>\n</table>\n");
}

static int home(struct http_request *r, struct err *e)
{
    const struct access_grant *g = home_grant(r);
    date_t today = paris_today();
    int year, month, day;
    struct home_figures fig;
    struct page p;

    date_to_ymd(today, &year, &month, &day);
    page_init(&p, r, "Tableau de bord");
    p.nav = "/";
    if (!g || !r->app->has_dict) {
        page_html(&p, "<p>Aucun chiffre à afficher : votre compte n'est rattaché à aucun site "
                      "(MDS, territoire) ou le dictionnaire des indicateurs n'est pas chargé.</p>\n"
                      "<p><a href=\"/personnes\">Rechercher une personne</a></p>\n");
        return page_send(&p, 200);
    }
    if (home_figures_get(r, g->site_grid, g->site_code, year, &fig, e) != 0) {
        page_release(&p);
        return -1;
    }
    PAGE_TPL(&p,
             "<p class=\"chapeau\">Chiffres clés de {{site}} : {{month}} {{year}} et année "
             "{{year}} jusqu'au {{today}}. Ils sont calculés avec les définitions du rapport "
             "d'activité.</p>\n"
             "<ul class=\"raccourcis\"><li><a href=\"/personnes\">Rechercher une "
             "personne</a></li><li><a href=\"/accueil\">Enregistrer un accueil</a></li></ul>\n"
             "<table class=\"donnees chiffres-cles\" id=\"chiffres-cles\">\n"
             "<caption>Chiffres clés de {{site}}</caption>\n<thead><tr><th "
             "scope=\"col\">Indicateur</th><th scope=\"col\" class=\"nombre\">{{month}} "
             "{{year}}</th><th scope=\"col\" class=\"nombre\">Année {{year}}</th></tr></thead>\n"
             "<tbody>\n",
             {"site", page_site_label(r, g->site_grid, g->site_code), false},
             {"month", month_names[month - 1], false},
             {"year", arena_printf(&r->arena, "%d", year), false},
             {"today", page_date(r, arena_printf(&r->arena, "%04d-%02d-%02d", year, month, day)),
              false});
    for (size_t i = 0; i < NCODES; i++) {
        const struct indic_def *def = indic_find(&r->app->dict, home_codes[i]);
        if (!def || !fig.present[i])
            continue;
        PAGE_TPL(&p,
                 "<tr data-indicateur=\"{{code}}\"><th scope=\"row\">{{label}}</th>"
                 "<td class=\"nombre\" data-periode=\"mois\">{{m}}</td>"
                 "<td class=\"nombre\" data-periode=\"annee\">{{y}}</td></tr>\n",
                 {"code", def->code, false}, {"label", def->label, false},
                 {"m", value_text(r, def, fig.v[i][month]), false},
                 {"y", value_text(r, def, fig.v[i][0]), false});
    }
    page_html(&p, "</tbody>\n</table>\n");
    {
        const struct indic_def *def = indic_find(&r->app->dict, CHART_CODE);
        size_t k = 0;
        while (k < NCODES && strcmp(home_codes[k], CHART_CODE))
            k++;
        if (def && k < NCODES && fig.present[k]) {
            page_html(&p, "<h2>Secours d'urgence accordés, mois par mois</h2>\n");
            month_chart(&p, def, &fig.v[k][1], year);
        }
    }
    return page_send(&p, 200);
}

/* ---- /accueil ---- */

static const char *const act_kinds[] = {"accueil_physique", "accueil_telephonique", NULL};

static const struct http_param reception_get_params[] = {
    {"enregistre", HTTP_IN_QUERY, HTTP_T_CHOICE, false, .choices = act_kinds,
     .doc = "l'acte qui vient d'être enregistré"},
    {"acte", HTTP_IN_QUERY, HTTP_T_ID, false, .doc = "son identifiant"},
};

static const struct http_param reception_post_params[] = {
    {"type", HTTP_IN_BODY, HTTP_T_CHOICE, true, .choices = act_kinds,
     .doc = "accueil_physique ou accueil_telephonique"},
    /* the motive comes in motif-<type> (one select per form), read in the handler */
};

static const struct access_grant *act_grant(const struct http_request *r)
{
    for (size_t i = 0; i < r->user.ngrants; i++) {
        const struct catalog_role *role = catalog_role(&r->app->cat, r->user.grants[i].role);
        if (role && catalog_role_can(role, "acte.enregistrer"))
            return &r->user.grants[i];
    }
    return NULL;
}

static int reception_form(struct http_request *r, int status, const struct page_form *f,
                          const char *failed_kind)
{
    const struct access_grant *g = act_grant(r);
    const char *done = r->route->method == HTTP_GET ? http_str(r, "enregistre") : NULL;
    struct page p;

    page_init(&p, r, "Accueil du public");
    p.nav = "/accueil";
    if (done) {
        const struct catalog_dispositif *d = catalog_find(&r->app->cat, done);
        PAGE_TPL(&p,
                 "<div class=\"message-succes\" role=\"status\"><p>{{what}} enregistré "
                 "({{id}}).</p></div>\n",
                 {"what", d ? d->label : done, false},
                 {"id", http_str(r, "acte") ? http_str(r, "acte") : "", false});
    }
    page_form_summary(&p, f);
    PAGE_TPL(&p,
             "<p>Chaque accueil est compté pour {{site}}, à la date du jour, sans donnée "
             "personnelle. Choisissez le motif puis appuyez sur le bouton.</p>\n",
             {"site", g ? page_site_label(r, g->site_grid, g->site_code) : "votre site", false});
    for (size_t k = 0; act_kinds[k]; k++) {
        const struct catalog_dispositif *d = catalog_find(&r->app->cat, act_kinds[k]);
        const struct catalog_fact *fact = d ? catalog_fact(d, "motif") : NULL;
        const char *id = arena_printf(&r->arena, "motif-%s", act_kinds[k]);
        struct strbuf sel;
        const struct page_form *ff = failed_kind && !strcmp(failed_kind, act_kinds[k]) ? f : NULL;
        if (!d)
            continue;
        strbuf_init(&sel, 8192);
        PAGE_TPL(&p,
                 "<section class=\"carte\" aria-labelledby=\"titre-{{kind}}\">\n"
                 "<h2 id=\"titre-{{kind}}\">{{label}}</h2>\n"
                 "<form method=\"post\" action=\"/accueil\" class=\"formulaire\">\n{{csrf}}"
                 "<input type=\"hidden\" name=\"type\" value=\"{{kind}}\">\n",
                 {"kind", act_kinds[k], false}, {"label", d->label, false},
                 {"csrf", page_csrf(r), true});
        strbuf_addstr(&sel, "<option value=\"\">Choisir un motif</option>\n");
        for (size_t i = 0; fact && i < fact->nchoices; i++) {
            strbuf_addstr(&sel, "<option value=\"");
            http_html_escape_str(&sel, fact->choices[i]);
            strbuf_addstr(&sel, "\">");
            {
                const char *label = catalog_choice_label(fact, fact->choices[i]);
                http_html_escape_str(&sel, label ? label : fact->choices[i]);
            }
            strbuf_addstr(&sel, "</option>\n");
        }
        page_field(&p, ff, id, fact ? fact->label : "Motif", NULL,
                   PAGE_RENDER(r, "<select{{attrs}} required>\n{{options}}</select>\n",
                               {"attrs", page_input_attrs(r, ff, id, false), true},
                               {"options", sel.buf, true}));
        strbuf_release(&sel);
        PAGE_TPL(&p,
                 "<button type=\"submit\">Enregistrer un {{short}}</button>\n</form>\n"
                 "</section>\n",
                 {"short", k == 0 ? "accueil physique" : "accueil téléphonique", false});
    }
    return page_send(&p, status);
}

static int reception_get(struct http_request *r, struct err *e)
{
    struct page_form f = {0};

    (void)e;
    return reception_form(r, 200, &f, NULL);
}

struct act_arg {
    struct case_act_input in;
    const char *id;
};

static int do_act(struct case_ctx *c, void *arg, struct err *e)
{
    struct act_arg *a = arg;
    return case_act_record(c, &a->in, &a->id, e);
}

static int reception_post(struct http_request *r, struct err *e)
{
    const char *kind = http_str(r, "type");
    const char *field = arena_printf(&r->arena, "motif-%s", kind);
    const char *motive = NULL;
    const struct access_grant *g = act_grant(r);
    const struct catalog_dispositif *d = catalog_find(&r->app->cat, kind);
    const struct catalog_fact *fact = d ? catalog_fact(d, "motif") : NULL;
    struct page_form f = {0};
    struct act_arg a;
    json_t *facts;
    int rc;

    /* the select of each form is named motif-<type> */
    for (size_t i = 0; i < r->form.n; i++)
        if (!strcmp(r->form.v[i].name, field) && r->form.v[i].value_len)
            motive = r->form.v[i].value;
    if (!motive) {
        page_form_error(r, &f, field, "choisissez le motif de l'accueil");
        return reception_form(r, 400, &f, kind);
    }
    {
        bool known = false;
        for (size_t i = 0; fact && i < fact->nchoices; i++)
            if (!strcmp(fact->choices[i], motive))
                known = true;
        if (!known) {
            page_form_error(r, &f, field, "motif inconnu : choisissez un motif de la liste");
            return reception_form(r, 400, &f, kind);
        }
    }
    memset(&a, 0, sizeof(a));
    a.in.dispositif = kind;
    a.in.site = g ? arena_printf(&r->arena, "%s:%s", g->site_grid, g->site_code) : NULL;
    facts = json_pack("{s:s}", "motif", motive);
    a.in.facts = facts;
    rc = case_run(http_case(r), do_act, &a, e);
    json_decref(facts);
    if (rc != 0) {
        if (e->code != ERR_INVALID && e->code != ERR_CONFLICT)
            return -1;
        page_form_error(r, &f, field, e->message);
        err_clear(e);
        return reception_form(r, 422, &f, kind);
    }
    return page_redirect(r, arena_printf(&r->arena, "/accueil?enregistre=%s&acte=%s", kind, a.id));
}

const struct http_route page_home_routes[] = {
    {HTTP_GET, "/", HTTP_HTML, HTTP_BODY_NONE, .auth = true, .handler = home,
     .summary = "tableau de bord du site de l'agent (chiffres clés)"},
    {HTTP_GET, "/accueil", HTTP_HTML, HTTP_BODY_NONE, .auth = true,
     .capability = "acte.enregistrer", .object = "acte", .params = reception_get_params,
     .nparams = ARRAY_SIZE(reception_get_params), .handler = reception_get,
     .summary = "guichet d'accueil : enregistrer un accueil physique ou téléphonique"},
    {HTTP_POST, "/accueil", HTTP_HTML, HTTP_BODY_FORM, .auth = true,
     .capability = "acte.enregistrer", .object = "acte", .params = reception_post_params,
     .nparams = ARRAY_SIZE(reception_post_params), .handler = reception_post,
     .summary = "enregistrer un accueil (formulaire)"},
};
const size_t page_home_nroutes = ARRAY_SIZE(page_home_routes);

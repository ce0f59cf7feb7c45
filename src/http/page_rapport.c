/*
 * page_rapport.c: the activity report in the agents' application.
 * /rapport?annee=2022 has the report model built by report_model_for_year,
 * the same assembly as `proxima report` (frozen values of a closed year,
 * else computed; data/rapport/rapport.json), and shows its MDS table inside
 * the layout, with a link to the complete report
 * (/rapport/document?annee=2022: the report renderer's HTML document).
 * Each figure of an MDS on which the agent may read dossiers (dossier.lire
 * for every data class behind it) links to
 * /indicateurs/:code/dossiers?annee=&grille=mds&zone=, the dossiers and
 * acts counted by the figure (indic_explain) as links to their pages; that
 * listing is checked and logged like `proxima indicateurs explain --as`.
 */
#include "core/compat.h"
#include "http/page.h"

#include <ctype.h>

#include "http/response.h"
#include "indic/indic.h"
#include "report/report.h"

static const struct http_param year_params[] = {
    {"annee", HTTP_IN_QUERY, HTTP_T_INT, true, .min = 1900, .max = 2999,
     .doc = "année civile (2022)"},
};

static const char *const grids[] = {"mds", "mdadt", "departement", NULL};

static const struct http_param explain_params[] = {
    {"code", HTTP_IN_PATH, HTTP_T_CODE, true, .doc = "code de l'indicateur (su_accordes)"},
    {"annee", HTTP_IN_QUERY, HTTP_T_INT, true, .min = 1900, .max = 2999,
     .doc = "année civile (2022)"},
    {"grille", HTTP_IN_QUERY, HTTP_T_CHOICE, false, .choices = grids,
     .doc = "découpage : mds, mdadt ou departement (par défaut)"},
    {"zone", HTTP_IN_QUERY, HTTP_T_CODE, false, .doc = "code de la zone (calaisis)"},
    {"mois", HTTP_IN_QUERY, HTTP_T_INT, false, .min = 0, .max = 12,
     .doc = "mois 1 à 12 ; 0 ou absent : l'année entière"},
};

static int no_dict(struct http_request *r, struct err *e)
{
    err_set(e, ERR_INTERNAL, "le dictionnaire des indicateurs n'a pas pu être chargé au démarrage");
    return err_hint(e, "vérifiez data/indicateurs avec « proxima indicateurs list », puis "
                       "redémarrez le serveur");
}

/* The report model of year in r's arena (report_model_for_year: *b to release after use). */
static struct report_model *build_model(struct http_request *r, int year, struct report_basis *b,
                                        struct err *e)
{
    return report_model_for_year(b, r->store, year, &r->app->dict, &r->app->cat,
                                 r->app->cfg.data_dir, &r->arena, e);
}

/* May the agent list the dossiers behind def in area (indic_may_list_rows)? */
static int may_list(struct http_request *r, const struct indic_def *def, const char *grid,
                    const char *area, bool log, const char **grant, struct err *e)
{
    return indic_may_list_rows(r->store, &r->app->dict, &r->app->cat, &r->user, def, grid, area,
                               log, &r->arena, grant, e);
}

static int rapport_get(struct http_request *r, struct err *e)
{
    int year = (int)http_int(r, "annee", 0);
    struct report_basis basis;
    struct report_model *m;
    struct page p;

    if (!r->app->has_dict)
        return no_dict(r, e);
    if (!(m = build_model(r, year, &basis, e)))
        return -1;
    page_init(&p, r, m->title);
    p.nav = "/";
    page_crumb(&p, "Tableau de bord", "/");
    PAGE_TPL(&p,
             "<p>{{closed}} Généré le {{gen}}.</p>\n<p><a href=\"/rapport/document?annee={{y}}\">"
             "Rapport complet {{y}} (document HTML : sections, territoires, cohérence, "
             "méthodologie)</a></p>\n",
             {"closed",
              m->closed ? "Année close : les valeurs sont figées."
                        : "Année ouverte : les valeurs sont calculées sur les données du jour.",
              false},
             {"gen", page_date(r, m->generated), false},
             {"y", arena_printf(&r->arena, "%d", year), false});
    PAGE_TPL(&p, "<section aria-labelledby=\"titre-mds\">\n<h2 id=\"titre-mds\">{{t}}</h2>\n",
             {"t", m->mds_title ? m->mds_title : "Par maison du Département solidarité", false});
    if (m->mds_intro)
        PAGE_TPL(&p, "<p>{{t}}</p>\n", {"t", m->mds_intro, false});
    page_html(&p, "<p>Un chiffre en lien ouvre la liste des dossiers ou des actes qu'il compte "
                  "(consultation enregistrée au journal des accès).</p>\n");
    PAGE_TPL(&p,
             "<div class=\"defilement\" role=\"region\" aria-labelledby=\"legende-mds\" "
             "tabindex=\"0\">\n<table class=\"donnees\" id=\"tableau-mds\">\n<caption "
             "id=\"legende-mds\">Indicateurs {{y}} par MDS et pour le département</caption>\n"
             "<thead><tr><th scope=\"col\">Indicateur</th>",
             {"y", arena_printf(&r->arena, "%d", year), false});
    for (size_t j = 0; j < m->nmds_areas; j++)
        PAGE_TPL(&p, "<th scope=\"col\" class=\"nombre\">{{n}}</th>",
                 {"n", m->mds_areas[j].name, false});
    page_html(&p, "<th scope=\"col\" class=\"nombre\">Département</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < m->nmds_rows; i++) {
        const struct report_mds_row *row = &m->mds_rows[i];
        if (row->group)
            PAGE_TPL(
                &p,
                "<tr class=\"groupe\"><th scope=\"rowgroup\" colspan=\"{{c}}\">{{g}}</th></tr>\n",
                {"c", arena_printf(&r->arena, "%zu", m->nmds_areas + 2), false},
                {"g", row->group, false});
        PAGE_TPL(&p, "<tr data-indicateur=\"{{code}}\"><th scope=\"row\">{{l}}</th>",
                 {"code", row->def->code, false}, {"l", row->def->label, false});
        for (size_t j = 0; j < m->nmds_areas; j++) {
            const struct report_value *v = &row->cells[j];
            const char *grant;
            struct err sub;
            err_clear(&sub);
            if (v->defined &&
                may_list(r, row->def, "mds", m->mds_areas[j].code, false, &grant, &sub) == 0)
                PAGE_TPL(&p,
                         "<td class=\"nombre\"><a href=\"/indicateurs/{{code}}/dossiers?annee="
                         "{{y}}&amp;grille=mds&amp;zone={{z}}\" aria-label=\"{{v}} : {{l}}, "
                         "{{zn}}, liste des dossiers\">{{v}}</a></td>",
                         {"code", row->def->code, false},
                         {"y", arena_printf(&r->arena, "%d", year), false},
                         {"z", m->mds_areas[j].code, false}, {"v", v->text, false},
                         {"l", row->def->label, false}, {"zn", m->mds_areas[j].name, false});
            else
                PAGE_TPL(&p, "<td class=\"nombre\">{{v}}</td>", {"v", v->text, false});
        }
        PAGE_TPL(&p, "<td class=\"nombre\">{{v}}</td></tr>\n",
                 {"v", row->cells[m->nmds_areas].text, false});
    }
    page_html(&p, "</tbody>\n</table>\n</div>\n</section>\n");
    report_basis_release(&basis);
    return page_send(&p, 200);
}

static int rapport_document(struct http_request *r, struct err *e)
{
    struct report_basis basis;
    struct report_model *m;
    struct strbuf sb;
    int rc;

    if (!r->app->has_dict)
        return no_dict(r, e);
    if (!(m = build_model(r, (int)http_int(r, "annee", 0), &basis, e)))
        return -1;
    strbuf_init(&sb, 4u << 20);
    rc = report_render_html(m, &sb, e);
    if (rc == 0)
        http_text(r, 200, "text/html; charset=utf-8", sb.buf, sb.len);
    strbuf_release(&sb);
    report_basis_release(&basis);
    return rc;
}

static const char *id_href(struct http_request *r, const char *id)
{
    if (id[0] == 'D')
        return arena_printf(&r->arena, "/dossiers/%s", id);
    if (id[0] == 'P' && isdigit((unsigned char)id[1]))
        return arena_printf(&r->arena, "/personnes/%s", id);
    return NULL;
}

static int explain_get(struct http_request *r, struct err *e)
{
    const char *code = http_str(r, "code");
    const char *grid = http_str(r, "grille") ? http_str(r, "grille") : INDIC_DEPARTEMENT;
    const char *area = http_str(r, "zone");
    int year = (int)http_int(r, "annee", 0), month = (int)http_int(r, "mois", 0);
    const struct indic_def *def;
    const char **ids, *grant = NULL;
    bool site = area && (!strcmp(grid, "mds") || !strcmp(grid, "mdadt"));
    struct access_target t;
    size_t n;
    struct page p;

    if (!r->app->has_dict)
        return no_dict(r, e);
    if (!(def = indic_find(&r->app->dict, code))) {
        err_set(e, ERR_NOT_FOUND, "indicateur inconnu : « %s »", code);
        return err_hint(e, "le rapport d'activité mène aux indicateurs existants");
    }
    if (!strcmp(grid, INDIC_DEPARTEMENT))
        area = NULL;
    else if (!area)
        return err_set(e, ERR_USAGE, "paramètre « zone » manquant pour la grille %s", grid);
    if (may_list(r, def, grid, area, true, &grant, e) != 0)
        return -1;
    if (indic_explain(r->store, &r->app->dict, &r->app->cat, def->code, year, month, grid, area,
                      &r->arena, &ids, &n, e) != 0)
        return -1;
    t = (struct access_target){
        .site_grid = site ? grid : ACCESS_SITE_DEPARTEMENT,
        .site_code = site ? area : "62",
        .object_type = "indicateur",
        .object_id = arena_printf(&r->arena, "%s %d %s:%s mois %d (%zu identifiants)", def->code,
                                  year, grid, area ? area : INDIC_DEPARTEMENT, month, n)};
    if (access_log_append(r->store, r->user.login, "lecture", &t, grant, e) != 0)
        return -1;
    page_init(&p, r, arena_printf(&r->arena, "%s : les dossiers comptés", def->label));
    p.nav = "/";
    page_crumb(&p, "Tableau de bord", "/");
    page_crumb(&p, arena_printf(&r->arena, "Rapport d'activité %d", year),
               arena_printf(&r->arena, "/rapport?annee=%d", year));
    PAGE_TPL(&p,
             "<dl class=\"fiche\">\n<div><dt>Indicateur</dt><dd>{{l}} ({{c}})</dd></div>\n"
             "<div><dt>Définition</dt><dd>{{d}}</dd></div>\n"
             "<div><dt>Période</dt><dd>{{per}}</dd></div>\n"
             "<div><dt>Zone</dt><dd>{{z}}</dd></div>\n</dl>\n"
             "<p id=\"nombre-identifiants\">{{n}} identifiant{{s}} compté{{s}}.</p>\n",
             {"l", def->label, false}, {"c", def->code, false}, {"d", def->definition, false},
             {"per",
              month ? arena_printf(&r->arena, "mois %d de %d", month, year)
                    : arena_printf(&r->arena, "année %d", year),
              false},
             {"z", area ? page_site_label(r, grid, area) : "département", false},
             {"n", page_int(r, (int64_t)n), false}, {"s", n > 1 ? "s" : "", false});
    if (n) {
        page_html(&p, "<ul class=\"identifiants\" id=\"identifiants\">\n");
        for (size_t i = 0; i < n; i++) {
            const char *href = id_href(r, ids[i]);
            if (href)
                PAGE_TPL(&p, "<li><a href=\"{{h}}\">{{id}}</a></li>\n", {"h", href, false},
                         {"id", ids[i], false});
            else
                PAGE_TPL(&p, "<li>{{id}}</li>\n", {"id", ids[i], false});
        }
        page_html(&p, "</ul>\n");
    }
    return page_send(&p, 200);
}

const struct http_route page_rapport_routes[] = {
    {HTTP_GET, "/rapport", HTTP_HTML, HTTP_BODY_NONE, .auth = true,
     .capability = "statistiques.lire", .object = "rapport", .params = year_params,
     .nparams = ARRAY_SIZE(year_params), .handler = rapport_get,
     .summary = "rapport d'activité de l'année : tableau par MDS et liens vers les dossiers"},
    {HTTP_GET, "/rapport/document", HTTP_HTML, HTTP_BODY_NONE, .auth = true,
     .capability = "statistiques.lire", .object = "rapport", .params = year_params,
     .nparams = ARRAY_SIZE(year_params), .handler = rapport_document,
     .summary = "rapport d'activité complet (document HTML du générateur de rapport)"},
    {HTTP_GET, "/indicateurs/:code/dossiers", HTTP_HTML, HTTP_BODY_NONE, .auth = true,
     .capability = "statistiques.lire", .object = "indicateur", .params = explain_params,
     .nparams = ARRAY_SIZE(explain_params), .handler = explain_get,
     .summary = "les dossiers et actes comptés par un chiffre (lecture journalisée)"},
};
const size_t page_rapport_nroutes = ARRAY_SIZE(page_rapport_routes);

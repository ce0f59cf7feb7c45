/*
 * html.c: the report as one self-contained, accessible HTML page.
 *
 * lang="fr", a header with the collectivity's name, a table of contents,
 * one h2 per section and h3 per group, tables with <caption> and <th
 * scope>, SVG charts (svg.c) each followed by its data table, the
 * territory profiles, the MDS table, the coherence annex and the
 * methodology annex, where every figure's label links (#def-CODE). The
 * stylesheet is the project's own, inline: sober, contrast of 4.5:1 at
 * least, visible focus, print-friendly. Every string goes through
 * report_html_escape, the only escaping function, once, here.
 */
#include "core/compat.h"
#include "report/report.h"

#include "core/utf8.h"
#include "report/report_int.h"

struct hctx {
    struct strbuf *o;
    const struct report_model *m;
    int charts; /* charts written so far, for unique ids */
};

void report_html_escape(struct strbuf *sb, const char *s)
{
    size_t n = strlen(s), i = 0;

    while (i < n) {
        size_t start = i;
        int32_t cp = utf8_decode(s, n, &i);

        switch (cp) {
        case '&':
            strbuf_addstr(sb, "&amp;");
            break;
        case '<':
            strbuf_addstr(sb, "&lt;");
            break;
        case '>':
            strbuf_addstr(sb, "&gt;");
            break;
        case '"':
            strbuf_addstr(sb, "&quot;");
            break;
        case '\'':
            strbuf_addstr(sb, "&#39;");
            break;
        case -1:
            strbuf_addstr(sb, "\xEF\xBF\xBD");
            break;
        default:
            strbuf_add(sb, s + start, i - start);
        }
    }
}

/* Shorthands: raw markup, escaped text. */
static void put(struct hctx *h, const char *markup)
{
    strbuf_addstr(h->o, markup);
}

static void text(struct hctx *h, const char *s)
{
    report_html_escape(h->o, s);
}

static const char stylesheet[] =
    ":root{--texte:#1b1b1b;--fond:#fff;--accent:#1f4e79;--discret:#595959;--bord:#b8bec6;"
    "--entete:#e8eef5;--focus:#b34700}\n"
    "html{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif;"
    "line-height:1.5;color:var(--texte);background:var(--fond)}\n"
    "body{margin:0}\n"
    ".evitement{position:absolute;left:-10000px;top:0;background:var(--fond);padding:.5rem 1rem}\n"
    ".evitement:focus{left:1rem;top:1rem;z-index:10}\n"
    ".entete{border-bottom:4px solid var(--accent);padding:1rem 2rem}\n"
    ".entete .collectivite{margin:0;font-weight:700;text-transform:uppercase;"
    "letter-spacing:.05em;color:var(--accent)}\n"
    ".entete h1{margin:.25rem 0;font-size:2rem}\n"
    ".entete p{margin:.25rem 0}\n"
    "main,.sommaire{max-width:78rem;margin:0 auto;padding:0 2rem}\n"
    ".sommaire{padding-top:1rem}\n"
    ".sommaire ol{columns:2 20rem;margin:.5rem 0}\n"
    "h2{font-size:1.6rem;border-bottom:2px solid var(--accent);padding-bottom:.25rem;"
    "margin-top:2.5rem}\n"
    "h3{font-size:1.25rem;margin:1.75rem 0 .5rem}\n"
    "a{color:var(--accent);text-underline-offset:.15em}\n"
    "a:hover{text-decoration-thickness:2px}\n"
    "code{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;font-size:.95em}\n"
    ":focus-visible,:target{outline:3px solid var(--focus);outline-offset:2px}\n"
    "table{border-collapse:collapse;margin:.5rem 0 1.25rem;width:100%}\n"
    "caption{text-align:left;font-weight:700;padding:.25rem 0}\n"
    "th,td{border:1px solid var(--bord);padding:.35rem .6rem;text-align:left;vertical-align:top}\n"
    "thead th{background:var(--entete)}\n"
    "tbody th{font-weight:400}\n"
    ".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "tr.dont th{padding-left:2rem}\n"
    "tr.groupe th{background:var(--entete);font-weight:700}\n"
    ".large{font-size:.85rem}\n"
    ".large th,.large td{padding:.3rem .4rem}\n"
    ".large thead th{white-space:normal;vertical-align:bottom}\n"
    ".large tbody th{min-width:13rem}\n"
    ".defilement{overflow-x:auto;margin-bottom:1rem}\n"
    ".graphique{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1.5rem;"
    "align-items:start;margin:1rem 0 1.5rem;border:1px solid var(--bord);padding:1rem}\n"
    ".graphique svg{width:100%;height:auto;max-width:680px}\n"
    ".graphique figcaption{grid-column:1/-1;font-weight:700}\n"
    ".graphique table{margin:0}\n"
    ".territoires{display:grid;grid-template-columns:repeat(auto-fill,minmax(30rem,1fr));"
    "gap:0 2rem}\n"
    ".territoires ul{margin:0;padding-left:1.1rem}\n"
    ".territoires tbody th{width:45%}\n"
    ".note{font-size:.9rem;color:var(--discret)}\n"
    ".calcul{white-space:pre-line;font-size:.9rem}\n"
    ".definition{border-top:1px solid var(--bord);padding-top:.25rem}\n"
    ".definition dl{display:grid;grid-template-columns:12rem 1fr;gap:.25rem 1rem;margin:.5rem 0}\n"
    ".definition dt{font-weight:700}\n"
    ".definition dd{margin:0;white-space:pre-line}\n"
    ".definition dd.modifiee{font-weight:700}\n"
    ".retour{font-size:.9rem}\n"
    "footer{border-top:1px solid var(--bord);margin-top:3rem;padding:1rem 2rem;"
    "color:var(--discret)}\n"
    "footer a{color:var(--accent)}\n"
    "@media (max-width:50rem){.graphique{grid-template-columns:1fr}"
    ".definition dl{grid-template-columns:1fr}}\n"
    "@media print{.evitement,.sommaire,.retour{display:none}"
    "a{color:inherit;text-decoration:none}body{font-size:10pt}"
    "h2{break-before:page}.graphique,tr,.definition{break-inside:avoid}"
    ".defilement{overflow:visible}}\n";

/* "2026-03-16" -> "16/03/2026"; anything else as given. */
static void date_fr(struct hctx *h, const char *iso)
{
    if (strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-') {
        char fr[11] = {iso[8], iso[9], '/', iso[5], iso[6], '/', iso[0], iso[1], iso[2], iso[3], 0};
        text(h, fr);
    } else {
        text(h, iso);
    }
}

/* The label of a figure as a link to its definition. */
static void def_link(struct hctx *h, const struct indic_def *d)
{
    put(h, "<a href=\"#def-");
    text(h, d->code);
    put(h, "\">");
    text(h, d->label);
    put(h, "</a>");
}

static void num_cell(struct hctx *h, const struct report_value *v)
{
    put(h, "<td class=\"num\">");
    text(h, v->text);
    put(h, "</td>");
}

static void back_to_top(struct hctx *h)
{
    put(h, "<p class=\"retour\"><a href=\"#sommaire\">Retour au sommaire</a></p>\n");
}

static void header(struct hctx *h)
{
    const struct report_model *m = h->m;

    put(h, "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    text(h, m->title);
    put(h, " – ");
    text(h, m->collectivite);
    put(h, "</title>\n<style>\n");
    put(h, stylesheet);
    put(h, "</style>\n</head>\n<body>\n"
           "<a class=\"evitement\" href=\"#contenu\">Aller au contenu</a>\n"
           "<header class=\"entete\">\n<p class=\"collectivite\">");
    text(h, m->collectivite);
    put(h, "</p>\n<h1>");
    text(h, m->title);
    put(h, "</h1>\n<p>");
    if (m->closed) {
        put(h, "Exercice clos : les chiffres sont ceux figés à la clôture de l'année.");
    } else {
        put(h, "Exercice non clos : chiffres provisoires, calculés le ");
        date_fr(h, m->generated);
        put(h, ".");
    }
    put(h, " Chaque libellé renvoie à la définition du chiffre en annexe.</p>\n</header>\n");
}

static void toc(struct hctx *h)
{
    const struct report_model *m = h->m;

    put(h, "<nav class=\"sommaire\" id=\"sommaire\" aria-labelledby=\"sommaire-titre\">\n"
           "<h2 id=\"sommaire-titre\">Sommaire</h2>\n<ol>\n");
    for (size_t s = 0; s < m->nsections; s++) {
        put(h, "<li><a href=\"#s-");
        text(h, m->sections[s].id);
        put(h, "\">");
        text(h, m->sections[s].title);
        put(h, "</a></li>\n");
    }
    put(h, "<li><a href=\"#territoires\">");
    text(h, m->terr_title);
    put(h, "</a></li>\n<li><a href=\"#mds\">");
    text(h, m->mds_title);
    put(h, "</a></li>\n<li><a href=\"#coherence\">");
    text(h, m->coh_title);
    put(h, "</a></li>\n<li><a href=\"#methodologie\">Annexe : définitions des chiffres</a></li>\n"
           "</ol>\n</nav>\n");
}

/* A chart and, next to it, the table of its data. */
static void chart(struct hctx *h, const struct report_figure *f)
{
    char id[32];
    const struct indic_def *d = f->def;

    snprintf(id, sizeof(id), "graphique-%d", ++h->charts);
    put(h, "<figure class=\"graphique\">\n<figcaption>");
    text(h, d->label);
    put(h, " : ");
    text(h, report_chart_label(f->chart));
    put(h, "</figcaption>\n");
    report_svg_chart(h->o, f, id);
    put(h, "<table>\n<caption>Données du graphique : ");
    text(h, d->label);
    put(h, ", ");
    text(h, report_chart_label(f->chart));
    put(h, "</caption>\n<thead><tr><th scope=\"col\">");
    put(h, f->chart == REPORT_CHART_BARS_MDS         ? "MDS"
           : f->chart == REPORT_CHART_BARS_TERRITORY ? "Territoire"
                                                     : "Part");
    put(h, "</th><th scope=\"col\" class=\"num\">Valeur</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < f->npoints; i++) {
        const struct report_point *p = &f->points[i];
        put(h, "<tr><th scope=\"row\">");
        if (f->chart == REPORT_CHART_DONUT) {
            put(h, "<a href=\"#def-");
            text(h, p->code);
            put(h, "\">");
            text(h, p->name);
            put(h, "</a>");
        } else {
            text(h, p->name);
        }
        put(h, "</th>");
        num_cell(h, &p->v);
        put(h, "</tr>\n");
    }
    put(h, "</tbody>\n</table>\n</figure>\n");
}

/*
 * Open a section of the page: labelled by its h2, whose id (prefix + id) the
 * table of contents links to, then its introduction.
 */
static void section_open(struct hctx *h, const char *prefix, const char *id, const char *title,
                         const char *intro)
{
    put(h, "<section aria-labelledby=\"");
    put(h, prefix);
    text(h, id);
    put(h, "\">\n<h2 id=\"");
    put(h, prefix);
    text(h, id);
    put(h, "\" tabindex=\"-1\">");
    text(h, title);
    put(h, "</h2>\n<p>");
    text(h, intro);
    put(h, "</p>\n");
}

static void section(struct hctx *h, const struct report_section *s)
{
    section_open(h, "s-", s->id, s->title, s->intro);
    for (size_t g = 0; g < s->ngroups; g++) {
        const struct report_fig_group *grp = &s->groups[g];

        put(h, "<h3>");
        text(h, grp->title);
        put(h, "</h3>\n<table>\n<caption>");
        text(h, grp->title);
        strbuf_addf(h->o, " : chiffres clés %d</caption>\n", h->m->year);
        strbuf_addf(h->o,
                    "<thead><tr><th scope=\"col\">Indicateur</th>"
                    "<th scope=\"col\" class=\"num\">%d</th></tr></thead>\n<tbody>\n",
                    h->m->year);
        for (size_t i = 0; i < grp->nfigures; i++) {
            const struct report_figure *f = &grp->figures[i];
            put(h, f->sub ? "<tr class=\"dont\"><th scope=\"row\">" : "<tr><th scope=\"row\">");
            def_link(h, f->def);
            put(h, "</th>");
            num_cell(h, &f->v);
            put(h, "</tr>\n");
        }
        put(h, "</tbody>\n</table>\n");
        for (size_t i = 0; i < grp->nfigures; i++)
            if (grp->figures[i].chart != REPORT_CHART_NONE)
                chart(h, &grp->figures[i]);
    }
    back_to_top(h);
    put(h, "</section>\n");
}

static void names_list(struct hctx *h, const char **names, size_t n)
{
    if (n == 0) {
        put(h, "n.d.");
        return;
    }
    put(h, "<ul>");
    for (size_t i = 0; i < n; i++) {
        put(h, "<li>");
        text(h, names[i]);
        put(h, "</li>");
    }
    put(h, "</ul>");
}

static void territories(struct hctx *h)
{
    const struct report_model *m = h->m;
    struct strbuf cell;

    strbuf_init(&cell, 4096);
    section_open(h, "", "territoires", m->terr_title, m->terr_intro);
    put(h, "<div class=\"territoires\">\n");
    for (size_t t = 0; t < m->nterritories; t++) {
        const struct report_territory *tr = &m->territories[t];

        put(h, "<article aria-labelledby=\"t-");
        text(h, tr->code);
        put(h, "\">\n<h3 id=\"t-");
        text(h, tr->code);
        put(h, "\">");
        text(h, tr->name);
        put(h, "</h3>\n<table>\n<caption>Fiche du territoire ");
        text(h, tr->name);
        strbuf_addf(h->o, " en %d</caption>\n<tbody>\n", m->year);
        for (size_t k = 0; k < m->nterr_facts; k++) {
            enum report_ref_fact f = m->terr_facts[k];
            put(h, "<tr><th scope=\"row\">");
            text(h, report_ref_fact_label(f));
            put(h, "</th>");
            if (f == REPORT_REF_EPCI || f == REPORT_REF_MDS) {
                put(h, "<td>");
                names_list(h, f == REPORT_REF_EPCI ? tr->epci : tr->mds,
                           f == REPORT_REF_EPCI ? tr->nepci : tr->nmds);
            } else {
                put(h, "<td class=\"num\">");
                strbuf_clear(&cell);
                report_ref_fact_text(&cell, tr, f);
                text(h, cell.buf);
            }
            put(h, "</td></tr>\n");
        }
        for (size_t i = 0; i < tr->nfigures; i++) {
            put(h, "<tr><th scope=\"row\">");
            def_link(h, tr->figures[i].def);
            put(h, "</th>");
            num_cell(h, &tr->figures[i].v);
            put(h, "</tr>\n");
        }
        put(h, "</tbody>\n</table>\n");
        if (tr->habitants >= 0 && tr->habitants_source) {
            put(h, "<p class=\"note\">Habitants : ");
            text(h, tr->habitants_source);
            put(h, ".</p>\n");
        }
        put(h, "</article>\n");
    }
    put(h, "</div>\n");
    back_to_top(h);
    put(h, "</section>\n");
    strbuf_release(&cell);
}

static void mds_table(struct hctx *h)
{
    const struct report_model *m = h->m;
    size_t ncols = m->nmds_areas + 2;

    section_open(h, "", "mds", m->mds_title, m->mds_intro);
    put(h,
        "<div class=\"defilement\" role=\"region\" tabindex=\"0\" "
        "aria-labelledby=\"mds-legende\">\n<table class=\"large\">\n<caption id=\"mds-legende\">");
    strbuf_addf(h->o,
                "Chiffres clés des %zu MDS en %d</caption>\n<thead><tr>"
                "<th scope=\"col\">Indicateur</th>",
                m->nmds_areas, m->year);
    for (size_t a = 0; a < m->nmds_areas; a++) {
        put(h, "<th scope=\"col\" class=\"num\">");
        text(h, m->mds_areas[a].name);
        put(h, "</th>");
    }
    put(h, "<th scope=\"col\" class=\"num\">Département (tous sites)</th></tr></thead>\n<tbody>\n");
    for (size_t r = 0; r < m->nmds_rows; r++) {
        const struct report_mds_row *row = &m->mds_rows[r];
        if (row->group) {
            strbuf_addf(h->o, "<tr class=\"groupe\"><th scope=\"colgroup\" colspan=\"%zu\">",
                        ncols);
            text(h, row->group);
            put(h, "</th></tr>\n");
        }
        put(h, "<tr><th scope=\"row\">");
        def_link(h, row->def);
        put(h, "</th>");
        for (size_t a = 0; a <= m->nmds_areas; a++)
            num_cell(h, &row->cells[a]);
        put(h, "</tr>\n");
    }
    put(h, "</tbody>\n</table>\n</div>\n");
    back_to_top(h);
    put(h, "</section>\n");
}

static void codes_links(struct hctx *h, const struct report_coherence *c)
{
    for (size_t k = 0; k < c->nparts; k++) {
        if (k)
            put(h, " + ");
        def_link(h, c->parts[k].def);
    }
}

/* One definition in the coherence comparison: level, label, code, definition, calculation. */
static void definition_paragraphs(struct hctx *h, const struct indic_def *d, const char *level)
{
    const struct report_definition *rd = report_model_definition(h->m, d->code);

    put(h, "<p><strong>");
    text(h, level);
    put(h, "</strong> : ");
    def_link(h, d);
    put(h, " (<code>");
    text(h, d->code);
    put(h, "</code>)</p><p>");
    text(h, d->definition);
    put(h, "</p>");
    if (rd) {
        put(h, "<p class=\"calcul\">");
        text(h, rd->calculation);
        put(h, "</p>");
    }
}

static void coherence(struct hctx *h)
{
    const struct report_model *m = h->m;

    section_open(h, "", "coherence", m->coh_title, m->coh_intro);
    put(h, "<div class=\"defilement\" role=\"region\" tabindex=\"0\" "
           "aria-labelledby=\"coherence-legende\">\n<table class=\"large\">\n"
           "<caption id=\"coherence-legende\">");
    strbuf_addf(h->o, "Département et somme des %zu MDS en %d", m->nmds_areas, m->year);
    put(h, "</caption>\n<thead><tr><th scope=\"col\">Chiffre du Département</th>"
           "<th scope=\"col\" class=\"num\">Département</th>"
           "<th scope=\"col\">Chiffres des MDS</th>");
    strbuf_addf(h->o, "<th scope=\"col\" class=\"num\">Somme des %zu MDS</th>", m->nmds_areas);
    put(h, "<th scope=\"col\" class=\"num\">Écart</th>"
           "<th scope=\"col\" class=\"num\">dont place des lignes (a)</th>"
           "<th scope=\"col\" class=\"num\">dont définitions (b)</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < m->ncoherence; i++) {
        const struct report_coherence *c = &m->coherence[i];
        put(h, "<tr><th scope=\"row\">");
        def_link(h, c->dept_def);
        put(h, "</th>");
        num_cell(h, &c->dept);
        put(h, "<td>");
        codes_links(h, c);
        put(h, "</td>");
        num_cell(h, &c->sum);
        num_cell(h, &c->gap);
        num_cell(h, &c->gap_sites);
        num_cell(h, &c->gap_defs);
        put(h, "</tr>\n");
    }
    put(h, "</tbody>\n</table>\n</div>\n"
           "<p>(a) lignes rattachées à un site central, dans aucune MDS, et personnes comptées "
           "dans plusieurs MDS ; (b) différence entre les définitions des deux niveaux.</p>\n");

    for (size_t i = 0; i < m->ncoherence; i++) {
        const struct report_coherence *c = &m->coherence[i];

        put(h, "<h3>");
        text(h, c->dept_def->label);
        if (c->nparts != 1 || c->parts[0].def != c->dept_def) {
            put(h, " et ");
            for (size_t k = 0; k < c->nparts; k++) {
                if (k)
                    put(h, " + ");
                text(h, c->parts[k].def->label);
            }
        }
        put(h, "</h3>\n<p>Écart : ");
        text(h, c->gap.text);
        put(h, " (Département ");
        text(h, c->dept.text);
        put(h, ", somme des MDS ");
        text(h, c->sum.text);
        put(h, ").</p>\n<ul>\n");
        for (size_t r = 0; r < c->nreasons; r++) {
            put(h, "<li>");
            text(h, c->reasons[r]);
            put(h, "</li>\n");
        }
        put(h, "</ul>\n");
        if (c->same_definition)
            continue;
        if (c->ndifferences) {
            put(h, "<p>Ce qui diffère entre les définitions :</p>\n<ul>\n");
            for (size_t k = 0; k < c->ndifferences; k++) {
                put(h, "<li>");
                text(h, c->differences[k]);
                put(h, "</li>\n");
            }
            put(h, "</ul>\n");
        }
        put(h, "<table>\n<caption>Définitions comparées : ");
        text(h, c->dept_def->label);
        put(h, "</caption>\n<thead><tr><th scope=\"col\">Département</th>"
               "<th scope=\"col\">MDS</th></tr></thead>\n<tbody>\n<tr>");
        put(h, "<td>");
        definition_paragraphs(h, c->dept_def, "Département");
        put(h, "</td><td>");
        for (size_t k = 0; k < c->nparts; k++)
            definition_paragraphs(h, c->parts[k].def, "MDS");
        put(h, "</td></tr>\n</tbody>\n</table>\n");
    }
    back_to_top(h);
    put(h, "</section>\n");
}

static void methodology(struct hctx *h)
{
    const struct report_model *m = h->m;

    put(h, "<section aria-labelledby=\"methodologie\">\n"
           "<h2 id=\"methodologie\" tabindex=\"-1\">Annexe : définitions des chiffres</h2>\n"
           "<p>Chaque chiffre du rapport est calculé par une seule définition du dictionnaire des "
           "indicateurs, à partir des décisions, paiements, dossiers et actes enregistrés : ce qui "
           "est compté, sur quelle période, à quel lieu.</p>\n");
    if (m->frozen_definitions)
        put(h, "<p>Exercice clos : les définitions sont celles figées avec les chiffres à la "
               "clôture de l'année ; une définition modifiée depuis dans le dictionnaire est "
               "signalée.</p>\n");
    for (size_t i = 0; i < m->ndefinitions; i++) {
        const struct report_definition *rd = &m->definitions[i];
        const struct indic_def *d = rd->def;

        put(h, "<article class=\"definition\" id=\"def-");
        text(h, d->code);
        put(h, "\" tabindex=\"-1\" aria-labelledby=\"def-");
        text(h, d->code);
        put(h, "-titre\">\n<h3 id=\"def-");
        text(h, d->code);
        put(h, "-titre\">");
        text(h, d->label);
        put(h, "</h3>\n<dl>\n<dt>Code</dt><dd><code>");
        text(h, d->code);
        put(h, "</code></dd>\n<dt>Unité</dt><dd>");
        text(h, rd->unit);
        put(h, "</dd>\n<dt>Version</dt><dd>");
        text(h, rd->version);
        put(h, "</dd>\n<dt>Définition</dt><dd>");
        text(h, d->definition);
        put(h, "</dd>\n<dt>Source, période et lieu</dt><dd>");
        text(h, rd->calculation);
        if (rd->change) {
            put(h, "</dd>\n<dt>Depuis la clôture</dt><dd class=\"modifiee\">");
            text(h, rd->change);
        }
        put(h, "</dd>\n</dl>\n</article>\n");
    }
    back_to_top(h);
    put(h, "</section>\n");
}

static void footer(struct hctx *h)
{
    put(h,
        "<footer>\n<p><a href=\"#accessibilite\">Accessibilité : partiellement conforme</a></p>\n"
        "<p>");
    text(h, h->m->collectivite);
    put(h, " – ");
    text(h, h->m->title);
    put(h, ". Chiffres calculés par proxima à partir des données d'activité.</p>\n"
           "<section aria-labelledby=\"accessibilite\">\n"
           "<h2 id=\"accessibilite\" tabindex=\"-1\">Déclaration d'accessibilité</h2>\n"
           "<p>Cette page est partiellement conforme au référentiel général d'amélioration de "
           "l'accessibilité (RGAA 4.1) : elle n'a pas encore fait l'objet d'un audit complet. "
           "Chaque graphique est accompagné du tableau de ses données.</p>\n"
           "</section>\n</footer>\n");
}

int report_render_html(const struct report_model *m, struct strbuf *out, struct err *e)
{
    struct hctx h = {out, m, 0};

    header(&h);
    toc(&h);
    put(&h, "<main id=\"contenu\" tabindex=\"-1\">\n");
    for (size_t s = 0; s < m->nsections; s++)
        section(&h, &m->sections[s]);
    territories(&h);
    mds_table(&h);
    coherence(&h);
    methodology(&h);
    put(&h, "</main>\n");
    footer(&h);
    put(&h, "</body>\n</html>\n");
    return report_check_buffer(out, "la page HTML du rapport", e);
}

/*
 * test_report.c: the report from a small dictionary and hand-made engine
 * results (so that these tests do not depend on the engine's data): the
 * layout's checks, French number formatting in the HTML (exact bytes),
 * every figure linking to an existing definition, each SVG chart with its
 * title, description and data table, HTML escaping of a hostile label, CSV
 * bytes, a valid XLSX zip with the expected sheets, JSON that parses back,
 * and the coherence annex's decomposition of the gaps. The shipped layout
 * is also checked against the shipped dictionary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"

#include <jansson.h>

#include "catalog/catalog.h"
#include "core/file.h"
#include "indic/indic.h"
#include "report/report.h"

#include "../store/tmpdir.h"

#ifndef PROXIMA_DATADIR
#define PROXIMA_DATADIR "data"
#endif

#define NBSP "\xC2\xA0"
#define THIN "\xE2\x80\xAF"

/* ---- a small dictionary ---------------------------------------------------- */

enum {
    D_FOYERS_RSA,
    D_RSA_ALLOC,
    D_SU,
    D_PART_FEMMES,
    D_FEMMES,
    D_SU_MONTANT,
    D_ETP,
    D_HOSTILE,
    D_AFP,
    D_FSL_ACCORDS,
    D_FSL_ACC,
    D_FSL_REC,
    D_ENF_CONSULT,
    D_PMI_VUS,
    D_UNDEF,
    D__COUNT
};

static const char *rsa_terms[] = {"rsa_allocataires"};
static const char *disp_rsa[] = {"rsa_droit"};
static const char *disp_su[] = {"secours_urgence"};
static const char *disp_afp[] = {"aide_financiere_personnalisee"};
static const char *disp_fsl[] = {"fsl"};
static const char *disp_consult[] = {"pmi_consultation_enfant"};
static const char *disp_pmi[] = {"pmi_consultation_enfant", "pmi_bilan_maternelle"};
static const char *volets_acc[] = {"acces_identifie", "maintien"};
static const char *volets_rec[] = {"acces_non_identifie"};
static struct indic_fact_filter filter_acc[] = {{"volet", volets_acc, 2}};
static struct indic_fact_filter filter_rec[] = {{"volet", volets_rec, 1}};

static struct indic_def defs[D__COUNT];
static struct indic_dict dict;

static void def(int i, const char *code, const char *label, enum indic_unit unit,
                enum indic_source src, enum indic_measure measure, const char **disp, size_t nd)
{
    struct indic_def *d = &defs[i];

    memset(d, 0, sizeof(*d));
    d->code = code;
    d->label = label;
    d->section = "test";
    d->definition = "Définition écrite de l'indicateur.";
    d->unit = unit;
    d->version = 1;
    d->source = src;
    d->measure = measure;
    d->dispositifs = disp;
    d->ndispositifs = nd;
    d->outcomes[OUTCOME_ACCORD] = true;
    d->date = src == SRC_DOSSIERS    ? DATE_DROIT_OUVERT
              : src == SRC_ACTES     ? DATE_ACTE
              : src == SRC_PAIEMENTS ? DATE_PAIEMENT
                                     : DATE_DECISION;
    d->place = PLACE_SITE;
}

static void make_dict(void)
{
    def(D_FOYERS_RSA, "foyers_rsa", "Foyers RSA", UNIT_NOMBRE, SRC_SOMME, MEASURE_NOMBRE, NULL, 0);
    defs[D_FOYERS_RSA].terms = rsa_terms;
    defs[D_FOYERS_RSA].nterms = 1;
    def(D_RSA_ALLOC, "rsa_allocataires", "Allocataires du RSA", UNIT_NOMBRE, SRC_DOSSIERS,
        MEASURE_DISTINCT_FOYER, disp_rsa, 1);
    def(D_SU, "su_accordes", "Secours d'urgence accordés", UNIT_NOMBRE, SRC_DECISIONS,
        MEASURE_NOMBRE, disp_su, 1);
    def(D_PART_FEMMES, "foyers_rsa_part_femmes", "Part de femmes", UNIT_POURCENT, SRC_RAPPORT,
        MEASURE_NOMBRE, NULL, 0);
    defs[D_PART_FEMMES].numerator = "foyers_rsa_femmes";
    defs[D_PART_FEMMES].denominator = "foyers_rsa";
    def(D_FEMMES, "foyers_rsa_femmes", "Foyers RSA, allocataire femme", UNIT_NOMBRE, SRC_DOSSIERS,
        MEASURE_DISTINCT_FOYER, disp_rsa, 1);
    def(D_SU_MONTANT, "su_montant", "Secours d'urgence (montant)", UNIT_EUR, SRC_PAIEMENTS,
        MEASURE_SOMME_MONTANT, disp_su, 1);
    def(D_ETP, "etp", "Équivalents temps plein", UNIT_DECIMAL, SRC_FAIT_SITE, MEASURE_VALEUR, NULL,
        0);
    defs[D_ETP].scale = 2;
    defs[D_ETP].site_fact = "etp";
    defs[D_ETP].site_grid = "mds";
    defs[D_ETP].date = DATE_FAIT;
    def(D_HOSTILE, "hostile", "<script>alert('x')</script> & \"Cie\"", UNIT_NOMBRE, SRC_ACTES,
        MEASURE_NOMBRE, disp_consult, 1);
    def(D_AFP, "afp_accordees", "Aides financières personnalisées", UNIT_NOMBRE, SRC_DECISIONS,
        MEASURE_DISTINCT_BENEFICIAIRE, disp_afp, 1);
    def(D_FSL_ACCORDS, "fsl_accords", "Accords FSL", UNIT_NOMBRE, SRC_DECISIONS,
        MEASURE_DISTINCT_BENEFICIAIRE, disp_fsl, 1);
    def(D_FSL_ACC, "fsl_aides_accordees", "Aides FSL accordées", UNIT_NOMBRE, SRC_DECISIONS,
        MEASURE_NOMBRE, disp_fsl, 1);
    defs[D_FSL_ACC].filters = filter_acc;
    defs[D_FSL_ACC].nfilters = 1;
    def(D_FSL_REC, "fsl_aides_recevables", "Aides FSL recevables", UNIT_NOMBRE, SRC_DECISIONS,
        MEASURE_NOMBRE, disp_fsl, 1);
    defs[D_FSL_REC].filters = filter_rec;
    defs[D_FSL_REC].nfilters = 1;
    def(D_ENF_CONSULT, "enfants_vus_consultation", "Enfants vus en consultation", UNIT_NOMBRE,
        SRC_ACTES, MEASURE_DISTINCT_PERSONNE, disp_consult, 1);
    def(D_PMI_VUS, "pmi_enfants_vus", "Enfants vus par la PMI", UNIT_NOMBRE, SRC_ACTES,
        MEASURE_DISTINCT_PERSONNE, disp_pmi, 2);
    def(D_UNDEF, "indefini", "Chiffre sans valeur", UNIT_POURCENT, SRC_RAPPORT, MEASURE_NOMBRE,
        NULL, 0);
    defs[D_UNDEF].numerator = "su_accordes";
    defs[D_UNDEF].denominator = "foyers_rsa";
    memset(&dict, 0, sizeof(dict));
    dict.defs = defs;
    dict.ndefs = D__COUNT;
}

static const char layout_json[] =
    "{\"version\": 1, \"collectivite\": \"Département de Test\", \"titre\": \"Rapport "
    "d'activité\",\n"
    " \"sections\": [\n"
    "  {\"id\": \"insertion\", \"titre\": \"L'insertion\", \"intro\": \"Texte.\", \"groupes\": [\n"
    "   {\"titre\": \"Foyers RSA\", \"indicateurs\": [\n"
    "     {\"code\": \"foyers_rsa\", \"graphique\": \"barres_territoires\"},\n"
    "     \"foyers_rsa_part_femmes\",\n"
    "     {\"code\": \"su_accordes\", \"graphique\": \"barres_mds\"},\n"
    "     {\"code\": \"su_montant\", \"dont\": true},\n"
    "     {\"code\": \"hostile\", \"graphique\": \"anneau\", \"parts\": [\"su_accordes\", "
    "\"afp_accordees\"]},\n"
    "     \"indefini\"]}]}],\n"
    " \"territoires\": {\"titre\": \"Les territoires\", \"intro\": \"Texte.\",\n"
    "   \"referentiel\": [\"habitants\", \"communes\", \"epci\", \"mds\"],\n"
    "   \"indicateurs\": [\"rsa_allocataires\"]},\n"
    " \"mds\": {\"titre\": \"Les MDS\", \"intro\": \"Texte.\", \"groupes\": [\n"
    "   {\"titre\": \"Insertion\", \"indicateurs\": [\"rsa_allocataires\", \"su_accordes\"]},\n"
    "   {\"titre\": \"Moyens\", \"indicateurs\": [\"etp\"]}]},\n"
    " \"coherence\": {\"titre\": \"Cohérence\", \"intro\": \"Texte.\", \"paires\": [\n"
    "   {\"departement\": \"foyers_rsa\", \"mds\": [\"rsa_allocataires\"]},\n"
    "   {\"departement\": \"su_accordes\", \"mds\": [\"su_accordes\"]},\n"
    "   {\"departement\": \"afp_accordees\", \"mds\": [\"afp_accordees\"]},\n"
    "   {\"departement\": \"enfants_vus_consultation\", \"mds\": [\"pmi_enfants_vus\"]},\n"
    "   {\"departement\": \"fsl_accords\", \"mds\": [\"fsl_aides_accordees\", "
    "\"fsl_aides_recevables\"]}]}}\n";

/* ---- hand-made engine results ----------------------------------------------- */

static const char *mds_codes[] = {"arrageois", "artois", "calaisis"};
static const char *mds_names[] = {"MDS de l'Arrageois", "MDS de l'Artois", "MDS du Calaisis"};
static const char *terr_codes[] = {"arrageois", "lens-henin"};
static const char *terr_names[] = {"Arrageois", "Lens-Hénin"};
static const char *dep_codes[] = {"62"};
static const char *dep_names[] = {"Pas-de-Calais"};
static const char *terr_result_codes[D__COUNT]; /* the territory result names its codes, reversed */

static int64_t dep_values[D__COUNT * 2 * INDIC_MONTHS];
static int64_t terr_values[D__COUNT * 3 * INDIC_MONTHS];
static int64_t mds_values[D__COUNT * 4 * INDIC_MONTHS];
static struct indic_result dep_r, terr_r, mds_r;

static void set(struct indic_result *r, size_t d, size_t area, int64_t v)
{
    r->values[(d * (r->nareas + 1) + area) * INDIC_MONTHS] = v;
}

/* All MDS values of d, then the département (every row). */
static void set_mds(size_t d, int64_t a, int64_t b, int64_t c, int64_t all)
{
    set(&mds_r, d, 0, a);
    set(&mds_r, d, 1, b);
    set(&mds_r, d, 2, c);
    set(&mds_r, d, 3, all);
    set(&dep_r, d, 0, all);
    set(&dep_r, d, 1, all);
}

static void make_results(void)
{
    dep_r = (struct indic_result){2022,      INDIC_DEPARTEMENT, D__COUNT, 1,   dep_codes,
                                  dep_names, dep_values,        NULL,     NULL};
    terr_r = (struct indic_result){2022,       "territoire", D__COUNT,          2,   terr_codes,
                                   terr_names, terr_values,  terr_result_codes, NULL};
    mds_r = (struct indic_result){2022,      "mds",      D__COUNT, 3,   mds_codes,
                                  mds_names, mds_values, NULL,     NULL};
    memset(dep_values, 0, sizeof(dep_values));
    memset(terr_values, 0, sizeof(terr_values));
    memset(mds_values, 0, sizeof(mds_values));

    set_mds(D_RSA_ALLOC, 4538, 9278, 5917, 19904);  /* 171 households of a central site */
    set_mds(D_FOYERS_RSA, 4538, 9278, 5917, 19904); /* alias */
    set_mds(D_SU, 649, 1160, 482, 2341);            /* 50 decisions of a central site */
    set_mds(D_FEMMES, 0, 0, 0, 12540);
    set(&dep_r, D_PART_FEMMES, 1, 6300);       /* 63 % */
    set_mds(D_SU_MONTANT, 0, 0, 0, 150000000); /* 1,5 M€ */
    set_mds(D_ETP, 16268, 26001, 15956, 58225);
    set_mds(D_HOSTILE, 1, 2, 3, 6);
    set_mds(D_AFP, 43, 104, 128, 169); /* 106 persons in two MDS */
    set_mds(D_FSL_ACCORDS, 0, 0, 0, 2134);
    set_mds(D_FSL_ACC, 428, 1041, 417, 1886);
    set_mds(D_FSL_REC, 300, 390, 151, 841); /* 2 727 decisions, 2 134 households */
    set_mds(D_ENF_CONSULT, 0, 0, 0, 7444);
    set_mds(D_PMI_VUS, 4752, 3688, 2723, 11163);
    set_mds(D_UNDEF, INDIC_UNDEFINED, INDIC_UNDEFINED, INDIC_UNDEFINED, INDIC_UNDEFINED);
    /* territories: the result names its codes in reverse dictionary order */
    for (size_t i = 0; i < D__COUNT; i++)
        terr_result_codes[i] = defs[D__COUNT - 1 - i].code;
    set(&terr_r, D__COUNT - 1 - D_FOYERS_RSA, 0, 4538);
    set(&terr_r, D__COUNT - 1 - D_FOYERS_RSA, 1, 15195);
    set(&terr_r, D__COUNT - 1 - D_RSA_ALLOC, 0, 4538);
    set(&terr_r, D__COUNT - 1 - D_RSA_ALLOC, 1, 15195);
}

static const char *epci_a[] = {"Communauté urbaine d'Arras"};
static const char *mds_a[] = {"MDS de l'Arrageois"};
static struct ref_area_summary summaries[] = {
    {"arrageois", "Arrageois", 255, 211000, 0, 211425, "Rapport d'activité 2022", epci_a, 1, mds_a,
     1},
};

/* ---- fixture ----------------------------------------------------------------- */

struct fx {
    struct report_layout layout;
    struct arena arena;
    struct report_model *m;
    struct strbuf html;
};

static int placement_afp(void *ctx, const struct indic_def *d, struct report_placement *out,
                         struct err *e)
{
    (void)ctx;
    (void)e;
    if (!strcmp(d->code, "afp_accordees"))
        out->central_rows = 0;
    return 0;
}

static struct report_input input(void)
{
    struct report_input in = {0};

    in.year = 2022;
    in.dict = &dict;
    in.dept = &dep_r;
    in.terr = &terr_r;
    in.mds = &mds_r;
    in.territories = summaries;
    in.nterritories = ARRAY_SIZE(summaries);
    in.generated = "2026-03-16";
    in.placement = placement_afp;
    return in;
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct report_input in;
    struct err e;

    make_dict();
    make_results();
    err_clear(&e);
    if (report_layout_parse(&f->layout, layout_json, strlen(layout_json), "test.json", &dict, &e) !=
        0) {
        err_print(&e, stderr);
        return -1;
    }
    arena_init(&f->arena, 0);
    in = input();
    f->m = report_model_build(&f->layout, &in, &f->arena, &e);
    if (!f->m) {
        err_print(&e, stderr);
        return -1;
    }
    strbuf_init(&f->html, 0);
    if (report_render_html(f->m, &f->html, &e) != 0) {
        err_print(&e, stderr);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    strbuf_release(&f->html);
    arena_release(&f->arena);
    report_layout_release(&f->layout);
    free(f);
    return 0;
}

static bool contains(const char *hay, const char *needle)
{
    return strstr(hay, needle) != NULL;
}

#define assert_contains(hay, needle)                                                               \
    do {                                                                                           \
        if (!contains((hay), (needle)))                                                            \
            fail_msg("« %s » absent", (needle));                                                   \
    } while (0)

/* memmem, which is a GNU extension. */
static const void *find_bytes(const void *hay, size_t n, const void *needle, size_t k)
{
    const char *h = hay;
    for (size_t i = 0; k <= n && i <= n - k; i++)
        if (!memcmp(h + i, needle, k))
            return h + i;
    return NULL;
}

/* ---- layout -------------------------------------------------------------------- */

static void expect_layout_error(const char *from, const char *to, const char *want)
{
    struct strbuf sb;
    struct report_layout l;
    struct err e;
    const char *at = strstr(layout_json, from);

    assert_non_null(at);
    strbuf_init(&sb, 0);
    strbuf_add(&sb, layout_json, (size_t)(at - layout_json));
    strbuf_addstr(&sb, to);
    strbuf_addstr(&sb, at + strlen(from));
    err_clear(&e);
    assert_int_equal(report_layout_parse(&l, sb.buf, sb.len, "test.json", &dict, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    if (!contains(e.message, want))
        fail_msg("message « %s » sans « %s »", e.message, want);
    strbuf_release(&sb);
}

static void test_layout_errors(void **state)
{
    (void)state;
    expect_layout_error("\"foyers_rsa_part_femmes\"", "\"foyers_rsa_part_hommes\"",
                        "sections[0].groupes[0].indicateurs[1] : indicateur inconnu "
                        "« foyers_rsa_part_hommes »");
    expect_layout_error("\"graphique\": \"barres_mds\"", "\"graphique\": \"camembert\"",
                        "graphique inconnu « camembert »");
    expect_layout_error("\"parts\": [\"su_accordes\", \"afp_accordees\"]",
                        "\"parts\": [\"su_accordes\"]", "au moins deux");
    expect_layout_error("\"parts\": [\"su_accordes\", \"afp_accordees\"]",
                        "\"parts\": [\"su_accordes\", \"su_montant\"]", "même unité");
    expect_layout_error("\"dont\": true", "\"dont\": true, \"couleur\": \"rouge\"",
                        "clé inconnue « couleur »");
    expect_layout_error("\"epci\", \"mds\"", "\"epci\", \"superficie\"",
                        "fait du référentiel inconnu « superficie »");
    expect_layout_error("\"mds\": [\"rsa_allocataires\"]}", "\"mds\": [\"su_montant\"]}",
                        "coherence.paires[0].mds[0]");
    expect_layout_error("\"id\": \"insertion\"", "\"id\": \"Insertion !\"", "invalide");
}

/* The shipped layout names only indicators of the shipped dictionary. */
static void test_shipped_layout(void **state)
{
    struct catalog cat;
    struct indic_dict d;
    struct report_layout l;
    struct err e;

    (void)state;
    err_clear(&e);
    if (catalog_load(&cat, PROXIMA_DATADIR "/catalogue", &e) != 0 ||
        indic_dict_load(&d, PROXIMA_DATADIR "/indicateurs", &cat, &e) != 0 ||
        report_layout_load(&l, PROXIMA_DATADIR "/rapport/rapport.json", &d, &e) != 0) {
        err_print(&e, stderr);
        fail_msg("mise en page livrée refusée");
    }
    assert_int_equal(l.nsections, 4);
    assert_string_equal(l.sections[0].id, "autonomie");
    assert_int_equal(l.npairs, 9);
    assert_string_equal(d.defs[l.pairs[0].dept].code, "foyers_rsa");
    assert_string_equal(d.defs[l.pairs[0].mds[0]].code, "rsa_allocataires");
    assert_int_equal(l.pairs[8].nmds, 2);
    assert_string_equal(d.defs[l.mds_groups[0].items[0].def].code, "rsa_allocataires");
    assert_string_equal(d.defs[l.mds_groups[l.nmds_groups - 1].items[1].def].code, "etp");
    report_layout_release(&l);
    indic_dict_release(&d);
    catalog_release(&cat);
}

/* ---- HTML ----------------------------------------------------------------------- */

static void test_html_french_numbers(void **state)
{
    struct fx *f = *state;
    const char *h = f->html.buf;

    assert_true(!strncmp(h, "<!DOCTYPE html>\n<html lang=\"fr\">", 32));
    assert_contains(h, "<td class=\"num\">19" THIN "904</td>");
    assert_contains(h, "<td class=\"num\">63" NBSP "%</td>");
    assert_contains(h, "<td class=\"num\">1,5" NBSP "M€</td>");
    assert_contains(h, "<td class=\"num\">162,68</td>"); /* ETP of the Arrageois */
    assert_contains(h, "<td class=\"num\">582,25</td>"); /* the département */
    assert_contains(h, "<td class=\"num\">n.d.</td>");   /* an undefined ratio */
    assert_contains(h, "<td class=\"num\">+171</td>");   /* RSA gap */
    assert_contains(h, "<td class=\"num\">-106</td>");   /* AFP gap */
    assert_contains(h, "<p class=\"collectivite\">Département de Test</p>");
    assert_contains(h, "<h1>Rapport d&#39;activité 2022</h1>");
    assert_contains(h, "calculés le 16/03/2026");
    assert_contains(h, "Accessibilité : partiellement conforme");
    assert_contains(h, "<caption>");
    assert_contains(h, "<th scope=\"row\">");
    assert_contains(h, "<th scope=\"col\"");
    /* the territory profile: referential facts and the territory's figure */
    assert_contains(h, "<td class=\"num\">211" THIN "425</td>");
    assert_contains(h, "<li>Communauté urbaine d&#39;Arras</li>");
    assert_contains(h, "<td class=\"num\">15" THIN "195</td>"); /* read by code, reversed order */
}

/* Every link to a definition has its anchor, and every figure shown has its link. */
static void test_html_definition_links(void **state)
{
    struct fx *f = *state;
    const char *h = f->html.buf, *p = h;
    size_t links = 0;

    while ((p = strstr(p, "href=\"#def-"))) {
        const char *start = p + strlen("href=\"#"), *end = strchr(start, '"');
        char anchor[128];
        char id[160];

        assert_non_null(end);
        assert_true((size_t)(end - start) < sizeof(anchor));
        memcpy(anchor, start, (size_t)(end - start));
        anchor[end - start] = '\0';
        snprintf(id, sizeof(id), "id=\"%s\"", anchor);
        if (!contains(h, id))
            fail_msg("lien #%s sans ancre", anchor);
        links++;
        p = end;
    }
    assert_true(links > 20);
    /* every definition of the annex is linked from a figure, except the ratio's numerator */
    for (size_t i = 0; i < f->m->ndefinitions; i++) {
        const char *code = f->m->definitions[i].def->code;
        char link[160];
        if (!strcmp(code, "foyers_rsa_femmes"))
            continue;
        snprintf(link, sizeof(link), "href=\"#def-%s\"", code);
        if (!contains(h, link))
            fail_msg("aucun lien vers la définition de %s", code);
    }
    /* the annex holds each definition with its calculation in words */
    assert_non_null(report_model_definition(f->m, "foyers_rsa_femmes")); /* ratio's numerator */
    assert_contains(h, "id=\"def-su_accordes\"");
    assert_contains(h, "Date : date de la décision dans la période");
    assert_contains(h, "<dt>Version</dt><dd>1</dd>");
}

static void test_html_svg_charts(void **state)
{
    struct fx *f = *state;
    const char *p = f->html.buf;
    size_t charts = 0;

    while ((p = strstr(p, "<svg "))) {
        const char *end = strstr(p, "</svg>");
        const char *fig_end = strstr(p, "</figure>");
        const char *table = strstr(p, "<table>");
        size_t n = (size_t)(end - p);
        char *svg;

        assert_non_null(end);
        svg = strndup(p, n);
        assert_contains(svg, "role=\"img\"");
        assert_contains(svg, "<title id=\"");
        assert_contains(svg, "<desc id=\"");
        assert_contains(svg, "aria-labelledby=\"graphique-");
        free(svg);
        /* the data table follows the chart inside the same figure */
        assert_non_null(table);
        assert_true(table < fig_end);
        assert_true(strstr(table, "<caption>Données du graphique") == table + strlen("<table>\n"));
        charts++;
        p = end;
    }
    assert_int_equal(charts, 3);
    /* bars per MDS carry the MDS names and values, in the chart and in its table */
    assert_contains(f->html.buf, ">MDS de l&#39;Artois</text>");
    assert_contains(f->html.buf, ">1" THIN "160</text>");
    assert_contains(f->html.buf, "<tr><th scope=\"row\">MDS de l&#39;Artois</th><td class=\"num\">"
                                 "1" THIN "160</td></tr>");
}

static void test_html_escaping(void **state)
{
    struct fx *f = *state;
    const char *h = f->html.buf;

    assert_null(strstr(h, "<script"));
    assert_contains(h, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Cie&quot;");
    /* also in the SVG title of its donut */
    assert_contains(h, "<title id=\"graphique-3-titre\">&lt;script&gt;");
}

/* ---- CSV ------------------------------------------------------------------------- */

static const struct report_file *find_file(const struct report_files *fs, const char *name)
{
    for (size_t i = 0; i < fs->n; i++)
        if (!strcmp(fs->files[i].name, name))
            return &fs->files[i];
    fail_msg("fichier %s absent", name);
    return NULL;
}

static void test_csv_bytes(void **state)
{
    struct fx *f = *state;
    struct report_files fs = {0};
    const struct report_file *cc, *mds, *coh, *terr, *meth;
    struct err e;

    err_clear(&e);
    assert_int_equal(report_render_csv(f->m, &f->arena, &fs, &e), 0);
    assert_int_equal(fs.n, 5);
    cc = find_file(&fs, "chiffres-cles.csv");
    assert_true(cc->len > 3 && !memcmp(cc->data, "\xEF\xBB\xBF", 3));
    assert_true(!strncmp(cc->data + 3, "section;code;libelle;valeur;unite\r\n", 35));
    assert_contains(cc->data, "\r\ninsertion;foyers_rsa;Foyers RSA;19904;nombre\r\n");
    assert_contains(cc->data, "\r\ninsertion;foyers_rsa_part_femmes;Part de femmes;63,00;"
                              "pourcent\r\n");
    assert_contains(cc->data, "\r\ninsertion;su_montant;Secours d'urgence (montant);1500000,00;"
                              "EUR\r\n");
    assert_contains(cc->data, "\r\ninsertion;indefini;Chiffre sans valeur;;pourcent\r\n");
    assert_contains(cc->data, "\r\ninsertion;hostile;\"<script>alert('x')</script> & \"\"Cie\"\""
                              "\";6;nombre\r\n");
    mds = find_file(&fs, "mds.csv");
    assert_contains(mds->data, "mds;nom;rsa_allocataires;su_accordes;etp\r\n");
    assert_contains(mds->data, "\r\nartois;MDS de l'Artois;9278;1160;260,01\r\n");
    coh = find_file(&fs, "coherence.csv");
    assert_contains(coh->data, "\r\nfoyers_rsa;Foyers RSA;rsa_allocataires;19904;19733;171;171;0;"
                               "oui;");
    terr = find_file(&fs, "territoires.csv");
    assert_contains(terr->data, "territoire;nom;habitants;communes;epci;mds;rsa_allocataires\r\n");
    assert_contains(terr->data, "\r\narrageois;Arrageois;211425;255;Communauté urbaine d'Arras;"
                                "MDS de l'Arrageois;4538\r\n");
    assert_contains(terr->data, "\r\nlens-henin;Lens-Hénin;;;;;15195\r\n");
    meth = find_file(&fs, "methodologie.csv");
    assert_true(!strncmp(meth->data + 3,
                         "code;libelle;unite;version;definition;calcul;"
                         "modification_depuis_cloture\r\n",
                         74));
    /* no thousands separator in any numeric cell */
    for (size_t i = 0; i < fs.n; i++)
        if (strcmp(fs.files[i].name, "methodologie.csv") &&
            strcmp(fs.files[i].name, "coherence.csv"))
            assert_null(strstr(fs.files[i].data, THIN));
}

/* ---- XLSX ------------------------------------------------------------------------- */

static void test_xlsx_zip(void **state)
{
    struct fx *f = *state;
    struct report_file x;
    struct err e;
    char dir[TMPDIR_PATH_MAX], path[TMPDIR_PATH_MAX + 32], cmd[2 * TMPDIR_PATH_MAX];
    static const char *const parts[] = {"xl/workbook.xml", "xl/worksheets/sheet1.xml",
                                        "xl/worksheets/sheet5.xml", "xl/styles.xml"};
    static const char *const sheets[] = {"name=\"Chiffres clés\"", "name=\"MDS\"",
                                         "name=\"Territoires\"", "name=\"Cohérence\"",
                                         "name=\"Méthodologie\""};
    struct strbuf out;
    FILE *p;
    char buf[4096];
    size_t n;

    err_clear(&e);
    tmpdir_make(dir);
    assert_int_equal(report_render_xlsx(f->m, dir, &f->arena, &x, &e), 0);
    assert_string_equal(x.name, "rapport-2022.xlsx");
    assert_true(x.len > 1000);
    assert_true(!memcmp(x.data, "PK\x03\x04", 4));
    for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
        assert_non_null(find_bytes(x.data, x.len, parts[i], strlen(parts[i])));
    assert_null(find_bytes(x.data, x.len, "xl/worksheets/sheet6.xml", 24));

    /* the sheet names, read back with unzip */
    snprintf(path, sizeof(path), "%s/r.xlsx", dir);
    assert_int_equal(file_write_atomic(path, x.data, x.len, &e), 0);
    snprintf(cmd, sizeof(cmd),
             "unzip -p '%s' xl/workbook.xml xl/worksheets/sheet2.xml docProps/core.xml 2>&1", path);
    p = popen(cmd, "r");
    assert_non_null(p);
    strbuf_init(&out, 0);
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
        strbuf_add(&out, buf, n);
    if (pclose(p) == 0) {
        for (size_t i = 0; i < ARRAY_SIZE(sheets); i++)
            assert_contains(out.buf, sheets[i]);
        /* numbers as numbers: the ETP of the Artois is a number cell with a format */
        assert_contains(out.buf, "<v>260.01</v>");
        assert_contains(out.buf, "ySplit=\"1\"");
        /* created on the report's day, not by the clock: reproducible */
        assert_contains(out.buf, "dcterms:W3CDTF\">2026-03-16T00:00:00Z<");
    } else {
        print_message("unzip indisponible : noms des feuilles non vérifiés\n");
    }
    strbuf_release(&out);
    tmpdir_remove(dir);
}

/* ---- JSON ------------------------------------------------------------------------- */

static void test_json_parses_back(void **state)
{
    struct fx *f = *state;
    struct strbuf sb;
    struct err e;
    json_t *root, *fig, *pair;
    json_error_t je;

    strbuf_init(&sb, 0);
    err_clear(&e);
    assert_int_equal(report_render_json(f->m, &sb, &e), 0);
    root = json_loadb(sb.buf, sb.len, 0, &je);
    assert_non_null(root);
    assert_int_equal(json_integer_value(json_object_get(root, "annee")), 2022);
    assert_false(json_is_true(json_object_get(root, "exercice_clos")));
    fig = json_array_get(
        json_object_get(
            json_array_get(
                json_object_get(json_array_get(json_object_get(root, "sections"), 0), "groupes"),
                0),
            "chiffres"),
        3);
    assert_string_equal(json_string_value(json_object_get(fig, "code")), "su_montant");
    assert_int_equal(json_integer_value(json_object_get(fig, "valeur")), 150000000);
    assert_int_equal(json_integer_value(json_object_get(fig, "echelle")), 2);
    assert_string_equal(json_string_value(json_object_get(fig, "affichage")), "1,5" NBSP "M€");
    pair = json_array_get(json_object_get(json_object_get(root, "coherence"), "paires"), 0);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(pair, "ecart"), "valeur")),
                     171);
    assert_true(json_array_size(json_object_get(root, "definitions")) >= 14);
    /* an undefined value is null, shown "n.d." */
    fig = json_array_get(
        json_object_get(
            json_array_get(
                json_object_get(json_array_get(json_object_get(root, "sections"), 0), "groupes"),
                0),
            "chiffres"),
        5);
    assert_string_equal(json_string_value(json_object_get(fig, "code")), "indefini");
    assert_true(json_is_null(json_object_get(fig, "valeur")));
    assert_string_equal(json_string_value(json_object_get(fig, "affichage")), "n.d.");
    json_decref(root);
    strbuf_release(&sb);
}

/* ---- coherence -------------------------------------------------------------------- */

static const struct report_coherence *pair_of(const struct report_model *m, const char *code)
{
    for (size_t i = 0; i < m->ncoherence; i++)
        if (!strcmp(m->coherence[i].dept_def->code, code))
            return &m->coherence[i];
    fail_msg("paire %s absente", code);
    return NULL;
}

static bool said(const struct report_coherence *c, const char *needle)
{
    for (size_t i = 0; i < c->nreasons; i++)
        if (strstr(c->reasons[i], needle))
            return true;
    return false;
}

#define assert_said(c, needle)                                                                     \
    do {                                                                                           \
        if (!said((c), (needle)))                                                                  \
            fail_msg("explication sans « %s »", (needle));                                         \
    } while (0)

static void test_coherence(void **state)
{
    struct fx *f = *state;
    const struct report_coherence *c;

    /* RSA: same definition (alias), 171 households counted in no MDS */
    c = pair_of(f->m, "foyers_rsa");
    assert_int_equal(c->gap.raw, 171);
    assert_int_equal(c->gap_sites.raw, 171);
    assert_int_equal(c->gap_defs.raw, 0);
    assert_true(c->same_definition);
    assert_int_equal(c->ndifferences, 0);
    assert_said(c, "au moins 171 foyers ne relèvent que d'un site central");
    /* secours d'urgence: the same indicator, 50 decisions of a central site */
    c = pair_of(f->m, "su_accordes");
    assert_int_equal(c->gap.raw, 50);
    assert_said(c, "50 décisions relèvent d'un site central");
    assert_said(c, "Même indicateur aux deux niveaux");
    /* AFP: no row outside the MDS (placement), so 106 persons counted in two MDS */
    c = pair_of(f->m, "afp_accordees");
    assert_int_equal(c->gap.raw, -106);
    assert_string_equal(c->gap.text, "-106");
    assert_said(c, "pas de décision hors des MDS ; l'écart de -106 vient de 106 doubles comptes");
    assert_said(c, "le même bénéficiaire");
    /* PMI: different definitions, the MDS also count the bilans */
    c = pair_of(f->m, "enfants_vus_consultation");
    assert_int_equal(c->gap.raw, 7444 - 11163);
    assert_int_equal(c->gap_defs.raw, 7444 - 11163);
    assert_false(c->same_definition);
    assert_said(c, "Les MDS comptent aussi (pmi_enfants_vus) : pmi_bilan_maternelle.");
    assert_int_equal(c->ndifferences, 1);
    assert_true(contains(c->differences[0], "dispositifs"));
    /* FSL: households against decisions */
    c = pair_of(f->m, "fsl_accords");
    assert_int_equal(c->sum.raw, 2727);
    assert_int_equal(c->gap.raw, 2134 - 2727);
    assert_int_equal(c->gap_sites.raw, 0);
    assert_false(c->same_definition);
    assert_said(c, "quand plusieurs décisions concernent le même bénéficiaire, les MDS les "
                   "comptent toutes");
    assert_true(contains(c->differences[0], "filtres") || contains(c->differences[1], "filtres"));
    /* and the page shows both definitions side by side */
    assert_contains(f->html.buf, "<caption>Définitions comparées : Accords FSL</caption>");
}

static void test_model_errors(void **state)
{
    struct fx *f = *state;
    struct report_input in = input();
    struct err e;

    err_clear(&e);
    in.mds = &terr_r;
    assert_null(report_model_build(&f->layout, &in, &f->arena, &e));
    assert_int_equal(e.code, ERR_INVALID);
    assert_true(contains(e.message, "« mds »"));
    in = input();
    in.year = 2023;
    assert_null(report_model_build(&f->layout, &in, &f->arena, &e));
    assert_int_equal(report_format_parse("tout"), REPORT_ALL);
    assert_int_equal(report_format_parse("xlsx"), REPORT_XLSX);
    assert_int_equal(report_format_parse("pdf"), 0);
}

static void test_render_all(void **state)
{
    struct fx *f = *state;
    struct report_files fs = {0};
    char dir[TMPDIR_PATH_MAX];
    struct err e;

    err_clear(&e);
    tmpdir_make(dir);
    assert_int_equal(report_render(f->m, REPORT_ALL, dir, &f->arena, &fs, &e), 0);
    assert_int_equal(fs.n, 8);
    assert_string_equal(fs.files[0].name, "rapport-2022.html");
    assert_string_equal(fs.files[6].name, "rapport-2022.xlsx");
    assert_string_equal(fs.files[7].name, "rapport-2022.json");
    /* the temporary workbook is gone */
    {
        DIR *d = opendir(dir);
        struct dirent *de;
        size_t n = 0;
        while ((de = readdir(d)))
            n += de->d_name[0] != '.' || strncmp(de->d_name, ".proxima", 8) == 0;
        closedir(d);
        assert_int_equal(n, 0);
    }
    tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_errors),       cmocka_unit_test(test_shipped_layout),
        cmocka_unit_test(test_html_french_numbers), cmocka_unit_test(test_html_definition_links),
        cmocka_unit_test(test_html_svg_charts),     cmocka_unit_test(test_html_escaping),
        cmocka_unit_test(test_csv_bytes),           cmocka_unit_test(test_xlsx_zip),
        cmocka_unit_test(test_json_parses_back),    cmocka_unit_test(test_coherence),
        cmocka_unit_test(test_model_errors),        cmocka_unit_test(test_render_all),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

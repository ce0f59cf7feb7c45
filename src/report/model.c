/*
 * model.c: the report model, built from the engine's results and the
 * referential following the layout.
 *
 * This is the only place where a number of the report is read and
 * formatted: every value gets its French display, its spreadsheet cell and
 * its number once here, and the renderers only lay them out. The model
 * also collects the definition of every figure shown (the methodology
 * annex) and, through coherence.c, the explained gaps between the
 * département and the sum of the MDS.
 */
#include "core/compat.h"
#include "report/report.h"

#include "core/money.h"
#include "report/model_int.h"
#include "report/report_int.h"

/* ---- values -------------------------------------------------------------- */

static uint64_t pow10u(int k)
{
    uint64_t p = 1;
    while (k-- > 0)
        p *= 10;
    return p;
}

/* v / 10^scale with scale decimals, decimal comma, no separator: "-1234,56". */
static void plain_fixed(struct strbuf *sb, int64_t v, int scale)
{
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t p = pow10u(scale);

    if (v < 0)
        strbuf_addch(sb, '-');
    strbuf_addf(sb, "%llu", (unsigned long long)(m / p));
    if (scale > 0)
        strbuf_addf(sb, ",%0*llu", scale, (unsigned long long)(m % p));
}

/* Decimals of the stored value of def: cents, hundredths of a percent, the scale. */
int report_raw_scale(const struct indic_def *def)
{
    switch (def->unit) {
    case UNIT_EUR:
    case UNIT_POURCENT:
        return 2;
    case UNIT_DECIMAL:
        return def->scale;
    case UNIT_NOMBRE:
    case UNIT_JOURS:
        break;
    }
    return 0;
}

struct report_value report_value_make(struct arena *a, const struct indic_def *def, int64_t raw,
                                      int decimals)
{
    struct report_value v = {.raw = raw, .defined = raw != INDIC_UNDEFINED};
    struct strbuf sb;
    int scale = report_raw_scale(def);

    if (!v.defined) {
        v.text = "n.d.";
        v.plain = "";
        return v;
    }
    strbuf_init(&sb, 256);
    switch (def->unit) {
    case UNIT_NOMBRE:
        num_format_int(&sb, raw);
        break;
    case UNIT_EUR:
        money_format_millions(&sb, raw, decimals < 0 ? 1 : decimals);
        break;
    case UNIT_POURCENT:
        /* hundredths of a percent: raw / 10000 as a ratio */
        num_format_percent(&sb, raw, 10000, decimals < 0 ? 0 : decimals);
        break;
    case UNIT_JOURS:
        num_format_int(&sb, raw);
        strbuf_addstr(&sb, FR_NBSP "jours");
        break;
    case UNIT_DECIMAL:
        num_format_fixed(&sb, raw, def->scale, decimals < 0 ? def->scale : decimals);
        break;
    }
    v.text = arena_strdup(a, sb.buf);
    strbuf_clear(&sb);
    plain_fixed(&sb, raw, scale);
    v.plain = arena_strdup(a, sb.buf);
    strbuf_release(&sb);
    v.number = (double)raw / (double)pow10u(scale);
    return v;
}

struct report_value report_value_signed(struct arena *a, const struct indic_def *def, int64_t raw)
{
    struct report_value v = report_value_make(a, def, raw, -1);

    if (v.defined && raw > 0)
        v.text = arena_printf(a, "+%s", v.text);
    return v;
}

size_t report_result_index(const struct indic_result *r, const struct indic_dict *d, size_t def)
{
    if (r->codes) {
        for (size_t i = 0; i < r->ndefs; i++)
            if (r->codes[i] && !strcmp(r->codes[i], d->defs[def].code))
                return i;
        return SIZE_MAX;
    }
    return def < r->ndefs ? def : SIZE_MAX;
}

int64_t report_result_value(const struct indic_result *r, const struct indic_dict *d, size_t def,
                            size_t area)
{
    size_t i = report_result_index(r, d, def);

    return i == SIZE_MAX ? INDIC_UNDEFINED : indic_value(r, i, area, 0);
}

/* ---- definitions --------------------------------------------------------- */

static size_t dict_index(const struct indic_dict *d, const char *code)
{
    for (size_t i = 0; code && i < d->ndefs; i++)
        if (!strcmp(d->defs[i].code, code))
            return i;
    return SIZE_MAX;
}

const char *report_unit_word(const struct indic_def *def)
{
    switch (def->unit) {
    case UNIT_NOMBRE:
        return "nombre";
    case UNIT_EUR:
        return "euros";
    case UNIT_POURCENT:
        return "pourcentage";
    case UNIT_JOURS:
        return "jours";
    case UNIT_DECIMAL:
        return "nombre décimal";
    }
    return "";
}

/* Record that the definition of def is shown, with the figures it is made of. */
void report_use_def(struct mctx *c, size_t def)
{
    const struct indic_def *d;

    if (def == SIZE_MAX || c->used[def])
        return;
    c->used[def] = true;
    c->order[c->norder++] = def;
    d = &c->in->dict->defs[def];
    if (d->source == SRC_RAPPORT) {
        report_use_def(c, dict_index(c->in->dict, d->numerator));
        report_use_def(c, dict_index(c->in->dict, d->denominator));
    } else if (d->source == SRC_SOMME) {
        for (size_t i = 0; i < d->nterms; i++)
            report_use_def(c, dict_index(c->in->dict, d->terms[i]));
    }
}

static void build_definitions(struct mctx *c)
{
    struct report_model *m = c->m;
    struct strbuf sb;

    strbuf_init(&sb, 1 << 16);
    m->ndefinitions = c->norder;
    m->definitions = arena_calloc(c->a, c->norder, sizeof(*m->definitions));
    for (size_t i = 0; i < c->norder; i++) {
        struct report_definition *rd = &m->definitions[i];
        const struct indic_def *d = &c->in->dict->defs[c->order[i]];

        rd->def = d;
        rd->unit = d->unit == UNIT_DECIMAL
                       ? arena_printf(c->a, "nombre décimal (%d décimales)", d->scale)
                       : report_unit_word(d);
        rd->version = arena_printf(c->a, "%d", d->version);
        strbuf_clear(&sb);
        indic_describe(d, c->in->cat, &sb);
        rd->calculation = arena_strdup(c->a, sb.buf);
        rd->change = indic_def_change(d, c->in->current, c->a);
    }
    strbuf_release(&sb);
}

const struct report_definition *report_model_definition(const struct report_model *m,
                                                        const char *code)
{
    for (size_t i = 0; i < m->ndefinitions; i++)
        if (!strcmp(m->definitions[i].def->code, code))
            return &m->definitions[i];
    return NULL;
}

/* ---- figures ------------------------------------------------------------- */

static void area_points(struct mctx *c, const struct indic_result *r, size_t def, int decimals,
                        struct report_point **out, size_t *n)
{
    const struct indic_def *d = &c->in->dict->defs[def];

    *n = r->nareas;
    *out = arena_calloc(c->a, r->nareas, sizeof(**out));
    for (size_t i = 0; i < r->nareas; i++) {
        (*out)[i].code = r->area_codes[i];
        (*out)[i].name = r->area_names ? r->area_names[i] : r->area_codes[i];
        (*out)[i].v =
            report_value_make(c->a, d, report_result_value(r, c->in->dict, def, i), decimals);
    }
}

static void build_figure(struct mctx *c, const struct report_item *it, const struct indic_result *r,
                         size_t area, struct report_figure *f)
{
    const struct indic_dict *d = c->in->dict;

    f->def = &d->defs[it->def];
    f->def_index = it->def;
    f->sub = it->sub;
    f->chart = it->chart;
    f->v = report_value_make(c->a, f->def, report_result_value(r, d, it->def, area), it->decimals);
    report_use_def(c, it->def);
    switch (it->chart) {
    case REPORT_CHART_BARS_MDS:
        area_points(c, c->in->mds, it->def, it->decimals, &f->points, &f->npoints);
        break;
    case REPORT_CHART_BARS_TERRITORY:
        area_points(c, c->in->terr, it->def, it->decimals, &f->points, &f->npoints);
        break;
    case REPORT_CHART_DONUT:
        f->npoints = it->nparts;
        f->points = arena_calloc(c->a, it->nparts, sizeof(*f->points));
        for (size_t k = 0; k < it->nparts; k++) {
            const struct indic_def *p = &d->defs[it->parts[k]];
            f->points[k].code = p->code;
            f->points[k].name = p->label;
            f->points[k].v = report_value_make(
                c->a, p, report_result_value(c->in->dept, d, it->parts[k], c->in->dept->nareas),
                -1);
            report_use_def(c, it->parts[k]);
        }
        break;
    case REPORT_CHART_NONE:
        break;
    }
}

static void build_sections(struct mctx *c)
{
    const struct report_layout *l = c->l;
    struct report_model *m = c->m;
    const struct indic_result *dept = c->in->dept;

    m->nsections = l->nsections;
    m->sections = arena_calloc(c->a, l->nsections, sizeof(*m->sections));
    for (size_t s = 0; s < l->nsections; s++) {
        const struct report_section_layout *ls = &l->sections[s];
        struct report_section *ms = &m->sections[s];

        ms->id = ls->id;
        ms->title = ls->title;
        ms->intro = ls->intro;
        ms->ngroups = ls->ngroups;
        ms->groups = arena_calloc(c->a, ls->ngroups, sizeof(*ms->groups));
        for (size_t g = 0; g < ls->ngroups; g++) {
            const struct report_group *lg = &ls->groups[g];
            struct report_fig_group *mg = &ms->groups[g];

            mg->title = lg->title;
            mg->nfigures = lg->nitems;
            mg->figures = arena_calloc(c->a, lg->nitems, sizeof(*mg->figures));
            for (size_t i = 0; i < lg->nitems; i++)
                build_figure(c, &lg->items[i], dept, dept->nareas, &mg->figures[i]);
        }
    }
}

static const struct ref_area_summary *summary_of(const struct report_input *in, const char *code)
{
    for (size_t i = 0; i < in->nterritories; i++)
        if (!strcmp(in->territories[i].code, code))
            return &in->territories[i];
    return NULL;
}

static void build_territories(struct mctx *c)
{
    const struct report_layout *l = c->l;
    const struct indic_result *r = c->in->terr;
    struct report_model *m = c->m;

    m->terr_title = l->terr_title;
    m->terr_intro = l->terr_intro;
    m->terr_facts = l->terr_facts;
    m->nterr_facts = l->nterr_facts;
    m->nterritories = r->nareas;
    m->territories = arena_calloc(c->a, r->nareas, sizeof(*m->territories));
    for (size_t t = 0; t < r->nareas; t++) {
        struct report_territory *mt = &m->territories[t];
        const struct ref_area_summary *s = summary_of(c->in, r->area_codes[t]);

        mt->code = r->area_codes[t];
        mt->name = r->area_names ? r->area_names[t] : r->area_codes[t];
        mt->habitants = -1;
        mt->communes = -1;
        mt->population_communes = -1;
        if (s) {
            mt->habitants = s->published_population;
            mt->habitants_source = s->published_source;
            mt->communes = s->communes;
            mt->population_communes = s->population_unknown == 0 ? s->population : -1;
            mt->epci = s->children;
            mt->nepci = s->nchildren;
            mt->mds = s->sites;
            mt->nmds = s->nsites;
        }
        mt->nfigures = l->nterr_items;
        mt->figures = arena_calloc(c->a, l->nterr_items, sizeof(*mt->figures));
        for (size_t i = 0; i < l->nterr_items; i++)
            build_figure(c, &l->terr_items[i], r, t, &mt->figures[i]);
    }
}

static void build_mds(struct mctx *c)
{
    const struct report_layout *l = c->l;
    const struct indic_result *r = c->in->mds;
    struct report_model *m = c->m;
    size_t nrows = 0, row = 0;

    m->mds_title = l->mds_title;
    m->mds_intro = l->mds_intro;
    m->nmds_areas = r->nareas;
    m->mds_areas = arena_calloc(c->a, r->nareas, sizeof(*m->mds_areas));
    for (size_t i = 0; i < r->nareas; i++) {
        m->mds_areas[i].code = r->area_codes[i];
        m->mds_areas[i].name = r->area_names ? r->area_names[i] : r->area_codes[i];
    }
    for (size_t g = 0; g < l->nmds_groups; g++)
        nrows += l->mds_groups[g].nitems;
    m->nmds_rows = nrows;
    m->mds_rows = arena_calloc(c->a, nrows, sizeof(*m->mds_rows));
    for (size_t g = 0; g < l->nmds_groups; g++) {
        for (size_t i = 0; i < l->mds_groups[g].nitems; i++, row++) {
            const struct report_item *it = &l->mds_groups[g].items[i];
            struct report_mds_row *mr = &m->mds_rows[row];

            mr->group = i == 0 ? l->mds_groups[g].title : NULL;
            mr->def = &c->in->dict->defs[it->def];
            mr->def_index = it->def;
            mr->cells = arena_calloc(c->a, r->nareas + 1, sizeof(*mr->cells));
            for (size_t a = 0; a <= r->nareas; a++)
                mr->cells[a] = report_value_make(
                    c->a, mr->def, report_result_value(r, c->in->dict, it->def, a), it->decimals);
            report_use_def(c, it->def);
        }
    }
}

static int check_result(const struct indic_result *r, const char *grid, int year, struct err *e)
{
    if (!r)
        return err_set(e, ERR_INVALID, "rapport : résultats de la grille « %s » absents", grid);
    if (!r->grid || strcmp(r->grid, grid) != 0)
        return err_set(e, ERR_INVALID,
                       "rapport : résultats de la grille « %s » attendus, « %s » reçus", grid,
                       r->grid ? r->grid : "");
    if (r->year != year)
        return err_set(e, ERR_INVALID, "rapport : résultats de %d pour un rapport de %d", r->year,
                       year);
    return 0;
}

struct report_model *report_model_build(const struct report_layout *l,
                                        const struct report_input *in, struct arena *a,
                                        struct err *e)
{
    struct report_model *m;
    struct mctx c = {.l = l, .in = in, .a = a, .e = e};

    if (check_result(in->dept, INDIC_DEPARTEMENT, in->year, e) < 0 ||
        check_result(in->terr, REF_GRID_TERRITOIRE, in->year, e) < 0 ||
        check_result(in->mds, REF_GRID_MDS, in->year, e) < 0)
        return NULL;
    m = arena_alloc(a, sizeof(*m));
    c.m = m;
    c.used = arena_calloc(a, in->dict->ndefs, sizeof(*c.used));
    c.order = arena_calloc(a, in->dict->ndefs, sizeof(*c.order));
    m->year = in->year;
    m->collectivite = l->collectivite;
    m->title = arena_printf(a, "%s %d", l->title, in->year);
    m->closed = in->closed;
    m->frozen_definitions = in->dict->frozen_year != 0;
    m->generated = in->generated ? in->generated : "";

    build_sections(&c);
    build_territories(&c);
    build_mds(&c);
    if (report_coherence_build(&c) < 0)
        return NULL;
    build_definitions(&c);
    return m;
}

unsigned report_format_parse(const char *s)
{
    static const struct {
        const char *name;
        unsigned mask;
    } formats[] = {
        {"html", REPORT_HTML}, {"csv", REPORT_CSV},  {"xlsx", REPORT_XLSX},
        {"json", REPORT_JSON}, {"tout", REPORT_ALL},
    };
    for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
        if (!strcmp(s, formats[i].name))
            return formats[i].mask;
    return 0;
}

int report_mds_placement(void *ctx, const struct indic_def *def, struct report_placement *out,
                         struct err *e)
{
    const struct report_mds_placement *p = ctx;
    size_t k;

    (void)e;
    if (def->measure != MEASURE_DISTINCT_PERSONNE && def->measure != MEASURE_DISTINCT_FOYER &&
        def->measure != MEASURE_DISTINCT_BENEFICIAIRE)
        return 0;
    k = indic_result_index(p->mds, def->code);
    if (!p->placed || k == SIZE_MAX)
        return 0;
    out->central_rows = indic_unplaced_rows(p->placed, k, 0);
    return 0;
}

/*
 * engine.c: the one engine that computes every indicator of the dictionary.
 *
 * For a year and a grid, each source table is read once, by one query
 * restricted to the year (decisions joined with their dossier, payments
 * joined with their dossier, dossiers whose opening or right/measure period
 * touches the year, acts), whatever the number of indicators. Each row is
 * handed to the indicators that look at its dispositif and source; each
 * indicator filters it (outcome, facts, condition), finds the periods it
 * counts in (months 1..12 and the year, month 0) from its date rule, the
 * area it counts in (place.c), and accumulates per (indicator, area, month):
 * a count, a sum, days of presence (stock_moyen), or a distinct count
 * (strset + map64: each id counts once per indicator, area and month). The
 * département total (area index nareas) accumulates every row, including
 * rows of central sites or of no area, with its own distinct sets: a person
 * counted in two MDS counts once in the département.
 *
 * Then site facts are read, and ratios and sums of indicators are computed
 * from the values of the same area and month, in dependency order.
 *
 * One pass fills several grids (indic_compute_grids): filters, conditions,
 * periods and the département total are worked out once per row and
 * indicator, only the area is found per grid. Each grid also gets the
 * values over the rows placed in some of its areas, and the count of rows
 * the département counts and no area does (struct indic_placed). A distinct
 * measure keeps, per (indicator, id), one record of the months counted in
 * the département and in the first area met in each grid (struct
 * eng_seen); only ids met in a second area of a grid go to the cell map.
 *
 * The passes run on two threads when they can (par.c: acts and some
 * dispositifs' dossiers on one, the other dossiers on the other, each
 * indicator on one thread only), else here one after the other
 * (eng_run_passes). A row's facts are read by a scanner of the few keys its
 * indicators ask for (facts.c), not built as a jansson object.
 *
 * indic_explain runs the same passes for the indicators a figure depends on
 * and collects the ids of the rows that fall in the figure's cell.
 */
#include "core/compat.h"
#include "indic/indic_int.h"

#include <inttypes.h>

#include "core/money.h"

#define MONTH_BIT(m) ((uint16_t)(1u << (m)))
#define ALL_MONTHS   ((uint16_t)((1u << INDIC_MONTHS) - 1))

/* ---- rows: facts, filters, condition -------------------------------------- */

static const struct eng_facts *row_facts(struct eng *g, struct eng_row *r)
{
    if (r->facts)
        return r->facts;
    /* the column is read only for a row some indicator needs the facts of */
    if (r->facts_q) {
        r->facts_text = store_column_text(r->facts_q, r->facts_col);
        r->facts_q = NULL;
    }
    if (eng_facts_read(&g->facts, r->facts_text, r->id, g->e) < 0)
        return NULL;
    r->facts = &g->facts;
    return r->facts;
}

/*
 * The text form of a fact value, as dict.c stores filter values, in
 * *t[0..*n) (buf holds it when it is not the value itself); false when none.
 */
static bool fact_text(const struct catalog_fact *f, const struct eng_fact *v, char *buf,
                      size_t size, const char **t, size_t *n)
{
    int64_t cents;
    struct err ignored;
    int len;

    if (!v)
        return false;
    switch (v->type) {
    case ENG_FACT_STRING:
        if (f && f->type == RULES_MONEY) {
            if (money_parse(v->s, v->slen, &cents, &ignored) != 0)
                return false;
            len = snprintf(buf, size, "%" PRId64, cents);
            break;
        }
        *t = v->s;
        *n = v->slen;
        return true;
    case ENG_FACT_TRUE:
        *t = "true";
        *n = 4;
        return true;
    case ENG_FACT_FALSE:
        *t = "false";
        *n = 5;
        return true;
    case ENG_FACT_INT:
        len = snprintf(buf, size, "%" PRId64, v->i);
        break;
    default:
        return false;
    }
    *t = buf;
    *n = (size_t)len;
    return true;
}

static bool filters_match(const struct indic_def *def, const struct catalog_dispositif *cd,
                          const struct eng_facts *facts)
{
    char buf[32];

    for (size_t i = 0; i < def->nfilters; i++) {
        const struct indic_fact_filter *f = &def->filters[i];
        const char *t;
        size_t n;
        bool ok = false;

        if (!fact_text(catalog_fact(cd, f->fact), eng_facts_get(facts, f->fact), buf, sizeof(buf),
                       &t, &n))
            return false;
        for (size_t k = 0; k < f->nvalues && !ok; k++)
            ok = !strncmp(t, f->values[k], n) && f->values[k][n] == '\0';
        if (!ok)
            return false;
    }
    return true;
}

struct cond_env {
    struct eng *g;
    const struct catalog_dispositif *cd;
    const struct eng_row *r;
    date_t date, first, last;
};

/*
 * What a name of a condition is, remembered by the address of the name (the
 * compiled conditions live as long as the dictionary) and the dispositif:
 * the chain of strcmp and the search of the catalogue's facts ran for every
 * name of every condition on every row.
 */
static const struct eng_name *name_kind(struct eng *g, const struct catalog_dispositif *cd,
                                        const char *name)
{
    uintptr_t h = ((uintptr_t)name >> 3) ^ ((uintptr_t)cd >> 4) * 31u;
    struct eng_name *x = &g->names[h % ENG_NAMES];

    if (x->name == name && x->cd == cd)
        return x;
    x->name = name;
    x->cd = cd;
    x->fact = NULL;
    if (!strcmp(name, INDIC_ENV_DATE))
        x->kind = ENG_NAME_DATE;
    else if (!strcmp(name, INDIC_ENV_DEBUT))
        x->kind = ENG_NAME_DEBUT;
    else if (!strcmp(name, INDIC_ENV_FIN))
        x->kind = ENG_NAME_FIN;
    else if (!strcmp(name, CATALOG_ENV_BIRTH))
        x->kind = ENG_NAME_BIRTH;
    else if (!strcmp(name, CATALOG_ENV_SEX))
        x->kind = ENG_NAME_SEX;
    else {
        x->kind = ENG_NAME_FACT;
        x->fact = catalog_fact(cd, name);
    }
    return x;
}

static struct rules_value cond_value(void *ctx, const char *name)
{
    const struct cond_env *c = ctx;
    const struct catalog_fact *f;
    const struct eng_fact *v;
    const struct eng_name *x = name_kind(c->g, c->cd, name);
    int64_t n;
    date_t day;
    struct err ignored;

    switch (x->kind) {
    case ENG_NAME_DATE:
        return rules_value_date(c->date);
    case ENG_NAME_DEBUT:
        return rules_value_date(c->first);
    case ENG_NAME_FIN:
        return rules_value_date(c->last);
    case ENG_NAME_BIRTH:
        return c->r->has_birth ? rules_value_date(c->r->birth) : rules_value_absent();
    case ENG_NAME_SEX:
        return c->r->sex ? rules_value_text(c->r->sex, strlen(c->r->sex)) : rules_value_absent();
    case ENG_NAME_FACT:
        break;
    }
    f = x->fact;
    v = f && c->r->facts ? eng_facts_get(c->r->facts, name) : NULL;
    if (!v || v->type == ENG_FACT_NULL)
        return rules_value_absent();
    switch (f->type) {
    case RULES_BOOL:
        return v->type == ENG_FACT_TRUE || v->type == ENG_FACT_FALSE
                   ? rules_value_bool(v->type == ENG_FACT_TRUE)
                   : rules_value_absent();
    case RULES_INT:
        return v->type == ENG_FACT_INT ? rules_value_int(v->i) : rules_value_absent();
    case RULES_MONEY:
        if (v->type != ENG_FACT_STRING || money_parse(v->s, v->slen, &n, &ignored) != 0)
            return rules_value_absent();
        return rules_value_money(n);
    case RULES_DATE:
        if (v->type != ENG_FACT_STRING || !eng_parse_daten(v->s, v->slen, &day))
            return rules_value_absent();
        return rules_value_date(day);
    case RULES_TEXT:
        return v->type == ENG_FACT_STRING ? rules_value_text(v->s, v->slen) : rules_value_absent();
    case RULES_ABSENT:
        break;
    }
    return rules_value_absent();
}

/* The birth date and sex of the row's person, read when a condition needs them. */
static int row_person(struct eng *g, struct eng_row *r)
{
    struct store_stmt *q;
    int rc;

    if (r->person_loaded || !r->person)
        return 0;
    r->person_loaded = true;
    q = store_prepare(g->s, "SELECT birth_date, sex FROM person WHERE id = ?", g->e);
    if (!q)
        return -1;
    store_bind_text(q, 1, r->person);
    rc = store_step(q, g->e);
    if (rc == STORE_ROW) {
        const char *sex = store_column_text(q, 1);
        r->has_birth = eng_parse_date(store_column_text(q, 0), &r->birth);
        snprintf(r->sexbuf, sizeof(r->sexbuf), "%s", sex);
        r->sex = r->sexbuf;
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

static int condition_holds(struct eng *g, const struct indic_def *def,
                           const struct catalog_dispositif *cd, const struct eng_row *r,
                           date_t date, int month, bool *holds)
{
    struct cond_env env = {g, cd, r, date, g->per[month].first, g->per[month].last};
    struct rules_value v;

    if (rules_eval(def->condition, cond_value, &env, &v, g->e) != 0) {
        err_prefix(g->e, "indicateur %s, condition « %s », ligne %s : ", def->code,
                   rules_expr_source(def->condition), r->id);
        return err_hint(g->e, "écrivez present(fait) dans la condition pour un fait facultatif");
    }
    *holds = v.type == RULES_BOOL && v.u.b;
    return 0;
}

/* ---- periods ----------------------------------------------------------------- */

/*
 * The months (bit 0: the year) row r counts in for def, and for each the
 * counted date (when[m]): the event's date, or for a period running in the
 * month its last running day in it (stock_fin: the month's last day).
 */
static uint16_t row_months(const struct eng *g, const struct indic_def *def,
                           const struct eng_row *r, date_t *when)
{
    uint16_t mask = 0;
    date_t day, end;
    int y, m, d;

    switch (def->date) {
    case DATE_DECISION:
    case DATE_PAIEMENT:
    case DATE_ACTE:
    case DATE_OUVERTURE:
    case DATE_MESURE_DEBUTEE:
        if (def->date == DATE_OUVERTURE)
            day = r->opened;
        else if (def->date == DATE_MESURE_DEBUTEE) {
            if (!r->has_start)
                return 0;
            day = r->start;
        } else
            day = r->day;
        if (!period_contains(g->per[0], day))
            return 0;
        date_to_ymd(day, &y, &m, &d);
        when[0] = when[m] = day;
        return (uint16_t)(MONTH_BIT(0) | MONTH_BIT(m));
    case DATE_DROIT_OUVERT:
    case DATE_MESURE_EN_COURS:
    case DATE_STOCK_MOYEN:
        if (!r->has_start)
            return 0;
        end = r->has_end ? r->end : DATE_MAX;
        for (int p = 0; p < INDIC_MONTHS; p++) {
            if (period_overlaps(g->per[p], r->start, end)) {
                mask |= MONTH_BIT(p);
                when[p] = end < g->per[p].last ? end : g->per[p].last;
            }
        }
        return mask;
    case DATE_STOCK_FIN:
        if (!r->has_start)
            return 0;
        end = r->has_end ? r->end : DATE_MAX;
        for (int p = 0; p < INDIC_MONTHS; p++) {
            if (r->start <= g->per[p].last && end >= g->per[p].last) {
                mask |= MONTH_BIT(p);
                when[p] = g->per[p].last;
            }
        }
        return mask;
    case DATE_FAIT:
        break;
    }
    return 0;
}

/* Days of [start, end] in period p. */
static int64_t days_in(const struct eng *g, const struct eng_row *r, int p)
{
    date_t end = r->has_end ? r->end : DATE_MAX;
    date_t a = r->start > g->per[p].first ? r->start : g->per[p].first;
    date_t b = end < g->per[p].last ? end : g->per[p].last;
    return b >= a ? (int64_t)b - a + 1 : 0;
}

/* ---- accumulation ----------------------------------------------------------- */

static void explain_add(struct eng *g, size_t k, size_t area, uint16_t mask, const char *id)
{
    if (!g->explain || !g->x_defs[k] || !(mask & MONTH_BIT(g->x_month)))
        return;
    if (area == g->x_area)
        strset_add(&g->x_ids, id, strlen(id));
}

/* Count id once per (def, area, month) of grid gr for the months of mask. */
static void add_distinct(struct eng *g, struct eng_grid *gr, size_t k, size_t area, uint16_t mask,
                         uint32_t id)
{
    uint64_t key = ((gr->key_base + k * (gr->nareas + 2) + area) << 32) | id;
    uint32_t *seen = map64_slot(&g->distinct, key);
    uint16_t fresh = (uint16_t)(mask & ~*seen);

    *seen |= fresh;
    for (int p = 0; fresh; p++, fresh >>= 1)
        if (fresh & 1)
            gr->acc[eng_cell(gr, k, area, p)]++;
}

static void add_months(int64_t *cells, uint16_t fresh)
{
    for (int p = 0; fresh; p++, fresh >>= 1)
        if (fresh & 1)
            cells[p]++;
}

/* The record of what (def k, id) has counted, created empty. */
static struct eng_seen *seen_of(struct eng *g, size_t k, uint32_t id)
{
    uint32_t *slot = map64_slot(&g->seen_idx, ((uint64_t)k << 32) | id);

    if (!*slot) {
        if (g->nseen == g->seen_cap) {
            size_t cap = g->seen_cap ? 2 * g->seen_cap : 4096;
            struct eng_seen *grown = realloc(g->seen, cap * sizeof(*grown));
            if (!grown || g->nseen >= UINT32_MAX - 1)
                die_nomem(cap * sizeof(*grown));
            g->seen = grown;
            g->seen_cap = cap;
        }
        memset(&g->seen[g->nseen], 0, sizeof(g->seen[0]));
        *slot = (uint32_t)++g->nseen;
    }
    return &g->seen[*slot - 1];
}

/* A distinct id in area of the grid gi for the months of mask. */
static void add_distinct_area(struct eng *g, size_t gi, struct eng_seen *sn, size_t k, size_t area,
                              uint16_t mask, uint32_t id)
{
    struct eng_grid *gr = &g->grids[gi];
    uint16_t fresh;

    if (!sn->area[gi])
        sn->area[gi] = (uint32_t)area + 1;
    if (sn->area[gi] != area + 1) {
        add_distinct(g, gr, k, area, mask, id);
        return;
    }
    fresh = (uint16_t)(mask & ~sn->mask[gi]);
    sn->mask[gi] |= fresh;
    add_months(&gr->acc[eng_cell(gr, k, area, 0)], fresh);
}

static void add_value(struct eng *g, struct eng_grid *gr, const struct indic_def *def, size_t k,
                      size_t area, uint16_t mask, const struct eng_row *r, int64_t v)
{
    int64_t *cells = &gr->acc[eng_cell(gr, k, area, 0)];

    if (def->date != DATE_STOCK_MOYEN) {
        for (int p = 0; mask; p++, mask >>= 1)
            if (mask & 1)
                cells[p] += v;
        return;
    }
    for (int p = 0; mask; p++, mask >>= 1)
        if (mask & 1)
            cells[p] += days_in(g, r, p);
}

/*
 * Count row r once per month of mask in rows[] (per def: the row whose
 * months seen holds is stamp - 1); a dossier's decisions are one row.
 */
static void count_row(const struct eng_row *r, uint64_t *stamp, uint16_t *seen, int64_t *rows,
                      uint16_t mask)
{
    uint16_t fresh;

    if (*stamp != r->serial + 1) {
        *stamp = r->serial + 1;
        *seen = 0;
    }
    fresh = (uint16_t)(mask & ~*seen);
    *seen |= fresh;
    for (int p = 0; fresh; p++, fresh >>= 1)
        if (fresh & 1)
            rows[p]++;
}

/*
 * The index (in g->ids) of what a distinct measure counts for row r, or -1
 * when the row has none; computed once per row and kind of measure.
 */
static int64_t distinct_id(struct eng *g, const struct indic_def *def, struct eng_row *r)
{
    int kind = def->measure - MEASURE_DISTINCT_PERSONNE; /* 0, 1, 2 */
    const char *key = NULL;
    char buf[160];

    assert(kind >= 0 && kind < 3);
    if (r->kidx[kind])
        return r->kidx[kind] - 1;
    switch (def->measure) {
    case MEASURE_DISTINCT_PERSONNE:
        key = r->person;
        break;
    case MEASURE_DISTINCT_FOYER:
        key = r->household;
        break;
    default:
        if (!r->btype) {
            key = r->person;
        } else if (r->benef) {
            size_t t = strlen(r->btype), b = strlen(r->benef);
            if (t + b + 1 < sizeof(buf)) {
                memcpy(buf, r->btype, t);
                buf[t] = ':';
                memcpy(buf + t + 1, r->benef, b + 1);
                key = buf;
            }
        }
        break;
    }
    r->kidx[kind] = key ? (int64_t)strset_add(&g->ids, key, strlen(key)) + 1 : 0;
    return r->kidx[kind] - 1;
}

/*
 * The area of grid gi for each month of mask, on its day when[p]: by the
 * beneficiary's commune, which depends on the row and the day only, so the
 * indicators of a row with the same months and days (most share a date
 * rule) reuse the areas of the one before.
 */
static void row_areas(struct eng *g, size_t gi, const struct indic_def *def, struct eng_row *r,
                      uint16_t mask, const date_t *when, size_t *areas)
{
    struct eng_areas *c = &g->areas[gi];
    bool same = c->serial == r->serial + 1 && c->mask == mask;

    for (int p = 0; p < INDIC_MONTHS && same; p++)
        same = !(mask & MONTH_BIT(p)) || c->when[p] == when[p];
    if (!same) {
        for (int p = 0; p < INDIC_MONTHS; p++) {
            c->when[p] = when[p];
            c->area[p] =
                (mask & MONTH_BIT(p)) ? eng_place(g, &g->grids[gi], def, r, when[p]) : SIZE_MAX;
        }
        c->serial = r->serial + 1;
        c->mask = mask;
    }
    memcpy(areas, c->area, sizeof(c->area));
}

static int def_apply(struct eng *g, size_t k, enum indic_source src, struct eng_row *r,
                     const struct catalog_dispositif *cd)
{
    const struct indic_def *def = &g->d->defs[k];
    date_t when[INDIC_MONTHS];
    size_t areas[INDIC_MONTHS];
    uint32_t id = 0;
    int64_t value = 1;
    uint16_t mask, rest;
    bool distinct = g->distinct_def[k];
    struct eng_grid *g0 = &g->grids[0];
    struct eng_seen *sn = NULL;

    if (src == SRC_DECISIONS && (r->outcome < 0 || !def->outcomes[r->outcome]))
        return 0;
    mask = row_months(g, def, r, when);
    if (!mask)
        return 0;
    if ((def->nfilters || def->condition || def->sum_fact) && !row_facts(g, r))
        return -1;
    if (def->nfilters && !filters_match(def, cd, r->facts))
        return 0;
    if (def->condition && g->needs_person[k] && row_person(g, r) < 0)
        return -1;
    if (def->condition) {
        bool holds;
        if (!def->condition_dated) {
            if (condition_holds(g, def, cd, r, when[0], 0, &holds) < 0)
                return -1;
            if (!holds)
                return 0;
        } else {
            for (int p = 0; p < INDIC_MONTHS; p++) {
                if (!(mask & MONTH_BIT(p)))
                    continue;
                if (condition_holds(g, def, cd, r, when[p], p, &holds) < 0)
                    return -1;
                if (!holds)
                    mask &= (uint16_t)~MONTH_BIT(p);
            }
            if (!mask)
                return 0;
        }
    }
    if (distinct) {
        int64_t x = distinct_id(g, def, r);
        if (x < 0)
            return 0;
        id = (uint32_t)x;
    } else if (def->measure == MEASURE_SOMME_MONTANT) {
        value = r->amount;
    } else if (def->measure == MEASURE_SOMME_FAIT) {
        const struct eng_fact *v = eng_facts_get(r->facts, def->sum_fact);
        value = v && v->type == ENG_FACT_INT ? v->i : 0;
    }

    /* the département total, once for every grid (kept in the first grid's cells) */
    if (distinct) {
        uint16_t fresh;
        sn = seen_of(g, k, id);
        fresh = (uint16_t)(mask & ~sn->dep);
        sn->dep |= fresh;
        add_months(&g0->acc[eng_cell(g0, k, g0->nareas, 0)], fresh);
    } else
        add_value(g, g0, def, k, g0->nareas, mask, r, value);
    count_row(r, &g->dep_stamp[k], &g->dep_mask[k], &g->rows_dep[k * INDIC_MONTHS], mask);
    explain_add(g, k, g0->nareas, mask, r->id);

    /* then in each grid, each area with the months it holds */
    for (size_t gi = 0; gi < g->ngrids; gi++) {
        struct eng_grid *gr = &g->grids[gi];
        uint16_t placed = 0;

        if (gr->is_dept || (def->place == PLACE_SITE && !gr->by_commune)) {
            size_t a = eng_place(g, gr, def, r, when[0]);
            if (a == SIZE_MAX)
                continue;
            placed = mask;
            if (distinct)
                add_distinct_area(g, gi, sn, k, a, mask, id);
            else
                add_value(g, gr, def, k, a, mask, r, value);
            if (gi == 0)
                explain_add(g, k, a, mask, r->id);
        } else {
            row_areas(g, gi, def, r, mask, when, areas);
            for (rest = mask; rest;) {
                int first = 0;
                uint16_t sub = 0;
                while (!(rest & MONTH_BIT(first)))
                    first++;
                for (int p = first; p < INDIC_MONTHS; p++)
                    if ((rest & MONTH_BIT(p)) && areas[p] == areas[first])
                        sub |= MONTH_BIT(p);
                rest &= (uint16_t)~sub;
                if (areas[first] == SIZE_MAX)
                    continue;
                placed |= sub;
                if (distinct)
                    add_distinct_area(g, gi, sn, k, areas[first], sub, id);
                else
                    add_value(g, gr, def, k, areas[first], sub, r, value);
                if (gi == 0)
                    explain_add(g, k, areas[first], sub, r->id);
            }
        }
        /* rows placed in some area: additive values are summed over the areas at the end */
        if (placed) {
            if (distinct) {
                uint16_t fresh = (uint16_t)(placed & ~sn->placed[gi]);
                sn->placed[gi] |= fresh;
                add_months(&gr->acc[eng_cell(gr, k, gr->nareas + 1, 0)], fresh);
            }
            count_row(r, &gr->row_stamp[k], &gr->row_mask[k], &gr->rows_placed[k * INDIC_MONTHS],
                      placed);
        }
    }
    return 0;
}

/* Hand r to the indicators of its dispositif (dp) for source src. */
static int row_apply(struct eng *g, enum indic_source src, struct eng_row *r,
                     const struct eng_disp *dp)
{
    int rc = 0;

    for (size_t i = 0; i < dp->ndefs[src] && rc == 0; i++)
        rc = def_apply(g, dp->defs[src][i], src, r, dp->cat);
    return rc;
}

/* ---- the passes ---------------------------------------------------------------- */

static void row_init(struct eng *g, struct eng_row *r)
{
    memset(r, 0, sizeof(*r));
    r->serial = g->nserial++;
    r->outcome = -1;
    for (size_t i = 0; i < ENG_MAX_GRIDS; i++)
        r->site_area[i] = SIZE_MAX - 1;
    for (size_t i = 0; i < ENG_ROW_DAYS; i++)
        r->commune_at[i] = -1;
    r->k_person = r->k_benef = r->k_dem = r->k_who = r->k_site = -2;
}

static const char *col_opt(struct store_stmt *q, int col)
{
    return store_column_is_null(q, col) ? NULL : store_column_text(q, col);
}

int eng_bad_date(struct eng *g, const char *what, const char *id, const char *value)
{
    err_set(g->e, ERR_INVALID, "date invalide « %s » (%s de %s)", value, what, id);
    return err_hint(g->e, "la base est peut-être corrompue : proxima journal verify");
}

/*
 * Decisions and payments of the year are read first, without their
 * dossier, and kept in memory by dossier (they are small); the scan of the
 * dossier table then hands each of them to the indicators with its
 * dossier's columns. So no table is read twice and nothing is joined row by
 * row.
 */
/* Rows of a count query, -1 on error (the caller then keeps the index). */
static int64_t count_rows(struct eng *g, const char *sql, bool bind)
{
    char first[DATE_ISO_LEN], last[DATE_ISO_LEN];
    struct err ignored;
    struct store_stmt *q = store_prepare(g->s, sql, &ignored);
    int64_t n = -1;

    if (!q)
        return -1;
    if (bind) {
        date_format_iso(g->per[0].first, first);
        date_format_iso(g->per[0].last, last);
        store_bind_text(q, 1, first);
        store_bind_text(q, 2, last);
    }
    if (store_step(q, &ignored) == STORE_ROW)
        n = store_column_int64(q, 0);
    store_finalize(q);
    return n;
}

int eng_buffer_events(struct eng *g, enum indic_source src)
{
    /*
     * By the date index, or by a scan of the table when the year holds at
     * least a third of its rows (the reference year: 95 000 decisions of
     * 121 000): reading the table in order then costs less than a seek per
     * row from the index (0.02 s against 0.08 s). Both counts read only an
     * index. The order of a dossier's events does not change any value.
     */
    static const char *const by_date[] = {
        [SRC_DECISIONS] = "SELECT dossier, decided_on, COALESCE(amount_cents, 0), outcome "
                          "FROM decision WHERE decided_on >= ? AND decided_on <= ?",
        [SRC_PAIEMENTS] = "SELECT dossier, paid_on, amount_cents, '' "
                          "FROM payment WHERE paid_on >= ? AND paid_on <= ?",
    };
    static const char *const by_scan[] = {
        [SRC_DECISIONS] = "SELECT dossier, decided_on, COALESCE(amount_cents, 0), outcome "
                          "FROM decision WHERE +decided_on >= ? AND +decided_on <= ?",
        [SRC_PAIEMENTS] = "SELECT dossier, paid_on, amount_cents, '' "
                          "FROM payment WHERE +paid_on >= ? AND +paid_on <= ?",
    };
    static const char *const count_all[] = {
        [SRC_DECISIONS] = "SELECT count(*) FROM decision",
        [SRC_PAIEMENTS] = "SELECT count(*) FROM payment",
    };
    static const char *const count_year[] = {
        [SRC_DECISIONS] = "SELECT count(*) FROM decision WHERE decided_on >= ? AND decided_on <= ?",
        [SRC_PAIEMENTS] = "SELECT count(*) FROM payment WHERE paid_on >= ? AND paid_on <= ?",
    };
    char first[DATE_ISO_LEN], last[DATE_ISO_LEN];
    struct store_stmt *q;
    int64_t all = count_rows(g, count_all[src], false), year = count_rows(g, count_year[src], true);
    int rc;

    date_format_iso(g->per[0].first, first);
    date_format_iso(g->per[0].last, last);
    q = store_prepare(g->s, all >= 0 && year >= 0 && 3 * year >= all ? by_scan[src] : by_date[src],
                      g->e);
    if (!q)
        return -1;
    store_bind_text(q, 1, first);
    store_bind_text(q, 2, last);
    while ((rc = store_step(q, g->e)) == STORE_ROW) {
        const char *dossier = store_column_text(q, 0), *day = store_column_text(q, 1);
        uint32_t k = strset_add(&g->ev_dossiers, dossier, strlen(dossier));
        struct eng_event *ev;
        enum catalog_outcome oc;

        if (k >= g->ev_head_cap) {
            size_t cap = g->ev_head_cap ? 2 * g->ev_head_cap : 4096;
            uint32_t *grown = arena_calloc(&g->tmp, cap, sizeof(*grown));
            if (g->ev_head_cap)
                memcpy(grown, g->ev_head, g->ev_head_cap * sizeof(*grown));
            g->ev_head = grown;
            g->ev_head_cap = cap;
        }
        if (g->nev == g->ev_cap) {
            size_t cap = g->ev_cap ? 2 * g->ev_cap : 4096;
            struct eng_event *grown = arena_calloc(&g->tmp, cap, sizeof(*grown));
            if (g->nev)
                memcpy(grown, g->ev, g->nev * sizeof(*grown));
            g->ev = grown;
            g->ev_cap = cap;
        }
        if (g->nev >= UINT32_MAX - 1) {
            rc =
                err_set(g->e, ERR_TOO_LARGE, "trop de décisions et de versements pour %d", g->year);
            break;
        }
        ev = &g->ev[g->nev];
        ev->src = (uint8_t)src;
        ev->outcome = -1;
        if (src == SRC_DECISIONS && catalog_outcome_from_code(store_column_text(q, 3), &oc) == 0)
            ev->outcome = (int8_t)oc;
        if (!eng_parse_date(day, &ev->day)) {
            rc = eng_bad_date(g, src == SRC_DECISIONS ? "décision" : "paiement", dossier, day);
            break;
        }
        ev->amount = store_column_int64(q, 2);
        ev->next = g->ev_head[k];
        g->ev_head[k] = (uint32_t)++g->nev;
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/*
 * The index in g->disps of a row's dispositif, or -1: rows come grouped by
 * dispositif more often than not, so the previous row's is tried first.
 */
struct disp_last {
    char code[64];
    size_t len;
    int64_t x;
};

static int64_t disp_index(const struct eng *g, const char *code, struct disp_last *last)
{
    size_t n = strlen(code);

    if (n == last->len && !memcmp(code, last->code, n))
        return last->x;
    last->x = strset_find(&g->disp_names, code, n);
    last->len = n < sizeof(last->code) ? n : SIZE_MAX;
    if (n < sizeof(last->code))
        memcpy(last->code, code, n);
    return last->x;
}

/* The scan of the dossier table: the dossiers source, then each dossier's events. */
#define DOSSIER_COLUMNS                                                                            \
    "SELECT id, dispositif, opened_on, measure_start, COALESCE(measure_end, ''), "                 \
    "beneficiary_type, beneficiary, person, household, site_grid, site_code, facts FROM dossier"

static int scan_dossiers(struct eng *g, struct store_stmt *q);

int eng_pass_dossiers(struct eng *g)
{
    struct store_stmt *q = store_prepare(g->s, DOSSIER_COLUMNS, g->e);

    return q ? scan_dossiers(g, q) : -1;
}

int eng_pass_dossiers_of(struct eng *g, const char *dispositif)
{
    /* by the index dossier_dispositif: the rows of one dispositif, a seek each */
    struct store_stmt *q = store_prepare(g->s, DOSSIER_COLUMNS " WHERE dispositif = ?", g->e);

    if (!q)
        return -1;
    store_bind_text(q, 1, dispositif);
    return scan_dossiers(g, q);
}

/* The rows of q (DOSSIER_COLUMNS), then finalizes it. */
static int scan_dossiers(struct eng *g, struct store_stmt *q)
{
    struct disp_last last = {.len = SIZE_MAX};
    int rc;

    if (!q)
        return -1;
    while ((rc = store_step(q, g->e)) == STORE_ROW) {
        const char *code = store_column_text(q, 1), *s;
        int64_t x = disp_index(g, code, &last), k;
        const struct eng_disp *dp;
        struct eng_row r;

        if (x < 0)
            continue;
        dp = &g->disps[x];
        row_init(g, &r);
        r.id = store_column_text(q, 0);
        r.dispositif = code;
        k = strset_find(&g->ev_dossiers, r.id, strlen(r.id));
        if (k < 0 && !dp->ndefs[SRC_DOSSIERS])
            continue;
        s = store_column_text(q, 2);
        if (!eng_parse_date(s, &r.opened)) {
            rc = eng_bad_date(g, "ouverture", r.id, s);
            break;
        }
        s = col_opt(q, 3);
        r.has_start = s != NULL;
        if (s && !eng_parse_date(s, &r.start)) {
            rc = eng_bad_date(g, "début de mesure", r.id, s);
            break;
        }
        s = store_column_text(q, 4);
        r.has_end = *s != '\0';
        if (*s && !eng_parse_date(s, &r.end)) {
            rc = eng_bad_date(g, "fin de mesure", r.id, s);
            break;
        }
        r.btype = col_opt(q, 5);
        r.benef = col_opt(q, 6);
        r.person = col_opt(q, 7);
        r.household = col_opt(q, 8);
        r.site_grid = store_column_text(q, 9);
        r.site_code = store_column_text(q, 10);
        r.facts_q = q;
        r.facts_col = 11;
        rc = row_apply(g, SRC_DOSSIERS, &r, dp);
        for (uint32_t e = k >= 0 ? g->ev_head[k] : 0; e && rc == 0; e = g->ev[e - 1].next) {
            const struct eng_event *ev = &g->ev[e - 1];
            r.day = ev->day;
            r.amount = ev->amount;
            r.outcome = ev->outcome;
            rc = row_apply(g, (enum indic_source)ev->src, &r, dp);
        }
        eng_facts_clear(&g->facts);
        if (rc < 0)
            break;
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

int eng_pass_acts(struct eng *g)
{
    char first[DATE_ISO_LEN], last[DATE_ISO_LEN];
    struct store_stmt *q = store_prepare(g->s,
                                         "SELECT id, dispositif, act_date, person, site_grid, "
                                         "site_code, facts FROM act "
                                         "WHERE act_date >= ? AND act_date <= ?",
                                         g->e);
    struct disp_last prev = {.len = SIZE_MAX};
    int rc;

    if (!q)
        return -1;
    date_format_iso(g->per[0].first, first);
    date_format_iso(g->per[0].last, last);
    store_bind_text(q, 1, first);
    store_bind_text(q, 2, last);
    while ((rc = store_step(q, g->e)) == STORE_ROW) {
        const char *code = store_column_text(q, 1), *s;
        int64_t x = disp_index(g, code, &prev);
        struct eng_row r;

        if (x < 0)
            continue;
        row_init(g, &r);
        r.id = store_column_text(q, 0);
        r.dispositif = code;
        s = store_column_text(q, 2);
        if (!eng_parse_date(s, &r.day)) {
            rc = eng_bad_date(g, "acte", r.id, s);
            break;
        }
        r.person = col_opt(q, 3);
        r.site_grid = store_column_text(q, 4);
        r.site_code = store_column_text(q, 5);
        r.facts_q = q;
        r.facts_col = 6;
        rc = row_apply(g, SRC_ACTES, &r, &g->disps[x]);
        eng_facts_clear(&g->facts);
        if (rc < 0)
            break;
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* ---- setting up and running ----------------------------------------------------- */

/* Mark def k and every indicator it is computed from. */
static void activate(const struct indic_dict *d, size_t k, bool *active)
{
    const struct indic_def *def = &d->defs[k];

    if (active[k])
        return;
    active[k] = true;
    if (def->source == SRC_RAPPORT) {
        activate(d, (size_t)(indic_find(d, def->numerator) - d->defs), active);
        activate(d, (size_t)(indic_find(d, def->denominator) - d->defs), active);
    } else if (def->source == SRC_SOMME) {
        for (size_t t = 0; t < def->nterms; t++)
            activate(d, (size_t)(indic_find(d, def->terms[t]) - d->defs), active);
    }
}

static void person_name(void *ctx, const char *name)
{
    if (!strcmp(name, CATALOG_ENV_BIRTH) || !strcmp(name, CATALOG_ENV_SEX))
        *(bool *)ctx = true;
}

static bool is_distinct(const struct indic_def *def)
{
    return def->measure == MEASURE_DISTINCT_PERSONNE || def->measure == MEASURE_DISTINCT_FOYER ||
           def->measure == MEASURE_DISTINCT_BENEFICIAIRE;
}

static int eng_init(struct eng *g, struct store *s, const struct indic_dict *d,
                    const struct catalog *cat, int year, const char *const *grids, size_t ngrids,
                    struct arena *out, struct err *e)
{
    size_t nd = d->ndefs ? d->ndefs : 1;

    memset(g, 0, sizeof(*g));
    g->s = s;
    g->d = d;
    g->cat = cat;
    g->out = out;
    g->e = e;
    g->year = year;
    g->threads = 1;
    arena_init(&g->tmp, 0);
    strset_init(&g->disp_names, &g->tmp);
    strset_init(&g->ids, &g->tmp);
    strset_init(&g->x_ids, &g->tmp);
    strset_init(&g->ev_dossiers, &g->tmp);
    strset_init(&g->communes, &g->tmp);
    strset_init(&g->site_keys, &g->tmp);
    g->last_site = -1;
    map64_init(&g->distinct);
    map64_init(&g->seen_idx);
    eng_facts_init(&g->facts);
    if (year < 1900 || year > 2999)
        return err_set(e, ERR_INVALID, "année invalide : %d", year);
    if (ngrids == 0 || ngrids > ENG_MAX_GRIDS)
        return err_set(e, ERR_INVALID, "de 1 à %d grilles par calcul (%zu demandées)",
                       ENG_MAX_GRIDS, ngrids);
    for (size_t i = 0; i < ngrids; i++) {
        const char *grid = grids[i];
        if (!indic_grid_known(grid)) {
            err_set(e, ERR_INVALID, "grille inconnue : « %s »", grid ? grid : "");
            return err_hint(e, "grilles : mds, territoire, mdadt, epci, commune, departement");
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(grids[j], grid))
                return err_set(e, ERR_INVALID, "grille « %s » demandée deux fois", grid);
        g->grids[i].grid = grid;
        strset_init(&g->grids[i].sites, &g->tmp);
    }
    g->ngrids = ngrids;
    g->per[0] = period_year(year);
    for (int m = 1; m <= 12; m++)
        g->per[m] = period_month(year, m);
    g->active = arena_calloc(&g->tmp, nd, sizeof(bool));
    g->x_defs = arena_calloc(&g->tmp, nd, sizeof(bool));
    g->needs_person = arena_calloc(&g->tmp, nd, sizeof(bool));
    g->distinct_def = arena_calloc(&g->tmp, nd, sizeof(bool));
    for (size_t k = 0; k < d->ndefs; k++) {
        if (d->defs[k].condition)
            rules_names(d->defs[k].condition, person_name, &g->needs_person[k]);
        g->distinct_def[k] = is_distinct(&d->defs[k]);
    }
    return 0;
}

static void eng_release(struct eng *g)
{
    for (size_t i = 0; i < ENG_MAX_GRIDS; i++) {
        strset_release(&g->grids[i].sites);
        strset_release(&g->grids[i].assign.keys);
    }
    strset_release(&g->disp_names);
    strset_release(&g->ids);
    strset_release(&g->x_ids);
    strset_release(&g->ev_dossiers);
    strset_release(&g->addresses.keys);
    strset_release(&g->demandeurs.keys);
    strset_release(&g->orgs.keys);
    strset_release(&g->communes);
    strset_release(&g->site_keys);
    map64_release(&g->distinct);
    map64_release(&g->seen_idx);
    eng_facts_release(&g->facts);
    free(g->seen);
    arena_release(&g->tmp);
}

void eng_index_dispositifs(struct eng *g, const bool *take)
{
    size_t cap = g->cat->ndispositifs ? g->cat->ndispositifs : 1;

    strset_release(&g->disp_names);
    strset_init(&g->disp_names, &g->tmp);
    g->disps = arena_calloc(&g->tmp, cap, sizeof(*g->disps));
    for (size_t k = 0; k < g->d->ndefs; k++) {
        const struct indic_def *def = &g->d->defs[k];
        if (!g->active[k] || def->source > SRC_ACTES || (take && !take[k]))
            continue;
        for (size_t i = 0; i < def->ndispositifs; i++) {
            const char *code = def->dispositifs[i];
            uint32_t x = strset_add(&g->disp_names, code, strlen(code));
            struct eng_disp *dp;
            assert(x < cap);
            dp = &g->disps[x];
            dp->cat = catalog_find(g->cat, code);
            if (!dp->defs[def->source])
                dp->defs[def->source] = arena_calloc(&g->tmp, g->d->ndefs, sizeof(size_t));
            dp->defs[def->source][dp->ndefs[def->source]++] = k;
        }
    }
}

/* The cells of every grid, and the row counts, before the passes. */
static void alloc_cells(struct eng *g)
{
    size_t nd = g->d->ndefs ? g->d->ndefs : 1;
    uint64_t base = nd; /* keys below: (def, id) of seen_idx */

    for (size_t i = 0; i < g->ngrids; i++) {
        struct eng_grid *gr = &g->grids[i];
        gr->key_base = base;
        base += (uint64_t)nd * (gr->nareas + 2);
        gr->acc = arena_calloc(&g->tmp, nd * (gr->nareas + 2) * INDIC_MONTHS, sizeof(int64_t));
        gr->rows_placed = arena_calloc(&g->tmp, nd * INDIC_MONTHS, sizeof(int64_t));
        gr->row_stamp = arena_calloc(&g->tmp, nd, sizeof(uint64_t));
        gr->row_mask = arena_calloc(&g->tmp, nd, sizeof(uint16_t));
    }
    /* distinct keys: cell number in the high 32 bits */
    if (base >= UINT32_MAX)
        die_nomem(SIZE_MAX);
    g->rows_dep = arena_calloc(&g->tmp, nd * INDIC_MONTHS, sizeof(int64_t));
    g->dep_stamp = arena_calloc(&g->tmp, nd, sizeof(uint64_t));
    g->dep_mask = arena_calloc(&g->tmp, nd, sizeof(uint16_t));
}

/*
 * After the passes, for grid gr: the département total (counted once, in
 * the first grid), additive values over the rows placed in some area (the
 * sum of the areas: a row counts in one area at most per month), averages
 * of daily stocks, site facts, then ratios and sums.
 */
static int finish_grid(struct eng *g, struct eng_grid *gr)
{
    const struct eng_grid *g0 = &g->grids[0];
    unsigned char *state;

    for (size_t k = 0; k < g->d->ndefs; k++) {
        const struct indic_def *def = &g->d->defs[k];
        if (!g->active[k] || def->source > SRC_ACTES)
            continue;
        if (gr != g0)
            memcpy(&gr->acc[eng_cell(gr, k, gr->nareas, 0)],
                   &g0->acc[eng_cell(g0, k, g0->nareas, 0)], INDIC_MONTHS * sizeof(int64_t));
        if (!g->distinct_def[k]) {
            int64_t *placed = &gr->acc[eng_cell(gr, k, gr->nareas + 1, 0)];
            for (size_t a = 0; a < gr->nareas; a++)
                for (int p = 0; p < INDIC_MONTHS; p++)
                    placed[p] += gr->acc[eng_cell(gr, k, a, p)];
        }
    }
    for (size_t k = 0; k < g->d->ndefs; k++) {
        const struct indic_def *def = &g->d->defs[k];
        if (!g->active[k])
            continue;
        if (def->source == SRC_FAIT_SITE && eng_site_fact(g, gr, k) < 0)
            return -1;
        if (def->date == DATE_STOCK_MOYEN) {
            for (size_t a = 0; a <= gr->nareas + 1; a++)
                for (int p = 0; p < INDIC_MONTHS; p++) {
                    int64_t *cell = &gr->acc[eng_cell(gr, k, a, p)];
                    *cell = indic_div_round(*cell, (int64_t)g->per[p].last - g->per[p].first + 1);
                }
        }
    }
    state = arena_calloc(&g->tmp, g->d->ndefs ? g->d->ndefs : 1, 1);
    for (size_t k = 0; k < g->d->ndefs; k++)
        if (g->active[k])
            eng_derive(g, gr, k, state);
    return 0;
}

int eng_run_passes(struct eng *g)
{
    const bool *src = g->par_sources;

    if (g->need_residence && (eng_load_addresses(g) < 0 || eng_load_applicants(g) < 0))
        return -1;
    if ((src[SRC_DECISIONS] && eng_buffer_events(g, SRC_DECISIONS) < 0) ||
        (src[SRC_PAIEMENTS] && eng_buffer_events(g, SRC_PAIEMENTS) < 0) ||
        ((src[SRC_DECISIONS] || src[SRC_PAIEMENTS] || src[SRC_DOSSIERS]) &&
         eng_pass_dossiers(g) < 0) ||
        (src[SRC_ACTES] && eng_pass_acts(g) < 0))
        return -1;
    return 0;
}

static int eng_run(struct eng *g)
{
    int rc;

    if (!g->grids[0].area_codes && eng_load_areas(g) < 0)
        return -1;
    for (size_t k = 0; k < g->d->ndefs; k++) {
        const struct indic_def *def = &g->d->defs[k];
        if (!g->active[k])
            continue;
        if (def->source <= SRC_ACTES) {
            g->par_sources[def->source] = true;
            if (def->place == PLACE_RESIDENCE)
                g->need_residence = true;
        }
    }
    for (size_t i = 0; i < g->ngrids; i++)
        if (g->grids[i].by_commune)
            g->need_residence = true;
    eng_index_dispositifs(g, NULL);
    alloc_cells(g);
    /* on two threads when it can, else (1) on this one */
    rc = eng_par_run(g);
    if (rc > 0)
        rc = eng_run_passes(g);
    if (rc < 0)
        return -1;
    /* the first grid last: the others copy its département cells before they are averaged */
    for (size_t i = g->ngrids; i-- > 0;)
        if (finish_grid(g, &g->grids[i]) < 0)
            return -1;
    return 0;
}

/* The result of grid gr, in arena a. */
static void eng_result(struct eng *g, struct eng_grid *gr, struct arena *a,
                       struct indic_result *out, struct indic_placed *pl)
{
    const struct indic_dict *d = g->d;
    size_t nd = d->ndefs ? d->ndefs : 1;
    int64_t *values, *placed, *unplaced;
    int *versions;

    memset(out, 0, sizeof(*out));
    out->year = g->year;
    out->grid = arena_strdup(a, gr->grid);
    out->ndefs = d->ndefs;
    out->nareas = gr->nareas;
    out->area_codes = gr->area_codes;
    out->area_names = gr->area_names;
    values = arena_calloc(a, nd * (gr->nareas + 1) * INDIC_MONTHS, sizeof(int64_t));
    placed = arena_calloc(pl ? a : &g->tmp, nd * INDIC_MONTHS, sizeof(int64_t));
    unplaced = arena_calloc(pl ? a : &g->tmp, nd * INDIC_MONTHS, sizeof(int64_t));
    for (size_t k = 0; k < d->ndefs; k++) {
        memcpy(&values[k * (gr->nareas + 1) * INDIC_MONTHS], &gr->acc[eng_cell(gr, k, 0, 0)],
               (gr->nareas + 1) * INDIC_MONTHS * sizeof(int64_t));
        memcpy(&placed[k * INDIC_MONTHS], &gr->acc[eng_cell(gr, k, gr->nareas + 1, 0)],
               INDIC_MONTHS * sizeof(int64_t));
        for (int p = 0; p < INDIC_MONTHS; p++)
            unplaced[k * INDIC_MONTHS + (size_t)p] = g->rows_dep[k * INDIC_MONTHS + (size_t)p] -
                                                     gr->rows_placed[k * INDIC_MONTHS + (size_t)p];
    }
    out->values = values;
    if (pl) {
        pl->values = placed;
        pl->unplaced_rows = unplaced;
    }
    out->codes = arena_calloc(a, nd, sizeof(char *));
    versions = arena_calloc(a, nd, sizeof(int));
    for (size_t k = 0; k < d->ndefs; k++) {
        out->codes[k] = d->defs[k].code;
        versions[k] = d->defs[k].version;
    }
    out->versions = versions;
}

/*
 * The passes read most of a year's pages once: through a memory map of the
 * database file (SQLite's mmap_size) instead of a read() copy per page,
 * which saves about a tenth of the time on a year. Set on the connection
 * for the computation only, when the connection has no map of its own, and
 * put back after; best effort (a backend without the pragma reads as
 * before). The page cache (cache_size) is left
 * alone: each table is scanned once, a larger cache would not be reused.
 */
#define ENG_MMAP_SIZE "2147483648" /* 2 GiB; SQLite caps it at its own maximum */

/* Run a pragma, its first column or -1. */
static int64_t pragma_int(struct store *s, const char *sql)
{
    struct err ignored;
    struct store_stmt *q = store_prepare(s, sql, &ignored);
    int64_t v = -1;

    if (!q)
        return -1;
    if (store_step(q, &ignored) == STORE_ROW)
        v = store_column_int64(q, 0);
    store_finalize(q);
    return v;
}

bool eng_mmap(struct store *s)
{
    if (pragma_int(s, "PRAGMA mmap_size") != 0)
        return false;
    pragma_int(s, "PRAGMA mmap_size = " ENG_MMAP_SIZE);
    return true;
}

void eng_unmap(struct store *s)
{
    pragma_int(s, "PRAGMA mmap_size = 0");
}

int eng_compute_grids(struct store *s, const struct indic_dict *d, const struct catalog *cat,
                      int year, const char *const *grids, size_t ngrids, unsigned workers,
                      struct arena *a, struct indic_result *out, struct indic_placed *placed,
                      struct eng_stats *stats, struct err *e)
{
    struct eng g;
    int rc = -1;
    bool mapped;

    for (size_t i = 0; i < ngrids; i++) {
        memset(&out[i], 0, sizeof(out[i]));
        if (placed)
            memset(&placed[i], 0, sizeof(placed[i]));
    }
    if (eng_init(&g, s, d, cat, year, grids, ngrids, a, e) < 0)
        goto out;
    g.workers = workers;
    for (size_t k = 0; k < d->ndefs; k++)
        g.active[k] = true;
    mapped = eng_mmap(s);
    rc = eng_run(&g);
    if (mapped)
        eng_unmap(s);
    if (stats) {
        stats->threads = g.threads;
        stats->moved = g.par_moved;
        stats->facts_slow = g.facts_slow + g.facts.slow;
    }
    if (rc < 0)
        goto out;
    for (size_t i = 0; i < ngrids; i++)
        eng_result(&g, &g.grids[i], a, &out[i], placed ? &placed[i] : NULL);
out:
    eng_release(&g);
    return rc;
}

int indic_compute_grids(struct store *s, const struct indic_dict *d, const struct catalog *cat,
                        int year, const char *const *grids, size_t ngrids, struct arena *a,
                        struct indic_result *out, struct indic_placed *placed, struct err *e)
{
    return eng_compute_grids(s, d, cat, year, grids, ngrids, ENG_WORKERS, a, out, placed, NULL, e);
}

int indic_compute(struct store *s, const struct indic_dict *d, const struct catalog *cat, int year,
                  const char *grid, struct arena *a, struct indic_result *out, struct err *e)
{
    return indic_compute_grids(s, d, cat, year, &grid, 1, a, out, NULL, e);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int indic_explain(struct store *s, const struct indic_dict *d, const struct catalog *cat,
                  const char *code, int year, int month, const char *grid, const char *area,
                  struct arena *a, const char ***ids, size_t *n, struct err *e)
{
    const struct indic_def *def = indic_find(d, code);
    struct eng g;
    int rc = -1;
    const char *grids[1] = {grid ? grid : "departement"};
    bool mapped;

    *ids = NULL;
    *n = 0;
    if (eng_init(&g, s, d, cat, year, grids, 1, a, e) < 0)
        goto out;
    if (!def) {
        err_set(e, ERR_NOT_FOUND, "indicateur inconnu : « %s »", code);
        err_hint(e, "« proxima indicateurs list » donne les codes");
        goto out;
    }
    if (month < 0 || month > 12) {
        err_set(e, ERR_INVALID, "mois invalide : %d (1 à 12, ou 0 pour l'année)", month);
        goto out;
    }
    g.workers = ENG_WORKERS;
    activate(d, (size_t)(def - d->defs), g.active);
    memcpy(g.x_defs, g.active, d->ndefs * sizeof(bool));
    g.explain = true;
    g.x_month = month;
    if (eng_load_areas(&g) < 0)
        goto out;
    if (!area || !strcmp(area, INDIC_DEPARTEMENT)) {
        g.x_area = g.grids[0].nareas;
    } else {
        g.x_area = eng_area_index(&g.grids[0], area);
        if (g.x_area == SIZE_MAX) {
            err_set(e, ERR_NOT_FOUND, "zone inconnue « %s » dans la grille %s", area, grids[0]);
            err_hint(e, "« proxima indicateurs compute --grille %s » liste les zones", grids[0]);
            goto out;
        }
    }
    mapped = eng_mmap(s);
    rc = eng_run(&g);
    if (mapped)
        eng_unmap(s);
    if (rc < 0)
        goto out;
    rc = -1;
    *ids = arena_calloc(a, g.x_ids.n ? g.x_ids.n : 1, sizeof(char *));
    for (size_t i = 0; i < g.x_ids.n; i++)
        (*ids)[i] = arena_strdup(a, g.x_ids.strs[i]);
    *n = g.x_ids.n;
    qsort(*ids, *n, sizeof(**ids), cmp_str);
    rc = 0;
out:
    eng_release(&g);
    return rc;
}

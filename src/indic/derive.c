/*
 * derive.c: what the engine computes after the passes over the source
 * tables: site facts (the last value recorded on or before each period's
 * end, summed over the areas of the fact's grid that fall in an area of the
 * computed grid, and over all for the département), ratios (hundredths of a
 * percent, rounded half away from zero) and sums of indicators, in the
 * order of their dependencies; and the look-ups of struct indic_result.
 */
#include "core/compat.h"
#include "indic/indic_int.h"

/* ---- site facts, ratios, sums ------------------------------------------------- */

static int64_t pow10i(int n)
{
    int64_t p = 1;
    while (n-- > 0)
        p *= 10;
    return p;
}

int eng_site_fact(struct eng *g, struct eng_grid *gr, size_t k)
{
    const struct indic_def *def = &g->d->defs[k];
    char last[DATE_ISO_LEN];
    struct store_stmt *q;
    int rc;

    for (size_t a = 0; a <= gr->nareas + 1; a++)
        for (int p = 0; p < INDIC_MONTHS; p++)
            gr->acc[eng_cell(gr, k, a, p)] = INDIC_UNDEFINED;
    date_format_iso(g->per[0].last, last);
    q = store_prepare(g->s,
                      "SELECT area, as_of, value, scale FROM ref_area_fact "
                      "WHERE grid = ? AND fact = ? AND as_of <= ? ORDER BY area, as_of",
                      g->e);
    if (!q)
        return -1;
    store_bind_text(q, 1, def->site_grid);
    store_bind_text(q, 2, def->site_fact);
    store_bind_text(q, 3, last);
    /* rows of one area in date order: the last one on or before each period's end wins */
    {
        char area[128] = "";
        int64_t latest[INDIC_MONTHS];
        bool has[INDIC_MONTHS] = {0};

        for (;;) {
            const char *code = NULL;
            date_t asof = 0;
            int64_t v = 0;

            rc = store_step(q, g->e);
            if (rc == STORE_ROW) {
                int scale = (int)store_column_int64(q, 3);
                const char *s = store_column_text(q, 1);
                code = store_column_text(q, 0);
                if (!eng_parse_date(s, &asof)) {
                    rc = eng_bad_date(g, "fait de site", code, s);
                    break;
                }
                if (scale > def->scale || scale < 0) {
                    err_set(g->e, ERR_INVALID,
                            "indicateur %s : le fait « %s » de %s:%s est à l'échelle %d, plus fine "
                            "que celle de l'indicateur (%d)",
                            def->code, def->site_fact, def->site_grid, code, scale, def->scale);
                    rc = -1;
                    break;
                }
                v = store_column_int64(q, 2) * pow10i(def->scale - scale);
            }
            if (area[0] && (rc != STORE_ROW || strcmp(code, area) != 0)) {
                /* flush the previous area */
                size_t a = eng_site_area(g, gr, def->site_grid, area);
                for (int p = 0; p < INDIC_MONTHS; p++) {
                    if (!has[p])
                        continue;
                    /* the département, the area, and the areas placed in the grid */
                    for (int t = 0; t < 3; t++) {
                        size_t where = t == 0 ? gr->nareas : t == 1 ? a : gr->nareas + 1;
                        int64_t *cell;
                        if (a == SIZE_MAX && t > 0)
                            continue;
                        cell = &gr->acc[eng_cell(gr, k, where, p)];
                        *cell = (*cell == INDIC_UNDEFINED ? 0 : *cell) + latest[p];
                    }
                }
                memset(has, 0, sizeof(has));
                area[0] = '\0';
            }
            if (rc != STORE_ROW)
                break;
            if (strlen(code) >= sizeof(area))
                continue;
            snprintf(area, sizeof(area), "%s", code);
            for (int p = 0; p < INDIC_MONTHS; p++) {
                if (asof <= g->per[p].last) {
                    latest[p] = v;
                    has[p] = true;
                }
            }
        }
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

static int64_t ratio_value(int64_t num, int64_t den)
{
    if (num == INDIC_UNDEFINED || den == INDIC_UNDEFINED || den <= 0)
        return INDIC_UNDEFINED;
    if (num > INT64_MAX / 20000 || num < -(INT64_MAX / 20000))
        return INDIC_UNDEFINED;
    return indic_div_round(num * 10000, den);
}

/* Compute derived def k after its terms (state: 0 todo, 1 running, 2 done). */
void eng_derive(struct eng *g, struct eng_grid *gr, size_t k, unsigned char *state)
{
    const struct indic_def *def = &g->d->defs[k];

    if (state[k] == 2 || (def->source != SRC_RAPPORT && def->source != SRC_SOMME)) {
        state[k] = 2;
        return;
    }
    assert(state[k] != 1); /* dict.c refuses cycles */
    state[k] = 1;
    if (def->source == SRC_RAPPORT) {
        size_t n = (size_t)(indic_find(g->d, def->numerator) - g->d->defs);
        size_t m = (size_t)(indic_find(g->d, def->denominator) - g->d->defs);
        eng_derive(g, gr, n, state);
        eng_derive(g, gr, m, state);
        for (size_t a = 0; a <= gr->nareas + 1; a++)
            for (int p = 0; p < INDIC_MONTHS; p++)
                gr->acc[eng_cell(gr, k, a, p)] =
                    ratio_value(gr->acc[eng_cell(gr, n, a, p)], gr->acc[eng_cell(gr, m, a, p)]);
    } else {
        /* the terms' indexes once, not per cell (a linear search by code) */
        size_t *x = arena_calloc(&g->tmp, def->nterms ? def->nterms : 1, sizeof(*x));
        for (size_t t = 0; t < def->nterms; t++) {
            x[t] = (size_t)(indic_find(g->d, def->terms[t]) - g->d->defs);
            eng_derive(g, gr, x[t], state);
        }
        for (size_t a = 0; a <= gr->nareas + 1; a++) {
            for (int p = 0; p < INDIC_MONTHS; p++) {
                int64_t sum = 0;
                for (size_t t = 0; t < def->nterms && sum != INDIC_UNDEFINED; t++) {
                    int64_t v = gr->acc[eng_cell(gr, x[t], a, p)];
                    sum = v == INDIC_UNDEFINED ? INDIC_UNDEFINED : sum + v;
                }
                gr->acc[eng_cell(gr, k, a, p)] = sum;
            }
        }
    }
    state[k] = 2;
}

/* ---- results -------------------------------------------------------------------- */

size_t indic_result_index(const struct indic_result *r, const char *code)
{
    for (size_t i = 0; r->codes && code && i < r->ndefs; i++)
        if (!strcmp(r->codes[i], code))
            return i;
    return SIZE_MAX;
}

size_t indic_result_area(const struct indic_result *r, const char *area)
{
    if (!area)
        return SIZE_MAX;
    if (!strcmp(area, INDIC_DEPARTEMENT))
        return r->nareas;
    /* area_codes are sorted (byte order) */
    for (size_t lo = 0, hi = r->nareas; lo < hi;) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(r->area_codes[mid], area);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

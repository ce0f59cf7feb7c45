/*
 * year.c: the report model of a year, assembled once for every front end.
 *
 * `proxima report` (src/cli/report.c) and the web pages /rapport and
 * /rapport/document (src/http/page_rapport.c) both call
 * report_model_for_year, so that the files and the page cannot drift
 * apart: the same basis (report_basis_open), the same values (frozen for
 * a closed year, computed otherwise in one pass over the source tables),
 * the same territories and the same MDS placement of the rows. What each
 * front end adds (access checks, rendering, writing files) stays with it.
 */
#include "core/compat.h"
#include "report/report.h"

#include "core/date.h"

/* The grids the model reads, in the order of report_input: dept, terr, mds. */
static const char *const year_grids[3] = {INDIC_DEPARTEMENT, REF_GRID_TERRITOIRE, REF_GRID_MDS};

/*
 * The values of the three grids: the frozen ones when the year is closed,
 * else computed in one pass over the source tables (placed[i] is what the
 * rows placed in some area give; zero for a frozen grid).
 */
static int year_values(struct store *s, const struct indic_dict *d, const struct catalog *cat,
                       int year, struct arena *a, struct indic_result res[3],
                       struct indic_placed placed[3], bool frozen[3], struct err *e)
{
    const char *todo[3];
    struct indic_result out[3];
    struct indic_placed pl[3];
    size_t n = 0, map[3];

    for (size_t i = 0; i < 3; i++) {
        memset(&placed[i], 0, sizeof(placed[i]));
        if (indic_frozen(s, year, year_grids[i], a, &res[i], &frozen[i], e) != 0)
            return -1;
        if (!frozen[i]) {
            map[n] = i;
            todo[n++] = year_grids[i];
        }
    }
    if (n == 0)
        return 0;
    if (indic_compute_grids(s, d, cat, year, todo, n, a, out, pl, e) != 0)
        return -1;
    for (size_t j = 0; j < n; j++) {
        res[map[j]] = out[j];
        placed[map[j]] = pl[j];
    }
    return 0;
}

struct report_model *report_model_for_year(struct report_basis *b, struct store *s, int year,
                                           const struct indic_dict *current,
                                           const struct catalog *cat, const char *data_dir,
                                           struct arena *a, struct err *e)
{
    struct indic_result res[3];
    struct indic_placed placed[3];
    struct ref_area_summary *sums = NULL;
    struct report_input in = {0};
    struct report_mds_placement pctx;
    struct report_model *m = NULL;
    bool frozen[3];
    char today[DATE_ISO_LEN];
    size_t nsums = 0;
    date_t end;

    if (report_basis_open(b, s, year, current,
                          arena_printf(a, "%s/%s", data_dir, REPORT_LAYOUT_DOC), e) != 0)
        return NULL;
    if (year_values(s, current, cat, year, a, res, placed, frozen, e) != 0)
        goto out;
    if (date_from_ymd(year, 12, 31, &end, e) != 0 ||
        ref_grid_summary(s, a, REF_GRID_TERRITOIRE, end, &sums, &nsums, e) != 0)
        goto out;
    date_format_iso(paris_today(), today);
    in.year = year;
    in.dict = b->dict;
    in.current = b->current;
    in.cat = cat;
    in.dept = &res[0];
    in.terr = &res[1];
    in.mds = &res[2];
    in.territories = sums;
    in.nterritories = nsums;
    in.closed = frozen[0] && frozen[1] && frozen[2];
    in.generated = arena_strdup(a, today);
    if (!in.closed) {
        /* the rows behind a figure exist only while the year is open */
        pctx = (struct report_mds_placement){&res[2], frozen[2] ? NULL : &placed[2]};
        in.placement = report_mds_placement;
        in.placement_ctx = &pctx;
    }
    m = report_model_build(&b->layout, &in, a, e);
out:
    if (!m)
        report_basis_release(b);
    return m;
}

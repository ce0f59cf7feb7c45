/*
 * report.c: `proxima report`, the annual activity report in files.
 *
 * Loads the catalogue, the indicator dictionary and the layout
 * (data/rapport/rapport.json; for a closed year, the definitions and the
 * layout frozen at its closing: report_basis_open), reads the values of the year on the grids
 * departement, territoire and mds (the frozen ones when the year is closed,
 * computed otherwise, in one pass over the source tables) and the
 * territories of the referential, builds the report model and writes each
 * file of the asked formats atomically in the output directory, printing its
 * path. With --as, the agent needs the "statistiques.lire" capability.
 */
#include "core/compat.h"
#include "cli/cli.h"

#include "cli/indiccli.h"
#include "core/date.h"
#include "core/file.h"
#include "ref/ref.h"
#include "report/report.h"

static const char usage[] =
    "proxima report --year AAAA [--format html|csv|xlsx|json|tout] --out DOSSIER";

/*
 * The values of the grids departement, territoire and mds: the frozen ones
 * when the year is closed, else computed in one pass over the source
 * tables; placed[2] is what the rows placed in some MDS give.
 */
static int report_values(struct cli_ctx *c, struct cli_indic *k, int year,
                         struct indic_result res[3], struct indic_placed placed[3], bool frozen[3])
{
    static const char *const grids[3] = {INDIC_DEPARTEMENT, REF_GRID_TERRITOIRE, REF_GRID_MDS};
    const char *todo[3];
    struct indic_result out[3];
    struct indic_placed pl[3];
    size_t n = 0, map[3];

    for (size_t i = 0; i < 3; i++) {
        memset(&placed[i], 0, sizeof(placed[i]));
        if (indic_frozen(c->store, year, grids[i], &c->arena, &res[i], &frozen[i], &c->err) != 0)
            return -1;
        if (!frozen[i]) {
            map[n] = i;
            todo[n++] = grids[i];
        }
    }
    if (n == 0)
        return 0;
    if (indic_compute_grids(c->store, &k->dict, &k->cat, year, todo, n, &c->arena, out, pl,
                            &c->err) != 0)
        return -1;
    for (size_t j = 0; j < n; j++) {
        res[map[j]] = out[j];
        placed[map[j]] = pl[j];
    }
    return 0;
}

int cmd_report(struct cli_ctx *c, int argc, char **argv)
{
    const char *year_s = NULL, *format = "html", *outdir = NULL;
    struct cli_indic k;
    struct report_basis basis;
    struct indic_result res[3];
    struct indic_placed placed[3];
    struct ref_area_summary *sums = NULL;
    size_t nsums = 0;
    struct report_input in = {0};
    struct report_model *m;
    struct report_files files = {0};
    struct report_mds_placement pctx;
    bool frozen[3];
    char today[DATE_ISO_LEN];
    date_t end;
    unsigned mask;
    int year, rc = -1;

    for (int i = 1; i < argc; i++) {
        const char *v;
        if (cli_opt(c, argc, argv, &i, "--year", &v)) {
            if (!v)
                return -1;
            year_s = v;
        } else if (cli_opt(c, argc, argv, &i, "--format", &v)) {
            if (!v)
                return -1;
            format = v;
        } else if (cli_opt(c, argc, argv, &i, "--out", &v)) {
            if (!v)
                return -1;
            outdir = v;
        } else {
            return cli_usage(c, usage, "argument inattendu : %s", argv[i]);
        }
    }
    if (cli_indic_year(c, usage, "--year", year_s, &year) != 0)
        return -1;
    mask = report_format_parse(format);
    if (!mask)
        return cli_usage(c, usage, "format inconnu « %s » : html, csv, xlsx, json ou tout", format);
    if (!outdir || !*outdir)
        return cli_usage(c, usage, "--out manquant : précisez le dossier où écrire le rapport");

    if (cli_indic_open(c, &k, true) != 0)
        return -1;
    if (cli_indic_can_count(c, &k) != 0)
        return cli_indic_close(&k, -1);
    if (report_basis_open(&basis, c->store, year, &k.dict, cli_data_path(c, REPORT_LAYOUT_DOC),
                          &c->err) != 0)
        return cli_indic_close(&k, -1);
    if (report_values(c, &k, year, res, placed, frozen) != 0)
        goto out;
    if (date_from_ymd(year, 12, 31, &end, &c->err) != 0 ||
        ref_grid_summary(c->store, &c->arena, REF_GRID_TERRITOIRE, end, &sums, &nsums, &c->err) !=
            0)
        goto out;

    date_format_iso(paris_today(), today);
    in.year = year;
    in.dict = basis.dict;
    in.current = basis.current;
    in.cat = &k.cat;
    in.dept = &res[0];
    in.terr = &res[1];
    in.mds = &res[2];
    in.territories = sums;
    in.nterritories = nsums;
    in.closed = frozen[0] && frozen[1] && frozen[2];
    in.generated = today;
    if (!in.closed) {
        /* the rows behind a figure exist only while the year is open */
        pctx = (struct report_mds_placement){&res[2], frozen[2] ? NULL : &placed[2]};
        in.placement = report_mds_placement;
        in.placement_ctx = &pctx;
    }
    m = report_model_build(&basis.layout, &in, &c->arena, &c->err);
    if (!m)
        goto out;
    if (file_mkdirs(outdir, &c->err) != 0 ||
        report_render(m, mask, outdir, &c->arena, &files, &c->err) != 0)
        goto out;
    for (size_t i = 0; i < files.n; i++) {
        const char *path = arena_printf(&c->arena, "%s/%s", outdir, files.files[i].name);
        if (file_write_atomic(path, files.files[i].data, files.files[i].len, &c->err) != 0)
            goto out;
        printf("%s\n", path);
    }
    rc = 0;
out:
    report_basis_release(&basis);
    return cli_indic_close(&k, rc);
}

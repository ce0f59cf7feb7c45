/*
 * report.c: `proxima report`, the annual activity report in files.
 *
 * Loads the catalogue, the indicator dictionary and the layout
 * (data/rapport/rapport.json), reads the values of the year on the grids
 * departement, territoire and mds (the frozen ones when the year is closed,
 * computed otherwise) and the territories of the referential, builds the
 * report model and writes each file of the asked formats atomically in the
 * output directory, printing its path. With --as, the agent needs the
 * "statistiques.lire" capability.
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
 * Rows of an MDS figure that sit in no MDS, counted from the rows behind the
 * figure (indic_explain): the ids for the whole département minus those of
 * every MDS. Only for distinct measures, where it tells central-site persons
 * from persons counted by two MDS; additive measures need no help.
 */
struct placement_ctx {
    struct cli_ctx *c;
    struct cli_indic *k;
    int year;
    const struct indic_result *mds;
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int placement(void *ctx, const struct indic_def *def, struct report_placement *out,
                     struct err *e)
{
    struct placement_ctx *p = ctx;
    const char **all, **area;
    size_t nall, narea;
    bool *placed;
    int64_t central = 0;

    if (def->measure != MEASURE_DISTINCT_PERSONNE && def->measure != MEASURE_DISTINCT_FOYER &&
        def->measure != MEASURE_DISTINCT_BENEFICIAIRE)
        return 0;
    if (indic_explain(p->c->store, &p->k->dict, &p->k->cat, def->code, p->year, 0, REF_GRID_MDS,
                      NULL, &p->c->arena, &all, &nall, e) != 0)
        return -1;
    placed = arena_calloc(&p->c->arena, nall ? nall : 1, sizeof(*placed));
    for (size_t a = 0; a < p->mds->nareas; a++) {
        if (indic_explain(p->c->store, &p->k->dict, &p->k->cat, def->code, p->year, 0, REF_GRID_MDS,
                          p->mds->area_codes[a], &p->c->arena, &area, &narea, e) != 0)
            return -1;
        for (size_t i = 0; i < narea; i++) {
            const char **hit = bsearch(&area[i], all, nall, sizeof(*all), cmp_str);
            if (hit)
                placed[hit - all] = true;
        }
    }
    for (size_t i = 0; i < nall; i++)
        central += !placed[i];
    out->central_rows = central;
    return 0;
}

int cmd_report(struct cli_ctx *c, int argc, char **argv)
{
    const char *year_s = NULL, *format = "html", *outdir = NULL;
    struct cli_indic k;
    struct report_layout layout;
    struct indic_result dep, terr, mds;
    struct ref_area_summary *sums = NULL;
    size_t nsums = 0;
    struct report_input in = {0};
    struct report_model *m;
    struct report_files files = {0};
    struct placement_ctx pctx;
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
    if (report_layout_load(&layout, cli_data_path(c, "rapport/rapport.json"), &k.dict, &c->err) !=
        0)
        return cli_indic_close(&k, -1);
    if (cli_indic_values(c, &k, year, INDIC_DEPARTEMENT, &dep, &frozen[0]) != 0 ||
        cli_indic_values(c, &k, year, REF_GRID_TERRITOIRE, &terr, &frozen[1]) != 0 ||
        cli_indic_values(c, &k, year, REF_GRID_MDS, &mds, &frozen[2]) != 0)
        goto out;
    if (date_from_ymd(year, 12, 31, &end, &c->err) != 0 ||
        ref_grid_summary(c->store, &c->arena, REF_GRID_TERRITOIRE, end, &sums, &nsums, &c->err) !=
            0)
        goto out;

    date_format_iso(paris_today(), today);
    in.year = year;
    in.dict = &k.dict;
    in.cat = &k.cat;
    in.dept = &dep;
    in.terr = &terr;
    in.mds = &mds;
    in.territories = sums;
    in.nterritories = nsums;
    in.closed = frozen[0] && frozen[1] && frozen[2];
    in.generated = today;
    if (!in.closed) {
        /* the rows behind a figure exist only while the year is open */
        pctx = (struct placement_ctx){c, &k, year, &mds};
        in.placement = placement;
        in.placement_ctx = &pctx;
    }
    m = report_model_build(&layout, &in, &c->arena, &c->err);
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
    report_layout_release(&layout);
    return cli_indic_close(&k, rc);
}

/*
 * report.c: `proxima report`, the annual activity report in files.
 *
 * Loads the catalogue and the indicator dictionary, checks the agent of
 * --as (the "statistiques.lire" capability), has the model of the year
 * built by report_model_for_year (the same assembly as the web pages
 * /rapport and /rapport/document: frozen definitions, layout and values
 * for a closed year, today's computed in one pass otherwise) and writes
 * each file of the asked formats atomically in the output directory,
 * printing its path.
 */
#include "core/compat.h"
#include "cli/cli.h"

#include "cli/indiccli.h"
#include "core/file.h"
#include "report/report.h"

static const char usage[] =
    "proxima report --year AAAA [--format html|csv|xlsx|json|tout] --out DOSSIER";

int cmd_report(struct cli_ctx *c, int argc, char **argv)
{
    const char *year_s = NULL, *format = "html", *outdir = NULL;
    struct cli_indic k;
    struct report_basis basis;
    struct report_model *m;
    struct report_files files = {0};
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
    m = report_model_for_year(&basis, c->store, year, &k.dict, &k.cat, c->data_dir, &c->arena,
                              &c->err);
    if (!m)
        return cli_indic_close(&k, -1);
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

/*
 * xlsx.c: the report's tables as one Excel workbook (libxlsxwriter).
 *
 * One sheet per table, as in the CSV files: « Chiffres clés », « MDS »,
 * « Territoires », « Cohérence », « Méthodologie ». Numbers are written as
 * numbers (euros, fractions for percentages, ETP) with a number format that
 * Excel displays the French way ("#,##0" shows 48 137 in a French Excel);
 * the header row is bold and frozen. Text cells are strings, never
 * formulas. libxlsxwriter only writes to a file: the workbook goes to a
 * temporary file, is read back and removed, so that the caller writes it
 * atomically like every other file.
 */
#include "core/compat.h"
#include "report/report.h"

#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/date.h"
#include "core/file.h"
#include "report/report_int.h"

struct xctx {
    lxw_workbook *wb;
    lxw_format *head, *text, *integer, *euros, *percent, *decimal[5];
};

static void header_row(struct xctx *x, lxw_worksheet *ws, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        worksheet_write_string(ws, 0, (lxw_col_t)i, names[i], x->head);
    worksheet_freeze_panes(ws, 1, 0);
}

/* A value of def as a number cell with its unit's format; "n.d." when undefined. */
static void number(struct xctx *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                   const struct indic_def *def, const struct report_value *v)
{
    lxw_format *f = x->integer;
    double n = v->number;

    if (!v->defined) {
        worksheet_write_string(ws, r, c, "n.d.", x->text);
        return;
    }
    switch (def->unit) {
    case UNIT_EUR:
        f = x->euros;
        break;
    case UNIT_POURCENT:
        f = x->percent;
        n /= 100; /* Excel's % format multiplies by 100 */
        break;
    case UNIT_DECIMAL:
        f = x->decimal[def->scale >= 0 && def->scale <= 4 ? def->scale : 4];
        break;
    case UNIT_NOMBRE:
    case UNIT_JOURS:
        break;
    }
    worksheet_write_number(ws, r, c, n, f);
}

static void chiffres_cles(struct xctx *x, const struct report_model *m)
{
    static const char *const head[] = {"Section", "Code", "Libellé", "Valeur", "Unité"};
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Chiffres clés");
    lxw_row_t r = 1;

    header_row(x, ws, head, ARRAY_SIZE(head));
    worksheet_set_column(ws, 0, 0, 40, NULL);
    worksheet_set_column(ws, 1, 1, 36, NULL);
    worksheet_set_column(ws, 2, 2, 60, NULL);
    worksheet_set_column(ws, 3, 3, 18, NULL);
    worksheet_set_column(ws, 4, 4, 14, NULL);
    for (size_t s = 0; s < m->nsections; s++)
        for (size_t g = 0; g < m->sections[s].ngroups; g++)
            for (size_t i = 0; i < m->sections[s].groups[g].nfigures; i++, r++) {
                const struct report_figure *f = &m->sections[s].groups[g].figures[i];
                worksheet_write_string(ws, r, 0, m->sections[s].title, x->text);
                worksheet_write_string(ws, r, 1, f->def->code, x->text);
                worksheet_write_string(ws, r, 2, f->def->label, x->text);
                number(x, ws, r, 3, f->def, &f->v);
                worksheet_write_string(ws, r, 4, report_unit_word(f->def), x->text);
            }
}

static void mds(struct xctx *x, const struct report_model *m)
{
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, "MDS");

    worksheet_write_string(ws, 0, 0, "Code", x->head);
    worksheet_write_string(ws, 0, 1, "MDS", x->head);
    for (size_t r = 0; r < m->nmds_rows; r++)
        worksheet_write_string(ws, 0, (lxw_col_t)(r + 2), m->mds_rows[r].def->label, x->head);
    worksheet_freeze_panes(ws, 1, 2);
    worksheet_set_row(ws, 0, 60, NULL);
    worksheet_set_column(ws, 0, 0, 16, NULL);
    worksheet_set_column(ws, 1, 1, 26, NULL);
    worksheet_set_column(ws, 2, (lxw_col_t)(m->nmds_rows + 1), 16, NULL);
    for (size_t a = 0; a < m->nmds_areas; a++) {
        lxw_row_t row = (lxw_row_t)(a + 1);
        worksheet_write_string(ws, row, 0, m->mds_areas[a].code, x->text);
        worksheet_write_string(ws, row, 1, m->mds_areas[a].name, x->text);
        for (size_t r = 0; r < m->nmds_rows; r++)
            number(x, ws, row, (lxw_col_t)(r + 2), m->mds_rows[r].def, &m->mds_rows[r].cells[a]);
    }
}

static void territoires(struct xctx *x, const struct report_model *m, struct strbuf *cell)
{
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Territoires");
    lxw_col_t c = 2;
    size_t nfig = m->nterritories ? m->territories[0].nfigures : 0;

    worksheet_write_string(ws, 0, 0, "Code", x->head);
    worksheet_write_string(ws, 0, 1, "Territoire", x->head);
    for (size_t k = 0; k < m->nterr_facts; k++, c++)
        worksheet_write_string(ws, 0, c, report_ref_fact_label(m->terr_facts[k]), x->head);
    for (size_t i = 0; i < nfig; i++, c++)
        worksheet_write_string(ws, 0, c, m->territories[0].figures[i].def->label, x->head);
    worksheet_freeze_panes(ws, 1, 2);
    worksheet_set_row(ws, 0, 45, NULL);
    worksheet_set_column(ws, 0, 0, 22, NULL);
    worksheet_set_column(ws, 1, 1, 24, NULL);
    worksheet_set_column(ws, 2, (lxw_col_t)(c ? c - 1 : 0), 18, NULL);
    for (size_t t = 0; t < m->nterritories; t++) {
        const struct report_territory *tr = &m->territories[t];
        lxw_row_t r = (lxw_row_t)(t + 1);

        c = 2;
        worksheet_write_string(ws, r, 0, tr->code, x->text);
        worksheet_write_string(ws, r, 1, tr->name, x->text);
        for (size_t k = 0; k < m->nterr_facts; k++, c++) {
            enum report_ref_fact f = m->terr_facts[k];
            int64_t v = f == REPORT_REF_HABITANTS             ? tr->habitants
                        : f == REPORT_REF_COMMUNES            ? tr->communes
                        : f == REPORT_REF_POPULATION_COMMUNES ? tr->population_communes
                                                              : -1;
            if (f == REPORT_REF_EPCI || f == REPORT_REF_MDS) {
                strbuf_clear(cell);
                report_ref_fact_text(cell, tr, f);
                worksheet_write_string(ws, r, c, cell->buf, x->text);
            } else if (v >= 0) {
                worksheet_write_number(ws, r, c, (double)v, x->integer);
            } else {
                worksheet_write_string(ws, r, c, "n.d.", x->text);
            }
        }
        for (size_t i = 0; i < tr->nfigures; i++, c++)
            number(x, ws, r, c, tr->figures[i].def, &tr->figures[i].v);
    }
}

static void coherence(struct xctx *x, const struct report_model *m, struct strbuf *cell)
{
    static const char *const head[] = {
        "Chiffre du Département", "Code",       "Chiffres des MDS",          "Département",
        "Somme des MDS",          "Écart",      "dont place des lignes (a)", "dont définitions (b)",
        "Même définition",        "Explication"};
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Cohérence");

    header_row(x, ws, head, ARRAY_SIZE(head));
    worksheet_set_column(ws, 0, 0, 40, NULL);
    worksheet_set_column(ws, 1, 2, 30, NULL);
    worksheet_set_column(ws, 3, 8, 14, NULL);
    worksheet_set_column(ws, 9, 9, 100, NULL);
    for (size_t i = 0; i < m->ncoherence; i++) {
        const struct report_coherence *c = &m->coherence[i];
        const struct indic_def *d = c->dept_def;
        lxw_row_t r = (lxw_row_t)(i + 1);

        worksheet_write_string(ws, r, 0, d->label, x->text);
        worksheet_write_string(ws, r, 1, d->code, x->text);
        strbuf_clear(cell);
        for (size_t k = 0; k < c->nparts; k++)
            strbuf_addf(cell, "%s%s", k ? " + " : "", c->parts[k].def->code);
        worksheet_write_string(ws, r, 2, cell->buf, x->text);
        number(x, ws, r, 3, d, &c->dept);
        number(x, ws, r, 4, d, &c->sum);
        number(x, ws, r, 5, d, &c->gap);
        number(x, ws, r, 6, d, &c->gap_sites);
        number(x, ws, r, 7, d, &c->gap_defs);
        worksheet_write_string(ws, r, 8, c->same_definition ? "oui" : "non", x->text);
        strbuf_clear(cell);
        for (size_t k = 0; k < c->nreasons; k++)
            strbuf_addf(cell, "%s%s", k ? " " : "", c->reasons[k]);
        worksheet_write_string(ws, r, 9, cell->buf, x->text);
    }
}

static void methodologie(struct xctx *x, const struct report_model *m)
{
    static const char *const head[] = {"Code",
                                       "Libellé",
                                       "Unité",
                                       "Version",
                                       "Définition",
                                       "Source, période et lieu",
                                       "Modification depuis la clôture"};
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Méthodologie");

    header_row(x, ws, head, ARRAY_SIZE(head));
    worksheet_set_column(ws, 0, 0, 36, NULL);
    worksheet_set_column(ws, 1, 1, 50, NULL);
    worksheet_set_column(ws, 2, 3, 12, NULL);
    worksheet_set_column(ws, 4, 5, 90, NULL);
    worksheet_set_column(ws, 6, 6, 60, NULL);
    for (size_t i = 0; i < m->ndefinitions; i++) {
        const struct report_definition *d = &m->definitions[i];
        lxw_row_t r = (lxw_row_t)(i + 1);
        worksheet_write_string(ws, r, 0, d->def->code, x->text);
        worksheet_write_string(ws, r, 1, d->def->label, x->text);
        worksheet_write_string(ws, r, 2, d->unit, x->text);
        worksheet_write_number(ws, r, 3, d->def->version, x->integer);
        worksheet_write_string(ws, r, 4, d->def->definition, x->text);
        worksheet_write_string(ws, r, 5, d->calculation, x->text);
        if (d->change)
            worksheet_write_string(ws, r, 6, d->change, x->text);
    }
}

static void formats(struct xctx *x)
{
    static const char *const decimal[5] = {"#,##0", "#,##0.0", "#,##0.00", "#,##0.000",
                                           "#,##0.0000"};

    x->head = workbook_add_format(x->wb);
    format_set_bold(x->head);
    format_set_text_wrap(x->head);
    format_set_align(x->head, LXW_ALIGN_VERTICAL_TOP);
    format_set_bg_color(x->head, 0xE8EEF5);
    x->text = workbook_add_format(x->wb);
    format_set_text_wrap(x->text);
    format_set_align(x->text, LXW_ALIGN_VERTICAL_TOP);
    x->integer = workbook_add_format(x->wb);
    format_set_num_format(x->integer, "#,##0");
    x->euros = workbook_add_format(x->wb);
    format_set_num_format(x->euros, "#,##0.00\\ \"€\"");
    x->percent = workbook_add_format(x->wb);
    format_set_num_format(x->percent, "0%");
    for (int i = 0; i < 5; i++) {
        x->decimal[i] = workbook_add_format(x->wb);
        format_set_num_format(x->decimal[i], decimal[i]);
    }
}

int report_render_xlsx(const struct report_model *m, const char *tmpdir, struct arena *a,
                       struct report_file *out, struct err *e)
{
    const char *dir = tmpdir ? tmpdir : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    char *path = arena_printf(a, "%s/.proxima-rapport-XXXXXX", dir);
    lxw_workbook_options opts = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
    lxw_doc_properties props = {0};
    struct xctx x = {0};
    struct strbuf data, cell;
    lxw_error rc;
    int fd, ret = -1;

    fd = mkstemp(path);
    if (fd < 0)
        return err_set(e, ERR_IO, "impossible de créer un fichier temporaire dans %s : %s", dir,
                       strerror(errno));
    close(fd);
    opts.tmpdir = arena_strdup(a, dir);
    x.wb = workbook_new_opt(path, &opts);
    if (!x.wb) {
        unlink(path);
        return err_set(e, ERR_IO, "impossible de créer le classeur %s", path);
    }
    props.title = arena_strdup(a, m->title);
    props.company = arena_strdup(a, m->collectivite);
    props.comments = arena_strdup(a, "Chiffres calculés par proxima ; définitions dans la feuille "
                                     "Méthodologie.");
    /* the day of the run (PROXIMA_TODAY in tests), not the clock: the same
       figures give the same file, byte for byte (the zip's own entries carry
       a fixed date) */
    {
        struct err ignored;
        date_t day;

        err_clear(&ignored);
        if (m->generated && date_parse_iso(m->generated, strlen(m->generated), &day, &ignored) == 0)
            props.created = (time_t)day * 86400;
    }
    workbook_set_properties(x.wb, &props);
    formats(&x);
    strbuf_init(&cell, 1 << 16);
    chiffres_cles(&x, m);
    mds(&x, m);
    territoires(&x, m, &cell);
    coherence(&x, m, &cell);
    methodologie(&x, m);
    strbuf_release(&cell);
    rc = workbook_close(x.wb);
    if (rc != LXW_NO_ERROR) {
        unlink(path);
        return err_set(e, ERR_IO, "écriture du classeur impossible : %s", lxw_strerror(rc));
    }
    strbuf_init(&data, REPORT_FILE_MAX);
    if (file_read_all(path, &data, REPORT_FILE_MAX, e) == 0) {
        out->name = arena_printf(a, "rapport-%d.xlsx", m->year);
        out->data = arena_strndup(a, data.buf, data.len);
        out->len = data.len;
        ret = 0;
    }
    strbuf_release(&data);
    unlink(path);
    return ret;
}

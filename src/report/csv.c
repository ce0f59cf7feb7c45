/*
 * csv.c: the report's tables as CSV files for Excel (CSV_EXCEL: ';',
 * UTF-8 with BOM, CRLF, decimal comma, no thousands separator, formula
 * injection neutralised by core/csv).
 *
 * One file per table: chiffres-cles.csv (the sections' figures),
 * mds.csv (one row per MDS, one column per figure), territoires.csv,
 * coherence.csv and methodologie.csv. Numbers are the model's plain cells;
 * an undefined value is an empty cell.
 */
#include "core/compat.h"
#include "report/report.h"

#include "core/csv.h"
#include "report/report_int.h"

static void num(struct csv_writer *w, const struct report_value *v)
{
    csv_write_num(w, v->plain, strlen(v->plain));
}

static void chiffres_cles(const struct report_model *m, struct csv_writer *w)
{
    static const char *const head[] = {"section", "code", "libelle", "valeur", "unite"};

    for (size_t i = 0; i < ARRAY_SIZE(head); i++)
        csv_write_str(w, head[i]);
    csv_end_record(w);
    for (size_t s = 0; s < m->nsections; s++)
        for (size_t g = 0; g < m->sections[s].ngroups; g++)
            for (size_t i = 0; i < m->sections[s].groups[g].nfigures; i++) {
                const struct report_figure *f = &m->sections[s].groups[g].figures[i];
                csv_write_str(w, m->sections[s].id);
                csv_write_str(w, f->def->code);
                csv_write_str(w, f->def->label);
                num(w, &f->v);
                csv_write_str(w, indic_unit_code(f->def->unit));
                csv_end_record(w);
            }
}

static void mds(const struct report_model *m, struct csv_writer *w)
{
    csv_write_str(w, "mds");
    csv_write_str(w, "nom");
    for (size_t r = 0; r < m->nmds_rows; r++)
        csv_write_str(w, m->mds_rows[r].def->code);
    csv_end_record(w);
    for (size_t a = 0; a < m->nmds_areas; a++) {
        csv_write_str(w, m->mds_areas[a].code);
        csv_write_str(w, m->mds_areas[a].name);
        for (size_t r = 0; r < m->nmds_rows; r++)
            num(w, &m->mds_rows[r].cells[a]);
        csv_end_record(w);
    }
}

static void territoires(const struct report_model *m, struct csv_writer *w)
{
    struct strbuf cell;

    strbuf_init(&cell, 1 << 16);
    csv_write_str(w, "territoire");
    csv_write_str(w, "nom");
    for (size_t k = 0; k < m->nterr_facts; k++)
        csv_write_str(w, report_ref_fact_code(m->terr_facts[k]));
    if (m->nterritories)
        for (size_t i = 0; i < m->territories[0].nfigures; i++)
            csv_write_str(w, m->territories[0].figures[i].def->code);
    csv_end_record(w);
    for (size_t t = 0; t < m->nterritories; t++) {
        const struct report_territory *tr = &m->territories[t];
        csv_write_str(w, tr->code);
        csv_write_str(w, tr->name);
        for (size_t k = 0; k < m->nterr_facts; k++) {
            enum report_ref_fact f = m->terr_facts[k];
            strbuf_clear(&cell);
            report_ref_fact_plain(&cell, tr, f);
            if (f == REPORT_REF_EPCI || f == REPORT_REF_MDS)
                csv_write_field(w, cell.buf, cell.len);
            else
                csv_write_num(w, cell.buf, cell.len);
        }
        for (size_t i = 0; i < tr->nfigures; i++)
            num(w, &tr->figures[i].v);
        csv_end_record(w);
    }
    strbuf_release(&cell);
}

static void coherence(const struct report_model *m, struct csv_writer *w)
{
    static const char *const head[] = {
        "code_departement",   "libelle_departement", "codes_mds",
        "valeur_departement", "somme_mds",           "ecart",
        "ecart_place_lignes", "ecart_definitions",   "meme_definition",
        "explication",        "differences"};
    struct strbuf cell;

    strbuf_init(&cell, 1 << 16);
    for (size_t i = 0; i < ARRAY_SIZE(head); i++)
        csv_write_str(w, head[i]);
    csv_end_record(w);
    for (size_t i = 0; i < m->ncoherence; i++) {
        const struct report_coherence *c = &m->coherence[i];
        csv_write_str(w, c->dept_def->code);
        csv_write_str(w, c->dept_def->label);
        strbuf_clear(&cell);
        for (size_t k = 0; k < c->nparts; k++)
            strbuf_addf(&cell, "%s%s", k ? " + " : "", c->parts[k].def->code);
        csv_write_field(w, cell.buf, cell.len);
        num(w, &c->dept);
        num(w, &c->sum);
        num(w, &c->gap);
        num(w, &c->gap_sites);
        num(w, &c->gap_defs);
        csv_write_str(w, c->same_definition ? "oui" : "non");
        strbuf_clear(&cell);
        for (size_t r = 0; r < c->nreasons; r++)
            strbuf_addf(&cell, "%s%s", r ? " " : "", c->reasons[r]);
        csv_write_field(w, cell.buf, cell.len);
        strbuf_clear(&cell);
        for (size_t r = 0; r < c->ndifferences; r++)
            strbuf_addf(&cell, "%s%s", r ? " ; " : "", c->differences[r]);
        csv_write_field(w, cell.buf, cell.len);
        csv_end_record(w);
    }
    strbuf_release(&cell);
}

static void methodologie(const struct report_model *m, struct csv_writer *w)
{
    static const char *const head[] = {"code",
                                       "libelle",
                                       "unite",
                                       "version",
                                       "definition",
                                       "calcul",
                                       "modification_depuis_cloture"};

    for (size_t i = 0; i < ARRAY_SIZE(head); i++)
        csv_write_str(w, head[i]);
    csv_end_record(w);
    for (size_t i = 0; i < m->ndefinitions; i++) {
        const struct report_definition *d = &m->definitions[i];
        csv_write_str(w, d->def->code);
        csv_write_str(w, d->def->label);
        csv_write_str(w, d->unit);
        csv_write_int(w, d->def->version);
        csv_write_str(w, d->def->definition);
        csv_write_str(w, d->calculation);
        csv_write_str(w, d->change ? d->change : "");
        csv_end_record(w);
    }
}

int report_render_csv(const struct report_model *m, struct arena *a, struct report_files *out,
                      struct err *e)
{
    static const struct {
        const char *name;
        void (*fn)(const struct report_model *m, struct csv_writer *w);
    } tables[] = {
        {"chiffres-cles.csv", chiffres_cles}, {"mds.csv", mds},
        {"territoires.csv", territoires},     {"coherence.csv", coherence},
        {"methodologie.csv", methodologie},
    };
    struct strbuf sb;
    int rc = 0;

    strbuf_init(&sb, REPORT_FILE_MAX);
    for (size_t i = 0; i < ARRAY_SIZE(tables) && rc == 0; i++) {
        struct csv_writer w;
        strbuf_clear(&sb);
        csv_writer_init(&w, &sb, CSV_EXCEL);
        tables[i].fn(m, &w);
        rc = report_check_buffer(&sb, tables[i].name, e);
        if (rc == 0)
            report_files_add(out, a, tables[i].name, sb.buf, sb.len);
    }
    strbuf_release(&sb);
    return rc;
}

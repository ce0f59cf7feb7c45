/*
 * render.c: report_render, which runs the renderers a format mask asks
 * for, and the small helpers they share (file list, buffer check, the
 * territory facts of the referential as cells).
 */
#include "core/compat.h"
#include "report/report.h"

#include "core/money.h"
#include "report/report_int.h"

void report_files_add(struct report_files *out, struct arena *a, const char *name, const char *data,
                      size_t len)
{
    if (out->n == out->cap) {
        size_t cap = out->cap ? 2 * out->cap : 8;
        struct report_file *f = arena_calloc(a, cap, sizeof(*f));
        if (out->n)
            memcpy(f, out->files, out->n * sizeof(*f));
        out->files = f;
        out->cap = cap;
    }
    out->files[out->n].name = arena_strdup(a, name);
    out->files[out->n].data = arena_strndup(a, data, len);
    out->files[out->n].len = len;
    out->n++;
}

int report_check_buffer(const struct strbuf *sb, const char *what, struct err *e)
{
    if (!strbuf_failed(sb))
        return 0;
    err_set(e, ERR_TOO_LARGE, "%s dépasse la taille maximale (%u Mio)", what,
            REPORT_FILE_MAX >> 20);
    return -1;
}

/* The count fact f of territory t, -1 when unknown or when f is a list of names. */
static int64_t ref_fact_count(const struct report_territory *t, enum report_ref_fact f)
{
    switch (f) {
    case REPORT_REF_HABITANTS:
        return t->habitants;
    case REPORT_REF_COMMUNES:
        return t->communes;
    case REPORT_REF_POPULATION_COMMUNES:
        return t->population_communes;
    case REPORT_REF_EPCI:
    case REPORT_REF_MDS:
    case REPORT_REF__COUNT:
        break;
    }
    return -1;
}

void report_ref_fact_text(struct strbuf *sb, const struct report_territory *t,
                          enum report_ref_fact f)
{
    int64_t v;

    if (f == REPORT_REF_EPCI || f == REPORT_REF_MDS) {
        const char **names = f == REPORT_REF_EPCI ? t->epci : t->mds;
        size_t n = f == REPORT_REF_EPCI ? t->nepci : t->nmds;
        for (size_t i = 0; i < n; i++)
            strbuf_addf(sb, "%s%s", i ? " | " : "", names[i]);
        return;
    }
    v = ref_fact_count(t, f);
    if (v < 0)
        strbuf_addstr(sb, "n.d.");
    else
        num_format_int(sb, v);
}

void report_ref_fact_plain(struct strbuf *sb, const struct report_territory *t,
                           enum report_ref_fact f)
{
    int64_t v;

    if (f == REPORT_REF_EPCI || f == REPORT_REF_MDS) {
        report_ref_fact_text(sb, t, f);
        return;
    }
    v = ref_fact_count(t, f);
    if (v >= 0)
        strbuf_addf(sb, "%lld", (long long)v);
}

int report_render(const struct report_model *m, unsigned mask, const char *tmpdir, struct arena *a,
                  struct report_files *out, struct err *e)
{
    struct strbuf sb;
    int rc = 0;

    strbuf_init(&sb, REPORT_FILE_MAX);
    if (mask & REPORT_HTML) {
        rc = report_render_html(m, &sb, e);
        if (rc == 0)
            report_files_add(out, a, arena_printf(a, "rapport-%d.html", m->year), sb.buf, sb.len);
    }
    if (rc == 0 && (mask & REPORT_CSV))
        rc = report_render_csv(m, a, out, e);
    if (rc == 0 && (mask & REPORT_XLSX)) {
        struct report_file f;
        rc = report_render_xlsx(m, tmpdir, a, &f, e);
        if (rc == 0)
            report_files_add(out, a, f.name, f.data, f.len);
    }
    if (rc == 0 && (mask & REPORT_JSON)) {
        strbuf_clear(&sb);
        rc = report_render_json(m, &sb, e);
        if (rc == 0)
            report_files_add(out, a, arena_printf(a, "rapport-%d.json", m->year), sb.buf, sb.len);
    }
    strbuf_release(&sb);
    return rc;
}

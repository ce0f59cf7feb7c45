/*
 * targets.c: the generator's targets. It reads the two reference tables of
 * the year (mds-YEAR.csv: one row per MDS; departement-YEAR.csv: one row per
 * figure) with the project's CSV reader, scales counts and amounts by
 * --echelle (shares and days are not scaled), and keeps the list of the
 * figures the plan aims at and of those it cannot produce (a dispositif
 * missing from the catalogue), for the result and the tests.
 */
#include "core/compat.h"
#include "gen/gen_int.h"

#include "core/csv.h"
#include "core/file.h"
#include "core/money.h"
#include "core/strbuf.h"

#define TABLE_MAX (1u << 20)

int64_t gen_scale_value(int64_t v, int64_t millionths)
{
    /* v * m / 1e6 rounded half away from zero, without overflow for our sizes */
    int64_t num = v * millionths, q = num / GEN_SCALE_ONE, r = num % GEN_SCALE_ONE;

    if (2 * (r < 0 ? -r : r) >= GEN_SCALE_ONE)
        q += num < 0 ? -1 : 1;
    return q;
}

int gen_scale_parse(const char *s, int64_t *out, struct err *e)
{
    int64_t whole = 0, frac = 0;
    int decimals = 0;
    bool digits = false, point = false;

    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            digits = true;
            if (!point) {
                if (whole > 1000)
                    goto bad;
                whole = whole * 10 + (*p - '0');
            } else {
                if (++decimals > 6)
                    goto bad;
                frac = frac * 10 + (*p - '0');
            }
        } else if ((*p == '.' || *p == ',') && !point) {
            point = true;
        } else {
            goto bad;
        }
    }
    if (!digits)
        goto bad;
    for (int i = decimals; i < 6; i++)
        frac *= 10;
    *out = whole * GEN_SCALE_ONE + frac;
    if (*out <= 0)
        goto bad;
    return 0;
bad:
    err_set(e, ERR_USAGE, "échelle invalide : « %s »", s);
    return err_hint(e, "un nombre positif, au plus 6 décimales : 1, 0.5, 0,01");
}

static const char *dup(struct gen *g, const char *s)
{
    return arena_strdup(g->a, s);
}

/* Parse an integer cell ("48137"; "162.68" is read as its integer part). */
static int cell_int(struct gen *g, const char *file, size_t line, const char *s, int64_t *v)
{
    size_t n = strcspn(s, ".,");

    if (parse_int64(s, n, v) != 0) {
        err_set(g->e, ERR_INVALID, "%s, ligne %zu : valeur numérique attendue, « %s » lu", file,
                line, s);
        g->failed = true;
        return -1;
    }
    return 0;
}

static int read_table(struct gen *g, const char *name, struct strbuf *sb, struct csv_reader *r)
{
    const char *path = arena_printf(g->a, "%s/%s-%d.csv", g->o->reference_dir, name, g->year);

    strbuf_init(sb, TABLE_MAX);
    if (file_read_all(path, sb, TABLE_MAX, g->e) != 0) {
        err_hint(g->e, "précisez le dossier des tables de référence avec --reference");
        strbuf_release(sb);
        g->failed = true;
        return -1;
    }
    csv_reader_init(r, dup(g, path), sb->buf, sb->len, ',');
    return 0;
}

static int load_mds(struct gen *g)
{
    struct strbuf sb;
    struct csv_reader r;
    int rc;

    if (read_table(g, "mds", &sb, &r) != 0)
        return -1;
    rc = csv_read_record(&r, g->e);
    if (rc <= 0 || r.nfields < 3 || strcmp(csv_field_str(&r, 0), "mds") != 0 ||
        strcmp(csv_field_str(&r, 1), "nom") != 0) {
        if (rc >= 0)
            err_set(g->e, ERR_INVALID, "%s : en-tête « mds,nom,... » attendu", r.name);
        goto fail;
    }
    g->nmds_cols = r.nfields - 2;
    g->mds_cols = arena_calloc(g->a, g->nmds_cols, sizeof(*g->mds_cols));
    for (size_t i = 0; i < g->nmds_cols; i++)
        g->mds_cols[i] = dup(g, csv_field_str(&r, i + 2));
    while ((rc = csv_read_record(&r, g->e)) == 1) {
        struct gen_mds *m;
        if (r.nfields != g->nmds_cols + 2) {
            err_set(g->e, ERR_INVALID, "%s, ligne %zu : %zu colonnes au lieu de %zu", r.name,
                    r.line, r.nfields, g->nmds_cols + 2);
            goto fail;
        }
        if (g->nmds == GEN_MAX_MDS) {
            err_set(g->e, ERR_INVALID, "%s : plus de %d MDS", r.name, GEN_MAX_MDS);
            goto fail;
        }
        m = &g->mds[g->nmds++];
        m->code = dup(g, csv_field_str(&r, 0));
        m->name = dup(g, csv_field_str(&r, 1));
        m->site = arena_printf(g->a, "mds:%s", m->code);
        m->values = arena_calloc(g->a, g->nmds_cols, sizeof(*m->values));
        for (size_t i = 0; i < g->nmds_cols; i++) {
            int64_t v;
            if (cell_int(g, r.name, r.line, csv_field_str(&r, i + 2), &v) != 0)
                goto fail;
            m->values[i] = gen_scale_value(v, g->o->scale);
        }
    }
    if (rc < 0)
        goto fail;
    if (g->nmds == 0) {
        err_set(g->e, ERR_INVALID, "%s : aucune MDS", r.name);
        goto fail;
    }
    csv_reader_release(&r);
    strbuf_release(&sb);
    return 0;
fail:
    g->failed = true;
    csv_reader_release(&r);
    strbuf_release(&sb);
    return -1;
}

static int load_dept(struct gen *g)
{
    static const char *const cols[] = {"section", "code", "valeur", "unite", "portee"};
    struct strbuf sb;
    struct csv_reader r;
    int idx[ARRAY_SIZE(cols)], rc;
    size_t cap = 0;

    if (read_table(g, "departement", &sb, &r) != 0)
        return -1;
    if (csv_read_record(&r, g->e) != 1 || csv_header_map(&r, cols, ARRAY_SIZE(cols), idx, g->e))
        goto fail;
    while ((rc = csv_read_record(&r, g->e)) == 1) {
        struct gen_target *t;
        int64_t v;
        if (g->ndept == cap) {
            struct gen_target *grown;
            cap = cap ? 2 * cap : 64;
            grown = arena_calloc(g->a, cap, sizeof(*grown));
            if (g->ndept)
                memcpy(grown, g->dept, g->ndept * sizeof(*grown));
            g->dept = grown;
        }
        t = &g->dept[g->ndept++];
        t->section = dup(g, csv_field_str(&r, (size_t)idx[0]));
        t->code = dup(g, csv_field_str(&r, (size_t)idx[1]));
        t->unit = dup(g, csv_field_str(&r, (size_t)idx[3]));
        t->portee = dup(g, csv_field_str(&r, (size_t)idx[4]));
        if (cell_int(g, r.name, r.line, csv_field_str(&r, (size_t)idx[2]), &v) != 0)
            goto fail;
        if (!strcmp(t->unit, "nombre"))
            t->value = gen_scale_value(v, g->o->scale);
        else if (!strcmp(t->unit, "EUR"))
            t->value = gen_scale_value(v, g->o->scale) * 100;
        else
            t->value = v; /* pourcent, jours: not scaled */
    }
    if (rc < 0)
        goto fail;
    csv_reader_release(&r);
    strbuf_release(&sb);
    return 0;
fail:
    g->failed = true;
    csv_reader_release(&r);
    strbuf_release(&sb);
    return -1;
}

int gen_targets_load(struct gen *g)
{
    if (load_mds(g) != 0 || load_dept(g) != 0)
        return -1;
    return 0;
}

static const struct gen_target *find_dept(const struct gen *g, const char *code)
{
    for (size_t i = 0; i < g->ndept; i++)
        if (!strcmp(g->dept[i].code, code))
            return &g->dept[i];
    return NULL;
}

bool gen_dept_has(const struct gen *g, const char *code)
{
    return find_dept(g, code) != NULL;
}

int64_t gen_dept(struct gen *g, const char *code)
{
    const struct gen_target *t = find_dept(g, code);

    if (!t) {
        if (!g->failed)
            gen_fail(g, "figure « %s » absente de departement-%d.csv", code, g->year);
        return 0;
    }
    return t->value;
}

int64_t gen_mds_value(struct gen *g, int m, const char *code)
{
    assert(m >= 0 && m < g->nmds);
    for (size_t i = 0; i < g->nmds_cols; i++)
        if (!strcmp(g->mds_cols[i], code))
            return g->mds[m].values[i];
    if (!g->failed)
        gen_fail(g, "colonne « %s » absente de mds-%d.csv", code, g->year);
    return 0;
}

void gen_figure(struct gen *g, const char *code, int mds, int64_t value)
{
    if (g->nfigs == g->cap_figs) {
        size_t cap = g->cap_figs ? 2 * g->cap_figs : 256;
        struct gen_figure *grown = arena_calloc(g->a, cap, sizeof(*grown));
        if (g->nfigs)
            memcpy(grown, g->figs, g->nfigs * sizeof(*grown));
        g->figs = grown;
        g->cap_figs = cap;
    }
    g->figs[g->nfigs].code = code;
    g->figs[g->nfigs].area = mds >= 0 && mds < g->nmds ? g->mds[mds].code : NULL;
    g->figs[g->nfigs].value = value;
    g->nfigs++;
}

void gen_skip(struct gen *g, const char *code, const char *why)
{
    if (g->nskipped == g->cap_skipped) {
        size_t cap = g->cap_skipped ? 2 * g->cap_skipped : 32;
        const char **grown = arena_calloc(g->a, cap, sizeof(*grown));
        if (g->nskipped)
            memcpy(grown, g->skipped, g->nskipped * sizeof(*grown));
        g->skipped = grown;
        g->cap_skipped = cap;
    }
    g->skipped[g->nskipped++] = arena_printf(g->a, "%s : %s", code, why);
    if (g->o->progress)
        fprintf(g->o->progress, "  attention : %s non généré (%s)\n", code, why);
}

const struct catalog_dispositif *gen_dispositif(struct gen *g, const char *code,
                                                const char *const *figures)
{
    const struct catalog_dispositif *d = catalog_find(g->c->cat, code);

    if (d)
        return d;
    for (const char *const *f = figures; f && *f; f++)
        gen_skip(g, *f, arena_printf(g->a, "dispositif « %s » absent du catalogue", code));
    return NULL;
}

/*
 * close.c: closing a year. Every indicator is computed for every grid (in
 * one pass over the source tables, indic_compute_grids) and stored (migration 5:
 * indicator_definition, indicator_area, indicator_value, year_closed) with the definitions in
 * force, in one transaction with an "indic.year_closed" journal event. From then on the report of
 * that year reads the frozen values (indic_frozen), which survive the purge of the personal data
 * behind them; triggers make them final. Zeros are not stored: an area listed in indicator_area
 * with no row for a figure has the value 0; a NULL value is "not defined" (INDIC_UNDEFINED).
 *
 * With the values, each definition is frozen whole (migration 7: its dictionary entry, besides
 * the texts of migration 5) with the documents the caller gives (the report layout), so that a
 * closed year is read with the definitions its figures were computed with, whatever the
 * dictionary says later (indic_dict_frozen, indic_frozen_document, indic_def_change).
 */
#include "core/compat.h"
#include "indic/indic_int.h"

#include <time.h>

#include "core/json.h"
#include "journal/journal.h"

static int closed_by(struct store *s, int year, bool *closed, int64_t *at, const char **actor,
                     struct arena *a, struct err *e)
{
    struct store_stmt *q =
        store_prepare(s, "SELECT closed_at, actor FROM year_closed WHERE year = ?", e);
    int rc;

    *closed = false;
    if (!q)
        return -1;
    store_bind_int64(q, 1, year);
    rc = store_step(q, e);
    if (rc == STORE_ROW) {
        *closed = true;
        if (at)
            *at = store_column_int64(q, 0);
        if (actor)
            *actor = arena_strdup(a, store_column_text(q, 1));
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

static int insert_definitions(struct store *s, const struct indic_dict *d,
                              const struct catalog *cat, int year, struct arena *a, struct err *e)
{
    struct strbuf calc;
    int rc = 0;

    assert(d->frozen_year == 0); /* a frozen dictionary is never frozen again */
    strbuf_init(&calc, 0);
    for (size_t k = 0; k < d->ndefs && rc == 0; k++) {
        const struct indic_def *def = &d->defs[k];
        struct store_stmt *q = store_prepare(
            s,
            "INSERT INTO indicator_definition(year, code, position, version, label, section, "
            "unit, scale, definition, calculation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            e);
        if (!q)
            return -1;
        strbuf_clear(&calc);
        indic_describe(def, cat, &calc);
        store_bind_int64(q, 1, year);
        store_bind_text(q, 2, def->code);
        store_bind_int64(q, 3, (int64_t)k);
        store_bind_int64(q, 4, def->version);
        store_bind_text(q, 5, def->label);
        store_bind_text(q, 6, def->section);
        store_bind_text(q, 7, indic_unit_code(def->unit));
        store_bind_int64(q, 8, def->scale);
        store_bind_text(q, 9, def->definition);
        store_bind_text(q, 10, calc.buf);
        rc = store_step_done(q, e);
        if (rc != 0)
            break;
        q = store_prepare(s,
                          "INSERT INTO indicator_definition_document(year, code, document) "
                          "VALUES (?, ?, ?)",
                          e);
        if (!q) {
            rc = -1;
            break;
        }
        store_bind_int64(q, 1, year);
        store_bind_text(q, 2, def->code);
        store_bind_text(q, 3, indic_def_document(def, a));
        rc = store_step_done(q, e);
    }
    strbuf_release(&calc);
    return rc;
}

static int insert_documents(struct store *s, int year, const struct indic_close_doc *docs,
                            size_t ndocs, struct err *e)
{
    for (size_t i = 0; i < ndocs; i++) {
        struct store_stmt *q = store_prepare(
            s, "INSERT INTO year_closed_document(year, name, content) VALUES (?, ?, ?)", e);
        if (!q)
            return -1;
        store_bind_int64(q, 1, year);
        store_bind_text(q, 2, docs[i].name);
        store_bind_text(q, 3, docs[i].text);
        if (store_step_done(q, e) != 0)
            return -1;
    }
    return 0;
}

static int insert_grid(struct store *s, const struct indic_result *r, int64_t *stored,
                       struct err *e)
{
    for (size_t i = 0; i < r->nareas; i++) {
        struct store_stmt *q = store_prepare(
            s, "INSERT INTO indicator_area(year, grid, area, name) VALUES (?, ?, ?, ?)", e);
        if (!q)
            return -1;
        store_bind_int64(q, 1, r->year);
        store_bind_text(q, 2, r->grid);
        store_bind_text(q, 3, r->area_codes[i]);
        store_bind_text(q, 4, r->area_names[i]);
        if (store_step_done(q, e) != 0)
            return -1;
    }
    for (size_t k = 0; k < r->ndefs; k++) {
        for (size_t a = 0; a <= r->nareas; a++) {
            for (int m = 0; m < INDIC_MONTHS; m++) {
                int64_t v = indic_value(r, k, a, m);
                struct store_stmt *q;
                if (v == 0)
                    continue;
                q = store_prepare(s,
                                  "INSERT INTO indicator_value(year, code, version, grid, area, "
                                  "month, value) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                  e);
                if (!q)
                    return -1;
                store_bind_int64(q, 1, r->year);
                store_bind_text(q, 2, r->codes[k]);
                store_bind_int64(q, 3, r->versions[k]);
                store_bind_text(q, 4, r->grid);
                store_bind_text(q, 5, a == r->nareas ? INDIC_DEPARTEMENT : r->area_codes[a]);
                store_bind_int64(q, 6, m);
                if (v == INDIC_UNDEFINED)
                    store_bind_null(q, 7);
                else
                    store_bind_int64(q, 7, v);
                if (store_step_done(q, e) != 0)
                    return -1;
                (*stored)++;
            }
        }
    }
    return 0;
}

int indic_close_year(struct store *s, const struct indic_dict *d, const struct catalog *cat,
                     int year, const char *actor, struct err *e)
{
    return indic_close_year_docs(s, d, cat, year, actor, NULL, 0, e);
}

int indic_close_year_docs(struct store *s, const struct indic_dict *d, const struct catalog *cat,
                          int year, const char *actor, const struct indic_close_doc *docs,
                          size_t ndocs, struct err *e)
{
    struct arena a;
    bool closed;
    int64_t at, stored = 0;
    const char *by;
    json_t *payload = NULL, *grids;
    char *text = NULL;
    struct journal_event ev = {0};
    int y, m, day;

    arena_init(&a, 0);
    date_to_ymd(paris_today(), &y, &m, &day);
    if (year >= y) {
        err_set(e, ERR_CONFLICT, "l'année %d n'est pas terminée : elle ne peut pas être close",
                year);
        err_hint(e, "une année se clôt après son 31 décembre");
        goto fail_noltx;
    }
    if (store_begin(s, e) != 0)
        goto fail_noltx;
    if (closed_by(s, year, &closed, &at, &by, &a, e) != 0)
        goto fail;
    if (closed) {
        char when[40];
        paris_format_instant(at, when, sizeof(when));
        err_set(e, ERR_CONFLICT,
                "l'année %d est déjà close (le %.10s, par %s) : elle ne peut pas être close une "
                "seconde fois",
                year, when, by);
        err_detail(e, "les chiffres figés ont pu survivre à la purge des données qui les "
                      "fondent : les recalculer les fausserait");
        err_hint(e,
                 "le rapport et « proxima indicateurs show CODE --year %d » lisent les "
                 "chiffres et les définitions figés à la clôture",
                 year);
        goto fail;
    }
    {
        struct store_stmt *q =
            store_prepare(s, "INSERT INTO year_closed(year, closed_at, actor) VALUES (?, ?, ?)", e);
        if (!q)
            goto fail;
        store_bind_int64(q, 1, year);
        store_bind_int64(q, 2, (int64_t)time(NULL));
        store_bind_text(q, 3, actor ? actor : "system");
        if (store_step_done(q, e) != 0)
            goto fail;
    }
    if (insert_definitions(s, d, cat, year, &a, e) != 0 ||
        insert_documents(s, year, docs, ndocs, e) != 0)
        goto fail;
    grids = json_array();
    payload = json_pack("{s:i, s:i, s:o}", "annee", year, "indicateurs", (json_int_t)d->ndefs,
                        "grilles", grids);
    {
        /* every grid in one pass over the source tables */
        struct indic_result r[ENG_MAX_GRIDS];
        size_t n = 0;
        while (indic_grids[n])
            n++;
        assert(n <= ENG_MAX_GRIDS);
        if (indic_compute_grids(s, d, cat, year, indic_grids, n, &a, r, NULL, e) != 0)
            goto fail;
        for (size_t i = 0; i < n; i++) {
            if (insert_grid(s, &r[i], &stored, e) != 0)
                goto fail;
            json_array_append_new(grids, json_string(indic_grids[i]));
        }
    }
    json_object_set_new(payload, "valeurs", json_integer(stored));
    text = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
    ev.type = "indic.year_closed";
    ev.actor = actor ? actor : "system";
    ev.subject = arena_printf(&a, "%d", year);
    ev.payload = text;
    if (journal_append(s, &ev, NULL, e) != 0 || store_commit(s, e) != 0)
        goto fail;
    json_text_free(text);
    json_decref(payload);
    arena_release(&a);
    return 0;

fail:
    store_rollback(s);
fail_noltx:
    json_text_free(text);
    json_decref(payload);
    arena_release(&a);
    return -1;
}

int indic_frozen(struct store *s, int year, const char *grid, struct arena *a,
                 struct indic_result *out, bool *closed, struct err *e)
{
    struct store_stmt *q;
    struct strset codes;
    size_t cap = 64, n = 0;
    const char **area_codes = NULL, **area_names = NULL;
    int *versions;
    int rc;
    struct arena tmp;

    memset(out, 0, sizeof(*out));
    if (closed_by(s, year, closed, NULL, NULL, a, e) != 0)
        return -1;
    if (!*closed)
        return 0;
    arena_init(&tmp, 0);
    strset_init(&codes, &tmp);
    out->year = year;
    out->grid = arena_strdup(a, grid);

    /* definitions, in the order frozen */
    q = store_prepare(s,
                      "SELECT code, version FROM indicator_definition WHERE year = ? "
                      "ORDER BY position",
                      e);
    if (!q)
        goto fail;
    store_bind_int64(q, 1, year);
    out->codes = arena_calloc(a, cap, sizeof(char *));
    versions = arena_calloc(a, cap, sizeof(int));
    while ((rc = store_step(q, e)) == STORE_ROW) {
        const char *code = store_column_text(q, 0);
        if (out->ndefs == cap) {
            const char **c = arena_calloc(a, 2 * cap, sizeof(char *));
            int *v = arena_calloc(a, 2 * cap, sizeof(int));
            memcpy(c, out->codes, cap * sizeof(char *));
            memcpy(v, versions, cap * sizeof(int));
            out->codes = c;
            versions = v;
            cap *= 2;
        }
        strset_add(&codes, code, strlen(code));
        out->codes[out->ndefs] = arena_strdup(a, code);
        versions[out->ndefs++] = (int)store_column_int64(q, 1);
    }
    store_finalize(q);
    if (rc < 0)
        goto fail;
    out->versions = versions;

    /* areas of the grid */
    q = store_prepare(s,
                      "SELECT area, name FROM indicator_area WHERE year = ? AND grid = ? "
                      "ORDER BY area",
                      e);
    if (!q)
        goto fail;
    store_bind_int64(q, 1, year);
    store_bind_text(q, 2, grid);
    cap = 64;
    area_codes = arena_calloc(a, cap, sizeof(char *));
    area_names = arena_calloc(a, cap, sizeof(char *));
    while ((rc = store_step(q, e)) == STORE_ROW) {
        if (n == cap) {
            const char **c = arena_calloc(a, 2 * cap, sizeof(char *));
            const char **m = arena_calloc(a, 2 * cap, sizeof(char *));
            memcpy(c, area_codes, cap * sizeof(char *));
            memcpy(m, area_names, cap * sizeof(char *));
            area_codes = c;
            area_names = m;
            cap *= 2;
        }
        area_codes[n] = arena_strdup(a, store_column_text(q, 0));
        area_names[n++] = arena_strdup(a, store_column_text(q, 1));
    }
    store_finalize(q);
    if (rc < 0)
        goto fail;
    if (n == 0) {
        err_set(e, ERR_NOT_FOUND, "année %d close sans valeurs figées pour la grille « %s »", year,
                grid);
        err_hint(e, "grilles figées : mds, territoire, mdadt, epci, commune, departement");
        goto fail;
    }
    out->nareas = n;
    out->area_codes = area_codes;
    out->area_names = area_names;
    out->values = arena_calloc(a, out->ndefs * (n + 1) * INDIC_MONTHS, sizeof(int64_t));

    q = store_prepare(s,
                      "SELECT code, area, month, value FROM indicator_value "
                      "WHERE year = ? AND grid = ?",
                      e);
    if (!q)
        goto fail;
    store_bind_int64(q, 1, year);
    store_bind_text(q, 2, grid);
    while ((rc = store_step(q, e)) == STORE_ROW) {
        const char *code = store_column_text(q, 0);
        int64_t k = strset_find(&codes, code, strlen(code));
        size_t ai = indic_result_area(out, store_column_text(q, 1));
        int64_t month = store_column_int64(q, 2);
        if (k < 0 || ai == SIZE_MAX || month < 0 || month >= INDIC_MONTHS)
            continue; /* a row the definitions or areas do not know: ignored */
        out->values[((size_t)k * (n + 1) + ai) * INDIC_MONTHS + (size_t)month] =
            store_column_is_null(q, 3) ? INDIC_UNDEFINED : store_column_int64(q, 3);
    }
    store_finalize(q);
    if (rc < 0)
        goto fail;
    strset_release(&codes);
    arena_release(&tmp);
    return 0;

fail:
    strset_release(&codes);
    arena_release(&tmp);
    memset(out, 0, sizeof(*out));
    return -1;
}

/* ---- frozen definitions ------------------------------------------------------ */

int indic_frozen_document(struct store *s, int year, const char *name, struct arena *a,
                          const char **text, struct err *e)
{
    struct store_stmt *q =
        store_prepare(s, "SELECT content FROM year_closed_document WHERE year = ? AND name = ?", e);
    int rc;

    *text = NULL;
    if (!q)
        return -1;
    store_bind_int64(q, 1, year);
    store_bind_text(q, 2, name);
    rc = store_step(q, e);
    if (rc == STORE_ROW)
        *text = arena_strdup(a, store_column_text(q, 0));
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* One row of indicator_definition, with its document when migration 7 froze one. */
struct frozen_row {
    const char *code, *label, *section, *unit, *definition, *calculation, *document;
    int version, scale;
};

static int frozen_rows(struct store *s, int year, struct arena *a, struct frozen_row **out,
                       size_t *n, struct err *e)
{
    struct store_stmt *q = store_prepare(
        s,
        "SELECT d.code, d.label, d.section, d.unit, d.definition, d.calculation, x.document, "
        "d.version, d.scale FROM indicator_definition d LEFT JOIN indicator_definition_document x "
        "ON x.year = d.year AND x.code = d.code WHERE d.year = ? ORDER BY d.position",
        e);
    size_t cap = 64;
    int rc;

    *n = 0;
    if (!q)
        return -1;
    store_bind_int64(q, 1, year);
    *out = arena_calloc(a, cap, sizeof(**out));
    while ((rc = store_step(q, e)) == STORE_ROW) {
        struct frozen_row *r;
        if (*n == cap) {
            struct frozen_row *grown = arena_calloc(a, 2 * cap, sizeof(*grown));
            memcpy(grown, *out, cap * sizeof(*grown));
            *out = grown;
            cap *= 2;
        }
        r = &(*out)[(*n)++];
        r->code = arena_strdup(a, store_column_text(q, 0));
        r->label = arena_strdup(a, store_column_text(q, 1));
        r->section = arena_strdup(a, store_column_text(q, 2));
        r->unit = arena_strdup(a, store_column_text(q, 3));
        r->definition = arena_strdup(a, store_column_text(q, 4));
        r->calculation = arena_strdup(a, store_column_text(q, 5));
        r->document = store_column_is_null(q, 6) ? NULL : arena_strdup(a, store_column_text(q, 6));
        r->version = (int)store_column_int64(q, 7);
        r->scale = (int)store_column_int64(q, 8);
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/*
 * A year closed before migration 7: the frozen texts over the structure of
 * the current definition of the same code and version (the version changes
 * whenever the calculation does), else over no structure at all.
 */
static int legacy_defs(const struct frozen_row *rows, size_t n, const struct indic_dict *current,
                       struct indic_dict *out, struct err *e)
{
    out->defs = arena_calloc(&out->arena, n ? n : 1, sizeof(*out->defs));
    for (size_t k = 0; k < n; k++) {
        const struct frozen_row *r = &rows[k];
        const struct indic_def *cur = current ? indic_find(current, r->code) : NULL;
        struct indic_def *d = &out->defs[k];
        bool unit_known = false;

        if (cur && cur->version == r->version) {
            *d = *cur;
        } else {
            memset(d, 0, sizeof(*d));
            d->source = SRC_SOMME; /* nothing known of the calculation but its words */
            d->file = arena_printf(&out->arena, "%s.json", r->section);
        }
        d->code = arena_strdup(&out->arena, r->code);
        d->label = arena_strdup(&out->arena, r->label);
        d->section = arena_strdup(&out->arena, r->section);
        d->definition = arena_strdup(&out->arena, r->definition);
        d->calculation = arena_strdup(&out->arena, r->calculation);
        d->version = r->version;
        d->scale = r->scale;
        for (int u = 0; u < INDIC_NUNIT && !unit_known; u++)
            if (!strcmp(r->unit, indic_unit_codes[u])) {
                d->unit = (enum indic_unit)u;
                unit_known = true;
            }
        if (!unit_known)
            return err_set(e, ERR_INVALID, "définition figée « %s » : unité inconnue « %s »",
                           r->code, r->unit);
    }
    out->ndefs = n;
    return 0;
}

int indic_dict_frozen(struct store *s, int year, const struct indic_dict *current,
                      struct indic_dict *out, bool *closed, struct err *e)
{
    struct arena tmp;
    struct frozen_row *rows;
    size_t n, ndocs = 0;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    arena_init(&out->arena, 0);
    arena_init(&tmp, 0);
    if (closed_by(s, year, closed, NULL, NULL, &tmp, e) != 0)
        goto out;
    if (!*closed) {
        rc = 0;
        goto out;
    }
    if (frozen_rows(s, year, &tmp, &rows, &n, e) != 0)
        goto out;
    for (size_t k = 0; k < n; k++)
        ndocs += rows[k].document != NULL;
    if (n > 0 && ndocs == n) {
        const char **docs = arena_calloc(&tmp, n, sizeof(*docs));
        for (size_t k = 0; k < n; k++)
            docs[k] = rows[k].document;
        arena_release(&out->arena);
        if (indic_dict_load_documents(
                out, docs, n, arena_printf(&tmp, "définitions figées à la clôture de %d", year),
                e) != 0)
            goto out;
        for (size_t k = 0; k < n; k++) {
            struct indic_def *d = &out->defs[k];
            if (strcmp(d->code, rows[k].code) != 0 || d->version != rows[k].version) {
                err_set(e, ERR_TAMPERED,
                        "définitions figées de %d : le document de « %s » ne correspond pas à "
                        "sa définition (version %d)",
                        year, rows[k].code, rows[k].version);
                goto out;
            }
            d->calculation = arena_strdup(&out->arena, rows[k].calculation);
        }
    } else if (legacy_defs(rows, n, current, out, e) != 0) {
        goto out;
    }
    out->frozen_year = year;
    rc = 0;
out:
    arena_release(&tmp);
    if (rc != 0)
        indic_dict_release(out);
    return rc;
}

const char *indic_def_change(const struct indic_def *frozen, const struct indic_dict *current,
                             struct arena *a)
{
    const struct indic_def *cur = current ? indic_find(current, frozen->code) : NULL;

    if (!current)
        return NULL;
    if (!cur)
        return arena_printf(a,
                            "indicateur retiré du dictionnaire depuis la clôture : version %d à "
                            "la clôture, plus de définition aujourd'hui",
                            frozen->version);
    if (cur->version == frozen->version)
        return NULL;
    return arena_printf(a,
                        "définition modifiée depuis la clôture : version %d à la clôture, "
                        "version %d aujourd'hui",
                        frozen->version, cur->version);
}

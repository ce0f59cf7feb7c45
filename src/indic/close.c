/*
 * close.c: closing a year. Every indicator is computed for every grid (in
 * one pass over the source tables, indic_compute_grids) and stored (migration 5:
 * indicator_definition, indicator_area, indicator_value, year_closed) with the definitions in
 * force, in one transaction with an "indic.year_closed" journal event. From then on the report of
 * that year reads the frozen values (indic_frozen), which survive the purge of the personal data
 * behind them; triggers make them final. Zeros are not stored: an area listed in indicator_area
 * with no row for a figure has the value 0; a NULL value is "not defined" (INDIC_UNDEFINED).
 */
#include "core/compat.h"
#include "indic/indic_int.h"

#include <time.h>

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
                              const struct catalog *cat, int year, struct err *e)
{
    struct strbuf calc;
    int rc = 0;

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
    }
    strbuf_release(&calc);
    return rc;
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
        err_set(e, ERR_CONFLICT, "l'année %d est déjà close (le %.10s, par %s)", year, when, by);
        err_hint(e, "une année close l'est définitivement : ses chiffres sont figés");
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
    if (insert_definitions(s, d, cat, year, e) != 0)
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
    free(text);
    json_decref(payload);
    arena_release(&a);
    return 0;

fail:
    store_rollback(s);
fail_noltx:
    free(text);
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

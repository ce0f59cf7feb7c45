/*
 * ref.c: questions asked of the territorial referential, always as of a date.
 */
#include "core/compat.h"
#include "ref/ref_int.h"

#include "core/strbuf.h"
#include "core/utf8.h"

#define REF_SEARCH_MAX 50

/* Bind day as ISO text at each of the n given indexes. */
static void bind_day(struct store_stmt *q, const char *iso, int n, const int *idx)
{
    for (int i = 0; i < n; i++)
        store_bind_text(q, idx[i], iso);
}

int ref_first_date(struct store *s, date_t *out, struct err *e)
{
    struct store_stmt *q = store_prepare(s, "SELECT MIN(valid_from) FROM ref_commune", e);
    int rc;

    if (!q)
        return -1;
    rc = store_step(q, e);
    if (rc == STORE_ROW && !store_column_is_null(q, 0)) {
        const char *t = store_column_text(q, 0);
        rc = date_parse_iso(t, strlen(t), out, e);
    } else if (rc >= 0) {
        err_set(e, ERR_NOT_FOUND, "le référentiel territorial n'est pas chargé");
        err_hint(e, "lancez « proxima init »");
        rc = -1;
    }
    store_finalize(q);
    return rc;
}

static void area_of(struct store *s, struct arena *a, const char *grid, const char *code,
                    const char *iso, struct ref_area_ref *out, struct err *e)
{
    struct store_stmt *q = store_prepare(
        s,
        "SELECT r.code, r.name FROM ref_assignment x "
        "JOIN ref_area r ON r.grid = x.grid AND r.code = x.area "
        "WHERE x.grid = ? AND x.commune = ? AND x.valid_from <= ? "
        "AND (x.valid_to IS NULL OR x.valid_to >= ?)",
        e);

    out->code = out->name = NULL;
    if (!q)
        return;
    store_bind_text(q, 1, grid);
    store_bind_text(q, 2, code);
    bind_day(q, iso, 2, (const int[]){3, 4});
    if (store_step(q, e) == STORE_ROW) {
        out->code = arena_strdup(a, store_column_text(q, 0));
        out->name = arena_strdup(a, store_column_text(q, 1));
    }
    store_finalize(q);
}

/* The successor and end are those of the code's last version. */
#define COMMUNE_COLUMNS                                                               \
    "SELECT code, name, postcodes, valid_from, COALESCE(valid_to, ''), "            \
    "(SELECT COALESCE(l.successor, '') FROM ref_commune l WHERE l.code = c.code "   \
    " ORDER BY l.valid_from DESC LIMIT 1), "                                        \
    "COALESCE(population, -1), population_vintage, "                                \
    "(SELECT COALESCE(l.valid_to, '') FROM ref_commune l WHERE l.code = c.code "    \
    " ORDER BY l.valid_from DESC LIMIT 1) "                                         \
    "FROM ref_commune c "

static void commune_from_row(struct store *s, struct arena *a, struct store_stmt *q,
                             const char *iso, struct ref_commune *c, struct err *e)
{
    c->code = arena_strdup(a, store_column_text(q, 0));
    c->name = arena_strdup(a, store_column_text(q, 1));
    c->postcodes = arena_strdup(a, store_column_text(q, 2));
    c->valid_from = arena_strdup(a, store_column_text(q, 3));
    c->valid_to = arena_strdup(a, store_column_text(q, 4));
    c->successor = arena_strdup(a, store_column_text(q, 5));
    c->population = store_column_int64(q, 6);
    c->population_source = arena_strdup(a, store_column_text(q, 7));
    c->ends = arena_strdup(a, store_column_text(q, 8));
    (void)s;
    (void)iso;
    (void)e;
}

static void fill_areas(struct store *s, struct arena *a, const char *iso, struct ref_commune *c,
                       struct err *e)
{
    area_of(s, a, REF_GRID_EPCI, c->code, iso, &c->epci, e);
    area_of(s, a, REF_GRID_TERRITOIRE, c->code, iso, &c->territoire, e);
    area_of(s, a, REF_GRID_MDS, c->code, iso, &c->mds, e);
    area_of(s, a, REF_GRID_MDADT, c->code, iso, &c->mdadt, e);
}

/* Say why code has no version at day: unknown, not yet created, or merged. */
static int commune_missing(struct store *s, const char *code, date_t day, struct err *e)
{
    char fr[DATE_ISO_LEN];
    struct store_stmt *q = store_prepare(
        s,
        "SELECT name, valid_from, COALESCE(valid_to, ''), COALESCE(successor, '') "
        "FROM ref_commune WHERE code = ? ORDER BY valid_from DESC LIMIT 1",
        e);

    if (!q)
        return -1;
    date_format_fr(day, fr);
    store_bind_text(q, 1, code);
    if (store_step(q, e) != STORE_ROW) {
        store_finalize(q);
        err_set(e, ERR_NOT_FOUND, "aucune commune de code INSEE « %s » dans le référentiel",
                code);
        return err_hint(e, "vérifiez le code (5 caractères, ex. 62510 pour Liévin)");
    }
    err_set(e, ERR_NOT_FOUND, "la commune %s (%s) n'existe pas au %s", store_column_text(q, 0),
            code, fr);
    if (*store_column_text(q, 3))
        err_detail(e, "elle existe jusqu'au %s, puis fait partie de la commune %s",
                   store_column_text(q, 2), store_column_text(q, 3));
    else if (*store_column_text(q, 2))
        err_detail(e, "elle existe jusqu'au %s", store_column_text(q, 2));
    else
        err_detail(e, "elle existe à partir du %s", store_column_text(q, 1));
    store_finalize(q);
    return -1;
}

int ref_commune_get(struct store *s, struct arena *a, const char *code, date_t day,
                    struct ref_commune *out, struct err *e)
{
    char iso[DATE_ISO_LEN];
    struct store_stmt *q;
    int rc;

    date_format_iso(day, iso);
    q = store_prepare(s,
                      COMMUNE_COLUMNS "WHERE code = ? AND valid_from <= ? "
                                      "AND (valid_to IS NULL OR valid_to >= ?)",
                      e);
    if (!q)
        return -1;
    store_bind_text(q, 1, code);
    bind_day(q, iso, 2, (const int[]){2, 3});
    rc = store_step(q, e);
    if (rc == STORE_ROW)
        commune_from_row(s, a, q, iso, out, e);
    store_finalize(q);
    if (rc < 0)
        return -1;
    if (rc != STORE_ROW)
        return commune_missing(s, code, day, e);
    fill_areas(s, a, iso, out, e);
    return e->code == ERR_OK ? 0 : -1;
}

int ref_commune_check(struct store *s, const char *code, date_t day, struct err *e)
{
    char iso[DATE_ISO_LEN];
    struct store_stmt *q;
    int rc;

    date_format_iso(day, iso);
    q = store_prepare(s,
                      "SELECT 1 FROM ref_commune WHERE code = ? AND valid_from <= ? "
                      "AND (valid_to IS NULL OR valid_to >= ?)",
                      e);
    if (!q)
        return -1;
    store_bind_text(q, 1, code);
    bind_day(q, iso, 2, (const int[]){2, 3});
    rc = store_step(q, e);
    store_finalize(q);
    if (rc < 0)
        return -1;
    return rc == STORE_ROW ? 0 : commune_missing(s, code, day, e);
}

static bool all_digits5(const char *s)
{
    if (strlen(s) != 5)
        return false;
    for (int i = 0; i < 5; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

int ref_commune_search(struct store *s, struct arena *a, const char *query, date_t day,
                       struct ref_commune **out, size_t *n, struct err *e)
{
    char iso[DATE_ISO_LEN];
    struct ref_commune *res = arena_calloc(a, REF_SEARCH_MAX, sizeof(*res));
    struct strbuf key;
    struct store_stmt *q;
    size_t count = 0;
    int rc;

    *out = res;
    *n = 0;
    date_format_iso(day, iso);
    strbuf_init(&key, 1024);
    utf8_fold(&key, query, strlen(query));
    if (strbuf_failed(&key) || key.len == 0) {
        strbuf_release(&key);
        err_set(e, ERR_INVALID, "recherche de commune vide ou trop longue");
        return err_hint(e, "donnez un nom, un code INSEE ou un code postal");
    }
    if (ref_valid_insee(query) || all_digits5(query)) {
        /* a code: the commune with that INSEE code, then those with that postcode */
        q = store_prepare(s,
                          COMMUNE_COLUMNS
                          "WHERE valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?) "
                          "AND (code = ? OR (' ' || postcodes || ' ') LIKE ('% ' || ? || ' %')) "
                          "ORDER BY code <> ?, name_key",
                          e);
        if (!q)
            goto fail;
        bind_day(q, iso, 2, (const int[]){1, 2});
        store_bind_text(q, 3, query);
        store_bind_text(q, 4, query); /* digits only: no LIKE wildcard inside */
        store_bind_text(q, 5, query);
    } else {
        q = store_prepare(s,
                          COMMUNE_COLUMNS
                          "WHERE valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?) "
                          "AND instr(name_key, ?) > 0 "
                          "ORDER BY name_key <> ?, instr(name_key, ?) <> 1, name_key",
                          e);
        if (!q)
            goto fail;
        bind_day(q, iso, 2, (const int[]){1, 2});
        store_bind_text(q, 3, key.buf);
        store_bind_text(q, 4, key.buf);
        store_bind_text(q, 5, key.buf);
    }
    while (count < REF_SEARCH_MAX && (rc = store_step(q, e)) == STORE_ROW)
        commune_from_row(s, a, q, iso, &res[count++], e);
    store_finalize(q);
    if (e->code != ERR_OK)
        goto fail;
    for (size_t i = 0; i < count; i++)
        fill_areas(s, a, iso, &res[i], e);
    strbuf_release(&key);
    *n = count;
    return e->code == ERR_OK ? 0 : -1;
fail:
    strbuf_release(&key);
    return -1;
}

/* Names from a one-column query with the area code and the day bound. */
static const char **names_of(struct store *s, struct arena *a, const char *sql,
                             const char *grid, const char *code, const char *iso, size_t *n,
                             struct err *e)
{
    const char **names = NULL;
    size_t cap = 0;
    struct store_stmt *q = store_prepare(s, sql, e);

    *n = 0;
    if (!q)
        return NULL;
    store_bind_text(q, 1, grid);
    store_bind_text(q, 2, code);
    bind_day(q, iso, 4, (const int[]){3, 4, 5, 6});
    while (store_step(q, e) == STORE_ROW) {
        if (*n == cap) {
            const char **nn = arena_calloc(a, cap ? cap * 2 : 8, sizeof(*nn));
            if (*n)
                memcpy(nn, names, *n * sizeof(*nn));
            names = nn;
            cap = cap ? cap * 2 : 8;
        }
        names[(*n)++] = arena_strdup(a, store_column_text(q, 0));
    }
    store_finalize(q);
    return names;
}

int ref_grid_summary(struct store *s, struct arena *a, const char *grid, date_t day,
                     struct ref_area_summary **out, size_t *n, struct err *e)
{
    char iso[DATE_ISO_LEN];
    struct ref_area_summary *res = NULL;
    size_t count = 0, cap = 0;
    struct store_stmt *q;

    date_format_iso(day, iso);
    q = store_prepare(s, "SELECT code, name FROM ref_area WHERE grid = ? ORDER BY code", e);
    if (!q)
        return -1;
    store_bind_text(q, 1, grid);
    while (store_step(q, e) == STORE_ROW) {
        if (count == cap) {
            struct ref_area_summary *nr = arena_calloc(a, cap ? cap * 2 : 16, sizeof(*nr));
            if (count)
                memcpy(nr, res, count * sizeof(*nr));
            res = nr;
            cap = cap ? cap * 2 : 16;
        }
        res[count].code = arena_strdup(a, store_column_text(q, 0));
        res[count].name = arena_strdup(a, store_column_text(q, 1));
        res[count].published_population = -1;
        count++;
    }
    store_finalize(q);
    if (e->code != ERR_OK)
        return -1;
    if (count == 0) {
        err_set(e, ERR_NOT_FOUND, "grille territoriale inconnue ou vide : « %s »", grid);
        return err_hint(e, "grilles : territoire, mds, mdadt, epci (lancez « proxima init »)");
    }
    for (size_t i = 0; i < count; i++) {
        struct ref_area_summary *r = &res[i];
        q = store_prepare(s,
                          "SELECT COUNT(*), COALESCE(SUM(c.population), 0), "
                          "COALESCE(SUM(c.population IS NULL), 0) "
                          "FROM ref_assignment x JOIN ref_commune c ON c.code = x.commune "
                          "AND c.valid_from <= ? AND (c.valid_to IS NULL OR c.valid_to >= ?) "
                          "WHERE x.grid = ? AND x.area = ? AND x.valid_from <= ? "
                          "AND (x.valid_to IS NULL OR x.valid_to >= ?)",
                          e);
        if (!q)
            return -1;
        bind_day(q, iso, 4, (const int[]){1, 2, 5, 6});
        store_bind_text(q, 3, grid);
        store_bind_text(q, 4, r->code);
        if (store_step(q, e) == STORE_ROW) {
            r->communes = store_column_int64(q, 0);
            r->population = store_column_int64(q, 1);
            r->population_unknown = store_column_int64(q, 2);
        }
        store_finalize(q);

        q = store_prepare(s,
                          "SELECT value, source FROM ref_area_fact WHERE grid = ? AND area = ? "
                          "AND fact = 'habitants' AND as_of <= ? ORDER BY as_of DESC LIMIT 1",
                          e);
        if (!q)
            return -1;
        store_bind_text(q, 1, grid);
        store_bind_text(q, 2, r->code);
        store_bind_text(q, 3, iso);
        if (store_step(q, e) == STORE_ROW) {
            r->published_population = store_column_int64(q, 0);
            r->published_source = arena_strdup(a, store_column_text(q, 1));
        }
        store_finalize(q);

        if (strcmp(grid, REF_GRID_EPCI) != 0)
            r->children = names_of(
                s, a,
                "SELECT DISTINCT r.name FROM ref_assignment t "
                "JOIN ref_assignment x ON x.commune = t.commune AND x.grid = 'epci' "
                "JOIN ref_area r ON r.grid = 'epci' AND r.code = x.area "
                "WHERE t.grid = ? AND t.area = ? AND t.valid_from <= ? "
                "AND (t.valid_to IS NULL OR t.valid_to >= ?) AND x.valid_from <= ? "
                "AND (x.valid_to IS NULL OR x.valid_to >= ?) ORDER BY r.name",
                grid, r->code, iso, &r->nchildren, e);
        if (!strcmp(grid, REF_GRID_TERRITOIRE))
            r->sites = names_of(s, a,
                                "SELECT DISTINCT r.name FROM ref_assignment t "
                                "JOIN ref_assignment x ON x.commune = t.commune AND x.grid = 'mds' "
                                "JOIN ref_area r ON r.grid = 'mds' AND r.code = x.area "
                                "WHERE t.grid = ? AND t.area = ? AND t.valid_from <= ? "
                                "AND (t.valid_to IS NULL OR t.valid_to >= ?) "
                                "AND x.valid_from <= ? "
                                "AND (x.valid_to IS NULL OR x.valid_to >= ?) ORDER BY r.name",
                                grid, r->code, iso, &r->nsites, e);
        if (e->code != ERR_OK)
            return -1;
    }
    *out = res;
    *n = count;
    return 0;
}

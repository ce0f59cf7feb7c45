/*
 * place.c: which area of a grid a row of the engine counts in.
 *
 * The areas of a grid come from the referential (ref_area; the communes of
 * the year for the "commune" grid; one area "62" for "departement"). A row
 * counts in one area, or in none (then only in the département total):
 *
 *   - PLACE_SITE, grids mds, mdadt, territoire: the handling site of the
 *     dossier or act. An MDS site counts in its MDS, in its territory
 *     (ref_area.parent_code) and in the MDADT of that territory when the
 *     territory has exactly one (it has in the Pas-de-Calais); an MDADT site
 *     counts in its MDADT, its territory, and in the MDS of its territory
 *     when there is exactly one. Central directions ("central:dsol") count in
 *     no area: only in the département.
 *   - grids epci and commune, or PLACE_RESIDENCE: the beneficiary's commune
 *     on the counted date: the person's dated address (person_address); for
 *     a household, the address of its applicant (demandeur) on that date,
 *     else of the dossier's person; an organisation's commune; a commune
 *     beneficiary itself. The commune then gives the area through the dated
 *     assignments of the grid (ref_assignment). An anonymous act, or a
 *     beneficiary with no known commune on that date, counts in no area.
 *
 * This runs for every row, indicator and grid: a row's site is interned
 * once (eng.site_keys) and resolved once per grid and site; communes are
 * interned when the residence tables are loaded, a row's keys in those
 * tables looked up once, and a commune's areas resolved once per grid
 * (eng_grid.c_first), so that placing a row is integer work.
 */
#include "core/compat.h"
#include "indic/indic_int.h"

int64_t indic_div_round(int64_t a, int64_t b)
{
    assert(b > 0);
    if (a >= 0)
        return (a / b) + ((a % b) * 2 >= b ? 1 : 0);
    return -((-a / b) + (((-a) % b) * 2 >= b ? 1 : 0));
}

bool eng_parse_date(const char *s, date_t *out)
{
    return eng_parse_daten(s, strnlen(s, 11), out);
}

bool eng_parse_daten(const char *s, size_t n, date_t *out)
{
    int y, m, d;

    if (n != 10)
        return false;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return false;
        } else if (s[i] < '0' || s[i] > '9') {
            return false;
        }
    }
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');
    return date_from_ymd(y, m, d, out, NULL) == 0;
}

size_t eng_area_index(const struct eng_grid *gr, const char *code)
{
    size_t lo = 0, hi = gr->nareas;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(gr->area_codes[mid], code);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

/* ---- areas of the grid ------------------------------------------------------- */

struct area_list {
    const char **codes, **names;
    size_t n, cap;
};

static void area_push(struct eng *g, struct area_list *l, const char *code, const char *name)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        const char **c = arena_calloc(g->out, cap, sizeof(*c));
        const char **n = arena_calloc(g->out, cap, sizeof(*n));
        if (l->n) {
            memcpy(c, l->codes, l->n * sizeof(*c));
            memcpy(n, l->names, l->n * sizeof(*n));
        }
        l->codes = c;
        l->names = n;
        l->cap = cap;
    }
    l->codes[l->n] = arena_strdup(g->out, code);
    l->names[l->n++] = arena_strdup(g->out, name);
}

static int load_ref_areas(struct eng *g)
{
    struct store_stmt *q =
        store_prepare(g->s,
                      "SELECT grid, code, COALESCE(parent_code, '') FROM ref_area "
                      "WHERE grid IN ('mds', 'mdadt') ORDER BY grid, code",
                      g->e);
    size_t cap = 32;
    int rc;

    if (!q)
        return -1;
    g->ref_grid = arena_calloc(&g->tmp, cap, sizeof(char *));
    g->ref_code = arena_calloc(&g->tmp, cap, sizeof(char *));
    g->ref_parent = arena_calloc(&g->tmp, cap, sizeof(char *));
    while ((rc = store_step(q, g->e)) == STORE_ROW) {
        if (g->nref == cap) {
            const char **a = arena_calloc(&g->tmp, 2 * cap, sizeof(char *));
            const char **b = arena_calloc(&g->tmp, 2 * cap, sizeof(char *));
            const char **c = arena_calloc(&g->tmp, 2 * cap, sizeof(char *));
            memcpy(a, g->ref_grid, cap * sizeof(char *));
            memcpy(b, g->ref_code, cap * sizeof(char *));
            memcpy(c, g->ref_parent, cap * sizeof(char *));
            g->ref_grid = a;
            g->ref_code = b;
            g->ref_parent = c;
            cap *= 2;
        }
        g->ref_grid[g->nref] = arena_strdup(&g->tmp, store_column_text(q, 0));
        g->ref_code[g->nref] = arena_strdup(&g->tmp, store_column_text(q, 1));
        g->ref_parent[g->nref++] = arena_strdup(&g->tmp, store_column_text(q, 2));
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

static int load_grid_areas(struct eng *g, struct eng_grid *gr)
{
    struct area_list l = {0};
    struct store_stmt *q;
    char first[DATE_ISO_LEN], last[DATE_ISO_LEN];
    int rc;

    date_format_iso(g->per[0].first, first);
    date_format_iso(g->per[0].last, last);
    if (!strcmp(gr->grid, "departement")) {
        area_push(g, &l, "62", "Pas-de-Calais");
    } else if (!strcmp(gr->grid, "commune")) {
        /* every commune existing at some day of the year, named as at its last version */
        q = store_prepare(g->s,
                          "SELECT code, name FROM ref_commune WHERE valid_from <= ? "
                          "AND (valid_to IS NULL OR valid_to >= ?) ORDER BY code, valid_from",
                          g->e);
        if (!q)
            return -1;
        store_bind_text(q, 1, last);
        store_bind_text(q, 2, first);
        while ((rc = store_step(q, g->e)) == STORE_ROW) {
            const char *code = store_column_text(q, 0), *name = store_column_text(q, 1);
            if (l.n && !strcmp(l.codes[l.n - 1], code))
                l.names[l.n - 1] = arena_strdup(g->out, name);
            else
                area_push(g, &l, code, name);
        }
        store_finalize(q);
        if (rc < 0)
            return -1;
    } else {
        q = store_prepare(g->s, "SELECT code, name FROM ref_area WHERE grid = ? ORDER BY code",
                          g->e);
        if (!q)
            return -1;
        store_bind_text(q, 1, gr->grid);
        while ((rc = store_step(q, g->e)) == STORE_ROW)
            area_push(g, &l, store_column_text(q, 0), store_column_text(q, 1));
        store_finalize(q);
        if (rc < 0)
            return -1;
    }
    if (l.n == 0) {
        err_set(g->e, ERR_NOT_FOUND, "grille « %s » : aucune zone dans le référentiel pour %d",
                gr->grid, g->year);
        return err_hint(g->e, "chargez le référentiel territorial (proxima init)");
    }
    gr->nareas = l.n;
    gr->area_codes = l.codes;
    gr->area_names = l.names;
    gr->is_dept = !strcmp(gr->grid, "departement");
    gr->is_commune = !strcmp(gr->grid, "commune");
    gr->by_commune = !strcmp(gr->grid, "epci") || gr->is_commune;
    return 0;
}

int eng_load_areas(struct eng *g)
{
    for (size_t i = 0; i < g->ngrids; i++)
        if (load_grid_areas(g, &g->grids[i]) < 0)
            return -1;
    return load_ref_areas(g);
}

/* ---- sites ------------------------------------------------------------------- */

static const char *ref_parent(const struct eng *g, const char *grid, const char *code)
{
    for (size_t i = 0; i < g->nref; i++)
        if (!strcmp(g->ref_grid[i], grid) && !strcmp(g->ref_code[i], code))
            return g->ref_parent[i];
    return NULL;
}

/* The only area of grid whose territory is territory, or NULL. */
static const char *only_in_territory(const struct eng *g, const char *grid, const char *territory)
{
    const char *found = NULL;

    for (size_t i = 0; i < g->nref; i++) {
        if (strcmp(g->ref_grid[i], grid) != 0 || strcmp(g->ref_parent[i], territory) != 0)
            continue;
        if (found)
            return NULL;
        found = g->ref_code[i];
    }
    return found;
}

static size_t site_area_uncached(struct eng *g, const struct eng_grid *gr, const char *sg,
                                 const char *sc)
{
    const char *parent;

    if (gr->is_dept)
        return 0;
    if (strcmp(sg, "mds") != 0 && strcmp(sg, "mdadt") != 0)
        return SIZE_MAX; /* central directions, the département */
    if (!strcmp(gr->grid, sg))
        return eng_area_index(gr, sc);
    parent = ref_parent(g, sg, sc);
    if (!parent || !*parent)
        return SIZE_MAX;
    if (!strcmp(gr->grid, "territoire"))
        return eng_area_index(gr, parent);
    if (!strcmp(gr->grid, "mdadt") || !strcmp(gr->grid, "mds")) {
        const char *other = only_in_territory(g, gr->grid, parent);
        return other ? eng_area_index(gr, other) : SIZE_MAX;
    }
    return SIZE_MAX;
}

size_t eng_site_area(struct eng *g, struct eng_grid *gr, const char *site_grid,
                     const char *site_code)
{
    size_t glen = strlen(site_grid), clen = strlen(site_code);
    char key[256];
    int64_t i;

    /* "grid:code" built by hand: this runs for every row and indicator */
    if (glen + clen + 1 >= sizeof(key))
        return SIZE_MAX;
    memcpy(key, site_grid, glen);
    key[glen] = ':';
    memcpy(key + glen + 1, site_code, clen);
    i = strset_find(&gr->sites, key, glen + 1 + clen);
    if (i >= 0)
        return gr->site_area[i];
    i = strset_add(&gr->sites, key, glen + 1 + clen);
    if ((size_t)i >= gr->site_cap) {
        size_t cap = gr->site_cap ? 2 * gr->site_cap : 32;
        size_t *grown = arena_calloc(&g->tmp, cap, sizeof(*grown));
        if (gr->site_cap)
            memcpy(grown, gr->site_area, gr->site_cap * sizeof(*grown));
        gr->site_area = grown;
        gr->site_cap = cap;
    }
    gr->site_area[i] = site_area_uncached(g, gr, site_grid, site_code);
    return gr->site_area[i];
}

/* ---- residence ------------------------------------------------------------------ */

static void dated_init(struct eng *g, struct dated *t)
{
    memset(t, 0, sizeof(*t));
    strset_init(&t->keys, &g->tmp);
}

/*
 * Rows (key, from, to, value) sorted by key; from/to may be NULL (always).
 * When communes, the values are communes, interned in g->communes.
 */
static int dated_load(struct eng *g, struct dated *t, const char *sql, const char *bind,
                      bool communes)
{
    struct store_stmt *q = store_prepare(g->s, sql, g->e);
    int rc;

    if (!q)
        return -1;
    if (bind)
        store_bind_text(q, 1, bind);
    while ((rc = store_step(q, g->e)) == STORE_ROW) {
        const char *key = store_column_text(q, 0);
        const char *from = store_column_text(q, 1), *to = store_column_text(q, 2);
        size_t klen = strlen(key);
        uint32_t k;

        /* rows come grouped by key: most follow a row of the same key */
        if (t->keys.n && !strncmp(t->keys.strs[t->keys.n - 1], key, klen) &&
            t->keys.strs[t->keys.n - 1][klen] == '\0')
            k = (uint32_t)t->keys.n - 1;
        else
            k = strset_add(&t->keys, key, klen);
        struct dated_entry *x;

        if (k >= t->capk) {
            size_t cap = t->capk ? 2 * t->capk : 1024;
            uint32_t *f = arena_calloc(&g->tmp, cap, sizeof(*f));
            uint32_t *c = arena_calloc(&g->tmp, cap, sizeof(*c));
            if (t->capk) {
                memcpy(f, t->first, t->capk * sizeof(*f));
                memcpy(c, t->count, t->capk * sizeof(*c));
            }
            t->first = f;
            t->count = c;
            t->capk = cap;
        }
        if (t->n == t->cap) {
            size_t cap = t->cap ? 2 * t->cap : 1024;
            struct dated_entry *grown = arena_calloc(&g->tmp, cap, sizeof(*grown));
            if (t->n)
                memcpy(grown, t->e, t->n * sizeof(*grown));
            t->e = grown;
            t->cap = cap;
        }
        if (t->count[k] == 0)
            t->first[k] = (uint32_t)t->n;
        else if (t->first[k] + t->count[k] != t->n) {
            store_finalize(q);
            return err_set(g->e, ERR_INTERNAL, "dated rows not grouped by key (%s)", key);
        }
        t->count[k]++;
        x = &t->e[t->n++];
        x->from = DATE_MIN;
        x->to = DATE_MAX;
        if (*from && !eng_parse_date(from, &x->from)) {
            store_finalize(q);
            return err_set(g->e, ERR_INVALID, "date invalide « %s » (%s)", from, key);
        }
        if (*to && !eng_parse_date(to, &x->to)) {
            store_finalize(q);
            return err_set(g->e, ERR_INVALID, "date invalide « %s » (%s)", to, key);
        }
        if (communes) {
            const char *v = store_column_text(q, 3);
            x->commune = strset_add(&g->communes, v, strlen(v));
            x->value = g->communes.strs[x->commune];
        } else {
            x->value = arena_strdup(&g->tmp, store_column_text(q, 3));
        }
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

int eng_load_addresses(struct eng *g)
{
    dated_init(g, &g->addresses);
    dated_init(g, &g->orgs);
    for (size_t i = 0; i < g->ngrids; i++)
        dated_init(g, &g->grids[i].assign);
    if (dated_load(g, &g->addresses,
                   "SELECT person, valid_from, COALESCE(valid_to, ''), commune "
                   "FROM person_address ORDER BY person, valid_from",
                   NULL, true) < 0 ||
        dated_load(g, &g->orgs,
                   "SELECT id, '', '', commune FROM organisation WHERE commune IS NOT NULL "
                   "ORDER BY id",
                   NULL, true) < 0)
        return -1;
    for (size_t i = 0; i < g->ngrids; i++) {
        struct eng_grid *gr = &g->grids[i];
        if (gr->is_commune || gr->is_dept)
            continue;
        if (dated_load(g, &gr->assign,
                       "SELECT commune, valid_from, COALESCE(valid_to, ''), area "
                       "FROM ref_assignment WHERE grid = ? ORDER BY commune, valid_from",
                       gr->grid, false) < 0)
            return -1;
    }
    return 0;
}

int eng_load_applicants(struct eng *g)
{
    dated_init(g, &g->demandeurs);
    return dated_load(
        g, &g->demandeurs,
        "SELECT household, valid_from, COALESCE(valid_to, ''), person "
        "FROM household_member WHERE role = 'demandeur' ORDER BY household, valid_from",
        NULL, false);
}

/* The index of key in t, looked up once per row (*cache -2: not yet), or -1. */
static int64_t dated_key(const struct dated *t, const char *key, int64_t *cache)
{
    if (*cache == -2)
        *cache = key ? strset_find(&t->keys, key, strlen(key)) : -1;
    return *cache;
}

static const struct dated_entry *dated_at_key(const struct dated *t, int64_t k, date_t day)
{
    if (k < 0)
        return NULL;
    for (uint32_t i = t->first[k]; i < t->first[k] + t->count[k]; i++)
        if (t->e[i].from <= day && day <= t->e[i].to)
            return &t->e[i];
    return NULL;
}

/* The area of gr of the row's site: the site interned once per row, resolved once per grid. */
static size_t row_site_area(struct eng *g, struct eng_grid *gr, struct eng_row *r)
{
    size_t glen = strlen(r->site_grid), clen = strlen(r->site_code);
    char key[256];
    size_t i;

    if (r->k_site == -2) {
        if (glen + clen + 1 >= sizeof(key)) {
            r->k_site = -1;
        } else {
            memcpy(key, r->site_grid, glen);
            key[glen] = ':';
            memcpy(key + glen + 1, r->site_code, clen);
            key[glen + 1 + clen] = '\0';
            /* rows often have the site of the row before */
            if (g->last_site >= 0 && !strcmp(g->site_keys.strs[g->last_site], key))
                r->k_site = g->last_site;
            else
                r->k_site = strset_add(&g->site_keys, key, glen + 1 + clen);
            g->last_site = r->k_site;
        }
    }
    if (r->k_site < 0)
        return SIZE_MAX;
    i = (size_t)r->k_site;
    if (i >= gr->by_site_cap) {
        size_t cap = gr->by_site_cap ? 2 * gr->by_site_cap : 64;
        size_t *grown;
        while (cap <= i)
            cap *= 2;
        grown = arena_calloc(&g->tmp, cap, sizeof(*grown));
        for (size_t j = 0; j < cap; j++)
            grown[j] = j < gr->by_site_cap ? gr->by_site[j] : SIZE_MAX - 1;
        gr->by_site = grown;
        gr->by_site_cap = cap;
    }
    if (gr->by_site[i] == SIZE_MAX - 1)
        gr->by_site[i] = eng_site_area(g, gr, r->site_grid, r->site_code);
    return gr->by_site[i];
}

static enum eng_bkind bkind_of(const char *btype)
{
    if (!btype)
        return BK_NONE;
    if (!strcmp(btype, "personne"))
        return BK_PERSONNE;
    if (!strcmp(btype, "foyer"))
        return BK_FOYER;
    if (!strcmp(btype, "organisation"))
        return BK_ORGANISATION;
    if (!strcmp(btype, "commune"))
        return BK_COMMUNE;
    return BK_OTHER;
}

/* The beneficiary's commune on day: its index in g->communes, or -1. */
static int64_t row_commune(struct eng *g, struct eng_row *r, date_t day)
{
    const struct dated_entry *x = NULL, *applicant;

    if (r->bkind == BK_UNSET)
        r->bkind = (uint8_t)bkind_of(r->btype);
    switch ((enum eng_bkind)r->bkind) {
    case BK_NONE:
        x = dated_at_key(&g->addresses, dated_key(&g->addresses, r->person, &r->k_person), day);
        break;
    case BK_PERSONNE:
        x = dated_at_key(&g->addresses, dated_key(&g->addresses, r->benef, &r->k_benef), day);
        break;
    case BK_FOYER:
        applicant =
            dated_at_key(&g->demandeurs, dated_key(&g->demandeurs, r->benef, &r->k_dem), day);
        if (!applicant) {
            x = dated_at_key(&g->addresses, dated_key(&g->addresses, r->person, &r->k_person), day);
        } else {
            if (r->who != applicant->value) {
                r->who = applicant->value;
                r->k_who = -2;
            }
            x = dated_at_key(&g->addresses, dated_key(&g->addresses, r->who, &r->k_who), day);
        }
        break;
    case BK_ORGANISATION:
        x = dated_at_key(&g->orgs, dated_key(&g->orgs, r->benef, &r->k_benef), day);
        break;
    case BK_COMMUNE:
        return r->benef ? (int64_t)strset_add(&g->communes, r->benef, strlen(r->benef)) : -1;
    case BK_UNSET:
    case BK_OTHER:
        break;
    }
    return x ? (int64_t)x->commune : -1;
}

/* row_commune, remembered for the last days asked (the defs of a row ask the same days). */
static int64_t row_commune_cached(struct eng *g, struct eng_row *r, date_t day)
{
    int64_t c;
    unsigned n = r->ncommunes < ENG_ROW_DAYS ? r->ncommunes : ENG_ROW_DAYS;

    for (unsigned i = 0; i < n; i++)
        if (r->commune_day[i] == day)
            return r->commune_at[i];
    c = row_commune(g, r, day);
    r->commune_day[r->ncommunes % ENG_ROW_DAYS] = day;
    r->commune_at[r->ncommunes % ENG_ROW_DAYS] = c;
    r->ncommunes++;
    return c;
}

/* The areas of gr commune c falls in over time (the commune itself for the commune grid). */
static void resolve_commune(struct eng *g, struct eng_grid *gr, uint32_t c)
{
    const char *code = g->communes.strs[c];

    if (c >= gr->c_cap) {
        size_t cap = gr->c_cap ? 2 * gr->c_cap : 1024;
        uint32_t *f, *n;
        while (cap <= c)
            cap *= 2;
        f = arena_calloc(&g->tmp, cap, sizeof(*f));
        n = arena_calloc(&g->tmp, cap, sizeof(*n));
        memset(f, 0xff, cap * sizeof(*f));
        if (gr->c_cap) {
            memcpy(f, gr->c_first, gr->c_cap * sizeof(*f));
            memcpy(n, gr->c_count, gr->c_cap * sizeof(*n));
        }
        gr->c_first = f;
        gr->c_count = n;
        gr->c_cap = cap;
    }
    gr->c_first[c] = (uint32_t)gr->nce;
    gr->c_count[c] = 0;
    for (int i = 0;; i++) {
        struct eng_carea x = {DATE_MIN, DATE_MAX, SIZE_MAX};
        if (gr->is_commune) {
            if (i > 0)
                break;
            x.area = eng_area_index(gr, code);
        } else {
            int64_t k = strset_find(&gr->assign.keys, code, strlen(code));
            const struct dated_entry *e;
            if (k < 0 || (uint32_t)i >= gr->assign.count[k])
                break;
            e = &gr->assign.e[gr->assign.first[k] + (uint32_t)i];
            x.from = e->from;
            x.to = e->to;
            x.area = eng_area_index(gr, e->value);
        }
        if (gr->nce == gr->ce_cap) {
            size_t cap = gr->ce_cap ? 2 * gr->ce_cap : 1024;
            struct eng_carea *grown = arena_calloc(&g->tmp, cap, sizeof(*grown));
            if (gr->nce)
                memcpy(grown, gr->ce, gr->nce * sizeof(*grown));
            gr->ce = grown;
            gr->ce_cap = cap;
        }
        gr->ce[gr->nce++] = x;
        gr->c_count[c]++;
    }
}

size_t eng_place(struct eng *g, struct eng_grid *gr, const struct indic_def *def, struct eng_row *r,
                 date_t day)
{
    int64_t commune;
    uint32_t c;
    size_t gi = (size_t)(gr - g->grids);

    if (gr->is_dept)
        return 0;
    if (def->place == PLACE_SITE && !gr->by_commune) {
        if (r->site_area[gi] == SIZE_MAX - 1)
            r->site_area[gi] = row_site_area(g, gr, r);
        return r->site_area[gi];
    }
    commune = row_commune_cached(g, r, day);
    if (commune < 0)
        return SIZE_MAX;
    c = (uint32_t)commune;
    if (c >= gr->c_cap || gr->c_first[c] == UINT32_MAX)
        resolve_commune(g, gr, c);
    for (uint32_t i = gr->c_first[c]; i < gr->c_first[c] + gr->c_count[c]; i++)
        if (gr->ce[i].from <= day && day <= gr->ce[i].to)
            return gr->ce[i].area;
    return SIZE_MAX;
}

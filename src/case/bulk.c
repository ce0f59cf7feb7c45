/*
 * bulk.c: what an import or a replay remembers from one event to the next
 * (struct case_bulk, case_int.h), so that applying hundreds of thousands of
 * events in one transaction does not ask the store the same questions again
 * and again, nor write the same row once per event.
 *
 * Five things, all valid for one transaction only (the caller drops the
 * bulk when it rolls back):
 *   - the identifier counters: case_id_observe moves them here, and
 *     case_bulk_flush writes them once, before the commit;
 *   - the sites already found in the referential (case_site_parse);
 *   - the validity periods of communes (person_commune_check): a commune
 *     is looked up once, then every date is checked in memory;
 *   - each dossier's row as the last event left it (dossier.c: the only
 *     writer of that table), so that an operation does not read it back,
 *     and writes a changed row once, from case_bulk_flush; the commission
 *     sessions created in the transaction (session.c);
 *   - the persons created in the transaction (their birth date) and the
 *     households created in it with every stay written since (household.c:
 *     the only writer of household_member), so that an arrival is checked
 *     without a look-up when these say nothing stands in its way.
 * The referential does not change during an import or a replay (ref_load
 * is another transaction), so what is read of it stays true. A question
 * the memory cannot answer, and every refusal, goes to the store as
 * without a bulk, so that the messages are the same.
 */
#include "core/compat.h"
#include "case/case_int.h"

#define BULK_MAP_MIN 256 /* slots, a power of two */

/* FNV-1a over a NUL-terminated key. */
static uint64_t key_hash(const char *k)
{
    uint64_t h = 14695981039346656037u;

    for (const unsigned char *p = (const unsigned char *)k; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    return h;
}

static struct case_bulk_slot *map_slot(struct case_bulk_map *m, const char *key)
{
    size_t i = (size_t)key_hash(key) & (m->cap - 1);

    while (m->slots[i].key && strcmp(m->slots[i].key, key) != 0)
        i = (i + 1) & (m->cap - 1);
    return &m->slots[i];
}

static void map_grow(struct case_bulk *b, struct case_bulk_map *m)
{
    struct case_bulk_map old = *m;

    m->cap = old.cap ? 2 * old.cap : BULK_MAP_MIN;
    m->slots = arena_calloc(&b->arena, m->cap, sizeof(*m->slots));
    m->used = 0;
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i].key) {
            *map_slot(m, old.slots[i].key) = old.slots[i];
            m->used++;
        }
}

void *case_bulk_get(struct case_bulk_map *m, const char *key)
{
    return m->cap ? map_slot(m, key)->value : NULL;
}

void case_bulk_put(struct case_bulk *b, struct case_bulk_map *m, const char *key, void *value)
{
    struct case_bulk_slot *s;

    if (2 * (m->used + 1) > m->cap)
        map_grow(b, m);
    s = map_slot(m, key);
    if (!s->key) {
        s->key = arena_strdup(&b->arena, key);
        m->used++;
    }
    s->value = value;
}

const char *case_bulk_str(struct case_bulk *b, const char *cur, const char *s)
{
    if (!s)
        return NULL;
    if (cur && (cur == s || !strcmp(cur, s)))
        return cur;
    return arena_strdup(&b->arena, s);
}

void case_bulk_init(struct case_bulk *b)
{
    memset(b, 0, sizeof(*b));
    arena_init(&b->arena, 0);
}

void case_bulk_release(struct case_bulk *b)
{
    arena_release(&b->arena);
    memset(b, 0, sizeof(*b));
}

int case_bulk_flush(struct case_ctx *c, struct err *e)
{
    struct case_bulk *b = c->bulk;

    if (!b)
        return 0;
    if (case_bulk_dossiers_flush(c, e) != 0)
        return -1;
    /* in the order the kinds were first seen, as the rows would have been written */
    for (size_t i = 0; i < b->norder; i++) {
        int k = b->order[i] - 'A';
        char kind[2] = {b->order[i], '\0'};
        struct store_stmt *q;

        q = store_prepare(c->store,
                          "INSERT INTO case_counter(kind, next) VALUES (?, ?) "
                          "ON CONFLICT(kind) DO UPDATE SET next = MAX(next, excluded.next)",
                          e);
        if (!q)
            return -1;
        store_bind_text(q, 1, kind);
        store_bind_int64(q, 2, b->next[k]);
        if (store_step_done(q, e) != 0)
            return -1;
        b->next[k] = 0;
    }
    b->norder = 0;
    return 0;
}

void case_bulk_person_put(struct case_bulk *b, const char *id, date_t birth)
{
    date_t *v = arena_alloc(&b->arena, sizeof(*v));

    *v = birth;
    case_bulk_put(b, &b->persons, id, v);
}

const date_t *case_bulk_person_birth(struct case_bulk *b, const char *id)
{
    return case_bulk_get(&b->persons, id);
}

void case_bulk_household_put(struct case_bulk *b, const char *id, date_t created)
{
    struct case_bulk_household *h = arena_alloc(&b->arena, sizeof(*h));

    h->created = created;
    h->stays = NULL;
    h->tail = &h->stays;
    case_bulk_put(b, &b->households, id, h);
}

struct case_bulk_household *case_bulk_household_get(struct case_bulk *b, const char *id)
{
    return case_bulk_get(&b->households, id);
}

void case_bulk_stay_add(struct case_bulk *b, struct case_bulk_household *h, const char *person,
                        bool applicant, const char *from)
{
    struct case_bulk_stay *s = arena_alloc(&b->arena, sizeof(*s));

    s->person = arena_strdup(&b->arena, person);
    s->from = arena_strdup(&b->arena, from);
    s->to = NULL;
    s->applicant = applicant;
    s->next = NULL;
    *h->tail = s;
    h->tail = &s->next;
}

void case_bulk_stay_end(struct case_bulk *b, struct case_bulk_household *h, const char *person,
                        const char *from, const char *to)
{
    for (struct case_bulk_stay *s = h->stays; s; s = s->next)
        if (!strcmp(s->person, person) && !strcmp(s->from, from))
            s->to = arena_strdup(&b->arena, to);
}

/* A commune's versions, as the days they begin and end (DATE_MAX: still valid). */
struct commune_periods {
    size_t n;
    date_t from[];
};

static const struct commune_periods *commune_load(struct case_ctx *c, const char *code,
                                                  struct err *e)
{
    struct case_bulk *b = c->bulk;
    struct store_stmt *q;
    struct commune_periods *p;
    date_t v[2 * CASE_BULK_COMMUNE_VERSIONS];
    size_t n = 0;
    int rc;

    q = store_prepare(c->store,
                      "SELECT valid_from, valid_to FROM ref_commune WHERE code = ? "
                      "ORDER BY valid_from",
                      e);
    if (!q)
        return NULL;
    store_bind_text_static(q, 1, code);
    while ((rc = store_step(q, e)) == STORE_ROW) {
        const char *from = store_column_text(q, 0), *to = store_column_text(q, 1);
        struct err ignored;

        err_clear(&ignored);
        if (n == CASE_BULK_COMMUNE_VERSIONS ||
            date_parse_iso(from, strlen(from), &v[2 * n], &ignored) != 0) {
            rc = STORE_DONE; /* unusual: leave this commune to the store */
            n = 0;
            break;
        }
        if (store_column_is_null(q, 1))
            v[2 * n + 1] = DATE_MAX;
        else if (date_parse_iso(to, strlen(to), &v[2 * n + 1], &ignored) != 0) {
            rc = STORE_DONE;
            n = 0;
            break;
        }
        n++;
    }
    store_finalize(q);
    if (rc < 0)
        return NULL;
    p = arena_alloc(&b->arena, sizeof(*p) + 2 * n * sizeof(date_t));
    p->n = n;
    memcpy(p->from, v, 2 * n * sizeof(date_t));
    case_bulk_put(b, &b->communes, code, p);
    return p;
}

bool case_bulk_commune_exists(struct case_ctx *c, const char *code, date_t day, struct err *e)
{
    const struct commune_periods *p = case_bulk_get(&c->bulk->communes, code);

    if (!p && !(p = commune_load(c, code, e)))
        return false;
    for (size_t i = 0; i < p->n; i++)
        if (p->from[2 * i] <= day && day <= p->from[2 * i + 1])
            return true;
    return false;
}

/*
 * Secondary indexes of the projections that no statement of an import or a
 * replay reads (checked with EXPLAIN QUERY PLAN on every statement they
 * prepare: their look-ups go through primary keys, UNIQUE constraints and
 * decision_dossier, which stay). Inserting a year's rows into them one by
 * one costs a B-tree descent per row and index; built again from the table
 * with CREATE INDEX they cost one sort. UNIQUE indexes are never set aside:
 * they are constraints the import relies on to refuse duplicates.
 */
const char *const case_bulk_index_names[CASE_BULK_INDEX_COUNT] = {
    "person_name",          "household_member_person",
    "dossier_person",       "dossier_household",
    "dossier_dispositif",   "dossier_site",
    "dossier_step_dossier", "decision_date",
    "payment_dossier",      "act_dispositif",
    "act_person",
};

static_assert(CASE_BULK_INDEX_COUNT <= CASE_BULK_INDEXES_MAX, "case_bulk_indexes too small");

int case_bulk_indexes_drop(struct store *s, struct case_bulk_indexes *x, struct err *e)
{
    x->n = 0;
    assert(s->in_tx);
    if (strcmp(s->ops->name, "sqlite") != 0)
        return 0;
    for (size_t i = 0; i < CASE_BULK_INDEX_COUNT; i++) {
        struct store_stmt *q;
        char drop[128], *def = NULL;
        int rc;

        /* the definition as the migrations wrote it, to create it again word for word */
        q = store_prepare(s,
                          "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ? "
                          "AND sql IS NOT NULL",
                          e);
        if (!q)
            return -1;
        store_bind_text_static(q, 1, case_bulk_index_names[i]);
        rc = store_step(q, e);
        /* never a UNIQUE index (a constraint stays in force), nor one a later
           migration dropped */
        if (rc == STORE_ROW && !strncmp(store_column_text(q, 0), "CREATE INDEX ", 13)) {
            def = strdup(store_column_text(q, 0));
            if (!def)
                die_nomem(strlen(store_column_text(q, 0)) + 1);
        }
        store_finalize(q);
        if (rc < 0)
            return -1;
        if (!def)
            continue;
        x->sql[x->n++] = def;
        snprintf(drop, sizeof(drop), "DROP INDEX %s", case_bulk_index_names[i]);
        if (s->ops->exec(s, drop, e) != 0)
            return -1;
    }
    return 0;
}

int case_bulk_indexes_restore(struct store *s, struct case_bulk_indexes *x, struct err *e)
{
    int rc = 0;

    for (size_t i = 0; i < x->n; i++) {
        if (rc == 0 && s->ops->exec(s, x->sql[i], e) != 0)
            rc = -1;
        free(x->sql[i]);
        x->sql[i] = NULL;
    }
    x->n = 0;
    return rc;
}

void case_bulk_indexes_forget(struct case_bulk_indexes *x)
{
    for (size_t i = 0; i < x->n; i++) {
        free(x->sql[i]);
        x->sql[i] = NULL;
    }
    x->n = 0;
}

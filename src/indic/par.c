/*
 * par.c: the passes of the engine on two threads, each with its own
 * connection to the database, for the same results as one thread.
 *
 * The indicators split in two groups, each computed by one thread: those
 * of the act table (the worker thread), and those of the dossier table with
 * the decisions and payments of the year (the main thread), but for the
 * dossier indicators of a few whole dispositifs the worker also takes
 * (split_defs, to even out the threads' work). Everything an indicator
 * accumulates is indexed by indicator (cells, row counts, stamps), so both
 * threads write into the same cell arrays, never the same element (the row
 * counts and their stamps, written on every row, the worker keeps apart and
 * hands over at the end); what is shared by structure (distinct sets,
 * interned ids, sites, the caches of places) the worker has its own of.
 * Each indicator sees all its rows in one thread, and no value depends on
 * the order of its rows: the values are the same as the sequential
 * engine's, value by value (tests/indic/test_engine.c compares them, and
 * bench_indic --verify).
 *
 * The threads, and where they wait for each other:
 *   worker: split_defs; the addresses of persons and organisations and the
 *           grids' assignments (they intern the communes), then tells main;
 *           the acts; then, once main has told it, the dossiers of the
 *           dispositifs it took, by the index dossier_dispositif, with
 *           main's buffer of the year's events (read-only by then).
 *   main:   the applicants of households, the decisions and payments of the
 *           year buffered by dossier; waits for the addresses, takes them
 *           (read-only from then on) with a copy of the interned communes,
 *           tells the worker; the dossier table for the other indicators.
 *
 * The same snapshot: each connection opens a read transaction (BEGIN, then
 * a first read) and reads the head of the journal (journal_head: sequence
 * and hash). Every committed change of the projections appends to the
 * journal in its transaction, so the same head is the same state of the
 * tables; when the heads differ (a write committed between the two first
 * reads) both transactions start again, and after three tries the engine
 * runs sequentially in the main connection's transaction.
 *
 * Sequential instead (eng_par_run returns 1) when the caller is inside a
 * transaction of its own (its uncommitted writes would be invisible to a
 * second connection), for an in-memory database (a second connection would
 * see another database), when one group has no indicator, when the second
 * connection cannot be opened, or when the main connection refuses BEGIN (a
 * transaction opened without the store knowing: it is left as it is).
 */
#include "core/compat.h"
#include "indic/indic_int.h"

#include <pthread.h>

#define PAR_TRIES    3
#define PAR_HEAD_MAX 64

struct par_head {
    int64_t seq;
    size_t hlen;
    unsigned char hash[PAR_HEAD_MAX];
};

struct par {
    struct eng w; /* the worker's engine: the main one's copy, with its own state */
    struct store *s;
    struct err e;
    int rc; /* the worker's result */
    /* the residence tables loaded by the worker (res_rc its result), under lock */
    pthread_mutex_t lock;
    pthread_cond_t done;
    bool res_done;
    int res_rc;
    /* the decisions and payments buffered by the main thread (ev_rc its result), under lock */
    bool ev_done;
    int ev_rc;
    bool *mine;    /* by def: computed by the worker (acts, and the dossiers it takes) */
    struct eng *g; /* the main engine */
    bool main_tx;  /* a read transaction opened here on the main connection */
};

/*
 * Open a read transaction on s and read the journal's head (its first
 * read); *begun when the transaction was opened (even if the read failed).
 */
static int read_begin(struct store *s, struct par_head *h, bool *begun, struct err *e)
{
    struct store_stmt *q = store_prepare(s, "BEGIN", e);
    int rc;

    memset(h, 0, sizeof(*h));
    h->seq = -1;
    *begun = false;
    if (!q || store_step_done(q, e) != 0)
        return -1;
    *begun = true;
    q = store_prepare(s, "SELECT seq, hash FROM journal_head", e);
    if (!q)
        return -1;
    rc = store_step(q, e);
    if (rc == STORE_ROW) {
        size_t n;
        const void *b = store_column_blob(q, 1, &n);
        h->seq = store_column_int64(q, 0);
        h->hlen = n < PAR_HEAD_MAX ? n : PAR_HEAD_MAX;
        if (b)
            memcpy(h->hash, b, h->hlen);
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

static bool same_head(const struct par_head *a, const struct par_head *b)
{
    return a->seq == b->seq && a->hlen == b->hlen && !memcmp(a->hash, b->hash, a->hlen);
}

/*
 * Make w the worker's copy of g: the same definitions, grids, cells and
 * read-only tables, its own connection, arena, error, distinct sets,
 * interned ids, sites and caches of places.
 */
static void worker_copy(struct par *p, const struct eng *g)
{
    struct eng *w = &p->w;
    struct arena tmp = w->tmp;
    size_t nd = g->d->ndefs ? g->d->ndefs : 1;

    memcpy(w, g, sizeof(*w));
    w->tmp = tmp;
    w->s = p->s;
    w->e = &p->e;
    w->nserial = 0;
    memset(w->areas, 0, sizeof(w->areas));
    /* the worker loads these itself (worker_main) */
    memset(&w->addresses, 0, sizeof(w->addresses));
    memset(&w->orgs, 0, sizeof(w->orgs));
    memset(&w->demandeurs, 0, sizeof(w->demandeurs));
    strset_init(&w->ids, &w->tmp);
    strset_init(&w->x_ids, &w->tmp);
    strset_init(&w->site_keys, &w->tmp);
    strset_init(&w->disp_names, &w->tmp); /* its own index: eng_index_dispositifs */
    w->disps = NULL;
    w->last_site = -1;
    strset_init(&w->communes, &w->tmp);
    /* same strings in the same order: the same indexes as the main engine's */
    for (size_t i = 0; i < g->communes.n; i++)
        strset_add(&w->communes, g->communes.strs[i], strlen(g->communes.strs[i]));
    map64_init(&w->distinct);
    map64_init(&w->seen_idx);
    w->seen = NULL;
    w->nseen = w->seen_cap = 0;
    eng_facts_init(&w->facts);
    /* row counts and their stamps: written on every row, kept apart from the main thread's */
    w->rows_dep = arena_calloc(&w->tmp, nd * INDIC_MONTHS, sizeof(int64_t));
    w->dep_stamp = arena_calloc(&w->tmp, nd, sizeof(uint64_t));
    w->dep_mask = arena_calloc(&w->tmp, nd, sizeof(uint16_t));
    for (size_t i = 0; i < w->ngrids; i++) {
        struct eng_grid *gr = &w->grids[i];
        gr->rows_placed = arena_calloc(&w->tmp, nd * INDIC_MONTHS, sizeof(int64_t));
        gr->row_stamp = arena_calloc(&w->tmp, nd, sizeof(uint64_t));
        gr->row_mask = arena_calloc(&w->tmp, nd, sizeof(uint16_t));
    }
    for (size_t i = 0; i < ENG_MAX_GRIDS; i++) {
        struct eng_grid *gr = &w->grids[i];
        strset_init(&gr->sites, &w->tmp);
        gr->site_area = NULL;
        gr->site_cap = 0;
        gr->by_site = NULL;
        gr->by_site_cap = 0;
        gr->c_first = gr->c_count = NULL;
        gr->c_cap = 0;
        gr->ce = NULL;
        gr->nce = gr->ce_cap = 0;
        memset(&gr->assign, 0, sizeof(gr->assign));
    }
}

/* What worker_copy made the worker's own (not its arena). */
static void worker_release(struct eng *w)
{
    strset_release(&w->disp_names);
    strset_release(&w->ids);
    strset_release(&w->x_ids);
    strset_release(&w->site_keys);
    strset_release(&w->communes);
    map64_release(&w->distinct);
    map64_release(&w->seen_idx);
    free(w->seen);
    w->seen = NULL;
    eng_facts_release(&w->facts);
    for (size_t i = 0; i < ENG_MAX_GRIDS; i++)
        strset_release(&w->grids[i].sites);
}

/* The row counts of the worker's indicators into the main engine. */
static void worker_merge(const struct par *p, const struct eng *w, struct eng *g)
{
    size_t m = INDIC_MONTHS * sizeof(int64_t);

    for (size_t k = 0; k < g->d->ndefs; k++) {
        if (!g->active[k] || !p->mine[k])
            continue;
        g->par_moved += g->d->defs[k].source != SRC_ACTES;
        memcpy(&g->rows_dep[k * INDIC_MONTHS], &w->rows_dep[k * INDIC_MONTHS], m);
        for (size_t i = 0; i < g->ngrids; i++)
            memcpy(&g->grids[i].rows_placed[k * INDIC_MONTHS],
                   &w->grids[i].rows_placed[k * INDIC_MONTHS], m);
    }
    for (size_t i = 0; i < w->x_ids.n; i++)
        strset_add(&g->x_ids, w->x_ids.strs[i], strlen(w->x_ids.strs[i]));
    g->facts_slow += w->facts.slow;
}

/* ---- the two threads ------------------------------------------------------------ */

/* ---- sharing the dossiers ---------------------------------------------------------- */

/*
 * Part of the dossier table's work for the worker, which has less (the act
 * pass is the smaller on the reference year): whole dispositifs, whose
 * dossiers it reads by the index dossier_dispositif after its acts. The
 * cost of a dispositif is estimated as its dossiers times the indicators
 * that read them; the worker takes the largest ones that fit in
 * PAR_DOSSIER_SHARE percent of the total (tuned on the reference year: the
 * main thread also reads the applicants and the year's events, the worker
 * the addresses and the acts). An indicator moves when all its dispositifs
 * do. Any split gives the same values: each indicator is computed by one
 * thread over all its rows.
 */
#define PAR_DOSSIER_SHARE 10

struct par_disp {
    const char *code;
    int64_t cost;
    bool taken;
};

static int cmp_cost(const void *a, const void *b)
{
    const struct par_disp *x = a, *y = b;

    if (x->cost != y->cost)
        return x->cost > y->cost ? -1 : 1;
    return strcmp(x->code, y->code);
}

static struct par_disp *find_disp(struct par_disp *v, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].code, code))
            return &v[i];
    return NULL;
}

/* p->mine: the acts, and the dossier indicators of the dispositifs the worker takes. */
static void split_defs(struct par *p, struct eng *w)
{
    const struct indic_dict *d = w->d;
    size_t cap = w->cat->ndispositifs + 1, n = 0;
    struct par_disp *v = arena_calloc(&w->tmp, cap, sizeof(*v));
    struct store_stmt *q;
    struct err ignored;
    int64_t total = 0, budget;

    for (size_t k = 0; k < d->ndefs; k++)
        p->mine[k] = w->active[k] && d->defs[k].source == SRC_ACTES;
    q = store_prepare(w->s, "SELECT dispositif, count(*) FROM dossier GROUP BY dispositif",
                      &ignored);
    if (!q)
        return;
    while (n < cap && store_step(q, &ignored) == STORE_ROW) {
        v[n].code = arena_strdup(&w->tmp, store_column_text(q, 0));
        v[n++].cost = store_column_int64(q, 1);
    }
    store_finalize(q);
    /* a dispositif's dossiers, times the indicators that read them */
    for (size_t i = 0; i < n; i++) {
        int64_t defs = 0;
        for (size_t k = 0; k < d->ndefs; k++) {
            const struct indic_def *def = &d->defs[k];
            if (!w->active[k] || def->source > SRC_DOSSIERS)
                continue;
            for (size_t j = 0; j < def->ndispositifs; j++)
                defs += !strcmp(def->dispositifs[j], v[i].code);
        }
        v[i].cost *= defs;
        total += v[i].cost;
    }
    qsort(v, n, sizeof(*v), cmp_cost);
    budget = total * PAR_DOSSIER_SHARE / 100;
    for (size_t i = 0; i < n; i++) {
        if (v[i].cost > 0 && v[i].cost <= budget) {
            v[i].taken = true;
            budget -= v[i].cost;
        }
    }
    for (size_t k = 0; k < d->ndefs; k++) {
        const struct indic_def *def = &d->defs[k];
        bool all = def->ndispositifs > 0;
        if (!w->active[k] || def->source > SRC_DOSSIERS)
            continue;
        for (size_t j = 0; j < def->ndispositifs && all; j++) {
            const struct par_disp *x = find_disp(v, n, def->dispositifs[j]);
            all = x && x->taken;
        }
        p->mine[k] = all;
    }
}

/* ---- the two threads ------------------------------------------------------------ */

/* Tell the other thread: *flag done, with result rc. */
static void post(struct par *p, bool *flag, int *result, int rc)
{
    pthread_mutex_lock(&p->lock);
    *result = rc;
    *flag = true;
    pthread_cond_broadcast(&p->done);
    pthread_mutex_unlock(&p->lock);
}

/* Wait for *flag; its result. */
static int wait_for(struct par *p, const bool *flag, const int *result)
{
    int rc;

    pthread_mutex_lock(&p->lock);
    while (!*flag)
        pthread_cond_wait(&p->done, &p->lock);
    rc = *result;
    pthread_mutex_unlock(&p->lock);
    return rc;
}

/*
 * The worker: which indicators it computes, the residence tables (then
 * tells the main thread), the acts, then, once the main thread has buffered
 * the year's events, the dossiers of the dispositifs it took.
 */
static void *worker_main(void *arg)
{
    struct par *p = arg;
    struct eng *w = &p->w;
    int rc = 0;

    split_defs(p, w);
    eng_index_dispositifs(w, p->mine);
    if (w->need_residence)
        rc = eng_load_addresses(w);
    post(p, &p->res_done, &p->res_rc, rc);
    if (rc == 0)
        rc = eng_pass_acts(w);
    if (rc == 0 && wait_for(p, &p->ev_done, &p->ev_rc) == 0) {
        /* the main thread's events, read-only from now on */
        w->ev_dossiers = p->g->ev_dossiers;
        w->ev_head = p->g->ev_head;
        w->ev = p->g->ev;
        w->nev = p->g->nev;
        for (size_t x = 0; x < w->disp_names.n && rc == 0; x++) {
            const struct eng_disp *dp = &w->disps[x];
            if (dp->ndefs[SRC_DOSSIERS] || dp->ndefs[SRC_DECISIONS] || dp->ndefs[SRC_PAIEMENTS])
                rc = eng_pass_dossiers_of(w, w->disp_names.strs[x]);
        }
        memset(&w->ev_dossiers, 0, sizeof(w->ev_dossiers));
    }
    p->rc = rc;
    return NULL;
}

/*
 * The main thread: the applicants and the events of the year (then tells
 * the worker), then, once the worker has them, a copy of the residence
 * tables, and the dossiers of the indicators the worker did not take.
 */
static int main_job(struct par *p, struct eng *g)
{
    struct eng *w = &p->w;
    bool *take;
    int rc = 0;

    if ((g->need_residence && eng_load_applicants(g) < 0) ||
        (g->par_sources[SRC_DECISIONS] && eng_buffer_events(g, SRC_DECISIONS) < 0) ||
        (g->par_sources[SRC_PAIEMENTS] && eng_buffer_events(g, SRC_PAIEMENTS) < 0))
        rc = -1;
    else if (wait_for(p, &p->res_done, &p->res_rc) < 0)
        rc = 1; /* the worker's error */
    if (rc != 0) {
        post(p, &p->ev_done, &p->ev_rc, -1); /* the worker stops after its acts */
        return rc;
    }
    take = arena_calloc(&g->tmp, g->d->ndefs ? g->d->ndefs : 1, sizeof(*take));
    for (size_t k = 0; k < g->d->ndefs; k++)
        take[k] = !p->mine[k];
    eng_index_dispositifs(g, take);
    if (g->need_residence) {
        /* read-only from now on in both threads, but the communes: main's own copy (made
           before the worker may add to its own, in its dossiers) */
        g->addresses = w->addresses;
        g->orgs = w->orgs;
        for (size_t i = 0; i < g->ngrids; i++)
            g->grids[i].assign = w->grids[i].assign;
        for (size_t i = 0; i < w->communes.n; i++)
            strset_add(&g->communes, w->communes.strs[i], strlen(w->communes.strs[i]));
    }
    post(p, &p->ev_done, &p->ev_rc, 0);
    return eng_pass_dossiers(g);
}

/* Both threads; the main thread's error first. */
static int run_threads(struct par *p, struct eng *g)
{
    pthread_t tid;
    int rc;

    worker_copy(p, g);
    p->mine = arena_calloc(&p->w.tmp, g->d->ndefs ? g->d->ndefs : 1, sizeof(*p->mine));
    p->g = g;
    p->rc = 0;
    p->res_done = p->ev_done = false;
    err_clear(&p->e);
    if (pthread_create(&tid, NULL, worker_main, p) != 0)
        return 1;
    rc = main_job(p, g);
    pthread_join(tid, NULL);
    if (rc < 0)
        return -1;
    if (p->rc < 0) {
        *g->e = p->e;
        return -1;
    }
    worker_merge(p, &p->w, g);
    g->threads = 2;
    return 0;
}

/* ---- setting up -------------------------------------------------------------------- */

/* The worker's connection in a read transaction on g's snapshot, or 1 to go sequential. */
static int par_open(struct par *p, struct eng *g)
{
    struct par_head hm, hw;
    struct err ignored;
    bool w_tx;

    p->s = store_open(g->s->location, &ignored);
    if (!p->s)
        return 1;
    eng_mmap(p->s);
    for (int t = 0; t < PAR_TRIES; t++) {
        /* BEGIN refused (a transaction the store does not know of): one thread, as before */
        if (read_begin(g->s, &hm, &p->main_tx, &ignored) < 0 ||
            read_begin(p->s, &hw, &w_tx, &ignored) < 0)
            return 1;
        if (same_head(&hm, &hw))
            return 0;
        store_rollback(p->s);
        store_rollback(g->s);
        p->main_tx = false;
    }
    /* three writes in a row between the two reads: one thread, in one transaction */
    read_begin(g->s, &hm, &p->main_tx, &ignored);
    return 1;
}

int eng_par_run(struct eng *g)
{
    const bool *src = g->par_sources;
    struct par *p;
    int rc;

    if (g->workers < 2 || g->s->in_tx || !g->s->location || !*g->s->location ||
        !strcmp(g->s->location, ":memory:") || !src[SRC_ACTES] ||
        !(src[SRC_DECISIONS] || src[SRC_PAIEMENTS] || src[SRC_DOSSIERS]))
        return 1;
    p = calloc(1, sizeof(*p));
    if (!p)
        die_nomem(sizeof(*p));
    arena_init(&p->w.tmp, 0);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->done, NULL);
    rc = par_open(p, g);
    if (rc != 0) {
        /* one thread: in the main connection's read transaction when it is open */
        rc = eng_run_passes(g);
        goto out;
    }
    rc = run_threads(p, g);
    if (rc > 0) /* no thread: sequential, in the main connection's read transaction */
        rc = eng_run_passes(g);
out:
    if (p->main_tx)
        store_rollback(g->s); /* the read transaction opened here, never the caller's */
    /* the tables the worker loaded (copied by the main engine if it got that far) */
    if (g->addresses.keys.a == &p->w.tmp) {
        memset(&g->addresses, 0, sizeof(g->addresses));
        memset(&g->orgs, 0, sizeof(g->orgs));
        for (size_t i = 0; i < g->ngrids; i++)
            memset(&g->grids[i].assign, 0, sizeof(g->grids[i].assign));
    }
    strset_release(&p->w.addresses.keys);
    strset_release(&p->w.orgs.keys);
    for (size_t i = 0; i < ENG_MAX_GRIDS; i++)
        strset_release(&p->w.grids[i].assign.keys);
    worker_release(&p->w);
    if (p->s) {
        store_rollback(p->s);
        store_close(p->s);
    }
    arena_release(&p->w.tmp);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->done);
    free(p);
    return rc < 0 ? -1 : 0;
}

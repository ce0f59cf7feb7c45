/*
 * dossier_read.c: reading dossiers. One dossier with its history
 * (case_dossier_get), a person's dossiers (case_person_dossiers), and the
 * operations a user may perform on a dossier now (for the UI). Every read of
 * a dossier by a user is checked (capability "dossier.lire" on the
 * dossier's site and class) and written to the access log.
 */
#include "core/compat.h"
#include "case/dossier_int.h"

#include "core/json.h"
#include "core/strbuf.h"

/* Grow an arena array by doubling (the old copy stays in the arena, a small waste). */
static void *grow(struct arena *a, void *old, size_t n, size_t *cap, size_t size)
{
    void *p;

    if (n < *cap)
        return old;
    *cap = *cap ? 2 * *cap : 8;
    p = arena_calloc(a, *cap, size);
    if (n)
        memcpy(p, old, n * size);
    return p;
}

/*
 * Put a kind's rows in seq order (an insertion sort on both arrays): only
 * when SQLite did not return them so, which it does today.
 */
static void sort_by_seq(void *rows, int64_t *seq, size_t n, size_t size)
{
    unsigned char tmp[sizeof(struct case_decision)];
    unsigned char *base = rows;

    assert(size <= sizeof(tmp));
    for (size_t i = 1; i < n; i++) {
        int64_t k = seq[i];
        size_t j = i;
        memcpy(tmp, base + i * size, size);
        for (; j > 0 && seq[j - 1] > k; j--) {
            seq[j] = seq[j - 1];
            memcpy(base + j * size, base + (j - 1) * size, size);
        }
        seq[j] = k;
        memcpy(base + j * size, tmp, size);
    }
}

/*
 * The dossier's steps, decisions and payments in one query (one statement
 * run per read instead of three), kind 0, 1, 2. Each branch asks for seq
 * order; a compound without an outer ORDER BY does not promise it, so the
 * order is checked and restored if needed (an outer ORDER BY would sort all
 * three in temporary B-trees: slower than the three queries it replaces).
 */
static int load_history(struct case_ctx *c, struct case_dossier *d, struct err *e)
{
    struct store_stmt *q;
    size_t cap[3] = {0, 0, 0}, scap[3] = {0, 0, 0};
    int64_t *seqs[3] = {NULL, NULL, NULL};
    bool unordered[3] = {false, false, false};
    int rc;

    q = store_prepare(c->store,
                      "SELECT * FROM (SELECT 0, seq, op, from_state, to_state, on_date, actor, "
                      "NULL, NULL, NULL FROM dossier_step WHERE dossier = ?1 ORDER BY seq) "
                      "UNION ALL SELECT * FROM (SELECT 1, seq, outcome, decided_on, motive, "
                      "right_from, right_to, session, actor, amount_cents FROM decision "
                      "WHERE dossier = ?1 ORDER BY seq) "
                      "UNION ALL SELECT * FROM (SELECT 2, seq, id, paid_on, amount_cents, NULL, "
                      "NULL, NULL, NULL, NULL FROM payment WHERE dossier = ?1 ORDER BY seq)",
                      e);
    if (!q)
        return -1;
    store_bind_text(q, 1, d->id);
    while ((rc = store_step(q, e)) == STORE_ROW) {
        int64_t kind = store_column_int64(q, 0), seq = store_column_int64(q, 1);
        size_t *n = kind == 0 ? &d->nsteps : kind == 1 ? &d->ndecisions : &d->npayments;
        size_t k = kind == 0 ? 0 : kind == 1 ? 1 : 2;

        seqs[k] = grow(c->arena, seqs[k], *n, &scap[k], sizeof(int64_t));
        if (*n && seqs[k][*n - 1] > seq)
            unordered[k] = true;
        seqs[k][*n] = seq;
        switch (k) {
        case 0: {
            struct case_step *s;
            d->steps = grow(c->arena, d->steps, d->nsteps, &cap[0], sizeof(*d->steps));
            s = &d->steps[d->nsteps++];
            s->op = dossier_col_str(c, q, 2);
            s->from = dossier_col_str(c, q, 3);
            s->to = dossier_col_str(c, q, 4);
            s->date = dossier_col_str(c, q, 5);
            s->actor = dossier_col_str(c, q, 6);
            break;
        }
        case 1: {
            struct case_decision *x;
            d->decisions =
                grow(c->arena, d->decisions, d->ndecisions, &cap[1], sizeof(*d->decisions));
            x = &d->decisions[d->ndecisions++];
            x->outcome = dossier_col_str(c, q, 2);
            x->date = dossier_col_str(c, q, 3);
            x->motive = dossier_col_str(c, q, 4);
            x->right_from = dossier_col_str(c, q, 5);
            x->right_to = dossier_col_str(c, q, 6);
            x->session = dossier_col_str(c, q, 7);
            x->actor = dossier_col_str(c, q, 8);
            x->amount = store_column_is_null(q, 9) ? -1 : store_column_int64(q, 9);
            break;
        }
        default: {
            struct case_payment *v;
            d->payments = grow(c->arena, d->payments, d->npayments, &cap[2], sizeof(*d->payments));
            v = &d->payments[d->npayments++];
            v->id = dossier_col_str(c, q, 2);
            v->date = dossier_col_str(c, q, 3);
            v->amount = store_column_int64(q, 4);
            break;
        }
        }
    }
    store_finalize(q);
    if (rc < 0)
        return -1;
    if (unordered[0])
        sort_by_seq(d->steps, seqs[0], d->nsteps, sizeof(*d->steps));
    if (unordered[1])
        sort_by_seq(d->decisions, seqs[1], d->ndecisions, sizeof(*d->decisions));
    if (unordered[2])
        sort_by_seq(d->payments, seqs[2], d->npayments, sizeof(*d->payments));
    return 0;
}

/* Fill out from a loaded row (no access check). */
static int fill(struct case_ctx *c, const struct dossier_row *r, struct case_dossier *out,
                struct err *e)
{
    memset(out, 0, sizeof(*out));
    out->id = r->id;
    out->dispositif = r->dispositif;
    out->dispositif_label = r->disp ? r->disp->label : r->dispositif;
    out->beneficiary_type = r->beneficiary_type;
    out->beneficiary = r->beneficiary;
    out->person = r->person;
    out->household = r->household;
    out->site = arena_printf(c->arena, "%s:%s", r->site_grid, r->site_code);
    out->state = r->state;
    out->opened = r->opened;
    out->closed = r->closed;
    out->measure_start = r->measure_start;
    out->measure_end = r->measure_end;
    out->data_class = r->data_class;
    out->granted = r->granted;
    out->paid = r->paid;
    out->facts = dossier_row_facts(r, e);
    if (!out->facts)
        return -1;
    if (load_history(c, out, e) != 0) {
        case_dossier_release(out);
        return -1;
    }
    return 0;
}

int case_dossier_authorize_read(struct case_ctx *c, const char *id, const char *site_grid,
                                const char *site_code, enum data_class cls, const char *person,
                                struct err *e)
{
    return case_authorize(c, "dossier.lire", site_grid, site_code, cls, "dossier", id, person, NULL,
                          "lecture", e);
}

int case_dossier_get(struct case_ctx *c, const char *id, struct case_dossier *out, struct err *e)
{
    struct dossier_row r;

    memset(out, 0, sizeof(*out));
    if (dossier_row_load(c, id, &r, e) != 0)
        return -1;
    if (case_dossier_authorize_read(c, r.id, r.site_grid, r.site_code, r.data_class, r.person, e) !=
        0)
        return -1;
    return fill(c, &r, out, e);
}

void case_dossier_release(struct case_dossier *d)
{
    if (!d)
        return;
    json_decref(d->facts);
    d->facts = NULL;
}

/*
 * May the user perform t on a dossier of that site and class? Like
 * case_authorize with a transition, but silent: nothing is logged.
 */
static bool may_perform(struct case_ctx *c, const struct catalog_transition *t,
                        const struct access_target *target)
{
    struct access_user one;
    struct err ignored;

    if (!c->user)
        return true;
    one = *c->user;
    for (size_t i = 0; i < c->user->ngrants; i++) {
        if (t->nroles > 0 && !catalog_transition_allows(t, c->user->grants[i].role))
            continue;
        one.grants = &c->user->grants[i];
        one.ngrants = 1;
        err_clear(&ignored);
        if (access_check(c->cat, &one, "dossier.ecrire", target, c->arena, NULL, &ignored) == 0)
            return true;
    }
    return false;
}

/*
 * catalog_transition's answer for a dossier in state, without the French
 * message it writes for each operation that is not possible (the loop
 * below asks for every operation: that message was most of its cost).
 */
static const struct catalog_transition *transition_from(const struct catalog_dispositif *disp,
                                                        enum catalog_op op, const char *state)
{
    const struct catalog_workflow *w = disp->workflow;

    if (!w || !state)
        return NULL;
    for (size_t i = 0; i < w->ntransitions; i++) {
        const struct catalog_transition *t = &w->transitions[i];
        if (t->op != op)
            continue;
        for (size_t k = 0; k < t->nfrom; k++)
            if (!strcmp(t->from[k], state))
                return t;
    }
    return NULL;
}

int case_dossier_allowed_ops(struct case_ctx *c, const struct case_dossier *d, enum catalog_op *ops,
                             size_t *n)
{
    const struct catalog_dispositif *disp = catalog_find(c->cat, d->dispositif);
    const char *colon = strchr(d->site, ':');
    struct access_target target = {
        .data_class = d->data_class,
        .object_type = "dossier",
        .object_id = d->id,
        .person_id = d->person,
    };

    *n = 0;
    if (!disp || !colon)
        return 0;
    target.site_grid = arena_strndup(c->arena, d->site, (size_t)(colon - d->site));
    target.site_code = colon + 1;
    for (int op = OP_OUVRIR + 1; op < OP__COUNT; op++) {
        const struct catalog_transition *t = transition_from(disp, (enum catalog_op)op, d->state);
        if (t && may_perform(c, t, &target))
            ops[(*n)++] = (enum catalog_op)op;
    }
    return 0;
}

int case_person_dossiers(struct case_ctx *c, const char *person, struct case_dossier **out,
                         size_t *n, struct err *e)
{
    struct store_stmt *q;
    const char **ids = NULL;
    size_t nids = 0, cap = 0;
    struct strbuf shown;
    struct access_target target = {.object_type = "dossier", .person_id = person};
    const char *grant = NULL;
    int rc;

    *out = NULL;
    *n = 0;
    if (case_person_exists(c, "personne", person, e) != 0)
        return -1;
    /* as the beneficiary or the applicant, or through a household the person belongs to */
    q = store_prepare(c->store,
                      "SELECT id FROM dossier WHERE person = ? OR household IN "
                      "(SELECT household FROM household_member WHERE person = ?) "
                      "ORDER BY opened_on DESC, id DESC",
                      e);
    if (!q)
        return -1;
    store_bind_text(q, 1, person);
    store_bind_text(q, 2, person);
    while ((rc = store_step(q, e)) == STORE_ROW) {
        ids = grow(c->arena, ids, nids, &cap, sizeof(*ids));
        ids[nids++] = dossier_col_str(c, q, 0);
    }
    store_finalize(q);
    if (rc < 0)
        return -1;

    *out = arena_calloc(c->arena, nids ? nids : 1, sizeof(**out));
    strbuf_init(&shown, 0);
    for (size_t i = 0; i < nids; i++) {
        struct dossier_row r;
        const char *used = NULL;

        if (dossier_row_load(c, ids[i], &r, e) != 0)
            goto fail;
        if (c->user) {
            struct access_target t = {
                .site_grid = r.site_grid,
                .site_code = r.site_code,
                .data_class = r.data_class,
                .object_type = "dossier",
                .object_id = r.id,
                .person_id = person,
            };
            struct err ignored;
            err_clear(&ignored);
            if (access_check(c->cat, c->user, "dossier.lire", &t, c->arena, &used, &ignored) != 0)
                continue; /* not the user's to see: left out, silently */
            if (!grant)
                grant = used;
        }
        if (fill(c, &r, &(*out)[*n], e) != 0)
            goto fail;
        strbuf_addf(&shown, "%s%s", *n ? "," : "", r.id);
        (*n)++;
    }
    /* one log row for the list: who saw which dossiers of this person */
    if (c->user) {
        target.object_id = shown.buf;
        if (access_log_append(c->store, c->actor, "lecture", &target, grant ? grant : "", e) != 0)
            goto fail;
    }
    strbuf_release(&shown);
    return 0;
fail:
    strbuf_release(&shown);
    for (size_t i = 0; i < *n; i++)
        case_dossier_release(&(*out)[i]);
    *n = 0;
    return -1;
}

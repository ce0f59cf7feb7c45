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

static int load_history(struct case_ctx *c, struct case_dossier *d, struct err *e)
{
    struct store_stmt *q;
    size_t cap;
    int rc;

    q = store_prepare(c->store,
                      "SELECT op, from_state, to_state, on_date, actor FROM dossier_step "
                      "WHERE dossier = ? ORDER BY seq",
                      e);
    if (!q)
        return -1;
    store_bind_text(q, 1, d->id);
    cap = 0;
    while ((rc = store_step(q, e)) == STORE_ROW) {
        struct case_step *s;
        d->steps = grow(c->arena, d->steps, d->nsteps, &cap, sizeof(*d->steps));
        s = &d->steps[d->nsteps++];
        s->op = dossier_col_str(c, q, 0);
        s->from = dossier_col_str(c, q, 1);
        s->to = dossier_col_str(c, q, 2);
        s->date = dossier_col_str(c, q, 3);
        s->actor = dossier_col_str(c, q, 4);
    }
    store_finalize(q);
    if (rc < 0)
        return -1;

    q = store_prepare(c->store,
                      "SELECT outcome, decided_on, motive, right_from, right_to, session, actor, "
                      "amount_cents FROM decision WHERE dossier = ? ORDER BY seq",
                      e);
    if (!q)
        return -1;
    store_bind_text(q, 1, d->id);
    cap = 0;
    while ((rc = store_step(q, e)) == STORE_ROW) {
        struct case_decision *x;
        d->decisions = grow(c->arena, d->decisions, d->ndecisions, &cap, sizeof(*d->decisions));
        x = &d->decisions[d->ndecisions++];
        x->outcome = dossier_col_str(c, q, 0);
        x->date = dossier_col_str(c, q, 1);
        x->motive = dossier_col_str(c, q, 2);
        x->right_from = dossier_col_str(c, q, 3);
        x->right_to = dossier_col_str(c, q, 4);
        x->session = dossier_col_str(c, q, 5);
        x->actor = dossier_col_str(c, q, 6);
        x->amount = store_column_is_null(q, 7) ? -1 : store_column_int64(q, 7);
    }
    store_finalize(q);
    if (rc < 0)
        return -1;

    q = store_prepare(c->store,
                      "SELECT id, paid_on, amount_cents FROM payment WHERE dossier = ? "
                      "ORDER BY seq",
                      e);
    if (!q)
        return -1;
    store_bind_text(q, 1, d->id);
    cap = 0;
    while ((rc = store_step(q, e)) == STORE_ROW) {
        struct case_payment *v;
        d->payments = grow(c->arena, d->payments, d->npayments, &cap, sizeof(*d->payments));
        v = &d->payments[d->npayments++];
        v->id = dossier_col_str(c, q, 0);
        v->date = dossier_col_str(c, q, 1);
        v->amount = store_column_int64(q, 2);
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
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

int case_dossier_get(struct case_ctx *c, const char *id, struct case_dossier *out, struct err *e)
{
    struct dossier_row r;

    memset(out, 0, sizeof(*out));
    if (dossier_row_load(c, id, &r, e) != 0)
        return -1;
    if (case_authorize(c, "dossier.lire", r.site_grid, r.site_code, r.data_class, "dossier", r.id,
                       r.person, NULL, "lecture", e) != 0)
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
        struct err ignored;
        const struct catalog_transition *t;

        err_clear(&ignored);
        t = catalog_transition(disp, (enum catalog_op)op, d->state, &ignored);
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

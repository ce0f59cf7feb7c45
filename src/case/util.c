/*
 * util.c: store helpers shared by every file of the case layer (persons,
 * households, dossiers, acts, sessions): the transaction an operation opens
 * when its caller has none, and the one-value look-up. Declared in
 * case_int.h.
 */
#include "core/compat.h"
#include "case/case_int.h"

int case_tx_begin(struct case_ctx *c, bool *own, struct err *e)
{
    *own = !c->store->in_tx;
    return *own ? store_begin(c->store, e) : 0;
}

int case_tx_end(struct case_ctx *c, bool own, int rc, struct err *e)
{
    struct err logerr;

    if (!own)
        return rc;
    if (rc == 0 && store_commit(c->store, e) == 0)
        return 0;
    store_rollback(c->store);
    err_clear(&logerr);
    /* the refusal's log row went with the rollback: write it on its own */
    if (case_log_refusal(c, &logerr) != 0)
        fprintf(stderr, "warning: access refusal not logged: %s\n", logerr.message);
    return -1;
}

const char *case_query_text(struct case_ctx *c, const char *sql, const char *a, const char *b,
                            const char *c3, struct err *e)
{
    struct store_stmt *q = store_prepare(c->store, sql, e);
    const char *out = NULL;

    if (!q)
        return NULL;
    store_bind_text_static(q, 1, a);
    if (b)
        store_bind_text_static(q, 2, b);
    if (c3)
        store_bind_text_static(q, 3, c3);
    if (store_step(q, e) == STORE_ROW)
        out = arena_strdup(c->arena, store_column_text(q, 0));
    store_finalize(q);
    return out;
}

/*
 * run.c: what every front end (the CLI, the HTTP API) does around the
 * case operations, written once: the transaction around one operation, so
 * that both roll back and log refusals the same way, and the recording of
 * a person that refuses duplicates.
 */
#include "core/compat.h"
#include "case/run.h"

int case_run(struct case_ctx *c, int (*fn)(struct case_ctx *c, void *arg, struct err *e), void *arg,
             struct err *e)
{
    struct err logerr;

    if (store_begin(c->store, e) != 0)
        return -1;
    if (fn(c, arg, e) == 0 && store_commit(c->store, e) == 0)
        return 0;
    if (e->code == ERR_OK)
        err_set(e, ERR_INTERNAL, "opération échouée sans message (bogue)");
    store_rollback(c->store);
    /* the refusal's log row went with the rollback: write it again, on its own */
    err_clear(&logerr);
    if (case_log_refusal(c, &logerr) != 0)
        fprintf(stderr, "warning: access refusal not logged: %s\n", logerr.message);
    return -1;
}

const char *case_match_rule_label(const char *rule)
{
    static const char *const labels[][2] = {
        {"nir", "NIR"},
        {"identifiant interne", "identifiant interne"},
        {"numero caf et role", "numéro CAF et rôle"},
        {CASE_MATCH_RULE_NAME, "nom, prénom et date de naissance"},
    };

    for (size_t i = 0; rule && i < ARRAY_SIZE(labels); i++)
        if (!strcmp(rule, labels[i][0]))
            return labels[i][1];
    return rule ? rule : "identité";
}

int case_person_add(struct case_ctx *c, const struct case_person_input *in, bool allow_homonym,
                    const char **id, const char **other, const char **rule, struct err *e)
{
    *other = *rule = NULL;
    if (case_person_match(c, in, other, rule, e) != 0)
        return -1;
    if (*other && !(allow_homonym && *rule && !strcmp(*rule, CASE_MATCH_RULE_NAME)))
        return err_set(e, ERR_CONFLICT, "cette personne existe déjà : %s (même %s)", *other,
                       case_match_rule_label(*rule));
    *other = *rule = NULL;
    return case_person_create(c, in, id, e);
}

int case_dossier_state(struct case_ctx *c, const char *id, const char **dispositif,
                       const char **state, const char **last_payment, struct err *e)
{
    struct store_stmt *q;
    int rc;

    *dispositif = *state = *last_payment = NULL;
    q = store_prepare(c->store,
                      "SELECT dispositif, state, (SELECT id FROM payment WHERE dossier = ?1 "
                      "ORDER BY seq DESC LIMIT 1) FROM dossier WHERE id = ?1",
                      e);
    if (!q)
        return -1;
    store_bind_text(q, 1, id);
    rc = store_step(q, e);
    if (rc == STORE_ROW) {
        *dispositif = arena_strdup(c->arena, store_column_text(q, 0));
        *state = arena_strdup(c->arena, store_column_text(q, 1));
        if (!store_column_is_null(q, 2))
            *last_payment = arena_strdup(c->arena, store_column_text(q, 2));
    }
    store_finalize(q);
    if (rc < 0)
        return -1;
    if (rc != STORE_ROW)
        return err_set(e, ERR_NOT_FOUND, "dossier inconnu : « %s »", id);
    return 0;
}

/*
 * test_replay.c: case_replay rebuilds every projection from the journal.
 * On the history of exchange_history.h: replaying gives the same digest and
 * leaves the journal as it was; projections damaged behind the engine's back
 * (raw SQL on the file) come back; replaying an imported database equals the
 * original; an empty journal replays to empty projections.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "case/exchange.h"
#include "journal/journal.h"

#include <sqlite3.h>

#include "exchange_history.h"

static struct catalog cat;

static int group_setup(void **state)
{
    struct err e;

    err_clear(&e);
    if (catalog_load(&cat, PROXIMA_DATADIR "/catalogue", &e) != 0) {
        fprintf(stderr, "catalogue: %s (%s)\n", e.message, e.detail);
        return -1;
    }
    setenv("PROXIMA_TODAY", HIST_TODAY, 1);
    (void)state;
    return 0;
}

static int group_teardown(void **state)
{
    catalog_release(&cat);
    (void)state;
    return 0;
}

static int setup(void **state)
{
    struct hist *h = calloc(1, sizeof(*h));

    assert_non_null(h);
    hist_open(h, &cat);
    hist_build(h);
    *state = h;
    return 0;
}

static int teardown(void **state)
{
    struct hist *h = *state;

    hist_close(h);
    free(h);
    return 0;
}

static void digest(struct hist *h, char out[65])
{
    if (case_projection_digest(h->s, out, &h->e) != 0)
        fail_msg("digest: %s", h->e.message);
}

static void replay(struct hist *h)
{
    if (case_replay(h->s, &cat, &h->e) != 0)
        fail_msg("replay: %s (%s)", h->e.message, h->e.detail);
}

static int64_t scalar(struct hist *h, const char *sql)
{
    struct store_stmt *q = store_prepare(h->s, sql, &h->e);
    int64_t v = -1;

    assert_non_null(q);
    if (store_step(q, &h->e) == STORE_ROW)
        v = store_column_int64(q, 0);
    store_finalize(q);
    return v;
}

/* Run sql on the database file with the raw sqlite3 API, store closed meanwhile. */
static void raw_sql(struct hist *h, const char *sql)
{
    sqlite3 *db;
    char *msg = NULL;

    store_close(h->s);
    assert_int_equal(sqlite3_open_v2(h->path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("raw sql failed: %s", msg);
    sqlite3_close(db);
    h->s = store_open(h->path, &h->e);
    assert_non_null(h->s);
    h->c.store = h->s;
}

/*
 * A digest of the schema as sqlite_master holds it, in a fixed order
 * (replay sets secondary indexes aside and creates them again).
 */
#define SCHEMA_SQL                                                                                 \
    "SELECT group_concat(x, char(10)) FROM (SELECT type || ' ' || name || ' ' || tbl_name || "     \
    "' ' || COALESCE(sql, '') AS x FROM sqlite_master ORDER BY type, name)"

static char *text_of(struct hist *h, const char *sql)
{
    struct store_stmt *q = store_prepare(h->s, sql, &h->e);
    char *v = NULL;

    assert_non_null(q);
    if (store_step(q, &h->e) == STORE_ROW)
        v = strdup(store_column_text(q, 0));
    store_finalize(q);
    assert_non_null(v);
    return v;
}

static void test_replay_equals_original(void **state)
{
    struct hist *h = *state;
    char before[65], after[65];
    int64_t events = scalar(h, "SELECT COUNT(*) FROM journal");
    int64_t head = scalar(h, "SELECT seq FROM journal_head");
    int64_t dossiers = scalar(h, "SELECT COUNT(*) FROM dossier");
    struct journal_verify_result vr;
    char *schema = text_of(h, SCHEMA_SQL), *schema_after, *check;

    assert_int_equal(dossiers, 3);
    digest(h, before);
    replay(h);
    digest(h, after);
    assert_string_equal(before, after);
    /* the same schema (indexes built again), every index complete */
    schema_after = text_of(h, SCHEMA_SQL);
    assert_string_equal(schema_after, schema);
    assert_non_null(strstr(schema, "index person_name person CREATE INDEX"));
    check = text_of(h, "PRAGMA integrity_check");
    assert_string_equal(check, "ok");
    free(schema);
    free(schema_after);
    free(check);
    /* the journal is read, not written */
    assert_int_equal(scalar(h, "SELECT COUNT(*) FROM journal"), events);
    assert_int_equal(scalar(h, "SELECT seq FROM journal_head"), head);
    assert_int_equal(journal_verify(h->s, &vr, &h->e), 0);
    /* twice is the same */
    replay(h);
    digest(h, after);
    assert_string_equal(before, after);
    assert_int_equal(scalar(h, "SELECT COUNT(*) FROM dossier"), dossiers);
    assert_int_equal(scalar(h, "SELECT paid_cents FROM dossier WHERE id = 'D0000001'"), 20000);
}

/* Insert one row by the store; 0, or -1 with h->e filled. */
static int insert_row(struct hist *h, const char *sql, const char *a, const char *b)
{
    struct store_stmt *q = store_prepare(h->s, sql, &h->e);

    assert_non_null(q);
    store_bind_text(q, 1, a);
    store_bind_text(q, 2, b);
    return store_step_done(q, &h->e);
}

/*
 * Migration 9 wrote the CHECK of household_member.role and decision.outcome
 * without IN (an ephemeral B-tree at every insert): the same values are
 * accepted, and only them.
 */
static void test_checks_of_migration_9(void **state)
{
    struct hist *h = *state;
    static const char *const roles[] = {"demandeur", "conjoint", "enfant", "autre"};
    static const char *const outcomes[] = {"accord", "refus", "ajournement", "sans_suite"};
    static const char *const days[] = {"2030-01-01", "2030-01-02", "2030-01-03", "2030-01-04"};
    const char *member = "INSERT INTO household_member (household, person, role, valid_from) "
                         "VALUES ('F0000001', 'P0000001', ?, ?)";
    const char *decision = "INSERT INTO decision (dossier, outcome, decided_on, actor) "
                           "VALUES ('D0000001', ?, ?, 'test')";
    char *schema = text_of(h, "SELECT group_concat(sql, char(10)) FROM sqlite_master WHERE "
                              "name IN ('household_member', 'decision')");

    assert_null(strstr(schema, " IN ("));
    assert_non_null(strstr(schema, "role = 'demandeur' OR role = 'conjoint'"));
    free(schema);
    assert_int_equal(store_begin(h->s, &h->e), 0);
    for (size_t i = 0; i < ARRAY_SIZE(roles); i++) {
        if (insert_row(h, member, roles[i], days[i]) != 0 ||
            insert_row(h, decision, outcomes[i], days[i]) != 0)
            fail_msg("%s / %s refused: %s (%s)", roles[i], outcomes[i], h->e.message, h->e.detail);
    }
    err_clear(&h->e);
    assert_int_equal(insert_row(h, member, "chef", "2030-02-01"), -1);
    assert_int_equal(h->e.code, ERR_INVALID);
    assert_non_null(strstr(h->e.message, "valeur refusée par une règle de la base"));
    err_clear(&h->e);
    assert_int_equal(insert_row(h, member, "Demandeur", "2030-02-01"), -1);
    err_clear(&h->e);
    assert_int_equal(insert_row(h, decision, "accordé", "2030-02-01"), -1);
    assert_int_equal(h->e.code, ERR_INVALID);
    err_clear(&h->e);
    assert_int_equal(insert_row(h, decision, NULL, "2030-02-01"), -1);
    store_rollback(h->s);
    err_clear(&h->e);
}

/* The plan of a query (EXPLAIN QUERY PLAN), its lines joined. */
static char *plan_of(struct hist *h, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    struct strbuf sb;
    char text[512], *text_out;

    assert_true((size_t)snprintf(text, sizeof(text), "EXPLAIN QUERY PLAN %s", sql) < sizeof(text));
    assert_int_equal(sqlite3_open_v2(h->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, text, -1, &q, NULL), SQLITE_OK);
    strbuf_init(&sb, 0);
    while (sqlite3_step(q) == SQLITE_ROW) {
        strbuf_addstr(&sb, (const char *)sqlite3_column_text(q, 3));
        strbuf_addch(&sb, '\n');
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    text_out = strbuf_detach(&sb, NULL);
    strbuf_release(&sb); /* detach leaves a fresh buffer */
    return text_out;
}

/*
 * Migration 10 left the NULL persons of act and households of dossier out of
 * their indexes: the queries that look a person's acts and dossiers up
 * still use them, and the indexes hold what the table holds.
 */
static void test_partial_indexes_of_migration_10(void **state)
{
    struct hist *h = *state;
    char *schema = text_of(h, "SELECT group_concat(sql, char(10)) FROM sqlite_master WHERE "
                              "name IN ('act_person', 'dossier_household')");
    char *plan;

    assert_non_null(strstr(schema, "ON act(person) WHERE person IS NOT NULL"));
    assert_non_null(strstr(schema, "ON dossier(household) WHERE household IS NOT NULL"));
    free(schema);
    plan = plan_of(h, "SELECT id FROM act WHERE person = 'P0000001' ORDER BY act_date DESC");
    assert_non_null(strstr(plan, "USING INDEX act_person (person=?)"));
    free(plan);
    plan = plan_of(h, "SELECT id FROM dossier WHERE person = 'P0000001' OR household IN "
                      "(SELECT household FROM household_member WHERE person = 'P0000001')");
    assert_non_null(strstr(plan, "USING INDEX dossier_household (household=?)"));
    free(plan);
    assert_true(scalar(h, "SELECT COUNT(*) FROM act WHERE person IS NULL") > 0);
    assert_int_equal(scalar(h, "SELECT COUNT(*) FROM act INDEXED BY act_person WHERE person > ''"),
                     scalar(h, "SELECT COUNT(person) FROM act"));
    schema = text_of(h, "PRAGMA integrity_check");
    assert_string_equal(schema, "ok");
    free(schema);
}

/* Projections changed behind the engine's back are rebuilt from the journal. */
static void test_replay_repairs_projections(void **state)
{
    struct hist *h = *state;
    char before[65], damaged[65], after[65];

    digest(h, before);
    raw_sql(h, "UPDATE dossier SET state = 'accorde', paid_cents = 0 WHERE id = 'D0000002';"
               "DELETE FROM payment WHERE id = (SELECT MIN(id) FROM payment);"
               "DELETE FROM person_address WHERE person = 'P0000003';"
               "INSERT INTO case_counter(kind, next) VALUES ('Z', 9) "
               "ON CONFLICT(kind) DO UPDATE SET next = 9;");
    digest(h, damaged);
    assert_string_not_equal(before, damaged);
    replay(h);
    digest(h, after);
    assert_string_equal(before, after);
    assert_int_equal(scalar(h, "SELECT COUNT(*) FROM payment"), 2);
    assert_int_equal(scalar(h, "SELECT COUNT(*) FROM case_counter WHERE kind = 'Z'"), 0);
}

/* A replay that fails (journal not replayable) changes nothing. */
static void test_failed_replay_changes_nothing(void **state)
{
    struct hist *h = *state;
    char before[65], after[65];

    digest(h, before);
    /* an event the engine refuses, slipped into the journal behind its back */
    raw_sql(h, "DROP TRIGGER journal_no_update;"
               "UPDATE journal SET payload = '{\"id\":\"P0000009\"}' WHERE seq = "
               "(SELECT MIN(seq) FROM journal WHERE type = 'person.created');");
    assert_int_equal(case_replay(h->s, &cat, &h->e), -1);
    assert_int_equal(h->e.code, ERR_INVALID);
    assert_non_null(strstr(h->e.message, "rejeu de l'événement n°"));
    digest(h, after);
    assert_string_equal(before, after);
}

/* An imported database replays to itself, and to the original's digest. */
static void test_replay_after_import(void **state)
{
    struct hist *h = *state;
    struct case_export_options o = {.exported_at = 1672646400};
    struct strbuf dump;
    struct hist b;
    char original[65], imported[65], replayed[65];

    digest(h, original);
    strbuf_init(&dump, 0);
    assert_int_equal(case_export(h->s, &o, NULL, &dump, NULL, &h->e), 0);
    hist_open(&b, &cat);
    if (case_import(&b.c, dump.buf, dump.len, "x", 5, NULL, NULL, &b.e) != 0)
        fail_msg("import: %s (%s)", b.e.message, b.e.detail);
    digest(&b, imported);
    assert_string_equal(original, imported);
    replay(&b);
    digest(&b, replayed);
    assert_string_equal(original, replayed);
    hist_close(&b);
    strbuf_release(&dump);
}

static void test_replay_empty(void **state)
{
    struct hist h;
    char before[65], after[65];

    hist_open(&h, &cat);
    digest(&h, before);
    replay(&h);
    digest(&h, after);
    assert_string_equal(before, after);
    assert_int_equal(scalar(&h, "SELECT COUNT(*) FROM person"), 0);
    hist_close(&h);
    (void)state;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_replay_equals_original, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replay_repairs_projections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checks_of_migration_9, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partial_indexes_of_migration_10, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_replay_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replay_after_import, setup, teardown),
        cmocka_unit_test(test_replay_empty),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

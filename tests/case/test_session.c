/*
 * test_session.c: commission sessions. A real database (tmpdir) with the
 * referential and the catalogue of data/; persons and dossiers of the
 * coup de pouce compétence (decided in commission) put on a session's
 * agenda, decided in one batch (all or nothing), closed, printed; rights
 * checked with real agents; replay rebuilds the same sessions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "case/case.h"
#include "core/money.h"
#include "core/strbuf.h"
#include "ref/ref.h"

#include "dossier_fx.h"

#include "case/dossier_int.h" /* the bulk an import applies its events with */

#define DISP   "coup_de_pouce_competence"
#define CALAIS "62193"

static struct fx *F;

static int setup(void **state)
{
    int rc = fx_setup_at(state, "2026-03-16");

    F = *state;
    return rc;
}

/* ---- helpers: each operation in its own transaction, like the CLI ---- */

#define BEGIN() assert_int_equal(store_begin(F->s, &F->e), 0)
#define COMMIT()                                                                                   \
    do {                                                                                           \
        assert_int_equal(store_commit(F->s, &F->e), 0);                                            \
    } while (0)
#define OK(call)                                                                                   \
    do {                                                                                           \
        err_clear(&F->e);                                                                          \
        BEGIN();                                                                                   \
        if ((call) != 0)                                                                           \
            fail_msg("%s: %s (%s)", #call, F->e.message, F->e.detail);                             \
        COMMIT();                                                                                  \
    } while (0)
/* The call must fail with code; the transaction is rolled back. */
#define KO(code_, call)                                                                            \
    do {                                                                                           \
        err_clear(&F->e);                                                                          \
        BEGIN();                                                                                   \
        if ((call) == 0)                                                                           \
            fail_msg("%s should have failed", #call);                                              \
        store_rollback(F->s);                                                                      \
        assert_int_equal(F->e.code, (code_));                                                      \
    } while (0)

static void expect_msg(const char *needle)
{
    if (!strstr(F->e.message, needle))
        fail_msg("message « %s » lacks « %s »", F->e.message, needle);
}

static int64_t count(const char *sql)
{
    struct store_stmt *q = store_prepare(F->s, sql, &F->e);
    int64_t n = -1;

    assert_non_null(q);
    if (store_step(q, &F->e) == STORE_ROW)
        n = store_column_int64(q, 0);
    store_finalize(q);
    return n;
}

static const char *text1(const char *sql, const char *arg)
{
    struct store_stmt *q = store_prepare(F->s, sql, &F->e);
    const char *v = NULL;

    assert_non_null(q);
    store_bind_text(q, 1, arg);
    if (store_step(q, &F->e) == STORE_ROW)
        v = arena_strdup(&F->a, store_column_text(q, 0));
    store_finalize(q);
    return v;
}

static const char *person(const char *last, const char *first)
{
    struct case_person_input in = {
        .last_name = last,
        .first_name = first,
        .birth_date = "1990-04-12",
        .sex = "F",
        .commune = CALAIS,
        .address = "1 rue Royale",
    };
    const char *id = NULL;

    OK(case_person_create(&F->c, &in, &id, &F->e));
    assert_non_null(id);
    return id;
}

/* A coup de pouce compétence dossier, instructed, ready for a commission. */
static const char *dossier(const char *who, const char *amount)
{
    json_t *facts = json_pack("{s:s, s:b, s:s}", "montant_demande", amount, "beneficiaire_rsa", 1,
                              "formation", "CACES R489");
    struct case_open_input in = {.dispositif = DISP, .beneficiary = who, .facts = facts};
    struct case_op_input op = {0};
    const char *id = NULL;

    OK(case_dossier_open(&F->c, &in, &id, &F->e));
    json_decref(facts);
    OK(case_dossier_op(&F->c, id, OP_INSTRUIRE, &op, &F->e));
    return id;
}

static void schedule(const char *session, const char *d)
{
    struct case_op_input op = {.session = session};

    OK(case_dossier_op(&F->c, d, OP_INSCRIRE_COMMISSION, &op, &F->e));
}

static const char *new_session(const char *date)
{
    const char *id = NULL;

    OK(case_session_create(&F->c, NULL, "Commission insertion du Calaisis", date,
                           "Mme Blandine Drain", "mds:calaisis", &id, &F->e));
    return id;
}

/* ---- tests ---- */

static void test_create(void **state)
{
    const char *a = new_session("2026-03-16"), *b = new_session("2026-04-02"), *id;

    (void)state;
    assert_string_equal(a, "S0000001");
    assert_string_equal(b, "S0000002");
    assert_string_equal(text1("SELECT chair FROM commission_session WHERE id = ?", a),
                        "Mme Blandine Drain");
    assert_string_equal(text1("SELECT state FROM commission_session WHERE id = ?", a), "prevue");
    assert_string_equal(text1("SELECT site_code FROM commission_session WHERE id = ?", a),
                        "calaisis");

    /* every refusal writes nothing */
    KO(ERR_INVALID, case_session_create(&F->c, NULL, "Commission", "2026-03-16", "  ",
                                        "mds:calaisis", &id, &F->e));
    expect_msg("président");
    KO(ERR_INVALID,
       case_session_create(&F->c, NULL, NULL, "2026-03-16", "M. X", "mds:calaisis", &id, &F->e));
    expect_msg("commission");
    KO(ERR_NOT_FOUND, case_session_create(&F->c, NULL, "Commission", "2026-03-16", "M. X",
                                          "mds:atlantide", &id, &F->e));
    KO(ERR_INVALID, case_session_create(&F->c, NULL, "Commission", "2026-02-30", "M. X",
                                        "mds:calaisis", &id, &F->e));
    KO(ERR_INVALID, case_session_create(&F->c, NULL, "Commission", "2027-06-01", "M. X",
                                        "mds:calaisis", &id, &F->e));
    expect_msg("trop lointaine");
    KO(ERR_CONFLICT, case_session_create(&F->c, "S0000001", "Commission", "2026-03-16", "M. X",
                                         "mds:calaisis", &id, &F->e));
    KO(ERR_INVALID, case_session_create(&F->c, "X12", "Commission", "2026-03-16", "M. X",
                                        "mds:calaisis", &id, &F->e));
    assert_int_equal(count("SELECT count(*) FROM commission_session"), 2);
    assert_int_equal(count("SELECT next FROM case_counter WHERE kind = 'S'"), 3);
}

/* Three dossiers; a batch whose last decision is wrong decides none. */
static void test_decide_all_or_nothing(void **state)
{
    const char *s = new_session("2026-03-16");
    const char *d1 = dossier(person("Martin", "Léa"), "800,00");
    const char *d2 = dossier(person("Petit", "Inès"), "450,00");
    const char *d3 = dossier(person("Roux", "Chloé"), "1200,00");
    struct case_batch_decision b[3] = {
        {d1, {.outcome = "accord", .amount = "800,00"}},
        {d2, {.outcome = "refus", .motive = "formation déjà financée par la Région"}},
        {d3, {.outcome = "accord", .amount = "9000,00"}}, /* above the 3 000 € ceiling */
    };

    (void)state;
    schedule(s, d1);
    schedule(s, d2);
    schedule(s, d3);
    assert_int_equal(count("SELECT count(*) FROM session_agenda"), 3);

    KO(ERR_INVALID, case_session_decide(&F->c, s, b, 3, &F->e));
    expect_msg(d3);
    assert_int_equal(count("SELECT count(*) FROM decision"), 0);
    assert_string_equal(text1("SELECT state FROM dossier WHERE id = ?", d1), "inscrit");

    b[2].in.amount = "1200,00";
    OK(case_session_decide(&F->c, s, b, 3, &F->e));
    assert_string_equal(text1("SELECT state FROM dossier WHERE id = ?", d1), "accorde");
    assert_string_equal(text1("SELECT state FROM dossier WHERE id = ?", d2), "refuse");
    assert_string_equal(text1("SELECT state FROM dossier WHERE id = ?", d3), "accorde");
    /* decided on the session's date, with the session recorded */
    assert_string_equal(text1("SELECT decided_on FROM decision WHERE dossier = ?", d1),
                        "2026-03-16");
    assert_string_equal(text1("SELECT session FROM decision WHERE dossier = ?", d2), s);
    assert_int_equal(count("SELECT amount_cents FROM decision WHERE dossier = 'D0000003'"), 120000);

    /* deciding again is refused: already decided by this session */
    KO(ERR_CONFLICT, case_session_decide(&F->c, s, b, 1, &F->e));
    expect_msg("déjà été décidé");
}

static void test_decide_checks(void **state)
{
    const char *s = new_session("2026-03-16"), *later = new_session("2026-03-20");
    const char *d1 = dossier(person("Martin", "Léa"), "300,00");
    const char *d2 = dossier(person("Petit", "Inès"), "300,00");
    struct case_batch_decision b[2] = {
        {d1, {.outcome = "accord", .amount = "300,00"}},
        {d1, {.outcome = "refus", .motive = "doublon"}},
    };

    (void)state;
    schedule(s, d1);
    schedule(later, d2);

    KO(ERR_INVALID, case_session_decide(&F->c, s, b, 2, &F->e));
    expect_msg("deux fois");
    KO(ERR_INVALID, case_session_decide(&F->c, s, b, 0, &F->e));
    b[1].dossier = d2;
    KO(ERR_CONFLICT, case_session_decide(&F->c, s, b, 2, &F->e));
    expect_msg("n'est pas inscrit à l'ordre du jour");
    b[1].dossier = "D0009999";
    KO(ERR_NOT_FOUND, case_session_decide(&F->c, s, b, 2, &F->e));
    KO(ERR_NOT_FOUND, case_session_decide(&F->c, "S0000042", b, 1, &F->e));
    /* a session to come cannot decide yet */
    b[0].dossier = d2;
    KO(ERR_CONFLICT, case_session_decide(&F->c, later, b, 1, &F->e));
    expect_msg("n'a pas encore eu lieu");
    assert_int_equal(count("SELECT count(*) FROM decision"), 0);
}

static void test_close(void **state)
{
    const char *s = new_session("2026-03-16");
    const char *d1 = dossier(person("Martin", "Léa"), "300,00");
    const char *d2 = dossier(person("Petit", "Inès"), "300,00");
    struct case_batch_decision b[2] = {
        {d1, {.outcome = "ajournement", .motive = "devis à fournir"}},
        {d2, {.outcome = "accord", .amount = "300,00"}},
    };

    (void)state;
    schedule(s, d1);
    schedule(s, d2);
    KO(ERR_CONFLICT, case_session_close(&F->c, s, "Séance tenue.", &F->e));
    expect_msg("2 dossiers");
    expect_msg(d1);
    expect_msg(d2);
    OK(case_session_decide(&F->c, s, b, 1, &F->e));
    KO(ERR_CONFLICT, case_session_close(&F->c, s, "Séance tenue.", &F->e));
    expect_msg("1 dossier");
    expect_msg(d2);
    if (strstr(F->e.message, d1))
        fail_msg("decided dossier listed: %s", F->e.message);
    OK(case_session_decide(&F->c, s, b + 1, 1, &F->e));
    KO(ERR_INVALID, case_session_close(&F->c, s, " \n ", &F->e));
    OK(case_session_close(&F->c, s, "Séance tenue en présence de 4 membres.", &F->e));
    assert_string_equal(text1("SELECT state FROM commission_session WHERE id = ?", s), "close");
    assert_string_equal(text1("SELECT closed_on FROM commission_session WHERE id = ?", s),
                        "2026-03-16");
    KO(ERR_CONFLICT, case_session_close(&F->c, s, "encore", &F->e));
    expect_msg("déjà close");
    KO(ERR_CONFLICT, case_session_decide(&F->c, s, b, 1, &F->e));
    expect_msg("close");
}

static void test_get_and_minutes(void **state)
{
    const char *s = new_session("2026-03-16");
    const char *d1 = dossier(person("Martin", "Léa"), "1234,50");
    const char *d2 = dossier(person("Petit", "Inès"), "300,00");
    const char *d3 = dossier(person("Roux", "Chloé"), "250,00");
    struct case_batch_decision b[3] = {
        {d1, {.outcome = "accord", .amount = "1234,50"}},
        {d2, {.outcome = "refus", .motive = "formation hors du champ du dispositif"}},
        {d3, {.outcome = "accord", .amount = "250,00"}},
    };
    struct case_session ses;
    struct strbuf pv;

    (void)state;
    schedule(s, d1);
    schedule(s, d2);
    schedule(s, d3);
    OK(case_session_decide(&F->c, s, b, 3, &F->e));
    OK(case_session_close(&F->c, s, "Quorum atteint.", &F->e));

    assert_int_equal(case_session_get(&F->c, s, &ses, &F->e), 0);
    assert_string_equal(ses.chair, "Mme Blandine Drain");
    assert_string_equal(ses.site, "mds:calaisis");
    assert_string_equal(ses.state, "close");
    assert_int_equal(ses.nagenda, 3);
    assert_string_equal(ses.agenda[0].dossier, d1);
    assert_string_equal(ses.agenda[0].outcome, "accord");
    assert_int_equal(ses.agenda[0].amount, 123450);
    assert_string_equal(ses.agenda[1].outcome, "refus");
    assert_int_equal(ses.agenda[1].amount, -1);

    strbuf_init(&pv, 0);
    assert_int_equal(case_session_minutes(&F->c, s, &pv, &F->e), 0);
    assert_non_null(strstr(pv.buf, "Commission insertion du Calaisis"));
    assert_non_null(strstr(pv.buf, "16 mars 2026"));
    assert_non_null(strstr(pv.buf, "Mme Blandine Drain"));
    assert_non_null(strstr(pv.buf, "MDS du Calaisis"));
    assert_non_null(strstr(pv.buf, "Martin Léa"));
    assert_non_null(strstr(pv.buf, "Coup de pouce compétence"));
    assert_non_null(strstr(pv.buf, "1" FR_THIN_NBSP "234,50" FR_NBSP "€"));
    assert_non_null(strstr(pv.buf, "formation hors du champ du dispositif"));
    assert_non_null(strstr(pv.buf, "accord : 2 dossiers, 1" FR_THIN_NBSP "484,50" FR_NBSP "€"));
    assert_non_null(strstr(pv.buf, "refus : 1 dossier\n"));
    assert_non_null(strstr(pv.buf, "Quorum atteint."));
    strbuf_release(&pv);
}

/* Agents: rights on the session's site, refusals logged after the rollback. */
static void test_rights(void **state)
{
    struct access_user ternois, calaisis, cadre;
    struct access_grant g1 = {"instructeur", "mds", "ternois"};
    struct access_grant g2 = {"instructeur", "mds", "calaisis"};
    struct access_grant g3 = {"cadre_mds", "mds", "calaisis"};
    const char *s, *id = NULL, *d1;
    struct case_batch_decision b = {NULL, {.outcome = "accord", .amount = "100,00"}};
    struct case_session ses;

    (void)state;
    assert_int_equal(
        access_user_add(F->s, "t.ternois", "Agent Ternois", "un mot de passe long", "test", &F->e),
        0);
    assert_int_equal(access_user_add(F->s, "c.calaisis", "Agent Calaisis", "un mot de passe long",
                                     "test", &F->e),
                     0);
    assert_int_equal(
        access_user_add(F->s, "c.cadre", "Cadre Calaisis", "un mot de passe long", "test", &F->e),
        0);
    assert_int_equal(access_user_grant(F->s, &F->cat, &g1, "t.ternois", "test", &F->e), 0);
    assert_int_equal(access_user_grant(F->s, &F->cat, &g2, "c.calaisis", "test", &F->e), 0);
    assert_int_equal(access_user_grant(F->s, &F->cat, &g3, "c.cadre", "test", &F->e), 0);
    assert_int_equal(access_user_load(F->s, &F->a, "t.ternois", &ternois, &F->e), 0);
    assert_int_equal(access_user_load(F->s, &F->a, "c.calaisis", &calaisis, &F->e), 0);
    assert_int_equal(access_user_load(F->s, &F->a, "c.cadre", &cadre, &F->e), 0);

    d1 = dossier(person("Martin", "Léa"), "100,00");

    /* an instructeur of the Ternois cannot hold a Calaisis session */
    F->c.user = &ternois;
    F->c.actor = "t.ternois";
    KO(ERR_FORBIDDEN, case_session_create(&F->c, NULL, "Commission", "2026-03-16", "M. X",
                                          "mds:calaisis", &id, &F->e));
    assert_int_equal(count("SELECT count(*) FROM access_log WHERE action = 'refus'"), 0);
    assert_int_equal(case_log_refusal(&F->c, &F->e), 0);
    assert_int_equal(count("SELECT count(*) FROM access_log WHERE action = 'refus' AND login = "
                           "'t.ternois' AND object_type = 'seance'"),
                     1);

    /* the Calaisis instructeur can */
    F->c.user = &calaisis;
    F->c.actor = "c.calaisis";
    OK(case_session_create(&F->c, NULL, "Commission", "2026-03-16", "M. X", "mds:calaisis", &s,
                           &F->e));
    schedule(s, d1);
    /* but may not decide (the workflow gives it to elu and cadre_mds) */
    b.dossier = d1;
    KO(ERR_FORBIDDEN, case_session_decide(&F->c, s, &b, 1, &F->e));
    assert_int_equal(case_log_refusal(&F->c, &F->e), 0);

    F->c.user = &cadre;
    F->c.actor = "c.cadre";
    OK(case_session_decide(&F->c, s, &b, 1, &F->e));
    assert_string_equal(text1("SELECT actor FROM decision WHERE dossier = ?", d1), "c.cadre");

    /* the Ternois instructeur may neither close nor read it */
    F->c.user = &ternois;
    F->c.actor = "t.ternois";
    KO(ERR_FORBIDDEN, case_session_close(&F->c, s, "PV", &F->e));
    assert_int_equal(case_log_refusal(&F->c, &F->e), 0);
    assert_int_equal(count("SELECT count(*) FROM access_log WHERE action = 'refus' AND login = "
                           "'t.ternois'"),
                     2);
    F->c.user = &cadre;
    F->c.actor = "c.cadre";
    OK(case_session_close(&F->c, s, "PV", &F->e));

    /* reading the session logs one read per dossier of its agenda */
    F->c.user = &calaisis;
    F->c.actor = "c.calaisis";
    {
        int64_t before = count("SELECT count(*) FROM access_log WHERE action = 'lecture' AND "
                               "object_id = 'D0000001'");
        assert_int_equal(case_session_get(&F->c, s, &ses, &F->e), 0);
        assert_int_equal(count("SELECT count(*) FROM access_log WHERE action = 'lecture' AND "
                               "object_id = 'D0000001'"),
                         before + 1);
    }
    F->c.user = &ternois;
    F->c.actor = "t.ternois";
    err_clear(&F->e);
    assert_int_equal(case_session_get(&F->c, s, &ses, &F->e), -1);
    assert_int_equal(F->e.code, ERR_FORBIDDEN);
    F->c.user = NULL;
    F->c.actor = "system";
}

/* Replaying the journal rebuilds the same sessions and agendas. */
static void test_replay(void **state)
{
    const char *s = new_session("2026-03-16");
    const char *d1 = dossier(person("Martin", "Léa"), "300,00");
    struct case_batch_decision b = {d1, {.outcome = "accord", .amount = "300,00"}};
    char before[65], after[65];

    (void)state;
    schedule(s, d1);
    OK(case_session_decide(&F->c, s, &b, 1, &F->e));
    OK(case_session_close(&F->c, s, "PV de séance\nsur deux lignes", &F->e));
    new_session("2026-05-01");
    assert_int_equal(case_projection_digest(F->s, before, &F->e), 0);
    if (case_replay(F->s, &F->cat, &F->e) != 0)
        fail_msg("replay: %s", F->e.message);
    assert_int_equal(case_projection_digest(F->s, after, &F->e), 0);
    assert_string_equal(before, after);
    assert_int_equal(count("SELECT count(*) FROM commission_session"), 2);
}

/* Apply one event (the text of its payload) in the current transaction. */
static int emit(const char *type, const char *fmt, ...) PRINTF_LIKE(2, 3);
static int emit(const char *type, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    json_t *ev;
    int rc;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    ev = fx_json(text);
    err_clear(&F->e);
    rc = case_emit(&F->c, type, ev, NULL, &F->e);
    json_decref(ev);
    return rc;
}

#define EMIT_OK(...)                                                                               \
    do {                                                                                           \
        if (emit(__VA_ARGS__) != 0)                                                                \
            fail_msg("%s: %s (%s)", #__VA_ARGS__, F->e.message, F->e.detail);                      \
    } while (0)
#define EMIT_KO(code_, needle, ...)                                                                \
    do {                                                                                           \
        if (emit(__VA_ARGS__) == 0)                                                                \
            fail_msg("%s should have failed", #__VA_ARGS__);                                       \
        assert_int_equal(F->e.code, (code_));                                                      \
        expect_msg(needle);                                                                        \
    } while (0)

/* A session's life by its events, as an import applies them. */
static void session_events(const char *s, const char *d1, const char *d2)
{
    EMIT_OK("commission.session_created",
            "{\"id\": \"%s\", \"commission\": \"CLI\", \"date\": \"2026-03-16\", "
            "\"president\": \"Mme Drain\", \"site\": \"mds:calaisis\"}",
            s);
    EMIT_KO(ERR_CONFLICT, "existe déjà", "commission.session_created",
            "{\"id\": \"%s\", \"commission\": \"CLI\", \"date\": \"2026-03-16\", "
            "\"president\": \"Mme Drain\", \"site\": \"mds:calaisis\"}",
            s);
    EMIT_OK("dossier.scheduled",
            "{\"dossier\": \"%s\", \"date\": \"2026-03-16\", \"seance\": \"%s\"}", d1, s);
    EMIT_OK("dossier.scheduled",
            "{\"dossier\": \"%s\", \"date\": \"2026-03-16\", \"seance\": \"%s\"}", d2, s);
    assert_string_equal(text1("SELECT group_concat(position, ',') FROM (SELECT position FROM "
                              "session_agenda WHERE session = ? ORDER BY dossier)",
                              s),
                        "1,2");
    EMIT_KO(ERR_INVALID, "est inscrit à la séance", "dossier.decided",
            "{\"dossier\": \"%s\", \"date\": \"2026-03-16\", \"decision\": \"accord\", "
            "\"seance\": \"S0000099\"}",
            d1);
    EMIT_KO(ERR_CONFLICT, "2 dossiers de l'ordre du jour ne sont pas décidés",
            "commission.session_closed",
            "{\"id\": \"%s\", \"date\": \"2026-03-16\", \"proces_verbal\": \"PV\"}", s);
    EMIT_OK("dossier.decided",
            "{\"dossier\": \"%s\", \"date\": \"2026-03-16\", \"decision\": \"accord\", "
            "\"seance\": \"%s\"}",
            d1, s);
    EMIT_OK("dossier.decided",
            "{\"dossier\": \"%s\", \"date\": \"2026-03-16\", \"decision\": \"ajournement\", "
            "\"motif\": \"devis\", \"seance\": \"%s\"}",
            d2, s);
    /* adjourned, it may be scheduled again, not on the same agenda */
    EMIT_KO(ERR_CONFLICT, "est déjà à l'ordre du jour de la séance", "dossier.scheduled",
            "{\"dossier\": \"%s\", \"date\": \"2026-03-16\", \"seance\": \"%s\"}", d2, s);
    EMIT_KO(ERR_CONFLICT, "ne peut pas être close avant de s'être tenue",
            "commission.session_closed",
            "{\"id\": \"%s\", \"date\": \"2026-03-15\", \"proces_verbal\": \"PV\"}", s);
    EMIT_OK("commission.session_closed",
            "{\"id\": \"%s\", \"date\": \"2026-03-16\", \"proces_verbal\": \"PV\"}", s);
    EMIT_KO(ERR_CONFLICT, "est déjà close (le 16/03/2026)", "commission.session_closed",
            "{\"id\": \"%s\", \"date\": \"2026-03-16\", \"proces_verbal\": \"PV\"}", s);
    EMIT_KO(ERR_CONFLICT, "est close : inscription impossible", "dossier.scheduled",
            "{\"dossier\": \"%s\", \"date\": \"2026-03-16\", \"seance\": \"%s\"}", d2, s);
}

/*
 * The same events and refusals with a bulk (an import's memory: the
 * sessions it created, their agendas' next position) and without.
 */
static void test_events_with_and_without_bulk(void **state)
{
    const char *d1 = dossier(person("Martin", "Léa"), "300,00");
    const char *d2 = dossier(person("Petit", "Inès"), "300,00");
    const char *d3 = dossier(person("Roux", "Zoé"), "300,00");
    const char *d4 = dossier(person("Blanc", "Lou"), "300,00");
    struct case_bulk b;

    (void)state;
    BEGIN();
    session_events("S0000001", d1, d2);
    COMMIT();
    BEGIN();
    case_bulk_init(&b);
    F->c.bulk = &b;
    session_events("S0000002", d3, d4);
    assert_non_null(case_bulk_session(&F->c, "S0000002"));
    assert_null(case_bulk_session(&F->c, "S0000001"));
    FX_OK(F, case_bulk_flush(&F->c, &F->e));
    F->c.bulk = NULL;
    case_bulk_release(&b);
    COMMIT();
    /* the dossiers' rows, written once at the flush, as without a bulk */
#define ROW                                                                                        \
    "SELECT state || ',' || quote(session) || ',' || quote(granted_cents) FROM dossier "           \
    "WHERE id = ?"
    assert_string_equal(text1(ROW, d3), text1(ROW, d1));
    assert_string_equal(text1(ROW, d4), text1(ROW, d2));
    assert_string_equal(text1(ROW, d1), "accorde,NULL,30000");
    assert_string_equal(text1(ROW, d2), "ajourne,NULL,NULL");
#undef ROW
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_decide_all_or_nothing, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_decide_checks, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_close, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_get_and_minutes, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_rights, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_replay, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_events_with_and_without_bulk, setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

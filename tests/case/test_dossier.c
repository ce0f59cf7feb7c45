/*
 * test_dossier.c: dossiers of the real catalogue on a real SQLite file with
 * the real referential. A secours d'urgence from request to payment, the
 * eligibility rules of the APA and the FAJ (the latter decided in
 * commission), a measure (AED renforcée) started and ended, dates, rights
 * by site, class and workflow role, the access log of every read, and a
 * replay that rebuilds identical projections.
 */
#include "dossier_fx.h"

#include "case/case_int.h" /* case_id_next: the counters after a replay */
#include "case/view.h"
#include "core/strbuf.h"

#define CALAIS    "62193" /* MDS du Calaisis */
#define SAINT_POL "62767" /* MDS du Ternois */

FX_USER(ts_calais, "ts.calais", "travailleur_social", "mds", "calaisis");
FX_USER(instr_calais, "instr.calais", "instructeur", "mds", "calaisis");
FX_USER(cadre_calais, "cadre.calais", "cadre_mds", "mds", "calaisis");
FX_USER(eval_calais, "eval.calais", "evaluateur_apa_pch", "mds", "calaisis");
FX_USER(accueil_calais, "accueil.calais", "accueil", "mds", "calaisis");

/* ---- helpers -------------------------------------------------------------- */

static const char *open_ok(struct fx *f, const char *dispositif, const char *benef,
                           const char *date, const char *facts)
{
    json_t *j = facts ? fx_json(facts) : NULL;
    struct case_open_input in = {
        .dispositif = dispositif, .beneficiary = benef, .date = date, .facts = j};
    const char *id = NULL;

    err_clear(&f->e);
    if (case_dossier_open(&f->c, &in, &id, &f->e) != 0)
        fail_msg("open %s for %s: %s (%s)", dispositif, benef, f->e.message, f->e.detail);
    json_decref(j);
    assert_non_null(id);
    return id;
}

static int open_try(struct fx *f, const char *dispositif, const char *benef, const char *date,
                    const char *facts)
{
    json_t *j = facts ? fx_json(facts) : NULL;
    struct case_open_input in = {
        .dispositif = dispositif, .beneficiary = benef, .date = date, .facts = j};
    const char *id = NULL;
    int rc = case_dossier_open(&f->c, &in, &id, &f->e);

    json_decref(j);
    return rc;
}

static int op(struct fx *f, const char *id, enum catalog_op o, const char *date)
{
    struct case_op_input in = {.date = date};
    return case_dossier_op(&f->c, id, o, &in, &f->e);
}

static int decide(struct fx *f, const char *id, const char *outcome, const char *amount,
                  const char *motive, const char *date)
{
    struct case_op_input in = {
        .date = date, .outcome = outcome, .amount = amount, .motive = motive};
    return case_dossier_op(&f->c, id, OP_DECIDER, &in, &f->e);
}

static int pay(struct fx *f, const char *id, const char *amount, const char *date)
{
    struct case_op_input in = {.date = date, .amount = amount};
    return case_dossier_op(&f->c, id, OP_PAYER, &in, &f->e);
}

static const char *state_of(struct fx *f, const char *id)
{
    return fx_text(f, "SELECT state FROM dossier WHERE id = ?", id);
}

/* ---- a secours d'urgence from request to payment ---------------------------- */

static void test_secours_to_payment(void **state)
{
    struct fx *f = *state;
    const char *p = fx_person(f, "Martin", "Lucie", "1985-04-12", "F", CALAIS);
    const char *h = fx_household(f, "Foyer Martin", p);
    struct case_dossier d;
    const char *id;

    fx_as(f, &ts_calais);
    id = open_ok(f, "secours_urgence", h, "2022-03-01",
                 "{\"montant_demande\": \"300.00\", \"besoin\": \"alimentation\"}");
    assert_string_equal(id, "D0000001");
    /* the site came from the household's demandeur's address */
    assert_string_equal(
        fx_text(f, "SELECT site_grid || ':' || site_code FROM dossier WHERE id = ?", id),
        "mds:calaisis");
    assert_string_equal(fx_text(f, "SELECT person FROM dossier WHERE id = ?", id), p);
    assert_string_equal(state_of(f, id), "depose");

    fx_as(f, &instr_calais);
    FX_OK(f, op(f, id, OP_INSTRUIRE, "2022-03-02"));
    assert_string_equal(state_of(f, id), "instruit");

    /* the amount rule is min(montant_demande, plafond) = 300 € */
    fx_as(f, &cadre_calais);
    FX_FAILS(f, decide(f, id, "accord", "400,00", NULL, "2022-03-03"), ERR_INVALID,
             "supérieur au montant calculé");
    assert_string_equal(state_of(f, id), "instruit");
    assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM decision", NULL, NULL, NULL), 0);
    FX_OK(f, decide(f, id, "accord", "250,00", NULL, "2022-03-03"));
    assert_string_equal(state_of(f, id), "accorde");

    fx_as(f, &instr_calais);
    FX_OK(f, op(f, id, OP_NOTIFIER, "2022-03-04"));
    FX_OK(f, pay(f, id, "150", "2022-03-05"));
    FX_OK(f, pay(f, id, "100,00", "2022-03-20"));
    assert_string_equal(state_of(f, id), "paye");
    /* a third payment would go beyond the amount granted */
    FX_FAILS(f, pay(f, id, "0,01", "2022-03-21"), ERR_INVALID, "dépasserait le montant accordé");
    assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM payment", NULL, NULL, NULL), 2);

    FX_OK(f, case_dossier_get(&f->c, id, &d, &f->e));
    assert_int_equal(d.granted, 25000);
    assert_int_equal(d.paid, 25000);
    assert_int_equal(d.ndecisions, 1);
    assert_string_equal(d.decisions[0].outcome, "accord");
    assert_int_equal(d.decisions[0].amount, 25000);
    assert_string_equal(d.decisions[0].actor, "cadre.calais");
    assert_int_equal(d.npayments, 2);
    assert_string_equal(d.payments[0].id, "V0000001");
    assert_int_equal(d.payments[1].amount, 10000);
    assert_int_equal(d.nsteps, 6); /* ouvrir, instruire, decider, notifier, payer, payer */
    assert_string_equal(d.steps[0].op, "ouvrir");
    assert_null(d.steps[0].from);
    assert_string_equal(d.steps[5].from, "paye");
    assert_string_equal(d.site, "mds:calaisis");
    assert_string_equal(d.household, h);
    assert_null(d.closed);
    assert_int_equal(d.data_class, CLASS_SOCIAL);
    assert_string_equal(json_string_value(json_object_get(d.facts, "besoin")), "alimentation");
    {
        /* the API's direct writer: byte for byte jansson's dump of case_dossier_json */
        enum catalog_op ops[] = {OP_CLORE, OP_FORMER_RECOURS};
        struct strbuf sb;
        json_t *j;
        char *dumped;
        d.decisions[0].motive = "guillemet \" barre \\ /\t\n\r\b\f\x01\x1f\x7f é €";
        d.decisions[0].session = NULL;
        d.payments[1].amount = 5;
        strbuf_init(&sb, 0);
        assert_int_equal(case_dossier_json_write(&sb, &f->cat, &d, ops, 2), 0);
        j = case_dossier_json(&f->cat, &d, ops, 2);
        dumped = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
        assert_string_equal(sb.buf, dumped);
        assert_non_null(strstr(sb.buf, "\\u0001\\u001F"));
        free(dumped);
        json_decref(j);
        /* without the operations (a person's dossiers) */
        strbuf_clear(&sb);
        assert_int_equal(case_dossier_json_write(&sb, &f->cat, &d, NULL, 0), 0);
        j = case_dossier_json(&f->cat, &d, NULL, 0);
        dumped = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
        assert_string_equal(sb.buf, dumped);
        free(dumped);
        json_decref(j);
        strbuf_release(&sb);
    }
    case_dossier_release(&d);

    /* closing needs a motive, then the dossier is over */
    FX_FAILS(f, op(f, id, OP_CLORE, "2022-03-22"), ERR_INVALID, "motif est obligatoire");
    {
        struct case_op_input in = {.date = "2022-03-22", .motive = "aide versée"};
        FX_OK(f, case_dossier_op(&f->c, id, OP_CLORE, &in, &f->e));
    }
    assert_string_equal(fx_text(f, "SELECT closed_on FROM dossier WHERE id = ?", id), "2022-03-22");
}

/* Over the ceiling: no accord; the refusal needs a motive; then no payment. */
static void test_secours_refused_no_payment(void **state)
{
    struct fx *f = *state;
    const char *p = fx_person(f, "Durand", "Paul", "1970-01-01", "M", CALAIS);
    const char *h = fx_household(f, "Foyer Durand", p);
    const char *id;

    fx_as(f, &ts_calais);
    id = open_ok(f, "secours_urgence", h, "2022-04-01",
                 "{\"montant_demande\": \"500.00\", \"besoin\": \"energie\"}");
    FX_OK(f, op(f, id, OP_INSTRUIRE, "2022-04-02"));
    fx_as(f, &cadre_calais);
    FX_FAILS(f, decide(f, id, "accord", NULL, NULL, "2022-04-03"), ERR_INVALID,
             "le montant demandé dépasse le plafond du secours d'urgence");
    FX_FAILS(f, decide(f, id, "refus", NULL, NULL, "2022-04-03"), ERR_INVALID,
             "le motif est obligatoire");
    FX_FAILS(f, decide(f, id, "refus", "10", "plafond", "2022-04-03"), ERR_INVALID,
             "ne vont qu'avec un accord");
    FX_OK(f, decide(f, id, "refus", NULL, "montant au-delà du plafond", "2022-04-03"));
    assert_string_equal(state_of(f, id), "refuse");
    /* a final state: closed on the decision's date */
    assert_string_equal(fx_text(f, "SELECT closed_on FROM dossier WHERE id = ?", id), "2022-04-03");
    assert_string_equal(fx_text(f, "SELECT motive FROM decision WHERE dossier = ?", id),
                        "montant au-delà du plafond");

    fx_as(f, &instr_calais);
    FX_FAILS(f, pay(f, id, "100", "2022-04-05"), ERR_CONFLICT,
             "opération \"payer\" impossible dans l'état \"refuse\"");
    assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM payment", NULL, NULL, NULL), 0);

    /* an appeal reopens the decision; the dossier is no longer closed */
    FX_FAILS(f, op(f, id, OP_FORMER_RECOURS, "2022-04-10"), ERR_INVALID, "motif est obligatoire");
    {
        struct case_op_input in = {.date = "2022-04-10", .motive = "situation aggravée"};
        FX_OK(f, case_dossier_op(&f->c, id, OP_FORMER_RECOURS, &in, &f->e));
    }
    assert_string_equal(state_of(f, id), "recours");
    assert_string_equal(fx_text(f, "SELECT quote(closed_on) FROM dossier WHERE id = ?", id),
                        "NULL");
}

/* The workflow's roles ("secours"): the social worker or the cadre decides, not the instructeur;
 * the social worker or the instructeur pays, not the cadre. */
static void test_workflow_roles_and_allowed_ops(void **state)
{
    struct fx *f = *state;
    const char *p = fx_person(f, "Petit", "Anne", "1990-02-02", "F", CALAIS);
    const char *h = fx_household(f, "Foyer Petit", p);
    struct case_dossier d;
    enum catalog_op ops[OP__COUNT];
    size_t n;
    const char *id;

    fx_as(f, &ts_calais);
    id = open_ok(f, "secours_urgence", h, "2022-05-02",
                 "{\"montant_demande\": \"100.00\", \"besoin\": \"transport\"}");
    FX_OK(f, op(f, id, OP_INSTRUIRE, "2022-05-02"));
    /* an instructeur has dossier.ecrire, but the transition wants a social worker or a cadre */
    fx_as(f, &instr_calais);
    FX_FAILS(f, decide(f, id, "accord", NULL, NULL, "2022-05-03"), ERR_FORBIDDEN,
             "ne permet l'opération « decider »");
    assert_int_equal(fx_log_rows(f, "refus", id), 1);
    fx_as(f, &cadre_calais);
    FX_OK(f, decide(f, id, "accord", NULL, NULL, "2022-05-03"));
    /* no amount given: the amount rule's result */
    assert_string_equal(fx_text(f, "SELECT granted_cents FROM dossier WHERE id = ?", id), "10000");
    FX_FAILS(f, pay(f, id, "100", "2022-05-04"), ERR_FORBIDDEN, "« payer »");

    FX_OK(f, case_dossier_get(&f->c, id, &d, &f->e));
    FX_OK(f, case_dossier_allowed_ops(&f->c, &d, ops, &n));
    assert_int_equal(n, 2); /* the cadre: notifier, clore */
    assert_int_equal(ops[0], OP_NOTIFIER);
    assert_int_equal(ops[1], OP_CLORE);
    fx_as(f, &instr_calais);
    FX_OK(f, case_dossier_allowed_ops(&f->c, &d, ops, &n));
    assert_int_equal(n, 3); /* the instructeur: notifier, payer, clore */
    assert_int_equal(ops[1], OP_PAYER);
    fx_as(f, &ts_calais);
    FX_OK(f, case_dossier_allowed_ops(&f->c, &d, ops, &n));
    assert_int_equal(n, 3); /* the social worker: notifier, payer, clore */
    assert_int_equal(ops[1], OP_PAYER);
    fx_as(f, &accueil_calais);
    FX_OK(f, case_dossier_allowed_ops(&f->c, &d, ops, &n));
    assert_int_equal(n, 0);
    case_dossier_release(&d);
}

/* ---- eligibility rules --------------------------------------------------------- */

#define APA_FACTS                                                                                  \
    "{\"gir\": 2, \"montant_plan_aide\": \"800.00\", \"participation_beneficiaire\": \"50.00\"}"

static void test_apa_refused_under_60(void **state)
{
    struct fx *f = *state;
    const char *p = fx_person(f, "Leroy", "Marc", "1970-05-01", "M", CALAIS);
    const char *id;

    fx_as(f, &eval_calais);
    id = open_ok(f, "apa_domicile", p, "2022-03-01", APA_FACTS);
    FX_OK(f, op(f, id, OP_INSTRUIRE, "2022-03-05"));
    fx_as(f, &cadre_calais);
    FX_FAILS(f, decide(f, id, "accord", NULL, NULL, "2022-03-10"), ERR_INVALID,
             "l'APA est réservée aux personnes âgées d'au moins 60 ans");
    assert_non_null(strstr(f->e.detail, "age(personne.date_naissance, date_demande)"));
    assert_string_equal(state_of(f, id), "instruit");
    FX_OK(f, decide(f, id, "refus", NULL, "moins de 60 ans", "2022-03-10"));
    fx_as(f, &instr_calais);
    FX_FAILS(f, pay(f, id, "100", "2022-03-11"), ERR_CONFLICT, "impossible dans l'état \"refuse\"");
}

static void test_apa_granted_for_a_period(void **state)
{
    struct fx *f = *state;
    const char *p = fx_person(f, "Lefebvre", "Jeanne", "1938-02-10", "F", CALAIS);
    struct case_op_input in = {.date = "2022-03-10",
                               .outcome = "accord",
                               .right_from = "2022-04-01",
                               .right_to = "2021-03-31"};
    const char *id;

    fx_as(f, &eval_calais);
    /* GIR 5 at first: the second rule refuses */
    id = open_ok(f, "apa_domicile", p, "2022-03-01",
                 "{\"gir\": 5, \"montant_plan_aide\": \"800.00\", "
                 "\"participation_beneficiaire\": \"50.00\"}");
    {
        /* the evaluation corrects the GIR */
        struct case_op_input ins = {.date = "2022-03-05", .facts = fx_json("{\"gir\": 2}")};
        FX_OK(f, case_dossier_op(&f->c, id, OP_INSTRUIRE, &ins, &f->e));
        json_decref(ins.facts);
    }
    fx_as(f, &cadre_calais);
    /* amount: max(0, min(800, plafond GIR 2 = 1462.08) - 50) = 750 € */
    in.amount = "760";
    in.right_to = "2023-03-31";
    FX_FAILS(f, case_dossier_op(&f->c, id, OP_DECIDER, &in, &f->e), ERR_INVALID,
             "supérieur au montant calculé");
    assert_non_null(strstr(f->e.message, "750,00"));
    in.amount = NULL;
    in.right_to = "2022-03-31";
    FX_FAILS(f, case_dossier_op(&f->c, id, OP_DECIDER, &in, &f->e), ERR_INVALID,
             "la fin (2022-03-31) précède le début");
    /* a right may end after today */
    in.right_to = "2023-03-31";
    FX_OK(f, case_dossier_op(&f->c, id, OP_DECIDER, &in, &f->e));
    assert_string_equal(fx_text(f, "SELECT granted_cents FROM dossier WHERE id = ?", id), "75000");
    assert_string_equal(fx_text(f,
                                "SELECT right_from || '/' || right_to FROM decision "
                                "WHERE dossier = ?",
                                id),
                        "2022-04-01/2023-03-31");
    assert_string_equal(fx_text(f, "SELECT facts FROM dossier WHERE id = ?", id),
                        "{\"gir\":2,\"montant_plan_aide\":\"800.00\","
                        "\"participation_beneficiaire\":\"50.00\"}");

    fx_as(f, &instr_calais);
    FX_FAILS(f, pay(f, id, "100", "2022-03-15"), ERR_CONFLICT, "impossible dans l'état");
    FX_OK(f, op(f, id, OP_DEBUTER_MESURE, "2022-04-01"));
    assert_string_equal(state_of(f, id), "droit_ouvert");
    FX_OK(f, pay(f, id, "750", "2022-04-30"));
    FX_OK(f, op(f, id, OP_TERMINER_MESURE, "2022-09-01"));
    assert_string_equal(state_of(f, id), "droit_clos");
    assert_string_equal(fx_text(f,
                                "SELECT measure_start || '/' || measure_end FROM dossier "
                                "WHERE id = ?",
                                id),
                        "2022-04-01/2022-09-01");
}

/* The FAJ is decided in commission: the decision takes the session's date. */
static void test_faj_age_in_commission(void **state)
{
    struct fx *f = *state;
    const char *young = fx_person(f, "Roux", "Léa", "2005-01-01", "F", CALAIS);
    const char *old = fx_person(f, "Blanc", "Hugo", "1992-01-01", "M", CALAIS);
    const char *ok = fx_person(f, "Noir", "Inès", "2002-01-01", "F", CALAIS);
    const char *ids[3], *sid;
    const char *facts = "{\"montant_demande\": \"200.00\", \"objet\": \"mobilite\"}";
    struct case_dossier d;

    fx_as(f, NULL);
    assert_int_equal(store_begin(f->s, &f->e), 0);
    FX_OK(f, case_session_create(&f->c, NULL, "Commission FAJ du Calaisis", "2022-09-15",
                                 "Mme la vice-présidente", "mds:calaisis", &sid, &f->e));
    assert_int_equal(store_commit(f->s, &f->e), 0);

    fx_as(f, &instr_calais);
    ids[0] = open_ok(f, "fonds_aide_jeunes", young, "2022-03-01", facts);
    ids[1] = open_ok(f, "fonds_aide_jeunes", old, "2022-03-01", facts);
    ids[2] = open_ok(f, "fonds_aide_jeunes", ok, "2022-03-01", facts);
    for (int i = 0; i < 3; i++) {
        struct case_op_input in = {.date = "2022-09-01", .session = sid};
        FX_OK(f, op(f, ids[i], OP_INSTRUIRE, "2022-08-30"));
        /* no decision outside the commission */
        if (i == 0) {
            fx_as(f, &cadre_calais);
            FX_FAILS(f, decide(f, ids[i], "accord", NULL, NULL, "2022-09-01"), ERR_CONFLICT,
                     "impossible dans l'état \"instruit\"");
            fx_as(f, &instr_calais);
        }
        FX_OK(f, case_dossier_op(&f->c, ids[i], OP_INSCRIRE_COMMISSION, &in, &f->e));
    }
    assert_string_equal(fx_text(f,
                                "SELECT group_concat(dossier || '@' || position, ' ') FROM "
                                "(SELECT * FROM session_agenda WHERE session = ? "
                                "ORDER BY position)",
                                sid),
                        "D0000001@1 D0000002@2 D0000003@3");
    {
        struct case_op_input in = {.date = "2022-09-02", .session = sid};
        FX_FAILS(f, case_dossier_op(&f->c, ids[0], OP_INSCRIRE_COMMISSION, &in, &f->e),
                 ERR_CONFLICT, "impossible dans l'état \"inscrit\"");
    }

    fx_as(f, &cadre_calais);
    FX_FAILS(f, decide(f, ids[0], "accord", NULL, NULL, NULL), ERR_INVALID,
             "réservé aux jeunes d'au moins 18 ans");
    FX_FAILS(f, decide(f, ids[1], "accord", NULL, NULL, NULL), ERR_INVALID,
             "réservé aux jeunes de 25 ans au plus");
    /* in session, the date is the session's */
    FX_FAILS(f, decide(f, ids[2], "accord", NULL, NULL, "2022-09-16"), ERR_INVALID,
             "la date de décision est celle de la séance");
    FX_OK(f, decide(f, ids[2], "accord", NULL, NULL, NULL));
    FX_OK(f, case_dossier_get(&f->c, ids[2], &d, &f->e));
    assert_int_equal(d.ndecisions, 1);
    assert_string_equal(d.decisions[0].date, "2022-09-15");
    assert_string_equal(d.decisions[0].session, sid);
    assert_int_equal(d.granted, 20000);
    assert_string_equal(d.state, "accorde");
    case_dossier_release(&d);
    /* decided: off the agenda's waiting list */
    assert_string_equal(fx_text(f, "SELECT quote(session) FROM dossier WHERE id = ?", ids[2]),
                        "NULL");
    FX_OK(f, decide(f, ids[0], "refus", NULL, "moins de 18 ans", NULL));
    assert_string_equal(fx_text(f, "SELECT decided_on FROM decision WHERE dossier = ?", ids[0]),
                        "2022-09-15");
}

/* ---- dates ---------------------------------------------------------------- */

static void test_dates(void **state)
{
    struct fx *f = *state;
    const char *p = fx_person(f, "Morel", "Zoé", "1980-07-07", "F", CALAIS);
    const char *h = fx_household(f, "Foyer Morel", p);
    const char *facts = "{\"montant_demande\": \"100.00\", \"besoin\": \"sante\"}";
    const char *id;

    fx_as(f, &ts_calais);
    FX_FAILS(f, open_try(f, "secours_urgence", h, "2022-10-01", facts), ERR_INVALID,
             "postérieure à la date du jour");
    assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM dossier", NULL, NULL, NULL), 0);
    FX_FAILS(f, open_try(f, "secours_urgence", h, "2022-02-30", facts), ERR_INVALID, "2022-02-30");
    /* no date: today */
    id = open_ok(f, "secours_urgence", h, NULL, facts);
    assert_string_equal(fx_text(f, "SELECT opened_on FROM dossier WHERE id = ?", id), FX_TODAY);
    id = open_ok(f, "secours_urgence", h, "2022-06-01", facts);
    FX_FAILS(f, op(f, id, OP_INSTRUIRE, "2022-10-01"), ERR_INVALID,
             "postérieure à la date du jour");
    FX_FAILS(f, op(f, id, OP_INSTRUIRE, "2022-05-31"), ERR_INVALID,
             "antérieure à l'ouverture du dossier");
    assert_string_equal(state_of(f, id), "depose");
    FX_OK(f, op(f, id, OP_INSTRUIRE, "2022-06-01"));
    fx_as(f, &cadre_calais);
    FX_OK(f, decide(f, id, "accord", NULL, NULL, "2022-06-10"));
    fx_as(f, &instr_calais);
    FX_FAILS(f, pay(f, id, "10", "2022-06-09"), ERR_INVALID, "antérieur à la décision d'accord");
}

/* ---- a measure ------------------------------------------------------------- */

static void test_aed_renforcee_measure(void **state)
{
    struct fx *f = *state;
    const char *child = fx_person(f, "Garcia", "Tom", "2012-06-01", "M", CALAIS);
    const char *id;

    fx_as(f, &ts_calais);
    FX_FAILS(f, open_try(f, "aed", child, "2022-02-01", "{\"renforcee\": true}"), ERR_INVALID,
             "fait obligatoire manquant : « duree_mois »");
    FX_FAILS(f,
             open_try(f, "aed", child, "2022-02-01", "{\"renforcee\": true, \"duree_mois\": 40}"),
             ERR_INVALID, "supérieure au maximum");
    id = open_ok(f, "aed", child, "2022-02-01", "{\"renforcee\": true, \"duree_mois\": 6}");
    assert_string_equal(state_of(f, id), "propose");
    assert_string_equal(fx_text(f, "SELECT data_class FROM dossier WHERE id = ?", id),
                        "protection_enfance");
    FX_OK(f, op(f, id, OP_INSTRUIRE, "2022-02-10"));
    FX_FAILS(f, op(f, id, OP_DEBUTER_MESURE, "2022-02-11"), ERR_CONFLICT,
             "impossible dans l'état \"evalue\"");
    fx_as(f, &cadre_calais);
    FX_OK(f, decide(f, id, "accord", NULL, NULL, "2022-02-15"));
    fx_as(f, &ts_calais);
    FX_OK(f, op(f, id, OP_DEBUTER_MESURE, "2022-03-01"));
    assert_string_equal(state_of(f, id), "en_cours");
    FX_FAILS(f, op(f, id, OP_TERMINER_MESURE, "2022-02-20"), ERR_INVALID, "antérieure à son début");
    FX_OK(f, op(f, id, OP_TERMINER_MESURE, "2022-09-01"));
    assert_string_equal(state_of(f, id), "terminee");
    assert_string_equal(fx_text(f,
                                "SELECT measure_start || '/' || measure_end || '/' || "
                                "closed_on FROM dossier WHERE id = ?",
                                id),
                        "2022-03-01/2022-09-01/2022-09-01");
    assert_int_equal(
        fx_count(f, "SELECT COUNT(*) FROM dossier_step WHERE dossier = ?", id, NULL, NULL), 5);
}

/* ---- access ---------------------------------------------------------------- */

static void test_other_mds_refused(void **state)
{
    struct fx *f = *state;
    const char *child = fx_person(f, "Lopez", "Max", "2014-03-03", "M", SAINT_POL);
    const char *facts = "{\"renforcee\": false, \"duree_mois\": 12}";
    struct case_dossier d;
    const char *id;

    /* outside a transaction: the operation's own, rolled back, the refusal logged after */
    fx_as(f, &ts_calais);
    FX_FAILS(f, open_try(f, "aed", child, "2022-02-01", facts), ERR_FORBIDDEN,
             "ne couvre pas le site mds:ternois");
    assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM dossier", NULL, NULL, NULL), 0);
    assert_int_equal(fx_log_rows(f, "refus", "D0000001"), 1);
    /* inside the caller's transaction: kept for case_log_refusal after the rollback */
    assert_int_equal(store_begin(f->s, &f->e), 0);
    FX_FAILS(f, open_try(f, "aed", child, "2022-02-01", facts), ERR_FORBIDDEN,
             "ne couvre pas le site mds:ternois");
    store_rollback(f->s);
    FX_OK(f, case_log_refusal(&f->c, &f->e));
    assert_int_equal(fx_log_rows(f, "refus", "D0000001"), 2);

    /* the system opens it at the competent MDS; the Calaisis agent may not read it */
    fx_as(f, NULL);
    id = open_ok(f, "aed", child, "2022-02-01", facts);
    assert_string_equal(fx_text(f, "SELECT site_code FROM dossier WHERE id = ?", id), "ternois");
    fx_as(f, &ts_calais);
    FX_FAILS(f, case_dossier_get(&f->c, id, &d, &f->e), ERR_FORBIDDEN, "mds:ternois");
    assert_int_equal(fx_log_rows(f, "refus", id), 3);
    assert_int_equal(fx_log_rows(f, "lecture", id), 0);
    /* nor work on it, and the refusal does not tell its state */
    FX_FAILS(f, op(f, id, OP_TERMINER_MESURE, "2022-03-01"), ERR_FORBIDDEN, "mds:ternois");
    assert_int_equal(fx_log_rows(f, "refus", id), 4);
}

static void test_class_refused_and_reads_logged(void **state)
{
    struct fx *f = *state;
    const char *mother = fx_person(f, "Simon", "Clara", "1988-08-08", "F", CALAIS);
    const char *h = fx_household(f, "Foyer Simon", mother);
    struct case_dossier d, *list;
    size_t n;
    const char *su, *aesf;

    fx_as(f, NULL);
    su = open_ok(f, "secours_urgence", h, "2022-03-01",
                 "{\"montant_demande\": \"80.00\", \"besoin\": \"hygiene\"}");
    aesf = open_ok(f, "aesf", h, "2022-04-01", "{\"duree_mois\": 6}");
    assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM access_log", NULL, NULL, NULL), 0);

    /* reception staff read no dossier, child protection least of all */
    fx_as(f, &accueil_calais);
    FX_FAILS(f, case_dossier_get(&f->c, aesf, &d, &f->e), ERR_FORBIDDEN, "accueil");
    assert_int_equal(fx_log_rows(f, "refus", aesf), 1);
    /* an instructeur reads social data, not child protection */
    fx_as(f, &instr_calais);
    FX_FAILS(f, case_dossier_get(&f->c, aesf, &d, &f->e), ERR_FORBIDDEN, "ne donne pas accès aux");
    assert_int_equal(fx_log_rows(f, "refus", aesf), 2);

    /* every allowed read leaves a row */
    FX_OK(f, case_dossier_get(&f->c, su, &d, &f->e));
    case_dossier_release(&d);
    FX_OK(f, case_dossier_get(&f->c, su, &d, &f->e));
    case_dossier_release(&d);
    assert_int_equal(fx_log_rows(f, "lecture", su), 2);
    assert_string_equal(fx_text(f,
                                "SELECT person_id || ' ' || grant_used || ' ' || login FROM "
                                "access_log WHERE action = 'lecture' AND object_id = ?",
                                su),
                        arena_printf(&f->a, "%s instructeur@mds:calaisis instr.calais", mother));

    /* the person's dossiers: filtered by class, newest first, one log row */
    FX_OK(f, case_person_dossiers(&f->c, mother, &list, &n, &f->e));
    assert_int_equal(n, 1);
    assert_string_equal(list[0].id, su);
    case_dossier_release(&list[0]);
    assert_int_equal(fx_log_rows(f, "lecture", su), 3);
    fx_as(f, &ts_calais);
    FX_OK(f, case_person_dossiers(&f->c, mother, &list, &n, &f->e));
    assert_int_equal(n, 2);
    assert_string_equal(list[0].id, aesf);
    assert_string_equal(list[1].id, su);
    for (size_t i = 0; i < n; i++)
        case_dossier_release(&list[i]);
    assert_int_equal(fx_log_rows(f, "lecture", arena_printf(&f->a, "%s,%s", aesf, su)), 1);
    FX_FAILS(f, case_person_dossiers(&f->c, "P0000999", &list, &n, &f->e), ERR_NOT_FOUND,
             "P0000999");
}

/* ---- inputs refused, sites ---------------------------------------------------- */

static void test_invalid_openings_and_sites(void **state)
{
    struct fx *f = *state;
    const char *p = fx_person(f, "Fontaine", "Rémi", "1950-10-10", "M", CALAIS);
    const char *nohome = fx_person(f, "Sans", "Adresse", "1960-01-01", "M", NULL);
    const char *h = fx_household(f, "Foyer Fontaine", p);
    const char *facts = "{\"montant_demande\": \"80.00\", \"besoin\": \"hygiene\"}";
    const char *apa = "{\"gir\": 1, \"hors_departement\": false, \"tarif_dependance\": "
                      "\"600.00\", \"participation_beneficiaire\": \"100.00\"}";
    struct case_open_input in = {
        .dispositif = "secours_urgence", .beneficiary = h, .site = "mds:nulle-part"};
    const char *id;

    FX_FAILS(f, open_try(f, "secours_durgence", h, NULL, facts), ERR_NOT_FOUND,
             "dispositif inconnu");
    FX_FAILS(f, open_try(f, "accueil_physique", h, NULL, NULL), ERR_INVALID, "est un acte");
    FX_FAILS(f, open_try(f, "secours_urgence", "F0000099", NULL, facts), ERR_NOT_FOUND, "F0000099");
    FX_FAILS(f, open_try(f, "secours_urgence", p, NULL, facts), ERR_NOT_FOUND, p);
    FX_FAILS(f,
             open_try(f, "secours_urgence", h, NULL,
                      "{\"montant_demande\": \"80.00\", \"besoin\": \"loisirs\"}"),
             ERR_INVALID, "hors de la liste des choix");
    FX_FAILS(f,
             open_try(f, "secours_urgence", h, NULL,
                      "{\"montant_demande\": \"80.00\", \"besoin\": \"sante\", \"x\": 1}"),
             ERR_INVALID, "fait inconnu");
    FX_FAILS(f, case_dossier_open(&f->c, &in, &id, &f->e), ERR_NOT_FOUND, "site inconnu");
    /* no address: no competent MDS, unless the site is given */
    FX_FAILS(f, open_try(f, "apa_domicile", nohome, NULL, APA_FACTS), ERR_INVALID,
             "pas d'adresse connue");
    in.dispositif = "apa_domicile";
    in.beneficiary = nohome;
    in.site = "mds:ternois";
    in.facts = fx_json(APA_FACTS);
    FX_OK(f, case_dossier_open(&f->c, &in, &id, &f->e));
    json_decref(in.facts);
    assert_string_equal(fx_text(f, "SELECT site_code FROM dossier WHERE id = ?", id), "ternois");
    /* the person of a personne dossier is its beneficiary */
    {
        struct case_open_input two = {
            .dispositif = "apa_domicile", .beneficiary = p, .person = nohome};
        FX_FAILS(f, case_dossier_open(&f->c, &two, &id, &f->e), ERR_INVALID,
                 "ne donnez que le bénéficiaire");
    }
    /* the APA en établissement is handled centrally */
    id = open_ok(f, "apa_etablissement", p, NULL, apa);
    assert_string_equal(fx_text(f,
                                "SELECT site_grid || ':' || site_code FROM dossier "
                                "WHERE id = ?",
                                id),
                        "central:dsol");

    /* the event itself is checked, whatever its source (an import) */
    {
        json_t *ev = fx_json("{\"id\": \"D0000001\", \"dispositif\": \"secours_urgence\", "
                             "\"beneficiaire_type\": \"personne\", \"beneficiaire\": \"P0000001\", "
                             "\"site\": \"mds:calaisis\", \"date\": \"2022-03-01\"}");
        assert_int_equal(store_begin(f->s, &f->e), 0);
        FX_FAILS(f, case_emit(&f->c, "dossier.opened", ev, NULL, &f->e), ERR_INVALID,
                 "bénéficiaire de type « foyer » attendu");
        json_object_set_new(ev, "beneficiaire_type", json_string("foyer"));
        json_object_set_new(ev, "beneficiaire", json_string(h));
        json_object_set_new(ev, "faits", fx_json(facts));
        FX_FAILS(f, case_emit(&f->c, "dossier.opened", ev, NULL, &f->e), ERR_CONFLICT,
                 "existe déjà");
        json_object_set_new(ev, "id", json_string("D42"));
        FX_FAILS(f, case_emit(&f->c, "dossier.opened", ev, NULL, &f->e), ERR_INVALID,
                 "identifiant invalide");
        json_object_set_new(ev, "id", json_string("D0000100"));
        json_object_set_new(ev, "personne", json_string(nohome));
        FX_FAILS(f, case_emit(&f->c, "dossier.opened", ev, NULL, &f->e), ERR_INVALID,
                 "n'est pas membre du foyer");
        json_object_del(ev, "personne");
        FX_OK(f, case_emit(&f->c, "dossier.opened", ev, NULL, &f->e));
        store_rollback(f->s);
        json_decref(ev);
    }
}

/* ---- during an import or a replay (c->bulk) ---------------------------------- */

#define ROW_SQL                                                                                    \
    "SELECT state || '|' || quote(closed_on) || '|' || facts || '|' || quote(session) || '|' "     \
    "|| quote(granted_cents) || '|' || paid_cents || '|' || quote(measure_start) || '|' || "       \
    "quote(measure_end) FROM dossier WHERE id = ?"
#define SU_FACTS "{\"montant_demande\": \"300.00\", \"besoin\": \"alimentation\"}"

/* Open a secours d'urgence for h, instruct it, grant 250 € and notify it. */
static const char *granted_secours(struct fx *f, const char *h)
{
    const char *id = open_ok(f, "secours_urgence", h, "2022-03-01", SU_FACTS);

    FX_OK(f, op(f, id, OP_INSTRUIRE, "2022-03-02"));
    FX_OK(f, decide(f, id, "accord", "250,00", NULL, "2022-03-03"));
    FX_OK(f, op(f, id, OP_NOTIFIER, "2022-03-04"));
    return id;
}

/*
 * Pay all of it (payments v1 and v2: an import's ids are its file's, a
 * bulk does not give new ones), then close it.
 */
static void pay_and_close(struct fx *f, const char *id, const char *v1, const char *v2)
{
    struct case_op_input in = {.date = "2022-03-05", .amount = "150", .payment_id = v1};

    FX_OK(f, case_dossier_op(&f->c, id, OP_PAYER, &in, &f->e));
    in.date = "2022-03-20";
    in.amount = "100,00";
    in.payment_id = v2;
    FX_OK(f, case_dossier_op(&f->c, id, OP_PAYER, &in, &f->e));
    in = (struct case_op_input){.date = "2022-03-22", .motive = "aide versée"};
    FX_OK(f, case_dossier_op(&f->c, id, OP_CLORE, &in, &f->e));
}

/*
 * With a bulk, the operations change the dossier's row in memory and
 * case_bulk_flush writes it once: the same row as without; the refusals of
 * a payment (a known payment first, a date before the accord remembered)
 * are the same.
 */
static void test_bulk_writes_the_row_once(void **state)
{
    struct fx *f = *state;
    const char *p = fx_person(f, "Perrin", "Jade", "1979-05-05", "F", CALAIS);
    const char *h = fx_household(f, "Foyer Perrin", p);
    const char *plain, *bulked, *row;
    struct case_bulk b;

    plain = granted_secours(f, h);
    pay_and_close(f, plain, "V0000001", "V0000002");
    row = fx_text(f, ROW_SQL, plain);
    assert_string_equal(row, "clos|'2022-03-22'|{\"besoin\":\"alimentation\",\"montant_demande\":"
                             "\"300.00\"}|NULL|25000|25000|NULL|NULL");

    assert_int_equal(store_begin(f->s, &f->e), 0);
    case_bulk_init(&b);
    f->c.bulk = &b;
    bulked = granted_secours(f, h);
    /* the row as opened until the flush */
    assert_string_equal(state_of(f, bulked), "depose");
    {
        struct case_op_input in = {.date = "2022-03-05", .amount = "300", .payment_id = "V0000001"};
        FX_FAILS(f, case_dossier_op(&f->c, bulked, OP_PAYER, &in, &f->e), ERR_CONFLICT,
                 "le versement V0000001 existe déjà");
        in.amount = "10";
        in.date = "2022-03-02";
        FX_FAILS(f, case_dossier_op(&f->c, bulked, OP_PAYER, &in, &f->e), ERR_CONFLICT,
                 "le versement V0000001 existe déjà");
        in.payment_id = "V0000003";
        FX_FAILS(f, case_dossier_op(&f->c, bulked, OP_PAYER, &in, &f->e), ERR_INVALID,
                 "versement du 2022-03-02 antérieur à la décision d'accord du 2022-03-03");
        in.amount = "300";
        FX_FAILS(f, case_dossier_op(&f->c, bulked, OP_PAYER, &in, &f->e), ERR_INVALID,
                 "dépasserait le montant accordé");
    }
    pay_and_close(f, bulked, "V0000003", "V0000004");
    assert_string_equal(state_of(f, bulked), "depose");
    FX_OK(f, case_bulk_flush(&f->c, &f->e));
    f->c.bulk = NULL;
    case_bulk_release(&b);
    assert_int_equal(store_commit(f->s, &f->e), 0);
    assert_string_equal(fx_text(f, ROW_SQL, bulked), row);
    /* its seq: the last operation's */
    assert_int_equal(fx_count(f,
                              "SELECT seq = (SELECT MAX(seq) FROM dossier_step WHERE dossier = ?1) "
                              "FROM dossier WHERE id = ?1",
                              bulked, NULL, NULL),
                     1);

    /* a dossier the bulk did not open: its last accord read from the store, then known */
    plain = granted_secours(f, h);
    assert_int_equal(store_begin(f->s, &f->e), 0);
    case_bulk_init(&b);
    f->c.bulk = &b;
    {
        struct case_op_input in = {.date = "2022-03-02", .amount = "10", .payment_id = "V0000005"};
        FX_FAILS(f, case_dossier_op(&f->c, plain, OP_PAYER, &in, &f->e), ERR_INVALID,
                 "versement du 2022-03-02 antérieur à la décision d'accord du 2022-03-03");
        in.date = "2022-03-03";
        FX_OK(f, case_dossier_op(&f->c, plain, OP_PAYER, &in, &f->e));
        in.date = "2022-03-02";
        in.payment_id = "V0000006";
        FX_FAILS(f, case_dossier_op(&f->c, plain, OP_PAYER, &in, &f->e), ERR_INVALID,
                 "versement du 2022-03-02 antérieur à la décision d'accord du 2022-03-03");
    }
    FX_OK(f, case_bulk_flush(&f->c, &f->e));
    f->c.bulk = NULL;
    case_bulk_release(&b);
    assert_int_equal(store_commit(f->s, &f->e), 0);
    assert_string_equal(fx_text(f, ROW_SQL, plain),
                        "paye|NULL|{\"besoin\":\"alimentation\",\"montant_demande\":"
                        "\"300.00\"}|NULL|25000|1000|NULL|NULL");
}

/* Open a dossier by its event, in the caller's transaction. */
static int opened(struct fx *f, const char *text)
{
    json_t *ev = fx_json(text);
    int rc = case_emit(&f->c, "dossier.opened", ev, NULL, &f->e);

    json_decref(ev);
    return rc;
}

#define OPENED(id, disp, btype, benef, extra, site, facts)                                         \
    "{\"id\": \"" id "\", \"dispositif\": \"" disp "\", \"beneficiaire_type\": \"" btype           \
    "\", \"beneficiaire\": \"" benef "\", " extra "\"site\": \"" site                              \
    "\", \"date\": \"2022-03-01\", \"faits\": " facts "}"
#define AED_OK  "{\"renforcee\": true, \"duree_mois\": 3}"
#define AED_BAD "{\"renforcee\": true}"
#define SU_OK   "{\"montant_demande\": \"80.00\", \"besoin\": \"hygiene\"}"
#define SU_BAD  "{\"montant_demande\": \"80.00\", \"besoin\": \"loisirs\"}"

/*
 * The refusals of dossier.opened, whose beneficiary's existence the insert
 * checks when all goes well: each refusal is the one of the first check
 * that fails, in the order of the checks (the dossier, the beneficiary,
 * the site, the facts), without a bulk and with one (a household created
 * in the bulk's transaction: its members are known in memory).
 */
static void refusals_of_openings(struct fx *f, const char *p, const char *q, const char *h)
{
    char ev[1024];

#define TRY(code, text, ...)                                                                       \
    do {                                                                                           \
        snprintf(ev, sizeof(ev), __VA_ARGS__);                                                     \
        FX_FAILS(f, opened(f, ev), code, text);                                                    \
    } while (0)

    /* a person dossier (aed); P0000099 does not exist */
    TRY(ERR_NOT_FOUND, "bénéficiaire : personne inconnue « P0000099 »", "%s",
        OPENED("D0000100", "aed", "personne", "P0000099", "", "mds:calaisis", AED_OK));
    TRY(ERR_NOT_FOUND, "bénéficiaire : personne inconnue « P0000099 »", "%s",
        OPENED("D0000100", "aed", "personne", "P0000099", "", "mds:nulle-part", AED_OK));
    TRY(ERR_NOT_FOUND, "bénéficiaire : personne inconnue « P0000099 »", "%s",
        OPENED("D0000100", "aed", "personne", "P0000099", "", "mds:calaisis", AED_BAD));
    TRY(ERR_CONFLICT, "le dossier D0000001 existe déjà", "%s",
        OPENED("D0000001", "aed", "personne", "P0000099", "", "mds:nulle-part", AED_BAD));
    TRY(ERR_NOT_FOUND, "site inconnu",
        OPENED("D0000100", "aed", "personne", "%s", "", "mds:nulle-part", AED_OK), p);
    TRY(ERR_INVALID, "duree_mois",
        OPENED("D0000100", "aed", "personne", "%s", "", "mds:calaisis", AED_BAD), p);
    TRY(ERR_NOT_FOUND, "foyer inconnu : « F0000099 »",
        OPENED("D0000100", "aed", "personne", "%s", "\"foyer\": \"F0000099\", ", "mds:calaisis",
               AED_OK),
        p);
    TRY(ERR_INVALID, "n'est pas membre du foyer",
        OPENED("D0000100", "aed", "personne", "%s", "\"foyer\": \"%s\", ", "mds:calaisis", AED_OK),
        q, h);
    TRY(ERR_NOT_FOUND, "bénéficiaire : personne inconnue « P0000099 »",
        OPENED("D0000100", "aed", "personne", "P0000099", "\"foyer\": \"%s\", ", "mds:nulle-part",
               AED_OK),
        h);
    /* a household dossier (secours_urgence); F0000099 does not exist */
    TRY(ERR_NOT_FOUND, "bénéficiaire : foyer inconnu « F0000099 »", "%s",
        OPENED("D0000100", "secours_urgence", "foyer", "F0000099", "", "mds:calaisis", SU_OK));
    TRY(ERR_NOT_FOUND, "bénéficiaire : foyer inconnu « F0000099 »", "%s",
        OPENED("D0000100", "secours_urgence", "foyer", "F0000099", "", "mds:nulle-part", SU_BAD));
    TRY(ERR_NOT_FOUND, "demandeur : personne inconnue « P0000099 »",
        OPENED("D0000100", "secours_urgence", "foyer", "%s", "\"personne\": \"P0000099\", ",
               "mds:nulle-part", SU_OK),
        h);
    TRY(ERR_INVALID, "n'est pas membre du foyer",
        OPENED("D0000100", "secours_urgence", "foyer", "%s", "\"personne\": \"%s\", ",
               "mds:calaisis", SU_OK),
        h, q);
    TRY(ERR_INVALID, "hors de la liste des choix",
        OPENED("D0000100", "secours_urgence", "foyer", "%s", "\"personne\": \"%s\", ",
               "mds:calaisis", SU_BAD),
        h, p);
#undef TRY
    /* and when nothing stands in the way */
    snprintf(ev, sizeof(ev),
             OPENED("D0000100", "secours_urgence", "foyer", "%s", "\"personne\": \"%s\", ",
                    "mds:calaisis", SU_OK),
             h, p);
    FX_OK(f, opened(f, ev));
    snprintf(
        ev, sizeof(ev),
        OPENED("D0000101", "aed", "personne", "%s", "\"foyer\": \"%s\", ", "mds:calaisis", AED_OK),
        p, h);
    FX_OK(f, opened(f, ev));
    assert_string_equal(
        fx_text(f, "SELECT person || household FROM dossier WHERE id = ?", "D0000100"),
        fx_text(f, "SELECT person || household FROM dossier WHERE id = ?", "D0000101"));
}

static void test_opening_refusals_in_order(void **state)
{
    struct fx *f = *state;
    const char *p = fx_person(f, "Roux", "Hugo", "2012-02-02", "M", CALAIS);
    const char *q = fx_person(f, "Blanc", "Emma", "2011-01-01", "F", CALAIS);
    const char *h = fx_household(f, "Foyer Roux", p), *h2;
    struct case_bulk b;
    char ev[1024];

    snprintf(ev, sizeof(ev), "%s",
             OPENED("D0000001", "aed", "personne", "P0000001", "", "mds:calaisis", AED_OK));
    assert_int_equal(store_begin(f->s, &f->e), 0);
    FX_OK(f, opened(f, ev));
    assert_int_equal(store_commit(f->s, &f->e), 0);

    /* without a bulk */
    assert_int_equal(store_begin(f->s, &f->e), 0);
    refusals_of_openings(f, p, q, h);
    store_rollback(f->s);

    /* with one, the household known to it or not */
    assert_int_equal(store_begin(f->s, &f->e), 0);
    case_bulk_init(&b);
    f->c.bulk = &b;
    refusals_of_openings(f, p, q, h);
    f->c.bulk = NULL;
    case_bulk_release(&b);
    store_rollback(f->s);
    assert_int_equal(store_begin(f->s, &f->e), 0);
    case_bulk_init(&b);
    f->c.bulk = &b;
    FX_OK(f, case_household_create(&f->c, NULL, "Foyer Roux bis", "2022-01-03", &h2, &f->e));
    FX_OK(f, case_household_add(&f->c, h2, p, "demandeur", "2022-01-03", &f->e));
    assert_non_null(case_bulk_household_get(&b, h2));
    refusals_of_openings(f, p, q, h2);
    f->c.bulk = NULL;
    case_bulk_release(&b);
    store_rollback(f->s);
}

/* ---- replay --------------------------------------------------------------- */

static void test_replay_same_digest(void **state)
{
    struct fx *f = *state;
    char before[65], after[65];
    const char *p = fx_person(f, "Girard", "Noé", "1984-11-11", "M", CALAIS);
    const char *h = fx_household(f, "Foyer Girard", p);
    const char *child = fx_person(f, "Girard", "Lina", "2013-01-01", "F", CALAIS);
    const char *su, *aed;

    fx_as(f, &ts_calais);
    su = open_ok(f, "secours_urgence", h, "2022-03-01",
                 "{\"montant_demande\": \"120.00\", \"besoin\": \"alimentation\"}");
    aed = open_ok(f, "aed", child, "2022-03-01", "{\"renforcee\": true, \"duree_mois\": 3}");
    {
        struct case_op_input in = {.date = "2022-03-02",
                                   .motive = "justificatifs",
                                   .facts = fx_json("[\"RIB\", \"avis d'imposition\"]")};
        FX_OK(f, case_dossier_op(&f->c, su, OP_DEMANDER_PIECES, &in, &f->e));
        json_decref(in.facts);
    }
    assert_string_equal(fx_text(f,
                                "SELECT motive FROM dossier_step WHERE dossier = ? "
                                "AND op = 'demander_pieces'",
                                su),
                        "justificatifs ; pièces demandées : RIB, avis d'imposition");
    FX_OK(f, op(f, su, OP_COMPLETER, "2022-03-03"));
    FX_OK(f, op(f, su, OP_INSTRUIRE, "2022-03-04"));
    fx_as(f, &cadre_calais);
    FX_OK(f, decide(f, su, "accord", "100", NULL, "2022-03-05"));
    FX_OK(f, decide(f, aed, "accord", NULL, NULL, "2022-03-05"));
    fx_as(f, &instr_calais);
    FX_OK(f, pay(f, su, "60", "2022-03-06"));
    fx_as(f, &ts_calais);
    FX_OK(f, op(f, aed, OP_DEBUTER_MESURE, "2022-03-07"));

    FX_OK(f, case_projection_digest(f->s, before, &f->e));
    FX_OK(f, case_replay(f->s, &f->cat, &f->e));
    FX_OK(f, case_projection_digest(f->s, after, &f->e));
    assert_string_equal(before, after);
    assert_string_equal(state_of(f, su), "paye");
    assert_string_equal(state_of(f, aed), "en_cours");
    /* and the counters: the next ids follow the replayed ones */
    assert_string_equal(case_id_next(&f->c, 'D', &f->e), "D0000003");
    assert_string_equal(case_id_next(&f->c, 'V', &f->e), "V0000002");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_secours_to_payment, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_secours_refused_no_payment, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_workflow_roles_and_allowed_ops, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_apa_refused_under_60, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_apa_granted_for_a_period, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_faj_age_in_commission, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_dates, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_aed_renforcee_measure, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_other_mds_refused, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_class_refused_and_reads_logged, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_invalid_openings_and_sites, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_replay_same_digest, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_bulk_writes_the_row_once, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_opening_refusals_in_order, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

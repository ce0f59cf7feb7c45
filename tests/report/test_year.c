/*
 * test_year.c: report_model_for_year, the one assembly of the report model
 * behind `proxima report` and the web pages, on a real database.
 *
 * A small 2022 history is recorded through the case layer with the shipped
 * referential, catalogue, dictionary and layout: a secours d'urgence
 * granted by the MDS du Calaisis, one granted by a central direction, a
 * child seen in PMI. The tests, in order: the open year (values computed,
 * the dictionary and layout of today, the date of the run, the rows placed
 * for the coherence annex, the territories of the referential); errors (a
 * missing layout named, a year the engine refuses: the basis released
 * either way); the closed year, after a late secours recorded in 2022 (the
 * frozen values, definitions and layout, no placement: the engine would now
 * count one more).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "case/case.h"
#include "core/file.h"
#include "indic/indic.h"
#include "ref/ref.h"
#include "report/report.h"

#include "../indic/indic_fx.h"

#define CALAIS "62193"

static const char *household; /* the Martin household */

/* ---- the history, through the case layer ------------------------------------ */

static json_t *facts(const char *text)
{
    json_error_t je;
    json_t *v = json_loads(text, 0, &je);

    if (!v)
        fail_msg("bad JSON in test: %s", je.text);
    return v;
}

static const char *person(const char *last, const char *first, const char *birth)
{
    struct case_person_input in = {.last_name = last,
                                   .first_name = first,
                                   .birth_date = birth,
                                   .sex = "F",
                                   .commune = CALAIS,
                                   .address = "1 rue Royale",
                                   .date = "2022-01-01"};
    const char *id;

    OK(case_person_create(&F->c, &in, &id, &F->e));
    return id;
}

/* A secours d'urgence for the household, opened, instructed and granted on date. */
static void secours(const char *site, const char *date)
{
    struct case_open_input in = {.dispositif = "secours_urgence",
                                 .beneficiary = household,
                                 .site = site,
                                 .date = date,
                                 .facts = facts("{\"montant_demande\": \"300.00\", "
                                                "\"besoin\": \"alimentation\"}")};
    struct case_op_input instruct = {.date = date};
    struct case_op_input decide = {.date = date, .outcome = "accord", .amount = "100"};
    const char *id = NULL;

    OK(case_dossier_open(&F->c, &in, &id, &F->e));
    json_decref(in.facts);
    OK(case_dossier_op(&F->c, id, OP_INSTRUIRE, &instruct, &F->e));
    OK(case_dossier_op(&F->c, id, OP_DECIDER, &decide, &F->e));
}

static void build_history(void)
{
    const char *mother = person("Martin", "Lucie", "1985-04-12");
    const char *child = person("Martin", "Noé", "2020-03-01");
    struct case_act_input consult = {.dispositif = "pmi_consultation_enfant",
                                     .site = "mds:calaisis",
                                     .person = child,
                                     .date = "2022-04-01",
                                     .facts = facts("{\"professionnel\": \"medecin\", "
                                                    "\"lieu\": \"centre_pmi\"}")};
    const char *id;

    assert_int_equal(store_begin(F->s, &F->e), 0);
    OK(case_household_create(&F->c, NULL, "Foyer Martin", "2022-01-01", &household, &F->e));
    OK(case_household_add(&F->c, household, mother, "demandeur", "2022-01-01", &F->e));
    assert_int_equal(store_commit(F->s, &F->e), 0);
    secours(NULL, "2022-03-01");           /* the MDS du Calaisis, where she lives */
    secours("central:dsol", "2022-06-10"); /* a central direction: in no MDS */
    OK(case_act_record(&F->c, &consult, &id, &F->e));
    json_decref(consult.facts);
}

static int group_setup(void **state)
{
    fx_open("2023-01-10");
    build_history();
    /* the date of the run, as the front ends see it (paris_today) */
    assert_int_equal(setenv("PROXIMA_TODAY", "2023-02-15", 1), 0);
    *state = F;
    return 0;
}

/* ---- reading the model ------------------------------------------------------- */

static struct report_model *model(struct report_basis *b, int year)
{
    struct report_model *m;

    err_clear(&F->e);
    m = report_model_for_year(b, F->s, year, &F->dict, &F->cat, PROXIMA_DATADIR, &F->a, &F->e);
    if (!m)
        fail_msg("report_model_for_year %d: %s (%s) [%s]", year, F->e.message, F->e.detail,
                 F->e.hint);
    return m;
}

/* The raw value of code in the MDS table, in area (an MDS code, or "departement"). */
static int64_t mds_cell(const struct report_model *m, const char *code, const char *area)
{
    size_t j = 0;

    if (!strcmp(area, INDIC_DEPARTEMENT)) {
        j = m->nmds_areas; /* the last cell */
    } else {
        while (j < m->nmds_areas && strcmp(m->mds_areas[j].code, area) != 0)
            j++;
        if (j == m->nmds_areas)
            fail_msg("no MDS %s in the report's table", area);
    }
    for (size_t i = 0; i < m->nmds_rows; i++)
        if (!strcmp(m->mds_rows[i].def->code, code))
            return m->mds_rows[i].cells[j].raw;
    fail_msg("no row %s in the report's MDS table", code);
    return INDIC_UNDEFINED;
}

static const struct report_coherence *pair(const struct report_model *m, const char *code)
{
    for (size_t i = 0; i < m->ncoherence; i++)
        if (!strcmp(m->coherence[i].dept_def->code, code))
            return &m->coherence[i];
    fail_msg("no coherence pair %s", code);
    return NULL;
}

static bool distinct(const struct indic_def *def)
{
    return def->measure == MEASURE_DISTINCT_PERSONNE || def->measure == MEASURE_DISTINCT_FOYER ||
           def->measure == MEASURE_DISTINCT_BENEFICIAIRE;
}

/*
 * The placement of the rows of every distinct-measure figure of the
 * coherence annex: known (>= 0) or unknown (-1) for all; how many there are.
 */
static size_t check_placement(const struct report_model *m, bool known)
{
    size_t n = 0;

    for (size_t i = 0; i < m->ncoherence; i++)
        for (size_t k = 0; k < m->coherence[i].nparts; k++) {
            const struct report_coh_part *pt = &m->coherence[i].parts[k];
            if (!distinct(pt->def))
                continue;
            n++;
            if (known && pt->placement.central_rows < 0)
                fail_msg("%s: rows outside the MDS unknown in an open year", pt->def->code);
            if (!known && pt->placement.central_rows != -1)
                fail_msg("%s: rows outside the MDS said known in a closed year", pt->def->code);
        }
    return n;
}

/* ---- the tests ----------------------------------------------------------------- */

static void test_open_year(void **state)
{
    struct report_basis b;
    struct report_model *m;

    (void)state;
    m = model(&b, 2022);
    assert_false(m->closed);
    assert_false(m->frozen_definitions);
    assert_false(b.closed);
    assert_ptr_equal(b.dict, &F->dict);
    assert_int_equal(m->year, 2022);
    assert_string_equal(m->title, "Rapport d'activité 2022");
    assert_string_equal(m->generated, "2023-02-15");
    /* computed today: the central direction counts for the département only */
    assert_int_equal(mds_cell(m, "su_accordes", "calaisis"), 1);
    assert_int_equal(mds_cell(m, "su_accordes", "arrageois"), 0);
    assert_int_equal(mds_cell(m, "su_accordes", INDIC_DEPARTEMENT), 2);
    assert_int_equal(mds_cell(m, "pmi_enfants_vus", "calaisis"), 1);
    assert_int_equal(pair(m, "su_accordes")->dept.raw, 2);
    assert_int_equal(pair(m, "su_accordes")->sum.raw, 1);
    /* the rows behind the figures are there to place */
    assert_true(check_placement(m, true) > 0);
    /* the territories of the referential at the year's end */
    assert_true(m->nterritories > 0);
    for (size_t i = 0; i < m->nterritories; i++)
        assert_true(m->territories[i].communes > 0);
    report_basis_release(&b);
}

static void test_errors(void **state)
{
    struct report_basis b;

    (void)state;
    err_clear(&F->e);
    /* F->dir has the database but no rapport/rapport.json */
    assert_null(report_model_for_year(&b, F->s, 2022, &F->dict, &F->cat, F->dir, &F->a, &F->e));
    assert_int_equal(F->e.code, ERR_IO);
    assert_non_null(strstr(F->e.message, REPORT_LAYOUT_DOC));
    /* released already, and again without harm */
    assert_null(b.dict);
    assert_int_equal(b.layout.nsections, 0);
    report_basis_release(&b);

    /* a failure once the basis is open (the engine refuses the year) releases it too */
    err_clear(&F->e);
    assert_null(
        report_model_for_year(&b, F->s, 1899, &F->dict, &F->cat, PROXIMA_DATADIR, &F->a, &F->e));
    assert_int_equal(F->e.code, ERR_INVALID);
    assert_non_null(strstr(F->e.message, "1899"));
    assert_null(b.dict);
    assert_int_equal(b.layout.nsections, 0);
    report_basis_release(&b);
}

static void test_closed_year(void **state)
{
    struct report_basis b;
    struct report_model *m;
    struct indic_result now;
    struct indic_close_doc doc = {.name = REPORT_LAYOUT_DOC};
    struct strbuf sb;

    (void)state;
    /* closed as `proxima close-year` does: with the layout of the day */
    strbuf_init(&sb, 0);
    OK(file_read_all(PROXIMA_DATADIR "/" REPORT_LAYOUT_DOC, &sb, 1u << 20, &F->e));
    doc.text = sb.buf;
    OK(indic_close_year_docs(F->s, &F->dict, &F->cat, 2022, "statisticien", &doc, 1, &F->e));
    strbuf_release(&sb);
    /* a secours recorded late: today's definitions count it, the closed year does not */
    secours(NULL, "2022-11-02");
    OK(indic_compute(F->s, &F->dict, &F->cat, 2022, REF_GRID_MDS, &F->a, &now, &F->e));
    assert_int_equal(indic_value(&now, indic_result_index(&now, "su_accordes"), now.nareas, 0), 3);

    m = model(&b, 2022);
    assert_true(m->closed);
    assert_true(m->frozen_definitions);
    assert_true(b.closed);
    assert_true(b.layout_frozen);
    assert_ptr_equal(b.current, &F->dict);
    assert_ptr_not_equal(b.dict, &F->dict);
    assert_string_equal(m->generated, "2023-02-15");
    assert_int_equal(mds_cell(m, "su_accordes", "calaisis"), 1);
    assert_int_equal(mds_cell(m, "su_accordes", INDIC_DEPARTEMENT), 2);
    assert_int_equal(pair(m, "su_accordes")->dept.raw, 2);
    /* the rows of a closed year are not read: nothing to place */
    assert_true(check_placement(m, false) > 0);
    report_basis_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_year),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_closed_year),
    };
    return cmocka_run_group_tests(tests, group_setup, fx_close);
}

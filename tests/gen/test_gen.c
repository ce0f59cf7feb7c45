/*
 * test_gen.c: the reference-year generator on real temporary databases, at
 * a small scale (echelle 0.01): the same seed gives the same projections
 * (case_projection_digest), another seed other ones; replaying the journal
 * re-validates every generated event and rebuilds the same projections; a
 * database with case events is refused; and the plan's figures are what
 * the database holds, computed here with plain SQL for a few families (MDS
 * and département, counts, distinct beneficiaries, amounts). Also the
 * plan's arithmetic: scales, exact splits within bounds, shares.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "case/case.h"
#include "gen/gen.h"
#include "gen/gen_int.h"
#include "ref/ref.h"

#include "../store/tmpdir.h"

#define SCALE     "0.01"
#define REFERENCE PROXIMA_DATADIR "/../../shared/reference"

struct db {
    char dir[TMPDIR_PATH_MAX];
    char path[TMPDIR_PATH_MAX + 64];
    struct store *s;
    struct arena a, plan;
    struct case_ctx c;
    struct gen_result res;
    char digest[65];
};

static struct catalog cat;

static int group_setup(void **state)
{
    struct err e;

    (void)state;
    err_clear(&e);
    if (catalog_load(&cat, PROXIMA_DATADIR "/catalogue", &e) != 0)
        fail_msg("catalog_load: %s (%s)", e.message, e.detail);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    catalog_release(&cat);
    return 0;
}

static void db_open(struct db *d)
{
    struct err e;

    memset(d, 0, sizeof(*d));
    err_clear(&e);
    tmpdir_make(d->dir);
    snprintf(d->path, sizeof(d->path), "%s/proxima.db", d->dir);
    d->s = store_open(d->path, &e);
    assert_non_null(d->s);
    assert_int_equal(store_migrate(d->s, NULL, &e), 0);
    if (ref_load(d->s, PROXIMA_DATADIR, "test", NULL, &e) != 0)
        fail_msg("ref_load: %s", e.message);
    arena_init(&d->a, 0);
    arena_init(&d->plan, 0);
    d->c.store = d->s;
    d->c.cat = &cat;
    d->c.arena = &d->a;
    d->c.actor = "system";
    assert_int_equal(date_from_ymd(2026, 3, 16, &d->c.today, &e), 0);
}

static void db_close(struct db *d)
{
    store_close(d->s);
    arena_release(&d->a);
    arena_release(&d->plan);
    tmpdir_remove(d->dir);
}

static void options(struct gen_options *o, uint64_t seed)
{
    struct err e;

    memset(o, 0, sizeof(*o));
    o->year = 2022;
    o->seed = seed;
    o->reference_dir = REFERENCE;
    o->data_dir = PROXIMA_DATADIR;
    o->batch = 3000; /* several transactions even at this scale */
    assert_int_equal(gen_scale_parse(SCALE, &o->scale, &e), 0);
}

static void generate(struct db *d, uint64_t seed)
{
    struct gen_options o;
    struct err e;

    options(&o, seed);
    err_clear(&e);
    if (gen_run(&d->c, &o, &d->plan, &d->res, &e) != 0)
        fail_msg("gen_run: %s (%s) %s", e.message, e.detail, e.hint);
    assert_true(d->res.events > 10000);
    assert_false(d->s->in_tx);
    assert_int_equal(case_projection_digest(d->s, d->digest, &e), 0);
}

static int64_t sql1(struct db *d, const char *sql, const char *arg)
{
    struct err e;
    struct store_stmt *q;
    int64_t n = -1;

    err_clear(&e);
    q = store_prepare(d->s, sql, &e);
    if (!q)
        fail_msg("prepare: %s", e.message);
    if (arg)
        store_bind_text(q, 1, arg);
    if (store_step(q, &e) == STORE_ROW)
        n = store_column_int64(q, 0);
    store_finalize(q);
    return n;
}

/* The plan's value of a figure (area NULL: département); fails if absent. */
static int64_t planned(const struct db *d, const char *code, const char *area)
{
    for (size_t i = 0; i < d->res.nfigures; i++) {
        const struct gen_figure *f = &d->res.figures[i];
        if (!strcmp(f->code, code) &&
            ((!area && !f->area) || (area && f->area && !strcmp(area, f->area))))
            return f->value;
    }
    fail_msg("figure %s (%s) absent du plan", code, area ? area : "département");
    return -1;
}

/* ---- the generated year ---------------------------------------------------------- */

static void test_deterministic(void **state)
{
    struct db a, b, c;

    (void)state;
    db_open(&a);
    db_open(&b);
    db_open(&c);
    generate(&a, 7);
    generate(&b, 7);
    generate(&c, 8);
    assert_string_equal(a.digest, b.digest);
    assert_int_equal(a.res.events, b.res.events);
    assert_string_not_equal(a.digest, c.digest);
    /* another seed: other persons and dates, the same figures */
    assert_int_equal(a.res.nfigures, c.res.nfigures);
    for (size_t i = 0; i < a.res.nfigures; i++)
        assert_int_equal(a.res.figures[i].value, c.res.figures[i].value);
    db_close(&a);
    db_close(&b);
    db_close(&c);
}

static void test_replay_and_refusal(void **state)
{
    struct db d;
    struct gen_options o;
    struct gen_result again;
    struct err e;
    char digest[65];
    bool has;

    (void)state;
    db_open(&d);
    assert_int_equal(gen_store_has_case_events(d.s, &has, &e), 0);
    assert_false(has);
    generate(&d, 2022);
    /* replaying validates every event again and rebuilds the same projections */
    err_clear(&e);
    if (case_replay(d.s, &cat, &e) != 0)
        fail_msg("case_replay: %s (%s)", e.message, e.detail);
    assert_int_equal(case_projection_digest(d.s, digest, &e), 0);
    assert_string_equal(digest, d.digest);
    /* a second generation on the same database is refused, and writes nothing */
    assert_int_equal(gen_store_has_case_events(d.s, &has, &e), 0);
    assert_true(has);
    options(&o, 2022);
    err_clear(&e);
    assert_int_equal(gen_run(&d.c, &o, &d.plan, &again, &e), -1);
    assert_int_equal(e.code, ERR_CONFLICT);
    assert_non_null(strstr(e.message, "contient déjà"));
    assert_int_equal(case_projection_digest(d.s, digest, &e), 0);
    assert_string_equal(digest, d.digest);
    db_close(&d);
}

static const char sql_su_mds[] =
    "SELECT COUNT(*) FROM decision d JOIN dossier o ON o.id = d.dossier "
    "WHERE o.dispositif = 'secours_urgence' AND d.outcome = 'accord' "
    "AND d.decided_on BETWEEN '2022-01-01' AND '2022-12-31' AND o.site_grid = 'mds' "
    "AND o.site_code = ?";
static const char sql_su_dept[] =
    "SELECT COUNT(*) FROM decision d JOIN dossier o ON o.id = d.dossier "
    "WHERE o.dispositif = 'secours_urgence' AND d.outcome = 'accord' "
    "AND d.decided_on BETWEEN '2022-01-01' AND '2022-12-31'";
static const char sql_su_amount[] =
    "SELECT SUM(p.amount_cents) FROM payment p JOIN dossier o ON o.id = p.dossier "
    "WHERE o.dispositif = 'secours_urgence' AND p.paid_on BETWEEN '2022-01-01' AND '2022-12-31'";
static const char sql_rsa_mds[] =
    "SELECT COUNT(DISTINCT household) FROM dossier WHERE dispositif = 'rsa_droit' "
    "AND measure_start <= '2022-12-31' AND (measure_end IS NULL OR measure_end >= '2022-01-01') "
    "AND site_grid = 'mds' AND site_code = ?";
static const char sql_rsa_dept[] =
    "SELECT COUNT(DISTINCT household) FROM dossier WHERE dispositif = 'rsa_droit' "
    "AND measure_start <= '2022-12-31' AND (measure_end IS NULL OR measure_end >= '2022-01-01')";
static const char sql_afp_mds[] =
    "SELECT COUNT(DISTINCT o.beneficiary) FROM decision d JOIN dossier o ON o.id = d.dossier "
    "WHERE o.dispositif = 'aide_financiere_personnalisee' AND d.outcome = 'accord' "
    "AND d.decided_on BETWEEN '2022-01-01' AND '2022-12-31' AND o.site_code = ?";
static const char sql_afp_dept[] =
    "SELECT COUNT(DISTINCT o.beneficiary) FROM decision d JOIN dossier o ON o.id = d.dossier "
    "WHERE o.dispositif = 'aide_financiere_personnalisee' AND d.outcome = 'accord' "
    "AND d.decided_on BETWEEN '2022-01-01' AND '2022-12-31'";
static const char sql_fsl_households[] =
    "SELECT COUNT(DISTINCT o.beneficiary) FROM decision d JOIN dossier o ON o.id = d.dossier "
    "WHERE o.dispositif = 'fsl' AND d.outcome = 'accord' "
    "AND d.decided_on BETWEEN '2022-01-01' AND '2022-12-31'";
static const char sql_pmi_mds[] =
    "SELECT COUNT(DISTINCT person) FROM act WHERE dispositif IN ('pmi_consultation_enfant', "
    "'pmi_bilan_maternelle') AND act_date BETWEEN '2022-01-01' AND '2022-12-31' "
    "AND site_code = ?";
static const char sql_accueil_mds[] =
    "SELECT COUNT(*) FROM act WHERE dispositif = 'accueil_physique' "
    "AND act_date BETWEEN '2022-01-01' AND '2022-12-31' AND site_code = ?";
static const char sql_af_days[] =
    "SELECT SUM(julianday(MIN(COALESCE(measure_end, '2022-12-31'), '2022-12-31')) - "
    "julianday(MAX(measure_start, '2022-01-01')) + 1) FROM dossier "
    "WHERE dispositif = 'ase_accueil' AND json_extract(facts, '$.mode') = 'assistant_familial' "
    "AND measure_start <= '2022-12-31' AND (measure_end IS NULL OR measure_end >= '2022-01-01')";

static void test_plan_matches_database(void **state)
{
    struct db d;
    static const char *const mds[] = {"arrageois", "calaisis", "lens-lievin", "ternois"};

    (void)state;
    db_open(&d);
    generate(&d, 31);
    for (size_t i = 0; i < ARRAY_SIZE(mds); i++) {
        assert_int_equal(sql1(&d, sql_su_mds, mds[i]), planned(&d, "su_accordes", mds[i]));
        assert_int_equal(sql1(&d, sql_rsa_mds, mds[i]), planned(&d, "rsa_allocataires", mds[i]));
        assert_int_equal(sql1(&d, sql_afp_mds, mds[i]), planned(&d, "afp_accordees", mds[i]));
        assert_int_equal(sql1(&d, sql_pmi_mds, mds[i]), planned(&d, "pmi_enfants_vus", mds[i]));
        assert_int_equal(sql1(&d, sql_accueil_mds, mds[i]),
                         planned(&d, "accueils_physiques", mds[i]));
    }
    /* the département: central services, movers counted once, distinct households */
    assert_int_equal(sql1(&d, sql_su_dept, NULL), planned(&d, "su_accordes", NULL));
    assert_int_equal(sql1(&d, sql_su_amount, NULL), planned(&d, "su_montant", NULL));
    assert_int_equal(sql1(&d, sql_rsa_dept, NULL), planned(&d, "foyers_rsa", NULL));
    assert_int_equal(sql1(&d, sql_afp_dept, NULL), planned(&d, "afp_accordees", NULL));
    assert_int_equal(sql1(&d, sql_fsl_households, NULL), planned(&d, "fsl_accords", NULL));
    /* the average daily number of children with a foster carer rounds to the target */
    {
        int64_t days = sql1(&d, sql_af_days, NULL),
                avg = planned(&d, "enfants_accueillis_assistants_familiaux", NULL);
        assert_true(days >= avg * 365 - 182 && days <= avg * 365 + 182);
    }
    db_close(&d);
}

/* ---- the plan's arithmetic ------------------------------------------------------------- */

static void test_scale(void **state)
{
    int64_t v;
    struct err e;

    (void)state;
    assert_int_equal(gen_scale_parse("1", &v, &e), 0);
    assert_int_equal(v, GEN_SCALE_ONE);
    assert_int_equal(gen_scale_parse("0,5", &v, &e), 0);
    assert_int_equal(v, 500000);
    assert_int_equal(gen_scale_parse("0.01", &v, &e), 0);
    assert_int_equal(v, 10000);
    assert_int_equal(gen_scale_parse("0", &v, &e), -1);
    assert_int_equal(gen_scale_parse("1.0000001", &v, &e), -1);
    assert_int_equal(gen_scale_parse("-1", &v, &e), -1);
    assert_int_equal(gen_scale_parse("", &v, &e), -1);
    /* half away from zero */
    assert_int_equal(gen_scale_value(14569, 500000), 7285);
    assert_int_equal(gen_scale_value(7444, 500000), 3722);
    assert_int_equal(gen_scale_value(25, 10000), 0);
    assert_int_equal(gen_scale_value(50, 10000), 1);
    assert_int_equal(gen_scale_value(48137, GEN_SCALE_ONE), 48137);
}

static void test_split_and_shares(void **state)
{
    struct gen_rng r;
    struct err e;
    int64_t lo[500], hi[500], out[500], sum = 0, cnt[3];
    int pct[3] = {55, 20, 25};

    (void)state;
    gen_rng_init(&r, 1, "test");
    for (size_t i = 0; i < 500; i++) {
        lo[i] = 2000;
        hi[i] = i % 2 ? 35000 : 15000;
    }
    /* to the cent, within bounds, in whole euros but one */
    assert_int_equal(gen_split(&r, 9876543, 500, lo, hi, out, "test", &e), 0);
    for (size_t i = 0; i < 500; i++) {
        assert_true(out[i] >= lo[i] && out[i] <= hi[i]);
        sum += out[i];
    }
    assert_int_equal(sum, 9876543);
    assert_int_equal(gen_split(&r, 100, 500, lo, hi, out, "test", &e), -1);
    assert_int_equal(gen_shares(44305, pct, 3, cnt, "test", &e), 0);
    assert_int_equal(cnt[0] + cnt[1] + cnt[2], 44305);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(gen_percent(cnt[i], 44305), pct[i]);
    assert_int_equal(gen_percent(30326, 48137), 63);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scale),
        cmocka_unit_test(test_split_and_shares),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_replay_and_refusal),
        cmocka_unit_test(test_plan_matches_database),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

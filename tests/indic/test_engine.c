/*
 * test_engine.c: the engine's ways of going faster give the values of the
 * plain engine.
 *
 * A small reference year (the generator at scale 0.01, on a real temporary
 * database) is computed for every grid by the passes on two threads
 * (src/indic/par.c) and by the sequential engine: every value, every value
 * over the rows placed in some area and every count of unplaced rows must be
 * the same, and the two-thread run must really have used two threads (else
 * the comparison proves nothing). Inside a caller's transaction the engine
 * stays on one thread, with the same values; explanations of figures of
 * both sources are the same on one and two threads. Then the facts scanner
 * (src/indic/facts.c) against jansson on valid and invalid texts, and the
 * numbered index of string sets (src/indic/hash.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "case/case.h"
#include "gen/gen.h"
#include "indic/indic.h"
#include "indic/indic_int.h"
#include "ref/ref.h"

#include "indic_fx.h"

#define SCALE     "0.01"
#define REFERENCE PROXIMA_DATADIR "/../../shared/reference"

static size_t ngrids; /* the engine's grids (indic_grids) */

static int group_setup(void **state)
{
    struct gen_options o;
    struct gen_result res;

    (void)state;
    fx_open("2026-03-16");
    memset(&o, 0, sizeof(o));
    o.year = 2022;
    o.seed = 7;
    o.reference_dir = REFERENCE;
    o.data_dir = PROXIMA_DATADIR;
    OK(gen_scale_parse(SCALE, &o.scale, &F->e));
    OK(gen_run(&F->c, &o, &F->a, &res, &F->e));
    assert_true(res.acts > 1000 && res.dossiers > 1000);
    while (indic_grids[ngrids])
        ngrids++;
    assert_true(ngrids <= ENG_MAX_GRIDS);
    return 0;
}

/* ---- two threads, one thread ------------------------------------------------------ */

/* Every grid with at most workers threads; the threads used in *threads. */
static void compute(unsigned workers, struct indic_result *r, struct indic_placed *pl,
                    unsigned *threads)
{
    struct eng_stats st;

    OK(eng_compute_grids(F->s, &F->dict, &F->cat, 2022, indic_grids, ngrids, workers, &F->a, r, pl,
                         &st, &F->e));
    *threads = st.threads;
    /* on two threads, the worker also takes some dispositifs' dossiers */
    if (st.threads == 2)
        assert_true(st.moved > 0);
    else
        assert_int_equal(st.moved, 0);
}

static void assert_same(const struct indic_result *a, const struct indic_placed *pa,
                        const struct indic_result *b, const struct indic_placed *pb)
{
    size_t nonzero = 0;

    for (size_t i = 0; i < ngrids; i++) {
        size_t nv = a[i].ndefs * (a[i].nareas + 1) * INDIC_MONTHS, np = a[i].ndefs * INDIC_MONTHS;
        assert_string_equal(a[i].grid, b[i].grid);
        assert_int_equal(a[i].nareas, b[i].nareas);
        assert_int_equal(a[i].ndefs, b[i].ndefs);
        for (size_t v = 0; v < nv; v++) {
            if (a[i].values[v] != b[i].values[v])
                fail_msg("grid %s, indicator %s: %lld against %lld", a[i].grid,
                         a[i].codes[v / ((a[i].nareas + 1) * INDIC_MONTHS)],
                         (long long)a[i].values[v], (long long)b[i].values[v]);
            nonzero += a[i].values[v] != 0 && a[i].values[v] != INDIC_UNDEFINED;
        }
        assert_memory_equal(pa[i].values, pb[i].values, np * sizeof(int64_t));
        assert_memory_equal(pa[i].unplaced_rows, pb[i].unplaced_rows, np * sizeof(int64_t));
    }
    /* a year with figures, not two empty results */
    assert_true(nonzero > 10000);
}

static void test_two_threads_same_values(void **state)
{
    struct indic_result two[ENG_MAX_GRIDS], one[ENG_MAX_GRIDS];
    struct indic_placed p2[ENG_MAX_GRIDS], p1[ENG_MAX_GRIDS];
    unsigned t2, t1;

    (void)state;
    compute(2, two, p2, &t2);
    compute(1, one, p1, &t1);
    assert_int_equal(t2, 2);
    assert_int_equal(t1, 1);
    assert_same(two, p2, one, p1);
    /* the public entry point is the two-thread engine */
    OK(indic_compute_grids(F->s, &F->dict, &F->cat, 2022, indic_grids, ngrids, &F->a, one, p1,
                           &F->e));
    assert_same(two, p2, one, p1);
}

static void test_in_a_transaction_one_thread(void **state)
{
    struct indic_result two[ENG_MAX_GRIDS], in_tx[ENG_MAX_GRIDS];
    struct indic_placed p2[ENG_MAX_GRIDS], ptx[ENG_MAX_GRIDS];
    unsigned t2, ttx;

    (void)state;
    compute(2, two, p2, &t2);
    /* a second connection would not see the caller's uncommitted writes */
    OK(store_begin(F->s, &F->e));
    compute(2, in_tx, ptx, &ttx);
    store_rollback(F->s);
    assert_int_equal(t2, 2);
    assert_int_equal(ttx, 1);
    assert_same(two, p2, in_tx, ptx);
    /* and the engine leaves no transaction open behind it */
    assert_false(F->s->in_tx);
    OK(store_begin(F->s, &F->e));
    store_rollback(F->s);
    /* a transaction the store does not know of: one thread, and it stays open */
    OK(store_step_done(store_prepare(F->s, "BEGIN", &F->e), &F->e));
    compute(2, in_tx, ptx, &ttx);
    assert_int_equal(ttx, 1);
    assert_same(two, p2, in_tx, ptx);
    OK(store_step_done(store_prepare(F->s, "COMMIT", &F->e), &F->e));
    store_rollback(F->s); /* the store's own idea of its transaction, up to date again */
    assert_false(F->s->in_tx);
}

static void test_explain_same_rows(void **state)
{
    /* an act figure, a dossier figure, and a ratio of dossier figures */
    static const char *const codes[] = {"accueils_physiques", "su_accordes",
                                        "foyers_rsa_part_femmes"};

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(codes); i++) {
        const char **two, **one;
        size_t n2, n1;

        assert_non_null(indic_find(&F->dict, codes[i]));
        OK(indic_explain(F->s, &F->dict, &F->cat, codes[i], 2022, 0, "mds", NULL, &F->a, &two, &n2,
                         &F->e));
        OK(store_begin(F->s, &F->e)); /* one thread */
        OK(indic_explain(F->s, &F->dict, &F->cat, codes[i], 2022, 0, "mds", NULL, &F->a, &one, &n1,
                         &F->e));
        store_rollback(F->s);
        assert_true(n2 > 0);
        assert_int_equal(n2, n1);
        for (size_t k = 0; k < n2; k++)
            assert_string_equal(two[k], one[k]);
    }
}

/* ---- the facts scanner ------------------------------------------------------------- */

/* What jansson reads of key in text, as the scanner says it: type, and the value. */
static void assert_like_jansson(const char *text, const char *key)
{
    struct eng_facts f;
    const struct eng_fact *x;
    json_error_t je;
    json_t *o = json_loads(text, 0, &je), *v;
    struct err e;

    eng_facts_init(&f);
    err_clear(&e);
    assert_non_null(o);
    assert_int_equal(eng_facts_read(&f, text, "D1", &e), 0);
    x = eng_facts_get(&f, key);
    v = json_object_get(o, key);
    if (!v) {
        assert_null(x);
    } else {
        assert_non_null(x);
        switch (json_typeof(v)) {
        case JSON_STRING:
            assert_int_equal(x->type, ENG_FACT_STRING);
            assert_int_equal(x->slen, json_string_length(v));
            assert_memory_equal(x->s, json_string_value(v), x->slen);
            break;
        case JSON_INTEGER:
            assert_int_equal(x->type, ENG_FACT_INT);
            assert_int_equal(x->i, json_integer_value(v));
            break;
        case JSON_TRUE:
            assert_int_equal(x->type, ENG_FACT_TRUE);
            break;
        case JSON_FALSE:
            assert_int_equal(x->type, ENG_FACT_FALSE);
            break;
        case JSON_NULL:
            assert_int_equal(x->type, ENG_FACT_NULL);
            break;
        default:
            assert_int_equal(x->type, ENG_FACT_OTHER);
            break;
        }
    }
    json_decref(o);
    eng_facts_release(&f);
}

/* text is read by the fast path (slow: by jansson), and key as jansson reads it. */
static void facts_case(const char *text, const char *key, bool slow)
{
    struct eng_facts f;
    struct err e;

    eng_facts_init(&f);
    err_clear(&e);
    assert_int_equal(eng_facts_read(&f, text, "D1", &e), 0);
    if (f.slow != (slow ? 1u : 0u))
        fail_msg("%s: read by %s", text, f.slow ? "jansson" : "the scanner");
    eng_facts_release(&f);
    assert_like_jansson(text, key);
}

static void facts_error(const char *text)
{
    struct eng_facts f;
    struct err e;

    eng_facts_init(&f);
    err_clear(&e);
    if (eng_facts_read(&f, text, "D42", &e) != -1)
        fail_msg("accepted: %s", text);
    assert_int_equal(e.code, ERR_INVALID);
    assert_non_null(strstr(e.message, "D42"));
    eng_facts_release(&f);
}

static void test_facts_scanner(void **state)
{
    struct eng_facts f;
    struct err e;

    (void)state;
    /* the fast path: flat objects of strings, integers, booleans, null */
    facts_case("{}", "a", false);
    facts_case(" { } ", "a", false);
    facts_case("{\"a\":\"x\",\"b\":12,\"c\":true,\"d\":false,\"e\":null}", "a", false);
    facts_case("{\"a\":\"x\",\"b\":12,\"c\":true,\"d\":false,\"e\":null}", "b", false);
    facts_case("{\"a\":\"x\",\"b\":12,\"c\":true,\"d\":false,\"e\":null}", "c", false);
    facts_case("{\"a\":\"x\",\"b\":12,\"c\":true,\"d\":false,\"e\":null}", "d", false);
    facts_case("{\"a\":\"x\",\"b\":12,\"c\":true,\"d\":false,\"e\":null}", "e", false);
    facts_case("{\"a\":\"x\"}", "absent", false);
    facts_case("{ \"n\" : -42 ,\n\t\"m\":0 }", "n", false);
    facts_case("{\"n\": -0}", "n", false);
    facts_case("{\"n\": 999999999999999999}", "n", false);
    facts_case("{\"montant\": \"1449.00\"}", "montant", false);
    facts_case("{\"formation\": \"Habilitation \xc3\xa9lectrique \xe2\x82\xac \xf0\x9f\x98\x80\"}",
               "formation", false);
    facts_case("{\"\": 1}", "", false);
    /* a key twice: the last value, as jansson */
    facts_case("{\"a\": 1, \"a\": 2}", "a", false);
    /* jansson's cases, read by jansson */
    facts_case("{\"a\": \"l\\u00e9\\n\"}", "a", true);
    facts_case("{\"k\\u00e9\": 3}", "k\xc3\xa9", true);
    facts_case("{\"a\": 1.5, \"b\": 1}", "a", true);
    facts_case("{\"a\": 1e3}", "a", true);
    facts_case("{\"a\": [1, 2], \"b\": {\"c\": 1}}", "a", true);
    facts_case("{\"a\": [1, 2], \"b\": {\"c\": 1}}", "b", true);
    facts_case("{\"a\": 1234567890123456789}", "a", true);
    /* an empty column is an empty object */
    eng_facts_init(&f);
    err_clear(&e);
    assert_int_equal(eng_facts_read(&f, "", "D1", &e), 0);
    assert_int_equal(f.n, 0);
    assert_int_equal(eng_facts_read(&f, NULL, "D1", &e), 0);
    assert_int_equal(f.n, 0);
    eng_facts_release(&f);
    /* what jansson refuses is refused, naming the row */
    facts_error("{");
    facts_error("{\"a\": 1,}");
    facts_error("{\"a\": 01}");
    facts_error("{\"a\": -}");
    facts_error("{\"a\": tru}");
    facts_error("{\"a\": truex}");
    facts_error("{\"a\" 1}");
    facts_error("{\"a\": 1} x");
    facts_error("{\"a\": \"\x01\"}");
    facts_error("{\"a\": \"\xc3\"}");             /* truncated sequence */
    facts_error("{\"a\": \"\xc0\xaf\"}");         /* overlong */
    facts_error("{\"a\": \"\xed\xa0\x80\"}");     /* surrogate */
    facts_error("{\"a\": \"\xf4\x90\x80\x80\"}"); /* above U+10FFFF */
    facts_error("{\"a\": 12345678901234567890}");
    facts_error("[1]");
    facts_error("12");
    facts_error("nope");
}

/* ---- numbered strings ------------------------------------------------------------- */

static void test_strset_numbers(void **state)
{
    struct arena a;
    struct strset s;
    char buf[32];

    (void)state;
    arena_init(&a, 0);
    strset_init(&s, &a);
    /* P + 7 digits: indexed by number; other forms by the hash table only */
    assert_int_equal(strset_add(&s, "P0000002", 8), 0);
    assert_int_equal(strset_add(&s, "F0000002", 8), 1);
    assert_int_equal(strset_add(&s, "P00000002", 9), 2); /* one digit more: another string */
    assert_int_equal(strset_add(&s, "P000002", 7), 3);
    assert_int_equal(strset_add(&s, "P0000002", 8), 0);
    assert_int_equal(strset_add(&s, "p0000002", 8), 4);
    assert_int_equal(strset_find(&s, "P0000002", 8), 0);
    assert_int_equal(strset_find(&s, "F0000002", 8), 1);
    assert_int_equal(strset_find(&s, "P00000002", 9), 2);
    assert_int_equal(strset_find(&s, "P000002", 7), 3);
    assert_int_equal(strset_find(&s, "P0000003", 8), -1);
    assert_int_equal(strset_find(&s, "P9999999", 8), -1);
    assert_int_equal(strset_find(&s, "P000000x", 8), -1);
    assert_false(s.num_off);
    /* numbers too sparse for the index: the hash table answers for all */
    assert_int_equal(strset_add(&s, "P9999999", 8), 5);
    assert_true(s.num_off);
    for (int i = 0; i < 3000; i++) {
        uint32_t x;
        snprintf(buf, sizeof(buf), "P%07d", i * 7);
        x = strset_add(&s, buf, 8);
        assert_int_equal(strset_find(&s, buf, 8), x);
    }
    assert_int_equal(strset_find(&s, "P0000002", 8), 0);
    assert_int_equal(strset_find(&s, "P9999999", 8), 5);
    strset_release(&s);
    /* dense numbers stay indexed */
    strset_init(&s, &a);
    for (int i = 0; i < 5000; i++) {
        snprintf(buf, sizeof(buf), "62%03d", i % 1000);
        assert_int_equal(strset_add(&s, buf, 5), (uint32_t)(i % 1000));
    }
    assert_false(s.num_off);
    assert_int_equal(strset_find(&s, "62999", 5), 999);
    assert_int_equal(strset_find(&s, "63000", 5), -1);
    strset_release(&s);
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_threads_same_values),
        cmocka_unit_test(test_in_a_transaction_one_thread),
        cmocka_unit_test(test_explain_same_rows),
        cmocka_unit_test(test_facts_scanner),
        cmocka_unit_test(test_strset_numbers),
    };
    return cmocka_run_group_tests(tests, group_setup, fx_close);
}

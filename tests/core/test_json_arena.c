/*
 * test_json_arena.c: jansson's values cut from the bump region of
 * core/json_arena.c. The tests run in order in one process: the first
 * json_arena_begin reserves a small region (64 KiB), kept for the others.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "core/json.h"
#include "core/json_arena.h"

#include <jansson.h>

#define SMALL_REGION ((size_t)64 << 10)

static const char doc[] = "{\"type\":\"person.created\",\"contenu\":{\"id\":\"P0000001\","
                          "\"nom\":\"Dupont\",\"faits\":{\"a\":[1,2,3],\"b\":true}}}";

static json_t *parse(void)
{
    struct err e;
    json_t *v;

    err_clear(&e);
    v = json_parse(doc, sizeof(doc) - 1, "test", 1, &e);
    assert_non_null(v);
    return v;
}

static struct json_arena_stats stats(void)
{
    struct json_arena_stats st;

    json_arena_stats(&st);
    return st;
}

/* A document released gives its memory back to the next one, at the same place. */
static void test_each_document_starts_again(void **state)
{
    struct json_arena_stats st0, st1;
    json_t *v1, *v2;
    void *first;

    (void)state;
    assert_int_equal(json_arena_begin(SMALL_REGION), 0);
    st0 = stats();
    v1 = parse();
    first = v1;
    st1 = stats();
    assert_true(st1.allocations > st0.allocations + 10);
    assert_true(st1.live > 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(v1, "contenu"), "nom")),
                        "Dupont");
    json_decref(v1);
    st1 = stats();
    assert_int_equal(st1.live, 0);
    assert_int_equal(st1.restarts, st0.restarts + 1);
    v2 = parse();
    assert_ptr_equal(v2, first);
    json_decref(v2);
    json_arena_end();
}

/* A value kept across documents: the region goes on after it, then starts again. */
static void test_kept_value_delays_the_restart(void **state)
{
    struct json_arena_stats st0;
    json_t *kept, *v;

    (void)state;
    assert_int_equal(json_arena_begin(0), 0);
    st0 = stats();
    kept = parse();
    v = parse();
    assert_ptr_not_equal(v, kept);
    json_decref(v);
    assert_int_equal(stats().restarts, st0.restarts);
    assert_true(stats().live > 0);
    v = parse();
    assert_ptr_not_equal(v, kept);
    json_decref(kept);
    json_decref(v);
    assert_int_equal(stats().live, 0);
    assert_int_equal(stats().restarts, st0.restarts + 1);
    json_arena_end();
}

/* Larger than what is left: malloc gives the block, and it is freed to malloc. */
static void test_full_region_falls_back_to_malloc(void **state)
{
    struct json_arena_stats st0;
    size_t n = SMALL_REGION * 2;
    char *big = malloc(n);
    json_t *s, *v;

    (void)state;
    assert_non_null(big);
    memset(big, 'x', n);
    assert_int_equal(json_arena_begin(0), 0);
    st0 = stats();
    v = parse();
    s = json_stringn(big, n);
    assert_non_null(s);
    assert_int_equal(stats().fallbacks, st0.fallbacks + 1);
    assert_int_equal(json_string_length(s), n);
    assert_int_equal(json_string_value(s)[n - 1], 'x');
    json_decref(s);
    json_decref(v);
    assert_int_equal(stats().live, 0);
    json_arena_end();
    free(big);
}

/* After the end: new values come from malloc, values of the region are still freed there. */
static void test_values_outlive_the_arena(void **state)
{
    struct json_arena_stats st0;
    json_t *v, *w;

    (void)state;
    assert_int_equal(json_arena_begin(0), 0);
    v = parse();
    json_arena_end();
    st0 = stats();
    w = parse();
    assert_int_equal(stats().allocations, st0.allocations);
    assert_int_equal(stats().live, st0.live);
    assert_true(json_equal(v, w));
    json_decref(v);
    assert_int_equal(stats().live, 0);
    json_decref(w);
}

/* A text jansson returns is freed by json_text_free, inside the arena or not. */
static void test_dumped_text_is_freed_with_json_text_free(void **state)
{
    struct json_arena_stats st0;
    json_t *v;
    char *text;

    (void)state;
    assert_int_equal(json_arena_begin(0), 0);
    v = parse();
    st0 = stats();
    text = json_dumps(v, JSON_COMPACT);
    assert_non_null(text);
    assert_true(stats().live > st0.live);
    assert_non_null(strstr(text, "\"nom\":\"Dupont\""));
    json_text_free(text);
    assert_int_equal(stats().live, st0.live);
    json_decref(v);
    json_arena_end();
    v = parse();
    text = json_dumps(v, JSON_COMPACT);
    assert_non_null(text);
    json_text_free(text);
    json_decref(v);
    assert_int_equal(stats().live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_document_starts_again),
        cmocka_unit_test(test_kept_value_delays_the_restart),
        cmocka_unit_test(test_full_region_falls_back_to_malloc),
        cmocka_unit_test(test_values_outlive_the_arena),
        cmocka_unit_test(test_dumped_text_is_freed_with_json_text_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

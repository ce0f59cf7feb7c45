/*
 * test_base.c: arena, strbuf, err and parse_int64.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/strbuf.h"

static void test_arena_alloc_aligned_and_zeroed(void **state)
{
    struct arena a;
    arena_init(&a, 128);
    for (int i = 0; i < 1000; i++) {
        unsigned char *p = arena_alloc(&a, (size_t)(i % 37) + 1);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        for (int k = 0; k < (i % 37) + 1; k++)
            assert_int_equal(p[k], 0);
        memset(p, 0xAB, (size_t)(i % 37) + 1);
    }
    /* an allocation larger than the block size gets a block of its own */
    char *big = arena_alloc(&a, 10000);
    memset(big, 1, 10000);
    char *after = arena_alloc(&a, 8);
    assert_non_null(after);
    arena_clear(&a);
    char *s = arena_strdup(&a, "Liévin");
    assert_string_equal(s, "Liévin");
    assert_string_equal(arena_printf(&a, "%s-%d", "MDS", 9), "MDS-9");
    assert_string_equal(arena_strndup(&a, "abcdef", 3), "abc");
    arena_release(&a);
}

static void test_strbuf_grows_and_sticks(void **state)
{
    struct strbuf sb;
    strbuf_init(&sb, 0);
    for (int i = 0; i < 1000; i++)
        strbuf_addf(&sb, "%d;", i);
    assert_false(strbuf_failed(&sb));
    assert_int_equal(sb.len, strlen(sb.buf));
    assert_memory_equal(sb.buf, "0;1;2;", 6);
    strbuf_release(&sb);

    strbuf_init(&sb, 10);
    strbuf_addstr(&sb, "12345");
    strbuf_addstr(&sb, "67890");
    assert_false(strbuf_failed(&sb));
    strbuf_addch(&sb, 'x');
    assert_true(strbuf_failed(&sb));
    assert_string_equal(sb.buf, "1234567890");
    /* sticky: later appends are ignored even if they would fit */
    strbuf_truncate(&sb, 2);
    strbuf_addstr(&sb, "ab");
    assert_string_equal(sb.buf, "12");
    strbuf_clear(&sb);
    assert_false(strbuf_failed(&sb));
    strbuf_addf(&sb, "%s", "0123456789abc");
    assert_true(strbuf_failed(&sb));
    size_t n;
    char *d = strbuf_detach(&sb, &n);
    assert_true(n <= 10);
    free(d);
    assert_int_equal(sb.len, 0);
    strbuf_release(&sb);
}

static void test_err_table(void **state)
{
    struct err e;
    err_clear(&e);
    assert_int_equal(err_set(&e, ERR_NOT_FOUND, "commune inconnue : %s", "99999"), -1);
    assert_string_equal(e.message, "commune inconnue : 99999");
    err_detail(&e, "ligne %d", 3);
    err_hint(&e, "vérifiez le code");
    err_prefix(&e, "fichier %s : ", "x.csv");
    assert_string_equal(e.message, "fichier x.csv : commune inconnue : 99999");
    assert_string_equal(e.detail, "ligne 3");
    assert_int_equal(err_http_status(ERR_NOT_FOUND), 404);
    assert_int_equal(err_http_status(ERR_FORBIDDEN), 403);
    assert_int_equal(err_http_status(ERR_TOO_LARGE), 413);
    assert_int_equal(err_exit_status(ERR_OK), 0);
    assert_int_equal(err_exit_status(ERR_USAGE), 2);
    assert_string_equal(err_code_name(ERR_TAMPERED), "tampered");
    /* every code has a distinct exit status and a name */
    for (int i = 1; i < ERR__COUNT; i++) {
        assert_non_null(err_code_name((enum err_code)i));
        for (int j = i + 1; j < ERR__COUNT; j++)
            assert_int_not_equal(err_exit_status((enum err_code)i),
                                 err_exit_status((enum err_code)j));
    }
}

static void test_parse_int64(void **state)
{
    int64_t v;
    assert_int_equal(parse_int64("48137", 5, &v), 0);
    assert_int_equal(v, 48137);
    assert_int_equal(parse_int64("-12", 3, &v), 0);
    assert_int_equal(v, -12);
    assert_int_equal(parse_int64("9223372036854775807", 19, &v), 0);
    assert_int_equal(v, INT64_MAX);
    assert_int_equal(parse_int64("-9223372036854775808", 20, &v), 0);
    assert_true(v == INT64_MIN);
    assert_int_equal(parse_int64("9223372036854775808", 19, &v), -1);
    assert_int_equal(parse_int64("", 0, &v), -1);
    assert_int_equal(parse_int64("-", 1, &v), -1);
    assert_int_equal(parse_int64("12a", 3, &v), -1);
    assert_int_equal(parse_int64(" 1", 2, &v), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_alloc_aligned_and_zeroed),
        cmocka_unit_test(test_strbuf_grows_and_sticks),
        cmocka_unit_test(test_err_table),
        cmocka_unit_test(test_parse_int64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

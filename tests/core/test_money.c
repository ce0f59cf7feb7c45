/*
 * test_money.c: French display of numbers compared byte for byte (U+202F
 * between thousands, U+00A0 before units), rounding half away from zero,
 * the INT64 extremes, and money_parse with its messages.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "core/money.h"

/* Short names for the expected strings below. */
#define T  FR_THIN_NBSP
#define NB FR_NBSP

enum fmt_kind { F_INT, F_MONEY, F_EUROS, F_MILLIONS, F_PERCENT, F_FIXED, F_PLAIN };

static void check_fmt(enum fmt_kind kind, int64_t a, int64_t b, int c, int d, const char *want)
{
    struct strbuf sb;

    strbuf_init(&sb, 0);
    strbuf_addstr(&sb, "["); /* formatters append: keep what was there */
    switch (kind) {
    case F_INT:
        num_format_int(&sb, a);
        break;
    case F_MONEY:
        money_format(&sb, a);
        break;
    case F_EUROS:
        money_format_euros(&sb, a);
        break;
    case F_MILLIONS:
        money_format_millions(&sb, a, c);
        break;
    case F_PERCENT:
        num_format_percent(&sb, a, b, d);
        break;
    case F_FIXED:
        num_format_fixed(&sb, a, c, d);
        break;
    case F_PLAIN:
        money_format_plain(&sb, a);
        break;
    }
    assert_false(strbuf_failed(&sb));
    assert_int_equal(sb.buf[0], '[');
    assert_string_equal(sb.buf + 1, want);
    assert_int_equal(sb.len, strlen(want) + 1);
    strbuf_release(&sb);
}

static void test_format_int(void **state)
{
    check_fmt(F_INT, 0, 0, 0, 0, "0");
    check_fmt(F_INT, 7, 0, 0, 0, "7");
    check_fmt(F_INT, 999, 0, 0, 0, "999");
    check_fmt(F_INT, 1000, 0, 0, 0, "1" T "000");
    check_fmt(F_INT, 48137, 0, 0, 0, "48" T "137");
    check_fmt(F_INT, 100000, 0, 0, 0, "100" T "000");
    check_fmt(F_INT, 1000000, 0, 0, 0, "1" T "000" T "000");
    check_fmt(F_INT, -1, 0, 0, 0, "-1");
    check_fmt(F_INT, -999, 0, 0, 0, "-999");
    check_fmt(F_INT, -1234, 0, 0, 0, "-1" T "234");
    check_fmt(F_INT, INT64_MAX, 0, 0, 0, "9" T "223" T "372" T "036" T "854" T "775" T "807");
    check_fmt(F_INT, INT64_MIN, 0, 0, 0, "-9" T "223" T "372" T "036" T "854" T "775" T "808");
    /* exactly the bytes of the header's example */
    check_fmt(F_INT, 48137, 0, 0, 0,
              "48\xE2\x80\xAF"
              "137");
}

static void test_format_money(void **state)
{
    check_fmt(F_MONEY, 0, 0, 0, 0, "0,00" NB "€");
    check_fmt(F_MONEY, 5, 0, 0, 0, "0,05" NB "€");
    check_fmt(F_MONEY, -5, 0, 0, 0, "-0,05" NB "€");
    check_fmt(F_MONEY, 100, 0, 0, 0, "1,00" NB "€");
    check_fmt(F_MONEY, 123456, 0, 0, 0, "1" T "234,56" NB "€");
    check_fmt(F_MONEY, -123456, 0, 0, 0, "-1" T "234,56" NB "€");
    check_fmt(F_MONEY, 99999, 0, 0, 0, "999,99" NB "€");
    check_fmt(F_MONEY, INT64_MAX, 0, 0, 0, "92" T "233" T "720" T "368" T "547" T "758,07" NB "€");
    check_fmt(F_MONEY, INT64_MIN, 0, 0, 0, "-92" T "233" T "720" T "368" T "547" T "758,08" NB "€");
    check_fmt(F_MONEY, 123456, 0, 0, 0,
              "1\xE2\x80\xAF"
              "234,56\xC2\xA0\xE2\x82\xAC");
}

static void test_format_euros_rounding(void **state)
{
    check_fmt(F_EUROS, 0, 0, 0, 0, "0" NB "€");
    check_fmt(F_EUROS, 123456, 0, 0, 0, "1" T "235" NB "€");
    check_fmt(F_EUROS, 123449, 0, 0, 0, "1" T "234" NB "€");
    check_fmt(F_EUROS, 123450, 0, 0, 0, "1" T "235" NB "€");
    check_fmt(F_EUROS, 149, 0, 0, 0, "1" NB "€");
    check_fmt(F_EUROS, 150, 0, 0, 0, "2" NB "€");
    check_fmt(F_EUROS, 50, 0, 0, 0, "1" NB "€");
    check_fmt(F_EUROS, 49, 0, 0, 0, "0" NB "€");
    /* half away from zero, symmetric for negatives */
    check_fmt(F_EUROS, -50, 0, 0, 0, "-1" NB "€");
    check_fmt(F_EUROS, -150, 0, 0, 0, "-2" NB "€");
    check_fmt(F_EUROS, -149, 0, 0, 0, "-1" NB "€");
    /* rounded to zero: no "-0" */
    check_fmt(F_EUROS, -49, 0, 0, 0, "0" NB "€");
    /* the carry ripples into a new group */
    check_fmt(F_EUROS, 99999950, 0, 0, 0, "1" T "000" T "000" NB "€");
    check_fmt(F_EUROS, INT64_MAX, 0, 0, 0, "92" T "233" T "720" T "368" T "547" T "758" NB "€");
    check_fmt(F_EUROS, INT64_MIN, 0, 0, 0, "-92" T "233" T "720" T "368" T "547" T "758" NB "€");
}

static void test_format_millions(void **state)
{
    check_fmt(F_MILLIONS, INT64_C(31140000000), 0, 1, 0, "311,4" NB "M€");
    check_fmt(F_MILLIONS, INT64_C(31144999999), 0, 1, 0, "311,4" NB "M€");
    check_fmt(F_MILLIONS, INT64_C(31145000000), 0, 1, 0, "311,5" NB "M€");
    check_fmt(F_MILLIONS, INT64_C(-31145000000), 0, 1, 0, "-311,5" NB "M€");
    check_fmt(F_MILLIONS, INT64_C(-31144999999), 0, 1, 0, "-311,4" NB "M€");
    check_fmt(F_MILLIONS, INT64_C(99950000000), 0, 0, 0, "1" T "000" NB "M€");
    check_fmt(F_MILLIONS, INT64_C(99950000000), 0, 2, 0, "999,50" NB "M€");
    check_fmt(F_MILLIONS, 4999999, 0, 1, 0, "0,0" NB "M€");
    check_fmt(F_MILLIONS, -4999999, 0, 1, 0, "0,0" NB "M€");
    check_fmt(F_MILLIONS, -5000000, 0, 1, 0, "-0,1" NB "M€");
    check_fmt(F_MILLIONS, 0, 0, 3, 0, "0,000" NB "M€");
    /* more decimals than cents carry: padded with exact zeros */
    check_fmt(F_MILLIONS, 123, 0, 10, 0, "0,0000012300" NB "M€");
    check_fmt(F_MILLIONS, INT64_MAX, 0, 1, 0, "92" T "233" T "720" T "368,5" NB "M€");
    check_fmt(F_MILLIONS, INT64_MIN, 0, 1, 0, "-92" T "233" T "720" T "368,5" NB "M€");
}

static void test_format_percent(void **state)
{
    check_fmt(F_PERCENT, 5, 8, 0, 0, "63" NB "%");
    check_fmt(F_PERCENT, 1, 8, 0, 1, "12,5" NB "%");
    check_fmt(F_PERCENT, 1, 8, 0, 0, "13" NB "%");
    check_fmt(F_PERCENT, -1, 8, 0, 0, "-13" NB "%");
    check_fmt(F_PERCENT, 1, -8, 0, 0, "-13" NB "%");
    check_fmt(F_PERCENT, -1, -8, 0, 0, "13" NB "%");
    check_fmt(F_PERCENT, 1, 3, 0, 1, "33,3" NB "%");
    check_fmt(F_PERCENT, 2, 3, 0, 2, "66,67" NB "%");
    check_fmt(F_PERCENT, 0, 5, 0, 0, "0" NB "%");
    check_fmt(F_PERCENT, 0, -5, 0, 1, "0,0" NB "%");
    check_fmt(F_PERCENT, 1000, 1, 0, 0, "100" T "000" NB "%");
    check_fmt(F_PERCENT, -1, 1000, 0, 0, "0" NB "%");
    check_fmt(F_PERCENT, -1, 200, 0, 0, "-1" NB "%");
    check_fmt(F_PERCENT, 199, 200, 0, 0, "100" NB "%"); /* 99.5 */
    check_fmt(F_PERCENT, 1, 0, 0, 0, "n.d.");
    check_fmt(F_PERCENT, 0, 0, 0, 1, "n.d.");
    check_fmt(F_PERCENT, INT64_MIN, 0, 0, 2, "n.d.");
    /* extremes: the quotient is wider than 64 bits, the denominator is 2^63 */
    check_fmt(F_PERCENT, INT64_MAX, 1, 0, 0,
              "922" T "337" T "203" T "685" T "477" T "580" T "700" NB "%");
    check_fmt(F_PERCENT, INT64_MIN, -1, 0, 0,
              "922" T "337" T "203" T "685" T "477" T "580" T "800" NB "%");
    check_fmt(F_PERCENT, INT64_MIN, INT64_MIN, 0, 1, "100,0" NB "%");
    check_fmt(F_PERCENT, INT64_MAX, INT64_MIN, 0, 2, "-100,00" NB "%");
    check_fmt(F_PERCENT, 1, INT64_MAX, 0, 2, "0,00" NB "%");
    check_fmt(F_PERCENT, INT64_MAX - 1, INT64_MAX, 0, 18, "99,999999999999999989" NB "%");
    check_fmt(F_PERCENT, 2, 3, 0, 18, "66,666666666666666667" NB "%");
}

static void test_format_fixed_and_plain(void **state)
{
    check_fmt(F_FIXED, 16268, 0, 2, 2, "162,68");
    check_fmt(F_FIXED, 16268, 0, 2, 1, "162,7");
    check_fmt(F_FIXED, 16268, 0, 2, 0, "163");
    check_fmt(F_FIXED, -16268, 0, 2, 1, "-162,7");
    check_fmt(F_FIXED, -16250, 0, 3, 1, "-16,3");
    check_fmt(F_FIXED, 5, 0, 0, 2, "5,00");
    check_fmt(F_FIXED, 123456789, 0, 3, 3, "123" T "456,789");
    check_fmt(F_FIXED, 1, 0, 18, 18, "0,000000000000000001");
    check_fmt(F_FIXED, INT64_MIN, 0, 18, 2, "-9,22");
    check_fmt(F_FIXED, INT64_MAX, 0, 0, 0, "9" T "223" T "372" T "036" T "854" T "775" T "807");

    check_fmt(F_PLAIN, 123456, 0, 0, 0, "1234.56");
    check_fmt(F_PLAIN, -5, 0, 0, 0, "-0.05");
    check_fmt(F_PLAIN, 0, 0, 0, 0, "0.00");
    check_fmt(F_PLAIN, 100000000, 0, 0, 0, "1000000.00");
    check_fmt(F_PLAIN, INT64_MAX, 0, 0, 0, "92233720368547758.07");
    check_fmt(F_PLAIN, INT64_MIN, 0, 0, 0, "-92233720368547758.08");
}

/*
 * Reference for small values: the rounded scaled integer q computed with
 * plain int64 arithmetic, printed with snprintf and grouped by hand.
 */
static void ref_format(char *out, size_t size, int64_t q, int decimals)
{
    char digits[32], *o = out;
    uint64_t mag = q < 0 ? (uint64_t)(-q) : (uint64_t)q;
    int nd, nint;

    nd = snprintf(digits, sizeof(digits), "%0*" PRIu64, decimals + 1, mag);
    nint = nd - decimals;
    if (q < 0)
        *o++ = '-';
    for (int k = 0; k < nint; k++) {
        if (k > 0 && (nint - k) % 3 == 0) {
            memcpy(o, T, 3);
            o += 3;
        }
        *o++ = digits[k];
    }
    if (decimals) {
        *o++ = ',';
        memcpy(o, digits + nint, (size_t)decimals);
        o += decimals;
    }
    *o = '\0';
    assert_true((size_t)(o - out) < size);
}

static uint64_t rnd_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Rounding half away from zero of |x| / |y|, both small and non-negative. */
static int64_t round_div(int64_t x, int64_t y)
{
    return (2 * x + y) / (2 * y);
}

static void test_against_reference(void **state)
{
    uint64_t seed = 48137;
    char want[96];

    for (int i = 0; i < 100000; i++) {
        int64_t num = (int64_t)(rnd_next(&seed) % 2000001) - 1000000;
        int64_t den = (int64_t)(rnd_next(&seed) % 2000001) - 1000000;
        int d = (int)(rnd_next(&seed) % 4);
        if (den == 0)
            continue;
        if (i % 4 == 0)
            den = (int64_t)(rnd_next(&seed) % 16) + 1; /* many exact halves */
        int64_t an = num < 0 ? -num : num, ad = den < 0 ? -den : den;
        int64_t p10 = d == 0 ? 1 : d == 1 ? 10 : d == 2 ? 100 : 1000;
        int64_t q = round_div(an * 100 * p10, ad);
        if ((num < 0) != (den < 0))
            q = -q;
        ref_format(want, sizeof(want), q, d);
        memcpy(want + strlen(want), NB "%", sizeof(NB "%"));
        check_fmt(F_PERCENT, num, den, 0, d, want);

        /* fixed point: v / 10^scale shown with `decimals` decimals */
        int64_t v = (int64_t)(rnd_next(&seed) % 2000000000001) - 1000000000000;
        int scale = (int)(rnd_next(&seed) % 7), dec = (int)(rnd_next(&seed) % 7);
        int64_t av = v < 0 ? -v : v;
        int64_t fq = av;
        for (int k = scale; k < dec; k++)
            fq *= 10;
        if (dec < scale) {
            int64_t div = 1;
            for (int k = dec; k < scale; k++)
                div *= 10;
            fq = round_div(av, div);
        }
        ref_format(want, sizeof(want), v < 0 ? -fq : fq, dec);
        check_fmt(F_FIXED, v, 0, scale, dec, want);
    }
}

static void test_sticky_buffer(void **state)
{
    struct strbuf sb;

    strbuf_init(&sb, 5);
    money_format(&sb, 123456);
    assert_true(strbuf_failed(&sb));
    assert_true(sb.len <= 5);
    strbuf_release(&sb);
}

static int64_t parse_ok(const char *s)
{
    int64_t cents = 0;
    struct err e;

    err_clear(&e);
    assert_int_equal(money_parse(s, strlen(s), &cents, &e), 0);
    assert_int_equal(e.code, ERR_OK);
    return cents;
}

static void check_parse_bad(const char *s, const char *message)
{
    int64_t cents = 4242;
    struct err e;

    err_clear(&e);
    assert_int_equal(money_parse(s, strlen(s), &cents, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.message, message);
    assert_non_null(strstr(e.hint, "1 234,56"));
    assert_int_equal(cents, 4242);
}

static void test_parse_accepts(void **state)
{
    assert_int_equal(parse_ok("1234"), 123400);
    assert_int_equal(parse_ok("1234.5"), 123450);
    assert_int_equal(parse_ok("1234,56"), 123456);
    assert_int_equal(parse_ok("1 234,56"), 123456);
    assert_int_equal(parse_ok("1" T "234,56"), 123456);
    assert_int_equal(parse_ok("1" NB "234,56"), 123456);
    assert_int_equal(parse_ok("-12,3"), -1230);
    assert_int_equal(parse_ok("0"), 0);
    assert_int_equal(parse_ok("-0"), 0);
    assert_int_equal(parse_ok("0,05"), 5);
    assert_int_equal(parse_ok("-0.05"), -5);
    assert_int_equal(parse_ok("007"), 700);
    assert_int_equal(parse_ok("12 345 678,90"), 1234567890);
    assert_int_equal(parse_ok("12" T "345" NB "678 901"), INT64_C(1234567890100));
    assert_int_equal(parse_ok("999"), 99900);
    assert_true(parse_ok("92233720368547758.07") == INT64_MAX);
    assert_true(parse_ok("92 233 720 368 547 758,07") == INT64_MAX);
    assert_true(parse_ok("-92233720368547758,08") == INT64_MIN);
    assert_true(parse_ok("-92233720368547758") == INT64_MIN + 8);
    /* n bounds the input */
    int64_t c;
    assert_int_equal(money_parse("12,50 €", 5, &c, NULL), 0);
    assert_int_equal(c, 1250);
}

static void test_parse_rejects(void **state)
{
    check_parse_bad("", "montant manquant (attendu par exemple 1 234,56)");
    check_parse_bad("12,345", "montant invalide : \"12,345\" (au plus 2 décimales)");
    check_parse_bad("1,234.56", "montant invalide : \"1,234.56\" (au plus 2 décimales)");
    check_parse_bad("1.234,56", "montant invalide : \"1.234,56\" (au plus 2 décimales)");
    check_parse_bad("12 34", "montant invalide : \"12 34\" (séparateur de milliers mal placé)");
    check_parse_bad("1234 567",
                    "montant invalide : \"1234 567\" (séparateur de milliers mal placé)");
    check_parse_bad("1 2345", "montant invalide : \"1 2345\" (séparateur de milliers mal placé)");
    check_parse_bad("1 234 56,00",
                    "montant invalide : \"1 234 56,00\" (séparateur de milliers mal placé)");
    check_parse_bad("1  234",
                    "montant invalide : \"1  234\" (chiffre attendu après un séparateur)");
    check_parse_bad("12 €", "montant invalide : \"12 €\" (chiffre attendu après un séparateur)");
    check_parse_bad("12 ", "montant invalide : \"12 \" (chiffre attendu après un séparateur)");
    check_parse_bad("abc", "montant invalide : \"abc\" (caractère inattendu en position 1)");
    check_parse_bad("12€", "montant invalide : \"12€\" (caractère inattendu en position 3)");
    check_parse_bad("+12", "montant invalide : \"+12\" (caractère inattendu en position 1)");
    check_parse_bad("- 12", "montant invalide : \"- 12\" (caractère inattendu en position 2)");
    check_parse_bad(" 12", "montant invalide : \" 12\" (caractère inattendu en position 1)");
    check_parse_bad(",5", "montant invalide : \",5\" (caractère inattendu en position 1)");
    check_parse_bad("1e3", "montant invalide : \"1e3\" (caractère inattendu en position 2)");
    check_parse_bad("12,3x", "montant invalide : \"12,3x\" (caractère inattendu en position 5)");
    check_parse_bad("--1", "montant invalide : \"--1\" (caractère inattendu en position 2)");
    /* positions count characters, not bytes */
    check_parse_bad("1" T "234x",
                    "montant invalide : \"1" T "234x\" (caractère inattendu en position 6)");
    check_parse_bad("12,", "montant invalide : \"12,\" (chiffre attendu après la virgule)");
    check_parse_bad("12.", "montant invalide : \"12.\" (chiffre attendu après le point)");
    check_parse_bad("-", "montant invalide : \"-\" (aucun chiffre)");
    check_parse_bad("92233720368547758.08",
                    "montant invalide : \"92233720368547758.08\" (trop grand)");
    check_parse_bad("-92233720368547758,09",
                    "montant invalide : \"-92233720368547758,09\" (trop grand)");
    check_parse_bad("92233720368547759", "montant invalide : \"92233720368547759\" (trop grand)");
    check_parse_bad("99999999999999999999999999",
                    "montant invalide : \"99999999999999999999999999\" (trop grand)");
    check_parse_bad("1\xFF", "montant invalide : \"1\\xFF\" (caractère inattendu en position 2)");
    check_parse_bad("1\n", "montant invalide : \"1\\x0A\" (caractère inattendu en position 2)");
    /* an embedded NUL is a stray byte, not the end */
    int64_t c = 7;
    assert_int_equal(money_parse("12\0"
                                 "3",
                                 4, &c, NULL),
                     -1);
    assert_int_equal(c, 7);
}

/* What proxima prints, it reads back. */
static void test_round_trips(void **state)
{
    uint64_t seed = 62;
    struct strbuf sb;
    int64_t back;
    struct err e;

    strbuf_init(&sb, 0);
    for (int i = 0; i < 50000; i++) {
        int64_t v;
        uint64_t r = rnd_next(&seed);
        if (i < 6) {
            static const int64_t edge[] = {0, 1, -1, INT64_MAX, INT64_MIN, INT64_MIN + 1};
            v = edge[i];
        } else {
            /* all magnitudes, not only huge ones; >= 1 shift keeps it positive */
            v = (int64_t)(r >> (1 + rnd_next(&seed) % 63));
            if (r & 1)
                v = -v;
        }
        strbuf_clear(&sb);
        money_format_plain(&sb, v);
        assert_int_equal(money_parse(sb.buf, sb.len, &back, &e), 0);
        assert_true(back == v);

        strbuf_clear(&sb);
        num_format_fixed(&sb, v, 2, 2);
        assert_int_equal(money_parse(sb.buf, sb.len, &back, &e), 0);
        assert_true(back == v);

        /* money_format without its unit */
        strbuf_clear(&sb);
        money_format(&sb, v);
        assert_true(sb.len > strlen(NB "€"));
        assert_memory_equal(sb.buf + sb.len - strlen(NB "€"), NB "€", strlen(NB "€"));
        assert_int_equal(money_parse(sb.buf, sb.len - strlen(NB "€"), &back, &e), 0);
        assert_true(back == v);
    }
    strbuf_release(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_int),
        cmocka_unit_test(test_format_money),
        cmocka_unit_test(test_format_euros_rounding),
        cmocka_unit_test(test_format_millions),
        cmocka_unit_test(test_format_percent),
        cmocka_unit_test(test_format_fixed_and_plain),
        cmocka_unit_test(test_against_reference),
        cmocka_unit_test(test_sticky_buffer),
        cmocka_unit_test(test_parse_accepts),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

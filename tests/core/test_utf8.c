/*
 * test_utf8.c: strict UTF-8 validation and decoding, checked exhaustively
 * against a reference built from the RFC 3629 table, and the folding of
 * French names used by search.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "core/strbuf.h"
#include "core/utf8.h"

/* Fold s and compare with the expected key. */
static void check_fold(const char *s, const char *want)
{
    struct strbuf sb;

    strbuf_init(&sb, 0);
    utf8_fold(&sb, s, strlen(s));
    assert_false(strbuf_failed(&sb));
    assert_string_equal(sb.buf, want);
    assert_int_equal(sb.len, strlen(want));
    strbuf_release(&sb);
}

static bool valid_str(const char *s)
{
    return utf8_valid(s, strlen(s));
}

static void test_valid_boundaries(void **state)
{
    assert_true(utf8_valid("", 0));
    assert_true(valid_str("Liévin"));
    assert_true(valid_str("L’Œuvre"));
    assert_true(valid_str("\x7F"));
    assert_true(valid_str("\xC2\x80"));         /* U+0080 */
    assert_true(valid_str("\xDF\xBF"));         /* U+07FF */
    assert_true(valid_str("\xE0\xA0\x80"));     /* U+0800 */
    assert_true(valid_str("\xED\x9F\xBF"));     /* U+D7FF, just below the surrogates */
    assert_true(valid_str("\xEE\x80\x80"));     /* U+E000, just above */
    assert_true(valid_str("\xEF\xBF\xBF"));     /* U+FFFF */
    assert_true(valid_str("\xF0\x90\x80\x80")); /* U+10000 */
    assert_true(valid_str("\xF4\x8F\xBF\xBF")); /* U+10FFFF */
    /* an embedded NUL is a valid code point when n covers it */
    assert_true(utf8_valid("a\0b", 3));
}

static void test_invalid_sequences(void **state)
{
    static const char *const bad[] = {
        "\xC0\x80",             /* overlong NUL */
        "\xC1\xBF",             /* overlong U+007F */
        "\xE0\x80\x80",         /* overlong 3-byte */
        "\xE0\x9F\xBF",         /* overlong U+07FF */
        "\xF0\x80\x80\x80",     /* overlong 4-byte */
        "\xF0\x8F\xBF\xBF",     /* overlong U+FFFF */
        "\xED\xA0\x80",         /* surrogate U+D800 */
        "\xED\xBF\xBF",         /* surrogate U+DFFF */
        "\xF4\x90\x80\x80",     /* U+110000 */
        "\xF5\x80\x80\x80",     /* lead byte past U+10FFFF */
        "\xFF",                 /* never in UTF-8 */
        "\xFE",                 /* never in UTF-8 */
        "\x80",                 /* lone continuation */
        "\xBF",                 /* lone continuation */
        "\xC3",                 /* truncated 2-byte */
        "\xE2\x82",             /* truncated 3-byte (euro sign) */
        "\xF0\x9F\x98",         /* truncated 4-byte */
        "Li\xC3vin",            /* lead byte followed by ASCII */
        "\xE2\x82\xAC\xE2\x82", /* good then truncated */
        "\xC3\xA9\xA9",         /* extra continuation */
        "\xE2\xC2\xA0",         /* lead followed by another lead */
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_false(valid_str(bad[i]));
    }
    /* a good string cut inside its last character is invalid */
    assert_false(utf8_valid("Liévin", 3));
    assert_true(utf8_valid("Liévin", 4));
}

static void test_decode_positions(void **state)
{
    const char *s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
    size_t n = strlen(s), pos = 0;

    assert_int_equal(utf8_decode(s, n, &pos), 'a');
    assert_int_equal(pos, 1);
    assert_int_equal(utf8_decode(s, n, &pos), 0xE9);
    assert_int_equal(pos, 3);
    assert_int_equal(utf8_decode(s, n, &pos), 0x20AC);
    assert_int_equal(pos, 6);
    assert_int_equal(utf8_decode(s, n, &pos), 0x1F600);
    assert_int_equal(pos, 10);

    /* malformed input: -1 and one byte at a time, then resynchronise */
    const char *m = "\xE2\x82"
                    "A\xED\xA0\x80"
                    "B";
    n = strlen(m);
    pos = 0;
    assert_int_equal(utf8_decode(m, n, &pos), -1);
    assert_int_equal(pos, 1);
    assert_int_equal(utf8_decode(m, n, &pos), -1);
    assert_int_equal(pos, 2);
    assert_int_equal(utf8_decode(m, n, &pos), 'A');
    assert_int_equal(pos, 3);
    for (size_t k = 4; k <= 6; k++) {
        assert_int_equal(utf8_decode(m, n, &pos), -1);
        assert_int_equal(pos, k);
    }
    assert_int_equal(utf8_decode(m, n, &pos), 'B');

    /* the decoder must not read past n even if more bytes follow */
    pos = 0;
    assert_int_equal(utf8_decode("\xC3\xA9", 1, &pos), -1);
    assert_int_equal(pos, 1);
}

/* Every scalar value round-trips through encode and decode. */
static void test_encode_decode_all_code_points(void **state)
{
    struct strbuf sb;

    strbuf_init(&sb, 0);
    for (int32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        size_t want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        size_t pos = 0;
        strbuf_clear(&sb);
        utf8_encode(&sb, cp);
        assert_int_equal(sb.len, want);
        assert_true(utf8_valid(sb.buf, sb.len));
        assert_int_equal(utf8_decode(sb.buf, sb.len, &pos), cp);
        assert_int_equal(pos, want);
    }
    /* not scalar values: U+FFFD */
    static const int32_t bad[] = {-1, 0xD800, 0xDFFF, 0x110000, INT32_MAX, INT32_MIN};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        strbuf_clear(&sb);
        utf8_encode(&sb, bad[i]);
        assert_string_equal(sb.buf, "\xEF\xBF\xBD");
    }
    strbuf_release(&sb);
}

/*
 * Reference: a sequence is valid iff it is the shortest encoding of a scalar
 * value, computed here from the bit layout rather than from byte ranges.
 */
static bool ref_valid(const unsigned char *b, size_t n)
{
    size_t need;
    uint32_t cp, min;

    if (n == 0)
        return true;
    if (b[0] < 0x80)
        return n == 1;
    if ((b[0] & 0xE0) == 0xC0)
        need = 1, cp = b[0] & 0x1Fu, min = 0x80;
    else if ((b[0] & 0xF0) == 0xE0)
        need = 2, cp = b[0] & 0x0Fu, min = 0x800;
    else if ((b[0] & 0xF8) == 0xF0)
        need = 3, cp = b[0] & 0x07u, min = 0x10000;
    else
        return false;
    if (n != need + 1)
        return false;
    for (size_t k = 1; k <= need; k++) {
        if ((b[k] & 0xC0) != 0x80)
            return false;
        cp = (cp << 6) | (b[k] & 0x3Fu);
    }
    return cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

static void test_valid_matches_reference(void **state)
{
    unsigned char b[4];
    long checked = 0;

    for (int b0 = 0; b0 < 256; b0++) {
        b[0] = (unsigned char)b0;
        assert_int_equal(utf8_valid((char *)b, 1), ref_valid(b, 1));
        for (int b1 = 0; b1 < 256; b1++) {
            b[1] = (unsigned char)b1;
            bool v = utf8_valid((char *)b, 2);
            /* after an ASCII byte the second byte stands alone */
            if (b0 < 0x80)
                assert_int_equal(v, ref_valid(b + 1, 1));
            else
                assert_int_equal(v, ref_valid(b, 2));
            if (b0 < 0xE0 || b0 > 0xF7)
                continue;
            for (int b2 = 0; b2 < 256; b2++) {
                b[2] = (unsigned char)b2;
                if (b0 < 0xF0) {
                    assert_int_equal(utf8_valid((char *)b, 3), ref_valid(b, 3));
                    checked++;
                    continue;
                }
                static const unsigned char last[] = {0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xFF};
                for (size_t k = 0; k < ARRAY_SIZE(last); k++) {
                    b[3] = last[k];
                    assert_int_equal(utf8_valid((char *)b, 4), ref_valid(b, 4));
                    checked++;
                }
            }
        }
    }
    assert_true(checked > 1000000);
}

static void test_fold_french_names(void **state)
{
    check_fold("Liévin", "lievin");
    check_fold("lievin", "lievin");
    check_fold("SAINT-OMER", "saint omer");
    check_fold("saint omer", "saint omer");
    check_fold("Saint-Omer", "saint omer");
    check_fold("Hénin-Beaumont", "henin beaumont");
    check_fold("HÉNIN - BEAUMONT", "henin beaumont");
    check_fold("L'Œuvre", "l oeuvre");
    check_fold("L’Œuvre", "l oeuvre");
    check_fold("l'oeuvre", "l oeuvre");
    check_fold("Sainte-Catherine", "sainte catherine");
    check_fold("  SAINTE   CATHERINE\t\n", "sainte catherine");
    check_fold("Æsop", "aesop");
    check_fold("Straße", "strasse");
    check_fold("ÇA ÉTÉ À L’ÎLE", "ca ete a l ile");
    check_fold("Noël-sur-Mer", "noel sur mer");
    check_fold("Boulogne–sur–Mer", "boulogne sur mer"); /* en dashes */
    check_fold("Aire\xC2\xA0sur\xE2\x80\xAFla\xE2\x80\x89Lys", "aire sur la lys");
    check_fold("Ÿ ÿ Ł ł Ő Ž Ș ț", "y y l l o z s t");
    check_fold("Ĳssel ĳ", "ijssel ij");
    check_fold("Þórr", "thorr");
    check_fold("62 – Pas-de-Calais (PAS DE CALAIS)", "62 pas de calais (pas de calais)");
}

static void test_fold_edges(void **state)
{
    check_fold("", "");
    check_fold("   ", "");
    check_fold(" - ' \xE2\x80\x99 ", "");
    check_fold("-a-", "a");
    check_fold("a''b", "a b");
    /* decomposed é (e + U+0301) as produced by macOS */
    check_fold("Lie\xCC\x81vin", "lievin");
    /* BOM, zero-width space and soft hyphen are invisible, not separators */
    check_fold("\xEF\xBB\xBFLi\xE2\x80\x8B\xC3\xA9vin", "lievin");
    check_fold("Saint\xC2\xADOmer", "saintomer");
    /* other scripts and symbols are kept */
    check_fold("Σ × 2 €", "Σ × 2 €");
    check_fold("x\x01y\x7F", "xy");
    /* appending after existing content: no leading space, prefix untouched */
    struct strbuf sb;
    strbuf_init(&sb, 0);
    strbuf_addstr(&sb, "k:");
    utf8_fold(&sb, "  Arras ", 8);
    assert_string_equal(sb.buf, "k:arras");
    /* n bounds the input: the NUL and what follows are ignored or dropped */
    strbuf_clear(&sb);
    utf8_fold(&sb, "ab\0cd", 5);
    assert_string_equal(sb.buf, "abcd");
    assert_int_equal(sb.len, 4);
    strbuf_clear(&sb);
    utf8_fold(&sb, "Liévin", 3); /* cut inside é */
    assert_string_equal(sb.buf, "li");
    strbuf_release(&sb);
    /* the sticky error of a full buffer is kept */
    strbuf_init(&sb, 4);
    utf8_fold(&sb, "Hénin-Beaumont", strlen("Hénin-Beaumont"));
    assert_true(strbuf_failed(&sb));
    strbuf_release(&sb);
}

static void test_fold_drops_malformed(void **state)
{
    check_fold("Li\xFF\xC3\xA9vin", "lievin");
    check_fold("a\xC0\x80z", "az");         /* overlong */
    check_fold("a\xED\xA0\x80z", "az");     /* surrogate */
    check_fold("a\xF4\x90\x80\x80z", "az"); /* > U+10FFFF */
    check_fold("Arras\xC3", "arras");       /* truncated at the end */
    check_fold("Arr\xE2\x82s", "arrs");     /* truncated in the middle */
    check_fold("\x80\x80 A", "a");
}

/* Every letter of Latin-1 and Latin Extended-A folds to ASCII letters. */
static void test_fold_latin_table(void **state)
{
    struct strbuf sb, up, lo;

    strbuf_init(&sb, 0);
    for (int32_t cp = 0xC0; cp <= 0x17F; cp++) {
        strbuf_clear(&sb);
        utf8_encode(&sb, cp);
        struct strbuf key;
        strbuf_init(&key, 0);
        utf8_fold(&key, sb.buf, sb.len);
        if (cp == 0xD7 || cp == 0xF7) {
            assert_string_equal(key.buf, sb.buf); /* × and ÷ are kept */
        } else {
            assert_true(key.len == 1 || key.len == 2);
            for (size_t k = 0; k < key.len; k++)
                assert_true(key.buf[k] >= 'a' && key.buf[k] <= 'z');
        }
        strbuf_release(&key);
    }
    strbuf_release(&sb);

    /* upper and lower case pairs fold alike */
    strbuf_init(&up, 0);
    strbuf_init(&lo, 0);
    int pairs = 0;
    for (int32_t cp = 0xC0; cp <= 0x17E; cp++) {
        int32_t lower;
        if (cp <= 0xDE)
            lower = cp == 0xD7 ? 0 : cp + 0x20;
        else if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177))
            lower = cp % 2 == 0 ? cp + 1 : 0;
        else if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
            lower = cp % 2 == 1 ? cp + 1 : 0;
        else
            lower = 0;
        if (!lower)
            continue;
        strbuf_clear(&up);
        strbuf_clear(&lo);
        utf8_encode(&up, cp);
        utf8_encode(&lo, lower);
        char u[8], l[8];
        memcpy(u, up.buf, up.len + 1);
        memcpy(l, lo.buf, lo.len + 1);
        assert_int_equal(utf8_fold_cmp(u, l), 0);
        pairs++;
    }
    /* Latin-1: 30 pairs; Extended-A: 28 + 8 + 23 + 3 */
    assert_int_equal(pairs, 30 + 28 + 8 + 23 + 3);
    assert_int_equal(utf8_fold_cmp("Ÿ", "ÿ"), 0);
    strbuf_release(&up);
    strbuf_release(&lo);
}

/* Deterministic xorshift so that failures reproduce. */
static uint32_t rnd_next(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* On arbitrary bytes the key is valid UTF-8, not longer, and a fixed point. */
static void test_fold_properties_random(void **state)
{
    static const char *const pieces[] = {"É",  "é",        "œ", "ß", "'",    "’",    "-",
                                         " ",  "\xC2\xA0", "A", "z", "\xC3", "\x80", "\xED\xA0\x80",
                                         "\t", "Σ"};
    uint32_t seed = 2022;
    struct strbuf in, k1, k2;

    strbuf_init(&in, 0);
    strbuf_init(&k1, 0);
    strbuf_init(&k2, 0);
    for (int round = 0; round < 20000; round++) {
        strbuf_clear(&in);
        strbuf_clear(&k1);
        strbuf_clear(&k2);
        int len = (int)(rnd_next(&seed) % 24);
        for (int i = 0; i < len; i++) {
            uint32_t r = rnd_next(&seed);
            if (r % 3 == 0)
                strbuf_addch(&in, (char)(r >> 8));
            else
                strbuf_addstr(&in, pieces[(r >> 8) % ARRAY_SIZE(pieces)]);
        }
        utf8_fold(&k1, in.buf, in.len);
        assert_true(k1.len <= in.len);
        assert_true(utf8_valid(k1.buf, k1.len));
        assert_int_equal(strlen(k1.buf), k1.len);
        if (k1.len) {
            assert_true(k1.buf[0] != ' ');
            assert_true(k1.buf[k1.len - 1] != ' ');
        }
        assert_null(strstr(k1.buf, "  "));
        utf8_fold(&k2, k1.buf, k1.len);
        assert_string_equal(k1.buf, k2.buf);
    }
    strbuf_release(&in);
    strbuf_release(&k1);
    strbuf_release(&k2);
}

static void test_fold_cmp_and_contains(void **state)
{
    assert_int_equal(utf8_fold_cmp("Liévin", "LIEVIN"), 0);
    assert_int_equal(utf8_fold_cmp("SAINT-OMER", "saint omer"), 0);
    assert_int_equal(utf8_fold_cmp("Hénin-Beaumont", "henin  beaumont "), 0);
    assert_int_equal(utf8_fold_cmp("", "  -  "), 0);
    assert_true(utf8_fold_cmp("Abbeville", "Arras") < 0);
    assert_true(utf8_fold_cmp("Arras", "Abbeville") > 0);
    /* accents do not move a name to the end of the alphabet */
    assert_true(utf8_fold_cmp("Éperlecques", "Zutkerque") < 0);
    assert_true(utf8_fold_cmp("Étaples", "Etaples-sur-Mer") < 0);

    assert_true(utf8_fold_contains("Hénin-Beaumont", "beaumont"));
    assert_true(utf8_fold_contains("Hénin-Beaumont", "NIN B"));
    assert_true(utf8_fold_contains("L’Œuvre sociale", "l'oeuvre"));
    assert_true(utf8_fold_contains("Liévin", "Liévin"));
    assert_true(utf8_fold_contains("Liévin", ""));
    assert_true(utf8_fold_contains("Liévin", " - "));
    assert_false(utf8_fold_contains("Saint-Omer", "omers"));
    assert_false(utf8_fold_contains("Arras", "Arras-en-Lavedan"));
    assert_false(utf8_fold_contains("", "a"));
}

static void check_quote(const char *s, size_t n, const char *want)
{
    struct strbuf sb;

    strbuf_init(&sb, 0);
    utf8_quote(&sb, s, n);
    assert_string_equal(sb.buf, want);
    assert_true(utf8_valid(sb.buf, sb.len));
    strbuf_release(&sb);
}

static void test_quote(void **state)
{
    char long_in[100], want[128];

    check_quote("", 0, "\"\"");
    check_quote("2022-02-30", 10, "\"2022-02-30\"");
    check_quote("Liévin", strlen("Liévin"), "\"Liévin\"");
    check_quote("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
    check_quote("a\nb\0c", 5, "\"a\\x0Ab\\x00c\"");
    check_quote("x\xFF\xC3", 3, "\"x\\xFF\\xC3\"");
    check_quote("\xC2\x85", 2, "\"\\xC2\\x85\""); /* C1 control */
    check_quote("ab\xE2\x80\xAE"
                "cd",
                7, "\"ab\\u202Ecd\""); /* bidi override */

    /* exactly UTF8_QUOTE_MAX bytes: shown whole */
    memset(long_in, 'a', sizeof(long_in));
    memcpy(want, "\"", 1);
    memset(want + 1, 'a', UTF8_QUOTE_MAX);
    memcpy(want + 1 + UTF8_QUOTE_MAX, "\"", 2);
    check_quote(long_in, UTF8_QUOTE_MAX, want);
    /* longer: cut with an ellipsis */
    memcpy(want + 1 + UTF8_QUOTE_MAX, "\xE2\x80\xA6\"", 5);
    check_quote(long_in, sizeof(long_in), want);
    /* a character crossing the limit is not split */
    memcpy(long_in + UTF8_QUOTE_MAX - 1, "\xC3\xA9", 2);
    memcpy(want + UTF8_QUOTE_MAX, "\xE2\x80\xA6\"", 5);
    check_quote(long_in, sizeof(long_in), want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_boundaries),
        cmocka_unit_test(test_invalid_sequences),
        cmocka_unit_test(test_decode_positions),
        cmocka_unit_test(test_encode_decode_all_code_points),
        cmocka_unit_test(test_valid_matches_reference),
        cmocka_unit_test(test_fold_french_names),
        cmocka_unit_test(test_fold_edges),
        cmocka_unit_test(test_fold_drops_malformed),
        cmocka_unit_test(test_fold_latin_table),
        cmocka_unit_test(test_fold_properties_random),
        cmocka_unit_test(test_fold_cmp_and_contains),
        cmocka_unit_test(test_quote),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

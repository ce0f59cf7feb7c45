/*
 * test_date.c: day counts checked against a naive calendar walk, French and
 * ISO parsing with their messages, and the Europe/Paris clock around the
 * 2022 daylight-saving switches.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/compat.h"
#include "core/date.h"

/* Instants from an independent source (Python's datetime, UTC). */
#define T_2022_SPRING_SWITCH INT64_C(1648342800) /* 2022-03-27T01:00:00Z */
#define T_2022_AUTUMN_SWITCH INT64_C(1667091600) /* 2022-10-30T01:00:00Z */
#define T_2022_FIRST         INT64_C(1640991600) /* 2021-12-31T23:00:00Z */
#define T_2022_LAST          INT64_C(1672527599) /* 2022-12-31T22:59:59Z */

static date_t ymd(int y, int m, int d)
{
    date_t day = 0;
    struct err e;

    err_clear(&e);
    assert_int_equal(date_from_ymd(y, m, d, &day, &e), 0);
    assert_int_equal(e.code, ERR_OK);
    return day;
}

static void check_ymd(date_t day, int y, int m, int d)
{
    int yy, mm, dd;

    date_to_ymd(day, &yy, &mm, &dd);
    assert_int_equal(yy, y);
    assert_int_equal(mm, m);
    assert_int_equal(dd, d);
}

static void test_known_days(void **state)
{
    assert_int_equal(ymd(1970, 1, 1), 0);
    assert_int_equal(ymd(1969, 12, 31), -1);
    assert_int_equal(ymd(2000, 1, 1), 10957);
    assert_int_equal(ymd(2022, 12, 31), 19357);
    assert_int_equal(ymd(2023, 1, 1), 19358);
    assert_int_equal(ymd(1900, 2, 28), -25509);
    assert_int_equal(ymd(1900, 3, 1), -25508);
    assert_int_equal(ymd(2024, 2, 29), 19782);
    assert_int_equal(ymd(1, 1, 1), DATE_MIN);
    assert_int_equal(ymd(9999, 12, 31), DATE_MAX);
    check_ymd(19357, 2022, 12, 31);
    check_ymd(-25508, 1900, 3, 1);
    check_ymd(DATE_MIN, 1, 1, 1);
    check_ymd(DATE_MAX, 9999, 12, 31);
    /* date_to_ymd is total over date_t */
    check_ymd(0, 1970, 1, 1);
    int y, m, d;
    date_to_ymd(INT32_MAX, &y, &m, &d);
    assert_true(y > 5000000 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
    date_to_ymd(INT32_MIN, &y, &m, &d);
    assert_true(y < -5000000 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
}

static void test_leap_years(void **state)
{
    struct err e;
    date_t day = 42;

    assert_true(date_is_leap(2000));
    assert_false(date_is_leap(1900));
    assert_true(date_is_leap(2024));
    assert_false(date_is_leap(2022));
    assert_false(date_is_leap(2100));
    assert_true(date_is_leap(2400));
    assert_int_equal(date_days_in_month(2000, 2), 29);
    assert_int_equal(date_days_in_month(1900, 2), 28);
    assert_int_equal(date_days_in_month(2024, 2), 29);
    assert_int_equal(date_days_in_month(2022, 2), 28);
    assert_int_equal(date_days_in_month(2022, 4), 30);
    assert_int_equal(date_days_in_month(2022, 12), 31);

    assert_int_equal(ymd(2000, 3, 1) - ymd(2000, 2, 28), 2);
    assert_int_equal(ymd(1900, 3, 1) - ymd(1900, 2, 28), 1);
    assert_int_equal(ymd(2024, 3, 1) - ymd(2024, 2, 28), 2);
    assert_int_equal(ymd(2001, 1, 1) - ymd(2000, 1, 1), 366);
    assert_int_equal(ymd(1901, 1, 1) - ymd(1900, 1, 1), 365);
    assert_int_equal(ymd(2025, 1, 1) - ymd(2024, 1, 1), 366);

    assert_int_equal(date_from_ymd(1900, 2, 29, &day, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.message,
                        "jour invalide : 29 (1900 n'est pas bissextile, février 1900 compte 28 "
                        "jours)");
    assert_int_equal(day, 42); /* untouched on error */
    assert_int_equal(date_from_ymd(2022, 2, 29, &day, &e), -1);
    assert_int_equal(day, 42);
}

static void test_from_ymd_errors(void **state)
{
    struct err e;
    date_t day;

    assert_int_equal(date_from_ymd(2022, 4, 31, &day, &e), -1);
    assert_string_equal(e.message, "jour invalide : 31 (avril 2022 compte 30 jours)");
    assert_int_equal(date_from_ymd(2022, 1, 0, &day, &e), -1);
    assert_string_equal(e.message, "jour invalide : 0 (janvier 2022 compte 31 jours)");
    assert_int_equal(date_from_ymd(2022, 13, 1, &day, &e), -1);
    assert_string_equal(e.message, "mois invalide : 13 (attendu de 1 à 12)");
    assert_int_equal(date_from_ymd(2022, 0, 1, &day, &e), -1);
    assert_string_equal(e.message, "mois invalide : 0 (attendu de 1 à 12)");
    assert_int_equal(date_from_ymd(0, 1, 1, &day, &e), -1);
    assert_string_equal(e.message, "année hors limites : 0 (attendu de 1 à 9999)");
    assert_int_equal(date_from_ymd(10000, 1, 1, &day, &e), -1);
    assert_int_equal(date_from_ymd(INT_MIN, INT_MIN, INT_MIN, &day, &e), -1);
    assert_int_equal(date_from_ymd(2022, 3, INT_MAX, &day, &e), -1);
    /* a NULL err is allowed */
    assert_int_equal(date_from_ymd(2022, 2, 30, &day, NULL), -1);
}

/*
 * 200 000 consecutive days from 1800-01-01 (day -62091), compared with a
 * calendar walked one day at a time with its own month table and leap rule.
 */
static void test_round_trip_200000_days(void **state)
{
    static const int mlen[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = 1800, m = 1, d = 1;
    date_t day = -62091;
    int wd = date_weekday(day);
    char iso[DATE_ISO_LEN], fr[DATE_ISO_LEN], want[48];
    struct err e;

    assert_int_equal(wd, 3); /* 1800-01-01 was a Wednesday */
    for (int i = 0; i < 200000; i++, day++) {
        date_t back;
        int yy, mm, dd;

        assert_int_equal(ymd(y, m, d), day);
        date_to_ymd(day, &yy, &mm, &dd);
        assert_true(yy == y && mm == m && dd == d);
        assert_int_equal(date_weekday(day), wd);

        date_format_iso(day, iso);
        snprintf(want, sizeof(want), "%04d-%02d-%02d", y, m, d);
        assert_string_equal(iso, want);
        assert_int_equal(date_parse_iso(iso, strlen(iso), &back, &e), 0);
        assert_int_equal(back, day);

        date_format_fr(day, fr);
        assert_int_equal(date_parse_fr(fr, strlen(fr), &back, &e), 0);
        assert_int_equal(back, day);

        /* next day, naively */
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        int len = m == 2 && leap ? 29 : mlen[m - 1];
        if (++d > len) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
        wd = wd % 7 + 1;
    }
    /* 200 000 days after 1800-01-01 */
    assert_true(y == 2347 && m == 8 && d == 2);
}

static void test_weekday(void **state)
{
    assert_int_equal(date_weekday(0), 4);  /* Thursday 1970-01-01 */
    assert_int_equal(date_weekday(-1), 3); /* Wednesday */
    assert_int_equal(date_weekday(ymd(2022, 3, 7)), 1);
    assert_int_equal(date_weekday(ymd(2022, 3, 27)), 7);
    assert_int_equal(date_weekday(ymd(2022, 10, 30)), 7);
    assert_int_equal(date_weekday(ymd(2000, 1, 1)), 6);
    assert_int_equal(date_weekday(DATE_MIN), 1); /* 0001-01-01, proleptic Monday */
    assert_true(date_weekday(INT32_MIN) >= 1 && date_weekday(INT32_MIN) <= 7);
    assert_true(date_weekday(INT32_MAX) >= 1 && date_weekday(INT32_MAX) <= 7);
}

static void test_format(void **state)
{
    char s[DATE_ISO_LEN], l[32];

    date_format_iso(ymd(2022, 3, 7), s);
    assert_string_equal(s, "2022-03-07");
    date_format_fr(ymd(2022, 3, 7), s);
    assert_string_equal(s, "07/03/2022");
    date_format_iso(DATE_MIN, s);
    assert_string_equal(s, "0001-01-01");
    date_format_fr(DATE_MAX, s);
    assert_string_equal(s, "31/12/9999");

    date_format_long_fr(ymd(2022, 3, 7), l, sizeof(l));
    assert_string_equal(l, "7 mars 2022");
    date_format_long_fr(ymd(2022, 1, 1), l, sizeof(l));
    assert_string_equal(l, "1er janvier 2022");
    date_format_long_fr(ymd(2022, 8, 15), l, sizeof(l));
    assert_string_equal(l, "15 août 2022");
    date_format_long_fr(ymd(2022, 2, 28), l, sizeof(l));
    assert_string_equal(l, "28 février 2022");
    date_format_long_fr(ymd(2022, 12, 31), l, sizeof(l));
    assert_string_equal(l, "31 décembre 2022");
    date_format_long_fr(ymd(2022, 9, 30), l, sizeof(l));
    assert_string_equal(l, "30 septembre 2022");
    /* a small buffer is cut, never overrun */
    char tiny[6];
    date_format_long_fr(ymd(2022, 9, 30), tiny, sizeof(tiny));
    assert_string_equal(tiny, "30 se");
}

/* Parse s and expect failure with the given message and detail. */
static void check_iso_bad(const char *s, const char *message, const char *detail)
{
    struct err e;
    date_t day = 4242;

    err_clear(&e);
    assert_int_equal(date_parse_iso(s, strlen(s), &day, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.message, message);
    assert_string_equal(e.detail, detail);
    assert_string_equal(e.hint, "exemple : 2022-03-07");
    assert_int_equal(day, 4242);
}

static void check_fr_bad(const char *s, const char *message, const char *detail)
{
    struct err e;
    date_t day = 4242;

    err_clear(&e);
    assert_int_equal(date_parse_fr(s, strlen(s), &day, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.message, message);
    assert_string_equal(e.detail, detail);
    assert_string_equal(e.hint, "exemple : 07/03/2022");
    assert_int_equal(day, 4242);
}

static void test_parse_iso(void **state)
{
    date_t day;
    struct err e;

    assert_int_equal(date_parse_iso("2022-03-07", 10, &day, &e), 0);
    assert_int_equal(day, ymd(2022, 3, 7));
    assert_int_equal(date_parse_iso("2024-02-29", 10, &day, &e), 0);
    assert_int_equal(day, 19782);
    /* n bounds the input */
    assert_int_equal(date_parse_iso("2022-12-31T10:00", 10, &day, &e), 0);
    assert_int_equal(day, 19357);

    check_iso_bad("2022-02-30", "date invalide : \"2022-02-30\" (attendu AAAA-MM-JJ)",
                  "jour invalide : 30 (février 2022 compte 28 jours)");
    check_iso_bad("2022-13-01", "date invalide : \"2022-13-01\" (attendu AAAA-MM-JJ)",
                  "mois invalide : 13 (attendu de 1 à 12)");
    check_iso_bad("2022-02-29", "date invalide : \"2022-02-29\" (attendu AAAA-MM-JJ)",
                  "jour invalide : 29 (2022 n'est pas bissextile, février 2022 compte 28 jours)");
    check_iso_bad("2022-1-01", "date invalide : \"2022-1-01\" (attendu AAAA-MM-JJ)", "");
    check_iso_bad("", "date manquante (attendu AAAA-MM-JJ)", "");
    check_iso_bad("0000-01-01", "date invalide : \"0000-01-01\" (attendu AAAA-MM-JJ)",
                  "année hors limites : 0 (attendu de 1 à 9999)");
    check_iso_bad("07/03/2022", "date invalide : \"07/03/2022\" (attendu AAAA-MM-JJ)", "");
    check_iso_bad("2022-03-07 ", "date invalide : \"2022-03-07 \" (attendu AAAA-MM-JJ)", "");
    check_iso_bad("2022-00-10", "date invalide : \"2022-00-10\" (attendu AAAA-MM-JJ)",
                  "mois invalide : 0 (attendu de 1 à 12)");
    check_iso_bad("2022-03-00", "date invalide : \"2022-03-00\" (attendu AAAA-MM-JJ)",
                  "jour invalide : 0 (mars 2022 compte 31 jours)");
    static const char *const shapes[] = {"2022/03/07", "20220307",   "+022-03-07", "2022-03-0a",
                                         "-022-03-07", "2022-03-+7", "2022-3-7",   "22-03-07",
                                         "2022-03-7 ", " 2022-03-7", "2022–03–07", "2022-03-07Z"};
    for (size_t i = 0; i < ARRAY_SIZE(shapes); i++) {
        err_clear(&e);
        assert_int_equal(date_parse_iso(shapes[i], strlen(shapes[i]), &day, &e), -1);
        assert_int_equal(e.code, ERR_INVALID);
        assert_non_null(strstr(e.message, "(attendu AAAA-MM-JJ)"));
    }
    /* the value in the message is quoted safely */
    check_iso_bad("20\"2\n-03-07", "date invalide : \"20\\\"2\\x0A-03-07\" (attendu AAAA-MM-JJ)",
                  "");
    /* a NULL err is allowed */
    assert_int_equal(date_parse_iso("x", 1, &day, NULL), -1);
}

static void test_parse_fr(void **state)
{
    date_t day;
    struct err e;

    assert_int_equal(date_parse_fr("07/03/2022", 10, &day, &e), 0);
    assert_int_equal(day, ymd(2022, 3, 7));
    assert_int_equal(date_parse_fr("7/3/2022", 8, &day, &e), 0);
    assert_int_equal(day, ymd(2022, 3, 7));
    assert_int_equal(date_parse_fr(" 31/12/2022\t", 12, &day, &e), 0);
    assert_int_equal(day, 19357);
    assert_int_equal(date_parse_fr("29/02/2000", 10, &day, &e), 0);
    assert_int_equal(day, ymd(2000, 2, 29));

    check_fr_bad("31/02/2022", "date invalide : \"31/02/2022\" (attendu JJ/MM/AAAA)",
                 "jour invalide : 31 (février 2022 compte 28 jours)");
    check_fr_bad("29/02/1900", "date invalide : \"29/02/1900\" (attendu JJ/MM/AAAA)",
                 "jour invalide : 29 (1900 n'est pas bissextile, février 1900 compte 28 jours)");
    check_fr_bad("01/13/2022", "date invalide : \"01/13/2022\" (attendu JJ/MM/AAAA)",
                 "mois invalide : 13 (attendu de 1 à 12)");
    check_fr_bad("07/03/22", "date invalide : \"07/03/22\" (attendu JJ/MM/AAAA)",
                 "l'année s'écrit avec 4 chiffres");
    check_fr_bad("", "date manquante (attendu JJ/MM/AAAA)", "");
    check_fr_bad("2022-03-07", "date invalide : \"2022-03-07\" (attendu JJ/MM/AAAA)", "");
    static const char *const shapes[] = {"007/03/2022", "07-03-2022", "07/03/2022/", "/03/2022",
                                         "07//2022",    "   ",        "07/03/20222", "07/03/",
                                         "07/03",       "7 mars",     "0x/03/2022",  "07/03/ 2022"};
    for (size_t i = 0; i < ARRAY_SIZE(shapes); i++) {
        err_clear(&e);
        assert_int_equal(date_parse_fr(shapes[i], strlen(shapes[i]), &day, &e), -1);
        assert_int_equal(e.code, ERR_INVALID);
        assert_non_null(strstr(e.message, "(attendu JJ/MM/AAAA)"));
    }
}

static void check_instant(int64_t t, const char *want)
{
    char s[32];

    paris_format_instant(t, s, sizeof(s));
    assert_string_equal(s, want);
}

static void test_dst_2022(void **state)
{
    const int64_t spring = T_2022_SPRING_SWITCH, autumn = T_2022_AUTUMN_SWITCH;
    date_t mar27 = ymd(2022, 3, 27), oct30 = ymd(2022, 10, 30);

    /* the switches are at 01:00 UTC exactly */
    assert_int_equal(spring, (int64_t)mar27 * 86400 + 3600);
    assert_int_equal(paris_utc_offset(spring - 1), 3600);
    assert_int_equal(paris_utc_offset(spring), 7200);
    assert_int_equal(paris_utc_offset(autumn - 1), 7200);
    assert_int_equal(paris_utc_offset(autumn), 3600);
    assert_int_equal(paris_utc_offset(spring - 86400), 3600);
    assert_int_equal(paris_utc_offset(autumn + 86400), 3600);
    assert_int_equal(paris_utc_offset((int64_t)ymd(2022, 7, 14) * 86400), 7200);
    assert_int_equal(paris_utc_offset((int64_t)ymd(2022, 1, 15) * 86400), 3600);

    /* 27 March 2022 starts at 23:00 UTC the day before and lasts 23 hours */
    assert_int_equal(paris_day_start(mar27), spring - 2 * 3600);
    assert_int_equal(paris_day_start(mar27 + 1) - paris_day_start(mar27), 23 * 3600);
    assert_int_equal(paris_day_start(mar27 + 1), (int64_t)(mar27 + 1) * 86400 - 7200);
    /* 30 October 2022 starts at 22:00 UTC the day before and lasts 25 hours */
    assert_int_equal(paris_day_start(oct30), (int64_t)oct30 * 86400 - 7200);
    assert_int_equal(paris_day_start(oct30 + 1) - paris_day_start(oct30), 25 * 3600);
    assert_int_equal(paris_day_start(oct30 + 1), (int64_t)(oct30 + 1) * 86400 - 3600);

    assert_int_equal(paris_date_of(paris_day_start(mar27)), mar27);
    assert_int_equal(paris_date_of(paris_day_start(mar27) - 1), mar27 - 1);
    assert_int_equal(paris_date_of(spring - 1), mar27);
    assert_int_equal(paris_date_of(spring), mar27);
    assert_int_equal(paris_date_of(paris_day_start(oct30 + 1) - 1), oct30);
    assert_int_equal(paris_date_of(paris_day_start(oct30 + 1)), oct30 + 1);

    check_instant(spring - 1, "2022-03-27T01:59:59+01:00");
    check_instant(spring, "2022-03-27T03:00:00+02:00");
    check_instant(autumn - 1, "2022-10-30T02:59:59+02:00");
    check_instant(autumn, "2022-10-30T02:00:00+01:00");
    check_instant(T_2022_FIRST, "2022-01-01T00:00:00+01:00");
    check_instant(T_2022_LAST, "2022-12-31T23:59:59+01:00");
    check_instant(0, "1970-01-01T01:00:00+01:00");
    check_instant(-1, "1970-01-01T00:59:59+01:00");
    check_instant(-3601, "1969-12-31T23:59:59+01:00");
}

/* Known switch days, and the rule checked on every day of 1996-2100. */
static void test_dst_rule(void **state)
{
    static const struct {
        int y, spring, autumn;
    } known[] = {{1996, 31, 27}, {2021, 28, 31}, {2023, 26, 29}, {2024, 31, 27},
                 {2025, 30, 26}, {2026, 29, 25}, {2037, 29, 25}};
    for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
        int64_t s = (int64_t)ymd(known[i].y, 3, known[i].spring) * 86400 + 3600;
        int64_t a = (int64_t)ymd(known[i].y, 10, known[i].autumn) * 86400 + 3600;
        assert_int_equal(paris_utc_offset(s - 1), 3600);
        assert_int_equal(paris_utc_offset(s), 7200);
        assert_int_equal(paris_utc_offset(a - 1), 7200);
        assert_int_equal(paris_utc_offset(a), 3600);
    }

    int switches = 0;
    for (date_t day = ymd(1996, 1, 1); day <= ymd(2100, 12, 31); day++) {
        int64_t start = paris_day_start(day), next = paris_day_start(day + 1);
        int y, m, d;

        date_to_ymd(day, &y, &m, &d);
        assert_int_equal(paris_date_of(start), day);
        assert_int_equal(paris_date_of(start - 1), day - 1);
        assert_int_equal(paris_date_of(next - 1), day);
        /* the only short and long days are the last Sundays of March and October */
        bool last_sunday = date_weekday(day) == 7 && d + 7 > 31;
        int64_t len = next - start;
        if (last_sunday && m == 3) {
            assert_int_equal(len, 23 * 3600);
            switches++;
        } else if (last_sunday && m == 10) {
            assert_int_equal(len, 25 * 3600);
            switches++;
        } else {
            assert_int_equal(len, 86400);
        }
    }
    assert_int_equal(switches, 2 * (2100 - 1996 + 1));
}

/* The offset is defined for every instant without overflow. */
static void test_offset_extremes(void **state)
{
    static const int64_t ts[] = {INT64_MIN, INT64_MIN + 1, -INT64_C(62135596800), INT64_MAX - 1,
                                 INT64_MAX};
    for (size_t i = 0; i < ARRAY_SIZE(ts); i++) {
        int off = paris_utc_offset(ts[i]);
        assert_true(off == 3600 || off == 7200);
    }
    assert_int_equal(paris_day_start(DATE_MIN), (int64_t)DATE_MIN * 86400 - 3600);
    assert_int_equal(paris_date_of((int64_t)DATE_MAX * 86400), DATE_MAX);
}

static void test_periods(void **state)
{
    struct period p = period_year(2022);

    assert_int_equal(p.first, ymd(2022, 1, 1));
    assert_int_equal(p.last, ymd(2022, 12, 31));
    assert_int_equal(p.last - p.first + 1, 365);
    assert_int_equal(paris_day_start(p.first), T_2022_FIRST);
    assert_int_equal(paris_day_start(p.last + 1) - 1, T_2022_LAST);
    assert_true(period_contains(p, ymd(2022, 1, 1)));
    assert_true(period_contains(p, ymd(2022, 12, 31)));
    assert_false(period_contains(p, ymd(2021, 12, 31)));
    assert_false(period_contains(p, ymd(2023, 1, 1)));
    assert_true(period_contains(p, paris_date_of(T_2022_FIRST)));
    assert_false(period_contains(p, paris_date_of(T_2022_FIRST - 1)));
    assert_true(period_contains(p, paris_date_of(T_2022_LAST)));
    assert_false(period_contains(p, paris_date_of(T_2022_LAST + 1)));

    struct period leap = period_year(2024);
    assert_int_equal(leap.last - leap.first + 1, 366);

    struct period feb = period_month(2024, 2);
    assert_int_equal(feb.first, ymd(2024, 2, 1));
    assert_int_equal(feb.last, ymd(2024, 2, 29));
    feb = period_month(2023, 2);
    assert_int_equal(feb.last, ymd(2023, 2, 28));
    struct period dec = period_month(2022, 12);
    assert_int_equal(dec.first, ymd(2022, 12, 1));
    assert_int_equal(dec.last, p.last);

    /* overlaps: open-ended, touching edges, disjoint, empty */
    assert_true(period_overlaps(p, ymd(2020, 5, 1), INT32_MAX));
    assert_true(period_overlaps(p, ymd(2022, 12, 31), INT32_MAX));
    assert_false(period_overlaps(p, ymd(2023, 1, 1), INT32_MAX));
    assert_true(period_overlaps(p, ymd(2021, 1, 1), ymd(2022, 1, 1)));
    assert_false(period_overlaps(p, ymd(2021, 1, 1), ymd(2021, 12, 31)));
    assert_true(period_overlaps(p, ymd(2022, 6, 1), ymd(2022, 6, 1)));
    assert_true(period_overlaps(p, INT32_MIN, INT32_MAX));
    assert_false(period_overlaps(p, ymd(2022, 6, 2), ymd(2022, 6, 1)));
}

static void test_paris_today(void **state)
{
    assert_int_equal(setenv("PROXIMA_TODAY", "2022-03-07", 1), 0);
    assert_int_equal(paris_today(), ymd(2022, 3, 7));

    /* unset or empty: the system clock */
    for (int k = 0; k < 2; k++) {
        if (k == 0)
            assert_int_equal(unsetenv("PROXIMA_TODAY"), 0);
        else
            assert_int_equal(setenv("PROXIMA_TODAY", "", 1), 0);
        date_t before = paris_date_of((int64_t)time(NULL));
        date_t today = paris_today();
        date_t after = paris_date_of((int64_t)time(NULL));
        assert_true(today == before || today == after);
        assert_true(today > ymd(2024, 1, 1));
    }

    /* a malformed value is a harness bug: abort rather than use the clock */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        FILE *devnull = freopen("/dev/null", "w", stderr);
        (void)devnull;
        setenv("PROXIMA_TODAY", "07/03/2022", 1);
        paris_today();
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
    unsetenv("PROXIMA_TODAY");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_days),      cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_from_ymd_errors), cmocka_unit_test(test_round_trip_200000_days),
        cmocka_unit_test(test_weekday),         cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse_iso),       cmocka_unit_test(test_parse_fr),
        cmocka_unit_test(test_dst_2022),        cmocka_unit_test(test_dst_rule),
        cmocka_unit_test(test_offset_extremes), cmocka_unit_test(test_periods),
        cmocka_unit_test(test_paris_today),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

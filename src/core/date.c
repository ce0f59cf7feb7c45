/*
 * date.c: civil dates as day counts, their French and ISO forms, and the
 * Europe/Paris clock.
 *
 * Day counts use Howard Hinnant's days_from_civil / civil_from_days
 * (http://howardhinnant.github.io/date_algorithms.html), exact over the
 * proleptic Gregorian calendar with no table and no loop. The Paris offset is
 * computed from the EU rule rather than read from the system's tz database so
 * that a report gives the same dates on every server, whatever TZ says; the
 * rule has been stable since 1996 and proxima handles dates from 2000 on.
 */
#include "core/compat.h"
#include <time.h>
#include "core/date.h"
#include "core/strbuf.h"
#include "core/utf8.h"

#define SECONDS_PER_DAY   86400
#define DST_SWITCH_SECOND 3600 /* 01:00 UTC */
#define CET_OFFSET        3600
#define CEST_OFFSET       7200

static const char *const month_names[12] = {
    "janvier", "février", "mars",      "avril",   "mai",      "juin",
    "juillet", "août",    "septembre", "octobre", "novembre", "décembre",
};

/* Hinnant's days_from_civil, in 64 bits so that any int year is safe. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Hinnant's civil_from_days. */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* Floor division and modulo of an instant by the length of a day. */
static void split_instant(int64_t t, int64_t *day, int64_t *sod)
{
    *day = t / SECONDS_PER_DAY;
    *sod = t % SECONDS_PER_DAY;
    if (*sod < 0) {
        *sod += SECONDS_PER_DAY;
        (*day)--;
    }
}

bool date_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    assert(m >= 1 && m <= 12);
    return m == 2 && date_is_leap(y) ? 29 : len[m - 1];
}

int date_from_ymd(int y, int m, int d, date_t *out, struct err *e)
{
    int len;

    if (y < 1 || y > 9999)
        return err_set(e, ERR_INVALID, "année hors limites : %d (attendu de 1 à 9999)", y);
    if (m < 1 || m > 12)
        return err_set(e, ERR_INVALID, "mois invalide : %d (attendu de 1 à 12)", m);
    len = date_days_in_month(y, m);
    if (d < 1 || d > len) {
        if (m == 2 && d == 29)
            return err_set(e, ERR_INVALID,
                           "jour invalide : 29 (%d n'est pas bissextile, février %d compte 28 "
                           "jours)",
                           y, y);
        return err_set(e, ERR_INVALID, "jour invalide : %d (%s %d compte %d jours)", d,
                       month_names[m - 1], y, len);
    }
    *out = (date_t)days_from_civil(y, m, d);
    return 0;
}

void date_to_ymd(date_t day, int *y, int *m, int *d)
{
    int64_t yy;

    civil_from_days(day, &yy, m, d);
    /* |day| < 2^31 keeps the year within a few million */
    *y = (int)yy;
}

int date_weekday(date_t day)
{
    /* 1970-01-01 was a Thursday (4) */
    int r = day % 7;

    if (r < 0)
        r += 7;
    return (r + 3) % 7 + 1;
}

/* n digits at s as an int; -1 if any is not a digit. */
static int parse_digits(const char *s, size_t n)
{
    int v = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/*
 * The common failure of the two parsers: the value, the expected form, and
 * why (when the shape was right but the date does not exist).
 */
static int date_parse_error(struct err *e, const char *s, size_t n, const char *form,
                            const char *example, const char *why)
{
    struct strbuf q;

    if (!e)
        return -1;
    if (n == 0) {
        err_set(e, ERR_INVALID, "date manquante (attendu %s)", form);
    } else {
        strbuf_init(&q, 0);
        utf8_quote(&q, s, n);
        err_set(e, ERR_INVALID, "date invalide : %s (attendu %s)", q.buf, form);
        strbuf_release(&q);
    }
    if (why)
        err_detail(e, "%s", why);
    return err_hint(e, "exemple : %s", example);
}

/* date_from_ymd, with its reason moved to the detail of the parser's error. */
static int date_parse_check(int y, int m, int d, date_t *out, struct err *e, const char *s,
                            size_t n, const char *form, const char *example)
{
    struct err why;

    if (date_from_ymd(y, m, d, out, &why) == 0)
        return 0;
    return date_parse_error(e, s, n, form, example, why.message);
}

int date_parse_iso(const char *s, size_t n, date_t *out, struct err *e)
{
    static const char form[] = "AAAA-MM-JJ";
    static const char example[] = "2022-03-07";
    int y, m, d;

    if (n != 10 || s[4] != '-' || s[7] != '-')
        return date_parse_error(e, s, n, form, example, NULL);
    y = parse_digits(s, 4);
    m = parse_digits(s + 5, 2);
    d = parse_digits(s + 8, 2);
    if (y < 0 || m < 0 || d < 0)
        return date_parse_error(e, s, n, form, example, NULL);
    return date_parse_check(y, m, d, out, e, s, n, form, example);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Scan 1 or 2 digits at s[*i..n); -1 if there is none or a third follows. */
static int scan_1_or_2_digits(const char *s, size_t n, size_t *i)
{
    size_t k = *i;
    int v = 0;

    while (k < n && k - *i < 3 && s[k] >= '0' && s[k] <= '9')
        v = v * 10 + (s[k++] - '0');
    if (k == *i || k - *i > 2)
        return -1;
    *i = k;
    return v;
}

int date_parse_fr(const char *s, size_t n, date_t *out, struct err *e)
{
    static const char form[] = "JJ/MM/AAAA";
    static const char example[] = "07/03/2022";
    size_t a = 0, b = n, i;
    int y, m, d;

    while (a < b && is_blank(s[a]))
        a++;
    while (b > a && is_blank(s[b - 1]))
        b--;
    i = a;
    d = scan_1_or_2_digits(s, b, &i);
    if (d < 0 || i >= b || s[i++] != '/')
        return date_parse_error(e, s, n, form, example, NULL);
    m = scan_1_or_2_digits(s, b, &i);
    if (m < 0 || i >= b || s[i++] != '/')
        return date_parse_error(e, s, n, form, example, NULL);
    if (b - i != 4 || (y = parse_digits(s + i, 4)) < 0)
        return date_parse_error(e, s, n, form, example,
                                b - i == 2 ? "l'année s'écrit avec 4 chiffres" : NULL);
    return date_parse_check(y, m, d, out, e, s, n, form, example);
}

/* y-m-d of a day the formatters accept. */
static void format_ymd(date_t day, int *y, int *m, int *d)
{
    assert(day >= DATE_MIN && day <= DATE_MAX);
    date_to_ymd(day, y, m, d);
}

void date_format_iso(date_t day, char out[DATE_ISO_LEN])
{
    int y, m, d;

    format_ymd(day, &y, &m, &d);
    snprintf(out, DATE_ISO_LEN, "%04d-%02d-%02d", y, m, d);
}

void date_format_fr(date_t day, char out[DATE_ISO_LEN])
{
    int y, m, d;

    format_ymd(day, &y, &m, &d);
    snprintf(out, DATE_ISO_LEN, "%02d/%02d/%04d", d, m, y);
}

void date_format_long_fr(date_t day, char *out, size_t size)
{
    int y, m, d;

    format_ymd(day, &y, &m, &d);
    /* French writes the first of the month as an ordinal: "1er mai" */
    snprintf(out, size, "%d%s %s %d", d, d == 1 ? "er" : "", month_names[m - 1], y);
}

/* Day of the last Sunday of March or October (both have 31 days) of year y. */
static int64_t last_sunday(int64_t y, int m)
{
    int64_t last = days_from_civil(y, m, 31);
    int64_t r = last % 7;
    int64_t weekday;

    assert(m == 3 || m == 10);
    if (r < 0)
        r += 7;
    weekday = (r + 3) % 7 + 1; /* as date_weekday: 7 is Sunday */
    return last - weekday % 7;
}

int paris_utc_offset(int64_t t)
{
    int64_t day, sod, y, start, end;
    int m, d;

    /* days and seconds compared apart: no product can overflow near INT64 limits */
    split_instant(t, &day, &sod);
    civil_from_days(day, &y, &m, &d);
    start = last_sunday(y, 3);
    end = last_sunday(y, 10);
    if (day < start || (day == start && sod < DST_SWITCH_SECOND))
        return CET_OFFSET;
    if (day < end || (day == end && sod < DST_SWITCH_SECOND))
        return CEST_OFFSET;
    return CET_OFFSET;
}

date_t paris_date_of(int64_t t)
{
    int64_t day, sod;

    split_instant(t, &day, &sod);
    if (sod + paris_utc_offset(t) >= SECONDS_PER_DAY)
        day++;
    assert(day >= INT32_MIN && day <= INT32_MAX);
    return (date_t)day;
}

int64_t paris_day_start(date_t day)
{
    int64_t midnight_utc = (int64_t)day * SECONDS_PER_DAY;

    /*
     * The switches happen at 02:00 or 03:00 local time, so local midnight
     * always exists once: exactly one of the two offsets is consistent.
     */
    if (paris_utc_offset(midnight_utc - CEST_OFFSET) == CEST_OFFSET)
        return midnight_utc - CEST_OFFSET;
    assert(paris_utc_offset(midnight_utc - CET_OFFSET) == CET_OFFSET);
    return midnight_utc - CET_OFFSET;
}

date_t paris_today(void)
{
    const char *fake = getenv("PROXIMA_TODAY");
    date_t day;
    struct err e;

    if (fake && fake[0]) {
        if (date_parse_iso(fake, strlen(fake), &day, &e) < 0) {
            /* a test harness bug: running on with the real date would hide it */
            fprintf(stderr, "proxima: PROXIMA_TODAY is not a YYYY-MM-DD date: %s\n", fake);
            abort();
        }
        return day;
    }
    return paris_date_of((int64_t)time(NULL));
}

void paris_format_instant(int64_t t, char *out, size_t size)
{
    int off = paris_utc_offset(t);
    int64_t day, sod;
    int y, m, d;

    split_instant(t, &day, &sod);
    sod += off;
    if (sod >= SECONDS_PER_DAY) {
        sod -= SECONDS_PER_DAY;
        day++;
    }
    assert(day >= DATE_MIN && day <= DATE_MAX);
    date_to_ymd((date_t)day, &y, &m, &d);
    snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d+%02d:00", y, m, d, (int)(sod / 3600),
             (int)(sod / 60 % 60), (int)(sod % 60), off / 3600);
}

struct period period_year(int y)
{
    struct period p;

    assert(y >= 1 && y <= 9999);
    p.first = (date_t)days_from_civil(y, 1, 1);
    p.last = (date_t)days_from_civil(y, 12, 31);
    return p;
}

struct period period_month(int y, int m)
{
    struct period p;

    assert(y >= 1 && y <= 9999 && m >= 1 && m <= 12);
    p.first = (date_t)days_from_civil(y, m, 1);
    p.last = (date_t)days_from_civil(y, m, date_days_in_month(y, m));
    return p;
}

bool period_contains(struct period p, date_t day)
{
    return day >= p.first && day <= p.last;
}

bool period_overlaps(struct period p, date_t a_first, date_t a_last)
{
    /* an empty range (a_first > a_last) shares no day with anything */
    return a_first <= a_last && a_first <= p.last && a_last >= p.first;
}

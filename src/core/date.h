/*
 * date.h: civil dates and times in Europe/Paris.
 *
 * A civil date is an int32_t count of days since 1970-01-01 in the proleptic
 * Gregorian calendar (date_t below). An instant is int64_t seconds since the
 * Unix epoch (UTC). Conversions between the two use the Europe/Paris rules
 * (CET/CEST, EU switch on the last Sunday of March and October at 01:00 UTC)
 * computed here, with no dependency on the system's tz database or TZ.
 * A period "2022" is the civil dates 2022-01-01 to 2022-12-31 inclusive, that
 * is the instants from 2021-12-31T23:00:00Z to 2022-12-31T22:59:59Z.
 */
#ifndef PROXIMA_CORE_DATE_H
#define PROXIMA_CORE_DATE_H

#include "core/compat.h"
#include "core/err.h"

typedef int32_t date_t; /* days since 1970-01-01 (scalar, not a struct) */

#define DATE_ISO_LEN 11 /* "2022-12-31" + NUL */

/*
 * Years 1 to 9999: the dates date_from_ymd accepts and the formatters print
 * (a day outside is a caller bug; the formatters assert).
 */
#define DATE_MIN (-719162) /* 0001-01-01 */
#define DATE_MAX 2932896   /* 9999-12-31 */

/* Inclusive range of civil dates. */
struct period {
    date_t first;
    date_t last;
};

/* Days from a valid y-m-d; returns -1 and fills e if the date does not exist. */
int date_from_ymd(int y, int m, int d, date_t *out, struct err *e);
void date_to_ymd(date_t day, int *y, int *m, int *d);
/* 1 = Monday ... 7 = Sunday. */
int date_weekday(date_t day);
bool date_is_leap(int y);
int date_days_in_month(int y, int m);

/* Parse exactly "YYYY-MM-DD" (n bytes); French message naming the value on error. */
int date_parse_iso(const char *s, size_t n, date_t *out, struct err *e);
/*
 * Parse "JJ/MM/AAAA" as typed by French users: day and month may have one
 * digit ("7/3/2022"), the year has four; blanks around are ignored.
 */
int date_parse_fr(const char *s, size_t n, date_t *out, struct err *e);
void date_format_iso(date_t day, char out[DATE_ISO_LEN]); /* 2022-03-07 */
void date_format_fr(date_t day, char out[DATE_ISO_LEN]);  /* 07/03/2022 */
/* "7 mars 2022", "1er mai 2022" into out (size at least 32). */
void date_format_long_fr(date_t day, char *out, size_t size);

/* UTC offset of Europe/Paris at instant t, in seconds (3600 or 7200). */
int paris_utc_offset(int64_t t);
/* Civil date in Paris at instant t (t must give a day that fits a date_t). */
date_t paris_date_of(int64_t t);
/* First instant of a civil date in Paris (its local midnight). */
int64_t paris_day_start(date_t day);
/* Today in Paris (from the system clock, or PROXIMA_TODAY=YYYY-MM-DD for tests). */
date_t paris_today(void);
/*
 * ISO 8601 with offset, "2022-03-27T03:00:00+02:00"; out at least 26 bytes;
 * t within years 1 to 9999 in Paris.
 */
void paris_format_instant(int64_t t, char *out, size_t size);

/* The civil year y as a period; the month m of year y. */
struct period period_year(int y);
struct period period_month(int y, int m);
bool period_contains(struct period p, date_t day);
/* True if [a_first, a_last] and p share at least one day (a_last may be INT32_MAX). */
bool period_overlaps(struct period p, date_t a_first, date_t a_last);

#endif

/*
 * money.h: money as int64 cents and the French display of numbers.
 *
 * Never a double for an amount. Display follows the French typographic rules:
 * U+202F (narrow no-break space) between thousands, decimal comma, U+00A0
 * (no-break space) before the unit: "48 137", "1 234,56 €", "311,4 M€",
 * "63 %". No setlocale anywhere.
 */
#ifndef PROXIMA_CORE_MONEY_H
#define PROXIMA_CORE_MONEY_H

#include "core/compat.h"
#include "core/err.h"
#include "core/strbuf.h"

#define FR_THIN_NBSP "\xE2\x80\xAF" /* U+202F */
#define FR_NBSP      "\xC2\xA0"     /* U+00A0 */

/*
 * Parse an amount in euros: "1234", "1234.5", "1234,56", "1 234,56",
 * "-12,3" (U+202F, U+00A0 or spaces as thousands separators, at most 2
 * decimals). French message naming the value on error.
 */
int money_parse(const char *s, size_t n, int64_t *cents, struct err *e);

/* "1 234,56 €" (always two decimals). */
void money_format(struct strbuf *sb, int64_t cents);
/* "1 235 €" (rounded half away from zero to the euro). */
void money_format_euros(struct strbuf *sb, int64_t cents);
/* "311,4 M€": millions of euros with `decimals` decimals, rounded half away from zero. */
void money_format_millions(struct strbuf *sb, int64_t cents, int decimals);
/* "48 137" / "-1 234". */
void num_format_int(struct strbuf *sb, int64_t v);
/*
 * A ratio num/den as a percentage with `decimals` decimals, rounded half away
 * from zero: "63 %", "12,5 %". den == 0 prints "n.d.".
 */
void num_format_percent(struct strbuf *sb, int64_t num, int64_t den, int decimals);
/* A fixed-point value v / 10^scale with `decimals` shown: (16268, 2, 2) -> "162,68". */
void num_format_fixed(struct strbuf *sb, int64_t v, int scale, int decimals);

/* Machine form for files and the API: "1234.56" (dot, no separator). */
void money_format_plain(struct strbuf *sb, int64_t cents);

#endif

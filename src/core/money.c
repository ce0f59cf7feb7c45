/*
 * money.c: amounts in int64 cents and the French display of every number
 * proxima shows (counts, amounts, millions, percentages).
 *
 * All the display functions go through one routine, fmt_quotient, that
 * writes |num| / den * 10^shift rounded half away from zero by long division
 * on a digit string. No intermediate product is formed, so INT64_MIN cents,
 * INT64_MAX percent and any denominator print exactly, and no double ever
 * touches an amount.
 */
#include "core/compat.h"
#include "core/money.h"
#include "core/utf8.h"

#define MAX_DECIMALS 18

/* Output conventions: French display, or the machine form of files. */
struct num_style {
    const char *group; /* between groups of three digits */
    char point;        /* decimal separator */
};

static const struct num_style style_fr = {FR_THIN_NBSP, ','};
static const struct num_style style_plain = {"", '.'};

/* |v| without overflow, INT64_MIN included. */
static uint64_t magnitude(int64_t v)
{
    return v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
}

static uint64_t pow10u(int k)
{
    uint64_t p = 1;

    assert(k >= 0 && k <= 19);
    while (k-- > 0)
        p *= 10;
    return p;
}

/*
 * Next decimal digit of r / den, that is floor(10 r / den), leaving
 * 10 r mod den in *r. 10 r may not fit in 64 bits (den up to 2^63), so it is
 * built as ten additions of r, each reduced modulo den.
 */
static char next_digit(uint64_t *r, uint64_t den)
{
    uint64_t acc = 0;
    char q = '0';

    for (int k = 0; k < 10; k++) {
        /* acc < den and r < den: acc + r >= den iff acc >= den - r */
        if (acc >= den - *r) {
            acc -= den - *r;
            q++;
        } else {
            acc += *r;
        }
    }
    *r = acc;
    return q;
}

/*
 * Append [-]num/den * 10^shift with `decimals` decimals, rounded half away
 * from zero. A result that rounds to zero has no sign.
 */
static void fmt_quotient(struct strbuf *sb, bool negative, uint64_t num, uint64_t den, int shift,
                         int decimals, const struct num_style *st)
{
    /* carry slot + 20 integer digits + shift + decimals + guard digit */
    char dig[1 + 20 + 2 + MAX_DECIMALS + 1];
    size_t n = 0, nint, first;
    uint64_t q = num / den, r = num % den;
    char tmp[20];
    size_t nt = 0;
    bool nonzero = false;

    assert(den > 0 && shift >= 0 && shift <= 2 && decimals >= 0 && decimals <= MAX_DECIMALS);
    dig[n++] = '0';
    do {
        tmp[nt++] = (char)('0' + q % 10);
        q /= 10;
    } while (q);
    while (nt)
        dig[n++] = tmp[--nt];
    for (int k = 0; k < shift + decimals + 1; k++)
        dig[n++] = next_digit(&r, den);

    /* the guard digit decides: 5 and more round away from zero */
    n--;
    if (dig[n] >= '5') {
        size_t k = n;
        while (dig[--k] == '9')
            dig[k] = '0';
        dig[k]++; /* dig[0] absorbs the last carry */
    }
    nint = n - (size_t)decimals;
    first = 0;
    while (first + 1 < nint && dig[first] == '0')
        first++;
    for (size_t k = first; k < n; k++)
        nonzero |= dig[k] != '0';

    if (negative && nonzero)
        strbuf_addch(sb, '-');
    for (size_t k = first; k < nint; k++) {
        if (k > first && (nint - k) % 3 == 0)
            strbuf_addstr(sb, st->group);
        strbuf_addch(sb, dig[k]);
    }
    if (decimals > 0) {
        strbuf_addch(sb, st->point);
        strbuf_add(sb, dig + nint, (size_t)decimals);
    }
}

void num_format_int(struct strbuf *sb, int64_t v)
{
    fmt_quotient(sb, v < 0, magnitude(v), 1, 0, 0, &style_fr);
}

void num_format_fixed(struct strbuf *sb, int64_t v, int scale, int decimals)
{
    assert(scale >= 0 && scale <= 18);
    fmt_quotient(sb, v < 0, magnitude(v), pow10u(scale), 0, decimals, &style_fr);
}

void num_format_percent(struct strbuf *sb, int64_t num, int64_t den, int decimals)
{
    if (den == 0) {
        strbuf_addstr(sb, "n.d.");
        return;
    }
    fmt_quotient(sb, (num < 0) != (den < 0), magnitude(num), magnitude(den), 2, decimals,
                 &style_fr);
    strbuf_addstr(sb, FR_NBSP "%");
}

void money_format(struct strbuf *sb, int64_t cents)
{
    fmt_quotient(sb, cents < 0, magnitude(cents), 100, 0, 2, &style_fr);
    strbuf_addstr(sb, FR_NBSP "€");
}

void money_format_euros(struct strbuf *sb, int64_t cents)
{
    fmt_quotient(sb, cents < 0, magnitude(cents), 100, 0, 0, &style_fr);
    strbuf_addstr(sb, FR_NBSP "€");
}

void money_format_millions(struct strbuf *sb, int64_t cents, int decimals)
{
    /* one million euros is 10^8 cents */
    fmt_quotient(sb, cents < 0, magnitude(cents), pow10u(8), 0, decimals, &style_fr);
    strbuf_addstr(sb, FR_NBSP "M€");
}

void money_format_plain(struct strbuf *sb, int64_t cents)
{
    fmt_quotient(sb, cents < 0, magnitude(cents), 100, 0, 2, &style_plain);
}

/* Length of the thousands separator at s[i..n), 0 if there is none. */
static size_t group_sep_len(const char *s, size_t n, size_t i)
{
    if (s[i] == ' ')
        return 1;
    if (n - i >= 2 && memcmp(s + i, FR_NBSP, 2) == 0)
        return 2;
    if (n - i >= 3 && memcmp(s + i, FR_THIN_NBSP, 3) == 0)
        return 3;
    return 0;
}

/* Characters (not bytes) before byte i, plus one: a position users can count. */
static size_t char_position(const char *s, size_t i)
{
    size_t pos = 0, count = 0;

    while (pos < i) {
        utf8_decode(s, i, &pos);
        count++;
    }
    return count + 1;
}

static int money_parse_error(struct err *e, const char *s, size_t n, const char *why)
{
    struct strbuf q;

    if (!e)
        return -1;
    strbuf_init(&q, 0);
    utf8_quote(&q, s, n);
    err_set(e, ERR_INVALID, "montant invalide : %s (%s)", q.buf, why);
    strbuf_release(&q);
    return err_hint(e, "écrivez le montant en euros, par exemple 1234,56 ou 1 234,56");
}

static int money_parse_unexpected(struct err *e, const char *s, size_t n, size_t i)
{
    char why[64];

    snprintf(why, sizeof(why), "caractère inattendu en position %zu", char_position(s, i));
    return money_parse_error(e, s, n, why);
}

int money_parse(const char *s, size_t n, int64_t *cents, struct err *e)
{
    size_t i = 0, ndigits = 0, group_len = 0, sep;
    bool negative = false, grouped = false;
    uint64_t euros = 0, frac = 0, limit, total;
    int nfrac = 0;

    if (n == 0) {
        err_set(e, ERR_INVALID, "montant manquant (attendu par exemple 1 234,56)");
        return err_hint(e, "écrivez le montant en euros, par exemple 1234,56 ou 1 234,56");
    }
    if (s[0] == '-') {
        negative = true;
        i = 1;
    }
    limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;

    /* integer part, with optional separators between groups of three */
    while (i < n) {
        if (s[i] >= '0' && s[i] <= '9') {
            /* euros <= limit / 100 before, so this cannot wrap */
            euros = euros * 10 + (uint64_t)(s[i] - '0');
            if (euros > limit / 100)
                goto too_large;
            ndigits++;
            group_len++;
            i++;
        } else if ((sep = group_sep_len(s, n, i)) > 0) {
            /* the first group has 1 to 3 digits, the next ones exactly 3 */
            if (ndigits == 0)
                return money_parse_unexpected(e, s, n, i);
            if (group_len > 3 || (grouped && group_len != 3))
                return money_parse_error(e, s, n, "séparateur de milliers mal placé");
            grouped = true;
            group_len = 0;
            i += sep;
            if (i == n || s[i] < '0' || s[i] > '9')
                return money_parse_error(e, s, n, "chiffre attendu après un séparateur");
        } else {
            break;
        }
    }
    if (ndigits == 0) {
        if (i == n)
            return money_parse_error(e, s, n, "aucun chiffre");
        return money_parse_unexpected(e, s, n, i);
    }
    if (grouped && group_len != 3)
        return money_parse_error(e, s, n, "séparateur de milliers mal placé");

    if (i < n && (s[i] == ',' || s[i] == '.')) {
        char point = s[i++];
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            if (++nfrac > 2)
                return money_parse_error(e, s, n, "au plus 2 décimales");
            frac = frac * 10 + (uint64_t)(s[i] - '0');
            i++;
        }
        if (nfrac == 0)
            return money_parse_error(e, s, n,
                                     point == ',' ? "chiffre attendu après la virgule"
                                                  : "chiffre attendu après le point");
        if (nfrac == 1)
            frac *= 10;
    }
    if (i < n)
        return money_parse_unexpected(e, s, n, i);

    total = euros * 100; /* <= limit, checked digit by digit */
    if (frac > limit - total)
        goto too_large;
    if (negative)
        *cents = total + frac == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)(total + frac);
    else
        *cents = (int64_t)(total + frac);
    return 0;

too_large:
    return money_parse_error(e, s, n, "trop grand");
}

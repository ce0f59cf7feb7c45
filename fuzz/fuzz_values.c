/*
 * fuzz_values.c: the small parsers of typed values that every input layer
 * uses: dates (ISO and French), amounts in euros, integers. Properties: no
 * crash; whatever parses formats back and parses again to the same value.
 */
#define FUZZ_NAME "fuzz_values"
#include "fuzz_common.h"

#include "core/date.h"
#include "core/err.h"
#include "core/money.h"
#include "core/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct err e;
    date_t d, d2;
    int64_t cents, cents2, n;

    err_clear(&e);
    if (date_parse_iso(s, size, &d, &e) == 0) {
        char iso[DATE_ISO_LEN];
        date_format_iso(d, iso);
        CHECK(date_parse_iso(iso, strlen(iso), &d2, &e) == 0 && d2 == d);
    }
    err_clear(&e);
    if (date_parse_fr(s, size, &d, &e) == 0) {
        char fr[DATE_ISO_LEN];
        date_format_fr(d, fr);
        CHECK(date_parse_fr(fr, strlen(fr), &d2, &e) == 0 && d2 == d);
    }
    err_clear(&e);
    if (money_parse(s, size, &cents, &e) == 0) {
        struct strbuf sb;
        strbuf_init(&sb, 256);
        money_format_plain(&sb, cents);
        CHECK(!strbuf_failed(&sb));
        CHECK(money_parse(sb.buf, sb.len, &cents2, &e) == 0 && cents2 == cents);
        strbuf_clear(&sb);
        money_format(&sb, cents); /* display must not crash on any parsed value */
        num_format_percent(&sb, cents, 7, 1);
        strbuf_release(&sb);
    }
    if (parse_int64(s, size, &n) == 0) {
        struct strbuf sb;
        int64_t n2;
        strbuf_init(&sb, 64);
        strbuf_addf(&sb, "%lld", (long long)n);
        CHECK(parse_int64(sb.buf, sb.len, &n2) == 0 && n2 == n);
        strbuf_release(&sb);
    }
    return 0;
}

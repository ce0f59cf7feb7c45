/*
 * fuzz_json.c: libFuzzer target for the JSON input layer.
 *
 * The input goes through json_parse (whole document) and json_lines_foreach
 * (one value per line). What parses must respect the depth cap, dump with
 * json_dump_sorted, parse again from the dump to an equal value, and dump to
 * the same bytes. The typed getters run on every object met.
 *
 * json_parse_canon's fast path is checked against jansson itself: what it
 * accepts, json_loadb accepts as an equal value, and what it calls
 * canonical (the whole text, or a member's text) is byte for byte what
 * json_dump_sorted writes for it.
 */
#include "core/compat.h"

#define FUZZ_NAME "fuzz_json"
#include "fuzz_common.h"

#include "core/json.h"

static size_t depth_of(json_t *v)
{
    size_t max = 0, d;

    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            if ((d = depth_of(json_array_get(v, i))) > max)
                max = d;
        return max + 1;
    }
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x)
        {
            if ((d = depth_of(x)) > max)
                max = d;
        }
        return max + 1;
    }
    return 0;
}

/* Call every getter on every key of obj; they must succeed or fill e. */
static void poke_getters(json_t *obj)
{
    const char *k;
    json_t *x;

    json_object_foreach(obj, k, x)
    {
        struct err e;
        const char *s;
        int64_t i;
        bool b;
        date_t d;
        int rc;

        err_clear(&e);
        rc = json_get_str(obj, k, true, &s, &e);
        CHECK(rc == 0 ? json_is_string(x) && strlen(s) == json_string_length(x)
                      : e.code != ERR_OK && e.message[0]);
        err_clear(&e);
        rc = json_get_int(obj, k, false, &i, &e);
        CHECK(rc == 0 || e.message[0]);
        err_clear(&e);
        rc = json_get_bool(obj, k, false, &b, &e);
        CHECK(rc == 0 || e.message[0]);
        err_clear(&e);
        rc = json_get_date(obj, k, false, &d, &e);
        CHECK(rc == 0 || e.message[0]);
        err_clear(&e);
        rc = json_get_money(obj, k, false, &i, &e);
        CHECK(rc == 0 || e.message[0]);
        CHECK(json_has(obj, k) == !json_is_null(x));
    }
}

/* Dump, parse the dump, compare; the dump must be stable. */
static void check_value(json_t *v, size_t line)
{
    struct strbuf a, b;
    struct err e;
    json_t *again;

    CHECK(depth_of(v) <= JSON_MAX_DEPTH);
    strbuf_init(&a, 0);
    strbuf_init(&b, 0);
    json_dump_sorted(v, &a);
    CHECK(!strbuf_failed(&a) && a.len > 0);
    CHECK(memchr(a.buf, '\n', a.len) == NULL);
    err_clear(&e);
    again = json_parse(a.buf, a.len, "dump", line, &e);
    if (!again)
        fprintf(stderr, "fuzz_json: dump does not parse: %s\n%s\n", e.message, a.buf);
    CHECK(again != NULL);
    CHECK(json_equal(v, again));
    json_dump_sorted(again, &b);
    CHECK(a.len == b.len && memcmp(a.buf, b.buf, a.len) == 0);
    json_decref(again);
    strbuf_release(&a);
    strbuf_release(&b);
    if (json_is_object(v))
        poke_getters(v);
}

struct lines_ctx {
    size_t calls;
    size_t last_line;
};

static int on_line(json_t *v, size_t line, void *ctx, struct err *e)
{
    struct lines_ctx *c = ctx;
    int64_t id;

    CHECK(line > c->last_line);
    c->last_line = line;
    c->calls++;
    check_value(v, line);
    /* fail on some lines, as an importer would, to exercise error collection */
    return json_get_int(v, "id", false, &id, e);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The fast path against jansson, and its canonical claims against the dump. */
static void check_canon(const char *s, size_t size)
{
    struct json_canon canon = {.member = "contenu"};
    struct strbuf a;
    json_error_t jerr;
    struct err e;
    json_t *v, *ref;
    size_t b = 0, n = size;

    err_clear(&e);
    v = json_parse_canon(s, size, "canon.json", 0, &canon, &e);
    if (!v)
        return;
    ref = json_loadb(s, size, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
    CHECK(ref != NULL);
    CHECK(json_equal(v, ref));
    json_decref(ref);
    strbuf_init(&a, 0);
    if (canon.whole) {
        while (b < n && is_blank(s[b]))
            b++;
        while (n > b && is_blank(s[n - 1]))
            n--;
        json_dump_sorted(v, &a);
        CHECK(a.len == n - b && memcmp(a.buf, s + b, a.len) == 0);
    }
    if (canon.text) {
        json_t *m = json_is_object(v) ? json_object_get(v, "contenu") : NULL;
        CHECK(m != NULL);
        strbuf_clear(&a);
        json_dump_sorted(m, &a);
        CHECK(a.len == canon.len && memcmp(a.buf, canon.text, a.len) == 0);
    }
    strbuf_release(&a);
    json_decref(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct lines_ctx c = {0, 0};
    struct err e;
    json_t *v;
    int rc;

    err_clear(&e);
    v = json_parse(s, size, "fuzz.json", 0, &e);
    if (v) {
        CHECK(e.code == ERR_OK);
        check_value(v, 0);
        json_decref(v);
    } else {
        CHECK(e.code != ERR_OK);
        CHECK(strncmp(e.message, "fuzz.json", 9) == 0);
    }

    check_canon(s, size);

    err_clear(&e);
    rc = json_lines_foreach(s, size, "fuzz.jsonl", 3, on_line, &c, NULL, &e);
    CHECK(rc == 0 ? e.code == ERR_OK : e.code != ERR_OK && e.message[0]);
    return 0;
}

/*
 * fuzz_csv.c: libFuzzer target for the CSV reader and writer.
 *
 * Reads the input with separator detection down to every field, checking the
 * reader's invariants, then writes the records it got in both dialects and
 * reads them back: the fields must come back unchanged (with the apostrophe
 * of neutralised cells in CSV_EXCEL). Any difference aborts.
 */
#include "core/compat.h"

#define FUZZ_NAME "fuzz_csv"
#include "fuzz_common.h"

#include "core/csv.h"

/* Records as "count, then (length, bytes) per field", to compare after a round trip. */
static void save_record(struct strbuf *sb, const struct csv_reader *r)
{
    strbuf_add(sb, &r->nfields, sizeof(r->nfields));
    for (size_t i = 0; i < r->nfields; i++) {
        strbuf_add(sb, &r->fields[i].n, sizeof(r->fields[i].n));
        strbuf_add(sb, r->fields[i].p, r->fields[i].n);
    }
}

static bool neutralised(const char *p, size_t n)
{
    return n > 0 && p[0] && strchr("=+-@\t\r", p[0]);
}

/* Write the saved records in dialect d, read them back with sep, compare. */
static void round_trip(const struct strbuf *saved, size_t nrecords, enum csv_dialect d, char sep)
{
    struct strbuf out, again;
    struct csv_writer w;
    struct csv_reader r;
    struct err e;
    size_t pos = 0, count = 0;
    int rc;

    strbuf_init(&out, 0);
    strbuf_init(&again, 0);
    csv_writer_init(&w, &out, d);
    /* write each record, and build what the reader must give back */
    while (pos < saved->len) {
        size_t nf, n;
        memcpy(&nf, saved->buf + pos, sizeof(nf));
        strbuf_add(&again, &nf, sizeof(nf));
        pos += sizeof(nf);
        for (size_t i = 0; i < nf; i++) {
            const char *p;
            memcpy(&n, saved->buf + pos, sizeof(n));
            pos += sizeof(n);
            p = saved->buf + pos;
            csv_write_field(&w, p, n);
            if (d == CSV_EXCEL && neutralised(p, n)) {
                size_t n1 = n + 1;
                strbuf_add(&again, &n1, sizeof(n1));
                strbuf_addch(&again, '\'');
            } else {
                strbuf_add(&again, &n, sizeof(n));
            }
            strbuf_add(&again, p, n);
            pos += n;
        }
        csv_end_record(&w);
    }
    CHECK(!strbuf_failed(&out) && !strbuf_failed(&again));

    csv_reader_init(&r, "aller-retour", out.buf, out.len, sep);
    pos = 0;
    while ((rc = csv_read_record(&r, &e)) == 1) {
        size_t nf, n;
        count++;
        CHECK(pos < again.len);
        memcpy(&nf, again.buf + pos, sizeof(nf));
        pos += sizeof(nf);
        CHECK(nf == r.nfields);
        for (size_t i = 0; i < nf; i++) {
            memcpy(&n, again.buf + pos, sizeof(n));
            pos += sizeof(n);
            CHECK(n == r.fields[i].n);
            CHECK(memcmp(again.buf + pos, r.fields[i].p, n) == 0);
            pos += n;
        }
    }
    if (rc != 0)
        fprintf(stderr, "fuzz_csv: round trip failed: %s\n", e.message);
    CHECK(rc == 0);
    CHECK(count == nrecords);
    CHECK(pos == again.len);
    csv_reader_release(&r);
    strbuf_release(&out);
    strbuf_release(&again);
}

/* csv_header_map on the first record: indexes must point at the named column. */
static void check_header(struct csv_reader *r)
{
    static const char *const names[] = {"?a", "?code", "?nom", "?"};
    static const char *const required[] = {"a", "?b"};
    int idx[4];
    struct err e;
    int rc;

    err_clear(&e);
    rc = csv_header_map(r, names, ARRAY_SIZE(names), idx, &e);
    for (size_t k = 0; rc == 0 && k < ARRAY_SIZE(names); k++) {
        if (idx[k] < 0)
            continue;
        CHECK((size_t)idx[k] < r->nfields);
        CHECK(strcmp(csv_field_str(r, (size_t)idx[k]), names[k] + 1) == 0);
    }
    if (rc < 0)
        CHECK(strstr(e.message, "en double") != NULL);
    rc = csv_header_map(r, required, ARRAY_SIZE(required), idx, &e);
    CHECK(rc == 0 || e.message[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct csv_reader r;
    struct strbuf saved;
    struct err e;
    size_t nrecords = 0, last_line = 0;
    int rc;

    err_clear(&e);
    strbuf_init(&saved, 0);
    csv_reader_init(&r, "fuzz.csv", (const char *)data, size, 0);
    CHECK(r.sep == ';' || r.sep == ',');
    while ((rc = csv_read_record(&r, &e)) == 1) {
        nrecords++;
        CHECK(r.nfields >= 1 && r.nfields <= CSV_MAX_FIELDS);
        CHECK(r.line > last_line && r.line < r.next_line + 1);
        last_line = r.line;
        for (size_t i = 0; i < r.nfields; i++) {
            const char *s = csv_field_str(&r, i);
            CHECK(s == r.fields[i].p);
            CHECK(r.fields[i].n <= CSV_MAX_FIELD_LEN);
            CHECK(strlen(s) == r.fields[i].n);
        }
        if (nrecords == 1)
            check_header(&r);
        save_record(&saved, &r);
    }
    if (rc < 0) {
        CHECK(e.code == ERR_INVALID || e.code == ERR_TOO_LARGE);
        CHECK(strncmp(e.message, "fuzz.csv, ligne ", 16) == 0);
        CHECK(csv_read_record(&r, &e) == 0);
    } else {
        CHECK(rc == 0);
    }
    csv_reader_release(&r);

    round_trip(&saved, nrecords, CSV_OPENDATA, ',');
    round_trip(&saved, nrecords, CSV_EXCEL, ';');
    strbuf_release(&saved);
    return 0;
}

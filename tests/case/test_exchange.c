/*
 * test_exchange.c: the journal's external form (src/case/exchange.c). A
 * history built through the case API is exported, imported into a fresh
 * database (same projections digest, same bytes when exported again, the
 * events' own actors and instants kept), and damaged copies of the export
 * are refused with every error reported by line, nothing written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "case/exchange.h"
#include "core/file.h"
#include "journal/journal.h"

#include "exchange_history.h"

/* 2023-01-02T09:00:00+01:00, the header's date in every export here */
#define EXPORTED_AT 1672646400

static struct catalog cat;

struct fx {
    struct hist src;    /* the history */
    struct strbuf dump; /* its export */
    char digest[65];
};

static int group_setup(void **state)
{
    struct err e;

    err_clear(&e);
    if (catalog_load(&cat, PROXIMA_DATADIR "/catalogue", &e) != 0) {
        fprintf(stderr, "catalogue: %s (%s)\n", e.message, e.detail);
        return -1;
    }
    setenv("PROXIMA_TODAY", HIST_TODAY, 1);
    (void)state;
    return 0;
}

static int group_teardown(void **state)
{
    catalog_release(&cat);
    (void)state;
    return 0;
}

static void export_all(struct hist *h, struct strbuf *out)
{
    struct case_export_options o = {.exported_at = EXPORTED_AT};
    struct case_export_stats st;

    if (case_export(h->s, &o, NULL, out, &st, &h->e) != 0)
        fail_msg("export: %s (%s)", h->e.message, h->e.detail);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    hist_open(&f->src, &cat);
    hist_build(&f->src);
    strbuf_init(&f->dump, 0);
    export_all(&f->src, &f->dump);
    assert_int_equal(case_projection_digest(f->src.s, f->digest, &f->src.e), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    strbuf_release(&f->dump);
    hist_close(&f->src);
    free(f);
    return 0;
}

/* Import text into a fresh database; returns case_import's result. */
struct imported {
    struct hist h;
    struct case_import_stats st;
    char *errs; /* what was printed to the error stream */
    size_t errs_len;
    struct err e;
    int rc;
};

static void import_into_fresh(struct imported *r, const char *text, size_t len, size_t max_errors)
{
    FILE *errs;

    hist_open(&r->h, &cat);
    errs = open_memstream(&r->errs, &r->errs_len);
    assert_non_null(errs);
    err_clear(&r->e);
    r->rc = case_import(&r->h.c, text, len, "essai.jsonl", max_errors, errs, &r->st, &r->e);
    fclose(errs);
}

static void imported_release(struct imported *r)
{
    free(r->errs);
    hist_close(&r->h);
}

static int64_t journal_count(struct store *s)
{
    struct err e;
    struct store_stmt *q;
    int64_t n = -1;

    err_clear(&e);
    q = store_prepare(s, "SELECT COUNT(*) FROM journal", &e);
    assert_non_null(q);
    if (store_step(q, &e) == STORE_ROW)
        n = store_column_int64(q, 0);
    store_finalize(q);
    return n;
}

static char *digest_of(struct hist *h, char out[65])
{
    assert_int_equal(case_projection_digest(h->s, out, &h->e), 0);
    return out;
}

/* ---- lines of a text ---- */

static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

/* A copy of text with line k (1-based) replaced by repl (no newline), in sb. */
static void replace_line(struct strbuf *sb, const char *text, size_t k, const char *repl)
{
    size_t line = 1;
    const char *p = text;

    strbuf_clear(sb);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (line == k)
            strbuf_addstr(sb, repl);
        else
            strbuf_add(sb, p, n);
        strbuf_addch(sb, '\n');
        p += n + (nl != NULL);
        line++;
    }
}

/* Line k of text (1-based) in a malloc'ed string. */
static char *line_of(const char *text, size_t k)
{
    const char *p = text;

    for (size_t i = 1; i < k; i++) {
        p = strchr(p, '\n');
        assert_non_null(p);
        p++;
    }
    return strndup(p, strcspn(p, "\n"));
}

/* ---- tests ------------------------------------------------------------- */

static void test_export_shape(void **state)
{
    struct fx *f = *state;
    const char *d = f->dump.buf;
    size_t n = count_lines(d);
    char *header = line_of(d, 1);
    char want[128];
    json_error_t je;

    snprintf(want, sizeof(want), "\"evenements\":%zu}", n - 1);
    assert_true(n > 20);
    assert_string_equal(header + strlen(header) - strlen(want), want);
    assert_non_null(strstr(header, "{\"format\":\"proxima-journal\",\"version\":1,"
                                   "\"departement\":\"62\",\"exporte_le\":"
                                   "\"2023-01-02T09:00:00+01:00\""));
    free(header);
    /* the first event: the first person, recorded on 2022-01-10 at 09:00 in Paris */
    header = line_of(d, 2);
    assert_non_null(strstr(header, "{\"type\":\"person.created\",\"date_enregistrement\":"
                                   "\"2022-01-10T09:00:00+01:00\",\"acteur\":\"system\","
                                   "\"contenu\":{"));
    free(header);
    /* summer time, and the motive escaped on one line */
    assert_non_null(strstr(d, "\"date_enregistrement\":\"2022-06-01T09:00:00+02:00\""));
    assert_non_null(strstr(d, "aide \\\"énergie\\\" déjà accordée\\npar le FSL"));
    /* every line is one JSON object; no referential event */
    for (size_t k = 1; k <= n; k++) {
        char *l = line_of(d, k);
        json_t *v = json_loads(l, 0, &je);
        if (!v)
            fail_msg("line %zu does not parse: %s", k, je.text);
        assert_true(json_is_object(v));
        if (k > 1)
            assert_true(case_event_known(json_string_value(json_object_get(v, "type"))));
        json_decref(v);
        free(l);
    }
    assert_null(strstr(d, "ref.loaded"));
}

static void test_every_listed_type_is_known(void **state)
{
    size_t n = 0;

    for (; case_exchange_types[n]; n++)
        assert_true(case_event_known(case_exchange_types[n]));
    assert_true(n <= CASE_EXCHANGE_TYPES_MAX);
    assert_false(case_event_known("ref.loaded"));
    assert_false(case_event_known("journal.imported"));
    /* types are looked up by a hash of a few bytes and the length: the rest counts too */
    assert_false(case_event_known("pexson.created"));
    assert_false(case_event_known("dossier.opened "));
    assert_false(case_event_known("dossier.opene"));
    assert_false(case_event_known("DOSSIER.OPENED"));
    assert_false(case_event_known(""));
    assert_false(case_event_known("d"));
    (void)state;
}

static void test_roundtrip(void **state)
{
    struct fx *f = *state;
    struct imported r;
    struct strbuf again;
    char d[65];
    int64_t total = 0;

    import_into_fresh(&r, f->dump.buf, f->dump.len, 20);
    if (r.rc != 0)
        fail_msg("import: %s (%s)\n%s", r.e.message, r.e.detail, r.errs);
    assert_int_equal(r.st.errors, 0);
    assert_int_equal(r.st.events, (int64_t)count_lines(f->dump.buf) - 1);
    assert_int_equal(r.st.lines, r.st.events);
    for (size_t i = 0; case_exchange_types[i]; i++)
        total += r.st.per_type[i];
    assert_int_equal(total, r.st.events);
    assert_int_equal(r.st.per_type[0], 3); /* person.created */
    assert_string_equal(digest_of(&r.h, d), f->digest);

    /* exported again: the same bytes */
    strbuf_init(&again, 0);
    export_all(&r.h, &again);
    assert_int_equal(again.len, f->dump.len);
    assert_memory_equal(again.buf, f->dump.buf, f->dump.len);
    strbuf_release(&again);
    imported_release(&r);
}

/*
 * The same export with every line written otherwise (blanks after ':' and
 * ',', slashes escaped): its "contenu" texts are not canonical, so they are
 * serialised again rather than journaled as they are; the journal, the
 * projections and the export again are the same as from the canonical file.
 */
static void test_non_canonical_lines_same_journal(void **state)
{
    struct fx *f = *state;
    struct imported r;
    struct strbuf loose, again;
    const char *p = f->dump.buf;
    char d[65];

    strbuf_init(&loose, 0);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        json_error_t jerr;
        json_t *v = json_loadb(p, n, 0, &jerr);
        char *text;

        assert_non_null(v);
        text = json_dumps(v, JSON_ESCAPE_SLASH); /* ", " and ": " */
        assert_non_null(text);
        assert_null(strchr(text, '\n'));
        strbuf_addstr(&loose, text);
        strbuf_addch(&loose, '\n');
        free(text);
        json_decref(v);
        p += n + (nl != NULL);
    }
    assert_true(loose.len > f->dump.len);
    import_into_fresh(&r, loose.buf, loose.len, 20);
    if (r.rc != 0)
        fail_msg("import: %s (%s)\n%s", r.e.message, r.e.detail, r.errs);
    assert_string_equal(digest_of(&r.h, d), f->digest);
    strbuf_init(&again, 0);
    export_all(&r.h, &again);
    assert_int_equal(again.len, f->dump.len);
    assert_memory_equal(again.buf, f->dump.buf, f->dump.len);
    strbuf_release(&again);
    strbuf_release(&loose);
    imported_release(&r);
}

struct seen {
    int64_t events, imported_trace;
    bool marie_kept;
    int64_t first_at;
};

static int see_event(const struct journal_event *ev, void *ctx)
{
    struct seen *s = ctx;

    if (!strcmp(ev->type, "journal.imported")) {
        s->imported_trace++;
        if (strcmp(ev->actor, "system") != 0 || !strstr(ev->payload, "\"fichier\":\"essai.jsonl\""))
            return -1;
    }
    if (!case_event_known(ev->type))
        return 0;
    if (s->events++ == 0)
        s->first_at = ev->recorded_at;
    if (!strcmp(ev->actor, "marie.durand"))
        s->marie_kept = true;
    return 0;
}

/* The events keep their own actor and recorded instant; the import leaves its trace. */
static void test_actor_and_instant_kept(void **state)
{
    struct fx *f = *state;
    struct imported r;
    struct strbuf text;
    struct seen s = {0};
    struct err e;
    char *l2 = line_of(f->dump.buf, 2);
    char *p = strstr(l2, "\"acteur\":\"system\"");

    assert_non_null(p);
    strbuf_init(&text, 0);
    strbuf_add(&text, l2, (size_t)(p - l2));
    strbuf_addstr(&text, "\"acteur\":\"marie.durand\"");
    strbuf_addstr(&text, p + strlen("\"acteur\":\"system\""));
    {
        struct strbuf copy;
        strbuf_init(&copy, 0);
        replace_line(&copy, f->dump.buf, 2, text.buf);
        import_into_fresh(&r, copy.buf, copy.len, 20);
        strbuf_release(&copy);
    }
    if (r.rc != 0)
        fail_msg("import: %s\n%s", r.e.message, r.errs);
    err_clear(&e);
    assert_int_equal(journal_foreach(r.h.s, 0, see_event, &s, &e), 0);
    assert_int_equal(s.imported_trace, 1);
    assert_true(s.marie_kept);
    assert_int_equal(s.first_at, paris_day_start(hist_day("2022-01-10")) + 9 * 3600);
    strbuf_release(&text);
    free(l2);
    imported_release(&r);
}

static void test_export_to_file_equals_buffer(void **state)
{
    struct fx *f = *state;
    struct case_export_options o = {.exported_at = EXPORTED_AT};
    char *buf = NULL;
    size_t len = 0;
    FILE *mf = open_memstream(&buf, &len);

    assert_non_null(mf);
    assert_int_equal(case_export(f->src.s, &o, mf, NULL, NULL, &f->src.e), 0);
    fclose(mf);
    assert_int_equal(len, f->dump.len);
    assert_memory_equal(buf, f->dump.buf, len);
    free(buf);
}

static void test_export_filters(void **state)
{
    struct fx *f = *state;
    struct case_export_options o = {.exported_at = EXPORTED_AT};
    struct case_export_stats st;
    struct strbuf sb;
    int64_t all;

    strbuf_init(&sb, 0);
    all = (int64_t)count_lines(f->dump.buf) - 1;

    /* recorded in March 2022 only: D1's five events */
    o.has_from = o.has_to = true;
    o.from = hist_day("2022-03-01");
    o.to = hist_day("2022-03-31");
    assert_int_equal(case_export(f->src.s, &o, NULL, &sb, &st, &f->src.e), 0);
    assert_int_equal(st.events, 5);
    assert_non_null(strstr(sb.buf, "\"depuis\":\"2022-03-01\",\"jusqu_au\":\"2022-03-31\","
                                   "\"evenements\":5}\n"));
    assert_null(strstr(sb.buf, "person.created"));

    /* a day with nothing recorded: a valid, empty file */
    strbuf_clear(&sb);
    o.from = o.to = hist_day("2022-12-25");
    assert_int_equal(case_export(f->src.s, &o, NULL, &sb, &st, &f->src.e), 0);
    assert_int_equal(st.events, 0);
    assert_int_equal(count_lines(sb.buf), 1);

    /* reversed */
    o.from = hist_day("2022-12-25");
    o.to = hist_day("2022-01-01");
    assert_int_equal(case_export(f->src.s, &o, NULL, &sb, &st, &f->src.e), -1);
    assert_int_equal(f->src.e.code, ERR_USAGE);

    /* by journal position: from the first case event's seq + 1 */
    memset(&o, 0, sizeof(o));
    o.exported_at = EXPORTED_AT;
    strbuf_clear(&sb);
    assert_int_equal(case_export(f->src.s, &o, NULL, &sb, &st, &f->src.e), 0);
    o.from_seq = st.first_seq + 1;
    o.to_seq = st.last_seq - 1;
    strbuf_clear(&sb);
    assert_int_equal(case_export(f->src.s, &o, NULL, &sb, &st, &f->src.e), 0);
    assert_int_equal(st.events, all - 2);
    strbuf_release(&sb);
}

/* Header of f's dump announcing extra more events, with its newline, into sb. */
static void header_plus(struct strbuf *sb, const char *dump, int extra)
{
    char *h = line_of(dump, 1);
    char *q = strstr(h, "\"evenements\":");
    int64_t n;

    assert_non_null(q);
    assert_int_equal(parse_int64(q + 13, strlen(q + 13) - 1, &n), 0);
    *q = '\0';
    strbuf_addf(sb, "%s\"evenements\":%lld}\n", h, (long long)(n + extra));
    free(h);
}

/*
 * Bad lines 3 and 7 inserted into a good export: both reported with their
 * line numbers (and nothing else: the good lines around them pass), nothing
 * written.
 */
static void test_bad_lines_3_and_7(void **state)
{
    struct fx *f = *state;
    struct strbuf b, x;
    struct imported r;
    char *l2 = line_of(f->dump.buf, 2), *p;
    const char *rest = f->dump.buf;
    char d[65], empty[65];
    int64_t before;

    strbuf_init(&b, 0);
    strbuf_init(&x, 0);
    header_plus(&b, f->dump.buf, 2);
    /* line 2: the original first event */
    strbuf_addstr(&b, l2);
    strbuf_addch(&b, '\n');
    /* line 3: a copy of it with an unknown field in the content */
    p = strstr(l2, "\"contenu\":{");
    assert_non_null(p);
    strbuf_add(&b, l2, (size_t)(p - l2) + strlen("\"contenu\":{"));
    strbuf_addstr(&b, "\"pointure\":42,");
    strbuf_addstr(&b, p + strlen("\"contenu\":{"));
    strbuf_addch(&b, '\n');
    /* lines 4 to 6: the original lines 3 to 5 */
    for (int i = 0; i < 2; i++)
        rest = strchr(rest, '\n') + 1;
    for (int i = 0; i < 3; i++) {
        const char *nl = strchr(rest, '\n') + 1;
        strbuf_add(&b, rest, (size_t)(nl - rest));
        rest = nl;
    }
    /* line 7: not JSON at all; then the rest */
    strbuf_addstr(&b, "{\"type\":\"person.created\",\n");
    strbuf_addstr(&b, rest);

    import_into_fresh(&r, b.buf, b.len, 20);
    assert_int_equal(r.rc, -1);
    assert_int_equal(r.e.code, ERR_INVALID);
    if (r.st.errors != 2)
        fail_msg("%lld errors:\n%s", (long long)r.st.errors, r.errs);
    assert_non_null(strstr(r.errs, "essai.jsonl, ligne 3 : "));
    assert_non_null(strstr(r.errs, "champ inconnu « pointure »"));
    assert_non_null(strstr(r.errs, "essai.jsonl, ligne 7, colonne"));
    assert_non_null(strstr(r.e.message, "2 erreurs"));
    assert_non_null(strstr(r.e.detail, "ligne 3"));
    /* every good line was applied (and rolled back) */
    assert_int_equal(r.st.events, (int64_t)count_lines(f->dump.buf) - 1);
    /* nothing written: no projection, no event beyond the referential's */
    before = journal_count(r.h.s);
    {
        struct hist fresh;
        hist_open(&fresh, &cat);
        digest_of(&fresh, empty);
        assert_int_equal(journal_count(fresh.s), before);
        hist_close(&fresh);
    }
    assert_string_equal(digest_of(&r.h, d), empty);

    /* replacing line 3 (the second person) instead: its dependants fail too */
    strbuf_clear(&x);
    replace_line(&x, f->dump.buf, 3, "{\"type\":\"person.created\"}");
    imported_release(&r);
    import_into_fresh(&r, x.buf, x.len, 20);
    assert_int_equal(r.rc, -1);
    assert_true(r.st.errors >= 2);
    assert_non_null(strstr(r.errs, "ligne 3 : "));
    assert_non_null(strstr(r.errs, "P0000002"));
    free(l2);
    strbuf_release(&b);
    strbuf_release(&x);
    imported_release(&r);
}

/*
 * After a failed line the next ones are validated against the state the
 * good lines reached: a person whose creation failed is unknown further on,
 * and a corrected copy of the failed line right after it is accepted.
 */
static void test_following_lines_see_state_without_failed(void **state)
{
    struct fx *f = *state;
    struct strbuf text;
    struct imported r;
    char *l2 = line_of(f->dump.buf, 2);
    size_t n = count_lines(f->dump.buf);
    char *p;

    strbuf_init(&text, 0);
    /* line 2 (first person) with a bad sex, then the good line 2 again: one error only */
    p = strstr(l2, "\"sexe\":\"F\"");
    assert_non_null(p);
    {
        char *bad = strdup(l2);
        bad[p - l2 + strlen("\"sexe\":\"")] = 'X';
        header_plus(&text, f->dump.buf, 1);
        strbuf_addstr(&text, bad);
        strbuf_addch(&text, '\n');
        strbuf_addstr(&text, strchr(f->dump.buf, '\n') + 1);
        free(bad);
    }
    import_into_fresh(&r, text.buf, text.len, 20);
    assert_int_equal(r.rc, -1);
    assert_int_equal(r.st.errors, 1);
    assert_non_null(strstr(r.errs, "ligne 2 "));
    assert_non_null(strstr(r.errs, "X"));
    assert_int_equal(r.st.events, (int64_t)n - 1);
    imported_release(&r);

    /* now without the good copy: the person is missing for the lines that use it */
    replace_line(&text, f->dump.buf, 2, "   ");
    {
        /* the header still announces the full count */
        import_into_fresh(&r, text.buf, text.len, 50);
        assert_int_equal(r.rc, -1);
        assert_true(r.st.errors >= 2);
        assert_non_null(strstr(r.errs, "P0000001"));
        imported_release(&r);
    }
    strbuf_release(&text);
    free(l2);
}

static void expect_refused(const char *text, const char *want_in_errs, int64_t errors)
{
    struct imported r;
    char d[65], empty[65];

    import_into_fresh(&r, text, strlen(text), 20);
    if (r.rc != -1)
        fail_msg("accepted: %s", text);
    if (!strstr(r.errs, want_in_errs))
        fail_msg("« %s » not in:\n%s", want_in_errs, r.errs);
    assert_int_equal(r.st.errors, errors);
    assert_int_equal(r.e.code, ERR_INVALID);
    {
        struct hist fresh;
        hist_open(&fresh, &cat);
        digest_of(&fresh, empty);
        hist_close(&fresh);
    }
    assert_string_equal(digest_of(&r.h, d), empty);
    imported_release(&r);
}

#define HEADER                                                                                     \
    "{\"format\":\"proxima-journal\",\"version\":1,\"departement\":\"62\",\"exporte_le\":"         \
    "\"2023-01-02T09:00:00+01:00\",\"evenements\":1}\n"
#define PERSON(extra)                                                                              \
    "{\"type\":\"person.created\",\"date_enregistrement\":\"2022-01-10T09:00:00+01:00\","          \
    "\"acteur\":\"system\",\"contenu\":{\"id\":\"P0000001\",\"nom\":\"Durand\",\"prenom\":"        \
    "\"Paul\",\"date_naissance\":\"1970-01-01\",\"sexe\":\"M\",\"date\":\"2022-01-10\"" extra      \
    "}}\n"

static void test_minimal_file_imports(void **state)
{
    struct imported r;
    const char *text = "\xEF\xBB\xBF" HEADER "\r\n" PERSON("");

    import_into_fresh(&r, text, strlen(text), 20);
    if (r.rc != 0)
        fail_msg("import: %s (%s)\n%s", r.e.message, r.e.detail, r.errs);
    assert_int_equal(r.st.events, 1);
    imported_release(&r);
    (void)state;
}

static void test_unknown_type(void **state)
{
    expect_refused(HEADER "{\"type\":\"person.deleted\",\"date_enregistrement\":"
                          "\"2022-01-10T09:00:00+01:00\",\"acteur\":\"system\",\"contenu\":{}}\n",
                   "ligne 2 : type d'événement inconnu : « person.deleted »", 1);
    (void)state;
}

static void test_unknown_field(void **state)
{
    expect_refused(HEADER PERSON(",\"couleur\":\"bleu\""), "« couleur »", 1);
    expect_refused(HEADER "{\"type\":\"person.created\",\"date_enregistrement\":"
                          "\"2022-01-10T09:00:00+01:00\",\"acteur\":\"system\",\"seq\":3,"
                          "\"contenu\":{}}\n",
                   "clé inconnue « seq »", 1);
    (void)state;
}

static void test_envelope_checks(void **state)
{
    /* recorded in the future */
    expect_refused(HEADER "{\"type\":\"person.created\",\"date_enregistrement\":"
                          "\"2999-01-10T09:00:00+01:00\",\"acteur\":\"system\",\"contenu\":{}}\n",
                   "dans le futur", 1);
    /* not an instant */
    expect_refused(HEADER "{\"type\":\"person.created\",\"date_enregistrement\":"
                          "\"2022-01-10\",\"acteur\":\"system\",\"contenu\":{}}\n",
                   "instant invalide : « 2022-01-10 »", 1);
    /* bad actor */
    expect_refused(HEADER "{\"type\":\"person.created\",\"date_enregistrement\":"
                          "\"2022-01-10T09:00:00+01:00\",\"acteur\":\"Jean Dupont\","
                          "\"contenu\":{}}\n",
                   "acteur invalide « Jean Dupont »", 1);
    /* content not an object */
    expect_refused(HEADER "{\"type\":\"person.created\",\"date_enregistrement\":"
                          "\"2022-01-10T09:00:00+01:00\",\"acteur\":\"system\","
                          "\"contenu\":[1]}\n",
                   "« contenu » doit être un objet JSON", 1);
    /* a line that is not an object */
    expect_refused(HEADER "42\n", "ligne 2 : chaque ligne doit être un objet JSON", 1);
    (void)state;
}

static void test_wrong_header(void **state)
{
    expect_refused("{\"format\":\"autre-chose\",\"version\":1,\"departement\":\"62\","
                   "\"exporte_le\":\"2023-01-02T09:00:00+01:00\",\"evenements\":1}\n" PERSON(""),
                   "ligne 1 : en-tête : format « autre-chose » inconnu", 1);
    expect_refused("{\"format\":\"proxima-journal\",\"version\":2,\"departement\":\"62\","
                   "\"exporte_le\":\"2023-01-02T09:00:00+01:00\",\"evenements\":1}\n" PERSON(""),
                   "version 2 du format non prise en charge", 1);
    expect_refused("{\"format\":\"proxima-journal\",\"version\":1,\"departement\":\"59\","
                   "\"exporte_le\":\"2023-01-02T09:00:00+01:00\",\"evenements\":1}\n" PERSON(""),
                   "fichier du département « 59 »", 1);
    expect_refused(PERSON(""), "ligne 1 : en-tête manquant", 1);
    expect_refused("", "fichier vide", 1);
    expect_refused("\n  \n", "fichier vide", 1);
    expect_refused("{\"format\":\"proxima-journal\",\"version\":1,\"departement\":\"62\","
                   "\"exporte_le\":\"2023-01-02T09:00:00+01:00\"}\n" PERSON(""),
                   "« evenements »", 1);
    expect_refused("{\"format\":\"proxima-journal\",\"version\":1,\"departement\":\"62\","
                   "\"exporte_le\":\"2023-01-02T09:00:00+01:00\",\"evenements\":1,"
                   "\"auteur\":\"x\"}\n" PERSON(""),
                   "clé inconnue « auteur »", 1);
    (void)state;
}

/* A file cut at a line boundary: the header's count catches it. */
static void test_truncated(void **state)
{
    struct fx *f = *state;
    char *cut = strndup(f->dump.buf, f->dump.len);
    char *last;

    cut[strlen(cut) - 1] = '\0';
    last = strrchr(cut, '\n');
    last[1] = '\0';
    expect_refused(cut, "fichier tronqué", 1);
    free(cut);
}

static void test_max_errors(void **state)
{
    struct imported r;
    struct strbuf text;

    strbuf_init(&text, 0);
    strbuf_addstr(&text, "{\"format\":\"proxima-journal\",\"version\":1,\"departement\":\"62\","
                         "\"exporte_le\":\"2023-01-02T09:00:00+01:00\",\"evenements\":6}\n");
    for (int i = 0; i < 6; i++)
        strbuf_addstr(&text, "{\"type\":\"nope\"}\n");
    import_into_fresh(&r, text.buf, text.len, 3);
    assert_int_equal(r.rc, -1);
    assert_int_equal(r.st.errors, 3);
    assert_non_null(strstr(r.errs, "ligne 4 "));
    assert_null(strstr(r.errs, "ligne 5 "));
    assert_non_null(strstr(r.errs, "arrêt après 3 erreurs"));
    imported_release(&r);

    /* parse errors count too, and trailing ones are counted exactly */
    strbuf_clear(&text);
    strbuf_addstr(&text, HEADER PERSON("") "{oops\n\n[\n");
    import_into_fresh(&r, text.buf, text.len, 20);
    assert_int_equal(r.rc, -1);
    assert_int_equal(r.st.errors, 2);
    assert_non_null(strstr(r.errs, "ligne 3"));
    assert_non_null(strstr(r.errs, "ligne 5"));
    imported_release(&r);
    strbuf_release(&text);
    (void)state;
}

/*
 * A file of over 1 MiB (6 000 events): all of its lines imported, in
 * order; the first error late in the file with its message and line; the
 * count stopping at max_errors; nothing written.
 */
#define BIG_EVENTS 6000 /* about 1.3 MB */

static void big_file(struct strbuf *sb, size_t bad1, size_t bad2, size_t bad3)
{
    strbuf_clear(sb);
    strbuf_addf(sb,
                "{\"format\":\"proxima-journal\",\"version\":1,\"departement\":\"62\","
                "\"exporte_le\":\"2023-01-02T09:00:00+01:00\",\"evenements\":%d}\n",
                BIG_EVENTS);
    for (size_t line = 2; line < BIG_EVENTS + 2; line++) {
        if (line == bad1)
            strbuf_addstr(sb, "{\"type\":\"person.created\",\"acteur\":\n");
        else if (line == bad2 || line == bad3)
            strbuf_addstr(sb, "{\"type\":\"nope\"}\n");
        else
            strbuf_addf(sb,
                        "{\"type\":\"person.created\",\"date_enregistrement\":"
                        "\"2022-01-10T09:00:00+01:00\",\"acteur\":\"system\",\"contenu\":{\"id\":"
                        "\"P%07zu\",\"nom\":\"Durand\",\"prenom\":\"Paul\",\"date_naissance\":"
                        "\"1970-01-01\",\"sexe\":\"M\",\"date\":\"2022-01-10\"}}\n",
                        line);
    }
    assert_true(sb->len > ((size_t)1 << 20));
}

static void test_big_file_late_errors(void **state)
{
    struct imported r;
    struct strbuf text;
    char d[65], empty[65];
    int64_t fresh_count;

    {
        struct hist fresh;
        hist_open(&fresh, &cat);
        digest_of(&fresh, empty);
        fresh_count = journal_count(fresh.s);
        hist_close(&fresh);
    }
    strbuf_init(&text, 0);

    /* all good: every line applied */
    big_file(&text, 0, 0, 0);
    import_into_fresh(&r, text.buf, text.len, 20);
    if (r.rc != 0)
        fail_msg("import: %s (%s)\n%s", r.e.message, r.e.detail, r.errs);
    assert_int_equal(r.st.events, BIG_EVENTS);
    assert_int_equal(r.st.lines, BIG_EVENTS);
    assert_int_equal(journal_count(r.h.s), fresh_count + BIG_EVENTS + 1); /* and the trace */
    imported_release(&r);

    /* a syntax error late in the file: that line, nothing written */
    big_file(&text, BIG_EVENTS - 10, 0, 0);
    import_into_fresh(&r, text.buf, text.len, 20);
    assert_int_equal(r.rc, -1);
    assert_int_equal(r.e.code, ERR_INVALID);
    assert_int_equal(r.st.errors, 1);
    if (!strstr(r.errs, "essai.jsonl, ligne 5990") || !strstr(r.e.detail, "ligne 5990"))
        fail_msg("not line 5990: %s\n%s", r.e.detail, r.errs);
    assert_non_null(strstr(r.e.message, "rien n'a été importé"));
    assert_string_equal(digest_of(&r.h, d), empty);
    assert_int_equal(journal_count(r.h.s), fresh_count);
    imported_release(&r);

    /* three errors, two counted: the reader stopped, the message says where */
    big_file(&text, 5000, 5500, 5900);
    import_into_fresh(&r, text.buf, text.len, 2);
    assert_int_equal(r.rc, -1);
    assert_int_equal(r.st.errors, 2);
    assert_non_null(strstr(r.e.detail, "ligne 5000"));
    assert_non_null(strstr(r.errs, "ligne 5500 : "));
    assert_null(strstr(r.errs, "ligne 5900 : "));
    assert_non_null(strstr(r.errs, "arrêt après 2 erreurs (ligne 5500)"));
    assert_string_equal(digest_of(&r.h, d), empty);
    assert_int_equal(journal_count(r.h.s), fresh_count);
    imported_release(&r);
    strbuf_release(&text);
    (void)state;
}

/* ---- a large import: rollback journal, secondary indexes set aside ---- */

/* n person.created events, ids from first on; line bad (if not 0) of an unknown type. */
static void persons_file(struct strbuf *sb, size_t first, size_t n, size_t bad)
{
    strbuf_clear(sb);
    strbuf_addf(sb,
                "{\"format\":\"proxima-journal\",\"version\":1,\"departement\":\"62\","
                "\"exporte_le\":\"2023-01-02T09:00:00+01:00\",\"evenements\":%zu}\n",
                n);
    for (size_t line = 2; line < n + 2; line++) {
        if (line == bad)
            strbuf_addstr(sb, "{\"type\":\"nope\"}\n");
        else
            strbuf_addf(sb,
                        "{\"type\":\"person.created\",\"date_enregistrement\":"
                        "\"2022-01-10T09:00:00+01:00\",\"acteur\":\"system\",\"contenu\":{\"id\":"
                        "\"P%07zu\",\"nom\":\"Durand %zu\",\"prenom\":\"Paul\",\"date_naissance\":"
                        "\"1970-01-01\",\"sexe\":\"M\",\"commune\":\"62193\",\"date\":"
                        "\"2022-01-10\"}}\n",
                        first + line, line);
    }
}

/* The first column of every row of sql, one line each. */
static char *rows_of(struct store *s, const char *sql)
{
    struct strbuf sb;
    struct store_stmt *q;
    struct err e;
    char *out;
    int rc;

    err_clear(&e);
    strbuf_init(&sb, 0);
    q = store_prepare(s, sql, &e);
    assert_non_null(q);
    while ((rc = store_step(q, &e)) == STORE_ROW)
        strbuf_addf(&sb, "%s\n", store_column_text(q, 0));
    store_finalize(q);
    assert_int_equal(rc, STORE_DONE);
    out = strbuf_detach(&sb, NULL);
    strbuf_release(&sb);
    return out;
}

/* The schema as sqlite_master holds it, in a fixed order (rootpages and row order aside). */
static char *schema_of(struct store *s)
{
    return rows_of(s, "SELECT type || ' ' || name || ' ' || tbl_name || ' ' || COALESCE(sql, '') "
                      "FROM sqlite_master ORDER BY type, name");
}

/* The eleven secondary indexes bulk.c sets aside, all in the schema of migration 4. */
#define SET_ASIDE 11

static void test_large_import(void **state)
{
    struct imported r;
    struct strbuf text;
    char *before, *after, *mode, *check, *keys;
    int64_t fresh_count;

    strbuf_init(&text, 0);
    persons_file(&text, 0, 2000, 0);
    hist_open(&r.h, &cat);
    before = schema_of(r.h.s);
    fresh_count = journal_count(r.h.s);
    err_clear(&r.e);
    if (case_import(&r.h.c, text.buf, text.len, "grand.jsonl", 20, NULL, &r.st, &r.e) != 0)
        fail_msg("import: %s (%s)", r.e.message, r.e.detail);
    assert_int_equal(r.st.events, 2000);
    assert_true(r.st.rollback_journal);
    assert_int_equal(r.st.indexes_rebuilt, SET_ASIDE);
    assert_int_equal(journal_count(r.h.s), fresh_count + 2000 + 1);
    /* back in WAL, the same schema, and every index holds every row */
    mode = rows_of(r.h.s, "PRAGMA journal_mode");
    assert_string_equal(mode, "wal\n");
    after = schema_of(r.h.s);
    assert_string_equal(after, before);
    check = rows_of(r.h.s, "PRAGMA integrity_check");
    assert_string_equal(check, "ok\n");
    /* the rebuilt index answers (person_name: name_key, birth_date) */
    keys = rows_of(r.h.s, "SELECT COUNT(*) FROM person INDEXED BY person_name "
                          "WHERE name_key >= '' AND birth_date = '1970-01-01'");
    assert_string_equal(keys, "2000\n");
    free(mode);
    free(after);
    free(check);
    free(keys);

    /* a second file, large but smaller than what the database holds: the
       indexes are kept (inserting into them costs less than rebuilding) */
    persons_file(&text, 100000, 1200, 0);
    if (case_import(&r.h.c, text.buf, text.len, "suite.jsonl", 20, NULL, &r.st, &r.e) != 0)
        fail_msg("import: %s (%s)", r.e.message, r.e.detail);
    assert_true(r.st.rollback_journal);
    assert_int_equal(r.st.indexes_rebuilt, 0);
    after = schema_of(r.h.s);
    assert_string_equal(after, before);
    mode = rows_of(r.h.s, "PRAGMA journal_mode");
    assert_string_equal(mode, "wal\n");
    free(mode);
    free(after);
    free(before);

    /* a small file: neither */
    persons_file(&text, 200000, 10, 0);
    if (case_import(&r.h.c, text.buf, text.len, "petit.jsonl", 20, NULL, &r.st, &r.e) != 0)
        fail_msg("import: %s (%s)", r.e.message, r.e.detail);
    assert_false(r.st.rollback_journal);
    assert_int_equal(r.st.indexes_rebuilt, 0);
    r.errs = NULL;
    imported_release(&r);
    strbuf_release(&text);
    (void)state;
}

/* Another connection on the database (the server, a reader): the import stays in WAL. */
static void test_large_import_beside_a_reader(void **state)
{
    struct imported r;
    struct strbuf text;
    struct store *reader;
    struct err e;
    char *n, *mode;

    strbuf_init(&text, 0);
    persons_file(&text, 0, 2000, 0);
    hist_open(&r.h, &cat);
    err_clear(&e);
    reader = store_open(r.h.path, &e);
    assert_non_null(reader);
    n = rows_of(reader, "SELECT COUNT(*) FROM person");
    assert_string_equal(n, "0\n");
    free(n);
    err_clear(&r.e);
    if (case_import(&r.h.c, text.buf, text.len, "grand.jsonl", 20, NULL, &r.st, &r.e) != 0)
        fail_msg("import: %s (%s)", r.e.message, r.e.detail);
    assert_false(r.st.rollback_journal);
    assert_int_equal(r.st.indexes_rebuilt, SET_ASIDE);
    mode = rows_of(r.h.s, "PRAGMA journal_mode");
    assert_string_equal(mode, "wal\n");
    free(mode);
    /* the reader sees the import, committed */
    n = rows_of(reader, "SELECT COUNT(*) FROM person");
    assert_string_equal(n, "2000\n");
    free(n);
    store_close(reader);
    r.errs = NULL;
    imported_release(&r);
    strbuf_release(&text);
    (void)state;
}

/*
 * A large import refused (a bad line near the end) leaves the database file
 * as it was: every byte, but the two copies of the file change counter in
 * the header (offsets 24 and 92), which SQLite moves when the connection
 * leaves WAL for the rollback journal and comes back.
 */
static void test_large_import_refused_leaves_file(void **state)
{
    struct imported r;
    struct strbuf text, before, after;
    struct err e;
    char *mode;

    strbuf_init(&text, 0);
    strbuf_init(&before, 0);
    strbuf_init(&after, 0);
    persons_file(&text, 0, 2000, 1995);
    hist_open(&r.h, &cat);
    err_clear(&e);
    /* closed, the WAL is checkpointed into the file and removed */
    store_close(r.h.s);
    assert_int_equal(file_read_all(r.h.path, &before, (size_t)1 << 30, &e), 0);
    r.h.s = r.h.c.store = store_open(r.h.path, &e);
    assert_non_null(r.h.s);
    err_clear(&r.e);
    assert_int_equal(case_import(&r.h.c, text.buf, text.len, "grand.jsonl", 20, NULL, &r.st, &r.e),
                     -1);
    assert_int_equal(r.e.code, ERR_INVALID);
    assert_non_null(strstr(r.e.detail, "ligne 1995"));
    assert_true(r.st.rollback_journal);
    mode = rows_of(r.h.s, "PRAGMA journal_mode");
    assert_string_equal(mode, "wal\n");
    free(mode);
    store_close(r.h.s);
    assert_int_equal(file_read_all(r.h.path, &after, (size_t)1 << 30, &e), 0);
    assert_int_equal(after.len, before.len);
    assert_true(before.len > 100);
    for (size_t i = 0; i < before.len; i++)
        if (before.buf[i] != after.buf[i] && !(i >= 24 && i < 28) && !(i >= 92 && i < 96))
            fail_msg("byte %zu of the database changed", i);
    r.h.s = r.h.c.store = store_open(r.h.path, &e);
    assert_non_null(r.h.s);
    r.errs = NULL;
    imported_release(&r);
    strbuf_release(&text);
    strbuf_release(&before);
    strbuf_release(&after);
    (void)state;
}

/* An agent needs the "import" capability on the département; a refusal is logged. */
static void test_import_needs_capability(void **state)
{
    struct fx *f = *state;
    struct imported r;
    struct access_user u;
    struct access_grant g = {
        .role = "travailleur_social", .site_grid = "mds", .site_code = "calaisis"};
    struct access_grant admin = {
        .role = "administrateur", .site_grid = "departement", .site_code = "62"};
    struct store_stmt *q;
    int64_t refusals = 0;
    char d[65];

    hist_open(&r.h, &cat);
    assert_int_equal(access_user_add(r.h.s, "paul.agent", "Paul Agent", "un mot de passe long",
                                     "system", &r.h.e),
                     0);
    assert_int_equal(access_user_grant(r.h.s, &cat, &g, "paul.agent", "system", &r.h.e), 0);
    assert_int_equal(access_user_load(r.h.s, &r.h.a, "paul.agent", &u, &r.h.e), 0);
    r.h.c.user = &u;
    r.h.c.actor = "paul.agent";
    assert_int_equal(case_import(&r.h.c, f->dump.buf, f->dump.len, "x", 20, NULL, &r.st, &r.e), -1);
    assert_int_equal(r.e.code, ERR_FORBIDDEN);
    q = store_prepare(r.h.s,
                      "SELECT COUNT(*) FROM access_log WHERE action = 'refus' AND login = "
                      "'paul.agent' AND object_type = 'journal'",
                      &r.h.e);
    assert_non_null(q);
    if (store_step(q, &r.h.e) == STORE_ROW)
        refusals = store_column_int64(q, 0);
    store_finalize(q);
    assert_int_equal(refusals, 1);

    /* with the administrator's grant the same file imports */
    assert_int_equal(access_user_grant(r.h.s, &cat, &admin, "paul.agent", "system", &r.h.e), 0);
    assert_int_equal(access_user_load(r.h.s, &r.h.a, "paul.agent", &u, &r.h.e), 0);
    if (case_import(&r.h.c, f->dump.buf, f->dump.len, "x", 20, NULL, &r.st, &r.e) != 0)
        fail_msg("import: %s (%s)", r.e.message, r.e.detail);
    assert_string_equal(digest_of(&r.h, d), f->digest);
    /* the context is given back as it was */
    assert_ptr_equal(r.h.c.user, &u);
    assert_string_equal(r.h.c.actor, "paul.agent");
    assert_ptr_equal(r.h.c.arena, &r.h.a);
    r.errs = NULL;
    imported_release(&r);
}

/* Importing the same file twice: the second is refused (ids exist), the first stays. */
static void test_second_import_refused(void **state)
{
    struct fx *f = *state;
    struct imported r;
    char d[65];

    import_into_fresh(&r, f->dump.buf, f->dump.len, 20);
    assert_int_equal(r.rc, 0);
    assert_int_equal(case_import(&r.h.c, f->dump.buf, f->dump.len, "encore", 5, NULL, &r.st, &r.e),
                     -1);
    assert_int_equal(r.e.code, ERR_INVALID);
    assert_int_equal(r.st.errors, 5);
    assert_string_equal(digest_of(&r.h, d), f->digest);
    imported_release(&r);
}

static void test_parse_instant(void **state)
{
    struct err e;
    int64_t t;
    char out[32];

    err_clear(&e);
    assert_int_equal(case_exchange_parse_instant("2022-03-07T10:15:00+01:00", 25, &t, &e), 0);
    assert_int_equal(t, 1646644500);
    assert_int_equal(case_exchange_parse_instant("2022-03-07T09:15:00Z", 20, &t, &e), 0);
    assert_int_equal(t, 1646644500);
    assert_int_equal(case_exchange_parse_instant("2022-03-07T04:15:00-05:00", 25, &t, &e), 0);
    assert_int_equal(t, 1646644500);
    /* the round trip with the export's writer, in winter and in summer */
    for (int64_t x = 1640995200; x < 1672531200; x += 86400 * 7 + 3599) {
        paris_format_instant(x, out, sizeof(out));
        assert_int_equal(case_exchange_parse_instant(out, strlen(out), &t, &e), 0);
        assert_int_equal(t, x);
    }
    static const char *const bad[] = {
        "2022-03-07",           "2022-03-07T10:15:00",       "2022-02-30T10:15:00+01:00",
        "2022-03-07T24:00:00Z", "2022-03-07T10:60:00+01:00", "2022-03-07T10:15:00+15:00",
        "2022-03-07 10:15:00Z", "2022-03-07T10:15:00+0100 ", "2022-03-07T1a:15:00Z",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        err_clear(&e);
        if (case_exchange_parse_instant(bad[i], strlen(bad[i]), &t, &e) != -1)
            fail_msg("accepted %s", bad[i]);
        assert_int_equal(e.code, ERR_INVALID);
        assert_non_null(strstr(e.message, "instant invalide"));
    }
    (void)state;
}

/*
 * docs/FORMAT.md holds an example line for every event type, and each one
 * uses only the fields the engine allows (whatever else it would need: the
 * examples are not one coherent history).
 */
static void test_format_doc_examples(void **state)
{
    struct strbuf doc;
    struct err e;
    struct hist h;
    bool seen[CASE_EXCHANGE_TYPES_MAX] = {false};
    const char *p;
    size_t examples = 0;

    strbuf_init(&doc, 0);
    err_clear(&e);
    if (file_read_all(PROXIMA_DATADIR "/../docs/FORMAT.md", &doc, 1 << 20, &e) != 0)
        fail_msg("%s", e.message);
    hist_open(&h, &cat);
    for (p = doc.buf; (p = strstr(p, "\n{\"type\":\"")) != NULL; p++) {
        char *line = strndup(p + 1, strcspn(p + 1, "\n"));
        json_error_t je;
        json_t *v = json_loads(line, 0, &je), *content;
        const char *type;
        int i;

        if (!v)
            fail_msg("example does not parse: %s\n%s", je.text, line);
        type = json_string_value(json_object_get(v, "type"));
        content = json_object_get(v, "contenu");
        assert_non_null(type);
        assert_true(json_is_object(content));
        assert_non_null(json_object_get(v, "date_enregistrement"));
        assert_non_null(json_object_get(v, "acteur"));
        i = -1;
        for (int k = 0; case_exchange_types[k]; k++)
            if (!strcmp(case_exchange_types[k], type))
                i = k;
        if (i < 0)
            fail_msg("example of an unknown type: %s", type);
        seen[i] = true;
        /* applied on an empty base: may fail on state, never on a field name */
        assert_int_equal(store_begin(h.s, &h.e), 0);
        err_clear(&h.e);
        if (case_apply(&h.c, type, content, &h.e) != 0 &&
            (strstr(h.e.message, "champ inconnu") ||
             strstr(h.e.message, "type d'événement inconnu")))
            fail_msg("example of %s: %s", type, h.e.message);
        store_rollback(h.s);
        json_decref(v);
        free(line);
        examples++;
    }
    for (int k = 0; case_exchange_types[k]; k++)
        if (!seen[k])
            fail_msg("docs/FORMAT.md has no example line of %s", case_exchange_types[k]);
    assert_true(examples >= 22);
    hist_close(&h);
    strbuf_release(&doc);
    (void)state;
}

/*
 * person.created reads its fields from what the field check recorded: each
 * refusal is the one of the first field read in the fixed order (id, nir,
 * ..., nom, prenom, date_naissance, sexe, ...), worded as before, and an
 * optional field null, absent or empty reads as it did.
 */
static void test_person_fields(void **state)
{
    static const struct {
        const char *contenu, *want; /* want NULL: accepted */
    } cases[] = {
        {"\"nom\":12,\"prenom\":\"Paul\",\"telephone\":2",
         "événement person.created : le champ « nom » doit être une chaîne"},
        {"\"nom\":\"\",\"prenom\":\"Paul\"",
         "événement person.created : le champ « nom » est vide"},
        {"\"nom\":null,\"prenom\":\"Paul\"",
         "événement person.created : champ obligatoire manquant : « nom »"},
        {"\"nom\":\"Durand\"",
         "événement person.created : champ obligatoire manquant : « prenom »"},
        {"\"prenom\":[],\"nom\":\"Durand\",\"numero_caf\":1",
         "événement person.created : le champ « numero_caf » doit être une chaîne"},
        {"\"nom\":\"Durand\",\"prenom\":\"Paul\",\"telephone\":2",
         "événement person.created : le champ « telephone » doit être une chaîne"},
        {"\"nom\":\"Durand\",\"prenom\":\"Paul\",\"adresse\":\"\"", "adresse sans commune"},
        {"\"nom\":\"Durand\",\"prenom\":\"Paul\",\"nir\":null,\"courriel\":null,\"commune\":null",
         NULL},
        {"\"nom\":\"Durand\",\"prenom\":\"Paul\",\"role_caf\":\"\"", "rôle CAF «  » sans numéro"},
    };
    struct strbuf text;

    strbuf_init(&text, 0);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        strbuf_clear(&text);
        strbuf_addf(&text,
                    HEADER "{\"type\":\"person.created\",\"date_enregistrement\":"
                           "\"2022-01-10T09:00:00+01:00\",\"acteur\":\"system\",\"contenu\":{"
                           "\"id\":\"P0000001\",%s,\"date_naissance\":\"1970-01-01\",\"sexe\":"
                           "\"M\",\"date\":\"2022-01-10\"}}\n",
                    cases[i].contenu);
        if (cases[i].want) {
            expect_refused(text.buf, cases[i].want, 1);
        } else {
            struct imported r;
            import_into_fresh(&r, text.buf, text.len, 20);
            if (r.rc != 0)
                fail_msg("%s: %s\n%s", cases[i].contenu, r.e.message, r.errs);
            imported_release(&r);
        }
    }
    strbuf_release(&text);
    (void)state;
}

/* ---- households in an import: what the bulk remembers (bulk.c) ---- */

/*
 * A file of the events ev[0..n) ("type|contenu"), all recorded at the same
 * instant (1 December 2022), after a header that counts them.
 */
static void events_file(struct strbuf *sb, const char *const *ev, size_t n)
{
    strbuf_clear(sb);
    strbuf_addf(sb,
                "{\"format\":\"proxima-journal\",\"version\":1,\"departement\":\"62\","
                "\"exporte_le\":\"2023-01-02T09:00:00+01:00\",\"evenements\":%zu}\n",
                n);
    for (size_t i = 0; i < n; i++) {
        const char *bar = strchr(ev[i], '|');

        assert_non_null(bar);
        strbuf_addf(sb,
                    "{\"type\":\"%.*s\",\"date_enregistrement\":\"2022-12-01T09:00:00+01:00\","
                    "\"acteur\":\"system\",\"contenu\":%s}\n",
                    (int)(bar - ev[i]), ev[i], bar + 1);
    }
}

#define EV_P1                                                                                      \
    "person.created|{\"id\":\"P0000001\",\"nom\":\"Durand\",\"prenom\":\"Paul\","                  \
    "\"date_naissance\":\"1970-01-01\",\"sexe\":\"M\",\"date\":\"2022-01-10\"}"
#define EV_P2                                                                                      \
    "person.created|{\"id\":\"P0000002\",\"nom\":\"Martin\",\"prenom\":\"Anne\","                  \
    "\"date_naissance\":\"1980-05-05\",\"sexe\":\"F\",\"date\":\"2022-01-10\"}"
#define EV_P3_BORN_JUNE                                                                            \
    "person.created|{\"id\":\"P0000003\",\"nom\":\"Durand\",\"prenom\":\"Léa\","                  \
    "\"date_naissance\":\"2022-06-01\",\"sexe\":\"F\",\"date\":\"2022-06-02\"}"
#define EV_F1                                                                                      \
    "household.created|{\"id\":\"F0000001\",\"libelle\":\"Foyer Durand\",\"date\":\"2022-01-10\"}"
#define EV_ADD(person, role, date)                                                                 \
    "household.member_added|{\"foyer\":\"F0000001\",\"personne\":\"" person "\",\"role\":\"" role  \
    "\",\"date\":\"" date "\"}"
#define EV_LEFT(person, date)                                                                      \
    "household.member_left|{\"foyer\":\"F0000001\",\"personne\":\"" person "\",\"date\":\"" date   \
    "\"}"

/* The file of n events must be refused, its only error saying want. */
static void events_refused(const char *const *ev, size_t n, const char *want)
{
    struct strbuf text;

    strbuf_init(&text, 0);
    events_file(&text, ev, n);
    expect_refused(text.buf, want, 1);
    strbuf_release(&text);
}

/*
 * During an import's first pass an arrival in a household created by the
 * same file is checked against the stays the import wrote, in memory: it
 * must accept and refuse exactly what the store's look-ups do (a refusal is
 * then worded by them, in the second pass). The limits: a stay ended by a
 * departure on D runs to D - 1 included.
 */
static void test_import_memberships(void **state)
{
    const char *ok[] = {
        EV_P1, EV_P2, EV_F1, EV_ADD("P0000001", "demandeur", "2022-02-01"),
        EV_LEFT("P0000001", "2022-03-01"),
        /* the demandeur's stay ended on 2022-02-28: both may come now */
        EV_ADD("P0000002", "demandeur", "2022-03-01"), EV_ADD("P0000001", "enfant", "2022-03-01"),
        EV_LEFT("P0000002", "2022-04-01"), EV_ADD("P0000002", "conjoint", "2022-05-01")};
    const char *left[] = {EV_P1,
                          EV_P2,
                          EV_F1,
                          EV_ADD("P0000001", "demandeur", "2022-02-01"),
                          EV_LEFT("P0000001", "2022-03-01"),
                          NULL};
    const char *stays[] = {EV_P1,
                           EV_P2,
                           EV_F1,
                           EV_ADD("P0000001", "demandeur", "2022-02-01"),
                           EV_ADD("P0000002", "conjoint", "2022-02-01"),
                           NULL};
    struct strbuf text;
    struct imported r;
    char *rows;

    strbuf_init(&text, 0);
    events_file(&text, ok, ARRAY_SIZE(ok));
    import_into_fresh(&r, text.buf, text.len, 20);
    if (r.rc != 0)
        fail_msg("import: %s (%s)\n%s", r.e.message, r.e.detail, r.errs);
    rows = rows_of(r.h.s, "SELECT household || ' ' || person || ' ' || role || ' ' || valid_from "
                          "|| ' ' || COALESCE(valid_to, '-') FROM household_member ORDER BY rowid");
    assert_string_equal(rows, "F0000001 P0000001 demandeur 2022-02-01 2022-02-28\n"
                              "F0000001 P0000002 demandeur 2022-03-01 2022-03-31\n"
                              "F0000001 P0000001 enfant 2022-03-01 -\n"
                              "F0000001 P0000002 conjoint 2022-05-01 -\n");
    free(rows);
    imported_release(&r);
    strbuf_release(&text);

    /* the ended stay still holds its last day */
    left[5] = EV_ADD("P0000002", "demandeur", "2022-02-28");
    events_refused(left, 6, "le foyer F0000001 a déjà un demandeur : P0000001");
    left[5] = EV_ADD("P0000001", "enfant", "2022-02-28");
    events_refused(left, 6, "P0000001 était déjà membre du foyer F0000001 jusqu'au 28/02/2022");
    /* current stays */
    stays[5] = EV_ADD("P0000002", "enfant", "2022-06-01");
    events_refused(stays, 6, "P0000002 est déjà membre du foyer F0000001 (depuis le 01/02/2022)");
    stays[5] = EV_ADD("P0000001", "enfant", "2022-01-20");
    events_refused(stays, 6, "P0000001 est déjà membre du foyer F0000001 (depuis le 01/02/2022)");
    stays[4] = EV_ADD("P0000002", "demandeur", "2022-06-01");
    events_refused(stays, 5, "le foyer F0000001 a déjà un demandeur : P0000001");
    /* the household's creation and the person's birth, as the import wrote them */
    stays[3] = EV_ADD("P0000001", "demandeur", "2022-01-09");
    events_refused(stays, 4,
                   "entrée de P0000001 dans le foyer F0000001 le 09/01/2022, avant la création du "
                   "foyer (10/01/2022)");
    stays[2] = EV_P3_BORN_JUNE;
    stays[3] = EV_F1;
    stays[4] = EV_ADD("P0000003", "enfant", "2022-05-31");
    events_refused(stays, 5,
                   "entrée de P0000003 dans le foyer F0000001 le 31/05/2022, avant sa "
                   "naissance");
    stays[4] = EV_ADD("P0000009", "enfant", "2022-05-31");
    events_refused(stays, 5, "personne inconnue");
    (void)state;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_listed_type_is_known),
        cmocka_unit_test(test_parse_instant),
        cmocka_unit_test(test_format_doc_examples),
        cmocka_unit_test(test_minimal_file_imports),
        cmocka_unit_test(test_unknown_type),
        cmocka_unit_test(test_unknown_field),
        cmocka_unit_test(test_envelope_checks),
        cmocka_unit_test(test_wrong_header),
        cmocka_unit_test(test_max_errors),
        cmocka_unit_test(test_big_file_late_errors),
        cmocka_unit_test(test_large_import),
        cmocka_unit_test(test_large_import_beside_a_reader),
        cmocka_unit_test(test_large_import_refused_leaves_file),
        cmocka_unit_test_setup_teardown(test_export_shape, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_non_canonical_lines_same_journal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_actor_and_instant_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_to_file_equals_buffer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_lines_3_and_7, setup, teardown),
        cmocka_unit_test_setup_teardown(test_following_lines_see_state_without_failed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_needs_capability, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_import_refused, setup, teardown),
        cmocka_unit_test(test_person_fields),
        cmocka_unit_test(test_import_memberships),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

/*
 * fuzz_import.c: libFuzzer target for the journal import (case_import).
 *
 * A database with the schema and the referential is built once in a
 * temporary directory and kept as a template; every input is imported into
 * a working copy. Whatever the input: no crash, no leak, an error always
 * has a code and a message, and a refused import leaves the projections and
 * the journal exactly as they were. An accepted one (rare) is undone by
 * copying the template back, so that every input meets the same state.
 */
#include "core/compat.h"

#include <unistd.h>

#define FUZZ_NAME "fuzz_import"
#include "fuzz_common.h"

#include "case/case.h"
#include "case/exchange.h"
#include "core/file.h"
#include "ref/ref.h"

#ifndef PROXIMA_DATADIR
#define PROXIMA_DATADIR "data"
#endif

static struct {
    bool ready;
    char dir[256], template_path[300], path[300];
    struct catalog cat;
    struct store *s;
    struct arena a;
    char digest[65];
    int64_t events;
} g;

static void die(const char *what, const struct err *e)
{
    fprintf(stderr, "fuzz_import: %s: %s (%s)\n", what, e->message, e->detail);
    abort();
}

static int64_t journal_events(void)
{
    struct err e;
    struct store_stmt *q;
    int64_t n = -1;

    err_clear(&e);
    q = store_prepare(g.s, "SELECT COUNT(*) FROM journal", &e);
    CHECK(q != NULL);
    if (store_step(q, &e) == STORE_ROW)
        n = store_column_int64(q, 0);
    store_finalize(q);
    return n;
}

/* Remove a database file and its WAL companions. */
static void remove_db(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    char p[320];

    for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
        snprintf(p, sizeof(p), "%s%s", path, suffixes[i]);
        unlink(p);
    }
}

static void open_working(void)
{
    struct strbuf sb;
    struct err e;

    err_clear(&e);
    strbuf_init(&sb, 0);
    remove_db(g.path);
    if (file_read_all(g.template_path, &sb, (size_t)1 << 30, &e) != 0 ||
        file_write_atomic(g.path, sb.buf, sb.len, &e) != 0)
        die("copy of the template", &e);
    strbuf_release(&sb);
    g.s = store_open(g.path, &e);
    if (!g.s)
        die("open", &e);
}

static void cleanup(void)
{
    if (g.s)
        store_close(g.s);
    catalog_release(&g.cat);
    arena_release(&g.a);
    remove_db(g.path);
    remove_db(g.template_path);
    rmdir(g.dir);
}

static void setup(void)
{
    const char *base = getenv("TMPDIR");
    struct store *t;
    struct err e;

    err_clear(&e);
    snprintf(g.dir, sizeof(g.dir), "%s/proxima-fuzz-import-XXXXXX", base && *base ? base : "/tmp");
    CHECK(mkdtemp(g.dir) != NULL);
    snprintf(g.template_path, sizeof(g.template_path), "%s/template.db", g.dir);
    snprintf(g.path, sizeof(g.path), "%s/work.db", g.dir);
    if (catalog_load(&g.cat, PROXIMA_DATADIR "/catalogue", &e) != 0)
        die("catalogue", &e);
    t = store_open(g.template_path, &e);
    if (!t || store_migrate(t, NULL, &e) != 0 ||
        ref_load(t, PROXIMA_DATADIR, "fuzz", NULL, &e) != 0)
        die("template", &e);
    store_close(t); /* checkpoints the WAL into the file */
    arena_init(&g.a, 0);
    open_working();
    CHECK(case_projection_digest(g.s, g.digest, &e) == 0);
    g.events = journal_events();
    atexit(cleanup);
    g.ready = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct case_ctx c = {0};
    struct case_import_stats st;
    struct err e;
    char after[65];
    int rc;

    if (!g.ready)
        setup();
    arena_clear(&g.a);
    c.store = g.s;
    c.cat = &g.cat;
    c.arena = &g.a;
    c.actor = "system";
    c.today = paris_today();
    err_clear(&e);
    rc = case_import(&c, (const char *)data, size, "fuzz.jsonl", 5, NULL, &st, &e);
    CHECK(!g.s->in_tx);
    CHECK(c.arena == &g.a && c.user == NULL && !strcmp(c.actor, "system"));
    if (rc != 0) {
        CHECK(e.code != ERR_OK && e.message[0]);
        CHECK(st.errors >= 1 && st.errors <= 5);
        CHECK(st.events <= st.lines);
        err_clear(&e);
        CHECK(case_projection_digest(g.s, after, &e) == 0);
        CHECK(!strcmp(after, g.digest));
        CHECK(journal_events() == g.events);
        return 0;
    }
    CHECK(e.code == ERR_OK && st.errors == 0 && st.events == st.lines);
    /* accepted: back to the template for the next input */
    store_close(g.s);
    open_working();
    return 0;
}

/*
 * bench_engine.c: the engine benchmark, built and run by bench/engine/run.sh.
 *
 * (a) Import of a year of events (gen_year.py) into a fresh database through
 *     case_import, the path every write takes (validation, projections,
 *     hash-chained journal), one transaction, durable on return: events/s.
 * (b) The baseline, measured in the same run: the rows that import left in
 *     the projection tables, read back into memory, then inserted into a
 *     fresh database with the same schema and the same connection settings
 *     as a large import (synchronous=FULL, foreign keys, same page cache, a
 *     rollback journal, the same secondary indexes set aside and built again
 *     before the commit) by prepared statements in one transaction; once
 *     without and once with the journal rows. The ratio says what
 *     validation and event sourcing cost.
 * (c) Interactive operations on the database holding that year: open,
 *     instruct, decide, pay a secours d'urgence through the case API as an
 *     agent, each in its own transaction committed with synchronous=FULL
 *     (durable on return): p50, p99, max latencies.
 * Then, for information, a full export and a replay of that year.
 *
 * usage: bench_engine --data DIR --fichier ANNEE.jsonl --dossier TRAVAIL [--operations N]
 */
#include "core/compat.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "access/access.h"
#include "case/case.h"
#include "case/case_int.h"
#include "case/exchange.h"
#include "core/json.h"
#include "core/json_arena.h"
#include "core/money.h"
#include "ref/ref.h"

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of this process (user + system): robust when the machine is shared. */
static double cpu(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static NORETURN void die(const char *what, const struct err *e)
{
    fprintf(stderr, "bench_engine : %s : %s", what, e ? e->message : "");
    if (e && e->detail[0])
        fprintf(stderr, " (%s)", e->detail);
    fputc('\n', stderr);
    exit(1);
}

static const char *fmt(int64_t v)
{
    static char ring[8][64];
    static int k;
    struct strbuf sb;
    char *out = ring[k++ % 8];

    strbuf_init(&sb, 64);
    num_format_int(&sb, v);
    snprintf(out, 64, "%s", sb.buf);
    strbuf_release(&sb);
    return out;
}

/* A fresh database: schema and referential (not timed). */
static struct store *fresh(const char *path, const char *data, bool with_ref)
{
    struct err e;
    struct store *s;

    err_clear(&e);
    unlink(path);
    s = store_open(path, &e);
    if (!s || store_migrate(s, NULL, &e) != 0 ||
        (with_ref && ref_load(s, data, "bench", NULL, &e) != 0))
        die(path, &e);
    return s;
}

/* ---- (b) rows in memory ---------------------------------------------------- */

struct cell {
    int type; /* SQLITE_INTEGER, SQLITE_TEXT, SQLITE_NULL (no REAL or BLOB in projections) */
    int64_t i;
    char *s;
    int n;
};

struct table_rows {
    const char *name;
    int ncols;
    size_t nrows;
    struct cell *cells;
};

/* Parents before children (foreign keys are on in both databases). */
static const char *const projection_tables[] = {
    "case_counter",
    "person",
    "person_address",
    "household",
    "household_member",
    "organisation",
    "dossier",
    "dossier_step",
    "decision",
    "payment",
    "act",
    "commission_session",
    "session_agenda",
};

static void load_rows(sqlite3 *db, const char *table, const char *where, struct table_rows *t)
{
    char sql[256];
    sqlite3_stmt *q;
    size_t cap = 1024;

    snprintf(sql, sizeof(sql), "SELECT * FROM %s%s", table, where);
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_engine : %s\n", sqlite3_errmsg(db));
        exit(1);
    }
    t->name = table;
    t->ncols = sqlite3_column_count(q);
    t->nrows = 0;
    t->cells = malloc(cap * (size_t)t->ncols * sizeof(*t->cells));
    while (sqlite3_step(q) == SQLITE_ROW) {
        if (t->nrows == cap) {
            cap *= 2;
            t->cells = realloc(t->cells, cap * (size_t)t->ncols * sizeof(*t->cells));
        }
        for (int c = 0; c < t->ncols; c++) {
            struct cell *x = &t->cells[t->nrows * (size_t)t->ncols + (size_t)c];
            x->type = sqlite3_column_type(q, c);
            if (x->type == SQLITE_INTEGER) {
                x->i = sqlite3_column_int64(q, c);
            } else if (x->type == SQLITE_NULL) {
                x->s = NULL;
            } else {
                const void *b = x->type == SQLITE_BLOB ? sqlite3_column_blob(q, c)
                                                       : (const void *)sqlite3_column_text(q, c);
                x->n = sqlite3_column_bytes(q, c);
                x->s = malloc((size_t)x->n + 1);
                memcpy(x->s, b, (size_t)x->n);
                x->s[x->n] = '\0';
            }
        }
        t->nrows++;
    }
    sqlite3_finalize(q);
}

static void free_rows(struct table_rows *t)
{
    for (size_t k = 0; k < t->nrows * (size_t)t->ncols; k++)
        if (t->cells[k].type == SQLITE_TEXT || t->cells[k].type == SQLITE_BLOB)
            free(t->cells[k].s);
    free(t->cells);
}

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "bench_engine : %s : %s\n", sql, msg);
        exit(1);
    }
}

/*
 * Drop the secondary indexes a large import sets aside
 * (case_bulk_index_names), keeping their definitions in defs; how many.
 */
static size_t set_aside(sqlite3 *db, char **defs)
{
    size_t n = 0;

    for (size_t k = 0; k < CASE_BULK_INDEX_COUNT; k++) {
        sqlite3_stmt *q;
        char drop[128];

        sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                           -1, &q, NULL);
        sqlite3_bind_text(q, 1, case_bulk_index_names[k], -1, SQLITE_STATIC);
        if (sqlite3_step(q) == SQLITE_ROW) {
            defs[n++] = strdup((const char *)sqlite3_column_text(q, 0));
            snprintf(drop, sizeof(drop), "DROP INDEX %s", case_bulk_index_names[k]);
            sqlite3_finalize(q);
            exec(db, drop);
            continue;
        }
        sqlite3_finalize(q);
    }
    return n;
}

/* Insert every row of tabs into path's tables, one transaction; wall seconds, CPU in *cpu_s. */
static double raw_insert(const char *path, struct table_rows *tabs, size_t ntabs, double *cpu_s)
{
    sqlite3 *db;
    double t0, t1, c0;
    char *defs[CASE_BULK_INDEX_COUNT];
    size_t ndefs;

    if (sqlite3_open(path, &db) != SQLITE_OK)
        exit(1);
    /* the connection settings of the store (src/store/sqlite.c) and of a large
       import (src/case/exchange.c): its page cache, a rollback journal */
    exec(db, "PRAGMA journal_mode = DELETE");
    exec(db, "PRAGMA synchronous = FULL");
    exec(db, "PRAGMA foreign_keys = ON");
    exec(db, "PRAGMA cache_size = -1048576");
    t0 = now();
    c0 = cpu();
    exec(db, "BEGIN IMMEDIATE");
    /* the secondary indexes the import sets aside (src/case/bulk.c), likewise */
    ndefs = set_aside(db, defs);
    for (size_t k = 0; k < ntabs; k++) {
        struct table_rows *t = &tabs[k];
        char sql[512];
        size_t len;
        sqlite3_stmt *q;

        len = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (", t->name);
        for (int c = 0; c < t->ncols; c++)
            len += (size_t)snprintf(sql + len, sizeof(sql) - len, c ? ", ?" : "?");
        snprintf(sql + len, sizeof(sql) - len, ")");
        if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
            fprintf(stderr, "bench_engine : %s : %s\n", sql, sqlite3_errmsg(db));
            exit(1);
        }
        for (size_t r = 0; r < t->nrows; r++) {
            for (int c = 0; c < t->ncols; c++) {
                struct cell *x = &t->cells[r * (size_t)t->ncols + (size_t)c];
                if (x->type == SQLITE_INTEGER)
                    sqlite3_bind_int64(q, c + 1, x->i);
                else if (x->type == SQLITE_NULL)
                    sqlite3_bind_null(q, c + 1);
                else if (x->type == SQLITE_BLOB)
                    sqlite3_bind_blob(q, c + 1, x->s, x->n, SQLITE_STATIC);
                else
                    sqlite3_bind_text(q, c + 1, x->s, x->n, SQLITE_STATIC);
            }
            if (sqlite3_step(q) != SQLITE_DONE) {
                fprintf(stderr, "bench_engine : %s : %s\n", t->name, sqlite3_errmsg(db));
                exit(1);
            }
            sqlite3_reset(q);
        }
        sqlite3_finalize(q);
    }
    for (size_t k = 0; k < ndefs; k++) {
        exec(db, defs[k]);
        free(defs[k]);
    }
    exec(db, "COMMIT");
    t1 = now();
    *cpu_s = cpu() - c0;
    exec(db, "PRAGMA journal_mode = WAL");
    sqlite3_close(db);
    return t1 - t0;
}

/* ---- (c) interactive operations ----------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report_latency(const char *what, double *v, size_t n)
{
    size_t w = 0;

    /* pad by characters, not bytes (accents) */
    for (const char *p = what; *p; p++)
        w += ((unsigned char)*p & 0xC0) != 0x80;
    qsort(v, n, sizeof(*v), cmp_double);
    printf("  %s%*s p50 %6.2f ms   p99 %6.2f ms   max %6.2f ms   (%zu opérations)\n", what,
           (int)(w < 28 ? 28 - w : 0), "", v[n / 2] * 1e3, v[(n * 99) / 100] * 1e3, v[n - 1] * 1e3,
           n);
}

/*
 * n dossiers opened, instructed, decided and paid, one transaction each.
 * round 0 creates the agent; durable says whether commits wait for the disk.
 */
static void interactive(struct store *s, const struct catalog *cat, size_t n, int round,
                        bool durable)
{
    struct arena a;
    struct access_user u;
    struct access_grant g1 = {.role = "instructeur", .site_grid = "departement", .site_code = "62"};
    struct access_grant g2 = {.role = "cadre_mds", .site_grid = "departement", .site_code = "62"};
    struct case_ctx c = {0};
    struct err e;
    struct store_stmt *q;
    const char **households = calloc(n, sizeof(*households));
    double *t_open = calloc(n, sizeof(double)), *t_instr = calloc(n, sizeof(double));
    double *t_dec = calloc(n, sizeof(double)), *t_pay = calloc(n, sizeof(double));
    size_t found = 0;
    int64_t total = 0, step;
    json_t *facts = json_pack("{s:s, s:s}", "montant_demande", "150.00", "besoin", "alimentation");

    arena_init(&a, 0);
    err_clear(&e);
    if (round == 0 && (access_user_add(s, "bench.agent", "Agent du banc d'essai",
                                       "une phrase de passe solide", "system", &e) != 0 ||
                       access_user_grant(s, cat, &g1, "bench.agent", "system", &e) != 0 ||
                       access_user_grant(s, cat, &g2, "bench.agent", "system", &e) != 0))
        die("agent", &e);
    if (access_user_load(s, &a, "bench.agent", &u, &e) != 0)
        die("agent", &e);
    /* households with a current applicant, spread over the year */
    q = store_prepare(s,
                      "SELECT COUNT(*) FROM household_member WHERE role = 'demandeur' "
                      "AND valid_to IS NULL",
                      &e);
    if (q && store_step(q, &e) == STORE_ROW)
        total = store_column_int64(q, 0);
    store_finalize(q);
    step = total / (int64_t)n > 0 ? total / (int64_t)n : 1;
    q = store_prepare(s,
                      "SELECT household FROM household_member WHERE role = 'demandeur' "
                      "AND valid_to IS NULL ORDER BY household",
                      &e);
    for (int64_t k = 0; q && found < n && store_step(q, &e) == STORE_ROW; k++)
        if (k % step == round)
            households[found++] = arena_strdup(&a, store_column_text(q, 0));
    store_finalize(q);
    if (found < n)
        die("pas assez de foyers pour les opérations interactives", NULL);

    c.store = s;
    c.cat = cat;
    c.arena = &a;
    c.user = &u;
    c.actor = u.login;
    if (date_parse_iso("2022-12-31", 10, &c.today, &e) != 0)
        die("date", &e);
    for (size_t i = 0; i < n; i++) {
        struct case_open_input in = {.dispositif = "secours_urgence",
                                     .beneficiary = households[i],
                                     .date = "2022-12-31",
                                     .facts = facts};
        struct case_op_input instr = {.date = "2022-12-31"};
        struct case_op_input dec = {.date = "2022-12-31", .outcome = "accord", .amount = "150,00"};
        struct case_op_input pay = {.date = "2022-12-31", .amount = "150,00"};
        const char *id;
        double t0;

        /* each call opens, validates, writes and commits its own transaction */
        t0 = now();
        if (case_dossier_open(&c, &in, &id, &e) != 0)
            die("ouverture", &e);
        t_open[i] = now() - t0;
        id = arena_strdup(&a, id);
        t0 = now();
        if (case_dossier_op(&c, id, OP_INSTRUIRE, &instr, &e) != 0)
            die("instruction", &e);
        t_instr[i] = now() - t0;
        t0 = now();
        if (case_dossier_op(&c, id, OP_DECIDER, &dec, &e) != 0)
            die("décision", &e);
        t_dec[i] = now() - t0;
        t0 = now();
        if (case_dossier_op(&c, id, OP_PAYER, &pay, &e) != 0)
            die("paiement", &e);
        t_pay[i] = now() - t0;
    }
    if (durable)
        printf(
            "(c) opérations interactives sur la base de l'année, chacune validée, journalisée "
            "et\n    écrite sur disque (synchronous=FULL, fsync) avant de rendre la main, par un "
            "agent\n    (contrôle d'accès, journal des accès) :\n");
    else
        printf("(c') les mêmes sans attendre le disque (synchronous=OFF, pour isoler le coût du "
               "moteur) :\n");
    report_latency("ouvrir (secours d'urgence)", t_open, n);
    report_latency("instruire", t_instr, n);
    report_latency("décider (accord)", t_dec, n);
    report_latency("payer", t_pay, n);
    json_decref(facts);
    free(households);
    free(t_open);
    free(t_instr);
    free(t_dec);
    free(t_pay);
    arena_release(&a);
}

/* The disk's floor for a durable commit: a 4 KiB write and fdatasync, n times. */
static void fsync_floor(const char *dir, size_t n)
{
    char path[512], block[4096];
    double *v = calloc(n, sizeof(double));
    int fd;

    snprintf(path, sizeof(path), "%s/fsync.bin", dir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        perror(path);
        exit(1);
    }
    memset(block, 'x', sizeof(block));
    for (size_t i = 0; i < n; i++) {
        double t0 = now();
        if (pwrite(fd, block, sizeof(block), (off_t)(i * sizeof(block))) !=
                (ssize_t)sizeof(block) ||
            fdatasync(fd) != 0) {
            perror(path);
            exit(1);
        }
        v[i] = now() - t0;
    }
    close(fd);
    unlink(path);
    printf("(c0) plancher du disque : écriture de 4 Kio + fdatasync\n");
    report_latency("fdatasync", v, n);
    free(v);
}

/* ---- main ------------------------------------------------------------------- */

static size_t file_map(const char *path, const char **data)
{
    struct stat st;
    int fd = open(path, O_RDONLY);
    void *m;

    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(path);
        exit(1);
    }
    m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED) {
        perror(path);
        exit(1);
    }
    *data = m;
    return (size_t)st.st_size;
}

static int count_line(json_t *v, size_t line, void *ctx, struct err *e)
{
    (void)v;
    (void)line;
    (void)e;
    ++*(int64_t *)ctx;
    return 0;
}

int main(int argc, char **argv)
{
    const char *data_dir = NULL, *file = NULL, *dir = NULL;
    size_t ops = 1000, len;
    const char *text;
    char p1[512], p2[512], p3[512], p4[512];
    struct catalog cat;
    struct store *s;
    struct case_ctx c = {0};
    struct case_import_stats st;
    struct arena a;
    struct err e;
    struct table_rows tabs[ARRAY_SIZE(projection_tables) + 2];
    size_t rows = 0, ntabs;
    sqlite3 *db;
    double t0, c0, t_parse, t_import, t_raw, t_raw_j, c_import, c_raw, c_raw_j;
    int64_t lines = 0, first_case_seq = 0;
    char digest[65], digest2[65];

    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--data"))
            data_dir = argv[i + 1];
        else if (!strcmp(argv[i], "--fichier"))
            file = argv[i + 1];
        else if (!strcmp(argv[i], "--dossier"))
            dir = argv[i + 1];
        else if (!strcmp(argv[i], "--operations"))
            ops = (size_t)strtoul(argv[i + 1], NULL, 10);
    }
    if (!data_dir || !file || !dir || ops < 10) {
        fprintf(stderr, "usage : bench_engine --data DIR --fichier ANNEE.jsonl --dossier TRAVAIL "
                        "[--operations N]\n");
        return 2;
    }
    snprintf(p1, sizeof(p1), "%s/annee.db", dir);
    snprintf(p2, sizeof(p2), "%s/brut.db", dir);
    snprintf(p3, sizeof(p3), "%s/brut-journal.db", dir);
    snprintf(p4, sizeof(p4), "%s/export.jsonl", dir);
    err_clear(&e);
    {
        char cdir[512];
        snprintf(cdir, sizeof(cdir), "%s/catalogue", data_dir);
        if (catalog_load(&cat, cdir, &e) != 0)
            die("catalogue", &e);
    }
    len = file_map(file, &text);

    /* what parsing alone costs, for the reading of (a) */
    t0 = now();
    json_lines_foreach(text, len, file, 1, count_line, &lines, NULL, &e);
    t_parse = now() - t0;
    err_clear(&e);

    /* (a) */
    s = fresh(p1, data_dir, true);
    arena_init(&a, 0);
    c.store = s;
    c.cat = &cat;
    c.arena = &a;
    c.actor = "system";
    c.today = paris_today();
    t0 = now();
    c0 = cpu();
    json_arena_begin(0); /* as the CLI's import does (core/json_arena.h) */
    if (case_import(&c, text, len, file, 20, stderr, &st, &e) != 0)
        die("import", &e);
    json_arena_end();
    t_import = now() - t0;
    c_import = cpu() - c0;
    printf("(a) import de %s événements (%s Mo) dans une base neuve, projections construites,\n"
           "    journal chaîné, une transaction validée sur disque :\n"
           "      %.2f s, %s événements/s ; temps CPU %.2f s, %s événements par seconde CPU\n"
           "      (dont lecture JSON seule du fichier : %.2f s)\n",
           fmt(st.events), fmt((int64_t)(len >> 20)), t_import,
           fmt((int64_t)((double)st.events / t_import)), c_import,
           fmt((int64_t)((double)st.events / c_import)), t_parse);

    /* (b) */
    if (sqlite3_open_v2(p1, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        die("lecture de la base importée", NULL);
    for (ntabs = 0; ntabs < ARRAY_SIZE(projection_tables); ntabs++) {
        load_rows(db, projection_tables[ntabs], "", &tabs[ntabs]);
        rows += tabs[ntabs].nrows;
    }
    {
        sqlite3_stmt *q;
        sqlite3_prepare_v2(db, "SELECT MIN(seq) FROM journal WHERE type = 'person.created'", -1, &q,
                           NULL);
        if (sqlite3_step(q) == SQLITE_ROW)
            first_case_seq = sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    store_close(fresh(p2, data_dir, false));
    t_raw = raw_insert(p2, tabs, ntabs, &c_raw);
    /* the journal's rows too: the imported events (the referential's stay as loaded) */
    store_close(fresh(p3, data_dir, false));
    if (sqlite3_open_v2(p1, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        die("lecture de la base importée", NULL);
    {
        char where[64];
        snprintf(where, sizeof(where), " WHERE seq >= %lld", (long long)first_case_seq);
        load_rows(db, "journal", where, &tabs[ntabs]);
        load_rows(db, "journal_head", "", &tabs[ntabs + 1]);
    }
    sqlite3_close(db);
    t_raw_j = raw_insert(p3, tabs, ntabs + 2, &c_raw_j);
    printf(
        "(b) référence : les mêmes %s lignes de projection insérées brutes (requêtes préparées,\n"
        "    une transaction, mêmes réglages, mêmes index mis de côté) : %.2f s (CPU %.2f s) ;\n"
        "    avec les %s lignes du journal : %.2f s (CPU %.2f s)\n"
        "      rapport import / insertions brutes, en temps écoulé : %.1f (projections seules), "
        "%.1f (avec journal)\n"
        "      rapport import / insertions brutes, en temps CPU    : %.1f (projections seules), "
        "%.1f (avec journal)\n",
        fmt((int64_t)rows), t_raw, c_raw, fmt((int64_t)tabs[ntabs].nrows), t_raw_j, c_raw_j,
        t_import / t_raw, t_import / t_raw_j, c_import / c_raw, c_import / c_raw_j);
    for (size_t k = 0; k < ntabs + 2; k++)
        free_rows(&tabs[k]);

    /* (c) */
    fsync_floor(dir, 200);
    interactive(s, &cat, ops, 0, true);
    {
        struct store_stmt *q = store_prepare(s, "PRAGMA synchronous = OFF", &e);
        if (store_step_done(q, &e) != 0)
            die("synchronous", &e);
    }
    interactive(s, &cat, ops, 1, false);

    /* for information: export and replay of the year */
    {
        FILE *f = fopen(p4, "w");
        struct case_export_stats xs;
        if (!f)
            die(p4, NULL);
        double t;
        t0 = now();
        if (case_export(s, NULL, f, NULL, &xs, &e) != 0)
            die("export", &e);
        fclose(f);
        t = now() - t0;
        printf("(d) export de l'année et des opérations : %s événements en %.2f s (%s/s)\n",
               fmt(xs.events), t, fmt((int64_t)((double)xs.events / t)));
    }
    if (case_projection_digest(s, digest, &e) != 0)
        die("empreinte", &e);
    t0 = now();
    json_arena_begin(0);
    if (case_replay(s, &cat, &e) != 0)
        die("rejeu", &e);
    json_arena_end();
    printf("(e) rejeu complet du journal : %.2f s", now() - t0);
    if (case_projection_digest(s, digest2, &e) != 0)
        die("empreinte", &e);
    printf(", projections %s\n", strcmp(digest, digest2) ? "DIFFÉRENTES" : "identiques");

    store_close(s);
    arena_release(&a);
    catalog_release(&cat);
    munmap((void *)(uintptr_t)text, len);
    return 0;
}

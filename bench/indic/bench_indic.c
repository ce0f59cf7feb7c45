/*
 * bench_indic.c: the time of the whole report computation through the
 * indicator engine, for bench/indic/run.sh.
 *
 * Opens a database holding a year, loads the shipped catalogue and
 * dictionary (not timed), then computes every indicator of the dictionary
 * for every grid (indic_grids) and the 13 periods (the year and its 12
 * months), in one pass (indic_compute_grids), N times; prints each run's
 * wall and CPU time (of every thread) and the best. With --workers 1, the
 * sequential engine (one thread; 2 by default, src/indic/par.c). With
 * --separate, the same grids one call each (the way before the multi-grid
 * pass), and with --verify, checks that the measured computation gives the
 * same values, value by value, as the other way (one pass per grid, or all
 * grids in one pass), computed by the sequential engine.
 *
 *   bench_indic --db BASE --data DIR [--year 2022] [--runs 3] [--workers N] [--separate] [--verify]
 */
#include "core/compat.h"

#include <sys/resource.h>
#include <time.h>

#include "indic/indic.h"
#include "indic/indic_int.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* CPU time of the calling thread: the engine's main thread (its critical path) */
static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(const char *what, const struct err *e)
{
    fprintf(stderr, "bench_indic: %s: %s (%s)\n", what, e->message, e->detail);
    return 1;
}

static size_t ngrids(void)
{
    size_t n = 0;
    while (indic_grids[n])
        n++;
    return n;
}

/* Every grid in one pass, or one pass per grid. */
static int compute_all(struct store *s, const struct indic_dict *d, const struct catalog *cat,
                       int year, bool separate, unsigned workers, struct arena *a,
                       struct indic_result *out, struct err *e)
{
    size_t n = ngrids();

    if (!separate)
        return eng_compute_grids(s, d, cat, year, indic_grids, n, workers, a, out, NULL, NULL, e);
    for (size_t i = 0; i < n; i++)
        if (eng_compute_grids(s, d, cat, year, &indic_grids[i], 1, workers, a, &out[i], NULL, NULL,
                              e) != 0)
            return -1;
    return 0;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *data = NULL;
    int year = 2022, runs = 3;
    unsigned workers = ENG_WORKERS;
    bool separate = false, verify = false;
    struct err e;
    struct store *s;
    struct catalog cat;
    struct indic_dict dict;
    struct indic_result res[8], other[8];
    struct arena a;
    double best_wall = 1e9, best_cpu = 1e9, best_main = 1e9;
    char path[4096];
    size_t n = ngrids(), cells = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc)
            db = argv[++i];
        else if (!strcmp(argv[i], "--data") && i + 1 < argc)
            data = argv[++i];
        else if (!strcmp(argv[i], "--year") && i + 1 < argc)
            year = (int)strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = (int)strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--workers") && i + 1 < argc)
            workers = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--separate"))
            separate = true;
        else if (!strcmp(argv[i], "--verify"))
            verify = true;
        else {
            fprintf(stderr, "usage : bench_indic --db BASE --data DOSSIER [--year AAAA] "
                            "[--runs N] [--workers N] [--separate] [--verify]\n");
            return 2;
        }
    }
    if (!db || !data || n > 8 || runs < 1 || workers < 1)
        return 2;
    err_clear(&e);
    s = store_open(db, &e);
    if (!s)
        return die("base", &e);
    snprintf(path, sizeof(path), "%s/catalogue", data);
    if (catalog_load(&cat, path, &e) != 0)
        return die("catalogue", &e);
    snprintf(path, sizeof(path), "%s/indicateurs", data);
    if (indic_dict_load(&dict, path, &cat, &e) != 0)
        return die("dictionnaire", &e);
    arena_init(&a, 0);

    for (int r = 0; r < runs; r++) {
        double w0 = now_s(), c0 = cpu_s(), m0 = thread_cpu_s(), w, c, m;
        arena_clear(&a);
        if (compute_all(s, &dict, &cat, year, separate, workers, &a, res, &e) != 0)
            return die("calcul", &e);
        w = now_s() - w0;
        c = cpu_s() - c0;
        m = thread_cpu_s() - m0;
        printf("run %d : %.3f s (CPU %.3f s, dont fil principal %.3f s)\n", r + 1, w, c, m);
        best_wall = w < best_wall ? w : best_wall;
        best_cpu = c < best_cpu ? c : best_cpu;
        best_main = m < best_main ? m : best_main;
    }
    for (size_t i = 0; i < n; i++)
        cells += res[i].ndefs * (res[i].nareas + 1) * INDIC_MONTHS;
    printf("%s, %u fil%s : %zu indicateurs, %zu grilles, %d périodes, %zu valeurs\n",
           separate ? "une passe par grille" : "une passe pour toutes les grilles", workers,
           workers > 1 ? "s" : "", dict.ndefs, n, INDIC_MONTHS, cells);
    printf("meilleur : %.3f s (CPU %.3f s)\n", best_wall, best_cpu);
    printf("fil principal : %.3f s CPU au mieux, les autres fils %.3f s\n", best_main,
           best_cpu - best_main);

    if (verify) {
        size_t diffs = 0;
        if (compute_all(s, &dict, &cat, year, !separate, 1, &a, other, &e) != 0)
            return die("calcul", &e);
        for (size_t i = 0; i < n; i++) {
            size_t nv = res[i].ndefs * (res[i].nareas + 1) * INDIC_MONTHS;
            if (res[i].nareas != other[i].nareas ||
                memcmp(res[i].values, other[i].values, nv * sizeof(int64_t)) != 0)
                diffs++;
        }
        printf("vérification : %s\n", diffs ? "VALEURS DIFFÉRENTES" : "valeurs identiques");
        if (diffs)
            return 1;
    }
    arena_release(&a);
    indic_dict_release(&dict);
    catalog_release(&cat);
    store_close(s);
    return 0;
}

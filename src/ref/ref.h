/*
 * ref.h: the territorial referential.
 *
 * One dated commune referential (INSEE codes, with their versions: a commune
 * nouvelle ends its predecessors) and several grids laid on it: EPCI,
 * territoire, MDS, MDADT. Every assignment of a commune to an area is dated,
 * so every question is asked "as of a date". Loaded from the files of
 * data/ref/ (see data/ref/SOURCES.md) by ref_load().
 */
#ifndef PROXIMA_REF_REF_H
#define PROXIMA_REF_REF_H

#include "core/compat.h"
#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "store/store.h"

/* Grid codes. */
#define REF_GRID_EPCI "epci"
#define REF_GRID_TERRITOIRE "territoire"
#define REF_GRID_MDS "mds"
#define REF_GRID_MDADT "mdadt"

struct ref_area_ref {
    const char *code; /* NULL when the commune has no area in that grid */
    const char *name;
};

/* A commune as of a date, with its areas in each grid. */
struct ref_commune {
    const char *code;
    const char *name;
    const char *postcodes;  /* space-separated */
    const char *valid_from; /* ISO dates of this version */
    const char *valid_to;   /* "" when still valid */
    const char *ends;       /* last day the commune exists (any version), "" if it still does */
    const char *successor;  /* commune nouvelle that absorbed it, or "" */
    int64_t population;     /* -1 when unknown */
    const char *population_source;
    struct ref_area_ref epci, territoire, mds, mdadt;
};

struct ref_load_stats {
    int64_t communes;     /* commune versions */
    int64_t epci;
    int64_t memberships;  /* EPCI memberships */
    int64_t assignments;  /* all grid assignments written */
    int64_t facts;
    bool unchanged;       /* the same files were already loaded */
};

/*
 * Validate the files of data_dir/ref and load them in one transaction,
 * replacing a previous load, with a "ref.loaded" journal event recording the
 * files' BLAKE2b digests. Any error (malformed file, unknown code, overlapping
 * dates) names file, line and value and leaves the database unchanged.
 * When the same files are already loaded nothing is written.
 */
int ref_load(struct store *s, const char *data_dir, const char *actor,
             struct ref_load_stats *stats, struct err *e);

/* First date the referential covers (ERR_NOT_FOUND if nothing is loaded). */
int ref_first_date(struct store *s, date_t *out, struct err *e);

/*
 * The commune with this INSEE code as of day (ERR_NOT_FOUND with a French
 * message saying whether it existed at another date).
 */
int ref_commune_get(struct store *s, struct arena *a, const char *code, date_t day,
                    struct ref_commune *out, struct err *e);

/*
 * Does the commune with this INSEE code exist on day? 0 if it does (one
 * indexed look-up, no area read); otherwise the error ref_commune_get gives.
 */
int ref_commune_check(struct store *s, const char *code, date_t day, struct err *e);

/*
 * Communes matching query as of day: a 5-character INSEE code, a postcode
 * (every commune it serves), or a name compared accent- and
 * case-insensitively (exact matches first, then names starting with the
 * query, then names containing it). *out is an arena array; *n may be 0.
 */
int ref_commune_search(struct store *s, struct arena *a, const char *query, date_t day,
                       struct ref_commune **out, size_t *n, struct err *e);

/* One area of a grid as of a date, with its communes' counts. */
struct ref_area_summary {
    const char *code;
    const char *name;
    int64_t communes;
    int64_t population;       /* sum over communes with a known population */
    int64_t population_unknown; /* communes without population */
    int64_t published_population; /* -1 when none recorded */
    const char *published_source;
    const char **children;    /* names of sub-areas (EPCIs of a territory...) */
    size_t nchildren;
    const char **sites;       /* MDS of a territory */
    size_t nsites;
};

/*
 * Per area of grid (REF_GRID_TERRITOIRE...) as of day: communes, population,
 * published population, the EPCIs and MDS of each territory. Sorted by code.
 */
int ref_grid_summary(struct store *s, struct arena *a, const char *grid, date_t day,
                     struct ref_area_summary **out, size_t *n, struct err *e);

#endif

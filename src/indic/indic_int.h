/*
 * indic_int.h: private to src/indic/. The hash tables of the engine, the
 * engine's state shared by engine.c (the passes over the source tables),
 * place.c (areas of the grids, which area a row counts in), derive.c and
 * close.c. One pass fills several grids (struct eng_grid): what does not
 * depend on the grid (filters, conditions, periods, the département total)
 * is worked out once per row, the places once per row and grid.
 */
#ifndef PROXIMA_INDIC_INDIC_INT_H
#define PROXIMA_INDIC_INDIC_INT_H

#include <jansson.h>

#include "core/compat.h"
#include "indic/indic.h"

/* ---- codes of the dictionary (describe.c), indexed by the enums of indic.h ---- */

#define INDIC_NUNIT    5  /* enum indic_unit */
#define INDIC_NSOURCE  7  /* enum indic_source */
#define INDIC_NDATE    10 /* enum indic_date */
#define INDIC_NMEASURE 7  /* enum indic_measure */
#define INDIC_NPLACE   2  /* enum indic_place */

extern const char *const indic_unit_codes[INDIC_NUNIT];
extern const char *const indic_source_codes[INDIC_NSOURCE];
extern const char *const indic_date_codes[INDIC_NDATE];
extern const char *const indic_measure_codes[INDIC_NMEASURE];
extern const char *const indic_place_codes[INDIC_NPLACE];

/* ---- hash tables (hash.c) -------------------------------------------------- */

/*
 * A set of strings, each with a dense index 0..n-1 in insertion order.
 * Strings are copied into the arena given to init; the tables are malloc'ed
 * (they grow) and freed by strset_release.
 */
struct strset {
    struct arena *a;
    const char **strs; /* by index */
    uint64_t *hashes;  /* by index */
    uint32_t *slots;   /* open addressing: index + 1, 0 empty */
    size_t n, cap, nslots;
};

void strset_init(struct strset *s, struct arena *a);
void strset_release(struct strset *s);
/* Index of p[0..len), added if absent. */
uint32_t strset_add(struct strset *s, const char *p, size_t len);
/* Index of p[0..len), or -1. */
int64_t strset_find(const struct strset *s, const char *p, size_t len);

/* A map from 64-bit keys (any value but UINT64_MAX) to 32-bit values, 0 when new. */
struct map64 {
    uint64_t *keys; /* key + 1, 0 empty */
    uint32_t *vals;
    size_t n, cap;
};

void map64_init(struct map64 *m);
void map64_release(struct map64 *m);
/* The value slot of key, created (0) if absent. */
uint32_t *map64_slot(struct map64 *m, uint64_t key);

/* ---- dated links: key -> value over [from, to] (place.c) ------------------- */

struct dated_entry {
    date_t from, to; /* to DATE_MAX when open */
    const char *value;
    uint32_t commune; /* tables of communes: index of value in eng.communes */
};

/* Loaded from a query whose rows are sorted by key: every key's entries are contiguous. */
struct dated {
    struct strset keys;
    uint32_t *first, *count; /* by key index */
    size_t capk;
    struct dated_entry *e;
    size_t n, cap;
};

/* ---- the engine (engine.c, place.c) --------------------------------------- */

/* At most this many grids in one pass (indic_compute_grids). */
#define ENG_MAX_GRIDS 8

/* One row of a source table, as the passes read it. */
struct eng_row {
    const char *id; /* dossier id (decisions, payments, dossiers) or act id */
    const char *dispositif;
    uint64_t serial; /* a number of its own in the run: the row's identity for row counts */
    int outcome;     /* decisions: enum catalog_outcome */
    date_t day;      /* decision, payment or act date */
    int64_t amount;  /* decision or payment, cents (0 when none) */
    date_t opened;
    bool has_start, has_end;
    date_t start, end;
    const char *btype, *benef, *person, *household; /* NULL when absent */
    const char *site_grid, *site_code;
    const char *facts_text;
    struct store_stmt *facts_q; /* when facts_text is not read yet: the statement on the row */
    int facts_col;              /* and its facts column */
    json_t *facts;              /* parsed on first use */
    bool has_birth;
    date_t birth;
    const char *sex;    /* NULL when no person */
    bool person_loaded; /* birth and sex read (only when a condition needs them) */
    char sexbuf[4];
    int64_t kidx[3]; /* distinct person, household, beneficiary: index in eng.ids + 1, 0: not yet */
    /* caches of the row's places: site area per grid (SIZE_MAX - 1: not yet), commune by day */
    size_t site_area[ENG_MAX_GRIDS];
    date_t commune_day[4];
    int64_t commune_at[4]; /* index in eng.communes, -1: none */
    unsigned ncommunes;
    /* key indexes in the dated tables and eng.site_keys, -2: not looked up yet */
    int64_t k_person, k_benef, k_dem, k_who, k_site;
    const char *who; /* the person k_who is about */
};

/* A decision or payment of the year, kept until its dossier is read. */
struct eng_event {
    uint32_t next; /* index + 1 of the next event of the same dossier, 0: none */
    uint8_t src;   /* SRC_DECISIONS or SRC_PAIEMENTS */
    int8_t outcome;
    date_t day;
    int64_t amount;
};

/* Which defs of the dictionary look at rows of one dispositif, per source. */
struct eng_disp {
    const struct catalog_dispositif *cat;
    size_t *defs[4]; /* SRC_DECISIONS..SRC_ACTES */
    size_t ndefs[4];
};

/* A commune in an area of a grid from..to. */
struct eng_carea {
    date_t from, to;
    size_t area;
};

/*
 * One grid of a pass: its areas and where rows fall in them. Cells are
 * (def, area, month) with two areas more than the grid has: nareas, the
 * département (every row), and nareas + 1, the rows placed in some area.
 */
struct eng_grid {
    const char *grid;
    bool by_commune; /* epci, commune: rows count at the beneficiary's commune */
    bool is_dept;    /* departement: one area, every row */
    bool is_commune; /* commune: the commune is the area */
    size_t nareas;
    const char **area_codes, **area_names; /* sorted by code */

    /* PLACE_SITE: site "grid:code" -> area (SIZE_MAX: the département only) */
    struct strset sites;
    size_t *site_area;
    size_t site_cap;
    struct dated assign; /* commune -> area code of the grid */
    size_t *by_site;     /* by index in eng.site_keys: the area, SIZE_MAX - 1 not resolved yet */
    size_t by_site_cap;
    /* by commune index (eng.communes): its areas over time, resolved on first use */
    uint32_t *c_first, *c_count; /* c_first UINT32_MAX: not resolved yet */
    size_t c_cap;
    struct eng_carea *ce;
    size_t nce, ce_cap;

    int64_t *acc;      /* ndefs * (nareas + 2) * INDIC_MONTHS */
    uint64_t key_base; /* first cell number of this grid in the keys of eng.distinct */
    /* rows placed in some area: per def, rows counted per month, and the current row's months */
    int64_t *rows_placed; /* ndefs * INDIC_MONTHS */
    uint64_t *row_stamp;  /* by def: serial + 1 of the row row_mask is about */
    uint16_t *row_mask;
};

/*
 * What a distinct measure has counted for one (def, id): the months of the
 * département, and per grid the months of its first area and of the rows
 * placed in some area. An id met in a second area of a grid (a move) goes
 * to eng.distinct with the cell in the key. One look-up per row and def
 * instead of one per grid and cell.
 */
struct eng_seen {
    uint16_t dep;
    uint16_t placed[ENG_MAX_GRIDS];
    uint16_t mask[ENG_MAX_GRIDS];
    uint32_t area[ENG_MAX_GRIDS]; /* area + 1, 0: none yet */
};

struct eng {
    struct store *s;
    const struct indic_dict *d;
    const struct catalog *cat;
    struct arena *out; /* results */
    struct arena tmp;  /* everything else, released at the end */
    struct err *e;
    int year;
    struct period per[INDIC_MONTHS]; /* 0: the year, 1..12: the months */
    struct eng_grid grids[ENG_MAX_GRIDS];
    size_t ngrids;
    bool need_residence; /* some active def places by residence, or a grid by commune */
    bool *active;        /* defs computed (all, or those an explanation needs) */
    bool *needs_person;  /* the def's condition reads personne.date_naissance or .sexe */
    bool *distinct_def;  /* the def's measure is a distinct count */

    /* ref_area of the mds and mdadt grids, for the territory rules */
    size_t nref;
    const char **ref_grid, **ref_code, **ref_parent;

    /* residence */
    struct dated addresses;  /* person -> commune */
    struct dated demandeurs; /* household -> person */
    struct dated orgs;       /* organisation -> commune (always valid) */
    struct strset communes;  /* every commune code met, interned */
    struct strset site_keys; /* "grid:code" of every site met, interned */

    struct strset disp_names; /* dispositif code -> index in disps */
    struct eng_disp *disps;

    /* decisions and payments of the year by dossier (engine.c) */
    struct strset ev_dossiers;
    uint32_t *ev_head; /* by dossier index: index + 1 of its last event */
    size_t ev_head_cap;
    struct eng_event *ev;
    size_t nev, ev_cap;

    struct map64 seen_idx; /* (def, id) -> index + 1 in seen */
    struct eng_seen *seen;
    size_t nseen, seen_cap;
    struct map64 distinct; /* (grid cell, id) -> month mask already counted (second areas) */
    struct strset ids;     /* ids counted by distinct measures */
    uint64_t nserial;      /* rows read so far */

    /* rows counted for the département (every grid's area nareas), as rows_placed */
    int64_t *rows_dep;
    uint64_t *dep_stamp;
    uint16_t *dep_mask;

    /* explanation (one grid) */
    bool explain;
    size_t x_area;
    int x_month;
    bool *x_defs;
    struct strset x_ids;
};

static inline size_t eng_cell(const struct eng_grid *gr, size_t def, size_t area, int month)
{
    return (def * (gr->nareas + 2) + area) * INDIC_MONTHS + (size_t)month;
}

/* place.c */
/* The areas of every grid of g, and the referential's mds and mdadt areas. */
int eng_load_areas(struct eng *g);
int eng_load_residence(struct eng *g);
/* The area of gr row r counts in on day for def (SIZE_MAX: the département only). */
size_t eng_place(struct eng *g, struct eng_grid *gr, const struct indic_def *def, struct eng_row *r,
                 date_t day);
/* The area of gr holding site "site_grid:site_code", SIZE_MAX if none. */
size_t eng_site_area(struct eng *g, struct eng_grid *gr, const char *site_grid,
                     const char *site_code);
/* Index of code in the sorted area codes of gr, SIZE_MAX if absent. */
size_t eng_area_index(const struct eng_grid *gr, const char *code);

/* derive.c: site fact def k; derived def k after its terms (state: 0 todo, 1 running, 2 done). */
int eng_site_fact(struct eng *g, struct eng_grid *gr, size_t k);
void eng_derive(struct eng *g, struct eng_grid *gr, size_t k, unsigned char *state);

/* An invalid date read from the store: ERR_INVALID naming what and where. */
int eng_bad_date(struct eng *g, const char *what, const char *id, const char *value);

/* Fast "YYYY-MM-DD" parse; false when s is not such a date. */
bool eng_parse_date(const char *s, date_t *out);

#endif

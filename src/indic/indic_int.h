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
    /*
     * The identifiers of proxima are a prefix and a fixed number of digits
     * (P0000001, D0012345, 62193): when the first string is of that form,
     * the strings of the same form are also indexed by their number (index
     * + 1, 0 absent), one memory access instead of the hash table's three.
     * Off (num_off) when the numbers are too sparse; the hash table always
     * holds every string.
     */
    char num_prefix[8];
    size_t num_plen, num_ndig;
    bool num_off;
    uint32_t *num;
    size_t nnum;
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

/* ---- the facts of a row (facts.c) ------------------------------------------ */

enum eng_fact_type {
    ENG_FACT_NULL,
    ENG_FACT_FALSE,
    ENG_FACT_TRUE,
    ENG_FACT_INT,
    ENG_FACT_STRING,
    ENG_FACT_OTHER /* a real, an object, an array: no indicator reads them */
};

/* One member of the facts object; key and s point into the row's text (or f->json). */
struct eng_fact {
    const char *key;
    size_t klen;
    enum eng_fact_type type;
    const char *s; /* ENG_FACT_STRING, not NUL-terminated */
    size_t slen;
    int64_t i; /* ENG_FACT_INT */
};

/* The members of one row's facts, reused row after row. */
struct eng_facts {
    struct eng_fact *m;
    size_t n, cap;
    json_t *json;  /* the slow path's object, owning the spans; NULL on the fast path */
    uint64_t slow; /* rows read by jansson (for the tests) */
};

void eng_facts_init(struct eng_facts *f);
/* Forget the current row (its spans are no longer used). */
void eng_facts_clear(struct eng_facts *f);
void eng_facts_release(struct eng_facts *f);
/*
 * Read the facts text of row id ("" or NULL: {}): the members of its object,
 * valid while text is. ERR_INVALID when text is not a JSON object.
 */
int eng_facts_read(struct eng_facts *f, const char *text, const char *id, struct err *e);
/* The member key (its last occurrence), or NULL. */
const struct eng_fact *eng_facts_get(const struct eng_facts *f, const char *key);

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

/* A name of a condition, worked out once (engine.c, name_kind). */
enum eng_name_kind {
    ENG_NAME_DATE,
    ENG_NAME_DEBUT,
    ENG_NAME_FIN,
    ENG_NAME_BIRTH,
    ENG_NAME_SEX,
    ENG_NAME_FACT
};

struct eng_name {
    const char *name; /* the address the condition passes, NULL: empty slot */
    const struct catalog_dispositif *cd;
    enum eng_name_kind kind;
    const struct catalog_fact *fact; /* ENG_NAME_FACT: the dispositif's fact, or NULL */
};

#define ENG_NAMES 64 /* slots of the cache of names (direct-mapped) */

/* At most this many grids in one pass (indic_compute_grids). */
#define ENG_MAX_GRIDS 8

/* Days whose commune a row remembers: the 13 periods' last days of its defs fit. */
#define ENG_ROW_DAYS 16

/* The beneficiary type of a row (eng_row.btype), worked out once. */
enum eng_bkind { BK_UNSET, BK_NONE, BK_PERSONNE, BK_FOYER, BK_ORGANISATION, BK_COMMUNE, BK_OTHER };

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
    struct store_stmt *facts_q;    /* when facts_text is not read yet: the statement on the row */
    int facts_col;                 /* and its facts column */
    const struct eng_facts *facts; /* read on first use (eng.facts), NULL before */
    bool has_birth;
    date_t birth;
    const char *sex;    /* NULL when no person */
    bool person_loaded; /* birth and sex read (only when a condition needs them) */
    char sexbuf[4];
    int64_t kidx[3]; /* distinct person, household, beneficiary: index in eng.ids + 1, 0: not yet */
    /* caches of the row's places: site area per grid (SIZE_MAX - 1: not yet), commune by day */
    size_t site_area[ENG_MAX_GRIDS];
    date_t commune_day[ENG_ROW_DAYS];
    int64_t commune_at[ENG_ROW_DAYS]; /* index in eng.communes, -1: none */
    unsigned ncommunes;
    uint8_t bkind; /* enum eng_bkind of btype, 0 until needed */
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

/*
 * The areas of one grid a row's last indicator fell in, by the beneficiary's
 * commune (engine.c, row_areas): valid for the row whose serial + 1 is
 * serial, for the months of mask on the days of when.
 */
struct eng_areas {
    uint64_t serial;
    uint16_t mask;
    date_t when[INDIC_MONTHS];
    size_t area[INDIC_MONTHS];
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
    struct eng_areas areas[ENG_MAX_GRIDS]; /* by grid, the last areas by commune of a row */
    size_t ngrids;
    unsigned workers;    /* threads the passes may use (par.c): 1 or 2 */
    unsigned threads;    /* threads the passes used */
    size_t par_moved;    /* dossier defs the worker thread computed (par.c) */
    uint64_t facts_slow; /* rows whose facts jansson read (the worker's, see facts.slow) */
    bool par_sources[4]; /* the source tables some active def reads (SRC_DECISIONS..SRC_ACTES) */
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
    int64_t last_site;       /* the previous row's site in site_keys, -1: none */

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
    struct map64 distinct;  /* (grid cell, id) -> month mask already counted (second areas) */
    struct strset ids;      /* ids counted by distinct measures */
    struct eng_facts facts; /* the current row's facts */
    struct eng_name names[ENG_NAMES]; /* the names of conditions met */
    uint64_t nserial;                 /* rows read so far */

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

/* engine.c: the passes, and all of them in order on this thread (residence included). */
int eng_buffer_events(struct eng *g, enum indic_source src);
int eng_pass_dossiers(struct eng *g);
/* The same for the dossiers of one dispositif only. */
int eng_pass_dossiers_of(struct eng *g, const char *dispositif);
/* g->disps and g->disp_names: the active row defs (those of take, when not NULL) by dispositif. */
void eng_index_dispositifs(struct eng *g, const bool *take);
int eng_pass_acts(struct eng *g);
int eng_run_passes(struct eng *g);
/* Map the database file for the passes when s has no map of its own: true when it did. */
bool eng_mmap(struct store *s);
void eng_unmap(struct store *s);

/* Threads the engine uses by default: the machine of the reference year has 2 cores. */
#define ENG_WORKERS 2

/*
 * par.c: the passes on two threads when g->workers >= 2 and it can (see
 * there): 0, or -1 with g->e filled; 1 when the caller must run them itself
 * (eng_run_passes).
 */
int eng_par_run(struct eng *g);

/* How a computation went, for the tests and the benchmark. */
struct eng_stats {
    unsigned threads;    /* 2: the passes ran on two threads (par.c), 1: on one */
    size_t moved;        /* indicators of dossiers, decisions or payments the worker computed */
    uint64_t facts_slow; /* rows whose facts the scanner handed to jansson */
};

/*
 * indic_compute_grids with at most workers threads (1: the sequential
 * engine), for the tests and the benchmark that compare both; stats may be
 * NULL.
 */
int eng_compute_grids(struct store *s, const struct indic_dict *d, const struct catalog *cat,
                      int year, const char *const *grids, size_t ngrids, unsigned workers,
                      struct arena *a, struct indic_result *out, struct indic_placed *placed,
                      struct eng_stats *stats, struct err *e);

/* place.c */
/* The areas of every grid of g, and the referential's mds and mdadt areas. */
int eng_load_areas(struct eng *g);
/*
 * The residence tables: eng_load_addresses the addresses of persons and
 * organisations (communes interned in g->communes) and the grids' dated
 * assignments; eng_load_applicants the applicants of households (no
 * commune: it may run on another connection and arena, see par.c).
 */
int eng_load_addresses(struct eng *g);
int eng_load_applicants(struct eng *g);
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
/* The same for s[0..n), not NUL-terminated. */
bool eng_parse_daten(const char *s, size_t n, date_t *out);

#endif

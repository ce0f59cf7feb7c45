/*
 * indic_int.h: private to src/indic/. The hash tables of the engine, the
 * engine's state shared by engine.c (the passes over the source tables),
 * place.c (areas of a grid, which area a row counts in) and close.c.
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

/* One row of a source table, as the passes read it. */
struct eng_row {
    const char *id; /* dossier id (decisions, payments, dossiers) or act id */
    const char *dispositif;
    int outcome;    /* decisions: enum catalog_outcome */
    date_t day;     /* decision, payment or act date */
    int64_t amount; /* decision or payment, cents (0 when none) */
    date_t opened;
    bool has_start, has_end;
    date_t start, end;
    const char *btype, *benef, *person, *household; /* NULL when absent */
    const char *site_grid, *site_code;
    const char *facts_text;
    json_t *facts; /* parsed on first use */
    bool has_birth;
    date_t birth;
    const char *sex;    /* NULL when no person */
    bool person_loaded; /* birth and sex read (only when a condition needs them) */
    char sexbuf[4];
    int64_t kidx[3]; /* distinct person, household, beneficiary: index in eng.ids + 1, 0: not yet */
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

struct eng {
    struct store *s;
    const struct indic_dict *d;
    const struct catalog *cat;
    struct arena *out; /* results */
    struct arena tmp;  /* everything else, released at the end */
    struct err *e;
    int year;
    struct period per[INDIC_MONTHS]; /* 0: the year, 1..12: the months */
    const char *grid;
    bool by_commune;     /* epci, commune: rows count at the beneficiary's commune */
    bool need_residence; /* some active def places by residence, or by_commune */
    size_t nareas;
    const char **area_codes, **area_names; /* sorted by code */
    bool *active;                          /* defs computed (all, or those an explanation needs) */
    bool *needs_person; /* the def's condition reads personne.date_naissance or .sexe */

    /* PLACE_SITE: site "grid:code" -> area (SIZE_MAX: the département only) */
    struct strset sites;
    size_t *site_area;
    size_t site_cap;
    /* ref_area of the mds and mdadt grids, for the territory rules */
    size_t nref;
    const char **ref_grid, **ref_code, **ref_parent;

    /* residence */
    struct dated addresses;  /* person -> commune */
    struct dated demandeurs; /* household -> person */
    struct dated orgs;       /* organisation -> commune (always valid) */
    struct dated assign;     /* commune -> area code of the grid */

    struct strset disp_names; /* dispositif code -> index in disps */
    struct eng_disp *disps;

    /* decisions and payments of the year by dossier (engine.c) */
    struct strset ev_dossiers;
    uint32_t *ev_head; /* by dossier index: index + 1 of its last event */
    size_t ev_head_cap;
    struct eng_event *ev;
    size_t nev, ev_cap;

    int64_t *acc;          /* ndefs * (nareas + 1) * INDIC_MONTHS */
    struct map64 distinct; /* (def, area, id) -> month mask already counted */
    struct strset ids;     /* ids counted by distinct measures */

    /* explanation */
    bool explain;
    size_t x_area;
    int x_month;
    bool *x_defs;
    struct strset x_ids;
};

static inline size_t eng_cell(const struct eng *g, size_t def, size_t area, int month)
{
    return (def * (g->nareas + 1) + area) * INDIC_MONTHS + (size_t)month;
}

/* place.c */
int eng_load_areas(struct eng *g);
int eng_load_residence(struct eng *g);
/* The area row r counts in on day for def (SIZE_MAX: the département only). */
size_t eng_place(struct eng *g, const struct indic_def *def, const struct eng_row *r, date_t day);
/* The area of grid g holding site "site_grid:site_code", SIZE_MAX if none. */
size_t eng_site_area(struct eng *g, const char *site_grid, const char *site_code);
/* Index of code in the sorted area codes, SIZE_MAX if absent. */
size_t eng_area_index(const struct eng *g, const char *code);

/* derive.c: site fact def k; derived def k after its terms (state: 0 todo, 1 running, 2 done). */
int eng_site_fact(struct eng *g, size_t k);
void eng_derive(struct eng *g, size_t k, unsigned char *state);

/* An invalid date read from the store: ERR_INVALID naming what and where. */
int eng_bad_date(struct eng *g, const char *what, const char *id, const char *value);

/* Fast "YYYY-MM-DD" parse; false when s is not such a date. */
bool eng_parse_date(const char *s, date_t *out);

#endif

/*
 * gen_int.h: private to the generator (src/gen/). The generator's state,
 * its random streams and calendar, the arithmetic that turns a target into
 * exact counts and amounts, the referential it lays persons on, and thin
 * wrappers over the case operations (ids, dates, batching, errors).
 *
 * Conventions: dates are date_t; amounts are cents; persons, households,
 * dossiers... are the numbers of their ids ("P0000042" is person 42). A
 * wrapper that fails records the error once in the run's struct err (sticky,
 * with the step and the object) and every later wrapper returns at once, so
 * that a module checks gen_failed() at its loop boundaries.
 */
#ifndef PROXIMA_GEN_GEN_INT_H
#define PROXIMA_GEN_GEN_INT_H

#include <jansson.h>

#include "gen/gen.h"
#include "core/date.h"

/* ---- random streams ------------------------------------------------------ */

/* xoshiro256** seeded by splitmix64: one stream per module and seed. */
struct gen_rng {
    uint64_t s[4];
};

/* A stream for (seed, name): modules draw independently of each other. */
void gen_rng_init(struct gen_rng *r, uint64_t seed, const char *name);
uint64_t gen_rng_u64(struct gen_rng *r);
/* Uniform in [lo, hi] (inclusive, lo <= hi), unbiased. */
int64_t gen_rng_range(struct gen_rng *r, int64_t lo, int64_t hi);
/* True with probability pct / 100. */
bool gen_rng_pct(struct gen_rng *r, int pct);
/* Index i with probability w[i] / sum(w) (w of n non-negative weights, sum > 0). */
size_t gen_rng_weighted(struct gen_rng *r, const int64_t *w, size_t n);
/* Index in a cumulative array (cumul[n-1] > 0), by binary search. */
size_t gen_rng_cumul(struct gen_rng *r, const int64_t *cumul, size_t n);
void gen_rng_shuffle(struct gen_rng *r, void *base, size_t n, size_t size);

/* ---- calendar ------------------------------------------------------------ */

date_t gen_ymd(int y, int m, int d);
/* Full years between birth and day. */
int gen_age(date_t birth, date_t day);
/* A birth date such that the age on day is in [lo, hi] years. */
date_t gen_birth(struct gen_rng *r, date_t day, int lo, int hi);
/* Monday to Friday, not a French public holiday. */
bool gen_workday_p(date_t day);
/* A random working day in [lo, hi] (lo itself when none is). */
date_t gen_workday(struct gen_rng *r, date_t lo, date_t hi);
/* The first working day on or after day. */
date_t gen_next_workday(date_t day);
date_t gen_min(date_t a, date_t b);
date_t gen_max(date_t a, date_t b);

/* ---- arithmetic of the plan ---------------------------------------------- */

/*
 * Split total (cents) into n amounts with lo[i] <= out[i] <= hi[i], random
 * around the mean, in whole euros except one amount that takes the
 * remaining cents. -1 with e set when total is out of [sum lo, sum hi].
 */
int gen_split(struct gen_rng *r, int64_t total, size_t n, const int64_t *lo, const int64_t *hi,
              int64_t *out, const char *what, struct err *e);
/* Split an integer total into n integers in [lo, hi] (same method, unit 1). */
int gen_split_int(struct gen_rng *r, int64_t total, size_t n, int64_t lo, int64_t hi, int64_t *out,
                  const char *what, struct err *e);
/* Split an integer total into n integers with per-item bounds. */
int gen_split_bounds(struct gen_rng *r, int64_t total, size_t n, const int64_t *lo,
                     const int64_t *hi, int64_t *out, const char *what, struct err *e);
/* Largest remainder: out[i] proportional to w[i], summing to total exactly. */
void gen_alloc(int64_t total, const int64_t *w, size_t n, int64_t *out);
/*
 * Counts for shares (pct[i], in percent, summing to 100) of total that sum
 * to total and each round (half away from zero) to its printed share.
 * -1 with e set if no such counts exist.
 */
int gen_shares(int64_t total, const int *pct, size_t n, int64_t *out, const char *what,
               struct err *e);
/* round(100 * num / den) half away from zero (den > 0). */
int64_t gen_percent(int64_t num, int64_t den);

/* ---- growable vectors of ids --------------------------------------------- */

struct gen_vec {
    int32_t *v;
    size_t n, cap;
};
void gen_vec_push(struct gen_vec *v, int32_t x);
void gen_vec_release(struct gen_vec *v);

/* ---- referential: MDS and their communes --------------------------------- */

struct gen_commune {
    const char *code, *name;
    int64_t population;
    int mds;
};

#define GEN_MAX_MDS 16

struct gen_mds {
    const char *code, *name;
    const char *site; /* "mds:calaisis" */
    size_t *communes; /* indexes in gen.communes */
    int64_t *cumul;   /* cumulative population, for weighted draws */
    size_t ncommunes;
    int64_t population;
    int64_t *values;   /* the reference row (mds-YEAR.csv), scaled, by column */
    const char *chair; /* elected member chairing its commissions */
};

/* ---- persons and households ------------------------------------------------ */

#define GEN_SOUMIS 0x01 /* adult of an RSA household subject to droits et devoirs */
#define GEN_RSA    0x02 /* member of an RSA household */
#define GEN_USED   0x04 /* picked by a plan that needs distinct persons */

struct gen_person {
    date_t birth;
    date_t known; /* date of the person.created event */
    int32_t commune;
    int32_t household;
    int16_t mds;
    char sex;
    uint8_t flags;
    uint16_t first, last;
};

#define GEN_HH_RSA     0x01 /* holds an RSA right open in the year */
#define GEN_HH_FSL     0x02 /* taken by the FSL plan */
#define GEN_HH_AFP     0x04 /* taken by the AFP plan */
#define GEN_HH_FAMILLE 0x08 /* taken by the family measures plan */
#define GEN_HH_ASLL    0x10
#define GEN_HH_MOVER   0x20 /* moves during the year: in no pool */

struct gen_household {
    date_t formed;
    int32_t head, partner; /* persons; partner 0 if none */
    int32_t first_child;   /* children are consecutive persons */
    uint8_t nchildren;
    int16_t mds;
    uint8_t flags;
};

/* A family to create: a head, maybe a partner, children. */
struct gen_family_spec {
    int mds;                      /* MDS of residence */
    int32_t commune;              /* -1: drawn by population in the MDS */
    date_t formed;                /* household.created (may precede the referential) */
    date_t known;                 /* person.created of the members born by then (>= year start) */
    char head_sex;                /* 'F', 'M' or 0 (drawn) */
    int head_age_lo, head_age_hi; /* at mid-year */
    bool couple;
    int nchildren;
    int child_age_lo, child_age_hi; /* at mid-year */
    const char *caf;                /* CAF number of the demandeur and the conjoint, NULL if none */
};

/* ---- the run -------------------------------------------------------------- */

struct gen_names {
    const char **last;
    size_t nlast;
    const char **first[2][4]; /* [sex F/M][period] */
    size_t nfirst[2][4];
    const char **streets;
    size_t nstreets;
};

struct gen_target {
    const char *section, *code, *unit, *portee;
    int64_t value; /* scaled; cents for EUR */
};

struct gen {
    struct case_ctx *c;
    const struct gen_options *o;
    struct err *e;
    struct arena *a;  /* the plan's memory: lives for the run */
    struct arena ops; /* the case operations' arena, cleared at each commit */
    struct arena *caller_arena;
    bool failed;
    const char *step; /* French name of the current step */
    int year;
    date_t y0, y1; /* first and last day of the year */
    date_t mid;    /* mid-year: reference day for ages */

    /* targets */
    struct gen_target *dept;
    size_t ndept;
    const char **mds_cols; /* columns of mds-YEAR.csv after "mds" and "nom" */
    size_t nmds_cols;
    struct gen_mds mds[GEN_MAX_MDS + 1]; /* entry nmds: the central site (chair only) */
    int nmds;                            /* the central site's index is nmds */

    struct gen_commune *communes;
    size_t ncommunes;
    struct gen_names names;

    /* persons and households, indexed by id (entry 0 unused) */
    struct gen_person *persons;
    size_t npersons, cap_persons;
    struct gen_household *households;
    size_t nhouseholds, cap_households;
    struct gen_vec pool[GEN_MAX_MDS + 1]; /* households open to local aids, per MDS */
    int32_t next_caf;

    /* id counters (next number of each kind) */
    int64_t next_dossier, next_act, next_session, next_payment, next_org;

    /* batching and statistics */
    int64_t in_tx, events, step_events;
    double t0, step_t0;
    struct gen_result *res;
    struct gen_figure *figs;
    size_t nfigs, cap_figs;
    const char **skipped;
    size_t nskipped, cap_skipped;
};

static inline bool gen_failed(const struct gen *g)
{
    return g->failed;
}

/* Record an error (sticky): French message, context of the step. Returns -1. */
int gen_fail(struct gen *g, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Prefix the case layer's error in g->e with the step and object, set failed. */
int gen_fail_op(struct gen *g, const char *what);

/* Start a step: prints its name and, for the previous one, its events. */
void gen_step(struct gen *g, const char *name);

/* ---- targets (targets.c) ---- */

int gen_targets_load(struct gen *g);
/* Scaled département target of code; records a failure when missing. */
int64_t gen_dept(struct gen *g, const char *code);
/* Is the département target present (a figure a later catalogue may add)? */
bool gen_dept_has(const struct gen *g, const char *code);
/* Scaled target of column code for MDS m. */
int64_t gen_mds_value(struct gen *g, int m, const char *code);
/* Remember the value a figure must show (for the result and the tests). */
void gen_figure(struct gen *g, const char *code, int mds, int64_t value);
/* Record an in-scope figure that is not generated, and why (French). */
void gen_skip(struct gen *g, const char *code, const char *why);
/* The dispositif, or NULL after gen_skip of every figure in codes (NULL-terminated). */
const struct catalog_dispositif *gen_dispositif(struct gen *g, const char *code,
                                                const char *const *figures);

/* ---- referential and persons (people.c) ---- */

int gen_geo_load(struct gen *g);
int gen_names_load(struct gen *g);
/* A commune of MDS m, drawn by population. */
int32_t gen_commune_pick(struct gen *g, struct gen_rng *r, int m);
/* An MDS drawn by population. */
int gen_mds_pick(struct gen *g, struct gen_rng *r);
const char *gen_site(const struct gen *g, int m); /* "mds:x" or "central:dsol" */

/*
 * Create a person living in commune (of MDS m), known from `known`
 * (clamped to the year's first day and the birth). last: index of the last
 * name, -1 to draw one. Returns the person's number, 0 on failure.
 */
int32_t gen_person_new(struct gen *g, struct gen_rng *r, char sex, date_t birth, int m,
                       int32_t commune, date_t known, int last, const char *caf,
                       const char *caf_role);
/* Create a family (household, members, roles). Returns the household, 0 on failure. */
int32_t gen_family_new(struct gen *g, struct gen_rng *r, const struct gen_family_spec *f);
/* Move every member of household h (or person p alone when h is 0) to commune. */
int gen_move(struct gen *g, struct gen_rng *r, int32_t h, int32_t p, int32_t commune, date_t day);
static inline struct gen_person *gen_p(struct gen *g, int32_t id)
{
    return &g->persons[id];
}
static inline struct gen_household *gen_h(struct gen *g, int32_t id)
{
    return &g->households[id];
}
/* "Prénom NOM" of a person, in the ops arena. */
const char *gen_person_name(struct gen *g, int32_t p);
/* A fictitious name for an agent or a carer: "Mme Prénom Nom". */
const char *gen_random_name(struct gen *g, struct gen_rng *r, char sex);
/* A household of the pool of MDS m formed by day, with flags none of `avoid`; 0 if none. */
int32_t gen_pool_pick(struct gen *g, struct gen_rng *r, int m, date_t day, uint8_t avoid,
                      bool with_children);

/* ---- case operations (ops.c) ---- */

#define GEN_NODATE INT32_MIN

/* Format an id: 'P', 42 -> "P0000042" into buf (at least 9 bytes). */
const char *gen_id(char kind, int64_t n, char buf[16]);
/* Cents as a payload amount "150.00" into buf (at least 24 bytes). */
const char *gen_money(int64_t cents, char buf[24]);
/* A money fact value (new reference). */
json_t *gen_json_money(int64_t cents);

/* Account for n events of one operation; commits when the batch is full. */
int gen_tick(struct gen *g, int64_t n);

/* Open a dossier; benef_kind 'P' person, 'F' household, 'O' organisation. */
struct gen_open {
    const char *dispositif;
    char benef_kind;
    int32_t benef;
    int32_t person; /* applicant of a household, 0: the household's demandeur */
    int site;       /* -1: the dispositif's site rule (engine); else an MDS or central,
                       given to the engine only when it cannot find it from the address
                       (a date before the referential, a central direction) */
    date_t date;
    json_t *facts; /* stolen, may be NULL */
};
int64_t gen_open(struct gen *g, const struct gen_open *in);

struct gen_opx {
    const char *outcome, *motive;
    int64_t amount;              /* cents, -1 none */
    date_t right_from, right_to; /* GEN_NODATE none */
    json_t *facts;               /* stolen */
    int64_t session;
};
#define GEN_OPX_INIT                                                                               \
    {                                                                                              \
        NULL, NULL, -1, GEN_NODATE, GEN_NODATE, NULL, 0                                            \
    }
int gen_do(struct gen *g, int64_t dossier, enum catalog_op op, date_t day, const struct gen_opx *x);
/* Shortcuts. */
int gen_pay(struct gen *g, int64_t dossier, date_t day, int64_t cents);
int gen_plain(struct gen *g, int64_t dossier, enum catalog_op op, date_t day);

/* Record an act; person 0 for anonymous acts. facts borrowed. */
int gen_act(struct gen *g, const char *dispositif, date_t day, int site, int32_t person,
            json_t *facts);

/* Create an organisation in commune; returns its number, 0 on failure. */
int64_t gen_org_new(struct gen *g, struct gen_rng *r, const char *name, int32_t commune,
                    date_t day);

/*
 * A dossier's life outside commissions, in date order: open, (pieces asked
 * and given), instruction, decision (maybe an adjournment first),
 * notification, measure start, payments, measure end. Steps the workflow
 * lacks are skipped (droit_importe: open, start, end).
 */
struct gen_flow {
    struct gen_open open;
    json_t *instr_facts; /* stolen: facts given at instruction */
    bool pieces;         /* documents asked for then given before instruction */
    bool adjourn;        /* an adjournment before the final decision */
    date_t decide;       /* GEN_NODATE: not decided (pending) */
    const char *outcome; /* "accord", "refus", "sans_suite" */
    const char *motive;
    int64_t amount; /* accord amount, -1: the rule's (or none) */
    date_t right_from, right_to;
    date_t start, end; /* measure period, GEN_NODATE none */
    int npay;
    int64_t pay[24];
    date_t pay_date[24];
};
void gen_flow_init(struct gen_flow *f);
int64_t gen_flow_run(struct gen *g, struct gen_rng *r, struct gen_flow *f);

/*
 * A measure (or a right) from start to end: opened some weeks before its
 * start, instructed, granted, notified, started, ended (end GEN_NODATE: still
 * running). For a prestation the accord carries the right's period
 * [start, right_to].
 */
struct gen_measure {
    const char *dispositif;
    char kind; /* beneficiary: 'P', 'F', 'O' */
    int32_t benef;
    int site; /* MDS or central (see gen_open) */
    date_t start, end, right_to;
    json_t *facts;  /* stolen */
    int64_t amount; /* -1: the rule's or none */
};
int64_t gen_measure_run(struct gen *g, struct gen_rng *r, struct gen_measure *m);

/*
 * Commissions: sessions of one commission at one site on fixed dates; the
 * dossiers of a plan are opened, instructed and put on the agenda before
 * their session, decided in one batch, then notified, paid and started.
 */
enum gen_outcome { GEN_ACCORD, GEN_REFUS, GEN_SANS_SUITE };

struct gen_citem {
    int k;           /* index of the session that decides it */
    bool adjourned;  /* adjourned by session k - 1 first */
    uint8_t outcome; /* enum gen_outcome */
    uint8_t kind;    /* the module's own variant (FSL volet...) */
    int64_t amount;  /* accord amount (cents), -1: the rule's */
    int npay;
    int64_t pay[2];
    date_t right_from, right_to, start, end; /* prestations: right and measure */
    int32_t ref;       /* the module's own reference (person, household, row) */
    date_t not_before; /* earliest opening (after a move), GEN_NODATE: none */
    int64_t dossier;   /* set when opened */
    date_t opened;
};

/* Pay it->amount in one payment, or in two halves (the second takes the odd cent) when two. */
static inline void gen_citem_pay(struct gen_citem *it, bool two)
{
    it->npay = two ? 2 : 1;
    it->pay[0] = two ? it->amount / 2 : it->amount;
    it->pay[1] = two ? it->amount - it->pay[0] : 0;
}

struct gen_commission {
    const char *dispositif;
    const char *label; /* "Commission locale FSL" */
    int site;          /* MDS index or central */
    date_t *dates;     /* sessions, ascending */
    size_t ndates;
    /* open the item's dossier on day (facts, beneficiary); returns the dossier */
    int64_t (*open)(struct gen *g, struct gen_rng *r, struct gen_commission *cm,
                    struct gen_citem *it, date_t day);
    void *ctx;
    const char *const *refus_motives;
};
int gen_commission_run(struct gen *g, struct gen_rng *r, struct gen_commission *cm,
                       struct gen_citem *items, size_t n);
/* Session dates: the nth weekday (1 = Monday) of each month, between first and last. */
size_t gen_session_dates(struct arena *a, date_t first, date_t last, int weekday, const int *nths,
                         size_t nn, date_t **out);

/* ---- modules ---- */

int gen_insertion(struct gen *g); /* RSA, orientations, aids, contracts (insertion.c) */
int gen_logement(struct gen *g);  /* FSL, ASLL, AML (logement.c) */
int gen_autonomie(struct gen *g); /* APA, PCH, ACTP, ASH, CMI... (autonomie.c) */
int gen_enfance(struct gen *g);   /* ASE, AFASE, family measures... (enfance.c) */
int gen_pmi(struct gen *g);       /* PMI, CPEF (pmi.c) */
int gen_jeunesse(struct gen *g);  /* jeunesse (jeunesse.c) */
int gen_accueil(struct gen *g);   /* reception acts (accueil.c) */

/* rsa.c: the RSA households, built first (the other aids help them too), and orientations. */
int gen_rsa(struct gen *g);
int gen_orientations(struct gen *g);

/* Fill the required facts of d that facts lacks with plausible values. */
void gen_facts_complete(struct gen *g, struct gen_rng *r, const struct catalog_dispositif *d,
                        json_t *facts);

#endif

/*
 * gen.h: the reference-year generator (`proxima generate`).
 *
 * It builds a fictitious but realistic Département year (the Pas-de-Calais
 * 2022 by default) through the case engine's own operations: persons,
 * households and moves, dossiers opened and moved through their workflows
 * (instruction, commissions, decisions, notifications, payments, measures),
 * acts. It never writes a figure nor a projection row: every row it leaves
 * is the projection of an event the engine validated.
 *
 * Its targets are the reference tables (reference/mds-YEAR.csv and
 * reference/departement-YEAR.csv); it is, with `proxima check`, the only
 * module that reads them. The plan (how many dossiers of which kind, where,
 * when, for how much) is computed so that each definition of
 * docs/design/rapport-2022.md gives the reference value, at the MDS level
 * and for the département at the same time; docs/GENERATEUR.md explains the
 * plan figure by figure.
 *
 * Deterministic: the same seed and scale give the same events (and so the
 * same case_projection_digest); another seed changes who, where and when,
 * never a figure.
 */
#ifndef PROXIMA_GEN_GEN_H
#define PROXIMA_GEN_GEN_H

#include "core/compat.h"
#include "core/arena.h"
#include "core/err.h"
#include "case/case.h"

#define GEN_SCALE_ONE     1000000 /* scale in millionths: 1000000 = 1 */
#define GEN_BATCH_DEFAULT 20000

struct gen_options {
    int year;                  /* reference year: reads mds-YEAR.csv, departement-YEAR.csv */
    uint64_t seed;             /* any value; the default of the CLI is 2022 */
    int64_t scale;             /* millionths (GEN_SCALE_ONE = the reference figures) */
    const char *reference_dir; /* directory of the reference tables */
    const char *data_dir;      /* proxima's data/ (names in data/generateur/) */
    FILE *progress;            /* French progress lines, NULL for silence */
    int64_t batch;             /* operations per store transaction, 0: GEN_BATCH_DEFAULT */
};

/* One figure the plan aims at: the value its definition must give. */
struct gen_figure {
    const char *code; /* reference code, "su_accordes" */
    const char *area; /* MDS code, NULL for the département */
    int64_t value;    /* count, cents for EUR, percent for shares */
};

struct gen_result {
    int64_t events; /* journal events appended */
    int64_t persons, households, dossiers, acts, sessions, payments;
    double seconds;             /* wall-clock time of the generation */
    struct gen_figure *figures; /* the plan's targets, in the caller's arena */
    size_t nfigures;
    const char **skipped; /* in-scope figures not generated, with why */
    size_t nskipped;
};

/*
 * Generate the year into c->store. c is a system context (c->user NULL) on a
 * store with the referential loaded and no case event yet (refused
 * otherwise, ERR_CONFLICT); c->today must be after the year. The run commits
 * every o->batch operations (one store transaction each) and prints its
 * progress in French on o->progress. On error the batches already committed
 * stay: the message says to start again on a new database. out (arena a)
 * receives the counts and the plan's figures.
 */
int gen_run(struct case_ctx *c, const struct gen_options *o, struct arena *a,
            struct gen_result *out, struct err *e);

/*
 * Parse a scale as typed by a user ("1", "0.5", "0,01"): a positive decimal
 * with at most 6 decimals, into millionths. French message on error.
 */
int gen_scale_parse(const char *s, int64_t *millionths, struct err *e);

/* v scaled by millionths, rounded half away from zero. */
int64_t gen_scale_value(int64_t v, int64_t millionths);

/*
 * Does the journal of s hold a case event (person, household, dossier,
 * act, commission)? The generator refuses such a database.
 */
int gen_store_has_case_events(struct store *s, bool *has, struct err *e);

#endif

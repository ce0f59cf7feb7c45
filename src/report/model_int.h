/*
 * model_int.h: what model.c shares with coherence.c while building a model.
 */
#ifndef PROXIMA_REPORT_MODEL_INT_H
#define PROXIMA_REPORT_MODEL_INT_H

#include "core/compat.h"
#include "report/report.h"

struct mctx {
    const struct report_layout *l;
    const struct report_input *in;
    struct arena *a;
    struct err *e;
    struct report_model *m;
    bool *used;    /* per dictionary index: its definition is in the annex */
    size_t *order; /* dictionary indexes in order of first use */
    size_t norder;
};

/*
 * The value of dictionary figure def as every renderer shows it, decimals
 * as the layout asks (-1: the unit's default).
 */
struct report_value report_value_make(struct arena *a, const struct indic_def *def, int64_t raw,
                                      int decimals);
/* The same with a '+' before a positive display: a gap. */
struct report_value report_value_signed(struct arena *a, const struct indic_def *def, int64_t raw);
/* Decimals of def's stored integer (2 for cents and hundredths of a percent). */
int report_raw_scale(const struct indic_def *def);

/* Index of dictionary figure def in r (by code when r names its codes), SIZE_MAX if absent. */
size_t report_result_index(const struct indic_result *r, const struct indic_dict *d, size_t def);
/* Year value (month 0) of def in area (r->nareas: the département); INDIC_UNDEFINED if absent. */
int64_t report_result_value(const struct indic_result *r, const struct indic_dict *d, size_t def,
                            size_t area);

/* The coherence annex (coherence.c); marks the definitions it shows. */
int report_coherence_build(struct mctx *c);
/* Mark def (and the figures it is made of) as shown in the methodology annex. */
void report_use_def(struct mctx *c, size_t def);

#endif

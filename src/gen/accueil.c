/*
 * accueil.c: reception at the MDS desks and on their phone lines, the
 * largest family of events (more than half a million acts for the
 * reference year). Each act is anonymous, dated on a working day, recorded
 * at its MDS with the visitor's or caller's motive and, often, where they
 * were directed. The facts objects are built once per (motive, direction)
 * and shared by the acts, which keeps this step fast.
 */
#include "core/compat.h"
#include "gen/gen_int.h"

static const char *const motives[] = {
    "rsa_insertion", "logement",    "aide_financiere", "enfance_famille",         "pmi",
    "autonomie",     "rendez_vous", "information",     "demarche_administrative", "autre"};
static const int64_t motive_w[] = {18, 10, 14, 10, 9, 9, 15, 8, 5, 2};
static const char *const directions[] = {NULL,        "travailleur_social", "pmi",   "autonomie",
                                         "insertion", "partenaire",         "aucune"};
static const int64_t direction_w[] = {40, 25, 8, 8, 9, 5, 5};

#define NMOTIVES    ARRAY_SIZE(motives)
#define NDIRECTIONS ARRAY_SIZE(directions)

static int reception(struct gen *g, struct gen_rng *r, const char *disp, const char *col,
                     json_t *facts[NMOTIVES][NDIRECTIONS])
{
    for (int m = 0; m < g->nmds && !g->failed; m++) {
        int64_t n = gen_mds_value(g, m, col);
        gen_figure(g, col, m, n);
        for (int64_t i = 0; i < n && !g->failed; i++) {
            size_t mo = gen_rng_weighted(r, motive_w, NMOTIVES);
            size_t di = gen_rng_weighted(r, direction_w, NDIRECTIONS);
            gen_act(g, disp, gen_workday(r, g->y0, g->y1), m, 0, facts[mo][di]);
        }
    }
    return g->failed ? -1 : 0;
}

int gen_accueil(struct gen *g)
{
    static const char *const phys_f[] = {"accueils_physiques", NULL};
    static const char *const tel_f[] = {"accueils_telephoniques", NULL};
    json_t *facts[NMOTIVES][NDIRECTIONS];
    struct gen_rng r;

    gen_rng_init(&r, g->o->seed, "accueil");
    for (size_t i = 0; i < NMOTIVES; i++)
        for (size_t j = 0; j < NDIRECTIONS; j++) {
            facts[i][j] = json_pack("{s:s}", "motif", motives[i]);
            if (directions[j])
                json_object_set_new(facts[i][j], "orientation", json_string(directions[j]));
        }
    gen_step(g, "accueils physiques");
    if (gen_dispositif(g, "accueil_physique", phys_f))
        reception(g, &r, "accueil_physique", "accueils_physiques", facts);
    if (!g->failed) {
        gen_step(g, "accueils téléphoniques");
        if (gen_dispositif(g, "accueil_telephonique", tel_f))
            reception(g, &r, "accueil_telephonique", "accueils_telephoniques", facts);
    }
    for (size_t i = 0; i < NMOTIVES; i++)
        for (size_t j = 0; j < NDIRECTIONS; j++)
            json_decref(facts[i][j]);
    return g->failed ? -1 : 0;
}

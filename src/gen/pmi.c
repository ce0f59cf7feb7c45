/*
 * pmi.c: maternal and child health (PMI) and family planning (CPEF).
 *
 * Children seen by the PMI of their MDS: in consultation (several visits in
 * the year, babies more often), at the school health check at 3-4 years,
 * or both; no child is seen in two MDS, so the MDS "enfants vus" (distinct
 * children of either activity) sum to consultation + bilan - both. The
 * consultations number as many visits as the MDS count children (the other
 * reading of the report). Pregnant women are seen by the PMI midwife, and
 * the babies of those who give birth in the year are among the children
 * seen in consultation, in their mother's household. CPEF consultations and
 * marriage guidance interviews are anonymous acts.
 */
#include "core/compat.h"
#include "gen/gen_int.h"

enum pmi_kind { K_CONSULT, K_BILAN, K_BOTH };

struct mother {
    int32_t household, person;
    date_t due;
    bool used;
};

struct pmi_state {
    struct mother *mothers;
    size_t nmothers;
    int32_t last_household[GEN_MAX_MDS];
};

/* A household for a child born on birth in MDS m: the mother's, a sibling's, or a new one. */
static int32_t family_for(struct gen *g, struct gen_rng *r, struct pmi_state *st, int m,
                          date_t birth)
{
    struct gen_family_spec f = {0};
    int32_t h = st->last_household[m];
    bool reuse = false;

    if (h && gen_rng_pct(r, 15)) {
        /* a brother or sister of the previous child, if the mother could be theirs */
        const struct gen_person *mo = gen_p(g, gen_h(g, h)->head);
        reuse = gen_age(mo->birth, birth) >= 19 && gen_age(mo->birth, birth) <= 44 &&
                gen_h(g, h)->formed <= birth;
    }
    if (reuse)
        return h;
    f.mds = m;
    f.commune = -1;
    f.couple = gen_rng_pct(r, 60);
    f.head_sex = 'F';
    {
        /* the mother is 19 to 42 when the child is born */
        int age_at_birth = (int)gen_rng_range(r, 19, 42);
        int extra = gen_age(birth, g->mid);
        f.head_age_lo = f.head_age_hi = age_at_birth + (extra > 0 ? extra : 0);
    }
    f.formed = gen_min(birth, g->y0) - (date_t)gen_rng_range(r, 30, 2000);
    f.known = g->y0;
    h = gen_family_new(g, r, &f);
    st->last_household[m] = h;
    return h;
}

/* A child born on birth in household h (enfant from the birth or the household's start). */
static int32_t child_in(struct gen *g, struct gen_rng *r, int32_t h, date_t birth)
{
    const struct gen_household *hh = gen_h(g, h);
    const struct gen_person *mo = gen_p(g, hh->head);
    int32_t c = gen_person_new(g, r, 0, birth, mo->mds, mo->commune, birth, mo->last, NULL, NULL);
    char hid[16], pid[16], iso[DATE_ISO_LEN];

    if (!c)
        return 0;
    date_format_iso(gen_max(birth, hh->formed), iso);
    if (case_household_add(g->c, gen_id('F', h, hid), gen_id('P', c, pid), "enfant", iso, g->e) !=
        0) {
        gen_fail_op(g, arena_printf(g->c->arena, "foyer %s, enfant %s", hid, pid));
        return 0;
    }
    gen_p(g, c)->household = h;
    return gen_tick(g, 1) == 0 ? c : 0;
}

/* The school periods of the year (the bilan takes place at school). */
static date_t school_day(struct gen *g, struct gen_rng *r)
{
    if (gen_rng_pct(r, 55))
        return gen_workday(r, g->y0 + 2, gen_ymd(g->year, 7, 6));
    return gen_workday(r, gen_ymd(g->year, 9, 1), gen_ymd(g->year, 12, 16));
}

static int consultations(struct gen *g, struct gen_rng *r, int m, int32_t c, int visits)
{
    static const char *const places[] = {"centre_pmi", "domicile", "permanence"};
    static const int64_t w[] = {80, 10, 10};
    date_t lo = gen_max(g->y0 + 2, gen_p(g, c)->birth + 8), days[16];

    if (visits > (int)ARRAY_SIZE(days))
        visits = ARRAY_SIZE(days);
    if (lo > g->y1 - 2)
        lo = g->y1 - 2;
    for (int i = 0; i < visits; i++)
        days[i] = gen_workday(r, lo, g->y1 - 2);
    /* in date order, for the record */
    for (int i = 1; i < visits; i++)
        for (int j = i; j > 0 && days[j] < days[j - 1]; j--) {
            date_t t = days[j];
            days[j] = days[j - 1];
            days[j - 1] = t;
        }
    for (int i = 0; i < visits && !g->failed; i++) {
        const char *who = gen_rng_pct(r, 40) ? "medecin" : "puericultrice";
        const char *where = places[gen_rng_weighted(r, w, 3)];
        bool vaccine = gen_rng_pct(r, 45);
        json_t *f = json_pack("{s:s, s:s, s:b}", "professionnel", who, "lieu", where, "vaccination",
                              vaccine);
        gen_act(g, "pmi_consultation_enfant", days[i], m, c, f);
        json_decref(f);
    }
    return g->failed ? -1 : 0;
}

static int bilan(struct gen *g, struct gen_rng *r, int m, int32_t c, date_t day)
{
    bool positive = gen_rng_pct(r, 12);
    bool care = positive && gen_rng_pct(r, 80);
    char uai[16];
    json_t *f;

    {
        int number = (int)gen_rng_range(r, 0, 2999);
        char key = (char)('A' + gen_rng_range(r, 0, 25));
        snprintf(uai, sizeof(uai), "062%04d%c", number, key);
    }
    f = json_pack("{s:s, s:b, s:b}", "ecole", uai, "depistage_positif", positive,
                  "orientation_soins", care);
    gen_act(g, "pmi_bilan_maternelle", day, m, c, f);
    json_decref(f);
    return g->failed ? -1 : 0;
}

static int prenatal(struct gen *g, struct gen_rng *r, struct pmi_state *st)
{
    static const char *const places[] = {"domicile", "centre_pmi", "maternite", "permanence"};
    static const int64_t w[] = {45, 35, 10, 10};
    int64_t n = gen_dept(g, "femmes_enceintes_vues");

    gen_figure(g, "femmes_enceintes_vues", -1, n);
    st->mothers = calloc((size_t)n + 1, sizeof(*st->mothers));
    if (!st->mothers)
        die_nomem((size_t)n * sizeof(*st->mothers));
    for (int64_t i = 0; i < n && !g->failed; i++) {
        struct gen_family_spec f = {0};
        struct mother *mo = &st->mothers[st->nmothers];
        int visits = (int)gen_rng_range(r, 1, 5);
        date_t first;
        f.mds = gen_mds_pick(g, r);
        f.commune = -1;
        f.couple = gen_rng_pct(r, 55);
        f.head_sex = 'F';
        f.head_age_lo = 19;
        f.head_age_hi = 42;
        f.formed = g->y0 - (date_t)gen_rng_range(r, 60, 3000);
        f.known = g->y0;
        mo->household = gen_family_new(g, r, &f);
        if (!mo->household)
            break;
        mo->person = gen_h(g, mo->household)->head;
        mo->due = (date_t)gen_rng_range(r, g->y0 + 70, g->y1 + 150);
        st->nmothers++;
        first = gen_max(g->y0 + 2, mo->due - 240);
        for (int v = 0; v < visits && !g->failed; v++) {
            date_t day = gen_workday(r, first, gen_min(mo->due - 10, g->y1 - 2));
            int weeks = 40 - (int)((mo->due - day) / 7);
            json_t *facts = json_pack("{s:s, s:i}", "lieu", places[gen_rng_weighted(r, w, 4)],
                                      "semaines_amenorrhee", weeks < 4 ? 4 : weeks);
            gen_act(g, "pmi_suivi_prenatal", day, gen_p(g, mo->person)->mds, mo->person, facts);
            json_decref(facts);
        }
    }
    return g->failed ? -1 : 0;
}

/* A baby's mother among the pregnant women of MDS m who give birth in the year. */
static struct mother *mother_of(struct gen *g, struct pmi_state *st, int m)
{
    for (size_t i = 0; i < st->nmothers; i++) {
        struct mother *mo = &st->mothers[i];
        if (!mo->used && mo->due <= g->y1 - 40 && gen_p(g, mo->person)->mds == m) {
            mo->used = true;
            return mo;
        }
    }
    return NULL;
}

static int children(struct gen *g, struct gen_rng *r, struct pmi_state *st)
{
    static const char *const figs[] = {"pmi_enfants_vus", "enfants_vus_consultation",
                                       "bilans_sante_ecole_maternelle", NULL};
    int64_t per[GEN_MAX_MDS], total = 0, C, B, both, visits;
    uint8_t *kind;
    int64_t *extra, nconsult;
    size_t k = 0, ic = 0;

    (void)figs;
    for (int m = 0; m < g->nmds; m++) {
        per[m] = gen_mds_value(g, m, "pmi_enfants_vus");
        gen_figure(g, "pmi_enfants_vus", m, per[m]);
        total += per[m];
    }
    C = gen_dept(g, "enfants_vus_consultation");
    B = gen_dept(g, "bilans_sante_ecole_maternelle");
    if (g->failed)
        return -1;
    gen_figure(g, "enfants_vus_consultation", -1, C);
    gen_figure(g, "bilans_sante_ecole_maternelle", -1, B);
    both = C + B - total;
    if (both < 0 || both > C || both > B)
        return gen_fail(g,
                        "PMI : %lld enfants en consultation et %lld en bilan pour %lld enfants "
                        "vus dans les MDS",
                        (long long)C, (long long)B, (long long)total);
    kind = calloc((size_t)total + 1, 1);
    nconsult = C;
    extra = calloc((size_t)nconsult + 1, sizeof(*extra));
    if (!kind || !extra)
        die_nomem((size_t)total);
    for (int64_t i = 0; i < total; i++)
        kind[i] = i < both ? K_BOTH : i < C ? K_CONSULT : K_BILAN;
    gen_rng_shuffle(r, kind, (size_t)total, 1);
    /* visits: as many as children seen in the MDS (at least one per consulted child) */
    visits = gen_max((date_t)total, (date_t)C);
    if (gen_split_int(r, visits - C, (size_t)C, 0, 12, extra, "visites de PMI", g->e) != 0) {
        free(kind);
        free(extra);
        return gen_fail_op(g, "plan");
    }
    for (int m = 0; m < g->nmds && !g->failed; m++)
        for (int64_t i = 0; i < per[m] && !g->failed; i++, k++) {
            int32_t h, c;
            date_t birth, day = 0;
            struct mother *mo = NULL;
            if (kind[k] == K_CONSULT) {
                int64_t u = gen_rng_range(r, 0, 99);
                if (u < 50 && (mo = mother_of(g, st, m)) != NULL)
                    birth = mo->due + (date_t)gen_rng_range(r, -12, 6);
                else if (u < 50)
                    birth = (date_t)gen_rng_range(r, g->y0 - 330, g->y1 - 40);
                else if (u < 80)
                    birth = gen_birth(r, g->mid, 1, 2);
                else
                    birth = gen_birth(r, g->mid, 3, 5);
            } else {
                day = school_day(g, r);
                birth = gen_birth(r, day, 3, 4);
            }
            h = mo ? mo->household : family_for(g, r, st, m, birth);
            if (!h)
                break;
            c = child_in(g, r, h, birth);
            if (!c)
                break;
            if (kind[k] != K_BILAN)
                consultations(g, r, m, c, 1 + (int)extra[ic++]);
            if (kind[k] != K_CONSULT)
                bilan(g, r, m, c, day);
        }
    free(kind);
    free(extra);
    return g->failed ? -1 : 0;
}

static int cpef(struct gen *g, struct gen_rng *r)
{
    static const char *const figs_c[] = {"consultations_cpef", NULL};
    static const char *const figs_e[] = {"entretiens_conseil_conjugal", NULL};
    static const char *const motives[] = {"contraception", "ivg", "ist", "grossesse", "autre"};
    static const int64_t mw[] = {55, 10, 15, 12, 8};
    static const char *const forms[] = {"individuel", "couple", "famille", "pre_ivg"};
    static const int64_t fw[] = {50, 25, 10, 15};

    if (gen_dispositif(g, "cpef_consultation", figs_c)) {
        int64_t n = gen_dept(g, "consultations_cpef");
        gen_figure(g, "consultations_cpef", -1, n);
        for (int64_t i = 0; i < n && !g->failed; i++) {
            const char *motive = motives[gen_rng_weighted(r, mw, 5)];
            bool minor = gen_rng_pct(r, 18);
            json_t *f = json_pack("{s:s, s:b}", "motif", motive, "mineur", minor);
            date_t day = gen_workday(r, g->y0 + 2, g->y1 - 2);
            gen_act(g, "cpef_consultation", day, gen_mds_pick(g, r), 0, f);
            json_decref(f);
        }
    }
    if (!g->failed && gen_dispositif(g, "cpef_entretien_conseil_conjugal", figs_e)) {
        int64_t n = gen_dept(g, "entretiens_conseil_conjugal");
        gen_figure(g, "entretiens_conseil_conjugal", -1, n);
        for (int64_t i = 0; i < n && !g->failed; i++) {
            json_t *f = json_pack("{s:s}", "forme", forms[gen_rng_weighted(r, fw, 4)]);
            date_t day = gen_workday(r, g->y0 + 2, g->y1 - 2);
            gen_act(g, "cpef_entretien_conseil_conjugal", day, gen_mds_pick(g, r), 0, f);
            json_decref(f);
        }
    }
    return g->failed ? -1 : 0;
}

int gen_pmi(struct gen *g)
{
    static const char *const prenatal_f[] = {"femmes_enceintes_vues", NULL};
    static const char *const child_f[] = {"pmi_enfants_vus", "enfants_vus_consultation",
                                          "bilans_sante_ecole_maternelle", NULL};
    struct gen_rng r;
    struct pmi_state st;

    memset(&st, 0, sizeof(st));
    gen_rng_init(&r, g->o->seed, "pmi");
    gen_step(g, "protection maternelle et infantile");
    if (gen_dispositif(g, "pmi_suivi_prenatal", prenatal_f))
        prenatal(g, &r, &st);
    if (!g->failed && gen_dispositif(g, "pmi_consultation_enfant", child_f) &&
        gen_dispositif(g, "pmi_bilan_maternelle", NULL))
        children(g, &r, &st);
    free(st.mothers);
    if (g->failed)
        return -1;
    gen_step(g, "centres de planification (CPEF)");
    return cpef(g, &r);
}

/*
 * rsa.c: the RSA households and their orientations.
 *
 * RSA (dispositif rsa_droit, workflow droit_importe): one household per
 * right open at least one day in the year, at its MDS of residence or at a
 * central direction for the positive gap (foyers_rsa minus the sum of the
 * MDS "allocataires"). The households' make-up gives the covered persons
 * (members) and the persons subject to droits et devoirs (adults); the
 * demandeur's sex and the first opening date give the two shares. Rights
 * were opened by the CAF or the MSA since 2009, some in the year, some
 * closed in the year; a few closed the year before are there too and count
 * nowhere. Every RSA household joins the pool of households that the local
 * aids (secours d'urgence, FSL...) help.
 *
 * Orientations (rsa_orientation, workflow decision): one accord in the year
 * per person oriented, among the adults subject to droits et devoirs, with
 * the three spheres in their printed shares; a few are reorientations of a
 * person oriented earlier in the year, a few are still being instructed.
 */
#include "core/compat.h"
#include "gen/gen_int.h"

enum rsa_kind { RSA_LONG, RSA_RECENT, RSA_NEW, RSA_PAST };

struct rsa_hh {
    int16_t site, res; /* site (MDS or central) and MDS of residence */
    uint8_t couple, kids, soumis, female, kind, msa;
    date_t open, end;
};

static const char *const rsa_figures[] = {"rsa_allocataires",
                                          "foyers_rsa",
                                          "foyers_rsa_part_femmes",
                                          "foyers_rsa_part_plus_5_ans",
                                          "personnes_couvertes_rsa",
                                          "beneficiaires_droits_devoirs",
                                          NULL};

/* Composition: couples, households with no one subject, children. */
static int compose(struct gen *g, struct gen_rng *r, struct rsa_hh *h, size_t n, int64_t persons,
                   int64_t soumis, bool count_soumis)
{
    int64_t N = (int64_t)n, z = (N * 3 + 50) / 100, a = (N * 16 + 50) / 100, c2, kids;
    size_t *perm = calloc(n ? n : 1, sizeof(*perm));
    int64_t *extra;

    if (!perm)
        die_nomem(n * sizeof(*perm));
    if (!count_soumis)
        soumis = N - z + a / 2;
    c2 = soumis - (N - z);
    if (c2 < 0) {
        z = N - soumis;
        c2 = 0;
    }
    if (a < c2)
        a = c2;
    kids = persons - N - a;
    if (kids < 0) {
        a = persons - N;
        kids = 0;
    }
    if (a < c2 || a + z > N || z < 0) {
        free(perm);
        return gen_fail(g,
                        "plan RSA impossible : %lld foyers, %lld personnes couvertes, %lld "
                        "soumises aux droits et devoirs",
                        (long long)N, (long long)persons, (long long)soumis);
    }
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    gen_rng_shuffle(r, perm, n, sizeof(*perm));
    for (size_t j = 0; j < n; j++) {
        struct rsa_hh *x = &h[perm[j]];
        int64_t k = (int64_t)j;
        x->couple = k < a;
        x->soumis = k < c2 ? 2 : k < a ? 1 : k < a + z ? 0 : 1;
    }
    /* children: 70 % of the couples and enough single parents, 1 to 6 each */
    {
        int64_t with = kids ? (kids * 10 + 9) / 19 : 0, given = 0, placed = 0;
        if (with > N)
            with = N;
        extra = calloc(n ? n : 1, sizeof(*extra));
        if (!extra)
            die_nomem(n * sizeof(*extra));
        gen_rng_shuffle(r, perm, n, sizeof(*perm));
        for (size_t j = 0; j < n && given < with; j++)
            if (h[perm[j]].couple && gen_rng_pct(r, 70)) {
                h[perm[j]].kids = 1;
                given++;
            }
        for (size_t j = 0; j < n && given < with; j++)
            if (!h[perm[j]].kids && !h[perm[j]].couple) {
                h[perm[j]].kids = 1;
                given++;
            }
        for (size_t j = 0; j < n && given < with; j++)
            if (!h[perm[j]].kids) {
                h[perm[j]].kids = 1;
                given++;
            }
        placed = given;
        while (placed < kids) {
            size_t i = (size_t)gen_rng_range(r, 0, N - 1);
            if (h[i].kids && h[i].kids < 6) {
                h[i].kids++;
                placed++;
            }
        }
        free(extra);
    }
    free(perm);
    return 0;
}

/* Demandeurs who are women: mostly the single parents. */
static void sexes(struct gen_rng *r, struct rsa_hh *h, size_t n, int64_t women)
{
    uint64_t *score = calloc(n ? n : 1, sizeof(*score));
    size_t *idx = calloc(n ? n : 1, sizeof(*idx));

    if (!score || !idx)
        die_nomem(n * sizeof(*score));
    for (size_t i = 0; i < n; i++) {
        /* single parents first (top bit), random order otherwise */
        uint64_t u = gen_rng_u64(r) >> 2;
        if (!h[i].couple && h[i].kids && gen_rng_pct(r, 90))
            u |= 1ull << 62;
        score[i] = u;
        idx[i] = i;
    }
    /* the women are the `women` highest scores (Shell sort, descending) */
    for (size_t gap = n / 2; gap > 0; gap /= 2)
        for (size_t i = gap; i < n; i++)
            for (size_t j = i; j >= gap && score[idx[j - gap]] < score[idx[j]]; j -= gap) {
                size_t t = idx[j];
                idx[j] = idx[j - gap];
                idx[j - gap] = t;
            }
    for (size_t k = 0; k < n; k++)
        h[idx[k]].female = (int64_t)k < women;
    free(score);
    free(idx);
}

/* Opening and closing dates by kind. */
static void dates(struct gen *g, struct gen_rng *r, struct rsa_hh *h, size_t n, int64_t longs,
                  int64_t news, int64_t ended)
{
    size_t *perm = calloc(n ? n : 1, sizeof(*perm));
    date_t long_lo = gen_ymd(2009, 6, 1), long_hi = gen_ymd(g->year - 5, 6, 30);
    date_t rec_lo = gen_ymd(g->year - 4, 3, 1), rec_hi = g->y0 - 1;

    if (!perm)
        die_nomem(n * sizeof(*perm));
    if (long_hi < long_lo)
        long_lo = long_hi - 365;
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    gen_rng_shuffle(r, perm, n, sizeof(*perm));
    for (size_t j = 0; j < n; j++) {
        struct rsa_hh *x = &h[perm[j]];
        int64_t k = (int64_t)j;
        if (k < longs) {
            x->kind = RSA_LONG;
            x->open = (date_t)gen_rng_range(r, long_lo, long_hi);
        } else if (k < longs + news) {
            x->kind = RSA_NEW;
            x->open = gen_workday(r, g->y0 + 3, g->y1 - 20);
        } else {
            x->kind = RSA_RECENT;
            x->open = (date_t)gen_rng_range(r, rec_lo, rec_hi);
        }
        x->end = GEN_NODATE;
        x->msa = gen_rng_pct(r, 4);
    }
    /* rights closed in the year (still open at least one day) */
    gen_rng_shuffle(r, perm, n, sizeof(*perm));
    for (size_t j = 0; j < n && ended > 0; j++) {
        struct rsa_hh *x = &h[perm[j]];
        date_t lo = gen_max(x->open + 45, g->y0 + 10);
        if (lo > g->y1 - 20)
            continue;
        x->end = (date_t)gen_rng_range(r, lo, g->y1 - 20);
        ended--;
    }
    free(perm);
}

static int rsa_household(struct gen *g, struct gen_rng *r, struct rsa_hh *x, bool has_nombre)
{
    struct gen_family_spec f = {0};
    struct gen_flow fl;
    char caf[16], iso[DATE_ISO_LEN];
    int32_t h;
    struct gen_household *hh;
    json_t *facts;
    int members;

    g->next_caf += (int32_t)gen_rng_range(r, 1, 37);
    snprintf(caf, sizeof(caf), "%07d", g->next_caf);
    f.mds = x->res;
    f.commune = -1;
    f.formed = x->open - (date_t)gen_rng_range(r, 0, x->couple ? 1500 : 600);
    f.known = x->kind == RSA_NEW ? x->open - (date_t)gen_rng_range(r, 0, 20) : g->y0;
    f.head_sex = x->female ? 'F' : 'M';
    f.head_age_lo = x->kids && !x->couple ? 22 : 25;
    f.head_age_hi = x->kids ? 52 : 64;
    f.couple = x->couple;
    f.nchildren = x->kids;
    f.child_age_lo = 0;
    f.child_age_hi = 19;
    f.caf = caf;
    h = gen_family_new(g, r, &f);
    if (!h)
        return -1;
    hh = gen_h(g, h);
    hh->flags |= x->kind == RSA_PAST ? 0 : GEN_HH_RSA;
    gen_vec_push(&g->pool[x->res], h);
    members = 1 + (hh->partner != 0) + hh->nchildren;
    for (int i = 0; i < members; i++) {
        int32_t p = i == 0                    ? hh->head
                    : (i == 1 && hh->partner) ? hh->partner
                                              : hh->first_child + i - 1 - (hh->partner != 0);
        gen_p(g, p)->flags |= GEN_RSA;
    }
    if (x->soumis >= 1)
        gen_p(g, hh->head)->flags |= GEN_SOUMIS;
    if (x->soumis >= 2)
        gen_p(g, hh->partner)->flags |= GEN_SOUMIS;

    date_format_iso(gen_max(x->open, gen_ymd(2009, 6, 1)), iso);
    facts = json_pack("{s:s, s:s, s:s, s:b, s:i, s:s}", "organisme", x->msa ? "msa" : "caf",
                      "numero_allocataire", caf, "date_ouverture_droit", iso,
                      "soumis_droits_devoirs", x->soumis > 0, "nombre_personnes_couvertes", members,
                      "sexe_allocataire", x->female ? "F" : "M");
    if (has_nombre)
        json_object_set_new(facts, "nombre_soumis_droits_devoirs", json_integer(x->soumis));
    if (!x->couple && x->kids)
        json_object_set_new(facts, "majoration_isolement", json_boolean(gen_rng_pct(r, 30)));
    gen_flow_init(&fl);
    fl.open.dispositif = "rsa_droit";
    fl.open.benef_kind = 'F';
    fl.open.benef = h;
    fl.open.date = x->open;
    /* the site is the household's MDS, given when the right predates the referential */
    fl.open.site = x->site == g->nmds || x->open < g->y0 ? x->site : -1;
    fl.open.facts = facts;
    fl.start = x->open;
    fl.end = x->end;
    return gen_flow_run(g, r, &fl) ? 0 : -1;
}

int gen_rsa(struct gen *g)
{
    struct gen_rng r;
    const struct catalog_dispositif *d;
    int64_t per[GEN_MAX_MDS + 1], sum = 0, N, P, S = 0, women, longs, news, ended, past;
    int pct[2];
    int64_t cnt[2];
    struct rsa_hh *h;
    size_t n, k = 0;
    bool has_nombre;

    gen_rng_init(&r, g->o->seed, "rsa");
    gen_step(g, "foyers et droits RSA");
    d = gen_dispositif(g, "rsa_droit", rsa_figures);
    if (!d)
        return g->failed ? -1 : 0;
    has_nombre = catalog_fact(d, "nombre_soumis_droits_devoirs") != NULL;
    if (!has_nombre)
        gen_skip(g, "beneficiaires_droits_devoirs",
                 "fait « nombre_soumis_droits_devoirs » absent du dispositif rsa_droit");
    for (int m = 0; m < g->nmds; m++) {
        per[m] = gen_mds_value(g, m, "rsa_allocataires");
        gen_figure(g, "rsa_allocataires", m, per[m]);
        sum += per[m];
    }
    N = gen_dept(g, "foyers_rsa");
    P = gen_dept(g, "personnes_couvertes_rsa");
    if (has_nombre)
        S = gen_dept(g, "beneficiaires_droits_devoirs");
    pct[0] = (int)gen_dept(g, "foyers_rsa_part_femmes");
    if (g->failed)
        return -1;
    per[g->nmds] = N - sum;
    if (per[g->nmds] < 0)
        return gen_fail(g, "foyers RSA : le département (%lld) compte moins que ses MDS (%lld)",
                        (long long)N, (long long)sum);
    pct[1] = 100 - pct[0];
    if (gen_shares(N, pct, 2, cnt, "part de femmes parmi les foyers RSA", g->e) != 0)
        return gen_fail_op(g, "RSA");
    women = cnt[0];
    pct[0] = (int)gen_dept(g, "foyers_rsa_part_plus_5_ans");
    pct[1] = 100 - pct[0];
    if (gen_shares(N, pct, 2, cnt, "part des foyers au RSA depuis plus de 5 ans", g->e) != 0)
        return gen_fail_op(g, "RSA");
    longs = cnt[0];
    news = (N * 14 + 50) / 100;
    ended = (N * 12 + 50) / 100;
    if (longs + news > N)
        news = N - longs;
    gen_figure(g, "foyers_rsa", -1, N);
    gen_figure(g, "personnes_couvertes_rsa", -1, P);
    if (has_nombre)
        gen_figure(g, "beneficiaires_droits_devoirs", -1, S);
    gen_figure(g, "foyers_rsa_part_femmes", -1, gen_percent(women, N));
    gen_figure(g, "foyers_rsa_part_plus_5_ans", -1, gen_percent(longs, N));

    n = (size_t)N;
    h = calloc(n ? n : 1, sizeof(*h));
    if (!h)
        die_nomem(n * sizeof(*h));
    for (int m = 0; m <= g->nmds; m++)
        for (int64_t i = 0; i < per[m]; i++, k++) {
            h[k].site = (int16_t)m;
            h[k].res = (int16_t)(m < g->nmds ? m : gen_mds_pick(g, &r));
        }
    if (compose(g, &r, h, n, P, S, has_nombre) != 0) {
        free(h);
        return -1;
    }
    sexes(&r, h, n, women);
    dates(g, &r, h, n, longs, news, ended);
    for (size_t i = 0; i < n && !g->failed; i++)
        rsa_household(g, &r, &h[i], has_nombre);
    /* former allocataires whose right closed the year before: counted nowhere */
    past = (N + 50) / 100;
    for (int64_t i = 0; i < past && !g->failed; i++) {
        struct rsa_hh x = {0};
        x.res = x.site = (int16_t)gen_mds_pick(g, &r);
        x.kind = RSA_PAST;
        x.soumis = 1;
        x.female = gen_rng_pct(&r, 60);
        x.kids = (uint8_t)gen_rng_range(&r, 0, 2);
        x.open = (date_t)gen_rng_range(&r, gen_ymd(g->year - 4, 1, 1), g->y0 - 400);
        x.end = (date_t)gen_rng_range(&r, x.open + 90, g->y0 - 30);
        rsa_household(g, &r, &x, has_nombre);
    }
    free(h);
    return g->failed ? -1 : 0;
}

/* ---- orientations ------------------------------------------------------------- */

static const char *const orientation_figures[] = {"orientations", "orientations_part_solidarite",
                                                  "orientations_part_professionnelle",
                                                  "orientations_part_pole_emploi", NULL};

int gen_orientations(struct gen *g)
{
    static const char *const spheres[] = {"sociale", "professionnelle", "pole_emploi"};
    struct gen_rng r;
    int64_t O, cnt[3], reor, pending;
    int pct[3];
    struct gen_vec subj = {0};
    size_t next = 0;

    gen_rng_init(&r, g->o->seed, "orientation");
    gen_step(g, "orientations RSA");
    if (!gen_dispositif(g, "rsa_orientation", orientation_figures))
        return g->failed ? -1 : 0;
    O = gen_dept(g, "orientations");
    pct[0] = (int)gen_dept(g, "orientations_part_solidarite");
    pct[1] = (int)gen_dept(g, "orientations_part_professionnelle");
    pct[2] = (int)gen_dept(g, "orientations_part_pole_emploi");
    if (g->failed)
        return -1;
    if (gen_shares(O, pct, 3, cnt, "orientations par sphère", g->e) != 0)
        return gen_fail_op(g, "orientations");
    gen_figure(g, "orientations", -1, O);
    gen_figure(g, "orientations_part_solidarite", -1, pct[0]);
    gen_figure(g, "orientations_part_professionnelle", -1, pct[1]);
    gen_figure(g, "orientations_part_pole_emploi", -1, pct[2]);
    /* the adults subject to droits et devoirs, known long enough to be oriented */
    for (size_t p = 1; p < g->npersons; p++)
        if ((g->persons[p].flags & GEN_SOUMIS) && g->persons[p].known <= g->y1 - 45)
            gen_vec_push(&subj, (int32_t)p);
    if (subj.n == 0) {
        gen_vec_release(&subj);
        return gen_fail(g, "aucune personne soumise aux droits et devoirs à orienter");
    }
    gen_rng_shuffle(&r, subj.v, subj.n, sizeof(*subj.v));
    /* the persons oriented twice (a reorientation) come first, known since January */
    reor = (O * 3 + 50) / 100;
    if (O - reor > (int64_t)subj.n)
        reor = O - (int64_t)subj.n;
    for (size_t i = 0, j = 0; i < subj.n && (int64_t)j < reor; i++)
        if (gen_p(g, subj.v[i])->known == g->y0) {
            int32_t t = subj.v[j];
            subj.v[j++] = subj.v[i];
            subj.v[i] = t;
        }
    {
        int64_t left[3] = {cnt[0], cnt[1], cnt[2]};
        for (int64_t i = 0; i < O && !g->failed; i++) {
            struct gen_flow fl;
            int s = (int)gen_rng_weighted(&r, left, 3);
            bool again = i >= reor && i < 2 * reor;
            int32_t p = subj.v[i < reor ? i : i < 2 * reor ? i - reor : i - reor];
            date_t lo = gen_max(g->y0 + 2, gen_p(g, p)->known), hi = g->y1 - 5;
            left[s]--;
            if (i < reor)
                hi = g->y0 + 170;
            else if (again)
                lo = g->y0 + 200;
            if (lo + 20 > hi)
                lo = hi - 20;
            gen_flow_init(&fl);
            fl.open.dispositif = "rsa_orientation";
            fl.open.benef_kind = 'P';
            fl.open.benef = p;
            fl.decide = gen_workday(&r, lo + 20, hi);
            fl.open.date =
                gen_max(gen_p(g, p)->known, fl.decide - (date_t)gen_rng_range(&r, 10, 40));
            fl.open.date = gen_max(fl.open.date, g->y0);
            fl.open.facts = json_pack("{s:s, s:b, s:b}", "orientation", spheres[s],
                                      "soumis_droits_devoirs", 1, "reorientation", again);
            fl.outcome = "accord";
            gen_flow_run(g, &r, &fl);
        }
        next = (size_t)(O - reor);
    }
    /* still being instructed at the end of the year: counted nowhere */
    pending = (O + 50) / 100;
    for (int64_t i = 0; i < pending && !g->failed; i++) {
        struct gen_flow fl;
        int32_t p = subj.v[next++ % subj.n];
        gen_flow_init(&fl);
        fl.open.dispositif = "rsa_orientation";
        fl.open.benef_kind = 'P';
        fl.open.benef = p;
        fl.open.date = gen_max(gen_workday(&r, g->y1 - 40, g->y1 - 3), gen_p(g, p)->known);
        fl.open.facts = json_pack("{s:s, s:b}", "orientation", spheres[gen_rng_range(&r, 0, 2)],
                                  "soumis_droits_devoirs", 1);
        gen_flow_run(g, &r, &fl);
    }
    gen_vec_release(&subj);
    return g->failed ? -1 : 0;
}

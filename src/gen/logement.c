/*
 * logement.c: the housing figures. FSL (aide_commission, twice-monthly
 * local commissions): the MDS count accords by volet, "accordées" (access
 * to an identified dwelling, maintenance, energy, water, telephone) and
 * "recevables" (access to a dwelling not yet found: an accord of principle
 * without amount); the département counts distinct households: the
 * households found recevable then granted the access once their dwelling
 * is found make the gap (two accords, one household). The amounts paid sum
 * to fsl_montant within each volet's ceiling. ASLL and AML: measures in
 * progress during the year (started before it or in it) and new measures
 * (started in it).
 */
#include "core/compat.h"
#include "gen/gen_int.h"

enum volet { V_ACCES, V_NON_IDENTIFIE, V_MAINTIEN, V_ENERGIE, V_EAU, V_TELEPHONE, V__COUNT };

static const char *const volet_codes[V__COUNT] = {
    "acces_identifie", "acces_non_identifie", "maintien", "energie", "eau", "telephone"};
/* ceilings of the catalogue (plafond_*), and a plausible floor, in cents */
static const int64_t volet_hi[V__COUNT] = {150000, 0, 200000, 50000, 30000, 15000};
static const int64_t volet_lo[V__COUNT] = {15000, 0, 30000, 8000, 5000, 3000};

static const char *const fsl_figures[] = {"fsl_aides_accordees", "fsl_aides_recevables",
                                          "fsl_accords", "fsl_montant", NULL};

struct fsl_plan {
    struct gen_citem *items;
    size_t n, cap;
};

static struct gen_citem *fsl_item(struct fsl_plan *p, int k, int32_t h, uint8_t volet,
                                  uint8_t outcome)
{
    struct gen_citem *it;

    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 128;
        struct gen_citem *grown = realloc(p->items, cap * sizeof(*grown));
        if (!grown)
            die_nomem(cap * sizeof(*grown));
        p->items = grown;
        p->cap = cap;
    }
    it = &p->items[p->n++];
    memset(it, 0, sizeof(*it));
    it->k = k;
    it->ref = h;
    it->kind = volet;
    it->outcome = outcome;
    it->amount = -1;
    it->right_from = it->right_to = it->start = it->end = GEN_NODATE;
    it->not_before = GEN_NODATE;
    return it;
}

static int64_t fsl_open(struct gen *g, struct gen_rng *r, struct gen_commission *cm,
                        struct gen_citem *it, date_t day)
{
    struct gen_open o = {0};
    int64_t asked;

    if (it->kind == V_NON_IDENTIFIE)
        asked = 100 * gen_rng_range(r, 40, 120) * 10;
    else if (it->amount >= 0)
        asked = gen_min(200000, it->amount + 100 * gen_rng_range(r, 0, 8) * 10);
    else
        asked = 100 * gen_rng_range(r, volet_lo[it->kind] / 100, volet_hi[it->kind] / 100);
    o.dispositif = "fsl";
    o.benef_kind = 'F';
    o.benef = it->ref;
    o.site = cm->site;
    o.date = day;
    o.facts = json_pack("{s:s, s:o}", "volet", volet_codes[it->kind], "montant_demande",
                        gen_json_money(asked));
    if (it->kind == V_ACCES || it->kind == V_MAINTIEN)
        json_object_set_new(o.facts, "forme",
                            json_string(gen_rng_pct(r, 75) ? "subvention" : "pret"));
    return gen_open(g, &o);
}

static const char *const fsl_refus[] = {
    "ressources supérieures au plafond du règlement intérieur du FSL",
    "dette locative non constituée",
    "logement inadapté à la composition du foyer",
    "aide au même titre accordée dans les douze derniers mois",
    NULL,
};

/* A volet for a single "accordée" accord, by the plan's shares. */
static uint8_t draw_volet(struct gen_rng *r)
{
    static const int64_t w[V__COUNT] = {30, 0, 33, 27, 7, 3};
    return (uint8_t)gen_rng_weighted(r, w, V__COUNT);
}

static int fsl(struct gen *g)
{
    struct gen_rng r;
    int64_t acc[GEN_MAX_MDS], rec[GEN_MAX_MDS], sacc = 0, srec = 0, D, twice, amount;
    int64_t tw[GEN_MAX_MDS], t[GEN_MAX_MDS];
    struct fsl_plan plans[GEN_MAX_MDS] = {{0}};
    date_t *dates[GEN_MAX_MDS];
    size_t nd[GEN_MAX_MDS], naccorde = 0;
    static const int nths[] = {1, 3};

    gen_rng_init(&r, g->o->seed, "fsl");
    gen_step(g, "fonds de solidarité logement");
    if (!gen_dispositif(g, "fsl", fsl_figures))
        return g->failed ? -1 : 0;
    for (int m = 0; m < g->nmds; m++) {
        acc[m] = gen_mds_value(g, m, "fsl_aides_accordees");
        rec[m] = gen_mds_value(g, m, "fsl_aides_recevables");
        gen_figure(g, "fsl_aides_accordees", m, acc[m]);
        gen_figure(g, "fsl_aides_recevables", m, rec[m]);
        sacc += acc[m];
        srec += rec[m];
        tw[m] = acc[m] < rec[m] ? acc[m] : rec[m];
        nd[m] = gen_session_dates(g->a, g->y0, g->y1, 4, nths, 2, &dates[m]);
    }
    D = gen_dept(g, "fsl_accords");
    amount = gen_dept(g, "fsl_montant");
    if (g->failed)
        return -1;
    gen_figure(g, "fsl_accords", -1, D);
    gen_figure(g, "fsl_montant", -1, amount);
    twice = sacc + srec - D;
    if (twice < 0)
        return gen_fail(g, "FSL : plus de foyers aidés (%lld) que d'aides des MDS (%lld)",
                        (long long)D, (long long)(sacc + srec));
    /* households recevable then granted, shared among the MDS within their counts */
    gen_alloc(twice, tw, (size_t)g->nmds, t);
    for (int pass = 0; pass < 4; pass++) {
        int64_t over = 0;
        for (int m = 0; m < g->nmds; m++)
            if (t[m] > tw[m]) {
                over += t[m] - tw[m];
                t[m] = tw[m];
            }
        for (int m = 0; m < g->nmds && over > 0; m++) {
            int64_t room = tw[m] - t[m], add = room < over ? room : over;
            t[m] += add;
            over -= add;
        }
        if (over > 0)
            return gen_fail(g, "FSL : %lld foyers à deux accords ne tiennent pas dans les MDS",
                            (long long)twice);
    }
    for (int m = 0; m < g->nmds && !g->failed; m++) {
        struct fsl_plan *p = &plans[m];
        int kmax = (int)nd[m] - 1;
        for (int64_t i = 0; i < acc[m] + rec[m] - t[m]; i++) {
            int32_t h = gen_pool_pick(g, &r, m, g->y0, GEN_HH_FSL | GEN_HH_MOVER, false);
            if (!h) {
                gen_fail(g, "FSL : plus de foyer disponible dans la MDS %s", g->mds[m].code);
                break;
            }
            gen_h(g, h)->flags |= GEN_HH_FSL;
            if (i < t[m]) {
                /* recevable first, then the access once the dwelling is found */
                int k1 = (int)gen_rng_range(&r, 0, gen_max(0, kmax - 4));
                int k2 = (int)gen_rng_range(&r, k1 + 1, gen_min(kmax, k1 + 6));
                fsl_item(p, k1, h, V_NON_IDENTIFIE, GEN_ACCORD);
                fsl_item(p, k2, h, V_ACCES, GEN_ACCORD);
                naccorde++;
            } else if (i < rec[m]) {
                fsl_item(p, (int)gen_rng_range(&r, 0, kmax), h, V_NON_IDENTIFIE, GEN_ACCORD);
            } else {
                int k = (int)gen_rng_range(&r, 0, kmax);
                fsl_item(p, k, h, draw_volet(&r), GEN_ACCORD);
                naccorde++;
            }
        }
        /* adjournments, refusals (counted nowhere) */
        for (size_t i = 0; i < p->n; i++)
            if (p->items[i].k > 0 && gen_rng_pct(&r, 4))
                p->items[i].adjourned = true;
        for (int64_t i = 0, n = (acc[m] + rec[m]) * 12 / 100; i < n; i++) {
            int32_t h = gen_pool_pick(g, &r, m, g->y0, GEN_HH_MOVER, false);
            if (h) {
                int k = (int)gen_rng_range(&r, 0, kmax);
                fsl_item(p, k, h, draw_volet(&r), GEN_REFUS);
            }
        }
    }
    if (g->failed)
        goto out;
    /* amounts of the granted ones, within their volet's ceiling, summing to fsl_montant */
    {
        int64_t *lo = calloc(naccorde + 1, sizeof(*lo)), *hi = calloc(naccorde + 1, sizeof(*hi));
        int64_t *amt = calloc(naccorde + 1, sizeof(*amt)), cap = 0;
        size_t k = 0;
        if (!lo || !hi || !amt)
            die_nomem(naccorde * sizeof(*lo));
        /* too little room: energy aids become maintenance aids until there is enough */
        for (int m = 0; m < g->nmds; m++)
            for (size_t i = 0; i < plans[m].n; i++)
                if (plans[m].items[i].outcome == GEN_ACCORD)
                    cap += volet_hi[plans[m].items[i].kind];
        for (int m = 0; m < g->nmds && cap * 85 / 100 < amount; m++)
            for (size_t i = 0; i < plans[m].n && cap * 85 / 100 < amount; i++) {
                struct gen_citem *it = &plans[m].items[i];
                if (it->outcome == GEN_ACCORD &&
                    (it->kind == V_ENERGIE || it->kind == V_EAU || it->kind == V_TELEPHONE)) {
                    cap += volet_hi[V_MAINTIEN] - volet_hi[it->kind];
                    it->kind = V_MAINTIEN;
                }
            }
        for (int m = 0; m < g->nmds; m++)
            for (size_t i = 0; i < plans[m].n; i++) {
                struct gen_citem *it = &plans[m].items[i];
                if (it->outcome != GEN_ACCORD || it->kind == V_NON_IDENTIFIE)
                    continue;
                lo[k] = volet_lo[it->kind];
                hi[k] = volet_hi[it->kind];
                k++;
            }
        if (gen_split(&r, amount, naccorde, lo, hi, amt, "montants du FSL", g->e) != 0)
            gen_fail_op(g, "plan");
        k = 0;
        for (int m = 0; m < g->nmds && !g->failed; m++)
            for (size_t i = 0; i < plans[m].n; i++) {
                struct gen_citem *it = &plans[m].items[i];
                if (it->outcome != GEN_ACCORD || it->kind == V_NON_IDENTIFIE)
                    continue;
                it->amount = amt[k++];
                gen_citem_pay(it, it->kind == V_MAINTIEN && it->amount >= 100000 &&
                                      gen_rng_pct(&r, 50));
            }
        free(lo);
        free(hi);
        free(amt);
    }
    for (int m = 0; m < g->nmds && !g->failed; m++) {
        struct gen_commission cm = {0};
        cm.dispositif = "fsl";
        cm.label = "Commission locale du fonds de solidarité logement";
        cm.site = m;
        cm.dates = dates[m];
        cm.ndates = nd[m];
        cm.open = fsl_open;
        cm.refus_motives = fsl_refus;
        gen_commission_run(g, &r, &cm, plans[m].items, plans[m].n);
        /* a few requests still awaiting their commission at the end of the year */
        for (int i = 0; i < 1 + (int)(plans[m].n / 100) && !g->failed; i++) {
            struct gen_flow fl;
            int32_t h = gen_pool_pick(g, &r, m, g->y0, GEN_HH_MOVER, false);
            if (!h)
                break;
            gen_flow_init(&fl);
            fl.open.dispositif = "fsl";
            fl.open.benef_kind = 'F';
            fl.open.benef = h;
            fl.open.site = m;
            fl.open.date = gen_workday(&r, g->y1 - 25, g->y1 - 2);
            fl.open.facts = json_pack("{s:s, s:o}", "volet", "energie", "montant_demande",
                                      gen_json_money(100 * gen_rng_range(&r, 80, 450)));
            fl.pieces = gen_rng_pct(&r, 50);
            gen_flow_run(g, &r, &fl);
        }
    }
out:
    for (int m = 0; m < g->nmds; m++)
        free(plans[m].items);
    return g->failed ? -1 : 0;
}

/* ---- ASLL and AML ------------------------------------------------------------------- */

/*
 * Measures of dispositif disp for households: `running` in progress during
 * the year (distinct households), `news` of them started in it; 30 % of the
 * older ones and 10 % of the new ones end in the year; a few ended the year
 * before (counted nowhere).
 */
static int household_measures(struct gen *g, struct gen_rng *r, const char *disp, int64_t running,
                              int64_t news, uint8_t flag,
                              json_t *(*facts)(struct gen_rng *r, int months))
{
    enum { M_NEW, M_OLD, M_PAST };
    int64_t w[GEN_MAX_MDS], per[GEN_MAX_MDS], older = running - news, past = running / 30;
    int64_t total = running + past;
    uint8_t *kinds;
    size_t k = 0;

    if (older < 0)
        return gen_fail(g, "%s : plus de nouvelles mesures (%lld) que de mesures (%lld)", disp,
                        (long long)news, (long long)running);
    kinds = calloc((size_t)total + 1, 1);
    if (!kinds)
        die_nomem((size_t)total);
    for (int64_t i = 0; i < total; i++)
        kinds[i] = i < news ? M_NEW : i < running ? M_OLD : M_PAST;
    gen_rng_shuffle(r, kinds, (size_t)total, 1);
    for (int m = 0; m < g->nmds; m++)
        w[m] = (int64_t)g->pool[m].n;
    gen_alloc(total, w, (size_t)g->nmds, per);
    for (int m = 0; m < g->nmds && !g->failed; m++) {
        for (int64_t i = 0; i < per[m] && !g->failed; i++, k++) {
            struct gen_measure ms = {0};
            int months = (int)gen_rng_range(r, 6, 18);
            int32_t h;
            switch (kinds[k]) {
            case M_NEW:
                ms.start = gen_workday(r, g->y0 + 3, g->y1 - 10);
                ms.end = ms.start + 90 < g->y1 - 5 && gen_rng_pct(r, 10)
                             ? (date_t)gen_rng_range(r, ms.start + 90, g->y1 - 5)
                             : GEN_NODATE;
                break;
            case M_OLD:
                ms.start = gen_workday(r, g->y0 - 540, g->y0 - 15);
                ms.end = gen_rng_pct(r, 30) ? (date_t)gen_rng_range(r, g->y0 + 10, g->y1 - 10)
                                            : GEN_NODATE;
                break;
            default:
                ms.start = gen_workday(r, g->y0 - 900, g->y0 - 400);
                ms.end = (date_t)gen_rng_range(r, ms.start + 90, g->y0 - 20);
                break;
            }
            h = gen_pool_pick(g, r, m, ms.start - 80, flag | GEN_HH_MOVER, false);
            if (!h) {
                gen_fail(g, "%s : plus de foyer disponible dans la MDS %s", disp, g->mds[m].code);
                break;
            }
            gen_h(g, h)->flags |= flag;
            ms.dispositif = disp;
            ms.kind = 'F';
            ms.benef = h;
            ms.site = m;
            ms.amount = -1;
            ms.right_to = GEN_NODATE;
            ms.facts = facts(r, months);
            gen_measure_run(g, r, &ms);
        }
    }
    free(kinds);
    return g->failed ? -1 : 0;
}

static const char *const operators[] = {
    "Association Habitat Solidaire 62",
    "Association Accueil et Réinsertion Sociale",
    "Association Le Toit Artésien",
    "Association Logement Insertion Opale",
};

static json_t *asll_facts(struct gen_rng *r, int months)
{
    static const char *const objects[] = {"acces", "maintien", "relogement"};
    const char *object = objects[gen_rng_range(r, 0, 2)];
    const char *op = operators[gen_rng_range(r, 0, ARRAY_SIZE(operators) - 1)];
    return json_pack("{s:s, s:i, s:s}", "objet", object, "duree_mois", months, "operateur", op);
}

static json_t *aml_facts(struct gen_rng *r, int months)
{
    return json_pack("{s:s, s:i}", "operateur",
                     operators[gen_rng_range(r, 0, ARRAY_SIZE(operators) - 1)], "duree_mois",
                     months);
}

static int asll_aml(struct gen *g)
{
    static const char *const asll_figs[] = {"asll_menages", "asll_nouvelles_mesures", NULL};
    static const char *const aml_figs[] = {"aml_mesures", "aml_nouvelles_mesures", NULL};
    struct gen_rng r;

    gen_rng_init(&r, g->o->seed, "asll");
    gen_step(g, "accompagnements liés au logement (ASLL, AML)");
    if (gen_dispositif(g, "asll", asll_figs)) {
        int64_t running = gen_dept(g, "asll_menages"), news = gen_dept(g, "asll_nouvelles_mesures");
        gen_figure(g, "asll_menages", -1, running);
        gen_figure(g, "asll_nouvelles_mesures", -1, news);
        if (!g->failed)
            household_measures(g, &r, "asll", running, news, GEN_HH_ASLL, asll_facts);
    }
    if (!g->failed && gen_dispositif(g, "aml", aml_figs)) {
        int64_t running = gen_dept(g, "aml_mesures"), news = gen_dept(g, "aml_nouvelles_mesures");
        gen_figure(g, "aml_mesures", -1, running);
        gen_figure(g, "aml_nouvelles_mesures", -1, news);
        if (!g->failed)
            household_measures(g, &r, "aml", running, news, GEN_HH_ASLL, aml_facts);
    }
    return g->failed ? -1 : 0;
}

int gen_logement(struct gen *g)
{
    if (fsl(g) != 0 || asll_aml(g) != 0)
        return -1;
    return 0;
}

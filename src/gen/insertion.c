/*
 * insertion.c: the insertion figures besides the RSA households.
 *
 * Secours d'urgence (aide, decided in MDS the same day): one accord per
 * aid, at the household's MDS, plus the central direction's exceptional
 * aids after the February storms (the positive gap); the amounts paid sum
 * to su_montant. Aide financière personnalisée and fonds d'aide aux jeunes
 * (decided in commission, monthly sessions per MDS): counted as distinct
 * households (AFP) or persons (FAJ) per MDS; the negative gap with the
 * département is made of beneficiaries who moved between two accords in
 * two MDS (case_person_move), each counted in both MDS and once in the
 * département. Coup de pouce compétence (commission), contrats aidés
 * (measures followed centrally, paid monthly), and the insertion acts
 * (actions, returns to work, social clauses) when the catalogue has them.
 */
#include "core/compat.h"
#include "gen/gen_int.h"

static int64_t col_or0(struct gen *g, int m, const char *code)
{
    for (size_t i = 0; i < g->nmds_cols; i++)
        if (!strcmp(g->mds_cols[i], code))
            return g->mds[m].values[i];
    return 0;
}

/* Households that the local aids help besides the RSA ones. */
static int other_households(struct gen *g, struct gen_rng *r)
{
    static const char *const cols[] = {"su_accordes", "fsl_aides_accordees", "fsl_aides_recevables",
                                       "afp_accordees", "afase_accordees"};

    for (int m = 0; m < g->nmds && !g->failed; m++) {
        int64_t want = 0;
        for (size_t i = 0; i < ARRAY_SIZE(cols); i++)
            want += col_or0(g, m, cols[i]);
        want = want * 35 / 100 + 5;
        for (int64_t i = 0; i < want && !g->failed; i++) {
            struct gen_family_spec f = {0};
            int32_t h;
            f.mds = m;
            f.commune = -1;
            f.couple = gen_rng_pct(r, 35);
            f.nchildren = (int)gen_rng_range(r, 0, 3);
            f.head_age_lo = 22;
            f.head_age_hi = f.nchildren ? 50 : 75;
            f.child_age_lo = 0;
            f.child_age_hi = 17;
            f.formed = g->y0 - (date_t)gen_rng_range(r, 30, 4000);
            f.known = g->y0;
            h = gen_family_new(g, r, &f);
            if (h)
                gen_vec_push(&g->pool[m], h);
        }
    }
    return g->failed ? -1 : 0;
}

/* ---- secours d'urgence ---------------------------------------------------------- */

static const char *const su_figures[] = {"su_accordes", "su_montant", "aides_financieres_montant",
                                         NULL};

static const char *pick_need(struct gen_rng *r)
{
    static const char *const needs[] = {"alimentation", "energie",  "hygiene", "transport",
                                        "sante",        "logement", "autre"};
    static const int64_t w[] = {45, 20, 10, 8, 7, 5, 5};
    return needs[gen_rng_weighted(r, w, ARRAY_SIZE(w))];
}

static int su(struct gen *g)
{
    struct gen_rng r;
    int64_t per[GEN_MAX_MDS + 1], sum = 0, total, amount, *lo, *hi, *amt;
    size_t n, k = 0;

    gen_rng_init(&r, g->o->seed, "su");
    gen_step(g, "secours d'urgence");
    if (!gen_dispositif(g, "secours_urgence", su_figures))
        return g->failed ? -1 : 0;
    for (int m = 0; m < g->nmds; m++) {
        per[m] = gen_mds_value(g, m, "su_accordes");
        gen_figure(g, "su_accordes", m, per[m]);
        sum += per[m];
    }
    total = gen_dept(g, "su_accordes");
    amount = gen_dept(g, "su_montant");
    if (g->failed)
        return -1;
    per[g->nmds] = total - sum;
    if (per[g->nmds] < 0)
        return gen_fail(g, "secours d'urgence : le département compte moins que ses MDS");
    gen_figure(g, "su_accordes", -1, total);
    gen_figure(g, "su_montant", -1, amount);
    n = (size_t)total;
    lo = calloc(n + 1, sizeof(*lo));
    hi = calloc(n + 1, sizeof(*hi));
    amt = calloc(n + 1, sizeof(*amt));
    if (!lo || !hi || !amt)
        die_nomem(n * sizeof(*lo));
    for (size_t i = 0; i < n; i++) {
        lo[i] = 2000;
        hi[i] = 35000;
    }
    if (gen_split(&r, amount, n, lo, hi, amt, "montants des secours d'urgence", g->e) != 0) {
        gen_fail_op(g, "plan");
        goto out;
    }
    for (int m = 0; m <= g->nmds && !g->failed; m++) {
        bool central = m == g->nmds;
        int64_t refused = per[m] * 6 / 100, pending = per[m] / 200;
        for (int64_t i = 0; i < per[m] + refused + pending && !g->failed; i++) {
            struct gen_flow fl;
            int res = central ? gen_mds_pick(g, &r) : m;
            date_t day = central ? gen_workday(&r, gen_ymd(g->year, 2, 21), gen_ymd(g->year, 4, 15))
                                 : gen_workday(&r, g->y0 + 3, g->y1 - 1);
            int32_t h = gen_pool_pick(g, &r, res, day, GEN_HH_MOVER, false);
            bool accord = i < per[m], pend = i >= per[m] + refused;
            int64_t a = accord ? amt[k++] : 100 * gen_rng_range(&r, 50, 300);
            if (!h)
                continue;
            gen_flow_init(&fl);
            fl.open.dispositif = "secours_urgence";
            fl.open.benef_kind = 'F';
            fl.open.benef = h;
            fl.open.site = central ? g->nmds : -1;
            fl.open.date = day;
            {
                int64_t asked = gen_min(35000, a + 100 * gen_rng_range(&r, 0, 3) * 10);
                const char *need = central ? "logement" : pick_need(&r);
                fl.open.facts = json_pack("{s:o, s:s}", "montant_demande", gen_json_money(asked),
                                          "besoin", need);
            }
            if (central)
                json_object_set_new(fl.open.facts, "evenement_exceptionnel", json_true());
            if (!pend) {
                fl.decide = day;
                fl.outcome = accord ? "accord" : "refus";
                fl.motive = accord ? NULL : "aide de même nature accordée le mois précédent";
                fl.amount = accord ? a : -1;
                if (accord) {
                    fl.npay = 1;
                    fl.pay[0] = a;
                    fl.pay_date[0] = gen_min(day + (date_t)gen_rng_range(&r, 0, 3), g->y1);
                }
            }
            gen_flow_run(g, &r, &fl);
        }
    }
    if (!g->failed && k != n)
        gen_fail(g, "secours d'urgence : %zu accords faits sur %zu prévus", k, n);
out:
    free(lo);
    free(hi);
    free(amt);
    return g->failed ? -1 : 0;
}

/* ---- distinct beneficiaries per MDS, movers -------------------------------------------- */

struct movers {
    int64_t stay[GEN_MAX_MDS + 1]; /* per MDS; [nmds]: central beneficiaries */
    int64_t n;
    int16_t *from, *to;
};

static int movers_plan(struct gen *g, struct gen_rng *r, const char *col, const char *dept,
                       struct movers *mv)
{
    int64_t cap[GEN_MAX_MDS], sum = 0, total = gen_dept(g, dept), gap;

    memset(mv, 0, sizeof(*mv));
    for (int m = 0; m < g->nmds; m++) {
        cap[m] = gen_mds_value(g, m, col);
        gen_figure(g, col, m, cap[m]);
        sum += cap[m];
    }
    if (g->failed)
        return -1;
    gen_figure(g, dept, -1, total);
    gap = total - sum;
    mv->stay[g->nmds] = gap > 0 ? gap : 0;
    mv->n = gap < 0 ? -gap : 0;
    mv->from = calloc((size_t)mv->n + 1, sizeof(*mv->from));
    mv->to = calloc((size_t)mv->n + 1, sizeof(*mv->to));
    if (!mv->from || !mv->to)
        die_nomem(sizeof(*mv->from));
    for (int64_t i = 0; i < mv->n; i++) {
        int o, d;
        int64_t w[GEN_MAX_MDS];
        bool any = false;
        for (int m = 0; m < g->nmds; m++) {
            w[m] = cap[m];
            any |= cap[m] > 0;
        }
        if (!any)
            return gen_fail(g, "%s : trop de déménagements pour les bénéficiaires des MDS", dept);
        o = (int)gen_rng_weighted(r, w, (size_t)g->nmds);
        w[o] = 0;
        any = false;
        for (int m = 0; m < g->nmds; m++)
            any |= w[m] > 0;
        if (!any)
            return gen_fail(g, "%s : déménagements impossibles entre deux MDS", dept);
        d = (int)gen_rng_weighted(r, w, (size_t)g->nmds);
        cap[o]--;
        cap[d]--;
        mv->from[i] = (int16_t)o;
        mv->to[i] = (int16_t)d;
    }
    for (int m = 0; m < g->nmds; m++)
        mv->stay[m] = cap[m];
    return 0;
}

static void movers_release(struct movers *mv)
{
    free(mv->from);
    free(mv->to);
}

/* Session dates of a year's monthly commission (2nd Tuesday). */
static size_t monthly(struct gen *g, date_t **out)
{
    static const int second[] = {2};
    return gen_session_dates(g->a, g->y0, g->y1, 2, second, 1, out);
}

/* First session index on or after day, -1 if none. */
static int session_after(const date_t *dates, size_t n, date_t day)
{
    for (size_t k = 0; k < n; k++)
        if (dates[k] >= day)
            return (int)k;
    return -1;
}

/* ---- AFP and FAJ ------------------------------------------------------------------------- */

struct aid_ctx {
    const char *dispositif;
    char kind;       /* 'F' household, 'P' person */
    int64_t plafond; /* cents */
    const char *const *objects;
    size_t nobjects;
};

static int64_t aid_open(struct gen *g, struct gen_rng *r, struct gen_commission *cm,
                        struct gen_citem *it, date_t day)
{
    struct aid_ctx *a = cm->ctx;
    struct gen_open o = {0};
    int64_t asked = it->amount >= 0
                        ? gen_min(a->plafond, it->amount + 100 * gen_rng_range(r, 0, 2) * 25)
                        : 100 * gen_rng_range(r, 100, a->plafond / 100);

    o.dispositif = a->dispositif;
    o.benef_kind = a->kind;
    o.benef = it->ref;
    o.site = cm->site == g->nmds ? g->nmds : -1;
    o.date = day;
    o.facts = json_pack("{s:o, s:s}", "montant_demande", gen_json_money(asked), "objet",
                        a->objects[gen_rng_range(r, 0, (int64_t)a->nobjects - 1)]);
    return gen_open(g, &o);
}

static const char *const aid_refus[] = {
    "ressources du foyer supérieures au barème du règlement",
    "besoin couvert par un autre dispositif",
    "aide de même objet accordée dans les douze derniers mois",
    NULL,
};

/*
 * One commission plan per site: items collected by site, then run. The
 * beneficiaries of accords are given (ref), refusals and adjournments added.
 */
struct aid_plan {
    struct gen_citem *items;
    size_t n, cap;
};

static struct gen_citem *aid_item(struct aid_plan *p)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 64;
        struct gen_citem *grown = realloc(p->items, cap * sizeof(*grown));
        if (!grown)
            die_nomem(cap * sizeof(*grown));
        p->items = grown;
        p->cap = cap;
    }
    memset(&p->items[p->n], 0, sizeof(p->items[0]));
    p->items[p->n].right_from = p->items[p->n].right_to = GEN_NODATE;
    p->items[p->n].start = p->items[p->n].end = GEN_NODATE;
    p->items[p->n].not_before = GEN_NODATE;
    return &p->items[p->n++];
}

/*
 * ref helped at a random session of a plan of nd sessions and, pct times in
 * a hundred, again at a later session.
 */
static void aid_plan_stay(struct gen_rng *r, struct aid_plan *plan, size_t nd, int32_t ref, int pct)
{
    struct gen_citem *it = aid_item(plan);

    it->k = (int)gen_rng_range(r, 0, (int64_t)nd - 1);
    it->ref = ref;
    if (gen_rng_pct(r, pct) && it->k + 2 < (int)nd) {
        struct gen_citem *again = aid_item(plan);
        again->k = (int)gen_rng_range(r, plan->items[plan->n - 2].k + 2, (int64_t)nd - 1);
        again->ref = ref;
    }
}

/*
 * A mover: ref (a household when household, else a person) helped at a
 * session of the first half of the year in MDS o, moved to a commune of
 * MDS d 10 to 40 days later, helped again in d at a session at least 25
 * days after the move. what names the aid in the failure message.
 */
static int aid_plan_move(struct gen *g, struct gen_rng *r, struct aid_plan *plans,
                         date_t *const *dates, const size_t *nd, int o, int d, int32_t ref,
                         bool household, const char *what)
{
    int k1 = (int)gen_rng_range(r, 0, (int64_t)nd[o] / 2 - 1), k2;
    date_t move = dates[o][k1] + (date_t)gen_rng_range(r, 10, 40);
    struct gen_citem *it;

    k2 = session_after(dates[d], nd[d], move + 25);
    if (k2 < 0)
        return gen_fail(g, "%s : pas de séance après le déménagement", what);
    if (gen_move(g, r, household ? ref : 0, household ? 0 : ref, gen_commune_pick(g, r, d), move) !=
        0)
        return -1;
    it = aid_item(&plans[o]);
    it->k = k1;
    it->ref = ref;
    it = aid_item(&plans[d]);
    it->k = k2;
    it->ref = ref;
    it->not_before = move;
    return 0;
}

static int aid_run(struct gen *g, struct gen_rng *r, struct aid_ctx *ctx, const char *label,
                   struct aid_plan *plans, date_t **dates, size_t *ndates)
{
    for (int m = 0; m <= g->nmds && !g->failed; m++) {
        struct gen_commission cm = {0};
        if (!plans[m].n)
            continue;
        cm.dispositif = ctx->dispositif;
        cm.label = label;
        cm.site = m;
        cm.dates = dates[m];
        cm.ndates = ndates[m];
        cm.open = aid_open;
        cm.ctx = ctx;
        cm.refus_motives = aid_refus;
        gen_commission_run(g, r, &cm, plans[m].items, plans[m].n);
    }
    return g->failed ? -1 : 0;
}

/* Amounts of every accord of the plans, split exactly; one or two payments each. */
static int aid_amounts(struct gen *g, struct gen_rng *r, struct aid_plan *plans, int64_t total,
                       int64_t lo_c, int64_t hi_c, const char *what)
{
    size_t n = 0, k = 0;
    int64_t *lo, *hi, *amt;

    for (int m = 0; m <= g->nmds; m++)
        for (size_t i = 0; i < plans[m].n; i++)
            n += plans[m].items[i].outcome == GEN_ACCORD;
    lo = calloc(n + 1, sizeof(*lo));
    hi = calloc(n + 1, sizeof(*hi));
    amt = calloc(n + 1, sizeof(*amt));
    if (!lo || !hi || !amt)
        die_nomem(n * sizeof(*lo));
    for (size_t i = 0; i < n; i++) {
        lo[i] = lo_c;
        hi[i] = hi_c;
    }
    if (gen_split(r, total, n, lo, hi, amt, what, g->e) != 0) {
        gen_fail_op(g, "plan");
    } else {
        for (int m = 0; m <= g->nmds; m++)
            for (size_t i = 0; i < plans[m].n; i++) {
                struct gen_citem *it = &plans[m].items[i];
                if (it->outcome != GEN_ACCORD)
                    continue;
                it->amount = amt[k++];
                gen_citem_pay(it, it->amount >= 60000 && gen_rng_pct(r, 40));
            }
    }
    free(lo);
    free(hi);
    free(amt);
    return g->failed ? -1 : 0;
}

/* Refusals and adjournments around the accords of a plan. */
static void aid_noise(struct gen *g, struct gen_rng *r, struct aid_plan *p, size_t ndates,
                      int32_t (*pick)(struct gen *, struct gen_rng *, int, void *), int m,
                      void *arg, int refus_pct)
{
    size_t accords = p->n;
    int64_t refused = (int64_t)accords * refus_pct / 100;

    for (size_t i = 0; i < accords; i++)
        if (p->items[i].k > 0 && gen_rng_pct(r, 4))
            p->items[i].adjourned = true;
    for (int64_t i = 0; i < refused; i++) {
        int32_t ref = pick(g, r, m, arg);
        struct gen_citem *it;
        if (!ref)
            continue;
        it = aid_item(p);
        it->k = (int)gen_rng_range(r, 0, (int64_t)ndates - 1);
        it->outcome = gen_rng_pct(r, 90) ? GEN_REFUS : GEN_SANS_SUITE;
        it->amount = -1;
        it->ref = ref;
    }
}

static int32_t afp_pick(struct gen *g, struct gen_rng *r, int m, void *arg)
{
    (void)arg;
    return gen_pool_pick(g, r, m < g->nmds ? m : gen_mds_pick(g, r), g->y0, GEN_HH_MOVER, false);
}

/* What the AFP and the FAJ share: their plans, sessions and movers for the year. */
struct aid_year {
    struct gen_rng r;
    struct movers mv;
    struct aid_plan plans[GEN_MAX_MDS + 1];
    date_t *dates[GEN_MAX_MDS + 1];
    size_t nd[GEN_MAX_MDS + 1];
    int64_t amount; /* cents granted in the year, the département's figure */
};

/*
 * Start an aid's year: its random stream and step, the counts per MDS of
 * accords (count, also the movers' plan) and the total amount (amount),
 * the fortnightly sessions of each MDS. 1 to go on; 0 when the dispositif
 * or its figures are absent (nothing to generate); -1 on failure.
 */
static int aid_year_begin(struct gen *g, struct aid_year *y, const char *stream, const char *step,
                          const struct aid_ctx *ctx, const char *const *figures, const char *count,
                          const char *amount)
{
    memset(y, 0, sizeof(*y));
    gen_rng_init(&y->r, g->o->seed, stream);
    gen_step(g, step);
    if (!gen_dispositif(g, ctx->dispositif, figures))
        return g->failed ? -1 : 0;
    y->amount = gen_dept(g, amount);
    if (movers_plan(g, &y->r, count, count, &y->mv) != 0)
        return -1;
    gen_figure(g, amount, -1, y->amount);
    for (int m = 0; m <= g->nmds; m++)
        y->nd[m] = monthly(g, &y->dates[m]);
    return 1;
}

/*
 * End an aid's year: refusals and adjournments around the accords (pick
 * makes the applicants, refus_pct of them refused), the amounts split
 * between lo and hi cents, the sessions run by commission; y released.
 */
static int aid_year_end(struct gen *g, struct aid_year *y, struct aid_ctx *ctx,
                        int32_t (*pick)(struct gen *, struct gen_rng *, int, void *), int refus_pct,
                        int64_t lo, int64_t hi, const char *amounts, const char *commission)
{
    for (int m = 0; m <= g->nmds && !g->failed; m++)
        aid_noise(g, &y->r, &y->plans[m], y->nd[m], pick, m, NULL, refus_pct);
    if (!g->failed)
        aid_amounts(g, &y->r, y->plans, y->amount, lo, hi, amounts);
    if (!g->failed)
        aid_run(g, &y->r, ctx, commission, y->plans, y->dates, y->nd);
    for (int m = 0; m <= g->nmds; m++)
        free(y->plans[m].items);
    movers_release(&y->mv);
    return g->failed ? -1 : 0;
}

static const char *const afp_figures[] = {"afp_accordees", "afp_montant", NULL};

static int afp(struct gen *g)
{
    static const char *const objects[] = {"logement",   "energie", "mobilite", "sante",
                                          "equipement", "dettes",  "autre"};
    struct aid_ctx ctx = {"aide_financiere_personnalisee", 'F', 100000, objects,
                          ARRAY_SIZE(objects)};
    struct aid_year y;
    int rc = aid_year_begin(g, &y, "afp", "aides financières personnalisées", &ctx, afp_figures,
                            "afp_accordees", "afp_montant");

    if (rc <= 0)
        return rc;
    /* households that stay: distinct in their MDS, some helped twice */
    for (int m = 0; m <= g->nmds && !g->failed; m++) {
        for (int64_t i = 0; i < y.mv.stay[m]; i++) {
            int res = m < g->nmds ? m : gen_mds_pick(g, &y.r);
            int32_t h = gen_pool_pick(g, &y.r, res, g->y0, GEN_HH_AFP | GEN_HH_MOVER, false);
            if (!h) {
                gen_fail(g, "AFP : plus de foyer disponible dans la MDS %s", g->mds[res].code);
                break;
            }
            gen_h(g, h)->flags |= GEN_HH_AFP;
            aid_plan_stay(&y.r, &y.plans[m], y.nd[m], h, 8);
        }
    }
    /* movers: a household helped in one MDS, moved, helped in another */
    for (int64_t i = 0; i < y.mv.n && !g->failed; i++) {
        struct gen_family_spec f = {0};
        int o = y.mv.from[i], d = y.mv.to[i];
        int32_t h;
        f.mds = o;
        f.commune = -1;
        f.couple = gen_rng_pct(&y.r, 30);
        f.nchildren = (int)gen_rng_range(&y.r, 0, 3);
        f.head_age_lo = 22;
        f.head_age_hi = 55;
        f.child_age_lo = 1; /* born before the move */
        f.child_age_hi = 15;
        f.formed = g->y0 - (date_t)gen_rng_range(&y.r, 100, 3000);
        f.known = g->y0;
        h = gen_family_new(g, &y.r, &f);
        if (!h)
            break;
        gen_h(g, h)->flags |= GEN_HH_MOVER | GEN_HH_AFP;
        if (aid_plan_move(g, &y.r, y.plans, y.dates, y.nd, o, d, h, true, "AFP") != 0)
            break;
    }
    return aid_year_end(g, &y, &ctx, afp_pick, 10, 5000, 100000, "montants des AFP",
                        "Commission des aides financières personnalisées");
}

static const char *const faj_figures[] = {"faj_accords", "faj_montant", NULL};

/* A young person (19 to 24 at mid-year: 18 to 25 all year) living in MDS m. */
static int32_t young(struct gen *g, struct gen_rng *r, int m, void *arg)
{
    int res = m < g->nmds ? m : gen_mds_pick(g, r);
    (void)arg;
    return gen_person_new(g, r, 0, gen_birth(r, g->mid, 19, 24), res, -1, g->y0, -1, NULL, NULL);
}

static int faj(struct gen *g)
{
    static const char *const objects[] = {"subsistance", "formation", "mobilite",
                                          "logement",    "sante",     "autre"};
    struct aid_ctx ctx = {"fonds_aide_jeunes", 'P', 150000, objects, ARRAY_SIZE(objects)};
    struct aid_year y;
    int rc = aid_year_begin(g, &y, "faj", "fonds d'aide aux jeunes", &ctx, faj_figures,
                            "faj_accords", "faj_montant");

    if (rc <= 0)
        return rc;
    for (int m = 0; m <= g->nmds && !g->failed; m++)
        for (int64_t i = 0; i < y.mv.stay[m] && !g->failed; i++) {
            int32_t p = young(g, &y.r, m, NULL);
            aid_plan_stay(&y.r, &y.plans[m], y.nd[m], p, 10);
        }
    for (int64_t i = 0; i < y.mv.n && !g->failed; i++) {
        int o = y.mv.from[i], d = y.mv.to[i];
        int32_t p = young(g, &y.r, o, NULL);
        if (!p)
            break;
        gen_p(g, p)->flags |= GEN_USED;
        if (aid_plan_move(g, &y.r, y.plans, y.dates, y.nd, o, d, p, false, "FAJ") != 0)
            break;
    }
    return aid_year_end(g, &y, &ctx, young, 12, 3000, 150000, "montants du FAJ",
                        "Comité local du fonds d'aide aux jeunes");
}

/* ---- coup de pouce compétence ------------------------------------------------------------ */

static const char *const cpc_figures[] = {"cpc_accordes", "cpc_montant", NULL};

static const char *const trainings[] = {
    "CACES R489 (chariots élévateurs)",
    "Titre professionnel agent de propreté",
    "Permis C (poids lourds)",
    "Titre professionnel assistant de vie aux familles",
    "Habilitation électrique",
    "Certificat de qualification professionnelle cuisine",
    "SST (sauveteur secouriste du travail)",
    "Titre professionnel conducteur de bus",
};

static int64_t cpc_open(struct gen *g, struct gen_rng *r, struct gen_commission *cm,
                        struct gen_citem *it, date_t day)
{
    struct gen_open o = {0};
    int64_t asked = it->amount >= 0 ? it->amount : 100 * gen_rng_range(r, 400, 3000);

    (void)cm;
    o.dispositif = "coup_de_pouce_competence";
    o.benef_kind = 'P';
    o.benef = it->ref;
    o.site = -1;
    o.date = day;
    o.facts =
        json_pack("{s:o, s:b, s:s}", "montant_demande", gen_json_money(asked), "beneficiaire_rsa",
                  1, "formation", trainings[gen_rng_range(r, 0, ARRAY_SIZE(trainings) - 1)]);
    return gen_open(g, &o);
}

/* An adult subject to droits et devoirs known since January, living in MDS m. */
static int32_t rsa_adult(struct gen *g, struct gen_rng *r, int m, void *arg)
{
    struct gen_vec *v = arg;
    for (int tries = 0; tries < 64 && v->n; tries++) {
        int32_t p = v->v[gen_rng_range(r, 0, (int64_t)v->n - 1)];
        if (m < 0 || gen_p(g, p)->mds == m)
            return p;
    }
    return 0;
}

static int cpc(struct gen *g)
{
    struct gen_rng r;
    struct aid_plan plans[GEN_MAX_MDS + 1] = {{0}};
    date_t *dates[GEN_MAX_MDS + 1];
    size_t nd[GEN_MAX_MDS + 1];
    struct gen_vec adults = {0};
    int64_t n, amount, w[GEN_MAX_MDS], per[GEN_MAX_MDS];

    gen_rng_init(&r, g->o->seed, "cpc");
    gen_step(g, "coups de pouce compétence");
    if (!gen_dispositif(g, "coup_de_pouce_competence", cpc_figures))
        return g->failed ? -1 : 0;
    n = gen_dept(g, "cpc_accordes");
    amount = gen_dept(g, "cpc_montant");
    if (g->failed)
        return -1;
    gen_figure(g, "cpc_accordes", -1, n);
    gen_figure(g, "cpc_montant", -1, amount);
    for (size_t p = 1; p < g->npersons; p++)
        if ((g->persons[p].flags & GEN_SOUMIS) && g->persons[p].known == g->y0)
            gen_vec_push(&adults, (int32_t)p);
    for (int m = 0; m < g->nmds; m++) {
        w[m] = gen_mds_value(g, m, "rsa_allocataires") + 1;
        nd[m] = monthly(g, &dates[m]);
    }
    gen_alloc(n, w, (size_t)g->nmds, per);
    for (int m = 0; m < g->nmds && !g->failed; m++) {
        for (int64_t i = 0; i < per[m]; i++) {
            struct gen_citem *it;
            int32_t p = rsa_adult(g, &r, m, &adults);
            if (!p)
                p = rsa_adult(g, &r, -1, &adults);
            if (!p) {
                gen_fail(g, "coup de pouce compétence : aucun bénéficiaire du RSA");
                break;
            }
            it = aid_item(&plans[m]);
            it->k = (int)gen_rng_range(&r, 0, (int64_t)nd[m] - 1);
            it->ref = p;
        }
        aid_noise(g, &r, &plans[m], nd[m], rsa_adult, m, &adults, 15);
    }
    if (!g->failed)
        aid_amounts(g, &r, plans, amount, 30000, 300000, "montants des coups de pouce");
    for (int m = 0; m < g->nmds && !g->failed; m++) {
        struct gen_commission cm = {0};
        if (!plans[m].n)
            continue;
        cm.dispositif = "coup_de_pouce_competence";
        cm.label = "Commission coup de pouce compétence";
        cm.site = m;
        cm.dates = dates[m];
        cm.ndates = nd[m];
        cm.open = cpc_open;
        cm.refus_motives = aid_refus;
        gen_commission_run(g, &r, &cm, plans[m].items, plans[m].n);
    }
    for (int m = 0; m <= g->nmds; m++)
        free(plans[m].items);
    gen_vec_release(&adults);
    return g->failed ? -1 : 0;
}

/* ---- contrats aidés ------------------------------------------------------------------------- */

static const char *const contract_figures[] = {"contrats_aides", "contrats_aides_montant", NULL};

static const char *const employers[] = {
    "Association Les Jardins de l'Artois",
    "Régie de quartier de Lens",
    "Commune de Bruay-la-Buissière",
    "Atelier chantier d'insertion du Calaisis",
    "Ressourcerie du Boulonnais",
    "Association Horizon Emploi Audomarois",
    "EHPAD Les Tilleuls",
    "Centre communal d'action sociale d'Arras",
    "Entreprise d'insertion Opale Services",
    "Association Ternois Solidarité",
};

static int contracts(struct gen *g)
{
    static const char *const types[] = {"pec", "cddi", "cie"};
    static const int64_t tw[] = {50, 40, 10};
    struct gen_rng r;
    struct gen_vec adults = {0};
    int64_t started, amount, stock, n, *months, *lo, *hi, *tot;

    gen_rng_init(&r, g->o->seed, "contrats");
    gen_step(g, "contrats aidés");
    if (!gen_dispositif(g, "contrat_aide", contract_figures))
        return g->failed ? -1 : 0;
    started = gen_dept(g, "contrats_aides");
    amount = gen_dept(g, "contrats_aides_montant");
    if (g->failed)
        return -1;
    gen_figure(g, "contrats_aides", -1, started);
    gen_figure(g, "contrats_aides_montant", -1, amount);
    for (size_t p = 1; p < g->npersons; p++)
        if ((g->persons[p].flags & GEN_SOUMIS) && g->persons[p].known == g->y0 &&
            gen_age(g->persons[p].birth, g->mid) < 60)
            gen_vec_push(&adults, (int32_t)p);
    if (adults.n == 0) {
        gen_vec_release(&adults);
        return gen_fail(g, "contrats aidés : aucun bénéficiaire du RSA");
    }
    gen_rng_shuffle(&r, adults.v, adults.n, sizeof(*adults.v));
    /* contracts of the year, and those started in the second half of the year before */
    stock = started * 35 / 100;
    n = started + stock;
    months = calloc((size_t)n + 1, sizeof(*months));
    lo = calloc((size_t)n + 1, sizeof(*lo));
    hi = calloc((size_t)n + 1, sizeof(*hi));
    tot = calloc((size_t)n + 1, sizeof(*tot));
    if (!months || !lo || !hi || !tot)
        die_nomem((size_t)n * sizeof(*lo));
    {
        date_t *start = calloc((size_t)n + 1, sizeof(*start));
        int *dur = calloc((size_t)n + 1, sizeof(*dur));
        if (!start || !dur)
            die_nomem((size_t)n * sizeof(*start));
        for (int64_t i = 0; i < n; i++) {
            int y, m, d, before;
            dur[i] = gen_rng_pct(&r, 70) ? 12 : (int)gen_rng_range(&r, 6, 24);
            start[i] = i < started ? gen_ymd(g->year, (int)gen_rng_range(&r, 1, 12), 1)
                                   : gen_ymd(g->year - 1, (int)gen_rng_range(&r, 7, 12), 1);
            /* monthly payments on the 25th; those of the year are the figure */
            date_to_ymd(start[i], &y, &m, &d);
            before = i < started ? 0 : 13 - m;
            if (dur[i] <= before)
                dur[i] = before + (int)gen_rng_range(&r, 1, 6);
            months[i] = gen_min(dur[i] - before, i < started ? 13 - m : 12);
            lo[i] = months[i] * 30000;
            hi[i] = months[i] * 150000;
        }
        if (gen_split(&r, amount, (size_t)n, lo, hi, tot, "paiements des contrats aidés", g->e) !=
            0)
            gen_fail_op(g, "plan");
        for (int64_t i = 0; i < n && !g->failed; i++) {
            struct gen_flow fl;
            int32_t p = adults.v[(size_t)i % adults.n];
            int64_t monthly_c = tot[i] / months[i], last = tot[i] - monthly_c * (months[i] - 1);
            int y, m, d, before, ey, em;
            date_to_ymd(start[i], &y, &m, &d);
            before = i < started ? 0 : 13 - m;
            ey = y + (m - 1 + dur[i]) / 12;
            em = (m - 1 + dur[i]) % 12 + 1;
            gen_flow_init(&fl);
            fl.open.dispositif = "contrat_aide";
            fl.open.benef_kind = 'P';
            fl.open.benef = p;
            fl.open.site = g->nmds;
            fl.open.date = start[i] - (date_t)gen_rng_range(&r, 15, 40);
            {
                const char *type = types[gen_rng_weighted(&r, tw, ARRAY_SIZE(tw))];
                const char *employer = employers[gen_rng_range(&r, 0, ARRAY_SIZE(employers) - 1)];
                fl.open.facts =
                    json_pack("{s:s, s:b, s:s, s:i, s:o}", "type_contrat", type, "beneficiaire_rsa",
                              1, "employeur", employer, "duree_mois", dur[i], "aide_mensuelle",
                              gen_json_money(monthly_c));
            }
            fl.decide = start[i] - (date_t)gen_rng_range(&r, 3, 12);
            fl.outcome = "accord";
            /* granted: the monthly aid over the contract, the last one of the year a bit more */
            fl.amount = monthly_c * dur[i] + (last - monthly_c);
            fl.start = start[i];
            fl.end = gen_ymd(ey, em, 1) - 1;
            if (fl.end > g->y1)
                fl.end = GEN_NODATE;
            fl.npay = before + (int)months[i];
            assert(fl.npay <= (int)ARRAY_SIZE(fl.pay));
            for (int k = 0; k < fl.npay; k++) {
                fl.pay_date[k] = gen_ymd(y + (m - 1 + k) / 12, (m - 1 + k) % 12 + 1, 25);
                fl.pay[k] = k == fl.npay - 1 ? last : monthly_c;
            }
            gen_flow_run(g, &r, &fl);
        }
        free(start);
        free(dur);
    }
    free(months);
    free(lo);
    free(hi);
    free(tot);
    gen_vec_release(&adults);
    return g->failed ? -1 : 0;
}

/* ---- insertion acts ----------------------------------------------------------------------- */

static int insertion_acts(struct gen *g)
{
    static const char *const act_figs[] = {"actions_insertion_participants", NULL};
    static const char *const ret_figs[] = {"retours_emploi", NULL};
    static const char *const clause_figs[] = {"acces_emploi_clauses_sociales",
                                              "acces_emploi_clauses_brsa",
                                              "acces_emploi_clauses_moins_26", NULL};
    struct gen_rng r;
    struct gen_vec adults = {0};
    const struct catalog_dispositif *d;

    gen_rng_init(&r, g->o->seed, "actes-insertion");
    gen_step(g, "actions d'insertion et emploi");
    for (size_t p = 1; p < g->npersons; p++)
        if ((g->persons[p].flags & GEN_SOUMIS) && gen_age(g->persons[p].birth, g->mid) >= 27 &&
            gen_age(g->persons[p].birth, g->mid) < 60)
            gen_vec_push(&adults, (int32_t)p);
    if (adults.n == 0) {
        gen_vec_release(&adults);
        return gen_fail(g, "aucun adulte bénéficiaire du RSA pour les actions d'insertion");
    }
    gen_rng_shuffle(&r, adults.v, adults.n, sizeof(*adults.v));
    /* participants: BRSA adults and young people under 26 */
    if ((d = gen_dispositif(g, "action_insertion", act_figs)) != NULL) {
        int64_t n = gen_dept(g, "actions_insertion_participants");
        gen_figure(g, "actions_insertion_participants", -1, n);
        for (int64_t i = 0; i < n && !g->failed; i++) {
            int32_t p = gen_rng_pct(&r, 70) ? adults.v[(size_t)i % adults.n]
                                            : young(g, &r, gen_mds_pick(g, &r), NULL);
            int times = (int)gen_rng_range(&r, 1, 3);
            if (gen_p(g, p)->flags & GEN_USED)
                p = young(g, &r, gen_mds_pick(g, &r), NULL);
            gen_p(g, p)->flags |= GEN_USED;
            for (int t = 0; t < times && !g->failed; t++) {
                json_t *facts = json_object();
                gen_facts_complete(g, &r, d, facts);
                gen_act(g, d->code, gen_workday(&r, g->y0 + 3, g->y1 - 3), gen_p(g, p)->mds, p,
                        facts);
                json_decref(facts);
            }
        }
    }
    if ((d = gen_dispositif(g, "retour_emploi", ret_figs)) != NULL) {
        int64_t n = gen_dept(g, "retours_emploi");
        gen_figure(g, "retours_emploi", -1, n);
        for (int64_t i = 0; i < n && !g->failed; i++) {
            int32_t p = adults.v[(size_t)(i * 7) % adults.n];
            json_t *facts = json_object();
            gen_facts_complete(g, &r, d, facts);
            gen_act(g, d->code, gen_workday(&r, g->y0 + 3, g->y1 - 3), gen_p(g, p)->mds,
                    d->beneficiary == BENEF_AUCUN ? 0 : p, facts);
            json_decref(facts);
        }
    }
    if ((d = gen_dispositif(g, "clause_sociale_embauche", clause_figs)) != NULL) {
        int64_t n = gen_dept(g, "acces_emploi_clauses_sociales");
        int64_t brsa = gen_dept(g, "acces_emploi_clauses_brsa");
        int64_t under = gen_dept(g, "acces_emploi_clauses_moins_26");
        gen_figure(g, "acces_emploi_clauses_sociales", -1, n);
        gen_figure(g, "acces_emploi_clauses_brsa", -1, brsa);
        gen_figure(g, "acces_emploi_clauses_moins_26", -1, under);
        if (brsa + under > n)
            gen_fail(g, "clauses sociales : %lld BRSA et %lld jeunes pour %lld embauches",
                     (long long)brsa, (long long)under, (long long)n);
        for (int64_t i = 0; i < n && !g->failed; i++) {
            bool is_brsa = i < brsa, is_young = i >= brsa && i < brsa + under;
            int m = gen_mds_pick(g, &r);
            date_t day = gen_workday(&r, g->y0 + 3, g->y1 - 3);
            int32_t p;
            json_t *facts;
            if (is_brsa)
                p = adults.v[(size_t)(i * 13 + 5) % adults.n];
            else if (is_young)
                p = gen_person_new(g, &r, 0, gen_birth(&r, g->mid, 18, 24), m, -1, g->y0, -1, NULL,
                                   NULL);
            else
                p = gen_person_new(g, &r, 0, gen_birth(&r, g->mid, 27, 58), m, -1, g->y0, -1, NULL,
                                   NULL);
            if (!p)
                break;
            facts = json_pack("{s:b}", "beneficiaire_rsa", is_brsa);
            gen_facts_complete(g, &r, d, facts);
            gen_act(g, d->code, day, gen_p(g, p)->mds, p, facts);
            json_decref(facts);
        }
    }
    gen_vec_release(&adults);
    return g->failed ? -1 : 0;
}

int gen_insertion(struct gen *g)
{
    if (gen_rsa(g) != 0 || gen_orientations(g) != 0)
        return -1;
    gen_step(g, "autres foyers aidés");
    {
        struct gen_rng r;
        gen_rng_init(&r, g->o->seed, "foyers");
        if (other_households(g, &r) != 0)
            return -1;
    }
    if (su(g) != 0 || afp(g) != 0 || faj(g) != 0 || cpc(g) != 0 || contracts(g) != 0 ||
        insertion_acts(g) != 0)
        return -1;
    if (!g->failed) {
        int64_t sum = 0;
        static const char *const parts[] = {"su_montant", "afp_montant", "faj_montant",
                                            "cpc_montant"};
        for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
            sum += gen_dept(g, parts[i]);
        gen_figure(g, "aides_financieres_montant", -1, sum);
    }
    return g->failed ? -1 : 0;
}

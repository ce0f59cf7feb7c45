/*
 * enfance.c: child protection and family figures.
 *
 * AFASE (aide, decided in MDS): one accord per aid, households with
 * children, some helped twice; the central direction's aids make the gap
 * with the département's "aides financières aux familles". ASE placements
 * (ase_accueil, one measure per child and per mode): distinct children per
 * MDS; the average daily number of children with a foster carer
 * (stock_moyen) is made exact by choosing the days of the placements that
 * start or end in the year. AED and AEMO: distinct children per MDS,
 * measures counted by the département; the difference is the children who
 * had two measures in the year (an AED followed by an AEMO...). Family
 * measures (TISF, AESF, AGBF, ASAP): distinct households per MDS. Foster
 * carers' employment, adoption agréments, establishments' places, births
 * under secrecy and wards of the State when the catalogue has them.
 */
#include "core/compat.h"
#include "gen/gen_int.h"

/* ---- children of families, per MDS ------------------------------------------------------ */

struct kids {
    struct gen_vec v[GEN_MAX_MDS];
};

/* A child of MDS m aged [1, 17] at mid-year: siblings come one after the other. */
static int32_t kid(struct gen *g, struct gen_rng *r, struct kids *k, int m)
{
    struct gen_vec *v = &k->v[m];

    if (v->n == 0) {
        struct gen_family_spec f = {0};
        int32_t h;
        f.mds = m;
        f.commune = -1;
        f.couple = gen_rng_pct(r, 40);
        f.nchildren = (int)gen_rng_range(r, 1, 3);
        f.head_sex = gen_rng_pct(r, 80) ? 'F' : 'M';
        f.head_age_lo = 24;
        f.head_age_hi = 50;
        f.child_age_lo = 1; /* born before the year: followed since before it */
        f.child_age_hi = 17;
        f.formed = g->y0 - (date_t)gen_rng_range(r, 400, 6000);
        f.known = g->y0;
        h = gen_family_new(g, r, &f);
        if (!h)
            return 0;
        for (int i = gen_h(g, h)->nchildren - 1; i >= 0; i--)
            gen_vec_push(v, gen_h(g, h)->first_child + i);
    }
    return v->v[--v->n];
}

static void kids_release(struct kids *k)
{
    for (int m = 0; m < GEN_MAX_MDS; m++)
        gen_vec_release(&k->v[m]);
}

/* Per-MDS values of col, their sum in *sum; figures recorded. */
static void per_mds(struct gen *g, const char *col, int64_t *per, int64_t *sum)
{
    *sum = 0;
    for (int m = 0; m < g->nmds; m++) {
        per[m] = gen_mds_value(g, m, col);
        gen_figure(g, col, m, per[m]);
        *sum += per[m];
    }
}

/* ---- AFASE ---------------------------------------------------------------------------------- */

static int afase(struct gen *g)
{
    static const char *const figs[] = {"afase_accordees", "aides_financieres_familles", NULL};
    static const char *const objects[] = {"alimentation", "hygiene", "scolarite", "loisirs",
                                          "logement",     "sante",   "autre"};
    struct gen_rng r;
    int64_t per[GEN_MAX_MDS + 1], sum, dept;

    gen_rng_init(&r, g->o->seed, "afase");
    gen_step(g, "aides financières de l'ASE");
    if (!gen_dispositif(g, "afase", figs))
        return g->failed ? -1 : 0;
    per_mds(g, "afase_accordees", per, &sum);
    dept = gen_dept(g, "aides_financieres_familles");
    if (g->failed)
        return -1;
    if (dept < sum)
        return gen_fail(g, "AFASE : le département compte moins d'aides que ses MDS");
    per[g->nmds] = dept - sum;
    gen_figure(g, "aides_financieres_familles", -1, dept);
    for (int s = 0; s <= g->nmds && !g->failed; s++) {
        int64_t refused = per[s] * 8 / 100;
        int32_t last = 0;
        for (int64_t i = 0; i < per[s] + refused && !g->failed; i++) {
            struct gen_flow fl;
            bool accord = i < per[s];
            int res = s < g->nmds ? s : gen_mds_pick(g, &r);
            date_t day = gen_workday(&r, g->y0 + 5, g->y1 - 5);
            /* a household helped again (monthly allocation) or a new one */
            int32_t h = last && gen_rng_pct(&r, 12) && s < g->nmds
                            ? last
                            : gen_pool_pick(g, &r, res, g->y0, GEN_HH_MOVER, true);
            int64_t amount = 100 * gen_rng_range(&r, 4, 40) * 10;
            const char *object = objects[gen_rng_range(&r, 0, ARRAY_SIZE(objects) - 1)];
            if (!h)
                continue;
            last = h;
            gen_flow_init(&fl);
            fl.open.dispositif = "afase";
            fl.open.benef_kind = 'F';
            fl.open.benef = h;
            fl.open.site = s;
            fl.open.date = gen_next_workday(day - (date_t)gen_rng_range(&r, 0, 10));
            fl.open.facts =
                json_pack("{s:o, s:s, s:i}", "montant_demande", gen_json_money(amount), "objet",
                          object, "nombre_enfants", gen_max(1, gen_h(g, h)->nchildren));
            fl.decide = gen_max(day, fl.open.date);
            fl.outcome = accord ? "accord" : "refus";
            fl.motive = accord ? NULL : "besoin couvert par les prestations familiales";
            if (accord) {
                fl.amount = amount;
                fl.npay = 1;
                fl.pay[0] = amount;
                fl.pay_date[0] = gen_min(fl.decide + (date_t)gen_rng_range(&r, 1, 8), g->y1);
            }
            gen_flow_run(g, &r, &fl);
        }
    }
    return g->failed ? -1 : 0;
}

/* ---- ASE placements ---------------------------------------------------------------------------
 */

enum place_kind { P_AF_FULL, P_AF_ENDED, P_AF_CHANGED, P_AF_STARTED, P_OTHER, P__COUNT };

struct placement {
    uint8_t kind;
    int32_t days; /* days in the year of the AF measure (partial ones) */
};

static json_t *placement_facts(struct gen *g, struct gen_rng *r, const char *mode)
{
    bool judicial = strcmp(mode, "assistant_familial") && strcmp(mode, "etablissement")
                        ? true
                        : gen_rng_pct(r, 75);
    const char *where =
        !strcmp(mode, "assistant_familial")
            ? arena_printf(g->c->arena, "Assistant familial : %s", gen_random_name(g, r, 'F'))
        : !strcmp(mode, "etablissement") ? "Maison d'enfants à caractère social"
                                         : "Tiers digne de confiance";

    return json_pack("{s:s, s:s, s:s}", "mode", mode, "cadre",
                     judicial ? "judiciaire" : "administratif", "lieu_accueil", where);
}

static int place(struct gen *g, struct gen_rng *r, int32_t child, int m, const char *mode,
                 date_t start, date_t end)
{
    struct gen_measure ms = {0};

    /* no placement before the child's first month (a too young child is not placed) */
    start = gen_max(start, gen_p(g, child)->birth + 30);
    if (end != GEN_NODATE && end <= start)
        return 0;
    ms.dispositif = "ase_accueil";
    ms.kind = 'P';
    ms.benef = child;
    ms.site = m;
    ms.start = start;
    ms.end = end;
    ms.right_to = GEN_NODATE;
    ms.amount = -1;
    ms.facts = placement_facts(g, r, mode);
    return gen_measure_run(g, r, &ms) ? 0 : -1;
}

static const char *other_mode(struct gen_rng *r)
{
    static const char *const modes[] = {"etablissement", "placement_direct",
                                        "surveillance_administrative"};
    static const int64_t w[] = {75, 20, 5};
    return modes[gen_rng_weighted(r, w, 3)];
}

static int placements(struct gen *g, struct kids *kids)
{
    static const char *const figs[] = {"ase_beneficiaires_accueil",
                                       "enfants_accueillis_assistants_familiaux", NULL};
    struct gen_rng r;
    int64_t per[GEN_MAX_MDS], total, avg, full, partial, ended, days, *dd;
    struct placement *pl;
    size_t k = 0;

    gen_rng_init(&r, g->o->seed, "ase-accueil");
    gen_step(g, "accueils à l'aide sociale à l'enfance");
    if (!gen_dispositif(g, "ase_accueil", figs))
        return g->failed ? -1 : 0;
    per_mds(g, "ase_beneficiaires_accueil", per, &total);
    avg = gen_dept(g, "enfants_accueillis_assistants_familiaux");
    if (g->failed)
        return -1;
    gen_figure(g, "enfants_accueillis_assistants_familiaux", -1, avg);
    /*
     * Average daily number = days of AF placements in the year / days of the
     * year. Full-year placements, and partial ones whose days make the rest;
     * the target is centred between the readings of an end day as counted
     * or not (half a day per placement ending in the year).
     */
    full = avg * 90 / 100;
    partial = ((avg - full) * 365 + 164) / 165;
    if (full + partial > total)
        partial = total - full;
    ended = partial * 40 / 100;
    days = avg * 365 + ended / 2 - full * 365;
    if (partial <= 0 ? days != 0 : (days < 30 * partial || days > 335 * partial))
        return gen_fail(g,
                        "ASE : moyenne de %lld enfants chez les assistants familiaux "
                        "impossible avec %lld enfants accueillis",
                        (long long)avg, (long long)total);
    dd = calloc((size_t)partial + 1, sizeof(*dd));
    pl = calloc((size_t)total + 1, sizeof(*pl));
    if (!dd || !pl)
        die_nomem((size_t)total * sizeof(*pl));
    if (gen_split_int(&r, days, (size_t)partial, 30, 335, dd, "jours d'accueil familial", g->e) !=
        0) {
        gen_fail_op(g, "plan");
        goto out;
    }
    for (int64_t i = 0; i < total; i++) {
        if (i < full) {
            pl[i].kind = P_AF_FULL;
        } else if (i < full + partial) {
            int64_t j = i - full;
            pl[i].kind = j < ended ? (j % 2 ? P_AF_CHANGED : P_AF_ENDED) : P_AF_STARTED;
            pl[i].days = (int32_t)dd[j];
        } else {
            pl[i].kind = P_OTHER;
        }
    }
    gen_rng_shuffle(&r, pl, (size_t)total, sizeof(*pl));
    for (int m = 0; m < g->nmds && !g->failed; m++)
        for (int64_t i = 0; i < per[m] && !g->failed; i++, k++) {
            struct placement *p = &pl[k];
            int32_t c = kid(g, &r, kids, m);
            date_t start, end;
            if (!c)
                break;
            switch (p->kind) {
            case P_AF_FULL:
                place(g, &r, c, m, "assistant_familial",
                      gen_workday(&r, g->y0 - 365 * 6, g->y0 - 30), GEN_NODATE);
                break;
            case P_AF_ENDED:
            case P_AF_CHANGED:
                /* placed before the year, left on the last of its days in the year */
                end = g->y0 + p->days - 1;
                place(g, &r, c, m, "assistant_familial",
                      gen_workday(&r, g->y0 - 365 * 4, g->y0 - 30), end);
                if (p->kind == P_AF_CHANGED)
                    place(g, &r, c, m, "etablissement", end + 1, GEN_NODATE);
                break;
            case P_AF_STARTED:
                place(g, &r, c, m, "assistant_familial", g->y1 - p->days + 1, GEN_NODATE);
                break;
            default:
                start = gen_rng_pct(&r, 80) ? gen_workday(&r, g->y0 - 365 * 5, g->y0 - 30)
                                            : gen_workday(&r, g->y0 + 3, g->y1 - 10);
                end = gen_rng_pct(&r, 15) && start < g->y1 - 60
                          ? (date_t)gen_rng_range(&r, gen_max(start + 30, g->y0 + 5), g->y1 - 5)
                          : GEN_NODATE;
                place(g, &r, c, m, other_mode(&r), start, end);
                break;
            }
        }
    /* placements that ended the year before: counted nowhere */
    for (int64_t i = 0; i < total / 50 && !g->failed; i++) {
        int m = gen_mds_pick(g, &r);
        int32_t c = kid(g, &r, kids, m);
        date_t start = gen_workday(&r, g->y0 - 900, g->y0 - 200);
        if (c)
            place(g, &r, c, m, "assistant_familial", start,
                  (date_t)gen_rng_range(&r, start + 60, g->y0 - 10));
    }
out:
    free(dd);
    free(pl);
    return g->failed ? -1 : 0;
}

/* ---- AED and AEMO ---------------------------------------------------------------------------- */

enum edu { E_AED, E_AEMO };

static const char *const courts[] = {
    "Tribunal pour enfants d'Arras", "Tribunal pour enfants de Béthune",
    "Tribunal pour enfants de Boulogne-sur-Mer", "Tribunal pour enfants de Saint-Omer"};

static int educate(struct gen *g, struct gen_rng *r, int32_t child, int m, int type,
                   bool reinforced, date_t start, date_t end)
{
    struct gen_measure ms = {0};
    int months = (int)gen_rng_range(r, 6, 24);

    start = gen_max(start, gen_p(g, child)->birth + 30);
    if (end != GEN_NODATE && end <= start)
        return 0;
    ms.dispositif = type == E_AED ? "aed" : "aemo";
    ms.kind = 'P';
    ms.benef = child;
    ms.site = m;
    ms.start = start;
    ms.end = end;
    ms.right_to = GEN_NODATE;
    ms.amount = -1;
    ms.facts = json_pack("{s:b, s:i, s:s}", "renforcee", reinforced, "duree_mois", months,
                         "operateur", "Service d'action éducative en milieu ouvert");
    if (type == E_AEMO)
        json_object_set_new(ms.facts, "juridiction",
                            json_string(courts[gen_rng_range(r, 0, ARRAY_SIZE(courts) - 1)]));
    return gen_measure_run(g, r, &ms) ? 0 : -1;
}

struct edu_child {
    uint8_t first, second; /* types; second 0xff: one measure */
    uint8_t rf, rs;        /* reinforced */
};

static int education(struct gen *g, struct kids *kids)
{
    static const char *const figs[] = {"ase_actions_educatives", "aed", "aed_renforcees", "aemo",
                                       "aemo_renforcees",        NULL};
    struct gen_rng r;
    int64_t per[GEN_MAX_MDS], children, a, b, ra, rb, D, x, y, z;
    struct edu_child *ec;
    uint8_t *rfa, *rfb;
    size_t k = 0, ia = 0, ib = 0;

    gen_rng_init(&r, g->o->seed, "aed-aemo");
    gen_step(g, "actions éducatives (AED, AEMO)");
    if (!gen_dispositif(g, "aed", figs) || !gen_dispositif(g, "aemo", NULL))
        return g->failed ? -1 : 0;
    per_mds(g, "ase_actions_educatives", per, &children);
    a = gen_dept(g, "aed");
    b = gen_dept(g, "aemo");
    ra = gen_dept(g, "aed_renforcees");
    rb = gen_dept(g, "aemo_renforcees");
    if (g->failed)
        return -1;
    gen_figure(g, "aed", -1, a);
    gen_figure(g, "aemo", -1, b);
    gen_figure(g, "aed_renforcees", -1, ra);
    gen_figure(g, "aemo_renforcees", -1, rb);
    D = a + b - children;
    if (D < 0 || ra > a || rb > b)
        return gen_fail(g, "AED/AEMO : %lld mesures pour %lld enfants", (long long)(a + b),
                        (long long)children);
    /* children with two measures: an AED then an AEMO, else two of a kind */
    x = gen_min((date_t)D, (date_t)gen_min((date_t)a, (date_t)b));
    y = gen_min((date_t)(D - x), (date_t)((b - x) / 2));
    z = D - x - y;
    if (2 * z > a - x)
        return gen_fail(g, "AED/AEMO : répartition des doubles mesures impossible");
    ec = calloc((size_t)children + 1, sizeof(*ec));
    rfa = calloc((size_t)a + 1, 1);
    rfb = calloc((size_t)b + 1, 1);
    if (!ec || !rfa || !rfb)
        die_nomem((size_t)children);
    for (int64_t i = 0; i < children; i++) {
        struct edu_child *c = &ec[i];
        if (i < x) {
            c->first = E_AED;
            c->second = E_AEMO;
        } else if (i < x + y) {
            c->first = c->second = E_AEMO;
        } else if (i < D) {
            c->first = c->second = E_AED;
        } else {
            c->first = i < D + (a - x - 2 * z) ? E_AED : E_AEMO;
            c->second = 0xff;
        }
    }
    for (int64_t i = 0; i < a; i++)
        rfa[i] = i < ra;
    for (int64_t i = 0; i < b; i++)
        rfb[i] = i < rb;
    gen_rng_shuffle(&r, ec, (size_t)children, sizeof(*ec));
    gen_rng_shuffle(&r, rfa, (size_t)a, 1);
    gen_rng_shuffle(&r, rfb, (size_t)b, 1);
    for (int m = 0; m < g->nmds && !g->failed; m++)
        for (int64_t i = 0; i < per[m] && !g->failed; i++, k++) {
            struct edu_child *c = &ec[k];
            int32_t child = kid(g, &r, kids, m);
            bool rf = c->first == E_AED ? rfa[ia++] : rfb[ib++];
            if (!child)
                break;
            if (c->second == 0xff) {
                date_t start = gen_rng_pct(&r, 65) ? gen_workday(&r, g->y0 - 600, g->y0 - 20)
                                                   : gen_workday(&r, g->y0 + 3, g->y1 - 15);
                date_t end =
                    gen_rng_pct(&r, 35) && start < g->y1 - 90
                        ? (date_t)gen_rng_range(&r, gen_max(start + 60, g->y0 + 5), g->y1 - 5)
                        : GEN_NODATE;
                educate(g, &r, child, m, c->first, rf, start, end);
            } else {
                bool rs = c->second == E_AED ? rfa[ia++] : rfb[ib++];
                date_t end = (date_t)gen_rng_range(&r, g->y0 + 20, g->y1 - 90);
                educate(g, &r, child, m, c->first, rf, gen_workday(&r, g->y0 - 500, g->y0 - 60),
                        end);
                educate(g, &r, child, m, c->second, rs,
                        gen_min(end + (date_t)gen_rng_range(&r, 5, 40), g->y1 - 5), GEN_NODATE);
            }
        }
    free(ec);
    free(rfa);
    free(rfb);
    return g->failed ? -1 : 0;
}

/* ---- family measures ---------------------------------------------------------------------------
 */

static json_t *family_facts(struct gen_rng *r, const char *disp, int children)
{
    int months = (int)gen_rng_range(r, 3, 12);

    if (!strcmp(disp, "tisf"))
        return json_pack("{s:i, s:i, s:i}", "heures_mensuelles", (int)gen_rng_range(r, 8, 40),
                         "duree_mois", months, "nombre_enfants", children);
    if (!strcmp(disp, "agbf"))
        return json_pack("{s:i, s:s}", "duree_mois", (int)gen_rng_range(r, 6, 24), "operateur",
                         "Union départementale des associations familiales");
    return json_pack("{s:i, s:i}", "duree_mois", months, "nombre_enfants", children);
}

static int families(struct gen *g)
{
    static const char *const figs[] = {"familles_mesure_familiale", NULL};
    static const char *const disps[] = {"tisf", "aesf", "agbf", "asap"};
    static const int64_t w[] = {35, 30, 15, 20};
    struct gen_rng r;
    int64_t per[GEN_MAX_MDS], total;

    gen_rng_init(&r, g->o->seed, "familles");
    gen_step(g, "mesures d'aide aux familles");
    for (size_t i = 0; i < ARRAY_SIZE(disps); i++)
        if (!gen_dispositif(g, disps[i], i == 0 ? figs : NULL))
            return g->failed ? -1 : 0;
    per_mds(g, "familles_mesure_familiale", per, &total);
    if (g->failed)
        return -1;
    for (int m = 0; m < g->nmds && !g->failed; m++)
        for (int64_t i = 0; i < per[m] && !g->failed; i++) {
            int32_t h = gen_pool_pick(g, &r, m, g->y0 - 400, GEN_HH_FAMILLE | GEN_HH_MOVER, true);
            int first = (int)gen_rng_weighted(&r, w, 4), n = gen_rng_pct(&r, 10) ? 2 : 1;
            if (!h) {
                gen_fail(g, "mesures familiales : plus de foyer avec enfants dans la MDS %s",
                         g->mds[m].code);
                break;
            }
            gen_h(g, h)->flags |= GEN_HH_FAMILLE;
            for (int j = 0; j < n && !g->failed; j++) {
                struct gen_measure ms = {0};
                const char *disp = disps[(first + j) % 4];
                ms.dispositif = disp;
                ms.kind = 'F';
                ms.benef = h;
                ms.site = m;
                ms.start = gen_rng_pct(&r, 55) ? gen_workday(&r, g->y0 - 300, g->y0 - 20)
                                               : gen_workday(&r, g->y0 + 3, g->y1 - 15);
                ms.end =
                    gen_rng_pct(&r, 30) && ms.start < g->y1 - 90
                        ? (date_t)gen_rng_range(&r, gen_max(ms.start + 60, g->y0 + 5), g->y1 - 5)
                        : GEN_NODATE;
                ms.right_to = GEN_NODATE;
                ms.amount = -1;
                ms.facts = family_facts(&r, disp, gen_h(g, h)->nchildren);
                gen_measure_run(g, &r, &ms);
            }
        }
    return g->failed ? -1 : 0;
}

/* ---- central services of child protection ---------------------------------------------------- */

static int carers(struct gen *g)
{
    static const char *const figs[] = {"assistants_familiaux", "assistants_familiaux_recrutes",
                                       NULL};
    const struct catalog_dispositif *d;
    struct gen_rng r;
    int64_t n, recruited;

    gen_rng_init(&r, g->o->seed, "assistants-familiaux");
    gen_step(g, "assistants familiaux");
    if (!(d = gen_dispositif(g, "emploi_assistant_familial", figs)))
        return g->failed ? -1 : 0;
    n = gen_dept(g, "assistants_familiaux");
    recruited = gen_dept(g, "assistants_familiaux_recrutes");
    if (g->failed)
        return -1;
    gen_figure(g, "assistants_familiaux", -1, n);
    gen_figure(g, "assistants_familiaux_recrutes", -1, recruited);
    for (int64_t i = 0; i < n + n / 50 && !g->failed; i++) {
        struct gen_measure ms = {0};
        bool past = i >= n;
        int m = gen_mds_pick(g, &r);
        char sex = gen_rng_pct(&r, 90) ? 'F' : 'M';
        int32_t p =
            gen_person_new(g, &r, sex, gen_birth(&r, g->mid, 32, 64), m, -1, g->y0, -1, NULL, NULL);
        if (!p)
            break;
        ms.dispositif = d->code;
        ms.kind = 'P';
        ms.benef = p;
        ms.site = g->nmds;
        ms.right_to = GEN_NODATE;
        ms.amount = -1;
        if (past) {
            ms.start = gen_workday(&r, g->y0 - 365 * 12, g->y0 - 400);
            ms.end = (date_t)gen_rng_range(&r, ms.start + 200, g->y0 - 10);
        } else if (i < recruited) {
            ms.start = gen_workday(&r, g->y0 + 10, g->y1 - 10);
            ms.end = GEN_NODATE;
        } else {
            ms.start = gen_workday(&r, g->y0 - 365 * 20, g->y0 - 30);
            ms.end =
                gen_rng_pct(&r, 4) ? (date_t)gen_rng_range(&r, g->y0 + 10, g->y1 - 10) : GEN_NODATE;
        }
        ms.facts = json_object();
        gen_facts_complete(g, &r, d, ms.facts);
        gen_measure_run(g, &r, &ms);
    }
    return g->failed ? -1 : 0;
}

static int adoption(struct gen *g)
{
    static const char *const figs[] = {"agrements_adoption", NULL};
    const struct catalog_dispositif *d;
    struct gen_rng r;
    int64_t n;

    gen_rng_init(&r, g->o->seed, "adoption");
    gen_step(g, "agréments en vue d'adoption");
    if (!(d = gen_dispositif(g, "agrement_adoption", figs)))
        return g->failed ? -1 : 0;
    n = gen_dept(g, "agrements_adoption");
    if (g->failed)
        return -1;
    gen_figure(g, "agrements_adoption", -1, n);
    /* valid on the last day of the year, and a few that expired during it */
    for (int64_t i = 0; i < n + n / 6 && !g->failed; i++) {
        struct gen_family_spec f = {0};
        struct gen_measure ms = {0};
        bool expired = i >= n;
        int y, mo, da;
        int32_t h;
        f.mds = gen_mds_pick(g, &r);
        f.commune = -1;
        f.couple = gen_rng_pct(&r, 85);
        f.head_age_lo = 30;
        f.head_age_hi = 48;
        f.formed = g->y0 - (date_t)gen_rng_range(&r, 1500, 6000);
        f.known = g->y0;
        h = gen_family_new(g, &r, &f);
        if (!h)
            break;
        ms.dispositif = d->code;
        ms.kind = 'F';
        ms.benef = h;
        ms.site = g->nmds;
        ms.amount = -1;
        ms.start = expired ? gen_workday(&r, g->y0 - 365 * 5 + 10, g->y1 - 365 * 5 - 10)
                           : gen_workday(&r, g->y1 - 365 * 5 + 10, g->y1 - 20);
        date_to_ymd(ms.start, &y, &mo, &da);
        ms.right_to = gen_ymd(y + 5, mo, da) - 1;
        ms.end = expired ? ms.right_to : GEN_NODATE;
        ms.facts = json_object();
        gen_facts_complete(g, &r, d, ms.facts);
        gen_measure_run(g, &r, &ms);
    }
    return g->failed ? -1 : 0;
}

static int establishments(struct gen *g)
{
    static const char *const figs[] = {"places_etablissements", "places_internat", NULL};
    static const char *const kinds[] = {
        "Maison d'enfants à caractère social", "Foyer départemental de l'enfance",
        "Lieu de vie et d'accueil", "Service d'accueil de jour éducatif"};
    static const char *const names[] = {"Les Tilleuls", "La Passerelle", "Les Hirondelles",
                                        "Le Phare",     "Les Oyats",     "La Roseraie",
                                        "Le Colombier", "Les Charmes"};
    const struct catalog_dispositif *d;
    struct gen_rng r;
    int64_t places, internat, n, *pl, *in, *lo, *hi;

    gen_rng_init(&r, g->o->seed, "etablissements");
    gen_step(g, "établissements de protection de l'enfance");
    if (!(d = gen_dispositif(g, "habilitation_etablissement", figs)))
        return g->failed ? -1 : 0;
    if (!catalog_fact(d, "places") || !catalog_fact(d, "places_internat")) {
        gen_skip(g, "places_etablissements", "faits « places » absents du dispositif");
        gen_skip(g, "places_internat", "faits « places » absents du dispositif");
        return 0;
    }
    places = gen_dept(g, "places_etablissements");
    internat = gen_dept(g, "places_internat");
    if (g->failed)
        return -1;
    gen_figure(g, "places_etablissements", -1, places);
    gen_figure(g, "places_internat", -1, internat);
    n = gen_max(1, (date_t)((places + 27) / 55));
    pl = calloc((size_t)n + 2, sizeof(*pl));
    in = calloc((size_t)n + 2, sizeof(*in));
    lo = calloc((size_t)n + 2, sizeof(*lo));
    hi = calloc((size_t)n + 2, sizeof(*hi));
    if (!pl || !in || !lo || !hi)
        die_nomem((size_t)n * sizeof(*pl));
    if (gen_split_int(&r, places, (size_t)n, 1, gen_max(120, (date_t)places), pl,
                      "places des établissements", g->e) != 0) {
        gen_fail_op(g, "plan");
        goto out;
    }
    for (int64_t i = 0; i < n; i++)
        hi[i] = pl[i];
    if (gen_split_bounds(&r, internat, (size_t)n, lo, hi, in, "places d'internat", g->e) != 0) {
        gen_fail_op(g, "plan");
        goto out;
    }
    /* in force on the last day of the year; one closed during it counts nowhere */
    for (int64_t i = 0; i <= n && !g->failed; i++) {
        struct gen_measure ms = {0};
        bool closed = i == n;
        int m = gen_mds_pick(g, &r), y, mo, da;
        int32_t commune = gen_commune_pick(g, &r, m);
        const char *kind = kinds[gen_rng_range(&r, 0, 3)];
        const char *label = names[gen_rng_range(&r, 0, ARRAY_SIZE(names) - 1)];
        const char *name = arena_printf(g->a, "%s %s (%s)", kind, label, g->communes[commune].name);
        int64_t org = gen_org_new(g, &r, name, commune, g->y0);
        if (!org)
            break;
        ms.dispositif = d->code;
        ms.kind = 'O';
        ms.benef = (int32_t)org;
        ms.site = g->nmds;
        ms.amount = -1;
        ms.start = gen_workday(&r, g->y0 - 365 * 14, g->y0 - 60);
        date_to_ymd(ms.start, &y, &mo, &da);
        ms.right_to = gen_ymd(y + 15, mo, da) - 1;
        ms.end = closed ? (date_t)gen_rng_range(&r, g->y0 + 30, g->y1 - 30) : GEN_NODATE;
        ms.facts = json_pack("{s:i, s:i}", "places", closed ? 12 : (int)pl[i], "places_internat",
                             closed ? 12 : (int)in[i]);
        gen_facts_complete(g, &r, d, ms.facts);
        gen_measure_run(g, &r, &ms);
    }
out:
    free(pl);
    free(in);
    free(lo);
    free(hi);
    return g->failed ? -1 : 0;
}

static int births_and_wards(struct gen *g)
{
    static const char *const nss_f[] = {"naissances_sous_secret", NULL};
    static const char *const pup_f[] = {"pupilles_admis", NULL};
    const struct catalog_dispositif *d;
    struct gen_rng r;

    gen_rng_init(&r, g->o->seed, "pupilles");
    gen_step(g, "naissances sous le secret et pupilles");
    if ((d = gen_dispositif(g, "naissance_sous_secret", nss_f)) != NULL) {
        int64_t n = gen_dept(g, "naissances_sous_secret");
        gen_figure(g, "naissances_sous_secret", -1, n);
        for (int64_t i = 0; i < n && !g->failed; i++) {
            json_t *facts = json_object();
            gen_facts_complete(g, &r, d, facts);
            gen_act(g, d->code, (date_t)gen_rng_range(&r, g->y0 + 1, g->y1 - 1), g->nmds, 0, facts);
            json_decref(facts);
        }
    }
    if (!g->failed && (d = gen_dispositif(g, "admission_pupille", pup_f)) != NULL) {
        int64_t n = gen_dept(g, "pupilles_admis");
        gen_figure(g, "pupilles_admis", -1, n);
        for (int64_t i = 0; i < n && !g->failed; i++) {
            struct gen_flow fl;
            int m = gen_mds_pick(g, &r);
            int32_t p =
                gen_person_new(g, &r, 0, gen_birth(&r, g->mid, 0, 4), m, -1, g->y0, -1, NULL, NULL);
            if (!p)
                break;
            gen_flow_init(&fl);
            fl.open.dispositif = d->code;
            fl.open.benef_kind = 'P';
            fl.open.benef = p;
            fl.open.site = g->nmds;
            fl.decide = gen_workday(&r, gen_max(g->y0 + 20, gen_p(g, p)->known + 20), g->y1 - 5);
            fl.open.date = gen_max(gen_p(g, p)->known, fl.decide - 15);
            fl.open.facts = json_object();
            gen_facts_complete(g, &r, d, fl.open.facts);
            fl.outcome = "accord";
            gen_flow_run(g, &r, &fl);
        }
    }
    return g->failed ? -1 : 0;
}

int gen_enfance(struct gen *g)
{
    struct kids kids;
    int rc;

    memset(&kids, 0, sizeof(kids));
    rc = afase(g) != 0 || placements(g, &kids) != 0 || education(g, &kids) != 0 ||
                 families(g) != 0 || carers(g) != 0 || adoption(g) != 0 || establishments(g) != 0 ||
                 births_and_wards(g) != 0
             ? -1
             : 0;
    kids_release(&kids);
    return rc;
}

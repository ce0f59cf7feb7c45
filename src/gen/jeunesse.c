/*
 * jeunesse.c: the youth figures, all handled by the central direction.
 * Coup de pouce jeunesse (distinct young people, some helped twice),
 * permis citoyen, BAFA/BAFD (accords counted), sac ados (a decision without
 * payment) and bourse initiative jeunes (decided by a jury in session,
 * distinct young people). Each beneficiary is of the age the catalogue's
 * rules ask for on the day of the request; a few requests are refused.
 */
#include "core/compat.h"
#include "gen/gen_int.h"

/* A young person aged [lo, hi] at mid-year (so within [lo - 1, hi + 1] all year). */
static int32_t youth(struct gen *g, struct gen_rng *r, int lo, int hi)
{
    int m = gen_mds_pick(g, r);
    date_t birth = gen_birth(r, g->mid, lo, hi);

    return gen_person_new(g, r, 0, birth, m, -1, g->y0, -1, NULL, NULL);
}

struct youth_aid {
    const char *disp, *fig;
    int lo, hi;             /* ages at mid-year */
    int64_t ask_lo, ask_hi; /* euros asked */
    int twice_pct, refus_pct;
    bool distinct; /* the figure counts persons, not accords */
    json_t *(*facts)(struct gen_rng *r, int64_t asked, bool accord);
    const char *refus_motive;
};

static json_t *cpj_facts(struct gen_rng *r, int64_t asked, bool accord)
{
    static const char *const projects[] = {"Inscription au club de football", "Achat d'un vélo",
                                           "Séjour linguistique", "Stage de musique",
                                           "Équipement informatique pour les études"};
    (void)accord;
    return json_pack("{s:o, s:s}", "montant_demande", gen_json_money(asked), "projet",
                     projects[gen_rng_range(r, 0, ARRAY_SIZE(projects) - 1)]);
}

static json_t *permis_facts(struct gen_rng *r, int64_t asked, bool accord)
{
    static const char *const hosts[] = {"Restos du cœur", "Secours populaire",
                                        "Club de handball local", "Mairie (service jeunesse)"};
    int hours = accord ? (int)gen_rng_range(r, 35, 70) : (int)gen_rng_range(r, 10, 30);
    return json_pack("{s:o, s:i, s:s}", "montant_demande", gen_json_money(asked),
                     "heures_engagement", hours, "structure_accueil",
                     hosts[gen_rng_range(r, 0, ARRAY_SIZE(hosts) - 1)]);
}

static json_t *bafa_facts(struct gen_rng *r, int64_t asked, bool accord)
{
    (void)accord;
    (void)r;
    return json_pack("{s:s, s:o, s:s}", "brevet", "bafa", "montant_demande", gen_json_money(asked),
                     "organisme_formation", "Organisme agréé Jeunesse 62");
}

static json_t *bafd_facts(struct gen_rng *r, int64_t asked, bool accord)
{
    (void)accord;
    (void)r;
    return json_pack("{s:s, s:o, s:s}", "brevet", "bafd", "montant_demande", gen_json_money(asked),
                     "organisme_formation", "Organisme agréé Jeunesse 62");
}

static json_t *sac_facts(struct gen_rng *r, int64_t asked, bool accord)
{
    static const char *const places[] = {"Côte d'Opale", "Baie de Somme", "Ardennes",
                                         "Bretagne",     "Vercors",       "Lac du Der"};
    int together = (int)gen_rng_range(r, 2, 4);
    (void)asked;
    (void)accord;
    return json_pack("{s:s, s:i}", "destination",
                     places[gen_rng_range(r, 0, ARRAY_SIZE(places) - 1)], "nombre_jeunes",
                     together);
}

/* One request of person p decided on day (accord or refus), paid when granted. */
static void youth_request(struct gen *g, struct gen_rng *r, const struct youth_aid *a,
                          const struct catalog_dispositif *d, int32_t p, date_t day, bool accord)
{
    struct gen_flow fl;
    bool pays = d->workflow && catalog_workflow_has_op(d->workflow, OP_PAYER);
    int64_t asked = 100 * gen_rng_range(r, a->ask_lo, a->ask_hi);

    gen_flow_init(&fl);
    fl.open.dispositif = a->disp;
    fl.open.benef_kind = 'P';
    fl.open.benef = p;
    fl.open.site = g->nmds;
    fl.open.date = gen_max(gen_p(g, p)->known, day - (date_t)gen_rng_range(r, 5, 30));
    fl.open.facts = a->facts(r, asked, accord);
    fl.decide = gen_max(day, fl.open.date);
    fl.outcome = accord ? "accord" : "refus";
    fl.motive = accord ? NULL : a->refus_motive;
    if (accord && pays) {
        /* the rule grants the request within the ceiling */
        const struct catalog_param *cap = catalog_param(d, "plafond");
        int64_t granted = asked;
        if (cap && cap->nvalues && granted > cap->values[cap->nvalues - 1].value.u.i)
            granted = cap->values[cap->nvalues - 1].value.u.i;
        fl.amount = granted;
        fl.npay = 1;
        fl.pay[0] = granted;
        fl.pay_date[0] = gen_min(fl.decide + (date_t)gen_rng_range(r, 3, 20), g->y1);
    }
    gen_flow_run(g, r, &fl);
}

/*
 * target accords (or persons granted, when the figure counts persons: some
 * are then granted twice), and a few refusals of other young people.
 */
static int youth_run(struct gen *g, struct gen_rng *r, const struct youth_aid *a, int64_t target)
{
    const struct catalog_dispositif *d = catalog_find(g->c->cat, a->disp);
    int64_t refused = target * a->refus_pct / 100;

    for (int64_t i = 0; i < target + refused && !g->failed; i++) {
        bool accord = i < target, twice = accord && a->distinct && gen_rng_pct(r, a->twice_pct);
        int32_t p = youth(g, r, a->lo, a->hi);
        date_t lo;
        if (!p)
            break;
        lo = gen_max(g->y0 + 10, gen_p(g, p)->known + 10);
        if (twice) {
            youth_request(g, r, a, d, p, gen_workday(r, lo, g->mid), true);
            youth_request(g, r, a, d, p, gen_workday(r, g->mid + 20, g->y1 - 8), true);
        } else {
            youth_request(g, r, a, d, p, gen_workday(r, lo, g->y1 - 8), accord);
        }
    }
    return g->failed ? -1 : 0;
}

static int64_t bij_open(struct gen *g, struct gen_rng *r, struct gen_commission *cm,
                        struct gen_citem *it, date_t day)
{
    static const char *const domains[] = {"citoyennete", "culture",       "sport",
                                          "solidarite",  "environnement", "entrepreneuriat"};
    static const char *const projects[] = {
        "Festival de musique dans le village", "Chantier de nettoyage des dunes",
        "Création d'une web-radio lycéenne", "Tournoi sportif solidaire",
        "Projet humanitaire au Sénégal"};
    struct gen_open o = {0};
    int64_t asked = it->amount >= 0 ? it->amount : 100 * gen_rng_range(r, 300, 1500);
    const char *domain = domains[gen_rng_range(r, 0, ARRAY_SIZE(domains) - 1)];
    const char *project = projects[gen_rng_range(r, 0, ARRAY_SIZE(projects) - 1)];

    (void)cm;
    o.dispositif = "bourse_initiative_jeunes";
    o.benef_kind = 'P';
    o.benef = it->ref;
    o.site = g->nmds;
    o.date = day;
    o.facts = json_pack("{s:o, s:s, s:s}", "montant_demande", gen_json_money(asked), "projet",
                        project, "domaine", domain);
    return gen_open(g, &o);
}

static int bij(struct gen *g, struct gen_rng *r)
{
    static const char *const figs[] = {"bourse_initiative_jeunes", NULL};
    static const int second[] = {2};
    static const char *const refus[] = {"projet insuffisamment construit", NULL};
    struct gen_commission cm = {0};
    struct gen_citem *items;
    int64_t n, total;
    date_t *dates;
    size_t nd;

    if (!gen_dispositif(g, "bourse_initiative_jeunes", figs))
        return g->failed ? -1 : 0;
    n = gen_dept(g, "bourse_initiative_jeunes");
    if (g->failed)
        return -1;
    gen_figure(g, "bourse_initiative_jeunes", -1, n);
    nd = gen_session_dates(g->a, g->y0 + 31, g->y1, 3, second, 1, &dates);
    total = n + n / 5;
    items = calloc((size_t)total + 1, sizeof(*items));
    if (!items)
        die_nomem((size_t)total * sizeof(*items));
    for (int64_t i = 0; i < total && !g->failed; i++) {
        struct gen_citem *it = &items[i];
        it->ref = youth(g, r, 15, 24);
        it->k = (int)gen_rng_range(r, 0, (int64_t)nd - 1);
        it->outcome = i < n ? GEN_ACCORD : GEN_REFUS;
        it->amount = i < n ? 100 * gen_rng_range(r, 300, 1500) : -1;
        it->npay = i < n;
        it->pay[0] = it->amount;
        it->right_from = it->right_to = it->start = it->end = GEN_NODATE;
        it->not_before = GEN_NODATE;
    }
    cm.dispositif = "bourse_initiative_jeunes";
    cm.label = "Jury de la bourse initiative jeunes";
    cm.site = g->nmds;
    cm.dates = dates;
    cm.ndates = nd;
    cm.open = bij_open;
    cm.refus_motives = refus;
    if (!g->failed)
        gen_commission_run(g, r, &cm, items, (size_t)total);
    free(items);
    return g->failed ? -1 : 0;
}

int gen_jeunesse(struct gen *g)
{
    static const struct youth_aid aids[] = {
        {"coup_de_pouce_jeunesse", "coup_de_pouce_jeunesse", 12, 24, 50, 500, 5, 5, true, cpj_facts,
         "projet déjà financé par un autre dispositif"},
        {"permis_citoyen", "permis_citoyens", 19, 24, 600, 1200, 0, 4, false, permis_facts,
         "engagement citoyen de 35 heures non accompli"},
        {"sac_ados", "sacs_ados", 17, 24, 0, 0, 0, 3, false, sac_facts,
         "séjour ne répondant pas au cahier des charges du sac ados"},
    };
    struct gen_rng r;

    gen_rng_init(&r, g->o->seed, "jeunesse");
    gen_step(g, "jeunesse");
    for (size_t i = 0; i < ARRAY_SIZE(aids) && !g->failed; i++) {
        const char *figs[] = {aids[i].fig, NULL};
        int64_t n;
        if (!gen_dispositif(g, aids[i].disp, figs))
            continue;
        n = gen_dept(g, aids[i].fig);
        gen_figure(g, aids[i].fig, -1, n);
        if (!g->failed)
            youth_run(g, &r, &aids[i], n);
    }
    if (!g->failed) {
        static const char *const figs[] = {"stages_bafa_bafd", NULL};
        if (gen_dispositif(g, "bafa_bafd", figs)) {
            int64_t n = gen_dept(g, "stages_bafa_bafd"), bafd = n / 10;
            struct youth_aid a = {
                "bafa_bafd", NULL, 18, 24, 200, 600, 0, 4, false, bafa_facts, "stage non habilité"};
            struct youth_aid b = {"bafa_bafd", NULL, 23,    30,         300, 700,
                                  0,           0,    false, bafd_facts, NULL};
            gen_figure(g, "stages_bafa_bafd", -1, n);
            if (!g->failed)
                youth_run(g, &r, &a, n - bafd);
            if (!g->failed)
                youth_run(g, &r, &b, bafd);
        }
    }
    if (!g->failed)
        bij(g, &r);
    return g->failed ? -1 : 0;
}

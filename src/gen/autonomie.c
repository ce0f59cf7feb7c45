/*
 * autonomie.c: the autonomy figures.
 *
 * Prestations opening a right (APA à domicile, ASH, APA en établissement,
 * aide ménagère, accueil de jour): the beneficiaries are the persons whose
 * right is open at least one day in the year; the "demandes" are the
 * decisions (accord or refus) of the year. A stock of rights decided in the
 * three years before, some revised in the year (the old right ends the day
 * before the new one starts: one beneficiary, one demand), some ended in the
 * year; first demands granted or refused in the year; a few still being
 * instructed, a few adjourned first. APA at the MDS of residence, plus a few
 * rights followed by the central direction (the positive gap).
 *
 * PCH and ACTP are decided in commission (CDAPH): monthly sessions per site
 * over the years of the stock. The carte mobilité inclusion is a decision
 * without payment, often for APA beneficiaries in GIR 1 or 2.
 */
#include "core/compat.h"
#include "gen/gen_int.h"

/* Persons granted the APA, with their GIR: the CMI and day care reuse them. */
struct apa_people {
    struct gen_vec persons;
    uint8_t *gir;
    size_t cap;
};

static void apa_keep(struct apa_people *a, int32_t p, int gir)
{
    size_t i = a->persons.n;

    gen_vec_push(&a->persons, p);
    if (i >= a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 1024;
        uint8_t *grown = realloc(a->gir, cap);
        if (!grown)
            die_nomem(cap);
        a->gir = grown;
        a->cap = cap;
    }
    a->gir[i] = (uint8_t)gir;
}

/* The first day every parameter of d has a value (the rules need them all). */
static date_t decidable_from(const struct catalog_dispositif *d)
{
    date_t first = DATE_MIN;

    for (size_t i = 0; i < d->nparams; i++)
        if (d->params[i].nvalues && d->params[i].values[0].from > first)
            first = d->params[i].values[0].from;
    return first;
}

/* ---- prestations with a stock, revisions, first demands ------------------------------- */

struct prest {
    const char *disp;
    int64_t benef[GEN_MAX_MDS + 1]; /* beneficiaries per site (central last) */
    int64_t demandes;               /* decisions accord or refus of the year */
    int refus_pct, new_pct, end_pct, stock_years;
    int age_lo, age_hi;
    int right_years; /* 0: no planned end */
    /* facts of a dossier (accord or refus); gir receives the GIR when there is one */
    json_t *(*facts)(struct gen *g, struct gen_rng *r, bool accord, int *gir);
    struct apa_people *keep;
    const char *refus_motive;
};

static int64_t prest_dossier(struct gen *g, struct gen_rng *r, const struct prest *pr, int site,
                             int32_t p, date_t decide, bool accord, date_t start, date_t end,
                             bool adjourn)
{
    struct gen_flow fl;
    int gir = 0;

    gen_flow_init(&fl);
    fl.open.dispositif = pr->disp;
    fl.open.benef_kind = 'P';
    fl.open.benef = p;
    fl.open.site = site;
    fl.open.date = gen_next_workday(decide - (date_t)gen_rng_range(r, 20, 60));
    fl.open.facts = pr->facts(g, r, accord, &gir);
    fl.decide = decide;
    fl.adjourn = adjourn;
    fl.outcome = accord ? "accord" : "refus";
    fl.motive = accord ? NULL : pr->refus_motive;
    if (accord) {
        int y, m, d;
        date_to_ymd(start, &y, &m, &d);
        fl.right_from = start;
        fl.right_to = pr->right_years ? gen_ymd(y + pr->right_years, m, d) - 1 : GEN_NODATE;
        fl.start = start;
        fl.end = end;
        if (pr->keep)
            apa_keep(pr->keep, p, gir);
    }
    return gen_flow_run(g, r, &fl);
}

static int32_t prest_person(struct gen *g, struct gen_rng *r, const struct prest *pr, int site)
{
    int res = site < g->nmds ? site : gen_mds_pick(g, r);
    char sex = gen_rng_pct(r, 66) ? 'F' : 'M';

    return gen_person_new(g, r, sex, gen_birth(r, g->mid, pr->age_lo, pr->age_hi), res, -1, g->y0,
                          -1, NULL, NULL);
}

static int prest_run(struct gen *g, struct gen_rng *r, const struct prest *pr)
{
    const struct catalog_dispositif *d = catalog_find(g->c->cat, pr->disp);
    int64_t total = 0, R, A, NB, RV;
    int64_t nb[GEN_MAX_MDS + 1], rv[GEN_MAX_MDS + 1], rf[GEN_MAX_MDS + 1];
    size_t ns = (size_t)g->nmds + 1;
    date_t first = decidable_from(d), stock_lo = g->y0 - 365 * pr->stock_years;

    for (size_t s = 0; s < ns; s++)
        total += pr->benef[s];
    R = pr->demandes * pr->refus_pct / 100;
    A = pr->demandes - R;
    NB = A * pr->new_pct / 100;
    if (NB > total)
        NB = total;
    RV = A - NB;
    gen_alloc(NB, pr->benef, ns, nb);
    gen_alloc(RV, pr->benef, ns, rv);
    gen_alloc(R, pr->benef, ns, rf);
    if (first > stock_lo)
        stock_lo = first;
    if (stock_lo > g->y0 - 60 && total > NB) {
        char fr[DATE_ISO_LEN];
        date_format_fr(first, fr);
        return gen_fail(g,
                        "%s : le catalogue n'a de valeur pour tous les paramètres qu'à partir du "
                        "%s : les droits ouverts avant l'année ne peuvent pas être décidés",
                        pr->disp, fr);
    }
    for (size_t s = 0; s < ns && !g->failed; s++) {
        int64_t stock = pr->benef[s] - nb[s];
        if (stock < rv[s])
            return gen_fail(g, "%s : %lld révisions pour %lld droits anciens sur le site %s",
                            pr->disp, (long long)rv[s], (long long)stock, gen_site(g, (int)s));
        /* the stock: rights decided before the year, some revised or ended in it */
        for (int64_t i = 0; i < stock && !g->failed; i++) {
            int32_t p = prest_person(g, r, pr, (int)s);
            date_t dec = gen_workday(r, stock_lo, g->y0 - 30);
            date_t start = dec + (date_t)gen_rng_range(r, 0, 10), end = GEN_NODATE;
            date_t rev = GEN_NODATE;
            if (!p)
                break;
            if (i < rv[s]) {
                rev = gen_workday(r, g->y0 + 10, g->y1 - 10);
                end = rev + (date_t)gen_rng_range(r, 0, 5);
            } else if (gen_rng_pct(r, pr->end_pct)) {
                end = (date_t)gen_rng_range(r, g->y0 + 5, g->y1 - 5);
            }
            if (prest_dossier(g, r, pr, (int)s, p, dec, true, gen_min(start, g->y0 - 1),
                              end == GEN_NODATE ? GEN_NODATE : end - 1, false) == 0)
                break;
            if (rev != GEN_NODATE)
                prest_dossier(g, r, pr, (int)s, p, rev, true, end, GEN_NODATE, false);
        }
        /* first demands of the year, granted */
        for (int64_t i = 0; i < nb[s] && !g->failed; i++) {
            int32_t p = prest_person(g, r, pr, (int)s);
            date_t dec = gen_workday(r, g->y0 + 15, g->y1 - 5);
            if (!p)
                break;
            date_t start = gen_min(dec + (date_t)gen_rng_range(r, 0, 10), g->y1 - 1);
            bool adjourn = gen_rng_pct(r, 2);
            prest_dossier(g, r, pr, (int)s, p, dec, true, start, GEN_NODATE, adjourn);
        }
        /* refused, and still being instructed */
        for (int64_t i = 0; i < rf[s] && !g->failed; i++) {
            int32_t p = prest_person(g, r, pr, (int)s);
            if (p)
                prest_dossier(g, r, pr, (int)s, p, gen_workday(r, g->y0 + 15, g->y1 - 5), false,
                              GEN_NODATE, GEN_NODATE, false);
        }
        for (int64_t i = 0; i < 1 + nb[s] * 3 / 100 && !g->failed; i++) {
            struct gen_flow fl;
            int gir;
            int32_t p = prest_person(g, r, pr, (int)s);
            if (!p)
                break;
            gen_flow_init(&fl);
            fl.open.dispositif = pr->disp;
            fl.open.benef_kind = 'P';
            fl.open.benef = p;
            fl.open.site = (int)s;
            fl.open.date = gen_workday(r, g->y1 - 45, g->y1 - 3);
            fl.open.facts = pr->facts(g, r, true, &gir);
            fl.pieces = gen_rng_pct(r, 40);
            gen_flow_run(g, r, &fl);
        }
    }
    return g->failed ? -1 : 0;
}

/* ---- APA à domicile ----------------------------------------------------------------------- */

static json_t *apa_facts(struct gen *g, struct gen_rng *r, bool accord, int *gir)
{
    static const int64_t w[] = {2, 17, 20, 61};
    static const int64_t cap[] = {180789, 146208, 105657, 70513};
    int64_t plan, part;

    (void)g;
    *gir = accord ? 1 + (int)gen_rng_weighted(r, w, 4) : (int)gen_rng_range(r, 5, 6);
    plan = accord ? cap[*gir - 1] * gen_rng_range(r, 45, 100) / 100 : 0;
    part = plan * gen_rng_range(r, 0, 30) / 100;
    return json_pack("{s:i, s:o, s:o}", "gir", *gir, "montant_plan_aide", gen_json_money(plan),
                     "participation_beneficiaire", gen_json_money(part));
}

static int apa(struct gen *g, struct apa_people *keep)
{
    static const char *const figs[] = {"apa_domicile_beneficiaires", "demandes_apa_domicile", NULL};
    struct gen_rng r;
    const struct catalog_dispositif *d;
    struct prest pr = {0};
    int64_t sum = 0, dept;

    gen_rng_init(&r, g->o->seed, "apa");
    gen_step(g, "APA à domicile");
    if (!(d = gen_dispositif(g, "apa_domicile", figs)))
        return g->failed ? -1 : 0;
    if (decidable_from(d) > g->y0 - 365) {
        char fr[DATE_ISO_LEN];
        date_format_fr(decidable_from(d), fr);
        gen_skip(g, "apa_domicile_beneficiaires",
                 arena_printf(g->a,
                              "les paramètres de l'APA à domicile n'ont de valeur qu'à partir du "
                              "%s : les droits ouverts avant %d ne peuvent pas être décidés",
                              fr, g->year));
        gen_skip(g, "demandes_apa_domicile", "lié aux droits APA ouverts avant l'année");
        return 0;
    }
    for (int m = 0; m < g->nmds; m++) {
        pr.benef[m] = gen_mds_value(g, m, "apa_domicile_beneficiaires");
        gen_figure(g, "apa_domicile_beneficiaires", m, pr.benef[m]);
        sum += pr.benef[m];
    }
    dept = gen_dept(g, "apa_domicile_beneficiaires");
    pr.demandes = gen_dept(g, "demandes_apa_domicile");
    if (g->failed)
        return -1;
    if (dept < sum)
        return gen_fail(g, "APA : le département compte moins de bénéficiaires que ses MDS");
    pr.benef[g->nmds] = dept - sum;
    gen_figure(g, "apa_domicile_beneficiaires", -1, dept);
    gen_figure(g, "demandes_apa_domicile", -1, pr.demandes);
    pr.disp = "apa_domicile";
    pr.refus_pct = 11;
    pr.new_pct = 45;
    pr.end_pct = 15;
    pr.stock_years = 3;
    pr.age_lo = 64; /* 60 at the oldest decision of the stock */
    pr.age_hi = 98;
    pr.facts = apa_facts;
    pr.keep = keep;
    pr.refus_motive = "GIR 5 ou 6 : pas de droit à l'APA, orientation vers l'aide ménagère";
    return prest_run(g, &r, &pr);
}

/* ---- ASH --------------------------------------------------------------------------------------
 */

static const char *const establishments[] = {
    "EHPAD Les Glycines (Arras)",
    "EHPAD Le Clos des Tilleuls (Lens)",
    "EHPAD La Roseraie (Calais)",
    "EHPAD Les Jardins d'Opale (Boulogne-sur-Mer)",
    "EHPAD Saint-Joseph (Saint-Omer)",
    "EHPAD Les Bruyères (Béthune)",
    "Foyer d'accueil médicalisé Les Peupliers (Hénin-Beaumont)",
    "Foyer de vie Le Moulin (Montreuil-sur-Mer)",
    "EHPAD Le Val de Canche (Hesdin)",
};

static json_t *ash_facts(struct gen *g, struct gen_rng *r, bool accord, int *gir)
{
    const char *where = establishments[gen_rng_range(r, 0, ARRAY_SIZE(establishments) - 1)];
    bool away = gen_rng_pct(r, 10);

    (void)g;
    (void)accord;
    *gir = 0;
    return json_pack("{s:s, s:b, s:s, s:b}", "public", "personne_agee", "inapte_travail", 0,
                     "etablissement", where, "hors_departement", away);
}

static int ash(struct gen *g)
{
    static const char *const figs[] = {"ash_beneficiaires", "demandes_ash", NULL};
    struct gen_rng r;
    struct prest pr = {0};

    gen_rng_init(&r, g->o->seed, "ash");
    gen_step(g, "aide sociale à l'hébergement");
    if (!gen_dispositif(g, "ash", figs))
        return g->failed ? -1 : 0;
    pr.benef[g->nmds] = gen_dept(g, "ash_beneficiaires");
    pr.demandes = gen_dept(g, "demandes_ash");
    if (g->failed)
        return -1;
    gen_figure(g, "ash_beneficiaires", -1, pr.benef[g->nmds]);
    gen_figure(g, "demandes_ash", -1, pr.demandes);
    pr.disp = "ash";
    pr.refus_pct = 10;
    pr.new_pct = 75;
    pr.end_pct = 20;
    pr.stock_years = 4;
    pr.age_lo = 70; /* 65 at the oldest decision of the stock */
    pr.age_hi = 99;
    pr.facts = ash_facts;
    pr.refus_motive = "ressources et obligation alimentaire suffisantes pour couvrir les frais";
    return prest_run(g, &r, &pr);
}

/* ---- smaller prestations: decisions of the year only ---------------------------------------- */

/*
 * n decisions of the year (accord or refus) of dispositif disp, plus `extra`
 * accords that do not count (extra_facts), a few pending. Persons from reuse
 * (pct of them) or new ones aged [lo, hi].
 */
struct small {
    const char *disp;
    int64_t n, extra;
    int refus_pct, reuse_pct, lo, hi, site;
    struct apa_people *reuse;
    json_t *(*facts)(struct gen_rng *r, bool accord, bool counted, int gir);
    const char *refus_motive;
    bool right; /* prestation: start a right */
};

static int small_run(struct gen *g, struct gen_rng *r, const struct small *s)
{
    int64_t refused = s->n * s->refus_pct / 100;

    for (int64_t i = 0; i < s->n + s->extra + 1 + s->n / 50 && !g->failed; i++) {
        struct gen_flow fl;
        bool counted = i < s->n, pending = i >= s->n + s->extra, accord = i >= refused;
        int32_t p = 0;
        int gir = 0;
        int m = gen_mds_pick(g, r);
        if (s->reuse && s->reuse->persons.n && gen_rng_pct(r, s->reuse_pct)) {
            size_t k = (size_t)gen_rng_range(r, 0, (int64_t)s->reuse->persons.n - 1);
            p = s->reuse->persons.v[k];
            gir = s->reuse->gir[k];
            m = gen_p(g, p)->mds;
        } else {
            char sex = gen_rng_pct(r, 60) ? 'F' : 'M';
            date_t birth = gen_birth(r, g->mid, s->lo, s->hi);
            p = gen_person_new(g, r, sex, birth, m, -1, g->y0, -1, NULL, NULL);
        }
        if (!p)
            break;
        gen_flow_init(&fl);
        fl.open.dispositif = s->disp;
        fl.open.benef_kind = 'P';
        fl.open.benef = p;
        fl.open.site = s->site >= 0 ? s->site : m;
        fl.open.facts = s->facts(r, accord || pending, counted, gir);
        if (pending) {
            fl.open.date = gen_workday(r, g->y1 - 40, g->y1 - 3);
        } else {
            fl.decide = gen_workday(r, g->y0 + 15, g->y1 - 5);
            fl.open.date = gen_next_workday(fl.decide - (date_t)gen_rng_range(r, 15, 50));
            fl.outcome = accord ? "accord" : "refus";
            fl.motive = accord ? NULL : s->refus_motive;
            if (accord && s->right) {
                fl.start = gen_min(fl.decide + (date_t)gen_rng_range(r, 0, 10), g->y1 - 1);
                fl.right_from = fl.start;
                fl.right_to = fl.start + 364;
            }
        }
        gen_flow_run(g, r, &fl);
    }
    return g->failed ? -1 : 0;
}

static json_t *cmi_facts(struct gen_rng *r, bool accord, bool counted, int gir)
{
    static const char *const mentions[] = {"invalidite", "priorite", "stationnement"};
    int mention = accord ? (int)gen_rng_range(r, 0, 2) : 0;
    json_t *f;

    (void)counted;
    f = json_pack("{s:s, s:b}", "mention", mentions[mention], "beneficiaire_apa_gir_1_2",
                  gir >= 1 && gir <= 2);
    if (!(gir >= 1 && gir <= 2))
        json_object_set_new(
            f, "taux_incapacite",
            json_integer(accord ? gen_rng_range(r, 80, 95) : gen_rng_range(r, 50, 75)));
    return f;
}

static json_t *apa_etab_facts(struct gen_rng *r, bool accord, bool counted, int gir)
{
    int64_t tarif = 100 * gen_rng_range(r, 400, 900);

    (void)gir;
    return json_pack("{s:i, s:b, s:o, s:o}", "gir", accord ? (int)gen_rng_range(r, 1, 4) : 5,
                     "hors_departement", counted, "tarif_dependance", gen_json_money(tarif),
                     "participation_beneficiaire", gen_json_money(tarif / 5));
}

static json_t *menage_facts(struct gen_rng *r, bool accord, bool counted, int gir)
{
    bool menage = gen_rng_pct(r, 70), elderly = gen_rng_pct(r, 85);
    int64_t income = 100 * (accord ? gen_rng_range(r, 600, 900) : gen_rng_range(r, 1000, 1600));
    json_t *f =
        json_pack("{s:s, s:s, s:o}", "type_aide", menage ? "aide_menagere" : "frais_restauration",
                  "public", elderly ? "personne_agee" : "personne_handicapee",
                  "ressources_mensuelles", gen_json_money(income));
    (void)counted;
    (void)gir;
    if (menage)
        json_object_set_new(f, "heures_mensuelles", json_integer(gen_rng_range(r, 8, 30)));
    return f;
}

static json_t *accueil_jour_facts(struct gen_rng *r, bool accord, bool counted, int gir)
{
    bool day = gen_rng_pct(r, 55);
    int days = (int)(day ? gen_rng_range(r, 20, 150) : gen_rng_range(r, 7, 90));
    const char *where = establishments[gen_rng_range(r, 0, ARRAY_SIZE(establishments) - 1)];

    (void)accord;
    (void)counted;
    (void)gir;
    return json_pack("{s:s, s:i, s:s}", "type_accueil",
                     day ? "accueil_de_jour" : "hebergement_temporaire", "nombre_jours", days,
                     "etablissement", where);
}

static int small_prestations(struct gen *g, struct apa_people *apa_people)
{
    struct gen_rng r;
    static const char *const cmi_f[] = {"cartes_mobilite_inclusion", NULL};
    static const char *const etab_f[] = {"demandes_apa_etablissement_hors_departement", NULL};
    static const char *const men_f[] = {"demandes_aide_menagere_restauration", NULL};
    static const char *const aj_f[] = {"demandes_accueil_jour_hebergement_temporaire", NULL};

    gen_rng_init(&r, g->o->seed, "prestations");
    gen_step(g, "CMI, APA en établissement, aide ménagère, accueil de jour");
    if (gen_dispositif(g, "carte_mobilite_inclusion", cmi_f)) {
        struct small s = {"carte_mobilite_inclusion",
                          gen_dept(g, "cartes_mobilite_inclusion"),
                          0,
                          12,
                          30,
                          5,
                          95,
                          g->nmds,
                          apa_people,
                          cmi_facts,
                          "taux d'incapacité inférieur à 80 % pour la mention invalidité",
                          false};
        gen_figure(g, "cartes_mobilite_inclusion", -1, s.n);
        small_run(g, &r, &s);
    }
    if (!g->failed && gen_dispositif(g, "apa_etablissement", etab_f)) {
        int64_t n = gen_dept(g, "demandes_apa_etablissement_hors_departement");
        struct small s = {"apa_etablissement",
                          n,
                          n / 5,
                          8,
                          0,
                          70,
                          99,
                          g->nmds,
                          NULL,
                          apa_etab_facts,
                          "GIR 5 ou 6 : pas de droit à l'APA",
                          true};
        gen_figure(g, "demandes_apa_etablissement_hors_departement", -1, n);
        small_run(g, &r, &s);
    }
    if (!g->failed && gen_dispositif(g, "aide_menagere", men_f)) {
        int64_t n = gen_dept(g, "demandes_aide_menagere_restauration");
        struct small s = {"aide_menagere",
                          n,
                          0,
                          15,
                          0,
                          65,
                          95,
                          -1,
                          NULL,
                          menage_facts,
                          "ressources supérieures au plafond de l'aide sociale",
                          true};
        gen_figure(g, "demandes_aide_menagere_restauration", -1, n);
        small_run(g, &r, &s);
    }
    if (!g->failed && gen_dispositif(g, "accueil_jour_hebergement_temporaire", aj_f)) {
        int64_t n = gen_dept(g, "demandes_accueil_jour_hebergement_temporaire");
        struct small s = {"accueil_jour_hebergement_temporaire",
                          n,
                          0,
                          6,
                          50,
                          62,
                          95,
                          g->nmds,
                          apa_people,
                          accueil_jour_facts,
                          "pas de place disponible dans l'établissement demandé",
                          true};
        gen_figure(g, "demandes_accueil_jour_hebergement_temporaire", -1, n);
        small_run(g, &r, &s);
    }
    return g->failed ? -1 : 0;
}

/* ---- PCH and ACTP, in commission ----------------------------------------------------------------
 */

struct cdaph {
    const char *disp;
    bool actp;
};

static int64_t cdaph_open(struct gen *g, struct gen_rng *r, struct gen_commission *cm,
                          struct gen_citem *it, date_t day)
{
    static const char *const elements[] = {"aide_humaine", "aides_techniques",
                                           "amenagement_logement_vehicule", "charges_specifiques",
                                           "aide_animaliere"};
    static const int64_t w[] = {60, 20, 10, 9, 1};
    struct cdaph *c = cm->ctx;
    struct gen_open o = {0};
    int age = gen_age(gen_p(g, it->ref)->birth, day);

    o.dispositif = c->disp;
    o.benef_kind = 'P';
    o.benef = it->ref;
    o.site = cm->site;
    o.date = day;
    if (c->actp) {
        int rate = (int)gen_rng_range(r, 80, 95);
        int64_t monthly = 100 * gen_rng_range(r, 450, 1150);
        o.facts = json_pack("{s:b, s:i, s:o}", "beneficiaire_avant_2006", 1, "taux_incapacite",
                            rate, "montant_mensuel", gen_json_money(monthly));
    } else {
        const char *element = elements[gen_rng_weighted(r, w, ARRAY_SIZE(w))];
        bool early = age >= 55 || gen_rng_pct(r, 50);
        int64_t monthly = 100 * gen_rng_range(r, 150, 3000);
        o.facts = json_pack("{s:s, s:b, s:o}", "element", element, "handicap_avant_age_limite",
                            early, "montant_mensuel", gen_json_money(monthly));
    }
    return gen_open(g, &o);
}

static const char *const cdaph_refus[] = {
    "critères d'éligibilité à la prestation non remplis",
    "difficulté absolue ou grave non établie",
    NULL,
};

struct cplan {
    struct gen_citem *items;
    size_t n, cap;
};

static struct gen_citem *citem(struct cplan *p)
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
    it->amount = -1;
    it->right_from = it->right_to = it->start = it->end = GEN_NODATE;
    it->not_before = GEN_NODATE;
    return it;
}

/*
 * Beneficiaries per site of a right decided in commission: a stock decided
 * in the sessions of the years before, some ended or renewed in the year,
 * new accords and refusals in the sessions of the year.
 */
static int cdaph_run(struct gen *g, struct gen_rng *r, const char *disp, bool actp,
                     const int64_t *benef, int new_pct, int renew_pct, int end_pct,
                     const char *label)
{
    struct cdaph ctx = {disp, actp};

    for (int s = 0; s <= g->nmds && !g->failed; s++) {
        static const int third[] = {3};
        struct cplan plan = {0};
        struct gen_commission cm = {0};
        date_t *dates;
        size_t nd = gen_session_dates(g->a, g->y0 - 365 * 4, g->y1 - 10, 4, third, 1, &dates);
        int ky = 0, res;
        int64_t fresh = benef[s] * new_pct / 100, renew = benef[s] * renew_pct / 100;
        while (ky < (int)nd && dates[ky] < g->y0)
            ky++;
        if (benef[s] == 0)
            continue;
        for (int64_t i = 0; i < benef[s] && !g->failed; i++) {
            struct gen_citem *it = citem(&plan);
            int32_t p;
            int y, m, d;
            res = s < g->nmds ? s : gen_mds_pick(g, r);
            if (actp) {
                p = gen_person_new(g, r, 0, gen_birth(r, g->mid, 38, 85), res, -1, g->y0, -1, NULL,
                                   NULL);
            } else {
                /* children too, old enough to have been decided for before the year */
                int lo = gen_rng_pct(r, 10) ? (i < fresh ? 3 : 8) : 20;
                int hi = gen_rng_pct(r, 80) ? 59 : 75;
                p = gen_person_new(g, r, 0, gen_birth(r, g->mid, lo, hi), res, -1, g->y0, -1, NULL,
                                   NULL);
            }
            if (!p)
                break;
            it->ref = p;
            it->outcome = GEN_ACCORD;
            if (i < fresh) {
                it->k = (int)gen_rng_range(r, ky, (int64_t)nd - 1);
            } else {
                /* decided before the year; its right (five years) runs into it */
                it->k = (int)gen_rng_range(r, gen_max(0, ky - 44), ky - 1);
            }
            it->start = dates[it->k] + (date_t)gen_rng_range(r, 0, 10);
            if (it->start > g->y1 - 1)
                it->start = g->y1 - 1;
            date_to_ymd(it->start, &y, &m, &d);
            it->right_from = it->start;
            it->right_to = gen_ymd(y + 5, m, d) - 1;
            if (i >= fresh && i < fresh + renew) {
                /* renewed in a session of the year: the old right ends the day before */
                struct gen_citem *next = citem(&plan);
                it = &plan.items[plan.n - 2];
                next->ref = p;
                next->outcome = GEN_ACCORD;
                next->k = (int)gen_rng_range(r, ky, (int64_t)nd - 1);
                next->start = dates[next->k] + (date_t)gen_rng_range(r, 1, 10);
                if (next->start > g->y1 - 1)
                    next->start = g->y1 - 1;
                date_to_ymd(next->start, &y, &m, &d);
                next->right_from = next->start;
                next->right_to = gen_ymd(y + 5, m, d) - 1;
                it->end = next->start - 1;
                if (it->right_to < next->start)
                    it->right_to = next->start - 1;
            } else if (i >= fresh && gen_rng_pct(r, end_pct)) {
                it->end = (date_t)gen_rng_range(r, g->y0 + 5, g->y1 - 5);
            }
        }
        /* refusals of the year */
        for (int64_t i = 0; i < fresh / 6 + 1 && !g->failed; i++) {
            struct gen_citem *it = citem(&plan);
            res = s < g->nmds ? s : gen_mds_pick(g, r);
            it->ref = gen_person_new(g, r, 0, gen_birth(r, g->mid, 20, 59), res, -1, g->y0, -1,
                                     NULL, NULL);
            it->outcome = GEN_REFUS;
            it->k = (int)gen_rng_range(r, ky, (int64_t)nd - 1);
        }
        if (!g->failed && actp) {
            /* ACTP is only renewed: no refusal of a first demand */
            for (size_t i = 0; i < plan.n; i++)
                if (plan.items[i].outcome == GEN_REFUS)
                    plan.items[i].outcome = GEN_SANS_SUITE;
        }
        cm.dispositif = disp;
        cm.label = label;
        cm.site = s;
        cm.dates = dates;
        cm.ndates = nd;
        cm.open = cdaph_open;
        cm.ctx = &ctx;
        cm.refus_motives = cdaph_refus;
        if (!g->failed)
            gen_commission_run(g, r, &cm, plan.items, plan.n);
        free(plan.items);
    }
    return g->failed ? -1 : 0;
}

static int pch(struct gen *g)
{
    static const char *const figs[] = {"pch_beneficiaires", NULL};
    struct gen_rng r;
    int64_t benef[GEN_MAX_MDS + 1], sum = 0, dept;

    gen_rng_init(&r, g->o->seed, "pch");
    gen_step(g, "prestation de compensation du handicap");
    if (!gen_dispositif(g, "pch", figs))
        return g->failed ? -1 : 0;
    for (int m = 0; m < g->nmds; m++) {
        benef[m] = gen_mds_value(g, m, "pch_beneficiaires");
        gen_figure(g, "pch_beneficiaires", m, benef[m]);
        sum += benef[m];
    }
    dept = gen_dept(g, "pch_beneficiaires");
    if (g->failed)
        return -1;
    if (dept < sum)
        return gen_fail(g, "PCH : le département compte moins de bénéficiaires que ses MDS");
    benef[g->nmds] = dept - sum;
    gen_figure(g, "pch_beneficiaires", -1, dept);
    return cdaph_run(g, &r, "pch", false, benef, 18, 6, 10,
                     "Commission des droits et de l'autonomie (CDAPH)");
}

static int actp(struct gen *g)
{
    static const char *const figs[] = {"actp_beneficiaires", NULL};
    struct gen_rng r;
    int64_t benef[GEN_MAX_MDS + 1] = {0};

    gen_rng_init(&r, g->o->seed, "actp");
    gen_step(g, "allocation compensatrice pour tierce personne");
    if (!gen_dispositif(g, "actp", figs))
        return g->failed ? -1 : 0;
    benef[g->nmds] = gen_dept(g, "actp_beneficiaires");
    if (g->failed)
        return -1;
    gen_figure(g, "actp_beneficiaires", -1, benef[g->nmds]);
    return cdaph_run(g, &r, "actp", true, benef, 0, 15, 8,
                     "Commission des droits et de l'autonomie (CDAPH), ACTP");
}

int gen_autonomie(struct gen *g)
{
    struct apa_people people = {0};
    int rc = -1;

    if (apa(g, &people) != 0 || ash(g) != 0 || small_prestations(g, &people) != 0 || pch(g) != 0 ||
        actp(g) != 0)
        goto out;
    {
        static const char *const parts[] = {"demandes_apa_domicile",
                                            "cartes_mobilite_inclusion",
                                            "demandes_apa_etablissement_hors_departement",
                                            "demandes_ash",
                                            "demandes_aide_menagere_restauration",
                                            "demandes_accueil_jour_hebergement_temporaire"};
        int64_t sum = 0;
        bool all = true;
        for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
            bool found = false;
            for (size_t k = 0; k < g->nfigs; k++)
                if (!g->figs[k].area && !strcmp(g->figs[k].code, parts[i])) {
                    sum += g->figs[k].value;
                    found = true;
                }
            all &= found;
        }
        if (all)
            gen_figure(g, "demandes_prestation_instruites", -1, sum);
        else
            gen_skip(g, "demandes_prestation_instruites", "une de ses six composantes manque");
    }
    rc = 0;
out:
    gen_vec_release(&people.persons);
    free(people.gir);
    return rc;
}

/*
 * test_indic.c: the indicator dictionary and engine on a real database.
 *
 * A small 2022 history is built once through the case layer itself
 * (persons, households, dossiers opened, decided, paid; measures and rights
 * started and ended; acts), with the shipped referential, catalogue and
 * dictionary. Each test computes figures and compares them with values
 * worked out by hand in the comments: every kind of definition (decisions by
 * date, distinct persons across two MDS, central sites, rights running in
 * the period, stock at the period's end, average daily stock, sums of a
 * fact, ratios and their rounding, sums of indicators, months), the places
 * (site, territory, MDADT, commune and EPCI of residence), the explanation
 * of a figure, several grids in one pass (the same values as one pass per
 * grid) and what the rows placed in some area give (the same rows as the
 * explanation), and the closing of the year whose frozen figures survive the
 * deletion of the rows behind them, with the definitions they were computed
 * with (whatever the dictionary says later, a year closed before these were
 * frozen, a frozen document that does not match its definition). Other tests
 * check the dictionary's own validation on broken dictionaries and that
 * every definition survives its frozen document.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "case/case.h"
#include "core/file.h"
#include "indic/indic.h"
#include "ref/ref.h"

#include "indic_fx.h"

#define CALAIS   "62193"
#define ARRAS    "62041"
#define BOULOGNE "62160"
#define LENS     "62498"

/* the history's dossiers and acts */
static struct {
    const char *su_calais, *su_central, *su_refused;
    const char *rsa_h1, *rsa_h2_old, *rsa_h2, *rsa_h4, *rsa_h5, *rsa_h6;
    const char *consult_arras1, *consult_arras2, *consult_calais, *bilan_calais;
} H;

/* ---- building the history through the case layer ------------------------- */

static json_t *facts(const char *text)
{
    json_error_t je;
    json_t *v;

    if (!text)
        return NULL;
    v = json_loads(text, 0, &je);
    if (!v)
        fail_msg("bad JSON in test: %s", je.text);
    return v;
}

static const char *person(const char *last, const char *first, const char *birth, const char *sex,
                          const char *commune)
{
    struct case_person_input in = {.last_name = last,
                                   .first_name = first,
                                   .birth_date = birth,
                                   .sex = sex,
                                   .commune = commune,
                                   .address = "1 rue de la Paix",
                                   .date = "2022-01-01"};
    const char *id;

    OK(case_person_create(&F->c, &in, &id, &F->e));
    return id;
}

static const char *household(const char *applicant)
{
    const char *id;

    assert_int_equal(store_begin(F->s, &F->e), 0);
    OK(case_household_create(&F->c, NULL, "Foyer", "2022-01-01", &id, &F->e));
    OK(case_household_add(&F->c, id, applicant, "demandeur", "2022-01-01", &F->e));
    assert_int_equal(store_commit(F->s, &F->e), 0);
    return id;
}

static const char *open_d(const char *dispositif, const char *benef, const char *site,
                          const char *date, const char *facts_text)
{
    struct case_open_input in = {.dispositif = dispositif,
                                 .beneficiary = benef,
                                 .site = site,
                                 .date = date,
                                 .facts = facts(facts_text)};
    const char *id = NULL;

    err_clear(&F->e);
    if (case_dossier_open(&F->c, &in, &id, &F->e) != 0)
        fail_msg("open %s for %s: %s (%s)", dispositif, benef, F->e.message, F->e.detail);
    json_decref(in.facts);
    return id;
}

static void op(const char *id, enum catalog_op o, const char *date)
{
    struct case_op_input in = {.date = date};
    OK(case_dossier_op(&F->c, id, o, &in, &F->e));
}

static void decide(const char *id, const char *outcome, const char *amount, const char *date)
{
    struct case_op_input in = {.date = date,
                               .outcome = outcome,
                               .amount = amount,
                               .motive = strcmp(outcome, "accord") ? "motif du refus" : NULL};
    OK(case_dossier_op(&F->c, id, OP_DECIDER, &in, &F->e));
}

static void pay(const char *id, const char *amount, const char *date)
{
    struct case_op_input in = {.date = date, .amount = amount};
    OK(case_dossier_op(&F->c, id, OP_PAYER, &in, &F->e));
}

static const char *act(const char *dispositif, const char *site, const char *who, const char *date,
                       const char *facts_text)
{
    struct case_act_input in = {.dispositif = dispositif,
                                .site = site,
                                .person = who,
                                .date = date,
                                .facts = facts(facts_text)};
    const char *id;

    OK(case_act_record(&F->c, &in, &id, &F->e));
    json_decref(in.facts);
    return id;
}

/* An RSA right imported with its period (end NULL: still open). */
static const char *rsa(const char *h, const char *site, const char *from, const char *to,
                       const char *sex, const char *first_opened, int covered, int duties)
{
    char buf[512];
    const char *id;

    if (duties >= 0)
        snprintf(buf, sizeof(buf),
                 "{\"organisme\": \"caf\", \"numero_allocataire\": \"%s\", "
                 "\"date_ouverture_droit\": \"%s\", \"soumis_droits_devoirs\": true, "
                 "\"nombre_personnes_couvertes\": %d, \"sexe_allocataire\": \"%s\", "
                 "\"nombre_soumis_droits_devoirs\": %d}",
                 h, first_opened, covered, sex, duties);
    else
        snprintf(buf, sizeof(buf),
                 "{\"organisme\": \"caf\", \"numero_allocataire\": \"%s\", "
                 "\"date_ouverture_droit\": \"%s\", \"soumis_droits_devoirs\": false, "
                 "\"nombre_personnes_couvertes\": %d, \"sexe_allocataire\": \"%s\"}",
                 h, first_opened, covered, sex);
    id = open_d("rsa_droit", h, site, from, buf);
    op(id, OP_DEBUTER_MESURE, from);
    if (to)
        op(id, OP_TERMINER_MESURE, to);
    return id;
}

/* A measure decided and started on from, ended on to (NULL: running). */
static const char *measure(const char *dispositif, const char *benef, const char *site,
                           const char *from, const char *to, const char *facts_text)
{
    const char *id = open_d(dispositif, benef, site, from, facts_text);
    decide(id, "accord", NULL, from);
    op(id, OP_DEBUTER_MESURE, from);
    if (to)
        op(id, OP_TERMINER_MESURE, to);
    return id;
}

/* A prestation (workflow prestation): instructed, granted, right started and ended. */
static const char *prestation(const char *dispositif, const char *benef, const char *from,
                              const char *to, const char *facts_text)
{
    const char *id = open_d(dispositif, benef, NULL, from, facts_text);
    op(id, OP_INSTRUIRE, from);
    decide(id, "accord", NULL, from);
    op(id, OP_DEBUTER_MESURE, from);
    if (to)
        op(id, OP_TERMINER_MESURE, to);
    return id;
}

static const char *su(const char *h, const char *site, const char *opened, const char *outcome,
                      const char *decided, const char *amount)
{
    const char *id = open_d("secours_urgence", h, site, opened,
                            "{\"montant_demande\": \"300.00\", \"besoin\": \"alimentation\"}");
    op(id, OP_INSTRUIRE, opened);
    decide(id, outcome, amount, decided);
    return id;
}

static void build_history(void)
{
    const char *p1 = person("Martin", "Lucie", "1985-04-12", "F", CALAIS);
    const char *p2 = person("Durand", "Marc", "1980-02-01", "M", ARRAS);
    const char *p4 = person("Petit", "Anne", "1975-09-30", "F", CALAIS);
    const char *p5 = person("Roux", "Claire", "1970-01-20", "F", LENS);
    const char *p6 = person("Blanc", "Paul", "1990-05-05", "M", CALAIS);
    const char *p7 = person("Noir", "Léa", "1997-06-15", "F", ARRAS);
    const char *c1 = person("Martin", "Noé", "2020-03-01", "M", CALAIS);
    const char *c2 = person("Petit", "Jade", "2018-10-10", "F", CALAIS);
    const char *k1 = person("Leroy", "Tom", "2012-01-01", "M", CALAIS);
    const char *k2 = person("Leroy", "Eva", "2014-01-01", "F", CALAIS);
    const char *k3 = person("Leroy", "Max", "2010-01-01", "M", CALAIS);
    const char *h1 = household(p1), *h2 = household(p2), *h4 = household(p4);
    const char *h5 = household(p5), *h6 = household(p6);
    const char *o1, *o2, *x;

    /* secours d'urgence: counted by decision date, accords only */
    H.su_calais = su(h1, NULL, "2022-03-01", "accord", "2022-03-03", "250,00");
    pay(H.su_calais, "150", "2022-03-05");
    pay(H.su_calais, "100", "2022-04-20");
    su(h2, "mds:arrageois", "2021-12-20", "accord", "2021-12-28", "100"); /* 2021 */
    H.su_refused = su(h2, NULL, "2022-12-20", "refus", "2022-12-22", NULL);
    su(h2, NULL, "2022-12-28", "accord", "2023-01-05", "100"); /* 2023 */
    H.su_central = su(h1, "central:dsol", "2022-06-10", "accord", "2022-06-11", "100");
    pay(H.su_central, "100", "2022-06-12");

    /* PMI: a child seen at Arras twice and at Calais, another at school in Calais */
    H.consult_arras1 = act("pmi_consultation_enfant", "mds:arrageois", c1, "2022-02-01",
                           "{\"professionnel\": \"medecin\", \"lieu\": \"centre_pmi\"}");
    H.consult_arras2 = act("pmi_consultation_enfant", "mds:arrageois", c1, "2022-02-15",
                           "{\"professionnel\": \"puericultrice\", \"lieu\": \"centre_pmi\"}");
    H.consult_calais = act("pmi_consultation_enfant", "mds:calaisis", c1, "2022-05-10",
                           "{\"professionnel\": \"medecin\", \"lieu\": \"centre_pmi\"}");
    H.bilan_calais = act("pmi_bilan_maternelle", "mds:calaisis", c2, "2022-05-12",
                         "{\"ecole\": \"0620001A\", \"depistage_positif\": false}");
    act("accueil_physique", "mds:arrageois", NULL, "2022-01-10", "{\"motif\": \"information\"}");
    act("accueil_physique", "mds:arrageois", NULL, "2022-01-11", "{\"motif\": \"logement\"}");
    act("accueil_physique", "mds:arrageois", NULL, "2022-03-01", "{\"motif\": \"autre\"}");
    act("accueil_physique", "mds:arrageois", NULL, "2021-12-31", "{\"motif\": \"autre\"}");

    /* RSA rights */
    H.rsa_h1 = rsa(h1, "mds:calaisis", "2021-06-01", "2022-01-15", "F", "2015-03-01", 3, 1);
    H.rsa_h2_old = rsa(h2, "mds:arrageois", "2021-01-01", "2021-12-31", "M", "2021-01-01", 2, -1);
    H.rsa_h2 = rsa(h2, NULL, "2022-12-31", NULL, "M", "2022-12-31", 1, -1);
    H.rsa_h4 = rsa(h4, "mds:calaisis", "2020-01-01", NULL, "F", "2017-12-31", 2, 2);
    H.rsa_h5 = rsa(h5, "central:dsol", "2022-03-01", NULL, "F", "2010-01-01", 4, -1);
    H.rsa_h6 = rsa(h6, NULL, "2022-06-01", "2022-06-30", "M", "2022-06-01", 1, -1);

    /* children placed: two with a foster carer, one in an establishment */
    measure("ase_accueil", k1, "mds:calaisis", "2021-12-10", NULL,
            "{\"mode\": \"assistant_familial\", \"cadre\": \"administratif\"}");
    measure("ase_accueil", k2, NULL, "2022-07-01", "2022-12-31",
            "{\"mode\": \"assistant_familial\", \"cadre\": \"judiciaire\"}");
    measure("ase_accueil", k3, "mds:calaisis", "2021-01-01", NULL,
            "{\"mode\": \"etablissement\", \"cadre\": \"judiciaire\"}");

    /* establishments: places at the end of the period */
    assert_int_equal(store_begin(F->s, &F->e), 0);
    OK(case_organisation_create(&F->c, NULL, "MECS Les Tilleuls", NULL, NULL, ARRAS, "2022-01-01",
                                &o1, &F->e));
    OK(case_organisation_create(&F->c, NULL, "Foyer de l'enfance", NULL, NULL, CALAIS, "2022-01-01",
                                &o2, &F->e));
    assert_int_equal(store_commit(F->s, &F->e), 0);
    prestation("habilitation_etablissement", o1, "2020-02-01", NULL,
               "{\"places\": 40, \"places_internat\": 25}");
    prestation("habilitation_etablissement", o2, "2021-01-01", "2022-06-30",
               "{\"places\": 10, \"places_internat\": 0}");
    prestation("agrement_adoption", h6, "2021-05-01", NULL, NULL);

    /* CMI: an accord and a refusal (both instructed demands) */
    x = open_d("carte_mobilite_inclusion", p5, NULL, "2022-02-01",
               "{\"mention\": \"stationnement\", \"beneficiaire_apa_gir_1_2\": false}");
    op(x, OP_INSTRUIRE, "2022-02-02");
    decide(x, "accord", NULL, "2022-02-10");
    x = open_d("carte_mobilite_inclusion", p2, NULL, "2022-02-01",
               "{\"mention\": \"priorite\", \"beneficiaire_apa_gir_1_2\": false}");
    op(x, OP_INSTRUIRE, "2022-02-02");
    decide(x, "refus", NULL, "2022-02-11");

    /* social clauses: a young RSA beneficiary, then p2 before and after a move */
    act("clause_sociale_embauche", "mds:arrageois", p7, "2022-03-01",
        "{\"beneficiaire_rsa\": true}");
    act("clause_sociale_embauche", "mds:arrageois", p2, "2022-03-01", NULL);
    OK(case_person_move(&F->c, p2, BOULOGNE, "3 quai Gambetta", "2022-06-01", &F->e));
    act("clause_sociale_embauche", "mds:boulonnais", p2, "2022-08-01",
        "{\"beneficiaire_rsa\": false}");
}

static int group_setup(void **state)
{
    fx_open("2023-06-30");
    build_history();
    *state = F;
    return 0;
}

/* ---- reading figures ------------------------------------------------------------ */

static struct indic_result compute(const char *grid)
{
    struct indic_result r;

    OK(indic_compute(F->s, &F->dict, &F->cat, 2022, grid, &F->a, &r, &F->e));
    return r;
}

/* value of code in area ("departement" for the total) and month (0: the year) */
static int64_t V(const struct indic_result *r, const char *code, const char *area, int month)
{
    size_t k = indic_result_index(r, code), a = indic_result_area(r, area);

    if (k == SIZE_MAX)
        fail_msg("no indicator %s", code);
    if (a == SIZE_MAX)
        fail_msg("no area %s in grid %s", area, r->grid);
    return indic_value(r, k, a, month);
}

#define D INDIC_DEPARTEMENT

/* ---- the tests ---------------------------------------------------------------------- */

static void test_dictionary_shipped(void **state)
{
    /* every figure of the reference tables, plus the numerators of the ratios */
    assert_int_equal(F->dict.ndefs, 82);
    assert_non_null(indic_find(&F->dict, "rsa_allocataires"));
    assert_non_null(indic_find(&F->dict, "etp"));
    assert_int_equal(indic_find(&F->dict, "etp")->unit, UNIT_DECIMAL);
    assert_int_equal(indic_find(&F->dict, "etp")->scale, 2);
    assert_int_equal(indic_find(&F->dict, "demandes_prestation_instruites")->source, SRC_SOMME);
    assert_true(indic_find(&F->dict, "foyers_rsa_plus_5_ans")->condition_dated);
    assert_false(indic_find(&F->dict, "acces_emploi_clauses_brsa")->condition_dated);
    for (size_t i = 0; i < F->dict.ndefs; i++)
        assert_true(strlen(F->dict.defs[i].definition) > 40);
}

static void test_decisions_by_date(void **state)
{
    struct indic_result r = compute("mds");

    /* accords decided in 2022: Calais (March), central (June); not the 2021 or 2023
       accords, not the refusal */
    assert_int_equal(V(&r, "su_accordes", "calaisis", 0), 1);
    assert_int_equal(V(&r, "su_accordes", "arrageois", 0), 0);
    assert_int_equal(V(&r, "su_accordes", D, 0), 2);
    /* months */
    assert_int_equal(V(&r, "su_accordes", "calaisis", 3), 1);
    assert_int_equal(V(&r, "su_accordes", "calaisis", 6), 0);
    assert_int_equal(V(&r, "su_accordes", D, 6), 1);
    assert_int_equal(V(&r, "su_accordes", D, 12), 0);
    /* amounts paid: 150 + 100 at Calais, 100 centrally; 100 in April */
    assert_int_equal(V(&r, "su_montant", "calaisis", 0), 25000);
    assert_int_equal(V(&r, "su_montant", D, 0), 35000);
    assert_int_equal(V(&r, "su_montant", "calaisis", 4), 10000);
    /* a sum of indicators: the other three aids are 0 */
    assert_int_equal(V(&r, "aides_financieres_montant", D, 0), 35000);
    assert_int_equal(V(&r, "aides_financieres_montant", "calaisis", 3), 15000);
    /* accord or refusal: both CMI demands; the sum of the six demands */
    assert_int_equal(V(&r, "cartes_mobilite_inclusion", D, 0), 2);
    assert_int_equal(V(&r, "cartes_mobilite_inclusion", D, 2), 2);
    assert_int_equal(V(&r, "demandes_prestation_instruites", D, 0), 2);
    assert_int_equal(V(&r, "demandes_prestation_instruites", "calaisis", 0), 0);
}

static void test_central_site_counts_in_departement_only(void **state)
{
    struct indic_result t = compute("territoire"), m = compute("mdadt");
    int64_t sum = 0;

    for (size_t a = 0; a < t.nareas; a++)
        sum += indic_value(&t, indic_result_index(&t, "su_accordes"), a, 0);
    assert_int_equal(sum, 1);
    assert_int_equal(V(&t, "su_accordes", "calaisis", 0), 1);
    assert_int_equal(V(&t, "su_accordes", D, 0), 2);
    /* the MDS of Calais is in the territory of the MDADT of Calais */
    assert_int_equal(V(&m, "su_accordes", "calaisis", 0), 1);
    assert_int_equal(V(&m, "su_accordes", D, 0), 2);
}

static void test_distinct_persons_across_two_mds(void **state)
{
    struct indic_result r = compute("mds"), t = compute("territoire");

    /* c1 seen twice at Arras and once at Calais; c2 at school in Calais */
    assert_int_equal(V(&r, "pmi_enfants_vus", "arrageois", 0), 1);
    assert_int_equal(V(&r, "pmi_enfants_vus", "calaisis", 0), 2);
    assert_int_equal(V(&r, "pmi_enfants_vus", D, 0), 2);
    assert_int_equal(V(&r, "enfants_vus_consultation", "arrageois", 0), 1);
    assert_int_equal(V(&r, "enfants_vus_consultation", "calaisis", 0), 1);
    assert_int_equal(V(&r, "enfants_vus_consultation", D, 0), 1);
    assert_int_equal(V(&r, "bilans_sante_ecole_maternelle", D, 0), 1);
    /* two visits in February, one child */
    assert_int_equal(V(&r, "enfants_vus_consultation", "arrageois", 2), 1);
    assert_int_equal(V(&r, "pmi_enfants_vus", "calaisis", 5), 2);
    assert_int_equal(V(&r, "pmi_enfants_vus", D, 3), 0);
    assert_int_equal(V(&t, "pmi_enfants_vus", "arrageois", 0), 1);
    /* anonymous acts: every visit counts, in its month */
    assert_int_equal(V(&r, "accueils_physiques", "arrageois", 0), 3);
    assert_int_equal(V(&r, "accueils_physiques", "arrageois", 1), 2);
    assert_int_equal(V(&r, "accueils_physiques", D, 3), 1);
}

static void test_rights_running_in_the_period(void **state)
{
    struct indic_result r = compute("mds");

    /* Calais: h1 (ends 15 January), h4 (open), h6 (June); Arras: h2's new right opened on
       31 December (its 2021 right does not count); h5 is followed centrally */
    assert_int_equal(V(&r, "rsa_allocataires", "calaisis", 0), 3);
    assert_int_equal(V(&r, "rsa_allocataires", "arrageois", 0), 1);
    assert_int_equal(V(&r, "rsa_allocataires", "lens-lievin", 0), 0);
    assert_int_equal(V(&r, "rsa_allocataires", D, 0), 5);
    assert_int_equal(V(&r, "foyers_rsa", D, 0), 5);
    assert_int_equal(V(&r, "foyers_rsa", "calaisis", 0), 3);
    /* months: January h1 + h4, February h4, June h4 + h6, December h4 (+ h2 at Arras) */
    assert_int_equal(V(&r, "rsa_allocataires", "calaisis", 1), 2);
    assert_int_equal(V(&r, "rsa_allocataires", "calaisis", 2), 1);
    assert_int_equal(V(&r, "rsa_allocataires", "calaisis", 6), 2);
    assert_int_equal(V(&r, "rsa_allocataires", "calaisis", 12), 1);
    assert_int_equal(V(&r, "rsa_allocataires", "arrageois", 11), 0);
    assert_int_equal(V(&r, "rsa_allocataires", "arrageois", 12), 1);
    assert_int_equal(V(&r, "rsa_allocataires", D, 3), 2); /* h4 and h5 */
    /* sums of an integer fact over the rights: 3 + 1 + 2 + 4 + 1; absent counts 0 */
    assert_int_equal(V(&r, "personnes_couvertes_rsa", D, 0), 11);
    assert_int_equal(V(&r, "personnes_couvertes_rsa", "calaisis", 0), 6);
    assert_int_equal(V(&r, "beneficiaires_droits_devoirs", D, 0), 3);
    assert_int_equal(V(&r, "beneficiaires_droits_devoirs", "calaisis", 2), 2);
}

static void test_ratios(void **state)
{
    struct indic_result r = compute("mds");

    /* women: h1, h4 of Calais' three households: 66.67 %; département 3 of 5 */
    assert_int_equal(V(&r, "foyers_rsa_femmes", "calaisis", 0), 2);
    assert_int_equal(V(&r, "foyers_rsa_part_femmes", "calaisis", 0), 6667);
    assert_int_equal(V(&r, "foyers_rsa_part_femmes", D, 0), 6000);
    assert_int_equal(V(&r, "foyers_rsa_part_femmes", "arrageois", 0), 0);
    /* no household: not defined */
    assert_int_equal(V(&r, "foyers_rsa_part_femmes", "ternois", 0), INDIC_UNDEFINED);
    /* first opened at least 5 years before the period's end: h1 (2015), h4 (31/12/2017 at
       31/12/2022), h5 (2010): 3 of 5; in January h4 is only 4 years in: h1 of h1, h4 */
    assert_int_equal(V(&r, "foyers_rsa_plus_5_ans", D, 0), 3);
    assert_int_equal(V(&r, "foyers_rsa_part_plus_5_ans", D, 0), 6000);
    assert_int_equal(V(&r, "foyers_rsa_part_plus_5_ans", "calaisis", 0), 6667);
    assert_int_equal(V(&r, "foyers_rsa_plus_5_ans", "calaisis", 1), 1);
    assert_int_equal(V(&r, "foyers_rsa_part_plus_5_ans", "calaisis", 1), 5000);
    /* orientations: none, so every share is not defined */
    assert_int_equal(V(&r, "orientations_part_pole_emploi", D, 0), INDIC_UNDEFINED);
    /* rounding half away from zero */
    assert_int_equal(indic_div_round(5, 2), 3);
    assert_int_equal(indic_div_round(-5, 2), -3);
    assert_int_equal(indic_div_round(2, 3), 1);
    assert_int_equal(indic_div_round(1, 3), 0);
    assert_int_equal(indic_div_round(549, 365), 2);
}

static void test_stocks(void **state)
{
    struct indic_result r = compute("mds");

    /* foster care: k1 all year (365 days) + k2 from 1 July (184 days) = 549 / 365 = 1.5 -> 2;
       July: 31 + 31 days / 31 = 2; June: 30 / 30 = 1; k3 is in an establishment */
    assert_int_equal(V(&r, "enfants_accueillis_assistants_familiaux", D, 0), 2);
    assert_int_equal(V(&r, "enfants_accueillis_assistants_familiaux", "calaisis", 0), 2);
    assert_int_equal(V(&r, "enfants_accueillis_assistants_familiaux", D, 6), 1);
    assert_int_equal(V(&r, "enfants_accueillis_assistants_familiaux", D, 7), 2);
    assert_int_equal(V(&r, "ase_beneficiaires_accueil", "calaisis", 0), 3);
    /* places at the period's end: o1 (40, internat 25) still authorised on 31/12; o2 (10)
       until 30 June: counted at the end of June, not of July */
    assert_int_equal(V(&r, "places_etablissements", D, 0), 40);
    assert_int_equal(V(&r, "places_internat", D, 0), 25);
    assert_int_equal(V(&r, "places_etablissements", D, 6), 50);
    assert_int_equal(V(&r, "places_etablissements", D, 7), 40);
    /* central dossiers: in no MDS */
    assert_int_equal(V(&r, "places_etablissements", "arrageois", 0), 0);
    assert_int_equal(V(&r, "agrements_adoption", D, 0), 1);
    assert_int_equal(V(&r, "agrements_adoption", D, 4), 1);
}

static void test_conditions_and_residence(void **state)
{
    struct indic_result r = compute("mds"), c = compute("commune"), e = compute("epci");

    /* three hires; one of an RSA beneficiary; one under 26 on the act's date (p7, 24) */
    assert_int_equal(V(&r, "acces_emploi_clauses_sociales", D, 0), 3);
    assert_int_equal(V(&r, "acces_emploi_clauses_brsa", D, 0), 1);
    assert_int_equal(V(&r, "acces_emploi_clauses_moins_26", D, 0), 1);
    assert_int_equal(V(&r, "acces_emploi_clauses_sociales", "arrageois", 0), 2);
    /* by commune of residence on the act's date: p2 lived in Arras in March, in Boulogne
       in August */
    assert_int_equal(V(&c, "acces_emploi_clauses_sociales", ARRAS, 0), 2);
    assert_int_equal(V(&c, "acces_emploi_clauses_sociales", BOULOGNE, 0), 1);
    assert_int_equal(V(&c, "acces_emploi_clauses_sociales", BOULOGNE, 3), 0);
    assert_int_equal(V(&c, "acces_emploi_clauses_sociales", D, 0), 3);
    assert_int_equal(V(&e, "acces_emploi_clauses_sociales", "200033579", 0), 2); /* CU d'Arras */
    /* by commune, the central secours of h1 counts at its applicant's commune */
    assert_int_equal(V(&c, "su_accordes", CALAIS, 0), 2);
    /* anonymous acts have no commune: département only */
    assert_int_equal(V(&c, "accueils_physiques", ARRAS, 0), 0);
    assert_int_equal(V(&c, "accueils_physiques", D, 0), 3);
    /* a single area for the département grid */
    {
        struct indic_result d = compute("departement");
        assert_int_equal(d.nareas, 1);
        assert_int_equal(V(&d, "su_accordes", "62", 0), 2);
        assert_int_equal(V(&d, "su_accordes", D, 0), 2);
    }
}

static void test_site_facts(void **state)
{
    struct indic_result r = compute("mds"), t = compute("territoire");

    assert_int_equal(V(&r, "agents", "arrageois", 0), 172);
    assert_int_equal(V(&r, "etp", "arrageois", 0), 16268);
    assert_int_equal(V(&r, "etp", "ternois", 0), 4623);
    assert_int_equal(V(&r, "agents", D, 0), 172 + 275 + 140 + 187 + 168 + 185 + 247 + 116 + 49);
    /* recorded on 31/12: no value at the end of November */
    assert_int_equal(V(&r, "agents", "arrageois", 11), INDIC_UNDEFINED);
    assert_int_equal(V(&r, "agents", "arrageois", 12), 172);
    /* a territory sums its MDS */
    assert_int_equal(V(&t, "agents", "lens-henin", 0), 185 + 247);
}

static void test_explain(void **state)
{
    const char **ids;
    size_t n;

    OK(indic_explain(F->s, &F->dict, &F->cat, "su_accordes", 2022, 0, "mds", NULL, &F->a, &ids, &n,
                     &F->e));
    assert_int_equal(n, 2);
    assert_true((!strcmp(ids[0], H.su_calais) && !strcmp(ids[1], H.su_central)) ||
                (!strcmp(ids[1], H.su_calais) && !strcmp(ids[0], H.su_central)));
    OK(indic_explain(F->s, &F->dict, &F->cat, "su_accordes", 2022, 0, "mds", "calaisis", &F->a,
                     &ids, &n, &F->e));
    assert_int_equal(n, 1);
    assert_string_equal(ids[0], H.su_calais);
    OK(indic_explain(F->s, &F->dict, &F->cat, "su_accordes", 2022, 3, "mds", "arrageois", &F->a,
                     &ids, &n, &F->e));
    assert_int_equal(n, 0);
    /* acts: both February visits at Arras */
    OK(indic_explain(F->s, &F->dict, &F->cat, "pmi_enfants_vus", 2022, 2, "mds", "arrageois", &F->a,
                     &ids, &n, &F->e));
    assert_int_equal(n, 2);
    /* a ratio: the rights behind its numerator and denominator at Calais */
    OK(indic_explain(F->s, &F->dict, &F->cat, "foyers_rsa_part_femmes", 2022, 0, "mds", "calaisis",
                     &F->a, &ids, &n, &F->e));
    assert_int_equal(n, 3);
    err_clear(&F->e);
    assert_int_equal(indic_explain(F->s, &F->dict, &F->cat, "su_accordes", 2022, 0, "mds",
                                   "nulle-part", &F->a, &ids, &n, &F->e),
                     -1);
    assert_int_equal(F->e.code, ERR_NOT_FOUND);
    assert_non_null(strstr(F->e.message, "nulle-part"));
}

/* ---- several grids in one pass, rows placed in some area -------------------------- */

static bool distinct_measure(const struct indic_def *d)
{
    return d->measure == MEASURE_DISTINCT_PERSONNE || d->measure == MEASURE_DISTINCT_FOYER ||
           d->measure == MEASURE_DISTINCT_BENEFICIAIRE;
}

static void test_grids_in_one_pass(void **state)
{
    struct indic_result all[8], one;
    struct indic_placed placed[8];
    const char *twice[] = {"mds", "commune", "mds"}, *unknown[] = {"mds", "canton"};
    size_t n = 0;

    while (indic_grids[n])
        n++;
    assert_true(n <= 8);
    OK(indic_compute_grids(F->s, &F->dict, &F->cat, 2022, indic_grids, n, &F->a, all, placed,
                           &F->e));
    /* exactly what one pass per grid gives, value by value */
    for (size_t i = 0; i < n; i++) {
        one = compute(indic_grids[i]);
        assert_string_equal(all[i].grid, indic_grids[i]);
        assert_int_equal(all[i].nareas, one.nareas);
        assert_int_equal(all[i].ndefs, one.ndefs);
        for (size_t a = 0; a < one.nareas; a++)
            assert_string_equal(all[i].area_codes[a], one.area_codes[a]);
        assert_memory_equal(all[i].values, one.values,
                            one.ndefs * (one.nareas + 1) * INDIC_MONTHS * sizeof(int64_t));
        assert_non_null(placed[i].values);
        assert_non_null(placed[i].unplaced_rows);
    }
    /* placed may be NULL; the grids are checked */
    OK(indic_compute_grids(F->s, &F->dict, &F->cat, 2022, indic_grids + 1, 2, &F->a, all, NULL,
                           &F->e));
    assert_string_equal(all[1].grid, indic_grids[2]);
    err_clear(&F->e);
    assert_int_equal(
        indic_compute_grids(F->s, &F->dict, &F->cat, 2022, twice, 3, &F->a, all, NULL, &F->e), -1);
    assert_int_equal(F->e.code, ERR_INVALID);
    assert_non_null(strstr(F->e.message, "deux fois"));
    err_clear(&F->e);
    assert_int_equal(
        indic_compute_grids(F->s, &F->dict, &F->cat, 2022, unknown, 2, &F->a, all, NULL, &F->e),
        -1);
    assert_non_null(strstr(F->e.message, "canton"));
    err_clear(&F->e);
    assert_int_equal(
        indic_compute_grids(F->s, &F->dict, &F->cat, 2022, unknown, 0, &F->a, all, NULL, &F->e),
        -1);
}

/* Rows of def counted for the département and in no area of grid (month 0), by indic_explain. */
static int64_t unplaced_by_explain(const struct indic_result *r, const char *code)
{
    const char **all, **area;
    size_t nall, narea;
    int64_t unplaced = 0;
    bool *placed;

    OK(indic_explain(F->s, &F->dict, &F->cat, code, 2022, 0, r->grid, NULL, &F->a, &all, &nall,
                     &F->e));
    placed = arena_calloc(&F->a, nall ? nall : 1, sizeof(*placed));
    for (size_t a = 0; a < r->nareas; a++) {
        OK(indic_explain(F->s, &F->dict, &F->cat, code, 2022, 0, r->grid, r->area_codes[a], &F->a,
                         &area, &narea, &F->e));
        for (size_t i = 0; i < narea; i++)
            for (size_t j = 0; j < nall; j++)
                placed[j] |= !strcmp(area[i], all[j]);
    }
    for (size_t j = 0; j < nall; j++)
        unplaced += !placed[j];
    return unplaced;
}

static void test_rows_placed_in_some_area(void **state)
{
    const char *grids[] = {"mds", "territoire", "commune"};
    struct indic_result r[3];
    struct indic_placed p[3];
    size_t su, pmi;

    OK(indic_compute_grids(F->s, &F->dict, &F->cat, 2022, grids, 3, &F->a, r, p, &F->e));
    su = indic_result_index(&r[0], "su_accordes");
    pmi = indic_result_index(&r[0], "pmi_enfants_vus");
    /* the secours of Calais is in an MDS, the central direction's in none */
    assert_int_equal(indic_value(&r[0], su, r[0].nareas, 0), 2);
    assert_int_equal(indic_placed_value(&p[0], su, 0), 1);
    assert_int_equal(indic_unplaced_rows(&p[0], su, 0), 1);
    assert_int_equal(indic_placed_value(&p[1], su, 0), 1);
    /* c1 seen at Arras and at Calais, c2 at Calais: 3 in the MDS, 2 placed, 2 in the département */
    assert_int_equal(indic_placed_value(&p[0], pmi, 0), 2);
    assert_int_equal(indic_unplaced_rows(&p[0], pmi, 0), 0);
    assert_int_equal(indic_placed_value(&p[0], pmi, 3), 0);

    for (size_t g = 0; g < 3; g++) {
        for (size_t k = 0; k < F->dict.ndefs; k++) {
            const struct indic_def *def = &F->dict.defs[k];
            if (def->source > SRC_ACTES)
                continue;
            for (int m = 0; m < INDIC_MONTHS; m++) {
                int64_t sum = 0, dep = indic_value(&r[g], k, r[g].nareas, m),
                        pl = indic_placed_value(&p[g], k, m);
                for (size_t a = 0; a < r[g].nareas; a++)
                    sum += indic_value(&r[g], k, a, m);
                /* a row counts in one area at most: additive figures add up */
                if (!distinct_measure(def) && def->date != DATE_STOCK_MOYEN)
                    assert_int_equal(pl, sum);
                /* a distinct figure over the placed rows: at most the département's */
                if (distinct_measure(def)) {
                    assert_true(pl <= dep);
                    assert_true(pl <= sum);
                }
                assert_true(indic_unplaced_rows(&p[g], k, m) >= 0);
            }
            /* the rows in no area, as indic_explain tells them row by row */
            if (g < 2 && (distinct_measure(def) || k == su))
                assert_int_equal(indic_unplaced_rows(&p[g], k, 0),
                                 unplaced_by_explain(&r[g], def->code));
        }
    }
}

static void test_close_year_freezes(void **state)
{
    struct indic_result before = compute("mds"), com = compute("commune"), after, frozen;
    bool closed;
    struct store_stmt *q;
    const char *dels[] = {"DELETE FROM act", "DELETE FROM payment", "DELETE FROM decision",
                          "DELETE FROM dossier_step", "DELETE FROM dossier"};

    OK(indic_frozen(F->s, 2022, "mds", &F->a, &frozen, &closed, &F->e));
    assert_false(closed);
    OK(indic_close_year(F->s, &F->dict, &F->cat, 2022, "statisticien", &F->e));
    err_clear(&F->e);
    assert_int_equal(indic_close_year(F->s, &F->dict, &F->cat, 2022, "statisticien", &F->e), -1);
    assert_int_equal(F->e.code, ERR_CONFLICT);
    assert_non_null(strstr(F->e.message, "déjà close"));
    /* the journal says so */
    q = store_prepare(F->s,
                      "SELECT COUNT(*) FROM journal WHERE type = 'indic.year_closed' "
                      "AND subject = '2022' AND actor = 'statisticien'",
                      &F->e);
    assert_non_null(q);
    assert_int_equal(store_step(q, &F->e), STORE_ROW);
    assert_int_equal(store_column_int64(q, 0), 1);
    store_finalize(q);

    /* the personal data behind the figures goes */
    for (size_t i = 0; i < ARRAY_SIZE(dels); i++) {
        q = store_prepare(F->s, dels[i], &F->e);
        assert_non_null(q);
        OK(store_step_done(q, &F->e));
    }
    after = compute("mds");
    assert_int_equal(V(&after, "su_accordes", D, 0), 0);
    assert_int_equal(V(&after, "rsa_allocataires", "calaisis", 0), 0);

    /* the frozen figures stay, every value of every month */
    OK(indic_frozen(F->s, 2022, "mds", &F->a, &frozen, &closed, &F->e));
    assert_true(closed);
    assert_int_equal(frozen.ndefs, before.ndefs);
    assert_int_equal(frozen.nareas, before.nareas);
    for (size_t k = 0; k < before.ndefs; k++) {
        assert_string_equal(frozen.codes[k], before.codes[k]);
        assert_int_equal(frozen.versions[k], 1);
        for (size_t a = 0; a <= before.nareas; a++)
            for (int m = 0; m < INDIC_MONTHS; m++)
                if (indic_value(&frozen, k, a, m) != indic_value(&before, k, a, m))
                    fail_msg("%s area %zu month %d: frozen %lld, computed %lld", before.codes[k], a,
                             m, (long long)indic_value(&frozen, k, a, m),
                             (long long)indic_value(&before, k, a, m));
    }
    assert_int_equal(V(&frozen, "su_accordes", D, 0), 2);
    assert_int_equal(V(&frozen, "foyers_rsa_part_femmes", "ternois", 0), INDIC_UNDEFINED);
    OK(indic_frozen(F->s, 2022, "commune", &F->a, &frozen, &closed, &F->e));
    assert_int_equal(frozen.nareas, com.nareas);
    assert_int_equal(V(&frozen, "acces_emploi_clauses_sociales", BOULOGNE, 0), 1);
    assert_int_equal(V(&frozen, "su_accordes", CALAIS, 0), 2);
    /* frozen means final */
    q = store_prepare(F->s, "UPDATE indicator_value SET value = 0 WHERE year = 2022", &F->e);
    assert_non_null(q);
    err_clear(&F->e);
    assert_int_equal(store_step_done(q, &F->e), -1);
    /* a year not over cannot be closed */
    err_clear(&F->e);
    assert_int_equal(indic_close_year(F->s, &F->dict, &F->cat, 2999, "x", &F->e), -1);
    assert_int_equal(F->e.code, ERR_CONFLICT);
}

static void sql(const char *text)
{
    struct store_stmt *q;

    err_clear(&F->e);
    q = store_prepare(F->s, text, &F->e);
    if (!q)
        fail_msg("%s: %s", text, F->e.message);
    OK(store_step_done(q, &F->e));
}

/* What the calculation of def says today. */
static const char *describe(const struct indic_def *def)
{
    struct strbuf sb;
    const char *r;

    strbuf_init(&sb, 0);
    indic_describe(def, &F->cat, &sb);
    r = arena_strdup(&F->a, sb.buf);
    strbuf_release(&sb);
    return r;
}

/* Runs after test_close_year_freezes: 2022 is closed, its rows deleted. */
static void test_closed_year_keeps_its_definitions(void **state)
{
    struct indic_dict fz, later;
    struct indic_def *defs;
    const struct indic_def *su;
    const char *text, *change;
    bool closed;
    struct indic_close_doc doc = {"rapport/rapport.json", "{\"version\": 1}"};

    (void)state;
    /* the definitions frozen with 2022 are today's, with the words of then */
    OK(indic_dict_frozen(F->s, 2022, &F->dict, &fz, &closed, &F->e));
    assert_true(closed);
    assert_int_equal(fz.frozen_year, 2022);
    assert_int_equal(fz.ndefs, F->dict.ndefs);
    for (size_t k = 0; k < fz.ndefs; k++) {
        const struct indic_def *a = &fz.defs[k], *b = &F->dict.defs[k];
        assert_string_equal(a->code, b->code);
        assert_string_equal(a->label, b->label);
        assert_string_equal(a->definition, b->definition);
        assert_int_equal(a->version, b->version);
        assert_int_equal(a->source, b->source);
        assert_int_equal(a->measure, b->measure);
        assert_string_equal(a->calculation, describe(b));
        assert_string_equal(describe(a), describe(b));
        assert_null(indic_def_change(a, &F->dict, &F->a));
    }
    indic_dict_release(&fz);

    /* the dictionary changes after the closing: a new version of su_accordes, and
       su_montant leaves it */
    defs = arena_calloc(&F->a, F->dict.ndefs, sizeof(*defs));
    memset(&later, 0, sizeof(later));
    for (size_t k = 0; k < F->dict.ndefs; k++) {
        if (strcmp(F->dict.defs[k].code, "su_montant") == 0)
            continue;
        defs[later.ndefs] = F->dict.defs[k];
        if (strcmp(defs[later.ndefs].code, "su_accordes") == 0) {
            defs[later.ndefs].version = 2;
            defs[later.ndefs].definition = "Nouvelle définition des secours, après la clôture.";
            defs[later.ndefs].measure = MEASURE_DISTINCT_PERSONNE;
        }
        later.ndefs++;
    }
    later.defs = defs;
    OK(indic_dict_frozen(F->s, 2022, &later, &fz, &closed, &F->e));
    su = indic_find(&fz, "su_accordes");
    assert_non_null(su);
    assert_int_equal(su->version, 1);
    assert_int_equal(su->measure, MEASURE_NOMBRE);
    assert_string_equal(su->definition, indic_find(&F->dict, "su_accordes")->definition);
    change = indic_def_change(su, &later, &F->a);
    assert_non_null(change);
    assert_string_equal(change, "définition modifiée depuis la clôture : version 1 à la clôture, "
                                "version 2 aujourd'hui");
    change = indic_def_change(indic_find(&fz, "su_montant"), &later, &F->a);
    assert_non_null(change);
    assert_non_null(strstr(change, "retiré du dictionnaire"));
    assert_null(indic_def_change(indic_find(&fz, "rsa_allocataires"), &later, &F->a));
    assert_null(indic_def_change(su, NULL, &F->a));
    indic_dict_release(&fz);

    /* an open year has no frozen definitions, nor documents */
    OK(indic_dict_frozen(F->s, 2020, &F->dict, &fz, &closed, &F->e));
    assert_false(closed);
    assert_int_equal(fz.ndefs, 0);
    indic_dict_release(&fz);
    OK(indic_frozen_document(F->s, 2022, "rapport/rapport.json", &F->a, &text, &F->e));
    assert_null(text);

    /* documents frozen with a year, final like its figures; a second closing is refused */
    OK(indic_close_year_docs(F->s, &F->dict, &F->cat, 2023, "statisticien", &doc, 1, &F->e));
    OK(indic_frozen_document(F->s, 2023, "rapport/rapport.json", &F->a, &text, &F->e));
    assert_non_null(text);
    assert_string_equal(text, doc.text);
    err_clear(&F->e);
    assert_int_equal(
        indic_close_year_docs(F->s, &F->dict, &F->cat, 2023, "statisticien", &doc, 1, &F->e), -1);
    assert_int_equal(F->e.code, ERR_CONFLICT);
    assert_non_null(strstr(F->e.message, "ne peut pas être close une seconde fois"));
    {
        const char *finals[] = {"DELETE FROM year_closed_document",
                                "UPDATE year_closed_document SET content = '{}'",
                                "DELETE FROM indicator_definition_document",
                                "UPDATE indicator_definition_document SET document = '{}'"};
        for (size_t i = 0; i < ARRAY_SIZE(finals); i++) {
            struct store_stmt *q = store_prepare(F->s, finals[i], &F->e);
            assert_non_null(q);
            err_clear(&F->e);
            if (store_step_done(q, &F->e) != -1)
                fail_msg("%s: the frozen documents changed", finals[i]);
        }
    }
}

/* A year closed before migration 7: frozen texts, structure borrowed at the same version. */
static void test_year_closed_before_documents(void **state)
{
    struct indic_dict fz;
    const struct indic_def *su, *old;
    bool closed;

    (void)state;
    sql("INSERT INTO year_closed(year, closed_at, actor) VALUES (2019, 0, 'ancien')");
    sql("INSERT INTO indicator_definition(year, code, position, version, label, section, unit, "
        "scale, definition, calculation) VALUES "
        "(2019, 'su_accordes', 0, 1, 'Secours accordés (2019)', 'insertion', 'nombre', 0, "
        "'Les secours accordés en 2019, comptés à la date de décision.', 'Source : 2019'), "
        "(2019, 'ancien_montant', 1, 3, 'Ancien montant', 'insertion', 'EUR', 0, "
        "'Un montant que le dictionnaire ne définit plus.', 'Source : paiements de 2019')");
    OK(indic_dict_frozen(F->s, 2019, &F->dict, &fz, &closed, &F->e));
    assert_true(closed);
    assert_int_equal(fz.ndefs, 2);
    su = indic_find(&fz, "su_accordes");
    assert_string_equal(su->label, "Secours accordés (2019)");
    assert_string_equal(describe(su), "Source : 2019");
    assert_int_equal(su->source, SRC_DECISIONS); /* same version: today's structure */
    old = indic_find(&fz, "ancien_montant");
    assert_int_equal(old->unit, UNIT_EUR);
    assert_int_equal(old->source, SRC_SOMME);
    assert_int_equal(old->nterms, 0);
    assert_string_equal(describe(old), "Source : paiements de 2019");
    assert_non_null(strstr(indic_def_change(old, &F->dict, &F->a), "retiré"));
    indic_dict_release(&fz);

    /* a document that does not match its definition is told */
    sql("INSERT INTO year_closed(year, closed_at, actor) VALUES (2018, 0, 'ancien')");
    sql("INSERT INTO indicator_definition(year, code, position, version, label, section, unit, "
        "scale, definition, calculation) VALUES (2018, 'accueils_physiques', 0, 2, 'Accueils', "
        "'mds', 'nombre', 0, 'Les accueils physiques de l''année.', 'Source : actes')");
    {
        const char *docs = indic_def_document(indic_find(&F->dict, "accueils_physiques"), &F->a);
        struct store_stmt *q = store_prepare(F->s,
                                             "INSERT INTO indicator_definition_document(year, "
                                             "code, document) VALUES (2018, ?, ?)",
                                             &F->e);
        assert_non_null(q);
        store_bind_text(q, 1, "accueils_physiques");
        store_bind_text(q, 2, docs);
        OK(store_step_done(q, &F->e));
    }
    err_clear(&F->e);
    assert_int_equal(indic_dict_frozen(F->s, 2018, &F->dict, &fz, &closed, &F->e), -1);
    assert_int_equal(F->e.code, ERR_TAMPERED);
    assert_non_null(strstr(F->e.message, "accueils_physiques"));
    assert_int_equal(fz.ndefs, 0);
}

/* Every shipped definition, written as a document and read back, is the same definition. */
static void test_definition_documents(void **state)
{
    const char **docs = arena_calloc(&F->a, F->dict.ndefs, sizeof(*docs));
    struct indic_dict d;
    size_t conditions = 0, filters = 0;
    struct err e;

    (void)state;
    for (size_t k = 0; k < F->dict.ndefs; k++)
        docs[k] = indic_def_document(&F->dict.defs[k], &F->a);
    OK(indic_dict_load_documents(&d, docs, F->dict.ndefs, "test", &F->e));
    assert_int_equal(d.ndefs, F->dict.ndefs);
    for (size_t k = 0; k < d.ndefs; k++) {
        const struct indic_def *a = &d.defs[k], *b = &F->dict.defs[k];
        assert_string_equal(indic_def_document(a, &F->a), docs[k]);
        assert_string_equal(a->code, b->code);
        assert_string_equal(a->file, b->file);
        assert_int_equal(a->unit, b->unit);
        assert_int_equal(a->scale, b->scale);
        assert_int_equal(a->date, b->date);
        assert_int_equal(a->place, b->place);
        assert_int_equal(a->ndispositifs, b->ndispositifs);
        assert_int_equal(a->nterms, b->nterms);
        assert_memory_equal(a->outcomes, b->outcomes, sizeof(a->outcomes));
        assert_int_equal(a->nfilters, b->nfilters);
        for (size_t f = 0; f < a->nfilters; f++) {
            assert_string_equal(a->filters[f].fact, b->filters[f].fact);
            assert_int_equal(a->filters[f].nvalues, b->filters[f].nvalues);
            for (size_t v = 0; v < a->filters[f].nvalues; v++)
                assert_string_equal(a->filters[f].values[v], b->filters[f].values[v]);
            filters++;
        }
        assert_null(a->condition); /* kept as text, never compiled */
        if (b->condition) {
            assert_string_equal(a->condition_text, rules_expr_source(b->condition));
            conditions++;
        }
        assert_null(a->calculation);
        assert_string_equal(describe(a), describe(b));
    }
    assert_true(conditions > 0 && filters > 0); /* the round trip saw both */
    indic_dict_release(&d);

    /* checked like a dictionary file */
    docs[0] = "{\"code\": \"x_y\", \"inconnue\": 1}";
    err_clear(&e);
    assert_int_equal(indic_dict_load_documents(&d, docs, 1, "définitions figées", &e), -1);
    assert_non_null(strstr(e.message, "définitions figées"));
    assert_non_null(strstr(e.message, "inconnue"));
    docs[0] = "{\"code\": \"part\", \"libelle\": \"Part\", \"section\": \"annexe\", "
              "\"unite\": \"pourcent\", \"version\": 1, \"definition\": \"Une part de deux "
              "indicateurs figés.\", \"source\": \"rapport\", \"numerateur\": \"a\", "
              "\"denominateur\": \"b\"}";
    err_clear(&e);
    assert_int_equal(indic_dict_load_documents(&d, docs, 1, "définitions figées", &e), -1);
    assert_non_null(strstr(e.message, "indicateur inconnu « a »"));
}

/* ---- the dictionary's validation ------------------------------------------------ */

/* Load a dictionary made of one file name.json holding text; expect an error with words. */
static void expect_dict_error(const char *name, const char *text, const char *words)
{
    char dir[TMPDIR_PATH_MAX], path[TMPDIR_PATH_MAX + 64];
    struct indic_dict d;
    struct err e;

    tmpdir_make(dir);
    snprintf(path, sizeof(path), "%s/%s.json", dir, name);
    err_clear(&e);
    assert_int_equal(file_write_atomic(path, text, strlen(text), &e), 0);
    err_clear(&e);
    if (indic_dict_load(&d, dir, &F->cat, &e) == 0)
        fail_msg("dictionary accepted, expected « %s »:\n%s", words, text);
    if (!strstr(e.message, words))
        fail_msg("got « %s », expected « %s »", e.message, words);
    assert_int_equal(e.code, ERR_INVALID);
    assert_non_null(strstr(e.message, name));
    indic_dict_release(&d);
    tmpdir_remove(dir);
}

#define DEF(extra)                                                                                 \
    "{\"indicateurs\": [{\"code\": \"x\", \"libelle\": \"X\", \"section\": \"t\", "                \
    "\"unite\": \"nombre\", \"version\": 1, \"definition\": \"Nombre de choses comptées "         \
    "ici.\", " extra "}]}"

static void test_dictionary_errors(void **state)
{
    expect_dict_error("t",
                      DEF("\"source\": \"actes\", \"dispositifs\": [\"accueil_physique\"], "
                          "\"mesure\": \"nombre\", \"date\": \"acte\", \"lieux\": \"site\""),
                      "clé inconnue");
    expect_dict_error("u",
                      DEF("\"source\": \"actes\", \"dispositifs\": [\"accueil_physique\"], "
                          "\"mesure\": \"nombre\", \"date\": \"acte\""),
                      "section « t » différente");
    expect_dict_error("t",
                      DEF("\"source\": \"actes\", \"dispositifs\": [\"accueil_physiqu\"], "
                          "\"mesure\": \"nombre\", \"date\": \"acte\""),
                      "dispositif inconnu « accueil_physiqu »");
    expect_dict_error("t",
                      DEF("\"source\": \"decisions\", \"dispositifs\": [\"fsl\"], "
                          "\"faits\": {\"volets\": [\"eau\"]}, \"mesure\": \"nombre\", "
                          "\"date\": \"decision\""),
                      "fait « volets » absent");
    expect_dict_error("t",
                      DEF("\"source\": \"decisions\", \"dispositifs\": [\"fsl\"], "
                          "\"faits\": {\"volet\": [\"piscine\"]}, \"mesure\": \"nombre\", "
                          "\"date\": \"decision\""),
                      "hors des choix");
    expect_dict_error("t",
                      DEF("\"source\": \"actes\", \"dispositifs\": [\"pmi_bilan_maternelle\"], "
                          "\"condition\": \"age(personne.date_naissance) < 6\", "
                          "\"mesure\": \"nombre\", \"date\": \"acte\""),
                      "condition");
    expect_dict_error("t",
                      DEF("\"source\": \"actes\", \"dispositifs\": [\"accueil_physique\"], "
                          "\"mesure\": \"distinct_personne\", \"date\": \"acte\""),
                      "distinct_personne sans personne");
    expect_dict_error("t",
                      DEF("\"source\": \"decisions\", \"dispositifs\": [\"fsl\"], "
                          "\"mesure\": \"nombre\", \"date\": \"paiement\""),
                      "« decision » attendu");
    expect_dict_error("t",
                      DEF("\"source\": \"rapport\", \"numerateur\": \"y\", "
                          "\"denominateur\": \"z\""),
                      "« pourcent »");
    expect_dict_error("t", DEF("\"source\": \"somme\", \"somme_de\": [\"y\"]"),
                      "indicateur inconnu « y »");
    expect_dict_error("t",
                      "{\"indicateurs\": ["
                      "{\"code\": \"a\", \"libelle\": \"A\", \"section\": \"t\", "
                      "\"unite\": \"nombre\", \"version\": 1, \"definition\": \"La somme "
                      "de b, qui dépend de a.\", \"source\": \"somme\", \"somme_de\": [\"b\"]},"
                      "{\"code\": \"b\", \"libelle\": \"B\", \"section\": \"t\", "
                      "\"unite\": \"nombre\", \"version\": 1, \"definition\": \"La somme "
                      "de a, qui dépend de b.\", \"source\": \"somme\", \"somme_de\": [\"a\"]}"
                      "]}",
                      "circulaire");
    expect_dict_error("t",
                      "{\"indicateurs\": ["
                      "{\"code\": \"a\", \"libelle\": \"A\", \"section\": \"t\", "
                      "\"unite\": \"nombre\", \"version\": 1, \"definition\": \"Nombre "
                      "d'accueils physiques.\", \"source\": \"actes\", \"dispositifs\": "
                      "[\"accueil_physique\"], \"mesure\": \"nombre\", \"date\": \"acte\"},"
                      "{\"code\": \"a\", \"libelle\": \"A\", \"section\": \"t\", "
                      "\"unite\": \"nombre\", \"version\": 1, \"definition\": \"Nombre "
                      "d'accueils physiques.\", \"source\": \"actes\", \"dispositifs\": "
                      "[\"accueil_physique\"], \"mesure\": \"nombre\", \"date\": \"acte\"}"
                      "]}",
                      "déjà défini");
    expect_dict_error("t",
                      "{\"indicateurs\": [{\"code\": \"x\", \"libelle\": \"X\", \"section\": "
                      "\"t\", \"unite\": \"nombre\", \"version\": 1, \"definition\": \"x\", "
                      "\"source\": \"actes\", \"dispositifs\": [\"accueil_physique\"], "
                      "\"mesure\": \"nombre\", \"date\": \"acte\"}]}",
                      "définition trop courte");
    expect_dict_error("t",
                      DEF("\"source\": \"dossiers\", \"dispositifs\": [\"rsa_droit\"], "
                          "\"mesure\": \"somme_fait\", \"fait_somme\": \"organisme\", "
                          "\"date\": \"droit_ouvert\""),
                      "n'est pas un fait entier");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dictionary_shipped),
        cmocka_unit_test(test_decisions_by_date),
        cmocka_unit_test(test_central_site_counts_in_departement_only),
        cmocka_unit_test(test_distinct_persons_across_two_mds),
        cmocka_unit_test(test_rights_running_in_the_period),
        cmocka_unit_test(test_ratios),
        cmocka_unit_test(test_stocks),
        cmocka_unit_test(test_conditions_and_residence),
        cmocka_unit_test(test_site_facts),
        cmocka_unit_test(test_explain),
        cmocka_unit_test(test_grids_in_one_pass),
        cmocka_unit_test(test_rows_placed_in_some_area),
        cmocka_unit_test(test_dictionary_errors),
        cmocka_unit_test(test_definition_documents),
        /* last: it deletes the rows behind the figures */
        cmocka_unit_test(test_close_year_freezes),
        cmocka_unit_test(test_closed_year_keeps_its_definitions),
        cmocka_unit_test(test_year_closed_before_documents),
    };
    return cmocka_run_group_tests(tests, group_setup, fx_close);
}

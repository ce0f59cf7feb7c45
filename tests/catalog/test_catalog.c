/*
 * test_catalog.c: the shipped catalogue (data/catalogue) loads and holds the
 * dispositifs, workflows and roles the Département needs, with the right
 * nature, data class and site rule; dated parameters switch value on their
 * date; workflows allow and refuse the right operations to the right roles;
 * rules evaluate as intended; and every check of the loader fires on a
 * small broken catalogue with a message naming file, object, field, value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "catalog/catalog.h"

#include "../store/tmpdir.h"

#ifndef PROXIMA_DATADIR
#define PROXIMA_DATADIR "data"
#endif

static struct catalog cat; /* the shipped catalogue, loaded once */

static int load_real(void **state)
{
    struct err e;

    err_clear(&e);
    if (catalog_load(&cat, PROXIMA_DATADIR "/catalogue", &e) != 0) {
        err_print(&e, stderr);
        return -1;
    }
    return 0;
}

static int release_real(void **state)
{
    catalog_release(&cat);
    return 0;
}

static date_t day(const char *iso)
{
    date_t d;
    struct err e;

    if (date_parse_iso(iso, strlen(iso), &d, &e) != 0)
        abort();
    return d;
}

static const struct catalog_dispositif *get(const char *code)
{
    const struct catalog_dispositif *d = catalog_find(&cat, code);

    if (!d)
        fail_msg("dispositif absent du catalogue : %s", code);
    return d;
}

/* ---- the shipped catalogue ---- */

struct expected {
    const char *code;
    enum catalog_nature nature;
    enum data_class cls;
    enum catalog_site_rule site;
    enum catalog_beneficiary benef;
    const char *workflow; /* NULL for acts */
    bool commission;
};

static const struct expected expected[] = {
    /* insertion and housing */
    {"rsa_droit", NATURE_DOSSIER, CLASS_SOCIAL, SITE_MDS_RESIDENCE, BENEF_FOYER, "droit_importe",
     false},
    {"rsa_orientation", NATURE_DOSSIER, CLASS_SOCIAL, SITE_MDS_RESIDENCE, BENEF_PERSONNE,
     "decision", false},
    {"rsa_cer", NATURE_MESURE, CLASS_SOCIAL, SITE_MDS_RESIDENCE, BENEF_PERSONNE, "mesure", false},
    {"secours_urgence", NATURE_DOSSIER, CLASS_SOCIAL, SITE_MDS_RESIDENCE, BENEF_FOYER, "secours",
     false},
    {"aide_financiere_personnalisee", NATURE_DOSSIER, CLASS_SOCIAL, SITE_MDS_RESIDENCE, BENEF_FOYER,
     "aide_commission", true},
    {"fonds_aide_jeunes", NATURE_DOSSIER, CLASS_SOCIAL, SITE_MDS_RESIDENCE, BENEF_PERSONNE,
     "aide_commission", true},
    {"coup_de_pouce_competence", NATURE_DOSSIER, CLASS_SOCIAL, SITE_MDS_RESIDENCE, BENEF_PERSONNE,
     "aide_commission", true},
    {"fsl", NATURE_DOSSIER, CLASS_SOCIAL, SITE_MDS_RESIDENCE, BENEF_FOYER, "aide_commission", true},
    {"asll", NATURE_MESURE, CLASS_SOCIAL, SITE_MDS_RESIDENCE, BENEF_FOYER, "mesure", false},
    {"aml", NATURE_MESURE, CLASS_SOCIAL, SITE_MDS_RESIDENCE, BENEF_FOYER, "mesure", false},
    {"contrat_aide", NATURE_MESURE, CLASS_SOCIAL, SITE_CENTRAL, BENEF_PERSONNE, "mesure", false},
    /* autonomy */
    {"apa_domicile", NATURE_DOSSIER, CLASS_SOCIAL, SITE_MDS_RESIDENCE, BENEF_PERSONNE, "prestation",
     false},
    {"apa_etablissement", NATURE_DOSSIER, CLASS_SOCIAL, SITE_CENTRAL, BENEF_PERSONNE, "prestation",
     false},
    {"pch", NATURE_DOSSIER, CLASS_SOCIAL, SITE_MDS_RESIDENCE, BENEF_PERSONNE,
     "prestation_commission", true},
    {"actp", NATURE_DOSSIER, CLASS_SOCIAL, SITE_CENTRAL, BENEF_PERSONNE, "prestation_commission",
     true},
    {"ash", NATURE_DOSSIER, CLASS_SOCIAL, SITE_CENTRAL, BENEF_PERSONNE, "prestation", false},
    {"aide_menagere", NATURE_DOSSIER, CLASS_SOCIAL, SITE_MDS_RESIDENCE, BENEF_PERSONNE,
     "prestation", false},
    {"accueil_jour_hebergement_temporaire", NATURE_DOSSIER, CLASS_SOCIAL, SITE_CENTRAL,
     BENEF_PERSONNE, "prestation", false},
    {"carte_mobilite_inclusion", NATURE_DOSSIER, CLASS_SOCIAL, SITE_CENTRAL, BENEF_PERSONNE,
     "decision", false},
    /* child and family */
    {"afase", NATURE_DOSSIER, CLASS_CHILD, SITE_MDS_RESIDENCE, BENEF_FOYER, "aide", false},
    {"ase_accueil", NATURE_MESURE, CLASS_CHILD, SITE_MDS_RESIDENCE, BENEF_PERSONNE, "mesure",
     false},
    {"aed", NATURE_MESURE, CLASS_CHILD, SITE_MDS_RESIDENCE, BENEF_PERSONNE, "mesure", false},
    {"aemo", NATURE_MESURE, CLASS_CHILD, SITE_MDS_RESIDENCE, BENEF_PERSONNE, "mesure", false},
    {"tisf", NATURE_MESURE, CLASS_CHILD, SITE_MDS_RESIDENCE, BENEF_FOYER, "mesure", false},
    {"aesf", NATURE_MESURE, CLASS_CHILD, SITE_MDS_RESIDENCE, BENEF_FOYER, "mesure", false},
    {"agbf", NATURE_MESURE, CLASS_CHILD, SITE_MDS_RESIDENCE, BENEF_FOYER, "mesure", false},
    {"asap", NATURE_MESURE, CLASS_CHILD, SITE_MDS_RESIDENCE, BENEF_FOYER, "mesure", false},
    /* PMI acts */
    {"pmi_consultation_enfant", NATURE_ACTE, CLASS_HEALTH, SITE_AGENT, BENEF_PERSONNE, NULL, false},
    {"pmi_bilan_maternelle", NATURE_ACTE, CLASS_HEALTH, SITE_AGENT, BENEF_PERSONNE, NULL, false},
    {"cpef_consultation", NATURE_ACTE, CLASS_HEALTH, SITE_AGENT, BENEF_AUCUN, NULL, false},
    {"cpef_entretien_conseil_conjugal", NATURE_ACTE, CLASS_HEALTH, SITE_AGENT, BENEF_AUCUN, NULL,
     false},
    {"pmi_suivi_prenatal", NATURE_ACTE, CLASS_HEALTH, SITE_AGENT, BENEF_PERSONNE, NULL, false},
    /* youth */
    {"coup_de_pouce_jeunesse", NATURE_DOSSIER, CLASS_NONE, SITE_CENTRAL, BENEF_PERSONNE, "aide",
     false},
    {"permis_citoyen", NATURE_DOSSIER, CLASS_NONE, SITE_CENTRAL, BENEF_PERSONNE, "aide", false},
    {"bafa_bafd", NATURE_DOSSIER, CLASS_NONE, SITE_CENTRAL, BENEF_PERSONNE, "aide", false},
    {"sac_ados", NATURE_DOSSIER, CLASS_NONE, SITE_CENTRAL, BENEF_PERSONNE, "decision", false},
    {"bourse_initiative_jeunes", NATURE_DOSSIER, CLASS_NONE, SITE_CENTRAL, BENEF_PERSONNE,
     "aide_commission", true},
    /* reception */
    {"accueil_physique", NATURE_ACTE, CLASS_NONE, SITE_AGENT, BENEF_AUCUN, NULL, false},
    {"accueil_telephonique", NATURE_ACTE, CLASS_NONE, SITE_AGENT, BENEF_AUCUN, NULL, false},
    /* complements.json: what the 2022 report needs (docs/design/rapport-2022.md) */
    {"action_insertion", NATURE_ACTE, CLASS_SOCIAL, SITE_AGENT, BENEF_PERSONNE, NULL, false},
    {"retour_emploi", NATURE_ACTE, CLASS_SOCIAL, SITE_AGENT, BENEF_PERSONNE, NULL, false},
    {"clause_sociale_embauche", NATURE_ACTE, CLASS_SOCIAL, SITE_AGENT, BENEF_PERSONNE, NULL, false},
    {"emploi_assistant_familial", NATURE_MESURE, CLASS_SOCIAL, SITE_CENTRAL, BENEF_PERSONNE,
     "mesure", false},
    {"agrement_adoption", NATURE_DOSSIER, CLASS_CHILD, SITE_CENTRAL, BENEF_FOYER, "prestation",
     false},
    {"habilitation_etablissement", NATURE_DOSSIER, CLASS_NONE, SITE_CENTRAL, BENEF_ORGANISATION,
     "prestation", false},
    {"naissance_sous_secret", NATURE_ACTE, CLASS_CHILD, SITE_CENTRAL, BENEF_AUCUN, NULL, false},
    {"admission_pupille", NATURE_DOSSIER, CLASS_CHILD, SITE_CENTRAL, BENEF_PERSONNE, "decision",
     false},
};

static void test_dispositifs_present(void **state)
{
    for (size_t i = 0; i < ARRAY_SIZE(expected); i++) {
        const struct expected *x = &expected[i];
        const struct catalog_dispositif *d = get(x->code);
        if (d->nature != x->nature || d->data_class != x->cls || d->site_rule != x->site ||
            d->beneficiary != x->benef || d->commission != x->commission)
            fail_msg("%s : nature %s, classe %s, site %s, bénéficiaire %s, commission %d", x->code,
                     catalog_nature_code(d->nature), catalog_class_code(d->data_class),
                     catalog_site_rule_code(d->site_rule), catalog_beneficiary_code(d->beneficiary),
                     d->commission);
        if (x->workflow) {
            assert_non_null(d->workflow);
            assert_string_equal(d->workflow->code, x->workflow);
        } else {
            assert_null(d->workflow);
        }
        assert_non_null(d->file);
        assert_string_equal(d->pacte, !strcmp(d->politique, "jeunesse") ? "reussites_citoyennes"
                                                                        : "solidarites_humaines");
    }
    assert_int_equal(cat.ndispositifs, ARRAY_SIZE(expected));
    assert_int_equal(cat.nroles, 12);
}

static void test_every_dispositif_is_sound(void **state)
{
    for (size_t i = 0; i < cat.ndispositifs; i++) {
        const struct catalog_dispositif *d = &cat.dispositifs[i];
        if (d->nature != NATURE_ACTE)
            assert_true(d->nreferences > 0);
        for (size_t k = 0; k < d->nparams; k++)
            for (size_t v = 0; v < d->params[k].nvalues; v++)
                assert_true(d->params[k].values[v].reference[0] != '\0');
        for (size_t k = 0; k < d->neligibility; k++) {
            assert_int_equal(rules_expr_type(d->eligibility[k].expr), RULES_BOOL);
            assert_true(d->eligibility[k].message[0] != '\0');
        }
        if (d->amount)
            assert_int_equal(rules_expr_type(d->amount), RULES_MONEY);
    }
}

static void test_facts(void **state)
{
    const struct catalog_dispositif *d = get("rsa_droit");
    const struct catalog_fact *f;

    assert_non_null(catalog_fact(d, "date_ouverture_droit"));
    assert_int_equal(catalog_fact(d, "date_ouverture_droit")->type, RULES_DATE);
    assert_int_equal(catalog_fact(d, "soumis_droits_devoirs")->type, RULES_BOOL);
    f = catalog_fact(d, "nombre_personnes_couvertes");
    assert_int_equal(f->type, RULES_INT);
    assert_true(f->has_min && f->min == 1);
    f = catalog_fact(d, "sexe_allocataire");
    assert_int_equal(f->nchoices, 2);
    assert_null(catalog_fact(d, "inexistant"));

    f = catalog_fact(get("rsa_orientation"), "orientation");
    assert_int_equal(f->nchoices, 3);
    assert_string_equal(f->choices[0], "sociale");
    assert_string_equal(f->choices[1], "professionnelle");
    assert_string_equal(f->choices[2], "pole_emploi");

    assert_int_equal(catalog_fact(get("aed"), "renforcee")->type, RULES_BOOL);
    assert_true(catalog_fact(get("aemo"), "renforcee")->required);
    f = catalog_fact(get("ase_accueil"), "mode");
    assert_int_equal(f->nchoices, 4);
    f = catalog_fact(get("fsl"), "volet");
    assert_int_equal(f->nchoices, 6);
    assert_string_equal(catalog_choice_label(f, "acces_non_identifie"),
                        "Accès au logement (non identifié, recevable)");
    assert_null(catalog_choice_label(f, "inconnu"));
    assert_null(catalog_choice_label(catalog_fact(get("fsl"), "montant_demande"), "x"));
    f = catalog_fact(get("accueil_physique"), "motif");
    assert_true(f->required && f->nchoices > 3);
    f = catalog_fact(get("secours_urgence"), "montant_demande");
    assert_int_equal(f->type, RULES_MONEY);
    assert_true(f->has_min && f->min == 1 && f->has_max && f->max == 500000);
}

/*
 * Every choice and every eligibility condition of the shipped catalogue has
 * its French label.
 */
static void test_choice_labels_complete(void **state)
{
    (void)state;
    assert_string_equal(get("secours_urgence")->eligibility[0].label,
                        "Montant demandé dans la limite du plafond fixé par le RDAS");
    for (size_t i = 0; i < cat.ndispositifs; i++) {
        for (size_t k = 0; k < cat.dispositifs[i].neligibility; k++)
            if (!cat.dispositifs[i].eligibility[k].label)
                fail_msg("%s : condition %zu sans libellé", cat.dispositifs[i].code, k + 1);
        for (size_t k = 0; k < cat.dispositifs[i].nfacts; k++) {
            const struct catalog_fact *f = &cat.dispositifs[i].facts[k];
            for (size_t c = 0; c < f->nchoices; c++)
                if (!catalog_choice_label(f, f->choices[c]))
                    fail_msg("%s.%s : pas de libellé pour « %s »", cat.dispositifs[i].code, f->code,
                             f->choices[c]);
        }
    }
}

static void test_workflows(void **state)
{
    static const char *const required[] = {"aide",       "secours", "aide_commission",
                                           "prestation", "mesure",  "droit_importe"};
    const struct catalog_workflow *w;

    for (size_t i = 0; i < ARRAY_SIZE(required); i++) {
        w = catalog_workflow(&cat, required[i]);
        assert_non_null(w);
        assert_true(w->nfinal > 0);
        assert_non_null(catalog_state_label(w, w->initial));
        for (size_t k = 0; k < w->ntransitions; k++) {
            if (w->transitions[k].op != OP_DECIDER)
                continue;
            assert_non_null(w->transitions[k].to_outcome[OUTCOME_ACCORD]);
            assert_non_null(w->transitions[k].to_outcome[OUTCOME_REFUS]);
        }
    }
    w = catalog_workflow(&cat, "mesure");
    assert_true(catalog_workflow_has_op(w, OP_DEBUTER_MESURE));
    assert_true(catalog_workflow_has_op(w, OP_TERMINER_MESURE));
    assert_true(catalog_workflow_has_op(catalog_workflow(&cat, "aide"), OP_PAYER));
    assert_true(
        catalog_workflow_has_op(catalog_workflow(&cat, "aide_commission"), OP_INSCRIRE_COMMISSION));
    assert_false(catalog_workflow_has_op(catalog_workflow(&cat, "aide"), OP_INSCRIRE_COMMISSION));
    assert_string_equal(catalog_state_label(catalog_workflow(&cat, "aide"), "accorde"), "Accordé");
    assert_null(catalog_state_label(catalog_workflow(&cat, "aide"), "inexistant"));
    assert_null(catalog_workflow(&cat, "inexistant"));
}

/* ---- parameters ---- */

static void assert_money_at(const struct catalog_dispositif *d, const char *param, const char *iso,
                            int64_t cents)
{
    struct rules_value v;
    const char *ref = NULL;
    struct err e;

    err_clear(&e);
    if (catalog_param_at(d, param, day(iso), &v, &ref, &e) != 0)
        fail_msg("%s.%s au %s : %s", d->code, param, iso, e.message);
    assert_int_equal(v.type, RULES_MONEY);
    assert_int_equal(v.u.i, cents);
    assert_non_null(ref);
    assert_true(ref[0] != '\0');
}

static void test_param_at(void **state)
{
    const struct catalog_dispositif *d = get("aide_menagere");
    struct rules_value v;
    const char *ref = NULL;
    struct err e;

    assert_money_at(d, "plafond_ressources", "2021-04-01", 90681);
    assert_money_at(d, "plafond_ressources", "2022-03-31", 90681);
    assert_money_at(d, "plafond_ressources", "2022-04-01", 91678);
    assert_money_at(d, "plafond_ressources", "2022-06-30", 91678);
    assert_money_at(d, "plafond_ressources", "2022-07-01", 95345);
    assert_money_at(d, "plafond_ressources", "2030-01-01", 96108);

    /* before the first value: nothing in force */
    err_clear(&e);
    assert_int_equal(catalog_param_at(d, "plafond_ressources", day("2021-03-31"), &v, &ref, &e),
                     -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_non_null(strstr(e.message, "aucune valeur en vigueur au 31/03/2021"));
    assert_non_null(strstr(e.detail, "01/04/2021"));
    /* unknown parameter */
    err_clear(&e);
    assert_int_equal(catalog_param_at(d, "plafond", day("2022-01-01"), &v, NULL, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_non_null(strstr(e.message, "« plafond »"));

    d = get("apa_domicile");
    assert_money_at(d, "plafond_gir1", "2022-12-31", 180789);
    assert_money_at(d, "plafond_gir1", "2023-01-01", 191404);
    err_clear(&e);
    assert_int_equal(catalog_param_at(d, "age_minimum", day("2022-06-01"), &v, &ref, &e), 0);
    assert_int_equal(v.type, RULES_INT);
    assert_int_equal(v.u.i, 60);
    assert_non_null(strstr(ref, "L. 232-1"));
    assert_int_equal(catalog_param_at(d, "gir_maximum", day("2022-06-01"), &v, &ref, &e), 0);
    assert_int_equal(v.u.i, 4);
    assert_non_null(strstr(ref, "R. 232-4"));

    d = get("fonds_aide_jeunes");
    assert_int_equal(catalog_param_at(d, "age_minimum", day("2022-06-01"), &v, &ref, &e), 0);
    assert_int_equal(v.u.i, 18);
    assert_non_null(strstr(ref, "L. 263-3"));
    assert_int_equal(catalog_param_at(d, "age_maximum", day("2022-06-01"), &v, &ref, &e), 0);
    assert_int_equal(v.u.i, 25);
}

/* ---- transitions and roles ---- */

static void test_transitions(void **state)
{
    const struct catalog_dispositif *d = get("secours_urgence");
    const struct catalog_transition *t;
    struct err e;

    err_clear(&e);
    t = catalog_transition(d, OP_OUVRIR, NULL, &e);
    assert_non_null(t);
    assert_string_equal(t->to, d->workflow->initial);
    assert_true(catalog_transition_allows(t, "travailleur_social"));
    assert_false(catalog_transition_allows(t, "accueil"));
    assert_false(catalog_transition_allows(t, NULL));

    t = catalog_transition(d, OP_DECIDER, "instruit", &e);
    assert_non_null(t);
    assert_string_equal(t->to_outcome[OUTCOME_ACCORD], "accorde");
    assert_string_equal(t->to_outcome[OUTCOME_REFUS], "refuse");
    assert_true(catalog_transition_allows(t, "cadre_mds"));
    /* the secours d'urgence is decided by the MDS social worker, under delegation */
    assert_true(catalog_transition_allows(t, "travailleur_social"));
    assert_false(catalog_transition_allows(t, "instructeur"));
    assert_false(catalog_transition_allows(t, "accueil"));
    /* an appeal goes to the MDS manager */
    t = catalog_transition(d, OP_DECIDER, "recours", &e);
    assert_non_null(t);
    assert_true(catalog_transition_allows(t, "cadre_mds"));
    assert_false(catalog_transition_allows(t, "travailleur_social"));
    assert_null(t->to_outcome[OUTCOME_AJOURNEMENT]);

    t = catalog_transition(d, OP_PAYER, "accorde", &e);
    assert_non_null(t);
    assert_true(catalog_transition_allows(t, "travailleur_social"));
    assert_non_null(catalog_transition(d, OP_PAYER, "paye", &e));
    /* other aids keep their workflow: the AFASE is decided by the MDS manager */
    t = catalog_transition(get("afase"), OP_DECIDER, "instruit", &e);
    assert_non_null(t);
    assert_false(catalog_transition_allows(t, "travailleur_social"));
    d = get("secours_urgence");

    err_clear(&e);
    assert_null(catalog_transition(d, OP_PAYER, "refuse", &e));
    assert_int_equal(e.code, ERR_CONFLICT);
    assert_string_equal(e.message, "opération \"payer\" impossible dans l'état \"refuse\"");
    assert_non_null(strstr(e.detail, "notifier, former_recours"));

    err_clear(&e);
    assert_null(catalog_transition(d, OP_OUVRIR, "depose", &e));
    assert_int_equal(e.code, ERR_CONFLICT);
    err_clear(&e);
    assert_null(catalog_transition(d, OP_PAYER, NULL, &e));
    assert_int_equal(e.code, ERR_CONFLICT);
    err_clear(&e);
    assert_null(catalog_transition(d, OP_PAYER, "inexistant", &e));
    assert_int_equal(e.code, ERR_CONFLICT);
    assert_non_null(strstr(e.message, "inexistant"));

    /* a commission dispositif is decided in commission only */
    d = get("fsl");
    err_clear(&e);
    assert_null(catalog_transition(d, OP_DECIDER, "instruit", &e));
    assert_int_equal(e.code, ERR_CONFLICT);
    t = catalog_transition(d, OP_INSCRIRE_COMMISSION, "instruit", &e);
    assert_non_null(t);
    t = catalog_transition(d, OP_DECIDER, t->to, &e);
    assert_non_null(t);
    assert_true(catalog_transition_allows(t, "elu"));

    /* measures start and end */
    d = get("aemo");
    t = catalog_transition(d, OP_DEBUTER_MESURE, "decide", &e);
    assert_non_null(t);
    assert_string_equal(t->to, "en_cours");
    assert_non_null(catalog_transition(d, OP_TERMINER_MESURE, "en_cours", &e));
    err_clear(&e);
    assert_null(catalog_transition(d, OP_TERMINER_MESURE, "propose", &e));

    /* RSA: imported, opened and closed by the import */
    d = get("rsa_droit");
    t = catalog_transition(d, OP_OUVRIR, NULL, &e);
    assert_true(catalog_transition_allows(t, "administrateur"));
    assert_non_null(catalog_transition(d, OP_DEBUTER_MESURE, "importe", &e));
    err_clear(&e);
    assert_null(catalog_transition(d, OP_DECIDER, "importe", &e));

    /* acts have no workflow */
    err_clear(&e);
    assert_null(catalog_transition(get("accueil_physique"), OP_OUVRIR, NULL, &e));
    assert_int_equal(e.code, ERR_CONFLICT);
    assert_non_null(strstr(e.message, "acte"));
}

static void test_roles(void **state)
{
    static const char *const codes[] = {"accueil",
                                        "travailleur_social",
                                        "instructeur",
                                        "referent_rsa",
                                        "evaluateur_apa_pch",
                                        "puericultrice_pmi",
                                        "medecin_pmi",
                                        "cadre_mds",
                                        "elu",
                                        "statistiques",
                                        "delegue_protection_donnees",
                                        "administrateur"};
    static const char *const no_personal[] = {"statistiques", "administrateur",
                                              "delegue_protection_donnees"};
    const struct catalog_role *r;

    for (size_t i = 0; i < ARRAY_SIZE(codes); i++) {
        r = catalog_role(&cat, codes[i]);
        if (!r)
            fail_msg("rôle absent : %s", codes[i]);
        assert_true(r->label[0] != '\0');
    }
    assert_null(catalog_role(&cat, "inexistant"));

    r = catalog_role(&cat, "accueil");
    assert_false(r->classes[CLASS_SOCIAL]);
    assert_false(r->classes[CLASS_HEALTH]);
    assert_false(r->classes[CLASS_CHILD]);
    assert_true(catalog_role_can(r, "acte.enregistrer"));
    assert_false(catalog_role_can(r, "dossier.lire"));
    assert_false(catalog_role_can(r, NULL));

    for (size_t i = 0; i < ARRAY_SIZE(no_personal); i++) {
        r = catalog_role(&cat, no_personal[i]);
        for (int c = CLASS_SOCIAL; c < CLASS__COUNT; c++)
            assert_false(r->classes[c]);
        assert_false(catalog_role_can(r, "personne.lire"));
        assert_false(catalog_role_can(r, "dossier.lire"));
    }
    r = catalog_role(&cat, "delegue_protection_donnees");
    assert_int_equal(r->ncapabilities, 1);
    assert_true(catalog_role_can(r, "journal_acces.lire"));
    assert_true(catalog_role_can(catalog_role(&cat, "administrateur"), "utilisateurs.gerer"));
    assert_true(catalog_role_can(catalog_role(&cat, "statistiques"), "statistiques.lire"));

    r = catalog_role(&cat, "travailleur_social");
    assert_true(r->classes[CLASS_SOCIAL] && r->classes[CLASS_CHILD]);
    assert_true(catalog_role_can(r, "dossier.ecrire"));
    r = catalog_role(&cat, "medecin_pmi");
    assert_true(r->classes[CLASS_HEALTH]);
    assert_false(r->classes[CLASS_SOCIAL]);
    assert_true(catalog_role_can(catalog_role(&cat, "elu"), "commission.presider"));
}

static void test_codes(void **state)
{
    enum catalog_op op;
    enum catalog_outcome o;
    enum data_class c;
    enum catalog_nature n;
    enum rules_type t;

    for (int i = 0; i < OP__COUNT; i++) {
        assert_int_equal(catalog_op_from_code(catalog_op_code((enum catalog_op)i), &op), 0);
        assert_int_equal(op, i);
        assert_non_null(catalog_op_label((enum catalog_op)i));
    }
    assert_int_equal(catalog_op_from_code("verser", &op), -1);
    for (int i = 0; i < OP__COUNT; i++)
        assert_string_equal(catalog_op_codes[i], catalog_op_code((enum catalog_op)i));
    assert_null(catalog_op_codes[OP__COUNT]);
    for (int i = 0; i < OUTCOME__COUNT; i++)
        assert_string_equal(catalog_outcome_codes[i],
                            catalog_outcome_code((enum catalog_outcome)i));
    assert_null(catalog_outcome_codes[OUTCOME__COUNT]);
    for (int i = 0; i < OUTCOME__COUNT; i++) {
        assert_int_equal(
            catalog_outcome_from_code(catalog_outcome_code((enum catalog_outcome)i), &o), 0);
        assert_int_equal(o, i);
    }
    assert_string_equal(catalog_class_code(CLASS_CHILD), "protection_enfance");
    assert_string_equal(catalog_class_label(CLASS_SOCIAL), "données sociales");
    assert_int_equal(catalog_class_from_code("sante", &c), 0);
    assert_int_equal(c, CLASS_HEALTH);
    assert_int_equal(catalog_class_from_code("secret", &c), -1);
    assert_int_equal(catalog_nature_from_code("mesure", &n), 0);
    assert_int_equal(n, NATURE_MESURE);
    assert_string_equal(catalog_site_rule_code(SITE_MDADT_COMMUNE), "mdadt_commune");
    assert_string_equal(catalog_beneficiary_code(BENEF_AUCUN), "aucun");
    assert_int_equal(catalog_type_from_code("montant", &t), 0);
    assert_int_equal(t, RULES_MONEY);
    assert_string_equal(catalog_type_code(RULES_BOOL), "booleen");
}

/* ---- rules against the environment ---- */

struct env {
    const struct catalog_dispositif *d;
    date_t on; /* parameters in force on this day */
    const char *names[8];
    struct rules_value values[8];
    size_t n;
};

static struct rules_value env_value(void *ctx, const char *name)
{
    struct env *env = ctx;
    struct rules_value v = {.type = RULES_ABSENT};
    struct err e;

    if (!strncmp(name, CATALOG_ENV_PARAM, strlen(CATALOG_ENV_PARAM))) {
        if (catalog_param_at(env->d, name + strlen(CATALOG_ENV_PARAM), env->on, &v, NULL, &e))
            v.type = RULES_ABSENT;
        return v;
    }
    for (size_t i = 0; i < env->n; i++)
        if (!strcmp(env->names[i], name))
            return env->values[i];
    return v;
}

static void env_set(struct env *env, const char *name, enum rules_type t, int64_t i)
{
    struct rules_value v = {.type = t};

    assert(env->n < ARRAY_SIZE(env->names));
    if (t == RULES_BOOL)
        v.u.b = i != 0;
    else
        v.u.i = i;
    env->names[env->n] = name;
    env->values[env->n++] = v;
}

static void env_text(struct env *env, const char *name, const char *s)
{
    struct rules_value v = {.type = RULES_TEXT};

    v.u.s.p = s;
    v.u.s.n = strlen(s);
    env->names[env->n] = name;
    env->values[env->n++] = v;
}

static int64_t eval_money(const struct rules_expr *x, struct env *env)
{
    struct rules_value out;
    struct err e;

    err_clear(&e);
    if (rules_eval(x, env_value, env, &out, &e) != 0)
        fail_msg("« %s » : %s", rules_expr_source(x), e.message);
    assert_int_equal(out.type, RULES_MONEY);
    return out.u.i;
}

/* Number of eligibility rules of env->d that hold. */
static size_t eligible(struct env *env)
{
    size_t ok = 0;

    for (size_t i = 0; i < env->d->neligibility; i++) {
        struct rules_value out;
        struct err e;
        err_clear(&e);
        if (rules_eval(env->d->eligibility[i].expr, env_value, env, &out, &e) != 0)
            fail_msg("« %s » : %s", rules_expr_source(env->d->eligibility[i].expr), e.message);
        ok += out.u.b;
    }
    return ok;
}

static void test_rules_evaluate(void **state)
{
    struct env env;

    /* FAJ: 18 to 25 years old on the day of the request */
    memset(&env, 0, sizeof(env));
    env.d = get("fonds_aide_jeunes");
    env.on = day("2022-06-01");
    env_set(&env, CATALOG_ENV_BIRTH, RULES_DATE, day("2004-06-02")); /* 17 */
    env_set(&env, CATALOG_ENV_DATE_DEMANDE, RULES_DATE, day("2022-06-01"));
    env_set(&env, "montant_demande", RULES_MONEY, 20000);
    assert_int_equal(eligible(&env), env.d->neligibility - 1);
    env.values[0].u.i = day("2004-06-01"); /* 18 today */
    assert_int_equal(eligible(&env), env.d->neligibility);
    env.values[0].u.i = day("1996-06-01"); /* 26 */
    assert_int_equal(eligible(&env), env.d->neligibility - 1);
    assert_int_equal(eval_money(env.d->amount, &env), 20000);
    env.values[2].u.i = 500000;
    assert_int_equal(eval_money(env.d->amount, &env), 150000);

    /* FSL: the volet chooses the ceiling; "non identifié" is an accord without amount */
    memset(&env, 0, sizeof(env));
    env.d = get("fsl");
    env.on = day("2022-06-01");
    env_text(&env, "volet", "energie");
    env_set(&env, "montant_demande", RULES_MONEY, 80000);
    assert_int_equal(eval_money(env.d->amount, &env), 50000);
    env_text(&env, "volet", "acces_non_identifie");
    env.values[0] = env.values[2];
    env.n = 2;
    assert_int_equal(eval_money(env.d->amount, &env), 0);
    assert_int_equal(eligible(&env), env.d->neligibility);

    /* APA at home: ceiling of the GIR, minus the beneficiary's share */
    memset(&env, 0, sizeof(env));
    env.d = get("apa_domicile");
    env.on = day("2022-06-01");
    env_set(&env, "gir", RULES_INT, 1);
    env_set(&env, "montant_plan_aide", RULES_MONEY, 200000);
    env_set(&env, "participation_beneficiaire", RULES_MONEY, 10000);
    env_set(&env, CATALOG_ENV_BIRTH, RULES_DATE, day("1940-01-01"));
    env_set(&env, CATALOG_ENV_DATE_DEMANDE, RULES_DATE, day("2022-05-01"));
    assert_int_equal(eval_money(env.d->amount, &env), 170789);
    assert_int_equal(eligible(&env), 2);
    env.values[0].u.i = 5; /* GIR 5: not eligible */
    assert_int_equal(eligible(&env), 1);
    env.on = day("2023-02-01");
    env.values[0].u.i = 1;
    assert_int_equal(eval_money(env.d->amount, &env), 181404);

    /* optional facts: a meal allowance needs no hours (the rule guards with present) */
    memset(&env, 0, sizeof(env));
    env.d = get("aide_menagere");
    env.on = day("2022-07-01");
    env_text(&env, "type_aide", "frais_restauration");
    env_set(&env, "ressources_mensuelles", RULES_MONEY, 95345);
    assert_int_equal(eligible(&env), 2);
    env.values[1].u.i = 95346; /* one cent over the ASPA ceiling of July 2022 */
    assert_int_equal(eligible(&env), 1);
    env.on = day("2023-01-01");
    assert_int_equal(eligible(&env), 2);

    /* CMI: only the "invalidité" mention needs the 80 % rate */
    memset(&env, 0, sizeof(env));
    env.d = get("carte_mobilite_inclusion");
    env.on = day("2022-06-01");
    env_text(&env, "mention", "stationnement");
    env_set(&env, "beneficiaire_apa_gir_1_2", RULES_BOOL, 0);
    assert_int_equal(eligible(&env), 1);
    env_text(&env, "mention", "invalidite");
    env.values[0] = env.values[2];
    env.n = 2;
    assert_int_equal(eligible(&env), 0);
    env_set(&env, "taux_incapacite", RULES_INT, 80);
    assert_int_equal(eligible(&env), 1);

    /* ASE: a direct placement is always judicial */
    memset(&env, 0, sizeof(env));
    env.d = get("ase_accueil");
    env_text(&env, "mode", "placement_direct");
    env_text(&env, "cadre", "administratif");
    assert_int_equal(eligible(&env), 0);
    env.values[1].u.s.p = "judiciaire";
    env.values[1].u.s.n = strlen("judiciaire");
    assert_int_equal(eligible(&env), 1);
}

static void test_name_types(void **state)
{
    const struct catalog_dispositif *d = get("secours_urgence");

    assert_int_equal(catalog_name_type(d, "montant_demande"), RULES_MONEY);
    assert_int_equal(catalog_name_type(d, "param.plafond"), RULES_MONEY);
    assert_int_equal(catalog_name_type(d, "param.inexistant"), RULES_ABSENT);
    assert_int_equal(catalog_name_type(d, "personne.date_naissance"), RULES_DATE);
    assert_int_equal(catalog_name_type(d, "personne.sexe"), RULES_TEXT);
    assert_int_equal(catalog_name_type(d, "date_demande"), RULES_DATE);
    assert_int_equal(catalog_name_type(d, "date_decision"), RULES_DATE);
    assert_int_equal(catalog_name_type(d, "inconnu"), RULES_ABSENT);
    /* anonymous acts know no person */
    d = get("accueil_physique");
    assert_int_equal(catalog_name_type(d, "personne.date_naissance"), RULES_ABSENT);
    assert_int_equal(catalog_name_type(d, "motif"), RULES_TEXT);
}

/* ---- the loader's checks, on small broken catalogues ---- */

static const char roles_json[] =
    "{\"roles\": [\n"
    "  {\"code\": \"agent\", \"libelle\": \"Agent\", \"classes\": [\"social\"],\n"
    "   \"capacites\": [\"dossier.lire\", \"dossier.ecrire\"]},\n"
    "  {\"code\": \"cadre\", \"libelle\": \"Cadre\", \"classes\": [\"aucune\", \"social\"],\n"
    "   \"capacites\": [\"dossier.lire\", \"dossier.ecrire\", \"commission.presider\"]}\n"
    "]}\n";

static const char workflows_json[] =
    "{\"workflows\": [\n"
    "  {\"code\": \"simple\", \"libelle\": \"Simple\",\n"
    "   \"etats\": [{\"code\": \"depose\", \"libelle\": \"Déposé\"},\n"
    "             {\"code\": \"accorde\", \"libelle\": \"Accordé\"},\n"
    "             {\"code\": \"refuse\", \"libelle\": \"Refusé\"},\n"
    "             {\"code\": \"paye\", \"libelle\": \"Payé\"}],\n"
    "   \"etat_initial\": \"depose\", \"etats_finaux\": [\"refuse\", \"paye\"],\n"
    "   \"transitions\": [\n"
    "     {\"operation\": \"ouvrir\", \"de\": [], \"vers\": \"depose\", \"roles\": [\"agent\"]},\n"
    "     {\"operation\": \"decider\", \"de\": [\"depose\"],\n"
    "      \"vers\": {\"accord\": \"accorde\", \"refus\": \"refuse\"}, \"roles\": [\"cadre\"]},\n"
    "     {\"operation\": \"payer\", \"de\": [\"accorde\"], \"vers\": \"paye\", \"roles\": "
    "[\"agent\"]}]}\n"
    "]}\n";

static const char aides_json[] =
    "{\"dispositifs\": [\n"
    "  {\"code\": \"secours\", \"libelle\": \"Secours\", \"pacte\": \"solidarites_humaines\",\n"
    "   \"politique\": \"aides\", \"nature\": \"dossier\", \"beneficiaire\": \"foyer\",\n"
    "   \"site\": \"mds_residence\", \"classe\": \"social\", \"workflow\": \"simple\", "
    "\"commission\": false,\n"
    "   \"faits\": [{\"code\": \"montant_demande\", \"libelle\": \"Montant demandé\",\n"
    "     \"type\": \"montant\", \"obligatoire\": true, \"min\": \"0.01\", \"max\": "
    "\"1000.00\"}],\n"
    "   \"parametres\": [{\"code\": \"plafond\", \"libelle\": \"Plafond\", \"type\": \"montant\",\n"
    "     \"valeurs\": [{\"depuis\": \"2020-01-01\", \"valeur\": \"300.00\", \"reference\": \"RDAS "
    "art. 1\"},\n"
    "                 {\"depuis\": \"2022-01-01\", \"valeur\": \"350.00\", \"reference\": \"RDAS "
    "art. 1 modifié\"}]}],\n"
    "   \"eligibilite\": [{\"regle\": \"montant_demande <= param.plafond\", \"message\": "
    "\"trop\"}],\n"
    "   \"montant\": \"min(montant_demande, param.plafond)\",\n"
    "   \"references\": [\"RDAS\"]},\n"
    "  {\"code\": \"visite\", \"libelle\": \"Visite\", \"pacte\": \"solidarites_humaines\",\n"
    "   \"politique\": \"aides\", \"nature\": \"acte\", \"beneficiaire\": \"aucun\", \"site\": "
    "\"site_agent\", \"classe\": \"aucune\",\n"
    "   \"faits\": [{\"code\": \"motif\", \"libelle\": \"Motif\", \"type\": \"texte\", "
    "\"obligatoire\": true, \"choix\": [\"a\", \"b\"]}]}\n"
    "]}\n";

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[TMPDIR_PATH_MAX + 64];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

/* text with the first occurrence of from replaced by to (malloc'ed). */
static char *replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
    char *r;

    if (!at)
        fail_msg("texte à remplacer introuvable : %s", from);
    r = malloc(n);
    assert_non_null(r);
    snprintf(r, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    return r;
}

struct broken {
    const char *file; /* file to alter (NULL: none, or to delete with from == NULL) */
    const char *from, *to;
    const char *expect[5]; /* substrings of the message (file, object, field, value...) */
};

static const struct broken broken_cases[] = {
    {"aides.json",
     "\"message\": \"trop\"",
     "\"message\": \"trop\", \"libelle\": \"\"",
     {"aides.json", "dispositif « secours »", "champ « eligibilite[1].libelle »", "chaîne vide"}},
    {"aides.json",
     "\"choix\": [\"a\", \"b\"]",
     "\"choix\": [\"a\", \"b\"], \"libelles_choix\": {\"a\": \"Premier\", \"b\": \"Second\"}",
     {NULL}},
    {"aides.json",
     "\"choix\": [\"a\", \"b\"]",
     "\"choix\": [\"a\", \"b\"], \"libelles_choix\": {\"a\": \"Premier\"}",
     {"aides.json", "dispositif « visite »", "champ « faits.motif.libelles_choix »",
      "pas de libellé pour le choix « b »"}},
    {"aides.json",
     "\"choix\": [\"a\", \"b\"]",
     "\"choix\": [\"a\", \"b\"], \"libelles_choix\": {\"a\": \"A\", \"b\": \"B\", \"c\": \"C\"}",
     {"aides.json", "dispositif « visite »", "libellé d'un choix inconnu « c »"}},
    {"aides.json",
     "\"choix\": [\"a\", \"b\"]",
     "\"choix\": [\"a\", \"b\"], \"libelles_choix\": {\"a\": \" \", \"b\": \"B\"}",
     {"aides.json", "champ « faits.motif.libelles_choix.a »", "libellé vide"}},
    {"aides.json",
     "\"choix\": [\"a\", \"b\"]",
     "\"libelles_choix\": {\"a\": \"A\"}",
     {"aides.json", "champ « faits.motif.libelles_choix »", "libellés sans liste de choix"}},
    {"aides.json",
     "\"choix\": [\"a\", \"b\"]",
     "\"choix\": [\"a\", \"b\"], \"libelles_choix\": [\"A\", \"B\"]",
     {"aides.json", "champ « faits.motif.libelles_choix »",
      "un objet { code : libellé } est attendu"}},
    {"aides.json",
     "\"libelle\": \"Secours\"",
     "\"libele\": \"Secours\"",
     {"aides.json", "dispositif « secours »", "champ « libele »", "clé inconnue « libele »"}},
    {"workflows.json",
     "\"vers\": \"paye\"",
     "\"vers\": \"payee\"",
     {"workflows.json", "workflow « simple »", "champ « transitions[3].vers »",
      "état inconnu « payee »"}},
    {"workflows.json",
     "\"roles\": [\"cadre\"]",
     "\"roles\": [\"cadrr\"]",
     {"workflows.json", "workflow « simple »", "champ « transitions[2].roles »",
      "rôle inconnu « cadrr »"}},
    {"aides.json",
     "\"regle\": \"montant_demande <=",
     "\"regle\": \"montant_demand <=",
     {"aides.json", "dispositif « secours »", "champ « eligibilite[1].regle »", "montant_demand"}},
    {"aides.json",
     "\"regle\": \"montant_demande <= param.plafond\"",
     "\"regle\": \"montant_demande\"",
     {"aides.json", "dispositif « secours »", "champ « eligibilite[1].regle »",
      "« montant_demande » est de type montant, booleen attendu"}},
    {"aides.json",
     "\"montant\": \"min(montant_demande, param.plafond)\"",
     "\"montant\": \"montant_demande > 0 €\"",
     {"aides.json", "dispositif « secours »", "champ « montant »",
      "« montant_demande > 0 € » est de type booleen, montant attendu"}},
    {"aides.json",
     "\"depuis\": \"2022-01-01\"",
     "\"depuis\": \"2019-01-01\"",
     {"aides.json", "dispositif « secours »", "champ « parametres.plafond.valeurs[2].depuis »",
      "« 2019-01-01 »", "(2020-01-01)"}},
    {"aides.json",
     "\"depuis\": \"2022-01-01\"",
     "\"depuis\": \"2020-01-01\"",
     {"aides.json", "parametres.plafond.valeurs[2].depuis", "« 2020-01-01 »"}},
    {"aides.json",
     "\"reference\": \"RDAS art. 1\"",
     "\"reference\": \"\"",
     {"aides.json", "dispositif « secours »", "champ « parametres.plafond.valeurs[1].reference »",
      "référence juridique manquante"}},
    {"aides.json",
     ", \"reference\": \"RDAS art. 1\"",
     "",
     {"aides.json", "parametres.plafond.valeurs[1].reference", "référence juridique manquante"}},
    {"aides.json",
     "\"site_agent\", \"classe\": \"aucune\",",
     "\"site_agent\", \"classe\": \"aucune\", \"workflow\": \"simple\",",
     {"aides.json", "dispositif « visite »", "champ « workflow »",
      "un acte n'a pas de workflow, reçu « simple »"}},
    {"aides.json",
     "\"workflow\": \"simple\", ",
     "",
     {"aides.json", "dispositif « secours »", "champ « workflow »", "absent"}},
    {"aides.json",
     "\"workflow\": \"simple\"",
     "\"workflow\": \"simpl\"",
     {"aides.json", "dispositif « secours »", "champ « workflow »", "workflow inconnu « simpl »"}},
    {"roles.json",
     "\"classes\": [\"social\"]",
     "\"classes\": [\"socail\"]",
     {"roles.json", "rôle « agent »", "champ « classes »",
      "classe de données inconnue « socail »"}},
    {"roles.json",
     "\"dossier.ecrire\"]}",
     "\"dossier.ecrir\"]}",
     {"roles.json", "rôle « agent »", "champ « capacites »",
      "capacité inconnue « dossier.ecrir »"}},
    {"roles.json",
     "\"dossier.lire\", \"dossier.ecrire\"]}",
     "\"dossier.lire\"]}",
     {"workflows.json", "workflow « simple »", "champ « transitions[1].roles »",
      "le rôle « agent » n'a pas la capacité dossier.ecrire"}},
    {"roles.json",
     "\"code\": \"cadre\"",
     "\"code\": \"agent\"",
     {"roles.json", "rôle « agent »", "champ « code »", "code « agent » déjà défini"}},
    {"aides.json",
     "\"code\": \"visite\"",
     "\"code\": \"secours\"",
     {"aides.json", "dispositif « secours »", "champ « code »",
      "code « secours » déjà défini dans aides.json"}},
    {"workflows.json",
     "{\"accord\": \"accorde\", \"refus\": \"refuse\"}",
     "{\"accord\": \"accorde\"}",
     {"workflows.json", "workflow « simple »", "champ « transitions[2].vers »",
      "au moins les issues accord et refus"}},
    {"workflows.json",
     "\"refus\": \"refuse\"}",
     "\"refus\": \"refuse\", \"report\": \"depose\"}",
     {"workflows.json", "champ « transitions[2].vers.report »", "clé inconnue « report »"}},
    {"workflows.json",
     "\"operation\": \"payer\"",
     "\"operation\": \"verser\"",
     {"workflows.json", "workflow « simple »", "champ « transitions[3].operation »",
      "opération inconnue « verser »"}},
    {"workflows.json",
     "\"etat_initial\": \"depose\"",
     "\"etat_initial\": \"ouvert\"",
     {"workflows.json", "workflow « simple »", "champ « etat_initial »",
      "état inconnu « ouvert »"}},
    {"workflows.json",
     "\"etats_finaux\": [\"refuse\", \"paye\"]",
     "\"etats_finaux\": [\"refuse\", \"payes\"]",
     {"workflows.json", "workflow « simple »", "champ « etats_finaux »", "état inconnu « payes »"}},
    {"workflows.json",
     "{\"code\": \"paye\", \"libelle\": \"Payé\"}",
     "{\"code\": \"paye\", \"libelle\": \"Payé\"}, {\"code\": \"orphelin\", \"libelle\": \"O\"}",
     {"workflows.json", "workflow « simple »", "champ « etats »",
      "état « orphelin » inaccessible"}},
    {"workflows.json",
     "\"etats_finaux\": [\"refuse\", \"paye\"]",
     "\"etats_finaux\": [\"refuse\"]",
     {"workflows.json", "workflow « simple »", "champ « etats »", "état « paye » sans issue"}},
    {"workflows.json",
     "\"de\": [], \"vers\": \"depose\"",
     "\"de\": [], \"vers\": \"accorde\"",
     {"workflows.json", "champ « transitions[1].vers »", "l'état initial « depose »",
      "« accorde »"}},
    {"workflows.json",
     "\"de\": [\"accorde\"], \"vers\": \"paye\"",
     "\"de\": [\"accorde\", \"depose\"], \"vers\": \"paye\", \"x\": 1",
     {"workflows.json", "champ « transitions[3].x »", "clé inconnue « x »"}},
    {"aides.json",
     "\"commission\": false",
     "\"commission\": true",
     {"aides.json", "dispositif « secours »", "champ « workflow »", "inscrire_commission"}},
    {"aides.json",
     "\"nature\": \"dossier\"",
     "\"nature\": \"mesure\"",
     {"aides.json", "dispositif « secours »", "champ « workflow »", "debuter_mesure"}},
    {"aides.json",
     "\"nature\": \"dossier\"",
     "\"nature\": \"demande\"",
     {"aides.json", "dispositif « secours »", "champ « nature »", "valeur inconnue « demande »"}},
    {"aides.json",
     "\"classe\": \"social\"",
     "\"classe\": \"medical\"",
     {"aides.json", "dispositif « secours »", "champ « classe »", "valeur inconnue « medical »"}},
    {"aides.json",
     "\"politique\": \"aides\", \"nature\": \"dossier\"",
     "\"politique\": \"enfance\", \"nature\": \"dossier\"",
     {"aides.json", "dispositif « secours »", "champ « politique »", "« enfance »"}},
    {"aides.json",
     "\"beneficiaire\": \"foyer\"",
     "\"beneficiaire\": \"aucun\"",
     {"aides.json", "dispositif « secours »", "champ « beneficiaire »", "« aucun »"}},
    {"aides.json",
     "\"type\": \"montant\", \"obligatoire\"",
     "\"type\": \"monnaie\", \"obligatoire\"",
     {"aides.json", "dispositif « secours »", "champ « faits.montant_demande.type »",
      "type inconnu « monnaie »"}},
    {"aides.json",
     "\"min\": \"0.01\"",
     "\"min\": 1",
     {"aides.json", "dispositif « secours »", "champ « faits.montant_demande.min »",
      "montant en euros attendu, valeur reçue « 1 »"}},
    {"aides.json",
     "\"max\": \"1000.00\"",
     "\"max\": \"0.00\"",
     {"aides.json", "champ « faits.montant_demande.max »", "« 0.00 »"}},
    {"aides.json",
     "\"min\": \"0.01\"",
     "\"choix\": [\"x\"], \"min\": \"0.01\"",
     {"aides.json", "champ « faits.montant_demande.choix »", "type montant"}},
    {"aides.json",
     "\"code\": \"montant_demande\"",
     "\"code\": \"date_demande\"",
     {"aides.json", "champ « faits.date_demande.code »", "« date_demande » réservé"}},
    {"aides.json",
     "\"valeur\": \"300.00\"",
     "\"valeur\": 300",
     {"aides.json", "dispositif « secours »", "champ « parametres.plafond.valeurs[1].valeur »",
      "« 300 »"}},
    {"aides.json",
     "\"type\": \"montant\",\n     \"valeurs\"",
     "\"type\": \"entier\",\n     \"valeurs\"",
     {"aides.json", "champ « parametres.plafond.valeurs[1].valeur »", "un nombre entier attendu",
      "« 300.00 »"}},
    /* changes that keep the catalogue valid */
    {"aides.json", "\"montant\": \"min(", "\"montant\": \"max(", {NULL}},
    {NULL, NULL, NULL, {NULL}},
};

static void run_broken(const struct broken *b, size_t idx)
{
    char dir[TMPDIR_PATH_MAX];
    const char *names[] = {"roles.json", "workflows.json", "aides.json"};
    const char *texts[] = {roles_json, workflows_json, aides_json};
    struct catalog c;
    struct err e;
    int rc;

    tmpdir_make(dir);
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (b->file && !strcmp(b->file, names[i])) {
            char *t = replace(texts[i], b->from, b->to);
            write_file(dir, names[i], t);
            free(t);
        } else {
            write_file(dir, names[i], texts[i]);
        }
    }
    err_clear(&e);
    rc = catalog_load(&c, dir, &e);
    tmpdir_remove(dir);
    if (!b->expect[0]) { /* a change that keeps the catalogue valid */
        if (rc != 0)
            fail_msg("cas %zu : refusé à tort : %s", idx, e.message);
        catalog_release(&c);
        return;
    }
    if (rc == 0) {
        catalog_release(&c);
        fail_msg("cas %zu (%s -> %s) : catalogue accepté à tort", idx, b->from, b->to);
    }
    assert_int_equal(e.code, ERR_INVALID);
    assert_int_equal(c.ndispositifs, 0);
    assert_int_equal(c.nroles, 0);
    for (size_t k = 0; k < ARRAY_SIZE(b->expect) && b->expect[k]; k++)
        if (!strstr(e.message, b->expect[k]))
            fail_msg("cas %zu : « %s » absent du message : %s", idx, b->expect[k], e.message);
}

static void test_broken_catalogues(void **state)
{
    for (size_t i = 0; i < ARRAY_SIZE(broken_cases); i++)
        run_broken(&broken_cases[i], i);
}

static void test_minimal_catalogue_loads(void **state)
{
    char dir[TMPDIR_PATH_MAX];
    const struct catalog_dispositif *d;
    struct rules_value v;
    struct catalog c;
    struct err e;

    tmpdir_make(dir);
    write_file(dir, "roles.json", roles_json);
    write_file(dir, "workflows.json", workflows_json);
    write_file(dir, "aides.json", aides_json);
    write_file(dir, "LISEZMOI.txt", "pas du JSON");
    write_file(dir, ".cache.json", "pas du JSON non plus");
    err_clear(&e);
    assert_int_equal(catalog_load(&c, dir, &e), 0);
    assert_int_equal(c.ndispositifs, 2);
    d = catalog_find(&c, "secours");
    assert_string_equal(d->file, "aides.json");
    assert_int_equal(catalog_param_at(d, "plafond", day("2021-12-31"), &v, NULL, &e), 0);
    assert_int_equal(v.u.i, 30000);
    assert_int_equal(catalog_param_at(d, "plafond", day("2022-01-01"), &v, NULL, &e), 0);
    assert_int_equal(v.u.i, 35000);
    catalog_release(&c);
    catalog_release(&c); /* harmless twice */
    tmpdir_remove(dir);
}

static void test_missing_files_and_syntax(void **state)
{
    char dir[TMPDIR_PATH_MAX], path[TMPDIR_PATH_MAX + 64];
    struct catalog c;
    struct err e;

    /* no directory */
    err_clear(&e);
    assert_int_equal(catalog_load(&c, "/nonexistent/proxima/catalogue", &e), -1);
    assert_int_equal(e.code, ERR_IO);
    assert_non_null(strstr(e.message, "/nonexistent/proxima/catalogue"));

    /* no roles.json */
    tmpdir_make(dir);
    write_file(dir, "workflows.json", workflows_json);
    write_file(dir, "aides.json", aides_json);
    err_clear(&e);
    assert_int_equal(catalog_load(&c, dir, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_non_null(strstr(e.message, "roles.json : fichier absent"));

    /* a JSON syntax error names the file and the line */
    write_file(dir, "roles.json", roles_json);
    write_file(dir, "aides.json", "{\"dispositifs\": [\n  {\"code\": \"x\",}\n]}\n");
    err_clear(&e);
    assert_int_equal(catalog_load(&c, dir, &e), -1);
    assert_non_null(strstr(e.message, "aides.json, ligne 2"));

    /* a file name that is not a policy code */
    snprintf(path, sizeof(path), "%s/aides.json", dir);
    remove(path);
    write_file(dir, "Aides-2.json", "{\"dispositifs\": []}");
    err_clear(&e);
    assert_int_equal(catalog_load(&c, dir, &e), -1);
    assert_non_null(strstr(e.message, "Aides-2.json"));
    assert_non_null(strstr(e.message, "nom de fichier invalide"));

    /* a top-level key other than "dispositifs" */
    snprintf(path, sizeof(path), "%s/Aides-2.json", dir);
    remove(path);
    write_file(dir, "aides.json", "{\"dispositif\": []}");
    err_clear(&e);
    assert_int_equal(catalog_load(&c, dir, &e), -1);
    assert_non_null(strstr(e.message, "aides.json, champ « dispositif » : clé inconnue"));

    /* an empty dispositif file is fine: the catalogue has no dispositif */
    write_file(dir, "aides.json", "{\"dispositifs\": []}");
    err_clear(&e);
    assert_int_equal(catalog_load(&c, dir, &e), 0);
    assert_int_equal(c.ndispositifs, 0);
    assert_int_equal(c.nworkflows, 1);
    catalog_release(&c);
    tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dispositifs_present),
        cmocka_unit_test(test_every_dispositif_is_sound),
        cmocka_unit_test(test_facts),
        cmocka_unit_test(test_choice_labels_complete),
        cmocka_unit_test(test_workflows),
        cmocka_unit_test(test_param_at),
        cmocka_unit_test(test_transitions),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_rules_evaluate),
        cmocka_unit_test(test_name_types),
        cmocka_unit_test(test_broken_catalogues),
        cmocka_unit_test(test_minimal_catalogue_loads),
        cmocka_unit_test(test_missing_files_and_syntax),
    };
    return cmocka_run_group_tests(tests, load_real, release_real);
}

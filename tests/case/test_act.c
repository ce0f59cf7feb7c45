/*
 * test_act.c: acts of the real catalogue on a real SQLite file. A visit at
 * the MDS desk (anonymous, with a motive), a PMI consultation (a person,
 * health data), where the site comes from, who may record what, the
 * access log of acts naming a person, and a replay.
 */
#include "dossier_fx.h"

#define CALAIS    "62193" /* MDS du Calaisis */
#define SAINT_POL "62767" /* MDS du Ternois */

FX_USER(accueil_calais, "accueil.calais", "accueil", "mds", "calaisis");
FX_USER(puer_calais, "puer.calais", "puericultrice_pmi", "mds", "calaisis");

/* An agent with a role on two MDS. */
static struct access_grant two_grants[] = {
    {.role = "accueil", .site_grid = "mds", .site_code = "calaisis"},
    {.role = "accueil", .site_grid = "mds", .site_code = "ternois"},
};
static struct access_user accueil_two = {.id = 2,
                                         .login = "accueil.volant",
                                         .name = "accueil.volant",
                                         .active = true,
                                         .grants = two_grants,
                                         .ngrants = 2};

static int record(struct fx *f, const char *dispositif, const char *site, const char *person,
                  const char *date, const char *facts, const char **id)
{
    json_t *j = facts ? fx_json(facts) : NULL;
    struct case_act_input in = {
        .dispositif = dispositif, .site = site, .person = person, .date = date, .facts = j};
    int rc;

    err_clear(&f->e);
    rc = case_act_record(&f->c, &in, id, &f->e);
    json_decref(j);
    return rc;
}

static const char *act_row(struct fx *f, const char *id)
{
    return fx_text(
        f,
        "SELECT dispositif || '|' || act_date || '|' || site_grid || ':' || site_code || "
        "'|' || agent || '|' || COALESCE(person, '-') || '|' || data_class || '|' || "
        "facts FROM act WHERE id = ?",
        id);
}

static void test_reception_visit(void **state)
{
    struct fx *f = *state;
    const char *id, *p = fx_person(f, "Martin", "Lucie", "1985-04-12", "F", CALAIS);
    int64_t logs = fx_count(f, "SELECT COUNT(*) FROM access_log", NULL, NULL, NULL);

    fx_as(f, &accueil_calais);
    /* no site given: the agent's only site */
    FX_OK(f, record(f, "accueil_physique", NULL, NULL, "2022-05-02", "{\"motif\": \"information\"}",
                    &id));
    assert_string_equal(id, "A0000001");
    assert_string_equal(act_row(f, id), "accueil_physique|2022-05-02|mds:calaisis|accueil.calais|-|"
                                        "aucune|{\"motif\":\"information\"}");
    /* anonymous: nothing personal, nothing logged */
    assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM access_log", NULL, NULL, NULL), logs);
    FX_OK(f, record(f, "accueil_telephonique", "mds:calaisis", NULL, NULL,
                    "{\"motif\": \"rendez_vous\", \"orientation\": \"pmi\"}", &id));
    assert_string_equal(id, "A0000002");
    assert_string_equal(fx_text(f, "SELECT act_date FROM act WHERE id = ?", id), FX_TODAY);

    FX_FAILS(f, record(f, "accueil_physique", NULL, p, "2022-05-02", "{\"motif\": \"pmi\"}", &id),
             ERR_INVALID, "est anonyme");
    FX_FAILS(f, record(f, "accueil_physique", NULL, NULL, "2022-05-02", NULL, &id), ERR_INVALID,
             "fait obligatoire manquant : « motif »");
    FX_FAILS(
        f, record(f, "accueil_physique", NULL, NULL, "2022-05-02", "{\"motif\": \"piscine\"}", &id),
        ERR_INVALID, "hors de la liste des choix");
    FX_FAILS(f,
             record(f, "accueil_physique", NULL, NULL, "2022-10-01", "{\"motif\": \"information\"}",
                    &id),
             ERR_INVALID, "postérieure à la date du jour");
    /* another MDS than the agent's */
    FX_FAILS(f,
             record(f, "accueil_physique", "mds:ternois", NULL, "2022-05-02",
                    "{\"motif\": \"information\"}", &id),
             ERR_FORBIDDEN, "ne couvre pas le site mds:ternois");
    assert_int_equal(fx_log_rows(f, "refus", "A0000003"), 1);
    /* a dossier's dispositif is not an act */
    FX_FAILS(f, record(f, "secours_urgence", NULL, NULL, "2022-05-02", NULL, &id), ERR_INVALID,
             "pas un acte");
    FX_FAILS(f, record(f, "accueil_guichet", NULL, NULL, "2022-05-02", NULL, &id), ERR_NOT_FOUND,
             "dispositif inconnu");
    assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM act", NULL, NULL, NULL), 2);
}

static void test_site_resolution(void **state)
{
    struct fx *f = *state;
    const char *id, *p = fx_person(f, "Lopez", "Max", "2020-03-03", "M", SAINT_POL);

    /* two sites and no person: the agent must say where */
    fx_as(f, &accueil_two);
    FX_FAILS(f,
             record(f, "accueil_physique", NULL, NULL, "2022-05-02", "{\"motif\": \"information\"}",
                    &id),
             ERR_INVALID, "le site où il a eu lieu est obligatoire");
    assert_non_null(strstr(f->e.detail, "mds:calaisis, mds:ternois"));
    FX_OK(f, record(f, "accueil_physique", "mds:ternois", NULL, "2022-05-02",
                    "{\"motif\": \"information\"}", &id));
    assert_string_equal(fx_text(f, "SELECT site_code FROM act WHERE id = ?", id), "ternois");
    FX_FAILS(f,
             record(f, "accueil_physique", "mds:atlantide", NULL, "2022-05-02",
                    "{\"motif\": \"information\"}", &id),
             ERR_NOT_FOUND, "site inconnu");
    /* the system, no site: the person's competent MDS */
    fx_as(f, NULL);
    FX_OK(f, record(f, "pmi_consultation_enfant", NULL, p, "2022-05-03",
                    "{\"professionnel\": \"medecin\", \"lieu\": \"centre_pmi\"}", &id));
    assert_string_equal(act_row(f, id),
                        arena_printf(&f->a,
                                     "pmi_consultation_enfant|2022-05-03|mds:ternois|"
                                     "system|%s|sante|{\"lieu\":\"centre_pmi\","
                                     "\"professionnel\":\"medecin\"}",
                                     p));
    FX_FAILS(f,
             record(f, "accueil_physique", NULL, NULL, "2022-05-02", "{\"motif\": \"information\"}",
                    &id),
             ERR_INVALID, "obligatoire");
}

static void test_pmi_consultation(void **state)
{
    struct fx *f = *state;
    const char *id, *child = fx_person(f, "Roux", "Léo", "2021-11-20", "M", CALAIS);
    const char *facts = "{\"professionnel\": \"puericultrice\", \"lieu\": \"domicile\", "
                        "\"vaccination\": true}";

    fx_as(f, &puer_calais);
    FX_OK(f, record(f, "pmi_consultation_enfant", NULL, child, "2022-06-01", facts, &id));
    assert_string_equal(fx_text(f,
                                "SELECT person || ' ' || agent || ' ' || data_class FROM act "
                                "WHERE id = ?",
                                id),
                        arena_printf(&f->a, "%s puer.calais sante", child));
    /* naming a person is a write of personal data: logged */
    assert_int_equal(fx_log_rows(f, "ecriture", id), 1);
    assert_string_equal(fx_text(f,
                                "SELECT person_id || ' ' || grant_used FROM access_log "
                                "WHERE object_id = ?",
                                id),
                        arena_printf(&f->a, "%s puericultrice_pmi@mds:calaisis", child));

    FX_FAILS(f, record(f, "pmi_consultation_enfant", NULL, NULL, "2022-06-01", facts, &id),
             ERR_INVALID, "« personne » est obligatoire");
    FX_FAILS(f, record(f, "pmi_consultation_enfant", NULL, "P0000404", "2022-06-01", facts, &id),
             ERR_NOT_FOUND, "P0000404");
    FX_FAILS(f,
             record(f, "pmi_consultation_enfant", NULL, child, "2022-06-01",
                    "{\"professionnel\": \"puericultrice\", \"lieu\": \"domicile\", "
                    "\"vaccination\": \"oui\"}",
                    &id),
             ERR_INVALID, "vrai ou faux attendu");
    /* reception staff have no access to health data */
    fx_as(f, &accueil_calais);
    FX_FAILS(f, record(f, "pmi_consultation_enfant", NULL, child, "2022-06-01", facts, &id),
             ERR_FORBIDDEN, "données de santé");
    assert_int_equal(fx_log_rows(f, "refus", "A0000002"), 1);
    assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM act", NULL, NULL, NULL), 1);
}

/* Inside the caller's transaction the operation does not commit; the event is checked anyway. */
static void test_caller_transaction_and_events(void **state)
{
    struct fx *f = *state;
    const char *id;
    json_t *ev;

    fx_as(f, &accueil_calais);
    assert_int_equal(store_begin(f->s, &f->e), 0);
    FX_OK(f, record(f, "accueil_physique", NULL, NULL, "2022-05-02", "{\"motif\": \"logement\"}",
                    &id));
    store_rollback(f->s);
    assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM act", NULL, NULL, NULL), 0);

    /* events from an import are validated the same way */
    fx_as(f, NULL);
    ev = fx_json("{\"id\": \"A0000007\", \"dispositif\": \"cpef_consultation\", "
                 "\"date\": \"2022-05-02\", \"site\": \"mds:calaisis\", "
                 "\"faits\": {\"motif\": \"contraception\", \"mineur\": true}}");
    assert_int_equal(store_begin(f->s, &f->e), 0);
    FX_OK(f, case_emit(&f->c, "act.recorded", ev, NULL, &f->e));
    FX_FAILS(f, case_emit(&f->c, "act.recorded", ev, NULL, &f->e), ERR_CONFLICT, "existe déjà");
    json_object_set_new(ev, "id", json_string("A0000008"));
    json_object_set_new(ev, "agent", json_string("quelqu'un"));
    FX_FAILS(f, case_emit(&f->c, "act.recorded", ev, NULL, &f->e), ERR_INVALID,
             "champ inconnu « agent »");
    json_object_del(ev, "agent");
    json_object_set_new(ev, "site", json_string("mdadt:calaisis"));
    FX_OK(f, case_emit(&f->c, "act.recorded", ev, NULL, &f->e));
    assert_int_equal(store_commit(f->s, &f->e), 0);
    json_decref(ev);
    /* the counter moved past the imported ids */
    FX_OK(f, record(f, "accueil_physique", "mds:calaisis", NULL, "2022-05-02",
                    "{\"motif\": \"logement\"}", &id));
    assert_string_equal(id, "A0000009");
}

static void test_replay(void **state)
{
    struct fx *f = *state;
    char before[65], after[65];
    const char *id, *child = fx_person(f, "Petit", "Jade", "2019-09-09", "F", CALAIS);

    fx_as(f, &puer_calais);
    FX_OK(f, record(f, "pmi_consultation_enfant", NULL, child, "2022-06-01",
                    "{\"professionnel\": \"medecin\", \"lieu\": \"permanence\"}", &id));
    FX_OK(f, record(f, "pmi_bilan_maternelle", NULL, child, "2022-06-02",
                    "{\"ecole\": \"0620001A\", \"depistage_positif\": false}", &id));
    fx_as(f, &accueil_calais);
    FX_OK(f, record(f, "accueil_physique", NULL, NULL, "2022-06-03", "{\"motif\": \"pmi\"}", &id));
    FX_OK(f, case_projection_digest(f->s, before, &f->e));
    FX_OK(f, case_replay(f->s, &f->cat, &f->e));
    FX_OK(f, case_projection_digest(f->s, after, &f->e));
    assert_string_equal(before, after);
    /* the agent recorded is the event's actor, not the replayer */
    assert_string_equal(fx_text(f, "SELECT agent FROM act WHERE id = ?", "A0000002"),
                        "puer.calais");
    assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM act", NULL, NULL, NULL), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reception_visit, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_site_resolution, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_pmi_consultation, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_caller_transaction_and_events, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_replay, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

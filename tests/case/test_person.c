/*
 * test_person.c: persons, households and organisations of the case layer,
 * on a real SQLite file with the real referential (data/ref) and catalogue
 * (data/catalogue). Identity checks (NIR with Corsica, SIRET, RNA), creation
 * and its refusals (nothing written, the other person's id named),
 * matching in its fixed order, moves that change the competent MDS,
 * households and their roles, organisations, reads logged and refused
 * by site, search within the user's sites, and replay rebuilding identical
 * projections.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "case/case.h"
#include "case/person_int.h"
#include "ref/ref.h"

#include "dossier_fx.h"

#define TODAY "2024-06-15"

/* Agents built in memory: access_check reads only the grants. */
static struct access_grant g_lens = {"accueil", "mds", "lens-lievin"};
static struct access_grant g_calais = {"accueil", "mds", "calaisis"};
static struct access_grant g_ts_lens = {"travailleur_social", "mds", "lens-lievin"};
static struct access_grant g_dep = {"instructeur", "departement", "62"};
static struct access_grant g_elu = {"elu", "mds", "lens-lievin"};
static struct access_user u_lens = {1, "agent.lens", "Agent Lens", true, &g_lens, 1};
static struct access_user u_calais = {2, "agent.calais", "Agent Calais", true, &g_calais, 1};
static struct access_user u_ts_lens = {3, "ts.lens", "TS Lens", true, &g_ts_lens, 1};
static struct access_user u_dep = {4, "agent.dep", "Agent départemental", true, &g_dep, 1};
static struct access_user u_elu = {5, "elu.lens", "Élu", true, &g_elu, 1};

static int setup(void **state)
{
    return fx_setup_at(state, TODAY);
}

/* Act as agent u (NULL: the system). */
static void as(struct fx *f, struct access_user *u)
{
    f->c.user = u;
    f->c.actor = u ? u->login : "system";
}

static int64_t count(struct fx *f, const char *sql, const char *arg)
{
    struct store_stmt *q = store_prepare(f->s, sql, &f->e);
    int64_t n = -1;

    assert_non_null(q);
    if (arg)
        store_bind_text(q, 1, arg);
    if (store_step(q, &f->e) == STORE_ROW)
        n = store_column_int64(q, 0);
    store_finalize(q);
    return n;
}

/* One text value of a query with one parameter, copied in the arena ("" if none). */
static const char *text(struct fx *f, const char *sql, const char *arg)
{
    struct store_stmt *q = store_prepare(f->s, sql, &f->e);
    const char *out = "";

    assert_non_null(q);
    if (arg)
        store_bind_text(q, 1, arg);
    if (store_step(q, &f->e) == STORE_ROW)
        out = arena_strdup(&f->a, store_column_text(q, 0));
    store_finalize(q);
    return out;
}

static const char *create(struct fx *f, struct case_person_input *in)
{
    const char *id = NULL;

    err_clear(&f->e);
    if (case_person_create(&f->c, in, &id, &f->e) != 0)
        fail_msg("case_person_create %s %s: %s (%s)", in->last_name, in->first_name, f->e.message,
                 f->e.detail);
    assert_non_null(id);
    return id;
}

/* Create must fail with code, write nothing, and say want in its message or detail. */
static void create_fails(struct fx *f, struct case_person_input *in, enum err_code code,
                         const char *want)
{
    int64_t persons = count(f, "SELECT count(*) FROM person", NULL);
    int64_t events = count(f, "SELECT count(*) FROM journal", NULL);
    const char *id = "x";

    err_clear(&f->e);
    if (case_person_create(&f->c, in, &id, &f->e) != -1)
        fail_msg("%s %s created, expected a refusal with « %s »", in->last_name, in->first_name,
                 want);
    assert_null(id);
    if (f->e.code != code)
        fail_msg("code %s, expected %s: %s", err_code_name(f->e.code), err_code_name(code),
                 f->e.message);
    if (!strstr(f->e.message, want) && !strstr(f->e.detail, want))
        fail_msg("« %s » not in « %s » / « %s »", want, f->e.message, f->e.detail);
    assert_int_equal(count(f, "SELECT count(*) FROM person", NULL), persons);
    assert_int_equal(count(f, "SELECT count(*) FROM journal", NULL), events);
    assert_false(f->s->in_tx);
    err_clear(&f->e);
}

static struct case_person_input person(const char *last, const char *first, const char *birth,
                                       const char *sex, const char *commune)
{
    struct case_person_input in = {.last_name = last,
                                   .first_name = first,
                                   .birth_date = birth,
                                   .sex = sex,
                                   .commune = commune,
                                   .date = "2023-01-10"};
    return in;
}

/* ---- identity checks ------------------------------------------------------ */

static void test_nir(void **state)
{
    struct err e;
    date_t b1985, b1990, b1985jan, b1999;
    struct arena a;

    (void)state;
    err_clear(&e);
    arena_init(&a, 0);
    date_from_ymd(1985, 5, 12, &b1985, &e);
    date_from_ymd(1990, 4, 3, &b1990, &e);
    date_from_ymd(1985, 1, 30, &b1985jan, &e);
    date_from_ymd(1999, 1, 2, &b1999, &e);

    assert_int_equal(person_nir_check("185057800608491", "M", &b1985, &e), 0);
    assert_int_equal(person_nir_check("185057800608491", NULL, NULL, &e), 0);
    /* Corsica: 2A counts as 19, 2B as 18 in the key */
    assert_int_equal(person_nir_check("290042A00412336", "F", &b1990, &e), 0);
    assert_int_equal(person_nir_check("185012B12345693", "M", &b1985jan, &e), 0);
    assert_int_equal(person_nir_check("290042B00412336", "F", &b1990, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_non_null(strstr(e.message, "clé incorrecte"));
    /* temporary number (NIA): 7 for a man */
    assert_int_equal(person_nir_check("799016251000153", "M", &b1999, &e), 0);
    assert_int_equal(person_nir_check("799016251000153", "F", &b1999, &e), -1);

    err_clear(&e);
    assert_int_equal(person_nir_check("185057800608490", "M", &b1985, &e), -1);
    assert_non_null(strstr(e.detail, "la clé calculée pour ce numéro est 91"));
    assert_int_equal(person_nir_check("18505780060849", "M", &b1985, &e), -1);
    assert_non_null(strstr(e.detail, "15 caractères attendus, 14 reçus"));
    assert_int_equal(person_nir_check("1850578006A8491", "M", &b1985, &e), -1);
    assert_non_null(strstr(e.detail, "position 11"));
    assert_int_equal(person_nir_check("185057800608491", "F", &b1985, &e), -1);
    assert_non_null(strstr(e.message, "sexe"));
    assert_int_equal(person_nir_check("185057800608491", "M", &b1990, &e), -1);
    assert_non_null(strstr(e.detail, "année 85"));
    assert_int_equal(person_nir_check("185057800608491", "M", &b1985jan, &e), -1);
    assert_non_null(strstr(e.detail, "mois 05"));
    /* 3 is neither a sex nor a temporary number (key otherwise right) */
    assert_int_equal(person_nir_check("385057800608488", NULL, NULL, &e), -1);
    assert_non_null(strstr(e.detail, "premier chiffre 3"));

    assert_string_equal(person_nir_normalize(&a, "1 85 05 78 006 084 91"), "185057800608491");
    assert_string_equal(person_nir_normalize(&a, "2 90 04 2a 004 123 36"), "290042A00412336");
    arena_release(&a);
}

static void test_siret_rna(void **state)
{
    struct err e;

    (void)state;
    err_clear(&e);
    assert_int_equal(person_siret_check("73282932000074", &e), 0);
    assert_int_equal(person_siret_check("73282932000075", &e), -1);
    assert_non_null(strstr(e.message, "clé incorrecte"));
    assert_int_equal(person_siret_check("7328293200007", &e), -1);
    assert_non_null(strstr(e.message, "7328293200007"));
    assert_int_equal(person_siret_check("7328293200007A", &e), -1);
    /* a SIRET passing Luhn whose SIREN does not: 732829321 + NIC chosen for the sum */
    assert_int_equal(person_siret_check("73282932100007", &e), -1);
    assert_non_null(strstr(e.message, "SIREN"));
    /* La Poste: sum of the digits a multiple of 5 */
    assert_int_equal(person_siret_check("35600000000048", &e), 0);
    assert_int_equal(person_siret_check("35600000000001", &e), 0);
    assert_int_equal(person_siret_check("35600000000002", &e), -1);

    assert_int_equal(person_rna_check("W623001234", &e), 0);
    assert_int_equal(person_rna_check("W62300123", &e), -1);
    assert_int_equal(person_rna_check("X623001234", &e), -1);
    assert_non_null(strstr(e.message, "X623001234"));
    assert_int_equal(person_rna_check("W62300123A", &e), -1);
}

/* ---- creation --------------------------------------------------------------- */

static void test_create(void **state)
{
    struct fx *f = *state;
    struct case_person_input in = person("Dupont", "Jean", "1985-05-12", "M", "62510");
    struct case_person_input b = person("Lefèvre", "Élodie", "1990-04-03", "F", "62193");
    const char *id1, *id2;

    in.nir = "1 85 05 78 006 084 91";
    in.address = "  12 rue Jean Jaurès ";
    in.phone = "03 21 00 00 00";
    in.email = "jean.dupont@example.fr";
    id1 = create(f, &in);
    assert_string_equal(id1, "P0000001");
    id2 = create(f, &b);
    assert_string_equal(id2, "P0000002");

    assert_string_equal(text(f, "SELECT nir FROM person WHERE id = ?", id1), "185057800608491");
    assert_string_equal(text(f, "SELECT name_key FROM person WHERE id = ?", id2), "lefevre elodie");
    assert_int_equal(count(f, "SELECT count(*) FROM person WHERE id = ? AND nir IS NULL", id2), 1);
    assert_string_equal(text(f, "SELECT address FROM person_address WHERE person = ?", id1),
                        "12 rue Jean Jaurès");
    assert_string_equal(
        text(f, "SELECT valid_from || '|' || commune FROM person_address WHERE person = ?", id1),
        "2023-01-10|62510");
    assert_string_equal(text(f, "SELECT type FROM journal ORDER BY seq DESC LIMIT 1", NULL),
                        "person.created");
    assert_string_equal(text(f, "SELECT subject FROM journal ORDER BY seq DESC LIMIT 1", NULL),
                        id2);
    assert_string_equal(case_person_mds(&f->c, id1, TODAY, &f->e), "lens-lievin");

    /* Corsican NIR, lower-case letter typed */
    in = person("Santoni", "Maria", "1990-04-03", "F", "62193");
    in.nir = "290042a00412336";
    assert_string_equal(create(f, &in), "P0000003");

    /* refusals: nothing written, the reason named */
    in = person("Martin", "Paul", "1985-05-12", "M", "62510");
    in.nir = "185057800608490";
    create_fails(f, &in, ERR_INVALID, "clé");
    in.nir = "185057800608491";
    create_fails(f, &in, ERR_CONFLICT, "P0000001");
    in.nir = "285057800608441";
    create_fails(f, &in, ERR_INVALID, "sexe");
    in.nir = NULL;
    in.birth_date = "1899-12-31";
    create_fails(f, &in, ERR_INVALID, "1900");
    in.birth_date = "2024-06-16";
    create_fails(f, &in, ERR_INVALID, "postérieure à la date du jour");
    in.birth_date = "1985-02-30";
    create_fails(f, &in, ERR_INVALID, "1985-02-30");
    in.birth_date = "1985-05-12";
    in.sex = "X";
    create_fails(f, &in, ERR_INVALID, "« X »");
    in.sex = "M";
    in.commune = "62999";
    create_fails(f, &in, ERR_NOT_FOUND, "62999");
    in.commune = "62510";
    in.last_name = "";
    create_fails(f, &in, ERR_INVALID, "nom");
    in.last_name = "--";
    create_fails(f, &in, ERR_INVALID, "sans aucune lettre");
    in.last_name = "Mar\ttin";
    create_fails(f, &in, ERR_INVALID, "contrôle");
    in.last_name = "Martin";
    in.email = "paul.martin@";
    create_fails(f, &in, ERR_INVALID, "paul.martin@");
    in.email = NULL;
    in.phone = "03 21 AB";
    create_fails(f, &in, ERR_INVALID, "téléphone");
    in.phone = NULL;
    in.date = "2021-06-01"; /* before the referential: Liévin unknown then */
    create_fails(f, &in, ERR_NOT_FOUND, "62510");
    in.date = "2023-01-10";
    in.id = "P0000001";
    create_fails(f, &in, ERR_CONFLICT, "P0000001");
    in.id = "Q0000009";
    create_fails(f, &in, ERR_INVALID, "Q0000009");
    in.id = NULL;

    /* internal id and CAF number + role are unique too */
    in.internal_id = "IODAS-42";
    in.caf_number = "1234567";
    in.caf_role = "demandeur";
    assert_string_equal(create(f, &in), "P0000004");
    in = person("Martin", "Julie", "1987-08-01", "F", "62510");
    in.internal_id = "IODAS-42";
    create_fails(f, &in, ERR_CONFLICT, "P0000004");
    in.internal_id = NULL;
    in.caf_number = "1234567";
    in.caf_role = "demandeur";
    create_fails(f, &in, ERR_CONFLICT, "P0000004");
    in.caf_role = "chef";
    create_fails(f, &in, ERR_INVALID, "chef");
    in.caf_role = "conjoint";
    assert_string_equal(create(f, &in), "P0000005");
    assert_int_equal(count(f, "SELECT count(*) FROM person", NULL), 5);
    assert_int_equal(count(f, "SELECT next FROM case_counter WHERE kind = 'P'", NULL), 6);
}

/* An operation in the caller's transaction is undone with it. */
static void test_caller_transaction(void **state)
{
    struct fx *f = *state;
    struct case_person_input in = person("Durand", "Luc", "1970-01-01", "M", "62510");
    const char *id;

    assert_int_equal(store_begin(f->s, &f->e), 0);
    assert_int_equal(case_person_create(&f->c, &in, &id, &f->e), 0);
    assert_true(f->s->in_tx); /* not committed by the operation */
    assert_int_equal(count(f, "SELECT count(*) FROM person", NULL), 1);
    store_rollback(f->s);
    assert_int_equal(count(f, "SELECT count(*) FROM person", NULL), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM case_counter", NULL), 0);
    /* and the id is given again */
    assert_string_equal(create(f, &in), "P0000001");
}

/* ---- matching ---------------------------------------------------------------- */

static void match(struct fx *f, struct case_person_input *in, const char *want_id,
                  const char *want_rule)
{
    const char *id = "x", *rule = "x";

    err_clear(&f->e);
    if (case_person_match(&f->c, in, &id, &rule, &f->e) != 0)
        fail_msg("case_person_match: %s", f->e.message);
    if (!want_id) {
        assert_null(id);
        assert_null(rule);
        return;
    }
    assert_non_null(id);
    assert_string_equal(id, want_id);
    assert_string_equal(rule, want_rule);
}

static void test_match(void **state)
{
    struct fx *f = *state;
    struct case_person_input a = person("Dupont", "Jean", "1985-05-12", "M", "62510");
    struct case_person_input b = person("Lefèvre", "Élodie", "1990-04-03", "F", "62193");
    struct case_person_input q;
    const char *ida, *idb, *id, *rule;

    a.nir = "185057800608491";
    a.internal_id = "IODAS-1";
    a.caf_number = "7654321";
    a.caf_role = "demandeur";
    ida = create(f, &a);
    idb = create(f, &b);

    q = (struct case_person_input){.nir = "1 85 05 78 006 084 91"};
    match(f, &q, ida, "nir");
    q = (struct case_person_input){.internal_id = "IODAS-1"};
    match(f, &q, ida, "identifiant interne");
    q = (struct case_person_input){.caf_number = "7654321", .caf_role = "demandeur"};
    match(f, &q, ida, "numero caf et role");
    q = (struct case_person_input){.caf_number = "7654321", .caf_role = "conjoint"};
    match(f, &q, NULL, NULL);
    /* folded: case and accents do not matter, the birth date does */
    q = (struct case_person_input){
        .last_name = "LEFEVRE", .first_name = "elodie", .birth_date = "1990-04-03"};
    match(f, &q, idb, "nom, prenom et date de naissance");
    q.birth_date = "1990-04-04";
    match(f, &q, NULL, NULL);

    /* the order matters: a NIR match wins over a name match of someone else */
    q = (struct case_person_input){.nir = "185057800608491",
                                   .last_name = "Lefèvre",
                                   .first_name = "Élodie",
                                   .birth_date = "1990-04-03"};
    match(f, &q, ida, "nir");
    /* an unknown NIR falls through to the next identifiers */
    q.nir = "290042A00412336";
    match(f, &q, idb, "nom, prenom et date de naissance");
    q.internal_id = "IODAS-1";
    match(f, &q, ida, "identifiant interne");
    q.internal_id = "IODAS-2";
    q.caf_number = "7654321";
    q.caf_role = "demandeur";
    match(f, &q, ida, "numero caf et role");

    /* a malformed NIR is an error, not "no match" */
    q = (struct case_person_input){.nir = "185057800608490"};
    err_clear(&f->e);
    assert_int_equal(case_person_match(&f->c, &q, &id, &rule, &f->e), -1);
    assert_int_equal(f->e.code, ERR_INVALID);

    /* an agent needs personne.lire somewhere; matching is global (no duplicates) */
    as(f, &u_calais);
    q = (struct case_person_input){.nir = "185057800608491"};
    match(f, &q, ida, "nir");
    as(f, &u_elu);
    err_clear(&f->e);
    assert_int_equal(case_person_match(&f->c, &q, &id, &rule, &f->e), -1);
    assert_int_equal(f->e.code, ERR_FORBIDDEN);
    as(f, NULL);
}

/* ---- moves ---------------------------------------------------------------------- */

static void test_move(void **state)
{
    struct fx *f = *state;
    struct case_person_input in = person("Dupont", "Jean", "1985-05-12", "M", "62510");
    struct case_person_input nomad = person("Sans", "Adresse", "1960-03-03", "M", NULL);
    struct case_person p;
    const char *id, *id2;

    id = create(f, &in);
    assert_string_equal(case_person_mds(&f->c, id, TODAY, &f->e), "lens-lievin");
    assert_int_equal(case_person_move(&f->c, id, "62193", "3 place d'Armes", "2024-03-01", &f->e),
                     0);
    assert_string_equal(case_person_mds(&f->c, id, TODAY, &f->e), "calaisis");
    /* the old address is kept, closed the day before */
    assert_string_equal(case_person_mds(&f->c, id, "2024-02-29", &f->e), "lens-lievin");
    assert_string_equal(
        text(f, "SELECT valid_to FROM person_address WHERE person = ? AND commune = '62510'", id),
        "2024-02-29");
    assert_int_equal(count(f, "SELECT count(*) FROM person_address WHERE person = ?", id), 2);

    /* the new date must follow the current address's start */
    err_clear(&f->e);
    assert_int_equal(case_person_move(&f->c, id, "62498", NULL, "2024-03-01", &f->e), -1);
    assert_int_equal(f->e.code, ERR_CONFLICT);
    assert_non_null(strstr(f->e.message, "01/03/2024"));
    err_clear(&f->e);
    assert_int_equal(case_person_move(&f->c, id, "62193", "3 place d'Armes", "2024-04-01", &f->e),
                     -1);
    assert_int_equal(f->e.code, ERR_CONFLICT);
    assert_non_null(strstr(f->e.message, "déjà"));
    err_clear(&f->e);
    assert_int_equal(case_person_move(&f->c, "P0000099", "62193", NULL, NULL, &f->e), -1);
    assert_int_equal(f->e.code, ERR_NOT_FOUND);
    assert_non_null(strstr(f->e.message, "P0000099"));
    err_clear(&f->e);
    assert_int_equal(case_person_move(&f->c, id, "62193", NULL, "2024-07-01", &f->e), -1);
    assert_int_equal(f->e.code, ERR_INVALID);
    assert_int_equal(count(f, "SELECT count(*) FROM person_address WHERE person = ?", id), 2);

    /* the competent MDS decides who may move and read the person */
    as(f, &u_lens);
    err_clear(&f->e);
    assert_int_equal(case_person_move(&f->c, id, "62510", NULL, "2024-05-01", &f->e), -1);
    assert_int_equal(f->e.code, ERR_FORBIDDEN);
    assert_string_equal(text(f, "SELECT action FROM access_log ORDER BY seq DESC LIMIT 1", NULL),
                        "refus");
    err_clear(&f->e);
    assert_int_equal(case_person_get(&f->c, id, &p, &f->e), -1);
    assert_int_equal(f->e.code, ERR_FORBIDDEN);
    as(f, &u_calais);
    err_clear(&f->e);
    assert_int_equal(case_person_get(&f->c, id, &p, &f->e), 0);
    assert_string_equal(p.mds, "calaisis");
    assert_string_equal(p.commune, "62193");
    assert_string_equal(p.commune_name, "Calais");
    assert_string_equal(p.address, "3 place d'Armes");
    assert_int_equal(case_person_move(&f->c, id, "62510", "1 rue de Lens", "2024-05-01", &f->e), 0);
    assert_string_equal(case_person_mds(&f->c, id, TODAY, &f->e), "lens-lievin");

    /* a person without address gets one from the new commune's MDS */
    as(f, NULL);
    id2 = create(f, &nomad);
    assert_null(case_person_mds(&f->c, id2, TODAY, &f->e));
    as(f, &u_lens);
    assert_int_equal(case_person_move(&f->c, id2, "62498", NULL, "2024-01-01", &f->e), 0);
    assert_string_equal(case_person_mds(&f->c, id2, TODAY, &f->e), "lens-lievin");
    as(f, NULL);
}

/* ---- households --------------------------------------------------------------- */

static void hh_fails(struct fx *f, int rc, enum err_code code, const char *want)
{
    assert_int_equal(rc, -1);
    if (f->e.code != code || (!strstr(f->e.message, want) && !strstr(f->e.detail, want)))
        fail_msg("%s: « %s », expected %s with « %s »", err_code_name(f->e.code), f->e.message,
                 err_code_name(code), want);
    err_clear(&f->e);
}

static void test_household(void **state)
{
    struct fx *f = *state;
    struct case_person_input in;
    const char *mother, *father, *child, *grandma, *hh, *hh2;
    int64_t members;

    in = person("Martin", "Sophie", "1985-05-12", "F", "62510");
    mother = create(f, &in);
    in = person("Martin", "Paul", "1983-02-01", "M", "62510");
    father = create(f, &in);
    in = person("Martin", "Léa", "2015-09-20", "F", "62510");
    child = create(f, &in);
    in = person("Leroy", "Odette", "1940-11-11", "F", "62510");
    grandma = create(f, &in);

    err_clear(&f->e);
    assert_int_equal(case_household_create(&f->c, NULL, "Foyer Martin", "2023-01-10", &hh, &f->e),
                     0);
    assert_string_equal(hh, "F0000001");
    assert_int_equal(case_household_add(&f->c, hh, mother, "demandeur", "2023-01-10", &f->e), 0);
    assert_int_equal(case_household_add(&f->c, hh, father, "conjoint", "2023-01-10", &f->e), 0);
    assert_int_equal(case_household_add(&f->c, hh, child, "enfant", "2023-01-10", &f->e), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM household_member WHERE household = ?", hh), 3);
    assert_string_equal(text(f, "SELECT role FROM household_member WHERE person = ?", child),
                        "enfant");

    members = count(f, "SELECT count(*) FROM household_member", NULL);
    hh_fails(f, case_household_add(&f->c, hh, father, "demandeur", "2023-02-01", &f->e),
             ERR_CONFLICT, "déjà membre");
    hh_fails(f, case_household_add(&f->c, hh, grandma, "demandeur", "2023-02-01", &f->e),
             ERR_CONFLICT, mother);
    hh_fails(f, case_household_add(&f->c, hh, grandma, "grand-mere", "2023-02-01", &f->e),
             ERR_INVALID, "grand-mere");
    hh_fails(f, case_household_add(&f->c, hh, grandma, "autre", "2022-12-31", &f->e), ERR_INVALID,
             "création du foyer");
    hh_fails(f, case_household_add(&f->c, "F0000042", grandma, "autre", "2023-02-01", &f->e),
             ERR_NOT_FOUND, "F0000042");
    hh_fails(f, case_household_add(&f->c, hh, "P0000042", "autre", "2023-02-01", &f->e),
             ERR_NOT_FOUND, "P0000042");
    hh_fails(f, case_household_add(&f->c, hh, grandma, NULL, "2023-02-01", &f->e), ERR_INVALID,
             "rôle");
    hh_fails(f, case_household_add(&f->c, NULL, grandma, "autre", "2023-02-01", &f->e), ERR_INVALID,
             "foyer");
    hh_fails(f, case_household_leave(&f->c, hh, "", "2023-02-01", &f->e), ERR_INVALID, "personne");
    assert_int_equal(count(f, "SELECT count(*) FROM household_member", NULL), members);

    /* departures: the stay ends the day before; a new demandeur may come then */
    hh_fails(f, case_household_leave(&f->c, hh, grandma, "2023-06-01", &f->e), ERR_CONFLICT,
             "pas membre actuel");
    hh_fails(f, case_household_leave(&f->c, hh, mother, "2023-01-10", &f->e), ERR_CONFLICT,
             "10/01/2023");
    assert_int_equal(case_household_leave(&f->c, hh, mother, "2023-06-01", &f->e), 0);
    assert_string_equal(text(f, "SELECT valid_to FROM household_member WHERE person = ?", mother),
                        "2023-05-31");
    /* a demandeur added back to before the departure would make two at once */
    hh_fails(f, case_household_add(&f->c, hh, father, "demandeur", "2023-05-01", &f->e),
             ERR_CONFLICT, "déjà membre");
    hh_fails(f, case_household_add(&f->c, hh, grandma, "demandeur", "2023-05-31", &f->e),
             ERR_CONFLICT, mother);
    assert_int_equal(case_household_add(&f->c, hh, grandma, "demandeur", "2023-06-01", &f->e), 0);
    /* the mother may come back, from her departure day on, in another role */
    hh_fails(f, case_household_add(&f->c, hh, mother, "conjoint", "2023-05-15", &f->e),
             ERR_CONFLICT, "jusqu'au 31/05/2023");
    assert_int_equal(case_household_add(&f->c, hh, mother, "conjoint", "2023-06-01", &f->e), 0);
    assert_int_equal(
        count(f, "SELECT count(*) FROM household_member WHERE person = ? AND valid_to IS NULL",
              mother),
        1);

    /* a person may be a member of another household at the same time (shared custody) */
    assert_int_equal(case_household_create(&f->c, NULL, "Foyer Leroy", "2023-01-01", &hh2, &f->e),
                     0);
    assert_int_equal(case_household_add(&f->c, hh2, child, "enfant", "2023-03-01", &f->e), 0);
    hh_fails(f, case_household_create(&f->c, NULL, "   ", NULL, &hh2, &f->e), ERR_INVALID,
             "libelle");
    hh_fails(f, case_household_create(&f->c, "F0000001", "Encore", NULL, &hh2, &f->e), ERR_CONFLICT,
             "F0000001");
    assert_int_equal(count(f, "SELECT count(*) FROM household", NULL), 2);

    /* an agent of another MDS may not change the household of a Liévin family */
    as(f, &u_calais);
    hh_fails(f, case_household_leave(&f->c, hh, father, "2024-01-01", &f->e), ERR_FORBIDDEN,
             "lens-lievin");
    as(f, &u_lens);
    assert_int_equal(case_household_leave(&f->c, hh, father, "2024-01-01", &f->e), 0);
    assert_string_equal(text(f,
                             "SELECT action || '|' || object_type || '|' || object_id || '|' "
                             "|| person_id FROM access_log ORDER BY seq DESC LIMIT 1",
                             NULL),
                        arena_printf(&f->a, "ecriture|foyer|%s|%s", hh, father));
    as(f, NULL);
}

/* ---- organisations -------------------------------------------------------------- */

static void test_organisation(void **state)
{
    struct fx *f = *state;
    const char *id, *id2;

    err_clear(&f->e);
    assert_int_equal(case_organisation_create(&f->c, NULL, "Association Solidarité Liévin",
                                              "732 829 320 00074", "w623001234", "62510",
                                              "2023-02-01", &id, &f->e),
                     0);
    assert_string_equal(id, "O0000001");
    assert_string_equal(text(f, "SELECT siret || '|' || rna FROM organisation WHERE id = ?", id),
                        "73282932000074|W623001234");
    hh_fails(f,
             case_organisation_create(&f->c, NULL, "Autre", "73282932000075", NULL, NULL, NULL,
                                      &id2, &f->e),
             ERR_INVALID, "73282932000075");
    hh_fails(f,
             case_organisation_create(&f->c, NULL, "Doublon", "73282932000074", NULL, NULL, NULL,
                                      &id2, &f->e),
             ERR_CONFLICT, "O0000001");
    hh_fails(f,
             case_organisation_create(&f->c, NULL, "Doublon RNA", NULL, "W623001234", NULL, NULL,
                                      &id2, &f->e),
             ERR_CONFLICT, "O0000001");
    hh_fails(f,
             case_organisation_create(&f->c, NULL, "Mauvais RNA", NULL, "W6230012", NULL, NULL,
                                      &id2, &f->e),
             ERR_INVALID, "RNA");
    hh_fails(f, case_organisation_create(&f->c, NULL, NULL, NULL, NULL, NULL, NULL, &id2, &f->e),
             ERR_INVALID, "nom");
    hh_fails(f,
             case_organisation_create(&f->c, NULL, "Commune inconnue", NULL, NULL, "99999", NULL,
                                      &id2, &f->e),
             ERR_NOT_FOUND, "99999");
    assert_int_equal(count(f, "SELECT count(*) FROM organisation", NULL), 1);
    /* without SIRET nor RNA (a collectif), by an agent: logged as a change */
    as(f, &u_calais);
    assert_int_equal(case_organisation_create(&f->c, NULL, "Collectif des habitants", NULL, NULL,
                                              "62193", NULL, &id2, &f->e),
                     0);
    assert_string_equal(id2, "O0000002");
    assert_string_equal(
        text(f, "SELECT action || '|' || grant_used FROM access_log ORDER BY seq DESC LIMIT 1",
             NULL),
        "ecriture|accueil@mds:calaisis");
    as(f, &u_elu);
    hh_fails(f,
             case_organisation_create(&f->c, NULL, "Refusée", NULL, NULL, NULL, NULL, &id2, &f->e),
             ERR_FORBIDDEN, "personne.ecrire");
    assert_string_equal(text(f, "SELECT action FROM access_log ORDER BY seq DESC LIMIT 1", NULL),
                        "refus");
    as(f, NULL);
}

/* ---- reads and their log ------------------------------------------------------------ */

static void test_get_access(void **state)
{
    struct fx *f = *state;
    struct case_person_input in = person("Dupont", "Jean", "1985-05-12", "M", "62510");
    struct case_person_input cal = person("Bernard", "Anne", "1970-07-07", "F", "62193");
    struct case_person p;
    const char *id, *idc;
    int64_t logs;

    in.nir = "185057800608491";
    in.phone = "0321000000";
    id = create(f, &in);
    idc = create(f, &cal);
    /* the system reads without log */
    assert_int_equal(case_person_get(&f->c, id, &p, &f->e), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM access_log", NULL), 0);
    assert_string_equal(p.nir, "185057800608491");
    assert_string_equal(p.last_name, "Dupont");
    assert_string_equal(p.birth_date, "1985-05-12");
    assert_string_equal(p.commune_name, "Liévin");
    assert_null(p.email);
    assert_null(p.address);

    /* an agent of the competent MDS: allowed, logged as a read with the grant */
    as(f, &u_lens);
    assert_int_equal(case_person_get(&f->c, id, &p, &f->e), 0);
    assert_string_equal(p.phone, "0321000000");
    assert_string_equal(text(f,
                             "SELECT action || '|' || object_type || '|' || object_id || '|' || "
                             "person_id || '|' || grant_used || '|' || login "
                             "FROM access_log ORDER BY seq DESC LIMIT 1",
                             NULL),
                        arena_printf(&f->a,
                                     "lecture|personne|%s|%s|accueil@mds:lens-lievin|"
                                     "agent.lens",
                                     id, id));
    /* another MDS: refused, and the refusal logged */
    as(f, &u_calais);
    logs = count(f, "SELECT count(*) FROM access_log", NULL);
    err_clear(&f->e);
    assert_int_equal(case_person_get(&f->c, id, &p, &f->e), -1);
    assert_int_equal(f->e.code, ERR_FORBIDDEN);
    assert_non_null(strstr(f->e.message, "lens-lievin"));
    assert_null(p.id);
    assert_int_equal(count(f, "SELECT count(*) FROM access_log", NULL), logs + 1);
    assert_string_equal(text(f,
                             "SELECT action || '|' || login || '|' || object_id FROM access_log "
                             "ORDER BY seq DESC LIMIT 1",
                             NULL),
                        arena_printf(&f->a, "refus|agent.calais|%s", id));
    /* no id, an unknown person */
    err_clear(&f->e);
    assert_int_equal(case_person_get(&f->c, NULL, &p, &f->e), -1);
    assert_int_equal(f->e.code, ERR_INVALID);
    err_clear(&f->e);
    assert_int_equal(case_person_get(&f->c, "P0000077", &p, &f->e), -1);
    assert_int_equal(f->e.code, ERR_NOT_FOUND);
    /* a role without personne.lire */
    as(f, &u_elu);
    err_clear(&f->e);
    assert_int_equal(case_person_get(&f->c, id, &p, &f->e), -1);
    assert_int_equal(f->e.code, ERR_FORBIDDEN);
    /* a département-wide grant reads everyone */
    as(f, &u_dep);
    err_clear(&f->e);
    assert_int_equal(case_person_get(&f->c, idc, &p, &f->e), 0);
    assert_string_equal(p.mds, "calaisis");

    /* through a dossier: a Calais person with a dossier handled at Lens-Liévin */
    as(f, NULL);
    {
        struct store_stmt *q;
        assert_int_equal(store_begin(f->s, &f->e), 0);
        q = store_prepare(f->s,
                          "INSERT INTO dossier(id, dispositif, beneficiary_type, beneficiary, "
                          "person, site_grid, site_code, data_class, state, opened_on, seq) "
                          "VALUES ('D0000001', 'secours_urgence', 'personne', ?, ?, 'mds', "
                          "'lens-lievin', 'social', 'depose', '2024-01-05', 1)",
                          &f->e);
        assert_non_null(q);
        store_bind_text(q, 1, idc);
        store_bind_text(q, 2, idc);
        assert_int_equal(store_step_done(q, &f->e), 0);
        assert_int_equal(store_commit(f->s, &f->e), 0);
    }
    as(f, &u_ts_lens); /* may see social dossiers at Lens-Liévin */
    assert_int_equal(case_person_get(&f->c, idc, &p, &f->e), 0);
    assert_string_equal(p.mds, "calaisis");
    assert_string_equal(
        text(f, "SELECT action || '|' || grant_used FROM access_log ORDER BY seq DESC LIMIT 1",
             NULL),
        "lecture|travailleur_social@mds:lens-lievin");
    as(f, &u_lens); /* accueil: no dossier.lire, so the dossier opens nothing */
    err_clear(&f->e);
    assert_int_equal(case_person_get(&f->c, idc, &p, &f->e), -1);
    assert_int_equal(f->e.code, ERR_FORBIDDEN);
    as(f, NULL);
}

/* Creating a person is a change logged on the commune's MDS; another MDS is refused. */
static void test_create_access(void **state)
{
    struct fx *f = *state;
    struct case_person_input in = person("Dupont", "Jean", "1985-05-12", "M", "62510");
    struct case_person_input nomad = person("Sans", "Adresse", "1960-03-03", "M", NULL);
    const char *id;

    as(f, &u_calais);
    create_fails(f, &in, ERR_FORBIDDEN, "lens-lievin");
    assert_string_equal(
        text(f,
             "SELECT action || '|' || object_type || '|' || object_id FROM access_log "
             "ORDER BY seq DESC LIMIT 1",
             NULL),
        "refus|personne|P0000001");
    create_fails(f, &nomad, ERR_FORBIDDEN, "commune");
    as(f, &u_lens);
    id = create(f, &in);
    assert_string_equal(id, "P0000001");
    assert_string_equal(
        text(f,
             "SELECT action || '|' || grant_used || '|' || person_id FROM access_log "
             "ORDER BY seq DESC LIMIT 1",
             NULL),
        "ecriture|accueil@mds:lens-lievin|P0000001");
    assert_string_equal(text(f, "SELECT actor FROM journal ORDER BY seq DESC LIMIT 1", NULL),
                        "agent.lens");
    as(f, &u_dep);
    assert_string_equal(create(f, &nomad), "P0000002");
    as(f, NULL);
}

/* ---- search ----------------------------------------------------------------------------- */

static void search(struct fx *f, const char *name, const char *birth, const char *commune,
                   size_t max, size_t want, const char *first_id)
{
    struct case_person *p;
    size_t n = 99;

    err_clear(&f->e);
    if (case_person_search(&f->c, name, birth, commune, max, &p, &n, &f->e) != 0)
        fail_msg("case_person_search %s: %s", name ? name : "-", f->e.message);
    if (n != want)
        fail_msg("search %s: %zu results, expected %zu", name ? name : "-", n, want);
    if (first_id)
        assert_string_equal(p[0].id, first_id);
    for (size_t i = 0; i < n; i++) {
        assert_null(p[i].nir); /* identity only */
        assert_null(p[i].phone);
    }
}

static void test_search(void **state)
{
    struct fx *f = *state;
    struct case_person_input a = person("Lefèvre", "Élodie", "1990-04-03", "F", "62510");
    struct case_person_input b = person("LEFEVRE", "Elodie", "1991-01-01", "F", "62193");
    struct case_person_input c = person("Lefebvre", "Marc", "1975-10-10", "M", "62498");
    struct case_person_input d = person("Sans", "Adresse", "1960-03-03", "M", NULL);
    struct case_person *p;
    const char *ida, *idb;
    size_t n;
    int64_t logs;

    a.nir = "290046251012388";
    ida = create(f, &a);
    idb = create(f, &b);
    create(f, &c);
    create(f, &d);

    search(f, "lefevre", NULL, NULL, 10, 2, ida); /* sorted by name then birth date */
    search(f, "LEFÈVRE élodie", NULL, NULL, 10, 2, ida);
    search(f, "elodie lefevre", NULL, NULL, 10, 2, ida); /* words in any order */
    search(f, "lefe", NULL, NULL, 10, 3, NULL);
    search(f, "lefe", NULL, NULL, 2, 2, NULL);
    search(f, "lefevre", "1991-01-01", NULL, 10, 1, idb);
    search(f, NULL, NULL, "62498", 10, 1, NULL);
    search(f, "lefevre", NULL, "62498", 10, 0, NULL);
    search(f, "sans", NULL, NULL, 10, 1, NULL);
    search(f, "dupont", NULL, NULL, 10, 0, NULL);

    /* an agent sees the persons of their MDS only, and is not logged */
    as(f, &u_lens);
    logs = count(f, "SELECT count(*) FROM access_log", NULL);
    search(f, "lefevre", NULL, NULL, 10, 1, ida);
    search(f, "lefe", NULL, NULL, 10, 2, NULL);
    search(f, "sans", NULL, NULL, 10, 0, NULL); /* no address: no MDS */
    assert_int_equal(case_person_search(&f->c, "lefevre", NULL, NULL, 10, &p, &n, &f->e), 0);
    assert_string_equal(p[0].mds, "lens-lievin");
    assert_string_equal(p[0].commune_name, "Liévin");
    assert_string_equal(p[0].birth_date, "1990-04-03");
    as(f, &u_calais);
    search(f, "lefevre", NULL, NULL, 10, 1, idb);
    as(f, &u_dep);
    search(f, "lefe", NULL, NULL, 10, 3, NULL);
    search(f, "sans", NULL, NULL, 10, 1, NULL);
    assert_int_equal(count(f, "SELECT count(*) FROM access_log", NULL), logs);
    as(f, &u_elu);
    err_clear(&f->e);
    assert_int_equal(case_person_search(&f->c, "lefevre", NULL, NULL, 10, &p, &n, &f->e), -1);
    assert_int_equal(f->e.code, ERR_FORBIDDEN);
    as(f, NULL);

    err_clear(&f->e);
    assert_int_equal(case_person_search(&f->c, NULL, NULL, NULL, 10, &p, &n, &f->e), -1);
    assert_int_equal(f->e.code, ERR_INVALID);
    err_clear(&f->e);
    assert_int_equal(case_person_search(&f->c, "-'-", NULL, NULL, 10, &p, &n, &f->e), -1);
    assert_int_equal(f->e.code, ERR_INVALID);
    err_clear(&f->e);
    assert_int_equal(case_person_search(&f->c, "x", "03/04/1990", NULL, 10, &p, &n, &f->e), -1);
    assert_int_equal(f->e.code, ERR_INVALID);
}

/* ---- replay ---------------------------------------------------------------------------- */

static void test_replay(void **state)
{
    struct fx *f = *state;
    struct case_person_input in;
    const char *p1, *p2, *p3, *hh, *org, *next;
    char before[65], after[65];

    in = person("Dupont", "Jean", "1985-05-12", "M", "62510");
    in.nir = "185057800608491";
    in.internal_id = "IODAS-7";
    in.caf_number = "1111111";
    in.caf_role = "demandeur";
    in.address = "12 rue Jean Jaurès";
    in.phone = "03 21 00 00 00";
    in.email = "jean.dupont@example.fr";
    p1 = create(f, &in);
    in = person("Dupont", "Marie", "1987-03-08", "F", "62510");
    in.id = "P0000010"; /* an imported id moves the counter past it */
    p2 = create(f, &in);
    in = person("Dupont", "Théo", "2016-11-30", "M", NULL);
    p3 = create(f, &in);
    assert_string_equal(p3, "P0000011");
    assert_int_equal(case_person_move(&f->c, p1, "62193", "1 quai", "2024-02-01", &f->e), 0);
    assert_int_equal(case_person_move(&f->c, p3, "62193", NULL, "2024-02-01", &f->e), 0);
    assert_int_equal(case_household_create(&f->c, NULL, "Foyer Dupont", "2023-01-10", &hh, &f->e),
                     0);
    assert_int_equal(case_household_add(&f->c, hh, p1, "demandeur", "2023-01-10", &f->e), 0);
    assert_int_equal(case_household_add(&f->c, hh, p2, "conjoint", "2023-01-10", &f->e), 0);
    assert_int_equal(case_household_add(&f->c, hh, p3, "enfant", "2023-01-10", &f->e), 0);
    assert_int_equal(case_household_leave(&f->c, hh, p2, "2024-01-15", &f->e), 0);
    assert_int_equal(case_organisation_create(&f->c, NULL, "Épicerie solidaire", "73282932000074",
                                              NULL, "62193", "2023-05-05", &org, &f->e),
                     0);

    assert_int_equal(case_projection_digest(f->s, before, &f->e), 0);
    if (case_replay(f->s, &f->cat, &f->e) != 0)
        fail_msg("case_replay: %s", f->e.message);
    assert_int_equal(case_projection_digest(f->s, after, &f->e), 0);
    assert_string_equal(before, after);
    assert_int_equal(count(f, "SELECT count(*) FROM person", NULL), 3);
    assert_int_equal(count(f, "SELECT count(*) FROM person_address", NULL), 4);
    assert_int_equal(count(f, "SELECT count(*) FROM household_member", NULL), 3);
    assert_string_equal(case_person_mds(&f->c, p1, TODAY, &f->e), "calaisis");
    /* the counters were rebuilt too */
    next = case_id_next(&f->c, 'P', &f->e);
    assert_string_equal(next, "P0000012");

    /* the digest does see a change */
    {
        struct store_stmt *q;
        assert_int_equal(store_begin(f->s, &f->e), 0);
        q = store_prepare(f->s, "UPDATE person SET first_name = 'Jeanne' WHERE id = ?", &f->e);
        store_bind_text(q, 1, p1);
        assert_int_equal(store_step_done(q, &f->e), 0);
        assert_int_equal(store_commit(f->s, &f->e), 0);
    }
    assert_int_equal(case_projection_digest(f->s, after, &f->e), 0);
    assert_string_not_equal(before, after);
}

/* person_name_key_both against person_name_key, the three keys the checks used to fold. */
static void expect_keys(struct arena *a, const char *last, const char *first)
{
    const char *both = person_name_key_both(a, last, first);
    const char *key = person_name_key(a, last, first);
    bool letters = person_name_key(a, last, "") && person_name_key(a, "", first);

    if (!letters && both)
        fail_msg("« %s » « %s »: key « %s », expected none", last, first, both);
    if (letters && (!both || !key || strcmp(both, key) != 0))
        fail_msg("« %s » « %s »: key « %s », expected « %s »", last, first, both ? both : "(none)",
                 key ? key : "(none)");
}

/*
 * The name key folded once per name is the key of "last first", and is
 * missing exactly when one of the names has no letter.
 */
static void test_name_key_both(void **state)
{
    static const char *const names[] = {"Durand",
                                        "DURAND",
                                        "  Jean-Marc ",
                                        "O'Brien",
                                        "d`Arc",
                                        "--",
                                        " ' - ` ",
                                        "",
                                        "...",
                                        "Lefèvre",
                                        "ÉLODIE",
                                        "Œdipe",
                                        "O’Neil",
                                        "Jean\xCC\x81",
                                        "\xC2\xA0\x41nne\xC2\xA0",
                                        "\xEF\xBB\xBF",
                                        "Ma\tthieu",
                                        "Van  der   Berg",
                                        "X-Æ",
                                        "李",
                                        "A.B.",
                                        "-Paul-",
                                        "d'",
                                        "Ba-",
                                        "Zoé\xE2\x80\x93Lou"};
    static const char alphabet[] = "aZ -'`.9\t";
    char last[160], first[160];
    struct arena a;
    unsigned seed = 12345;

    arena_init(&a, 0);
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        for (size_t j = 0; j < ARRAY_SIZE(names); j++)
            expect_keys(&a, names[i], names[j]);
    /* random short strings of letters, separators and other characters */
    for (int k = 0; k < 20000; k++) {
        char *out[2] = {last, first};
        for (int w = 0; w < 2; w++) {
            size_t n = (seed = seed * 1103515245u + 12345u) >> 28;
            for (size_t i = 0; i < n; i++)
                out[w][i] =
                    alphabet[((seed = seed * 1103515245u + 12345u) >> 16) % (sizeof(alphabet) - 1)];
            out[w][n] = '\0';
        }
        expect_keys(&a, last, first);
    }
    /* long names */
    memset(last, 'A', 150);
    last[150] = '\0';
    memset(first, 'b', 150);
    first[150] = '\0';
    expect_keys(&a, last, first);
    assert_int_equal(strlen(person_name_key_both(&a, last, first)), 301);
    assert_string_equal(person_name_key_both(&a, " Le  Goff-", "Éloïse"), "le goff eloise");
    assert_null(person_name_key_both(&a, "Durand", "--"));
    assert_null(person_name_key_both(&a, "'", "Paul"));
    arena_release(&a);
    (void)state;
}

/* person_text_check's answer for s, and its message when refused. */
static void expect_text(const char *s, size_t max, bool required, const char *want)
{
    struct err e;
    int rc;

    err_clear(&e);
    rc = person_text_check("nom", s, max, required, &e);
    if (!want) {
        if (rc != 0)
            fail_msg("« %s » refused: %s", s, e.message);
        return;
    }
    if (rc != -1)
        fail_msg("« %s » accepted, expected « %s »", s, want);
    if (strcmp(e.message, want) != 0)
        fail_msg("« %s »: « %s », expected « %s »", s, e.message, want);
}

/* person_text_check's refusals in their order: UTF-8, length, control character, blank. */
static void test_text_check(void **state)
{
    const char *ctl = "champ « nom » : caractère de contrôle interdit";

    expect_text("Durand", 100, true, NULL);
    expect_text("Lefèvre-Œuf 李 😀", 100, true, NULL);
    expect_text("  ", 100, false, NULL);
    expect_text("", 100, false, NULL);
    expect_text("  ", 100, true, "champ « nom » vide");
    expect_text("\xC2\xA0", 100, true, NULL); /* a no-break space is not ' ' */
    expect_text("abcd", 4, true, NULL);
    expect_text("abcde", 4, true, "champ « nom » trop long : 5 octets, 4 au plus");
    expect_text("éé", 4, true, NULL);
    expect_text("ééé", 4, true, "champ « nom » trop long : 6 octets, 4 au plus");
    expect_text("Du\trand", 100, true, ctl);
    expect_text("Du\x7Frand", 100, true, ctl);
    expect_text("Du\xC2\x85rand", 100, true, ctl); /* U+0085, a C1 control */
    expect_text("Du\xC2\xA0rand", 100, true, NULL);
    expect_text("Du\xC3", 100, true, "champ « nom » : texte UTF-8 invalide");
    expect_text("Du\xC0\xAFrand", 100, true, "champ « nom » : texte UTF-8 invalide");
    expect_text("Du\xED\xA0\x80rand", 100, true, "champ « nom » : texte UTF-8 invalide");
    expect_text("Du\xF4\x90\x80\x80", 100, true, "champ « nom » : texte UTF-8 invalide");
    expect_text("\x80", 100, false, "champ « nom » : texte UTF-8 invalide");
    /* several faults: the first in that order is the one said */
    expect_text("\tDu\xC3", 100, true, "champ « nom » : texte UTF-8 invalide");
    expect_text("a\tbcde", 4, true, "champ « nom » trop long : 6 octets, 4 au plus");
    expect_text(" \t ", 100, true, ctl);
    (void)state;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nir),
        cmocka_unit_test(test_siret_rna),
        cmocka_unit_test(test_name_key_both),
        cmocka_unit_test(test_text_check),
        cmocka_unit_test_setup_teardown(test_create, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_caller_transaction, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_match, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_move, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_household, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_organisation, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_get_access, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_create_access, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_search, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_replay, setup, fx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * exchange_history.h: a small but complete history of the case layer, built
 * through the public case API, for the export/import and replay tests:
 * persons (one moves), a household (one member leaves), an organisation, a
 * secours d'urgence granted and paid, one refused with a motive, a FAJ
 * decided in a commission session that is then closed, a reception act.
 * Every operation is recorded at a fixed instant of 2022, so that exports
 * are reproducible.
 */
#ifndef PROXIMA_TESTS_CASE_EXCHANGE_HISTORY_H
#define PROXIMA_TESTS_CASE_EXCHANGE_HISTORY_H

#include "core/compat.h"
#include "case/case.h"
#include "catalog/catalog.h"
#include "core/date.h"
#include "ref/ref.h"
#include "store/store.h"

#include "../store/tmpdir.h"

/* 2022-12-31 10:00 in Paris: "today" for the history and its imports. */
#define HIST_TODAY "2022-12-31"

struct hist {
    char dir[TMPDIR_PATH_MAX];
    char path[TMPDIR_PATH_MAX + 64];
    struct store *s;
    struct arena a;
    struct case_ctx c;
    struct err e;
};

static inline date_t hist_day(const char *iso)
{
    date_t d;
    struct err e;

    if (date_parse_iso(iso, strlen(iso), &d, &e) != 0)
        abort();
    return d;
}

/* A fresh database with the schema and the referential; c acts as the system. */
static inline void hist_open(struct hist *h, const struct catalog *cat)
{
    memset(h, 0, sizeof(*h));
    tmpdir_make(h->dir);
    snprintf(h->path, sizeof(h->path), "%s/proxima.db", h->dir);
    err_clear(&h->e);
    h->s = store_open(h->path, &h->e);
    if (!h->s || store_migrate(h->s, NULL, &h->e) != 0 ||
        ref_load(h->s, PROXIMA_DATADIR, "test", NULL, &h->e) != 0) {
        fprintf(stderr, "hist_open: %s (%s)\n", h->e.message, h->e.detail);
        abort();
    }
    arena_init(&h->a, 0);
    h->c.store = h->s;
    h->c.cat = cat;
    h->c.arena = &h->a;
    h->c.actor = "system";
    h->c.today = hist_day(HIST_TODAY);
}

static inline void hist_close(struct hist *h)
{
    arena_release(&h->a);
    store_close(h->s);
    tmpdir_remove(h->dir);
}

/* The NIR of a person: 13 digits and their key (97 - n mod 97). */
static inline const char *hist_nir(struct hist *h, const char *thirteen)
{
    int64_t n = 0;

    for (const char *p = thirteen; *p; p++)
        n = n * 10 + (*p - '0');
    return arena_printf(&h->a, "%s%02d", thirteen, (int)(97 - n % 97));
}

/* Run one operation in its own transaction, on day iso (Paris), recorded at hh:00. */
#define HIST_OP(h, iso, hh, call)                                                                  \
    do {                                                                                           \
        (h)->c.today = hist_day(iso);                                                              \
        (h)->c.recorded_at = paris_day_start((h)->c.today) + (hh)*3600;                            \
        if (store_begin((h)->s, &(h)->e) != 0)                                                     \
            fail_msg("begin: %s", (h)->e.message);                                                 \
        if ((call) != 0)                                                                           \
            fail_msg("%s: %s (%s) [%s]", #call, (h)->e.message, (h)->e.detail, (h)->e.hint);       \
        if (store_commit((h)->s, &(h)->e) != 0)                                                    \
            fail_msg("commit: %s", (h)->e.message);                                                \
    } while (0)

static inline json_t *hist_facts(const char *json)
{
    json_error_t je;
    json_t *v = json_loads(json, 0, &je);

    if (!v)
        abort();
    return v;
}

/* The history; ids are allocated by the engine (P0000001, F0000001, D0000001...). */
static inline void hist_build(struct hist *h)
{
    struct case_ctx *c = &h->c;
    const char *p1, *p2, *p3, *f1, *o1, *d1, *d2, *d3, *s1, *a1;
    json_t *facts;

    struct case_person_input in1 = {
        .nir = hist_nir(h, "2850362193042"),
        .last_name = "Martin",
        .first_name = "Sophie",
        .birth_date = "1985-03-12",
        .sex = "F",
        .address = "12 rue Royale",
        .commune = "62193",
        .phone = "0321000000",
        .date = "2022-01-10",
    };
    struct case_person_input in2 = {
        .internal_id = "IODAS-4411",
        .caf_number = "1234567",
        .caf_role = "conjoint",
        .last_name = "Martin",
        .first_name = "Éric",
        .birth_date = "1983-07-01",
        .sex = "M",
        .address = "4 place Jean Jaurès",
        .commune = "62498",
        .date = "2022-01-10",
    };
    struct case_person_input in3 = {
        .last_name = "Lefèvre",
        .first_name = "Inès",
        .birth_date = "2002-05-20",
        .sex = "F",
        .address = "1 rue des Capucins",
        .commune = "62041",
        .email = "ines@example.org",
        .date = "2022-02-01",
    };

    HIST_OP(h, "2022-01-10", 9, case_person_create(c, &in1, &p1, &h->e));
    HIST_OP(h, "2022-01-10", 10, case_person_create(c, &in2, &p2, &h->e));
    HIST_OP(h, "2022-02-01", 9, case_person_create(c, &in3, &p3, &h->e));
    HIST_OP(h, "2022-01-11", 9,
            case_household_create(c, NULL, "Foyer Martin", "2022-01-11", &f1, &h->e));
    HIST_OP(h, "2022-01-11", 10, case_household_add(c, f1, p1, "demandeur", "2022-01-11", &h->e));
    HIST_OP(h, "2022-01-11", 11, case_household_add(c, f1, p2, "conjoint", "2022-01-11", &h->e));
    HIST_OP(h, "2022-01-12", 9,
            case_organisation_create(c, NULL, "Épicerie solidaire du Calaisis", "44306184100047",
                                     NULL, "62193", "2022-01-12", &o1, &h->e));

    /* a secours d'urgence granted and paid */
    facts = hist_facts("{\"montant_demande\":\"200.00\",\"besoin\":\"alimentation\"}");
    {
        struct case_open_input o = {.dispositif = "secours_urgence",
                                    .beneficiary = f1,
                                    .person = p1,
                                    .date = "2022-03-01",
                                    .facts = facts};
        HIST_OP(h, "2022-03-01", 9, case_dossier_open(c, &o, &d1, &h->e));
    }
    json_decref(facts);
    {
        struct case_op_input i = {.date = "2022-03-02"};
        HIST_OP(h, "2022-03-02", 9, case_dossier_op(c, d1, OP_INSTRUIRE, &i, &h->e));
    }
    {
        struct case_op_input i = {.date = "2022-03-03", .outcome = "accord", .amount = "200,00"};
        HIST_OP(h, "2022-03-03", 9, case_dossier_op(c, d1, OP_DECIDER, &i, &h->e));
    }
    {
        struct case_op_input i = {.date = "2022-03-04", .amount = "150,00"};
        HIST_OP(h, "2022-03-04", 9, case_dossier_op(c, d1, OP_PAYER, &i, &h->e));
    }
    {
        struct case_op_input i = {.date = "2022-03-20", .amount = "50,00"};
        HIST_OP(h, "2022-03-20", 9, case_dossier_op(c, d1, OP_PAYER, &i, &h->e));
    }

    /* a refusal with a motive ("quote" and a new line: escaped in the export) */
    facts = hist_facts("{\"montant_demande\":\"300.00\",\"besoin\":\"energie\"}");
    {
        struct case_open_input o = {.dispositif = "secours_urgence",
                                    .beneficiary = f1,
                                    .date = "2022-04-01",
                                    .facts = facts};
        HIST_OP(h, "2022-04-01", 9, case_dossier_open(c, &o, &d2, &h->e));
    }
    json_decref(facts);
    {
        struct case_op_input i = {.date = "2022-04-02"};
        HIST_OP(h, "2022-04-02", 9, case_dossier_op(c, d2, OP_INSTRUIRE, &i, &h->e));
    }
    {
        struct case_op_input i = {.date = "2022-04-05",
                                  .outcome = "refus",
                                  .motive = "aide \"énergie\" déjà accordée\npar le FSL"};
        HIST_OP(h, "2022-04-05", 9, case_dossier_op(c, d2, OP_DECIDER, &i, &h->e));
    }

    /* a FAJ decided in commission */
    facts = hist_facts("{\"montant_demande\":\"400.00\",\"objet\":\"formation\"}");
    {
        struct case_open_input o = {.dispositif = "fonds_aide_jeunes",
                                    .beneficiary = p3,
                                    .date = "2022-05-02",
                                    .facts = facts};
        HIST_OP(h, "2022-05-02", 9, case_dossier_open(c, &o, &d3, &h->e));
    }
    json_decref(facts);
    {
        struct case_op_input i = {.date = "2022-05-03"};
        HIST_OP(h, "2022-05-03", 9, case_dossier_op(c, d3, OP_INSTRUIRE, &i, &h->e));
    }
    HIST_OP(h, "2022-05-04", 9,
            case_session_create(c, NULL, "Commission FAJ de l'Arrageois", "2022-05-10",
                                "Mme la vice-présidente", "mds:arrageois", &s1, &h->e));
    {
        struct case_op_input i = {.date = "2022-05-05", .session = s1};
        HIST_OP(h, "2022-05-05", 9, case_dossier_op(c, d3, OP_INSCRIRE_COMMISSION, &i, &h->e));
    }
    {
        struct case_batch_decision b = {.dossier = d3,
                                        .in = {.outcome = "accord", .amount = "400,00"}};
        HIST_OP(h, "2022-05-10", 15, case_session_decide(c, s1, &b, 1, &h->e));
    }
    HIST_OP(h, "2022-05-11", 9,
            case_session_close(c, s1, "Séance du 10 mai 2022 : 1 dossier examiné.", &h->e));

    /* a move, a member leaving, a reception act */
    HIST_OP(h, "2022-06-01", 9,
            case_person_move(c, p2, "62510", "8 rue Thiers", "2022-06-01", &h->e));
    HIST_OP(h, "2022-09-01", 9, case_household_leave(c, f1, p2, "2022-09-01", &h->e));
    facts = hist_facts("{\"motif\":\"information\"}");
    {
        struct case_act_input i = {.dispositif = "accueil_physique",
                                   .date = "2022-09-15",
                                   .site = "mds:calaisis",
                                   .facts = facts};
        HIST_OP(h, "2022-09-15", 9, case_act_record(c, &i, &a1, &h->e));
    }
    json_decref(facts);
    (void)o1;
    (void)a1;
}

#endif

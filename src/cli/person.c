/*
 * person.c: `proxima person` (add, match, move, show, search, dossiers) and
 * `proxima household` (create, add, leave): the identity side of the case
 * layer, for an agent given by --as. Writes run in one transaction each
 * (cli_case_run); reads of a file are checked and logged by the case layer.
 */
#include "core/compat.h"
#include "cli/casecli.h"

#include "access/access.h"
#include "case/run.h"
#include "catalog/catalog.h"

#define IDENTITY_OPTS                                                                              \
    "--nom NOM --prenom PRENOM --naissance AAAA-MM-JJ --sexe F|M [--nir NIR] "                     \
    "[--identifiant-interne ID] [--caf NUMERO --role-caf ROLE] [--commune CODE_INSEE] "            \
    "[--adresse TEXTE] [--telephone TEL] [--courriel COURRIEL]"

static const char person_usage[] =
    "proxima --as AGENT person add|match|move|show|search|dossiers ...";
static const char add_usage[] =
    "proxima --as AGENT person add " IDENTITY_OPTS " [--date AAAA-MM-JJ] [--homonyme]";
static const char match_usage[] = "proxima --as AGENT person match " IDENTITY_OPTS;
static const char move_usage[] =
    "proxima --as AGENT person move PERSONNE --commune CODE_INSEE [--adresse TEXTE] "
    "[--date AAAA-MM-JJ]";
static const char show_usage[] = "proxima --as AGENT person show PERSONNE";
static const char search_usage[] =
    "proxima --as AGENT person search [--nom NOM] [--naissance AAAA-MM-JJ] [--commune CODE_INSEE] "
    "[--max N]";
static const char dossiers_usage[] = "proxima --as AGENT person dossiers PERSONNE";

static const char household_usage[] = "proxima --as AGENT household create|add|leave ...";
static const char hh_create_usage[] =
    "proxima --as AGENT household create --libelle LIBELLE [--date AAAA-MM-JJ]";
static const char hh_add_usage[] = "proxima --as AGENT household add FOYER PERSONNE --role "
                                   "demandeur|conjoint|enfant|autre [--date AAAA-MM-JJ]";
static const char hh_leave_usage[] =
    "proxima --as AGENT household leave FOYER PERSONNE [--date AAAA-MM-JJ]";

#define MATCH_RULE_NAME CASE_MATCH_RULE_NAME

/* ---- person add / match ---- */

struct identity_opts {
    struct case_person_input in;
    const char *naissance, *date;
    bool homonym;
};

static int parse_identity(struct cli_ctx *c, int argc, char **argv, const char *usage,
                          struct identity_opts *o, bool with_date)
{
    const struct cli_optdef defs[] = {
        {"--nom", CLI_OPT_ONE, &o->in.last_name},
        {"--prenom", CLI_OPT_ONE, &o->in.first_name},
        {"--naissance", CLI_OPT_ONE, &o->naissance},
        {"--sexe", CLI_OPT_ONE, &o->in.sex},
        {"--nir", CLI_OPT_ONE, &o->in.nir},
        {"--identifiant-interne", CLI_OPT_ONE, &o->in.internal_id},
        {"--caf", CLI_OPT_ONE, &o->in.caf_number},
        {"--role-caf", CLI_OPT_ONE, &o->in.caf_role},
        {"--commune", CLI_OPT_ONE, &o->in.commune},
        {"--adresse", CLI_OPT_ONE, &o->in.address},
        {"--telephone", CLI_OPT_ONE, &o->in.phone},
        {"--courriel", CLI_OPT_ONE, &o->in.email},
        {"--date", CLI_OPT_ONE, &o->date},
        {"--homonyme", CLI_OPT_FLAG, &o->homonym},
    };
    size_t ndefs = with_date ? ARRAY_SIZE(defs) : ARRAY_SIZE(defs) - 2;

    memset(o, 0, sizeof(*o));
    if (cli_parse(c, argc, argv, 2, usage, defs, ndefs, NULL, 0, 0, NULL) != 0)
        return -1;
    if (cli_date_iso(c, "--naissance", o->naissance, &o->in.birth_date) != 0 ||
        cli_date_iso(c, "--date", o->date, &o->in.date) != 0)
        return -1;
    if (!!o->in.caf_number != !!o->in.caf_role)
        return cli_usage(c, usage, "--caf et --role-caf vont ensemble : donnez les deux");
    return 0;
}

/* The matching rule as a French reader writes it ("numéro CAF et rôle"). */
static const char *rule_label(const char *rule)
{
    return case_match_rule_label(rule);
}

struct add_arg {
    struct identity_opts *o;
    const char *id;
};

static int do_add(struct case_ctx *cc, void *arg, struct err *e)
{
    struct add_arg *a = arg;
    const char *other = NULL, *rule = NULL;

    /* matched in the same transaction as the creation (case_person_add) */
    if (case_person_add(cc, &a->o->in, a->o->homonym, &a->id, &other, &rule, e) == 0)
        return 0;
    if (other) {
        if (rule && !strcmp(rule, MATCH_RULE_NAME))
            return err_hint(e,
                            "utilisez %s (« proxima person show %s ») ; s'il s'agit d'un "
                            "homonyme, ajoutez --homonyme",
                            other, other);
        return err_hint(e, "utilisez %s : « proxima person show %s »", other, other);
    }
    return -1;
}

static int person_add(struct cli_ctx *c, int argc, char **argv)
{
    struct identity_opts o;
    struct add_arg a = {.o = &o};
    struct cli_case s;

    if (parse_identity(c, argc, argv, add_usage, &o, true) != 0)
        return -1;
    if (!o.in.last_name || !o.in.first_name || !o.in.birth_date || !o.in.sex)
        return cli_usage(c, add_usage, "--nom, --prenom, --naissance et --sexe sont obligatoires");
    if (cli_case_open(c, &s, false) != 0)
        return cli_case_close(&s, -1);
    if (cli_case_run(c, &s.cc, do_add, &a) != 0)
        return cli_case_close(&s, -1);
    if (c->json)
        return cli_case_close(&s, cli_print_json(c, json_pack("{s:s}", "id", a.id)));
    printf("%s\n", a.id);
    return cli_case_close(&s, 0);
}

static int person_match(struct cli_ctx *c, int argc, char **argv)
{
    struct identity_opts o;
    const char *id = NULL, *rule = NULL;
    struct cli_case s;

    if (parse_identity(c, argc, argv, match_usage, &o, false) != 0)
        return -1;
    if (cli_case_open(c, &s, false) != 0)
        return cli_case_close(&s, -1);
    if (case_person_match(&s.cc, &o.in, &id, &rule, &c->err) != 0)
        return cli_case_close(&s, -1);
    if (!id) {
        err_set(&c->err, ERR_NOT_FOUND, "aucune personne ne correspond");
        err_detail(&c->err, "règles essayées dans l'ordre : NIR, identifiant interne, numéro "
                            "CAF et rôle, nom + prénom + date de naissance");
        return cli_case_close(&s, err_hint(&c->err, "« proxima person add ... » la crée"));
    }
    if (c->json)
        return cli_case_close(&s,
                              cli_print_json(c, json_pack("{s:s, s:s}", "id", id, "regle", rule)));
    printf("%s (règle : %s)\n", id, rule_label(rule));
    return cli_case_close(&s, 0);
}

/* ---- person move ---- */

struct move_arg {
    const char *person, *commune, *address, *date;
};

static int do_move(struct case_ctx *cc, void *arg, struct err *e)
{
    struct move_arg *a = arg;
    return case_person_move(cc, a->person, a->commune, a->address, a->date, e);
}

static int person_move(struct cli_ctx *c, int argc, char **argv)
{
    struct move_arg a = {0};
    const char *date = NULL;
    const struct cli_optdef defs[] = {
        {"--commune", CLI_OPT_ONE, &a.commune},
        {"--adresse", CLI_OPT_ONE, &a.address},
        {"--date", CLI_OPT_ONE, &date},
    };
    struct cli_case s;

    if (cli_parse(c, argc, argv, 2, move_usage, defs, ARRAY_SIZE(defs), &a.person, 1, 1, NULL) != 0)
        return -1;
    if (!a.commune)
        return cli_usage(c, move_usage, "commune de la nouvelle adresse manquante (--commune)");
    if (cli_date_iso(c, "--date", date, &a.date) != 0)
        return -1;
    if (cli_case_open(c, &s, false) != 0)
        return cli_case_close(&s, -1);
    if (cli_case_run(c, &s.cc, do_move, &a) != 0)
        return cli_case_close(&s, -1);
    if (c->json)
        return cli_case_close(
            &s, cli_print_json(c, json_pack("{s:s, s:s, s:o}", "id", a.person, "commune", a.commune,
                                            "date", a.date ? json_string(a.date) : json_null())));
    printf("%s\n", a.person);
    return cli_case_close(&s, 0);
}

/* ---- person show / dossiers ---- */

/*
 * The dossiers of a person the agent may see. An agent whose roles read no
 * dossier at all (reception) gets an empty list and a note, not an error.
 */
static int visible_dossiers(struct cli_ctx *c, struct cli_case *s, const char *id,
                            struct case_dossier **d, size_t *n, bool *denied)
{
    *d = NULL;
    *n = 0;
    *denied = false;
    if (case_person_dossiers(&s->cc, id, d, n, &c->err) == 0)
        return 0;
    if (c->err.code != ERR_FORBIDDEN)
        return -1;
    err_clear(&c->err);
    *denied = true;
    return 0;
}

static void release_dossiers(struct case_dossier *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        case_dossier_release(&d[i]);
}

static int person_show(struct cli_ctx *c, int argc, char **argv)
{
    struct case_person p;
    struct case_dossier *d;
    const char *id;
    struct cli_case s;
    bool denied;
    size_t n;

    if (cli_parse(c, argc, argv, 2, show_usage, NULL, 0, &id, 1, 1, NULL) != 0)
        return -1;
    if (cli_case_open(c, &s, false) != 0)
        return cli_case_close(&s, -1);
    if (case_person_get(&s.cc, id, &p, &c->err) != 0 ||
        visible_dossiers(c, &s, id, &d, &n, &denied) != 0)
        return cli_case_close(&s, -1);
    if (c->json) {
        json_t *o = cli_person_json(&p), *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, cli_dossier_json(c, &s.cat, &d[i], NULL, 0));
        json_object_set_new(o, "dossiers", arr);
        release_dossiers(d, n);
        return cli_case_close(&s, cli_print_json(c, o));
    }
    cli_person_print(c, &p);
    if (denied)
        printf("\nDossiers : vos rôles ne donnent pas accès aux dossiers de cette personne.\n");
    else if (n == 0)
        printf("\nDossiers : aucun que vous puissiez consulter.\n");
    else
        printf("\nDossiers que vous pouvez consulter (%zu) :\n", n);
    for (size_t i = 0; i < n; i++) {
        printf("  ");
        cli_dossier_line(c, &s.cat, &d[i]);
    }
    release_dossiers(d, n);
    return cli_case_close(&s, 0);
}

static int person_dossiers(struct cli_ctx *c, int argc, char **argv)
{
    struct case_dossier *d;
    const char *id;
    struct cli_case s;
    size_t n;

    if (cli_parse(c, argc, argv, 2, dossiers_usage, NULL, 0, &id, 1, 1, NULL) != 0)
        return -1;
    if (cli_case_open(c, &s, false) != 0)
        return cli_case_close(&s, -1);
    if (case_person_dossiers(&s.cc, id, &d, &n, &c->err) != 0)
        return cli_case_close(&s, -1);
    if (c->json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, cli_dossier_json(c, &s.cat, &d[i], NULL, 0));
        release_dossiers(d, n);
        return cli_case_close(&s, cli_print_json(c, arr));
    }
    if (n == 0)
        printf("Aucun dossier de %s que vous puissiez consulter.\n", id);
    for (size_t i = 0; i < n; i++)
        cli_dossier_line(c, &s.cat, &d[i]);
    release_dossiers(d, n);
    return cli_case_close(&s, 0);
}

/* ---- person search ---- */

#define SEARCH_MAX_DEFAULT 50
#define SEARCH_MAX_LIMIT   1000

static int person_search(struct cli_ctx *c, int argc, char **argv)
{
    const char *name = NULL, *birth = NULL, *commune = NULL, *max_arg = NULL, *birth_iso;
    const struct cli_optdef defs[] = {
        {"--nom", CLI_OPT_ONE, &name},
        {"--naissance", CLI_OPT_ONE, &birth},
        {"--commune", CLI_OPT_ONE, &commune},
        {"--max", CLI_OPT_ONE, &max_arg},
    };
    struct case_person *p;
    int64_t max = SEARCH_MAX_DEFAULT;
    struct cli_case s;
    size_t n;

    if (cli_parse(c, argc, argv, 2, search_usage, defs, ARRAY_SIZE(defs), NULL, 0, 0, NULL) != 0)
        return -1;
    if (!name && !birth && !commune)
        return cli_usage(c, search_usage,
                         "donnez au moins un critère : --nom, --naissance ou "
                         "--commune");
    if (max_arg &&
        (parse_int64(max_arg, strlen(max_arg), &max) != 0 || max < 1 || max > SEARCH_MAX_LIMIT))
        return cli_usage(c, search_usage, "--max : « %s » n'est pas un nombre de 1 à %d", max_arg,
                         SEARCH_MAX_LIMIT);
    if (cli_date_iso(c, "--naissance", birth, &birth_iso) != 0)
        return -1;
    if (cli_case_open(c, &s, false) != 0)
        return cli_case_close(&s, -1);
    if (case_person_search(&s.cc, name, birth_iso, commune, (size_t)max, &p, &n, &c->err) != 0)
        return cli_case_close(&s, -1);
    if (c->json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, cli_person_json(&p[i]));
        return cli_case_close(&s, cli_print_json(c, arr));
    }
    if (n == 0)
        printf("Aucune personne ne correspond parmi celles de vos sites.\n");
    for (size_t i = 0; i < n; i++)
        cli_person_line(c, &p[i]);
    if (n == (size_t)max)
        printf("(%zu premiers résultats : précisez la recherche ou augmentez --max)\n", n);
    return cli_case_close(&s, 0);
}

int cmd_person(struct cli_ctx *c, int argc, char **argv)
{
    if (argc < 2)
        return cli_usage(c, person_usage, "sous-commande manquante");
    if (!strcmp(argv[1], "add"))
        return person_add(c, argc, argv);
    if (!strcmp(argv[1], "match"))
        return person_match(c, argc, argv);
    if (!strcmp(argv[1], "move"))
        return person_move(c, argc, argv);
    if (!strcmp(argv[1], "show"))
        return person_show(c, argc, argv);
    if (!strcmp(argv[1], "search"))
        return person_search(c, argc, argv);
    if (!strcmp(argv[1], "dossiers"))
        return person_dossiers(c, argc, argv);
    return cli_usage(c, person_usage, "sous-commande inconnue : %s", argv[1]);
}

/* ---- households ---- */

struct hh_arg {
    const char *household, *person, *role, *label, *date;
    const char *id;
    int op; /* 0 create, 1 add, 2 leave */
};

static int do_household(struct case_ctx *cc, void *arg, struct err *e)
{
    struct hh_arg *a = arg;

    switch (a->op) {
    case 0:
        return case_household_create(cc, NULL, a->label, a->date, &a->id, e);
    case 1:
        return case_household_add(cc, a->household, a->person, a->role, a->date, e);
    default:
        return case_household_leave(cc, a->household, a->person, a->date, e);
    }
}

static int household_run(struct cli_ctx *c, int argc, char **argv, int op)
{
    static const char *const usages[] = {hh_create_usage, hh_add_usage, hh_leave_usage};
    struct hh_arg a = {.op = op};
    const char *date = NULL, *pos[2];
    const struct cli_optdef defs[] = {
        {"--date", CLI_OPT_ONE, &date},
        {"--libelle", CLI_OPT_ONE, &a.label},
        {"--role", CLI_OPT_ONE, &a.role},
    };
    /* create takes --libelle, add --role, leave neither */
    struct cli_optdef use[2];
    size_t nuse = 0, npos = op == 0 ? 0 : 2;
    struct cli_case s;

    use[nuse++] = defs[0];
    if (op == 0)
        use[nuse++] = defs[1];
    else if (op == 1)
        use[nuse++] = defs[2];
    if (cli_parse(c, argc, argv, 2, usages[op], use, nuse, pos, npos, npos, NULL) != 0)
        return -1;
    if (op == 0 && !a.label)
        return cli_usage(c, usages[op], "libellé du foyer manquant (--libelle)");
    if (op == 1 && !a.role)
        return cli_usage(c, usages[op], "rôle dans le foyer manquant (--role)");
    if (op) {
        a.household = pos[0];
        a.person = pos[1];
    }
    if (cli_date_iso(c, "--date", date, &a.date) != 0)
        return -1;
    if (cli_case_open(c, &s, false) != 0)
        return cli_case_close(&s, -1);
    if (cli_case_run(c, &s.cc, do_household, &a) != 0)
        return cli_case_close(&s, -1);
    if (c->json) {
        json_t *o = op == 0 ? json_pack("{s:s}", "id", a.id)
                            : json_pack("{s:s, s:s, s:s}", "foyer", a.household, "personne",
                                        a.person, "operation", op == 1 ? "arrivee" : "depart");
        return cli_case_close(&s, cli_print_json(c, o));
    }
    printf("%s\n", op == 0 ? a.id : a.household);
    return cli_case_close(&s, 0);
}

int cmd_household(struct cli_ctx *c, int argc, char **argv)
{
    if (argc < 2)
        return cli_usage(c, household_usage, "sous-commande manquante");
    if (!strcmp(argv[1], "create"))
        return household_run(c, argc, argv, 0);
    if (!strcmp(argv[1], "add"))
        return household_run(c, argc, argv, 1);
    if (!strcmp(argv[1], "leave"))
        return household_run(c, argc, argv, 2);
    return cli_usage(c, household_usage, "sous-commande inconnue : %s", argv[1]);
}

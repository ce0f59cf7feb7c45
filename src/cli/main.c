/*
 * main.c: the proxima command line. Global options, then a table of
 * subcommands, one file each (after git.c).
 */
#include "core/compat.h"
#include "cli/cli.h"

#include <stdarg.h>

#ifndef PROXIMA_DATADIR
#define PROXIMA_DATADIR "data"
#endif
#ifndef PROXIMA_VERSION
#define PROXIMA_VERSION "dev"
#endif

struct cli_command {
    const char *name;
    int (*fn)(struct cli_ctx *c, int argc, char **argv);
    const char *summary;
};

static const struct cli_command commands[] = {
    {"init", cmd_init, "crée la base et charge le référentiel territorial"},
    {"migrate", cmd_migrate, "applique les migrations de schéma en attente"},
    {"journal", cmd_journal, "journal des événements : verify"},
    {"registry", cmd_registry, "référentiel territorial : summary, commune"},
    {"catalogue", cmd_catalogue, "catalogue des dispositifs : list, show, check"},
    {"user", cmd_user, "agents et droits : add, grant, revoke, list, password, disable"},
    {"person", cmd_person, "personnes : add, match, move, show, search, dossiers"},
    {"household", cmd_household, "foyers : create, add, leave, show"},
    {"dossier", cmd_dossier, "dossiers : open, show, les opérations du circuit"},
    {"act", cmd_act, "actes : record (accueil, consultation...)"},
    {"commission", cmd_commission, "commissions : create, schedule, decide, close, minutes"},
    {"import", cmd_import, "importe un fichier JSON Lines d'événements (tout ou rien)"},
    {"export", cmd_export, "exporte les événements en JSON Lines"},
    {"replay", cmd_replay, "reconstruit les projections en rejouant le journal"},
    {"serve", cmd_serve, "serveur HTTP : API JSON (--adresse, --port, --routes)"},
    {"indicateurs", cmd_indicateurs, "indicateurs : list, show, compute, explain"},
    {"close-year", cmd_close_year, "clôt une année : fige ses chiffres avec leurs définitions"},
    {"generate", cmd_generate, "génère l'année de référence (--year, --seed, --echelle)"},
    {"check", cmd_check, "compare les chiffres calculés à une table de référence"},
    {"report", cmd_report, "rapport d'activité : HTML, CSV, XLSX, JSON (--year, --format, --out)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage : proxima [--db CHEMIN] [--data DOSSIER] [--as IDENTIFIANT] [--json] "
               "COMMANDE [ARGS]\n\n"
               "Commandes :\n");
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nBase par défaut : var/proxima.db (ou la variable PROXIMA_DB).\n"
               "--as (ou PROXIMA_USER) : l'agent pour qui la commande agit ; ses droits "
               "s'appliquent et ses lectures sont journalisées.\n");
}

struct store *cli_open_store(struct cli_ctx *c, bool require_schema)
{
    int version;

    if (c->store)
        return c->store;
    c->store = store_open(c->db_path, &c->err);
    if (!c->store)
        return NULL;
    if (!require_schema)
        return c->store;
    if (store_schema_version(c->store, &version, &c->err) != 0)
        return NULL;
    if (version == 0) {
        err_set(&c->err, ERR_CONFLICT, "la base %s n'est pas initialisée", c->db_path);
        err_hint(&c->err, "lancez « proxima --db %s init »", c->db_path);
        return NULL;
    }
    if (version < store_migrations[store_migrations_count - 1].version) {
        err_set(&c->err, ERR_CONFLICT, "le schéma de la base %s est en version %d, ancienne",
                c->db_path, version);
        err_hint(&c->err, "lancez « proxima --db %s migrate »", c->db_path);
        return NULL;
    }
    return c->store;
}

const char *cli_data_path(struct cli_ctx *c, const char *rel)
{
    return arena_printf(&c->arena, "%s/%s", c->data_dir, rel);
}

int cli_usage(struct cli_ctx *c, const char *usage_line, const char *fmt, ...)
{
    va_list ap;

    c->err.code = ERR_USAGE;
    va_start(ap, fmt);
    vsnprintf(c->err.message, sizeof(c->err.message), fmt, ap);
    va_end(ap);
    c->err.detail[0] = '\0';
    snprintf(c->err.hint, sizeof(c->err.hint), "usage : %s", usage_line);
    return -1;
}

bool cli_opt(struct cli_ctx *c, int argc, char **argv, int *i, const char *name,
             const char **value)
{
    const char *a = argv[*i];
    size_t n = strlen(name);

    if (strncmp(a, name, n) != 0)
        return false;
    if (a[n] == '=') {
        *value = a + n + 1;
        return true;
    }
    if (a[n] != '\0')
        return false;
    if (*i + 1 >= argc) {
        err_set(&c->err, ERR_USAGE, "l'option %s attend une valeur", name);
        *value = NULL;
        return true;
    }
    *value = argv[++*i];
    return true;
}

int main(int argc, char **argv)
{
    struct cli_ctx c = {0};
    const char *env;
    int i = 1, rc = -1;

    c.db_path = (env = getenv("PROXIMA_DB")) && *env ? env : "var/proxima.db";
    c.data_dir = (env = getenv("PROXIMA_DATA")) && *env ? env : PROXIMA_DATADIR;
    c.as_login = (env = getenv("PROXIMA_USER")) && *env ? env : NULL;
    arena_init(&c.arena, 0);
    err_clear(&c.err);

    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *v;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            rc = 0;
            goto out;
        } else if (!strcmp(argv[i], "--version")) {
            printf("proxima %s\n", PROXIMA_VERSION);
            rc = 0;
            goto out;
        } else if (!strcmp(argv[i], "--json")) {
            c.json = true;
        } else if (cli_opt(&c, argc, argv, &i, "--db", &v)) {
            if (!v)
                goto out;
            c.db_path = v;
        } else if (cli_opt(&c, argc, argv, &i, "--data", &v)) {
            if (!v)
                goto out;
            c.data_dir = v;
        } else if (cli_opt(&c, argc, argv, &i, "--as", &v)) {
            if (!v)
                goto out;
            c.as_login = v;
        } else {
            err_set(&c.err, ERR_USAGE, "option inconnue : %s", argv[i]);
            err_hint(&c.err, "proxima --help liste les options");
            goto out;
        }
    }
    if (i >= argc) {
        usage(stderr);
        err_set(&c.err, ERR_USAGE, "aucune commande donnée");
        goto out;
    }
    for (size_t k = 0; k < ARRAY_SIZE(commands); k++) {
        if (!strcmp(argv[i], commands[k].name)) {
            rc = commands[k].fn(&c, argc - i, argv + i);
            goto out;
        }
    }
    err_set(&c.err, ERR_USAGE, "commande inconnue : %s", argv[i]);
    err_hint(&c.err, "proxima --help liste les commandes");

out:
    if (rc != 0) {
        if (c.err.code == ERR_OK)
            err_set(&c.err, ERR_INTERNAL, "échec sans message (bogue)");
        err_print(&c.err, stderr);
    }
    if (c.store)
        store_close(c.store);
    arena_release(&c.arena);
    return rc == 0 ? 0 : err_exit_status(c.err.code);
}

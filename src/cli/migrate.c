/*
 * migrate.c: `proxima migrate`, apply the schema migrations the database
 * lacks (store_migrate) and say which ones, in French or as JSON.
 */
#include "core/compat.h"
#include "cli/cli.h"
#include "cli/format.h"

#include <jansson.h>

#define MIGRATE_USAGE "proxima [--db CHEMIN] [--json] migrate"

static int print_json(struct cli_ctx *c, int before, int after)
{
    json_t *applied = json_array();
    json_t *out;

    for (size_t i = 0; i < store_migrations_count; i++) {
        const struct store_migration *m = &store_migrations[i];
        if (m->version > before && m->version <= after)
            json_array_append_new(applied,
                                  json_pack("{s:i, s:s}", "version", m->version, "name", m->name));
    }
    out = json_pack("{s:s, s:i, s:i, s:o}", "database", c->db_path, "from", before, "to", after,
                    "applied", applied);
    return cli_print_json(c, out);
}

int cmd_migrate(struct cli_ctx *c, int argc, char **argv)
{
    struct store *s;
    int before, after, applied;

    if (argc > 1)
        return cli_usage(c, MIGRATE_USAGE, "argument inattendu : %s", argv[1]);
    s = cli_open_store(c, false);
    if (!s)
        return -1;
    if (store_schema_version(s, &before, &c->err) != 0)
        return -1;
    if (store_migrate(s, &applied, &c->err) != 0)
        return -1;
    if (store_schema_version(s, &after, &c->err) != 0)
        return -1;
    if (c->json)
        return print_json(c, before, after);
    for (size_t i = 0; i < store_migrations_count; i++) {
        const struct store_migration *m = &store_migrations[i];
        if (m->version > before && m->version <= after)
            printf("migration %d appliquée : %s\n", m->version, m->name);
    }
    if (applied == 0)
        printf("base %s déjà à jour : schéma en version %d\n", c->db_path, after);
    else
        printf("base %s : schéma passé de la version %d à la version %d\n", c->db_path, before,
               after);
    return 0;
}

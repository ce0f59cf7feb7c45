/*
 * init.c: `proxima init`, create or upgrade the database and load the
 * territorial referential from the data directory.
 */
#include "core/compat.h"
#include "cli/cli.h"

#include "ref/ref.h"

static const char init_usage[] = "proxima [--db CHEMIN] init [--acteur NOM]";

int cmd_init(struct cli_ctx *c, int argc, char **argv)
{
    const char *actor = "system";
    struct ref_load_stats st;
    struct store *s;
    int applied = 0, version = 0;

    for (int i = 1; i < argc; i++) {
        const char *v;
        if (cli_opt(c, argc, argv, &i, "--acteur", &v)) {
            if (!v)
                return -1;
            actor = v;
        } else {
            return cli_usage(c, init_usage, "argument inattendu : %s", argv[i]);
        }
    }
    s = cli_open_store(c, false);
    if (!s)
        return -1;
    if (store_migrate(s, &applied, &c->err) != 0 ||
        store_schema_version(s, &version, &c->err) != 0)
        return -1;
    if (ref_load(s, c->data_dir, actor, &st, &c->err) != 0) {
        err_prefix(&c->err, "chargement du référentiel : ");
        return -1;
    }
    if (c->json) {
        printf("{\"base\":\"%s\",\"schema\":%d,\"migrations_appliquees\":%d,"
               "\"referentiel_inchange\":%s,\"communes\":%lld,\"epci\":%lld,"
               "\"affectations\":%lld}\n",
               c->db_path, version, applied, st.unchanged ? "true" : "false",
               (long long)st.communes, (long long)st.epci, (long long)st.assignments);
        return 0;
    }
    printf("Base %s : schéma en version %d (%d migration%s appliquée%s).\n", c->db_path,
           version, applied, applied > 1 ? "s" : "", applied > 1 ? "s" : "");
    if (st.unchanged)
        printf("Référentiel territorial déjà à jour (%lld versions de communes, %lld EPCI).\n",
               (long long)st.communes, (long long)st.epci);
    else
        printf("Référentiel territorial chargé : %lld versions de communes, %lld EPCI, "
               "%lld appartenances datées, %lld rattachements aux grilles, %lld faits publiés.\n",
               (long long)st.communes, (long long)st.epci, (long long)st.memberships,
               (long long)st.assignments, (long long)st.facts);
    return 0;
}

/*
 * rights.c: who may list the rows behind a figure. The CLI (`indicateurs
 * explain --as`) and the report pages (links to the dossiers behind a cell)
 * ask the same question here, so that they cannot disagree.
 */
#include "core/compat.h"
#include "indic/indic.h"

#include "access/access.h"

/* Data classes of the rows behind def (its dispositifs, its terms', its ratio's). */
static void def_classes(const struct indic_dict *d, const struct catalog *cat,
                        const struct indic_def *def, bool *classes, int depth)
{
    if (!def || depth > 32)
        return;
    for (size_t i = 0; i < def->ndispositifs; i++) {
        const struct catalog_dispositif *x = catalog_find(cat, def->dispositifs[i]);
        if (x)
            classes[x->data_class] = true;
    }
    if (def->source == SRC_RAPPORT) {
        def_classes(d, cat, indic_find(d, def->numerator), classes, depth + 1);
        def_classes(d, cat, indic_find(d, def->denominator), classes, depth + 1);
    }
    for (size_t t = 0; t < def->nterms; t++)
        def_classes(d, cat, indic_find(d, def->terms[t]), classes, depth + 1);
}

int indic_may_list_rows(struct store *s, const struct indic_dict *d, const struct catalog *cat,
                        const struct access_user *u, const struct indic_def *def, const char *grid,
                        const char *area, bool log, struct arena *a, const char **grant,
                        struct err *e)
{
    bool classes[CLASS__COUNT] = {false};
    bool site = area && grid && (!strcmp(grid, "mds") || !strcmp(grid, "mdadt"));
    struct access_target t = {.object_type = "indicateur", .object_id = def->code};

    *grant = NULL;
    t.site_grid = site ? grid : ACCESS_SITE_DEPARTEMENT;
    t.site_code = site ? area : "62";
    def_classes(d, cat, def, classes, 0);
    classes[CLASS_NONE] = true;
    for (int cl = 0; cl < CLASS__COUNT; cl++) {
        if (!classes[cl])
            continue;
        t.data_class = (enum data_class)cl;
        if (access_check(cat, u, "dossier.lire", &t, a, grant, e) != 0) {
            if (log) {
                struct err sub;
                err_clear(&sub);
                if (access_log_append(s, u->login, "refus", &t, NULL, &sub) != 0)
                    fprintf(stderr, "warning: access refusal not logged: %s\n", sub.message);
            }
            return -1;
        }
    }
    return 0;
}

/*
 * indic.c: `proxima indicateurs` (list, show, compute, explain) and
 * `proxima close-year`: the indicator dictionary and its engine as the
 * statisticians, the managers and the DPO see them. Values of a closed year
 * are the frozen ones, shown with the definitions frozen with them (a
 * definition changed since is flagged); closing a year freezes the report
 * layout with them. With --as, counts need the "statistiques.lire"
 * capability, and the ids behind a figure need "dossier.lire" on the area
 * for every data class of its dispositifs; each listing of ids is written
 * to the access log.
 */
#include "core/compat.h"
#include "cli/indiccli.h"

#include <jansson.h>

#include "cli/casecli.h"
#include "cli/format.h"
#include "core/file.h"
#include "core/strbuf.h"
#include "report/report.h"

static const char usage[] =
    "proxima indicateurs list [--section S] | show CODE [--year AAAA] | compute --year AAAA "
    "[--grille G] "
    "[--code C] [--mois M] | explain CODE --year AAAA [--grille G --zone Z] [--mois M]";
static const char usage_close[] = "proxima close-year AAAA";

/* ---- shared with check.c (indiccli.h) ------------------------------------ */

int cli_indic_open(struct cli_ctx *c, struct cli_indic *k, bool need_store)
{
    memset(k, 0, sizeof(*k));
    if (need_store) {
        struct store *s = cli_open_store(c, true);
        if (!s)
            return -1;
        if (c->as_login) {
            if (access_user_load(s, &c->arena, c->as_login, &k->u, &c->err) != 0) {
                if (c->err.code == ERR_NOT_FOUND) {
                    err_set(&c->err, ERR_UNAUTHENTICATED, "agent inconnu : « %s » (--as)",
                            c->as_login);
                    err_hint(&c->err, "« proxima user list » liste les agents");
                }
                return -1;
            }
            if (!k->u.active) {
                return err_set(&c->err, ERR_UNAUTHENTICATED,
                               "le compte de l'agent %s est désactivé", c->as_login);
            }
            k->has_user = true;
        }
    }
    if (catalog_load(&k->cat, cli_data_path(c, "catalogue"), &c->err) != 0) {
        err_prefix(&c->err, "chargement du catalogue : ");
        memset(&k->cat, 0, sizeof(k->cat));
        return -1;
    }
    if (indic_dict_load(&k->dict, cli_data_path(c, "indicateurs"), &k->cat, &c->err) != 0) {
        err_prefix(&c->err, "dictionnaire des indicateurs : ");
        catalog_release(&k->cat);
        memset(&k->cat, 0, sizeof(k->cat));
        return -1;
    }
    return 0;
}

int cli_indic_close(struct cli_indic *k, int rc)
{
    indic_dict_release(&k->dict);
    catalog_release(&k->cat);
    return rc;
}

int cli_indic_can_count(struct cli_ctx *c, struct cli_indic *k)
{
    if (!k->has_user)
        return 0;
    for (size_t i = 0; i < k->u.ngrants; i++) {
        const struct catalog_role *r = catalog_role(&k->cat, k->u.grants[i].role);
        if (r && catalog_role_can(r, "statistiques.lire"))
            return 0;
    }
    err_set(&c->err, ERR_FORBIDDEN,
            "l'agent %s n'a pas le droit de consulter les statistiques (statistiques.lire)",
            k->u.login);
    return err_hint(&c->err, "un rôle statistiques, cadre_mds ou elu donne ce droit");
}

int cli_indic_year(struct cli_ctx *c, const char *use, const char *opt, const char *v, int *year)
{
    int64_t y;

    if (!v)
        return cli_usage(c, use, "%s manquant : précisez l'année", opt);
    if (parse_int64(v, strlen(v), &y) != 0 || y < 1900 || y > 2999)
        return cli_usage(c, use, "%s : année invalide « %s »", opt, v);
    *year = (int)y;
    return 0;
}

int cli_indic_values(struct cli_ctx *c, struct cli_indic *k, int year, const char *grid,
                     struct indic_result *r, bool *frozen)
{
    if (indic_frozen(c->store, year, grid, &c->arena, r, frozen, &c->err) != 0)
        return -1;
    if (*frozen)
        return 0;
    return indic_compute(c->store, &k->dict, &k->cat, year, grid, &c->arena, r, &c->err);
}

/* ---- helpers --------------------------------------------------------------- */

static const char *value_text(struct cli_ctx *c, const struct indic_def *def, int64_t v)
{
    struct strbuf sb;
    const char *r;

    strbuf_init(&sb, 128);
    if (def)
        indic_value_format(&sb, def->unit, def->scale, v);
    else
        indic_value_format(&sb, UNIT_NOMBRE, 0, v);
    r = arena_strdup(&c->arena, sb.buf);
    strbuf_release(&sb);
    return r;
}

static json_t *value_json(int64_t v)
{
    return v == INDIC_UNDEFINED ? json_null() : json_integer(v);
}

static int parse_month(struct cli_ctx *c, const char *v, int *month)
{
    int64_t m;

    *month = 0;
    if (!v)
        return 0;
    if (parse_int64(v, strlen(v), &m) != 0 || m < 0 || m > 12)
        return cli_usage(c, usage, "--mois : mois invalide « %s » (1 à 12, 0 pour l'année)", v);
    *month = (int)m;
    return 0;
}

static const struct indic_def *find_def(struct cli_ctx *c, struct cli_indic *k, const char *code)
{
    const struct indic_def *def = indic_find(&k->dict, code);
    if (!def) {
        err_set(&c->err, ERR_NOT_FOUND, "indicateur inconnu : « %s »", code);
        err_hint(&c->err, "« proxima indicateurs list » donne les codes");
    }
    return def;
}

/*
 * The definitions year is read with: those frozen at its closing when it
 * is closed, else today's. Release with year_defs_release.
 */
struct year_defs {
    struct indic_dict frozen;
    bool closed;
    const struct indic_dict *dict;
};

static int year_defs_open(struct cli_ctx *c, struct cli_indic *k, int year, struct year_defs *y)
{
    y->dict = &k->dict;
    if (indic_dict_frozen(c->store, year, &k->dict, &y->frozen, &y->closed, &c->err) != 0)
        return -1;
    if (y->closed)
        y->dict = &y->frozen;
    return 0;
}

static void year_defs_release(struct year_defs *y)
{
    indic_dict_release(&y->frozen);
}

/* code in the definitions of y, or an error naming the year when it left the dictionary. */
static const struct indic_def *find_year_def(struct cli_ctx *c, const struct year_defs *y, int year,
                                             const char *code)
{
    const struct indic_def *def = indic_find(y->dict, code);
    if (!def && y->closed) {
        err_set(&c->err, ERR_NOT_FOUND,
                "indicateur « %s » absent des définitions figées à la clôture de %d", code, year);
        err_hint(&c->err,
                 "il a été ajouté au dictionnaire après la clôture : « proxima indicateurs show "
                 "%s » donne sa définition actuelle",
                 code);
    } else if (!def) {
        err_set(&c->err, ERR_NOT_FOUND, "indicateur inconnu : « %s »", code);
        err_hint(&c->err, "« proxima indicateurs list » donne les codes");
    }
    return def;
}

static json_t *def_json(const struct indic_def *def, const struct catalog *cat)
{
    struct strbuf sb;
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s}", "code", def->code, "libelle",
                          def->label, "section", def->section, "unite", indic_unit_code(def->unit),
                          "version", def->version, "definition", def->definition, "source",
                          indic_source_code(def->source), "fichier", def->file);
    strbuf_init(&sb, 0);
    indic_describe(def, cat, &sb);
    json_object_set_new(o, "calcul", json_string(sb.buf));
    strbuf_release(&sb);
    if (def->unit == UNIT_DECIMAL)
        json_object_set_new(o, "echelle", json_integer(def->scale));
    return o;
}

/* ---- list, show -------------------------------------------------------------- */

static int cmd_list(struct cli_ctx *c, int argc, char **argv)
{
    const char *section = NULL;
    const struct cli_optdef defs[] = {{"--section", CLI_OPT_ONE, &section}};
    struct cli_indic k;
    json_t *arr;
    size_t n = 0;

    if (cli_parse(c, argc, argv, 2, usage, defs, ARRAY_SIZE(defs), NULL, 0, 0, NULL) != 0 ||
        cli_indic_open(c, &k, false) != 0)
        return -1;
    arr = json_array();
    for (size_t i = 0; i < k.dict.ndefs; i++) {
        const struct indic_def *def = &k.dict.defs[i];
        if (section && strcmp(def->section, section) != 0)
            continue;
        n++;
        if (c->json) {
            json_array_append_new(arr,
                                  json_pack("{s:s, s:s, s:s, s:s, s:i}", "code", def->code,
                                            "libelle", def->label, "section", def->section, "unite",
                                            indic_unit_code(def->unit), "version", def->version));
            continue;
        }
        cli_pad_right(def->code, 46);
        cli_pad_right(def->section, 11);
        cli_pad_right(indic_unit_code(def->unit), 9);
        printf("%s\n", def->label);
    }
    if (c->json)
        return cli_indic_close(&k, cli_print_json(c, arr));
    json_decref(arr);
    if (section && n == 0) {
        err_set(&c->err, ERR_NOT_FOUND, "aucun indicateur dans la section « %s »", section);
        return cli_indic_close(&k, err_hint(&c->err, "sections : mds, autonomie, insertion, "
                                                     "enfance, jeunesse, annexe"));
    }
    printf("%zu indicateurs\n", n);
    return cli_indic_close(&k, 0);
}

static int cmd_show(struct cli_ctx *c, int argc, char **argv)
{
    const char *pos[1], *year_s = NULL, *change = NULL;
    const struct cli_optdef defs[] = {{"--year", CLI_OPT_ONE, &year_s}};
    const struct indic_def *def;
    struct cli_indic k;
    struct year_defs y = {0};
    struct strbuf sb;
    int year = 0, rc = -1;

    if (cli_parse(c, argc, argv, 2, usage, defs, ARRAY_SIZE(defs), pos, 1, 1, NULL) != 0 ||
        (year_s && cli_indic_year(c, usage, "--year", year_s, &year) != 0) ||
        cli_indic_open(c, &k, year_s != NULL) != 0)
        return -1;
    if (year_s) {
        if (year_defs_open(c, &k, year, &y) != 0)
            goto out;
        def = find_year_def(c, &y, year, pos[0]);
        if (def && y.closed)
            change = indic_def_change(def, &k.dict, &c->arena);
    } else {
        def = find_def(c, &k, pos[0]);
    }
    if (!def)
        goto out;
    if (c->json) {
        json_t *o = def_json(def, &k.cat);
        if (year_s) {
            json_object_set_new(o, "annee", json_integer(year));
            json_object_set_new(o, "figee", json_boolean(y.closed));
            json_object_set_new(o, "modification_depuis_cloture",
                                change ? json_string(change) : json_null());
        }
        rc = cli_print_json(c, o);
        goto out;
    }
    if (y.closed)
        printf("Définition figée à la clôture de %d.\n", year);
    else if (year_s)
        printf("Année %d non close : définition actuelle du dictionnaire.\n", year);
    if (change)
        printf("Attention : %s.\n", change);
    printf("%s : %s\n", def->code, def->label);
    printf("Section : %s (fichier %s), version %d, unité %s", def->section, def->file, def->version,
           indic_unit_code(def->unit));
    if (def->unit == UNIT_DECIMAL)
        printf(" (%d décimales)", def->scale);
    printf("\n\nDéfinition : %s\n\nCalcul :\n", def->definition);
    strbuf_init(&sb, 0);
    indic_describe(def, &k.cat, &sb);
    for (const char *p = sb.buf; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        printf("  %.*s\n", (int)n, p);
        p += n + (nl ? 1 : 0);
    }
    strbuf_release(&sb);
    rc = 0;
out:
    year_defs_release(&y);
    return cli_indic_close(&k, rc);
}

/* ---- compute --------------------------------------------------------------------- */

static int cmd_compute(struct cli_ctx *c, int argc, char **argv)
{
    const char *year_s = NULL, *grid = NULL, *code = NULL, *month_s = NULL;
    const struct cli_optdef defs[] = {{"--year", CLI_OPT_ONE, &year_s},
                                      {"--grille", CLI_OPT_ONE, &grid},
                                      {"--code", CLI_OPT_ONE, &code},
                                      {"--mois", CLI_OPT_ONE, &month_s}};
    struct cli_indic k;
    struct indic_result r;
    struct year_defs y = {0};
    int year, month, rc = -1;
    bool frozen;
    json_t *out = NULL, *arr = NULL;

    if (cli_parse(c, argc, argv, 2, usage, defs, ARRAY_SIZE(defs), NULL, 0, 0, NULL) != 0 ||
        cli_indic_year(c, usage, "--year", year_s, &year) != 0 ||
        parse_month(c, month_s, &month) != 0)
        return -1;
    if (!grid)
        grid = "mds";
    if (!indic_grid_known(grid))
        return cli_usage(c, usage,
                         "--grille : grille inconnue « %s » (mds, territoire, mdadt, epci, "
                         "commune, departement)",
                         grid);
    if (cli_indic_open(c, &k, true) != 0)
        return -1;
    if (cli_indic_can_count(c, &k) != 0)
        goto out;
    if (year_defs_open(c, &k, year, &y) != 0 || (code && !find_year_def(c, &y, year, code)))
        goto out;
    if (cli_indic_values(c, &k, year, grid, &r, &frozen) != 0)
        goto out;
    if (c->json) {
        json_t *zones = json_array();
        out = json_pack("{s:i, s:s, s:i, s:b}", "annee", year, "grille", grid, "mois", month,
                        "figees", frozen);
        for (size_t a = 0; a < r.nareas; a++)
            json_array_append_new(
                zones, json_pack("{s:s, s:s}", "code", r.area_codes[a], "nom", r.area_names[a]));
        json_object_set_new(out, "zones", zones);
        arr = json_array();
    } else {
        printf("Indicateurs %d, grille %s, %s%s\n", year, grid,
               month ? arena_printf(&c->arena, "mois %d", month) : "année entière",
               frozen ? " (année close : valeurs figées)" : "");
    }
    for (size_t i = 0; i < r.ndefs; i++) {
        const struct indic_def *def = indic_find(y.dict, r.codes[i]);
        if (code && strcmp(r.codes[i], code) != 0)
            continue;
        if (c->json) {
            json_t *vals = json_object();
            json_t *o =
                json_pack("{s:s, s:s, s:s, s:i}", "code", r.codes[i], "libelle",
                          def ? def->label : r.codes[i], "unite",
                          def ? indic_unit_code(def->unit) : "nombre", "version", r.versions[i]);
            for (size_t a = 0; a < r.nareas; a++)
                json_object_set_new(vals, r.area_codes[a],
                                    value_json(indic_value(&r, i, a, month)));
            json_object_set_new(vals, INDIC_DEPARTEMENT,
                                value_json(indic_value(&r, i, r.nareas, month)));
            json_object_set_new(o, "valeurs", vals);
            json_array_append_new(arr, o);
            continue;
        }
        printf("\n%s : %s\n", r.codes[i], def ? def->label : "");
        for (size_t a = 0; a <= r.nareas; a++) {
            printf("  ");
            cli_pad_right(a < r.nareas ? r.area_names[a] : "Département", 40);
            printf("%s\n", value_text(c, def, indic_value(&r, i, a, month)));
        }
    }
    if (c->json) {
        json_object_set_new(out, "indicateurs", arr);
        rc = cli_print_json(c, out);
    } else {
        rc = 0;
    }
out:
    year_defs_release(&y);
    return cli_indic_close(&k, rc);
}

/* ---- explain ------------------------------------------------------------------- */

/*
 * With --as: may the agent list the dossiers behind def in area? A
 * refusal is written to the access log (indic_may_list_rows).
 */
static int may_list_ids(struct cli_ctx *c, struct cli_indic *k, const struct indic_def *def,
                        const char *grid, const char *area, const char **grant)
{
    return indic_may_list_rows(c->store, &k->dict, &k->cat, &k->u, def, grid, area, true, &c->arena,
                               grant, &c->err);
}

static int cmd_explain(struct cli_ctx *c, int argc, char **argv)
{
    const char *year_s = NULL, *grid = NULL, *area = NULL, *month_s = NULL, *pos[1];
    const struct cli_optdef defs[] = {{"--year", CLI_OPT_ONE, &year_s},
                                      {"--grille", CLI_OPT_ONE, &grid},
                                      {"--zone", CLI_OPT_ONE, &area},
                                      {"--mois", CLI_OPT_ONE, &month_s}};
    const struct indic_def *def, *shown;
    struct cli_indic k;
    struct indic_result r;
    struct year_defs y = {0};
    const char **ids, *grant = NULL, *change = NULL;
    size_t n, ai, di;
    int64_t value;
    int year, month, rc = -1;
    bool frozen;

    if (cli_parse(c, argc, argv, 2, usage, defs, ARRAY_SIZE(defs), pos, 1, 1, NULL) != 0 ||
        cli_indic_year(c, usage, "--year", year_s, &year) != 0 ||
        parse_month(c, month_s, &month) != 0)
        return -1;
    if (area && !grid)
        return cli_usage(c, usage, "--zone demande --grille (mds, territoire...)");
    if (!grid)
        grid = "departement";
    if (!indic_grid_known(grid))
        return cli_usage(c, usage, "--grille : grille inconnue « %s »", grid);
    if (cli_indic_open(c, &k, true) != 0)
        return -1;
    if (cli_indic_can_count(c, &k) != 0 || year_defs_open(c, &k, year, &y) != 0)
        goto out;
    /* the figure as frozen (a closed year), the rows as today's definition finds them */
    if (!(shown = find_year_def(c, &y, year, pos[0])))
        goto out;
    if (!(def = indic_find(&k.dict, pos[0]))) {
        err_set(&c->err, ERR_NOT_FOUND,
                "indicateur « %s » retiré du dictionnaire depuis la clôture de %d : les dossiers "
                "derrière son chiffre ne peuvent plus être listés",
                pos[0], year);
        err_hint(&c->err,
                 "« proxima indicateurs show %s --year %d » donne sa définition figée, "
                 "« indicateurs compute --year %d --code %s » sa valeur",
                 pos[0], year, year, pos[0]);
        goto out;
    }
    if (y.closed)
        change = indic_def_change(shown, &k.dict, &c->arena);
    if (cli_indic_values(c, &k, year, grid, &r, &frozen) != 0)
        goto out;
    ai = area ? indic_result_area(&r, area) : r.nareas;
    if (ai == SIZE_MAX) {
        err_set(&c->err, ERR_NOT_FOUND, "zone inconnue « %s » dans la grille %s", area, grid);
        err_hint(&c->err, "« proxima indicateurs compute --year %d --grille %s » liste les zones",
                 year, grid);
        goto out;
    }
    if (k.has_user && may_list_ids(c, &k, def, grid, area, &grant) != 0)
        goto out;
    if (indic_explain(c->store, &k.dict, &k.cat, def->code, year, month, grid, area, &c->arena,
                      &ids, &n, &c->err) != 0)
        goto out;
    if (k.has_user) {
        struct access_target t = {
            .site_grid = area && (!strcmp(grid, "mds") || !strcmp(grid, "mdadt"))
                             ? grid
                             : ACCESS_SITE_DEPARTEMENT,
            .site_code = area && (!strcmp(grid, "mds") || !strcmp(grid, "mdadt")) ? area : "62",
            .object_type = "indicateur",
            .object_id =
                arena_printf(&c->arena, "%s %d %s:%s mois %d (%zu identifiants)", def->code, year,
                             grid, area ? area : INDIC_DEPARTEMENT, month, n)};
        if (access_log_append(c->store, k.u.login, "lecture", &t, grant, &c->err) != 0)
            goto out;
    }
    di = indic_result_index(&r, def->code);
    value = di == SIZE_MAX ? INDIC_UNDEFINED : indic_value(&r, di, ai, month);
    if (c->json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, json_string(ids[i]));
        rc = cli_print_json(c, json_pack("{s:s, s:i, s:s, s:s, s:i, s:o, s:b, s:o, s:s, s:i, s:o}",
                                         "code", def->code, "annee", year, "grille", grid, "zone",
                                         area ? area : INDIC_DEPARTEMENT, "mois", month, "valeur",
                                         value_json(value), "figee", frozen, "identifiants", arr,
                                         "definition", shown->definition, "version", shown->version,
                                         "modification_depuis_cloture",
                                         change ? json_string(change) : json_null()));
        goto out;
    }
    printf("%s (%s), %d, %s %s, %s : %s\n", shown->code, shown->label, year, grid,
           area ? area : "(département)",
           month ? arena_printf(&c->arena, "mois %d", month) : "année",
           value_text(c, shown, value));
    printf("Définition%s : %s\n", y.closed ? " (figée à la clôture)" : "", shown->definition);
    if (change)
        printf("Attention : %s ; la liste ci-dessous suit la définition d'aujourd'hui.\n", change);
    if (frozen)
        printf("Année close : la valeur est figée ; la liste ci-dessous vient des données "
               "actuelles.\n");
    printf("%zu %s derrière ce chiffre :\n", n,
           def->source == SRC_ACTES ? "actes" : "dossiers ou actes");
    for (size_t i = 0; i < n; i++)
        printf("  %s\n", ids[i]);
    rc = 0;
out:
    year_defs_release(&y);
    return cli_indic_close(&k, rc);
}

int cmd_indicateurs(struct cli_ctx *c, int argc, char **argv)
{
    if (argc < 2)
        return cli_usage(c, usage, "sous-commande manquante");
    if (!strcmp(argv[1], "list"))
        return cmd_list(c, argc, argv);
    if (!strcmp(argv[1], "show"))
        return cmd_show(c, argc, argv);
    if (!strcmp(argv[1], "compute"))
        return cmd_compute(c, argc, argv);
    if (!strcmp(argv[1], "explain"))
        return cmd_explain(c, argc, argv);
    return cli_usage(c, usage, "sous-commande inconnue : %s", argv[1]);
}

/* ---- close-year -------------------------------------------------------------------- */

int cmd_close_year(struct cli_ctx *c, int argc, char **argv)
{
    const char *pos[1];
    struct cli_indic k;
    struct report_layout layout;
    struct indic_close_doc doc = {REPORT_LAYOUT_DOC, NULL};
    struct strbuf sb;
    int year, rc = -1;

    if (cli_parse(c, argc, argv, 1, usage_close, NULL, 0, pos, 1, 1, NULL) != 0 ||
        cli_indic_year(c, usage_close, "l'année", pos[0], &year) != 0 ||
        cli_indic_open(c, &k, true) != 0)
        return -1;
    if (k.has_user) {
        struct access_target t = {.site_grid = ACCESS_SITE_DEPARTEMENT,
                                  .site_code = "62",
                                  .object_type = "annee",
                                  .object_id = pos[0]};
        if (access_check(&k.cat, &k.u, "statistiques.lire", &t, &c->arena, NULL, &c->err) != 0) {
            err_hint(&c->err, "clore une année demande le droit statistiques.lire sur tout le "
                              "département");
            goto out;
        }
    }
    /* the layout is frozen with the definitions, once checked against them */
    strbuf_init(&sb, 0);
    if (file_read_all(cli_data_path(c, REPORT_LAYOUT_DOC), &sb, 1u << 20, &c->err) != 0 ||
        report_layout_parse(&layout, sb.buf, sb.len, cli_data_path(c, REPORT_LAYOUT_DOC), &k.dict,
                            &c->err) != 0) {
        err_prefix(&c->err, "clôture de %d : ", year);
        strbuf_release(&sb);
        goto out;
    }
    report_layout_release(&layout);
    doc.text = sb.buf;
    rc = indic_close_year_docs(c->store, &k.dict, &k.cat, year, k.has_user ? k.u.login : "system",
                               &doc, 1, &c->err);
    strbuf_release(&sb);
    if (rc != 0)
        goto out;
    rc = -1;
    if (c->json)
        rc = cli_print_json(c, json_pack("{s:i, s:b, s:i}", "annee", year, "close", 1,
                                         "indicateurs", (json_int_t)k.dict.ndefs));
    else {
        printf("Année %d close : %zu indicateurs figés, avec leurs définitions et la mise en page "
               "du rapport, pour les grilles mds, territoire, mdadt, epci, commune et "
               "département.\n",
               year, k.dict.ndefs);
        rc = 0;
    }
out:
    return cli_indic_close(&k, rc);
}

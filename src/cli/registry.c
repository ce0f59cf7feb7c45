/*
 * registry.c: `proxima registry`, questions to the territorial referential:
 * `summary` (communes, population and EPCIs per area of a grid, as of a
 * date) and `commune` (find a commune by name, INSEE code or postcode).
 */
#include "core/compat.h"
#include "cli/cli.h"
#include "cli/format.h"

#include <jansson.h>

#include "core/date.h"
#include "core/json.h"
#include "core/money.h"
#include "core/strbuf.h"
#include "ref/ref.h"

static const char summary_usage[] =
    "proxima registry summary [--date AAAA-MM-JJ] [--grille territoire|mds|mdadt|epci]";
static const char commune_usage[] = "proxima registry commune NOM|CODE|CODE_POSTAL [--date AAAA-MM-JJ]";

/* Parse --date (ISO or JJ/MM/AAAA) and check the referential covers it. */
static int parse_day(struct cli_ctx *c, struct store *s, const char *v, date_t *day)
{
    date_t first;
    char fr[DATE_ISO_LEN];

    if (cli_parse_day(c, v, day) != 0)
        return -1;
    if (ref_first_date(s, &first, &c->err) != 0)
        return -1;
    if (*day < first) {
        date_format_fr(first, fr);
        err_set(&c->err, ERR_INVALID, "le référentiel territorial ne couvre pas cette date : %s",
                v);
        return err_detail(&c->err, "il couvre les dates à partir du %s", fr);
    }
    return 0;
}

static const char *grid_label(const char *grid)
{
    if (!strcmp(grid, REF_GRID_TERRITOIRE))
        return "Territoire";
    if (!strcmp(grid, REF_GRID_MDS))
        return "MDS";
    if (!strcmp(grid, REF_GRID_MDADT))
        return "MDADT";
    return "EPCI";
}

static json_t *names_json(const char **names, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_string(names[i]));
    return arr;
}

static int print_summary_json(const char *grid, date_t day, struct ref_area_summary *r,
                              size_t n)
{
    char iso[DATE_ISO_LEN];
    json_t *areas = json_array(), *o;
    int64_t communes = 0, pop = 0;
    char *text;

    date_format_iso(day, iso);
    for (size_t i = 0; i < n; i++) {
        json_t *a = json_pack("{s:s, s:s, s:I, s:I, s:o, s:o}", "code", r[i].code, "nom",
                              r[i].name, "communes", (json_int_t)r[i].communes, "population",
                              (json_int_t)r[i].population, "epci",
                              names_json(r[i].children, r[i].nchildren), "mds",
                              names_json(r[i].sites, r[i].nsites));
        if (r[i].published_population >= 0) {
            json_object_set_new(a, "population_publiee",
                                json_integer((json_int_t)r[i].published_population));
            json_object_set_new(a, "ecart", json_integer((json_int_t)(r[i].population -
                                                                      r[i].published_population)));
        }
        json_array_append_new(areas, a);
        communes += r[i].communes;
        pop += r[i].population;
    }
    o = json_pack("{s:s, s:s, s:I, s:I, s:o}", "date", iso, "grille", grid, "communes",
                  (json_int_t)communes, "population", (json_int_t)pop, "zones", areas);
    text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    puts(text);
    json_text_free(text);
    json_decref(o);
    return 0;
}

static int registry_summary(struct cli_ctx *c, int argc, char **argv)
{
    const char *date_arg = NULL, *grid = REF_GRID_TERRITOIRE;
    struct ref_area_summary *r;
    size_t n, namew = 0;
    int64_t communes = 0, pop = 0, published = 0;
    bool all_published = true;
    char fr[DATE_ISO_LEN];
    struct store *s;
    date_t day;

    for (int i = 2; i < argc; i++) {
        const char *v;
        if (cli_opt(c, argc, argv, &i, "--date", &v)) {
            if (!v)
                return -1;
            date_arg = v;
        } else if (cli_opt(c, argc, argv, &i, "--grille", &v)) {
            if (!v)
                return -1;
            grid = v;
        } else {
            return cli_usage(c, summary_usage, "argument inattendu : %s", argv[i]);
        }
    }
    if (strcmp(grid, REF_GRID_TERRITOIRE) && strcmp(grid, REF_GRID_MDS) &&
        strcmp(grid, REF_GRID_MDADT) && strcmp(grid, REF_GRID_EPCI))
        return cli_usage(c, summary_usage, "grille inconnue : « %s »", grid);
    s = cli_open_store(c, true);
    if (!s || parse_day(c, s, date_arg, &day) != 0)
        return -1;
    if (ref_grid_summary(s, &c->arena, grid, day, &r, &n, &c->err) != 0)
        return -1;
    if (c->json)
        return print_summary_json(grid, day, r, n);

    for (size_t i = 0; i < n; i++) {
        if (cli_width(r[i].name) > namew)
            namew = cli_width(r[i].name);
        communes += r[i].communes;
        pop += r[i].population;
        if (r[i].published_population < 0)
            all_published = false;
        else
            published += r[i].published_population;
    }
    if (namew < 10)
        namew = 10;
    date_format_fr(day, fr);
    printf("Référentiel territorial au %s : %s communes, grille « %s »\n\n", fr,
           cli_fmt_int(c, communes), grid);
    cli_pad_right(grid_label(grid), namew);
    printf("   Communes   Population INSEE   Population publiée      Écart\n");
    for (size_t i = 0; i < n; i++) {
        cli_pad_right(r[i].name, namew);
        cli_pad_left(cli_fmt_int(c, r[i].communes), 11);
        cli_pad_left(cli_fmt_int(c, r[i].population), 19);
        if (r[i].published_population >= 0) {
            cli_pad_left(cli_fmt_int(c, r[i].published_population), 21);
            cli_pad_left(cli_fmt_int(c, r[i].population - r[i].published_population), 11);
        } else {
            cli_pad_left("n.d.", 21);
            cli_pad_left("", 11);
        }
        putchar('\n');
    }
    cli_pad_right("Total", namew);
    cli_pad_left(cli_fmt_int(c, communes), 11);
    cli_pad_left(cli_fmt_int(c, pop), 19);
    if (all_published) {
        cli_pad_left(cli_fmt_int(c, published), 21);
        cli_pad_left(cli_fmt_int(c, pop - published), 11);
    }
    printf("\n\nPopulation INSEE : population municipale des communes en vigueur à cette date.\n");
    if (published)
        printf("Population publiée : %s.\n", r[0].published_source ? r[0].published_source : "");
    if (strcmp(grid, REF_GRID_EPCI) != 0) {
        putchar('\n');
        for (size_t i = 0; i < n; i++) {
            printf("%s\n  EPCI :", r[i].name);
            for (size_t k = 0; k < r[i].nchildren; k++)
                printf("%s %s", k ? ";" : "", r[i].children[k]);
            putchar('\n');
            if (r[i].nsites) {
                printf("  MDS :");
                for (size_t k = 0; k < r[i].nsites; k++)
                    printf("%s %s", k ? ";" : "", r[i].sites[k]);
                putchar('\n');
            }
        }
    }
    return 0;
}

static const char *or_none(const char *s)
{
    return s ? s : "aucun";
}

static json_t *area_json(const struct ref_area_ref *a)
{
    if (!a->code)
        return json_null();
    return json_pack("{s:s, s:s}", "code", a->code, "nom", a->name);
}

static int registry_commune(struct cli_ctx *c, int argc, char **argv)
{
    const char *date_arg = NULL, *query = NULL;
    struct ref_commune *r;
    char fr[DATE_ISO_LEN];
    struct store *s;
    size_t n;
    date_t day;

    if (cli_parse_pos_date(c, argc, argv, commune_usage, &query, &date_arg) != 0)
        return -1;
    if (!query)
        return cli_usage(c, commune_usage, "nom, code INSEE ou code postal manquant");
    s = cli_open_store(c, true);
    if (!s || parse_day(c, s, date_arg, &day) != 0)
        return -1;
    if (ref_commune_search(s, &c->arena, query, day, &r, &n, &c->err) != 0)
        return -1;
    date_format_fr(day, fr);
    if (n == 0) {
        struct ref_commune one;
        if (strlen(query) == 5 && ref_commune_get(s, &c->arena, query, day, &one, &c->err) != 0)
            return -1; /* says whether it merged or did not exist yet */
        err_set(&c->err, ERR_NOT_FOUND, "aucune commune ne correspond à « %s » au %s", query, fr);
        return err_hint(&c->err, "essayez une partie du nom, le code INSEE ou le code postal");
    }
    if (c->json) {
        json_t *arr = json_array();
        char *text;
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "code", r[i].code,
                                  "nom", r[i].name, "codes_postaux", r[i].postcodes, "valide_depuis",
                                  r[i].valid_from, "source_population", r[i].population_source,
                                  "epci", area_json(&r[i].epci), "territoire",
                                  area_json(&r[i].territoire), "mds", area_json(&r[i].mds),
                                  "mdadt", area_json(&r[i].mdadt));
            json_object_set_new(o, "population", r[i].population >= 0
                                                       ? json_integer((json_int_t)r[i].population)
                                                       : json_null());
            json_array_append_new(arr, o);
        }
        text = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(text);
        json_text_free(text);
        json_decref(arr);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        printf("%s%s (code INSEE %s), codes postaux %s, au %s\n", i ? "\n" : "", r[i].name,
               r[i].code, r[i].postcodes, fr);
        printf("  EPCI       : %s", or_none(r[i].epci.name));
        if (r[i].epci.code)
            printf(" (SIREN %s)", r[i].epci.code);
        printf("\n  Territoire : %s\n", or_none(r[i].territoire.name));
        printf("  MDS        : %s\n", or_none(r[i].mds.name));
        printf("  MDADT      : %s\n", or_none(r[i].mdadt.name));
        if (r[i].population >= 0)
            printf("  Population : %s (%s)\n", cli_fmt_int(c, r[i].population),
                   r[i].population_source);
        if (*r[i].successor) {
            date_t end;
            char endfr[DATE_ISO_LEN];
            if (date_parse_iso(r[i].ends, strlen(r[i].ends), &end, &c->err) != 0)
                return -1;
            date_format_fr(end, endfr);
            printf("  Existe jusqu'au %s, puis rejoint la commune nouvelle %s\n", endfr,
                   r[i].successor);
        }
    }
    return 0;
}

int cmd_registry(struct cli_ctx *c, int argc, char **argv)
{
    static const char usage[] = "proxima registry summary|commune ...";

    if (argc < 2)
        return cli_usage(c, usage, "sous-commande manquante");
    if (!strcmp(argv[1], "summary"))
        return registry_summary(c, argc, argv);
    if (!strcmp(argv[1], "commune"))
        return registry_commune(c, argc, argv);
    return cli_usage(c, usage, "sous-commande inconnue : %s", argv[1]);
}

/*
 * check.c: `proxima check --year AAAA --against DIR`: the computed figures
 * against a reference table (the published report transcribed in CSV).
 *
 * DIR/mds-AAAA.csv: one row per MDS (columns mds, nom, then one column per
 * indicator code), compared with the grid "mds". DIR/departement-AAAA.csv
 * (section, code, libelle, valeur, unite, portee): the rows of portee "core"
 * in the sections autonomie, insertion, enfance and jeunesse, compared with
 * the département total. Counts must be equal; amounts in euros are rounded
 * at the printed precision, which the reference's trailing zeros give
 * (311400000: to 100 000 €; 1494623: to the euro); percentages to the unit;
 * decimals exactly at the indicator's scale. A column, a row, a code or a
 * unit the dictionary does not know is an error that names it: the tables
 * changed shape. The exit status is 0 only when every figure matches.
 *
 * The reference tables are read here only, for comparison: no figure of
 * them ever reaches the engine (rule 3 of the house).
 */
#include "core/compat.h"
#include "cli/indiccli.h"

#include <jansson.h>

#include "cli/casecli.h"
#include "cli/format.h"
#include "core/csv.h"
#include "core/file.h"
#include "core/money.h"
#include "core/strbuf.h"

static const char usage[] = "proxima check --year AAAA --against DOSSIER";

static const char *const dept_sections[] = {"autonomie", "insertion", "enfance", "jeunesse"};

struct check {
    struct cli_ctx *c;
    struct cli_indic *k;
    struct indic_result *r;
    json_t *rows; /* --json */
    size_t ok, total;
};

/* The reference text of a figure as a value in the indicator's unit (euros for EUR). */
static int parse_reference(struct check *ck, const char *where, const struct indic_def *def,
                           const char *text, int64_t *out, int64_t *precision)
{
    size_t n = strlen(text);
    const char *dot = NULL;
    int64_t whole, frac = 0, scale = 1;

    *precision = 1;
    for (const char *p = text; *p; p++)
        if (*p == '.' || *p == ',')
            dot = p;
    if (def->unit == UNIT_DECIMAL) {
        size_t decimals = dot ? n - (size_t)(dot - text) - 1 : 0;
        if (decimals > (size_t)def->scale ||
            parse_int64(text, dot ? (size_t)(dot - text) : n, &whole) != 0 ||
            (decimals && parse_int64(dot + 1, decimals, &frac) != 0) || whole < 0 || frac < 0)
            goto bad;
        for (int i = 0; i < def->scale; i++)
            scale *= 10;
        for (size_t i = decimals; i < (size_t)def->scale; i++)
            frac *= 10;
        *out = whole * scale + frac;
        return 0;
    }
    if (dot || parse_int64(text, n, out) != 0)
        goto bad;
    if (def->unit == UNIT_EUR && *out != 0)
        for (int64_t v = *out; v % 10 == 0; v /= 10)
            *precision *= 10;
    return 0;
bad:
    err_set(&ck->c->err, ERR_INVALID, "%s : valeur de référence illisible « %s » pour %s (%s)",
            where, text, def->code, indic_unit_code(def->unit));
    return err_hint(&ck->c->err, def->unit == UNIT_DECIMAL
                                     ? "un décimal s'écrit 162.68"
                                     : "un nombre entier, sans séparateur de milliers");
}

/* The computed value as compared: euros at the printed precision, percent to the unit. */
static bool compare(const struct indic_def *def, int64_t ref, int64_t precision, int64_t computed,
                    int64_t *shown)
{
    *shown = computed;
    if (computed == INDIC_UNDEFINED)
        return false;
    switch (def->unit) {
    case UNIT_EUR:
        *shown = indic_div_round(computed, 100 * precision) * precision;
        return *shown == ref;
    case UNIT_POURCENT:
        *shown = indic_div_round(computed, 100);
        return *shown == ref;
    default:
        return computed == ref;
    }
}

static const char *show(struct check *ck, const struct indic_def *def, int64_t v, bool reference)
{
    struct strbuf sb;
    const char *r;

    strbuf_init(&sb, 128);
    if (v == INDIC_UNDEFINED)
        strbuf_addstr(&sb, "n.d.");
    else if (def->unit == UNIT_EUR)
        money_format_euros(&sb, reference ? v * 100 : v);
    else if (def->unit == UNIT_POURCENT && reference)
        indic_value_format(&sb, def->unit, def->scale, v * 100);
    else
        indic_value_format(&sb, def->unit, def->scale, v);
    r = arena_strdup(&ck->c->arena, sb.buf);
    strbuf_release(&sb);
    return r;
}

static void report(struct check *ck, const char *table, const char *zone,
                   const struct indic_def *def, int64_t ref, int64_t precision, int64_t computed)
{
    int64_t shown;
    bool ok = compare(def, ref, precision, computed, &shown);

    ck->total++;
    ck->ok += ok;
    if (ck->rows) {
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "table", table, "zone", zone,
                              "code", def->code, "unite", indic_unit_code(def->unit), "reference",
                              (json_int_t)ref, "statut", ok ? "OK" : "ÉCART");
        json_object_set_new(o, "calcule",
                            computed == INDIC_UNDEFINED ? json_null() : json_integer(computed));
        if (def->unit == UNIT_EUR)
            json_object_set_new(o, "precision_euros", json_integer(precision));
        json_array_append_new(ck->rows, o);
        return;
    }
    cli_pad_right(zone, 16);
    cli_pad_right(def->code, 46);
    cli_pad_right(show(ck, def, ref, true), 18);
    if (computed != INDIC_UNDEFINED && (def->unit == UNIT_EUR || def->unit == UNIT_POURCENT) &&
        shown * 100 != computed)
        /* the computed value, then as rounded at the printed precision */
        cli_pad_right(arena_printf(&ck->c->arena, "%s (≈ %s)", show(ck, def, computed, false),
                                   show(ck, def, shown, true)),
                      32);
    else
        cli_pad_right(computed == INDIC_UNDEFINED ? "n.d." : show(ck, def, computed, false), 32);
    printf("%s\n", ok ? "OK" : "ÉCART");
}

static int read_table(struct check *ck, const char *path, struct strbuf *data,
                      struct csv_reader *rd)
{
    if (file_read_all(path, data, 64u << 20, &ck->c->err) != 0) {
        err_prefix(&ck->c->err, "table de référence : ");
        return -1;
    }
    csv_reader_init(rd, path, data->buf, data->len, ',');
    return 0;
}

/* ---- mds-AAAA.csv --------------------------------------------------------------- */

static int check_mds(struct check *ck, const char *path)
{
    struct cli_ctx *c = ck->c;
    struct strbuf data;
    struct csv_reader rd;
    const struct indic_def **cols = NULL;
    size_t ncols = 0, mds_col = SIZE_MAX, name_col = SIZE_MAX;
    int rc = -1, got;

    strbuf_init(&data, 0);
    if (read_table(ck, path, &data, &rd) != 0) {
        strbuf_release(&data);
        return -1;
    }
    if ((got = csv_read_record(&rd, &c->err)) <= 0) {
        if (got == 0)
            err_set(&c->err, ERR_INVALID, "%s : fichier vide", path);
        goto out;
    }
    ncols = rd.nfields;
    cols = arena_calloc(&c->arena, ncols ? ncols : 1, sizeof(*cols));
    for (size_t i = 0; i < ncols; i++) {
        const char *name = csv_field_str(&rd, i);
        if (!strcmp(name, "mds"))
            mds_col = i;
        else if (!strcmp(name, "nom"))
            name_col = i;
        else if (!(cols[i] = indic_find(&ck->k->dict, name))) {
            err_set(&c->err, ERR_INVALID, "%s : colonne inconnue « %s » (colonne %zu)", path, name,
                    i + 1);
            err_hint(&c->err, "chaque colonne autre que mds et nom est le code d'un indicateur "
                              "du dictionnaire (proxima indicateurs list)");
            goto out;
        }
    }
    if (mds_col == SIZE_MAX) {
        err_set(&c->err, ERR_INVALID, "%s : colonne « mds » absente", path);
        goto out;
    }
    (void)name_col;
    while ((got = csv_read_record(&rd, &c->err)) == 1) {
        const char *mds = csv_field_str(&rd, mds_col);
        const char *where = arena_printf(&c->arena, "%s, ligne %zu", path, rd.line);
        size_t area = indic_result_area(ck->r, mds);

        if (rd.nfields != ncols) {
            err_set(&c->err, ERR_INVALID, "%s : %zu colonnes au lieu de %zu", where, rd.nfields,
                    ncols);
            goto out;
        }
        if (area == SIZE_MAX || area == ck->r->nareas) {
            err_set(&c->err, ERR_INVALID, "%s : MDS inconnue « %s »", where, mds);
            err_hint(&c->err, "« proxima registry summary --grille mds » liste les MDS");
            goto out;
        }
        for (size_t i = 0; i < ncols; i++) {
            int64_t ref, precision;
            size_t k;
            if (!cols[i])
                continue;
            if (parse_reference(ck, where, cols[i], csv_field_str(&rd, i), &ref, &precision) != 0)
                goto out;
            k = indic_result_index(ck->r, cols[i]->code);
            report(ck, "mds", mds, cols[i], ref, precision,
                   k == SIZE_MAX ? INDIC_UNDEFINED : indic_value(ck->r, k, area, 0));
        }
    }
    if (got < 0)
        goto out;
    rc = 0;
out:
    csv_reader_release(&rd);
    strbuf_release(&data);
    return rc;
}

/* ---- departement-AAAA.csv --------------------------------------------------------- */

static int check_departement(struct check *ck, const char *path)
{
    static const char *const names[] = {"section", "code", "libelle", "valeur", "unite", "portee"};
    struct cli_ctx *c = ck->c;
    struct strbuf data;
    struct csv_reader rd;
    int idx[ARRAY_SIZE(names)];
    int rc = -1, got;

    strbuf_init(&data, 0);
    if (read_table(ck, path, &data, &rd) != 0) {
        strbuf_release(&data);
        return -1;
    }
    if ((got = csv_read_record(&rd, &c->err)) <= 0) {
        if (got == 0)
            err_set(&c->err, ERR_INVALID, "%s : fichier vide", path);
        goto out;
    }
    if (csv_header_map(&rd, names, ARRAY_SIZE(names), idx, &c->err) != 0) {
        err_prefix(&c->err, "%s : ", path);
        goto out;
    }
    if (rd.nfields != ARRAY_SIZE(names)) {
        for (size_t i = 0; i < rd.nfields; i++) {
            bool known = false;
            for (size_t k = 0; k < ARRAY_SIZE(names); k++)
                known = known || (size_t)idx[k] == i;
            if (!known) {
                err_set(&c->err, ERR_INVALID, "%s : colonne inconnue « %s » (colonne %zu)", path,
                        csv_field_str(&rd, i), i + 1);
                err_hint(&c->err, "colonnes attendues : section, code, libelle, valeur, unite, "
                                  "portee");
                goto out;
            }
        }
    }
    while ((got = csv_read_record(&rd, &c->err)) == 1) {
        const char *where = arena_printf(&c->arena, "%s, ligne %zu", path, rd.line);
        const char *section, *code, *unit, *portee;
        const struct indic_def *def;
        int64_t ref, precision;
        bool in_scope = false;
        size_t k;

        if (rd.nfields != ARRAY_SIZE(names)) {
            err_set(&c->err, ERR_INVALID, "%s : %zu colonnes au lieu de %zu", where, rd.nfields,
                    ARRAY_SIZE(names));
            goto out;
        }
        section = csv_field_str(&rd, (size_t)idx[0]);
        code = csv_field_str(&rd, (size_t)idx[1]);
        unit = csv_field_str(&rd, (size_t)idx[4]);
        portee = csv_field_str(&rd, (size_t)idx[5]);
        if (strcmp(portee, "core") && strcmp(portee, "extended") && strcmp(portee, "context")) {
            err_set(&c->err, ERR_INVALID, "%s : portée inconnue « %s » pour %s", where, portee,
                    code);
            err_hint(&c->err, "portées : core, extended, context");
            goto out;
        }
        for (size_t i = 0; i < ARRAY_SIZE(dept_sections); i++)
            in_scope = in_scope || !strcmp(section, dept_sections[i]);
        if (!in_scope || strcmp(portee, "core") != 0)
            continue;
        def = indic_find(&ck->k->dict, code);
        if (!def) {
            err_set(&c->err, ERR_INVALID, "%s : indicateur inconnu « %s » (section %s)", where,
                    code, section);
            err_hint(&c->err, "chaque chiffre « core » de ces sections est défini dans "
                              "data/indicateurs/ (docs/INDICATEURS.md)");
            goto out;
        }
        if (strcmp(unit, indic_unit_code(def->unit)) != 0) {
            err_set(&c->err, ERR_INVALID, "%s : unité « %s » pour %s, l'indicateur est en « %s »",
                    where, unit, code, indic_unit_code(def->unit));
            goto out;
        }
        if (parse_reference(ck, where, def, csv_field_str(&rd, (size_t)idx[3]), &ref, &precision) !=
            0)
            goto out;
        k = indic_result_index(ck->r, def->code);
        report(ck, "departement", "département", def, ref, precision,
               k == SIZE_MAX ? INDIC_UNDEFINED : indic_value(ck->r, k, ck->r->nareas, 0));
    }
    if (got < 0)
        goto out;
    rc = 0;
out:
    csv_reader_release(&rd);
    strbuf_release(&data);
    return rc;
}

int cmd_check(struct cli_ctx *c, int argc, char **argv)
{
    const char *year_s = NULL, *dir = NULL;
    const struct cli_optdef defs[] = {{"--year", CLI_OPT_ONE, &year_s},
                                      {"--against", CLI_OPT_ONE, &dir}};
    struct cli_indic k;
    struct indic_result r;
    struct check ck = {0};
    int year, rc = -1;
    bool frozen;

    if (cli_parse(c, argc, argv, 1, usage, defs, ARRAY_SIZE(defs), NULL, 0, 0, NULL) != 0 ||
        cli_indic_year(c, usage, "--year", year_s, &year) != 0)
        return -1;
    if (!dir)
        return cli_usage(c, usage, "--against manquant : le dossier des tables de référence");
    if (cli_indic_open(c, &k, true) != 0)
        return -1;
    if (cli_indic_can_count(c, &k) != 0 || cli_indic_values(c, &k, year, "mds", &r, &frozen) != 0)
        goto out;
    ck.c = c;
    ck.k = &k;
    ck.r = &r;
    if (c->json)
        ck.rows = json_array();
    else
        printf("Contrôle %d contre %s%s\n\n", year, dir,
               frozen ? " (année close : valeurs figées)" : "");
    if (check_mds(&ck, arena_printf(&c->arena, "%s/mds-%d.csv", dir, year)) != 0 ||
        check_departement(&ck, arena_printf(&c->arena, "%s/departement-%d.csv", dir, year)) != 0)
        goto out;
    if (c->json) {
        json_t *o = json_pack("{s:i, s:s, s:b, s:O, s:I, s:I}", "annee", year, "reference", dir,
                              "figees", frozen, "chiffres", ck.rows, "conformes", (json_int_t)ck.ok,
                              "total", (json_int_t)ck.total);
        if (cli_print_json(c, o) != 0)
            goto out;
    } else {
        printf("\n%zu chiffres conformes sur %zu\n", ck.ok, ck.total);
    }
    if (ck.ok != ck.total) {
        err_set(&c->err, ERR_CONFLICT, "%zu chiffre%s en écart avec la référence", ck.total - ck.ok,
                ck.total - ck.ok > 1 ? "s" : "");
        goto out;
    }
    rc = 0;
out:
    json_decref(ck.rows);
    return cli_indic_close(&k, rc);
}

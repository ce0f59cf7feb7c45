/*
 * report.h: the annual activity report, computed from the indicator engine.
 *
 * Three steps, each with its own contract:
 *
 * 1. The layout (data/rapport/rapport.json, documented in docs/RAPPORT.md)
 *    says what the report shows and in which order: sections of key figures
 *    with optional charts, the territory profiles, the MDS table and the
 *    coherence pairs. It holds indicator codes, never a figure; every code
 *    is checked against the dictionary when the layout is loaded.
 * 2. The model (report_model_build) puts the engine's values (struct
 *    indic_result of the grids departement, territoire and mds) and the
 *    referential's facts into the layout, formats every value the French
 *    way once, decomposes each coherence gap and collects the definitions
 *    of every figure shown. Every number of the report comes from there.
 * 3. The renderers turn the model into files: one accessible HTML page, CSV
 *    files for Excel, an XLSX workbook, and JSON for the API. They format
 *    nothing themselves beyond layout: no renderer computes a figure.
 *
 * Everything lives in the arena given to the step (one arena per report run).
 */
#ifndef PROXIMA_REPORT_REPORT_H
#define PROXIMA_REPORT_REPORT_H

#include "core/compat.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "indic/indic.h"
#include "ref/ref.h"

/* ---- layout -------------------------------------------------------------- */

enum report_chart {
    REPORT_CHART_NONE,
    REPORT_CHART_BARS_MDS,       /* "barres_mds": the figure per MDS */
    REPORT_CHART_BARS_TERRITORY, /* "barres_territoires": the figure per territory */
    REPORT_CHART_DONUT,          /* "anneau": shares of the item's parts */
};

/* Facts of the referential a territory profile can show. */
enum report_ref_fact {
    REPORT_REF_HABITANTS, /* "habitants": published population (fact of the referential) */
    REPORT_REF_COMMUNES,  /* "communes": communes of the territory at the year's end */
    REPORT_REF_POPULATION_COMMUNES, /* "population_communes": sum of the communes' populations */
    REPORT_REF_EPCI,                /* "epci": the EPCIs of the territory, by name */
    REPORT_REF_MDS,                 /* "mds": the MDS serving the territory, by name */
    REPORT_REF__COUNT
};

/* One figure of the layout. def and parts are indexes in the dictionary. */
struct report_item {
    const char *code;
    size_t def;
    enum report_chart chart;
    size_t *parts; /* REPORT_CHART_DONUT: the figures whose shares are drawn */
    size_t nparts;
    bool sub;     /* "dont": a detail of the figure above it */
    int decimals; /* "decimales" shown, -1: the unit's default */
};

struct report_group {
    const char *title;
    struct report_item *items;
    size_t nitems;
};

struct report_section_layout {
    const char *id; /* anchor and CSV "section" column: [a-z0-9_-]+ */
    const char *title;
    const char *intro;
    struct report_group *groups;
    size_t ngroups;
};

/* A department figure compared with the sum over the MDS of one or more figures. */
struct report_pair {
    size_t dept; /* dictionary index of the department figure */
    size_t *mds; /* dictionary indexes of the MDS figures summed */
    size_t nmds;
};

struct report_layout {
    struct arena arena;
    const char *collectivite; /* "Département du Pas-de-Calais" */
    const char *title;        /* "Rapport d'activité" (the year is added) */
    struct report_section_layout *sections;
    size_t nsections;
    /* territory profiles */
    const char *terr_title, *terr_intro;
    enum report_ref_fact *terr_facts;
    size_t nterr_facts;
    struct report_item *terr_items;
    size_t nterr_items;
    /* the MDS table, in the printed order */
    const char *mds_title, *mds_intro;
    struct report_group *mds_groups;
    size_t nmds_groups;
    /* the coherence annex */
    const char *coh_title, *coh_intro;
    struct report_pair *pairs;
    size_t npairs;
};

/*
 * Parse and check a layout (name is for messages) against the dictionary d:
 * unknown keys, missing titles, unknown indicator codes, unknown chart types
 * or referential facts, a donut without parts or with parts of mixed units,
 * duplicate section ids are errors naming the file, the place in the layout
 * and the value. On success l owns its arena (report_layout_release) and
 * keeps pointers into d's definitions: d must outlive l.
 */
int report_layout_parse(struct report_layout *l, const char *data, size_t n, const char *name,
                        const struct indic_dict *d, struct err *e);
/* report_layout_parse on the file at path (at most 1 MiB). */
int report_layout_load(struct report_layout *l, const char *path, const struct indic_dict *d,
                       struct err *e);
void report_layout_release(struct report_layout *l);

/* ---- basis: the dictionary and layout of a year ------------------------- */

/* The layout's path under the data directory, and its name when frozen with a year. */
#define REPORT_LAYOUT_DOC "rapport/rapport.json"

/*
 * What the report of a year is built with. For an open year: the current
 * dictionary and the layout at layout_path. For a closed year: the
 * definitions frozen at its closing (indic_dict_frozen) and the layout
 * frozen with them (REPORT_LAYOUT_DOC; the one at layout_path, checked
 * against the frozen definitions, when none was frozen); current is kept
 * to flag the definitions changed since (report_input.current).
 */
struct report_basis {
    bool closed;
    bool layout_frozen;               /* the layout is the one frozen with the year */
    const struct indic_dict *dict;    /* what the report reads: &frozen or current */
    const struct indic_dict *current; /* closed year: today's dictionary; NULL otherwise */
    struct indic_dict frozen;         /* closed year: its frozen definitions */
    struct report_layout layout;
};

/* current must outlive b. Errors: the store's, or a layout that does not check. */
int report_basis_open(struct report_basis *b, struct store *s, int year,
                      const struct indic_dict *current, const char *layout_path, struct err *e);
void report_basis_release(struct report_basis *b);

/* ---- input --------------------------------------------------------------- */

/*
 * What is known about the rows of a territorial figure that sit in no MDS,
 * to explain the gap between the département and the sum of the MDS.
 * -1 means unknown.
 */
struct report_placement {
    int64_t central_rows; /* rows counted for the département but placed in no MDS */
    int64_t placed;       /* the figure over the rows placed in some MDS (distinct measures) */
};

/*
 * The placement callback both front ends give report_input: rows of an MDS
 * figure that sit in no MDS, the rows the département total counts and no
 * MDS does, as the engine counted them in the same pass (struct
 * indic_placed of grid mds). Only for distinct measures, where it tells
 * central-site persons from persons counted by two MDS; additive measures
 * need no help. ctx: a struct report_mds_placement.
 */
struct report_mds_placement {
    const struct indic_result *mds;
    const struct indic_placed *placed; /* of grid mds, NULL when its values are frozen */
};

int report_mds_placement(void *ctx, const struct indic_def *def, struct report_placement *out,
                         struct err *e);

struct report_input {
    int year;
    const struct indic_dict *dict;
    const struct catalog *cat;       /* for indic_describe; may be NULL (codes instead of labels) */
    const struct indic_result *dept; /* grid departement */
    const struct indic_result *terr; /* grid territoire */
    const struct indic_result *mds;  /* grid mds */
    const struct ref_area_summary *territories; /* ref_grid_summary(territoire), may be empty */
    size_t nterritories;
    bool closed;           /* values are the frozen ones of a closed year */
    const char *generated; /* ISO date of the run, shown in the header */
    /*
     * A closed year read with its frozen definitions (dict): today's
     * dictionary, to flag each definition whose version changed since the
     * closing (indic_def_change); NULL otherwise.
     */
    const struct indic_dict *current;
    /*
     * Optional (NULL): fill *out for the dictionary figure def (an MDS
     * figure of a coherence pair). Returns 0, or -1 with e filled.
     */
    int (*placement)(void *ctx, const struct indic_def *def, struct report_placement *out,
                     struct err *e);
    void *placement_ctx;
};

/* ---- model --------------------------------------------------------------- */

/*
 * A value as every renderer shows it. raw is the engine's integer
 * (INDIC_UNDEFINED when it does not exist); text the French display
 * ("48 137", "1,5 M€", "63 %", "162,68", "n.d."); plain the spreadsheet
 * cell ("48137", "1500000,00", "63,00", "" when undefined); number the
 * value in the unit people read (euros, percent, ETP), for XLSX and JSON.
 */
struct report_value {
    int64_t raw;
    bool defined;
    const char *text;
    const char *plain;
    double number;
};

/* A value of a chart or a table column, with the area or the part it belongs to. */
struct report_point {
    const char *code; /* area code, or the part's indicator code */
    const char *name; /* area name, or the part's label */
    struct report_value v;
};

struct report_figure {
    const struct indic_def *def;
    size_t def_index;
    struct report_value v;
    bool sub;
    enum report_chart chart;
    struct report_point *points; /* the chart's data: per MDS, per territory or per part */
    size_t npoints;
};

struct report_fig_group {
    const char *title;
    struct report_figure *figures;
    size_t nfigures;
};

struct report_section {
    const char *id, *title, *intro;
    struct report_fig_group *groups;
    size_t ngroups;
};

struct report_territory {
    const char *code, *name;
    int64_t habitants; /* -1 when no published population */
    const char *habitants_source;
    int64_t communes;
    int64_t population_communes;
    const char **epci;
    size_t nepci;
    const char **mds;
    size_t nmds;
    struct report_figure *figures; /* the layout's terr_items, values of this territory */
    size_t nfigures;
};

/* A row of the MDS table: one figure, its value in each MDS then the département. */
struct report_mds_row {
    const char *group; /* the group's title on its first row, NULL on the others */
    const struct indic_def *def;
    size_t def_index;
    struct report_value *cells; /* nmds_areas + 1: the last is the département */
};

/* One MDS figure of a coherence pair. */
struct report_coh_part {
    const struct indic_def *def;
    struct report_value dept_all;  /* over every row, MDS or not */
    struct report_value sum_areas; /* sum of the MDS values */
    struct report_placement placement;
};

struct report_coherence {
    const struct indic_def *dept_def;
    struct report_coh_part *parts;
    size_t nparts;
    struct report_value dept;      /* the department figure */
    struct report_value sum;       /* sum over the MDS of the MDS figures */
    struct report_value gap;       /* dept - sum */
    struct report_value gap_sites; /* (a) rows outside every MDS, persons in several MDS */
    struct report_value gap_defs;  /* (b) the definitions count different things */
    bool same_definition; /* the department figure is (an alias of) the MDS figures' definition */
    const char **differences; /* what differs between the definitions, in French */
    size_t ndifferences;
    const char **reasons; /* the explanation, sentence by sentence, in French */
    size_t nreasons;
};

/* A definition of the methodology annex. */
struct report_definition {
    const struct indic_def *def;
    const char *unit;        /* "nombre", "euros", "pourcentage"... */
    const char *calculation; /* indic_describe: source, filters, measure, date, place */
    const char *version;     /* "1" */
    /* closed year: how today's dictionary differs (indic_def_change), NULL if it does not */
    const char *change;
};

struct report_model {
    int year;
    const char *collectivite;
    const char *title; /* "Rapport d'activité 2022" */
    bool closed;
    bool frozen_definitions; /* the definitions are those frozen at the closing */
    const char *generated;
    struct report_section *sections;
    size_t nsections;
    const char *terr_title, *terr_intro;
    const enum report_ref_fact *terr_facts;
    size_t nterr_facts;
    struct report_territory *territories;
    size_t nterritories;
    const char *mds_title, *mds_intro;
    struct report_point *mds_areas; /* code and name of each MDS (v unused) */
    size_t nmds_areas;
    struct report_mds_row *mds_rows;
    size_t nmds_rows;
    const char *coh_title, *coh_intro;
    struct report_coherence *coherence;
    size_t ncoherence;
    struct report_definition *definitions; /* every figure shown, in order of first use */
    size_t ndefinitions;
};

/*
 * Build the model of layout l from in (whose dict must be the one l was
 * checked against). Values are read by indicator code when a result names
 * its codes (a frozen year may hold other indicators: missing ones are
 * undefined), else by dictionary index. Fails (ERR_INVALID) when a result
 * is missing or its grid is not the expected one, or when in->placement
 * fails.
 */
struct report_model *report_model_build(const struct report_layout *l,
                                        const struct report_input *in, struct arena *a,
                                        struct err *e);

/* The definition of def in m (its anchor is "def-" + code), or NULL. */
const struct report_definition *report_model_definition(const struct report_model *m,
                                                        const char *code);

/* ---- the model of a year, as every front end builds it ------------------ */

/*
 * The report model of year, the one assembly behind `proxima report` and
 * the web pages /rapport and /rapport/document:
 * - the basis, opened into *b (report_basis_open): for an open year the
 *   dictionary current and the layout data_dir/REPORT_LAYOUT_DOC; for a
 *   closed year the definitions and layout frozen at its closing;
 * - the values of the grids departement, territoire and mds: the frozen
 *   ones (indic_frozen) of the grids frozen with the year, the others
 *   computed with current and cat in one pass (indic_compute_grids); the
 *   model is closed when all three are frozen;
 * - the territories of the referential at 31 December of year
 *   (ref_grid_summary);
 * - while the year is open, the MDS placement of the rows
 *   (report_mds_placement) for the coherence annex;
 * - dated paris_today() (PROXIMA_TODAY in tests).
 * Access checks are the caller's. Everything is allocated in a; current and
 * cat must outlive the model. On success the model refers to *b, which the
 * caller releases after using it (report_basis_release). On failure returns
 * NULL with e filled (the store's errors, a layout that does not check, or
 * report_model_build's) and *b already released (releasing it again is
 * harmless).
 */
struct report_model *report_model_for_year(struct report_basis *b, struct store *s, int year,
                                           const struct indic_dict *current,
                                           const struct catalog *cat, const char *data_dir,
                                           struct arena *a, struct err *e);

/* ---- renderers ----------------------------------------------------------- */

enum report_format {
    REPORT_HTML = 1 << 0,
    REPORT_CSV = 1 << 1,
    REPORT_XLSX = 1 << 2,
    REPORT_JSON = 1 << 3,
    REPORT_ALL = REPORT_HTML | REPORT_CSV | REPORT_XLSX | REPORT_JSON,
};

/* A rendered file: name (no directory) and bytes, in the arena. */
struct report_file {
    const char *name;
    const char *data;
    size_t len;
};

struct report_files {
    struct report_file *files;
    size_t n, cap;
};

/*
 * "html", "csv", "xlsx", "json" or "tout" to a mask of enum report_format;
 * 0 when unknown.
 */
unsigned report_format_parse(const char *s);

/*
 * Render m in every format of mask, appending the files to out (arena a):
 * rapport-YEAR.html; chiffres-cles.csv, mds.csv, territoires.csv,
 * coherence.csv, methodologie.csv; rapport-YEAR.xlsx; rapport-YEAR.json.
 * tmpdir is where libxlsxwriter may write its temporary files (NULL: the
 * system's). Errors: ERR_TOO_LARGE when a file passes its size cap, ERR_IO
 * when the workbook cannot be written.
 */
int report_render(const struct report_model *m, unsigned mask, const char *tmpdir, struct arena *a,
                  struct report_files *out, struct err *e);

/* The single renderers, used by report_render and the tests. */
int report_render_html(const struct report_model *m, struct strbuf *out, struct err *e);
int report_render_json(const struct report_model *m, struct strbuf *out, struct err *e);
/* The five CSV files (CSV_EXCEL dialect), appended to out. */
int report_render_csv(const struct report_model *m, struct arena *a, struct report_files *out,
                      struct err *e);
/* The workbook, one sheet per table, written to a temporary file then read back. */
int report_render_xlsx(const struct report_model *m, const char *tmpdir, struct arena *a,
                       struct report_file *out, struct err *e);

#endif

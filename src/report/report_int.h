/*
 * report_int.h: what the report's files share, private to src/report/.
 */
#ifndef PROXIMA_REPORT_REPORT_INT_H
#define PROXIMA_REPORT_REPORT_INT_H

#include "core/compat.h"
#include "core/strbuf.h"
#include "report/report.h"

/* Size cap of one rendered file. */
#define REPORT_FILE_MAX (64u << 20)

/*
 * The one HTML escaping function of the report: & < > " ' as character
 * references, for text and for attribute values alike. Every string that
 * reaches the HTML page or an SVG chart goes through it, once, in the
 * template that writes it. Invalid UTF-8 is written as U+FFFD.
 */
void report_html_escape(struct strbuf *sb, const char *s);

/*
 * An accessible SVG chart of f (role="img", <title> and <desc> referenced
 * by aria-labelledby and aria-describedby, ids built from id). The data
 * table that goes next to it is written by the caller (html.c).
 */
void report_svg_chart(struct strbuf *sb, const struct report_figure *f, const char *id);

/* Dictionary code of a chart type ("barres_mds"), NULL for REPORT_CHART_NONE. */
const char *report_chart_code(enum report_chart c);
/* French caption of a chart type ("par MDS"). */
const char *report_chart_label(enum report_chart c);
/* Layout code ("habitants") and French column label ("Habitants") of a referential fact. */
const char *report_ref_fact_code(enum report_ref_fact f);
const char *report_ref_fact_label(enum report_ref_fact f);
/* French word of a unit for tables and files ("nombre", "euros"...). */
const char *report_unit_word(const struct indic_def *def);

/* Append a rendered file (data copied into a). */
void report_files_add(struct report_files *out, struct arena *a, const char *name, const char *data,
                      size_t len);

/* ERR_TOO_LARGE naming what when sb overflowed; 0 otherwise. */
int report_check_buffer(const struct strbuf *sb, const char *what, struct err *e);

/* The referential facts of territory t as cells (text for HTML, plain for files). */
void report_ref_fact_text(struct strbuf *sb, const struct report_territory *t,
                          enum report_ref_fact f);
void report_ref_fact_plain(struct strbuf *sb, const struct report_territory *t,
                           enum report_ref_fact f);

#endif

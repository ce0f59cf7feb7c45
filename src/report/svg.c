/*
 * svg.c: the report's charts, drawn by the server as inline SVG.
 *
 * Two kinds: horizontal bars (a figure per MDS or per territory) and a
 * donut (the shares of a figure's parts). Each chart is an image with an
 * accessible name and description (role="img", <title>, <desc>); the data
 * table that goes with it is written next to it by html.c, since a chart
 * alone is not accessible. Geometry uses doubles (pixels, never money);
 * every label and value comes from the model, escaped by the one HTML
 * escaping function.
 */
#include "core/compat.h"
#include "report/report.h"

#include <math.h>

#include "report/report_int.h"

#define SVG_WIDTH   680
#define BAR_LABEL_X 220 /* labels end here */
#define BAR_X       230 /* bars start here */
#define BAR_MAX     330 /* longest bar */
#define BAR_ROW     30
#define BAR_HEIGHT  20
#define FONT        "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\""

/* Colours of the donut's parts: each at least 4.5:1 against white. */
static const char *const palette[] = {"#1f4e79", "#b34700", "#2e6b30", "#6a1b9a",
                                      "#a11d4a", "#00695c", "#5d4037", "#37474f"};

static void open_svg(struct strbuf *sb, const struct report_figure *f, const char *id, int height,
                     const char *kind)
{
    strbuf_addf(sb,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"%d\" height=\"%d\" "
                "viewBox=\"0 0 %d %d\" aria-labelledby=\"",
                SVG_WIDTH, height, SVG_WIDTH, height);
    report_html_escape(sb, id);
    strbuf_addstr(sb, "-titre\" aria-describedby=\"");
    report_html_escape(sb, id);
    strbuf_addstr(sb, "-desc\" " FONT ">\n<title id=\"");
    report_html_escape(sb, id);
    strbuf_addstr(sb, "-titre\">");
    report_html_escape(sb, f->def->label);
    strbuf_addstr(sb, " : ");
    report_html_escape(sb, report_chart_label(f->chart));
    strbuf_addstr(sb, "</title>\n<desc id=\"");
    report_html_escape(sb, id);
    strbuf_addstr(sb, "-desc\">");
    report_html_escape(sb, kind);
    for (size_t i = 0; i < f->npoints; i++) {
        strbuf_addstr(sb, i ? " ; " : " ");
        report_html_escape(sb, f->points[i].name);
        strbuf_addstr(sb, " : ");
        report_html_escape(sb, f->points[i].v.text);
    }
    strbuf_addstr(sb, ". Les mêmes données sont dans le tableau qui suit.</desc>\n");
}

static void bars(struct strbuf *sb, const struct report_figure *f, const char *id)
{
    int height = (int)f->npoints * BAR_ROW + 16;
    double max = 0;

    open_svg(sb, f, id, height, "Barres horizontales, une par zone :");
    for (size_t i = 0; i < f->npoints; i++)
        if (f->points[i].v.defined && f->points[i].v.number > max)
            max = f->points[i].v.number;
    strbuf_addf(sb, "<line x1=\"%d\" y1=\"4\" x2=\"%d\" y2=\"%d\" stroke=\"#595959\"/>\n", BAR_X,
                BAR_X, height - 8);
    for (size_t i = 0; i < f->npoints; i++) {
        const struct report_point *p = &f->points[i];
        double y = 8 + (double)i * BAR_ROW;
        double w = 0;

        if (p->v.defined && max > 0 && p->v.number > 0)
            w = p->v.number / max * BAR_MAX;
        strbuf_addf(sb,
                    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"13\" "
                    "fill=\"#1b1b1b\">",
                    BAR_LABEL_X, y + 15);
        report_html_escape(sb, p->name);
        strbuf_addstr(sb, "</text>\n");
        if (w > 0)
            strbuf_addf(sb,
                        "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" "
                        "fill=\"#1f4e79\"/>\n",
                        BAR_X, y, w, BAR_HEIGHT);
        strbuf_addf(sb, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" fill=\"#1b1b1b\">",
                    BAR_X + w + 6, y + 15);
        report_html_escape(sb, p->v.text);
        strbuf_addstr(sb, "</text>\n");
    }
    strbuf_addstr(sb, "</svg>\n");
}

#define LEGEND_CHARS 40 /* code points per legend line */
#define LEGEND_LINE  17

/*
 * Cut "name : value" into lines of at most LEGEND_CHARS code points at
 * spaces (a longer word stays whole). Returns the number of lines; the
 * byte offsets where lines start go to starts (at most max).
 */
static size_t legend_lines(const char *s, size_t *starts, size_t max)
{
    size_t n = 1, len = strlen(s), line_start = 0, last_space = 0, chars = 0;

    starts[0] = 0;
    for (size_t i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) == 0x80)
            continue;
        if (s[i] == ' ')
            last_space = i;
        if (++chars > LEGEND_CHARS && last_space > line_start && n < max) {
            starts[n++] = last_space + 1;
            line_start = last_space + 1;
            chars = 0;
            for (size_t k = line_start; k <= i; k++)
                chars += ((unsigned char)s[k] & 0xC0) != 0x80;
        }
    }
    return n;
}

static void donut(struct strbuf *sb, const struct report_figure *f, const char *id)
{
    const double cx = 110, cy = 110, r = 75, stroke = 40;
    const double circ = 2 * M_PI * r;
    struct strbuf item, line;
    size_t starts[8];
    double total = 0, offset = 0, ly = 20;
    int legend_h = 12, height;

    strbuf_init(&item, 4096);
    strbuf_init(&line, 4096);
    for (size_t i = 0; i < f->npoints; i++) {
        strbuf_clear(&item);
        strbuf_addf(&item, "%s : %s", f->points[i].name, f->points[i].v.text);
        legend_h += (int)legend_lines(item.buf, starts, ARRAY_SIZE(starts)) * LEGEND_LINE + 9;
        if (f->points[i].v.defined && f->points[i].v.number > 0)
            total += f->points[i].v.number;
    }
    height = legend_h > 230 ? legend_h : 230;
    open_svg(sb, f, id, height, "Anneau des parts :");
    strbuf_addf(sb,
                "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"%.0f\" fill=\"none\" stroke=\"#e6e6e6\" "
                "stroke-width=\"%.0f\"/>\n",
                cx, cy, r, stroke);
    for (size_t i = 0; i < f->npoints; i++) {
        const struct report_point *p = &f->points[i];
        const char *colour = palette[i % ARRAY_SIZE(palette)];
        double len = 0;
        size_t nl;

        if (total > 0 && p->v.defined && p->v.number > 0)
            len = p->v.number / total * circ;
        if (len > 2) {
            /* a 1.5 px white gap between parts; start at the top, clockwise */
            strbuf_addf(sb,
                        "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"%.0f\" fill=\"none\" stroke=\"%s\" "
                        "stroke-width=\"%.0f\" stroke-dasharray=\"%.2f %.2f\" "
                        "stroke-dashoffset=\"%.2f\" transform=\"rotate(-90 %.0f %.0f)\"/>\n",
                        cx, cy, r, colour, stroke, len - 1.5, circ - len + 1.5, -offset, cx, cy);
        }
        offset += len;
        strbuf_addf(sb, "<rect x=\"240\" y=\"%.1f\" width=\"16\" height=\"16\" fill=\"%s\"/>\n",
                    ly - 13, colour);
        strbuf_clear(&item);
        strbuf_addf(&item, "%s : %s", p->name, p->v.text);
        nl = legend_lines(item.buf, starts, ARRAY_SIZE(starts));
        strbuf_addf(sb, "<text x=\"264\" y=\"%.1f\" font-size=\"13\" fill=\"#1b1b1b\">", ly);
        for (size_t k = 0; k < nl; k++) {
            size_t end = k + 1 < nl ? starts[k + 1] - 1 : item.len;
            strbuf_clear(&line);
            strbuf_add(&line, item.buf + starts[k], end - starts[k]);
            strbuf_addf(sb, "<tspan x=\"264\" dy=\"%d\">", k ? LEGEND_LINE : 0);
            report_html_escape(sb, line.buf);
            strbuf_addstr(sb, "</tspan>");
        }
        strbuf_addstr(sb, "</text>\n");
        ly += (double)nl * LEGEND_LINE + 9;
    }
    strbuf_addstr(sb, "</svg>\n");
    strbuf_release(&item);
    strbuf_release(&line);
}

void report_svg_chart(struct strbuf *sb, const struct report_figure *f, const char *id)
{
    switch (f->chart) {
    case REPORT_CHART_BARS_MDS:
    case REPORT_CHART_BARS_TERRITORY:
        bars(sb, f, id);
        break;
    case REPORT_CHART_DONUT:
        donut(sb, f, id);
        break;
    case REPORT_CHART_NONE:
        break;
    }
}

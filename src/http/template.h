/*
 * template.h: HTML escaping and a tiny template language for the agents'
 * pages, so that escaping happens at the edge, once.
 *
 * A template is HTML with placeholders {{name}}. Each placeholder is
 * replaced by the value of the variable of that name, HTML-escaped, unless
 * the variable is marked html (a fragment this module produced, or a
 * constant of the program). There is no way to write raw text from a
 * template itself: user data can only enter through an escaped variable.
 */
#ifndef PROXIMA_HTTP_TEMPLATE_H
#define PROXIMA_HTTP_TEMPLATE_H

#include "core/compat.h"
#include "core/err.h"
#include "core/strbuf.h"

/*
 * Append s[0..n) to sb with & < > " ' escaped (safe in element content and
 * in quoted attribute values).
 */
void http_html_escape(struct strbuf *sb, const char *s, size_t n);
/* The same for a NUL-terminated string (NULL appends nothing). */
void http_html_escape_str(struct strbuf *sb, const char *s);

struct http_tpl_var {
    const char *name;
    const char *value; /* NULL renders as "" */
    bool html;         /* value is trusted HTML (already escaped): inserted as is */
};

/*
 * Render tpl into out. A placeholder naming no variable, or an unclosed
 * "{{", is a bug in the template: ERR_INTERNAL naming it.
 */
int http_template_render(struct strbuf *out, const char *tpl, const struct http_tpl_var *vars,
                         size_t nvars, struct err *e);

#endif

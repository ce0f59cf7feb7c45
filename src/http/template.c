/*
 * template.c: HTML escaping and {{name}} templates (template.h). The only
 * way the agents' pages turn data into HTML.
 */
#include "core/compat.h"
#include "http/template.h"

void http_html_escape(struct strbuf *sb, const char *s, size_t n)
{
    size_t start = 0;

    for (size_t i = 0; i < n; i++) {
        const char *rep;
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            continue;
        }
        strbuf_add(sb, s + start, i - start);
        strbuf_addstr(sb, rep);
        start = i + 1;
    }
    strbuf_add(sb, s + start, n - start);
}

void http_html_escape_str(struct strbuf *sb, const char *s)
{
    if (s)
        http_html_escape(sb, s, strlen(s));
}

int http_template_render(struct strbuf *out, const char *tpl, const struct http_tpl_var *vars,
                         size_t nvars, struct err *e)
{
    const char *p = tpl;

    for (;;) {
        const char *open = strstr(p, "{{"), *close;
        const struct http_tpl_var *v = NULL;
        size_t len;

        if (!open) {
            strbuf_addstr(out, p);
            return 0;
        }
        strbuf_add(out, p, (size_t)(open - p));
        close = strstr(open + 2, "}}");
        if (!close)
            return err_set(e, ERR_INTERNAL, "gabarit HTML : « {{ » sans « }} » (bogue)");
        len = (size_t)(close - open - 2);
        for (size_t i = 0; i < nvars && !v; i++)
            if (strlen(vars[i].name) == len && !memcmp(vars[i].name, open + 2, len))
                v = &vars[i];
        if (!v)
            return err_set(e, ERR_INTERNAL, "gabarit HTML : variable inconnue « %.*s » (bogue)",
                           (int)(len > 64 ? 64 : len), open + 2);
        if (v->html)
            strbuf_addstr(out, v->value ? v->value : "");
        else
            http_html_escape_str(out, v->value);
        p = close + 2;
    }
}

/*
 * page.h: private to the agents' HTML pages (page_*.c): the page builder
 * around the common layout, French formats, form helpers and the route
 * groups of the pages.
 *
 * A page is built into a struct page: its body is HTML produced only by
 * page_tpl (templates whose variables are escaped unless marked html) and
 * page_text (escaped text), so user data is escaped once, here. page_send
 * wraps the body in the layout: skip link, header (Département du
 * Pas-de-Calais, proxima, the agent's name and site, sign-out button),
 * navigation, breadcrumb, main landmark, footer with the accessibility
 * statement link.
 *
 * Forms: every POST form carries the session's CSRF token (page_csrf). A
 * form with errors is rendered again with an error summary at the top
 * (links to the fields) and each message next to its field, tied with
 * aria-describedby (struct page_form).
 */
#ifndef PROXIMA_HTTP_PAGE_H
#define PROXIMA_HTTP_PAGE_H

#include "core/compat.h"
#include "core/strbuf.h"
#include "http/route.h"
#include "http/template.h"

#define PAGE_CRUMBS 6

struct page {
    struct http_request *r;
    const char *title; /* the h1 and the <title> */
    struct strbuf body;
    const char *crumb_label[PAGE_CRUMBS], *crumb_href[PAGE_CRUMBS];
    size_t ncrumbs;
    const char *nav; /* href of the navigation entry to mark current, or NULL */
    bool print;      /* a printable page (procès-verbal): no navigation */
};

/* Start a page of r titled title (escaped when rendered). */
void page_init(struct page *p, struct http_request *r, const char *title);
void page_release(struct page *p);

/* Add a breadcrumb step; href NULL for the current page (added last by page_send). */
void page_crumb(struct page *p, const char *label, const char *href);

/* Append tpl rendered with vars (template.h); a template error is a bug (assert). */
void page_tpl(struct page *p, const char *tpl, const struct http_tpl_var *vars, size_t n);
#define PAGE_TPL(p, tpl, ...)                                                                      \
    page_tpl((p), (tpl), (const struct http_tpl_var[]){__VA_ARGS__},                               \
             sizeof((const struct http_tpl_var[]){__VA_ARGS__}) / sizeof(struct http_tpl_var))
/* tpl rendered with vars into r's arena (for controls given to page_field). */
const char *page_render(struct http_request *r, const char *tpl, const struct http_tpl_var *vars,
                        size_t n);
#define PAGE_RENDER(r, tpl, ...)                                                                   \
    page_render((r), (tpl), (const struct http_tpl_var[]){__VA_ARGS__},                            \
                sizeof((const struct http_tpl_var[]){__VA_ARGS__}) / sizeof(struct http_tpl_var))
/* Append constant HTML of the program (never data). */
void page_html(struct page *p, const char *html);
/* Append text, escaped. */
void page_text(struct page *p, const char *s);

/* The hidden _csrf field of r's session, as HTML (arena). */
const char *page_csrf(struct http_request *r);

/* Render the layout around p's body with status; releases p. Returns 0. */
int page_send(struct page *p, int status);

/* 303 See Other to location (a local path). Returns 0. */
int page_redirect(struct http_request *r, const char *location);

/* ---- French formats (arena of r) ---- */

/* "07/03/2022" from an ISO date; the input itself if it does not parse; "" for NULL. */
const char *page_date(struct http_request *r, const char *iso);
/* "1 234,56 €" (U+202F and U+00A0 as the conventions say); "" when cents < 0. */
const char *page_money(struct http_request *r, int64_t cents);
/* "48 137". */
const char *page_int(struct http_request *r, int64_t v);
/* An instant (seconds) in Paris time: "16/03/2026 à 09:30". */
const char *page_instant(struct http_request *r, int64_t t);

/* Does one of the agent's roles hold capability (anywhere)? For menus and links only. */
bool page_user_can(const struct http_request *r, const char *capability);

/* The French label of the agent's site "mds:calaisis" ("MDS du Calaisis" from the referential). */
const char *page_site_label(struct http_request *r, const char *grid, const char *code);

/*
 * The parameters of d in force on day, as HTML (arena): "Plafond par
 * secours : 350,00 €" with the text each comes from, in a <dl>; "" when d
 * has none in force.
 */
const char *page_params_in_force(struct http_request *r, const struct catalog_dispositif *d,
                                 date_t day);

/* ---- forms with errors ---- */

#define PAGE_FORM_ERRORS 16

struct page_form {
    const char *field[PAGE_FORM_ERRORS]; /* id of the field ("montant"), NULL: the form */
    const char *message[PAGE_FORM_ERRORS];
    size_t n;
};

/* Record an error (message copied into r's arena). */
void page_form_error(struct http_request *r, struct page_form *f, const char *field,
                     const char *message);
/* The message for field, or NULL. */
const char *page_form_message(const struct page_form *f, const char *field);
/*
 * The error summary (role="alert", heading, one link per error to its
 * field), appended to p when f has errors.
 */
void page_form_summary(struct page *p, const struct page_form *f);
/*
 * A labelled field: <label for=id>, the hint, the error message next to it
 * (aria-describedby, aria-invalid), and the control given as trusted HTML
 * built by the caller with page_input_attrs.
 */
void page_field(struct page *p, const struct page_form *f, const char *id, const char *label,
                const char *hint, const char *control_html);
/* ' id="x" name="x" aria-describedby="x-aide x-erreur" aria-invalid="true"' (arena). */
const char *page_input_attrs(struct http_request *r, const struct page_form *f, const char *id,
                             bool has_hint);

/*
 * The raw value of field name of r's form body, for forms whose fields
 * come from the catalogue (a dispositif's facts): NULL when absent or
 * empty. The handler validates it.
 */
const char *page_form_value(const struct http_request *r, const char *name);

/* Options of a <select> from codes and labels (n of each), selected marked; HTML in r's arena. */
const char *page_options(struct http_request *r, const char *const *codes,
                         const char *const *labels, size_t n, const char *selected,
                         const char *empty_label);

/* ---- route groups of the pages ---- */

extern const struct http_route page_layout_routes[];
extern const size_t page_layout_nroutes;
extern const struct http_route page_home_routes[];
extern const size_t page_home_nroutes;
extern const struct http_route page_person_routes[];
extern const size_t page_person_nroutes;
extern const struct http_route page_dossier_routes[];
extern const size_t page_dossier_nroutes;
extern const struct http_route page_seance_routes[];
extern const size_t page_seance_nroutes;
extern const struct http_route page_acces_routes[];
extern const size_t page_acces_nroutes;
extern const struct http_route page_rapport_routes[];
extern const size_t page_rapport_nroutes;

#endif

/*
 * response.h: how the server answers. JSON documents for the API, problem
 * details (RFC 9457, application/problem+json) for its errors, HTML pages
 * and the French error page for the agents' pages, plain text, cookies.
 *
 * Every response the pipeline produces carries the security headers of
 * http_security_headers (CSP default-src 'self', nosniff, Referrer-Policy
 * same-origin, X-Frame-Options DENY, Cache-Control no-store: nearly every
 * answer holds personal data, and none is worth caching).
 *
 * A problem document:
 *   {"type": "urn:proxima:probleme:invalid", "title": "Données invalides",
 *    "status": 422, "detail": "<the French message>", "hint": "<what to do>",
 *    "precision": "<the detail: field, value>", "code": "invalid"}
 * hint and precision are present only when known.
 */
#ifndef PROXIMA_HTTP_RESPONSE_H
#define PROXIMA_HTTP_RESPONSE_H

#include <jansson.h>

#include "core/compat.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "http/route.h"

extern const struct http_header http_security_headers[];
extern const size_t http_security_headers_count;

/* Add a response header (name and value copied into the request's arena). */
void http_header_add(struct http_request *r, const char *name, const char *value);

/* A JSON document (stolen; NULL is an internal error) with status. Returns 0. */
int http_json(struct http_request *r, int status, json_t *doc);
/*
 * A JSON answer written straight into the body: http_json_start sets the
 * status and returns the body; http_json_finish(r, rc) ends it (rc != 0: the
 * writer failed, a 500 instead). Returns 0, like http_json.
 */
struct strbuf *http_json_start(struct http_request *r, int status);
int http_json_finish(struct http_request *r, int rc);

/* A text response: content type given ("text/plain; charset=utf-8"). Returns 0. */
int http_text(struct http_request *r, int status, const char *content_type, const char *text,
              size_t n);

/* 204 No Content. Returns 0. */
int http_no_content(struct http_request *r);

/*
 * A problem document (API) or the French error page (HTML), whichever the
 * request's route (or, before routing, its path: /api/... is the API)
 * calls for. code is a stable name ("invalid", "too_many_requests"); title
 * may be NULL (the French title of the status is used); detail, hint and
 * precision may be NULL or "".
 */
void http_problem(struct http_request *r, int status, const char *code, const char *title,
                  const char *detail, const char *hint, const char *precision);

/*
 * The one place where a struct err becomes a response: status from
 * err_http_status (ERR_USAGE: 400 for a request that breaks the API's
 * contract; ERR_INVALID: 422 for data a business rule refuses), the
 * message as detail. Server-side failures (store, I/O, bugs) are answered
 * with a generic French message and logged in English without the
 * user's data.
 */
void http_error(struct http_request *r, const struct err *e);

/* French title of a status ("Accès refusé" for 403). */
const char *http_status_title(int status);

/*
 * The session cookie: set with token (Secure and the __Host- prefix when
 * r->https), or cleared (expired at once).
 */
void http_cookie_set(struct http_request *r, const char *token);
void http_cookie_clear(struct http_request *r);

/*
 * An HTML page: the French page skeleton (lang="fr", charset, title, the
 * Département's header, main with body_html, footer with the accessibility
 * statement link) around body_html, which must already be escaped
 * (template.h). title is escaped here. Returns 0.
 */
int http_html_page(struct http_request *r, int status, const char *title, const char *body_html);

#endif

/*
 * response.c: JSON, problem details, HTML pages, text and cookies
 * (response.h). Errors become responses in http_error() and nowhere else.
 */
#include "core/compat.h"
#include "http/response.h"

#include "http/template.h"

const struct http_header http_security_headers[] = {
    {"Content-Security-Policy",
     "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "same-origin"},
    {"X-Frame-Options", "DENY"},
    {"Cache-Control", "no-store"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
    {"Cross-Origin-Resource-Policy", "same-origin"},
};
const size_t http_security_headers_count = ARRAY_SIZE(http_security_headers);

#define BODY_MAX (64u << 20) /* a response larger than this is a bug */

void http_header_add(struct http_request *r, const char *name, const char *value)
{
    assert(r->res.nheaders < HTTP_RESPONSE_HEADERS);
    r->res.headers[r->res.nheaders].name = arena_strdup(&r->arena, name);
    r->res.headers[r->res.nheaders].value = arena_strdup(&r->arena, value);
    r->res.nheaders++;
}

/* Start a response: status, type, empty body (headers added before are kept). */
static void res_start(struct http_request *r, int status, const char *type)
{
    if (r->res.body.buf)
        strbuf_clear(&r->res.body);
    else
        strbuf_init(&r->res.body, BODY_MAX);
    r->res.status = status;
    r->res.content_type = type;
}

const char *http_status_title(int status)
{
    switch (status) {
    case 400:
        return "Requête invalide";
    case 401:
        return "Authentification requise";
    case 403:
        return "Accès refusé";
    case 404:
        return "Ressource introuvable";
    case 405:
        return "Méthode non permise";
    case 409:
        return "Opération impossible dans l'état actuel";
    case 413:
        return "Requête trop volumineuse";
    case 415:
        return "Type de contenu non pris en charge";
    case 422:
        return "Données refusées";
    case 429:
        return "Trop de tentatives";
    case 431:
        return "En-têtes trop volumineux";
    case 503:
        return "Service momentanément indisponible";
    default:
        return status >= 500 ? "Erreur interne du serveur" : "Erreur";
    }
}

/* jansson's output, straight into the response body (no intermediate string). */
static int json_to_body(const char *buffer, size_t size, void *data)
{
    struct strbuf *sb = data;

    strbuf_add(sb, buffer, size);
    return sb->failed ? -1 : 0;
}

int http_json(struct http_request *r, int status, json_t *doc)
{
    int rc = -1;

    if (doc) {
        res_start(r, status, "application/json");
        rc =
            json_dump_callback(doc, json_to_body, &r->res.body, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(doc);
    }
    return http_json_finish(r, rc);
}

struct strbuf *http_json_start(struct http_request *r, int status)
{
    res_start(r, status, "application/json");
    return &r->res.body;
}

int http_json_finish(struct http_request *r, int rc)
{
    strbuf_addch(&r->res.body, '\n');
    if (rc != 0 || r->res.body.failed) {
        struct err e;
        err_set(&e, ERR_NOMEM, "échec de la production du document JSON");
        strbuf_release(&r->res.body);
        memset(&r->res.body, 0, sizeof(r->res.body));
        http_error(r, &e);
    }
    return 0;
}

int http_text(struct http_request *r, int status, const char *content_type, const char *text,
              size_t n)
{
    res_start(r, status, content_type);
    strbuf_add(&r->res.body, text, n);
    return 0;
}

int http_no_content(struct http_request *r)
{
    res_start(r, 204, NULL);
    return 0;
}

static bool is_api(const struct http_request *r)
{
    if (r->route)
        return r->route->kind == HTTP_API;
    /* before routing: the path decides */
    return !r->target || !strncmp(r->target, "/api/", 5) || !strcmp(r->target, "/api");
}

static const char page_tpl[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"fr\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>{{title}} - proxima</title>\n"
    "<link rel=\"stylesheet\" href=\"/static/proxima.css\">\n"
    "</head>\n"
    "<body>\n"
    "<a class=\"evitement\" href=\"#contenu\">Aller au contenu</a>\n"
    "<header class=\"entete\"><div class=\"entete-marque\"><p class=\"collectivite\">"
    "Département du Pas-de-Calais</p><p class=\"service\"><a href=\"/\">proxima</a></p></div>"
    "</header>\n"
    "<main id=\"contenu\" tabindex=\"-1\">\n"
    "{{body}}"
    "</main>\n"
    "<footer class=\"pied\"><p><a href=\"/accessibilite\">Accessibilité : "
    "partiellement conforme</a></p></footer>\n"
    "</body>\n"
    "</html>\n";

int http_html_page(struct http_request *r, int status, const char *title, const char *body_html)
{
    const struct http_tpl_var vars[] = {
        {"title", title, false},
        {"body", body_html, true},
    };
    struct err e;

    err_clear(&e);
    res_start(r, status, "text/html; charset=utf-8");
    if (http_template_render(&r->res.body, page_tpl, vars, ARRAY_SIZE(vars), &e) != 0) {
        res_start(r, 500, "text/plain; charset=utf-8");
        strbuf_addstr(&r->res.body, "Erreur interne du serveur.\n");
    }
    return 0;
}

static const char error_tpl[] = "<h1>{{title}}</h1>\n"
                                "<p>{{detail}}</p>\n"
                                "{{more}}"
                                "<p><a href=\"{{back}}\">{{back_label}}</a></p>\n";

/*
 * An HTML page that needs a session sends the browser to the sign-in page,
 * with the page asked for (GET only, percent-encoded) to come back to.
 */
static void login_redirect(struct http_request *r)
{
    struct strbuf loc;
    const char *t = r->target;

    strbuf_init(&loc, 4096);
    strbuf_addstr(&loc, "/connexion");
    if (r->method == HTTP_GET && t && t[0] == '/' && strcmp(t, "/") != 0 && strlen(t) < 1000) {
        strbuf_addstr(&loc, "?retour=");
        for (const unsigned char *q = (const unsigned char *)t; *q; q++) {
            if ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
                strchr("/-_.~", *q))
                strbuf_addch(&loc, (char)*q);
            else
                strbuf_addf(&loc, "%%%02X", *q);
        }
    }
    res_start(r, 303, "text/plain; charset=utf-8");
    strbuf_addstr(&r->res.body, "Authentification requise : voir la page de connexion.\n");
    http_header_add(r, "Location", loc.buf);
    strbuf_release(&loc);
}

static void error_page(struct http_request *r, int status, const char *title, const char *detail,
                       const char *hint, const char *precision)
{
    struct strbuf more, body;
    struct err e;
    bool login = status == 401;

    if (login && r->route && r->route->kind == HTTP_HTML) {
        login_redirect(r);
        return;
    }

    strbuf_init(&more, 4096);
    strbuf_init(&body, 16384);
    if (precision && *precision) {
        strbuf_addstr(&more, "<p>Précision : ");
        http_html_escape_str(&more, precision);
        strbuf_addstr(&more, "</p>\n");
    }
    if (hint && *hint) {
        strbuf_addstr(&more, "<p>Conseil : ");
        http_html_escape_str(&more, hint);
        strbuf_addstr(&more, "</p>\n");
    }
    {
        const struct http_tpl_var vars[] = {
            {"title", title, false},
            {"detail", detail && *detail ? detail : title, false},
            {"more", more.buf, true},
            {"back", login ? "/connexion" : "/", false},
            {"back_label", login ? "Se connecter" : "Retour à l'accueil", false},
        };
        err_clear(&e);
        http_template_render(&body, error_tpl, vars, ARRAY_SIZE(vars), &e);
    }
    http_html_page(r, status, title, body.buf);
    strbuf_release(&more);
    strbuf_release(&body);
}

void http_problem(struct http_request *r, int status, const char *code, const char *title,
                  const char *detail, const char *hint, const char *precision)
{
    json_t *doc;

    if (!title)
        title = http_status_title(status);
    if (!is_api(r)) {
        error_page(r, status, title, detail, hint, precision);
        return;
    }
    doc = json_pack("{s:s, s:s, s:i, s:s}", "type",
                    arena_printf(&r->arena, "urn:proxima:probleme:%s", code), "title", title,
                    "status", status, "detail", detail && *detail ? detail : title);
    if (doc && hint && *hint)
        json_object_set_new(doc, "hint", json_string(hint));
    if (doc && precision && *precision)
        json_object_set_new(doc, "precision", json_string(precision));
    if (doc)
        json_object_set_new(doc, "code", json_string(code));
    if (!doc) {
        res_start(r, 500, "text/plain; charset=utf-8");
        strbuf_addstr(&r->res.body, "Erreur interne du serveur.\n");
        return;
    }
    http_json(r, status, doc);
    r->res.content_type = "application/problem+json";
}

void http_error(struct http_request *r, const struct err *e)
{
    enum err_code code = e->code == ERR_OK ? ERR_INTERNAL : e->code;
    int status = err_http_status(code);

    if (status >= 500) {
        /* English, without the user's data: the code and, for the store and
           the file system, the engine's own message (SQLite's, errno's) */
        fprintf(stderr, "error: %s %s: %s%s%s\n", r->method_name ? r->method_name : "-",
                r->route ? r->route->pattern : "-", err_code_name(code),
                (code == ERR_DB || code == ERR_IO) && e->detail[0] ? ": " : "",
                (code == ERR_DB || code == ERR_IO) ? e->detail : "");
        http_problem(r, status, err_code_name(code), NULL,
                     code == ERR_NOMEM ? "le serveur manque de mémoire, réessayez dans un instant"
                                       : "une erreur interne a empêché de traiter la demande ; "
                                         "rien n'a été enregistré",
                     "si le problème persiste, signalez-le à l'assistance informatique "
                     "avec l'heure de la demande",
                     NULL);
        return;
    }
    http_problem(r, status, err_code_name(code), NULL,
                 e->message[0] ? e->message : http_status_title(status), e->hint, e->detail);
}

static const char *cookie_name(const struct http_request *r)
{
    return r->https ? HTTP_COOKIE_TLS : HTTP_COOKIE_PLAIN;
}

void http_cookie_set(struct http_request *r, const char *token)
{
    http_header_add(r, "Set-Cookie",
                    arena_printf(&r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s",
                                 cookie_name(r), token, r->https ? "; Secure" : ""));
}

void http_cookie_clear(struct http_request *r)
{
    http_header_add(r, "Set-Cookie",
                    arena_printf(&r->arena, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s",
                                 cookie_name(r), r->https ? "; Secure" : ""));
}

/*
 * page_layout.c: what every agents' page shares (page.h): the layout
 * (skip link, header, navigation, breadcrumb, main, footer), French
 * formats, forms with an error summary; and the pages that are not about
 * the case engine: the stylesheet (GET /static/:fichier, cacheable), sign-in
 * (/connexion), sign-out (/deconnexion) and the accessibility statement
 * (/accessibilite).
 *
 * Sign-in has no session yet to carry a CSRF token: GET /connexion sets a
 * short-lived random token in a cookie and in the form (double submit),
 * and POST compares them (the pipeline checks Origin before).
 */
#include "core/compat.h"
#include "http/page.h"

#include <sodium.h>

#include "core/date.h"
#include "core/file.h"
#include "core/money.h"
#include "http/response.h"

#define LOGIN_COOKIE "proxima_connexion"

/* ---- the page builder ---- */

void page_init(struct page *p, struct http_request *r, const char *title)
{
    memset(p, 0, sizeof(*p));
    p->r = r;
    p->title = title;
    strbuf_init(&p->body, 16u << 20);
}

void page_release(struct page *p)
{
    strbuf_release(&p->body);
}

void page_crumb(struct page *p, const char *label, const char *href)
{
    assert(p->ncrumbs < PAGE_CRUMBS);
    p->crumb_label[p->ncrumbs] = label;
    p->crumb_href[p->ncrumbs] = href;
    p->ncrumbs++;
}

void page_tpl(struct page *p, const char *tpl, const struct http_tpl_var *vars, size_t n)
{
    struct err e;
    int rc;

    err_clear(&e);
    rc = http_template_render(&p->body, tpl, vars, n, &e);
    assert(rc == 0); /* a template naming an unknown variable is a bug */
    (void)rc;
}

const char *page_render(struct http_request *r, const char *tpl, const struct http_tpl_var *vars,
                        size_t n)
{
    struct strbuf sb;
    const char *out;
    struct err e;
    int rc;

    strbuf_init(&sb, 1u << 20);
    err_clear(&e);
    rc = http_template_render(&sb, tpl, vars, n, &e);
    assert(rc == 0);
    (void)rc;
    out = arena_strdup(&r->arena, sb.buf ? sb.buf : "");
    strbuf_release(&sb);
    return out;
}

void page_html(struct page *p, const char *html)
{
    strbuf_addstr(&p->body, html);
}

void page_text(struct page *p, const char *s)
{
    http_html_escape_str(&p->body, s);
}

const char *page_csrf(struct http_request *r)
{
    struct strbuf sb;
    const char *out;

    strbuf_init(&sb, 256);
    strbuf_addstr(&sb, "<input type=\"hidden\" name=\"_csrf\" value=\"");
    http_html_escape_str(&sb, r->has_session ? r->session.csrf : "");
    strbuf_addstr(&sb, "\">\n");
    out = arena_strdup(&r->arena, sb.buf);
    strbuf_release(&sb);
    return out;
}

static const char layout_tpl[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"fr\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>{{title}} - proxima - Département du Pas-de-Calais</title>\n"
    "<link rel=\"stylesheet\" href=\"/static/proxima.css\">\n"
    "</head>\n"
    "<body>\n"
    "<a class=\"evitement\" href=\"#contenu\">Aller au contenu</a>\n"
    "<header class=\"entete\">\n"
    "<div class=\"entete-marque\"><p class=\"collectivite\">Département du Pas-de-Calais</p>\n"
    "<p class=\"service\"><a href=\"/\">proxima</a> <span>information sociale des "
    "agents</span></p></div>\n"
    "{{agent}}"
    "</header>\n"
    "{{nav}}"
    "{{crumbs}}"
    "<main id=\"contenu\" tabindex=\"-1\">\n"
    "<h1>{{title}}</h1>\n"
    "{{body}}"
    "</main>\n"
    "<footer class=\"pied\">\n"
    "<ul><li><a href=\"/accessibilite\">Accessibilité : partiellement conforme</a></li>\n"
    "<li>proxima, système d'information des solidarités du Département du "
    "Pas-de-Calais</li></ul>\n"
    "</footer>\n"
    "</body>\n"
    "</html>\n";

/* The menu: each entry shown only to agents holding one of its capabilities (NULL: everyone). */
static const struct {
    const char *href, *label, *cap1, *cap2;
} nav_items[] = {
    {"/", "Tableau de bord", NULL, NULL},
    {"/personnes", "Personnes", "personne.lire", NULL},
    {"/accueil", "Accueil du public", "acte.enregistrer", NULL},
    {"/seances", "Commissions", "commission.gerer", "commission.presider"},
    {"/rapport", "Rapport d'activité", "statistiques.lire", NULL},
    {"/journal-acces", "Journal des accès", "journal_acces.lire", NULL},
};

bool page_user_can(const struct http_request *r, const char *capability)
{
    for (size_t i = 0; i < r->user.ngrants; i++) {
        const struct catalog_role *role = catalog_role(&r->app->cat, r->user.grants[i].role);
        if (role && catalog_role_can(role, capability))
            return true;
    }
    return false;
}

/* The agent's first site as "grid:code" (NULL without grants). */
static const struct access_grant *first_grant(const struct http_request *r)
{
    return r->user.ngrants ? &r->user.grants[0] : NULL;
}

int page_send(struct page *p, int status)
{
    struct http_request *r = p->r;
    struct strbuf agent, nav, crumbs;
    struct err e;

    strbuf_init(&agent, 8192);
    strbuf_init(&nav, 8192);
    strbuf_init(&crumbs, 8192);
    if (r->has_session) {
        const struct access_grant *g = first_grant(r);
        const struct http_tpl_var v[] = {
            {"name", r->user.name && *r->user.name ? r->user.name : r->user.login, false},
            {"site", g ? page_site_label(r, g->site_grid, g->site_code) : "aucun site", false},
            {"csrf", page_csrf(r), true},
        };
        err_clear(&e);
        http_template_render(&agent,
                             "<div class=\"entete-agent\"><p><span class=\"agent-nom\">{{name}}"
                             "</span><br><span class=\"agent-site\">{{site}}</span></p>\n"
                             "<form method=\"post\" action=\"/deconnexion\">{{csrf}}"
                             "<button type=\"submit\" class=\"secondaire\">Se déconnecter"
                             "</button></form></div>\n",
                             v, ARRAY_SIZE(v), &e);
        if (!p->print) {
            strbuf_addstr(&nav, "<nav class=\"menu\" aria-label=\"Menu principal\"><ul>\n");
            for (size_t i = 0; i < ARRAY_SIZE(nav_items); i++) {
                bool cur = p->nav && !strcmp(p->nav, nav_items[i].href);
                if (nav_items[i].cap1 && !page_user_can(r, nav_items[i].cap1) &&
                    !(nav_items[i].cap2 && page_user_can(r, nav_items[i].cap2)))
                    continue;
                strbuf_addf(&nav, "<li><a href=\"%s\"%s>%s</a></li>\n", nav_items[i].href,
                            cur ? " aria-current=\"page\"" : "", nav_items[i].label);
            }
            strbuf_addstr(&nav, "</ul></nav>\n");
        }
    }
    if (!p->print) {
        strbuf_addstr(&crumbs, "<nav class=\"ariane\" aria-label=\"Vous êtes ici\"><ol>\n");
        if (r->has_session && (p->ncrumbs || strcmp(p->title, "Tableau de bord") != 0))
            strbuf_addstr(&crumbs, "<li><a href=\"/\">Tableau de bord</a></li>\n");
        for (size_t i = 0; i < p->ncrumbs; i++) {
            if (!strcmp(p->crumb_href[i], "/"))
                continue; /* the dashboard always comes first, once */
            strbuf_addstr(&crumbs, "<li><a href=\"");
            http_html_escape_str(&crumbs, p->crumb_href[i]);
            strbuf_addstr(&crumbs, "\">");
            http_html_escape_str(&crumbs, p->crumb_label[i]);
            strbuf_addstr(&crumbs, "</a></li>\n");
        }
        strbuf_addstr(&crumbs, "<li><span aria-current=\"page\">");
        http_html_escape_str(&crumbs, p->title);
        strbuf_addstr(&crumbs, "</span></li>\n</ol></nav>\n");
    }
    {
        const struct http_tpl_var v[] = {
            {"title", p->title, false},   {"agent", agent.buf, true},  {"nav", nav.buf, true},
            {"crumbs", crumbs.buf, true}, {"body", p->body.buf, true},
        };
        struct strbuf out;
        strbuf_init(&out, 32u << 20);
        err_clear(&e);
        if (http_template_render(&out, layout_tpl, v, ARRAY_SIZE(v), &e) != 0 ||
            strbuf_failed(&out) || strbuf_failed(&p->body))
            http_text(r, 500, "text/plain; charset=utf-8", "Erreur interne du serveur.\n", 27);
        else
            http_text(r, status, "text/html; charset=utf-8", out.buf, out.len);
        strbuf_release(&out);
    }
    strbuf_release(&agent);
    strbuf_release(&nav);
    strbuf_release(&crumbs);
    page_release(p);
    return 0;
}

int page_redirect(struct http_request *r, const char *location)
{
    http_header_add(r, "Location", location);
    return http_text(r, 303, "text/plain; charset=utf-8", "Voir l'adresse indiquée.\n", 26);
}

/* ---- formats ---- */

const char *page_date(struct http_request *r, const char *iso)
{
    date_t d;
    char out[DATE_ISO_LEN];
    struct err e;

    if (!iso)
        return "";
    err_clear(&e);
    if (date_parse_iso(iso, strlen(iso), &d, &e) != 0)
        return iso;
    date_format_fr(d, out);
    return arena_strdup(&r->arena, out);
}

const char *page_money(struct http_request *r, int64_t cents)
{
    struct strbuf sb;
    const char *out;

    if (cents < 0)
        return "";
    strbuf_init(&sb, 64);
    money_format(&sb, cents);
    out = arena_strdup(&r->arena, sb.buf);
    strbuf_release(&sb);
    return out;
}

const char *page_int(struct http_request *r, int64_t v)
{
    struct strbuf sb;
    const char *out;

    strbuf_init(&sb, 64);
    num_format_int(&sb, v);
    out = arena_strdup(&r->arena, sb.buf);
    strbuf_release(&sb);
    return out;
}

const char *page_instant(struct http_request *r, int64_t t)
{
    char iso[40];
    date_t d = paris_date_of(t);
    char day[DATE_ISO_LEN];

    paris_format_instant(t, iso, sizeof(iso)); /* 2026-03-16T09:30:00+01:00 */
    date_format_fr(d, day);
    return arena_printf(&r->arena, "%s à %.5s", day, strlen(iso) >= 16 ? iso + 11 : "");
}

const char *page_site_label(struct http_request *r, const char *grid, const char *code)
{
    struct store_stmt *st;
    const char *name = NULL;
    struct err e;

    err_clear(&e);
    st = r->store
             ? store_prepare(r->store, "SELECT name FROM ref_area WHERE grid = ? AND code = ?", &e)
             : NULL;
    if (st) {
        store_bind_text(st, 1, grid);
        store_bind_text(st, 2, code);
        if (store_step(st, &e) == STORE_ROW)
            name = arena_strdup(&r->arena, store_column_text(st, 0));
        store_finalize(st);
    }
    if (name && !strcmp(grid, "mds") && strncmp(name, "MDS", 3) != 0)
        return arena_printf(&r->arena, "MDS %s", name);
    if (name)
        return name;
    if (!strcmp(grid, "departement"))
        return "Département (tous les sites)";
    return arena_printf(&r->arena, "%s %s", grid, code);
}

const char *page_params_in_force(struct http_request *r, const struct catalog_dispositif *d,
                                 date_t day)
{
    struct strbuf sb;
    const char *out;
    size_t n = 0;

    strbuf_init(&sb, 1u << 16);
    for (size_t i = 0; i < d->nparams; i++) {
        const struct catalog_param *prm = &d->params[i];
        struct rules_value v;
        const char *ref = NULL;
        struct err e;
        err_clear(&e);
        if (catalog_param_at(d, prm->code, day, &v, &ref, &e) != 0)
            continue;
        if (!n++)
            strbuf_addstr(&sb, "<dl class=\"parametres\">\n");
        strbuf_addstr(&sb, "<div><dt>");
        http_html_escape_str(&sb, prm->label);
        strbuf_addstr(&sb, "</dt><dd>");
        switch (v.type) {
        case RULES_MONEY:
            money_format(&sb, v.u.i);
            break;
        case RULES_INT:
            num_format_int(&sb, v.u.i);
            break;
        case RULES_BOOL:
            strbuf_addstr(&sb, v.u.b ? "oui" : "non");
            break;
        case RULES_DATE: {
            char fr[DATE_ISO_LEN];
            date_format_fr((date_t)v.u.i, fr);
            strbuf_addstr(&sb, fr);
            break;
        }
        default: {
            char *text = arena_strndup(&r->arena, v.u.s.p, v.u.s.n);
            http_html_escape_str(&sb, text);
            break;
        }
        }
        if (ref && *ref) {
            strbuf_addstr(&sb, " <span class=\"reference\">(");
            http_html_escape_str(&sb, ref);
            strbuf_addstr(&sb, ")</span>");
        }
        strbuf_addstr(&sb, "</dd></div>\n");
    }
    if (n)
        strbuf_addstr(&sb, "</dl>\n");
    out = arena_strdup(&r->arena, sb.buf ? sb.buf : "");
    strbuf_release(&sb);
    return out;
}

/* ---- forms ---- */

void page_form_error(struct http_request *r, struct page_form *f, const char *field,
                     const char *message)
{
    if (f->n >= PAGE_FORM_ERRORS)
        return;
    f->field[f->n] = field;
    f->message[f->n] = arena_strdup(&r->arena, message);
    f->n++;
}

const char *page_form_message(const struct page_form *f, const char *field)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->field[i] && field && !strcmp(f->field[i], field))
            return f->message[i];
    return NULL;
}

void page_form_summary(struct page *p, const struct page_form *f)
{
    if (!f->n)
        return;
    page_html(p, "<div class=\"resume-erreurs\" role=\"alert\" tabindex=\"-1\" "
                 "aria-labelledby=\"resume-erreurs-titre\">\n"
                 "<h2 id=\"resume-erreurs-titre\">Le formulaire contient des erreurs</h2>\n<ul>\n");
    for (size_t i = 0; i < f->n; i++) {
        if (f->field[i])
            PAGE_TPL(p, "<li><a href=\"#{{id}}\">{{msg}}</a></li>\n", {"id", f->field[i], false},
                     {"msg", f->message[i], false});
        else
            PAGE_TPL(p, "<li>{{msg}}</li>\n", {"msg", f->message[i], false});
    }
    page_html(p, "</ul>\n</div>\n");
}

const char *page_input_attrs(struct http_request *r, const struct page_form *f, const char *id,
                             bool has_hint)
{
    bool bad = f && page_form_message(f, id) != NULL;
    const char *desc = has_hint && bad ? arena_printf(&r->arena, "%s-aide %s-erreur", id, id)
                       : has_hint      ? arena_printf(&r->arena, "%s-aide", id)
                       : bad           ? arena_printf(&r->arena, "%s-erreur", id)
                                       : NULL;

    return arena_printf(&r->arena, " id=\"%s\" name=\"%s\"%s%s%s%s", id, id,
                        desc ? " aria-describedby=\"" : "", desc ? desc : "", desc ? "\"" : "",
                        bad ? " aria-invalid=\"true\"" : "");
}

void page_field(struct page *p, const struct page_form *f, const char *id, const char *label,
                const char *hint, const char *control_html)
{
    const char *msg = f ? page_form_message(f, id) : NULL;

    PAGE_TPL(p, "<div class=\"champ{{cls}}\">\n<label for=\"{{id}}\">{{label}}</label>\n",
             {"cls", msg ? " champ-erreur" : "", false}, {"id", id, false},
             {"label", label, false});
    if (hint)
        PAGE_TPL(p, "<p class=\"aide\" id=\"{{id}}-aide\">{{hint}}</p>\n", {"id", id, false},
                 {"hint", hint, false});
    if (msg)
        PAGE_TPL(p, "<p class=\"erreur\" id=\"{{id}}-erreur\">Erreur : {{msg}}</p>\n",
                 {"id", id, false}, {"msg", msg, false});
    page_html(p, control_html);
    page_html(p, "</div>\n");
}

const char *page_form_value(const struct http_request *r, const char *name)
{
    for (size_t i = 0; i < r->form.n; i++)
        if (!strcmp(r->form.v[i].name, name))
            return r->form.v[i].value_len ? r->form.v[i].value : NULL;
    return NULL;
}

const char *page_options(struct http_request *r, const char *const *codes,
                         const char *const *labels, size_t n, const char *selected,
                         const char *empty_label)
{
    struct strbuf sb;
    const char *out;

    strbuf_init(&sb, 1u << 20);
    if (empty_label) {
        strbuf_addstr(&sb, "<option value=\"\">");
        http_html_escape_str(&sb, empty_label);
        strbuf_addstr(&sb, "</option>\n");
    }
    for (size_t i = 0; i < n; i++) {
        strbuf_addstr(&sb, "<option value=\"");
        http_html_escape_str(&sb, codes[i]);
        strbuf_addstr(&sb, selected && !strcmp(selected, codes[i]) ? "\" selected>" : "\">");
        http_html_escape_str(&sb, labels ? labels[i] : codes[i]);
        strbuf_addstr(&sb, "</option>\n");
    }
    out = arena_strdup(&r->arena, sb.buf);
    strbuf_release(&sb);
    return out;
}

/* ---- GET /static/:fichier ---- */

static const struct {
    const char *name, *type;
} static_files[] = {
    {"proxima.css", "text/css; charset=utf-8"},
};

static const struct http_param static_params[] = {
    {"fichier", HTTP_IN_PATH, HTTP_T_ID, true, .doc = "fichier de data/web (proxima.css)"},
};

static int static_file(struct http_request *r, struct err *e)
{
    const char *name = http_str(r, "fichier");
    struct strbuf sb;

    for (size_t i = 0; i < ARRAY_SIZE(static_files); i++) {
        if (strcmp(static_files[i].name, name) != 0)
            continue;
        strbuf_init(&sb, 1u << 20);
        if (file_read_all(arena_printf(&r->arena, "%s/web/%s", r->app->cfg.data_dir, name), &sb,
                          1u << 20, e) != 0) {
            strbuf_release(&sb);
            return -1;
        }
        /* the only cacheable answer: no personal data, the same for everyone */
        http_header_add(r, "Cache-Control", "public, max-age=3600");
        http_text(r, 200, static_files[i].type, sb.buf, sb.len);
        strbuf_release(&sb);
        return 0;
    }
    err_set(e, ERR_NOT_FOUND, "fichier inconnu : « %s »", name);
    return -1;
}

/* ---- /connexion ---- */

static const struct http_param login_get_params[] = {
    {"retour", HTTP_IN_QUERY, HTTP_T_TEXT, false, .max_len = 500,
     .doc = "page à afficher après la connexion"},
};

static const struct http_param login_post_params[] = {
    {"identifiant", HTTP_IN_BODY, HTTP_T_TEXT, false, .max_len = ACCESS_LOGIN_MAX,
     .doc = "identifiant de l'agent"},
    {"mot_de_passe", HTTP_IN_BODY, HTTP_T_SECRET, false, .max_len = ACCESS_PASSWORD_MAX_BYTES,
     .doc = "mot de passe"},
    {"retour", HTTP_IN_BODY, HTTP_T_TEXT, false, .max_len = 500,
     .doc = "page à afficher après la connexion"},
    {"_csrf", HTTP_IN_BODY, HTTP_T_TEXT, false, .max_len = 64, .doc = "jeton anti-CSRF"},
};

/* A local path only ("/personnes?nom=x"), never "//host" nor a scheme: else "/". */
static const char *safe_return(const char *s)
{
    if (!s || s[0] != '/' || s[1] == '/' || s[1] == '\\' || strchr(s, '\r') || strchr(s, '\n'))
        return "/";
    return s;
}

static int login_form(struct http_request *r, int status, const char *login, const char *back,
                      const struct page_form *f)
{
    struct page p;
    const char *token = http_token_new(&r->arena);

    http_header_add(r, "Set-Cookie",
                    arena_printf(&r->arena,
                                 "%s=%s; Path=/connexion; Max-Age=3600; HttpOnly; "
                                 "SameSite=Strict%s",
                                 LOGIN_COOKIE, token, r->https ? "; Secure" : ""));
    page_init(&p, r, "Connexion");
    page_form_summary(&p, f);
    page_html(&p, "<p>Connectez-vous avec l'identifiant et le mot de passe de votre compte "
                  "d'agent. Tous les champs sont obligatoires.</p>\n");
    PAGE_TPL(&p,
             "<form method=\"post\" action=\"/connexion\" class=\"formulaire\" novalidate>\n"
             "<input type=\"hidden\" name=\"_csrf\" value=\"{{token}}\">\n"
             "<input type=\"hidden\" name=\"retour\" value=\"{{back}}\">\n",
             {"token", token, false}, {"back", safe_return(back), false});
    page_field(&p, f, "identifiant", "Identifiant", "Par exemple : jean.dupont",
               PAGE_RENDER(r,
                           "<input type=\"text\"{{attrs}} autocomplete=\"username\" required "
                           "spellcheck=\"false\" value=\"{{v}}\">\n",
                           {"attrs", page_input_attrs(r, f, "identifiant", true), true},
                           {"v", login, false}));
    page_field(&p, f, "mot_de_passe", "Mot de passe", NULL,
               arena_printf(&r->arena,
                            "<input type=\"password\"%s autocomplete=\"current-password\" "
                            "required>\n",
                            page_input_attrs(r, f, "mot_de_passe", false)));
    page_html(&p, "<button type=\"submit\">Se connecter</button>\n</form>\n"
                  "<p>Mot de passe oublié ou compte bloqué : adressez-vous à l'administrateur "
                  "de proxima de votre direction.</p>\n");
    return page_send(&p, status);
}

static int login_get(struct http_request *r, struct err *e)
{
    struct page_form f = {0};

    (void)e;
    if (r->has_session)
        return page_redirect(r, safe_return(http_str(r, "retour")));
    return login_form(r, 200, NULL, http_str(r, "retour"), &f);
}

static int login_post(struct http_request *r, struct err *e)
{
    const char *login = http_str(r, "identifiant"), *back = http_str(r, "retour");
    const struct http_value *pw = http_value(r, "mot_de_passe");
    const char *cookie = http_cookie_get(&r->arena, http_request_header(r, "Cookie"), LOGIN_COOKIE);
    struct page_form f = {0};
    struct http_session s;
    struct access_user u;
    const char *token;
    int64_t wait;
    int rc;

    if (!http_secret_equal(cookie, http_str(r, "_csrf"))) {
        if (pw)
            sodium_memzero(pw->s, pw->n);
        page_form_error(r, &f, NULL,
                        "le formulaire a expiré ou vient d'un autre site : saisissez à nouveau "
                        "votre identifiant et votre mot de passe");
        return login_form(r, 403, login, back, &f);
    }
    if (!login)
        page_form_error(r, &f, "identifiant", "saisissez votre identifiant");
    if (!pw)
        page_form_error(r, &f, "mot_de_passe", "saisissez votre mot de passe");
    if (f.n) {
        if (pw)
            sodium_memzero(pw->s, pw->n);
        return login_form(r, 400, login, back, &f);
    }
    if (http_login_blocked(r->store, login, r->client, r->now, &wait, e) != 0) {
        sodium_memzero(pw->s, pw->n);
        return -1;
    }
    if (wait > 0) {
        sodium_memzero(pw->s, pw->n);
        http_header_add(r, "Retry-After", arena_printf(&r->arena, "%lld", (long long)wait));
        page_form_error(r, &f, NULL,
                        arena_printf(&r->arena,
                                     "trop de tentatives échouées : réessayez dans %lld minute%s",
                                     (long long)((wait + 59) / 60), wait > 60 ? "s" : ""));
        return login_form(r, 429, login, back, &f);
    }
    pthread_mutex_lock(&r->app->login_lock);
    rc = access_authenticate(r->store, &r->arena, login, pw->s, &u, e);
    pthread_mutex_unlock(&r->app->login_lock);
    sodium_memzero(pw->s, pw->n);
    if (rc != 0) {
        if (e->code != ERR_UNAUTHENTICATED)
            return -1;
        if (http_login_failed(r->store, login, r->client, r->now, e) != 0)
            return -1;
        page_form_error(r, &f, "identifiant", "identifiant ou mot de passe incorrect");
        return login_form(r, 401, login, back, &f);
    }
    if (http_login_succeeded(r->store, u.login, e) != 0)
        return -1;
    if (r->has_session && http_session_delete(r->store, r->token, e) != 0)
        return -1;
    if (http_session_create(r->store, &r->arena, u.login, r->now, &token, &s, e) != 0)
        return -1;
    http_cookie_set(r, token);
    http_header_add(r, "Set-Cookie",
                    arena_printf(&r->arena,
                                 "%s=; Path=/connexion; Max-Age=0; HttpOnly; "
                                 "SameSite=Strict",
                                 LOGIN_COOKIE));
    return page_redirect(r, safe_return(back));
}

/* ---- POST /deconnexion ---- */

static int logout(struct http_request *r, struct err *e)
{
    if (http_session_delete(r->store, r->token, e) != 0)
        return -1;
    http_cookie_clear(r);
    return page_redirect(r, "/connexion");
}

/* ---- GET /accessibilite ---- */

static const char accessibility_html[] =
    "<p>Le Département du Pas-de-Calais s'engage à rendre ses services numériques accessibles, "
    "conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005. Cette déclaration "
    "d'accessibilité s'applique à proxima, l'application des agents des maisons du "
    "Département solidarité (MDS) et des directions des solidarités.</p>\n"
    "<h2>État de conformité</h2>\n"
    "<p><strong>Accessibilité : partiellement conforme.</strong> proxima est partiellement "
    "conforme avec le référentiel général d'amélioration de l'accessibilité (RGAA), "
    "version 4.1, en raison des non-conformités et des dérogations énumérées ci-dessous.</p>\n"
    "<h2>Résultats des tests</h2>\n"
    "<p>Les pages principales (connexion, tableau de bord, recherche et fiche d'une personne, "
    "nouvelle demande, dossier à chaque étape, accueil du public, liste et page des séances de "
    "commission, procès-verbal, rapport d'activité, journal des accès) sont vérifiées à chaque "
    "version par un outil de contrôle "
    "automatique (axe-core) dans un navigateur Chromium sans interface. L'audit complet des "
    "106 critères du RGAA 4.1 par un auditeur reste à conduire.</p>\n"
    "<h2>Contenus non accessibles</h2>\n"
    "<ul>\n"
    "<li>Les graphiques sont des images SVG décrites par un titre ; leurs données sont "
    "toujours données dans un tableau placé à côté.</li>\n"
    "<li>Le rapport d'activité annuel, document long, n'a pas encore été audité.</li>\n"
    "</ul>\n"
    "<h2>Établissement de cette déclaration</h2>\n"
    "<p>Technologies utilisées : HTML5, CSS, SVG. Aucun JavaScript n'est nécessaire.</p>\n"
    "<h2>Retour d'information et contact</h2>\n"
    "<p>Si vous n'arrivez pas à accéder à un contenu ou à un service, signalez-le au "
    "référent accessibilité numérique de la direction des systèmes d'information du "
    "Département, qui vous orientera vers une alternative accessible.</p>\n"
    "<h2>Voies de recours</h2>\n"
    "<p>Si vous avez signalé un défaut d'accessibilité qui vous empêche d'accéder à un contenu "
    "et n'avez pas obtenu de réponse satisfaisante, vous pouvez écrire au Défenseur des "
    "droits ou contacter son délégué dans votre région.</p>\n";

static int accessibility(struct http_request *r, struct err *e)
{
    struct page p;

    (void)e;
    page_init(&p, r, "Déclaration d'accessibilité");
    page_html(&p, accessibility_html);
    return page_send(&p, 200);
}

const struct http_route page_layout_routes[] = {
    {HTTP_GET, "/static/:fichier", HTTP_HTML, HTTP_BODY_NONE, .params = static_params,
     .nparams = ARRAY_SIZE(static_params), .handler = static_file,
     .summary = "feuille de style des pages (mise en cache permise)"},
    {HTTP_GET, "/connexion", HTTP_HTML, HTTP_BODY_NONE, .params = login_get_params,
     .nparams = ARRAY_SIZE(login_get_params), .handler = login_get, .summary = "page de connexion"},
    {HTTP_POST, "/connexion", HTTP_HTML, HTTP_BODY_FORM, .csrf_exempt = true,
     .params = login_post_params, .nparams = ARRAY_SIZE(login_post_params), .handler = login_post,
     .summary = "se connecter (formulaire)"},
    {HTTP_POST, "/deconnexion", HTTP_HTML, HTTP_BODY_FORM, .auth = true, .handler = logout,
     .summary = "se déconnecter (formulaire)"},
    {HTTP_GET, "/accessibilite", HTTP_HTML, HTTP_BODY_NONE, .handler = accessibility,
     .summary = "déclaration d'accessibilité"},
};
const size_t page_layout_nroutes = ARRAY_SIZE(page_layout_routes);

/*
 * page_person.c: the persons' pages. Search (/personnes?nom=&naissance=
 * &commune=, accent- and case-insensitive, within the agent's sites:
 * case_person_search, identity only and not logged); a person's file
 * (/personnes/:id: identity, household, every dossier the agent may see:
 * case_person_get and case_person_dossiers, each read logged by the
 * engine); and the form that opens a dossier for the person
 * (/personnes/:id/nouveau-dossier?dispositif=...), whose fields are the
 * dispositif's facts from the catalogue, labelled and typed.
 */
#include "core/compat.h"
#include "http/page.h"

#include "core/money.h"
#include "case/run.h"
#include "case/view.h"
#include "http/response.h"

/* "aide_financiere" -> "aide financiere" for codes without a label (arena). */
static const char *humanize(struct http_request *r, const char *code)
{
    char *s = arena_strdup(&r->arena, code);

    for (char *q = s; *q; q++)
        if (*q == '_')
            *q = ' ';
    return s;
}

static const char *full_name(struct http_request *r, const struct case_person *p)
{
    return arena_printf(&r->arena, "%s %s", p->first_name ? p->first_name : "",
                        p->last_name ? p->last_name : "");
}

/* ---- GET /personnes ---- */

static const struct http_param search_params[] = {
    {"nom", HTTP_IN_QUERY, HTTP_T_TEXT, false, .max_len = 100,
     .doc = "nom ou partie du nom, sans tenir compte des accents ni de la casse"},
    {"naissance", HTTP_IN_QUERY, HTTP_T_TEXT, false, .max_len = 10,
     .doc = "date de naissance AAAA-MM-JJ"},
    {"commune", HTTP_IN_QUERY, HTTP_T_TEXT, false, .max_len = 5, .doc = "code INSEE"},
};

static int search(struct http_request *r, struct err *e)
{
    const char *name = http_str(r, "nom"), *birth = http_str(r, "naissance");
    const char *commune = http_str(r, "commune");
    struct page_form f = {0};
    struct case_person *found = NULL;
    size_t n = 0;
    struct page p;
    date_t d;
    struct err sub;

    err_clear(&sub);
    if (birth && date_parse_iso(birth, strlen(birth), &d, &sub) != 0)
        page_form_error(r, &f, "naissance",
                        "date de naissance au format AAAA-MM-JJ attendue (ex. 1985-02-03)");
    if (commune && (strlen(commune) != 5 || strspn(commune, "0123456789AB") != 5))
        page_form_error(r, &f, "commune", "code INSEE de 5 caractères attendu (ex. 62193)");
    page_init(&p, r, "Rechercher une personne");
    p.nav = "/personnes";
    page_form_summary(&p, &f);
    page_html(&p, "<form method=\"get\" action=\"/personnes\" class=\"formulaire recherche\" "
                  "role=\"search\" aria-label=\"Recherche de personnes\">\n"
                  "<p>Renseignez au moins un critère. Les accents et les majuscules ne "
                  "comptent pas. Seules les personnes de vos sites sont trouvées.</p>\n");
    page_field(&p, &f, "nom", "Nom", "Nom de naissance ou d'usage, ou son début",
               PAGE_RENDER(r, "<input type=\"text\"{{a}} value=\"{{v}}\" autocomplete=\"off\">\n",
                           {"a", page_input_attrs(r, &f, "nom", true), true}, {"v", name, false}));
    page_field(&p, &f, "naissance", "Date de naissance", "Format : AAAA-MM-JJ",
               PAGE_RENDER(r, "<input type=\"date\"{{a}} value=\"{{v}}\">\n",
                           {"a", page_input_attrs(r, &f, "naissance", true), true},
                           {"v", birth, false}));
    page_field(&p, &f, "commune", "Commune (code INSEE)", "Par exemple : 62193 pour Calais",
               PAGE_RENDER(r,
                           "<input type=\"text\"{{a}} value=\"{{v}}\" inputmode=\"numeric\" "
                           "maxlength=\"5\" class=\"court\">\n",
                           {"a", page_input_attrs(r, &f, "commune", true), true},
                           {"v", commune, false}));
    page_html(&p, "<button type=\"submit\">Rechercher</button>\n</form>\n");
    if (f.n || (!name && !birth && !commune))
        return page_send(&p, f.n ? 400 : 200);
    if (case_person_search(http_case(r), name, birth, commune, 50, &found, &n, e) != 0) {
        page_release(&p);
        return -1;
    }
    PAGE_TPL(&p,
             "<h2 id=\"resultats\">Résultats</h2>\n<p role=\"status\">{{n}} personne{{s}} "
             "trouvée{{s}}{{max}}.</p>\n",
             {"n", page_int(r, (int64_t)n), false}, {"s", n > 1 ? "s" : "", false},
             {"max", n >= 50 ? " (50 au plus : précisez la recherche)" : "", false});
    if (n) {
        page_html(&p, "<table class=\"donnees\">\n<caption>Personnes trouvées</caption>\n"
                      "<thead><tr><th scope=\"col\">Nom et prénom</th><th scope=\"col\">Date de "
                      "naissance</th><th scope=\"col\">Commune</th><th scope=\"col\">MDS "
                      "compétente</th></tr></thead>\n<tbody>\n");
        for (size_t i = 0; i < n; i++)
            PAGE_TPL(&p,
                     "<tr><th scope=\"row\"><a href=\"/personnes/{{id}}\">{{last}} "
                     "{{first}}</a></th><td>{{birth}}</td><td>{{commune}}</td><td>{{mds}}</td>"
                     "</tr>\n",
                     {"id", found[i].id, false}, {"last", found[i].last_name, false},
                     {"first", found[i].first_name, false},
                     {"birth", page_date(r, found[i].birth_date), false},
                     {"commune", found[i].commune_name ? found[i].commune_name : "", false},
                     {"mds",
                      found[i].mds ? page_site_label(r, "mds", found[i].mds) : "non déterminée",
                      false});
        page_html(&p, "</tbody>\n</table>\n");
    }
    return page_send(&p, 200);
}

/* ---- GET /personnes/:id ---- */

static const struct http_param id_params[] = {
    {"id", HTTP_IN_PATH, HTTP_T_ID, true, .doc = "identifiant de la personne (P0000042)"},
};

struct household {
    const char *id, *label;
};

/* The person's current households (household_member without an end). */
static int households_of(struct http_request *r, const char *person, struct household *out,
                         size_t max, size_t *n, struct err *e)
{
    struct store_stmt *st = store_prepare(
        r->store,
        "SELECT h.id, h.label FROM household_member m JOIN household h ON h.id = m.household "
        "WHERE m.person = ? AND m.valid_to IS NULL ORDER BY m.valid_from DESC, h.id",
        e);
    int rc;

    *n = 0;
    if (!st)
        return -1;
    store_bind_text(st, 1, person);
    while ((rc = store_step(st, e)) == STORE_ROW && *n < max) {
        out[*n].id = arena_strdup(&r->arena, store_column_text(st, 0));
        out[*n].label = arena_strdup(&r->arena, store_column_text(st, 1));
        (*n)++;
    }
    store_finalize(st);
    return rc < 0 ? -1 : 0;
}

/* The members of a household, as a list (identity of the file's own household). */
static int household_members(struct page *p, const char *household, struct err *e)
{
    struct http_request *r = p->r;
    struct store_stmt *st = store_prepare(
        r->store,
        "SELECT p.id, p.first_name, p.last_name, m.role FROM household_member m JOIN person p "
        "ON p.id = m.person WHERE m.household = ? AND m.valid_to IS NULL "
        "ORDER BY CASE m.role WHEN 'demandeur' THEN 0 WHEN 'conjoint' THEN 1 WHEN 'enfant' "
        "THEN 2 ELSE 3 END, p.birth_date",
        e);
    int rc;

    if (!st)
        return -1;
    store_bind_text(st, 1, household);
    page_html(p, "<ul>\n");
    while ((rc = store_step(st, e)) == STORE_ROW)
        PAGE_TPL(
            p, "<li><a href=\"/personnes/{{id}}\">{{first}} {{last}}</a> ({{role}})</li>\n",
            {"id", store_column_text(st, 0), false}, {"first", store_column_text(st, 1), false},
            {"last", store_column_text(st, 2), false}, {"role", store_column_text(st, 3), false});
    store_finalize(st);
    page_html(p, "</ul>\n");
    return rc < 0 ? -1 : 0;
}

/* May the agent open dossiers of d (a role of the ouvrir transition and dossier.ecrire)? */
static bool may_open(const struct http_request *r, const struct catalog_dispositif *d)
{
    if (d->nature == NATURE_ACTE || !d->workflow)
        return false;
    for (size_t t = 0; t < d->workflow->ntransitions; t++) {
        const struct catalog_transition *tr = &d->workflow->transitions[t];
        if (tr->op != OP_OUVRIR)
            continue;
        for (size_t g = 0; g < r->user.ngrants; g++)
            if (catalog_transition_allows(tr, r->user.grants[g].role))
                return true;
    }
    return false;
}

static void dl_row(struct page *p, const char *label, const char *value)
{
    if (!value || !*value)
        return;
    PAGE_TPL(p, "<div><dt>{{l}}</dt><dd>{{v}}</dd></div>\n", {"l", label, false},
             {"v", value, false});
}

static int person_file(struct http_request *r, struct err *e)
{
    struct case_ctx *c = http_case(r);
    const char *id = http_str(r, "id");
    struct case_person pe;
    struct case_dossier *d = NULL;
    size_t n = 0, nh = 0;
    struct household hh[4];
    bool hidden = false;
    struct page p;

    if (case_person_get(c, id, &pe, e) != 0)
        return -1;
    if (case_person_dossiers(c, id, &d, &n, e) != 0) {
        if (e->code != ERR_FORBIDDEN)
            return -1;
        err_clear(e);
        hidden = true;
        n = 0;
    }
    if (households_of(r, id, hh, ARRAY_SIZE(hh), &nh, e) != 0)
        goto fail;
    page_init(&p, r, full_name(r, &pe));
    p.nav = "/personnes";
    page_crumb(&p, "Personnes", "/personnes");
    page_html(&p, "<section aria-labelledby=\"titre-identite\">\n<h2 id=\"titre-identite\">"
                  "Identité</h2>\n<dl class=\"fiche\">\n");
    dl_row(&p, "Identifiant", pe.id);
    dl_row(&p, "Nom", pe.last_name);
    dl_row(&p, "Prénom", pe.first_name);
    dl_row(&p, "Date de naissance", page_date(r, pe.birth_date));
    dl_row(&p, "Sexe", pe.sex && !strcmp(pe.sex, "F") ? "féminin" : "masculin");
    dl_row(&p, "Adresse", pe.address);
    dl_row(&p, "Commune",
           pe.commune ? arena_printf(&r->arena, "%s (%s)", pe.commune_name ? pe.commune_name : "",
                                     pe.commune)
                      : NULL);
    dl_row(&p, "MDS compétente", pe.mds ? page_site_label(r, "mds", pe.mds) : NULL);
    dl_row(&p, "Téléphone", pe.phone);
    dl_row(&p, "Courriel", pe.email);
    dl_row(&p, "Numéro d'allocataire", pe.caf_number);
    page_html(&p, "</dl>\n</section>\n");
    page_html(&p, "<section aria-labelledby=\"titre-foyer\">\n<h2 id=\"titre-foyer\">Foyer</h2>\n");
    if (!nh)
        page_html(&p, "<p>La personne n'appartient à aucun foyer enregistré.</p>\n");
    for (size_t i = 0; i < nh; i++) {
        PAGE_TPL(&p, "<h3>{{label}} ({{id}})</h3>\n", {"label", hh[i].label, false},
                 {"id", hh[i].id, false});
        if (household_members(&p, hh[i].id, e) != 0) {
            page_release(&p);
            goto fail;
        }
    }
    page_html(&p, "</section>\n");
    page_html(&p, "<section aria-labelledby=\"titre-dossiers\">\n<h2 id=\"titre-dossiers\">"
                  "Dossiers</h2>\n");
    if (hidden)
        page_html(&p, "<p>Vos droits ne permettent pas de consulter les dossiers de cette "
                      "personne.</p>\n");
    else if (!n)
        page_html(&p, "<p>Aucun dossier que vous puissiez consulter.</p>\n");
    else {
        page_html(&p, "<table class=\"donnees\">\n<caption>Dossiers de la personne, du plus "
                      "récent au plus ancien</caption>\n<thead><tr><th scope=\"col\">Dossier</th>"
                      "<th scope=\"col\">Dispositif</th><th scope=\"col\">État</th><th "
                      "scope=\"col\">Ouvert le</th><th scope=\"col\">Site</th><th scope=\"col\" "
                      "class=\"nombre\">Accordé</th><th scope=\"col\" class=\"nombre\">Versé</th>"
                      "</tr></thead>\n<tbody>\n");
        for (size_t i = 0; i < n; i++) {
            const char *colon = d[i].site ? strchr(d[i].site, ':') : NULL;
            PAGE_TPL(&p,
                     "<tr><th scope=\"row\"><a href=\"/dossiers/{{id}}\">{{id}}</a></th>"
                     "<td>{{disp}}</td><td>{{state}}</td><td>{{opened}}</td><td>{{site}}</td>"
                     "<td class=\"nombre\">{{granted}}</td><td class=\"nombre\">{{paid}}</td>"
                     "</tr>\n",
                     {"id", d[i].id, false}, {"disp", d[i].dispositif_label, false},
                     {"state", case_state_label(&r->app->cat, d[i].dispositif, d[i].state), false},
                     {"opened", page_date(r, d[i].opened), false},
                     {"site",
                      colon
                          ? page_site_label(
                                r, arena_strndup(&r->arena, d[i].site, (size_t)(colon - d[i].site)),
                                colon + 1)
                          : "central",
                      false},
                     {"granted", page_money(r, d[i].granted), false},
                     {"paid", d[i].paid > 0 ? page_money(r, d[i].paid) : "", false});
        }
        page_html(&p, "</tbody>\n</table>\n");
    }
    page_html(&p, "</section>\n");
    {
        const char *codes[256], *labels[256];
        size_t k = 0;
        for (size_t i = 0; i < r->app->cat.ndispositifs && k < ARRAY_SIZE(codes); i++) {
            const struct catalog_dispositif *dd = &r->app->cat.dispositifs[i];
            if (!may_open(r, dd) ||
                (dd->beneficiary != BENEF_PERSONNE && dd->beneficiary != BENEF_FOYER))
                continue;
            codes[k] = dd->code;
            labels[k++] = dd->label;
        }
        if (k)
            PAGE_TPL(&p,
                     "<section aria-labelledby=\"titre-ouvrir\">\n<h2 id=\"titre-ouvrir\">Ouvrir "
                     "un dossier</h2>\n<form method=\"get\" action=\"/personnes/{{id}}/"
                     "nouveau-dossier\" class=\"formulaire en-ligne\">\n<div class=\"champ\">"
                     "<label for=\"dispositif\">Dispositif</label>\n<select id=\"dispositif\" "
                     "name=\"dispositif\" required>\n{{options}}</select></div>\n"
                     "<button type=\"submit\">Continuer</button>\n</form>\n</section>\n",
                     {"id", pe.id, false},
                     {"options", page_options(r, codes, labels, k, NULL, NULL), true});
    }
    for (size_t i = 0; i < n; i++)
        case_dossier_release(&d[i]);
    return page_send(&p, 200);
fail:
    for (size_t i = 0; i < n; i++)
        case_dossier_release(&d[i]);
    return -1;
}

/* ---- /personnes/:id/nouveau-dossier ---- */

static const struct http_param open_get_params[] = {
    {"id", HTTP_IN_PATH, HTTP_T_ID, true, .doc = "identifiant de la personne (P0000042)"},
    {"dispositif", HTTP_IN_QUERY, HTTP_T_CODE, true, .doc = "code du dispositif"},
};

static const struct http_param open_post_params[] = {
    {"id", HTTP_IN_PATH, HTTP_T_ID, true, .doc = "identifiant de la personne (P0000042)"},
    {"dispositif", HTTP_IN_BODY, HTTP_T_CODE, true, .doc = "code du dispositif"},
    {"date", HTTP_IN_BODY, HTTP_T_TEXT, false, .max_len = 10, .doc = "date de la demande"},
    /* the facts come as fait_<code>, read from the form (page_form_value) */
};

static const char *fact_field(struct http_request *r, const struct catalog_fact *f)
{
    return arena_printf(&r->arena, "fait_%s", f->code);
}

static const char *fact_hint(struct http_request *r, const struct catalog_fact *f)
{
    switch (f->type) {
    case RULES_MONEY: {
        struct strbuf sb;
        const char *out;
        strbuf_init(&sb, 256);
        strbuf_addstr(&sb, "En euros, par exemple 150,00");
        if (f->has_max) {
            strbuf_addstr(&sb, " ; au plus ");
            money_format(&sb, f->max);
        }
        out = arena_strdup(&r->arena, sb.buf);
        strbuf_release(&sb);
        return out;
    }
    case RULES_DATE:
        return "Format : AAAA-MM-JJ";
    case RULES_INT:
        return f->has_min && f->has_max ? arena_printf(&r->arena, "Nombre entier de %lld à %lld",
                                                       (long long)f->min, (long long)f->max)
                                        : "Nombre entier";
    default:
        return NULL;
    }
}

static void fact_control(struct page *p, const struct page_form *form, const struct catalog_fact *f)
{
    struct http_request *r = p->r;
    const char *id = fact_field(r, f), *hint = fact_hint(r, f);
    const char *v = r->route->method == HTTP_POST ? page_form_value(r, id) : NULL;
    const char *label =
        f->required ? arena_printf(&r->arena, "%s (obligatoire)", f->label) : f->label;
    const char *attrs = page_input_attrs(r, form, id, hint != NULL);

    switch (f->type) {
    case RULES_BOOL:
        PAGE_TPL(p,
                 "<div class=\"champ case-a-cocher\">\n<input type=\"checkbox\"{{a}} "
                 "value=\"true\"{{checked}}>\n<label for=\"{{id}}\">{{label}}</label>\n</div>\n",
                 {"a", attrs, true}, {"checked", v ? " checked" : "", false}, {"id", id, false},
                 {"label", f->label, false});
        return;
    case RULES_TEXT:
        if (f->nchoices) {
            const char *labels[64];
            size_t n = f->nchoices < ARRAY_SIZE(labels) ? f->nchoices : ARRAY_SIZE(labels);
            for (size_t i = 0; i < n; i++)
                labels[i] = humanize(r, f->choices[i]);
            page_field(
                p, form, id, label, hint,
                PAGE_RENDER(
                    r, "<select{{a}}{{req}}>\n{{o}}</select>\n", {"a", attrs, true},
                    {"req", f->required ? " required" : "", false},
                    {"o", page_options(r, (const char *const *)f->choices, labels, n, v, "Choisir"),
                     true}));
            return;
        }
        break;
    default:
        break;
    }
    page_field(p, form, id, label, hint,
               PAGE_RENDER(r, "<input type=\"{{type}}\"{{a}} value=\"{{v}}\"{{req}}{{extra}}>\n",
                           {"type", f->type == RULES_DATE ? "date" : "text", false},
                           {"a", attrs, true}, {"v", v, false},
                           {"req", f->required ? " required" : "", false},
                           {"extra",
                            f->type == RULES_MONEY || f->type == RULES_INT
                                ? " inputmode=\"decimal\" class=\"court\""
                                : "",
                            true}));
}

static int open_form(struct http_request *r, int status, const struct case_person *pe,
                     const struct catalog_dispositif *d, const struct household *hh,
                     const struct page_form *f)
{
    struct page p;
    const char *date = r->route->method == HTTP_POST ? page_form_value(r, "date") : NULL;

    page_init(&p, r, arena_printf(&r->arena, "Nouveau dossier : %s", d->label));
    p.nav = "/personnes";
    page_crumb(&p, "Personnes", "/personnes");
    page_crumb(&p, full_name(r, pe), arena_printf(&r->arena, "/personnes/%s", pe->id));
    page_form_summary(&p, f);
    PAGE_TPL(&p,
             "<p>Demande de {{name}}{{for}}. Les champs marqués « obligatoire » doivent être "
             "remplis.</p>\n"
             "<form method=\"post\" action=\"/personnes/{{id}}/nouveau-dossier\" "
             "class=\"formulaire\" novalidate>\n{{csrf}}"
             "<input type=\"hidden\" name=\"dispositif\" value=\"{{disp}}\">\n",
             {"name", full_name(r, pe), false},
             {"for", hh ? arena_printf(&r->arena, ", pour le foyer « %s »", hh->label) : "", false},
             {"id", pe->id, false}, {"csrf", page_csrf(r), true}, {"disp", d->code, false});
    page_field(&p, f, "date", "Date de la demande", "Format : AAAA-MM-JJ ; par défaut aujourd'hui",
               PAGE_RENDER(r, "<input type=\"date\"{{a}} value=\"{{v}}\">\n",
                           {"a", page_input_attrs(r, f, "date", true), true}, {"v", date, false}));
    for (size_t i = 0; i < d->nfacts; i++)
        fact_control(&p, f, &d->facts[i]);
    page_html(&p, "<button type=\"submit\">Ouvrir le dossier</button>\n</form>\n");
    return page_send(&p, status);
}

/* Load the person, the dispositif and the beneficiary; NULL d: e filled. */
static int open_prepare(struct http_request *r, const char *code, struct case_person *pe,
                        const struct catalog_dispositif **d, struct household *hh, bool *has_hh,
                        struct err *e)
{
    size_t nh = 0;

    if (case_person_get(http_case(r), http_str(r, "id"), pe, e) != 0)
        return -1;
    *d = catalog_find(&r->app->cat, code);
    if (!*d || !may_open(r, *d) ||
        ((*d)->beneficiary != BENEF_PERSONNE && (*d)->beneficiary != BENEF_FOYER)) {
        err_set(e, ERR_NOT_FOUND, "dispositif inconnu ou que vous ne pouvez pas ouvrir : « %s »",
                code);
        return err_hint(e, "choisissez le dispositif sur la fiche de la personne");
    }
    *has_hh = false;
    if ((*d)->beneficiary == BENEF_FOYER) {
        if (households_of(r, pe->id, hh, 1, &nh, e) != 0)
            return -1;
        if (!nh) {
            err_set(e, ERR_CONFLICT,
                    "%s est un dispositif d'aide au foyer et cette personne n'appartient à aucun "
                    "foyer",
                    (*d)->label);
            return err_hint(e, "enregistrez d'abord son foyer");
        }
        *has_hh = true;
    }
    return 0;
}

static int open_get(struct http_request *r, struct err *e)
{
    struct case_person pe;
    const struct catalog_dispositif *d;
    struct household hh;
    bool has_hh;
    struct page_form f = {0};

    if (open_prepare(r, http_str(r, "dispositif"), &pe, &d, &hh, &has_hh, e) != 0)
        return -1;
    return open_form(r, 200, &pe, d, has_hh ? &hh : NULL, &f);
}

struct open_arg {
    struct case_open_input in;
    const char *id;
};

static int do_open(struct case_ctx *c, void *arg, struct err *e)
{
    struct open_arg *a = arg;
    return case_dossier_open(c, &a->in, &a->id, e);
}

/* Check and convert the facts of the form into obj; errors into f. */
static void facts_read(struct http_request *r, const struct catalog_dispositif *d, json_t *obj,
                       struct page_form *f)
{
    for (size_t i = 0; i < d->nfacts; i++) {
        const struct catalog_fact *fact = &d->facts[i];
        const char *id = fact_field(r, fact), *v = page_form_value(r, id);
        struct err sub;
        int64_t x;
        date_t day;

        err_clear(&sub);
        if (fact->type == RULES_BOOL) {
            json_object_set_new(obj, fact->code, json_boolean(v != NULL));
            continue;
        }
        if (!v) {
            if (fact->required)
                page_form_error(
                    r, f, id,
                    arena_printf(&r->arena, "%s : ce champ est obligatoire", fact->label));
            continue;
        }
        switch (fact->type) {
        case RULES_MONEY:
            if (money_parse(v, strlen(v), &x, &sub) != 0 || x < 0)
                page_form_error(r, f, id,
                                arena_printf(&r->arena,
                                             "%s : montant en euros attendu (ex. 150,00)",
                                             fact->label));
            else if ((fact->has_min && x < fact->min) || (fact->has_max && x > fact->max))
                page_form_error(r, f, id,
                                arena_printf(&r->arena, "%s : entre %s et %s", fact->label,
                                             page_money(r, fact->min), page_money(r, fact->max)));
            else
                json_object_set_new(obj, fact->code, json_string(v));
            break;
        case RULES_INT:
            if (parse_int64(v, strlen(v), &x) != 0)
                page_form_error(r, f, id,
                                arena_printf(&r->arena, "%s : nombre entier attendu", fact->label));
            else
                json_object_set_new(obj, fact->code, json_integer((json_int_t)x));
            break;
        case RULES_DATE:
            if (date_parse_iso(v, strlen(v), &day, &sub) != 0)
                page_form_error(r, f, id,
                                arena_printf(&r->arena, "%s : date au format AAAA-MM-JJ attendue",
                                             fact->label));
            else
                json_object_set_new(obj, fact->code, json_string(v));
            break;
        default:
            json_object_set_new(obj, fact->code, json_string(v));
            break;
        }
    }
}

static int open_post(struct http_request *r, struct err *e)
{
    struct case_person pe;
    const struct catalog_dispositif *d;
    struct household hh;
    bool has_hh;
    struct page_form f = {0};
    const char *date = http_str(r, "date");
    struct open_arg a;
    json_t *facts;
    date_t day;
    int rc;

    if (open_prepare(r, http_str(r, "dispositif"), &pe, &d, &hh, &has_hh, e) != 0)
        return -1;
    if (date && date_parse_iso(date, strlen(date), &day, e) != 0) {
        err_clear(e);
        page_form_error(r, &f, "date", "date de la demande au format AAAA-MM-JJ attendue");
    }
    facts = json_object();
    facts_read(r, d, facts, &f);
    if (f.n) {
        json_decref(facts);
        return open_form(r, 400, &pe, d, has_hh ? &hh : NULL, &f);
    }
    memset(&a, 0, sizeof(a));
    a.in.dispositif = d->code;
    a.in.beneficiary = has_hh ? hh.id : pe.id;
    a.in.person = has_hh ? pe.id : NULL;
    a.in.date = date;
    a.in.facts = facts;
    rc = case_run(http_case(r), do_open, &a, e);
    json_decref(facts);
    if (rc != 0) {
        if (e->code != ERR_INVALID && e->code != ERR_CONFLICT && e->code != ERR_USAGE)
            return -1;
        page_form_error(r, &f, NULL, e->message);
        err_clear(e);
        return open_form(r, 422, &pe, d, has_hh ? &hh : NULL, &f);
    }
    return page_redirect(r, arena_printf(&r->arena, "/dossiers/%s", a.id));
}

const struct http_route page_person_routes[] = {
    {HTTP_GET, "/personnes", HTTP_HTML, HTTP_BODY_NONE, .auth = true, .capability = "personne.lire",
     .object = "personne", .params = search_params, .nparams = ARRAY_SIZE(search_params),
     .handler = search, .summary = "rechercher une personne (page)"},
    {HTTP_GET, "/personnes/:id", HTTP_HTML, HTTP_BODY_NONE, .auth = true,
     .capability = "personne.lire", .object = "personne", .params = id_params,
     .nparams = ARRAY_SIZE(id_params), .handler = person_file,
     .summary = "fiche d'une personne (page, lecture journalisée)"},
    {HTTP_GET, "/personnes/:id/nouveau-dossier", HTTP_HTML, HTTP_BODY_NONE, .auth = true,
     .capability = "dossier.ecrire", .object = "personne", .params = open_get_params,
     .nparams = ARRAY_SIZE(open_get_params), .handler = open_get,
     .summary = "formulaire d'ouverture d'un dossier"},
    {HTTP_POST, "/personnes/:id/nouveau-dossier", HTTP_HTML, HTTP_BODY_FORM, .auth = true,
     .capability = "dossier.ecrire", .object = "personne", .params = open_post_params,
     .nparams = ARRAY_SIZE(open_post_params), .handler = open_post,
     .summary = "ouvrir un dossier (formulaire)"},
};
const size_t page_person_nroutes = ARRAY_SIZE(page_person_routes);

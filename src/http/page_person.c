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

static const struct {
    const char *code, *label;
} policies[] = {
    {"insertion", "Insertion et lutte contre la pauvreté"},
    {"logement", "Logement"},
    {"enfance", "Enfance et famille"},
    {"autonomie", "Autonomie des personnes âgées et handicapées"},
    {"pmi", "Protection maternelle et infantile"},
    {"jeunesse", "Jeunesse"},
    {"complements", "Autres actions"},
    {"accueil", "Accueil"},
};

/*
 * May d be opened from a person's file by this agent: a person or household
 * beneficiary, a role of the ouvrir transition, and, when the site rule
 * names the dossier's site in advance (the central direction; the competent
 * MDS mds of the person, when known), a grant of such a role on that site.
 * The engine checks it again; this only keeps out of the list what would be
 * refused after the form is filled.
 */
static bool offered(struct http_request *r, const struct catalog_dispositif *d, const char *mds)
{
    const struct catalog_transition *open = NULL;
    struct access_target t = {.data_class = d->data_class, .object_type = "dossier"};

    if (!may_open(r, d) || (d->beneficiary != BENEF_PERSONNE && d->beneficiary != BENEF_FOYER))
        return false;
    if (d->site_rule == SITE_CENTRAL) {
        t.site_grid = "central";
        t.site_code = "dsol";
    } else if (d->site_rule == SITE_MDS_RESIDENCE && mds) {
        t.site_grid = "mds";
        t.site_code = mds;
    } else {
        return true;
    }
    for (size_t i = 0; i < d->workflow->ntransitions && !open; i++)
        if (d->workflow->transitions[i].op == OP_OUVRIR)
            open = &d->workflow->transitions[i];
    for (size_t g = 0; g < r->user.ngrants; g++) {
        struct access_user one = r->user;
        struct err ignored;
        if (!catalog_transition_allows(open, r->user.grants[g].role))
            continue;
        one.grants = &r->user.grants[g];
        one.ngrants = 1;
        err_clear(&ignored);
        if (access_check(&r->app->cat, &one, "dossier.ecrire", &t, &r->arena, NULL, &ignored) == 0)
            return true;
    }
    return false;
}

/*
 * The <select> of the dispositifs the agent may open, grouped by policy in
 * the catalogue's order of policies, labels in alphabetical order; "" when none.
 */
static const char *dispositif_options(struct http_request *r, const char *mds, const char *selected)
{
    const struct catalog *cat = &r->app->cat;
    struct strbuf sb;
    const char *out;
    size_t total = 0;

    strbuf_init(&sb, 1u << 20);
    strbuf_addstr(&sb, "<option value=\"\">Choisir le dispositif</option>\n");
    for (size_t k = 0; k <= ARRAY_SIZE(policies); k++) {
        const struct catalog_dispositif *list[256];
        size_t n = 0;
        for (size_t i = 0; i < cat->ndispositifs && n < ARRAY_SIZE(list); i++) {
            const struct catalog_dispositif *d = &cat->dispositifs[i];
            bool known = false;
            for (size_t j = 0; j < ARRAY_SIZE(policies); j++)
                known |= !strcmp(policies[j].code, d->politique);
            if (!offered(r, d, mds) ||
                (k < ARRAY_SIZE(policies) ? strcmp(d->politique, policies[k].code) != 0 : known))
                continue;
            /* insertion sort by label (a few dozen at most) */
            size_t at = n++;
            while (at > 0 && strcmp(list[at - 1]->label, d->label) > 0) {
                list[at] = list[at - 1];
                at--;
            }
            list[at] = d;
        }
        if (!n)
            continue;
        strbuf_addstr(&sb, "<optgroup label=\"");
        http_html_escape_str(&sb, k < ARRAY_SIZE(policies) ? policies[k].label : "Autres");
        strbuf_addstr(&sb, "\">\n");
        for (size_t i = 0; i < n; i++) {
            strbuf_addstr(&sb, "<option value=\"");
            http_html_escape_str(&sb, list[i]->code);
            strbuf_addstr(&sb,
                          selected && !strcmp(selected, list[i]->code) ? "\" selected>" : "\">");
            http_html_escape_str(&sb, list[i]->label);
            strbuf_addstr(&sb, "</option>\n");
        }
        strbuf_addstr(&sb, "</optgroup>\n");
        total += n;
    }
    out = total ? arena_strdup(&r->arena, sb.buf) : "";
    strbuf_release(&sb);
    return out;
}

/* The "Nouvelle demande" form (GET to the opening form), with an error for the choice. */
static void new_request_form(struct page *p, const char *person, const struct page_form *f,
                             const char *options)
{
    struct http_request *r = p->r;

    PAGE_TPL(p,
             "<section class=\"carte nouvelle-demande\" aria-labelledby=\"titre-ouvrir\">\n"
             "<h2 id=\"titre-ouvrir\">Nouvelle demande</h2>\n"
             "<form method=\"get\" action=\"/personnes/{{id}}/nouveau-dossier\" "
             "class=\"formulaire en-ligne\" novalidate>\n",
             {"id", person, false});
    page_field(p, f, "dispositif", "Dispositif demandé",
               "Seuls les dispositifs que votre rôle permet d'ouvrir sont proposés",
               PAGE_RENDER(r, "<select{{a}}>\n{{o}}</select>\n",
                           {"a", page_input_attrs(r, f, "dispositif", true), true},
                           {"o", options, true}));
    page_html(p, "<button type=\"submit\">Commencer la demande</button>\n</form>\n</section>\n");
}

static const char *site_text(struct http_request *r, const char *site)
{
    const char *colon = site ? strchr(site, ':') : NULL;

    if (!colon)
        return "services centraux";
    return page_site_label(r, arena_strndup(&r->arena, site, (size_t)(colon - site)), colon + 1);
}

static void dossiers_table(struct page *p, const struct case_dossier *d, size_t n, bool measures)
{
    struct http_request *r = p->r;
    size_t shown = 0;

    for (size_t i = 0; i < n; i++) {
        const struct catalog_dispositif *disp = catalog_find(&r->app->cat, d[i].dispositif);
        bool m = disp && disp->nature == NATURE_MESURE;
        if (m != measures)
            continue;
        if (!shown++) {
            if (measures)
                page_html(p, "<table class=\"donnees\" id=\"mesures\">\n<caption>Mesures de la "
                             "personne et de son foyer, de la plus récente à la plus "
                             "ancienne</caption>\n<thead><tr><th scope=\"col\">Dossier</th><th "
                             "scope=\"col\">Mesure</th><th scope=\"col\">État</th><th "
                             "scope=\"col\">Début</th><th scope=\"col\">Fin</th><th "
                             "scope=\"col\">Site</th></tr></thead>\n<tbody>\n");
            else
                page_html(p, "<table class=\"donnees\" id=\"dossiers\">\n<caption>Demandes de la "
                             "personne et de son foyer, de la plus récente à la plus "
                             "ancienne</caption>\n<thead><tr><th scope=\"col\">Dossier</th><th "
                             "scope=\"col\">Dispositif</th><th scope=\"col\">État</th><th "
                             "scope=\"col\">Ouvert le</th><th scope=\"col\">Site</th><th "
                             "scope=\"col\" class=\"nombre\">Accordé</th><th scope=\"col\" "
                             "class=\"nombre\">Versé</th></tr></thead>\n<tbody>\n");
        }
        if (measures)
            PAGE_TPL(p,
                     "<tr><th scope=\"row\"><a href=\"/dossiers/{{id}}\">{{id}}</a></th>"
                     "<td>{{disp}}</td><td>{{state}}</td><td>{{from}}</td><td>{{to}}</td>"
                     "<td>{{site}}</td></tr>\n",
                     {"id", d[i].id, false}, {"disp", d[i].dispositif_label, false},
                     {"state", case_state_label(&r->app->cat, d[i].dispositif, d[i].state), false},
                     {"from", page_date(r, d[i].measure_start), false},
                     {"to", page_date(r, d[i].measure_end), false},
                     {"site", site_text(r, d[i].site), false});
        else
            PAGE_TPL(p,
                     "<tr><th scope=\"row\"><a href=\"/dossiers/{{id}}\">{{id}}</a></th>"
                     "<td>{{disp}}</td><td>{{state}}</td><td>{{opened}}</td><td>{{site}}</td>"
                     "<td class=\"nombre\">{{granted}}</td><td class=\"nombre\">{{paid}}</td>"
                     "</tr>\n",
                     {"id", d[i].id, false}, {"disp", d[i].dispositif_label, false},
                     {"state", case_state_label(&r->app->cat, d[i].dispositif, d[i].state), false},
                     {"opened", page_date(r, d[i].opened), false},
                     {"site", site_text(r, d[i].site), false},
                     {"granted", page_money(r, d[i].granted), false},
                     {"paid", d[i].paid > 0 ? page_money(r, d[i].paid) : "", false});
    }
    if (shown)
        page_html(p, "</tbody>\n</table>\n");
    else
        page_html(p, measures ? "<p>Aucune mesure que vous puissiez consulter.</p>\n"
                              : "<p>Aucune demande que vous puissiez consulter.</p>\n");
}

struct timeline_item {
    const char *date, *dossier, *dispositif, *what, *amount, *who;
    size_t order;
};

static int timeline_cmp(const void *a, const void *b)
{
    const struct timeline_item *x = a, *y = b;
    int c = strcmp(y->date, x->date);

    if (c)
        return c;
    return x->order < y->order ? 1 : x->order > y->order ? -1 : 0;
}

/*
 * The latest operations on the person's dossiers (opening, instruction,
 * decision with its amount, notification, payment with its amount...),
 * newest first: what happened lately, without opening each dossier.
 */
static void timeline(struct page *p, const struct case_dossier *d, size_t n)
{
    struct http_request *r = p->r;
    struct timeline_item *items;
    size_t total = 0, k = 0, max = 15;

    for (size_t i = 0; i < n; i++)
        total += d[i].nsteps;
    if (!total) {
        page_html(p, "<p>Aucune opération enregistrée.</p>\n");
        return;
    }
    items = arena_calloc(&r->arena, total, sizeof(*items));
    for (size_t i = 0; i < n; i++) {
        size_t nd = 0, np = 0;
        for (size_t s = 0; s < d[i].nsteps; s++) {
            const struct case_step *st = &d[i].steps[s];
            struct timeline_item *it = &items[k];
            enum catalog_op op;
            bool known = catalog_op_from_code(st->op, &op) == 0;
            it->date = st->date ? st->date : "";
            it->dossier = d[i].id;
            it->dispositif = d[i].dispositif_label;
            it->who = st->actor;
            it->order = k;
            it->what = known ? catalog_op_label(op) : st->op;
            if (known && op == OP_DECIDER && nd < d[i].ndecisions) {
                const struct case_decision *x = &d[i].decisions[nd++];
                enum catalog_outcome o;
                if (x->outcome && catalog_outcome_from_code(x->outcome, &o) == 0)
                    it->what = arena_printf(&r->arena, "décision : %s", catalog_outcome_label(o));
                it->amount = x->amount >= 0 ? page_money(r, x->amount) : "";
            } else if (known && op == OP_PAYER && np < d[i].npayments) {
                it->amount = page_money(r, d[i].payments[np++].amount);
            }
            k++;
        }
    }
    qsort(items, k, sizeof(*items), timeline_cmp);
    page_html(p, "<table class=\"donnees\" id=\"operations\">\n<caption>Dernières opérations sur "
                 "les dossiers, de la plus récente à la plus ancienne</caption>\n<thead><tr><th "
                 "scope=\"col\">Date</th><th scope=\"col\">Dossier</th><th "
                 "scope=\"col\">Opération</th><th scope=\"col\" class=\"nombre\">Montant</th><th "
                 "scope=\"col\">Par</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < k && i < max; i++)
        PAGE_TPL(p,
                 "<tr><td>{{date}}</td><td><a href=\"/dossiers/{{id}}\">{{id}}</a> "
                 "{{disp}}</td><td>{{what}}</td><td class=\"nombre\">{{m}}</td><td>{{who}}</td>"
                 "</tr>\n",
                 {"date", page_date(r, items[i].date), false}, {"id", items[i].dossier, false},
                 {"disp", items[i].dispositif, false}, {"what", items[i].what, false},
                 {"m", items[i].amount ? items[i].amount : "", false},
                 {"who", items[i].who ? items[i].who : "", false});
    page_html(p, "</tbody>\n</table>\n");
    if (k > max)
        PAGE_TPL(p, "<p>{{n}} opérations plus anciennes : voyez chaque dossier.</p>\n",
                 {"n", page_int(r, (int64_t)(k - max)), false});
}

/*
 * The acts recorded about the person (PMI consultations, insertion
 * actions...) that the agent may read (dossier.lire on the act's site and
 * class); the list shown is logged as one read.
 */
static int acts_section(struct page *p, const char *person, struct err *e)
{
    struct http_request *r = p->r;
    struct store_stmt *st =
        store_prepare(r->store,
                      "SELECT id, dispositif, act_date, site_grid, site_code, data_class FROM act "
                      "WHERE person = ? ORDER BY act_date DESC, id DESC LIMIT 200",
                      e);
    struct strbuf shown;
    const char *grant = NULL;
    size_t n = 0;
    int rc;

    if (!st)
        return -1;
    strbuf_init(&shown, 1u << 20);
    store_bind_text(st, 1, person);
    while ((rc = store_step(st, e)) == STORE_ROW) {
        enum data_class cls;
        const struct catalog_dispositif *disp;
        struct access_target t = {
            .site_grid = store_column_text(st, 3),
            .site_code = store_column_text(st, 4),
            .object_type = "acte",
            .object_id = store_column_text(st, 0),
            .person_id = person,
        };
        const char *used = NULL;
        struct err ignored;
        if (catalog_class_from_code(store_column_text(st, 5), &cls) != 0)
            continue;
        t.data_class = cls;
        err_clear(&ignored);
        if (access_check(&r->app->cat, &r->user, "dossier.lire", &t, &r->arena, &used, &ignored) !=
            0)
            continue; /* not the agent's to see: left out, silently */
        if (!grant)
            grant = used;
        if (!n++)
            page_html(p, "<table class=\"donnees\" id=\"actes\">\n<caption>Actes enregistrés "
                         "pour la personne, du plus récent au plus ancien</caption>\n<thead><tr>"
                         "<th scope=\"col\">Date</th><th scope=\"col\">Acte</th><th "
                         "scope=\"col\">Site</th><th scope=\"col\">Référence</th></tr></thead>\n"
                         "<tbody>\n");
        disp = catalog_find(&r->app->cat, store_column_text(st, 1));
        PAGE_TPL(
            p, "<tr><td>{{date}}</td><td>{{act}}</td><td>{{site}}</td><td>{{id}}</td></tr>\n",
            {"date", page_date(r, store_column_text(st, 2)), false},
            {"act", disp ? disp->label : store_column_text(st, 1), false},
            {"site", page_site_label(r, store_column_text(st, 3), store_column_text(st, 4)), false},
            {"id", store_column_text(st, 0), false});
        strbuf_addf(&shown, "%s%s", n > 1 ? "," : "", store_column_text(st, 0));
    }
    store_finalize(st);
    if (rc < 0) {
        strbuf_release(&shown);
        return -1;
    }
    if (n)
        page_html(p, "</tbody>\n</table>\n");
    else
        page_html(p, "<p>Aucun acte que vous puissiez consulter.</p>\n");
    if (n) {
        struct access_target t = {
            .object_type = "acte", .object_id = shown.buf, .person_id = person};
        if (access_log_append(r->store, r->user.login, "lecture", &t, grant ? grant : "", e) != 0) {
            strbuf_release(&shown);
            return -1;
        }
    }
    strbuf_release(&shown);
    return 0;
}

static int person_page(struct http_request *r, int status, const char *id,
                       const struct page_form *f, struct err *e)
{
    struct case_ctx *c = http_case(r);
    struct case_person pe;
    struct case_dossier *d = NULL;
    size_t n = 0, nh = 0;
    struct household hh[4];
    bool hidden = false, reads = page_user_can(r, "dossier.lire");
    const char *options;
    struct page p;

    if (case_person_get(c, id, &pe, e) != 0)
        return -1;
    if (reads && case_person_dossiers(c, id, &d, &n, e) != 0) {
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
    page_form_summary(&p, f);
    options = page_user_can(r, "dossier.ecrire") ? dispositif_options(r, pe.mds, NULL) : "";
    if (*options)
        new_request_form(&p, pe.id, f, options);
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
    if (!reads || hidden) {
        page_html(&p, "<section aria-labelledby=\"titre-dossiers\">\n<h2 id=\"titre-dossiers\">"
                      "Dossiers</h2>\n<p>Vos droits ne permettent pas de consulter les dossiers "
                      "de cette personne.</p>\n</section>\n");
    } else {
        page_html(&p, "<section aria-labelledby=\"titre-dossiers\">\n<h2 id=\"titre-dossiers\">"
                      "Demandes et prestations</h2>\n");
        dossiers_table(&p, d, n, false);
        page_html(&p, "</section>\n<section aria-labelledby=\"titre-mesures\">\n<h2 "
                      "id=\"titre-mesures\">Mesures</h2>\n");
        dossiers_table(&p, d, n, true);
        page_html(&p, "</section>\n<section aria-labelledby=\"titre-operations\">\n<h2 "
                      "id=\"titre-operations\">Dernières opérations</h2>\n");
        timeline(&p, d, n);
        page_html(&p, "</section>\n<section aria-labelledby=\"titre-actes\">\n<h2 "
                      "id=\"titre-actes\">Actes</h2>\n");
        if (acts_section(&p, pe.id, e) != 0) {
            page_release(&p);
            goto fail;
        }
        page_html(&p, "</section>\n");
    }
    for (size_t i = 0; i < n; i++)
        case_dossier_release(&d[i]);
    return page_send(&p, status);
fail:
    for (size_t i = 0; i < n; i++)
        case_dossier_release(&d[i]);
    return -1;
}

static int person_file(struct http_request *r, struct err *e)
{
    struct page_form f = {0};
    return person_page(r, 200, http_str(r, "id"), &f, e);
}

/* ---- /personnes/:id/nouveau-dossier ---- */

static const struct http_param open_get_params[] = {
    {"id", HTTP_IN_PATH, HTTP_T_ID, true, .doc = "identifiant de la personne (P0000042)"},
    {"dispositif", HTTP_IN_QUERY, HTTP_T_CODE, false,
     .doc = "code du dispositif (absent : la fiche, avec le choix à faire)"},
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
        out = arena_strdup(&r->arena, sb.buf);
        strbuf_release(&sb);
        return out;
    }
    case RULES_DATE:
        return NULL;
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
            for (size_t i = 0; i < n; i++) {
                labels[i] = catalog_choice_label(f, f->choices[i]);
                if (!labels[i])
                    labels[i] = humanize(r, f->choices[i]);
            }
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

    const char *rules = page_params_in_force(r, d, http_case(r)->today);

    page_init(&p, r, arena_printf(&r->arena, "Nouvelle demande : %s", d->label));
    p.nav = "/personnes";
    page_crumb(&p, "Personnes", "/personnes");
    page_crumb(&p, full_name(r, pe), arena_printf(&r->arena, "/personnes/%s", pe->id));
    page_form_summary(&p, f);
    PAGE_TPL(
        &p,
        "<p>Demande de {{name}}{{for}}. Les champs marqués « obligatoire » doivent être "
        "remplis. La demande enregistrée, le dossier s'ouvre avec les étapes "
        "suivantes.</p>\n",
        {"name", full_name(r, pe), false},
        {"for", hh ? arena_printf(&r->arena, ", pour le foyer « %s »", hh->label) : "", false});
    if (*rules)
        PAGE_TPL(&p,
                 "<section class=\"carte\" aria-labelledby=\"titre-regles\">\n<h2 "
                 "id=\"titre-regles\">Règles en vigueur aujourd'hui</h2>\n{{rules}}</section>\n",
                 {"rules", rules, true});
    PAGE_TPL(&p,
             "<form method=\"post\" action=\"/personnes/{{id}}/nouveau-dossier\" "
             "class=\"formulaire\" novalidate>\n{{csrf}}"
             "<input type=\"hidden\" name=\"dispositif\" value=\"{{disp}}\">\n",
             {"id", pe->id, false}, {"csrf", page_csrf(r), true}, {"disp", d->code, false});
    page_field(&p, f, "date", "Date de la demande", "Laissez vide pour aujourd'hui",
               PAGE_RENDER(r, "<input type=\"date\"{{a}} value=\"{{v}}\">\n",
                           {"a", page_input_attrs(r, f, "date", true), true}, {"v", date, false}));
    for (size_t i = 0; i < d->nfacts; i++)
        fact_control(&p, f, &d->facts[i]);
    page_html(&p, "<button type=\"submit\">Enregistrer la demande</button>\n</form>\n");
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

    if (!http_str(r, "dispositif")) {
        page_form_error(r, &f, "dispositif", "choisissez le dispositif demandé dans la liste");
        return person_page(r, 400, http_str(r, "id"), &f, e);
    }
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
    return page_redirect(r, arena_printf(&r->arena, "/dossiers/%s?fait=ouvrir", a.id));
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

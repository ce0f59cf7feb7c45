/*
 * page_acces.c: the data officer's page /journal-acces?personne=ID: who
 * read, changed or was refused a person's file or dossiers, newest first,
 * with the date and time in Paris time, and the search form for another
 * person. The capability journal_acces.lire is checked (access_check) and
 * the consultation is itself logged as a read of the person's file, like
 * GET /api/journal-acces/personnes/:id; a refusal is logged too.
 */
#include "core/compat.h"
#include "http/page.h"

#include "http/response.h"

static const struct http_param params[] = {
    {"personne", HTTP_IN_QUERY, HTTP_T_ID, false, .doc = "identifiant de la personne (P0000042)"},
};

static const char *action_label(const char *action)
{
    if (!strcmp(action, "lecture"))
        return "Consultation";
    if (!strcmp(action, "ecriture"))
        return "Modification";
    if (!strcmp(action, "refus"))
        return "Accès refusé";
    return action;
}

static const char *object_label(const char *type)
{
    if (!strcmp(type, "personne"))
        return "fiche de la personne";
    if (!strcmp(type, "dossier"))
        return "dossier";
    if (!strcmp(type, "acte"))
        return "acte";
    if (!strcmp(type, "journal_acces"))
        return "journal des accès";
    if (!strcmp(type, "seance"))
        return "séance de commission";
    return type;
}

static void search_form(struct page *p, const char *person)
{
    PAGE_TPL(p,
             "<form method=\"get\" action=\"/journal-acces\" class=\"formulaire recherche\" "
             "role=\"search\" aria-label=\"Journal d'une personne\">\n"
             "<div class=\"champ\">\n<label for=\"personne\">Identifiant de la personne</label>\n"
             "<p class=\"aide\" id=\"personne-aide\">Par exemple : P0000042</p>\n"
             "<input type=\"text\" id=\"personne\" name=\"personne\" class=\"court\" "
             "aria-describedby=\"personne-aide\" spellcheck=\"false\" value=\"{{v}}\">\n"
             "</div>\n<button type=\"submit\">Afficher le journal</button>\n</form>\n",
             {"v", person, false});
}

static int journal_get(struct http_request *r, struct err *e)
{
    const char *person = http_str(r, "personne");
    struct access_target t = {
        .data_class = CLASS_NONE,
        .object_type = "journal_acces",
        .object_id = person,
        .person_id = person,
    };
    struct access_log_row *rows = NULL;
    const char *grant = NULL;
    size_t n = 0;
    struct page p;

    if (person) {
        if (access_check(&r->app->cat, &r->user, "journal_acces.lire", &t, &r->arena, &grant, e) !=
            0) {
            struct err sub;
            err_clear(&sub);
            if (access_log_append(r->store, r->user.login, "refus", &t, NULL, &sub) != 0)
                fprintf(stderr, "warning: access refusal not logged: %s\n",
                        err_code_name(sub.code));
            return -1;
        }
        if (access_log_for_person(r->store, &r->arena, person, &rows, &n, e) != 0)
            return -1;
        /* who accessed a person's file is personal data too: this reading is logged */
        if (access_log_append(r->store, r->user.login, "lecture", &t, grant, e) != 0)
            return -1;
    }
    page_init(&p, r,
              person ? arena_printf(&r->arena, "Journal des accès de la personne %s", person)
                     : "Journal des accès");
    page_crumb(&p, "Tableau de bord", "/");
    if (person)
        page_crumb(&p, "Journal des accès", "/journal-acces");
    page_html(&p, "<p>Qui a consulté, modifié ou tenté sans droit de consulter la fiche et les "
                  "dossiers d'une personne. Votre consultation de ce journal y est elle-même "
                  "enregistrée.</p>\n");
    search_form(&p, person);
    if (person) {
        page_html(&p, "<section aria-labelledby=\"titre-journal\">\n<h2 "
                      "id=\"titre-journal\">Accès enregistrés</h2>\n");
        PAGE_TPL(&p, "<p id=\"nombre-acces\">{{n}} accès enregistré{{s}}.</p>\n",
                 {"n", page_int(r, (int64_t)n), false}, {"s", n > 1 ? "s" : "", false});
        if (n) {
            PAGE_TPL(&p,
                     "<table class=\"donnees\" id=\"journal\">\n<caption>Accès à la fiche de la "
                     "personne {{id}}, du plus récent au plus ancien</caption>\n<thead><tr><th "
                     "scope=\"col\">Date et heure</th><th scope=\"col\">Agent</th><th "
                     "scope=\"col\">Action</th><th scope=\"col\">Objet</th><th "
                     "scope=\"col\">Droit utilisé</th></tr></thead>\n<tbody>\n",
                     {"id", person, false});
            for (size_t i = n; i-- > 0;) {
                const struct access_log_row *w = &rows[i];
                PAGE_TPL(&p,
                         "<tr class=\"acces-{{a}}\"><td>{{at}}</td><td>{{who}}</td>"
                         "<td>{{action}}</td><td>{{type}} {{oid}}</td><td>{{g}}</td></tr>\n",
                         {"a", w->action, false}, {"at", page_instant(r, w->at), false},
                         {"who", w->login, false}, {"action", action_label(w->action), false},
                         {"type", object_label(w->object_type), false},
                         {"oid", w->object_id, false},
                         {"g", *w->grant_used ? w->grant_used : "aucun", false});
            }
            page_html(&p, "</tbody>\n</table>\n");
        }
        page_html(&p, "</section>\n");
    }
    return page_send(&p, 200);
}

const struct http_route page_acces_routes[] = {
    {HTTP_GET, "/journal-acces", HTTP_HTML, HTTP_BODY_NONE, .auth = true,
     .capability = "journal_acces.lire", .object = "journal_acces", .params = params,
     .nparams = ARRAY_SIZE(params), .handler = journal_get,
     .summary = "qui a consulté la fiche d'une personne (délégué à la protection des données)"},
};
const size_t page_acces_nroutes = ARRAY_SIZE(page_acces_routes);

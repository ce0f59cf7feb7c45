/*
 * view.c: the JSON documents of persons, dossiers, commission sessions and
 * dispositifs (see view.h). Moved here from the CLI (caseprint.c,
 * commission.c, catalogue.c) so that `--json` and the HTTP API cannot drift
 * apart.
 */
#include "core/compat.h"
#include "case/view.h"

#include "core/money.h"
#include "core/strbuf.h"
#include "rules/rules.h"

/* json_string, or null for NULL. */
static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *case_money_json(int64_t cents)
{
    struct strbuf sb;
    json_t *j;

    if (cents < 0)
        return json_null();
    strbuf_init(&sb, 64);
    money_format_plain(&sb, cents);
    j = json_string(sb.buf);
    strbuf_release(&sb);
    return j;
}

const char *case_state_label(const struct catalog *cat, const char *dispositif, const char *state)
{
    const struct catalog_dispositif *d = dispositif ? catalog_find(cat, dispositif) : NULL;
    const char *l = d && d->workflow && state ? catalog_state_label(d->workflow, state) : NULL;

    return l ? l : (state ? state : "?");
}

/* ---- persons, dossiers ---- */

json_t *case_person_json(const struct case_person *p)
{
    json_t *o = json_object();

    json_object_set_new(o, "id", jstr(p->id));
    json_object_set_new(o, "nom", jstr(p->last_name));
    json_object_set_new(o, "prenom", jstr(p->first_name));
    json_object_set_new(o, "date_naissance", jstr(p->birth_date));
    json_object_set_new(o, "sexe", jstr(p->sex));
    json_object_set_new(o, "nir", jstr(p->nir));
    json_object_set_new(o, "identifiant_interne", jstr(p->internal_id));
    json_object_set_new(o, "numero_caf", jstr(p->caf_number));
    json_object_set_new(o, "role_caf", jstr(p->caf_role));
    json_object_set_new(o, "adresse", jstr(p->address));
    json_object_set_new(o, "commune", jstr(p->commune));
    json_object_set_new(o, "commune_nom", jstr(p->commune_name));
    json_object_set_new(o, "telephone", jstr(p->phone));
    json_object_set_new(o, "courriel", jstr(p->email));
    json_object_set_new(o, "mds", jstr(p->mds));
    return o;
}

json_t *case_dossier_json(const struct catalog *cat, const struct case_dossier *d,
                          const enum catalog_op *ops, size_t nops)
{
    json_t *o = json_object(), *a;

    json_object_set_new(o, "id", jstr(d->id));
    json_object_set_new(o, "dispositif", jstr(d->dispositif));
    json_object_set_new(o, "dispositif_libelle", jstr(d->dispositif_label));
    json_object_set_new(o, "beneficiaire_type", jstr(d->beneficiary_type));
    json_object_set_new(o, "beneficiaire", jstr(d->beneficiary));
    json_object_set_new(o, "personne", jstr(d->person));
    json_object_set_new(o, "foyer", jstr(d->household));
    json_object_set_new(o, "site", jstr(d->site));
    json_object_set_new(o, "classe", jstr(catalog_class_code(d->data_class)));
    json_object_set_new(o, "etat", jstr(d->state));
    json_object_set_new(o, "etat_libelle", jstr(case_state_label(cat, d->dispositif, d->state)));
    json_object_set_new(o, "ouvert_le", jstr(d->opened));
    json_object_set_new(o, "clos_le", jstr(d->closed));
    json_object_set_new(o, "mesure_debut", jstr(d->measure_start));
    json_object_set_new(o, "mesure_fin", jstr(d->measure_end));
    json_object_set_new(o, "faits", d->facts ? json_deep_copy(d->facts) : json_object());
    json_object_set_new(o, "montant_accorde", case_money_json(d->granted));
    json_object_set_new(o, "montant_verse", case_money_json(d->paid));

    a = json_array();
    for (size_t i = 0; i < d->nsteps; i++) {
        const struct case_step *s = &d->steps[i];
        json_array_append_new(a, json_pack("{s:o, s:o, s:o, s:o, s:o}", "operation", jstr(s->op),
                                           "de", jstr(s->from), "vers", jstr(s->to), "date",
                                           jstr(s->date), "agent", jstr(s->actor)));
    }
    json_object_set_new(o, "historique", a);
    a = json_array();
    for (size_t i = 0; i < d->ndecisions; i++) {
        const struct case_decision *x = &d->decisions[i];
        json_array_append_new(
            a, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "decision", jstr(x->outcome),
                         "date", jstr(x->date), "montant", case_money_json(x->amount), "motif",
                         jstr(x->motive), "droit_du", jstr(x->right_from), "droit_au",
                         jstr(x->right_to), "seance", jstr(x->session), "agent", jstr(x->actor)));
    }
    json_object_set_new(o, "decisions", a);
    a = json_array();
    for (size_t i = 0; i < d->npayments; i++)
        json_array_append_new(a, json_pack("{s:o, s:o, s:o}", "id", jstr(d->payments[i].id), "date",
                                           jstr(d->payments[i].date), "montant",
                                           case_money_json(d->payments[i].amount)));
    json_object_set_new(o, "versements", a);
    if (ops) {
        a = json_array();
        for (size_t i = 0; i < nops; i++)
            json_array_append_new(a, json_string(catalog_op_code(ops[i])));
        json_object_set_new(o, "operations_possibles", a);
    }
    return o;
}

/*
 * The same document as case_dossier_json, written straight into sb, byte for
 * byte what jansson's json_dump(JSON_COMPACT | JSON_PRESERVE_ORDER) makes of
 * it (the HTTP API serves it without building a jansson tree first).
 */
static void w_str(struct strbuf *sb, const char *s)
{
    static const char hex[] = "0123456789ABCDEF"; /* as jansson */
    const unsigned char *p = (const unsigned char *)s, *run;

    if (!s) {
        strbuf_add(sb, "null", 4);
        return;
    }
    strbuf_addch(sb, '"');
    for (run = p; *p; p++) {
        const char *esc = NULL;
        char u[6];
        if (*p >= 0x20 && *p != '"' && *p != '\\')
            continue;
        strbuf_add(sb, run, (size_t)(p - run));
        run = p + 1;
        switch (*p) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\f':
            esc = "\\f";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            break;
        }
        if (esc) {
            strbuf_addstr(sb, esc);
        } else {
            u[0] = '\\';
            u[1] = 'u';
            u[2] = '0';
            u[3] = '0';
            u[4] = hex[*p >> 4];
            u[5] = hex[*p & 15];
            strbuf_add(sb, u, 6);
        }
    }
    strbuf_add(sb, run, (size_t)(p - run));
    strbuf_addch(sb, '"');
}

/* a literal: the keys, with their comma and colon */
#define W_LIT(sb, lit) strbuf_add((sb), (lit), sizeof(lit) - 1)

static void w_money(struct strbuf *sb, int64_t cents)
{
    if (cents < 0) {
        strbuf_add(sb, "null", 4);
        return;
    }
    strbuf_addch(sb, '"');
    money_format_plain(sb, cents);
    strbuf_addch(sb, '"');
}

static int w_facts(const char *buffer, size_t size, void *data)
{
    struct strbuf *sb = data;

    strbuf_add(sb, buffer, size);
    return sb->failed ? -1 : 0;
}

int case_dossier_json_write(struct strbuf *sb, const struct catalog *cat,
                            const struct case_dossier *d, const enum catalog_op *ops, size_t nops)
{
    W_LIT(sb, "{\"id\":");
    w_str(sb, d->id);
    W_LIT(sb, ",\"dispositif\":");
    w_str(sb, d->dispositif);
    W_LIT(sb, ",\"dispositif_libelle\":");
    w_str(sb, d->dispositif_label);
    W_LIT(sb, ",\"beneficiaire_type\":");
    w_str(sb, d->beneficiary_type);
    W_LIT(sb, ",\"beneficiaire\":");
    w_str(sb, d->beneficiary);
    W_LIT(sb, ",\"personne\":");
    w_str(sb, d->person);
    W_LIT(sb, ",\"foyer\":");
    w_str(sb, d->household);
    W_LIT(sb, ",\"site\":");
    w_str(sb, d->site);
    W_LIT(sb, ",\"classe\":");
    w_str(sb, catalog_class_code(d->data_class));
    W_LIT(sb, ",\"etat\":");
    w_str(sb, d->state);
    W_LIT(sb, ",\"etat_libelle\":");
    w_str(sb, case_state_label(cat, d->dispositif, d->state));
    W_LIT(sb, ",\"ouvert_le\":");
    w_str(sb, d->opened);
    W_LIT(sb, ",\"clos_le\":");
    w_str(sb, d->closed);
    W_LIT(sb, ",\"mesure_debut\":");
    w_str(sb, d->measure_start);
    W_LIT(sb, ",\"mesure_fin\":");
    w_str(sb, d->measure_end);
    W_LIT(sb, ",\"faits\":");
    if (!d->facts)
        strbuf_add(sb, "{}", 2);
    else if (json_dump_callback(d->facts, w_facts, sb, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0)
        return -1;
    W_LIT(sb, ",\"montant_accorde\":");
    w_money(sb, d->granted);
    W_LIT(sb, ",\"montant_verse\":");
    w_money(sb, d->paid);
    W_LIT(sb, ",\"historique\":");
    strbuf_addch(sb, '[');
    for (size_t i = 0; i < d->nsteps; i++) {
        const struct case_step *s = &d->steps[i];
        if (i)
            strbuf_addch(sb, ',');
        W_LIT(sb, "{\"operation\":");
        w_str(sb, s->op);
        W_LIT(sb, ",\"de\":");
        w_str(sb, s->from);
        W_LIT(sb, ",\"vers\":");
        w_str(sb, s->to);
        W_LIT(sb, ",\"date\":");
        w_str(sb, s->date);
        W_LIT(sb, ",\"agent\":");
        w_str(sb, s->actor);
        strbuf_addch(sb, '}');
    }
    strbuf_addch(sb, ']');
    W_LIT(sb, ",\"decisions\":");
    strbuf_addch(sb, '[');
    for (size_t i = 0; i < d->ndecisions; i++) {
        const struct case_decision *x = &d->decisions[i];
        if (i)
            strbuf_addch(sb, ',');
        W_LIT(sb, "{\"decision\":");
        w_str(sb, x->outcome);
        W_LIT(sb, ",\"date\":");
        w_str(sb, x->date);
        W_LIT(sb, ",\"montant\":");
        w_money(sb, x->amount);
        W_LIT(sb, ",\"motif\":");
        w_str(sb, x->motive);
        W_LIT(sb, ",\"droit_du\":");
        w_str(sb, x->right_from);
        W_LIT(sb, ",\"droit_au\":");
        w_str(sb, x->right_to);
        W_LIT(sb, ",\"seance\":");
        w_str(sb, x->session);
        W_LIT(sb, ",\"agent\":");
        w_str(sb, x->actor);
        strbuf_addch(sb, '}');
    }
    strbuf_addch(sb, ']');
    W_LIT(sb, ",\"versements\":");
    strbuf_addch(sb, '[');
    for (size_t i = 0; i < d->npayments; i++) {
        if (i)
            strbuf_addch(sb, ',');
        W_LIT(sb, "{\"id\":");
        w_str(sb, d->payments[i].id);
        W_LIT(sb, ",\"date\":");
        w_str(sb, d->payments[i].date);
        W_LIT(sb, ",\"montant\":");
        w_money(sb, d->payments[i].amount);
        strbuf_addch(sb, '}');
    }
    strbuf_addch(sb, ']');
    if (ops) {
        W_LIT(sb, ",\"operations_possibles\":");
        strbuf_addch(sb, '[');
        for (size_t i = 0; i < nops; i++) {
            if (i)
                strbuf_addch(sb, ',');
            w_str(sb, catalog_op_code(ops[i]));
        }
        strbuf_addch(sb, ']');
    }
    strbuf_addch(sb, '}');
    return sb->failed ? -1 : 0;
}

/* ---- commission sessions ---- */

json_t *case_session_json(const struct case_session *s)
{
    json_t *agenda = json_array();

    for (size_t i = 0; i < s->nagenda; i++) {
        const struct case_agenda_item *a = &s->agenda[i];
        json_array_append_new(agenda, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "dossier",
                                                jstr(a->dossier), "dispositif", jstr(a->dispositif),
                                                "beneficiaire", jstr(a->beneficiary), "etat",
                                                jstr(a->state), "decision", jstr(a->outcome),
                                                "montant", case_money_json(a->amount)));
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", jstr(s->id), "commission",
                     jstr(s->commission), "date", jstr(s->date), "president", jstr(s->chair),
                     "site", jstr(s->site), "etat", jstr(s->state), "proces_verbal",
                     jstr(s->minutes), "ordre_du_jour", agenda);
}

/* ---- dispositifs ---- */

/* A typed value for machines: integers, "1234.56", "2022-01-01", true. */
static json_t *value_json(enum rules_type t, const struct rules_value *v)
{
    char iso[DATE_ISO_LEN];

    switch (t) {
    case RULES_BOOL:
        return json_boolean(v->u.b);
    case RULES_INT:
        return json_integer((json_int_t)v->u.i);
    case RULES_MONEY:
        return case_money_json(v->u.i);
    case RULES_DATE:
        date_format_iso((date_t)v->u.i, iso);
        return json_string(iso);
    case RULES_TEXT:
        return json_stringn(v->u.s.p, v->u.s.n);
    case RULES_ABSENT:
        break;
    }
    return json_null();
}

static json_t *strings_json(const char **s, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_string(s[i]));
    return arr;
}

json_t *case_dispositif_summary_json(const struct catalog_dispositif *d)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o}", "code", d->code,
                     "libelle", d->label, "pacte", d->pacte, "politique", d->politique, "nature",
                     catalog_nature_code(d->nature), "beneficiaire",
                     catalog_beneficiary_code(d->beneficiary), "site",
                     catalog_site_rule_code(d->site_rule), "classe",
                     catalog_class_code(d->data_class), "commission", d->commission, "workflow",
                     d->workflow ? json_string(d->workflow->code) : json_null());
}

static json_t *transition_json(const struct catalog_transition *t)
{
    json_t *to, *roles = json_array();

    if (t->op == OP_DECIDER) {
        to = json_object();
        for (int k = 0; k < OUTCOME__COUNT; k++)
            if (t->to_outcome[k])
                json_object_set_new(to, catalog_outcome_code((enum catalog_outcome)k),
                                    json_string(t->to_outcome[k]));
    } else {
        to = json_string(t->to);
    }
    for (size_t i = 0; i < t->nroles; i++)
        json_array_append_new(roles, json_string(t->roles[i]->code));
    return json_pack("{s:s, s:o, s:o, s:o}", "operation", catalog_op_code(t->op), "de",
                     strings_json(t->from, t->nfrom), "vers", to, "roles", roles);
}

static bool is_final(const struct catalog_workflow *w, const char *state)
{
    for (size_t i = 0; i < w->nfinal; i++)
        if (!strcmp(w->final_states[i], state))
            return true;
    return false;
}

json_t *case_dispositif_json(const struct catalog_dispositif *d, date_t day)
{
    char iso[DATE_ISO_LEN];
    json_t *o, *facts = json_array(), *params = json_array(), *elig = json_array();

    date_format_iso(day, iso);
    for (size_t i = 0; i < d->nfacts; i++) {
        const struct catalog_fact *f = &d->facts[i];
        struct rules_value v = {.type = f->type};
        json_t *j = json_pack("{s:s, s:s, s:s, s:b}", "code", f->code, "libelle", f->label, "type",
                              catalog_type_code(f->type), "obligatoire", f->required);
        if (f->has_min) {
            v.u.i = f->min;
            json_object_set_new(j, "min", value_json(f->type, &v));
        }
        if (f->has_max) {
            v.u.i = f->max;
            json_object_set_new(j, "max", value_json(f->type, &v));
        }
        if (f->nchoices)
            json_object_set_new(j, "choix", strings_json(f->choices, f->nchoices));
        if (f->choice_labels) {
            json_t *labels = json_object();
            for (size_t k = 0; k < f->nchoices; k++)
                json_object_set_new(labels, f->choices[k], json_string(f->choice_labels[k]));
            json_object_set_new(j, "libelles_choix", labels);
        }
        json_array_append_new(facts, j);
    }
    for (size_t i = 0; i < d->nparams; i++) {
        const struct catalog_param *p = &d->params[i];
        const struct catalog_param_value *now = NULL;
        json_t *values = json_array(), *j;
        for (size_t k = 0; k < p->nvalues; k++) {
            char from[DATE_ISO_LEN];
            date_format_iso(p->values[k].from, from);
            json_array_append_new(values, json_pack("{s:s, s:o, s:s}", "depuis", from, "valeur",
                                                    value_json(p->type, &p->values[k].value),
                                                    "reference", p->values[k].reference));
            if (p->values[k].from <= day)
                now = &p->values[k];
        }
        j = json_pack("{s:s, s:s, s:s}", "code", p->code, "libelle", p->label, "type",
                      catalog_type_code(p->type));
        json_object_set(j, "en_vigueur",
                        now ? json_array_get(values, (size_t)(now - p->values)) : json_null());
        json_object_set_new(j, "valeurs", values);
        json_array_append_new(params, j);
    }
    for (size_t i = 0; i < d->neligibility; i++) {
        const struct catalog_rule *rule = &d->eligibility[i];
        json_t *j = json_pack("{s:s, s:s}", "regle", rules_expr_source(rule->expr), "message",
                              rule->message);
        if (rule->label)
            json_object_set_new(j, "libelle", json_string(rule->label));
        json_array_append_new(elig, j);
    }
    o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "code", d->code,
                  "libelle", d->label, "fichier", d->file, "pacte", d->pacte, "politique",
                  d->politique, "nature", catalog_nature_code(d->nature), "beneficiaire",
                  catalog_beneficiary_code(d->beneficiary), "site",
                  catalog_site_rule_code(d->site_rule), "classe", catalog_class_code(d->data_class),
                  "commission", d->commission, "date_parametres", iso);
    json_object_set_new(o, "references", strings_json(d->references, d->nreferences));
    json_object_set_new(o, "note", d->note ? json_string(d->note) : json_null());
    json_object_set_new(o, "faits", facts);
    json_object_set_new(o, "parametres", params);
    json_object_set_new(o, "eligibilite", elig);
    json_object_set_new(o, "montant",
                        d->amount ? json_string(rules_expr_source(d->amount)) : json_null());
    if (d->workflow) {
        const struct catalog_workflow *w = d->workflow;
        json_t *states = json_array(), *trans = json_array();
        for (size_t i = 0; i < w->nstates; i++)
            json_array_append_new(states, json_pack("{s:s, s:s, s:b, s:b}", "code", w->states[i],
                                                    "libelle", w->state_labels[i], "initial",
                                                    !strcmp(w->states[i], w->initial), "final",
                                                    is_final(w, w->states[i])));
        for (size_t i = 0; i < w->ntransitions; i++)
            json_array_append_new(trans, transition_json(&w->transitions[i]));
        json_object_set_new(o, "workflow",
                            json_pack("{s:s, s:s, s:o, s:o}", "code", w->code, "libelle", w->label,
                                      "etats", states, "transitions", trans));
    } else {
        json_object_set_new(o, "workflow", json_null());
    }
    return o;
}

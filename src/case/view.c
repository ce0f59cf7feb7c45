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
    for (size_t i = 0; i < d->neligibility; i++)
        json_array_append_new(elig, json_pack("{s:s, s:s}", "regle",
                                              rules_expr_source(d->eligibility[i].expr), "message",
                                              d->eligibility[i].message));
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

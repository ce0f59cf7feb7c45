/*
 * json.c: the whole report model as JSON, for the API and for checks.
 *
 * Every value is given three ways: "valeur", the engine's integer (cents,
 * hundredths of a percent, fixed point) or null when undefined; "echelle",
 * the decimals of that integer; "affichage", the French display printed
 * in the report. Definitions and the coherence annex are included, so a
 * client never needs to recompute or re-explain a figure.
 */
#include "core/compat.h"
#include "report/report.h"

#include <jansson.h>

#include "core/json.h"
#include "report/model_int.h"
#include "report/report_int.h"

static json_t *str(const char *s)
{
    return s ? json_string(s) : json_null();
}

static void put_value(json_t *o, const struct indic_def *def, const struct report_value *v)
{
    json_object_set_new(o, "valeur", v->defined ? json_integer((json_int_t)v->raw) : json_null());
    json_object_set_new(o, "echelle", json_integer(report_raw_scale(def)));
    json_object_set_new(o, "affichage", json_string(v->text));
}

static json_t *value(const struct indic_def *def, const struct report_value *v)
{
    json_t *o = json_object();
    put_value(o, def, v);
    return o;
}

static json_t *figure(const struct report_figure *f)
{
    json_t *o = json_object();

    json_object_set_new(o, "code", json_string(f->def->code));
    json_object_set_new(o, "libelle", json_string(f->def->label));
    json_object_set_new(o, "unite", json_string(indic_unit_code(f->def->unit)));
    put_value(o, f->def, &f->v);
    json_object_set_new(o, "dont", json_boolean(f->sub));
    if (f->chart != REPORT_CHART_NONE) {
        json_t *pts = json_array();
        json_object_set_new(o, "graphique", json_string(report_chart_code(f->chart)));
        for (size_t i = 0; i < f->npoints; i++) {
            json_t *p = json_object();
            json_object_set_new(p, "code", json_string(f->points[i].code));
            json_object_set_new(p, "nom", json_string(f->points[i].name));
            json_object_set_new(p, "valeur",
                                f->points[i].v.defined
                                    ? json_integer((json_int_t)f->points[i].v.raw)
                                    : json_null());
            json_object_set_new(p, "affichage", json_string(f->points[i].v.text));
            json_array_append_new(pts, p);
        }
        json_object_set_new(o, "points", pts);
    }
    return o;
}

static json_t *strings(const char **s, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(s[i]));
    return a;
}

static json_t *count_or_null(int64_t v)
{
    return v >= 0 ? json_integer((json_int_t)v) : json_null();
}

static json_t *sections(const struct report_model *m)
{
    json_t *arr = json_array();

    for (size_t s = 0; s < m->nsections; s++) {
        const struct report_section *sec = &m->sections[s];
        json_t *o = json_object(), *groups = json_array();
        json_object_set_new(o, "id", json_string(sec->id));
        json_object_set_new(o, "titre", json_string(sec->title));
        json_object_set_new(o, "intro", json_string(sec->intro));
        for (size_t g = 0; g < sec->ngroups; g++) {
            json_t *go = json_object(), *figs = json_array();
            json_object_set_new(go, "titre", json_string(sec->groups[g].title));
            for (size_t i = 0; i < sec->groups[g].nfigures; i++)
                json_array_append_new(figs, figure(&sec->groups[g].figures[i]));
            json_object_set_new(go, "chiffres", figs);
            json_array_append_new(groups, go);
        }
        json_object_set_new(o, "groupes", groups);
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *territories(const struct report_model *m)
{
    json_t *o = json_object(), *facts = json_array(), *zones = json_array();

    json_object_set_new(o, "titre", json_string(m->terr_title));
    json_object_set_new(o, "intro", json_string(m->terr_intro));
    for (size_t k = 0; k < m->nterr_facts; k++)
        json_array_append_new(facts, json_string(report_ref_fact_code(m->terr_facts[k])));
    json_object_set_new(o, "referentiel", facts);
    for (size_t t = 0; t < m->nterritories; t++) {
        const struct report_territory *tr = &m->territories[t];
        json_t *z = json_object(), *figs = json_array();
        json_object_set_new(z, "code", json_string(tr->code));
        json_object_set_new(z, "nom", json_string(tr->name));
        json_object_set_new(z, "habitants", count_or_null(tr->habitants));
        json_object_set_new(z, "habitants_source", str(tr->habitants_source));
        json_object_set_new(z, "communes", count_or_null(tr->communes));
        json_object_set_new(z, "population_communes", count_or_null(tr->population_communes));
        json_object_set_new(z, "epci", strings(tr->epci, tr->nepci));
        json_object_set_new(z, "mds", strings(tr->mds, tr->nmds));
        for (size_t i = 0; i < tr->nfigures; i++)
            json_array_append_new(figs, figure(&tr->figures[i]));
        json_object_set_new(z, "chiffres", figs);
        json_array_append_new(zones, z);
    }
    json_object_set_new(o, "zones", zones);
    return o;
}

static json_t *mds(const struct report_model *m)
{
    json_t *o = json_object(), *zones = json_array(), *rows = json_array();

    json_object_set_new(o, "titre", json_string(m->mds_title));
    json_object_set_new(o, "intro", json_string(m->mds_intro));
    for (size_t a = 0; a < m->nmds_areas; a++)
        json_array_append_new(zones, json_pack("{s:s, s:s}", "code", m->mds_areas[a].code, "nom",
                                               m->mds_areas[a].name));
    json_object_set_new(o, "zones", zones);
    for (size_t r = 0; r < m->nmds_rows; r++) {
        const struct report_mds_row *row = &m->mds_rows[r];
        json_t *ro = json_object(), *vals = json_array();
        json_object_set_new(ro, "groupe", str(row->group));
        json_object_set_new(ro, "code", json_string(row->def->code));
        json_object_set_new(ro, "libelle", json_string(row->def->label));
        json_object_set_new(ro, "unite", json_string(indic_unit_code(row->def->unit)));
        for (size_t a = 0; a < m->nmds_areas; a++)
            json_array_append_new(vals, value(row->def, &row->cells[a]));
        json_object_set_new(ro, "valeurs", vals);
        json_object_set_new(ro, "departement", value(row->def, &row->cells[m->nmds_areas]));
        json_array_append_new(rows, ro);
    }
    json_object_set_new(o, "lignes", rows);
    return o;
}

static json_t *coherence(const struct report_model *m)
{
    json_t *o = json_object(), *pairs = json_array();

    json_object_set_new(o, "titre", json_string(m->coh_title));
    json_object_set_new(o, "intro", json_string(m->coh_intro));
    for (size_t i = 0; i < m->ncoherence; i++) {
        const struct report_coherence *c = &m->coherence[i];
        const struct indic_def *d = c->dept_def;
        json_t *p = json_object(), *parts = json_array();

        json_object_set_new(p, "departement_code", json_string(d->code));
        json_object_set_new(p, "departement", value(d, &c->dept));
        for (size_t k = 0; k < c->nparts; k++) {
            const struct report_coh_part *pt = &c->parts[k];
            json_t *po = json_object();
            json_object_set_new(po, "code", json_string(pt->def->code));
            json_object_set_new(po, "tous_sites", value(pt->def, &pt->dept_all));
            json_object_set_new(po, "somme_mds", value(pt->def, &pt->sum_areas));
            json_object_set_new(po, "lignes_hors_mds", count_or_null(pt->placement.central_rows));
            json_object_set_new(po, "valeur_lignes_en_mds", count_or_null(pt->placement.placed));
            json_array_append_new(parts, po);
        }
        json_object_set_new(p, "mds", parts);
        json_object_set_new(p, "somme_mds", value(d, &c->sum));
        json_object_set_new(p, "ecart", value(d, &c->gap));
        json_object_set_new(p, "ecart_place_lignes", value(d, &c->gap_sites));
        json_object_set_new(p, "ecart_definitions", value(d, &c->gap_defs));
        json_object_set_new(p, "meme_definition", json_boolean(c->same_definition));
        json_object_set_new(p, "differences", strings(c->differences, c->ndifferences));
        json_object_set_new(p, "explication", strings(c->reasons, c->nreasons));
        json_array_append_new(pairs, p);
    }
    json_object_set_new(o, "paires", pairs);
    return o;
}

static json_t *definitions(const struct report_model *m)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < m->ndefinitions; i++) {
        const struct report_definition *rd = &m->definitions[i];
        json_t *o = json_object();
        json_object_set_new(o, "code", json_string(rd->def->code));
        json_object_set_new(o, "libelle", json_string(rd->def->label));
        json_object_set_new(o, "unite", json_string(indic_unit_code(rd->def->unit)));
        json_object_set_new(o, "unite_libelle", json_string(rd->unit));
        json_object_set_new(o, "version", json_integer(rd->def->version));
        json_object_set_new(o, "definition", json_string(rd->def->definition));
        json_object_set_new(o, "calcul", json_string(rd->calculation));
        json_object_set_new(o, "modification_depuis_cloture",
                            rd->change ? json_string(rd->change) : json_null());
        json_object_set_new(o, "ancre", json_sprintf("def-%s", rd->def->code));
        json_array_append_new(arr, o);
    }
    return arr;
}

int report_render_json(const struct report_model *m, struct strbuf *out, struct err *e)
{
    json_t *root = json_object();
    char *text;

    json_object_set_new(root, "annee", json_integer(m->year));
    json_object_set_new(root, "collectivite", json_string(m->collectivite));
    json_object_set_new(root, "titre", json_string(m->title));
    json_object_set_new(root, "exercice_clos", json_boolean(m->closed));
    json_object_set_new(root, "definitions_figees", json_boolean(m->frozen_definitions));
    json_object_set_new(root, "genere_le", json_string(m->generated));
    json_object_set_new(root, "sections", sections(m));
    json_object_set_new(root, "territoires", territories(m));
    json_object_set_new(root, "mds", mds(m));
    json_object_set_new(root, "coherence", coherence(m));
    json_object_set_new(root, "definitions", definitions(m));
    text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text)
        return err_set(e, ERR_INTERNAL, "sérialisation JSON du rapport impossible");
    strbuf_addstr(out, text);
    strbuf_addch(out, '\n');
    json_text_free(text);
    return report_check_buffer(out, "le rapport JSON", e);
}

/*
 * layout.c: data/rapport/rapport.json, the report's layout as data.
 *
 * The layout names the figures of the report by indicator code and says how
 * to show them; it never holds a figure. It is checked in full when loaded
 * (every code exists in the dictionary, every key is known, every chart is
 * drawable), so that a typo fails at start-up with the place of the error
 * instead of printing a wrong or empty report.
 */
#include "core/compat.h"
#include "report/report.h"

#include <jansson.h>

#include "core/file.h"
#include "core/json.h"
#include "report/report_int.h"

#define LAYOUT_MAX_SIZE (1u << 20)

struct lctx {
    struct report_layout *l;
    const struct indic_dict *d;
    const char *name;
    struct err *e;
};

static int fail(struct lctx *c, const char *where, const char *fmt, ...) PRINTF_LIKE(3, 4);

static int fail(struct lctx *c, const char *where, const char *fmt, ...)
{
    char msg[ERR_MESSAGE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    err_set(c->e, ERR_INVALID, "mise en page du rapport %s, %s : %s", c->name, where, msg);
    return -1;
}

/* Refuse keys outside allowed (NULL-terminated): a typo must not pass silently. */
static int check_keys(struct lctx *c, json_t *obj, const char *where, const char *const *allowed)
{
    const char *key;
    json_t *v;

    json_object_foreach(obj, key, v)
    {
        size_t i;
        for (i = 0; allowed[i]; i++)
            if (!strcmp(key, allowed[i]))
                break;
        if (!allowed[i]) {
            fail(c, where, "clé inconnue « %s »", key);
            struct strbuf sb;
            strbuf_init(&sb, 256);
            for (i = 0; allowed[i]; i++)
                strbuf_addf(&sb, "%s%s", i ? ", " : "", allowed[i]);
            err_hint(c->e, "clés possibles : %s", sb.buf);
            strbuf_release(&sb);
            return -1;
        }
    }
    return 0;
}

static int get_object(struct lctx *c, json_t *parent, const char *key, const char *where,
                      json_t **out)
{
    json_t *v = json_object_get(parent, key);

    if (!json_is_object(v))
        return fail(c, where, "« %s » manquant ou n'est pas un objet", key);
    *out = v;
    return 0;
}

static int get_array(struct lctx *c, json_t *parent, const char *key, const char *where,
                     json_t **out)
{
    json_t *v = json_object_get(parent, key);

    if (!json_is_array(v) || json_array_size(v) == 0)
        return fail(c, where, "« %s » manquant, vide ou n'est pas une liste", key);
    *out = v;
    return 0;
}

/* A required, non-blank string copied into the layout's arena. */
static int get_text(struct lctx *c, json_t *parent, const char *key, const char *where,
                    const char **out)
{
    json_t *v = json_object_get(parent, key);
    const char *s;

    if (!json_is_string(v))
        return fail(c, where, "« %s » manquant ou n'est pas un texte", key);
    s = json_string_value(v);
    while (*s == ' ')
        s++;
    if (!*s)
        return fail(c, where, "« %s » est vide", key);
    *out = arena_strdup(&c->l->arena, json_string_value(v));
    return 0;
}

static int find_def(struct lctx *c, json_t *v, const char *where, size_t *out)
{
    const char *code;

    if (!json_is_string(v))
        return fail(c, where, "un code d'indicateur (texte) est attendu");
    code = json_string_value(v);
    for (size_t i = 0; i < c->d->ndefs; i++) {
        if (!strcmp(c->d->defs[i].code, code)) {
            *out = i;
            return 0;
        }
    }
    fail(c, where, "indicateur inconnu « %s »", code);
    err_hint(c->e, "les codes sont ceux du dictionnaire data/indicateurs/");
    return -1;
}

static const char *const chart_codes[] = {
    [REPORT_CHART_NONE] = NULL,
    [REPORT_CHART_BARS_MDS] = "barres_mds",
    [REPORT_CHART_BARS_TERRITORY] = "barres_territoires",
    [REPORT_CHART_DONUT] = "anneau",
};

const char *report_chart_code(enum report_chart ch)
{
    return chart_codes[ch];
}

const char *report_chart_label(enum report_chart ch)
{
    switch (ch) {
    case REPORT_CHART_BARS_MDS:
        return "par Maison du Département Solidarité";
    case REPORT_CHART_BARS_TERRITORY:
        return "par territoire";
    case REPORT_CHART_DONUT:
        return "répartition";
    case REPORT_CHART_NONE:
        break;
    }
    return "";
}

static const char *const fact_codes[REPORT_REF__COUNT] = {
    [REPORT_REF_HABITANTS] = "habitants",
    [REPORT_REF_COMMUNES] = "communes",
    [REPORT_REF_POPULATION_COMMUNES] = "population_communes",
    [REPORT_REF_EPCI] = "epci",
    [REPORT_REF_MDS] = "mds",
};

static const char *const fact_labels[REPORT_REF__COUNT] = {
    [REPORT_REF_HABITANTS] = "Habitants",
    [REPORT_REF_COMMUNES] = "Communes",
    [REPORT_REF_POPULATION_COMMUNES] = "Population municipale des communes (INSEE)",
    [REPORT_REF_EPCI] = "Intercommunalités (EPCI)",
    [REPORT_REF_MDS] = "Maisons du Département Solidarité",
};

const char *report_ref_fact_code(enum report_ref_fact f)
{
    return fact_codes[f];
}

const char *report_ref_fact_label(enum report_ref_fact f)
{
    return fact_labels[f];
}

static int parse_item(struct lctx *c, json_t *v, const char *where, struct report_item *it)
{
    static const char *const keys[] = {"code", "graphique", "parts", "dont", "decimales", NULL};
    json_t *j;

    it->decimals = -1;
    if (json_is_string(v)) {
        it->code = arena_strdup(&c->l->arena, json_string_value(v));
        return find_def(c, v, where, &it->def);
    }
    if (!json_is_object(v))
        return fail(c, where, "un code d'indicateur ou un objet {\"code\": ...} est attendu");
    if (check_keys(c, v, where, keys) < 0)
        return -1;
    if (find_def(c, json_object_get(v, "code"), where, &it->def) < 0)
        return -1;
    it->code = c->d->defs[it->def].code;

    if ((j = json_object_get(v, "graphique"))) {
        size_t k;
        if (!json_is_string(j))
            return fail(c, where, "« graphique » doit être un texte");
        for (k = 1; k < ARRAY_SIZE(chart_codes); k++)
            if (!strcmp(json_string_value(j), chart_codes[k]))
                break;
        if (k == ARRAY_SIZE(chart_codes)) {
            fail(c, where, "graphique inconnu « %s »", json_string_value(j));
            err_hint(c->e, "graphiques possibles : barres_mds, barres_territoires, anneau");
            return -1;
        }
        it->chart = (enum report_chart)k;
    }
    if ((j = json_object_get(v, "dont"))) {
        if (!json_is_boolean(j))
            return fail(c, where, "« dont » doit valoir true ou false");
        it->sub = json_is_true(j);
    }
    if ((j = json_object_get(v, "decimales"))) {
        if (!json_is_integer(j) || json_integer_value(j) < 0 || json_integer_value(j) > 4)
            return fail(c, where, "« decimales » doit être un entier de 0 à 4");
        it->decimals = (int)json_integer_value(j);
    }
    j = json_object_get(v, "parts");
    if (it->chart == REPORT_CHART_DONUT) {
        const struct indic_def *first = NULL;
        if (!json_is_array(j) || json_array_size(j) < 2)
            return fail(c, where,
                        "un graphique « anneau » demande « parts » : au moins deux "
                        "codes d'indicateurs");
        it->nparts = json_array_size(j);
        it->parts = arena_calloc(&c->l->arena, it->nparts, sizeof(*it->parts));
        for (size_t k = 0; k < it->nparts; k++) {
            char *w = arena_printf(&c->l->arena, "%s.parts[%zu]", where, k);
            if (find_def(c, json_array_get(j, k), w, &it->parts[k]) < 0)
                return -1;
            const struct indic_def *p = &c->d->defs[it->parts[k]];
            if (first && p->unit != first->unit)
                return fail(c, w,
                            "« %s » n'a pas la même unité que « %s » : un anneau "
                            "montre des parts d'une même unité",
                            p->code, first->code);
            first = first ? first : p;
        }
    } else if (j) {
        return fail(c, where, "« parts » ne sert qu'au graphique « anneau »");
    }
    return 0;
}

static int parse_items(struct lctx *c, json_t *arr, const char *where, struct report_item **out,
                       size_t *n)
{
    *n = json_array_size(arr);
    *out = arena_calloc(&c->l->arena, *n, sizeof(**out));
    for (size_t i = 0; i < *n; i++) {
        char *w = arena_printf(&c->l->arena, "%s[%zu]", where, i);
        if (parse_item(c, json_array_get(arr, i), w, &(*out)[i]) < 0)
            return -1;
    }
    return 0;
}

static int parse_groups(struct lctx *c, json_t *parent, const char *where,
                        struct report_group **out, size_t *n)
{
    static const char *const keys[] = {"titre", "indicateurs", NULL};
    json_t *arr = NULL;

    if (get_array(c, parent, "groupes", where, &arr) < 0)
        return -1;
    *n = json_array_size(arr);
    *out = arena_calloc(&c->l->arena, *n, sizeof(**out));
    for (size_t i = 0; i < *n; i++) {
        struct report_group *g = &(*out)[i];
        json_t *gj = json_array_get(arr, i), *items = NULL;
        char *w = arena_printf(&c->l->arena, "%s.groupes[%zu]", where, i);

        if (!json_is_object(gj))
            return fail(c, w, "un objet est attendu");
        if (check_keys(c, gj, w, keys) < 0 || get_text(c, gj, "titre", w, &g->title) < 0 ||
            get_array(c, gj, "indicateurs", w, &items) < 0)
            return -1;
        if (parse_items(c, items, arena_printf(&c->l->arena, "%s.indicateurs", w), &g->items,
                        &g->nitems) < 0)
            return -1;
    }
    return 0;
}

static bool valid_id(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return false;
    return true;
}

static int parse_sections(struct lctx *c, json_t *root)
{
    static const char *const keys[] = {"id", "titre", "intro", "groupes", NULL};
    struct report_layout *l = c->l;
    json_t *arr = NULL;

    if (get_array(c, root, "sections", "racine", &arr) < 0)
        return -1;
    l->nsections = json_array_size(arr);
    l->sections = arena_calloc(&l->arena, l->nsections, sizeof(*l->sections));
    for (size_t i = 0; i < l->nsections; i++) {
        struct report_section_layout *s = &l->sections[i];
        json_t *sj = json_array_get(arr, i);
        char *w = arena_printf(&l->arena, "sections[%zu]", i);

        if (!json_is_object(sj))
            return fail(c, w, "un objet est attendu");
        if (check_keys(c, sj, w, keys) < 0 || get_text(c, sj, "id", w, &s->id) < 0 ||
            get_text(c, sj, "titre", w, &s->title) < 0 ||
            get_text(c, sj, "intro", w, &s->intro) < 0)
            return -1;
        if (!valid_id(s->id))
            return fail(c, w, "identifiant « %s » invalide (lettres minuscules, chiffres, _ et -)",
                        s->id);
        for (size_t k = 0; k < i; k++)
            if (!strcmp(l->sections[k].id, s->id))
                return fail(c, w, "identifiant « %s » déjà utilisé par sections[%zu]", s->id, k);
        if (parse_groups(c, sj, w, &s->groups, &s->ngroups) < 0)
            return -1;
    }
    return 0;
}

static int parse_territories(struct lctx *c, json_t *root)
{
    static const char *const keys[] = {"titre", "intro", "referentiel", "indicateurs", NULL};
    struct report_layout *l = c->l;
    json_t *tj = NULL, *facts = NULL, *items = NULL;

    if (get_object(c, root, "territoires", "racine", &tj) < 0 ||
        check_keys(c, tj, "territoires", keys) < 0 ||
        get_text(c, tj, "titre", "territoires", &l->terr_title) < 0 ||
        get_text(c, tj, "intro", "territoires", &l->terr_intro) < 0 ||
        get_array(c, tj, "referentiel", "territoires", &facts) < 0 ||
        get_array(c, tj, "indicateurs", "territoires", &items) < 0)
        return -1;
    l->nterr_facts = json_array_size(facts);
    l->terr_facts = arena_calloc(&l->arena, l->nterr_facts, sizeof(*l->terr_facts));
    for (size_t i = 0; i < l->nterr_facts; i++) {
        json_t *f = json_array_get(facts, i);
        char *w = arena_printf(&l->arena, "territoires.referentiel[%zu]", i);
        size_t k;

        if (!json_is_string(f))
            return fail(c, w, "un nom de fait du référentiel (texte) est attendu");
        for (k = 0; k < REPORT_REF__COUNT; k++)
            if (!strcmp(json_string_value(f), fact_codes[k]))
                break;
        if (k == REPORT_REF__COUNT) {
            fail(c, w, "fait du référentiel inconnu « %s »", json_string_value(f));
            err_hint(c->e, "faits possibles : habitants, communes, population_communes, epci, mds");
            return -1;
        }
        l->terr_facts[i] = (enum report_ref_fact)k;
    }
    if (parse_items(c, items, "territoires.indicateurs", &l->terr_items, &l->nterr_items) < 0)
        return -1;
    for (size_t i = 0; i < l->nterr_items; i++)
        if (l->terr_items[i].chart != REPORT_CHART_NONE)
            return fail(c, arena_printf(&l->arena, "territoires.indicateurs[%zu]", i),
                        "pas de graphique dans la fiche d'un territoire");
    return 0;
}

static int parse_mds(struct lctx *c, json_t *root)
{
    static const char *const keys[] = {"titre", "intro", "groupes", NULL};
    struct report_layout *l = c->l;
    json_t *mj = NULL;

    if (get_object(c, root, "mds", "racine", &mj) < 0 || check_keys(c, mj, "mds", keys) < 0 ||
        get_text(c, mj, "titre", "mds", &l->mds_title) < 0 ||
        get_text(c, mj, "intro", "mds", &l->mds_intro) < 0)
        return -1;
    if (parse_groups(c, mj, "mds", &l->mds_groups, &l->nmds_groups) < 0)
        return -1;
    for (size_t g = 0; g < l->nmds_groups; g++)
        for (size_t i = 0; i < l->mds_groups[g].nitems; i++)
            if (l->mds_groups[g].items[i].chart != REPORT_CHART_NONE)
                return fail(c, arena_printf(&l->arena, "mds.groupes[%zu].indicateurs[%zu]", g, i),
                            "pas de graphique dans le tableau des MDS");
    return 0;
}

static int parse_pairs(struct lctx *c, json_t *root)
{
    static const char *const keys[] = {"titre", "intro", "paires", NULL};
    static const char *const pair_keys[] = {"departement", "mds", NULL};
    struct report_layout *l = c->l;
    json_t *cj = NULL, *arr = NULL;

    if (get_object(c, root, "coherence", "racine", &cj) < 0 ||
        check_keys(c, cj, "coherence", keys) < 0 ||
        get_text(c, cj, "titre", "coherence", &l->coh_title) < 0 ||
        get_text(c, cj, "intro", "coherence", &l->coh_intro) < 0 ||
        get_array(c, cj, "paires", "coherence", &arr) < 0)
        return -1;
    l->npairs = json_array_size(arr);
    l->pairs = arena_calloc(&l->arena, l->npairs, sizeof(*l->pairs));
    for (size_t i = 0; i < l->npairs; i++) {
        struct report_pair *p = &l->pairs[i];
        json_t *pj = json_array_get(arr, i), *mds = NULL;
        char *w = arena_printf(&l->arena, "coherence.paires[%zu]", i);

        if (!json_is_object(pj))
            return fail(c, w, "un objet est attendu");
        if (check_keys(c, pj, w, pair_keys) < 0 ||
            find_def(c, json_object_get(pj, "departement"), w, &p->dept) < 0 ||
            get_array(c, pj, "mds", w, &mds) < 0)
            return -1;
        p->nmds = json_array_size(mds);
        p->mds = arena_calloc(&l->arena, p->nmds, sizeof(*p->mds));
        for (size_t k = 0; k < p->nmds; k++) {
            char *wk = arena_printf(&l->arena, "%s.mds[%zu]", w, k);
            if (find_def(c, json_array_get(mds, k), wk, &p->mds[k]) < 0)
                return -1;
            if (c->d->defs[p->mds[k]].unit != c->d->defs[p->dept].unit)
                return fail(c, wk, "« %s » n'a pas la même unité que « %s »",
                            c->d->defs[p->mds[k]].code, c->d->defs[p->dept].code);
        }
    }
    return 0;
}

int report_layout_parse(struct report_layout *l, const char *data, size_t n, const char *name,
                        const struct indic_dict *d, struct err *e)
{
    static const char *const keys[] = {"version",     "collectivite", "titre",     "sections",
                                       "territoires", "mds",          "coherence", NULL};
    struct lctx c = {l, d, name, e};
    json_t *root, *v;
    int rc = -1;

    memset(l, 0, sizeof(*l));
    arena_init(&l->arena, 0);
    root = json_parse(data, n, name, 0, e);
    if (!root)
        goto out;
    if (!json_is_object(root)) {
        fail(&c, "racine", "un objet JSON est attendu");
        goto out;
    }
    if (check_keys(&c, root, "racine", keys) < 0)
        goto out;
    v = json_object_get(root, "version");
    if (!json_is_integer(v) || json_integer_value(v) != 1) {
        fail(&c, "racine", "« version » doit valoir 1");
        goto out;
    }
    if (get_text(&c, root, "collectivite", "racine", &l->collectivite) < 0 ||
        get_text(&c, root, "titre", "racine", &l->title) < 0 || parse_sections(&c, root) < 0 ||
        parse_territories(&c, root) < 0 || parse_mds(&c, root) < 0 || parse_pairs(&c, root) < 0)
        goto out;
    rc = 0;
out:
    json_decref(root);
    if (rc < 0) {
        arena_release(&l->arena);
        memset(l, 0, sizeof(*l));
    }
    return rc;
}

int report_layout_load(struct report_layout *l, const char *path, const struct indic_dict *d,
                       struct err *e)
{
    struct strbuf sb;
    int rc;

    strbuf_init(&sb, 0);
    rc = file_read_all(path, &sb, LAYOUT_MAX_SIZE, e);
    if (rc == 0)
        rc = report_layout_parse(l, sb.buf, sb.len, path, d, e);
    strbuf_release(&sb);
    return rc;
}

void report_layout_release(struct report_layout *l)
{
    arena_release(&l->arena);
    memset(l, 0, sizeof(*l));
}

/*
 * dossier_op.c: the operations that open a dossier and move it through its
 * workflow (case_dossier_open, case_dossier_op). They resolve what the agent
 * left out (the site from the dispositif's site rule, identifiers, the
 * session's date for a decision in commission), check the user's rights on
 * the dossier's site and class and the transition's roles, build the event's
 * payload and hand it to case_emit, whose apply function (dossier.c,
 * decision.c) validates everything else.
 */
#include "core/compat.h"
#include "case/dossier_int.h"

#include "core/money.h"
#include "core/strbuf.h"
#include "ref/ref.h"

/* The area of grid a commune belongs to on day, NULL if none. */
static const char *commune_area(struct case_ctx *c, const char *grid, const char *commune,
                                const char *day, struct err *e)
{
    struct store_stmt *q = store_prepare(c->store,
                                         "SELECT area FROM ref_assignment WHERE grid = ? AND "
                                         "commune = ? AND valid_from <= ? AND (valid_to IS NULL "
                                         "OR valid_to >= ?)",
                                         e);
    const char *area = NULL;

    if (!q)
        return NULL;
    store_bind_text(q, 1, grid);
    store_bind_text(q, 2, commune);
    store_bind_text(q, 3, day);
    store_bind_text(q, 4, day);
    if (store_step(q, e) == STORE_ROW)
        area = arena_strdup(c->arena, store_column_text(q, 0));
    store_finalize(q);
    return area;
}

/* The person's commune on day, NULL if no address then. */
static const char *person_commune(struct case_ctx *c, const char *person, const char *day,
                                  struct err *e)
{
    return case_query_text(c,
                           "SELECT commune FROM person_address WHERE person = ? AND "
                           "valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)",
                           person, day, day, e);
}

/* The demandeur of a household on day, NULL if none. */
static const char *household_applicant(struct case_ctx *c, const char *household, const char *day,
                                       struct err *e)
{
    return case_query_text(
        c,
        "SELECT person FROM household_member WHERE household = ? AND role = 'demandeur' "
        "AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?) ORDER BY valid_from DESC",
        household, day, day, e);
}

/* The commune a site rule follows: the beneficiary's (or its person's) on day. */
static const char *beneficiary_commune(struct case_ctx *c, const struct catalog_dispositif *d,
                                       const char *benef, const char *person, const char *day,
                                       struct err *e)
{
    struct store_stmt *q;
    const char *commune = NULL;

    switch (d->beneficiary) {
    case BENEF_COMMUNE:
        return benef;
    case BENEF_ORGANISATION:
        q = store_prepare(c->store, "SELECT commune FROM organisation WHERE id = ?", e);
        if (!q)
            return NULL;
        store_bind_text(q, 1, benef);
        if (store_step(q, e) == STORE_ROW && !store_column_is_null(q, 0))
            commune = arena_strdup(c->arena, store_column_text(q, 0));
        store_finalize(q);
        return commune;
    default:
        return person ? person_commune(c, person, day, e) : NULL;
    }
}

/* "grid:area" of the area of grid holding the beneficiary's commune on day. */
static const char *commune_site(struct case_ctx *c, const struct catalog_dispositif *d,
                                const char *grid, const char *benef, const char *person,
                                const char *day, struct err *e)
{
    const char *commune = beneficiary_commune(c, d, benef, person, day, e), *area;

    if (e->code != ERR_OK)
        return NULL;
    area = commune ? commune_area(c, grid, commune, day, e) : NULL;
    if (e->code != ERR_OK)
        return NULL;
    if (!area) {
        err_set(e, ERR_INVALID, "site compétent introuvable (%s) pour le bénéficiaire %s au %s",
                grid, benef, day);
        err_detail(e, "commune %s", commune ? commune : "inconnue");
        err_hint(e, "précisez le site avec --site");
        return NULL;
    }
    return arena_printf(c->arena, "%s:%s", grid, area);
}

/*
 * The site of a new dossier from its dispositif's site rule, as "grid:code".
 * person is the person the rule follows (the beneficiary or the household's
 * applicant), NULL if none.
 */
static const char *resolve_site(struct case_ctx *c, const struct catalog_dispositif *d,
                                const char *benef, const char *person, const char *day,
                                struct err *e)
{
    const char *grid, *code, *list, *area;
    size_t n;

    switch (d->site_rule) {
    case SITE_CENTRAL:
        return "central:dsol";
    case SITE_AGENT:
        n = case_user_sites(c, "dossier.ecrire", &grid, &code, &list);
        if (n == 1)
            return arena_printf(c->arena, "%s:%s", grid, code);
        if (n == 0) {
            err_set(e, ERR_INVALID,
                    "dispositif %s : le dossier est rattaché au site de l'agent, et aucun n'est "
                    "connu",
                    d->code);
            err_hint(e, "précisez le site avec --site (ex. mds:calaisis)");
            return NULL;
        }
        err_set(e, ERR_INVALID,
                "dispositif %s : vous avez des droits sur plusieurs sites (%s), lequel traite le "
                "dossier ?",
                d->code, list);
        err_hint(e, "précisez le site avec --site");
        return NULL;
    case SITE_MDS_RESIDENCE:
        if (d->beneficiary == BENEF_PERSONNE || d->beneficiary == BENEF_FOYER) {
            area = person ? case_person_mds(c, person, day, e) : NULL;
            if (e->code != ERR_OK)
                return NULL;
            if (!area) {
                if (person)
                    err_set(e, ERR_INVALID,
                            "MDS compétente introuvable : la personne %s n'a pas d'adresse "
                            "connue au %s",
                            person, day);
                else
                    err_set(e, ERR_INVALID,
                            "MDS compétente introuvable : le foyer %s n'a pas de demandeur au %s",
                            benef, day);
                err_hint(e, "enregistrez l'adresse, ou précisez le site avec --site");
                return NULL;
            }
            return arena_printf(c->arena, "mds:%s", area);
        }
        /* an organisation or a commune: the MDS of its commune */
        return commune_site(c, d, REF_GRID_MDS, benef, person, day, e);
    case SITE_MDADT_COMMUNE:
        return commune_site(c, d, REF_GRID_MDADT, benef, person, day, e);
    }
    err_set(e, ERR_INTERNAL, "règle de site inconnue");
    return NULL;
}

/*
 * Does the beneficiary exist? Checked again, fully, when the event is
 * applied; here so that the site is not looked for on a typo.
 */
static int beneficiary_known(struct case_ctx *c, const struct catalog_dispositif *d,
                             const char *benef, struct err *e)
{
    static const char *const sql[] = {
        [BENEF_FOYER] = "SELECT 1 FROM household WHERE id = ?",
        [BENEF_ORGANISATION] = "SELECT 1 FROM organisation WHERE id = ?",
    };
    bool found;

    if (d->beneficiary == BENEF_PERSONNE)
        return case_person_exists(c, "bénéficiaire", benef, e);
    if (d->beneficiary != BENEF_FOYER && d->beneficiary != BENEF_ORGANISATION)
        return 0;
    if (dossier_exists(c, sql[d->beneficiary], &found, e, benef, (const char *)NULL) != 0)
        return -1;
    if (!found) {
        err_set(e, ERR_NOT_FOUND, "bénéficiaire : %s inconnu « %s »",
                d->beneficiary == BENEF_FOYER ? "foyer" : "organisme", benef);
        return err_hint(e, "le dispositif %s s'adresse à un bénéficiaire de type « %s »", d->code,
                        catalog_beneficiary_code(d->beneficiary));
    }
    return 0;
}

/* The date of an operation, checked before it is used to look anything up. */
static int check_date(const char *date, struct err *e)
{
    date_t day;

    if (date_parse_iso(date, strlen(date), &day, e) != 0) {
        err_prefix(e, "date : ");
        return -1;
    }
    return 0;
}

/* Today as ISO text in the arena. */
static const char *today_iso(struct case_ctx *c)
{
    char buf[DATE_ISO_LEN];

    date_format_iso(c->today, buf);
    return arena_strdup(c->arena, buf);
}

/* The transition to check roles against: only when the workflow names roles. */
static const struct catalog_transition *role_transition(const struct catalog_transition *t)
{
    return t && t->nroles > 0 ? t : NULL;
}

static int open_dossier(struct case_ctx *c, const struct case_open_input *in, const char **id,
                        struct err *e)
{
    const struct catalog_dispositif *d;
    const struct catalog_transition *t;
    const char *date, *site, *person, *grid, *code, *did;
    json_t *p;
    int rc;

    *id = NULL;
    if (!in->dispositif || !*in->dispositif)
        return err_set(e, ERR_INVALID, "dispositif obligatoire pour ouvrir un dossier");
    if (!in->beneficiary || !*in->beneficiary)
        return err_set(e, ERR_INVALID, "bénéficiaire obligatoire pour ouvrir un dossier");
    d = catalog_find(c->cat, in->dispositif);
    if (!d) {
        err_set(e, ERR_NOT_FOUND, "dispositif inconnu : « %s »", in->dispositif);
        return err_hint(e, "« proxima catalogue list » donne les dispositifs");
    }
    if (d->nature == NATURE_ACTE || !d->workflow) {
        err_set(e, ERR_INVALID, "le dispositif %s (%s) est un acte : pas de dossier", d->code,
                d->label);
        return err_hint(e, "un acte s'enregistre avec « proxima act record »");
    }
    date = in->date ? in->date : today_iso(c);
    if (check_date(date, e) != 0)
        return -1;
    if (beneficiary_known(c, d, in->beneficiary, e) != 0)
        return -1;
    person = in->person;
    if (person && d->beneficiary != BENEF_PERSONNE && d->beneficiary != BENEF_FOYER)
        return err_set(e, ERR_INVALID,
                       "dispositif %s : un dossier dont le bénéficiaire est de type « %s » ne "
                       "porte pas de personne (%s)",
                       d->code, catalog_beneficiary_code(d->beneficiary), person);
    if (person && d->beneficiary == BENEF_PERSONNE && strcmp(person, in->beneficiary) != 0)
        return err_set(e, ERR_INVALID,
                       "dispositif %s : la personne (%s) est le bénéficiaire (%s) ; ne donnez "
                       "que le bénéficiaire",
                       d->code, person, in->beneficiary);
    if (d->beneficiary == BENEF_PERSONNE)
        person = in->beneficiary;
    else if (d->beneficiary == BENEF_FOYER && !person)
        /* the household's applicant: the competent MDS and the rules follow them */
        person = household_applicant(c, in->beneficiary, date, e);
    if (e->code != ERR_OK)
        return -1;
    site = in->site ? in->site : resolve_site(c, d, in->beneficiary, person, date, e);
    if (!site || case_site_parse(c, site, &grid, &code, e) != 0)
        return -1;
    t = catalog_transition(d, OP_OUVRIR, NULL, e);
    if (!t)
        return -1;
    did = in->id ? in->id : case_id_next(c, 'D', e);
    if (!did)
        return -1;
    if (case_authorize(c, "dossier.ecrire", grid, code, d->data_class, "dossier", did, person,
                       role_transition(t), "ecriture", e) != 0)
        return -1;

    p = json_object();
    json_object_set_new(p, "id", json_string(did));
    json_object_set_new(p, "dispositif", json_string(d->code));
    json_object_set_new(p, "beneficiaire_type",
                        json_string(catalog_beneficiary_code(d->beneficiary)));
    json_object_set_new(p, "beneficiaire", json_string(in->beneficiary));
    if (person && (d->beneficiary == BENEF_PERSONNE || d->beneficiary == BENEF_FOYER))
        json_object_set_new(p, "personne", json_string(person));
    if (d->beneficiary == BENEF_FOYER)
        json_object_set_new(p, "foyer", json_string(in->beneficiary));
    json_object_set_new(p, "site", json_string(site));
    json_object_set_new(p, "date", json_string(date));
    if (in->facts)
        json_object_set(p, "faits", in->facts);
    rc = case_emit(c, "dossier.opened", p, NULL, e);
    json_decref(p);
    if (rc == 0)
        *id = arena_strdup(c->arena, did);
    return rc;
}

/* Euros typed by an agent ("150,00") to the payload's plain form ("150.00"). */
static int money_field(struct case_ctx *c, json_t *p, const char *field, const char *text,
                       struct err *e)
{
    int64_t cents;
    struct strbuf sb;

    if (money_parse(text, strlen(text), &cents, e) != 0) {
        err_prefix(e, "%s : ", field);
        return -1;
    }
    strbuf_init(&sb, 64);
    money_format_plain(&sb, cents);
    json_object_set_new(p, field, json_string(sb.buf));
    strbuf_release(&sb);
    return 0;
}

/* Add the op's own fields of in to payload p. */
static int op_payload(struct case_ctx *c, const struct dossier_row *r, enum catalog_op op,
                      const struct case_op_input *in, json_t *p, struct err *e)
{
    switch (op) {
    case OP_DEMANDER_PIECES:
        /* case_op_input has no list of documents: a JSON array in facts is that list */
        if (in->facts && json_is_array(in->facts))
            json_object_set(p, "pieces", in->facts);
        break;
    case OP_COMPLETER:
    case OP_INSTRUIRE:
        if (in->facts)
            json_object_set(p, "faits", in->facts);
        break;
    case OP_INSCRIRE_COMMISSION:
        if (in->session)
            json_object_set_new(p, "seance", json_string(in->session));
        break;
    case OP_DECIDER:
        if (in->outcome)
            json_object_set_new(p, "decision", json_string(in->outcome));
        if (in->amount && money_field(c, p, "montant", in->amount, e) != 0)
            return -1;
        if (in->right_from)
            json_object_set_new(p, "droit_du", json_string(in->right_from));
        if (in->right_to)
            json_object_set_new(p, "droit_au", json_string(in->right_to));
        if (in->session || r->session)
            json_object_set_new(p, "seance", json_string(in->session ? in->session : r->session));
        break;
    case OP_PAYER: {
        const char *vid = in->payment_id ? in->payment_id : case_id_next(c, 'V', e);
        if (!vid)
            return -1;
        json_object_set_new(p, "versement", json_string(vid));
        if (in->amount && money_field(c, p, "montant", in->amount, e) != 0)
            return -1;
        break;
    }
    default:
        break;
    }
    return 0;
}

static int dossier_op(struct case_ctx *c, const char *dossier, enum catalog_op op,
                      const struct case_op_input *in, struct err *e)
{
    struct dossier_row r;
    const struct catalog_transition *t;
    const char *date;
    json_t *p;
    int rc;

    if (op <= OP_OUVRIR || op >= OP__COUNT)
        return err_set(e, ERR_INVALID, "opération invalide sur un dossier existant");
    if (dossier_row_load(c, dossier, &r, e) != 0)
        return -1;
    if (!r.disp)
        return err_set(e, ERR_CONFLICT, "le dispositif %s du dossier %s n'est plus au catalogue",
                       r.dispositif, dossier);
    t = catalog_transition(r.disp, op, r.state, e);
    if (!t) {
        /* say why only to someone who may work on the dossier */
        struct err conflict = *e;
        err_clear(e);
        if (case_authorize(c, "dossier.ecrire", r.site_grid, r.site_code, r.data_class, "dossier",
                           r.id, r.person, NULL, NULL, e) != 0)
            return -1;
        *e = conflict;
        return err_detail(e, "dossier %s (%s), état « %s »", r.id, r.dispositif, r.state);
    }
    /* an elected member chairing a commission decides the dossiers on its
       agenda without any other right on dossiers */
    if (case_authorize(c,
                       op == OP_DECIDER && r.session ? "commission.presider" : "dossier.ecrire",
                       r.site_grid, r.site_code, r.data_class, "dossier", r.id, r.person,
                       role_transition(t), "ecriture", e) != 0)
        return -1;

    date = in->date;
    if (!date && op == OP_DECIDER && r.session) {
        /* a dossier on a session's agenda is decided on the session's date */
        struct dossier_session s;
        if (dossier_session_load(c, r.session, &s, e) != 0)
            return -1;
        date = s.date;
    }
    p = json_object();
    json_object_set_new(p, "dossier", json_string(r.id));
    json_object_set_new(p, "date", json_string(date ? date : today_iso(c)));
    if (in->motive && *in->motive)
        json_object_set_new(p, "motif", json_string(in->motive));
    rc = op_payload(c, &r, op, in, p, e);
    if (rc == 0)
        rc = case_emit(c, case_op_event(op), p, NULL, e);
    json_decref(p);
    return rc;
}

int case_dossier_open(struct case_ctx *c, const struct case_open_input *in, const char **id,
                      struct err *e)
{
    bool own;

    *id = NULL;
    if (case_tx_begin(c, &own, e) != 0)
        return -1;
    if (case_tx_end(c, own, open_dossier(c, in, id, e), e) != 0) {
        *id = NULL;
        return -1;
    }
    return 0;
}

int case_dossier_op(struct case_ctx *c, const char *dossier, enum catalog_op op,
                    const struct case_op_input *in, struct err *e)
{
    bool own;

    if (case_tx_begin(c, &own, e) != 0)
        return -1;
    return case_tx_end(c, own, dossier_op(c, dossier, op, in, e), e);
}

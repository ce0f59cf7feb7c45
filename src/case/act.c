/*
 * act.c: acts, the punctual activity that has no dossier (a visitor at the
 * MDS desk, a phone call, a PMI consultation, a school health check). An
 * act is one event, act.recorded, applied to one row of the act table; it
 * counts in the territory of its site and carries the agent who recorded it.
 *
 * Whether an act names a person follows its dispositif: a "personne" act
 * (PMI consultation) must name one, an anonymous act ("aucun": reception,
 * CPEF consultation, whose anonymity the catalogue guarantees) must not.
 */
#include "core/compat.h"
#include "case/dossier_int.h"

/*
 * The checks an act.recorded made before the one that failed, which the
 * apply function leaves to the schema when all goes well (the act's
 * primary key, the person's foreign key): when a later check refuses the
 * event, the earlier ones are asked first, so that the refusal is the one
 * they would have given. 0 when none of them refuses (e untouched).
 */
static int earlier_refusal(struct case_ctx *c, const char *id, const char *person,
                           bool person_checked_before, struct err *e)
{
    struct err probe;
    bool found = false;

    err_clear(&probe);
    if (dossier_exists(c, "SELECT 1 FROM act WHERE id = ?", &found, &probe, id,
                       (const char *)NULL) != 0) {
        *e = probe;
        return -1;
    }
    if (found)
        return err_set(e, ERR_CONFLICT, "l'acte %s existe déjà", id);
    if (person_checked_before && person && case_person_exists(c, "personne", person, &probe) != 0) {
        *e = probe;
        return -1;
    }
    return 0;
}

int case_apply_act_recorded(struct case_ctx *c, json_t *p, int64_t seq, struct err *e)
{
    const char *id, *code, *date, *site, *person, *grid, *scode;
    date_t day;
    json_t *facts = json_object_get(p, "faits");
    const struct catalog_dispositif *d;
    struct store_stmt *q;
    struct err refused;

    if (case_get_str(c, p, "id", true, &id, e) ||
        case_get_str(c, p, "dispositif", true, &code, e) ||
        case_get_date(c, p, "date", true, &date, &day, e) ||
        case_get_str(c, p, "site", true, &site, e) ||
        case_get_str(c, p, "personne", false, &person, e))
        return -1;
    if (json_is_null(facts))
        facts = NULL;
    d = catalog_find(c->cat, code);
    if (!d) {
        err_set(e, ERR_NOT_FOUND, "dispositif inconnu : « %s »", code);
        return err_hint(e, "« proxima catalogue list » donne les dispositifs");
    }
    if (d->nature != NATURE_ACTE) {
        err_set(e, ERR_INVALID, "le dispositif %s (%s) est de nature « %s » : ce n'est pas un acte",
                d->code, d->label, catalog_nature_code(d->nature));
        return err_hint(e, "ouvrez un dossier avec « proxima dossier open »");
    }
    /* an act already recorded is refused by the insert, see earlier_refusal */
    if (case_site_parse(c, site, &grid, &scode, e) != 0) {
        earlier_refusal(c, id, NULL, false, e);
        return -1;
    }
    if (d->beneficiary == BENEF_AUCUN && person) {
        err_set(e, ERR_INVALID, "l'acte %s (%s) est anonyme : il ne nomme pas de personne", d->code,
                d->label);
        err_hint(e, "enregistrez-le sans personne");
        earlier_refusal(c, id, NULL, false, e);
        return -1;
    }
    if (d->beneficiary == BENEF_PERSONNE && !person) {
        err_set(e, ERR_INVALID,
                "l'acte %s (%s) concerne une personne : « personne » est obligatoire", d->code,
                d->label);
        err_hint(e, "précisez la personne avec --personne");
        earlier_refusal(c, id, NULL, false, e);
        return -1;
    }
    /* an act is recorded once, complete: every required fact (an unknown
       person is refused by the insert, see earlier_refusal) */
    if (case_check_facts(c, d, facts, true, e) != 0) {
        earlier_refusal(c, id, person, true, e);
        return -1;
    }

    q = store_prepare(c->store,
                      "INSERT INTO act(id, dispositif, act_date, site_grid, site_code, agent, "
                      "person, data_class, facts, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, id);
    store_bind_text_static(q, 2, d->code);
    store_bind_text_static(q, 3, date);
    store_bind_text_static(q, 4, grid);
    store_bind_text_static(q, 5, scode);
    store_bind_text_static(q, 6, c->actor);
    store_bind_text_static(q, 7, person);
    store_bind_text_static(q, 8, catalog_class_code(d->data_class));
    store_bind_text_static(q, 9, facts ? case_member_text(c, p, "faits") : "{}");
    store_bind_int64(q, 10, seq);
    err_clear(&refused);
    if (store_step_done(q, &refused) != 0) {
        if (refused.code == ERR_DB || refused.code == ERR_IO ||
            earlier_refusal(c, id, person, true, e) == 0)
            *e = refused;
        return -1;
    }
    return case_id_observe(c, 'A', id, e);
}

static int record_act(struct case_ctx *c, const struct case_act_input *in, const char **id,
                      struct err *e)
{
    const struct catalog_dispositif *d;
    const char *date, *site = in->site, *grid, *code, *list = NULL, *aid;
    char today[DATE_ISO_LEN];
    json_t *p;
    int rc;

    *id = NULL;
    if (!in->dispositif || !*in->dispositif)
        return err_set(e, ERR_INVALID, "dispositif obligatoire pour enregistrer un acte");
    d = catalog_find(c->cat, in->dispositif);
    if (!d) {
        err_set(e, ERR_NOT_FOUND, "dispositif inconnu : « %s »", in->dispositif);
        return err_hint(e, "« proxima catalogue list » donne les dispositifs");
    }
    if (d->nature != NATURE_ACTE) {
        err_set(e, ERR_INVALID, "le dispositif %s (%s) est de nature « %s » : ce n'est pas un acte",
                d->code, d->label, catalog_nature_code(d->nature));
        return err_hint(e, "ouvrez un dossier avec « proxima dossier open »");
    }
    date_format_iso(c->today, today);
    date = in->date ? in->date : arena_strdup(c->arena, today);
    {
        date_t day;
        if (date_parse_iso(date, strlen(date), &day, e) != 0) {
            err_prefix(e, "date de l'acte : ");
            return -1;
        }
    }

    /* the site: given, else the agent's only site, else the person's MDS */
    if (!site && case_user_sites(c, "acte.enregistrer", &grid, &code, &list) == 1)
        site = arena_printf(c->arena, "%s:%s", grid, code);
    if (!site && in->person) {
        const char *mds = case_person_mds(c, in->person, date, e);
        if (e->code != ERR_OK)
            return -1;
        if (mds)
            site = arena_printf(c->arena, "mds:%s", mds);
    }
    if (!site) {
        err_set(e, ERR_INVALID, "acte %s : le site où il a eu lieu est obligatoire", d->code);
        if (list && *list)
            err_detail(e, "vos sites : %s", list);
        return err_hint(e, "précisez le site avec --site (ex. mds:calaisis)");
    }
    if (case_site_parse(c, site, &grid, &code, e) != 0)
        return -1;
    aid = in->id ? in->id : case_id_next(c, 'A', e);
    if (!aid)
        return -1;
    if (case_authorize(c, "acte.enregistrer", grid, code, d->data_class, "acte", aid, in->person,
                       NULL, in->person ? "ecriture" : NULL, e) != 0)
        return -1;

    p = json_object();
    json_object_set_new(p, "id", json_string(aid));
    json_object_set_new(p, "dispositif", json_string(d->code));
    json_object_set_new(p, "date", json_string(date));
    json_object_set_new(p, "site", json_string(site));
    if (in->person)
        json_object_set_new(p, "personne", json_string(in->person));
    if (in->facts)
        json_object_set(p, "faits", in->facts);
    rc = case_emit(c, "act.recorded", p, NULL, e);
    json_decref(p);
    if (rc == 0)
        *id = arena_strdup(c->arena, aid);
    return rc;
}

int case_act_record(struct case_ctx *c, const struct case_act_input *in, const char **id,
                    struct err *e)
{
    bool own;

    *id = NULL;
    if (case_tx_begin(c, &own, e) != 0)
        return -1;
    if (case_tx_end(c, own, record_act(c, in, id, e), e) != 0) {
        *id = NULL;
        return -1;
    }
    return 0;
}

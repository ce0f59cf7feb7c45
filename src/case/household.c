/*
 * household.c: households (foyers) and organisations. The apply functions of
 * household.created, household.member_added, household.member_left and
 * organisation.created, and their operations in case.h.
 *
 * Membership is dated like addresses: household_member holds one row per
 * stay of a person in a household, [valid_from, valid_to] inclusive,
 * valid_to NULL while the person is a member. A departure on day D ends the
 * stay on D - 1 (the person is no longer a member on D), so a person may
 * come back from D on. A household has at most one demandeur at any date.
 */
#include "core/compat.h"
#include "case/person_int.h"

#include "core/strbuf.h"
#include "ref/ref.h"

/* ---- look-ups ---------------------------------------------------------- */

/* A household's creation date, or ERR_NOT_FOUND naming it. */
static int household_day(struct case_ctx *c, const char *household, date_t *day, struct err *e)
{
    struct store_stmt *q =
        store_prepare(c->store, "SELECT created_on FROM household WHERE id = ?", e);
    int rc;

    if (!q)
        return -1;
    store_bind_text_static(q, 1, household);
    rc = store_step(q, e);
    if (rc == STORE_ROW) {
        const char *iso = store_column_text(q, 0);
        rc = date_parse_iso(iso, strlen(iso), day, e) == 0 ? STORE_ROW : -1;
    }
    store_finalize(q);
    if (rc < 0)
        return -1;
    if (rc != STORE_ROW) {
        err_set(e, ERR_NOT_FOUND, "foyer inconnu : « %s »", household);
        return err_hint(e, "un foyer se crée avec « proxima household create »");
    }
    return 0;
}

/* A row one look-up missed and the next one found: not expected inside a transaction. */
static int household_gone(const char *id, struct err *e)
{
    return err_set(e, ERR_INTERNAL, "« %s » lu différemment par deux requêtes (bogue)", id);
}

/* A nullable text column as an arena copy, NULL for SQL NULL. */
static const char *col_text(struct case_ctx *c, struct store_stmt *q, int i)
{
    return store_column_is_null(q, i) ? NULL : arena_strdup(c->arena, store_column_text(q, i));
}

/* ---- household.created ------------------------------------------------- */

int case_apply_household_created(struct case_ctx *c, json_t *p, int64_t seq, struct err *e)
{
    const char *id, *label, *iso;
    struct store_stmt *q;
    struct err refused;
    date_t day;

    (void)seq;
    if (case_get_str(c, p, "id", true, &id, e) != 0 ||
        case_get_str(c, p, "libelle", true, &label, e) != 0 ||
        case_get_date(c, p, "date", true, &iso, &day, e) != 0 ||
        person_text_check("libelle", label, PERSON_LABEL_MAX, true, e) != 0)
        return -1;
    /* the primary key refuses a second household with this id */
    q = store_prepare(c->store, "INSERT INTO household(id, label, created_on) VALUES (?, ?, ?)", e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, id);
    store_bind_text_static(q, 2, label);
    store_bind_text_static(q, 3, iso);
    err_clear(&refused);
    if (store_step_done(q, &refused) != 0) {
        if (refused.code == ERR_CONFLICT &&
            case_query_text(c, "SELECT id FROM household WHERE id = ?", id, NULL, NULL, e)) {
            err_set(e, ERR_CONFLICT, "le foyer %s existe déjà", id);
            return err_hint(e, "laissez proxima attribuer l'identifiant");
        }
        *e = refused;
        return -1;
    }
    if (c->bulk)
        case_bulk_household_put(c->bulk, id, day);
    return case_id_observe(c, 'F', id, e);
}

/* ---- household.member_added -------------------------------------------- */

/*
 * Refuse a new stay of person in household because of the stay found by
 * arrival_read (from, and to: NULL when current), saying which.
 */
static int overlapping_stay(struct case_ctx *c, const char *household, const char *person,
                            const char *from_iso, const char *to_iso, struct err *e)
{
    date_t from = 0, to = 0;

    if (date_parse_iso(from_iso, strlen(from_iso), &from, e) != 0 ||
        (to_iso && date_parse_iso(to_iso, strlen(to_iso), &to, e) != 0))
        return -1;
    if (!to_iso) {
        err_set(e, ERR_CONFLICT, "%s est déjà membre du foyer %s (depuis le %s)", person, household,
                person_date_fr(c->arena, from));
        return err_hint(e, "une personne n'est membre d'un foyer qu'une fois à la fois ; "
                           "enregistrez d'abord son départ");
    }
    err_set(e, ERR_CONFLICT, "%s était déjà membre du foyer %s jusqu'au %s", person, household,
            person_date_fr(c->arena, to));
    return err_hint(e, "un retour dans le foyer commence au plus tôt le %s",
                    person_date_fr(c->arena, to + 1));
}

/* What an arrival is checked against (strings in the arena, NULL when none). */
struct arrival {
    const char *created;             /* the household's creation date */
    const char *birth;               /* the person's birth date */
    const char *stay_from, *stay_to; /* a stay current (to NULL) or ending on or after the day */
    const char *applicant;           /* role demandeur: the household's demandeur on the day */
};

/* One statement for every look-up of household.member_added. */
static int arrival_read(struct case_ctx *c, const char *household, const char *person,
                        const char *role, const char *iso, struct arrival *a, struct err *e)
{
    struct store_stmt *q = store_prepare(
        c->store,
        "SELECT (SELECT created_on FROM household WHERE id = ?1), "
        "(SELECT birth_date FROM person WHERE id = ?2), "
        "(SELECT valid_from FROM household_member WHERE household = ?1 AND person = ?2 "
        " AND (valid_to IS NULL OR valid_to >= ?3)), "
        "(SELECT COALESCE(valid_to, '') FROM household_member WHERE household = ?1 "
        " AND person = ?2 AND (valid_to IS NULL OR valid_to >= ?3)), "
        "CASE WHEN ?4 = 'demandeur' THEN (SELECT person FROM household_member "
        " WHERE household = ?1 AND role = 'demandeur' AND (valid_to IS NULL OR valid_to >= ?3)) "
        "END",
        e);
    int rc;

    memset(a, 0, sizeof(*a));
    if (!q)
        return -1;
    store_bind_text_static(q, 1, household);
    store_bind_text_static(q, 2, person);
    store_bind_text_static(q, 3, iso);
    store_bind_text_static(q, 4, role);
    rc = store_step(q, e);
    if (rc == STORE_ROW) {
        a->created = col_text(c, q, 0);
        a->birth = col_text(c, q, 1);
        a->stay_from = col_text(c, q, 2);
        a->stay_to = a->stay_from ? col_text(c, q, 3) : NULL;
        if (a->stay_to && !*a->stay_to)
            a->stay_to = NULL;
        a->applicant = col_text(c, q, 4);
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/*
 * During an import or a replay: true when the bulk knows the household and
 * the person (both created in the transaction: every stay of the household
 * is in it) and nothing there stands in the way of the arrival, which
 * arrival_read would then confirm. false when it does not know them, or
 * when something would refuse the arrival: arrival_read and the checks
 * below word it as without a bulk.
 */
static bool arrival_clear(struct case_ctx *c, struct case_bulk_household *h, const char *person,
                          const char *role, const char *iso, date_t day)
{
    const date_t *birth;
    bool applicant = !strcmp(role, "demandeur");

    if (!h || !(birth = case_bulk_person_birth(c->bulk, person)) || day < h->created ||
        day < *birth)
        return false;
    /* as arrival_read's sub-queries: a stay current or ending on or after day (ISO text
       compared as SQLite compares it), the household's demandeur then */
    for (const struct case_bulk_stay *s = h->stays; s; s = s->next)
        if ((!s->to || strcmp(s->to, iso) >= 0) &&
            (!strcmp(s->person, person) || (applicant && s->applicant)))
            return false;
    return true;
}

int case_apply_household_member_added(struct case_ctx *c, json_t *p, int64_t seq, struct err *e)
{
    const char *household, *person, *role, *iso;
    date_t day, created, birth;
    struct arrival a;
    struct store_stmt *q;
    struct case_bulk_household *h = NULL;

    (void)seq;
    if (case_get_str(c, p, "foyer", true, &household, e) != 0 ||
        case_get_str(c, p, "personne", true, &person, e) != 0 ||
        case_get_str(c, p, "role", true, &role, e) != 0 ||
        case_get_date(c, p, "date", true, &iso, &day, e) != 0)
        return -1;
    if (!person_role_valid(role)) {
        err_set(e, ERR_INVALID, "rôle « %s » inconnu dans un foyer", role);
        return err_hint(e, "rôles possibles : demandeur, conjoint, enfant, autre");
    }
    if (c->bulk)
        h = case_bulk_household_get(c->bulk, household);
    if (c->bulk && arrival_clear(c, h, person, role, iso, day))
        goto insert;
    if (arrival_read(c, household, person, role, iso, &a, e) != 0)
        return -1;
    /* an unknown household or person: the look-ups of one word it */
    if (!a.created)
        return household_day(c, household, &created, e) != 0 ? -1 : household_gone(household, e);
    if (!a.birth)
        return person_birth_date(c, person, &birth, e) != 0 ? -1 : household_gone(person, e);
    if (date_parse_iso(a.created, strlen(a.created), &created, e) != 0 ||
        date_parse_iso(a.birth, strlen(a.birth), &birth, e) != 0)
        return -1;
    if (day < created) {
        err_set(e, ERR_INVALID,
                "entrée de %s dans le foyer %s le %s, avant la création du foyer (%s)", person,
                household, person_date_fr(c->arena, day), person_date_fr(c->arena, created));
        return err_hint(e, "la date d'entrée doit suivre la création du foyer");
    }
    if (day < birth)
        return err_set(e, ERR_INVALID, "entrée de %s dans le foyer %s le %s, avant sa naissance",
                       person, household, person_date_fr(c->arena, day));
    /* a stay of this person in this household that is current or ends on or after day */
    if (a.stay_from)
        return overlapping_stay(c, household, person, a.stay_from, a.stay_to, e);
    if (a.applicant) {
        err_set(e, ERR_CONFLICT, "le foyer %s a déjà un demandeur : %s", household, a.applicant);
        return err_hint(e,
                        "un foyer n'a qu'un demandeur à la fois ; enregistrez d'abord le "
                        "départ de %s, ou donnez un autre rôle",
                        a.applicant);
    }
insert:
    q = store_prepare(c->store,
                      "INSERT INTO household_member(household, person, role, valid_from, valid_to) "
                      "VALUES (?, ?, ?, ?, NULL)",
                      e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, household);
    store_bind_text_static(q, 2, person);
    store_bind_text_static(q, 3, role);
    store_bind_text_static(q, 4, iso);
    if (store_step_done(q, e) != 0)
        return -1;
    if (h)
        case_bulk_stay_add(c->bulk, h, person, !strcmp(role, "demandeur"), iso);
    return 0;
}

/* ---- household.member_left --------------------------------------------- */

int case_apply_household_member_left(struct case_ctx *c, json_t *p, int64_t seq, struct err *e)
{
    const char *household, *person, *iso, *from;
    char before[DATE_ISO_LEN];
    date_t day, created, start;
    struct store_stmt *q;
    struct case_bulk_household *h;

    (void)seq;
    if (case_get_str(c, p, "foyer", true, &household, e) != 0 ||
        case_get_str(c, p, "personne", true, &person, e) != 0 ||
        case_get_date(c, p, "date", true, &iso, &day, e) != 0 ||
        household_day(c, household, &created, e) != 0)
        return -1;
    from = case_query_text(c,
                           "SELECT valid_from FROM household_member WHERE household = ? "
                           "AND person = ? AND valid_to IS NULL",
                           household, person, NULL, e);
    if (!from) {
        if (e->code != ERR_OK)
            return -1;
        err_set(e, ERR_CONFLICT, "%s n'est pas membre actuel du foyer %s", person, household);
        return err_hint(e, "« proxima household show %s » liste ses membres", household);
    }
    if (date_parse_iso(from, strlen(from), &start, e) != 0)
        return -1;
    if (day <= start) {
        err_set(e, ERR_CONFLICT, "départ de %s du foyer %s le %s : entrée le %s seulement", person,
                household, person_date_fr(c->arena, day), person_date_fr(c->arena, start));
        return err_hint(e, "la date de départ doit suivre la date d'entrée");
    }
    date_format_iso(day - 1, before);
    q = store_prepare(c->store,
                      "UPDATE household_member SET valid_to = ? "
                      "WHERE household = ? AND person = ? AND valid_from = ?",
                      e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, before);
    store_bind_text_static(q, 2, household);
    store_bind_text_static(q, 3, person);
    store_bind_text_static(q, 4, from);
    if (store_step_done(q, e) != 0)
        return -1;
    if (c->bulk && (h = case_bulk_household_get(c->bulk, household)) != NULL)
        case_bulk_stay_end(c->bulk, h, person, from, before);
    return 0;
}

/* ---- organisation.created ---------------------------------------------- */

int case_apply_organisation_created(struct case_ctx *c, json_t *p, int64_t seq, struct err *e)
{
    const char *id, *name, *siret, *rna, *commune, *iso, *other;
    struct store_stmt *q;
    date_t day;

    (void)seq;
    if (case_get_str(c, p, "id", true, &id, e) != 0 ||
        case_get_str(c, p, "nom", true, &name, e) != 0 ||
        case_get_str(c, p, "siret", false, &siret, e) != 0 ||
        case_get_str(c, p, "rna", false, &rna, e) != 0 ||
        case_get_str(c, p, "commune", false, &commune, e) != 0 ||
        case_get_date(c, p, "date", true, &iso, &day, e) != 0 ||
        person_text_check("nom", name, PERSON_LABEL_MAX, true, e) != 0)
        return -1;
    if ((siret && person_siret_check(siret, e) != 0) || (rna && person_rna_check(rna, e) != 0) ||
        (commune && person_commune_check(c, "commune", commune, day, e) != 0))
        return -1;
    if (case_query_text(c, "SELECT id FROM organisation WHERE id = ?", id, NULL, NULL, e)) {
        err_set(e, ERR_CONFLICT, "l'organisation %s existe déjà", id);
        return err_hint(e, "laissez proxima attribuer l'identifiant");
    }
    if (e->code == ERR_OK && siret &&
        (other = case_query_text(c, "SELECT id FROM organisation WHERE siret = ?", siret, NULL,
                                 NULL, e)) != NULL) {
        err_set(e, ERR_CONFLICT, "SIRET %s déjà enregistré pour l'organisation %s", siret, other);
        return err_hint(e, "utilisez l'organisation %s", other);
    }
    if (e->code == ERR_OK && rna &&
        (other = case_query_text(c, "SELECT id FROM organisation WHERE rna = ?", rna, NULL, NULL,
                                 e)) != NULL) {
        err_set(e, ERR_CONFLICT, "numéro RNA %s déjà enregistré pour l'organisation %s", rna,
                other);
        return err_hint(e, "utilisez l'organisation %s", other);
    }
    if (e->code != ERR_OK || case_id_observe(c, 'O', id, e) != 0)
        return -1;
    q = store_prepare(c->store,
                      "INSERT INTO organisation(id, name, siret, rna, commune, created_on) "
                      "VALUES (?, ?, ?, ?, ?, ?)",
                      e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, id);
    store_bind_text_static(q, 2, name);
    store_bind_text_static(q, 3, siret);
    store_bind_text_static(q, 4, rna);
    store_bind_text_static(q, 5, commune);
    store_bind_text_static(q, 6, iso);
    return store_step_done(q, e);
}

/* ---- operations -------------------------------------------------------- */

/* The agent's date, or today, as ISO text in the arena (checked by apply). */
static const char *op_day(struct case_ctx *c, const char *date)
{
    char today[DATE_ISO_LEN];

    if (date)
        return date;
    person_today_iso(c, today);
    return arena_strdup(c->arena, today);
}

int case_household_create(struct case_ctx *c, const char *id_or_null, const char *label,
                          const char *date, const char **id, struct err *e)
{
    const char *hid;
    json_t *p = NULL;
    bool own;
    int rc = -1;

    *id = NULL;
    if (case_tx_begin(c, &own, e) != 0)
        return -1;
    hid = id_or_null ? id_or_null : case_id_next(c, 'F', e);
    if (!hid || person_authorize_any(c, "personne.ecrire", "foyer", hid, NULL, e) != 0)
        goto out;
    p = json_object();
    if (person_put(p, "id", hid, e) != 0 ||
        person_put(p, "libelle", person_trim(c->arena, label), e) != 0 ||
        person_put(p, "date", op_day(c, date), e) != 0 ||
        case_emit(c, "household.created", p, NULL, e) != 0)
        goto out;
    *id = hid;
    rc = 0;
out:
    json_decref(p);
    return case_tx_end(c, own, rc, e);
}

/*
 * The site that decides for a change of membership: the person's competent
 * MDS today, else the MDS of the household's current demandeur.
 */
static const char *membership_mds(struct case_ctx *c, const char *household, const char *person,
                                  struct err *e)
{
    char today[DATE_ISO_LEN];
    const char *mds, *head;

    person_today_iso(c, today);
    mds = case_person_mds(c, person, today, e);
    if (mds || e->code != ERR_OK)
        return mds;
    head = case_query_text(c,
                           "SELECT person FROM household_member WHERE household = ? "
                           "AND role = 'demandeur' AND valid_to IS NULL",
                           household, NULL, NULL, e);
    return head ? case_person_mds(c, head, today, e) : NULL;
}

static int membership_op(struct case_ctx *c, const char *type, const char *household,
                         const char *person, const char *role, const char *date, struct err *e)
{
    const char *mds;
    json_t *p = NULL;
    bool own;
    int rc = -1;

    if (person_require("foyer", household, e) != 0 || person_require("personne", person, e) != 0 ||
        case_tx_begin(c, &own, e) != 0)
        return -1;
    mds = membership_mds(c, household, person, e);
    if (e->code != ERR_OK)
        goto out;
    if (case_authorize(c, "personne.ecrire", PERSON_SITE_GRID(mds), PERSON_SITE_CODE(mds),
                       CLASS_NONE, "foyer", household, person, NULL, "ecriture", e) != 0)
        goto out;
    p = json_object();
    if (person_put(p, "foyer", household, e) != 0 || person_put(p, "personne", person, e) != 0 ||
        person_put(p, "role", role, e) != 0 || person_put(p, "date", op_day(c, date), e) != 0)
        goto out;
    rc = case_emit(c, type, p, NULL, e);
out:
    json_decref(p);
    return case_tx_end(c, own, rc, e);
}

int case_household_add(struct case_ctx *c, const char *household, const char *person,
                       const char *role, const char *date, struct err *e)
{
    if (!role) {
        err_set(e, ERR_INVALID, "rôle dans le foyer manquant");
        return err_hint(e, "rôles possibles : demandeur, conjoint, enfant, autre");
    }
    return membership_op(c, "household.member_added", household, person, role, date, e);
}

int case_household_leave(struct case_ctx *c, const char *household, const char *person,
                         const char *date, struct err *e)
{
    return membership_op(c, "household.member_left", household, person, NULL, date, e);
}

/* SIRET as typed ("732 829 320 00074"): blanks removed. */
static const char *siret_normalize(struct arena *a, const char *s)
{
    size_t n = strlen(s), k = 0;
    char *out = arena_alloc(a, n + 1);

    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '.')
            out[k++] = s[i];
    out[k] = '\0';
    return out;
}

int case_organisation_create(struct case_ctx *c, const char *id_or_null, const char *name,
                             const char *siret, const char *rna, const char *commune,
                             const char *date, const char **id, struct err *e)
{
    const char *oid;
    char *rna_up = NULL;
    json_t *p = NULL;
    bool own;
    int rc = -1;

    *id = NULL;
    if (rna) {
        rna_up = arena_strdup(c->arena, person_trim(c->arena, rna));
        if (rna_up[0] == 'w')
            rna_up[0] = 'W';
    }
    if (case_tx_begin(c, &own, e) != 0)
        return -1;
    oid = id_or_null ? id_or_null : case_id_next(c, 'O', e);
    if (!oid || person_authorize_any(c, "personne.ecrire", "organisation", oid, NULL, e) != 0)
        goto out;
    p = json_object();
    if (person_put(p, "id", oid, e) != 0 ||
        person_put(p, "nom", person_trim(c->arena, name), e) != 0 ||
        person_put(p, "siret", siret ? siret_normalize(c->arena, siret) : NULL, e) != 0 ||
        person_put(p, "rna", rna_up, e) != 0 ||
        person_put(p, "commune", person_trim(c->arena, commune), e) != 0 ||
        person_put(p, "date", op_day(c, date), e) != 0 ||
        case_emit(c, "organisation.created", p, NULL, e) != 0)
        goto out;
    *id = oid;
    rc = 0;
out:
    json_decref(p);
    return case_tx_end(c, own, rc, e);
}

/*
 * person.c: persons. The apply functions of person.created and person.moved
 * (validate the payload against the projections, then write the person and
 * person_address rows) and the operations of case.h on persons: create,
 * match, move, get, search. Households and organisations live in
 * household.c, the identity checks (NIR...) in person_check.c.
 *
 * A person's address is dated: person_address holds one row per address
 * with [valid_from, valid_to] (valid_to NULL for the current one); the
 * competent MDS is the MDS of the current address's commune, so a move
 * changes which agents see the person.
 */
#include "core/compat.h"
#include "case/person_int.h"

#include "core/strbuf.h"
#include "core/utf8.h"
#include "ref/ref.h"

/* ---- look-ups ---------------------------------------------------------- */

static const char sql_by_id[] = "SELECT id FROM person WHERE id = ?";
static const char sql_by_nir[] = "SELECT id FROM person WHERE nir = ?";
static const char sql_by_internal[] = "SELECT id FROM person WHERE internal_id = ?";
static const char sql_by_caf[] = "SELECT id FROM person WHERE caf_number = ? AND caf_role = ?";

/* A text column as an arena string, NULL when SQL NULL or empty. */
static const char *col(struct case_ctx *c, struct store_stmt *q, int i)
{
    const char *s;

    if (store_column_is_null(q, i))
        return NULL;
    s = store_column_text(q, i);
    return *s ? arena_strdup(c->arena, s) : NULL;
}

static bool caf_number_valid(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > PERSON_CAF_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')))
            return false;
    return true;
}

/* ---- person.created ---------------------------------------------------- */

struct person_row {
    const char *id, *nir, *internal, *caf, *caf_role, *last, *first, *key;
    const char *birth_iso, *sex, *address, *commune, *phone, *email, *date_iso;
    date_t birth, day;
};

static int read_created(struct case_ctx *c, json_t *p, struct person_row *r, struct err *e)
{
    if (case_get_str(c, p, "id", true, &r->id, e) != 0 ||
        case_get_str(c, p, "nir", false, &r->nir, e) != 0 ||
        case_get_str(c, p, "identifiant_interne", false, &r->internal, e) != 0 ||
        case_get_str(c, p, "numero_caf", false, &r->caf, e) != 0 ||
        case_get_str(c, p, "role_caf", false, &r->caf_role, e) != 0 ||
        case_get_str(c, p, "nom", true, &r->last, e) != 0 ||
        case_get_str(c, p, "prenom", true, &r->first, e) != 0 ||
        case_get_date(c, p, "date_naissance", true, &r->birth_iso, &r->birth, e) != 0 ||
        case_get_str(c, p, "sexe", true, &r->sex, e) != 0 ||
        case_get_str(c, p, "adresse", false, &r->address, e) != 0 ||
        case_get_str(c, p, "commune", false, &r->commune, e) != 0 ||
        case_get_str(c, p, "telephone", false, &r->phone, e) != 0 ||
        case_get_str(c, p, "courriel", false, &r->email, e) != 0 ||
        case_get_date(c, p, "date", true, &r->date_iso, &r->day, e) != 0)
        return -1;
    return 0;
}

/* Checks that need no other row than the referential's. */
static int check_created(struct case_ctx *c, struct person_row *r, struct err *e)
{
    date_t min;

    if (person_text_check("nom", r->last, PERSON_NAME_MAX, true, e) != 0 ||
        person_text_check("prenom", r->first, PERSON_NAME_MAX, true, e) != 0)
        return -1;
    r->key = person_name_key_both(c->arena, r->last, r->first);
    if (!r->key) {
        err_set(e, ERR_INVALID, "nom « %s » et prénom « %s » sans aucune lettre", r->last,
                r->first);
        return err_hint(e, "saisissez le nom et le prénom tels qu'ils figurent sur une pièce "
                           "d'identité");
    }
    date_from_ymd(PERSON_BIRTH_MIN_YEAR, 1, 1, &min, e);
    if (r->birth < min) {
        err_set(e, ERR_INVALID, "date de naissance %s antérieure à %d",
                person_date_fr(c->arena, r->birth), PERSON_BIRTH_MIN_YEAR);
        return err_hint(e, "vérifiez l'année de naissance");
    }
    if (r->day < r->birth) {
        err_set(e, ERR_INVALID, "date d'enregistrement %s antérieure à la date de naissance %s",
                person_date_fr(c->arena, r->day), person_date_fr(c->arena, r->birth));
        return err_hint(e, "la date d'enregistrement est le jour où la personne est connue "
                           "du Département");
    }
    if (strcmp(r->sex, "F") != 0 && strcmp(r->sex, "M") != 0) {
        err_set(e, ERR_INVALID, "sexe « %s » invalide", r->sex);
        return err_hint(e, "F (femme) ou M (homme)");
    }
    if (r->nir && person_nir_check(r->nir, r->sex, &r->birth, e) != 0)
        return -1;
    if (r->internal &&
        person_text_check("identifiant_interne", r->internal, PERSON_INTERNAL_MAX, true, e) != 0)
        return -1;
    if (r->caf && !caf_number_valid(r->caf)) {
        err_set(e, ERR_INVALID, "numéro d'allocataire CAF/MSA « %s » invalide", r->caf);
        return err_hint(e, "de 1 à %d chiffres ou lettres majuscules, sans espace", PERSON_CAF_MAX);
    }
    if (r->caf && !r->caf_role) {
        err_set(e, ERR_INVALID, "numéro d'allocataire « %s » sans rôle", r->caf);
        return err_hint(e, "indiquez le rôle de la personne dans le dossier CAF : demandeur, "
                           "conjoint, enfant ou autre");
    }
    if (r->caf_role && !r->caf) {
        err_set(e, ERR_INVALID, "rôle CAF « %s » sans numéro d'allocataire", r->caf_role);
        return err_hint(e, "indiquez le numéro d'allocataire, ou retirez le rôle");
    }
    if (r->caf_role && !person_role_valid(r->caf_role)) {
        err_set(e, ERR_INVALID, "rôle CAF « %s » inconnu", r->caf_role);
        return err_hint(e, "rôles possibles : demandeur, conjoint, enfant, autre");
    }
    if (r->address && person_text_check("adresse", r->address, PERSON_LABEL_MAX, false, e) != 0)
        return -1;
    if (r->address && !r->commune) {
        err_set(e, ERR_INVALID, "adresse sans commune");
        return err_hint(e, "indiquez le code INSEE de la commune de l'adresse");
    }
    if (r->commune && person_commune_check(c, "commune", r->commune, r->day, e) != 0)
        return -1;
    if (r->phone && person_phone_check(r->phone, e) != 0)
        return -1;
    if (r->email && person_email_check(r->email, e) != 0)
        return -1;
    return 0;
}

/* The unique identifiers: refused when another person holds them, naming it. */
static int check_unique(struct case_ctx *c, const struct person_row *r, struct err *e)
{
    const char *other;

    if ((other = case_query_text(c, sql_by_id, r->id, NULL, NULL, e)) != NULL) {
        err_set(e, ERR_CONFLICT, "la personne %s existe déjà", other);
        return err_hint(e, "laissez proxima attribuer l'identifiant");
    }
    if (e->code == ERR_OK && r->nir &&
        (other = case_query_text(c, sql_by_nir, r->nir, NULL, NULL, e)) != NULL) {
        err_set(e, ERR_CONFLICT, "NIR %s déjà enregistré pour la personne %s", r->nir, other);
        return err_hint(e,
                        "il s'agit sans doute de la même personne : « proxima person show "
                        "%s »",
                        other);
    }
    if (e->code == ERR_OK && r->internal &&
        (other = case_query_text(c, sql_by_internal, r->internal, NULL, NULL, e)) != NULL) {
        err_set(e, ERR_CONFLICT, "identifiant interne « %s » déjà attribué à la personne %s",
                r->internal, other);
        return err_hint(e,
                        "il s'agit sans doute de la même personne : « proxima person show "
                        "%s »",
                        other);
    }
    if (e->code == ERR_OK && r->caf &&
        (other = case_query_text(c, sql_by_caf, r->caf, r->caf_role, NULL, e)) != NULL) {
        err_set(e, ERR_CONFLICT,
                "numéro d'allocataire %s avec le rôle « %s » déjà enregistré pour la personne %s",
                r->caf, r->caf_role, other);
        return err_hint(e,
                        "un numéro d'allocataire n'a qu'un demandeur et qu'un conjoint : "
                        "vérifiez « proxima person show %s »",
                        other);
    }
    return e->code == ERR_OK ? 0 : -1;
}

static int insert_address(struct case_ctx *c, const char *person, const char *from,
                          const char *commune, const char *address, struct err *e)
{
    struct store_stmt *q =
        store_prepare(c->store,
                      "INSERT INTO person_address(person, valid_from, valid_to, commune, address) "
                      "VALUES (?, ?, NULL, ?, ?)",
                      e);

    if (!q)
        return -1;
    store_bind_text_static(q, 1, person);
    store_bind_text_static(q, 2, from);
    store_bind_text_static(q, 3, commune);
    store_bind_text_static(q, 4, address ? address : "");
    return store_step_done(q, e);
}

/*
 * The person row. Its unique identifiers (id, NIR, internal id, CAF number
 * and role) are checked by the schema's constraints as it is written: when
 * the insert is refused, check_unique finds which one and words it, as it
 * would have before the insert.
 */
static int insert_person(struct case_ctx *c, const struct person_row *r, int64_t seq, struct err *e)
{
    struct store_stmt *q;
    struct err refused;

    q = store_prepare(c->store,
                      "INSERT INTO person(id, nir, internal_id, caf_number, caf_role, last_name, "
                      "first_name, name_key, birth_date, sex, phone, email, created_on, seq) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, r->id);
    store_bind_text_static(q, 2, r->nir);
    store_bind_text_static(q, 3, r->internal);
    store_bind_text_static(q, 4, r->caf);
    store_bind_text_static(q, 5, r->caf_role);
    store_bind_text_static(q, 6, r->last);
    store_bind_text_static(q, 7, r->first);
    store_bind_text_static(q, 8, r->key);
    store_bind_text_static(q, 9, r->birth_iso);
    store_bind_text_static(q, 10, r->sex);
    store_bind_text_static(q, 11, r->phone);
    store_bind_text_static(q, 12, r->email);
    store_bind_text_static(q, 13, r->date_iso);
    store_bind_int64(q, 14, seq);
    err_clear(&refused);
    if (store_step_done(q, &refused) == 0)
        return 0;
    if (refused.code != ERR_CONFLICT || check_unique(c, r, e) == 0)
        *e = refused; /* not a duplicate: the store's own error */
    return -1;
}

int case_apply_person_created(struct case_ctx *c, json_t *p, int64_t seq, struct err *e)
{
    struct person_row r = {0};

    if (read_created(c, p, &r, e) != 0 || check_created(c, &r, e) != 0 ||
        insert_person(c, &r, seq, e) != 0 || case_id_observe(c, 'P', r.id, e) != 0)
        return -1;
    if (c->bulk)
        case_bulk_person_put(c->bulk, r.id, r.birth);
    if (r.commune)
        return insert_address(c, r.id, r.date_iso, r.commune, r.address, e);
    return 0;
}

/* ---- person.moved ------------------------------------------------------ */

int case_apply_person_moved(struct case_ctx *c, json_t *p, int64_t seq, struct err *e)
{
    const char *person, *commune, *address, *iso, *cur_from = NULL;
    const char *cur_commune = NULL, *cur_address = NULL;
    char before[DATE_ISO_LEN];
    date_t day, birth;
    struct store_stmt *q;
    int rc;

    (void)seq;
    if (case_get_str(c, p, "personne", true, &person, e) != 0 ||
        case_get_str(c, p, "commune", true, &commune, e) != 0 ||
        case_get_str(c, p, "adresse", false, &address, e) != 0 ||
        case_get_date(c, p, "date", true, &iso, &day, e) != 0 ||
        person_birth_date(c, person, &birth, e) != 0)
        return -1;
    if (address && person_text_check("adresse", address, PERSON_LABEL_MAX, false, e) != 0)
        return -1;
    if (day < birth)
        return err_set(e, ERR_INVALID, "déménagement de %s le %s, avant sa naissance", person,
                       person_date_fr(c->arena, day));
    if (person_commune_check(c, "commune", commune, day, e) != 0)
        return -1;
    q = store_prepare(c->store,
                      "SELECT valid_from, commune, address FROM person_address "
                      "WHERE person = ? AND valid_to IS NULL",
                      e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, person);
    rc = store_step(q, e);
    if (rc == STORE_ROW) {
        cur_from = arena_strdup(c->arena, store_column_text(q, 0));
        cur_commune = arena_strdup(c->arena, store_column_text(q, 1));
        cur_address = arena_strdup(c->arena, store_column_text(q, 2));
    }
    store_finalize(q);
    if (rc < 0)
        return -1;
    if (cur_from) {
        date_t from;
        if (date_parse_iso(cur_from, strlen(cur_from), &from, e) != 0)
            return -1;
        if (day <= from) {
            err_set(e, ERR_CONFLICT,
                    "déménagement de %s le %s : l'adresse actuelle ne commence que le %s", person,
                    person_date_fr(c->arena, day), person_date_fr(c->arena, from));
            return err_hint(e, "la date d'un déménagement doit être postérieure au début de "
                               "l'adresse actuelle");
        }
        if (!strcmp(cur_commune, commune) && !strcmp(cur_address, address ? address : "")) {
            err_set(e, ERR_CONFLICT, "%s habite déjà à cette adresse (commune %s depuis le %s)",
                    person, commune, person_date_fr(c->arena, from));
            return err_hint(e, "indiquez la nouvelle adresse");
        }
        /* the current address ends the day before the new one starts */
        date_format_iso(day - 1, before);
        q = store_prepare(c->store,
                          "UPDATE person_address SET valid_to = ? "
                          "WHERE person = ? AND valid_from = ?",
                          e);
        if (!q)
            return -1;
        store_bind_text_static(q, 1, before);
        store_bind_text_static(q, 2, person);
        store_bind_text_static(q, 3, cur_from);
        if (store_step_done(q, e) != 0)
            return -1;
    }
    return insert_address(c, person, iso, commune, address, e);
}

/* ---- rights on persons ------------------------------------------------- */

/* The MDS where the user may use capability on persons ("all" for a département grant). */
struct cap_sites {
    bool all;
    const char **mds;
    size_t n;
};

static void cap_sites_load(struct case_ctx *c, const char *capability, struct cap_sites *r)
{
    r->all = !c->user;
    r->n = 0;
    r->mds = NULL;
    if (!c->user)
        return;
    r->mds = arena_calloc(c->arena, c->user->ngrants + 1, sizeof(*r->mds));
    for (size_t i = 0; i < c->user->ngrants; i++) {
        const struct access_grant *g = &c->user->grants[i];
        struct access_user one = *c->user;
        struct access_target t = {.site_grid = g->site_grid,
                                  .site_code = g->site_code,
                                  .data_class = CLASS_NONE,
                                  .object_type = "personne"};
        struct err probe;

        one.grants = &c->user->grants[i];
        one.ngrants = 1;
        err_clear(&probe);
        if (access_check(c->cat, &one, capability, &t, c->arena, NULL, &probe) != 0)
            continue;
        if (!strcmp(g->site_grid, ACCESS_SITE_DEPARTEMENT))
            r->all = true;
        else if (!strcmp(g->site_grid, REF_GRID_MDS))
            r->mds[r->n++] = g->site_code;
    }
}

static bool cap_sites_has(const struct cap_sites *r, const char *mds)
{
    if (r->all)
        return true;
    for (size_t i = 0; mds && i < r->n; i++)
        if (!strcmp(r->mds[i], mds))
            return true;
    return false;
}

static int no_read_right(struct err *e)
{
    err_set(e, ERR_FORBIDDEN,
            "aucun de vos rôles ne permet de consulter des personnes "
            "(« personne.lire »)");
    return err_hint(e, "demandez à l'administrateur de proxima un rôle qui le permet");
}

/* ---- operations: create, move ------------------------------------------ */

/* The MDS of a commune for an access check: today's, else the record date's. */
static const char *commune_mds_for_access(struct case_ctx *c, const char *commune,
                                          const char *day_iso, struct err *e)
{
    char today[DATE_ISO_LEN];
    const char *mds;

    person_today_iso(c, today);
    mds = person_commune_mds(c, commune, today, e);
    if (!mds && e->code == ERR_OK)
        mds = person_commune_mds(c, commune, day_iso, e);
    return mds;
}

/* Validate the date an agent gave (or today's) before any look-up that uses it. */
static const char *op_date(struct case_ctx *c, const char *given, date_t *day, struct err *e)
{
    char today[DATE_ISO_LEN];

    if (!given) {
        person_today_iso(c, today);
        *day = c->today;
        return arena_strdup(c->arena, today);
    }
    if (date_parse_iso(given, strlen(given), day, e) != 0) {
        err_prefix(e, "champ « date » : ");
        return NULL;
    }
    return given;
}

/*
 * The refusal met for a person without MDS, reworded to say what to do when
 * the agent may write persons elsewhere (the site is what is missing).
 */
static int no_mds_refusal(struct case_ctx *c, struct err *e)
{
    char detail[ERR_DETAIL_MAX];
    struct cap_sites r;

    cap_sites_load(c, "personne.ecrire", &r);
    if (r.n == 0)
        return -1;
    memcpy(detail, e->detail, sizeof(detail));
    err_set(e, ERR_FORBIDDEN,
            "sans commune de résidence, la personne ne relève d'aucune MDS : "
            "seul un rôle départemental permet de l'enregistrer");
    err_detail(e, "%s", detail);
    return err_hint(e, "indiquez la commune de résidence ou de domiciliation");
}

int case_person_create(struct case_ctx *c, const struct case_person_input *in, const char **id,
                       struct err *e)
{
    const char *day_iso, *commune = person_trim(c->arena, in->commune), *mds = NULL, *pid;
    char sex[2] = {0};
    json_t *p = NULL;
    date_t day;
    bool own;
    int rc = -1;

    *id = NULL;
    if (!(day_iso = op_date(c, in->date, &day, e)))
        return -1;
    if (commune && person_commune_check(c, "commune", commune, day, e) != 0)
        return -1;
    if (in->sex && strlen(in->sex) == 1)
        sex[0] = (char)(in->sex[0] == 'f' ? 'F' : in->sex[0] == 'm' ? 'M' : in->sex[0]);
    if (case_tx_begin(c, &own, e) != 0)
        return -1;
    pid = in->id ? in->id : case_id_next(c, 'P', e);
    if (!pid)
        goto out;
    if (commune && !(mds = commune_mds_for_access(c, commune, day_iso, e)) && e->code != ERR_OK)
        goto out;
    if (case_authorize(c, "personne.ecrire", PERSON_SITE_GRID(mds), PERSON_SITE_CODE(mds),
                       CLASS_NONE, "personne", pid, pid, NULL, "ecriture", e) != 0) {
        if (!mds)
            no_mds_refusal(c, e);
        goto out;
    }
    p = json_object();
    if (person_put(p, "id", pid, e) != 0 ||
        person_put(p, "nir", in->nir ? person_nir_normalize(c->arena, in->nir) : NULL, e) != 0 ||
        person_put(p, "identifiant_interne", person_trim(c->arena, in->internal_id), e) != 0 ||
        person_put(p, "numero_caf", person_trim(c->arena, in->caf_number), e) != 0 ||
        person_put(p, "role_caf", person_trim(c->arena, in->caf_role), e) != 0 ||
        person_put(p, "nom", person_trim(c->arena, in->last_name), e) != 0 ||
        person_put(p, "prenom", person_trim(c->arena, in->first_name), e) != 0 ||
        person_put(p, "date_naissance", in->birth_date, e) != 0 ||
        person_put(p, "sexe", sex[0] ? sex : in->sex, e) != 0 ||
        person_put(p, "adresse", person_trim(c->arena, in->address), e) != 0 ||
        person_put(p, "commune", commune, e) != 0 ||
        person_put(p, "telephone", person_trim(c->arena, in->phone), e) != 0 ||
        person_put(p, "courriel", person_trim(c->arena, in->email), e) != 0 ||
        person_put(p, "date", day_iso, e) != 0)
        goto out;
    if (case_emit(c, "person.created", p, NULL, e) != 0)
        goto out;
    *id = pid;
    rc = 0;
out:
    json_decref(p);
    return case_tx_end(c, own, rc, e);
}

int case_person_move(struct case_ctx *c, const char *person, const char *commune,
                     const char *address, const char *date, struct err *e)
{
    const char *day_iso, *mds;
    char today[DATE_ISO_LEN];
    json_t *p = NULL;
    date_t day, birth;
    bool own;
    int rc = -1;

    commune = person_trim(c->arena, commune);
    if (!(day_iso = op_date(c, date, &day, e)) || person_birth_date(c, person, &birth, e) != 0)
        return -1;
    if (!commune) {
        err_set(e, ERR_INVALID, "déménagement sans commune");
        return err_hint(e, "indiquez le code INSEE de la nouvelle commune");
    }
    if (person_commune_check(c, "commune", commune, day, e) != 0)
        return -1;
    if (case_tx_begin(c, &own, e) != 0)
        return -1;
    /* the MDS competent now decides; for a person without address, the new one's */
    person_today_iso(c, today);
    mds = case_person_mds(c, person, today, e);
    if (!mds && e->code == ERR_OK)
        mds = commune_mds_for_access(c, commune, day_iso, e);
    if (e->code != ERR_OK)
        goto out;
    if (case_authorize(c, "personne.ecrire", PERSON_SITE_GRID(mds), PERSON_SITE_CODE(mds),
                       CLASS_NONE, "personne", person, person, NULL, "ecriture", e) != 0)
        goto out;
    p = json_object();
    if (person_put(p, "personne", person, e) != 0 || person_put(p, "commune", commune, e) != 0 ||
        person_put(p, "adresse", person_trim(c->arena, address), e) != 0 ||
        person_put(p, "date", day_iso, e) != 0)
        goto out;
    rc = case_emit(c, "person.moved", p, NULL, e);
out:
    json_decref(p);
    return case_tx_end(c, own, rc, e);
}

/* ---- match ------------------------------------------------------------- */

/*
 * The person of one name key and birth date. Homonyms born the same day are
 * rare and more often duplicates than twins: the oldest record wins, so that
 * a match is stable whatever is added later.
 */
static const char *match_name(struct case_ctx *c, const char *key, const char *birth, struct err *e)
{
    return case_query_text(c,
                           "SELECT id FROM person WHERE name_key = ? AND birth_date = ? "
                           "ORDER BY seq LIMIT 1",
                           key, birth, NULL, e);
}

int case_person_match(struct case_ctx *c, const struct case_person_input *in, const char **id,
                      const char **rule, struct err *e)
{
    struct cap_sites r;
    const char *found = NULL;

    *id = NULL;
    *rule = NULL;
    cap_sites_load(c, "personne.lire", &r);
    if (!r.all && r.n == 0)
        return no_read_right(e);
    /* the fixed order: the surest identifier first (RDV-Insertion's) */
    if (in->nir) {
        const char *nir = person_nir_normalize(c->arena, in->nir);
        if (person_nir_check(nir, NULL, NULL, e) != 0)
            return -1;
        if ((found = case_query_text(c, sql_by_nir, nir, NULL, NULL, e)) != NULL)
            *rule = "nir";
    }
    if (!found && e->code == ERR_OK && in->internal_id &&
        (found = case_query_text(c, sql_by_internal, in->internal_id, NULL, NULL, e)) != NULL)
        *rule = "identifiant interne";
    if (!found && e->code == ERR_OK && in->caf_number && in->caf_role &&
        (found = case_query_text(c, sql_by_caf, in->caf_number, in->caf_role, NULL, e)) != NULL)
        *rule = "numero caf et role";
    if (!found && e->code == ERR_OK && in->last_name && in->first_name && in->birth_date) {
        const char *key = person_name_key(c->arena, in->last_name, in->first_name);
        date_t birth;
        if (date_parse_iso(in->birth_date, strlen(in->birth_date), &birth, e) != 0) {
            err_prefix(e, "champ « date_naissance » : ");
            return -1;
        }
        if (key && (found = match_name(c, key, in->birth_date, e)) != NULL)
            *rule = "nom, prenom et date de naissance";
    }
    if (e->code != ERR_OK)
        return -1;
    *id = found;
    return 0;
}

/* ---- get --------------------------------------------------------------- */

/* True if the user's grants allow capability on the site for class (no log). */
static bool may(struct case_ctx *c, const char *capability, const char *grid, const char *code,
                enum data_class cls)
{
    struct access_target t = {
        .site_grid = grid, .site_code = code, .data_class = cls, .object_type = "personne"};
    struct err probe;

    err_clear(&probe);
    return access_check(c->cat, c->user, capability, &t, c->arena, NULL, &probe) == 0;
}

/*
 * The site through which the user may read person: the competent MDS today,
 * or the site of one of the person's dossiers that the user may see
 * (personne.lire there, and dossier.lire for the dossier's class).
 */
static int read_site(struct case_ctx *c, const char *person, const char *mds, const char **grid,
                     const char **code, struct err *e)
{
    struct store_stmt *q;
    int rc;

    *grid = *code = NULL;
    if (mds && may(c, "personne.lire", REF_GRID_MDS, mds, CLASS_NONE)) {
        *grid = REF_GRID_MDS;
        *code = mds;
        return 0;
    }
    q = store_prepare(c->store,
                      "SELECT DISTINCT site_grid, site_code, data_class FROM dossier "
                      "WHERE person = ? ORDER BY site_grid, site_code, data_class",
                      e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, person);
    while ((rc = store_step(q, e)) == STORE_ROW) {
        const char *g = store_column_text(q, 0), *k = store_column_text(q, 1);
        enum data_class cls = case_class_from_code(store_column_text(q, 2));
        if (cls != CLASS__COUNT && may(c, "personne.lire", g, k, CLASS_NONE) &&
            may(c, "dossier.lire", g, k, cls)) {
            *grid = arena_strdup(c->arena, g);
            *code = arena_strdup(c->arena, k);
            break;
        }
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* The name of a commune today, or in its last version if it no longer exists. */
static const char *commune_name(struct case_ctx *c, const char *code, struct err *e)
{
    char today[DATE_ISO_LEN];

    person_today_iso(c, today);
    return case_query_text(c,
                           "SELECT name FROM ref_commune WHERE code = ? "
                           "ORDER BY (valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)) "
                           "DESC, valid_from DESC LIMIT 1",
                           code, today, today, e);
}

int case_person_get(struct case_ctx *c, const char *id, struct case_person *out, struct err *e)
{
    char today[DATE_ISO_LEN];
    struct store_stmt *q;
    int rc;

    memset(out, 0, sizeof(*out));
    if (person_require("personne", id, e) != 0)
        return -1;
    q = store_prepare(c->store,
                      "SELECT p.id, p.nir, p.internal_id, p.caf_number, p.caf_role, p.last_name, "
                      "p.first_name, p.birth_date, p.sex, a.address, a.commune, p.phone, p.email "
                      "FROM person p LEFT JOIN person_address a "
                      "ON a.person = p.id AND a.valid_to IS NULL WHERE p.id = ?",
                      e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, id);
    rc = store_step(q, e);
    if (rc == STORE_ROW) {
        out->id = col(c, q, 0);
        out->nir = col(c, q, 1);
        out->internal_id = col(c, q, 2);
        out->caf_number = col(c, q, 3);
        out->caf_role = col(c, q, 4);
        out->last_name = col(c, q, 5);
        out->first_name = col(c, q, 6);
        out->birth_date = col(c, q, 7);
        out->sex = col(c, q, 8);
        out->address = col(c, q, 9);
        out->commune = col(c, q, 10);
        out->phone = col(c, q, 11);
        out->email = col(c, q, 12);
    }
    store_finalize(q);
    if (rc < 0)
        return -1;
    if (rc != STORE_ROW) {
        memset(out, 0, sizeof(*out));
        err_set(e, ERR_NOT_FOUND, "personne inconnue : « %s »", id);
        return err_hint(e, "« proxima person search » retrouve une personne par son nom");
    }
    person_today_iso(c, today);
    out->mds = case_person_mds(c, id, today, e);
    if (out->commune && e->code == ERR_OK)
        out->commune_name = commune_name(c, out->commune, e);
    if (e->code != ERR_OK)
        goto fail;
    if (c->user) {
        const char *grid, *code;
        if (read_site(c, id, out->mds, &grid, &code, e) != 0)
            goto fail;
        if (!grid) {
            /* refused: worded and logged against the competent MDS */
            grid = PERSON_SITE_GRID(out->mds);
            code = PERSON_SITE_CODE(out->mds);
        }
        if (case_authorize(c, "personne.lire", grid, code, CLASS_NONE, "personne", id, id, NULL,
                           "lecture", e) != 0)
            goto fail;
    }
    return 0;
fail:
    memset(out, 0, sizeof(*out));
    return -1;
}

/* ---- search ------------------------------------------------------------ */

/* True if every blank-separated word of the folded needle occurs in key. */
static bool has_words(const char *key, const char *needle)
{
    while (*needle) {
        size_t n = strcspn(needle, " ");
        bool found = false;
        for (const char *k = key; !found && *k; k++)
            found = !strncmp(k, needle, n);
        if (!found)
            return false;
        needle += n;
        while (*needle == ' ')
            needle++;
    }
    return true;
}

int case_person_search(struct case_ctx *c, const char *name, const char *birth_date,
                       const char *commune, size_t max, struct case_person **out, size_t *n,
                       struct err *e)
{
    char today[DATE_ISO_LEN];
    const char *needle = NULL, *first = NULL;
    struct cap_sites r;
    struct store_stmt *q;
    struct case_person *res;
    size_t count = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (name && *name) {
        struct strbuf key;
        strbuf_init(&key, 0);
        utf8_fold(&key, name, strlen(name));
        needle = arena_strdup(c->arena, key.buf);
        strbuf_release(&key);
        if (!*needle) {
            err_set(e, ERR_INVALID, "nom recherché « %s » sans aucune lettre", name);
            return err_hint(e, "donnez au moins quelques lettres du nom");
        }
        /* SQL narrows on the first word; has_words checks the others */
        first = arena_strndup(c->arena, needle, strcspn(needle, " "));
    }
    if (birth_date && *birth_date) {
        date_t day;
        if (date_parse_iso(birth_date, strlen(birth_date), &day, e) != 0) {
            err_prefix(e, "champ « date_naissance » : ");
            return -1;
        }
    } else {
        birth_date = NULL;
    }
    if (commune && !*commune)
        commune = NULL;
    if (!needle && !birth_date && !commune) {
        err_set(e, ERR_INVALID, "recherche de personne sans critère");
        return err_hint(e, "donnez un nom, une date de naissance ou une commune");
    }
    cap_sites_load(c, "personne.lire", &r);
    if (!r.all && r.n == 0)
        return no_read_right(e);
    res = arena_calloc(c->arena, max ? max : 1, sizeof(*res));
    *out = res;
    if (max == 0)
        return 0;
    person_today_iso(c, today);
    q = store_prepare(c->store,
                      "SELECT p.id, p.last_name, p.first_name, p.birth_date, p.sex, a.commune, "
                      "a.address, x.area, p.name_key FROM person p "
                      "LEFT JOIN person_address a ON a.person = p.id AND a.valid_to IS NULL "
                      "LEFT JOIN ref_assignment x ON x.grid = 'mds' AND x.commune = a.commune "
                      "AND x.valid_from <= ? AND (x.valid_to IS NULL OR x.valid_to >= ?) "
                      "WHERE (? IS NULL OR instr(p.name_key, ?) > 0) "
                      "AND (? IS NULL OR p.birth_date = ?) AND (? IS NULL OR a.commune = ?) "
                      "ORDER BY p.name_key, p.birth_date, p.id",
                      e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, today);
    store_bind_text_static(q, 2, today);
    store_bind_text_static(q, 3, first);
    store_bind_text_static(q, 4, first);
    store_bind_text_static(q, 5, birth_date);
    store_bind_text_static(q, 6, birth_date);
    store_bind_text_static(q, 7, commune);
    store_bind_text_static(q, 8, commune);
    while (count < max && (rc = store_step(q, e)) == STORE_ROW) {
        struct case_person *pp = &res[count];
        const char *mds = col(c, q, 7);
        if (!cap_sites_has(&r, mds) || (needle && !has_words(store_column_text(q, 8), needle)))
            continue;
        /* identity only: NIR, phone and e-mail are read with case_person_get, logged */
        pp->id = col(c, q, 0);
        pp->last_name = col(c, q, 1);
        pp->first_name = col(c, q, 2);
        pp->birth_date = col(c, q, 3);
        pp->sex = col(c, q, 4);
        pp->commune = col(c, q, 5);
        pp->address = col(c, q, 6);
        pp->mds = mds;
        count++;
    }
    store_finalize(q);
    if (e->code != ERR_OK)
        return -1;
    for (size_t i = 0; i < count; i++)
        if (res[i].commune && !(res[i].commune_name = commune_name(c, res[i].commune, e)) &&
            e->code != ERR_OK)
            return -1;
    *n = count;
    return 0;
}

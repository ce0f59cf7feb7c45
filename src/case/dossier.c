/*
 * dossier.c: dossiers of the catalogue's dispositifs. The apply functions of
 * dossier.opened and of every other dossier.* event (the workflow's
 * transitions), which validate an event against the projections and the
 * catalogue and write it; whether it comes from an agent, an import or a
 * replay. Decisions and payments, which carry the rules and the money, are
 * in decision.c; the operations that build the events in dossier_op.c;
 * reads in dossier_read.c.
 *
 * Everything a dossier is allowed to do comes from its dispositif's workflow
 * (catalog_transition): this file knows the fixed operations, never a
 * dispositif by name. Two choices of this file:
 *   - required facts may be missing at opening only when the workflow starts
 *     in a state where documents are awaited (its initial state is the
 *     target of a demander_pieces transition); completing or instructing
 *     a dossier, and an accord, require them all;
 *   - closed_on is the day the dossier reached a final state of its
 *     workflow (a refusal, a closing, the end of a measure), NULL while it
 *     is in none (an appeal or a reopening clears it).
 */
#include "core/compat.h"
#include "case/dossier_int.h"

#include "core/json.h"
#include "core/money.h"
#include "core/strbuf.h"
#include "ref/ref.h"

/* ---- small helpers shared by the dossier files ---------------------------- */

const char *dossier_col_str(struct case_ctx *c, struct store_stmt *q, int i)
{
    return store_column_is_null(q, i) ? NULL : arena_strdup(c->arena, store_column_text(q, i));
}

/* Run a one-row existence query with text parameters (NULL-terminated list). */
int dossier_exists(struct case_ctx *c, const char *sql, bool *found, struct err *e, ...)
{
    struct store_stmt *q = store_prepare(c->store, sql, e);
    va_list ap;
    const char *v;
    int i = 1;

    *found = false;
    if (!q)
        return -1;
    va_start(ap, e);
    while ((v = va_arg(ap, const char *)) != NULL)
        store_bind_text_static(q, i++, v);
    va_end(ap);
    *found = store_step(q, e) == STORE_ROW;
    store_finalize(q);
    return e->code == ERR_OK ? 0 : -1;
}

/* The refusal of case_person_exists. */
static int person_unknown(const char *field, const char *id, struct err *e)
{
    err_set(e, ERR_NOT_FOUND, "%s : personne inconnue « %s »", field, id);
    return err_hint(e, "« proxima person search » retrouve une personne");
}

int case_person_exists(struct case_ctx *c, const char *field, const char *id, struct err *e)
{
    bool found;

    if (dossier_exists(c, "SELECT 1 FROM person WHERE id = ?", &found, e, id, (const char *)NULL))
        return -1;
    if (!found)
        return person_unknown(field, id, e);
    return 0;
}

/*
 * A dossier's row as an import or a replay remembers it (c->bulk->dossiers),
 * with what is needed to write it later: an operation changes it here only,
 * and case_bulk_dossiers_flush writes every changed row once, before the
 * commit. The dossier table has no other writer, and nothing an import or a
 * replay does reads the columns an operation changes but dossier_row_load,
 * which reads this memory first.
 */
struct bulk_dossier {
    struct dossier_row row;
    int64_t seq;               /* the row's seq column, when unwritten */
    bool unwritten;            /* changed since written: on the unwritten list */
    struct bulk_dossier *next; /* the next unwritten row */
};

/* The unwritten rows, in the order they were first changed. */
struct case_bulk_unwritten {
    struct bulk_dossier *head, **tail;
};

/*
 * Remember r as the dossier's row for the rest of an import or a replay
 * (c->bulk): called after each write of the row, with the row as written,
 * or, with unwritten, after an operation changed it (seq: the operation's).
 */
static void row_remember(struct case_ctx *c, const struct dossier_row *r, bool unwritten,
                         int64_t seq)
{
    struct case_bulk *b = c->bulk;
    struct bulk_dossier *bd;
    struct dossier_row *m;

    if (!b)
        return;
    bd = case_bulk_get(&b->dossiers, r->id);
    if (!bd) {
        bd = arena_calloc(&b->arena, 1, sizeof(*bd));
        bd->row.id = arena_strdup(&b->arena, r->id);
        case_bulk_put(b, &b->dossiers, bd->row.id, bd);
    }
    m = &bd->row;
    m->dispositif = case_bulk_str(b, m->dispositif, r->dispositif);
    m->disp = r->disp;
    m->beneficiary_type = case_bulk_str(b, m->beneficiary_type, r->beneficiary_type);
    m->beneficiary = case_bulk_str(b, m->beneficiary, r->beneficiary);
    m->person = case_bulk_str(b, m->person, r->person);
    m->household = case_bulk_str(b, m->household, r->household);
    m->site_grid = case_bulk_str(b, m->site_grid, r->site_grid);
    m->site_code = case_bulk_str(b, m->site_code, r->site_code);
    m->data_class = r->data_class;
    m->state = case_bulk_str(b, m->state, r->state);
    m->opened = case_bulk_str(b, m->opened, r->opened);
    m->opened_day = r->opened_day;
    m->closed = case_bulk_str(b, m->closed, r->closed);
    m->measure_start = case_bulk_str(b, m->measure_start, r->measure_start);
    m->measure_end = case_bulk_str(b, m->measure_end, r->measure_end);
    m->facts = case_bulk_str(b, m->facts, r->facts);
    m->granted = r->granted;
    m->paid = r->paid;
    m->session = case_bulk_str(b, m->session, r->session);
    m->accorded_known = r->accorded_known;
    m->accorded = case_bulk_str(b, m->accorded, r->accorded);
    if (!unwritten)
        return;
    bd->seq = seq;
    if (!bd->unwritten) {
        if (!b->unwritten) {
            b->unwritten = arena_calloc(&b->arena, 1, sizeof(*b->unwritten));
            b->unwritten->tail = &b->unwritten->head;
        }
        bd->unwritten = true;
        bd->next = NULL;
        *b->unwritten->tail = bd;
        b->unwritten->tail = &bd->next;
    }
}

/* Write the columns an operation changes of r, with its seq. */
static int row_update(struct case_ctx *c, const struct dossier_row *r, int64_t seq, struct err *e)
{
    struct store_stmt *q =
        store_prepare(c->store,
                      "UPDATE dossier SET state = ?, closed_on = ?, seq = ?, facts = ?, "
                      "session = ?, granted_cents = ?, paid_cents = ?, measure_start = ?, "
                      "measure_end = ? WHERE id = ?",
                      e);

    if (!q)
        return -1;
    store_bind_text_static(q, 1, r->state);
    store_bind_text_static(q, 2, r->closed);
    store_bind_int64(q, 3, seq);
    store_bind_text_static(q, 4, r->facts);
    store_bind_text_static(q, 5, r->session);
    if (r->granted >= 0)
        store_bind_int64(q, 6, r->granted);
    else
        store_bind_null(q, 6);
    store_bind_int64(q, 7, r->paid);
    store_bind_text_static(q, 8, r->measure_start);
    store_bind_text_static(q, 9, r->measure_end);
    store_bind_text_static(q, 10, r->id);
    return store_step_done(q, e);
}

int case_bulk_dossiers_flush(struct case_ctx *c, struct err *e)
{
    struct case_bulk_unwritten *u = c->bulk ? c->bulk->unwritten : NULL;

    if (!u)
        return 0;
    for (struct bulk_dossier *bd = u->head; bd; bd = bd->next) {
        if (row_update(c, &bd->row, bd->seq, e) != 0)
            return -1;
        bd->unwritten = false;
    }
    u->head = NULL;
    u->tail = &u->head;
    return 0;
}

int dossier_row_load(struct case_ctx *c, const char *id, struct dossier_row *r, struct err *e)
{
    struct store_stmt *q;
    int rc;

    if (c->bulk) {
        const struct bulk_dossier *m = case_bulk_get(&c->bulk->dossiers, id);
        if (m) {
            *r = m->row;
            return 0;
        }
    }
    q = store_prepare(
        c->store,
        "SELECT id, dispositif, beneficiary_type, beneficiary, person, household, site_grid, "
        "site_code, data_class, state, opened_on, closed_on, measure_start, measure_end, facts, "
        "granted_cents, paid_cents, session FROM dossier WHERE id = ?",
        e);
    memset(r, 0, sizeof(*r));
    if (!q)
        return -1;
    store_bind_text_static(q, 1, id);
    rc = store_step(q, e);
    if (rc == STORE_ROW) {
        r->id = dossier_col_str(c, q, 0);
        r->dispositif = dossier_col_str(c, q, 1);
        r->beneficiary_type = dossier_col_str(c, q, 2);
        r->beneficiary = dossier_col_str(c, q, 3);
        r->person = dossier_col_str(c, q, 4);
        r->household = dossier_col_str(c, q, 5);
        r->site_grid = dossier_col_str(c, q, 6);
        r->site_code = dossier_col_str(c, q, 7);
        r->data_class = case_class_from_code(store_column_text(q, 8));
        r->state = dossier_col_str(c, q, 9);
        r->opened = dossier_col_str(c, q, 10);
        r->closed = dossier_col_str(c, q, 11);
        r->measure_start = dossier_col_str(c, q, 12);
        r->measure_end = dossier_col_str(c, q, 13);
        r->facts = dossier_col_str(c, q, 14);
        r->granted = store_column_is_null(q, 15) ? -1 : store_column_int64(q, 15);
        r->paid = store_column_int64(q, 16);
        r->session = dossier_col_str(c, q, 17);
    }
    store_finalize(q);
    if (rc < 0)
        return -1;
    if (rc != STORE_ROW) {
        err_set(e, ERR_NOT_FOUND, "dossier inconnu : « %s »", id);
        return err_hint(e, "les numéros de dossier s'écrivent D suivi de 7 chiffres");
    }
    if (r->data_class == CLASS__COUNT)
        return err_set(e, ERR_INTERNAL, "dossier %s : classe de données illisible", id);
    if (date_parse_iso(r->opened, strlen(r->opened), &r->opened_day, e) != 0)
        return -1;
    r->disp = catalog_find(c->cat, r->dispositif);
    row_remember(c, r, false, 0);
    return 0;
}

int dossier_session_load(struct case_ctx *c, const char *id, struct dossier_session *s,
                         struct err *e)
{
    const struct case_bulk_session *m = case_bulk_session(c, id);
    struct store_stmt *q;
    int rc;

    memset(s, 0, sizeof(*s));
    if (m) {
        s->id = id;
        s->date = m->date;
        s->state = m->state;
        return 0;
    }
    q = store_prepare(c->store,
                      "SELECT id, session_date, state FROM commission_session WHERE id = ?", e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, id);
    rc = store_step(q, e);
    if (rc == STORE_ROW) {
        s->id = dossier_col_str(c, q, 0);
        s->date = dossier_col_str(c, q, 1);
        s->state = dossier_col_str(c, q, 2);
    }
    store_finalize(q);
    if (rc < 0)
        return -1;
    if (rc != STORE_ROW) {
        err_set(e, ERR_NOT_FOUND, "séance de commission inconnue : « %s »", id);
        return err_hint(e, "une séance se crée avec « proxima commission create »");
    }
    return 0;
}

size_t case_user_sites(struct case_ctx *c, const char *capability, const char **grid,
                       const char **code, const char **list)
{
    struct strbuf sb;
    size_t n = 0;

    *grid = *code = NULL;
    strbuf_init(&sb, 0);
    for (size_t i = 0; c->user && i < c->user->ngrants; i++) {
        const struct access_grant *g = &c->user->grants[i];
        const struct catalog_role *role = catalog_role(c->cat, g->role);
        bool seen = false;

        if (!role || !catalog_role_can(role, capability))
            continue;
        for (size_t k = 0; k < i && !seen; k++) {
            const struct access_grant *o = &c->user->grants[k];
            const struct catalog_role *orole = catalog_role(c->cat, o->role);
            seen = orole && catalog_role_can(orole, capability) &&
                   !strcmp(o->site_grid, g->site_grid) && !strcmp(o->site_code, g->site_code);
        }
        if (seen)
            continue;
        strbuf_addf(&sb, "%s%s:%s", n ? ", " : "", g->site_grid, g->site_code);
        if (n++ == 0) {
            *grid = g->site_grid;
            *code = g->site_code;
        }
    }
    *list = arena_strdup(c->arena, sb.buf);
    strbuf_release(&sb);
    if (n != 1)
        *grid = *code = NULL;
    return n;
}

/* True if state is one of w's final states. */
static bool state_final(const struct catalog_workflow *w, const char *state)
{
    for (size_t i = 0; state && i < w->nfinal; i++)
        if (!strcmp(w->final_states[i], state))
            return true;
    return false;
}

/*
 * Does the workflow start where documents are awaited (its initial state
 * is the target of a demander_pieces transition)? Then a dossier may be
 * opened before its required facts are all known; they are required when
 * it is completed or instructed.
 */
static bool starts_awaiting_pieces(const struct catalog_workflow *w)
{
    for (size_t i = 0; i < w->ntransitions; i++)
        if (w->transitions[i].op == OP_DEMANDER_PIECES && w->transitions[i].to &&
            !strcmp(w->transitions[i].to, w->initial))
            return true;
    return false;
}

/*
 * The facts object of a row (new reference), or NULL with e set; *canonical
 * (may be NULL) tells whether r->facts is json_dump_sorted's text of it.
 */
static json_t *row_facts(const struct dossier_row *r, bool *canonical, struct err *e)
{
    struct json_canon canon = {0};
    json_t *f = json_parse_canon(r->facts, strlen(r->facts), "dossier", 0, &canon, e);

    if (canonical)
        *canonical = f && canon.whole;

    if (f && !json_is_object(f)) {
        json_decref(f);
        err_set(e, ERR_INTERNAL, "faits du dossier %s illisibles", r->id);
        return NULL;
    }
    return f;
}

json_t *dossier_row_facts(const struct dossier_row *r, struct err *e)
{
    return row_facts(r, NULL, e);
}

const char *dossier_json_text(struct case_ctx *c, json_t *v)
{
    struct strbuf sb;
    const char *s;

    strbuf_init(&sb, 0);
    json_dump_sorted(v, &sb);
    s = arena_strdup(c->arena, sb.buf);
    strbuf_release(&sb);
    return s;
}

/* ---- dossier.opened ------------------------------------------------------- */

/* What an opening's beneficiary is checked against, read in one statement. */
struct benef_rows {
    bool person;    /* the person exists */
    bool household; /* the household exists */
    bool member;    /* the person is a member of the household on the day */
};

static int benef_read(struct case_ctx *c, const char *person, const char *household,
                      const char *day, struct benef_rows *b, struct err *e)
{
    struct store_stmt *q =
        store_prepare(c->store,
                      "SELECT EXISTS (SELECT 1 FROM person WHERE id = ?1), "
                      "EXISTS (SELECT 1 FROM household WHERE id = ?2), "
                      "EXISTS (SELECT 1 FROM household_member WHERE household = ?2 AND person = ?1 "
                      " AND valid_from <= ?3 AND (valid_to IS NULL OR valid_to >= ?3))",
                      e);
    int rc;

    memset(b, 0, sizeof(*b));
    if (!q)
        return -1;
    store_bind_text_static(q, 1, person);
    store_bind_text_static(q, 2, household);
    store_bind_text_static(q, 3, day);
    rc = store_step(q, e);
    if (rc == STORE_ROW) {
        b->person = store_column_int64(q, 0) != 0;
        b->household = store_column_int64(q, 1) != 0;
        b->member = store_column_int64(q, 2) != 0;
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/*
 * Is person a member of household on day (both exist then)? For a
 * household created in an import's or a replay's transaction, the bulk
 * holds every stay it has (household.c): the same comparison of ISO texts
 * as the statement's, in memory.
 */
static int member_read(struct case_ctx *c, const char *person, const char *household,
                       const char *day, bool *member, struct err *e)
{
    const struct case_bulk_household *h =
        c->bulk ? case_bulk_household_get(c->bulk, household) : NULL;

    if (h) {
        *member = false;
        for (const struct case_bulk_stay *s = h->stays; s && !*member; s = s->next)
            *member = !strcmp(s->person, person) && strcmp(s->from, day) <= 0 &&
                      (!s->to || strcmp(s->to, day) >= 0);
        return 0;
    }
    return dossier_exists(c,
                          "SELECT 1 FROM household_member WHERE household = ?1 AND person = ?2 "
                          "AND valid_from <= ?3 AND (valid_to IS NULL OR valid_to >= ?3)",
                          member, e, household, person, day, (const char *)NULL);
}

/*
 * Check the beneficiary and the person / household fields of an opening.
 * With full false, only what the dossier's insert does not check when all
 * goes well: its foreign keys refuse an unknown person or household, so
 * what is left is whether the person belongs to the household, when both
 * are named (a member exists, and so does the household). When that says
 * no, or when a later check or the insert refuses the event, the full check
 * words the refusal (opened_refusal), in the order it always had.
 */
static int check_beneficiary(struct case_ctx *c, const struct catalog_dispositif *d,
                             const char *benef, const char **person, const char **household,
                             const char *date, date_t day, bool full, struct err *e)
{
    struct benef_rows b;
    bool found = false;

    switch (d->beneficiary) {
    case BENEF_PERSONNE:
        if (*person && strcmp(*person, benef) != 0)
            return err_set(e, ERR_INVALID,
                           "dossier d'une personne : « personne » (%s) doit être le bénéficiaire "
                           "(%s)",
                           *person, benef);
        if (!full) {
            if (!*household) {
                *person = benef;
                return 0;
            }
            if (member_read(c, benef, *household, date, &found, e) != 0)
                return -1;
            if (found) {
                *person = benef;
                return 0;
            }
        }
        if (benef_read(c, benef, *household, date, &b, e) != 0)
            return -1;
        if (!b.person)
            return person_unknown("bénéficiaire", benef, e);
        *person = benef;
        if (*household) {
            if (!b.household)
                return err_set(e, ERR_NOT_FOUND, "foyer inconnu : « %s »", *household);
            if (!b.member)
                return err_set(e, ERR_INVALID, "la personne %s n'est pas membre du foyer %s le %s",
                               benef, *household, date);
        }
        return 0;
    case BENEF_FOYER:
        if (*household && strcmp(*household, benef) != 0)
            return err_set(e, ERR_INVALID,
                           "dossier d'un foyer : « foyer » (%s) doit être le bénéficiaire (%s)",
                           *household, benef);
        if (!full) {
            if (!*person) {
                *household = benef;
                return 0;
            }
            if (member_read(c, *person, benef, date, &found, e) != 0)
                return -1;
            if (found) {
                *household = benef;
                return 0;
            }
        }
        if (benef_read(c, *person, benef, date, &b, e) != 0)
            return -1;
        if (!b.household) {
            err_set(e, ERR_NOT_FOUND, "bénéficiaire : foyer inconnu « %s »", benef);
            return err_hint(e, "créez d'abord le foyer et ses membres");
        }
        *household = benef;
        if (*person) {
            if (!b.person)
                return person_unknown("demandeur", *person, e);
            if (!b.member) {
                err_set(e, ERR_INVALID, "le demandeur %s n'est pas membre du foyer %s le %s",
                        *person, benef, date);
                return err_hint(e, "ajoutez-le au foyer ou choisissez un membre du foyer");
            }
        }
        return 0;
    case BENEF_ORGANISATION:
    case BENEF_COMMUNE:
        if (*person || *household)
            return err_set(e, ERR_INVALID,
                           "un dossier dont le bénéficiaire est de type « %s » ne porte ni "
                           "personne ni foyer",
                           catalog_beneficiary_code(d->beneficiary));
        if (d->beneficiary == BENEF_COMMUNE) {
            if (ref_commune_check(c->store, benef, day, e) != 0) {
                err_prefix(e, "bénéficiaire : ");
                return -1;
            }
            return 0;
        }
        if (dossier_exists(c, "SELECT 1 FROM organisation WHERE id = ?", &found, e, benef,
                           (const char *)NULL))
            return -1;
        if (!found)
            return err_set(e, ERR_NOT_FOUND, "bénéficiaire : organisation inconnue « %s »", benef);
        return 0;
    case BENEF_AUCUN:
        break;
    }
    return err_set(e, ERR_INVALID, "le dispositif %s n'a pas de bénéficiaire : pas de dossier",
                   d->code);
}

/*
 * A dossier.opened refused by a check made after those the schema does
 * when all goes well (the dossier's primary key, then the beneficiary's
 * existence, see check_beneficiary), or by the insert: if the dossier
 * exists, that is the refusal, else the beneficiary's full check's, as when
 * they were made first. Returns -1, e holding the refusal.
 */
static int opened_refusal(struct case_ctx *c, const char *id, const struct catalog_dispositif *d,
                          const char *benef, const char *person, const char *household,
                          const char *date, date_t day, struct err *e)
{
    struct err probe;
    bool found = false;

    err_clear(&probe);
    if (dossier_exists(c, "SELECT 1 FROM dossier WHERE id = ?", &found, &probe, id,
                       (const char *)NULL) != 0)
        *e = probe;
    else if (found)
        err_set(e, ERR_CONFLICT, "le dossier %s existe déjà", id);
    else if (check_beneficiary(c, d, benef, &person, &household, date, day, true, &probe) != 0)
        *e = probe;
    return -1;
}

int case_apply_dossier_opened(struct case_ctx *c, json_t *p, int64_t seq, struct err *e)
{
    const char *id, *code, *btype, *benef, *person, *household, *site, *date, *grid, *scode;
    const char *given_person, *given_household; /* as the event gives them */
    date_t day;
    json_t *facts = json_object_get(p, "faits");
    const struct catalog_dispositif *d;
    const struct catalog_transition *t;
    struct store_stmt *q;
    struct err refused;
    struct dossier_row row = {0};

    if (case_get_str(c, p, "id", true, &id, e) ||
        case_get_str(c, p, "dispositif", true, &code, e) ||
        case_get_str(c, p, "beneficiaire_type", true, &btype, e) ||
        case_get_str(c, p, "beneficiaire", true, &benef, e) ||
        case_get_str(c, p, "personne", false, &person, e) ||
        case_get_str(c, p, "foyer", false, &household, e) ||
        case_get_str(c, p, "site", true, &site, e) ||
        case_get_date(c, p, "date", true, &date, &day, e))
        return -1;
    given_person = person;
    given_household = household;
    if (json_is_null(facts))
        facts = NULL;

    d = catalog_find(c->cat, code);
    if (!d) {
        err_set(e, ERR_NOT_FOUND, "dispositif inconnu : « %s »", code);
        return err_hint(e, "« proxima catalogue list » donne les dispositifs");
    }
    if (d->nature != NATURE_DOSSIER && d->nature != NATURE_MESURE) {
        err_set(e, ERR_INVALID, "le dispositif %s (%s) est de nature « %s » : pas de dossier",
                d->code, d->label, catalog_nature_code(d->nature));
        return err_hint(e, "un acte s'enregistre avec « proxima act record »");
    }
    if (strcmp(btype, catalog_beneficiary_code(d->beneficiary)) != 0)
        return err_set(e, ERR_INVALID,
                       "dispositif %s : bénéficiaire de type « %s » attendu, « %s » reçu", d->code,
                       catalog_beneficiary_code(d->beneficiary), btype);
    /* a dossier already opened, an unknown person or household are refused by
       the insert, see opened_refusal */
    if (check_beneficiary(c, d, benef, &person, &household, date, day, false, e) != 0 ||
        case_site_parse(c, site, &grid, &scode, e) != 0 ||
        !(t = catalog_transition(d, OP_OUVRIR, NULL, e)) ||
        case_check_facts(c, d, facts, !starts_awaiting_pieces(d->workflow), e) != 0)
        return opened_refusal(c, id, d, benef, given_person, given_household, date, day, e);

    /* valid: write */
    q = store_prepare(c->store,
                      "INSERT INTO dossier(id, dispositif, beneficiary_type, beneficiary, person, "
                      "household, site_grid, site_code, data_class, state, opened_on, facts, seq) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, id);
    store_bind_text_static(q, 2, d->code);
    store_bind_text_static(q, 3, btype);
    store_bind_text_static(q, 4, benef);
    store_bind_text_static(q, 5, person);
    store_bind_text_static(q, 6, household);
    store_bind_text_static(q, 7, grid);
    store_bind_text_static(q, 8, scode);
    store_bind_text_static(q, 9, catalog_class_code(d->data_class));
    store_bind_text_static(q, 10, t->to);
    store_bind_text_static(q, 11, date);
    row.facts = facts ? case_member_text(c, p, "faits") : "{}";
    store_bind_text_static(q, 12, row.facts);
    store_bind_int64(q, 13, seq);
    err_clear(&refused);
    if (store_step_done(q, &refused) != 0) {
        *e = refused;
        return refused.code == ERR_CONFLICT || refused.code == ERR_INVALID
                   ? opened_refusal(c, id, d, benef, given_person, given_household, date, day, e)
                   : -1;
    }
    if (case_id_observe(c, 'D', id, e) != 0)
        return -1;
    q = store_prepare(c->store,
                      "INSERT INTO dossier_step(seq, dossier, op, from_state, to_state, on_date, "
                      "actor, motive) VALUES (?, ?, ?, NULL, ?, ?, ?, NULL)",
                      e);
    if (!q)
        return -1;
    store_bind_int64(q, 1, seq);
    store_bind_text_static(q, 2, id);
    store_bind_text_static(q, 3, catalog_op_code(OP_OUVRIR));
    store_bind_text_static(q, 4, t->to);
    store_bind_text_static(q, 5, date);
    store_bind_text_static(q, 6, c->actor);
    if (store_step_done(q, e) != 0)
        return -1;
    if (c->bulk) {
        row.id = id;
        row.dispositif = d->code;
        row.disp = d;
        row.beneficiary_type = btype;
        row.beneficiary = benef;
        row.person = person;
        row.household = household;
        row.site_grid = grid;
        row.site_code = scode;
        row.data_class = d->data_class;
        row.state = t->to;
        row.opened = date;
        row.opened_day = day;
        row.granted = -1;
        row.paid = 0;
        row.accorded_known = true; /* no decision yet */
        row_remember(c, &row, false, 0);
    }
    return 0;
}

/* ---- every other dossier.* event -------------------------------------- */

/* demander_pieces: the list of documents asked for, into the step's motive. */
static int apply_pieces(struct case_ctx *c, json_t *p, const char *motive,
                        struct dossier_step_out *out, struct err *e)
{
    json_t *pieces = json_object_get(p, "pieces"), *v;
    struct strbuf sb;
    size_t i;

    if (pieces && !json_is_null(pieces)) {
        if (!json_is_array(pieces) || json_array_size(pieces) == 0)
            return err_set(e, ERR_INVALID,
                           "événement %s : « pieces » doit être une liste non vide de textes",
                           case_current_type(c));
        json_array_foreach(pieces, i, v)
        {
            if (!json_is_string(v) || json_string_length(v) == 0)
                return err_set(e, ERR_INVALID,
                               "événement %s : la pièce n° %zu de « pieces » doit être un texte "
                               "non vide",
                               case_current_type(c), i + 1);
        }
    } else {
        pieces = NULL;
    }
    if (!pieces && !motive) {
        err_set(e, ERR_INVALID,
                "demande de pièces : dites quelles pièces manquent (« pieces » ou « motif »)");
        return err_hint(e,
                        "ex. --piece \"justificatif de domicile\" --piece \"avis d'imposition\"");
    }
    if (!pieces) {
        out->motive = motive;
        return 0;
    }
    strbuf_init(&sb, 0);
    if (motive)
        strbuf_addf(&sb, "%s ; ", motive);
    strbuf_addstr(&sb, "pièces demandées : ");
    json_array_foreach(pieces, i, v)
    {
        strbuf_addf(&sb, "%s%s", i ? ", " : "", json_string_value(v));
    }
    out->motive = arena_strdup(c->arena, sb.buf);
    strbuf_release(&sb);
    return 0;
}

/* completer, instruire: merge the new facts into the dossier's, check them all. */
static int apply_facts(struct case_ctx *c, json_t *p, const struct dossier_row *r,
                       struct dossier_row *next, struct err *e)
{
    json_t *add = json_object_get(p, "faits"), *all;
    bool canonical;
    int rc = -1;

    if (add && !json_is_null(add) && !json_is_object(add))
        return err_set(e, ERR_INVALID, "événement %s : « faits » doit être un objet JSON",
                       case_current_type(c));
    all = row_facts(r, &canonical, e);
    if (!all)
        return -1;
    if (add && json_is_object(add) && json_object_size(add) > 0) {
        json_object_update(all, add);
        canonical = false;
    }
    /* completing or instructing a dossier makes it complete: every required fact */
    if (case_check_facts(c, r->disp, all, true, e) != 0)
        goto out;
    /* the facts as json_dump_sorted writes them: the row's text when it is that already */
    next->facts = canonical ? r->facts : dossier_json_text(c, all);
    rc = 0;
out:
    json_decref(all);
    return rc;
}

static int apply_scheduled(struct case_ctx *c, json_t *p, const struct dossier_row *r,
                           const char *date, struct dossier_row *next, struct err *e)
{
    const char *sid;
    struct dossier_session s;
    struct case_bulk_session *m;
    struct store_stmt *q;
    struct err refused;
    int64_t pos = 1;

    if (case_get_str(c, p, "seance", true, &sid, e) != 0 ||
        dossier_session_load(c, sid, &s, e) != 0)
        return -1;
    if (strcmp(s.state, "prevue") != 0)
        return err_set(e, ERR_CONFLICT, "la séance %s du %s est close : inscription impossible",
                       sid, s.date);
    if (strcmp(s.date, date) < 0)
        return err_set(e, ERR_INVALID, "la séance %s (%s) a lieu avant la date d'inscription (%s)",
                       sid, s.date, date);
    /* a dossier already on the agenda is refused by the insert (the primary key) */
    if ((m = case_bulk_session(c, sid)) != NULL) {
        pos = m->next_position;
    } else {
        q = store_prepare(
            c->store, "SELECT COALESCE(MAX(position), 0) + 1 FROM session_agenda WHERE session = ?",
            e);
        if (!q)
            return -1;
        store_bind_text_static(q, 1, sid);
        if (store_step(q, e) == STORE_ROW)
            pos = store_column_int64(q, 0);
        store_finalize(q);
        if (e->code != ERR_OK)
            return -1;
    }
    q = store_prepare(c->store,
                      "INSERT INTO session_agenda(session, dossier, position) VALUES (?, ?, ?)", e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, sid);
    store_bind_text_static(q, 2, r->id);
    store_bind_int64(q, 3, pos);
    err_clear(&refused);
    if (store_step_done(q, &refused) != 0) {
        *e = refused;
        if (refused.code == ERR_CONFLICT)
            err_set(e, ERR_CONFLICT, "le dossier %s est déjà à l'ordre du jour de la séance %s",
                    r->id, sid);
        return -1;
    }
    if (m)
        m->next_position = pos + 1;
    next->session = sid;
    return 0;
}

static int apply_measure(const struct dossier_row *r, enum catalog_op op, const char *date,
                         struct dossier_row *next, struct err *e)
{
    if (op == OP_TERMINER_MESURE) {
        if (!r->measure_start)
            return err_set(e, ERR_CONFLICT, "la mesure du dossier %s n'a pas débuté", r->id);
        if (strcmp(date, r->measure_start) < 0)
            return err_set(e, ERR_INVALID,
                           "fin de mesure (%s) antérieure à son début (%s) pour le dossier %s",
                           date, r->measure_start, r->id);
        next->measure_end = date;
    } else {
        /* a new start (a right opened again) forgets the previous end */
        next->measure_start = date;
        next->measure_end = NULL;
    }
    return 0;
}

int case_apply_dossier_op(struct case_ctx *c, json_t *p, int64_t seq, struct err *e)
{
    int op = case_event_op(case_current_type(c));
    const char *id, *date, *motive, *closed;
    date_t day;
    struct dossier_row r;
    const struct catalog_transition *t;
    struct dossier_step_out out = {0};
    struct store_stmt *q;
    int rc = 0;

    assert(op > OP_OUVRIR && op < OP__COUNT);
    if (case_get_str(c, p, "dossier", true, &id, e) ||
        case_get_date(c, p, "date", true, &date, &day, e) ||
        case_get_str(c, p, "motif", false, &motive, e))
        return -1;
    if (motive && !*motive)
        motive = NULL;
    if (dossier_row_load(c, id, &r, e) != 0)
        return -1;
    if (!r.disp)
        return err_set(e, ERR_CONFLICT, "le dispositif %s du dossier %s n'est plus au catalogue",
                       r.dispositif, id);
    t = catalog_transition(r.disp, (enum catalog_op)op, r.state, e);
    if (!t) {
        err_detail(e, "dossier %s, dispositif %s, état « %s »", id, r.dispositif, r.state);
        return -1;
    }
    if (day < r.opened_day)
        return err_set(e, ERR_INVALID,
                       "%s : la date (%s) est antérieure à l'ouverture du dossier %s (%s)",
                       catalog_op_label((enum catalog_op)op), date, id, r.opened);
    if (!motive && (op == OP_CLORE || op == OP_ROUVRIR || op == OP_FORMER_RECOURS)) {
        err_set(e, ERR_INVALID, "%s le dossier %s : le motif est obligatoire",
                catalog_op_label((enum catalog_op)op), id);
        return err_hint(e, "indiquez-le avec --motif");
    }
    out.to = t->to;
    out.motive = motive;
    out.next = r;

    switch ((enum catalog_op)op) {
    case OP_DEMANDER_PIECES:
        rc = apply_pieces(c, p, motive, &out, e);
        break;
    case OP_COMPLETER:
    case OP_INSTRUIRE:
        rc = apply_facts(c, p, &r, &out.next, e);
        break;
    case OP_INSCRIRE_COMMISSION:
        rc = apply_scheduled(c, p, &r, date, &out.next, e);
        break;
    case OP_DECIDER:
        rc = dossier_apply_decided(c, p, &r, t, date, day, seq, &out, e);
        break;
    case OP_PAYER:
        rc = dossier_apply_paid(c, p, &r, date, seq, &out, e);
        break;
    case OP_DEBUTER_MESURE:
    case OP_TERMINER_MESURE:
        rc = apply_measure(&r, (enum catalog_op)op, date, &out.next, e);
        break;
    case OP_NOTIFIER:
    case OP_CLORE:
    case OP_ROUVRIR:
    case OP_FORMER_RECOURS:
        break;
    case OP_OUVRIR:
    case OP__COUNT:
        assert(!"not a dossier op event");
        break;
    }
    if (rc != 0)
        return -1;
    assert(out.to);

    q = store_prepare(c->store,
                      "INSERT INTO dossier_step(seq, dossier, op, from_state, to_state, on_date, "
                      "actor, motive) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      e);
    if (!q)
        return -1;
    store_bind_int64(q, 1, seq);
    store_bind_text_static(q, 2, id);
    store_bind_text_static(q, 3, catalog_op_code((enum catalog_op)op));
    store_bind_text_static(q, 4, r.state);
    store_bind_text_static(q, 5, out.to);
    store_bind_text_static(q, 6, date);
    store_bind_text_static(q, 7, c->actor);
    store_bind_text_static(q, 8, out.motive);
    if (store_step_done(q, e) != 0)
        return -1;
    /* closed_on: the day the dossier reached a final state, NULL while it is not in one */
    closed = NULL;
    if (state_final(r.disp->workflow, out.to))
        closed = state_final(r.disp->workflow, r.state) && r.closed ? r.closed : date;
    out.next.state = out.to;
    out.next.closed = closed;
    /* the new state and every column the op changed, in one statement; during
       an import or a replay, once for all its operations (case_bulk_dossiers_flush) */
    if (c->bulk) {
        row_remember(c, &out.next, true, seq);
        return 0;
    }
    return row_update(c, &out.next, seq, e);
}

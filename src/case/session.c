/*
 * session.c: commission sessions. A session (séance) of a commission is
 * chaired by an elected member, held on a date at a site; dossiers of
 * dispositifs decided in commission are put on its agenda (the dossier's
 * inscrire_commission operation, dossier.c, writes session_agenda), decided
 * in one batch, and the session is closed with its minutes (procès-verbal).
 *
 * Events: commission.session_created and commission.session_closed. Their
 * apply functions validate against the projections only, so that replay and
 * import rebuild the same sessions; the operations below check rights first.
 *
 * Rights, kept simple:
 *   - creating and closing a session need "commission.gerer" on its site;
 *   - deciding goes through case_dossier_op(OP_DECIDER) for each dossier,
 *     which checks the workflow's decider roles on the dossier's site (the
 *     catalogue gives them to "elu" and "cadre_mds", the roles holding
 *     "commission.presider"); no extra capability is asked for here;
 *   - reading a session (get, minutes) needs "dossier.lire" on its site,
 *     and reading each dossier of its agenda, each read being logged.
 *
 * Dates: a session may be planned ahead (at most SESSION_PLAN_DAYS after
 * today), since dossiers are put on the agenda of a coming session; it can
 * be decided and closed only once its date has come.
 */
#include "core/compat.h"
#include "case/dossier_int.h"

#include "core/money.h"
#include "core/strbuf.h"

#define SESSION_PLAN_DAYS   366   /* how far ahead a session may be planned */
#define SESSION_LABEL_MAX   200   /* bytes of a commission label or a chair's name */
#define SESSION_MINUTES_MAX 20000 /* bytes of the minutes text */

/* ---- helpers -------------------------------------------------------------- */

/*
 * A label or text given by an agent: not blank, at most max bytes, no
 * control characters (line breaks and tabs allowed when multiline).
 */
static int check_text(const char *what, const char *s, size_t max, bool multiline, struct err *e)
{
    size_t n = strlen(s);
    bool blank = true;

    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch == 0x7f) {
            if (!multiline || (ch != '\n' && ch != '\t' && ch != '\r'))
                return err_set(e, ERR_INVALID, "%s : caractère de contrôle interdit (octet %u)",
                               what, ch);
        }
        if (ch != ' ' && ch != '\n' && ch != '\t' && ch != '\r')
            blank = false;
    }
    if (blank)
        return err_set(e, ERR_INVALID, "%s : le texte est vide", what);
    if (n > max) {
        err_set(e, ERR_INVALID, "%s : texte trop long (%zu octets, %zu au plus)", what, n, max);
        return err_hint(e, "abrégez le texte");
    }
    return 0;
}

/* A session's row, in c->arena. */
struct session_row {
    const char *id, *commission, *date, *chair, *grid, *code, *state, *minutes, *closed;
    date_t day;
};

/* Load session id (ERR_NOT_FOUND with a hint when unknown). */
static int session_load(struct case_ctx *c, const char *id, struct session_row *r, struct err *e)
{
    struct store_stmt *q;
    int rc;

    memset(r, 0, sizeof(*r));
    if (!id || !*id)
        return err_set(e, ERR_INVALID, "identifiant de séance manquant");
    q = store_prepare(c->store,
                      "SELECT id, commission, session_date, chair, site_grid, site_code, state, "
                      "minutes, closed_on FROM commission_session WHERE id = ?",
                      e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, id);
    rc = store_step(q, e);
    if (rc == STORE_ROW) {
        r->id = arena_strdup(c->arena, store_column_text(q, 0));
        r->commission = arena_strdup(c->arena, store_column_text(q, 1));
        r->date = arena_strdup(c->arena, store_column_text(q, 2));
        r->chair = arena_strdup(c->arena, store_column_text(q, 3));
        r->grid = arena_strdup(c->arena, store_column_text(q, 4));
        r->code = arena_strdup(c->arena, store_column_text(q, 5));
        r->state = arena_strdup(c->arena, store_column_text(q, 6));
        r->minutes =
            store_column_is_null(q, 7) ? NULL : arena_strdup(c->arena, store_column_text(q, 7));
        r->closed =
            store_column_is_null(q, 8) ? NULL : arena_strdup(c->arena, store_column_text(q, 8));
    }
    store_finalize(q);
    if (rc < 0)
        return -1;
    if (rc == STORE_DONE) {
        err_set(e, ERR_NOT_FOUND, "séance de commission inconnue : « %s »", id);
        return err_hint(e, "les séances s'écrivent S suivi de 7 chiffres, ex. S0000001");
    }
    if (date_parse_iso(r->date, strlen(r->date), &r->day, e) != 0)
        return -1;
    return 0;
}

struct case_bulk_session *case_bulk_session(struct case_ctx *c, const char *id)
{
    return c->bulk ? case_bulk_get(&c->bulk->sessions, id) : NULL;
}

/* Remember a session just created (c->bulk): open, its agenda empty. */
static void session_remember(struct case_ctx *c, const char *id, const char *date)
{
    struct case_bulk *b = c->bulk;
    struct case_bulk_session *m;

    if (!b)
        return;
    m = arena_calloc(&b->arena, 1, sizeof(*m));
    m->date = arena_strdup(&b->arena, date);
    m->state = "prevue";
    m->next_position = 1;
    case_bulk_put(b, &b->sessions, id, m);
}

/* "15/03/2026" in the arena. */
static const char *fr_date(struct case_ctx *c, const char *iso)
{
    char out[DATE_ISO_LEN];
    date_t d;
    struct err ignore;

    err_clear(&ignore);
    if (!iso || date_parse_iso(iso, strlen(iso), &d, &ignore) != 0)
        return iso ? iso : "";
    date_format_fr(d, out);
    return arena_strdup(c->arena, out);
}

/* ---- events ------------------------------------------------------------- */

int case_apply_session_created(struct case_ctx *c, json_t *p, int64_t seq, struct err *e)
{
    const char *id, *commission, *date, *chair, *site, *grid, *code;
    struct store_stmt *q;
    bool exists;
    date_t day;
    int rc;

    (void)seq;
    if (case_get_str(c, p, "id", true, &id, e) != 0 ||
        case_get_str(c, p, "commission", true, &commission, e) != 0 ||
        case_get_str(c, p, "date", true, &date, e) != 0 ||
        case_get_str(c, p, "president", true, &chair, e) != 0 ||
        case_get_str(c, p, "site", true, &site, e) != 0)
        return -1;
    if (check_text("libellé de la commission", commission, SESSION_LABEL_MAX, false, e) != 0 ||
        check_text("président de séance", chair, SESSION_LABEL_MAX, false, e) != 0)
        return -1;
    if (date_parse_iso(date, strlen(date), &day, e) != 0) {
        err_prefix(e, "date de la séance : ");
        return -1;
    }
    if (day > c->today + SESSION_PLAN_DAYS) {
        char fr[DATE_ISO_LEN], today[DATE_ISO_LEN];
        date_format_fr(day, fr);
        date_format_fr(c->today, today);
        err_set(e, ERR_INVALID,
                "date de la séance trop lointaine : le %s, plus d'un an après aujourd'hui (%s)", fr,
                today);
        return err_hint(e, "vérifiez l'année de la date (AAAA-MM-JJ)");
    }
    if (case_site_parse(c, site, &grid, &code, e) != 0)
        return -1;

    q = store_prepare(c->store, "SELECT 1 FROM commission_session WHERE id = ?", e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, id);
    rc = store_step(q, e);
    exists = rc == STORE_ROW;
    store_finalize(q);
    if (rc < 0)
        return -1;
    if (exists)
        return err_set(e, ERR_CONFLICT, "la séance %s existe déjà", id);
    if (case_id_observe(c, 'S', id, e) != 0)
        return -1;

    q = store_prepare(c->store,
                      "INSERT INTO commission_session(id, commission, session_date, chair, "
                      "site_grid, site_code, state) VALUES (?, ?, ?, ?, ?, ?, 'prevue')",
                      e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, id);
    store_bind_text_static(q, 2, commission);
    store_bind_text_static(q, 3, date);
    store_bind_text_static(q, 4, chair);
    store_bind_text_static(q, 5, grid);
    store_bind_text_static(q, 6, code);
    if (store_step_done(q, e) != 0)
        return -1;
    session_remember(c, id, date);
    return 0;
}

/*
 * The agenda's dossiers that this session has not decided yet, as a
 * comma-separated list in the arena ("" when every one is decided).
 */
static int undecided_list(struct case_ctx *c, const char *session, const char **list, size_t *count,
                          struct err *e)
{
    struct store_stmt *q = store_prepare(
        c->store,
        "SELECT a.dossier FROM session_agenda a WHERE a.session = ? AND NOT EXISTS "
        "(SELECT 1 FROM decision d WHERE d.dossier = a.dossier AND d.session = a.session) "
        "ORDER BY a.position, a.dossier",
        e);
    struct strbuf sb;
    int rc;

    *count = 0;
    if (!q)
        return -1;
    strbuf_init(&sb, 0);
    store_bind_text_static(q, 1, session);
    while ((rc = store_step(q, e)) == STORE_ROW) {
        if (*count)
            strbuf_addstr(&sb, ", ");
        strbuf_addstr(&sb, store_column_text(q, 0));
        ++*count;
    }
    store_finalize(q);
    *list = arena_strdup(c->arena, sb.buf);
    strbuf_release(&sb);
    return rc < 0 ? -1 : 0;
}

int case_apply_session_closed(struct case_ctx *c, json_t *p, int64_t seq, struct err *e)
{
    const char *id, *date, *minutes, *undecided;
    struct session_row r;
    struct case_bulk_session *m;
    struct store_stmt *q;
    size_t n;
    date_t day;

    (void)seq;
    if (case_get_str(c, p, "id", true, &id, e) != 0 ||
        case_get_date(c, p, "date", true, &date, &day, e) != 0 ||
        case_get_str(c, p, "proces_verbal", true, &minutes, e) != 0)
        return -1;
    if (check_text("procès-verbal", minutes, SESSION_MINUTES_MAX, true, e) != 0)
        return -1;
    if ((m = case_bulk_session(c, id)) != NULL) {
        /* what is read of the row below */
        memset(&r, 0, sizeof(r));
        r.id = id;
        r.date = m->date;
        r.state = m->state;
        r.closed = m->closed;
        if (date_parse_iso(r.date, strlen(r.date), &r.day, e) != 0)
            return -1;
    } else if (session_load(c, id, &r, e) != 0) {
        return -1;
    }
    if (!strcmp(r.state, "close")) {
        err_set(e, ERR_CONFLICT, "la séance %s est déjà close (le %s)", id, fr_date(c, r.closed));
        return err_hint(e, "« proxima commission minutes %s » imprime son procès-verbal", id);
    }
    if (day < r.day) {
        err_set(e, ERR_CONFLICT, "la séance %s du %s ne peut pas être close avant de s'être tenue",
                id, fr_date(c, r.date));
        return err_detail(e, "date de clôture : %s", fr_date(c, date));
    }
    if (undecided_list(c, id, &undecided, &n, e) != 0)
        return -1;
    if (n) {
        err_set(e, ERR_CONFLICT,
                "la séance %s ne peut pas être close : %zu %s de l'ordre du jour %s pas "
                "décidé%s : %s",
                id, n, n > 1 ? "dossiers" : "dossier", n > 1 ? "ne sont" : "n'est",
                n > 1 ? "s" : "", undecided);
        return err_hint(e,
                        "enregistrez leurs décisions (accord, refus, ajournement ou sans suite) "
                        "avec « proxima commission decide %s », puis clôturez la séance",
                        id);
    }
    q = store_prepare(c->store,
                      "UPDATE commission_session SET state = 'close', minutes = ?, closed_on = ? "
                      "WHERE id = ?",
                      e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, minutes);
    store_bind_text_static(q, 2, date);
    store_bind_text_static(q, 3, id);
    if (store_step_done(q, e) != 0)
        return -1;
    if (m) {
        m->state = "close";
        m->closed = arena_strdup(&c->bulk->arena, date);
    }
    return 0;
}

/* ---- operations ------------------------------------------------------------ */

int case_session_create(struct case_ctx *c, const char *id_or_null, const char *commission,
                        const char *date, const char *chair, const char *site, const char **id,
                        struct err *e)
{
    const char *grid, *code, *new_id;
    char today[DATE_ISO_LEN];
    json_t *p;
    int rc;

    *id = NULL;
    if (!site || !*site) {
        err_set(e, ERR_INVALID, "site de la séance manquant");
        return err_hint(e, "ex. mds:calaisis, mdadt:artois, departement:62");
    }
    if (case_site_parse(c, site, &grid, &code, e) != 0)
        return -1;
    new_id = id_or_null ? id_or_null : case_id_next(c, 'S', e);
    if (!new_id)
        return -1;
    if (case_authorize(c, "commission.gerer", grid, code, CLASS_NONE, "seance", new_id, NULL, NULL,
                       NULL, e) != 0)
        return -1;
    date_format_iso(c->today, today);
    p = json_object();
    json_object_set_new(p, "id", json_string(new_id));
    if (commission)
        json_object_set_new(p, "commission", json_string(commission));
    json_object_set_new(p, "date", json_string(date ? date : today));
    if (chair)
        json_object_set_new(p, "president", json_string(chair));
    json_object_set_new(p, "site", json_string(site));
    rc = case_emit(c, "commission.session_created", p, NULL, e);
    json_decref(p);
    if (rc != 0)
        return -1;
    *id = arena_strdup(c->arena, new_id);
    return 0;
}

/* What the batch needs to know about one dossier of the agenda. */
struct agenda_check {
    bool on_agenda;
    const char *current;         /* dossier.session: the session it is scheduled in now */
    const char *decided_outcome; /* this session's decision, NULL if none yet */
};

static int agenda_check(struct case_ctx *c, const char *session, const char *dossier,
                        struct agenda_check *k, struct err *e)
{
    struct store_stmt *q = store_prepare(
        c->store,
        "SELECT EXISTS (SELECT 1 FROM session_agenda WHERE session = ?1 AND dossier = ?2), "
        "(SELECT session FROM dossier WHERE id = ?2), "
        "(SELECT outcome FROM decision WHERE dossier = ?2 AND session = ?1 "
        "ORDER BY seq DESC LIMIT 1), "
        "EXISTS (SELECT 1 FROM dossier WHERE id = ?2)",
        e);
    int rc;
    bool found = false;

    memset(k, 0, sizeof(*k));
    if (!q)
        return -1;
    store_bind_text_static(q, 1, session);
    store_bind_text_static(q, 2, dossier);
    rc = store_step(q, e);
    if (rc == STORE_ROW) {
        k->on_agenda = store_column_int64(q, 0) != 0;
        k->current =
            store_column_is_null(q, 1) ? NULL : arena_strdup(c->arena, store_column_text(q, 1));
        k->decided_outcome =
            store_column_is_null(q, 2) ? NULL : arena_strdup(c->arena, store_column_text(q, 2));
        found = store_column_int64(q, 3) != 0;
    }
    store_finalize(q);
    if (rc < 0)
        return -1;
    if (!found) {
        err_set(e, ERR_NOT_FOUND, "dossier inconnu : « %s »", dossier);
        return err_hint(e, "les dossiers s'écrivent D suivi de 7 chiffres, ex. D0000042");
    }
    return 0;
}

int case_session_decide(struct case_ctx *c, const char *session,
                        const struct case_batch_decision *d, size_t n, struct err *e)
{
    struct session_row r;

    if (session_load(c, session, &r, e) != 0)
        return -1;
    if (!strcmp(r.state, "close")) {
        err_set(e, ERR_CONFLICT,
                "la séance %s est close depuis le %s : ses décisions ne "
                "peuvent plus être enregistrées",
                session, fr_date(c, r.closed));
        return err_hint(e, "une décision à revoir passe par un recours sur le dossier");
    }
    if (r.day > c->today) {
        char today[DATE_ISO_LEN];
        date_format_fr(c->today, today);
        err_set(e, ERR_CONFLICT, "la séance %s du %s n'a pas encore eu lieu (nous sommes le %s)",
                session, fr_date(c, r.date), today);
        return err_hint(e, "enregistrez les décisions à partir du jour de la séance");
    }
    if (n == 0) {
        err_set(e, ERR_INVALID, "aucune décision à enregistrer pour la séance %s", session);
        return err_hint(e, "donnez au moins un dossier et sa décision");
    }

    /* validate the whole batch before deciding anything */
    for (size_t i = 0; i < n; i++) {
        struct agenda_check k;
        if (!d[i].dossier || !*d[i].dossier)
            return err_set(e, ERR_INVALID, "décision n° %zu : dossier manquant", i + 1);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(d[j].dossier, d[i].dossier)) {
                err_set(e, ERR_INVALID, "le dossier %s figure deux fois dans les décisions",
                        d[i].dossier);
                return err_hint(e, "une seule décision par dossier et par séance");
            }
        if (agenda_check(c, session, d[i].dossier, &k, e) != 0)
            return -1;
        if (!k.on_agenda) {
            err_set(e, ERR_CONFLICT,
                    "le dossier %s n'est pas inscrit à l'ordre du jour de la séance %s",
                    d[i].dossier, session);
            return err_hint(e, "inscrivez-le d'abord : « proxima commission schedule %s %s »",
                            session, d[i].dossier);
        }
        if (k.decided_outcome) {
            err_set(e, ERR_CONFLICT, "le dossier %s a déjà été décidé par la séance %s (%s)",
                    d[i].dossier, session, k.decided_outcome);
            return err_hint(e, "retirez-le de la liste des décisions");
        }
        if (k.current && strcmp(k.current, session) != 0) {
            err_set(e, ERR_CONFLICT, "le dossier %s est désormais inscrit à la séance %s, pas à %s",
                    d[i].dossier, k.current, session);
            return err_hint(e, "enregistrez sa décision dans la séance %s", k.current);
        }
    }

    for (size_t i = 0; i < n; i++) {
        struct case_op_input in = d[i].in;
        in.date = r.date;
        in.session = r.id;
        if (case_dossier_op(c, d[i].dossier, OP_DECIDER, &in, e) != 0) {
            err_prefix(e, "dossier %s : ", d[i].dossier);
            if (!e->detail[0])
                err_detail(e, "aucune décision de la séance %s n'a été enregistrée", session);
            return -1;
        }
    }
    return 0;
}

int case_session_close(struct case_ctx *c, const char *session, const char *minutes, struct err *e)
{
    struct session_row r;
    char today[DATE_ISO_LEN];
    json_t *p;
    int rc;

    if (session_load(c, session, &r, e) != 0)
        return -1;
    if (case_authorize(c, "commission.gerer", r.grid, r.code, CLASS_NONE, "seance", r.id, NULL,
                       NULL, NULL, e) != 0)
        return -1;
    date_format_iso(c->today, today);
    p = json_object();
    json_object_set_new(p, "id", json_string(r.id));
    json_object_set_new(p, "date", json_string(today));
    if (minutes)
        json_object_set_new(p, "proces_verbal", json_string(minutes));
    rc = case_emit(c, "commission.session_closed", p, NULL, e);
    json_decref(p);
    return rc;
}

/* ---- reads ------------------------------------------------------------------ */

/* One agenda row with what reading it needs (access target, decision details). */
struct agenda_row {
    struct case_agenda_item item;
    const char *grid, *code, *cls, *person, *household, *beneficiary_type;
    const char *motive, *decided_on;
};

static int agenda_load(struct case_ctx *c, const char *session, struct agenda_row **rows, size_t *n,
                       struct err *e)
{
    struct store_stmt *q = store_prepare(
        c->store,
        "SELECT d.id, d.dispositif, d.beneficiary, d.state, d.site_grid, d.site_code, "
        "d.data_class, d.person, d.household, d.beneficiary_type, "
        "x.outcome, x.amount_cents, x.motive, x.decided_on "
        "FROM session_agenda a JOIN dossier d ON d.id = a.dossier "
        "LEFT JOIN decision x ON x.seq = (SELECT MAX(seq) FROM decision "
        "  WHERE dossier = a.dossier AND session = a.session) "
        "WHERE a.session = ? ORDER BY a.position, a.dossier",
        e);
    struct agenda_row *v = NULL;
    size_t cap = 0, k = 0;
    int rc;

    *rows = NULL;
    *n = 0;
    if (!q)
        return -1;
    store_bind_text_static(q, 1, session);
    while ((rc = store_step(q, e)) == STORE_ROW) {
        struct agenda_row *a;
        if (k == cap) {
            struct agenda_row *grown;
            cap = cap ? 2 * cap : 16;
            grown = arena_calloc(c->arena, cap, sizeof(*grown));
            if (k)
                memcpy(grown, v, k * sizeof(*grown));
            v = grown;
        }
        a = &v[k++];
#define COL(i) (store_column_is_null(q, i) ? NULL : arena_strdup(c->arena, store_column_text(q, i)))
        a->item.dossier = COL(0);
        a->item.dispositif = COL(1);
        a->item.beneficiary = COL(2);
        a->item.state = COL(3);
        a->grid = COL(4);
        a->code = COL(5);
        a->cls = COL(6);
        a->person = COL(7);
        a->household = COL(8);
        a->beneficiary_type = COL(9);
        a->item.outcome = COL(10);
        a->item.amount = store_column_is_null(q, 11) ? -1 : store_column_int64(q, 11);
        a->motive = COL(12);
        a->decided_on = COL(13);
#undef COL
    }
    store_finalize(q);
    if (rc < 0)
        return -1;
    *rows = v;
    *n = k;
    return 0;
}

/* Load the session and its agenda, checking and logging the reads. */
static int session_read(struct case_ctx *c, const char *id, struct session_row *r,
                        struct agenda_row **rows, size_t *n, struct err *e)
{
    if (session_load(c, id, r, e) != 0)
        return -1;
    if (case_authorize(c, "dossier.lire", r->grid, r->code, CLASS_NONE, "seance", r->id, NULL, NULL,
                       NULL, e) != 0)
        return -1;
    if (agenda_load(c, r->id, rows, n, e) != 0)
        return -1;
    /* the agenda names beneficiaries: each dossier is a read of a personal file */
    for (size_t i = 0; i < *n; i++) {
        struct agenda_row *a = &(*rows)[i];
        enum data_class cls = case_class_from_code(a->cls);
        if (cls == CLASS__COUNT)
            return err_set(e, ERR_INTERNAL, "classe de données inconnue « %s » du dossier %s",
                           a->cls, a->item.dossier);
        if (case_authorize(c, "dossier.lire", a->grid, a->code, cls, "dossier", a->item.dossier,
                           a->person, NULL, "lecture", e) != 0) {
            err_prefix(e, "ordre du jour de la séance %s, dossier %s : ", r->id, a->item.dossier);
            return -1;
        }
    }
    return 0;
}

int case_session_get(struct case_ctx *c, const char *id, struct case_session *out, struct err *e)
{
    struct session_row r;
    struct agenda_row *rows;
    size_t n;

    memset(out, 0, sizeof(*out));
    if (session_read(c, id, &r, &rows, &n, e) != 0)
        return -1;
    out->id = r.id;
    out->commission = r.commission;
    out->date = r.date;
    out->chair = r.chair;
    out->site = arena_printf(c->arena, "%s:%s", r.grid, r.code);
    out->state = r.state;
    out->minutes = r.minutes;
    out->agenda = arena_calloc(c->arena, n ? n : 1, sizeof(*out->agenda));
    for (size_t i = 0; i < n; i++)
        out->agenda[i] = rows[i].item;
    out->nagenda = n;
    return 0;
}

/* ---- minutes ------------------------------------------------------------------ */

static const char *person_name(struct case_ctx *c, const char *person, struct err *e)
{
    return case_query_text(c, "SELECT last_name || ' ' || first_name FROM person WHERE id = ?",
                           person, NULL, NULL, e);
}

/* "Dupont Marie (P0000001)", "foyer Famille Dupont (F0000001), demandeur Dupont Marie"... */
static const char *beneficiary_label(struct case_ctx *c, const struct agenda_row *a,
                                     const struct session_row *r, struct err *e)
{
    const char *t = a->beneficiary_type ? a->beneficiary_type : "";
    const char *b = a->item.beneficiary, *name;

    if (!strcmp(t, "personne")) {
        name = person_name(c, b, e);
        return arena_printf(c->arena, "%s (%s)", name ? name : "?", b);
    }
    if (!strcmp(t, "foyer")) {
        const char *label =
            case_query_text(c, "SELECT label FROM household WHERE id = ?", b, NULL, NULL, e);
        const char *who = a->person ? person_name(c, a->person, e) : NULL;
        if (who)
            return arena_printf(c->arena, "%s (%s), foyer %s (%s)", who, a->person,
                                label ? label : "?", b);
        return arena_printf(c->arena, "foyer %s (%s)", label ? label : "?", b);
    }
    if (!strcmp(t, "organisation")) {
        name = case_query_text(c, "SELECT name FROM organisation WHERE id = ?", b, NULL, NULL, e);
        return arena_printf(c->arena, "%s (%s)", name ? name : "?", b);
    }
    if (!strcmp(t, "commune")) {
        name = case_query_text(c,
                               "SELECT name FROM ref_commune WHERE code = ?1 AND valid_from <= ?2 "
                               "ORDER BY valid_from DESC LIMIT 1",
                               b, r->date, NULL, e);
        return arena_printf(c->arena, "commune de %s (%s)", name ? name : "?", b);
    }
    return b;
}

static void add_money(struct strbuf *sb, int64_t cents)
{
    money_format(sb, cents);
}

static const char *outcome_label(const char *code)
{
    enum catalog_outcome o;

    if (!code)
        return "non décidé";
    if (catalog_outcome_from_code(code, &o) != 0)
        return code;
    return catalog_outcome_label(o);
}

int case_session_minutes(struct case_ctx *c, const char *id, struct strbuf *out, struct err *e)
{
    struct session_row r;
    struct agenda_row *rows;
    size_t n, count[OUTCOME__COUNT + 1] = {0};
    int64_t total[OUTCOME__COUNT + 1] = {0};
    char longdate[32];
    const char *site_name;

    if (session_read(c, id, &r, &rows, &n, e) != 0)
        return -1;
    site_name = case_query_text(c, "SELECT name FROM ref_area WHERE grid = ? AND code = ?", r.grid,
                                r.code, NULL, e);
    if (e->code != ERR_OK)
        return -1;
    date_format_long_fr(r.day, longdate, sizeof(longdate));

    strbuf_addstr(out, "PROCÈS-VERBAL DE SÉANCE\n\n");
    strbuf_addf(out, "Commission : %s\n", r.commission);
    strbuf_addf(out, "Séance     : %s du %s\n", r.id, longdate);
    strbuf_addf(out, "Présidence : %s\n", r.chair);
    if (site_name)
        strbuf_addf(out, "Site       : %s (%s:%s)\n", site_name, r.grid, r.code);
    else
        strbuf_addf(out, "Site       : %s:%s\n", r.grid, r.code);
    if (!strcmp(r.state, "close"))
        strbuf_addf(out, "État       : close le %s\n", fr_date(c, r.closed));
    else
        strbuf_addstr(out, "État       : prévue (non close)\n");
    strbuf_addf(out, "\nOrdre du jour : %zu %s\n", n, n > 1 ? "dossiers" : "dossier");

    for (size_t i = 0; i < n; i++) {
        const struct agenda_row *a = &rows[i];
        const struct catalog_dispositif *disp = catalog_find(c->cat, a->item.dispositif);
        const char *who = beneficiary_label(c, a, &r, e);
        enum catalog_outcome o;
        size_t slot = OUTCOME__COUNT; /* undecided */

        if (e->code != ERR_OK)
            return -1;
        if (a->item.outcome && catalog_outcome_from_code(a->item.outcome, &o) == 0)
            slot = (size_t)o;
        strbuf_addf(out, "\n%zu. Dossier %s : %s\n", i + 1, a->item.dossier,
                    disp ? disp->label : a->item.dispositif);
        strbuf_addf(out, "   Bénéficiaire : %s\n", who ? who : a->item.beneficiary);
        strbuf_addf(out, "   Décision     : %s", outcome_label(a->item.outcome));
        if (a->item.amount >= 0) {
            strbuf_addstr(out, ", ");
            add_money(out, a->item.amount);
        }
        strbuf_addch(out, '\n');
        if (a->motive && *a->motive)
            strbuf_addf(out, "   Motif        : %s\n", a->motive);
        count[slot]++;
        if (a->item.amount > 0)
            total[slot] += a->item.amount;
    }

    strbuf_addstr(out, "\nRécapitulatif des décisions\n");
    for (size_t k = 0; k <= OUTCOME__COUNT; k++) {
        const char *label =
            k < OUTCOME__COUNT ? catalog_outcome_label((enum catalog_outcome)k) : "non décidé";
        if (!count[k])
            continue;
        strbuf_addf(out, "  %s : %zu %s", label, count[k], count[k] > 1 ? "dossiers" : "dossier");
        if (total[k] > 0) {
            strbuf_addstr(out, ", ");
            add_money(out, total[k]);
        }
        strbuf_addch(out, '\n');
    }
    if (n == 0)
        strbuf_addstr(out, "  aucun dossier\n");
    strbuf_addstr(out, "  Total accordé : ");
    add_money(out, total[OUTCOME_ACCORD]);
    strbuf_addch(out, '\n');
    if (r.minutes) {
        strbuf_addstr(out, "\nObservations\n");
        strbuf_addstr(out, r.minutes);
        if (r.minutes[strlen(r.minutes) - 1] != '\n')
            strbuf_addch(out, '\n');
    }
    strbuf_addf(out, "\nLa présidence de séance : %s\n", r.chair);
    if (strbuf_failed(out))
        return err_set(e, ERR_TOO_LARGE, "procès-verbal trop long pour le tampon de sortie");
    return 0;
}

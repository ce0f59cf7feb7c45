/*
 * event.c: the heart of event sourcing in proxima. The table of event types,
 * case_emit (validate + apply + journal), case_apply (replay, import),
 * case_replay, the projection digest, and the helpers every apply function
 * uses: payload getters, fact checks, identifiers, sites, authorisation.
 */
#include "core/compat.h"
#include "case/case_int.h"

#include <pthread.h>
#include <sodium.h>

#include "core/json.h"
#include "core/money.h"
#include "core/strbuf.h"
#include "journal/journal.h"

#define F(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Fields common to every dossier operation event. */
#define DOSSIER_OP_FIELDS "dossier", "date", "motif"

static const struct case_event_def case_events[] = {
    {"person.created",
     F("id", "nir", "identifiant_interne", "numero_caf", "role_caf", "nom", "prenom",
       "date_naissance", "sexe", "adresse", "commune", "telephone", "courriel", "date"),
     case_apply_person_created},
    {"person.moved", F("personne", "commune", "adresse", "date"), case_apply_person_moved},
    {"household.created", F("id", "libelle", "date"), case_apply_household_created},
    {"household.member_added", F("foyer", "personne", "role", "date"),
     case_apply_household_member_added},
    {"household.member_left", F("foyer", "personne", "date"), case_apply_household_member_left},
    {"organisation.created", F("id", "nom", "siret", "rna", "commune", "date"),
     case_apply_organisation_created},
    {"dossier.opened",
     F("id", "dispositif", "beneficiaire_type", "beneficiaire", "personne", "foyer", "site", "date",
       "faits"),
     case_apply_dossier_opened},
    {"dossier.documents_requested", F(DOSSIER_OP_FIELDS, "pieces"), case_apply_dossier_op},
    {"dossier.completed", F(DOSSIER_OP_FIELDS, "faits"), case_apply_dossier_op},
    {"dossier.instructed", F(DOSSIER_OP_FIELDS, "faits"), case_apply_dossier_op},
    {"dossier.scheduled", F(DOSSIER_OP_FIELDS, "seance"), case_apply_dossier_op},
    {"dossier.decided",
     F(DOSSIER_OP_FIELDS, "decision", "montant", "droit_du", "droit_au", "seance"),
     case_apply_dossier_op},
    {"dossier.notified", F(DOSSIER_OP_FIELDS), case_apply_dossier_op},
    {"dossier.paid", F(DOSSIER_OP_FIELDS, "versement", "montant"), case_apply_dossier_op},
    {"dossier.measure_started", F(DOSSIER_OP_FIELDS), case_apply_dossier_op},
    {"dossier.measure_ended", F(DOSSIER_OP_FIELDS), case_apply_dossier_op},
    {"dossier.closed", F(DOSSIER_OP_FIELDS), case_apply_dossier_op},
    {"dossier.reopened", F(DOSSIER_OP_FIELDS), case_apply_dossier_op},
    {"dossier.appealed", F(DOSSIER_OP_FIELDS), case_apply_dossier_op},
    {"act.recorded", F("id", "dispositif", "date", "site", "personne", "faits"),
     case_apply_act_recorded},
    {"commission.session_created", F("id", "commission", "date", "president", "site"),
     case_apply_session_created},
    {"commission.session_closed", F("id", "date", "proces_verbal"), case_apply_session_closed},
};

/* Dossier operations and their event types; OP_OUVRIR has dossier.opened. */
static const char *const op_events[OP__COUNT] = {
    [OP_OUVRIR] = "dossier.opened",
    [OP_DEMANDER_PIECES] = "dossier.documents_requested",
    [OP_COMPLETER] = "dossier.completed",
    [OP_INSTRUIRE] = "dossier.instructed",
    [OP_INSCRIRE_COMMISSION] = "dossier.scheduled",
    [OP_DECIDER] = "dossier.decided",
    [OP_NOTIFIER] = "dossier.notified",
    [OP_PAYER] = "dossier.paid",
    [OP_DEBUTER_MESURE] = "dossier.measure_started",
    [OP_TERMINER_MESURE] = "dossier.measure_ended",
    [OP_CLORE] = "dossier.closed",
    [OP_ROUVRIR] = "dossier.reopened",
    [OP_FORMER_RECOURS] = "dossier.appealed",
};

const char *case_op_event(enum catalog_op op)
{
    assert(op >= 0 && op < OP__COUNT);
    return op_events[op];
}

int case_event_op(const char *type)
{
    /* usually case_current_type's, which is the table's own string */
    for (int op = 1; op < OP__COUNT; op++)
        if (op_events[op] == type)
            return op;
    for (int op = 1; op < OP__COUNT; op++)
        if (!strcmp(op_events[op], type))
            return op;
    return -1;
}

/*
 * Looking a type up: an import does it for every line. An open-addressing
 * table of the types' indexes, keyed by a hash of the text's length and
 * three of its bytes and built once, gives one hash and one comparison
 * instead of a strcmp per type of the table. Each type's subject fields
 * (see case_emit_text) are found at the same time.
 */
#define EVENT_SLOTS       64 /* power of two, more than twice the types */
#define EVENT_FIELDS_MAX  16 /* fields of the widest type, NULL included */
#define EVENT_SUBJECT_MAX 4

static_assert(ARRAY_SIZE(case_events) * 2 < EVENT_SLOTS, "EVENT_SLOTS too small");
static_assert(ARRAY_SIZE(case_events) < 255, "event_slots holds index + 1 in a byte");

/* The fields an event is about, the first present as a string being its subject. */
static const char *const subject_keys[EVENT_SUBJECT_MAX] = {"id", "dossier", "personne", "foyer"};

static struct {
    pthread_once_t once;
    unsigned char slot[EVENT_SLOTS];     /* index + 1; 0: empty */
    size_t len[ARRAY_SIZE(case_events)]; /* strlen of each type */
    /* the indexes in its fields of each type's subject_keys, in their order; -1 after */
    signed char subject[ARRAY_SIZE(case_events)][EVENT_SUBJECT_MAX];
} event_index = {.once = PTHREAD_ONCE_INIT};

/* A few of the text's bytes and its length: enough to tell the types apart. */
static uint32_t type_hash(const char *s, size_t n)
{
    uint32_t h = (uint32_t)n;

    if (n >= 3) {
        h = h * 31 + (unsigned char)s[n - 1];
        h = h * 31 + (unsigned char)s[n - 3];
        h = h * 31 + (unsigned char)s[n / 2];
    }
    return h ^ (h >> 7);
}

static void event_index_build(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(case_events); i++) {
        const struct case_event_def *d = &case_events[i];
        size_t n = strlen(d->type), k = 0, s = type_hash(d->type, n) & (EVENT_SLOTS - 1);

        while (event_index.slot[s])
            s = (s + 1) & (EVENT_SLOTS - 1);
        event_index.slot[s] = (unsigned char)(i + 1);
        event_index.len[i] = n;
        memset(event_index.subject[i], -1, sizeof(event_index.subject[i]));
        for (size_t j = 0; j < EVENT_SUBJECT_MAX; j++)
            for (size_t f = 0; d->fields[f]; f++) {
                if (f + 1 >= EVENT_FIELDS_MAX) {
                    /* a frame could not hold its fields (apply_frame.vals) */
                    fprintf(stderr, "proxima: bug: event %s has too many fields\n", d->type);
                    abort();
                }
                if (!strcmp(d->fields[f], subject_keys[j]))
                    event_index.subject[i][k++] = (signed char)f;
            }
    }
}

int case_event_index(const char *type)
{
    size_t n = strlen(type), s;
    uint32_t h = type_hash(type, n);

    pthread_once(&event_index.once, event_index_build);
    for (s = h & (EVENT_SLOTS - 1); event_index.slot[s]; s = (s + 1) & (EVENT_SLOTS - 1)) {
        int i = event_index.slot[s] - 1;
        if (event_index.len[i] == n && !memcmp(case_events[i].type, type, n))
            return i;
    }
    return -1;
}

static const struct case_event_def *event_def(const char *type)
{
    int i = case_event_index(type);

    return i < 0 ? NULL : &case_events[i];
}

bool case_event_known(const char *type)
{
    return case_event_index(type) >= 0;
}

/*
 * The event being applied on this thread: its type (for messages), its
 * payload, and the value of each of its fields as check_fields found them,
 * so that the payload getters read them from here instead of looking the
 * payload object up again. An apply function never changes the payload it
 * applies (the values stay the object's own); an event applied from inside
 * another would get its own frame.
 */
struct apply_frame {
    const struct case_event_def *def;
    json_t *payload;
    json_t *vals[EVENT_FIELDS_MAX]; /* by index in def->fields; NULL: absent */
    struct apply_frame *outer;
};

static _Thread_local struct apply_frame *current_frame;

const char *case_current_type(const struct case_ctx *c)
{
    (void)c;
    return current_frame ? current_frame->def->type : "?";
}

/* p's member field: from the frame when p is the payload being applied. */
static json_t *payload_get(json_t *p, const char *field)
{
    const struct apply_frame *fr = current_frame;

    if (fr && fr->payload == p) {
        const char *const *f = fr->def->fields;
        /* callers pass literals, usually merged with the table's own */
        for (size_t i = 0; f[i]; i++)
            if (f[i] == field)
                return fr->vals[i];
        for (size_t i = 0; f[i]; i++)
            if (*f[i] == *field && !strcmp(f[i], field))
                return fr->vals[i];
    }
    return json_object_get(p, field);
}

static int check_fields(const struct case_event_def *def, json_t *p, struct apply_frame *fr,
                        struct err *e)
{
    if (!json_is_object(p))
        return err_set(e, ERR_INVALID, "événement %s : le contenu doit être un objet JSON",
                       def->type);
    /* json_object_foreach's order, without its look-ups of each key's iterator */
    for (void *it = json_object_iter(p); it; it = json_object_iter_next(p, it)) {
        const char *key = json_object_iter_key(it);
        const char *const *f = def->fields;
        size_t i;
        for (i = 0; f[i]; i++)
            if (*f[i] == *key && !strcmp(f[i], key))
                break;
        if (!f[i]) {
            err_set(e, ERR_INVALID, "événement %s : champ inconnu « %s »", def->type, key);
            return err_hint(e, "voir docs/FORMAT.md pour les champs de chaque événement");
        }
        fr->vals[i] = json_object_iter_value(it);
    }
    return 0;
}

static int64_t next_seq(struct store *s, struct err *e)
{
    int64_t seq;

    return journal_next_seq(s, &seq, e) == 0 ? seq : -1;
}

/* The definition of type, or NULL with e filled. */
static const struct case_event_def *resolve(const char *type, struct err *e)
{
    const struct case_event_def *def = event_def(type);

    if (!def) {
        err_set(e, ERR_INVALID, "type d'événement inconnu : « %s »", type);
        err_hint(e, "voir docs/FORMAT.md pour la liste des événements");
    }
    return def;
}

/* Check p's fields into fr, then apply p at seq with fr as the current frame. */
static int apply_at(struct case_ctx *c, const struct case_event_def *def, struct apply_frame *fr,
                    json_t *p, int64_t seq, struct err *e)
{
    int rc;

    memset(fr, 0, sizeof(*fr));
    fr->def = def;
    fr->payload = p;
    if (check_fields(def, p, fr, e) != 0)
        return -1;
    fr->outer = current_frame;
    current_frame = fr;
    rc = def->apply(c, p, seq, e);
    current_frame = fr->outer;
    return rc;
}

int case_apply(struct case_ctx *c, const char *type, json_t *payload, struct err *e)
{
    const struct case_event_def *def;
    struct apply_frame fr;
    int64_t seq = next_seq(c->store, e);

    if (seq < 0 || !(def = resolve(type, e)))
        return -1;
    return apply_at(c, def, &fr, payload, seq, e);
}

/* Apply payload (whose canonical text is text, n bytes, or NULL) at seq. */
static int apply_with_text(struct case_ctx *c, const struct case_event_def *def,
                           struct apply_frame *fr, json_t *payload, const char *text, size_t n,
                           int64_t seq, struct err *e)
{
    json_t *saved = c->applying;
    const char *saved_text = c->applying_text;
    size_t saved_len = c->applying_len;
    int rc;

    c->applying = payload;
    c->applying_text = text;
    c->applying_len = n;
    rc = apply_at(c, def, fr, payload, seq, e);
    c->applying = saved;
    c->applying_text = saved_text;
    c->applying_len = saved_len;
    return rc;
}

const char *case_member_text(struct case_ctx *c, json_t *p, const char *field)
{
    const char *v, *out;
    struct strbuf sb;
    size_t n;

    if (p == c->applying && c->applying_text &&
        json_canon_member(c->applying_text, c->applying_len, field, &v, &n) == 0)
        return arena_strndup(c->arena, v, n);
    strbuf_init(&sb, 0);
    json_dump_sorted(payload_get(p, field), &sb);
    out = arena_strdup(c->arena, sb.buf);
    strbuf_release(&sb);
    return out;
}

int case_emit(struct case_ctx *c, const char *type, json_t *payload, const char *reason,
              struct err *e)
{
    return case_emit_text(c, type, payload, NULL, 0, reason, e);
}

int case_emit_text(struct case_ctx *c, const char *type, json_t *payload, const char *given,
                   size_t given_len, const char *reason, struct err *e)
{
    const struct case_event_def *def;
    struct apply_frame fr;
    struct journal_event ev = {0};
    struct strbuf text;
    const signed char *subject;
    int64_t seq;
    int rc;

    assert(c->store->in_tx);
    /* the journaled text, before applying: the apply functions reuse its parts;
       a given text is used where it is (it outlives this call) */
    strbuf_init(&text, 0);
    if (!given) {
        json_dump_sorted(payload, &text);
        given = text.buf;
        given_len = text.len;
    } else if (given_len == 0) {
        given = ""; /* journal_append reads a 0 length as NUL-terminated */
    }
    seq = next_seq(c->store, e);
    if (seq < 0 || !(def = resolve(type, e)) ||
        apply_with_text(c, def, &fr, payload, given, given_len, seq, e) != 0) {
        strbuf_release(&text);
        return -1;
    }
    ev.type = def->type;
    ev.recorded_at = c->recorded_at;
    ev.actor = c->actor;
    ev.subject = "";
    /* the subject is the object the event is about: the first of subject_keys
       present as a string (check_fields found the type's fields) */
    subject = event_index.subject[def - case_events];
    for (size_t i = 0; i < EVENT_SUBJECT_MAX && subject[i] >= 0; i++) {
        json_t *v = fr.vals[subject[i]];
        if (json_is_string(v)) {
            ev.subject = json_string_value(v);
            break;
        }
    }
    ev.reason = reason ? reason : "";
    ev.payload = given;
    ev.payload_len = given_len;
    rc = journal_append(c->store, &ev, NULL, e);
    strbuf_release(&text);
    if (rc == 0 && ev.seq != seq)
        return err_set(e, ERR_INTERNAL, "numéro d'événement inattendu : %lld au lieu de %lld",
                       (long long)ev.seq, (long long)seq);
    return rc;
}

/* ---- replay and digest ---------------------------------------------------- */

/* Projection tables, children first (for emptying) ... */
static const char *const clear_sql[] = {
    "DELETE FROM session_agenda",
    "DELETE FROM payment",
    "DELETE FROM decision",
    "DELETE FROM dossier_step",
    "DELETE FROM dossier",
    "DELETE FROM commission_session",
    "DELETE FROM act",
    "DELETE FROM household_member",
    "DELETE FROM household",
    "DELETE FROM organisation",
    "DELETE FROM person_address",
    "DELETE FROM person",
    "DELETE FROM case_counter",
};

/* ... and each one's content as text rows, in a stable order, seq columns left out
   (they are journal positions, which differ after an import into another base). */
static const char *const digest_sql[] = {
    "SELECT kind || '|' || next FROM case_counter ORDER BY kind",
    "SELECT quote(id) || quote(nir) || quote(internal_id) || quote(caf_number) || "
    "quote(caf_role) || quote(last_name) || quote(first_name) || quote(name_key) || "
    "quote(birth_date) || quote(sex) || quote(phone) || quote(email) || quote(created_on) "
    "FROM person ORDER BY id",
    "SELECT quote(person) || quote(valid_from) || quote(valid_to) || quote(commune) || "
    "quote(address) FROM person_address ORDER BY person, valid_from",
    "SELECT quote(id) || quote(label) || quote(created_on) FROM household ORDER BY id",
    "SELECT quote(household) || quote(person) || quote(role) || quote(valid_from) || "
    "quote(valid_to) FROM household_member ORDER BY household, person, valid_from",
    "SELECT quote(id) || quote(name) || quote(siret) || quote(rna) || quote(commune) || "
    "quote(created_on) FROM organisation ORDER BY id",
    "SELECT quote(id) || quote(dispositif) || quote(beneficiary_type) || quote(beneficiary) || "
    "quote(person) || quote(household) || quote(site_grid) || quote(site_code) || "
    "quote(data_class) || quote(state) || quote(opened_on) || quote(closed_on) || "
    "quote(measure_start) || quote(measure_end) || quote(facts) || quote(granted_cents) || "
    "quote(paid_cents) || quote(session) FROM dossier ORDER BY id",
    "SELECT quote(dossier) || quote(op) || quote(from_state) || quote(to_state) || "
    "quote(on_date) || quote(actor) || quote(motive) FROM dossier_step ORDER BY dossier, seq",
    "SELECT quote(dossier) || quote(outcome) || quote(decided_on) || quote(amount_cents) || "
    "quote(right_from) || quote(right_to) || quote(motive) || quote(session) || quote(actor) "
    "FROM decision ORDER BY dossier, seq",
    "SELECT quote(id) || quote(dossier) || quote(paid_on) || quote(amount_cents) "
    "FROM payment ORDER BY id",
    "SELECT quote(id) || quote(dispositif) || quote(act_date) || quote(site_grid) || "
    "quote(site_code) || quote(agent) || quote(person) || quote(data_class) || quote(facts) "
    "FROM act ORDER BY id",
    "SELECT quote(id) || quote(commission) || quote(session_date) || quote(chair) || "
    "quote(site_grid) || quote(site_code) || quote(state) || quote(minutes) || "
    "quote(closed_on) FROM commission_session ORDER BY id",
    "SELECT quote(session) || quote(dossier) || quote(position) FROM session_agenda "
    "ORDER BY session, position",
};

int case_projection_digest(struct store *s, char out[65], struct err *e)
{
    crypto_generichash_state h;
    unsigned char bin[32];
    static const char hexd[] = "0123456789abcdef";

    if (sodium_init() < 0)
        return err_set(e, ERR_INTERNAL, "initialisation de libsodium impossible");
    crypto_generichash_init(&h, NULL, 0, sizeof(bin));
    for (size_t i = 0; i < ARRAY_SIZE(digest_sql); i++) {
        struct store_stmt *q = store_prepare(s, digest_sql[i], e);
        int rc;
        if (!q)
            return -1;
        crypto_generichash_update(&h, (const unsigned char *)"#", 1);
        while ((rc = store_step(q, e)) == STORE_ROW) {
            const char *row = store_column_text(q, 0);
            crypto_generichash_update(&h, (const unsigned char *)row, strlen(row) + 1);
        }
        store_finalize(q);
        if (rc < 0)
            return -1;
    }
    crypto_generichash_final(&h, bin, sizeof(bin));
    for (size_t i = 0; i < sizeof(bin); i++) {
        out[2 * i] = hexd[bin[i] >> 4];
        out[2 * i + 1] = hexd[bin[i] & 15];
    }
    out[64] = '\0';
    return 0;
}

struct replay_state {
    struct case_ctx *c;
    struct err *e;
    int64_t applied;
};

static int replay_one(const struct journal_event *ev, void *ctx)
{
    struct replay_state *st = ctx;
    struct json_canon canon = {0};
    struct apply_frame fr;
    json_t *p;
    size_t n;
    int i = case_event_index(ev->type), rc;

    if (i < 0)
        return 0; /* referential, users: not projections of this layer */
    n = strlen(ev->payload);
    p = json_parse_canon(ev->payload, n, "journal", (size_t)ev->seq, &canon, st->e);
    if (!p)
        return -1;
    st->c->actor = ev->actor;
    st->c->today = paris_date_of(ev->recorded_at);
    arena_clear(st->c->arena);
    rc = apply_with_text(st->c, &case_events[i], &fr, p, canon.whole ? ev->payload : NULL, n,
                         ev->seq, st->e);
    json_decref(p);
    if (rc != 0) {
        err_prefix(st->e, "rejeu de l'événement n° %lld : ", (long long)ev->seq);
        return -1;
    }
    st->applied++;
    return 0;
}

int case_replay(struct store *s, const struct catalog *cat, struct err *e)
{
    struct arena a;
    struct case_bulk bulk;
    struct case_ctx c = {
        .store = s, .cat = cat, .arena = &a, .actor = "system", .replaying = true, .bulk = &bulk};
    struct replay_state st = {.c = &c, .e = e};
    struct case_bulk_indexes idx = {0};
    int rc = -1;

    arena_init(&a, 0);
    case_bulk_init(&bulk);
    if (store_begin(s, e) != 0)
        goto out;
    /* every projection row is written again: the secondary indexes no
       statement reads are built once at the end instead (bulk.c) */
    if (case_bulk_indexes_drop(s, &idx, e) != 0)
        goto fail;
    for (size_t i = 0; i < ARRAY_SIZE(clear_sql); i++)
        if (store_step_done(store_prepare(s, clear_sql[i], e), e) != 0)
            goto fail;
    if (journal_foreach(s, 0, replay_one, &st, e) != 0) {
        if (e->code == ERR_OK)
            err_set(e, ERR_INTERNAL, "rejeu interrompu");
        goto fail;
    }
    if (case_bulk_flush(&c, e) != 0 || case_bulk_indexes_restore(s, &idx, e) != 0 ||
        store_commit(s, e) != 0)
        goto fail;
    rc = 0;
    goto out;
fail:
    store_rollback(s);
out:
    case_bulk_indexes_forget(&idx);
    case_bulk_release(&bulk);
    arena_release(&a);
    return rc;
}

/* ---- payload getters ------------------------------------------------------ */

int case_get_str(struct case_ctx *c, json_t *p, const char *field, bool required, const char **out,
                 struct err *e)
{
    json_t *v = payload_get(p, field);

    *out = NULL;
    if (!v || json_is_null(v)) {
        if (!required)
            return 0;
        err_set(e, ERR_INVALID, "événement %s : champ obligatoire manquant : « %s »",
                case_current_type(c), field);
        return -1;
    }
    if (!json_is_string(v)) {
        err_set(e, ERR_INVALID, "événement %s : le champ « %s » doit être une chaîne",
                case_current_type(c), field);
        return -1;
    }
    *out = json_string_value(v);
    if (required && !**out) {
        err_set(e, ERR_INVALID, "événement %s : le champ « %s » est vide", case_current_type(c),
                field);
        return -1;
    }
    return 0;
}

int case_get_date(struct case_ctx *c, json_t *p, const char *field, bool required, const char **iso,
                  date_t *day, struct err *e)
{
    const char *s;
    char fr[DATE_ISO_LEN], today[DATE_ISO_LEN];

    *iso = NULL;
    if (case_get_str(c, p, field, required, &s, e) != 0)
        return -1;
    if (!s)
        return 0;
    if (date_parse_iso(s, strlen(s), day, e) != 0) {
        err_prefix(e, "événement %s, champ « %s » : ", case_current_type(c), field);
        return -1;
    }
    if (*day > c->today) {
        date_format_fr(*day, fr);
        date_format_fr(c->today, today);
        err_set(e, ERR_INVALID, "événement %s : « %s » (%s) est postérieure à la date du jour (%s)",
                case_current_type(c), field, fr, today);
        return -1;
    }
    *iso = s;
    return 0;
}

int case_get_money(struct case_ctx *c, json_t *p, const char *field, bool required, int64_t *cents,
                   struct err *e)
{
    const char *s;

    *cents = -1;
    if (case_get_str(c, p, field, required, &s, e) != 0)
        return -1;
    if (!s)
        return 0;
    if (money_parse(s, strlen(s), cents, e) != 0) {
        err_prefix(e, "événement %s, champ « %s » : ", case_current_type(c), field);
        return -1;
    }
    if (*cents < 0) {
        err_set(e, ERR_INVALID, "événement %s : le montant « %s » doit être positif",
                case_current_type(c), field);
        return err_detail(e, "valeur « %s »", s);
    }
    return 0;
}

static int fact_error(struct case_ctx *c, const struct catalog_fact *f, json_t *v, const char *what,
                      struct err *e)
{
    char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

    err_set(e, ERR_INVALID, "fait « %s » (%s) : %s", f->code, f->label, what);
    err_detail(e, "valeur %s", text ? text : "?");
    json_text_free(text);
    (void)c;
    return -1;
}

int case_check_facts(struct case_ctx *c, const struct catalog_dispositif *d, json_t *facts,
                     bool require_all, struct err *e)
{
    const char *key;
    json_t *v;

    if (facts && !json_is_object(facts))
        return err_set(e, ERR_INVALID, "les faits du dossier doivent former un objet JSON");
    if (facts) {
        json_object_foreach(facts, key, v)
        {
            const struct catalog_fact *f = catalog_fact(d, key);
            int64_t n = 0;
            if (!f) {
                err_set(e, ERR_INVALID, "fait inconnu pour le dispositif %s : « %s »", d->code,
                        key);
                return err_hint(e, "« proxima catalogue show %s » liste ses faits", d->code);
            }
            switch (f->type) {
            case RULES_BOOL:
                if (!json_is_boolean(v))
                    return fact_error(c, f, v, "vrai ou faux attendu", e);
                break;
            case RULES_INT:
                if (!json_is_integer(v))
                    return fact_error(c, f, v, "nombre entier attendu", e);
                n = json_integer_value(v);
                break;
            case RULES_MONEY:
                if (!json_is_string(v) ||
                    money_parse(json_string_value(v), json_string_length(v), &n, e) != 0)
                    return fact_error(c, f, v, "montant en euros attendu (ex. \"150,00\")", e);
                break;
            case RULES_DATE: {
                date_t day;
                if (!json_is_string(v) ||
                    date_parse_iso(json_string_value(v), json_string_length(v), &day, e) != 0)
                    return fact_error(c, f, v, "date AAAA-MM-JJ attendue", e);
                n = day;
                break;
            }
            case RULES_TEXT: {
                bool ok = f->nchoices == 0;
                if (!json_is_string(v))
                    return fact_error(c, f, v, "texte attendu", e);
                for (size_t i = 0; i < f->nchoices && !ok; i++)
                    if (!strcmp(f->choices[i], json_string_value(v)))
                        ok = true;
                if (!ok)
                    return fact_error(c, f, v, "valeur hors de la liste des choix", e);
                break;
            }
            default:
                return fact_error(c, f, v, "type non pris en charge", e);
            }
            err_clear(e);
            if (f->has_min && n < f->min)
                return fact_error(c, f, v, "valeur inférieure au minimum", e);
            if (f->has_max && n > f->max)
                return fact_error(c, f, v, "valeur supérieure au maximum", e);
        }
    }
    if (require_all)
        for (size_t i = 0; i < d->nfacts; i++)
            if (d->facts[i].required && (!facts || !json_object_get(facts, d->facts[i].code))) {
                err_set(e, ERR_INVALID, "fait obligatoire manquant : « %s » (%s)", d->facts[i].code,
                        d->facts[i].label);
                return err_hint(e, "dispositif %s", d->code);
            }
    return 0;
}

/* ---- identifiers ---------------------------------------------------------- */

#define ID_DIGITS 7

const char *case_id_next(struct case_ctx *c, char kind, struct err *e)
{
    char k[2] = {kind, '\0'};
    struct store_stmt *q =
        store_prepare(c->store, "SELECT next FROM case_counter WHERE kind = ?", e);
    int64_t next = 1;

    if (!q)
        return NULL;
    store_bind_text_static(q, 1, k);
    if (store_step(q, e) == STORE_ROW)
        next = store_column_int64(q, 0);
    store_finalize(q);
    if (e->code != ERR_OK)
        return NULL;
    return arena_printf(c->arena, "%c%0*lld", kind, ID_DIGITS, (long long)next);
}

int case_id_observe(struct case_ctx *c, char kind, const char *id, struct err *e)
{
    char k[2] = {kind, '\0'};
    int64_t n;
    struct store_stmt *q;

    if (!id || id[0] != kind || strlen(id) != ID_DIGITS + 1 ||
        parse_int64(id + 1, ID_DIGITS, &n) != 0 || n <= 0) {
        err_set(e, ERR_INVALID, "événement %s : identifiant invalide « %s »", case_current_type(c),
                id ? id : "");
        return err_hint(e, "attendu : la lettre %c suivie de %d chiffres, ex. %c0000042", kind,
                        ID_DIGITS, kind);
    }
    if (c->bulk && kind >= 'A' && kind <= 'Z') {
        /* written once, by case_bulk_flush */
        int64_t *next = &c->bulk->next[kind - 'A'];
        if (*next == 0)
            c->bulk->order[c->bulk->norder++] = kind;
        if (*next < n + 1)
            *next = n + 1;
        return 0;
    }
    q = store_prepare(c->store,
                      "INSERT INTO case_counter(kind, next) VALUES (?, ?) "
                      "ON CONFLICT(kind) DO UPDATE SET next = MAX(next, excluded.next)",
                      e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, k);
    store_bind_int64(q, 2, n + 1);
    return store_step_done(q, e);
}

/* ---- sites and access ----------------------------------------------------- */

int case_site_parse(struct case_ctx *c, const char *site, const char **grid, const char **code,
                    struct err *e)
{
    const char *colon = site ? strchr(site, ':') : NULL;
    struct store_stmt *q;
    bool found = false;

    if (!colon || colon == site || !colon[1]) {
        err_set(e, ERR_INVALID, "site invalide : « %s »", site ? site : "");
        return err_hint(e, "attendu : mds:CODE, mdadt:CODE, central:CODE ou departement:62");
    }
    *grid = arena_strndup(c->arena, site, (size_t)(colon - site));
    *code = arena_strdup(c->arena, colon + 1);
    if (!strcmp(*grid, ACCESS_SITE_CENTRAL)) {
        for (const char *s = *code; *s; s++)
            if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
                return err_set(e, ERR_INVALID, "code de direction centrale invalide : « %s »",
                               *code);
        return 0;
    }
    if (!strcmp(*grid, ACCESS_SITE_DEPARTEMENT)) {
        if (strcmp(*code, "62") != 0)
            return err_set(e, ERR_INVALID, "département inconnu : « %s »", *code);
        return 0;
    }
    if (strcmp(*grid, "mds") != 0 && strcmp(*grid, "mdadt") != 0)
        return err_set(e, ERR_INVALID, "type de site inconnu : « %s » dans « %s »", *grid, site);
    if (c->bulk && case_bulk_get(&c->bulk->sites, site))
        return 0;
    q = store_prepare(c->store, "SELECT 1 FROM ref_area WHERE grid = ? AND code = ?", e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, *grid);
    store_bind_text_static(q, 2, *code);
    found = store_step(q, e) == STORE_ROW;
    store_finalize(q);
    if (e->code != ERR_OK)
        return -1;
    if (!found) {
        err_set(e, ERR_NOT_FOUND, "site inconnu : « %s »", site);
        return err_hint(e, "« proxima registry summary --grille %s » liste les sites", *grid);
    }
    if (c->bulk)
        case_bulk_put(c->bulk, &c->bulk->sites, site, c->bulk);
    return 0;
}

const char *case_person_mds(struct case_ctx *c, const char *person, const char *iso_day,
                            struct err *e)
{
    struct store_stmt *q = store_prepare(
        c->store,
        "SELECT x.area FROM person_address a JOIN ref_assignment x "
        "ON x.grid = 'mds' AND x.commune = a.commune AND x.valid_from <= ? "
        "AND (x.valid_to IS NULL OR x.valid_to >= ?) "
        "WHERE a.person = ? AND a.valid_from <= ? AND (a.valid_to IS NULL OR a.valid_to >= ?)",
        e);
    const char *mds = NULL;

    if (!q)
        return NULL;
    store_bind_text_static(q, 1, iso_day);
    store_bind_text_static(q, 2, iso_day);
    store_bind_text_static(q, 3, person);
    store_bind_text_static(q, 4, iso_day);
    store_bind_text_static(q, 5, iso_day);
    if (store_step(q, e) == STORE_ROW)
        mds = arena_strdup(c->arena, store_column_text(q, 0));
    store_finalize(q);
    return mds;
}

enum data_class case_class_from_code(const char *code)
{
    for (int k = 0; k < CLASS__COUNT; k++)
        if (!strcmp(catalog_class_code((enum data_class)k), code))
            return (enum data_class)k;
    return CLASS__COUNT;
}

int case_authorize(struct case_ctx *c, const char *capability, const char *site_grid,
                   const char *site_code, enum data_class cls, const char *object_type,
                   const char *object_id, const char *person, const struct catalog_transition *t,
                   const char *action, struct err *e)
{
    struct access_target target = {
        .site_grid = site_grid,
        .site_code = site_code,
        .data_class = cls,
        .object_type = object_type,
        .object_id = object_id,
        .person_id = person,
    };
    const char *grant = NULL;
    int rc = -1;

    if (!c->user)
        return 0;
    if (!t) {
        rc = access_check(c->cat, c->user, capability, &target, c->arena, &grant, e);
    } else {
        /* the grant used must carry a role the transition allows */
        struct access_user one = *c->user;
        for (size_t i = 0; i < c->user->ngrants && rc != 0; i++) {
            if (!catalog_transition_allows(t, c->user->grants[i].role))
                continue;
            one.grants = &c->user->grants[i];
            one.ngrants = 1;
            err_clear(e);
            rc = access_check(c->cat, &one, capability, &target, c->arena, &grant, e);
        }
        if (rc != 0 && e->code == ERR_OK) {
            err_set(e, ERR_FORBIDDEN, "aucun de vos rôles ne permet l'opération « %s » ici",
                    catalog_op_code(t->op));
            err_detail(e, "site %s:%s", site_grid, site_code);
        }
    }
    if (rc != 0) {
        struct err logerr;
        err_clear(&logerr);
        if (c->store->in_tx) {
            /* the caller will roll back: keep the refusal for case_log_refusal */
            c->refused = true;
            c->refusal = target;
            c->refusal.site_grid = site_grid ? arena_strdup(c->arena, site_grid) : NULL;
            c->refusal.site_code = site_code ? arena_strdup(c->arena, site_code) : NULL;
            c->refusal.object_type = arena_strdup(c->arena, object_type ? object_type : "");
            c->refusal.object_id = arena_strdup(c->arena, object_id ? object_id : "");
            c->refusal.person_id = person ? arena_strdup(c->arena, person) : NULL;
        } else {
            access_log_append(c->store, c->actor, "refus", &target, "", &logerr);
        }
        return -1;
    }
    if (action)
        return access_log_append(c->store, c->actor, action, &target, grant, e);
    return 0;
}

int case_log_refusal(struct case_ctx *c, struct err *e)
{
    if (!c->refused)
        return 0;
    assert(!c->store->in_tx);
    c->refused = false;
    return access_log_append(c->store, c->actor, "refus", &c->refusal, "", e);
}

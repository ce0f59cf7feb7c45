/*
 * exchange.c: export of the case layer's journal as JSON Lines, and import
 * of such a file through case_emit (docs/FORMAT.md).
 *
 * Export copies each event's stored payload text as is (it is already the
 * canonical, key-sorted JSON that case_emit journals), so that importing an
 * export and exporting again reproduces the same bytes.
 *
 * Import is one transaction. The fast path applies the lines with no
 * savepoint. At the first error the transaction is rolled back and the file
 * is run again: the lines that passed are re-applied as they were, and from
 * the failing one on each line gets a savepoint, so that a failed line
 * leaves nothing behind and the next ones are validated against the state
 * the good lines reached. That second pass reports every error (up to the
 * limit), then everything is rolled back. A good file pays for no savepoint.
 */
#include "core/compat.h"
#include "case/exchange.h"

#include <time.h>

#include "case/case_int.h"
#include "core/json.h"
#include "journal/journal.h"

/* Same order as docs/FORMAT.md (and event.c's table). */
const char *const case_exchange_types[] = {
    "person.created",
    "person.moved",
    "household.created",
    "household.member_added",
    "household.member_left",
    "organisation.created",
    "dossier.opened",
    "dossier.documents_requested",
    "dossier.completed",
    "dossier.instructed",
    "dossier.scheduled",
    "dossier.decided",
    "dossier.notified",
    "dossier.paid",
    "dossier.measure_started",
    "dossier.measure_ended",
    "dossier.closed",
    "dossier.reopened",
    "dossier.appealed",
    "act.recorded",
    "commission.session_created",
    "commission.session_closed",
    NULL,
};

static_assert(ARRAY_SIZE(case_exchange_types) - 1 <= CASE_EXCHANGE_TYPES_MAX,
              "case_import_stats.per_type is too small");

/* A recorded instant may be this far ahead of our clock (clocks of two machines). */
#define CLOCK_SKEW_SECONDS 300

/* type's index in case_exchange_types, ev its index in event.c's table (same order). */
static int type_index(const char *type, int ev)
{
    if (ev >= 0 && (size_t)ev < ARRAY_SIZE(case_exchange_types) - 1 &&
        !strcmp(case_exchange_types[ev], type))
        return ev;
    for (int i = 0; case_exchange_types[i]; i++)
        if (!strcmp(case_exchange_types[i], type))
            return i;
    return -1;
}

/* ---- instants ------------------------------------------------------------- */

static int digits(const char *s, size_t n, int *out)
{
    int v = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* The date part of the last instant parsed: a file's many instants of one day read it once. */
struct instant_day {
    char text[10];
    date_t day;
    bool set;
};

/* case_exchange_parse_instant, remembering its date part in memo (may be NULL). */
static int parse_instant(const char *s, size_t n, int64_t *out, struct instant_day *memo,
                         struct err *e)
{
    int hh, mi, ss, oh = 0, om = 0, sign = 1;
    date_t day;
    struct err de;

    /* 2022-03-07T10:15:00+01:00 (25 bytes) or 2022-03-07T10:15:00Z (20) */
    if ((n != 25 && n != 20) || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        goto bad;
    if (memo && memo->set && !memcmp(memo->text, s, sizeof(memo->text))) {
        day = memo->day;
    } else {
        err_clear(&de);
        if (date_parse_iso(s, 10, &day, &de) != 0)
            goto bad;
        if (memo) {
            memcpy(memo->text, s, sizeof(memo->text));
            memo->day = day;
            memo->set = true;
        }
    }
    if (digits(s + 11, 2, &hh) != 0 || digits(s + 14, 2, &mi) != 0 || digits(s + 17, 2, &ss) != 0 ||
        hh > 23 || mi > 59 || ss > 59)
        goto bad;
    if (n == 20) {
        if (s[19] != 'Z')
            goto bad;
    } else {
        if ((s[19] != '+' && s[19] != '-') || s[22] != ':' || digits(s + 20, 2, &oh) != 0 ||
            digits(s + 23, 2, &om) != 0 || om > 59 || oh * 60 + om > 14 * 60)
            goto bad;
        sign = s[19] == '-' ? -1 : 1;
    }
    *out = (int64_t)day * 86400 + hh * 3600 + mi * 60 + ss - sign * (oh * 3600 + om * 60);
    return 0;
bad:
    err_set(e, ERR_INVALID, "instant invalide : « %.*s »", (int)(n > 64 ? 64 : n), s);
    return err_hint(e, "attendu : AAAA-MM-JJTHH:MM:SS+01:00 (heure de Paris avec son décalage)");
}

int case_exchange_parse_instant(const char *s, size_t n, int64_t *out, struct err *e)
{
    return parse_instant(s, n, out, NULL, e);
}

/* ---- export ------------------------------------------------------------ */

/* A JSON string literal; text is valid UTF-8 (it comes from the journal). */
static void add_json_string(struct strbuf *sb, const char *text)
{
    static const char hexd[] = "0123456789abcdef";

    strbuf_addch(sb, '"');
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        switch (*p) {
        case '"':
            strbuf_add(sb, "\\\"", 2);
            break;
        case '\\':
            strbuf_add(sb, "\\\\", 2);
            break;
        case '\n':
            strbuf_add(sb, "\\n", 2);
            break;
        case '\r':
            strbuf_add(sb, "\\r", 2);
            break;
        case '\t':
            strbuf_add(sb, "\\t", 2);
            break;
        default:
            if (*p < 0x20) {
                char u[6] = {'\\', 'u', '0', '0', hexd[*p >> 4], hexd[*p & 15]};
                strbuf_add(sb, u, sizeof(u));
            } else {
                strbuf_addch(sb, (char)*p);
            }
        }
    }
    strbuf_addch(sb, '"');
}

struct export_run {
    const struct case_export_options *o;
    int64_t last;         /* last journal seq of the selection */
    int64_t t_from, t_to; /* recorded_at range [t_from, t_to) */
    FILE *out;
    struct strbuf *sb; /* the caller's, or line below when writing to out */
    struct strbuf line;
    struct case_export_stats *st;
};

static bool selected(const struct export_run *r, int64_t recorded_at, const char *type)
{
    return recorded_at >= r->t_from && recorded_at < r->t_to && case_event_known(type);
}

/* Count the selected events, for the header (same bounds as the listing). */
static int count_selected(struct store *s, const struct export_run *r, int64_t *n, struct err *e)
{
    struct store_stmt *q = store_prepare(
        s,
        "SELECT type, COUNT(*) FROM journal WHERE seq >= ? AND seq <= ? AND recorded_at >= ? "
        "AND recorded_at < ? GROUP BY type",
        e);
    int rc;

    *n = 0;
    if (!q)
        return -1;
    store_bind_int64(q, 1, r->o->from_seq);
    store_bind_int64(q, 2, r->last);
    store_bind_int64(q, 3, r->t_from);
    store_bind_int64(q, 4, r->t_to);
    while ((rc = store_step(q, e)) == STORE_ROW)
        if (case_event_known(store_column_text(q, 0)))
            *n += store_column_int64(q, 1);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

static int flush_line(struct export_run *r, struct err *e)
{
    if (!r->out)
        return 0;
    if (strbuf_failed(&r->line))
        return err_set(e, ERR_TOO_LARGE, "événement trop volumineux pour l'export");
    if (fwrite(r->line.buf, 1, r->line.len, r->out) != r->line.len)
        return err_set(e, ERR_IO, "écriture du fichier d'export impossible : %s", strerror(errno));
    strbuf_clear(&r->line);
    return 0;
}

static int export_one(const struct journal_event *ev, void *ctx)
{
    struct export_run *r = ctx;
    struct strbuf *sb = r->out ? &r->line : r->sb;
    char when[32];

    if (ev->seq > r->last)
        return 1; /* past the selection: stop */
    if (!selected(r, ev->recorded_at, ev->type))
        return 0;
    paris_format_instant(ev->recorded_at, when, sizeof(when));
    strbuf_addstr(sb, "{\"type\":");
    add_json_string(sb, ev->type);
    strbuf_addstr(sb, ",\"date_enregistrement\":\"");
    strbuf_addstr(sb, when);
    strbuf_addstr(sb, "\",\"acteur\":");
    add_json_string(sb, ev->actor);
    if (ev->reason[0]) {
        strbuf_addstr(sb, ",\"motif\":");
        add_json_string(sb, ev->reason);
    }
    strbuf_addstr(sb, ",\"contenu\":");
    strbuf_addstr(sb, ev->payload);
    strbuf_addstr(sb, "}\n");
    if (r->st->events++ == 0)
        r->st->first_seq = ev->seq;
    r->st->last_seq = ev->seq;
    return r->out ? 2 * (flush_line(r, NULL) != 0) : 0;
}

int case_export(struct store *s, const struct case_export_options *o, FILE *out, struct strbuf *sb,
                struct case_export_stats *stats, struct err *e)
{
    struct case_export_options none = {0};
    struct case_export_stats local;
    struct export_run r = {.o = o ? o : &none, .out = out, .sb = sb};
    struct store_stmt *q;
    struct strbuf *hb;
    char when[32], day[DATE_ISO_LEN];
    int64_t head = 0, count;
    int rc;

    assert((out != NULL) != (sb != NULL));
    o = r.o;
    r.st = stats ? stats : &local;
    memset(r.st, 0, sizeof(*r.st));
    if (o->has_from && o->has_to && o->from > o->to)
        return err_set(e, ERR_USAGE, "période d'export inversée : le début est après la fin");
    if (o->from_seq && o->to_seq && o->from_seq > o->to_seq)
        return err_set(e, ERR_USAGE, "plage d'événements inversée : %lld > %lld",
                       (long long)o->from_seq, (long long)o->to_seq);
    /* the journal is append-only: bounding by today's head fixes the selection */
    q = store_prepare(s, "SELECT seq FROM journal_head WHERE id = 1", e);
    if (!q)
        return -1;
    rc = store_step(q, e);
    if (rc == STORE_ROW)
        head = store_column_int64(q, 0);
    store_finalize(q);
    if (rc < 0)
        return -1;
    r.last = o->to_seq && o->to_seq < head ? o->to_seq : head;
    r.t_from = o->has_from ? paris_day_start(o->from) : INT64_MIN;
    r.t_to = o->has_to ? paris_day_start(o->to + 1) : INT64_MAX;
    if (count_selected(s, &r, &count, e) != 0)
        return -1;

    strbuf_init(&r.line, 0);
    hb = out ? &r.line : sb;
    paris_format_instant(o->exported_at ? o->exported_at : (int64_t)time(NULL), when, sizeof(when));
    strbuf_addf(hb,
                "{\"format\":\"%s\",\"version\":%d,\"departement\":\"%s\",\"exporte_le\":\"%s\"",
                CASE_EXCHANGE_FORMAT, CASE_EXCHANGE_VERSION, CASE_EXCHANGE_DEPARTEMENT, when);
    if (o->has_from) {
        date_format_iso(o->from, day);
        strbuf_addf(hb, ",\"depuis\":\"%s\"", day);
    }
    if (o->has_to) {
        date_format_iso(o->to, day);
        strbuf_addf(hb, ",\"jusqu_au\":\"%s\"", day);
    }
    if (o->from_seq)
        strbuf_addf(hb, ",\"depuis_seq\":%lld", (long long)o->from_seq);
    if (o->to_seq)
        strbuf_addf(hb, ",\"jusqu_au_seq\":%lld", (long long)o->to_seq);
    strbuf_addf(hb, ",\"evenements\":%lld}\n", (long long)count);
    rc = flush_line(&r, e);
    if (rc == 0) {
        rc = journal_foreach(s, o->from_seq > 0 ? o->from_seq - 1 : 0, export_one, &r, e);
        if (rc == 1)
            rc = 0; /* stopped past the selection */
        else if (rc == 2)
            rc =
                err_set(e, ERR_IO, "écriture du fichier d'export impossible : %s", strerror(errno));
    }
    strbuf_release(&r.line);
    if (rc != 0)
        return -1;
    if (out && (fflush(out) != 0 || ferror(out)))
        return err_set(e, ERR_IO, "écriture du fichier d'export impossible : %s", strerror(errno));
    if (sb && strbuf_failed(sb))
        return err_set(e, ERR_TOO_LARGE, "export trop volumineux pour la mémoire tampon");
    if (r.st->events != count)
        return err_set(e, ERR_INTERNAL, "export incohérent : %lld événements comptés, %lld écrits",
                       (long long)count, (long long)r.st->events);
    return 0;
}

/* ---- import ------------------------------------------------------------ */

struct import_run {
    struct case_ctx *c;
    const char *name;
    const char *data;
    size_t len;
    size_t header_line; /* line number of the header */
    int64_t announced;  /* the header's "evenements" */
    int64_t limit;      /* latest recorded instant accepted (now + skew) */
    date_t today;       /* the caller's today, for messages */
    bool careful;       /* second pass: savepoints from the first bad line on */
    size_t last_ok;     /* first pass: last line applied */
    struct case_import_stats *st;
    /* second pass: a cursor on data to count the lines json_parse refused */
    size_t cur_pos, cur_line;
    int64_t fn_errors;
    /* the Paris day of the last recorded instant, and its instants [day_from, day_to) */
    date_t day;
    int64_t day_from, day_to;
    struct instant_day recorded; /* the date written in the last recorded instant */
};

static const char *const envelope_keys[] = {
    "type", "date_enregistrement", "acteur", "motif", "contenu", NULL};
/* An envelope's members by their index in envelope_keys. */
enum { ENV_TYPE, ENV_DATE, ENV_ACTOR, ENV_REASON, ENV_CONTENT, ENV__COUNT };
static const char *const header_keys[] = {"format",       "version", "departement", "exporte_le",
                                          "evenements",   "depuis",  "jusqu_au",    "depuis_seq",
                                          "jusqu_au_seq", NULL};

/* Refuse a key of o not in keys; vals (may be NULL) gets each member by its key's index. */
static int check_keys(json_t *o, const char *const *keys, const char *what, json_t **vals,
                      struct err *e)
{
    /* json_object_foreach's order, without its look-ups of each key's iterator */
    for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it)) {
        const char *k = json_object_iter_key(it);
        size_t i;
        for (i = 0; keys[i]; i++)
            if (*keys[i] == *k && !strcmp(keys[i], k))
                break;
        if (!keys[i]) {
            err_set(e, ERR_INVALID, "%s : clé inconnue « %s »", what, k);
            return err_hint(e, "voir docs/FORMAT.md pour les clés permises");
        }
        if (vals)
            vals[i] = json_object_iter_value(it);
    }
    return 0;
}

/*
 * json_get_str of o's member field, already found as v by check_keys when
 * found is set (v NULL: absent), not looked up yet otherwise.
 */
static int member_str(json_t *o, bool found, json_t *v, const char *field, bool required,
                      const char **out, struct err *e)
{
    if (json_is_string(v)) {
        *out = json_string_value(v);
        return 0;
    }
    if (found && !v && !required)
        return 0;
    return json_get_str(o, field, required, out, e); /* its message */
}

/* Logins as access.h defines them, plus "system"; checked here since agents are not exported. */
static bool login_ok(const char *s)
{
    size_t i;

    if (!(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (i = 0; s[i]; i++) {
        unsigned ch = (unsigned char)s[i];
        if (i == ACCESS_LOGIN_MAX ||
            !(ch - 'a' < 26u || ch - '0' < 10u || ch == '.' || ch == '_' || ch == '-'))
            return false;
    }
    return i >= 2;
}

/* Read o's instant field (found as v by check_keys when memo is set; the date remembered there). */
static int get_instant(json_t *o, json_t *v, const char *field, const char *what, int64_t *t,
                       struct instant_day *memo, struct err *e)
{
    const char *s;

    if (member_str(o, memo != NULL, v, field, true, &s, e) != 0) {
        err_prefix(e, "%s : ", what);
        return -1;
    }
    if (parse_instant(s, strlen(s), t, memo, e) != 0) {
        err_prefix(e, "%s, « %s » : ", what, field);
        return -1;
    }
    return 0;
}

static int check_header(struct import_run *r, json_t *h, struct err *e)
{
    const char *format, *dep;
    int64_t version, t, n;
    date_t day;

    if (!json_is_object(h)) {
        err_set(e, ERR_INVALID, "la première ligne doit être l'en-tête du fichier");
        return err_hint(e, "attendu : {\"format\":\"%s\",\"version\":%d,...}", CASE_EXCHANGE_FORMAT,
                        CASE_EXCHANGE_VERSION);
    }
    if (!json_has(h, "format") && json_has(h, "type")) {
        err_set(e, ERR_INVALID, "en-tête manquant : la première ligne est un événement");
        return err_hint(e, "le fichier doit commencer par {\"format\":\"%s\",\"version\":%d,...}",
                        CASE_EXCHANGE_FORMAT, CASE_EXCHANGE_VERSION);
    }
    if (check_keys(h, header_keys, "en-tête", NULL, e) != 0)
        return -1;
    if (json_get_str(h, "format", true, &format, e) != 0)
        goto prefixed;
    if (strcmp(format, CASE_EXCHANGE_FORMAT) != 0) {
        err_set(e, ERR_INVALID, "en-tête : format « %s » inconnu", format);
        return err_hint(e, "attendu : « %s » (docs/FORMAT.md)", CASE_EXCHANGE_FORMAT);
    }
    if (json_get_int(h, "version", true, &version, e) != 0)
        goto prefixed;
    if (version != CASE_EXCHANGE_VERSION) {
        err_set(e, ERR_INVALID, "en-tête : version %lld du format non prise en charge",
                (long long)version);
        return err_hint(e, "ce programme lit la version %d%s", CASE_EXCHANGE_VERSION,
                        version > CASE_EXCHANGE_VERSION ? " : mettez proxima à jour" : "");
    }
    if (json_get_str(h, "departement", true, &dep, e) != 0)
        goto prefixed;
    if (strcmp(dep, CASE_EXCHANGE_DEPARTEMENT) != 0) {
        err_set(e, ERR_INVALID, "en-tête : fichier du département « %s »", dep);
        return err_hint(e, "cette base est celle du département %s", CASE_EXCHANGE_DEPARTEMENT);
    }
    if (get_instant(h, NULL, "exporte_le", "en-tête", &t, NULL, e) != 0)
        return -1;
    if (json_get_int(h, "evenements", true, &n, e) != 0)
        goto prefixed;
    if (n < 0)
        return err_set(e, ERR_INVALID, "en-tête : « evenements » négatif (%lld)", (long long)n);
    r->announced = n;
    /* the filters are informational, but must be well formed */
    if (json_get_date(h, "depuis", false, &day, e) != 0 ||
        json_get_date(h, "jusqu_au", false, &day, e) != 0 ||
        json_get_int(h, "depuis_seq", false, &n, e) != 0 ||
        json_get_int(h, "jusqu_au_seq", false, &n, e) != 0)
        goto prefixed;
    return 0;
prefixed:
    err_prefix(e, "en-tête : ");
    return -1;
}

/* Find, parse and check the header: the first non-blank line. */
static int read_header(struct import_run *r, struct err *e)
{
    size_t pos = 0, line = 0;
    json_t *h;
    int rc;

    if (r->len >= 3 && memcmp(r->data, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    while (pos < r->len) {
        const char *p = r->data + pos;
        const char *nl = memchr(p, '\n', r->len - pos);
        size_t n = nl ? (size_t)(nl - p) : r->len - pos, k;

        line++;
        pos += n + (nl != NULL);
        for (k = 0; k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'); k++)
            ;
        if (k == n)
            continue;
        r->header_line = line;
        h = json_parse(p, n, r->name, line, e);
        if (!h)
            return -1;
        rc = check_header(r, h, e);
        json_decref(h);
        if (rc != 0)
            err_prefix(e, "%s, ligne %zu : ", r->name, line);
        return rc;
    }
    err_set(e, ERR_INVALID, "%s : fichier vide, l'en-tête est manquant", r->name);
    return err_hint(e, "un export de proxima commence par {\"format\":\"%s\",...}",
                    CASE_EXCHANGE_FORMAT);
}

/*
 * Second pass: count the non-blank lines before `upto` that json_parse
 * refused (json_lines_foreach reports them without calling us).
 */
static void count_skipped(struct import_run *r, size_t upto)
{
    while (r->cur_pos < r->len && r->cur_line + 1 < upto) {
        const char *p = r->data + r->cur_pos;
        const char *nl = memchr(p, '\n', r->len - r->cur_pos);
        size_t n = nl ? (size_t)(nl - p) : r->len - r->cur_pos, k;

        r->cur_line++;
        r->cur_pos += n + (nl != NULL);
        for (k = 0; k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'); k++)
            ;
        if (k < n && r->cur_line != r->header_line)
            r->st->errors++;
    }
}

/* Skip the cursor past line `line` itself (it was handed to us). */
static void skip_line(struct import_run *r)
{
    const char *p = r->data + r->cur_pos;
    const char *nl = r->cur_pos < r->len ? memchr(p, '\n', r->len - r->cur_pos) : NULL;

    r->cur_line++;
    r->cur_pos = nl ? (size_t)(nl - r->data) + 1 : r->len;
}

static int savepoint(struct store *s, const char *sql, struct err *e)
{
    return store_step_done(store_prepare(s, sql, e), e);
}

static int apply_line(struct import_run *r, json_t *v, size_t line, const struct json_canon *canon,
                      struct err *e)
{
    struct case_ctx *c = r->c;
    const char *type, *actor, *reason = NULL;
    json_t *payload, *env[ENV__COUNT] = {NULL};
    int64_t t;
    int ev, idx, rc;
    bool guarded;

    if (!json_is_object(v))
        return err_set(e, ERR_INVALID, "chaque ligne doit être un objet JSON (un événement)");
    if (check_keys(v, envelope_keys, "événement", env, e) != 0)
        return -1;
    if (member_str(v, true, env[ENV_TYPE], "type", true, &type, e) != 0)
        goto prefixed;
    ev = case_event_index(type);
    if (ev < 0) {
        err_set(e, ERR_INVALID, "type d'événement inconnu : « %s »", type);
        return err_hint(e, "voir docs/FORMAT.md pour la liste des événements");
    }
    idx = type_index(type, ev); /* -1 for a type event.c has and FORMAT.md not yet */
    if (get_instant(v, env[ENV_DATE], "date_enregistrement", "événement", &t, &r->recorded, e) != 0)
        return -1;
    if (t <= 0 || t > r->limit) {
        char fr[DATE_ISO_LEN];
        date_format_fr(r->today, fr);
        err_set(e, ERR_INVALID, "événement %s : date d'enregistrement « %s » %s", type,
                json_string_value(json_object_get(v, "date_enregistrement")),
                t <= 0 ? "antérieure à 1970" : "dans le futur");
        return err_detail(e, "nous sommes le %s", fr);
    }
    if (member_str(v, true, env[ENV_ACTOR], "acteur", true, &actor, e) != 0)
        goto prefixed;
    if (!login_ok(actor)) {
        err_set(e, ERR_INVALID, "événement %s : acteur invalide « %s »", type, actor);
        return err_hint(e, "un identifiant d'agent (lettres minuscules, chiffres, « . », « _ », "
                           "« - ») ou « system »");
    }
    if (member_str(v, true, env[ENV_REASON], "motif", false, &reason, e) != 0)
        goto prefixed;
    payload = env[ENV_CONTENT];
    if (!json_is_object(payload))
        return err_set(e, ERR_INVALID, "événement %s : « contenu » %s", type,
                       payload ? "doit être un objet JSON" : "manquant");

    c->actor = actor;
    c->recorded_at = t;
    if (t < r->day_from || t >= r->day_to) {
        /* a file's events are mostly in order: a new day now and then */
        r->day = paris_date_of(t);
        r->day_from = paris_day_start(r->day);
        r->day_to = paris_day_start(r->day + 1);
        assert(t >= r->day_from && t < r->day_to);
    }
    c->today = r->day;
    arena_clear(c->arena);
    guarded = r->careful && line > r->last_ok;
    if (guarded && savepoint(c->store, "SAVEPOINT case_import", e) != 0)
        return -1;
    /* the line's "contenu" is journaled as it is when written as case_emit would */
    rc = case_emit_text(c, type, payload, canon ? canon->text : NULL, canon ? canon->len : 0,
                        reason && *reason ? reason : NULL, e);
    if (guarded) {
        struct err se;
        err_clear(&se);
        if (rc != 0 && c->store->in_tx) {
            if (savepoint(c->store, "ROLLBACK TO SAVEPOINT case_import", &se) != 0)
                *e = se;
            store_tx_undone(c->store);
        }
        if (c->store->in_tx && savepoint(c->store, "RELEASE SAVEPOINT case_import", &se) != 0 &&
            rc == 0) {
            *e = se;
            rc = -1;
        }
    }
    if (rc != 0)
        return -1;
    r->st->events++;
    if (idx >= 0)
        r->st->per_type[idx]++;
    if (!r->careful)
        r->last_ok = line;
    return 0;
prefixed:
    err_prefix(e, "événement : ");
    return -1;
}

/* Errors that say nothing about the file: no second pass, no going on. */
static bool fatal(enum err_code code)
{
    return code == ERR_DB || code == ERR_IO || code == ERR_NOMEM || code == ERR_INTERNAL ||
           code == ERR_TAMPERED;
}

static int on_line(json_t *v, size_t line, const struct json_canon *canon, void *ctx, struct err *e)
{
    struct import_run *r = ctx;
    int rc;

    if (line == r->header_line)
        return 0;
    if (r->careful) {
        count_skipped(r, line);
        skip_line(r);
    }
    r->st->lines++;
    rc = apply_line(r, v, line, canon, e);
    if (rc != 0 && r->careful)
        r->fn_errors++;
    if (rc != 0 && !r->c->store->in_tx && !fatal(e->code)) {
        /* the store ended the transaction on its own: nothing more can be checked */
        err_set(e, ERR_DB, "la transaction d'import a été interrompue par la base");
    }
    return rc;
}

static void reset_stats(struct case_import_stats *st)
{
    memset(st, 0, sizeof(*st));
}

/* The import's own trace in the journal (not exported: not a case event). */
static int append_trace(struct import_run *r, const char *actor, int64_t recorded_at, struct err *e)
{
    json_t *p =
        json_pack("{s:s, s:I}", "fichier", r->name, "evenements", (json_int_t)r->st->events);
    struct journal_event ev = {
        .recorded_at = recorded_at,
        .type = "journal.imported",
        .actor = actor,
        .subject = r->name,
    };
    struct strbuf text;
    int rc;

    if (!p)
        die_nomem(0);
    strbuf_init(&text, 0);
    json_dump_sorted(p, &text);
    json_decref(p);
    ev.payload = text.buf;
    rc = journal_append(r->c->store, &ev, NULL, e);
    strbuf_release(&text);
    return rc;
}

/*
 * The import's verdict once every error was printed: ERR_INVALID (exit
 * status 3), the count, the first error in the detail. first may be e.
 */
static int refuse(const struct import_run *r, struct err *e, const struct err *first)
{
    char msg[ERR_MESSAGE_MAX];

    snprintf(msg, sizeof(msg), "%s", first->message);
    err_set(e, ERR_INVALID, "%s refusé : %lld erreur%s, rien n'a été importé", r->name,
            (long long)r->st->errors, r->st->errors > 1 ? "s" : "");
    err_detail(e, "première erreur : %s", msg);
    return err_hint(e, "corrigez les lignes signalées et relancez l'import (le fichier est pris "
                       "en entier ou pas du tout)");
}

static int run_pass(struct import_run *r, size_t max_errors, FILE *errs, struct err *e)
{
    return json_lines_foreach_canon(r->data, r->len, r->name, max_errors, "contenu", on_line, r,
                                    errs, e);
}

/*
 * A large import: at least this many events announced by the header, and
 * as many as the journal already holds for the indexes (see below).
 */
#define IMPORT_LARGE_EVENTS 1000

/*
 * A large import rewrites the same B-tree pages again and again inside one
 * transaction: with SQLite's default cache (2 MiB) they are spilled and
 * read back. A page cache that holds a Département's year (about 650 MB of
 * database) keeps them in memory until the commit, which writes each page
 * once; it changes nothing to durability (the commit is the same). Used
 * only as the import grows, given back afterwards.
 *
 * In WAL mode that commit writes every page to the WAL, and the checkpoint
 * then copies each one into the database: every page written twice, and
 * the WAL's frames looked up. A rollback journal holds only the original
 * content of the pages that existed before the import and that it changes
 * (few, for a fresh database); the new pages go straight to the database.
 * So a large import runs with journal_mode=DELETE, and the connection goes
 * back to WAL after the commit or the rollback. Durability and atomicity
 * are the same (synchronous=FULL: the journal is synced before the database
 * is written, and a crash rolls the import back at the next open). SQLite
 * refuses to leave WAL while another connection has the database open (the
 * server, a reader): the import then stays in WAL, as before. What a
 * process that comes during the import sees: a reader reads the previous
 * state, but the commit waits for it to finish (busy timeout, 5 s), and a
 * new proxima connection, which sets WAL when it opens, waits for the
 * import's end (same timeout). Other backends ignore all this.
 */
#define IMPORT_CACHE_SQL "PRAGMA cache_size = -1048576" /* KiB: 1 GiB */

static bool is_sqlite(const struct store *s)
{
    return !strcmp(s->ops->name, "sqlite");
}

/* Run a journal_mode pragma: whether the mode it leaves is want (false when refused). */
static bool journal_mode_set(struct store *s, const char *sql, const char *want)
{
    struct store_stmt *q;
    struct err ignored;
    bool ok = false;

    err_clear(&ignored);
    q = store_prepare(s, sql, &ignored);
    if (!q)
        return false;
    if (store_step(q, &ignored) == STORE_ROW)
        ok = !strcmp(store_column_text(q, 0), want);
    store_finalize(q);
    return ok;
}

/* Tune the connection for a large import; true when it left WAL for a rollback journal. */
static bool tune_for_import(struct store *s)
{
    struct err ignored;

    if (!is_sqlite(s))
        return false;
    err_clear(&ignored);
    store_step_done(store_prepare(s, IMPORT_CACHE_SQL, &ignored), &ignored);
    if (!journal_mode_set(s, "PRAGMA journal_mode", "wal"))
        return false; /* not a WAL database (":memory:"): leave it */
    /* refused (SQLITE_BUSY, at once) while another connection is open */
    return journal_mode_set(s, "PRAGMA journal_mode = DELETE", "delete");
}

static void untune_for_import(struct store *s, bool rollback_journal)
{
    struct err ignored;

    if (!is_sqlite(s))
        return;
    err_clear(&ignored);
    store_step_done(store_prepare(s, "PRAGMA cache_size = -2000", &ignored), &ignored);
    /* if this fails (a reader holds the database), the next connection
       opened sets WAL again (store_sqlite_open) */
    if (rollback_journal)
        journal_mode_set(s, "PRAGMA journal_mode = WAL", "wal");
}

/* The journal's head seq before the import: how many events the database holds. */
static int64_t journal_events(struct store *s)
{
    struct store_stmt *q;
    struct err ignored;
    int64_t n = 0;

    err_clear(&ignored);
    q = store_prepare(s, "SELECT seq FROM journal_head WHERE id = 1", &ignored);
    if (q && store_step(q, &ignored) == STORE_ROW)
        n = store_column_int64(q, 0);
    store_finalize(q);
    return n;
}

/*
 * Begin the import's transaction; for a large import into a database that
 * holds no more events than the file, set the secondary indexes aside (see
 * bulk.c: dropped now, created again by sorting before the commit).
 */
static int import_begin(struct import_run *r, bool set_aside, struct case_bulk_indexes *x,
                        struct err *e)
{
    if (store_begin(r->c->store, e) != 0)
        return -1;
    if (set_aside && case_bulk_indexes_drop(r->c->store, x, e) != 0) {
        store_rollback(r->c->store);
        case_bulk_indexes_forget(x);
        return -1;
    }
    return 0;
}

int case_import(struct case_ctx *c, const char *data, size_t len, const char *name,
                size_t max_errors, FILE *errs, struct case_import_stats *stats, struct err *e)
{
    struct case_import_stats local;
    struct import_run r = {.c = c, .name = name ? name : "entrée", .data = data, .len = len};
    struct case_ctx saved = *c;
    struct case_bulk bulk;
    struct case_bulk_indexes idx = {0};
    struct arena a;
    struct err first;
    bool large, set_aside, rollback_journal = false;
    int rc = -1;

    if (max_errors == 0)
        max_errors = 1;
    r.st = stats ? stats : &local;
    reset_stats(r.st);
    if (c->store->in_tx)
        return err_set(e, ERR_INTERNAL, "import lancé dans une transaction ouverte (bogue)");
    if (c->user && case_authorize(c, CASE_EXCHANGE_CAPABILITY, ACCESS_SITE_DEPARTEMENT,
                                  CASE_EXCHANGE_DEPARTEMENT, CLASS_NONE, "journal", r.name, NULL,
                                  NULL, NULL, e) != 0)
        return -1;
    r.today = c->today;
    r.limit = (int64_t)time(NULL) + CLOCK_SKEW_SECONDS;
    if (read_header(&r, e) != 0) {
        r.st->errors = 1;
        if (errs)
            err_print(e, errs);
        return refuse(&r, e, e);
    }

    large = r.announced >= IMPORT_LARGE_EVENTS;
    set_aside = large && r.announced >= journal_events(c->store);

    arena_init(&a, 0);
    case_bulk_init(&bulk);
    if (large)
        rollback_journal = tune_for_import(c->store);
    r.st->rollback_journal = rollback_journal;
    c->arena = &a;
    c->user = NULL; /* authorised above for the whole file; events are checked as data */
    c->replaying = false;
    if (import_begin(&r, set_aside, &idx, e) != 0)
        goto out;

    /* first pass: no savepoints, stop at the first error; the bulk remembers
       what the lines have in common */
    c->bulk = &bulk;
    journal_defer_head(c->store);
    rc = run_pass(&r, 1, NULL, e);
    if (rc == 0)
        rc = case_bulk_flush(c, e);
    c->bulk = NULL;
    case_bulk_release(&bulk);
    if (rc == 0) {
        rc = -1;
        if (r.st->lines != r.announced) {
            err_set(e, ERR_INVALID,
                    "%s : l'en-tête (ligne %zu) annonce %lld événements, le fichier en contient "
                    "%lld",
                    r.name, r.header_line, (long long)r.announced, (long long)r.st->lines);
            err_hint(e, "fichier tronqué ou modifié : refaites l'export");
            r.st->errors = 1;
            if (errs)
                err_print(e, errs);
            store_rollback(c->store);
            refuse(&r, e, e);
            goto out;
        }
        r.st->indexes_rebuilt = (int)idx.n;
        if (append_trace(&r, saved.actor, saved.recorded_at, e) != 0 ||
            case_bulk_indexes_restore(c->store, &idx, e) != 0 ||
            journal_flush_head(c->store, e) != 0 || store_commit(c->store, e) != 0) {
            store_rollback(c->store);
            r.st->indexes_rebuilt = 0;
            goto out;
        }
        rc = 0;
        goto out;
    }
    rc = -1;
    store_rollback(c->store);
    case_bulk_indexes_forget(&idx);
    if (fatal(e->code)) {
        r.st->errors = 1; /* in e, for the caller to report */
        goto out;
    }

    /* second pass: the good prefix again, then every line under a savepoint */
    r.careful = true;
    r.cur_pos = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    {
        size_t last_ok = r.last_ok;
        reset_stats(r.st);
        r.last_ok = last_ok;
        r.st->rollback_journal = rollback_journal;
    }
    if (import_begin(&r, set_aside, &idx, e) != 0)
        goto out;
    err_clear(&first);
    run_pass(&r, max_errors, errs, &first);
    if (r.fn_errors + r.st->errors < (int64_t)max_errors)
        count_skipped(&r, SIZE_MAX);
    r.st->errors += r.fn_errors;
    if (r.st->errors > (int64_t)max_errors)
        r.st->errors = (int64_t)max_errors;
    store_rollback(c->store);
    case_bulk_indexes_forget(&idx);
    if (first.code == ERR_OK) {
        /* the first pass failed, the second did not: apply is not deterministic */
        err_set(e, ERR_INTERNAL, "import : erreur non reproduite au second passage (bogue)");
        goto out;
    }
    if (fatal(first.code)) {
        *e = first;
        goto out;
    }
    refuse(&r, e, &first);
out:
    case_bulk_release(&bulk);       /* again, harmless: a failure before the first pass */
    case_bulk_indexes_forget(&idx); /* likewise: only a rollback leaves some */
    if (large)
        untune_for_import(c->store, rollback_journal);
    c->arena = saved.arena;
    c->user = saved.user;
    c->actor = saved.actor;
    c->today = saved.today;
    c->recorded_at = saved.recorded_at;
    c->replaying = saved.replaying;
    c->bulk = saved.bulk;
    arena_release(&a);
    return rc;
}

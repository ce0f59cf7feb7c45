/*
 * csv.c: the RFC 4180 reader and writer every import and export goes through.
 *
 * The reader is a cursor over a buffer in memory: one pass per record, every
 * field copied (unescaped) into one strbuf and NUL-terminated, so a record
 * costs no allocation once the buffers have grown. Errors carry the physical
 * line and the field position a user can find in a spreadsheet.
 * The writer appends to a strbuf in one of the two dialects of csv.h.
 */
#include "core/compat.h"
#include "core/csv.h"
#include "core/arena.h"

#include <inttypes.h>

#define CSV_BOM            "\xEF\xBB\xBF"
#define CSV_FIELDS_INITIAL 16

static const char *csv_src(const struct csv_reader *r)
{
    return r->name ? r->name : "CSV";
}

/* Detect the separator from the first non-blank line, outside quotes. */
static char csv_detect_sep(const char *p, size_t n)
{
    size_t semi = 0, comma = 0, i = 0;
    bool quoted = false;

    while (i < n && (p[i] == '\n' || p[i] == '\r'))
        i++;
    for (; i < n; i++) {
        char c = p[i];
        if (c == '"')
            quoted = !quoted;
        else if (quoted)
            continue;
        else if (c == '\n')
            break;
        else if (c == ';')
            semi++;
        else if (c == ',')
            comma++;
    }
    return comma > semi ? ',' : ';';
}

void csv_reader_init(struct csv_reader *r, const char *name, const char *data, size_t len, char sep)
{
    assert(sep == 0 || sep == ';' || sep == ',');
    assert(data || len == 0);
    if (!data)
        data = ""; /* no arithmetic on a null pointer below */
    r->name = name;
    r->data = data;
    r->len = len;
    r->pos = 0;
    if (len >= 3 && memcmp(data, CSV_BOM, 3) == 0)
        r->pos = 3;
    r->sep = sep ? sep : csv_detect_sep(data + r->pos, len - r->pos);
    r->line = 0;
    r->next_line = 1;
    strbuf_init(&r->buf, 0);
    r->fields = NULL;
    r->nfields = 0;
    r->cap = 0;
}

void csv_reader_release(struct csv_reader *r)
{
    strbuf_release(&r->buf);
    free(r->fields);
    r->fields = NULL;
    r->nfields = r->cap = 0;
}

/*
 * Offset of the first byte of s[0..n) that is not part of well-formed UTF-8
 * (overlongs, surrogates and code points over U+10FFFF are malformed), or n.
 */
static size_t utf8_bad_offset(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        unsigned c = p[i];
        size_t len;
        unsigned lo = 0x80, hi = 0xBF;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c >= 0xE0 && c <= 0xEF)
            len = 3;
        else if (c >= 0xF0 && c <= 0xF4)
            len = 4;
        else
            return i;
        /* the second byte's range excludes overlongs, surrogates, > U+10FFFF */
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
        else if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
        if (n - i < len || p[i + 1] < lo || p[i + 1] > hi)
            return i;
        for (size_t k = 2; k < len; k++)
            if (p[i + k] < 0x80 || p[i + k] > 0xBF)
                return i;
        i += len;
    }
    return n;
}

static size_t count_lf(const char *p, size_t n)
{
    size_t lines = 0;

    for (const char *q = p; (q = memchr(q, '\n', n - (size_t)(q - p))) != NULL; q++)
        lines++;
    return lines;
}

/* Leave the reader at the end after an error, so that a loop stops. */
static int csv_fail(struct csv_reader *r)
{
    r->pos = r->len;
    r->nfields = 0;
    return -1;
}

static int csv_err_too_long(struct csv_reader *r, size_t line, size_t col, struct err *e)
{
    err_set(e, ERR_TOO_LARGE, "%s, ligne %zu, colonne %zu : champ trop long", csv_src(r), line,
            col);
    err_detail(e, "taille maximale d'un champ : %d octets", CSV_MAX_FIELD_LEN);
    err_hint(e, "vérifiez qu'un guillemet n'a pas été oublié plus haut dans le fichier");
    return csv_fail(r);
}

/*
 * Check the field that occupies r->buf from off to the end: UTF-8 and no NUL.
 * line is the physical line of its first byte.
 */
static int csv_check_field(struct csv_reader *r, size_t off, size_t line, size_t col, struct err *e)
{
    const char *p = r->buf.buf + off;
    size_t n = r->buf.len - off;
    const char *nul = memchr(p, '\0', n);
    size_t bad = utf8_bad_offset(p, n);

    if (nul && (size_t)(nul - p) <= bad) {
        err_set(e, ERR_INVALID, "%s, ligne %zu, colonne %zu : caractère nul interdit", csv_src(r),
                line + count_lf(p, (size_t)(nul - p)), col);
        err_detail(e, "octet 0 à la position %zu du champ", (size_t)(nul - p) + 1);
        err_hint(e, "le fichier n'est sans doute pas un fichier texte CSV");
        return csv_fail(r);
    }
    if (bad < n) {
        err_set(e, ERR_INVALID, "%s, ligne %zu, colonne %zu : texte qui n'est pas en UTF-8 valide",
                csv_src(r), line + count_lf(p, bad), col);
        err_detail(e, "octet 0x%02X à la position %zu du champ", (unsigned char)p[bad], bad + 1);
        err_hint(e, "enregistrez le fichier au format « CSV UTF-8 » depuis le tableur");
        return csv_fail(r);
    }
    return 0;
}

/* Length of the line break at pos (LF, CRLF, or CR at the end), 0 if none. */
static size_t csv_eol(const struct csv_reader *r, size_t pos)
{
    if (pos >= r->len)
        return 0;
    if (r->data[pos] == '\n')
        return 1;
    if (r->data[pos] == '\r') {
        if (pos + 1 == r->len)
            return 1;
        if (r->data[pos + 1] == '\n')
            return 2;
    }
    return 0;
}

static void csv_push_field(struct csv_reader *r, size_t n)
{
    if (r->nfields == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : CSV_FIELDS_INITIAL;
        if (cap > CSV_MAX_FIELDS)
            cap = CSV_MAX_FIELDS;
        r->fields = realloc(r->fields, cap * sizeof(*r->fields));
        if (!r->fields)
            die_nomem(cap * sizeof(*r->fields));
        r->cap = cap;
    }
    r->fields[r->nfields].p = NULL; /* set once r->buf stops moving */
    r->fields[r->nfields].n = n;
    r->nfields++;
}

/* Quoted field: r->pos is on the opening quote. Appends the unescaped text. */
static int csv_read_quoted(struct csv_reader *r, size_t col, struct err *e)
{
    size_t start_line = r->next_line;
    size_t off = r->buf.len;

    r->pos++;
    for (;;) {
        const char *q = memchr(r->data + r->pos, '"', r->len - r->pos);
        size_t chunk;

        if (!q) {
            err_set(e, ERR_INVALID, "%s, ligne %zu, colonne %zu : guillemet non fermé", csv_src(r),
                    start_line, col);
            err_hint(e, "un champ qui commence par un guillemet doit finir par un guillemet ; "
                        "à l'intérieur d'un champ, un guillemet s'écrit \"\"");
            return csv_fail(r);
        }
        chunk = (size_t)(q - (r->data + r->pos));
        if (r->buf.len - off + chunk > CSV_MAX_FIELD_LEN)
            return csv_err_too_long(r, start_line, col, e);
        strbuf_add(&r->buf, r->data + r->pos, chunk);
        r->next_line += count_lf(r->data + r->pos, chunk);
        r->pos += chunk + 1;
        if (r->pos < r->len && r->data[r->pos] == '"') {
            if (r->buf.len - off + 1 > CSV_MAX_FIELD_LEN)
                return csv_err_too_long(r, start_line, col, e);
            strbuf_addch(&r->buf, '"');
            r->pos++;
            continue;
        }
        break;
    }
    if (r->pos < r->len && r->data[r->pos] != r->sep && csv_eol(r, r->pos) == 0) {
        unsigned char c = (unsigned char)r->data[r->pos];
        err_set(e, ERR_INVALID,
                "%s, ligne %zu, colonne %zu : caractère inattendu après un guillemet fermant",
                csv_src(r), r->next_line, col);
        if (c >= 0x20 && c < 0x7F)
            err_detail(e, "caractère « %c » au lieu du séparateur « %c »", c, r->sep);
        else
            err_detail(e, "octet 0x%02X au lieu du séparateur « %c »", c, r->sep);
        err_hint(e, "entourez tout le champ de guillemets et doublez les guillemets "
                    "qu'il contient (\"\")");
        return csv_fail(r);
    }
    return csv_check_field(r, off, start_line, col, e);
}

/* Unquoted field: up to the separator, the line break or the end. */
static int csv_read_plain(struct csv_reader *r, size_t col, struct err *e)
{
    size_t off = r->buf.len;
    size_t start = r->pos;

    while (r->pos < r->len && r->data[r->pos] != r->sep && csv_eol(r, r->pos) == 0)
        r->pos++;
    if (r->pos - start > CSV_MAX_FIELD_LEN)
        return csv_err_too_long(r, r->next_line, col, e);
    strbuf_add(&r->buf, r->data + start, r->pos - start);
    return csv_check_field(r, off, r->next_line, col, e);
}

int csv_read_record(struct csv_reader *r, struct err *e)
{
    size_t eol, off;

    r->nfields = 0;
    strbuf_clear(&r->buf);
    while ((eol = csv_eol(r, r->pos)) > 0) {
        r->pos += eol;
        r->next_line++;
    }
    if (r->pos >= r->len)
        return 0;
    r->line = r->next_line;
    for (;;) {
        size_t col = r->nfields + 1;
        size_t off0 = r->buf.len;
        int rc;

        if (r->nfields == CSV_MAX_FIELDS) {
            err_set(e, ERR_TOO_LARGE, "%s, ligne %zu, colonne %zu : trop de colonnes", csv_src(r),
                    r->next_line, col);
            err_detail(e, "nombre maximal de colonnes : %d", CSV_MAX_FIELDS);
            err_hint(e, "vérifiez le séparateur du fichier (« ; » ou « , »)");
            return csv_fail(r);
        }
        if (r->pos < r->len && r->data[r->pos] == '"')
            rc = csv_read_quoted(r, col, e);
        else
            rc = csv_read_plain(r, col, e);
        if (rc < 0)
            return -1;
        csv_push_field(r, r->buf.len - off0);
        strbuf_addch(&r->buf, '\0');
        if (r->pos < r->len && r->data[r->pos] == r->sep) {
            r->pos++;
            continue;
        }
        eol = csv_eol(r, r->pos);
        if (eol > 0) {
            r->pos += eol;
            r->next_line++;
        }
        assert(eol > 0 || r->pos == r->len);
        break;
    }
    if (strbuf_failed(&r->buf)) {
        err_set(e, ERR_TOO_LARGE, "%s, ligne %zu : enregistrement trop volumineux", csv_src(r),
                r->line);
        return csv_fail(r);
    }
    off = 0;
    for (size_t i = 0; i < r->nfields; i++) {
        r->fields[i].p = r->buf.buf + off;
        off += r->fields[i].n + 1;
    }
    assert(off == r->buf.len);
    return 1;
}

const char *csv_field_str(struct csv_reader *r, size_t i)
{
    assert(i < r->nfields);
    return r->fields[i].p;
}

static bool csv_field_is(const struct csv_field *f, const char *name)
{
    size_t n = strlen(name);
    return f->n == n && memcmp(f->p, name, n) == 0;
}

int csv_header_map(struct csv_reader *r, const char *const *names, size_t count, int *idx,
                   struct err *e)
{
    struct strbuf missing;
    size_t nmissing = 0;
    const char *first_missing = NULL;

    assert(r->nfields <= INT_MAX);
    for (size_t k = 0; k < count; k++) {
        const char *name = names[k] + (names[k][0] == '?');
        idx[k] = -1;
        for (size_t i = 0; i < r->nfields; i++) {
            if (!csv_field_is(&r->fields[i], name))
                continue;
            if (idx[k] >= 0) {
                err_set(e, ERR_INVALID, "%s, ligne %zu : colonne « %s » en double", csv_src(r),
                        r->line, name);
                err_detail(e, "colonnes %d et %zu", idx[k] + 1, i + 1);
                return err_hint(e, "gardez une seule colonne « %s »", name);
            }
            idx[k] = (int)i;
        }
    }
    strbuf_init(&missing, ERR_DETAIL_MAX);
    for (size_t k = 0; k < count; k++) {
        if (idx[k] >= 0 || names[k][0] == '?')
            continue;
        if (nmissing++ == 0)
            first_missing = names[k];
        else
            strbuf_addstr(&missing, ", ");
        strbuf_addf(&missing, "« %s »", names[k]);
    }
    if (nmissing > 0) {
        err_set(e, ERR_INVALID, "%s, ligne %zu : colonne obligatoire « %s » absente", csv_src(r),
                r->line, first_missing);
        err_detail(e, "colonne%s absente%s : %s", nmissing > 1 ? "s" : "", nmissing > 1 ? "s" : "",
                   missing.buf);
        err_hint(e, "la première ligne du fichier doit porter le nom exact de chaque colonne");
    }
    strbuf_release(&missing);
    return nmissing > 0 ? -1 : 0;
}

void csv_writer_init(struct csv_writer *w, struct strbuf *out, enum csv_dialect dialect)
{
    assert(dialect == CSV_EXCEL || dialect == CSV_OPENDATA);
    w->out = out;
    w->dialect = dialect;
    w->sep = dialect == CSV_EXCEL ? ';' : ',';
    w->col = 0;
    if (dialect == CSV_EXCEL)
        strbuf_addstr(out, CSV_BOM);
    w->rec_start = out->len;
}

static void csv_write_cell(struct csv_writer *w, const char *s, size_t n, bool neutralise)
{
    bool quote = false;

    if (w->col++ > 0)
        strbuf_addch(w->out, w->sep);
    /* a leading U+FEFF at the start of the output would be taken for a BOM */
    quote = n >= 3 && memcmp(s, CSV_BOM, 3) == 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == w->sep || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (quote)
        strbuf_addch(w->out, '"');
    if (neutralise)
        strbuf_addch(w->out, '\'');
    if (!quote) {
        strbuf_add(w->out, s, n);
        return;
    }
    for (;;) {
        const char *q = memchr(s, '"', n);
        size_t chunk = q ? (size_t)(q - s) + 1 : n;
        strbuf_add(w->out, s, chunk);
        if (!q)
            break;
        strbuf_addch(w->out, '"');
        s += chunk;
        n -= chunk;
    }
    strbuf_addch(w->out, '"');
}

void csv_write_field(struct csv_writer *w, const char *s, size_t n)
{
    bool neutralise = w->dialect == CSV_EXCEL && n > 0 && s[0] && strchr("=+-@\t\r", s[0]);

    csv_write_cell(w, s, n, neutralise);
}

void csv_write_str(struct csv_writer *w, const char *s)
{
    csv_write_field(w, s, strlen(s));
}

void csv_write_int(struct csv_writer *w, int64_t v)
{
    char num[24];
    int n = snprintf(num, sizeof(num), "%" PRId64, v);

    assert(n > 0 && (size_t)n < sizeof(num));
    csv_write_cell(w, num, (size_t)n, false);
}

static bool csv_is_number(const char *s, size_t n)
{
    size_t i = 0, digits = 0;
    bool point = false;

    if (n > 0 && s[0] == '-')
        i = 1;
    for (; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            digits++;
        } else if ((s[i] == ',' || s[i] == '.') && !point && digits > 0 && i + 1 < n) {
            point = true;
        } else {
            return false;
        }
    }
    return digits > 0;
}

void csv_write_num(struct csv_writer *w, const char *s, size_t n)
{
    if (csv_is_number(s, n))
        csv_write_cell(w, s, n, false);
    else
        csv_write_field(w, s, n);
}

void csv_end_record(struct csv_writer *w)
{
    if (w->out->len == w->rec_start)
        strbuf_addstr(w->out, "\"\"");
    strbuf_addstr(w->out, "\r\n");
    w->col = 0;
    w->rec_start = w->out->len;
}

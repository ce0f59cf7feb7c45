/*
 * json.c: bounded JSON parsing over jansson, typed getters with French
 * errors, stable serialisation and JSON Lines iteration.
 *
 * jansson does the parsing; this module adds what it lacks for untrusted
 * input: a size cap, a depth cap (a pre-scan of the brackets outside strings,
 * since jansson only has a compile-time limit of 2048), NUL bytes refused
 * before they reach the parser, and messages a user can act on.
 */
#include "core/compat.h"
#include "core/json.h"
#include "core/arena.h"
#include "core/money.h"

#define JSON_SHOW_MAX 60 /* bytes of an offending value quoted in a message */

static const char *json_src(const char *name)
{
    return name ? name : "JSON";
}

/* Line where jansson's line jline (1-based) falls, given the caller's base. */
static size_t json_abs_line(size_t base, size_t jline)
{
    if (jline == 0)
        jline = 1;
    return base ? base + jline - 1 : jline;
}

/*
 * Check for NUL bytes and nesting deeper than JSON_MAX_DEPTH, outside
 * strings. On valid JSON the brackets seen here are exactly the structure
 * jansson builds, so the depth of anything it accepts is bounded.
 */
static int json_prescan(const char *data, size_t n, const char *name, size_t base, struct err *e)
{
    size_t line = 1, col = 0, depth = 0;
    bool in_str = false, esc = false;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)data[i];

        if (c == '\n') {
            line++;
            col = 0;
            in_str = false; /* a raw newline cannot be inside a valid string */
            esc = false;
            continue;
        }
        if ((c & 0xC0) != 0x80)
            col++;
        if (c == '\0') {
            err_set(e, ERR_INVALID, "%s, ligne %zu, colonne %zu : caractère nul interdit",
                    json_src(name), json_abs_line(base, line), col);
            return err_hint(e, "le fichier n'est sans doute pas un fichier texte JSON");
        }
        if (in_str) {
            if (esc)
                esc = false;
            else if (c == '\\')
                esc = true;
            else if (c == '"')
                in_str = false;
            continue;
        }
        if (c == '"') {
            in_str = true;
        } else if (c == '[' || c == '{') {
            if (++depth > JSON_MAX_DEPTH) {
                err_set(e, ERR_INVALID, "%s, ligne %zu, colonne %zu : imbrication trop profonde",
                        json_src(name), json_abs_line(base, line), col);
                return err_detail(e, "au plus %d niveaux de tableaux et d'objets imbriqués",
                                  JSON_MAX_DEPTH);
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return 0;
}

static const char *json_error_fr(enum json_error_code code)
{
    switch (code) {
    case json_error_invalid_utf8:
        return "texte qui n'est pas en UTF-8 valide";
    case json_error_premature_end_of_input:
        return "fin des données inattendue (valeur JSON incomplète)";
    case json_error_end_of_input_expected:
        return "données en trop après la valeur JSON";
    case json_error_null_character:
    case json_error_null_byte_in_key:
        return "caractère nul (\\u0000) interdit";
    case json_error_duplicate_key:
        return "clé en double dans un objet";
    case json_error_numeric_overflow:
        return "nombre hors limites";
    case json_error_stack_overflow:
        return "imbrication trop profonde";
    case json_error_out_of_memory:
        return "mémoire insuffisante";
    default:
        return "syntaxe JSON invalide";
    }
}

/* ---- the fast path ---- */

/*
 * Most JSON proxima reads is its own: JSON Lines exports, journal payloads,
 * machine-written files. This parser builds the same jansson values as
 * json_loadb for the plain cases and gives up (returns NULL, no message) on
 * anything else: a syntax error, a \u escape, a real number, an integer
 * with a leading zero or out of range, "-0", a duplicate key, a control
 * character or invalid UTF-8, a NUL byte, nesting deeper than
 * JSON_MAX_DEPTH. json_parse then runs the careful path (pre-scan and
 * jansson), which accepts or refuses the input with its own words: the
 * fast path never decides that an input is invalid.
 *
 * It also tells whether a value's text is exactly what json_dump_sorted
 * writes for it (compact, keys in byte order, jansson's escapes), so that
 * a caller holding such text can keep it instead of serialising again.
 */
struct fast {
    const char *p, *end;
    int depth;
    bool canonical;          /* the value being parsed is canonical so far */
    struct json_canon *want; /* the top-level member to report on, or NULL */
    char *buf;               /* unescaped strings */
    size_t cap;
};

static void fast_ws(struct fast *f)
{
    while (f->p < f->end && (*f->p == ' ' || *f->p == '\t' || *f->p == '\r' || *f->p == '\n')) {
        f->p++;
        f->canonical = false;
    }
}

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlong form, no surrogate), 0 if none. */
static size_t fast_utf8(const unsigned char *s, const unsigned char *end)
{
    size_t n;
    uint32_t cp;

    if (s[0] < 0xC2 || s[0] > 0xF4)
        return 0;
    n = s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;
    if ((size_t)(end - s) < n)
        return 0;
    cp = s[0] & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return n;
}

/* 1 for the bytes that stand for themselves in a string: ASCII but controls, '"' and '\\'. */
static const unsigned char fast_plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/*
 * A string at f->p (on its opening quote): *s and *len, pointing into the
 * input when it has no escape, else into f->buf. false to give up.
 */
static bool fast_string(struct fast *f, const char **s, size_t *len)
{
    const unsigned char *p = (const unsigned char *)f->p + 1, *end = (const unsigned char *)f->end;
    const unsigned char *start = p;
    size_t k = 0;
    bool escaped = false;

    for (;;) {
        while (p < end && fast_plain[*p])
            p++;
        if (p >= end || *p < 0x20)
            return false;
        if (*p == '"')
            break;
        if (*p == '\\') {
            escaped = true;
            break;
        }
        if (*p < 0x80) {
            p++;
        } else {
            size_t n = fast_utf8(p, end);
            if (!n)
                return false;
            p += n;
        }
    }
    if (!escaped) {
        *s = (const char *)start;
        *len = (size_t)(p - start);
        f->p = (const char *)p + 1;
        return true;
    }
    /* escapes: copy into f->buf (at most as long as the rest of the input) */
    if (f->cap < (size_t)(end - start) + 1) {
        char *grown = realloc(f->buf, (size_t)(end - start) + 1);
        if (!grown)
            return false;
        f->buf = grown;
        f->cap = (size_t)(end - start) + 1;
    }
    k = (size_t)(p - start);
    memcpy(f->buf, start, k);
    for (;;) {
        if (p >= end || *p < 0x20)
            return false;
        if (*p == '"')
            break;
        if (*p == '\\') {
            char c;
            if (p + 1 >= end)
                return false;
            switch (p[1]) {
            case '"':
                c = '"';
                break;
            case '\\':
                c = '\\';
                break;
            case '/':
                c = '/';
                f->canonical = false; /* jansson writes '/' as it is */
                break;
            case 'b':
                c = '\b';
                break;
            case 'f':
                c = '\f';
                break;
            case 'n':
                c = '\n';
                break;
            case 'r':
                c = '\r';
                break;
            case 't':
                c = '\t';
                break;
            default:
                return false; /* \u, or not an escape: the careful path */
            }
            f->buf[k++] = c;
            p += 2;
        } else if (*p < 0x80) {
            f->buf[k++] = (char)*p++;
        } else {
            size_t n = fast_utf8(p, end);
            if (!n)
                return false;
            memcpy(f->buf + k, p, n);
            k += n;
            p += n;
        }
    }
    *s = f->buf;
    *len = k;
    f->p = (const char *)p + 1;
    return true;
}

#define FAST_KEY_MAX 256 /* longer keys: the careful path */

static json_t *fast_value(struct fast *f);

static json_t *fast_object(struct fast *f)
{
    json_t *o = json_object(), *v;
    char key[FAST_KEY_MAX], prev[FAST_KEY_MAX];
    size_t prev_len = 0;
    bool first = true, sorted = true, top = f->depth == 1 && f->want;

    if (!o)
        return NULL;
    f->p++; /* { */
    fast_ws(f);
    if (f->p < f->end && *f->p == '}') {
        f->p++;
        return o;
    }
    for (;;) {
        const char *k, *vstart;
        size_t klen;
        bool outer;

        if (f->p >= f->end || *f->p != '"' || !fast_string(f, &k, &klen) || klen >= FAST_KEY_MAX ||
            memchr(k, '\0', klen))
            goto fail;
        /* the value may reuse f->buf: keep the key apart */
        memcpy(key, k, klen);
        key[klen] = '\0';
        if (!first) {
            size_t m = klen < prev_len ? klen : prev_len;
            int cmp = memcmp(prev, key, m);
            sorted = sorted && (cmp < 0 || (cmp == 0 && prev_len < klen));
        }
        /* keys in strictly increasing order cannot repeat; others may */
        if (!sorted) {
            f->canonical = false;
            if (json_object_getn(o, key, klen))
                goto fail;
        }
        fast_ws(f);
        if (f->p >= f->end || *f->p != ':')
            goto fail;
        f->p++;
        fast_ws(f);
        vstart = f->p;
        outer = f->canonical;
        f->canonical = true;
        v = fast_value(f);
        if (!v)
            goto fail;
        if (top && f->canonical && !strcmp(key, f->want->member)) {
            f->want->text = vstart;
            f->want->len = (size_t)(f->p - vstart);
        }
        f->canonical = outer && f->canonical;
        if (json_object_setn_new_nocheck(o, key, klen, v) != 0)
            goto fail;
        memcpy(prev, key, klen + 1);
        prev_len = klen;
        first = false;
        fast_ws(f);
        if (f->p < f->end && *f->p == ',') {
            f->p++;
            fast_ws(f);
            continue;
        }
        if (f->p < f->end && *f->p == '}') {
            f->p++;
            return o;
        }
        goto fail;
    }
fail:
    json_decref(o);
    return NULL;
}

static json_t *fast_array(struct fast *f)
{
    json_t *a = json_array(), *v;

    if (!a)
        return NULL;
    f->p++; /* [ */
    fast_ws(f);
    if (f->p < f->end && *f->p == ']') {
        f->p++;
        return a;
    }
    for (;;) {
        v = fast_value(f);
        if (!v || json_array_append_new(a, v) != 0)
            goto fail;
        fast_ws(f);
        if (f->p < f->end && *f->p == ',') {
            f->p++;
            fast_ws(f);
            continue;
        }
        if (f->p < f->end && *f->p == ']') {
            f->p++;
            return a;
        }
        goto fail;
    }
fail:
    json_decref(a);
    return NULL;
}

/* An integer without leading zero that fits in 18 digits; anything else: the careful path. */
static json_t *fast_number(struct fast *f)
{
    const char *p = f->p;
    bool neg = false;
    int64_t v = 0;
    int digits = 0;

    if (*p == '-') {
        neg = true;
        p++;
    }
    if (p >= f->end || *p < '0' || *p > '9' ||
        (*p == '0' && (neg || (p + 1 < f->end && p[1] >= '0' && p[1] <= '9'))))
        return NULL;
    while (p < f->end && *p >= '0' && *p <= '9') {
        if (++digits > 18)
            return NULL;
        v = v * 10 + (*p++ - '0');
    }
    if (p < f->end && (*p == '.' || *p == 'e' || *p == 'E'))
        return NULL; /* a real: jansson's own conversion */
    f->p = p;
    return json_integer(neg ? -v : v);
}

static bool fast_word(struct fast *f, const char *w, size_t n)
{
    if ((size_t)(f->end - f->p) < n || memcmp(f->p, w, n) != 0)
        return false;
    f->p += n;
    return true;
}

static json_t *fast_value(struct fast *f)
{
    const char *s;
    size_t n;
    json_t *v = NULL;

    if (f->p >= f->end)
        return NULL;
    switch (*f->p) {
    case '{':
    case '[':
        if (++f->depth > JSON_MAX_DEPTH)
            return NULL;
        v = *f->p == '{' ? fast_object(f) : fast_array(f);
        f->depth--;
        return v;
    case '"':
        return fast_string(f, &s, &n) ? json_stringn_nocheck(s, n) : NULL;
    case 't':
        return fast_word(f, "true", 4) ? json_true() : NULL;
    case 'f':
        return fast_word(f, "false", 5) ? json_false() : NULL;
    case 'n':
        return fast_word(f, "null", 4) ? json_null() : NULL;
    default:
        return fast_number(f);
    }
}

/* The whole input as one value, or NULL to leave it to the careful path. */
static json_t *fast_parse(const char *data, size_t n, struct json_canon *canon)
{
    struct fast f = {.p = data, .end = data + n, .canonical = true, .want = canon};
    json_t *v;

    if (canon) {
        canon->whole = false;
        canon->text = NULL;
        canon->len = 0;
        if (!canon->member)
            f.want = NULL;
    }
    fast_ws(&f);
    f.canonical = true; /* blanks around the value are not part of it */
    v = fast_value(&f);
    if (v) {
        bool value_canonical = f.canonical;
        fast_ws(&f);
        if (f.p != f.end) {
            json_decref(v);
            v = NULL;
        } else if (canon) {
            canon->whole = value_canonical;
        }
    }
    free(f.buf);
    if (!v && canon) {
        canon->text = NULL;
        canon->len = 0;
    }
    return v;
}

/* Past the value at p in canonical text (no blanks), NULL if the text ends first. */
static const char *canon_skip(const char *p, const char *end)
{
    int depth = 0;

    do {
        if (p >= end)
            return NULL;
        switch (*p) {
        case '"':
            for (p++; p < end && *p != '"'; p += *p == '\\' ? 2 : 1)
                ;
            if (p >= end)
                return NULL;
            p++;
            break;
        case '{':
        case '[':
            depth++;
            p++;
            break;
        case '}':
        case ']':
            if (--depth < 0)
                return NULL;
            p++;
            break;
        case ',':
        case ':':
            p++;
            break;
        default:
            while (p < end && *p != ',' && *p != '}' && *p != ']')
                p++;
            break;
        }
    } while (depth > 0);
    return p;
}

int json_canon_member(const char *text, size_t n, const char *key, const char **value, size_t *len)
{
    const char *p = text, *end = text + n;
    size_t klen = strlen(key);

    *value = NULL;
    *len = 0;
    if (p >= end || *p++ != '{')
        return -1;
    while (p < end && *p == '"') {
        const char *k = ++p, *v;
        bool match;

        for (; p < end && *p != '"'; p += *p == '\\' ? 2 : 1)
            ;
        if (p + 1 >= end || p[1] != ':')
            return -1;
        match = (size_t)(p - k) == klen && !memcmp(k, key, klen);
        v = p + 2;
        p = canon_skip(v, end);
        if (!p)
            return -1;
        if (match) {
            *value = v;
            *len = (size_t)(p - v);
            return 0;
        }
        if (p < end && *p == ',')
            p++;
    }
    return -1;
}

json_t *json_parse(const char *data, size_t n, const char *name, size_t line, struct err *e)
{
    return json_parse_canon(data, n, name, line, NULL, e);
}

json_t *json_parse_canon(const char *data, size_t n, const char *name, size_t line,
                         struct json_canon *canon, struct err *e)
{
    json_error_t jerr;
    json_t *v;
    size_t i;

    if (canon) {
        canon->whole = false;
        canon->text = NULL;
        canon->len = 0;
    }

    if (n > JSON_MAX_INPUT) {
        if (line)
            err_set(e, ERR_TOO_LARGE, "%s, ligne %zu : données JSON trop volumineuses",
                    json_src(name), line);
        else
            err_set(e, ERR_TOO_LARGE, "%s : données JSON trop volumineuses", json_src(name));
        err_detail(e, "%zu octets pour %u au plus", n, JSON_MAX_INPUT);
        return NULL;
    }
    for (i = 0; i < n && data[i] && strchr(" \t\r\n", data[i]); i++)
        ;
    if (i == n) {
        if (line)
            err_set(e, ERR_INVALID, "%s, ligne %zu : aucune valeur JSON", json_src(name), line);
        else
            err_set(e, ERR_INVALID, "%s : document JSON vide", json_src(name));
        return NULL;
    }
    v = fast_parse(data, n, canon);
    if (v)
        return v;
    if (json_prescan(data, n, name, line, e) < 0)
        return NULL;
    v = json_loadb(data, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
    if (!v) {
        enum json_error_code code = json_error_code(&jerr);
        err_set(e, code == json_error_out_of_memory ? ERR_NOMEM : ERR_INVALID,
                "%s, ligne %zu, colonne %d : %s", json_src(name),
                json_abs_line(line, jerr.line > 0 ? (size_t)jerr.line : 1), jerr.column,
                json_error_fr(code));
        err_detail(e, "analyseur JSON : %s", jerr.text);
        return NULL;
    }
    return v;
}

void json_text_free(char *text)
{
    json_free_t f;

    json_get_alloc_funcs(NULL, &f);
    f(text);
}

const char *json_excerpt(struct arena *a, const json_t *v, size_t max)
{
    char *s;
    const char *r;
    size_t n;

    if (json_is_string(v))
        return json_string_value(v);
    s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s)
        return "?";
    n = strlen(s);
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        r = arena_printf(a, "%.*s…", (int)n, s);
    } else {
        r = arena_strdup(a, s);
    }
    json_text_free(s);
    return r;
}

/* ---- getters ---- */

static const char *json_type_fr(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "un objet";
    case JSON_ARRAY:
        return "un tableau";
    case JSON_STRING:
        return "une chaîne";
    case JSON_INTEGER:
        return "un nombre entier";
    case JSON_REAL:
        return "un nombre décimal";
    case JSON_TRUE:
    case JSON_FALSE:
        return "un booléen";
    case JSON_NULL:
        return "null";
    }
    return "?";
}

/* Append v in compact JSON, cut at JSON_SHOW_MAX bytes on a character boundary. */
static void json_show(struct strbuf *sb, const json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    size_t n;

    if (!s) {
        strbuf_addstr(sb, "?");
        return;
    }
    n = strlen(s);
    if (n > JSON_SHOW_MAX) {
        n = JSON_SHOW_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        strbuf_add(sb, s, n);
        strbuf_addstr(sb, "…");
    } else {
        strbuf_add(sb, s, n);
    }
    json_text_free(s);
}

/* "champ « f » : <what> attendu, valeur reçue : <v>" */
static int json_bad_value(const char *field, const char *what, const json_t *v, struct err *e)
{
    struct strbuf sb;

    strbuf_init(&sb, ERR_MESSAGE_MAX);
    json_show(&sb, v);
    err_set(e, ERR_INVALID, "champ « %s » : %s attendu, valeur reçue : %s", field, what, sb.buf);
    err_detail(e, "type reçu : %s", json_type_fr(v));
    strbuf_release(&sb);
    return -1;
}

/*
 * Find field in obj: 1 with *v set, 0 if absent (or null), -1 on error
 * (obj not an object, or a required field missing).
 */
static int json_lookup(json_t *obj, const char *field, bool required, json_t **v, struct err *e)
{
    if (!json_is_object(obj)) {
        err_set(e, ERR_INVALID, "objet JSON attendu pour lire le champ « %s »", field);
        return err_detail(e, "type reçu : %s", obj ? json_type_fr(obj) : "rien");
    }
    *v = json_object_get(obj, field);
    if (*v && !json_is_null(*v))
        return 1;
    if (required) {
        err_set(e, ERR_INVALID, "champ obligatoire « %s » absent", field);
        return err_hint(e, "ajoutez le champ « %s » avec une valeur", field);
    }
    return 0;
}

int json_get_str(json_t *obj, const char *field, bool required, const char **out, struct err *e)
{
    json_t *v;
    int rc = json_lookup(obj, field, required, &v, e);

    if (rc <= 0)
        return rc;
    if (!json_is_string(v))
        return json_bad_value(field, "une chaîne", v, e);
    *out = json_string_value(v);
    return 0;
}

int json_get_int(json_t *obj, const char *field, bool required, int64_t *out, struct err *e)
{
    json_t *v;
    int rc = json_lookup(obj, field, required, &v, e);

    if (rc <= 0)
        return rc;
    if (!json_is_integer(v))
        return json_bad_value(field, "un nombre entier", v, e);
    *out = (int64_t)json_integer_value(v);
    return 0;
}

int json_get_bool(json_t *obj, const char *field, bool required, bool *out, struct err *e)
{
    json_t *v;
    int rc = json_lookup(obj, field, required, &v, e);

    if (rc <= 0)
        return rc;
    if (!json_is_boolean(v))
        return json_bad_value(field, "un booléen (true ou false)", v, e);
    *out = json_is_true(v);
    return 0;
}

int json_get_date(json_t *obj, const char *field, bool required, date_t *out, struct err *e)
{
    char why[ERR_MESSAGE_MAX];
    struct err de;
    json_t *v;
    date_t d;
    int rc = json_lookup(obj, field, required, &v, e);

    if (rc <= 0)
        return rc;
    if (!json_is_string(v))
        return json_bad_value(field, "une date « AAAA-MM-JJ »", v, e);
    err_clear(&de);
    if (date_parse_iso(json_string_value(v), json_string_length(v), &d, &de) < 0) {
        struct strbuf sb;
        memcpy(why, de.message, sizeof(why));
        strbuf_init(&sb, ERR_MESSAGE_MAX);
        json_show(&sb, v);
        err_set(e, ERR_INVALID, "champ « %s » : date invalide %s", field, sb.buf);
        strbuf_release(&sb);
        if (why[0])
            err_detail(e, "%s", why);
        return err_hint(e, "écrivez la date au format AAAA-MM-JJ, par exemple 2022-03-07");
    }
    *out = d;
    return 0;
}

static bool json_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* A money field holding integer cents. */
static int json_money_cents(const char *field, json_t *v, int64_t *cents, struct err *e)
{
    if (!json_is_integer(v)) {
        json_bad_value(field, "un montant en centimes (nombre entier)", v, e);
        return err_hint(e, "un champ « …_cents » contient des centimes entiers : 123456 "
                           "pour 1234,56 €");
    }
    *cents = (int64_t)json_integer_value(v);
    return 0;
}

/* A money field holding euros as a string. */
static int json_money_euros(const char *field, json_t *v, int64_t *cents, struct err *e)
{
    char why[ERR_MESSAGE_MAX];
    struct err me;
    int64_t c;

    if (!json_is_string(v)) {
        json_bad_value(field, "un montant en euros entre guillemets", v, e);
        return err_hint(e,
                        "écrivez le montant en euros comme une chaîne (\"1234.56\") ou en "
                        "centimes entiers dans un champ « %s_cents »",
                        field);
    }
    err_clear(&me);
    if (money_parse(json_string_value(v), json_string_length(v), &c, &me) < 0) {
        struct strbuf sb;
        memcpy(why, me.message, sizeof(why));
        strbuf_init(&sb, ERR_MESSAGE_MAX);
        json_show(&sb, v);
        err_set(e, ERR_INVALID, "champ « %s » : montant invalide %s", field, sb.buf);
        strbuf_release(&sb);
        if (why[0])
            err_detail(e, "%s", why);
        return err_hint(e, "écrivez le montant en euros avec au plus deux décimales, "
                           "par exemple \"1234.56\"");
    }
    *cents = c;
    return 0;
}

int json_get_money(json_t *obj, const char *field, bool required, int64_t *cents, struct err *e)
{
    char cname[256];
    json_t *v, *vc;
    int rc, rcc;

    if (json_ends_with(field, "_cents")) {
        rc = json_lookup(obj, field, required, &v, e);
        return rc <= 0 ? rc : json_money_cents(field, v, cents, e);
    }
    if ((size_t)snprintf(cname, sizeof(cname), "%s_cents", field) >= sizeof(cname))
        return err_set(e, ERR_INTERNAL, "nom de champ trop long : %s", field);
    rc = json_lookup(obj, field, false, &v, e);
    if (rc < 0)
        return rc;
    rcc = json_lookup(obj, cname, false, &vc, e);
    if (rcc < 0)
        return rcc;
    if (rc > 0 && rcc > 0) {
        err_set(e, ERR_INVALID, "champs « %s » et « %s » tous deux présents", field, cname);
        return err_hint(e, "donnez le montant une seule fois, en euros ou en centimes");
    }
    if (rc > 0)
        return json_money_euros(field, v, cents, e);
    if (rcc > 0)
        return json_money_cents(cname, vc, cents, e);
    if (required) {
        err_set(e, ERR_INVALID, "champ obligatoire « %s » absent", field);
        return err_hint(e, "ajoutez le champ « %s » (euros, \"1234.56\") ou « %s » (centimes)",
                        field, cname);
    }
    return 0;
}

/* ---- output ---- */

static int json_dump_cb(const char *buffer, size_t size, void *data)
{
    strbuf_add(data, buffer, size);
    return 0;
}

void json_dump_sorted(json_t *v, struct strbuf *sb)
{
    int rc;

    assert(v);
    rc = json_dump_callback(v, json_dump_cb, sb, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    if (rc != 0)
        die_nomem(0);
}

/* ---- JSON Lines ---- */

struct lines_plain {
    int (*fn)(json_t *v, size_t line, void *ctx, struct err *e);
    void *ctx;
};

static int lines_plain(json_t *v, size_t line, const struct json_canon *canon, void *ctx,
                       struct err *e)
{
    struct lines_plain *pl = ctx;

    (void)canon;
    return pl->fn(v, line, pl->ctx, e);
}

int json_lines_foreach(const char *data, size_t n, const char *name, size_t max_errors,
                       int (*fn)(json_t *v, size_t line, void *ctx, struct err *e), void *ctx,
                       FILE *errs, struct err *e)
{
    struct lines_plain pl = {.fn = fn, .ctx = ctx};

    return json_lines_foreach_canon(data, n, name, max_errors, NULL, lines_plain, &pl, errs, e);
}

int json_lines_foreach_canon(const char *data, size_t n, const char *name, size_t max_errors,
                             const char *member,
                             int (*fn)(json_t *v, size_t line, const struct json_canon *canon,
                                       void *ctx, struct err *e),
                             void *ctx, FILE *errs, struct err *e)
{
    size_t pos = 0, line = 0, nerr = 0;

    if (max_errors == 0)
        max_errors = 1;
    if (n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    while (pos < n && nerr < max_errors) {
        const char *p = data + pos;
        const char *nl = memchr(p, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - p) : n - pos;
        size_t k;
        struct err le;
        struct json_canon canon = {.member = member};
        json_t *v;
        int rc;

        line++;
        pos += len + (nl != NULL);
        for (k = 0; k < len && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'); k++)
            ;
        if (k == len)
            continue;
        err_clear(&le);
        v = json_parse_canon(p, len, name, line, &canon, &le);
        if (v) {
            rc = fn(v, line, &canon, ctx, &le);
            json_decref(v);
            if (rc == 0)
                continue;
            if (le.code == ERR_OK)
                err_set(&le, ERR_INTERNAL, "erreur non précisée");
            err_prefix(&le, "%s, ligne %zu : ", json_src(name), line);
        }
        if (nerr++ == 0 && e)
            *e = le;
        if (errs)
            err_print(&le, errs);
    }
    if (nerr == 0)
        return 0;
    if (errs && nerr >= max_errors && pos < n)
        fprintf(errs, "%s : arrêt après %zu erreurs (ligne %zu)\n", json_src(name), nerr, line);
    return -1;
}

bool json_has(json_t *obj, const char *field)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, field) : NULL;
    return v && !json_is_null(v);
}

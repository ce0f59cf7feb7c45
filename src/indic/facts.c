/*
 * facts.c: the facts of a source row (the JSON object of its facts column),
 * read for the engine without building a jansson object per row.
 *
 * The engine asks a row's facts for a few keys (filters, conditions, sums of
 * a fact) on most dossiers and acts of a year: building the whole jansson
 * object per row cost about a seventh of a year's computation. The facts
 * written by proxima are flat objects of short strings, integers,
 * booleans and nulls, so a small scanner reads the members of the top-level
 * object in place: spans into the column's text, valid as long as it is.
 *
 * The scanner accepts only text that is valid JSON and that jansson would
 * read the same way (strings in well-formed UTF-8); anything else (a
 * backslash escape, a nested object or array, a real number, an integer of
 * more than 18 digits, a syntax error) hands the row to jansson (json_loads with the
 * same flags as before), whose object then gives the members, and whose
 * errors are the errors of the row. A key present twice counts by its last
 * value, as json_loads does.
 */
#include "core/compat.h"
#include "indic/indic_int.h"

void eng_facts_init(struct eng_facts *f)
{
    memset(f, 0, sizeof(*f));
}

void eng_facts_clear(struct eng_facts *f)
{
    json_decref(f->json);
    f->json = NULL;
    f->n = 0;
}

void eng_facts_release(struct eng_facts *f)
{
    eng_facts_clear(f);
    free(f->m);
    memset(f, 0, sizeof(*f));
}

static struct eng_fact *push(struct eng_facts *f)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 16;
        struct eng_fact *grown = realloc(f->m, cap * sizeof(*grown));
        if (!grown)
            die_nomem(cap * sizeof(*grown));
        f->m = grown;
        f->cap = cap;
    }
    memset(&f->m[f->n], 0, sizeof(f->m[0]));
    return &f->m[f->n++];
}

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

/*
 * The length of the well-formed UTF-8 sequence at p (lead byte >= 0x80), 0
 * if ill-formed (Unicode table 3-7: no overlong form, no surrogate, nothing
 * above U+10FFFF), as jansson checks it.
 */
static size_t utf8_len(const unsigned char *p)
{
    unsigned char c = p[0], lo = 0x80, hi = 0xBF;
    size_t n;

    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else
        return 0;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return n;
}

/* A string without escape at p ('"'): its span, the position after it, or NULL. */
static const char *scan_string(const char *p, const char **s, size_t *n)
{
    const char *q;

    if (*p != '"')
        return NULL;
    for (q = p + 1; *q != '"'; q++) {
        unsigned char c = (unsigned char)*q;
        if (c >= 0x80) {
            size_t len = utf8_len((const unsigned char *)q);
            if (!len)
                return NULL;
            q += len - 1;
        } else if (c < 0x20 || c == '\\') { /* also the final NUL */
            return NULL;
        }
    }
    *s = p + 1;
    *n = (size_t)(q - p - 1);
    return q + 1;
}

static bool word_at(const char *p, const char *w, size_t n)
{
    return !strncmp(p, w, n);
}

/* One value at p into x: the position after it, or NULL (not for the fast path). */
static const char *scan_value(const char *p, struct eng_fact *x)
{
    if (*p == '"') {
        x->type = ENG_FACT_STRING;
        return scan_string(p, &x->s, &x->slen);
    }
    if (word_at(p, "true", 4)) {
        x->type = ENG_FACT_TRUE;
        return p + 4;
    }
    if (word_at(p, "false", 5)) {
        x->type = ENG_FACT_FALSE;
        return p + 5;
    }
    if (word_at(p, "null", 4)) {
        x->type = ENG_FACT_NULL;
        return p + 4;
    }
    if (*p == '-' || (*p >= '0' && *p <= '9')) {
        bool neg = *p == '-';
        const char *q = neg ? p + 1 : p;
        int64_t v = 0;
        int digits = 0;

        if (*q == '0' && q[1] >= '0' && q[1] <= '9')
            return NULL; /* leading zero: invalid JSON, jansson says so */
        for (; *q >= '0' && *q <= '9'; q++, digits++)
            if (digits < 18)
                v = v * 10 + (*q - '0');
        /* no digit, a real, or too long to be sure of the range: jansson decides */
        if (digits == 0 || digits > 18 || *q == '.' || *q == 'e' || *q == 'E')
            return NULL;
        x->type = ENG_FACT_INT;
        x->i = neg ? -v : v;
        return q;
    }
    return NULL;
}

/* The fast path: true when text was a flat object read entirely into f. */
static bool scan_object(struct eng_facts *f, const char *text)
{
    const char *p = skip_ws(text);

    if (*p++ != '{')
        return false;
    p = skip_ws(p);
    if (*p == '}')
        return *skip_ws(p + 1) == '\0';
    for (;;) {
        struct eng_fact *x = push(f);
        p = scan_string(p, &x->key, &x->klen);
        if (!p)
            return false;
        p = skip_ws(p);
        if (*p++ != ':')
            return false;
        p = scan_value(skip_ws(p), x);
        if (!p)
            return false;
        p = skip_ws(p);
        if (*p == '}')
            return *skip_ws(p + 1) == '\0';
        if (*p++ != ',')
            return false;
        p = skip_ws(p);
    }
}

/* The slow path: jansson reads text, its object gives the members. */
static int load_jansson(struct eng_facts *f, const char *text, const char *id, struct err *e)
{
    json_error_t jerr;
    const char *key;
    json_t *v;

    f->n = 0;
    f->json = json_loads(text, 0, &jerr);
    if (!f->json || !json_is_object(f->json)) {
        bool parsed = f->json != NULL;
        json_decref(f->json);
        f->json = NULL;
        return err_set(e, ERR_INVALID, "faits illisibles pour %s : %s", id,
                       parsed ? "ce n'est pas un objet JSON" : jerr.text);
    }
    json_object_foreach(f->json, key, v)
    {
        struct eng_fact *x = push(f);
        x->key = key;
        x->klen = strlen(key);
        switch (json_typeof(v)) {
        case JSON_STRING:
            x->type = ENG_FACT_STRING;
            x->s = json_string_value(v);
            x->slen = json_string_length(v);
            break;
        case JSON_INTEGER:
            x->type = ENG_FACT_INT;
            x->i = (int64_t)json_integer_value(v);
            break;
        case JSON_TRUE:
            x->type = ENG_FACT_TRUE;
            break;
        case JSON_FALSE:
            x->type = ENG_FACT_FALSE;
            break;
        case JSON_NULL:
            x->type = ENG_FACT_NULL;
            break;
        default:
            x->type = ENG_FACT_OTHER; /* real, object, array */
            break;
        }
    }
    f->slow++;
    return 0;
}

int eng_facts_read(struct eng_facts *f, const char *text, const char *id, struct err *e)
{
    eng_facts_clear(f);
    if (!text || !*text)
        text = "{}";
    if (scan_object(f, text))
        return 0;
    return load_jansson(f, text, id, e);
}

const struct eng_fact *eng_facts_get(const struct eng_facts *f, const char *key)
{
    size_t n = strlen(key);

    /* from the end: a key given twice counts by its last value */
    for (size_t i = f->n; i-- > 0;)
        if (f->m[i].klen == n && !memcmp(f->m[i].key, key, n))
            return &f->m[i];
    return NULL;
}

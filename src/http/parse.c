/*
 * parse.c: cursor parsers for the parts of an HTTP request proxima reads
 * itself (target, query strings, form bodies, cookies, media types); see
 * parse.h. No function here trusts a NUL terminator inside the input: every
 * loop is bounded by the length given.
 */
#include "core/compat.h"
#include "http/parse.h"

#include <sodium.h>
#include <strings.h>

#include "core/strbuf.h"
#include "core/utf8.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int http_url_decode(struct arena *a, const char *s, size_t n, bool plus_space, bool allow_newlines,
                    const char *what, const char **out, size_t *outn, struct err *e)
{
    char *buf = arena_alloc(a, n + 1);
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            int hi, lo;
            if (n - i < 3 || (hi = hexval(s[i + 1])) < 0 || (lo = hexval(s[i + 2])) < 0) {
                err_set(e, ERR_USAGE, "%s : séquence d'échappement %% invalide", what);
                return err_hint(e, "un « %% » doit être suivi de deux chiffres hexadécimaux "
                                   "(%%20 pour une espace)");
            }
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_space) {
            c = ' ';
        }
        buf[k++] = (char)c;
    }
    buf[k] = '\0';
    if (!utf8_valid(buf, k)) {
        err_set(e, ERR_USAGE, "%s : texte qui n'est pas en UTF-8 valide", what);
        return err_hint(e, "encodez le texte en UTF-8");
    }
    for (size_t i = 0; i < k; i++) {
        unsigned char c = (unsigned char)buf[i];
        bool blank = c == '\t' || c == '\n' || c == '\r';
        if ((c < 0x20 && !(blank && allow_newlines)) || c == 0x7f)
            return err_set(e, ERR_USAGE, "%s : caractère de contrôle interdit (octet %u)", what,
                           (unsigned)c);
    }
    *out = buf;
    if (outn)
        *outn = k;
    return 0;
}

int http_target_parse(struct arena *a, const char *raw, size_t n, const char ***seg, size_t *nseg,
                      const char **query, size_t *qn, struct err *e)
{
    const char **v;
    size_t path_end = 0, k = 0, start;

    *seg = NULL;
    *nseg = 0;
    *query = NULL;
    *qn = 0;
    if (n == 0 || raw[0] != '/')
        return err_set(e, ERR_USAGE,
                       "cible de la requête invalide : elle doit commencer par « / »");
    if (n > HTTP_TARGET_MAX) {
        err_set(e, ERR_USAGE, "adresse trop longue (%zu octets)", n);
        return err_detail(e, "au plus %d octets", HTTP_TARGET_MAX);
    }
    while (path_end < n && raw[path_end] != '?' && raw[path_end] != '#')
        path_end++;
    if (memchr(raw, '#', n))
        return err_set(e, ERR_USAGE, "cible de la requête invalide : fragment « # » interdit");
    if (path_end < n) {
        *query = raw + path_end + 1;
        *qn = n - path_end - 1;
    }
    v = arena_calloc(a, HTTP_SEGMENTS, sizeof(*v));
    if (path_end == 1) {
        *seg = v;
        return 0;
    }
    start = 1;
    for (size_t i = 1; i <= path_end; i++) {
        if (i < path_end && raw[i] != '/')
            continue;
        if (k == HTTP_SEGMENTS)
            return err_set(e, ERR_USAGE, "chemin trop profond (plus de %d segments)",
                           HTTP_SEGMENTS);
        if (http_url_decode(a, raw + start, i - start, false, false, "chemin", &v[k], NULL, e) != 0)
            return -1;
        k++;
        start = i + 1;
    }
    *seg = v;
    *nseg = k;
    return 0;
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

int http_form_parse(struct arena *a, const char *s, size_t n, struct http_pairs *out, struct err *e)
{
    size_t i = 0;

    out->v = NULL;
    out->n = 0;
    while (i < n) {
        size_t end = i, eq;
        const char *name;
        size_t namelen;
        struct http_pair *p;

        while (end < n && s[end] != '&')
            end++;
        if (end == i) {
            i++;
            continue;
        }
        if (out->n == HTTP_PAIRS_MAX) {
            err_set(e, ERR_USAGE, "trop de paramètres (plus de %d)", HTTP_PAIRS_MAX);
            return err_hint(e, "n'envoyez que les paramètres documentés");
        }
        eq = i;
        while (eq < end && s[eq] != '=')
            eq++;
        if (http_url_decode(a, s + i, eq - i, true, false, "nom de paramètre", &name, &namelen,
                            e) != 0)
            return -1;
        if (namelen == 0)
            return err_set(e, ERR_USAGE, "paramètre sans nom (« =valeur »)");
        if (namelen > HTTP_NAME_MAX)
            return err_set(e, ERR_USAGE, "nom de paramètre trop long (%zu octets, %d au plus)",
                           namelen, HTTP_NAME_MAX);
        for (size_t k = 0; k < namelen; k++)
            if (!name_char(name[k]))
                return err_set(e, ERR_USAGE,
                               "nom de paramètre invalide : lettres, chiffres, « _ », « . » et "
                               "« - » seulement");
        if (!out->v)
            out->v = arena_calloc(a, HTTP_PAIRS_MAX, sizeof(*out->v));
        p = &out->v[out->n++];
        p->name = name;
        if (eq < end) {
            const char *what = arena_printf(a, "paramètre « %s »", name);
            if (http_url_decode(a, s + eq + 1, end - eq - 1, true, true, what, &p->value,
                                &p->value_len, e) != 0)
                return -1;
        } else {
            p->value = "";
            p->value_len = 0;
        }
        i = end + 1;
    }
    return 0;
}

static bool ows(char c)
{
    return c == ' ' || c == '\t';
}

const char *http_cookie_get(struct arena *a, const char *header, const char *name)
{
    size_t n, namelen = strlen(name), i = 0;
    const char *found = NULL;
    size_t found_len = 0;

    if (!header)
        return NULL;
    n = strnlen(header, HTTP_COOKIE_MAX + 1);
    if (n > HTTP_COOKIE_MAX)
        return NULL;
    while (i < n) {
        size_t end = i, eq, vs, ve;
        while (end < n && header[end] != ';')
            end++;
        while (i < end && ows(header[i]))
            i++;
        eq = i;
        while (eq < end && header[eq] != '=')
            eq++;
        if (eq < end && eq - i == namelen && !memcmp(header + i, name, namelen)) {
            vs = eq + 1;
            ve = end;
            while (ve > vs && ows(header[ve - 1]))
                ve--;
            if (ve - vs >= 2 && header[vs] == '"' && header[ve - 1] == '"') {
                vs++;
                ve--;
            }
            if (found)
                return NULL; /* given twice: ambiguous */
            found = header + vs;
            found_len = ve - vs;
        }
        i = end + 1;
    }
    return found ? arena_strndup(a, found, found_len) : NULL;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int http_media_type(struct arena *a, const char *header, const char **type, struct err *e)
{
    size_t n, end = 0, i;
    char *t;

    *type = "";
    if (!header)
        return 0;
    n = strnlen(header, 256);
    while (end < n && header[end] != ';')
        end++;
    i = 0;
    while (i < end && ows(header[i]))
        i++;
    while (end > i && ows(header[end - 1]))
        end--;
    t = arena_strndup(a, header + i, end - i);
    for (char *p = t; *p; p++)
        *p = lower(*p);
    /* parameters: only charset matters, and it must be UTF-8 */
    for (i = end; i < n;) {
        size_t s, pe;
        while (i < n && (header[i] == ';' || ows(header[i])))
            i++;
        s = i;
        while (i < n && header[i] != ';')
            i++;
        pe = i;
        while (pe > s && ows(header[pe - 1]))
            pe--;
        if (pe - s >= 8 && !strncasecmp(header + s, "charset=", 8)) {
            const char *v = header + s + 8;
            size_t vn = pe - s - 8;
            if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
                v++;
                vn -= 2;
            }
            if (!((vn == 5 && !strncasecmp(v, "utf-8", 5)) ||
                  (vn == 4 && !strncasecmp(v, "utf8", 4)))) {
                err_set(e, ERR_USAGE, "jeu de caractères non pris en charge");
                return err_hint(e, "envoyez le corps en UTF-8 (charset=utf-8)");
            }
        }
    }
    *type = t;
    return 0;
}

bool http_secret_equal(const char *a, const char *b)
{
    size_t n;

    if (!a || !b)
        return false;
    n = strlen(a);
    if (n == 0 || n != strlen(b))
        return false;
    return sodium_memcmp(a, b, n) == 0;
}

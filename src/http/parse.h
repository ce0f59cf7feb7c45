/*
 * parse.h: the HTTP server's own parsers for what a client sends: the
 * request target (path and query), query strings and form bodies
 * (application/x-www-form-urlencoded), the Cookie header and media types.
 *
 * libmicrohttpd parses the request line and headers; everything inside them
 * that proxima uses is parsed here, by length-bounded cursors, and fuzzed
 * (fuzz/fuzz_http_body.c). Decoded text is always valid UTF-8 without NUL
 * or control characters other than tab, CR and LF (those three only in
 * values, never in paths or names). Errors are ERR_USAGE (HTTP 400) with a
 * French message; they never quote a whole value back, only its place.
 */
#ifndef PROXIMA_HTTP_PARSE_H
#define PROXIMA_HTTP_PARSE_H

#include "core/compat.h"
#include "core/arena.h"
#include "core/err.h"

#define HTTP_TARGET_MAX 4096 /* bytes of a request target (path and query) */
#define HTTP_SEGMENTS   16   /* path segments */
#define HTTP_PAIRS_MAX  64   /* name=value pairs in a query or form body */
#define HTTP_NAME_MAX   64   /* bytes of a parameter name */
#define HTTP_COOKIE_MAX 4096 /* bytes of a Cookie header we look into */

/* One decoded name=value pair (both NUL-terminated, in the arena). */
struct http_pair {
    const char *name;
    const char *value;
    size_t value_len;
};

struct http_pairs {
    struct http_pair *v;
    size_t n;
};

/*
 * Percent-decode s[0..n) into the arena ('+' means a space when plus_space,
 * as in form bodies and query strings). Refused: a '%' not followed by two
 * hex digits, a decoded NUL, invalid UTF-8, control characters other than
 * tab, CR, LF, and those three too when !allow_newlines. what names the
 * thing decoded in the message ("chemin", "paramètre « nom »").
 */
int http_url_decode(struct arena *a, const char *s, size_t n, bool plus_space, bool allow_newlines,
                    const char *what, const char **out, size_t *outn, struct err *e);

/*
 * Split a raw request target ("/api/personnes/P0000001?x=1") into decoded
 * path segments (without the leading '/'; "/" has none; "/a/" has "a" and
 * "") and the raw query (after the first '?', NULL if none; *qn its
 * length). Each segment is decoded on its own, so "%2F" stays inside one
 * segment. Refused: a target not starting with '/', longer than
 * HTTP_TARGET_MAX, with more than HTTP_SEGMENTS segments, a fragment '#',
 * or a segment that fails http_url_decode.
 */
int http_target_parse(struct arena *a, const char *raw, size_t n, const char ***seg, size_t *nseg,
                      const char **query, size_t *qn, struct err *e);

/*
 * Parse "a=1&b=x+y" (a query string or a form body) into pairs, in order,
 * repeats kept. Empty pairs ("a=1&&b=2") are skipped; a name without '='
 * has the value "". Refused: more than HTTP_PAIRS_MAX pairs, an empty or
 * over-long name, a name that is not [A-Za-z0-9_.-], and decoding errors.
 * Values may hold newlines (textarea fields).
 */
int http_form_parse(struct arena *a, const char *s, size_t n, struct http_pairs *out,
                    struct err *e);

/*
 * The value of cookie name in a Cookie header ("a=1; b=2"), copied into the
 * arena; NULL when absent, when the header is over HTTP_COOKIE_MAX bytes,
 * and when the cookie is given twice (an attacker's shadow cookie must not
 * win by its position). Values are taken as they are (no decoding); a
 * quoted value loses its quotes.
 */
const char *http_cookie_get(struct arena *a, const char *header, const char *name);

/*
 * The media type of a Content-Type header, lower-cased without parameters
 * ("Application/JSON; charset=UTF-8" -> "application/json"), in the arena.
 * A charset parameter other than utf-8 is refused (ERR_USAGE): proxima reads
 * only UTF-8. NULL header gives "".
 */
int http_media_type(struct arena *a, const char *header, const char **type, struct err *e);

/* Constant-time comparison of two NUL-terminated secrets (tokens); false if either is NULL. */
bool http_secret_equal(const char *a, const char *b);

#endif

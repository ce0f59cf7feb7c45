/*
 * json.h: the JSON input layer over jansson.
 *
 * proxima reads JSON from files (JSON Lines imports, the data/ catalogue) and,
 * later, HTTP bodies. Parsing is bounded (size cap, depth cap) and every error
 * is a French message naming the source, the line and column, and for typed
 * getters the field and the offending value.
 */
#ifndef PROXIMA_CORE_JSON_H
#define PROXIMA_CORE_JSON_H

#include <jansson.h>

#include "core/compat.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "core/date.h"

#define JSON_MAX_INPUT (16u << 20) /* 16 MiB */
#define JSON_MAX_DEPTH 32

/*
 * Parse one JSON value from data[0..n). Rejects more than JSON_MAX_DEPTH
 * levels of nesting, input over JSON_MAX_INPUT, invalid UTF-8, and NUL bytes.
 * name and line are for messages (line 0 when the input is a whole file).
 * Returns a new reference or NULL with e filled.
 */
json_t *json_parse(const char *data, size_t n, const char *name, size_t line, struct err *e);

/*
 * A JSON value as a message quotes it: a string as it is (it belongs to v),
 * anything else as compact JSON in a, cut to at most max bytes on a
 * character boundary and ended with "…"; "?" if it cannot be written.
 */
const char *json_excerpt(struct arena *a, const json_t *v, size_t max);

/*
 * Free a text jansson returned (json_dumps) with jansson's current free
 * function: never free() it, since an import may have set jansson's
 * allocator (core/json_arena.h).
 */
void json_text_free(char *text);

/*
 * What json_parse_canon tells of the text it parsed: whether it is exactly
 * what json_dump_sorted writes for the value (compact, keys in byte order,
 * jansson's escapes), so that a caller may keep the text instead of
 * serialising the value again.
 */
struct json_canon {
    const char *member; /* in: a member of a top-level object to report on, or NULL */
    bool whole;         /* out: the whole input (blanks around it aside) is canonical */
    const char *text;   /* out: member's value text, in the input, when canonical; else NULL */
    size_t len;
};

/*
 * json_parse, filling canon (may be NULL). The plain cases are parsed by a
 * fast path, which gives everything else (and every error) to jansson.
 */
json_t *json_parse_canon(const char *data, size_t n, const char *name, size_t line,
                         struct json_canon *canon, struct err *e);

/*
 * In text, json_dump_sorted's output of an object, the text of member
 * key's value: 0 with *value (in text) and *len, -1 when absent or when
 * text is not such an output.
 */
int json_canon_member(const char *text, size_t n, const char *key, const char **value, size_t *len);

/*
 * Typed getters on an object. A missing field (absent, or JSON null) is an
 * error when required; otherwise the output is left as it is and 0 is
 * returned (json_has tells the two cases apart). A field of the wrong type or
 * an invalid value is always an error naming the field and the value; obj
 * not being an object is an error too. Messages carry no source or line: the
 * caller prefixes them (json_lines_foreach does). json_get_str's string
 * belongs to obj.
 */
int json_get_str(json_t *obj, const char *field, bool required, const char **out, struct err *e);
int json_get_int(json_t *obj, const char *field, bool required, int64_t *out, struct err *e);
int json_get_bool(json_t *obj, const char *field, bool required, bool *out, struct err *e);
/* "YYYY-MM-DD" */
int json_get_date(json_t *obj, const char *field, bool required, date_t *out, struct err *e);
/*
 * An amount in euros as a JSON string "1234.56" (money_parse) or integer
 * cents with the key suffix _cents. For field "montant", either "montant"
 * (a string in euros) or "montant_cents" (an integer) is read, and both at
 * once is an error; a field named "..._cents" is read as integer cents only.
 * A JSON number in euros is refused (no double for money).
 */
int json_get_money(json_t *obj, const char *field, bool required, int64_t *cents, struct err *e);

/* True if obj is an object holding field with a value other than null. */
bool json_has(json_t *obj, const char *field);

/* Compact, key-sorted serialisation appended to sb (stable for hashing and tests). */
void json_dump_sorted(json_t *v, struct strbuf *sb);

/*
 * Iterate the lines of a JSON Lines buffer: calls fn(value, line, ctx) for
 * each non-blank line. Parsing errors and fn's errors are collected: the
 * iteration goes on up to max_errors errors, printing each to errs (may be
 * NULL), and returns -1 if any occurred, with e holding the first one.
 * Lines end with LF or CRLF; a UTF-8 BOM at the start is skipped; a line of
 * blanks is blank. fn returns 0, or -1 with its e filled; its message is
 * then prefixed with the source and the line. max_errors 0 counts as 1.
 */
int json_lines_foreach(const char *data, size_t n, const char *name, size_t max_errors,
                       int (*fn)(json_t *v, size_t line, void *ctx, struct err *e), void *ctx,
                       FILE *errs, struct err *e);

/* json_lines_foreach, fn also told what json_parse_canon found of each line's member. */
int json_lines_foreach_canon(const char *data, size_t n, const char *name, size_t max_errors,
                             const char *member,
                             int (*fn)(json_t *v, size_t line, const struct json_canon *canon,
                                       void *ctx, struct err *e),
                             void *ctx, FILE *errs, struct err *e);

#endif

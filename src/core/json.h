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
 * Typed getters on an object. A missing field is an error when required
 * (otherwise the output is left as it is and 0 is returned, with *present
 * set to false when present is not NULL). A field of the wrong type or an
 * invalid value is always an error naming the field and the value.
 */
int json_get_str(json_t *obj, const char *field, bool required, const char **out,
                 struct err *e);
int json_get_int(json_t *obj, const char *field, bool required, int64_t *out, struct err *e);
int json_get_bool(json_t *obj, const char *field, bool required, bool *out, struct err *e);
/* "YYYY-MM-DD" */
int json_get_date(json_t *obj, const char *field, bool required, date_t *out, struct err *e);
/* an amount in euros as a JSON string "1234.56" or integer cents with the key suffix _cents */
int json_get_money(json_t *obj, const char *field, bool required, int64_t *cents,
                   struct err *e);

/* Compact, key-sorted serialisation appended to sb (stable for hashing and tests). */
void json_dump_sorted(json_t *v, struct strbuf *sb);

/*
 * Iterate the lines of a JSON Lines buffer: calls fn(value, line, ctx) for
 * each non-blank line. Parsing errors and fn's errors are collected: the
 * iteration goes on up to max_errors errors, printing each to errs (may be
 * NULL), and returns -1 if any occurred, with e holding the first one.
 */
int json_lines_foreach(const char *data, size_t n, const char *name, size_t max_errors,
                       int (*fn)(json_t *v, size_t line, void *ctx, struct err *e), void *ctx,
                       FILE *errs, struct err *e);

#endif

/*
 * utf8.h: UTF-8 validation and the accent- and case-insensitive folding used
 * to search names ("lievin" finds "Liévin", "SAINT-OMER" finds "Saint-Omer").
 */
#ifndef PROXIMA_CORE_UTF8_H
#define PROXIMA_CORE_UTF8_H

#include "core/compat.h"
#include "core/strbuf.h"

/* True if s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool utf8_valid(const char *s, size_t n);

/*
 * Decode one code point at s[*pos..n); advances *pos. Returns the code point,
 * or -1 on malformed input (then *pos advances by one byte).
 */
int32_t utf8_decode(const char *s, size_t n, size_t *pos);

/*
 * Append the UTF-8 encoding of cp to sb. A value that is not a Unicode scalar
 * value (negative, surrogate, > U+10FFFF) is written as U+FFFD.
 */
void utf8_encode(struct strbuf *sb, int32_t cp);

/*
 * Append to out the search key of s[0..n): lower case, accents removed
 * (Latin-1 Supplement and Latin Extended-A: é->e, Œ->oe, ß->ss...),
 * apostrophes, hyphens and runs of blanks turned into one space, leading and
 * trailing blanks dropped. Malformed bytes are dropped.
 * "Sainte-Catherine" and "SAINTE CATHERINE" fold to the same key.
 * Also: combining accents (decomposed input) and invisible characters (BOM,
 * zero-width spaces, soft hyphen) are dropped, typographic dashes count as
 * hyphens, other punctuation and other scripts are kept unchanged. The key
 * never contains a NUL byte and is never longer than the input.
 */
void utf8_fold(struct strbuf *out, const char *s, size_t n);

/* Compare the folded forms of a and b (strcmp-like result). */
int utf8_fold_cmp(const char *a, const char *b);

/*
 * True if the folded form of needle occurs in the folded form of hay. A needle
 * that folds to the empty key occurs everywhere.
 */
bool utf8_fold_contains(const char *hay, const char *needle);

#define UTF8_QUOTE_MAX 60 /* input bytes shown by utf8_quote */

/*
 * Append s[0..n) to sb between double quotes, for the error messages that name
 * the faulty value: '"' and '\' are escaped with a backslash, control
 * characters and malformed bytes are shown as \xNN, invisible format
 * characters (zero-width, bidi overrides, BOM) as \uXXXX, and a value
 * longer than UTF8_QUOTE_MAX bytes is cut at a character boundary with "…".
 */
void utf8_quote(struct strbuf *sb, const char *s, size_t n);

#endif

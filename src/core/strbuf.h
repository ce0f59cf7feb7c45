/*
 * strbuf.h: a growable, bounded string buffer with a sticky error.
 *
 * Appends never fail loudly: when the buffer would pass its maximum size the
 * buffer keeps what fits, marks itself failed and ignores further appends.
 * The caller checks strbuf_failed() once at the end (after sqlite3_str and
 * curl's dynbuf). buf is always NUL-terminated.
 */
#ifndef PROXIMA_CORE_STRBUF_H
#define PROXIMA_CORE_STRBUF_H

#include "core/compat.h"

struct strbuf {
    char *buf;  /* NUL-terminated; never NULL after strbuf_init */
    size_t len; /* bytes in buf, not counting the NUL */
    size_t cap; /* allocated bytes */
    size_t max; /* maximum len; 0 means 1 GiB */
    bool failed;
};

/* Empty buffer that will hold at most max bytes (0: 1 GiB). */
void strbuf_init(struct strbuf *sb, size_t max);

/* Free the storage; sb must be re-initialised before reuse. */
void strbuf_release(struct strbuf *sb);

/* Empty the buffer (and clear the sticky error), keeping the storage. */
void strbuf_clear(struct strbuf *sb);

/* Append n bytes / a string / one char / a formatted string. */
void strbuf_add(struct strbuf *sb, const void *p, size_t n);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) PRINTF_LIKE(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);

/* Drop bytes past len (len <= sb->len). */
void strbuf_truncate(struct strbuf *sb, size_t len);

/* True once an append did not fit. */
static inline bool strbuf_failed(const struct strbuf *sb)
{
    return sb->failed;
}

/* Hand over the malloc'ed string; the buffer is left empty and re-initialised. */
char *strbuf_detach(struct strbuf *sb, size_t *len);

/*
 * Parse a decimal integer of exactly n bytes (optional leading '-'), with
 * overflow detection. Returns 0 on success, -1 on any stray byte or overflow.
 * The replacement for atoi/strtol at the edges.
 */
int parse_int64(const char *s, size_t n, int64_t *out);

#endif

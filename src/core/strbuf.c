/*
 * strbuf.c: see strbuf.h.
 */
#include "core/compat.h"
#include "core/strbuf.h"
#include "core/arena.h"

#define STRBUF_DEFAULT_MAX ((size_t)1 << 30)

void strbuf_init(struct strbuf *sb, size_t max)
{
    sb->cap = 64;
    sb->buf = malloc(sb->cap);
    if (!sb->buf)
        die_nomem(sb->cap);
    sb->buf[0] = '\0';
    sb->len = 0;
    sb->max = max ? max : STRBUF_DEFAULT_MAX;
    sb->failed = false;
}

void strbuf_release(struct strbuf *sb)
{
    free(sb->buf);
    sb->buf = NULL;
    sb->len = sb->cap = 0;
}

void strbuf_clear(struct strbuf *sb)
{
    sb->len = 0;
    sb->buf[0] = '\0';
    sb->failed = false;
}

/* Make room for extra more bytes plus the NUL; false if over max. */
static bool strbuf_grow(struct strbuf *sb, size_t extra)
{
    size_t want, cap;

    if (sb->failed)
        return false;
    if (extra > sb->max - sb->len) {
        sb->failed = true;
        return false;
    }
    want = sb->len + extra + 1;
    if (want <= sb->cap)
        return true;
    cap = sb->cap;
    while (cap < want)
        cap = cap < SIZE_MAX / 2 ? cap * 2 : want;
    sb->buf = realloc(sb->buf, cap);
    if (!sb->buf)
        die_nomem(cap);
    sb->cap = cap;
    return true;
}

void strbuf_add(struct strbuf *sb, const void *p, size_t n)
{
    if (!strbuf_grow(sb, n)) {
        /* keep what fits, so the error message can show the start */
        size_t room = sb->max > sb->len ? sb->max - sb->len : 0;
        if (room && room < n && sb->len + room + 1 <= sb->cap) {
            memcpy(sb->buf + sb->len, p, room);
            sb->len += room;
            sb->buf[sb->len] = '\0';
        }
        return;
    }
    memcpy(sb->buf + sb->len, p, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
    strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, char c)
{
    strbuf_add(sb, &c, 1);
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;

    if (sb->failed)
        return;
    va_copy(ap2, ap);
    n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap2);
    va_end(ap2);
    assert(n >= 0);
    if ((size_t)n < sb->cap - sb->len) {
        if ((size_t)n > sb->max - sb->len) {
            sb->buf[sb->len] = '\0';
            sb->failed = true;
            return;
        }
        sb->len += (size_t)n;
        return;
    }
    if (!strbuf_grow(sb, (size_t)n)) {
        sb->buf[sb->len] = '\0';
        return;
    }
    vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
    sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
}

void strbuf_truncate(struct strbuf *sb, size_t len)
{
    assert(len <= sb->len);
    sb->len = len;
    sb->buf[len] = '\0';
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
    char *p = sb->buf;
    size_t max = sb->max;

    if (len)
        *len = sb->len;
    strbuf_init(sb, max);
    return p;
}

int parse_int64(const char *s, size_t n, int64_t *out)
{
    bool neg = false;
    uint64_t v = 0, limit;
    size_t i = 0;

    if (n == 0)
        return -1;
    if (s[0] == '-') {
        neg = true;
        i = 1;
        if (n == 1)
            return -1;
    }
    limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        unsigned d;
        if (s[i] < '0' || s[i] > '9')
            return -1;
        d = (unsigned)(s[i] - '0');
        if (v > (limit - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (neg)
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    else
        *out = (int64_t)v;
    return 0;
}

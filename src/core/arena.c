/*
 * arena.c: blocks chained newest first; a request larger than the block size
 * gets a block of its own.
 */
#include "core/compat.h"
#include "core/arena.h"

#define ARENA_DEFAULT_BLOCK (64 * 1024)
#define ARENA_ALIGN _Alignof(max_align_t)

struct arena_block {
    struct arena_block *next;
    size_t size; /* usable bytes in data */
    size_t used;
    _Alignas(max_align_t) unsigned char data[];
};

void die_nomem(size_t n)
{
    fprintf(stderr, "proxima: out of memory (%zu bytes)\n", n);
    abort();
}

void arena_init(struct arena *a, size_t block_size)
{
    a->head = NULL;
    a->block_size = block_size ? block_size : ARENA_DEFAULT_BLOCK;
    a->total = 0;
}

void arena_release(struct arena *a)
{
    struct arena_block *b = a->head;

    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->total = 0;
}

void arena_clear(struct arena *a)
{
    struct arena_block *b = a->head;

    if (!b)
        return;
    /* keep the oldest block, the one of the default size */
    while (b->next) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    b->used = 0;
    a->head = b;
    a->total = 0;
}

static struct arena_block *arena_new_block(size_t size)
{
    struct arena_block *b;

    if (size > SIZE_MAX - sizeof(*b))
        die_nomem(size);
    b = malloc(sizeof(*b) + size);
    if (!b)
        die_nomem(sizeof(*b) + size);
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

void *arena_alloc(struct arena *a, size_t n)
{
    struct arena_block *b = a->head;
    size_t need;
    void *p;

    if (n > SIZE_MAX - ARENA_ALIGN)
        die_nomem(n);
    need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (need == 0)
        need = ARENA_ALIGN;
    if (!b || b->size - b->used < need) {
        struct arena_block *nb = arena_new_block(need > a->block_size ? need : a->block_size);
        if (b && need > a->block_size) {
            /* oversized: slip it behind the current block, keep filling that one */
            nb->next = b->next;
            b->next = nb;
            nb->used = need;
            a->total += n;
            memset(nb->data, 0, need);
            return nb->data;
        }
        nb->next = b;
        a->head = b = nb;
    }
    p = b->data + b->used;
    b->used += need;
    a->total += n;
    memset(p, 0, need);
    return p;
}

void *arena_calloc(struct arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        die_nomem(SIZE_MAX);
    return arena_alloc(a, count * size);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

/* gcc's sanitizer builds report a false "null format string" here */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    char probe[256];
    int n;
    char *p;

    va_start(ap, fmt);
    va_copy(ap2, ap);
    n = vsnprintf(probe, sizeof(probe), fmt, ap);
    va_end(ap);
    assert(n >= 0);
    p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

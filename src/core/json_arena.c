/*
 * json_arena.c: jansson's values from a bump allocator (see json_arena.h).
 */
#include "core/json_arena.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#define JSON_ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JSON_ARENA_ASAN 1
#endif
#endif

#ifdef JSON_ARENA_ASAN
#include <sanitizer/asan_interface.h>
/* a header before each block holds its size; poisoned bytes after it */
#define HEADER  16u
#define REDZONE 16u
#else
#define HEADER                            0u
#define REDZONE                           0u
#define ASAN_POISON_MEMORY_REGION(p, n)   ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#endif

#define ALIGNMENT       16u
#define DEFAULT_RESERVE ((size_t)64 << 20)

static struct {
    unsigned char *base, *top, *limit; /* the region, kept once reserved */
    bool on;                           /* new allocations come from the region */
    bool installed;                    /* our functions are jansson's */
    struct json_arena_stats st;
} A;

static bool in_region(const void *p)
{
    uintptr_t u = (uintptr_t)p;

    return A.base && u >= (uintptr_t)A.base && u < (uintptr_t)A.limit;
}

static void *arena_malloc(size_t n)
{
    size_t need;
    unsigned char *p;

    if (!A.on)
        return malloc(n);
    need = HEADER + ((n + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1)) + REDZONE;
    if (n > (size_t)(A.limit - A.base) || need > (size_t)(A.limit - A.top)) {
        A.st.fallbacks++;
        return malloc(n);
    }
    p = A.top + HEADER;
    A.top += need;
    A.st.allocations++;
    A.st.live++;
#ifdef JSON_ARENA_ASAN
    ASAN_UNPOISON_MEMORY_REGION(p - HEADER, HEADER);
    memcpy(p - HEADER, &n, sizeof(n));
    ASAN_POISON_MEMORY_REGION(p - HEADER, HEADER);
#endif
    ASAN_UNPOISON_MEMORY_REGION(p, n);
    return p;
}

static void arena_free(void *p)
{
    if (!p)
        return;
    if (!in_region(p)) {
        free(p);
        return;
    }
#ifdef JSON_ARENA_ASAN
    {
        size_t n;
        ASAN_UNPOISON_MEMORY_REGION((unsigned char *)p - HEADER, HEADER);
        memcpy(&n, (unsigned char *)p - HEADER, sizeof(n));
        ASAN_POISON_MEMORY_REGION((unsigned char *)p - HEADER, HEADER);
        ASAN_POISON_MEMORY_REGION(p, n);
    }
#endif
    /* every block handed out is back: the next document starts at the beginning */
    if (--A.st.live == 0) {
        A.top = A.base;
        A.st.restarts++;
    }
}

int json_arena_begin(size_t reserve)
{
    void *m;

    assert(!A.on);
    if (!A.base) {
        if (reserve == 0)
            reserve = DEFAULT_RESERVE;
        m = mmap(NULL, reserve, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
        if (m == MAP_FAILED)
            return -1;
        A.base = A.top = m;
        A.limit = A.base + reserve;
        ASAN_POISON_MEMORY_REGION(A.base, reserve);
    }
    if (!A.installed) {
        json_set_alloc_funcs(arena_malloc, arena_free);
        A.installed = true;
    }
    A.on = true;
    return 0;
}

void json_arena_end(void)
{
    A.on = false;
}

void json_arena_stats(struct json_arena_stats *st)
{
    *st = A.st;
}

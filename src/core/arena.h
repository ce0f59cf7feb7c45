/*
 * arena.h: region allocator. One arena per CLI command, per HTTP request, per
 * report run; everything allocated in it is released at once by
 * arena_release() or arena_clear(), never one by one.
 *
 * Allocation failure aborts the process (like git's xmalloc): proxima does
 * not try to run on after running out of memory.
 */
#ifndef PROXIMA_CORE_ARENA_H
#define PROXIMA_CORE_ARENA_H

#include "core/compat.h"

struct arena_block;

struct arena {
    struct arena_block *head; /* most recent block */
    size_t block_size;        /* default size of a new block */
    size_t total;             /* bytes handed out, for statistics */
};

/* Prepare an empty arena; block_size 0 means the default (64 KiB). */
void arena_init(struct arena *a, size_t block_size);

/* Free every block; the arena may be reused after arena_init(). */
void arena_release(struct arena *a);

/* Free everything allocated but keep the first block for reuse. */
void arena_clear(struct arena *a);

/* n bytes aligned for any type, zeroed. n may be 0 (returns a valid pointer). */
void *arena_alloc(struct arena *a, size_t n);

/* Array of count elements of size each, zeroed; aborts on overflow. */
void *arena_calloc(struct arena *a, size_t count, size_t size);

/* Copy of the NUL-terminated string s. */
char *arena_strdup(struct arena *a, const char *s);

/* Copy of n bytes of s, NUL-terminated. */
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* Formatted string allocated in the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Out-of-memory handler: prints and aborts. */
NORETURN void die_nomem(size_t n);

#endif

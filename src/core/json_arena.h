/*
 * json_arena.h: jansson's values from a bump allocator, for a process that
 * reads many small documents one after the other (an import, a replay).
 *
 * jansson allocates every value, object slot and string with its own
 * malloc and frees each one when the document is released: about thirty
 * malloc/free pairs per event of the journal. Between json_arena_begin()
 * and json_arena_end(), jansson's allocations are cut from one reserved
 * region instead, and a free only counts down; when every block handed out
 * has been freed (the document of a line is released), the region starts
 * again from its beginning, so the next document reuses the same memory,
 * already in the cache.
 *
 * jansson's allocation functions are process-wide: call json_arena_begin()
 * only in a process where no other thread uses jansson while it is on (the
 * CLI's import and replay), never in the server. Blocks from before
 * json_arena_begin() are freed to libc as usual; blocks of the region freed
 * after json_arena_end() are recognised by their address, which is why the
 * functions stay installed once set.
 *
 * Anything jansson returns to be freed (json_dumps) must be freed with
 * json_text_free() (core/json.h), not free(), under an arena or not.
 *
 * When the region is full (a value kept across documents stops the restart)
 * allocation goes on with malloc: slower, never wrong. Under AddressSanitizer
 * every block is surrounded by poisoned bytes and a freed block is poisoned,
 * so overflows and uses after free are still reported.
 */
#ifndef PROXIMA_CORE_JSON_ARENA_H
#define PROXIMA_CORE_JSON_ARENA_H

#include "core/compat.h"

/* Statistics of the arena since the process started. */
struct json_arena_stats {
    size_t allocations; /* blocks cut from the region */
    size_t fallbacks;   /* blocks given by malloc because the region was full */
    size_t restarts;    /* times the region started again from its beginning */
    size_t live;        /* blocks of the region not yet freed */
};

/*
 * Cut jansson's allocations from a region of reserve bytes (0: 64 MiB) until
 * json_arena_end(). Returns 0, or -1 when the region cannot be reserved
 * (jansson then keeps malloc: nothing is lost but speed). Nested calls are
 * not allowed.
 */
int json_arena_begin(size_t reserve);

/* Back to malloc for new allocations; blocks of the region may still be freed. */
void json_arena_end(void);

void json_arena_stats(struct json_arena_stats *st);

#endif

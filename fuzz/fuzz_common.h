/*
 * fuzz_common.h: what every libFuzzer target of proxima shares: the entry
 * point's prototype, UBSan's options (stop at the first report, with a stack
 * trace, so that libFuzzer keeps the input) and CHECK, the invariant that
 * aborts with the target's name, the condition and the line.
 *
 * Define FUZZ_NAME ("fuzz_csv") before including it, in the target's one .c
 * file only: it defines __ubsan_default_options, which UBSan looks up at
 * start-up.
 */
#ifndef PROXIMA_FUZZ_COMMON_H
#define PROXIMA_FUZZ_COMMON_H

#include "core/compat.h"

#ifndef FUZZ_NAME
#error "define FUZZ_NAME before including fuzz/fuzz_common.h"
#endif

/* The target: any input, never a crash; returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

const char *__ubsan_default_options(void);

const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

/* Abort, naming the target, the condition and the line, when cond is false. */
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, FUZZ_NAME ": check failed: %s (line %d)\n", #cond, __LINE__);          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif

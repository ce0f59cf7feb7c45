/*
 * compat.h: the first include of every proxima source file.
 *
 * It pulls in the standard headers every module uses, then banned.h, so that
 * the unsafe string functions cannot be called anywhere in proxima.
 */
#ifndef PROXIMA_CORE_COMPAT_H
#define PROXIMA_CORE_COMPAT_H

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))
#else
#define PRINTF_LIKE(f, a)
#define NORETURN
#endif

#include "core/banned.h"

#endif

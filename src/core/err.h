/*
 * err.h: the error report every fallible proxima function fills.
 *
 * A function returns 0 on success or -1 on failure (or a pointer, NULL on
 * failure) and fills the caller's struct err: a stable code, a French message
 * for the user, a detail (the field, line, value) and a hint (what to do).
 * One table maps each code to a process exit status and an HTTP status.
 * Log messages are in English; messages here are for users, in French.
 */
#ifndef PROXIMA_CORE_ERR_H
#define PROXIMA_CORE_ERR_H

#include "core/compat.h"

enum err_code {
    ERR_OK = 0,
    ERR_USAGE,         /* wrong command line */
    ERR_INVALID,       /* input fails validation */
    ERR_NOT_FOUND,     /* no such object */
    ERR_CONFLICT,      /* state does not allow the operation */
    ERR_UNAUTHENTICATED,
    ERR_FORBIDDEN,
    ERR_TOO_LARGE,     /* input over a size cap */
    ERR_IO,            /* file system */
    ERR_DB,            /* storage engine */
    ERR_TAMPERED,      /* integrity check failed (journal, log) */
    ERR_NOMEM,
    ERR_INTERNAL,
    ERR__COUNT
};

#define ERR_MESSAGE_MAX 512
#define ERR_DETAIL_MAX 512
#define ERR_HINT_MAX 256

struct err {
    enum err_code code;
    char message[ERR_MESSAGE_MAX];
    char detail[ERR_DETAIL_MAX];
    char hint[ERR_HINT_MAX];
};

/* Reset e to "no error". */
void err_clear(struct err *e);

/*
 * Record an error: code and French message (printf format). Clears detail
 * and hint. Returns -1 so that callers can write `return err_set(e, ...)`.
 * e may be NULL (the error is then dropped).
 */
int err_set(struct err *e, enum err_code code, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* Set the detail (which field, line, value). Returns -1. */
int err_detail(struct err *e, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Set the hint (what the user can do). Returns -1. */
int err_hint(struct err *e, const char *fmt, ...) PRINTF_LIKE(2, 3);

/*
 * Prefix the message with a context ("fichier data/x.csv, ligne 3 : ").
 * Used by callers that know where the failing input came from.
 */
void err_prefix(struct err *e, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Stable lower-case name of a code ("invalid", "not_found"...). */
const char *err_code_name(enum err_code code);

/* Process exit status for a code (0 for ERR_OK, 2 for usage...). */
int err_exit_status(enum err_code code);

/* HTTP status for a code (400, 404, 409, 401, 403, 413, 500...). */
int err_http_status(enum err_code code);

/* Print "erreur : message\n  détail : ...\n  conseil : ..." to f. */
void err_print(const struct err *e, FILE *f);

#endif

/*
 * err.c: filling and printing struct err, and the one table that maps error
 * codes to exit and HTTP statuses.
 */
#include "core/compat.h"
#include "core/err.h"

static const struct {
    const char *name;
    int exit_status;
    int http_status;
} err_table[ERR__COUNT] = {
    [ERR_OK] = {"ok", 0, 200},
    [ERR_USAGE] = {"usage", 2, 400},
    [ERR_INVALID] = {"invalid", 3, 422},
    [ERR_NOT_FOUND] = {"not_found", 4, 404},
    [ERR_CONFLICT] = {"conflict", 5, 409},
    [ERR_UNAUTHENTICATED] = {"unauthenticated", 6, 401},
    [ERR_FORBIDDEN] = {"forbidden", 7, 403},
    [ERR_TOO_LARGE] = {"too_large", 8, 413},
    [ERR_IO] = {"io", 9, 500},
    [ERR_DB] = {"db", 10, 500},
    [ERR_TAMPERED] = {"tampered", 11, 500},
    [ERR_NOMEM] = {"nomem", 12, 503},
    [ERR_INTERNAL] = {"internal", 13, 500},
};

void err_clear(struct err *e)
{
    if (!e)
        return;
    e->code = ERR_OK;
    e->message[0] = e->detail[0] = e->hint[0] = '\0';
}

int err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
    va_list ap;

    assert(code > ERR_OK && code < ERR__COUNT);
    if (!e)
        return -1;
    e->code = code;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    va_end(ap);
    e->detail[0] = e->hint[0] = '\0';
    return -1;
}

int err_detail(struct err *e, const char *fmt, ...)
{
    va_list ap;

    if (!e)
        return -1;
    va_start(ap, fmt);
    vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
    va_end(ap);
    return -1;
}

int err_hint(struct err *e, const char *fmt, ...)
{
    va_list ap;

    if (!e)
        return -1;
    va_start(ap, fmt);
    vsnprintf(e->hint, sizeof(e->hint), fmt, ap);
    va_end(ap);
    return -1;
}

void err_prefix(struct err *e, const char *fmt, ...)
{
    char prefix[ERR_MESSAGE_MAX];
    char old[ERR_MESSAGE_MAX];
    va_list ap;

    if (!e)
        return;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    size_t np, no;

    memcpy(old, e->message, sizeof(old));
    np = strnlen(prefix, sizeof(prefix) - 1);
    no = strnlen(old, sizeof(old) - 1);
    if (np + no >= sizeof(e->message))
        no = sizeof(e->message) - 1 - np;
    memcpy(e->message, prefix, np);
    memcpy(e->message + np, old, no);
    e->message[np + no] = '\0';
}

const char *err_code_name(enum err_code code)
{
    assert(code >= ERR_OK && code < ERR__COUNT);
    return err_table[code].name;
}

int err_exit_status(enum err_code code)
{
    assert(code >= ERR_OK && code < ERR__COUNT);
    return err_table[code].exit_status;
}

int err_http_status(enum err_code code)
{
    assert(code >= ERR_OK && code < ERR__COUNT);
    return err_table[code].http_status;
}

void err_print(const struct err *e, FILE *f)
{
    fprintf(f, "erreur : %s\n", e->message[0] ? e->message : "erreur inconnue");
    if (e->detail[0])
        fprintf(f, "  détail : %s\n", e->detail);
    if (e->hint[0])
        fprintf(f, "  conseil : %s\n", e->hint);
}

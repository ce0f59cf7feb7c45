/*
 * file.h: whole-file reads and durable writes.
 */
#ifndef PROXIMA_CORE_FILE_H
#define PROXIMA_CORE_FILE_H

#include "core/arena.h"
#include "core/compat.h"
#include "core/err.h"
#include "core/strbuf.h"

/*
 * Append the content of path to out, refusing files over max bytes.
 * French message naming the file on error.
 */
int file_read_all(const char *path, struct strbuf *out, size_t max, struct err *e);

/*
 * Write data to path atomically: a temporary file in the same directory,
 * fsync, rename, fsync of the directory.
 */
int file_write_atomic(const char *path, const void *data, size_t n, struct err *e);

/* Create the directory and its parents (mkdir -p); existing is fine. */
int file_mkdirs(const char *path, struct err *e);

/*
 * The names of the regular files of dir ending with suffix (".json"), not
 * hidden, sorted by strcmp, in a's memory: *names holds *n of them. At
 * most max files. On error -1 with e set: ERR_IO « répertoire <what>
 * illisible : <dir> » (the system's reason as detail), ERR_TOO_LARGE
 * « <dir> : plus de <max> fichiers <what> ». what names the directory's
 * contents in French ("du catalogue").
 */
int file_list(struct arena *a, const char *dir, const char *suffix, size_t max, const char *what,
              const char ***names, size_t *n, struct err *e);

#endif

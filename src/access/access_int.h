/*
 * access_int.h: private to src/access/. The access log's append inside an
 * open transaction, shared by access_log_append (log.c) and the group
 * commit writer (logger.c).
 */
#ifndef PROXIMA_ACCESS_ACCESS_INT_H
#define PROXIMA_ACCESS_ACCESS_INT_H

#include "access/access.h"

/*
 * Append r (everything but seq filled, strings never NULL) in the
 * transaction open on s: read the head, set r->seq, hash, insert, move the
 * head.
 */
int access_log_append_in_tx(struct store *s, struct access_log_row *r, struct err *e);

/*
 * The same for n rows in order, in one go: the head read once, each row
 * hashed on the previous one in memory, the head written once at the end.
 */
int access_log_append_rows_in_tx(struct store *s, struct access_log_row *const *rows, size_t n,
                                 struct err *e);

#endif

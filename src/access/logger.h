/*
 * logger.h: group commit of the access log, for the HTTP server.
 *
 * Each read of a personal file appends a row to the access log, and the
 * row must be durable before the answer leaves. Committed one by one, that
 * is one fsync per read, and every reader queues on SQLite's write lock.
 * The access logger is one writer thread with its own store connection:
 * request threads hand it their rows, it appends whatever has queued up in
 * one transaction and one commit (while a batch commits, the next one
 * accumulates), then tells each request that its rows are durable or that
 * the batch failed. The chain (access.h) is unchanged: rows are appended
 * in queue order, each one hashed on the head read in the same transaction.
 *
 * A request's rows are collected in a sink. The server sets store->log_sink
 * on the worker's connection for the request in progress, so that
 * access_log_append, called deep in the case layer, needs no new argument:
 * a row appended outside a transaction goes to the sink instead of being
 * committed there (a row inside the caller's transaction is written in
 * it, as without the logger). A sink either waits in access_log_append
 * until its batch is committed (wait = true), or lets the request go on
 * and the server holds the response back until access_log_sink_park says
 * the rows are durable (the HTTP server suspends the connection meanwhile,
 * so that a worker thread never sleeps on a commit).
 *
 * The CLI and tests without a logger keep the synchronous path.
 */
#ifndef PROXIMA_ACCESS_LOGGER_H
#define PROXIMA_ACCESS_LOGGER_H

#include "core/compat.h"
#include "core/err.h"
#include "access/access.h"

#define ACCESS_LOGGER_BATCH_MAX 1024 /* rows in one transaction, at most */

struct access_logger;
struct access_log_sink;

/*
 * Open a store connection on db_path and start the writer thread. NULL
 * with e filled when the store cannot be opened.
 */
struct access_logger *access_logger_start(const char *db_path, struct err *e);

/*
 * Commit what is still queued, stop the thread, close its store. Every
 * sink must have been released and have nothing pending. l may be NULL.
 */
void access_logger_stop(struct access_logger *l);

/* Batches committed and rows written since the start (for tests and the log). */
void access_logger_counts(struct access_logger *l, uint64_t *batches, uint64_t *rows);

/*
 * A sink for one request's rows. wait: access_log_append returns only when
 * the row's batch is committed (its error when the batch failed); else it
 * returns at once and access_log_sink_park / access_log_sink_status tell
 * the outcome later.
 */
struct access_log_sink *access_log_sink_new(struct access_logger *l, bool wait);

/*
 * Release a sink. When rows are still pending, the logger frees it after
 * their batch (nobody is told the outcome). k may be NULL.
 */
void access_log_sink_free(struct access_log_sink *k);

/* Queue row r (validated, its strings copied) to k's logger: access_log_append's path. */
int access_log_sink_put(struct access_log_sink *k, const struct access_log_row *r, struct err *e);

/* Rows of k not yet committed (or failed). */
size_t access_log_sink_pending(struct access_log_sink *k);

/*
 * Be told when k's rows are done: 0 when nothing is pending any more (wake
 * is never called), 1 when wake(arg) will be called once, from the logger's
 * thread and outside its lock, after the batch holding k's last row is
 * committed or failed. A sink is parked at most once.
 */
int access_log_sink_park(struct access_log_sink *k, void (*wake)(void *arg), void *arg);

/* Block until nothing of k is pending any more (a server that is stopping). */
void access_log_sink_wait(struct access_log_sink *k);

/*
 * 0 when every row given to k is durable; -1 with the commit's error when
 * one of its batches failed (then nothing must be served).
 */
int access_log_sink_status(struct access_log_sink *k, struct err *e);

#endif

/*
 * http.h: proxima's HTTP server, as the CLI starts it (`proxima serve`).
 *
 * libmicrohttpd with its own polling thread and a small pool of worker
 * threads; every request goes through one pipeline (route.h): parse ->
 * route -> authenticate -> authorise -> validate -> handler -> render. The
 * server binds to 127.0.0.1:8062 by default and expects a reverse proxy
 * (nginx, deploy/nginx/proxima.conf) in front of it for TLS.
 *
 * Storage: each worker thread opens its own store connection the first
 * time it serves a request and keeps it until the server stops (a struct
 * store is not safe to share between threads). Writers are serialised by
 * SQLite itself (BEGIN IMMEDIATE, WAL, busy timeout), readers never block.
 * The catalogue and the indicator dictionary are loaded once and shared
 * read-only by every thread.
 *
 * The access log (every read of a personal file) is not committed by the
 * worker: its rows go to the access logger (access/logger.h), one writer
 * thread with its own connection that commits whatever has queued up in
 * one transaction (group commit). The worker finishes the request, then
 * suspends the connection (libmicrohttpd's suspend/resume) until the batch
 * holding its rows is durable: the answer leaves only then, or becomes a
 * 500 when the batch failed. A worker thread never sleeps on an fsync, so
 * the more connections, the more rows per commit. Writes of the case layer
 * log in their own transaction, as before.
 *
 * The home page's figures are cached per (grid, year) until the journal's
 * head moves (page_home.c). Sessions with their agent and grants, and the
 * JSON of a dossier per agent, are kept in memory and served only while
 * the authorisation generation and the journal's head read in the request
 * are unchanged (cache.h); access checks and access-log rows are done at
 * every request all the same.
 */
#ifndef PROXIMA_HTTP_HTTP_H
#define PROXIMA_HTTP_HTTP_H

#include "core/compat.h"
#include "core/err.h"

#define HTTP_DEFAULT_ADDRESS "127.0.0.1"
#define HTTP_DEFAULT_PORT    8062
#define HTTP_MAX_THREADS     4

struct http_config {
    const char *address;         /* numeric IPv4 or IPv6 address to bind */
    unsigned port;               /* 0: any free port (see http_server_port) */
    const char *db_path;         /* the store */
    const char *data_dir;        /* data/: the catalogue */
    unsigned threads;            /* worker threads, 1..HTTP_MAX_THREADS */
    unsigned max_connections;    /* open connections in all */
    unsigned per_ip_connections; /* open connections per client address */
    unsigned timeout;            /* seconds of inactivity before a connection is closed */
    size_t body_max;             /* bytes of a request body: more is 413 */
    size_t header_max;           /* bytes of the request headers: more is 431 */
    /*
     * Honour X-Forwarded-Proto and X-Real-IP when the TCP peer is a loopback
     * address (the local nginx). Other peers' copies of these headers are
     * always ignored.
     */
    bool trust_proxy;
    FILE *log; /* one English line per request; NULL: stderr */
};

/* The defaults above: 127.0.0.1:8062, 4 threads, 256 connections, 64 per address, 30 s, 1 MiB, 16
 * KiB. */
void http_config_defaults(struct http_config *c);

struct http_server;

/*
 * Load the catalogue, check the route table and the database schema, and
 * start listening. NULL with e filled (ERR_IO when the address cannot be
 * bound, ERR_CONFLICT for a database that is not initialised or too old).
 */
struct http_server *http_server_start(const struct http_config *cfg, struct err *e);

/* The port actually bound (useful with port 0). */
unsigned http_server_port(const struct http_server *s);

/*
 * Stop accepting, let the requests in progress finish, join the threads,
 * close every worker's store. s may be NULL.
 */
void http_server_stop(struct http_server *s);

/*
 * Print the route table, one route a line: "GET /api/personnes/:id"
 * followed by a tab, "session" or "public", the capability required ("-"
 * if none) and the French summary. The e2e test compares these lines with
 * docs/openapi.yaml.
 */
void http_routes_print(FILE *f);

#endif

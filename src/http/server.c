/*
 * server.c: libmicrohttpd glue (http.h). libmicrohttpd reads the request
 * line and headers; this file caps what it may cost (connections in all and
 * per address, idle timeout, header bytes -> 431, body bytes -> 413), gives
 * each worker thread its own store connection, collects the raw target,
 * headers and body into a struct http_request, and hands it to the pipeline
 * (pipeline.c), which knows nothing of libmicrohttpd. Debian 12's
 * libmicrohttpd 0.9.75 is old: we use none of its parsers for what we read
 * (no post processor, no query or cookie parsing).
 *
 * Each request logs one English line: time, method, route pattern (never
 * the path itself, which may carry an identifier, nor the query), status
 * and duration.
 *
 * The access log's rows of a request go to the access logger (group
 * commit, access/logger.h) through the worker store's log_sink. When the
 * pipeline has run and rows are still pending, the connection is
 * suspended; the logger resumes it once their batch is committed (or has
 * failed: the answer becomes a 500), and the answer leaves only then.
 * libmicrohttpd must not be stopped with suspended connections:
 * http_server_stop first waits for them, requests arriving meanwhile
 * waiting for their rows in place.
 */
#include "core/compat.h"
#include "http/http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "access/logger.h"
#include "http/response.h"
#include "http/route.h"

#define HEADERS_MAX 64 /* header lines of a request */

struct worker {
    pthread_t tid;
    struct store *store;
    bool used;
};

struct http_server {
    struct http_app app;
    struct http_route *routes;
    struct MHD_Daemon *daemon;
    pthread_mutex_t lock; /* guards workers */
    struct worker workers[HTTP_MAX_THREADS + 1];
    unsigned port;
    FILE *log;
    /* the access log's group commit (access/logger.h) */
    struct access_logger *logger;
    pthread_cond_t idle; /* with lock: suspended went down */
    unsigned suspended;  /* connections suspended and not yet resumed */
    bool stopping;       /* no more suspensions: requests wait for their rows in place */
};

/* One request in flight: the pipeline's request and the server's state. */
struct conn_req {
    struct http_request r;
    struct http_server *srv;
    struct MHD_Connection *con;
    struct access_log_sink *sink; /* the access-log rows of this request */
    struct timespec t0;
    bool started;   /* the first call (headers) is done */
    bool ran;       /* the pipeline has run: r.res is the answer */
    bool suspended; /* waiting for the commit of its access-log rows */
    bool responded; /* a response is queued */
    bool too_large; /* the body passed body_max */
    size_t discarded;
};

void http_config_defaults(struct http_config *c)
{
    memset(c, 0, sizeof(*c));
    c->address = HTTP_DEFAULT_ADDRESS;
    c->port = HTTP_DEFAULT_PORT;
    c->threads = HTTP_MAX_THREADS;
    c->max_connections = 256;
    c->per_ip_connections = 64;
    c->timeout = 30;
    c->body_max = 1u << 20;
    c->header_max = 16u << 10;
    c->trust_proxy = true;
}

unsigned http_server_port(const struct http_server *s)
{
    return s->port;
}

/* ---- the worker threads' stores ---- */

static struct store *worker_store(struct http_server *srv, struct err *e)
{
    pthread_t self = pthread_self();
    struct store *s = NULL;
    struct worker *free_slot = NULL;

    pthread_mutex_lock(&srv->lock);
    for (size_t i = 0; i < ARRAY_SIZE(srv->workers); i++) {
        struct worker *w = &srv->workers[i];
        if (w->used && pthread_equal(w->tid, self)) {
            s = w->store;
            break;
        }
        if (!w->used && !free_slot)
            free_slot = w;
    }
    pthread_mutex_unlock(&srv->lock);
    if (s)
        return s;
    if (!free_slot) {
        err_set(e, ERR_INTERNAL, "plus de fils de traitement que prévu (bogue)");
        return NULL;
    }
    s = store_open(srv->app.cfg.db_path, e);
    if (!s)
        return NULL;
    pthread_mutex_lock(&srv->lock);
    free_slot->tid = self;
    free_slot->store = s;
    free_slot->used = true;
    pthread_mutex_unlock(&srv->lock);
    return s;
}

/* ---- responses ---- */

static void respond(struct conn_req *q, struct MHD_Connection *con)
{
    struct http_response *res = &q->r.res;
    struct MHD_Response *m;

    assert(res->status != 0);
    m = MHD_create_response_from_buffer(res->body.len, res->body.buf, MHD_RESPMEM_MUST_COPY);
    if (!m)
        return; /* out of memory: libmicrohttpd closes the connection */
    if (res->content_type)
        MHD_add_response_header(m, "Content-Type", res->content_type);
    for (size_t i = 0; i < http_security_headers_count; i++) {
        bool own = false; /* the response sets it itself (Cache-Control of /static) */
        for (size_t k = 0; k < res->nheaders; k++)
            if (!strcasecmp(res->headers[k].name, http_security_headers[i].name))
                own = true;
        if (!own)
            MHD_add_response_header(m, http_security_headers[i].name,
                                    http_security_headers[i].value);
    }
    for (size_t i = 0; i < res->nheaders; i++)
        MHD_add_response_header(m, res->headers[i].name, res->headers[i].value);
    if (MHD_queue_response(con, (unsigned)res->status, m) == MHD_YES)
        q->responded = true;
    MHD_destroy_response(m);
}

/* ---- callbacks ---- */

static void *uri_logged(void *cls, const char *uri, struct MHD_Connection *con)
{
    struct http_server *srv = cls;
    struct conn_req *q = calloc(1, sizeof(*q));

    if (!q)
        return NULL;
    q->con = con;
    q->srv = srv;
    clock_gettime(CLOCK_MONOTONIC, &q->t0);
    http_request_init(&q->r, &srv->app, NULL);
    q->r.target = arena_strdup(&q->r.arena, uri ? uri : "");
    return q;
}

struct header_walk {
    struct http_request *r;
    size_t bytes;
    bool too_many;
};

static enum MHD_Result header_seen(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    struct header_walk *w = cls;
    struct http_request *r = w->r;

    (void)kind;
    w->bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
    if (r->nheaders == HEADERS_MAX) {
        w->too_many = true;
        return MHD_NO;
    }
    r->headers[r->nheaders].name = arena_strdup(&r->arena, key);
    r->headers[r->nheaders].value = arena_strdup(&r->arena, value ? value : "");
    r->nheaders++;
    return MHD_YES;
}

static const char *peer_address(struct MHD_Connection *con, struct arena *a)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char buf[INET6_ADDRSTRLEN];
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    if (!sa)
        return NULL;
    if (sa->sa_family == AF_INET &&
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
                  sizeof(buf)))
        return arena_strdup(a, buf);
    if (sa->sa_family == AF_INET6 &&
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf,
                  sizeof(buf)))
        return arena_strdup(a, buf);
    return NULL;
}

/*
 * The first call, headers read: refuse at once what is too big or not
 * understood, before a byte of the body is read.
 */
static void first_call(struct http_server *srv, struct conn_req *q, struct MHD_Connection *con,
                       const char *method)
{
    struct http_request *r = &q->r;
    struct header_walk w = {.r = r};
    const char *len;
    struct err e;

    err_clear(&e);
    r->method_name = arena_strdup(&r->arena, method);
    r->headers = arena_calloc(&r->arena, HEADERS_MAX, sizeof(*r->headers));
    MHD_get_connection_values(con, MHD_HEADER_KIND, header_seen, &w);
    r->peer = peer_address(con, &r->arena);
    if (w.too_many || w.bytes > srv->app.cfg.header_max) {
        http_problem(r, 431, "headers_too_large", NULL,
                     "les en-têtes de la requête sont trop volumineux",
                     "videz les cookies du site et réessayez", NULL);
        respond(q, con);
        return;
    }
    if (http_method_parse(method, &r->method, &r->head) != 0) {
        http_header_add(r, "Allow", "GET, HEAD, POST, PUT, PATCH, DELETE");
        http_problem(r, 405, "method_not_allowed", NULL,
                     arena_printf(&r->arena, "méthode HTTP non prise en charge : %.16s", method),
                     NULL, NULL);
        respond(q, con);
        return;
    }
    len = http_request_header(r, "Content-Length");
    if (len) {
        int64_t n;
        if (parse_int64(len, strlen(len), &n) != 0 || n < 0) {
            http_problem(r, 400, "usage", NULL, "en-tête Content-Length invalide", NULL, NULL);
            respond(q, con);
            return;
        }
        if ((uint64_t)n > srv->app.cfg.body_max) {
            http_problem(r, 413, "too_large", NULL,
                         arena_printf(&r->arena,
                                      "corps de la requête trop volumineux (%lld octets, %zu "
                                      "au plus)",
                                      (long long)n, srv->app.cfg.body_max),
                         NULL, NULL);
            respond(q, con);
            return;
        }
    }
    r->store = worker_store(srv, &e);
    if (!r->store) {
        fprintf(stderr, "error: cannot open the store: %s\n", err_code_name(e.code));
        http_problem(r, 503, "unavailable", NULL, "la base de données est indisponible",
                     "réessayez dans un instant", NULL);
        respond(q, con);
    }
}

/* Resume q's connection, suspended until its access-log rows were settled. */
static void resume(struct http_server *srv, struct conn_req *q)
{
    MHD_resume_connection(q->con);
    pthread_mutex_lock(&srv->lock);
    srv->suspended--;
    pthread_cond_broadcast(&srv->idle);
    pthread_mutex_unlock(&srv->lock);
}

/* The logger's callback: q's access-log rows are settled, answer now. */
static void wake(void *arg)
{
    struct conn_req *q = arg;

    resume(q->srv, q);
}

/*
 * Run the pipeline with the access-log rows going to q's sink. 0 when the
 * answer may leave now; 1 when the connection is suspended until the
 * batch holding the rows is committed (handle is then called again).
 */
static int run(struct http_server *srv, struct conn_req *q, struct MHD_Connection *con)
{
    bool stopping;

    q->sink = access_log_sink_new(srv->logger, false);
    q->r.store->log_sink = q->sink;
    q->r.now = (int64_t)time(NULL);
    http_request_run(&q->r);
    q->r.store->log_sink = NULL;
    q->ran = true;
    if (access_log_sink_pending(q->sink) == 0)
        return 0;
    pthread_mutex_lock(&srv->lock);
    stopping = srv->stopping;
    if (!stopping)
        srv->suspended++;
    pthread_mutex_unlock(&srv->lock);
    if (stopping) {
        access_log_sink_wait(q->sink);
        return 0;
    }
    /* suspended before parking, so that the logger's resume always follows it */
    q->suspended = true;
    MHD_suspend_connection(con);
    if (access_log_sink_park(q->sink, wake, q) == 0)
        resume(srv, q); /* settled meanwhile */
    return 1;
}

/* After the pipeline: the answer, or a 500 when the access log could not be written. */
static void settle(struct conn_req *q)
{
    struct err e;

    q->suspended = false;
    err_clear(&e);
    if (q->sink && access_log_sink_status(q->sink, &e) != 0) {
        /* a read that is not durably logged is not served: whatever the
           store said (busy, constraint), a server-side failure, 500 */
        e.code = ERR_DB;
        q->r.res.nheaders = 0;
        http_error(&q->r, &e);
    }
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *con, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **req_cls)
{
    struct http_server *srv = cls;
    struct conn_req *q = *req_cls;

    (void)url;
    (void)version;
    if (!q)
        return MHD_NO; /* out of memory in uri_logged */
    if (!q->started) {
        q->started = true;
        first_call(srv, q, con, method);
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (q->responded)
            return MHD_YES;
        if (q->too_large || q->r.body.len + n > srv->app.cfg.body_max) {
            /* a chunked body past the cap: drop it, answer 413 at the end;
               a client that goes on sending far beyond is cut off */
            q->too_large = true;
            q->discarded += n;
            return q->discarded > 16 * srv->app.cfg.body_max ? MHD_NO : MHD_YES;
        }
        strbuf_add(&q->r.body, upload_data, n);
        return MHD_YES;
    }
    if (q->responded)
        return MHD_YES;
    if (q->ran) { /* resumed: the access-log rows are settled */
        settle(q);
        respond(q, con);
        return q->responded ? MHD_YES : MHD_NO;
    }
    if (q->too_large) {
        http_problem(&q->r, 413, "too_large", NULL,
                     arena_printf(&q->r.arena,
                                  "corps de la requête trop volumineux (%zu octets au plus)",
                                  srv->app.cfg.body_max),
                     NULL, NULL);
    } else {
        if (run(srv, q, con) != 0)
            return MHD_YES;
        settle(q);
    }
    respond(q, con);
    return q->responded ? MHD_YES : MHD_NO;
}

/*
 * One request's log line. To stderr (unbuffered, so nothing of ours waits
 * in its stdio buffer) it is one write(2) without stdio's lock; the time
 * of day is formatted once a second per thread.
 */
static void log_line(struct http_server *srv, const struct conn_req *q, int64_t tenths,
                     bool interrupted)
{
    static _Thread_local time_t last = (time_t)-1;
    static _Thread_local char at[32];
    time_t now = time(NULL);
    char line[256];
    int n;

    if (now != last) {
        struct tm tm;
        if (!gmtime_r(&now, &tm) || !strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm))
            at[0] = '\0';
        last = now;
    }
    /* the route's pattern, never the path: no identifier, no query in the log */
    n = snprintf(line, sizeof(line), "%s %s %s %d %lld.%lldms%s\n", at,
                 q->r.method_name ? q->r.method_name : "-", q->r.route ? q->r.route->pattern : "-",
                 q->responded ? q->r.res.status : 0, (long long)(tenths / 10),
                 (long long)(tenths % 10), interrupted ? " (interrupted)" : "");
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(line)) { /* cut: still one line */
        n = (int)sizeof(line) - 1;
        line[n - 1] = '\n';
    }
    if (srv->log == stderr) {
        /* a short write of a log line is not worth a retry loop */
        if (write(STDERR_FILENO, line, (size_t)n) < 0)
            return;
    } else {
        fwrite(line, 1, (size_t)n, srv->log);
        fflush(srv->log);
    }
}

static void completed(void *cls, struct MHD_Connection *con, void **req_cls,
                      enum MHD_RequestTerminationCode toe)
{
    struct http_server *srv = cls;
    struct conn_req *q = *req_cls;
    struct timespec t1;
    int64_t us;

    (void)con;
    if (!q)
        return;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    us = (int64_t)(t1.tv_sec - q->t0.tv_sec) * 1000000 + (t1.tv_nsec - q->t0.tv_nsec) / 1000;
    log_line(srv, q, (us + 50) / 100, toe != MHD_REQUEST_TERMINATED_COMPLETED_OK);
    /* the body may hold a password: wipe it before giving the memory back */
    if (q->r.body.buf)
        memset(q->r.body.buf, 0, q->r.body.cap);
    http_request_release(&q->r);
    access_log_sink_free(q->sink);
    free(q);
    *req_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    struct http_server *srv = cls;

    fputs("libmicrohttpd: ", srv->log);
    vfprintf(srv->log, fmt, ap);
    fflush(srv->log);
}

/* ---- start, stop ---- */

static int check_schema(const struct http_config *cfg, struct err *e)
{
    struct store *s = store_open(cfg->db_path, e);
    int version, rc = -1;

    if (!s)
        return -1;
    if (store_schema_version(s, &version, e) != 0)
        goto out;
    if (version == 0) {
        err_set(e, ERR_CONFLICT, "la base %s n'est pas initialisée", cfg->db_path);
        err_hint(e, "lancez « proxima --db %s init »", cfg->db_path);
        goto out;
    }
    if (version < store_migrations[store_migrations_count - 1].version) {
        err_set(e, ERR_CONFLICT, "le schéma de la base %s est en version %d, ancienne",
                cfg->db_path, version);
        err_hint(e, "lancez « proxima --db %s migrate »", cfg->db_path);
        goto out;
    }
    rc = 0;
out:
    store_close(s);
    return rc;
}

struct http_server *http_server_start(const struct http_config *cfg, struct err *e)
{
    struct http_server *srv;
    struct sockaddr_storage ss;
    const union MHD_DaemonInfo *di;
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME;
    char catdir[4096];

    if (cfg->threads < 1 || cfg->threads > HTTP_MAX_THREADS) {
        err_set(e, ERR_USAGE, "nombre de fils de traitement invalide : %u", cfg->threads);
        err_hint(e, "de 1 à %d", HTTP_MAX_THREADS);
        return NULL;
    }
    if (cfg->port > 65535) {
        err_set(e, ERR_USAGE, "port invalide : %u", cfg->port);
        return NULL;
    }
    memset(&ss, 0, sizeof(ss));
    if (strchr(cfg->address, ':')) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)cfg->port);
        if (inet_pton(AF_INET6, cfg->address, &a6->sin6_addr) != 1)
            goto bad_address;
        flags |= MHD_USE_IPv6;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)cfg->port);
        if (inet_pton(AF_INET, cfg->address, &a4->sin_addr) != 1)
            goto bad_address;
    }
    if (check_schema(cfg, e) != 0)
        return NULL;

    srv = calloc(1, sizeof(*srv));
    if (!srv)
        die_nomem(sizeof(*srv));
    srv->app.cfg = *cfg;
    srv->log = cfg->log ? cfg->log : stderr;
    pthread_mutex_init(&srv->lock, NULL);
    pthread_cond_init(&srv->idle, NULL);
    pthread_mutex_init(&srv->app.login_lock, NULL);
    snprintf(catdir, sizeof(catdir), "%s/catalogue", cfg->data_dir);
    if (catalog_load(&srv->app.cat, catdir, e) != 0) {
        err_prefix(e, "chargement du catalogue : ");
        goto fail;
    }
    snprintf(catdir, sizeof(catdir), "%s/indicateurs", cfg->data_dir);
    if (indic_dict_load(&srv->app.dict, catdir, &srv->app.cat, e) == 0) {
        srv->app.has_dict = true;
        srv->app.home = http_home_cache_new(&srv->app.dict);
    } else {
        /* the API goes on without the indicators (503 on /api/indicateurs) */
        fprintf(srv->log, "warning: indicator dictionary not loaded: %s\n", err_code_name(e->code));
        err_clear(e);
    }
    srv->app.cache = http_cache_new();
    srv->logger = access_logger_start(cfg->db_path, e);
    if (!srv->logger)
        goto fail;
    srv->routes = http_routes_all(&srv->app.nroutes);
    srv->app.routes = srv->routes;
    if (http_routes_check(srv->routes, srv->app.nroutes, e) != 0)
        goto fail;

    srv->daemon = MHD_start_daemon(
        flags, (uint16_t)cfg->port, NULL, NULL, handle, srv,
        /* first, so that every message of libmicrohttpd goes through it */
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cfg->threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned int)cfg->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned int)cfg->per_ip_connections, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned int)cfg->timeout,
        /* room for the headers we accept (we answer 431 ourselves) and a read buffer;
           no more: libmicrohttpd clears the whole pool for every request */
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(cfg->header_max + (8u << 10)),
        MHD_OPTION_STRICT_FOR_CLIENT, (int)1, MHD_OPTION_URI_LOG_CALLBACK, uri_logged, srv,
        MHD_OPTION_NOTIFY_COMPLETED, completed, srv, MHD_OPTION_END);
    if (!srv->daemon) {
        err_set(e, ERR_IO, "impossible d'écouter sur %s:%u", cfg->address, cfg->port);
        err_hint(e, "le port est peut-être déjà pris : choisissez-en un autre avec --port");
        goto fail;
    }
    di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = di && di->port ? di->port : cfg->port;
    return srv;

bad_address:
    err_set(e, ERR_USAGE, "adresse d'écoute invalide : « %s »", cfg->address);
    err_hint(e, "une adresse IP numérique, par exemple 127.0.0.1 ou ::1");
    return NULL;
fail:
    http_server_stop(srv);
    return NULL;
}

void http_server_stop(struct http_server *srv)
{
    if (!srv)
        return;
    if (srv->daemon) {
        /* libmicrohttpd must not be stopped with suspended connections: from
           now on requests wait for their rows in place, and those suspended
           are resumed by the logger as their batches commit */
        pthread_mutex_lock(&srv->lock);
        srv->stopping = true;
        while (srv->suspended > 0)
            pthread_cond_wait(&srv->idle, &srv->lock);
        pthread_mutex_unlock(&srv->lock);
        MHD_stop_daemon(srv->daemon); /* joins the threads; requests in progress finish */
    }
    if (srv->logger) {
        uint64_t batches, rows;
        access_logger_counts(srv->logger, &batches, &rows);
        if (batches > 0)
            fprintf(srv->log, "access log: %llu rows committed in %llu batches\n",
                    (unsigned long long)rows, (unsigned long long)batches);
    }
    access_logger_stop(srv->logger); /* after the daemon: every sink is released */
    for (size_t i = 0; i < ARRAY_SIZE(srv->workers); i++)
        if (srv->workers[i].used)
            store_close(srv->workers[i].store);
    http_home_cache_free(srv->app.home);
    http_cache_free(srv->app.cache);
    if (srv->app.has_dict)
        indic_dict_release(&srv->app.dict);
    catalog_release(&srv->app.cat);
    free(srv->routes);
    pthread_cond_destroy(&srv->idle);
    pthread_mutex_destroy(&srv->lock);
    pthread_mutex_destroy(&srv->app.login_lock);
    free(srv);
}

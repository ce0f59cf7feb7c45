/*
 * serve.c: `proxima serve`: run the HTTP server (src/http/) on the
 * database until SIGINT or SIGTERM, then stop cleanly: no new connection,
 * the requests in progress finish, every store is closed. `--routes`
 * prints the route table instead (the e2e test compares it with
 * docs/openapi.yaml).
 */
#include "core/compat.h"
#include "cli/casecli.h"

#include <pthread.h>
#include <signal.h>

#include "http/http.h"

static const char serve_usage[] =
    "proxima serve [--adresse 127.0.0.1] [--port 8062] [--fils 4] | proxima serve --routes";

static int parse_uint(struct cli_ctx *c, const char *opt, const char *v, int64_t min, int64_t max,
                      unsigned *out)
{
    int64_t n;

    if (!v)
        return 0;
    if (parse_int64(v, strlen(v), &n) != 0 || n < min || n > max)
        return cli_usage(c, serve_usage, "%s : nombre entre %lld et %lld attendu, pas « %s »", opt,
                         (long long)min, (long long)max, v);
    *out = (unsigned)n;
    return 0;
}

int cmd_serve(struct cli_ctx *c, int argc, char **argv)
{
    const char *address = NULL, *port = NULL, *threads = NULL;
    bool routes = false;
    const struct cli_optdef defs[] = {
        {"--adresse", CLI_OPT_ONE, &address},
        {"--port", CLI_OPT_ONE, &port},
        {"--fils", CLI_OPT_ONE, &threads},
        {"--routes", CLI_OPT_FLAG, &routes},
    };
    struct http_config cfg;
    struct http_server *srv;
    sigset_t stop;
    int sig = 0;

    if (cli_parse(c, argc, argv, 1, serve_usage, defs, ARRAY_SIZE(defs), NULL, 0, 0, NULL) != 0)
        return -1;
    if (routes) {
        http_routes_print(stdout);
        return 0;
    }
    http_config_defaults(&cfg);
    if (address)
        cfg.address = address;
    if (parse_uint(c, "--port", port, 0, 65535, &cfg.port) != 0 ||
        parse_uint(c, "--fils", threads, 1, HTTP_MAX_THREADS, &cfg.threads) != 0)
        return -1;
    cfg.db_path = c->db_path;
    cfg.data_dir = c->data_dir;

    /* the server's threads inherit this mask: only sigwait below sees the signals */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    srv = http_server_start(&cfg, &c->err);
    if (!srv)
        return -1;
    fprintf(stderr, "proxima: listening on %s%s%s:%u (%u threads, database %s)\n",
            strchr(cfg.address, ':') ? "[" : "", cfg.address, strchr(cfg.address, ':') ? "]" : "",
            http_server_port(srv), cfg.threads, cfg.db_path);
    if (sigwait(&stop, &sig) != 0)
        sig = 0;
    fprintf(stderr, "proxima: %s received, stopping\n",
            sig == SIGINT    ? "SIGINT"
            : sig == SIGTERM ? "SIGTERM"
                             : "signal");
    http_server_stop(srv);
    fprintf(stderr, "proxima: stopped\n");
    return 0;
}

/*
 * exchange.c: `proxima import`, `proxima export` and `proxima replay`, the
 * journal's external form (docs/FORMAT.md) and the rebuilding of the
 * projections from the journal. The work is in src/case/exchange.c and
 * case_replay; this file reads and writes files and prints the figures.
 */
#include "core/compat.h"
#include "cli/cli.h"

#include <fcntl.h>
#include <jansson.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "case/case.h"
#include "case/exchange.h"
#include "core/json_arena.h"
#include "core/money.h"
#include "core/strbuf.h"

#define IMPORT_USAGE "proxima [--as IDENTIFIANT] import FICHIER|- [--max-erreurs N]"
#define EXPORT_USAGE                                                                               \
    "proxima [--as IDENTIFIANT] export [--sortie FICHIER] [--depuis AAAA-MM-JJ] "                  \
    "[--jusqu-au AAAA-MM-JJ]"
#define REPLAY_USAGE "proxima [--as IDENTIFIANT] [--json] replay"

/* Imports larger than this are refused before reading (about 10 years of a Département). */
#define IMPORT_MAX_BYTES ((size_t)8 << 30)

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *fmt_int(struct cli_ctx *c, int64_t v)
{
    struct strbuf sb;
    const char *r;

    strbuf_init(&sb, 64);
    num_format_int(&sb, v);
    r = arena_strdup(&c->arena, sb.buf);
    strbuf_release(&sb);
    return r;
}

/* ---- the input: a mapped file, or stdin read whole ---------------------- */

struct input {
    const char *data;
    size_t len;
    void *map; /* mmap'ed region, or NULL */
    struct strbuf buf;
};

static int input_open(struct cli_ctx *c, const char *path, struct input *in)
{
    struct stat st;
    int fd;

    memset(in, 0, sizeof(*in));
    strbuf_init(&in->buf, IMPORT_MAX_BYTES);
    if (!strcmp(path, "-")) {
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
            strbuf_add(&in->buf, chunk, n);
        if (ferror(stdin))
            return err_set(&c->err, ERR_IO, "lecture de l'entrée standard impossible : %s",
                           strerror(errno));
        if (strbuf_failed(&in->buf))
            return err_set(&c->err, ERR_TOO_LARGE,
                           "entrée standard trop volumineuse (plus de %zu Gio)",
                           IMPORT_MAX_BYTES >> 30);
        in->data = in->buf.buf;
        in->len = in->buf.len;
        return 0;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(&c->err, ERR_IO, "impossible d'ouvrir le fichier %s : %s", path,
                       strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return err_set(&c->err, ERR_IO, "%s n'est pas un fichier ordinaire", path);
    }
    if ((uint64_t)st.st_size > IMPORT_MAX_BYTES) {
        close(fd);
        err_set(&c->err, ERR_TOO_LARGE, "le fichier %s est trop volumineux (%lld octets)", path,
                (long long)st.st_size);
        return err_hint(&c->err, "découpez-le par période avec « proxima export --depuis "
                                 "--jusqu-au » côté source");
    }
    in->len = (size_t)st.st_size;
    if (in->len > 0) {
        in->map = mmap(NULL, in->len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (in->map == MAP_FAILED) {
            in->map = NULL;
            close(fd);
            return err_set(&c->err, ERR_IO, "lecture du fichier %s impossible : %s", path,
                           strerror(errno));
        }
        madvise(in->map, in->len, MADV_SEQUENTIAL);
        in->data = in->map;
    } else {
        in->data = "";
    }
    close(fd);
    return 0;
}

static void input_close(struct input *in)
{
    if (in->map)
        munmap(in->map, in->len);
    strbuf_release(&in->buf);
}

/* ---- access for the system-wide commands -------------------------------- */

/*
 * With --as, the agent needs the exchange capability on the whole
 * département; a refusal goes to the access log. Without --as the command
 * runs as the system (the operator holds the database file). The capability
 * is "import" (administrateur), not "export" (statistics): the journal holds
 * every personal file of the Département. *grant receives the grant used.
 */
static int require_capability(struct cli_ctx *c, struct case_ctx *cc, const char *what,
                              const char **grant)
{
    struct access_target t = {
        .site_grid = ACCESS_SITE_DEPARTEMENT,
        .site_code = CASE_EXCHANGE_DEPARTEMENT,
        .data_class = CLASS_NONE,
        .object_type = "journal",
        .object_id = what,
    };
    struct err logerr;

    *grant = NULL;
    if (!cc->user)
        return 0;
    if (access_check(cc->cat, cc->user, CASE_EXCHANGE_CAPABILITY, &t, &c->arena, grant, &c->err) ==
        0)
        return 0;
    err_clear(&logerr);
    access_log_append(cc->store, cc->actor, "refus", &t, "", &logerr);
    return -1;
}

/* An agent's export is a read of every personal file: it goes to the access log. */
static int log_export(struct cli_ctx *c, struct case_ctx *cc, const char *grant)
{
    struct access_target t = {
        .site_grid = ACCESS_SITE_DEPARTEMENT,
        .site_code = CASE_EXCHANGE_DEPARTEMENT,
        .data_class = CLASS_NONE,
        .object_type = "journal",
        .object_id = "export",
    };

    if (!cc->user)
        return 0;
    return access_log_append(cc->store, cc->actor, "lecture", &t, grant, &c->err);
}

/* ---- import --------------------------------------------------------------- */

static int print_import(struct cli_ctx *c, const char *path, const struct case_import_stats *st,
                        double secs)
{
    if (c->json) {
        json_t *types = json_object(), *out;
        int rc;
        for (size_t i = 0; case_exchange_types[i]; i++)
            if (st->per_type[i])
                json_object_set_new(types, case_exchange_types[i],
                                    json_integer((json_int_t)st->per_type[i]));
        out = json_pack("{s:s, s:I, s:o}", "fichier", path, "evenements", (json_int_t)st->events,
                        "par_type", types);
        if (!out)
            return err_set(&c->err, ERR_INTERNAL, "échec de la production du JSON (bogue)");
        rc = json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(out);
        if (rc != 0 || fputc('\n', stdout) == EOF)
            return err_set(&c->err, ERR_IO, "impossible d'écrire la sortie");
        return 0;
    }
    printf("%s : %s %s importé%s\n", path, fmt_int(c, st->events),
           st->events > 1 ? "événements" : "événement", st->events > 1 ? "s" : "");
    for (size_t i = 0; case_exchange_types[i]; i++)
        if (st->per_type[i]) {
            /* right-aligned by characters: the thousands separator is 3 bytes */
            const char *n = fmt_int(c, st->per_type[i]);
            size_t w = 0;
            for (const char *p = n; *p; p++)
                w += ((unsigned char)*p & 0xC0) != 0x80;
            printf("  %-28s %*s%s\n", case_exchange_types[i], (int)(w < 10 ? 10 - w : 0), "", n);
        }
    if (secs > 0 && st->events > 0)
        fprintf(stderr, "durée : %.1f s, %s événements par seconde\n", secs,
                fmt_int(c, (int64_t)((double)st->events / secs)));
    return 0;
}

int cmd_import(struct cli_ctx *c, int argc, char **argv)
{
    struct case_ctx cc = {0};
    struct catalog cat;
    struct access_user u;
    struct case_import_stats st;
    struct input in;
    const char *path = NULL, *v;
    int64_t max_errors = CASE_EXCHANGE_MAX_ERRORS;
    double t0;
    int rc;

    for (int i = 1; i < argc; i++) {
        if (cli_opt(c, argc, argv, &i, "--max-erreurs", &v)) {
            if (!v)
                return -1;
            if (parse_int64(v, strlen(v), &max_errors) != 0 || max_errors < 1 ||
                max_errors > 1000000)
                return cli_usage(c, IMPORT_USAGE,
                                 "--max-erreurs attend un entier de 1 à 1000000, pas « %s »", v);
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage(c, IMPORT_USAGE, "option inconnue : %s", argv[i]);
        } else if (!path) {
            path = argv[i];
        } else {
            return cli_usage(c, IMPORT_USAGE, "un seul fichier à la fois : %s", argv[i]);
        }
    }
    if (!path)
        return cli_usage(c, IMPORT_USAGE,
                         "fichier à importer manquant (« - » pour l'entrée "
                         "standard)");
    if (cli_case_ctx(c, &cc, &cat, &u, true) != 0)
        return -1;
    rc = input_open(c, path, &in);
    if (rc == 0) {
        const char *name = !strcmp(path, "-") ? "entrée standard" : path;
        t0 = now_seconds();
        /* one event's values at a time, and no other thread: see core/json_arena.h */
        json_arena_begin(0);
        /* case_import checks the capability of --as itself and logs a refusal */
        rc = case_import(&cc, in.data, in.len, name, (size_t)max_errors, stderr, &st, &c->err);
        json_arena_end();
        if (rc == 0)
            rc = print_import(c, name, &st, now_seconds() - t0);
    }
    input_close(&in);
    catalog_release(&cat);
    return rc;
}

/* ---- export --------------------------------------------------------------- */

static int parse_day(struct cli_ctx *c, const char *opt, const char *v, date_t *day)
{
    int rc = strchr(v, '/') ? date_parse_fr(v, strlen(v), day, &c->err)
                            : date_parse_iso(v, strlen(v), day, &c->err);
    if (rc != 0) {
        err_prefix(&c->err, "%s : ", opt);
        return err_hint(&c->err, "usage : %s", EXPORT_USAGE);
    }
    return 0;
}

/*
 * Write to path through a temporary file renamed at the end, so that a
 * failed export never leaves a truncated file under the name asked for.
 */
static int export_to_file(struct cli_ctx *c, struct store *s, const struct case_export_options *o,
                          const char *path, struct case_export_stats *st)
{
    const char *tmp = arena_printf(&c->arena, "%s.partiel", path);
    FILE *f = fopen(tmp, "wb");
    int rc;

    if (!f)
        return err_set(&c->err, ERR_IO, "impossible de créer le fichier %s : %s", tmp,
                       strerror(errno));
    rc = case_export(s, o, f, NULL, st, &c->err);
    if (rc == 0 && fsync(fileno(f)) != 0)
        rc = err_set(&c->err, ERR_IO, "écriture du fichier %s impossible : %s", tmp,
                     strerror(errno));
    if (fclose(f) != 0 && rc == 0)
        rc = err_set(&c->err, ERR_IO, "écriture du fichier %s impossible : %s", tmp,
                     strerror(errno));
    if (rc == 0 && rename(tmp, path) != 0)
        rc = err_set(&c->err, ERR_IO, "impossible de renommer %s en %s : %s", tmp, path,
                     strerror(errno));
    if (rc != 0)
        unlink(tmp);
    return rc;
}

int cmd_export(struct cli_ctx *c, int argc, char **argv)
{
    struct case_export_options o = {0};
    struct case_export_stats st;
    struct case_ctx cc = {0};
    struct catalog cat;
    struct access_user u;
    const char *out = NULL, *v, *grant;
    int rc;

    for (int i = 1; i < argc; i++) {
        if (cli_opt(c, argc, argv, &i, "--sortie", &v)) {
            if (!v)
                return -1;
            out = v;
        } else if (cli_opt(c, argc, argv, &i, "--depuis", &v)) {
            if (!v || parse_day(c, "--depuis", v, &o.from) != 0)
                return -1;
            o.has_from = true;
        } else if (cli_opt(c, argc, argv, &i, "--jusqu-au", &v)) {
            if (!v || parse_day(c, "--jusqu-au", v, &o.to) != 0)
                return -1;
            o.has_to = true;
        } else {
            return cli_usage(c, EXPORT_USAGE, "argument inattendu : %s", argv[i]);
        }
    }
    if (o.has_from && o.has_to && o.from > o.to)
        return cli_usage(c, EXPORT_USAGE, "--depuis est postérieur à --jusqu-au");
    if (cli_case_ctx(c, &cc, &cat, &u, true) != 0)
        return -1;
    rc = require_capability(c, &cc, "export", &grant);
    if (rc == 0) {
        if (out) {
            rc = export_to_file(c, cc.store, &o, out, &st);
            if (rc == 0)
                fprintf(stderr, "%s %s exporté%s dans %s\n", fmt_int(c, st.events),
                        st.events > 1 ? "événements" : "événement", st.events > 1 ? "s" : "", out);
        } else {
            rc = case_export(cc.store, &o, stdout, NULL, &st, &c->err);
        }
        if (rc == 0)
            rc = log_export(c, &cc, grant);
    }
    catalog_release(&cat);
    return rc;
}

/* ---- replay --------------------------------------------------------------- */

int cmd_replay(struct cli_ctx *c, int argc, char **argv)
{
    struct case_ctx cc = {0};
    struct catalog cat;
    struct access_user u;
    char before[65], after[65];
    const char *grant;
    double t0, secs = 0;
    int rc;

    if (argc > 1)
        return cli_usage(c, REPLAY_USAGE, "argument inattendu : %s", argv[1]);
    if (cli_case_ctx(c, &cc, &cat, &u, true) != 0)
        return -1;
    rc = require_capability(c, &cc, "rejeu", &grant);
    if (rc == 0)
        rc = case_projection_digest(cc.store, before, &c->err);
    if (rc == 0) {
        t0 = now_seconds();
        json_arena_begin(0); /* as for an import */
        rc = case_replay(cc.store, &cat, &c->err);
        json_arena_end();
        secs = now_seconds() - t0;
    }
    if (rc == 0)
        rc = case_projection_digest(cc.store, after, &c->err);
    catalog_release(&cat);
    if (rc != 0)
        return -1;
    if (c->json) {
        json_t *o = json_pack("{s:s, s:s, s:b}", "empreinte_avant", before, "empreinte_apres",
                              after, "identiques", !strcmp(before, after));
        int r = o ? json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;
        json_decref(o);
        if (r != 0 || fputc('\n', stdout) == EOF)
            return err_set(&c->err, ERR_IO, "impossible d'écrire la sortie");
        return 0;
    }
    printf("empreinte des projections avant le rejeu : %s\n", before);
    printf("empreinte des projections après le rejeu : %s\n", after);
    if (!strcmp(before, after))
        printf("identiques : le journal et les projections concordent\n");
    else
        printf("DIFFÉRENTES : les projections ne correspondaient pas au journal ; elles viennent "
               "d'être reconstruites à partir de lui (lancez « proxima journal verify »)\n");
    fprintf(stderr, "durée du rejeu : %.1f s\n", secs);
    return 0;
}

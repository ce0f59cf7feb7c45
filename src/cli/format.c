/*
 * format.c: the CLI's text output helpers (format.h): column alignment,
 * French integers, --date, and the --json document, written once for every
 * subcommand.
 */
#include "core/compat.h"
#include "cli/format.h"

#include "core/money.h"
#include "core/strbuf.h"

size_t cli_width(const char *s)
{
    size_t w = 0;

    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

void cli_pad_right(const char *s, size_t w)
{
    fputs(s, stdout);
    for (size_t i = cli_width(s); i < w; i++)
        putchar(' ');
}

void cli_pad_left(const char *s, size_t w)
{
    for (size_t i = cli_width(s); i < w; i++)
        putchar(' ');
    fputs(s, stdout);
}

const char *cli_fmt_int(struct cli_ctx *c, int64_t v)
{
    struct strbuf sb;
    const char *r;

    strbuf_init(&sb, 64);
    num_format_int(&sb, v);
    r = arena_strdup(&c->arena, sb.buf);
    strbuf_release(&sb);
    return r;
}

int cli_parse_day(struct cli_ctx *c, const char *v, date_t *day)
{
    if (!v) {
        *day = paris_today();
        return 0;
    }
    if (strchr(v, '/'))
        return date_parse_fr(v, strlen(v), day, &c->err);
    return date_parse_iso(v, strlen(v), day, &c->err);
}

int cli_parse_pos_date(struct cli_ctx *c, int argc, char **argv, const char *usage,
                       const char **pos, const char **date)
{
    for (int i = 2; i < argc; i++) {
        const char *v;
        if (cli_opt(c, argc, argv, &i, "--date", &v)) {
            if (!v)
                return -1;
            *date = v;
        } else if (!*pos && argv[i][0] != '-') {
            *pos = argv[i];
        } else {
            return cli_usage(c, usage, "argument inattendu : %s", argv[i]);
        }
    }
    return 0;
}

int cli_print_json(struct cli_ctx *c, json_t *o)
{
    int rc;

    if (!o)
        return err_set(&c->err, ERR_INTERNAL, "échec de la production du JSON (bogue)");
    rc = json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (rc != 0 || fputc('\n', stdout) == EOF)
        return err_set(&c->err, ERR_IO, "impossible d'écrire la sortie");
    return 0;
}

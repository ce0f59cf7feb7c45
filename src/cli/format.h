/*
 * format.h: text output helpers shared by the CLI's subcommands: column
 * alignment of UTF-8 text, French number formatting, the --date option as
 * agents type it, and the JSON document printed under --json. Private to
 * src/cli/. Everything printed goes to stdout.
 */
#ifndef PROXIMA_CLI_FORMAT_H
#define PROXIMA_CLI_FORMAT_H

#include <jansson.h>

#include "core/compat.h"
#include "core/date.h"
#include "cli/cli.h"

/*
 * Display width of UTF-8 text: one column per code point (no double-width
 * or combining characters in proxima's data). s may not be NULL.
 */
size_t cli_width(const char *s);

/* Print s, then blanks up to w columns (nothing more when s is wider). */
void cli_pad_right(const char *s, size_t w);

/* Print blanks up to w columns, then s (right-aligned numbers). */
void cli_pad_left(const char *s, size_t w);

/* v with French digit grouping ("12 345", num_format_int), in c's arena. */
const char *cli_fmt_int(struct cli_ctx *c, int64_t v);

/*
 * A --date value: NULL means today in Paris (paris_today); a value with a
 * '/' is read as JJ/MM/AAAA, any other as AAAA-MM-JJ. Returns 0, or -1
 * with c->err filled (the date parsers' French messages).
 */
int cli_parse_day(struct cli_ctx *c, const char *v, date_t *day);

/*
 * Parse argv[2..] as one positional argument and an optional --date VALUE
 * (or --date=VALUE): *pos and *date are set when given, left untouched
 * otherwise. A second positional argument or any other option is a usage
 * error ("argument inattendu", with usage as hint). Returns 0 or -1 with
 * c->err filled.
 */
int cli_parse_pos_date(struct cli_ctx *c, int argc, char **argv, const char *usage,
                       const char **pos, const char **date);

/*
 * Print o as the command's JSON document (2-space indent, keys in insertion
 * order, then a newline) and release it. o NULL (jansson out of memory, or
 * a json_pack bug) is ERR_INTERNAL; a failed write ERR_IO. Returns 0 or -1
 * with c->err filled. (Also declared in casecli.h for the case commands.)
 */
int cli_print_json(struct cli_ctx *c, json_t *o);

#endif

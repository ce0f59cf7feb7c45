/*
 * generate.c: `proxima generate`, the reference-year generator's command.
 * It parses the options, opens a system case context (the generator acts
 * for no agent), runs gen_run and prints what it made: counts, time and
 * events per second, and the figures it could not produce.
 */
#include "core/compat.h"
#include "cli/casecli.h"

#include "core/json_arena.h"
#include "core/money.h"
#include "core/strbuf.h"
#include "gen/gen.h"

#ifndef PROXIMA_SRCDIR
#define PROXIMA_SRCDIR "."
#endif

static const char usage[] =
    "proxima generate --year ANNÉE [--seed N] [--echelle X] [--reference DOSSIER] [--lot N] "
    "[--silencieux]";

static int parse_count(struct cli_ctx *c, const char *opt, const char *v, int64_t min, int64_t *out)
{
    if (!v)
        return 0;
    if (parse_int64(v, strlen(v), out) != 0 || *out < min)
        return cli_usage(c, usage, "%s : nombre entier attendu (au moins %lld), « %s » lu", opt,
                         (long long)min, v);
    return 0;
}

static const char *fr_int(struct cli_ctx *c, int64_t v)
{
    struct strbuf sb;
    const char *s;

    strbuf_init(&sb, 64);
    num_format_int(&sb, v);
    s = arena_strdup(&c->arena, sb.buf);
    strbuf_release(&sb);
    return s;
}

static void print_result(struct cli_ctx *c, const struct gen_options *o, const struct gen_result *r)
{
    double rate = r->seconds > 0 ? (double)r->events / r->seconds : 0;

    if (c->json) {
        json_t *j =
            json_pack("{s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:[]}", "annee",
                      o->year, "graine", (json_int_t)o->seed, "evenements", (json_int_t)r->events,
                      "personnes", (json_int_t)r->persons, "foyers", (json_int_t)r->households,
                      "dossiers", (json_int_t)r->dossiers, "actes", (json_int_t)r->acts, "seances",
                      (json_int_t)r->sessions, "versements", (json_int_t)r->payments, "secondes",
                      r->seconds, "evenements_par_seconde", rate, "non_generes");
        for (size_t i = 0; i < r->nskipped; i++)
            json_array_append_new(json_object_get(j, "non_generes"), json_string(r->skipped[i]));
        cli_print_json(c, j);
        return;
    }
    {
        struct strbuf sb;
        strbuf_init(&sb, 64);
        num_format_fixed(&sb, (int64_t)(r->seconds * 10 + 0.5), 1, 1);
        printf("Année %d générée (graine %llu) : %s événements en %s s (%s événements/s).\n",
               o->year, (unsigned long long)o->seed, fr_int(c, r->events), sb.buf,
               fr_int(c, (int64_t)rate));
        strbuf_release(&sb);
    }
    printf("  %s personnes, %s foyers, %s dossiers, %s actes, %s séances de commission, %s "
           "versements.\n",
           fr_int(c, r->persons), fr_int(c, r->households), fr_int(c, r->dossiers),
           fr_int(c, r->acts), fr_int(c, r->sessions), fr_int(c, r->payments));
    if (r->nskipped) {
        printf("Chiffres non générés (%zu) :\n", r->nskipped);
        for (size_t i = 0; i < r->nskipped; i++)
            printf("  - %s\n", r->skipped[i]);
    }
}

int cmd_generate(struct cli_ctx *c, int argc, char **argv)
{
    const char *year = NULL, *seed = NULL, *scale = NULL, *ref = NULL, *batch = NULL;
    bool quiet = false;
    const struct cli_optdef defs[] = {
        {"--year", CLI_OPT_ONE, &year},     {"--seed", CLI_OPT_ONE, &seed},
        {"--echelle", CLI_OPT_ONE, &scale}, {"--reference", CLI_OPT_ONE, &ref},
        {"--lot", CLI_OPT_ONE, &batch},     {"--silencieux", CLI_OPT_FLAG, &quiet},
    };
    struct gen_options o = {0};
    struct gen_result r;
    struct cli_case k;
    int64_t y = 0, s = 2022, b = 0;
    int rc;

    if (cli_parse(c, argc, argv, 1, usage, defs, ARRAY_SIZE(defs), NULL, 0, 0, NULL) != 0)
        return -1;
    if (!year)
        return cli_usage(c, usage, "l'année à générer est obligatoire (--year)");
    if (parse_count(c, "--year", year, 2000, &y) != 0 || parse_count(c, "--seed", seed, 0, &s) ||
        parse_count(c, "--lot", batch, 1, &b) != 0)
        return -1;
    if (y > 2100)
        return cli_usage(c, usage, "--year : année invalide « %s »", year);
    o.scale = GEN_SCALE_ONE;
    if (scale && gen_scale_parse(scale, &o.scale, &c->err) != 0) {
        err_hint(&c->err, "usage : %s", usage);
        return -1;
    }
    if (c->as_login) {
        err_set(&c->err, ERR_USAGE,
                "le générateur agit pour le système : il n'accepte pas d'agent (--as)");
        return err_hint(&c->err, "relancez sans --as ni PROXIMA_USER");
    }
    o.year = (int)y;
    o.seed = (uint64_t)s;
    o.reference_dir = ref ? ref : PROXIMA_SRCDIR "/../shared/reference";
    o.data_dir = c->data_dir;
    o.progress = quiet ? NULL : stderr;
    o.batch = b;
    if (cli_case_open(c, &k, true) != 0)
        return cli_case_close(&k, -1);
    json_arena_begin(0); /* one event's values at a time, one thread: core/json_arena.h */
    rc = gen_run(&k.cc, &o, &c->arena, &r, &c->err);
    json_arena_end();
    if (rc == 0)
        print_result(c, &o, &r);
    return cli_case_close(&k, rc);
}

/*
 * gen.c: the generator's run. It checks that the database may receive a
 * generated year (a system context, the referential loaded, no case event
 * yet, the year over), loads the targets, the MDS and their communes and
 * the name lists, then runs the modules in order (RSA households first:
 * the other aids help them too), one store transaction per batch of
 * operations, printing its progress in French.
 */
#include "core/compat.h"
#include "gen/gen_int.h"

#include <time.h>

#include "core/money.h"
#include "core/strbuf.h"

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int gen_store_has_case_events(struct store *s, bool *has, struct err *e)
{
    struct store_stmt *q = store_prepare(s, "SELECT DISTINCT type FROM journal", e);
    int rc;

    *has = false;
    if (!q)
        return -1;
    while ((rc = store_step(q, e)) == STORE_ROW)
        if (case_event_known(store_column_text(q, 0)))
            *has = true;
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Print "  12 345" style numbers: the French thousands separator. */
static const char *fr_int(struct gen *g, int64_t v)
{
    struct strbuf sb;
    const char *s;

    strbuf_init(&sb, 64);
    num_format_int(&sb, v);
    s = arena_strdup(g->a, sb.buf);
    strbuf_release(&sb);
    return s;
}

/* Seconds with one decimal, French style: "12,3". */
static const char *fr_seconds(struct gen *g, double s)
{
    struct strbuf sb;
    const char *out;

    strbuf_init(&sb, 64);
    num_format_fixed(&sb, (int64_t)(s * 10 + 0.5), 1, 1);
    out = arena_strdup(g->a, sb.buf);
    strbuf_release(&sb);
    return out;
}

static void step_end(struct gen *g)
{
    double t = now(), d = t - g->step_t0;

    if (g->step && g->o->progress)
        fprintf(g->o->progress, "  %s événements en %s s (%s par seconde)\n",
                fr_int(g, g->step_events), fr_seconds(g, d),
                fr_int(g, d > 0 ? (int64_t)((double)g->step_events / d) : 0));
    g->step_events = 0;
    g->step_t0 = t;
}

void gen_step(struct gen *g, const char *name)
{
    if (g->failed)
        return;
    step_end(g);
    g->step = name;
    if (g->o->progress) {
        fprintf(g->o->progress, "[%s s] %s\n", fr_seconds(g, now() - g->t0), name);
        fflush(g->o->progress);
    }
}

/* The counters the engine would use next: the generator passes its ids explicitly. */
static int counters(struct gen *g)
{
    struct store_stmt *q = store_prepare(g->c->store, "SELECT kind, next FROM case_counter", g->e);
    int rc;

    g->next_dossier = g->next_act = g->next_session = g->next_payment = g->next_org = 1;
    if (!q)
        return gen_fail_op(g, "compteurs");
    while ((rc = store_step(q, g->e)) == STORE_ROW) {
        const char *k = store_column_text(q, 0);
        int64_t n = store_column_int64(q, 1);
        if (!strcmp(k, "D"))
            g->next_dossier = n;
        else if (!strcmp(k, "A"))
            g->next_act = n;
        else if (!strcmp(k, "S"))
            g->next_session = n;
        else if (!strcmp(k, "V"))
            g->next_payment = n;
        else if (!strcmp(k, "O"))
            g->next_org = n;
    }
    store_finalize(q);
    return rc < 0 ? gen_fail_op(g, "compteurs") : 0;
}

static int prepare(struct gen *g)
{
    bool has;
    struct gen_rng r;

    if (g->c->user)
        return gen_fail(g, "le générateur agit pour le système, sans agent (--as)");
    if (g->c->today <= g->y1) {
        char fr[DATE_ISO_LEN];
        date_format_fr(g->c->today, fr);
        return gen_fail(g, "l'année %d n'est pas terminée (nous sommes le %s)", g->year, fr);
    }
    if (gen_store_has_case_events(g->c->store, &has, g->e) != 0)
        return gen_fail_op(g, "lecture du journal");
    if (has) {
        err_set(g->e, ERR_CONFLICT,
                "la base contient déjà des personnes, dossiers ou actes : le générateur "
                "n'écrit que dans une base sans activité");
        err_hint(g->e, "créez une base neuve (proxima --db NOUVELLE.db init) puis relancez la "
                       "génération");
        g->failed = true;
        return -1;
    }
    if (gen_targets_load(g) != 0 || gen_geo_load(g) != 0 || gen_names_load(g) != 0 ||
        counters(g) != 0)
        return -1;
    /* the elected members who chair the commissions */
    gen_rng_init(&r, g->o->seed, "elus");
    for (int m = 0; m <= g->nmds; m++) {
        char sex = gen_rng_pct(&r, 50) ? 'F' : 'M';
        g->mds[m].chair = arena_printf(
            g->a, "%s, %s", gen_random_name(g, &r, sex),
            m < g->nmds ? (sex == 'F' ? "conseillère départementale" : "conseiller départemental")
                        : (sex == 'F' ? "vice-présidente du Conseil départemental"
                                      : "vice-président du Conseil départemental"));
    }
    g->next_caf = (int32_t)(1000000 + gen_rng_range(&r, 0, 500000));
    return 0;
}

static bool planned(const struct gen *g, const char *code)
{
    for (size_t i = 0; i < g->nfigs; i++)
        if (!strcmp(g->figs[i].code, code))
            return true;
    for (size_t i = 0; i < g->nskipped; i++) {
        size_t n = strlen(code);
        if (!strncmp(g->skipped[i], code, n) && g->skipped[i][n] == ' ')
            return true;
    }
    return false;
}

/*
 * Every in-scope figure of the tables (the MDS columns but the referential's
 * agents and ETP, the core rows of the four sections) is either planned or
 * reported: a figure the generator does not know is never silently left out.
 */
static void unplanned(struct gen *g)
{
    static const char *const sections[] = {"autonomie", "insertion", "enfance", "jeunesse"};

    for (size_t i = 0; i < g->nmds_cols; i++)
        if (strcmp(g->mds_cols[i], "agents") != 0 && strcmp(g->mds_cols[i], "etp") != 0 &&
            !planned(g, g->mds_cols[i]))
            gen_skip(g, g->mds_cols[i], "chiffre inconnu du générateur");
    for (size_t i = 0; i < g->ndept; i++) {
        bool in_scope = !strcmp(g->dept[i].portee, "core");
        bool section = false;
        for (size_t k = 0; k < ARRAY_SIZE(sections); k++)
            section |= !strcmp(g->dept[i].section, sections[k]);
        if (in_scope && section && !planned(g, g->dept[i].code))
            gen_skip(g, g->dept[i].code, "chiffre inconnu du générateur");
    }
}

static void result(struct gen *g, struct gen_result *out)
{
    memset(out, 0, sizeof(*out));
    out->events = g->events;
    out->persons = g->npersons ? (int64_t)g->npersons - 1 : 0;
    out->households = g->nhouseholds ? (int64_t)g->nhouseholds - 1 : 0;
    out->dossiers = g->next_dossier - 1;
    out->acts = g->next_act - 1;
    out->sessions = g->next_session - 1;
    out->payments = g->next_payment - 1;
    out->seconds = now() - g->t0;
    out->figures = g->figs;
    out->nfigures = g->nfigs;
    out->skipped = g->skipped;
    out->nskipped = g->nskipped;
}

int gen_run(struct case_ctx *c, const struct gen_options *o, struct arena *a,
            struct gen_result *out, struct err *e)
{
    struct gen g;
    int rc = -1;
    bool open_tx = false;

    memset(&g, 0, sizeof(g));
    memset(out, 0, sizeof(*out));
    g.c = c;
    g.o = o;
    g.e = e;
    g.a = a;
    g.year = o->year;
    g.y0 = gen_ymd(o->year, 1, 1);
    g.y1 = gen_ymd(o->year, 12, 31);
    g.mid = gen_ymd(o->year, 7, 1);
    g.t0 = g.step_t0 = now();
    err_clear(e);
    arena_init(&g.ops, 1 << 20);
    g.caller_arena = c->arena;
    c->arena = &g.ops;

    if (o->progress) {
        struct strbuf sb;
        strbuf_init(&sb, 64);
        num_format_fixed(&sb, o->scale, 6, 2);
        fprintf(o->progress, "Génération de l'année %d (graine %llu, échelle %s)\n", o->year,
                (unsigned long long)o->seed, sb.buf);
        strbuf_release(&sb);
    }
    if (prepare(&g) != 0)
        goto out;
    if (store_begin(c->store, e) != 0) {
        gen_fail_op(&g, "ouverture d'un lot");
        goto out;
    }
    open_tx = true;
    if (gen_insertion(&g) != 0 || gen_logement(&g) != 0 || gen_autonomie(&g) != 0 ||
        gen_enfance(&g) != 0 || gen_pmi(&g) != 0 || gen_jeunesse(&g) != 0 || gen_accueil(&g) != 0)
        goto out;
    if (store_commit(c->store, e) != 0) {
        gen_fail_op(&g, "validation du dernier lot");
        goto out;
    }
    open_tx = false;
    step_end(&g);
    unplanned(&g);
    rc = 0;
out:
    if (open_tx)
        store_rollback(c->store);
    if (rc != 0 && g.events > 0 && !e->hint[0])
        err_hint(e, "les lots déjà validés restent dans la base : recommencez sur une base neuve");
    result(&g, out);
    c->arena = g.caller_arena;
    arena_release(&g.ops);
    free(g.persons);
    free(g.households);
    for (int m = 0; m <= GEN_MAX_MDS; m++)
        gen_vec_release(&g.pool[m]);
    return rc;
}

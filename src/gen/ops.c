/*
 * ops.c: the generator's thin layer over the case operations. It gives
 * every object its id (the generator refuses a database with case events,
 * so its counters start where the engine's are), formats dates and
 * amounts, counts the events and commits the store transaction every
 * batch of operations, and turns an engine error into a sticky failure
 * naming the step and the object.
 *
 * On top of it, two recurring shapes of a dossier's life: a flow decided
 * by an agent (open, pieces, instruction, decision, notification, measure,
 * payments) and a plan decided in commission (sessions on fixed dates,
 * agendas, batch decisions, minutes).
 */
#include "core/compat.h"
#include "gen/gen_int.h"

#include "core/money.h"
#include "core/strbuf.h"

/* ---- ids, amounts, errors ------------------------------------------------------- */

const char *gen_id(char kind, int64_t n, char buf[16])
{
    snprintf(buf, 16, "%c%07lld", kind, (long long)n);
    return buf;
}

const char *gen_money(int64_t cents, char buf[24])
{
    snprintf(buf, 24, "%lld.%02lld", (long long)(cents / 100), (long long)(cents % 100));
    return buf;
}

json_t *gen_json_money(int64_t cents)
{
    char buf[24];

    return json_string(gen_money(cents, buf));
}

int gen_fail(struct gen *g, const char *fmt, ...)
{
    va_list ap;

    if (g->failed)
        return -1;
    g->failed = true;
    g->e->code = ERR_INVALID;
    va_start(ap, fmt);
    vsnprintf(g->e->message, sizeof(g->e->message), fmt, ap);
    va_end(ap);
    g->e->detail[0] = '\0';
    g->e->hint[0] = '\0';
    err_prefix(g->e, "génération (%s) : ", g->step ? g->step : "préparation");
    return -1;
}

int gen_fail_op(struct gen *g, const char *what)
{
    if (g->failed)
        return -1;
    g->failed = true;
    if (g->e->code == ERR_OK)
        err_set(g->e, ERR_INTERNAL, "opération refusée sans message");
    err_prefix(g->e, "génération (%s, %s) : ", g->step ? g->step : "préparation", what);
    return -1;
}

int gen_tick(struct gen *g, int64_t n)
{
    int64_t batch = g->o->batch > 0 ? g->o->batch : GEN_BATCH_DEFAULT;

    g->events += n;
    g->step_events += n;
    if (++g->in_tx < batch)
        return 0;
    if (store_commit(g->c->store, g->e) != 0)
        return gen_fail_op(g, "validation d'un lot");
    g->in_tx = 0;
    /* nothing of the operations' arena outlives an operation */
    arena_clear(&g->ops);
    if (store_begin(g->c->store, g->e) != 0)
        return gen_fail_op(g, "ouverture d'un lot");
    return 0;
}

/* ---- operations ------------------------------------------------------------------ */

int64_t gen_open(struct gen *g, const struct gen_open *in)
{
    struct case_open_input oi = {0};
    char did[16], bid[16], pid[16], iso[DATE_ISO_LEN];
    const char *got;
    int64_t n;

    if (g->failed) {
        json_decref(in->facts);
        return 0;
    }
    n = g->next_dossier++;
    date_format_iso(in->date, iso);
    oi.id = gen_id('D', n, did);
    oi.dispositif = in->dispositif;
    oi.beneficiary = gen_id(in->benef_kind, in->benef, bid);
    oi.person = in->person ? gen_id('P', in->person, pid) : NULL;
    oi.site = in->site < 0 ? NULL : gen_site(g, in->site);
    if (in->site >= 0 && in->site < g->nmds && in->date >= g->y0) {
        /* an MDS the engine finds itself from the address, which proves the plan's */
        const struct catalog_dispositif *d = catalog_find(g->c->cat, in->dispositif);
        if (d && d->site_rule == SITE_MDS_RESIDENCE)
            oi.site = NULL;
    }
    oi.date = iso;
    oi.facts = in->facts;
    if (case_dossier_open(g->c, &oi, &got, g->e) != 0) {
        json_decref(in->facts);
        gen_fail_op(g, arena_printf(g->c->arena, "ouverture du dossier %s (%s) pour %s", did,
                                    in->dispositif, bid));
        return 0;
    }
    json_decref(in->facts);
    return gen_tick(g, 1) == 0 ? n : 0;
}

int gen_do(struct gen *g, int64_t dossier, enum catalog_op op, date_t day, const struct gen_opx *x)
{
    struct case_op_input in = {0};
    char did[16], sid[16], vid[16], iso[DATE_ISO_LEN], from[DATE_ISO_LEN], to[DATE_ISO_LEN];
    char amount[24];

    if (g->failed) {
        json_decref(x->facts);
        return -1;
    }
    date_format_iso(day, iso);
    in.date = iso;
    in.outcome = x->outcome;
    in.motive = x->motive;
    if (x->amount >= 0)
        in.amount = gen_money(x->amount, amount);
    if (x->right_from != GEN_NODATE) {
        date_format_iso(x->right_from, from);
        in.right_from = from;
    }
    if (x->right_to != GEN_NODATE) {
        date_format_iso(x->right_to, to);
        in.right_to = to;
    }
    if (x->session)
        in.session = gen_id('S', x->session, sid);
    if (op == OP_PAYER)
        in.payment_id = gen_id('V', g->next_payment++, vid);
    in.facts = x->facts;
    if (case_dossier_op(g->c, gen_id('D', dossier, did), op, &in, g->e) != 0) {
        json_decref(x->facts);
        return gen_fail_op(g, arena_printf(g->c->arena, "dossier %s, opération %s du %s", did,
                                           catalog_op_code(op), iso));
    }
    json_decref(x->facts);
    return gen_tick(g, 1);
}

int gen_plain(struct gen *g, int64_t dossier, enum catalog_op op, date_t day)
{
    struct gen_opx x = GEN_OPX_INIT;

    return gen_do(g, dossier, op, day, &x);
}

int gen_pay(struct gen *g, int64_t dossier, date_t day, int64_t cents)
{
    struct gen_opx x = GEN_OPX_INIT;

    x.amount = cents;
    return gen_do(g, dossier, OP_PAYER, day, &x);
}

int gen_act(struct gen *g, const char *dispositif, date_t day, int site, int32_t person,
            json_t *facts)
{
    struct case_act_input in = {0};
    char aid[16], pid[16], iso[DATE_ISO_LEN];
    const char *got;

    if (g->failed)
        return -1;
    date_format_iso(day, iso);
    in.id = gen_id('A', g->next_act++, aid);
    in.dispositif = dispositif;
    in.date = iso;
    in.site = gen_site(g, site);
    in.person = person ? gen_id('P', person, pid) : NULL;
    in.facts = facts;
    if (case_act_record(g->c, &in, &got, g->e) != 0)
        return gen_fail_op(g,
                           arena_printf(g->c->arena, "acte %s (%s) du %s", aid, dispositif, iso));
    return gen_tick(g, 1);
}

/* The digit that makes s[0..n) followed by it pass the Luhn check. */
static char luhn_key(const char *s, size_t n)
{
    for (int key = 0; key < 10; key++) {
        int sum = key;
        for (size_t i = 0; i < n; i++) {
            int d = s[n - 1 - i] - '0';
            if (i % 2 == 0) {
                d *= 2;
                if (d > 9)
                    d -= 9;
            }
            sum += d;
        }
        if (sum % 10 == 0)
            return (char)('0' + key);
    }
    return '0';
}

/* A SIRET: a SIREN (8 drawn digits and its key), a NIC (4 digits and the SIRET's key). */
static void siret(struct gen_rng *r, char out[15])
{
    for (int i = 0; i < 8; i++)
        out[i] = (char)('0' + (i == 0 ? gen_rng_range(r, 1, 9) : gen_rng_range(r, 0, 9)));
    out[8] = luhn_key(out, 8);
    for (int i = 9; i < 13; i++)
        out[i] = (char)('0' + gen_rng_range(r, 0, 9));
    out[13] = luhn_key(out, 13);
    out[14] = '\0';
}

int64_t gen_org_new(struct gen *g, struct gen_rng *r, const char *name, int32_t commune, date_t day)
{
    char oid[16], iso[DATE_ISO_LEN], s[15];
    const char *got;
    int64_t n;

    if (g->failed)
        return 0;
    n = g->next_org++;
    date_format_iso(gen_max(day, g->y0), iso);
    siret(r, s);
    if (case_organisation_create(g->c, gen_id('O', n, oid), name, s, NULL,
                                 g->communes[commune].code, iso, &got, g->e) != 0) {
        gen_fail_op(g, arena_printf(g->c->arena, "organisme %s (%s)", oid, name));
        return 0;
    }
    return gen_tick(g, 1) == 0 ? n : 0;
}

/* ---- facts ------------------------------------------------------------------------- */

void gen_facts_complete(struct gen *g, struct gen_rng *r, const struct catalog_dispositif *d,
                        json_t *facts)
{
    static const char *const texts[] = {"Association Avenir Solidaire",
                                        "Association Les Liens du Pas-de-Calais",
                                        "Service départemental", "Association Horizon 62"};

    for (size_t i = 0; i < d->nfacts; i++) {
        const struct catalog_fact *f = &d->facts[i];
        json_t *v = NULL;

        if (!f->required || json_object_get(facts, f->code))
            continue;
        switch (f->type) {
        case RULES_BOOL:
            v = json_false();
            break;
        case RULES_INT: {
            int64_t lo = f->has_min ? f->min : 0, hi = f->has_max ? f->max : lo + 10;
            v = json_integer(gen_rng_range(r, lo, hi < lo ? lo : (hi - lo > 10 ? lo + 10 : hi)));
            break;
        }
        case RULES_MONEY:
            v = gen_json_money(f->has_min ? f->min : 0);
            break;
        case RULES_DATE: {
            char iso[DATE_ISO_LEN];
            date_format_iso(g->y0, iso);
            v = json_string(iso);
            break;
        }
        case RULES_TEXT:
            v = json_string(f->nchoices ? f->choices[gen_rng_range(r, 0, (int64_t)f->nchoices - 1)]
                                        : texts[gen_rng_range(r, 0, ARRAY_SIZE(texts) - 1)]);
            break;
        default:
            break;
        }
        if (v)
            json_object_set_new(facts, f->code, v);
    }
}

/* ---- a dossier decided by an agent ------------------------------------------------- */

void gen_flow_init(struct gen_flow *f)
{
    memset(f, 0, sizeof(*f));
    f->open.site = -1;
    f->decide = GEN_NODATE;
    f->amount = -1;
    f->right_from = f->right_to = f->start = f->end = GEN_NODATE;
}

static const char *const pieces_motives[] = {
    "justificatif de domicile et avis d'imposition manquants",
    "relevé d'identité bancaire manquant",
    "justificatifs de ressources des trois derniers mois manquants",
    "pièce d'identité manquante",
};

int64_t gen_flow_run(struct gen *g, struct gen_rng *r, struct gen_flow *f)
{
    const struct catalog_dispositif *d = catalog_find(g->c->cat, f->open.dispositif);
    const struct catalog_workflow *w = d ? d->workflow : NULL;
    bool decided = f->decide != GEN_NODATE;
    date_t open = f->open.date, last = decided ? f->decide : gen_max(open, g->y1), instr;
    date_t notified = decided ? f->decide : open;
    int64_t dos;
    struct gen_opx x = GEN_OPX_INIT;

    if (!w) {
        json_decref(f->open.facts);
        json_decref(f->instr_facts);
        return gen_fail(g, "dispositif %s absent ou sans circuit", f->open.dispositif);
    }
    dos = gen_open(g, &f->open);
    if (!dos) {
        json_decref(f->instr_facts);
        return 0;
    }
    /* instruction between opening and decision, after pieces if asked */
    instr = open + (last - open) * (decided ? 55 : 30) / 100;
    if (f->pieces && catalog_workflow_has_op(w, OP_DEMANDER_PIECES)) {
        date_t ask = gen_min(open + 1, last), given = ask + (instr - ask) / 2;
        x.motive = pieces_motives[gen_rng_range(r, 0, ARRAY_SIZE(pieces_motives) - 1)];
        if (gen_do(g, dos, OP_DEMANDER_PIECES, ask, &x) != 0)
            goto fail;
        x.motive = NULL;
        if (!decided && instr - ask < 30) {
            /* still awaited at the end of the year */
            json_decref(f->instr_facts);
            return dos;
        }
        if (gen_plain(g, dos, OP_COMPLETER, gen_max(given, ask)) != 0)
            goto fail;
        instr = gen_max(instr, gen_max(given, ask));
    }
    if (catalog_workflow_has_op(w, OP_INSTRUIRE)) {
        x.facts = f->instr_facts;
        f->instr_facts = NULL;
        if (gen_do(g, dos, OP_INSTRUIRE, gen_max(instr, open), &x) != 0)
            goto fail;
        x.facts = NULL;
    }
    json_decref(f->instr_facts);
    f->instr_facts = NULL;
    if (decided && catalog_workflow_has_op(w, OP_DECIDER)) {
        if (f->adjourn) {
            struct gen_opx a = GEN_OPX_INIT;
            a.outcome = "ajournement";
            a.motive = "évaluation complémentaire demandée";
            if (gen_do(g, dos, OP_DECIDER, gen_max(instr, instr + (f->decide - instr) / 2), &a) !=
                0)
                goto fail;
        }
        x.outcome = f->outcome;
        x.motive = f->motive;
        x.amount = f->amount;
        x.right_from = f->right_from;
        x.right_to = f->right_to;
        if (gen_do(g, dos, OP_DECIDER, f->decide, &x) != 0)
            goto fail;
        if (strcmp(f->outcome, "sans_suite") != 0 && catalog_workflow_has_op(w, OP_NOTIFIER)) {
            date_t cap = gen_max(f->decide, f->decide <= g->y1 ? g->y1 : f->decide + 5);
            date_t when = gen_min(f->decide + (date_t)gen_rng_range(r, 0, 3), cap);
            if (f->start != GEN_NODATE)
                when = gen_min(when, f->start);
            notified = gen_max(when, f->decide);
            if (gen_plain(g, dos, OP_NOTIFIER, notified) != 0)
                goto fail;
        }
    }
    if (strcmp(f->outcome ? f->outcome : "accord", "accord") != 0 ||
        (!decided && w && catalog_workflow_has_op(w, OP_DECIDER)))
        return dos;
    if (f->start != GEN_NODATE && gen_plain(g, dos, OP_DEBUTER_MESURE, f->start) != 0)
        goto fail;
    /* paid once notified (still within the decision's year when the caller said so) */
    for (int i = 0; i < f->npay; i++)
        if (gen_pay(g, dos, gen_max(f->pay_date[i], notified), f->pay[i]) != 0)
            goto fail;
    if (f->end != GEN_NODATE && gen_plain(g, dos, OP_TERMINER_MESURE, f->end) != 0)
        goto fail;
    return dos;
fail:
    return 0;
}

int64_t gen_measure_run(struct gen *g, struct gen_rng *r, struct gen_measure *m)
{
    struct gen_flow fl;
    const struct catalog_dispositif *d = catalog_find(g->c->cat, m->dispositif);
    bool right = d && d->workflow && !strcmp(d->workflow->code, "prestation");

    gen_flow_init(&fl);
    fl.open.dispositif = m->dispositif;
    fl.open.benef_kind = m->kind;
    fl.open.benef = m->benef;
    fl.open.site = m->site;
    fl.open.facts = m->facts;
    m->facts = NULL;
    fl.decide = m->start - (date_t)gen_rng_range(r, 1, 20);
    fl.open.date = gen_next_workday(fl.decide - (date_t)gen_rng_range(r, 10, 45));
    if (fl.open.date > fl.decide)
        fl.open.date = fl.decide;
    fl.outcome = "accord";
    fl.amount = m->amount;
    if (right) {
        fl.right_from = m->start;
        fl.right_to = m->right_to;
    }
    fl.start = m->start;
    fl.end = m->end;
    return gen_flow_run(g, r, &fl);
}

/* ---- commissions --------------------------------------------------------------------- */

size_t gen_session_dates(struct arena *a, date_t first, date_t last, int weekday, const int *nths,
                         size_t nn, date_t **out)
{
    int y0, m0, d0, y1, m1, d1;
    size_t n = 0, cap;

    date_to_ymd(first, &y0, &m0, &d0);
    date_to_ymd(last, &y1, &m1, &d1);
    cap = (size_t)((y1 - y0) * 12 + (m1 - m0) + 1) * nn + 1;
    *out = arena_calloc(a, cap, sizeof(**out));
    for (int y = y0, m = m0; y < y1 || (y == y1 && m <= m1);) {
        date_t day1 = gen_ymd(y, m, 1);
        int shift = (weekday - date_weekday(day1) + 7) % 7;
        for (size_t k = 0; k < nn; k++) {
            date_t d = day1 + shift + 7 * (nths[k] - 1);
            int yy, mm, dd;
            date_to_ymd(d, &yy, &mm, &dd);
            if (mm != m)
                continue;
            d = gen_next_workday(d);
            if (d >= first && d <= last)
                (*out)[n++] = d;
        }
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    return n;
}

static const char *const refus_default[] = {
    "ressources supérieures au barème",
    "situation ne relevant pas du dispositif",
    "aide de même objet déjà accordée dans l'année",
};

static const char *outcome_code(uint8_t o)
{
    return o == GEN_ACCORD ? "accord" : o == GEN_REFUS ? "refus" : "sans_suite";
}

/* Open, instruct and schedule one item for session k (dates before the session). */
static int schedule(struct gen *g, struct gen_rng *r, struct gen_commission *cm,
                    struct gen_citem *it, int k, int64_t session)
{
    date_t sdate = cm->dates[k];
    struct gen_opx x = GEN_OPX_INIT;

    if (!it->dossier) {
        date_t open = sdate - (date_t)gen_rng_range(r, 18, 55), instr;
        if (open < g->y0 && sdate >= g->y0)
            open = gen_max(g->y0, sdate - 10);
        open = gen_max(gen_next_workday(open), it->not_before);
        if (open >= sdate)
            open = sdate - 3;
        it->opened = open;
        it->dossier = cm->open(g, r, cm, it, open);
        if (!it->dossier)
            return -1;
        instr = open + (date_t)gen_rng_range(r, 1, gen_max(1, (sdate - open) / 2));
        if (gen_plain(g, it->dossier, OP_INSTRUIRE, gen_min(instr, sdate)) != 0)
            return -1;
        x.session = session;
        return gen_do(g, it->dossier, OP_INSCRIRE_COMMISSION,
                      gen_min(sdate, gen_max(instr, sdate - (date_t)gen_rng_range(r, 2, 12))), &x);
    }
    /* adjourned by the previous session: on the agenda of this one */
    x.session = session;
    return gen_do(g, it->dossier, OP_INSCRIRE_COMMISSION,
                  gen_min(sdate, cm->dates[k - 1] + (date_t)gen_rng_range(r, 1, 6)), &x);
}

/* After the session: notification, measure, payments, end. */
static int follow(struct gen *g, struct gen_rng *r, struct gen_commission *cm, struct gen_citem *it,
                  date_t sdate)
{
    int y, m, d;
    date_t cap, notif;

    if (it->outcome == GEN_SANS_SUITE)
        return 0;
    date_to_ymd(sdate, &y, &m, &d);
    cap = gen_ymd(y, 12, 31);
    notif = gen_min(sdate + (date_t)gen_rng_range(r, 1, 6), cap);
    if (it->outcome == GEN_ACCORD && it->start != GEN_NODATE)
        notif = gen_max(sdate, gen_min(notif, it->start));
    if (gen_plain(g, it->dossier, OP_NOTIFIER, notif) != 0)
        return -1;
    if (it->outcome != GEN_ACCORD)
        return 0;
    if (it->start != GEN_NODATE && gen_plain(g, it->dossier, OP_DEBUTER_MESURE, it->start) != 0)
        return -1;
    for (int i = 0; i < it->npay; i++) {
        date_t base = it->start != GEN_NODATE ? gen_max(it->start, notif) : notif;
        date_t when = gen_min(base + (date_t)gen_rng_range(r, 2, 12) + 20 * i, cap);
        if (gen_pay(g, it->dossier, gen_max(when, base), it->pay[i]) != 0)
            return -1;
    }
    if (it->end != GEN_NODATE && gen_plain(g, it->dossier, OP_TERMINER_MESURE, it->end) != 0)
        return -1;
    (void)cm;
    return 0;
}

static int64_t session_create(struct gen *g, struct gen_commission *cm, date_t day)
{
    char sid[16], iso[DATE_ISO_LEN];
    const char *got, *chair = g->mds[cm->site <= g->nmds ? cm->site : g->nmds].chair;
    int64_t n = g->next_session++;

    date_format_iso(day, iso);
    if (case_session_create(g->c, gen_id('S', n, sid), cm->label, iso, chair, gen_site(g, cm->site),
                            &got, g->e) != 0) {
        gen_fail_op(g, arena_printf(g->c->arena, "séance %s (%s)", sid, cm->label));
        return 0;
    }
    return gen_tick(g, 1) == 0 ? n : 0;
}

static int session_close(struct gen *g, int64_t session, date_t day, size_t acc, size_t ref,
                         size_t adj, size_t other, const char *label)
{
    char sid[16], fr[DATE_ISO_LEN], minutes[512];
    date_t saved = g->c->today;
    int rc;

    date_format_fr(day, fr);
    snprintf(minutes, sizeof(minutes),
             "%s, séance du %s.\n%zu dossiers examinés : %zu accords, %zu refus, %zu "
             "ajournements, %zu classements sans suite.\nLes décisions sont notifiées aux "
             "demandeurs par le service instructeur.",
             label, fr, acc + ref + adj + other, acc, ref, adj, other);
    /* the minutes are closed on the day of the session */
    g->c->today = day;
    rc = case_session_close(g->c, gen_id('S', session, sid), minutes, g->e);
    g->c->today = saved;
    if (rc != 0)
        return gen_fail_op(g, arena_printf(g->c->arena, "clôture de la séance %s", sid));
    return gen_tick(g, 1);
}

int gen_commission_run(struct gen *g, struct gen_rng *r, struct gen_commission *cm,
                       struct gen_citem *items, size_t n)
{
    size_t *order = calloc(n ? n : 1, sizeof(*order)), no = 0;
    struct case_batch_decision *batch = NULL;
    char(*ids)[16] = NULL, (*amounts)[24] = NULL, (*froms)[DATE_ISO_LEN] = NULL,
    (*tos)[DATE_ISO_LEN] = NULL;
    int rc = -1;

    if (!order)
        die_nomem(n * sizeof(*order));
    batch = calloc(n ? n : 1, sizeof(*batch));
    ids = calloc(n ? n : 1, sizeof(*ids));
    amounts = calloc(n ? n : 1, sizeof(*amounts));
    froms = calloc(n ? n : 1, sizeof(*froms));
    tos = calloc(n ? n : 1, sizeof(*tos));
    if (!batch || !ids || !amounts || !froms || !tos)
        die_nomem(n * sizeof(*batch));
    /* an item opened after a given day (a move) is adjourned only by a session after it */
    for (size_t i = 0; i < n; i++)
        if (items[i].adjourned &&
            (items[i].k == 0 || cm->dates[items[i].k - 1] < items[i].not_before + 3))
            items[i].adjourned = false;
    for (size_t k = 0; k < cm->ndates && !g->failed; k++) {
        size_t nb = 0, acc = 0, ref = 0, adj = 0, other = 0;
        int64_t session = 0;
        char sid[16];

        /* the items of this session: decided here, or adjourned here first */
        no = 0;
        for (size_t i = 0; i < n; i++)
            if (items[i].k == (int)k || (items[i].adjourned && items[i].k == (int)k + 1))
                order[no++] = i;
        if (no == 0)
            continue;
        session = session_create(g, cm, cm->dates[k]);
        if (!session)
            goto out;
        for (size_t j = 0; j < no; j++) {
            struct gen_citem *it = &items[order[j]];
            struct case_batch_decision *b = &batch[nb];
            bool final = it->k == (int)k;
            if (schedule(g, r, cm, it, (int)k, session) != 0)
                goto out;
            memset(b, 0, sizeof(*b));
            b->dossier = gen_id('D', it->dossier, ids[nb]);
            if (!final) {
                b->in.outcome = "ajournement";
                b->in.motive = "pièces complémentaires demandées par la commission";
                adj++;
            } else {
                b->in.outcome = outcome_code(it->outcome);
                if (it->outcome == GEN_REFUS) {
                    const char *const *m = cm->refus_motives ? cm->refus_motives : refus_default;
                    size_t nm = 0;
                    while (m[nm])
                        nm++;
                    b->in.motive = m[gen_rng_range(r, 0, (int64_t)nm - 1)];
                    ref++;
                } else if (it->outcome == GEN_SANS_SUITE) {
                    b->in.motive = "demande retirée par le demandeur";
                    other++;
                } else {
                    if (it->amount >= 0)
                        b->in.amount = gen_money(it->amount, amounts[nb]);
                    if (it->right_from != GEN_NODATE) {
                        date_format_iso(it->right_from, froms[nb]);
                        b->in.right_from = froms[nb];
                    }
                    if (it->right_to != GEN_NODATE) {
                        date_format_iso(it->right_to, tos[nb]);
                        b->in.right_to = tos[nb];
                    }
                    acc++;
                }
            }
            nb++;
        }
        if (case_session_decide(g->c, gen_id('S', session, sid), batch, nb, g->e) != 0) {
            gen_fail_op(g, arena_printf(g->c->arena, "décisions de la séance %s", sid));
            goto out;
        }
        if (gen_tick(g, (int64_t)nb) != 0)
            goto out;
        for (size_t j = 0; j < no; j++) {
            struct gen_citem *it = &items[order[j]];
            if (it->k == (int)k && follow(g, r, cm, it, cm->dates[k]) != 0)
                goto out;
        }
        if (session_close(g, session, cm->dates[k], acc, ref, adj, other, cm->label) != 0)
            goto out;
    }
    rc = g->failed ? -1 : 0;
out:
    free(order);
    free(batch);
    free(ids);
    free(amounts);
    free(froms);
    free(tos);
    return g->failed ? -1 : rc;
}

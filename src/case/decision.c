/*
 * decision.c: the two dossier operations that carry rules and money.
 *
 * A decision (dossier.decided) is where the catalogue's rules bite: an
 * accord needs every eligibility rule of the dispositif to hold, and its
 * amount may not exceed what the amount rule computes. The rules see the
 * dossier's facts, the parameters in force on the decision date, the
 * person's birth date and sex, and the request and decision dates (the
 * environment catalog_name_type declares). A payment (dossier.paid) may not
 * take the total paid above the amount of the last accord.
 *
 * Both are apply helpers of case_apply_dossier_op (dossier.c), which has
 * already checked the transition, the date and the motive's presence.
 */
#include "core/compat.h"
#include "case/dossier_int.h"

#include "core/money.h"
#include "core/strbuf.h"

/* ---- the rules' environment ------------------------------------------- */

static struct rules_value fact_value(const struct catalog_fact *f, json_t *v)
{
    int64_t n;
    date_t day;
    struct err ignored;

    if (!v || json_is_null(v))
        return rules_value_absent();
    switch (f->type) {
    case RULES_BOOL:
        return json_is_boolean(v) ? rules_value_bool(json_is_true(v)) : rules_value_absent();
    case RULES_INT:
        return json_is_integer(v) ? rules_value_int(json_integer_value(v)) : rules_value_absent();
    case RULES_MONEY:
        if (!json_is_string(v) ||
            money_parse(json_string_value(v), json_string_length(v), &n, &ignored) != 0)
            return rules_value_absent();
        return rules_value_money(n);
    case RULES_DATE:
        if (!json_is_string(v) ||
            date_parse_iso(json_string_value(v), json_string_length(v), &day, &ignored) != 0)
            return rules_value_absent();
        return rules_value_date(day);
    case RULES_TEXT:
        return json_is_string(v) ? rules_value_text(json_string_value(v), json_string_length(v))
                                 : rules_value_absent();
    case RULES_ABSENT:
        break;
    }
    return rules_value_absent();
}

struct rules_value case_rule_value(void *ctx, const char *name)
{
    const struct case_rule_env *env = ctx;
    const struct catalog_fact *f;

    if (!strncmp(name, "param.", 6)) {
        struct rules_value v;
        const char *ref;
        struct err ignored;
        err_clear(&ignored);
        /* a parameter not yet in force is absent: the evaluation names it */
        if (catalog_param_at(env->d, name + 6, env->decided, &v, &ref, &ignored) != 0)
            return rules_value_absent();
        return v;
    }
    if (!strcmp(name, "personne.date_naissance"))
        return env->has_birth ? rules_value_date(env->birth) : rules_value_absent();
    if (!strcmp(name, "personne.sexe"))
        return env->sex ? rules_value_text(env->sex, strlen(env->sex)) : rules_value_absent();
    if (!strcmp(name, "date_demande"))
        return rules_value_date(env->requested);
    if (!strcmp(name, "date_decision"))
        return rules_value_date(env->decided);
    f = catalog_fact(env->d, name);
    return f ? fact_value(f, json_object_get(env->facts, name)) : rules_value_absent();
}

static void name_of_person(void *ctx, const char *name)
{
    if (!strcmp(name, CATALOG_ENV_BIRTH) || !strcmp(name, CATALOG_ENV_SEX))
        *(bool *)ctx = true;
}

/* Does a rule of d (eligibility or amount) name the person's birth date or sex? */
static bool rules_name_person(const struct catalog_dispositif *d)
{
    bool named = false;

    for (size_t i = 0; i < d->neligibility && !named; i++)
        rules_names(d->eligibility[i].expr, name_of_person, &named);
    if (d->amount && !named)
        rules_names(d->amount, name_of_person, &named);
    return named;
}

/*
 * Birth date and sex of the dossier's person, if it has one and the rules
 * of its dispositif name them (nothing else reads them).
 */
static int env_person(struct case_ctx *c, const struct dossier_row *r, struct case_rule_env *env,
                      struct err *e)
{
    struct store_stmt *q;
    int rc = 0;

    if (!r->person || !rules_name_person(r->disp))
        return 0;
    q = store_prepare(c->store, "SELECT birth_date, sex FROM person WHERE id = ?", e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, r->person);
    if (store_step(q, e) == STORE_ROW) {
        const char *birth = store_column_text(q, 0);
        env->sex = arena_strdup(c->arena, store_column_text(q, 1));
        rc = date_parse_iso(birth, strlen(birth), &env->birth, e);
        env->has_birth = rc == 0;
    }
    store_finalize(q);
    return e->code == ERR_OK ? rc : -1;
}

static int check_eligibility(struct case_ctx *c, const struct dossier_row *r,
                             struct case_rule_env *env, struct err *e)
{
    for (size_t i = 0; i < r->disp->neligibility; i++) {
        const struct catalog_rule *rule = &r->disp->eligibility[i];
        struct rules_value v;

        if (rules_eval(rule->expr, case_rule_value, env, &v, e) != 0) {
            err_prefix(e, "accord impossible pour le dossier %s, règle « %s » : ", r->id,
                       rules_expr_source(rule->expr));
            return err_hint(e, "complétez les faits du dossier (« proxima dossier instruire "
                               "DOSSIER --fait CODE=VALEUR »)");
        }
        if (v.type != RULES_BOOL)
            return err_set(e, ERR_INTERNAL, "la règle « %s » ne donne pas vrai ou faux",
                           rules_expr_source(rule->expr));
        if (!v.u.b) {
            err_set(e, ERR_INVALID, "accord impossible pour le dossier %s : %s", r->id,
                    rule->message);
            return err_detail(e, "dispositif %s, règle « %s »", r->disp->code,
                              rules_expr_source(rule->expr));
        }
    }
    (void)c;
    return 0;
}

/* The amount rule's result for the dossier, in cents. */
static int rule_amount(const struct dossier_row *r, struct case_rule_env *env, int64_t *cents,
                       struct err *e)
{
    struct rules_value v;

    if (rules_eval(r->disp->amount, case_rule_value, env, &v, e) != 0) {
        err_prefix(e, "calcul du montant du dossier %s (« %s ») : ", r->id,
                   rules_expr_source(r->disp->amount));
        return -1;
    }
    if (v.type != RULES_MONEY)
        return err_set(e, ERR_INTERNAL, "la règle de montant « %s » ne donne pas un montant",
                       rules_expr_source(r->disp->amount));
    *cents = v.u.i;
    return 0;
}

static const char *euros(struct case_ctx *c, int64_t cents)
{
    struct strbuf sb;
    const char *s;

    strbuf_init(&sb, 64);
    money_format(&sb, cents);
    s = arena_strdup(c->arena, sb.buf);
    strbuf_release(&sb);
    return s;
}

/* ---- dossier.decided ------------------------------------------------------ */

/* A right's bound: a valid ISO date, which may lie after today (a right granted ahead). */
static int right_date(struct case_ctx *c, json_t *p, const char *field, const char **iso,
                      date_t *day, struct err *e)
{
    if (case_get_str(c, p, field, false, iso, e) != 0)
        return -1;
    if (*iso && date_parse_iso(*iso, strlen(*iso), day, e) != 0) {
        err_prefix(e, "événement %s, champ « %s » : ", case_current_type(c), field);
        return -1;
    }
    return 0;
}

/* The session the decision is taken in: the one whose agenda the dossier is on. */
static int decision_session(struct case_ctx *c, json_t *p, const struct dossier_row *r,
                            const char *date, const char **session, struct err *e)
{
    struct dossier_session s;
    const char *given;

    *session = NULL;
    if (case_get_str(c, p, "seance", false, &given, e) != 0)
        return -1;
    if (!r->session) {
        if (!given)
            return 0;
        err_set(e, ERR_INVALID,
                "le dossier %s n'est à l'ordre du jour d'aucune séance : décision en séance %s "
                "impossible",
                r->id, given);
        return err_hint(e, "inscrivez d'abord le dossier à la séance (« proxima dossier inscrire "
                           "DOSSIER --seance SEANCE »)");
    }
    if (given && strcmp(given, r->session) != 0)
        return err_set(e, ERR_INVALID,
                       "le dossier %s est inscrit à la séance %s, pas à la séance %s", r->id,
                       r->session, given);
    if (dossier_session_load(c, r->session, &s, e) != 0)
        return -1;
    if (strcmp(s.state, "prevue") != 0)
        return err_set(e, ERR_CONFLICT, "la séance %s du %s est close : plus de décision possible",
                       s.id, s.date);
    if (strcmp(s.date, date) != 0) {
        err_set(e, ERR_INVALID,
                "le dossier %s est décidé en séance %s : la date de décision est celle de la "
                "séance (%s), pas %s",
                r->id, s.id, s.date, date);
        return err_hint(e, "ne précisez pas de date : celle de la séance est prise");
    }
    *session = s.id;
    return 0;
}

int dossier_apply_decided(struct case_ctx *c, json_t *p, const struct dossier_row *r,
                          const struct catalog_transition *t, const char *date, date_t day,
                          int64_t seq, struct dossier_step_out *out, struct err *e)
{
    const char *code, *session, *from_iso, *to_iso;
    enum catalog_outcome outcome;
    date_t from = 0, to = 0;
    int64_t amount;
    struct store_stmt *q;

    if (case_get_str(c, p, "decision", true, &code, e) != 0)
        return -1;
    if (catalog_outcome_from_code(code, &outcome) != 0) {
        err_set(e, ERR_INVALID, "décision inconnue : « %s »", code);
        return err_hint(e, "décisions possibles : accord, refus, ajournement, sans_suite");
    }
    out->to = t->to_outcome[outcome];
    if (!out->to)
        return err_set(e, ERR_CONFLICT,
                       "décision « %s » impossible pour le dossier %s (dispositif %s, état « %s »)",
                       code, r->id, r->dispositif, r->state);
    if (outcome != OUTCOME_ACCORD && !out->motive) {
        err_set(e, ERR_INVALID, "décision « %s » sur le dossier %s : le motif est obligatoire",
                catalog_outcome_label(outcome), r->id);
        return err_hint(e, "indiquez-le avec --motif ; il sera notifié au demandeur");
    }
    if (case_get_money(c, p, "montant", false, &amount, e) != 0 ||
        right_date(c, p, "droit_du", &from_iso, &from, e) != 0 ||
        right_date(c, p, "droit_au", &to_iso, &to, e) != 0 ||
        decision_session(c, p, r, date, &session, e) != 0)
        return -1;
    if (outcome != OUTCOME_ACCORD && (amount >= 0 || from_iso || to_iso))
        return err_set(e, ERR_INVALID,
                       "décision « %s » : montant et période de droit ne vont qu'avec un accord",
                       catalog_outcome_label(outcome));
    if (to_iso && !from_iso)
        return err_set(e, ERR_INVALID, "période de droit : « droit_au » sans « droit_du »");
    if (from_iso && to_iso && to < from)
        return err_set(e, ERR_INVALID, "période de droit : la fin (%s) précède le début (%s)",
                       to_iso, from_iso);

    if (outcome == OUTCOME_ACCORD) {
        struct case_rule_env env = {.d = r->disp, .requested = r->opened_day, .decided = day};
        int rc = -1;

        env.facts = dossier_row_facts(r, e);
        if (!env.facts)
            return -1;
        if (case_check_facts(c, r->disp, env.facts, true, e) != 0 ||
            env_person(c, r, &env, e) != 0 || check_eligibility(c, r, &env, e) != 0)
            goto done;
        if (r->disp->amount) {
            int64_t max = 0;
            if (rule_amount(r, &env, &max, e) != 0)
                goto done;
            if (amount < 0) {
                amount = max;
            } else if (amount > max) {
                err_set(e, ERR_INVALID,
                        "montant accordé (%s) supérieur au montant calculé par le règlement (%s) "
                        "pour le dossier %s",
                        euros(c, amount), euros(c, max), r->id);
                err_detail(e, "règle de montant « %s »", rules_expr_source(r->disp->amount));
                goto done;
            }
        }
        rc = 0;
    done:
        json_decref(env.facts);
        if (rc != 0)
            return -1;
    }

    q = store_prepare(c->store,
                      "INSERT INTO decision(seq, dossier, outcome, decided_on, amount_cents, "
                      "right_from, right_to, motive, session, actor) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      e);
    if (!q)
        return -1;
    store_bind_int64(q, 1, seq);
    store_bind_text_static(q, 2, r->id);
    store_bind_text_static(q, 3, catalog_outcome_code(outcome));
    store_bind_text_static(q, 4, date);
    if (amount >= 0)
        store_bind_int64(q, 5, amount);
    else
        store_bind_null(q, 5);
    store_bind_text_static(q, 6, from_iso);
    store_bind_text_static(q, 7, to_iso);
    store_bind_text_static(q, 8, out->motive);
    store_bind_text_static(q, 9, session);
    store_bind_text_static(q, 10, c->actor);
    if (store_step_done(q, e) != 0)
        return -1;
    /* decided: the dossier leaves the session's agenda (an adjourned one is scheduled again) */
    if (outcome == OUTCOME_ACCORD) {
        out->next.granted = amount >= 0 ? amount : -1;
        if (r->accorded_known && (!r->accorded || strcmp(date, r->accorded) > 0))
            out->next.accorded = date;
    }
    out->next.session = NULL;
    return 0;
}

/* ---- dossier.paid --------------------------------------------------------- */

/*
 * A payment refused by a check made after the one the schema does when all
 * goes well (the payment's primary key): if the payment exists, that is the
 * refusal, as when it was checked first. Returns -1, e holding the refusal.
 */
static int paid_refusal(struct case_ctx *c, const char *vid, struct err *e)
{
    struct err probe;
    bool found = false;

    err_clear(&probe);
    if (dossier_exists(c, "SELECT 1 FROM payment WHERE id = ?", &found, &probe, vid,
                       (const char *)NULL) != 0)
        *e = probe;
    else if (found)
        err_set(e, ERR_CONFLICT, "le versement %s existe déjà", vid);
    return -1;
}

/* The date of the dossier's last accord (NULL: none), from r when known. */
static int last_accord(struct case_ctx *c, const struct dossier_row *r, const char **decided,
                       struct err *e)
{
    struct store_stmt *q;

    *decided = r->accorded;
    if (r->accorded_known)
        return 0;
    q = store_prepare(
        c->store, "SELECT MAX(decided_on) FROM decision WHERE dossier = ? AND outcome = 'accord'",
        e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, r->id);
    if (store_step(q, e) == STORE_ROW)
        *decided = dossier_col_str(c, q, 0);
    store_finalize(q);
    return e->code == ERR_OK ? 0 : -1;
}

int dossier_apply_paid(struct case_ctx *c, json_t *p, const struct dossier_row *r, const char *date,
                       int64_t seq, struct dossier_step_out *out, struct err *e)
{
    const char *vid, *decided;
    int64_t amount;
    struct store_stmt *q;
    struct err refused;

    if (case_get_str(c, p, "versement", true, &vid, e) != 0 ||
        case_get_money(c, p, "montant", true, &amount, e) != 0)
        return -1;
    if (amount == 0)
        return err_set(e, ERR_INVALID, "versement sur le dossier %s : le montant doit être positif",
                       r->id);
    /* a payment already recorded is refused by the insert, see paid_refusal */
    if (r->granted < 0) {
        err_set(e, ERR_CONFLICT, "aucun montant accordé sur le dossier %s : versement impossible",
                r->id);
        err_hint(e, "une décision d'accord avec un montant précède tout versement");
        return paid_refusal(c, vid, e);
    }
    if (r->paid + amount > r->granted) {
        err_set(e, ERR_INVALID,
                "versement de %s refusé : le total versé (%s) dépasserait le montant accordé (%s) "
                "sur le dossier %s",
                euros(c, amount), euros(c, r->paid + amount), euros(c, r->granted), r->id);
        err_detail(e, "déjà versé %s, reste à verser %s", euros(c, r->paid),
                   euros(c, r->granted - r->paid));
        return paid_refusal(c, vid, e);
    }
    if (last_accord(c, r, &decided, e) != 0)
        return -1;
    if (decided && strcmp(date, decided) < 0) {
        err_set(e, ERR_INVALID,
                "versement du %s antérieur à la décision d'accord du %s (dossier %s)", date,
                decided, r->id);
        return paid_refusal(c, vid, e);
    }

    if (case_id_observe(c, 'V', vid, e) != 0)
        return paid_refusal(c, vid, e);
    q = store_prepare(c->store,
                      "INSERT INTO payment(id, dossier, paid_on, amount_cents, seq) "
                      "VALUES (?, ?, ?, ?, ?)",
                      e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, vid);
    store_bind_text_static(q, 2, r->id);
    store_bind_text_static(q, 3, date);
    store_bind_int64(q, 4, amount);
    store_bind_int64(q, 5, seq);
    err_clear(&refused);
    if (store_step_done(q, &refused) != 0) {
        *e = refused;
        return refused.code == ERR_CONFLICT ? paid_refusal(c, vid, e) : -1;
    }
    out->next.paid = r->paid + amount;
    out->next.accorded_known = true;
    out->next.accorded = decided;
    return 0;
}

/*
 * test_rules.c: the rules language from source text to value. Tables of
 * expressions with their expected value, compile error or evaluation error
 * (precedence, every operator and function, money rounding, dates and ages
 * across leap years, absent values), exact French messages in a few cases,
 * the depth and size caps, and a seeded soup of tokens and bytes that must
 * never crash and must keep the type checker's promise.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "core/date.h"
#include "core/money.h"
#include "core/utf8.h"
#include "rules/rules.h"

/* ---- a small environment: declared names, their types and values ---- */

struct var {
    const char *name;
    enum rules_type type;     /* declared type */
    struct rules_value value; /* RULES_ABSENT: not given */
};

#define MAX_VARS 32

struct env {
    struct var v[MAX_VARS];
    size_t n;
};

static int64_t D(int y, int m, int d)
{
    date_t day = 0;

    assert_int_equal(date_from_ymd(y, m, d, &day, NULL), 0);
    return day;
}

static void env_set(struct env *env, const char *name, enum rules_type type,
                    struct rules_value value)
{
    for (size_t i = 0; i < env->n; i++)
        if (strcmp(env->v[i].name, name) == 0) {
            env->v[i].type = type;
            env->v[i].value = value;
            return;
        }
    assert_true(env->n < MAX_VARS);
    env->v[env->n].name = name;
    env->v[env->n].type = type;
    env->v[env->n].value = value;
    env->n++;
}

/* The environment of most tests: an APA or secours d'urgence request. */
static void env_default(struct env *env)
{
    env->n = 0;
    env_set(env, "age", RULES_INT, rules_value_int(67));
    env_set(env, "gir", RULES_INT, rules_value_int(3));
    env_set(env, "nb_enfants", RULES_INT, rules_value_int(2));
    env_set(env, "zero", RULES_INT, rules_value_int(0));
    env_set(env, "big", RULES_INT, rules_value_int(INT64_MAX));
    env_set(env, "small", RULES_INT, rules_value_int(INT64_MIN));
    env_set(env, "nb_absent", RULES_INT, rules_value_absent());
    env_set(env, "montant_demande", RULES_MONEY, rules_value_money(45000));
    env_set(env, "param.plafond", RULES_MONEY, rules_value_money(30000));
    env_set(env, "m_max", RULES_MONEY, rules_value_money(INT64_MAX));
    env_set(env, "revenu", RULES_MONEY, rules_value_absent());
    env_set(env, "personne.date_naissance", RULES_DATE, rules_value_date(D(1950, 5, 12)));
    env_set(env, "date_demande", RULES_DATE, rules_value_date(D(2022, 3, 7)));
    env_set(env, "date_max", RULES_DATE, rules_value_date(DATE_MAX));
    env_set(env, "date_fin", RULES_DATE, rules_value_absent());
    env_set(env, "motif", RULES_TEXT, rules_value_text("energie", 7));
    env_set(env, "commentaire", RULES_TEXT, rules_value_absent());
    env_set(env, "vide", RULES_TEXT, rules_value_text(NULL, 0));
    env_set(env, "isole", RULES_BOOL, rules_value_bool(true));
}

static enum rules_type env_type(void *ctx, const char *name)
{
    struct env *env = ctx;

    for (size_t i = 0; i < env->n; i++)
        if (strcmp(env->v[i].name, name) == 0)
            return env->v[i].type;
    return RULES_ABSENT;
}

static struct rules_value env_value(void *ctx, const char *name)
{
    struct env *env = ctx;

    for (size_t i = 0; i < env->n; i++)
        if (strcmp(env->v[i].name, name) == 0)
            return env->v[i].value;
    fail_msg("value asked for undeclared name %s", name);
    return rules_value_absent();
}

/* ---- running one expression ---- */

enum outcome { OK, COMPILE_ERROR, EVAL_ERROR };

struct result {
    enum outcome outcome;
    enum rules_type static_type;
    struct rules_value value;
    struct err e;
    char text[256]; /* a texte result, copied out of the arena */
};

static void run_n(struct env *env, const char *src, size_t n, struct result *r)
{
    struct arena a;
    struct rules_expr *x;

    memset(r, 0, sizeof(*r));
    arena_init(&a, 0);
    err_clear(&r->e);
    x = rules_compile(&a, src, n, env_type, env, &r->e);
    if (!x) {
        assert_int_not_equal(r->e.code, ERR_OK);
        assert_true(r->e.message[0] != '\0');
        assert_true(utf8_valid(r->e.message, strlen(r->e.message)));
        r->outcome = COMPILE_ERROR;
        arena_release(&a);
        return;
    }
    assert_int_equal(r->e.code, ERR_OK);
    assert_int_equal(strlen(rules_expr_source(x)), n);
    assert_memory_equal(rules_expr_source(x), src, n);
    r->static_type = rules_expr_type(x);
    if (rules_eval(x, env_value, env, &r->value, &r->e) < 0) {
        assert_int_not_equal(r->e.code, ERR_OK);
        assert_int_equal(r->value.type, RULES_ABSENT);
        r->outcome = EVAL_ERROR;
    } else {
        assert_int_equal(r->value.type, r->static_type);
        if (r->value.type == RULES_TEXT) {
            assert_true(r->value.u.s.n < sizeof(r->text));
            memcpy(r->text, r->value.u.s.p, r->value.u.s.n);
            r->value.u.s.p = r->text;
        }
    }
    arena_release(&a);
}

static void run(struct env *env, const char *src, struct result *r)
{
    run_n(env, src, strlen(src), r);
}

static void expect_ok(struct env *env, const char *src, struct result *r)
{
    run(env, src, r);
    if (r->outcome != OK)
        fail_msg("%s: unexpected error: %s", src, r->e.message);
}

/* ---- values ---- */

struct case_value {
    const char *src;
    enum rules_type type;
    int64_t i; /* RULES_INT, RULES_MONEY, RULES_DATE, RULES_BOOL (0/1) */
    const char *text;
};

static void check_values(const struct case_value *cases, size_t n)
{
    struct env env;
    struct result r;

    env_default(&env);
    for (size_t k = 0; k < n; k++) {
        const struct case_value *c = &cases[k];

        expect_ok(&env, c->src, &r);
        if (r.value.type != c->type)
            fail_msg("%s: type %s, expected %s", c->src, rules_type_name(r.value.type),
                     rules_type_name(c->type));
        if (c->type == RULES_BOOL && r.value.u.b != (c->i != 0))
            fail_msg("%s: %d, expected %d", c->src, r.value.u.b, (int)c->i);
        if (c->type == RULES_TEXT &&
            (r.value.u.s.n != strlen(c->text) || memcmp(r.text, c->text, r.value.u.s.n) != 0))
            fail_msg("%s: \"%.*s\", expected \"%s\"", c->src, (int)r.value.u.s.n, r.text, c->text);
        if (c->type != RULES_BOOL && c->type != RULES_TEXT && r.value.u.i != c->i)
            fail_msg("%s: %" PRId64 ", expected %" PRId64, c->src, r.value.u.i, c->i);
    }
}

#define CHECK_VALUES(table) check_values(table, ARRAY_SIZE(table))

#define B(s, v)                                                                                    \
    {                                                                                              \
        s, RULES_BOOL, v, NULL                                                                     \
    }
#define I(s, v)                                                                                    \
    {                                                                                              \
        s, RULES_INT, v, NULL                                                                      \
    }
#define M(s, v)                                                                                    \
    {                                                                                              \
        s, RULES_MONEY, v, NULL                                                                    \
    }
#define T(s, v)                                                                                    \
    {                                                                                              \
        s, RULES_TEXT, 0, v                                                                        \
    }

static void test_precedence(void **state)
{
    static const struct case_value cases[] = {
        I("1 + 2 * 3", 7),
        I("(1 + 2) * 3", 9),
        I("10 - 3 - 2", 5),
        I("100 / 10 / 5", 2),
        I("2 * 3 / 4", 1),
        I("-2 * 3", -6),
        I("2 * -3", -6),
        I("- -2", 2),
        I("-(2 + 3)", -5),
        I("1 - -1", 2),
        I("((((7))))", 7),
        B("1 + 2 = 3", 1),
        B("2 * 3 > 5", 1),
        B("vrai ou faux et faux", 1),
        B("(vrai ou faux) et faux", 0),
        B("faux et faux ou vrai", 1),
        B("non vrai ou vrai", 1),
        B("non (vrai ou vrai)", 0),
        B("non 1 = 2", 1),
        B("non non vrai", 1),
        B("non faux et faux", 0),
        B("1 < 2 et 2 < 3", 1),
        B("1 + 2 = 3 et 4 > 3 ou faux", 1),
        B("gir dans [1, 2] ou gir dans [3]", 1),
        B("non gir dans [1, 2]", 1),
        /* blanks of all kinds, lines */
        I("\t1\n+\r\n2 ", 3),
        I("1\xC2\xA0+\xE2\x80\xAF"
          "2",
          3),
    };
    CHECK_VALUES(cases);
}

static void test_arithmetic(void **state)
{
    static const struct case_value cases[] = {
        I("7 + 5", 12),
        I("7 - 12", -5),
        I("7 * 6", 42),
        I("7 / 2", 3),
        I("-7 / 2", -3),
        I("7 / -2", -3),
        I("0 / 5", 0),
        I("gir * nb_enfants + 1", 7),
        I("9223372036854775807", INT64_MAX),
        I("-9223372036854775807 - 1", INT64_MIN),
        I("big - 1 + 1", INT64_MAX),
        I("small / 1", INT64_MIN),
        I("007", 7),
        /* money */
        M("150 €", 15000),
        M("150€", 15000),
        M("150\xC2\xA0€", 15000),
        M("150\xE2\x80\xAF€", 15000),
        M("150,5 €", 15050),
        M("150,50 €", 15050),
        M("150,05 €", 15005),
        M("0,01 €", 1),
        M("-150 €", -15000),
        M("150 € + 50,50 €", 20050),
        M("150 € - 200 €", -5000),
        M("150 € * 2", 30000),
        M("2 * 150 €", 30000),
        M("montant_demande * 3 / 4", 33750),
        M("92233720368547758,07 €", INT64_MAX),
        /* money division rounds half away from zero */
        M("100,00 € / 3", 3333),
        M("200 € / 3", 6667),
        M("0,05 € / 2", 3),
        M("-0,05 € / 2", -3),
        M("0,05 € / -2", -3),
        M("-0,05 € / -2", 3),
        M("0,01 € / 2", 1),
        M("0,01 € / 3", 0),
        M("0,02 € / 3", 1),
        M("-0,01 € / 3", 0),
        M("1 € / 8", 13),
        M("m_max / 2", 4611686018427387904),
        M("m_max / -1", -INT64_MAX),
    };
    CHECK_VALUES(cases);
}

static void test_comparisons(void **state)
{
    static const struct case_value cases[] = {
        B("1 = 1", 1),
        B("1 = 2", 0),
        B("1 != 2", 1),
        B("1 != 1", 0),
        B("1 < 2", 1),
        B("2 < 1", 0),
        B("1 <= 1", 1),
        B("2 <= 1", 0),
        B("2 > 1", 1),
        B("1 > 1", 0),
        B("1 >= 1", 1),
        B("0 >= 1", 0),
        B("150 € >= 150,00 €", 1),
        B("150 € > 149,99 €", 1),
        B("-1 € < 0 €", 1),
        B("montant_demande > param.plafond", 1),
        B("2022-03-07 < 2022-03-08", 1),
        B("2022-03-07 = 2022-03-07", 1),
        B("date_demande >= 2022-01-01", 1),
        B("\"a\" = \"a\"", 1),
        B("\"a\" != \"b\"", 1),
        B("\"a\" = \"ab\"", 0),
        B("\"\" = \"\"", 1),
        B("vide = \"\"", 1),
        B("\"é\" = \"é\"", 1),
        B("\"e\" = \"é\"", 0),
        B("\"dit \\\"oui\\\"\" = \"dit \\\"oui\\\"\"", 1),
        B("motif = \"energie\"", 1),
        B("vrai = vrai", 1),
        B("vrai != faux", 1),
        B("isole = vrai", 1),
        B("(1 < 2) = (2 < 3)", 1),
        B("big > small", 1),
    };
    CHECK_VALUES(cases);
}

static void test_functions(void **state)
{
    static const struct case_value cases[] = {
        I("min(3, 1, 2)", 1),
        I("max(3, 1, 2)", 3),
        I("min(150,50)", 50), /* no €: two integer arguments */
        M("min(150,50 €, 200 €)", 15050),
        M("max(1,5 €, 2 €)", 200),
        M("min(montant_demande, param.plafond)", 30000),
        M("max(montant_demande, param.plafond)", 45000),
        {"min(2022-03-07, 2021-01-01)", RULES_DATE, 0, NULL}, /* value patched below */
        I("abs(-5)", 5),
        I("abs(5)", 5),
        I("abs(0)", 0),
        M("abs(-12,50 €)", 1250),
        I("abs(-9223372036854775807)", INT64_MAX),
        I("si(vrai, 1, 2)", 1),
        I("si(faux, 1, 2)", 2),
        T("si(faux, \"a\", \"b\")", "b"),
        T("si(vrai, motif, \"b\")", "energie"),
        M("si(gir <= 2, 100 €, si(gir <= 4, 50 €, 0 €))", 5000),
        M("si(zero > 0, 100 € / zero, 0 €)", 0),
        I("age(personne.date_naissance, date_demande)", 71),
        I("jours_entre(2022-03-01, 2022-03-07)", 6),
        I("jours_entre(2022-03-07, 2022-03-01)", -6),
        I("jours_entre(2020-02-28, 2020-03-01)", 2),
        I("jours_entre(2021-02-28, 2021-03-01)", 1),
        I("jours_entre(0001-01-01, 9999-12-31)", DATE_MAX - DATE_MIN),
        I("mois_entre(2022-01-15, 2022-03-15)", 2),
        I("mois_entre(2022-01-15, 2022-03-14)", 1),
        I("mois_entre(2022-03-15, 2022-01-15)", -2),
        I("mois_entre(2022-03-14, 2022-01-15)", -1),
        I("mois_entre(2022-01-31, 2022-02-28)", 0),
        I("mois_entre(2022-01-31, 2022-03-01)", 1),
        I("mois_entre(2022-01-31, 2022-03-31)", 2),
        I("mois_entre(2020-02-29, 2021-02-28)", 11),
        I("mois_entre(2020-02-29, 2021-03-01)", 12),
        I("mois_entre(2022-03-07, 2022-03-07)", 0),
        I("mois_entre(2021-12-31, 2022-01-31)", 1),
        M("arrondi(12,50 €)", 1300),
        M("arrondi(12,49 €)", 1200),
        M("arrondi(-12,50 €)", -1300),
        M("arrondi(-12,49 €)", -1200),
        M("arrondi(-0,49 €)", 0),
        M("arrondi(0 €)", 0),
        M("arrondi(m_max)", INT64_MAX - 7),
        M("arrondi(100 € / 3)", 3300),
        B("present(gir)", 1),
        B("present(revenu)", 0),
        B("present(vide)", 1),
        B("present(personne.date_naissance)", 1),
    };
    struct case_value fixed[ARRAY_SIZE(cases)];

    memcpy(fixed, cases, sizeof(fixed));
    for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
        if (fixed[i].type == RULES_DATE)
            fixed[i].i = D(2021, 1, 1);
    check_values(fixed, ARRAY_SIZE(fixed));

    static const struct case_value more[] = {
        {"max(2022-03-07, 2021-01-01, date_demande + 1)", RULES_DATE, 0, NULL},
        {"2022-03-07 + 30", RULES_DATE, 0, NULL},
        {"30 + 2022-03-07", RULES_DATE, 0, NULL},
        {"2022-03-07 - 7", RULES_DATE, 0, NULL},
        {"date_max - 1 + 1", RULES_DATE, 0, NULL},
    };
    const int64_t want[] = {D(2022, 3, 8), D(2022, 4, 6), D(2022, 4, 6), D(2022, 2, 28), DATE_MAX};
    memcpy(fixed, more, sizeof(more));
    for (size_t i = 0; i < ARRAY_SIZE(more); i++)
        fixed[i].i = want[i];
    check_values(fixed, ARRAY_SIZE(more));
}

static void test_dans(void **state)
{
    static const struct case_value cases[] = {
        B("motif dans [\"energie\", \"alimentation\"]", 1),
        B("motif dans [\"alimentation\"]", 0),
        B("non (motif dans [\"alimentation\"])", 1),
        B("gir dans [1, 2, 3, 4]", 1),
        B("gir dans [1, 2]", 0),
        B("gir dans [gir]", 1),
        B("gir + 1 dans [4]", 1),
        B("150 € dans [100 €, 150 €]", 1),
        B("date_demande dans [2022-03-07]", 1),
        B("vrai dans [faux, 1 = 1]", 1),
        B("\"électricité\" dans [\"électricité\", \"eau\"]", 1),
        B("\"Energie\" dans [\"energie\"]", 0),
        /* lazy: the match stops before the absent element */
        B("gir dans [3, nb_absent]", 1),
        B("gir dans [1, 2, 3, 4,\n 5]", 1),
    };
    CHECK_VALUES(cases);
}

/* The three rules of the reference documentation, on several people. */
static void test_domain_rules(void **state)
{
    static const char apa[] =
        "age(personne.date_naissance, date_demande) >= 60 et gir >= 1 et gir <= 4";
    static const char faj[] = "age(personne.date_naissance, date_demande) >= 18 et "
                              "age(personne.date_naissance, date_demande) <= 25";
    static const struct {
        const char *rule;
        int y, m, d; /* birth date, request on 2022-03-07 */
        int gir;
        bool want;
    } cases[] = {
        {apa, 1950, 5, 12, 3, true},  {apa, 1962, 3, 7, 4, true},   {apa, 1962, 3, 8, 4, false},
        {apa, 1950, 5, 12, 5, false}, {apa, 1950, 5, 12, 0, false}, {faj, 2004, 3, 7, 0, true},
        {faj, 2004, 3, 8, 0, false},  {faj, 1996, 3, 8, 0, true},   {faj, 1996, 3, 7, 0, false},
    };
    struct env env;
    struct result r;

    env_default(&env);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        env_set(&env, "personne.date_naissance", RULES_DATE,
                rules_value_date(D(cases[i].y, cases[i].m, cases[i].d)));
        env_set(&env, "gir", RULES_INT, rules_value_int(cases[i].gir));
        expect_ok(&env, cases[i].rule, &r);
        assert_int_equal(r.value.type, RULES_BOOL);
        if (r.value.u.b != cases[i].want)
            fail_msg("case %zu: %d", i, r.value.u.b);
    }
    env_default(&env);
    expect_ok(&env, "min(montant_demande, param.plafond)", &r);
    assert_int_equal(r.value.u.i, 30000);
    env_set(&env, "montant_demande", RULES_MONEY, rules_value_money(12050));
    expect_ok(&env, "min(montant_demande, param.plafond)", &r);
    assert_int_equal(r.value.u.i, 12050);
    expect_ok(&env, "motif dans [\"energie\", \"alimentation\"]", &r);
    assert_true(r.value.u.b);
}

static void test_age_leap_years(void **state)
{
    static const struct {
        int y1, m1, d1, y2, m2, d2;
        int64_t years;
    } cases[] = {
        {2000, 2, 29, 2000, 2, 29, 0},  {2000, 2, 29, 2001, 2, 28, 0},
        {2000, 2, 29, 2001, 3, 1, 1},   {2000, 2, 29, 2004, 2, 28, 3},
        {2000, 2, 29, 2004, 2, 29, 4},  {2000, 2, 29, 2100, 2, 28, 99},
        {2000, 2, 29, 2100, 3, 1, 100}, {1950, 5, 12, 2010, 5, 11, 59},
        {1950, 5, 12, 2010, 5, 12, 60}, {2004, 3, 1, 2022, 2, 28, 17},
        {2004, 3, 1, 2022, 3, 1, 18},   {2004, 2, 28, 2022, 2, 28, 18},
        {1999, 12, 31, 2000, 1, 1, 0},  {1, 1, 1, 9999, 12, 31, 9998},
        {1900, 2, 28, 1904, 2, 29, 4},  {1996, 2, 29, 2022, 2, 28, 25},
    };
    struct env env;
    struct result r;

    env_default(&env);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        env_set(&env, "personne.date_naissance", RULES_DATE,
                rules_value_date(D(cases[i].y1, cases[i].m1, cases[i].d1)));
        env_set(&env, "date_demande", RULES_DATE,
                rules_value_date(D(cases[i].y2, cases[i].m2, cases[i].d2)));
        expect_ok(&env, "age(personne.date_naissance, date_demande)", &r);
        if (r.value.u.i != cases[i].years)
            fail_msg("case %zu: %" PRId64 ", expected %" PRId64, i, r.value.u.i, cases[i].years);
    }
}

static void test_absent_and_present(void **state)
{
    static const struct case_value cases[] = {
        B("present(revenu) et revenu > 0 €", 0),
        B("non present(revenu) ou revenu > 0 €", 1),
        B("faux et revenu > 0 €", 0),
        B("vrai ou revenu > 0 €", 1),
        M("si(present(revenu), revenu, 0 €)", 0),
        B("present(commentaire)", 0),
        B("present(date_fin) et date_fin > date_demande", 0),
    };
    struct env env;
    struct result r;

    CHECK_VALUES(cases);
    env_default(&env);
    env_set(&env, "revenu", RULES_MONEY, rules_value_money(120000));
    expect_ok(&env, "si(present(revenu), revenu, 0 €)", &r);
    assert_int_equal(r.value.u.i, 120000);
}

/* ---- errors ---- */

struct case_error {
    const char *src;
    enum outcome outcome;
    const char *message; /* a part of the message */
};

static void check_errors(const struct case_error *cases, size_t n)
{
    struct env env;
    struct result r;

    env_default(&env);
    for (size_t k = 0; k < n; k++) {
        run(&env, cases[k].src, &r);
        if (r.outcome != cases[k].outcome)
            fail_msg("%s: outcome %d, expected %d (%s)", cases[k].src, r.outcome, cases[k].outcome,
                     r.e.message);
        if (!strstr(r.e.message, cases[k].message))
            fail_msg("%s: message \"%s\" does not contain \"%s\"", cases[k].src, r.e.message,
                     cases[k].message);
        if (strncmp(r.e.message, "règle \"", strlen("règle \"")) != 0 && r.e.code != ERR_TOO_LARGE)
            fail_msg("%s: message \"%s\" does not name the rule", cases[k].src, r.e.message);
    }
}

#define CHECK_ERRORS(table) check_errors(table, ARRAY_SIZE(table))

#define CE(s, m)                                                                                   \
    {                                                                                              \
        s, COMPILE_ERROR, m                                                                        \
    }
#define EE(s, m)                                                                                   \
    {                                                                                              \
        s, EVAL_ERROR, m                                                                           \
    }

static void test_type_errors(void **state)
{
    static const struct case_error cases[] = {
        CE("1 + vrai", "colonne 3 : l'opérateur + ne s'applique pas à un entier et un booléen"),
        CE("montant_demande + 1", "à un montant et un entier"),
        CE("1 - 150 €", "l'opérateur - ne s'applique pas à un entier et un montant"),
        CE("150 € * 150 €", "l'opérateur * ne s'applique pas à un montant et un montant"),
        CE("1 / 150 €", "l'opérateur / ne s'applique pas à un entier et un montant"),
        CE("150 € / 150 €", "l'opérateur /"),
        CE("date_demande - date_demande", "l'opérateur - ne s'applique pas à une date et une date"),
        CE("date_demande + date_demande", "une date et une date"),
        CE("1 - date_demande", "un entier et une date"),
        CE("date_demande * 2", "l'opérateur *"),
        CE("\"a\" + \"b\"", "un texte et un texte"),
        CE("vrai + vrai", "un booléen et un booléen"),
        CE("-vrai", "l'opérateur - ne s'applique pas à un booléen"),
        CE("- \"a\"", "l'opérateur - ne s'applique pas à un texte"),
        CE("-date_demande", "à une date"),
        CE("non 1", "l'opérateur non s'applique à une condition : « 1 » est un entier"),
        CE("1 et vrai", "colonne 1 : l'opérateur et relie des conditions : « 1 » est un entier"),
        CE("vrai ou gir + 1", "colonne 9 : l'opérateur ou relie des conditions : « gir + 1 »"),
        CE("vrai et vrai et \"x\"", "« \"x\" » est un texte"),
        CE("1 = \"1\"", "l'opérateur = ne s'applique pas à un entier et un texte"),
        CE("150 € = 150", "un montant et un entier"),
        CE("montant_demande > 100", "l'opérateur > ne s'applique pas à un montant et un entier"),
        CE("\"a\" < \"b\"", "l'opérateur < ne s'applique pas à un texte et un texte"),
        CE("vrai <= faux", "l'opérateur <= ne s'applique pas à un booléen et un booléen"),
        CE("motif >= \"a\"", "l'opérateur >="),
        CE("date_demande = \"2022-03-07\"", "une date et un texte"),
        CE("date_demande != 1", "l'opérateur != ne s'applique pas à une date et un entier"),
        CE("gir dans [\"1\"]", "dans : l'élément « \"1\" » est un texte, on attend un entier"),
        CE("motif dans [\"a\", 2]", "l'élément « 2 » est un entier"),
        CE("montant_demande dans [100]", "on attend un montant"),
        CE("min(1, 150 €)",
           "la fonction min attend des arguments de même type : argument 1 : un entier, "
           "argument 2 : un montant"),
        CE("max(1, 2, date_demande)", "argument 3 : une date"),
        CE("min(\"a\", \"b\")",
           "la fonction min attend des entiers, des montants ou des dates, pas un texte"),
        CE("max(vrai, faux)", "pas un booléen"),
        CE("abs(\"a\")", "la fonction abs attend un entier ou un montant en argument 1, pas un "
                         "texte"),
        CE("abs(date_demande)", "pas une date"),
        CE("si(1, 2, 3)", "la fonction si attend une condition (un booléen) en argument 1"),
        CE("si(vrai, 1, \"a\")", "argument 2 : un entier, argument 3 : un texte"),
        CE("si(vrai, 1 €, 1)", "argument 2 : un montant, argument 3 : un entier"),
        CE("age(1, date_demande)", "la fonction age attend une date en argument 1, pas un entier"),
        CE("age(date_demande, \"2022-01-01\")", "une date en argument 2, pas un texte"),
        CE("mois_entre(date_demande, 1)", "la fonction mois_entre attend une date en argument 2"),
        CE("jours_entre(\"a\", date_demande)", "la fonction jours_entre attend une date"),
        CE("arrondi(1)", "la fonction arrondi attend un montant en argument 1, pas un entier"),
        CE("arrondi(date_demande)", "pas une date"),
        CE("present(1)", "la fonction present attend un nom"),
        CE("present(gir + 1)", "la fonction present attend un seul nom"),
        CE("present(abs(gir))", "la fonction present attend un seul nom"),
        CE("present(inconnu)", "nom inconnu « inconnu »"),
        CE("present(gir, age)", "un seul nom"),
        CE("present()", "la fonction present attend un nom"),
    };
    CHECK_ERRORS(cases);
}

static void test_syntax_errors(void **state)
{
    static const struct case_error cases[] = {
        CE("", "colonne 1 : règle vide"),
        CE(" \n\t ", "règle vide"),
        CE("1 +", "colonne 4 : règle incomplète : on attend encore une valeur"),
        CE("(1 + 2", "règle incomplète : on attend encore « ) »"),
        CE("(1 + 2]", "« ] » inattendu : on attend ici « ) »"),
        CE("1 2", "colonne 3 : « 2 » inattendu après une expression complète"),
        CE("gir >= 1 gir <= 4", "« gir » inattendu après une expression complète"),
        CE("1 + 2)", "« ) » inattendu après une expression complète"),
        CE(")", "« ) » inattendu : on attend ici une valeur"),
        CE("1 * * 2", "« * » inattendu : on attend ici une valeur"),
        CE("1 < 2 < 3", "comparaisons enchaînées : « < » suit une autre comparaison"),
        CE("1 = 1 = vrai", "comparaisons enchaînées"),
        CE("gir dans [1] dans [vrai]", "comparaisons enchaînées"),
        CE("gir dans 1", "« 1 » inattendu : on attend ici « [ » (la liste des valeurs)"),
        CE("gir dans", "règle incomplète"),
        CE("gir dans []", "liste vide après dans"),
        CE("gir dans [1,]", "« ] » inattendu : on attend ici une valeur"),
        CE("gir dans [1 2]", "« 2 » inattendu : on attend ici « , » ou « ] »"),
        CE("gir dans [1", "règle incomplète : on attend encore « , » ou « ] »"),
        CE("min(1,)", "« ) » inattendu : on attend ici une valeur"),
        CE("min(1 2)", "« 2 » inattendu : on attend ici « , » ou « ) »"),
        CE("min(1, 2", "on attend encore « , » ou « ) »"),
        CE("min(1)", "la fonction min attend au moins 2 arguments"),
        CE("min()", "la fonction min attend au moins 2 arguments"),
        CE("abs()", "la fonction abs attend 1 argument"),
        CE("abs(1, 2)", "la fonction abs attend 1 argument"),
        CE("si(vrai, 1)", "la fonction si attend 3 arguments"),
        CE("jours_entre(date_demande)", "la fonction jours_entre attend 2 arguments"),
        CE("foo(1)", "colonne 1 : fonction inconnue « foo »"),
        CE("gri >= 1", "colonne 1 : nom inconnu « gri »"),
        CE("Gir >= 1", "nom inconnu « Gir »"),
        CE("ET", "nom inconnu « ET »"),
        CE("1 = non vrai", "« non » inattendu : on attend ici une valeur"),
        CE("1 == 1", "« == » inattendu"),
        CE("1 <> 2", "« <> » inattendu"),
        CE("!vrai", "« ! » inattendu"),
        CE("vrai && vrai", "« & » inattendu"),
        CE("vrai || vrai", "« | » inattendu"),
        CE("'a' = motif", "caractère « ' » inattendu"),
        CE("motif = «energie»", "caractère « « » inattendu"),
        CE("€", "« € » inattendu"),
        CE("€ 150", "« € » inattendu"),
        CE("150.50 €", "nombre décimal « 150.50 » non permis"),
        CE("1.5", "nombre décimal « 1.5 » non permis"),
        CE("3ans", "nombre mal formé « 3ans »"),
        CE("1,505 €", "montant « 1,505 € » : au plus deux décimales"),
        CE("1 000 €", "« 000 € » inattendu après une expression complète"),
        CE("9223372036854775808", "nombre trop grand « 9223372036854775808 »"),
        CE("92233720368547758,08 €", "montant trop grand « 92233720368547758,08 € »"),
        CE("99999999999999999999 €", "montant trop grand"),
        CE("2022-02-30", "colonne 1 : date invalide « 2022-02-30 » : jour invalide : 30"),
        CE("2023-02-29", "29 (2023 n'est pas bissextile"),
        CE("2022-13-01", "date invalide « 2022-13-01 » : mois invalide : 13"),
        CE("0000-01-01", "date invalide « 0000-01-01 » : année hors limites"),
        CE("2022-03-07x", "date mal formée « 2022-03-07x »"),
        CE("2022-03-071", "date mal formée « 2022-03-071 »"),
        CE("param.", "nom mal formé « param. »"),
        CE("param..x", "nom mal formé « param. »"),
        CE("param.1", "nom mal formé"),
        CE("\"abc", "colonne 1 : texte non fermé"),
        CE("motif = \"a\\nb\"", "colonne 11 : séquence d'échappement inconnue dans un texte"),
        CE("\"a\nb\"", "caractère de contrôle 0x0A dans un texte"),
        CE("\"a\tb\"", "caractère de contrôle 0x09 dans un texte"),
        CE("\"a\x7f\"", "caractère de contrôle 0x7F"),
        CE("\"\xc2\x85\"", "caractère de contrôle U+0085 dans un texte"),
        CE("année >= 1", "colonne 4 : caractère « é » inattendu"),
        CE("gir # 1", "caractère « # » inattendu"),
        CE("gir \x01", "caractère de contrôle U+0001 inattendu"),
        CE("gir\xe2\x80\xae", "caractère « U+202E » inattendu"),
        CE("gir \xc3\x97 2", "caractère « × » inattendu"),
        CE("age(personne.date_naissance) >= 60", "colonne 1 : la fonction age attend 2 arguments"),
    };
    CHECK_ERRORS(cases);
}

static void test_malformed_utf8(void **state)
{
    static const struct case_error cases[] = {
        CE("\"\xff\"", "colonne 2 : texte qui n'est pas en UTF-8 valide (octet 0xFF)"),
        CE("motif = \"\xc3\"", "colonne 10 : texte qui n'est pas en UTF-8 valide (octet 0xC3)"),
        CE("\"\xc3\x28\"", "(octet 0xC3)"),
        CE("\"\xc0\xaf\"", "(octet 0xC0)"),         /* overlong '/' */
        CE("\"\xe0\x80\xaf\"", "(octet 0xE0)"),     /* overlong, 3 bytes */
        CE("\"\xed\xa0\x80\"", "(octet 0xED)"),     /* UTF-16 surrogate */
        CE("\"\xf4\x90\x80\x80\"", "(octet 0xF4)"), /* beyond U+10FFFF */
        CE("\"\x80\"", "(octet 0x80)"),             /* stray continuation */
        CE("\"été\xe9\"", "colonne 5 : texte qui n'est pas en UTF-8 valide (octet 0xE9)"),
        CE("gir \xff", "colonne 5 : octet 0xFF inattendu (texte qui n'est pas en UTF-8 valide)"),
        CE("\xc3", "octet 0xC3 inattendu"),
    };
    struct env env;
    struct result r;

    CHECK_ERRORS(cases);
    /* a valid multi-byte text is kept byte for byte */
    env_default(&env);
    expect_ok(&env, "si(vrai, \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\", \"\")", &r);
    assert_int_equal(r.value.u.s.n, strlen("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
    assert_memory_equal(r.text, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", r.value.u.s.n);
    /* a NUL byte is refused, inside a text or not */
    run_n(&env, "gir\0 = 1", 8, &r);
    assert_int_equal(r.outcome, COMPILE_ERROR);
    assert_non_null(strstr(r.e.message, "colonne 4 : caractère nul interdit"));
    run_n(&env, "\"a\0\"", 4, &r);
    assert_int_equal(r.outcome, COMPILE_ERROR);
    assert_non_null(strstr(r.e.message, "caractère de contrôle 0x00 dans un texte"));
}

static void test_eval_errors(void **state)
{
    static const struct case_error cases[] = {
        EE("revenu > 0 €", "colonne 1 : valeur absente pour « revenu »"),
        EE("gir >= 1 et revenu > 0 €", "colonne 13 : valeur absente pour « revenu »"),
        EE("si(vrai, revenu, 0 €)", "valeur absente pour « revenu »"),
        EE("present(revenu) ou revenu > 0 €", "valeur absente pour « revenu »"),
        EE("gir dans [1, nb_absent]", "valeur absente pour « nb_absent »"),
        EE("commentaire = \"\"", "valeur absente pour « commentaire »"),
        EE("age(personne.date_naissance, date_fin)", "valeur absente pour « date_fin »"),
        EE("1 / zero", "colonne 3 : division par zéro (opérateur /)"),
        EE("150 € / zero", "division par zéro (opérateur /)"),
        EE("1 / (gir - 3)", "division par zéro"),
        EE("big + 1", "colonne 5 : dépassement de capacité (opérateur +)"),
        EE("9223372036854775807 + 1", "dépassement de capacité (opérateur +)"),
        EE("small - 1", "dépassement de capacité (opérateur -)"),
        EE("big * 2", "dépassement de capacité (opérateur *)"),
        EE("small * -1", "dépassement de capacité (opérateur *)"),
        EE("-small", "colonne 1 : dépassement de capacité (opérateur -)"),
        EE("abs(small)", "dépassement de capacité (fonction abs)"),
        EE("small / -1", "dépassement de capacité (opérateur /)"),
        EE("m_max + 0,01 €", "dépassement de capacité (opérateur +)"),
        EE("m_max * 2", "dépassement de capacité (opérateur *)"),
        EE("92233720368547758,07 € + 0,01 €", "dépassement de capacité"),
        EE("-m_max - 2 €", "dépassement de capacité (opérateur -)"),
        EE("date_max + 1", "colonne 10 : date hors limites (opérateur +)"),
        EE("0001-01-01 - 1", "date hors limites (opérateur -)"),
        EE("2022-01-01 + 1000000000", "date hors limites (opérateur +)"),
        EE("2022-01-01 + big", "dépassement de capacité (opérateur +)"),
        EE("age(date_demande, personne.date_naissance)",
           "fonction age : la date 12/05/1950 précède la date de naissance 07/03/2022"),
    };
    CHECK_ERRORS(cases);
}

/* Exact messages, hints and codes, as a user sees them. */
static void test_exact_messages(void **state)
{
    struct env env;
    struct result r;

    env_default(&env);
    run(&env, "age(personne.date_naissance) >= 60", &r);
    assert_int_equal(r.e.code, ERR_INVALID);
    assert_string_equal(r.e.message, "règle \"age(personne.date_naissance) >= 60\" : colonne 1 : "
                                     "la fonction age attend 2 arguments");
    assert_string_equal(r.e.detail, "1 argument donné");
    assert_string_equal(r.e.hint, "usage : age(date_naissance, date)");

    run(&env, "montant_demande > 100", &r);
    assert_string_equal(r.e.message, "règle \"montant_demande > 100\" : colonne 17 : l'opérateur "
                                     "> ne s'applique pas à un montant et un entier");
    assert_string_equal(r.e.hint, "écrivez les montants avec le symbole € : 150 € ou 150,50 €");

    run(&env, "date_demande - personne.date_naissance > 365", &r);
    assert_string_equal(r.e.hint, "l'écart entre deux dates se calcule avec jours_entre(d1, d2) "
                                  "ou mois_entre(d1, d2)");

    run(&env, "gir >= 1 et\n  gri <= 4", &r);
    assert_int_equal(r.outcome, COMPILE_ERROR);
    assert_string_equal(r.e.message, "règle \"gir >= 1 et\\x0A  gri <= 4\" : ligne 2, colonne 3 : "
                                     "nom inconnu « gri »");

    run(&env, "motif dans [\"énergie\", 2]", &r);
    assert_string_equal(r.e.message, "règle \"motif dans [\\\"énergie\\\", 2]\" : colonne 24 : "
                                     "dans : l'élément « 2 » est un entier, on attend un texte "
                                     "comme à gauche de dans");

    run(&env, "revenu > 0 €", &r);
    assert_int_equal(r.outcome, EVAL_ERROR);
    assert_int_equal(r.e.code, ERR_INVALID);
    assert_string_equal(r.e.message,
                        "règle \"revenu > 0 €\" : colonne 1 : valeur absente pour « revenu »");
    assert_string_equal(r.e.hint, "renseignez « revenu », ou testez present(revenu) dans la règle");

    run(&env, "1 500 € + 1", &r);
    assert_string_equal(r.e.hint, "les nombres s'écrivent sans séparateur de milliers : 1500 €");
    run(&env,
        "min(1\xE2\x80\xAF"
        "500 €, 2 €)",
        &r);
    assert_string_equal(r.e.hint, "les nombres s'écrivent sans séparateur de milliers : 1500 €");
    run(&env, "gir 1", &r);
    assert_string_equal(r.e.hint, "il manque peut-être un opérateur (et, ou, +, =...), ou une "
                                  "parenthèse est en trop");

    run(&env, "montant_demande / (nb_enfants - 2)", &r);
    assert_string_equal(r.e.message, "règle \"montant_demande / (nb_enfants - 2)\" : colonne 17 : "
                                     "division par zéro (opérateur /)");

    /* a caller that gives a value of another type than it declared */
    env_set(&env, "gir", RULES_INT, rules_value_text("3", 1));
    run(&env, "gir >= 1", &r);
    assert_int_equal(r.outcome, EVAL_ERROR);
    assert_int_equal(r.e.code, ERR_INTERNAL);
    assert_string_equal(r.e.message, "règle \"gir >= 1\" : colonne 1 : la valeur de « gir » est "
                                     "un texte, on attend un entier");
    env_set(&env, "gir", RULES_INT, rules_value_int(3));
    env_set(&env, "date_demande", RULES_DATE, rules_value_date((int64_t)DATE_MAX + 1));
    run(&env, "date_demande > 2022-01-01", &r);
    assert_int_equal(r.e.code, ERR_INTERNAL);
    assert_non_null(strstr(r.e.message, "la valeur de « date_demande » n'est pas une date valide"));
    env_set(&env, "date_demande", RULES_DATE, (struct rules_value){.type = (enum rules_type)42});
    run(&env, "date_demande > 2022-01-01", &r);
    assert_int_equal(r.e.code, ERR_INTERNAL);
    assert_non_null(strstr(r.e.message, "la valeur de « date_demande » est une valeur de type "
                                        "inconnu, on attend une date"));
    env_set(&env, "motif", RULES_TEXT, rules_value_text(NULL, 3));
    run(&env, "motif = \"\"", &r);
    assert_int_equal(r.e.code, ERR_INTERNAL);

    /* a long rule is cut in the message, at a character boundary */
    run(&env, "\"ééééééééééééééééééééééééééééééééééééééééé\" = 1", &r);
    assert_int_equal(r.outcome, COMPILE_ERROR);
    assert_non_null(strstr(r.e.message, "\xE2\x80\xA6\" : colonne 45 : l'opérateur ="));
}

static void test_depth_limit(void **state)
{
    char src[2048];
    struct env env;
    struct result r;
    size_t n;
    int d;

    env_default(&env);
    /* parentheses: RULES_MAX_DEPTH levels pass, one more fails */
    for (int extra = 0; extra <= 1; extra++) {
        d = RULES_MAX_DEPTH + extra;
        n = 0;
        for (int i = 0; i < d; i++)
            src[n++] = '(';
        src[n++] = '1';
        for (int i = 0; i < d; i++)
            src[n++] = ')';
        run_n(&env, src, n, &r);
        assert_int_equal(r.outcome, extra ? COMPILE_ERROR : OK);
        if (extra)
            assert_non_null(strstr(r.e.message, "imbrication trop profonde (au plus 64 niveaux)"));
    }
    /* a chain of unary minus: a tree of height d + 1 */
    for (int extra = 0; extra <= 1; extra++) {
        d = RULES_MAX_DEPTH - 1 + extra;
        n = 0;
        for (int i = 0; i < d; i++)
            src[n++] = '-';
        src[n++] = '1';
        run_n(&env, src, n, &r);
        assert_int_equal(r.outcome, extra ? COMPILE_ERROR : OK);
        if (!extra)
            assert_int_equal(r.value.u.i, d % 2 ? -1 : 1);
    }
    /* a left-deep chain of + of height d + 1 */
    for (int extra = 0; extra <= 1; extra++) {
        d = RULES_MAX_DEPTH - 1 + extra;
        n = 0;
        src[n++] = '1';
        for (int i = 0; i < d; i++) {
            memcpy(src + n, "+1", 2);
            n += 2;
        }
        run_n(&env, src, n, &r);
        assert_int_equal(r.outcome, extra ? COMPILE_ERROR : OK);
        if (!extra)
            assert_int_equal(r.value.u.i, d + 1);
    }
    /* nested calls */
    for (int extra = 0; extra <= 1; extra++) {
        d = RULES_MAX_DEPTH - 1 + extra;
        n = 0;
        for (int i = 0; i < d; i++) {
            memcpy(src + n, "abs(", 4);
            n += 4;
        }
        src[n++] = '1';
        for (int i = 0; i < d; i++)
            src[n++] = ')';
        run_n(&env, src, n, &r);
        assert_int_equal(r.outcome, extra ? COMPILE_ERROR : OK);
    }
    /* a long "et" chain is one node, not a deep tree */
    n = 0;
    for (int i = 0; i < 200; i++) {
        memcpy(src + n, "vrai et ", 8);
        n += 8;
    }
    memcpy(src + n, "faux", 4);
    n += 4;
    run_n(&env, src, n, &r);
    assert_int_equal(r.outcome, OK);
    assert_false(r.value.u.b);
    /* deep nesting of "non" */
    n = 0;
    for (int i = 0; i < 100; i++) {
        memcpy(src + n, "non ", 4);
        n += 4;
    }
    memcpy(src + n, "vrai", 4);
    n += 4;
    run_n(&env, src, n, &r);
    assert_int_equal(r.outcome, COMPILE_ERROR);
    assert_non_null(strstr(r.e.message, "imbrication trop profonde"));
}

static void test_source_limit(void **state)
{
    static char src[RULES_MAX_SOURCE + 2];
    struct env env;
    struct result r;

    env_default(&env);
    /* exactly RULES_MAX_SOURCE bytes: compiles */
    memset(src, ' ', sizeof(src));
    src[0] = '1';
    src[RULES_MAX_SOURCE - 1] = '2';
    src[RULES_MAX_SOURCE / 2] = '+';
    run_n(&env, src, RULES_MAX_SOURCE, &r);
    assert_int_equal(r.outcome, OK);
    assert_int_equal(r.value.u.i, 3);
    /* one more: refused before reading */
    src[RULES_MAX_SOURCE] = ' ';
    run_n(&env, src, RULES_MAX_SOURCE + 1, &r);
    assert_int_equal(r.outcome, COMPILE_ERROR);
    assert_int_equal(r.e.code, ERR_TOO_LARGE);
    assert_non_null(strstr(r.e.message, "règle trop longue : 4097 octets, au plus 4096"));
    /* a long list stays within the limits */
    size_t n = 0;
    memcpy(src, "gir dans [", 10);
    n = 10;
    while (n + 4 < RULES_MAX_SOURCE) {
        memcpy(src + n, "9, ", 3);
        n += 3;
    }
    memcpy(src + n, "3]", 2);
    n += 2;
    run_n(&env, src, n, &r);
    assert_int_equal(r.outcome, OK);
    assert_true(r.value.u.b);
}

/* ---- names, accessors, display ---- */

struct names_seen {
    const char *v[16];
    size_t n;
};

static void on_name(void *ctx, const char *name)
{
    struct names_seen *s = ctx;

    assert_true(s->n < ARRAY_SIZE(s->v));
    s->v[s->n++] = name;
}

static void test_names_and_accessors(void **state)
{
    static const char src[] = "age(personne.date_naissance, date_demande) >= 60 et gir >= 1 et "
                              "gir <= 4 et non present(revenu) et age > 1";
    struct names_seen seen = {{0}, 0};
    struct env env;
    struct arena a;
    struct err e;
    struct rules_expr *x;

    env_default(&env);
    arena_init(&a, 0);
    err_clear(&e);
    x = rules_compile(&a, src, strlen(src), env_type, &env, &e);
    assert_non_null(x);
    assert_int_equal(rules_expr_type(x), RULES_BOOL);
    assert_string_equal(rules_expr_source(x), src);
    rules_names(x, on_name, &seen);
    assert_int_equal(seen.n, 5);
    assert_string_equal(seen.v[0], "personne.date_naissance");
    assert_string_equal(seen.v[1], "date_demande");
    assert_string_equal(seen.v[2], "gir");
    assert_string_equal(seen.v[3], "revenu");
    assert_string_equal(seen.v[4], "age"); /* the name, not the function */

    /* the source is copied: the caller's buffer may go */
    char buf[] = "gir + 1";
    x = rules_compile(&a, buf, strlen(buf), env_type, &env, &e);
    assert_non_null(x);
    memset(buf, 'x', strlen(buf));
    assert_string_equal(rules_expr_source(x), "gir + 1");
    assert_int_equal(rules_expr_type(x), RULES_INT);

    /* no declared names, no values */
    x = rules_compile(&a, "1 + 1", 5, NULL, NULL, &e);
    assert_non_null(x);
    struct rules_value v;
    assert_int_equal(rules_eval(x, NULL, NULL, &v, &e), 0);
    assert_int_equal(v.u.i, 2);
    assert_null(rules_compile(&a, "gir", 3, NULL, NULL, &e));
    assert_non_null(strstr(e.message, "nom inconnu « gir »"));
    x = rules_compile(&a, "present(gir)", 12, env_type, &env, &e);
    assert_int_equal(rules_eval(x, NULL, NULL, &v, &e), 0);
    assert_false(v.u.b);
    x = rules_compile(&a, "gir", 3, env_type, &env, &e);
    assert_int_equal(rules_eval(x, NULL, NULL, &v, &e), -1);
    assert_non_null(strstr(e.message, "valeur absente pour « gir »"));
    /* a NULL error report is allowed */
    assert_null(rules_compile(&a, "1 +", 3, NULL, NULL, NULL));
    arena_release(&a);

    assert_string_equal(rules_type_name(RULES_BOOL), "booléen");
    assert_string_equal(rules_type_name(RULES_INT), "entier");
    assert_string_equal(rules_type_name(RULES_MONEY), "montant");
    assert_string_equal(rules_type_name(RULES_DATE), "date");
    assert_string_equal(rules_type_name(RULES_TEXT), "texte");
    assert_string_equal(rules_type_name(RULES_ABSENT), "absent");
    assert_string_equal(rules_type_name((enum rules_type)99), "inconnu");

    /* more names than the first allocation holds, each reported once */
    static const char many[] = "gir + nb_enfants + zero + age + gir > 0 et montant_demande > "
                               "param.plafond et date_demande > personne.date_naissance et "
                               "motif = \"\" et isole et present(revenu) et nb_enfants > 0";
    arena_init(&a, 0);
    x = rules_compile(&a, many, strlen(many), env_type, &env, &e);
    assert_non_null(x);
    seen.n = 0;
    rules_names(x, on_name, &seen);
    assert_int_equal(seen.n, 11);
    assert_string_equal(seen.v[0], "gir");
    assert_string_equal(seen.v[10], "revenu");
    arena_release(&a);
}

static void test_value_format(void **state)
{
    static const struct {
        struct rules_value v;
        const char *want;
    } cases[] = {
        {{.type = RULES_ABSENT}, "(absent)"},
        {{.type = RULES_BOOL, .u.b = true}, "vrai"},
        {{.type = RULES_BOOL, .u.b = false}, "faux"},
        {{.type = RULES_INT, .u.i = 48137}, "48" FR_THIN_NBSP "137"},
        {{.type = RULES_MONEY, .u.i = 123456}, "1" FR_THIN_NBSP "234,56" FR_NBSP "€"},
        {{.type = RULES_DATE, .u.i = 19058}, "07/03/2022"},
        {{.type = RULES_DATE, .u.i = DATE_MAX + 1}, "(date invalide)"},
        {{.type = RULES_TEXT, .u.s = {"énergie", 8}}, "énergie"},
        {{.type = RULES_TEXT, .u.s = {NULL, 0}}, ""},
        {{.type = (enum rules_type)42}, "(type inconnu)"},
    };
    struct strbuf sb;

    strbuf_init(&sb, 0);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        strbuf_clear(&sb);
        rules_value_format(&sb, &cases[i].v);
        assert_string_equal(sb.buf, cases[i].want);
    }
    strbuf_release(&sb);
}

/* ---- garbage: a seeded soup of tokens and bytes ---- */

static uint64_t rng_next(uint64_t *s)
{
    /* xorshift64*: deterministic, so a failure replays */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

static void test_garbage(void **state)
{
    static const char *const pieces[] = {
        "(",
        ")",
        "[",
        "]",
        ",",
        "+",
        "-",
        "*",
        "/",
        "=",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        " et ",
        " ou ",
        "non ",
        " dans ",
        "vrai",
        "faux",
        "0",
        "1",
        "7",
        "9223372036854775807",
        "150 €",
        "0,05 €",
        "2022-03-07",
        "2000-02-29",
        "\"energie\"",
        "\"é\"",
        "gir",
        "age",
        "revenu",
        "montant_demande",
        "param.plafond",
        "personne.date_naissance",
        "date_demande",
        "motif",
        "isole",
        "nb_absent",
        "big",
        "small",
        "zero",
        "m_max",
        "date_max",
        "min(",
        "max(",
        "abs(",
        "si(",
        "age(",
        "mois_entre(",
        "jours_entre(",
        "arrondi(",
        "present(",
        " ",
        "\xff",
        "\xc3",
        "\"",
        "€",
        ".",
        "\n",
        "\0",
    };
    static const enum outcome outcomes[] = {OK, COMPILE_ERROR, EVAL_ERROR};
    size_t seen[3] = {0, 0, 0};
    uint64_t seed = UINT64_C(0x9E3779B97F4A7C15);
    char src[256];
    struct env env;
    struct result r;

    env_default(&env);
    for (int iter = 0; iter < 30000; iter++) {
        size_t n = 0, count = 1 + rng_next(&seed) % 12;

        for (size_t k = 0; k < count; k++) {
            const char *p = pieces[rng_next(&seed) % ARRAY_SIZE(pieces)];
            size_t len = p[0] ? strlen(p) : 1;

            if (n + len > sizeof(src))
                break;
            memcpy(src + n, p, len);
            n += len;
        }
        /* run_n checks codes, messages and the static type of every result */
        run_n(&env, src, n, &r);
        seen[r.outcome]++;
    }
    /* the soup reaches every outcome */
    for (size_t i = 0; i < ARRAY_SIZE(outcomes); i++)
        assert_true(seen[outcomes[i]] > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precedence),     cmocka_unit_test(test_arithmetic),
        cmocka_unit_test(test_comparisons),    cmocka_unit_test(test_functions),
        cmocka_unit_test(test_dans),           cmocka_unit_test(test_domain_rules),
        cmocka_unit_test(test_age_leap_years), cmocka_unit_test(test_absent_and_present),
        cmocka_unit_test(test_type_errors),    cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_malformed_utf8), cmocka_unit_test(test_eval_errors),
        cmocka_unit_test(test_exact_messages), cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_source_limit),   cmocka_unit_test(test_names_and_accessors),
        cmocka_unit_test(test_value_format),   cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * fuzz_rules.c: libFuzzer target for the rules language.
 *
 * The input is compiled against a fixed set of declared names, one or more
 * of each type, some given and some absent, some at the int64 and calendar
 * extremes. What fails to compile must fill the error; what compiles must
 * keep its source, use only declared names, and evaluate either to a value
 * of exactly its static type or to a filled error; twice the same. It is
 * evaluated again with every value absent, where it may only fail cleanly.
 */
#include "core/compat.h"

#define FUZZ_NAME "fuzz_rules"
#include "fuzz_common.h"

#include "core/date.h"
#include "core/utf8.h"
#include "rules/rules.h"

static const struct var {
    const char *name;
    enum rules_type type;
    struct rules_value value;
} vars[] = {
    {"b", RULES_BOOL, {.type = RULES_BOOL, .u.b = true}},
    {"f", RULES_BOOL, {.type = RULES_BOOL, .u.b = false}},
    {"n", RULES_INT, {.type = RULES_INT, .u.i = 3}},
    {"z", RULES_INT, {.type = RULES_INT, .u.i = 0}},
    {"big", RULES_INT, {.type = RULES_INT, .u.i = INT64_MAX}},
    {"small", RULES_INT, {.type = RULES_INT, .u.i = INT64_MIN}},
    {"m", RULES_MONEY, {.type = RULES_MONEY, .u.i = 15050}},
    {"m_max", RULES_MONEY, {.type = RULES_MONEY, .u.i = INT64_MAX}},
    {"m_min", RULES_MONEY, {.type = RULES_MONEY, .u.i = INT64_MIN}},
    {"d", RULES_DATE, {.type = RULES_DATE, .u.i = 19058}},      /* 2022-03-07 */
    {"d_leap", RULES_DATE, {.type = RULES_DATE, .u.i = 11016}}, /* 2000-02-29 */
    {"d_min", RULES_DATE, {.type = RULES_DATE, .u.i = DATE_MIN}},
    {"d_max", RULES_DATE, {.type = RULES_DATE, .u.i = DATE_MAX}},
    {"t", RULES_TEXT, {.type = RULES_TEXT, .u.s = {"energie", 7}}},
    {"t_vide", RULES_TEXT, {.type = RULES_TEXT, .u.s = {NULL, 0}}},
    {"t_accent", RULES_TEXT, {.type = RULES_TEXT, .u.s = {"\xC3\xA9t\xC3\xA9", 6}}},
    {"gir", RULES_INT, {.type = RULES_INT, .u.i = 2}},
    {"param.plafond", RULES_MONEY, {.type = RULES_MONEY, .u.i = 30000}},
    {"personne.date_naissance", RULES_DATE, {.type = RULES_DATE, .u.i = -7000}},
    {"motif", RULES_TEXT, {.type = RULES_TEXT, .u.s = {"alimentation", 12}}},
    /* declared but not given */
    {"bx", RULES_BOOL, {.type = RULES_ABSENT}},
    {"nx", RULES_INT, {.type = RULES_ABSENT}},
    {"mx", RULES_MONEY, {.type = RULES_ABSENT}},
    {"dx", RULES_DATE, {.type = RULES_ABSENT}},
    {"tx", RULES_TEXT, {.type = RULES_ABSENT}},
};

static const struct var *find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(vars); i++)
        if (strcmp(vars[i].name, name) == 0)
            return &vars[i];
    return NULL;
}

static enum rules_type var_type(void *ctx, const char *name)
{
    const struct var *v = find(name);

    (void)ctx;
    return v ? v->type : RULES_ABSENT;
}

static struct rules_value var_value(void *ctx, const char *name)
{
    const struct var *v = find(name);
    bool all_absent = ctx != NULL;

    /* only declared names may be asked for */
    CHECK(v != NULL);
    return all_absent ? rules_value_absent() : v->value;
}

static void check_name(void *ctx, const char *name)
{
    size_t *count = ctx;

    CHECK(find(name) != NULL);
    (*count)++;
}

static bool same_value(const struct rules_value *a, const struct rules_value *b)
{
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case RULES_ABSENT:
        return true;
    case RULES_BOOL:
        return a->u.b == b->u.b;
    case RULES_TEXT:
        return a->u.s.n == b->u.s.n && (a->u.s.n == 0 || memcmp(a->u.s.p, b->u.s.p, a->u.s.n) == 0);
    default:
        return a->u.i == b->u.i;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int all_absent = 1;
    const char *src = (const char *)data;
    struct rules_value v1, v2, v3;
    struct rules_expr *x;
    struct arena a;
    struct err e, e2;
    struct strbuf sb;
    enum rules_type type;
    size_t names = 0;
    int rc1, rc2, rc3;

    arena_init(&a, 0);
    err_clear(&e);
    x = rules_compile(&a, src, size, var_type, NULL, &e);
    if (!x) {
        CHECK(e.code == ERR_INVALID || e.code == ERR_TOO_LARGE);
        CHECK(e.message[0] != '\0');
        /* whatever the input, the message is text a terminal or JSON can carry */
        CHECK(utf8_valid(e.message, strlen(e.message)));
        CHECK(utf8_valid(e.hint, strlen(e.hint)));
        CHECK(e.code == ERR_TOO_LARGE || strncmp(e.message, "règle \"", 8) == 0);
        arena_release(&a);
        return 0;
    }
    CHECK(e.code == ERR_OK);
    CHECK(size <= RULES_MAX_SOURCE);
    CHECK(strlen(rules_expr_source(x)) == size && memcmp(rules_expr_source(x), src, size) == 0);
    type = rules_expr_type(x);
    CHECK(type >= RULES_BOOL && type <= RULES_TEXT);
    rules_names(x, check_name, &names);

    rc1 = rules_eval(x, var_value, NULL, &v1, &e);
    if (rc1 == 0) {
        CHECK(e.code == ERR_OK);
        if (v1.type != type) {
            fprintf(stderr, "fuzz_rules: value of type %s, expression of type %s\n",
                    rules_type_name(v1.type), rules_type_name(type));
            abort();
        }
        if (type == RULES_DATE)
            CHECK(v1.u.i >= DATE_MIN && v1.u.i <= DATE_MAX);
        strbuf_init(&sb, 0);
        rules_value_format(&sb, &v1);
        CHECK(!strbuf_failed(&sb));
        strbuf_release(&sb);
    } else {
        CHECK(rc1 == -1 && e.code == ERR_INVALID && e.message[0] != '\0');
        CHECK(utf8_valid(e.message, strlen(e.message)));
        CHECK(v1.type == RULES_ABSENT);
    }

    /* evaluation is a function of the expression and the environment */
    err_clear(&e2);
    rc2 = rules_eval(x, var_value, NULL, &v2, &e2);
    CHECK(rc1 == rc2 && same_value(&v1, &v2) && strcmp(e.message, e2.message) == 0);

    /* with nothing given, only names can fail: a rule with none gives the same */
    err_clear(&e2);
    rc3 = rules_eval(x, var_value, &all_absent, &v3, &e2);
    CHECK(rc3 == 0 ? v3.type == type : e2.code == ERR_INVALID && e2.message[0] != '\0');
    if (names == 0)
        CHECK(rc3 == rc1 && same_value(&v1, &v3));
    arena_release(&a);
    return 0;
}

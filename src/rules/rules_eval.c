/*
 * rules_eval.c: evaluating a compiled rule against an environment.
 *
 * The parser fixed each node's type, so the evaluator only checks values: an
 * absent name, a value of another type than declared (a caller's bug), a
 * division by zero, int64 overflow (every operation goes through the
 * compiler's overflow builtins) and dates outside years 1 to 9999. The
 * recursion follows the tree, whose height is at most RULES_MAX_DEPTH.
 * "et", "ou", "si" and "dans" evaluate lazily, so that
 * `present(x) et x > 0` never reads an absent x.
 */
#include "core/compat.h"
#include "core/date.h"
#include "rules/rules_int.h"

struct eval {
    const struct rules_expr *x;
    rules_value_fn values;
    void *ctx;
    struct err *e;
};

static int fail(const struct eval *ev, enum err_code code, const struct rules_node *nd,
                const char *fmt, ...) PRINTF_LIKE(4, 5);

static int fail(const struct eval *ev, enum err_code code, const struct rules_node *nd,
                const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rules_verror_at(ev->e, code, ev->x->src, ev->x->n, nd->pos, fmt, ap);
    va_end(ap);
    return -1;
}

/* "opérateur *" or "fonction abs": what an error is about. */
static const char *what_kind(const struct rules_node *nd)
{
    return nd->op >= RULES_OP_MIN ? "fonction" : "opérateur";
}

static int overflow(const struct eval *ev, const struct rules_node *nd)
{
    fail(ev, ERR_INVALID, nd, "dépassement de capacité (%s %.*s)", what_kind(nd), (int)nd->len,
         ev->x->src + nd->pos);
    return err_hint(ev->e, "vérifiez les valeurs : le résultat dépasse les limites des nombres");
}

static int date_range(const struct eval *ev, const struct rules_node *nd)
{
    fail(ev, ERR_INVALID, nd, "date hors limites (%s %.*s)", what_kind(nd), (int)nd->len,
         ev->x->src + nd->pos);
    return err_detail(ev->e, "les dates vont du 01/01/0001 au 31/12/9999");
}

static struct rules_value typed(enum rules_type type, int64_t i)
{
    struct rules_value v = {.type = type, .u.i = i};
    return v;
}

static struct rules_value lookup(const struct eval *ev, const char *name)
{
    return ev->values ? ev->values(ev->ctx, name) : rules_value_absent();
}

/* The value of a name, checked against its declaration. */
static int eval_name(const struct eval *ev, const struct rules_node *nd, struct rules_value *out)
{
    struct rules_value v = lookup(ev, nd->name);

    if (v.type == RULES_ABSENT) {
        fail(ev, ERR_INVALID, nd, "valeur absente pour « %s »", nd->name);
        return err_hint(ev->e, "renseignez « %s », ou testez present(%s) dans la règle", nd->name,
                        nd->name);
    }
    if (v.type != nd->type)
        return fail(ev, ERR_INTERNAL, nd, "la valeur de « %s » est %s, on attend %s", nd->name,
                    rules_type_article(v.type), rules_type_article(nd->type));
    if (v.type == RULES_DATE && (v.u.i < DATE_MIN || v.u.i > DATE_MAX))
        return fail(ev, ERR_INTERNAL, nd, "la valeur de « %s » n'est pas une date valide",
                    nd->name);
    if (v.type == RULES_TEXT) {
        if (v.u.s.n > 0 && !v.u.s.p)
            return fail(ev, ERR_INTERNAL, nd, "la valeur de « %s » est un texte sans contenu",
                        nd->name);
        if (v.u.s.n == 0)
            v.u.s.p = ""; /* memcmp wants a valid pointer, even for 0 bytes */
    }
    *out = v;
    return 0;
}

static bool values_equal(const struct rules_value *a, const struct rules_value *b)
{
    assert(a->type == b->type);
    switch (a->type) {
    case RULES_BOOL:
        return a->u.b == b->u.b;
    case RULES_TEXT:
        return a->u.s.n == b->u.s.n && memcmp(a->u.s.p, b->u.s.p, a->u.s.n) == 0;
    default:
        return a->u.i == b->u.i;
    }
}

/* a / b rounded half away from zero; b != 0 and not INT64_MIN / -1. */
static int64_t div_round(int64_t a, int64_t b)
{
    int64_t q = a / b, r = a % b;
    uint64_t ur = r < 0 ? -(uint64_t)r : (uint64_t)r;
    uint64_t ub = b < 0 ? -(uint64_t)b : (uint64_t)b;

    /* 2|r| >= |b| without computing 2|r|; |b| >= 2 here, so q +- 1 fits */
    if (r != 0 && ur >= ub - ur)
        q += (a < 0) != (b < 0) ? -1 : 1;
    return q;
}

static int eval(const struct eval *ev, const struct rules_node *nd, struct rules_value *out);

static int eval_arith(const struct eval *ev, const struct rules_node *nd, struct rules_value *out)
{
    struct rules_value a, b;
    int64_t r;
    bool over;

    if (eval(ev, nd->kids[0], &a) < 0 || eval(ev, nd->kids[1], &b) < 0)
        return -1;
    switch (nd->op) {
    case RULES_OP_ADD:
        over = __builtin_add_overflow(a.u.i, b.u.i, &r);
        break;
    case RULES_OP_SUB:
        over = __builtin_sub_overflow(a.u.i, b.u.i, &r);
        break;
    case RULES_OP_MUL:
        over = __builtin_mul_overflow(a.u.i, b.u.i, &r);
        break;
    case RULES_OP_DIV:
        if (b.u.i == 0) {
            fail(ev, ERR_INVALID, nd, "division par zéro (opérateur /)");
            return err_hint(ev->e, "protégez la division : si(n > 0, montant / n, 0 €)");
        }
        over = a.u.i == INT64_MIN && b.u.i == -1;
        if (!over)
            r = a.type == RULES_MONEY ? div_round(a.u.i, b.u.i) : a.u.i / b.u.i;
        break;
    default:
        assert(!"not arithmetic");
        return -1;
    }
    if (over)
        return overflow(ev, nd);
    if (nd->type == RULES_DATE && (r < DATE_MIN || r > DATE_MAX))
        return date_range(ev, nd);
    *out = typed(nd->type, r);
    return 0;
}

static int eval_compare(const struct eval *ev, const struct rules_node *nd, struct rules_value *out)
{
    struct rules_value a, b;
    bool res;

    if (eval(ev, nd->kids[0], &a) < 0 || eval(ev, nd->kids[1], &b) < 0)
        return -1;
    switch (nd->op) {
    case RULES_OP_EQ:
        res = values_equal(&a, &b);
        break;
    case RULES_OP_NE:
        res = !values_equal(&a, &b);
        break;
    case RULES_OP_LT:
        res = a.u.i < b.u.i;
        break;
    case RULES_OP_LE:
        res = a.u.i <= b.u.i;
        break;
    case RULES_OP_GT:
        res = a.u.i > b.u.i;
        break;
    case RULES_OP_GE:
        res = a.u.i >= b.u.i;
        break;
    default:
        assert(!"not a comparison");
        return -1;
    }
    *out = rules_value_bool(res);
    return 0;
}

/* Whole years from birth to day (day >= birth); born 29/02, one is a year older on 01/03. */
static int64_t whole_years(date_t birth, date_t day)
{
    int y1, m1, d1, y2, m2, d2;

    date_to_ymd(birth, &y1, &m1, &d1);
    date_to_ymd(day, &y2, &m2, &d2);
    /*
     * Comparing (month, day) pairs gives the rule: in a year without 29/02,
     * 28/02 is still before the birthday and 01/03 after it.
     */
    return y2 - y1 - (m2 < m1 || (m2 == m1 && d2 < d1));
}

/*
 * Whole months from d1 to d2, negative if d2 is before d1. The monthly
 * anniversary of a 31st in a shorter month falls on the 1st of the next.
 */
static int64_t whole_months(date_t from, date_t to)
{
    int y1, m1, d1, y2, m2, d2;

    if (to < from)
        return -whole_months(to, from);
    date_to_ymd(from, &y1, &m1, &d1);
    date_to_ymd(to, &y2, &m2, &d2);
    return ((int64_t)y2 - y1) * 12 + (m2 - m1) - (d2 < d1);
}

static int eval_dates(const struct eval *ev, const struct rules_node *nd, struct rules_value *out)
{
    struct rules_value a, b;
    char da[DATE_ISO_LEN], db[DATE_ISO_LEN];

    if (eval(ev, nd->kids[0], &a) < 0 || eval(ev, nd->kids[1], &b) < 0)
        return -1;
    /* names and literals are in range, and date arithmetic checks its results */
    assert(a.u.i >= DATE_MIN && a.u.i <= DATE_MAX && b.u.i >= DATE_MIN && b.u.i <= DATE_MAX);
    switch (nd->op) {
    case RULES_OP_AGE:
        if (b.u.i < a.u.i) {
            date_format_fr((date_t)a.u.i, da);
            date_format_fr((date_t)b.u.i, db);
            fail(ev, ERR_INVALID, nd, "fonction age : la date %s précède la date de naissance %s",
                 db, da);
            return err_hint(ev->e, "vérifiez la date de naissance");
        }
        *out = rules_value_int(whole_years((date_t)a.u.i, (date_t)b.u.i));
        return 0;
    case RULES_OP_MONTHS:
        *out = rules_value_int(whole_months((date_t)a.u.i, (date_t)b.u.i));
        return 0;
    case RULES_OP_DAYS:
        *out = rules_value_int(b.u.i - a.u.i);
        return 0;
    default:
        assert(!"not a date function");
        return -1;
    }
}

static int eval_minmax(const struct eval *ev, const struct rules_node *nd, struct rules_value *out)
{
    struct rules_value best, v;

    if (eval(ev, nd->kids[0], &best) < 0)
        return -1;
    for (size_t i = 1; i < nd->nkids; i++) {
        if (eval(ev, nd->kids[i], &v) < 0)
            return -1;
        if (nd->op == RULES_OP_MIN ? v.u.i < best.u.i : v.u.i > best.u.i)
            best = v;
    }
    *out = best;
    return 0;
}

/* To the euro, half away from zero; cannot overflow (INT64_MAX ends in 07 cents). */
static int64_t round_euro(int64_t cents)
{
    int64_t q = cents / 100, r = cents % 100;

    if (r >= 50)
        q++;
    else if (r <= -50)
        q--;
    return q * 100;
}

static int eval(const struct eval *ev, const struct rules_node *nd, struct rules_value *out)
{
    struct rules_value a;
    bool stop;

    switch (nd->op) {
    case RULES_OP_LIT:
        *out = nd->lit;
        return 0;
    case RULES_OP_NAME:
        return eval_name(ev, nd, out);
    case RULES_OP_PRESENT:
        *out = rules_value_bool(lookup(ev, nd->name).type != RULES_ABSENT);
        return 0;
    case RULES_OP_NEG:
    case RULES_OP_ABS:
        if (eval(ev, nd->kids[0], &a) < 0)
            return -1;
        if (nd->op == RULES_OP_NEG || a.u.i < 0) {
            if (a.u.i == INT64_MIN)
                return overflow(ev, nd);
            a.u.i = -a.u.i;
        }
        *out = a;
        return 0;
    case RULES_OP_NOT:
        if (eval(ev, nd->kids[0], &a) < 0)
            return -1;
        *out = rules_value_bool(!a.u.b);
        return 0;
    case RULES_OP_ADD:
    case RULES_OP_SUB:
    case RULES_OP_MUL:
    case RULES_OP_DIV:
        return eval_arith(ev, nd, out);
    case RULES_OP_EQ:
    case RULES_OP_NE:
    case RULES_OP_LT:
    case RULES_OP_LE:
    case RULES_OP_GT:
    case RULES_OP_GE:
        return eval_compare(ev, nd, out);
    case RULES_OP_AND:
    case RULES_OP_OR:
        /* the first false operand of "et", the first true of "ou", decides */
        stop = nd->op == RULES_OP_OR;
        for (size_t i = 0; i < nd->nkids; i++) {
            if (eval(ev, nd->kids[i], &a) < 0)
                return -1;
            if (a.u.b == stop)
                break;
        }
        *out = a;
        return 0;
    case RULES_OP_IN: {
        struct rules_value v;

        if (eval(ev, nd->kids[0], &a) < 0)
            return -1;
        for (size_t i = 1; i < nd->nkids; i++) {
            if (eval(ev, nd->kids[i], &v) < 0)
                return -1;
            if (values_equal(&a, &v)) {
                *out = rules_value_bool(true);
                return 0;
            }
        }
        *out = rules_value_bool(false);
        return 0;
    }
    case RULES_OP_MIN:
    case RULES_OP_MAX:
        return eval_minmax(ev, nd, out);
    case RULES_OP_IF:
        if (eval(ev, nd->kids[0], &a) < 0)
            return -1;
        return eval(ev, nd->kids[a.u.b ? 1 : 2], out);
    case RULES_OP_AGE:
    case RULES_OP_MONTHS:
    case RULES_OP_DAYS:
        return eval_dates(ev, nd, out);
    case RULES_OP_ROUND:
        if (eval(ev, nd->kids[0], &a) < 0)
            return -1;
        *out = rules_value_money(round_euro(a.u.i));
        return 0;
    }
    assert(!"unknown node");
    return -1;
}

int rules_eval(const struct rules_expr *x, rules_value_fn values, void *ctx,
               struct rules_value *out, struct err *e)
{
    struct eval ev = {x, values, ctx, e};
    struct rules_value v;

    *out = rules_value_absent();
    if (eval(&ev, x->root, &v) < 0)
        return -1;
    /* the type checker's promise: a bug here must not reach a decision */
    assert(v.type == x->root->type);
    *out = v;
    return 0;
}

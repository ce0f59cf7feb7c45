/*
 * rules_parse.c: compiling a rule. Recursive descent over the lexer's
 * tokens, one function per precedence level, building the tree in the
 * caller's arena and checking types as each node is built, so that the first
 * mistake is reported where it is, against the names' declared types:
 *
 *   expr    := and ("ou" and)*
 *   and     := not ("et" not)*
 *   not     := "non" not | cmp
 *   cmp     := add [("=" | "!=" | "<" | "<=" | ">" | ">=") add | "dans" list]
 *   add     := mul (("+" | "-") mul)*
 *   mul     := unary (("*" | "/") unary)*
 *   unary   := "-" unary | primary
 *   primary := literal | name | function "(" [expr ("," expr)*] ")" | "(" expr ")"
 *   list    := "[" expr ("," expr)* "]"
 *
 * Comparisons do not chain (a < b < c is an error, not a surprise). Chains
 * of "et" / "ou" become one n-ary node, so long conjunctions stay shallow.
 * Depth is bounded twice by RULES_MAX_DEPTH: the parser's nesting (so the C
 * stack is bounded) and each node's height (so the evaluator's recursion is).
 */
#include "core/compat.h"
#include "rules/rules_int.h"

struct parser {
    struct rules_lexer lx;
    struct rules_token tok; /* current token */
    rules_type_fn types;
    void *ctx;
    struct arena *a;
    struct err *e;
    int depth;
    const char **names;
    size_t nnames, capnames;
};

/* A growing array of nodes in the arena (old copies are simply left there). */
struct kids {
    struct rules_node **v;
    size_t n, cap;
};

static const struct func {
    const char *name;
    enum rules_op op;
    size_t min, max; /* number of arguments; max 0: no limit */
    const char *usage;
} funcs[] = {
    {"min", RULES_OP_MIN, 2, 0, "min(a, b, ...)"},
    {"max", RULES_OP_MAX, 2, 0, "max(a, b, ...)"},
    {"abs", RULES_OP_ABS, 1, 1, "abs(x)"},
    {"si", RULES_OP_IF, 3, 3, "si(condition, valeur_si_vrai, valeur_si_faux)"},
    {"age", RULES_OP_AGE, 2, 2, "age(date_naissance, date)"},
    {"mois_entre", RULES_OP_MONTHS, 2, 2, "mois_entre(date_debut, date_fin)"},
    {"jours_entre", RULES_OP_DAYS, 2, 2, "jours_entre(date_debut, date_fin)"},
    {"arrondi", RULES_OP_ROUND, 1, 1, "arrondi(montant)"},
    {"present", RULES_OP_PRESENT, 1, 1, "present(nom)"},
};

#define HINT_EURO "écrivez les montants avec le symbole € : 150 € ou 150,50 €"

static struct rules_node *parse_or(struct parser *p);

static struct rules_node *fail(struct parser *p, size_t pos, const char *hint, const char *fmt, ...)
    PRINTF_LIKE(4, 5);

static struct rules_node *fail(struct parser *p, size_t pos, const char *hint, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rules_verror_at(p->e, ERR_INVALID, p->lx.src, p->lx.n, pos, fmt, ap);
    va_end(ap);
    if (hint)
        err_hint(p->e, "%s", hint);
    return NULL;
}

static bool advance(struct parser *p)
{
    return rules_lex_next(&p->lx, &p->tok, p->e) == 0;
}

/*
 * A number right after a number: "1 500 €" written with a thousands
 * separator, as French typography does.
 */
static bool thousands_slip(const struct parser *p)
{
    const unsigned char *s = (const unsigned char *)p->lx.src;
    size_t i = p->tok.pos;

    if (p->tok.kind != RULES_T_INT && p->tok.kind != RULES_T_MONEY)
        return false;
    while (i > 0) {
        if (s[i - 1] == ' ')
            i--;
        else if (i >= 2 && s[i - 1] == 0xA0 && s[i - 2] == 0xC2)
            i -= 2; /* U+00A0 */
        else if (i >= 3 && s[i - 1] == 0xAF && s[i - 2] == 0x80 && s[i - 3] == 0xE2)
            i -= 3; /* U+202F */
        else
            break;
    }
    return i < p->tok.pos && i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9';
}

#define HINT_THOUSANDS "les nombres s'écrivent sans séparateur de milliers : 1500 €"

/* The current token is not what the grammar allows here. */
static struct rules_node *unexpected(struct parser *p, const char *wanted, const char *hint)
{
    char shown[RULES_SHOW_MAX];

    if (p->tok.kind == RULES_T_EOF)
        return fail(p, p->tok.pos, hint, "règle incomplète : on attend encore %s", wanted);
    if (p->tok.kind == RULES_T_NOT && !hint)
        hint = "mettez la négation entre parenthèses : (non a)";
    if (thousands_slip(p))
        hint = HINT_THOUSANDS;
    rules_show(shown, p->lx.src + p->tok.pos, p->tok.len);
    return fail(p, p->tok.pos, hint, "« %s » inattendu : on attend ici %s", shown, wanted);
}

static struct rules_node *too_deep(struct parser *p, size_t pos)
{
    err_detail(p->e, "au plus %d niveaux de parenthèses, d'appels et d'opérations enchaînées",
               RULES_MAX_DEPTH);
    return fail(p, pos, "simplifiez la règle, ou découpez-la en plusieurs règles",
                "imbrication trop profonde (au plus %d niveaux)", RULES_MAX_DEPTH);
}

static bool enter(struct parser *p, size_t pos)
{
    if (++p->depth > RULES_MAX_DEPTH) {
        too_deep(p, pos);
        return false;
    }
    return true;
}

static void leave(struct parser *p)
{
    assert(p->depth > 0);
    p->depth--;
}

static void kids_push(struct parser *p, struct kids *k, struct rules_node *x)
{
    if (k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 4;
        struct rules_node **v = arena_calloc(p->a, cap, sizeof(*v));

        if (k->n)
            memcpy(v, k->v, k->n * sizeof(*v));
        k->v = v;
        k->cap = cap;
    }
    k->v[k->n++] = x;
}

/* A node at token at, spanning its kids; NULL if it makes the tree too high. */
static struct rules_node *node_new(struct parser *p, enum rules_op op, enum rules_type type,
                                   const struct rules_token *at, struct rules_node **kids,
                                   size_t nkids)
{
    struct rules_node *x = arena_alloc(p->a, sizeof(*x));

    assert(type > RULES_ABSENT && type <= RULES_TEXT);
    x->op = op;
    x->type = type;
    x->pos = x->start = at->pos;
    x->len = at->len;
    x->end = at->pos + at->len;
    x->kids = kids;
    x->nkids = nkids;
    x->height = 1;
    for (size_t i = 0; i < nkids; i++) {
        if (kids[i]->height + 1 > x->height)
            x->height = kids[i]->height + 1;
        if (kids[i]->start < x->start)
            x->start = kids[i]->start;
        if (kids[i]->end > x->end)
            x->end = kids[i]->end;
    }
    if (x->height > RULES_MAX_DEPTH)
        return too_deep(p, x->pos);
    return x;
}

static struct rules_node *node2(struct parser *p, enum rules_op op, enum rules_type type,
                                const struct rules_token *at, struct rules_node *l,
                                struct rules_node *r)
{
    struct rules_node **k = arena_calloc(p->a, r ? 2 : 1, sizeof(*k));

    k[0] = l;
    if (r)
        k[1] = r;
    return node_new(p, op, type, at, k, r ? 2 : 1);
}

static bool is_number(enum rules_type t)
{
    return t == RULES_INT || t == RULES_MONEY;
}

static bool is_ordered(enum rules_type t)
{
    return t == RULES_INT || t == RULES_MONEY || t == RULES_DATE;
}

static bool money_and_int(enum rules_type a, enum rules_type b)
{
    return (a == RULES_MONEY && b == RULES_INT) || (a == RULES_INT && b == RULES_MONEY);
}

/* The source text of a node, made printable. */
static void show_node(struct parser *p, const struct rules_node *x, char out[RULES_SHOW_MAX])
{
    rules_show(out, p->lx.src + x->start, x->end - x->start);
}

/* ---- names and literals ---- */

/* Remember a name the rule uses; returns the one copy kept for it. */
static const char *name_intern(struct parser *p, const char *s, size_t n)
{
    for (size_t i = 0; i < p->nnames; i++)
        if (strlen(p->names[i]) == n && memcmp(p->names[i], s, n) == 0)
            return p->names[i];
    if (p->nnames == p->capnames) {
        size_t cap = p->capnames ? p->capnames * 2 : 8;
        const char **v = arena_calloc(p->a, cap, sizeof(*v));

        if (p->nnames)
            memcpy(v, p->names, p->nnames * sizeof(*v));
        p->names = v;
        p->capnames = cap;
    }
    return p->names[p->nnames++] = arena_strndup(p->a, s, n);
}

/* The declared type of the name token t, or NULL with "nom inconnu". */
static const char *name_lookup(struct parser *p, const struct rules_token *t, enum rules_type *type)
{
    char *name = arena_strndup(p->a, p->lx.src + t->pos, t->len);
    int ty = p->types ? (int)p->types(p->ctx, name) : (int)RULES_ABSENT;

    if (ty <= (int)RULES_ABSENT || ty > (int)RULES_TEXT) {
        fail(p, t->pos,
             "vérifiez l'orthographe : une règle n'utilise que les faits et les paramètres "
             "déclarés du dispositif",
             "nom inconnu « %s »", name);
        return NULL;
    }
    *type = (enum rules_type)ty;
    return name_intern(p, name, t->len);
}

static struct rules_node *parse_name(struct parser *p, const struct rules_token *t)
{
    enum rules_type type;
    const char *name = name_lookup(p, t, &type);
    struct rules_node *x;

    if (!name)
        return NULL;
    x = node_new(p, RULES_OP_NAME, type, t, NULL, 0);
    if (x)
        x->name = name;
    return x;
}

static struct rules_node *literal(struct parser *p, struct rules_value v)
{
    struct rules_node *x = node_new(p, RULES_OP_LIT, v.type, &p->tok, NULL, 0);

    x->lit = v;
    return advance(p) ? x : NULL;
}

/* ---- function calls ---- */

static struct rules_node *parse_present(struct parser *p, const struct func *f,
                                        const struct rules_token *fname)
{
    static const char hint[] = "exemple : present(personne.date_naissance)";
    struct rules_token arg;
    enum rules_type type;
    const char *name;
    struct rules_node *x;

    if (!enter(p, p->tok.pos) || !advance(p))
        return NULL;
    if (p->tok.kind != RULES_T_NAME)
        return fail(p, p->tok.pos, hint, "la fonction present attend un nom");
    arg = p->tok;
    if (!advance(p))
        return NULL;
    if (p->tok.kind != RULES_T_RPAREN)
        return fail(p, p->tok.pos, hint, "la fonction present attend un seul nom, sans calcul");
    if (!(name = name_lookup(p, &arg, &type)))
        return NULL;
    leave(p);
    x = node_new(p, f->op, RULES_BOOL, fname, NULL, 0);
    x->name = name;
    x->end = p->tok.pos + 1;
    return advance(p) ? x : NULL;
}

static struct rules_node *arg_error(struct parser *p, const struct func *f, size_t i,
                                    const struct rules_node *x, const char *wanted)
{
    return fail(p, x->start, f->usage, "la fonction %s attend %s en argument %zu, pas %s", f->name,
                wanted, i + 1, rules_type_article(x->type));
}

/* Two arguments that must have the same type (min, max, si). */
static struct rules_node *arg_mismatch(struct parser *p, const struct func *f,
                                       struct rules_node **args, size_t i, size_t j)
{
    return fail(p, args[j]->start,
                money_and_int(args[i]->type, args[j]->type) ? HINT_EURO : f->usage,
                "la fonction %s attend des arguments de même type : argument %zu : %s, "
                "argument %zu : %s",
                f->name, i + 1, rules_type_article(args[i]->type), j + 1,
                rules_type_article(args[j]->type));
}

/* The type of f(args), or RULES_ABSENT after filling the error. */
static enum rules_type call_type(struct parser *p, const struct func *f, struct rules_node **args,
                                 size_t n)
{
    switch (f->op) {
    case RULES_OP_MIN:
    case RULES_OP_MAX:
        if (!is_ordered(args[0]->type)) {
            fail(p, args[0]->start, f->usage,
                 "la fonction %s attend des entiers, des montants ou des dates, pas %s", f->name,
                 rules_type_article(args[0]->type));
            return RULES_ABSENT;
        }
        for (size_t i = 1; i < n; i++)
            if (args[i]->type != args[0]->type) {
                arg_mismatch(p, f, args, 0, i);
                return RULES_ABSENT;
            }
        return args[0]->type;
    case RULES_OP_ABS:
        if (!is_number(args[0]->type)) {
            arg_error(p, f, 0, args[0], "un entier ou un montant");
            return RULES_ABSENT;
        }
        return args[0]->type;
    case RULES_OP_IF:
        if (args[0]->type != RULES_BOOL) {
            arg_error(p, f, 0, args[0], "une condition (un booléen)");
            return RULES_ABSENT;
        }
        if (args[1]->type != args[2]->type) {
            arg_mismatch(p, f, args, 1, 2);
            return RULES_ABSENT;
        }
        return args[1]->type;
    case RULES_OP_AGE:
    case RULES_OP_MONTHS:
    case RULES_OP_DAYS:
        for (size_t i = 0; i < n; i++)
            if (args[i]->type != RULES_DATE) {
                arg_error(p, f, i, args[i], "une date");
                return RULES_ABSENT;
            }
        return RULES_INT;
    case RULES_OP_ROUND:
        if (args[0]->type != RULES_MONEY) {
            arg_error(p, f, 0, args[0], "un montant");
            return RULES_ABSENT;
        }
        return RULES_MONEY;
    default:
        break;
    }
    assert(!"not a function");
    return RULES_ABSENT;
}

static struct rules_node *parse_call(struct parser *p, const struct rules_token *fname)
{
    const char *s = p->lx.src + fname->pos;
    const struct func *f = NULL;
    struct kids args = {0};
    enum rules_type type;
    struct rules_node *x;

    for (size_t i = 0; i < ARRAY_SIZE(funcs); i++)
        if (strlen(funcs[i].name) == fname->len && memcmp(funcs[i].name, s, fname->len) == 0)
            f = &funcs[i];
    if (!f)
        return fail(p, fname->pos,
                    "fonctions : min, max, abs, si, age, mois_entre, jours_entre, arrondi, "
                    "present",
                    "fonction inconnue « %.*s »", (int)fname->len, s);
    if (f->op == RULES_OP_PRESENT)
        return parse_present(p, f, fname);
    if (!enter(p, p->tok.pos) || !advance(p))
        return NULL;
    /* f() is a count error below; f(a,) is a syntax error here */
    while (p->tok.kind != RULES_T_RPAREN || args.n > 0) {
        if (!(x = parse_or(p)))
            return NULL;
        kids_push(p, &args, x);
        if (p->tok.kind == RULES_T_RPAREN)
            break;
        if (p->tok.kind != RULES_T_COMMA)
            return unexpected(p, "« , » ou « ) »", f->usage);
        if (!advance(p))
            return NULL;
    }
    leave(p);
    if (args.n < f->min || (f->max && args.n > f->max)) {
        if (f->min == f->max)
            fail(p, fname->pos, NULL, "la fonction %s attend %zu argument%s", f->name, f->min,
                 f->min > 1 ? "s" : "");
        else
            fail(p, fname->pos, NULL, "la fonction %s attend au moins %zu arguments", f->name,
                 f->min);
        err_detail(p->e, "%zu argument%s donné%s", args.n, args.n > 1 ? "s" : "",
                   args.n > 1 ? "s" : "");
        err_hint(p->e, "usage : %s", f->usage);
        return NULL;
    }
    if ((type = call_type(p, f, args.v, args.n)) == RULES_ABSENT)
        return NULL;
    if (!(x = node_new(p, f->op, type, fname, args.v, args.n)))
        return NULL;
    x->end = p->tok.pos + 1;
    return advance(p) ? x : NULL;
}

/* ---- operators, by precedence from the tightest ---- */

static struct rules_node *parse_primary(struct parser *p)
{
    struct rules_token t = p->tok;
    struct rules_node *x;

    switch (t.kind) {
    case RULES_T_INT:
        return literal(p, rules_value_int(t.i));
    case RULES_T_MONEY:
        return literal(p, rules_value_money(t.i));
    case RULES_T_DATE:
        return literal(p, rules_value_date(t.i));
    case RULES_T_TEXT:
        return literal(p, rules_value_text(t.s, t.sn));
    case RULES_T_TRUE:
        return literal(p, rules_value_bool(true));
    case RULES_T_FALSE:
        return literal(p, rules_value_bool(false));
    case RULES_T_LPAREN:
        if (!enter(p, t.pos) || !advance(p) || !(x = parse_or(p)))
            return NULL;
        if (p->tok.kind != RULES_T_RPAREN)
            return unexpected(p, "« ) »", "chaque parenthèse ouverte doit être fermée");
        leave(p);
        /* the parentheses belong to the span shown in messages */
        x->start = t.pos;
        x->end = p->tok.pos + 1;
        return advance(p) ? x : NULL;
    case RULES_T_NAME:
        if (!advance(p))
            return NULL;
        if (p->tok.kind == RULES_T_LPAREN)
            return parse_call(p, &t);
        return parse_name(p, &t);
    default:
        return unexpected(p, "une valeur (nombre, montant, date, texte, nom ou fonction)", NULL);
    }
}

static struct rules_node *parse_unary(struct parser *p)
{
    struct rules_token op = p->tok;
    struct rules_node *x;

    if (op.kind != RULES_T_MINUS)
        return parse_primary(p);
    if (!enter(p, op.pos) || !advance(p) || !(x = parse_unary(p)))
        return NULL;
    leave(p);
    if (!is_number(x->type))
        return fail(p, op.pos, NULL, "l'opérateur - ne s'applique pas à %s",
                    rules_type_article(x->type));
    return node2(p, RULES_OP_NEG, x->type, &op, x, NULL);
}

/* The type of l op r for + - * /, RULES_ABSENT if the combination is refused. */
static enum rules_type arith_type(enum rules_op op, enum rules_type l, enum rules_type r)
{
    switch (op) {
    case RULES_OP_ADD:
        if (l == r && is_number(l))
            return l;
        if ((l == RULES_DATE && r == RULES_INT) || (l == RULES_INT && r == RULES_DATE))
            return RULES_DATE; /* a date plus a number of days */
        break;
    case RULES_OP_SUB:
        if (l == r && is_number(l))
            return l;
        if (l == RULES_DATE && r == RULES_INT)
            return RULES_DATE;
        break;
    case RULES_OP_MUL:
        if (l == RULES_INT && r == RULES_INT)
            return RULES_INT;
        if (money_and_int(l, r))
            return RULES_MONEY;
        break;
    case RULES_OP_DIV:
        if (l == RULES_INT && r == RULES_INT)
            return RULES_INT;
        if (l == RULES_MONEY && r == RULES_INT)
            return RULES_MONEY;
        break;
    default:
        assert(!"not arithmetic");
    }
    return RULES_ABSENT;
}

static const char *arith_hint(enum rules_op op, enum rules_type l, enum rules_type r)
{
    if ((op == RULES_OP_MUL || op == RULES_OP_DIV) && (l == RULES_MONEY || r == RULES_MONEY))
        return "un montant se multiplie ou se divise par un entier : montant * 2, montant / 3";
    if (money_and_int(l, r))
        return HINT_EURO;
    if (l == RULES_DATE && r == RULES_DATE)
        return "l'écart entre deux dates se calcule avec jours_entre(d1, d2) ou "
               "mois_entre(d1, d2)";
    if (l == RULES_DATE || r == RULES_DATE)
        return "on ajoute ou retranche à une date un nombre de jours : date_demande + 30";
    return NULL;
}

static struct rules_node *binary(struct parser *p, const struct rules_token *op, enum rules_op rop,
                                 struct rules_node *l, struct rules_node *r)
{
    enum rules_type type = arith_type(rop, l->type, r->type);

    if (type == RULES_ABSENT)
        return fail(p, op->pos, arith_hint(rop, l->type, r->type),
                    "l'opérateur %.*s ne s'applique pas à %s et %s", (int)op->len,
                    p->lx.src + op->pos, rules_type_article(l->type), rules_type_article(r->type));
    return node2(p, rop, type, op, l, r);
}

static struct rules_node *parse_mul(struct parser *p)
{
    struct rules_node *l = parse_unary(p), *r;

    while (l && (p->tok.kind == RULES_T_STAR || p->tok.kind == RULES_T_SLASH)) {
        struct rules_token op = p->tok;

        if (!advance(p) || !(r = parse_unary(p)))
            return NULL;
        l = binary(p, &op, op.kind == RULES_T_STAR ? RULES_OP_MUL : RULES_OP_DIV, l, r);
    }
    return l;
}

static struct rules_node *parse_add(struct parser *p)
{
    struct rules_node *l = parse_mul(p), *r;

    while (l && (p->tok.kind == RULES_T_PLUS || p->tok.kind == RULES_T_MINUS)) {
        struct rules_token op = p->tok;

        if (!advance(p) || !(r = parse_mul(p)))
            return NULL;
        l = binary(p, &op, op.kind == RULES_T_PLUS ? RULES_OP_ADD : RULES_OP_SUB, l, r);
    }
    return l;
}

static bool cmp_op(enum rules_tok kind, enum rules_op *op)
{
    switch (kind) {
    case RULES_T_EQ:
        *op = RULES_OP_EQ;
        return true;
    case RULES_T_NE:
        *op = RULES_OP_NE;
        return true;
    case RULES_T_LT:
        *op = RULES_OP_LT;
        return true;
    case RULES_T_LE:
        *op = RULES_OP_LE;
        return true;
    case RULES_T_GT:
        *op = RULES_OP_GT;
        return true;
    case RULES_T_GE:
        *op = RULES_OP_GE;
        return true;
    default:
        return false;
    }
}

static struct rules_node *compare(struct parser *p, const struct rules_token *op, enum rules_op rop,
                                  struct rules_node *l, struct rules_node *r)
{
    const char *hint = NULL;
    bool ordering = rop != RULES_OP_EQ && rop != RULES_OP_NE;

    if (l->type == r->type && (!ordering || is_ordered(l->type)))
        return node2(p, rop, RULES_BOOL, op, l, r);
    if (money_and_int(l->type, r->type))
        hint = HINT_EURO;
    else if ((l->type == RULES_DATE && r->type == RULES_TEXT) ||
             (l->type == RULES_TEXT && r->type == RULES_DATE))
        hint = "une date s'écrit sans guillemets : 2022-03-07";
    else if (ordering && l->type == r->type)
        hint = "< <= > >= comparent des entiers, des montants ou des dates";
    return fail(p, op->pos, hint, "l'opérateur %.*s ne s'applique pas à %s et %s", (int)op->len,
                p->lx.src + op->pos, rules_type_article(l->type), rules_type_article(r->type));
}

/* l dans [a, b, ...]: every element has l's type. */
static struct rules_node *parse_in(struct parser *p, struct rules_node *l)
{
    struct rules_token op = p->tok;
    struct kids k = {0};
    struct rules_node *x;
    char shown[RULES_SHOW_MAX];

    if (!advance(p))
        return NULL;
    if (p->tok.kind != RULES_T_LBRACKET)
        return unexpected(p, "« [ » (la liste des valeurs)", "exemple : motif dans [\"energie\"]");
    if (!enter(p, p->tok.pos) || !advance(p))
        return NULL;
    if (p->tok.kind == RULES_T_RBRACKET)
        return fail(p, p->tok.pos, NULL, "liste vide après dans");
    kids_push(p, &k, l);
    for (;;) {
        if (!(x = parse_or(p)))
            return NULL;
        if (x->type != l->type) {
            show_node(p, x, shown);
            return fail(p, x->start, l->type == RULES_MONEY ? HINT_EURO : NULL,
                        "dans : l'élément « %s » est %s, on attend %s comme à gauche de dans",
                        shown, rules_type_article(x->type), rules_type_article(l->type));
        }
        kids_push(p, &k, x);
        if (p->tok.kind == RULES_T_COMMA) {
            if (!advance(p))
                return NULL;
            continue;
        }
        if (p->tok.kind == RULES_T_RBRACKET)
            break;
        return unexpected(p, "« , » ou « ] »", NULL);
    }
    leave(p);
    if (!(x = node_new(p, RULES_OP_IN, RULES_BOOL, &op, k.v, k.n)))
        return NULL;
    x->end = p->tok.pos + 1;
    return advance(p) ? x : NULL;
}

static struct rules_node *parse_cmp(struct parser *p)
{
    struct rules_node *l = parse_add(p), *r;
    enum rules_op rop;

    if (!l)
        return NULL;
    if (cmp_op(p->tok.kind, &rop)) {
        struct rules_token op = p->tok;

        if (!advance(p) || !(r = parse_add(p)) || !(l = compare(p, &op, rop, l, r)))
            return NULL;
    } else if (p->tok.kind == RULES_T_IN) {
        if (!(l = parse_in(p, l)))
            return NULL;
    } else {
        return l;
    }
    if (cmp_op(p->tok.kind, &rop) || p->tok.kind == RULES_T_IN) {
        char shown[RULES_SHOW_MAX];

        rules_show(shown, p->lx.src + p->tok.pos, p->tok.len);
        return fail(p, p->tok.pos, "reliez deux comparaisons par et : 18 <= age et age <= 25",
                    "comparaisons enchaînées : « %s » suit une autre comparaison", shown);
    }
    return l;
}

static struct rules_node *parse_not(struct parser *p)
{
    struct rules_token op = p->tok;
    struct rules_node *x;
    char shown[RULES_SHOW_MAX];

    if (op.kind != RULES_T_NOT)
        return parse_cmp(p);
    if (!enter(p, op.pos) || !advance(p) || !(x = parse_not(p)))
        return NULL;
    leave(p);
    if (x->type != RULES_BOOL) {
        show_node(p, x, shown);
        return fail(p, op.pos, NULL, "l'opérateur non s'applique à une condition : « %s » est %s",
                    shown, rules_type_article(x->type));
    }
    return node2(p, RULES_OP_NOT, RULES_BOOL, &op, x, NULL);
}

static bool bool_operand(struct parser *p, const struct rules_token *op, const struct rules_node *x)
{
    char shown[RULES_SHOW_MAX];

    if (x->type == RULES_BOOL)
        return true;
    show_node(p, x, shown);
    fail(p, x->start, NULL, "l'opérateur %.*s relie des conditions : « %s » est %s", (int)op->len,
         p->lx.src + op->pos, shown, rules_type_article(x->type));
    return false;
}

/* a et b et c (or ou): one n-ary node. */
static struct rules_node *parse_chain(struct parser *p, enum rules_tok kind, enum rules_op rop,
                                      struct rules_node *(*sub)(struct parser *))
{
    struct rules_node *x = sub(p);
    struct rules_token first;
    struct kids k = {0};

    if (!x || p->tok.kind != kind)
        return x;
    first = p->tok;
    if (!bool_operand(p, &first, x))
        return NULL;
    kids_push(p, &k, x);
    while (p->tok.kind == kind) {
        struct rules_token op = p->tok;

        if (!advance(p) || !(x = sub(p)) || !bool_operand(p, &op, x))
            return NULL;
        kids_push(p, &k, x);
    }
    return node_new(p, rop, RULES_BOOL, &first, k.v, k.n);
}

static struct rules_node *parse_and(struct parser *p)
{
    return parse_chain(p, RULES_T_AND, RULES_OP_AND, parse_not);
}

static struct rules_node *parse_or(struct parser *p)
{
    return parse_chain(p, RULES_T_OR, RULES_OP_OR, parse_and);
}

struct rules_expr *rules_compile(struct arena *a, const char *src, size_t n, rules_type_fn types,
                                 void *ctx, struct err *e)
{
    struct parser p;
    struct rules_expr *x;
    struct rules_node *root;
    char shown[RULES_SHOW_MAX];
    char *copy;

    assert(a && (src || n == 0));
    if (n > RULES_MAX_SOURCE) {
        rules_show(shown, src, n);
        err_set(e, ERR_TOO_LARGE, "règle trop longue : %zu octets, au plus %d (« %s »)", n,
                RULES_MAX_SOURCE, shown);
        err_hint(e, "découpez la condition en plusieurs règles");
        return NULL;
    }
    /* our own copy: the tree points into it, and it is rules_expr_source */
    copy = arena_alloc(a, n + 1);
    if (n)
        memcpy(copy, src, n);
    copy[n] = '\0';
    memset(&p, 0, sizeof(p));
    rules_lex_init(&p.lx, copy, n, a);
    p.types = types;
    p.ctx = ctx;
    p.a = a;
    p.e = e;
    if (!advance(&p))
        return NULL;
    if (p.tok.kind == RULES_T_EOF) {
        fail(&p, 0, "écrivez une condition, par exemple age >= 60", "règle vide");
        return NULL;
    }
    if (!(root = parse_or(&p)))
        return NULL;
    if (p.tok.kind != RULES_T_EOF) {
        rules_show(shown, copy + p.tok.pos, p.tok.len);
        fail(&p, p.tok.pos,
             thousands_slip(&p) ? HINT_THOUSANDS
                                : "il manque peut-être un opérateur (et, ou, +, =...), ou une "
                                  "parenthèse est en trop",
             "« %s » inattendu après une expression complète", shown);
        return NULL;
    }
    assert(p.depth == 0);
    x = arena_alloc(a, sizeof(*x));
    x->src = copy;
    x->n = n;
    x->root = root;
    x->names = p.names;
    x->nnames = p.nnames;
    return x;
}

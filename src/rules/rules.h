/*
 * rules.h: a small, safe expression language for the catalogue's eligibility
 * conditions and amounts (after OpenFisca's "rules as code", but tiny).
 *
 * An expression is compiled once, at catalogue load, against declared names
 * and their types (so a typo or a type error is reported at start-up, never
 * at decision time), then evaluated many times against an environment.
 * Evaluation cannot loop, allocate without bound, or touch anything but the
 * environment: no I/O, no recursion in the language, bounded depth.
 *
 * Syntax (full reference in docs/RULES.md):
 *   literals      12   -3   150,00 €   150 €   "texte"   vrai   faux
 *                 2022-03-07 (a date literal: 4 digits, '-', 2, '-', 2)
 *   names         age   gir   montant_demande   param.plafond   personne.date_naissance
 *   operators     + - * /   = != < <= > >=   et ou non   (...)
 *                 x dans ["a", "b"]
 *   functions     min(a, b, ...)  max(a, b, ...)  abs(x)  si(c, a, b)
 *                 age(date_naissance, date)  (whole years)
 *                 mois_entre(d1, d2)  jours_entre(d1, d2)
 *                 arrondi(montant)    (to the euro, half away from zero)
 * Types: booleen, entier, montant (int64 cents), date (days), texte. Money
 * times or divided by an integer is money (division rounds half away from
 * zero); money plus money is money; integer division truncates; division by
 * zero is an evaluation error. A missing value (NULL, an optional fact not
 * given) is "absent": any operation on it is an evaluation error naming it,
 * except `present(name)`.
 */
#ifndef PROXIMA_RULES_RULES_H
#define PROXIMA_RULES_RULES_H

#include "core/compat.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/strbuf.h"

enum rules_type {
    RULES_ABSENT = 0,
    RULES_BOOL,
    RULES_INT,
    RULES_MONEY, /* int64 cents */
    RULES_DATE,  /* date_t days since 1970-01-01 */
    RULES_TEXT,
};

struct rules_value {
    enum rules_type type;
    union {
        bool b;
        int64_t i; /* RULES_INT, RULES_MONEY (cents), RULES_DATE (days) */
        struct {
            const char *p; /* not necessarily NUL-terminated */
            size_t n;
        } s;
    } u;
};

/* French name of a type ("montant", "date"...), for messages. */
const char *rules_type_name(enum rules_type t);

/*
 * Declared names: at compile time, the type of each name the expression may
 * use. Returns the type, or RULES_ABSENT when the name is unknown (a compile
 * error naming it).
 */
typedef enum rules_type (*rules_type_fn)(void *ctx, const char *name);

/* At evaluation time, the value of a name (RULES_ABSENT when not given). */
typedef struct rules_value (*rules_value_fn)(void *ctx, const char *name);

struct rules_expr; /* compiled, immutable, lives in the arena given to compile */

#define RULES_MAX_SOURCE 4096
#define RULES_MAX_DEPTH 64

/*
 * Compile src[0..n) in arena a. types/ctx declare the names. Errors (syntax,
 * unknown name, type mismatch, too deep) give a French message with the
 * column and the offending token, e.g.
 *   « règle "age(personne.date_naissance) >= 60" : colonne 5 : la fonction
 *     age attend 2 arguments ».
 */
struct rules_expr *rules_compile(struct arena *a, const char *src, size_t n,
                                 rules_type_fn types, void *ctx, struct err *e);

/* The static type of a compiled expression. */
enum rules_type rules_expr_type(const struct rules_expr *x);

/* The source text (NUL-terminated copy), for messages and the annexes. */
const char *rules_expr_source(const struct rules_expr *x);

/*
 * Evaluate against values/ctx. Errors: absent value used, division by zero,
 * overflow (every int64 operation is checked), with a French message naming
 * the name or operator.
 */
int rules_eval(const struct rules_expr *x, rules_value_fn values, void *ctx,
               struct rules_value *out, struct err *e);

/*
 * Call fn for every name the expression uses (once each), e.g. to list the
 * facts a rule depends on in the methodology annex.
 */
void rules_names(const struct rules_expr *x, void (*fn)(void *ctx, const char *name),
                 void *ctx);

/*
 * Added with the implementation (rules_parse.c, rules_eval.c):
 *
 * - types may be NULL (then every name is unknown) and values may be NULL
 *   (then every name is absent).
 * - A texte result of rules_eval points either into the compiled expression
 *   or into a value returned by values(): it is valid while both are.
 * - Compile errors are ERR_INVALID, except a source longer than
 *   RULES_MAX_SOURCE (ERR_TOO_LARGE). Evaluation errors are ERR_INVALID,
 *   except a value from values() of another type than declared, or a date
 *   outside DATE_MIN..DATE_MAX (ERR_INTERNAL: a bug of the caller).
 */

/* Constructors for the values a rules_value_fn returns. */
static inline struct rules_value rules_value_absent(void)
{
    struct rules_value v = {.type = RULES_ABSENT};
    return v;
}

static inline struct rules_value rules_value_bool(bool b)
{
    struct rules_value v = {.type = RULES_BOOL, .u.b = b};
    return v;
}

static inline struct rules_value rules_value_int(int64_t i)
{
    struct rules_value v = {.type = RULES_INT, .u.i = i};
    return v;
}

static inline struct rules_value rules_value_money(int64_t cents)
{
    struct rules_value v = {.type = RULES_MONEY, .u.i = cents};
    return v;
}

static inline struct rules_value rules_value_date(int64_t day)
{
    struct rules_value v = {.type = RULES_DATE, .u.i = day};
    return v;
}

/* p[0..n) must outlive the evaluation (it is not copied). */
static inline struct rules_value rules_value_text(const char *p, size_t n)
{
    struct rules_value v = {.type = RULES_TEXT, .u.s = {p, n}};
    return v;
}

/*
 * French display of a value, for the annexes and messages: "vrai", "48 137",
 * "1 234,56 €", "07/03/2022", the text as is, "(absent)".
 */
void rules_value_format(struct strbuf *sb, const struct rules_value *v);

#endif

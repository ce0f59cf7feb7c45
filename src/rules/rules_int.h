/*
 * rules_int.h: private to src/rules/. The token and tree types shared by the
 * lexer (rules_lex.c), the parser and type checker (rules_parse.c), the
 * evaluator (rules_eval.c) and the message helpers (rules.c).
 *
 * The tree is built once in the caller's arena and never changes; every node
 * carries its static type, so the evaluator trusts the combination of its
 * operands' types and only checks values (absent, zero, overflow, range).
 */
#ifndef PROXIMA_RULES_RULES_INT_H
#define PROXIMA_RULES_RULES_INT_H

#include "core/compat.h"
#include "rules/rules.h"

/* ---- tokens (rules_lex.c) ---- */

enum rules_tok {
    RULES_T_EOF = 0,
    RULES_T_INT,   /* .i */
    RULES_T_MONEY, /* .i cents */
    RULES_T_DATE,  /* .i days */
    RULES_T_TEXT,  /* .s/.sn, unescaped, in the arena */
    RULES_T_NAME,  /* the source bytes pos..pos+len */
    RULES_T_TRUE,
    RULES_T_FALSE,
    RULES_T_AND,
    RULES_T_OR,
    RULES_T_NOT,
    RULES_T_IN,
    RULES_T_LPAREN,
    RULES_T_RPAREN,
    RULES_T_LBRACKET,
    RULES_T_RBRACKET,
    RULES_T_COMMA,
    RULES_T_PLUS,
    RULES_T_MINUS,
    RULES_T_STAR,
    RULES_T_SLASH,
    RULES_T_EQ,
    RULES_T_NE,
    RULES_T_LT,
    RULES_T_LE,
    RULES_T_GT,
    RULES_T_GE,
};

struct rules_token {
    enum rules_tok kind;
    size_t pos; /* byte offset in the source */
    size_t len; /* bytes of source text */
    int64_t i;
    const char *s;
    size_t sn;
};

struct rules_lexer {
    const char *src;
    size_t n;
    size_t pos; /* next byte to read */
    struct arena *a;
};

void rules_lex_init(struct rules_lexer *lx, const char *src, size_t n, struct arena *a);

/*
 * The next token into t; at the end, RULES_T_EOF with pos == n. On a lexical
 * error (stray character, bad literal, malformed UTF-8 in a text) fills e
 * with the column and returns -1.
 */
int rules_lex_next(struct rules_lexer *lx, struct rules_token *t, struct err *e);

/* ---- tree ---- */

enum rules_op {
    RULES_OP_LIT,
    RULES_OP_NAME,
    RULES_OP_PRESENT, /* present(name): never reads the value's content */
    RULES_OP_NEG,
    RULES_OP_NOT,
    RULES_OP_ADD,
    RULES_OP_SUB,
    RULES_OP_MUL,
    RULES_OP_DIV,
    RULES_OP_EQ,
    RULES_OP_NE,
    RULES_OP_LT,
    RULES_OP_LE,
    RULES_OP_GT,
    RULES_OP_GE,
    RULES_OP_AND, /* n-ary, short-circuit */
    RULES_OP_OR,  /* n-ary, short-circuit */
    RULES_OP_IN,  /* kids[0] dans [kids[1..n)] */
    RULES_OP_MIN,
    RULES_OP_MAX,
    RULES_OP_ABS,
    RULES_OP_IF, /* only the chosen branch is evaluated */
    RULES_OP_AGE,
    RULES_OP_MONTHS,
    RULES_OP_DAYS,
    RULES_OP_ROUND,
};

struct rules_node {
    enum rules_op op;
    enum rules_type type;   /* static type, never RULES_ABSENT */
    size_t pos, len;        /* the operator, function, name or literal token */
    size_t start, end;      /* the whole subexpression, for messages */
    int height;             /* 1 for a leaf; at most RULES_MAX_DEPTH */
    struct rules_value lit; /* RULES_OP_LIT */
    const char *name;       /* RULES_OP_NAME, RULES_OP_PRESENT */
    struct rules_node **kids;
    size_t nkids;
};

struct rules_expr {
    const char *src; /* NUL-terminated copy */
    size_t n;
    struct rules_node *root;
    const char **names; /* distinct, in order of first use */
    size_t nnames;
};

/* ---- messages (rules.c) ---- */

/*
 * Fill e with « règle "<src>" : [ligne L, ]colonne C : <message> », C
 * counted in characters from 1 at byte pos. Returns -1.
 */
int rules_verror_at(struct err *e, enum err_code code, const char *src, size_t n, size_t pos,
                    const char *fmt, va_list ap) PRINTF_LIKE(6, 0);

/* "un montant", "une date"...: the type with its article, for messages. */
const char *rules_type_article(enum rules_type t);

#define RULES_SHOW_MAX 64 /* size of a buffer for rules_show */

/*
 * s[0..n) made safe to print between « »: control characters, malformed
 * bytes and invisible format characters as \xNN / U+XXXX, cut with "…"
 * past about 40 bytes. out has RULES_SHOW_MAX bytes.
 */
void rules_show(char out[RULES_SHOW_MAX], const char *s, size_t n);

#endif

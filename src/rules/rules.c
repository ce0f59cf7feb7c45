/*
 * rules.c: what the rules language shares between compiling and evaluating:
 * type names, the one shape of its error messages (rule, line, column,
 * message), safe display of source tokens, and the accessors of a compiled
 * expression. The lexer, parser and evaluator are in rules_lex.c,
 * rules_parse.c and rules_eval.c.
 */
#include "core/compat.h"
#include "core/date.h"
#include "core/money.h"
#include "core/utf8.h"
#include "rules/rules_int.h"

const char *rules_type_name(enum rules_type t)
{
    switch (t) {
    case RULES_ABSENT:
        return "absent";
    case RULES_BOOL:
        return "booléen";
    case RULES_INT:
        return "entier";
    case RULES_MONEY:
        return "montant";
    case RULES_DATE:
        return "date";
    case RULES_TEXT:
        return "texte";
    }
    /* a value from outside (a callback's garbage) must still print */
    return "inconnu";
}

const char *rules_type_article(enum rules_type t)
{
    switch (t) {
    case RULES_ABSENT:
        return "une valeur absente";
    case RULES_BOOL:
        return "un booléen";
    case RULES_INT:
        return "un entier";
    case RULES_MONEY:
        return "un montant";
    case RULES_DATE:
        return "une date";
    case RULES_TEXT:
        return "un texte";
    }
    return "une valeur de type inconnu";
}

/* Zero-width and bidi controls: printed raw they would hide or reorder text. */
static bool is_invisible(int32_t cp)
{
    return cp == 0xAD || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB) ||
           (cp >= 0xE0000 && cp <= 0xE007F);
}

#define SHOW_CUT 40

void rules_show(char out[RULES_SHOW_MAX], const char *s, size_t n)
{
    size_t o = 0, pos = 0;

    while (pos < n) {
        size_t at = pos;
        int32_t cp = utf8_decode(s, n, &pos);
        char piece[16];
        size_t k;

        if (cp < 0x20 || cp == 0x7F) {
            /* control character, or a malformed byte (pos moved by one) */
            k = (size_t)snprintf(piece, sizeof(piece), "\\x%02X", (unsigned char)s[at]);
            pos = at + 1;
        } else if ((cp >= 0x80 && cp <= 0x9F) || is_invisible(cp)) {
            k = (size_t)snprintf(piece, sizeof(piece), "U+%04X", (unsigned)cp);
        } else {
            k = pos - at;
            memcpy(piece, s + at, k);
        }
        if (o + k > SHOW_CUT) {
            memcpy(out + o, "\xE2\x80\xA6", 3); /* U+2026 */
            o += 3;
            break;
        }
        memcpy(out + o, piece, k);
        o += k;
    }
    assert(o < RULES_SHOW_MAX);
    out[o] = '\0';
}

int rules_verror_at(struct err *e, enum err_code code, const char *src, size_t n, size_t pos,
                    const char *fmt, va_list ap)
{
    struct strbuf sb;
    size_t line = 1, col = 1;
    bool multiline = n > 0 && memchr(src, '\n', n) != NULL;

    if (!e)
        return -1;
    assert(pos <= n);
    for (size_t i = 0; i < pos; i++) {
        if (src[i] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)src[i] & 0xC0) != 0x80) {
            col++; /* count characters, not bytes: "é" is one column */
        }
    }
    strbuf_init(&sb, ERR_MESSAGE_MAX - 1);
    strbuf_addstr(&sb, "règle ");
    utf8_quote(&sb, src, n);
    if (multiline)
        strbuf_addf(&sb, " : ligne %zu, colonne %zu : ", line, col);
    else
        strbuf_addf(&sb, " : colonne %zu : ", col);
    strbuf_vaddf(&sb, fmt, ap);
    if (strbuf_failed(&sb)) {
        /* a cut message is still worth showing, but not with half a character */
        size_t next = 0, end = 0;

        while (next < sb.len && utf8_decode(sb.buf, sb.len, &next) >= 0)
            end = next;
        sb.buf[end] = '\0';
    }
    err_set(e, code, "%s", sb.buf);
    strbuf_release(&sb);
    return -1;
}

enum rules_type rules_expr_type(const struct rules_expr *x)
{
    return x->root->type;
}

const char *rules_expr_source(const struct rules_expr *x)
{
    return x->src;
}

void rules_names(const struct rules_expr *x, void (*fn)(void *ctx, const char *name), void *ctx)
{
    for (size_t i = 0; i < x->nnames; i++)
        fn(ctx, x->names[i]);
}

void rules_value_format(struct strbuf *sb, const struct rules_value *v)
{
    char day[DATE_ISO_LEN];

    switch (v->type) {
    case RULES_ABSENT:
        strbuf_addstr(sb, "(absent)");
        return;
    case RULES_BOOL:
        strbuf_addstr(sb, v->u.b ? "vrai" : "faux");
        return;
    case RULES_INT:
        num_format_int(sb, v->u.i);
        return;
    case RULES_MONEY:
        money_format(sb, v->u.i);
        return;
    case RULES_DATE:
        if (v->u.i < DATE_MIN || v->u.i > DATE_MAX) {
            strbuf_addstr(sb, "(date invalide)");
            return;
        }
        date_format_fr((date_t)v->u.i, day);
        strbuf_addstr(sb, day);
        return;
    case RULES_TEXT:
        if (v->u.s.n > 0)
            strbuf_add(sb, v->u.s.p, v->u.s.n);
        return;
    }
    strbuf_addstr(sb, "(type inconnu)");
}

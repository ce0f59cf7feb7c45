/*
 * rules_lex.c: the lexer of the rules language, a length-bounded cursor over
 * the source that yields one token at a time.
 *
 * It checks what it reads, so that the parser only sees clean tokens and
 * each mistake is reported at its own column: dates that exist, amounts with
 * at most two decimals, integers that fit an int64, texts in well-formed
 * UTF-8 without control characters, names in ASCII. The usual slips of
 * people who know other languages ("==", "&&", '…', 150.50) get a hint.
 */
#include "core/compat.h"
#include "core/date.h"
#include "core/strbuf.h"
#include "core/utf8.h"
#include "rules/rules_int.h"

#define EURO "\xE2\x82\xAC" /* U+20AC */

static const struct {
    const char *word;
    enum rules_tok kind;
} keywords[] = {
    {"et", RULES_T_AND},    {"ou", RULES_T_OR},      {"non", RULES_T_NOT},
    {"vrai", RULES_T_TRUE}, {"faux", RULES_T_FALSE}, {"dans", RULES_T_IN},
};

void rules_lex_init(struct rules_lexer *lx, const char *src, size_t n, struct arena *a)
{
    lx->src = src;
    lx->n = n;
    lx->pos = 0;
    lx->a = a;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c)
{
    return is_name_start(c) || is_digit(c);
}

/*
 * Bytes of the blank at s[i], 0 if none. The no-break spaces of French
 * typography count: "150 €" is often pasted with U+00A0 or U+202F.
 */
static size_t blank_len(const char *s, size_t n, size_t i)
{
    const unsigned char *u = (const unsigned char *)s;

    if (u[i] == ' ' || u[i] == '\t' || u[i] == '\n' || u[i] == '\r')
        return 1;
    if (u[i] == 0xC2 && n - i >= 2 && u[i + 1] == 0xA0)
        return 2;
    if (u[i] == 0xE2 && n - i >= 3 && u[i + 1] == 0x80 && u[i + 2] == 0xAF)
        return 3;
    return 0;
}

static size_t skip_blanks(const char *s, size_t n, size_t i)
{
    size_t k;

    while (i < n && (k = blank_len(s, n, i)) > 0)
        i += k;
    return i;
}

static bool euro_at(const char *s, size_t n, size_t i)
{
    return i <= n && n - i >= 3 && memcmp(s + i, EURO, 3) == 0;
}

/* Error at byte pos, with an optional hint. Returns -1. */
static int lex_fail(const struct rules_lexer *lx, struct err *e, size_t pos, const char *hint,
                    const char *fmt, ...) PRINTF_LIKE(5, 6);

static int lex_fail(const struct rules_lexer *lx, struct err *e, size_t pos, const char *hint,
                    const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rules_verror_at(e, ERR_INVALID, lx->src, lx->n, pos, fmt, ap);
    va_end(ap);
    if (hint)
        err_hint(e, "%s", hint);
    return -1;
}

static int finish(struct rules_lexer *lx, struct rules_token *t, enum rules_tok kind, size_t end)
{
    t->kind = kind;
    t->len = end - t->pos;
    lx->pos = end;
    return 0;
}

/* A date literal at s[t->pos .. t->pos + 10), shape already checked. */
static int lex_date(struct rules_lexer *lx, struct rules_token *t, struct err *e)
{
    const char *s = lx->src;
    size_t p = t->pos, end = p + 10;
    char shown[RULES_SHOW_MAX];
    struct err de;
    date_t d;

    if (end < lx->n && is_name_char(s[end])) {
        while (end < lx->n && is_name_char(s[end]))
            end++;
        rules_show(shown, s + p, end - p);
        return lex_fail(lx, e, p, "une date s'écrit AAAA-MM-JJ, par exemple 2022-03-07",
                        "date mal formée « %s »", shown);
    }
    err_clear(&de);
    if (date_parse_iso(s + p, 10, &d, &de) < 0)
        return lex_fail(lx, e, p, "une date s'écrit AAAA-MM-JJ, par exemple 2022-03-07",
                        "date invalide « %.10s » : %s", s + p,
                        de.detail[0] ? de.detail : de.message);
    t->i = d;
    return finish(lx, t, RULES_T_DATE, end);
}

/*
 * A money literal: euros at [t->pos, int_end), cents digits at
 * (int_end, dec_end) when dec_end > int_end, the token ends after "€" at end.
 */
static int lex_money(struct rules_lexer *lx, struct rules_token *t, struct err *e, size_t int_end,
                     size_t dec_end, size_t end)
{
    const char *s = lx->src;
    size_t p = t->pos, ndec = dec_end > int_end ? dec_end - int_end - 1 : 0;
    int64_t euros, cents = 0;
    char shown[RULES_SHOW_MAX];

    rules_show(shown, s + p, end - p);
    if (ndec > 2)
        return lex_fail(lx, e, p, "un montant s'écrit en euros et centimes : 150,50 €",
                        "montant « %s » : au plus deux décimales", shown);
    if (ndec >= 1)
        cents = (s[int_end + 1] - '0') * 10;
    if (ndec == 2)
        cents += s[int_end + 2] - '0';
    if (parse_int64(s + p, int_end - p, &euros) < 0 || __builtin_mul_overflow(euros, 100, &euros) ||
        __builtin_add_overflow(euros, cents, &t->i))
        return lex_fail(lx, e, p, NULL, "montant trop grand « %s »", shown);
    return finish(lx, t, RULES_T_MONEY, end);
}

/*
 * A number: an integer, an amount ("150 €", "150,50 €") or a date
 * (2022-03-07). A comma after digits belongs to an amount only if "€"
 * follows the decimals: in "min(150,50)" it separates two arguments.
 */
static int lex_number(struct rules_lexer *lx, struct rules_token *t, struct err *e)
{
    const char *s = lx->src;
    size_t n = lx->n, p = t->pos, q = p, r, b;
    char shown[RULES_SHOW_MAX];

    while (q < n && is_digit(s[q]))
        q++;
    if (q - p == 4 && n - q >= 6 && s[q] == '-' && is_digit(s[q + 1]) && is_digit(s[q + 2]) &&
        s[q + 3] == '-' && is_digit(s[q + 4]) && is_digit(s[q + 5]))
        return lex_date(lx, t, e);
    if (q + 1 < n && s[q] == ',' && is_digit(s[q + 1])) {
        r = q + 1;
        while (r < n && is_digit(s[r]))
            r++;
        b = skip_blanks(s, n, r);
        if (euro_at(s, n, b))
            return lex_money(lx, t, e, q, r, b + 3);
    } else {
        b = skip_blanks(s, n, q);
        if (euro_at(s, n, b))
            return lex_money(lx, t, e, q, q, b + 3);
    }
    if (q + 1 < n && s[q] == '.' && is_digit(s[q + 1])) {
        r = q + 1;
        while (r < n && is_digit(s[r]))
            r++;
        rules_show(shown, s + p, r - p);
        return lex_fail(lx, e, p,
                        "les nombres sont entiers ; un montant s'écrit avec une virgule et le "
                        "symbole € : 150,50 €",
                        "nombre décimal « %s » non permis", shown);
    }
    if (q < n && is_name_start(s[q])) {
        r = q;
        while (r < n && is_name_char(s[r]))
            r++;
        rules_show(shown, s + p, r - p);
        return lex_fail(lx, e, p, "un nom commence par une lettre ; séparez le nombre du nom",
                        "nombre mal formé « %s »", shown);
    }
    if (parse_int64(s + p, q - p, &t->i) < 0) {
        rules_show(shown, s + p, q - p);
        return lex_fail(lx, e, p, NULL, "nombre trop grand « %s »", shown);
    }
    return finish(lx, t, RULES_T_INT, q);
}

/* A name (param.plafond: segments joined by single dots) or a keyword. */
static int lex_name(struct rules_lexer *lx, struct rules_token *t, struct err *e)
{
    const char *s = lx->src;
    size_t n = lx->n, p = t->pos, q = p;
    bool dotted = false;

    for (;;) {
        while (q < n && is_name_char(s[q]))
            q++;
        if (q < n && s[q] == '.') {
            if (q + 1 < n && is_name_start(s[q + 1])) {
                dotted = true;
                q++;
                continue;
            }
            char shown[RULES_SHOW_MAX];

            rules_show(shown, s + p, q + 1 - p);
            return lex_fail(
                lx, e, p, "un nom est fait de mots séparés par un point : personne.date_naissance",
                "nom mal formé « %s »", shown);
        }
        break;
    }
    if (!dotted) {
        for (size_t k = 0; k < ARRAY_SIZE(keywords); k++) {
            size_t kl = strlen(keywords[k].word);
            if (kl == q - p && memcmp(keywords[k].word, s + p, kl) == 0)
                return finish(lx, t, keywords[k].kind, q);
        }
    }
    return finish(lx, t, RULES_T_NAME, q);
}

/*
 * A text between double quotes; \" and \\ are the only escapes. Two passes:
 * check and measure, then copy exactly into the arena.
 */
static int lex_text(struct rules_lexer *lx, struct rules_token *t, struct err *e)
{
    const char *s = lx->src;
    size_t n = lx->n, p = t->pos, q = p + 1, len = 0, k;
    char *out;

    for (;;) {
        unsigned char c;

        if (q >= n)
            return lex_fail(lx, e, p, "fermez le texte par un guillemet droit \"",
                            "texte non fermé");
        c = (unsigned char)s[q];
        if (c == '"')
            break;
        if (c == '\\') {
            if (q + 1 < n && (s[q + 1] == '"' || s[q + 1] == '\\')) {
                q += 2;
                len++;
                continue;
            }
            return lex_fail(lx, e, q, "dans un texte, seuls \\\" et \\\\ sont permis",
                            "séquence d'échappement inconnue dans un texte");
        }
        if (c < 0x20 || c == 0x7F)
            return lex_fail(lx, e, q,
                            c == '\n' ? "un texte tient sur une ligne ; fermez-le par \"" : NULL,
                            "caractère de contrôle 0x%02X dans un texte", c);
        if (c < 0x80) {
            q++;
            len++;
            continue;
        }
        k = q;
        int32_t cp = utf8_decode(s, n, &k);
        if (cp < 0)
            return lex_fail(lx, e, q, "enregistrez le fichier en UTF-8",
                            "texte qui n'est pas en UTF-8 valide (octet 0x%02X)", c);
        if (cp <= 0x9F)
            return lex_fail(lx, e, q, NULL, "caractère de contrôle U+%04X dans un texte",
                            (unsigned)cp);
        len += k - q;
        q = k;
    }
    out = arena_alloc(lx->a, len + 1);
    k = 0;
    for (size_t i = p + 1; i < q; i++) {
        if (s[i] == '\\')
            i++;
        out[k++] = s[i];
    }
    assert(k == len);
    out[k] = '\0';
    t->s = out;
    t->sn = len;
    return finish(lx, t, RULES_T_TEXT, q + 1);
}

/* A character that starts no token: say which, and what was probably meant. */
static int lex_stray(struct rules_lexer *lx, struct err *e)
{
    const char *s = lx->src;
    size_t p = lx->pos, k = p;
    unsigned char c = (unsigned char)s[p];
    int32_t cp = utf8_decode(s, lx->n, &k);
    char shown[RULES_SHOW_MAX];

    if (c == '\0')
        return lex_fail(lx, e, p, NULL, "caractère nul interdit");
    if (cp < 0)
        return lex_fail(lx, e, p, "enregistrez le fichier en UTF-8",
                        "octet 0x%02X inattendu (texte qui n'est pas en UTF-8 valide)", c);
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
        return lex_fail(lx, e, p, NULL, "caractère de contrôle U+%04X inattendu", (unsigned)cp);
    rules_show(shown, s + p, k - p);
    if (cp == 0x20AC)
        return lex_fail(lx, e, p, "le symbole € suit le nombre : 150 € ou 150,50 €",
                        "« € » inattendu");
    if (cp == '\'' || cp == 0xAB || cp == 0xBB || (cp >= 0x2018 && cp <= 0x201F))
        return lex_fail(lx, e, p, "un texte s'écrit entre guillemets droits : \"energie\"",
                        "caractère « %s » inattendu", shown);
    if (cp == 0xD7 || cp == 0xF7)
        return lex_fail(lx, e, p, "la multiplication s'écrit *, la division /",
                        "caractère « %s » inattendu", shown);
    if (cp >= 0xC0 && cp <= 0x24F)
        return lex_fail(lx, e, p,
                        "un nom s'écrit sans accents, en lettres a à z, chiffres, _ et . ; les "
                        "accents sont permis dans les textes entre guillemets",
                        "caractère « %s » inattendu", shown);
    return lex_fail(lx, e, p, NULL, "caractère « %s » inattendu", shown);
}

int rules_lex_next(struct rules_lexer *lx, struct rules_token *t, struct err *e)
{
    const char *s = lx->src;
    size_t n = lx->n, p;
    char c, next;

    lx->pos = skip_blanks(s, n, lx->pos);
    p = lx->pos;
    memset(t, 0, sizeof(*t));
    t->pos = p;
    if (p >= n)
        return finish(lx, t, RULES_T_EOF, n);
    c = s[p];
    next = p + 1 < n ? s[p + 1] : '\0';
    if (is_digit(c))
        return lex_number(lx, t, e);
    if (is_name_start(c))
        return lex_name(lx, t, e);
    switch (c) {
    case '"':
        return lex_text(lx, t, e);
    case '(':
        return finish(lx, t, RULES_T_LPAREN, p + 1);
    case ')':
        return finish(lx, t, RULES_T_RPAREN, p + 1);
    case '[':
        return finish(lx, t, RULES_T_LBRACKET, p + 1);
    case ']':
        return finish(lx, t, RULES_T_RBRACKET, p + 1);
    case ',':
        return finish(lx, t, RULES_T_COMMA, p + 1);
    case '+':
        return finish(lx, t, RULES_T_PLUS, p + 1);
    case '-':
        return finish(lx, t, RULES_T_MINUS, p + 1);
    case '*':
        return finish(lx, t, RULES_T_STAR, p + 1);
    case '/':
        return finish(lx, t, RULES_T_SLASH, p + 1);
    case '=':
        if (next == '=')
            return lex_fail(lx, e, p, "l'égalité s'écrit avec un seul signe : gir = 1",
                            "« == » inattendu");
        return finish(lx, t, RULES_T_EQ, p + 1);
    case '!':
        if (next == '=')
            return finish(lx, t, RULES_T_NE, p + 2);
        return lex_fail(lx, e, p, "la négation s'écrit non : non (gir = 1)", "« ! » inattendu");
    case '<':
        if (next == '=')
            return finish(lx, t, RULES_T_LE, p + 2);
        if (next == '>')
            return lex_fail(lx, e, p, "la différence s'écrit != : gir != 1", "« <> » inattendu");
        return finish(lx, t, RULES_T_LT, p + 1);
    case '>':
        if (next == '=')
            return finish(lx, t, RULES_T_GE, p + 2);
        return finish(lx, t, RULES_T_GT, p + 1);
    case '&':
        return lex_fail(lx, e, p, "la conjonction s'écrit et : a et b", "« %c » inattendu", c);
    case '|':
        return lex_fail(lx, e, p, "la disjonction s'écrit ou : a ou b", "« %c » inattendu", c);
    default:
        return lex_stray(lx, e);
    }
}

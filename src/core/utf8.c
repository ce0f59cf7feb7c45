/*
 * utf8.c: strict UTF-8 decoding (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF) and the search key of French names.
 *
 * The key is plain lower-case ASCII for every Latin letter of Latin-1 and
 * Latin Extended-A, so that an agent typing "lievin" on a French keyboard
 * without dead keys, or "SAINT OMER" copied from an old mainframe export,
 * finds "Liévin" and "Saint-Omer". Word separators all become one space so
 * that hyphenation and apostrophe variants (' or U+2019) do not matter.
 */
#include "core/compat.h"
#include "core/utf8.h"

int32_t utf8_decode(const char *s, size_t n, size_t *pos)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = *pos;
    unsigned char b0, lo = 0x80, hi = 0xBF;
    int32_t cp;
    size_t need;

    assert(i < n);
    b0 = p[i];
    if (b0 < 0x80) {
        *pos = i + 1;
        return b0;
    }
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
        cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        cp = b0 & 0x0F;
        if (b0 == 0xE0)
            lo = 0xA0; /* below is an overlong 2-byte form */
        else if (b0 == 0xED)
            hi = 0x9F; /* above are the UTF-16 surrogates */
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        cp = b0 & 0x07;
        if (b0 == 0xF0)
            lo = 0x90; /* overlong 3-byte form */
        else if (b0 == 0xF4)
            hi = 0x8F; /* beyond U+10FFFF */
    } else {
        /* stray continuation byte, C0/C1 (always overlong), F5..FF */
        *pos = i + 1;
        return -1;
    }
    if (n - i - 1 < need) {
        *pos = i + 1;
        return -1;
    }
    for (size_t k = 1; k <= need; k++) {
        unsigned char b = p[i + k];
        /* only the second byte has a narrowed range */
        if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) {
            *pos = i + 1;
            return -1;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    *pos = i + 1 + need;
    return cp;
}

bool utf8_valid(const char *s, size_t n)
{
    size_t pos = 0;

    while (pos < n)
        if (utf8_decode(s, n, &pos) < 0)
            return false;
    return true;
}

void utf8_encode(struct strbuf *sb, int32_t cp)
{
    char b[4];

    if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        strbuf_addch(sb, (char)cp);
        return;
    }
    if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        strbuf_add(sb, b, 2);
        return;
    }
    if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        strbuf_add(sb, b, 3);
        return;
    }
    b[0] = (char)(0xF0 | (cp >> 18));
    b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    b[3] = (char)(0x80 | (cp & 0x3F));
    strbuf_add(sb, b, 4);
}

/*
 * Folded letter of U+00C0..U+017F, one per code point, eight per row.
 * '*' marks a letter that folds to two (handled in fold_latin_pair), '='
 * a symbol kept as is (multiplication and division signs).
 */
#define FOLD_LATIN_FIRST 0xC0
#define FOLD_LATIN_LAST  0x17F
static const char fold_latin[] =
    /* U+00C0 */ "aaaaaa*c"
                 "eeeeiiii"
                 /* U+00D0 */ "dnooooo="
                 "ouuuuy**"
                 /* U+00E0 */ "aaaaaa*c"
                 "eeeeiiii"
                 /* U+00F0 */ "dnooooo="
                 "ouuuuy*y"
                 /* U+0100 */ "aaaaaacc"
                 "ccccccdd"
                 /* U+0110 */ "ddeeeeee"
                 "eeeegggg"
                 /* U+0120 */ "gggghhhh"
                 "iiiiiiii"
                 /* U+0130 */ "ii**jjkk"
                 "klllllll"
                 /* U+0140 */ "lllnnnnn"
                 "nnnnoooo"
                 /* U+0150 */ "oo**rrrr"
                 "rrssssss"
                 /* U+0160 */ "sstttttt"
                 "uuuuuuuu"
                 /* U+0170 */ "uuuuwwyy"
                 "yzzzzzzs";
_Static_assert(sizeof(fold_latin) - 1 == FOLD_LATIN_LAST - FOLD_LATIN_FIRST + 1,
               "one entry per code point of U+00C0..U+017F");

static const char *fold_latin_pair(int32_t cp)
{
    switch (cp) {
    case 0xC6: /* Æ */
    case 0xE6:
        return "ae";
    case 0xDE: /* Þ */
    case 0xFE:
        return "th";
    case 0xDF: /* ß */
        return "ss";
    case 0x132: /* Ĳ */
    case 0x133:
        return "ij";
    case 0x152: /* Œ */
    case 0x153:
        return "oe";
    default:
        assert(!"fold_latin marks a pair that fold_latin_pair does not know");
        return "";
    }
}

enum fold_class {
    FOLD_KEEP, /* copy the code point */
    FOLD_DROP, /* invisible or malformed: as if absent */
    FOLD_SEP,  /* blank, apostrophe or hyphen: a word boundary */
    FOLD_CHAR, /* replaced by the one ASCII byte *text */
    FOLD_TEXT, /* replaced by the ASCII string *text */
};

static enum fold_class fold_classify(int32_t cp, const char **text)
{
    if (cp < 0)
        return FOLD_DROP;
    if (cp < 0x80) {
        if (cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == '\'' || cp == '`' || cp == '-')
            return FOLD_SEP;
        if (cp < 0x20 || cp == 0x7F)
            return FOLD_DROP;
        return FOLD_KEEP; /* ASCII upper case is handled by the caller */
    }
    if (cp >= FOLD_LATIN_FIRST && cp <= FOLD_LATIN_LAST) {
        char c = fold_latin[cp - FOLD_LATIN_FIRST];
        if (c == '=')
            return FOLD_KEEP;
        if (c == '*') {
            *text = fold_latin_pair(cp);
            return FOLD_TEXT;
        }
        *text = &fold_latin[cp - FOLD_LATIN_FIRST];
        return FOLD_CHAR;
    }
    switch (cp) {
    case 0xA0:   /* no-break space */
    case 0xB4:   /* acute accent typed as an apostrophe */
    case 0x2BC:  /* modifier letter apostrophe */
    case 0x1680: /* ogham space mark */
    case 0x2018: /* left single quotation mark */
    case 0x2019: /* right single quotation mark: the French apostrophe */
    case 0x201B:
    case 0x2028: /* line separator */
    case 0x2029: /* paragraph separator */
    case 0x202F: /* narrow no-break space */
    case 0x2032: /* prime */
    case 0x205F:
    case 0x2212: /* minus sign */
    case 0x3000:
        return FOLD_SEP;
    case 0xAD: /* soft hyphen: invisible, not a word boundary */
    case 0x2060:
    case 0xFEFF: /* BOM at the start of Excel CSV files */
        return FOLD_DROP;
    case 0x218: /* Romanian S and T with comma below */
    case 0x219:
        *text = "s";
        return FOLD_TEXT;
    case 0x21A:
    case 0x21B:
        *text = "t";
        return FOLD_TEXT;
    default:
        break;
    }
    if (cp >= 0x80 && cp <= 0x9F) /* C1 controls */
        return FOLD_DROP;
    if (cp >= 0x300 && cp <= 0x36F) /* combining accents of decomposed text */
        return FOLD_DROP;
    if (cp >= 0x2000 && cp <= 0x200A) /* typographic spaces */
        return FOLD_SEP;
    if (cp >= 0x200B && cp <= 0x200F) /* zero-width spaces and marks */
        return FOLD_DROP;
    if (cp >= 0x2010 && cp <= 0x2015) /* hyphens and dashes */
        return FOLD_SEP;
    return FOLD_KEEP;
}

void utf8_fold(struct strbuf *out, const char *s, size_t n)
{
    size_t start = out->len, pos = 0;
    bool pending_sep = false;

    while (pos < n) {
        const char *text = NULL;
        int32_t cp = utf8_decode(s, n, &pos);
        enum fold_class cls = fold_classify(cp, &text);

        if (cls == FOLD_DROP)
            continue;
        if (cls == FOLD_SEP) {
            /* leading separators are dropped, inner runs become one space */
            pending_sep = out->len > start;
            continue;
        }
        if (pending_sep) {
            strbuf_addch(out, ' ');
            pending_sep = false;
        }
        if (cls == FOLD_KEEP) {
            if (cp >= 'A' && cp <= 'Z')
                cp += 'a' - 'A';
            utf8_encode(out, cp);
        } else if (cls == FOLD_CHAR) {
            strbuf_addch(out, text[0]);
        } else {
            strbuf_addstr(out, text);
        }
    }
}

int utf8_fold_cmp(const char *a, const char *b)
{
    struct strbuf fa, fb;
    int r;

    strbuf_init(&fa, 0);
    strbuf_init(&fb, 0);
    utf8_fold(&fa, a, strlen(a));
    utf8_fold(&fb, b, strlen(b));
    /* keys hold no NUL byte, so strcmp sees all of them */
    r = strcmp(fa.buf, fb.buf);
    strbuf_release(&fa);
    strbuf_release(&fb);
    return r;
}

bool utf8_fold_contains(const char *hay, const char *needle)
{
    struct strbuf fh, fn;
    bool found;

    strbuf_init(&fh, 0);
    strbuf_init(&fn, 0);
    utf8_fold(&fh, hay, strlen(hay));
    utf8_fold(&fn, needle, strlen(needle));
    found = strstr(fh.buf, fn.buf) != NULL;
    strbuf_release(&fh);
    strbuf_release(&fn);
    return found;
}

/* Characters that display as nothing, or reorder the display around them. */
static bool is_invisible(int32_t cp)
{
    return cp == 0xAD || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF;
}

static void quote_bytes(struct strbuf *sb, const unsigned char *p, size_t n)
{
    for (size_t k = 0; k < n; k++)
        strbuf_addf(sb, "\\x%02X", p[k]);
}

void utf8_quote(struct strbuf *sb, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t pos = 0;

    strbuf_addch(sb, '"');
    while (pos < n) {
        size_t at = pos;
        int32_t cp = utf8_decode(s, n, &pos);

        if (pos > UTF8_QUOTE_MAX) {
            /* cut before the character that would cross the limit */
            strbuf_addstr(sb, "\xE2\x80\xA6"); /* U+2026 */
            break;
        }
        if (cp == '"' || cp == '\\') {
            strbuf_addch(sb, '\\');
            strbuf_addch(sb, (char)cp);
        } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
            quote_bytes(sb, p + at, pos - at);
        } else if (is_invisible(cp)) {
            strbuf_addf(sb, "\\u%04X", (unsigned)cp);
        } else {
            strbuf_add(sb, s + at, pos - at);
        }
    }
    strbuf_addch(sb, '"');
}

/*
 * test_csv.c: the CSV reader (RFC 4180, dialect detection, errors with line
 * and column), csv_header_map, and the two writer dialects with a round trip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "core/csv.h"

/* Read every record of s, joined as "f1|f2\n" lines; returns the last rc. */
static int read_all(const char *s, size_t n, char sep, struct strbuf *out, struct err *e)
{
    struct csv_reader r;
    int rc;

    csv_reader_init(&r, "t.csv", s, n, sep);
    while ((rc = csv_read_record(&r, e)) == 1) {
        for (size_t i = 0; i < r.nfields; i++) {
            if (i)
                strbuf_addch(out, '|');
            strbuf_add(out, r.fields[i].p, r.fields[i].n);
        }
        strbuf_addch(out, '\n');
    }
    csv_reader_release(&r);
    return rc;
}

static void assert_reads(const char *s, char sep, const char *want)
{
    struct strbuf out;
    struct err e;

    err_clear(&e);
    strbuf_init(&out, 0);
    assert_int_equal(read_all(s, strlen(s), sep, &out, &e), 0);
    assert_string_equal(out.buf, want);
    strbuf_release(&out);
}

/* Read s until the first error and check its message. */
static void assert_read_error(const char *s, size_t n, char sep, enum err_code code,
                              const char *message)
{
    struct strbuf out;
    struct err e;

    err_clear(&e);
    strbuf_init(&out, 0);
    assert_int_equal(read_all(s, n, sep, &out, &e), -1);
    assert_int_equal(e.code, code);
    assert_string_equal(e.message, message);
    assert_true(e.hint[0] != '\0' || e.detail[0] != '\0');
    strbuf_release(&out);
}

static void test_excel_file_with_bom_and_crlf(void **state)
{
    const char *s = "\xEF\xBB\xBF"
                    "code;nom;population\r\n"
                    "62498;Lens;31415\r\n"
                    "62510;Liévin;30000\r\n";
    struct csv_reader r;
    struct err e;

    csv_reader_init(&r, "data/communes.csv", s, strlen(s), 0);
    assert_int_equal(r.sep, ';');
    assert_int_equal(csv_read_record(&r, &e), 1);
    assert_int_equal(r.line, 1);
    assert_int_equal(r.nfields, 3);
    /* the BOM is not part of the first column's name */
    assert_string_equal(csv_field_str(&r, 0), "code");
    assert_string_equal(csv_field_str(&r, 2), "population");
    assert_int_equal(csv_read_record(&r, &e), 1);
    assert_int_equal(r.line, 2);
    assert_string_equal(csv_field_str(&r, 1), "Lens");
    assert_int_equal(csv_read_record(&r, &e), 1);
    assert_int_equal(r.line, 3);
    assert_string_equal(csv_field_str(&r, 1), "Liévin");
    assert_int_equal(r.fields[1].n, strlen("Liévin"));
    assert_int_equal(csv_read_record(&r, &e), 0);
    assert_int_equal(csv_read_record(&r, &e), 0);
    csv_reader_release(&r);
}

static void test_separator_detection(void **state)
{
    struct csv_reader r;

    csv_reader_init(&r, "t", "a,b,c\n1;2;3\n", 12, 0);
    assert_int_equal(r.sep, ',');
    csv_reader_release(&r);
    /* a tie goes to ';' */
    csv_reader_init(&r, "t", "a,b;c\n", 6, 0);
    assert_int_equal(r.sep, ';');
    csv_reader_release(&r);
    /* no separator at all: ';' */
    csv_reader_init(&r, "t", "a\n", 2, 0);
    assert_int_equal(r.sep, ';');
    csv_reader_release(&r);
    /* separators inside quotes do not count */
    csv_reader_init(&r, "t", "\"a,b,c\";d;e\n1,2,3,4,5\n", 22, 0);
    assert_int_equal(r.sep, ';');
    csv_reader_release(&r);
    /* a quoted line break does not end the first line */
    csv_reader_init(&r, "t", "\"x\ny;y;y\",b,c\n", 14, 0);
    assert_int_equal(r.sep, ',');
    csv_reader_release(&r);
    /* leading blank lines and the BOM are skipped */
    csv_reader_init(&r, "t", "\xEF\xBB\xBF\r\n\na,b\n", 10, 0);
    assert_int_equal(r.sep, ',');
    csv_reader_release(&r);
    /* a given separator wins over detection */
    assert_reads("a,b;c\n", ',', "a|b;c\n");
    assert_reads("a,b;c\n", ';', "a,b|c\n");
}

static void test_quoted_fields(void **state)
{
    assert_reads("\"a;b\";\"c\"\"d\";\"\"\n", ';', "a;b|c\"d|\n");
    assert_reads("\"\"\"\"\n", ';', "\"\n");
    assert_reads("\"Saint-Omer, \"\"centre\"\"\",62\n", ',', "Saint-Omer, \"centre\"|62\n");
    /* a quote inside an unquoted field is data */
    assert_reads("ab\"c;d\n", ';', "ab\"c|d\n");
    /* a quoted field at the end without a line break */
    assert_reads("a;\"b\"", ';', "a|b\n");
    assert_reads("a;\"b\"\r", ';', "a|b\n");
}

static void test_empty_fields_and_ends(void **state)
{
    assert_reads("a;;b\n", ';', "a||b\n");
    assert_reads("a;\n", ';', "a|\n");
    assert_reads(";\n", ';', "|\n");
    assert_reads("a;b", ';', "a|b\n");
    assert_reads("", ';', "");
    assert_reads("\xEF\xBB\xBF", 0, "");
    assert_reads("\r\n\n\r\n", ';', "");
    /* a CR that is not followed by LF is data */
    assert_reads("a\rb;c\r\n", ';', "a\rb|c\n");
    /* spaces are kept */
    assert_reads(" a ; b \n", ';', " a | b \n");
}

static void test_blank_lines_and_line_numbers(void **state)
{
    const char *s = "\n\r\nh1;h2\n\n\na;b\r\n\r\nc;d\n\n";
    struct csv_reader r;
    struct err e;

    csv_reader_init(&r, "t", s, strlen(s), ';');
    assert_int_equal(csv_read_record(&r, &e), 1);
    assert_int_equal(r.line, 3);
    assert_string_equal(csv_field_str(&r, 1), "h2");
    assert_int_equal(csv_read_record(&r, &e), 1);
    assert_int_equal(r.line, 6);
    assert_string_equal(csv_field_str(&r, 0), "a");
    assert_int_equal(csv_read_record(&r, &e), 1);
    assert_int_equal(r.line, 8);
    assert_string_equal(csv_field_str(&r, 1), "d");
    assert_int_equal(csv_read_record(&r, &e), 0);
    assert_int_equal(r.next_line, 10);
    csv_reader_release(&r);
}

static void test_embedded_newlines_count_lines(void **state)
{
    const char *s = "id;texte\n"
                    "1;\"ligne un\nligne deux\r\nligne trois\"\n"
                    "2;\"x\"\n"
                    "3;\"a\n\nb\";\"c\nd\"\n"
                    "4;fin\n";
    struct csv_reader r;
    struct err e;

    csv_reader_init(&r, "t", s, strlen(s), 0);
    assert_int_equal(csv_read_record(&r, &e), 1);
    assert_int_equal(csv_read_record(&r, &e), 1);
    assert_int_equal(r.line, 2);
    assert_string_equal(csv_field_str(&r, 1), "ligne un\nligne deux\r\nligne trois");
    assert_int_equal(r.next_line, 5);
    assert_int_equal(csv_read_record(&r, &e), 1);
    assert_int_equal(r.line, 5);
    assert_int_equal(csv_read_record(&r, &e), 1);
    assert_int_equal(r.line, 6);
    assert_int_equal(r.nfields, 3);
    assert_string_equal(csv_field_str(&r, 1), "a\n\nb");
    assert_string_equal(csv_field_str(&r, 2), "c\nd");
    assert_int_equal(csv_read_record(&r, &e), 1);
    assert_int_equal(r.line, 10);
    assert_string_equal(csv_field_str(&r, 1), "fin");
    assert_int_equal(csv_read_record(&r, &e), 0);
    csv_reader_release(&r);
}

static void test_fields_are_nul_terminated_copies(void **state)
{
    const char *s = "abc;\"d\"\"e\";f\n";
    struct csv_reader r;
    struct err e;

    csv_reader_init(&r, "t", s, strlen(s), ';');
    assert_int_equal(csv_read_record(&r, &e), 1);
    for (size_t i = 0; i < r.nfields; i++) {
        assert_int_equal(r.fields[i].p[r.fields[i].n], '\0');
        assert_ptr_equal(csv_field_str(&r, i), r.fields[i].p);
    }
    assert_string_equal(csv_field_str(&r, 1), "d\"e");
    csv_reader_release(&r);
}

static void test_error_unclosed_quote(void **state)
{
    /* the line is the one of the opening quote, the column the field's position */
    char s[256];
    struct strbuf sb;

    strbuf_init(&sb, 0);
    for (int i = 1; i <= 11; i++)
        strbuf_addstr(&sb, "a;b;c\n");
    strbuf_addstr(&sb, "a;b;\"c\nd;e\n");
    assert_true(sb.len < sizeof(s));
    memcpy(s, sb.buf, sb.len + 1);
    strbuf_release(&sb);

    struct csv_reader r;
    struct err e;
    int n = 0, rc;
    csv_reader_init(&r, "data/x.csv", s, strlen(s), ';');
    while ((rc = csv_read_record(&r, &e)) == 1)
        n++;
    assert_int_equal(rc, -1);
    assert_int_equal(n, 11);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.message, "data/x.csv, ligne 12, colonne 3 : guillemet non fermé");
    /* after an error the reader is at the end */
    assert_int_equal(csv_read_record(&r, &e), 0);
    csv_reader_release(&r);

    assert_read_error("\"", 1, ';', ERR_INVALID, "t.csv, ligne 1, colonne 1 : guillemet non fermé");
    assert_read_error("a;\"b\"\"\n", 7, ';', ERR_INVALID,
                      "t.csv, ligne 1, colonne 2 : guillemet non fermé");
}

static void test_error_text_after_quote(void **state)
{
    assert_read_error("\"ab\"c;d\n", 8, ';', ERR_INVALID,
                      "t.csv, ligne 1, colonne 1 : caractère inattendu après un guillemet fermant");
    /* the line is the one where the closing quote stands */
    assert_read_error("h\n1;\"a\nb\" ;c\n", 13, ';', ERR_INVALID,
                      "t.csv, ligne 3, colonne 2 : caractère inattendu après un guillemet fermant");
    /* a field quoted for ',' but the file is read with ';' */
    assert_read_error("\"a\",\"b\"\n", 8, ';', ERR_INVALID,
                      "t.csv, ligne 1, colonne 1 : caractère inattendu après un guillemet fermant");

    struct err e;
    struct strbuf out;
    strbuf_init(&out, 0);
    assert_int_equal(read_all("\"a\",b", 5, ';', &out, &e), -1);
    assert_string_equal(e.detail, "caractère « , » au lieu du séparateur « ; »");
    strbuf_release(&out);
}

static void test_error_too_many_fields(void **state)
{
    struct strbuf sb, out;
    struct err e;

    strbuf_init(&sb, 0);
    strbuf_init(&out, 0);
    /* exactly CSV_MAX_FIELDS is fine */
    for (int i = 1; i < CSV_MAX_FIELDS; i++)
        strbuf_addch(&sb, ';');
    strbuf_addch(&sb, '\n');
    assert_int_equal(read_all(sb.buf, sb.len, ';', &out, &e), 0);
    strbuf_clear(&sb);
    strbuf_addstr(&sb, "ok\n");
    for (int i = 0; i < CSV_MAX_FIELDS; i++)
        strbuf_addch(&sb, ';');
    strbuf_addch(&sb, '\n');
    assert_read_error(sb.buf, sb.len, ';', ERR_TOO_LARGE,
                      "t.csv, ligne 2, colonne 1025 : trop de colonnes");
    strbuf_release(&sb);
    strbuf_release(&out);
}

static void test_error_field_too_long(void **state)
{
    size_t n = CSV_MAX_FIELD_LEN + 10;
    char *s = malloc(n);
    struct strbuf out;
    struct err e;

    assert_non_null(s);
    strbuf_init(&out, 0);
    /* a plain field of exactly the maximum is fine */
    memset(s, 'x', n);
    memcpy(s, "a;", 2);
    s[2 + CSV_MAX_FIELD_LEN] = '\n';
    assert_int_equal(read_all(s, 3 + CSV_MAX_FIELD_LEN, ';', &out, &e), 0);
    memset(s, 'x', n);
    memcpy(s, "a;", 2);
    assert_read_error(s, n, ';', ERR_TOO_LARGE, "t.csv, ligne 1, colonne 2 : champ trop long");
    /* a quoted one: the usual symptom of a forgotten quote */
    memset(s, 'x', n);
    memcpy(s, "h\n\"", 3);
    s[n - 1] = '"';
    assert_read_error(s, n, ';', ERR_TOO_LARGE, "t.csv, ligne 2, colonne 1 : champ trop long");
    free(s);

    /* doubled quotes count once: CSV_MAX_FIELD_LEN quote characters fit */
    n = 2 * (size_t)CSV_MAX_FIELD_LEN + 5;
    s = malloc(n);
    assert_non_null(s);
    memset(s, '"', n);
    s[n - 1] = '\n';
    strbuf_clear(&out);
    assert_int_equal(read_all(s, n - 3, ';', &out, &e), 0);
    assert_int_equal(out.len, CSV_MAX_FIELD_LEN + 1);
    assert_read_error(s, n, ';', ERR_TOO_LARGE, "t.csv, ligne 1, colonne 1 : champ trop long");
    strbuf_release(&out);
    free(s);
}

static void test_error_invalid_utf8(void **state)
{
    static const struct {
        const char *s;
        const char *msg;
    } cases[] = {
        {"a;\xFF\n", "t.csv, ligne 1, colonne 2 : texte qui n'est pas en UTF-8 valide"},
        /* Latin-1 "é", as saved by an old spreadsheet */
        {"nom\nLi\xE9vin\n", "t.csv, ligne 2, colonne 1 : texte qui n'est pas en UTF-8 valide"},
        /* overlong encoding of '/' */
        {"a;b;\xC0\xAF\n", "t.csv, ligne 1, colonne 3 : texte qui n'est pas en UTF-8 valide"},
        /* UTF-16 surrogate U+D800 */
        {"\xED\xA0\x80\n", "t.csv, ligne 1, colonne 1 : texte qui n'est pas en UTF-8 valide"},
        /* over U+10FFFF */
        {"\xF4\x90\x80\x80\n", "t.csv, ligne 1, colonne 1 : texte qui n'est pas en UTF-8 valide"},
        /* truncated sequence at the end of a field */
        {"\xC3;x\n", "t.csv, ligne 1, colonne 1 : texte qui n'est pas en UTF-8 valide"},
        /* inside a quoted field, on its third line */
        {"a;\"x\ny\nz\xFE\"\n", "t.csv, ligne 3, colonne 2 : texte qui n'est pas en UTF-8 valide"},
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
        assert_read_error(cases[i].s, strlen(cases[i].s), ';', ERR_INVALID, cases[i].msg);
    /* valid multi-byte sequences of every length pass */
    assert_reads("é;€;\xF0\x9F\x98\x80;\xEF\xBF\xBD\n", ';', "é|€|\xF0\x9F\x98\x80|\xEF\xBF\xBD\n");

    struct strbuf out;
    struct err e;
    strbuf_init(&out, 0);
    assert_int_equal(read_all("Li\xE9vin", 6, ';', &out, &e), -1);
    assert_string_equal(e.detail, "octet 0xE9 à la position 3 du champ");
    strbuf_release(&out);
}

static void test_error_nul_byte(void **state)
{
    assert_read_error("a;b\0c\n", 6, ';', ERR_INVALID,
                      "t.csv, ligne 1, colonne 2 : caractère nul interdit");
    assert_read_error("a\n\"\n\0\"\n", 7, ';', ERR_INVALID,
                      "t.csv, ligne 3, colonne 1 : caractère nul interdit");
}

static void test_header_map(void **state)
{
    const char *s = "code;nom;population;code_epci\n";
    static const char *const names[] = {"nom", "code", "?surface", "?code_epci"};
    int idx[4];
    struct csv_reader r;
    struct err e;

    csv_reader_init(&r, "data/communes.csv", s, strlen(s), ';');
    assert_int_equal(csv_read_record(&r, &e), 1);
    assert_int_equal(csv_header_map(&r, names, 4, idx, &e), 0);
    assert_int_equal(idx[0], 1);
    assert_int_equal(idx[1], 0);
    assert_int_equal(idx[2], -1);
    assert_int_equal(idx[3], 3);

    static const char *const want[] = {"code", "departement", "nom", "region"};
    err_clear(&e);
    assert_int_equal(csv_header_map(&r, want, 4, idx, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.message,
                        "data/communes.csv, ligne 1 : colonne obligatoire « departement » absente");
    assert_string_equal(e.detail, "colonnes absentes : « departement », « region »");
    assert_true(e.hint[0] != '\0');

    static const char *const one[] = {"nom", "region"};
    assert_int_equal(csv_header_map(&r, one, 2, idx, &e), -1);
    assert_string_equal(e.detail, "colonne absente : « region »");
    csv_reader_release(&r);

    /* names match exactly: no trimming, case matters */
    s = "Code; nom\n";
    static const char *const exact[] = {"code"};
    csv_reader_init(&r, "t", s, strlen(s), ';');
    assert_int_equal(csv_read_record(&r, &e), 1);
    assert_int_equal(csv_header_map(&r, exact, 1, idx, &e), -1);
    csv_reader_release(&r);

    /* a requested column present twice is ambiguous */
    s = "a;b;a\n";
    static const char *const dup[] = {"b", "?a"};
    csv_reader_init(&r, "t", s, strlen(s), ';');
    assert_int_equal(csv_read_record(&r, &e), 1);
    assert_int_equal(csv_header_map(&r, dup, 2, idx, &e), -1);
    assert_string_equal(e.message, "t, ligne 1 : colonne « a » en double");
    assert_string_equal(e.detail, "colonnes 1 et 3");
    /* no column asked: nothing to check */
    assert_int_equal(csv_header_map(&r, dup, 0, idx, &e), 0);
    csv_reader_release(&r);
}

static void test_writer_excel(void **state)
{
    struct strbuf sb;
    struct csv_writer w;

    strbuf_init(&sb, 0);
    csv_writer_init(&w, &sb, CSV_EXCEL);
    assert_int_equal(sb.len, 3);
    csv_write_str(&w, "nom");
    csv_write_str(&w, "montant");
    csv_end_record(&w);
    csv_write_str(&w, "Béthune; centre");
    csv_write_str(&w, "dit \"le beffroi\"");
    csv_write_str(&w, "deux\nlignes");
    csv_write_str(&w, "1234,56");
    csv_write_str(&w, "");
    csv_write_int(&w, -42);
    csv_write_int(&w, INT64_MIN);
    csv_end_record(&w);
    assert_false(strbuf_failed(&sb));
    assert_string_equal(sb.buf, "\xEF\xBB\xBFnom;montant\r\n"
                                "\"Béthune; centre\";\"dit \"\"le beffroi\"\"\";\"deux\nlignes\";"
                                "1234,56;;-42;-9223372036854775808\r\n");
    strbuf_release(&sb);
}

static void test_writer_excel_neutralises_formulas(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"=1+1", "'=1+1"},
        {"+33 3 21 00 00 00", "'+33 3 21 00 00 00"},
        {"-12", "'-12"},
        {"@SUM(A1)", "'@SUM(A1)"},
        {"\tx", "'\tx"},
        {"\rx", "\"'\rx\""},
        {"=HYPERLINK(\"http://x\";\"y\")", "\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\""},
        {"a=b", "a=b"},
        {" =x", " =x"},
        {"'déjà", "'déjà"},
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct strbuf sb;
        struct csv_writer w;
        strbuf_init(&sb, 0);
        csv_writer_init(&w, &sb, CSV_EXCEL);
        csv_write_str(&w, cases[i].in);
        assert_string_equal(sb.buf + 3, cases[i].out);
        strbuf_release(&sb);
    }

    /* numbers stay numbers */
    struct strbuf sb;
    struct csv_writer w;
    strbuf_init(&sb, 0);
    csv_writer_init(&w, &sb, CSV_EXCEL);
    csv_write_int(&w, -1500);
    csv_write_num(&w, "-1234,56", 8);
    csv_write_num(&w, "-0.5", 4);
    csv_write_num(&w, "-=1", 3);    /* not a number: neutralised */
    csv_write_num(&w, "-1,2,3", 6); /* two decimal marks: text */
    csv_write_num(&w, "-", 1);
    csv_write_num(&w, "-1,", 3);
    csv_end_record(&w);
    assert_string_equal(sb.buf + 3, "-1500;-1234,56;-0.5;'-=1;'-1,2,3;'-;'-1,\r\n");
    strbuf_release(&sb);
}

static void test_writer_opendata(void **state)
{
    struct strbuf sb;
    struct csv_writer w;

    strbuf_init(&sb, 0);
    csv_writer_init(&w, &sb, CSV_OPENDATA);
    assert_int_equal(sb.len, 0);
    csv_write_str(&w, "=1+1");
    csv_write_str(&w, "-12");
    csv_write_str(&w, "a,b");
    csv_write_str(&w, "a;b");
    csv_write_num(&w, "1234.56", 7);
    csv_write_int(&w, 0);
    csv_write_field(&w, "xyz", 2);
    csv_end_record(&w);
    assert_string_equal(sb.buf, "=1+1,-12,\"a,b\",a;b,1234.56,0,xy\r\n");
    strbuf_release(&sb);
}

static void test_writer_empty_records(void **state)
{
    struct strbuf sb;
    struct csv_writer w;

    strbuf_init(&sb, 0);
    csv_writer_init(&w, &sb, CSV_OPENDATA);
    csv_write_str(&w, "");
    csv_end_record(&w);
    csv_write_str(&w, "");
    csv_write_str(&w, "");
    csv_end_record(&w);
    csv_end_record(&w);
    assert_string_equal(sb.buf, "\"\"\r\n,\r\n\"\"\r\n");
    assert_reads(sb.buf, ',', "\n|\n\n");
    strbuf_release(&sb);
}

static void test_writer_leading_bom_cell(void **state)
{
    /* found by fuzz_csv: a first cell starting with U+FEFF was read back as a BOM */
    struct strbuf sb;
    struct csv_writer w;

    strbuf_init(&sb, 0);
    csv_writer_init(&w, &sb, CSV_OPENDATA);
    csv_write_str(&w, "\xEF\xBB\xBFx");
    csv_write_str(&w, "y\xEF\xBB\xBF");
    csv_end_record(&w);
    assert_string_equal(sb.buf, "\"\xEF\xBB\xBFx\",y\xEF\xBB\xBF\r\n");
    assert_reads(sb.buf, ',', "\xEF\xBB\xBFx|y\xEF\xBB\xBF\n");
    strbuf_release(&sb);
}

static const char *const round_trip_cells[][4] = {
    {"nom", "objet", "montant", "note"},
    {"Liévin", "aide \"exceptionnelle\"", "1234,56", ""},
    {"", "a;b,c", "deux\r\nlignes\net une", "\"\""},
    {"x", "a\r", "fin\n", "€ Œ ß 😀"},
    {"", "", "", ""},
    {"ab\"c", " espace ", "\n", "dernier"},
};

static void round_trip(enum csv_dialect dialect, char sep)
{
    struct strbuf sb;
    struct csv_writer w;
    struct csv_reader r;
    struct err e;
    size_t rows = ARRAY_SIZE(round_trip_cells);

    strbuf_init(&sb, 0);
    csv_writer_init(&w, &sb, dialect);
    for (size_t i = 0; i < rows; i++) {
        for (size_t j = 0; j < 4; j++)
            csv_write_str(&w, round_trip_cells[i][j]);
        csv_end_record(&w);
    }
    csv_write_str(&w, "");
    csv_end_record(&w);
    csv_write_int(&w, -7);
    csv_end_record(&w);

    csv_reader_init(&r, "rt", sb.buf, sb.len, sep);
    assert_int_equal(r.sep, dialect == CSV_EXCEL ? ';' : ',');
    for (size_t i = 0; i < rows; i++) {
        assert_int_equal(csv_read_record(&r, &e), 1);
        assert_int_equal(r.nfields, 4);
        for (size_t j = 0; j < 4; j++)
            assert_string_equal(csv_field_str(&r, j), round_trip_cells[i][j]);
    }
    assert_int_equal(csv_read_record(&r, &e), 1);
    assert_int_equal(r.nfields, 1);
    assert_string_equal(csv_field_str(&r, 0), "");
    assert_int_equal(csv_read_record(&r, &e), 1);
    assert_string_equal(csv_field_str(&r, 0), "-7");
    assert_int_equal(csv_read_record(&r, &e), 0);
    csv_reader_release(&r);
    strbuf_release(&sb);
}

static void test_round_trip(void **state)
{
    round_trip(CSV_OPENDATA, ',');
    round_trip(CSV_EXCEL, ';');
    /* the Excel file is recognised on its own: BOM skipped, ';' detected */
    round_trip(CSV_EXCEL, 0);

    /* in CSV_EXCEL, neutralised cells come back with their apostrophe */
    struct strbuf sb;
    struct csv_writer w;
    struct csv_reader r;
    struct err e;
    strbuf_init(&sb, 0);
    csv_writer_init(&w, &sb, CSV_EXCEL);
    csv_write_str(&w, "=cmd");
    csv_write_str(&w, "-5");
    csv_write_int(&w, -5);
    csv_end_record(&w);
    csv_reader_init(&r, "rt", sb.buf, sb.len, 0);
    assert_int_equal(csv_read_record(&r, &e), 1);
    assert_string_equal(csv_field_str(&r, 0), "'=cmd");
    assert_string_equal(csv_field_str(&r, 1), "'-5");
    assert_string_equal(csv_field_str(&r, 2), "-5");
    csv_reader_release(&r);
    strbuf_release(&sb);
}

static void test_reader_without_name(void **state)
{
    struct csv_reader r;
    struct err e;

    csv_reader_init(&r, NULL, "\"", 1, ';');
    assert_int_equal(csv_read_record(&r, &e), -1);
    assert_string_equal(e.message, "CSV, ligne 1, colonne 1 : guillemet non fermé");
    csv_reader_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_excel_file_with_bom_and_crlf),
        cmocka_unit_test(test_separator_detection),
        cmocka_unit_test(test_quoted_fields),
        cmocka_unit_test(test_empty_fields_and_ends),
        cmocka_unit_test(test_blank_lines_and_line_numbers),
        cmocka_unit_test(test_embedded_newlines_count_lines),
        cmocka_unit_test(test_fields_are_nul_terminated_copies),
        cmocka_unit_test(test_error_unclosed_quote),
        cmocka_unit_test(test_error_text_after_quote),
        cmocka_unit_test(test_error_too_many_fields),
        cmocka_unit_test(test_error_field_too_long),
        cmocka_unit_test(test_error_invalid_utf8),
        cmocka_unit_test(test_error_nul_byte),
        cmocka_unit_test(test_header_map),
        cmocka_unit_test(test_writer_excel),
        cmocka_unit_test(test_writer_excel_neutralises_formulas),
        cmocka_unit_test(test_writer_opendata),
        cmocka_unit_test(test_writer_empty_records),
        cmocka_unit_test(test_writer_leading_bom_cell),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_reader_without_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

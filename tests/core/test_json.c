/*
 * test_json.c: bounded parsing (size, depth, NUL, UTF-8) with French
 * messages naming source, line and column; typed getters; sorted dumps;
 * JSON Lines iteration with error collection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "core/json.h"

static json_t *parse(const char *s, struct err *e)
{
    err_clear(e);
    return json_parse(s, strlen(s), "t.json", 0, e);
}

static void assert_parse_error(const char *s, size_t n, size_t line, enum err_code code,
                               const char *message)
{
    struct err e;

    err_clear(&e);
    assert_null(json_parse(s, n, "t.json", line, &e));
    assert_int_equal(e.code, code);
    assert_string_equal(e.message, message);
}

static void test_parse_values(void **state)
{
    struct err e;
    json_t *v;

    v = parse(" {\"nom\": \"Liévin\", \"n\": [1, 2.5, true, null]}\n", &e);
    assert_non_null(v);
    assert_string_equal(json_string_value(json_object_get(v, "nom")), "Liévin");
    assert_int_equal(json_array_size(json_object_get(v, "n")), 4);
    json_decref(v);
    /* any value at the top level */
    v = parse("42", &e);
    assert_int_equal(json_integer_value(v), 42);
    json_decref(v);
    v = parse("\"\\u00e9\\ud83d\\ude00\"", &e);
    assert_string_equal(json_string_value(v), "é\xF0\x9F\x98\x80");
    json_decref(v);
    /* the buffer need not be NUL-terminated */
    v = json_parse("[1]]]]", 3, "t", 0, &e);
    assert_non_null(v);
    json_decref(v);
}

static void test_parse_errors_name_line_column(void **state)
{
    const char *s = "{\n  \"a\": 1,\n  \"b\": x\n}";
    struct err e;

    assert_parse_error(s, strlen(s), 0, ERR_INVALID,
                       "t.json, ligne 3, colonne 8 : syntaxe JSON invalide");
    err_clear(&e);
    assert_null(json_parse(s, strlen(s), "t.json", 0, &e));
    assert_string_equal(e.detail, "analyseur JSON : invalid token near 'x'");

    assert_parse_error("1 2", 3, 0, ERR_INVALID,
                       "t.json, ligne 1, colonne 3 : données en trop après la valeur JSON");
    assert_parse_error("{\"a\":", 5, 0, ERR_INVALID,
                       "t.json, ligne 1, colonne 5 : fin des données inattendue "
                       "(valeur JSON incomplète)");
    assert_parse_error("{\"a\":1,\"a\":2}", 13, 0, ERR_INVALID,
                       "t.json, ligne 1, colonne 10 : clé en double dans un objet");
    assert_parse_error("\"\xE9\"", 3, 0, ERR_INVALID,
                       "t.json, ligne 1, colonne 1 : texte qui n'est pas en UTF-8 valide");
    assert_parse_error("\"\\u0000\"", 8, 0, ERR_INVALID,
                       "t.json, ligne 1, colonne 8 : caractère nul (\\u0000) interdit");
    assert_parse_error("{\"\\u0000\":1}", 12, 0, ERR_INVALID,
                       "t.json, ligne 1, colonne 9 : caractère nul (\\u0000) interdit");
    assert_parse_error("99999999999999999999", 20, 0, ERR_INVALID,
                       "t.json, ligne 1, colonne 20 : nombre hors limites");
    assert_parse_error("1e999", 5, 0, ERR_INVALID,
                       "t.json, ligne 1, colonne 5 : nombre hors limites");
    assert_parse_error("[1,]", 4, 0, ERR_INVALID,
                       "t.json, ligne 1, colonne 4 : syntaxe JSON invalide");
    assert_parse_error("", 0, 0, ERR_INVALID, "t.json : document JSON vide");
    assert_parse_error(" \r\n\t", 4, 0, ERR_INVALID, "t.json : document JSON vide");
    assert_parse_error("", 0, 4, ERR_INVALID, "t.json, ligne 4 : aucune valeur JSON");
    /* with a line given (JSON Lines), messages count from it */
    assert_parse_error("{\"a\": x}", 8, 7, ERR_INVALID,
                       "t.json, ligne 7, colonne 7 : syntaxe JSON invalide");
    /* without a name */
    err_clear(&e);
    assert_null(json_parse("x", 1, NULL, 0, &e));
    assert_string_equal(e.message, "JSON, ligne 1, colonne 1 : syntaxe JSON invalide");
}

static void test_parse_rejects_nul_bytes(void **state)
{
    assert_parse_error("{\"a\":\"b\0c\"}", 11, 0, ERR_INVALID,
                       "t.json, ligne 1, colonne 8 : caractère nul interdit");
    assert_parse_error("[1,\n2]\0", 7, 0, ERR_INVALID,
                       "t.json, ligne 2, colonne 3 : caractère nul interdit");
    assert_parse_error("1\0", 2, 5, ERR_INVALID,
                       "t.json, ligne 5, colonne 2 : caractère nul interdit");
}

static void nest(struct strbuf *sb, int depth, const char *open, const char *close)
{
    for (int i = 0; i < depth; i++)
        strbuf_addstr(sb, open);
    for (int i = 0; i < depth; i++)
        strbuf_addstr(sb, close);
}

static void test_parse_depth_cap(void **state)
{
    struct strbuf sb;
    struct err e;
    json_t *v;

    strbuf_init(&sb, 0);
    nest(&sb, JSON_MAX_DEPTH, "[", "]");
    v = parse(sb.buf, &e);
    assert_non_null(v);
    json_decref(v);

    strbuf_clear(&sb);
    nest(&sb, JSON_MAX_DEPTH + 1, "[", "]");
    assert_parse_error(sb.buf, sb.len, 0, ERR_INVALID,
                       "t.json, ligne 1, colonne 33 : imbrication trop profonde");

    strbuf_clear(&sb);
    nest(&sb, JSON_MAX_DEPTH / 2, "{\"k\":[", "]}");
    v = parse(sb.buf, &e);
    assert_non_null(v);
    json_decref(v);
    strbuf_clear(&sb);
    strbuf_addstr(&sb, "\n");
    nest(&sb, JSON_MAX_DEPTH / 2 + 1, "{\"k\":[", "]}");
    assert_parse_error(sb.buf, sb.len, 0, ERR_INVALID,
                       "t.json, ligne 2, colonne 97 : imbrication trop profonde");

    /* brackets inside strings do not count, escaped quotes do not end strings */
    strbuf_clear(&sb);
    strbuf_addstr(
        &sb, "[\"\\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\\\", \"{{{{{{{{{{{{{{{{{{{{{{{{{{"
             "{{{{{{{{{{{{{{{{{{{{{\"]");
    v = parse(sb.buf, &e);
    assert_non_null(v);
    json_decref(v);

    /* deep nesting far past jansson's own limit is refused quickly */
    strbuf_clear(&sb);
    nest(&sb, 100000, "[", "]");
    assert_parse_error(sb.buf, sb.len, 0, ERR_INVALID,
                       "t.json, ligne 1, colonne 33 : imbrication trop profonde");
    strbuf_release(&sb);
}

static void test_parse_size_cap(void **state)
{
    size_t n = JSON_MAX_INPUT + 1;
    char *s = malloc(n);
    struct err e;

    assert_non_null(s);
    memset(s, ' ', n);
    s[0] = '1';
    assert_parse_error(s, n, 0, ERR_TOO_LARGE, "t.json : données JSON trop volumineuses");
    assert_parse_error(s, n, 3, ERR_TOO_LARGE, "t.json, ligne 3 : données JSON trop volumineuses");
    /* exactly the cap is accepted */
    err_clear(&e);
    json_t *v = json_parse(s, n - 1, "t.json", 0, &e);
    assert_non_null(v);
    json_decref(v);
    free(s);
}

static void test_get_str_int_bool(void **state)
{
    struct err e;
    json_t *o = parse("{\"nom\":\"Arras\",\"pop\":41000,\"actif\":true,\"vide\":null,"
                      "\"neg\":-9223372036854775808}",
                      &e);
    const char *s = "inchangé";
    int64_t n = 7;
    bool b = false;

    assert_non_null(o);
    assert_int_equal(json_get_str(o, "nom", true, &s, &e), 0);
    assert_string_equal(s, "Arras");
    assert_int_equal(json_get_int(o, "pop", true, &n, &e), 0);
    assert_int_equal(n, 41000);
    assert_int_equal(json_get_int(o, "neg", true, &n, &e), 0);
    assert_true(n == INT64_MIN);
    assert_int_equal(json_get_bool(o, "actif", true, &b, &e), 0);
    assert_true(b);

    /* missing optional: 0, output untouched; null counts as missing */
    s = "inchangé";
    n = 7;
    assert_int_equal(json_get_str(o, "absent", false, &s, &e), 0);
    assert_string_equal(s, "inchangé");
    assert_int_equal(json_get_int(o, "vide", false, &n, &e), 0);
    assert_int_equal(n, 7);
    assert_false(json_has(o, "vide"));
    assert_false(json_has(o, "absent"));
    assert_true(json_has(o, "nom"));

    /* missing required */
    err_clear(&e);
    assert_int_equal(json_get_str(o, "code", true, &s, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.message, "champ obligatoire « code » absent");
    assert_int_equal(json_get_bool(o, "vide", true, &b, &e), -1);
    assert_string_equal(e.message, "champ obligatoire « vide » absent");

    /* wrong types name the field and the value */
    assert_int_equal(json_get_int(o, "nom", true, &n, &e), -1);
    assert_string_equal(e.message,
                        "champ « nom » : un nombre entier attendu, valeur reçue : \"Arras\"");
    assert_string_equal(e.detail, "type reçu : une chaîne");
    assert_int_equal(json_get_str(o, "pop", false, &s, &e), -1);
    assert_string_equal(e.message, "champ « pop » : une chaîne attendu, valeur reçue : 41000");
    assert_int_equal(json_get_bool(o, "pop", false, &b, &e), -1);
    assert_string_equal(e.message,
                        "champ « pop » : un booléen (true ou false) attendu, valeur reçue : 41000");
    json_decref(o);

    o = parse("{\"x\":1.5,\"t\":[1,{\"a\":2}],\"s\":\"1\"}", &e);
    assert_int_equal(json_get_int(o, "x", true, &n, &e), -1);
    assert_string_equal(e.message, "champ « x » : un nombre entier attendu, valeur reçue : 1.5");
    assert_string_equal(e.detail, "type reçu : un nombre décimal");
    assert_int_equal(json_get_int(o, "t", true, &n, &e), -1);
    assert_string_equal(e.message,
                        "champ « t » : un nombre entier attendu, valeur reçue : [1,{\"a\":2}]");
    /* no implicit conversion from a string */
    assert_int_equal(json_get_int(o, "s", true, &n, &e), -1);
    json_decref(o);

    /* not an object */
    o = parse("[1]", &e);
    assert_int_equal(json_get_int(o, "x", false, &n, &e), -1);
    assert_string_equal(e.message, "objet JSON attendu pour lire le champ « x »");
    assert_false(json_has(o, "x"));
    json_decref(o);
}

static void test_get_long_value_is_cut(void **state)
{
    struct strbuf sb;
    struct err e;
    int64_t n;
    json_t *o;

    strbuf_init(&sb, 0);
    strbuf_addstr(&sb, "{\"x\":\"");
    for (int i = 0; i < 100; i++)
        strbuf_addstr(&sb, "é");
    strbuf_addstr(&sb, "\"}");
    o = parse(sb.buf, &e);
    assert_non_null(o);
    assert_int_equal(json_get_int(o, "x", true, &n, &e), -1);
    /* the quoted value is cut on a character boundary and marked */
    const char *v = strstr(e.message, "valeur reçue : \"");
    assert_non_null(v);
    v += strlen("valeur reçue : \"");
    assert_true(strlen(v) < 80);
    assert_string_equal(v + strlen(v) - strlen("é…"), "é…");
    json_decref(o);
    strbuf_release(&sb);
}

static void test_dump_sorted(void **state)
{
    struct strbuf sb;
    struct err e;
    json_t *v = parse("{ \"z\": 1, \"a\": { \"y\": [true, null, 1.5], \"b\": \"é\\n\\\"\" },"
                      " \"m\": \"\" }",
                      &e);

    strbuf_init(&sb, 0);
    strbuf_addstr(&sb, ">");
    json_dump_sorted(v, &sb);
    assert_string_equal(sb.buf,
                        ">{\"a\":{\"b\":\"é\\n\\\"\",\"y\":[true,null,1.5]},\"m\":\"\",\"z\":1}");
    json_decref(v);

    /* the same object built in another order dumps the same */
    v = parse("{\"m\":\"\",\"a\":{\"b\":\"é\\n\\\"\",\"y\":[true,null,1.5]},\"z\":1}", &e);
    strbuf_clear(&sb);
    strbuf_addstr(&sb, ">");
    json_dump_sorted(v, &sb);
    assert_string_equal(sb.buf,
                        ">{\"a\":{\"b\":\"é\\n\\\"\",\"y\":[true,null,1.5]},\"m\":\"\",\"z\":1}");
    json_decref(v);

    /* scalars too */
    v = json_integer(-3);
    strbuf_clear(&sb);
    json_dump_sorted(v, &sb);
    assert_string_equal(sb.buf, "-3");
    json_decref(v);
    strbuf_release(&sb);
}

/* JSON Lines callback: records lines; refuses objects without "id". */
struct lines_ctx {
    size_t lines[16];
    size_t count;
};

static int on_line(json_t *v, size_t line, void *ctx, struct err *e)
{
    struct lines_ctx *c = ctx;
    int64_t id;

    if (json_get_int(v, "id", true, &id, e) < 0)
        return -1;
    assert_true(c->count < ARRAY_SIZE(c->lines));
    assert_int_equal(id, (int64_t)line);
    c->lines[c->count++] = line;
    return 0;
}

static void test_lines_ok(void **state)
{
    const char *s = "\xEF\xBB\xBF{\"id\":1}\r\n"
                    "\n"
                    "   \t\r\n"
                    "{\"id\":4}\n"
                    "{\"id\":5,\n" /* not a line of its own: broken on purpose below */;
    struct lines_ctx c = {0};
    struct err e;

    err_clear(&e);
    assert_int_equal(json_lines_foreach(s, strlen(s) - strlen("{\"id\":5,\n"), "in.jsonl", 10,
                                        on_line, &c, NULL, &e),
                     0);
    assert_int_equal(c.count, 2);
    assert_int_equal(c.lines[0], 1);
    assert_int_equal(c.lines[1], 4);
    assert_int_equal(e.code, ERR_OK);

    /* no final newline */
    memset(&c, 0, sizeof(c));
    assert_int_equal(
        json_lines_foreach("{\"id\":1}\n{\"id\":2}", 17, "in.jsonl", 1, on_line, &c, NULL, &e), 0);
    assert_int_equal(c.count, 2);
    /* empty input: nothing to do */
    assert_int_equal(json_lines_foreach("", 0, "in.jsonl", 1, on_line, &c, NULL, &e), 0);
}

static void test_lines_collect_errors(void **state)
{
    const char *s = "{\"id\":1}\n"
                    "{\"id\":2\n" /* syntax */
                    "{\"id\":3}\n"
                    "{\"nom\":\"x\"}\n" /* callback error */
                    "[1,\0]\n"          /* NUL */
                    "{\"id\":6}\n";
    size_t n = 9 + 8 + 9 + 12 + 6 + 9;
    struct lines_ctx c = {0};
    struct err e;
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);

    assert_non_null(f);
    err_clear(&e);
    assert_int_equal(json_lines_foreach(s, n, "in.jsonl", 10, on_line, &c, f, &e), -1);
    fclose(f);
    /* the good lines were all processed */
    assert_int_equal(c.count, 3);
    assert_int_equal(c.lines[2], 6);
    /* e holds the first error */
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.message, "in.jsonl, ligne 2, colonne 7 : fin des données inattendue "
                                   "(valeur JSON incomplète)");
    /* every error was printed, the callback's prefixed with source and line */
    assert_non_null(strstr(out, "erreur : in.jsonl, ligne 2, colonne 7 : "));
    assert_non_null(strstr(out, "erreur : in.jsonl, ligne 4 : champ obligatoire « id » absent\n"));
    assert_non_null(strstr(out, "erreur : in.jsonl, ligne 5, colonne 4 : caractère nul interdit"));
    assert_null(strstr(out, "arrêt"));
    free(out);

    /* max_errors stops the iteration */
    memset(&c, 0, sizeof(c));
    out = NULL;
    f = open_memstream(&out, &outlen);
    assert_int_equal(json_lines_foreach(s, n, "in.jsonl", 2, on_line, &c, f, &e), -1);
    fclose(f);
    assert_int_equal(c.count, 2);
    assert_non_null(strstr(out, "in.jsonl : arrêt après 2 erreurs (ligne 4)"));
    assert_null(strstr(out, "ligne 5"));
    free(out);
}

static int fail_silently(json_t *v, size_t line, void *ctx, struct err *e)
{
    return -1;
}

static void test_lines_callback_without_message(void **state)
{
    struct err e;

    err_clear(&e);
    assert_int_equal(json_lines_foreach("1\n", 2, NULL, 0, fail_silently, NULL, NULL, &e), -1);
    assert_int_equal(e.code, ERR_INTERNAL);
    assert_string_equal(e.message, "JSON, ligne 1 : erreur non précisée");
}

static void test_get_date(void **state)
{
    struct err e;
    json_t *o = parse(
        "{\"d\":\"2022-03-07\",\"b\":\"2022-02-30\",\"fr\":\"07/03/2022\",\"n\":20220307}", &e);
    date_t d = -1;

    assert_int_equal(json_get_date(o, "d", true, &d, &e), 0);
    assert_int_equal(d, 19058);
    d = -1;
    assert_int_equal(json_get_date(o, "absent", false, &d, &e), 0);
    assert_int_equal(d, -1);
    err_clear(&e);
    assert_int_equal(json_get_date(o, "absent", true, &d, &e), -1);
    assert_string_equal(e.message, "champ obligatoire « absent » absent");
    assert_int_equal(json_get_date(o, "b", true, &d, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.message, "champ « b » : date invalide \"2022-02-30\"");
    assert_true(e.detail[0] != '\0'); /* date_parse_iso's own explanation */
    assert_int_equal(json_get_date(o, "fr", true, &d, &e), -1);
    assert_string_equal(e.message, "champ « fr » : date invalide \"07/03/2022\"");
    assert_int_equal(json_get_date(o, "n", true, &d, &e), -1);
    assert_string_equal(e.message,
                        "champ « n » : une date « AAAA-MM-JJ » attendu, valeur reçue : 20220307");
    assert_int_equal(d, -1);
    json_decref(o);
}

static void test_get_money(void **state)
{
    struct err e;
    json_t *o = parse("{\"montant\":\"1234.56\",\"aide_cents\":150000,\"neg\":\"-12.3\","
                      "\"double\":\"1\",\"double_cents\":100,\"reel\":12.5,\"entier\":12,"
                      "\"mauvais\":\"12,345\",\"txt_cents\":\"100\"}",
                      &e);
    int64_t c = -1;

    assert_int_equal(json_get_money(o, "montant", true, &c, &e), 0);
    assert_int_equal(c, 123456);
    /* "aide" is read from "aide_cents" */
    assert_int_equal(json_get_money(o, "aide", true, &c, &e), 0);
    assert_int_equal(c, 150000);
    assert_int_equal(json_get_money(o, "aide_cents", true, &c, &e), 0);
    assert_int_equal(c, 150000);
    assert_int_equal(json_get_money(o, "neg", true, &c, &e), 0);
    assert_int_equal(c, -1230);
    c = -1;
    assert_int_equal(json_get_money(o, "absent", false, &c, &e), 0);
    assert_int_equal(c, -1);

    err_clear(&e);
    assert_int_equal(json_get_money(o, "absent", true, &c, &e), -1);
    assert_string_equal(e.message, "champ obligatoire « absent » absent");
    assert_int_equal(json_get_money(o, "double", true, &c, &e), -1);
    assert_string_equal(e.message, "champs « double » et « double_cents » tous deux présents");
    /* no double for money, and no guessing whether 12 means euros or cents */
    assert_int_equal(json_get_money(o, "reel", true, &c, &e), -1);
    assert_string_equal(e.message, "champ « reel » : un montant en euros entre guillemets "
                                   "attendu, valeur reçue : 12.5");
    assert_int_equal(json_get_money(o, "entier", true, &c, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_int_equal(json_get_money(o, "mauvais", true, &c, &e), -1);
    assert_string_equal(e.message, "champ « mauvais » : montant invalide \"12,345\"");
    assert_true(e.detail[0] != '\0'); /* money_parse's own explanation */
    assert_int_equal(json_get_money(o, "txt", true, &c, &e), -1);
    assert_string_equal(e.message, "champ « txt_cents » : un montant en centimes (nombre entier) "
                                   "attendu, valeur reçue : \"100\"");
    assert_int_equal(c, -1);
    json_decref(o);
}

/*
 * The fast path against jansson: the same value or, when the fast path
 * gives up, jansson's own verdict; and a text called canonical is exactly
 * what json_dump_sorted writes.
 */
static void test_fast_path_same_as_jansson(void **state)
{
    static const char *const inputs[] = {
        "{}",
        "[]",
        "0",
        "-1",
        "123456789012345678",
        "1234567890123456789",
        "01",
        "-0",
        "1.5",
        "1e3",
        "true",
        "false",
        "null",
        "\"\"",
        "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"",
        "\"\\u00e9\"",
        "\"é€😀\"",
        "\"\xC3\"",
        "\"\xC0\xAF\"",
        "\"\xED\xA0\x80\"",
        "\"\xF4\x90\x80\x80\"",
        "\"a\x01\"",
        "\"a\x7F\"",
        "{\"b\":1,\"a\":2}",
        "{\"a\":1,\"a\":2}",
        "{\"a\":1,\"b\":1,\"a\":2}",
        "{\"a\":{\"b\":[1,2,{\"c\":null}]}}",
        " { \"a\" : [ 1 , 2 ] } ",
        "{\"a\":1,}",
        "[1,]",
        "[1 2]",
        "{\"a\"1}",
        "{\"a\":1}x",
        "\"unterminated",
        "tru",
        "nul",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "{\"é\":1,\"z\":2}",
        "{\"z\":1,\"é\":2}",
        "{\"ab\":1,\"a\":2}",
        "{\"a\":1,\"ab\":2}",
        "{\"\":0}",
        "+1",
        "- 1",
        "[-]",
        "{\"a\\u0000b\":1}",
        "[\"\\x\"]",
        "\t[1]\r\n",
    };
    struct err e;

    (void)state;
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        const char *in = inputs[i];
        size_t n = strlen(in);
        struct json_canon canon = {.member = "a"};
        json_error_t jerr;
        json_t *ours, *theirs;

        err_clear(&e);
        ours = json_parse_canon(in, n, "t.json", 0, &canon, &e);
        theirs = json_loadb(in, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
        if (n > 0 && strspn(in, "[") > JSON_MAX_DEPTH) {
            assert_null(ours); /* the depth cap is ours, not jansson's */
            json_decref(theirs);
            continue;
        }
        if ((ours != NULL) != (theirs != NULL))
            fail_msg("input %zu (%s): ours %s, jansson %s", i, in, ours ? "ok" : "refused",
                     theirs ? "ok" : "refused");
        if (ours && !json_equal(ours, theirs))
            fail_msg("input %zu (%s): different values", i, in);
        if (ours && canon.whole) {
            struct strbuf sb;
            const char *t = in;
            size_t k = n;
            strbuf_init(&sb, 0);
            json_dump_sorted(ours, &sb);
            while (k > 0 && strchr(" \t\r\n", t[k - 1]))
                k--;
            while (k > 0 && strchr(" \t\r\n", *t))
                t++, k--;
            if (sb.len != k || memcmp(sb.buf, t, k) != 0)
                fail_msg("input %zu (%s) called canonical, dump is %s", i, in, sb.buf);
            strbuf_release(&sb);
        }
        if (ours && canon.text) {
            struct strbuf sb;
            strbuf_init(&sb, 0);
            json_dump_sorted(json_object_get(ours, "a"), &sb);
            if (sb.len != canon.len || memcmp(sb.buf, canon.text, canon.len) != 0)
                fail_msg("input %zu (%s): member text %.*s, dump %s", i, in, (int)canon.len,
                         canon.text, sb.buf);
            strbuf_release(&sb);
        }
        json_decref(ours);
        json_decref(theirs);
    }
}

/* Which texts are canonical, and the members found in canonical text. */
static void test_canonical_text(void **state)
{
    const char *line = "{\"contenu\":{\"b\":\"x\\ny\",\"c\":[1,{\"d\":true}]},\"type\":\"t\"}";
    const char *spaced = "{\"contenu\": {\"b\":1}, \"type\":\"t\"}";
    const char *unsorted = "{\"contenu\":{\"c\":1,\"b\":2}}";
    const char *slash = "{\"contenu\":{\"b\":\"a\\/b\"}}";
    struct json_canon canon = {.member = "contenu"};
    const char *v;
    size_t n;
    struct err e;
    json_t *o;

    (void)state;
    err_clear(&e);
    o = json_parse_canon(line, strlen(line), "t", 1, &canon, &e);
    assert_non_null(o);
    assert_true(canon.whole);
    assert_non_null(canon.text);
    assert_int_equal(canon.len, strlen("{\"b\":\"x\\ny\",\"c\":[1,{\"d\":true}]}"));
    assert_memory_equal(canon.text, "{\"b\":\"x\\ny\",\"c\":[1,{\"d\":true}]}", canon.len);
    json_decref(o);
    /* blanks outside the member leave it canonical, not the whole */
    o = json_parse_canon(spaced, strlen(spaced), "t", 1, &canon, &e);
    assert_non_null(o);
    assert_false(canon.whole);
    assert_non_null(canon.text);
    assert_memory_equal(canon.text, "{\"b\":1}", canon.len);
    json_decref(o);
    o = json_parse_canon(unsorted, strlen(unsorted), "t", 1, &canon, &e);
    assert_non_null(o);
    assert_null(canon.text);
    json_decref(o);
    o = json_parse_canon(slash, strlen(slash), "t", 1, &canon, &e);
    assert_non_null(o);
    assert_null(canon.text);
    json_decref(o);

    assert_int_equal(json_canon_member(line, strlen(line), "type", &v, &n), 0);
    assert_int_equal(n, 3);
    assert_memory_equal(v, "\"t\"", 3);
    assert_int_equal(json_canon_member(line, strlen(line), "contenu", &v, &n), 0);
    assert_memory_equal(v, "{\"b\":", 5);
    assert_int_equal(json_canon_member(line, strlen(line), "b", &v, &n), -1);
    assert_int_equal(json_canon_member("[1]", 3, "b", &v, &n), -1);
    assert_null(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_path_same_as_jansson),
        cmocka_unit_test(test_canonical_text),
        cmocka_unit_test(test_parse_values),
        cmocka_unit_test(test_parse_errors_name_line_column),
        cmocka_unit_test(test_parse_rejects_nul_bytes),
        cmocka_unit_test(test_parse_depth_cap),
        cmocka_unit_test(test_parse_size_cap),
        cmocka_unit_test(test_get_str_int_bool),
        cmocka_unit_test(test_get_long_value_is_cut),
        cmocka_unit_test(test_dump_sorted),
        cmocka_unit_test(test_lines_ok),
        cmocka_unit_test(test_lines_collect_errors),
        cmocka_unit_test(test_lines_callback_without_message),
        cmocka_unit_test(test_get_date),
        cmocka_unit_test(test_get_money),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

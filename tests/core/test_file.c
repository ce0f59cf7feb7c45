/*
 * test_file.c: whole-file reads with a size cap, atomic writes, mkdir -p.
 * Each test works in a fresh directory under /tmp, removed at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/compat.h"
#include "core/file.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

struct tmpdir {
    char path[256];
};

static int setup_dir(void **state)
{
    struct tmpdir *t = malloc(sizeof(*t));

    if (!t)
        return -1;
    snprintf(t->path, sizeof(t->path), "/tmp/proxima-test-file-XXXXXX");
    if (!mkdtemp(t->path)) {
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

/* rm -r of a directory this test created (no symlinks are made). */
static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *de;

    if (!d) {
        unlink(path);
        return;
    }
    while ((de = readdir(d)) != NULL) {
        char sub[512];
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
        remove_tree(sub);
    }
    closedir(d);
    rmdir(path);
}

static int teardown_dir(void **state)
{
    struct tmpdir *t = *state;

    remove_tree(t->path);
    free(t);
    return 0;
}

static const char *in_dir(void **state, const char *name, char *buf, size_t size)
{
    struct tmpdir *t = *state;

    snprintf(buf, size, "%s/%s", t->path, name);
    return buf;
}

static void count_entries(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    assert_non_null(d);
    *n = 0;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            (*n)++;
    closedir(d);
}

static void test_write_atomic_then_read_back(void **state)
{
    struct tmpdir *t = *state;
    char path[512];
    const char data[] = "code;nom\r\n62498;Lens\r\n\0binaire\xFF";
    struct strbuf sb;
    struct err e;
    size_t n;

    in_dir(state, "out.csv", path, sizeof(path));
    err_clear(&e);
    assert_int_equal(file_write_atomic(path, data, sizeof(data), &e), 0);
    strbuf_init(&sb, 0);
    assert_int_equal(file_read_all(path, &sb, 1000, &e), 0);
    assert_int_equal(sb.len, sizeof(data));
    assert_memory_equal(sb.buf, data, sizeof(data));

    /* a second write replaces the content, and leaves no temporary file behind */
    assert_int_equal(file_write_atomic(path, "court", 5, &e), 0);
    strbuf_clear(&sb);
    assert_int_equal(file_read_all(path, &sb, 1000, &e), 0);
    assert_string_equal(sb.buf, "court");
    count_entries(t->path, &n);
    assert_int_equal(n, 1);

    /* an empty file */
    assert_int_equal(file_write_atomic(path, "", 0, &e), 0);
    strbuf_clear(&sb);
    assert_int_equal(file_read_all(path, &sb, 0, &e), 0);
    assert_int_equal(sb.len, 0);
    strbuf_release(&sb);
}

static void test_read_all_appends_and_caps(void **state)
{
    char path[512];
    char big[200000];
    struct strbuf sb;
    struct err e;

    in_dir(state, "big.bin", path, sizeof(path));
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)('a' + i % 26);
    assert_int_equal(file_write_atomic(path, big, sizeof(big), &e), 0);

    /* appends after what the buffer holds; exactly max bytes is fine */
    strbuf_init(&sb, 0);
    strbuf_addstr(&sb, ">>");
    assert_int_equal(file_read_all(path, &sb, sizeof(big), &e), 0);
    assert_int_equal(sb.len, sizeof(big) + 2);
    assert_memory_equal(sb.buf + 2, big, sizeof(big));

    /* one byte over: refused, naming the file */
    err_clear(&e);
    strbuf_clear(&sb);
    assert_int_equal(file_read_all(path, &sb, sizeof(big) - 1, &e), -1);
    assert_int_equal(e.code, ERR_TOO_LARGE);
    assert_non_null(strstr(e.message, path));
    assert_non_null(strstr(e.message, "dépasse la taille maximale"));
    assert_string_equal(e.detail, "taille maximale : 199999 octets");
    strbuf_release(&sb);

    /* a buffer whose own cap is smaller than the file fails too */
    strbuf_init(&sb, 1000);
    assert_int_equal(file_read_all(path, &sb, sizeof(big), &e), -1);
    assert_int_equal(e.code, ERR_TOO_LARGE);
    assert_non_null(strstr(e.message, path));
    strbuf_release(&sb);
}

static void test_read_missing_file(void **state)
{
    char path[512];
    char want[600];
    struct strbuf sb;
    struct err e;

    in_dir(state, "absent.csv", path, sizeof(path));
    strbuf_init(&sb, 0);
    err_clear(&e);
    assert_int_equal(file_read_all(path, &sb, 1000, &e), -1);
    assert_int_equal(e.code, ERR_IO);
    snprintf(want, sizeof(want), "impossible d'ouvrir le fichier %s : %s", path, strerror(ENOENT));
    assert_string_equal(e.message, want);
    assert_int_equal(sb.len, 0);
    strbuf_release(&sb);
}

static void test_write_atomic_into_missing_dir(void **state)
{
    char path[512];
    struct err e;

    in_dir(state, "nulle/part/x.csv", path, sizeof(path));
    err_clear(&e);
    assert_int_equal(file_write_atomic(path, "x", 1, &e), -1);
    assert_int_equal(e.code, ERR_IO);
    assert_non_null(strstr(e.message, "impossible de créer"));
    assert_non_null(strstr(e.message, "nulle/part/x.csv.tmp."));
}

static void test_mkdirs(void **state)
{
    char path[512], file[600];
    struct stat st;
    struct err e;

    in_dir(state, "a/b/c", path, sizeof(path));
    err_clear(&e);
    assert_int_equal(file_mkdirs(path, &e), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    /* existing is fine, a trailing slash too */
    assert_int_equal(file_mkdirs(path, &e), 0);
    snprintf(file, sizeof(file), "%s/", path);
    assert_int_equal(file_mkdirs(file, &e), 0);
    /* the new directory is usable */
    snprintf(file, sizeof(file), "%s/x.json", path);
    assert_int_equal(file_write_atomic(file, "{}", 2, &e), 0);

    /* a file in the way */
    in_dir(state, "a/b/c/x.json/d", path, sizeof(path));
    assert_int_equal(file_mkdirs(path, &e), -1);
    assert_int_equal(e.code, ERR_IO);
    assert_non_null(strstr(e.message, "impossible de créer le dossier"));

    assert_int_equal(file_mkdirs("", &e), -1);
    assert_string_equal(e.message, "chemin de dossier invalide : «  »");
}

static void test_list(void **state)
{
    struct tmpdir *t = *state;
    const char *files[] = {"b.json", "a.json", ".cache.json", "notes.txt", "json"};
    const char **names;
    char path[512];
    struct arena a;
    struct err e;
    size_t n;

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        assert_int_equal(
            file_write_atomic(in_dir(state, files[i], path, sizeof(path)), "{}", 2, &e), 0);
    in_dir(state, "dir.json", path, sizeof(path));
    assert_int_equal(file_mkdirs(path, &e), 0);
    arena_init(&a, 0);
    err_clear(&e);
    /* regular, visible *.json files only, sorted */
    assert_int_equal(file_list(&a, t->path, ".json", 10, "du test", &names, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_string_equal(names[0], "a.json");
    assert_string_equal(names[1], "b.json");
    /* over the cap */
    assert_int_equal(file_list(&a, t->path, ".json", 1, "du test", &names, &n, &e), -1);
    assert_int_equal(e.code, ERR_TOO_LARGE);
    assert_non_null(strstr(e.message, "plus de 1 fichiers du test"));
    /* no such directory: named, with the system's reason */
    in_dir(state, "absent", path, sizeof(path));
    err_clear(&e);
    assert_int_equal(file_list(&a, path, ".json", 10, "du test", &names, &n, &e), -1);
    assert_int_equal(e.code, ERR_IO);
    assert_non_null(strstr(e.message, "répertoire du test illisible"));
    assert_non_null(strstr(e.message, "absent"));
    assert_true(e.detail[0] != '\0');
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_atomic_then_read_back, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_read_all_appends_and_caps, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_read_missing_file, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_write_atomic_into_missing_dir, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_mkdirs, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_list, setup_dir, teardown_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

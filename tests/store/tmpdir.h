/*
 * tmpdir.h: a private temporary directory per test (mkdtemp), removed with
 * everything in it at the end. Shared by the store and journal tests.
 */
#ifndef PROXIMA_TESTS_STORE_TMPDIR_H
#define PROXIMA_TESTS_STORE_TMPDIR_H

#include "core/compat.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMPDIR_PATH_MAX 512

/* Create a fresh directory; its path goes to dir (TMPDIR_PATH_MAX bytes). */
static inline void tmpdir_make(char dir[TMPDIR_PATH_MAX])
{
    const char *base = getenv("TMPDIR");

    if (!base || !*base)
        base = "/tmp";
    snprintf(dir, TMPDIR_PATH_MAX, "%s/proxima-test-XXXXXX", base);
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        abort();
    }
}

/* rm -rf path (never follows symbolic links). */
static inline void tmpdir_remove(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *de;

    if (lstat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    d = opendir(path);
    if (d) {
        while ((de = readdir(d)) != NULL) {
            char sub[TMPDIR_PATH_MAX];
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >= sizeof(sub))
                abort();
            tmpdir_remove(sub);
        }
        closedir(d);
    }
    rmdir(path);
}

#endif

/*
 * file.c: see file.h. The only place proxima touches whole files.
 */
#include "core/compat.h"
#include "core/file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int file_read_all(const char *path, struct strbuf *out, size_t max, struct err *e)
{
    char chunk[65536];
    size_t total = 0;
    FILE *f = fopen(path, "rb");

    if (!f)
        return err_set(e, ERR_IO, "impossible d'ouvrir le fichier %s : %s", path, strerror(errno));
    for (;;) {
        size_t n = fread(chunk, 1, sizeof(chunk), f);
        if (n == 0)
            break;
        total += n;
        if (total > max) {
            fclose(f);
            err_set(e, ERR_TOO_LARGE, "le fichier %s dépasse la taille maximale", path);
            return err_detail(e, "taille maximale : %zu octets", max);
        }
        strbuf_add(out, chunk, n);
    }
    if (ferror(f)) {
        fclose(f);
        return err_set(e, ERR_IO, "erreur de lecture du fichier %s", path);
    }
    fclose(f);
    if (strbuf_failed(out))
        return err_set(e, ERR_TOO_LARGE, "le fichier %s est trop grand", path);
    return 0;
}

static int fsync_dir_of(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    size_t n;
    int fd, rc;

    if (!slash) {
        dir[0] = '.';
        n = 1;
    } else {
        n = (size_t)(slash - path);
        if (n == 0)
            n = 1;
        if (n >= sizeof(dir))
            return -1;
        memcpy(dir, path, n);
    }
    dir[n] = '\0';
    fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

int file_write_atomic(const char *path, const void *data, size_t n, struct err *e)
{
    char tmp[4096];
    const unsigned char *p = data;
    int fd;

    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= sizeof(tmp))
        return err_set(e, ERR_IO, "chemin trop long : %s", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return err_set(e, ERR_IO, "impossible de créer %s : %s", tmp, strerror(errno));
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            close(fd);
            unlink(tmp);
            return err_set(e, ERR_IO, "erreur d'écriture dans %s : %s", tmp, strerror(errno));
        }
        p += w;
        n -= (size_t)w;
    }
    if (fsync(fd) != 0) {
        /* a failed fsync leaves the page cache in an unknown state: stop */
        fprintf(stderr, "proxima: fsync of %s failed: %s\n", tmp, strerror(errno));
        abort();
    }
    close(fd);
    if (rename(tmp, path) != 0) {
        unlink(tmp);
        return err_set(e, ERR_IO, "impossible de renommer %s en %s : %s", tmp, path,
                       strerror(errno));
    }
    fsync_dir_of(path);
    return 0;
}

int file_mkdirs(const char *path, struct err *e)
{
    char buf[4096];
    size_t n = strlen(path);

    if (n == 0 || n >= sizeof(buf))
        return err_set(e, ERR_IO, "chemin de dossier invalide : « %s »", path);
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return err_set(e, ERR_IO, "impossible de créer le dossier %s : %s", buf,
                               strerror(errno));
            buf[i] = c;
        }
    }
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int file_list(struct arena *a, const char *dir, const char *suffix, size_t max, const char *what,
              const char ***names, size_t *n, struct err *e)
{
    size_t cap = 16, slen = strlen(suffix);
    struct dirent *de;
    DIR *d = opendir(dir);

    *n = 0;
    *names = NULL;
    if (!d) {
        err_set(e, ERR_IO, "répertoire %s illisible : %s", what, dir);
        return err_detail(e, "%s", strerror(errno));
    }
    *names = arena_calloc(a, cap, sizeof(**names));
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        const char *path;
        struct stat st;

        if (de->d_name[0] == '.' || len <= slen || strcmp(de->d_name + len - slen, suffix) != 0)
            continue;
        path = arena_printf(a, "%s/%s", dir, de->d_name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (*n >= max) {
            closedir(d);
            return err_set(e, ERR_TOO_LARGE, "%s : plus de %zu fichiers %s", dir, max, what);
        }
        if (*n == cap) {
            const char **grown = arena_calloc(a, cap * 2, sizeof(*grown));
            memcpy(grown, *names, cap * sizeof(*grown));
            *names = grown;
            cap *= 2;
        }
        (*names)[(*n)++] = arena_strdup(a, de->d_name);
    }
    closedir(d);
    qsort(*names, *n, sizeof(**names), cmp_names);
    return 0;
}

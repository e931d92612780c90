/*
 * fsutil — whole-file reads, atomic writes, directory creation.
 */
#include "lib/fsutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/xalloc.h"

int
fs_read_file(const char *path, struct buf *out, struct ep_err *err)
{
    FILE *f = fopen(path, "rb");
    char chunk[1 << 16];
    size_t n;

    if (!f)
        return ep_err_set(err, "cannot open '%s': %s", path, strerror(errno));
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_add(out, chunk, n);
    if (ferror(f)) {
        int e = errno;

        fclose(f);
        return ep_err_set(err, "cannot read '%s': %s", path, strerror(e));
    }
    fclose(f);
    return 0;
}

int
fs_first_line(const char *path, char *line, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n;

    if (!f || size == 0) {
        if (f)
            fclose(f);
        return -1;
    }
    n = fread(line, 1, size - 1, f);
    fclose(f);
    line[n] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    return 0;
}

int
fs_write_atomic(const char *path, const char *data, size_t len, struct ep_err *err)
{
    char *tmp = xstrfmt("%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    int rc = 0;

    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0 || rename(tmp, path) < 0) {
        rc = ep_err_set(err, "cannot write '%s': %s", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return rc;
}

int
fs_mkdirs(const char *dir, struct ep_err *err)
{
    char *p = xstrdup(dir);
    int rc = 0;

    for (char *s = p + 1;; s++) {
        if (*s && *s != '/')
            continue;
        {
            char saved = *s;

            *s = '\0';
            if (mkdir(p, 0755) < 0 && errno != EEXIST)
                rc = ep_err_set(err, "cannot create '%s': %s", p, strerror(errno));
            *s = saved;
        }
        if (rc < 0 || !*s)
            break;
    }
    free(p);
    return rc;
}

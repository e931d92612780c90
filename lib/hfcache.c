/*
 * hfcache — cache folders, refs, blobs and snapshot links.
 */
#include "lib/hfcache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/fsutil.h"
#include "lib/xalloc.h"

char *
hfcache_repo_dir(const char *root, enum hub_type t, const char *repo)
{
    struct buf b = BUF_INIT;

    buf_addf(&b, "%s/%s--", root, hub_type_plural(t));
    for (const char *p = repo; *p; p++) {
        if (*p == '/')
            buf_addstr(&b, "--");
        else
            buf_addch(&b, *p);
    }
    return buf_detach(&b, NULL);
}

int
hfcache_check_path(const char *path, struct ep_err *err)
{
    const char *p = path;

    if (!*path || *path == '/')
        return ep_err_set(err, "unsafe file path '%s': must be relative", path);
    for (const char *q = path; *q; q++)
        if ((unsigned char)*q < 0x20 || *q == '\\' || *q == 0x7f)
            return ep_err_set(err, "unsafe file path '%s': control character or backslash", path);
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);

        if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
            return ep_err_set(err, "unsafe file path '%s': empty, '.' or '..' component", path);
        p += len + (slash ? 1 : 0);
        if (slash && !*p)
            return ep_err_set(err, "unsafe file path '%s': ends with '/'", path);
    }
    return 0;
}

bool
hfcache_etag_ok(const char *etag)
{
    size_t n = strlen(etag);

    if (n != 40 && n != 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((etag[i] >= '0' && etag[i] <= '9') || (etag[i] >= 'a' && etag[i] <= 'f')))
            return false;
    return true;
}

static bool
is_commit(const char *rev)
{
    return strlen(rev) == 40 && hfcache_etag_ok(rev);
}

char *
hfcache_ref_read(const char *repo_dir, const char *rev)
{
    char *path, buf[64];
    int rc;

    if (is_commit(rev))
        return xstrdup(rev);
    path = xstrfmt("%s/refs/%s", repo_dir, rev);
    rc = fs_first_line(path, buf, sizeof(buf));
    free(path);
    return rc == 0 && is_commit(buf) ? xstrdup(buf) : NULL;
}

int
hfcache_ref_write(const char *repo_dir, const char *rev, const char *commit, struct ep_err *err)
{
    char *path, *dir, *slash;
    int rc;

    if (is_commit(rev))
        return 0;
    if (hfcache_check_path(rev, err) < 0)
        return -1;
    path = xstrfmt("%s/refs/%s", repo_dir, rev);
    dir = xstrdup(path);
    slash = strrchr(dir, '/');
    *slash = '\0';
    rc = fs_mkdirs(dir, err);
    if (rc == 0)
        rc = fs_write_atomic(path, commit, strlen(commit), err); /* no newline, like huggingface_hub */
    free(dir);
    free(path);
    return rc;
}

char *
hfcache_snapshot_file(const char *repo_dir, const char *commit, const char *path)
{
    return xstrfmt("%s/snapshots/%s/%s", repo_dir, commit, path);
}

char *
hfcache_blob(const char *repo_dir, const char *etag)
{
    return xstrfmt("%s/blobs/%s", repo_dir, etag);
}

bool
hfcache_has(const char *repo_dir, const char *commit, const char *path)
{
    char *p = hfcache_snapshot_file(repo_dir, commit, path);
    struct stat st;
    bool ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);

    free(p);
    return ok;
}

int
hfcache_link(const char *repo_dir, const char *commit, const char *path, const char *etag,
             struct ep_err *err)
{
    char *file = hfcache_snapshot_file(repo_dir, commit, path);
    char *dir = xstrdup(file), *tmp = NULL;
    struct buf target = BUF_INIT;
    int rc = -1;

    *strrchr(dir, '/') = '\0';
    if (fs_mkdirs(dir, err) < 0)
        goto out;
    /* From snapshots/<commit>/<path>: one "../" per directory level, then two more. */
    buf_addstr(&target, "../../");
    for (const char *p = path; *p; p++)
        if (*p == '/')
            buf_addstr(&target, "../");
    buf_addf(&target, "blobs/%s", etag);
    tmp = xstrfmt("%s.tmp.%ld", file, (long)getpid());
    unlink(tmp);
    if (symlink(target.buf, tmp) < 0 || rename(tmp, file) < 0) {
        ep_err_set(err, "cannot link '%s': %s", file, strerror(errno));
        unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    free(tmp);
    buf_release(&target);
    free(dir);
    free(file);
    return rc;
}

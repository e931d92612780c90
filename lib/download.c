/*
 * download — one cache file: stream, verify, rename, link.
 */
#include "lib/download.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "lib/hfcache.h"
#include "lib/sha.h"
#include "lib/xalloc.h"

struct dl_state {
    struct download *d;
    FILE *f;
    char *tmp; /* blobs/<sha256 of commit/path>.incomplete */
};

/* "W/\"abc\"" -> "abc" (huggingface_hub's _normalize_etag). */
static char *
normalize_etag(const char *v)
{
    size_t n;

    if (!v)
        return NULL;
    if (!strncmp(v, "W/", 2))
        v += 2;
    n = strlen(v);
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
        return xstrndup(v + 1, n - 2);
    return xstrdup(v);
}

/* Hash the file: SHA-256 for a 64-hex etag, git blob SHA-1 for a 40-hex one. */
static int
file_digest(const char *path, size_t want_len, char *hex, long long *size)
{
    FILE *f = fopen(path, "rb");
    unsigned char chunk[1 << 16];
    struct sha256 s256;
    struct sha1 s1;
    struct stat st;
    size_t n;

    if (!f || fstat(fileno(f), &st) < 0) {
        if (f)
            fclose(f);
        return -1;
    }
    *size = (long long)st.st_size;
    if (want_len == 64) {
        sha256_init(&s256);
    } else {
        char head[32];
        int hl = snprintf(head, sizeof(head), "blob %lld", (long long)st.st_size);

        sha1_init(&s1);
        sha1_update(&s1, head, (size_t)hl + 1);
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (want_len == 64)
            sha256_update(&s256, chunk, n);
        else
            sha1_update(&s1, chunk, n);
    }
    fclose(f);
    if (want_len == 64)
        sha256_hex(&s256, hex);
    else
        sha1_hex(&s1, hex);
    return 0;
}

/* Verify the finished temp file against the etag, move it into place and link it. */
static int
settle(struct dl_state *st, struct http_req *req, char *msg, size_t msglen)
{
    struct download *d = st->d;
    char hex[65];
    struct ep_err err;
    char *blob;

    d->etag = normalize_etag(http_header_any(req, "X-Linked-Etag"));
    if (!d->etag)
        d->etag = normalize_etag(http_header_any(req, "ETag"));
    if (!d->etag || !hfcache_etag_ok(d->etag)) {
        snprintf(msg, msglen, "%s: the Hub sent no usable ETag", d->path);
        return -1;
    }
    if (file_digest(st->tmp, strlen(d->etag), hex, &d->size) < 0 || strcmp(hex, d->etag)) {
        snprintf(msg, msglen, "%s: content does not match its ETag %s (corrupt download removed)",
                 d->path, d->etag);
        unlink(st->tmp);
        return -1;
    }
    blob = hfcache_blob(d->repo_dir, d->etag);
    if (rename(st->tmp, blob) < 0) {
        snprintf(msg, msglen, "cannot move download to '%s': %s", blob, strerror(errno));
        free(blob);
        return -1;
    }
    free(blob);
    if (hfcache_link(d->repo_dir, d->commit, d->path, d->etag, &err) < 0) {
        snprintf(msg, msglen, "%s", err.msg);
        return -1;
    }
    return 0;
}

/* Reset what a finished request collected so it can be sent again. */
static void
clear_for_retry(struct http_req *req)
{
    buf_reset(&req->resp);
    req->attempts = 0;
    req->redirects = 0;
}

static void
on_file(struct http_req *req, void *ctx)
{
    struct dl_state *st = ctx;
    struct download *d = st->d;
    char msg[512] = "";
    bool ok = false;

    if (req->status == 416 && req->resume_from > 0) {
        /* What was left from an earlier run cannot be resumed: start it over, once. */
        struct http_client *c = req->client;

        if (ftruncate(fileno(st->f), 0) == 0 && fseeko(st->f, 0, SEEK_SET) == 0) {
            req->resume_from = 0;
            clear_for_retry(req);
            http_submit(c, req);
            return;
        }
    }
    if (fclose(st->f) != 0 && http_ok(req))
        snprintf(msg, sizeof(msg), "%s: write error: %s", d->path, strerror(errno));
    else if (!http_ok(req))
        hub_error(req, d->path, msg, sizeof(msg));
    else
        ok = settle(st, req, msg, sizeof(msg)) == 0;
    free(st->tmp);
    free(st);
    http_req_free(req);
    d->done(d, ok, ok ? NULL : msg, d->ctx);
}

struct download *
download_start(struct http_client *c, const char *repo_dir, enum hub_type t, const char *repo,
               const char *commit, const char *path, download_done_fn done, void *ctx,
               struct ep_err *err)
{
    struct dl_state *st;
    struct download *d;
    struct http_req *req;
    struct sha256 h;
    char key[65], *blobs, *url;
    struct stat sb;

    if (hfcache_check_path(path, err) < 0)
        return NULL;
    blobs = xstrfmt("%s/blobs", repo_dir);
    if (fs_mkdirs(blobs, err) < 0) {
        free(blobs);
        return NULL;
    }
    /* The temporary name depends only on (commit, path): a rerun resumes it. */
    sha256_init(&h);
    sha256_update(&h, commit, strlen(commit));
    sha256_update(&h, "/", 1);
    sha256_update(&h, path, strlen(path));
    sha256_hex(&h, key);
    st = xcalloc(1, sizeof(*st));
    st->tmp = xstrfmt("%s/%s.incomplete", blobs, key);
    free(blobs);
    st->f = fopen(st->tmp, "ab");
    if (!st->f) {
        ep_err_set(err, "cannot write '%s': %s", st->tmp, strerror(errno));
        free(st->tmp);
        free(st);
        return NULL;
    }
    d = xcalloc(1, sizeof(*d));
    d->repo_dir = xstrdup(repo_dir);
    d->repo = xstrdup(repo);
    d->commit = xstrdup(commit);
    d->path = xstrdup(path);
    d->type = t;
    d->done = done;
    d->ctx = ctx;
    st->d = d;
    url = hub_url_resolve(http_endpoint(c), t, repo, commit, path);
    req = http_req_new(url, on_file, st);
    free(url);
    req->sink = st->f;
    if (fstat(fileno(st->f), &sb) == 0)
        req->resume_from = (long long)sb.st_size;
    http_submit(c, req);
    return d;
}

void
download_free(struct download *d)
{
    if (!d)
        return;
    free(d->repo_dir);
    free(d->repo);
    free(d->commit);
    free(d->path);
    free(d->etag);
    free(d);
}

/*
 * download — fetch one repo file into the local HF cache (hfcache layout):
 * stream it to blobs/<name>.incomplete (resumed on the next run when a
 * previous one was cut off), check it against the ETag the Hub sent (git
 * SHA-1 for regular files, SHA-256 for LFS files), rename it to
 * blobs/<etag> and link snapshots/<commit>/<path> to it.
 */
#ifndef EVALPIPE_DOWNLOAD_H
#define EVALPIPE_DOWNLOAD_H

#include "lib/http.h"
#include "lib/hub.h"

struct download;

/* Called once when the file is in the cache (ok) or failed (error has the message). */
typedef void (*download_done_fn)(struct download *d, bool ok, const char *error, void *ctx);

struct download {
    char *repo_dir; /* the repo's cache folder */
    char *repo;
    char *commit;
    char *path;
    char *etag;     /* after success */
    long long size; /* bytes in the blob after success */
    enum hub_type type;
    download_done_fn done;
    void *ctx;
};

/*
 * Start downloading `path` of repo at `commit` (40-hex) into the cache at
 * repo_dir. The callback runs from http_step(); the caller frees d with
 * download_free() afterwards. Returns NULL (and calls nothing) when the
 * download cannot start, with err set.
 */
struct download *download_start(struct http_client *c, const char *repo_dir, enum hub_type t,
                                const char *repo, const char *commit, const char *path,
                                download_done_fn done, void *ctx, struct ep_err *err);
void download_free(struct download *d);

#endif

/*
 * hfcache — the huggingface_hub cache layout, so files downloaded here are
 * found by Python tools and the other way round:
 *   <root>/<models|datasets|spaces>--<org>--<name>/
 *       blobs/<etag>                 content, named by git SHA-1 or LFS SHA-256
 *       snapshots/<commit>/<path>    relative symlinks to ../../blobs/<etag>
 *       refs/<revision>              the commit a branch or tag resolved to
 * Writes are atomic (temporary name + rename), downloads resumable from
 * blobs/<etag>.incomplete, and no path from outside can leave the repo folder.
 *
 * Functions returning char * return new heap strings the caller frees.
 */
#ifndef EVALPIPE_HFCACHE_H
#define EVALPIPE_HFCACHE_H

#include <stdbool.h>

#include "lib/repoid.h"
#include "lib/msg.h"

/* <root>/<type>s--<org>--<name> */
char *hfcache_repo_dir(const char *root, enum hub_type t, const char *repo);

/*
 * Check a file path from a repo listing: relative, no empty, "." or ".."
 * component, no backslash or control character. 0, or -1 with err set.
 */
int hfcache_check_path(const char *path, struct ep_err *err);

/* An etag usable as a blob name: 40 or 64 lowercase hex digits. */
bool hfcache_etag_ok(const char *etag);

/* The commit refs/<rev> names (a 40-hex rev is its own commit), or NULL. */
char *hfcache_ref_read(const char *repo_dir, const char *rev);
/* Record refs/<rev> = commit (atomically; a 40-hex rev is not recorded). */
int hfcache_ref_write(const char *repo_dir, const char *rev, const char *commit,
                      struct ep_err *err);

/* snapshots/<commit>/<path> */
char *hfcache_snapshot_file(const char *repo_dir, const char *commit, const char *path);
/* blobs/<etag> */
char *hfcache_blob(const char *repo_dir, const char *etag);
/* True when snapshots/<commit>/<path> resolves to an existing file. */
bool hfcache_has(const char *repo_dir, const char *commit, const char *path);

/*
 * Link snapshots/<commit>/<path> to blobs/<etag> with a relative symlink,
 * creating directories; replaces an existing link atomically.
 */
int hfcache_link(const char *repo_dir, const char *commit, const char *path, const char *etag,
                 struct ep_err *err);

#endif

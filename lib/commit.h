/*
 * commit — what pr-open sends to the Hub's commit API: the NDJSON body
 * (a header line, then one line per file, content base64) and the change
 * marker, a SHA-256 over the proposed files that pr-open writes into each
 * pull request's description so a rerun can recognise its own change.
 */
#ifndef EVALPIPE_COMMIT_H
#define EVALPIPE_COMMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"

struct commit_file {
    const char *path;
    const char *content;
    size_t len;
};

/* The marker of a set of files ("sha256:<64 hex>"), independent of their order. */
#define COMMIT_MARKER_MAX 72
void commit_marker(const struct commit_file *files, size_t n, char out[COMMIT_MARKER_MAX]);

/* The line pr-open puts in a description: "<!-- evalpipe-change: MARKER -->". */
void commit_marker_line(struct buf *out, const char *marker);

/* True when text carries the marker line for marker. */
bool commit_has_marker(const char *text, const char *marker);

/*
 * The body of POST /api/{type}s/{repo}/commit/{rev}: one JSON object per
 * line, {"key":"header","value":{"summary","description","parentCommit"?}},
 * then {"key":"file","value":{"path","content","encoding":"base64"}} each.
 */
void commit_payload(struct buf *out, const char *summary, const char *description,
                    const char *parent, const struct commit_file *files, size_t n);

/* Standard base64 (RFC 4648, with padding), appended to out. */
void base64_encode(struct buf *out, const void *data, size_t len);

#endif

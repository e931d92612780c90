/*
 * commit — commit API payloads and change markers.
 */
#include "lib/commit.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ndjson.h"
#include "lib/rec.h"
#include "lib/sha.h"
#include "lib/xalloc.h"

void
base64_encode(struct buf *out, const void *data, size_t len)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = data;
    size_t i;

    buf_grow(out, (len + 2) / 3 * 4);
    for (i = 0; i + 2 < len; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        char q[4] = { tab[v >> 18], tab[(v >> 12) & 63], tab[(v >> 6) & 63], tab[v & 63] };
        buf_add(out, q, 4);
    }
    if (i < len) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < len ? (unsigned)p[i + 1] << 8 : 0);
        char q[4] = { tab[v >> 18], tab[(v >> 12) & 63], i + 1 < len ? tab[(v >> 6) & 63] : '=',
                      '=' };
        buf_add(out, q, 4);
    }
}

static int
by_path(const void *a, const void *b)
{
    return strcmp(((const struct commit_file *)a)->path, ((const struct commit_file *)b)->path);
}

void
commit_marker(const struct commit_file *files, size_t n, char out[COMMIT_MARKER_MAX])
{
    struct commit_file *sorted = xmalloc((n ? n : 1) * sizeof(*sorted));
    struct sha256 h;
    char hex[65];

    memcpy(sorted, files, n * sizeof(*sorted));
    qsort(sorted, n, sizeof(*sorted), by_path);
    sha256_init(&h);
    for (size_t i = 0; i < n; i++) {
        char len[32];
        int l = snprintf(len, sizeof(len), "%zu", sorted[i].len);

        /* path NUL length NUL content: no two different file sets hash alike by framing */
        sha256_update(&h, sorted[i].path, strlen(sorted[i].path) + 1);
        sha256_update(&h, len, (size_t)l + 1);
        sha256_update(&h, sorted[i].content, sorted[i].len);
    }
    sha256_hex(&h, hex);
    snprintf(out, COMMIT_MARKER_MAX, "sha256:%s", hex);
    free(sorted);
}

void
commit_marker_line(struct buf *out, const char *marker)
{
    buf_addf(out, "<!-- evalpipe-change: %s -->", marker);
}

bool
commit_has_marker(const char *text, const char *marker)
{
    struct buf line = BUF_INIT;
    bool found;

    commit_marker_line(&line, marker);
    found = text && strstr(text, line.buf) != NULL;
    buf_release(&line);
    return found;
}

static void
put_line(struct buf *out, const char *key, json_t *value)
{
    json_t *o = json_object();

    rec_set_str(o, "key", key);
    rec_set(o, "value", value);
    ndjson_dump(out, o);
    buf_addch(out, '\n');
    json_decref(o);
}

void
commit_payload(struct buf *out, const char *summary, const char *description,
               const char *parent, const struct commit_file *files, size_t n)
{
    json_t *h = json_object();

    rec_set_str(h, "summary", summary);
    rec_set_str(h, "description", description ? description : "");
    if (parent)
        rec_set_str(h, "parentCommit", parent);
    put_line(out, "header", h);
    for (size_t i = 0; i < n; i++) {
        struct buf b64 = BUF_INIT;
        json_t *f = json_object();

        base64_encode(&b64, files[i].content, files[i].len);
        rec_set_str(f, "path", files[i].path);
        rec_set_strn(f, "content", b64.buf, b64.len);
        rec_set_str(f, "encoding", "base64");
        put_line(out, "file", f);
        buf_release(&b64);
    }
}

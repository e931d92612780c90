/*
 * ziptool — a command-line window on lib/inflate, lib/zstdec and lib/zipdir
 * for the oracle tests (tests/sh/t-decoders.sh compares it with Python's
 * zlib, zipfile and zstandard on generated inputs).
 *
 *   ziptool inflate FILE          raw deflate data -> stdout
 *   ziptool zstd FILE             zstd frames -> stdout
 *   ziptool list ARCHIVE          one line per member: method usize name
 *   ziptool cat ARCHIVE MEMBER    the member's content -> stdout
 *   ziptool xxh64 FILE            the XXH64 (seed 0) in hex
 *
 * Exit status 0, or 1 with one line on stderr when the library refuses.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/inflate.h"
#include "lib/msg.h"
#include "lib/zipdir.h"
#include "lib/zstdec.h"

#define CAP ((size_t)512 << 20)

static int
slurp(const char *path, struct buf *b)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t n;

    if (!f)
        return error("cannot open '%s': %s", path, strerror(errno));
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_add(b, chunk, n);
    fclose(f);
    return 0;
}

static int
finish(int rc, const struct ep_err *err, const struct buf *out)
{
    if (rc < 0) {
        fprintf(stderr, "ziptool: %s\n", err->msg);
        return 1;
    }
    fwrite(out->buf, 1, out->len, stdout);
    return fflush(stdout) == 0 ? 0 : 2;
}

int
main(int argc, char **argv)
{
    struct buf in = BUF_INIT, out = BUF_INIT;
    struct ep_err err = { "" };
    struct zipdir z;
    int rc;

    msg_init(argv[0]);
    if (argc < 3)
        return 2;
    if (!strcmp(argv[1], "list") || !strcmp(argv[1], "cat")) {
        const struct zipdir_entry *e;

        rc = zipdir_open(&z, argv[2], &err);
        if (rc == 0 && !strcmp(argv[1], "list")) {
            for (size_t i = 0; i < z.nr; i++)
                printf("%u %" PRIu64 " %s\n", z.entries[i].method, z.entries[i].usize,
                       z.entries[i].name);
        } else if (rc == 0) {
            e = argc > 3 ? zipdir_find(&z, argv[3]) : NULL;
            rc = e ? zipdir_read(&z, e, CAP, &out, &err) : ep_err_set(&err, "no such member");
        }
        zipdir_release(&z);
        rc = finish(rc, &err, &out);
    } else {
        if (slurp(argv[2], &in) < 0)
            return 1;
        if (!strcmp(argv[1], "inflate"))
            rc = finish(inflate_raw((unsigned char *)in.buf, in.len, CAP, &out, NULL, &err), &err,
                        &out);
        else if (!strcmp(argv[1], "zstd"))
            rc = finish(zstdec_decompress((unsigned char *)in.buf, in.len, CAP, &out, &err), &err,
                        &out);
        else if (!strcmp(argv[1], "xxh64"))
            rc = printf("%016" PRIx64 "\n", zstdec_xxh64(in.buf, in.len, 0)) > 0 ? 0 : 2;
        else
            rc = 2;
    }
    buf_release(&in);
    buf_release(&out);
    return rc;
}

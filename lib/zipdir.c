/*
 * zipdir — ZIP central directory reader (APPNOTE 4.3.6, 4.3.12, 4.3.14-16,
 * 4.5.3) and member extraction.
 */
#include "lib/zipdir.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/inflate.h"
#include "lib/xalloc.h"
#include "lib/zstdec.h"

#define EOCD_SIZE      22
#define EOCD_SEARCH    (65535 + EOCD_SIZE)
#define CDH_SIZE       46 /* central directory file header, fixed part */
#define LFH_SIZE       30 /* local file header, fixed part */
#define METHOD_STORED  0
#define METHOD_DEFLATE 8
#define METHOD_ZSTD    93

static uint64_t
le(const unsigned char *p, int n)
{
    uint64_t v = 0;

    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

uint32_t
zipdir_crc32(uint32_t crc, const void *data, size_t len)
{
    static uint32_t table[256];
    const unsigned char *p = data;

    if (!table[1])
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;

            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    crc = ~crc;
    for (size_t i = 0; i < len; i++)
        crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

int
zipdir_magic(const void *p, size_t len)
{
    return len >= 4 && (!memcmp(p, "PK\3\4", 4) || !memcmp(p, "PK\5\6", 4));
}

/* Read len bytes at off into out; -1 with err set when they are not all there. */
static int
read_at(struct zipdir *z, uint64_t off, void *out, size_t len, struct ep_err *err)
{
    if (off > z->size || len > z->size - off)
        return ep_err_set(err, "truncated ZIP archive");
    if (z->mem) {
        memcpy(out, z->mem + off, len);
        return 0;
    }
    if (fseeko(z->f, (off_t)off, SEEK_SET) < 0 || fread(out, 1, len, z->f) != len)
        return ep_err_set(err, "cannot read the ZIP archive: %s",
                          ferror(z->f) ? strerror(errno) : "unexpected end of file");
    return 0;
}

/* ---------------------------------------------------------------- directory */

struct cdir {
    uint64_t count, size, offset;
};

/* The ZIP64 end record pointed to by the locator just before the end record at eocd. */
static int
zip64_end(struct zipdir *z, uint64_t eocd, struct cdir *cd, struct ep_err *err)
{
    unsigned char loc[20], rec[56];

    if (eocd < 20 || read_at(z, eocd - 20, loc, 20, err) < 0 || memcmp(loc, "PK\6\7", 4))
        return ep_err_set(err, "bad ZIP archive: ZIP64 end locator missing");
    if (read_at(z, le(loc + 8, 8), rec, 56, err) < 0 || memcmp(rec, "PK\6\6", 4))
        return ep_err_set(err, "bad ZIP archive: ZIP64 end record missing");
    cd->count = le(rec + 32, 8);
    cd->size = le(rec + 40, 8);
    cd->offset = le(rec + 48, 8);
    return 0;
}

static int
find_end(struct zipdir *z, struct cdir *cd, struct ep_err *err)
{
    size_t tail = z->size < EOCD_SEARCH ? (size_t)z->size : EOCD_SEARCH;
    unsigned char *buf = xmalloc(tail ? tail : 1);
    uint64_t base = z->size - tail;
    int rc = -1;

    if (tail < EOCD_SIZE) {
        ep_err_set(err, "not a ZIP archive (too short)");
        goto out;
    }
    if (read_at(z, base, buf, tail, err) < 0)
        goto out;
    for (size_t i = tail - EOCD_SIZE + 1; i-- > 0;) {
        const unsigned char *e = buf + i;

        if (memcmp(e, "PK\5\6", 4) || i + EOCD_SIZE + le(e + 20, 2) > tail)
            continue;
        cd->count = le(e + 10, 2);
        cd->size = le(e + 12, 4);
        cd->offset = le(e + 16, 4);
        if (cd->count == 0xFFFF || cd->size == 0xFFFFFFFF || cd->offset == 0xFFFFFFFF)
            rc = zip64_end(z, base + i, cd, err);
        else
            rc = 0;
        goto out;
    }
    ep_err_set(err, "not a ZIP archive (no end of central directory record)");
out:
    free(buf);
    return rc;
}

/* Sizes and offset saturated in the fixed header come from the ZIP64 extra field. */
static int
zip64_extra(struct zipdir_entry *e, const unsigned char *x, size_t len, bool need[3])
{
    while (len >= 4) {
        size_t id = (size_t)le(x, 2), n = (size_t)le(x + 2, 2), pos = 4;
        uint64_t *field[3] = { &e->usize, &e->csize, &e->offset };

        if (n > len - 4)
            return -1;
        if (id == 1) {
            for (int i = 0; i < 3; i++) {
                if (!need[i])
                    continue;
                if (pos + 8 > 4 + n)
                    return -1;
                *field[i] = le(x + pos, 8);
                need[i] = false;
                pos += 8;
            }
        }
        x += 4 + n;
        len -= 4 + n;
    }
    return need[0] || need[1] || need[2] ? -1 : 0;
}

static int
parse_cdir(struct zipdir *z, const unsigned char *p, size_t len, uint64_t count, struct ep_err *err)
{
    size_t pos = 0;

    for (uint64_t i = 0; i < count; i++) {
        struct zipdir_entry e = { 0 };
        size_t nlen, xlen, clen;
        bool need[3];

        if (len - pos < CDH_SIZE || memcmp(p + pos, "PK\1\2", 4))
            return ep_err_set(err, "bad ZIP central directory (entry %llu)",
                              (unsigned long long)i + 1);
        e.flags = (uint16_t)le(p + pos + 8, 2);
        e.method = (uint16_t)le(p + pos + 10, 2);
        e.crc = (uint32_t)le(p + pos + 16, 4);
        e.csize = le(p + pos + 20, 4);
        e.usize = le(p + pos + 24, 4);
        nlen = (size_t)le(p + pos + 28, 2);
        xlen = (size_t)le(p + pos + 30, 2);
        clen = (size_t)le(p + pos + 32, 2);
        e.offset = le(p + pos + 42, 4);
        if (len - pos - CDH_SIZE < nlen + xlen + clen)
            return ep_err_set(err, "bad ZIP central directory (entry %llu)",
                              (unsigned long long)i + 1);
        need[0] = e.usize == 0xFFFFFFFF;
        need[1] = e.csize == 0xFFFFFFFF;
        need[2] = e.offset == 0xFFFFFFFF;
        if (zip64_extra(&e, p + pos + CDH_SIZE + nlen, xlen, need) < 0)
            return ep_err_set(err, "bad ZIP64 extra field (entry %llu)", (unsigned long long)i + 1);
        e.name = xstrndup((const char *)p + pos + CDH_SIZE, nlen);
        ALLOC_GROW(z->entries, z->nr + 1, z->alloc);
        z->entries[z->nr++] = e;
        pos += CDH_SIZE + nlen + xlen + clen;
    }
    return 0;
}

static int
read_dir(struct zipdir *z, struct ep_err *err)
{
    struct cdir cd;
    unsigned char *p;
    int rc;

    if (find_end(z, &cd, err) < 0)
        return -1;
    if (cd.count > ZIPDIR_MAX_ENTRIES || cd.size > ZIPDIR_MAX_CDIR)
        return ep_err_set(err, "ZIP archive with too many entries (%llu)",
                          (unsigned long long)cd.count);
    if (cd.offset > z->size || cd.size > z->size - cd.offset)
        return ep_err_set(err, "truncated ZIP archive (central directory past the end)");
    p = xmalloc(cd.size ? (size_t)cd.size : 1);
    rc = read_at(z, cd.offset, p, (size_t)cd.size, err);
    if (rc == 0)
        rc = parse_cdir(z, p, (size_t)cd.size, cd.count, err);
    free(p);
    return rc;
}

int
zipdir_open_mem(struct zipdir *z, const void *data, size_t len, struct ep_err *err)
{
    memset(z, 0, sizeof(*z));
    z->mem = data;
    z->size = len;
    return read_dir(z, err);
}

int
zipdir_open(struct zipdir *z, const char *path, struct ep_err *err)
{
    off_t end;

    memset(z, 0, sizeof(*z));
    z->f = fopen(path, "rb");
    if (!z->f)
        return ep_err_set(err, "cannot open '%s': %s", path, strerror(errno));
    if (fseeko(z->f, 0, SEEK_END) < 0 || (end = ftello(z->f)) < 0)
        return ep_err_set(err, "cannot read '%s': %s", path, strerror(errno));
    z->size = (uint64_t)end;
    return read_dir(z, err);
}

void
zipdir_release(struct zipdir *z)
{
    for (size_t i = 0; i < z->nr; i++)
        free(z->entries[i].name);
    free(z->entries);
    if (z->f)
        fclose(z->f);
    memset(z, 0, sizeof(*z));
}

const struct zipdir_entry *
zipdir_find(const struct zipdir *z, const char *name)
{
    for (size_t i = 0; i < z->nr; i++)
        if (!strcmp(z->entries[i].name, name))
            return &z->entries[i];
    return NULL;
}

/* ---------------------------------------------------------------- members */

int
zipdir_read(struct zipdir *z, const struct zipdir_entry *e, size_t max_out, struct buf *out,
            struct ep_err *err)
{
    unsigned char lfh[LFH_SIZE], *data = NULL;
    uint64_t start;
    size_t first = out->len;
    int rc = -1;

    if (e->flags & 1)
        return ep_err_set(err, "ZIP member '%s' is encrypted", e->name);
    if (e->method != METHOD_STORED && e->method != METHOD_DEFLATE && e->method != METHOD_ZSTD)
        return ep_err_set(err, "ZIP member '%s' uses unsupported method %u", e->name, e->method);
    if (e->usize > max_out)
        return ep_err_set(err, "ZIP member '%s' is larger than %zu bytes", e->name, max_out);
    if (e->csize > (uint64_t)max_out + max_out / 8 + 4096 ||
        (e->method == METHOD_STORED && e->csize != e->usize))
        return ep_err_set(err, "ZIP member '%s' has a bad compressed size", e->name);
    if (read_at(z, e->offset, lfh, LFH_SIZE, err) < 0 || memcmp(lfh, "PK\3\4", 4))
        return ep_err_set(err, "bad local header of ZIP member '%s'", e->name);
    start = e->offset + LFH_SIZE + le(lfh + 26, 2) + le(lfh + 28, 2);
    data = xmalloc(e->csize ? (size_t)e->csize : 1);
    if (read_at(z, start, data, (size_t)e->csize, err) < 0)
        goto out;
    if (e->method == METHOD_STORED)
        buf_add(out, data, (size_t)e->csize);
    else if (e->method == METHOD_DEFLATE)
        rc = inflate_raw(data, (size_t)e->csize, (size_t)e->usize, out, NULL, err);
    else
        rc = zstdec_decompress(data, (size_t)e->csize, (size_t)e->usize, out, err);
    if (e->method != METHOD_STORED && rc < 0) {
        char why[sizeof(err->msg)];

        snprintf(why, sizeof(why), "%s", err->msg);
        ep_err_set(err, "ZIP member '%s': %s", e->name, why);
        goto out;
    }
    rc = -1;
    if (out->len - first != e->usize)
        ep_err_set(err, "ZIP member '%s' has %zu bytes, not %llu", e->name, out->len - first,
                   (unsigned long long)e->usize);
    else if (zipdir_crc32(0, out->buf + first, out->len - first) != e->crc)
        ep_err_set(err, "ZIP member '%s' fails its CRC-32 check", e->name);
    else
        rc = 0;
out:
    free(data);
    return rc;
}

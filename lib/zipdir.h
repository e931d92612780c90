/*
 * zipdir — read single members of a ZIP archive through its central
 * directory (PKWARE APPNOTE 6.3: end record, ZIP64 end record and extra
 * fields), without reading the rest of the file.
 *
 * Members may be stored (method 0), deflated (8, lib/inflate) or zstd
 * compressed (93, lib/zstdec); each is checked against its CRC-32 and size.
 * Every size is capped, so a crafted archive cannot make the reader allocate
 * or inflate without bound. A zipdir owns its entries and, for an archive
 * opened from a path, its FILE; release it with zipdir_release().
 */
#ifndef EVALPIPE_ZIPDIR_H
#define EVALPIPE_ZIPDIR_H

#include <stdint.h>
#include <stdio.h>

#include "lib/buf.h"
#include "lib/msg.h"

#define ZIPDIR_MAX_ENTRIES 1000000
#define ZIPDIR_MAX_CDIR    ((uint64_t)256 << 20) /* central directory bytes */

struct zipdir_entry {
    char *name;
    uint16_t flags, method;
    uint32_t crc;
    uint64_t csize, usize; /* compressed, uncompressed */
    uint64_t offset;       /* of the local header */
};

struct zipdir {
    const unsigned char *mem; /* zipdir_open_mem(): the archive, not owned */
    FILE *f;                  /* zipdir_open(): the open file */
    uint64_t size;
    struct zipdir_entry *entries;
    size_t nr, alloc;
};

/* True when the bytes start like a ZIP archive ("PK\3\4" or an empty archive's "PK\5\6"). */
int zipdir_magic(const void *p, size_t len);

/*
 * Open the archive at path / in memory and read its directory. 0, or -1 with
 * err set. Call zipdir_release() afterwards either way.
 */
int zipdir_open(struct zipdir *z, const char *path, struct ep_err *err);
int zipdir_open_mem(struct zipdir *z, const void *data, size_t len, struct ep_err *err);
void zipdir_release(struct zipdir *z);

/* The entry named name, or NULL. Borrowed from z. */
const struct zipdir_entry *zipdir_find(const struct zipdir *z, const char *name);

/*
 * Append the uncompressed content of entry e to out. Fails (-1, err set)
 * for an unknown method, encryption, a size over max_out, corrupt data or a
 * CRC mismatch.
 */
int zipdir_read(struct zipdir *z, const struct zipdir_entry *e, size_t max_out, struct buf *out,
                struct ep_err *err);

/* CRC-32 (the ZIP and gzip polynomial) of p[0, len), continuing from crc (0 to start). */
uint32_t zipdir_crc32(uint32_t crc, const void *p, size_t len);

#endif

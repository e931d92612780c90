/*
 * sha — SHA-1 and SHA-256 (FIPS 180-4), for content addresses: the Hub's
 * ETags (git blob SHA-1, LFS SHA-256) and content markers.
 */
#ifndef EVALPIPE_SHA_H
#define EVALPIPE_SHA_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
    uint32_t h[8];
    uint64_t len;
    unsigned char block[64];
    size_t fill;
};

struct sha1 {
    uint32_t h[5];
    uint64_t len;
    unsigned char block[64];
    size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* Write the digest as 64 lowercase hex digits + NUL into hex[65]. */
void sha256_hex(struct sha256 *s, char hex[65]);

void sha1_init(struct sha1 *s);
void sha1_update(struct sha1 *s, const void *data, size_t len);
void sha1_hex(struct sha1 *s, char hex[41]);

/* git's blob id of data: SHA-1 of "blob <len>\0" + data. */
void sha1_git_blob(const void *data, size_t len, char hex[41]);

#endif

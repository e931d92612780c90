/*
 * zstdec — a Zstandard (RFC 8878) decoder for the members of ZIP archives
 * (ZIP method 93, which inspect-ai writes).
 *
 * Decodes one or more frames (skippable frames are skipped) held whole in
 * memory: raw, RLE and compressed blocks, Huffman-coded literals (one or four
 * streams, repeated tables), FSE-coded sequences (predefined, RLE, compressed
 * and repeated tables), repeat offsets, and the optional XXH64 content
 * checksum, which is verified. Dictionaries are not supported. Output is
 * capped, so a small frame cannot expand into gigabytes.
 */
#ifndef EVALPIPE_ZSTDEC_H
#define EVALPIPE_ZSTDEC_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/msg.h"

/*
 * Decompress the frames in in[0, len) and append the content to out.
 * Returns 0, or -1 with err set (corrupt or truncated data, a dictionary,
 * a checksum mismatch, more than max_out bytes of output). On failure out
 * may hold part of the output.
 */
int zstdec_decompress(const unsigned char *in, size_t len, size_t max_out, struct buf *out,
                      struct ep_err *err);

/* XXH64 of p[0, len) with `seed` (the hash zstd frames carry). */
uint64_t zstdec_xxh64(const void *p, size_t len, uint64_t seed);

#endif

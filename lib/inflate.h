/*
 * inflate — a DEFLATE (RFC 1951) decoder for the members of ZIP archives.
 *
 * Raw deflate data only (no zlib or gzip wrapper), all three block types,
 * the whole input in memory. Output is capped: a stream that would inflate
 * past the cap is refused, so a small archive cannot expand into gigabytes.
 */
#ifndef EVALPIPE_INFLATE_H
#define EVALPIPE_INFLATE_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/msg.h"

/*
 * Inflate the raw deflate stream in[0, len) and append the result to out.
 * Returns 0, or -1 with err set (corrupt or truncated data, more than
 * max_out bytes of output). Bytes after the final block are ignored; *used,
 * if not NULL, is set to the number of input bytes the stream took. On
 * failure out may hold part of the output.
 */
int inflate_raw(const unsigned char *in, size_t len, size_t max_out, struct buf *out, size_t *used,
                struct ep_err *err);

#endif

/*
 * utf8 — validation and repair of UTF-8 text from outside.
 */
#ifndef EVALPIPE_UTF8_H
#define EVALPIPE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

/*
 * True if s[0..len) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF,
 * NUL bytes rejected). Otherwise false and *bad (if not NULL) is the offset
 * of the first bad byte.
 */
bool utf8_valid(const char *s, size_t len, size_t *bad);

/*
 * Decode the code point at s[0, len) (len > 0) into *cp and return its
 * length; an invalid sequence gives U+FFFD and length 1.
 */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Append s to out with each invalid sequence replaced by U+FFFD (and NUL by U+FFFD). */
void utf8_repair(struct buf *out, const char *s, size_t len);

#endif

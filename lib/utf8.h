/*
 * utf8 — validation and repair of UTF-8 text from outside.
 */
#ifndef EVALPIPE_UTF8_H
#define EVALPIPE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"

/*
 * True if s[0..len) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF,
 * NUL bytes rejected). Otherwise false and *bad (if not NULL) is the offset
 * of the first bad byte.
 */
bool utf8_valid(const char *s, size_t len, size_t *bad);

/* Append s to out with each invalid sequence replaced by U+FFFD (and NUL by U+FFFD). */
void utf8_repair(struct buf *out, const char *s, size_t len);

#endif

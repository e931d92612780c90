/*
 * pyjson — read JSON the way Python's json module writes it by default
 * (allow_nan=True): standard JSON plus the bare tokens NaN, Infinity and
 * -Infinity, which lighteval, lm-evaluation-harness and inspect-ai put in
 * their result files.
 *
 * jansson cannot represent non-finite numbers, so a pre-pass replaces each
 * such token outside strings by null before parsing; strings (and "NaN"
 * inside them) are never touched. In the records evalpipe writes, such a
 * value is therefore absent or null, never a number; pyjson_loadb() reports
 * how many tokens it replaced so the caller can say so.
 */
#ifndef EVALPIPE_PYJSON_H
#define EVALPIPE_PYJSON_H

#include <jansson.h>
#include <stddef.h>

#include "lib/buf.h"
#include "lib/msg.h"

/*
 * Parse text[0, len) (one JSON value, an object or array at the top) with
 * jansson flags `flags`. Returns a new reference, or NULL with err set to
 * jansson's message and the line and column in the original text. When
 * nonfinite is not NULL it receives the number of NaN/Infinity tokens read
 * as null.
 */
json_t *pyjson_loadb(const char *text, size_t len, size_t flags, size_t *nonfinite,
                     struct ep_err *err);

/*
 * The pre-pass on its own: append text[0, len) to out with every bare NaN,
 * Infinity and -Infinity outside strings replaced by null. Returns the number
 * of replacements.
 */
size_t pyjson_nan_to_null(const char *text, size_t len, struct buf *out);

#endif

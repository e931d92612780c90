/*
 * diff — line-based unified diff (Myers' O((N+M)D) algorithm), for showing
 * what a change to a file would do: `diff -u` output with 3 lines of context.
 */
#ifndef EVALPIPE_DIFF_H
#define EVALPIPE_DIFF_H

#include <stddef.h>

#include "lib/buf.h"

/*
 * Append a unified diff of a -> b to out, with "--- a/NAME" / "+++ b/NAME"
 * headers (a NULL `a` means a new file: "--- /dev/null"). Nothing is
 * appended when the texts are equal. Lines are split on '\n'; a last line
 * without one is marked "\ No newline at end of file".
 */
void diff_unified(struct buf *out, const char *name, const char *a, size_t alen, const char *b,
                  size_t blen);

#endif

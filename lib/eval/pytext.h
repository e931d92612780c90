/*
 * pytext — the few Python str operations lm-eval's prompts are made of, on
 * UTF-8 text: isspace / strip / rstrip with Python's whitespace set, len()
 * in code points, lower(), capitalize() (title-case first character, the
 * rest lowercased, as Python 3.8+ does), and "x in s" / find.
 *
 * Functions that produce text append to a caller-owned struct buf. Input
 * must be valid UTF-8 (records are checked when read).
 */
#ifndef EVALPIPE_EVAL_PYTEXT_H
#define EVALPIPE_EVAL_PYTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

/* A code point's full case mapping (up to 3 code points, 0-padded). */
struct pytext_map {
    uint32_t cp, to[3];
};
extern const struct pytext_map pytext_title[];
extern const size_t pytext_title_len;

/* Python's str.isspace() for one code point. */
bool pytext_isspace(uint32_t cp);

/* len(s): the number of code points of s[0..n). */
size_t pytext_len(const char *s, size_t n);

/* The length of s[0..n) without its trailing Python whitespace (rstrip). */
size_t pytext_rstrip_len(const char *s, size_t n);

/* Narrow [*s, *s + *n) to s.strip(). */
void pytext_strip(const char **s, size_t *n);

/* Append s.lower() (per code point, full mappings). */
void pytext_lower(const char *s, size_t n, struct buf *out);

/* Append s.capitalize(). */
void pytext_capitalize(const char *s, size_t n, struct buf *out);

/* Append s with every occurrence of `from` replaced by `to` (str.replace). */
void pytext_replace(const char *s, size_t n, const char *from, const char *to, struct buf *out);

#endif

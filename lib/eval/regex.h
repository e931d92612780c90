/*
 * regex — a small backtracking regular-expression matcher over UTF-8, for
 * the pre-tokenizer patterns found in tokenizer.json files.
 *
 * Semantics follow Oniguruma (the engine of the tokenizers library): Perl
 * style leftmost-first alternation, greedy/lazy/possessive quantifiers,
 * (?i:...) groups, lookahead, classes with \p{..}, \s, \d, \w on Unicode.
 * Anything outside that subset (backreferences, lookbehind, atomic groups,
 * inline flags other than i) is a compile error, never a silent guess.
 * A compiled regex is immutable: searches on it may run concurrently.
 */
#ifndef EVALPIPE_EVAL_REGEX_H
#define EVALPIPE_EVAL_REGEX_H

#include <stddef.h>

#include "lib/msg.h"

struct regex;

/*
 * Compile pat[0..len) (UTF-8). Returns a new regex (free with regex_free),
 * or NULL with a message in err that says what is unsupported and where.
 */
struct regex *regex_compile(const char *pat, size_t len, struct ep_err *err);

void regex_free(struct regex *re);

/*
 * Find the leftmost match in s[0..len) (valid UTF-8) starting at or after
 * byte offset from. Returns 1 and sets [*mstart, *mend) on a match, 0 when
 * there is none, and -1 (err filled) when the backtracking budget runs out.
 */
int regex_search(const struct regex *re, const char *s, size_t len, size_t from, size_t *mstart,
                 size_t *mend, struct ep_err *err);

#endif

/*
 * frontmatter — split a README into its YAML front matter block and body,
 * byte for byte, the way the Hub does (the regex huggingface_hub copies from
 * the Hub server: ^(\s*---\n)([\S\s]*?)(\n---[ \t]*(\r\n|\n|$)), with \s as
 * in JavaScript, so a BOM counts as leading whitespace).
 *
 * The block is text[0, block_len): leading whitespace, the opening fence, the
 * YAML, the closing fence and its line end. The body is the rest, so
 * block + body is always the original text.
 */
#ifndef EVALPIPE_FRONTMATTER_H
#define EVALPIPE_FRONTMATTER_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"

struct frontmatter {
    bool found;
    size_t block_len; /* bytes of the whole block (0 when not found) */
    size_t yaml_off;  /* the YAML text between the fences */
    size_t yaml_len;
};

/* Find the front matter of text[0, len). Never fails; fm->found says whether there is one. */
void frontmatter_split(const char *text, size_t len, struct frontmatter *fm);

/* The line ending the text uses first ("\r\n", "\r" or "\n"; "\n" when it has none). */
const char *frontmatter_eol(const char *text, size_t len);

/*
 * Append to out the text with its YAML replaced by yaml[0, ylen) — every
 * other byte (leading whitespace, fences, body) unchanged. Without a front
 * matter, a new block "---EOL" yaml "---EOL" is put in front of the body
 * using the text's own line ending. yaml must end with a line ending (or be
 * empty).
 */
void frontmatter_replace(struct buf *out, const char *text, size_t len, const char *yaml,
                         size_t ylen);

#endif

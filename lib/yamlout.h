/*
 * yamlout — block-style YAML text from JSON values, every scalar written by
 * libyaml's emitter.
 *
 * libyaml chooses each scalar's style (plain, single- or double-quoted) and
 * does all quoting and escaping; this module only lays out the block
 * structure: indentation, "- ", "key:" and line ends. Every scalar comes out
 * on one line (line breaks are escaped inside double quotes, the width is
 * unlimited), so a fragment can be indented to any column and spliced into an
 * existing document. A string that would read back as something else under
 * YAML 1.1 or 1.2 (true, yes, null, ~, "", 1.5, 2026-01-14, .inf) is quoted.
 * Numbers keep their JSON type: integers as written, reals through num_fmt()
 * with ".0" added when they look integral and before a bare exponent
 * (1.0e-05), so both PyYAML and YAML 1.2 parsers read a float.
 *
 * Values are borrowed. Functions append to `out` and return 0, or -1 with
 * err set (a key too long to be a plain mapping key, or the emitter failed):
 * libyaml's 1-means-success stops here.
 */
#ifndef EVALPIPE_YAMLOUT_H
#define EVALPIPE_YAMLOUT_H

#include <jansson.h>
#include <stddef.h>

#include "lib/buf.h"
#include "lib/msg.h"

/* How nested collections are laid out (columns are counted in characters). */
struct yamlout_style {
    size_t map_indent;  /* a mapping that is a mapping value sits this much deeper (2) */
    size_t seq_indent;  /* a sequence that is a mapping value: 0 puts "- " under the key */
    size_t item_indent; /* from a "-" to its item's content (2) */
    const char *eol;    /* the line ending ("\n") */
};
#define YAMLOUT_STYLE_INIT \
    {                      \
        2, 0, 2, "\n"      \
    }

/*
 * The one-line text of a scalar, or of an empty collection ("[]", "{}").
 * Non-empty collections are an error (they need block layout).
 */
int yamlout_scalar(struct buf *out, const json_t *v, struct ep_err *err);

/* The text of `key` as a block mapping key (without the colon). */
int yamlout_key(struct buf *out, const char *key, struct ep_err *err);

/*
 * What follows "KEY:" when KEY starts at column `col`: " SCALAR" and a line
 * end, or a line end and the nested lines of a non-empty collection.
 */
int yamlout_value(struct buf *out, const json_t *v, size_t col, const struct yamlout_style *st,
                  struct ep_err *err);

/* A whole mapping entry "KEY: ..." with the key at column col (col spaces first). */
int yamlout_entry(struct buf *out, const char *key, const json_t *v, size_t col,
                  const struct yamlout_style *st, struct ep_err *err);

/*
 * What follows the "-" of a sequence item whose dash is at column col:
 * " SCALAR" and a line end, or " " and a compact nested collection.
 */
int yamlout_item_value(struct buf *out, const json_t *v, size_t col, const struct yamlout_style *st,
                       struct ep_err *err);

/* A whole sequence item "- ..." with the dash at column col (col spaces first). */
int yamlout_item(struct buf *out, const json_t *v, size_t col, const struct yamlout_style *st,
                 struct ep_err *err);

/* A whole document: a mapping's entries, a sequence's items or one scalar line. */
int yamlout_document(struct buf *out, const json_t *v, const struct yamlout_style *st,
                     struct ep_err *err);

#endif

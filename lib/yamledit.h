/*
 * yamledit — set one top-level key of a YAML document by editing its text,
 * keeping every byte that does not need to change.
 *
 * The old and new values are compared node by node, against a tree of the
 * document's byte spans built from libyaml's parser events. Only what
 * differs is rewritten: a changed scalar is replaced where it stands, new
 * mapping entries and sequence items are inserted after the last line of
 * their collection at their siblings' indentation, and any other difference
 * (a key removed, a flow collection that grew) replaces the smallest
 * enclosing node in block context. A key the document lacks is appended at
 * its end. Comments, quoting and number spelling outside the replaced spans
 * stay as they were; new text comes from lib/yamlout in the indentation
 * style the document already uses.
 *
 * Every result is parsed again and must equal the old document with the key
 * set to the new value; if the fine-grained edit does not, the key's whole
 * value is replaced instead, and if that does not either the edit is refused.
 */
#ifndef EVALPIPE_YAMLEDIT_H
#define EVALPIPE_YAMLEDIT_H

#include <jansson.h>
#include <stddef.h>

#include "lib/buf.h"
#include "lib/msg.h"

/* Deepest nesting of collections accepted (a model card needs about ten). */
#define YAMLEDIT_MAX_DEPTH 256

/*
 * Append to out the text of the YAML document yaml[0, len) with top-level
 * `key` set to `value` (borrowed). New lines end with the document's own
 * line ending, or with `eol` (NULL: "\n") when it has none. An empty
 * document counts as an empty mapping.
 *
 * Returns 1 when the text changed, 0 when the document already says that
 * (out then gets the text unchanged), and -1 with err set when the document
 * does not parse, is not a block mapping, or cannot be edited so that it
 * reads back as intended. out is unchanged on failure.
 */
int yamledit_set(struct buf *out, const char *yaml, size_t len, const char *key,
                 const json_t *value, const char *eol, struct ep_err *err);

#endif

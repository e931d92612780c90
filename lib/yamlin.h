/*
 * yamlin — YAML text to JSON values with libyaml, keeping key order and
 * scalar types (YAML 1.2 core schema: null, true/false, ints, floats; quoted
 * scalars stay strings; explicit tags like !!str are honoured).
 *
 * Aliases are expanded with a cap on the total node count, so a "billion
 * laughs" document fails instead of exhausting memory; a document nested
 * deeper than YAMLIN_MAX_DEPTH fails too. Later duplicate keys replace
 * earlier ones, as PyYAML and huggingface_hub read them.
 */
#ifndef EVALPIPE_YAMLIN_H
#define EVALPIPE_YAMLIN_H

#include <jansson.h>
#include <stddef.h>

#include "lib/msg.h"

/* Cap on nodes (scalars + collections, aliases counted expanded). */
#define YAMLIN_MAX_NODES 1000000

/* Cap on nesting: deeper documents fail instead of exhausting the stack. */
#define YAMLIN_MAX_DEPTH 256

/*
 * Parse one YAML document. Returns a new reference (JSON null for an empty
 * document), or NULL with err set to "line L, column C: problem" (1-based).
 * More than one document is an error.
 */
json_t *yamlin_parse(const char *text, size_t len, struct ep_err *err);

/* The same, for YAML that starts at line `first_line` of a file: messages give file lines. */
json_t *yamlin_parse_at(const char *text, size_t len, size_t first_line, struct ep_err *err);

/*
 * The type a plain (unquoted, untagged) scalar resolves to under the core
 * schema: a new JSON value (null, true/false, integer, real or string).
 */
json_t *yamlin_plain_scalar(const char *s, size_t len);

#endif

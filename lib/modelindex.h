/*
 * modelindex — the Hub's `model-index` card metadata as JSON: merging score
 * records into it without losing what is there, flattening it back to score
 * records, and checking it against the Hub's rules.
 *
 * A result's identity is task.type + dataset.type + metric.type (required,
 * compared without case; a dataset id without a namespace matches the same
 * name under any namespace: ai2_arc = allenai/ai2_arc) + dataset.config,
 * .split, .revision, .args and metric.config, .args (each compared only when
 * both sides give it). Values are equal when they are the same number, when
 * they agree once rounded to the coarser of the two written precisions
 * (64.6 vs 64.59), or when one is the other as a percentage (0.6459 vs 64.59).
 *
 * Functions taking json_t borrow it unless they say otherwise.
 */
#ifndef EVALPIPE_MODELINDEX_H
#define EVALPIPE_MODELINDEX_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/msg.h"

enum mi_match {
    MI_DIFFERENT = 0,
    MI_EQUAL,   /* the same value */
    MI_ROUNDED, /* equal at the coarser written precision */
    MI_SCALED,  /* equal as a fraction and a percentage */
};

/*
 * The metadata of a card record (borrowed; NULL when it has none, as without
 * front matter), or NULL with *why set when its front matter did not parse
 * (the card's "metadata_error") or is not a mapping: such a card is never
 * rewritten. *why is NULL otherwise.
 */
const json_t *mi_card_metadata(const json_t *card, const char **why);

/* "exact", "rounded", "scale" (NULL for MI_DIFFERENT). */
const char *mi_match_name(enum mi_match m);

/*
 * Compare an existing metric value with an incoming one. Numbers and
 * numeric strings ("71.30") compare as numbers, with the precision of their
 * text; other strings only when identical. `scale` is the incoming value's
 * ("percent", "fraction", or NULL when unknown: then a factor of 100 counts
 * only between a value in [0, 1] and one in (1, 100]).
 */
enum mi_match mi_compare_values(const json_t *existing, const json_t *incoming, const char *scale);

/* Does the metric of existing result `result` have the identity of `score`? */
bool mi_same_identity(const json_t *result, const json_t *metric, const json_t *score);

struct mi_merge_opts {
    bool replace;           /* replace conflicting values (never verified ones) */
    const char *model_name; /* the model entry new results go under (NULL: see mi_merge) */
};

/*
 * Merge one score record into *model_index (an array, or NULL when the card
 * has none: then a new array is made and stored there, a new reference the
 * caller owns). The result goes under the model entry named opts->model_name
 * (created if missing); without it, under the only entry, or the one named
 * like score.model or the repo, or else the first; with no entry at all, a
 * new one named after the repo (the part after the '/').
 *
 * Returns a new change entry: {"status": "added" | "present" | "conflict" |
 * "replaced" | "skipped", "model", "task", "dataset", "config"?, "split"?,
 * "metric", "value", "existing"?, "match"?, "reason"?, "path"?}. Only
 * "added" and "replaced" modify the model-index.
 */
json_t *mi_merge(json_t **model_index, const json_t *score, const char *repo,
                 const struct mi_merge_opts *opts);

/*
 * The shape problems that keep a model-index from being merged into: not a
 * list, an entry or its results that are not a mapping / a list. Returns 0,
 * or -1 with err set ("model-index[1].results: not a list").
 */
int mi_check_shape(const json_t *model_index, struct ep_err *err);

/*
 * Append to `out` (an array) one score record (new references) per metric of
 * model_index, with "origin": {"tool", "path", "revision"?}. Entries that are
 * not mappings are left out.
 */
void mi_flatten(const json_t *model_index, const char *repo, const char *revision, json_t *out);

/*
 * Check model_index against the Hub's rules: required name, results, task.type,
 * dataset.type and .name, metrics with type and value; known task types;
 * plain-text names (one line, no HTML, no markdown links); URLs only in
 * source.url, which must be http(s). Appends {"path", "message"} objects
 * to `problems` (an array) and returns how many it appended.
 */
size_t mi_validate(const json_t *model_index, json_t *problems);

/* Is `type` one of the Hub's task ids (pipeline tags and sub-tasks)? */
bool mi_known_task(const char *type);

#endif

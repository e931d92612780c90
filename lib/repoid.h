/*
 * repoid — Hub repository types and ids, with no network code: the type
 * names ("model"/"models"…) and the check of a repo id, which also keeps
 * ids safe as cache folder names.
 */
#ifndef EVALPIPE_REPOID_H
#define EVALPIPE_REPOID_H

#include "lib/msg.h"

enum hub_type { HUB_MODEL, HUB_DATASET, HUB_SPACE };

/* "model" / "dataset" / "space". */
const char *hub_type_name(enum hub_type t);
/* "models" / "datasets" / "spaces". */
const char *hub_type_plural(enum hub_type t);
/* Accepts the singular and plural names; 0 or -1. */
int hub_parse_type(const char *s, enum hub_type *out);

/*
 * Check a repo id: "name" or "namespace/name", each part of [A-Za-z0-9._-],
 * at most 96 characters, not starting or ending with '-' or '.', without
 * "--" or "..". Returns 0, or -1 with err set.
 */
int hub_check_repo_id(const char *repo, struct ep_err *err);

#endif

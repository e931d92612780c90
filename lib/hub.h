/*
 * hub — the Hub's HTTP API on top of http: repo types and ids, URL
 * builders (a revision is encoded as one path segment, exactly once), Link
 * pagination, JSON bodies, and what an error reply means (X-Error-Code).
 *
 * URL builders return new heap strings the caller frees.
 */
#ifndef EVALPIPE_HUB_H
#define EVALPIPE_HUB_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/http.h"
#include "lib/repoid.h"
#include "lib/msg.h"

/* {endpoint}[/datasets|/spaces]/{repo}/resolve/{rev}/{path} */
char *hub_url_resolve(const char *endpoint, enum hub_type t, const char *repo, const char *rev,
                      const char *path);
/* {endpoint}/api/{type}s/{repo}[/revision/{rev}] (rev may be NULL) */
char *hub_url_info(const char *endpoint, enum hub_type t, const char *repo, const char *rev);
/* {endpoint}/api/{type}s/{repo}/{tail} — tail is appended as given. */
char *hub_url_api(const char *endpoint, enum hub_type t, const char *repo, const char *tail);
/* {endpoint}/{datasets/|spaces/}{repo}/discussions/{num} — the web page of a PR. */
char *hub_url_discussion(const char *endpoint, enum hub_type t, const char *repo, long num);

/* {endpoint}/api/{type}s/{repo}/discussions?p={page}&type=pull_request&status=open */
char *hub_url_open_prs(const char *endpoint, enum hub_type t, const char *repo, long page);

/*
 * One page of a discussions listing: append the open pull requests in it
 * (the Hub's discussion objects, new references) to `prs`, and say whether
 * another page follows. -1 with err set when the page is not a listing.
 */
int hub_open_prs_page(const json_t *page, long page_no, json_t *prs, bool *more,
                      struct ep_err *err);

/* The rel="next" URL of a Link header, or NULL (new string). */
char *hub_link_next(const char *link);

/* Parse the body as JSON; NULL with err set ("invalid JSON from URL: …"). */
json_t *hub_json(const struct http_req *req, struct ep_err *err);

/*
 * Describe a failed request the way a user needs it: "repository not found
 * (or private) [HTTP 404 RepoNotFound]", "gated repository: …", "file not
 * found", "rate limited …", with the number of attempts when it was retried.
 */
const char *hub_error(const struct http_req *req, const char *what, char *out, size_t outlen);

/* True when the reply says the file (not the repo) is missing. */
bool hub_entry_missing(const struct http_req *req);

#endif

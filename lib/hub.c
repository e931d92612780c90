/*
 * hub — Hub endpoints, ids, pagination and error meaning.
 */
#include "lib/hub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "lib/xalloc.h"

static const char *
web_prefix(enum hub_type t)
{
    return t == HUB_DATASET ? "datasets/" : t == HUB_SPACE ? "spaces/" : "";
}

char *
hub_url_resolve(const char *endpoint, enum hub_type t, const char *repo, const char *rev,
                const char *path)
{
    struct buf b = BUF_INIT;

    buf_addf(&b, "%s/%s%s/resolve/", endpoint, web_prefix(t), repo);
    http_escape(&b, rev ? rev : "main", false);
    buf_addch(&b, '/');
    http_escape(&b, path, true);
    return buf_detach(&b, NULL);
}

char *
hub_url_info(const char *endpoint, enum hub_type t, const char *repo, const char *rev)
{
    struct buf b = BUF_INIT;

    buf_addf(&b, "%s/api/%s/%s", endpoint, hub_type_plural(t), repo);
    if (rev) {
        buf_addstr(&b, "/revision/");
        http_escape(&b, rev, false);
    }
    return buf_detach(&b, NULL);
}

char *
hub_url_api(const char *endpoint, enum hub_type t, const char *repo, const char *tail)
{
    return xstrfmt("%s/api/%s/%s/%s", endpoint, hub_type_plural(t), repo, tail);
}

char *
hub_url_discussion(const char *endpoint, enum hub_type t, const char *repo, long num)
{
    return xstrfmt("%s/%s%s/discussions/%ld", endpoint, web_prefix(t), repo, num);
}

char *
hub_url_open_prs(const char *endpoint, enum hub_type t, const char *repo, long page)
{
    return xstrfmt("%s/api/%s/%s/discussions?p=%ld&type=pull_request&status=open", endpoint,
                   hub_type_plural(t), repo, page);
}

int
hub_open_prs_page(const json_t *page, long page_no, json_t *prs, bool *more, struct ep_err *err)
{
    json_t *list = json_object_get(page, "discussions"), *d;
    json_t *count = json_object_get(page, "count"), *start = json_object_get(page, "start");
    long long first;
    size_t i;

    *more = false;
    if (!json_is_array(list))
        return ep_err_set(err, "discussions page %ld has no \"discussions\" list", page_no);
    json_array_foreach(list, i, d) {
        const char *status = json_string_value(json_object_get(d, "status"));

        if (json_is_true(json_object_get(d, "isPullRequest")) && status &&
            !strcmp(status, "open") && json_is_integer(json_object_get(d, "num")))
            json_array_append(prs, d);
    }
    first = json_is_integer(start) ? json_integer_value(start)
                                   : page_no * (long long)json_array_size(list);
    *more = json_array_size(list) > 0 && json_is_integer(count) &&
            first + (long long)json_array_size(list) < json_integer_value(count);
    return 0;
}

char *
hub_link_next(const char *link)
{
    /* Link: <url>; rel="next", <url2>; rel="prev" */
    const char *p = link;

    while (p && (p = strchr(p, '<'))) {
        const char *end = strchr(p, '>'), *params, *stop;

        if (!end)
            return NULL;
        params = end + 1;
        stop = strchr(params, '<');
        for (const char *q = params; *q && (!stop || q < stop); q++) {
            if (!strncasecmp(q, "rel=\"next\"", 10) || !strncasecmp(q, "rel=next", 8))
                return xstrndup(p + 1, (size_t)(end - p - 1));
        }
        p = end;
    }
    return NULL;
}

json_t *
hub_json(const struct http_req *req, struct ep_err *err)
{
    json_error_t jerr;
    json_t *v = json_loadb(req->resp.buf, req->resp.len, 0, &jerr);

    if (!v)
        ep_err_set(err, "invalid JSON in the reply (line %d: %s)", jerr.line, jerr.text);
    return v;
}

bool
hub_entry_missing(const struct http_req *req)
{
    const char *code = http_header(req, "X-Error-Code");

    return req->status == 404 && code && !strcmp(code, "EntryNotFound");
}

/* The "error" text of a JSON error body, if short and printable. */
static void
body_message(const struct http_req *req, char *out, size_t outlen)
{
    json_t *v = json_loadb(req->resp.buf, req->resp.len, 0, NULL);
    const char *m = json_string_value(json_object_get(v, "error"));

    out[0] = '\0';
    if (m)
        snprintf(out, outlen, "%s", m);
    json_decref(v);
}

const char *
hub_error(const struct http_req *req, const char *what, char *out, size_t outlen)
{
    const char *code = http_header(req, "X-Error-Code");
    const char *emsg = http_header(req, "X-Error-Message");
    char detail[200], tries[48] = "";
    long s = req->status;

    if (req->attempts > 1)
        snprintf(tries, sizeof(tries), " after %d attempts", req->attempts);
    if (req->error[0]) {
        snprintf(out, outlen, "%s: %s%s", what, req->error, tries);
        return out;
    }
    body_message(req, detail, sizeof(detail));
    if (!detail[0] && emsg)
        snprintf(detail, sizeof(detail), "%s", emsg);
    if (s == 401 && emsg && strstr(emsg, "Invalid credentials"))
        snprintf(out, outlen, "%s: invalid token (HTTP 401)", what);
    else if (code && !strcmp(code, "GatedRepo"))
        snprintf(out, outlen, "%s: gated repository, %s (HTTP %ld)", what,
                 s == 401 ? "log in with a token that has access" : "access not granted to this token", s);
    else if ((code && !strcmp(code, "RepoNotFound")) || s == 401)
        snprintf(out, outlen, "%s: repository not found, or private (HTTP %ld)", what, s);
    else if (code && !strcmp(code, "RevisionNotFound"))
        snprintf(out, outlen, "%s: revision not found (HTTP %ld)", what, s);
    else if (code && !strcmp(code, "EntryNotFound"))
        snprintf(out, outlen, "%s: file not found (HTTP %ld)", what, s);
    else if (s == 429)
        snprintf(out, outlen, "%s: rate limited (HTTP 429)%s", what, tries);
    else if (s >= 500)
        snprintf(out, outlen, "%s: server error (HTTP %ld)%s", what, s, tries);
    else
        snprintf(out, outlen, "%s: HTTP %ld%s%s", what, s, detail[0] ? ": " : "", detail);
    return out;
}

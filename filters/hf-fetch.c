/*
 * hf-fetch — every read from the Hugging Face Hub.
 *
 *   card      README.md of each repo            -> card records
 *   prs       open pull requests of each repo   -> pr records
 *   download  files of each repo into the cache -> snapshot records
 *   list      repos by author/search/filter     -> repo records
 *   rows      dataset rows of a config/split    -> row records
 *   local     README files or clones on disk    -> card records (no network)
 *
 * Repo ids come from the operands, else from stdin: plain lines or `repo`
 * records; other records pass through unchanged, in order. Repos are fetched
 * concurrently (-j) and written in input order.
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/card.h"
#include "lib/cli.h"
#include "lib/download.h"
#include "lib/fsutil.h"
#include "lib/hfcache.h"
#include "lib/hfenv.h"
#include "lib/http.h"
#include "lib/hub.h"
#include "lib/msg.h"
#include "lib/ndjson.h"
#include "lib/num.h"
#include "lib/rec.h"
#include "lib/xalloc.h"

static const char usage_text[] =
    "usage: hf-fetch [-qv] [-j jobs] [-t type] [-r revision] [--retries n] card|prs|download "
    "[repo ...]\n"
    "       hf-fetch [-qv] [-t type] list [--author a] [--search s] [--filter f] [--sort key] "
    "[--limit n]\n"
    "       hf-fetch [-qv] rows [--config c] [--split s] [--offset n] [--limit n] dataset\n"
    "       hf-fetch [-qv] local [--repo id] path ...\n"
    "       hf-fetch download [--include glob] [--cache-dir dir] [repo ...]\n";

enum cmd { CMD_CARD, CMD_PRS, CMD_DOWNLOAD, CMD_LIST, CMD_ROWS, CMD_LOCAL };

struct opts {
    enum cmd cmd;
    int jobs;
    int retries;
    enum hub_type type;
    const char *rev;
    const char *author, *search, *sort;
    char **filters;
    size_t nr_filters, alloc_filters;
    char **includes;
    size_t nr_includes, alloc_includes;
    long limit, offset;
    const char *config, *split;
    const char *repo;      /* local: the repo id to record */
    const char *cache_dir; /* download: instead of HF_HUB_CACHE */
    char **args;
    int nargs;
};

#define OPTS_INIT { .jobs = 8, .retries = 5, .type = HUB_MODEL, .limit = -1 }

/* One unit of input: a repo to work on, or a record passing through. */
struct item {
    json_t *pass;    /* a record to pass through, or NULL */
    char *repo;
    char *rev;
    enum hub_type type;
    size_t line;     /* input line (0 for operands) */
    json_t *out;     /* records to write, in order */
    int pending;     /* requests or downloads still running */
    bool failed;
    struct ctx *ctx;
    /* prs */
    long page;
    /* download */
    char *commit;
    char *repo_dir;
    json_t *files;
    int downloaded, cached;
};

struct ctx {
    struct opts o;
    struct http_client *http;
    char *cache_root;
    char *owned_config, *owned_split; /* rows: what /splits chose */
    struct item **win; /* items read but not yet written, in input order */
    size_t nr_win, alloc_win;
    int rc;
};

/* ---------------------------------------------------------------- items */

static struct item *
item_new(struct ctx *ctx)
{
    struct item *it = xcalloc(1, sizeof(*it));

    it->ctx = ctx;
    it->out = json_array();
    it->type = ctx->o.type;
    return it;
}

static void
item_free(struct item *it)
{
    json_decref(it->pass);
    json_decref(it->out);
    json_decref(it->files);
    free(it->repo);
    free(it->rev);
    free(it->commit);
    free(it->repo_dir);
    free(it);
}

static void
item_emit(struct item *it, json_t *rec)
{
    if (json_array_append_new(it->out, rec) < 0)
        die("out of memory");
}

static void
item_fail(struct item *it, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
item_fail(struct item *it, const char *fmt, ...)
{
    struct rec_where w = { .repo = it->repo, .line = it->line };
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (it->line)
        w.file = "<stdin>";
    item_emit(it, rec_error_new(&w, NULL, "%s", msg));
    it->failed = true;
}

/* Write every finished item at the front of the window, in input order. */
static void
flush_window(struct ctx *ctx)
{
    size_t done = 0;

    while (done < ctx->nr_win && ctx->win[done]->pending == 0) {
        struct item *it = ctx->win[done];
        size_t i;
        json_t *rec;

        if (it->pass)
            ndjson_put(it->pass);
        json_array_foreach(it->out, i, rec) ndjson_put(rec);
        if (it->failed)
            ctx->rc = RC_PARTIAL;
        item_free(it);
        done++;
    }
    memmove(ctx->win, ctx->win + done, (ctx->nr_win - done) * sizeof(*ctx->win));
    ctx->nr_win -= done;
}

/* ---------------------------------------------------------------- card */

static void
on_card(struct http_req *req, void *p)
{
    struct item *it = p;
    char msg[512];
    struct ep_err err;
    const char *commit = http_header_any(req, "X-Repo-Commit");
    json_t *card;

    it->pending--;
    if (hub_entry_missing(req)) {
        item_fail(it, "no README.md in this repository");
    } else if (!http_ok(req)) {
        item_fail(it, "%s", hub_error(req, "README.md", msg, sizeof(msg)));
    } else {
        card = card_new(it->repo, hub_type_name(it->type), commit, "README.md", req->resp.buf,
                        req->resp.len, &err);
        if (!card) {
            item_fail(it, "README.md: %s", err.msg);
        } else {
            item_emit(it, card);
            if (json_is_null(json_object_get(card, "metadata")))
                item_fail(it, "%s", rec_str(card, "metadata_error"));
        }
    }
    http_req_free(req);
}

static void
start_card(struct item *it)
{
    struct ctx *ctx = it->ctx;
    char *url = hub_url_resolve(http_endpoint(ctx->http), it->type, it->repo,
                                it->rev ? it->rev : "main", "README.md");

    it->pending++;
    http_submit(ctx->http, http_req_new(url, on_card, it));
    free(url);
}

/* ---------------------------------------------------------------- prs */

static void submit_prs_page(struct item *it);

static json_t *
pr_record(const struct item *it, const json_t *d)
{
    const char *endpoint = http_endpoint(it->ctx->http);
    long num = (long)json_integer_value(json_object_get(d, "num"));
    json_t *pr = rec_new("pr");
    json_t *author = json_object_get(d, "author");
    char *url = hub_url_discussion(endpoint, it->type, it->repo, num);
    char ref[64];

    snprintf(ref, sizeof(ref), "refs/pr/%ld", num);
    rec_set_str(pr, "repo", it->repo);
    rec_set_str(pr, "type", hub_type_name(it->type));
    rec_set_int(pr, "number", num);
    rec_set_str(pr, "title", rec_str(d, "title"));
    rec_set_str(pr, "status", rec_str(d, "status"));
    rec_set_str(pr, "url", url);
    rec_set_str(pr, "ref", ref);
    rec_set_str(pr, "author", rec_str(author, "name"));
    rec_set_str(pr, "created_at", rec_str(d, "createdAt"));
    free(url);
    return pr;
}

static void
on_prs(struct http_req *req, void *p)
{
    struct item *it = p;
    struct ep_err err;
    char msg[512];
    json_t *v = NULL, *prs = json_array(), *d;
    size_t i;
    bool more;

    it->pending--;
    if (!http_ok(req)) {
        item_fail(it, "%s", hub_error(req, "discussions", msg, sizeof(msg)));
        goto out;
    }
    v = hub_json(req, &err);
    if (!v || hub_open_prs_page(v, it->page, prs, &more, &err) < 0) {
        item_fail(it, "%s", err.msg);
        goto out;
    }
    json_array_foreach(prs, i, d) item_emit(it, pr_record(it, d));
    if (more) {
        it->page++;
        submit_prs_page(it);
    }
out:
    json_decref(prs);
    json_decref(v);
    http_req_free(req);
}

static void
submit_prs_page(struct item *it)
{
    struct ctx *ctx = it->ctx;
    char *url = hub_url_open_prs(http_endpoint(ctx->http), it->type, it->repo, it->page);

    it->pending++;
    http_submit(ctx->http, http_req_new(url, on_prs, it));
    free(url);
}

/* ---------------------------------------------------------------- download */

static bool
wanted(const struct opts *o, const char *path)
{
    if (!o->nr_includes)
        return true;
    for (size_t i = 0; i < o->nr_includes; i++)
        if (fnmatch(o->includes[i], path, 0) == 0)
            return true;
    return false;
}

static void
finish_snapshot(struct item *it)
{
    struct ep_err err;
    json_t *snap;
    char *dir;

    if (it->failed)
        return;
    if (!http_offline(it->ctx->http) &&
        hfcache_ref_write(it->repo_dir, it->rev ? it->rev : "main", it->commit, &err) < 0) {
        item_fail(it, "%s", err.msg);
        return;
    }
    dir = xstrfmt("%s/snapshots/%s", it->repo_dir, it->commit);
    snap = rec_new("snapshot");
    rec_set_str(snap, "repo", it->repo);
    rec_set_str(snap, "type", hub_type_name(it->type));
    rec_set_str(snap, "revision", it->commit);
    rec_set_str(snap, "ref", it->rev ? it->rev : "main");
    rec_set_str(snap, "path", dir);
    rec_set(snap, "files", json_incref(it->files));
    rec_set_int(snap, "downloaded", it->downloaded);
    rec_set_int(snap, "cached", it->cached);
    item_emit(it, snap);
    free(dir);
}

static void
on_file_done(struct download *d, bool ok, const char *error, void *p)
{
    struct item *it = p;

    it->pending--;
    if (ok) {
        it->downloaded++;
        info("%s: %s (%lld bytes)", it->repo, d->path, d->size);
    } else {
        item_fail(it, "%s", error);
    }
    download_free(d);
    if (it->pending == 0)
        finish_snapshot(it);
}

/* Start one download per wanted file not already in the snapshot. */
static void
fetch_files(struct item *it, const json_t *siblings)
{
    struct ctx *ctx = it->ctx;
    struct ep_err err;
    json_t *s;
    size_t i;

    it->files = json_array();
    json_array_foreach(siblings, i, s) {
        const char *path = rec_str(s, "rfilename");

        if (!path || !wanted(&ctx->o, path))
            continue;
        if (hfcache_check_path(path, &err) < 0) {
            item_fail(it, "%s", err.msg);
            continue;
        }
        json_array_append_new(it->files, json_string(path));
        if (hfcache_has(it->repo_dir, it->commit, path)) {
            it->cached++;
            continue;
        }
        it->pending++;
        if (!download_start(ctx->http, it->repo_dir, it->type, it->repo, it->commit, path,
                            on_file_done, it, &err)) {
            it->pending--;
            item_fail(it, "%s", err.msg);
        }
    }
}

static void
on_info(struct http_req *req, void *p)
{
    struct item *it = p;
    struct ep_err err;
    char msg[512];
    json_t *v = NULL;
    const char *sha;

    it->pending--;
    if (!http_ok(req)) {
        item_fail(it, "%s", hub_error(req, "repo info", msg, sizeof(msg)));
        goto out;
    }
    v = hub_json(req, &err);
    sha = rec_str(v, "sha");
    if (!v || !sha || strlen(sha) != 40 || !hfcache_etag_ok(sha)) {
        item_fail(it, "repo info: %s", v ? "no commit sha in the reply" : err.msg);
        goto out;
    }
    it->commit = xstrdup(sha);
    fetch_files(it, json_object_get(v, "siblings"));
    if (it->pending == 0)
        finish_snapshot(it);
out:
    json_decref(v);
    http_req_free(req);
}

/* Offline: the snapshot the cache holds for the revision, if any. */
static void
offline_snapshot(struct item *it)
{
    const char *rev = it->rev ? it->rev : "main";
    struct stat st;
    char *dir;

    it->commit = hfcache_ref_read(it->repo_dir, rev);
    if (!it->commit) {
        item_fail(it, "revision '%s' is not in the cache (offline mode)", rev);
        return;
    }
    dir = xstrfmt("%s/snapshots/%s", it->repo_dir, it->commit);
    if (stat(dir, &st) < 0) {
        item_fail(it, "snapshot %s is not in the cache (offline mode)", it->commit);
    } else {
        it->files = json_array();
        for (size_t i = 0; i < it->ctx->o.nr_includes || i == 0; i++) {
            const char *pat = it->ctx->o.nr_includes ? it->ctx->o.includes[i] : NULL;

            /* Without a listing, report only what was asked for and is present. */
            if (pat && !strpbrk(pat, "*?[") && hfcache_has(it->repo_dir, it->commit, pat)) {
                json_array_append_new(it->files, json_string(pat));
                it->cached++;
            }
        }
        finish_snapshot(it);
    }
    free(dir);
}

static void
start_download(struct item *it)
{
    struct ctx *ctx = it->ctx;
    char *url;

    it->repo_dir = hfcache_repo_dir(ctx->cache_root, it->type, it->repo);
    if (http_offline(ctx->http)) {
        offline_snapshot(it);
        return;
    }
    url = hub_url_info(http_endpoint(ctx->http), it->type, it->repo, it->rev ? it->rev : "main");
    it->pending++;
    http_submit(ctx->http, http_req_new(url, on_info, it));
    free(url);
}

/* ---------------------------------------------------------------- input */

static void
start_item(struct item *it)
{
    struct ep_err err;

    if (it->pass || it->failed)
        return;
    if (hub_check_repo_id(it->repo, &err) < 0) {
        item_fail(it, "%s", err.msg);
        return;
    }
    switch (it->ctx->o.cmd) {
    case CMD_CARD:
        start_card(it);
        break;
    case CMD_PRS:
        submit_prs_page(it);
        break;
    case CMD_DOWNLOAD:
        start_download(it);
        break;
    default:
        BUG("start_item for command %d", it->ctx->o.cmd);
    }
}

/* An item from one input line: a repo id, a `repo` record, or a record to pass on. */
static struct item *
item_from_line(struct ctx *ctx, const char *line, size_t len, size_t lineno)
{
    struct item *it = item_new(ctx);
    struct ep_err err;
    json_t *rec;

    it->line = lineno;
    while (len && (*line == ' ' || *line == '\t'))
        line++, len--;
    while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
        len--;
    if (!len || *line != '{') {
        it->repo = xstrndup(line, len);
        return it;
    }
    rec = ndjson_parse(line, len, &err);
    if (!rec) {
        it->repo = NULL;
        item_fail(it, "%s", err.msg);
        return it;
    }
    if (!rec_is(rec, "repo")) {
        it->pass = rec;
        return it;
    }
    it->repo = xstrdup(rec_str(rec, "repo") ? rec_str(rec, "repo") : "");
    if (rec_str(rec, "revision"))
        it->rev = xstrdup(rec_str(rec, "revision"));
    if (rec_str(rec, "type") && hub_parse_type(rec_str(rec, "type"), &it->type) < 0)
        item_fail(it, "unknown repo type '%s'", rec_str(rec, "type"));
    json_decref(rec);
    return it;
}

static void
window_push(struct ctx *ctx, struct item *it)
{
    ALLOC_GROW(ctx->win, ctx->nr_win + 1, ctx->alloc_win);
    ctx->win[ctx->nr_win++] = it;
    if (!it->repo && !it->pass && !it->failed)
        BUG("item without work");
    start_item(it);
}

static bool
blank_or_comment(const char *line, size_t len)
{
    size_t i = 0;

    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    return i == len || line[i] == '#';
}

/* Work through the repos of the operands or of stdin, -j at a time, in order. */
static void
run_repos(struct ctx *ctx)
{
    size_t window = (size_t)ctx->o.jobs * 4;
    struct ndjson_reader in;
    struct ep_err err;
    bool eof = ctx->o.nargs > 0;
    int next_arg = 0;

    if (ndjson_reader_open(&in, "-", &err) < 0)
        die("%s", err.msg);
    for (;;) {
        while (ctx->nr_win < window && next_arg < ctx->o.nargs) {
            struct item *it = item_new(ctx);

            it->repo = xstrdup(ctx->o.args[next_arg++]);
            it->rev = ctx->o.rev ? xstrdup(ctx->o.rev) : NULL;
            window_push(ctx, it);
        }
        while (!eof && ctx->nr_win < window && (ctx->nr_win == 0 || ndjson_ready(&in))) {
            const char *line;
            size_t len;
            int rc = ndjson_next_line(&in, &line, &len, &err);

            if (rc == NDJSON_EOF) {
                eof = true;
            } else if (rc == NDJSON_IOERR) {
                die("%s", err.msg);
            } else if (rc == NDJSON_BAD) {
                struct item *it = item_new(ctx);

                const char *m = strstr(err.msg, ": "); /* drop the "<stdin>:N" prefix */

                it->line = in.lineno;
                item_fail(it, "%s", m ? m + 2 : err.msg);
                window_push(ctx, it);
            } else if (!blank_or_comment(line, len)) {
                struct item *it = item_from_line(ctx, line, len, in.lineno);

                if (!it->rev && ctx->o.rev && !it->pass)
                    it->rev = xstrdup(ctx->o.rev);
                window_push(ctx, it);
            }
        }
        flush_window(ctx);
        if (eof && next_arg >= ctx->o.nargs && ctx->nr_win == 0)
            break;
        http_step(ctx->http, !eof && ctx->nr_win < window ? in.fd : -1, 1000);
        flush_window(ctx);
    }
    ndjson_reader_release(&in);
}

/* ---------------------------------------------------------------- list, rows */

/* One blocking request (for the sequential listings). */
static struct http_req *
get_sync(struct ctx *ctx, const char *url)
{
    return http_perform(ctx->http, http_req_new(url, NULL, NULL));
}

static void
add_param(struct buf *url, const char *key, const char *value)
{
    if (!value)
        return;
    buf_addch(url, strchr(url->buf, '?') ? '&' : '?');
    buf_addstr(url, key);
    buf_addch(url, '=');
    http_escape(url, value, false);
}

static char *
list_url(const struct ctx *ctx)
{
    const struct opts *o = &ctx->o;
    struct buf url = BUF_INIT;
    char limit[32];

    buf_addf(&url, "%s/api/%s", http_endpoint(ctx->http), hub_type_plural(o->type));
    add_param(&url, "author", o->author);
    add_param(&url, "search", o->search);
    for (size_t i = 0; i < o->nr_filters; i++)
        add_param(&url, "filter", o->filters[i]);
    add_param(&url, "sort", o->sort);
    if (o->limit > 0) {
        snprintf(limit, sizeof(limit), "%ld", o->limit < 1000 ? o->limit : 1000);
        add_param(&url, "limit", limit);
    }
    return buf_detach(&url, NULL);
}

static json_t *
repo_record(const struct ctx *ctx, const json_t *m)
{
    json_t *r = rec_new("repo");
    const char *id = rec_str(m, "id") ? rec_str(m, "id") : rec_str(m, "modelId");

    rec_set_str(r, "repo", id);
    rec_set_str(r, "type", hub_type_name(ctx->o.type));
    rec_set_str(r, "revision", "main");
    if (rec_str(m, "sha"))
        rec_set_str(r, "sha", rec_str(m, "sha"));
    if (rec_str(m, "lastModified"))
        rec_set_str(r, "last_modified", rec_str(m, "lastModified"));
    return r;
}

/* Every page of the listing, following Link rel="next", written as it arrives. */
static void
run_list(struct ctx *ctx)
{
    char *url = list_url(ctx), msg[512];
    long seen = 0;

    while (url) {
        struct http_req *req = get_sync(ctx, url);
        struct ep_err err;
        json_t *v, *m;
        size_t i;

        free(url);
        url = NULL;
        if (!http_ok(req)) {
            rec_error(NULL, NULL, "%s", hub_error(req, "listing", msg, sizeof(msg)));
            ctx->rc = RC_PARTIAL;
            http_req_free(req);
            break;
        }
        v = hub_json(req, &err);
        if (!json_is_array(v)) {
            rec_error(NULL, NULL, "listing: %s", v ? "the reply is not a list" : err.msg);
            ctx->rc = RC_PARTIAL;
        }
        json_array_foreach(v, i, m) {
            if (ctx->o.limit >= 0 && seen >= ctx->o.limit)
                break;
            if (!rec_str(m, "id") && !rec_str(m, "modelId"))
                continue;
            json_t *r = repo_record(ctx, m);
            ndjson_put(r);
            json_decref(r);
            seen++;
        }
        if (json_is_array(v) && (ctx->o.limit < 0 || seen < ctx->o.limit))
            url = hub_link_next(http_header(req, "Link"));
        json_decref(v);
        http_req_free(req);
    }
}

static void
emit_rows(const struct ctx *ctx, const char *dataset, const json_t *rows, long *emitted)
{
    const struct opts *o = &ctx->o;
    json_t *r;
    size_t i;

    json_array_foreach(rows, i, r) {
        json_t *rec;

        if (o->limit >= 0 && *emitted >= o->limit)
            return;
        rec = rec_new("row");
        rec_set_str(rec, "dataset", dataset);
        rec_set_str(rec, "config", o->config);
        rec_set_str(rec, "split", o->split);
        rec_set(rec, "index", json_incref(json_object_get(r, "row_idx")));
        rec_set(rec, "row", json_incref(json_object_get(r, "row")));
        ndjson_put(rec);
        json_decref(rec);
        (*emitted)++;
    }
}

/* Rows of a dataset's config/split from the dataset viewer, 100 a page. */
static void
run_rows(struct ctx *ctx, const char *viewer, const char *dataset)
{
    const struct opts *o = &ctx->o;
    long offset = o->offset, emitted = 0;
    char msg[512];

    for (;;) {
        long want = o->limit >= 0 ? o->limit - emitted : 100;
        struct buf url = BUF_INIT;
        struct http_req *req;
        struct ep_err err;
        json_t *v, *rows;
        char num[32];

        if (want <= 0)
            break;
        buf_addf(&url, "%s/rows", viewer);
        add_param(&url, "dataset", dataset);
        add_param(&url, "config", o->config);
        add_param(&url, "split", o->split);
        snprintf(num, sizeof(num), "%ld", offset);
        add_param(&url, "offset", num);
        snprintf(num, sizeof(num), "%ld", want < 100 ? want : 100);
        add_param(&url, "length", num);
        req = get_sync(ctx, url.buf);
        buf_release(&url);
        if (!http_ok(req)) {
            struct rec_where w = { .repo = dataset };

            rec_error(&w, NULL, "%s", hub_error(req, "rows", msg, sizeof(msg)));
            ctx->rc = RC_PARTIAL;
            http_req_free(req);
            return;
        }
        v = hub_json(req, &err);
        rows = json_object_get(v, "rows");
        http_req_free(req);
        if (!json_is_array(rows)) {
            struct rec_where w = { .repo = dataset };

            rec_error(&w, NULL, "rows at offset %ld: %s", offset, v ? "no \"rows\" list" : err.msg);
            ctx->rc = RC_PARTIAL;
            json_decref(v);
            return;
        }
        emit_rows(ctx, dataset, rows, &emitted);
        offset += (long)json_array_size(rows);
        if (json_array_size(rows) == 0 || offset >= rec_int(v, "num_rows_total", 0)) {
            json_decref(v);
            break;
        }
        json_decref(v);
    }
}

/* Fill in --config/--split from /splits when the dataset has one obvious choice. */
static int
resolve_split(struct ctx *ctx, const char *viewer, const char *dataset)
{
    struct opts *o = &ctx->o;
    struct buf url = BUF_INIT, names = BUF_INIT;
    struct http_req *req;
    struct ep_err err;
    struct rec_where w = { .repo = dataset };
    json_t *v, *s;
    const char *config = NULL, *split = NULL;
    size_t i, n = 0;
    char msg[512];
    int rc = -1;

    buf_addf(&url, "%s/splits", viewer);
    add_param(&url, "dataset", dataset);
    req = get_sync(ctx, url.buf);
    buf_release(&url);
    if (!http_ok(req)) {
        rec_error(&w, NULL, "%s", hub_error(req, "splits", msg, sizeof(msg)));
        http_req_free(req);
        return -1;
    }
    v = hub_json(req, &err);
    http_req_free(req);
    json_array_foreach(json_object_get(v, "splits"), i, s) {
        if (o->config && (!rec_str(s, "config") || strcmp(o->config, rec_str(s, "config"))))
            continue;
        if (o->split && (!rec_str(s, "split") || strcmp(o->split, rec_str(s, "split"))))
            continue;
        config = rec_str(s, "config");
        split = rec_str(s, "split");
        buf_addf(&names, "%s%s/%s", n++ ? ", " : "", config ? config : "?", split ? split : "?");
    }
    if (n == 1 && config && split) {
        o->config = ctx->owned_config = xstrdup(config);
        o->split = ctx->owned_split = xstrdup(split);
        rc = 0;
    } else if (n == 0) {
        rec_error(&w, NULL, "no such config/split (see /splits)");
    } else {
        rec_error(&w, NULL, "several configs/splits, choose with --config/--split: %s", names.buf);
    }
    buf_release(&names);
    json_decref(v);
    return rc;
}

/* ---------------------------------------------------------------- local */

/* The commit a clone's HEAD points at, if the directory is a git work tree. */
static char *
git_head(const char *dir)
{
    char *path = xstrfmt("%s/.git/HEAD", dir), line[256];
    int rc = fs_first_line(path, line, sizeof(line));

    free(path);
    if (rc == 0 && !strncmp(line, "ref: ", 5)) {
        path = xstrfmt("%s/.git/%s", dir, line + 5);
        rc = fs_first_line(path, line, sizeof(line)); /* packed refs: no revision recorded */
        free(path);
    }
    return rc == 0 && strlen(line) == 40 && hfcache_etag_ok(line) ? xstrdup(line) : NULL;
}

static void
local_card(struct ctx *ctx, const char *arg)
{
    struct stat st;
    struct buf text = BUF_INIT;
    struct ep_err err;
    char *file, *dir, *repo, *rev = NULL, *slash;
    struct rec_where w = { .file = arg };
    json_t *card;

    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
        dir = xstrdup(arg);
        file = xstrfmt("%s/README.md", arg);
        rev = git_head(arg);
    } else {
        file = xstrdup(arg);
        dir = xstrdup(arg);
        slash = strrchr(dir, '/');
        if (slash) {
            *slash = '\0';
        } else {
            free(dir);
            dir = xstrdup(".");
        }
    }
    {
        char *real = realpath(dir, NULL); /* "." and "../x" name the folder itself */

        if (real) {
            free(dir);
            dir = real;
        }
    }
    while (strlen(dir) > 1 && dir[strlen(dir) - 1] == '/')
        dir[strlen(dir) - 1] = '\0';
    slash = strrchr(dir, '/');
    repo = ctx->o.repo ? xstrdup(ctx->o.repo) : xstrfmt("local/%s", slash ? slash + 1 : dir);
    w.repo = repo;
    if (fs_read_file(file, &text, &err) < 0) {
        rec_error(&w, NULL, "%s", err.msg);
        ctx->rc = RC_PARTIAL;
    } else if (!(card = card_new(repo, hub_type_name(ctx->o.type), rev, "README.md", text.buf,
                                 text.len, &err))) {
        rec_error(&w, NULL, "%s: %s", file, err.msg);
        ctx->rc = RC_PARTIAL;
    } else {
        ndjson_put(card);
        if (json_is_null(json_object_get(card, "metadata"))) {
            rec_error(&w, NULL, "%s", rec_str(card, "metadata_error"));
            ctx->rc = RC_PARTIAL;
        }
        json_decref(card);
    }
    buf_release(&text);
    free(file);
    free(dir);
    free(repo);
    free(rev);
}

/* ---------------------------------------------------------------- main */

enum {
    OPT_RETRIES = 256,
    OPT_AUTHOR,
    OPT_SEARCH,
    OPT_FILTER,
    OPT_SORT,
    OPT_LIMIT,
    OPT_OFFSET,
    OPT_CONFIG,
    OPT_SPLIT,
    OPT_REPO,
    OPT_INCLUDE,
    OPT_CACHE_DIR,
};

static const struct option longopts[] = {
    CLI_LONGOPTS,
    { "jobs", required_argument, NULL, 'j' },
    { "type", required_argument, NULL, 't' },
    { "revision", required_argument, NULL, 'r' },
    { "retries", required_argument, NULL, OPT_RETRIES },
    { "author", required_argument, NULL, OPT_AUTHOR },
    { "search", required_argument, NULL, OPT_SEARCH },
    { "filter", required_argument, NULL, OPT_FILTER },
    { "sort", required_argument, NULL, OPT_SORT },
    { "limit", required_argument, NULL, OPT_LIMIT },
    { "offset", required_argument, NULL, OPT_OFFSET },
    { "config", required_argument, NULL, OPT_CONFIG },
    { "split", required_argument, NULL, OPT_SPLIT },
    { "repo", required_argument, NULL, OPT_REPO },
    { "include", required_argument, NULL, OPT_INCLUDE },
    { "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
    { NULL, 0, NULL, 0 },
};

static void
parse_command(struct opts *o, const char *name)
{
    static const char *const names[] = { "card", "prs", "download", "list", "rows", "local" };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!strcmp(name, names[i])) {
            o->cmd = (enum cmd)i;
            return;
        }
    }
    usage_error(usage_text, "unknown command '%s'", name);
}

static void
parse_args(struct opts *o, int argc, char **argv)
{
    int c;

    opterr = 0; /* our own message, after the usage text */
    while ((c = getopt_long(argc, argv, CLI_SHORT "j:t:r:", longopts, NULL)) != -1) {
        if (cli_common(c, usage_text))
            continue;
        switch (c) {
        case 'j':
            o->jobs = (int)cli_num(usage_text, "--jobs", optarg, 1, 256);
            break;
        case 't':
            if (hub_parse_type(optarg, &o->type) < 0)
                usage_error(usage_text, "invalid type '%s' (model, dataset or space)", optarg);
            break;
        case 'r':
            o->rev = optarg;
            break;
        case OPT_RETRIES:
            o->retries = (int)cli_num(usage_text, "--retries", optarg, 0, 20);
            break;
        case OPT_AUTHOR:
            o->author = optarg;
            break;
        case OPT_SEARCH:
            o->search = optarg;
            break;
        case OPT_FILTER:
            ALLOC_GROW(o->filters, o->nr_filters + 1, o->alloc_filters);
            o->filters[o->nr_filters++] = optarg;
            break;
        case OPT_SORT:
            o->sort = optarg;
            break;
        case OPT_LIMIT:
            o->limit = cli_num(usage_text, "--limit", optarg, 0, 1L << 40);
            break;
        case OPT_OFFSET:
            o->offset = cli_num(usage_text, "--offset", optarg, 0, 1L << 40);
            break;
        case OPT_CONFIG:
            o->config = optarg;
            break;
        case OPT_SPLIT:
            o->split = optarg;
            break;
        case OPT_REPO:
            o->repo = optarg;
            break;
        case OPT_INCLUDE:
            ALLOC_GROW(o->includes, o->nr_includes + 1, o->alloc_includes);
            o->includes[o->nr_includes++] = optarg;
            break;
        case OPT_CACHE_DIR:
            o->cache_dir = optarg;
            break;
        default:
            cli_bad_option(usage_text, argv);
        }
    }
    if (optind >= argc)
        usage_error(usage_text, "no command given");
    parse_command(o, argv[optind++]);
    o->args = argv + optind;
    o->nargs = argc - optind;
    if ((o->cmd == CMD_ROWS && o->nargs != 1) || (o->cmd == CMD_LOCAL && o->nargs == 0) ||
        (o->cmd == CMD_LIST && o->nargs != 0))
        usage_error(usage_text, "wrong number of operands for '%s'", argv[optind - 1]);
    if (o->cmd == CMD_LOCAL && o->repo && o->nargs > 1)
        usage_error(usage_text, "--repo names one repo: give one path with it");
}

static void
run_rows_cmd(struct ctx *ctx)
{
    char *viewer = hfenv_viewer(), *endpoint = hfenv_endpoint();

    /* The token goes to the viewer only where it is the Hub's own (or the endpoint itself). */
    if ((!strcmp(viewer, HFENV_DEFAULT_VIEWER) && !strcmp(endpoint, HFENV_DEFAULT_ENDPOINT)))
        http_trust_host(ctx->http, viewer);
    if ((ctx->o.config && ctx->o.split) || resolve_split(ctx, viewer, ctx->o.args[0]) == 0)
        run_rows(ctx, viewer, ctx->o.args[0]);
    else
        ctx->rc = RC_PARTIAL;
    free(viewer);
    free(endpoint);
}

int
main(int argc, char **argv)
{
    struct ctx ctx = { .o = OPTS_INIT };
    struct http_options hopt = { .tool = "hf-fetch" };

    msg_init(argv[0]);
    parse_args(&ctx.o, argc, argv);
    if (ctx.o.cmd == CMD_LOCAL) {
        for (int i = 0; i < ctx.o.nargs; i++)
            local_card(&ctx, ctx.o.args[i]);
        goto out;
    }
    hopt.max_active = ctx.o.jobs;
    hopt.max_retries = ctx.o.retries;
    ctx.http = http_client_new(&hopt);
    if (!ctx.http)
        die("cannot start the HTTP client");
    ctx.cache_root = ctx.o.cache_dir ? xstrdup(ctx.o.cache_dir) : hfenv_hub_cache();
    if (ctx.o.cmd == CMD_LIST)
        run_list(&ctx);
    else if (ctx.o.cmd == CMD_ROWS)
        run_rows_cmd(&ctx);
    else
        run_repos(&ctx);
    http_client_free(ctx.http);
    free(ctx.cache_root);
    free(ctx.win);
    free(ctx.owned_config);
    free(ctx.owned_split);
out:
    free(ctx.o.filters);
    free(ctx.o.includes);
    ndjson_close_stdout();
    return ctx.rc;
}

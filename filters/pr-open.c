/*
 * pr-open — write to the Hub: one commit per repo through the commit API,
 * as a pull request (default) or straight onto the branch (--direct).
 *
 * Reads `file` records ({"kind":"file","repo","type","path","content",
 * "base_revision"}), grouped by repo; `change` records of the same repo feed
 * the pull request's description. Before writing it skips files the repo
 * already holds (`unchanged`) and repos where an open pull request already
 * proposes the same change (`exists`: its marker, or the same file contents).
 * Writes one `pr` record per repo; other records pass through in order.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/buf.h"
#include "lib/cli.h"
#include "lib/commit.h"
#include "lib/diff.h"
#include "lib/hfcache.h"
#include "lib/http.h"
#include "lib/hub.h"
#include "lib/input.h"
#include "lib/msg.h"
#include "lib/ndjson.h"
#include "lib/num.h"
#include "lib/rec.h"
#include "lib/xalloc.h"

static const char usage_text[] =
    "usage: pr-open [-nqv] [--direct] [--force] [-b branch] [--retries n] [--title text] "
    "[file ...]\n";

struct opts {
    bool dry_run, direct, force;
    const char *branch;
    const char *title;
    int retries;
    char **files;
    size_t nfiles;
};

#define OPTS_INIT { .branch = "main", .retries = 3 }

/* The records of one repo, gathered until the next repo starts. */
struct group {
    char *repo;
    enum hub_type type;
    char *base;       /* base_revision of its files (all the same) */
    json_t *files;    /* file records */
    json_t *changes;  /* change records */
    size_t line;      /* input line of its first record */
    char *error;      /* set when a record of the group was unusable */
};

/* One file to commit, with what the repo holds now. */
struct proposal {
    struct commit_file *files;
    char **old;       /* current content at the base (NULL: new file) */
    size_t *old_len;
    size_t n;
    char marker[COMMIT_MARKER_MAX];
};

struct ctx {
    struct opts o;
    struct http_client *http;
    struct group g;
    json_t *seen;     /* repos already handled: their records must come together */
    int rc;
};

static void
fail(struct ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fail(struct ctx *ctx, const char *fmt, ...)
{
    struct rec_where w = { .repo = ctx->g.repo, .line = ctx->g.line };
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    rec_error(&w, NULL, "%s", msg);
    ctx->rc = RC_PARTIAL;
}

static json_t *
pr_new(const struct ctx *ctx, const char *status)
{
    json_t *pr = rec_new("pr");

    rec_set_str(pr, "repo", ctx->g.repo);
    rec_set_str(pr, "type", hub_type_name(ctx->g.type));
    rec_set_str(pr, "status", status);
    return pr;
}

static void
pr_put(json_t *pr)
{
    ndjson_put(pr);
    json_decref(pr);
}

/* ---------------------------------------------------------------- reading the repo */

/* GET a file at rev: 1 with its content, 0 when the repo does not have it, -1 on error. */
static int
fetch_file(struct ctx *ctx, const char *rev, const char *path, struct buf *out, char *msg,
           size_t msglen)
{
    char *url = hub_url_resolve(http_endpoint(ctx->http), ctx->g.type, ctx->g.repo, rev, path);
    struct http_req *req = http_perform(ctx->http, http_req_new(url, NULL, NULL));
    int rc;

    free(url);
    if (http_ok(req)) {
        buf_add(out, req->resp.buf, req->resp.len);
        rc = 1;
    } else if (hub_entry_missing(req)) {
        rc = 0;
    } else {
        hub_error(req, path, msg, msglen);
        rc = -1;
    }
    http_req_free(req);
    return rc;
}

static void
proposal_release(struct proposal *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->old[i]);
    free(p->old);
    free(p->old_len);
    free(p->files);
    memset(p, 0, sizeof(*p));
}

/*
 * Keep the files that differ from what the branch holds now (a file already
 * there as proposed is left out), with their content at the base revision
 * (what the commit's diff is against).
 */
static int
propose(struct ctx *ctx, struct proposal *p)
{
    size_t n = json_array_size(ctx->g.files), i;
    json_t *f;
    char msg[512];

    p->files = xcalloc(n ? n : 1, sizeof(*p->files));
    p->old = xcalloc(n ? n : 1, sizeof(*p->old));
    p->old_len = xcalloc(n ? n : 1, sizeof(*p->old_len));
    json_array_foreach(ctx->g.files, i, f) {
        json_t *content = json_object_get(f, "content");
        const char *path = rec_str(f, "path");
        struct buf cur = BUF_INIT;
        int have = fetch_file(ctx, ctx->o.branch, path, &cur, msg, sizeof(msg));

        if (have == 1 && cur.len == json_string_length(content) &&
            !memcmp(cur.buf, json_string_value(content), cur.len)) {
            buf_release(&cur);
            continue;
        }
        if (have >= 0 && ctx->g.base) { /* the diff is against the base, not the head */
            buf_reset(&cur);
            have = fetch_file(ctx, ctx->g.base, path, &cur, msg, sizeof(msg));
        }
        if (have < 0) {
            fail(ctx, "%s", msg);
            buf_release(&cur);
            return -1;
        }
        p->files[p->n] = (struct commit_file){ path, json_string_value(content),
                                               json_string_length(content) };
        p->old[p->n] = have ? buf_detach(&cur, &p->old_len[p->n]) : NULL;
        buf_release(&cur);
        p->n++;
    }
    commit_marker(p->files, p->n, p->marker);
    return 0;
}

/* ---------------------------------------------------------------- open pull requests */

/* Every open pull request of the repo (all pages); NULL with a message on failure. */
static json_t *
open_prs(struct ctx *ctx, char *msg, size_t msglen)
{
    json_t *prs = json_array();
    bool more = true;

    for (long page = 0; more; page++) {
        char *url = hub_url_open_prs(http_endpoint(ctx->http), ctx->g.type, ctx->g.repo, page);
        struct http_req *req = http_perform(ctx->http, http_req_new(url, NULL, NULL));
        struct ep_err err;
        json_t *v = NULL;
        int rc = -1;

        free(url);
        if (!http_ok(req))
            hub_error(req, "listing pull requests", msg, msglen);
        else if (!(v = hub_json(req, &err)) || hub_open_prs_page(v, page, prs, &more, &err) < 0)
            snprintf(msg, msglen, "listing pull requests: %.400s", err.msg);
        else
            rc = 0;
        json_decref(v);
        http_req_free(req);
        if (rc < 0) {
            json_decref(prs);
            return NULL;
        }
    }
    return prs;
}

/* The description of pull request num (its first comment), or NULL. */
static char *
pr_description(struct ctx *ctx, long num)
{
    char tail[64], *url, *text = NULL;
    struct http_req *req;
    struct ep_err err;
    json_t *v, *ev;
    size_t i;

    snprintf(tail, sizeof(tail), "discussions/%ld", num);
    url = hub_url_api(http_endpoint(ctx->http), ctx->g.type, ctx->g.repo, tail);
    req = http_perform(ctx->http, http_req_new(url, NULL, NULL));
    free(url);
    v = http_ok(req) ? hub_json(req, &err) : NULL;
    json_array_foreach(json_object_get(v, "events"), i, ev) {
        const char *raw = rec_str(json_object_get(json_object_get(ev, "data"), "latest"), "raw");

        if (raw && !strcmp(rec_str(ev, "type") ? rec_str(ev, "type") : "", "comment")) {
            text = xstrdup(raw);
            break;
        }
    }
    json_decref(v);
    http_req_free(req);
    return text;
}

/* Does pull request num hold exactly the proposed files? */
static bool
pr_has_files(struct ctx *ctx, long num, const struct proposal *p)
{
    char ref[48], msg[256];

    snprintf(ref, sizeof(ref), "refs/pr/%ld", num);
    for (size_t i = 0; i < p->n; i++) {
        struct buf cur = BUF_INIT;
        bool same = fetch_file(ctx, ref, p->files[i].path, &cur, msg, sizeof(msg)) == 1 &&
                    cur.len == p->files[i].len && !memcmp(cur.buf, p->files[i].content, cur.len);

        buf_release(&cur);
        if (!same)
            return false;
    }
    return true;
}

/*
 * The open pull request that already proposes this change — by the marker
 * pr-open wrote into it, or by identical file contents — as a pr record;
 * NULL when there is none. *failed is set (and msg) when the listing failed.
 */
static json_t *
find_existing(struct ctx *ctx, const struct proposal *p, char *msg, size_t msglen, bool *failed)
{
    json_t *prs = open_prs(ctx, msg, msglen), *d, *found = NULL;
    size_t i;

    *failed = prs == NULL;
    if (!prs)
        return NULL;
    json_array_foreach(prs, i, d) {
        long num = (long)json_integer_value(json_object_get(d, "num"));
        char *desc = pr_description(ctx, num);
        bool same = commit_has_marker(desc, p->marker) || pr_has_files(ctx, num, p);

        free(desc);
        if (same) {
            char *url = hub_url_discussion(http_endpoint(ctx->http), ctx->g.type, ctx->g.repo, num);

            found = pr_new(ctx, "exists");
            rec_set_int(found, "number", num);
            rec_set_str(found, "url", url);
            rec_set_str(found, "title", rec_str(d, "title"));
            free(url);
            break;
        }
    }
    json_decref(prs);
    return found;
}

/* ---------------------------------------------------------------- title and description */

/* Text for a markdown table cell: '|' escaped, line breaks as spaces. */
static void
cell(struct buf *out, const json_t *v)
{
    struct buf tmp = BUF_INIT;
    const char *s;

    if (json_is_string(v)) {
        buf_addstr(&tmp, json_string_value(v));
    } else if (json_is_object(v)) { /* a source: {name, url} */
        const char *name = rec_str(v, "name"), *url = rec_str(v, "url");

        if (name && url)
            buf_addf(&tmp, "[%s](%s)", name, url);
        else
            buf_addstr(&tmp, name ? name : url ? url : "");
    } else if (v && !json_is_null(v)) {
        ndjson_dump(&tmp, v);
    }
    for (s = tmp.buf; *s; s++) {
        if (*s == '|')
            buf_addstr(out, "\\|");
        else
            buf_addch(out, *s == '\n' || *s == '\r' ? ' ' : *s);
    }
    buf_release(&tmp);
}

/* The entries of the change records that this commit writes (added or replaced). */
static size_t
table_rows(const struct ctx *ctx, struct buf *out)
{
    json_t *c, *e;
    size_t i, j, n = 0;

    json_array_foreach(ctx->g.changes, i, c) {
        json_array_foreach(json_object_get(c, "entries"), j, e) {
            const char *st = rec_str(e, "status");

            if (!st || (strcmp(st, "added") && strcmp(st, "replaced")))
                continue;
            if (!n++)
                buf_addstr(out, "| Dataset | Metric | Value | Source | |\n|---|---|---|---|---|\n");
            buf_addstr(out, "| ");
            cell(out, json_object_get(e, "dataset"));
            if (rec_str(e, "config") || rec_str(e, "split")) {
                buf_addstr(out, " (");
                cell(out, json_object_get(e, "config"));
                if (rec_str(e, "config") && rec_str(e, "split"))
                    buf_addstr(out, ", ");
                cell(out, json_object_get(e, "split"));
                buf_addch(out, ')');
            }
            buf_addstr(out, " | ");
            cell(out, json_object_get(e, "metric"));
            buf_addstr(out, " | ");
            cell(out, json_object_get(e, "value"));
            buf_addstr(out, " | ");
            cell(out, json_object_get(e, "source"));
            buf_addstr(out, " | ");
            buf_addstr(out, st);
            buf_addstr(out, " |\n");
        }
    }
    return n;
}

static void
describe(const struct ctx *ctx, const struct proposal *p, struct buf *title, struct buf *desc)
{
    struct buf table = BUF_INIT;
    size_t rows = table_rows(ctx, &table);

    if (ctx->o.title)
        buf_addstr(title, ctx->o.title);
    else if (rows)
        buf_addf(title, "Add %zu evaluation result%s to the model card metadata", rows,
                 rows == 1 ? "" : "s");
    else if (p->n == 1)
        buf_addf(title, "Update %s", p->files[0].path);
    else
        buf_addf(title, "Update %zu files", p->n);

    buf_addstr(desc, rows ? "This pull request adds evaluation results to the model card "
                            "metadata, where the Hub shows them on the model page and in "
                            "leaderboards.\n\n"
                          : "This pull request updates the model card metadata.\n\n");
    if (rows) {
        buf_add(desc, table.buf, table.len);
        buf_addch(desc, '\n');
    }
    buf_addstr(desc, "Files:");
    for (size_t i = 0; i < p->n; i++)
        buf_addf(desc, " `%s`%s", p->files[i].path, i + 1 < p->n ? "," : ".");
    buf_addstr(desc, " In `README.md` only the metadata block changes; the rest of the file is "
                     "kept byte for byte.\n\n");
    buf_addf(desc, "Prepared with evalpipe %s (a pipeline of hf-fetch, tables2json or an "
                   "importer, merge-index, yaml-emit and pr-open). Please check the values "
                   "against their source before merging.\n\n",
             EVALPIPE_VERSION);
    commit_marker_line(desc, p->marker);
    buf_addch(desc, '\n');
    buf_release(&table);
}

/* ---------------------------------------------------------------- committing */

static void
sleep_for(double secs)
{
    struct timespec ts = { (time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9) };

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* The wait before a retry: Retry-After when given (at most 60 s), else 1, 2, 4… s. */
static double
retry_after(const struct http_req *req, int attempt)
{
    const char *ra = http_header(req, "Retry-After");
    double v;

    if (ra && parse_double(ra, &v) == 0 && v >= 0)
        return v < 60 ? v : 60;
    return (double)(1 << (attempt < 4 ? attempt : 4));
}

static bool
transient(const struct http_req *req)
{
    return req->status == 0 || req->status == 408 || req->status == 429 || req->status >= 500;
}

/* The pr record of a successful commit reply. */
static json_t *
committed(struct ctx *ctx, const struct http_req *req)
{
    struct ep_err err;
    json_t *v = hub_json(req, &err), *pr = pr_new(ctx, ctx->o.direct ? "committed" : "opened");
    const char *url = rec_str(v, "pullRequestUrl");
    const char *num = url ? strrchr(url, '/') : NULL;
    long n;

    if (num && parse_long(num + 1, 1, 1L << 40, &n) == 0)
        rec_set_int(pr, "number", n);
    if (url)
        rec_set_str(pr, "url", url);
    else if (rec_str(v, "commitUrl"))
        rec_set_str(pr, "url", rec_str(v, "commitUrl"));
    if (rec_str(v, "commitOid"))
        rec_set_str(pr, "commit", rec_str(v, "commitOid"));
    json_decref(v);
    return pr;
}

/*
 * POST the commit. It is never resent blindly: after a failure that may have
 * landed (429, 5xx, a lost reply) the open pull requests are searched for
 * the marker (or, with --direct, the branch for the files) before trying again.
 */
static json_t *
post_commit(struct ctx *ctx, const struct proposal *p, const char *title, const char *desc)
{
    char tail[256], msg[512];
    struct buf rev = BUF_INIT;
    char *url;
    json_t *pr = NULL;

    http_escape(&rev, ctx->o.branch, false);
    snprintf(tail, sizeof(tail), "commit/%s%s", rev.buf, ctx->o.direct ? "" : "?create_pr=1");
    buf_release(&rev);
    url = hub_url_api(http_endpoint(ctx->http), ctx->g.type, ctx->g.repo, tail);
    for (int attempt = 0;; attempt++) {
        struct http_req *req = http_req_new(url, NULL, NULL);
        bool failed;

        req->method = "POST";
        req->content_type = "application/x-ndjson";
        commit_payload(&req->body, title, desc, ctx->g.base, p->files, p->n);
        http_perform(ctx->http, req);
        if (http_ok(req)) {
            pr = committed(ctx, req);
        } else if (req->status == 409 || req->status == 412) {
            fail(ctx, "the branch moved since revision %s (HTTP %ld): fetch the card again and "
                      "rerun; nothing was written",
                 ctx->g.base ? ctx->g.base : "(none)", req->status);
        } else if (!transient(req) || attempt >= ctx->o.retries) {
            fail(ctx, "%s", hub_error(req, "commit", msg, sizeof(msg)));
        } else {
            double wait = retry_after(req, attempt);

            info("%s: %s; checking whether it landed", ctx->g.repo,
                 hub_error(req, "commit", msg, sizeof(msg)));
            sleep_for(wait);
            if (!ctx->o.direct && (pr = find_existing(ctx, p, msg, sizeof(msg), &failed))) {
                rec_set_str(pr, "status", "opened"); /* it did land */
            } else if (!ctx->o.direct && failed) {
                fail(ctx, "commit may or may not have landed, and checking failed (%s): "
                          "rerun to check again; nothing more was sent", msg);
                http_req_free(req);
                break;
            } else if (ctx->o.direct) {
                struct proposal again = { 0 };

                if (propose(ctx, &again) == 0 && again.n == 0) /* the branch has it now */
                    pr = pr_new(ctx, "committed");
                proposal_release(&again);
            }
            if (!pr) {
                http_req_free(req);
                continue;
            }
        }
        http_req_free(req);
        break;
    }
    free(url);
    return pr;
}

/* ---------------------------------------------------------------- per repo */

static void
dry_run(struct ctx *ctx, const struct proposal *p, const char *title, const char *desc)
{
    struct buf diff = BUF_INIT;
    json_t *pr = pr_new(ctx, "dry-run");

    for (size_t i = 0; i < p->n; i++)
        diff_unified(&diff, p->files[i].path, p->old[i], p->old_len[i], p->files[i].content,
                     p->files[i].len);
    rec_set_str(pr, "title", title);
    rec_set_str(pr, "description", desc);
    rec_set_str(pr, "diff", diff.buf);
    rec_set_str(pr, "base_revision", ctx->g.base);
    pr_put(pr);
    buf_release(&diff);
}

static void
process_group(struct ctx *ctx)
{
    struct proposal p = { 0 };
    struct buf title = BUF_INIT, desc = BUF_INIT;
    json_t *pr = NULL;
    char msg[512];
    bool failed = false;

    if (ctx->g.error) {
        fail(ctx, "%s", ctx->g.error);
        return;
    }
    if (propose(ctx, &p) < 0)
        goto out;
    if (p.n == 0) {
        pr_put(pr_new(ctx, "unchanged"));
        goto out;
    }
    describe(ctx, &p, &title, &desc);
    if (!ctx->o.force && !ctx->o.direct && (pr = find_existing(ctx, &p, msg, sizeof(msg), &failed)))
        pr_put(pr);
    else if (failed)
        fail(ctx, "%s", msg);
    else if (ctx->o.dry_run)
        dry_run(ctx, &p, title.buf, desc.buf);
    else if ((pr = post_commit(ctx, &p, title.buf, desc.buf)))
        pr_put(pr);
out:
    proposal_release(&p);
    buf_release(&title);
    buf_release(&desc);
}

static void
group_release(struct group *g)
{
    free(g->repo);
    free(g->base);
    free(g->error);
    json_decref(g->files);
    json_decref(g->changes);
    memset(g, 0, sizeof(*g));
}

static void
finish_group(struct ctx *ctx)
{
    if (!ctx->g.repo)
        return;
    if (json_array_size(ctx->g.files) > 0 || ctx->g.error)
        process_group(ctx);
    json_object_set_new(ctx->seen, ctx->g.repo, json_true());
    group_release(&ctx->g);
}

/* Check a file record and add it to the group (or note why it cannot be used). */
static void
add_file(struct ctx *ctx, json_t *rec)
{
    struct group *g = &ctx->g;
    const char *path = rec_str(rec, "path"), *base = rec_str(rec, "base_revision");
    const char *type = rec_str(rec, "type");
    enum hub_type t = HUB_MODEL;
    struct ep_err err;

    if (g->error)
        return;
    if (!path || hfcache_check_path(path, &err) < 0)
        g->error = xstrfmt("file record: %s", path ? err.msg : "no \"path\"");
    else if (!json_is_string(json_object_get(rec, "content")))
        g->error = xstrfmt("file record for %s has no string \"content\"", path);
    else if (type && hub_parse_type(type, &t) < 0)
        g->error = xstrfmt("file record for %s: unknown type '%s'", path, type);
    else if (json_array_size(g->files) && t != g->type)
        g->error = xstrfmt("file records of one repo disagree on its type");
    else if (json_array_size(g->files) && ((base == NULL) != (g->base == NULL) ||
                                           (base && strcmp(base, g->base))))
        g->error = xstrfmt("file records of one repo disagree on base_revision");
    if (g->error)
        return;
    if (!json_array_size(g->files)) {
        g->type = t;
        g->base = base ? xstrdup(base) : NULL;
    }
    json_array_append(g->files, rec);
}

/* Route one input record: file and change records gather by repo, the rest pass on. */
static void
process_record(struct ctx *ctx, json_t *rec, const struct input *in)
{
    const char *repo = rec_str(rec, "repo");
    bool file = rec_is(rec, "file"), change = rec_is(rec, "change");

    if (!file && !change) {
        ndjson_put(rec);
        return;
    }
    if (!repo) {
        struct rec_where w = { .file = input_name(in), .line = input_line(in) };

        if (change)
            ndjson_put(rec);
        rec_error(&w, NULL, "%s record without \"repo\"", rec_kind(rec));
        ctx->rc = RC_PARTIAL;
        return;
    }
    if (!ctx->g.repo || strcmp(ctx->g.repo, repo)) {
        finish_group(ctx);
        ctx->g.repo = xstrdup(repo);
        ctx->g.files = json_array();
        ctx->g.changes = json_array();
        ctx->g.line = input_line(in);
        if (json_object_get(ctx->seen, repo))
            ctx->g.error = xstrfmt("records of %s come after other repos' records; group the "
                                   "input by repo (one commit per repo)",
                                   repo);
    }
    if (file) {
        add_file(ctx, rec);
    } else {
        ndjson_put(rec); /* informative for later stages too */
        json_array_append(ctx->g.changes, rec);
    }
}

/* ---------------------------------------------------------------- main */

enum { OPT_DIRECT = 256, OPT_FORCE, OPT_RETRIES, OPT_TITLE };

static const struct option longopts[] = {
    CLI_LONGOPTS,
    { "dry-run", no_argument, NULL, 'n' },    { "branch", required_argument, NULL, 'b' },
    { "direct", no_argument, NULL, OPT_DIRECT }, { "force", no_argument, NULL, OPT_FORCE },
    { "retries", required_argument, NULL, OPT_RETRIES },
    { "title", required_argument, NULL, OPT_TITLE }, { NULL, 0, NULL, 0 },
};

static void
parse_args(struct opts *o, int argc, char **argv)
{
    long v;
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, CLI_SHORT "nb:", longopts, NULL)) != -1) {
        if (cli_common(c, usage_text))
            continue;
        switch (c) {
        case 'n':
            o->dry_run = true;
            break;
        case 'b':
            o->branch = optarg;
            break;
        case OPT_DIRECT:
            o->direct = true;
            break;
        case OPT_FORCE:
            o->force = true;
            break;
        case OPT_RETRIES:
            if (parse_long(optarg, 0, 10, &v) < 0)
                usage_error(usage_text, "invalid --retries '%s' (0..10)", optarg);
            o->retries = (int)v;
            break;
        case OPT_TITLE:
            o->title = optarg;
            break;
        default:
            cli_bad_option(usage_text, argv);
        }
    }
    o->files = argv + optind;
    o->nfiles = (size_t)(argc - optind);
}

int
main(int argc, char **argv)
{
    struct ctx ctx = { .o = OPTS_INIT };
    struct http_options hopt = { .tool = "pr-open", .max_active = 4 };
    struct input in;
    struct ep_err err;
    json_t *rec;
    int rc;

    msg_init(argv[0]);
    parse_args(&ctx.o, argc, argv);
    hopt.max_retries = ctx.o.retries;
    ctx.http = http_client_new(&hopt);
    if (!ctx.http)
        die("cannot start the HTTP client");
    if (!ctx.o.dry_run && !http_has_token(ctx.http) && !http_offline(ctx.http))
        warning("no token (HF_TOKEN or $HF_HOME/token): the Hub will refuse to write");
    ctx.seen = json_object();
    input_init(&in, ctx.o.files, ctx.o.nfiles);
    while ((rc = input_next(&in, &rec, &err)) == NDJSON_OK) {
        process_record(&ctx, rec, &in);
        json_decref(rec);
    }
    if (rc == NDJSON_IOERR)
        die("%s", err.msg);
    finish_group(&ctx);
    if (in.bad)
        ctx.rc = RC_PARTIAL;
    input_release(&in);
    json_decref(ctx.seen);
    http_client_free(ctx.http);
    ndjson_close_stdout();
    return ctx.rc;
}

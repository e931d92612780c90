/*
 * recs — record plumbing for pipelines.
 *
 *   split    write the records into files named from their fields (a file
 *            is rewritten only when its content changes, so make sees a
 *            new mtime exactly when a repo's records changed)
 *   summary  count what a pipeline did: repos, results added / present /
 *            conflicting, pull requests by status, errors -> a summary record
 *
 * Reads the operand files or stdin. split passes records it cannot name
 * through; summary consumes everything.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/cli.h"
#include "lib/fsutil.h"
#include "lib/input.h"
#include "lib/msg.h"
#include "lib/ndjson.h"
#include "lib/rec.h"
#include "lib/xalloc.h"

static const char usage_text[] =
    "usage: recs [-qv] split [--dir dir] [--name template] [--kind kind] [--list file] [file ...]\n"
    "       recs [-qv] summary [file ...]\n";

enum cmd { CMD_SPLIT, CMD_SUMMARY };

struct opts {
    enum cmd cmd;
    const char *dir;
    const char *name;  /* e.g. "{repo}.ndjson" */
    const char *kind;  /* only records of this kind are split (others pass) */
    const char *list;  /* also write the paths, one a line, to this file */
    char **files;
    size_t nfiles;
};

#define OPTS_INIT { .dir = ".", .name = "{repo}.ndjson" }

struct ctx {
    struct opts o;
    json_t *files;   /* split: file name -> array of record lines (strings) */
    json_t *counts;  /* summary: name -> count */
    json_t *repos;   /* summary: repos seen */
    int rc;
};

/* ---------------------------------------------------------------- split */

/* A field value made safe as one file-name component ('/' becomes "--"). */
static int
put_component(struct buf *out, const char *v)
{
    if (!*v || !strcmp(v, ".") || !strcmp(v, ".."))
        return -1;
    for (const char *p = v; *p; p++) {
        unsigned char c = (unsigned char)*p;

        if (c == '/')
            buf_addstr(out, "--");
        else if (c < 0x20 || c == '\\' || c == 0x7f)
            return -1;
        else
            buf_addch(out, c);
    }
    return 0;
}

/* The file name of rec from the template, or -1 when a field is missing or unsafe. */
static int
file_name(const char *tmpl, const json_t *rec, struct buf *out)
{
    for (const char *p = tmpl; *p; p++) {
        const char *close;
        char field[64];

        if (*p != '{') {
            buf_addch(out, *p);
            continue;
        }
        close = strchr(p, '}');
        if (!close || (size_t)(close - p - 1) >= sizeof(field))
            return -1;
        memcpy(field, p + 1, (size_t)(close - p - 1));
        field[close - p - 1] = '\0';
        if (!rec_str(rec, field) || put_component(out, rec_str(rec, field)) < 0)
            return -1;
        p = close;
    }
    return 0;
}

static void
split_record(struct ctx *ctx, json_t *rec)
{
    struct buf name = BUF_INIT, line = BUF_INIT;
    json_t *list;

    if ((ctx->o.kind && !rec_is(rec, ctx->o.kind)) || file_name(ctx->o.name, rec, &name) < 0) {
        ndjson_put(rec);
        buf_release(&name);
        return;
    }
    list = json_object_get(ctx->files, name.buf);
    if (!list) {
        list = json_array();
        json_object_set_new(ctx->files, name.buf, list);
    }
    ndjson_dump(&line, rec);
    buf_addch(&line, '\n');
    json_array_append_new(list, json_stringn(line.buf, line.len));
    buf_release(&line);
    buf_release(&name);
}

/* Write each file unless it already holds exactly these records. */
static void
split_finish(struct ctx *ctx)
{
    const char *name;
    json_t *list;
    struct ep_err err;

    if (fs_mkdirs(ctx->o.dir, &err) < 0)
        die("%s", err.msg);
    struct buf paths = BUF_INIT;

    json_object_foreach(ctx->files, name, list) {
        struct buf text = BUF_INIT, old = BUF_INIT;
        char *path = xstrfmt("%s/%s", ctx->o.dir, name);
        json_t *v, *rec;
        size_t i;
        bool same;

        json_array_foreach(list, i, v) buf_add(&text, json_string_value(v), json_string_length(v));
        same = fs_read_file(path, &old, &err) == 0 && old.len == text.len &&
               !memcmp(old.buf, text.buf, text.len);
        if (!same && fs_write_atomic(path, text.buf, text.len, &err) < 0) {
            rec_error(NULL, NULL, "%s", err.msg);
            ctx->rc = RC_PARTIAL;
        } else {
            rec = rec_new("split");
            rec_set_str(rec, "path", path);
            rec_set_int(rec, "records", (long long)json_array_size(list));
            rec_set(rec, "changed", json_boolean(!same));
            ndjson_put(rec);
            json_decref(rec);
            buf_addf(&paths, "%s\n", path);
        }
        buf_release(&text);
        buf_release(&old);
        free(path);
    }
    if (ctx->o.list && fs_write_atomic(ctx->o.list, paths.buf, paths.len, &err) < 0)
        die("%s", err.msg);
    buf_release(&paths);
}

/* ---------------------------------------------------------------- summary */

static void
count(struct ctx *ctx, const char *key, long long n)
{
    json_t *v = json_object_get(ctx->counts, key);

    if (n)
        json_object_set_new(ctx->counts, key, json_integer((v ? json_integer_value(v) : 0) + n));
}

static void
summary_record(struct ctx *ctx, const json_t *rec)
{
    const char *kind = rec_kind(rec), *repo = rec_str(rec, "repo");
    char key[64];

    if (repo)
        json_object_set_new(ctx->repos, repo, json_true());
    if (!strcmp(kind, "change")) {
        static const char *const fields[] = { "added", "present", "conflict", "replaced",
                                              "skipped" };

        for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
            count(ctx, fields[i], rec_int(rec, fields[i], 0));
    } else if (!strcmp(kind, "pr") && rec_str(rec, "status")) {
        snprintf(key, sizeof(key), "pr_%s", rec_str(rec, "status"));
        count(ctx, key, 1);
    } else if (!strcmp(kind, "error") || !strcmp(kind, "score") || !strcmp(kind, "card")) {
        snprintf(key, sizeof(key), "%ss", kind);
        count(ctx, key, 1);
    }
}

static void
summary_finish(struct ctx *ctx)
{
    json_t *rec = rec_new("summary");
    const char *key;
    json_t *v;

    rec_set_int(rec, "repos", (long long)json_object_size(ctx->repos));
    json_object_foreach(ctx->counts, key, v) rec_set(rec, key, json_incref(v));
    ndjson_put(rec);
    json_decref(rec);
}

/* ---------------------------------------------------------------- main */

static void
parse_args(struct opts *o, int argc, char **argv)
{
    enum { OPT_DIR = 256, OPT_NAME, OPT_KIND, OPT_LIST };
    static const struct option longopts[] = {
        CLI_LONGOPTS,
        { "dir", required_argument, NULL, OPT_DIR },
        { "name", required_argument, NULL, OPT_NAME },
        { "kind", required_argument, NULL, OPT_KIND },
        { "list", required_argument, NULL, OPT_LIST },
        { NULL, 0, NULL, 0 },
    };
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, CLI_SHORT, longopts, NULL)) != -1) {
        if (cli_common(c, usage_text))
            continue;
        if (c == OPT_DIR)
            o->dir = optarg;
        else if (c == OPT_NAME)
            o->name = optarg;
        else if (c == OPT_KIND)
            o->kind = optarg;
        else if (c == OPT_LIST)
            o->list = optarg;
        else
            cli_bad_option(usage_text, argv);
    }
    if (optind >= argc)
        usage_error(usage_text, "no command given");
    if (!strcmp(argv[optind], "split"))
        o->cmd = CMD_SPLIT;
    else if (!strcmp(argv[optind], "summary"))
        o->cmd = CMD_SUMMARY;
    else
        usage_error(usage_text, "unknown command '%s'", argv[optind]);
    if (strchr(o->name, '/'))
        usage_error(usage_text, "--name makes a file name: no '/' (fields' own '/' become '--')");
    o->files = argv + optind + 1;
    o->nfiles = (size_t)(argc - optind - 1);
}

int
main(int argc, char **argv)
{
    struct ctx ctx = { .o = OPTS_INIT };
    struct input in;
    struct ep_err err;
    json_t *rec;
    int rc;

    msg_init(argv[0]);
    parse_args(&ctx.o, argc, argv);
    ctx.files = json_object();
    ctx.counts = json_object();
    ctx.repos = json_object();
    input_init(&in, ctx.o.files, ctx.o.nfiles);
    while ((rc = input_next(&in, &rec, &err)) == NDJSON_OK) {
        if (ctx.o.cmd == CMD_SPLIT)
            split_record(&ctx, rec);
        else
            summary_record(&ctx, rec);
        json_decref(rec);
    }
    if (rc == NDJSON_IOERR)
        die("%s", err.msg);
    if (ctx.o.cmd == CMD_SPLIT)
        split_finish(&ctx);
    else
        summary_finish(&ctx);
    if (in.bad)
        ctx.rc = RC_PARTIAL;
    input_release(&in);
    json_decref(ctx.files);
    json_decref(ctx.counts);
    json_decref(ctx.repos);
    ndjson_close_stdout();
    return ctx.rc;
}

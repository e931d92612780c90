/*
 * leaderboard — rank the models on each benchmark from their `score` records.
 *
 * Reads `score` records and groups them by dataset, config, split and metric;
 * keeps one score per model and ranks them (the rules are in lib/board.h).
 * After the input ends it writes one `board` record per benchmark (--format
 * json, the default), one Markdown document (md) or one HTML page (html).
 * In json mode every other record passes through unchanged, in order; in md
 * and html mode the output is a document, so other records are left out (one
 * warning counts them) and failures are reported on stderr only.
 */
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <string.h>

#include "lib/board.h"
#include "lib/boardfmt.h"
#include "lib/buf.h"
#include "lib/cli.h"
#include "lib/input.h"
#include "lib/msg.h"
#include "lib/ndjson.h"
#include "lib/num.h"
#include "lib/rec.h"

static const char usage_text[] =
    "usage: leaderboard [-qv] [-f md|json|html] [-d dataset] [-c config] [-s split] [-m metric]\n"
    "                   [-n top] [-t title] [--scale auto|percent|fraction]\n"
    "                   [--lower-is-better metric] [--higher-is-better metric] [file ...]\n";

enum format { FMT_JSON, FMT_MD, FMT_HTML };

static const char *const format_names[] = { "json", "markdown", "HTML" };

struct opts {
    enum format format;
    const char *dataset, *config, *split, *metric, *title;
    long top;
    enum board_scale scale;
    json_t *direction; /* metric -> lower is better */
    char **files;
    size_t nfiles;
};

#define OPTS_INIT          \
    {                      \
        .format = FMT_JSON \
    }

struct ctx {
    struct opts o;
    struct board_set set;
    json_t *left_out; /* kind -> how many records md/html output left out */
    int rc;
};

/* ---------------------------------------------------------------- records */

/* A score that cannot be ranked: an error record (json mode) and a stderr line. */
static void
fail(struct ctx *ctx, const json_t *rec, const struct input *in, const char *msg)
{
    const char *repo = rec_str(rec, "repo");
    struct rec_where w = { .repo = repo && *repo ? repo : NULL,
                           .file = input_name(in),
                           .line = input_line(in) };

    if (ctx->o.format == FMT_JSON)
        rec_error(&w, NULL, "%s", msg);
    else
        json_decref(rec_error_new(&w, NULL, "%s", msg));
    ctx->rc = RC_PARTIAL;
}

static void
process_record(struct ctx *ctx, json_t *rec, const struct input *in)
{
    struct ep_err err;
    json_t *n;

    if (rec_is(rec, "score")) {
        if (board_set_add(&ctx->set, rec, &err) < 0)
            fail(ctx, rec, in, err.msg);
        return;
    }
    if (ctx->o.format == FMT_JSON) {
        ndjson_put(rec);
        return;
    }
    n = json_object_get(ctx->left_out, rec_kind(rec));
    rec_set(ctx->left_out, rec_kind(rec), json_integer(n ? json_integer_value(n) + 1 : 1));
}

/* ---------------------------------------------------------------- output */

/* Write a piece of a document (it ends in a newline, which ndjson_put_raw adds back). */
static void
put_text(struct buf *b)
{
    if (b->len && b->buf[b->len - 1] == '\n')
        b->len--;
    if (b->len)
        ndjson_put_raw(b->buf, b->len);
    buf_reset(b);
}

static void
write_boards(struct ctx *ctx)
{
    struct boardfmt_opts fo = { .title = ctx->o.title,
                                .generator = "leaderboard (evalpipe) " EVALPIPE_VERSION,
                                .top = ctx->o.top };
    struct board_set *s = &ctx->set;
    struct buf b = BUF_INIT;

    if (ctx->o.format == FMT_JSON) {
        for (size_t i = 0; i < s->n; i++) {
            json_t *rec = board_to_json(s->boards[i], ctx->o.top, ctx->o.title);

            ndjson_put(rec);
            json_decref(rec);
        }
        return;
    }
    if (ctx->o.format == FMT_MD)
        boardfmt_md_head(&b, &fo, s->n);
    else
        boardfmt_html_head(&b, &fo, s->boards, s->n);
    put_text(&b);
    for (size_t i = 0; i < s->n; i++) {
        if (ctx->o.format == FMT_MD)
            boardfmt_md_board(&b, s->boards[i], i + 1, &fo);
        else
            boardfmt_html_board(&b, s->boards[i], i + 1, &fo);
        put_text(&b);
    }
    if (ctx->o.format == FMT_HTML) {
        boardfmt_html_tail(&b, &fo);
        put_text(&b);
    }
    buf_release(&b);
}

/* One warning naming the records a document left out: "2 card records, 1 error record". */
static void
warn_left_out(const struct ctx *ctx)
{
    struct buf b = BUF_INIT;
    const char *kind;
    json_t *n;

    json_object_foreach(ctx->left_out, kind, n) {
        long long k = json_integer_value(n);

        buf_addf(&b, "%s%lld %s record%s", b.len ? ", " : "", k, kind, k == 1 ? "" : "s");
    }
    if (b.len)
        warning("not in the %s output: %s", format_names[ctx->o.format], b.buf);
    buf_release(&b);
}

/* ---------------------------------------------------------------- options */

enum {
    OPT_SCALE = 256,
    OPT_LOWER,
    OPT_HIGHER,
};

static const struct option longopts[] = {
    CLI_LONGOPTS,
    { "format", required_argument, NULL, 'f' },
    { "dataset", required_argument, NULL, 'd' },
    { "config", required_argument, NULL, 'c' },
    { "split", required_argument, NULL, 's' },
    { "metric", required_argument, NULL, 'm' },
    { "top", required_argument, NULL, 'n' },
    { "title", required_argument, NULL, 't' },
    { "scale", required_argument, NULL, OPT_SCALE },
    { "lower-is-better", required_argument, NULL, OPT_LOWER },
    { "higher-is-better", required_argument, NULL, OPT_HIGHER },
    { NULL, 0, NULL, 0 },
};

static enum format
parse_format(const char *s)
{
    if (!strcmp(s, "json"))
        return FMT_JSON;
    if (!strcmp(s, "md") || !strcmp(s, "markdown"))
        return FMT_MD;
    if (!strcmp(s, "html"))
        return FMT_HTML;
    usage_error(usage_text, "unknown --format '%s' (md, json or html)", s);
}

static enum board_scale
parse_scale(const char *s)
{
    enum board_scale sc;

    if (!strcmp(s, "auto"))
        return BOARD_SCALE_NONE;
    if (board_parse_scale(s, &sc) < 0 || sc == BOARD_RAW)
        usage_error(usage_text, "unknown --scale '%s' (auto, percent or fraction)", s);
    return sc;
}

static void
parse_args(struct opts *o, int argc, char **argv)
{
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, CLI_SHORT "f:d:c:s:m:n:t:", longopts, NULL)) != -1) {
        if (cli_common(c, usage_text))
            continue;
        switch (c) {
        case 'f':
            o->format = parse_format(optarg);
            break;
        case 'd':
            o->dataset = optarg;
            break;
        case 'c':
            o->config = optarg;
            break;
        case 's':
            o->split = optarg;
            break;
        case 'm':
            o->metric = optarg;
            break;
        case 'n':
            if (parse_long(optarg, 1, LONG_MAX, &o->top) < 0)
                usage_error(usage_text, "invalid --top '%s' (a positive number)", optarg);
            break;
        case 't':
            o->title = optarg;
            break;
        case OPT_SCALE:
            o->scale = parse_scale(optarg);
            break;
        case OPT_LOWER:
        case OPT_HIGHER:
            rec_set(o->direction, optarg, json_boolean(c == OPT_LOWER));
            break;
        default:
            cli_bad_option(usage_text, argv);
        }
    }
    o->files = argv + optind;
    o->nfiles = (size_t)(argc - optind);
}

/* ---------------------------------------------------------------- main */

int
main(int argc, char **argv)
{
    struct ctx ctx = { .o = OPTS_INIT };
    struct input in;
    struct ep_err err;
    const char *metric;
    json_t *rec, *lower;
    int rc;

    msg_init(argv[0]);
    ctx.o.direction = json_object();
    ctx.left_out = json_object();
    if (!ctx.o.direction || !ctx.left_out)
        die("out of memory");
    parse_args(&ctx.o, argc, argv);
    board_set_init(&ctx.set);
    ctx.set.want_dataset = ctx.o.dataset;
    ctx.set.want_config = ctx.o.config;
    ctx.set.want_split = ctx.o.split;
    ctx.set.want_metric = ctx.o.metric;
    ctx.set.force_scale = ctx.o.scale;
    json_object_foreach(ctx.o.direction, metric, lower)
        board_set_direction(&ctx.set, metric, json_is_true(lower));

    input_init(&in, ctx.o.files, ctx.o.nfiles);
    in.no_error_records = ctx.o.format != FMT_JSON;
    while ((rc = input_next(&in, &rec, &err)) == NDJSON_OK) {
        process_record(&ctx, rec, &in);
        json_decref(rec);
    }
    if (rc == NDJSON_IOERR)
        die("%s", err.msg);
    if (in.bad)
        ctx.rc = RC_PARTIAL;
    input_release(&in);

    board_set_rank(&ctx.set);
    info("%zu board%s from %zu usable score%s", ctx.set.n, ctx.set.n == 1 ? "" : "s", ctx.set.seq,
         ctx.set.seq == 1 ? "" : "s");
    write_boards(&ctx);
    warn_left_out(&ctx);
    board_set_release(&ctx.set);
    json_decref(ctx.o.direction);
    json_decref(ctx.left_out);
    ndjson_close_stdout();
    return ctx.rc;
}

/*
 * merge-index — merge `score` records into the `model-index` of `card`
 * records without losing what the card already says.
 *
 * Reads `card` and `score` records, a repo's scores next to its card (before
 * or after it). Writes each card, its metadata's model-index merged, then
 * one `change` record per repo. --check writes a `check` record per card,
 * --show / --table its existing entries as `score` records or a table; there
 * scores are not consumed. Every other record passes through, in order.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/buf.h"
#include "lib/cli.h"
#include "lib/input.h"
#include "lib/modelindex.h"
#include "lib/msg.h"
#include "lib/ndjson.h"
#include "lib/num.h"
#include "lib/rec.h"
#include "lib/xalloc.h"

#define USAGE "usage: merge-index [-hkqrVv] [-c | -s | -t] [-n name] [file ...]\n"

static const char usage_text[] = USAGE;
enum mode { MODE_MERGE, MODE_CHECK, MODE_SHOW, MODE_TABLE };

/* The statuses of change entries, in the order a change record counts them. */
static const char *const statuses[] = { "added", "present", "conflict", "replaced", "skipped" };
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]))

struct opts {
    enum mode mode;
    bool replace;           /* -r: replace conflicting values */
    bool keep_scores;       /* -k: write the consumed scores after the change record */
    const char *model_name; /* -n */
};
#define OPTS_INIT          \
    {                      \
        .mode = MODE_MERGE \
    }

struct ctx {
    struct opts o;
    char *repo;     /* the repo whose card and scores are being gathered */
    json_t *card;   /* its card, once seen */
    json_t *scores; /* its scores */
    int rc;
};

/* ------------------------------------------------------------ options */

static const char help_text[] =
    USAGE "\nMerge score records into the model-index of card records.\n\n"
          "  -c, --check           check each card's model-index against the Hub's rules\n"
          "  -s, --show            write each card's model-index entries as score records\n"
          "  -t, --table           show each card's model-index entries as a table\n"
          "  -r, --replace         replace conflicting values (never verified ones)\n"
          "  -k, --keep-scores     also write the merged score records, after the card\n"
          "  -n, --model-name NAME put new results under the model entry NAME\n"
          "  -q, --quiet           no warnings\n"
          "  -v, --verbose         say more on stderr\n"
          "  -h, --help            this help\n"
          "  -V, --version         print the version\n";

static void
set_mode(struct opts *o, enum mode m)
{
    if (o->mode != MODE_MERGE && o->mode != m)
        usage_error(usage_text, "-c, -s and -t do not go together");
    o->mode = m;
}

/* Parse the options into o; returns the index of the first operand. */
static int
parse_args(struct opts *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "check", no_argument, NULL, 'c' },
        { "show", no_argument, NULL, 's' },
        { "table", no_argument, NULL, 't' },
        { "replace", no_argument, NULL, 'r' },
        { "keep-scores", no_argument, NULL, 'k' },
        { "model-name", required_argument, NULL, 'n' },
        CLI_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, CLI_SHORT "cstrkn:", longopts, NULL)) != -1) {
        if (cli_common(c, help_text))
            continue;
        switch (c) {
        case 'c':
            set_mode(o, MODE_CHECK);
            break;
        case 's':
            set_mode(o, MODE_SHOW);
            break;
        case 't':
            set_mode(o, MODE_TABLE);
            break;
        case 'r':
            o->replace = true;
            break;
        case 'k':
            o->keep_scores = true;
            break;
        case 'n':
            if (!*optarg)
                usage_error(usage_text, "the model name is empty");
            o->model_name = optarg;
            break;
        default:
            cli_bad_option(usage_text, argv);
        }
    }
    return optind;
}

/* ------------------------------------------------------------ merging */

/* A copy of card whose metadata has model-index mi. */
static json_t *
card_with_model_index(const json_t *card, json_t *mi)
{
    json_t *copy = json_copy((json_t *)card), *meta = json_object_get(card, "metadata");
    json_t *nmeta = json_is_object(meta) ? json_copy(meta) : json_object();

    if (!copy || !nmeta || json_object_set(nmeta, "model-index", mi) < 0)
        die("out of memory");
    rec_set(copy, "metadata", nmeta);
    return copy;
}

static void
describe(struct buf *b, const json_t *v)
{
    if (v)
        ndjson_dump(b, v);
    else
        buf_addstr(b, "nothing");
}

static void
warn_conflict(const char *repo, const json_t *e)
{
    struct buf old = BUF_INIT, new = BUF_INIT;

    describe(&old, json_object_get(e, "existing"));
    describe(&new, json_object_get(e, "value"));
    warning("%s: %s: card has %s, score has %s (%s)", repo, rec_str(e, "path"), old.buf, new.buf,
            rec_str(e, "reason") ? rec_str(e, "reason") : "kept");
    buf_release(&old);
    buf_release(&new);
}

static json_t *
change_record(const json_t *card, const char *repo, json_t *entries, const size_t *counts)
{
    json_t *rec = rec_new("change");

    rec_set_str(rec, "repo", repo);
    if (rec_str(card, "revision"))
        rec_set_str(rec, "revision", rec_str(card, "revision"));
    if (rec_str(card, "path"))
        rec_set_str(rec, "path", rec_str(card, "path"));
    rec_set(rec, "changed", json_boolean(counts[0] + counts[3] > 0));
    for (size_t i = 0; i < NSTATUS; i++)
        rec_set_int(rec, statuses[i], (long long)counts[i]);
    rec_set(rec, "entries", json_incref(entries));
    return rec;
}

/* Can the card's metadata be merged into? Reports why not. */
static bool
mergeable(struct ctx *c, const json_t *card, const struct rec_where *w)
{
    const char *why;
    const json_t *mi = json_object_get(mi_card_metadata(card, &why), "model-index");
    struct ep_err err;

    if (why) {
        rec_error(w, NULL, "card metadata does not parse (%s); card not merged", why);
    } else if (mi && mi_check_shape(mi, &err) < 0) {
        rec_error(w, NULL, "cannot merge into %s", err.msg);
    } else {
        return true;
    }
    c->rc = RC_PARTIAL;
    return false;
}

/* Merge the gathered scores into the gathered card; write the card and a change record. */
static void
merge_card(struct ctx *c)
{
    struct mi_merge_opts mo = { c->o.replace, c->o.model_name };
    struct rec_where w = { c->repo, NULL, 0 };
    const json_t *mi = json_object_get(json_object_get(c->card, "metadata"), "model-index");
    json_t *work, *entries, *s, *out;
    size_t counts[NSTATUS] = { 0 }, i;

    if (!mergeable(c, c->card, &w))
        return;
    work = mi ? json_deep_copy(mi) : NULL;
    entries = json_array();
    json_array_foreach(c->scores, i, s) {
        json_t *e = mi_merge(&work, s, c->repo, &mo);

        for (size_t k = 0; k < NSTATUS; k++)
            if (!strcmp(rec_str(e, "status"), statuses[k]))
                counts[k]++;
        if (!strcmp(rec_str(e, "status"), "conflict"))
            warn_conflict(c->repo, e);
        else if (!strcmp(rec_str(e, "status"), "skipped"))
            warning("%s: score skipped: %s", c->repo, rec_str(e, "reason"));
        json_array_append_new(entries, e);
    }
    out = counts[0] + counts[3] ? card_with_model_index(c->card, work) : json_incref(c->card);
    ndjson_put(out);
    json_decref(out);
    out = change_record(c->card, c->repo, entries, counts);
    ndjson_put(out);
    info("%s: %zu added, %zu present, %zu conflicting, %zu replaced, %zu skipped", c->repo,
         counts[0], counts[1], counts[2], counts[3], counts[4]);
    json_decref(out);
    json_decref(entries);
    json_decref(work);
}

/* The records of one repo are all in: merge them. */
static void
flush(struct ctx *c)
{
    size_t i;
    json_t *s;

    if (!c->repo)
        return;
    if (c->card) {
        merge_card(c);
    } else {
        struct rec_where w = { c->repo, NULL, 0 };

        rec_error(&w, NULL, "%zu score record%s but no card; nothing merged",
                  json_array_size(c->scores), json_array_size(c->scores) == 1 ? "" : "s");
        c->rc = RC_PARTIAL;
    }
    if (c->o.keep_scores)
        json_array_foreach(c->scores, i, s)
            ndjson_put(s);
    free(c->repo);
    c->repo = NULL;
    json_decref(c->card);
    c->card = NULL;
    json_array_clear(c->scores);
}

/* ------------------------------------------------------------ check and show */

static void
check_card(struct ctx *c, const json_t *card, const json_t *mi, const struct rec_where *w)
{
    json_t *rec = rec_new("check"), *problems = json_array();
    size_t n = mi ? mi_validate(mi, problems) : 0;

    rec_set_str(rec, "repo", w->repo);
    if (rec_str(card, "revision"))
        rec_set_str(rec, "revision", rec_str(card, "revision"));
    if (rec_str(card, "path"))
        rec_set_str(rec, "path", rec_str(card, "path"));
    rec_set(rec, "model_index", json_boolean(mi != NULL));
    rec_set(rec, "valid", json_boolean(n == 0));
    rec_set(rec, "problems", problems);
    ndjson_put(rec);
    if (n) {
        const json_t *first = json_array_get(problems, 0);

        rec_error(w, NULL, "model-index has %zu problem%s, first %s: %s", n, n == 1 ? "" : "s",
                  rec_str(first, "path"), rec_str(first, "message"));
        c->rc = RC_PARTIAL;
    }
    json_decref(rec);
}

/* One table cell: a string, a number, or "-"; control characters shown as '?'. */
static char *
cell(const json_t *v)
{
    struct buf b = BUF_INIT;
    char num[NUM_FMT_MAX];

    if (json_is_string(v))
        buf_addstr(&b, json_string_value(v));
    else if (json_is_integer(v))
        buf_addf(&b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v))
        buf_addstr(&b, num_fmt(json_real_value(v), num));
    else
        buf_addstr(&b, "-");
    for (size_t i = 0; i < b.len; i++)
        if ((unsigned char)b.buf[i] < 0x20 || b.buf[i] == 0x7f)
            b.buf[i] = '?';
    return buf_detach(&b, NULL);
}

/* Width on a terminal, counting code points. */
static size_t
width(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

#define NCOLS 7

static void
show_table(const json_t *card, const json_t *scores, const char *repo)
{
    static const char *const head[NCOLS] = { "MODEL", "TASK",   "DATASET", "CONFIG",
                                             "SPLIT", "METRIC", "VALUE" };
    static const char *const from[NCOLS][2] = { { "model", NULL },      { "task", "type" },
                                                { "dataset", "type" },  { "dataset", "config" },
                                                { "dataset", "split" }, { "metric", "type" },
                                                { "metric", "value" } };
    size_t rows = json_array_size(scores), w[NCOLS];
    char **cells = xcalloc((rows + 1) * NCOLS, sizeof(*cells));
    struct buf line = BUF_INIT;

    buf_addf(&line, "%s%s%s: %zu entr%s", repo, rec_str(card, "revision") ? " @ " : "",
             rec_str(card, "revision") ? rec_str(card, "revision") : "", rows,
             rows == 1 ? "y" : "ies");
    ndjson_put_raw(line.buf, line.len);
    for (size_t k = 0; k < NCOLS; k++) {
        cells[k] = xstrdup(head[k]);
        w[k] = width(head[k]);
        for (size_t r = 0; r < rows; r++) {
            const json_t *s = json_array_get(scores, r), *v = json_object_get(s, from[k][0]);

            cells[(r + 1) * NCOLS + k] = cell(from[k][1] ? json_object_get(v, from[k][1]) : v);
            if (width(cells[(r + 1) * NCOLS + k]) > w[k])
                w[k] = width(cells[(r + 1) * NCOLS + k]);
        }
    }
    for (size_t r = 0; r <= rows; r++) {
        buf_reset(&line);
        for (size_t k = 0; k < NCOLS; k++) {
            const char *t = cells[r * NCOLS + k];

            buf_addstr(&line, "  ");
            buf_addstr(&line, t);
            for (size_t p = width(t); k + 1 < NCOLS && p < w[k]; p++)
                buf_addch(&line, ' ');
        }
        ndjson_put_raw(line.buf, line.len);
    }
    for (size_t i = 0; i < (rows + 1) * NCOLS; i++)
        free(cells[i]);
    free(cells);
    buf_release(&line);
}

/* --check, --show, --table: one card at a time. */
static void
inspect_card(struct ctx *c, const json_t *card, const struct input *in)
{
    struct rec_where w = { rec_str(card, "repo"), NULL, input_line(in) };
    const char *why;
    const json_t *mi = json_object_get(mi_card_metadata(card, &why), "model-index");
    json_t *scores, *s;
    size_t i;

    if (why) {
        rec_error(&w, NULL, "card metadata does not parse (%s)", why);
        c->rc = RC_PARTIAL;
        return;
    }
    if (c->o.mode == MODE_CHECK) {
        check_card(c, card, mi, &w);
        return;
    }
    scores = json_array();
    mi_flatten(mi, w.repo, rec_str(card, "revision"), scores);
    if (c->o.mode == MODE_TABLE)
        show_table(card, scores, w.repo ? w.repo : "?");
    else
        json_array_foreach(scores, i, s)
            ndjson_put(s);
    json_decref(scores);
}

/* ------------------------------------------------------------ main */

static void
process(struct ctx *c, json_t *rec, const struct input *in)
{
    bool card = rec_is(rec, "card");
    const char *repo = rec_str(rec, "repo");

    if (!card && !(c->o.mode == MODE_MERGE && rec_is(rec, "score"))) {
        ndjson_put(rec);
        return;
    }
    if (!repo) {
        struct rec_where w = { NULL, NULL, input_line(in) };

        rec_error(&w, NULL, "%s:%zu: %s record has no \"repo\"", input_name(in), input_line(in),
                  rec_kind(rec));
        c->rc = RC_PARTIAL;
        return;
    }
    if (c->o.mode != MODE_MERGE) {
        inspect_card(c, rec, in);
        return;
    }
    if (c->repo && (strcmp(c->repo, repo) || (card && c->card)))
        flush(c);
    if (!c->repo)
        c->repo = xstrdup(repo);
    if (card)
        c->card = json_incref(rec);
    else
        json_array_append(c->scores, rec);
}

int
main(int argc, char **argv)
{
    struct ctx c = { .o = OPTS_INIT, .rc = RC_OK };
    struct input in;
    struct ep_err err;
    json_t *rec;
    int first, rc;

    msg_init(argv[0]);
    first = parse_args(&c.o, argc, argv);
    c.scores = json_array();
    input_init(&in, argv + first, (size_t)(argc - first));
    while ((rc = input_next(&in, &rec, &err)) == NDJSON_OK) {
        process(&c, rec, &in);
        json_decref(rec);
    }
    if (rc == NDJSON_IOERR)
        die("%s", err.msg);
    flush(&c);
    if (in.bad)
        c.rc = RC_PARTIAL;
    input_release(&in);
    json_decref(c.scores);
    ndjson_close_stdout();
    return c.rc;
}

/*
 * tables2json — the evaluation tables of model cards as score records.
 *
 * Reads NDJSON. Each `card` record is passed through, then followed by one
 * `score` record per value of the card's own model found in the GFM and HTML
 * tables of its README body, in table order. With --inspect a card is
 * followed by one `table` record per table instead (and is not passed
 * through). Every other record passes through unchanged and in order. A value
 * that cannot be read for certain is reported, never emitted.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "lib/cli.h"
#include "lib/evaltable.h"
#include "lib/input.h"
#include "lib/label.h"
#include "lib/mdtable.h"
#include "lib/msg.h"
#include "lib/ndjson.h"
#include "lib/rec.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

static const char usage_text[] =
    "usage: tables2json [-qv] [--inspect] [--table n] [--model-column n | --model-row n]\n"
    "                   [--model-name name] [--task-type type] [file ...]\n";

static const char usage_details[] =
    "\n"
    "Read card records; after each card, write one score record per value of the\n"
    "card's own model in the tables of its README.\n"
    "\n"
    "  --inspect          write a table record per table instead of scores\n"
    "  --table n          read only the n-th table of each card (1-based)\n"
    "  --model-column n   the model's values are in column n (needs --table)\n"
    "  --model-row n      the model's values are in row n (needs --table)\n"
    "  --model-name name  the model's label in the tables (default: the repo name)\n"
    "  --task-type type   task.type of the scores (default: the card's pipeline_tag)\n"
    "  -q, --quiet        no warnings\n"
    "  -v, --verbose      say why tables gave no scores\n"
    "  -h, --help         this help\n"
    "  -V, --version      print the version\n";

/* first_column entries shown per table record */
#define INSPECT_MAX_ROWS 50

struct opts {
    bool inspect;
    size_t table;     /* 1-based, 0 = every table */
    size_t model_col; /* 1-based */
    size_t model_row;
    const char *model_name;
    const char *task_type;
    char **files;
    size_t nfiles;
};

#define OPTS_INIT \
    {             \
        0         \
    }

struct ctx {
    struct opts o;
    int rc;
};

/* What one card gives every record built from it. */
struct card {
    const char *copy_of; /* base model, when the card is a quantized copy of it */
    const char *repo;
    const char *type; /* "model", "dataset", "space" */
    const char *revision;
    const char *model;    /* model-index name, model_name, or the repo's name */
    const char *pipeline; /* metadata pipeline_tag */
    struct rec_where where;
};

/* ---------------------------------------------------------------- options */

static void
parse_args(struct opts *o, int argc, char **argv)
{
    enum { OPT_INSPECT = 256, OPT_TABLE, OPT_COL, OPT_ROW, OPT_NAME, OPT_TASK };
    static const struct option longopts[] = {
        CLI_LONGOPTS,
        { "inspect", no_argument, NULL, OPT_INSPECT },
        { "table", required_argument, NULL, OPT_TABLE },
        { "model-column", required_argument, NULL, OPT_COL },
        { "model-row", required_argument, NULL, OPT_ROW },
        { "model-name", required_argument, NULL, OPT_NAME },
        { "task-type", required_argument, NULL, OPT_TASK },
        { NULL, 0, NULL, 0 },
    };
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, CLI_SHORT, longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage_text, stdout);
            fputs(usage_details, stdout);
            ndjson_close_stdout();
            exit(RC_OK);
        }
        if (cli_common(c, usage_text))
            continue;
        switch (c) {
        case OPT_INSPECT:
            o->inspect = true;
            break;
        case OPT_TABLE:
            o->table = (size_t)cli_num(usage_text, "--table", optarg, 1, 1000000);
            break;
        case OPT_COL:
            o->model_col = (size_t)cli_num(usage_text, "--model-column", optarg, 1, 1000000);
            break;
        case OPT_ROW:
            o->model_row = (size_t)cli_num(usage_text, "--model-row", optarg, 1, 1000000);
            break;
        case OPT_NAME:
            o->model_name = optarg;
            break;
        case OPT_TASK:
            o->task_type = optarg;
            break;
        default:
            cli_bad_option(usage_text, argv);
        }
    }
    if (o->model_col && o->model_row)
        usage_error(usage_text, "--model-column and --model-row exclude each other");
    if ((o->model_col || o->model_row) && !o->table)
        usage_error(usage_text, "--model-column and --model-row need --table");
    o->files = argv + optind;
    o->nfiles = (size_t)(argc - optind);
}

/* ---------------------------------------------------------------- records */

static json_t *
obj(void)
{
    json_t *o = json_object();

    if (!o)
        die("out of memory");
    return o;
}

static json_t *
number(const struct cnum *n)
{
    json_t *v = n->is_int && n->v >= -9e15 && n->v <= 9e15 ? json_integer((json_int_t)n->v)
                                                           : json_real(n->v);

    if (!v)
        die("out of memory");
    return v;
}

static json_t *
score_record(const struct ctx *x, const struct card *cd, size_t table, const struct etab_score *s)
{
    json_t *rec = rec_new("score"), *task = obj(), *ds = obj(), *m = obj(), *src = obj(),
           *org = obj();
    const char *task_type = x->o.task_type ? x->o.task_type : cd->pipeline ? cd->pipeline : s->task;
    const char *prefix = !strcmp(cd->type, "dataset") ? "datasets/"
                         : !strcmp(cd->type, "space") ? "spaces/"
                                                      : "";

    rec_set_str(rec, "repo", cd->repo);
    rec_set_str(rec, "model", cd->model);
    if (task_type) {
        rec_set_str(task, "type", task_type);
        rec_set(rec, "task", task);
    } else {
        json_decref(task);
    }
    rec_set_str(ds, "type", s->dataset);
    rec_set_str(ds, "name", s->dataset_name);
    if (s->config)
        rec_set_str(ds, "config", s->config);
    if (s->split)
        rec_set_str(ds, "split", s->split);
    if (s->shots >= 0) {
        json_t *args = obj();

        rec_set_int(args, "num_few_shot", s->shots);
        rec_set(ds, "args", args);
    }
    rec_set(rec, "dataset", ds);
    rec_set_str(m, "type", s->metric);
    rec_set_str(m, "name", s->name);
    rec_set(m, "value", number(&s->value));
    if (s->has_stderr)
        rec_set(m, "stderr", number(&s->stderr_));
    rec_set_str(m, "scale", s->scale);
    if (s->mconfig)
        rec_set_str(m, "config", s->mconfig);
    rec_set(m, "verified", json_false());
    rec_set(rec, "metric", m);
    rec_set_str(src, "name", "Model card");
    rec_set(src, "url", json_sprintf("https://huggingface.co/%s%s", prefix, cd->repo));
    rec_set(rec, "source", src);
    rec_set_str(org, "tool", msg_prog());
    rec_set_int(org, "table", (long long)table);
    if (cd->revision)
        rec_set_str(org, "revision", cd->revision);
    if (s->line)
        rec_set_int(org, "line", (long long)s->line);
    if (*s->row)
        rec_set_str(org, "row", s->row);
    if (*s->column)
        rec_set_str(org, "column", s->column);
    rec_set_str(org, "cell", s->cell);
    rec_set(rec, "origin", org);
    return rec;
}

static json_t *
str_array(void)
{
    json_t *a = json_array();

    if (!a)
        die("out of memory");
    return a;
}

/* Append s, with any invalid UTF-8 (a label cut short) repaired. */
static void
append_str(json_t *a, const char *s)
{
    json_t *v = json_string(s);

    if (!v) {
        struct buf b = BUF_INIT;

        utf8_repair(&b, s, strlen(s));
        v = json_stringn(b.buf, b.len);
        buf_release(&b);
    }
    if (!v || json_array_append_new(a, v) < 0)
        die("out of memory");
}

static json_t *
table_record(const struct card *cd, size_t table, const struct tgrid *g,
             const struct etab_result *res)
{
    json_t *rec = rec_new("table"), *header = str_array(), *first = str_array(),
           *msgs = str_array();

    rec_set_str(rec, "repo", cd->repo);
    rec_set_int(rec, "table", (long long)table);
    rec_set_str(rec, "format", g->format == TGRID_HTML ? "html" : "markdown");
    if (g->line)
        rec_set_int(rec, "line", (long long)g->line);
    rec_set_int(rec, "rows", (long long)g->nrows);
    rec_set_int(rec, "columns", (long long)g->ncols);
    if (g->caption && *g->caption)
        rec_set_str(rec, "caption", g->caption);
    for (size_t c = 0; c < res->ncolumns; c++)
        append_str(header, res->columns[c]);
    rec_set(rec, "header", header);
    for (size_t r = res->data_row; r < g->nrows && r < res->data_row + INSPECT_MAX_ROWS; r++)
        append_str(first, tgrid_cell(g, r, 0)->text);
    rec_set(rec, "first_column", first);
    rec_set_int(rec, "header_rows", (long long)res->header_rows);
    rec_set_int(rec, "label_columns", (long long)res->label_cols);
    rec_set(rec, "numeric_share",
            json_real(res->data_cells ? (double)res->numeric_cells / (double)res->data_cells : 0));
    if (res->orientation)
        rec_set_str(rec, "orientation", res->orientation);
    if (res->match_index) {
        json_t *m = obj();
        bool rows = !strcmp(res->orientation, "models-as-rows");

        rec_set_int(m, rows ? "row" : "column", (long long)res->match_index);
        if (res->match_label && *res->match_label)
            rec_set_str(m, "label", res->match_label);
        rec_set_str(m, "how", res->match_how);
        rec_set(rec, "model", m);
    }
    rec_set_int(rec, "scores", (long long)res->nscores);
    for (size_t i = 0; i < g->nnotes; i++)
        append_str(msgs, g->notes[i]);
    for (size_t i = 0; i < res->nmsgs; i++)
        append_str(msgs, res->msgs[i].text);
    rec_set(rec, "messages", msgs);
    return rec;
}

/* ---------------------------------------------------------------- cards */

static void
report(struct ctx *x, const struct card *cd, size_t table, const struct tgrid *g,
       const struct etab_result *res)
{
    for (size_t i = 0; i < g->nnotes; i++)
        warning("%s: table %zu: %s", cd->repo, table, g->notes[i]);
    for (size_t i = 0; i < res->nmsgs; i++) {
        const struct etab_msg *m = &res->msgs[i];

        if (m->level == ETAB_ERROR) {
            json_t *extra = obj();

            rec_set_int(extra, "table", (long long)table);
            rec_error(&cd->where, extra, "table %zu: %s", table, m->text);
            json_decref(extra);
            x->rc = RC_PARTIAL;
        } else if (m->level == ETAB_WARN) {
            warning("%s: table %zu: %s", cd->repo, table, m->text);
        } else {
            info("%s: table %zu: %s", cd->repo, table, m->text);
        }
    }
}

static void
do_table(struct ctx *x, const struct card *cd, const struct label_names *names, size_t table,
         const struct tgrid *g)
{
    struct etab_opts eo = { names, x->o.model_col, x->o.model_row, cd->copy_of };
    struct etab_result res = ETAB_RESULT_INIT;

    evaltable_extract(g, &eo, &res);
    if (x->o.inspect) {
        json_t *rec = table_record(cd, table, g, &res);

        ndjson_put(rec);
        json_decref(rec);
    } else {
        report(x, cd, table, g, &res);
        for (size_t i = 0; i < res.nscores; i++) {
            json_t *rec = score_record(x, cd, table, &res.scores[i]);

            ndjson_put(rec);
            json_decref(rec);
        }
    }
    etab_result_release(&res);
}

/* README line the body starts on: one after the front matter block. */
static size_t
body_first_line(const char *fm)
{
    size_t line = 1;

    for (const char *p = fm; p && *p; p++)
        if (*p == '\n' || (*p == '\r' && p[1] != '\n'))
            line++;
    return line;
}

static void
card_names(const json_t *meta, const char **extra, size_t *n, const char **model)
{
    const char *mi = json_string_value(
        json_object_get(json_array_get(json_object_get(meta, "model-index"), 0), "name"));
    const char *mn = rec_str(meta, "model_name");

    *n = 0;
    if (mi)
        extra[(*n)++] = mi;
    if (mn)
        extra[(*n)++] = mn;
    if (mi || mn)
        *model = mi ? mi : mn;
}

/* Repo-name endings of quantized or converted copies of a model. */
static const char *const copy_suffixes[] = {
    "gguf", "ggml", "awq",  "gptq", "exl2", "mlx", "onnx",
    "4bit", "8bit", "int4", "int8", "fp8",  "bnb",
};

/*
 * The model a card is a quantized copy of: its base_model when the front
 * matter says base_model_relation: quantized, or when the repo's name ends
 * in -GGUF, -AWQ, -4bit and the like. NULL otherwise.
 */
static const char *
quantized_copy_of(const char *repo, const json_t *meta)
{
    const json_t *base = json_object_get(meta, "base_model");
    const char *relation = rec_str(meta, "base_model_relation");
    const char *b =
        json_is_string(base) ? json_string_value(base) : json_string_value(json_array_get(base, 0));
    const char *dash = strrchr(repo, '-');

    if (!b)
        return NULL;
    if (relation && !strcmp(relation, "quantized"))
        return b;
    for (size_t i = 0; dash && i < sizeof(copy_suffixes) / sizeof(copy_suffixes[0]); i++)
        if (!strcasecmp(dash + 1, copy_suffixes[i]))
            return b;
    return NULL;
}

/* metadata base_model: a repo id or a list of them. */
static void
add_base_models(struct label_names *names, const json_t *base)
{
    size_t i;
    const json_t *v;

    if (json_is_string(base))
        label_names_add_other(names, json_string_value(base));
    json_array_foreach(base, i, v)
        if (json_is_string(v))
            label_names_add_other(names, json_string_value(v));
}

static void
process_card(struct ctx *x, json_t *rec, const struct rec_where *where)
{
    const json_t *meta = json_object_get(rec, "metadata");
    const char *body = rec_str(rec, "body"), *extra[2], *slash;
    struct card cd = { NULL,
                       rec_str(rec, "repo"),
                       rec_str(rec, "type"),
                       rec_str(rec, "revision"),
                       NULL,
                       rec_str(meta, "pipeline_tag"),
                       *where };
    struct label_names names;
    struct mdtable_list list = MDTABLE_LIST_INIT;
    size_t nextra;

    if (!x->o.inspect)
        ndjson_put(rec);
    cd.where.repo = cd.repo;
    if (!cd.repo || !body) {
        rec_error(&cd.where, NULL, "card record without %s",
                  cd.repo ? "a 'body' string" : "a 'repo' string");
        x->rc = RC_PARTIAL;
        return;
    }
    if (!cd.type)
        cd.type = "model";
    slash = strrchr(cd.repo, '/');
    cd.model = slash ? slash + 1 : cd.repo;
    card_names(meta, extra, &nextra, &cd.model);
    label_names_init(&names, cd.repo, x->o.model_name, extra, nextra);
    add_base_models(&names, json_object_get(meta, "base_model"));
    cd.copy_of = quantized_copy_of(cd.repo, meta);
    mdtable_extract(body, strlen(body), body_first_line(rec_str(rec, "front_matter")), &list);
    for (size_t i = 0; i < list.n; i++)
        if (!x->o.table || x->o.table == i + 1)
            do_table(x, &cd, &names, i + 1, list.tables[i]);
    if (x->o.table > list.n)
        warning("%s: no table %zu (the card has %zu)", cd.repo, x->o.table, list.n);
    mdtable_list_release(&list);
    label_names_release(&names);
}

/* ---------------------------------------------------------------- main */

int
main(int argc, char **argv)
{
    struct ctx x = { OPTS_INIT, RC_OK };
    struct input in;
    struct ep_err err;
    json_t *rec;
    int rc;

    msg_init(argv[0]);
    parse_args(&x.o, argc, argv);
    input_init(&in, x.o.files, x.o.nfiles);
    while ((rc = input_next(&in, &rec, &err)) == NDJSON_OK) {
        struct rec_where where = { NULL, input_name(&in), input_line(&in) };

        if (rec_is(rec, "card"))
            process_card(&x, rec, &where);
        else
            ndjson_put(rec);
        json_decref(rec);
    }
    if (rc == NDJSON_IOERR)
        die("%s", err.msg);
    if (in.bad)
        x.rc = RC_PARTIAL;
    input_release(&in);
    ndjson_close_stdout();
    return x.rc;
}

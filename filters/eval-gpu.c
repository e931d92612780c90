/*
 * eval-gpu — score a checkpoint on a benchmark the way lm-evaluation-harness
 * v0.4.13 does (same prompts, few-shot draws, tokenisation and metrics).
 *
 * Reads `row` records (hf-fetch rows) or plain JSON objects (one dataset row
 * per line, no "kind" key) and `job` records; writes `score` records (one
 * per metric), `sample` records with --details, and `error` records for rows
 * that cannot be scored. Every other record passes through unchanged.
 *
 * A job comes from the flags, or from a `job` record, whose fields override
 * the flags; the rows after a job record belong to it, and a job runs when
 * the next one starts or the input ends. A row is an evaluation row when its
 * split is the task's evaluation split (or it has none), a few-shot row when
 * its split is the few-shot split; --fewshot FILE gives few-shot rows apart.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/cli.h"
#include "lib/eval/lm.h"
#include "lib/eval/prompt.h"
#include "lib/eval/scorer.h"
#include "lib/eval/tasks.h"
#include "lib/hfenv.h"
#include "lib/msg.h"
#include "lib/ndjson.h"
#include "lib/num.h"
#include "lib/rec.h"
#include "lib/sha.h"
#include "lib/xalloc.h"

#define LMEVAL_VERSION "0.4.13"

static const char usage_text[] =
    "usage: eval-gpu [-qv] [-m model] [-t task] [-n num_fewshot] [--limit n] [--batch-size n]\n"
    "                [--seed n] [--dtype auto|float32] [--bos auto|none] [--max-length n]\n"
    "                [--threads n] [--split s] [--fewshot-split s] [--fewshot file] [--details]\n"
    "                [--text tmpl --choices path --label path [--label-in path]] [file ...]\n";

struct opts {
    const char *model, *task, *dtype, *split, *fewshot_split, *fewshot_file;
    long num_fewshot, limit, batch, seed, max_length, threads;
    enum lm_bos bos;
    bool details;
    struct task_columns cols;
    char **files;
    int nfiles;
};

#define OPTS_INIT                                                                              \
    {                                                                                          \
        .dtype = "auto", .num_fewshot = -1, .limit = -1, .batch = 8,                           \
        .seed = PROMPT_DEFAULT_SEED, .bos = LM_BOS_AUTO                                         \
    }

/* One evaluation request and the rows collected for it. */
struct job {
    struct opts o;        /* the flags, with the job record's fields on top */
    json_t *rec;          /* the job record (owns the strings o points to), or NULL */
    const struct task *t;
    struct task_doc **docs, **shots;
    size_t n_docs, n_shots, alloc_docs, alloc_shots, n_ignored;
    char *dataset;        /* dataset id seen on the rows */
    bool bad;             /* the job itself is unusable (error already reported) */
};

struct ctx {
    struct opts o;
    struct job job;
    struct lm lm;
    char *lm_dir;         /* the checkpoint loaded in lm */
    time_t t0;
    int rc;
};

/* ----------------------------------------------------------------- jobs */

static void
job_release(struct job *j)
{
    for (size_t i = 0; i < j->n_docs; i++)
        task_doc_release(j->docs[i]), free(j->docs[i]);
    for (size_t i = 0; i < j->n_shots; i++)
        task_doc_release(j->shots[i]), free(j->shots[i]);
    free(j->docs);
    free(j->shots);
    free(j->dataset);
    json_decref(j->rec);
    memset(j, 0, sizeof(*j));
}

static void
job_error(struct ctx *ctx, size_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
job_error(struct ctx *ctx, size_t line, const char *fmt, ...)
{
    struct rec_where w = { .repo = ctx->job.o.model, .file = line ? "<input>" : NULL, .line = line };
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    rec_error(&w, NULL, "%s", msg);
    ctx->rc = RC_PARTIAL;
}

/* Overlay a job record's fields on the flags. Returns -1 (reported) when one is bad. */
static int
job_from_record(struct ctx *ctx, json_t *rec, size_t line)
{
    struct job *j = &ctx->job;
    static const char *const str_keys[] = { "model", "task", "dtype", "split", "fewshot_split" };
    const char **str_dst[] = { &j->o.model, &j->o.task, &j->o.dtype, &j->o.split,
                               &j->o.fewshot_split };
    static const char *const int_keys[] = { "num_fewshot", "limit", "batch_size", "seed" };
    long *int_dst[] = { &j->o.num_fewshot, &j->o.limit, &j->o.batch, &j->o.seed };

    j->rec = json_incref(rec);
    for (size_t i = 0; i < 5; i++) {
        json_t *v = json_object_get(rec, str_keys[i]);

        if (v && !json_is_string(v))
            return job_error(ctx, line, "job: '%s' is not a string", str_keys[i]), -1;
        if (v)
            *str_dst[i] = json_string_value(v);
    }
    for (size_t i = 0; i < 4; i++) {
        json_t *v = json_object_get(rec, int_keys[i]);

        if (v && !json_is_integer(v) && !json_is_null(v))
            return job_error(ctx, line, "job: '%s' is not an integer", int_keys[i]), -1;
        if (json_is_integer(v))
            *int_dst[i] = (long)json_integer_value(v);
    }
    return 0;
}

static void
job_start(struct ctx *ctx, json_t *rec, size_t line)
{
    struct job *j = &ctx->job;

    j->o = ctx->o;
    if (rec && job_from_record(ctx, rec, line) < 0) {
        j->bad = true;
        return;
    }
    if (!j->o.task || !j->o.model) {
        if (rec)
            job_error(ctx, line, "job: no %s given", j->o.task ? "model" : "task");
        j->bad = true;
        return;
    }
    j->t = task_find(j->o.task);
    if (!j->t) {
        job_error(ctx, line, "unknown task '%s'", j->o.task);
        j->bad = true;
    }
}

/* ----------------------------------------------------------------- rows */

static const char *
eval_split(const struct job *j)
{
    return j->o.split ? j->o.split : j->t->eval_split;
}

static const char *
fewshot_split(const struct job *j)
{
    return j->o.fewshot_split ? j->o.fewshot_split : j->t->fewshot_split;
}

/* One row (plain object or a row record's "row") into the job's docs or shots. */
static void
take_row(struct ctx *ctx, const json_t *rec, const json_t *row, size_t line, bool shot)
{
    struct job *j = &ctx->job;
    const char *split = rec ? rec_str(rec, "split") : NULL, *cfg = rec ? rec_str(rec, "config") : NULL;
    long long index = rec ? rec_int(rec, "index", -1) : -1;
    struct task_doc *d;
    json_t *copy = NULL;
    struct ep_err err;

    if (j->bad || !j->t)
        return;
    if (!shot && split && strcmp(split, eval_split(j))) {
        if (!fewshot_split(j) || strcmp(split, fewshot_split(j))) {
            j->n_ignored++;
            return;
        }
        shot = true;
    }
    if (rec && rec_str(rec, "dataset") && !j->dataset)
        j->dataset = xstrdup(rec_str(rec, "dataset"));
    /* MMLU rows of a subject config may lack the subject column: take the config. */
    if (!strcmp(j->t->name, "mmlu") && json_is_object(row) && !json_object_get(row, "subject") &&
        cfg && task_mmlu_category(cfg)) {
        copy = json_deep_copy(row);
        json_object_set_new(copy, "subject", json_string(cfg));
        row = copy;
    }
    d = xcalloc(1, sizeof(*d));
    if (task_doc_parse(j->t, &j->o.cols, row, d, &err) < 0) {
        if (index >= 0)
            job_error(ctx, line, "%s row %lld: %s", j->t->name, index, err.msg);
        else
            job_error(ctx, line, "%s row: %s", j->t->name, err.msg);
        free(d);
        json_decref(copy);
        return;
    }
    json_decref(copy);
    d->index = index;
    d->line = line;
    if (shot) {
        ALLOC_GROW(j->shots, j->n_shots + 1, j->alloc_shots);
        j->shots[j->n_shots++] = d;
    } else {
        ALLOC_GROW(j->docs, j->n_docs + 1, j->alloc_docs);
        j->docs[j->n_docs++] = d;
    }
}

/* ----------------------------------------------------------------- model */

/* A local directory, or a Hub id (org/name[@revision]) in the HF cache. */
static char *
resolve_model(const char *model, char **revision, struct ep_err *err)
{
    struct stat st;
    char *root, *repo, *at, *dir, *ref = NULL, commit[128] = "";
    FILE *f;

    *revision = NULL;
    if (stat(model, &st) == 0 && S_ISDIR(st.st_mode))
        return xstrdup(model);
    if (!strchr(model, '/') || model[0] == '/' || model[0] == '.')
        return ep_err_set(err, "cannot open model '%s': no such directory", model), NULL;
    repo = xstrdup(model);
    at = strchr(repo, '@');
    if (at)
        *at++ = '\0';
    root = hfenv_hub_cache();
    {
        struct buf b = BUF_INIT;

        buf_addf(&b, "%s/models--", root);
        for (const char *p = repo; *p; p++)
            buf_addstr(&b, *p == '/' ? "--" : (char[]){ *p, 0 });
        dir = buf_detach(&b, NULL);
    }
    if (at && strlen(at) == 40 && strspn(at, "0123456789abcdef") == 40) {
        snprintf(commit, sizeof(commit), "%s", at);
    } else {
        ref = xstrfmt("%s/refs/%s", dir, at ? at : "main");
        f = fopen(ref, "r");
        if (!f || !fgets(commit, sizeof(commit), f))
            commit[0] = '\0';
        if (f)
            fclose(f);
        commit[strcspn(commit, "\r\n ")] = '\0';
    }
    free(ref);
    if (!commit[0]) {
        ep_err_set(err, "model '%s' is not in the HF cache '%s' (hf-fetch download it first)",
                   model, root);
        free(root), free(repo), free(dir);
        return NULL;
    }
    *revision = xstrdup(commit);
    ref = xstrfmt("%s/snapshots/%s", dir, commit);
    free(root), free(repo), free(dir);
    return ref;
}

static int
ensure_lm(struct ctx *ctx, const char *dir, struct ep_err *err)
{
    const struct opts *o = &ctx->job.o;
    struct lm_opts lo = LM_OPTS_INIT;

    if (ctx->lm_dir && !strcmp(ctx->lm_dir, dir) && ctx->lm.o.bos == o->bos &&
        ctx->lm.o.batch == (size_t)o->batch)
        return 0;
    if (ctx->lm_dir)
        lm_close(&ctx->lm);
    free(ctx->lm_dir);
    ctx->lm_dir = NULL;
    lo.bos = o->bos;
    lo.batch = (size_t)o->batch;
    lo.max_length = (size_t)o->max_length;
    lo.threads = (int)o->threads;
    if (lm_open(&ctx->lm, dir, &lo, err) < 0)
        return -1;
    ctx->lm_dir = xstrdup(dir);
    info("backend %s: %s", ctx->lm.be->ops->name, ctx->lm.be->device);
    return 0;
}

/* ----------------------------------------------------------------- output */

static void
progress(void *arg, size_t done, size_t total, uint64_t tokens)
{
    struct ctx *ctx = arg;
    double el = difftime(time(NULL), ctx->t0);
    char line[160];
    int n;

    if (!isatty(2) || msg_verbosity() < 0)
        return;
    n = snprintf(line, sizeof(line), "\r%s: %s %zu/%zu, %.0f tok/s, ETA %.0fs%s", msg_prog(),
                 ctx->job.o.task, done, total, el > 0 ? (double)tokens / el : 0.0,
                 done ? el * (double)(total - done) / (double)done : 0.0,
                 done == total ? "    \n" : "    ");
    if (n > 0 && write(2, line, (size_t)n) < 0)
        return;
}

static void
on_error(void *arg, const struct task_doc *d, const char *msg)
{
    struct ctx *ctx = arg;

    job_error(ctx, d->line, "%s row %lld: %s", ctx->job.t->name, d->index, msg);
}

static void
on_sample(void *arg, const struct task_doc *d, json_t *s)
{
    struct ctx *ctx = arg;

    rec_set_str(s, "model", ctx->job.o.model);
    rec_set_int(s, "index", d->index);
    if (d->line)
        rec_set_int(s, "line", (long long)d->line);
    ndjson_put(s);
    json_decref(s);
}

static void
prompt_hash(const struct job *j, int nshot, char hex[17])
{
    struct sha256 h;
    char full[65], num[64];

    sha256_init(&h);
    sha256_update(&h, j->t->format, strlen(j->t->format));
    snprintf(num, sizeof(num), "|shots=%d|seed=%ld|bos=%s", nshot, j->o.seed,
             j->o.bos == LM_BOS_AUTO ? "auto" : "none");
    sha256_update(&h, num, strlen(num));
    if (!strcmp(j->t->name, "generic"))
        for (const char *const *c = &j->o.cols.text; c <= &j->o.cols.label_in; c++)
            if (*c)
                sha256_update(&h, *c, strlen(*c) + 1);
    sha256_hex(&h, full);
    memcpy(hex, full, 16);
    hex[16] = '\0';
}

static json_t *
score_record(struct ctx *ctx, const struct scorer_score *s, int nshot, const char *rev)
{
    const struct job *j = &ctx->job;
    const char *slash = strrchr(j->o.model, '/');
    json_t *rec = rec_new("score"), *metric = json_object(), *origin = json_object();
    char hash[17], name[96];

    rec_set_str(rec, "repo", j->o.model);
    rec_set_str(rec, "model", slash && slash[1] ? slash + 1 : j->o.model);
    rec_set(rec, "task", json_pack("{s:s,s:s}", "type", "text-generation", "name", s->task));
    rec_set(rec, "dataset",
            json_pack("{s:s?,s:s,s:s?,s:s,s:{s:i}}", "type",
                      j->t->dataset ? j->t->dataset : j->dataset, "name", s->task, "config",
                      s->subject && !s->group ? s->subject : j->t->config, "split", eval_split(j),
                      "args", "num_fewshot", nshot));
    snprintf(name, sizeof(name), "%s%s%s%s", s->metric, s->filter ? " (" : "",
             s->filter ? s->filter : "", s->filter ? ")" : "");
    rec_set_str(metric, "type", s->metric);
    rec_set_str(metric, "name", name);
    rec_set(metric, "value", json_real(s->value));
    rec_set(metric, "stderr", s->stderr_ >= 0 ? json_real(s->stderr_) : json_null());
    rec_set_str(metric, "scale", "fraction");
    if (s->filter)
        rec_set_str(metric, "config", s->filter);
    rec_set(metric, "verified", json_false());
    rec_set(rec, "metric", metric);
    rec_set(rec, "source", json_pack("{s:s}", "name", "eval-gpu"));
    prompt_hash(j, nshot, hash);
    rec_set_str(origin, "tool", "eval-gpu");
    rec_set_str(origin, "version", EVALPIPE_VERSION);
    rec_set_str(origin, "backend", ctx->lm.be->ops->name);
    rec_set_str(origin, "device", ctx->lm.be->device);
    rec_set_str(origin, "dtype", ctx->lm.dtype);
    rec_set_str(origin, "model_revision", rev);
    rec_set_str(origin, "prompt_hash", hash);
    rec_set_str(origin, "lm_eval_version", LMEVAL_VERSION);
    rec_set_str(origin, "bos", j->o.bos == LM_BOS_AUTO ? "auto" : "none");
    rec_set_int(origin, "fewshot_seed", j->o.seed);
    rec_set(origin, "limit", j->o.limit >= 0 ? json_integer(j->o.limit) : json_null());
    rec_set_int(origin, "n_samples", (long long)s->n);
    rec_set(rec, "origin", origin);
    return rec;
}

/* ----------------------------------------------------------------- running a job */

static void
job_run(struct ctx *ctx)
{
    struct job *j = &ctx->job;
    struct scorer_opts so = { 0 };
    struct scorer_result res = { 0 };
    struct ep_err err;
    char *dir = NULL, *rev = NULL;

    if (j->bad || (!j->rec && !j->n_docs && !j->n_shots && !j->n_ignored))
        goto out;
    if (j->n_ignored)
        warning("%s: %zu rows of other splits ignored (scoring '%s', shots from '%s')",
                j->t->name, j->n_ignored, eval_split(j), fewshot_split(j) ? fewshot_split(j) : "-");
    if (strcmp(j->o.dtype, "auto") && strcmp(j->o.dtype, "float32")) {
        job_error(ctx, 0, "dtype '%s' is not supported by this backend (auto, float32)",
                  j->o.dtype);
        goto out;
    }
    if (!(dir = resolve_model(j->o.model, &rev, &err)) || ensure_lm(ctx, dir, &err) < 0) {
        job_error(ctx, 0, "%s", err.msg);
        goto out;
    }
    so = (struct scorer_opts){ .task = j->t, .cols = &j->o.cols, .num_fewshot = (int)j->o.num_fewshot,
                               .limit = j->o.limit, .seed = (unsigned long long)j->o.seed,
                               .details = j->o.details, .on_error = on_error,
                               .on_sample = on_sample, .arg = ctx };
    ctx->lm.progress = progress;
    ctx->lm.progress_arg = ctx;
    ctx->t0 = time(NULL);
    ctx->lm.tokens = 0;
    if (scorer_run(&ctx->lm, &so, j->docs, j->n_docs, j->shots, j->n_shots, &res, &err) < 0) {
        job_error(ctx, 0, "%s", err.msg);
    } else {
        for (size_t i = 0; i < res.n; i++) {
            json_t *rec = score_record(ctx, &res.v[i], res.num_fewshot, rev);

            ndjson_put(rec);
            json_decref(rec);
        }
    }
    scorer_result_release(&res);
out:
    free(dir);
    free(rev);
    job_release(j);
}

/* ----------------------------------------------------------------- input */

static void
read_input(struct ctx *ctx, const char *path, bool shots)
{
    struct ndjson_reader r;
    struct ep_err err;
    const char *line;
    size_t len;
    int st;

    if (ndjson_reader_open(&r, path, &err) < 0)
        die("%s", err.msg);
    while ((st = ndjson_next_line(&r, &line, &len, &err)) != NDJSON_EOF) {
        json_error_t je;
        json_t *v;

        if (st == NDJSON_IOERR)
            die("%s", err.msg);
        if (st == NDJSON_BAD || !len || strspn(line, " \t\r") == len) {
            if (st == NDJSON_BAD)
                job_error(ctx, r.lineno, "%s", err.msg);
            continue;
        }
        v = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
        if (!json_is_object(v)) {
            struct rec_where w = { .file = ndjson_reader_name(&r), .line = r.lineno };

            rec_error(&w, NULL, "%s", v ? "not a JSON object" : je.text);
            ctx->rc = RC_PARTIAL;
        } else if (!json_object_get(v, "kind")) {
            take_row(ctx, NULL, v, r.lineno, shots);
        } else if (rec_is(v, "row")) {
            take_row(ctx, v, json_object_get(v, "row"), r.lineno, shots);
        } else if (rec_is(v, "job") && !shots) {
            job_run(ctx);
            job_start(ctx, v, r.lineno);
        } else {
            ndjson_put(v);
        }
        json_decref(v);
    }
    ndjson_reader_release(&r);
}

/* ----------------------------------------------------------------- options */

enum {
    OPT_LIMIT = 256,
    OPT_BATCH,
    OPT_SEED,
    OPT_DTYPE,
    OPT_BOS,
    OPT_MAXLEN,
    OPT_THREADS,
    OPT_SPLIT,
    OPT_FSPLIT,
    OPT_FEWSHOT,
    OPT_DETAILS,
    OPT_TEXT,
    OPT_CHOICES,
    OPT_LABEL,
    OPT_LABEL_IN,
};

static const struct option longopts[] = {
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { "verbose", no_argument, NULL, 'v' },
    { "quiet", no_argument, NULL, 'q' },
    { "model", required_argument, NULL, 'm' },
    { "task", required_argument, NULL, 't' },
    { "num-fewshot", required_argument, NULL, 'n' },
    { "limit", required_argument, NULL, OPT_LIMIT },
    { "batch-size", required_argument, NULL, OPT_BATCH },
    { "seed", required_argument, NULL, OPT_SEED },
    { "dtype", required_argument, NULL, OPT_DTYPE },
    { "bos", required_argument, NULL, OPT_BOS },
    { "max-length", required_argument, NULL, OPT_MAXLEN },
    { "threads", required_argument, NULL, OPT_THREADS },
    { "split", required_argument, NULL, OPT_SPLIT },
    { "fewshot-split", required_argument, NULL, OPT_FSPLIT },
    { "fewshot", required_argument, NULL, OPT_FEWSHOT },
    { "details", no_argument, NULL, OPT_DETAILS },
    { "text", required_argument, NULL, OPT_TEXT },
    { "choices", required_argument, NULL, OPT_CHOICES },
    { "label", required_argument, NULL, OPT_LABEL },
    { "label-in", required_argument, NULL, OPT_LABEL_IN },
    { NULL, 0, NULL, 0 },
};

static void
parse_args(struct opts *o, int argc, char **argv)
{
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "hVvqm:t:n:", longopts, NULL)) != -1) {
        if (cli_common(c, usage_text))
            continue;
        switch (c) {
        case 'm':
            o->model = optarg;
            break;
        case 't':
            if (!task_find(optarg))
                usage_error(usage_text, "unknown task '%s'", optarg);
            o->task = optarg;
            break;
        case 'n':
            o->num_fewshot = cli_num(usage_text, "--num-fewshot", optarg, 0, 1000);
            break;
        case OPT_LIMIT:
            o->limit = cli_num(usage_text, "--limit", optarg, 0, 1L << 40);
            break;
        case OPT_BATCH:
            o->batch = cli_num(usage_text, "--batch-size", optarg, 1, 4096);
            break;
        case OPT_SEED:
            o->seed = cli_num(usage_text, "--seed", optarg, 0, 1L << 62);
            break;
        case OPT_DTYPE:
            o->dtype = optarg;
            break;
        case OPT_BOS:
            if (strcmp(optarg, "auto") && strcmp(optarg, "none"))
                usage_error(usage_text, "invalid --bos '%s' (auto or none)", optarg);
            o->bos = !strcmp(optarg, "auto") ? LM_BOS_AUTO : LM_BOS_NONE;
            break;
        case OPT_MAXLEN:
            o->max_length = cli_num(usage_text, "--max-length", optarg, 2, 1L << 24);
            break;
        case OPT_THREADS:
            o->threads = cli_num(usage_text, "--threads", optarg, 0, 1024);
            break;
        case OPT_SPLIT:
            o->split = optarg;
            break;
        case OPT_FSPLIT:
            o->fewshot_split = optarg;
            break;
        case OPT_FEWSHOT:
            o->fewshot_file = optarg;
            break;
        case OPT_DETAILS:
            o->details = true;
            break;
        case OPT_TEXT:
            o->cols.text = optarg;
            break;
        case OPT_CHOICES:
            o->cols.choices = optarg;
            break;
        case OPT_LABEL:
            o->cols.label = optarg;
            break;
        case OPT_LABEL_IN:
            o->cols.label_in = optarg;
            break;
        default:
            usage_error(usage_text, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (o->task && !strcmp(o->task, "generic") &&
        (!o->cols.text || !o->cols.choices || !o->cols.label))
        usage_error(usage_text, "the generic task needs --text, --choices and --label");
    o->files = argv + optind;
    o->nfiles = argc - optind;
}

int
main(int argc, char **argv)
{
    struct ctx ctx = { .o = OPTS_INIT };

    msg_init(argv[0]);
    parse_args(&ctx.o, argc, argv);
    job_start(&ctx, NULL, 0);
    if (ctx.o.fewshot_file) {
        if (ctx.job.bad)
            usage_error(usage_text, "--fewshot needs --task and --model");
        read_input(&ctx, ctx.o.fewshot_file, true);
    }
    if (ctx.o.nfiles == 0)
        read_input(&ctx, "-", false);
    for (int i = 0; i < ctx.o.nfiles; i++)
        read_input(&ctx, ctx.o.files[i], false);
    job_run(&ctx);
    if (ctx.lm_dir)
        lm_close(&ctx.lm);
    free(ctx.lm_dir);
    ndjson_close_stdout();
    return ctx.rc;
}

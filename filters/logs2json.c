/*
 * logs2json — score records from the result files evaluation frameworks
 * write: lighteval and lm-evaluation-harness results JSON, inspect-ai logs
 * (.json and .eval).
 *
 * Log files come as operands, or on stdin as plain lines (a path each) or
 * `log` records ({"kind":"log","path":…,"repo"?:…}). Each log becomes one
 * `score` record per value, its task mapped to a Hub dataset through
 * lib/benchmarks.tsv. Every other record on stdin passes through unchanged and
 * in order. A log that cannot be read gives an `error` record; the rest of
 * the batch goes on.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/bench.h"
#include "lib/buf.h"
#include "lib/cli.h"
#include "lib/evallog.h"
#include "lib/msg.h"
#include "lib/ndjson.h"
#include "lib/rec.h"
#include "lib/xalloc.h"

static const char usage_text[] =
    "usage: logs2json [-aqv] [-f lighteval|lm-eval|inspect] [-r repo] [-m model]\n"
    "                 [--source-name name] [--source-url url] [file ...]\n"
    "\n"
    "  -f, --format FMT       read every log as FMT (default: tell from the content)\n"
    "  -r, --repo REPO        the Hub repo of the scores (default: the log's model name\n"
    "                         when it is a Hub id)\n"
    "  -m, --model NAME       the model name to record (default: the log's)\n"
    "  -a, --aggregates       also lighteval's \"all\" and \":_average\" entries\n"
    "      --source-name NAME the score's source.name (with --source-url)\n"
    "      --source-url URL   the score's source.url, e.g. where the log is published\n"
    "  -q, --quiet            no warnings\n"
    "  -v, --verbose          say more on stderr\n"
    "  -h, --help             this text\n"
    "  -V, --version          print the version\n"
    "\n"
    "Files are logs (.json or .eval); '-' or no file reads stdin: records pass\n"
    "through, `log` records and plain lines name logs to read.\n";

struct opts {
    struct evallog_opts log;
    const char *repo, *model;
    const char *source_name, *source_url;
    char **files;
    size_t nfiles;
};

struct ctx {
    struct opts o;
    int rc;
};

/* ---------------------------------------------------------------- options */

enum { OPT_SOURCE_NAME = 256, OPT_SOURCE_URL };

static const struct option longopts[] = {
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { "verbose", no_argument, NULL, 'v' },
    { "quiet", no_argument, NULL, 'q' },
    { "format", required_argument, NULL, 'f' },
    { "repo", required_argument, NULL, 'r' },
    { "model", required_argument, NULL, 'm' },
    { "aggregates", no_argument, NULL, 'a' },
    { "source-name", required_argument, NULL, OPT_SOURCE_NAME },
    { "source-url", required_argument, NULL, OPT_SOURCE_URL },
    { NULL, 0, NULL, 0 },
};

static void
parse_args(struct opts *o, int argc, char **argv)
{
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "hVvqf:r:m:a", longopts, NULL)) != -1) {
        if (cli_common(c, usage_text))
            continue;
        switch (c) {
        case 'f':
            if (!strcmp(optarg, "lighteval"))
                o->log.format = EVALLOG_LIGHTEVAL;
            else if (!strcmp(optarg, "lm-eval") || !strcmp(optarg, "lm-evaluation-harness"))
                o->log.format = EVALLOG_LMEVAL;
            else if (!strcmp(optarg, "inspect") || !strcmp(optarg, "inspect-ai"))
                o->log.format = EVALLOG_INSPECT;
            else
                usage_error(usage_text, "unknown --format '%s'", optarg);
            break;
        case 'r':
            o->repo = optarg;
            break;
        case 'm':
            o->model = optarg;
            break;
        case 'a':
            o->log.aggregates = true;
            break;
        case OPT_SOURCE_NAME:
            o->source_name = optarg;
            break;
        case OPT_SOURCE_URL:
            o->source_url = optarg;
            break;
        default:
            usage_error(usage_text, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (o->source_name && !o->source_url)
        usage_error(usage_text, "--source-name needs --source-url (the Hub requires a url)");
    o->files = argv + optind;
    o->nfiles = (size_t)(argc - optind);
}

/* ---------------------------------------------------------------- names */

/* "org/name" with the Hub's characters, no path-like parts. */
static bool
hub_id(const char *s)
{
    const char *slash = s ? strchr(s, '/') : NULL;

    if (!slash || slash == s || !slash[1] || strchr(slash + 1, '/') || strstr(s, "..") ||
        strlen(s) > 96)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.' || *p == '/'))
            return false;
    return s[0] != '.' && slash[1] != '.';
}

/*
 * The Hub repo a log's model name stands for: inspect-ai names models
 * "provider/model"; only the providers that run Hub weights ("hf", "vllm",
 * "sglang") name a repo. The other tools write the repo id itself.
 */
static const char *
repo_of(const struct evallog *log)
{
    static const char *const providers[] = { "hf/", "vllm/", "sglang/", NULL };
    const char *m = log->model;

    if (!m)
        return NULL;
    if (log->format == EVALLOG_INSPECT) {
        for (size_t i = 0; providers[i]; i++)
            if (!strncmp(m, providers[i], strlen(providers[i])))
                return hub_id(m + strlen(providers[i])) ? m + strlen(providers[i]) : NULL;
        return NULL;
    }
    return hub_id(m) ? m : NULL;
}

/* The benchmark whose dataset (and config) the log says it evaluated. */
static const struct bench_entry *
bench_by_dataset(const char *dataset, const char *config)
{
    const struct bench_entry *loose = NULL;

    for (size_t i = 0; dataset && i < bench_nentries; i++) {
        const struct bench_entry *b = &bench_entries[i];

        if (strcmp(b->dataset, dataset))
            continue;
        if (b->config && config && !strcmp(b->config, config))
            return b;
        if (!b->config && !loose)
            loose = b;
    }
    return loose;
}

/*
 * The benchmark of a score: its task name ("arc_easy", "arc:easy"), the
 * part before a lighteval subtask ("mmlu" of "mmlu:anatomy", *sub set to
 * "anatomy"), the dataset the log names, or the lm-eval group the task
 * belongs to ("mmlu" for "mmlu_virology", whose config the log gives).
 */
static const struct bench_entry *
bench_of(const struct evallog_score *s, const char **sub)
{
    const struct bench_entry *b = bench_find(s->task);
    const char *colon = strchr(s->task, ':');

    *sub = NULL;
    if (b)
        return b;
    if (colon) {
        char *head = xstrndup(s->task, (size_t)(colon - s->task));

        b = bench_find(head);
        free(head);
        if (b) {
            *sub = strcmp(colon + 1, "_average") ? colon + 1 : NULL; /* a family mean: no config */
            return b;
        }
    }
    if ((b = bench_by_dataset(s->dataset, s->config)))
        return b;
    for (size_t i = 0; i < s->ngroups && !b; i++)
        b = bench_find(s->groups[i]);
    return b;
}

/* ---------------------------------------------------------------- records */

static const char *
scale_of(const char *type, double v)
{
    char tmp[32];

    if (bench_metric_scale(type))
        return bench_metric_scale(type);
    if (bench_metric(type, tmp, sizeof(tmp)))
        return "fraction";
    return v >= 0 && v <= 1 ? "fraction" : "raw"; /* a metric evalpipe does not know */
}

static void
dataset_part(json_t *rec, const struct evallog_score *s, const struct bench_entry *b,
             const char *sub)
{
    json_t *ds = json_object();
    const char *config = s->config ? s->config : b && b->config ? b->config : sub;

    rec_set_str(ds, "type",
                b                                       ? b->dataset
                : s->dataset && strchr(s->dataset, '/') ? s->dataset
                                                        : s->task);
    rec_set_str(ds, "name", b ? b->name : s->task);
    if (config)
        rec_set_str(ds, "config", config);
    if (s->split || (b && b->split))
        rec_set_str(ds, "split", s->split ? s->split : b->split);
    if (s->shots >= 0) {
        json_t *args = json_object();

        rec_set_int(args, "num_few_shot", s->shots);
        rec_set(ds, "args", args);
    }
    rec_set(rec, "dataset", ds);
}

static json_t *
score_record(const struct ctx *x, const struct evallog *log, const struct evallog_score *s,
             const char *path, const char *repo)
{
    const char *sub;
    const struct bench_entry *b = bench_of(s, &sub);
    char tmp[32];
    const char *type = bench_metric(s->metric, tmp, sizeof(tmp));
    json_t *rec = rec_new("score"), *task = json_object(), *m = json_object(), *org = json_object();
    const char *model = x->o.model ? x->o.model : log->model;

    if (repo)
        rec_set_str(rec, "repo", repo);
    if (model)
        rec_set_str(rec, "model", model);
    rec_set_str(task, "type", b && b->task ? b->task : "text-generation");
    rec_set(rec, "task", task);
    dataset_part(rec, s, b, sub);
    rec_set_str(m, "type", type ? type : s->metric);
    rec_set_str(m, "name", s->task);
    rec_set(m, "value", json_real(s->value));
    if (s->has_stderr)
        rec_set(m, "stderr", json_real(s->stderr_));
    rec_set_str(m, "scale", scale_of(type ? type : s->metric, s->value));
    if (s->filter)
        rec_set_str(m, "config", s->filter);
    rec_set(m, "verified", json_false());
    rec_set(rec, "metric", m);
    if (x->o.source_url) {
        json_t *src = json_object();

        if (x->o.source_name)
            rec_set_str(src, "name", x->o.source_name);
        rec_set_str(src, "url", x->o.source_url);
        rec_set(rec, "source", src);
    }
    rec_set_str(org, "tool", "logs2json");
    rec_set_str(org, "format", evallog_format_name(log->format));
    if (log->version)
        rec_set_str(org, "version", log->version);
    rec_set_str(org, "file", path);
    rec_set_str(org, "task", s->tkey);
    rec_set_str(org, "key", s->key);
    if (s->scorer)
        rec_set_str(org, "scorer", s->scorer);
    if (s->dataset && (!b || strcmp(s->dataset, b->dataset)))
        rec_set_str(org, "dataset", s->dataset);
    if (s->aggregate)
        rec_set(org, "aggregate", json_true());
    if (log->date)
        rec_set_str(org, "date", log->date);
    rec_set(rec, "origin", org);
    return rec;
}

/* Read one log and write its scores; a log that cannot be read is one error record. */
static void
import_log(struct ctx *x, const char *path, const char *repo, const struct rec_where *where)
{
    struct evallog log = EVALLOG_INIT;
    struct ep_err err;

    if (evallog_read(path, &x->o.log, &log, &err) < 0) {
        struct rec_where w = *where;

        w.file = where->file ? where->file : path;
        rec_error(&w, NULL, "%s", err.msg);
        x->rc = RC_PARTIAL;
        evallog_release(&log);
        return;
    }
    if (!repo)
        repo = x->o.repo ? x->o.repo : repo_of(&log);
    for (size_t i = 0; i < log.nr; i++) {
        json_t *rec = score_record(x, &log, &log.scores[i], path, repo);

        ndjson_put(rec);
        json_decref(rec);
    }
    if (log.skipped)
        warning("%s: %zu value%s null, NaN or not a number; left out", path, log.skipped,
                log.skipped == 1 ? " is" : "s are");
    if (log.aggregates_skipped)
        info("%s: %zu aggregate entr%s left out (--aggregates keeps them)", path,
             log.aggregates_skipped, log.aggregates_skipped == 1 ? "y" : "ies");
    if (!log.nr && !log.skipped)
        warning("%s: no scores in this %s log", path, evallog_format_name(log.format));
    info("%s: %s log, %zu scores", path, evallog_format_name(log.format), log.nr);
    evallog_release(&log);
}

/* ---------------------------------------------------------------- the record stream */

static bool
blank_or_comment(const char *line, size_t len)
{
    size_t i = 0;

    while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
        i++;
    return i == len || line[i] == '#';
}

/* One stdin line: a record (passed on, or a `log` record), or the path of a log. */
static void
process_line(struct ctx *x, const char *name, size_t lineno, const char *line, size_t len)
{
    struct rec_where where = { .file = name, .line = lineno };
    struct ep_err err;
    json_t *rec;
    char *path;

    while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
        len--;
    if (*line != '{') {
        path = xstrndup(line, len);
        import_log(x, path, NULL, &where);
        free(path);
        return;
    }
    rec = ndjson_parse(line, len, &err);
    if (!rec) {
        rec_error(&where, NULL, "%s", err.msg);
        x->rc = RC_PARTIAL;
        return;
    }
    if (!rec_is(rec, "log")) {
        ndjson_put(rec);
    } else if (!rec_str(rec, "path")) {
        rec_error(&where, NULL, "log record without \"path\"");
        x->rc = RC_PARTIAL;
    } else {
        import_log(x, rec_str(rec, "path"), rec_str(rec, "repo"), &where);
    }
    json_decref(rec);
}

static void
read_stream(struct ctx *x)
{
    struct ndjson_reader r;
    struct ep_err err;
    const char *line;
    size_t len;
    int rc;

    if (ndjson_reader_open(&r, "-", &err) < 0)
        die("%s", err.msg);
    while ((rc = ndjson_next_line(&r, &line, &len, &err)) != NDJSON_EOF) {
        if (rc == NDJSON_IOERR)
            die("%s", err.msg);
        if (rc == NDJSON_BAD) {
            struct rec_where where = { .file = ndjson_reader_name(&r), .line = r.lineno };
            const char *m = strstr(err.msg, ": ");

            rec_error(&where, NULL, "%s", m ? m + 2 : err.msg);
            x->rc = RC_PARTIAL;
        } else if (!blank_or_comment(line, len)) {
            process_line(x, ndjson_reader_name(&r), r.lineno, line, len);
        }
    }
    ndjson_reader_release(&r);
}

int
main(int argc, char **argv)
{
    struct ctx x = { .o = { .log = { EVALLOG_AUTO, false } } };

    msg_init(argv[0]);
    parse_args(&x.o, argc, argv);
    for (size_t i = 0; i < x.o.nfiles; i++) {
        FILE *f;

        if (!strcmp(x.o.files[i], "-"))
            continue;
        f = fopen(x.o.files[i], "rb");
        if (!f)
            die("cannot open '%s': %s", x.o.files[i], strerror(errno));
        fclose(f);
    }
    if (!x.o.nfiles)
        read_stream(&x);
    for (size_t i = 0; i < x.o.nfiles; i++) {
        struct rec_where where = { 0 };

        if (!strcmp(x.o.files[i], "-"))
            read_stream(&x);
        else
            import_log(&x, x.o.files[i], NULL, &where);
    }
    ndjson_close_stdout();
    return x.rc;
}

/*
 * evallog — lighteval, lm-evaluation-harness and inspect-ai result files.
 *
 * Each reader walks its tool's document (formats noted at each reader) and
 * adds one evallog_score per value; shared helpers do the number rules.
 */
#include "lib/evallog.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "lib/buf.h"
#include "lib/pyjson.h"
#include "lib/xalloc.h"
#include "lib/zipdir.h"

/* ---------------------------------------------------------------- helpers */

static const char *
str_at(const json_t *obj, const char *k1, const char *k2)
{
    const json_t *v = json_object_get(obj, k1);

    return json_string_value(k2 ? json_object_get(v, k2) : v);
}

static char *
dup_or_null(const char *s)
{
    return s && *s ? xstrdup(s) : NULL;
}

static bool
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);

    return n >= k && !strcmp(s + n - k, suffix);
}

static bool
all_digits(const char *s, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* A finite number, or false: null (how NaN reads), strings such as "N/A", anything else. */
static bool
number_of(const json_t *v, double *out)
{
    if (!json_is_number(v))
        return false;
    *out = json_number_value(v);
    return isfinite(*out);
}

static struct evallog_score *
add_score(struct evallog *log, const char *task, const char *tkey, const char *metric,
          const char *key, double value)
{
    struct evallog_score *s;

    ALLOC_GROW(log->scores, log->nr + 1, log->alloc);
    s = &log->scores[log->nr++];
    memset(s, 0, sizeof(*s));
    s->task = xstrdup(task);
    s->tkey = xstrdup(tkey);
    s->metric = xstrdup(metric);
    s->key = xstrdup(key);
    s->value = value;
    s->shots = -1;
    return s;
}

static long
shots_of(const json_t *v)
{
    return json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) < 100000
               ? (long)json_integer_value(v)
               : -1;
}

/* ---------------------------------------------------------------- lighteval */

/*
 * {"config_general": {"model_name", "lighteval_sha", …}, "results": {"TASK|SHOTS":
 * {"metric": v, "metric_stderr": v}}, "config_tasks": {…: {"hf_repo", "hf_subset",
 * "evaluation_splits"}}}. Keys: "suite|task|shots" (up to 0.11), "task|shots"
 * (0.12.1 and later), "all"; group means end in ":_average".
 */
static void
lighteval_task(const char *tkey, struct buf *task, long *shots)
{
    const char *last = strrchr(tkey, '|');
    const char *end = tkey + strlen(tkey), *start = tkey;

    *shots = -1;
    if (last && all_digits(last + 1, strlen(last + 1))) {
        *shots = strtol(last + 1, NULL, 10);
        end = last;
    }
    for (const char *p = tkey; p < end; p++) /* a suite before the task: keep what follows */
        if (*p == '|')
            start = p + 1;
    buf_reset(task);
    buf_add(task, start, (size_t)(end - start));
}

/* config_tasks entry of a task: keyed "suite|task" (old), "task" or the full key. */
static const json_t *
lighteval_config(const json_t *doc, const char *tkey, const char *task)
{
    const json_t *ct = json_object_get(doc, "config_tasks");
    const char *k;
    const json_t *v;

    if (json_object_get(ct, tkey))
        return json_object_get(ct, tkey);
    json_object_foreach((json_t *)ct, k, v) {
        const char *bar = strrchr(k, '|'), *name = bar ? bar + 1 : k;
        const char *vname = str_at(v, "name", NULL);

        if (!strcmp(name, task) || (vname && !strcmp(vname, task)))
            return v;
    }
    return NULL;
}

static void
read_lighteval(const json_t *doc, const struct evallog_opts *o, struct evallog *log)
{
    const json_t *cg = json_object_get(doc, "config_general");
    const char *tkey, *mkey;
    const json_t *metrics, *v;
    struct buf task = BUF_INIT, skey = BUF_INIT;

    log->model =
        dup_or_null(str_at(cg, "model_name", NULL) ? str_at(cg, "model_name", NULL)
                                                   : str_at(cg, "model_config", "model_name"));
    if (str_at(cg, "lighteval_sha", NULL) && strcmp(str_at(cg, "lighteval_sha", NULL), "?"))
        log->version = xstrdup(str_at(cg, "lighteval_sha", NULL));
    json_object_foreach((json_t *)json_object_get(doc, "results"), tkey, metrics) {
        long shots;
        bool aggregate;
        const json_t *cfg;

        lighteval_task(tkey, &task, &shots);
        aggregate = !strcmp(task.buf, "all") || ends_with(task.buf, ":_average");
        if (aggregate && !o->aggregates) {
            log->aggregates_skipped++;
            continue;
        }
        cfg = lighteval_config(doc, tkey, task.buf);
        json_object_foreach((json_t *)metrics, mkey, v) {
            struct evallog_score *s;
            double d, e;

            if (ends_with(mkey, "_stderr"))
                continue;
            if (!number_of(v, &d)) {
                log->skipped++;
                continue;
            }
            s = add_score(log, task.buf, tkey, mkey, mkey, d);
            buf_reset(&skey);
            buf_addf(&skey, "%s_stderr", mkey);
            if (number_of(json_object_get(metrics, skey.buf), &e)) {
                s->has_stderr = true;
                s->stderr_ = e;
            }
            s->shots = shots;
            s->aggregate = aggregate;
            s->dataset = dup_or_null(str_at(cfg, "hf_repo", NULL));
            s->config = dup_or_null(str_at(cfg, "hf_subset", NULL));
            s->split = dup_or_null(
                json_string_value(json_array_get(json_object_get(cfg, "evaluation_splits"), 0)));
        }
    }
    buf_release(&task);
    buf_release(&skey);
}

/* ---------------------------------------------------------------- lm-eval */

/* "pretrained=org/model,dtype=…" (or the dict form) -> "org/model". */
static char *
lmeval_model(const json_t *doc)
{
    const json_t *args = json_object_get(json_object_get(doc, "config"), "model_args");
    const char *s, *p, *end;

    if (str_at(doc, "model_name", NULL) && *str_at(doc, "model_name", NULL))
        return xstrdup(str_at(doc, "model_name", NULL));
    if (json_is_object(args))
        return dup_or_null(str_at(args, "pretrained", NULL));
    s = json_string_value(args);
    if (!s || !(p = strstr(s, "pretrained=")))
        return NULL;
    p += strlen("pretrained=");
    end = strchr(p, ',');
    return end ? xstrndup(p, (size_t)(end - p)) : xstrdup(p);
}

static bool
lmeval_is_group(const json_t *doc, const char *task)
{
    return json_object_get(json_object_get(doc, "groups"), task) ||
           json_array_size(json_object_get(json_object_get(doc, "group_subtasks"), task)) > 0;
}

/* The groups containing task in "group_subtasks", nearest first (a few levels up). */
static void
lmeval_groups(const json_t *doc, const char *task, struct evallog_score *s)
{
    const json_t *gs = json_object_get(doc, "group_subtasks");
    const char *cur = task;

    for (int depth = 0; depth < 8 && cur; depth++) {
        const char *g, *parent = NULL;
        const json_t *list, *v;
        size_t i;

        json_object_foreach((json_t *)gs, g, list) {
            json_array_foreach(list, i, v)
                if (json_string_value(v) && !strcmp(json_string_value(v), cur) && strcmp(g, cur))
                    parent = g;
            if (parent)
                break;
        }
        if (!parent)
            break;
        s->groups = xrealloc(s->groups, (s->ngroups + 1) * sizeof(*s->groups));
        s->groups[s->ngroups++] = xstrdup(parent);
        cur = s->groups[s->ngroups - 1];
    }
}

/*
 * {"results": {TASK: {"alias", "name", "sample_len", "METRIC,FILTER": v,
 * "METRIC_stderr,FILTER": v | "N/A"}}, "groups": {…}, "configs": {TASK: {"dataset_path",
 * "dataset_name", "test_split", …}}, "n-shot": {TASK: n}, "model_name", "config",
 * "lm_eval_version", "date"}. Older files have "metric,filter" keys too (0.4.0 on).
 */
static void
lmeval_metric(const json_t *doc, const char *task, const json_t *res, const char *mkey,
              const json_t *v, struct evallog *log)
{
    const char *comma = strrchr(mkey, ',');
    const json_t *cfg = json_object_get(json_object_get(doc, "configs"), task);
    char *metric = comma ? xstrndup(mkey, (size_t)(comma - mkey)) : xstrdup(mkey);
    const char *filter = comma ? comma + 1 : NULL;
    struct evallog_score *s;
    struct buf skey = BUF_INIT;
    double d, e;

    if (!number_of(v, &d)) {
        log->skipped++;
        free(metric);
        return;
    }
    s = add_score(log, task, task, metric, mkey, d);
    buf_addf(&skey, "%s_stderr%s%s", metric, comma ? "," : "", filter ? filter : "");
    if (number_of(json_object_get(res, skey.buf), &e)) {
        s->has_stderr = true;
        s->stderr_ = e;
    }
    if (filter && strcmp(filter, "none"))
        s->filter = xstrdup(filter);
    s->shots = shots_of(json_object_get(json_object_get(doc, "n-shot"), task));
    if (s->shots < 0)
        s->shots = shots_of(json_object_get(cfg, "num_fewshot"));
    s->aggregate = lmeval_is_group(doc, task);
    lmeval_groups(doc, task, s);
    s->dataset = dup_or_null(str_at(cfg, "dataset_path", NULL));
    s->config = dup_or_null(str_at(cfg, "dataset_name", NULL));
    s->split = dup_or_null(str_at(cfg, "test_split", NULL) ? str_at(cfg, "test_split", NULL)
                                                           : str_at(cfg, "validation_split", NULL));
    buf_release(&skey);
    free(metric);
}

static void
read_lmeval(const json_t *doc, struct evallog *log)
{
    const char *task, *mkey;
    const json_t *res, *v, *date = json_object_get(doc, "date");

    log->model = lmeval_model(doc);
    log->version = dup_or_null(str_at(doc, "lm_eval_version", NULL));
    if (!log->version)
        log->version = dup_or_null(str_at(doc, "git_hash", NULL));
    if (json_is_number(date) && json_number_value(date) > 0 && json_number_value(date) < 1e11) {
        time_t t = (time_t)json_number_value(date);
        struct tm tm;
        char day[16];

        gmtime_r(&t, &tm);
        strftime(day, sizeof(day), "%Y-%m-%d", &tm);
        log->date = xstrdup(day);
    }
    json_object_foreach((json_t *)json_object_get(doc, "results"), task, res) {
        json_object_foreach((json_t *)res, mkey, v) {
            if (!strcmp(mkey, "alias") || !strcmp(mkey, "name") || !strcmp(mkey, "sample_len") ||
                !strcmp(mkey, "sample_count") || strstr(mkey, "_stderr,") ||
                ends_with(mkey, "_stderr"))
                continue;
            lmeval_metric(doc, task, res, mkey, v, log);
        }
    }
}

/* ---------------------------------------------------------------- inspect-ai */

/* A Hub dataset id as inspect records a dataset location ("org/name"), else NULL. */
static const char *
hub_like(const char *s)
{
    const char *slash = s ? strchr(s, '/') : NULL;

    if (!slash || slash == s || strchr(slash + 1, '/') || !slash[1] || strchr(s, ':') ||
        s[0] == '.' || strchr(s, '\\'))
        return NULL;
    return s;
}

/* A few-shot count among the task arguments, when the task takes one. */
static long
inspect_shots(const json_t *eval)
{
    static const char *const keys[] = { "fewshot", "num_fewshot", "n_shot", "shots", NULL };
    const json_t *args = json_object_get(eval, "task_args");

    for (size_t i = 0; keys[i]; i++)
        if (shots_of(json_object_get(args, keys[i])) >= 0)
            return shots_of(json_object_get(args, keys[i]));
    return -1;
}

/*
 * {"version": 2, "status", "eval": {"task", "task_registry_name", "model", "created",
 * "dataset": {"name", "location"}, "task_args", "packages"}, "results": {"scores":
 * [{"name", "scorer", "metrics": {KEY: {"name", "value"}}}]}}. A metric named
 * "stderr" is the standard error of the scorer's mean-type metrics.
 */
static int
read_inspect(const json_t *doc, struct evallog *log, const char *name, struct ep_err *err)
{
    const json_t *eval = json_object_get(doc, "eval"), *scores, *sc;
    const char *task = str_at(eval, "task", NULL), *slash, *created = str_at(eval, "created", NULL);
    const char *status = str_at(doc, "status", NULL);
    size_t i;

    log->model = dup_or_null(str_at(eval, "model", NULL));
    log->version = dup_or_null(str_at(eval, "packages", "inspect_ai"));
    if (created && strlen(created) >= 10)
        log->date = xstrndup(created, 10);
    scores = json_object_get(json_object_get(doc, "results"), "scores");
    if (!json_is_array(scores))
        return ep_err_set(err, "%s: no results in this inspect-ai log (status '%s')", name,
                          status ? status : "?");
    if (!task)
        return ep_err_set(err, "%s: inspect-ai log without a task name", name);
    slash = strrchr(task, '/'); /* "inspect_evals/gpqa_diamond" */
    if (slash)
        task = slash + 1;
    json_array_foreach(scores, i, sc) {
        const json_t *metrics = json_object_get(sc, "metrics"), *m, *se;
        const char *key;
        double d, e = 0;
        bool has_se = number_of(json_object_get(json_object_get(metrics, "stderr"), "value"), &e);

        se = json_object_get(metrics, "stderr");
        json_object_foreach((json_t *)metrics, key, m) {
            struct evallog_score *s;
            const char *mname = str_at(m, "name", NULL) ? str_at(m, "name", NULL) : key;

            if (m == se || !strcmp(mname, "std") || !strcmp(mname, "var"))
                continue;
            if (!number_of(json_object_get(m, "value"), &d)) {
                log->skipped++;
                continue;
            }
            s = add_score(log, task, str_at(eval, "task", NULL), mname, key, d);
            if (has_se && (!strcmp(mname, "accuracy") || !strcmp(mname, "mean"))) {
                s->has_stderr = true;
                s->stderr_ = e;
            }
            s->scorer = dup_or_null(str_at(sc, "name", NULL));
            s->shots = inspect_shots(eval);
            s->dataset = dup_or_null(hub_like(str_at(eval, "dataset", "location")));
            if (!s->dataset)
                s->dataset = dup_or_null(hub_like(str_at(eval, "dataset", "name")));
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- entry points */

static enum evallog_format
detect(const json_t *doc)
{
    if (json_is_object(json_object_get(doc, "config_general")))
        return EVALLOG_LIGHTEVAL;
    if (json_is_object(json_object_get(doc, "eval")))
        return EVALLOG_INSPECT;
    if (json_is_object(json_object_get(doc, "results")) &&
        (json_object_get(doc, "configs") || json_object_get(doc, "n-shot") ||
         json_object_get(doc, "versions") || json_object_get(doc, "lm_eval_version") ||
         json_object_get(doc, "config")))
        return EVALLOG_LMEVAL;
    return EVALLOG_AUTO;
}

int
evallog_parse(const char *text, size_t len, const char *name, const struct evallog_opts *o,
              struct evallog *log, struct ep_err *err)
{
    struct ep_err perr;
    json_t *doc = pyjson_loadb(text, len, 0, &log->nonfinite, &perr);
    enum evallog_format f;
    int rc = 0;

    if (!doc)
        return ep_err_set(err, "%s: not valid JSON: %s", name, perr.msg);
    f = o->format ? o->format : detect(doc);
    if (!json_is_object(doc) || f == EVALLOG_AUTO) {
        json_decref(doc);
        return ep_err_set(err, "%s: not a lighteval, lm-evaluation-harness or inspect-ai log",
                          name);
    }
    log->format = f;
    if (f == EVALLOG_LIGHTEVAL)
        read_lighteval(doc, o, log);
    else if (f == EVALLOG_LMEVAL)
        read_lmeval(doc, log);
    else
        rc = read_inspect(doc, log, name, err);
    if (rc == 0 && f != EVALLOG_INSPECT && !json_is_object(json_object_get(doc, "results")))
        rc = ep_err_set(err, "%s: no \"results\" in this %s log", name, evallog_format_name(f));
    json_decref(doc);
    return rc;
}

static int
read_eval_archive(const char *path, const struct evallog_opts *o, struct evallog *log,
                  struct ep_err *err)
{
    struct zipdir z;
    const struct zipdir_entry *e;
    struct buf text = BUF_INIT;
    struct evallog_opts io = *o;
    int rc = -1;

    if (zipdir_open(&z, path, err) < 0)
        goto fail;
    e = zipdir_find(&z, "header.json");
    if (!e) {
        ep_err_set(err, "%s: no header.json in this .eval archive (%s)", path,
                   zipdir_find(&z, "_journal/start.json") ? "the run did not finish"
                                                          : "not an inspect-ai log");
        goto out;
    }
    if (zipdir_read(&z, e, EVALLOG_MAX_HEADER, &text, err) < 0)
        goto fail;
    io.format = EVALLOG_INSPECT;
    rc = evallog_parse(text.buf, text.len, path, &io, log, err);
    goto out;
fail : {
    char why[sizeof(err->msg)];

    snprintf(why, sizeof(why), "%s", err->msg);
    ep_err_set(err, "%s: %s", path, why);
}
out:
    zipdir_release(&z);
    buf_release(&text);
    return rc;
}

int
evallog_read(const char *path, const struct evallog_opts *o, struct evallog *log,
             struct ep_err *err)
{
    FILE *f = fopen(path, "rb");
    struct buf text = BUF_INIT;
    char chunk[65536];
    size_t n;
    int rc;

    if (!f)
        return ep_err_set(err, "cannot open '%s': %s", path, strerror(errno));
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (text.len == 0 && zipdir_magic(chunk, n)) {
            fclose(f);
            return read_eval_archive(path, o, log, err);
        }
        if (text.len + n > EVALLOG_MAX_JSON) {
            fclose(f);
            buf_release(&text);
            return ep_err_set(err, "%s: larger than %zu bytes", path, EVALLOG_MAX_JSON);
        }
        buf_add(&text, chunk, n);
    }
    rc = ferror(f) ? ep_err_set(err, "cannot read '%s': %s", path, strerror(errno)) : 0;
    fclose(f);
    if (rc == 0)
        rc = evallog_parse(text.buf, text.len, path, o, log, err);
    buf_release(&text);
    return rc;
}

void
evallog_release(struct evallog *log)
{
    for (size_t i = 0; i < log->nr; i++) {
        struct evallog_score *s = &log->scores[i];

        free(s->task);
        free(s->tkey);
        free(s->metric);
        free(s->key);
        free(s->filter);
        free(s->scorer);
        free(s->dataset);
        free(s->config);
        free(s->split);
        for (size_t k = 0; k < s->ngroups; k++)
            free(s->groups[k]);
        free(s->groups);
    }
    free(log->scores);
    free(log->version);
    free(log->model);
    free(log->date);
    memset(log, 0, sizeof(*log));
}

const char *
evallog_format_name(enum evallog_format f)
{
    switch (f) {
    case EVALLOG_LIGHTEVAL:
        return "lighteval";
    case EVALLOG_LMEVAL:
        return "lm-eval";
    case EVALLOG_INSPECT:
        return "inspect-ai";
    default:
        return "unknown";
    }
}

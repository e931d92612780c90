/*
 * modelindex — merge, flatten and validate `model-index` metadata.
 */
#include "lib/modelindex.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "lib/num.h"
#include "lib/rec.h"

/* ------------------------------------------------------------ getters */

/* obj[k1][k2] (k2 may be NULL), borrowed; NULL when missing. */
static json_t *
at(const json_t *obj, const char *k1, const char *k2)
{
    json_t *v = json_object_get(obj, k1);

    return k2 ? json_object_get(v, k2) : v;
}

static const char *
str_at(const json_t *obj, const char *k1, const char *k2)
{
    return json_string_value(at(obj, k1, k2));
}

static bool
absent(const json_t *v)
{
    return !v || json_is_null(v);
}

/* The part of a repo or dataset id after its last '/'. */
static const char *
base_name(const char *id)
{
    const char *slash = strrchr(id, '/');

    return slash ? slash + 1 : id;
}

/* Set obj[key] to a copy of v unless v is absent. */
static void
copy_if(json_t *obj, const char *key, const json_t *v)
{
    if (!absent(v))
        rec_set(obj, key, json_deep_copy(v));
}

const json_t *
mi_card_metadata(const json_t *card, const char **why)
{
    const json_t *meta = json_object_get(card, "metadata");

    *why = NULL;
    if (json_object_get(card, "metadata_error"))
        *why = rec_str(card, "metadata_error") ? rec_str(card, "metadata_error") : "unknown";
    else if (meta && !json_is_object(meta) && !json_is_null(meta))
        *why = "not a mapping";
    return *why || !json_is_object(meta) ? NULL : meta;
}

/* ------------------------------------------------------------ values */

const char *
mi_match_name(enum mi_match m)
{
    switch (m) {
    case MI_EQUAL:
        return "exact";
    case MI_ROUNDED:
        return "rounded";
    case MI_SCALED:
        return "scale";
    default:
        return NULL;
    }
}

struct num {
    double v;
    int prec; /* decimals as written (0 for 65, 2 for 71.30, 5 for 1e-05) */
};

static int
decimals(const char *s)
{
    const char *dot = strchr(s, '.'), *e = strpbrk(s, "eE");
    long exp = 0, d = 0;

    if (dot)
        for (const char *p = dot + 1; *p >= '0' && *p <= '9'; p++)
            d++;
    if (e && parse_long(e + 1, -400, 400, &exp) < 0)
        exp = 0;
    d -= exp;
    return d < 0 ? 0 : d > 17 ? 17 : (int)d;
}

/* A number, or a string that is exactly one (surrounding blanks allowed). */
static bool
num_of(const json_t *j, struct num *n)
{
    char text[NUM_FMT_MAX + 64];

    if (json_is_integer(j)) {
        n->v = (double)json_integer_value(j);
        n->prec = 0;
        return true;
    }
    if (json_is_real(j)) {
        n->v = json_real_value(j);
        num_fmt(n->v, text);
        /* a real was written with a point: 65.0 is not 65 */
        n->prec = strpbrk(text, ".eE") ? decimals(text) : 1;
        return true;
    }
    if (json_is_string(j)) {
        const char *s = json_string_value(j);
        size_t len = json_string_length(j);

        while (len && (*s == ' ' || *s == '\t'))
            s++, len--;
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        if (!len || len >= sizeof(text))
            return false;
        memcpy(text, s, len);
        text[len] = '\0';
        if (parse_double(text, &n->v) < 0 || !isfinite(n->v))
            return false;
        n->prec = decimals(text);
        return true;
    }
    return false;
}

/* a and b rounded to prec decimals print the same. */
static bool
equal_at(double a, double b, int prec)
{
    char x[400], y[400];

    snprintf(x, sizeof(x), "%.*f", prec, a);
    snprintf(y, sizeof(y), "%.*f", prec, b);
    /* -0.00 is 0.00 */
    if (x[0] == '-' && !strpbrk(x, "123456789"))
        memmove(x, x + 1, strlen(x));
    if (y[0] == '-' && !strpbrk(y, "123456789"))
        memmove(y, y + 1, strlen(y));
    return !strcmp(x, y);
}

static bool
close_enough(double a, int pa, double b, int pb)
{
    return equal_at(a, b, pa < pb ? pa : pb);
}

enum mi_match
mi_compare_values(const json_t *existing, const json_t *incoming, const char *scale)
{
    struct num e, v;
    bool percent = scale && !strcmp(scale, "percent");
    bool fraction = scale && !strcmp(scale, "fraction");
    bool known = percent || fraction;

    if (json_equal(existing, incoming))
        return MI_EQUAL;
    if (!num_of(existing, &e) || !num_of(incoming, &v))
        return MI_DIFFERENT;
    if (e.v == v.v)
        return MI_EQUAL;
    if (close_enough(e.v, e.prec, v.v, v.prec))
        return MI_ROUNDED;
    /* existing fraction, incoming percent */
    if (!fraction && fabs(e.v) <= 1 && (known || (fabs(v.v) > 1 && fabs(v.v) <= 100)) &&
        close_enough(e.v * 100, e.prec > 2 ? e.prec - 2 : 0, v.v, v.prec))
        return MI_SCALED;
    /* existing percent, incoming fraction */
    if (!percent && fabs(v.v) <= 1 && (known || (fabs(e.v) > 1 && fabs(e.v) <= 100)) &&
        close_enough(e.v, e.prec, v.v * 100, v.prec > 2 ? v.prec - 2 : 0))
        return MI_SCALED;
    return MI_DIFFERENT;
}

/* ------------------------------------------------------------ identity */

static bool
str_eq_nocase(const char *a, const char *b)
{
    return a && b && !strcasecmp(a, b);
}

/* Dataset ids: equal without case, or equal names when one has no namespace. */
static bool
dataset_eq(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    if (!strcasecmp(a, b))
        return true;
    if (strchr(a, '/') && strchr(b, '/'))
        return false;
    return !strcasecmp(base_name(a), base_name(b));
}

/* An optional part of the identity: equal, or absent on either side. */
static bool
optional_eq(const json_t *a, const json_t *b)
{
    return absent(a) || absent(b) || json_equal(a, b);
}

bool
mi_same_identity(const json_t *result, const json_t *metric, const json_t *score)
{
    static const char *const dataset_keys[] = { "config", "split", "revision", "args", NULL };

    if (!str_eq_nocase(str_at(result, "task", "type"), str_at(score, "task", "type")) ||
        !dataset_eq(str_at(result, "dataset", "type"), str_at(score, "dataset", "type")) ||
        !str_eq_nocase(str_at(metric, "type", NULL), str_at(score, "metric", "type")))
        return false;
    for (size_t i = 0; dataset_keys[i]; i++)
        if (!optional_eq(at(result, "dataset", dataset_keys[i]),
                         at(score, "dataset", dataset_keys[i])))
            return false;
    return optional_eq(json_object_get(metric, "config"), at(score, "metric", "config")) &&
           optional_eq(json_object_get(metric, "args"), at(score, "metric", "args"));
}

/* ------------------------------------------------------------ building entries */

/* The metric entry for a score: type, value, name, config, args (verifyToken if given). */
static json_t *
metric_from_score(const json_t *score)
{
    static const char *const keys[] = { "type", "value",       "name", "config",
                                        "args", "verifyToken", NULL };
    json_t *m = json_object();

    for (size_t i = 0; keys[i]; i++)
        copy_if(m, keys[i], at(score, "metric", keys[i]));
    return m;
}

/* The result entry for a score, in huggingface_hub's key order. */
static json_t *
result_from_score(const json_t *score)
{
    static const char *const dkeys[] = { "type", "config", "split", "revision", "args", NULL };
    json_t *r = json_object(), *task = json_object(), *ds = json_object(), *metrics = json_array();
    const json_t *name = at(score, "dataset", "name");

    copy_if(task, "type", at(score, "task", "type"));
    copy_if(task, "name", at(score, "task", "name"));
    /* the Hub wants a dataset name: the id will do when the score has none */
    copy_if(ds, "name", json_is_string(name) ? name : at(score, "dataset", "type"));
    for (size_t i = 0; dkeys[i]; i++)
        copy_if(ds, dkeys[i], at(score, "dataset", dkeys[i]));
    json_array_append_new(metrics, metric_from_score(score));
    rec_set(r, "task", task);
    rec_set(r, "dataset", ds);
    rec_set(r, "metrics", metrics);
    /* a source needs its url (huggingface_hub refuses a name alone) */
    if (json_is_string(at(score, "source", "url"))) {
        json_t *src = json_object();

        copy_if(src, "url", at(score, "source", "url"));
        copy_if(src, "name", at(score, "source", "name"));
        rec_set(r, "source", src);
    }
    return r;
}

/* Can existing result r hold the metric of new result n (same task, dataset, source)? */
static bool
same_group(const json_t *r, const json_t *n)
{
    static const char *const dkeys[] = { "config", "split", "revision", "args", NULL };
    const json_t *rs = json_object_get(r, "source"), *ns = json_object_get(n, "source");

    if (!json_equal(at(r, "task", "type"), at(n, "task", "type")) ||
        !json_equal(at(r, "dataset", "type"), at(n, "dataset", "type")))
        return false;
    if (!optional_eq(at(r, "task", "name"), at(n, "task", "name")) ||
        !optional_eq(at(r, "dataset", "name"), at(n, "dataset", "name")))
        return false;
    for (size_t i = 0; dkeys[i]; i++) {
        const json_t *a = at(r, "dataset", dkeys[i]), *b = at(n, "dataset", dkeys[i]);

        if (absent(a) != absent(b) || (!absent(a) && !json_equal(a, b)))
            return false;
    }
    return absent(rs) ? absent(ns) : !absent(ns) && json_equal(rs, ns);
}

/* ------------------------------------------------------------ merging */

static const char *
missing_required(const json_t *score)
{
    const json_t *value = at(score, "metric", "value");

    if (!json_is_string(at(score, "task", "type")))
        return "score has no task.type";
    if (!json_is_string(at(score, "dataset", "type")))
        return "score has no dataset.type";
    if (!json_is_string(at(score, "metric", "type")))
        return "score has no metric.type";
    if (!json_is_number(value) && !json_is_string(value))
        return "score has no metric.value (a number or a string)";
    return NULL;
}

/* The entry new results go under (see mi_merge); appends one when needed. */
static size_t
target_model(json_t *mi, const json_t *score, const char *repo, const struct mi_merge_opts *opts)
{
    size_t n = json_array_size(mi), i;
    const char *model = rec_str(score, "model");
    const char *name = opts->model_name ? opts->model_name : base_name(repo ? repo : "model");

    if (opts->model_name) {
        for (i = 0; i < n; i++) {
            const char *have = str_at(json_array_get(mi, i), "name", NULL);

            if (have && !strcmp(opts->model_name, have))
                return i;
        }
    } else if (n == 1) {
        return 0;
    } else if (n > 1) {
        for (int pass = 0; pass < 2; pass++) {
            const char *want = pass == 0 ? model : repo;

            for (i = 0; want && i < n; i++) {
                const char *have = str_at(json_array_get(mi, i), "name", NULL);

                if (have && !strcasecmp(base_name(have), base_name(want)))
                    return i;
            }
        }
        return 0;
    }
    json_array_append_new(mi, json_pack("{s:s, s:[]}", "name", name, "results"));
    return n;
}

static void
set_path(json_t *change, size_t model, size_t r, size_t m)
{
    char path[128];

    snprintf(path, sizeof(path), "model-index[%zu].results[%zu].metrics[%zu]", model, r, m);
    rec_set_str(change, "path", path);
}

/* The change entry for a score going under model entry `entry` (NULL: none). */
static json_t *
change_entry(const json_t *score, const char *status, const json_t *entry)
{
    json_t *c = json_object();

    rec_set_str(c, "status", status);
    copy_if(c, "model", json_object_get(entry, "name"));
    copy_if(c, "task", at(score, "task", "type"));
    copy_if(c, "dataset", at(score, "dataset", "type"));
    copy_if(c, "config", at(score, "dataset", "config"));
    copy_if(c, "split", at(score, "dataset", "split"));
    copy_if(c, "metric", at(score, "metric", "type"));
    copy_if(c, "value", at(score, "metric", "value"));
    if (json_is_object(json_object_get(score, "source"))) {
        json_t *src = json_object();

        copy_if(src, "name", at(score, "source", "name"));
        copy_if(src, "url", at(score, "source", "url"));
        rec_set(c, "source", src);
    }
    return c;
}

static bool
is_verified(const json_t *metric)
{
    return json_is_true(json_object_get(metric, "verified")) ||
           json_is_string(json_object_get(metric, "verifyToken"));
}

/* Add the score's result under entry `model`: into a matching result, else as a new one. */
static void
add_result(json_t *entry, size_t model, const json_t *score, json_t *change)
{
    json_t *results = json_object_get(entry, "results"), *n = result_from_score(score);
    size_t r;

    if (!json_is_array(results)) {
        results = json_array();
        rec_set(entry, "results", results);
    }
    for (r = 0; r < json_array_size(results); r++) {
        json_t *metrics = json_object_get(json_array_get(results, r), "metrics");

        if (json_is_array(metrics) && same_group(json_array_get(results, r), n)) {
            json_array_append(metrics, json_array_get(json_object_get(n, "metrics"), 0));
            set_path(change, model, r, json_array_size(metrics) - 1);
            json_decref(n);
            return;
        }
    }
    json_array_append_new(results, n);
    set_path(change, model, r, 0);
}

json_t *
mi_merge(json_t **mi, const json_t *score, const char *repo, const struct mi_merge_opts *opts)
{
    json_t *change, *entry, *results, *cand = NULL, *value;
    const char *why = missing_required(score), *scale = str_at(score, "metric", "scale");
    size_t model, r, m, ncand = 0, cand_r = 0, cand_m = 0;

    if (why) {
        change = change_entry(score, "skipped", NULL);
        rec_set_str(change, "reason", why);
        return change;
    }
    if (!*mi)
        *mi = json_array();
    model = target_model(*mi, score, repo, opts);
    entry = json_array_get(*mi, model);
    change = change_entry(score, "", entry);
    results = json_object_get(entry, "results");
    value = at(score, "metric", "value");
    for (r = 0; r < json_array_size(results); r++) {
        json_t *res = json_array_get(results, r), *metrics = json_object_get(res, "metrics");

        for (m = 0; m < json_array_size(metrics); m++) {
            json_t *met = json_array_get(metrics, m);
            enum mi_match match;

            if (!mi_same_identity(res, met, score))
                continue;
            match = mi_compare_values(json_object_get(met, "value"), value, scale);
            if (match != MI_DIFFERENT) {
                rec_set_str(change, "status", "present");
                copy_if(change, "existing", json_object_get(met, "value"));
                rec_set_str(change, "match", mi_match_name(match));
                set_path(change, model, r, m);
                return change;
            }
            if (!ncand++) {
                cand = met;
                cand_r = r;
                cand_m = m;
            }
        }
    }
    if (!ncand) {
        rec_set_str(change, "status", "added");
        add_result(entry, model, score, change);
        return change;
    }
    copy_if(change, "existing", json_object_get(cand, "value"));
    set_path(change, model, cand_r, cand_m);
    if (ncand > 1) {
        rec_set_str(change, "status", "conflict");
        rec_set_str(change, "reason", "several existing entries match; none replaced");
    } else if (!opts->replace) {
        rec_set_str(change, "status", "conflict");
        rec_set_str(change, "reason", "existing value kept");
    } else if (is_verified(cand)) {
        rec_set_str(change, "status", "conflict");
        rec_set_str(change, "reason", "existing value is verified; not replaced");
    } else {
        rec_set_str(change, "status", "replaced");
        rec_set(cand, "value", json_deep_copy(value));
    }
    return change;
}

/* ------------------------------------------------------------ shape */

int
mi_check_shape(const json_t *mi, struct ep_err *err)
{
    size_t i, r;
    json_t *entry, *res;

    if (!json_is_array(mi))
        return ep_err_set(err, "model-index: not a list");
    json_array_foreach(mi, i, entry) {
        json_t *results = json_object_get(entry, "results");

        if (!json_is_object(entry))
            return ep_err_set(err, "model-index[%zu]: not a mapping", i);
        if (!absent(results) && !json_is_array(results))
            return ep_err_set(err, "model-index[%zu].results: not a list", i);
        json_array_foreach(results, r, res) {
            json_t *metrics = json_object_get(res, "metrics");

            if (!json_is_object(res))
                return ep_err_set(err, "model-index[%zu].results[%zu]: not a mapping", i, r);
            if (!absent(metrics) && !json_is_array(metrics))
                return ep_err_set(err, "model-index[%zu].results[%zu].metrics: not a list", i, r);
        }
    }
    return 0;
}

/* ------------------------------------------------------------ flattening */

/* Set rec[key] to a copy of obj's `keys`, in that order, unless it has none of them. */
static void
pick(json_t *rec, const char *key, const json_t *obj, const char *const *keys)
{
    json_t *out = json_object();

    for (size_t i = 0; keys[i]; i++)
        copy_if(out, keys[i], json_object_get(obj, keys[i]));
    if (json_object_size(out))
        rec_set(rec, key, out);
    else
        json_decref(out);
}

void
mi_flatten(const json_t *mi, const char *repo, const char *revision, json_t *out)
{
    static const char *const tkeys[] = { "type", "name", NULL };
    static const char *const dkeys[] = {
        "type", "name", "config", "split", "revision", "args", NULL
    };
    static const char *const mkeys[] = {
        "type", "name", "value", "config", "args", "verified", NULL
    };
    static const char *const skeys[] = { "name", "url", NULL };
    size_t i, r, m;
    json_t *entry, *res, *met;

    json_array_foreach(mi, i, entry) {
        json_array_foreach(json_object_get(entry, "results"), r, res) {
            json_array_foreach(json_object_get(res, "metrics"), m, met) {
                json_t *s = rec_new("score"), *origin = json_object();
                char path[128];

                if (!json_is_object(met)) {
                    json_decref(s);
                    json_decref(origin);
                    continue;
                }
                rec_set_str(s, "repo", repo);
                copy_if(s, "model", json_object_get(entry, "name"));
                pick(s, "task", json_object_get(res, "task"), tkeys);
                pick(s, "dataset", json_object_get(res, "dataset"), dkeys);
                pick(s, "metric", met, mkeys);
                pick(s, "source", json_object_get(res, "source"), skeys);
                snprintf(path, sizeof(path), "model-index[%zu].results[%zu].metrics[%zu]", i, r, m);
                rec_set_str(origin, "tool", "merge-index");
                rec_set_str(origin, "path", path);
                if (revision)
                    rec_set_str(origin, "revision", revision);
                rec_set(s, "origin", origin);
                json_array_append_new(out, s);
            }
        }
    }
}

/* ------------------------------------------------------------ validation */

/* The Hub's task ids: huggingface.js pipeline tags and their sub-tasks. */
static const char *const task_ids[] = { "abstractive-qa",
                                        "acceptability-classification",
                                        "any-to-any",
                                        "audio-classification",
                                        "audio-emotion-recognition",
                                        "audio-intent-classification",
                                        "audio-language-identification",
                                        "audio-text-to-text",
                                        "audio-to-audio",
                                        "automatic-speech-recognition",
                                        "biology",
                                        "closed-book-qa",
                                        "closed-domain-qa",
                                        "conversational",
                                        "coreference-resolution",
                                        "depth-estimation",
                                        "dialogue-generation",
                                        "dialogue-modeling",
                                        "document-question-answering",
                                        "document-retrieval",
                                        "entity-linking-classification",
                                        "entity-linking-retrieval",
                                        "explanation-generation",
                                        "extractive-qa",
                                        "face-detection",
                                        "fact-checking",
                                        "fact-checking-retrieval",
                                        "feature-extraction",
                                        "fill-mask",
                                        "grasping",
                                        "graph-ml",
                                        "hate-speech-detection",
                                        "image-captioning",
                                        "image-classification",
                                        "image-colorization",
                                        "image-feature-extraction",
                                        "image-inpainting",
                                        "image-segmentation",
                                        "image-text-to-image",
                                        "image-text-to-text",
                                        "image-text-to-video",
                                        "image-to-3d",
                                        "image-to-image",
                                        "image-to-text",
                                        "image-to-video",
                                        "instance-segmentation",
                                        "intent-classification",
                                        "keypoint-detection",
                                        "keyword-spotting",
                                        "language-identification",
                                        "language-modeling",
                                        "lemmatization",
                                        "mask-generation",
                                        "masked-language-modeling",
                                        "multi-class-classification",
                                        "multi-class-image-classification",
                                        "multi-input-text-classification",
                                        "multi-label-classification",
                                        "multi-label-image-classification",
                                        "multiple-choice",
                                        "multiple-choice-coreference-resolution",
                                        "multiple-choice-qa",
                                        "multivariate-time-series-forecasting",
                                        "named-entity-recognition",
                                        "natural-language-inference",
                                        "news-articles-headline-generation",
                                        "news-articles-summarization",
                                        "object-detection",
                                        "open-book-qa",
                                        "open-domain-abstractive-qa",
                                        "open-domain-qa",
                                        "other",
                                        "panoptic-segmentation",
                                        "parsing",
                                        "part-of-speech",
                                        "pose-estimation",
                                        "question-answering",
                                        "rdf-to-text",
                                        "reinforcement-learning",
                                        "robotics",
                                        "semantic-segmentation",
                                        "semantic-similarity-classification",
                                        "semantic-similarity-scoring",
                                        "sentence-similarity",
                                        "sentiment-analysis",
                                        "sentiment-classification",
                                        "sentiment-scoring",
                                        "slot-filling",
                                        "speaker-identification",
                                        "summarization",
                                        "super-resolution",
                                        "table-question-answering",
                                        "table-to-text",
                                        "tabular-classification",
                                        "tabular-multi-class-classification",
                                        "tabular-multi-label-classification",
                                        "tabular-regression",
                                        "tabular-single-column-regression",
                                        "tabular-to-text",
                                        "task-planning",
                                        "text-classification",
                                        "text-generation",
                                        "text-ranking",
                                        "text-retrieval",
                                        "text-scoring",
                                        "text-simplification",
                                        "text-to-3d",
                                        "text-to-audio",
                                        "text-to-image",
                                        "text-to-speech",
                                        "text-to-video",
                                        "text2text-generation",
                                        "time-series-forecasting",
                                        "token-classification",
                                        "topic-classification",
                                        "translation",
                                        "unconditional-image-generation",
                                        "univariate-time-series-forecasting",
                                        "utterance-retrieval",
                                        "vehicle-detection",
                                        "video-classification",
                                        "video-text-to-text",
                                        "video-to-video",
                                        "visual-document-retrieval",
                                        "visual-question-answering",
                                        "voice-activity-detection",
                                        "word-sense-disambiguation",
                                        "zero-shot-classification",
                                        "zero-shot-image-classification",
                                        "zero-shot-object-detection",
                                        NULL };

bool
mi_known_task(const char *type)
{
    for (size_t i = 0; task_ids[i]; i++)
        if (!strcmp(task_ids[i], type))
            return true;
    return false;
}

struct checker {
    json_t *problems;
    struct buf path;
    size_t count;
};

static void problem(struct checker *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
problem(struct checker *c, const char *fmt, ...)
{
    struct buf msg = BUF_INIT;
    json_t *p = json_object();
    va_list ap;

    va_start(ap, fmt);
    buf_vaddf(&msg, fmt, ap);
    va_end(ap);
    rec_set_str(p, "path", c->path.buf);
    rec_set_str(p, "message", msg.buf);
    json_array_append_new(c->problems, p);
    c->count++;
    buf_release(&msg);
}

/* Enter path segment (".key" or "[i]"); returns the length to restore with leave(). */
static size_t enter(struct checker *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static size_t
enter(struct checker *c, const char *fmt, ...)
{
    size_t len = c->path.len;
    va_list ap;

    va_start(ap, fmt);
    buf_vaddf(&c->path, fmt, ap);
    va_end(ap);
    return len;
}

static void
leave(struct checker *c, size_t len)
{
    buf_setlen(&c->path, len);
}

static bool
has_url(const char *s)
{
    return strstr(s, "http://") || strstr(s, "https://");
}

/* What keeps s from being plain text (NULL when it is). */
static const char *
not_plain(const char *s)
{
    for (const char *p = s; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return "must be one line of plain text";
        if (*p == '<' && ((p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z') ||
                          p[1] == '/' || p[1] == '!'))
            return "must be plain text, not HTML";
    }
    if (strstr(s, "](") || strstr(s, "!["))
        return "must be plain text, not a markdown link";
    return NULL;
}

enum field_flags {
    F_REQUIRED = 1 << 0, /* must be present */
    F_PLAIN = 1 << 1,    /* a display name: plain text */
    F_NUMBER = 1 << 2,   /* a number is fine too */
};

/* Check obj[key] is a string (per flags); returns it, or NULL. */
static const char *
check_string(struct checker *c, const json_t *obj, const char *key, unsigned flags)
{
    const json_t *v = json_object_get(obj, key);
    size_t len = enter(c, ".%s", key);
    const char *s = json_string_value(v), *why;

    if (absent(v)) {
        if (flags & F_REQUIRED)
            problem(c, "required key is missing");
    } else if (!s && !((flags & F_NUMBER) && json_is_number(v))) {
        problem(c, (flags & F_NUMBER) ? "must be a number or a string" : "must be a string");
    } else if (s && has_url(s)) {
        problem(c, "URLs belong in source.url only");
    } else if (s && (flags & F_PLAIN) && (why = not_plain(s))) {
        problem(c, "%s", why);
    } else if (s && (flags & F_REQUIRED) && !*s) {
        problem(c, "must not be empty");
    }
    leave(c, len);
    return s;
}

/* obj[key] must be a mapping (or, with also_string, a string); returns it or NULL. */
static const json_t *
check_map(struct checker *c, const json_t *obj, const char *key, bool required, bool also_string)
{
    const json_t *v = json_object_get(obj, key);
    size_t len = enter(c, ".%s", key);

    if (absent(v)) {
        if (required)
            problem(c, "required key is missing");
        v = NULL;
    } else if (!json_is_object(v) && !(also_string && json_is_string(v))) {
        problem(c, also_string ? "must be a mapping or a string" : "must be a mapping");
        v = NULL;
    }
    leave(c, len);
    return json_is_object(v) ? v : NULL;
}

static void
check_metric(struct checker *c, const json_t *m)
{
    const json_t *verified = json_object_get(m, "verified");

    check_string(c, m, "type", F_REQUIRED);
    check_string(c, m, "value", F_REQUIRED | F_NUMBER);
    check_string(c, m, "name", F_PLAIN);
    check_string(c, m, "config", 0);
    check_map(c, m, "args", false, true);
    check_string(c, m, "verifyToken", 0);
    if (verified && !json_is_boolean(verified)) {
        size_t len = enter(c, ".verified");

        problem(c, "must be true or false");
        leave(c, len);
    }
}

static void
check_source(struct checker *c, const json_t *res)
{
    const json_t *src = check_map(c, res, "source", false, false);
    size_t len = enter(c, ".source");
    const json_t *url = json_object_get(src, "url");

    if (src) {
        size_t l2 = enter(c, ".url");

        if (absent(url))
            problem(c, "required key is missing");
        else if (!json_is_string(url))
            problem(c, "must be a string");
        else if (strncmp(json_string_value(url), "https://", 8) &&
                 strncmp(json_string_value(url), "http://", 7))
            problem(c, "must be an http(s) URL");
        leave(c, l2);
        check_string(c, src, "name", F_PLAIN);
    }
    leave(c, len);
}

static void
check_result(struct checker *c, const json_t *res)
{
    const json_t *task = check_map(c, res, "task", true, false);
    const json_t *ds = check_map(c, res, "dataset", true, false);
    const json_t *metrics = json_object_get(res, "metrics");
    size_t len, i;
    json_t *m;

    if (task) {
        const char *type;

        len = enter(c, ".task");
        type = check_string(c, task, "type", F_REQUIRED);
        if (type && *type && !has_url(type) && !mi_known_task(type)) {
            size_t l2 = enter(c, ".type");

            problem(c, "unknown task type '%s'", type);
            leave(c, l2);
        }
        check_string(c, task, "name", F_PLAIN);
        leave(c, len);
    }
    if (ds) {
        len = enter(c, ".dataset");
        check_string(c, ds, "type", F_REQUIRED);
        check_string(c, ds, "name", F_REQUIRED | F_PLAIN);
        check_string(c, ds, "config", 0);
        check_string(c, ds, "split", 0);
        check_string(c, ds, "revision", 0);
        check_map(c, ds, "args", false, true);
        leave(c, len);
    }
    len = enter(c, ".metrics");
    if (absent(metrics))
        problem(c, "required key is missing");
    else if (!json_is_array(metrics))
        problem(c, "must be a list");
    else if (!json_array_size(metrics))
        problem(c, "must not be empty");
    json_array_foreach(metrics, i, m) {
        size_t l2 = enter(c, "[%zu]", i);

        if (json_is_object(m))
            check_metric(c, m);
        else
            problem(c, "must be a mapping");
        leave(c, l2);
    }
    leave(c, len);
    check_source(c, res);
}

size_t
mi_validate(const json_t *mi, json_t *problems)
{
    struct checker c = { problems, BUF_INIT, 0 };
    size_t i, r;
    json_t *entry, *res;

    buf_addstr(&c.path, "model-index");
    if (!json_is_array(mi))
        problem(&c, "must be a list");
    json_array_foreach(mi, i, entry) {
        size_t len = enter(&c, "[%zu]", i);
        const json_t *results = json_object_get(entry, "results");

        if (!json_is_object(entry)) {
            problem(&c, "must be a mapping");
            leave(&c, len);
            continue;
        }
        check_string(&c, entry, "name", F_REQUIRED | F_PLAIN);
        {
            size_t l2 = enter(&c, ".results");

            if (absent(results))
                problem(&c, "required key is missing");
            else if (!json_is_array(results))
                problem(&c, "must be a list");
            json_array_foreach(results, r, res) {
                size_t l3 = enter(&c, "[%zu]", r);

                if (json_is_object(res))
                    check_result(&c, res);
                else
                    problem(&c, "must be a mapping");
                leave(&c, l3);
            }
            leave(&c, l2);
        }
        leave(&c, len);
    }
    buf_release(&c.path);
    return c.count;
}

/*
 * board — grouping, value parsing, scale normalisation, one row per model,
 * ranking; and the `board` record.
 */
#include "lib/board.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/rec.h"
#include "lib/xalloc.h"

/* ---------------------------------------------------------------- metrics */

/*
 * Metrics whose lower values are better, and metrics whose values are not
 * proportions ("raw": never rescaled between percent and fraction). Keys are
 * compared lower case with everything but letters and digits removed (and
 * written here that way), so "bits_per_byte", "Bits per byte" and
 * "BitsPerByte" all find "bitsperbyte". Any
 * metric not listed is a higher-is-better proportion. To teach evalpipe a
 * metric, add a line here (and to the table in filters/leaderboard.1); for
 * one run, use leaderboard --lower-is-better / --higher-is-better.
 */
static const struct metric_info {
    const char *key;
    bool lower; /* lower is better */
    bool raw;   /* not a proportion */
} metric_table[] = {
    /* language modelling */
    { "perplexity", true, true },
    { "ppl", true, true },
    { "wordperplexity", true, true },
    { "byteperplexity", true, true },
    { "bitsperbyte", true, true },
    { "bpb", true, true },
    { "bitsperchar", true, true },
    { "bitspercharacter", true, true },
    { "bpc", true, true },
    { "loss", true, true },
    { "evalloss", true, true },
    { "nll", true, true },
    { "crossentropy", true, true },
    /* speech and text error rates (proportions) */
    { "wer", true, false },
    { "cer", true, false },
    { "mer", true, false },
    { "wil", true, false },
    { "ter", true, false },
    { "errorrate", true, false },
    { "eer", true, false },
    /* regression errors, image quality, cost */
    { "mae", true, true },
    { "mse", true, true },
    { "rmse", true, true },
    { "fid", true, true },
    { "latency", true, true },
    /* higher is better, but not proportions */
    { "elo", false, true },
};

static void
metric_key(const char *s, char *out, size_t size)
{
    size_t n = 0;

    for (; s && *s && n + 1 < size; s++)
        if (isalnum((unsigned char)*s) && !((unsigned char)*s & 0x80))
            out[n++] = (char)tolower((unsigned char)*s);
    out[n] = '\0';
}

static const struct metric_info *
metric_find(const char *metric)
{
    char key[64];

    metric_key(metric, key, sizeof(key));
    for (size_t i = 0; i < sizeof(metric_table) / sizeof(metric_table[0]); i++)
        if (!strcmp(metric_table[i].key, key))
            return &metric_table[i];
    return NULL;
}

bool
board_metric_lower_is_better(const char *metric)
{
    const struct metric_info *m = metric_find(metric);

    return m && m->lower;
}

bool
board_metric_is_raw(const char *metric)
{
    const struct metric_info *m = metric_find(metric);

    return m && m->raw;
}

/* ---------------------------------------------------------------- names */

const char *
board_badge_name(enum board_badge b)
{
    switch (b) {
    case BOARD_VERIFIED:
        return "verified";
    case BOARD_COMMUNITY:
        return "community";
    case BOARD_SELF:
        break;
    }
    return "self-reported";
}

const char *
board_scale_name(enum board_scale s)
{
    switch (s) {
    case BOARD_PERCENT:
        return "percent";
    case BOARD_FRACTION:
        return "fraction";
    case BOARD_RAW:
        return "raw";
    case BOARD_SCALE_NONE:
        break;
    }
    return NULL;
}

int
board_parse_scale(const char *name, enum board_scale *out)
{
    static const enum board_scale all[] = { BOARD_PERCENT, BOARD_FRACTION, BOARD_RAW };

    for (size_t i = 0; name && i < sizeof(all) / sizeof(all[0]); i++)
        if (!strcmp(name, board_scale_name(all[i]))) {
            *out = all[i];
            return 0;
        }
    return -1;
}

/* ---------------------------------------------------------------- values */

static const char *
skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

/* A decimal number at p (no hex, nan or inf): 0 and *end past it, or -1. */
static int
scan_number(const char *p, double *v, const char **end)
{
    const char *q = p;
    char tmp[64];
    size_t digits = 0;

    if (*q == '+' || *q == '-')
        q++;
    for (; isdigit((unsigned char)*q); q++)
        digits++;
    if (*q == '.')
        for (q++; isdigit((unsigned char)*q); q++)
            digits++;
    if (!digits)
        return -1;
    if (*q == 'e' || *q == 'E') {
        const char *e = q + 1;

        if (*e == '+' || *e == '-')
            e++;
        if (isdigit((unsigned char)*e)) {
            while (isdigit((unsigned char)*e))
                e++;
            q = e;
        }
    }
    if ((size_t)(q - p) >= sizeof(tmp))
        return -1;
    memcpy(tmp, p, (size_t)(q - p));
    tmp[q - p] = '\0';
    errno = 0;
    *v = strtod(tmp, NULL);
    if (errno == ERANGE || !isfinite(*v))
        return -1;
    *end = q;
    return 0;
}

/* "±", "+/-" or "+-" at p: the position after it, or NULL. */
static const char *
skip_plus_minus(const char *p)
{
    if (!strncmp(p, "\xc2\xb1", 2))
        return p + 2;
    if (!strncmp(p, "+/-", 3))
        return p + 3;
    if (!strncmp(p, "+-", 2))
        return p + 2;
    return NULL;
}

/* "64.5", " 64.5 % ", "20.0 ± 1.2", "20.0±1.2%": 1, or 0 when it is not such a number. */
static int
parse_value_text(const char *s, struct board_value *out)
{
    const char *p = skip_space(s), *pm;
    struct board_value v = { 0 };

    if (scan_number(p, &v.v, &p) < 0)
        return 0;
    p = skip_space(p);
    if (*p == '%') {
        v.percent_sign = true;
        p = skip_space(p + 1);
    }
    pm = skip_plus_minus(p);
    if (pm) {
        if (scan_number(skip_space(pm), &v.se, &p) < 0 || v.se < 0)
            return 0;
        v.has_se = true;
        p = skip_space(p);
        if (*p == '%') {
            v.percent_sign = true;
            p = skip_space(p + 1);
        }
    }
    if (*p)
        return 0;
    *out = v;
    return 1;
}

int
board_parse_value(const json_t *v, struct board_value *out)
{
    memset(out, 0, sizeof(*out));
    if (!v || json_is_null(v))
        return 0;
    if (json_is_number(v)) {
        out->v = json_number_value(v);
        return isfinite(out->v) ? 1 : 0;
    }
    if (json_is_string(v))
        return parse_value_text(json_string_value(v), out);
    return -1;
}

/* metric.stderr as a number or numeric string: 1 with *se set, else 0. */
static int
parse_stderr(const json_t *v, double *se)
{
    struct board_value bv;

    if (board_parse_value(v, &bv) != 1 || bv.has_se || bv.v < 0)
        return 0;
    *se = bv.v;
    return 1;
}

/* ---------------------------------------------------------------- badges */

static const char *
str_at(const json_t *obj, const char *a, const char *b)
{
    const char *s = rec_str(json_object_get(obj, a), b);

    return s && *s ? s : NULL;
}

/* A pull request number as the Hub writes it (a positive integer), or any non-empty string. */
static bool
is_pr_number(const json_t *v)
{
    return (json_is_integer(v) && json_integer_value(v) > 0) ||
           (json_is_string(v) && json_string_length(v) > 0);
}

static bool
is_pr_ref(const char *s)
{
    return s && !strncmp(s, "refs/pr/", 8);
}

/* A Hub pull request or discussion URL: ".../discussions/N" or a refs/pr/N ref in it. */
static bool
is_pr_url(const char *url)
{
    const char *d;

    if (!url)
        return false;
    if (strstr(url, "/refs/pr/") || strstr(url, "/refs%2Fpr%2F") || strstr(url, "/refs%2fpr%2f"))
        return true;
    d = strstr(url, "/discussions/");
    return d && isdigit((unsigned char)d[13]);
}

enum board_badge
board_badge_of(const json_t *score)
{
    const json_t *origin = json_object_get(score, "origin");

    if (json_is_true(json_object_get(json_object_get(score, "metric"), "verified")))
        return BOARD_VERIFIED;
    if (is_pr_number(json_object_get(origin, "pull_request")) ||
        is_pr_number(json_object_get(origin, "pullRequest")))
        return BOARD_COMMUNITY;
    if (is_pr_ref(str_at(score, "origin", "revision")) || is_pr_ref(str_at(score, "origin", "ref")))
        return BOARD_COMMUNITY;
    if (is_pr_url(str_at(score, "source", "url")))
        return BOARD_COMMUNITY;
    return BOARD_SELF;
}

/* ---------------------------------------------------------------- the set */

void
board_set_init(struct board_set *s)
{
    memset(s, 0, sizeof(*s));
    s->index = json_object();
    s->direction = json_object();
    if (!s->index || !s->direction)
        die("out of memory");
}

static void
row_release(struct board_row *r)
{
    json_decref(r->score);
    free(r->key);
    free(r->date);
    memset(r, 0, sizeof(*r));
}

static void
board_free(struct board *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->nrows; i++)
        row_release(&b->rows[i]);
    free(b->rows);
    free(b->dataset);
    free(b->config);
    free(b->split);
    free(b->metric);
    free(b->dataset_name);
    free(b->metric_name);
    json_decref(b->models);
    free(b);
}

void
board_set_release(struct board_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        board_free(s->boards[i]);
    free(s->boards);
    json_decref(s->index);
    json_decref(s->direction);
    memset(s, 0, sizeof(*s));
}

void
board_set_direction(struct board_set *s, const char *metric, bool lower_is_better)
{
    rec_set(s->direction, metric, json_boolean(lower_is_better));
}

static char *
xstrdup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* obj[key] when it is a non-empty string. */
static const char *
nonempty(const json_t *obj, const char *key)
{
    const char *s = rec_str(obj, key);

    return s && *s ? s : NULL;
}

static const char *
first_of(const json_t *obj, const char *a, const char *b)
{
    const char *s = nonempty(obj, a);

    return s ? s : nonempty(obj, b);
}

static bool
selected(const char *want, const char *a, const char *b)
{
    return !want || (a && !strcmp(want, a)) || (b && !strcmp(want, b));
}

static struct board *
board_get(struct board_set *s, const char *dataset, const char *config, const char *split,
          const char *metric)
{
    char *key = xstrfmt("%s\x1f%s\x1f%s\x1f%s\x1f%d%d", dataset, config ? config : "",
                        split ? split : "", metric, config != NULL, split != NULL);
    json_t *at = json_object_get(s->index, key);
    struct board *b;
    json_t *dir;

    if (at) {
        free(key);
        return s->boards[json_integer_value(at)];
    }
    b = xcalloc(1, sizeof(*b));
    b->dataset = xstrdup(dataset);
    b->config = xstrdup_or_null(config);
    b->split = xstrdup_or_null(split);
    b->metric = xstrdup(metric);
    dir = json_object_get(s->direction, metric);
    b->lower_is_better = dir ? json_is_true(dir) : board_metric_lower_is_better(metric);
    b->models = json_object();
    if (!b->models)
        die("out of memory");
    ALLOC_GROW(s->boards, s->n + 1, s->alloc);
    rec_set(s->index, key, json_integer((json_int_t)s->n));
    s->boards[s->n++] = b;
    free(key);
    return b;
}

static int
strcmp_null(const char *a, const char *b)
{
    if (!a || !b)
        return a ? 1 : b ? -1 : 0;
    return strcmp(a, b);
}

/* Whether candidate c should replace the row k kept so far for the same model. */
static bool
row_better(const struct board_row *c, const struct board_row *k)
{
    int d;

    if (c->has_value != k->has_value)
        return c->has_value;
    if (c->badge != k->badge)
        return c->badge > k->badge;
    d = strcmp_null(c->date, k->date);
    if (d)
        return d > 0;
    return c->seq > k->seq;
}

static enum board_scale
infer_scale(const char *metric, const struct board_value *v)
{
    double a = fabs(v->v);

    if (v->percent_sign)
        return BOARD_PERCENT;
    if (board_metric_is_raw(metric))
        return BOARD_RAW;
    if (a <= 1)
        return BOARD_FRACTION;
    if (a <= 100)
        return BOARD_PERCENT;
    return BOARD_RAW;
}

/* Fill the row's value, scale, badge and date from the score; -1 with err. */
static int
row_from_score(struct board_row *row, const json_t *score, const char *metric, struct ep_err *err)
{
    const json_t *m = json_object_get(score, "metric");
    const json_t *scale = json_object_get(m, "scale");
    const char *date = nonempty(score, "date");
    int vr = board_parse_value(json_object_get(m, "value"), &row->val);
    double se;

    if (vr < 0)
        return ep_err_set(err, "metric.value is neither a number nor a string");
    row->has_value = vr > 0;
    if (scale && !json_is_null(scale)) {
        if (board_parse_scale(json_string_value(scale), &row->scale) < 0)
            return ep_err_set(err, "unknown metric.scale (not percent, fraction or raw)");
    } else if (row->has_value) {
        row->scale = infer_scale(metric, &row->val);
        row->inferred = true;
    }
    if (row->has_value && !row->val.has_se && parse_stderr(json_object_get(m, "stderr"), &se)) {
        row->val.se = se;
        row->val.has_se = true;
    }
    row->badge = board_badge_of(score);
    if (!date)
        date = str_at(score, "origin", "date");
    row->date = xstrdup_or_null(date);
    return 0;
}

int
board_set_add(struct board_set *s, const json_t *score, struct ep_err *err)
{
    const json_t *ds = json_object_get(score, "dataset"), *m = json_object_get(score, "metric");
    const char *dataset = first_of(ds, "type", "name"), *metric = first_of(m, "type", "name");
    const char *config = nonempty(ds, "config"), *split = nonempty(ds, "split");
    const char *key = first_of(score, "repo", "model");
    struct board_row row = { 0 };
    struct board *b;
    json_t *at;

    if (!dataset)
        return ep_err_set(err, "score has no dataset.type or dataset.name");
    if (!metric)
        return ep_err_set(err, "score has no metric.type or metric.name");
    if (!key)
        return ep_err_set(err, "score has no repo or model");
    if (row_from_score(&row, score, metric, err) < 0) {
        row_release(&row);
        return -1;
    }
    row.seq = s->seq++;
    if (!selected(s->want_dataset, dataset, nonempty(ds, "name")) ||
        !selected(s->want_metric, metric, nonempty(m, "name")) ||
        !selected(s->want_config, config, NULL) || !selected(s->want_split, split, NULL)) {
        row_release(&row);
        return 1;
    }
    b = board_get(s, dataset, config, split, metric);
    if (!b->dataset_name)
        b->dataset_name = xstrdup_or_null(nonempty(ds, "name"));
    if (!b->metric_name)
        b->metric_name = xstrdup_or_null(nonempty(m, "name"));
    row.score = json_incref((json_t *)score);
    row.key = xstrdup(key);
    at = json_object_get(b->models, key);
    if (at) {
        struct board_row *k = &b->rows[json_integer_value(at)];

        if (row_better(&row, k)) {
            row.dropped = k->dropped + 1;
            row_release(k);
            *k = row;
        } else {
            k->dropped++;
            row_release(&row);
        }
        return 0;
    }
    ALLOC_GROW(b->rows, b->nrows + 1, b->alloc);
    rec_set(b->models, key, json_integer((json_int_t)b->nrows));
    b->rows[b->nrows++] = row;
    return 0;
}

/* ---------------------------------------------------------------- ranking */

/* v rounded to 12 significant digits, so 0.6459 * 100 and 64.59 are one number. */
static double
round12(double v)
{
    char tmp[40];

    if (v == 0 || !isfinite(v))
        return v;
    snprintf(tmp, sizeof(tmp), "%.12g", v);
    return strtod(tmp, NULL);
}

static double
factor(enum board_scale from, enum board_scale to)
{
    if (from == BOARD_FRACTION && to == BOARD_PERCENT)
        return 100;
    if (from == BOARD_PERCENT && to == BOARD_FRACTION)
        return 0.01;
    return 1;
}

static enum board_scale
board_scale_of(const struct board *b, enum board_scale force)
{
    size_t percent = 0, fraction = 0;

    for (size_t i = 0; i < b->nrows; i++) {
        if (!b->rows[i].has_value)
            continue;
        percent += b->rows[i].scale == BOARD_PERCENT;
        fraction += b->rows[i].scale == BOARD_FRACTION;
    }
    if (!percent && !fraction)
        return BOARD_RAW;
    if (force == BOARD_PERCENT || force == BOARD_FRACTION)
        return force;
    return percent >= fraction ? BOARD_PERCENT : BOARD_FRACTION;
}

/* Rows with values first, best first; ties and rows without values by key. */
static int
cmp_rows(const struct board_row *a, const struct board_row *b, bool lower)
{
    if (a->has_value != b->has_value)
        return a->has_value ? -1 : 1;
    if (a->has_value && a->shown != b->shown) {
        bool a_first = lower ? a->shown < b->shown : a->shown > b->shown;

        return a_first ? -1 : 1;
    }
    return strcmp(a->key, b->key);
}

static int
cmp_rows_lower(const void *a, const void *b)
{
    return cmp_rows(a, b, true);
}

static int
cmp_rows_higher(const void *a, const void *b)
{
    return cmp_rows(a, b, false);
}

static int
cmp_boards(const void *pa, const void *pb)
{
    const struct board *a = *(struct board *const *)pa, *b = *(struct board *const *)pb;
    int d = strcmp(a->dataset, b->dataset);

    if (!d)
        d = strcmp_null(a->config, b->config);
    if (!d)
        d = strcmp_null(a->split, b->split);
    if (!d)
        d = strcmp(a->metric, b->metric);
    return d;
}

static void
board_rank(struct board *b, enum board_scale force)
{
    b->scale = board_scale_of(b, force);
    for (size_t i = 0; i < b->nrows; i++) {
        struct board_row *r = &b->rows[i];
        double f = factor(r->scale, b->scale);

        r->shown = r->has_value ? round12(r->val.v * f) : 0;
        r->shown_se = r->val.has_se ? round12(r->val.se * f) : 0;
    }
    qsort(b->rows, b->nrows, sizeof(*b->rows),
          b->lower_is_better ? cmp_rows_lower : cmp_rows_higher);
    b->ranked = 0;
    for (size_t i = 0; i < b->nrows; i++) {
        struct board_row *r = &b->rows[i];

        r->rank = 0;
        if (!r->has_value)
            continue;
        r->rank = i && r->shown == b->rows[i - 1].shown ? b->rows[i - 1].rank : (long)i + 1;
        b->ranked++;
    }
    for (size_t i = 0; i < b->nrows; i++) /* rows moved: keep the model index right */
        rec_set(b->models, b->rows[i].key, json_integer((json_int_t)i));
}

void
board_set_rank(struct board_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        board_rank(s->boards[i], s->force_scale);
    if (s->n) /* qsort() must not see the NULL array of an empty set */
        qsort(s->boards, s->n, sizeof(*s->boards), cmp_boards);
    json_object_clear(s->index); /* it no longer matches the sorted array */
}

/* ---------------------------------------------------------------- output */

size_t
board_rows_shown(const struct board *b, long top)
{
    size_t n = 0;

    if (top <= 0)
        return b->nrows;
    while (n < b->nrows && b->rows[n].rank > 0 && b->rows[n].rank <= top)
        n++;
    return n;
}

const char *
board_row_label(const struct board_row *r)
{
    return r->key;
}

static json_t *
real_or_null(bool has, double v)
{
    return has ? json_real(v) : json_null();
}

static json_t *
copy_or_null(const json_t *v)
{
    return v ? json_deep_copy(v) : json_null();
}

static json_t *
row_to_json(const struct board_row *r)
{
    const json_t *m = json_object_get(r->score, "metric");
    json_t *o = json_object(), *w = json_object();

    if (!o || !w)
        die("out of memory");
    rec_set(o, "rank", r->rank ? json_integer(r->rank) : json_null());
    rec_set(o, "model", copy_or_null(json_object_get(r->score, "model")));
    rec_set(o, "repo", copy_or_null(json_object_get(r->score, "repo")));
    rec_set(o, "value", real_or_null(r->has_value, r->shown));
    rec_set(o, "stderr", real_or_null(r->has_value && r->val.has_se, r->shown_se));
    rec_set_str(o, "badge", board_badge_name(r->badge));
    rec_set(o, "source", copy_or_null(json_object_get(r->score, "source")));
    rec_set_str(o, "date", r->date);
    rec_set(w, "value", copy_or_null(json_object_get(m, "value")));
    rec_set_str(w, "scale", board_scale_name(r->scale));
    rec_set(w, "inferred", json_boolean(r->inferred));
    rec_set(o, "as_written", w);
    rec_set_int(o, "dropped", (long long)r->dropped);
    return o;
}

json_t *
board_to_json(const struct board *b, long top, const char *title)
{
    json_t *rec = rec_new("board"), *ds = json_object(), *m = json_object(), *rows = json_array();
    size_t n = board_rows_shown(b, top);

    if (!ds || !m || !rows)
        die("out of memory");
    if (title)
        rec_set_str(rec, "title", title);
    rec_set_str(ds, "type", b->dataset);
    rec_set_str(ds, "name", b->dataset_name);
    rec_set_str(ds, "config", b->config);
    rec_set_str(ds, "split", b->split);
    rec_set(rec, "dataset", ds);
    rec_set_str(m, "type", b->metric);
    rec_set_str(m, "name", b->metric_name);
    rec_set(m, "lower_is_better", json_boolean(b->lower_is_better));
    rec_set_str(m, "scale", board_scale_name(b->scale));
    rec_set(rec, "metric", m);
    rec_set_int(rec, "models", (long long)b->nrows);
    rec_set_int(rec, "ranked", (long long)b->ranked);
    for (size_t i = 0; i < n; i++)
        if (json_array_append_new(rows, row_to_json(&b->rows[i])) < 0)
            die("out of memory");
    rec_set(rec, "rows", rows);
    return rec;
}

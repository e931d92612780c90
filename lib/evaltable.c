/*
 * evaltable — finding the model in a table and reading its scores.
 */
#include "lib/evaltable.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/bench.h"
#include "lib/xalloc.h"

#define MAX_LEVELS 8
#define NONE       SIZE_MAX

enum role {
    R_VALUE,    /* numbers: a model's column, or a benchmark's column */
    R_LABEL,    /* names (of models or benchmarks) */
    R_BENCH,    /* benchmark names, by header */
    R_CATEGORY, /* "Knowledge", "Math": groups of benchmarks */
    R_METRIC,
    R_SHOTS,
    R_FILTER,
    R_VERSION,
    R_STDERR,
    R_IGNORE, /* "±", "↑", notes */
    R_NONSCORE,
    R_AVERAGE,
};

struct levels {
    const char *lv[MAX_LEVELS]; /* header texts of a column, top to bottom (borrowed) */
    const char *href[MAX_LEVELS];
    bool qual[MAX_LEVELS]; /* only qualifiers ("5-shot", "pass@1") */
    size_t n;
};

struct ctx {
    const struct tgrid *g;
    const struct etab_opts *o;
    struct etab_result *res;
    size_t R, C;
    size_t h0, h1;       /* header rows [h0, h1) */
    size_t sub[4], nsub; /* sub-header rows (shot counts) after h1 */
    size_t d0;           /* first data row */
    size_t nlabel;       /* label columns [0, nlabel) */
    enum role *role;
    unsigned char *kind; /* enum cval_kind of each data cell, row-major */
    signed char *hit;    /* does the cell name a known benchmark: -1 not looked up yet, 0, 1 */
    struct levels *lev;
    char **shots_sub; /* per column: "N-shot" text from a "# shots" sub-header row, or NULL */
    size_t bench_col, metric_col, shots_col, filter_col, stderr_col;
    bool rows_mode;     /* models as rows */
    size_t model_row;   /* models as rows: the model's row */
    size_t *model_cols; /* models as columns: the model's columns */
    size_t nmodel_cols;
};

static void score_release(struct etab_score *s);

/* ---------------------------------------------------------------- helpers */

static void __attribute__((format(printf, 3, 4)))
msg(struct ctx *x, enum etab_level level, const char *fmt, ...)
{
    struct etab_result *res = x->res;
    char text[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    ALLOC_GROW(res->msgs, res->nmsgs + 1, res->msgs_alloc);
    res->msgs[res->nmsgs].level = level;
    res->msgs[res->nmsgs++].text = xstrdup(text);
}

static const char *
text(const struct ctx *x, size_t r, size_t c)
{
    return tgrid_cell(x->g, r, c)->text;
}

static enum cval_kind
kind(const struct ctx *x, size_t r, size_t c)
{
    return (enum cval_kind)x->kind[r * x->C + c];
}

static bool
is_num_kind(enum cval_kind k)
{
    return k == CVAL_NUMBER || k == CVAL_PARTS || k == CVAL_UNSURE;
}

/* A label that is only qualifiers: "5-shot", "pass@1", "8-shot CoT". */
static bool
qual_only(const char *t)
{
    struct blabel b = { .shots = -1 };

    return *t && label_qualifiers(t, &b);
}

static bool
is_integer(const char *t)
{
    size_t i = 0;

    while (isdigit((unsigned char)t[i]))
        i++;
    return i > 0 && i < 4 && !t[i];
}

/* A benchmark the data file knows, from a cleaned label. */
static const struct bench_entry *
known_bench(const char *label)
{
    struct blabel b;

    label_parse_bench(label, &b);
    return b.name[0] ? bench_find(b.name) : NULL;
}

/* ---------------------------------------------------------------- layout */

static bool
row_empty(const struct ctx *x, size_t r)
{
    for (size_t c = 0; c < x->C; c++)
        if (*text(x, r, c))
            return false;
    return true;
}

static bool
row_all_header(const struct ctx *x, size_t r)
{
    bool any = false;

    for (size_t c = 0; c < x->C; c++) {
        const struct tcell *cell = tgrid_cell(x->g, r, c);

        if (!*cell->text)
            continue;
        if (!(cell->flags & TCELL_HEADER))
            return false;
        any = true;
    }
    return any;
}

/* Header rows: the source's (th, thead, the markdown header), empty ones skipped. */
static void
find_header(struct ctx *x)
{
    x->h0 = 0;
    while (x->h0 + 1 < x->R && row_empty(x, x->h0))
        x->h0++;
    x->h1 = x->h0 + 1;
    while (x->h1 < x->R && row_all_header(x, x->h1))
        x->h1++;
    if (x->h1 >= x->R)
        x->h1 = x->h0 + 1;
}

/* A row of shot counts or metrics under the header: "| | 5-shot | 25-shot |", "| # Shots | 5 | 0
 * |". */
static bool
is_subheader(const struct ctx *x, size_t r)
{
    const char *first = text(x, r, 0);
    enum label_class cls = label_classify(first);
    size_t n = 0;

    if (*first && cls != LC_SHOTS && cls != LC_METRIC && !qual_only(first))
        return false;
    for (size_t c = 1; c < x->C; c++) {
        const char *t = text(x, r, c);

        if (!*t)
            continue;
        if (qual_only(t) || (cls == LC_SHOTS && is_integer(t)))
            n++;
        else
            return false;
    }
    return n > 0;
}

static void
find_subheaders(struct ctx *x)
{
    x->d0 = x->h1;
    while (x->d0 < x->R && x->nsub < 4 && is_subheader(x, x->d0)) {
        size_t r = x->d0++;

        x->sub[x->nsub++] = r;
        if (label_classify(text(x, r, 0)) != LC_SHOTS)
            continue;
        for (size_t c = 1; c < x->C; c++)
            if (is_integer(text(x, r, c)) && !x->shots_sub[c])
                x->shots_sub[c] = xstrfmt("%s-shot", text(x, r, c));
    }
}

static void
add_level(struct levels *l, const char *t, const char *href)
{
    if (!*t || l->n == MAX_LEVELS || (l->n && !strcmp(l->lv[l->n - 1], t)))
        return;
    l->lv[l->n] = t;
    l->href[l->n] = href;
    l->qual[l->n] = qual_only(t);
    l->n++;
}

static void
column_levels(struct ctx *x)
{
    for (size_t c = 0; c < x->C; c++) {
        struct levels *l = &x->lev[c];

        for (size_t r = x->h0; r < x->h1; r++)
            add_level(l, text(x, r, c), tgrid_cell(x->g, r, c)->href);
        for (size_t i = 0; i < x->nsub; i++)
            add_level(l, x->shots_sub[c] ? x->shots_sub[c] : text(x, x->sub[i], c), NULL);
    }
}

/* Class of a column from its header levels, bottom up. */
static enum label_class
column_class(const struct ctx *x, size_t c)
{
    const struct levels *l = &x->lev[c];

    for (size_t i = l->n; i-- > 0;) {
        enum label_class cls = label_classify(l->lv[i]);

        if (cls != LC_NONE)
            return cls;
    }
    return LC_NONE;
}

static void
count_column(const struct ctx *x, size_t c, size_t *nonempty, size_t *numeric, size_t *missing)
{
    *nonempty = *numeric = *missing = 0;
    for (size_t r = x->d0; r < x->R; r++) {
        enum cval_kind k = kind(x, r, c);

        *nonempty += k != CVAL_EMPTY;
        *numeric += is_num_kind(k);
        *missing += k == CVAL_MISSING;
    }
}

/* Role of a leading label column from its content. */
static enum role
label_role_by_content(const struct ctx *x, size_t c)
{
    size_t metrics = 0, nonempty = 0, marks = 0;
    char buf[32];

    for (size_t r = x->d0; r < x->R; r++) {
        const char *t = text(x, r, c);

        if (!*t)
            continue;
        nonempty++;
        marks += kind(x, r, c) == CVAL_EMPTY; /* only arrows, emoji, footnote marks */
        metrics += bench_metric(t, buf, sizeof(buf)) != NULL;
    }
    if (!nonempty || marks == nonempty)
        return R_IGNORE;
    return metrics * 2 > nonempty ? R_METRIC : R_LABEL;
}

/* known_bench() of a data cell, looked up once. */
static bool
cell_hit(const struct ctx *x, size_t r, size_t c)
{
    signed char *h = &x->hit[r * x->C + c];

    if (*h < 0)
        *h = known_bench(text(x, r, c)) != NULL;
    return *h;
}

static size_t
bench_hits(const struct ctx *x, size_t c)
{
    size_t n = 0;

    for (size_t r = x->d0; r < x->R; r++)
        n += cell_hit(x, r, c);
    return n;
}

static bool
column_textual(const struct ctx *x, size_t c)
{
    size_t nonempty, numeric, missing;

    count_column(x, c, &nonempty, &numeric, &missing);
    return (numeric + missing) * 2 <= nonempty;
}

static void
assign_roles(struct ctx *x)
{
    static const enum role by_class[] = {
        [LC_MODEL] = R_LABEL,     [LC_BENCH] = R_BENCH,       [LC_CATEGORY] = R_CATEGORY,
        [LC_METRIC] = R_METRIC,   [LC_SHOTS] = R_SHOTS,       [LC_FILTER] = R_FILTER,
        [LC_VERSION] = R_VERSION, [LC_STDERR] = R_STDERR,     [LC_PM] = R_IGNORE,
        [LC_AVERAGE] = R_AVERAGE, [LC_NONSCORE] = R_NONSCORE,
    };
    bool in_label = true;

    for (size_t c = 0; c < x->C; c++) {
        enum label_class cls = column_class(x, c);
        size_t nonempty, numeric, missing;
        bool textual;

        count_column(x, c, &nonempty, &numeric, &missing);
        textual = (numeric + missing) * 2 <= nonempty;
        if (c == 0 && cls == LC_NONSCORE && x->C > 2 && column_textual(x, 1)) {
            x->nlabel = 1; /* "| # | Benchmark | ...": row numbers before the labels */
            x->role[c] = R_IGNORE;
            continue;
        }
        if (in_label && c + 1 < x->C &&
            (textual || cls == LC_MODEL || cls == LC_BENCH || cls == LC_CATEGORY ||
             cls == LC_METRIC || cls == LC_SHOTS || cls == LC_FILTER || cls == LC_VERSION)) {
            x->nlabel = c + 1;
            if (cls == LC_NONE || cls == LC_NONSCORE || cls == LC_VALUE || cls == LC_SELF ||
                cls == LC_AVERAGE || cls == LC_STDERR || cls == LC_PM)
                x->role[c] = label_role_by_content(x, c);
            else
                x->role[c] = by_class[cls];
            continue;
        }
        in_label = false;
        if (cls == LC_STDERR || cls == LC_PM || cls == LC_NONSCORE || cls == LC_AVERAGE)
            x->role[c] = by_class[cls];
        else if (textual && !numeric)
            x->role[c] = R_IGNORE;
        else
            x->role[c] = R_VALUE;
    }
}

/* Which label column names the benchmarks, and which carry metric, shots, filter, stderr. */
static void
find_special_columns(struct ctx *x)
{
    size_t best = 0;

    x->bench_col = x->metric_col = x->shots_col = x->filter_col = x->stderr_col = NONE;
    for (size_t c = 0; c < x->C; c++) {
        enum role r = x->role[c];

        if (r == R_METRIC && bench_hits(x, c) > 0 && x->bench_col == NONE)
            x->role[c] = r = R_BENCH;
        if (r == R_BENCH && x->bench_col == NONE)
            x->bench_col = c;
        else if (r == R_METRIC && x->metric_col == NONE)
            x->metric_col = c;
        else if (r == R_SHOTS && x->shots_col == NONE)
            x->shots_col = c;
        else if (r == R_FILTER && x->filter_col == NONE)
            x->filter_col = c;
        else if (r == R_STDERR && x->stderr_col == NONE)
            x->stderr_col = c;
    }
    if (x->bench_col != NONE)
        return;
    for (size_t c = 0; c < x->nlabel; c++) {
        size_t hits;

        if (x->role[c] != R_LABEL)
            continue;
        hits = bench_hits(x, c);
        if (x->bench_col == NONE || hits >= best) {
            x->bench_col = c;
            best = hits;
        }
    }
}

/* ---------------------------------------------------------------- finding the model */

struct cand {
    bool is_col;
    size_t idx;
    enum label_match m;
    char label[256];
};

static const char *const how_names[] = { "none", "self", "tokens", "exact", "link" };

static void
try_label(const struct ctx *x, struct cand *cd, const char *t, const char *href)
{
    enum label_match m = label_match(x->o->names, t, href);

    if (m > cd->m) {
        cd->m = m;
        snprintf(cd->label, sizeof(cd->label), "%s", t);
    }
}

/* Try single texts, all of them joined, and adjacent pairs. */
static void
try_texts(const struct ctx *x, struct cand *cd, const char **t, const char **href, size_t n)
{
    struct buf all = BUF_INIT, pair = BUF_INIT;

    for (size_t i = 0; i < n; i++) {
        try_label(x, cd, t[i], href[i]);
        if (i) {
            buf_reset(&pair);
            buf_addf(&pair, "%s %s", t[i - 1], t[i]);
            try_label(x, cd, pair.buf, NULL);
        }
        buf_addf(&all, "%s%s", i ? " " : "", t[i]);
    }
    if (n > 2)
        try_label(x, cd, all.buf, NULL);
    buf_release(&all);
    buf_release(&pair);
}

static void
match_column(const struct ctx *x, size_t c, struct cand *cd)
{
    const struct levels *l = &x->lev[c];
    const char *t[MAX_LEVELS], *h[MAX_LEVELS];
    size_t n = 0;

    for (size_t i = 0; i < l->n; i++)
        if (!l->qual[i]) {
            t[n] = l->lv[i];
            h[n++] = l->href[i];
        }
    cd->is_col = true;
    cd->idx = c;
    try_texts(x, cd, t, h, n);
}

static void
match_row(const struct ctx *x, size_t r, struct cand *cd)
{
    const char *t[16], *h[16];
    size_t n = 0;

    for (size_t c = 0; c < x->nlabel && n < 16; c++) {
        const struct tcell *cell = tgrid_cell(x->g, r, c);

        if ((x->role[c] != R_LABEL && x->role[c] != R_CATEGORY) || !*cell->text)
            continue;
        t[n] = cell->text;
        h[n++] = cell->href;
    }
    cd->is_col = false;
    cd->idx = r;
    try_texts(x, cd, t, h, n);
}

/* Non-qualifier header levels of a column, joined (for comparing columns). */
static void
model_part(const struct ctx *x, size_t c, struct buf *out)
{
    const struct levels *l = &x->lev[c];

    buf_reset(out);
    for (size_t i = 0; i < l->n; i++)
        if (!l->qual[i])
            buf_addf(out, "%s\x1f", l->lv[i]);
}

/* Several columns name the model: fine when they differ only in qualifiers ("0-shot", "5-shot"). */
static bool
same_model_columns(const struct ctx *x, const struct cand *cds, size_t n)
{
    struct buf a = BUF_INIT, b = BUF_INIT;
    bool same = true;

    model_part(x, cds[0].idx, &a);
    for (size_t i = 1; i < n && same; i++) {
        model_part(x, cds[i].idx, &b);
        same = !strcmp(a.buf, b.buf);
    }
    buf_release(&a);
    buf_release(&b);
    return same;
}

static void
set_match(struct ctx *x, bool rows, size_t idx, const char *label, const char *how)
{
    x->rows_mode = rows;
    x->res->orientation = rows ? "models-as-rows" : "models-as-columns";
    x->res->match_index = idx + 1;
    free(x->res->match_label);
    x->res->match_label = xstrdup(label);
    x->res->match_how = how;
    if (rows) {
        x->model_row = idx;
    } else {
        x->model_cols = xrealloc(x->model_cols, (x->nmodel_cols + 1) * sizeof(size_t));
        x->model_cols[x->nmodel_cols++] = idx;
    }
}

static bool
forced_model(struct ctx *x)
{
    struct buf l = BUF_INIT;

    if (x->o->model_col) {
        size_t c = x->o->model_col - 1;

        if (c >= x->C) {
            msg(x, ETAB_WARN, "--model-column %zu: the table has %zu columns", c + 1, x->C);
            return true;
        }
        model_part(x, c, &l);
        for (char *p = l.buf; (p = strchr(p, '\x1f'));)
            *p = p[1] ? ' ' : '\0';
        set_match(x, false, c, l.buf, "forced");
        x->role[c] = R_VALUE;
    } else if (x->o->model_row) {
        size_t r = x->o->model_row - 1;

        if (r < x->h1 || r >= x->R) {
            msg(x, ETAB_WARN, "--model-row %zu: rows %zu to %zu hold data", r + 1, x->h1 + 1, x->R);
            return true;
        }
        set_match(x, true, r, text(x, r, 0), "forced");
    } else {
        return false;
    }
    buf_release(&l);
    return true;
}

/* Describe the matched labels for an "ambiguous" message. */
static void
list_cands(const struct cand *cds, size_t n, struct buf *out)
{
    for (size_t i = 0; i < n && i < 4; i++)
        buf_addf(out, "%s'%s'", i ? ", " : "", cds[i].label);
    if (n > 4)
        buf_addf(out, " and %zu more", n - 4);
}

/* Find the model's column(s) or row by name; false when no label names it. */
static bool
find_model(struct ctx *x)
{
    struct cand *cds = xcalloc(x->C + x->R, sizeof(*cds)), *best = NULL;
    size_t n = 0, nbest = 0;
    enum label_match top = LM_NONE;
    bool cols = false, rows = false, found = true;

    for (size_t c = 0; c < x->C; c++)
        if (x->role[c] == R_VALUE)
            match_column(x, c, &cds[n++]);
    for (size_t r = x->d0; r < x->R; r++)
        match_row(x, r, &cds[n++]);
    for (size_t i = 0; i < n; i++)
        if (cds[i].m > top)
            top = cds[i].m;
    for (size_t i = 0; i < n; i++)
        if (top && cds[i].m == top) {
            cds[nbest++] = cds[i];
            cols |= cds[nbest - 1].is_col;
            rows |= !cds[nbest - 1].is_col;
        }
    best = cds;
    if (!top) {
        found = false;
    } else if (nbest == 1 ||
               (cols && !rows && top != LM_SELF && same_model_columns(x, best, nbest))) {
        for (size_t i = 0; i < nbest; i++)
            set_match(x, !best[i].is_col, best[i].idx, best[i].label, how_names[top]);
    } else {
        struct buf l = BUF_INIT;

        list_cands(best, nbest, &l);
        msg(x, ETAB_WARN, "'%s' matches %s %s (ambiguous); choose one with %s",
            x->o->names->shown ? x->o->names->shown : "?", rows && !cols ? "rows" : "labels", l.buf,
            rows ? "--model-row" : "--model-column");
        buf_release(&l);
    }
    free(cds);
    return found;
}

/* Generic header of a single model's value column: "Score", "Value (%)", "EM", "5-shot", "". */
static bool
generic_column(const struct ctx *x, size_t c)
{
    const struct levels *l = &x->lev[c];
    char buf[32];

    for (size_t i = 0; i < l->n; i++) {
        enum label_class cls = label_classify(l->lv[i]);
        struct blabel b;

        if (l->qual[i] || cls == LC_VALUE || cls == LC_SELF)
            continue;
        label_parse_bench(l->lv[i], &b);
        if (bench_metric(b.name, buf, sizeof(buf)) || label_classify(b.name) == LC_VALUE)
            continue;
        return false;
    }
    return true;
}

/* Value columns whose header names a known benchmark. */
static size_t
column_hits(const struct ctx *x)
{
    size_t n = 0;

    for (size_t c = 0; c < x->C; c++)
        for (size_t i = 0; i < x->lev[c].n; i++)
            if (x->role[c] == R_VALUE && !x->lev[c].qual[i] && known_bench(x->lev[c].lv[i])) {
                n++;
                break;
            }
    return n;
}

/*
 * A single-model table under a heading or caption that names the card's base
 * model (and not the card's own): its numbers are the base model's.
 */
static bool
about_other_model(struct ctx *x)
{
    const char *where = x->g->heading;

    if (!label_names_other_mentioned(x->o->names, where)) {
        where = x->g->caption;
        if (!label_names_other_mentioned(x->o->names, where))
            return false;
    }
    msg(x, ETAB_WARN,
        "the table has no model label and its heading '%s' names another model; "
        "not read",
        where);
    return true;
}

/*
 * A quantized copy (GGUF, AWQ, ...) carries the original's README: a table
 * without model labels gives the original model's numbers, not the copy's.
 */
static bool
copy_of_other(struct ctx *x)
{
    if (!x->o->copy_of)
        return false;
    msg(x, ETAB_WARN,
        "the card is a quantized copy of '%s' and the table has no model label; "
        "not read",
        x->o->copy_of);
    return true;
}

/* Rows with a number in a value column. */
static size_t
numeric_rows(const struct ctx *x, size_t *last)
{
    size_t n = 0;

    for (size_t r = x->d0; r < x->R; r++)
        for (size_t c = 0; c < x->C; c++)
            if (x->role[c] == R_VALUE && is_num_kind(kind(x, r, c))) {
                n++;
                *last = r;
                break;
            }
    return n;
}

/*
 * No label names the model: take the table as the card's own when its layout
 * leaves no other reading ("Benchmark | Score", lm-eval output, a single row
 * of benchmarks). True when the table was recognised (even if then refused).
 */
static bool
single_model(struct ctx *x)
{
    size_t nvalue = 0, hits = 0, nrows = 0, data_row = NONE;
    bool lmeval = x->metric_col != NONE && (x->stderr_col != NONE || x->filter_col != NONE);

    for (size_t c = 0; c < x->C; c++)
        nvalue += x->role[c] == R_VALUE;
    if (!nvalue)
        return false;
    if (x->bench_col != NONE) { /* benchmarks as rows, generic value columns */
        for (size_t c = 0; c < x->C; c++)
            if (x->role[c] == R_VALUE && !generic_column(x, c))
                return false;
        for (size_t r = x->d0; r < x->R; r++) {
            bool num = false;

            for (size_t c = 0; c < x->C; c++)
                num |= x->role[c] == R_VALUE && is_num_kind(kind(x, r, c));
            nrows += num;
            hits += num && cell_hit(x, r, x->bench_col);
        }
        if (!lmeval && (!hits || hits * 3 < nrows))
            return false;
        if (about_other_model(x) || copy_of_other(x))
            return true;
        for (size_t c = 0; c < x->C; c++)
            if (x->role[c] == R_VALUE)
                set_match(x, false, c, "", "single-model");
    } else { /* benchmarks as columns, one row of numbers without a model label */
        hits = column_hits(x);
        if (numeric_rows(x, &data_row) != 1 || !hits || x->nlabel)
            return false;
        if (about_other_model(x) || copy_of_other(x))
            return true;
        set_match(x, true, data_row, "", "single-model");
    }
    x->res->single_model = true;
    return true;
}

/* ---------------------------------------------------------------- reading values */

/* A value with its label, before the scale is decided. */
struct pending {
    struct blabel b;
    const char *label;  /* the label text the benchmark came from */
    const char *parent; /* lm-eval group of a sub-task, or NULL */
    const char *filter;
    size_t r, c;
    int part;
    struct cnum value;
    bool has_stderr;
    struct cnum stderr_;
};

static void
join_row_labels(const struct ctx *x, size_t r, const char *carried, struct buf *out)
{
    buf_reset(out);
    if (carried)
        buf_addstr(out, carried);
    for (size_t c = 0; c < x->nlabel; c++) {
        const char *t = text(x, r, c);

        if (*t && x->role[c] != R_IGNORE)
            buf_addf(out, "%s%s", out->len ? " | " : "", t);
    }
}

static void
join_levels(const struct ctx *x, size_t c, struct buf *out)
{
    const struct levels *l = &x->lev[c];

    buf_reset(out);
    for (size_t i = 0; i < l->n; i++)
        buf_addf(out, "%s%s", i ? " / " : "", l->lv[i]);
}

static void
add_score(struct ctx *x, const struct pending *p)
{
    struct etab_result *res = x->res;
    struct etab_score *s;
    const struct bench_entry *e = bench_find(p->parent ? p->parent : p->b.name);
    const struct tcell *cell = tgrid_cell(x->g, p->r, p->c);
    struct buf b = BUF_INIT;
    const char *carried = NULL;

    if (!x->rows_mode && x->bench_col != NONE && !*text(x, p->r, x->bench_col))
        carried = p->label; /* a continuation row: name the task it belongs to */
    ALLOC_GROW(res->scores, res->nscores + 1, res->alloc);
    s = &res->scores[res->nscores++];
    memset(s, 0, sizeof(*s));
    s->name = p->parent ? xstrfmt("%s / %s", p->parent, p->b.name) : xstrdup(p->b.name);
    s->dataset = xstrdup(e ? e->dataset : s->name);
    s->dataset_name = xstrdup(e && !p->parent ? e->name : s->name);
    s->config = e ? e->config : NULL;
    s->split = p->b.split[0] ? xstrdup(p->b.split) : e && e->split ? xstrdup(e->split) : NULL;
    s->metric = p->b.metric[0] ? xstrdup(p->b.metric) : e && e->metric ? xstrdup(e->metric) : NULL;
    if (p->filter && p->b.cot)
        s->mconfig = xstrfmt("%s,cot", p->filter);
    else if (p->filter || p->b.cot)
        s->mconfig = xstrdup(p->filter ? p->filter : "cot");
    s->shots = p->b.shots;
    s->task = e ? e->task : NULL;
    s->known = e != NULL;
    s->value = p->value;
    s->has_stderr = p->has_stderr;
    s->stderr_ = p->stderr_;
    s->scale = e ? e->scale : NULL; /* "raw" or NULL until decide_scales() */
    if (!s->scale && s->metric)
        s->scale = bench_metric_scale(s->metric);
    join_row_labels(x, p->r, carried, &b);
    s->row = buf_detach(&b, NULL);
    join_levels(x, p->c, &b);
    s->column = buf_detach(&b, NULL);
    s->cell = xstrdup(cell->raw);
    s->line = cell->line ? cell->line : x->g->rows[p->r].line;
    s->r = p->r;
    s->c = p->c;
    s->part = p->part;
    buf_release(&b);
}

/* Read the value in (r, c) for benchmark label `label` (already parsed into p->b). */
static void
read_cell(struct ctx *x, struct pending *p)
{
    const struct tcell *cell = tgrid_cell(x->g, p->r, p->c);
    struct cval v;
    struct blabel parts[CVAL_MAX_PARTS];

    celltext_value(cell->text, &v);
    if (v.kind == CVAL_EMPTY || v.kind == CVAL_MISSING)
        return;
    if (v.kind == CVAL_TEXT) {
        msg(x, ETAB_INFO, "'%s': '%s' is not a number", p->label, cell->text);
        return;
    }
    if (v.kind == CVAL_UNSURE ||
        (v.kind == CVAL_NUMBER && v.qual[0] && !label_qualifiers(v.qual, &p->b))) {
        msg(x, ETAB_WARN, "'%s': cannot read '%s'", p->label, cell->text);
        return;
    }
    if (cell->flags & TCELL_SPANS) {
        msg(x, ETAB_WARN, "'%s': value '%s' spans %u rows and %u columns; not taken", p->label,
            cell->text, cell->rowspan, cell->colspan);
        return;
    }
    if (v.kind == CVAL_PARTS) {
        if (label_split_parts(p->label, v.nparts, parts) < 0) {
            msg(x, ETAB_WARN, "'%s': cannot split '%s': the label does not say what each part is",
                p->label, cell->text);
            return;
        }
        for (size_t i = 0; i < v.nparts; i++) {
            struct pending q = *p;

            if (v.parts[i].missing)
                continue;
            q.b = parts[i];
            if (p->b.shots >= 0 && q.b.shots < 0)
                q.b.shots = p->b.shots;
            if (p->b.metric[0] && !q.b.metric[0])
                memcpy(q.b.metric, p->b.metric, sizeof(q.b.metric));
            q.b.cot |= p->b.cot;
            q.value = v.parts[i];
            q.part = (int)i;
            add_score(x, &q);
        }
        return;
    }
    if (label_has_parts(p->label)) {
        msg(x, ETAB_WARN, "'%s' names several values but the cell holds one ('%s'); not taken",
            p->label, cell->text);
        return;
    }
    p->value = v.num;
    if (v.has_stderr) {
        p->has_stderr = true;
        p->stderr_ = v.stderr_;
    }
    add_score(x, p);
}

/* Apply the header qualifiers of column c ("0-shot" under the model name) to b. */
static void
column_qualifiers(const struct ctx *x, size_t c, struct blabel *b)
{
    const struct levels *l = &x->lev[c];

    for (size_t i = 0; i < l->n; i++)
        if (l->qual[i])
            label_qualifiers(l->lv[i], b);
}

/* Qualifiers from the metric, shots and filter columns of row r. */
static void
row_qualifiers(const struct ctx *x, size_t r, struct pending *p)
{
    char buf[32];

    if (x->metric_col != NONE) {
        const char *m = bench_metric(text(x, r, x->metric_col), buf, sizeof(buf));

        if (m)
            snprintf(p->b.metric, sizeof(p->b.metric), "%s", m);
    }
    if (x->shots_col != NONE) {
        const char *t = text(x, r, x->shots_col);

        if (is_integer(t))
            p->b.shots = strtol(t, NULL, 10);
        else if (*t)
            label_qualifiers(t, &p->b);
    }
    if (x->filter_col != NONE) {
        const char *f = text(x, r, x->filter_col);

        if (*f && strcasecmp(f, "none"))
            p->filter = f;
    }
}

/* lm-eval prints the standard error in its own column. */
static void
stderr_column(const struct ctx *x, size_t r, struct pending *p)
{
    struct cval v;

    if (x->stderr_col == NONE || x->nmodel_cols != 1)
        return;
    celltext_value(text(x, r, x->stderr_col), &v);
    if (v.kind == CVAL_NUMBER && !v.qual[0]) {
        p->has_stderr = true;
        p->stderr_ = v.num;
    }
}

/* A markdown row with more or fewer cells than the header: its values may sit in the wrong columns.
 */
static bool
ragged(struct ctx *x, size_t r, const char *label)
{
    size_t n = x->g->rows[r].src_cells;
    bool data = false;

    if (x->g->format != TGRID_MARKDOWN || !n || n == x->C)
        return false;
    for (size_t c = x->nlabel; c < x->C; c++)
        data |= *text(x, r, c) != '\0';
    if (n < x->C && !data)
        return false; /* "| **Reasoning** |": a group row written short */
    msg(x, ETAB_ERROR, "row '%s' has %zu cells, the header has %zu; its values were not read",
        label, n, x->C);
    return true;
}

/* A label that is a number or a quantity ("1T", "500B", "2024-01"), not a benchmark. */
static bool
quantity_label(const char *t)
{
    struct cval v;
    size_t letters = 0;

    for (const char *p = t; *p; p++)
        letters += isalpha((unsigned char)*p) || (unsigned char)*p >= 0x80;
    if (!letters)
        return true;
    celltext_value(t, &v);
    if (v.kind == CVAL_NUMBER || v.kind == CVAL_PARTS || v.kind == CVAL_UNSURE)
        return true;
    return isdigit((unsigned char)t[0]) && letters <= 2 && !strchr(t, ' ');
}

static bool
skip_label(const char *t)
{
    enum label_class cls = label_classify(t);

    return cls == LC_NONSCORE || cls == LC_AVERAGE || cls == LC_VALUE || cls == LC_MODEL ||
           cls == LC_SELF || cls == LC_SHOTS || cls == LC_METRIC || cls == LC_STDERR ||
           quantity_label(t);
}

/* Models as columns: one benchmark per data row. */
static void
read_rows(struct ctx *x)
{
    const char *prev = NULL;
    char parent[sizeof(((struct blabel *)0)->name)] = "";
    bool parent_known = false;

    if (x->bench_col == NONE) {
        msg(x, ETAB_WARN, "no column names the benchmarks");
        return;
    }
    if (!x->o->model_col && !bench_hits(x, x->bench_col) &&
        column_class(x, x->bench_col) != LC_BENCH && x->metric_col == NONE) {
        msg(x, ETAB_WARN,
            "no row names a known benchmark and no header says the rows are "
            "benchmarks; not read (force with --table and --model-column)");
        return;
    }
    for (size_t r = x->d0; r < x->R; r++) {
        const char *label = text(x, r, x->bench_col);
        bool values = false;
        struct pending p = { .r = r, .part = -1 };

        for (size_t i = 0; i < x->nmodel_cols; i++)
            values |= kind(x, r, x->model_cols[i]) != CVAL_EMPTY;
        if (!*label) {
            bool qualified = x->metric_col != NONE || x->filter_col != NONE || x->shots_col != NONE;

            if (!prev || !qualified) {
                if (values)
                    msg(x, ETAB_INFO, "row %zu has values but no benchmark name", r + 1);
                continue;
            }
            label = prev; /* lm-eval continuation row: same task, next metric */
        }
        if (ragged(x, r, label) || !values)
            continue;
        prev = label;
        label_parse_bench(label, &p.b);
        if (!p.b.subtask) {
            snprintf(parent, sizeof(parent), "%s", p.b.name);
            parent_known = p.b.name[0] && bench_find(p.b.name);
        } else if (parent[0] && parent_known) {
            p.parent = parent; /* "mmlu" then "- humanities": MMLU's dataset */
        } else if (parent[0]) {
            char child[sizeof(p.b.name)];

            snprintf(child, sizeof(child), "%s", p.b.name);
            snprintf(p.b.name, sizeof(p.b.name), "%.90s / %.90s", parent, child);
        }
        if (!p.b.name[0] || skip_label(label))
            continue;
        p.label = label;
        row_qualifiers(x, r, &p);
        stderr_column(x, r, &p);
        for (size_t i = 0; i < x->nmodel_cols; i++) {
            struct pending q = p;

            q.c = x->model_cols[i];
            column_qualifiers(x, q.c, &q.b);
            read_cell(x, &q);
        }
    }
}

/* Models as rows: one benchmark per value column. */
static void
read_columns(struct ctx *x)
{
    size_t r = x->model_row;
    struct buf label = BUF_INIT;

    if (ragged(x, r, *text(x, r, 0) ? text(x, r, 0) : "?"))
        return;
    if (!x->o->model_row && !column_hits(x) && (!x->nlabel || column_class(x, 0) != LC_MODEL)) {
        msg(x, ETAB_WARN,
            "no column names a known benchmark and no header says the columns "
            "are benchmarks; not read (force with --table and --model-row)");
        return;
    }
    for (size_t c = 0; c < x->C; c++) {
        const struct levels *l = &x->lev[c];
        const char *bottom = NULL, *hit = NULL;
        struct pending p = { .r = r, .c = c, .part = -1 };

        if (x->role[c] != R_VALUE)
            continue;
        for (size_t i = 0; i < l->n; i++) {
            if (l->qual[i])
                continue;
            bottom = l->lv[i];
            if (known_bench(bottom))
                hit = bottom;
        }
        if (!bottom || skip_label(bottom))
            continue;
        buf_reset(&label);
        if (hit && hit != bottom && !known_bench(bottom))
            buf_addf(&label, "%s %s", hit, bottom);
        else
            buf_addstr(&label, bottom);
        for (size_t i = 0; i < l->n; i++)
            if (l->qual[i])
                buf_addf(&label, " (%s)", l->lv[i]);
        p.label = label.buf;
        label_parse_bench(label.buf, &p.b);
        if (!p.b.name[0])
            continue;
        read_cell(x, &p);
    }
    buf_release(&label);
}

/* ---------------------------------------------------------------- scale */

/* s contains w, ignoring case. */
static bool
has_word(const char *s, const char *w)
{
    size_t n = strlen(w);

    for (; *s; s++)
        if (!strncasecmp(s, w, n))
            return true;
    return false;
}

struct series {
    double max;
    int decimals;
    bool percent, negative, all_int;
};

static void
series_add(struct series *s, const struct tcell *cell, int part)
{
    struct cval v;
    const struct cnum *n;

    celltext_value(cell->text, &v);
    if (v.kind == CVAL_PARTS && part >= 0 && (size_t)part < v.nparts)
        n = &v.parts[part];
    else if (v.kind == CVAL_NUMBER && part < 0)
        n = &v.num;
    else
        return;
    if (n->missing)
        return;
    s->max = fabs(n->v) > s->max ? fabs(n->v) : s->max;
    s->decimals = n->decimals > s->decimals ? n->decimals : s->decimals;
    s->percent |= n->percent;
    s->negative |= n->v < 0;
    s->all_int &= n->is_int;
}

/* The values of every model for the benchmark of score s. */
static void
series_of(const struct ctx *x, const struct etab_score *s, struct series *out)
{
    memset(out, 0, sizeof(*out));
    out->all_int = true;
    if (x->rows_mode) {
        for (size_t r = x->d0; r < x->R; r++)
            series_add(out, tgrid_cell(x->g, r, s->c), s->part);
    } else {
        for (size_t c = 0; c < x->C; c++)
            if (x->role[c] == R_VALUE)
                series_add(out, tgrid_cell(x->g, s->r, c), s->part);
    }
    out->percent |= s->value.percent;
    if (strchr(s->column, '%') || strstr(s->row, "(%)"))
        out->percent = true;
}

/*
 * percent: a '%' anywhere in the series or its label, or values above 1;
 * fraction: all values at most 1, unless the table writes other scores on a
 * 0-100 scale (then only with 3 or more decimals, "0.6459"; otherwise it is
 * reported as unclear); raw: the benchmark or metric is not a proportion, or
 * values above 100.
 */
static void
decide_scales(struct ctx *x)
{
    struct etab_result *res = x->res;
    struct series *all = xcalloc(res->nscores + 1, sizeof(*all));
    bool table_percent = false;
    size_t kept = 0;

    for (size_t i = 0; i < res->nscores; i++) {
        series_of(x, &res->scores[i], &all[i]);
        if (!res->scores[i].scale && (all[i].percent || (all[i].max > 1 && all[i].max <= 100)))
            table_percent = true;
    }
    for (size_t i = 0; i < res->nscores; i++) {
        struct etab_score *sc = &res->scores[i];
        struct series s = all[i];

        if (!sc->known && s.all_int && s.max > 100 && !has_word(sc->name, "elo") &&
            !has_word(sc->name, "rating")) {
            /* 4096, 11008, 32000 under an unknown name: a size or a count, not a score */
            msg(x, ETAB_INFO, "'%s': whole numbers up to %g are not read as a score", sc->name,
                s.max);
            score_release(sc);
            continue;
        }
        if (sc->scale)
            ; /* raw by benchmark or metric */
        else if (s.percent)
            sc->scale = "percent";
        else if (s.negative)
            sc->scale = NULL;
        else if (s.max > 100)
            sc->scale = "raw";
        else if (s.max > 1)
            sc->scale = "percent";
        else if (!table_percent || s.decimals >= 3)
            sc->scale = "fraction";
        if (!sc->scale) {
            msg(x, ETAB_WARN, "scale of '%s' is unclear (values up to %g%s); not taken", sc->name,
                s.max, s.negative ? ", some negative" : " in a table on a 0-100 scale");
            score_release(sc);
            continue;
        }
        res->scores[kept++] = *sc;
    }
    res->nscores = kept;
    free(all);
}

/* ---------------------------------------------------------------- duplicates */

static void
score_release(struct etab_score *s)
{
    free(s->name);
    free(s->dataset);
    free(s->dataset_name);
    free(s->split);
    free(s->metric);
    free(s->mconfig);
    free(s->row);
    free(s->column);
    free(s->cell);
}

struct keyed {
    char *key;
    size_t i;
};

static int
cmp_keyed(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);

    return c ? c : x->i < y->i ? -1 : x->i > y->i;
}

/* What makes two scores the same measurement. */
static char *
score_key(const struct etab_score *s)
{
    return xstrfmt("%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%ld", s->name, s->dataset,
                   s->config ? s->config : "", s->split ? s->split : "", s->metric ? s->metric : "",
                   s->mconfig ? s->mconfig : "", s->shots);
}

/* Two values for one key: identical ones are kept once, different ones both dropped. */
static void
drop_duplicates(struct ctx *x)
{
    struct etab_result *res = x->res;
    struct keyed *k = xcalloc(res->nscores + 1, sizeof(*k));
    bool *drop = xcalloc(res->nscores + 1, sizeof(bool));
    size_t kept = 0;

    for (size_t i = 0; i < res->nscores; i++)
        k[i] = (struct keyed){ score_key(&res->scores[i]), i };
    qsort(k, res->nscores, sizeof(*k), cmp_keyed);
    for (size_t a = 0, b; a < res->nscores; a = b) {
        const struct etab_score *first = &res->scores[k[a].i];
        bool differ = false;

        for (b = a + 1; b < res->nscores && !strcmp(k[a].key, k[b].key); b++) {
            drop[k[b].i] = true;
            differ |= res->scores[k[b].i].value.v != first->value.v;
        }
        if (differ) {
            drop[k[a].i] = true;
            msg(x, ETAB_WARN, "'%s' has different values ('%s', '%s'); none taken", first->name,
                first->cell, res->scores[k[a + 1].i].cell);
        }
    }
    for (size_t i = 0; i < res->nscores; i++) {
        free(k[i].key);
        if (drop[i])
            score_release(&res->scores[i]);
        else
            res->scores[kept++] = res->scores[i];
    }
    res->nscores = kept;
    free(k);
    free(drop);
}

/* ---------------------------------------------------------------- entry */

static void
summarize(struct ctx *x)
{
    size_t hits = 0;

    for (size_t r = x->d0; r < x->R; r++)
        for (size_t c = 0; c < x->C; c++) {
            enum cval_kind k = kind(x, r, c);

            x->res->data_cells += k != CVAL_EMPTY;
            x->res->numeric_cells += is_num_kind(k);
        }
    if (x->bench_col != NONE)
        hits += bench_hits(x, x->bench_col);
    for (size_t c = 0; c < x->C; c++)
        hits += x->lev[c].n && known_bench(x->lev[c].lv[x->lev[c].n - 1]) != NULL;
    x->res->header_rows = x->d0 - x->h0;
    x->res->label_cols = x->nlabel;
    x->res->data_row = x->d0;
    x->res->columns = xcalloc(x->C, sizeof(char *));
    x->res->ncolumns = x->C;
    for (size_t c = 0; c < x->C; c++) {
        struct buf b = BUF_INIT;

        join_levels(x, c, &b);
        x->res->columns[c] = buf_detach(&b, NULL);
    }
    x->res->looks_like_eval = hits > 0 && x->res->numeric_cells * 4 >= x->res->data_cells;
}

static void
no_match_message(struct ctx *x)
{
    struct buf l = BUF_INIT;
    size_t n = 0;

    for (size_t c = 0; c < x->C && n < 4; c++)
        if (x->role[c] == R_VALUE && x->lev[c].n) {
            buf_addf(&l, "%s'%s'", n++ ? ", " : "", x->lev[c].lv[x->lev[c].n - 1]);
        }
    if (!n && x->nlabel)
        for (size_t r = x->d0; r < x->R && n < 4; r++)
            if (*text(x, r, 0))
                buf_addf(&l, "%s'%s'", n++ ? ", " : "", text(x, r, 0));
    msg(x, x->res->looks_like_eval ? ETAB_WARN : ETAB_INFO,
        "no column or row matches '%s' (labels: %s); use --model-name, --model-column or "
        "--model-row",
        x->o->names->shown ? x->o->names->shown : "?", n ? l.buf : "none");
    buf_release(&l);
}

void
evaltable_extract(const struct tgrid *g, const struct etab_opts *o, struct etab_result *res)
{
    struct ctx x = { .g = g, .o = o, .res = res, .R = g->nrows, .C = g->ncols };

    if (x.R < 2 || x.C < 2)
        return;
    x.role = xcalloc(x.C, sizeof(*x.role));
    x.lev = xcalloc(x.C, sizeof(*x.lev));
    x.shots_sub = xcalloc(x.C, sizeof(*x.shots_sub));
    x.kind = xcalloc(x.R * x.C, 1);
    x.hit = xmalloc(x.R * x.C);
    memset(x.hit, -1, x.R * x.C);
    find_header(&x);
    x.d0 = x.h1;
    for (size_t r = x.h1; r < x.R; r++)
        for (size_t c = 0; c < x.C; c++) {
            struct cval v;

            celltext_value(text(&x, r, c), &v);
            x.kind[r * x.C + c] = (unsigned char)v.kind;
        }
    find_subheaders(&x);
    column_levels(&x);
    assign_roles(&x);
    find_special_columns(&x);
    summarize(&x);
    if (forced_model(&x) || find_model(&x) || single_model(&x)) {
        if (x.rows_mode)
            read_columns(&x);
        else if (x.nmodel_cols)
            read_rows(&x);
        decide_scales(&x);
        drop_duplicates(&x);
    } else {
        no_match_message(&x);
    }
    for (size_t c = 0; c < x.C; c++)
        free(x.shots_sub[c]);
    free(x.shots_sub);
    free(x.role);
    free(x.lev);
    free(x.kind);
    free(x.hit);
    free(x.model_cols);
}

void
etab_result_release(struct etab_result *res)
{
    for (size_t i = 0; i < res->nscores; i++)
        score_release(&res->scores[i]);
    free(res->scores);
    for (size_t i = 0; i < res->nmsgs; i++)
        free(res->msgs[i].text);
    free(res->msgs);
    for (size_t i = 0; i < res->ncolumns; i++)
        free(res->columns[i]);
    free(res->columns);
    free(res->match_label);
    memset(res, 0, sizeof(*res));
}

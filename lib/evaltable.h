/*
 * evaltable — the scores of one model in one table.
 *
 * Given a grid (lib/tgrid) and the names of the card's model, find where the
 * model is (a column of a models-as-columns table, a row of a models-as-rows
 * table, or the value column of a single-model "Benchmark | Score" or
 * lm-evaluation-harness table), then read its value for each benchmark:
 * label qualifiers (shot counts, CoT, metric, split), compound cells, error
 * bars, missing marks, and the scale the table is written in. Anything it
 * cannot read for certain becomes a message instead of a score.
 *
 * The result owns its strings; release it with etab_result_release().
 */
#ifndef EVALPIPE_EVALTABLE_H
#define EVALPIPE_EVALTABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/celltext.h"
#include "lib/label.h"
#include "lib/tgrid.h"

struct etab_opts {
    const struct label_names *names;
    size_t model_col;    /* 1-based column forced by the user, 0 = find it */
    size_t model_row;    /* 1-based row forced by the user, 0 = find it */
    const char *copy_of; /* the card is a quantized copy of this model: no single-model tables */
};

struct etab_score {
    char *name;         /* metric.name: the benchmark as written, qualifiers removed */
    char *dataset;      /* dataset.type: Hub id, or the name when unknown */
    char *dataset_name; /* dataset.name */
    const char *config; /* static (lib/bench) or NULL */
    char *split;        /* or NULL */
    char *metric;       /* metric.type or NULL */
    char *mconfig;      /* metric.config ("cot", an lm-eval filter) or NULL */
    long shots;         /* -1 when not written */
    const char *task;   /* the benchmark's default task type or NULL (static) */
    struct cnum value;
    bool has_stderr;
    struct cnum stderr_;
    const char *scale;         /* "percent", "fraction" or "raw" */
    char *row, *column, *cell; /* origin: row label, column label, raw cell text */
    size_t line;
    /* internal: where the value came from, for the scale decision */
    size_t r, c;
    int part;
    bool known; /* the benchmark is in lib/benchmarks.tsv */
};

enum etab_level { ETAB_INFO, ETAB_WARN, ETAB_ERROR };

struct etab_msg {
    enum etab_level level;
    char *text;
};

struct etab_result {
    struct etab_score *scores;
    size_t nscores, alloc;
    struct etab_msg *msgs;
    size_t nmsgs, msgs_alloc;
    /* what was found, for --inspect */
    const char *orientation; /* "models-as-columns", "models-as-rows" or NULL */
    bool single_model;       /* the model was taken from a single-model layout, not a name */
    size_t match_index;      /* 1-based column or row of the model, 0 when none */
    char *match_label;
    const char *match_how; /* "link", "exact", "tokens", "self", "forced", "single-model" */
    size_t data_cells, numeric_cells;
    size_t header_rows, label_cols;
    size_t data_row; /* first data row (0-based) */
    char **columns;  /* each column's header levels joined with " / " */
    size_t ncolumns;
    bool looks_like_eval; /* numbers and benchmark names: worth a warning when unmatched */
};

#define ETAB_RESULT_INIT \
    {                    \
        0                \
    }

void evaltable_extract(const struct tgrid *g, const struct etab_opts *o, struct etab_result *res);
void etab_result_release(struct etab_result *res);

#endif

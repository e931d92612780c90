/*
 * scorer — one evaluation: documents of a task in, lm-eval's numbers out.
 * For each document (in input order, the first `limit`), few-shot examples
 * are drawn, the prompt is built, requests are tokenised and run on a struct
 * lm, and the per-document metrics are computed; then the task's aggregates
 * (mean and stderr), and for MMLU the per-subject, per-category and overall
 * size-weighted results with lm-eval's pooled stderr.
 *
 * The caller owns the documents; results are returned in a struct
 * scorer_result (scorer_result_release() frees it). Per-document problems go
 * to the on_error callback and the document is left out; per-document
 * details go to on_sample as new `sample` records.
 */
#ifndef EVALPIPE_EVAL_SCORER_H
#define EVALPIPE_EVAL_SCORER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/eval/lm.h"
#include "lib/eval/tasks.h"
#include "lib/msg.h"

struct scorer_opts {
    const struct task *task;
    const struct task_columns *cols; /* the generic task's columns */
    int num_fewshot;                 /* -1 = the task's default */
    long limit;                      /* -1 = all; per subject for MMLU, as lm-eval */
    unsigned long long seed;         /* few-shot sampler seed */
    bool details;                    /* call on_sample */
    void (*on_error)(void *arg, const struct task_doc *d, const char *msg);
    void (*on_sample)(void *arg, const struct task_doc *d, json_t *sample); /* steals */
    void *arg;
};

/* One aggregated metric of one (sub)task. */
struct scorer_score {
    char *task;         /* "hellaswag", "mmlu_anatomy", "mmlu_stem", "mmlu" */
    char *subject;      /* MMLU subject or category, else NULL */
    const char *metric; /* "acc", "acc_norm", "exact_match" */
    const char *filter; /* "strict-match", "flexible-extract", or NULL */
    double value, stderr_; /* stderr_ < 0: not defined (n < 2) */
    size_t n;
    bool group;         /* an aggregate over subtasks */
};

struct scorer_result {
    struct scorer_score *v;
    size_t n, alloc;
    size_t n_docs;      /* documents scored */
    int num_fewshot;
};

/*
 * Score docs[0..n_docs) with few-shot pool shots[0..n_shots). Returns 0, or
 * -1 with err set when the whole evaluation cannot run (no documents, the
 * backend fails).
 */
int scorer_run(struct lm *lm, const struct scorer_opts *o, struct task_doc **docs, size_t n_docs,
               struct task_doc **shots, size_t n_shots, struct scorer_result *res,
               struct ep_err *err);

void scorer_result_release(struct scorer_result *res);

#endif

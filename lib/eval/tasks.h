/*
 * tasks — the benchmarks eval-gpu knows, as lm-evaluation-harness v0.4.13
 * defines them (the YAML files under lm_eval/tasks): dataset, splits, few-shot sampler,
 * how a dataset row becomes a document (doc_to_text / doc_to_choice /
 * doc_to_target), and which metrics it reports. A generic multiple-choice
 * task takes its columns from a struct task_columns.
 *
 * Task definitions are static. A struct task_doc owns its strings and a
 * reference to the row it came from; task_doc_release() frees them.
 */
#ifndef EVALPIPE_EVAL_TASKS_H
#define EVALPIPE_EVAL_TASKS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/msg.h"

enum task_output {
    TASK_MC,          /* one context, one continuation per choice */
    TASK_MC_MULTI_IN, /* one context per choice, one shared continuation (winogrande) */
    TASK_GEN          /* greedy generation until a stop sequence (gsm8k) */
};

enum task_sampler {
    SAMPLER_DEFAULT, /* Random(seed).sample(pool, n), shared by all docs in order */
    SAMPLER_FIRST_N  /* the first n docs of the few-shot split */
};

enum task_metric {
    MET_ACC = 1 << 0,
    MET_ACC_NORM = 1 << 1,
    MET_MC2 = 1 << 2,   /* reported as acc: truthfulqa_mc2's probability mass */
    MET_EXACT = 1 << 3, /* exact_match, strict-match and flexible-extract */
};

/* A document: what lm-eval's doc_to_* functions make of one row. */
struct task_doc {
    char *query;     /* doc_to_text (the question part; NULL for TASK_MC_MULTI_IN) */
    char **choices;  /* doc_to_choice; for TASK_MC_MULTI_IN the per-choice contexts */
    size_t n_choices;
    int gold;        /* gold choice index */
    char *target;    /* text target: TASK_GEN's answer, TASK_MC_MULTI_IN's continuation */
    int *labels;     /* truthfulqa_mc2's labels (n_choices), else NULL */
    char *subject;   /* mmlu: the subject (selects description and few-shot pool) */
    json_t *row;     /* the row the doc came from (a reference) */
    long long index; /* the row's index in its split (-1 when unknown), for messages */
    size_t line;     /* the input line it came from (0 when unknown) */
};

/* Columns of the generic multiple-choice task (lm-eval YAML semantics). */
struct task_columns {
    const char *text;     /* doc_to_text: a column name, or a template with {{path}} */
    const char *choices;  /* doc_to_choice: path of a list of strings */
    const char *label;    /* doc_to_target: path of an int index, digit string or choice text */
    const char *label_in; /* optional path of a list: gold = position of label in it */
};

struct task;

/* Per-doc parser: fill d from row (borrowed). -1 with err naming the column. */
typedef int (*task_parse_fn)(const struct task *t, const struct task_columns *cols,
                             const json_t *row, struct task_doc *d, struct ep_err *err);

struct task {
    const char *name;       /* lm-eval's task name */
    const char *dataset;    /* Hub dataset id */
    const char *config;     /* dataset config, or NULL */
    const char *eval_split; /* the split lm-eval scores */
    const char *fewshot_split;
    enum task_output output;
    enum task_sampler sampler;
    bool exclude_eval_doc; /* lm-eval drops docs equal to the evaluated one from the shots */
    int default_fewshot;   /* num_fewshot when the user gives none */
    unsigned metrics;      /* enum task_metric bits */
    const char *format;    /* the prompt format, as text: hashed into score records */
    task_parse_fn parse;
};

/* The built-in task called name ("generic" included), or NULL. */
const struct task *task_find(const char *name);

/* Names of all tasks, NULL-terminated (for usage and errors). */
const char *const *task_names(void);

/* Parse a row (borrowed) into d (zeroed first). Returns 0, or -1 with err set. */
int task_doc_parse(const struct task *t, const struct task_columns *cols, const json_t *row,
                   struct task_doc *d, struct ep_err *err);

void task_doc_release(struct task_doc *d);

/*
 * The text before the few-shot examples (lm-eval's description): MMLU's
 * "The following are multiple choice questions (with answers) about
 * SUBJECT.\n\n", else "". Appends to out.
 */
struct buf;
void task_description(const struct task *t, const struct task_doc *d, struct buf *out);

/* MMLU: the 57 subjects in lm-eval's group order, and each one's category. */
extern const char *const task_mmlu_subjects[];
extern const size_t task_mmlu_n_subjects;
const char *task_mmlu_category(const char *subject);

/*
 * Render a doc_to_text template: {{path}} is replaced by the value at path
 * (name, .name, [index]) of row: strings as they are, integers in decimal.
 * A template without "{{" names a column. -1 with err when a value is missing.
 */
int task_render(const char *tmpl, const json_t *row, struct buf *out, struct ep_err *err);

#endif

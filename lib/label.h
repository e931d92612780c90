/*
 * label — reading the labels of a table: is this header or row label the
 * card's own model, what benchmark (and which shot count, metric, split) does
 * a label name, and what kind of column is this (scores, parameter counts,
 * standard errors, ...).
 *
 * Model names are compared "squashed": lower case, letters and digits only
 * (markdown, emoji, footnote marks, '-', '_', '.', spaces gone), so
 * "**Qwen2.5 7B Instruct**" equals "Qwen2.5-7B-Instruct", while near-identical
 * names ("Foo" and "Foo-Plus", "Foo-7B" and "Foo-7B-Instruct") stay apart.
 */
#ifndef EVALPIPE_LABEL_H
#define EVALPIPE_LABEL_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"

#define LABEL_MAX_NAMES 8

/* The names the card's model goes by. */
struct label_names {
    char *repo;                    /* "org/name" or NULL */
    char *squash[LABEL_MAX_NAMES]; /* squashed names */
    char *tokens[LABEL_MAX_NAMES]; /* the words of each name, sorted, space-separated */
    char *shown;                   /* the first name, for messages */
    size_t n;
    char *others[LABEL_MAX_NAMES]; /* squashed names of other models (base models) */
    size_t nothers;
};

/*
 * Set up the names: when `forced` is not NULL it is the only name (besides a
 * link to `repo`); otherwise the repo's name, the full repo id, and the
 * `extra` names (metadata model_name, model-index name). Release with
 * label_names_release().
 */
void label_names_init(struct label_names *n, const char *repo, const char *forced,
                      const char *const *extra, size_t nextra);
void label_names_release(struct label_names *n);

/* Add the name of another model the card talks about (its base model): "org/name" or "name". */
void label_names_add_other(struct label_names *n, const char *name);

/*
 * When running text (a heading, a caption) names one of the other models but
 * not the card's own, return that other name (squashed); else NULL.
 */
const char *label_names_other_mentioned(const struct label_names *n, const char *text);

enum label_match {
    LM_NONE = 0,
    LM_SELF,   /* "Ours", "This model": no name, only a self reference */
    LM_TOKENS, /* the same words in another order */
    LM_EXACT,  /* equal once squashed (with or without the org part) */
    LM_LINK,   /* a link to the card's own repo on huggingface.co */
};

/* How well the label `text` (cleaned), with link target `href` (may be NULL), names the model. */
enum label_match label_match(const struct label_names *n, const char *text, const char *href);

/* Append the squashed form of s to out (self references such as "(ours)" removed). */
void label_squash(struct buf *out, const char *s);

/* A benchmark label taken apart: "GSM8K (8-shot, CoT)" -> name "GSM8K", shots 8, cot. */
struct blabel {
    char name[192]; /* what is left once qualifiers and marks are removed */
    long shots;     /* -1 when not written */
    bool cot;
    char metric[40]; /* metric type ("" when not written) */
    char split[16];  /* "test", "validation", ... ("" when not written) */
    bool percent;    /* "(%)" */
    bool subtask;    /* an lm-eval sub-task row: "- humanities" */
};

/* Parse a cleaned label. Never fails; an empty name means the label held only qualifiers. */
void label_parse_bench(const char *text, struct blabel *b);

/*
 * If all of `text` is qualifiers ("5-shot", "pass@1", "8-shot CoT", "test",
 * "%"), add them to b and return true; otherwise leave b alone.
 */
bool label_qualifiers(const char *text, struct blabel *b);

/*
 * A label that names `nparts` values at once: "SQuAD (EM/F1)", "HumanEval/MBPP",
 * "MMLU (0-shot/5-shot)". On success fills parts[0, nparts) and returns 0;
 * -1 when the label does not say what each part is.
 */
int label_split_parts(const char *text, size_t nparts, struct blabel *parts);

/* True when text has a '/'-group that label_split_parts() could split in some number of parts. */
bool label_has_parts(const char *text);

/* What a header or label word says about its column or row. */
enum label_class {
    LC_NONE,
    LC_MODEL,    /* "Model", "模型" */
    LC_BENCH,    /* "Benchmark", "Task", "Dataset" */
    LC_CATEGORY, /* "Category", "Type", "Domain" */
    LC_METRIC,   /* "Metric" */
    LC_SHOTS,    /* "# Shots", "n-shot" */
    LC_FILTER,   /* "Filter" */
    LC_VERSION,  /* "Version" */
    LC_STDERR,   /* "Stderr", "Std. err." */
    LC_PM,       /* "±" */
    LC_VALUE,    /* "Score", "Value", "Result", "Accuracy" */
    LC_AVERAGE,  /* "Average", "Avg.", "平均" */
    LC_NONSCORE, /* "Params", "Size", "Tokens", "Context", "Speed", "Memory", ... */
    LC_SELF,     /* "Ours", "This model" */
};

enum label_class label_classify(const char *text);

#endif

/*
 * evallog — the scores in the result files of evaluation frameworks:
 * lighteval results JSON, lm-evaluation-harness results JSON, and inspect-ai
 * logs (.json, or the header of a .eval archive, read with lib/zipdir).
 *
 * A log is read into a neutral list of scores that keeps the log's own names
 * (task, metric, filter) next to the values; mapping them to Hub datasets is
 * the caller's business (lib/bench). inspect-ai's "std" and "var" metrics
 * describe the spread of sample scores, not the model, and are left out.
 * Python's bare NaN/Infinity are accepted
 * (lib/pyjson) and such values are skipped, never turned into numbers. An
 * evallog owns all its strings; release it with evallog_release().
 */
#ifndef EVALPIPE_EVALLOG_H
#define EVALPIPE_EVALLOG_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/msg.h"

enum evallog_format { EVALLOG_AUTO = 0, EVALLOG_LIGHTEVAL, EVALLOG_LMEVAL, EVALLOG_INSPECT };

/* Caps on what is read: a whole JSON log, and the header of a .eval archive. */
#define EVALLOG_MAX_JSON   ((size_t)512 << 20)
#define EVALLOG_MAX_HEADER ((size_t)64 << 20)

struct evallog_score {
    char *task; /* as the log names it, suite and shot count removed: "arc:easy", "mmlu_anatomy" */
    char *tkey; /* the log's whole task key: "lighteval|arc:easy|25", "mmlu_anatomy" */
    char *metric; /* "acc_norm", "exact_match", "accuracy" */
    char *key;    /* the log's own key for the value: "acc_norm,none", "accuracy" */
    char *filter; /* lm-eval filter other than "none", or NULL */
    char *scorer; /* inspect-ai scorer, or NULL */
    double value;
    bool has_stderr;
    double stderr_;
    long shots;                     /* -1 when the log does not say */
    char *dataset, *config, *split; /* what was evaluated, as the log records it, or NULL */
    bool aggregate;                 /* lighteval "all" and ":_average", an lm-eval group */
    char **groups;                  /* lm-eval: the groups the task belongs to, nearest first */
    size_t ngroups;
};

struct evallog {
    enum evallog_format format;
    char *version; /* version of the tool (or its git commit) when the log records it */
    char *model;   /* the model as the log names it */
    char *date;    /* YYYY-MM-DD of the run, when the log records it */
    struct evallog_score *scores;
    size_t nr, alloc;
    size_t nonfinite; /* NaN/Infinity tokens in the log */
    size_t skipped;   /* values that were null, NaN or not numbers, left out */
    size_t aggregates_skipped;
};

#define EVALLOG_INIT \
    {                \
        0            \
    }

struct evallog_opts {
    enum evallog_format format; /* EVALLOG_AUTO: tell from the content */
    bool aggregates;            /* keep lighteval's "all" and ":_average" entries */
};

/*
 * Read the scores of the log in text[0, len) (a JSON document; name is used
 * in messages only). Returns 0, or -1 with err set: not JSON, not a log of a
 * known kind, a log without results (a run that did not finish).
 */
int evallog_parse(const char *text, size_t len, const char *name, const struct evallog_opts *o,
                  struct evallog *log, struct ep_err *err);

/* The same for a file: a JSON log, or a .eval archive (its header.json). */
int evallog_read(const char *path, const struct evallog_opts *o, struct evallog *log,
                 struct ep_err *err);

void evallog_release(struct evallog *log);

/* "lighteval", "lm-eval", "inspect-ai"; for messages and origin records. */
const char *evallog_format_name(enum evallog_format f);

#endif

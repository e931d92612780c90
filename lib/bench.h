/*
 * bench — the benchmark and metric names evalpipe knows, from the data files
 * lib/benchmarks.tsv and lib/metrics.tsv (compiled in by lib/benchgen.sh; to
 * add a benchmark, add a line there). Every filter that names datasets (the
 * README table reader, the log importers) looks names up here, so a
 * benchmark maps to the same dataset id whatever the source.
 *
 * Lookups compare keys: lower case, '+' as "plus", letters and digits only.
 * Returned entries are static and never freed.
 */
#ifndef EVALPIPE_BENCH_H
#define EVALPIPE_BENCH_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"

struct bench_entry {
    const char *name;    /* usual spelling, e.g. "ARC-Challenge" */
    const char *dataset; /* Hub dataset id, e.g. "allenai/ai2_arc" */
    const char *config;  /* implied config or NULL */
    const char *split;   /* implied split or NULL */
    const char *metric;  /* metric type when none is written, or NULL */
    const char *scale;   /* "raw" or NULL (a proportion) */
    const char *task;    /* default task type or NULL */
};

struct bench_metric {
    const char *type;  /* e.g. "acc_norm" */
    const char *scale; /* "raw" or NULL */
};

/* The generated tables (lib/benchgen.sh); keys sorted by strcmp. */
struct bench_key {
    const char *key;
    int entry;
    const char *alias; /* as written in the data file */
};
extern const struct bench_entry bench_entries[];
extern const size_t bench_nentries;
extern const struct bench_key bench_keys[];
extern const size_t bench_nkeys;
extern const struct bench_metric bench_metrics[];
extern const size_t bench_nmetrics;
extern const struct bench_key bench_metric_keys[];
extern const size_t bench_nmetric_keys;

/* Append the lookup key of s[0, len) to out (out is reset first). */
void bench_key(struct buf *out, const char *s, size_t len);

/* The benchmark named s (any known spelling), or NULL. */
const struct bench_entry *bench_find(const char *s);

/*
 * The metric type for a metric name s ("acc", "EM", "pass@1", "Maj@8"),
 * or NULL when s is not a metric name. The result is static (pass@k/maj@k:
 * written into buf, at least 24 bytes, and returned).
 */
const char *bench_metric(const char *s, char *buf, size_t size);

/* "raw" when values of metric type `type` are not proportions, else NULL. */
const char *bench_metric_scale(const char *type);

#endif

/*
 * metrics — lm-evaluation-harness's per-example metrics and aggregates,
 * computed in the same order of floating-point operations as its Python:
 * argmax with first-index ties (np.argmax), acc / acc_norm (log-likelihood
 * divided by the choice's length in code points), truthfulqa's mc2
 * probability mass, gsm8k's regex filters and exact_match normalisation,
 * the mean (sum / n), its standard error (sample std with n - 1, over
 * sqrt(n)), and the size-weighted group mean with the pooled stderr.
 *
 * Functions producing text append to a caller-owned struct buf.
 */
#ifndef EVALPIPE_EVAL_METRICS_H
#define EVALPIPE_EVAL_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"

/* The index of the first maximum of v[0..n) (np.argmax); 0 when n == 0. */
size_t metrics_argmax(const double *v, size_t n);

/*
 * Multiple choice: pred = argmax(ll), pred_norm = argmax(ll[i] / len_i)
 * where len_i is the code-point length of choice i (without the leading
 * delimiter). Either output may be NULL.
 */
void metrics_mc_pred(const double *ll, const size_t *len, size_t n, size_t *pred,
                     size_t *pred_norm);

/* truthfulqa_mc2: sum of exp(ll) / sum(exp(ll)) over the choices labelled 1. */
double metrics_mc2(const double *ll, const int *labels, size_t n);

/* Python's sum(v) / len(v); 0 for n == 0. */
double metrics_mean(const double *v, size_t n);

/*
 * lm-eval's mean_stderr: sqrt(sum((x - mean)^2) / (n - 1)) / sqrt(n).
 * Returns -1 when n < 2 (lm-eval reports "N/A").
 */
double metrics_stderr(const double *v, size_t n);

/* sum(value_i * size_i) / sum(size_i) (aggregate_subtask_metrics). */
double metrics_weighted_mean(const double *value, const size_t *size, size_t k);

/*
 * pooled_sample_stderr: sqrt(sum((n_i - 1) * se_i^2 * n_i) / (sum n_i - k) / sum n_i).
 * Returns -1 when sum n_i <= k.
 */
double metrics_pooled_stderr(const double *se, const size_t *size, size_t k);

/*
 * gsm8k "strict-match": the first match of `#### (\-?[0-9\.\,]+)`, group 1,
 * stripped; "[invalid]" when there is none. Appends to out.
 */
void metrics_gsm8k_strict(const char *s, size_t n, struct buf *out);

/*
 * gsm8k "flexible-extract": the last match of `(-?[$0-9.,]{2,})|(-?[0-9]+)`,
 * its non-empty group, stripped; "[invalid]" when there is none.
 */
void metrics_gsm8k_flexible(const char *s, size_t n, struct buf *out);

/*
 * gsm8k's exact_match normalisation of one side: delete the regexes ",",
 * "\$", "(?s).*#### " and "\.$" in that order, then lowercase. Appends to out.
 */
void metrics_gsm8k_normalize(const char *s, size_t n, struct buf *out);

/* exact_match of one prediction against one reference, both normalised as above. */
bool metrics_gsm8k_exact(const char *pred, size_t pn, const char *ref, size_t rn);

#endif

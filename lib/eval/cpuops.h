/*
 * cpuops — the CPU kernels of the forward pass, fp32 throughout.
 *
 * Each kernel that has a fast version (OpenBLAS GEMM) keeps its plain-loop
 * twin beside it (_naive); tests check one against the other, and future GPU
 * kernels are checked against these. Shapes are in the comments: "x is
 * (T, d)" means T rows of d floats, row-major, rows contiguous unless a
 * leading dimension (ld*) says otherwise. Nothing here allocates except the
 * attention kernels' score scratch; nothing fails.
 */
#ifndef EVALPIPE_EVAL_CPUOPS_H
#define EVALPIPE_EVAL_CPUOPS_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/eval/config.h"

/*
 * A parallel row loop under OpenMP when it is compiled in. The enclosing code
 * defines `work` (roughly, floats touched). Memory-bound loops below a few
 * million floats stay on one thread: a parallel region's barrier costs more
 * than it saves there, and far more when the machine is busy.
 */
#ifdef _OPENMP
#define CPUOPS_PARALLEL_FOR _Pragma("omp parallel for schedule(static) if (work > (1 << 22))")
#else
#define CPUOPS_PARALLEL_FOR
#endif

/*
 * y (T, out) = x (T, in) · wᵀ + b, with w (out, in) as nn.Linear stores it
 * and b (out) optional (NULL). y must not alias x.
 */
void cpuops_matmul_naive(float *y, const float *x, const float *w, const float *b, int64_t T,
                         int64_t in, int64_t out);
void cpuops_matmul(float *y, const float *x, const float *w, const float *b, int64_t T, int64_t in,
                   int64_t out);

/* y (T, d) = x / sqrt(mean(x²) + eps) * w, per row (Llama's RMSNorm). y may alias x. */
void cpuops_rmsnorm(float *y, const float *x, const float *w, int64_t T, int64_t d, float eps);

/* y (T, d) = (x - mean) / sqrt(var + eps) * w + b, biased variance (LayerNorm). y may alias x. */
void cpuops_layernorm(float *y, const float *x, const float *w, const float *b, int64_t T,
                      int64_t d, float eps);

/*
 * Rotary embedding in place, transformers' rotate_half layout: in each head,
 * dimension i pairs with i + head_dim/2. x is (T, n_heads * head_dim) with
 * row stride ldx; pos (T) are absolute positions; inv_freq (head_dim / 2).
 */
void cpuops_rope(float *x, int64_t T, int64_t ldx, int64_t n_heads, int64_t head_dim,
                 const int64_t *pos, const float *inv_freq);

/* Softmax of one row in place; -INFINITY entries get 0. At least one entry must be finite. */
void cpuops_softmax(float *x, int64_t n);

/* log-sum-exp of one row (the log-softmax denominator); fp32 exp, summed in double. */
double cpuops_logsumexp(const float *x, int64_t n);

/* Index of the first maximum of x (n >= 1), as torch.argmax picks it. */
int64_t cpuops_argmax(const float *x, int64_t n);

/* Activation in place over n floats. */
void cpuops_act(float *x, int64_t n, enum model_act act);

/* y (n) = act(g) * u: the gated MLP's product. y may alias g. */
void cpuops_act_mul_to(float *y, const float *g, const float *u, int64_t n, enum model_act act);

/* y (n) += x (n). */
void cpuops_add(float *y, const float *x, int64_t n);

/* Attention geometry shared by the two attention kernels. */
struct cpuops_attn {
    int64_t n_heads, n_kv_heads, head_dim;
    float scale;    /* applied to q·k */
    int64_t window; /* sliding window in tokens (0: none) */
};

/*
 * The tensors of one sequence's causal attention. Queries q (n rows of
 * n_heads * head_dim, row stride ldq) sit at absolute positions past ..
 * past + n - 1. They attend to `past` earlier keys/values kp, vp (row stride
 * ldp; NULL when past is 0) followed by the n keys/values kn, vn of the new
 * tokens (row stride ldn); key rows are n_kv_heads * head_dim wide. out gets
 * n rows of n_heads * head_dim, row stride ldo. Query head h reads key/value
 * head h / (n_heads / n_kv_heads).
 */
struct cpuops_attn_io {
    float *out;
    int64_t ldo;
    const float *q;
    int64_t ldq, n;
    const float *kp, *vp;
    int64_t ldp, past;
    const float *kn, *vn;
    int64_t ldn;
};

void cpuops_attention_naive(const struct cpuops_attn *a, const struct cpuops_attn_io *io);
void cpuops_attention(const struct cpuops_attn *a, const struct cpuops_attn_io *io);

/* Thread count for the kernels (OpenMP and OpenBLAS); n <= 0 means every online CPU. */
void cpuops_set_threads(int n);
int cpuops_threads(void);

#endif

/*
 * cpuops — fp32 CPU kernels: GEMM through OpenBLAS with a plain-loop twin,
 * norms, RoPE, softmax, activations and causal attention (naive and BLAS).
 *
 * Row loops run under OpenMP when it is compiled in (and the work is large
 * enough to pay for the threads); GEMMs use OpenBLAS's own threads. The
 * thread count is process-wide state of both libraries, set once through
 * cpuops_set_threads().
 */
#include "lib/eval/cpuops.h"

#include <cblas.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "lib/msg.h"
#include "lib/xalloc.h"

#define PARALLEL_FOR CPUOPS_PARALLEL_FOR

static int nthreads = 1;

/* BLAS dimensions are int; the config limits keep real models far below this. */
static int
blas_int(int64_t v)
{
    if (v < 0 || v > INT_MAX)
        BUG("matrix dimension %lld does not fit a BLAS int", (long long)v);
    return (int)v;
}

/* ----------------------------------------------------------------- threads */

void
cpuops_set_threads(int n)
{
    if (n <= 0) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        n = online > 0 && online < 4096 ? (int)online : 1;
    }
    nthreads = n;
    openblas_set_num_threads(n);
#ifdef _OPENMP
    omp_set_num_threads(n);
#endif
}

int
cpuops_threads(void)
{
    return nthreads;
}

/* ----------------------------------------------------------------- matmul */

void
cpuops_matmul_naive(float *y, const float *x, const float *w, const float *b, int64_t T, int64_t in,
                    int64_t out)
{
    const int64_t work = T * in * out;

    (void)work;
    PARALLEL_FOR
    for (int64_t t = 0; t < T; t++) {
        for (int64_t o = 0; o < out; o++) {
            float acc = b ? b[o] : 0.0f;

            for (int64_t i = 0; i < in; i++)
                acc += x[t * in + i] * w[o * in + i];
            y[t * out + o] = acc;
        }
    }
}

void
cpuops_matmul(float *y, const float *x, const float *w, const float *b, int64_t T, int64_t in,
              int64_t out)
{
    const int64_t work = T * out;

    /* Row-major y = x · wᵀ: C (T×out) = A (T×in) · Bᵀ with B (out×in). */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blas_int(T), blas_int(out), blas_int(in),
                1.0f, x, blas_int(in), w, blas_int(in), 0.0f, y, blas_int(out));
    if (!b)
        return;
    (void)work;
    PARALLEL_FOR
    for (int64_t t = 0; t < T; t++)
        for (int64_t o = 0; o < out; o++)
            y[t * out + o] += b[o];
}

/* ----------------------------------------------------------------- norms */

void
cpuops_rmsnorm(float *y, const float *x, const float *w, int64_t T, int64_t d, float eps)
{
    const int64_t work = T * d;

    (void)work;
    PARALLEL_FOR
    for (int64_t t = 0; t < T; t++) {
        const float *xr = x + t * d;
        float *yr = y + t * d;
        float ss = 0.0f, r;

        for (int64_t i = 0; i < d; i++)
            ss += xr[i] * xr[i];
        r = 1.0f / sqrtf(ss / (float)d + eps);
        for (int64_t i = 0; i < d; i++)
            yr[i] = w[i] * (xr[i] * r);
    }
}

void
cpuops_layernorm(float *y, const float *x, const float *w, const float *b, int64_t T, int64_t d,
                 float eps)
{
    const int64_t work = T * d;

    (void)work;
    PARALLEL_FOR
    for (int64_t t = 0; t < T; t++) {
        const float *xr = x + t * d;
        float *yr = y + t * d;
        float mean = 0.0f, var = 0.0f, r;

        for (int64_t i = 0; i < d; i++)
            mean += xr[i];
        mean /= (float)d;
        for (int64_t i = 0; i < d; i++)
            var += (xr[i] - mean) * (xr[i] - mean);
        r = 1.0f / sqrtf(var / (float)d + eps);
        for (int64_t i = 0; i < d; i++)
            yr[i] = (xr[i] - mean) * r * w[i] + b[i];
    }
}

/* ----------------------------------------------------------------- rope */

void
cpuops_rope(float *x, int64_t T, int64_t ldx, int64_t n_heads, int64_t head_dim, const int64_t *pos,
            const float *inv_freq)
{
    const int64_t half = head_dim / 2, work = T * n_heads * head_dim;

    (void)work;
    PARALLEL_FOR
    for (int64_t t = 0; t < T; t++) {
        for (int64_t i = 0; i < half; i++) {
            /* The angle is rounded to fp32 first, as transformers computes it. */
            float ang = (float)pos[t] * inv_freq[i];
            float c = cosf(ang), s = sinf(ang);

            for (int64_t h = 0; h < n_heads; h++) {
                float *xh = x + t * ldx + h * head_dim;
                float x1 = xh[i], x2 = xh[i + half];

                xh[i] = x1 * c - x2 * s;
                xh[i + half] = x2 * c + x1 * s;
            }
        }
    }
}

/* ----------------------------------------------------------------- softmax, activations */

void
cpuops_softmax(float *x, int64_t n)
{
    float m = -INFINITY, sum = 0.0f;

    for (int64_t i = 0; i < n; i++)
        m = x[i] > m ? x[i] : m;
    for (int64_t i = 0; i < n; i++) {
        x[i] = expf(x[i] - m);
        sum += x[i];
    }
    for (int64_t i = 0; i < n; i++)
        x[i] /= sum;
}

double
cpuops_logsumexp(const float *x, int64_t n)
{
    float m = -INFINITY;
    double sum = 0.0;

    for (int64_t i = 0; i < n; i++)
        m = x[i] > m ? x[i] : m;
    if (m == -INFINITY)
        return -INFINITY;
    for (int64_t i = 0; i < n; i++)
        sum += exp((double)x[i] - (double)m);
    return (double)m + log(sum);
}

static float
act1(float v, enum model_act act)
{
    switch (act) {
    case ACT_SILU:
        return v / (1.0f + expf(-v));
    case ACT_GELU:
        return 0.5f * v * (1.0f + erff(v * 0.70710678118654752f));
    case ACT_GELU_TANH:
        return 0.5f * v * (1.0f + tanhf(0.79788456080286536f * (v + 0.044715f * v * v * v)));
    case ACT_RELU:
        return v > 0.0f ? v : 0.0f;
    }
    return v;
}

void
cpuops_act(float *x, int64_t n, enum model_act act)
{
    const int64_t work = n;

    (void)work;
    PARALLEL_FOR
    for (int64_t i = 0; i < n; i++)
        x[i] = act1(x[i], act);
}

void
cpuops_act_mul(float *g, const float *u, int64_t n, enum model_act act)
{
    const int64_t work = n;

    (void)work;
    PARALLEL_FOR
    for (int64_t i = 0; i < n; i++)
        g[i] = act1(g[i], act) * u[i];
}

void
cpuops_add(float *y, const float *x, int64_t n)
{
    const int64_t work = n;

    (void)work;
    PARALLEL_FOR
    for (int64_t i = 0; i < n; i++)
        y[i] += x[i];
}

/* ----------------------------------------------------------------- attention */

/* May query at absolute position qpos see the key at absolute position kpos? */
static bool
visible(int64_t qpos, int64_t kpos, int64_t window)
{
    return kpos <= qpos && (!window || qpos - kpos < window);
}

/* Mask row i of the scores (n × nk) for query position past + i, then softmax it. */
static void
mask_softmax(float *s, int64_t nk, int64_t qpos, int64_t window)
{
    for (int64_t j = 0; j < nk; j++)
        if (!visible(qpos, j, window))
            s[j] = -INFINITY;
    cpuops_softmax(s, nk);
}

void
cpuops_attention_naive(float *out, const float *q, int64_t ldq, int64_t n, const float *kp,
                       const float *vp, int64_t ldp, int64_t past, const float *kn, const float *vn,
                       int64_t ldn, const struct cpuops_attn *a)
{
    const int64_t hd = a->head_dim, group = a->n_heads / a->n_kv_heads, nk = past + n;
    float *s = xmalloc((size_t)nk * sizeof(*s));

    for (int64_t h = 0; h < a->n_heads; h++) {
        int64_t g = h / group;

        for (int64_t i = 0; i < n; i++) {
            const float *qi = q + i * ldq + h * hd;
            float *oi = out + i * ldq + h * hd;

            for (int64_t j = 0; j < nk; j++) {
                const float *kj = j < past ? kp + j * ldp : kn + (j - past) * ldn;
                float dot = 0.0f;

                for (int64_t e = 0; e < hd; e++)
                    dot += qi[e] * kj[g * hd + e];
                s[j] = dot * a->scale;
            }
            mask_softmax(s, nk, past + i, a->window);
            memset(oi, 0, (size_t)hd * sizeof(*oi));
            for (int64_t j = 0; j < nk; j++) {
                const float *vj = j < past ? vp + j * ldp : vn + (j - past) * ldn;

                for (int64_t e = 0; e < hd; e++)
                    oi[e] += s[j] * vj[g * hd + e];
            }
        }
    }
    free(s);
}

void
cpuops_attention(float *out, const float *q, int64_t ldq, int64_t n, const float *kp,
                 const float *vp, int64_t ldp, int64_t past, const float *kn, const float *vn,
                 int64_t ldn, const struct cpuops_attn *a)
{
    const int64_t hd = a->head_dim, group = a->n_heads / a->n_kv_heads, nk = past + n;
    const int bn = blas_int(n), bp = blas_int(past), bhd = blas_int(hd), bnk = blas_int(nk);
    float *s = xmalloc((size_t)(n * nk) * sizeof(*s)); /* scores (n, nk) of one head */

    for (int64_t h = 0; h < a->n_heads; h++) {
        const float *qh = q + h * hd;
        int64_t g = h / group;
        float *oh = out + h * hd;
        const int64_t work = n * nk;

        /* s = scale · q_h · kᵀ, the cached keys in columns [0, past), the new ones after. */
        if (past)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, bn, bp, bhd, a->scale, qh,
                        blas_int(ldq), kp + g * hd, blas_int(ldp), 0.0f, s, bnk);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, bn, bn, bhd, a->scale, qh,
                    blas_int(ldq), kn + g * hd, blas_int(ldn), 0.0f, s + past, bnk);
        (void)work;
        PARALLEL_FOR
        for (int64_t i = 0; i < n; i++)
            mask_softmax(s + i * nk, nk, past + i, a->window);
        /* o_h = s · v, again in two column blocks. */
        if (past)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, bn, bhd, bp, 1.0f, s, bnk,
                        vp + g * hd, blas_int(ldp), 0.0f, oh, blas_int(ldq));
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, bn, bhd, bn, 1.0f, s + past, bnk,
                    vn + g * hd, blas_int(ldn), past ? 1.0f : 0.0f, oh, blas_int(ldq));
    }
    free(s);
}

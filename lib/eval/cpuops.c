/*
 * cpuops — fp32 CPU kernels: GEMM through OpenBLAS with a plain-loop twin,
 * norms, RoPE, softmax, activations and causal attention (naive and BLAS).
 *
 * One threading runtime: with OpenMP, OpenBLAS runs single-threaded and the
 * kernels split GEMM columns and attention heads across OpenMP threads (the
 * two runtimes' pools spun against each other: 2.5x slower on 2 cores);
 * without it, OpenBLAS threads the GEMMs. Thread count: cpuops_set_threads().
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
#ifdef _OPENMP
    openblas_set_num_threads(1);
    omp_set_num_threads(n);
#else
    openblas_set_num_threads(n);
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

/* y[:, o0:o1] of cpuops_matmul(): one GEMM on a block of output columns. */
static void
matmul_cols(float *y, const float *x, const float *w, const float *b, int64_t T, int64_t in,
            int64_t out, int64_t o0, int64_t o1)
{
    /* Row-major y = x · wᵀ: C (T×n) = A (T×in) · Bᵀ with B the rows o0..o1 of w (out×in). */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blas_int(T), blas_int(o1 - o0),
                blas_int(in), 1.0f, x, blas_int(in), w + o0 * in, blas_int(in), 0.0f, y + o0,
                blas_int(out));
    if (b)
        for (int64_t t = 0; t < T; t++)
            for (int64_t o = o0; o < o1; o++)
                y[t * out + o] += b[o];
}

void
cpuops_matmul(float *y, const float *x, const float *w, const float *b, int64_t T, int64_t in,
              int64_t out)
{
#ifdef _OPENMP
    /* Each thread takes a block of output columns, a multiple of 16 wide. */
    int nt = T * in * out < (int64_t)1 << 18 ? 1 : nthreads;

#pragma omp parallel num_threads(nt)
    {
        int64_t id = omp_get_thread_num(), n = omp_get_num_threads();
        int64_t step = (out + 16 * n - 1) / (16 * n) * 16;
        int64_t o0 = id * step < out ? id * step : out, o1 = o0 + step < out ? o0 + step : out;

        if (o0 < o1)
            matmul_cols(y, x, w, b, T, in, out, o0, o1);
    }
#else
    matmul_cols(y, x, w, b, T, in, out, 0, out);
#endif
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
        sum += expf(x[i] - m);
    return (double)m + log(sum);
}

int64_t
cpuops_argmax(const float *x, int64_t n)
{
    int64_t best = 0;

    for (int64_t i = 1; i < n; i++)
        if (x[i] > x[best])
            best = i;
    return best;
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
cpuops_act_mul_to(float *y, const float *g, const float *u, int64_t n, enum model_act act)
{
    for (int64_t i = 0; i < n; i++)
        y[i] = act1(g[i], act) * u[i];
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

/*
 * Softmax of one row of scores (nk keys) for the query at absolute position
 * qpos: only keys j with visible(qpos, j) take part (a contiguous range);
 * the others get probability 0.
 */
static void
mask_softmax(float *s, int64_t nk, int64_t qpos, int64_t window)
{
    int64_t lo = window && qpos - window + 1 > 0 ? qpos - window + 1 : 0;
    int64_t hi = qpos + 1 < nk ? qpos + 1 : nk;

    if (lo > 0)
        memset(s, 0, (size_t)lo * sizeof(*s));
    cpuops_softmax(s + lo, hi - lo);
    if (hi < nk)
        memset(s + hi, 0, (size_t)(nk - hi) * sizeof(*s));
}

void
cpuops_attention_naive(const struct cpuops_attn *a, const struct cpuops_attn_io *io)
{
    const int64_t hd = a->head_dim, group = a->n_heads / a->n_kv_heads, past = io->past;
    const int64_t nk = past + io->n;
    float *s = xmalloc((size_t)nk * sizeof(*s));

    for (int64_t h = 0; h < a->n_heads; h++) {
        int64_t g = h / group;

        for (int64_t i = 0; i < io->n; i++) {
            const float *qi = io->q + i * io->ldq + h * hd;
            float *oi = io->out + i * io->ldo + h * hd;

            for (int64_t j = 0; j < nk; j++) {
                const float *kj = j < past ? io->kp + j * io->ldp : io->kn + (j - past) * io->ldn;
                float dot = 0.0f;

                for (int64_t e = 0; e < hd; e++)
                    dot += qi[e] * kj[g * hd + e];
                s[j] = visible(past + i, j, a->window) ? dot * a->scale : -INFINITY;
            }
            cpuops_softmax(s, nk);
            memset(oi, 0, (size_t)hd * sizeof(*oi));
            for (int64_t j = 0; j < nk; j++) {
                const float *vj = j < past ? io->vp + j * io->ldp : io->vn + (j - past) * io->ldn;

                for (int64_t e = 0; e < hd; e++)
                    oi[e] += s[j] * vj[g * hd + e];
            }
        }
    }
    free(s);
}

/* One head of cpuops_attention(); s is (n, past + n) scratch. */
static void
attention_head(const struct cpuops_attn *a, const struct cpuops_attn_io *io, int64_t h, float *s)
{
    const int64_t hd = a->head_dim, g = h / (a->n_heads / a->n_kv_heads), nk = io->past + io->n;
    const int bn = blas_int(io->n), bp = blas_int(io->past), bhd = blas_int(hd);
    const int bnk = blas_int(nk), ldq = blas_int(io->ldq), ldo = blas_int(io->ldo);
    const int ldp = blas_int(io->ldp), ldn = blas_int(io->ldn);
    const float *qh = io->q + h * hd;
    float *oh = io->out + h * hd;

    /* s = scale · q_h · kᵀ, the cached keys in columns [0, past), the new ones after. */
    if (bp)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, bn, bp, bhd, a->scale, qh, ldq,
                    io->kp + g * hd, ldp, 0.0f, s, bnk);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, bn, bn, bhd, a->scale, qh, ldq,
                io->kn + g * hd, ldn, 0.0f, s + bp, bnk);
    for (int64_t i = 0; i < io->n; i++)
        mask_softmax(s + i * nk, nk, io->past + i, a->window);
    /* o_h = s · v, again in two column blocks. */
    if (bp)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, bn, bhd, bp, 1.0f, s, bnk,
                    io->vp + g * hd, ldp, 0.0f, oh, ldo);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, bn, bhd, bn, 1.0f, s + bp, bnk,
                io->vn + g * hd, ldn, bp ? 1.0f : 0.0f, oh, ldo);
}

void
cpuops_attention(const struct cpuops_attn *a, const struct cpuops_attn_io *io)
{
    const int64_t per = io->n * (io->past + io->n), work = a->n_heads * per * a->head_dim;
    int nt = work < (int64_t)1 << 16 ? 1 : nthreads;
    float *s = xmalloc((size_t)(nt * per) * sizeof(*s)); /* scores (n, past + n) per thread */

#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) num_threads(nt)
#endif
    for (int64_t h = 0; h < a->n_heads; h++) {
#ifdef _OPENMP
        float *mine = s + omp_get_thread_num() * per;
#else
        float *mine = s;
#endif
        attention_head(a, io, h, mine);
    }
    free(s);
}

/*
 * Unit tests for lib/eval/cpuops, the CPU twins future GPU kernels are
 * checked against: BLAS vs naive matmul and attention, norms, softmax and
 * activations against double-precision formulas, and RoPE (default, linear,
 * llama3) against inverse frequencies and rotations computed by transformers.
 *
 * HINT: rope.bin comes from `.venv/bin/python3 tests/eval/gen_fixtures.py`;
 * format version 1, magic "EPRF".
 */
#include "lib/eval/cpuops.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "tests/unit/check.h"

#define ROPE_MAGIC   0x46525045u
#define ROPE_VERSION 1
#define HINT         "HINT: regenerate with '.venv/bin/python3 tests/eval/gen_fixtures.py'"

/* A fixed pseudo-random stream in [-1, 1) (xorshift), so failures reproduce. */
static uint64_t rng = 88172645463325252ull;

static float
frand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (float)((double)(rng >> 11) / 4503599627370496.0 - 1.0);
}

static float *
rand_vec(size_t n)
{
    float *v = xmalloc(n * sizeof(*v));

    for (size_t i = 0; i < n; i++)
        v[i] = frand();
    return v;
}

/* Largest |a - b| / (1 + |b|) over n floats. */
static double
rel_diff(const float *a, const float *b, size_t n)
{
    double m = 0;

    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)b[i]) / (1.0 + fabs((double)b[i]));
        if (!(d <= m))
            m = isnan(d) ? INFINITY : d;
    }
    return m;
}

/* ----------------------------------------------------------------- matmul */

static void
test_matmul_blas_vs_naive(void)
{
    static const int64_t shapes[][3] = {
        { 1, 1, 1 }, { 1, 64, 7 }, { 7, 17, 33 }, { 33, 128, 100 }, { 100, 96, 256 }
    };

    for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
        int64_t T = shapes[s][0], in = shapes[s][1], out = shapes[s][2];
        float *x = rand_vec((size_t)(T * in)), *w = rand_vec((size_t)(out * in));
        float *b = rand_vec((size_t)out);
        float *y1 = xmalloc((size_t)(T * out) * sizeof(float));
        float *y2 = xmalloc((size_t)(T * out) * sizeof(float));
        double ref = 0;

        for (int with_bias = 0; with_bias < 2; with_bias++) {
            cpuops_matmul_naive(y1, x, w, with_bias ? b : NULL, T, in, out);
            cpuops_matmul(y2, x, w, with_bias ? b : NULL, T, in, out);
            CHECK(rel_diff(y2, y1, (size_t)(T * out)) < 1e-5);
        }
        /* One element against a double-precision dot product. */
        for (int64_t i = 0; i < in; i++)
            ref += (double)x[(T - 1) * in + i] * w[(out - 1) * in + i];
        CHECK(fabs(ref + b[out - 1] - y2[T * out - 1]) < 1e-5 * (1 + fabs(ref)));
        free(x);
        free(w);
        free(b);
        free(y1);
        free(y2);
    }
}

/* ----------------------------------------------------------------- norms, softmax, activations */

static void
test_norms(void)
{
    int64_t T = 5, d = 48;
    float *x = rand_vec((size_t)(T * d)), *w = rand_vec((size_t)d), *b = rand_vec((size_t)d);
    float *y = xmalloc((size_t)(T * d) * sizeof(float));

    cpuops_rmsnorm(y, x, w, T, d, 1e-5f);
    for (int64_t t = 0; t < T; t++) {
        double ss = 0;

        for (int64_t i = 0; i < d; i++)
            ss += (double)x[t * d + i] * x[t * d + i];
        for (int64_t i = 0; i < d; i++) {
            double want = w[i] * x[t * d + i] / sqrt(ss / d + 1e-5);
            CHECK(fabs(y[t * d + i] - want) < 1e-5);
        }
    }
    cpuops_layernorm(y, x, w, b, T, d, 1e-5f);
    for (int64_t t = 0; t < T; t++) {
        double mean = 0, var = 0;

        for (int64_t i = 0; i < d; i++)
            mean += x[t * d + i] / (double)d;
        for (int64_t i = 0; i < d; i++)
            var += (x[t * d + i] - mean) * (x[t * d + i] - mean) / (double)d;
        for (int64_t i = 0; i < d; i++) {
            double want = (x[t * d + i] - mean) / sqrt(var + 1e-5) * w[i] + b[i];
            CHECK(fabs(y[t * d + i] - want) < 1e-5);
        }
    }
    /* In place gives the same result. */
    memcpy(y, x, (size_t)(T * d) * sizeof(float));
    cpuops_rmsnorm(y, y, w, T, d, 1e-5f);
    cpuops_rmsnorm(x, x, w, T, d, 1e-5f);
    CHECK(!memcmp(x, y, (size_t)(T * d) * sizeof(float)));
    free(x);
    free(w);
    free(b);
    free(y);
}

static void
test_softmax(void)
{
    float x[6] = { 1.0f, -INFINITY, 3.0f, 1000.0f, -INFINITY, 999.0f };
    float big[3] = { 88.0f, 89.0f, 90.0f };
    double lse, sum = 0;

    lse = cpuops_logsumexp(big, 3);
    CHECK(fabs(lse - (90.0 + log(1 + exp(-1.0) + exp(-2.0)))) < 1e-6);
    cpuops_softmax(x, 6);
    for (int i = 0; i < 6; i++)
        sum += x[i];
    CHECK(fabs(sum - 1.0) < 1e-6);
    CHECK(x[1] == 0.0f && x[4] == 0.0f);
    CHECK(fabs(x[3] - 1.0 / (1.0 + exp(-1.0))) < 1e-6);
    CHECK(fabs(x[5] - exp(-1.0) / (1.0 + exp(-1.0))) < 1e-6);
}

static void
test_activations(void)
{
    float v[5] = { -3.0f, -0.5f, 0.0f, 0.7f, 4.0f }, u[5] = { 1, 2, 3, 4, 5 }, y[5];

    for (int a = ACT_SILU; a <= ACT_RELU; a++) {
        memcpy(y, v, sizeof(y));
        cpuops_act(y, 5, (enum model_act)a);
        for (int i = 0; i < 5; i++) {
            double x = v[i], want;

            switch (a) {
            case ACT_SILU:
                want = x / (1 + exp(-x));
                break;
            case ACT_GELU:
                want = 0.5 * x * (1 + erf(x / sqrt(2.0)));
                break;
            case ACT_GELU_TANH:
                want = 0.5 * x * (1 + tanh(sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
                break;
            default:
                want = x > 0 ? x : 0;
            }
            CHECK(fabs(y[i] - want) < 1e-6);
        }
    }
    cpuops_act_mul_to(y, v, u, 5, ACT_SILU);
    CHECK(fabs(y[3] - 4 * 0.7 / (1 + exp(-0.7))) < 1e-6);
}

/* ----------------------------------------------------------------- attention */

/*
 * Naive vs BLAS attention. The new queries, keys and values are column blocks
 * of one (n, qd + 2 kvd) matrix, the layout a fused QKV projection produces.
 */
static void
check_attention(int64_t H, int64_t KV, int64_t hd, int64_t past, int64_t n, int64_t window)
{
    int64_t qd = H * hd, kvd = KV * hd, ld = qd + 2 * kvd;
    float *qkv = rand_vec((size_t)(n * ld)), *kp = rand_vec((size_t)(past * kvd + 1));
    float *vp = rand_vec((size_t)(past * kvd + 1));
    float *o1 = xmalloc((size_t)(n * qd) * sizeof(float));
    float *o2 = xmalloc((size_t)(n * qd) * sizeof(float));
    struct cpuops_attn a = { H, KV, hd, 1.0f / sqrtf((float)hd), window };
    struct cpuops_attn_io io = {
        o1, qd, qkv, ld, n, past ? kp : NULL, past ? vp : NULL, kvd, past, qkv + qd, qkv + qd + kvd,
        ld
    };

    cpuops_attention_naive(&a, &io);
    io.out = o2;
    cpuops_attention(&a, &io);
    CHECK(rel_diff(o2, o1, (size_t)(n * qd)) < 1e-5);
    /* The first new query of a window-1 attention sees only itself: output = its value. */
    if (window == 1)
        for (int64_t e = 0; e < hd; e++)
            CHECK(fabsf(o2[e] - io.vn[e]) < 1e-6f);
    free(qkv);
    free(kp);
    free(vp);
    free(o1);
    free(o2);
}

static void
test_attention_blas_vs_naive(void)
{
    check_attention(4, 4, 8, 0, 9, 0);
    check_attention(4, 2, 8, 0, 9, 0);
    check_attention(6, 2, 16, 11, 5, 0);
    check_attention(4, 1, 8, 7, 1, 0); /* one decoding step */
    check_attention(4, 2, 8, 10, 12, 5);
    check_attention(2, 2, 4, 3, 4, 1);
}

/* ----------------------------------------------------------------- rope vs transformers */

static int
rd(FILE *f, void *p, size_t n)
{
    return fread(p, 1, n, f) == n ? 0 : -1;
}

/* One case of rope.bin; returns -1 at a format error. */
static int
rope_case(FILE *f, double *worst_inv, double *worst_rot)
{
    uint32_t jlen, half, npos, hw[2];
    char *json = NULL;
    float *inv = NULL, *mine = NULL, *x = NULL, *y = NULL;
    int64_t *pos = NULL;
    struct model_config c;
    struct ep_err err;
    int rc = -1;

    if (rd(f, &jlen, 4) < 0 || jlen > 65536)
        return -1;
    json = xmalloc(jlen);
    if (rd(f, json, jlen) < 0 || rd(f, &half, 4) < 0 || half > 4096)
        goto out;
    inv = xmalloc(half * sizeof(float));
    if (rd(f, inv, half * 4) < 0 || rd(f, &npos, 4) < 0 || npos > 4096)
        goto out;
    pos = xmalloc(npos * sizeof(int64_t));
    if (rd(f, pos, npos * 8) < 0 || rd(f, hw, 8) < 0 || hw[1] != 2 * half || hw[0] > 64)
        goto out;
    x = xmalloc((size_t)npos * hw[0] * hw[1] * sizeof(float));
    y = xmalloc((size_t)npos * hw[0] * hw[1] * sizeof(float));
    if (rd(f, x, (size_t)npos * hw[0] * hw[1] * 4) < 0 ||
        rd(f, y, (size_t)npos * hw[0] * hw[1] * 4) < 0)
        goto out;
    rc = 0;
    if (config_parse(&c, json, jlen, "rope.bin", &err) < 0 || c.head_dim != hw[1]) {
        fprintf(stderr, "%s\n", err.msg);
        CHECK(!"rope case config parses");
        goto out;
    }
    /* Our inverse frequencies against transformers' rope init functions. */
    mine = xmalloc(half * sizeof(float));
    config_rope_inv_freq(&c, mine);
    config_release(&c);
    for (uint32_t i = 0; i < half; i++) {
        double d = fabs((double)mine[i] - inv[i]) / inv[i];
        *worst_inv = d > *worst_inv ? d : *worst_inv;
    }
    /* The rotation, from transformers' own frequencies. */
    cpuops_rope(x, npos, hw[0] * hw[1], hw[0], hw[1], pos, inv);
    for (size_t i = 0; i < (size_t)npos * hw[0] * hw[1]; i++) {
        double d = fabs((double)x[i] - y[i]);
        *worst_rot = d > *worst_rot ? d : *worst_rot;
    }
out:
    free(json);
    free(inv);
    free(mine);
    free(pos);
    free(x);
    free(y);
    return rc;
}

static void
test_rope_vs_transformers(void)
{
    char path[512];
    const char *t = getenv("EP_TOP");
    uint32_t hdr[3];
    double worst_inv = 0, worst_rot = 0;
    FILE *f;

    snprintf(path, sizeof(path), "%s/tests/eval/fixtures/rope.bin", t ? t : ".");
    f = fopen(path, "rb");
    if (!f || rd(f, hdr, sizeof(hdr)) < 0 || hdr[0] != ROPE_MAGIC || hdr[1] != ROPE_VERSION) {
        fprintf(stderr, "%s: missing or not version %d\n%s\n", path, ROPE_VERSION, HINT);
        CHECK(!"rope.bin readable");
        if (f)
            fclose(f);
        return;
    }
    for (uint32_t i = 0; i < hdr[2]; i++) {
        if (rope_case(f, &worst_inv, &worst_rot) < 0) {
            fprintf(stderr, "%s: truncated case %u\n%s\n", path, i, HINT);
            CHECK(!"rope.bin case readable");
            break;
        }
    }
    fclose(f);
    printf("# rope: max relative inv_freq diff %.2e, max |rotated diff| %.2e (%u cases)\n",
           worst_inv, worst_rot, hdr[2]);
    CHECK(worst_inv <= 2.5e-7); /* within about one fp32 ulp */
    CHECK(worst_rot <= 1e-5);
}

int
main(void)
{
    cpuops_set_threads(2);
    RUN(test_matmul_blas_vs_naive);
    RUN(test_norms);
    RUN(test_softmax);
    RUN(test_activations);
    RUN(test_attention_blas_vs_naive);
    RUN(test_rope_vs_transformers);
    return DONE();
}

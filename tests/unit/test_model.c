/*
 * Unit tests for lib/eval/model and the CPU backend: every fixture model's
 * logits against the ones transformers computed (tests/eval/fixtures/), in
 * one packed batch, with the naive kernels, incrementally through a KV cache,
 * and from a shared prefix; then checkpoints broken on purpose.
 *
 * HINT: the fixtures come from `.venv/bin/python3 tests/eval/gen_fixtures.py`
 * (torch + transformers); expected.bin format version 1, magic "EPLG".
 */
#include "lib/eval/backend.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/xalloc.h"
#include "tests/unit/check.h"

#define LOGITS_MAGIC   0x474c5045u
#define LOGITS_VERSION 1
#define HINT           "HINT: regenerate with '.venv/bin/python3 tests/eval/gen_fixtures.py'"

/* fp32 engine vs transformers fp32 (F16/BF16 weights upcast on both sides). */
#define TOL_LOGIT 1e-4

static const char *const fixtures[] = {
    "llama_gqa_f32",   "llama_gqa_bf16",   "llama_tied_bias_f16_sharded",
    "llama3_rope_f32", "mistral_swa_f32",  "qwen2_tied_f32",
    "qwen2_bf16",      "gpt2_f32_sharded", "gpt2_f16_noprefix",
};
#define NFIX (sizeof(fixtures) / sizeof(fixtures[0]))

struct expected_seq {
    uint32_t n;
    int32_t *tokens;
    float *logits;   /* (n, vocab) */
    float *lp_next;  /* (n - 1) */
    int32_t *argmax; /* (n) */
};

struct expected {
    uint32_t n_seqs, vocab;
    struct expected_seq *seqs;
};

static double worst_diff[NFIX];

static const char *
top(void)
{
    const char *t = getenv("EP_TOP");

    return t ? t : ".";
}

/* ----------------------------------------------------------------- fixture reading */

static int
read_exact(FILE *f, void *p, size_t n)
{
    return fread(p, 1, n, f) == n ? 0 : -1;
}

static int
read_seq(FILE *f, struct expected_seq *s, uint32_t vocab)
{
    if (read_exact(f, &s->n, 4) < 0 || s->n < 1 || s->n > 4096)
        return -1;
    s->tokens = xmalloc(s->n * sizeof(int32_t));
    s->logits = xmalloc((size_t)s->n * vocab * sizeof(float));
    s->lp_next = xmalloc(s->n * sizeof(float));
    s->argmax = xmalloc(s->n * sizeof(int32_t));
    return read_exact(f, s->tokens, s->n * 4) < 0 ||
                   read_exact(f, s->logits, (size_t)s->n * vocab * 4) < 0 ||
                   read_exact(f, s->lp_next, (s->n - 1) * 4) < 0 ||
                   read_exact(f, s->argmax, s->n * 4) < 0
               ? -1
               : 0;
}

static void
expected_free(struct expected *e)
{
    for (uint32_t i = 0; i < e->n_seqs && e->seqs; i++) {
        free(e->seqs[i].tokens);
        free(e->seqs[i].logits);
        free(e->seqs[i].lp_next);
        free(e->seqs[i].argmax);
    }
    free(e->seqs);
    memset(e, 0, sizeof(*e));
}

static int
expected_load(struct expected *e, const char *dir)
{
    char path[600];
    uint32_t hdr[4];
    FILE *f;
    int rc = 0;

    memset(e, 0, sizeof(*e));
    if (snprintf(path, sizeof(path), "%s/expected.bin", dir) >= (int)sizeof(path))
        return -1;
    f = fopen(path, "rb");
    if (!f || read_exact(f, hdr, sizeof(hdr)) < 0 || hdr[0] != LOGITS_MAGIC ||
        hdr[1] != LOGITS_VERSION || hdr[2] < 1 || hdr[2] > 16) {
        fprintf(stderr, "%s: missing or not an expected.bin of version %d\n%s\n", path,
                LOGITS_VERSION, HINT);
        if (f)
            fclose(f);
        return -1;
    }
    e->n_seqs = hdr[2];
    e->vocab = hdr[3];
    e->seqs = xcalloc(e->n_seqs, sizeof(*e->seqs));
    for (uint32_t i = 0; i < e->n_seqs && !rc; i++)
        rc = read_seq(f, &e->seqs[i], e->vocab);
    fclose(f);
    if (rc < 0) {
        fprintf(stderr, "%s: truncated\n%s\n", path, HINT);
        expected_free(e);
    }
    return rc;
}

/* A loaded fixture: model, backend and expected outputs. */
struct fix {
    char dir[512];
    struct model m;
    struct backend *be;
    struct expected e;
};

static int
fix_open(struct fix *fx, const char *name, bool naive)
{
    struct backend_opts o = BACKEND_OPTS_INIT;
    struct ep_err err;

    o.naive = naive;
    o.n_threads = 2;
    snprintf(fx->dir, sizeof(fx->dir), "%s/tests/eval/fixtures/%s", top(), name);
    fx->be = NULL;
    if (expected_load(&fx->e, fx->dir) < 0)
        return -1;
    if (model_load(&fx->m, fx->dir, &err) < 0) {
        fprintf(stderr, "%s\n%s\n", err.msg, HINT);
        expected_free(&fx->e);
        return -1;
    }
    fx->be = backend_new(&backend_cpu_ops, &o, &err);
    if (!fx->be || backend_load(fx->be, &fx->m, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    return 0;
}

static void
fix_close(struct fix *fx)
{
    backend_free(fx->be);
    model_release(&fx->m);
    expected_free(&fx->e);
}

/* Largest |a - b| over n floats. */
static double
max_diff(const float *a, const float *b, size_t n)
{
    double m = 0;

    for (size_t i = 0; i < n; i++)
        if (fabs((double)a[i] - (double)b[i]) > m || isnan(a[i]))
            m = isnan(a[i]) ? INFINITY : fabs((double)a[i] - (double)b[i]);
    return m;
}

/* ----------------------------------------------------------------- logits vs transformers */

/* Every sequence of the fixture in one packed batch: logits, next-token scores, greedy. */
static double
check_batch(struct fix *fx)
{
    uint32_t ns = fx->e.n_seqs, V = fx->e.vocab;
    struct fwd_seq *q = xcalloc(ns, sizeof(*q));
    struct ep_err err;
    double worst = 0;

    for (uint32_t s = 0; s < ns; s++) {
        struct expected_seq *es = &fx->e.seqs[s];

        q[s].tokens = es->tokens;
        q[s].n_tokens = es->n;
        q[s].n_logits = es->n;
        q[s].logits = xmalloc((size_t)es->n * V * sizeof(float));
        q[s].n_score = es->n - 1;
        q[s].targets = es->tokens + 1;
        q[s].logprobs = xmalloc(es->n * sizeof(float));
        q[s].greedy = xmalloc(es->n * sizeof(bool));
    }
    CHECK(backend_forward(fx->be, q, ns, &err) == 0);
    for (uint32_t s = 0; s < ns; s++) {
        struct expected_seq *es = &fx->e.seqs[s];
        double d = max_diff(q[s].logits, es->logits, (size_t)es->n * V);

        worst = d > worst ? d : worst;
        CHECK(d <= TOL_LOGIT);
        CHECK(max_diff(q[s].logprobs, es->lp_next, es->n - 1) <= TOL_LOGIT);
        for (uint32_t i = 0; i + 1 < es->n; i++)
            CHECK(q[s].greedy[i] == (es->argmax[i] == es->tokens[i + 1]));
        free(q[s].logits);
        free(q[s].logprobs);
        free(q[s].greedy);
    }
    free(q);
    return worst;
}

static void
test_fixture_logits(void)
{
    for (size_t i = 0; i < NFIX; i++) {
        struct fix fx;

        if (fix_open(&fx, fixtures[i], false) < 0) {
            CHECK(!"fixture loads");
            fix_close(&fx);
            continue;
        }
        worst_diff[i] = check_batch(&fx);
        if (!(worst_diff[i] <= TOL_LOGIT))
            fprintf(stderr, "%s: max |logit diff| %.3g > %g\n%s\n", fixtures[i], worst_diff[i],
                    TOL_LOGIT, HINT);
        fix_close(&fx);
    }
}

/* The naive loops are an oracle of their own: same fixtures, same bound. */
static void
test_fixture_logits_naive(void)
{
    for (size_t i = 0; i < NFIX; i++) {
        struct fix fx;

        if (fix_open(&fx, fixtures[i], true) < 0) {
            CHECK(!"fixture loads");
            fix_close(&fx);
            continue;
        }
        CHECK(check_batch(&fx) <= TOL_LOGIT);
        fix_close(&fx);
    }
}

/* ----------------------------------------------------------------- caches */

/* Sequence 0 fed as a prefix, then one token at a time, through an appending cache. */
static void
check_incremental(struct fix *fx)
{
    struct expected_seq *es = &fx->e.seqs[0];
    uint32_t V = fx->e.vocab, pre = es->n / 2;
    struct ep_err err;
    struct kv_cache *kv = backend_kv_new(fx->be, es->n, &err);
    float *lg = xmalloc((size_t)es->n * V * sizeof(float));
    struct fwd_seq q = { 0 };

    CHECK(kv != NULL);
    q.kv = kv;
    q.kv_append = true;
    q.tokens = es->tokens;
    q.n_tokens = pre;
    q.n_logits = pre;
    q.logits = lg;
    CHECK(backend_forward(fx->be, &q, 1, &err) == 0);
    for (uint32_t i = pre; i < es->n; i++) {
        q.tokens = es->tokens + i;
        q.n_tokens = q.n_logits = 1;
        q.logits = lg + (size_t)i * V;
        CHECK(backend_forward(fx->be, &q, 1, &err) == 0);
    }
    CHECK(backend_kv_len(fx->be, kv) == es->n);
    CHECK(max_diff(lg, es->logits, (size_t)es->n * V) <= TOL_LOGIT);
    /* A full cache refuses more tokens and stays as it was. */
    CHECK(backend_forward(fx->be, &q, 1, &err) == -1 && strstr(err.msg, "capacity"));
    CHECK(backend_kv_len(fx->be, kv) == es->n);
    free(lg);
    backend_kv_free(fx->be, kv);
}

/*
 * Shared prefix: a cache holding sequence 0's first half is read (not
 * appended) by two sequences of one batch, one of them twice, next to a
 * sequence without a cache; then the cache is truncated and reused.
 */
static void
check_shared_prefix(struct fix *fx)
{
    struct expected_seq *e0 = &fx->e.seqs[0], *e1 = &fx->e.seqs[1];
    uint32_t V = fx->e.vocab, pre = e0->n / 2, rest = e0->n - pre;
    struct ep_err err;
    struct kv_cache *kv = backend_kv_new(fx->be, e0->n, &err);
    struct fwd_seq q[3] = { { 0 } };
    float *lg = xmalloc((size_t)(2 * rest + e1->n) * V * sizeof(float));

    q[0].kv = kv;
    q[0].kv_append = true;
    q[0].tokens = e0->tokens;
    q[0].n_tokens = pre + 1;
    CHECK(backend_forward(fx->be, q, 1, &err) == 0);
    backend_kv_truncate(fx->be, kv, pre);
    CHECK(backend_kv_len(fx->be, kv) == pre);
    for (int i = 0; i < 2; i++) {
        q[i].kv = kv;
        q[i].kv_append = i == 1; /* the second one also appends: readers must not see it */
        q[i].tokens = e0->tokens + pre;
        q[i].n_tokens = q[i].n_logits = rest;
        q[i].logits = lg + (size_t)i * rest * V;
    }
    q[2].tokens = e1->tokens;
    q[2].n_tokens = q[2].n_logits = e1->n;
    q[2].logits = lg + (size_t)2 * rest * V;
    CHECK(backend_forward(fx->be, q, 3, &err) == 0);
    CHECK(max_diff(lg, e0->logits + (size_t)pre * V, (size_t)rest * V) <= TOL_LOGIT);
    CHECK(max_diff(lg + (size_t)rest * V, e0->logits + (size_t)pre * V, (size_t)rest * V) <=
          TOL_LOGIT);
    CHECK(max_diff(lg + (size_t)2 * rest * V, e1->logits, (size_t)e1->n * V) <= TOL_LOGIT);
    CHECK(backend_kv_len(fx->be, kv) == e0->n);
    free(lg);
    backend_kv_free(fx->be, kv);
}

static void
test_kv_cache(void)
{
    for (size_t i = 0; i < NFIX; i++) {
        struct fix fx;

        if (fix_open(&fx, fixtures[i], false) == 0) {
            check_incremental(&fx);
            check_shared_prefix(&fx);
        } else {
            CHECK(!"fixture loads");
        }
        fix_close(&fx);
    }
}

/* A cache made by another backend (another model) is refused, not misread. */
static void
check_foreign_cache(struct fix *fx)
{
    struct fix other;
    struct ep_err err;
    int32_t tok = 1;
    struct fwd_seq q = { 0 };

    if (fix_open(&other, "llama_gqa_f32", false) < 0) {
        CHECK(!"fixture loads");
        fix_close(&other);
        return;
    }
    q.kv = backend_kv_new(other.be, 8, &err);
    q.tokens = &tok;
    q.n_tokens = 1;
    CHECK(q.kv && backend_forward(fx->be, &q, 1, &err) == -1);
    CHECK(strstr(err.msg, "belongs to another backend") != NULL);
    backend_kv_free(other.be, q.kv);
    fix_close(&other);
}

/* Requests the backend must refuse, leaving caches untouched. */
static void
test_bad_requests(void)
{
    struct fix fx;
    struct ep_err err;
    int32_t toks[4] = { 1, 2, 3, 4 }, bad[2] = { 1, 256 };
    struct fwd_seq q[2] = { { 0 } };
    struct kv_cache *kv;

    if (fix_open(&fx, "gpt2_f16_noprefix", false) < 0) {
        CHECK(!"fixture loads");
        fix_close(&fx);
        return;
    }
    kv = backend_kv_new(fx.be, 64, &err);
    CHECK(backend_forward(fx.be, q, 0, &err) == -1);
    q[0].tokens = bad;
    q[0].n_tokens = 2;
    CHECK(backend_forward(fx.be, q, 1, &err) == -1 && strstr(err.msg, "vocabulary"));
    q[0].tokens = toks;
    q[0].n_tokens = 4;
    q[0].score_start = 3;
    q[0].n_score = 2;
    q[0].targets = toks;
    CHECK(backend_forward(fx.be, q, 1, &err) == -1 && strstr(err.msg, "scored rows"));
    q[0].n_score = 0;
    q[0].kv = q[1].kv = kv;
    q[0].kv_append = q[1].kv_append = true;
    q[1].tokens = toks;
    q[1].n_tokens = 1;
    CHECK(backend_forward(fx.be, q, 2, &err) == -1 && strstr(err.msg, "both append"));
    /* GPT-2 has 32 learned positions in this fixture. */
    q[0].n_tokens = 4;
    for (int i = 0; i < 8; i++)
        CHECK(backend_forward(fx.be, q, 1, &err) == 0);
    CHECK(backend_forward(fx.be, q, 1, &err) == -1 && strstr(err.msg, "positions"));
    CHECK(backend_kv_len(fx.be, kv) == 32);
    CHECK(backend_kv_new(fx.be, 0, &err) == NULL && strstr(err.msg, "capacity 0"));
    backend_kv_free(fx.be, kv);
    check_foreign_cache(&fx);
    fix_close(&fx);
}

/* backend_init_best() without a GPU build (or with cpu_only) is the CPU backend. */
static void
test_init_best(void)
{
    struct backend_opts o = BACKEND_OPTS_INIT;
    struct ep_err err;
    struct backend *be;

    o.cpu_only = true;
    o.n_threads = 1;
    be = backend_init_best(&o, &err);
    CHECK(be && be->ops == &backend_cpu_ops);
    CHECK(be && strstr(be->device, "cpu (1 thread, OpenBLAS)"));
    CHECK(be && backend_forward(be, NULL, 0, &err) == -1 && strstr(err.msg, "no model loaded"));
    backend_free(be);
    backend_free(NULL);
}

/* ----------------------------------------------------------------- broken checkpoints */

static char tmpdir[] = "/tmp/ep-model-test-XXXXXX";

static void
copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[65536];
    size_t n;

    if (!in || !out)
        abort();
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            abort();
    fclose(in);
    if (fclose(out))
        abort();
}

static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *s;
    long n;

    if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
        abort();
    s = xmalloc((size_t)n + 1);
    if (fread(s, 1, (size_t)n, f) != (size_t)n)
        abort();
    s[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return s;
}

static void
spew(const char *path, const char *s, size_t len)
{
    FILE *f = fopen(path, "wb");

    if (!f || fwrite(s, 1, len, f) != len || fclose(f))
        abort();
}

/* First occurrence of string `needle` in (s, len), which may hold NUL bytes. */
static char *
find_bytes(char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle);

    for (size_t i = 0; i + n <= len; i++)
        if (!memcmp(s + i, needle, n))
            return s + i;
    return NULL;
}

/* Copy fixture llama_gqa_f32 to tmpdir with `from` replaced by `to` in file `which`. */
static void
broken_copy(const char *which, const char *from, const char *to)
{
    const char *files[] = { "config.json", "model.safetensors" };
    char src[600], dst[600];

    for (size_t i = 0; i < 2; i++) {
        size_t len;
        char *s, *hit;

        snprintf(src, sizeof(src), "%s/tests/eval/fixtures/llama_gqa_f32/%s", top(), files[i]);
        snprintf(dst, sizeof(dst), "%s/%s", tmpdir, files[i]);
        if (strcmp(files[i], which)) {
            copy_file(src, dst);
            continue;
        }
        s = slurp(src, &len);
        hit = find_bytes(s, len, from);
        if (!hit || strlen(from) != strlen(to))
            BUG("fixture text '%s' not found (or replacement of another length)", from);
        memcpy(hit, to, strlen(to));
        spew(dst, s, len);
        free(s);
    }
}

/* Loading tmpdir must fail with a message containing every one of `want`. */
static void
expect_load_error(const char *want1, const char *want2)
{
    struct model m;
    struct ep_err err;
    int rc = model_load(&m, tmpdir, &err);

    CHECK(rc == -1);
    if (rc == 0) {
        model_release(&m);
        return;
    }
    printf("# %s\n", err.msg);
    CHECK(strstr(err.msg, want1) != NULL);
    CHECK(!want2 || strstr(err.msg, want2) != NULL);
    if (!strstr(err.msg, want1) || (want2 && !strstr(err.msg, want2)))
        fprintf(stderr, "unexpected message: %s\n", err.msg);
}

static void
test_broken_checkpoints(void)
{
    if (!mkdtemp(tmpdir))
        abort();
    broken_copy("config.json", "\"intermediate_size\": 64", "\"intermediate_size\": 65");
    expect_load_error("mlp.gate_proj.weight' has shape [64, 32], expected [65, 32]",
                      "model.safetensors");
    broken_copy("config.json", "\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3");
    expect_load_error("tensor 'model.layers.2.input_layernorm.weight' is missing", tmpdir);
    broken_copy("config.json", "\"attention_bias\": false", "\"attention_bias\": true ");
    expect_load_error("'model.layers.0.self_attn.q_proj.bias' is missing", NULL);
    broken_copy("config.json", "\"LlamaForCausalLM\"", "\"LlamaForCausalXX\"");
    expect_load_error("unsupported architecture 'LlamaForCausalXX'", "config.json");
    broken_copy("config.json", "\"hidden_size\"", "\"hidden_sizX\"");
    expect_load_error("'hidden_size' is missing", "config.json");
    broken_copy("model.safetensors", "\"model.norm.weight\":{\"dtype\":\"F32\"",
                "\"model.norm.weight\":{\"dtype\":\"I32\"");
    expect_load_error("'model.norm.weight' has dtype I32", "model.safetensors");
    broken_copy("model.safetensors", "\"model.norm.weight\":{\"dtype\":\"F32\"",
                "\"model.norm.weight\":{\"dtype\":\"F64\"");
    expect_load_error("data_offsets span 128 bytes, but 32 elements of F64 need 256",
                      "model.norm.weight");
    broken_copy("model.safetensors", "\"model.norm.weight\"", "\"model.norm.weighX\"");
    expect_load_error("'model.norm.weight' is missing", NULL);
}

static void
cleanup_tmpdir(void)
{
    char p[600];

    snprintf(p, sizeof(p), "%s/config.json", tmpdir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/model.safetensors", tmpdir);
    unlink(p);
    rmdir(tmpdir);
}

int
main(void)
{
    RUN(test_fixture_logits);
    for (size_t i = 0; i < NFIX; i++)
        printf("# %-28s max |logit - transformers| = %.2e\n", fixtures[i], worst_diff[i]);
    RUN(test_fixture_logits_naive);
    RUN(test_kv_cache);
    RUN(test_bad_requests);
    RUN(test_init_best);
    RUN(test_broken_checkpoints);
    cleanup_tmpdir();
    return DONE();
}

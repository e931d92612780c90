/*
 * backend_cpu — the reference forward pass on the CPU, fp32 throughout.
 *
 * Weights are converted to fp32 once, at load. A batch is packed: the new
 * tokens of all sequences form one (T, d) matrix, so each projection is one
 * GEMM; attention and the output head work per sequence, and logits are made
 * only for rows a caller scores or asks for. opts.naive swaps every GEMM and
 * attention for the plain-loop kernels, as an in-process oracle.
 */
#include "lib/eval/backend.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/eval/cpuops.h"
#include "lib/xalloc.h"

/* Rows of the output head computed at once: bounds the (rows, vocab) logits buffer. */
#define HEAD_CHUNK 64

/*
 * A layer's weights in the arena. wq, wk, wv are stored back to back, so wq
 * is also the fused (H*hd + 2*KV*hd, d) QKV projection (likewise bq, bk, bv);
 * w_gate and w_up likewise form one (2*ff, d) matrix. load_weights() checks it.
 */
struct cpu_layer {
    float *attn_norm, *attn_norm_b;
    float *wq, *wk, *wv, *wo, *bq, *bk, *bv, *bo;
    float *mlp_norm, *mlp_norm_b;
    float *w_gate, *w_up, *w_down, *b_gate, *b_up, *b_down;
};

struct cpu_state {
    struct backend_opts opts;
    bool loaded;
    struct model_config cfg; /* layer_window is our own copy */
    float *arena;            /* every weight, fp32 */
    float *tok_emb, *pos_emb, *final_norm, *final_norm_b, *lm_head;
    struct cpu_layer *layers;
    float *inv_freq; /* (head_dim / 2), RoPE models */
};

struct kv_cache {
    const struct cpu_state *owner;
    int64_t cap, len;
    int64_t n_layers, kv_dim;
    float *k, *v; /* (n_layers, cap, kv_dim) each */
};

/* Work buffers of one forward call, all rows packed (T = total new tokens). */
struct batch {
    int64_t T;
    int64_t *pos;  /* (T) absolute positions */
    int64_t *row0; /* (n_seqs) first packed row of each sequence */
    int64_t *past; /* (n_seqs) cached tokens before each sequence */
    float *x;      /* (T, d) the residual stream */
    float *xb;     /* (T, d) normed input / block output */
    float *qkv;    /* (T, H*hd + 2*KV*hd): q, k, v side by side */
    float *att;    /* (T, H*hd) */
    float *h1;     /* (T, 2*ff): gate and up side by side (GPT-2: (T, ff) fc) */
    float *h2;     /* (T, ff) */
};

/* ----------------------------------------------------------------- init and load */

static int
cpu_init(struct backend *be, const struct backend_opts *o, struct ep_err *err)
{
    struct cpu_state *st = xcalloc(1, sizeof(*st));

    (void)err;
    st->opts = *o;
    cpuops_set_threads(o->n_threads);
    be->state = st;
    snprintf(be->device, sizeof(be->device), "cpu (%d thread%s, %s)", cpuops_threads(),
             cpuops_threads() == 1 ? "" : "s", o->naive ? "naive loops" : "OpenBLAS");
    return 0;
}

/* Place w in the arena at *off (when bound) and convert it; *off advances. */
static int
take(float **dst, const struct model_tensor *w, float *arena, size_t *off, struct ep_err *err)
{
    if (!w->t) {
        *dst = NULL;
        return 0;
    }
    *dst = arena + *off;
    *off += (size_t)model_tensor_numel(w);
    return model_tensor_read_f32(w, *dst, err);
}

/* The layer's weights, in one fixed order shared by sizing and loading. */
static int
layer_refs(const struct model_layer *L, struct cpu_layer *C, const struct model_tensor **w,
           float ***dst)
{
    const struct model_tensor *src[] = {
        &L->attn_norm, &L->attn_norm_b, &L->wq,     &L->wk,     &L->wv,       &L->wo,
        &L->bq,        &L->bk,          &L->bv,     &L->bo,     &L->mlp_norm, &L->mlp_norm_b,
        &L->w_gate,    &L->w_up,        &L->w_down, &L->b_gate, &L->b_up,     &L->b_down,
    };
    float **to[] = {
        &C->attn_norm, &C->attn_norm_b, &C->wq,     &C->wk,     &C->wv,       &C->wo,
        &C->bq,        &C->bk,          &C->bv,     &C->bo,     &C->mlp_norm, &C->mlp_norm_b,
        &C->w_gate,    &C->w_up,        &C->w_down, &C->b_gate, &C->b_up,     &C->b_down,
    };
    int n = (int)(sizeof(src) / sizeof(src[0]));

    for (int i = 0; i < n; i++) {
        w[i] = src[i];
        dst[i] = to[i];
    }
    return n;
}

#define LAYER_NREFS 18

/* The fused views the forward pass relies on (see struct cpu_layer). */
static void
check_fused(const struct model_config *c, const struct cpu_layer *L)
{
    int64_t d = c->d_model, qd = c->n_heads * c->head_dim, kvd = c->n_kv_heads * c->head_dim;

    if (L->wk != L->wq + qd * d || L->wv != L->wk + kvd * d)
        BUG("q, k, v weights are not adjacent");
    if (c->qkv_bias && (L->bk != L->bq + qd || L->bv != L->bk + kvd))
        BUG("q, k, v biases are not adjacent");
    if (c->gated_mlp && L->w_up != L->w_gate + c->d_ff * d)
        BUG("gate and up weights are not adjacent");
    if (c->gated_mlp && c->mlp_bias && L->b_up != L->b_gate + c->d_ff)
        BUG("gate and up biases are not adjacent");
}

/*
 * Convert every weight to fp32 into one arena, in nn.Linear layout. Once, at
 * load: on the 100M-parameter benchmark model converting all BF16 weights
 * takes about 1 s and a 1024-token forward 7-14 s on 2 cores, so converting
 * per layer on every call would add that second to each call (and dominate
 * a one-token decoding step). The price is fp32 memory.
 */
static int
load_weights(struct cpu_state *st, const struct model *m, struct ep_err *err)
{
    const struct model_tensor *w[LAYER_NREFS];
    float **dst[LAYER_NREFS];
    size_t off = 0;

    st->arena = xmalloc((size_t)model_n_params(m) * sizeof(float));
    if (take(&st->tok_emb, &m->tok_emb, st->arena, &off, err) < 0 ||
        take(&st->pos_emb, &m->pos_emb, st->arena, &off, err) < 0 ||
        take(&st->final_norm, &m->final_norm, st->arena, &off, err) < 0 ||
        take(&st->final_norm_b, &m->final_norm_b, st->arena, &off, err) < 0)
        return -1;
    if (m->cfg.tie_embeddings)
        st->lm_head = st->tok_emb;
    else if (take(&st->lm_head, &m->lm_head, st->arena, &off, err) < 0)
        return -1;
    st->layers = xcalloc((size_t)m->cfg.n_layers, sizeof(*st->layers));
    for (int64_t l = 0; l < m->cfg.n_layers; l++) {
        int n = layer_refs(&m->layers[l], &st->layers[l], w, dst);

        for (int i = 0; i < n; i++)
            if (take(dst[i], w[i], st->arena, &off, err) < 0)
                return -1;
    }
    if (off != (size_t)model_n_params(m))
        BUG("weight arena holds %zu floats, expected %lld", off, (long long)model_n_params(m));
    for (int64_t l = 0; l < m->cfg.n_layers; l++)
        check_fused(&m->cfg, &st->layers[l]);
    return 0;
}

static int
cpu_load(struct backend *be, const struct model *m, struct ep_err *err)
{
    struct cpu_state *st = be->state;

    if (st->loaded)
        return ep_err_set(err, "backend %s: a model is already loaded", be->ops->name);
    st->cfg = m->cfg;
    st->cfg.layer_window = xmalloc((size_t)m->cfg.n_layers * sizeof(int64_t));
    memcpy(st->cfg.layer_window, m->cfg.layer_window, (size_t)m->cfg.n_layers * sizeof(int64_t));
    if (m->cfg.rope.type != ROPE_NONE) {
        st->inv_freq = xmalloc((size_t)(m->cfg.head_dim / 2) * sizeof(float));
        config_rope_inv_freq(&m->cfg, st->inv_freq);
    }
    if (load_weights(st, m, err) < 0)
        return -1;
    st->loaded = true;
    return 0;
}

static void
cpu_free(struct backend *be)
{
    struct cpu_state *st = be->state;

    if (!st)
        return;
    config_release(&st->cfg);
    free(st->arena);
    free(st->layers);
    free(st->inv_freq);
    free(st);
    be->state = NULL;
}

/* ----------------------------------------------------------------- kv cache */

static void
cpu_kv_free(struct backend *be, struct kv_cache *kv)
{
    (void)be;
    free(kv->k);
    free(kv->v);
    free(kv);
}

static struct kv_cache *
cpu_kv_new(struct backend *be, size_t capacity, struct ep_err *err)
{
    struct cpu_state *st = be->state;
    struct kv_cache *kv;
    size_t n;

    if (!st->loaded) {
        ep_err_set(err, "backend %s: no model loaded", be->ops->name);
        return NULL;
    }
    if (!capacity || capacity > (size_t)1 << 24) {
        ep_err_set(err, "backend %s: cache capacity %zu out of range", be->ops->name, capacity);
        return NULL;
    }
    kv = xcalloc(1, sizeof(*kv));
    kv->owner = st;
    kv->cap = (int64_t)capacity;
    kv->n_layers = st->cfg.n_layers;
    kv->kv_dim = st->cfg.n_kv_heads * st->cfg.head_dim;
    /* The size is the caller's choice: a failed allocation is an error, not a death. */
    n = (size_t)(kv->n_layers * kv->cap * kv->kv_dim);
    kv->k = malloc(n * sizeof(float));
    kv->v = malloc(n * sizeof(float));
    if (!kv->k || !kv->v) {
        ep_err_set(err, "backend %s: cannot allocate a cache of %zu tokens (%.1f GiB)",
                   be->ops->name, capacity, 2.0 * (double)n * sizeof(float) / (1 << 30));
        cpu_kv_free(be, kv);
        return NULL;
    }
    return kv;
}

static size_t
cpu_kv_len(const struct kv_cache *kv)
{
    return (size_t)kv->len;
}

static void
cpu_kv_truncate(struct kv_cache *kv, size_t len)
{
    if ((int64_t)len < kv->len)
        kv->len = (int64_t)len;
}

/* ----------------------------------------------------------------- request checks */

static int
check_tokens(const struct model_config *c, const int32_t *tok, size_t n, size_t s, const char *what,
             struct ep_err *err)
{
    for (size_t i = 0; i < n; i++)
        if (tok[i] < 0 || tok[i] >= c->vocab_size)
            return ep_err_set(err, "sequence %zu: %s %zu is %ld, outside the vocabulary [0, %lld)",
                              s, what, i, (long)tok[i], (long long)c->vocab_size);
    return 0;
}

/* One sequence's request against the model and its cache. */
static int
check_seq(const struct cpu_state *st, const struct fwd_seq *q, size_t s, struct ep_err *err)
{
    const struct model_config *c = &st->cfg;
    int64_t past = q->kv ? q->kv->len : 0;

    if (!q->n_tokens || !q->tokens || q->n_tokens > (size_t)1 << 24)
        return ep_err_set(err, "sequence %zu: %zu tokens (need 1 .. 2^24)", s, q->n_tokens);
    if (q->kv_append && !q->kv)
        return ep_err_set(err, "sequence %zu: kv_append without a cache", s);
    if (q->kv && q->kv->owner != st)
        return ep_err_set(err, "sequence %zu: the cache belongs to another backend", s);
    if (q->kv_append && past + (int64_t)q->n_tokens > q->kv->cap)
        return ep_err_set(
            err, "sequence %zu: %lld cached + %zu new tokens exceed the cache capacity %lld", s,
            (long long)past, q->n_tokens, (long long)q->kv->cap);
    if (c->learned_pos && past + (int64_t)q->n_tokens > c->max_pos)
        return ep_err_set(err, "sequence %zu: position %lld is beyond the model's %lld positions",
                          s, (long long)(past + (int64_t)q->n_tokens - 1), (long long)c->max_pos);
    if (q->score_start > q->n_tokens || q->n_score > q->n_tokens - q->score_start ||
        (q->n_score && !q->targets))
        return ep_err_set(err, "sequence %zu: scored rows [%zu, +%zu) outside its %zu tokens", s,
                          q->score_start, q->n_score, q->n_tokens);
    if (q->n_logits > q->n_tokens || (q->n_logits && !q->logits))
        return ep_err_set(err, "sequence %zu: %zu logits rows asked of %zu tokens", s, q->n_logits,
                          q->n_tokens);
    if (check_tokens(c, q->tokens, q->n_tokens, s, "token", err) < 0 ||
        check_tokens(c, q->targets, q->n_score, s, "target", err) < 0)
        return -1;
    return 0;
}

static int
check_batch(const struct cpu_state *st, const struct fwd_seq *seqs, size_t n, struct ep_err *err)
{
    if (!st->loaded)
        return ep_err_set(err, "backend cpu: no model loaded");
    if (!n)
        return ep_err_set(err, "empty batch");
    for (size_t s = 0; s < n; s++) {
        if (check_seq(st, &seqs[s], s, err) < 0)
            return -1;
        for (size_t r = 0; r < s && seqs[s].kv_append; r++)
            if (seqs[r].kv_append && seqs[r].kv == seqs[s].kv)
                return ep_err_set(err, "sequences %zu and %zu both append to one cache", r, s);
    }
    return 0;
}

/* ----------------------------------------------------------------- the forward pass */

static void
batch_init(struct batch *b, const struct model_config *c, const struct fwd_seq *seqs, size_t n)
{
    int64_t T = 0, qd = c->n_heads * c->head_dim, kvd = c->n_kv_heads * c->head_dim;

    for (size_t s = 0; s < n; s++)
        T += (int64_t)seqs[s].n_tokens;
    b->T = T;
    b->pos = xmalloc((size_t)T * sizeof(*b->pos));
    b->row0 = xmalloc(n * sizeof(*b->row0));
    b->past = xmalloc(n * sizeof(*b->past));
    for (size_t s = 0, r = 0; s < n; s++) {
        b->row0[s] = (int64_t)r;
        b->past[s] = seqs[s].kv ? seqs[s].kv->len : 0;
        for (size_t i = 0; i < seqs[s].n_tokens; i++)
            b->pos[r++] = b->past[s] + (int64_t)i;
    }
    b->x = xmalloc((size_t)(T * c->d_model) * sizeof(float));
    b->xb = xmalloc((size_t)(T * c->d_model) * sizeof(float));
    b->qkv = xmalloc((size_t)(T * (qd + 2 * kvd)) * sizeof(float));
    b->att = xmalloc((size_t)(T * qd) * sizeof(float));
    b->h1 = xmalloc((size_t)(T * 2 * c->d_ff) * sizeof(float));
    b->h2 = xmalloc((size_t)(T * c->d_ff) * sizeof(float));
}

static void
batch_release(struct batch *b)
{
    void *p[] = { b->pos, b->row0, b->past, b->x, b->xb, b->qkv, b->att, b->h1, b->h2 };

    for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
        free(p[i]);
}

static void
matmul(const struct cpu_state *st, float *y, const float *x, const float *w, const float *b,
       int64_t T, int64_t in, int64_t out)
{
    if (st->opts.naive)
        cpuops_matmul_naive(y, x, w, b, T, in, out);
    else
        cpuops_matmul(y, x, w, b, T, in, out);
}

static void
norm(const struct cpu_state *st, float *y, const float *x, const float *w, const float *b,
     int64_t T)
{
    if (st->cfg.layer_norm)
        cpuops_layernorm(y, x, w, b, T, st->cfg.d_model, (float)st->cfg.norm_eps);
    else
        cpuops_rmsnorm(y, x, w, T, st->cfg.d_model, (float)st->cfg.norm_eps);
}

/* x (T, d) = token embedding (+ learned position embedding). */
static void
embed(const struct cpu_state *st, struct batch *b, const struct fwd_seq *seqs, size_t n)
{
    int64_t d = st->cfg.d_model;

    for (size_t s = 0; s < n; s++) {
        for (size_t i = 0; i < seqs[s].n_tokens; i++) {
            int64_t r = b->row0[s] + (int64_t)i;
            float *xr = b->x + r * d;

            memcpy(xr, st->tok_emb + (int64_t)seqs[s].tokens[i] * d, (size_t)d * sizeof(float));
            if (st->pos_emb)
                cpuops_add(xr, st->pos_emb + b->pos[r] * d, d);
        }
    }
}

/* Attention of every sequence for layer l; new keys/values are appended where asked. */
static void
attend(const struct cpu_state *st, struct batch *b, struct fwd_seq *seqs, size_t n, int64_t l)
{
    const struct model_config *c = &st->cfg;
    int64_t qd = c->n_heads * c->head_dim, kvd = c->n_kv_heads * c->head_dim, ld = qd + 2 * kvd;
    struct cpuops_attn a = { c->n_heads, c->n_kv_heads, c->head_dim, config_attn_scale(c, l),
                             c->layer_window[l] };

    for (size_t s = 0; s < n; s++) {
        struct kv_cache *kv = seqs[s].kv;
        const float *qkv = b->qkv + b->row0[s] * ld;
        struct cpuops_attn_io io = {
            b->att + b->row0[s] * qd,
            qd,
            qkv,
            ld,
            (int64_t)seqs[s].n_tokens,
            kv ? kv->k + l * kv->cap * kvd : NULL,
            kv ? kv->v + l * kv->cap * kvd : NULL,
            kvd,
            b->past[s],
            qkv + qd,
            qkv + qd + kvd,
            ld,
        };

        if (st->opts.naive)
            cpuops_attention_naive(&a, &io);
        else
            cpuops_attention(&a, &io);
        for (int64_t i = 0; seqs[s].kv_append && i < io.n; i++) {
            int64_t row = l * kv->cap + io.past + i;

            memcpy(kv->k + row * kvd, io.kn + i * ld, (size_t)kvd * sizeof(float));
            memcpy(kv->v + row * kvd, io.vn + i * ld, (size_t)kvd * sizeof(float));
        }
    }
}

static void
layer_forward(const struct cpu_state *st, struct batch *b, struct fwd_seq *seqs, size_t n,
              int64_t l)
{
    const struct model_config *c = &st->cfg;
    const struct cpu_layer *L = &st->layers[l];
    int64_t T = b->T, d = c->d_model, ff = c->d_ff;
    int64_t qd = c->n_heads * c->head_dim, kvd = c->n_kv_heads * c->head_dim, ld = qd + 2 * kvd;

    /* Attention block: x += o(attn(rope(q), rope(k), v)), [q k v] = xb · Wqkvᵀ, xb = norm(x). */
    norm(st, b->xb, b->x, L->attn_norm, L->attn_norm_b, T);
    matmul(st, b->qkv, b->xb, L->wq, L->bq, T, d, ld);
    if (st->inv_freq) {
        cpuops_rope(b->qkv, T, ld, c->n_heads, c->head_dim, b->pos, st->inv_freq);
        cpuops_rope(b->qkv + qd, T, ld, c->n_kv_heads, c->head_dim, b->pos, st->inv_freq);
    }
    attend(st, b, seqs, n, l);
    matmul(st, b->xb, b->att, L->wo, L->bo, T, qd, d);
    cpuops_add(b->x, b->xb, T * d);

    /* MLP block: x += down(act(gate) * up), [gate up] = xb · Wguᵀ; GPT-2: proj(act(fc(xb))). */
    norm(st, b->xb, b->x, L->mlp_norm, L->mlp_norm_b, T);
    if (c->gated_mlp) {
        matmul(st, b->h1, b->xb, L->w_gate, L->b_gate, T, d, 2 * ff);
        for (int64_t t = 0; t < T; t++)
            cpuops_act_mul_to(b->h2 + t * ff, b->h1 + t * 2 * ff, b->h1 + t * 2 * ff + ff, ff,
                              c->act);
        matmul(st, b->xb, b->h2, L->w_down, L->b_down, T, ff, d);
    } else {
        matmul(st, b->h1, b->xb, L->w_up, L->b_up, T, d, ff);
        cpuops_act(b->h1, T * ff, c->act);
        matmul(st, b->xb, b->h1, L->w_down, L->b_down, T, ff, d);
    }
    cpuops_add(b->x, b->xb, T * d);
}

/* ----------------------------------------------------------------- output head */

/* Which rows of sequence q need logits: scored ones and the last n_logits. */
static bool
row_needed(const struct fwd_seq *q, size_t i)
{
    return (i >= q->score_start && i < q->score_start + q->n_score) ||
           i >= q->n_tokens - q->n_logits;
}

/* Score / copy out one row of logits (V) for new token i of sequence q. */
static void
emit_row(const float *logits, int64_t V, struct fwd_seq *q, size_t i)
{
    if (i >= q->score_start && i < q->score_start + q->n_score) {
        size_t j = i - q->score_start;
        int32_t tgt = q->targets[j];

        if (q->logprobs)
            q->logprobs[j] = (float)((double)logits[tgt] - cpuops_logsumexp(logits, V));
        if (q->greedy)
            q->greedy[j] = cpuops_argmax(logits, V) == tgt;
    }
    if (i >= q->n_tokens - q->n_logits)
        memcpy(q->logits + (i - (q->n_tokens - q->n_logits)) * (size_t)V, logits,
               (size_t)V * sizeof(float));
}

/* Rows gathered for the output head. */
struct head_rows {
    float *x;      /* (HEAD_CHUNK, d) */
    float *logits; /* (HEAD_CHUNK, V) */
    size_t seq[HEAD_CHUNK], idx[HEAD_CHUNK];
    int64_t m;
};

/* Final norm + lm_head on the gathered rows, then score / copy them out. */
static void
head_flush(const struct cpu_state *st, struct head_rows *h, struct fwd_seq *seqs)
{
    int64_t V = st->cfg.vocab_size, m = h->m;

    if (!m)
        return;
    norm(st, h->x, h->x, st->final_norm, st->final_norm_b, m);
    matmul(st, h->logits, h->x, st->lm_head, NULL, m, st->cfg.d_model, V);
    /* log-softmax rows: an exp per vocabulary entry, worth threads from two rows on. */
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (m > 1 && V >= 1024)
#endif
    for (int64_t r = 0; r < m; r++)
        emit_row(h->logits + r * V, V, &seqs[h->seq[r]], h->idx[r]);
    h->m = 0;
}

/* The output head over the needed rows only, HEAD_CHUNK rows at a time. */
static void
head(const struct cpu_state *st, struct batch *b, struct fwd_seq *seqs, size_t n)
{
    int64_t d = st->cfg.d_model;
    struct head_rows h;

    h.x = xmalloc((size_t)(HEAD_CHUNK * d) * sizeof(float));
    h.logits = xmalloc((size_t)(HEAD_CHUNK * st->cfg.vocab_size) * sizeof(float));
    h.m = 0;
    for (size_t s = 0; s < n; s++) {
        for (size_t i = 0; i < seqs[s].n_tokens; i++) {
            if (!row_needed(&seqs[s], i))
                continue;
            memcpy(h.x + h.m * d, b->x + (b->row0[s] + (int64_t)i) * d, (size_t)d * sizeof(float));
            h.seq[h.m] = s;
            h.idx[h.m++] = i;
            if (h.m == HEAD_CHUNK)
                head_flush(st, &h, seqs);
        }
    }
    head_flush(st, &h, seqs);
    free(h.x);
    free(h.logits);
}

static int
cpu_forward(struct backend *be, struct fwd_seq *seqs, size_t n, struct ep_err *err)
{
    const struct cpu_state *st = be->state;
    struct batch b;

    if (check_batch(st, seqs, n, err) < 0)
        return -1;
    batch_init(&b, &st->cfg, seqs, n);
    embed(st, &b, seqs, n);
    for (int64_t l = 0; l < st->cfg.n_layers; l++)
        layer_forward(st, &b, seqs, n, l);
    head(st, &b, seqs, n);
    for (size_t s = 0; s < n; s++)
        if (seqs[s].kv_append)
            seqs[s].kv->len += (int64_t)seqs[s].n_tokens;
    batch_release(&b);
    return 0;
}

const struct backend_ops backend_cpu_ops = {
    .name = "cpu",
    .init = cpu_init,
    .load = cpu_load,
    .forward = cpu_forward,
    .kv_new = cpu_kv_new,
    .kv_free = cpu_kv_free,
    .kv_len = cpu_kv_len,
    .kv_truncate = cpu_kv_truncate,
    .free = cpu_free,
};

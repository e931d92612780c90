/*
 * model — bind the tensors of a checkpoint to the weights of the forward
 * pass, checking name, dtype and shape against config.json.
 *
 * Llama, Mistral and Qwen2 share the "model.layers.N.*" naming; GPT-2 uses
 * "h.N.*" with or without a "transformer." prefix and Conv1D weights stored
 * [in, out], whose fused c_attn is split here into q, k, v slices.
 */
#include "lib/eval/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

#define NAME_MAX_LEN 160

struct binder {
    const struct safetensors *st;
    const char *dir;
    const char *prefix; /* "model." / "transformer." / "" */
    const char *stem;   /* of layer tensors: "layers." / "h." */
    struct ep_err *err;
};

/* ----------------------------------------------------------------- binding */

static void
fmt_shape(char *out, size_t n, const int64_t *shape, int ndim)
{
    size_t len = 0;

    len += (size_t)snprintf(out, n, "[");
    for (int i = 0; i < ndim && len < n; i++)
        len += (size_t)snprintf(out + len, n - len, "%s%lld", i ? ", " : "", (long long)shape[i]);
    if (len < n)
        snprintf(out + len, n - len, "]");
}

/* Find prefix+name and check it has exactly `ndim` dims `shape`. */
static const struct safetensors_tensor *
find_checked(const struct binder *b, const char *name, const int64_t *shape, int ndim)
{
    char full[NAME_MAX_LEN], got[128], want[128];
    const struct safetensors_tensor *t;
    bool same;

    snprintf(full, sizeof(full), "%s%s", b->prefix, name);
    t = safetensors_find(b->st, full);
    if (!t) {
        ep_err_set(b->err, "%s: tensor '%s' is missing from the checkpoint", b->dir, full);
        return NULL;
    }
    if (t->dtype != ST_F32 && t->dtype != ST_F16 && t->dtype != ST_BF16) {
        ep_err_set(b->err, "%s: tensor '%s' has dtype %s; only F32, F16 and BF16 are supported",
                   t->path, full, safetensors_dtype_name(t->dtype));
        return NULL;
    }
    same = t->ndim == ndim;
    for (int i = 0; same && i < ndim; i++)
        same = t->shape[i] == shape[i];
    if (!same) {
        fmt_shape(got, sizeof(got), t->shape, t->ndim);
        fmt_shape(want, sizeof(want), shape, ndim);
        ep_err_set(b->err, "%s: tensor '%s' has shape %s, expected %s from config.json", t->path,
                   full, got, want);
        return NULL;
    }
    return t;
}

/* A Linear weight [rows, cols] (cols > 1) or a vector [rows] (cols == 1). */
static int
bind(const struct binder *b, struct model_tensor *w, const char *name, int64_t rows, int64_t cols)
{
    int64_t shape[2] = { rows, cols };

    w->rows = rows;
    w->cols = cols;
    w->t = find_checked(b, name, shape, cols == 1 ? 1 : 2);
    return w->t ? 0 : -1;
}

/* The name of a layer tensor: stem + layer + "." + suffix ("layers.3.mlp.up_proj.weight"). */
static void
layer_name(char *out, size_t n, const struct binder *b, int64_t layer, const char *suffix)
{
    snprintf(out, n, "%s%lld.%s", b->stem, (long long)layer, suffix);
}

/* bind() for a tensor of layer `layer`. */
static int
bindl(const struct binder *b, struct model_tensor *w, const char *suffix, int64_t layer,
      int64_t rows, int64_t cols)
{
    char name[NAME_MAX_LEN];

    layer_name(name, sizeof(name), b, layer, suffix);
    return bind(b, w, name, rows, cols);
}

/* A GPT-2 Conv1D weight stored [in, total_out], of which this is outputs [col0, col0 + rows). */
static int
bind_conv1d(const struct binder *b, struct model_tensor *w, const char *suffix, int64_t layer,
            int64_t rows, int64_t cols, int64_t total_out, int64_t col0)
{
    char name[NAME_MAX_LEN];
    int64_t shape[2] = { cols, total_out };

    layer_name(name, sizeof(name), b, layer, suffix);
    w->rows = rows;
    w->cols = cols;
    w->conv1d = true;
    w->col0 = col0;
    w->t = find_checked(b, name, shape, 2);
    return w->t ? 0 : -1;
}

/* A slice [col0, col0 + rows) of a fused bias vector of `total` elements. */
static int
bind_bias_slice(const struct binder *b, struct model_tensor *w, const char *suffix, int64_t layer,
                int64_t rows, int64_t total, int64_t col0)
{
    char name[NAME_MAX_LEN];
    int64_t shape[1] = { total };

    layer_name(name, sizeof(name), b, layer, suffix);
    w->rows = rows;
    w->cols = 1;
    w->col0 = col0;
    w->t = find_checked(b, name, shape, 1);
    return w->t ? 0 : -1;
}

static int
bind_llama_layer(const struct binder *b, const struct model_config *c, struct model_layer *L,
                 int64_t l)
{
    int64_t d = c->d_model, q = c->n_heads * c->head_dim, kv = c->n_kv_heads * c->head_dim;
    int64_t ff = c->d_ff;

    if (bindl(b, &L->attn_norm, "input_layernorm.weight", l, d, 1) < 0 ||
        bindl(b, &L->wq, "self_attn.q_proj.weight", l, q, d) < 0 ||
        bindl(b, &L->wk, "self_attn.k_proj.weight", l, kv, d) < 0 ||
        bindl(b, &L->wv, "self_attn.v_proj.weight", l, kv, d) < 0 ||
        bindl(b, &L->wo, "self_attn.o_proj.weight", l, d, q) < 0 ||
        bindl(b, &L->mlp_norm, "post_attention_layernorm.weight", l, d, 1) < 0 ||
        bindl(b, &L->w_gate, "mlp.gate_proj.weight", l, ff, d) < 0 ||
        bindl(b, &L->w_up, "mlp.up_proj.weight", l, ff, d) < 0 ||
        bindl(b, &L->w_down, "mlp.down_proj.weight", l, d, ff) < 0)
        return -1;
    if (c->qkv_bias && (bindl(b, &L->bq, "self_attn.q_proj.bias", l, q, 1) < 0 ||
                        bindl(b, &L->bk, "self_attn.k_proj.bias", l, kv, 1) < 0 ||
                        bindl(b, &L->bv, "self_attn.v_proj.bias", l, kv, 1) < 0))
        return -1;
    if (c->o_bias && bindl(b, &L->bo, "self_attn.o_proj.bias", l, d, 1) < 0)
        return -1;
    if (c->mlp_bias && (bindl(b, &L->b_gate, "mlp.gate_proj.bias", l, ff, 1) < 0 ||
                        bindl(b, &L->b_up, "mlp.up_proj.bias", l, ff, 1) < 0 ||
                        bindl(b, &L->b_down, "mlp.down_proj.bias", l, d, 1) < 0))
        return -1;
    return 0;
}

static int
bind_gpt2_layer(const struct binder *b, const struct model_config *c, struct model_layer *L,
                int64_t l)
{
    int64_t d = c->d_model, ff = c->d_ff;
    const char *cw = "attn.c_attn.weight", *cb = "attn.c_attn.bias";

    return bindl(b, &L->attn_norm, "ln_1.weight", l, d, 1) < 0 ||
                   bindl(b, &L->attn_norm_b, "ln_1.bias", l, d, 1) < 0 ||
                   bind_conv1d(b, &L->wq, cw, l, d, d, 3 * d, 0) < 0 ||
                   bind_conv1d(b, &L->wk, cw, l, d, d, 3 * d, d) < 0 ||
                   bind_conv1d(b, &L->wv, cw, l, d, d, 3 * d, 2 * d) < 0 ||
                   bind_bias_slice(b, &L->bq, cb, l, d, 3 * d, 0) < 0 ||
                   bind_bias_slice(b, &L->bk, cb, l, d, 3 * d, d) < 0 ||
                   bind_bias_slice(b, &L->bv, cb, l, d, 3 * d, 2 * d) < 0 ||
                   bind_conv1d(b, &L->wo, "attn.c_proj.weight", l, d, d, d, 0) < 0 ||
                   bindl(b, &L->bo, "attn.c_proj.bias", l, d, 1) < 0 ||
                   bindl(b, &L->mlp_norm, "ln_2.weight", l, d, 1) < 0 ||
                   bindl(b, &L->mlp_norm_b, "ln_2.bias", l, d, 1) < 0 ||
                   bind_conv1d(b, &L->w_up, "mlp.c_fc.weight", l, ff, d, ff, 0) < 0 ||
                   bindl(b, &L->b_up, "mlp.c_fc.bias", l, ff, 1) < 0 ||
                   bind_conv1d(b, &L->w_down, "mlp.c_proj.weight", l, d, ff, d, 0) < 0 ||
                   bindl(b, &L->b_down, "mlp.c_proj.bias", l, d, 1) < 0
               ? -1
               : 0;
}

/* Embeddings, final norm and head; the "lm_head.weight" name has no prefix. */
static int
bind_outer(struct binder *b, struct model *m)
{
    const struct model_config *c = &m->cfg;
    const char *prefix = b->prefix;
    bool gpt2 = c->arch == ARCH_GPT2;

    if (bind(b, &m->tok_emb, gpt2 ? "wte.weight" : "embed_tokens.weight", c->vocab_size,
             c->d_model) < 0 ||
        bind(b, &m->final_norm, gpt2 ? "ln_f.weight" : "norm.weight", c->d_model, 1) < 0)
        return -1;
    if (gpt2 && (bind(b, &m->pos_emb, "wpe.weight", c->max_pos, c->d_model) < 0 ||
                 bind(b, &m->final_norm_b, "ln_f.bias", c->d_model, 1) < 0))
        return -1;
    if (c->tie_embeddings) {
        m->lm_head = m->tok_emb;
        return 0;
    }
    b->prefix = "";
    if (bind(b, &m->lm_head, "lm_head.weight", c->vocab_size, c->d_model) < 0)
        return -1;
    b->prefix = prefix;
    return 0;
}

/* ----------------------------------------------------------------- exported */

int
model_bind(struct model *m, struct model_config *cfg, struct safetensors *st, struct ep_err *err)
{
    struct binder b = { NULL, m->dir ? m->dir : "checkpoint", "model.", "layers.", err };
    const struct model_config *c;

    m->cfg = *cfg;
    m->st = *st;
    memset(cfg, 0, sizeof(*cfg));
    memset(st, 0, sizeof(*st));
    b.st = &m->st;
    c = &m->cfg;
    if (c->arch == ARCH_GPT2) {
        b.prefix = safetensors_find(&m->st, "transformer.wte.weight") ? "transformer." : "";
        b.stem = "h.";
    }
    m->layers = xcalloc((size_t)c->n_layers, sizeof(*m->layers));
    if (bind_outer(&b, m) < 0)
        return -1;
    for (int64_t l = 0; l < c->n_layers; l++) {
        int rc = c->arch == ARCH_GPT2 ? bind_gpt2_layer(&b, c, &m->layers[l], l)
                                      : bind_llama_layer(&b, c, &m->layers[l], l);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int
model_load(struct model *m, const char *dir, struct ep_err *err)
{
    struct model_config cfg;
    struct safetensors st = SAFETENSORS_INIT;
    char *path = xstrfmt("%s/config.json", dir);
    int rc;

    memset(m, 0, sizeof(*m));
    m->dir = xstrdup(dir);
    rc = config_load(&cfg, path, err);
    free(path);
    if (rc < 0) {
        model_release(m);
        return -1;
    }
    if (safetensors_open_dir(&st, dir, err) < 0) {
        config_release(&cfg);
        model_release(m);
        return -1;
    }
    if (model_bind(m, &cfg, &st, err) < 0) {
        model_release(m);
        return -1;
    }
    return 0;
}

void
model_release(struct model *m)
{
    config_release(&m->cfg);
    safetensors_release(&m->st);
    free(m->layers);
    free(m->dir);
    memset(m, 0, sizeof(*m));
}

int64_t
model_tensor_numel(const struct model_tensor *w)
{
    return w->t ? w->rows * w->cols : 0;
}

int
model_tensor_read_f32(const struct model_tensor *w, float *dst, struct ep_err *err)
{
    float *row;
    int64_t stride;

    if (!w->t)
        BUG("reading an unbound weight");
    if (!w->conv1d)
        return safetensors_read_f32(w->t, (size_t)w->col0, (size_t)(w->rows * w->cols), dst, err);
    /* Conv1D: source row i holds input feature i for every output; transpose into (rows, cols). */
    stride = w->t->shape[1];
    row = xmalloc((size_t)w->rows * sizeof(*row));
    for (int64_t i = 0; i < w->cols; i++) {
        size_t first = (size_t)(i * stride + w->col0);

        if (safetensors_read_f32(w->t, first, (size_t)w->rows, row, err) < 0) {
            free(row);
            return -1;
        }
        for (int64_t o = 0; o < w->rows; o++)
            dst[o * w->cols + i] = row[o];
    }
    free(row);
    return 0;
}

int64_t
model_n_params(const struct model *m)
{
    const struct model_tensor *outer[] = { &m->tok_emb, &m->pos_emb, &m->final_norm,
                                           &m->final_norm_b };
    int64_t n = m->cfg.tie_embeddings ? 0 : model_tensor_numel(&m->lm_head);

    for (size_t i = 0; i < sizeof(outer) / sizeof(outer[0]); i++)
        n += model_tensor_numel(outer[i]);
    for (int64_t l = 0; l < m->cfg.n_layers; l++) {
        const struct model_layer *L = &m->layers[l];
        const struct model_tensor *w[] = {
            &L->attn_norm, &L->attn_norm_b, &L->wq,     &L->wk,     &L->wv,       &L->wo,
            &L->bq,        &L->bk,          &L->bv,     &L->bo,     &L->mlp_norm, &L->mlp_norm_b,
            &L->w_gate,    &L->w_up,        &L->w_down, &L->b_gate, &L->b_up,     &L->b_down
        };

        for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
            n += model_tensor_numel(w[i]);
    }
    return n;
}

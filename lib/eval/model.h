/*
 * model — a checkpoint directory bound to its architecture: config.json
 * parsed, every weight the forward pass needs found in the safetensors files
 * and checked against the shape the config implies.
 *
 * Weights stay in the read-only mapping in their stored dtype; a backend
 * reads them through model_tensor_read_f32(), which also hides the layout
 * differences (GPT-2's Conv1D [in, out] weights, its fused c_attn). The model
 * owns its config and mapping; model_release() frees both.
 */
#ifndef EVALPIPE_EVAL_MODEL_H
#define EVALPIPE_EVAL_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/eval/config.h"
#include "lib/eval/safetensors.h"
#include "lib/msg.h"

/*
 * One weight as the forward pass sees it: a matrix of `rows` output features
 * by `cols` input features (nn.Linear's [out, in], y = x·Wᵀ), or a vector of
 * `rows` elements (cols == 1). t == NULL means the model has no such weight.
 */
struct model_tensor {
    const struct safetensors_tensor *t;
    int64_t rows, cols;
    bool conv1d;  /* stored transposed, [cols, stride] (GPT-2 Conv1D) */
    int64_t col0; /* fused storage: first output feature of this slice */
};

struct model_layer {
    struct model_tensor attn_norm, attn_norm_b; /* (d), bias for LayerNorm only */
    struct model_tensor wq, wk, wv, wo;         /* (H*hd, d), (KV*hd, d) x2, (d, H*hd) */
    struct model_tensor bq, bk, bv, bo;
    struct model_tensor mlp_norm, mlp_norm_b;
    struct model_tensor w_gate, w_up, w_down; /* (ff, d), (ff, d), (d, ff); no gate in GPT-2 */
    struct model_tensor b_gate, b_up, b_down;
};

struct model {
    char *dir;
    struct model_config cfg;
    struct safetensors st;
    struct model_tensor tok_emb; /* (V, d) */
    struct model_tensor pos_emb; /* (max_pos, d), GPT-2 only */
    struct model_tensor final_norm, final_norm_b;
    struct model_tensor lm_head; /* (V, d), the embedding table when tied */
    struct model_layer *layers;  /* n_layers */
};

/*
 * Load dir/config.json and the checkpoint's safetensors, and bind every
 * weight. Errors name the file and tensor ("tensor 'x' has shape [a, b],
 * expected [c, d]"). Returns 0, or -1 with err set and m released.
 */
int model_load(struct model *m, const char *dir, struct ep_err *err);

/* Bind weights for an already parsed config and opened checkpoint (both are taken over). */
int model_bind(struct model *m, struct model_config *cfg, struct safetensors *st,
               struct ep_err *err);

void model_release(struct model *m);

/* Number of elements of w (rows * cols). */
int64_t model_tensor_numel(const struct model_tensor *w);

/*
 * Write w as fp32, row-major (rows, cols), into dst. -1 with err set when
 * the stored dtype cannot be converted.
 */
int model_tensor_read_f32(const struct model_tensor *w, float *dst, struct ep_err *err);

/* Total parameters the forward pass uses (tied tables counted once). */
int64_t model_n_params(const struct model *m);

#endif

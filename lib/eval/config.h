/*
 * config — a decoder LM's config.json, reduced to what the forward pass needs.
 *
 * Supported: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM and
 * GPT2LMHeadModel (or, without "architectures", model_type llama, mistral,
 * qwen2, gpt2). Missing optional keys take the defaults transformers gives
 * them; missing shape keys, out-of-range values and unsupported features
 * (another rope type, another activation) are errors that name the key.
 * A parsed config owns one heap array (layer_window); config_release frees it.
 */
#ifndef EVALPIPE_EVAL_CONFIG_H
#define EVALPIPE_EVAL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/msg.h"

enum model_arch { ARCH_LLAMA, ARCH_MISTRAL, ARCH_QWEN2, ARCH_GPT2 };

/* gelu_new, gelu_pytorch_tanh and gelu_fast are one formula (the tanh approximation). */
enum model_act { ACT_SILU, ACT_GELU, ACT_GELU_TANH, ACT_RELU };

enum rope_type { ROPE_NONE, ROPE_DEFAULT, ROPE_LINEAR, ROPE_LLAMA3 };

#define CONFIG_MAX_EOS 8

struct model_config {
    enum model_arch arch;
    char arch_name[64]; /* as written in config.json */

    int64_t vocab_size;
    int64_t d_model; /* hidden_size / n_embd */
    int64_t n_layers;
    int64_t n_heads;
    int64_t n_kv_heads; /* GQA: each kv head serves n_heads / n_kv_heads query heads */
    int64_t head_dim;
    int64_t d_ff;    /* intermediate_size / n_inner */
    int64_t max_pos; /* max_position_embeddings / n_positions */

    bool layer_norm; /* LayerNorm with bias (GPT-2) instead of RMSNorm */
    double norm_eps;
    enum model_act act;
    bool gated_mlp;   /* down(act(gate(x)) * up(x)) instead of proj(act(fc(x))) */
    bool learned_pos; /* position embedding table (GPT-2) instead of RoPE */
    bool qkv_bias, o_bias, mlp_bias;
    bool tie_embeddings;

    struct {
        enum rope_type type;
        double theta;
        double factor;
        double low_freq_factor, high_freq_factor; /* llama3 */
        int64_t orig_max_pos;                     /* llama3 */
    } rope;

    /* GPT-2: scale_attn_weights, scale_attn_by_inverse_layer_idx. */
    bool scale_attn, scale_attn_inv_layer;

    /* Per layer: sliding window w (query i sees keys j with i - j < w), 0 = none. */
    int64_t *layer_window;

    int64_t bos_token_id; /* -1 when absent */
    int64_t eos_token_ids[CONFIG_MAX_EOS];
    int n_eos;
    char torch_dtype[16]; /* "" when absent */
};

/*
 * Parse config.json text (text, len); `name` is used in messages. Returns 0,
 * or -1 with err set ("NAME: 'hidden_size' is missing"); c is then released.
 */
int config_parse(struct model_config *c, const char *text, size_t len, const char *name,
                 struct ep_err *err);

/* Read and parse the file at `path`. */
int config_load(struct model_config *c, const char *path, struct ep_err *err);

/* Free what config_parse() allocated; safe on a zeroed or released config. */
void config_release(struct model_config *c);

/*
 * The RoPE inverse frequencies, head_dim / 2 floats, computed in fp32 the way
 * transformers' rope init functions do (default, linear, llama3).
 */
void config_rope_inv_freq(const struct model_config *c, float *inv_freq);

/* The factor applied to q·k in layer `layer`. */
float config_attn_scale(const struct model_config *c, int64_t layer);

#endif

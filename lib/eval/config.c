/*
 * config — parse a decoder LM's config.json into struct model_config.
 *
 * Defaults follow the transformers configuration classes (LlamaConfig,
 * MistralConfig, Qwen2Config, GPT2Config); a JSON null counts as absent.
 * Both the current "rope_parameters" and the legacy "rope_scaling" +
 * "rope_theta" spellings are read.
 */
#include "lib/eval/config.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

/* Upper bounds that keep every size product far from overflow. */
#define MAX_DIM    ((int64_t)1 << 20) /* hidden, intermediate, head sizes */
#define MAX_VOCAB  ((int64_t)1 << 24)
#define MAX_LAYERS 4096
#define MAX_POS    ((int64_t)1 << 24)

struct parse {
    const char *name; /* file name for messages */
    json_t *root;
    struct ep_err *err;
};

static const struct {
    const char *arch, *model_type;
    enum model_arch id;
} archs[] = {
    { "LlamaForCausalLM", "llama", ARCH_LLAMA },
    { "MistralForCausalLM", "mistral", ARCH_MISTRAL },
    { "Qwen2ForCausalLM", "qwen2", ARCH_QWEN2 },
    { "GPT2LMHeadModel", "gpt2", ARCH_GPT2 },
};

/* ----------------------------------------------------------------- typed getters */

/* root[key], with JSON null treated as absent. */
static json_t *
get(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    return json_is_null(v) ? NULL : v;
}

/* An integer key in [min, max]; `def` < min marks it required. */
static int
get_int(struct parse *p, const char *key, int64_t def, int64_t min, int64_t max, int64_t *out)
{
    json_t *v = get(p->root, key);

    if (!v) {
        if (def < min)
            return ep_err_set(p->err, "%s: '%s' is missing", p->name, key);
        *out = def;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return ep_err_set(p->err, "%s: '%s' must be an integer in [%lld, %lld]", p->name, key,
                          (long long)min, (long long)max);
    *out = json_integer_value(v);
    return 0;
}

/* A positive finite number; `def` <= 0 marks it required. */
static int
get_num(struct parse *p, const json_t *obj, const char *key, double def, double *out)
{
    json_t *v = get(obj, key);

    if (!v) {
        if (def <= 0)
            return ep_err_set(p->err, "%s: '%s' is missing", p->name, key);
        *out = def;
        return 0;
    }
    if (!json_is_number(v) || !(json_number_value(v) > 0) || !isfinite(json_number_value(v)))
        return ep_err_set(p->err, "%s: '%s' must be a positive number", p->name, key);
    *out = json_number_value(v);
    return 0;
}

static int
get_bool(struct parse *p, const char *key, bool def, bool *out)
{
    json_t *v = get(p->root, key);

    if (!v) {
        *out = def;
        return 0;
    }
    if (!json_is_boolean(v))
        return ep_err_set(p->err, "%s: '%s' must be true or false", p->name, key);
    *out = json_is_true(v);
    return 0;
}

/* ----------------------------------------------------------------- sections */

static int
parse_arch(struct parse *p, struct model_config *c)
{
    json_t *archv = get(p->root, "architectures");
    json_t *mt = get(p->root, "model_type");
    const char *s;
    bool by_type = false;

    if (archv && (!json_is_array(archv) || !json_is_string(json_array_get(archv, 0))))
        return ep_err_set(p->err, "%s: 'architectures' must be a non-empty array of strings",
                          p->name);
    if (archv) {
        s = json_string_value(json_array_get(archv, 0));
    } else if (json_is_string(mt)) {
        s = json_string_value(mt);
        by_type = true;
    } else {
        return ep_err_set(p->err, "%s: neither 'architectures' nor 'model_type' is given", p->name);
    }
    for (size_t i = 0; i < sizeof(archs) / sizeof(archs[0]); i++) {
        if (!strcmp(s, by_type ? archs[i].model_type : archs[i].arch)) {
            c->arch = archs[i].id;
            snprintf(c->arch_name, sizeof(c->arch_name), "%s", archs[i].arch);
            return 0;
        }
    }
    return ep_err_set(
        p->err,
        "%s: unsupported %s '%.64s' (supported: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, GPT2LMHeadModel)",
        p->name, by_type ? "model_type" : "architecture", s);
}

static int
parse_act(struct parse *p, struct model_config *c, const char *key, const char *def)
{
    static const struct {
        const char *name;
        enum model_act act;
    } acts[] = {
        { "silu", ACT_SILU },           { "swish", ACT_SILU },
        { "gelu", ACT_GELU },           { "gelu_new", ACT_GELU_TANH },
        { "gelu_fast", ACT_GELU_TANH }, { "gelu_pytorch_tanh", ACT_GELU_TANH },
        { "relu", ACT_RELU },
    };
    json_t *v = get(p->root, key);
    const char *s = v ? json_string_value(v) : def;

    if (!s)
        return ep_err_set(p->err, "%s: '%s' must be a string", p->name, key);
    for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
        if (!strcmp(s, acts[i].name)) {
            c->act = acts[i].act;
            return 0;
        }
    }
    return ep_err_set(p->err, "%s: unsupported %s '%.40s'", p->name, key, s);
}

/* Shapes shared by every architecture; GPT-2 spells them n_embd, n_head, ... */
static int
parse_shapes(struct parse *p, struct model_config *c)
{
    bool gpt2 = c->arch == ARCH_GPT2;
    int64_t d;

    if (get_int(p, "vocab_size", -1, 1, MAX_VOCAB, &c->vocab_size) < 0 ||
        get_int(p, gpt2 ? "n_embd" : "hidden_size", -1, 1, MAX_DIM, &c->d_model) < 0 ||
        get_int(p, gpt2 ? "n_layer" : "num_hidden_layers", -1, 1, MAX_LAYERS, &c->n_layers) < 0 ||
        get_int(p, gpt2 ? "n_head" : "num_attention_heads", -1, 1, MAX_DIM, &c->n_heads) < 0)
        return -1;
    d = c->d_model;
    if ((gpt2 || !get(p->root, "head_dim")) && d % c->n_heads)
        return ep_err_set(p->err, "%s: hidden size %lld is not a multiple of %lld heads", p->name,
                          (long long)d, (long long)c->n_heads);
    if (gpt2) {
        c->n_kv_heads = c->n_heads;
        c->head_dim = d / c->n_heads;
        if (get_int(p, "n_inner", 4 * d, 1, MAX_DIM, &c->d_ff) < 0 ||
            get_int(p, "n_positions", 1024, 1, MAX_POS, &c->max_pos) < 0)
            return -1;
    } else {
        if (get_int(p, "num_key_value_heads", c->n_heads, 1, c->n_heads, &c->n_kv_heads) < 0 ||
            get_int(p, "head_dim", d / c->n_heads, 1, MAX_DIM, &c->head_dim) < 0 ||
            get_int(p, "intermediate_size", -1, 1, MAX_DIM, &c->d_ff) < 0 ||
            get_int(p, "max_position_embeddings",
                    c->arch == ARCH_LLAMA     ? 2048
                    : c->arch == ARCH_MISTRAL ? 131072
                                              : 32768,
                    1, MAX_POS, &c->max_pos) < 0)
            return -1;
    }
    if (c->n_heads % c->n_kv_heads)
        return ep_err_set(p->err,
                          "%s: %lld attention heads are not a multiple of %lld key/value heads",
                          p->name, (long long)c->n_heads, (long long)c->n_kv_heads);
    if (c->n_heads * c->head_dim > MAX_DIM)
        return ep_err_set(p->err, "%s: attention width %lld x %lld is too large", p->name,
                          (long long)c->n_heads, (long long)c->head_dim);
    return 0;
}

/* The llama3 keys of rope dict d. */
static int
parse_llama3(struct parse *p, struct model_config *c, const json_t *d)
{
    json_t *v;

    if (get_num(p, d, "factor", 0, &c->rope.factor) < 0 ||
        get_num(p, d, "low_freq_factor", 0, &c->rope.low_freq_factor) < 0 ||
        get_num(p, d, "high_freq_factor", 0, &c->rope.high_freq_factor) < 0)
        return -1;
    if (c->rope.high_freq_factor <= c->rope.low_freq_factor)
        return ep_err_set(p->err, "%s: llama3 rope needs high_freq_factor > low_freq_factor",
                          p->name);
    /* A top-level value wins over the one in the dict (transformers, for Phi-3). */
    v = get(p->root, "original_max_position_embeddings");
    if (!v)
        v = get(d, "original_max_position_embeddings");
    if (v && (!json_is_integer(v) || json_integer_value(v) < 1))
        return ep_err_set(
            p->err, "%s: 'original_max_position_embeddings' must be a positive integer", p->name);
    c->rope.orig_max_pos = v ? json_integer_value(v) : c->max_pos;
    return 0;
}

/* rope_parameters (current) or rope_scaling + rope_theta (legacy). */
static int
parse_rope(struct parse *p, struct model_config *c)
{
    json_t *d = get(p->root, "rope_parameters");
    const char *type = "default", *k;
    json_t *v;
    double prf = 1.0;
    int rc = 0;

    if (!d)
        d = get(p->root, "rope_scaling");
    if (d && !json_is_object(d))
        return ep_err_set(p->err, "%s: 'rope_parameters' must be an object", p->name);
    json_object_foreach(d, k, v) {
        if (json_is_object(v))
            return ep_err_set(p->err, "%s: per-layer rope parameters ('%.40s') are not supported",
                              p->name, k);
    }
    if (json_is_string(get(d, "rope_type")))
        type = json_string_value(get(d, "rope_type"));
    else if (json_is_string(get(d, "type")))
        type = json_string_value(get(d, "type"));
    v = d && get(d, "rope_theta") ? d : p->root;
    if (get_num(p, v, "rope_theta", 10000.0, &c->rope.theta) < 0)
        return -1;
    v = d && get(d, "partial_rotary_factor") ? d : p->root;
    if (get_num(p, v, "partial_rotary_factor", 1.0, &prf) < 0)
        return -1;
    if (prf != 1.0)
        return ep_err_set(p->err, "%s: partial_rotary_factor %g is not supported", p->name, prf);
    c->rope.factor = 1.0;
    if (!strcmp(type, "default")) {
        c->rope.type = ROPE_DEFAULT;
    } else if (!strcmp(type, "linear")) {
        c->rope.type = ROPE_LINEAR;
        rc = get_num(p, d, "factor", 0, &c->rope.factor);
    } else if (!strcmp(type, "llama3")) {
        c->rope.type = ROPE_LLAMA3;
        rc = parse_llama3(p, c, d);
    } else {
        return ep_err_set(p->err,
                          "%s: rope type '%.40s' is not supported (default, linear, llama3 are)",
                          p->name, type);
    }
    if (rc == 0 && c->head_dim % 2)
        return ep_err_set(p->err, "%s: head_dim %lld must be even for RoPE", p->name,
                          (long long)c->head_dim);
    return rc;
}

/* Sliding-window attention: Mistral (all layers) and Qwen2 (use_sliding_window, layer_types). */
static int
parse_window(struct parse *p, struct model_config *c)
{
    json_t *types = get(p->root, "layer_types");
    int64_t w = 0, from = 0;
    bool use = false;

    c->layer_window = xcalloc((size_t)c->n_layers, sizeof(*c->layer_window));
    if (c->arch == ARCH_MISTRAL) {
        /* MistralConfig: missing means 4096, null means none. */
        json_t *v = json_object_get(p->root, "sliding_window");
        if (!json_is_null(v) && get_int(p, "sliding_window", 4096, 1, INT64_MAX, &w) < 0)
            return -1;
    } else if (c->arch == ARCH_QWEN2) {
        if (get_bool(p, "use_sliding_window", false, &use) < 0 ||
            get_int(p, "max_window_layers", 28, 0, INT64_MAX, &from) < 0)
            return -1;
        if (use && get_int(p, "sliding_window", 4096, 1, INT64_MAX, &w) < 0)
            return -1;
    }
    if (types && c->arch == ARCH_QWEN2 &&
        (!json_is_array(types) || (int64_t)json_array_size(types) != c->n_layers))
        return ep_err_set(p->err, "%s: 'layer_types' must list %lld layers", p->name,
                          (long long)c->n_layers);
    for (int64_t l = 0; l < c->n_layers; l++) {
        bool sliding = c->arch == ARCH_MISTRAL || l >= from;

        if (types && c->arch == ARCH_QWEN2) {
            const char *t = json_string_value(json_array_get(types, (size_t)l));
            sliding = t && !strcmp(t, "sliding_attention");
        }
        c->layer_window[l] = sliding ? w : 0;
    }
    return 0;
}

static int
parse_tokens(struct parse *p, struct model_config *c)
{
    json_t *eos = get(p->root, "eos_token_id");
    json_t *dt = get(p->root, "torch_dtype");
    size_t i;
    json_t *v;

    if (get_int(p, "bos_token_id", -1, -1, MAX_VOCAB, &c->bos_token_id) < 0)
        return -1;
    if (json_is_integer(eos)) {
        c->eos_token_ids[c->n_eos++] = json_integer_value(eos);
    } else if (json_is_array(eos)) {
        json_array_foreach(eos, i, v) {
            if (!json_is_integer(v) || c->n_eos == CONFIG_MAX_EOS)
                return ep_err_set(p->err, "%s: 'eos_token_id' must be up to %d integers", p->name,
                                  CONFIG_MAX_EOS);
            c->eos_token_ids[c->n_eos++] = json_integer_value(v);
        }
    } else if (eos) {
        return ep_err_set(p->err, "%s: 'eos_token_id' must be an integer or a list", p->name);
    }
    if (!dt)
        dt = get(p->root, "dtype");
    if (json_is_string(dt))
        snprintf(c->torch_dtype, sizeof(c->torch_dtype), "%s", json_string_value(dt));
    return 0;
}

/* Everything that depends on the architecture family beyond shapes. */
static int
parse_family(struct parse *p, struct model_config *c)
{
    if (c->arch == ARCH_GPT2) {
        c->layer_norm = true;
        c->learned_pos = true;
        c->qkv_bias = c->o_bias = c->mlp_bias = true;
        c->rope.type = ROPE_NONE;
        if (get_num(p, p->root, "layer_norm_epsilon", 1e-5, &c->norm_eps) < 0 ||
            parse_act(p, c, "activation_function", "gelu_new") < 0 ||
            get_bool(p, "tie_word_embeddings", true, &c->tie_embeddings) < 0 ||
            get_bool(p, "scale_attn_weights", true, &c->scale_attn) < 0 ||
            get_bool(p, "scale_attn_by_inverse_layer_idx", false, &c->scale_attn_inv_layer) < 0)
            return -1;
        return 0;
    }
    c->gated_mlp = true;
    c->scale_attn = true;
    if (get_num(p, p->root, "rms_norm_eps", 1e-6, &c->norm_eps) < 0 ||
        parse_act(p, c, "hidden_act", "silu") < 0 ||
        get_bool(p, "tie_word_embeddings", false, &c->tie_embeddings) < 0 || parse_rope(p, c) < 0)
        return -1;
    if (c->arch == ARCH_QWEN2) {
        c->qkv_bias = true;
    } else if (c->arch == ARCH_LLAMA) {
        if (get_bool(p, "attention_bias", false, &c->qkv_bias) < 0 ||
            get_bool(p, "mlp_bias", false, &c->mlp_bias) < 0)
            return -1;
        c->o_bias = c->qkv_bias;
    }
    return 0;
}

/* ----------------------------------------------------------------- exported */

int
config_parse(struct model_config *c, const char *text, size_t len, const char *name,
             struct ep_err *err)
{
    json_error_t jerr;
    struct parse p = { name, NULL, err };
    int ret = -1;

    memset(c, 0, sizeof(*c));
    p.root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!p.root)
        ep_err_set(err, "%s:%d: bad JSON: %s", name, jerr.line, jerr.text);
    else if (!json_is_object(p.root))
        ep_err_set(err, "%s: not a JSON object", name);
    else if (parse_arch(&p, c) == 0 && parse_shapes(&p, c) == 0 && parse_family(&p, c) == 0 &&
             parse_window(&p, c) == 0 && parse_tokens(&p, c) == 0)
        ret = 0;
    json_decref(p.root);
    if (ret < 0)
        config_release(c);
    return ret;
}

int
config_load(struct model_config *c, const char *path, struct ep_err *err)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t len = 0, alloc = 0, n;
    int ret;

    memset(c, 0, sizeof(*c));
    if (!f)
        return ep_err_set(err, "cannot open '%s': %s", path, strerror(errno));
    do {
        if (alloc - len < 4096) {
            alloc = alloc ? alloc * 2 : 8192;
            if (alloc > ((size_t)16 << 20)) {
                free(text);
                fclose(f);
                return ep_err_set(err, "%s: larger than 16 MiB", path);
            }
            text = xrealloc(text, alloc);
        }
        n = fread(text + len, 1, alloc - len, f);
        len += n;
    } while (n > 0);
    ret = ferror(f) ? ep_err_set(err, "cannot read '%s': %s", path, strerror(errno))
                    : config_parse(c, text, len, path, err);
    fclose(f);
    free(text);
    return ret;
}

void
config_release(struct model_config *c)
{
    free(c->layer_window);
    c->layer_window = NULL;
}

void
config_rope_inv_freq(const struct model_config *c, float *inv_freq)
{
    const float two_pi = (float)6.283185307179586;
    int64_t half = c->head_dim / 2;
    float factor = (float)c->rope.factor;

    for (int64_t i = 0; i < half; i++) {
        float e = (float)(2 * i) / (float)c->head_dim;
        float inv = 1.0f / powf((float)c->rope.theta, e);

        if (c->rope.type == ROPE_LINEAR) {
            inv = inv / factor;
        } else if (c->rope.type == ROPE_LLAMA3) {
            /* Keep short wavelengths, divide long ones by factor, blend in between. */
            float wavelen = two_pi / inv;
            double low_wl = (double)c->rope.orig_max_pos / c->rope.low_freq_factor;
            double high_wl = (double)c->rope.orig_max_pos / c->rope.high_freq_factor;

            if (wavelen > (float)low_wl) {
                inv = inv / factor;
            } else if (!(wavelen < (float)high_wl)) {
                float s = ((float)c->rope.orig_max_pos / wavelen - (float)c->rope.low_freq_factor) /
                          (float)(c->rope.high_freq_factor - c->rope.low_freq_factor);
                inv = (1.0f - s) * inv / factor + s * inv;
            }
        }
        inv_freq[i] = inv;
    }
}

float
config_attn_scale(const struct model_config *c, int64_t layer)
{
    double s = c->scale_attn ? 1.0 / sqrt((double)c->head_dim) : 1.0;

    if (c->scale_attn_inv_layer)
        s /= (double)(layer + 1);
    return (float)s;
}

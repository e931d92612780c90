/*
 * Unit tests for lib/eval/config: defaults per architecture as transformers
 * sets them, both rope spellings, sliding windows, and configs that must be
 * refused with a message naming the key.
 */
#include "lib/eval/config.h"

#include <stdio.h>
#include <string.h>

#include "tests/unit/check.h"

static int
parse(struct model_config *c, const char *json, struct ep_err *err)
{
    return config_parse(c, json, strlen(json), "config.json", err);
}

#define LLAMA_SHAPES                                                   \
    "\"vocab_size\":100,\"hidden_size\":64,\"intermediate_size\":128," \
    "\"num_hidden_layers\":2,\"num_attention_heads\":4"

static void
test_llama_defaults(void)
{
    struct model_config c;
    struct ep_err err;

    CHECK(parse(&c, "{\"architectures\":[\"LlamaForCausalLM\"]," LLAMA_SHAPES "}", &err) == 0);
    CHECK(c.arch == ARCH_LLAMA);
    CHECK_STREQ(c.arch_name, "LlamaForCausalLM");
    CHECK(c.n_kv_heads == 4 && c.head_dim == 16 && c.d_ff == 128 && c.max_pos == 2048);
    CHECK(c.norm_eps == 1e-6 && !c.layer_norm && c.act == ACT_SILU && c.gated_mlp);
    CHECK(c.rope.type == ROPE_DEFAULT && c.rope.theta == 10000.0);
    CHECK(!c.tie_embeddings && !c.qkv_bias && !c.o_bias && !c.mlp_bias);
    CHECK(c.layer_window[0] == 0 && c.layer_window[1] == 0);
    CHECK(c.bos_token_id == -1 && c.n_eos == 0);
    CHECK(config_attn_scale(&c, 1) == 0.25f);
    config_release(&c);

    /* model_type alone is enough; lists of eos ids; attention_bias covers o_proj. */
    CHECK(parse(&c,
                "{\"model_type\":\"llama\"," LLAMA_SHAPES ",\"attention_bias\":true,"
                "\"num_key_value_heads\":2,\"head_dim\":32,\"eos_token_id\":[1,7],"
                "\"bos_token_id\":5,\"torch_dtype\":\"bfloat16\",\"rope_theta\":500000}",
                &err) == 0);
    CHECK(c.qkv_bias && c.o_bias && c.n_kv_heads == 2 && c.head_dim == 32);
    CHECK(c.n_eos == 2 && c.eos_token_ids[1] == 7 && c.bos_token_id == 5);
    CHECK_STREQ(c.torch_dtype, "bfloat16");
    CHECK(c.rope.theta == 500000.0);
    config_release(&c);
}

static void
test_rope_spellings(void)
{
    struct model_config c;
    struct ep_err err;

    CHECK(parse(&c,
                "{\"model_type\":\"llama\"," LLAMA_SHAPES ",\"rope_parameters\":"
                "{\"rope_type\":\"llama3\",\"rope_theta\":500000.0,\"factor\":8,"
                "\"low_freq_factor\":1,\"high_freq_factor\":4}}",
                &err) == 0);
    CHECK(c.rope.type == ROPE_LLAMA3 && c.rope.theta == 500000.0 && c.rope.factor == 8.0);
    CHECK(c.rope.orig_max_pos == 2048); /* defaults to max_position_embeddings */
    config_release(&c);
    CHECK(parse(&c,
                "{\"model_type\":\"llama\"," LLAMA_SHAPES ",\"rope_theta\":1e6,"
                "\"rope_scaling\":{\"type\":\"linear\",\"factor\":2}}",
                &err) == 0);
    CHECK(c.rope.type == ROPE_LINEAR && c.rope.theta == 1e6 && c.rope.factor == 2.0);
    config_release(&c);
    CHECK(parse(&c, "{\"model_type\":\"llama\"," LLAMA_SHAPES ",\"rope_scaling\":null}", &err) ==
          0);
    CHECK(c.rope.type == ROPE_DEFAULT);
    config_release(&c);
}

static void
test_windows(void)
{
    struct model_config c;
    struct ep_err err;

    /* MistralConfig: a missing sliding_window is 4096, null is none. */
    CHECK(parse(&c, "{\"model_type\":\"mistral\"," LLAMA_SHAPES "}", &err) == 0);
    CHECK(c.arch == ARCH_MISTRAL && c.layer_window[0] == 4096 && c.layer_window[1] == 4096);
    CHECK(c.max_pos == 131072);
    config_release(&c);
    CHECK(parse(&c, "{\"model_type\":\"mistral\"," LLAMA_SHAPES ",\"sliding_window\":null}",
                &err) == 0);
    CHECK(c.layer_window[0] == 0);
    config_release(&c);
    /* Qwen2: off unless use_sliding_window; then from max_window_layers on. */
    CHECK(parse(&c, "{\"model_type\":\"qwen2\"," LLAMA_SHAPES ",\"sliding_window\":32}", &err) ==
          0);
    CHECK(c.qkv_bias && !c.o_bias && c.layer_window[0] == 0 && c.layer_window[1] == 0);
    config_release(&c);
    CHECK(parse(&c,
                "{\"model_type\":\"qwen2\"," LLAMA_SHAPES ",\"sliding_window\":32,"
                "\"use_sliding_window\":true,\"max_window_layers\":1}",
                &err) == 0);
    CHECK(c.layer_window[0] == 0 && c.layer_window[1] == 32);
    config_release(&c);
    CHECK(parse(&c,
                "{\"model_type\":\"qwen2\"," LLAMA_SHAPES ",\"sliding_window\":32,"
                "\"use_sliding_window\":true,\"layer_types\":[\"sliding_attention\","
                "\"full_attention\"]}",
                &err) == 0);
    CHECK(c.layer_window[0] == 32 && c.layer_window[1] == 0);
    config_release(&c);
}

static void
test_gpt2(void)
{
    struct model_config c;
    struct ep_err err;

    CHECK(parse(&c,
                "{\"architectures\":[\"GPT2LMHeadModel\"],\"vocab_size\":50257,"
                "\"n_embd\":768,\"n_layer\":12,\"n_head\":12,\"n_inner\":null,"
                "\"scale_attn_by_inverse_layer_idx\":true}",
                &err) == 0);
    CHECK(c.arch == ARCH_GPT2 && c.d_ff == 3072 && c.max_pos == 1024 && c.head_dim == 64);
    CHECK(c.layer_norm && c.learned_pos && !c.gated_mlp && c.act == ACT_GELU_TANH);
    CHECK(c.tie_embeddings && c.norm_eps == 1e-5 && c.rope.type == ROPE_NONE);
    CHECK(config_attn_scale(&c, 0) == 0.125f && config_attn_scale(&c, 3) == 0.125f / 4);
    config_release(&c);
}

static void
test_refused(void)
{
    static const struct {
        const char *json, *want;
    } cases[] = {
        { "", "config.json:1: bad JSON" },
        { "[1]", "not a JSON object" },
        { "{\"vocab_size\":1}", "neither 'architectures' nor 'model_type'" },
        { "{\"architectures\":[]}", "'architectures' must be a non-empty array" },
        { "{\"architectures\":[\"BertForMaskedLM\"]}",
          "unsupported architecture 'BertForMaskedLM'" },
        { "{\"model_type\":\"gemma\"}", "unsupported model_type 'gemma'" },
        { "{\"model_type\":\"llama\",\"vocab_size\":100}", "'hidden_size' is missing" },
        { "{\"model_type\":\"llama\"," LLAMA_SHAPES ",\"hidden_size\":0}", "bad JSON" },
        { "{\"model_type\":\"llama\",\"vocab_size\":100,\"hidden_size\":-64}",
          "'hidden_size' must be an integer in [1, 1048576]" },
        { "{\"model_type\":\"llama\",\"vocab_size\":\"100\"}", "'vocab_size' must be an integer" },
        { "{\"model_type\":\"llama\",\"vocab_size\":100,\"hidden_size\":64,"
          "\"num_hidden_layers\":2,\"num_attention_heads\":4}",
          "'intermediate_size' is missing" },
        { "{\"model_type\":\"llama\",\"vocab_size\":100,\"hidden_size\":65,"
          "\"intermediate_size\":8,\"num_hidden_layers\":2,\"num_attention_heads\":4}",
          "hidden size 65 is not a multiple of 4 heads" },
        { "{\"model_type\":\"llama\"," LLAMA_SHAPES ",\"num_key_value_heads\":3}",
          "4 attention heads are not a multiple of 3 key/value heads" },
        { "{\"model_type\":\"llama\"," LLAMA_SHAPES ",\"num_key_value_heads\":8}",
          "'num_key_value_heads' must be an integer in [1, 4]" },
        { "{\"model_type\":\"llama\"," LLAMA_SHAPES ",\"rms_norm_eps\":-1}",
          "'rms_norm_eps' must be a positive number" },
        { "{\"model_type\":\"llama\"," LLAMA_SHAPES ",\"hidden_act\":\"swiglu\"}",
          "unsupported hidden_act 'swiglu'" },
        { "{\"model_type\":\"llama\"," LLAMA_SHAPES ",\"tie_word_embeddings\":1}",
          "'tie_word_embeddings' must be true or false" },
        { "{\"model_type\":\"llama\"," LLAMA_SHAPES ",\"rope_scaling\":{\"type\":\"yarn\"}}",
          "rope type 'yarn' is not supported" },
        { "{\"model_type\":\"llama\"," LLAMA_SHAPES ",\"rope_scaling\":{\"type\":\"linear\"}}",
          "'factor' is missing" },
        { "{\"model_type\":\"llama\"," LLAMA_SHAPES ",\"rope_scaling\":{\"rope_type\":\"llama3\","
          "\"factor\":8,\"low_freq_factor\":4,\"high_freq_factor\":1}}",
          "needs high_freq_factor > low_freq_factor" },
        { "{\"model_type\":\"llama\"," LLAMA_SHAPES ",\"rope_scaling\":5}",
          "'rope_parameters' must be an object" },
        { "{\"model_type\":\"llama\"," LLAMA_SHAPES ",\"partial_rotary_factor\":0.5}",
          "partial_rotary_factor 0.5 is not supported" },
        { "{\"model_type\":\"llama\"," LLAMA_SHAPES ",\"head_dim\":15}",
          "head_dim 15 must be even" },
        { "{\"model_type\":\"llama\"," LLAMA_SHAPES ",\"eos_token_id\":\"x\"}",
          "'eos_token_id' must be an integer or a list" },
        { "{\"model_type\":\"qwen2\"," LLAMA_SHAPES ",\"layer_types\":[\"full_attention\"]}",
          "'layer_types' must list 2 layers" },
        { "{\"model_type\":\"gpt2\",\"vocab_size\":10,\"n_embd\":8,\"n_layer\":1,\"n_head\":2,"
          "\"activation_function\":\"gelu_10\"}",
          "unsupported activation_function 'gelu_10'" },
        { "{\"model_type\":\"gpt2\",\"vocab_size\":10,\"n_embd\":8,\"n_layer\":1}",
          "'n_head' is missing" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct model_config c;
        struct ep_err err;
        int rc = parse(&c, cases[i].json, &err);

        CHECK(rc == -1);
        if (rc == 0) {
            fprintf(stderr, "accepted: %s\n", cases[i].json);
            config_release(&c);
            continue;
        }
        if (!strstr(err.msg, cases[i].want))
            fprintf(stderr, "want '%s', got '%s'\n", cases[i].want, err.msg);
        CHECK(strstr(err.msg, cases[i].want) != NULL);
        CHECK(c.layer_window == NULL);
    }
}

static void
test_load_missing_file(void)
{
    struct model_config c;
    struct ep_err err;

    CHECK(config_load(&c, "/nonexistent/config.json", &err) == -1);
    CHECK(strstr(err.msg, "cannot open '/nonexistent/config.json'") != NULL);
}

int
main(void)
{
    RUN(test_llama_defaults);
    RUN(test_rope_spellings);
    RUN(test_windows);
    RUN(test_gpt2);
    RUN(test_refused);
    RUN(test_load_missing_file);
    return DONE();
}

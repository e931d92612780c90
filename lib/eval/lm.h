/*
 * lm — a checkpoint ready to score text the way lm-eval's HF backend does:
 * tokenizer plus backend, tokenisation of (context, continuation) pairs as
 * _encode_pair does, left truncation to the model's length, batched
 * log-likelihoods with the context of a doc's choices run once (its KV cache
 * shared by all choices), and greedy generation with a KV cache, EOS and
 * stop strings.
 *
 * struct lm owns its backend and tokenizer; lm_close() frees them. Request
 * arrays belong to the caller; lm fills their result fields.
 */
#ifndef EVALPIPE_EVAL_LM_H
#define EVALPIPE_EVAL_LM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/eval/backend.h"
#include "lib/eval/tokenizer.h"
#include "lib/msg.h"

#define LM_MAX_EOS      8
#define LM_MAX_GEN_TOKS 256 /* lm-eval's DEFAULT_MAX_GEN_TOKS */

enum lm_bos {
    LM_BOS_AUTO, /* lm-eval >= 0.4.9.2: the tokenizer's own special tokens */
    LM_BOS_NONE  /* lm-eval <= 0.4.9.1: add_special_tokens=False */
};

struct lm_opts {
    enum lm_bos bos;
    size_t batch;      /* docs per forward batch */
    size_t max_length; /* 0 = from config.json, as lm-eval resolves it */
    int threads;       /* 0 = every CPU */
    bool cpu_only;
};
#define LM_OPTS_INIT { LM_BOS_AUTO, 8, 0, 0, true }

/* Called after each batch: docs done of total, tokens run so far. */
typedef void (*lm_progress_fn)(void *arg, size_t done, size_t total, uint64_t tokens);

struct lm {
    struct backend *be;
    struct tokenizer *tok;
    struct lm_opts o;
    size_t max_length;
    size_t vocab;
    char *prefix_text; /* decoded prefix token (BOS, else EOS): no specials before it */
    int32_t eos[LM_MAX_EOS];
    int n_eos;
    char *eos_text; /* decoded EOS token, a stop string */
    char dtype[16]; /* what the weights are computed in */
    uint64_t tokens;
    lm_progress_fn progress;
    void *progress_arg;
};

/*
 * Load the checkpoint directory dir (config.json, safetensors,
 * tokenizer.json) onto a backend. Returns 0, or -1 with err set.
 */
int lm_open(struct lm *lm, const char *dir, const struct lm_opts *o, struct ep_err *err);
void lm_close(struct lm *lm);

/* Encode as lm-eval's tok_encode: specials per o.bos unless s starts with the prefix text. */
int lm_encode(struct lm *lm, const char *s, size_t n, struct tok_ids *out, struct ep_err *err);

/*
 * _encode_pair: trailing whitespace of ctx moves to cont; whole = enc(ctx +
 * cont), ctx_ids = enc(ctx), cont_ids = whole[len(ctx_ids):]. -1 with err
 * when ctx is empty or cont encodes to nothing.
 */
int lm_encode_pair(struct lm *lm, const char *ctx, const char *cont, struct tok_ids *ctx_ids,
                   struct tok_ids *cont_ids, struct ep_err *err);

/* One loglikelihood request; requests of one doc share `group` and sit together. */
struct ll_req {
    struct tok_ids ctx, cont;
    size_t group;
    double ll;   /* out: sum of log-probabilities of cont */
    bool greedy; /* out: every cont token is the argmax */
    bool failed; /* out: could not be scored (err_msg says why) */
    char err_msg[160];
};

/* Score every request. -1 with err only when the backend fails. */
int lm_loglikelihood(struct lm *lm, struct ll_req *r, size_t n, struct ep_err *err);

/* One greedy generation request. */
struct gen_req {
    struct tok_ids ctx; /* the prompt; left-truncated here to max_length - max_gen */
    const char *const *stops;
    size_t n_stops;
    size_t max_gen;
    struct buf text; /* out: the decoded generation, cut at the first stop string */
    size_t n_gen;    /* out: tokens generated */
};

int lm_generate(struct lm *lm, struct gen_req *r, size_t n, struct ep_err *err);

#endif

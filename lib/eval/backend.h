/*
 * backend — where the forward pass runs, behind one small vtable.
 *
 * A backend takes a bound model's weights, then scores batches of token
 * sequences: log-softmax log-probs of target tokens and whether each is the
 * argmax, optionally raw logits, continuing or sharing key/value caches.
 * backend_init_best() picks CUDA when built and working, else the CPU. The
 * backend owns its weights and caches; backend_free() releases them all.
 */
#ifndef EVALPIPE_EVAL_BACKEND_H
#define EVALPIPE_EVAL_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/eval/model.h"
#include "lib/msg.h"

struct backend_opts {
    int n_threads; /* CPU threads; 0 = every online CPU */
    bool naive;    /* CPU: plain-loop reference kernels instead of BLAS (slow; for tests) */
    bool cpu_only; /* backend_init_best(): do not try a GPU */
};
#define BACKEND_OPTS_INIT \
    {                     \
        0, false, false   \
    }

/* A key/value cache for one sequence; made and owned by one backend. */
struct kv_cache;

/*
 * One sequence of a forward batch. The n_tokens new tokens sit at positions
 * kv_len(kv) .. kv_len(kv) + n_tokens - 1 (0 .. without a cache) and attend
 * to the cached tokens before them.
 *
 * Models with learned positions (GPT-2) refuse positions past max_pos; RoPE
 * models accept any, as transformers does.
 *
 * With kv_append the new tokens' keys and values are stored in kv and its
 * length grows by n_tokens when the call succeeds; without it kv is only read,
 * so several sequences of one batch may share it as a common prefix. Two
 * sequences of one batch may not append to the same cache.
 *
 * Scoring: targets[j] (n_score of them) is scored against the logits of new
 * token score_start + j; logprobs[j] gets log_softmax(logits)[targets[j]] and
 * greedy[j] whether targets[j] is the first index of the row's maximum.
 * logprobs and greedy may each be NULL. With n_logits > 0 the logits of the
 * last n_logits new tokens are written to logits, (n_logits, vocab) floats.
 */
struct fwd_seq {
    const int32_t *tokens;
    size_t n_tokens;
    struct kv_cache *kv;
    bool kv_append;
    size_t score_start, n_score;
    const int32_t *targets;
    float *logprobs;
    bool *greedy;
    size_t n_logits;
    float *logits;
};

struct backend;

struct backend_ops {
    const char *name;
    /* Set up the device; fill be->device. -1 with err when there is none. */
    int (*init)(struct backend *be, const struct backend_opts *o, struct ep_err *err);
    /* Take the weights of m (m may be released afterwards). Once per backend. */
    int (*load)(struct backend *be, const struct model *m, struct ep_err *err);
    /* Run one batch (see struct fwd_seq). Bad requests give -1 with err; nothing is changed. */
    int (*forward)(struct backend *be, struct fwd_seq *seqs, size_t n, struct ep_err *err);
    /* A cache for up to `capacity` tokens, or NULL with err. */
    struct kv_cache *(*kv_new)(struct backend *be, size_t capacity, struct ep_err *err);
    void (*kv_free)(struct backend *be, struct kv_cache *kv);
    size_t (*kv_len)(const struct kv_cache *kv);
    /* Forget the tokens after the first len (len <= kv_len). */
    void (*kv_truncate)(struct kv_cache *kv, size_t len);
    /* Free state, weights and caches. */
    void (*free)(struct backend *be);
};

struct backend {
    const struct backend_ops *ops;
    void *state;      /* the implementation's */
    char device[128]; /* "cpu (2 threads, OpenBLAS)", for origin records */
};

extern const struct backend_ops backend_cpu_ops;

/*
 * A new backend of the given kind, initialised. Returns NULL with err set.
 * backend_init_best() tries each built backend in order of preference (GPU
 * first unless o->cpu_only) and returns the first that initialises.
 */
struct backend *backend_new(const struct backend_ops *ops, const struct backend_opts *o,
                            struct ep_err *err);
struct backend *backend_init_best(const struct backend_opts *o, struct ep_err *err);

/* Release everything; safe on NULL. */
void backend_free(struct backend *be);

/* Thin wrappers over the vtable, for readable call sites. */
int backend_load(struct backend *be, const struct model *m, struct ep_err *err);
int backend_forward(struct backend *be, struct fwd_seq *seqs, size_t n, struct ep_err *err);
struct kv_cache *backend_kv_new(struct backend *be, size_t capacity, struct ep_err *err);
void backend_kv_free(struct backend *be, struct kv_cache *kv);
size_t backend_kv_len(const struct backend *be, const struct kv_cache *kv);
void backend_kv_truncate(struct backend *be, struct kv_cache *kv, size_t len);

#endif

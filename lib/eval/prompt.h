/*
 * prompt — lm-eval's plain-text prompt assembly (no chat template):
 *   context = description + sum_k(q_k + " " + a_k + "\n\n") + q
 * with the few-shot examples drawn as lm-eval v0.4.13 draws them: the
 * `default` sampler calls Random(seed).sample(pool, n) once per evaluated
 * doc, in doc order, on one generator per task; when the task's few-shot
 * split is its test split (for tasks without a test split, always) it draws
 * n + 1 and drops every doc equal to the evaluated one. `first_n` takes the
 * first n docs of the pool.
 *
 * A struct prompt_sampler owns nothing but its generator state.
 */
#ifndef EVALPIPE_EVAL_PROMPT_H
#define EVALPIPE_EVAL_PROMPT_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/eval/pyrandom.h"
#include "lib/eval/tasks.h"
#include "lib/msg.h"

#define PROMPT_DEFAULT_SEED 1234 /* lm-eval's fewshot_random_seed */

struct prompt_sampler {
    struct pyrandom rnd;
};

void prompt_sampler_init(struct prompt_sampler *s, unsigned long long seed);

/*
 * Choose n few-shot docs from pool[0..n_pool) for doc `doc`, writing their
 * pool indices in prompt order to out[0..n). Returns 0, or -1 with err set
 * when the pool is too small.
 */
int prompt_fewshot(struct prompt_sampler *s, const struct task *t, struct task_doc *const *pool,
                   size_t n_pool, const struct task_doc *doc, size_t n, size_t *out,
                   struct ep_err *err);

/*
 * The context(s) of doc with the given few-shot docs: one string for TASK_MC
 * and TASK_GEN, one per choice for TASK_MC_MULTI_IN. ctx must have room for
 * that many struct buf (initialised); text is appended.
 */
void prompt_build(const struct task *t, const struct task_doc *doc,
                  struct task_doc *const *shots, size_t n_shots, struct buf *ctx);

/* The continuation of choice i: " " + choice (or " " + target for TASK_MC_MULTI_IN). */
void prompt_continuation(const struct task *t, const struct task_doc *doc, size_t i,
                         struct buf *out);

#endif

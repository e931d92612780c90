/*
 * prompt — few-shot sampling and context assembly as lm-eval does them; see
 * prompt.h (lm_eval/api/samplers.py, task.py fewshot_context/build_qa_turn).
 */
#include "lib/eval/prompt.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

#define TARGET_DELIM  " "
#define FEWSHOT_DELIM "\n\n"

void
prompt_sampler_init(struct prompt_sampler *s, unsigned long long seed)
{
    pyrandom_seed(&s->rnd, seed);
}

static bool
same_doc(const struct task_doc *a, const struct task_doc *b)
{
    return a == b || (a->row && b->row && json_equal(a->row, b->row));
}

int
prompt_fewshot(struct prompt_sampler *s, const struct task *t, struct task_doc *const *pool,
               size_t n_pool, const struct task_doc *doc, size_t n, size_t *out,
               struct ep_err *err)
{
    size_t *draw, got = 0;

    if (!n)
        return 0;
    if (t->sampler == SAMPLER_FIRST_N) {
        for (size_t i = 0; i < n_pool && got < n; i++)
            if (!t->exclude_eval_doc || !same_doc(pool[i], doc))
                out[got++] = i;
        if (got < n)
            return ep_err_set(err, "%zu few-shot examples asked, the few-shot split has %zu", n,
                              got);
        return 0;
    }
    if (!t->exclude_eval_doc) {
        if (pyrandom_sample(&s->rnd, n_pool, n, out) < 0)
            return ep_err_set(err, "%zu few-shot examples asked, the few-shot split has %zu", n,
                              n_pool);
        return 0;
    }
    /* Draw n + 1, drop copies of the evaluated doc, keep the first n. */
    draw = xmalloc((n + 1) * sizeof(*draw));
    if (pyrandom_sample(&s->rnd, n_pool, n + 1, draw) < 0) {
        free(draw);
        return ep_err_set(err, "%zu few-shot examples asked, the few-shot split has %zu", n,
                          n_pool);
    }
    for (size_t i = 0; i <= n && got < n; i++)
        if (!same_doc(pool[draw[i]], doc))
            out[got++] = draw[i];
    free(draw);
    if (got < n) {
        /* Several copies were drawn: sample again from the pool without any of them. */
        size_t *keep = xmalloc(n_pool * sizeof(*keep)), nk = 0;

        for (size_t i = 0; i < n_pool; i++)
            if (!same_doc(pool[i], doc))
                keep[nk++] = i;
        if (pyrandom_sample(&s->rnd, nk, n, out) < 0) {
            free(keep);
            return ep_err_set(err, "%zu few-shot examples asked, %zu differ from the doc", n, nk);
        }
        for (size_t i = 0; i < n; i++)
            out[i] = keep[out[i]];
        free(keep);
    }
    return 0;
}

/* One few-shot turn (build_qa_turn with an answer). */
static void
add_shot(struct buf *b, const char *q, const char *a)
{
    buf_addstr(b, q);
    /* has_answer is `a != ""`: an empty answer gets no delimiters at all. */
    if (a && *a) {
        buf_addstr(b, TARGET_DELIM);
        buf_addstr(b, a);
        buf_addstr(b, FEWSHOT_DELIM);
    }
}

void
prompt_build(const struct task *t, const struct task_doc *doc, struct task_doc *const *shots,
             size_t n_shots, struct buf *ctx)
{
    struct buf prefix = BUF_INIT;

    task_description(t, doc, &prefix);
    for (size_t k = 0; k < n_shots; k++) {
        const struct task_doc *s = shots[k];

        if (t->output == TASK_MC_MULTI_IN)
            add_shot(&prefix, s->choices[s->gold], s->target);
        else if (t->output == TASK_GEN)
            add_shot(&prefix, s->query, s->target);
        else
            add_shot(&prefix, s->query, s->choices[s->gold]);
    }
    if (t->output == TASK_MC_MULTI_IN) {
        for (size_t i = 0; i < doc->n_choices; i++) {
            buf_add(&ctx[i], prefix.buf, prefix.len);
            buf_addstr(&ctx[i], doc->choices[i]);
        }
    } else {
        buf_add(&ctx[0], prefix.buf, prefix.len);
        buf_addstr(&ctx[0], doc->query);
    }
    buf_release(&prefix);
}

void
prompt_continuation(const struct task *t, const struct task_doc *doc, size_t i, struct buf *out)
{
    buf_addstr(out, TARGET_DELIM);
    buf_addstr(out, t->output == TASK_MC_MULTI_IN ? doc->target : doc->choices[i]);
}

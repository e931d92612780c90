/*
 * scorer — a task's documents through prompts, the model and metrics, as
 * lm-eval's evaluator does; see scorer.h.
 */
#include "lib/eval/scorer.h"

#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/eval/metrics.h"
#include "lib/eval/prompt.h"
#include "lib/eval/pytext.h"
#include "lib/xalloc.h"

/* gsm8k's until list; the decoded EOS is appended when it is not there. */
static const char *const gen_until[] = { "Question:", "</s>", "<|im_end|>" };

/* One document on its way through: prompt, requests, metric values. */
struct item {
    struct task_doc *doc;
    struct buf *ctx; /* n_ctx contexts */
    size_t n_ctx;
    size_t first_req, n_req;
    bool failed;
    double acc, acc_norm, em[2];
};

/* What one (sub)task collects before aggregation. */
struct sub {
    const char *name;
    const struct task *t;
    struct item *it;
    size_t n;
};

static void
add_score(struct scorer_result *res, const char *task, const char *subject, const char *metric,
          const char *filter, double v, double se, size_t n, bool group)
{
    struct scorer_score *s;

    ALLOC_GROW(res->v, res->n + 1, res->alloc);
    s = &res->v[res->n++];
    s->task = xstrdup(task);
    s->subject = subject ? xstrdup(subject) : NULL;
    s->metric = metric;
    s->filter = filter;
    s->value = v;
    s->stderr_ = se;
    s->n = n;
    s->group = group;
}

static void
fail_item(const struct scorer_opts *o, struct item *it, const char *msg)
{
    it->failed = true;
    if (o->on_error)
        o->on_error(o->arg, it->doc, msg);
}

/* ----------------------------------------------------------------- prompts */

/* Few-shot docs and contexts for every item of a subtask, in doc order. */
static void
build_prompts(const struct scorer_opts *o, struct sub *s, struct task_doc **pool, size_t n_pool,
              int nshot)
{
    struct prompt_sampler smp;
    size_t *idx = xcalloc((size_t)nshot + 1, sizeof(*idx));
    struct task_doc **shots = xcalloc((size_t)nshot + 1, sizeof(*shots));

    prompt_sampler_init(&smp, o->seed);
    for (size_t k = 0; k < s->n; k++) {
        struct item *it = &s->it[k];
        struct ep_err err;

        it->n_ctx = s->t->output == TASK_MC_MULTI_IN ? it->doc->n_choices : 1;
        it->ctx = xcalloc(it->n_ctx, sizeof(*it->ctx));
        for (size_t i = 0; i < it->n_ctx; i++)
            buf_init(&it->ctx[i], 0);
        if (prompt_fewshot(&smp, s->t, pool, n_pool, it->doc, (size_t)nshot, idx, &err) < 0) {
            fail_item(o, it, err.msg);
            continue;
        }
        for (int i = 0; i < nshot; i++)
            shots[i] = pool[idx[i]];
        prompt_build(s->t, it->doc, shots, (size_t)nshot, it->ctx);
    }
    free(idx);
    free(shots);
}

/* ----------------------------------------------------------------- multiple choice */

static json_t *
mc_sample(const struct sub *s, size_t k, const struct ll_req *r, size_t pred, size_t pred_norm)
{
    const struct item *it = &s->it[k];
    json_t *rec = json_object(), *ctx = json_array(), *cont = json_array(), *ll = json_array(),
           *gr = json_array();

    json_object_set_new(rec, "kind", json_string("sample"));
    json_object_set_new(rec, "task", json_string(s->name));
    json_object_set_new(rec, "doc_id", json_integer((json_int_t)k));
    for (size_t i = 0; i < it->n_ctx; i++)
        json_array_append_new(ctx, json_stringn(it->ctx[i].buf, it->ctx[i].len));
    for (size_t i = 0; i < it->n_req; i++) {
        struct buf c = BUF_INIT;

        prompt_continuation(s->t, it->doc, i, &c);
        json_array_append_new(cont, json_stringn(c.buf, c.len));
        buf_release(&c);
        json_array_append_new(ll, json_real(r[it->first_req + i].ll));
        json_array_append_new(gr, json_boolean(r[it->first_req + i].greedy));
    }
    json_object_set_new(rec, "contexts", ctx);
    json_object_set_new(rec, "continuations", cont);
    json_object_set_new(rec, "ll", ll);
    json_object_set_new(rec, "greedy", gr);
    json_object_set_new(rec, "gold", json_integer(it->doc->gold));
    json_object_set_new(rec, "pred", json_integer((json_int_t)pred));
    if (s->t->metrics & MET_ACC_NORM)
        json_object_set_new(rec, "pred_norm", json_integer((json_int_t)pred_norm));
    json_object_set_new(rec, "acc", json_real(it->acc));
    if (s->t->metrics & MET_ACC_NORM)
        json_object_set_new(rec, "acc_norm", json_real(it->acc_norm));
    return rec;
}

/* Per-doc metrics from the requests' log-likelihoods (process_results). */
static void
mc_metrics(const struct scorer_opts *o, struct sub *s, size_t k, const struct ll_req *r)
{
    struct item *it = &s->it[k];
    double *ll = xcalloc(it->n_req, sizeof(*ll));
    size_t *len = xcalloc(it->n_req, sizeof(*len)), pred, pred_norm;

    for (size_t i = 0; i < it->n_req; i++) {
        const char *c = s->t->output == TASK_MC_MULTI_IN ? it->doc->target : it->doc->choices[i];

        ll[i] = r[it->first_req + i].ll;
        len[i] = pytext_len(c, strlen(c));
    }
    metrics_mc_pred(ll, len, it->n_req, &pred, &pred_norm);
    if (s->t->metrics & MET_MC2)
        it->acc = metrics_mc2(ll, it->doc->labels, it->n_req);
    else
        it->acc = pred == (size_t)it->doc->gold ? 1.0 : 0.0;
    it->acc_norm = pred_norm == (size_t)it->doc->gold ? 1.0 : 0.0;
    if (o->details && o->on_sample)
        o->on_sample(o->arg, it->doc, mc_sample(s, k, r, pred, pred_norm));
    free(ll);
    free(len);
}

static int
run_mc(struct lm *lm, const struct scorer_opts *o, struct sub *s, struct ep_err *err)
{
    struct ll_req *r = NULL;
    size_t nr = 0, alloc = 0;
    int rc;

    for (size_t k = 0; k < s->n; k++) {
        struct item *it = &s->it[k];

        it->first_req = nr;
        for (size_t i = 0; i < it->doc->n_choices && !it->failed; i++) {
            struct buf cont = BUF_INIT;
            struct ep_err e;

            ALLOC_GROW(r, nr + 1, alloc);
            memset(&r[nr], 0, sizeof(r[nr]));
            r[nr].group = k;
            prompt_continuation(s->t, it->doc, i, &cont);
            if (lm_encode_pair(lm, it->ctx[it->n_ctx > 1 ? i : 0].buf, cont.buf, &r[nr].ctx,
                               &r[nr].cont, &e) < 0)
                fail_item(o, it, e.msg);
            buf_release(&cont);
            nr++;
        }
        it->n_req = nr - it->first_req;
        if (it->failed) {
            while (nr > it->first_req) {
                nr--;
                tok_ids_release(&r[nr].ctx);
                tok_ids_release(&r[nr].cont);
            }
            it->n_req = 0;
        }
    }
    rc = lm_loglikelihood(lm, r, nr, err);
    for (size_t k = 0; k < s->n && !rc; k++) {
        struct item *it = &s->it[k];

        for (size_t i = 0; i < it->n_req && !it->failed; i++)
            if (r[it->first_req + i].failed)
                fail_item(o, it, r[it->first_req + i].err_msg);
        if (!it->failed)
            mc_metrics(o, s, k, r);
    }
    for (size_t j = 0; j < nr; j++) {
        tok_ids_release(&r[j].ctx);
        tok_ids_release(&r[j].cont);
    }
    free(r);
    return rc;
}

/* ----------------------------------------------------------------- generation */

static json_t *
gen_sample(const struct sub *s, size_t k, const struct gen_req *g, const struct buf *f)
{
    const struct item *it = &s->it[k];
    json_t *rec = json_object();

    json_object_set_new(rec, "kind", json_string("sample"));
    json_object_set_new(rec, "task", json_string(s->name));
    json_object_set_new(rec, "doc_id", json_integer((json_int_t)k));
    json_object_set_new(rec, "context", json_stringn(it->ctx[0].buf, it->ctx[0].len));
    json_object_set_new(rec, "generation", json_stringn(g->text.buf, g->text.len));
    json_object_set_new(rec, "target", json_string(it->doc->target));
    json_object_set_new(rec, "filtered",
                        json_pack("{s:s%,s:s%}", "strict-match", f[0].buf, f[0].len,
                                  "flexible-extract", f[1].buf, f[1].len));
    json_object_set_new(rec, "exact_match",
                        json_pack("{s:f,s:f}", "strict-match", it->em[0], "flexible-extract",
                                  it->em[1]));
    json_object_set_new(rec, "generated_tokens", json_integer((json_int_t)g->n_gen));
    return rec;
}

static int
run_gen(struct lm *lm, const struct scorer_opts *o, struct sub *s, struct ep_err *err)
{
    struct gen_req *g = xcalloc(s->n + 1, sizeof(*g));
    size_t *map = xcalloc(s->n + 1, sizeof(*map)), ng = 0;
    const char *stops[4];
    size_t n_stops = 3;
    int rc;

    memcpy(stops, gen_until, sizeof(gen_until));
    if (lm->eos_text && strcmp(lm->eos_text, stops[0]) && strcmp(lm->eos_text, stops[1]) &&
        strcmp(lm->eos_text, stops[2]))
        stops[n_stops++] = lm->eos_text;
    for (size_t k = 0; k < s->n; k++) {
        struct item *it = &s->it[k];
        struct ep_err e;

        if (it->failed)
            continue;
        buf_init(&g[ng].text, 0);
        if (lm_encode(lm, it->ctx[0].buf, it->ctx[0].len, &g[ng].ctx, &e) < 0) {
            fail_item(o, it, e.msg);
            tok_ids_release(&g[ng].ctx);
            buf_release(&g[ng].text);
            continue;
        }
        g[ng].stops = stops;
        g[ng].n_stops = n_stops;
        g[ng].max_gen = LM_MAX_GEN_TOKS;
        map[ng++] = k;
    }
    rc = lm_generate(lm, g, ng, err);
    for (size_t j = 0; j < ng; j++) {
        struct item *it = &s->it[map[j]];
        struct buf f[2] = { BUF_INIT, BUF_INIT };

        if (!rc) {
            const char *tgt = it->doc->target;

            metrics_gsm8k_strict(g[j].text.buf, g[j].text.len, &f[0]);
            metrics_gsm8k_flexible(g[j].text.buf, g[j].text.len, &f[1]);
            for (int i = 0; i < 2; i++)
                it->em[i] = metrics_gsm8k_exact(f[i].buf, f[i].len, tgt, strlen(tgt)) ? 1 : 0;
            if (o->details && o->on_sample)
                o->on_sample(o->arg, it->doc, gen_sample(s, map[j], &g[j], f));
        }
        buf_release(&f[0]);
        buf_release(&f[1]);
        tok_ids_release(&g[j].ctx);
        buf_release(&g[j].text);
    }
    free(g);
    free(map);
    return rc;
}

/* ----------------------------------------------------------------- aggregation */

/* Mean and stderr of one metric over the scored items of s; returns the count. */
static size_t
aggregate(const struct sub *s, int which, double *mean, double *se)
{
    double *v = xcalloc(s->n + 1, sizeof(*v));
    size_t n = 0;

    for (size_t k = 0; k < s->n; k++) {
        const struct item *it = &s->it[k];

        if (it->failed)
            continue;
        v[n++] = which == 0 ? it->acc : which == 1 ? it->acc_norm : it->em[which - 2];
    }
    *mean = metrics_mean(v, n);
    *se = metrics_stderr(v, n);
    free(v);
    return n;
}

static void
report_sub(const struct sub *s, const char *subject, struct scorer_result *res)
{
    static const char *const filters[] = { "strict-match", "flexible-extract" };
    double m, se;
    size_t n;

    if (s->t->metrics & MET_EXACT) {
        for (int i = 0; i < 2; i++) {
            n = aggregate(s, 2 + i, &m, &se);
            if (n)
                add_score(res, s->name, subject, "exact_match", filters[i], m, se, n, false);
        }
        return;
    }
    n = aggregate(s, 0, &m, &se);
    if (n)
        add_score(res, s->name, subject, "acc", NULL, m, se, n, false);
    if (n && (s->t->metrics & MET_ACC_NORM)) {
        aggregate(s, 1, &m, &se);
        add_score(res, s->name, subject, "acc_norm", NULL, m, se, n, false);
    }
}

/* MMLU groups: each category and "mmlu" over their subjects' acc (leaf tasks). */
static void
report_groups(struct scorer_result *res, size_t first)
{
    static const char *const cats[] = { "stem", "other", "social_sciences", "humanities", NULL };
    size_t nsub = res->n - first;
    double *v = xcalloc(nsub + 1, sizeof(*v)), *se = xcalloc(nsub + 1, sizeof(*se));
    size_t *sz = xcalloc(nsub + 1, sizeof(*sz));

    for (int c = 0; c <= 4; c++) {
        size_t k = 0, total = 0;
        bool all_se = true;
        char name[64];

        for (size_t i = first; i < first + nsub; i++) {
            if (cats[c] && strcmp(task_mmlu_category(res->v[i].subject), cats[c]))
                continue;
            v[k] = res->v[i].value;
            se[k] = res->v[i].stderr_;
            all_se &= se[k] >= 0;
            sz[k] = res->v[i].n;
            total += sz[k++];
        }
        if (!k)
            continue;
        snprintf(name, sizeof(name), cats[c] ? "mmlu_%s" : "mmlu", cats[c] ? cats[c] : "");
        add_score(res, name, cats[c], "acc", NULL, metrics_weighted_mean(v, sz, k),
                  all_se ? metrics_pooled_stderr(se, sz, k) : -1, total, true);
    }
    free(v);
    free(se);
    free(sz);
}

/* ----------------------------------------------------------------- entry point */

static int
run_sub(struct lm *lm, const struct scorer_opts *o, struct sub *s, struct task_doc **pool,
        size_t n_pool, int nshot, const char *subject, struct scorer_result *res,
        struct ep_err *err)
{
    int rc;

    build_prompts(o, s, pool, n_pool, nshot);
    rc = s->t->output == TASK_GEN ? run_gen(lm, o, s, err) : run_mc(lm, o, s, err);
    if (!rc)
        report_sub(s, subject, res);
    for (size_t k = 0; k < s->n; k++) {
        for (size_t i = 0; i < s->it[k].n_ctx; i++)
            buf_release(&s->it[k].ctx[i]);
        free(s->it[k].ctx);
        if (!s->it[k].failed)
            res->n_docs++;
    }
    return rc;
}

/* The docs (and pool) of one subtask: all of them, or one MMLU subject's. */
static size_t
select_docs(struct task_doc **src, size_t n, const char *subject, long limit,
            struct task_doc **out)
{
    size_t k = 0;

    for (size_t i = 0; i < n && (limit < 0 || (long)k < limit); i++)
        if (!subject || (src[i]->subject && !strcmp(src[i]->subject, subject)))
            out[k++] = src[i];
    return k;
}

int
scorer_run(struct lm *lm, const struct scorer_opts *o, struct task_doc **docs, size_t n_docs,
           struct task_doc **shots, size_t n_shots, struct scorer_result *res,
           struct ep_err *err)
{
    const struct task *t = o->task;
    bool mmlu = !strcmp(t->name, "mmlu");
    size_t nsubj = mmlu ? task_mmlu_n_subjects : 1, first = res->n;
    struct task_doc **d = xcalloc(n_docs + 1, sizeof(*d));
    struct task_doc **p = xcalloc(n_docs + n_shots + 1, sizeof(*p));
    int nshot = o->num_fewshot >= 0 ? o->num_fewshot : t->default_fewshot, rc = 0;

    res->num_fewshot = nshot;
    if (!n_docs) {
        free(d);
        free(p);
        return ep_err_set(err, "no %s rows to score (split '%s')", t->name, t->eval_split);
    }
    for (size_t j = 0; j < nsubj && !rc; j++) {
        const char *subj = mmlu ? task_mmlu_subjects[j] : NULL;
        struct sub s = { .name = t->name, .t = t };
        char name[96];
        size_t np;

        s.n = select_docs(docs, n_docs, subj, o->limit, d);
        if (!s.n)
            continue;
        /* Without a few-shot split lm-eval draws from the evaluated docs themselves. */
        if (t->fewshot_split)
            np = select_docs(shots, n_shots, subj, -1, p);
        else
            np = select_docs(docs, n_docs, subj, -1, p);
        if (subj) {
            snprintf(name, sizeof(name), "mmlu_%s", subj);
            s.name = name;
        }
        s.it = xcalloc(s.n, sizeof(*s.it));
        for (size_t k = 0; k < s.n; k++)
            s.it[k].doc = d[k];
        rc = run_sub(lm, o, &s, p, np, nshot, subj, res, err);
        free(s.it);
    }
    if (!rc && mmlu && res->n > first)
        report_groups(res, first);
    free(d);
    free(p);
    return rc;
}

void
scorer_result_release(struct scorer_result *res)
{
    for (size_t i = 0; i < res->n; i++) {
        free(res->v[i].task);
        free(res->v[i].subject);
    }
    free(res->v);
    memset(res, 0, sizeof(*res));
}

/*
 * lm — lm-eval's HF-backend scoring on a struct backend; see lm.h
 * (lm_eval/api/model.py _encode_pair, lm_eval/models/huggingface.py
 * _loglikelihood_tokens and generate_until).
 */
#include "lib/eval/lm.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "lib/eval/cpuops.h"
#include "lib/eval/model.h"
#include "lib/eval/pytext.h"
#include "lib/xalloc.h"

#define TOKEN_BUDGET 8192 /* new tokens per forward call */

/* ----------------------------------------------------------------- loading */

/* EOS ids for generation: generation_config.json's eos_token_id, else config.json's. */
static void
read_eos(struct lm *lm, const char *dir, const struct model_config *c)
{
    char *path = xstrfmt("%s/generation_config.json", dir);
    json_t *g = json_load_file(path, 0, NULL), *e = json_object_get(g, "eos_token_id"), *v;
    size_t i;

    free(path);
    lm->n_eos = 0;
    if (json_is_integer(e)) {
        lm->eos[lm->n_eos++] = (int32_t)json_integer_value(e);
    } else if (json_is_array(e)) {
        json_array_foreach(e, i, v) if (json_is_integer(v) && lm->n_eos < LM_MAX_EOS)
            lm->eos[lm->n_eos++] = (int32_t)json_integer_value(v);
    } else {
        for (int k = 0; k < c->n_eos && k < LM_MAX_EOS; k++)
            lm->eos[lm->n_eos++] = (int32_t)c->eos_token_ids[k];
    }
    json_decref(g);
}

static char *
decode_one(const struct tokenizer *t, int32_t id)
{
    struct buf b = BUF_INIT;
    struct ep_err err;

    if (id < 0 || tokenizer_decode(t, &id, 1, false, &b, &err) < 0 || !b.len) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

int
lm_open(struct lm *lm, const char *dir, const struct lm_opts *o, struct ep_err *err)
{
    struct model m;
    struct backend_opts bo = BACKEND_OPTS_INIT;
    char *path;
    int32_t prefix;

    memset(lm, 0, sizeof(*lm));
    lm->o = *o;
    if (model_load(&m, dir, err) < 0)
        return -1;
    bo.n_threads = o->threads;
    bo.cpu_only = o->cpu_only;
    lm->be = o->cpu_only ? backend_new(&backend_cpu_ops, &bo, err) : backend_init_best(&bo, err);
    if (!lm->be || backend_load(lm->be, &m, err) < 0) {
        model_release(&m);
        lm_close(lm);
        return -1;
    }
    lm->max_length = o->max_length ? o->max_length : (size_t)m.cfg.max_pos;
    lm->vocab = (size_t)m.cfg.vocab_size;
    read_eos(lm, dir, &m.cfg);
    snprintf(lm->dtype, sizeof(lm->dtype), "float32");
    model_release(&m);
    path = xstrfmt("%s/tokenizer.json", dir);
    lm->tok = tokenizer_load(path, err);
    free(path);
    if (!lm->tok) {
        lm_close(lm);
        return -1;
    }
    if (!lm->n_eos && tokenizer_eos_id(lm->tok) >= 0)
        lm->eos[lm->n_eos++] = tokenizer_eos_id(lm->tok);
    /* prefix_token_id: BOS, else EOS (huggingface.py prefix_token_id). */
    prefix = tokenizer_bos_id(lm->tok) >= 0 ? tokenizer_bos_id(lm->tok) : tokenizer_eos_id(lm->tok);
    lm->prefix_text = decode_one(lm->tok, prefix);
    lm->eos_text = decode_one(lm->tok, tokenizer_eos_id(lm->tok));
    return 0;
}

void
lm_close(struct lm *lm)
{
    backend_free(lm->be);
    tokenizer_free(lm->tok);
    free(lm->prefix_text);
    free(lm->eos_text);
    memset(lm, 0, sizeof(*lm));
}

/* ----------------------------------------------------------------- encoding */

int
lm_encode(struct lm *lm, const char *s, size_t n, struct tok_ids *out, struct ep_err *err)
{
    bool special = lm->o.bos == LM_BOS_AUTO;
    size_t pl = lm->prefix_text ? strlen(lm->prefix_text) : 0;

    if (special && pl && n >= pl && !memcmp(s, lm->prefix_text, pl))
        special = false;
    out->n = 0;
    return tokenizer_encode(lm->tok, s, n, special, out, err);
}

int
lm_encode_pair(struct lm *lm, const char *ctx, const char *cont, struct tok_ids *ctx_ids,
               struct tok_ids *cont_ids, struct ep_err *err)
{
    size_t cn = strlen(ctx), keep = pytext_rstrip_len(ctx, cn);
    struct buf whole = BUF_INIT;
    struct tok_ids w = TOK_IDS_INIT;
    int rc = -1;

    if (!cn)
        return ep_err_set(err, "empty context");
    /* Trailing whitespace of the context goes to the front of the continuation. */
    buf_add(&whole, ctx, cn);
    buf_addstr(&whole, cont);
    if (lm_encode(lm, whole.buf, whole.len, &w, err) < 0 ||
        lm_encode(lm, ctx, keep, ctx_ids, err) < 0)
        goto out;
    cont_ids->n = 0;
    for (size_t i = ctx_ids->n; i < w.n; i++) {
        ALLOC_GROW(cont_ids->v, cont_ids->n + 1, cont_ids->alloc);
        cont_ids->v[cont_ids->n++] = w.v[i];
    }
    if (!ctx_ids->n || !cont_ids->n) {
        ep_err_set(err, "the %s encodes to no tokens", ctx_ids->n ? "continuation" : "context");
        goto out;
    }
    rc = 0;
out:
    buf_release(&whole);
    tok_ids_release(&w);
    return rc;
}

/* ----------------------------------------------------------------- log-likelihoods */

/* One request laid out for the model: inp = (ctx + cont)[-(L+1):][:-1]. */
struct ll_plan {
    int32_t *inp;
    size_t n_inp, start; /* rows start .. n_inp - 1 predict the continuation */
};

/* One doc's requests: the shared prefix inp[0..p) goes through the model once. */
struct ll_group {
    size_t first, n; /* its requests */
    size_t p;
    struct kv_cache *kv;
    float *logits; /* (V): logits of prefix row p - 1 */
};

/* Sequences waiting for one forward call, and the request each one scores. */
struct pending {
    struct fwd_seq *seq;
    size_t *req;
    size_t n, alloc, ntok;
};

/* Add log_softmax(logits)[tgt] to *ll (rounded to fp32 like the backend) and check greedy. */
static void
score_row(const float *logits, size_t V, int32_t tgt, double *ll, bool *greedy)
{
    size_t best = 0;

    *ll += (double)(float)((double)logits[tgt] - cpuops_logsumexp(logits, (int64_t)V));
    for (size_t v = 1; v < V; v++)
        if (logits[v] > logits[best])
            best = v;
    if ((int32_t)best != tgt)
        *greedy = false;
}

static void
plan_request(const struct lm *lm, struct ll_req *r, struct ll_plan *pl)
{
    size_t total = r->ctx.n + r->cont.n, off = 0, L = lm->max_length;

    memset(pl, 0, sizeof(*pl));
    if (r->cont.n > L) {
        r->failed = true;
        snprintf(r->err_msg, sizeof(r->err_msg),
                 "the continuation has %zu tokens, more than the model's %zu", r->cont.n, L);
        return;
    }
    if (total > L + 1)
        off = total - (L + 1); /* left truncation */
    pl->n_inp = total - off - 1;
    pl->inp = xmalloc((pl->n_inp + 1) * sizeof(*pl->inp));
    for (size_t i = 0; i < pl->n_inp; i++) {
        size_t k = off + i;

        pl->inp[i] = k < r->ctx.n ? r->ctx.v[k] : r->cont.v[k - r->ctx.n];
    }
    pl->start = pl->n_inp - r->cont.n;
}

/* The shared prefix of a group: its common tokens, ending at the first scored row. */
static size_t
group_prefix(const struct ll_req *r, const struct ll_plan *pl, size_t n)
{
    size_t p = pl[0].n_inp, min_start = pl[0].start;

    for (size_t i = 0; i < n; i++) {
        size_t k = 0;

        if (r[i].failed)
            return 0;
        while (k < p && k < pl[i].n_inp && pl[i].inp[k] == pl[0].inp[k])
            k++;
        p = k;
        if (pl[i].start < min_start)
            min_start = pl[i].start;
    }
    return p < min_start + 1 ? p : min_start + 1;
}

static int
pending_flush(struct lm *lm, struct pending *pd, struct ll_req *r, struct ep_err *err)
{
    int rc = 0;

    if (pd->n) {
        lm->tokens += pd->ntok;
        rc = backend_forward(lm->be, pd->seq, pd->n, err);
    }
    for (size_t i = 0; i < pd->n; i++) {
        struct fwd_seq *q = &pd->seq[i];
        struct ll_req *rq = &r[pd->req[i]];

        for (size_t j = 0; j < q->n_score && !rc; j++) {
            rq->ll += (double)q->logprobs[j];
            if (!q->greedy[j])
                rq->greedy = false;
        }
        free(q->logprobs);
        free(q->greedy);
    }
    pd->n = pd->ntok = 0;
    return rc;
}

static int
pending_add(struct lm *lm, struct pending *pd, struct ll_req *r, size_t j, const struct fwd_seq *q,
            struct ep_err *err)
{
    if (pd->n && pd->ntok + q->n_tokens > TOKEN_BUDGET && pending_flush(lm, pd, r, err) < 0)
        return -1;
    ALLOC_GROW(pd->seq, pd->n + 1, pd->alloc);
    pd->req = xrealloc(pd->req, pd->alloc * sizeof(*pd->req));
    pd->seq[pd->n] = *q;
    pd->seq[pd->n].logprobs = xcalloc(q->n_score + 1, sizeof(float));
    pd->seq[pd->n].greedy = xcalloc(q->n_score + 1, sizeof(bool));
    pd->req[pd->n++] = j;
    pd->ntok += q->n_tokens;
    return 0;
}

/* Phase 1: every group's prefix once, keeping its cache and last row's logits. */
static int
run_prefixes(struct lm *lm, struct ll_group *g, size_t ng, struct ll_plan *pl, struct ep_err *err)
{
    struct fwd_seq *seqs = xcalloc(ng + 1, sizeof(*seqs));
    size_t ns = 0, ntok = 0;
    int rc = 0;

    for (size_t k = 0; k < ng && !rc; k++) {
        if (!g[k].p)
            continue;
        g[k].kv = backend_kv_new(lm->be, g[k].p, err);
        if (!g[k].kv) {
            rc = -1;
            break;
        }
        g[k].logits = xmalloc(lm->vocab * sizeof(float));
        seqs[ns].tokens = pl[g[k].first].inp;
        seqs[ns].n_tokens = g[k].p;
        seqs[ns].kv = g[k].kv;
        seqs[ns].kv_append = true;
        seqs[ns].n_logits = 1;
        seqs[ns].logits = g[k].logits;
        ntok += g[k].p;
        ns++;
        if (ntok >= TOKEN_BUDGET || k + 1 == ng) {
            lm->tokens += ntok;
            rc = backend_forward(lm->be, seqs, ns, err);
            ns = ntok = 0;
        }
    }
    if (!rc && ns) {
        lm->tokens += ntok;
        rc = backend_forward(lm->be, seqs, ns, err);
    }
    free(seqs);
    return rc;
}

/* Phase 2: the rows of each request after its group's prefix (all of it without one). */
static int
run_rest(struct lm *lm, struct ll_req *r, struct ll_plan *pl, struct ll_group *g, size_t ng,
         struct ep_err *err)
{
    struct pending pd = { 0 };
    int rc = 0;

    for (size_t k = 0; k < ng && !rc; k++) {
        size_t p = g[k].p;

        for (size_t j = g[k].first; j < g[k].first + g[k].n && !rc; j++) {
            size_t s0 = pl[j].start > p ? pl[j].start : p;
            struct fwd_seq q = { 0 };

            if (r[j].failed)
                continue;
            r[j].greedy = true;
            if (p && pl[j].start == p - 1)
                score_row(g[k].logits, lm->vocab, r[j].cont.v[0], &r[j].ll, &r[j].greedy);
            if (pl[j].n_inp <= p)
                continue;
            q.tokens = pl[j].inp + p;
            q.n_tokens = pl[j].n_inp - p;
            q.kv = p ? g[k].kv : NULL;
            q.score_start = s0 - p;
            q.n_score = pl[j].n_inp - s0;
            q.targets = r[j].cont.v + (s0 - pl[j].start);
            rc = pending_add(lm, &pd, r, j, &q, err);
        }
    }
    if (pending_flush(lm, &pd, r, err) < 0)
        rc = -1;
    free(pd.seq);
    free(pd.req);
    return rc;
}

int
lm_loglikelihood(struct lm *lm, struct ll_req *r, size_t n, struct ep_err *err)
{
    struct ll_plan *pl = xcalloc(n + 1, sizeof(*pl));
    size_t i = 0, docs = 0, ndocs = 0;
    int rc = 0;

    for (size_t j = 0; j < n; j++) {
        r[j].ll = 0;
        r[j].greedy = false;
        plan_request(lm, &r[j], &pl[j]);
        ndocs += j == 0 || r[j].group != r[j - 1].group;
    }
    while (i < n && !rc) {
        struct ll_group *g = xcalloc(lm->o.batch + 1, sizeof(*g));
        size_t ng = 0;

        /* A batch: up to o.batch docs (groups of consecutive requests). */
        while (i < n && ng < lm->o.batch) {
            g[ng].first = i;
            while (i < n && r[i].group == r[g[ng].first].group)
                i++;
            g[ng].n = i - g[ng].first;
            g[ng].p = group_prefix(r + g[ng].first, pl + g[ng].first, g[ng].n);
            ng++;
        }
        rc = run_prefixes(lm, g, ng, pl, err);
        if (!rc)
            rc = run_rest(lm, r, pl, g, ng, err);
        for (size_t k = 0; k < ng; k++) {
            backend_kv_free(lm->be, g[k].kv);
            free(g[k].logits);
        }
        free(g);
        docs += ng;
        if (lm->progress)
            lm->progress(lm->progress_arg, docs, ndocs, lm->tokens);
    }
    for (size_t j = 0; j < n; j++)
        free(pl[j].inp);
    free(pl);
    return rc;
}

/* ----------------------------------------------------------------- generation */

static bool
is_eos(const struct lm *lm, int32_t id)
{
    for (int i = 0; i < lm->n_eos; i++)
        if (lm->eos[i] == id)
            return true;
    return false;
}

static int32_t
argmax_row(const float *x, size_t V)
{
    size_t best = 0;

    for (size_t v = 1; v < V; v++)
        if (x[v] > x[best])
            best = v;
    return (int32_t)best;
}

/* Decode the generated ids and say whether a stop string has appeared. */
static int
gen_decode(struct lm *lm, struct gen_req *g, const struct tok_ids *ids, bool *stopped,
           struct ep_err *err)
{
    buf_reset(&g->text);
    if (tokenizer_decode(lm->tok, ids->v, ids->n, true, &g->text, err) < 0)
        return -1;
    *stopped = false;
    for (size_t s = 0; s < g->n_stops; s++)
        if (*g->stops[s] && strstr(g->text.buf, g->stops[s]))
            *stopped = true;
    return 0;
}

/* postprocess_generated_text: cut at each stop string in turn. */
static void
gen_cut(struct gen_req *g)
{
    for (size_t s = 0; s < g->n_stops; s++) {
        const char *hit = *g->stops[s] ? strstr(g->text.buf, g->stops[s]) : NULL;

        if (hit)
            buf_setlen(&g->text, (size_t)(hit - g->text.buf));
    }
}

struct gen_state {
    struct kv_cache *kv;
    struct tok_ids ids; /* generated so far */
    float *logits;
    bool done;
};

static int
gen_batch(struct lm *lm, struct gen_req *r, size_t n, struct ep_err *err)
{
    struct gen_state *st = xcalloc(n, sizeof(*st));
    struct fwd_seq *seqs = xcalloc(n, sizeof(*seqs));
    size_t ns, active = n;
    int rc = 0;

    for (size_t i = 0; i < n && !rc; i++) {
        size_t keep = lm->max_length > r[i].max_gen ? lm->max_length - r[i].max_gen : 1;

        if (r[i].ctx.n > keep) { /* left truncation to max_length - max_gen_toks */
            memmove(r[i].ctx.v, r[i].ctx.v + (r[i].ctx.n - keep), keep * sizeof(int32_t));
            r[i].ctx.n = keep;
        }
        st[i].logits = xmalloc(lm->vocab * sizeof(float));
        st[i].kv = backend_kv_new(lm->be, r[i].ctx.n + r[i].max_gen + 1, err);
        if (!st[i].kv || !r[i].ctx.n) {
            if (st[i].kv)
                ep_err_set(err, "empty prompt");
            rc = -1;
        }
        seqs[i] = (struct fwd_seq){ .tokens = r[i].ctx.v, .n_tokens = r[i].ctx.n,
                                    .kv = st[i].kv, .kv_append = true, .n_logits = 1,
                                    .logits = st[i].logits };
        lm->tokens += r[i].ctx.n;
    }
    if (!rc)
        rc = backend_forward(lm->be, seqs, n, err);
    while (!rc && active) {
        ns = 0;
        for (size_t i = 0; i < n && !rc; i++) {
            int32_t next;

            if (st[i].done)
                continue;
            next = argmax_row(st[i].logits, lm->vocab);
            ALLOC_GROW(st[i].ids.v, st[i].ids.n + 1, st[i].ids.alloc);
            st[i].ids.v[st[i].ids.n++] = next;
            if (!is_eos(lm, next) && st[i].ids.n < r[i].max_gen) {
                bool stopped;

                rc = gen_decode(lm, &r[i], &st[i].ids, &stopped, err);
                if (!stopped) {
                    seqs[ns++] = (struct fwd_seq){ .tokens = &st[i].ids.v[st[i].ids.n - 1],
                                                   .n_tokens = 1, .kv = st[i].kv,
                                                   .kv_append = true, .n_logits = 1,
                                                   .logits = st[i].logits };
                    continue;
                }
            }
            st[i].done = true;
            active--;
        }
        if (!rc && ns) {
            lm->tokens += ns;
            rc = backend_forward(lm->be, seqs, ns, err);
        }
    }
    for (size_t i = 0; i < n; i++) {
        bool stopped;

        if (!rc) {
            rc = gen_decode(lm, &r[i], &st[i].ids, &stopped, err);
            gen_cut(&r[i]);
            r[i].n_gen = st[i].ids.n;
        }
        backend_kv_free(lm->be, st[i].kv);
        tok_ids_release(&st[i].ids);
        free(st[i].logits);
    }
    free(st);
    free(seqs);
    return rc;
}

int
lm_generate(struct lm *lm, struct gen_req *r, size_t n, struct ep_err *err)
{
    for (size_t i = 0; i < n; i += lm->o.batch) {
        size_t k = n - i < lm->o.batch ? n - i : lm->o.batch;

        if (gen_batch(lm, r + i, k, err) < 0)
            return -1;
        if (lm->progress)
            lm->progress(lm->progress_arg, i + k, n, lm->tokens);
    }
    return 0;
}

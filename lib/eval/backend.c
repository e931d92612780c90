/*
 * backend — construction, selection and the vtable wrappers.
 *
 * The list of candidates is fixed at build time: the CUDA backend joins it
 * unless EVALPIPE_NO_CUDA is defined (the Makefile defines it when nvcc or
 * lib/eval/backend_cuda.cu is missing); the CPU backend is always last.
 */
#include "lib/eval/backend.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

#ifndef EVALPIPE_NO_CUDA
extern const struct backend_ops backend_cuda_ops;
#endif

static const struct backend_ops *const candidates[] = {
#ifndef EVALPIPE_NO_CUDA
    &backend_cuda_ops,
#endif
    &backend_cpu_ops,
};

struct backend *
backend_new(const struct backend_ops *ops, const struct backend_opts *o, struct ep_err *err)
{
    struct backend *be = xcalloc(1, sizeof(*be));
    struct backend_opts def = BACKEND_OPTS_INIT;

    be->ops = ops;
    if (ops->init(be, o ? o : &def, err) < 0) {
        free(be);
        return NULL;
    }
    return be;
}

struct backend *
backend_init_best(const struct backend_opts *o, struct ep_err *err)
{
    size_t n = sizeof(candidates) / sizeof(candidates[0]);

    for (size_t i = 0; i < n; i++) {
        struct backend *be;

        if (o && o->cpu_only && candidates[i] != &backend_cpu_ops)
            continue;
        be = backend_new(candidates[i], o, err);
        if (be) {
            info("backend: %s", be->device);
            return be;
        }
        if (i + 1 < n)
            info("backend %s unavailable: %s", candidates[i]->name, err->msg);
    }
    return NULL;
}

void
backend_free(struct backend *be)
{
    if (!be)
        return;
    be->ops->free(be);
    free(be);
}

int
backend_load(struct backend *be, const struct model *m, struct ep_err *err)
{
    return be->ops->load(be, m, err);
}

int
backend_forward(struct backend *be, struct fwd_seq *seqs, size_t n, struct ep_err *err)
{
    return be->ops->forward(be, seqs, n, err);
}

struct kv_cache *
backend_kv_new(struct backend *be, size_t capacity, struct ep_err *err)
{
    return be->ops->kv_new(be, capacity, err);
}

void
backend_kv_free(struct backend *be, struct kv_cache *kv)
{
    if (kv)
        be->ops->kv_free(be, kv);
}

size_t
backend_kv_len(const struct backend *be, const struct kv_cache *kv)
{
    return be->ops->kv_len(kv);
}

void
backend_kv_truncate(struct backend *be, struct kv_cache *kv, size_t len)
{
    be->ops->kv_truncate(kv, len);
}

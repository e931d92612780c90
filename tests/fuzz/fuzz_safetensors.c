/*
 * libFuzzer target for the safetensors header parser (untrusted input):
 * parse the input as a whole file, then look up and convert every tensor,
 * so that any view the parser hands out is read end to end under ASan.
 *
 *   make fuzz FUZZ_TIME=300    (clang; seeded from tests/eval/fixtures)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/eval/safetensors.h"
#include "lib/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct safetensors_file f;
    struct safetensors st = SAFETENSORS_INIT;
    struct ep_err err;
    float *buf;

    if (safetensors_parse(&f, data, size, "fuzz", &err) < 0)
        return 0;
    /* A one-file checkpoint view, to exercise the name lookup too. */
    st.files = &f;
    st.nr_files = 1;
    st.index = xcalloc(f.nr ? f.nr : 1, sizeof(*st.index));
    for (size_t i = 0; i < f.nr; i++)
        st.index[st.nr++] = &f.tensors[i];
    for (size_t i = 0; i < f.nr; i++) {
        const struct safetensors_tensor *t = safetensors_find(&st, f.tensors[i].name);

        if (t != &f.tensors[i])
            abort();
        buf = xmalloc((t->numel ? t->numel : 1) * sizeof(float));
        (void)safetensors_read_f32(t, 0, t->numel, buf, &err);
        free(buf);
    }
    free(st.index);
    safetensors_file_release(&f);
    return 0;
}

/* libFuzzer target: zstd frames through lib/zstdec, output capped at 4 MiB. */
#include <stddef.h>
#include <stdint.h>

#include "lib/zstdec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct buf out = BUF_INIT;
    struct ep_err err;

    zstdec_decompress(data, size, (size_t)4 << 20, &out, &err);
    if (out.len > ((size_t)4 << 20))
        __builtin_trap();
    buf_release(&out);
    return 0;
}

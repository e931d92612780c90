/* libFuzzer target: raw deflate data through lib/inflate, output capped at 1 MiB. */
#include <stddef.h>
#include <stdint.h>

#include "lib/inflate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct buf out = BUF_INIT;
    struct ep_err err;
    size_t used = 0;

    if (inflate_raw(data, size, (size_t)1 << 20, &out, &used, &err) == 0 && used > size)
        __builtin_trap();
    if (out.len > ((size_t)1 << 20))
        __builtin_trap();
    buf_release(&out);
    return 0;
}

/* libFuzzer target: a ZIP archive in memory through lib/zipdir; every member read (1 MiB cap). */
#include <stddef.h>
#include <stdint.h>

#include "lib/zipdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct zipdir z;
    struct ep_err err;

    if (zipdir_open_mem(&z, data, size, &err) == 0) {
        for (size_t i = 0; i < z.nr && i < 16; i++) {
            struct buf out = BUF_INIT;

            if (zipdir_read(&z, &z.entries[i], (size_t)1 << 20, &out, &err) == 0 &&
                out.len != z.entries[i].usize)
                __builtin_trap();
            buf_release(&out);
        }
    }
    zipdir_release(&z);
    return 0;
}

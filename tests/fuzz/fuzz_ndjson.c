/* libFuzzer target: one NDJSON line through the record parser and back out. */
#include <stddef.h>
#include <stdint.h>

#include "lib/ndjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ep_err err;
    json_t *v = ndjson_parse((const char *)data, size, &err);

    if (v) {
        struct buf out = BUF_INIT;

        ndjson_dump(&out, v);
        json_decref(v);
        /* what the writer writes, the reader reads */
        v = ndjson_parse(out.buf, out.len, &err);
        if (!v)
            __builtin_trap();
        json_decref(v);
        buf_release(&out);
    }
    return 0;
}

/*
 * libFuzzer target: lib/pyjson. The pre-pass never changes a string: a text
 * without NaN/Infinity tokens comes back byte for byte, and whatever parses
 * dumps and parses again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pyjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct buf out = BUF_INIT;
    struct ep_err err;
    size_t n = pyjson_nan_to_null((const char *)data, size, &out), again;
    json_t *v;

    if (n == 0 && (out.len != size || memcmp(out.buf, data, size)))
        __builtin_trap();
    buf_release(&out);
    v = pyjson_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &again, &err);
    if (v) {
        char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        json_t *w = text ? pyjson_loadb(text, strlen(text), 0, NULL, &err) : NULL;

        if (text && !w)
            __builtin_trap();
        json_decref(w);
        free(text);
        json_decref(v);
    }
    if (again != n)
        __builtin_trap();
    return 0;
}

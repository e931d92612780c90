/*
 * fuzz_tokenizer — libFuzzer target for lib/eval/tokenizer: the input is
 * split at the first NUL byte into a tokenizer.json text and a string to
 * encode (with and without special tokens) and decode again. Any load or
 * encode error is fine; crashes, leaks and sanitizer reports are not.
 *   make fuzz-tokenizer FUZZ_TIME=120   (seeds: tests/fuzz/corpus/fuzz_tokenizer/)
 */
#include <stdint.h>
#include <string.h>

#include "lib/eval/tokenizer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data, *nul = memchr(s, '\0', size);
    size_t jlen = nul ? (size_t)(nul - s) : size;
    const char *text = nul ? nul + 1 : "";
    size_t tlen = nul ? size - jlen - 1 : 0;
    struct ep_err err;
    struct tokenizer *t = tokenizer_load_json(s, jlen, NULL, 0, "fuzz.json", &err);

    if (!t)
        return 0;
    for (int special = 0; special < 2; special++) {
        struct tok_ids ids = TOK_IDS_INIT;
        struct buf out = BUF_INIT;

        if (tokenizer_encode(t, text, tlen, special, &ids, &err) == 0)
            tokenizer_decode(t, ids.v, ids.n, special, &out, &err);
        tok_ids_release(&ids);
        buf_release(&out);
    }
    tokenizer_free(t);
    return 0;
}

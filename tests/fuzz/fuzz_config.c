/*
 * libFuzzer target for config.json parsing: any input must either parse
 * into a config whose sizes respect the documented limits, or fail cleanly.
 *
 *   make fuzz FUZZ_TIME=300    (clang; seeded from tests/eval/fixtures, with fuzz_config.dict)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/eval/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct model_config c;
    struct ep_err err;
    float inv[64];

    if (config_parse(&c, (const char *)data, size, "fuzz", &err) < 0)
        return 0;
    if (c.n_heads % c.n_kv_heads || c.head_dim < 1 || c.n_layers < 1)
        abort();
    if (c.rope.type != ROPE_NONE && c.head_dim <= 128)
        config_rope_inv_freq(&c, inv);
    for (int64_t l = 0; l < c.n_layers; l++)
        (void)config_attn_scale(&c, l);
    config_release(&c);
    return 0;
}

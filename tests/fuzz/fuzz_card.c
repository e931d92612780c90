/* libFuzzer target: README bytes -> front matter split, YAML parse, card record, and back. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/card.h"
#include "lib/frontmatter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ep_err err;
    struct frontmatter fm;
    struct buf text = BUF_INIT;
    json_t *card;

    frontmatter_split((const char *)data, size, &fm);
    if (fm.found && (fm.block_len > size || fm.yaml_off + fm.yaml_len > fm.block_len))
        __builtin_trap();
    card = card_new("fuzz/card", "model", NULL, "README.md", (const char *)data, size, &err);
    if (card) {
        card_text(card, &text);
        if (text.len != size || memcmp(text.buf, data, size)) /* byte for byte, always */
            __builtin_trap();
        json_decref(card);
    }
    buf_release(&text);
    return 0;
}

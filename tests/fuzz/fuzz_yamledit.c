/*
 * fuzz_yamledit — libFuzzer target for the README path of yaml-emit: split
 * the front matter, parse it, and set its model-index with lib/yamledit.
 *
 *   make fuzz FUZZ_TIME=300   (or build/fuzz/bin/fuzz_yamledit after make fuzz-build)
 *
 * The input is a README, optionally followed by a NUL byte and a second YAML
 * document: its value becomes one more model-index to set, so that arbitrary
 * differences between old and new values are tried too.
 *
 * Invariants checked (abort on violation): setting model-index to what the
 * document already says changes no byte; any edit that succeeds reads back as
 * the old document with only model-index changed, and the README keeps its
 * body and its front matter's end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/frontmatter.h"
#include "lib/msg.h"
#include "lib/yamledit.h"
#include "lib/yamlin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_edit(const char *yaml, size_t len, const json_t *old, const json_t *value)
{
    struct buf out = BUF_INIT;
    struct ep_err err;
    json_t *want, *got;
    int rc = yamledit_set(&out, yaml, len, "model-index", value, "\n", &err);

    if (rc < 0) {
        if (out.len)
            abort(); /* a refused edit writes nothing */
        return;
    }
    want = json_deep_copy(old);
    json_object_set(want, "model-index", (json_t *)value);
    got = yamlin_parse(out.buf, out.len, &err);
    if (!got && out.len == 0 && json_object_size(want) == 0)
        got = json_object();
    if (!got || !json_equal(got, want))
        abort();
    if (rc == 0 && (out.len != len || memcmp(out.buf, yaml, len)))
        abort();
    json_decref(got);
    json_decref(want);
    buf_release(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data, *nul = memchr(data, '\0', size);
    struct frontmatter fm;
    struct ep_err err;
    json_t *old, *mi, *bigger, *entry, *other = NULL;

    msg_set_verbosity(-1);
    if (nul) {
        other = yamlin_parse(nul + 1, size - (size_t)(nul + 1 - text), &err);
        size = (size_t)(nul - text);
    }
    frontmatter_split(text, size, &fm);
    if (!fm.found) {
        json_decref(other);
        return 0;
    }
    old = yamlin_parse(text + fm.yaml_off, fm.yaml_len, &err);
    if (!old) {
        json_decref(other);
        return 0;
    }
    if (json_is_null(old)) {
        json_decref(old);
        old = json_object();
    }
    if (!json_is_object(old)) {
        json_decref(old);
        json_decref(other);
        return 0;
    }
    mi = json_object_get(old, "model-index");
    /* 1: the same value, 2: one more result, 3: a fresh model-index */
    if (mi)
        check_edit(text + fm.yaml_off, fm.yaml_len, old, mi);
    bigger = mi ? json_deep_copy(mi) : json_array();
    entry = json_pack("{s:s, s:[{s:{s:s}, s:{s:s, s:s}, s:[{s:s, s:f}]}]}", "name", "x: # ---\n'\"",
                      "results", "task", "type", "text-generation", "dataset", "name", "MMLU",
                      "type", "cais/mmlu", "metrics", "type", "acc", "value", 71.3);
    if (json_is_array(bigger) && json_array_size(bigger) &&
        json_is_object(json_array_get(bigger, 0)) &&
        json_is_array(json_object_get(json_array_get(bigger, 0), "results")))
        json_array_extend(json_object_get(json_array_get(bigger, 0), "results"),
                          json_object_get(entry, "results"));
    else if (json_is_array(bigger))
        json_array_append(bigger, entry);
    check_edit(text + fm.yaml_off, fm.yaml_len, old, bigger);
    if (other)
        check_edit(text + fm.yaml_off, fm.yaml_len, old, other);
    json_decref(other);
    json_decref(entry);
    json_decref(bigger);
    json_decref(old);
    return 0;
}

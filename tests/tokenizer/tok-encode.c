/*
 * tok-encode — test driver for lib/eval/tokenizer: reads JSON lines
 * {"t": TEXT, "s": ADD_SPECIAL} and writes one line per input,
 * {"ids": [...], "dec": DECODE(ids), "decs": DECODE(ids, skip_special)}, or
 * {"error": MESSAGE}. Load with a tokenizer.json path, or --gpt2 VOCAB MERGES.
 * With --bench FILE N it instead encodes FILE whole N times and prints timing;
 * --info prints vocabulary size, bos/eos ids and whether BOS is added.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/buf.h"
#include "lib/eval/tokenizer.h"
#include "lib/msg.h"
#include "lib/xalloc.h"

static json_t *
process(struct tokenizer *t, json_t *in)
{
    json_t *text = json_object_get(in, "t"), *out = json_object(), *arr = json_array();
    struct tok_ids ids = TOK_IDS_INIT;
    struct buf dec = BUF_INIT, decs = BUF_INIT;
    struct ep_err err;

    if (!json_is_string(text) ||
        tokenizer_encode(t, json_string_value(text), json_string_length(text),
                         json_is_true(json_object_get(in, "s")), &ids, &err) < 0 ||
        tokenizer_decode(t, ids.v, ids.n, false, &dec, &err) < 0 ||
        tokenizer_decode(t, ids.v, ids.n, true, &decs, &err) < 0) {
        json_object_set_new(out, "error", json_string(json_is_string(text) ? err.msg : "no text"));
        json_decref(arr);
    } else {
        for (size_t i = 0; i < ids.n; i++)
            json_array_append_new(arr, json_integer(ids.v[i]));
        json_object_set_new(out, "ids", arr);
        json_object_set_new(out, "dec", json_stringn(dec.buf, dec.len));
        json_object_set_new(out, "decs", json_stringn(decs.buf, decs.len));
    }
    tok_ids_release(&ids);
    buf_release(&dec);
    buf_release(&decs);
    return out;
}

static int
bench(struct tokenizer *t, const char *path, int reps)
{
    FILE *f = fopen(path, "rb");
    struct buf b = BUF_INIT;
    char chunk[65536];
    size_t n, total = 0;
    struct timespec t0, t1;
    struct ep_err err;

    if (!f)
        die("cannot open '%s'", path);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_add(&b, chunk, n);
    fclose(f);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int r = 0; r < reps; r++) {
        struct tok_ids ids = TOK_IDS_INIT;

        if (tokenizer_encode(t, b.buf, b.len, false, &ids, &err) < 0)
            die("%s", err.msg);
        total += ids.n;
        tok_ids_release(&ids);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stdout, "{\"tokens\": %zu, \"bytes\": %zu, \"seconds\": %.6f}\n", total,
            b.len * (size_t)reps,
            (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    buf_release(&b);
    return 0;
}

int
main(int argc, char **argv)
{
    struct tokenizer *t;
    struct ep_err err;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int argi = 1;

    msg_init(argv[0]);
    if (argc >= 4 && !strcmp(argv[1], "--gpt2"))
        t = tokenizer_load_gpt2_files(argv[2], argv[3], &err), argi = 4;
    else if (argc >= 2)
        t = tokenizer_load(argv[1], &err), argi = 2;
    else
        usage_die(
            "usage: tok-encode (TOKENIZER_JSON | --gpt2 VOCAB MERGES) [--info | --bench FILE REPS]");
    if (!t)
        die("%s", err.msg);
    if (argi < argc && !strcmp(argv[argi], "--info")) {
        fprintf(stdout,
                "{\"vocab_size\": %zu, \"bos\": %d, \"eos\": %d, \"adds_bos\": %s, "
                "\"config_add_bos\": %d}\n",
                tokenizer_vocab_size(t), tokenizer_bos_id(t), tokenizer_eos_id(t),
                tokenizer_adds_bos(t) ? "true" : "false", tokenizer_config_add_bos(t));
        tokenizer_free(t);
        return 0;
    }
    if (argi + 2 < argc + 1 && argi < argc && !strcmp(argv[argi], "--bench")) {
        long reps = argi + 2 < argc ? strtol(argv[argi + 2], NULL, 10) : 1;

        bench(t, argv[argi + 1], reps > 0 ? (int)reps : 1);
        tokenizer_free(t);
        return 0;
    }
    while ((len = getline(&line, &cap, stdin)) > 0) {
        json_error_t jerr;
        json_t *in = json_loadb(line, (size_t)len, JSON_ALLOW_NUL, &jerr), *out;

        if (!in)
            die("<stdin>: %s", jerr.text);
        out = process(t, in);
        json_dumpf(out, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
        fputc('\n', stdout);
        json_decref(out);
        json_decref(in);
    }
    free(line);
    tokenizer_free(t);
    if (fflush(stdout) || ferror(stdout))
        die("write error");
    return 0;
}

/*
 * tokenizer — Hugging Face tokenizer.json tokenizers in C, giving the same
 * token ids as the `tokenizers` library: added tokens, normalizers, pre-
 * tokenizers, the BPE model, post-processors and decoders (tokenizer.c says
 * which types are supported; anything else is a load error).
 *
 * A struct tokenizer owns all its memory; tokenizer_free() releases it.
 * Encoding updates a word cache inside the tokenizer, so one tokenizer must
 * not be used by two threads at once (give each thread its own).
 */
#ifndef EVALPIPE_EVAL_TOKENIZER_H
#define EVALPIPE_EVAL_TOKENIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/msg.h"

struct tokenizer;

/* A growable array of token ids; TOK_IDS_INIT is empty, tok_ids_release() frees. */
struct tok_ids {
    int32_t *v;
    size_t n, alloc;
};
#define TOK_IDS_INIT \
    {                \
        NULL, 0, 0   \
    }

void tok_ids_release(struct tok_ids *ids);

/*
 * Load a tokenizer.json file. When tokenizer_config.json sits in the same
 * directory, its bos_token / eos_token / add_bos_token are read as well.
 * Returns a new tokenizer, or NULL with err naming the file and the problem.
 */
struct tokenizer *tokenizer_load(const char *path, struct ep_err *err);

/*
 * Load tokenizer.json text from memory; name is used in messages and config
 * (tokenizer_config.json text) may be NULL. Returns as tokenizer_load().
 */
struct tokenizer *tokenizer_load_json(const char *data, size_t len, const char *config,
                                      size_t config_len, const char *name, struct ep_err *err);

/*
 * Load GPT-2's legacy pair vocab.json + merges.txt as `transformers` builds
 * GPT2TokenizerFast from them: byte-level BPE, the GPT-2 regex, ByteLevel
 * decoder, and "<|endoftext|>" as special added token (and bos/eos).
 */
struct tokenizer *tokenizer_load_gpt2_files(const char *vocab_path, const char *merges_path,
                                            struct ep_err *err);

void tokenizer_free(struct tokenizer *t);

/*
 * Encode text[0..len) (UTF-8; NUL allowed) and append the ids to out. With
 * add_special the post-processor adds its special tokens, as encode(...,
 * add_special_tokens=True) does. Returns 0, or -1 with err set (invalid
 * UTF-8, a regex that exhausts its budget, an unknown unk token); out may
 * then hold a partial result.
 */
int tokenizer_encode(struct tokenizer *t, const char *text, size_t len, bool add_special,
                     struct tok_ids *out, struct ep_err *err);

/*
 * Decode ids into text appended to out, as the library's decode(ids,
 * skip_special_tokens) does: unknown ids are dropped, the decoder chain (or a
 * space join without one) builds the string. Returns 0 or -1 with err set.
 */
int tokenizer_decode(const struct tokenizer *t, const int32_t *ids, size_t n, bool skip_special,
                     struct buf *out, struct ep_err *err);

/* The id of a token string (added tokens first, then the model), or -1. */
int32_t tokenizer_token_to_id(const struct tokenizer *t, const char *tok, size_t len);

/*
 * The string of an id (added token content or model token), borrowed from
 * the tokenizer, with its length in *len (may be NULL); NULL if unknown.
 */
const char *tokenizer_id_to_token(const struct tokenizer *t, int32_t id, size_t *len);

/* Number of tokens: the model vocabulary plus added tokens not in it. */
size_t tokenizer_vocab_size(const struct tokenizer *t);

/*
 * BOS / EOS ids: tokenizer_config.json's bos_token / eos_token when given,
 * else the first / last special token of the TemplateProcessing single
 * template (or the Roberta/Bert cls and sep); -1 when there is none.
 */
int32_t tokenizer_bos_id(const struct tokenizer *t);
int32_t tokenizer_eos_id(const struct tokenizer *t);

/*
 * Whether encoding with add_special puts a BOS first: true when the post-
 * processor adds a leading special token. tokenizer_config.json's
 * add_bos_token, when present, is reported by tokenizer_config_add_bos()
 * (1 true, 0 false, -1 absent) for callers that follow transformers.
 */
bool tokenizer_adds_bos(const struct tokenizer *t);
int tokenizer_config_add_bos(const struct tokenizer *t);

#endif

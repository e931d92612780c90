/*
 * tok_internal — types shared by the tokenizer's files (tokenizer.c: load
 * and the encode/decode pipeline; tok_text.c: patterns, normalizers, pre-
 * tokenizers, decoders; tok_bpe.c: vocabulary and the BPE model). Not part
 * of the public API. Every struct here owns what its pointers point to.
 */
#ifndef EVALPIPE_EVAL_TOK_INTERNAL_H
#define EVALPIPE_EVAL_TOK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lib/buf.h"
#include "lib/eval/regex.h"
#include "lib/eval/tokenizer.h"
#include "lib/msg.h"

/* ------------------------------------------------------------- text pieces */

/* A piece of text: [off, off+len) of a buffer; first = starts the original input. */
struct tok_span {
    size_t off, len;
    bool first;
};

/* A list of pieces over one text buffer (also used for decoder token lists). */
struct tok_pieces {
    struct buf text;
    struct tok_span *v;
    size_t n, alloc;
};
#define TOK_PIECES_INIT      \
    {                        \
        BUF_INIT, NULL, 0, 0 \
    }

void tok_pieces_reset(struct tok_pieces *p);
void tok_pieces_release(struct tok_pieces *p);
void tok_pieces_push(struct tok_pieces *p, size_t off, size_t len, bool first);
/* Append s[0..len) to the text and push it as a piece. */
void tok_pieces_add(struct tok_pieces *p, const char *s, size_t len, bool first);

/* ------------------------------------------------------------- patterns */

enum tok_pat_kind { PAT_NONE, PAT_REGEX, PAT_LITERAL, PAT_CHAR };

struct tok_pattern {
    enum tok_pat_kind kind;
    struct regex *re;
    char *lit; /* LITERAL bytes, or the UTF-8 of the CHAR */
    size_t lit_len;
};

struct tok_match {
    size_t start, end;
    bool is_match;
};

struct tok_matches {
    struct tok_match *v;
    size_t n, alloc;
};

/* The library's find_matches(): matched and unmatched stretches covering s, in order. */
int tok_find_matches(const struct tok_pattern *p, const char *s, size_t len,
                     struct tok_matches *out, struct ep_err *err);
void tok_pattern_release(struct tok_pattern *p);

/* ------------------------------------------------------------- pipeline steps */

enum tok_step_type {
    NORM_SEQ,
    NORM_NFC,
    NORM_NFD,
    NORM_NFKC,
    NORM_NFKD,
    NORM_PREPEND,
    NORM_REPLACE,
    NORM_STRIP,
    NORM_LOWER,
    PRE_SEQ,
    PRE_BYTELEVEL,
    PRE_SPLIT,
    PRE_METASPACE,
    DEC_SEQ,
    DEC_BYTELEVEL,
    DEC_METASPACE,
    DEC_REPLACE,
    DEC_BYTEFALLBACK,
    DEC_FUSE,
    DEC_STRIP
};

enum tok_split_behavior {
    SPLIT_REMOVED,
    SPLIT_ISOLATED,
    SPLIT_MERGED_PREV,
    SPLIT_MERGED_NEXT,
    SPLIT_CONTIGUOUS
};

enum tok_prepend { PREPEND_ALWAYS, PREPEND_FIRST, PREPEND_NEVER };

/* One normalizer, pre-tokenizer or decoder (a Sequence has children in sub). */
struct tok_step {
    enum tok_step_type type;
    struct tok_step *sub;
    size_t nsub;
    struct tok_pattern pat;
    char *content; /* Prepend/Replace content, Metaspace replacement (UTF-8) */
    size_t content_len;
    uint32_t ch; /* Metaspace replacement, Strip decoder content */
    enum tok_split_behavior behavior;
    enum tok_prepend prepend;
    bool invert, add_prefix_space, use_regex, split, left, right;
    size_t start, stop;
};

void tok_step_release(struct tok_step *s);

/* Apply a normalizer to s[0..len), writing the result to out (reset first). */
int tok_normalize(const struct tok_step *n, const char *s, size_t len, struct buf *out,
                  struct ep_err *err);

/* Apply a pre-tokenizer to the pieces in *p; tmp is scratch. */
int tok_pretokenize(const struct tok_step *s, const struct regex *gpt2_re, struct tok_pieces *p,
                    struct tok_pieces *tmp, struct tok_matches *m, struct ep_err *err);

/* Apply a decoder to the token list *p (each piece one token); tmp is scratch. */
int tok_decode_step(const struct tok_step *s, struct tok_pieces *p, struct tok_pieces *tmp,
                    struct ep_err *err);

/* The GPT-2 byte -> code point map and its inverse (-1 for code points not in it). */
extern const uint16_t tok_byte_to_cp[256];
int tok_cp_to_byte(uint32_t cp);

/* ------------------------------------------------------------- vocabulary and BPE */

/* String <-> id table: strings in one pool, an open-addressing index of entries. */
struct tok_vocab {
    char *pool;
    size_t pool_len, pool_alloc;
    struct {
        uint32_t off, len;
        int32_t id;
    } * ent;
    size_t nent, aent;
    int32_t *tok;        /* id -> entry (the last string given that id), -1 none */
    size_t ntok;         /* max id + 1 */
    int32_t (*slots)[2]; /* hash index: (entry or -1, high hash bits) */
    size_t nslots;
};

int32_t tok_vocab_get(const struct tok_vocab *v, const char *s, size_t len);
/* Map s to id (a later put of the same string wins, as in a HashMap). */
void tok_vocab_put(struct tok_vocab *v, const char *s, size_t len, int32_t id);
const char *tok_vocab_str(const struct tok_vocab *v, int32_t id, size_t *len);
void tok_vocab_release(struct tok_vocab *v);

struct tok_cache;

struct tok_bpe {
    struct tok_vocab vocab;
    struct tok_merge {
        uint64_t key; /* (a << 32 | b), UINT64_MAX = empty slot */
        uint32_t rank;
        int32_t new_id;
    } * merges; /* open addressing: key and value share a cache line */
    size_t merge_slots, merge_count;
    char *unk_token, *prefix, *suffix;
    bool fuse_unk, byte_fallback, ignore_merges;
    int32_t byte_ids[256]; /* "<0xNN>" ids, -1 when missing */
    struct tok_cache *cache;
};

/* A new, empty model with its cache; tok_bpe_free() releases it. */
struct tok_bpe *tok_bpe_new(void);
void tok_bpe_free(struct tok_bpe *b);
/* Register merge number rank (a, b); errors name the token not in the vocabulary. */
int tok_bpe_add_merge(struct tok_bpe *b, const char *a, size_t alen, const char *c, size_t clen,
                      uint32_t rank, struct ep_err *err);
/* Look up the byte-fallback tokens once the vocabulary is loaded. */
void tok_bpe_finish(struct tok_bpe *b);
/* Tokenize one pre-token (word) and append its ids. */
int tok_bpe_tokenize(struct tok_bpe *b, const char *w, size_t len, struct tok_ids *out,
                     struct ep_err *err);

void tok_ids_push(struct tok_ids *ids, int32_t id);

/* ------------------------------------------------------------- the tokenizer */

struct tok_added {
    char *content;
    char *match; /* what the trie matches: content, or its normalized form */
    size_t len, match_len;
    int32_t id;
    bool single_word, lstrip, rstrip, normalized, special;
};

/* A byte trie over added-token strings (leftmost-longest matching). */
struct tok_trie_node {
    int32_t child, sibling, tok; /* tok: index into added, -1 none */
    unsigned char byte;
};

struct tok_trie {
    struct tok_trie_node *v;
    size_t n, alloc;
    bool start[256]; /* bytes a match can begin with */
};

struct tokenizer {
    char *name; /* the file, for messages */
    struct tok_bpe *bpe;
    struct tok_added *added;
    size_t nadded, aadded;
    struct tok_vocab added_ids; /* content -> id of added tokens */
    struct tok_vocab specials;  /* contents of special tokens */
    int32_t *added_by_id;       /* id -> index into added, -1 */
    size_t nadded_by_id;
    struct tok_trie raw_trie, norm_trie;
    struct tok_step *normalizer, *pre, *decoder;
    struct regex *gpt2_re;
    struct tok_ids post_before, post_after; /* special ids around the sequence */
    bool has_post;
    int32_t bos_id, eos_id;
    int config_add_bos;
};

/* Parse tokenizer.json (root) into t; tok_load.c. */
int tok_load_root(struct tokenizer *t, json_t *root, struct ep_err *err);
/* Read bos/eos/add_bos_token from tokenizer_config.json (root may be NULL). */
void tok_load_config(struct tokenizer *t, json_t *root);
/* Register the added tokens (ids assigned as the library does) and build the tries. */
int tok_add_tokens(struct tokenizer *t, struct tok_added *tokens, size_t n, struct ep_err *err);

#endif

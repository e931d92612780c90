/*
 * tokenizer — loading entry points and the encode/decode pipeline:
 *   split on added tokens (raw text) -> normalize -> split on normalized
 *   added tokens -> pre-tokenize -> BPE per word -> post-processor ids.
 *
 * Supported tokenizer.json types: model BPE (byte_fallback, fuse_unk,
 * ignore_merges, subword prefix/suffix); normalizers Sequence, NFC, NFD,
 * NFKC, NFKD, Prepend, Replace, Strip, Lowercase; pre-tokenizers Sequence,
 * ByteLevel, Split, Metaspace; post-processors ByteLevel, TemplateProcessing,
 * RobertaProcessing, BertProcessing, Sequence; decoders Sequence, ByteLevel,
 * Metaspace, Replace, ByteFallback, Fuse, Strip. Truncation and padding
 * settings are ignored (transformers turns them off by default too).
 */
#include "lib/eval/tokenizer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/eval/tok_internal.h"
#include "lib/eval/unicode.h"
#include "lib/xalloc.h"

#define GPT2_PATTERN \
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"

/* A stretch of the input: text (id -1) or an added token. */
struct seg {
    size_t start, end;
    int32_t id;
};

struct segs {
    struct seg *v;
    size_t n, alloc;
};

/* Scratch for one encode call. */
struct enc {
    struct tokenizer *t;
    struct segs raw, norm;
    struct buf normalized;
    struct tok_pieces p, tmp;
    struct tok_matches m;
    struct ep_err *err;
};

/* ------------------------------------------------------------- added tokens */

static void
trie_insert(struct tok_trie *tr, const char *s, size_t len, int32_t tok)
{
    int32_t node = 0;

    if (!tr->n) {
        ALLOC_GROW(tr->v, 1, tr->alloc);
        tr->v[0] = (struct tok_trie_node){ -1, -1, -1, 0 };
        tr->n = 1;
    }
    tr->start[(unsigned char)s[0]] = true;
    for (size_t i = 0; i < len; i++) {
        int32_t c = tr->v[node].child;

        while (c >= 0 && tr->v[c].byte != (unsigned char)s[i])
            c = tr->v[c].sibling;
        if (c < 0) {
            ALLOC_GROW(tr->v, tr->n + 1, tr->alloc);
            c = (int32_t)tr->n++;
            tr->v[c] = (struct tok_trie_node){ -1, tr->v[node].child, -1, (unsigned char)s[i] };
            tr->v[node].child = c;
        }
        node = c;
    }
    if (tr->v[node].tok < 0) /* the first pattern wins a tie, as in the library's automaton */
        tr->v[node].tok = tok;
}

/* Longest token starting at s[0..len): its index, with its length in *mlen; or -1. */
static int32_t
trie_longest(const struct tok_trie *tr, const char *s, size_t len, size_t *mlen)
{
    int32_t node = 0, best = -1;

    for (size_t i = 0; i < len; i++) {
        int32_t c = tr->v[node].child;

        while (c >= 0 && tr->v[c].byte != (unsigned char)s[i])
            c = tr->v[c].sibling;
        if (c < 0)
            break;
        node = c;
        if (tr->v[node].tok >= 0)
            best = tr->v[node].tok, *mlen = i + 1;
    }
    return best;
}

static int32_t
added_index(const struct tokenizer *t, int32_t id)
{
    if (id < 0 || (size_t)id >= t->nadded_by_id)
        return -1;
    return t->added_by_id[id];
}

static void
set_added_by_id(struct tokenizer *t, int32_t id, int32_t index)
{
    if ((size_t)id >= t->nadded_by_id) {
        size_t n = (size_t)id + 1;

        t->added_by_id = xrealloc(t->added_by_id, n * sizeof(int32_t));
        memset(t->added_by_id + t->nadded_by_id, 0xff, (n - t->nadded_by_id) * sizeof(int32_t));
        t->nadded_by_id = n;
    }
    t->added_by_id[id] = index;
}

static bool
same_flags(const struct tok_added *a, const struct tok_added *b)
{
    return a->single_word == b->single_word && a->lstrip == b->lstrip && a->rstrip == b->rstrip &&
           a->normalized == b->normalized && a->special == b->special;
}

/* Register one token as AddedVocabulary::add_tokens does; returns -1 on a normalizer error. */
static int
add_one(struct tokenizer *t, const struct tok_added *tok, int32_t *next_id, struct ep_err *err)
{
    int32_t id = tokenizer_token_to_id(t, tok->content, tok->len), idx;
    struct tok_added a = *tok;

    if (!tok->len)
        return 0;
    idx = id >= 0 ? added_index(t, id) : -1;
    if (idx >= 0 && t->added[idx].len == tok->len &&
        !memcmp(t->added[idx].content, tok->content, tok->len) && same_flags(&t->added[idx], tok))
        return 0;
    if (id < 0)
        id = (*next_id)++;
    a.id = id;
    a.content = xstrndup(tok->content, tok->len);
    a.match = a.content, a.match_len = a.len;
    if (a.normalized && t->normalizer) {
        struct buf out = BUF_INIT;

        if (tok_normalize(t->normalizer, a.content, a.len, &out, err) < 0) {
            free(a.content);
            buf_release(&out);
            return -1;
        }
        a.match = buf_detach(&out, &a.match_len);
    }
    if (idx >= 0) {
        if (t->added[idx].match != t->added[idx].content)
            free(t->added[idx].match);
        free(t->added[idx].content);
        t->added[idx] = a;
    } else {
        ALLOC_GROW(t->added, t->nadded + 1, t->aadded);
        t->added[t->nadded] = a;
        set_added_by_id(t, id, (int32_t)t->nadded++);
    }
    tok_vocab_put(&t->added_ids, a.content, a.len, id);
    if (a.special)
        tok_vocab_put(&t->specials, a.content, a.len, 0);
    return 0;
}

int
tok_add_tokens(struct tokenizer *t, struct tok_added *tokens, size_t n, struct ep_err *err)
{
    int32_t next_id = (int32_t)t->bpe->vocab.nent, max = -1;

    for (size_t i = 0; i < t->nadded; i++)
        if (t->added[i].id > max)
            max = t->added[i].id;
    if (max >= 0)
        next_id = max >= next_id || !next_id ? max + 1 : next_id;
    for (size_t i = 0; i < n; i++) {
        if (next_id >= (1 << 24))
            return ep_err_set(err, "added_tokens: too many tokens");
        if (add_one(t, &tokens[i], &next_id, err) < 0)
            return -1;
    }
    /* Tries over the current tokens: raw text for normalized=false, normalized text otherwise. */
    free(t->raw_trie.v);
    free(t->norm_trie.v);
    memset(&t->raw_trie, 0, sizeof(t->raw_trie));
    memset(&t->norm_trie, 0, sizeof(t->norm_trie));
    for (size_t i = 0; i < t->nadded; i++) {
        struct tok_added *a = &t->added[i];

        if (a->match_len)
            trie_insert(a->normalized ? &t->norm_trie : &t->raw_trie, a->match, a->match_len,
                        (int32_t)i);
    }
    return 0;
}

/* ------------------------------------------------------------- splitting on added tokens */

static void
segs_push(struct segs *s, size_t start, size_t end, int32_t id)
{
    ALLOC_GROW(s->v, s->n + 1, s->alloc);
    s->v[s->n++] = (struct seg){ start, end, id };
}

static bool
word_before(const char *s, size_t pos)
{
    uint32_t cp;
    size_t p = pos;

    if (!pos)
        return false;
    do
        p--;
    while (p > 0 && ((unsigned char)s[p] & 0xc0) == 0x80);
    uc_decode_valid(s + p, &cp);
    return uc_is_word(cp);
}

static bool
word_after(const char *s, size_t len, size_t pos)
{
    uint32_t cp;

    if (pos >= len)
        return false;
    uc_decode_valid(s + pos, &cp);
    return uc_is_word(cp);
}

/* Start of the run of whitespace that ends at pos. */
static size_t
space_run_start(const char *s, size_t pos)
{
    while (pos > 0) {
        size_t p = pos - 1;
        uint32_t cp;

        while (p > 0 && ((unsigned char)s[p] & 0xc0) == 0x80)
            p--;
        uc_decode_valid(s + p, &cp);
        if (!uc_is_space(cp))
            break;
        pos = p;
    }
    return pos;
}

static size_t
space_run_end(const char *s, size_t len, size_t pos)
{
    while (pos < len) {
        uint32_t cp;
        size_t n = uc_decode_valid(s + pos, &cp);

        if (!uc_is_space(cp))
            break;
        pos += n;
    }
    return pos;
}

/* AddedVocabulary::find_matches over s[0..len) with one trie. */
static void
split_added(const struct tokenizer *t, const struct tok_trie *tr, const char *s, size_t len,
            struct segs *out)
{
    size_t done = 0, pos = 0;

    out->n = 0;
    while (tr->n && pos < len) {
        size_t mlen = 0, start = pos, stop;
        int32_t k;
        const struct tok_added *a;

        if (!tr->start[(unsigned char)s[pos]] ||
            (k = trie_longest(tr, s + pos, len - pos, &mlen)) < 0) {
            pos++;
            continue;
        }
        a = &t->added[k];
        stop = pos + mlen;
        pos = stop;
        if (a->single_word && (word_before(s, start) || word_after(s, len, stop)))
            continue;
        if (a->lstrip) {
            size_t ns = space_run_start(s, start);

            start = ns > done ? ns : done;
        }
        if (a->rstrip)
            stop = space_run_end(s, len, stop);
        if (done < start)
            segs_push(out, done, start, -1);
        segs_push(out, start, stop, a->id);
        done = stop;
    }
    if (done < len)
        segs_push(out, done, len, -1);
}

/* ------------------------------------------------------------- encode */

/* Pre-tokenize and run the model on one normalized piece. */
static int
encode_piece(struct enc *e, const char *s, size_t len, bool first, struct tok_ids *out)
{
    struct tokenizer *t = e->t;

    tok_pieces_reset(&e->p);
    tok_pieces_add(&e->p, s, len, first);
    if (t->pre && tok_pretokenize(t->pre, t->gpt2_re, &e->p, &e->tmp, &e->m, e->err) < 0)
        return -1;
    for (size_t i = 0; i < e->p.n; i++)
        if (tok_bpe_tokenize(t->bpe, e->p.text.buf + e->p.v[i].off, e->p.v[i].len, out, e->err) < 0)
            return -1;
    return 0;
}

/* Normalize one text segment of the input, split it on normalized added tokens, encode. */
static int
encode_segment(struct enc *e, const char *text, const struct seg *sg, struct tok_ids *out)
{
    struct tokenizer *t = e->t;
    const char *s = text + sg->start;
    size_t len = sg->end - sg->start;

    if (t->normalizer) {
        if (tok_normalize(t->normalizer, s, len, &e->normalized, e->err) < 0)
            return -1;
        s = e->normalized.buf, len = e->normalized.len;
    }
    split_added(t, &t->norm_trie, s, len, &e->norm);
    for (size_t i = 0; i < e->norm.n; i++) {
        const struct seg *n = &e->norm.v[i];

        if (n->id >= 0)
            tok_ids_push(out, n->id);
        else if (n->end > n->start && encode_piece(e, s + n->start, n->end - n->start,
                                                   sg->start == 0 && n->start == 0, out) < 0)
            return -1;
    }
    return 0;
}

int
tokenizer_encode(struct tokenizer *t, const char *text, size_t len, bool add_special,
                 struct tok_ids *out, struct ep_err *err)
{
    struct enc e = { t,
                     { NULL, 0, 0 },
                     { NULL, 0, 0 },
                     BUF_INIT,
                     TOK_PIECES_INIT,
                     TOK_PIECES_INIT,
                     { NULL, 0, 0 },
                     err };
    size_t bad;
    int r = 0;

    if (!uc_valid(text, len, &bad))
        return ep_err_set(err, "input is not valid UTF-8 (byte %zu)", bad);
    if (add_special)
        for (size_t i = 0; i < t->post_before.n; i++)
            tok_ids_push(out, t->post_before.v[i]);
    split_added(t, &t->raw_trie, text, len, &e.raw);
    for (size_t i = 0; i < e.raw.n && r == 0; i++) {
        if (e.raw.v[i].id >= 0)
            tok_ids_push(out, e.raw.v[i].id);
        else if (e.raw.v[i].end > e.raw.v[i].start)
            r = encode_segment(&e, text, &e.raw.v[i], out);
    }
    if (add_special && r == 0)
        for (size_t i = 0; i < t->post_after.n; i++)
            tok_ids_push(out, t->post_after.v[i]);
    free(e.raw.v);
    free(e.norm.v);
    buf_release(&e.normalized);
    tok_pieces_release(&e.p);
    tok_pieces_release(&e.tmp);
    free(e.m.v);
    return r;
}

/* ------------------------------------------------------------- decode */

/* The string the decoder sees for id (normalized form for normalized added tokens). */
static const char *
decode_token(const struct tokenizer *t, int32_t id, size_t *len)
{
    int32_t k = added_index(t, id);

    if (k >= 0) {
        *len = t->added[k].match_len ? t->added[k].match_len : t->added[k].len;
        return t->added[k].match_len ? t->added[k].match : t->added[k].content;
    }
    return tok_vocab_str(&t->bpe->vocab, id, len);
}

int
tokenizer_decode(const struct tokenizer *t, const int32_t *ids, size_t n, bool skip_special,
                 struct buf *out, struct ep_err *err)
{
    struct tok_pieces p = TOK_PIECES_INIT, tmp = TOK_PIECES_INIT;
    int r = 0;

    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *s = decode_token(t, ids[i], &len);

        if (!s || (skip_special && tok_vocab_get(&t->specials, s, len) >= 0))
            continue;
        tok_pieces_add(&p, s, len, false);
    }
    if (t->decoder)
        r = tok_decode_step(t->decoder, &p, &tmp, err);
    for (size_t i = 0; i < p.n && r == 0; i++) {
        if (i && !t->decoder)
            buf_addch(out, ' ');
        buf_add(out, p.text.buf + p.v[i].off, p.v[i].len);
    }
    tok_pieces_release(&p);
    tok_pieces_release(&tmp);
    return r;
}

/* ------------------------------------------------------------- lookups */

int32_t
tokenizer_token_to_id(const struct tokenizer *t, const char *tok, size_t len)
{
    int32_t id = tok_vocab_get(&t->added_ids, tok, len);

    return id >= 0 ? id : tok_vocab_get(&t->bpe->vocab, tok, len);
}

const char *
tokenizer_id_to_token(const struct tokenizer *t, int32_t id, size_t *len)
{
    int32_t k = added_index(t, id);
    size_t dummy;

    if (!len)
        len = &dummy;
    if (k >= 0) {
        *len = t->added[k].len;
        return t->added[k].content;
    }
    return tok_vocab_str(&t->bpe->vocab, id, len);
}

size_t
tokenizer_vocab_size(const struct tokenizer *t)
{
    size_t n = t->bpe->vocab.nent;

    for (size_t i = 0; i < t->nadded; i++)
        if (tok_vocab_get(&t->bpe->vocab, t->added[i].content, t->added[i].len) < 0)
            n++;
    return n;
}

int32_t
tokenizer_bos_id(const struct tokenizer *t)
{
    return t->bos_id;
}

int32_t
tokenizer_eos_id(const struct tokenizer *t)
{
    return t->eos_id;
}

bool
tokenizer_adds_bos(const struct tokenizer *t)
{
    return t->post_before.n > 0;
}

int
tokenizer_config_add_bos(const struct tokenizer *t)
{
    return t->config_add_bos;
}

/* ------------------------------------------------------------- lifecycle */

static struct tokenizer *
tokenizer_new(const char *name)
{
    struct tokenizer *t = xcalloc(1, sizeof(*t));

    t->name = xstrdup(name);
    t->bpe = tok_bpe_new();
    t->bos_id = t->eos_id = -1;
    t->config_add_bos = -1;
    return t;
}

static void
step_free(struct tok_step *s)
{
    if (s)
        tok_step_release(s);
    free(s);
}

void
tokenizer_free(struct tokenizer *t)
{
    if (!t)
        return;
    tok_bpe_free(t->bpe);
    for (size_t i = 0; i < t->nadded; i++) {
        if (t->added[i].match != t->added[i].content)
            free(t->added[i].match);
        free(t->added[i].content);
    }
    free(t->added);
    tok_vocab_release(&t->added_ids);
    tok_vocab_release(&t->specials);
    free(t->added_by_id);
    free(t->raw_trie.v);
    free(t->norm_trie.v);
    step_free(t->normalizer);
    step_free(t->pre);
    step_free(t->decoder);
    regex_free(t->gpt2_re);
    tok_ids_release(&t->post_before);
    tok_ids_release(&t->post_after);
    free(t->name);
    free(t);
}

/* Compile the GPT-2 regex when some ByteLevel pre-tokenizer uses it. */
static bool
needs_gpt2_re(const struct tok_step *s)
{
    if (!s)
        return false;
    if (s->type == PRE_BYTELEVEL)
        return s->use_regex;
    for (size_t i = 0; i < s->nsub; i++)
        if (needs_gpt2_re(&s->sub[i]))
            return true;
    return false;
}

static int
finish(struct tokenizer *t, struct ep_err *err)
{
    if (needs_gpt2_re(t->pre)) {
        t->gpt2_re = regex_compile(GPT2_PATTERN, strlen(GPT2_PATTERN), err);
        if (!t->gpt2_re)
            return -1;
    }
    return 0;
}

/* Prefix err's message with the file name. */
static struct tokenizer *
fail(struct tokenizer *t, const char *name, struct ep_err *err)
{
    char msg[sizeof(err->msg)];

    snprintf(msg, sizeof(msg), "%s", err->msg);
    ep_err_set(err, "%s: %s", name, msg);
    tokenizer_free(t);
    return NULL;
}

struct tokenizer *
tokenizer_load_json(const char *data, size_t len, const char *config, size_t config_len,
                    const char *name, struct ep_err *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr), *conf = NULL;
    struct tokenizer *t;

    if (!root) {
        ep_err_set(err, "%s:%d: %s", name, jerr.line, jerr.text);
        return NULL;
    }
    t = tokenizer_new(name);
    if (tok_load_root(t, root, err) < 0 || finish(t, err) < 0) {
        json_decref(root);
        return fail(t, name, err);
    }
    json_decref(root);
    /* Integers as reals: some configs hold model_max_length = 1e30. */
    if (config)
        conf = json_loadb(config, config_len, JSON_DECODE_INT_AS_REAL, &jerr);
    tok_load_config(t, conf);
    json_decref(conf);
    return t;
}

/* Read a whole file into a heap buffer; NULL (err set) on failure. */
static char *
read_file(const char *path, size_t *len, struct ep_err *err)
{
    FILE *f = fopen(path, "rb");
    struct buf b = BUF_INIT;
    char chunk[65536];
    size_t n;

    if (!f) {
        ep_err_set(err, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_add(&b, chunk, n);
    if (ferror(f)) {
        ep_err_set(err, "cannot read '%s': %s", path, strerror(errno));
        fclose(f);
        buf_release(&b);
        return NULL;
    }
    fclose(f);
    return buf_detach(&b, len);
}

struct tokenizer *
tokenizer_load(const char *path, struct ep_err *err)
{
    size_t len, clen = 0;
    char *data = read_file(path, &len, err), *conf = NULL, *cpath;
    const char *slash = strrchr(path, '/');
    struct tokenizer *t;
    struct ep_err cerr;

    if (!data)
        return NULL;
    cpath = xstrfmt("%.*stokenizer_config.json", slash ? (int)(slash - path + 1) : 0, path);
    conf = read_file(cpath, &clen, &cerr);
    t = tokenizer_load_json(data, len, conf, clen, path, err);
    free(cpath);
    free(conf);
    free(data);
    return t;
}

static bool
vocab_has(const struct tokenizer *t, const char *tok)
{
    return tok_vocab_get(&t->bpe->vocab, tok, strlen(tok)) >= 0;
}

/* merges.txt: "#version" lines skipped, then one "a b" pair per line. */
static int
load_merges_txt(struct tok_bpe *b, const char *data, size_t len, const char *path,
                struct ep_err *err)
{
    uint32_t rank = 0;
    size_t lineno = 0;

    for (size_t i = 0; i < len;) {
        const char *line = data + i, *nl = memchr(line, '\n', len - i), *sp;
        size_t n = nl ? (size_t)(nl - line) : len - i;

        i += n + (nl != NULL);
        lineno++;
        if (n && line[n - 1] == '\r')
            n--;
        if (n >= 8 && !memcmp(line, "#version", 8))
            continue;
        sp = memchr(line, ' ', n);
        if (!sp || memchr(sp + 1, ' ', n - (size_t)(sp + 1 - line)))
            return ep_err_set(err, "%s:%zu: expected a merge 'a b'", path, lineno);
        if (tok_bpe_add_merge(b, line, (size_t)(sp - line), sp + 1, n - (size_t)(sp + 1 - line),
                              rank++, err) < 0) {
            char msg[sizeof(err->msg)];

            snprintf(msg, sizeof(msg), "%s", err->msg);
            return ep_err_set(err, "%s:%zu: %s", path, lineno, msg);
        }
    }
    return 0;
}

static int
load_vocab_json(struct tok_bpe *b, const char *path, struct ep_err *err)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr), *v;
    const char *key;
    int r = 0;

    if (!root)
        return ep_err_set(err, "%s:%d: %s", path, jerr.line, jerr.text);
    if (!json_is_object(root))
        r = ep_err_set(err, "%s: expected an object of token ids", path);
    json_object_foreach(root, key, v) {
        if (r < 0)
            break;
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) >= (1 << 24))
            r = ep_err_set(err, "%s: bad id for token '%s'", path, key);
        else
            tok_vocab_put(&b->vocab, key, strlen(key), (int32_t)json_integer_value(v));
    }
    json_decref(root);
    return r;
}

struct tokenizer *
tokenizer_load_gpt2_files(const char *vocab_path, const char *merges_path, struct ep_err *err)
{
    struct tokenizer *t = tokenizer_new(vocab_path);
    struct tok_added eot = {
        (char *)"<|endoftext|>", NULL, 13, 0, 0, false, false, false, true, true
    };
    size_t len;
    char *merges = NULL;

    if (load_vocab_json(t->bpe, vocab_path, err) < 0)
        goto fail;
    if (!(merges = read_file(merges_path, &len, err)) ||
        load_merges_txt(t->bpe, merges, len, merges_path, err) < 0)
        goto fail;
    free(merges);
    tok_bpe_finish(t->bpe);
    t->pre = xcalloc(1, sizeof(*t->pre));
    t->pre->type = PRE_BYTELEVEL;
    t->pre->use_regex = true;
    t->decoder = xcalloc(1, sizeof(*t->decoder));
    t->decoder->type = DEC_BYTELEVEL;
    t->has_post = true;
    if ((vocab_has(t, "<|endoftext|>") && tok_add_tokens(t, &eot, 1, err) < 0) ||
        finish(t, err) < 0)
        goto fail;
    tok_load_config(t, NULL);
    t->bos_id = t->eos_id = tokenizer_token_to_id(t, "<|endoftext|>", 13);
    return t;
fail:
    free(merges);
    tokenizer_free(t);
    return NULL;
}

/*
 * tok_load — read a parsed tokenizer.json into a struct tokenizer: model
 * (BPE), added tokens, normalizer, pre-tokenizer, post-processor, decoder.
 *
 * Every unsupported type or malformed field is an error that names the JSON
 * path ("pre_tokenizer.pretokenizers[0].pattern: ..."), so a file this code
 * cannot reproduce exactly is refused rather than tokenized differently.
 */
#include "lib/eval/tok_internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/eval/unicode.h"
#include "lib/xalloc.h"

#define MAX_ID (1 << 24)

/* ------------------------------------------------------------- JSON helpers */

static int
get_bool(json_t *obj, const char *key, bool def, bool *out, const char *path, struct ep_err *err)
{
    json_t *v = json_object_get(obj, key);

    if (!v || json_is_null(v)) {
        *out = def;
        return 0;
    }
    if (!json_is_boolean(v))
        return ep_err_set(err, "%s.%s: expected true or false", path, key);
    *out = json_is_true(v);
    return 0;
}

/* A string field; *out = NULL when absent or null and !required. */
static int
get_str(json_t *obj, const char *key, bool required, const char **out, size_t *len,
        const char *path, struct ep_err *err)
{
    json_t *v = json_object_get(obj, key);

    *out = NULL;
    if (len)
        *len = 0;
    if (!v || json_is_null(v))
        return required ? ep_err_set(err, "%s: missing '%s'", path, key) : 0;
    if (!json_is_string(v))
        return ep_err_set(err, "%s.%s: expected a string", path, key);
    *out = json_string_value(v);
    if (len)
        *len = json_string_length(v);
    return 0;
}

static int
get_size(json_t *obj, const char *key, size_t def, size_t *out, const char *path,
         struct ep_err *err)
{
    json_t *v = json_object_get(obj, key);

    *out = def;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return ep_err_set(err, "%s.%s: expected a non-negative integer", path, key);
    *out = (size_t)json_integer_value(v);
    return 0;
}

static char *
dupn(const char *s, size_t len)
{
    return xstrndup(s, len);
}

/* One code point given as a one-character string. */
static int
get_char(json_t *obj, const char *key, uint32_t *cp, const char *path, struct ep_err *err)
{
    const char *s;
    size_t len;

    if (get_str(obj, key, true, &s, &len, path, err) < 0)
        return -1;
    if (!len || uc_decode(s, len, cp) != len)
        return ep_err_set(err, "%s.%s: expected a single character", path, key);
    return 0;
}

/* {"String": "..."} or {"Regex": "..."}. */
static int
parse_pattern(json_t *obj, struct tok_pattern *pat, const char *path, struct ep_err *err)
{
    json_t *p = json_object_get(obj, "pattern"), *v;
    struct ep_err rerr;

    if (!json_is_object(p))
        return ep_err_set(err, "%s.pattern: expected {\"String\": ...} or {\"Regex\": ...}", path);
    if ((v = json_object_get(p, "String")) != NULL && json_is_string(v)) {
        pat->kind = PAT_LITERAL;
        pat->lit = dupn(json_string_value(v), json_string_length(v));
        pat->lit_len = json_string_length(v);
        return 0;
    }
    if ((v = json_object_get(p, "Regex")) != NULL && json_is_string(v)) {
        pat->kind = PAT_REGEX;
        pat->re = regex_compile(json_string_value(v), json_string_length(v), &rerr);
        if (!pat->re)
            return ep_err_set(err, "%s.pattern: %s", path, rerr.msg);
        return 0;
    }
    return ep_err_set(err, "%s.pattern: expected {\"String\": ...} or {\"Regex\": ...}", path);
}

/* ------------------------------------------------------------- steps */

typedef int (*step_parser)(json_t *, struct tok_step *, const char *, struct ep_err *);

static const char *
step_type(json_t *obj, const char *path, struct ep_err *err)
{
    const char *type;

    if (!json_is_object(obj)) {
        ep_err_set(err, "%s: expected an object", path);
        return NULL;
    }
    if (get_str(obj, "type", true, &type, NULL, path, err) < 0)
        return NULL;
    return type;
}

/* The children of a Sequence, each parsed by fn. */
static int
parse_children(json_t *obj, const char *key, struct tok_step *s, step_parser fn, const char *path,
               struct ep_err *err)
{
    json_t *arr = json_object_get(obj, key);
    char sub[200];

    if (!json_is_array(arr))
        return ep_err_set(err, "%s.%s: expected an array", path, key);
    s->nsub = json_array_size(arr);
    s->sub = xcalloc(s->nsub ? s->nsub : 1, sizeof(*s->sub));
    for (size_t i = 0; i < s->nsub; i++) {
        snprintf(sub, sizeof(sub), "%s.%s[%zu]", path, key, i);
        if (fn(json_array_get(arr, i), &s->sub[i], sub, err) < 0)
            return -1;
    }
    return 0;
}

static int
parse_normalizer(json_t *obj, struct tok_step *s, const char *path, struct ep_err *err)
{
    static const struct {
        const char *name;
        enum tok_step_type type;
    } simple[] = { { "NFC", NORM_NFC },
                   { "NFD", NORM_NFD },
                   { "NFKC", NORM_NFKC },
                   { "NFKD", NORM_NFKD },
                   { "Lowercase", NORM_LOWER } };
    const char *type = step_type(obj, path, err), *str;
    size_t len;

    if (!type)
        return -1;
    for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
        if (!strcmp(type, simple[i].name))
            return s->type = simple[i].type, 0;
    if (!strcmp(type, "Sequence")) {
        s->type = NORM_SEQ;
        return parse_children(obj, "normalizers", s, parse_normalizer, path, err);
    }
    if (!strcmp(type, "Prepend") || !strcmp(type, "Replace")) {
        bool prepend = !strcmp(type, "Prepend");

        s->type = prepend ? NORM_PREPEND : NORM_REPLACE;
        if (get_str(obj, prepend ? "prepend" : "content", true, &str, &len, path, err) < 0)
            return -1;
        s->content = dupn(str, len), s->content_len = len;
        return prepend ? 0 : parse_pattern(obj, &s->pat, path, err);
    }
    if (!strcmp(type, "Strip")) {
        s->type = NORM_STRIP;
        if (get_bool(obj, "strip_left", true, &s->left, path, err) < 0)
            return -1;
        return get_bool(obj, "strip_right", true, &s->right, path, err);
    }
    return ep_err_set(err, "%s: unsupported normalizer type '%s'", path, type);
}

static int
parse_behavior(json_t *obj, enum tok_split_behavior *b, const char *path, struct ep_err *err)
{
    static const char *names[] = { "Removed", "Isolated", "MergedWithPrevious", "MergedWithNext",
                                   "Contiguous" };
    const char *str;

    if (get_str(obj, "behavior", true, &str, NULL, path, err) < 0)
        return -1;
    for (int i = 0; i < 5; i++)
        if (!strcmp(str, names[i]))
            return *b = (enum tok_split_behavior)i, 0;
    return ep_err_set(err, "%s.behavior: unknown split behavior '%s'", path, str);
}

/* Metaspace fields (pre-tokenizer and decoder alike). */
static int
parse_metaspace(json_t *obj, struct tok_step *s, const char *path, struct ep_err *err)
{
    const char *scheme;
    json_t *aps = json_object_get(obj, "add_prefix_space");
    char tmp[4];

    if (get_char(obj, "replacement", &s->ch, path, err) < 0 ||
        get_str(obj, "prepend_scheme", false, &scheme, NULL, path, err) < 0 ||
        get_bool(obj, "split", true, &s->split, path, err) < 0)
        return -1;
    s->content_len = uc_encode(s->ch, tmp);
    s->content = dupn(tmp, s->content_len);
    s->prepend = PREPEND_ALWAYS;
    if (scheme && !strcmp(scheme, "first"))
        s->prepend = PREPEND_FIRST;
    else if (scheme && !strcmp(scheme, "never"))
        s->prepend = PREPEND_NEVER;
    else if (scheme && strcmp(scheme, "always"))
        return ep_err_set(err, "%s.prepend_scheme: unknown value '%s'", path, scheme);
    if (json_is_false(aps)) {
        if (s->prepend != PREPEND_NEVER && scheme)
            return ep_err_set(err, "%s: add_prefix_space does not match prepend_scheme", path);
        s->prepend = PREPEND_NEVER;
    }
    return 0;
}

static int
parse_pre_tokenizer(json_t *obj, struct tok_step *s, const char *path, struct ep_err *err)
{
    const char *type = step_type(obj, path, err);

    if (!type)
        return -1;
    if (!strcmp(type, "Sequence")) {
        s->type = PRE_SEQ;
        return parse_children(obj, "pretokenizers", s, parse_pre_tokenizer, path, err);
    }
    if (!strcmp(type, "ByteLevel")) {
        s->type = PRE_BYTELEVEL;
        if (get_bool(obj, "add_prefix_space", true, &s->add_prefix_space, path, err) < 0)
            return -1;
        return get_bool(obj, "use_regex", true, &s->use_regex, path, err);
    }
    if (!strcmp(type, "Split")) {
        s->type = PRE_SPLIT;
        if (parse_pattern(obj, &s->pat, path, err) < 0 ||
            parse_behavior(obj, &s->behavior, path, err) < 0)
            return -1;
        return get_bool(obj, "invert", false, &s->invert, path, err);
    }
    if (!strcmp(type, "Metaspace")) {
        s->type = PRE_METASPACE;
        return parse_metaspace(obj, s, path, err);
    }
    return ep_err_set(err, "%s: unsupported pre_tokenizer type '%s'", path, type);
}

static int
parse_decoder(json_t *obj, struct tok_step *s, const char *path, struct ep_err *err)
{
    const char *type = step_type(obj, path, err), *str;
    size_t len;

    if (!type)
        return -1;
    if (!strcmp(type, "Sequence")) {
        s->type = DEC_SEQ;
        return parse_children(obj, "decoders", s, parse_decoder, path, err);
    }
    if (!strcmp(type, "ByteLevel"))
        return s->type = DEC_BYTELEVEL, 0;
    if (!strcmp(type, "ByteFallback"))
        return s->type = DEC_BYTEFALLBACK, 0;
    if (!strcmp(type, "Fuse"))
        return s->type = DEC_FUSE, 0;
    if (!strcmp(type, "Metaspace")) {
        s->type = DEC_METASPACE;
        return parse_metaspace(obj, s, path, err);
    }
    if (!strcmp(type, "Replace")) {
        s->type = DEC_REPLACE;
        if (get_str(obj, "content", true, &str, &len, path, err) < 0)
            return -1;
        s->content = dupn(str, len), s->content_len = len;
        return parse_pattern(obj, &s->pat, path, err);
    }
    if (!strcmp(type, "Strip")) {
        s->type = DEC_STRIP;
        if (get_char(obj, "content", &s->ch, path, err) < 0 ||
            get_size(obj, "start", 0, &s->start, path, err) < 0)
            return -1;
        return get_size(obj, "stop", 0, &s->stop, path, err);
    }
    return ep_err_set(err, "%s: unsupported decoder type '%s'", path, type);
}

/* Parse an optional top-level step; *out stays NULL for null/absent. */
static int
parse_top_step(json_t *root, const char *key, step_parser fn, struct tok_step **out,
               struct ep_err *err)
{
    json_t *obj = json_object_get(root, key);

    *out = NULL;
    if (!obj || json_is_null(obj))
        return 0;
    *out = xcalloc(1, sizeof(**out));
    return fn(obj, *out, key, err);
}

/* ------------------------------------------------------------- post-processor */

static int
special_ids(json_t *specials, const char *name, struct tok_ids *out, const char *path,
            struct ep_err *err)
{
    json_t *sp = json_object_get(specials, name), *ids = json_object_get(sp, "ids"), *v;
    size_t i;

    if (!json_is_array(ids))
        return ep_err_set(err, "%s: special token '%s' has no ids", path, name);
    json_array_foreach(ids, i, v) {
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) >= MAX_ID)
            return ep_err_set(err, "%s: bad id for special token '%s'", path, name);
        tok_ids_push(out, (int32_t)json_integer_value(v));
    }
    return 0;
}

static int
parse_template(struct tokenizer *t, json_t *obj, const char *path, struct ep_err *err)
{
    json_t *single = json_object_get(obj, "single"),
           *specials = json_object_get(obj, "special_tokens");
    json_t *item, *sp, *seq, *id;
    bool seen_a = false;
    size_t i;

    if (!json_is_array(single))
        return ep_err_set(err, "%s.single: expected an array", path);
    json_array_foreach(single, i, item) {
        sp = json_object_get(item, "SpecialToken");
        seq = json_object_get(item, "Sequence");
        if (json_is_object(seq)) {
            seen_a = true;
            continue;
        }
        id = json_object_get(sp, "id");
        if (!json_is_string(id))
            return ep_err_set(err, "%s.single[%zu]: expected SpecialToken or Sequence", path, i);
        if (special_ids(specials, json_string_value(id), seen_a ? &t->post_after : &t->post_before,
                        path, err) < 0)
            return -1;
    }
    return 0;
}

/* [token, id] pair of RobertaProcessing / BertProcessing. */
static int
pair_id(json_t *obj, const char *key, struct tok_ids *out, const char *path, struct ep_err *err)
{
    json_t *pair = json_object_get(obj, key), *id = json_array_get(pair, 1);

    if (!json_is_integer(id) || json_integer_value(id) < 0 || json_integer_value(id) >= MAX_ID)
        return ep_err_set(err, "%s.%s: expected [token, id]", path, key);
    tok_ids_push(out, (int32_t)json_integer_value(id));
    return 0;
}

static int
parse_post(struct tokenizer *t, json_t *obj, const char *path, struct ep_err *err)
{
    const char *type;
    json_t *arr, *v;
    size_t i;
    char sub[200];

    if (!obj || json_is_null(obj))
        return 0;
    if (!(type = step_type(obj, path, err)))
        return -1;
    t->has_post = true;
    if (!strcmp(type, "ByteLevel"))
        return 0;
    if (!strcmp(type, "TemplateProcessing"))
        return parse_template(t, obj, path, err);
    if (!strcmp(type, "RobertaProcessing") || !strcmp(type, "BertProcessing")) {
        /* Applied inside-out: a Sequence's later processor wraps the earlier one. */
        struct tok_ids before = TOK_IDS_INIT;
        int r = pair_id(obj, "cls", &before, path, err);

        if (r == 0)
            r = pair_id(obj, "sep", &t->post_after, path, err);
        for (size_t k = 0; r == 0 && k < t->post_before.n; k++)
            tok_ids_push(&before, t->post_before.v[k]);
        tok_ids_release(&t->post_before);
        t->post_before = before;
        return r;
    }
    if (!strcmp(type, "Sequence")) {
        arr = json_object_get(obj, "processors");
        if (!json_is_array(arr))
            return ep_err_set(err, "%s.processors: expected an array", path);
        json_array_foreach(arr, i, v) {
            snprintf(sub, sizeof(sub), "%s.processors[%zu]", path, i);
            if (parse_post(t, v, sub, err) < 0)
                return -1;
        }
        return 0;
    }
    return ep_err_set(err, "%s: unsupported post_processor type '%s'", path, type);
}

/* ------------------------------------------------------------- model */

static int
parse_vocab(struct tok_bpe *b, json_t *vocab, struct ep_err *err)
{
    const char *key;
    json_t *v;

    if (!json_is_object(vocab))
        return ep_err_set(err, "model.vocab: expected an object");
    json_object_foreach(vocab, key, v) {
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) >= MAX_ID)
            return ep_err_set(err, "model.vocab: bad id for token '%s'", key);
        tok_vocab_put(&b->vocab, key, strlen(key), (int32_t)json_integer_value(v));
    }
    return 0;
}

/* A merge as "a b" (exactly one space) or ["a", "b"]. */
static int
parse_merge(struct tok_bpe *b, json_t *m, uint32_t rank, struct ep_err *err)
{
    if (json_is_string(m)) {
        const char *s = json_string_value(m), *sp = memchr(s, ' ', json_string_length(m));
        size_t len = json_string_length(m);

        if (!sp || memchr(sp + 1, ' ', len - (size_t)(sp + 1 - s)))
            return ep_err_set(err, "model.merges[%u]: expected \"a b\"", rank);
        return tok_bpe_add_merge(b, s, (size_t)(sp - s), sp + 1, len - (size_t)(sp + 1 - s), rank,
                                 err);
    }
    if (json_is_array(m) && json_array_size(m) == 2 && json_is_string(json_array_get(m, 0)) &&
        json_is_string(json_array_get(m, 1))) {
        json_t *a = json_array_get(m, 0), *c = json_array_get(m, 1);

        return tok_bpe_add_merge(b, json_string_value(a), json_string_length(a),
                                 json_string_value(c), json_string_length(c), rank, err);
    }
    return ep_err_set(err, "model.merges[%u]: expected \"a b\" or [\"a\", \"b\"]", rank);
}

static int
parse_bpe_options(struct tok_bpe *b, json_t *model, struct ep_err *err)
{
    const char *unk, *prefix, *suffix;
    json_t *dropout = json_object_get(model, "dropout");

    if (get_str(model, "unk_token", false, &unk, NULL, "model", err) < 0 ||
        get_str(model, "continuing_subword_prefix", false, &prefix, NULL, "model", err) < 0 ||
        get_str(model, "end_of_word_suffix", false, &suffix, NULL, "model", err) < 0 ||
        get_bool(model, "fuse_unk", false, &b->fuse_unk, "model", err) < 0 ||
        get_bool(model, "byte_fallback", false, &b->byte_fallback, "model", err) < 0 ||
        get_bool(model, "ignore_merges", false, &b->ignore_merges, "model", err) < 0)
        return -1;
    if (dropout && !json_is_null(dropout) &&
        !(json_is_number(dropout) && json_number_value(dropout) == 0))
        return ep_err_set(err, "model.dropout: BPE dropout is not supported");
    b->unk_token = unk ? xstrdup(unk) : NULL;
    b->prefix = prefix ? xstrdup(prefix) : NULL;
    b->suffix = suffix ? xstrdup(suffix) : NULL;
    return 0;
}

static int
parse_model(struct tokenizer *t, json_t *model, struct ep_err *err)
{
    const char *type;
    json_t *merges, *m;
    size_t i;

    if (!json_is_object(model))
        return ep_err_set(err, "model: expected an object");
    if (get_str(model, "type", false, &type, NULL, "model", err) < 0)
        return -1;
    if (type ? strcmp(type, "BPE") : !json_object_get(model, "merges"))
        return ep_err_set(err, "model: unsupported model type '%s' (only BPE is implemented)",
                          type ? type : "?");
    if (parse_bpe_options(t->bpe, model, err) < 0 ||
        parse_vocab(t->bpe, json_object_get(model, "vocab"), err) < 0)
        return -1;
    merges = json_object_get(model, "merges");
    if (merges && !json_is_array(merges))
        return ep_err_set(err, "model.merges: expected an array");
    json_array_foreach(merges, i, m) {
        if (parse_merge(t->bpe, m, (uint32_t)i, err) < 0)
            return -1;
    }
    tok_bpe_finish(t->bpe);
    return 0;
}

/* ------------------------------------------------------------- added tokens */

static int
parse_added(struct tokenizer *t, json_t *arr, struct ep_err *err)
{
    struct tok_added *tokens;
    json_t *v;
    size_t i, n = json_array_size(arr);
    int r = 0;

    if (arr && !json_is_array(arr) && !json_is_null(arr))
        return ep_err_set(err, "added_tokens: expected an array");
    tokens = xcalloc(n ? n : 1, sizeof(*tokens));
    json_array_foreach(arr, i, v) {
        char path[64];
        const char *content;
        size_t len;
        struct tok_added *a = &tokens[i];

        snprintf(path, sizeof(path), "added_tokens[%zu]", i);
        if ((r = get_str(v, "content", true, &content, &len, path, err)) < 0 ||
            (r = get_bool(v, "single_word", false, &a->single_word, path, err)) < 0 ||
            (r = get_bool(v, "lstrip", false, &a->lstrip, path, err)) < 0 ||
            (r = get_bool(v, "rstrip", false, &a->rstrip, path, err)) < 0 ||
            (r = get_bool(v, "special", false, &a->special, path, err)) < 0 ||
            (r = get_bool(v, "normalized", !a->special, &a->normalized, path, err)) < 0)
            break;
        a->content = dupn(content, len);
        a->len = len;
    }
    if (r == 0)
        r = tok_add_tokens(t, tokens, n, err);
    for (i = 0; i < n; i++)
        free(tokens[i].content);
    free(tokens);
    return r;
}

int
tok_load_root(struct tokenizer *t, json_t *root, struct ep_err *err)
{
    json_t *version = json_object_get(root, "version");

    if (!json_is_object(root))
        return ep_err_set(err, "expected a JSON object");
    if (version && !(json_is_string(version) && !strcmp(json_string_value(version), "1.0")))
        return ep_err_set(err, "version: unknown tokenizer version");
    if (parse_model(t, json_object_get(root, "model"), err) < 0 ||
        parse_top_step(root, "normalizer", parse_normalizer, &t->normalizer, err) < 0 ||
        parse_top_step(root, "pre_tokenizer", parse_pre_tokenizer, &t->pre, err) < 0 ||
        parse_top_step(root, "decoder", parse_decoder, &t->decoder, err) < 0 ||
        parse_post(t, json_object_get(root, "post_processor"), "post_processor", err) < 0)
        return -1;
    return parse_added(t, json_object_get(root, "added_tokens"), err);
}

/* bos_token / eos_token: a string or an AddedToken object with "content". */
static int32_t
config_token(struct tokenizer *t, json_t *root, const char *key)
{
    json_t *v = json_object_get(root, key);

    if (json_is_object(v))
        v = json_object_get(v, "content");
    if (!json_is_string(v))
        return -1;
    return tokenizer_token_to_id(t, json_string_value(v), json_string_length(v));
}

void
tok_load_config(struct tokenizer *t, json_t *root)
{
    json_t *add_bos = json_object_get(root, "add_bos_token");
    int32_t id;

    t->bos_id = t->post_before.n ? t->post_before.v[0] : -1;
    t->eos_id = t->post_after.n ? t->post_after.v[t->post_after.n - 1] : -1;
    t->config_add_bos = -1;
    if (!json_is_object(root))
        return;
    if ((id = config_token(t, root, "bos_token")) >= 0)
        t->bos_id = id;
    if ((id = config_token(t, root, "eos_token")) >= 0)
        t->eos_id = id;
    if (json_is_boolean(add_bos))
        t->config_add_bos = json_is_true(add_bos);
}

/*
 * Unit tests for lib/eval/tokenizer and its parts (regex, unicode): the
 * GPT-2 byte map, tiny BPE vocabularies built here whose ids can be worked
 * out by hand from the merge ranks, added-token splitting, byte fallback,
 * regex matches and normalisation. Exactness on real tokenizers is
 * t-tokenizer.sh's job (against the tokenizers library).
 */
#include "lib/eval/tokenizer.h"

#include <string.h>

#include "lib/eval/regex.h"
#include "lib/eval/tok_internal.h"
#include "lib/eval/unicode.h"

#include "tests/unit/check.h"

static struct tokenizer *
load(const char *json)
{
    struct ep_err err;
    struct tokenizer *t = tokenizer_load_json(json, strlen(json), NULL, 0, "test.json", &err);

    if (!t)
        fprintf(stderr, "load failed: %s\n", err.msg);
    return t;
}

/* Encode s and compare with the expected ids (terminated by -2). */
static int
encodes_to(struct tokenizer *t, const char *s, bool special, const int32_t *want)
{
    struct tok_ids ids = TOK_IDS_INIT;
    struct ep_err err;
    size_t n = 0;
    int ok;

    while (want[n] != -2)
        n++;
    if (tokenizer_encode(t, s, strlen(s), special, &ids, &err) < 0) {
        fprintf(stderr, "encode failed: %s\n", err.msg);
        return 0;
    }
    ok = ids.n == n && (!n || !memcmp(ids.v, want, n * sizeof(int32_t)));
    if (!ok) {
        fprintf(stderr, "'%s' ->", s);
        for (size_t i = 0; i < ids.n; i++)
            fprintf(stderr, " %d", ids.v[i]);
        fprintf(stderr, "\n");
    }
    tok_ids_release(&ids);
    return ok;
}

static void
test_byte_map(void)
{
    /* eval-engine.md 5.2: printable bytes map to themselves, the other 68 to U+0100.. in order. */
    static const struct {
        int byte;
        uint32_t cp;
    } cases[] = { { 0x00, 0x100 }, { '\t', 0x109 }, { '\n', 0x10A }, { '\r', 0x10D },
                  { ' ', 0x120 },  { 0x7F, 0x121 }, { 0xA0, 0x142 }, { 0xAD, 0x143 },
                  { 'A', 'A' },    { '!', '!' },    { 0xE9, 0xE9 },  { 0xFF, 0xFF } };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        CHECK(tok_cp_to_byte(cases[i].cp) == cases[i].byte);
    CHECK(tok_cp_to_byte(0x144) == -1);
    CHECK(tok_cp_to_byte(0x20) == -1); /* space itself is not a byte-level char */
}

static const char tiny_bpe[] =
    "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1, \"c\": 2, \"ab\": 3, \"bc\": 4,"
    " \"abc\": 5, \"<unk>\": 6}, \"merges\": [\"a b\", \"b c\", \"ab c\"]},"
    " \"added_tokens\": [{\"id\": 7, \"content\": \"<s>\", \"special\": true,"
    " \"normalized\": false, \"lstrip\": false, \"rstrip\": false, \"single_word\": false},"
    " {\"id\": 8, \"content\": \"cc\", \"special\": false, \"normalized\": true,"
    " \"lstrip\": false, \"rstrip\": false, \"single_word\": true}]}";

static void
test_tiny_bpe(void)
{
    struct tokenizer *t = load(tiny_bpe);

    CHECK(t != NULL);
    if (!t)
        return;
    /* rank 0 (a b) first, then rank 2 (ab c) */
    CHECK(encodes_to(t, "abc", false, (const int32_t[]){ 5, -2 }));
    /* b c (rank 1) wins over nothing else; a stays */
    CHECK(encodes_to(t, "bca", false, (const int32_t[]){ 4, 0, -2 }));
    /* a b merges before b c: "abc" again, then "c" alone */
    CHECK(encodes_to(t, "abcc", false, (const int32_t[]){ 5, 2, -2 }));
    /* chars outside the vocabulary vanish without unk_token, joining their neighbours */
    CHECK(encodes_to(t, "a?b", false, (const int32_t[]){ 3, -2 }));
    /* added special token splits the text first */
    CHECK(encodes_to(t, "ab<s>bc", false, (const int32_t[]){ 3, 7, 4, -2 }));
    /* single_word "cc": only where no word char touches it */
    CHECK(encodes_to(t, "cc", false, (const int32_t[]){ 8, -2 }));
    CHECK(encodes_to(t, "acc", false, (const int32_t[]){ 0, 2, 2, -2 }));
    CHECK(tokenizer_token_to_id(t, "abc", 3) == 5);
    CHECK(tokenizer_token_to_id(t, "<s>", 3) == 7);
    CHECK(tokenizer_token_to_id(t, "zz", 2) == -1);
    CHECK_STREQ(tokenizer_id_to_token(t, 4, NULL), "bc");
    CHECK(tokenizer_id_to_token(t, 99, NULL) == NULL);
    CHECK(tokenizer_vocab_size(t) == 9);
    CHECK(tokenizer_bos_id(t) == -1);
    tokenizer_free(t);
}

static void
test_byte_fallback_and_template(void)
{
    struct tokenizer *t = load(
        "{\"model\": {\"type\": \"BPE\", \"byte_fallback\": true, \"unk_token\": \"<unk>\","
        " \"fuse_unk\": true, \"vocab\": {\"<unk>\": 0, \"<s>\": 1, \"<0xC3>\": 2, \"<0xA9>\": 3,"
        " \"\\u2581\": 4, \"a\": 5, \"\\u2581a\": 6}, \"merges\": [\"\\u2581 a\"]},"
        " \"normalizer\": {\"type\": \"Sequence\", \"normalizers\": ["
        "   {\"type\": \"Prepend\", \"prepend\": \"\\u2581\"},"
        "   {\"type\": \"Replace\", \"pattern\": {\"String\": \" \"}, \"content\": \"\\u2581\"}]},"
        " \"post_processor\": {\"type\": \"TemplateProcessing\", \"single\": ["
        "   {\"SpecialToken\": {\"id\": \"<s>\", \"type_id\": 0}}, {\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}],"
        "   \"pair\": [], \"special_tokens\": {\"<s>\": {\"id\": \"<s>\", \"ids\": [1], \"tokens\": [\"<s>\"]}}},"
        " \"decoder\": {\"type\": \"Sequence\", \"decoders\": ["
        "   {\"type\": \"Replace\", \"pattern\": {\"String\": \"\\u2581\"}, \"content\": \" \"},"
        "   {\"type\": \"ByteFallback\"}, {\"type\": \"Fuse\"},"
        "   {\"type\": \"Strip\", \"content\": \" \", \"start\": 1, \"stop\": 0}]}}");
    struct buf out = BUF_INIT;
    struct ep_err err;

    CHECK(t != NULL);
    if (!t)
        return;
    /* "a é" -> "▁a▁é": ▁a, ▁, then é (C3 A9) by byte fallback */
    CHECK(encodes_to(t, "a \xc3\xa9", true, (const int32_t[]){ 1, 6, 4, 2, 3, -2 }));
    /* "xy" unknown and no byte tokens for them: one fused unk after "▁" */
    CHECK(encodes_to(t, "xy", false, (const int32_t[]){ 4, 0, -2 }));
    CHECK(tokenizer_bos_id(t) == 1);
    CHECK(tokenizer_adds_bos(t));
    /* "<s>" is only a model token here, not an added special one: skip_special keeps it */
    CHECK(tokenizer_decode(t, (const int32_t[]){ 1, 6, 4, 2, 3 }, 5, true, &out, &err) == 0);
    CHECK_STREQ(out.buf, "<s> a \xc3\xa9");
    buf_reset(&out);
    CHECK(tokenizer_decode(t, (const int32_t[]){ 6, 4, 2, 3 }, 4, true, &out, &err) == 0);
    CHECK_STREQ(out.buf, "a \xc3\xa9");
    buf_reset(&out);
    /* a lone continuation byte decodes to U+FFFD */
    CHECK(tokenizer_decode(t, (const int32_t[]){ 3 }, 1, true, &out, &err) == 0);
    CHECK_STREQ(out.buf, "\xef\xbf\xbd");
    buf_release(&out);
    tokenizer_free(t);
}

/* All matches of re in s, joined with '|'. */
static void
matches(const char *pat, const char *s, const char *want)
{
    struct ep_err err;
    struct regex *re = regex_compile(pat, strlen(pat), &err);
    struct buf got = BUF_INIT;
    size_t from = 0, ms, me, len = strlen(s);

    CHECK(re != NULL);
    if (!re)
        return;
    while (from < len && regex_search(re, s, len, from, &ms, &me, &err) == 1 && me > ms) {
        if (got.len)
            buf_addch(&got, '|');
        buf_add(&got, s + ms, me - ms);
        from = me;
    }
    CHECK_STREQ(got.buf, want);
    buf_release(&got);
    regex_free(re);
}

static void
test_regex(void)
{
    const char *gpt2 =
        "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    struct ep_err err;

    matches(gpt2, "Hello world", "Hello| world");
    /* \s+(?!\S) leaves the last space to the word after it */
    matches(gpt2, "a   b", "a|  | b");
    matches(gpt2, "it's 42!", "it|'s| 42|!");
    matches("\\p{N}{1,3}", "1234567", "123|456|7");
    matches("(?i:'s|'ll)", "'S 'LL 'Ll", "'S|'LL|'Ll");
    matches("[^\\r\\n\\p{L}\\p{N}]?\\p{L}+", "\xc3\xa9t\xc3\xa9 _caf\xc3\xa9",
            "\xc3\xa9t\xc3\xa9|_caf\xc3\xa9");
    matches("a+?b|c{2,}", "aab ccc c", "aab|ccc");
    CHECK(regex_compile("(?<=a)b", 7, &err) == NULL);
    CHECK(strstr(err.msg, "lookbehind") != NULL);
    CHECK(regex_compile("(a*)*", 5, &err) == NULL);
    CHECK(regex_compile("\\1", 2, &err) == NULL);
    CHECK(regex_compile("[a-", 3, &err) == NULL);
    CHECK(regex_compile("\\p{Bogus}", 9, &err) == NULL);
}

static void
test_unicode(void)
{
    struct buf b = BUF_INIT;

    uc_normalize(UC_NFC, "e\xcc\x81", 3, &b); /* e + U+0301 -> U+00E9 */
    CHECK_STREQ(b.buf, "\xc3\xa9");
    buf_reset(&b);
    uc_normalize(UC_NFD, "\xc3\xa9", 2, &b);
    CHECK_STREQ(b.buf, "e\xcc\x81");
    buf_reset(&b);
    /* U+1100 U+1161 U+11A8 -> U+AC01 (Hangul LV + T) */
    uc_normalize(UC_NFC, "\xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8", 9, &b);
    CHECK_STREQ(b.buf, "\xea\xb0\x81");
    buf_reset(&b);
    /* canonical order: U+0301 (230) after U+0316 (220) */
    uc_normalize(UC_NFD, "a\xcc\x81\xcc\x96", 5, &b);
    CHECK_STREQ(b.buf, "a\xcc\x96\xcc\x81");
    buf_reset(&b);
    uc_normalize(UC_NFKC, "\xef\xac\x81", 3, &b); /* U+FB01 -> "fi" */
    CHECK_STREQ(b.buf, "fi");
    buf_reset(&b);
    /* truncated 3-byte sequence: one U+FFFD, as Rust's from_utf8_lossy */
    uc_add_lossy(&b, "a\xe4\xb8z\xff", 5);
    CHECK_STREQ(b.buf, "a\xef\xbf\xbdz\xef\xbf\xbd");
    CHECK(uc_category('A') == UC_LU);
    CHECK(uc_category(0x4E2D) == UC_LO);
    CHECK(uc_is_space(0x3000) && uc_is_space(0x85) && !uc_is_space(0x1C) && !uc_is_space(0x200B));
    CHECK(uc_fold_simple(0x17F) == 's');
    buf_release(&b);
}

static bool
load_error(const char *json, struct ep_err *err)
{
    return tokenizer_load_json(json, strlen(json), NULL, 0, "y.json", err) == NULL;
}

static void
test_bad_input(void)
{
    struct tokenizer *t = load(tiny_bpe);
    struct tok_ids ids = TOK_IDS_INIT;
    struct ep_err err;

    CHECK(tokenizer_encode(t, "a\xff", 2, false, &ids, &err) == -1);
    CHECK(strstr(err.msg, "UTF-8") != NULL);
    tok_ids_release(&ids);
    tokenizer_free(t);
    CHECK(tokenizer_load_json("{", 1, NULL, 0, "x.json", &err) == NULL);
    CHECK(strncmp(err.msg, "x.json:", 7) == 0);
    CHECK(load_error("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": -1}}}", &err));
    CHECK(strstr(err.msg, "y.json: model.vocab: bad id") != NULL);
    CHECK(tokenizer_load("/nonexistent/tokenizer.json", &err) == NULL);
}

int
main(void)
{
    RUN(test_byte_map);
    RUN(test_tiny_bpe);
    RUN(test_byte_fallback_and_template);
    RUN(test_regex);
    RUN(test_unicode);
    RUN(test_bad_input);
    return DONE();
}

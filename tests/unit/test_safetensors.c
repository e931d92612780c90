/*
 * Unit tests for lib/eval/safetensors: a valid file, dtype conversion, and a
 * table of malformed headers that must each fail with a message naming the
 * file and the problem; then files on disk and sharded directories.
 */
#include "lib/eval/safetensors.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/xalloc.h"
#include "tests/unit/check.h"

/* A file image: u64 header size, the header padded with spaces to 8 bytes, data_len data bytes. */
static unsigned char *
image(const char *hdr, size_t data_len, size_t *len)
{
    size_t h = strlen(hdr), hp = (h + 7) / 8 * 8;
    unsigned char *p = xcalloc(8 + hp + data_len + 1, 1);

    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)((uint64_t)hp >> (8 * i));
    memcpy(p + 8, hdr, h);
    memset(p + 8 + h, ' ', hp - h);
    for (size_t i = 0; i < data_len; i++)
        p[8 + hp + i] = (unsigned char)(i * 7 + 1);
    *len = 8 + hp + data_len;
    return p;
}

/* Parsing hdr with data_len data bytes must fail with a message containing `want`. */
static void
expect_bad(const char *hdr, size_t data_len, const char *want)
{
    size_t len;
    unsigned char *p = image(hdr, data_len, &len);
    struct safetensors_file f;
    struct ep_err err;
    int rc = safetensors_parse(&f, p, len, "bad.safetensors", &err);

    CHECK(rc == -1);
    if (rc == 0) {
        fprintf(stderr, "accepted: %s\n", hdr);
        safetensors_file_release(&f);
    } else {
        if (!strstr(err.msg, want) || strncmp(err.msg, "bad.safetensors: ", 17))
            fprintf(stderr, "want '%s', got '%s'\n", want, err.msg);
        CHECK(strstr(err.msg, want) != NULL);
        CHECK(!strncmp(err.msg, "bad.safetensors: ", 17));
        CHECK(f.nr == 0 && f.tensors == NULL);
    }
    free(p);
}

static void
test_valid_file(void)
{
    const char *hdr = "{\"__metadata__\":{\"format\":\"pt\"},"
                      "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[24,28]},"
                      "\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                      "\"s\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[28,36]},"
                      "\"e\":{\"dtype\":\"F16\",\"shape\":[0,5],\"data_offsets\":[36,36]}}";
    size_t len;
    unsigned char *p = image(hdr, 36, &len);
    struct safetensors_file f;
    struct safetensors st = SAFETENSORS_INIT;
    struct ep_err err;
    const struct safetensors_tensor *t;
    float v[6];

    CHECK(safetensors_parse(&f, p, len, "ok.safetensors", &err) == 0);
    CHECK(f.nr == 4);
    CHECK_STREQ(f.tensors[0].name, "a"); /* sorted by name */
    CHECK(f.tensors[0].ndim == 2 && f.tensors[0].shape[1] == 3 && f.tensors[0].numel == 6);
    CHECK(f.tensors[2].dtype == ST_F16 && f.tensors[2].numel == 0);
    CHECK(f.tensors[3].ndim == 0 && f.tensors[3].numel == 1 && f.tensors[3].nbytes == 8);
    CHECK(f.tensors[0].data == p + len - 36);
    /* A checkpoint view over the parsed file. */
    st.files = &f;
    st.nr_files = 1;
    st.index = xcalloc(4, sizeof(*st.index));
    for (size_t i = 0; i < 4; i++)
        st.index[st.nr++] = &f.tensors[i];
    t = safetensors_find(&st, "b");
    CHECK(t && t->dtype == ST_BF16);
    CHECK(safetensors_find(&st, "c") == NULL && safetensors_find(&st, "") == NULL);
    CHECK(safetensors_read_f32(safetensors_find(&st, "a"), 1, 5, v, &err) == 0);
    CHECK(safetensors_read_f32(t, 1, 2, v, &err) == -1 && strstr(err.msg, "out of range"));
    CHECK(safetensors_read_f32(safetensors_find(&st, "s"), 0, 1, v, &err) == -1);
    CHECK(strstr(err.msg, "ok.safetensors: tensor 's' has dtype I64"));
    free(st.index);
    safetensors_file_release(&f);
    free(p);
}

static void
test_conversions(void)
{
    /* bf16 is the top half of fp32. */
    CHECK(safetensors_bf16_to_f32(0x3f80) == 1.0f);
    CHECK(safetensors_bf16_to_f32(0xc040) == -3.0f);
    CHECK(isinf(safetensors_bf16_to_f32(0x7f80)));
    CHECK(isnan(safetensors_bf16_to_f32(0x7fc1)));
    /* IEEE half: normals, subnormals, signed zero, infinities, NaN. */
    CHECK(safetensors_f16_to_f32(0x3c00) == 1.0f);
    CHECK(safetensors_f16_to_f32(0xc000) == -2.0f);
    CHECK(safetensors_f16_to_f32(0x7bff) == 65504.0f);
    CHECK(safetensors_f16_to_f32(0x0001) == 0x1p-24f);
    CHECK(safetensors_f16_to_f32(0x83ff) == -1023 * 0x1p-24f);
    CHECK(safetensors_f16_to_f32(0x0400) == 0x1p-14f);
    CHECK(safetensors_f16_to_f32(0x8000) == 0.0f && signbit(safetensors_f16_to_f32(0x8000)));
    CHECK(isinf(safetensors_f16_to_f32(0xfc00)) && safetensors_f16_to_f32(0xfc00) < 0);
    CHECK(isnan(safetensors_f16_to_f32(0x7e00)));
    CHECK(safetensors_f16_to_f32(0x3555) == 0.333251953125f);
    CHECK(strcmp(safetensors_dtype_name(ST_F8_E4M3), "F8_E4M3") == 0);
    CHECK(safetensors_dtype_bits(ST_F4) == 4);
}

static void
test_bad_headers(void)
{
    static const struct {
        const char *hdr;
        size_t data;
        const char *want;
    } cases[] = {
        { "[1,2]", 0, "header does not start with '{'" },
        { "{\"a\":", 0, "bad JSON header" },
        { "{\"a\":1,\"a\":2}", 0, "bad JSON header" }, /* duplicate key */
        { "{\"a\":1}", 0, "tensor 'a': entry is not an object" },
        { "{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "'dtype' is missing" },
        { "{\"a\":{\"dtype\":\"F12\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4,
          "tensor 'a': unknown dtype 'F12'" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":1,\"data_offsets\":[0,4]}}", 4,
          "'shape' is not an array" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4,
          "dimension 0 is not a non-negative integer" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4,
          "dimension 0 is not" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}", 4,
          "9 dimensions" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],"
          "\"data_offsets\":[0,4]}}",
          4, "shape is larger than the file" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[0,9223372036854775807],\"data_offsets\":[0,4]}}", 4,
          "need 0.0" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,8]}}", 4,
          "within the 4-byte data region" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4,
          "'data_offsets' must be two integers" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4, "run backwards" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4,
          "span 4 bytes, but 2 elements of F32 need 8.0" },
        { "{\"a\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,1]}}", 4,
          "3 elements of F4 need 1.5" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
          "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
          8, "tensor 'b' overlaps tensor 'a'" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8,
          "4 unused bytes before" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8,
          "4 bytes after the last tensor" },
        { "{\"__metadata__\":[1]}", 0, "'__metadata__' is not an object" },
        { "{\"__metadata__\":{\"k\":1}}", 0, "'__metadata__' value 'k' is not a string" },
        { "{\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
          "\":2}",
          0, "xxxxxxxxxx...': entry is not an object" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_bad(cases[i].hdr, cases[i].data, cases[i].want);
}

/* Sizes that lie about the header. */
static void
test_bad_sizes(void)
{
    unsigned char buf[32] = { 0 };
    struct safetensors_file f;
    struct ep_err err;

    CHECK(safetensors_parse(&f, buf, 7, "t", &err) == -1 && strstr(err.msg, "too short"));
    buf[0] = 24; /* 24 bytes of header, 16 present */
    CHECK(safetensors_parse(&f, buf, 24, "t", &err) == -1 &&
          strstr(err.msg, "header size 24 exceeds the 16 bytes after it"));
    memset(buf, 0xff, 8); /* 2^64 - 1 */
    CHECK(safetensors_parse(&f, buf, 32, "t", &err) == -1 && strstr(err.msg, "exceeds"));
    memset(buf, 0, 8);
    CHECK(safetensors_parse(&f, buf, 32, "t", &err) == -1 && strstr(err.msg, "start with '{'"));
}

/* ----------------------------------------------------------------- on disk */

static char dir[] = "/tmp/ep-st-test-XXXXXX";

static void
put(const char *name, const void *data, size_t len)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f))
        abort();
}

static void
put_st(const char *name, const char *hdr, size_t data_len)
{
    size_t len;
    unsigned char *p = image(hdr, data_len, &len);

    put(name, p, len);
    free(p);
}

static void
rm(const char *name)
{
    char path[256];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    unlink(path);
}

static void
expect_dir_error(const char *want)
{
    struct safetensors st;
    struct ep_err err;
    int rc = safetensors_open_dir(&st, dir, &err);

    CHECK(rc == -1);
    if (rc == 0) {
        safetensors_release(&st);
        return;
    }
    if (!strstr(err.msg, want))
        fprintf(stderr, "want '%s', got '%s'\n", want, err.msg);
    CHECK(strstr(err.msg, want) != NULL);
    CHECK(st.nr == 0 && st.files == NULL);
}

static const char *shard1 = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
static const char *shard2 = "{\"b\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}";

static void
test_files(void)
{
    struct safetensors st;
    struct ep_err err;
    char path[256];

    expect_dir_error("model.safetensors': No such file");
    put("model.safetensors", "", 0);
    expect_dir_error("file is 0 bytes, too short");
    put_st("model.safetensors", shard1, 4);
    CHECK(safetensors_open_dir(&st, dir, &err) == 0);
    CHECK(st.nr == 1 && safetensors_find(&st, "a") != NULL);
    safetensors_release(&st);
    safetensors_release(&st); /* releasing twice is harmless */
    snprintf(path, sizeof(path), "%s", dir);
    CHECK(safetensors_open(&st, path, &err) == -1 && strstr(err.msg, "not a regular file"));
    put_st("model.safetensors", shard1, 5);
    expect_dir_error("1 bytes after the last tensor");
    rm("model.safetensors");
}

static void
test_sharded(void)
{
    struct safetensors st;
    struct ep_err err;
    const char *idx =
        "{\"metadata\":{},\"weight_map\":{\"a\":\"s1.safetensors\",\"b\":\"s2.safetensors\"}}";

    put_st("s1.safetensors", shard1, 4);
    put_st("s2.safetensors", shard2, 4);
    put("model.safetensors.index.json", idx, strlen(idx));
    CHECK(safetensors_open_dir(&st, dir, &err) == 0);
    CHECK(st.nr_files == 2 && st.nr == 2);
    CHECK(safetensors_find(&st, "b") && safetensors_find(&st, "b")->dtype == ST_F16);
    CHECK(strstr(safetensors_find(&st, "b")->path, "s2.safetensors") != NULL);
    safetensors_release(&st);

    idx = "{\"weight_map\":{\"a\":\"s2.safetensors\",\"b\":\"s2.safetensors\"}}";
    put("model.safetensors.index.json", idx, strlen(idx));
    expect_dir_error("tensor 'a' is listed in weight_map but is in no shard");
    idx = "{\"weight_map\":{\"a\":\"s1.safetensors\",\"b\":\"s1.safetensors\"}}";
    put("model.safetensors.index.json", idx, strlen(idx));
    expect_dir_error("is listed in weight_map but is in no shard");
    idx = "{\"weight_map\":{\"a\":\"s1.safetensors\",\"b\":\"s3.safetensors\"}}";
    put("model.safetensors.index.json", idx, strlen(idx));
    expect_dir_error("s3.safetensors': No such file");
    idx = "{\"weight_map\":{\"a\":\"../s1.safetensors\"}}";
    put("model.safetensors.index.json", idx, strlen(idx));
    expect_dir_error("weight_map entry 'a' is not a plain file name");
    idx = "{\"weight_map\":{}}";
    put("model.safetensors.index.json", idx, strlen(idx));
    expect_dir_error("'weight_map' is missing, empty");
    idx = "{\"weight_map\":";
    put("model.safetensors.index.json", idx, strlen(idx));
    expect_dir_error("model.safetensors.index.json:1: bad JSON");
    /* The same tensor in two shards. */
    put_st("s2.safetensors", shard1, 4);
    idx = "{\"weight_map\":{\"a\":\"s1.safetensors\",\"x\":\"s2.safetensors\"}}";
    put("model.safetensors.index.json", idx, strlen(idx));
    expect_dir_error("tensor 'a' is in both");
    /* A map naming the wrong shard for a tensor that exists. */
    put_st("s2.safetensors", shard2, 4);
    idx =
        "{\"weight_map\":{\"a\":\"s1.safetensors\",\"b\":\"s1.safetensors\",\"c\":\"s2.safetensors\"}}";
    put("model.safetensors.index.json", idx, strlen(idx));
    expect_dir_error("tensor 'b' is mapped to 's1.safetensors' but found in");
    rm("s1.safetensors");
    rm("s2.safetensors");
    rm("model.safetensors.index.json");
}

int
main(void)
{
    if (!mkdtemp(dir))
        abort();
    RUN(test_valid_file);
    RUN(test_conversions);
    RUN(test_bad_headers);
    RUN(test_bad_sizes);
    RUN(test_files);
    RUN(test_sharded);
    rmdir(dir);
    return DONE();
}

/* Unit tests for lib/yamlout: layout, quoting, numbers, and round trips through lib/yamlin. */
#include "lib/yamlout.h"

#include <stdlib.h>

#include "lib/ndjson.h"
#include "lib/yamlin.h"
#include "tests/unit/check.h"

/* Emit the JSON text `json` as a document and compare with `want`. */
static void
check_doc(const char *json, const char *want)
{
    struct yamlout_style st = YAMLOUT_STYLE_INIT;
    struct ep_err err = { "" };
    struct buf out = BUF_INIT;
    json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);

    CHECK(v != NULL);
    if (yamlout_document(&out, v, &st, &err) < 0)
        fprintf(stderr, "yamlout_document: %s\n", err.msg);
    CHECK_STREQ(out.buf, want);
    buf_release(&out);
    json_decref(v);
}

/* Emit v as a document, read it back with yamlin, and require the same value. */
static void
check_round_trip(const json_t *v)
{
    struct yamlout_style st = YAMLOUT_STYLE_INIT;
    struct ep_err err = { "" };
    struct buf out = BUF_INIT;
    json_t *back;

    CHECK(yamlout_document(&out, v, &st, &err) == 0);
    back = yamlin_parse(out.buf, out.len, &err);
    if (!back || !json_equal(back, v)) {
        struct buf a = BUF_INIT;

        ndjson_dump(&a, v);
        fprintf(stderr, "round trip failed for %s:\n%s\n(%s)\n", a.buf, out.buf, err.msg);
        buf_release(&a);
        CHECK(0);
    }
    json_decref(back);
    buf_release(&out);
}

static void
test_layout(void)
{
    check_doc("{\"a\":1,\"b\":{\"c\":\"x\"},\"l\":[1,{\"k\":\"v\",\"w\":[]}],\"e\":{}}",
              "a: 1\nb:\n  c: x\nl:\n- 1\n- k: v\n  w: []\ne: {}\n");
    check_doc("[{\"dataset\":{\"id\":\"cais/hle\",\"task_id\":\"hle\"},\"value\":22.1}]",
              "- dataset:\n    id: cais/hle\n    task_id: hle\n  value: 22.1\n");
    check_doc("[[1,2],[]]", "- - 1\n  - 2\n- []\n");
    check_doc("\"x\"", "x\n");
}

static void
test_style(void)
{
    struct yamlout_style st = { 4, 2, 3, "\r\n" };
    struct ep_err err = { "" };
    struct buf out = BUF_INIT;
    json_t *v = json_loads("{\"m\":[{\"a\":{\"b\":1},\"c\":[2]}]}", 0, NULL);

    CHECK(yamlout_entry(&out, "k", v, 2, &st, &err) == 0);
    CHECK_STREQ(out.buf, "  k:\r\n      m:\r\n        -  a:\r\n"
                         "               b: 1\r\n           c:\r\n             - 2\r\n");
    buf_reset(&out);
    CHECK(yamlout_item(&out, json_object_get(v, "m"), 4, &st, &err) == 0);
    CHECK_STREQ(out.buf, "    -  -  a:\r\n"
                         "              b: 1\r\n          c:\r\n            - 2\r\n");
    buf_release(&out);
    json_decref(v);
}

static void
test_scalars(void)
{
    check_doc("{\"t\":\"true\",\"y\":\"yes\",\"n\":\"null\",\"e\":\"\",\"d\":\"2026-01-14\","
              "\"f\":\"71.3\",\"i\":\".inf\",\"s\":\"-5\",\"ok\":\"a,b\",\"v\":\"3.0.0\"}",
              "t: 'true'\n'y': 'yes'\n'n': 'null'\ne: ''\nd: '2026-01-14'\nf: '71.3'\ni: '.inf'\n"
              "s: '-5'\nok: a,b\nv: '3.0.0'\n");
    check_doc("{\"r\":71.3,\"z\":71.0,\"x\":1e-05,\"b\":1e20,\"i\":-3,\"t\":true,\"n\":null}",
              "r: 71.3\nz: 71.0\nx: 1.0e-05\nb: 1.0e+20\ni: -3\nt: true\n'n': null\n");
    check_doc("{\"a\":\"x: y\",\"h\":\"#c\",\"d\":\"---\",\"q\":\"it's\",\"nl\":\"a\\nb\","
              "\"u\":\"\\u00e9\\u65e5\",\"ls\":\"a\\u2028b\"}",
              "a: 'x: y'\nh: '#c'\nd: '---'\nq: it's\nnl: \"a\\nb\"\nu: \u00e9\u65e5\n"
              "ls: \"a\\Lb\"\n");
    check_doc("{\"a: b\":1,\"---\":2,\"yes\":3}", "'a: b': 1\n'---': 2\n'yes': 3\n");
}

static void
test_hostile_round_trip(void)
{
    static const char *const strings[] = { "plain",
                                           "a: b",
                                           "#x",
                                           "x #y",
                                           "---",
                                           "--- x",
                                           "...",
                                           "- a",
                                           "? x",
                                           "[a]",
                                           "{a}",
                                           "'quoted'",
                                           "\"dq\"",
                                           "a\nb",
                                           "\n---\nlicense: evil\n---\n",
                                           "\r\n",
                                           "trail ",
                                           " lead",
                                           "\t",
                                           "é ü 日本",
                                           "\xe2\x80\xa8",
                                           "\xc2\x85",
                                           "\xef\xbb\xbf",
                                           "\x01\x7f",
                                           "!tag",
                                           "&a",
                                           "*a",
                                           "|",
                                           ">",
                                           "%x",
                                           "@x",
                                           "`x",
                                           "~",
                                           "null",
                                           "NULL",
                                           "True",
                                           "off",
                                           "0x1F",
                                           "0o17",
                                           "1_000",
                                           "1:20",
                                           "+.5",
                                           "-.inf",
                                           ".NaN",
                                           "1e3",
                                           "<<",
                                           "=",
                                           "",
                                           "\\",
                                           "a\\nb",
                                           "model-index:\n- name: x",
                                           "\"\n---\n",
                                           NULL };

    for (size_t i = 0; strings[i]; i++) {
        const char *s = strings[i];
        json_t *doc = json_pack("{s:s, s:[{s:s}]}", "v", s, "l", "k", s);

        CHECK(doc != NULL);
        check_round_trip(doc);
        json_decref(doc);
        /* as a key: one line only (a key with a line break is refused) */
        doc = json_pack("{s:i}", s, 1);
        if (strpbrk(s, "\r\n") || strstr(s, "\xe2\x80\xa8") || strstr(s, "\xc2\x85")) {
            struct yamlout_style st = YAMLOUT_STYLE_INIT;
            struct ep_err err = { "" };
            struct buf out = BUF_INIT;

            CHECK(yamlout_document(&out, doc, &st, &err) == -1);
            buf_release(&out);
        } else {
            check_round_trip(doc);
        }
        json_decref(doc);
    }
    {
        json_t *nums = json_pack("[f,f,f,f,f,I,I]", 71.3, 0.1, 1e-7, 123456789.125, -0.0,
                                 (json_int_t)9007199254740993LL, (json_int_t)-1);

        check_round_trip(nums);
        json_decref(nums);
    }
}

static void
test_errors(void)
{
    struct ep_err err = { "" };
    struct buf out = BUF_INIT;
    char key[300];
    json_t *v = json_pack("[i]", 1);

    memset(key, 'k', sizeof(key) - 1);
    key[sizeof(key) - 1] = '\0';
    CHECK(yamlout_key(&out, key, &err) == -1);
    CHECK(strstr(err.msg, "too long") != NULL);
    CHECK(yamlout_scalar(&out, v, &err) == -1);
    CHECK(out.len == 0);
    buf_release(&out);
    json_decref(v);
}

int
main(void)
{
    RUN(test_layout);
    RUN(test_style);
    RUN(test_scalars);
    RUN(test_hostile_round_trip);
    RUN(test_errors);
    return DONE();
}

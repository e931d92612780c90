/* Unit tests for lib/pyjson: the NaN/Infinity pre-pass never touches strings. */
#include "lib/pyjson.h"

#include <string.h>

#include "tests/unit/check.h"

static void
test_prepass(void)
{
    static const struct {
        const char *in, *out;
        size_t n;
    } cases[] = {
        { "{\"a\": NaN}", "{\"a\": null}", 1 },
        { "[Infinity,-Infinity]", "[null    ,null     ]", 2 },
        { "{\"s\": \"NaN Infinity\"}", "{\"s\": \"NaN Infinity\"}", 0 },
        { "{\"s\": \"a\\\"NaN\\\\\", \"v\": NaN}", "{\"s\": \"a\\\"NaN\\\\\", \"v\": null}", 1 },
        { "{\"NaN\": 1}", "{\"NaN\": 1}", 0 },
        { "[NaNa, xNaN, NaN_, Infinityx]", "[NaNa, xNaN, NaN_, Infinityx]", 0 },
        { "[NaN]", "[null]", 1 },
        { "NaN", "null", 1 },
        { "[1e5,-1,-Inf]", "[1e5,-1,-Inf]", 0 },
        { "\"unterminated NaN", "\"unterminated NaN", 0 },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct buf out = BUF_INIT;
        size_t n = pyjson_nan_to_null(cases[i].in, strlen(cases[i].in), &out);

        CHECK_STREQ(out.buf, cases[i].out);
        CHECK(n == cases[i].n);
        buf_release(&out);
    }
}

static void
test_load(void)
{
    struct ep_err err;
    size_t n = 99;
    const char *text = "{\"acc\": 0.5,\n \"acc_stderr\": NaN, \"note\": \"NaN\", \"x\": -Infinity}";
    json_t *v = pyjson_loadb(text, strlen(text), 0, &n, &err);

    CHECK(v && n == 2);
    CHECK(json_is_null(json_object_get(v, "acc_stderr")) && json_is_null(json_object_get(v, "x")));
    CHECK_STREQ(json_string_value(json_object_get(v, "note")), "NaN");
    CHECK(json_real_value(json_object_get(v, "acc")) == 0.5);
    json_decref(v);

    /* error positions are those of the original text, NaN's extra byte taken back */
    text = "{\"a\": NaN, \"b\": NaN, \"c\": }";
    v = pyjson_loadb(text, strlen(text), 0, &n, &err);
    CHECK(!v);
    CHECK(strstr(err.msg, "line 1, column 27") != NULL);
    text = "[1,\n NaN, @]";
    v = pyjson_loadb(text, strlen(text), 0, NULL, &err);
    CHECK(!v && strstr(err.msg, "line 2") != NULL);
}

int
main(void)
{
    RUN(test_prepass);
    RUN(test_load);
    return DONE();
}

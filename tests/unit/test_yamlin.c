/* Unit tests for lib/yamlin: order, types, aliases, errors with positions. */
#include "lib/yamlin.h"

#include <stdlib.h>

#include "lib/ndjson.h"
#include "tests/unit/check.h"

/* Parse YAML and compare its compact JSON text with want (NULL: must fail with err_sub). */
static void
check_yaml(const char *yaml, const char *want, const char *err_sub)
{
    struct ep_err err = { "" };
    json_t *v = yamlin_parse(yaml, strlen(yaml), &err);
    struct buf out = BUF_INIT;

    if (!want) {
        CHECK(v == NULL);
        if (!strstr(err.msg, err_sub))
            fprintf(stderr, "error '%s' lacks '%s'\n", err.msg, err_sub);
        CHECK(strstr(err.msg, err_sub) != NULL);
        json_decref(v);
        return;
    }
    if (!v) {
        fprintf(stderr, "unexpected error: %s\n", err.msg);
        CHECK(v != NULL);
        return;
    }
    ndjson_dump(&out, v);
    CHECK_STREQ(out.buf, want);
    buf_release(&out);
    json_decref(v);
}

static void
test_order_and_types(void)
{
    check_yaml("z: 1\na: 71.3\nm: 64.590\nq: '1'\nn: ~\nb: true\ns: yes\nneg: -2\nexp: 1e3\n",
               "{\"z\":1,\"a\":71.3,\"m\":64.59,\"q\":\"1\",\"n\":null,\"b\":true,\"s\":\"yes\","
               "\"neg\":-2,\"exp\":1000.0}",
               NULL);
    check_yaml("v: !!str 12\nw: \"3.5\"\nh: 0x1F\nd: .5\ninf: .inf\nver: 1.2.3\n",
               "{\"v\":\"12\",\"w\":\"3.5\",\"h\":31,\"d\":0.5,\"inf\":\".inf\",\"ver\":\"1.2.3\"}",
               NULL);
    check_yaml("", "null", NULL);
    check_yaml("- a\n- [1, 2]\n- {x: y}\n", "[\"a\",[1,2],{\"x\":\"y\"}]", NULL);
    check_yaml("big: 123456789012345678901234\n", "{\"big\":1.2345678901234569e+23}", NULL);
}

static void
test_model_index_shape(void)
{
    check_yaml("model-index:\n- name: org/Model-7B\n  results:\n  - task:\n      type: "
               "text-generation\n    metrics:\n    - type: acc\n      value: 0.6459\n",
               "{\"model-index\":[{\"name\":\"org/Model-7B\",\"results\":[{\"task\":{\"type\":"
               "\"text-generation\"},\"metrics\":[{\"type\":\"acc\",\"value\":0.6459}]}]}]}",
               NULL);
}

static void
test_aliases_and_duplicates(void)
{
    check_yaml("a: &x {k: 1}\nb: *x\n", "{\"a\":{\"k\":1},\"b\":{\"k\":1}}", NULL);
    check_yaml("a: 1\na: 2\n", "{\"a\":2}", NULL);
    check_yaml("a: *nope\n", NULL, "unknown alias");
}

static void
test_errors_have_positions(void)
{
    check_yaml("a: 1\nb: [1, 2\n", NULL, "line 3");
    check_yaml("a: 1\n---\nb: 2\n", NULL, "more than one YAML document");
    check_yaml("? [1, 2]\n: x\n", NULL, "mapping key is not a scalar");
    check_yaml("a: \"\\x00\"\n", "{\"a\":\"\\u0000\"}", NULL);
    check_yaml("\"k\\x00\": 1\n", NULL, "NUL");
}

static void
test_alias_bomb_is_bounded(void)
{
    struct buf y = BUF_INIT;

    buf_addstr(&y, "a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'k'; c++)
        buf_addf(&y, "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n", c, c, c - 1,
                 c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1);
    check_yaml(y.buf, NULL, "document too large");
    buf_release(&y);
}

static void
test_deep_nesting_is_bounded(void)
{
    struct buf y = BUF_INIT;

    for (int i = 0; i < 100000; i++)
        buf_addch(&y, '[');
    check_yaml(y.buf, NULL, "nested too deeply");
    buf_reset(&y);
    for (int i = 0; i < YAMLIN_MAX_DEPTH; i++)
        buf_addch(&y, '[');
    for (int i = 0; i < YAMLIN_MAX_DEPTH; i++)
        buf_addch(&y, ']');
    {
        struct ep_err err = { "" };
        json_t *v = yamlin_parse(y.buf, y.len, &err);

        CHECK(v != NULL);
        json_decref(v);
    }
    buf_release(&y);
}

int
main(void)
{
    RUN(test_order_and_types);
    RUN(test_model_index_shape);
    RUN(test_aliases_and_duplicates);
    RUN(test_errors_have_positions);
    RUN(test_alias_bomb_is_bounded);
    RUN(test_deep_nesting_is_bounded);
    return DONE();
}

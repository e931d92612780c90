/* Unit tests for lib/yamledit: what changes, what stays byte for byte, what is refused. */
#include "lib/yamledit.h"

#include <stdlib.h>

#include "tests/unit/check.h"

/*
 * Set key to the JSON text `json` in yaml; want is the expected text (NULL:
 * must fail) and rc the expected return value.
 */
static void
check_edit(const char *yaml, const char *key, const char *json, const char *want, int rc)
{
    struct ep_err err = { "" };
    struct buf out = BUF_INIT;
    json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);
    int got;

    CHECK(v != NULL);
    got = yamledit_set(&out, yaml, strlen(yaml), key, v, NULL, &err);
    if (got != rc)
        fprintf(stderr, "yamledit_set returned %d, expected %d (%s)\n", got, rc, err.msg);
    CHECK(got == rc);
    if (want)
        CHECK_STREQ(out.buf, want);
    else
        CHECK(out.len == 0 && err.msg[0]);
    buf_release(&out);
    json_decref(v);
}

static const char card[] = "license: mit # keep\n"
                           "model-index:\n"
                           "- name: M   # the model\n"
                           "  results:\n"
                           "  - task:\n"
                           "      type: text-generation\n"
                           "    dataset:\n"
                           "      name: \"MMLU\"\n"
                           "      type: cais/mmlu\n"
                           "    metrics:\n"
                           "    - type: acc\n"
                           "      value: 71.30   # as printed\n"
                           "    source:\n"
                           "      url: https://x\n"
                           "# about tags\n"
                           "tags:\n"
                           "- a";

#define RESULT0                                                                             \
    "{\"task\":{\"type\":\"text-generation\"},\"dataset\":{\"name\":\"MMLU\",\"type\":"     \
    "\"cais/mmlu\"},\"metrics\":[{\"type\":\"acc\",\"value\":71.3}%s],\"source\":{\"url\":" \
    "\"https://x\"}}"

static char *
model_index(const char *metrics_extra, const char *results_extra)
{
    char r0[512], *s;

    snprintf(r0, sizeof(r0), RESULT0, metrics_extra);
    s = malloc(1024);
    snprintf(s, 1024, "[{\"name\":\"M\",\"results\":[%s%s]}]", r0, results_extra);
    return s;
}

static void
test_unchanged(void)
{
    char *mi = model_index("", "");

    check_edit(card, "model-index", mi, card, 0);
    check_edit("a: 1\n", "a", "1", "a: 1\n", 0);
    free(mi);
}

static void
test_append(void)
{
    char *mi = model_index(",{\"type\":\"f1\",\"value\":0.5}", "");

    check_edit(card, "model-index", mi,
               "license: mit # keep\nmodel-index:\n- name: M   # the model\n  results:\n"
               "  - task:\n      type: text-generation\n    dataset:\n      name: \"MMLU\"\n"
               "      type: cais/mmlu\n    metrics:\n    - type: acc\n"
               "      value: 71.30   # as printed\n    - type: f1\n      value: 0.5\n"
               "    source:\n      url: https://x\n# about tags\ntags:\n- a",
               1);
    free(mi);
    mi = model_index("", ",{\"task\":{\"type\":\"t\"},\"metrics\":[{\"type\":\"m\",\"value\":1}]}");
    check_edit(card, "model-index", mi,
               "license: mit # keep\nmodel-index:\n- name: M   # the model\n  results:\n"
               "  - task:\n      type: text-generation\n    dataset:\n      name: \"MMLU\"\n"
               "      type: cais/mmlu\n    metrics:\n    - type: acc\n"
               "      value: 71.30   # as printed\n    source:\n      url: https://x\n"
               "  - task:\n      type: t\n    metrics:\n    - type: m\n      value: 1\n"
               "# about tags\ntags:\n- a",
               1);
    free(mi);
}

static void
test_replace_scalar(void)
{
    check_edit("a: 1\nv: 71.30   # as printed\nz: 2\n", "v", "72.5",
               "a: 1\nv: 72.5   # as printed\nz: 2\n", 1);
    check_edit("m:\n  x: |\n    text\n\n  y: 1\n", "m", "{\"x\":\"new\",\"y\":1}",
               "m:\n  x: new\n\n  y: 1\n", 1);
}

static void
test_new_key(void)
{
    check_edit("license: mit", "model-index", "[{\"name\":\"M\",\"results\":[]}]",
               "license: mit\nmodel-index:\n- name: M\n  results: []", 1);
    check_edit("license: mit\n", "k", "\"v\"", "license: mit\nk: v\n", 1);
    check_edit("", "model-index", "[{\"name\":\"M\"}]", "model-index:\n- name: M", 1);
    check_edit("# only a comment", "k", "1", "# only a comment\nk: 1", 1);
    check_edit("a: 1\r\nb: 2", "k", "[1]", "a: 1\r\nb: 2\r\nk:\r\n- 1", 1);
}

static void
test_empty_flow_and_null(void)
{
    check_edit("model-index:\n- name: M\n  results: [] # none yet\nx: 1\n", "model-index",
               "[{\"name\":\"M\",\"results\":[{\"task\":{\"type\":\"t\"}}]}]",
               "model-index:\n- name: M\n  results:\n  - task:\n      type: t # none yet\nx: 1\n",
               1);
    check_edit("a:\nb: 1\n", "a", "{\"k\":[1,2]}", "a:\n  k:\n  - 1\n  - 2\nb: 1\n", 1);
    check_edit("l:\n- x\n-\n- z\n", "l", "[\"x\",{\"k\":\"v\",\"w\":1},\"z\"]",
               "l:\n- x\n- k: v\n  w: 1\n- z\n", 1);
}

static void
test_indent_style(void)
{
    check_edit("model-index:\n  - name: M\n    results:\n      - task:\n          type: a\n"
               "        metrics:\n          - type: m\n            value: 1\n",
               "model-index",
               "[{\"name\":\"M\",\"results\":[{\"task\":{\"type\":\"a\"},\"metrics\":[{\"type\":"
               "\"m\",\"value\":1}]},{\"task\":{\"type\":\"b\"},\"metrics\":[{\"type\":\"m\","
               "\"value\":2.0}]}]}]",
               "model-index:\n  - name: M\n    results:\n      - task:\n          type: a\n"
               "        metrics:\n          - type: m\n            value: 1\n"
               "      - task:\n          type: b\n        metrics:\n          - type: m\n"
               "            value: 2.0\n",
               1);
}

static void
test_item_indent(void)
{
    check_edit("l:\n-   a: 1\n    b: 2\n", "l", "[{\"a\":1,\"b\":2},{\"a\":3,\"b\":{\"c\":4}}]",
               "l:\n-   a: 1\n    b: 2\n-   a: 3\n    b:\n      c: 4\n", 1);
    /* an item whose content starts on the next line says nothing about the habit */
    check_edit("l:\n-\n      a: 1\n", "l", "[{\"a\":1},{\"a\":3}]", "l:\n-\n      a: 1\n- a: 3\n",
               1);
}

static void
test_fallbacks(void)
{
    /* a removed key: the smallest enclosing node is replaced */
    check_edit("m:\n  a: 1 # c\n  b: 2\nz: 0\n", "m", "{\"b\":2}", "m:\n  b: 2\nz: 0\n", 1);
    /* an alias is replaced by the value */
    check_edit("a: &x 1\nb: *x\n", "b", "2", "a: &x 1\nb: 2\n", 1);
    /* a flow collection that grows becomes a block */
    check_edit("l: [1, 2]\n", "l", "[1,2,3]", "l:\n- 1\n- 2\n- 3\n", 1);
    /* an anchored node that changes: its alias would change too */
    check_edit("a: &x [1]\nb: *x\n", "a", "[1,2]", NULL, -1);
    /* appended after an explicit document end would start a second document */
    check_edit("a: 1\n...\n", "b", "1", "a: 1\nb: 1\n...\n", 1);
    /* a kept block scalar's trailing blank line stays in the scalar */
    check_edit("m:\n  x: |+\n    t\n\n", "m", "{\"x\":\"t\\n\\n\",\"k\":1}",
               "m:\n  x: \"t\\n\\n\"\n  k: 1\n\n", 1);
}

static void
test_refused(void)
{
    check_edit("{a: 1}", "b", "1", NULL, -1);
    check_edit("- 1\n", "b", "1", NULL, -1);
    check_edit("a: [\n", "b", "1", NULL, -1);
    check_edit("a: [1]\nb: *nowhere\n", "a", "[2]", NULL, -1);
}

static void
test_hostile_values(void)
{
    check_edit(
        "a: 1\n", "model-index",
        "[{\"name\":\"x\\n---\\nlicense: evil\\n---\\n\",\"results\":[{\"k\":\"#c: 'q' \\\"\"}]}]",
        "a: 1\nmodel-index:\n- name: \"x\\n---\\nlicense: evil\\n---\\n\"\n"
        "  results:\n  - k: '#c: ''q'' \"'\n",
        1);
}

static void
test_unicode_positions(void)
{
    check_edit("n: \"\xc3\xa9\xe2\x82\xac\"\nl:\n- \xe6\x97\xa5\n", "l", "[\"\xe6\x97\xa5\",2]",
               "n: \"\xc3\xa9\xe2\x82\xac\"\nl:\n- \xe6\x97\xa5\n- 2\n", 1);
    check_edit("\xef\xbb\xbfn: \xc3\xa9\nv: 1\n", "v", "2", "\xef\xbb\xbfn: \xc3\xa9\nv: 2\n", 1);
}

int
main(void)
{
    RUN(test_unchanged);
    RUN(test_append);
    RUN(test_replace_scalar);
    RUN(test_new_key);
    RUN(test_empty_flow_and_null);
    RUN(test_indent_style);
    RUN(test_item_indent);
    RUN(test_fallbacks);
    RUN(test_refused);
    RUN(test_hostile_values);
    RUN(test_unicode_positions);
    return DONE();
}

/* Unit tests for lib/modelindex: value matching, identity, merging, flattening, validation. */
#include "lib/modelindex.h"

#include <stdlib.h>

#include "lib/ndjson.h"
#include "tests/unit/check.h"

static json_t *
j(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &e);

    if (!v)
        fprintf(stderr, "bad test JSON: %s: %s\n", text, e.text);
    return v;
}

static void
check_match(const char *existing, const char *incoming, const char *scale, enum mi_match want)
{
    json_t *a = j(existing), *b = j(incoming);
    enum mi_match got = mi_compare_values(a, b, scale);

    if (got != want)
        fprintf(stderr, "compare %s %s (%s): got %d, want %d\n", existing, incoming,
                scale ? scale : "-", got, want);
    CHECK(got == want);
    json_decref(a);
    json_decref(b);
}

static void
test_values(void)
{
    static const struct {
        const char *e, *v, *scale;
        enum mi_match want;
    } cases[] = {
        { "71.3", "71.3", NULL, MI_EQUAL },
        { "71", "71.0", NULL, MI_EQUAL },
        { "\"71.30\"", "71.3", NULL, MI_EQUAL },
        { "64.6", "64.59", NULL, MI_ROUNDED },
        { "64.59", "64.6", NULL, MI_ROUNDED },
        { "65", "64.59", NULL, MI_ROUNDED },
        { "65.0", "64.59", NULL, MI_DIFFERENT },
        { "65.0", "64.96", NULL, MI_ROUNDED },
        { "64.59", "64.55", NULL, MI_DIFFERENT },
        { "\"71.30\"", "71.34", NULL, MI_DIFFERENT },
        { "0.6459", "64.59", "percent", MI_SCALED },
        { "0.6459", "64.59", NULL, MI_SCALED },
        { "64.59", "0.6459", "fraction", MI_SCALED },
        { "64.59", "0.6459", NULL, MI_SCALED },
        { "0.646", "64.59", "percent", MI_SCALED },
        { "0.6459", "64.7", "percent", MI_DIFFERENT },
        { "64.59", "0.6459", "percent", MI_DIFFERENT },
        { "0.5", "150", NULL, MI_DIFFERENT },
        { "\"20.0 \\u00b1 1.2\"", "\"20.0 \\u00b1 1.2\"", NULL, MI_EQUAL },
        { "\"20.0 \\u00b1 1.2\"", "20.0", NULL, MI_DIFFERENT },
        { "-0.001", "0.0", NULL, MI_ROUNDED },
        { "1e-05", "1.0e-05", NULL, MI_EQUAL },
        { "true", "1", NULL, MI_DIFFERENT },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_match(cases[i].e, cases[i].v, cases[i].scale, cases[i].want);
}

static void
test_identity(void)
{
    json_t *res = j("{\"task\":{\"type\":\"text-generation\"},\"dataset\":{\"type\":\"ai2_arc\","
                    "\"name\":\"ARC\",\"config\":\"ARC-Challenge\",\"split\":\"test\","
                    "\"args\":{\"num_few_shot\":25}}}");
    json_t *met = j("{\"type\":\"acc_norm\",\"value\":60.41}");
    const char *yes[] = {
        "{\"task\":{\"type\":\"text-generation\"},\"dataset\":{\"type\":\"allenai/ai2_arc\"},"
        "\"metric\":{\"type\":\"ACC_NORM\"}}",
        "{\"task\":{\"type\":\"text-generation\"},\"dataset\":{\"type\":\"ai2_arc\","
        "\"config\":\"ARC-Challenge\",\"args\":{\"num_few_shot\":25}},\"metric\":{\"type\":"
        "\"acc_norm\"}}",
        NULL
    };
    const char *no[] = {
        "{\"task\":{\"type\":\"text-generation\"},\"dataset\":{\"type\":\"ai2_arc\","
        "\"config\":\"ARC-Easy\"},\"metric\":{\"type\":\"acc_norm\"}}",
        "{\"task\":{\"type\":\"text-generation\"},\"dataset\":{\"type\":\"ai2_arc\","
        "\"args\":{\"num_few_shot\":0}},\"metric\":{\"type\":\"acc_norm\"}}",
        "{\"task\":{\"type\":\"text-generation\"},\"dataset\":{\"type\":\"x/ai2_arc\"},"
        "\"metric\":{\"type\":\"acc\"}}",
        "{\"task\":{\"type\":\"multiple-choice\"},\"dataset\":{\"type\":\"ai2_arc\"},"
        "\"metric\":{\"type\":\"acc_norm\"}}",
        "{\"dataset\":{\"type\":\"ai2_arc\"},\"metric\":{\"type\":\"acc_norm\"}}",
        NULL
    };

    for (size_t i = 0; yes[i]; i++) {
        json_t *s = j(yes[i]);

        CHECK(mi_same_identity(res, met, s));
        json_decref(s);
    }
    for (size_t i = 0; no[i]; i++) {
        json_t *s = j(no[i]);

        CHECK(!mi_same_identity(res, met, s));
        json_decref(s);
    }
    json_decref(res);
    json_decref(met);
}

/* Merge score (JSON text) into *mi and check the change entry's status and path. */
static void
merge(json_t **mi, const char *score, const struct mi_merge_opts *o, const char *status,
      const char *path)
{
    json_t *s = j(score), *c = mi_merge(mi, s, "org/Model-7B", o);
    const char *got = json_string_value(json_object_get(c, "status"));

    CHECK_STREQ(got, status);
    if (path)
        CHECK_STREQ(json_string_value(json_object_get(c, "path")), path);
    json_decref(c);
    json_decref(s);
}

#define SCORE(task, dtype, config, mtype, value, scale)                                        \
    "{\"kind\":\"score\",\"task\":{\"type\":\"" task "\"},\"dataset\":{\"type\":\"" dtype      \
    "\",\"name\":\"" dtype "\"" config "},\"metric\":{\"type\":\"" mtype "\",\"value\":" value \
    ",\"scale\":\"" scale "\"}}"

static void
test_merge(void)
{
    struct mi_merge_opts o = { false, NULL };
    json_t *mi = NULL;
    struct buf out = BUF_INIT;

    merge(&mi, SCORE("text-generation", "cais/mmlu", "", "acc", "64.59", "percent"), &o, "added",
          "model-index[0].results[0].metrics[0]");
    merge(&mi, SCORE("text-generation", "cais/mmlu", "", "acc", "0.6459", "fraction"), &o,
          "present", "model-index[0].results[0].metrics[0]");
    merge(&mi, SCORE("text-generation", "cais/mmlu", "", "acc", "66.0", "percent"), &o, "conflict",
          "model-index[0].results[0].metrics[0]");
    merge(&mi, SCORE("text-generation", "cais/mmlu", "", "f1", "0.5", "fraction"), &o, "added",
          "model-index[0].results[0].metrics[1]");
    merge(&mi,
          SCORE("text-generation", "openai/gsm8k", ",\"split\":\"test\"", "em", "40", "percent"),
          &o, "added", "model-index[0].results[1].metrics[0]");
    merge(&mi, "{\"kind\":\"score\",\"metric\":{\"type\":\"acc\",\"value\":1}}", &o, "skipped",
          NULL);
    o.replace = true;
    merge(&mi, SCORE("text-generation", "cais/mmlu", "", "acc", "66.0", "percent"), &o, "replaced",
          "model-index[0].results[0].metrics[0]");
    ndjson_dump(&out, mi);
    CHECK_STREQ(
        out.buf,
        "[{\"name\":\"Model-7B\",\"results\":[{\"task\":{\"type\":\"text-generation\"},"
        "\"dataset\":{\"name\":\"cais/mmlu\",\"type\":\"cais/mmlu\"},\"metrics\":[{"
        "\"type\":\"acc\",\"value\":66.0},{\"type\":\"f1\",\"value\":0.5}]},{\"task\":{"
        "\"type\":\"text-generation\"},\"dataset\":{\"name\":\"openai/gsm8k\",\"type\":"
        "\"openai/gsm8k\",\"split\":\"test\"},\"metrics\":[{\"type\":\"em\",\"value\":40}]}]}]");
    buf_release(&out);
    json_decref(mi);
}

static void
test_merge_targets(void)
{
    struct mi_merge_opts o = { true, NULL };
    json_t *mi = j("[{\"name\":\"base\",\"results\":[]},{\"name\":\"Model-7B\",\"results\":[{"
                   "\"task\":{\"type\":\"t\"},\"dataset\":{\"type\":\"d\",\"name\":\"D\"},"
                   "\"metrics\":[{\"type\":\"m\",\"value\":1,\"verifyToken\":\"tok\"}]}]}]");

    /* several models: the one named like the repo */
    merge(&mi,
          "{\"task\":{\"type\":\"t\"},\"dataset\":{\"type\":\"d\"},\"metric\":{\"type\":"
          "\"m\",\"value\":2}}",
          &o, "conflict", "model-index[1].results[0].metrics[0]");
    /* or like score.model */
    merge(&mi,
          "{\"model\":\"base\",\"task\":{\"type\":\"t\"},\"dataset\":{\"type\":\"d\"},"
          "\"metric\":{\"type\":\"m\",\"value\":2}}",
          &o, "added", "model-index[0].results[0].metrics[0]");
    o.model_name = "new";
    merge(&mi,
          "{\"task\":{\"type\":\"t\"},\"dataset\":{\"type\":\"d\"},\"metric\":{\"type\":"
          "\"m\",\"value\":2}}",
          &o, "added", "model-index[2].results[0].metrics[0]");
    CHECK(json_array_size(mi) == 3);
    json_decref(mi);
}

static void
test_shape_and_flatten(void)
{
    struct ep_err err = { "" };
    json_t *bad = j("[{\"name\":\"x\",\"results\":{}}]");
    json_t *mi = j("[{\"name\":\"M\",\"results\":[{\"task\":{\"type\":\"t\",\"name\":\"T\"},"
                   "\"dataset\":{\"type\":\"d\",\"name\":\"D\"},\"metrics\":[{\"type\":\"m\","
                   "\"value\":1,\"verifyToken\":\"x\"}],\"source\":{\"url\":\"https://s\"}}]}]");
    json_t *out = json_array();
    struct buf text = BUF_INIT;

    CHECK(mi_check_shape(bad, &err) == -1);
    CHECK_STREQ(err.msg, "model-index[0].results: not a list");
    CHECK(mi_check_shape(mi, &err) == 0);
    mi_flatten(mi, "o/M", "abc", out);
    ndjson_dump(&text, out);
    CHECK_STREQ(text.buf,
                "[{\"kind\":\"score\",\"repo\":\"o/M\",\"model\":\"M\",\"task\":{\"type\":\"t\","
                "\"name\":\"T\"},\"dataset\":{\"type\":\"d\",\"name\":\"D\"},\"metric\":{\"type\":"
                "\"m\",\"value\":1},\"source\":{\"url\":\"https://s\"},\"origin\":{\"tool\":"
                "\"merge-index\",\"path\":\"model-index[0].results[0].metrics[0]\",\"revision\":"
                "\"abc\"}}]");
    buf_release(&text);
    json_decref(out);
    json_decref(bad);
    json_decref(mi);
}

static void
test_validate(void)
{
    json_t *mi = j("[{\"name\":\"<b>M</b>\",\"results\":[{\"task\":{\"type\":\"evaluation\"},"
                   "\"dataset\":{\"type\":\"https://x.org/d\"},\"metrics\":[{\"value\":true}],"
                   "\"source\":{\"name\":\"[s](http://x)\",\"url\":\"ftp://x\"}},"
                   "{\"task\":{\"type\":\"text-generation\"},\"dataset\":{\"type\":\"d\","
                   "\"name\":\"D\"},\"metrics\":[{\"type\":\"acc\",\"value\":1}]}]},"
                   "{\"results\":[]}, 3]");
    json_t *problems = json_array();
    struct buf text = BUF_INIT;

    CHECK(mi_validate(mi, problems) == 10);
    ndjson_dump(&text, problems);
    CHECK_STREQ(
        text.buf,
        "[{\"path\":\"model-index[0].name\",\"message\":\"must be plain text, not HTML\"},"
        "{\"path\":\"model-index[0].results[0].task.type\",\"message\":\"unknown task type "
        "'evaluation'\"},"
        "{\"path\":\"model-index[0].results[0].dataset.type\",\"message\":\"URLs belong in "
        "source.url only\"},"
        "{\"path\":\"model-index[0].results[0].dataset.name\",\"message\":\"required key is "
        "missing\"},"
        "{\"path\":\"model-index[0].results[0].metrics[0].type\",\"message\":\"required key is "
        "missing\"},"
        "{\"path\":\"model-index[0].results[0].metrics[0].value\",\"message\":\"must be a number "
        "or a string\"},"
        "{\"path\":\"model-index[0].results[0].source.url\",\"message\":\"must be an http(s) "
        "URL\"},"
        "{\"path\":\"model-index[0].results[0].source.name\",\"message\":\"URLs belong in "
        "source.url only\"},"
        "{\"path\":\"model-index[1].name\",\"message\":\"required key is missing\"},"
        "{\"path\":\"model-index[2]\",\"message\":\"must be a mapping\"}]");
    CHECK(mi_known_task("text-generation") && mi_known_task("named-entity-recognition"));
    CHECK(!mi_known_task("evaluation"));
    buf_release(&text);
    json_decref(problems);
    json_decref(mi);
}

int
main(void)
{
    RUN(test_values);
    RUN(test_identity);
    RUN(test_merge);
    RUN(test_merge_targets);
    RUN(test_shape_and_flatten);
    RUN(test_validate);
    return DONE();
}

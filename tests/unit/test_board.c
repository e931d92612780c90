/* Unit tests for lib/board: values, scales, badges, one row per model, ranking. */
#include "lib/board.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check.h"

static json_t *
js(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &e);

    if (!v) {
        fprintf(stderr, "bad test JSON: %s: %s\n", text, e.text);
        abort();
    }
    return v;
}

/* Add a score given as JSON text; returns board_set_add()'s result. */
static int
add(struct board_set *s, const char *text)
{
    struct ep_err err;
    json_t *v = js(text);
    int rc = board_set_add(s, v, &err);

    json_decref(v);
    return rc;
}

static void
test_parse_value(void)
{
    static const struct {
        const char *json;
        int rc;
        double v, se;
        bool has_se, pct;
    } cases[] = {
        { "64.59", 1, 64.59, 0, false, false },
        { "64", 1, 64, 0, false, false },
        { "\"64.5\"", 1, 64.5, 0, false, false },
        { "\" 64.5 \"", 1, 64.5, 0, false, false },
        { "\"58.1%\"", 1, 58.1, 0, false, true },
        { "\"20.0 \\u00b1 1.2\"", 1, 20.0, 1.2, true, false },
        { "\"20.0\\u00b11.2%\"", 1, 20.0, 1.2, true, true },
        { "\"0.35 +/- 0.02\"", 1, 0.35, 0.02, true, false },
        { "\"0.35+-0.02\"", 1, 0.35, 0.02, true, false },
        { "\"6.12e1\"", 1, 61.2, 0, false, false },
        { "\"-.5\"", 1, -0.5, 0, false, false },
        { "\"1.\"", 1, 1, 0, false, false },
        { "null", 0, 0, 0, false, false },
        { "\"N/A\"", 0, 0, 0, false, false },
        { "\"\"", 0, 0, 0, false, false },
        { "\"-\"", 0, 0, 0, false, false },
        { "\"nan\"", 0, 0, 0, false, false },
        { "\"inf\"", 0, 0, 0, false, false },
        { "\"1e999\"", 0, 0, 0, false, false },
        { "\"0x10\"", 0, 0, 0, false, false },
        { "\"1e\"", 0, 0, 0, false, false },
        { "\"64.5 (5-shot)\"", 0, 0, 0, false, false },
        { "\"20 \\u00b1 -1\"", 0, 0, 0, false, false },
        { "true", -1, 0, 0, false, false },
        { "{}", -1, 0, 0, false, false },
        { "[1]", -1, 0, 0, false, false },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct board_value v;
        json_t *j = js(cases[i].json);
        int rc = board_parse_value(j, &v);

        json_decref(j);
        if (rc != cases[i].rc)
            fprintf(stderr, "case %s: rc %d\n", cases[i].json, rc);
        CHECK(rc == cases[i].rc);
        if (rc != 1)
            continue;
        CHECK(v.v == cases[i].v);
        CHECK(v.has_se == cases[i].has_se);
        CHECK(!v.has_se || v.se == cases[i].se);
        CHECK(v.percent_sign == cases[i].pct);
    }
    CHECK(board_parse_value(NULL, &(struct board_value){ 0 }) == 0);
}

static void
test_metric_table(void)
{
    CHECK(board_metric_lower_is_better("perplexity"));
    CHECK(board_metric_lower_is_better("bits_per_byte"));
    CHECK(board_metric_lower_is_better("Bits per byte"));
    CHECK(board_metric_lower_is_better("WER"));
    CHECK(board_metric_lower_is_better("eval_loss"));
    CHECK(!board_metric_lower_is_better("accuracy"));
    CHECK(!board_metric_lower_is_better("acc_norm"));
    CHECK(!board_metric_lower_is_better(NULL));
    CHECK(board_metric_is_raw("perplexity"));
    CHECK(!board_metric_is_raw("wer"));
    CHECK(board_metric_is_raw("elo") && !board_metric_lower_is_better("elo"));
}

static void
test_badges(void)
{
    static const struct {
        const char *score;
        enum board_badge want;
    } cases[] = {
        { "{}", BOARD_SELF },
        { "{\"metric\":{\"verified\":true}}", BOARD_VERIFIED },
        { "{\"metric\":{\"verified\":\"true\"}}", BOARD_SELF },
        { "{\"metric\":{\"verified\":true},\"origin\":{\"pull_request\":3}}", BOARD_VERIFIED },
        { "{\"origin\":{\"pull_request\":3}}", BOARD_COMMUNITY },
        { "{\"origin\":{\"pullRequest\":44}}", BOARD_COMMUNITY },
        { "{\"origin\":{\"pull_request\":null,\"pullRequest\":44}}", BOARD_COMMUNITY },
        { "{\"origin\":{\"pull_request\":0}}", BOARD_SELF },
        { "{\"origin\":{\"pull_request\":false}}", BOARD_SELF },
        { "{\"origin\":{\"revision\":\"refs/pr/2\"}}", BOARD_COMMUNITY },
        { "{\"origin\":{\"ref\":\"refs/pr/2\"}}", BOARD_COMMUNITY },
        { "{\"origin\":{\"revision\":\"0123abcd\"}}", BOARD_SELF },
        { "{\"source\":{\"url\":\"https://huggingface.co/o/m/discussions/4\"}}", BOARD_COMMUNITY },
        { "{\"source\":{\"url\":\"https://huggingface.co/o/m/discussions/\"}}", BOARD_SELF },
        { "{\"source\":{\"url\":\"https://huggingface.co/o/m/blob/refs%2Fpr%2F3/x\"}}",
          BOARD_COMMUNITY },
        { "{\"source\":{\"url\":\"https://huggingface.co/o/m\"}}", BOARD_SELF },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *s = js(cases[i].score);

        CHECK(board_badge_of(s) == cases[i].want);
        json_decref(s);
    }
    CHECK_STREQ(board_badge_name(BOARD_VERIFIED), "verified");
    CHECK_STREQ(board_badge_name(BOARD_COMMUNITY), "community");
    CHECK_STREQ(board_badge_name(BOARD_SELF), "self-reported");
}

#define SCORE(model, rest)                                                     \
    "{\"kind\":\"score\",\"repo\":\"" model "\",\"dataset\":{\"type\":\"d\"}," \
    "\"metric\":{\"type\":\"accuracy\"," rest "}"

static void
test_ties_and_scales(void)
{
    struct board_set s;
    struct board *b;

    board_set_init(&s);
    CHECK(add(&s, SCORE("o/a", "\"value\":64.59,\"scale\":\"percent\"}")) == 0);
    CHECK(add(&s, SCORE("o/b", "\"value\":0.6459,\"scale\":\"fraction\"}")) == 0);
    CHECK(add(&s, SCORE("o/c", "\"value\":0.9,\"scale\":\"fraction\"}")) == 0);
    CHECK(add(&s, SCORE("o/d", "\"value\":\"N/A\"}")) == 0);
    CHECK(add(&s, SCORE("o/e", "\"value\":12}")) == 0); /* inferred percent */
    board_set_rank(&s);
    CHECK(s.n == 1);
    b = s.boards[0];
    CHECK(b->scale == BOARD_PERCENT); /* 2 percent (one inferred) against 2 fractions */
    CHECK(b->nrows == 5 && b->ranked == 4);
    CHECK_STREQ(b->rows[0].key, "o/c");
    CHECK(b->rows[0].rank == 1 && b->rows[0].shown == 90);
    CHECK_STREQ(b->rows[1].key, "o/a");
    CHECK_STREQ(b->rows[2].key, "o/b");
    CHECK(b->rows[1].rank == 2 && b->rows[2].rank == 2 && b->rows[2].shown == 64.59);
    CHECK(b->rows[3].rank == 4 && b->rows[3].shown == 12 && b->rows[3].inferred);
    CHECK(b->rows[4].rank == 0 && !b->rows[4].has_value);
    board_set_release(&s);

    board_set_init(&s);
    s.force_scale = BOARD_FRACTION;
    CHECK(add(&s, SCORE("o/a", "\"value\":64.59,\"scale\":\"percent\"}")) == 0);
    board_set_rank(&s);
    CHECK(s.boards[0]->scale == BOARD_FRACTION && s.boards[0]->rows[0].shown == 0.6459);
    board_set_release(&s);
}

static void
test_one_row_per_model(void)
{
    struct board_set s;
    struct board *b;

    board_set_init(&s);
    /* community, then self-reported: self-reported is kept though lower */
    add(&s, SCORE("o/a", "\"value\":70},\"origin\":{\"pull_request\":1}"));
    add(&s, SCORE("o/a", "\"value\":66}"));
    /* verified beats self-reported; a later community score does not displace it */
    add(&s, SCORE("o/b", "\"value\":50}"));
    add(&s, SCORE("o/b", "\"value\":49,\"verified\":true}"));
    add(&s, SCORE("o/b", "\"value\":99},\"origin\":{\"pull_request\":2}"));
    /* the later date wins whatever the input order; no date is oldest */
    add(&s, SCORE("o/c", "\"value\":30},\"date\":\"2026-02-01\""));
    add(&s, SCORE("o/c", "\"value\":31},\"date\":\"2025-12-01\""));
    add(&s, SCORE("o/c", "\"value\":32}"));
    add(&s, SCORE("o/c", "\"value\":33},\"origin\":{\"date\":\"2026-01-01\"}"));
    /* no dates: the later record */
    add(&s, SCORE("o/d", "\"value\":20}"));
    add(&s, SCORE("o/d", "\"value\":21}"));
    /* a value beats none, whatever the badge */
    add(&s, SCORE("o/e", "\"value\":10},\"origin\":{\"pull_request\":3}"));
    add(&s, SCORE("o/e", "\"value\":null,\"verified\":true}"));
    board_set_rank(&s);
    b = s.boards[0];
    CHECK(b->nrows == 5);
    CHECK_STREQ(b->rows[0].key, "o/a");
    CHECK(b->rows[0].shown == 66 && b->rows[0].dropped == 1 && b->rows[0].badge == BOARD_SELF);
    CHECK_STREQ(b->rows[1].key, "o/b");
    CHECK(b->rows[1].shown == 49 && b->rows[1].dropped == 2 && b->rows[1].badge == BOARD_VERIFIED);
    CHECK_STREQ(b->rows[2].key, "o/c");
    CHECK(b->rows[2].shown == 30 && b->rows[2].dropped == 3);
    CHECK_STREQ(b->rows[3].key, "o/d");
    CHECK(b->rows[3].shown == 21);
    CHECK_STREQ(b->rows[4].key, "o/e");
    CHECK(b->rows[4].shown == 10 && b->rows[4].badge == BOARD_COMMUNITY);
    board_set_release(&s);
}

static void
test_direction_and_ranks(void)
{
    struct board_set s;
    struct board *b;
    static const char *const order[] = { "o/b", "o/c", "o/a", "o/d", "o/e" };
    static const long ranks[] = { 1, 1, 3, 4, 0 };

    board_set_init(&s);
    add(&s, "{\"kind\":\"score\",\"repo\":\"o/a\",\"dataset\":{\"type\":\"w\"},"
            "\"metric\":{\"type\":\"perplexity\",\"value\":7.5}}");
    add(&s, "{\"kind\":\"score\",\"repo\":\"o/c\",\"dataset\":{\"type\":\"w\"},"
            "\"metric\":{\"type\":\"perplexity\",\"value\":\"6.5\"}}");
    add(&s, "{\"kind\":\"score\",\"repo\":\"o/b\",\"dataset\":{\"type\":\"w\"},"
            "\"metric\":{\"type\":\"perplexity\",\"value\":6.5}}");
    add(&s, "{\"kind\":\"score\",\"repo\":\"o/e\",\"dataset\":{\"type\":\"w\"},"
            "\"metric\":{\"type\":\"perplexity\"}}");
    add(&s, "{\"kind\":\"score\",\"repo\":\"o/d\",\"dataset\":{\"type\":\"w\"},"
            "\"metric\":{\"type\":\"perplexity\",\"value\":250}}");
    board_set_rank(&s);
    b = s.boards[0];
    CHECK(b->lower_is_better && b->scale == BOARD_RAW);
    for (size_t i = 0; i < 5; i++) {
        CHECK_STREQ(b->rows[i].key, order[i]);
        CHECK(b->rows[i].rank == ranks[i]);
    }
    CHECK(board_rows_shown(b, 0) == 5);
    CHECK(board_rows_shown(b, 1) == 2); /* a tie at the cut comes whole */
    CHECK(board_rows_shown(b, 3) == 3);
    CHECK(board_rows_shown(b, 100) == 4); /* never the rows without a value */
    board_set_release(&s);

    board_set_init(&s);
    board_set_direction(&s, "perplexity", false);
    board_set_direction(&s, "accuracy", true);
    add(&s, "{\"kind\":\"score\",\"repo\":\"o/a\",\"dataset\":{\"type\":\"w\"},"
            "\"metric\":{\"type\":\"perplexity\",\"value\":7.5}}");
    add(&s, SCORE("o/a", "\"value\":1}"));
    board_set_rank(&s);
    CHECK(s.n == 2);
    CHECK(!strcmp(s.boards[0]->metric, "accuracy") && s.boards[0]->lower_is_better);
    CHECK(!strcmp(s.boards[1]->metric, "perplexity") && !s.boards[1]->lower_is_better);
    board_set_release(&s);
}

static void
test_grouping_and_selection(void)
{
    struct board_set s;

    board_set_init(&s);
    s.want_dataset = "cais/mmlu";
    s.want_split = "test";
    CHECK(add(&s, "{\"repo\":\"o/a\",\"dataset\":{\"type\":\"cais/mmlu\",\"split\":\"test\"},"
                  "\"metric\":{\"type\":\"acc\",\"value\":1}}") == 0);
    CHECK(add(&s, "{\"repo\":\"o/a\",\"dataset\":{\"name\":\"cais/mmlu\",\"split\":\"test\"},"
                  "\"metric\":{\"name\":\"acc\",\"value\":1}}") == 0);
    CHECK(add(&s, "{\"repo\":\"o/a\",\"dataset\":{\"type\":\"cais/mmlu\",\"split\":\"dev\"},"
                  "\"metric\":{\"type\":\"acc\",\"value\":1}}") == 1);
    CHECK(add(&s, "{\"repo\":\"o/a\",\"dataset\":{\"type\":\"other\",\"split\":\"test\"},"
                  "\"metric\":{\"type\":\"acc\",\"value\":1}}") == 1);
    CHECK(add(&s, "{\"repo\":\"o/a\",\"dataset\":{\"type\":\"cais/mmlu\",\"split\":\"test\","
                  "\"config\":\"all\"},\"metric\":{\"type\":\"acc\",\"value\":1}}") == 0);
    CHECK(add(&s, "{\"model\":\"only a name\",\"dataset\":{\"type\":\"cais/mmlu\","
                  "\"split\":\"test\",\"config\":\"all\"},\"metric\":{\"type\":\"acc\"}}") == 0);
    board_set_rank(&s);
    CHECK(s.n ==
          2); /* no config, and config "all": two boards; the name-only one joins the first */
    CHECK(s.boards[0]->config == NULL && s.boards[0]->nrows == 1 &&
          s.boards[0]->rows[0].dropped == 1);
    CHECK(!strcmp(s.boards[1]->config, "all") && s.boards[1]->nrows == 2);
    board_set_release(&s);
}

static void
test_unusable(void)
{
    static const char *const bad[] = {
        "{\"repo\":\"o/a\",\"metric\":{\"type\":\"acc\",\"value\":1}}",
        "{\"repo\":\"o/a\",\"dataset\":{\"type\":\"\"},\"metric\":{\"type\":\"acc\",\"value\":1}}",
        "{\"repo\":\"o/a\",\"dataset\":{\"type\":\"d\"},\"metric\":{\"value\":1}}",
        "{\"repo\":\"o/a\",\"dataset\":{\"type\":\"d\"},\"metric\":7}",
        "{\"dataset\":{\"type\":\"d\"},\"metric\":{\"type\":\"acc\",\"value\":1}}",
        "{\"repo\":\"o/a\",\"dataset\":{\"type\":\"d\"},\"metric\":{\"type\":\"acc\",\"value\":{}}}",
        "{\"repo\":\"o/a\",\"dataset\":{\"type\":\"d\"},"
        "\"metric\":{\"type\":\"acc\",\"value\":1,\"scale\":\"ratio\"}}",
        "{\"repo\":\"o/a\",\"dataset\":{\"type\":\"d\"},"
        "\"metric\":{\"type\":\"acc\",\"value\":1,\"scale\":100}}",
    };
    struct board_set s;

    board_set_init(&s);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(add(&s, bad[i]) == -1);
    board_set_rank(&s);
    CHECK(s.n == 0);
    board_set_release(&s);
}

static void
test_to_json(void)
{
    struct board_set s;
    json_t *rec, *row;

    board_set_init(&s);
    add(&s, "{\"kind\":\"score\",\"repo\":\"o/a\",\"model\":\"A\",\"dataset\":{\"type\":\"d\","
            "\"name\":\"D\",\"split\":\"test\"},\"metric\":{\"type\":\"acc\",\"name\":\"Acc\","
            "\"value\":\"0.5 \\u00b1 0.01\",\"scale\":\"fraction\"},\"source\":{\"name\":\"n\","
            "\"url\":\"https://x.org\",\"extra\":1},\"date\":\"2026-01-01\"}");
    add(&s, "{\"kind\":\"score\",\"repo\":\"o/b\",\"dataset\":{\"type\":\"d\",\"split\":\"test\"},"
            "\"metric\":{\"type\":\"acc\",\"value\":\"n/a\"}}");
    board_set_rank(&s);
    CHECK(s.n == 1);
    rec = board_to_json(s.boards[0], 0, "T");
    CHECK_STREQ(json_string_value(json_object_get(rec, "kind")), "board");
    CHECK_STREQ(json_string_value(json_object_iter_value(json_object_iter(rec))), "board");
    CHECK_STREQ(json_string_value(json_object_get(rec, "title")), "T");
    CHECK(json_is_null(json_object_get(json_object_get(rec, "dataset"), "config")));
    CHECK_STREQ(json_string_value(json_object_get(json_object_get(rec, "metric"), "scale")),
                "fraction");
    CHECK(json_integer_value(json_object_get(rec, "models")) == 2);
    CHECK(json_integer_value(json_object_get(rec, "ranked")) == 1);
    row = json_array_get(json_object_get(rec, "rows"), 0);
    CHECK(json_integer_value(json_object_get(row, "rank")) == 1);
    CHECK(json_real_value(json_object_get(row, "value")) == 0.5);
    CHECK(json_real_value(json_object_get(row, "stderr")) == 0.01);
    CHECK_STREQ(json_string_value(json_object_get(row, "model")), "A");
    CHECK(json_integer_value(json_object_get(json_object_get(row, "source"), "extra")) == 1);
    CHECK_STREQ(json_string_value(json_object_get(json_object_get(row, "as_written"), "value")),
                "0.5 ± 0.01");
    row = json_array_get(json_object_get(rec, "rows"), 1);
    CHECK(json_is_null(json_object_get(row, "rank")) &&
          json_is_null(json_object_get(row, "value")));
    json_decref(rec);
    rec = board_to_json(s.boards[0], 1, NULL);
    CHECK(json_array_size(json_object_get(rec, "rows")) == 1 && !json_object_get(rec, "title"));
    json_decref(rec);
    board_set_release(&s);
}

int
main(void)
{
    RUN(test_parse_value);
    RUN(test_metric_table);
    RUN(test_badges);
    RUN(test_ties_and_scales);
    RUN(test_one_row_per_model);
    RUN(test_direction_and_ranks);
    RUN(test_grouping_and_selection);
    RUN(test_unusable);
    RUN(test_to_json);
    return DONE();
}

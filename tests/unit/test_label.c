/* Unit tests for lib/label: model-name matching, benchmark labels, word classes. */
#include "lib/label.h"

#include <string.h>

#include "tests/unit/check.h"

static void
test_match(void)
{
    static const struct {
        const char *repo, *label, *href;
        enum label_match want;
    } cases[] = {
        { "o/Qwen2.5-7B-Instruct", "**Qwen2.5 7B Instruct**", NULL, LM_EXACT },
        { "o/Qwen2.5-7B-Instruct", "qwen2_5-7b-instruct", NULL, LM_EXACT },
        { "o/Qwen2.5-7B-Instruct", "Qwen2.5-7B", NULL, LM_NONE },
        { "o/Foo", "Foo-Plus", NULL, LM_NONE },
        { "o/Foo-7B", "Foo-7B-Instruct", NULL, LM_NONE },
        { "o/Foo-7B", "o/Foo-7B", NULL, LM_EXACT },
        { "o/Foo-7B", "other/Foo-7B", NULL, LM_EXACT },
        { "o/Foo-7B", "Foo-7B (Ours) \xF0\x9F\x94\xA5", NULL, LM_EXACT },
        { "o/Foo-7B", "Foo-13B (ours)", NULL, LM_NONE },
        { "o/Foo-7B", "Ours", NULL, LM_SELF },
        { "o/Foo-7B", "This model", NULL, LM_SELF },
        { "o/Foo-7B-Instruct", "Foo-Instruct-7B", NULL, LM_TOKENS },
        { "o/Foo-7B", "This model", "https://huggingface.co/o/Foo-7B", LM_LINK },
        { "o/Foo-7B", "x", "https://huggingface.co/o/Foo-7B/tree/main", LM_LINK },
        { "o/Foo-7B", "x", "https://huggingface.co/o/Foo-7B-GGUF", LM_NONE },
        { "o/Foo-7B", "x", "https://huggingface.co/datasets/o/Foo-7B", LM_NONE },
        { "o/Hours-7B", "ours-7B", NULL, LM_NONE },
        { "o/\xE9\x80\x9A\xE4\xB9\x89-7B", "\xE9\x80\x9A\xE4\xB9\x89 7B", NULL, LM_EXACT },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct label_names n;
        enum label_match m;

        label_names_init(&n, cases[i].repo, NULL, NULL, 0);
        m = label_match(&n, cases[i].label, cases[i].href);
        if (m != cases[i].want)
            fprintf(stderr, "case %zu: '%s' vs '%s': %d\n", i, cases[i].label, cases[i].repo, m);
        CHECK(m == cases[i].want);
        label_names_release(&n);
    }
}

static void
test_forced_and_others(void)
{
    struct label_names n;
    const char *extra[] = { "Foo Chat" };

    label_names_init(&n, "o/foo-chat-7b-v2", "OmegaChat v2 (7B)", NULL, 0);
    CHECK(label_match(&n, "OmegaChat v2 (7B)", NULL) == LM_EXACT);
    CHECK(label_match(&n, "foo-chat-7b-v2", NULL) == LM_NONE);
    label_names_release(&n);
    label_names_init(&n, "o/Heron-7B", NULL, extra, 1);
    CHECK(label_match(&n, "foo chat", NULL) == LM_EXACT);
    label_names_add_other(&n, "meta-llama/Llama-2-7b-hf");
    CHECK(label_names_other_mentioned(&n, "Results of Llama-2-7b-hf") != NULL);
    CHECK(label_names_other_mentioned(&n, "Heron-7B vs Llama-2-7b-hf") == NULL);
    CHECK(label_names_other_mentioned(&n, "Results") == NULL);
    label_names_release(&n);
}

static void
test_parse_bench(void)
{
    static const struct {
        const char *in, *name;
        long shots;
        bool cot;
        const char *metric, *split;
        bool percent, subtask;
    } cases[] = {
        { "MMLU (5-shot)", "MMLU", 5, false, "", "", false, false },
        { "GSM8K (8-shot, CoT)", "GSM8K", 8, true, "", "", false, false },
        { "MATH 4-shot CoT", "MATH", 4, true, "", "", false, false },
        { "AI2 Reasoning Challenge (25-Shot)", "AI2 Reasoning Challenge", 25, false, "", "", false,
          false },
        { "HumanEval (pass@1)", "HumanEval", -1, false, "pass@1", "", false, false },
        { "MMLU (Acc.)", "MMLU", -1, false, "accuracy", "", false, false },
        { "MMMU (val)", "MMMU", -1, false, "", "validation", false, false },
        { "Value (%)", "Value", -1, false, "", "", true, false },
        { "MATH Lvl 5 (4-Shot)", "MATH Lvl 5", 4, false, "", "", false, false },
        { "HumanEval\xE2\x80\xA0", "HumanEval", -1, false, "", "", false, false },
        { "\xF0\x9F\x94\xA5 MMLU:", "MMLU", -1, false, "", "", false, false },
        { "- humanities", "humanities", -1, false, "", "", false, true },
        { "MMLU 5 shot", "MMLU", 5, false, "", "", false, false },
        { "TruthfulQA MC2", "TruthfulQA", -1, false, "mc2", "", false, false },
        { "AGIEval (3-5 shot)", "AGIEval (3-5 shot)", -1, false, "", "", false, false },
        { "MMLU (\xE2\x86\x91)", "MMLU", -1, false, "", "", false, false },
        { "5-shot", "", 5, false, "", "", false, false },
        { "zero-shot", "", 0, false, "", "", false, false },
        { "SQuAD (EM/F1)", "SQuAD (EM/F1)", -1, false, "", "", false, false },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct blabel b;

        label_parse_bench(cases[i].in, &b);
        CHECK_STREQ(b.name, cases[i].name);
        CHECK(b.shots == cases[i].shots);
        CHECK(b.cot == cases[i].cot);
        CHECK_STREQ(b.metric, cases[i].metric);
        CHECK_STREQ(b.split, cases[i].split);
        CHECK(b.percent == cases[i].percent);
        CHECK(b.subtask == cases[i].subtask);
    }
}

static void
test_parts(void)
{
    struct blabel p[8];

    CHECK(label_split_parts("SQuAD (EM/F1)", 2, p) == 0);
    CHECK_STREQ(p[0].name, "SQuAD");
    CHECK_STREQ(p[0].metric, "exact_match");
    CHECK_STREQ(p[1].metric, "f1");
    CHECK(label_split_parts("HumanEval/MBPP", 2, p) == 0);
    CHECK_STREQ(p[1].name, "MBPP");
    CHECK(label_split_parts("MMLU (0-shot / 5-shot)", 2, p) == 0);
    CHECK(p[0].shots == 0 && p[1].shots == 5);
    CHECK(label_split_parts("SQuAD (EM/F1)", 3, p) < 0);
    CHECK(label_split_parts("MMLU", 2, p) < 0);
    CHECK(label_split_parts("Foo/Bar", 2, p) < 0); /* unknown names: not split */
    CHECK(label_has_parts("HumanEval/MBPP"));
    CHECK(!label_has_parts("GSM8K|strict"));
}

static void
test_classify(void)
{
    static const struct {
        const char *in;
        enum label_class want;
    } cases[] = {
        { "Model", LC_MODEL },
        { "\xE6\xA8\xA1\xE5\x9E\x8B", LC_MODEL },
        { "Benchmark (Metric)", LC_BENCH },
        { "Tasks", LC_BENCH },
        { "# Shots", LC_SHOTS },
        { "n-shot", LC_SHOTS },
        { "Metric", LC_METRIC },
        { "Filter", LC_FILTER },
        { "Version", LC_VERSION },
        { "Stderr", LC_STDERR },
        { "\xC2\xB1", LC_PM },
        { "Value (%)", LC_VALUE },
        { "Score", LC_VALUE },
        { "Avg.", LC_AVERAGE },
        { "Average (6 tasks)", LC_AVERAGE },
        { "\xE5\xB9\xB3\xE5\x9D\x87", LC_AVERAGE },
        { "#Params", LC_NONSCORE },
        { "Throughput (tok/s)", LC_NONSCORE },
        { "Context length", LC_NONSCORE },
        { "d_model", LC_NONSCORE },
        { "MMLU", LC_NONE },
        { "TimeQA", LC_NONE },
        { "Category", LC_CATEGORY },
        { "Ours", LC_SELF },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum label_class c = label_classify(cases[i].in);

        if (c != cases[i].want)
            fprintf(stderr, "case %zu '%s': %d\n", i, cases[i].in, c);
        CHECK(c == cases[i].want);
    }
}

int
main(void)
{
    RUN(test_match);
    RUN(test_forced_and_others);
    RUN(test_parse_bench);
    RUN(test_parts);
    RUN(test_classify);
    return DONE();
}

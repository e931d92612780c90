/* Unit tests for lib/bench: every spelling in the data files finds its entry. */
#include "lib/bench.h"

#include <string.h>

#include "tests/unit/check.h"

/* The keys lib/benchgen.sh computed agree with bench_key(), and are sorted and unique. */
static void
test_generated_keys(void)
{
    struct buf k = BUF_INIT;

    CHECK(bench_nkeys > 100 && bench_nentries > 40);
    for (size_t i = 0; i < bench_nkeys; i++) {
        const struct bench_entry *e;

        bench_key(&k, bench_keys[i].alias, strlen(bench_keys[i].alias));
        CHECK_STREQ(k.buf, bench_keys[i].key);
        if (i)
            CHECK(strcmp(bench_keys[i - 1].key, bench_keys[i].key) < 0);
        e = bench_find(bench_keys[i].alias);
        CHECK(e == &bench_entries[bench_keys[i].entry]);
    }
    for (size_t i = 0; i < bench_nmetric_keys; i++) {
        char buf[32];

        bench_key(&k, bench_metric_keys[i].alias, strlen(bench_metric_keys[i].alias));
        CHECK_STREQ(k.buf, bench_metric_keys[i].key);
        CHECK_STREQ(bench_metric(bench_metric_keys[i].alias, buf, sizeof(buf)),
                    bench_metrics[bench_metric_keys[i].entry].type);
    }
    buf_release(&k);
}

static void
test_lookups(void)
{
    static const struct {
        const char *name, *dataset, *config;
    } cases[] = {
        { "MMLU", "cais/mmlu", NULL },
        { "mmlu", "cais/mmlu", NULL },
        { "ARC-C", "allenai/ai2_arc", "ARC-Challenge" },
        { "arc_challenge", "allenai/ai2_arc", "ARC-Challenge" },
        { "ARC (Challenge)", "allenai/ai2_arc", "ARC-Challenge" },
        { "ARC", "allenai/ai2_arc", NULL },
        { "HumanEval+", "evalplus/humanevalplus", NULL },
        { "HumanEval", "openai/openai_humaneval", NULL },
        { "GSM8k", "openai/gsm8k", NULL },
        { "MMLU-PRO", "TIGER-Lab/MMLU-Pro", NULL },
        { "GPQA Diamond", "Idavidrein/gpqa", "gpqa_diamond" },
    };
    char buf[32];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct bench_entry *e = bench_find(cases[i].name);

        CHECK(e != NULL);
        if (!e)
            continue;
        CHECK_STREQ(e->dataset, cases[i].dataset);
        if (cases[i].config)
            CHECK_STREQ(e->config, cases[i].config);
        else
            CHECK(e->config == NULL);
    }
    CHECK(bench_find("MMLU 中文") == NULL);
    CHECK(bench_find("") == NULL);
    CHECK(bench_find("NoSuchBench") == NULL);
    CHECK_STREQ(bench_metric("Pass@10", buf, sizeof(buf)), "pass@10");
    CHECK_STREQ(bench_metric("maj @ 8", buf, sizeof(buf)), "maj@8");
    CHECK_STREQ(bench_metric("acc_norm", buf, sizeof(buf)), "acc_norm");
    CHECK_STREQ(bench_metric("EM", buf, sizeof(buf)), "exact_match");
    CHECK(bench_metric("pass@", buf, sizeof(buf)) == NULL);
    CHECK(bench_metric("Score", buf, sizeof(buf)) == NULL);
    CHECK_STREQ(bench_metric_scale("perplexity"), "raw");
    CHECK(bench_metric_scale("accuracy") == NULL);
    CHECK_STREQ(bench_find("MT-Bench")->scale, "raw");
}

int
main(void)
{
    RUN(test_generated_keys);
    RUN(test_lookups);
    return DONE();
}

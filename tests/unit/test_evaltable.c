/* Unit tests for lib/evaltable: finding the model, scales, duplicates, forcing. */
#include "lib/evaltable.h"

#include <string.h>

#include "lib/mdtable.h"
#include "tests/unit/check.h"

struct run {
    struct mdtable_list l;
    struct label_names names;
    struct etab_result res;
};

static void
run_md(struct run *r, const char *repo, const char *md, size_t col, size_t row)
{
    struct etab_opts o;

    memset(r, 0, sizeof(*r));
    mdtable_extract(md, strlen(md), 1, &r->l);
    label_names_init(&r->names, repo, NULL, NULL, 0);
    o = (struct etab_opts){ &r->names, col, row, NULL };
    if (r->l.n)
        evaltable_extract(r->l.tables[0], &o, &r->res);
}

static void
run_release(struct run *r)
{
    etab_result_release(&r->res);
    label_names_release(&r->names);
    mdtable_list_release(&r->l);
}

static bool
has_msg(const struct etab_result *res, const char *text)
{
    for (size_t i = 0; i < res->nmsgs; i++)
        if (strstr(res->msgs[i].text, text))
            return true;
    return false;
}

static void
test_duplicates(void)
{
    struct run r;

    run_md(&r, "o/Foo",
           "| Benchmark | Foo |\n|---|---|\n| MMLU | 60.1 |\n| MMLU | 61.0 |\n| GSM8K | 40 |\n"
           "| GSM8K | 40 |\n",
           0, 0);
    CHECK(r.res.nscores == 1);
    CHECK(r.res.nscores == 1 && !strcmp(r.res.scores[0].name, "GSM8K"));
    CHECK(has_msg(&r.res, "has different values"));
    run_release(&r);
}

static void
test_scales(void)
{
    struct run r;

    run_md(&r, "o/Foo",
           "| Benchmark | Foo | Bar |\n|---|---|---|\n| MMLU | 60.1 | 50 |\n"
           "| HellaSwag | 0.6459 | 0.61 |\n| HLE | 0.8 | 0.4 |\n| Elo rating | 1200 | 1100 |\n"
           "| MyCount | 4096 | 5120 |\n",
           0, 0);
    CHECK(r.res.nscores == 3);
    if (r.res.nscores == 3) {
        CHECK_STREQ(r.res.scores[0].scale, "percent");
        CHECK_STREQ(r.res.scores[1].scale, "fraction");
        CHECK_STREQ(r.res.scores[2].name, "Elo rating");
        CHECK_STREQ(r.res.scores[2].scale, "raw");
    }
    CHECK(has_msg(&r.res, "scale of 'HLE' is unclear"));
    CHECK(has_msg(&r.res, "whole numbers up to 5120"));
    run_release(&r);
}

static void
test_forced(void)
{
    struct run r;
    static const char md[] = "| Benchmark | A | B |\n|---|---|---|\n| MMLU | 60.1 | 50.2 |\n";

    run_md(&r, "o/Foo", md, 0, 0);
    CHECK(r.res.nscores == 0 && has_msg(&r.res, "no column or row matches 'Foo'"));
    run_release(&r);
    run_md(&r, "o/Foo", md, 3, 0);
    CHECK(r.res.nscores == 1 && r.res.scores[0].value.v == 50.2);
    CHECK_STREQ(r.res.match_how, "forced");
    run_release(&r);
    run_md(&r, "o/Foo", md, 9, 0);
    CHECK(r.res.nscores == 0 && has_msg(&r.res, "--model-column 9"));
    run_release(&r);
    run_md(&r, "o/Foo", "| Model | MMLU |\n|---|---|\n| x | 60 |\n| y | 70 |\n", 0, 3);
    CHECK(r.res.nscores == 1 && r.res.scores[0].value.v == 70);
    run_release(&r);
}

static void
test_ambiguous_and_self(void)
{
    struct run r;

    run_md(&r, "o/Foo-7B", "| Model | MMLU |\n|---|---|\n| Foo-7B | 60 |\n| Foo 7B | 61 |\n", 0, 0);
    CHECK(r.res.nscores == 0 && has_msg(&r.res, "ambiguous"));
    run_release(&r);
    run_md(&r, "o/Foo-7B", "| Model | MMLU |\n|---|---|\n| GPT-4 | 86 |\n| Ours | 61 |\n", 0, 0);
    CHECK(r.res.nscores == 1 && r.res.scores[0].value.v == 61);
    CHECK_STREQ(r.res.match_how, "self");
    run_release(&r);
    /* a name beats a self reference */
    run_md(&r, "o/Foo-7B",
           "| Model | MMLU |\n|---|---|\n| Ours (13B) | 70 |\n| Foo-7B | 61 |\n| Ours | 1 |\n", 0,
           0);
    CHECK(r.res.nscores == 1 && r.res.scores[0].value.v == 61);
    run_release(&r);
}

static void
test_origin(void)
{
    struct run r;

    run_md(&r, "o/Foo",
           "intro\n\n| Benchmark | Foo |\n|---|---|\n| MMLU (5-shot) | **61.8**<sup>a</sup> |\n", 0,
           0);
    CHECK(r.res.nscores == 1);
    if (r.res.nscores == 1) {
        const struct etab_score *s = &r.res.scores[0];

        CHECK_STREQ(s->row, "MMLU (5-shot)");
        CHECK_STREQ(s->column, "Foo");
        CHECK_STREQ(s->cell, "**61.8**<sup>a</sup>");
        CHECK(s->line == 5);
        CHECK(s->shots == 5);
    }
    run_release(&r);
}

int
main(void)
{
    RUN(test_duplicates);
    RUN(test_scales);
    RUN(test_forced);
    RUN(test_ambiguous_and_self);
    RUN(test_origin);
    return DONE();
}

/* Unit tests for lib/celltext: cleaning cell text and reading values. */
#include "lib/celltext.h"

#include <math.h>
#include <stdlib.h>

#include "tests/unit/check.h"

static void
test_clean(void)
{
    static const struct {
        const char *in, *want, *href;
    } cases[] = {
        { "  **61.8**  ", "61.8", NULL },
        { "__Foo__ bar", "Foo bar", NULL },
        { "arc_challenge", "arc_challenge", NULL },
        { "_italic_", "italic", NULL },
        { "[Foo-7B](https://huggingface.co/o/Foo-7B)", "Foo-7B",
          "https://huggingface.co/o/Foo-7B" },
        { "![logo](x.png) Foo", "Foo", NULL },
        { "a\xE2\x80\x91"
          "b \xE2\x88\x92"
          "1",
          "a-b -1", NULL }, /* U+2011, U+2212 */
        { "a\xC2\xA0\xC2\xA0 b\tc\n", "a b c", NULL },
        { "`code`", "code", NULL },
        { "~~70.1~~ 72.3", "72.3", NULL },
        { "~65", "~65", NULL },
        { "", "", NULL },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct buf b = BUF_INIT;
        char *href = NULL;

        celltext_clean(&b, cases[i].in, strlen(cases[i].in), &href);
        CHECK_STREQ(b.buf, cases[i].want);
        if (cases[i].href)
            CHECK_STREQ(href, cases[i].href);
        else
            CHECK(href == NULL);
        free(href);
        buf_release(&b);
    }
}

static void
test_values(void)
{
    static const struct {
        const char *in;
        enum cval_kind kind;
        double v;
        bool is_int, percent, has_stderr;
        double se;
        int decimals;
    } cases[] = {
        { "64.59", CVAL_NUMBER, 64.59, false, false, false, 0, 2 },
        { "85", CVAL_NUMBER, 85, true, false, false, 0, 0 },
        { "58.1%", CVAL_NUMBER, 58.1, false, true, false, 0, 1 },
        { "58.1 %", CVAL_NUMBER, 58.1, false, true, false, 0, 1 },
        { "63.2 \xC2\xB1 0.4", CVAL_NUMBER, 63.2, false, false, true, 0.4, 1 },
        { "0.5290\xC2\xB1"
          "0.0146",
          CVAL_NUMBER, 0.529, false, false, true, 0.0146, 4 },
        { "58.0 (\xC2\xB1"
          "1.4)",
          CVAL_NUMBER, 58.0, false, false, true, 1.4, 1 },
        { "48.1 +/- 1.7", CVAL_NUMBER, 48.1, false, false, true, 1.7, 1 },
        { "65.1\xE2\x80\xA0", CVAL_NUMBER, 65.1, false, false, false, 0, 1 },      /* dagger */
        { "\xF0\x9F\xA5\x87 71.2", CVAL_NUMBER, 71.2, false, false, false, 0, 1 }, /* medal */
        { "72.5 (+3.2)", CVAL_NUMBER, 72.5, false, false, false, 0, 1 },
        { "61.8 (-0.2)", CVAL_NUMBER, 61.8, false, false, false, 0, 1 },
        { "-0.5", CVAL_NUMBER, -0.5, false, false, false, 0, 1 },
        { "1,234", CVAL_NUMBER, 1234, true, false, false, 0, 0 },
        { "2e-05", CVAL_NUMBER, 2e-5, false, false, false, 0, 0 },
        { "70.1[1]", CVAL_NUMBER, 70.1, false, false, false, 0, 1 },
        { "-", CVAL_MISSING, 0, false, false, false, 0, 0 },
        { "--", CVAL_MISSING, 0, false, false, false, 0, 0 },
        { "N/A", CVAL_MISSING, 0, false, false, false, 0, 0 },
        { "n/a", CVAL_MISSING, 0, false, false, false, 0, 0 },
        { "", CVAL_EMPTY, 0, false, false, false, 0, 0 },
        { "\xE2\x86\x91", CVAL_EMPTY, 0, false, false, false, 0, 0 }, /* an arrow only */
        { "7B", CVAL_TEXT, 7, true, false, false, 0, 0 },
        { "3.08 GB", CVAL_TEXT, 3.08, false, false, false, 0, 2 },
        { "MoE", CVAL_TEXT, 0, false, false, false, 0, 0 },
        { "45.3 (42.0)", CVAL_NUMBER, 45.3, false, false, false, 0, 1 }, /* qual "42.0" */
        { "70.1 abc!", CVAL_TEXT, 70.1, false, false, false, 0, 1 },
        { "70.1 !!", CVAL_UNSURE, 70.1, false, false, false, 0, 1 },
        { "70.1 (", CVAL_UNSURE, 70.1, false, false, false, 0, 1 },
        { "~65", CVAL_UNSURE, 65, true, false, false, 0, 0 },
        { "\xE2\x89\x88"
          "50",
          CVAL_UNSURE, 50, true, false, false, 0, 0 },
        { "<1", CVAL_UNSURE, 1, true, false, false, 0, 0 },
        { "> 90", CVAL_UNSURE, 90, true, false, false, 0, 0 },
        { "81,1", CVAL_UNSURE, 81, true, false, false, 0, 0 },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cval v;

        celltext_value(cases[i].in, &v);
        if (v.kind != cases[i].kind)
            fprintf(stderr, "case %zu '%s': kind %d\n", i, cases[i].in, (int)v.kind);
        CHECK(v.kind == cases[i].kind);
        if (cases[i].kind != CVAL_NUMBER)
            continue;
        CHECK(fabs(v.num.v - cases[i].v) < 1e-12);
        CHECK(v.num.is_int == cases[i].is_int);
        CHECK(v.num.percent == cases[i].percent);
        CHECK(v.num.decimals == cases[i].decimals);
        CHECK(v.has_stderr == cases[i].has_stderr);
        if (cases[i].has_stderr)
            CHECK(fabs(v.stderr_.v - cases[i].se) < 1e-12);
    }
}

static void
test_qual_and_parts(void)
{
    struct cval v;

    celltext_value("45.3 (42.0)", &v);
    CHECK_STREQ(v.qual, "42.0");
    celltext_value("70.1 (5-shot)", &v);
    CHECK(v.kind == CVAL_NUMBER);
    CHECK_STREQ(v.qual, "5-shot");
    celltext_value("81.1/71.1", &v);
    CHECK(v.kind == CVAL_PARTS && v.nparts == 2);
    CHECK(v.parts[0].v == 81.1 && v.parts[1].v == 71.1);
    celltext_value("81.1 / - / 70%", &v);
    CHECK(v.kind == CVAL_PARTS && v.nparts == 3);
    CHECK(v.parts[1].missing && v.parts[2].percent);
    celltext_value("81.1/abc", &v);
    CHECK(v.kind == CVAL_UNSURE);
    celltext_value("1/2/3/4/5/6/7/8/9", &v);
    CHECK(v.kind == CVAL_UNSURE);
    CHECK(celltext_is_missing("TBD"));
    CHECK(!celltext_is_missing("0"));
}

int
main(void)
{
    RUN(test_clean);
    RUN(test_values);
    RUN(test_qual_and_parts);
    return DONE();
}

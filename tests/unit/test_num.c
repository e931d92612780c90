/* Unit tests for lib/num: strict parsing and the shortest round-trip format. */
#include "lib/num.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "tests/unit/check.h"

static void
test_parse_long(void)
{
    static const struct {
        const char *s;
        long min, max;
        int rc;
        long want;
    } cases[] = {
        { "0", 0, 10, 0, 0 },        { "10", 0, 10, 0, 10 },    { "11", 0, 10, -1, 0 },
        { "-1", 0, 10, -1, 0 },      { "", 0, 10, -1, 0 },      { " 1", 0, 10, -1, 0 },
        { "1 ", 0, 10, -1, 0 },      { "1x", 0, 10, -1, 0 },    { "abc", 0, 10, -1, 0 },
        { "99999999999999999999", 0, 10, -1, 0 }, { "-5", -10, 10, 0, -5 },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long v = 12345;
        int rc = parse_long(cases[i].s, cases[i].min, cases[i].max, &v);

        CHECK(rc == cases[i].rc);
        if (rc == 0)
            CHECK(v == cases[i].want);
        else
            CHECK(v == 12345);
    }
    CHECK(parse_long(NULL, 0, 1, &(long){ 0 }) == -1);
}

static void
test_parse_double(void)
{
    double v;

    CHECK(parse_double("71.3", &v) == 0 && v == 71.3);
    CHECK(parse_double("1e-3", &v) == 0 && v == 0.001);
    CHECK(parse_double("-0.5", &v) == 0 && v == -0.5);
    CHECK(parse_double("", &v) == -1);
    CHECK(parse_double("1.0%", &v) == -1);
    CHECK(parse_double("1e999", &v) == -1 && errno == ERANGE);
}

static void
test_num_fmt_shortest_round_trip(void)
{
    static const struct {
        double v;
        const char *want;
    } cases[] = {
        { 71.3, "71.3" },    { 0.6459, "0.6459" }, { 64.59, "64.59" },
        { 0.1 + 0.2, "0.30000000000000004" },      { 1e-7, "1e-07" },
        { 100, "100" },      { -2.5, "-2.5" },     { 1.0 / 3, "0.3333333333333333" },
    };
    char out[NUM_FMT_MAX];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CHECK_STREQ(num_fmt(cases[i].v, out), cases[i].want);
        CHECK(strtod(out, NULL) == cases[i].v);
    }
    CHECK_STREQ(num_fmt(NAN, out), "nan");
    CHECK_STREQ(num_fmt(-INFINITY, out), "-inf");
}

int
main(void)
{
    RUN(test_parse_long);
    RUN(test_parse_double);
    RUN(test_num_fmt_shortest_round_trip);
    return DONE();
}

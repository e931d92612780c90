/* Unit tests for lib/utf8. */
#include "lib/utf8.h"

#include "tests/unit/check.h"

static void
test_valid_and_invalid(void)
{
    static const struct {
        const char *s;
        size_t len;
        int ok;
        size_t bad;
    } cases[] = {
        { "plain", 5, 1, 0 },
        { "caf\xc3\xa9", 5, 1, 0 },
        { "\xe4\xb8\xad\xe6\x96\x87", 6, 1, 0 },       /* CJK */
        { "\xf0\x9f\x98\x80", 4, 1, 0 },               /* emoji */
        { "a\xc3", 2, 0, 1 },                          /* truncated */
        { "a\xc0\xaf", 3, 0, 1 },                      /* overlong */
        { "\xed\xa0\x80", 3, 0, 0 },                   /* surrogate */
        { "\xf4\x90\x80\x80", 4, 0, 0 },               /* > U+10FFFF */
        { "ab\xff", 3, 0, 2 },
        { "a\0b", 3, 0, 1 },                           /* NUL */
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t bad = 99;
        int ok = utf8_valid(cases[i].s, cases[i].len, &bad);

        CHECK(ok == cases[i].ok);
        if (!ok)
            CHECK(bad == cases[i].bad);
    }
}

static void
test_repair(void)
{
    struct buf b = BUF_INIT;

    utf8_repair(&b, "a\xffz\xc3\xa9", 5);
    CHECK_STREQ(b.buf, "a\xef\xbf\xbdz\xc3\xa9");
    CHECK(utf8_valid(b.buf, b.len, NULL));
    buf_release(&b);
}

static void
test_decode(void)
{
    static const struct {
        const char *s;
        size_t len, n;
        uint32_t cp;
    } cases[] = {
        { "a", 1, 1, 'a' },
        { "\xc3\xa9", 2, 2, 0xe9 },
        { "\xe2\x80\x91", 3, 3, 0x2011 },
        { "\xf0\x9f\x94\xa5", 4, 4, 0x1f525 },
        { "\xe2\x80", 2, 1, 0xfffd },     /* cut short */
        { "\xc0\xaf", 2, 1, 0xfffd },     /* overlong */
        { "\xed\xa0\x80", 3, 1, 0xfffd }, /* surrogate */
        { "\xff", 1, 1, 0xfffd },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t cp = 0;

        CHECK(utf8_decode(cases[i].s, cases[i].len, &cp) == cases[i].n);
        CHECK(cp == cases[i].cp);
    }
}

int
main(void)
{
    RUN(test_valid_and_invalid);
    RUN(test_repair);
    RUN(test_decode);
    return DONE();
}

/* Unit tests for lib/buf. */
#include "lib/buf.h"

#include <stdlib.h>

#include "tests/unit/check.h"

static void
test_init_is_empty_string(void)
{
    struct buf b = BUF_INIT;

    CHECK(b.len == 0);
    CHECK_STREQ(b.buf, "");
    buf_release(&b);
    CHECK_STREQ(b.buf, "");
}

static void
test_add_and_format(void)
{
    struct buf b = BUF_INIT;

    buf_addstr(&b, "abc");
    buf_addch(&b, '-');
    buf_addf(&b, "%d/%s", 42, "x");
    CHECK_STREQ(b.buf, "abc-42/x");
    CHECK(b.len == 8);
    buf_remove(&b, 0, 4);
    CHECK_STREQ(b.buf, "42/x");
    buf_setlen(&b, 2);
    CHECK_STREQ(b.buf, "42");
    buf_release(&b);
}

static void
test_grows_past_many_reallocs(void)
{
    struct buf b = BUF_INIT;

    for (int i = 0; i < 100000; i++)
        buf_addch(&b, 'a' + i % 26);
    CHECK(b.len == 100000);
    CHECK(b.buf[b.len] == '\0');
    CHECK(b.buf[26] == 'a');
    buf_release(&b);
}

static void
test_embedded_nul_and_detach(void)
{
    struct buf b = BUF_INIT;
    size_t len;
    char *p;

    buf_add(&b, "a\0b", 3);
    CHECK(b.len == 3);
    p = buf_detach(&b, &len);
    CHECK(len == 3 && p[1] == '\0' && p[2] == 'b' && p[3] == '\0');
    CHECK(b.len == 0 && b.alloc == 0);
    free(p);
    /* detach of a never-allocated buffer still gives a freeable string */
    p = buf_detach(&b, &len);
    CHECK(len == 0 && p[0] == '\0');
    free(p);
}

int
main(void)
{
    RUN(test_init_is_empty_string);
    RUN(test_add_and_format);
    RUN(test_grows_past_many_reallocs);
    RUN(test_embedded_nul_and_detach);
    return DONE();
}

/* Unit tests for lib/escape: HTML, Markdown and URL escaping, truncation. */
#include "lib/escape.h"

#include <string.h>

#include "tests/unit/check.h"

static const char *
html(const char *s)
{
    static struct buf b = BUF_INIT;

    buf_reset(&b);
    escape_html(&b, s, strlen(s));
    return b.buf;
}

static const char *
md(const char *s)
{
    static struct buf b = BUF_INIT;

    buf_reset(&b);
    escape_md(&b, s, strlen(s));
    return b.buf;
}

static const char *
url(const char *s)
{
    static struct buf b = BUF_INIT;

    buf_reset(&b);
    if (escape_url(&b, s) < 0)
        return NULL;
    return b.buf;
}

static void
test_html(void)
{
    CHECK_STREQ(html("plain text"), "plain text");
    CHECK_STREQ(html("<script>alert(\"x\")</script>"),
                "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    CHECK_STREQ(html("a & b 'c'"), "a &amp; b &#39;c&#39;");
    CHECK_STREQ(html("tab\tnew\nline\rcr\x01\x7f"), "tab\tnew\nline cr  ");
    CHECK_STREQ(html("модель-β"), "модель-β");
    CHECK_STREQ(html(""), "");
}

static void
test_md(void)
{
    CHECK_STREQ(md("org/model-7b.v2"), "org/model-7b.v2");
    CHECK_STREQ(md("pipe|model"), "pipe\\|model");
    CHECK_STREQ(md("<b>x</b>"), "\\<b\\>x\\</b\\>");
    CHECK_STREQ(md("[link](javascript:alert(1))"), "\\[link\\](javascript\\:alert(1))");
    CHECK_STREQ(md("see https://x.org or WWW.y.org, www"),
                "see https\\://x.org or WWW\\.y.org, www");
    CHECK_STREQ(md("*a* _b_ `c` ~d~ #e $f & \\"),
                "\\*a\\* \\_b\\_ \\`c\\` \\~d\\~ \\#e \\$f \\& \\\\");
    CHECK_STREQ(md("line one\nline two\r\n"), "line one line two  ");
}

static void
test_url(void)
{
    CHECK(escape_url_ok("https://huggingface.co/org/m"));
    CHECK(escape_url_ok("HTTP://Example.COM/x"));
    CHECK(!escape_url_ok("javascript:alert(1)"));
    CHECK(!escape_url_ok(" https://example.com"));
    CHECK(!escape_url_ok("data:text/html,<script>"));
    CHECK(!escape_url_ok("https://"));
    CHECK(!escape_url_ok("https:///path"));
    CHECK(!escape_url_ok("//example.com/x"));
    CHECK(!escape_url_ok("https://example.com/\nx"));
    CHECK(!escape_url_ok(NULL));
    CHECK_STREQ(url("https://huggingface.co/org/m?x=1&y=2#top"),
                "https://huggingface.co/org/m?x=1&y=2#top");
    CHECK_STREQ(url("https://example.com/a\"onmouseover=\"alert(1)"),
                "https://example.com/a%22onmouseover=%22alert%281%29");
    CHECK_STREQ(url("https://example.com/<x> y'z\\|`{}^"),
                "https://example.com/%3Cx%3E%20y%27z%5C%7C%60%7B%7D%5E");
    CHECK_STREQ(url("https://example.com/β"), "https://example.com/%CE%B2");
    CHECK_STREQ(url("https://example.com/a%20b"), "https://example.com/a%20b");
    CHECK(url("javascript:alert(1)") == NULL);
}

static void
test_truncate(void)
{
    struct buf b = BUF_INIT;

    CHECK(escape_truncate(&b, "short", 5, 10) == 5);
    CHECK_STREQ(b.buf, "short");
    buf_reset(&b);
    CHECK(escape_truncate(&b, "abcdef", 6, 3) == 3);
    CHECK_STREQ(b.buf, "abc\xe2\x80\xa6");
    buf_reset(&b);
    /* never cuts inside a code point: "ββ" is 4 bytes, 2 code points */
    CHECK(escape_truncate(&b, "βββ", 6, 2) == 4);
    CHECK_STREQ(b.buf, "ββ\xe2\x80\xa6");
    buf_release(&b);
}

int
main(void)
{
    RUN(test_html);
    RUN(test_md);
    RUN(test_url);
    RUN(test_truncate);
    return DONE();
}

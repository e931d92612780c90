/*
 * Unit tests for lib/boardfmt: the Markdown is read back with cmark-gfm (the
 * GitHub renderer, raw HTML allowed) to see that hostile names stay text,
 * stay in their cell and never become links; the HTML page is checked for
 * tags and link targets that only the page itself may write.
 */
#include "lib/boardfmt.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tests/unit/check.h"

static const char *const hostile[] = {
    "<script>alert(\"x\")</script>",
    "\"quoted\" 'model' & co",
    "pipe|model|name",
    "line one\nline two",
    "<img src=x onerror=alert(1)>",
    "[link](javascript:alert(1))",
    "*bold* _em_ `code` ~~strike~~ #tag $x$ \\",
    "http://bare.example.com/autolink www.example.com",
    "<!-- comment",
};
#define NHOSTILE (sizeof(hostile) / sizeof(hostile[0]))

/* A board with one row per hostile name, plus one Hub repo with hostile links. */
static void
build(struct board_set *s)
{
    struct ep_err err;

    board_set_init(s);
    for (size_t i = 0; i < NHOSTILE; i++) {
        json_t *sc = json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:s,s:f,s:s},s:{s:s,s:s}}", "kind", "score",
                               "model", hostile[i], "dataset", "type", "d<x>", "name", "D | <b>",
                               "metric", "type", "acc|x", "value", 50.0 + (double)i, "scale",
                               "percent", "source", "name", hostile[(i + 1) % NHOSTILE], "url",
                               i % 2 ? "javascript:alert(1)" : "https://e.com/\"><b>x");

        CHECK(board_set_add(s, sc, &err) == 0);
        json_decref(sc);
    }
    {
        json_t *sc =
            json_pack("{s:s,s:s,s:{s:s},s:{s:s,s:s}}", "kind", "score", "repo", "org/model-1.5b",
                      "dataset", "type", "d<x>", "metric", "type", "acc|x", "value", "n/a");

        CHECK(board_set_add(s, sc, &err) == 0);
        json_decref(sc);
    }
    board_set_rank(s);
}

static size_t
count(const char *hay, const char *needle)
{
    size_t n = 0;

    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Every href="…" in html starts with one of the allowed prefixes. */
static bool
hrefs_ok(const char *html, const char *const *allowed)
{
    for (const char *p = strstr(html, "href=\""); p; p = strstr(p + 1, "href=\"")) {
        bool ok = false;

        for (size_t i = 0; allowed[i]; i++)
            ok = ok || !strncasecmp(p + 6, allowed[i], strlen(allowed[i]));
        if (!ok) {
            fprintf(stderr, "bad link: %.60s\n", p);
            return false;
        }
    }
    return true;
}

static char *
render_gfm(const char *md)
{
    static const char *const exts[] = { "table", "autolink", "strikethrough" };
    cmark_parser *p;
    cmark_node *doc;
    char *html;

    cmark_gfm_core_extensions_ensure_registered();
    p = cmark_parser_new(CMARK_OPT_UNSAFE);
    for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
        cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension(exts[i]));
    cmark_parser_feed(p, md, strlen(md));
    doc = cmark_parser_finish(p);
    html = cmark_render_html(doc, CMARK_OPT_UNSAFE, cmark_parser_get_syntax_extensions(p));
    cmark_node_free(doc);
    cmark_parser_free(p);
    return html;
}

static void
test_markdown_reads_back(void)
{
    static const char *const links[] = { "https://", NULL };
    struct boardfmt_opts o = { .title = "T <i>|" };
    struct board_set s;
    struct buf md = BUF_INIT;
    char *html;

    build(&s);
    boardfmt_md_head(&md, &o, s.n);
    boardfmt_md_board(&md, s.boards[0], 1, &o);
    html = render_gfm(md.buf);
    CHECK(!strstr(html, "<script") && !strstr(html, "<img") && !strstr(html, "<b>") &&
          !strstr(html, "<i>") && !strstr(html, "<!--") && !strstr(html, "<em>") &&
          !strstr(html, "<code>") && !strstr(html, "<del>"));
    CHECK(hrefs_ok(html, links));
    CHECK(count(html, "href=") == (NHOSTILE + 1) / 2 + 1); /* https sources, the Hub repo */
    CHECK(strstr(html, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") != NULL);
    CHECK(strstr(html, "pipe|model|name") != NULL);
    CHECK(strstr(html, "<h1>T &lt;i&gt;|</h1>") != NULL);
    /* one header row and one row per model, four cells each: nothing split a cell */
    CHECK(count(html, "<tr>") == NHOSTILE + 2);
    CHECK(count(html, "<td") == 4 * (NHOSTILE + 1));
    CHECK(count(html, "<th align") == 4);
    free(html);
    buf_release(&md);
    board_set_release(&s);
}

static void
test_html_page(void)
{
    static const char *const links[] = { "https://", "#board-", NULL };
    struct boardfmt_opts o = { .title = "<title>&", .generator = "g <1>" };
    struct board_set s;
    struct buf page = BUF_INIT;

    build(&s);
    boardfmt_html_head(&page, &o, s.boards, s.n);
    boardfmt_html_board(&page, s.boards[0], 1, &o);
    boardfmt_html_tail(&page, &o);
    CHECK(count(page.buf, "<script") == 1 && count(page.buf, "</script>") == 1);
    CHECK(count(page.buf, "<style>") == 1);
    CHECK(!strstr(page.buf, "<img") && !strstr(page.buf, "<b>") && !strstr(page.buf, "<!--"));
    CHECK(hrefs_ok(page.buf, links));
    CHECK(strstr(page.buf, "<title>&lt;title&gt;&amp;</title>") != NULL);
    CHECK(strstr(page.buf, "https://e.com/%22%3E%3Cb%3Ex") != NULL);
    CHECK(strstr(page.buf, "Content-Security-Policy\" content=\"default-src 'none'; style-src "
                           "'sha256-") != NULL);
    CHECK(count(page.buf, "<tr data-i=") == NHOSTILE + 1);
    CHECK(count(page.buf, "<rect class=\"bar") == NHOSTILE); /* no bar without a value */
    buf_release(&page);
    board_set_release(&s);
}

static void
test_empty(void)
{
    struct boardfmt_opts o = { 0 };
    struct buf b = BUF_INIT;

    boardfmt_md_head(&b, &o, 0);
    CHECK_STREQ(b.buf, "No scores to rank.\n");
    buf_reset(&b);
    boardfmt_html_head(&b, &o, NULL, 0);
    boardfmt_html_tail(&b, &o);
    CHECK(strstr(b.buf, "<title>Leaderboard</title>") && strstr(b.buf, "No scores to rank."));
    buf_release(&b);
}

static void
test_hub_url(void)
{
    static const struct {
        const char *repo;
        const char *want;
    } cases[] = {
        { "org/model-1.5b_x", "https://huggingface.co/org/model-1.5b_x" },
        { "gpt2", "https://huggingface.co/gpt2" },
        { "org/m/extra", NULL },
        { "org/", NULL },
        { "/m", NULL },
        { "-org/m", NULL },
        { "org/.m", NULL },
        { "org/m?x", NULL },
        { "org/<m>", NULL },
        { "", NULL },
    };
    struct buf b = BUF_INIT;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        buf_reset(&b);
        if (cases[i].want) {
            CHECK(boardfmt_hub_url(&b, cases[i].repo) == 0);
            CHECK_STREQ(b.buf, cases[i].want);
        } else {
            CHECK(boardfmt_hub_url(&b, cases[i].repo) == -1 && b.len == 0);
        }
    }
    CHECK(boardfmt_hub_url(&b, NULL) == -1);
    buf_release(&b);
}

int
main(void)
{
    RUN(test_markdown_reads_back);
    RUN(test_html_page);
    RUN(test_empty);
    RUN(test_hub_url);
    return DONE();
}

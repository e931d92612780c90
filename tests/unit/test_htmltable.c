/* Unit tests for lib/htmltable and lib/tgrid: tokenizer, builder, spans, caps. */
#include "lib/htmltable.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "tests/unit/check.h"

struct tables {
    struct tgrid **t;
    size_t n, alloc;
};

/* Parse html fed in chunks of `chunk` bytes (0 = whole). */
static void
parse(const char *html, size_t chunk, struct tables *out)
{
    size_t order = 0, len = strlen(html);
    struct htmltable *p = htmltable_new(&order);

    memset(out, 0, sizeof(*out));
    if (!chunk)
        chunk = len ? len : 1;
    for (size_t i = 0; i < len; i += chunk)
        htmltable_feed(p, html + i, len - i < chunk ? len - i : chunk, 1);
    htmltable_take(p, true, &out->t, &out->n, &out->alloc);
    htmltable_free(p);
}

static void
release(struct tables *t)
{
    for (size_t i = 0; i < t->n; i++)
        tgrid_free(t->t[i]);
    free(t->t);
}

static const char *
cell(const struct tgrid *g, size_t r, size_t c)
{
    return tgrid_cell(g, r, c)->text;
}

static void
test_basic(void)
{
    static const char html[] =
        "<TABLE border=1 class='x'><!-- <td>99</td> -->\n"
        "<TR><TH>Benchmark<TH align=center>Omega&#8209;Lite</TH>\n"
        "<tr><td>MMLU&nbsp;(5-shot)<td>61.2&nbsp;&plusmn;&nbsp;0.4\n"
        "<tr><td>A &amp; B &lt;c&gt; &#x41;&#66;<td><b>62.0</b><sup>1</sup>\n"
        "</TABLE>";

    for (size_t chunk = 0; chunk < 8; chunk++) {
        struct tables t;

        parse(html, chunk, &t);
        CHECK(t.n == 1);
        if (t.n == 1) {
            const struct tgrid *g = t.t[0];

            CHECK(g->nrows == 3 && g->ncols == 2);
            CHECK_STREQ(cell(g, 0, 1), "Omega-Lite");
            CHECK(tgrid_cell(g, 0, 0)->flags & TCELL_HEADER);
            CHECK(!(tgrid_cell(g, 1, 0)->flags & TCELL_HEADER));
            CHECK_STREQ(cell(g, 1, 0), "MMLU (5-shot)");
            CHECK_STREQ(cell(g, 1, 1), "61.2 \xC2\xB1 0.4");
            CHECK_STREQ(cell(g, 2, 0), "A & B <c> AB");
            CHECK_STREQ(cell(g, 2, 1), "62.0");
            CHECK_STREQ(tgrid_cell(g, 2, 1)->raw, "<b>62.0</b><sup>1</sup>");
        }
        release(&t);
    }
}

static void
test_spans(void)
{
    struct tables t;
    const struct tgrid *g;

    parse("<table><tr><th rowspan=2>M</th><th colspan='2'>K</th><th rowspan=\"2\">Avg</th></tr>"
          "<tr><th>a</th><th>b</th></tr><tr><td>x</td><td>1</td><td>2</td><td>3</td></tr></table>",
          0, &t);
    CHECK(t.n == 1);
    g = t.t[0];
    CHECK(g->nrows == 3 && g->ncols == 4);
    CHECK_STREQ(cell(g, 1, 0), "M");
    CHECK(tgrid_cell(g, 1, 0)->flags & TCELL_SPAN);
    CHECK_STREQ(cell(g, 0, 2), "K");
    CHECK_STREQ(cell(g, 1, 1), "a");
    CHECK_STREQ(cell(g, 1, 3), "Avg");
    CHECK_STREQ(cell(g, 2, 3), "3");
    CHECK(tgrid_cell(g, 0, 1)->flags & TCELL_SPANS);
    release(&t);
}

static void
test_caps(void)
{
    struct tables t;
    const struct tgrid *g;

    parse("<table><tr><td colspan=100000>x</td></tr><tr><td rowspan=99999999>y</td><td>z</td></tr>"
          "<tr><td>w</td></tr></table>",
          0, &t);
    CHECK(t.n == 1);
    g = t.t[0];
    CHECK(g->ncols == TGRID_MAX_COLS);
    CHECK(g->nrows == 3);
    CHECK(g->nnotes >= 1);
    CHECK(strstr(g->notes[0], "colspan 100000 capped") != NULL);
    CHECK_STREQ(cell(g, 2, 0), "y"); /* the rowspan goes on only as far as rows exist */
    CHECK_STREQ(cell(g, 2, 1), "w");
    release(&t);
}

static void
test_nested_and_unclosed(void)
{
    struct tables t;

    parse("<table><tr><td>outer<table><tr><th>T</th><th>M</th></tr><tr><td>PIQA</td><td>70.2"
          "</table> after</td><td>n</td></tr></table><table><tr><td>open",
          0, &t);
    CHECK(t.n == 3);
    if (t.n == 3) {
        CHECK(t.t[0]->order == 0 && t.t[1]->order == 1 && t.t[2]->order == 2);
        /* outer first in document order, its cell without the inner table's text */
        CHECK_STREQ(cell(t.t[0], 0, 0), "outer after");
        CHECK(tgrid_cell(t.t[0], 0, 0)->flags & TCELL_TABLE);
        CHECK_STREQ(cell(t.t[1], 1, 1), "70.2");
        CHECK_STREQ(cell(t.t[2], 0, 0), "open");
    }
    release(&t);
    /* a table inside a comment, script or style is not a table */
    parse("<!-- <table><tr><td>1</td></tr></table> --><script>x='<table>'</script>"
          "<style>td{}</style>",
          3, &t);
    CHECK(t.n == 0);
    release(&t);
}

static void
test_text(void)
{
    struct buf b = BUF_INIT;
    char *href = NULL;
    static const char frag[] = "<a href=\"https://hf.co/x\">X</a><br/>y <del>old</del>new "
                               "<s>z</s><u>u</u> &unknown; &#0; &#x1F600;";

    htmltable_text(&b, frag, strlen(frag), &href);
    CHECK_STREQ(b.buf, "X y new u &unknown; \xEF\xBF\xBD \xF0\x9F\x98\x80");
    CHECK_STREQ(href, "https://hf.co/x");
    free(href);
    buf_release(&b);
}

static void
test_deep_nesting(void)
{
    struct buf html = BUF_INIT;
    struct tables t;

    for (int i = 0; i < 100; i++)
        buf_addstr(&html, "<table><tr><td>");
    buf_addstr(&html, "deep");
    parse(html.buf, 0, &t);
    CHECK(t.n == HTMLTABLE_MAX_DEPTH);
    release(&t);
    buf_release(&html);
}

int
main(void)
{
    RUN(test_basic);
    RUN(test_spans);
    RUN(test_caps);
    RUN(test_nested_and_unclosed);
    RUN(test_text);
    RUN(test_deep_nesting);
    return DONE();
}

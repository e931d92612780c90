/* Unit tests for lib/mdtable: which tables a markdown document has, in which order. */
#include "lib/mdtable.h"

#include <string.h>

#include "tests/unit/check.h"

static void
extract(const char *md, struct mdtable_list *l)
{
    mdtable_extract(md, strlen(md), 1, l);
}

static void
test_order_and_fences(void)
{
    static const char md[] = "# T\n\n"
                             "```\n| a | b |\n|---|---|\n| 1 | 2 |\n```\n\n"
                             "<table><tr><td>h1</td></tr><tr><td>x</td></tr></table>\n\n"
                             "| m | n |\n|---|---|\n| **1** | 2 |\n\n"
                             "```html\n<table><tr><td>no</td></tr></table>\n```\n";
    struct mdtable_list l = MDTABLE_LIST_INIT;

    extract(md, &l);
    CHECK(l.n == 2);
    if (l.n == 2) {
        CHECK(l.tables[0]->format == TGRID_HTML && l.tables[0]->order == 0);
        CHECK(l.tables[1]->format == TGRID_MARKDOWN && l.tables[1]->order == 1);
        CHECK_STREQ(tgrid_cell(l.tables[1], 1, 0)->text, "1");
        CHECK_STREQ(tgrid_cell(l.tables[1], 1, 0)->raw, "**1**");
        CHECK(l.tables[1]->line == 11);
        CHECK(l.tables[1]->rows[1].line == 13);
        CHECK(tgrid_cell(l.tables[1], 0, 0)->flags & TCELL_HEADER);
        CHECK_STREQ(l.tables[1]->heading, "T");
    }
    mdtable_list_release(&l);
}

static void
test_indented_html(void)
{
    static const char md[] = "<table>\n    <tr><th>B</th><th>M</th></tr>\n\n"
                             "    <tr>\n        <td>MMLU</td>\n        <td>42.3</td>\n    </tr>\n\n"
                             "    <tr><td>PIQA</td><td>77</td></tr>\n</table>\n";
    struct mdtable_list l = MDTABLE_LIST_INIT;

    extract(md, &l);
    CHECK(l.n == 1);
    if (l.n == 1) {
        CHECK(l.tables[0]->nrows == 3);
        CHECK_STREQ(tgrid_cell(l.tables[0], 1, 1)->text, "42.3");
        CHECK_STREQ(tgrid_cell(l.tables[0], 2, 0)->text, "PIQA");
    }
    mdtable_list_release(&l);
}

static void
test_layout_and_ragged(void)
{
    static const char md[] = "<table><tr><td>\n\n| a | b |\n|---|---|\n| 1 | 2 | 3 |\n| 4 |\n"
                             "| 5 \\| 6 | 7 |\n\n</td></tr></table>\n";
    struct mdtable_list l = MDTABLE_LIST_INIT;

    extract(md, &l);
    CHECK(l.n == 2);
    if (l.n == 2) {
        const struct tgrid *g = l.tables[1];

        CHECK(l.tables[0]->format == TGRID_HTML);
        CHECK(g->format == TGRID_MARKDOWN && g->ncols == 2);
        CHECK(g->rows[1].src_cells == 3);
        CHECK(g->rows[2].src_cells == 1);
        CHECK(g->rows[3].src_cells == 2);
        CHECK_STREQ(tgrid_cell(g, 3, 0)->text, "5 | 6");
    }
    mdtable_list_release(&l);
}

static void
test_inline_table_paragraph(void)
{
    static const char md[] = "Results: <table><tr><th>B</th><th>M</th></tr><tr><td>**x**</td>"
                             "<td>1</td></tr></table>\n";
    struct mdtable_list l = MDTABLE_LIST_INIT;

    extract(md, &l);
    CHECK(l.n == 1);
    if (l.n == 1)
        CHECK_STREQ(tgrid_cell(l.tables[0], 1, 0)->text, "x");
    mdtable_list_release(&l);
}

int
main(void)
{
    RUN(test_order_and_fences);
    RUN(test_indented_html);
    RUN(test_layout_and_ragged);
    RUN(test_inline_table_paragraph);
    return DONE();
}

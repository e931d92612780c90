/*
 * mdtable — tables of a markdown document through cmark-gfm's AST.
 */
#include "lib/mdtable.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "lib/buf.h"
#include "lib/htmltable.h"
#include "lib/msg.h"
#include "lib/xalloc.h"

struct walk {
    const char *md;
    size_t len;
    size_t *line_start; /* byte offset of each source line (0-based index = line - 1) */
    size_t nlines;
    size_t first_line;
    size_t order;
    struct htmltable *html;
    struct mdtable_list *list;
    char *heading;   /* the last heading seen (owned) */
    char **headings; /* heading in force when table number `order` opened (borrowed copies) */
    size_t nheadings, headings_alloc;
};

/* Index the line starts the way cmark counts lines (\n, \r\n or \r end a line). */
static void
index_lines(struct walk *w)
{
    size_t alloc = 0;

    ALLOC_GROW(w->line_start, 1, alloc);
    w->line_start[w->nlines++] = 0;
    for (size_t i = 0; i < w->len; i++) {
        if (w->md[i] != '\n' && w->md[i] != '\r')
            continue;
        if (w->md[i] == '\r' && i + 1 < w->len && w->md[i + 1] == '\n')
            i++;
        ALLOC_GROW(w->line_start, w->nlines + 1, alloc);
        w->line_start[w->nlines++] = i + 1;
    }
}

/* Source line `line` (1-based) without its line ending. */
static const char *
get_line(const struct walk *w, int line, size_t *len)
{
    size_t a, b;

    if (line < 1 || (size_t)line > w->nlines) {
        *len = 0;
        return "";
    }
    a = w->line_start[line - 1];
    b = (size_t)line < w->nlines ? w->line_start[line] : w->len;
    while (b > a && (w->md[b - 1] == '\n' || w->md[b - 1] == '\r'))
        b--;
    *len = b - a;
    return w->md + a;
}

static size_t
src_line(const struct walk *w, int line)
{
    return line > 0 ? w->first_line + (size_t)line - 1 : 0;
}

/* Cells the source row has: unescaped '|' separators, outer pipes not counted. */
static size_t
count_cells(const char *s, size_t len)
{
    size_t n = 1;

    /* container markers before the row: "> | a | b |" in a block quote */
    while (len && (isspace((unsigned char)*s) || *s == '>'))
        s++, len--;
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    if (len && *s == '|')
        s++, len--;
    if (len && s[len - 1] == '|' && (len < 2 || s[len - 2] != '\\'))
        len--;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '|')
            n++;
    }
    return n;
}

static bool
is_type(cmark_node *n, const char *type)
{
    return !strcmp(cmark_node_get_type_string(n), type);
}

static void
add_md_cell(struct walk *w, struct tgrid *g, cmark_node *cell, bool header)
{
    struct tcell c = { 0 };
    struct buf text = BUF_INIT;
    char *html = cmark_render_html(cell, CMARK_OPT_UNSAFE, NULL);
    int line = cmark_node_get_start_line(cell);
    int c0 = cmark_node_get_start_column(cell), c1 = cmark_node_get_end_column(cell);
    size_t llen;
    const char *l = get_line(w, line, &llen);

    htmltable_text(&text, html, strlen(html), &c.href);
    free(html);
    c.text = buf_detach(&text, NULL);
    if (c0 >= 1 && c1 >= c0 && (size_t)c0 <= llen) {
        size_t a = (size_t)c0 - 1, b = (size_t)c1 < llen ? (size_t)c1 : llen;

        while (a < b && isspace((unsigned char)l[a]))
            a++;
        while (b > a && isspace((unsigned char)l[b - 1]))
            b--;
        c.raw = xstrndup(l + a, b - a);
    }
    c.line = src_line(w, line);
    c.flags = header ? TCELL_HEADER : 0;
    tgrid_add_cell(g, &c, 1, 1);
}

static void
add_md_table(struct walk *w, cmark_node *table)
{
    struct tgrid *g = tgrid_new(TGRID_MARKDOWN);

    g->line = src_line(w, cmark_node_get_start_line(table));
    g->order = w->order++;
    for (cmark_node *row = cmark_node_first_child(table); row; row = cmark_node_next(row)) {
        bool header = cmark_gfm_extensions_get_table_row_is_header(row);
        int line = cmark_node_get_start_line(row);
        size_t llen;
        const char *l = get_line(w, line, &llen);

        tgrid_add_row(g, src_line(w, line));
        if (g->nrows)
            g->rows[g->nrows - 1].src_cells = count_cells(l, llen);
        for (cmark_node *cell = cmark_node_first_child(row); cell; cell = cmark_node_next(cell))
            add_md_cell(w, g, cell, header);
    }
    tgrid_finish(g);
    ALLOC_GROW(w->list->tables, w->list->n + 1, w->list->alloc);
    w->list->tables[w->list->n++] = g;
}

/* A paragraph that opens an HTML table inline ("<table><tr>..." inside running text). */
static bool
has_inline_table(cmark_node *para)
{
    for (cmark_node *n = cmark_node_first_child(para); n; n = cmark_node_next(n)) {
        const char *lit =
            cmark_node_get_type(n) == CMARK_NODE_HTML_INLINE ? cmark_node_get_literal(n) : NULL;

        if (lit && !strncasecmp(lit, "<table", 6))
            return true;
    }
    return false;
}

/* Record the current heading for every table opened since the last call. */
static void
note_headings(struct walk *w)
{
    while (w->nheadings < w->order) {
        ALLOC_GROW(w->headings, w->nheadings + 1, w->headings_alloc);
        w->headings[w->nheadings++] = w->heading ? xstrdup(w->heading) : NULL;
    }
}

static void
feed_html(struct walk *w, const char *html, int line)
{
    if (html)
        htmltable_feed(w->html, html, strlen(html), src_line(w, line));
    note_headings(w);
}

static void
set_heading(struct walk *w, cmark_node *n)
{
    char *html = cmark_render_html(n, CMARK_OPT_DEFAULT, NULL);
    struct buf t = BUF_INIT;

    htmltable_text(&t, html, strlen(html), NULL);
    free(html);
    free(w->heading);
    w->heading = buf_detach(&t, NULL);
}

/* Handle one node on entry; true when its children must be skipped. */
static bool
visit(struct walk *w, cmark_node *n)
{
    bool in_html = htmltable_depth(w->html) > 0;
    int line = cmark_node_get_start_line(n);
    int flen, foff;
    char fch;

    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_HTML_BLOCK:
        feed_html(w, cmark_node_get_literal(n), line);
        return true;
    case CMARK_NODE_CODE_BLOCK:
        if (in_html && !cmark_node_get_fenced(n, &flen, &foff, &fch))
            feed_html(w, cmark_node_get_literal(n), line);
        return true;
    case CMARK_NODE_HEADING:
        if (!in_html)
            set_heading(w, n);
        /* fall through */
    case CMARK_NODE_PARAGRAPH:
        if (in_html || has_inline_table(n)) {
            char *html = cmark_render_html(n, CMARK_OPT_UNSAFE, NULL);

            feed_html(w, html, line);
            free(html);
        }
        return true;
    default:
        if (is_type(n, "table")) {
            add_md_table(w, n);
            note_headings(w);
            return true;
        }
        return false;
    }
}

static int
by_order(const void *a, const void *b)
{
    const struct tgrid *x = *(struct tgrid *const *)a, *y = *(struct tgrid *const *)b;

    return x->order < y->order ? -1 : x->order > y->order;
}

void
mdtable_extract(const char *md, size_t len, size_t first_line, struct mdtable_list *list)
{
    struct walk w = {
        md, len, NULL, 0, first_line ? first_line : 1, 0, NULL, list, NULL, NULL, 0, 0
    };
    size_t base = list->n;
    cmark_parser *parser;
    cmark_node *doc;
    cmark_iter *it;
    cmark_event_type ev;

    cmark_gfm_core_extensions_ensure_registered();
    parser = cmark_parser_new(CMARK_OPT_VALIDATE_UTF8);
    if (!parser)
        die("out of memory");
    if (!cmark_parser_attach_syntax_extension(parser, cmark_find_syntax_extension("table")))
        BUG("cmark-gfm has no table extension");
    cmark_parser_feed(parser, md, len);
    doc = cmark_parser_finish(parser);
    index_lines(&w);
    w.html = htmltable_new(&w.order);
    it = cmark_iter_new(doc);
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);

        if (ev == CMARK_EVENT_ENTER && visit(&w, n) && cmark_node_first_child(n))
            cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
    }
    htmltable_take(w.html, true, &list->tables, &list->n, &list->alloc);
    if (list->n - base > 1)
        qsort(list->tables + base, list->n - base, sizeof(*list->tables), by_order);
    for (size_t i = base; i < list->n; i++) {
        struct tgrid *g = list->tables[i];

        if (g->order < w.nheadings) {
            g->heading = w.headings[g->order];
            w.headings[g->order] = NULL;
        }
        g->order = i - base;
    }
    for (size_t i = 0; i < w.nheadings; i++)
        free(w.headings[i]);
    free(w.headings);
    free(w.heading);
    cmark_iter_free(it);
    cmark_node_free(doc);
    cmark_parser_free(parser);
    htmltable_free(w.html);
    free(w.line_start);
}

void
mdtable_list_release(struct mdtable_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        tgrid_free(list->tables[i]);
    free(list->tables);
    list->tables = NULL;
    list->n = list->alloc = 0;
}

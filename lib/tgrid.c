/*
 * tgrid — grid building with span expansion and caps.
 */
#include "lib/tgrid.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

static char empty_str[] = "";
static const struct tcell empty_cell = { empty_str, empty_str, NULL, 0, 1, 1, 0, 0, 0 };

struct tgrid *
tgrid_new(enum tgrid_format format)
{
    struct tgrid *g = xcalloc(1, sizeof(*g));

    g->format = format;
    return g;
}

static void
cell_release(struct tcell *c)
{
    if (c->flags & TCELL_SPAN)
        return;
    if (c->raw != empty_str)
        free(c->raw);
    if (c->text != empty_str)
        free(c->text);
    free(c->href);
}

void
tgrid_free(struct tgrid *g)
{
    if (!g)
        return;
    for (size_t r = 0; r < g->nrows; r++) {
        for (size_t c = 0; c < g->rows[r].n; c++)
            cell_release(&g->rows[r].cells[c]);
        free(g->rows[r].cells);
    }
    free(g->rows);
    free(g->caption);
    free(g->heading);
    for (size_t i = 0; i < g->nnotes; i++)
        free(g->notes[i]);
    free(g->spans);
    free(g);
}

void
tgrid_note(struct tgrid *g, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    if (g->nnotes >= TGRID_MAX_NOTES)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < g->nnotes; i++)
        if (!strcmp(g->notes[i], msg))
            return;
    g->notes[g->nnotes++] = xstrdup(msg);
}

/* Append a cell to row r, counting it against the cap; false when full. */
static bool
row_push(struct tgrid *g, size_t r, const struct tcell *cell)
{
    struct trow *row = &g->rows[r];

    if (g->ncells >= TGRID_MAX_CELLS) {
        if (!g->full)
            tgrid_note(g, "table cut at %zu cells", (size_t)TGRID_MAX_CELLS);
        g->full = true;
        return false;
    }
    ALLOC_GROW(row->cells, row->n + 1, row->alloc);
    row->cells[row->n++] = *cell;
    g->ncells++;
    if (row->n > g->ncols)
        g->ncols = row->n;
    return true;
}

/* Place the rowspan copies owed at the current end of row r; false when full. */
static bool
fill_spans(struct tgrid *g, size_t r, bool to_end)
{
    for (;;) {
        size_t c = g->rows[r].n;
        struct tspan *s;
        struct tcell copy;

        if (c >= g->nspans)
            return true;
        s = &g->spans[c];
        if (!s->left) {
            if (!to_end)
                return true;
            /* a hole before a later span: pad it */
            bool later = false;
            for (size_t k = c + 1; k < g->nspans; k++)
                later |= g->spans[k].left > 0;
            if (!later)
                return true;
            copy = empty_cell;
            copy.orow = r;
            copy.ocol = c;
            if (!row_push(g, r, &copy))
                return false;
            continue;
        }
        copy = g->rows[s->orow].cells[s->ocol];
        copy.flags |= TCELL_SPAN;
        s->left--;
        if (!row_push(g, r, &copy))
            return false;
    }
}

void
tgrid_add_row(struct tgrid *g, size_t line)
{
    if (g->nrows)
        fill_spans(g, g->nrows - 1, true);
    if (g->full)
        return;
    ALLOC_GROW(g->rows, g->nrows + 1, g->alloc);
    memset(&g->rows[g->nrows], 0, sizeof(g->rows[0]));
    g->rows[g->nrows].line = line;
    g->nrows++;
}

static unsigned
cap_span(struct tgrid *g, unsigned n, const char *what)
{
    if (n == 0)
        return 1;
    if (n > TGRID_MAX_SPAN) {
        tgrid_note(g, "%s %u capped at %u", what, n, (unsigned)TGRID_MAX_SPAN);
        return TGRID_MAX_SPAN;
    }
    return n;
}

void
tgrid_add_cell(struct tgrid *g, struct tcell *cell, unsigned rowspan, unsigned colspan)
{
    struct tcell c = *cell;
    size_t r, col;

    if (!c.raw)
        c.raw = empty_str;
    if (!c.text)
        c.text = empty_str;
    c.flags &= ~(unsigned)(TCELL_SPAN | TCELL_SPANS);
    memset(cell, 0, sizeof(*cell));
    if (!g->nrows)
        tgrid_add_row(g, c.line);
    rowspan = cap_span(g, rowspan, "rowspan");
    colspan = cap_span(g, colspan, "colspan");
    if (g->full || !fill_spans(g, r = g->nrows - 1, false))
        goto drop;
    col = g->rows[r].n;
    if (col + colspan > TGRID_MAX_COLS) {
        tgrid_note(g, "table cut at %u columns", (unsigned)TGRID_MAX_COLS);
        if (col >= TGRID_MAX_COLS)
            goto drop;
        colspan = (unsigned)(TGRID_MAX_COLS - col);
    }
    if (rowspan > 1 || colspan > 1)
        c.flags |= TCELL_SPANS;
    c.rowspan = rowspan;
    c.colspan = colspan;
    c.orow = r;
    c.ocol = col;
    if (!row_push(g, r, &c))
        goto drop;
    for (unsigned k = 1; k < colspan; k++) {
        struct tcell copy = c;

        copy.flags |= TCELL_SPAN;
        if (!row_push(g, r, &copy))
            break;
    }
    if (rowspan > 1) {
        size_t end = col + colspan;

        if (end > g->nspans) {
            g->spans = xrealloc(g->spans, end * sizeof(*g->spans));
            memset(g->spans + g->nspans, 0, (end - g->nspans) * sizeof(*g->spans));
            g->nspans = end;
        }
        for (size_t k = col; k < end; k++)
            g->spans[k] = (struct tspan){ rowspan - 1, r, k };
    }
    return;
drop:
    cell_release(&c);
}

void
tgrid_finish(struct tgrid *g)
{
    if (g->nrows)
        fill_spans(g, g->nrows - 1, true);
    for (size_t r = 0; r < g->nrows; r++) {
        struct trow *row = &g->rows[r];

        if (row->n < g->ncols) {
            row->cells = xrealloc(row->cells, g->ncols * sizeof(*row->cells));
            row->alloc = g->ncols;
        }
        while (row->n < g->ncols) {
            struct tcell *c = &row->cells[row->n];

            *c = empty_cell;
            c->orow = r;
            c->ocol = row->n++;
        }
    }
    free(g->spans);
    g->spans = NULL;
    g->nspans = 0;
}

const struct tcell *
tgrid_cell(const struct tgrid *g, size_t r, size_t c)
{
    if (r >= g->nrows || c >= g->rows[r].n)
        return &empty_cell;
    return &g->rows[r].cells[c];
}

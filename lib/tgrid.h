/*
 * tgrid — a table as a rectangular grid of cells: the one form markdown and
 * HTML tables take once parsed, whatever their source.
 *
 * Rows are added one at a time and cells placed left to right; a cell with a
 * rowspan or colspan is copied into every position it covers (copies share
 * the strings of the cell they copy and carry TCELL_SPAN). Spans, columns and
 * the total number of cells are capped, so hostile input cannot allocate a
 * huge grid; each cap that bites leaves a note. The grid owns its cells, its
 * notes and its caption.
 */
#ifndef EVALPIPE_TGRID_H
#define EVALPIPE_TGRID_H

#include <stdbool.h>
#include <stddef.h>

#define TGRID_MAX_COLS  1024
#define TGRID_MAX_SPAN  1024
#define TGRID_MAX_CELLS ((size_t)1 << 20)
#define TGRID_MAX_NOTES 8

enum tgrid_format { TGRID_MARKDOWN, TGRID_HTML };

enum tcell_flags {
    TCELL_HEADER = 1 << 0, /* <th>, a cell of <thead>, or a markdown header cell */
    TCELL_SPAN = 1 << 1,   /* a copy of the spanning cell at (orow, ocol) */
    TCELL_SPANS = 1 << 2,  /* has a rowspan or colspan > 1 */
    TCELL_TABLE = 1 << 3,  /* held a nested table (its text is not part of this cell) */
};

struct tcell {
    char *raw;  /* the source as written (markdown or inner HTML), trimmed */
    char *text; /* plain text: markup removed, entities decoded, spaces collapsed */
    char *href; /* target of the first link, or NULL */
    unsigned flags;
    unsigned rowspan, colspan;
    size_t orow, ocol; /* where the cell starts (its own position unless TCELL_SPAN) */
    size_t line;       /* source line, 0 when unknown */
};

struct trow {
    struct tcell *cells;
    size_t n, alloc;
    size_t line;      /* source line of the row, 0 when unknown */
    size_t src_cells; /* cells the source row had (markdown; 0 = not counted) */
};

struct tgrid {
    enum tgrid_format format;
    struct trow *rows;
    size_t nrows, alloc;
    size_t ncols;
    size_t ncells;
    size_t line;   /* first source line of the table */
    size_t order;  /* position in document order */
    char *caption; /* <caption> text, or NULL */
    char *heading; /* text of the last markdown heading before the table, or NULL */
    char *notes[TGRID_MAX_NOTES];
    size_t nnotes;
    bool full; /* TGRID_MAX_CELLS reached: later cells were dropped */
    /* rowspans still to place, per column */
    struct tspan {
        size_t left, orow, ocol;
    } * spans;
    size_t nspans;
};

struct tgrid *tgrid_new(enum tgrid_format format);
void tgrid_free(struct tgrid *g);

/* Start a new row (completing the previous one with the rowspans it still owes). */
void tgrid_add_row(struct tgrid *g, size_t line);

/*
 * Place a cell in the current row (a row is started if there is none) at the
 * first free column, copying it over rowspan x colspan positions. Steals
 * cell->raw, cell->text and cell->href (NULL text and raw become ""), even
 * when the cell is dropped because a cap was reached.
 */
void tgrid_add_cell(struct tgrid *g, struct tcell *cell, unsigned rowspan, unsigned colspan);

/* Complete the last row and pad every row to ncols with empty cells. */
void tgrid_finish(struct tgrid *g);

/* The cell at (r, c); an empty cell outside the grid. */
const struct tcell *tgrid_cell(const struct tgrid *g, size_t r, size_t c);

/* Record a note (printf-style); notes beyond TGRID_MAX_NOTES are dropped. */
void tgrid_note(struct tgrid *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

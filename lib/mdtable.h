/*
 * mdtable — every table of a markdown document, in document order: GFM pipe
 * tables (cmark-gfm with its table extension) and HTML <table>s written in
 * HTML blocks or inline HTML (lib/htmltable). Fenced code is skipped; an
 * indented code block inside an open HTML table is read as the HTML it is
 * (blank lines in an indented HTML table turn its rows into "code").
 *
 * The only user of cmark-gfm in evalpipe; a binary that calls it links
 * -lcmark-gfm -lcmark-gfm-extensions.
 */
#ifndef EVALPIPE_MDTABLE_H
#define EVALPIPE_MDTABLE_H

#include <stddef.h>

#include "lib/tgrid.h"

struct mdtable_list {
    struct tgrid **tables; /* owned; tables[i]->order == i */
    size_t n, alloc;
};

#define MDTABLE_LIST_INIT \
    {                     \
        NULL, 0, 0        \
    }

/*
 * Find the tables of md[0, len). Source lines in the grids are counted from
 * first_line (the line of the README the text starts on). Appends to list.
 */
void mdtable_extract(const char *md, size_t len, size_t first_line, struct mdtable_list *list);

/* Free the tables and reset the list. */
void mdtable_list_release(struct mdtable_list *list);

#endif

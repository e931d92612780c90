/*
 * htmltable — find the tables in HTML text and build a grid of each.
 *
 * A small tolerant tokenizer (tags in any case, attributes quoted with ' or "
 * or not at all, comments, entities, <script>/<style> skipped) drives a table
 * builder that knows only what tables need: table, tr, td, th, thead, tbody,
 * tfoot, caption. Unclosed td/tr are closed by the next one, as browsers do;
 * a table inside a cell becomes a table of its own (the cell is marked
 * TCELL_TABLE). Text may come in chunks (the HTML blocks of a markdown
 * document): a tag cut by the end of a chunk waits for the next one.
 *
 * The parser owns the grids it builds until htmltable_take() hands them over.
 */
#ifndef EVALPIPE_HTMLTABLE_H
#define EVALPIPE_HTMLTABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"
#include "lib/tgrid.h"

/* Tables nested deeper than this are read as text of the enclosing cell. */
#define HTMLTABLE_MAX_DEPTH 16

struct htmltable;

/*
 * A new parser. *order is the document-order counter shared with other table
 * sources: each table takes the next number when its <table> tag is seen.
 */
struct htmltable *htmltable_new(size_t *order);
void htmltable_free(struct htmltable *p);

/* Feed a chunk of HTML that starts on source line `line` (0 when unknown). */
void htmltable_feed(struct htmltable *p, const char *html, size_t len, size_t line);

/* Number of tables open now (0 outside any table). */
size_t htmltable_depth(const struct htmltable *p);

/*
 * Close what is still open (as at the end of the document) when `flush`,
 * then move the finished grids, in document order, to *out (grown with ALLOC_GROW through *n and
 * *alloc); the caller owns them.
 */
void htmltable_take(struct htmltable *p, bool flush, struct tgrid ***out, size_t *n, size_t *alloc);

/*
 * The plain text of an HTML fragment (a cell's inner HTML): tags dropped,
 * <br>/<p>/<li> and friends made spaces, entities decoded, <sup>...</sup>
 * (footnote marks) and <del>/<s> (struck-out text) left out, then cleaned with
 * celltext_clean(). The first link target goes to *href (when href is not NULL
 * and *href is NULL; a new string).
 */
void htmltable_text(struct buf *out, const char *html, size_t len, char **href);

#endif

/*
 * boardfmt — leaderboards as Markdown (for a dataset card) and as one
 * self-contained HTML page (sortable tables, bar charts; inline CSS, JS and
 * SVG only, locked down by a Content-Security-Policy with their hashes).
 *
 * Every string from the records is escaped (lib/escape); only http(s) URLs
 * and Hub model ids become links. Output is appended to a buffer the caller
 * owns, one piece at a time, so a long page can be written as it is made.
 */
#ifndef EVALPIPE_BOARDFMT_H
#define EVALPIPE_BOARDFMT_H

#include <stddef.h>

#include "lib/board.h"
#include "lib/buf.h"

struct boardfmt_opts {
    const char *title;     /* page title; NULL: none in Markdown, "Leaderboard" in HTML */
    const char *generator; /* e.g. "leaderboard (evalpipe) 0.1.0", for the page footer */
    long top;              /* > 0: only rows ranked top or better */
};

/* Markdown: the title heading (when set), or the "no scores" line when nboards is 0. */
void boardfmt_md_head(struct buf *out, const struct boardfmt_opts *o, size_t nboards);

/* Markdown: one board (a heading, one line about it, the table); `num` counts from 1. */
void boardfmt_md_board(struct buf *out, const struct board *b, size_t num,
                       const struct boardfmt_opts *o);

/* HTML: from the doctype to the list of boards (or the "no scores" line). */
void boardfmt_html_head(struct buf *out, const struct boardfmt_opts *o, struct board *const *boards,
                        size_t nboards);

/* HTML: one board as a section; `num` (from 1) makes its element ids unique. */
void boardfmt_html_board(struct buf *out, const struct board *b, size_t num,
                         const struct boardfmt_opts *o);

/* HTML: footer, the sorting script, end of page. */
void boardfmt_html_tail(struct buf *out, const struct boardfmt_opts *o);

/* The https://huggingface.co/ page of a model, when repo looks like a Hub id (else -1). */
int boardfmt_hub_url(struct buf *out, const char *repo);

#endif

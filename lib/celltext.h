/*
 * celltext — what a table cell says: its text cleaned of markup, and the
 * number (or numbers) it holds.
 *
 * celltext_clean() turns the plain text of a cell into the form the rest of
 * evalpipe compares: markdown emphasis and link syntax left in HTML cells
 * removed, Unicode dashes and minus signs made '-', odd spaces made ' ', runs
 * of white space collapsed. celltext_value() reads a cleaned cell as a score:
 * "64.59", "**64.59**", "64.59%", "64.59 ± 0.3", "0.6459±0.0123", "64.59†",
 * "72.5 (+3.2)", the missing-value marks ("-", "N/A", ...), and compound
 * cells "81.1/71.1", which it reports as parts without choosing one.
 */
#ifndef EVALPIPE_CELLTEXT_H
#define EVALPIPE_CELLTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

/*
 * Append the cleaned form of s to out. When href is not NULL and *href is
 * NULL, the target of the first markdown link in s is stored there (a new
 * string the caller frees).
 */
void celltext_clean(struct buf *out, const char *s, size_t len, char **href);

enum cval_kind {
    CVAL_EMPTY,   /* nothing in the cell */
    CVAL_MISSING, /* a mark for "no value": -, --, N/A, n/a, x, ... */
    CVAL_TEXT,    /* words, or a quantity with a unit ("7B", "4T") */
    CVAL_NUMBER,  /* one number, maybe with an error bar */
    CVAL_PARTS,   /* several numbers separated by '/' */
    CVAL_UNSURE,  /* a number followed by something that cannot be read */
};

#define CVAL_MAX_PARTS 8

struct cnum {
    double v;
    bool is_int;  /* written without a decimal point or exponent */
    bool percent; /* written with % */
    bool missing; /* a missing mark inside a compound cell */
    int decimals; /* digits after the decimal point */
};

struct cval {
    enum cval_kind kind;
    struct cnum num; /* CVAL_NUMBER, and the first number of CVAL_UNSURE */
    bool has_stderr;
    struct cnum stderr_; /* the part after ±, +/- or (±...) */
    char qual[64]; /* text in parentheses after the number: "5-shot" (delta "(+3.2)" dropped) */
    struct cnum parts[CVAL_MAX_PARTS];
    size_t nparts;
};

/* Read the cleaned cell text s as a value. Never fails; see enum cval_kind. */
void celltext_value(const char *s, struct cval *out);

/*
 * True for code points that decorate a value or a label without being part of
 * it: footnote marks (* † ‡ § ¶ ^, superscript digits), arrows, stars,
 * medals and other emoji.
 */
bool celltext_is_mark(uint32_t cp);

/* True when s (cleaned) is one of the missing-value marks. */
bool celltext_is_missing(const char *s);

#endif

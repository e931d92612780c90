/*
 * ndjson — the record stream: a line-at-a-time reader and the stdout writer.
 *
 * The reader works on a file descriptor with its own buffer, so a caller can
 * poll() the descriptor and ask whether a whole line is already buffered. Each
 * line must be one JSON object whose "kind" is a string; a bad line is
 * reported with "FILE:LINE" and the reader goes on with the next one. Lines
 * longer than the cap are rejected without being held in memory.
 *
 * The writer is the only code in evalpipe that writes to stdout. It emits one
 * compact line per record and flushes it at once.
 */
#ifndef EVALPIPE_NDJSON_H
#define EVALPIPE_NDJSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"
#include "lib/msg.h"

/* Default cap on one input line: 64 MiB (a card with a large README still fits). */
#define NDJSON_MAX_LINE ((size_t)64 << 20)

struct ndjson_reader {
    int fd;
    bool owns_fd;
    char *name;     /* "-" shows as "<stdin>" */
    size_t lineno;  /* line number of the last line returned */
    size_t max_line;
    struct buf in;  /* bytes read but not yet consumed */
    size_t off;     /* start of unconsumed bytes in in */
    bool eof;
};

enum ndjson_status {
    NDJSON_EOF = 0,   /* end of input */
    NDJSON_OK = 1,    /* a line / record was returned */
    NDJSON_BAD = -1,  /* this line is bad (err says why); reading may go on */
    NDJSON_IOERR = -2 /* the stream cannot be read (err says why); stop */
};

/*
 * Open `path` ("-" or NULL = stdin). Returns 0, or -1 with err set
 * ("cannot open 'x': ..."). Release with ndjson_reader_release().
 */
int ndjson_reader_open(struct ndjson_reader *r, const char *path, struct ep_err *err);
void ndjson_reader_release(struct ndjson_reader *r);

/* The name used in messages: the path, or "<stdin>". */
const char *ndjson_reader_name(const struct ndjson_reader *r);

/*
 * Return the next line (without its newline, NUL-terminated, valid until the
 * next call) in *line and *len. Blank lines are returned too. NDJSON_BAD only for
 * an over-long line (skipped whole).
 */
int ndjson_next_line(struct ndjson_reader *r, const char **line, size_t *len,
                     struct ep_err *err);

/*
 * Return the next record, skipping blank lines. On NDJSON_OK *out is a new
 * reference the caller must json_decref(). NDJSON_BAD for a line that is not
 * a JSON object with a string "kind" (err: "FILE:LINE: message").
 */
int ndjson_next(struct ndjson_reader *r, json_t **out, struct ep_err *err);

/*
 * Parse one line as a record (the check ndjson_next() applies). Returns a new
 * reference, or NULL with err set (without position).
 */
json_t *ndjson_parse(const char *line, size_t len, struct ep_err *err);

/* True when a whole line (or the end of input) can be returned without blocking. */
bool ndjson_ready(const struct ndjson_reader *r);

/* Append the compact JSON text of `v` (no newline) to out. */
void ndjson_dump(struct buf *out, const json_t *v);

/*
 * Write `rec` and a newline to stdout and flush. A write error is fatal:
 * EPIPE dies of SIGPIPE silently, anything else dies with "write error"
 * (status 2). Does not take the reference.
 */
void ndjson_put(const json_t *rec);

/* Write one line of raw text (plus newline) to stdout, same error rules. */
void ndjson_put_raw(const char *text, size_t len);

/* Flush and close stdout at exit; dies on a delayed write error (jq's out:). */
void ndjson_close_stdout(void);

#endif

/*
 * input — the record loop of a filter: the records of each operand file in
 * turn ("-" or no operand: stdin). A bad line is reported as an `error`
 * record plus a stderr line naming FILE:LINE, counted, and skipped; reading
 * goes on with the next line. A filter whose output is not a record stream
 * (a Markdown or HTML document) sets no_error_records: the stderr line only.
 */
#ifndef EVALPIPE_INPUT_H
#define EVALPIPE_INPUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/msg.h"
#include "lib/ndjson.h"

struct input {
    char **files; /* the operands (not owned) */
    size_t nfiles, next;
    struct ndjson_reader r;
    bool open;
    size_t bad; /* bad lines reported so far */
    bool no_error_records; /* report bad lines on stderr only */
};

/* Start reading files[0, nfiles) (nfiles 0: stdin). Release with input_release(). */
void input_init(struct input *in, char **files, size_t nfiles);
void input_release(struct input *in);

/*
 * The next record: NDJSON_OK with *rec a new reference, NDJSON_EOF after the
 * last file, or NDJSON_IOERR with err set ("cannot open 'x': ...", a read
 * error): the caller gives up on the stream.
 */
int input_next(struct input *in, json_t **rec, struct ep_err *err);

/* Name and line of the record last returned ("<stdin>", 3). */
const char *input_name(const struct input *in);
size_t input_line(const struct input *in);

#endif

/*
 * input — operand files one after the other through one ndjson reader.
 */
#include "lib/input.h"

#include <string.h>

#include "lib/rec.h"

void
input_init(struct input *in, char **files, size_t nfiles)
{
    memset(in, 0, sizeof(*in));
    in->files = files;
    in->nfiles = nfiles;
}

void
input_release(struct input *in)
{
    if (in->open)
        ndjson_reader_release(&in->r);
    in->open = false;
}

int
input_next(struct input *in, json_t **rec, struct ep_err *err)
{
    for (;;) {
        int rc;

        if (!in->open) {
            const char *path;

            if (in->next >= (in->nfiles ? in->nfiles : 1))
                return NDJSON_EOF;
            path = in->nfiles ? in->files[in->next] : "-";
            in->next++;
            if (ndjson_reader_open(&in->r, path, err) < 0)
                return NDJSON_IOERR;
            in->open = true;
        }
        rc = ndjson_next(&in->r, rec, err);
        if (rc == NDJSON_OK || rc == NDJSON_IOERR)
            return rc;
        if (rc == NDJSON_BAD) {
            struct rec_where where = { NULL, NULL, in->r.lineno };

            if (in->no_error_records)
                json_decref(rec_error_new(&where, NULL, "%s", err->msg));
            else
                rec_error(&where, NULL, "%s", err->msg);
            in->bad++;
            continue;
        }
        input_release(in);
    }
}

const char *
input_name(const struct input *in)
{
    return ndjson_reader_name(&in->r);
}

size_t
input_line(const struct input *in)
{
    return in->r.lineno;
}

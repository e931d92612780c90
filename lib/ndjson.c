/*
 * ndjson — record reader (own buffer over a file descriptor) and writer.
 */
#include "lib/ndjson.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/num.h"
#include "lib/xalloc.h"

/* ---------------------------------------------------------------- reader */

int
ndjson_reader_open(struct ndjson_reader *r, const char *path, struct ep_err *err)
{
    memset(r, 0, sizeof(*r));
    buf_init(&r->in, 0);
    r->max_line = NDJSON_MAX_LINE;
    if (!path || !strcmp(path, "-")) {
        r->fd = STDIN_FILENO;
        r->name = xstrdup("<stdin>");
        return 0;
    }
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0)
        return ep_err_set(err, "cannot open '%s': %s", path, strerror(errno));
    r->owns_fd = true;
    r->name = xstrdup(path);
    return 0;
}

void
ndjson_reader_release(struct ndjson_reader *r)
{
    if (r->owns_fd && r->fd >= 0)
        close(r->fd);
    free(r->name);
    buf_release(&r->in);
    memset(r, 0, sizeof(*r));
    r->fd = -1;
}

const char *
ndjson_reader_name(const struct ndjson_reader *r)
{
    return r->name ? r->name : "<stdin>";
}

bool
ndjson_ready(const struct ndjson_reader *r)
{
    return r->eof || memchr(r->in.buf + r->off, '\n', r->in.len - r->off) != NULL;
}

/* Read more input; returns bytes read, 0 at EOF, -1 on error. */
static ssize_t
fill(struct ndjson_reader *r)
{
    ssize_t n;

    if (r->off > 0 && r->off == r->in.len) {
        buf_reset(&r->in);
        r->off = 0;
    } else if (r->off > (1u << 16) && r->off > r->in.len / 2) {
        buf_remove(&r->in, 0, r->off);
        r->off = 0;
    }
    buf_grow(&r->in, 1 << 16);
    do
        n = read(r->fd, r->in.buf + r->in.len, r->in.alloc - r->in.len - 1);
    while (n < 0 && errno == EINTR);
    if (n > 0) {
        r->in.len += (size_t)n;
        r->in.buf[r->in.len] = '\0';
    }
    return n;
}

/* Drop input up to and including the next newline (after an over-long line). */
static int
skip_line(struct ndjson_reader *r, struct ep_err *err)
{
    for (;;) {
        char *nl = memchr(r->in.buf + r->off, '\n', r->in.len - r->off);
        ssize_t n;

        if (nl) {
            r->off = (size_t)(nl - r->in.buf) + 1;
            return 0;
        }
        r->off = r->in.len;
        n = fill(r);
        if (n < 0)
            return ep_err_set(err, "%s: read error: %s", ndjson_reader_name(r), strerror(errno));
        if (n == 0) {
            r->eof = true;
            return 0;
        }
    }
}

int
ndjson_next_line(struct ndjson_reader *r, const char **line, size_t *len, struct ep_err *err)
{
    size_t scanned = 0;

    for (;;) {
        char *start = r->in.buf + r->off;
        size_t avail = r->in.len - r->off;
        char *nl = memchr(start + scanned, '\n', avail - scanned);
        ssize_t n;

        if (nl || (r->eof && avail)) {
            size_t l = nl ? (size_t)(nl - start) : avail;

            r->lineno++;
            if (l > r->max_line) {
                r->off += l + (nl ? 1 : 0);
                return ep_err_set(err, "%s:%zu: line longer than %zu bytes", ndjson_reader_name(r),
                                  r->lineno, r->max_line),
                       NDJSON_BAD;
            }
            if (nl)
                *nl = '\0';
            else
                start[l] = '\0'; /* the buffer always has room for a NUL */
            r->off += l + (nl ? 1 : 0);
            if (l && start[l - 1] == '\r')
                start[--l] = '\0';
            *line = start;
            *len = l;
            return NDJSON_OK;
        }
        if (r->eof)
            return NDJSON_EOF;
        scanned = avail;
        if (avail > r->max_line) {
            r->lineno++;
            ep_err_set(err, "%s:%zu: line longer than %zu bytes", ndjson_reader_name(r), r->lineno,
                       r->max_line);
            if (skip_line(r, err) < 0)
                return NDJSON_IOERR;
            return NDJSON_BAD;
        }
        n = fill(r);
        if (n < 0)
            return ep_err_set(err, "%s: read error: %s", ndjson_reader_name(r), strerror(errno)),
                   NDJSON_IOERR;
        if (n == 0)
            r->eof = true;
        /* fill() may have moved the data: rescan from the (same) relative offset. */
    }
}

json_t *
ndjson_parse(const char *line, size_t len, struct ep_err *err)
{
    json_error_t jerr;
    json_t *v, *kind;

    v = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!v) {
        ep_err_set(err, "invalid JSON at column %d: %s", jerr.column, jerr.text);
        return NULL;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        ep_err_set(err, "record is not a JSON object");
        return NULL;
    }
    kind = json_object_get(v, "kind");
    if (!json_is_string(kind)) {
        json_decref(v);
        ep_err_set(err, "record has no string \"kind\"");
        return NULL;
    }
    return v;
}

static bool
is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

int
ndjson_next(struct ndjson_reader *r, json_t **out, struct ep_err *err)
{
    const char *line;
    size_t len;
    int rc;

    *out = NULL;
    do
        rc = ndjson_next_line(r, &line, &len, err);
    while (rc == NDJSON_OK && is_blank(line, len));
    if (rc != NDJSON_OK)
        return rc;
    *out = ndjson_parse(line, len, err);
    if (!*out) {
        char msg[sizeof(err->msg)];

        snprintf(msg, sizeof(msg), "%s", err->msg);
        ep_err_set(err, "%s:%zu: %s", ndjson_reader_name(r), r->lineno, msg);
        return NDJSON_BAD;
    }
    return NDJSON_OK;
}

/* ---------------------------------------------------------------- writer */

static void
dump_string(struct buf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";

    buf_addch(out, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        switch (c) {
        case '"':
            buf_add(out, "\\\"", 2);
            break;
        case '\\':
            buf_add(out, "\\\\", 2);
            break;
        case '\n':
            buf_add(out, "\\n", 2);
            break;
        case '\r':
            buf_add(out, "\\r", 2);
            break;
        case '\t':
            buf_add(out, "\\t", 2);
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
                buf_add(out, u, 6);
            } else {
                buf_addch(out, c);
            }
        }
    }
    buf_addch(out, '"');
}

static void
dump_real(struct buf *out, double v)
{
    char tmp[NUM_FMT_MAX];

    num_fmt(v, tmp);
    buf_addstr(out, tmp);
    /* Keep the type: a real that prints like an integer gets ".0" (as jansson does). */
    if (!strpbrk(tmp, ".eEni"))
        buf_add(out, ".0", 2);
}

void
ndjson_dump(struct buf *out, const json_t *v)
{
    const char *key;
    json_t *val;
    size_t i;
    bool first = true;

    switch (json_typeof(v)) {
    case JSON_OBJECT:
        buf_addch(out, '{');
        json_object_foreach((json_t *)v, key, val) {
            if (!first)
                buf_addch(out, ',');
            first = false;
            dump_string(out, key, strlen(key));
            buf_addch(out, ':');
            ndjson_dump(out, val);
        }
        buf_addch(out, '}');
        break;
    case JSON_ARRAY:
        buf_addch(out, '[');
        json_array_foreach(v, i, val) {
            if (i)
                buf_addch(out, ',');
            ndjson_dump(out, val);
        }
        buf_addch(out, ']');
        break;
    case JSON_STRING:
        dump_string(out, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        buf_addf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        break;
    case JSON_REAL:
        dump_real(out, json_real_value(v));
        break;
    case JSON_TRUE:
        buf_add(out, "true", 4);
        break;
    case JSON_FALSE:
        buf_add(out, "false", 5);
        break;
    case JSON_NULL:
        buf_add(out, "null", 4);
        break;
    }
}

static void
write_or_die(const char *p, size_t len)
{
    if (len && fwrite(p, 1, len, stdout) != len)
        goto fail;
    if (fflush(stdout) == 0)
        return;
fail:
    check_pipe(errno);
    die("write error: %s", strerror(errno));
}

void
ndjson_put_raw(const char *text, size_t len)
{
    struct buf b = BUF_INIT;

    buf_add(&b, text, len);
    buf_addch(&b, '\n');
    write_or_die(b.buf, b.len);
    buf_release(&b);
}

void
ndjson_put(const json_t *rec)
{
    static struct buf line = BUF_INIT; /* reused: one allocation for the whole run */

    buf_reset(&line);
    ndjson_dump(&line, rec);
    buf_addch(&line, '\n');
    write_or_die(line.buf, line.len);
    if (line.alloc > (1u << 20)) /* do not keep a huge card's buffer for the rest of the run */
        buf_release(&line);
}

void
ndjson_close_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        check_pipe(errno);
        die("write error: %s", strerror(errno));
    }
    if (fclose(stdout) != 0) {
        check_pipe(errno);
        die("write error: %s", strerror(errno));
    }
}

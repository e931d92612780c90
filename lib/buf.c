/*
 * buf — growable byte buffer.
 */
#include "lib/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/msg.h"
#include "lib/xalloc.h"

char buf_empty[1];

void
buf_init(struct buf *b, size_t hint)
{
    b->buf = buf_empty;
    b->len = b->alloc = 0;
    if (hint)
        buf_grow(b, hint);
}

void
buf_release(struct buf *b)
{
    if (b->alloc)
        free(b->buf);
    buf_init(b, 0);
}

void
buf_grow(struct buf *b, size_t extra)
{
    size_t want;

    if (extra > (size_t)-1 - b->len - 1)
        die("buffer size overflow");
    want = b->len + extra + 1;
    if (want <= b->alloc)
        return;
    if (!b->alloc)
        b->buf = NULL;
    ALLOC_GROW(b->buf, want, b->alloc);
    if (b->len == 0)
        b->buf[0] = '\0';
}

void
buf_reset(struct buf *b)
{
    buf_setlen(b, 0);
}

void
buf_setlen(struct buf *b, size_t len)
{
    if (len > b->len || (len && !b->alloc))
        BUG("buf_setlen(%zu) beyond length %zu", len, b->len);
    b->len = len;
    if (b->alloc)
        b->buf[len] = '\0';
}

void
buf_add(struct buf *b, const void *data, size_t len)
{
    if (!len)
        return;
    buf_grow(b, len);
    memcpy(b->buf + b->len, data, len);
    b->len += len;
    b->buf[b->len] = '\0';
}

void
buf_addstr(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void
buf_addch(struct buf *b, int c)
{
    buf_grow(b, 1);
    b->buf[b->len++] = (char)c;
    b->buf[b->len] = '\0';
}

void
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        BUG("bad format '%s'", fmt);
    buf_grow(b, (size_t)n);
    vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    buf_vaddf(b, fmt, ap);
    va_end(ap);
}

void
buf_remove(struct buf *b, size_t pos, size_t len)
{
    if (pos > b->len || len > b->len - pos)
        BUG("buf_remove(%zu, %zu) beyond length %zu", pos, len, b->len);
    if (!len)
        return;
    memmove(b->buf + pos, b->buf + pos + len, b->len - pos - len);
    b->len -= len;
    b->buf[b->len] = '\0';
}

char *
buf_detach(struct buf *b, size_t *len)
{
    char *p;

    if (!b->alloc)
        buf_grow(b, 0);
    p = b->buf;
    if (len)
        *len = b->len;
    buf_init(b, 0);
    return p;
}

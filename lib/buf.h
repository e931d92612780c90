/*
 * buf — a growable byte buffer (git's strbuf shape).
 *
 * b->buf is always NUL-terminated (b->len excludes the NUL) and may hold NUL
 * bytes. The buffer owns its memory; buf_detach() hands it to the caller and
 * leaves the buffer empty, buf_release() frees it. A BUF_INIT buffer has not
 * allocated yet and b->buf points at a shared empty string: never free it.
 */
#ifndef EVALPIPE_BUF_H
#define EVALPIPE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *buf;
    size_t len;
    size_t alloc;
};

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0 }

void buf_init(struct buf *b, size_t hint);
/* Free the memory and return to the BUF_INIT state. */
void buf_release(struct buf *b);
/* Make room for at least `extra` more bytes. */
void buf_grow(struct buf *b, size_t extra);
/* Keep the memory, set the length to 0. */
void buf_reset(struct buf *b);
/* Truncate to `len` bytes (len <= b->len). */
void buf_setlen(struct buf *b, size_t len);

void buf_add(struct buf *b, const void *data, size_t len);
void buf_addstr(struct buf *b, const char *s);
void buf_addch(struct buf *b, int c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* Remove `len` bytes at `pos`. */
void buf_remove(struct buf *b, size_t pos, size_t len);

/* Return the heap string (caller frees) and reset b to BUF_INIT. */
char *buf_detach(struct buf *b, size_t *len);

#endif

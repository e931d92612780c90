/*
 * xalloc — allocation that cannot fail: on out-of-memory the process dies
 * with a message (the one exit inside lib/, as in git's wrapper.c).
 */
#ifndef EVALPIPE_XALLOC_H
#define EVALPIPE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Print into a new heap string (caller frees). */
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow array `p` of `nr` used elements to hold at least `want`, updating `alloc`. */
#define ALLOC_GROW(p, want, alloc)                                                             \
    do {                                                                                       \
        if ((want) > (alloc)) {                                                                \
            size_t new_alloc_ = (alloc) < 16 ? 16 : (alloc) * 3 / 2;                            \
            if (new_alloc_ < (want))                                                           \
                new_alloc_ = (want);                                                           \
            (p) = xrealloc((p), new_alloc_ * sizeof(*(p)));                                    \
            (alloc) = new_alloc_;                                                              \
        }                                                                                      \
    } while (0)

#endif

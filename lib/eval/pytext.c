/*
 * pytext — Python str semantics on UTF-8 text; see pytext.h.
 */
#include "lib/eval/pytext.h"

#include <string.h>

#include "lib/eval/unicode.h"

bool
pytext_isspace(uint32_t cp)
{
    /* Python: bidirectional class WS, B or S, or category Zs. */
    if (cp <= 0x20)
        return cp == 0x20 || (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x1f);
    switch (cp) {
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
        return true;
    default:
        return cp >= 0x2000 && cp <= 0x200a;
    }
}

size_t
pytext_len(const char *s, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xc0) != 0x80;
    return k;
}

/* The start of the code point that ends at s[end - 1]. */
static size_t
cp_start(const char *s, size_t end)
{
    size_t i = end - 1;

    while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
        i--;
    return i;
}

size_t
pytext_rstrip_len(const char *s, size_t n)
{
    while (n > 0) {
        size_t i = cp_start(s, n);
        uint32_t cp;

        uc_decode_valid(s + i, &cp);
        if (!pytext_isspace(cp))
            break;
        n = i;
    }
    return n;
}

void
pytext_strip(const char **s, size_t *n)
{
    const char *p = *s;
    size_t len = pytext_rstrip_len(p, *n);

    while (len > 0) {
        uint32_t cp;
        size_t k = uc_decode_valid(p, &cp);

        if (!pytext_isspace(cp))
            break;
        p += k;
        len -= k;
    }
    *s = p;
    *n = len;
}

void
pytext_lower(const char *s, size_t n, struct buf *out)
{
    uc_lowercase(s, n, out);
}

static const struct pytext_map *
title_of(uint32_t cp)
{
    size_t lo = 0, hi = pytext_title_len;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (pytext_title[mid].cp == cp)
            return &pytext_title[mid];
        if (pytext_title[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void
pytext_capitalize(const char *s, size_t n, struct buf *out)
{
    const struct pytext_map *m;
    uint32_t cp;
    size_t k;

    if (!n)
        return;
    k = uc_decode_valid(s, &cp);
    m = title_of(cp);
    if (!m) {
        buf_add(out, s, k);
    } else {
        for (int i = 0; i < 3 && m->to[i]; i++)
            uc_add(out, m->to[i]);
    }
    uc_lowercase(s + k, n - k, out);
}

void
pytext_replace(const char *s, size_t n, const char *from, const char *to, struct buf *out)
{
    size_t fl = strlen(from), i = 0;

    if (!fl) {
        buf_add(out, s, n);
        return;
    }
    while (i < n) {
        if (n - i >= fl && !memcmp(s + i, from, fl)) {
            buf_addstr(out, to);
            i += fl;
        } else {
            buf_addch(out, s[i++]);
        }
    }
}

/*
 * utf8 — strict UTF-8 decoding of one sequence at a time.
 */
#include "lib/utf8.h"

/* Length of the valid sequence at s (1..4), or 0 if it is invalid. */
static size_t
seq_len(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    size_t n;
    unsigned cp, min;

    if (c == 0)
        return 0;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, cp = c & 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, cp = c & 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, cp = c & 0x07, min = 0x10000;
    else
        return 0;
    if (avail < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

size_t
utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = seq_len(p, len);

    if (n == 1) {
        *cp = p[0];
    } else if (n) {
        *cp = p[0] & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
        for (size_t i = 1; i < n; i++)
            *cp = (*cp << 6) | (p[i] & 0x3f);
    } else {
        *cp = p[0] ? 0xFFFD : 0; /* NUL is a byte of its own */
        n = 1;
    }
    return n;
}

bool
utf8_valid(const char *s, size_t len, size_t *bad)
{
    const unsigned char *p = (const unsigned char *)s;

    for (size_t i = 0; i < len;) {
        size_t n = seq_len(p + i, len - i);

        if (!n) {
            if (bad)
                *bad = i;
            return false;
        }
        i += n;
    }
    return true;
}

void
utf8_repair(struct buf *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;

    for (size_t i = 0; i < len;) {
        size_t n = seq_len(p + i, len - i);

        if (n) {
            buf_add(out, s + i, n);
            i += n;
        } else {
            buf_add(out, "\xef\xbf\xbd", 3);
            i++;
        }
    }
}

/*
 * escape — HTML, Markdown and URL escaping of untrusted text.
 */
#include "lib/escape.h"

#include <string.h>

void
escape_html(struct buf *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        switch (c) {
        case '&':
            buf_addstr(out, "&amp;");
            break;
        case '<':
            buf_addstr(out, "&lt;");
            break;
        case '>':
            buf_addstr(out, "&gt;");
            break;
        case '"':
            buf_addstr(out, "&quot;");
            break;
        case '\'':
            buf_addstr(out, "&#39;");
            break;
        default:
            buf_addch(out, (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f ? ' ' : c);
        }
    }
}

/* "www." at s[i] (GitHub's renderer links www.example.com without a scheme). */
static bool
at_www(const char *s, size_t len, size_t i)
{
    return i + 4 <= len && (s[i] | 0x20) == 'w' && (s[i + 1] | 0x20) == 'w' &&
           (s[i + 2] | 0x20) == 'w' && s[i + 3] == '.';
}

void
escape_md(struct buf *out, const char *s, size_t len)
{
    static const char special[] = "\\`*_[]<>|&~#$:";

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c < 0x20 || c == 0x7f) {
            buf_addch(out, ' ');
            continue;
        }
        if (at_www(s, len, i)) {
            buf_add(out, s + i, 3);
            buf_addstr(out, "\\.");
            i += 3;
            continue;
        }
        if (c && strchr(special, c))
            buf_addch(out, '\\');
        buf_addch(out, c);
    }
}

static bool
has_prefix_nocase(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++) {
        char c = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;

        if (c != *prefix)
            return false;
    }
    return true;
}

bool
escape_url_ok(const char *url)
{
    const char *host;

    if (!url)
        return false;
    if (has_prefix_nocase(url, "https://"))
        host = url + 8;
    else if (has_prefix_nocase(url, "http://"))
        host = url + 7;
    else
        return false;
    if (!*host || *host == '/' || *host == '?' || *host == '#')
        return false;
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

int
escape_url(struct buf *out, const char *url)
{
    static const char keep[] = "-._~:/?#[]@!$&+,;=%";
    static const char hex[] = "0123456789ABCDEF";

    if (!escape_url_ok(url))
        return -1;
    for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr(keep, *p)) {
            buf_addch(out, *p);
        } else {
            buf_addch(out, '%');
            buf_addch(out, hex[*p >> 4]);
            buf_addch(out, hex[*p & 15]);
        }
    }
    return 0;
}

size_t
escape_truncate(struct buf *out, const char *s, size_t len, size_t max)
{
    size_t i = 0, n = 0;

    while (i < len && n < max) {
        i++;
        while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80) /* the rest of this code point */
            i++;
        n++;
    }
    buf_add(out, s, i);
    if (i < len)
        buf_addstr(out, "\xe2\x80\xa6");
    return i;
}

/*
 * frontmatter — the Hub's front-matter regex, written out as a scanner that
 * tries the alternatives in the same order a backtracking regex engine does.
 */
#include "lib/frontmatter.h"

#include <string.h>

/* Length of a JavaScript \s character at p (0 if none). */
static size_t
js_space(const unsigned char *p, size_t avail)
{
    if (avail >= 1 && (p[0] == ' ' || (p[0] >= '\t' && p[0] <= '\r')))
        return 1;
    if (avail >= 2 && p[0] == 0xc2 && p[1] == 0xa0) /* U+00A0 */
        return 2;
    if (avail < 3)
        return 0;
    if (p[0] == 0xe1 && p[1] == 0x9a && p[2] == 0x80) /* U+1680 */
        return 3;
    if (p[0] == 0xe2 && p[1] == 0x80 && ((p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xa8 ||
                                         p[2] == 0xa9 || p[2] == 0xaf)) /* U+2000-200A, 2028/9, 202F */
        return 3;
    if (p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f) /* U+205F */
        return 3;
    if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80) /* U+3000 */
        return 3;
    if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) /* U+FEFF */
        return 3;
    return 0;
}

/* Match (\r\n|\r|\n) alternative `alt` (0, 1, 2) at i; returns its length or 0. */
static size_t
newline_alt(const char *t, size_t len, size_t i, int alt)
{
    switch (alt) {
    case 0:
        return i + 1 < len && t[i] == '\r' && t[i + 1] == '\n' ? 2 : 0;
    case 1:
        return i < len && t[i] == '\r' ? 1 : 0;
    default:
        return i < len && t[i] == '\n' ? 1 : 0;
    }
}

/* Match \n---[ \t]*(\r\n|\n|$) at i (any newline alternative); returns the end or 0. */
static size_t
closing_at(const char *t, size_t len, size_t i)
{
    for (int alt = 0; alt < 3; alt++) {
        size_t n = newline_alt(t, len, i, alt), j;

        if (!n || len - (i + n) < 3 || memcmp(t + i + n, "---", 3))
            continue;
        j = i + n + 3;
        while (j < len && (t[j] == ' ' || t[j] == '\t'))
            j++;
        if (j == len)
            return j;
        if (t[j] == '\n')
            return j + 1;
        if (t[j] == '\r' && j + 1 < len && t[j + 1] == '\n')
            return j + 2;
    }
    return 0;
}

void
frontmatter_split(const char *text, size_t len, struct frontmatter *fm)
{
    const unsigned char *u = (const unsigned char *)text;
    size_t i = 0, n;

    memset(fm, 0, sizeof(*fm));
    while ((n = js_space(u + i, len - i)))
        i += n;
    if (len - i < 3 || memcmp(text + i, "---", 3))
        return;
    i += 3;
    /* The opening newline's alternatives, in regex order; the YAML is the shortest text
     * that a closing fence follows. */
    for (int alt = 0; alt < 3; alt++) {
        size_t start, end;

        n = newline_alt(text, len, i, alt);
        if (!n)
            continue;
        start = i + n;
        for (size_t p = start; p < len; p++) {
            if (text[p] != '\n' && text[p] != '\r')
                continue;
            end = closing_at(text, len, p);
            if (end) {
                fm->found = true;
                fm->block_len = end;
                fm->yaml_off = start;
                fm->yaml_len = p - start;
                return;
            }
        }
    }
}

const char *
frontmatter_eol(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n')
            return "\n";
        if (text[i] == '\r')
            return i + 1 < len && text[i + 1] == '\n' ? "\r\n" : "\r";
    }
    return "\n";
}

void
frontmatter_replace(struct buf *out, const char *text, size_t len, const char *yaml, size_t ylen)
{
    struct frontmatter fm;
    const char *eol;

    frontmatter_split(text, len, &fm);
    if (fm.found) {
        /* The YAML region excludes the line end before the closing fence: drop yaml's own. */
        if (ylen && yaml[ylen - 1] == '\n')
            ylen--;
        if (ylen && yaml[ylen - 1] == '\r')
            ylen--;
        buf_add(out, text, fm.yaml_off);
        buf_add(out, yaml, ylen);
        buf_add(out, text + fm.yaml_off + fm.yaml_len, len - fm.yaml_off - fm.yaml_len);
        return;
    }
    if (!ylen) { /* nothing to add: an empty block would not even read as front matter */
        buf_add(out, text, len);
        return;
    }
    eol = frontmatter_eol(text, len);
    buf_addstr(out, "---");
    buf_addstr(out, eol);
    buf_add(out, yaml, ylen);
    buf_addstr(out, "---");
    buf_addstr(out, eol);
    buf_add(out, text, len);
}

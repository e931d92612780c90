/*
 * pyjson — the NaN/Infinity pre-pass and a jansson parse on top of it.
 *
 * Replacements keep the text's length where they can ("Infinity" becomes
 * "null" and four spaces), so jansson's error positions stay right; only
 * "NaN" grows by one byte, and the column of an error is corrected for that.
 */
#include "lib/pyjson.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

static bool
word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* The bare token at text[i] ("NaN", "Infinity", "-Infinity") or NULL. */
static const char *
token_at(const char *text, size_t len, size_t i)
{
    static const char *const tokens[] = { "NaN", "Infinity", "-Infinity" };

    if (i > 0 && word_char(text[i - 1]))
        return NULL;
    for (size_t k = 0; k < 3; k++) {
        size_t n = strlen(tokens[k]);

        if (len - i >= n && !memcmp(text + i, tokens[k], n) &&
            (i + n == len || !word_char(text[i + n])))
            return tokens[k];
    }
    return NULL;
}

/* The pre-pass; the output offsets of grown replacements go to grew (may be NULL). */
static size_t
rewrite(const char *text, size_t len, struct buf *out, size_t **grew, size_t *ngrew)
{
    size_t n = 0, alloc = 0;
    bool in_string = false;

    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        const char *tok;

        if (in_string) {
            buf_addch(out, c);
            if (c == '\\' && i + 1 < len)
                buf_addch(out, text[++i]);
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if ((c == 'N' || c == 'I' || c == '-') && (tok = token_at(text, len, i))) {
            size_t tl = strlen(tok);

            if (grew && tl < 4) {
                ALLOC_GROW(*grew, *ngrew + 1, alloc);
                (*grew)[(*ngrew)++] = out->len;
            }
            buf_addstr(out, "null");
            for (size_t k = 4; k < tl; k++)
                buf_addch(out, ' ');
            i += tl - 1;
            n++;
            continue;
        }
        buf_addch(out, c);
    }
    return n;
}

size_t
pyjson_nan_to_null(const char *text, size_t len, struct buf *out)
{
    return rewrite(text, len, out, NULL, NULL);
}

json_t *
pyjson_loadb(const char *text, size_t len, size_t flags, size_t *nonfinite, struct ep_err *err)
{
    struct buf b = BUF_INIT;
    size_t *grew = NULL, ngrew = 0, n = rewrite(text, len, &b, &grew, &ngrew);
    json_error_t jerr;
    json_t *v = json_loadb(b.buf, b.len, flags, &jerr);

    if (nonfinite)
        *nonfinite = n;
    if (!v) {
        size_t pos = (size_t)jerr.position, line_start = pos < b.len ? pos : b.len, shift = 0;

        while (line_start > 0 && b.buf[line_start - 1] != '\n')
            line_start--;
        for (size_t i = 0; i < ngrew; i++)
            if (grew[i] >= line_start && grew[i] < pos)
                shift++;
        ep_err_set(err, "%s (line %d, column %d)", jerr.text, jerr.line, jerr.column - (int)shift);
    }
    free(grew);
    buf_release(&b);
    return v;
}

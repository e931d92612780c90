/*
 * celltext — cell text cleaning and value reading.
 */
#include "lib/celltext.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/num.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

/* ---------------------------------------------------------------- clean */

static bool
is_dash(uint32_t cp)
{
    return (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xFE63 || cp == 0xFF0D;
}

static bool
is_space_cp(uint32_t cp)
{
    return cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000 || cp == 0xFEFF || cp == 0x200B;
}

/* s[i] starts "[text](url)": store the span of text and url, return the end, or 0. */
static size_t
md_link(const char *s, size_t len, size_t i, size_t *t0, size_t *t1, size_t *u0, size_t *u1)
{
    size_t depth = 0, j;

    for (j = i; j < len; j++) {
        if (s[j] == '[')
            depth++;
        else if (s[j] == ']' && --depth == 0)
            break;
    }
    if (j >= len || j + 1 >= len || s[j + 1] != '(')
        return 0;
    *t0 = i + 1;
    *t1 = j;
    *u0 = j + 2;
    for (j += 2; j < len && s[j] != ')'; j++)
        ;
    if (j >= len)
        return 0;
    *u1 = j;
    return j + 1;
}

/* Append s with Unicode dashes/spaces normalised, '*' and '`' dropped, links unwrapped. */
static void
clean_pass(struct buf *out, const char *s, size_t len, char **href)
{
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n, t0, t1, u0, u1, end;

        if (s[i] == '[' && (end = md_link(s, len, i, &t0, &t1, &u0, &u1))) {
            if (href && !*href && u1 > u0)
                *href = xstrndup(s + u0, u1 - u0);
            clean_pass(out, s + t0, t1 - t0, NULL);
            i = end;
            continue;
        }
        if (s[i] == '!' && i + 1 < len && s[i + 1] == '[' &&
            (end = md_link(s, len, i + 1, &t0, &t1, &u0, &u1))) {
            i = end; /* an image: badges and logos say nothing about scores */
            continue;
        }
        n = utf8_decode(s + i, len - i, &cp);
        if (cp == '*' || cp == '`')
            ;
        else if (is_dash(cp))
            buf_addch(out, '-');
        else if (is_space_cp(cp) || cp == '\t' || cp == '\n' || cp == '\r')
            buf_addch(out, ' ');
        else if (cp == 0xFFFD && n == 1)
            buf_addstr(out, "\xEF\xBF\xBD");
        else
            buf_add(out, s + i, n);
        i += n;
    }
}

void
celltext_clean(struct buf *out, const char *s, size_t len, char **href)
{
    struct buf tmp = BUF_INIT;
    size_t start = out->len;
    bool space = true;

    clean_pass(&tmp, s, len, href);
    for (size_t i = 0; i < tmp.len; i++) {
        char c = tmp.buf[i];

        /* ~~struck out~~: the text is not what the cell says now */
        if (c == '~' && i + 1 < tmp.len && tmp.buf[i + 1] == '~') {
            const char *end = strstr(tmp.buf + i + 2, "~~");

            if (end) {
                i = (size_t)(end - tmp.buf) + 1;
                continue;
            }
        }
        /* '_' only as an emphasis mark at the edge of a word: arc_challenge keeps its '_' */
        if (c == '_') {
            bool before = i == 0 || tmp.buf[i - 1] == ' ' || tmp.buf[i - 1] == c;
            bool after = i + 1 == tmp.len || tmp.buf[i + 1] == ' ' || tmp.buf[i + 1] == c;

            if (before || after)
                continue;
        }
        if (c == ' ') {
            if (!space)
                buf_addch(out, ' ');
            space = true;
            continue;
        }
        buf_addch(out, c);
        space = false;
    }
    while (out->len > start && out->buf[out->len - 1] == ' ')
        buf_setlen(out, out->len - 1);
    buf_release(&tmp);
}

/* ---------------------------------------------------------------- values */

static const char *const missing_marks[] = {
    "-",
    "--",
    "---",
    "n/a",
    "na",
    "n.a.",
    "n.a",
    "none",
    "null",
    "nan",
    "x",
    "/",
    "?",
    "tbd",
    "tba",
    "oom",
    "timeout",
    "\xE2\x9C\x97", /* ✗ */
    "\xE2\x9C\x98", /* ✘ */
    "\xC3\x97",     /* × */
    "n/a*",
    "not reported",
    "unknown",
};

bool
celltext_is_missing(const char *s)
{
    for (size_t i = 0; i < sizeof(missing_marks) / sizeof(missing_marks[0]); i++)
        if (!strcasecmp(s, missing_marks[i]))
            return true;
    return false;
}

bool
celltext_is_mark(uint32_t cp)
{
    return cp == '*' || cp == '^' || cp == 0x2020 || cp == 0x2021 || cp == 0xA7 || cp == 0xB6 ||
           cp == 0xB9 || cp == 0xB2 || cp == 0xB3 || (cp >= 0x2070 && cp <= 0x2079) ||
           (cp >= 0x2190 && cp <= 0x21FF) || (cp >= 0x2600 && cp <= 0x27BF) ||
           (cp >= 0x2B00 && cp <= 0x2BFF) || cp >= 0x1F000 || cp == 0xFE0F || cp == 0x200D;
}

/* Copy s without decorations and bracketed footnote refs ("[1]", "[a]"). */
static void
strip_decorations(struct buf *out, const char *s)
{
    size_t len = strlen(s);

    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);

        if (cp == '[' && i + 2 < len) {
            size_t j = i + 1;

            while (j < len && j - i <= 3 && isalnum((unsigned char)s[j]))
                j++;
            if (j < len && s[j] == ']' && j > i + 1) {
                i = j + 1;
                continue;
            }
        }
        if (!celltext_is_mark(cp))
            buf_add(out, s + i, n);
        i += n;
    }
}

static const char *
skip_ws(const char *p)
{
    while (*p == ' ')
        p++;
    return p;
}

/*
 * Read a number at p: [+-]digits[.digits][e[+-]digits], with thousands
 * separators "1,234" accepted, then an optional '%'. Returns the end, or NULL.
 */
static const char *
read_num(const char *p, struct cnum *n)
{
    char tmp[64];
    size_t k = 0;
    const char *q = p;
    bool digits = false;

    memset(n, 0, sizeof(*n));
    n->is_int = true;
    if (*q == '+' || *q == '-')
        tmp[k++] = *q++;
    while (isdigit((unsigned char)*q) ||
           (*q == ',' && digits && isdigit((unsigned char)q[1]) && isdigit((unsigned char)q[2]) &&
            isdigit((unsigned char)q[3]) && !isdigit((unsigned char)q[4]))) {
        if (*q != ',' && k < sizeof(tmp) - 8)
            tmp[k++] = *q;
        digits = true;
        q++;
    }
    if (*q == '.' && isdigit((unsigned char)q[1])) {
        n->is_int = false;
        tmp[k++] = *q++;
        while (isdigit((unsigned char)*q)) {
            if (k < sizeof(tmp) - 8)
                tmp[k++] = *q;
            n->decimals++;
            q++;
        }
        digits = true;
    }
    if (!digits)
        return NULL;
    if ((*q == 'e' || *q == 'E') &&
        (isdigit((unsigned char)q[1]) ||
         ((q[1] == '-' || q[1] == '+') && isdigit((unsigned char)q[2])))) {
        n->is_int = false;
        tmp[k++] = *q++;
        if (*q == '-' || *q == '+')
            tmp[k++] = *q++;
        while (isdigit((unsigned char)*q) && k < sizeof(tmp) - 1)
            tmp[k++] = *q++;
    }
    tmp[k] = '\0';
    if (parse_double(tmp, &n->v) < 0)
        return NULL;
    q = skip_ws(q);
    if (*q == '%') {
        n->percent = true;
        q++;
    } else if (!strncmp(q, "\xEF\xBC\x85", 3)) { /* fullwidth % */
        n->percent = true;
        q += 3;
    }
    return q;
}

/* At p: "±", "+/-", "+-" or "(±" introduces an error bar. Returns what follows, or NULL. */
static const char *
plus_minus(const char *p, bool *paren)
{
    *paren = false;
    p = skip_ws(p);
    if (*p == '(') {
        const char *q = plus_minus(p + 1, paren);

        if (q)
            *paren = true;
        return q;
    }
    if (!strncmp(p, "\xC2\xB1", 2))
        return skip_ws(p + 2);
    if (!strncmp(p, "+/-", 3))
        return skip_ws(p + 3);
    if (!strncmp(p, "+-", 2) && (isdigit((unsigned char)p[2]) || p[2] == ' ' || p[2] == '.'))
        return skip_ws(p + 2);
    return NULL;
}

/* "/"-separated numbers (or missing marks) from p to the end; false if any part is not one. */
static bool
read_parts(const char *p, struct cval *out)
{
    char part[64];

    out->nparts = 0;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        struct cnum *n;
        const char *end;

        if (out->nparts == CVAL_MAX_PARTS || len >= sizeof(part))
            return false;
        memcpy(part, p, len);
        part[len] = '\0';
        while (len && part[len - 1] == ' ')
            part[--len] = '\0';
        n = &out->parts[out->nparts++];
        end = skip_ws(part);
        if (celltext_is_missing(end)) {
            memset(n, 0, sizeof(*n));
            n->missing = true;
        } else if (!(end = read_num(end, n)) || *skip_ws(end)) {
            return false;
        }
        if (!slash)
            break;
        p = slash + 1;
    }
    return out->nparts >= 2;
}

static void
read_value(const char *s, struct cval *out)
{
    const char *p = skip_ws(s), *q;
    bool paren;

    if (!*p) {
        out->kind = CVAL_EMPTY;
        return;
    }
    if (celltext_is_missing(p)) {
        out->kind = CVAL_MISSING;
        return;
    }
    /* "~65", "≈65", "<1", ">90", "≤5": not the value itself */
    if (strchr("~<>", *p) || !strncmp(p, "\xE2\x89\x88", 3) || !strncmp(p, "\xE2\x89\xA4", 3) ||
        !strncmp(p, "\xE2\x89\xA5", 3)) {
        const char *n = skip_ws(p + (*p & 0x80 ? 3 : 1));

        out->kind = read_num(n, &out->num) ? CVAL_UNSURE : CVAL_TEXT;
        return;
    }
    q = read_num(p, &out->num);
    if (!q || isalpha((unsigned char)*q)) {
        out->kind = CVAL_TEXT; /* words, or "7B", "4T", "1.5k" */
        return;
    }
    out->kind = CVAL_UNSURE;
    q = skip_ws(q);
    if ((p = plus_minus(q, &paren))) {
        if (!(q = read_num(p, &out->stderr_)))
            return;
        q = skip_ws(q);
        if (paren) {
            if (*q != ')')
                return;
            q = skip_ws(q + 1);
        }
        out->has_stderr = true;
    }
    if (*q == '/' && !out->has_stderr) {
        if (read_parts(s, out))
            out->kind = CVAL_PARTS;
        return;
    }
    if (*q == '(') {
        const char *close = strchr(q, ')');
        size_t len;
        struct cnum delta;
        const char *d;

        if (!close || *skip_ws(close + 1))
            return;
        len = (size_t)(close - q - 1);
        d = skip_ws(q + 1);
        /* "(+3.2)" / "(-0.2)" / "(↑3.2)" after the score: a change against a baseline */
        if ((*d == '+' || *d == '-') && (d = read_num(d, &delta)) && *skip_ws(d) == ')') {
            out->kind = CVAL_NUMBER;
            return;
        }
        if (len >= sizeof(out->qual))
            return;
        memcpy(out->qual, q + 1, len);
        out->qual[len] = '\0';
        out->kind = CVAL_NUMBER;
        return;
    }
    if (!*q)
        out->kind = CVAL_NUMBER;
}

void
celltext_value(const char *s, struct cval *out)
{
    struct buf b = BUF_INIT;

    memset(out, 0, sizeof(*out));
    strip_decorations(&b, s);
    read_value(b.buf, out);
    buf_release(&b);
}

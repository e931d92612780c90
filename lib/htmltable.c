/*
 * htmltable — tolerant HTML tokenizer and table builder.
 */
#include "lib/htmltable.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/celltext.h"
#include "lib/num.h"
#include "lib/xalloc.h"

/* A tag cut by the end of a chunk is kept up to this size, then read as text. */
#define MAX_PENDING (64 * 1024)
#define MAX_ATTRS   16

/* ---------------------------------------------------------------- tokenizer */

enum tok_type { TOK_TEXT, TOK_START, TOK_END, TOK_COMMENT, TOK_OPEN_COMMENT };

struct tok {
    enum tok_type type;
    const char *src; /* the token as written */
    size_t len;
    char name[16]; /* lower-case tag name ("" when longer) */
    struct {
        const char *name, *val;
        size_t nlen, vlen;
    } attrs[MAX_ATTRS];
    size_t nattrs;
};

static void
tag_name(struct tok *t, const char *s, size_t len)
{
    t->name[0] = '\0';
    if (len >= sizeof(t->name))
        return;
    for (size_t i = 0; i < len; i++)
        t->name[i] = (char)tolower((unsigned char)s[i]);
    t->name[len] = '\0';
}

/* Attributes from s[i] to the closing '>'; returns the index after '>', or 0 if cut. */
static size_t
scan_attrs(const char *s, size_t len, size_t i, struct tok *t)
{
    while (i < len) {
        size_t n0, n1, v0 = 0, v1 = 0;

        while (i < len && (isspace((unsigned char)s[i]) || s[i] == '/'))
            i++;
        if (i >= len)
            return 0;
        if (s[i] == '>')
            return i + 1;
        n0 = i;
        while (i < len && !isspace((unsigned char)s[i]) && s[i] != '/' && s[i] != '>' &&
               s[i] != '=')
            i++;
        n1 = i;
        while (i < len && isspace((unsigned char)s[i]))
            i++;
        if (i < len && s[i] == '=') {
            i++;
            while (i < len && isspace((unsigned char)s[i]))
                i++;
            if (i >= len)
                return 0;
            if (s[i] == '"' || s[i] == '\'') {
                const char *q = memchr(s + i + 1, s[i], len - i - 1);

                if (!q)
                    return 0;
                v0 = i + 1;
                v1 = (size_t)(q - s);
                i = v1 + 1;
            } else {
                v0 = i;
                while (i < len && !isspace((unsigned char)s[i]) && s[i] != '>')
                    i++;
                v1 = i;
            }
        }
        if (n1 > n0 && t->nattrs < MAX_ATTRS) {
            t->attrs[t->nattrs].name = s + n0;
            t->attrs[t->nattrs].nlen = n1 - n0;
            t->attrs[t->nattrs].val = s + v0;
            t->attrs[t->nattrs].vlen = v1 - v0;
            t->nattrs++;
        }
    }
    return 0;
}

/*
 * Read one token at s[0, len). Returns its length; 0 when a tag is cut by
 * the end of the input and more may come (never when final). An unclosed
 * comment gives TOK_OPEN_COMMENT covering the rest.
 */
static size_t
next_token(const char *s, size_t len, bool final, struct tok *t)
{
    size_t i, end;

    t->type = TOK_TEXT;
    t->name[0] = '\0';
    t->nattrs = 0;
    t->src = s;
    /* too short to tell "<", "</", "<!" and "<!-" from text: wait for more */
    if (s[0] == '<' && !final && (len < 2 || (len < 4 && (s[1] == '!' || s[1] == '/'))))
        return 0;
    if (s[0] != '<' || len < 2) {
        const char *lt = len > 1 ? memchr(s + 1, '<', len - 1) : NULL;

        t->type = TOK_TEXT;
        return t->len = lt ? (size_t)(lt - s) : len;
    }
    if (len >= 4 && !memcmp(s, "<!--", 4)) {
        t->type = TOK_COMMENT;
        for (i = 4; i + 2 < len; i++)
            if (s[i] == '-' && s[i + 1] == '-' && s[i + 2] == '>')
                return t->len = i + 3;
        t->type = TOK_OPEN_COMMENT;
        return t->len = len;
    }
    if (s[1] == '!' || s[1] == '?') {
        const char *gt = memchr(s, '>', len);

        if (!gt && !final)
            return 0;
        t->type = TOK_COMMENT;
        return t->len = gt ? (size_t)(gt - s) + 1 : len;
    }
    if (s[1] == '/' && len > 2 && isalpha((unsigned char)s[2])) {
        const char *gt = memchr(s, '>', len);

        for (i = 2; i < len && isalnum((unsigned char)s[i]); i++)
            ;
        if (!gt) {
            if (!final)
                return 0;
            t->type = TOK_TEXT;
            return t->len = 1;
        }
        tag_name(t, s + 2, i - 2);
        t->type = TOK_END;
        return t->len = (size_t)(gt - s) + 1;
    }
    if (!isalpha((unsigned char)s[1])) {
        t->type = TOK_TEXT;
        return t->len = 1;
    }
    for (i = 1; i < len && (isalnum((unsigned char)s[i]) || s[i] == '-'); i++)
        ;
    tag_name(t, s + 1, i - 1);
    end = scan_attrs(s, len, i, t);
    if (!end) {
        if (!final)
            return 0;
        t->type = TOK_TEXT; /* "<b" at the very end: not a tag */
        return t->len = 1;
    }
    t->type = TOK_START;
    return t->len = end;
}

/* The value of attribute `name` as a new string, or NULL. */
static char *
attr_get(const struct tok *t, const char *name)
{
    for (size_t i = 0; i < t->nattrs; i++)
        if (t->attrs[i].nlen == strlen(name) &&
            !strncasecmp(t->attrs[i].name, name, t->attrs[i].nlen))
            return xstrndup(t->attrs[i].val, t->attrs[i].vlen);
    return NULL;
}

/* A span attribute: digits at the start (HTML parses "2px" as 2); 1 when absent or bad. */
static unsigned
attr_span(const struct tok *t, const char *name)
{
    char *v = attr_get(t, name);
    unsigned long n = 0;
    size_t i = 0;

    if (!v)
        return 1;
    while (v[i] == ' ')
        i++;
    for (; isdigit((unsigned char)v[i]) && n < 10000000; i++)
        n = n * 10 + (unsigned long)(v[i] - '0');
    free(v);
    return n ? (unsigned)n : 1;
}

static bool
name_in(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(name, *list))
            return true;
    return false;
}

/* ---------------------------------------------------------------- text */

static const struct {
    const char *name, *utf8;
} entities[] = {
    { "amp", "&" },
    { "lt", "<" },
    { "gt", ">" },
    { "quot", "\"" },
    { "apos", "'" },
    { "nbsp", "\xC2\xA0" },
    { "plusmn", "\xC2\xB1" },
    { "pm", "\xC2\xB1" },
    { "times", "\xC3\x97" },
    { "minus", "\xE2\x88\x92" },
    { "ndash", "\xE2\x80\x93" },
    { "mdash", "\xE2\x80\x94" },
    { "hyphen", "-" },
    { "dash", "\xE2\x80\x90" },
    { "hellip", "\xE2\x80\xA6" },
    { "dagger", "\xE2\x80\xA0" },
    { "Dagger", "\xE2\x80\xA1" },
    { "sect", "\xC2\xA7" },
    { "para", "\xC2\xB6" },
    { "uarr", "\xE2\x86\x91" },
    { "darr", "\xE2\x86\x93" },
    { "ast", "*" },
    { "percnt", "%" },
    { "sol", "/" },
    { "lpar", "(" },
    { "rpar", ")" },
    { "ensp", " " },
    { "emsp", " " },
    { "thinsp", " " },
    { "zwj", "" },
    { "zwnj", "" },
    { "shy", "" },
    { "deg", "\xC2\xB0" },
    { "check", "\xE2\x9C\x93" },
    { "cross", "\xE2\x9C\x97" },
    { "star", "\xE2\x98\x86" },
    { "starf", "\xE2\x98\x85" },
    { "middot", "\xC2\xB7" },
    { "bull", "\xE2\x80\xA2" },
    { "sup1", "\xC2\xB9" },
    { "sup2", "\xC2\xB2" },
    { "sup3", "\xC2\xB3" },
};

static void
put_utf8(struct buf *out, uint32_t cp)
{
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        buf_addch(out, (int)cp);
    } else if (cp < 0x800) {
        buf_addch(out, (int)(0xC0 | (cp >> 6)));
        buf_addch(out, (int)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        buf_addch(out, (int)(0xE0 | (cp >> 12)));
        buf_addch(out, (int)(0x80 | ((cp >> 6) & 0x3F)));
        buf_addch(out, (int)(0x80 | (cp & 0x3F)));
    } else {
        buf_addch(out, (int)(0xF0 | (cp >> 18)));
        buf_addch(out, (int)(0x80 | ((cp >> 12) & 0x3F)));
        buf_addch(out, (int)(0x80 | ((cp >> 6) & 0x3F)));
        buf_addch(out, (int)(0x80 | (cp & 0x3F)));
    }
}

/* Decode the entity at s[0] == '&'; returns the bytes used, 0 if it is not one. */
static size_t
decode_entity(struct buf *out, const char *s, size_t len)
{
    size_t i = 1;

    if (i < len && s[i] == '#') {
        uint32_t cp = 0;
        bool hex = i + 1 < len && (s[i + 1] == 'x' || s[i + 1] == 'X');
        size_t start;

        i += hex ? 2 : 1;
        start = i;
        for (; i < len && i - start < 8; i++) {
            int c = (unsigned char)s[i];

            if (isdigit(c))
                cp = cp * (hex ? 16 : 10) + (uint32_t)(c - '0');
            else if (hex && isxdigit(c))
                cp = cp * 16 + (uint32_t)(tolower(c) - 'a' + 10);
            else
                break;
        }
        if (i == start)
            return 0;
        put_utf8(out, cp);
        return i < len && s[i] == ';' ? i + 1 : i;
    }
    for (size_t k = 0; k < sizeof(entities) / sizeof(entities[0]); k++) {
        size_t n = strlen(entities[k].name);

        if (n + 1 <= len && !strncmp(s + 1, entities[k].name, n) &&
            (n + 1 == len || s[n + 1] == ';' || !isalnum((unsigned char)s[n + 1]))) {
            buf_addstr(out, entities[k].utf8);
            return n + 1 + (n + 1 < len && s[n + 1] == ';');
        }
    }
    return 0;
}

static void
add_decoded(struct buf *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        const char *amp = memchr(s + i, '&', len - i);
        size_t n;

        if (!amp) {
            buf_add(out, s + i, len - i);
            return;
        }
        buf_add(out, s + i, (size_t)(amp - s) - i);
        i = (size_t)(amp - s);
        n = decode_entity(out, s + i, len - i);
        if (!n) {
            buf_addch(out, '&');
            n = 1;
        }
        i += n;
    }
}

static const char *const spacing_tags[] = {
    "br", "p",          "div", "li",      "ul",      "ol",     "tr",  "td",    "th",
    "hr", "h1",         "h2",  "h3",      "h4",      "h5",     "h6",  "table", "dt",
    "dd", "blockquote", "pre", "summary", "details", "center", "img", NULL,
};

void
htmltable_text(struct buf *out, const char *html, size_t len, char **href)
{
    struct buf tmp = BUF_INIT;
    int sup = 0, del = 0;
    char skip[16] = "";

    for (size_t i = 0; i < len;) {
        struct tok t;
        size_t n = next_token(html + i, len - i, true, &t);

        i += n;
        if (*skip) {
            if (t.type == TOK_END && !strcmp(t.name, skip))
                skip[0] = '\0';
            continue;
        }
        if (t.type == TOK_TEXT) {
            if (!sup && !del)
                add_decoded(&tmp, t.src, t.len);
            continue;
        }
        if (t.type != TOK_START && t.type != TOK_END)
            continue;
        if (name_in(t.name, spacing_tags))
            buf_addch(&tmp, ' ');
        if (!strcmp(t.name, "sup"))
            sup += t.type == TOK_START ? 1 : sup > 0 ? -1 : 0;
        else if (!strcmp(t.name, "del") || !strcmp(t.name, "s") || !strcmp(t.name, "strike"))
            del += t.type == TOK_START ? 1 : del > 0 ? -1 : 0;
        else if (t.type == TOK_START && (!strcmp(t.name, "script") || !strcmp(t.name, "style")))
            memcpy(skip, t.name, strlen(t.name) + 1);
        else if (t.type == TOK_START && !strcmp(t.name, "a") && href && !*href)
            *href = attr_get(&t, "href");
    }
    celltext_clean(out, tmp.buf, tmp.len, href);
    buf_release(&tmp);
}

/* ---------------------------------------------------------------- builder */

enum section { SEC_NONE, SEC_HEAD, SEC_BODY };

struct frame {
    struct tgrid *g;
    bool cell_open, caption_open;
    struct buf raw; /* inner HTML of the open cell */
    struct buf cap;
    unsigned rowspan, colspan;
    bool th, nested;
    size_t cell_line;
    enum section section;
};

struct htmltable {
    size_t *order;
    size_t line;
    struct buf pend;    /* input not yet tokenized (a cut tag) */
    bool in_comment;    /* inside an unclosed <!-- */
    int comment_dashes; /* trailing '-' seen at the end of the last chunk, inside a comment */
    char rawtext[16];   /* inside <script>/<style>: the element name */
    struct frame *stack;
    size_t depth, alloc;
    size_t ignored; /* open tables nested deeper than HTMLTABLE_MAX_DEPTH */
    struct tgrid **done;
    size_t ndone, done_alloc;
};

struct htmltable *
htmltable_new(size_t *order)
{
    struct htmltable *p = xcalloc(1, sizeof(*p));

    p->order = order;
    buf_init(&p->pend, 0);
    return p;
}

static void
frame_release(struct frame *f)
{
    tgrid_free(f->g);
    buf_release(&f->raw);
    buf_release(&f->cap);
}

void
htmltable_free(struct htmltable *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->depth; i++)
        frame_release(&p->stack[i]);
    free(p->stack);
    for (size_t i = 0; i < p->ndone; i++)
        tgrid_free(p->done[i]);
    free(p->done);
    buf_release(&p->pend);
    free(p);
}

size_t
htmltable_depth(const struct htmltable *p)
{
    return p->depth;
}

static void
trim(const char **s, size_t *len)
{
    while (*len && isspace((unsigned char)**s))
        (*s)++, (*len)--;
    while (*len && isspace((unsigned char)(*s)[*len - 1]))
        (*len)--;
}

static void
close_cell(struct frame *f)
{
    struct tcell c = { 0 };
    struct buf text = BUF_INIT;
    const char *raw = f->raw.buf;
    size_t rlen = f->raw.len;

    if (!f->cell_open)
        return;
    trim(&raw, &rlen);
    htmltable_text(&text, raw, rlen, &c.href);
    c.raw = xstrndup(raw, rlen);
    c.text = buf_detach(&text, NULL);
    c.line = f->cell_line;
    if (f->th || f->section == SEC_HEAD)
        c.flags |= TCELL_HEADER;
    if (f->nested)
        c.flags |= TCELL_TABLE;
    tgrid_add_cell(f->g, &c, f->rowspan, f->colspan);
    buf_reset(&f->raw);
    f->cell_open = false;
}

static void
open_cell(struct htmltable *p, struct frame *f, const struct tok *t)
{
    close_cell(f);
    f->cell_open = true;
    f->th = !strcmp(t->name, "th");
    f->nested = false;
    f->rowspan = attr_span(t, "rowspan");
    f->colspan = attr_span(t, "colspan");
    f->cell_line = p->line;
}

static void
close_table(struct htmltable *p)
{
    struct frame *f = &p->stack[--p->depth];

    close_cell(f);
    tgrid_finish(f->g);
    if (f->cap.len) {
        struct buf c = BUF_INIT;

        htmltable_text(&c, f->cap.buf, f->cap.len, NULL);
        f->g->caption = buf_detach(&c, NULL);
    }
    ALLOC_GROW(p->done, p->ndone + 1, p->done_alloc);
    p->done[p->ndone++] = f->g;
    f->g = NULL;
    frame_release(f);
}

static void
open_table(struct htmltable *p)
{
    struct frame *f;

    if (p->depth) {
        struct frame *outer = &p->stack[p->depth - 1];

        if (outer->cell_open)
            outer->nested = true;
    }
    if (p->depth >= HTMLTABLE_MAX_DEPTH || p->ignored) {
        p->ignored++;
        return;
    }
    ALLOC_GROW(p->stack, p->depth + 1, p->alloc);
    f = &p->stack[p->depth++];
    memset(f, 0, sizeof(*f));
    buf_init(&f->raw, 0);
    buf_init(&f->cap, 0);
    f->g = tgrid_new(TGRID_HTML);
    f->g->line = p->line;
    f->g->order = (*p->order)++;
}

static const char *const row_tags[] = { "tr", NULL };
static const char *const cell_tags[] = { "td", "th", NULL };
static const char *const section_tags[] = { "thead", "tbody", "tfoot", NULL };

/* A tag inside a table: returns true when it was table structure (not cell content). */
static bool
table_tag(struct htmltable *p, const struct tok *t)
{
    struct frame *f = &p->stack[p->depth - 1];
    bool start = t->type == TOK_START;

    if (p->ignored)
        return false;
    if (name_in(t->name, row_tags)) {
        close_cell(f);
        if (start)
            tgrid_add_row(f->g, p->line);
        return true;
    }
    if (name_in(t->name, cell_tags)) {
        if (start)
            open_cell(p, f, t);
        else
            close_cell(f);
        return true;
    }
    if (name_in(t->name, section_tags)) {
        close_cell(f);
        f->section = !start ? SEC_NONE : !strcmp(t->name, "thead") ? SEC_HEAD : SEC_BODY;
        return true;
    }
    if (!strcmp(t->name, "caption")) {
        close_cell(f);
        f->caption_open = start;
        return true;
    }
    return !strcmp(t->name, "colgroup") || !strcmp(t->name, "col");
}

static void
handle(struct htmltable *p, const struct tok *t)
{
    struct frame *f;

    if (t->type == TOK_START && !strcmp(t->name, "table")) {
        open_table(p);
        return;
    }
    if (t->type == TOK_END && !strcmp(t->name, "table")) {
        if (p->ignored)
            p->ignored--;
        else if (p->depth)
            close_table(p);
        return;
    }
    if (!p->depth)
        return;
    if ((t->type == TOK_START || t->type == TOK_END) && table_tag(p, t))
        return;
    f = &p->stack[p->depth - 1];
    if (t->type == TOK_COMMENT || t->type == TOK_OPEN_COMMENT)
        return;
    if (f->cell_open)
        buf_add(&f->raw, t->src, t->len);
    else if (f->caption_open)
        buf_add(&f->cap, t->src, t->len);
}

static void
count_lines(struct htmltable *p, const char *s, size_t len)
{
    if (!p->line)
        return;
    for (const char *nl = s; (nl = memchr(nl, '\n', len - (size_t)(nl - s))); nl++)
        p->line++;
}

/* Skip the rest of a comment or raw-text element; returns bytes used (all if it goes on). */
static size_t
skip_special(struct htmltable *p, const char *s, size_t len)
{
    if (p->in_comment) {
        for (size_t i = 0; i < len; i++) {
            if (s[i] == '>' && p->comment_dashes >= 2) {
                p->in_comment = false;
                p->comment_dashes = 0;
                return i + 1;
            }
            p->comment_dashes = s[i] == '-' ? p->comment_dashes + 1 : 0;
        }
        return len;
    }
    for (size_t i = 0; i + 1 < len; i++) {
        size_t n = strlen(p->rawtext);

        if (s[i] == '<' && s[i + 1] == '/' && i + 2 + n <= len &&
            !strncasecmp(s + i + 2, p->rawtext, n)) {
            const char *gt = memchr(s + i, '>', len - i);

            p->rawtext[0] = '\0';
            return gt ? (size_t)(gt - s) + 1 : len;
        }
    }
    return len;
}

static void
run(struct htmltable *p, bool final)
{
    const char *s = p->pend.buf;
    size_t len = p->pend.len, i = 0;

    while (i < len) {
        struct tok t;
        size_t n;

        if (p->in_comment || p->rawtext[0]) {
            n = skip_special(p, s + i, len - i);
            count_lines(p, s + i, n);
            i += n;
            continue;
        }
        n = next_token(s + i, len - i, final || len - i > MAX_PENDING, &t);
        if (!n)
            break;
        if (t.type == TOK_OPEN_COMMENT) {
            p->in_comment = true;
            p->comment_dashes = 0;
            n = 4; /* rescan the rest of the comment body in skip_special() */
        } else {
            handle(p, &t);
            if (t.type == TOK_START && (!strcmp(t.name, "script") || !strcmp(t.name, "style")))
                memcpy(p->rawtext, t.name, strlen(t.name) + 1);
        }
        count_lines(p, s + i, n);
        i += n;
    }
    buf_remove(&p->pend, 0, i);
}

void
htmltable_feed(struct htmltable *p, const char *html, size_t len, size_t line)
{
    if (line && !p->pend.len)
        p->line = line;
    buf_add(&p->pend, html, len);
    run(p, false);
}

static int
by_order(const void *a, const void *b)
{
    const struct tgrid *x = *(struct tgrid *const *)a, *y = *(struct tgrid *const *)b;

    return x->order < y->order ? -1 : x->order > y->order;
}

void
htmltable_take(struct htmltable *p, bool flush, struct tgrid ***out, size_t *n, size_t *alloc)
{
    if (flush) {
        run(p, true);
        buf_reset(&p->pend);
        p->in_comment = false;
        p->rawtext[0] = '\0';
        p->ignored = 0;
        while (p->depth)
            close_table(p);
    }
    if (p->ndone > 1)
        qsort(p->done, p->ndone, sizeof(*p->done), by_order);
    for (size_t i = 0; i < p->ndone; i++) {
        ALLOC_GROW(*out, *n + 1, *alloc);
        (*out)[(*n)++] = p->done[i];
    }
    p->ndone = 0;
}

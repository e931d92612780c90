/*
 * tok_text — the text stages of a tokenizer: split patterns (regex, literal),
 * normalizers, pre-tokenizers and decoders, each a function from text (or a
 * list of pieces) to text, mirroring the tokenizers library's behaviour
 * (SplitDelimiterBehavior, ByteLevel's byte map, Metaspace's prepend rules).
 *
 * Pieces and matches live in caller-owned scratch structs that are reused
 * across calls; nothing here keeps state between calls.
 */
#include "lib/eval/tok_internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/eval/unicode.h"
#include "lib/xalloc.h"

/* ------------------------------------------------------------- pieces */

void
tok_pieces_reset(struct tok_pieces *p)
{
    buf_reset(&p->text);
    p->n = 0;
}

void
tok_pieces_release(struct tok_pieces *p)
{
    buf_release(&p->text);
    free(p->v);
    p->v = NULL;
    p->n = p->alloc = 0;
}

void
tok_pieces_push(struct tok_pieces *p, size_t off, size_t len, bool first)
{
    ALLOC_GROW(p->v, p->n + 1, p->alloc);
    p->v[p->n++] = (struct tok_span){ off, len, first };
}

void
tok_pieces_add(struct tok_pieces *p, const char *s, size_t len, bool first)
{
    size_t off = p->text.len;

    buf_add(&p->text, s, len);
    tok_pieces_push(p, off, len, first);
}

static void
pieces_swap(struct tok_pieces *a, struct tok_pieces *b)
{
    struct tok_pieces t = *a;

    *a = *b;
    *b = t;
}

/* ------------------------------------------------------------- patterns */

static void
match_push(struct tok_matches *m, size_t start, size_t end, bool is_match)
{
    ALLOC_GROW(m->v, m->n + 1, m->alloc);
    m->v[m->n++] = (struct tok_match){ start, end, is_match };
}

/* Oniguruma's find_iter: an empty match right after the previous match is skipped. */
static int
find_regex(const struct regex *re, const char *s, size_t len, struct tok_matches *m,
           struct ep_err *err)
{
    size_t from = 0, prev = 0, last_end = (size_t)-1, ms, me;

    while (from <= len) {
        int r = regex_search(re, s, len, from, &ms, &me, err);

        if (r < 0)
            return -1;
        if (!r)
            break;
        if (ms == me && me == last_end) {
            uint32_t cp;

            if (from >= len)
                break;
            from += uc_decode_valid(s + from, &cp);
            continue;
        }
        from = last_end = me;
        if (prev != ms)
            match_push(m, prev, ms, false);
        match_push(m, ms, me, true);
        prev = me;
    }
    if (prev != len)
        match_push(m, prev, len, false);
    return 0;
}

int
tok_find_matches(const struct tok_pattern *p, const char *s, size_t len, struct tok_matches *out,
                 struct ep_err *err)
{
    size_t prev = 0;

    out->n = 0;
    if (!len) {
        match_push(out, 0, 0, false);
        return 0;
    }
    if (p->kind == PAT_REGEX)
        return find_regex(p->re, s, len, out, err);
    if (p->lit_len) {
        for (size_t i = 0; i + p->lit_len <= len;) {
            const char *hit = memchr(s + i, p->lit[0], len - i - p->lit_len + 1);
            size_t at;

            if (!hit)
                break;
            at = (size_t)(hit - s);
            if (memcmp(hit, p->lit, p->lit_len)) {
                i = at + 1;
                continue;
            }
            if (at != prev)
                match_push(out, prev, at, false);
            match_push(out, at, at + p->lit_len, true);
            prev = i = at + p->lit_len;
        }
    }
    if (prev != len)
        match_push(out, prev, len, false);
    return 0;
}

void
tok_pattern_release(struct tok_pattern *p)
{
    regex_free(p->re);
    free(p->lit);
    memset(p, 0, sizeof(*p));
}

/*
 * Turn the match list into the pieces kept by a SplitDelimiterBehavior, in
 * place: m->v[0..m->n) becomes the kept (start, end) stretches, empty ones
 * included (callers drop them).
 */
static void
apply_behavior(enum tok_split_behavior b, bool invert, struct tok_matches *m)
{
    size_t out = 0;
    bool prev = false;

    if (invert)
        for (size_t i = 0; i < m->n; i++)
            m->v[i].is_match = !m->v[i].is_match;
    if (b == SPLIT_MERGED_NEXT) {
        /* Fold from the right: a match joins the piece after it. */
        size_t w = m->n;

        for (size_t i = m->n; i-- > 0;) {
            struct tok_match cur = m->v[i];

            if (cur.is_match && !prev && w < m->n)
                m->v[w].start = cur.start;
            else
                m->v[--w] = cur;
            prev = cur.is_match;
        }
        memmove(m->v, m->v + w, (m->n - w) * sizeof(*m->v));
        m->n -= w;
        return;
    }
    for (size_t i = 0; i < m->n; i++) {
        struct tok_match cur = m->v[i];

        if (b == SPLIT_REMOVED && cur.is_match)
            continue;
        if (out > 0 && ((b == SPLIT_MERGED_PREV && cur.is_match && !prev) ||
                        (b == SPLIT_CONTIGUOUS && cur.is_match == prev)))
            m->v[out - 1].end = cur.end;
        else
            m->v[out++] = cur;
        prev = cur.is_match;
    }
    m->n = out;
}

/* ------------------------------------------------------------- normalizers */

static int
replace_all(const struct tok_pattern *pat, const char *content, size_t clen, const char *s,
            size_t len, struct buf *out, struct ep_err *err)
{
    struct tok_matches m = { NULL, 0, 0 };

    if (tok_find_matches(pat, s, len, &m, err) < 0) {
        free(m.v);
        return -1;
    }
    for (size_t i = 0; i < m.n; i++) {
        if (m.v[i].is_match)
            buf_add(out, content, clen);
        else
            buf_add(out, s + m.v[i].start, m.v[i].end - m.v[i].start);
    }
    free(m.v);
    return 0;
}

static void
strip_spaces(const char *s, size_t len, bool left, bool right, struct buf *out)
{
    size_t a = 0, b = len;
    uint32_t cp;

    while (left && a < b && uc_is_space((uc_decode_valid(s + a, &cp), cp)))
        a += uc_decode_valid(s + a, &cp);
    while (right && b > a) {
        size_t p = b - 1;

        while (p > a && ((unsigned char)s[p] & 0xc0) == 0x80)
            p--;
        uc_decode_valid(s + p, &cp);
        if (!uc_is_space(cp))
            break;
        b = p;
    }
    buf_add(out, s + a, b - a);
}

int
tok_normalize(const struct tok_step *n, const char *s, size_t len, struct buf *out,
              struct ep_err *err)
{
    struct buf tmp = BUF_INIT;
    int r = 0;

    buf_reset(out);
    switch (n->type) {
    case NORM_SEQ:
        buf_add(out, s, len);
        for (size_t i = 0; i < n->nsub && r == 0; i++) {
            buf_reset(&tmp);
            buf_add(&tmp, out->buf, out->len);
            r = tok_normalize(&n->sub[i], tmp.buf, tmp.len, out, err);
        }
        break;
    case NORM_NFC:
    case NORM_NFD:
    case NORM_NFKC:
    case NORM_NFKD:
        uc_normalize(n->type == NORM_NFC    ? UC_NFC
                     : n->type == NORM_NFD  ? UC_NFD
                     : n->type == NORM_NFKC ? UC_NFKC
                                            : UC_NFKD,
                     s, len, out);
        break;
    case NORM_PREPEND:
        if (len)
            buf_add(out, n->content, n->content_len);
        buf_add(out, s, len);
        break;
    case NORM_REPLACE:
        r = replace_all(&n->pat, n->content, n->content_len, s, len, out, err);
        break;
    case NORM_STRIP:
        strip_spaces(s, len, n->left, n->right, out);
        break;
    case NORM_LOWER:
        uc_lowercase(s, len, out);
        break;
    default:
        BUG("not a normalizer: %d", (int)n->type);
    }
    buf_release(&tmp);
    return r;
}

/* ------------------------------------------------------------- byte level */

static uint32_t
byte_cp(unsigned b)
{
    if ((b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || b >= 0xae)
        return b;
    if (b <= 0x20)
        return 0x100 + b;
    if (b >= 0x7f && b <= 0xa0)
        return 0x121 + (b - 0x7f);
    return 0x143; /* 0xAD */
}

int
tok_cp_to_byte(uint32_t cp)
{
    if (cp < 0x100)
        return byte_cp(cp) == cp ? (int)cp : -1;
    if (cp <= 0x120)
        return (int)(cp - 0x100);
    if (cp <= 0x142)
        return (int)(cp - 0x121 + 0x7f);
    return cp == 0x143 ? 0xad : -1;
}

/* Append the byte-level form of s: each byte becomes its mapped code point. */
static void
add_byte_mapped(struct buf *out, const char *s, size_t len)
{
    buf_grow(out, 2 * len);
    for (size_t i = 0; i < len; i++) {
        uint32_t cp = byte_cp((unsigned char)s[i]);

        if (cp < 0x80) {
            out->buf[out->len++] = (char)cp;
        } else {
            out->buf[out->len++] = (char)(0xc0 | (cp >> 6));
            out->buf[out->len++] = (char)(0x80 | (cp & 0x3f));
        }
    }
    out->buf[out->len] = '\0';
}

static int
pre_byte_level(const struct tok_step *st, const struct regex *gpt2, struct tok_pieces *p,
               struct tok_pieces *tmp, struct tok_matches *m, struct ep_err *err)
{
    struct buf pre = BUF_INIT;
    struct tok_pattern pat = { PAT_REGEX, (struct regex *)gpt2, NULL, 0 };
    int r = 0;

    tok_pieces_reset(tmp);
    for (size_t i = 0; i < p->n && r == 0; i++) {
        const char *s = p->text.buf + p->v[i].off;
        size_t len = p->v[i].len;

        if (st->add_prefix_space && (!len || s[0] != ' ')) {
            buf_reset(&pre);
            buf_addch(&pre, ' ');
            buf_add(&pre, s, len);
            s = pre.buf, len = pre.len;
        }
        if (!st->use_regex) {
            size_t off = tmp->text.len;

            add_byte_mapped(&tmp->text, s, len);
            if (len)
                tok_pieces_push(tmp, off, tmp->text.len - off, p->v[i].first);
            continue;
        }
        r = tok_find_matches(&pat, s, len, m, err);
        for (size_t k = 0; k < m->n && r == 0; k++) {
            size_t off = tmp->text.len;

            if (m->v[k].end == m->v[k].start)
                continue;
            add_byte_mapped(&tmp->text, s + m->v[k].start, m->v[k].end - m->v[k].start);
            tok_pieces_push(tmp, off, tmp->text.len - off, p->v[i].first && k == 0);
        }
    }
    buf_release(&pre);
    pieces_swap(p, tmp);
    return r;
}

/* ------------------------------------------------------------- pre-tokenizers */

static int
pre_split(const struct tok_step *st, struct tok_pieces *p, struct tok_pieces *tmp,
          struct tok_matches *m, struct ep_err *err)
{
    tmp->n = 0;
    for (size_t i = 0; i < p->n; i++) {
        const struct tok_span sp = p->v[i];

        if (tok_find_matches(&st->pat, p->text.buf + sp.off, sp.len, m, err) < 0)
            return -1;
        apply_behavior(st->behavior, st->invert, m);
        for (size_t k = 0; k < m->n; k++)
            if (m->v[k].end > m->v[k].start)
                tok_pieces_push(tmp, sp.off + m->v[k].start, m->v[k].end - m->v[k].start,
                                sp.first && m->v[k].start == 0);
    }
    /* Same text, new spans. */
    {
        struct tok_span *v = p->v;
        size_t n = p->n, alloc = p->alloc;

        p->v = tmp->v, p->n = tmp->n, p->alloc = tmp->alloc;
        tmp->v = v, tmp->n = n, tmp->alloc = alloc;
    }
    return 0;
}

static int
pre_metaspace(const struct tok_step *st, struct tok_pieces *p, struct tok_pieces *tmp,
              struct tok_matches *m, struct ep_err *err)
{
    struct buf w = BUF_INIT;
    struct tok_pattern pat = { PAT_LITERAL, NULL, st->content, st->content_len };

    tok_pieces_reset(tmp);
    for (size_t i = 0; i < p->n; i++) {
        const char *s = p->text.buf + p->v[i].off;
        size_t len = p->v[i].len, base;

        buf_reset(&w);
        for (size_t k = 0; k < len; k++) {
            if (s[k] == ' ')
                buf_add(&w, st->content, st->content_len);
            else
                buf_addch(&w, s[k]);
        }
        base = tmp->text.len;
        if ((st->prepend == PREPEND_ALWAYS || (st->prepend == PREPEND_FIRST && p->v[i].first)) &&
            (w.len < st->content_len || memcmp(w.buf, st->content, st->content_len)))
            buf_add(&tmp->text, st->content, st->content_len);
        buf_add(&tmp->text, w.buf, w.len);
        len = tmp->text.len - base;
        if (!st->split) {
            if (len)
                tok_pieces_push(tmp, base, len, p->v[i].first);
            continue;
        }
        if (tok_find_matches(&pat, tmp->text.buf + base, len, m, err) < 0) {
            buf_release(&w);
            return -1;
        }
        apply_behavior(SPLIT_MERGED_NEXT, false, m);
        for (size_t k = 0; k < m->n; k++)
            if (m->v[k].end > m->v[k].start)
                tok_pieces_push(tmp, base + m->v[k].start, m->v[k].end - m->v[k].start,
                                p->v[i].first && k == 0);
    }
    buf_release(&w);
    pieces_swap(p, tmp);
    return 0;
}

int
tok_pretokenize(const struct tok_step *s, const struct regex *gpt2_re, struct tok_pieces *p,
                struct tok_pieces *tmp, struct tok_matches *m, struct ep_err *err)
{
    switch (s->type) {
    case PRE_SEQ:
        for (size_t i = 0; i < s->nsub; i++)
            if (tok_pretokenize(&s->sub[i], gpt2_re, p, tmp, m, err) < 0)
                return -1;
        return 0;
    case PRE_BYTELEVEL:
        return pre_byte_level(s, gpt2_re, p, tmp, m, err);
    case PRE_SPLIT:
        return pre_split(s, p, tmp, m, err);
    case PRE_METASPACE:
        return pre_metaspace(s, p, tmp, m, err);
    default:
        BUG("not a pre-tokenizer: %d", (int)s->type);
    }
}

/* ------------------------------------------------------------- decoders */

static void
dec_byte_level(struct tok_pieces *p, struct tok_pieces *tmp)
{
    struct buf raw = BUF_INIT;

    for (size_t i = 0; i < p->n; i++) {
        const char *s = p->text.buf + p->v[i].off;
        size_t len = p->v[i].len, start = raw.len, k;

        for (k = 0; k < len;) {
            uint32_t cp;
            int b;

            k += uc_decode_valid(s + k, &cp);
            b = tok_cp_to_byte(cp);
            if (b < 0) {
                /* A char outside the map: this token goes through as its own bytes. */
                buf_setlen(&raw, start);
                buf_add(&raw, s, len);
                break;
            }
            buf_addch(&raw, b);
        }
    }
    tok_pieces_reset(tmp);
    uc_add_lossy(&tmp->text, raw.buf, raw.len);
    tok_pieces_push(tmp, 0, tmp->text.len, false);
    buf_release(&raw);
    pieces_swap(p, tmp);
}

static void
dec_metaspace(const struct tok_step *st, struct tok_pieces *p, struct tok_pieces *tmp)
{
    tok_pieces_reset(tmp);
    for (size_t i = 0; i < p->n; i++) {
        const char *s = p->text.buf + p->v[i].off;
        size_t len = p->v[i].len, off = tmp->text.len;

        for (size_t k = 0; k < len;) {
            uint32_t cp;
            size_t n = uc_decode_valid(s + k, &cp);

            if (cp != st->ch)
                buf_add(&tmp->text, s + k, n);
            else if (i != 0 || st->prepend == PREPEND_NEVER)
                buf_addch(&tmp->text, ' ');
            k += n;
        }
        tok_pieces_push(tmp, off, tmp->text.len - off, false);
    }
    pieces_swap(p, tmp);
}

/* "<0xNN>" -> the byte, else -1 (u8::from_str_radix accepts a leading '+'). */
static int
byte_token(const char *s, size_t len)
{
    int hi, lo;

    if (len != 6 || memcmp(s, "<0x", 3) || s[5] != '>')
        return -1;
    if (s[3] == '+') {
        lo = s[4] >= '0' && s[4] <= '9' ? s[4] - '0' : -1;
        if (s[4] >= 'a' && s[4] <= 'f')
            lo = s[4] - 'a' + 10;
        if (s[4] >= 'A' && s[4] <= 'F')
            lo = s[4] - 'A' + 10;
        return lo;
    }
    hi = (s[3] >= '0' && s[3] <= '9')   ? s[3] - '0'
         : (s[3] >= 'a' && s[3] <= 'f') ? s[3] - 'a' + 10
         : (s[3] >= 'A' && s[3] <= 'F') ? s[3] - 'A' + 10
                                        : -1;
    lo = (s[4] >= '0' && s[4] <= '9')   ? s[4] - '0'
         : (s[4] >= 'a' && s[4] <= 'f') ? s[4] - 'a' + 10
         : (s[4] >= 'A' && s[4] <= 'F') ? s[4] - 'A' + 10
                                        : -1;
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

static void
flush_bytes(struct tok_pieces *tmp, struct buf *bytes)
{
    if (!bytes->len)
        return;
    if (uc_valid(bytes->buf, bytes->len, NULL)) {
        tok_pieces_add(tmp, bytes->buf, bytes->len, false);
    } else {
        for (size_t k = 0; k < bytes->len; k++)
            tok_pieces_add(tmp, "\xef\xbf\xbd", 3, false);
    }
    buf_reset(bytes);
}

static void
dec_byte_fallback(struct tok_pieces *p, struct tok_pieces *tmp)
{
    struct buf bytes = BUF_INIT;

    tok_pieces_reset(tmp);
    for (size_t i = 0; i < p->n; i++) {
        const char *s = p->text.buf + p->v[i].off;
        int b = byte_token(s, p->v[i].len);

        if (b >= 0) {
            buf_addch(&bytes, b);
            continue;
        }
        flush_bytes(tmp, &bytes);
        tok_pieces_add(tmp, s, p->v[i].len, false);
    }
    flush_bytes(tmp, &bytes);
    buf_release(&bytes);
    pieces_swap(p, tmp);
}

/* Strip up to start leading and stop trailing copies of ch from each token. */
static void
dec_strip(const struct tok_step *st, struct tok_pieces *p)
{
    for (size_t i = 0; i < p->n; i++) {
        const char *s = p->text.buf + p->v[i].off;
        size_t a = 0, b = p->v[i].len;
        uint32_t cp;

        for (size_t k = 0; k < st->start && a < b; k++) {
            size_t n = uc_decode_valid(s + a, &cp);

            if (cp != st->ch)
                break;
            a += n;
        }
        for (size_t k = 0; k < st->stop && b > a; k++) {
            size_t q = b - 1;

            while (q > a && ((unsigned char)s[q] & 0xc0) == 0x80)
                q--;
            uc_decode_valid(s + q, &cp);
            if (cp != st->ch)
                break;
            b = q;
        }
        p->v[i].off += a;
        p->v[i].len = b - a;
    }
}

int
tok_decode_step(const struct tok_step *s, struct tok_pieces *p, struct tok_pieces *tmp,
                struct ep_err *err)
{
    switch (s->type) {
    case DEC_SEQ:
        for (size_t i = 0; i < s->nsub; i++)
            if (tok_decode_step(&s->sub[i], p, tmp, err) < 0)
                return -1;
        return 0;
    case DEC_BYTELEVEL:
        dec_byte_level(p, tmp);
        return 0;
    case DEC_METASPACE:
        dec_metaspace(s, p, tmp);
        return 0;
    case DEC_BYTEFALLBACK:
        dec_byte_fallback(p, tmp);
        return 0;
    case DEC_FUSE:
        tok_pieces_reset(tmp);
        for (size_t i = 0; i < p->n; i++)
            buf_add(&tmp->text, p->text.buf + p->v[i].off, p->v[i].len);
        tok_pieces_push(tmp, 0, tmp->text.len, false);
        pieces_swap(p, tmp);
        return 0;
    case DEC_STRIP:
        dec_strip(s, p);
        return 0;
    case DEC_REPLACE:
        tok_pieces_reset(tmp);
        for (size_t i = 0; i < p->n; i++) {
            size_t off = tmp->text.len;

            if (replace_all(&s->pat, s->content, s->content_len, p->text.buf + p->v[i].off,
                            p->v[i].len, &tmp->text, err) < 0)
                return -1;
            tok_pieces_push(tmp, off, tmp->text.len - off, false);
        }
        pieces_swap(p, tmp);
        return 0;
    default:
        BUG("not a decoder: %d", (int)s->type);
    }
}

void
tok_step_release(struct tok_step *s)
{
    for (size_t i = 0; i < s->nsub; i++)
        tok_step_release(&s->sub[i]);
    free(s->sub);
    tok_pattern_release(&s->pat);
    free(s->content);
    memset(s, 0, sizeof(*s));
}

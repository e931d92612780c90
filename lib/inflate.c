/*
 * inflate — RFC 1951 decoder: a bit reader, canonical Huffman codes decoded
 * one bit at a time (simple and fast enough for log headers), and the three
 * block types.
 */
#include "lib/inflate.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define MAX_BITS   15  /* longest code */
#define MAX_LITLEN 288 /* literal/length symbols (286 used, 288 in the fixed code) */
#define MAX_DIST   32  /* distance symbols (30 used) */

struct bits {
    const unsigned char *in;
    size_t len, pos; /* next byte */
    uint32_t buf;    /* bits not yet used, lowest first */
    int cnt;
    bool eof;
};

/* A canonical Huffman code: how many codes of each length, symbols by code. */
struct huff {
    uint16_t count[MAX_BITS + 1];
    uint16_t symbol[MAX_LITLEN];
};

struct state {
    struct bits b;
    struct buf *out;
    size_t start; /* where this stream's output begins in out */
    size_t max_out;
    struct ep_err *err;
};

/* ---------------------------------------------------------------- bits */

static uint32_t
getbits(struct bits *b, int n)
{
    uint32_t v;

    while (b->cnt < n) {
        if (b->pos >= b->len) {
            b->eof = true;
            return 0;
        }
        b->buf |= (uint32_t)b->in[b->pos++] << b->cnt;
        b->cnt += 8;
    }
    v = b->buf & ((1u << n) - 1);
    b->buf >>= n;
    b->cnt -= n;
    return v;
}

/* ---------------------------------------------------------------- codes */

/*
 * Build h from code lengths len[0, n). Returns 0 for a complete code, -1 for
 * an over-subscribed set of lengths, and for an incomplete one, as zlib does,
 * -1 too unless it has at most one code (a lone distance code, or none).
 */
static int
build(struct huff *h, const uint8_t *len, int n)
{
    uint16_t offs[MAX_BITS + 1];
    int left = 1;

    memset(h->count, 0, sizeof(h->count));
    for (int s = 0; s < n; s++)
        h->count[len[s]]++;
    if (h->count[0] == n)
        return 0;
    for (int l = 1; l <= MAX_BITS; l++) {
        left = left * 2 - h->count[l];
        if (left < 0)
            return -1;
    }
    if (left > 0 && n - h->count[0] > 1)
        return -1;
    offs[1] = 0;
    for (int l = 1; l < MAX_BITS; l++)
        offs[l + 1] = (uint16_t)(offs[l] + h->count[l]);
    for (int s = 0; s < n; s++)
        if (len[s])
            h->symbol[offs[len[s]]++] = (uint16_t)s;
    return 0;
}

/* The next symbol of code h, or -1 (no such code, or the input ended). */
static int
decode(struct bits *b, const struct huff *h)
{
    int code = 0, first = 0, index = 0;

    for (int l = 1; l <= MAX_BITS; l++) {
        code |= (int)getbits(b, 1);
        if (b->eof)
            return -1;
        if (code - first < h->count[l])
            return h->symbol[index + code - first];
        index += h->count[l];
        first = (first + h->count[l]) << 1;
        code <<= 1;
    }
    return -1;
}

/* ---------------------------------------------------------------- blocks */

static const uint16_t len_base[29] = { 3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                       15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                       67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                       2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[30] = { 1,    2,    3,    4,     5,     7,    9,    13,
                                        17,   25,   33,   49,    65,    97,   129,  193,
                                        257,  385,  513,  769,   1025,  1537, 2049, 3073,
                                        4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[30] = { 0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                        6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

static int
room(struct state *s, size_t n)
{
    if (s->out->len - s->start + n > s->max_out)
        return ep_err_set(s->err, "inflated data larger than %zu bytes", s->max_out);
    return 0;
}

static int
stored(struct state *s)
{
    struct bits *b = &s->b;
    size_t n;

    b->buf = 0; /* skip to a byte boundary */
    b->cnt = 0;
    if (b->len - b->pos < 4)
        return ep_err_set(s->err, "deflate data truncated in a stored block");
    n = (size_t)b->in[b->pos] | (size_t)b->in[b->pos + 1] << 8;
    if ((n ^ ((size_t)b->in[b->pos + 2] | (size_t)b->in[b->pos + 3] << 8)) != 0xffff)
        return ep_err_set(s->err, "bad stored block length in deflate data");
    b->pos += 4;
    if (b->len - b->pos < n)
        return ep_err_set(s->err, "deflate data truncated in a stored block");
    if (room(s, n) < 0)
        return -1;
    buf_add(s->out, b->in + b->pos, n);
    b->pos += n;
    return 0;
}

static int
codes(struct state *s, const struct huff *lit, const struct huff *dist)
{
    for (;;) {
        int sym = decode(&s->b, lit);
        size_t n, d;

        if (sym < 0)
            return ep_err_set(s->err, "bad or truncated deflate data");
        if (sym < 256) {
            if (room(s, 1) < 0)
                return -1;
            buf_addch(s->out, sym);
            continue;
        }
        if (sym == 256)
            return 0;
        sym -= 257;
        if (sym >= 29)
            return ep_err_set(s->err, "bad length code in deflate data");
        n = len_base[sym] + getbits(&s->b, len_extra[sym]);
        sym = decode(&s->b, dist);
        if (sym < 0 || sym >= 30)
            return ep_err_set(s->err, "bad distance code in deflate data");
        d = dist_base[sym] + getbits(&s->b, dist_extra[sym]);
        if (s->b.eof)
            return ep_err_set(s->err, "deflate data truncated");
        if (d > s->out->len - s->start)
            return ep_err_set(s->err, "deflate distance %zu reaches before the start", d);
        if (room(s, n) < 0)
            return -1;
        buf_grow(s->out, n);
        for (size_t i = 0; i < n; i++) /* byte by byte: the copy may overlap itself */
            s->out->buf[s->out->len + i] = s->out->buf[s->out->len + i - d];
        s->out->len += n; /* buf_grow() made room for the bytes and the NUL */
        s->out->buf[s->out->len] = '\0';
    }
}

static int
fixed(struct state *s)
{
    struct huff lit, dist;
    uint8_t len[MAX_LITLEN];
    int i = 0;

    while (i < 144)
        len[i++] = 8;
    while (i < 256)
        len[i++] = 9;
    while (i < 280)
        len[i++] = 7;
    while (i < 288)
        len[i++] = 8;
    build(&lit, len, 288);
    memset(len, 5, 32); /* distance codes 30 and 31 take part in the code but never occur */
    build(&dist, len, 32);
    return codes(s, &lit, &dist);
}

static int
dynamic(struct state *s)
{
    static const uint8_t order[19] = { 16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                       11, 4,  12, 3, 13, 2, 14, 1, 15 };
    struct huff lencode, lit, dist;
    uint8_t len[MAX_LITLEN + MAX_DIST];
    int nlen = (int)getbits(&s->b, 5) + 257, ndist = (int)getbits(&s->b, 5) + 1;
    int ncode = (int)getbits(&s->b, 4) + 4, i = 0;

    if (nlen > 286 || ndist > 30)
        return ep_err_set(s->err, "bad code counts in deflate data");
    memset(len, 0, sizeof(len));
    for (int k = 0; k < ncode; k++)
        len[order[k]] = (uint8_t)getbits(&s->b, 3);
    if (s->b.eof || build(&lencode, len, 19) != 0)
        return ep_err_set(s->err, "bad code-length code in deflate data");
    while (i < nlen + ndist) {
        int sym = decode(&s->b, &lencode), rep, val = 0;

        if (sym < 0)
            return ep_err_set(s->err, "bad or truncated deflate data");
        if (sym < 16) {
            len[i++] = (uint8_t)sym;
            continue;
        }
        if (sym == 16) {
            if (i == 0)
                return ep_err_set(s->err, "repeat with no previous length in deflate data");
            val = len[i - 1];
            rep = 3 + (int)getbits(&s->b, 2);
        } else if (sym == 17) {
            rep = 3 + (int)getbits(&s->b, 3);
        } else {
            rep = 11 + (int)getbits(&s->b, 7);
        }
        if (i + rep > nlen + ndist)
            return ep_err_set(s->err, "too many code lengths in deflate data");
        while (rep--)
            len[i++] = (uint8_t)val;
    }
    if (len[256] == 0)
        return ep_err_set(s->err, "no end-of-block code in deflate data");
    if (build(&lit, len, nlen) < 0 || build(&dist, len + nlen, ndist) < 0)
        return ep_err_set(s->err, "over-subscribed code in deflate data");
    return codes(s, &lit, &dist);
}

int
inflate_raw(const unsigned char *in, size_t len, size_t max_out, struct buf *out, size_t *used,
            struct ep_err *err)
{
    struct state s = {
        .b = { .in = in, .len = len }, .out = out, .start = out->len, .max_out = max_out, .err = err
    };
    uint32_t last;

    do {
        uint32_t type;
        int rc;

        last = getbits(&s.b, 1);
        type = getbits(&s.b, 2);
        if (s.b.eof)
            return ep_err_set(err, "deflate data truncated");
        if (type == 0)
            rc = stored(&s);
        else if (type == 1)
            rc = fixed(&s);
        else if (type == 2)
            rc = dynamic(&s);
        else
            rc = ep_err_set(err, "bad block type in deflate data");
        if (rc < 0)
            return -1;
    } while (!last);
    if (used)
        *used = s.b.pos;
    return 0;
}

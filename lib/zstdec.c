/*
 * zstdec — RFC 8878 decoder. Section numbers below are the RFC's.
 *
 * Layout: bit readers (forward for table headers, backward for the entropy
 * streams), FSE tables (§4.1), Huffman tables (§4.2), the literals section
 * (§3.1.1.3.1), the sequences section and its execution (§3.1.1.3.2, §3.1.1.4,
 * §3.1.1.5), blocks and frames (§3.1.1), and XXH64 for the checksum.
 */
#include "lib/zstdec.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

#define ZSTD_MAGIC 0xFD2FB528u
#define SKIP_MAGIC 0x184D2A50u /* low 4 bits free */
#define BLOCK_MAX  (128 * 1024)
#define WINDOW_MAX ((uint64_t)1 << 31) /* refuse frames asking for more */

#define FSE_MAX_LOG  9
#define HUF_MAX_BITS 11
#define LL_MAX       35
#define ML_MAX       52
#define OF_MAX       31

struct fse_entry {
    uint16_t symbol;
    uint8_t nbits;
    uint16_t base;
};

struct fse_table {
    struct fse_entry e[1 << FSE_MAX_LOG];
    int log;
    bool valid;
};

struct huf_entry {
    uint8_t symbol, nbits;
};

struct huf_table {
    struct huf_entry e[1 << HUF_MAX_BITS];
    int maxbits;
    bool valid;
};

/* What lives across the blocks of one frame. */
struct frame {
    struct buf *out;
    size_t start, max_out; /* this frame's first output byte; the global cap */
    uint64_t window;
    struct ep_err *err;
    struct huf_table huf;
    struct fse_table ll, of, ml;
    uint32_t rep[3];
    struct buf lits;
};

/* Count n bytes written past the end of b (buf_grow() made room) as part of it. */
static void
extend(struct buf *b, size_t n)
{
    b->len += n;
    b->buf[b->len] = '\0';
}

static int
corrupt(struct frame *f, const char *what)
{
    return ep_err_set(f->err, "corrupt zstd data: %s", what);
}

static int
highbit(uint32_t v) /* v > 0 */
{
    int n = 0;

    while (v >>= 1)
        n++;
    return n;
}

static uint64_t
le(const uint8_t *p, int n)
{
    uint64_t v = 0;

    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* ---------------------------------------------------------------- bit readers */

/* Forward, least significant bit first (FSE table headers). */
struct fbits {
    const uint8_t *p;
    size_t len, pos; /* pos in bits */
};

static uint32_t
fbits_read(struct fbits *b, int n, bool *over)
{
    uint32_t v = 0;

    for (int i = 0; i < n; i++, b->pos++) {
        if (b->pos / 8 >= b->len) {
            *over = true;
            return 0;
        }
        v |= (uint32_t)(b->p[b->pos / 8] >> (b->pos % 8) & 1) << i;
    }
    return v;
}

/*
 * Backward (§4.1: entropy streams are read from the end). pos counts the bits
 * not yet read; the highest set bit of the last byte marks the start. Bits
 * "below" the first byte read as zeros, and pos goes negative: callers check.
 */
struct rbits {
    const uint8_t *p;
    size_t len;
    int64_t pos;
};

static int
rbits_init(struct rbits *r, const uint8_t *p, size_t len)
{
    if (!len || !p[len - 1])
        return -1;
    r->p = p;
    r->len = len;
    r->pos = (int64_t)(len - 1) * 8 + highbit(p[len - 1]);
    return 0;
}

static uint64_t
rbits_peek(const struct rbits *r, int n)
{
    int64_t lo = r->pos - n;
    uint64_t w = 0, mask = n >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;
    size_t first;

    if (n == 0)
        return 0;
    if (lo < 0) {
        /* fewer than n bits left: the rest are zeros below */
        if (r->pos <= 0)
            return 0;
        struct rbits low = { r->p, r->len, r->pos };
        return rbits_peek(&low, (int)r->pos) << (n - r->pos) & mask;
    }
    first = (size_t)(lo / 8);
    for (size_t i = 0; i < 8 && first + i < r->len; i++)
        w |= (uint64_t)r->p[first + i] << (8 * i);
    return w >> (lo % 8) & mask;
}

static uint64_t
rbits_read(struct rbits *r, int n)
{
    uint64_t v = rbits_peek(r, n);

    r->pos -= n;
    return v;
}

/* ---------------------------------------------------------------- FSE (§4.1) */

/*
 * Read a normalised distribution (§4.1.1) from p[0, len) into norm[0, *nsym),
 * accuracy log into *log. Returns the bytes used, or -1.
 */
static long
fse_header(const uint8_t *p, size_t len, int max_sym, int max_log, int16_t *norm, int *nsym,
           int *log)
{
    struct fbits b = { p, len, 0 };
    bool over = false;
    int al = (int)fbits_read(&b, 4, &over) + 5, sym = 0;
    int remaining = (1 << al) + 1, threshold = 1 << al, nbits = al + 1;

    if (al > max_log)
        return -1;
    while (remaining > 1 && sym <= max_sym) {
        int max = 2 * threshold - 1 - remaining, count;
        uint32_t v = fbits_read(&b, nbits - 1, &over);

        if ((int)v >= max) {
            v |= fbits_read(&b, 1, &over) << (nbits - 1);
            if ((int)v >= threshold)
                v -= (uint32_t)max;
        }
        count = (int)v - 1;
        remaining -= count < 0 ? -count : count;
        norm[sym++] = (int16_t)count;
        if (count == 0) { /* runs of zero probabilities, in 2-bit repeat fields */
            uint32_t rep;

            do {
                rep = fbits_read(&b, 2, &over);
                for (uint32_t i = 0; i < rep; i++) {
                    if (sym > max_sym)
                        return -1;
                    norm[sym++] = 0;
                }
            } while (rep == 3 && !over);
        }
        while (remaining < threshold && threshold > 1) {
            nbits--;
            threshold >>= 1;
        }
        if (over)
            return -1;
    }
    if (remaining != 1 || over)
        return -1;
    *nsym = sym;
    *log = al;
    return (long)((b.pos + 7) / 8);
}

/* Build the decoding table of a distribution (§4.1.1, "FSE table"). Returns 0 or -1. */
static int
fse_build(struct fse_table *t, const int16_t *norm, int nsym, int log)
{
    int size = 1 << log, high = size - 1, step = (size >> 1) + (size >> 3) + 3, pos = 0;
    uint16_t next[256];

    for (int s = 0; s < nsym; s++) {
        if (norm[s] == -1) {
            t->e[high--].symbol = (uint16_t)s;
            next[s] = 1;
        } else {
            next[s] = (uint16_t)norm[s];
        }
    }
    for (int s = 0; s < nsym; s++) {
        for (int i = 0; i < norm[s]; i++) {
            t->e[pos].symbol = (uint16_t)s;
            do
                pos = (pos + step) & (size - 1);
            while (pos > high);
        }
    }
    if (pos != 0)
        return -1;
    for (int u = 0; u < size; u++) {
        int n = next[t->e[u].symbol]++, nb = log - highbit((uint32_t)n);

        t->e[u].nbits = (uint8_t)nb;
        t->e[u].base = (uint16_t)((n << nb) - size);
    }
    t->log = log;
    t->valid = true;
    return 0;
}

static void
fse_rle(struct fse_table *t, uint8_t sym)
{
    t->e[0] = (struct fse_entry){ sym, 0, 0 };
    t->log = 0;
    t->valid = true;
}

/* ---------------------------------------------------------------- Huffman (§4.2) */

/* Weights described with FSE (§4.2.1.2): two interleaved states. Returns the count or -1. */
static int
huf_fse_weights(const uint8_t *p, size_t len, uint8_t *w)
{
    struct fse_table *t = xmalloc(sizeof(*t));
    int16_t norm[256];
    int nsym, log, n = 0, rc = -1;
    long used = fse_header(p, len, 255, 6, norm, &nsym, &log);
    struct rbits r;
    uint32_t s1, s2;

    if (used < 0 || (size_t)used >= len || fse_build(t, norm, nsym, log) < 0 ||
        rbits_init(&r, p + used, len - (size_t)used) < 0)
        goto out;
    s1 = (uint32_t)rbits_read(&r, log);
    s2 = (uint32_t)rbits_read(&r, log);
    if (r.pos < 0)
        goto out;
    for (;;) { /* until an update would read past the start: then the other state ends it */
        if (n >= 255)
            goto out;
        w[n++] = (uint8_t)t->e[s1].symbol;
        s1 = t->e[s1].base + (uint32_t)rbits_read(&r, t->e[s1].nbits);
        if (n >= 255)
            goto out;
        if (r.pos < 0) {
            w[n++] = (uint8_t)t->e[s2].symbol;
            break;
        }
        w[n++] = (uint8_t)t->e[s2].symbol;
        s2 = t->e[s2].base + (uint32_t)rbits_read(&r, t->e[s2].nbits);
        if (r.pos < 0) {
            if (n >= 255)
                goto out;
            w[n++] = (uint8_t)t->e[s1].symbol;
            break;
        }
    }
    rc = n;
out:
    free(t);
    return rc;
}

/* Read a tree description (§4.2.1) into f->huf. Returns the bytes used, or -1. */
static long
huf_read(struct frame *f, const uint8_t *p, size_t len)
{
    uint8_t w[256];
    int n, maxbits;
    uint32_t total = 0, rest, rank[HUF_MAX_BITS + 2] = { 0 }, start = 0;
    long used;

    if (!len)
        return -1;
    if (p[0] < 128) {
        used = 1 + (long)p[0];
        if ((size_t)used > len || (n = huf_fse_weights(p + 1, p[0], w)) < 0)
            return -1;
    } else {
        n = p[0] - 127;
        used = 1 + (n + 1) / 2;
        if ((size_t)used > len)
            return -1;
        for (int i = 0; i < n; i++)
            w[i] = (uint8_t)(i % 2 ? p[1 + i / 2] & 15 : p[1 + i / 2] >> 4);
    }
    for (int i = 0; i < n; i++) {
        if (w[i] > HUF_MAX_BITS)
            return -1;
        total += w[i] ? 1u << (w[i] - 1) : 0;
    }
    if (!total)
        return -1;
    maxbits = highbit(total) + 1;
    rest = (1u << maxbits) - total; /* the last symbol's weight is implied */
    if (maxbits > HUF_MAX_BITS || rest & (rest - 1))
        return -1;
    w[n++] = (uint8_t)(highbit(rest) + 1);
    for (int i = 0; i < n; i++)
        rank[w[i]]++;
    for (int wt = 1; wt <= maxbits; wt++) { /* weight 1 (longest codes) fills the table first */
        uint32_t cur = start;

        start += rank[wt] << (wt - 1);
        rank[wt] = cur;
    }
    for (int s = 0; s < n; s++) {
        uint32_t k = w[s] ? (1u << w[s]) >> 1 : 0;

        for (uint32_t i = 0; i < k; i++)
            f->huf.e[rank[w[s]] + i] =
                (struct huf_entry){ (uint8_t)s, (uint8_t)(maxbits + 1 - w[s]) };
        rank[w[s]] += k;
    }
    f->huf.maxbits = maxbits;
    f->huf.valid = true;
    return used;
}

static int
huf_stream(struct frame *f, const uint8_t *p, size_t len, uint8_t *out, size_t n)
{
    struct rbits r;

    if (rbits_init(&r, p, len) < 0)
        return corrupt(f, "bad Huffman stream");
    for (size_t i = 0; i < n; i++) {
        const struct huf_entry *e = &f->huf.e[rbits_peek(&r, f->huf.maxbits)];

        out[i] = e->symbol;
        r.pos -= e->nbits;
        if (r.pos < 0)
            return corrupt(f, "Huffman stream overrun");
    }
    return r.pos == 0 ? 0 : corrupt(f, "Huffman stream not fully used");
}

/* ---------------------------------------------------------------- literals (§3.1.1.3.1) */

static long
literals(struct frame *f, const uint8_t *p, size_t len)
{
    int type = p[0] & 3, sf = p[0] >> 2 & 3, hsize;
    size_t regen, comp = 0;

    buf_reset(&f->lits);
    if (type < 2) { /* raw or RLE */
        hsize = sf == 1 ? 2 : sf == 3 ? 3 : 1;
        if (len < (size_t)hsize)
            return corrupt(f, "literals header truncated");
        regen = hsize == 1 ? p[0] >> 3 : (size_t)le(p, hsize) >> 4;
        if (regen > BLOCK_MAX)
            return corrupt(f, "too many literals");
        if (type == 0) {
            if (len - (size_t)hsize < regen)
                return corrupt(f, "raw literals truncated");
            buf_add(&f->lits, p + hsize, regen);
            return hsize + (long)regen;
        }
        if (len < (size_t)hsize + 1)
            return corrupt(f, "RLE literals truncated");
        buf_grow(&f->lits, regen);
        memset(f->lits.buf, p[hsize], regen);
        extend(&f->lits, regen);
        return hsize + 1;
    }
    hsize = sf < 2 ? 3 : sf == 2 ? 4 : 5;
    if (len < (size_t)hsize)
        return corrupt(f, "literals header truncated");
    {
        uint64_t h = le(p, hsize);
        int bits = sf < 2 ? 10 : sf == 2 ? 14 : 18;

        regen = (size_t)(h >> 4 & ((1u << bits) - 1));
        comp = (size_t)(h >> (4 + bits) & ((1u << bits) - 1));
    }
    if (regen > BLOCK_MAX || comp > len - (size_t)hsize)
        return corrupt(f, "bad compressed literals sizes");
    const uint8_t *q = p + hsize;
    size_t qlen = comp;
    if (type == 2) {
        long used = huf_read(f, q, qlen);

        if (used < 0)
            return corrupt(f, "bad Huffman tree description");
        q += used;
        qlen -= (size_t)used;
    } else if (!f->huf.valid) {
        return corrupt(f, "repeated Huffman table without a previous one");
    }
    buf_grow(&f->lits, regen);
    if (sf == 0) {
        if (huf_stream(f, q, qlen, (uint8_t *)f->lits.buf, regen) < 0)
            return -1;
    } else {
        size_t s[4], part = (regen + 3) / 4, off = 6;

        if (qlen < 6 || 3 * part > regen)
            return corrupt(f, "bad four-stream literals");
        s[0] = (size_t)le(q, 2);
        s[1] = (size_t)le(q + 2, 2);
        s[2] = (size_t)le(q + 4, 2);
        if (s[0] + s[1] + s[2] > qlen - 6)
            return corrupt(f, "bad literals jump table");
        s[3] = qlen - 6 - s[0] - s[1] - s[2];
        for (int i = 0; i < 4; i++) {
            size_t n = i < 3 ? part : regen - 3 * part;

            if (huf_stream(f, q + off, s[i], (uint8_t *)f->lits.buf + (size_t)i * part, n) < 0)
                return -1;
            off += s[i];
        }
    }
    extend(&f->lits, regen);
    return hsize + (long)comp;
}

/* ---------------------------------------------------------------- sequences (§3.1.1.3.2) */

static const int16_t ll_default[36] = { 4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1,  1,  2,  2,
                                        2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1, -1, -1, -1, -1 };
static const int16_t ml_default[53] = { 1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1,  1,  1,  1,  1,  1,  1, 1,
                                        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  1,  1,  1,  1,  1,  1, 1,
                                        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1 };
static const int16_t of_default[29] = { 1, 1, 1, 1, 1, 1, 2, 2, 2, 1,  1,  1,  1,  1, 1,
                                        1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1 };

static const uint32_t ll_base[36] = { 0,   1,   2,    3,    4,    5,    6,     7,     8,
                                      9,   10,  11,   12,   13,   14,   15,    16,    18,
                                      20,  22,  24,   28,   32,   40,   48,    64,    128,
                                      256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536 };
static const uint8_t ll_bits[36] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  0,  0,  0,  0,  1,  1,
                                     1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const uint32_t ml_base[53] = { 3,   4,   5,    6,    7,    8,    9,     10,    11,   12, 13,
                                      14,  15,  16,   17,   18,   19,   20,    21,    22,   23, 24,
                                      25,  26,  27,   28,   29,   30,   31,    32,    33,   34, 35,
                                      37,  39,  41,   43,   47,   51,   59,    67,    83,   99, 131,
                                      259, 515, 1027, 2051, 4099, 8195, 16387, 32771, 65539 };
static const uint8_t ml_bits[53] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  0,  0,  0,  0,  0,  0, 0,
                                     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  0,  0,  0,  1,  1,  1, 1,
                                     2, 2, 3, 3, 4, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

/* One table of the sequences section header; returns the bytes used or -1. */
static long
seq_table(struct frame *f, struct fse_table *t, int mode, const uint8_t *p, size_t len,
          const int16_t *def, int ndef, int def_log, int max_sym, int max_log)
{
    int16_t norm[64];
    int nsym, log;
    long used;

    switch (mode) {
    case 0:
        return fse_build(t, def, ndef, def_log) < 0 ? -1 : 0;
    case 1:
        if (!len || p[0] > max_sym)
            return -1;
        fse_rle(t, p[0]);
        return 1;
    case 2:
        used = fse_header(p, len, max_sym, max_log, norm, &nsym, &log);
        if (used < 0 || fse_build(t, norm, nsym, log) < 0)
            return -1;
        return used;
    default:
        (void)f;
        return t->valid ? 0 : -1;
    }
}

static int
copy_match(struct frame *f, size_t offset, size_t n)
{
    struct buf *o = f->out;

    if (offset == 0 || offset > o->len - f->start || offset > f->window)
        return corrupt(f, "match offset out of range");
    if (o->len - f->start + n > f->max_out)
        return ep_err_set(f->err, "zstd data larger than %zu bytes", f->max_out);
    buf_grow(o, n);
    for (size_t i = 0; i < n; i++) /* byte by byte: the copy may overlap itself */
        o->buf[o->len + i] = o->buf[o->len + i - offset];
    extend(o, n);
    return 0;
}

static int
add_literals(struct frame *f, size_t *lpos, size_t n)
{
    if (n > f->lits.len - *lpos)
        return corrupt(f, "sequence wants more literals than decoded");
    if (f->out->len - f->start + n > f->max_out)
        return ep_err_set(f->err, "zstd data larger than %zu bytes", f->max_out);
    buf_add(f->out, f->lits.buf + *lpos, n);
    *lpos += n;
    return 0;
}

/* Offset value -> offset, keeping the three repeat offsets (§3.1.1.5). */
static size_t
resolve_offset(struct frame *f, uint32_t ov, uint32_t ll)
{
    uint32_t off;

    if (ov > 3) {
        off = ov - 3;
    } else {
        uint32_t idx = ov - 1 + (ll == 0);

        if (idx == 0)
            return f->rep[0];
        off = idx == 3 ? f->rep[0] - 1 : f->rep[idx];
        if (idx == 1) {
            f->rep[1] = f->rep[0];
            f->rep[0] = off;
            return off;
        }
    }
    f->rep[2] = f->rep[1];
    f->rep[1] = f->rep[0];
    f->rep[0] = off;
    return off;
}

static int
sequences(struct frame *f, const uint8_t *p, size_t len)
{
    size_t nseq, lpos = 0, hdr;
    struct rbits r;
    uint32_t sll, sof, sml;
    long used;

    if (!len)
        return corrupt(f, "sequences section missing");
    if (p[0] < 128) {
        nseq = p[0];
        hdr = 1;
    } else if (p[0] < 255) {
        if (len < 2)
            return corrupt(f, "sequences header truncated");
        nseq = ((size_t)(p[0] - 128) << 8) + p[1];
        hdr = 2;
    } else {
        if (len < 3)
            return corrupt(f, "sequences header truncated");
        nseq = p[1] + ((size_t)p[2] << 8) + 0x7F00;
        hdr = 3;
    }
    if (nseq == 0)
        return hdr == len ? add_literals(f, &lpos, f->lits.len)
                          : corrupt(f, "bytes after an empty sequences section");
    if (len < hdr + 1 || (p[hdr] & 3))
        return corrupt(f, "bad sequence compression modes");
    {
        int modes = p[hdr++];

        if ((used = seq_table(f, &f->ll, modes >> 6, p + hdr, len - hdr, ll_default, 36, 6, LL_MAX,
                              9)) < 0)
            return corrupt(f, "bad literals-length table");
        hdr += (size_t)used;
        if ((used = seq_table(f, &f->of, modes >> 4 & 3, p + hdr, len - hdr, of_default, 29, 5,
                              OF_MAX, 8)) < 0)
            return corrupt(f, "bad offset table");
        hdr += (size_t)used;
        if ((used = seq_table(f, &f->ml, modes >> 2 & 3, p + hdr, len - hdr, ml_default, 53, 6,
                              ML_MAX, 9)) < 0)
            return corrupt(f, "bad match-length table");
        hdr += (size_t)used;
    }
    if (rbits_init(&r, p + hdr, len - hdr) < 0)
        return corrupt(f, "bad sequences bitstream");
    sll = (uint32_t)rbits_read(&r, f->ll.log);
    sof = (uint32_t)rbits_read(&r, f->of.log);
    sml = (uint32_t)rbits_read(&r, f->ml.log);
    for (size_t i = 0; i < nseq; i++) {
        int llc = f->ll.e[sll].symbol, ofc = f->of.e[sof].symbol, mlc = f->ml.e[sml].symbol;
        uint32_t ov, ml, ll;

        if (llc > LL_MAX || mlc > ML_MAX || ofc > OF_MAX)
            return corrupt(f, "bad sequence code");
        ov = (1u << ofc) + (uint32_t)rbits_read(&r, ofc);
        ml = ml_base[mlc] + (uint32_t)rbits_read(&r, ml_bits[mlc]);
        ll = ll_base[llc] + (uint32_t)rbits_read(&r, ll_bits[llc]);
        if (i + 1 < nseq) {
            sll = f->ll.e[sll].base + (uint32_t)rbits_read(&r, f->ll.e[sll].nbits);
            sml = f->ml.e[sml].base + (uint32_t)rbits_read(&r, f->ml.e[sml].nbits);
            sof = f->of.e[sof].base + (uint32_t)rbits_read(&r, f->of.e[sof].nbits);
        }
        if (r.pos < 0)
            return corrupt(f, "sequences bitstream overrun");
        if (add_literals(f, &lpos, ll) < 0 || copy_match(f, resolve_offset(f, ov, ll), ml) < 0)
            return -1;
    }
    if (r.pos != 0)
        return corrupt(f, "sequences bitstream not fully used");
    return add_literals(f, &lpos, f->lits.len - lpos);
}

/* ---------------------------------------------------------------- blocks and frames (§3.1.1) */

static int
block(struct frame *f, int type, const uint8_t *p, size_t size)
{
    size_t before = f->out->len;
    long used;

    if (type == 3)
        return corrupt(f, "reserved block type");
    if (type == 1) { /* RLE: size is the regenerated size, one byte of content */
        if (size > BLOCK_MAX || f->out->len - f->start + size > f->max_out)
            return size > BLOCK_MAX
                       ? corrupt(f, "block too large")
                       : ep_err_set(f->err, "zstd data larger than %zu bytes", f->max_out);
        buf_grow(f->out, size);
        memset(f->out->buf + f->out->len, p[0], size);
        extend(f->out, size);
        return 0;
    }
    if (size > BLOCK_MAX)
        return corrupt(f, "block too large");
    if (type == 0) {
        if (f->out->len - f->start + size > f->max_out)
            return ep_err_set(f->err, "zstd data larger than %zu bytes", f->max_out);
        buf_add(f->out, p, size);
        return 0;
    }
    if (!size || (used = literals(f, p, size)) < 0)
        return size ? -1 : corrupt(f, "empty compressed block");
    if (sequences(f, p + used, size - (size_t)used) < 0)
        return -1;
    return f->out->len - before > BLOCK_MAX ? corrupt(f, "block decodes to more than 128 KiB") : 0;
}

/* Frame header (§3.1.1.1); returns its size or -1. */
static long
frame_header(struct frame *f, const uint8_t *p, size_t len, uint64_t *fcs, bool *has_fcs,
             bool *checksum)
{
    static const int did_size[4] = { 0, 1, 2, 4 };
    int fd, fcs_flag, single, fcs_size;
    size_t pos = 1;
    uint64_t dict;

    if (len < 1)
        return corrupt(f, "frame header truncated");
    fd = p[0];
    fcs_flag = fd >> 6;
    single = fd >> 5 & 1;
    *checksum = fd >> 2 & 1;
    if (fd & 8)
        return corrupt(f, "reserved frame header bit set");
    fcs_size = fcs_flag == 0 ? single : 1 << fcs_flag;
    if (len < pos + !single + (size_t)did_size[fd & 3] + (size_t)fcs_size)
        return corrupt(f, "frame header truncated");
    if (!single) {
        int e = p[pos] >> 3, m = p[pos] & 7;
        uint64_t base = (uint64_t)1 << (10 + e);

        f->window = base + base / 8 * (uint64_t)m;
        pos++;
    }
    dict = le(p + pos, did_size[fd & 3]);
    pos += (size_t)did_size[fd & 3];
    if (dict)
        return ep_err_set(f->err, "zstd frame needs dictionary %llu: not supported",
                          (unsigned long long)dict);
    *has_fcs = fcs_size > 0;
    *fcs = le(p + pos, fcs_size) + (fcs_size == 2 ? 256 : 0);
    pos += (size_t)fcs_size;
    if (single)
        f->window = *fcs;
    if (f->window > WINDOW_MAX)
        return ep_err_set(f->err, "zstd window of %llu bytes is too large",
                          (unsigned long long)f->window);
    return (long)pos;
}

/* One frame starting after its magic; returns the bytes used or -1. */
static long
frame(struct frame *f, const uint8_t *p, size_t len)
{
    uint64_t fcs = 0;
    bool has_fcs = false, checksum = false;
    long pos = frame_header(f, p, len, &fcs, &has_fcs, &checksum);
    int last = 0;

    if (pos < 0)
        return -1;
    f->rep[0] = 1;
    f->rep[1] = 4;
    f->rep[2] = 8;
    while (!last) {
        uint32_t h;
        size_t size;

        if (len - (size_t)pos < 3)
            return corrupt(f, "block header truncated");
        h = (uint32_t)le(p + pos, 3);
        pos += 3;
        last = h & 1;
        size = h >> 3;
        if ((h >> 1 & 3) == 1 ? len - (size_t)pos < 1 : len - (size_t)pos < size)
            return corrupt(f, "block truncated");
        if (block(f, h >> 1 & 3, p + pos, size) < 0)
            return -1;
        pos += (h >> 1 & 3) == 1 ? 1 : (long)size;
    }
    if (has_fcs && f->out->len - f->start != fcs)
        return corrupt(f, "frame content size does not match");
    if (checksum) {
        uint64_t want;

        if (len - (size_t)pos < 4)
            return corrupt(f, "checksum truncated");
        want = zstdec_xxh64(f->out->buf + f->start, f->out->len - f->start, 0) & 0xffffffffu;
        if (le(p + pos, 4) != want)
            return ep_err_set(f->err, "zstd checksum mismatch");
        pos += 4;
    }
    return pos;
}

int
zstdec_decompress(const unsigned char *in, size_t len, size_t max_out, struct buf *out,
                  struct ep_err *err)
{
    size_t pos = 0, first = out->len;
    int rc = 0, frames = 0;

    while (pos < len && rc == 0) {
        uint32_t magic;
        struct frame *f;
        long used;

        if (len - pos < 4) {
            rc = ep_err_set(err, "corrupt zstd data: truncated frame magic");
            break;
        }
        magic = (uint32_t)le(in + pos, 4);
        pos += 4;
        if ((magic & 0xFFFFFFF0u) == SKIP_MAGIC) {
            uint64_t n = len - pos < 4 ? UINT64_MAX : le(in + pos, 4);

            if (n > len - pos - 4)
                rc = ep_err_set(err, "corrupt zstd data: skippable frame truncated");
            else
                pos += 4 + (size_t)n;
            continue;
        }
        if (magic != ZSTD_MAGIC) {
            rc = ep_err_set(err, "not zstd data (bad frame magic)");
            break;
        }
        f = xcalloc(1, sizeof(*f));
        f->out = out;
        f->start = out->len;
        f->max_out = max_out - (out->len - first);
        f->err = err;
        buf_init(&f->lits, 0);
        used = frame(f, in + pos, len - pos);
        buf_release(&f->lits);
        free(f);
        if (used < 0)
            rc = -1;
        else
            pos += (size_t)used;
        frames++;
    }
    if (rc == 0 && !frames)
        rc = ep_err_set(err, "no zstd frame");
    return rc;
}

/* ---------------------------------------------------------------- XXH64 */

#define P1 11400714785074694791ULL
#define P2 14029467366897019727ULL
#define P3 1609587929392839161ULL
#define P4 9650029242287828579ULL
#define P5 2870177450012600261ULL

static uint64_t
rotl(uint64_t x, int r)
{
    return x << r | x >> (64 - r);
}

static uint64_t
xround(uint64_t acc, uint64_t lane)
{
    return rotl(acc + lane * P2, 31) * P1;
}

static uint64_t
xmerge(uint64_t acc, uint64_t v)
{
    return (acc ^ xround(0, v)) * P1 + P4;
}

uint64_t
zstdec_xxh64(const void *data, size_t len, uint64_t seed)
{
    const uint8_t *p = data, *end = p + len;
    uint64_t h;

    if (len >= 32) {
        uint64_t v[4] = { seed + P1 + P2, seed + P2, seed, seed - P1 };

        for (; end - p >= 32; p += 32)
            for (int i = 0; i < 4; i++)
                v[i] = xround(v[i], le(p + 8 * i, 8));
        h = rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18);
        for (int i = 0; i < 4; i++)
            h = xmerge(h, v[i]);
    } else {
        h = seed + P5;
    }
    h += (uint64_t)len;
    for (; end - p >= 8; p += 8)
        h = rotl(h ^ xround(0, le(p, 8)), 27) * P1 + P4;
    if (end - p >= 4) {
        h = rotl(h ^ le(p, 4) * P1, 23) * P2 + P3;
        p += 4;
    }
    for (; p < end; p++)
        h = rotl(h ^ *p * P5, 11) * P1;
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    h ^= h >> 32;
    return h;
}

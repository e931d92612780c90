/*
 * unicode — UTF-8 coding, category names, normalisation (decompose, order
 * by combining class, compose) and case mapping over the generated tables.
 *
 * Normalisation works one segment at a time in a growable code point array;
 * text that normalisation cannot change (the property byte's bit 7 clear) is
 * copied through, so ASCII and most CJK text cost one table look-up per char.
 */
#include "lib/eval/unicode.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

/* Hangul syllable arithmetic (Unicode 3.12). */
enum {
    H_SBASE = 0xAC00,
    H_LBASE = 0x1100,
    H_VBASE = 0x1161,
    H_TBASE = 0x11A7,
    H_LCOUNT = 19,
    H_VCOUNT = 21,
    H_TCOUNT = 28,
    H_NCOUNT = 588,
    H_SCOUNT = 11172
};

/* ------------------------------------------------------------- UTF-8 */

size_t
uc_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned c = p[0], lo = 0x80, hi = 0xbf;
    size_t n;
    uint32_t v;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, v = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, v = c & 0x0f, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, v = c & 0x07, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
    else
        return 0;
    if (len < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3f);
    }
    *cp = v;
    return n;
}

bool
uc_valid(const char *s, size_t len, size_t *bad)
{
    uint32_t cp;

    for (size_t i = 0; i < len;) {
        size_t n;

        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        n = uc_decode(s + i, len - i, &cp);
        if (!n) {
            if (bad)
                *bad = i;
            return false;
        }
        i += n;
    }
    return true;
}

size_t
uc_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

void
uc_add(struct buf *b, uint32_t cp)
{
    char tmp[4];

    buf_add(b, tmp, uc_encode(cp, tmp));
}

/* Length of the longest prefix of s that could start a valid sequence (>= 1). */
static size_t
invalid_prefix(const unsigned char *p, size_t len)
{
    unsigned c = p[0], lo = 0x80, hi = 0xbf;
    size_t n, i;

    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
    else
        return 1;
    if (len < 2 || p[1] < lo || p[1] > hi)
        return 1;
    for (i = 2; i < n && i < len; i++)
        if ((p[i] & 0xc0) != 0x80)
            break;
    return i;
}

void
uc_add_lossy(struct buf *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t cp;

    for (size_t i = 0; i < len;) {
        size_t n = p[i] < 0x80 ? 1 : uc_decode(s + i, len - i, &cp);

        if (n) {
            buf_add(out, s + i, n);
            i += n;
        } else {
            buf_add(out, "\xef\xbf\xbd", 3);
            i += invalid_prefix(p + i, len - i);
        }
    }
}

/* ------------------------------------------------------------- categories */

uint32_t
uc_category_mask(const char *name, size_t len)
{
    static const struct {
        const char *name;
        uint32_t mask;
    } groups[] = {
        { "L", UC_MASK_L },
        { "Letter", UC_MASK_L },
        { "LC", UC_MASK(UC_LU) | UC_MASK(UC_LL) | UC_MASK(UC_LT) },
        { "M", UC_MASK(UC_MN) | UC_MASK(UC_MC) | UC_MASK(UC_ME) },
        { "Mark", UC_MASK(UC_MN) | UC_MASK(UC_MC) | UC_MASK(UC_ME) },
        { "N", UC_MASK_N },
        { "Number", UC_MASK_N },
        { "P", UC_MASK(UC_PC) | UC_MASK(UC_PD) | UC_MASK(UC_PS) | UC_MASK(UC_PE) | UC_MASK(UC_PI) |
                   UC_MASK(UC_PF) | UC_MASK(UC_PO) },
        { "Punctuation", UC_MASK(UC_PC) | UC_MASK(UC_PD) | UC_MASK(UC_PS) | UC_MASK(UC_PE) |
                             UC_MASK(UC_PI) | UC_MASK(UC_PF) | UC_MASK(UC_PO) },
        { "S", UC_MASK(UC_SM) | UC_MASK(UC_SC) | UC_MASK(UC_SK) | UC_MASK(UC_SO) },
        { "Symbol", UC_MASK(UC_SM) | UC_MASK(UC_SC) | UC_MASK(UC_SK) | UC_MASK(UC_SO) },
        { "Z", UC_MASK(UC_ZS) | UC_MASK(UC_ZL) | UC_MASK(UC_ZP) },
        { "Separator", UC_MASK(UC_ZS) | UC_MASK(UC_ZL) | UC_MASK(UC_ZP) },
        { "C", UC_MASK(UC_CN) | UC_MASK(UC_CC) | UC_MASK(UC_CF) | UC_MASK(UC_CS) | UC_MASK(UC_CO) },
        { "Other",
          UC_MASK(UC_CN) | UC_MASK(UC_CC) | UC_MASK(UC_CF) | UC_MASK(UC_CS) | UC_MASK(UC_CO) },
    };
    static const char gc_names[UC_GC_COUNT][3] = {
        "Cn", "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps",
        "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co",
    };

    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
        if (strlen(groups[i].name) == len && !memcmp(groups[i].name, name, len))
            return groups[i].mask;
    for (int i = 0; i < UC_GC_COUNT; i++)
        if (len == 2 && !memcmp(gc_names[i], name, 2))
            return UC_MASK(i);
    return 0;
}

/* ------------------------------------------------------------- normalisation */

struct cps {
    uint32_t *v;
    size_t n, alloc;
};

static void
cps_push(struct cps *a, uint32_t cp)
{
    ALLOC_GROW(a->v, a->n + 1, a->alloc);
    a->v[a->n++] = cp;
}

static unsigned
ccc_of(uint32_t cp)
{
    size_t lo = 0, hi = uc_ccc_len;

    if (!(uc_prop(cp) & 0x80))
        return 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (cp < uc_ccc[mid].lo)
            hi = mid;
        else if (cp > uc_ccc[mid].hi)
            lo = mid + 1;
        else
            return uc_ccc[mid].ccc;
    }
    return 0;
}

static const struct uc_decomp *
find_decomp(const struct uc_decomp *t, size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (cp < t[mid].cp)
            hi = mid;
        else if (cp > t[mid].cp)
            lo = mid + 1;
        else
            return &t[mid];
    }
    return NULL;
}

static void
decompose(uint32_t cp, bool compat, struct cps *out)
{
    const struct uc_decomp *d;

    if (cp >= H_SBASE && cp < H_SBASE + H_SCOUNT) {
        uint32_t s = cp - H_SBASE, t = s % H_TCOUNT;

        cps_push(out, H_LBASE + s / H_NCOUNT);
        cps_push(out, H_VBASE + (s % H_NCOUNT) / H_TCOUNT);
        if (t)
            cps_push(out, H_TBASE + t);
        return;
    }
    d = find_decomp(compat ? uc_compat : uc_canon, compat ? uc_compat_len : uc_canon_len, cp);
    if (!d) {
        cps_push(out, cp);
        return;
    }
    for (size_t i = 0; i < d->len; i++)
        cps_push(out, uc_decomp_pool[d->off + i]);
}

/* Stable sort of each run of non-starters by combining class (canonical ordering). */
static void
canonical_order(struct cps *a)
{
    for (size_t i = 1; i < a->n; i++) {
        uint32_t cp = a->v[i];
        unsigned c = ccc_of(cp);
        size_t j = i;

        if (!c)
            continue;
        while (j > 0 && ccc_of(a->v[j - 1]) > c) {
            a->v[j] = a->v[j - 1];
            j--;
        }
        a->v[j] = cp;
    }
}

/* The primary composite of (a, b), or 0. */
static uint32_t
compose_pair(uint32_t a, uint32_t b)
{
    size_t lo = 0, hi = uc_comp_len;

    if (a >= H_LBASE && a < H_LBASE + H_LCOUNT && b >= H_VBASE && b < H_VBASE + H_VCOUNT)
        return H_SBASE + ((a - H_LBASE) * H_VCOUNT + (b - H_VBASE)) * H_TCOUNT;
    if (a >= H_SBASE && a < H_SBASE + H_SCOUNT && (a - H_SBASE) % H_TCOUNT == 0 && b > H_TBASE &&
        b < H_TBASE + H_TCOUNT)
        return a + (b - H_TBASE);
    if (!(uc_prop(b) & 0x80))
        return 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const struct uc_comp *c = &uc_comp[mid];

        if (a < c->first || (a == c->first && b < c->second))
            hi = mid;
        else if (a > c->first || b > c->second)
            lo = mid + 1;
        else
            return c->composite;
    }
    return 0;
}

static void
compose(struct cps *a)
{
    size_t starter = 0, out = 1;
    unsigned last = 0;

    if (!a->n)
        return;
    if (ccc_of(a->v[0]))
        last = 256;
    for (size_t i = 1; i < a->n; i++) {
        uint32_t cp = a->v[i], comp;
        unsigned c = ccc_of(cp);

        if (last != 256 && (last < c || last == 0) &&
            (comp = compose_pair(a->v[starter], cp)) != 0) {
            a->v[starter] = comp;
            continue;
        }
        if (!c) {
            starter = out;
            last = 0;
        } else {
            last = c;
        }
        a->v[out++] = cp;
    }
    a->n = out;
}

void
uc_normalize(enum uc_norm_form form, const char *s, size_t len, struct buf *out)
{
    bool compat = form == UC_NFKC || form == UC_NFKD;
    bool comp = form == UC_NFC || form == UC_NFKC;
    struct cps a = { NULL, 0, 0 };
    size_t i = 0;

    while (i < len) {
        size_t start = i, n;
        uint32_t cp;

        /* Copy the run that normalisation leaves alone, keeping its last char back. */
        while (i < len) {
            n = uc_decode_valid(s + i, &cp);
            if (uc_prop(cp) & 0x80)
                break;
            i += n;
        }
        if (i == len) {
            buf_add(out, s + start, len - start);
            break;
        }
        a.n = 0;
        if (i > start) {
            size_t last = i - 1;

            while (last > start && ((unsigned char)s[last] & 0xc0) == 0x80)
                last--;
            buf_add(out, s + start, last - start);
            uc_decode_valid(s + last, &cp);
            cps_push(&a, cp);
        }
        /* Take chars until one that starts a fresh segment. */
        while (i < len) {
            n = uc_decode_valid(s + i, &cp);
            if (!(uc_prop(cp) & 0x80) && a.n)
                break;
            decompose(cp, compat, &a);
            i += n;
        }
        canonical_order(&a);
        if (comp)
            compose(&a);
        for (size_t k = 0; k < a.n; k++)
            uc_add(out, a.v[k]);
    }
    free(a.v);
}

/* ------------------------------------------------------------- case */

void
uc_lowercase(const char *s, size_t len, struct buf *out)
{
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = uc_decode_valid(s + i, &cp), lo = 0, hi = uc_lower_len;

        if (cp < 0x80) {
            buf_addch(out, cp >= 'A' && cp <= 'Z' ? (int)(cp + 32) : (int)cp);
            i += n;
            continue;
        }
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;

            if (cp < uc_lower[mid].cp)
                hi = mid;
            else if (cp > uc_lower[mid].cp)
                lo = mid + 1;
            else
                break;
        }
        if (lo < hi) {
            const struct uc_lower *l = &uc_lower[(lo + hi) / 2];

            for (int k = 0; k < 3 && l->to[k]; k++)
                uc_add(out, l->to[k]);
        } else {
            buf_add(out, s + i, n);
        }
        i += n;
    }
}

uint32_t
uc_fold_simple(uint32_t cp)
{
    size_t lo = 0, hi = uc_fold_len;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (cp < uc_fold[mid].cp)
            hi = mid;
        else if (cp > uc_fold[mid].cp)
            lo = mid + 1;
        else
            return uc_fold[mid].to;
    }
    return cp;
}

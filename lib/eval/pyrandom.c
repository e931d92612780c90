/*
 * pyrandom — CPython's random module (Modules/_randommodule.c and
 * Lib/random.py of CPython 3.11) in C; see pyrandom.h.
 */
#include "lib/eval/pyrandom.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "lib/xalloc.h"

#define MT_M          397
#define MATRIX_A      0x9908b0dfU
#define UPPER_MASK    0x80000000U
#define LOWER_MASK    0x7fffffffU

/* ----------------------------------------------------------------- MT19937 */

static void
init_genrand(struct pyrandom *r, uint32_t s)
{
    r->mt[0] = s;
    for (int i = 1; i < PYRANDOM_N; i++)
        r->mt[i] = 1812433253U * (r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) + (uint32_t)i;
    r->mti = PYRANDOM_N;
}

static void
init_by_array(struct pyrandom *r, const uint32_t *key, size_t len)
{
    size_t i = 1, j = 0;
    size_t k = PYRANDOM_N > len ? PYRANDOM_N : len;

    init_genrand(r, 19650218U);
    for (; k; k--) {
        r->mt[i] = (r->mt[i] ^ ((r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) * 1664525U)) + key[j] +
                   (uint32_t)j;
        i++;
        j++;
        if (i >= PYRANDOM_N) {
            r->mt[0] = r->mt[PYRANDOM_N - 1];
            i = 1;
        }
        if (j >= len)
            j = 0;
    }
    for (k = PYRANDOM_N - 1; k; k--) {
        r->mt[i] = (r->mt[i] ^ ((r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) * 1566083941U)) - (uint32_t)i;
        i++;
        if (i >= PYRANDOM_N) {
            r->mt[0] = r->mt[PYRANDOM_N - 1];
            i = 1;
        }
    }
    r->mt[0] = 0x80000000U; /* MSB is 1, assuring a non-zero initial array */
}

void
pyrandom_seed(struct pyrandom *r, uint64_t seed)
{
    uint32_t key[2];
    size_t len = 0;

    /* The key is |seed| in 32-bit words, least significant first; 0 gives [0]. */
    do {
        key[len++] = (uint32_t)seed;
        seed >>= 32;
    } while (seed);
    init_by_array(r, key, len);
}

uint32_t
pyrandom_u32(struct pyrandom *r)
{
    uint32_t y;

    if (r->mti >= PYRANDOM_N) {
        int kk;

        for (kk = 0; kk < PYRANDOM_N - MT_M; kk++) {
            y = (r->mt[kk] & UPPER_MASK) | (r->mt[kk + 1] & LOWER_MASK);
            r->mt[kk] = r->mt[kk + MT_M] ^ (y >> 1) ^ ((y & 1U) ? MATRIX_A : 0U);
        }
        for (; kk < PYRANDOM_N - 1; kk++) {
            y = (r->mt[kk] & UPPER_MASK) | (r->mt[kk + 1] & LOWER_MASK);
            r->mt[kk] = r->mt[kk + (MT_M - PYRANDOM_N)] ^ (y >> 1) ^ ((y & 1U) ? MATRIX_A : 0U);
        }
        y = (r->mt[PYRANDOM_N - 1] & UPPER_MASK) | (r->mt[0] & LOWER_MASK);
        r->mt[PYRANDOM_N - 1] = r->mt[MT_M - 1] ^ (y >> 1) ^ ((y & 1U) ? MATRIX_A : 0U);
        r->mti = 0;
    }
    y = r->mt[r->mti++];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= (y >> 18);
    return y;
}

/* ----------------------------------------------------------------- Random methods */

uint64_t
pyrandom_getrandbits(struct pyrandom *r, unsigned k)
{
    uint64_t lo, hi;

    if (k == 0)
        return 0;
    if (k <= 32)
        return pyrandom_u32(r) >> (32 - k);
    /* Words fill the integer from the least significant end; the last one is cut. */
    lo = pyrandom_u32(r);
    hi = pyrandom_u32(r);
    if (k < 64)
        hi >>= 64 - k;
    return lo | (hi << 32);
}

static unsigned
bit_length(uint64_t n)
{
    unsigned k = 0;

    while (n) {
        k++;
        n >>= 1;
    }
    return k;
}

uint64_t
pyrandom_randbelow(struct pyrandom *r, uint64_t n)
{
    unsigned k = bit_length(n); /* not n - 1: n may be 1 */
    uint64_t v = pyrandom_getrandbits(r, k);

    while (v >= n)
        v = pyrandom_getrandbits(r, k);
    return v;
}

double
pyrandom_random(struct pyrandom *r)
{
    uint32_t a = pyrandom_u32(r) >> 5, b = pyrandom_u32(r) >> 6;

    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

/* A set of indices (open addressing), standing in for Python's set(). */
struct idx_set {
    size_t *slot; /* SIZE_MAX = empty */
    size_t mask;
};

static void
idx_set_init(struct idx_set *s, size_t k)
{
    size_t cap = 16;

    while (cap < 2 * k + 1)
        cap <<= 1;
    s->slot = xmalloc(cap * sizeof(*s->slot));
    for (size_t i = 0; i < cap; i++)
        s->slot[i] = SIZE_MAX;
    s->mask = cap - 1;
}

/* Insert v; false when it was already there. */
static bool
idx_set_add(struct idx_set *s, size_t v)
{
    size_t h = (v * 0x9e3779b97f4a7c15ULL) & s->mask;

    while (s->slot[h] != SIZE_MAX) {
        if (s->slot[h] == v)
            return false;
        h = (h + 1) & s->mask;
    }
    s->slot[h] = v;
    return true;
}

int
pyrandom_sample(struct pyrandom *r, size_t n, size_t k, size_t *out)
{
    size_t setsize = 21; /* size of a small set minus size of an empty list */

    if (k > n)
        return -1;
    if (k > 5)
        setsize += (size_t)pow(4.0, ceil(log((double)(k * 3)) / log(4.0)));
    if (n <= setsize) {
        /* An n-length list is smaller than a k-length set: draw from a shrinking pool. */
        size_t *pool = xmalloc((n ? n : 1) * sizeof(*pool));

        for (size_t i = 0; i < n; i++)
            pool[i] = i;
        for (size_t i = 0; i < k; i++) {
            size_t j = (size_t)pyrandom_randbelow(r, n - i);

            out[i] = pool[j];
            pool[j] = pool[n - i - 1];
        }
        free(pool);
    } else {
        struct idx_set sel;

        idx_set_init(&sel, k);
        for (size_t i = 0; i < k; i++) {
            size_t j = (size_t)pyrandom_randbelow(r, n);

            while (!idx_set_add(&sel, j))
                j = (size_t)pyrandom_randbelow(r, n);
            out[i] = j;
        }
        free(sel.slot);
    }
    return 0;
}

void
pyrandom_shuffle(struct pyrandom *r, size_t *x, size_t n)
{
    for (size_t i = n; i-- > 1;) {
        size_t j = (size_t)pyrandom_randbelow(r, i + 1), t = x[i];

        x[i] = x[j];
        x[j] = t;
    }
}

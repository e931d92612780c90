/*
 * pyrandom — CPython's `random` module, bit for bit: the MT19937 generator
 * seeded as random.Random(n) seeds it (init_by_array over the 32-bit words of
 * |n|), getrandbits(), _randbelow() by rejection, and sample() / shuffle()
 * with the algorithms of CPython 3.11's Lib/random.py (the pool algorithm
 * for small populations, the set-rejection one for large ones).
 *
 * lm-evaluation-harness draws few-shot examples with Random(seed).sample(),
 * so reproducing its prompts needs this exact sequence. A struct pyrandom is
 * plain data: no allocation except inside pyrandom_sample().
 */
#ifndef EVALPIPE_EVAL_PYRANDOM_H
#define EVALPIPE_EVAL_PYRANDOM_H

#include <stddef.h>
#include <stdint.h>

#define PYRANDOM_N 624

struct pyrandom {
    uint32_t mt[PYRANDOM_N];
    int mti;
};

/* Seed as random.Random(seed) / random.seed(seed) does for an int seed. */
void pyrandom_seed(struct pyrandom *r, uint64_t seed);

/* The next 32-bit output of the generator (genrand_uint32). */
uint32_t pyrandom_u32(struct pyrandom *r);

/* random.getrandbits(k) for 0 <= k <= 64. */
uint64_t pyrandom_getrandbits(struct pyrandom *r, unsigned k);

/* random._randbelow(n) for 1 <= n < 2^63: a uniform integer in [0, n). */
uint64_t pyrandom_randbelow(struct pyrandom *r, uint64_t n);

/* random.random(): a double in [0, 1) from 53 random bits. */
double pyrandom_random(struct pyrandom *r);

/*
 * random.sample(range(n), k): write k distinct indices of [0, n) into out, in
 * the order Python returns them. k <= n is required (Python raises
 * ValueError otherwise); returns 0, or -1 when k > n.
 */
int pyrandom_sample(struct pyrandom *r, size_t n, size_t k, size_t *out);

/* random.shuffle(x) applied to the n indices in x. */
void pyrandom_shuffle(struct pyrandom *r, size_t *x, size_t n);

#endif

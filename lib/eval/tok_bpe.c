/*
 * tok_bpe — the vocabulary table and the BPE model: initial symbols per
 * character (with byte fallback and unk fusing), then merges by lowest rank,
 * leftmost first, over a linked symbol array driven by a binary heap — the
 * same order as the tokenizers library's Word::merge_all.
 *
 * Results per word are cached (words under 256 bytes, at most CACHE_MAX
 * entries, then the cache starts over); the cache is why encoding mutates.
 */
#include "lib/eval/tok_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/eval/unicode.h"
#include "lib/xalloc.h"

#define CACHE_SLOTS   (1u << 15)
#define CACHE_MAX     (1u << 14)
#define CACHE_MAX_LEN 256

struct cache_ent {
    uint64_t hash;
    int32_t *ids; /* nids ids, then klen key bytes, one allocation */
    uint32_t klen, nids;
};

struct sym {
    int32_t id, prev, next;
    uint32_t len;
};

struct hent {
    uint32_t rank;
    int32_t pos, new_id;
};

struct tok_cache {
    struct cache_ent *slots;
    size_t count;
    struct sym *syms;
    size_t asyms;
    struct hent *heap;
    size_t aheap;
    struct buf tmp;
};

/* ------------------------------------------------------------- hashing */

static uint64_t
hash_bytes(const char *s, size_t len)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (len * 0xff51afd7ed558ccdull), w;

    while (len >= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
        s += 8, len -= 8;
    }
    w = 0;
    memcpy(&w, s, len);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 29);
}

static uint64_t
hash_pair(uint64_t key)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdull;
    key ^= key >> 33;
    return key;
}

/* ------------------------------------------------------------- vocabulary */

static bool
vocab_eq(const struct tok_vocab *v, int32_t e, const char *s, size_t len)
{
    return v->ent[e].len == len && !memcmp(v->pool + v->ent[e].off, s, len);
}

static int32_t
vocab_find(const struct tok_vocab *v, const char *s, size_t len, size_t *slot)
{
    uint64_t h = hash_bytes(s, len);
    uint32_t tag = (uint32_t)(h >> 32);
    size_t mask = v->nslots - 1, i;

    /* The high hash bits in each slot spare most probes a look at the string. */
    for (i = h & mask; v->slots[i][0] >= 0; i = (i + 1) & mask)
        if ((uint32_t)v->slots[i][1] == tag && vocab_eq(v, v->slots[i][0], s, len))
            break;
    *slot = i;
    return v->slots[i][0];
}

int32_t
tok_vocab_get(const struct tok_vocab *v, const char *s, size_t len)
{
    size_t slot;
    int32_t e;

    if (!v->nslots)
        return -1;
    e = vocab_find(v, s, len, &slot);
    return e < 0 ? -1 : v->ent[e].id;
}

static void
vocab_rehash(struct tok_vocab *v, size_t nslots)
{
    free(v->slots);
    v->slots = xmalloc(nslots * sizeof(*v->slots));
    memset(v->slots, 0xff, nslots * sizeof(*v->slots));
    v->nslots = nslots;
    for (size_t e = 0; e < v->nent; e++) {
        size_t slot;

        vocab_find(v, v->pool + v->ent[e].off, v->ent[e].len, &slot);
        v->slots[slot][0] = (int32_t)e;
        v->slots[slot][1] = (int32_t)(hash_bytes(v->pool + v->ent[e].off, v->ent[e].len) >> 32);
    }
}

void
tok_vocab_put(struct tok_vocab *v, const char *s, size_t len, int32_t id)
{
    size_t slot;
    int32_t e;

    if ((v->nent + 1) * 2 > v->nslots)
        vocab_rehash(v, v->nslots ? v->nslots * 2 : 1024);
    e = vocab_find(v, s, len, &slot);
    if (e < 0) {
        ALLOC_GROW(v->ent, v->nent + 1, v->aent);
        ALLOC_GROW(v->pool, v->pool_len + len + 1, v->pool_alloc);
        memcpy(v->pool + v->pool_len, s, len);
        v->pool[v->pool_len + len] = '\0';
        v->ent[v->nent].off = (uint32_t)v->pool_len;
        v->ent[v->nent].len = (uint32_t)len;
        v->pool_len += len + 1;
        e = (int32_t)v->nent++;
        v->slots[slot][0] = e;
        v->slots[slot][1] = (int32_t)(hash_bytes(s, len) >> 32);
    } else if ((size_t)v->ent[e].id < v->ntok && v->tok[v->ent[e].id] == e) {
        v->tok[v->ent[e].id] = -1; /* a later value for the same string wins */
    }
    v->ent[e].id = id;
    if ((size_t)id >= v->ntok) {
        size_t n = (size_t)id + 1;

        v->tok = xrealloc(v->tok, n * sizeof(*v->tok));
        memset(v->tok + v->ntok, 0xff, (n - v->ntok) * sizeof(*v->tok));
        v->ntok = n;
    }
    v->tok[id] = e;
}

const char *
tok_vocab_str(const struct tok_vocab *v, int32_t id, size_t *len)
{
    int32_t e;

    if (id < 0 || (size_t)id >= v->ntok || (e = v->tok[id]) < 0)
        return NULL;
    if (len)
        *len = v->ent[e].len;
    return v->pool + v->ent[e].off;
}

void
tok_vocab_release(struct tok_vocab *v)
{
    free(v->pool);
    free(v->ent);
    free(v->tok);
    free(v->slots);
    memset(v, 0, sizeof(*v));
}

/* ------------------------------------------------------------- merges */

static bool
merge_get(const struct tok_bpe *b, int32_t a, int32_t c, uint32_t *rank, int32_t *new_id)
{
    uint64_t key = (uint64_t)(uint32_t)a << 32 | (uint32_t)c;
    size_t mask = b->merge_slots - 1, i;

    if (!b->merge_slots)
        return false;
    for (i = hash_pair(key) & mask; b->merges[i].key != UINT64_MAX; i = (i + 1) & mask) {
        if (b->merges[i].key == key) {
            *rank = b->merges[i].rank;
            *new_id = b->merges[i].new_id;
            return true;
        }
    }
    return false;
}

static void
merge_rehash(struct tok_bpe *b, size_t nslots)
{
    struct tok_merge *old = b->merges;
    size_t nold = b->merge_slots;

    b->merges = xmalloc(nslots * sizeof(*b->merges));
    for (size_t i = 0; i < nslots; i++)
        b->merges[i].key = UINT64_MAX;
    b->merge_slots = nslots;
    for (size_t i = 0; i < nold; i++) {
        size_t j;

        if (old[i].key == UINT64_MAX)
            continue;
        for (j = hash_pair(old[i].key) & (nslots - 1); b->merges[j].key != UINT64_MAX;
             j = (j + 1) & (nslots - 1))
            ;
        b->merges[j] = old[i];
    }
    free(old);
}

int
tok_bpe_add_merge(struct tok_bpe *b, const char *a, size_t alen, const char *c, size_t clen,
                  uint32_t rank, struct ep_err *err)
{
    size_t plen = b->prefix ? strlen(b->prefix) : 0, mask, i;
    int32_t ia = tok_vocab_get(&b->vocab, a, alen), ic = tok_vocab_get(&b->vocab, c, clen), inew;
    uint64_t key;

    if (ia < 0 || ic < 0)
        return ep_err_set(err, "merge %u: token '%.*s' is not in the vocabulary", rank,
                          (int)(ia < 0 ? alen : clen), ia < 0 ? a : c);
    if (clen < plen)
        return ep_err_set(err, "merge %u: '%.*s' is shorter than the subword prefix", rank,
                          (int)clen, c);
    buf_reset(&b->cache->tmp);
    buf_add(&b->cache->tmp, a, alen);
    buf_add(&b->cache->tmp, c + plen, clen - plen);
    inew = tok_vocab_get(&b->vocab, b->cache->tmp.buf, b->cache->tmp.len);
    if (inew < 0)
        return ep_err_set(err, "merge %u: merged token '%s' is not in the vocabulary", rank,
                          b->cache->tmp.buf);
    if ((b->merge_count + 1) * 2 > b->merge_slots)
        merge_rehash(b, b->merge_slots ? b->merge_slots * 2 : 1024);
    key = (uint64_t)(uint32_t)ia << 32 | (uint32_t)ic;
    mask = b->merge_slots - 1;
    for (i = hash_pair(key) & mask; b->merges[i].key != UINT64_MAX && b->merges[i].key != key;
         i = (i + 1) & mask)
        ;
    if (b->merges[i].key == UINT64_MAX)
        b->merge_count++;
    /* a repeated pair takes the later rank, like the library's HashMap */
    b->merges[i] = (struct tok_merge){ key, rank, inew };
    return 0;
}

/* ------------------------------------------------------------- cache */

static void
cache_clear(struct tok_cache *c)
{
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        free(c->slots[i].ids);
        c->slots[i].ids = NULL;
    }
    c->count = 0;
}

static const struct cache_ent *
cache_get(const struct tok_cache *c, uint64_t h, const char *w, size_t len)
{
    for (size_t i = h & (CACHE_SLOTS - 1); c->slots[i].ids; i = (i + 1) & (CACHE_SLOTS - 1)) {
        const struct cache_ent *e = &c->slots[i];

        if (e->hash == h && e->klen == len && !memcmp(e->ids + e->nids, w, len))
            return e;
    }
    return NULL;
}

static void
cache_put(struct tok_cache *c, uint64_t h, const char *w, size_t len, const int32_t *ids, size_t n)
{
    size_t i;
    struct cache_ent *e;

    if (c->count >= CACHE_MAX)
        cache_clear(c);
    for (i = h & (CACHE_SLOTS - 1); c->slots[i].ids; i = (i + 1) & (CACHE_SLOTS - 1))
        ;
    e = &c->slots[i];
    e->ids = xmalloc(n * sizeof(int32_t) + len + 1);
    memcpy(e->ids, ids, n * sizeof(int32_t));
    memcpy(e->ids + n, w, len);
    e->hash = h;
    e->klen = (uint32_t)len;
    e->nids = (uint32_t)n;
    c->count++;
}

/* ------------------------------------------------------------- words */

static void
heap_push(struct tok_cache *c, size_t *n, struct hent e)
{
    size_t i;

    ALLOC_GROW(c->heap, *n + 1, c->aheap);
    for (i = (*n)++; i > 0; i = (i - 1) / 2) {
        struct hent *p = &c->heap[(i - 1) / 2];

        if (p->rank < e.rank || (p->rank == e.rank && p->pos <= e.pos))
            break;
        c->heap[i] = *p;
    }
    c->heap[i] = e;
}

static struct hent
heap_pop(struct tok_cache *c, size_t *n)
{
    struct hent top = c->heap[0], last = c->heap[--(*n)];
    size_t i = 0;

    for (;;) {
        size_t k = 2 * i + 1;

        if (k >= *n)
            break;
        if (k + 1 < *n &&
            (c->heap[k + 1].rank < c->heap[k].rank ||
             (c->heap[k + 1].rank == c->heap[k].rank && c->heap[k + 1].pos < c->heap[k].pos)))
            k++;
        if (last.rank < c->heap[k].rank ||
            (last.rank == c->heap[k].rank && last.pos <= c->heap[k].pos))
            break;
        c->heap[i] = c->heap[k];
        i = k;
    }
    if (*n)
        c->heap[i] = last;
    return top;
}

static void
add_sym(struct tok_cache *c, size_t *n, int32_t id, uint32_t len)
{
    ALLOC_GROW(c->syms, *n + 1, c->asyms);
    c->syms[*n] = (struct sym){ id, (int32_t)*n - 1, (int32_t)*n + 1, len };
    (*n)++;
}

static void
push_pair(struct tok_bpe *b, size_t *nh, int32_t pos)
{
    struct sym *s = b->cache->syms;
    uint32_t rank;
    int32_t new_id;

    if (merge_get(b, s[pos].id, s[s[pos].next].id, &rank, &new_id))
        heap_push(b->cache, nh, (struct hent){ rank, pos, new_id });
}

static void
merge_all(struct tok_bpe *b, size_t n)
{
    struct tok_cache *c = b->cache;
    size_t nh = 0;

    for (size_t i = 0; i + 1 < n; i++)
        push_pair(b, &nh, (int32_t)i);
    while (nh) {
        struct hent top = heap_pop(c, &nh);
        struct sym *s = c->syms;
        int32_t pos = top.pos, next = s[pos].next, new_id;
        uint32_t rank;

        /* Skip entries made stale by earlier merges. */
        if (!s[pos].len || next >= (int32_t)n)
            continue;
        if (!merge_get(b, s[pos].id, s[next].id, &rank, &new_id) || new_id != top.new_id)
            continue;
        s[pos].id = new_id;
        s[pos].len += s[next].len;
        s[pos].next = s[next].next;
        s[next].len = 0;
        if (s[pos].next < (int32_t)n)
            s[s[pos].next].prev = pos;
        if (s[pos].prev >= 0)
            push_pair(b, &nh, s[pos].prev);
        if (s[pos].next < (int32_t)n)
            push_pair(b, &nh, pos);
    }
}

/* Initial symbol of the char w[i..i+clen): its id, byte-fallback ids, or unk handling. */
static int
initial_symbol(struct tok_bpe *b, const char *w, size_t i, size_t clen, size_t len, size_t *n,
               int32_t unk[2], struct ep_err *err)
{
    struct tok_cache *c = b->cache;
    const char *s = w + i;
    size_t slen = clen;
    int32_t id;

    if ((i > 0 && b->prefix) || (i + clen == len && b->suffix)) {
        buf_reset(&c->tmp);
        if (i > 0 && b->prefix)
            buf_addstr(&c->tmp, b->prefix);
        buf_add(&c->tmp, w + i, clen);
        if (i + clen == len && b->suffix)
            buf_addstr(&c->tmp, b->suffix);
        s = c->tmp.buf, slen = c->tmp.len;
    }
    id = tok_vocab_get(&b->vocab, s, slen);
    if (id >= 0) {
        if (unk[0] >= 0)
            add_sym(c, n, unk[0], (uint32_t)unk[1]);
        unk[0] = -1;
        add_sym(c, n, id, (uint32_t)clen);
        return 0;
    }
    if (b->byte_fallback) {
        size_t k;

        for (k = 0; k < slen && b->byte_ids[(unsigned char)s[k]] >= 0; k++)
            ;
        if (k == slen) {
            for (k = 0; k < slen; k++)
                add_sym(c, n, b->byte_ids[(unsigned char)s[k]], 1);
            return 0;
        }
    }
    if (!b->unk_token)
        return 0;
    id = tok_vocab_get(&b->vocab, b->unk_token, strlen(b->unk_token));
    if (id < 0)
        return ep_err_set(err, "unk token '%s' is not in the vocabulary", b->unk_token);
    if (unk[0] >= 0 && b->fuse_unk) {
        unk[1] += (int32_t)clen;
        return 0;
    }
    if (unk[0] >= 0)
        add_sym(c, n, unk[0], (uint32_t)unk[1]);
    unk[0] = id, unk[1] = (int32_t)clen;
    return 0;
}

int
tok_bpe_tokenize(struct tok_bpe *b, const char *w, size_t len, struct tok_ids *out,
                 struct ep_err *err)
{
    struct tok_cache *c = b->cache;
    const struct cache_ent *e;
    uint64_t h;
    size_t n = 0, first = out->n;
    int32_t unk[2] = { -1, 0 }, id;

    if (!len)
        return 0;
    if (b->ignore_merges && (id = tok_vocab_get(&b->vocab, w, len)) >= 0) {
        tok_ids_push(out, id);
        return 0;
    }
    h = hash_bytes(w, len);
    if (len < CACHE_MAX_LEN && (e = cache_get(c, h, w, len)) != NULL) {
        for (size_t k = 0; k < e->nids; k++)
            tok_ids_push(out, e->ids[k]);
        return 0;
    }
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t clen = uc_decode_valid(w + i, &cp);

        if (initial_symbol(b, w, i, clen, len, &n, unk, err) < 0)
            return -1;
        i += clen;
    }
    if (unk[0] >= 0)
        add_sym(c, &n, unk[0], (uint32_t)unk[1]);
    merge_all(b, n);
    for (size_t k = 0; k < n; k++)
        if (c->syms[k].len)
            tok_ids_push(out, c->syms[k].id);
    if (len < CACHE_MAX_LEN)
        cache_put(c, h, w, len, out->v + first, out->n - first);
    return 0;
}

void
tok_bpe_finish(struct tok_bpe *b)
{
    for (int i = 0; i < 256; i++) {
        char name[8];

        snprintf(name, sizeof(name), "<0x%02X>", i);
        b->byte_ids[i] = tok_vocab_get(&b->vocab, name, 6);
    }
}

struct tok_bpe *
tok_bpe_new(void)
{
    struct tok_bpe *b = xcalloc(1, sizeof(*b));

    b->cache = xcalloc(1, sizeof(*b->cache));
    b->cache->slots = xcalloc(CACHE_SLOTS, sizeof(*b->cache->slots));
    buf_init(&b->cache->tmp, 64);
    return b;
}

void
tok_bpe_free(struct tok_bpe *b)
{
    if (!b)
        return;
    tok_vocab_release(&b->vocab);
    free(b->merges);
    free(b->unk_token);
    free(b->prefix);
    free(b->suffix);
    if (b->cache) {
        cache_clear(b->cache);
        free(b->cache->slots);
        free(b->cache->syms);
        free(b->cache->heap);
        buf_release(&b->cache->tmp);
        free(b->cache);
    }
    free(b);
}

void
tok_ids_push(struct tok_ids *ids, int32_t id)
{
    ALLOC_GROW(ids->v, ids->n + 1, ids->alloc);
    ids->v[ids->n++] = id;
}

void
tok_ids_release(struct tok_ids *ids)
{
    free(ids->v);
    ids->v = NULL;
    ids->n = ids->alloc = 0;
}

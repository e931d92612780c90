/*
 * bench — lookups in the generated benchmark and metric tables.
 */
#include "lib/bench.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
bench_key(struct buf *out, const char *s, size_t len)
{
    buf_reset(out);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '+')
            buf_addstr(out, "plus");
        else if (isalnum(c) && c < 0x80)
            buf_addch(out, tolower(c));
        else if (c >= 0x80)
            buf_addch(out, c);
    }
}

static int
cmp_key(const void *k, const void *e)
{
    return strcmp(k, ((const struct bench_key *)e)->key);
}

static int
find(const struct bench_key *keys, size_t n, const char *s)
{
    struct buf k = BUF_INIT;
    const struct bench_key *hit = NULL;

    bench_key(&k, s, strlen(s));
    if (k.len)
        hit = bsearch(k.buf, keys, n, sizeof(*keys), cmp_key);
    buf_release(&k);
    return hit ? hit->entry : -1;
}

const struct bench_entry *
bench_find(const char *s)
{
    int e = find(bench_keys, bench_nkeys, s);

    return e < 0 ? NULL : &bench_entries[e];
}

/* "pass@1", "Pass@10", "maj@8", "pass @ 1": the k-form metrics; NULL otherwise. */
static const char *
at_k(const char *s, char *buf, size_t size)
{
    const char *kinds[] = { "pass", "maj", "avg", "cons" };

    while (*s == ' ')
        s++;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        size_t n = strlen(kinds[i]), d = 0;
        const char *p = s + n;
        unsigned long k = 0;

        if (strncasecmp(s, kinds[i], n))
            continue;
        while (*p == ' ')
            p++;
        if (*p++ != '@')
            continue;
        while (*p == ' ')
            p++;
        for (; isdigit((unsigned char)*p) && d < 6; p++, d++)
            k = k * 10 + (unsigned long)(*p - '0');
        while (*p == ' ')
            p++;
        if (!d || *p)
            continue;
        snprintf(buf, size, "%s@%lu", kinds[i], k);
        return buf;
    }
    return NULL;
}

const char *
bench_metric(const char *s, char *buf, size_t size)
{
    int e;

    if (at_k(s, buf, size))
        return buf;
    e = find(bench_metric_keys, bench_nmetric_keys, s);
    return e < 0 ? NULL : bench_metrics[e].type;
}

const char *
bench_metric_scale(const char *type)
{
    for (size_t i = 0; type && i < bench_nmetrics; i++)
        if (!strcmp(bench_metrics[i].type, type))
            return bench_metrics[i].scale;
    return NULL;
}

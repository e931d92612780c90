/*
 * diff — Myers' greedy shortest edit script on lines, printed as hunks.
 */
#include "lib/diff.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

#define CONTEXT 3

struct line {
    const char *p;
    size_t len;     /* without the newline */
    bool newline;   /* ended by '\n' */
};

struct lines {
    struct line *v;
    size_t n, alloc;
};

static void
split_lines(struct lines *l, const char *s, size_t len)
{
    size_t start = 0;

    memset(l, 0, sizeof(*l));
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '\n')
            continue;
        if (i == len && start == len)
            break;
        ALLOC_GROW(l->v, l->n + 1, l->alloc);
        l->v[l->n].p = s + start;
        l->v[l->n].len = i - start;
        l->v[l->n].newline = i < len;
        l->n++;
        start = i + 1;
    }
}

static bool
same(const struct line *x, const struct line *y)
{
    return x->len == y->len && x->newline == y->newline && !memcmp(x->p, y->p, x->len);
}

enum op { KEEP, DEL, ADD };

struct edit {
    enum op op;
    size_t ai, bi;
};

/*
 * The edit script from a to b: Myers' forward search keeping every V array
 * (fine for the file sizes diffed here), then a backtrack.
 */
/* The trivial script: delete every line of a, add every line of b. */
static struct edit *
replace_all(const struct lines *a, const struct lines *b, size_t *nr)
{
    struct edit *e = xmalloc((a->n + b->n + 1) * sizeof(*e));
    size_t cnt = 0;

    for (size_t i = 0; i < a->n; i++)
        e[cnt++] = (struct edit){ DEL, i, 0 };
    for (size_t j = 0; j < b->n; j++)
        e[cnt++] = (struct edit){ ADD, a->n, j };
    *nr = cnt;
    return e;
}

/* Cap on the saved search state (longs); past it the diff is a whole replacement. */
#define MAX_TRACE ((size_t)16 << 20)

static struct edit *
edit_script(const struct lines *a, const struct lines *b, size_t *nr)
{
    long n = (long)a->n, m = (long)b->n, max = n + m, off = max + 1, d, k;
    long *v = xcalloc((size_t)(2 * max + 3), sizeof(long));
    long **trace = xcalloc((size_t)(max + 1), sizeof(long *));
    struct edit *e;
    size_t cnt = 0, cap = (size_t)(n + m) + 1;
    long x, y;

    for (d = 0; d <= max; d++) {
        for (k = -d; k <= d; k += 2) {
            if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
                x = v[off + k + 1];
            else
                x = v[off + k - 1] + 1;
            y = x - k;
            while (x < n && y < m && same(&a->v[x], &b->v[y]))
                x++, y++;
            v[off + k] = x;
            if (x >= n && y >= m)
                goto found;
        }
        if ((size_t)(d + 1) * (size_t)(2 * max + 3) > MAX_TRACE) {
            for (long i = 0; i < d; i++)
                free(trace[i]);
            free(trace);
            free(v);
            return replace_all(a, b, nr);
        }
        trace[d] = xmalloc((size_t)(2 * max + 3) * sizeof(long));
        memcpy(trace[d], v, (size_t)(2 * max + 3) * sizeof(long));
    }
found:
    e = xmalloc(cap * sizeof(*e));
    x = n, y = m;
    for (; d > 0; d--) {
        long *pv = trace[d - 1], pk, px, py;

        k = x - y;
        pk = (k == -d || (k != d && pv[off + k - 1] < pv[off + k + 1])) ? k + 1 : k - 1;
        px = pv[off + pk];
        py = px - pk;
        while (x > px && y > py)
            e[cnt++] = (struct edit){ KEEP, (size_t)--x, (size_t)--y };
        if (x == px)
            e[cnt++] = (struct edit){ ADD, (size_t)x, (size_t)--y };
        else
            e[cnt++] = (struct edit){ DEL, (size_t)--x, (size_t)y };
    }
    while (x > 0 && y > 0)
        e[cnt++] = (struct edit){ KEEP, (size_t)--x, (size_t)--y };
    for (size_t i = 0; i < cnt / 2; i++) { /* backtracking built it backwards */
        struct edit t = e[i];
        e[i] = e[cnt - 1 - i];
        e[cnt - 1 - i] = t;
    }
    for (long i = 0; i <= max; i++)
        free(trace[i]);
    free(trace);
    free(v);
    *nr = cnt;
    return e;
}

static void
put_line(struct buf *out, char mark, const struct line *l)
{
    buf_addch(out, mark);
    buf_add(out, l->p, l->len);
    buf_addch(out, '\n');
    if (!l->newline)
        buf_addstr(out, "\\ No newline at end of file\n");
}

/* "start,count" as diff -u writes it: 1-based, ",1" left out, an empty range at its line. */
static void
put_range(struct buf *out, size_t start, size_t count)
{
    if (count == 1)
        buf_addf(out, "%zu", start + 1);
    else
        buf_addf(out, "%zu,%zu", count ? start + 1 : start, count);
}

/* Print edits [from, to) as one hunk. */
static void
hunk(struct buf *out, const struct edit *e, size_t from, size_t to, const struct lines *a,
     const struct lines *b)
{
    size_t astart = e[from].ai, bstart = e[from].bi, acount = 0, bcount = 0;

    for (size_t i = from; i < to; i++) {
        acount += e[i].op != ADD;
        bcount += e[i].op != DEL;
    }
    buf_addstr(out, "@@ -");
    put_range(out, astart, acount);
    buf_addstr(out, " +");
    put_range(out, bstart, bcount);
    buf_addstr(out, " @@\n");
    for (size_t i = from; i < to; i++) {
        if (e[i].op == KEEP)
            put_line(out, ' ', &a->v[e[i].ai]);
        else if (e[i].op == DEL)
            put_line(out, '-', &a->v[e[i].ai]);
        else
            put_line(out, '+', &b->v[e[i].bi]);
    }
}

void
diff_unified(struct buf *out, const char *name, const char *a, size_t alen, const char *b,
             size_t blen)
{
    struct lines la, lb;
    struct edit *e;
    size_t n, i = 0;

    if (a && alen == blen && !memcmp(a, b, alen))
        return;
    split_lines(&la, a ? a : "", a ? alen : 0);
    split_lines(&lb, b, blen);
    e = edit_script(&la, &lb, &n);
    if (a)
        buf_addf(out, "--- a/%s\n+++ b/%s\n", name, name);
    else
        buf_addf(out, "--- /dev/null\n+++ b/%s\n", name);
    while (i < n) {
        size_t start, end, last;

        while (i < n && e[i].op == KEEP)
            i++;
        if (i == n)
            break;
        start = i > CONTEXT ? i - CONTEXT : 0;
        /* extend while the next change is within 2*CONTEXT kept lines */
        last = i;
        for (end = i; end < n; end++) {
            if (e[end].op != KEEP)
                last = end;
            else if (end - last > 2 * CONTEXT)
                break;
        }
        end = last + 1 + CONTEXT < n ? last + 1 + CONTEXT : n;
        hunk(out, e, start, end, &la, &lb);
        i = end;
    }
    free(e);
    free(la.v);
    free(lb.v);
}

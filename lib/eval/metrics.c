/*
 * metrics — lm-eval's metrics and aggregates; see metrics.h.
 */
#include "lib/eval/metrics.h"

#include <math.h>
#include <string.h>

#include "lib/eval/pytext.h"

/* ----------------------------------------------------------------- multiple choice */

size_t
metrics_argmax(const double *v, size_t n)
{
    size_t best = 0;

    for (size_t i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

void
metrics_mc_pred(const double *ll, const size_t *len, size_t n, size_t *pred, size_t *pred_norm)
{
    size_t best = 0, best_norm = 0;

    for (size_t i = 1; i < n; i++) {
        if (ll[i] > ll[best])
            best = i;
        /* ll / len in float64, as numpy divides the arrays. */
        if (ll[i] / (double)len[i] > ll[best_norm] / (double)len[best_norm])
            best_norm = i;
    }
    if (pred)
        *pred = best;
    if (pred_norm)
        *pred_norm = best_norm;
}

double
metrics_mc2(const double *ll, const int *labels, size_t n)
{
    double total = 0, mass = 0;

    for (size_t i = 0; i < n; i++)
        total += exp(ll[i]);
    for (size_t i = 0; i < n; i++)
        if (labels[i] == 1)
            mass += exp(ll[i]) / total;
    return mass;
}

/* ----------------------------------------------------------------- aggregates */

double
metrics_mean(const double *v, size_t n)
{
    double s = 0;

    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return s / (double)n;
}

double
metrics_stderr(const double *v, size_t n)
{
    double mu, s = 0;

    if (n < 2)
        return -1;
    mu = metrics_mean(v, n);
    for (size_t i = 0; i < n; i++)
        s += (v[i] - mu) * (v[i] - mu);
    return sqrt(s / (double)(n - 1)) / sqrt((double)n);
}

double
metrics_weighted_mean(const double *value, const size_t *size, size_t k)
{
    double s = 0;
    size_t total = 0;

    for (size_t i = 0; i < k; i++) {
        s += value[i] * (double)size[i];
        total += size[i];
    }
    return total ? s / (double)total : 0;
}

double
metrics_pooled_stderr(const double *se, const size_t *size, size_t k)
{
    double s = 0;
    size_t total = 0;

    for (size_t i = 0; i < k; i++) {
        s += ((double)size[i] - 1) * (se[i] * se[i]) * (double)size[i];
        total += size[i];
    }
    if (total <= k)
        return -1;
    return sqrt(s / (double)(total - k) / (double)total);
}

/* ----------------------------------------------------------------- gsm8k filters */

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool
is_num(char c)
{
    return is_digit(c) || c == '.' || c == ',';
}

static void
add_stripped(struct buf *out, const char *s, size_t n)
{
    pytext_strip(&s, &n);
    buf_add(out, s, n);
}

void
metrics_gsm8k_strict(const char *s, size_t n, struct buf *out)
{
    for (size_t i = 0; i + 5 <= n; i++) {
        size_t j = i + 5, k;

        if (memcmp(s + i, "#### ", 5))
            continue;
        /* \-? is greedy but gives the minus back when no digit follows. */
        k = j + (j < n && s[j] == '-');
        while (k < n && is_num(s[k]))
            k++;
        if (k > j + (j < n && s[j] == '-')) {
            add_stripped(out, s + j, k - j);
            return;
        }
    }
    buf_addstr(out, "[invalid]");
}

/* The match of (-?[$0-9.,]{2,})|(-?[0-9]+) at i: its end, or i when none. */
static size_t
flexible_at(const char *s, size_t n, size_t i)
{
    size_t j = i + (s[i] == '-'), k = j;

    while (k < n && (is_num(s[k]) || s[k] == '$'))
        k++;
    if (k - j >= 2)
        return k;
    k = j;
    while (k < n && is_digit(s[k]))
        k++;
    return k > j ? k : i;
}

void
metrics_gsm8k_flexible(const char *s, size_t n, struct buf *out)
{
    size_t last = 0, last_end = 0;
    bool found = false;

    for (size_t i = 0; i < n;) {
        size_t e = flexible_at(s, n, i);

        if (e > i) {
            last = i;
            last_end = e;
            found = true;
            i = e;
        } else {
            i++;
        }
    }
    if (found)
        add_stripped(out, s + last, last_end - last);
    else
        buf_addstr(out, "[invalid]");
}

void
metrics_gsm8k_normalize(const char *s, size_t n, struct buf *out)
{
    struct buf a = BUF_INIT;
    size_t start = 0, len;

    for (size_t i = 0; i < n; i++)
        if (s[i] != ',' && s[i] != '$')
            buf_addch(&a, s[i]);
    /* (?s).*#### : everything through the last "#### ". */
    for (size_t i = a.len; i >= 5; i--) {
        if (!memcmp(a.buf + i - 5, "#### ", 5)) {
            start = i;
            break;
        }
    }
    len = a.len - start;
    /* \.$ : a final ".", or one right before a final newline. */
    if (len >= 1 && a.buf[start + len - 1] == '.') {
        len--;
        pytext_lower(a.buf + start, len, out);
    } else if (len >= 2 && a.buf[start + len - 1] == '\n' && a.buf[start + len - 2] == '.') {
        pytext_lower(a.buf + start, len - 2, out);
        buf_addch(out, '\n');
    } else {
        pytext_lower(a.buf + start, len, out);
    }
    buf_release(&a);
}

bool
metrics_gsm8k_exact(const char *pred, size_t pn, const char *ref, size_t rn)
{
    struct buf a = BUF_INIT, b = BUF_INIT;
    bool eq;

    metrics_gsm8k_normalize(pred, pn, &a);
    metrics_gsm8k_normalize(ref, rn, &b);
    eq = a.len == b.len && !memcmp(a.buf, b.buf, a.len);
    buf_release(&a);
    buf_release(&b);
    return eq;
}

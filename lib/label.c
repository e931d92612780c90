/*
 * label — model-name matching, benchmark labels, header word classes.
 */
#include "lib/label.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/bench.h"
#include "lib/celltext.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

/* ---------------------------------------------------------------- characters */

/* The code point at s (NUL-terminated), and its length. */
static size_t
get_cp(const char *s, uint32_t *cp)
{
    return *s ? utf8_decode(s, strnlen(s, 4), cp) : (*cp = 0, 1);
}

/* Letters of other scripts count as part of a name; symbols, emoji and marks do not. */
static bool
is_letter_cp(uint32_t cp)
{
    return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
           (cp >= 0x370 && cp <= 0x52F) || (cp >= 0x3040 && cp <= 0x30FF) ||
           (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
           (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF);
}

/* Footnote marks, emoji and symbols that may sit before or after a label. */
static bool
is_mark_cp(uint32_t cp)
{
    return celltext_is_mark(cp) || cp == '#' || cp == ':';
}

/* Lower-case words of s (letters/digits runs) as a list of (start, len) into s. */
struct words {
    size_t off[64], len[64], n;
};

static void
split_words(const char *s, struct words *w)
{
    size_t i = 0, len = strlen(s);

    w->n = 0;
    while (i < len && w->n < 64) {
        uint32_t cp;
        size_t k = get_cp(s + i, &cp), start;

        if (!(cp < 0x80 ? isalnum((int)cp) : is_letter_cp(cp))) {
            i += k;
            continue;
        }
        start = i;
        while (i < len) {
            k = get_cp(s + i, &cp);
            if (!(cp < 0x80 ? isalnum((int)cp) : is_letter_cp(cp)))
                break;
            i += k;
        }
        w->off[w->n] = start;
        w->len[w->n++] = i - start;
    }
}

static bool
word_is(const char *s, const struct words *w, size_t i, const char *lit)
{
    return i < w->n && w->len[i] == strlen(lit) && !strncasecmp(s + w->off[i], lit, w->len[i]);
}

/* ---------------------------------------------------------------- model names */

/* Number of words at i that make a self reference ("ours", "this model"), 0 if none. */
static size_t
self_ref(const char *s, const struct words *w, size_t i)
{
    if (word_is(s, w, i, "ours") || word_is(s, w, i, "proposed"))
        return 1;
    if ((word_is(s, w, i, "this") || word_is(s, w, i, "our")) &&
        (word_is(s, w, i + 1, "model") || word_is(s, w, i + 1, "work")))
        return 2;
    if (i < w->n && w->len[i] == 9 &&
        !strncmp(s + w->off[i], "\xE6\x9C\xAC\xE6\xA8\xA1\xE5\x9E\x8B", 9))
        return 1; /* 本模型 */
    return 0;
}

/* Squash the words of s, skipping self references; *self tells whether there was one. */
static void
squash_words(struct buf *out, const char *s, bool *self)
{
    struct words w;

    split_words(s, &w);
    *self = false;
    for (size_t i = 0; i < w.n;) {
        size_t k = self_ref(s, &w, i);

        if (k) {
            *self = true;
            i += k;
            continue;
        }
        for (size_t j = 0; j < w.len[i]; j++)
            buf_addch(out, tolower((unsigned char)s[w.off[i] + j]));
        i++;
    }
}

void
label_squash(struct buf *out, const char *s)
{
    bool self;

    squash_words(out, s, &self);
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The words of s, lower-cased, sorted, joined by ' ' (self references skipped). */
static char *
sorted_words(const char *s)
{
    struct words w;
    char *list[64];
    struct buf out = BUF_INIT;
    size_t n = 0;

    split_words(s, &w);
    for (size_t i = 0; i < w.n;) {
        size_t k = self_ref(s, &w, i);

        if (k) {
            i += k;
            continue;
        }
        list[n] = xstrndup(s + w.off[i], w.len[i]);
        for (char *p = list[n]; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        n++;
        i++;
    }
    qsort(list, n, sizeof(list[0]), cmp_str);
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_addch(&out, ' ');
        buf_addstr(&out, list[i]);
        free(list[i]);
    }
    return buf_detach(&out, NULL);
}

static void
add_name(struct label_names *n, const char *name)
{
    struct buf b = BUF_INIT;

    if (!name || !*name || n->n >= LABEL_MAX_NAMES)
        return;
    label_squash(&b, name);
    for (size_t i = 0; i < n->n; i++)
        if (!strcmp(n->squash[i], b.buf)) {
            buf_release(&b);
            return;
        }
    if (!b.len) {
        buf_release(&b);
        return;
    }
    n->squash[n->n] = buf_detach(&b, NULL);
    n->tokens[n->n] = sorted_words(name);
    n->n++;
    if (!n->shown)
        n->shown = xstrdup(name);
}

void
label_names_init(struct label_names *n, const char *repo, const char *forced,
                 const char *const *extra, size_t nextra)
{
    memset(n, 0, sizeof(*n));
    if (repo && *repo)
        n->repo = xstrdup(repo);
    if (forced) {
        add_name(n, forced);
        return;
    }
    if (repo) {
        const char *slash = strrchr(repo, '/');

        add_name(n, slash ? slash + 1 : repo);
        add_name(n, repo);
    }
    for (size_t i = 0; i < nextra; i++)
        add_name(n, extra[i]);
}

void
label_names_add_other(struct label_names *n, const char *name)
{
    struct buf b = BUF_INIT;
    const char *slash = name ? strrchr(name, '/') : NULL;

    if (!name || n->nothers >= LABEL_MAX_NAMES)
        return;
    label_squash(&b, slash ? slash + 1 : name);
    for (size_t i = 0; i < n->n; i++)
        if (!strcmp(n->squash[i], b.buf))
            b.len = 0; /* the card's own name */
    if (b.len >= 3)
        n->others[n->nothers++] = buf_detach(&b, NULL);
    buf_release(&b);
}

const char *
label_names_other_mentioned(const struct label_names *n, const char *text)
{
    struct buf b = BUF_INIT;
    const char *hit = NULL;

    if (!text || !n->nothers)
        return NULL;
    label_squash(&b, text);
    for (size_t i = 0; i < n->n; i++)
        if (strstr(b.buf, n->squash[i])) {
            buf_release(&b);
            return NULL;
        }
    for (size_t i = 0; i < n->nothers && !hit; i++)
        if (strstr(b.buf, n->others[i]))
            hit = n->others[i];
    buf_release(&b);
    return hit;
}

void
label_names_release(struct label_names *n)
{
    for (size_t i = 0; i < n->nothers; i++)
        free(n->others[i]);
    for (size_t i = 0; i < n->n; i++) {
        free(n->squash[i]);
        free(n->tokens[i]);
    }
    free(n->repo);
    free(n->shown);
    memset(n, 0, sizeof(*n));
}

/* Does href point at the model repo `repo` on huggingface.co (or hf.co)? */
static bool
links_to(const char *href, const char *repo)
{
    static const char *const hosts[] = { "https://huggingface.co/", "http://huggingface.co/",
                                         "https://hf.co/", "https://www.huggingface.co/" };
    size_t rlen = strlen(repo);

    for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
        size_t h = strlen(hosts[i]);
        const char *rest = href + h;

        if (strncasecmp(href, hosts[i], h))
            continue;
        if (strncasecmp(rest, repo, rlen))
            return false;
        rest += rlen;
        return !*rest || *rest == '/' || *rest == '?' || *rest == '#';
    }
    return false;
}

enum label_match
label_match(const struct label_names *n, const char *text, const char *href)
{
    struct buf sq = BUF_INIT, sq2 = BUF_INIT;
    const char *slash = strrchr(text, '/');
    enum label_match best = LM_NONE;
    bool self = false, self2;
    char *words;

    if (href && n->repo && links_to(href, n->repo))
        return LM_LINK;
    squash_words(&sq, text, &self);
    if (slash && !strchr(slash, ' '))
        squash_words(&sq2, slash + 1, &self2);
    if (!sq.len) {
        buf_release(&sq);
        buf_release(&sq2);
        return self ? LM_SELF : LM_NONE;
    }
    words = sorted_words(text);
    for (size_t i = 0; i < n->n && best < LM_EXACT; i++) {
        if (!strcmp(sq.buf, n->squash[i]) || (sq2.len && !strcmp(sq2.buf, n->squash[i])))
            best = LM_EXACT;
        else if (!strcmp(words, n->tokens[i]))
            best = LM_TOKENS;
    }
    free(words);
    buf_release(&sq);
    buf_release(&sq2);
    return best;
}

/* ---------------------------------------------------------------- qualifiers */

static bool
parse_shots(const char *w, size_t len, long *shots)
{
    size_t i = 0;
    long n = 0;

    if (len >= 9 && !strncasecmp(w, "zero-shot", 9) && len <= 10) {
        *shots = 0;
        return true;
    }
    if (len >= 8 && !strncasecmp(w, "one-shot", 8) && len <= 9) {
        *shots = 1;
        return true;
    }
    if (len >= 8 && !strncasecmp(w, "few-shot", 8) && len <= 9)
        return true;
    while (i < len && isdigit((unsigned char)w[i]) && i < 5)
        n = n * 10 + (w[i++] - '0');
    if (!i)
        return false;
    if (i < len && (w[i] == '-' || w[i] == ' ' || w[i] == '_'))
        i++;
    if (len - i == 4 && !strncasecmp(w + i, "shot", 4)) {
        *shots = n;
        return true;
    }
    if (len - i == 5 && !strncasecmp(w + i, "shots", 5)) {
        *shots = n;
        return true;
    }
    return false;
}

/* One qualifier word (w not NUL-terminated). */
static bool
qual_word(const char *w, size_t len, struct blabel *b)
{
    char tmp[48], mbuf[32];
    const char *m;
    bool marks = true;

    if (!len || len >= sizeof(tmp))
        return !len;
    memcpy(tmp, w, len);
    tmp[len] = '\0';
    for (size_t i = 0; i < len;) {
        uint32_t cp;

        i += get_cp(tmp + i, &cp);
        marks &= is_mark_cp(cp);
    }
    if (marks || !strcmp(tmp, "$\\uparrow$") || !strcmp(tmp, "$\\downarrow$"))
        return true; /* "(↑)", "$\uparrow$": which way is better, not what is measured */
    if (!strcasecmp(tmp, "cot") || !strcasecmp(tmp, "chain-of-thought")) {
        b->cot = true;
        return true;
    }
    if (!strcasecmp(tmp, "with") || !strcasecmp(tmp, "w/") || !strcasecmp(tmp, "w"))
        return true;
    if (!strcmp(tmp, "%")) {
        b->percent = true;
        return true;
    }
    if (parse_shots(tmp, len, &b->shots))
        return true;
    if (!strcasecmp(tmp, "test") || !strcasecmp(tmp, "testmini") || !strcasecmp(tmp, "dev")) {
        snprintf(b->split, sizeof(b->split), "%.15s", !strcasecmp(tmp, "test") ? "test" : tmp);
        for (char *p = b->split; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        return true;
    }
    if (!strcasecmp(tmp, "val") || !strcasecmp(tmp, "valid") || !strcasecmp(tmp, "validation")) {
        snprintf(b->split, sizeof(b->split), "validation");
        return true;
    }
    if ((m = bench_metric(tmp, mbuf, sizeof(mbuf)))) {
        snprintf(b->metric, sizeof(b->metric), "%s", m);
        return true;
    }
    return false;
}

bool
label_qualifiers(const char *text, struct blabel *b)
{
    struct blabel tmp = *b;
    size_t i = 0, len = strlen(text);
    bool any = false;

    while (i < len) {
        size_t j;

        while (i < len && (text[i] == ' ' || text[i] == ',' || text[i] == ';'))
            i++;
        if (i >= len)
            break;
        for (j = i; j < len && text[j] != ' ' && text[j] != ',' && text[j] != ';'; j++)
            ;
        /* "5 shot" is one word */
        if (j < len && text[j] == ' ' && isdigit((unsigned char)text[j - 1]) &&
            (!strncasecmp(text + j + 1, "shot", 4))) {
            size_t k = j + 5;

            if (k < len && (text[k] == 's' || text[k] == 'S'))
                k++;
            if (k == len || text[k] == ' ' || text[k] == ',' || text[k] == ';') {
                char w[48];

                if (k - i < sizeof(w)) {
                    memcpy(w, text + i, k - i);
                    w[j - i] = '-';
                    if (!qual_word(w, k - i, &tmp))
                        return false;
                    any = true;
                    i = k;
                    continue;
                }
            }
        }
        if (!qual_word(text + i, j - i, &tmp))
            return false;
        any = true;
        i = j;
    }
    if (any)
        *b = tmp;
    return any;
}

/* ---------------------------------------------------------------- benchmark labels */

/* Remove marks, emoji, footnote refs and ':' from both ends of s (in place). */
static void
strip_marks(char *s)
{
    size_t len = strlen(s), start = 0;
    bool again = true;

    while (again) {
        uint32_t cp;

        again = false;
        while (len && (s[len - 1] == ' ' || s[len - 1] == '.'))
            len--;
        if (len >= 3 && s[len - 1] == ']') {
            size_t k = len - 2;

            while (k > 0 && isalnum((unsigned char)s[k]) && len - k <= 5)
                k--;
            if (s[k] == '[' && k + 2 < len) {
                len = k;
                again = true;
                continue;
            }
        }
        for (size_t k = len; k > start;) {
            size_t back = 1;

            while (back < 4 && k - back > start && ((unsigned char)s[k - back] & 0xC0) == 0x80)
                back++;
            get_cp(s + k - back, &cp);
            if (!is_mark_cp(cp))
                break;
            len = k - back;
            k = len;
            again = true;
        }
        while (start < len && s[start] == ' ')
            start++;
        while (start < len) {
            size_t k = get_cp(s + start, &cp);

            if (!is_mark_cp(cp))
                break;
            start += k;
            again = true;
        }
    }
    memmove(s, s + start, len - start);
    s[len - start] = '\0';
}

/* Collapse runs of spaces and trim (in place). */
static void
squeeze(char *s)
{
    char *w = s;
    bool space = true;

    for (char *r = s; *r; r++) {
        if (*r == ' ') {
            if (!space)
                *w++ = ' ';
            space = true;
        } else {
            *w++ = *r;
            space = false;
        }
    }
    while (w > s && w[-1] == ' ')
        w--;
    *w = '\0';
}

/* Index of the '(' matching the ')' at s[end - 1], or -1. */
static long
open_paren(const char *s, size_t end)
{
    int depth = 0;

    for (size_t i = end; i-- > 0;) {
        if (s[i] == ')')
            depth++;
        else if (s[i] == '(' && --depth == 0)
            return (long)i;
    }
    return -1;
}

void
label_parse_bench(const char *text, struct blabel *b)
{
    char *s = b->name;
    size_t len;

    memset(b, 0, sizeof(*b));
    b->shots = -1;
    snprintf(s, sizeof(b->name), "%s", text);
    squeeze(s);
    if (s[0] == '-' && s[1] == ' ') {
        b->subtask = true;
        memmove(s, s + 2, strlen(s + 2) + 1);
    }
    strip_marks(s);
    /* qualifiers in parentheses at the end: "MMLU (5-shot) (%)" */
    while ((len = strlen(s)) && s[len - 1] == ')') {
        long open = open_paren(s, len);
        char inner[sizeof(b->name)];

        if (open < 0)
            break;
        snprintf(inner, sizeof(inner), "%.*s", (int)(len - (size_t)open - 2), s + open + 1);
        if (!label_qualifiers(inner, b))
            break;
        s[open] = '\0';
        squeeze(s);
        strip_marks(s);
    }
    /* qualifier words at the end: "GSM8K 8-shot CoT", keeping at least one word */
    for (;;) {
        char *sp = strrchr(s, ' ');
        struct blabel tmp = *b;

        if (!sp)
            break;
        if (sp > s && isdigit((unsigned char)sp[-1]) && !strncasecmp(sp + 1, "shot", 4)) {
            char *sp2 = sp - 1;

            while (sp2 > s && sp2[-1] != ' ')
                sp2--;
            if (sp2 > s && label_qualifiers(sp2, &tmp)) {
                *b = tmp;
                sp2[-1] = '\0';
                continue;
            }
        }
        if (!label_qualifiers(sp + 1, &tmp))
            break;
        *b = tmp;
        *sp = '\0';
        strip_marks(s);
    }
    if (!strchr(s, ' ') && !strchr(s, '(')) {
        struct blabel tmp = *b;

        if (label_qualifiers(s, &tmp)) {
            *b = tmp;
            s[0] = '\0';
        }
    }
    len = strlen(s);
    while (len && (s[len - 1] == '-' || s[len - 1] == ',' || s[len - 1] == ' '))
        s[--len] = '\0';
}

/* Split s at '/' into at most max trimmed parts; returns the count (0 if more than max). */
static size_t
split_slash(const char *s, char parts[][96], size_t max)
{
    size_t n = 0;

    while (*s) {
        const char *slash = strchr(s, '/');
        size_t len = slash ? (size_t)(slash - s) : strlen(s);

        if (n == max || len >= 96)
            return 0;
        snprintf(parts[n], 96, "%.*s", (int)len, s);
        squeeze(parts[n]);
        if (!parts[n][0])
            return 0;
        n++;
        if (!slash)
            break;
        s = slash + 1;
    }
    return n;
}

int
label_split_parts(const char *text, size_t nparts, struct blabel *parts)
{
    char base[192], parts_txt[8][96], label[400];
    const char *open = NULL, *close = NULL;
    size_t n;

    if (nparts < 2 || nparts > 8)
        return -1;
    snprintf(base, sizeof(base), "%s", text);
    squeeze(base);
    strip_marks(base);
    /* a group in parentheses: "SQuAD (EM/F1)" */
    for (const char *p = base; (p = strchr(p, '(')); p++) {
        const char *q = strchr(p, ')');

        if (q && memchr(p, '/', (size_t)(q - p))) {
            open = p;
            close = q;
            break;
        }
    }
    if (open) {
        char inner[192];

        snprintf(inner, sizeof(inner), "%.*s", (int)(close - open - 1), open + 1);
        if (split_slash(inner, parts_txt, 8) != nparts)
            return -1;
        for (size_t i = 0; i < nparts; i++) {
            struct blabel q = { .shots = -1 };

            if (!label_qualifiers(parts_txt[i], &q))
                return -1;
            snprintf(label, sizeof(label), "%.*s(%.95s)%.190s", (int)(open - base), base,
                     parts_txt[i], close + 1);
            label_parse_bench(label, &parts[i]);
        }
        return 0;
    }
    /* names: "HumanEval/MBPP (pass@1)" */
    {
        char head[192];
        const char *tail = strchr(base, '(');

        snprintf(head, sizeof(head), "%.*s", tail ? (int)(tail - base) : (int)strlen(base), base);
        n = split_slash(head, parts_txt, 8);
        if (n != nparts)
            return -1;
        for (size_t i = 0; i < nparts; i++) {
            struct blabel q = { .shots = -1 };

            if (!bench_find(parts_txt[i]) && !label_qualifiers(parts_txt[i], &q))
                return -1;
            snprintf(label, sizeof(label), "%.95s %.190s", parts_txt[i], tail ? tail : "");
            label_parse_bench(label, &parts[i]);
        }
    }
    return 0;
}

bool
label_has_parts(const char *text)
{
    struct blabel parts[8];

    if (!strchr(text, '/'))
        return false;
    for (size_t n = 2; n <= 8; n++)
        if (label_split_parts(text, n, parts) == 0)
            return true;
    return false;
}

/* ---------------------------------------------------------------- word classes */

static const struct {
    const char *key;
    enum label_class cls;
    bool prefix; /* also matches keys that start with it */
} classes[] = {
    { "model", LC_MODEL, false },
    { "models", LC_MODEL, false },
    { "modelname", LC_MODEL, false },
    { "name", LC_MODEL, false },
    { "llm", LC_MODEL, false },
    { "system", LC_MODEL, false },
    { "\xE6\xA8\xA1\xE5\x9E\x8B", LC_MODEL, false }, /* 模型 */
    { "benchmark", LC_BENCH, false },
    { "benchmarks", LC_BENCH, false },
    { "task", LC_BENCH, false },
    { "tasks", LC_BENCH, false },
    { "dataset", LC_BENCH, false },
    { "datasets", LC_BENCH, false },
    { "eval", LC_BENCH, false },
    { "evaluation", LC_BENCH, false },
    { "groups", LC_BENCH, false },
    { "testset", LC_BENCH, false },
    { "\xE6\xB5\x8B\xE8\xAF\x95\xE9\x9B\x86", LC_BENCH, false }, /* 测试集 */
    { "\xE8\xAF\x84\xE6\xB5\x8B\xE9\x9B\x86", LC_BENCH, false }, /* 评测集 */
    { "\xE6\x95\xB0\xE6\x8D\xAE\xE9\x9B\x86", LC_BENCH, false }, /* 数据集 */
    { "\xE5\x9F\xBA\xE5\x87\x86", LC_BENCH, true },              /* 基准 */
    { "\xE4\xBB\xBB\xE5\x8A\xA1", LC_BENCH, false },             /* 任务 */
    { "category", LC_CATEGORY, false },
    { "categories", LC_CATEGORY, false },
    { "type", LC_CATEGORY, false },
    { "domain", LC_CATEGORY, false },
    { "capability", LC_CATEGORY, false },
    { "ability", LC_CATEGORY, false },
    { "area", LC_CATEGORY, false },
    { "group", LC_CATEGORY, false },
    { "\xE7\xB1\xBB\xE5\x88\xAB", LC_CATEGORY, false }, /* 类别 */
    { "\xE8\x83\xBD\xE5\x8A\x9B", LC_CATEGORY, false }, /* 能力 */
    { "\xE9\xA2\x86\xE5\x9F\x9F", LC_CATEGORY, false }, /* 领域 */
    { "metric", LC_METRIC, false },
    { "metrics", LC_METRIC, false },
    { "measure", LC_METRIC, false },
    { "\xE6\x8C\x87\xE6\xA0\x87", LC_METRIC, false }, /* 指标 */
    { "shots", LC_SHOTS, false },
    { "shot", LC_SHOTS, false },
    { "nshot", LC_SHOTS, false },
    { "nshots", LC_SHOTS, false },
    { "kshot", LC_SHOTS, false },
    { "fewshot", LC_SHOTS, false },
    { "numfewshot", LC_SHOTS, false },
    { "filter", LC_FILTER, false },
    { "version", LC_VERSION, false },
    { "ver", LC_VERSION, false },
    { "stderr", LC_STDERR, false },
    { "stderror", LC_STDERR, false },
    { "standarderror", LC_STDERR, false },
    { "se", LC_STDERR, false },
    { "std", LC_STDERR, false },
    { "value", LC_VALUE, false },
    { "values", LC_VALUE, false },
    { "score", LC_VALUE, false },
    { "scores", LC_VALUE, false },
    { "result", LC_VALUE, false },
    { "results", LC_VALUE, false },
    { "performance", LC_VALUE, false },
    { "accuracy", LC_VALUE, false },
    { "acc", LC_VALUE, false },
    { "\xE5\xBE\x97\xE5\x88\x86", LC_VALUE, false }, /* 得分 */
    { "\xE5\x88\x86\xE6\x95\xB0", LC_VALUE, false }, /* 分数 */
    { "\xE6\x88\x90\xE7\xBB\xA9", LC_VALUE, false }, /* 成绩 */
    { "average", LC_AVERAGE, true },
    { "avg", LC_AVERAGE, true },
    { "mean", LC_AVERAGE, false },
    { "overallaverage", LC_AVERAGE, false },
    { "overall", LC_AVERAGE, false },
    { "total", LC_AVERAGE, false },
    { "\xE5\xB9\xB3\xE5\x9D\x87", LC_AVERAGE, true }, /* 平均 */
    { "ours", LC_SELF, false },
    { "thismodel", LC_SELF, false },
    { "ourmodel", LC_SELF, false },
    { "params", LC_NONSCORE, true },
    { "param", LC_NONSCORE, false },
    { "parameters", LC_NONSCORE, true },
    { "nparams", LC_NONSCORE, false },
    { "numparams", LC_NONSCORE, false },
    { "activeparams", LC_NONSCORE, true },
    { "totalparams", LC_NONSCORE, true },
    { "size", LC_NONSCORE, true },
    { "modelsize", LC_NONSCORE, true },
    { "tokens", LC_NONSCORE, true },
    { "trainingtokens", LC_NONSCORE, true },
    { "pretrainingtokens", LC_NONSCORE, true },
    { "trainingdata", LC_NONSCORE, true },
    { "data", LC_NONSCORE, false },
    { "context", LC_NONSCORE, true },
    { "ctx", LC_NONSCORE, false },
    { "seqlen", LC_NONSCORE, true },
    { "sequencelength", LC_NONSCORE, true },
    { "maxlength", LC_NONSCORE, true },
    { "maxtokens", LC_NONSCORE, true },
    { "dim", LC_NONSCORE, false },
    { "dims", LC_NONSCORE, false },
    { "dimension", LC_NONSCORE, true },
    { "embeddingdim", LC_NONSCORE, true },
    { "embeddingdimension", LC_NONSCORE, true },
    { "hiddensize", LC_NONSCORE, false },
    { "hiddendim", LC_NONSCORE, false },
    { "layers", LC_NONSCORE, false },
    { "numlayers", LC_NONSCORE, false },
    { "heads", LC_NONSCORE, false },
    { "vocab", LC_NONSCORE, true },
    { "speed", LC_NONSCORE, true },
    { "throughput", LC_NONSCORE, true },
    { "latency", LC_NONSCORE, true },
    { "tokenss", LC_NONSCORE, false },
    { "toks", LC_NONSCORE, false },
    { "memory", LC_NONSCORE, true },
    { "vram", LC_NONSCORE, true },
    { "ram", LC_NONSCORE, false },
    { "gpumemory", LC_NONSCORE, true },
    { "maxramrequired", LC_NONSCORE, false },
    { "disk", LC_NONSCORE, true },
    { "filesize", LC_NONSCORE, true },
    { "flops", LC_NONSCORE, true },
    { "cost", LC_NONSCORE, true },
    { "price", LC_NONSCORE, true },
    { "time", LC_NONSCORE, false },
    { "hours", LC_NONSCORE, false },
    { "gpuhours", LC_NONSCORE, true },
    { "date", LC_NONSCORE, false },
    { "releasedate", LC_NONSCORE, false },
    { "release", LC_NONSCORE, false },
    { "year", LC_NONSCORE, false },
    { "license", LC_NONSCORE, false },
    { "rank", LC_NONSCORE, false },
    { "ranking", LC_NONSCORE, false },
    { "bits", LC_NONSCORE, false },
    { "bpw", LC_NONSCORE, false },
    { "quant", LC_NONSCORE, false },
    { "quantmethod", LC_NONSCORE, false },
    { "quantization", LC_NONSCORE, false },
    { "batchsize", LC_NONSCORE, false },
    { "learningrate", LC_NONSCORE, false },
    { "lr", LC_NONSCORE, false },
    { "epochs", LC_NONSCORE, false },
    { "epoch", LC_NONSCORE, false },
    { "steps", LC_NONSCORE, false },
    { "step", LC_NONSCORE, false },
    { "samples", LC_NONSCORE, true },
    { "numsamples", LC_NONSCORE, false },
    { "examples", LC_NONSCORE, false },
    { "count", LC_NONSCORE, false },
    { "n", LC_NONSCORE, false },
    { "dmodel", LC_NONSCORE, false },
    { "nlayers", LC_NONSCORE, false },
    { "nheads", LC_NONSCORE, false },
    { "ffn", LC_NONSCORE, true },
    { "ffndim", LC_NONSCORE, false },
    { "intermediatesize", LC_NONSCORE, false },
    { "kvheads", LC_NONSCORE, false },
    { "numkvheads", LC_NONSCORE, false },
    { "attentionheads", LC_NONSCORE, false },
    { "numberof", LC_NONSCORE, true },
    { "experts", LC_NONSCORE, false },
    { "numexperts", LC_NONSCORE, false },
    { "activeexperts", LC_NONSCORE, false },
    { "activatedexperts", LC_NONSCORE, false },
    { "activatedparams", LC_NONSCORE, true },
    { "topk", LC_NONSCORE, false },
    { "ropetheta", LC_NONSCORE, false },
    { "ropebase", LC_NONSCORE, false },
    { "warmup", LC_NONSCORE, true },
    { "weightdecay", LC_NONSCORE, false },
    { "globalbatchsize", LC_NONSCORE, false },
    { "maxpositionembeddings", LC_NONSCORE, false },
    { "embeddingsize", LC_NONSCORE, false },
    { "patchsize", LC_NONSCORE, false },
    { "resolution", LC_NONSCORE, false },
    { "imagesize", LC_NONSCORE, false },
    { "samplingrate", LC_NONSCORE, false },
    { "architecture", LC_NONSCORE, false },
    { "dtype", LC_NONSCORE, false },
    { "gpu", LC_NONSCORE, false },
    { "hardware", LC_NONSCORE, false },
    { "link", LC_NONSCORE, false },
    { "download", LC_NONSCORE, false },
    { "delta", LC_NONSCORE, false },
    { "diff", LC_NONSCORE, false },
    { "improvement", LC_NONSCORE, false },
    { "gain", LC_NONSCORE, false },
    { "\xCE\x94", LC_NONSCORE, false },                            /* Δ */
    { "\xE5\x8F\x82\xE6\x95\xB0", LC_NONSCORE, true },             /* 参数 */
    { "\xE4\xB8\x8A\xE4\xB8\x8B\xE6\x96\x87", LC_NONSCORE, true }, /* 上下文 */
    { "\xE5\x8F\x91\xE5\xB8\x83", LC_NONSCORE, true },             /* 发布 */
};

enum label_class
label_classify(const char *text)
{
    char s[192];
    struct buf key = BUF_INIT;
    enum label_class cls = LC_NONE;
    bool has_pm = strstr(text, "\xC2\xB1") != NULL;

    /* the words outside parentheses: "Throughput (tok/s)" is "Throughput" */
    snprintf(s, sizeof(s), "%s", text);
    for (char *open; (open = strchr(s, '('));) {
        char *close = strchr(open, ')');

        if (!close) {
            *open = '\0';
            break;
        }
        memmove(open, close + 1, strlen(close + 1) + 1);
    }
    if (has_pm)
        for (char *p; (p = strstr(s, "\xC2\xB1"));)
            memmove(p, p + 2, strlen(p + 2) + 1);
    bench_key(&key, s, strlen(s));
    if (!key.len) {
        buf_release(&key);
        return has_pm ? LC_PM : strchr(text, '#') ? LC_NONSCORE : LC_NONE;
    }
    for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
        size_t n = strlen(classes[i].key);

        if (!strcmp(key.buf, classes[i].key) ||
            (classes[i].prefix && key.len > n && !strncmp(key.buf, classes[i].key, n))) {
            cls = classes[i].cls;
            break;
        }
    }
    buf_release(&key);
    return cls;
}

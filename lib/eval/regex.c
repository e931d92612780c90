/*
 * regex — parse a pattern into a small tree, compile the tree into a
 * program for a backtracking machine, and run the program at successive
 * start positions (leftmost match, first alternative that succeeds).
 *
 * A repetition of a single character item runs as one REPEAT instruction
 * whose backtrack entries give characters back one at a time, so patterns
 * such as \p{L}+ or \s+(?!\S) cost one stack entry, not one per character.
 */
#include "lib/eval/regex.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/eval/unicode.h"
#include "lib/xalloc.h"

#define MAX_DEPTH  64
#define MAX_NODES  4000 /* keeps the recursive compiler shallow */
#define MAX_INSTS  100000
#define MAX_COUNT  1000
#define INF        (-1)
#define BUDGET_MIN 1000000L

/* ------------------------------------------------------------- types */

enum cl_flags {
    CL_SPACE = 1 << 0,
    CL_NSPACE = 1 << 1,
    CL_WORD = 1 << 2,
    CL_NWORD = 1 << 3,
    CL_DIGIT = 1 << 4,
    CL_NDIGIT = 1 << 5,
    CL_NOTNL = 1 << 6 /* '.': anything but \n */
};

struct cclass {
    uint32_t (*ranges)[2];
    size_t nranges, alloc;
    uint32_t gc_in;     /* member if its category is in this mask */
    uint32_t gc_out[4]; /* member if its category is outside one of these masks */
    size_t ngc_out;
    unsigned flags;
    bool negated;
    uint32_t ascii[4]; /* final answer for cp < 128 */
};

enum node_type { N_EMPTY, N_CHAR, N_CLASS, N_CAT, N_ALT, N_REPEAT, N_LOOK, N_ASSERT };
enum assert_kind { A_BOL, A_EOL, A_BOS, A_EOS, A_EOS_NL };
enum greed { LAZY, GREEDY, POSSESSIVE };

struct node {
    enum node_type type;
    int a, b;     /* children (CAT, ALT), a = child (REPEAT, LOOK) */
    uint32_t cp;  /* CHAR code point, ASSERT kind, LOOK negation */
    int cls;      /* CLASS index */
    int min, max; /* REPEAT */
    enum greed greed;
};

enum op { OP_CHAR, OP_CLASS, OP_SPLIT, OP_JMP, OP_MATCH, OP_LOOK, OP_ASSERT, OP_REPEAT };

struct inst {
    uint8_t op, item, greed; /* item: OP_CHAR or OP_CLASS for REPEAT */
    uint32_t cp;             /* CHAR code point, CLASS index, ASSERT kind, LOOK negation */
    int32_t x, y;            /* SPLIT/JMP targets; LOOK: y = continuation */
    int32_t min, max;
};

struct regex {
    struct cclass *classes;
    size_t nclasses, aclasses;
    struct node *nodes;
    size_t nnodes, anodes;
    struct inst *prog;
    size_t nprog, aprog;
};

struct parser {
    const char *p, *end, *start;
    struct regex *re;
    struct ep_err *err;
    bool icase;
    int depth;
    bool failed;
};

/* ------------------------------------------------------------- classes */

static void
class_add_range(struct cclass *c, uint32_t lo, uint32_t hi)
{
    ALLOC_GROW(c->ranges, c->nranges + 1, c->alloc);
    c->ranges[c->nranges][0] = lo;
    c->ranges[c->nranges][1] = hi;
    c->nranges++;
}

/*
 * Oniguruma's \w: the Unicode word property without the two Join_Control
 * characters, but with the Latin-1 digits and fractions ² ³ ¹ ¼ ½ ¾.
 */
static bool
onig_word(uint32_t cp, unsigned prop)
{
    if (cp == 0x200C || cp == 0x200D)
        return false;
    if (cp == 0xB2 || cp == 0xB3 || cp == 0xB9 || (cp >= 0xBC && cp <= 0xBE))
        return true;
    return prop & 0x40;
}

static bool
class_raw(const struct cclass *c, uint32_t cp)
{
    unsigned prop = uc_prop(cp), gc = prop & 0x1f;

    if (c->gc_in & UC_MASK(gc))
        return true;
    for (size_t i = 0; i < c->ngc_out; i++)
        if (!(c->gc_out[i] & UC_MASK(gc)))
            return true;
    if (c->flags) {
        bool sp = prop & 0x20, wd = onig_word(cp, prop), dg = gc == UC_ND;

        if (((c->flags & CL_SPACE) && sp) || ((c->flags & CL_NSPACE) && !sp) ||
            ((c->flags & CL_WORD) && wd) || ((c->flags & CL_NWORD) && !wd) ||
            ((c->flags & CL_DIGIT) && dg) || ((c->flags & CL_NDIGIT) && !dg) ||
            ((c->flags & CL_NOTNL) && cp != '\n'))
            return true;
    }
    for (size_t i = 0; i < c->nranges; i++)
        if (cp >= c->ranges[i][0] && cp <= c->ranges[i][1])
            return true;
    return false;
}

static inline bool
class_has(const struct cclass *c, uint32_t cp)
{
    if (cp < 128)
        return (c->ascii[cp >> 5] >> (cp & 31)) & 1;
    return class_raw(c, cp) != c->negated;
}

static void
class_finish(struct cclass *c)
{
    for (uint32_t cp = 0; cp < 128; cp++)
        if (class_raw(c, cp) != c->negated)
            c->ascii[cp >> 5] |= 1u << (cp & 31);
}

static int
new_class(struct regex *re)
{
    ALLOC_GROW(re->classes, re->nclasses + 1, re->aclasses);
    memset(&re->classes[re->nclasses], 0, sizeof(re->classes[0]));
    return (int)re->nclasses++;
}

/* Add every code point whose simple case folding equals that of [lo, hi]'s members. */
static void
class_add_folded(struct cclass *c, uint32_t lo, uint32_t hi)
{
    class_add_range(c, lo, hi);
    for (size_t i = 0; i < uc_fold_len; i++) {
        uint32_t from = uc_fold[i].cp, to = uc_fold[i].to;

        if (from >= lo && from <= hi)
            class_add_range(c, to, to);
        if (to >= lo && to <= hi)
            class_add_range(c, from, from);
    }
    /* Siblings that fold to the same target as a member (s, S and U+017F). */
    for (size_t i = 0; i < uc_fold_len; i++) {
        uint32_t t = uc_fold[i].to;

        if (t >= lo && t <= hi)
            continue;
        for (size_t j = 0; j < c->nranges; j++)
            if (t >= c->ranges[j][0] && t <= c->ranges[j][1] &&
                c->ranges[j][0] == c->ranges[j][1]) {
                class_add_range(c, uc_fold[i].cp, uc_fold[i].cp);
                break;
            }
    }
}

/* ------------------------------------------------------------- parser */

static int
perr(struct parser *ps, const char *what)
{
    if (!ps->failed)
        ep_err_set(ps->err, "regex: %s at offset %zu", what, (size_t)(ps->p - ps->start));
    ps->failed = true;
    return -1;
}

static int
new_node(struct parser *ps, enum node_type type)
{
    struct regex *re = ps->re;

    if (re->nnodes >= MAX_NODES)
        return perr(ps, "pattern too large");
    ALLOC_GROW(re->nodes, re->nnodes + 1, re->anodes);
    memset(&re->nodes[re->nnodes], 0, sizeof(re->nodes[0]));
    re->nodes[re->nnodes].type = type;
    return (int)re->nnodes++;
}

static int
binary_node(struct parser *ps, enum node_type type, int a, int b)
{
    int n = new_node(ps, type);

    if (n < 0)
        return -1;
    ps->re->nodes[n].a = a;
    ps->re->nodes[n].b = b;
    return n;
}

static bool
next_cp(struct parser *ps, uint32_t *cp)
{
    size_t n;

    if (ps->p >= ps->end)
        return false;
    n = uc_decode(ps->p, (size_t)(ps->end - ps->p), cp);
    if (!n)
        return perr(ps, "invalid UTF-8"), false;
    ps->p += n;
    return true;
}

static int
hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* \xHH, \x{H...}, \uHHHH after the letter. */
static int
parse_hex(struct parser *ps, int ndigits, uint32_t *cp)
{
    bool braced = ps->p < ps->end && *ps->p == '{';
    uint32_t v = 0;
    int n = 0;

    if (braced)
        ps->p++, ndigits = 8;
    while (n < ndigits && ps->p < ps->end && hex_value(*ps->p) >= 0) {
        v = v * 16 + (uint32_t)hex_value(*ps->p++);
        n++;
    }
    if (braced && (ps->p >= ps->end || *ps->p++ != '}'))
        return perr(ps, "unterminated \\x{...}");
    if (!n || (!braced && n != ndigits) || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return perr(ps, "bad hexadecimal escape");
    *cp = v;
    return 0;
}

/* \p{Name}, \p{^Name}, \pL after the 'p'/'P'. Adds the property to class c. */
static int
parse_property(struct parser *ps, struct cclass *c, bool neg)
{
    const char *name = ps->p;
    size_t len = 1;
    uint32_t mask;

    if (ps->p >= ps->end)
        return perr(ps, "missing property name");
    if (*ps->p == '{') {
        const char *close = memchr(ps->p, '}', (size_t)(ps->end - ps->p));

        if (!close)
            return perr(ps, "unterminated \\p{...}");
        name = ps->p + 1;
        len = (size_t)(close - name);
        ps->p = close + 1;
        if (len && *name == '^')
            neg = !neg, name++, len--;
    } else {
        ps->p++;
    }
    mask = uc_category_mask(name, len);
    if (!mask)
        return perr(ps, "unsupported Unicode property");
    if (!neg) {
        c->gc_in |= mask;
    } else {
        if (c->ngc_out == sizeof(c->gc_out) / sizeof(c->gc_out[0]))
            return perr(ps, "too many negated properties in one class");
        c->gc_out[c->ngc_out++] = mask;
    }
    return 0;
}

/*
 * Parse the escape after a backslash. A single code point goes to *cp
 * (return 1); a class escape is added to c (return 0); -1 on error.
 */
static int
parse_escape(struct parser *ps, struct cclass *c, uint32_t *cp)
{
    int ch;

    if (ps->p >= ps->end)
        return perr(ps, "trailing backslash");
    ch = (unsigned char)*ps->p++;
    switch (ch) {
    case 'n':
        *cp = '\n';
        return 1;
    case 'r':
        *cp = '\r';
        return 1;
    case 't':
        *cp = '\t';
        return 1;
    case 'f':
        *cp = '\f';
        return 1;
    case 'v':
        *cp = '\v';
        return 1;
    case 'a':
        *cp = 7;
        return 1;
    case 'e':
        *cp = 27;
        return 1;
    case 'x':
        return parse_hex(ps, 2, cp) < 0 ? -1 : 1;
    case 'u':
        return parse_hex(ps, 4, cp) < 0 ? -1 : 1;
    case 's':
        c->flags |= CL_SPACE;
        return 0;
    case 'S':
        c->flags |= CL_NSPACE;
        return 0;
    case 'w':
        c->flags |= CL_WORD;
        return 0;
    case 'W':
        c->flags |= CL_NWORD;
        return 0;
    case 'd':
        c->flags |= CL_DIGIT;
        return 0;
    case 'D':
        c->flags |= CL_NDIGIT;
        return 0;
    case 'p':
        return parse_property(ps, c, false);
    case 'P':
        return parse_property(ps, c, true);
    default:
        break;
    }
    if (ch < 0x80 &&
        ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))) {
        ps->p--;
        return perr(ps, "unsupported escape");
    }
    ps->p--;
    if (!next_cp(ps, cp))
        return -1;
    return 1;
}

static void
add_cp(struct parser *ps, struct cclass *c, uint32_t lo, uint32_t hi)
{
    if (ps->icase)
        class_add_folded(c, lo, hi);
    else
        class_add_range(c, lo, hi);
}

/* One item of a bracket class; *cp and *is_cp report a single code point (for ranges). */
static int
parse_class_item(struct parser *ps, int ci, uint32_t *cp, bool *is_cp)
{
    int r;

    *is_cp = false;
    if (*ps->p == '[')
        return perr(ps, "nested or POSIX bracket classes are not supported");
    if (*ps->p == '&' && ps->p + 1 < ps->end && ps->p[1] == '&')
        return perr(ps, "class intersection is not supported");
    if (*ps->p != '\\') {
        if (!next_cp(ps, cp))
            return -1;
        *is_cp = true;
        return 0;
    }
    ps->p++;
    r = parse_escape(ps, &ps->re->classes[ci], cp);
    if (r < 0)
        return -1;
    *is_cp = r == 1;
    return 0;
}

static int
parse_class(struct parser *ps)
{
    int ci = new_class(ps->re), n;
    bool first = true;

    if (ps->p < ps->end && *ps->p == '^')
        ps->re->classes[ci].negated = true, ps->p++;
    for (;;) {
        uint32_t lo, hi;
        bool is_cp;

        if (ps->p >= ps->end)
            return perr(ps, "unterminated character class");
        if (*ps->p == ']' && !first)
            break;
        first = false;
        if (parse_class_item(ps, ci, &lo, &is_cp) < 0)
            return -1;
        if (!is_cp)
            continue;
        hi = lo;
        if (ps->p + 1 < ps->end && *ps->p == '-' && ps->p[1] != ']') {
            ps->p++;
            if (parse_class_item(ps, ci, &hi, &is_cp) < 0)
                return -1;
            if (!is_cp || hi < lo)
                return perr(ps, "bad range in character class");
        }
        add_cp(ps, &ps->re->classes[ci], lo, hi);
    }
    ps->p++;
    class_finish(&ps->re->classes[ci]);
    n = new_node(ps, N_CLASS);
    if (n >= 0)
        ps->re->nodes[n].cls = ci;
    return n;
}

/* A literal code point: a CHAR node, or under (?i) a class of its case variants. */
static int
literal_node(struct parser *ps, uint32_t cp)
{
    int n;

    if (ps->icase && uc_fold_simple(cp) != cp) {
        cp = uc_fold_simple(cp);
    }
    if (ps->icase) {
        int ci = new_class(ps->re);

        class_add_folded(&ps->re->classes[ci], cp, cp);
        if (ps->re->classes[ci].nranges > 1) {
            class_finish(&ps->re->classes[ci]);
            n = new_node(ps, N_CLASS);
            if (n >= 0)
                ps->re->nodes[n].cls = ci;
            return n;
        }
    }
    n = new_node(ps, N_CHAR);
    if (n >= 0)
        ps->re->nodes[n].cp = cp;
    return n;
}

static int parse_alt(struct parser *ps);

/* After "(?": flags, non-capturing group or lookahead. */
static int
parse_group_ext(struct parser *ps)
{
    bool saved = ps->icase;
    int n, look;

    if (ps->p < ps->end && (*ps->p == '=' || *ps->p == '!')) {
        uint32_t neg = *ps->p++ == '!';

        n = parse_alt(ps);
        if (n < 0)
            return -1;
        look = new_node(ps, N_LOOK);
        if (look < 0)
            return -1;
        ps->re->nodes[look].a = n;
        ps->re->nodes[look].cp = neg;
        return look;
    }
    if (ps->p < ps->end && *ps->p == ':')
        return ps->p++, parse_alt(ps);
    if (ps->p < ps->end && *ps->p == '<')
        return perr(ps, "lookbehind and named groups are not supported");
    if (ps->p < ps->end && *ps->p == '>')
        return perr(ps, "atomic groups are not supported");
    if (ps->p < ps->end && *ps->p == 'i') {
        ps->p++;
        ps->icase = true;
        if (ps->p < ps->end && *ps->p == ':') {
            ps->p++;
            n = parse_alt(ps);
            ps->icase = saved;
            return n;
        }
        if (ps->p < ps->end && *ps->p == ')')
            return ps->p++, -2; /* (?i) applies to the rest of the group */
    }
    return perr(ps, "unsupported group syntax");
}

static int
parse_atom(struct parser *ps)
{
    uint32_t cp;
    int n, r;
    char ch = *ps->p;

    switch (ch) {
    case '(':
        ps->p++;
        if (++ps->depth > MAX_DEPTH)
            return perr(ps, "groups nested too deeply");
        if (ps->p < ps->end && *ps->p == '?') {
            ps->p++;
            n = parse_group_ext(ps);
            if (n == -2)
                return ps->depth--, -2;
        } else {
            n = parse_alt(ps);
        }
        if (n < 0)
            return -1;
        if (ps->p >= ps->end || *ps->p != ')')
            return perr(ps, "missing ')'");
        ps->p++;
        ps->depth--;
        return n;
    case '[':
        ps->p++;
        return parse_class(ps);
    case '.': {
        int ci = new_class(ps->re);

        ps->p++;
        ps->re->classes[ci].flags = CL_NOTNL;
        class_finish(&ps->re->classes[ci]);
        n = new_node(ps, N_CLASS);
        if (n >= 0)
            ps->re->nodes[n].cls = ci;
        return n;
    }
    case '^':
    case '$':
        ps->p++;
        n = new_node(ps, N_ASSERT);
        if (n >= 0)
            ps->re->nodes[n].cp = ch == '^' ? A_BOL : A_EOL;
        return n;
    case '*':
    case '+':
    case '?':
    case '{':
        return perr(ps, "quantifier without an operand");
    case '\\':
        if (ps->p + 1 < ps->end && strchr("AzZbBGkgKX123456789", ps->p[1])) {
            ch = ps->p[1];
            ps->p += 2;
            if (ch != 'A' && ch != 'z' && ch != 'Z')
                return ps->p -= 2, perr(ps, "unsupported escape");
            n = new_node(ps, N_ASSERT);
            if (n >= 0)
                ps->re->nodes[n].cp = ch == 'A' ? A_BOS : ch == 'z' ? A_EOS : A_EOS_NL;
            return n;
        }
        ps->p++;
        {
            int ci = new_class(ps->re);

            r = parse_escape(ps, &ps->re->classes[ci], &cp);
            if (r < 0)
                return -1;
            if (r == 1) {
                ps->re->nclasses--; /* not needed: a plain code point */
                free(ps->re->classes[ci].ranges);
                return literal_node(ps, cp);
            }
            class_finish(&ps->re->classes[ci]);
            n = new_node(ps, N_CLASS);
            if (n >= 0)
                ps->re->nodes[n].cls = ci;
            return n;
        }
    default:
        if (!next_cp(ps, &cp))
            return -1;
        return literal_node(ps, cp);
    }
}

static bool
parse_number(struct parser *ps, int *v)
{
    long acc = 0;
    const char *s = ps->p;

    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
        acc = acc * 10 + (*ps->p++ - '0');
        if (acc > MAX_COUNT)
            return false;
    }
    *v = (int)acc;
    return ps->p > s;
}

/* {n}, {n,}, {n,m}; returns 1 when parsed, 0 when '{' is a literal, -1 on error. */
static int
parse_braces(struct parser *ps, int *min, int *max)
{
    const char *save = ps->p;

    ps->p++;
    if (!parse_number(ps, min)) {
        if (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
            return perr(ps, "repetition count too large");
        ps->p = save;
        return 0;
    }
    *max = *min;
    if (ps->p < ps->end && *ps->p == ',') {
        ps->p++;
        *max = INF;
        if (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9' && !parse_number(ps, max))
            return perr(ps, "repetition count too large");
    }
    if (ps->p >= ps->end || *ps->p != '}') {
        ps->p = save;
        return 0;
    }
    ps->p++;
    if (*max != INF && *max < *min)
        return perr(ps, "bad repetition range");
    return 1;
}

static int
parse_quantified(struct parser *ps)
{
    int atom = parse_atom(ps);

    while (atom >= 0 && ps->p < ps->end) {
        int min, max, n, r = 1;
        char q = *ps->p;

        if (q == '*')
            min = 0, max = INF, ps->p++;
        else if (q == '+')
            min = 1, max = INF, ps->p++;
        else if (q == '?')
            min = 0, max = 1, ps->p++;
        else if (q == '{')
            r = parse_braces(ps, &min, &max);
        else
            break;
        if (r <= 0)
            return r < 0 ? -1 : atom;
        n = new_node(ps, N_REPEAT);
        if (n < 0)
            return -1;
        ps->re->nodes[n].a = atom;
        ps->re->nodes[n].min = min;
        ps->re->nodes[n].max = max;
        ps->re->nodes[n].greed = GREEDY;
        if (ps->p < ps->end && (*ps->p == '?' || *ps->p == '+'))
            ps->re->nodes[n].greed = *ps->p++ == '?' ? LAZY : POSSESSIVE;
        atom = n;
    }
    return atom;
}

static int
parse_seq(struct parser *ps)
{
    int seq = -1;

    while (ps->p < ps->end && *ps->p != '|' && *ps->p != ')') {
        int item = parse_quantified(ps);

        if (item == -2)
            continue;
        if (item < 0)
            return -1;
        seq = seq < 0 ? item : binary_node(ps, N_CAT, seq, item);
        if (seq < 0)
            return -1;
    }
    return seq < 0 ? new_node(ps, N_EMPTY) : seq;
}

static int
parse_alt(struct parser *ps)
{
    bool saved = ps->icase;
    int left = parse_seq(ps);

    while (left >= 0 && ps->p < ps->end && *ps->p == '|') {
        int right;

        ps->p++;
        right = parse_seq(ps);
        if (right < 0)
            return -1;
        left = binary_node(ps, N_ALT, left, right);
    }
    ps->icase = saved;
    return left;
}

/* ------------------------------------------------------------- compiler */

static bool
nullable(const struct regex *re, int n)
{
    const struct node *nd = &re->nodes[n];

    switch (nd->type) {
    case N_CHAR:
    case N_CLASS:
        return false;
    case N_CAT:
        return nullable(re, nd->a) && nullable(re, nd->b);
    case N_ALT:
        return nullable(re, nd->a) || nullable(re, nd->b);
    case N_REPEAT:
        return nd->min == 0 || nullable(re, nd->a);
    default:
        return true;
    }
}

static int
emit(struct regex *re, struct inst in)
{
    if (re->nprog >= MAX_INSTS)
        return -1;
    ALLOC_GROW(re->prog, re->nprog + 1, re->aprog);
    re->prog[re->nprog] = in;
    return (int)re->nprog++;
}

static int compile_node(struct regex *re, int n, struct ep_err *err);

/* X? (or its lazy form) around a compiled X. */
static int
compile_optional(struct regex *re, int child, enum greed greed, struct ep_err *err)
{
    int split = emit(re, (struct inst){ .op = OP_SPLIT });

    if (split < 0 || compile_node(re, child, err) < 0)
        return -1;
    re->prog[split].x = greed == LAZY ? (int32_t)re->nprog : split + 1;
    re->prog[split].y = greed == LAZY ? split + 1 : (int32_t)re->nprog;
    return 0;
}

static int
compile_star(struct regex *re, int child, enum greed greed, struct ep_err *err)
{
    int split = emit(re, (struct inst){ .op = OP_SPLIT });

    if (split < 0 || compile_node(re, child, err) < 0)
        return -1;
    if (emit(re, (struct inst){ .op = OP_JMP, .x = split }) < 0)
        return -1;
    re->prog[split].x = greed == LAZY ? (int32_t)re->nprog : split + 1;
    re->prog[split].y = greed == LAZY ? split + 1 : (int32_t)re->nprog;
    return 0;
}

static int
compile_repeat(struct regex *re, const struct node *nd, struct ep_err *err)
{
    const struct node *child = &re->nodes[nd->a];

    if (child->type == N_CHAR || child->type == N_CLASS) {
        struct inst in = {
            .op = OP_REPEAT, .min = nd->min, .max = nd->max, .greed = (uint8_t)nd->greed
        };

        in.item = child->type == N_CHAR ? OP_CHAR : OP_CLASS;
        in.cp = child->type == N_CHAR ? child->cp : (uint32_t)child->cls;
        return emit(re, in) < 0 ? -1 : 0;
    }
    if (nd->greed == POSSESSIVE)
        return ep_err_set(err, "regex: possessive repetition of a group is not supported");
    if (nd->max == INF && nullable(re, nd->a))
        return ep_err_set(err, "regex: unbounded repetition of an expression that can match empty");
    for (int i = 0; i < nd->min; i++)
        if (compile_node(re, nd->a, err) < 0)
            return -1;
    if (nd->max == INF)
        return compile_star(re, nd->a, nd->greed, err);
    for (int i = nd->min; i < nd->max; i++)
        if (compile_optional(re, nd->a, nd->greed, err) < 0)
            return -1;
    return 0;
}

static int
compile_node(struct regex *re, int n, struct ep_err *err)
{
    const struct node nd = re->nodes[n];
    int at;

    if (re->nprog >= MAX_INSTS)
        return ep_err_set(err, "regex: pattern too large once expanded");
    switch (nd.type) {
    case N_EMPTY:
        return 0;
    case N_CHAR:
        return emit(re, (struct inst){ .op = OP_CHAR, .cp = nd.cp }) < 0 ? -1 : 0;
    case N_CLASS:
        return emit(re, (struct inst){ .op = OP_CLASS, .cp = (uint32_t)nd.cls }) < 0 ? -1 : 0;
    case N_ASSERT:
        return emit(re, (struct inst){ .op = OP_ASSERT, .cp = nd.cp }) < 0 ? -1 : 0;
    case N_CAT:
        if (compile_node(re, nd.a, err) < 0)
            return -1;
        return compile_node(re, nd.b, err);
    case N_ALT: {
        int split = emit(re, (struct inst){ .op = OP_SPLIT }), jmp;

        if (split < 0 || compile_node(re, nd.a, err) < 0)
            return -1;
        jmp = emit(re, (struct inst){ .op = OP_JMP });
        if (jmp < 0)
            return -1;
        re->prog[split].x = split + 1;
        re->prog[split].y = jmp + 1;
        if (compile_node(re, nd.b, err) < 0)
            return -1;
        re->prog[jmp].x = (int32_t)re->nprog;
        return 0;
    }
    case N_REPEAT:
        return compile_repeat(re, &nd, err);
    case N_LOOK:
        at = emit(re, (struct inst){ .op = OP_LOOK, .cp = nd.cp });
        if (at < 0 || compile_node(re, nd.a, err) < 0 ||
            emit(re, (struct inst){ .op = OP_MATCH }) < 0)
            return -1;
        re->prog[at].y = (int32_t)re->nprog;
        return 0;
    }
    BUG("bad regex node type %d", (int)nd.type);
}

void
regex_free(struct regex *re)
{
    if (!re)
        return;
    for (size_t i = 0; i < re->nclasses; i++)
        free(re->classes[i].ranges);
    free(re->classes);
    free(re->nodes);
    free(re->prog);
    free(re);
}

struct regex *
regex_compile(const char *pat, size_t len, struct ep_err *err)
{
    struct regex *re = xcalloc(1, sizeof(*re));
    struct parser ps = { pat, pat + len, pat, re, err, false, 0, false };
    int root = parse_alt(&ps);

    if (root >= 0 && ps.p < ps.end)
        root = perr(&ps, "unmatched ')'");
    if (root < 0 || ps.failed)
        goto fail;
    if (compile_node(re, root, err) < 0) {
        if (re->nprog >= MAX_INSTS)
            ep_err_set(err, "regex: pattern too large once expanded");
        goto fail;
    }
    if (emit(re, (struct inst){ .op = OP_MATCH }) < 0) {
        ep_err_set(err, "regex: pattern too large once expanded");
        goto fail;
    }
    free(re->nodes);
    re->nodes = NULL;
    re->nnodes = re->anodes = 0;
    return re;
fail:
    regex_free(re);
    return NULL;
}

/* ------------------------------------------------------------- matcher */

enum bt_kind { BT_PC, BT_GREEDY, BT_LAZY };

struct bt {
    int32_t pc;
    uint32_t kind;
    size_t pos, aux;
};

struct vm {
    const struct regex *re;
    const char *s;
    size_t len;
    struct bt *stack;
    size_t top, alloc;
    bool heap;
    long budget;
};

static void
push(struct vm *vm, int32_t pc, enum bt_kind kind, size_t pos, size_t aux)
{
    if (vm->top == vm->alloc) {
        size_t n = vm->alloc * 2;
        struct bt *st = xmalloc(n * sizeof(*st));

        memcpy(st, vm->stack, vm->top * sizeof(*st));
        if (vm->heap)
            free(vm->stack);
        vm->stack = st;
        vm->alloc = n;
        vm->heap = true;
    }
    vm->stack[vm->top++] = (struct bt){ pc, (uint32_t)kind, pos, aux };
}

/* Length of the char at pos if it matches the item, else 0. */
static inline size_t
match_item(const struct vm *vm, unsigned item, uint32_t arg, size_t pos)
{
    uint32_t cp;
    size_t n;

    if (pos >= vm->len)
        return 0;
    n = uc_decode_valid(vm->s + pos, &cp);
    if (item == OP_CHAR)
        return cp == arg ? n : 0;
    return class_has(&vm->re->classes[arg], cp) ? n : 0;
}

static bool
check_assert(const struct vm *vm, uint32_t kind, size_t pos)
{
    switch (kind) {
    case A_BOL:
        return pos == 0 || vm->s[pos - 1] == '\n';
    case A_EOL:
        return pos == vm->len || vm->s[pos] == '\n';
    case A_BOS:
        return pos == 0;
    case A_EOS:
        return pos == vm->len;
    default:
        return pos == vm->len || (pos + 1 == vm->len && vm->s[pos] == '\n');
    }
}

static size_t
prev_char(const char *s, size_t pos)
{
    do
        pos--;
    while (pos > 0 && ((unsigned char)s[pos] & 0xc0) == 0x80);
    return pos;
}

static int run(struct vm *vm, int32_t pc, size_t pos, size_t *end);

/* Execute a REPEAT at pc; returns false when it cannot match. */
static bool
exec_repeat(struct vm *vm, int32_t pc, size_t *pos)
{
    const struct inst *in = &vm->re->prog[pc];
    size_t p = *pos, minpos = *pos, n;
    int32_t count = 0;
    int32_t limit = in->greed == LAZY ? in->min : in->max;

    while ((limit == INF || count < limit) && (n = match_item(vm, in->item, in->cp, p)) != 0) {
        p += n;
        if (++count == in->min)
            minpos = p;
    }
    vm->budget -= count;
    if (count < in->min)
        return false;
    if (in->greed == GREEDY && p > minpos)
        push(vm, pc, BT_GREEDY, p, minpos);
    else if (in->greed == LAZY && (in->max == INF || count < in->max))
        push(vm, pc, BT_LAZY, p, (size_t)count);
    *pos = p;
    return true;
}

/* Resume from a backtrack entry; false when the entry yields nothing. */
static bool
resume(struct vm *vm, struct bt entry, int32_t *pc, size_t *pos)
{
    const struct bt *b = &entry; /* a copy: push() below may reuse or move the stack slot */
    const struct inst *in;
    size_t n;

    if (b->kind == BT_PC) {
        *pc = b->pc, *pos = b->pos;
        return true;
    }
    in = &vm->re->prog[b->pc];
    if (b->kind == BT_GREEDY) {
        size_t p = prev_char(vm->s, b->pos);

        if (p > b->aux)
            push(vm, b->pc, BT_GREEDY, p, b->aux);
        *pc = b->pc + 1, *pos = p;
        return true;
    }
    n = match_item(vm, in->item, in->cp, b->pos);
    if (!n)
        return false;
    if (in->max == INF || (int32_t)b->aux + 1 < in->max)
        push(vm, b->pc, BT_LAZY, b->pos + n, b->aux + 1);
    *pc = b->pc + 1, *pos = b->pos + n;
    return true;
}

/* One instruction; returns 1 to continue, 0 to backtrack, 2 on MATCH, -1 on budget. */
static int
step(struct vm *vm, int32_t *pc, size_t *pos)
{
    const struct inst *in = &vm->re->prog[*pc];
    size_t n, end;
    int r;

    if (--vm->budget < 0)
        return -1;
    switch (in->op) {
    case OP_CHAR:
    case OP_CLASS:
        n = match_item(vm, in->op, in->cp, *pos);
        if (!n)
            return 0;
        *pos += n, (*pc)++;
        return 1;
    case OP_SPLIT:
        push(vm, in->y, BT_PC, *pos, 0);
        *pc = in->x;
        return 1;
    case OP_JMP:
        *pc = in->x;
        return 1;
    case OP_MATCH:
        return 2;
    case OP_ASSERT:
        if (!check_assert(vm, in->cp, *pos))
            return 0;
        (*pc)++;
        return 1;
    case OP_LOOK:
        r = run(vm, *pc + 1, *pos, &end);
        if (r < 0)
            return -1;
        if ((r == 1) == (in->cp != 0))
            return 0;
        *pc = in->y;
        return 1;
    case OP_REPEAT:
        if (!exec_repeat(vm, *pc, pos))
            return 0;
        (*pc)++;
        return 1;
    }
    BUG("bad regex opcode %d", in->op);
}

/* Run from pc at pos; 1 = matched (end set), 0 = no match, -1 = budget exhausted. */
static int
run(struct vm *vm, int32_t pc, size_t pos, size_t *end)
{
    size_t base = vm->top;

    for (;;) {
        int r = step(vm, &pc, &pos);

        if (r == 1)
            continue;
        if (r == 2) {
            *end = pos;
            vm->top = base;
            return 1;
        }
        if (r < 0) {
            vm->top = base;
            return -1;
        }
        for (;;) {
            if (vm->top == base)
                return 0;
            vm->top--;
            if (resume(vm, vm->stack[vm->top], &pc, &pos))
                break;
        }
    }
}

int
regex_search(const struct regex *re, const char *s, size_t len, size_t from, size_t *mstart,
             size_t *mend, struct ep_err *err)
{
    struct bt local[128];
    struct vm vm = { re, s, len, local, 0, 128, false, BUDGET_MIN + 64L * (long)len };
    int r = 0;

    for (size_t pos = from; pos <= len;) {
        r = run(&vm, 0, pos, mend);
        if (r) {
            *mstart = pos;
            break;
        }
        if (pos == len)
            break;
        pos += uc_decode_valid(s + pos, &(uint32_t){ 0 });
    }
    if (vm.heap)
        free(vm.stack);
    if (r < 0)
        return ep_err_set(err, "regex: backtracking limit exceeded");
    return r;
}

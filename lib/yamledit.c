/*
 * yamledit — a span tree from libyaml's events, a node-by-node comparison
 * that records text edits, and a check that the edited text says what it
 * should.
 */
#include "lib/yamledit.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lib/frontmatter.h"
#include "lib/xalloc.h"
#include "lib/yamlin.h"
#include "lib/yamlout.h"

/* ------------------------------------------------------------ span tree */

enum ynode_kind { YN_SCALAR, YN_ALIAS, YN_SEQ, YN_MAP };

struct ynode {
    enum ynode_kind kind;
    bool flow;         /* a flow collection: [...] or {...} */
    bool block_scalar; /* a literal (|) or folded (>) scalar */
    bool anchored;     /* carries an anchor: aliases elsewhere read the same text */
    bool tagged;       /* carries a tag or anchor before its content */
    size_t start, end; /* byte offsets of libyaml's start and end marks */
    size_t line, col;  /* of the start mark (col in characters) */
    char *text;        /* a scalar's value */
    size_t len;
    struct ynode **kids; /* a mapping: key, value, key, value, ... */
    size_t nkids, alloc;
};

struct tree {
    const char *text;
    size_t len;
    size_t *cmap; /* character index -> byte offset; NULL when the text is ASCII */
    size_t nchars;
    yaml_parser_t parser;
    struct ep_err *err;
};

static void
ynode_free(struct ynode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        ynode_free(n->kids[i]);
    free(n->kids);
    free(n->text);
    free(n);
}

/* libyaml's marks count characters (a leading BOM not at all); edits need bytes. */
static void
build_cmap(struct tree *t)
{
    const unsigned char *s = (const unsigned char *)t->text;
    size_t i = 0, c = 0;

    while (i < t->len && s[i] < 0x80)
        i++;
    if (i == t->len)
        return;
    t->cmap = xmalloc((t->len + 1) * sizeof(*t->cmap));
    i = t->len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf ? 3 : 0;
    while (i < t->len) {
        size_t w = s[i] < 0x80 ? 1 : s[i] >= 0xf0 ? 4 : s[i] >= 0xe0 ? 3 : s[i] >= 0xc0 ? 2 : 1;

        t->cmap[c++] = i;
        i += w;
    }
    t->cmap[c] = t->len;
    t->nchars = c;
}

static size_t
byte_at(const struct tree *t, const yaml_mark_t *m)
{
    if (!t->cmap)
        return m->index < t->len ? m->index : t->len;
    return t->cmap[m->index < t->nchars ? m->index : t->nchars];
}

static int
next_event(struct tree *t, yaml_event_t *ev)
{
    if (yaml_parser_parse(&t->parser, ev))
        return 0;
    return ep_err_set(t->err, "line %zu, column %zu: %s", t->parser.problem_mark.line + 1,
                      t->parser.problem_mark.column + 1,
                      t->parser.problem ? t->parser.problem : "YAML syntax error");
}

static struct ynode *build(struct tree *t, const yaml_event_t *ev, size_t depth);

/* Add the nodes up to the collection's end event to n; n->end becomes that event's end. */
static int
build_kids(struct tree *t, struct ynode *n, yaml_event_type_t end_type, size_t depth)
{
    for (;;) {
        yaml_event_t ev;
        struct ynode *kid;

        if (next_event(t, &ev) < 0)
            return -1;
        if (ev.type == end_type) {
            n->end = byte_at(t, &ev.end_mark);
            yaml_event_delete(&ev);
            return 0;
        }
        kid = build(t, &ev, depth + 1);
        yaml_event_delete(&ev);
        if (!kid)
            return -1;
        ALLOC_GROW(n->kids, n->nkids + 1, n->alloc);
        n->kids[n->nkids++] = kid;
    }
}

/* The node that starts with event ev (the caller keeps ev). */
static struct ynode *
build(struct tree *t, const yaml_event_t *ev, size_t depth)
{
    struct ynode *n = xcalloc(1, sizeof(*n));
    int rc = 0;

    n->start = byte_at(t, &ev->start_mark);
    n->end = byte_at(t, &ev->end_mark);
    n->line = ev->start_mark.line;
    n->col = ev->start_mark.column;
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        n->kind = YN_SCALAR;
        n->text = xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
        n->len = ev->data.scalar.length;
        n->block_scalar = ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
                          ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
        n->anchored = ev->data.scalar.anchor != NULL;
        n->tagged = n->anchored || ev->data.scalar.tag;
        break;
    case YAML_ALIAS_EVENT:
        n->kind = YN_ALIAS;
        break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        if (depth >= YAMLEDIT_MAX_DEPTH) {
            rc = ep_err_set(t->err, "line %zu: collections nested too deeply",
                            ev->start_mark.line + 1);
            break;
        }
        if (ev->type == YAML_SEQUENCE_START_EVENT) {
            n->kind = YN_SEQ;
            n->flow = ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
            n->anchored = ev->data.sequence_start.anchor != NULL;
            n->tagged = n->anchored || ev->data.sequence_start.tag;
            rc = build_kids(t, n, YAML_SEQUENCE_END_EVENT, depth);
        } else {
            n->kind = YN_MAP;
            n->flow = ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
            n->anchored = ev->data.mapping_start.anchor != NULL;
            n->tagged = n->anchored || ev->data.mapping_start.tag;
            rc = build_kids(t, n, YAML_MAPPING_END_EVENT, depth);
        }
        break;
    default:
        rc = ep_err_set(t->err, "unexpected YAML event");
        break;
    }
    if (rc < 0) {
        ynode_free(n);
        return NULL;
    }
    return n;
}

/* The root node of the one document in t (NULL with *empty set for an empty stream). */
static struct ynode *
build_tree(struct tree *t, bool *empty)
{
    struct ynode *root = NULL;
    yaml_event_t ev;

    *empty = false;
    if (!yaml_parser_initialize(&t->parser)) {
        ep_err_set(t->err, "cannot initialise the YAML parser");
        return NULL;
    }
    yaml_parser_set_input_string(&t->parser, (const unsigned char *)t->text, t->len);
    if (next_event(t, &ev) < 0) /* STREAM-START */
        goto out;
    yaml_event_delete(&ev);
    if (next_event(t, &ev) < 0)
        goto out;
    if (ev.type == YAML_STREAM_END_EVENT) {
        *empty = true;
        yaml_event_delete(&ev);
        goto out;
    }
    yaml_event_delete(&ev); /* DOCUMENT-START */
    if (next_event(t, &ev) < 0)
        goto out;
    root = build(t, &ev, 0);
    yaml_event_delete(&ev);
out:
    yaml_parser_delete(&t->parser);
    return root;
}

/* ------------------------------------------------------------ text positions */

struct edit {
    size_t start, end; /* the bytes replaced */
    char *text;        /* what replaces them */
    size_t len;
};

struct editor {
    const char *text;
    size_t len;
    struct yamlout_style st;
    struct edit *edits;
    size_t nr, alloc;
    struct ep_err *err;
};

/* Where a node sits in its block parent. */
struct place {
    bool item;    /* a sequence item, else a mapping value */
    size_t col;   /* the column of its key or dash */
    size_t after; /* the byte just after its ':' or '-' */
};

static bool
is_break(char c)
{
    return c == '\n' || c == '\r';
}

/* The last node of a block collection, whose text ends the collection's. */
static const struct ynode *
last_leaf(const struct ynode *n)
{
    while ((n->kind == YN_SEQ || n->kind == YN_MAP) && !n->flow && n->nkids)
        n = n->kids[n->nkids - 1];
    return n;
}

/* Where the text of n ends, a block scalar's trailing blank lines left out. */
static size_t
text_end(const struct editor *ed, const struct ynode *n)
{
    size_t e;

    n = last_leaf(n);
    e = n->end;
    if (n->kind == YN_SCALAR && n->block_scalar)
        while (e > n->start + 1 &&
               (is_break(ed->text[e - 1]) || ed->text[e - 1] == ' ' || ed->text[e - 1] == '\t'))
            e--;
    return e;
}

/* Only blanks and maybe a comment from pos to the end of its line? */
static bool
rest_is_blank(const struct editor *ed, size_t pos)
{
    while (pos < ed->len && (ed->text[pos] == ' ' || ed->text[pos] == '\t'))
        pos++;
    return pos == ed->len || is_break(ed->text[pos]) || ed->text[pos] == '#';
}

/* The start of the line after pos's line (len when there is none). */
static size_t
next_line(const struct editor *ed, size_t pos)
{
    while (pos < ed->len && !is_break(ed->text[pos]))
        pos++;
    if (pos < ed->len)
        pos += ed->text[pos] == '\r' && pos + 1 < ed->len && ed->text[pos + 1] == '\n' ? 2 : 1;
    return pos;
}

/* The byte after the ':' that follows mapping key k. */
static int
colon_after(const struct editor *ed, const struct ynode *k, size_t *after)
{
    size_t p = k->end;

    while (p < ed->len && (ed->text[p] == ' ' || ed->text[p] == '\t' || is_break(ed->text[p])))
        p++;
    if (p >= ed->len || ed->text[p] != ':')
        return -1;
    *after = p + 1;
    return 0;
}

/* The dash of the sequence item after the one ending at pos: the next line that is not
 * blank or a comment must start with '-' at column col. */
static int
next_dash(const struct editor *ed, size_t pos, size_t col, size_t *dash)
{
    for (pos = next_line(ed, pos); pos < ed->len; pos = next_line(ed, pos)) {
        size_t p = pos;

        while (p < ed->len && ed->text[p] == ' ')
            p++;
        if (p == ed->len || is_break(ed->text[p]) || ed->text[p] == '#')
            continue;
        if (p - pos != col || ed->text[p] != '-')
            return -1;
        *dash = p;
        return 0;
    }
    return -1;
}

/* ------------------------------------------------------------ edits */

static void
add_edit(struct editor *ed, size_t start, size_t end, struct buf *text)
{
    struct edit *e;

    ALLOC_GROW(ed->edits, ed->nr + 1, ed->alloc);
    e = &ed->edits[ed->nr++];
    e->start = start;
    e->end = end;
    e->text = buf_detach(text, &e->len);
}

/* Forget the edits recorded after the first `keep`. */
static void
drop_edits(struct editor *ed, size_t keep)
{
    while (ed->nr > keep)
        free(ed->edits[--ed->nr].text);
}

static void
strip_eol(struct buf *b)
{
    if (b->len && b->buf[b->len - 1] == '\n')
        buf_setlen(b, b->len - 1);
    if (b->len && b->buf[b->len - 1] == '\r')
        buf_setlen(b, b->len - 1);
}

/*
 * Insert whole lines (each ending with a line end) at pos, a line start or
 * the end of the text. At the end, the text's last line may lack its line
 * end (a front matter's YAML stops before the one that precedes the closing
 * fence): then the lines go after a new line end, without their last one.
 */
static void
insert_lines(struct editor *ed, size_t pos, struct buf *lines)
{
    if (pos == ed->len && (!ed->len || !is_break(ed->text[ed->len - 1]))) {
        strip_eol(lines);
        if (ed->len) {
            struct buf b = BUF_INIT;

            buf_addstr(&b, ed->st.eol);
            buf_add(&b, lines->buf, lines->len);
            buf_release(lines);
            *lines = b;
        }
    }
    add_edit(ed, pos, pos, lines);
}

/* Insert lines after the last line of block collection n. */
static int
append_to(struct editor *ed, const struct ynode *n, struct buf *lines)
{
    size_t end = text_end(ed, n);

    if (!rest_is_blank(ed, end))
        return -1;
    insert_lines(ed, next_line(ed, end), lines);
    return 0;
}

/* Replace node n, placed at pl, with the text of v. */
static int
replace(struct editor *ed, const struct ynode *n, const json_t *v, const struct place *pl)
{
    struct buf b = BUF_INIT;
    size_t end = text_end(ed, n);
    bool one_line =
        !((json_is_object(v) && json_object_size(v)) || (json_is_array(v) && json_array_size(v)));
    int rc;

    if (!pl || end < pl->after || !rest_is_blank(ed, end))
        return -1;
    if (one_line) {
        buf_addch(&b, ' ');
        rc = yamlout_scalar(&b, v, ed->err);
    } else if (pl->item) {
        rc = yamlout_item_value(&b, v, pl->col, &ed->st, ed->err);
    } else {
        rc = yamlout_value(&b, v, pl->col, &ed->st, ed->err);
    }
    if (rc < 0) {
        buf_release(&b);
        return -1;
    }
    strip_eol(&b);
    add_edit(ed, pl->after, end, &b);
    return 0;
}

static int patch(struct editor *ed, const struct ynode *n, const json_t *old, const json_t *new,
                 const struct place *pl);

/* Block mapping n: same keys in the same order, new keys at the end. */
static int
patch_map(struct editor *ed, const struct ynode *n, const json_t *old, const json_t *new)
{
    size_t nent = n->nkids / 2;
    void *it = json_object_iter((json_t *)new);
    struct buf lines = BUF_INIT;

    if (json_object_size(old) != nent) /* duplicate keys */
        return -1;
    for (size_t i = 0; i < nent; i++, it = json_object_iter_next((json_t *)new, it)) {
        const struct ynode *k = n->kids[2 * i];
        struct place pl = { false, k->col, 0 };
        const char *key;

        if (!it || k->kind != YN_SCALAR)
            return -1;
        key = json_object_iter_key(it);
        if (strlen(key) != k->len || memcmp(key, k->text, k->len) || colon_after(ed, k, &pl.after))
            return -1;
        if (patch(ed, n->kids[2 * i + 1], json_object_get(old, key), json_object_iter_value(it),
                  &pl) < 0)
            return -1;
    }
    if (!it)
        return 0;
    for (; it; it = json_object_iter_next((json_t *)new, it))
        if (yamlout_entry(&lines, json_object_iter_key(it), json_object_iter_value(it),
                          n->kids[0]->col, &ed->st, ed->err) < 0) {
            buf_release(&lines);
            return -1;
        }
    if (append_to(ed, n, &lines) < 0) {
        buf_release(&lines);
        return -1;
    }
    return 0;
}

/* Block sequence n: the old items (each patched), then new ones. */
static int
patch_seq(struct editor *ed, const struct ynode *n, const json_t *old, const json_t *new)
{
    size_t nold = n->nkids, dash = n->start;
    struct buf lines = BUF_INIT;

    if (json_array_size(old) != nold || json_array_size(new) < nold || ed->text[dash] != '-')
        return -1;
    for (size_t i = 0; i < nold; i++) {
        struct place pl = { true, n->col, dash + 1 };

        if (patch(ed, n->kids[i], json_array_get(old, i), json_array_get(new, i), &pl) < 0)
            return -1;
        if (i + 1 < nold && next_dash(ed, text_end(ed, n->kids[i]), n->col, &dash))
            return -1;
    }
    if (json_array_size(new) == nold)
        return 0;
    for (size_t i = nold; i < json_array_size(new); i++)
        if (yamlout_item(&lines, json_array_get(new, i), n->col, &ed->st, ed->err) < 0) {
            buf_release(&lines);
            return -1;
        }
    if (append_to(ed, n, &lines) < 0) {
        buf_release(&lines);
        return -1;
    }
    return 0;
}

/*
 * Make node n (whose value is old) say new: patch block collections in
 * place, else replace the node. pl is NULL for the root. Returns 0, or -1
 * with no edits left behind.
 */
static int
patch(struct editor *ed, const struct ynode *n, const json_t *old, const json_t *new,
      const struct place *pl)
{
    size_t keep = ed->nr;
    int rc = -1;

    if (json_equal(old, new))
        return 0;
    if (n->anchored) /* its aliases would change too */
        return -1;
    if (!n->flow && !n->tagged) {
        if (n->kind == YN_MAP && json_is_object(old) && json_is_object(new))
            rc = patch_map(ed, n, old, new);
        else if (n->kind == YN_SEQ && json_is_array(old) && json_is_array(new))
            rc = patch_seq(ed, n, old, new);
        if (rc == 0)
            return 0;
        drop_edits(ed, keep);
    }
    return replace(ed, n, new, pl);
}

/* ------------------------------------------------------------ style */

struct seen {
    bool map, seq, item;
};

/* Take the indentation habits of the document from its first nested collections. */
static void
detect_style(const struct ynode *n, struct yamlout_style *st, struct seen *s)
{
    if (n->flow || (n->kind != YN_MAP && n->kind != YN_SEQ))
        return;
    for (size_t i = 0; i < n->nkids; i++) {
        const struct ynode *kid = n->kids[i];
        bool block = !kid->flow && !kid->tagged && kid->nkids;

        if (n->kind == YN_MAP && i % 2 == 1 && block) {
            const struct ynode *key = n->kids[i - 1];

            if (kid->kind == YN_MAP && !s->map && kid->kids[0]->col > key->col) {
                st->map_indent = kid->kids[0]->col - key->col;
                s->map = true;
            } else if (kid->kind == YN_SEQ && !s->seq && kid->col >= key->col) {
                st->seq_indent = kid->col - key->col;
                s->seq = true;
            }
        } else if (n->kind == YN_SEQ && i == 0 && block && kid->kind == YN_MAP && !s->item &&
                   kid->line == n->line && kid->kids[0]->col > n->col + 1) {
            /* "-   key: v": the first item's content on its dash's line */
            st->item_indent = kid->kids[0]->col - n->col;
            s->item = true;
        }
        detect_style(kid, st, s);
    }
}

/* ------------------------------------------------------------ the edit */

static void
apply_edits(struct buf *out, const struct editor *ed)
{
    size_t pos = 0;

    for (size_t i = 0; i < ed->nr; i++) {
        buf_add(out, ed->text + pos, ed->edits[i].start - pos);
        buf_add(out, ed->edits[i].text, ed->edits[i].len);
        pos = ed->edits[i].end;
    }
    buf_add(out, ed->text + pos, ed->len - pos);
}

/* Order edits by position, keeping the recorded order of insertions at one place. */
static int
sort_edits(struct editor *ed)
{
    for (size_t i = 1; i < ed->nr; i++) {
        struct edit e = ed->edits[i];
        size_t j = i;

        for (; j > 0 && ed->edits[j - 1].start > e.start; j--)
            ed->edits[j] = ed->edits[j - 1];
        ed->edits[j] = e;
    }
    for (size_t i = 1; i < ed->nr; i++)
        if (ed->edits[i].start < ed->edits[i - 1].end)
            return -1;
    return 0;
}

/* The index in root's kids of the last key `key` (the one a reader keeps), or 0 if none. */
static size_t
key_index(const struct ynode *root, const char *key)
{
    size_t found = 0;

    if (root->kind != YN_MAP)
        return 0;
    for (size_t i = 0; i + 1 < root->nkids; i += 2)
        if (root->kids[i]->kind == YN_SCALAR && root->kids[i]->len == strlen(key) &&
            !memcmp(root->kids[i]->text, key, root->kids[i]->len))
            found = i + 1;
    return found;
}

/* The value node of top-level `key`, or NULL. */
static const struct ynode *
find_key(const struct ynode *root, const char *key)
{
    size_t i = key_index(root, key);

    return i ? root->kids[i] : NULL;
}

/* Record the edits that set key to value: finely, or (whole) by replacing the key's value. */
static int
edit_key(struct editor *ed, const struct ynode *root, const json_t *old, const char *key,
         const json_t *value, bool whole)
{
    const struct ynode *k = NULL, *v = NULL;
    struct buf lines = BUF_INIT;
    size_t col = 0;

    if (root) {
        size_t i = key_index(root, key);

        if (root->kind != YN_MAP || root->flow || root->tagged || !root->nkids) {
            ep_err_set(ed->err, "the document is not a block mapping");
            return -1;
        }
        col = root->kids[0]->col;
        if (i) {
            k = root->kids[i - 1];
            v = root->kids[i];
        }
    }
    if (k) {
        struct place pl = { false, k->col, 0 };

        if (colon_after(ed, k, &pl.after) < 0)
            return -1;
        if (whole)
            return v->anchored ? -1 : replace(ed, v, value, &pl);
        return patch(ed, v, json_object_get(old, key), value, &pl);
    }
    if (yamlout_entry(&lines, key, value, col, &ed->st, ed->err) < 0) {
        buf_release(&lines);
        return -1;
    }
    if (!whole || !root) {
        insert_lines(ed, ed->len, &lines);
        return 0;
    }
    if (append_to(ed, root, &lines) < 0) {
        buf_release(&lines);
        return -1;
    }
    return 0;
}

/* Apply the recorded edits and check that the result reads as want. */
static int
try_edits(struct buf *out, struct editor *ed, const json_t *want)
{
    struct buf text = BUF_INIT;
    struct ep_err perr;
    json_t *got;
    int ok;

    if (sort_edits(ed) < 0)
        return -1;
    apply_edits(&text, ed);
    got = yamlin_parse(text.buf, text.len, &perr);
    ok = got && json_equal(got, want);
    json_decref(got);
    if (ok)
        buf_add(out, text.buf, text.len);
    buf_release(&text);
    return ok ? 0 : -1;
}

int
yamledit_set(struct buf *out, const char *yaml, size_t len, const char *key, const json_t *value,
             const char *eol, struct ep_err *err)
{
    struct tree t = { yaml, len, NULL, 0, { 0 }, err };
    struct editor ed = { yaml, len, YAMLOUT_STYLE_INIT, NULL, 0, 0, err };
    struct ynode *root = NULL;
    json_t *old, *want = NULL;
    struct seen seen = { false, false, false };
    bool empty;
    int rc = -1;

    old = yamlin_parse(yaml, len, err);
    if (!old)
        return -1;
    if (json_is_null(old)) {
        json_decref(old);
        old = json_object();
    } else if (!json_is_object(old)) {
        ep_err_set(err, "the YAML document is not a mapping");
        goto out;
    }
    want = json_deep_copy(old);
    if (!want || json_object_set(want, key, (json_t *)value) < 0) {
        ep_err_set(err, "cannot set '%s'", key);
        goto out;
    }
    if (json_equal(old, want)) {
        buf_add(out, yaml, len);
        rc = 0;
        goto out;
    }
    build_cmap(&t);
    root = build_tree(&t, &empty);
    if (!root && !empty)
        goto out;
    ed.st.eol = memchr(yaml, '\n', len) || memchr(yaml, '\r', len) ? frontmatter_eol(yaml, len)
                : eol                                              ? eol
                                                                   : "\n";
    if (root) { /* the key's own value first: its habits win */
        const struct ynode *v = find_key(root, key);

        if (v)
            detect_style(v, &ed.st, &seen);
        detect_style(root, &ed.st, &seen);
    }
    err->msg[0] = '\0';
    for (int whole = 0; whole < 2 && rc < 0; whole++) {
        drop_edits(&ed, 0);
        if (edit_key(&ed, root, old, key, value, whole) == 0 && try_edits(out, &ed, want) == 0)
            rc = 1;
    }
    if (rc < 0 && !err->msg[0])
        ep_err_set(err, "no edit of '%s' reads back as intended", key);
out:
    drop_edits(&ed, 0);
    free(ed.edits);
    ynode_free(root);
    free(t.cmap);
    json_decref(old);
    json_decref(want);
    return rc;
}

/*
 * yamlin — libyaml event stream to a jansson tree.
 */
#include "lib/yamlin.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lib/xalloc.h"

struct anchor {
    char *name;
    json_t *value;
};

struct loader {
    yaml_parser_t parser;
    struct anchor *anchors;
    size_t nr_anchors, alloc_anchors;
    size_t nodes;
    size_t depth; /* collections open around the current node */
    size_t line0; /* added to libyaml's 0-based lines */
    struct ep_err *err;
};

/* ------------------------------------------------------- scalar resolution */

static bool
all_in(const char *s, size_t len, const char *set)
{
    if (!len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!strchr(set, s[i]) || !s[i])
            return false;
    return true;
}

static bool
is_one_of(const char *s, size_t len, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == len && !memcmp(s, *words, len))
            return true;
    return false;
}

/* [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+ -> integer (or real when too large). */
static json_t *
resolve_int(const char *s, size_t len)
{
    char tmp[64];
    size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    int base = 10;
    long long v;
    char *end;

    if (len - i > 2 && s[i] == '0' && (s[i + 1] == 'o' || s[i + 1] == 'x') && i == 0) {
        base = s[1] == 'o' ? 8 : 16;
        if (!all_in(s + 2, len - 2, base == 8 ? "01234567" : "0123456789abcdefABCDEF"))
            return NULL;
        i = 2;
    } else if (!all_in(s + i, len - i, "0123456789")) {
        return NULL;
    }
    if (len >= sizeof(tmp))
        return NULL;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    errno = 0;
    v = strtoll(base == 10 ? tmp : tmp + 2, &end, base);
    if (errno == ERANGE)
        return base == 10 ? json_real(strtod(tmp, NULL)) : NULL;
    return json_integer(v);
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? and .inf/.nan (JSON has neither: strings). */
static json_t *
resolve_float(const char *s, size_t len)
{
    char tmp[128];
    size_t i = 0, digits = 0;
    double v;

    if (i < len && (s[i] == '-' || s[i] == '+'))
        i++;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (i < len && s[i] == '.')
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    if (!digits)
        return NULL;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t exp_start;

        i++;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            i++;
        exp_start = i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == exp_start)
            return NULL;
    }
    if (i != len || len >= sizeof(tmp))
        return NULL;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    v = strtod(tmp, NULL);
    if (!isfinite(v))
        return NULL;
    return json_real(v);
}

json_t *
yamlin_plain_scalar(const char *s, size_t len)
{
    static const char *const nulls[] = { "~", "null", "Null", "NULL", NULL };
    static const char *const trues[] = { "true", "True", "TRUE", NULL };
    static const char *const falses[] = { "false", "False", "FALSE", NULL };
    json_t *v;

    if (!len || is_one_of(s, len, nulls))
        return json_null();
    if (is_one_of(s, len, trues))
        return json_true();
    if (is_one_of(s, len, falses))
        return json_false();
    if ((s[0] >= '0' && s[0] <= '9') || s[0] == '-' || s[0] == '+' || s[0] == '.') {
        v = resolve_int(s, len);
        if (!v)
            v = resolve_float(s, len);
        if (v)
            return v;
    }
    return json_stringn(s, len);
}

/* ---------------------------------------------------------------- loader */

static int
fail_at(struct loader *l, const yaml_mark_t *mark, const char *what)
{
    return ep_err_set(l->err, "line %zu, column %zu: %s", mark->line + l->line0, mark->column + 1,
                      what);
}

static int
count_node(struct loader *l, const yaml_event_t *ev, size_t n)
{
    l->nodes += n;
    if (l->nodes > YAMLIN_MAX_NODES)
        return fail_at(l, &ev->start_mark, "document too large (alias expansion?)");
    return 0;
}

static size_t
tree_size(const json_t *v)
{
    size_t n = 1, i;
    const char *k;
    json_t *c;

    if (json_is_object(v))
        json_object_foreach((json_t *)v, k, c) n += tree_size(c);
    else if (json_is_array(v))
        json_array_foreach(v, i, c) n += tree_size(c);
    return n;
}

static void
remember_anchor(struct loader *l, const yaml_char_t *anchor, json_t *v)
{
    if (!anchor)
        return;
    ALLOC_GROW(l->anchors, l->nr_anchors + 1, l->alloc_anchors);
    l->anchors[l->nr_anchors].name = xstrdup((const char *)anchor);
    l->anchors[l->nr_anchors].value = json_incref(v);
    l->nr_anchors++;
}

static json_t *
scalar_value(struct loader *l, const yaml_event_t *ev)
{
    const char *s = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    const char *tag = (const char *)ev->data.scalar.tag;
    json_t *v;

    if (tag && strcmp(tag, "!") != 0) {
        if (!strcmp(tag, YAML_STR_TAG))
            v = json_stringn(s, len);
        else if (!strcmp(tag, YAML_NULL_TAG) || !strcmp(tag, YAML_BOOL_TAG) ||
                 !strcmp(tag, YAML_INT_TAG) || !strcmp(tag, YAML_FLOAT_TAG))
            v = yamlin_plain_scalar(s, len);
        else
            v = json_stringn(s, len); /* unknown tags: keep the text */
    } else if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !tag) {
        v = yamlin_plain_scalar(s, len);
    } else {
        v = json_stringn(s, len);
    }
    if (!v)
        fail_at(l, &ev->start_mark, "scalar is not valid UTF-8");
    return v;
}

static int next_event(struct loader *l, yaml_event_t *ev);
static json_t *load_node(struct loader *l, yaml_event_t *ev);
static json_t *load_collection(struct loader *l, yaml_event_t *ev);

/* Object keys must be scalars; their text is the key. */
static int
load_mapping(struct loader *l, json_t *obj)
{
    for (;;) {
        yaml_event_t kev;
        json_t *val;
        char *key;

        if (next_event(l, &kev) < 0)
            return -1;
        if (kev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&kev);
            return 0;
        }
        if (kev.type != YAML_SCALAR_EVENT) {
            fail_at(l, &kev.start_mark, "mapping key is not a scalar");
            yaml_event_delete(&kev);
            return -1;
        }
        key = xstrndup((const char *)kev.data.scalar.value, kev.data.scalar.length);
        if (strlen(key) != kev.data.scalar.length) {
            fail_at(l, &kev.start_mark, "mapping key has a NUL byte");
            free(key);
            yaml_event_delete(&kev);
            return -1;
        }
        yaml_event_delete(&kev);
        if (next_event(l, &kev) < 0) {
            free(key);
            return -1;
        }
        val = load_node(l, &kev);
        if (!val || json_object_set_new(obj, key, val) < 0) {
            if (val)
                fail_at(l, &kev.start_mark, "mapping key is not valid UTF-8");
            free(key);
            yaml_event_delete(&kev);
            return -1;
        }
        free(key);
        yaml_event_delete(&kev);
    }
}

static int
load_sequence(struct loader *l, json_t *arr)
{
    for (;;) {
        yaml_event_t ev;
        json_t *val;

        if (next_event(l, &ev) < 0)
            return -1;
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return 0;
        }
        val = load_node(l, &ev);
        yaml_event_delete(&ev);
        if (!val)
            return -1;
        json_array_append_new(arr, val);
    }
}

static json_t *
load_alias(struct loader *l, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;

    for (size_t i = l->nr_anchors; i-- > 0;) {
        if (!strcmp(l->anchors[i].name, name)) {
            json_t *copy = json_deep_copy(l->anchors[i].value);

            if (count_node(l, ev, tree_size(copy)) < 0) {
                json_decref(copy);
                return NULL;
            }
            return copy;
        }
    }
    fail_at(l, &ev->start_mark, "unknown alias");
    return NULL;
}

/* Build the node that starts with event ev (which the caller still owns). */
static json_t *
load_node(struct loader *l, yaml_event_t *ev)
{
    json_t *v = NULL;

    if (count_node(l, ev, 1) < 0)
        return NULL;
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        v = scalar_value(l, ev);
        if (v)
            remember_anchor(l, ev->data.scalar.anchor, v);
        return v;
    case YAML_ALIAS_EVENT:
        return load_alias(l, ev);
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT:
        if (l->depth >= YAMLIN_MAX_DEPTH) {
            fail_at(l, &ev->start_mark, "collections nested too deeply");
            return NULL;
        }
        break;
    default:
        break;
    }
    l->depth++;
    v = load_collection(l, ev);
    l->depth--;
    return v;
}

/* Build the mapping or sequence that starts with event ev. */
static json_t *
load_collection(struct loader *l, yaml_event_t *ev)
{
    json_t *v;

    switch (ev->type) {
    case YAML_MAPPING_START_EVENT:
        v = json_object();
        if (load_mapping(l, v) < 0) {
            json_decref(v);
            return NULL;
        }
        remember_anchor(l, ev->data.mapping_start.anchor, v);
        return v;
    case YAML_SEQUENCE_START_EVENT:
        v = json_array();
        if (load_sequence(l, v) < 0) {
            json_decref(v);
            return NULL;
        }
        remember_anchor(l, ev->data.sequence_start.anchor, v);
        return v;
    default:
        fail_at(l, &ev->start_mark, "unexpected YAML event");
        return NULL;
    }
}

static int
next_event(struct loader *l, yaml_event_t *ev)
{
    if (yaml_parser_parse(&l->parser, ev))
        return 0;
    return ep_err_set(l->err, "line %zu, column %zu: %s", l->parser.problem_mark.line + l->line0,
                      l->parser.problem_mark.column + 1,
                      l->parser.problem ? l->parser.problem : "YAML syntax error");
}

/* Skip events until `type`; returns 0 or -1. */
static int
expect(struct loader *l, yaml_event_type_t type, yaml_event_t *ev)
{
    if (next_event(l, ev) < 0)
        return -1;
    if (ev->type != type) {
        fail_at(l, &ev->start_mark, type == YAML_STREAM_END_EVENT ? "more than one YAML document"
                                                                  : "unexpected YAML structure");
        yaml_event_delete(ev);
        return -1;
    }
    return 0;
}

json_t *
yamlin_parse(const char *text, size_t len, struct ep_err *err)
{
    return yamlin_parse_at(text, len, 1, err);
}

json_t *
yamlin_parse_at(const char *text, size_t len, size_t first_line, struct ep_err *err)
{
    struct loader l;
    yaml_event_t ev;
    json_t *root = NULL;

    memset(&l, 0, sizeof(l));
    l.err = err;
    l.line0 = first_line;
    if (!yaml_parser_initialize(&l.parser)) {
        ep_err_set(err, "cannot initialise the YAML parser");
        return NULL;
    }
    yaml_parser_set_input_string(&l.parser, (const unsigned char *)text, len);
    if (expect(&l, YAML_STREAM_START_EVENT, &ev) < 0)
        goto out;
    yaml_event_delete(&ev);
    if (next_event(&l, &ev) < 0)
        goto out;
    if (ev.type == YAML_STREAM_END_EVENT) { /* empty document */
        yaml_event_delete(&ev);
        root = json_null();
        goto out;
    }
    yaml_event_delete(&ev); /* DOCUMENT-START */
    if (next_event(&l, &ev) < 0)
        goto out;
    root = load_node(&l, &ev);
    yaml_event_delete(&ev);
    if (!root || expect(&l, YAML_DOCUMENT_END_EVENT, &ev) < 0)
        goto fail;
    yaml_event_delete(&ev);
    if (expect(&l, YAML_STREAM_END_EVENT, &ev) < 0)
        goto fail;
    yaml_event_delete(&ev);
    goto out;
fail:
    json_decref(root);
    root = NULL;
out:
    for (size_t i = 0; i < l.nr_anchors; i++) {
        free(l.anchors[i].name);
        json_decref(l.anchors[i].value);
    }
    free(l.anchors);
    yaml_parser_delete(&l.parser);
    return root;
}

/*
 * yamlout — libyaml's emitter writes the scalars, this file lays out blocks.
 */
#include "lib/yamlout.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "lib/num.h"
#include "lib/yamlin.h"

/* One scalar to hand to libyaml: its text and the styles it may take. */
struct scalar {
    const char *text;
    size_t len;
    bool plain_ok;             /* reads back as the same value when written plain */
    yaml_scalar_style_t style; /* YAML_ANY_SCALAR_STYLE, or forced double quotes */
    char num[NUM_FMT_MAX + 8]; /* the text of a number */
};

/* ------------------------------------------------------------ scalars */

static bool
is_word(const char *s, size_t len, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == len && !memcmp(s, *words, len))
            return true;
    return false;
}

static bool
is_word_nocase(const char *s, size_t len, const char *word)
{
    if (strlen(word) != len)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];

        if (c != word[i])
            return false;
    }
    return true;
}

/*
 * Would s, written plain, read back as anything but this string? Besides the
 * YAML 1.2 core schema (yamlin), PyYAML's YAML 1.1 reads yes/no/on/off as
 * booleans and 2026-01-14 as a date, and both read .inf/.nan as floats. Any
 * string that starts like a number is quoted: cheaper than every 1.1 rule
 * (1_000, 1:20, dates), and always safe.
 */
static bool
plain_changes_type(const char *s, size_t len)
{
    static const char *const yaml11[] = { "y",   "Y",   "yes", "Yes", "YES", "n",  "N",
                                          "no",  "No",  "NO",  "on",  "On",  "ON", "off",
                                          "Off", "OFF", "<<",  "=",   NULL };
    size_t i;
    json_t *v;
    bool other;

    if (!len || (s[0] >= '0' && s[0] <= '9') || is_word(s, len, yaml11))
        return true;
    i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    if (i < len && s[i] >= '0' && s[i] <= '9')
        return true;
    if (i < len && s[i] == '.') {
        if (i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '9')
            return true;
        if (is_word_nocase(s + i, len - i, ".inf") || is_word_nocase(s + i, len - i, ".nan"))
            return true;
    }
    v = yamlin_plain_scalar(s, len);
    other = !json_is_string(v);
    json_decref(v);
    return other;
}

/* Line breaks as YAML sees them: LF, CR, NEL, LINE and PARAGRAPH SEPARATOR. */
static bool
has_break(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '\n' || c == '\r')
            return true;
        if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] == 0x85)
            return true;
        if (c == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
            ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9))
            return true;
    }
    return false;
}

/* A real as YAML 1.1 and 1.2 both read a float: 71.3, 71.0, 1.0e-05. */
static void
real_text(double d, char *out, size_t size)
{
    char tmp[NUM_FMT_MAX];
    const char *e;

    num_fmt(d, tmp);
    e = strpbrk(tmp, "eE");
    if (strchr(tmp, '.') || strpbrk(tmp, "ni"))
        snprintf(out, size, "%s", tmp);
    else if (!e)
        snprintf(out, size, "%s.0", tmp);
    else
        snprintf(out, size, "%.*s.0%s", (int)(e - tmp), tmp, e);
}

/* Describe the scalar v (not a collection) in sc. */
static void
scalar_of(const json_t *v, struct scalar *sc)
{
    sc->plain_ok = true;
    sc->style = YAML_ANY_SCALAR_STYLE;
    sc->text = sc->num;
    switch (json_typeof(v)) {
    case JSON_STRING:
        sc->text = json_string_value(v);
        sc->len = json_string_length(v);
        sc->plain_ok = !plain_changes_type(sc->text, sc->len);
        if (has_break(sc->text, sc->len))
            sc->style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
        return;
    case JSON_INTEGER:
        snprintf(sc->num, sizeof(sc->num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        break;
    case JSON_REAL:
        real_text(json_real_value(v), sc->num, sizeof(sc->num));
        break;
    case JSON_TRUE:
        snprintf(sc->num, sizeof(sc->num), "true");
        break;
    case JSON_FALSE:
        snprintf(sc->num, sizeof(sc->num), "false");
        break;
    default:
        snprintf(sc->num, sizeof(sc->num), "null");
        break;
    }
    sc->len = strlen(sc->num);
}

static void
plain_scalar(struct scalar *sc, const char *text)
{
    sc->text = text;
    sc->len = strlen(text);
    sc->plain_ok = true;
    sc->style = YAML_ANY_SCALAR_STYLE;
}

static int
write_handler(void *data, unsigned char *bytes, size_t size)
{
    buf_add(data, bytes, size);
    return 1;
}

static int
scalar_event(yaml_event_t *ev, const struct scalar *sc)
{
    return yaml_scalar_event_initialize(ev, NULL, NULL, (yaml_char_t *)sc->text, (int)sc->len,
                                        sc->plain_ok, 1, sc->style);
}

/*
 * Emit the one-entry block mapping {k: v} and append libyaml's text to
 * `text`: libyaml then chooses each scalar's style for exactly the place
 * (mapping key, block value) the caller puts it in.
 */
static int
emit_pair(struct buf *text, const struct scalar *k, const struct scalar *v, struct ep_err *err)
{
    yaml_emitter_t em;
    yaml_event_t ev;
    int ok;

    if (!yaml_emitter_initialize(&em))
        return ep_err_set(err, "cannot initialise the YAML emitter");
    yaml_emitter_set_output(&em, write_handler, text);
    yaml_emitter_set_unicode(&em, 1);
    yaml_emitter_set_width(&em, -1);
    yaml_emitter_set_break(&em, YAML_LN_BREAK);
    ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
         yaml_emitter_emit(&em, &ev) &&
         yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
         yaml_emitter_emit(&em, &ev) &&
         yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE) &&
         yaml_emitter_emit(&em, &ev) && scalar_event(&ev, k) && yaml_emitter_emit(&em, &ev) &&
         scalar_event(&ev, v) && yaml_emitter_emit(&em, &ev) &&
         yaml_mapping_end_event_initialize(&ev) && yaml_emitter_emit(&em, &ev) &&
         yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&em, &ev) &&
         yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&em, &ev);
    if (!ok)
        ep_err_set(err, "cannot write YAML: %s", em.problem ? em.problem : "invalid scalar");
    yaml_emitter_delete(&em);
    return ok ? 0 : -1;
}

static bool
is_block(const json_t *v)
{
    return (json_is_object(v) && json_object_size(v)) || (json_is_array(v) && json_array_size(v));
}

int
yamlout_scalar(struct buf *out, const json_t *v, struct ep_err *err)
{
    struct buf text = BUF_INIT;
    struct scalar k, sc;
    int rc = -1;

    if (json_is_array(v) || json_is_object(v)) {
        if (is_block(v))
            return ep_err_set(err, "a non-empty collection has no one-line form");
        buf_addstr(out, json_is_array(v) ? "[]" : "{}");
        return 0;
    }
    plain_scalar(&k, "k");
    scalar_of(v, &sc);
    if (emit_pair(&text, &k, &sc, err) < 0)
        goto out;
    /* "k: TEXT\n", TEXT on one line */
    if (text.len < 4 || memcmp(text.buf, "k: ", 3) || text.buf[text.len - 1] != '\n' ||
        memchr(text.buf + 3, '\n', text.len - 4)) {
        ep_err_set(err, "unexpected YAML emitter output");
        goto out;
    }
    buf_add(out, text.buf + 3, text.len - 4);
    rc = 0;
out:
    buf_release(&text);
    return rc;
}

int
yamlout_key(struct buf *out, const char *key, struct ep_err *err)
{
    struct buf text = BUF_INIT;
    struct scalar k, v;
    json_t *tmp = json_string(key);
    int rc = -1;

    if (!tmp)
        return ep_err_set(err, "mapping key is not valid UTF-8");
    scalar_of(tmp, &k);
    plain_scalar(&v, "v");
    if (emit_pair(&text, &k, &v, err) < 0)
        goto out;
    /* "TEXT: v\n"; libyaml writes "? TEXT" for a key that cannot be a simple key */
    if (text.len >= 2 && !memcmp(text.buf, "? ", 2)) {
        ep_err_set(err, "a mapping key is too long or spans lines");
        goto out;
    }
    if (text.len < 5 || memcmp(text.buf + text.len - 4, ": v\n", 4) ||
        memchr(text.buf, '\n', text.len - 1)) {
        ep_err_set(err, "unexpected YAML emitter output");
        goto out;
    }
    buf_add(out, text.buf, text.len - 4);
    rc = 0;
out:
    buf_release(&text);
    json_decref(tmp);
    return rc;
}

/* ------------------------------------------------------------ layout */

static void
pad(struct buf *out, size_t col)
{
    static const char spaces[] = "                                ";

    while (col) {
        size_t n = col < sizeof(spaces) - 1 ? col : sizeof(spaces) - 1;

        buf_add(out, spaces, n);
        col -= n;
    }
}

static size_t
item_indent(const struct yamlout_style *st)
{
    return st->item_indent < 2 ? 2 : st->item_indent;
}

/* The entries of obj with keys at col; the first one continues the current line unless pad_first.
 */
static int
entries(struct buf *out, const json_t *obj, size_t col, bool pad_first,
        const struct yamlout_style *st, struct ep_err *err)
{
    const char *key;
    json_t *val;
    bool first = true;

    json_object_foreach((json_t *)obj, key, val) {
        if (!first || pad_first)
            pad(out, col);
        first = false;
        if (yamlout_key(out, key, err) < 0)
            return -1;
        buf_addch(out, ':');
        if (yamlout_value(out, val, col, st, err) < 0)
            return -1;
    }
    return 0;
}

/* The items of arr with dashes at col; the first one continues the current line unless pad_first.
 */
static int
items(struct buf *out, const json_t *arr, size_t col, bool pad_first,
      const struct yamlout_style *st, struct ep_err *err)
{
    size_t i;
    json_t *val;

    json_array_foreach(arr, i, val) {
        if (i || pad_first)
            pad(out, col);
        buf_addch(out, '-');
        if (yamlout_item_value(out, val, col, st, err) < 0)
            return -1;
    }
    return 0;
}

/* " SCALAR" and a line end. */
static int
inline_line(struct buf *out, const json_t *v, const struct yamlout_style *st, struct ep_err *err)
{
    buf_addch(out, ' ');
    if (yamlout_scalar(out, v, err) < 0)
        return -1;
    buf_addstr(out, st->eol);
    return 0;
}

int
yamlout_value(struct buf *out, const json_t *v, size_t col, const struct yamlout_style *st,
              struct ep_err *err)
{
    if (!is_block(v))
        return inline_line(out, v, st, err);
    buf_addstr(out, st->eol);
    if (json_is_object(v))
        return entries(out, v, col + (st->map_indent ? st->map_indent : 2), true, st, err);
    return items(out, v, col + st->seq_indent, true, st, err);
}

int
yamlout_entry(struct buf *out, const char *key, const json_t *v, size_t col,
              const struct yamlout_style *st, struct ep_err *err)
{
    pad(out, col);
    if (yamlout_key(out, key, err) < 0)
        return -1;
    buf_addch(out, ':');
    return yamlout_value(out, v, col, st, err);
}

int
yamlout_item_value(struct buf *out, const json_t *v, size_t col, const struct yamlout_style *st,
                   struct ep_err *err)
{
    size_t in = item_indent(st);

    if (!is_block(v))
        return inline_line(out, v, st, err);
    pad(out, in - 1);
    if (json_is_object(v))
        return entries(out, v, col + in, false, st, err);
    return items(out, v, col + in, false, st, err);
}

int
yamlout_item(struct buf *out, const json_t *v, size_t col, const struct yamlout_style *st,
             struct ep_err *err)
{
    pad(out, col);
    buf_addch(out, '-');
    return yamlout_item_value(out, v, col, st, err);
}

int
yamlout_document(struct buf *out, const json_t *v, const struct yamlout_style *st,
                 struct ep_err *err)
{
    if (!is_block(v)) {
        if (yamlout_scalar(out, v, err) < 0)
            return -1;
        buf_addstr(out, st->eol);
        return 0;
    }
    if (json_is_object(v))
        return entries(out, v, 0, true, st, err);
    return items(out, v, 0, true, st, err);
}

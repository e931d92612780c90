/*
 * rec — record getters, builders, and the shared error path.
 */
#include "lib/rec.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/msg.h"
#include "lib/ndjson.h"
#include "lib/utf8.h"

const char *
rec_kind(const json_t *rec)
{
    const char *k = rec_str(rec, "kind");

    return k ? k : "";
}

bool
rec_is(const json_t *rec, const char *kind)
{
    return !strcmp(rec_kind(rec), kind);
}

const char *
rec_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

long long
rec_int(const json_t *obj, const char *key, long long def)
{
    json_t *v = json_object_get(obj, key);

    return json_is_integer(v) ? json_integer_value(v) : def;
}

void
rec_set(json_t *obj, const char *key, json_t *value)
{
    if (!value)
        value = json_null();
    if (json_object_set_new(obj, key, value) < 0)
        die("out of memory (setting '%s')", key);
}

void
rec_set_str(json_t *obj, const char *key, const char *s)
{
    rec_set_strn(obj, key, s, s ? strlen(s) : 0);
}

void
rec_set_strn(json_t *obj, const char *key, const char *s, size_t len)
{
    json_t *v = NULL;

    if (s) {
        v = json_stringn(s, len);
        if (!v) { /* invalid UTF-8 (or NUL): keep what can be kept, U+FFFD for the rest */
            struct buf b = BUF_INIT;

            utf8_repair(&b, s, len);
            v = json_stringn(b.buf, b.len);
            buf_release(&b);
            if (!v)
                die("out of memory");
        }
    }
    rec_set(obj, key, v);
}

void
rec_set_int(json_t *obj, const char *key, long long v)
{
    rec_set(obj, key, json_integer(v));
}

json_t *
rec_new(const char *kind)
{
    json_t *o = json_object();

    if (!o)
        die("out of memory");
    rec_set_str(o, "kind", kind);
    return o;
}

static json_t *
error_record(const struct rec_where *where, const json_t *extra, const char *fmt, va_list ap)
{
    char msg[2048];
    json_t *e;
    const char *key;
    json_t *val;

    vsnprintf(msg, sizeof(msg), fmt, ap);
    e = rec_new("error");
    rec_set_str(e, "tool", msg_prog());
    if (where && where->repo)
        rec_set_str(e, "repo", where->repo);
    if (where && where->file)
        rec_set_str(e, "file", where->file);
    if (where && where->line)
        rec_set_int(e, "line", (long long)where->line);
    rec_set_str(e, "message", msg);
    json_object_foreach((json_t *)extra, key, val) {
        if (!json_object_get(e, key))
            rec_set(e, key, json_incref(val));
    }
    if (where && where->repo)
        error("%s: %s", where->repo, msg);
    else if (where && where->file && where->line)
        error("%s:%zu: %s", where->file, where->line, msg);
    else
        error("%s", msg);
    return e;
}

json_t *
rec_error_new(const struct rec_where *where, const json_t *extra, const char *fmt, ...)
{
    va_list ap;
    json_t *e;

    va_start(ap, fmt);
    e = error_record(where, extra, fmt, ap);
    va_end(ap);
    return e;
}

void
rec_error(const struct rec_where *where, const json_t *extra, const char *fmt, ...)
{
    va_list ap;
    json_t *e;

    va_start(ap, fmt);
    e = error_record(where, extra, fmt, ap);
    va_end(ap);
    ndjson_put(e);
    json_decref(e);
}

/*
 * card — README bytes to a card record and back.
 */
#include "lib/card.h"

#include <string.h>

#include "lib/buf.h"
#include "lib/frontmatter.h"
#include "lib/rec.h"
#include "lib/utf8.h"
#include "lib/yamlin.h"

static size_t
line_of(const char *text, size_t off)
{
    size_t line = 1;

    for (size_t i = 0; i < off; i++)
        if (text[i] == '\n')
            line++;
    return line;
}

/* Parse the YAML of the block into rec's metadata (or metadata_error). */
static void
set_metadata(json_t *rec, const char *text, const struct frontmatter *fm)
{
    struct ep_err err = { "" };
    json_t *meta;

    if (!fm->found) {
        rec_set(rec, "metadata", json_object());
        return;
    }
    meta = yamlin_parse_at(text + fm->yaml_off, fm->yaml_len, line_of(text, fm->yaml_off), &err);
    if (meta && json_is_null(meta)) { /* an empty block */
        json_decref(meta);
        meta = json_object();
    }
    if (meta && !json_is_object(meta)) {
        json_decref(meta);
        meta = NULL;
        ep_err_set(&err, "front matter is not a YAML mapping");
    }
    rec_set(rec, "metadata", meta);
    if (!meta) {
        char msg[sizeof(err.msg) + 16];

        snprintf(msg, sizeof(msg), "front matter: %s", err.msg);
        rec_set_str(rec, "metadata_error", msg);
    }
}

json_t *
card_new(const char *repo, const char *type, const char *revision, const char *path,
         const char *text, size_t len, struct ep_err *err)
{
    struct frontmatter fm;
    size_t bad;
    json_t *rec;

    if (!utf8_valid(text, len, &bad)) {
        ep_err_set(err, "not valid UTF-8 at byte %zu (line %zu)", bad, line_of(text, bad));
        return NULL;
    }
    frontmatter_split(text, len, &fm);
    rec = rec_new("card");
    rec_set_str(rec, "repo", repo);
    rec_set_str(rec, "type", type);
    rec_set_str(rec, "revision", revision);
    rec_set_str(rec, "path", path);
    if (fm.found)
        rec_set_strn(rec, "front_matter", text, fm.block_len);
    else
        rec_set(rec, "front_matter", json_null());
    set_metadata(rec, text, &fm);
    rec_set_strn(rec, "body", text + fm.block_len, len - fm.block_len);
    return rec;
}

void
card_text(const json_t *card, struct buf *out)
{
    json_t *fm = json_object_get(card, "front_matter");
    json_t *body = json_object_get(card, "body");

    if (json_is_string(fm))
        buf_add(out, json_string_value(fm), json_string_length(fm));
    if (json_is_string(body))
        buf_add(out, json_string_value(body), json_string_length(body));
}

/*
 * card — build a `card` record from a README's bytes:
 *   {"kind":"card","repo","type","revision","path","front_matter","metadata","body"}
 * front_matter is the whole front-matter block (leading whitespace, both
 * fences and the closing line end) or null, body the rest, so front_matter +
 * body is the file byte for byte. metadata is the parsed YAML mapping ({}
 * when there is no front matter); YAML that does not parse, or is not a
 * mapping, gives "metadata": null and "metadata_error": "<why>".
 */
#ifndef EVALPIPE_CARD_H
#define EVALPIPE_CARD_H

#include <jansson.h>
#include <stddef.h>

#include "lib/msg.h"

/*
 * A new card record (new reference), or NULL with err set when the text is
 * not valid UTF-8 ("not valid UTF-8 at byte N (line L)"; the caller names
 * the file). revision may be NULL. YAML errors give line numbers of the file.
 */
json_t *card_new(const char *repo, const char *type, const char *revision, const char *path,
                 const char *text, size_t len, struct ep_err *err);

/* The card's text again: front_matter + body (appended to out). */
struct buf;
void card_text(const json_t *card, struct buf *out);

#endif

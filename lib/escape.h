/*
 * escape — untrusted text into HTML, Markdown and link targets.
 *
 * Everything that came from a record (model names, dataset names, URLs) goes
 * through one of these before it becomes part of a page. Each appends to a
 * buffer; none keeps a pointer to its input.
 */
#ifndef EVALPIPE_ESCAPE_H
#define EVALPIPE_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"

/*
 * Append s[0, len) as HTML text, safe both as element content and inside a
 * double- or single-quoted attribute: & < > " ' become character references,
 * control characters other than tab and newline become spaces.
 */
void escape_html(struct buf *out, const char *s, size_t len);

/*
 * Append s[0, len) as literal Markdown text that stays on one line and in one
 * table cell: the characters with a meaning inline (\ ` * _ [ ] < > | & ~ # $)
 * are backslash-escaped (CommonMark allows it for any ASCII punctuation), and
 * so are ':' and the dot of "www." so that GitHub-flavoured renderers do not
 * turn a URL in a name into a link; newlines and other control characters
 * become spaces. (An e-mail address still becomes a mailto: link there: no
 * escape stops that.)
 */
void escape_md(struct buf *out, const char *s, size_t len);

/*
 * Whether url is an absolute http or https URL (scheme in any case, a host)
 * with no control characters: the only URLs that become links.
 */
bool escape_url_ok(const char *url);

/*
 * Append url for use as a link target: bytes other than letters, digits and
 * - . _ ~ : / ? # [ ] @ ! $ & + , ; = % are percent-encoded (so no quote,
 * space, parenthesis, angle bracket, backslash or non-ASCII byte remains).
 * Returns 0, or -1 (nothing appended) when escape_url_ok(url) is false.
 * The result still needs escape_html() inside an HTML attribute.
 */
int escape_url(struct buf *out, const char *url);

/*
 * Append at most max code points of the UTF-8 text s[0, len), and "…" when
 * it was cut. Returns the number of bytes of s taken.
 */
size_t escape_truncate(struct buf *out, const char *s, size_t len, size_t max);

#endif

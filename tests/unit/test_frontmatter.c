/* Unit tests for lib/frontmatter: the Hub's regex, case by case. */
#include "lib/frontmatter.h"

#include "tests/unit/check.h"

struct fm_case {
    const char *name;
    const char *text;
    int found;
    const char *yaml; /* expected YAML text when found */
};

/* Expected values follow the regex ^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$)). */
static const struct fm_case cases[] = {
    { "plain", "---\na: 1\n---\nbody\n", 1, "a: 1" },
    { "crlf", "---\r\na: 1\r\nb: 2\r\n---\r\nbody\r\n", 1, "a: 1\r\nb: 2" },
    { "no front matter", "# Title\n---\nx\n", 0, NULL },
    { "empty file", "", 0, NULL },
    { "fences only: not front matter", "---\n---\nbody", 0, NULL },
    { "empty yaml", "---\n\n---\nbody", 1, "" },
    { "closing at end of file", "---\na: 1\n---", 1, "a: 1" },
    { "trailing spaces after closing fence", "---\na: 1\n--- \t\nbody", 1, "a: 1" },
    { "closing fence with text is not a fence", "---\na: 1\n---x\nb: 2\n---\n", 1, "a: 1\n---x\nb: 2" },
    { "leading blank lines", "\n\n  ---\na: 1\n---\n", 1, "a: 1" },
    { "BOM counts as whitespace", "\xef\xbb\xbf---\na: 1\n---\n", 1, "a: 1" },
    { "--- inside a code block after it", "---\na: 1\n---\n```\n---\nx\n---\n```\n", 1, "a: 1" },
    { "lone CR line ends", "---\ra: 1\r---\r\nbody", 1, "a: 1" },
    { "backtracks CRLF opening to CR", "---\r\n---\n", 1, "" },
    { "unterminated", "---\na: 1\nbody\n", 0, NULL },
    { "four dashes", "----\na: 1\n---\n", 0, NULL },
};

static void
test_split_cases(void)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct fm_case *c = &cases[i];
        struct frontmatter fm;
        size_t len = strlen(c->text);

        frontmatter_split(c->text, len, &fm);
        if (fm.found != c->found) {
            fprintf(stderr, "case '%s': found=%d\n", c->name, fm.found);
            CHECK(fm.found == c->found);
            continue;
        }
        if (!fm.found) {
            CHECK(fm.block_len == 0);
            continue;
        }
        CHECK(fm.block_len <= len);
        CHECK_MEMEQ(c->text + fm.yaml_off, fm.yaml_len, c->yaml, strlen(c->yaml));
    }
}

static void
test_replace_keeps_every_other_byte(void)
{
    struct buf out = BUF_INIT;
    static const char crlf[] = "\xef\xbb\xbf---\r\nlicense: mit\r\n---  \r\n# Body\r\n";

    frontmatter_replace(&out, crlf, sizeof(crlf) - 1, "license: mit\r\nx: 1\r\n", 20);
    CHECK_STREQ(out.buf, "\xef\xbb\xbf---\r\nlicense: mit\r\nx: 1\r\n---  \r\n# Body\r\n");
    buf_reset(&out);

    /* same YAML back gives the same bytes */
    frontmatter_replace(&out, crlf, sizeof(crlf) - 1, "license: mit\r\n", 14);
    CHECK_STREQ(out.buf, crlf);
    buf_reset(&out);

    /* no front matter: a new block with the text's line ending */
    frontmatter_replace(&out, "# T\r\nx\r\n", 8, "a: 1\r\n", 6);
    CHECK_STREQ(out.buf, "---\r\na: 1\r\n---\r\n# T\r\nx\r\n");
    buf_reset(&out);
    frontmatter_replace(&out, "# T\n", 4, "", 0);
    CHECK_STREQ(out.buf, "# T\n");
    buf_release(&out);
}

int
main(void)
{
    RUN(test_split_cases);
    RUN(test_replace_keeps_every_other_byte);
    return DONE();
}

/* Unit tests for lib/commit: base64 (RFC 4648 vectors), markers, the NDJSON body. */
#include "lib/commit.h"

#include <jansson.h>

#include "tests/unit/check.h"

static void
test_base64_rfc4648(void)
{
    static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
    static const char *const want[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
                                        "Zm9vYmFy" };

    for (size_t i = 0; i < 7; i++) {
        struct buf b = BUF_INIT;

        base64_encode(&b, in[i], strlen(in[i]));
        CHECK_STREQ(b.buf, want[i]);
        buf_release(&b);
    }
}

static void
test_marker_ignores_order_and_sees_content(void)
{
    struct commit_file a[] = { { "README.md", "x", 1 }, { ".eval_results/m.yaml", "y", 1 } };
    struct commit_file b[] = { { ".eval_results/m.yaml", "y", 1 }, { "README.md", "x", 1 } };
    struct commit_file c[] = { { ".eval_results/m.yaml", "y", 1 }, { "README.md", "z", 1 } };
    char ma[COMMIT_MARKER_MAX], mb[COMMIT_MARKER_MAX], mc[COMMIT_MARKER_MAX];
    struct buf desc = BUF_INIT;

    commit_marker(a, 2, ma);
    commit_marker(b, 2, mb);
    commit_marker(c, 2, mc);
    CHECK_STREQ(ma, mb);
    CHECK(strcmp(ma, mc) != 0);
    CHECK(strncmp(ma, "sha256:", 7) == 0 && strlen(ma) == 71);
    buf_addstr(&desc, "text\n\n");
    commit_marker_line(&desc, ma);
    CHECK(commit_has_marker(desc.buf, ma));
    CHECK(!commit_has_marker(desc.buf, mc));
    buf_release(&desc);
}

static void
test_payload_lines(void)
{
    struct commit_file f[] = { { "README.md", "hi\n", 3 } };
    struct buf out = BUF_INIT;

    commit_payload(&out, "Add results", "body", "0123456789abcdef0123456789abcdef01234567", f, 1);
    CHECK_STREQ(out.buf, "{\"key\":\"header\",\"value\":{\"summary\":\"Add results\",\"description\":"
                         "\"body\",\"parentCommit\":\"0123456789abcdef0123456789abcdef01234567\"}}\n"
                         "{\"key\":\"file\",\"value\":{\"path\":\"README.md\",\"content\":\"aGkK\","
                         "\"encoding\":\"base64\"}}\n");
    buf_release(&out);
}

int
main(void)
{
    RUN(test_base64_rfc4648);
    RUN(test_marker_ignores_order_and_sees_content);
    RUN(test_payload_lines);
    return DONE();
}

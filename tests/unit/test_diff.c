/* Unit tests for lib/diff: expected hunks are GNU diff -u's output for the same texts. */
#include "lib/diff.h"

#include "tests/unit/check.h"

static void
check_diff(const char *a, const char *b, const char *want)
{
    struct buf out = BUF_INIT;

    diff_unified(&out, "f", a, a ? strlen(a) : 0, b, strlen(b));
    CHECK_STREQ(out.buf, want);
    buf_release(&out);
}

static void
test_two_hunks_and_missing_newline(void)
{
    check_diff("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n", "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\nl",
               "--- a/f\n+++ b/f\n"
               "@@ -1,7 +1,7 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n"
               "@@ -9,3 +9,4 @@\n i\n j\n k\n+l\n\\ No newline at end of file\n");
}

static void
test_equal_is_empty_and_new_file(void)
{
    check_diff("x\ny\n", "x\ny\n", "");
    check_diff(NULL, "x\n", "--- /dev/null\n+++ b/f\n@@ -0,0 +1 @@\n+x\n");
    check_diff("x\n", "", "--- a/f\n+++ b/f\n@@ -1 +0,0 @@\n-x\n");
}

static void
test_insert_in_front_matter(void)
{
    check_diff("---\nlicense: mit\n---\n# T\n", "---\nlicense: mit\nmodel-index:\n- name: m\n---\n# T\n",
               "--- a/f\n+++ b/f\n@@ -1,4 +1,6 @@\n ---\n license: mit\n+model-index:\n+- name: m\n"
               " ---\n # T\n");
}

int
main(void)
{
    RUN(test_two_hunks_and_missing_newline);
    RUN(test_equal_is_empty_and_new_file);
    RUN(test_insert_in_front_matter);
    return DONE();
}

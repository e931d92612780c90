/* Unit tests for lib/sha against FIPS 180 examples and git's blob ids (known constants). */
#include "lib/sha.h"

#include "tests/unit/check.h"

static void
test_sha256_vectors(void)
{
    struct sha256 s;
    char hex[65];
    static char million[1000000];

    sha256_init(&s);
    sha256_hex(&s, hex);
    CHECK_STREQ(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_init(&s);
    sha256_update(&s, "abc", 3);
    sha256_hex(&s, hex);
    CHECK_STREQ(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256_init(&s);
    sha256_update(&s, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56);
    sha256_hex(&s, hex);
    CHECK_STREQ(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    memset(million, 'a', sizeof(million));
    sha256_init(&s);
    for (int i = 0; i < 10; i++) /* split updates across block boundaries */
        sha256_update(&s, million + i * 100000, 100000);
    sha256_hex(&s, hex);
    CHECK_STREQ(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void
test_sha1_and_git_blob(void)
{
    struct sha1 s;
    char hex[41];

    sha1_init(&s);
    sha1_update(&s, "abc", 3);
    sha1_hex(&s, hex);
    CHECK_STREQ(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
    /* `git hash-object` of an empty file and of "hello world\n" */
    sha1_git_blob("", 0, hex);
    CHECK_STREQ(hex, "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    sha1_git_blob("hello world\n", 12, hex);
    CHECK_STREQ(hex, "3b18e512dba79e4c8300dd08aeb37f8e728b8dad");
}

int
main(void)
{
    RUN(test_sha256_vectors);
    RUN(test_sha1_and_git_blob);
    return DONE();
}

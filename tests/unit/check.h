/*
 * check.h — the unit-test harness: CHECK() records a failure with file:line,
 * RUN() prints one TAP line per test function, DONE() prints the plan.
 */
#ifndef EVALPIPE_CHECK_H
#define EVALPIPE_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failed, check_num;

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);           \
            check_failed++;                                                                    \
        }                                                                                      \
    } while (0)

#define CHECK_STREQ(a, b)                                                                      \
    do {                                                                                       \
        const char *a_ = (a), *b_ = (b);                                                       \
        if (!a_ || !b_ || strcmp(a_, b_)) {                                                    \
            fprintf(stderr, "%s:%d: CHECK_STREQ(%s, %s) failed: '%s' != '%s'\n", __FILE__,     \
                    __LINE__, #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");                 \
            check_failed++;                                                                    \
        }                                                                                      \
    } while (0)

#define CHECK_MEMEQ(a, alen, b, blen)                                                          \
    do {                                                                                       \
        size_t al_ = (alen), bl_ = (blen);                                                     \
        if (al_ != bl_ || memcmp((a), (b), al_)) {                                             \
            fprintf(stderr, "%s:%d: CHECK_MEMEQ(%s, %s) failed (%zu vs %zu bytes)\n",          \
                    __FILE__, __LINE__, #a, #b, al_, bl_);                                     \
            check_failed++;                                                                    \
        }                                                                                      \
    } while (0)

#define RUN(fn)                                                                                \
    do {                                                                                       \
        int before_ = check_failed;                                                            \
        fn();                                                                                  \
        printf("%s %d - %s\n", check_failed == before_ ? "ok" : "not ok", ++check_num, #fn);   \
        fflush(stdout);                                                                        \
    } while (0)

#define DONE() (printf("1..%d\n", check_num), check_failed ? 1 : 0)

#endif

/*
 * msg — program name, diagnostics and exit codes shared by every filter.
 *
 * Every message is one line on stderr, "PROG: TEXT", written with a single
 * write(2) so that lines from concurrent writers never interleave. lib/ code
 * reports with error() and returns -1; only filters call die().
 */
#ifndef EVALPIPE_MSG_H
#define EVALPIPE_MSG_H

#include <stdarg.h>
#include <stddef.h>

/* The exit status convention of every filter (DESIGN "Errors"). */
enum { RC_OK = 0, RC_PARTIAL = 1, RC_FATAL = 2 };

/* Message room for lib functions that let the caller decide (jansson's json_error_t). */
struct ep_err {
    char msg[512];
};

/* Set the name used as the "PROG: " prefix (basename of argv0). Call first in main(). */
void msg_init(const char *argv0);

/* The program name set by msg_init(), "evalpipe" before that. */
const char *msg_prog(void);

/* Verbosity: 0 = normal, -1 = quiet (warnings hidden), 1+ = info() shown. */
void msg_set_verbosity(int level);
int msg_verbosity(void);

/* Print "PROG: MESSAGE" on stderr and return -1 (git's error()). */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "PROG: warning: MESSAGE" unless quiet. */
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "PROG: MESSAGE" only at verbosity >= 1. */
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "PROG: MESSAGE" and exit with RC_FATAL. For filters only. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Print the usage text (it starts with "usage:") on stderr and exit RC_FATAL. */
void usage_die(const char *usage) __attribute__((noreturn));

/* The usage text, then "PROG: MESSAGE", on stderr; exit RC_FATAL. */
void usage_error(const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* Print "PROG: BUG: FILE:LINE: MESSAGE" and abort(). Use through BUG(). */
void bug_fl(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));
#define BUG(...) bug_fl(__FILE__, __LINE__, __VA_ARGS__)

/* Fill err with a formatted message and return -1. */
int ep_err_set(struct ep_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * After a failed write with errno EPIPE, die of SIGPIPE silently (status 141,
 * no message), as if SIGPIPE had not been ignored (git's check_pipe()).
 * Returns when errno is anything else.
 */
void check_pipe(int err);

#endif

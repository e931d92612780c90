/*
 * msg — diagnostics: one line per message, written with one write(2).
 */
#include "lib/msg.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *prog = "evalpipe";
static int verbosity;

void
msg_init(const char *argv0)
{
    const char *slash;

    if (!argv0 || !*argv0)
        return;
    slash = strrchr(argv0, '/');
    prog = slash ? slash + 1 : argv0;
}

const char *
msg_prog(void)
{
    return prog;
}

void
msg_set_verbosity(int level)
{
    verbosity = level;
}

int
msg_verbosity(void)
{
    return verbosity;
}

/* Format "PROG: [PREFIX]MESSAGE\n" into one buffer and write it at once. */
static void
vreport(const char *prefix, const char *fmt, va_list ap)
{
    char line[4096];
    int n, m;
    size_t len;

    n = snprintf(line, sizeof(line), "%s: %s", prog, prefix);
    if (n < 0 || (size_t)n >= sizeof(line))
        n = 0;
    m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    if (m < 0)
        m = 0;
    len = (size_t)n + (size_t)m;
    if (len > sizeof(line) - 2) {
        len = sizeof(line) - 5;
        memcpy(line + len, "...", 3);
        len += 3;
    }
    /* One line per message: embedded newlines would break line-oriented logs. */
    for (size_t i = 0; i < len; i++)
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' ';
    line[len++] = '\n';
    for (size_t off = 0; off < len;) {
        ssize_t w = write(STDERR_FILENO, line + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
}

int
error(const char *fmt, ...)
{
    va_list ap;
    int saved = errno;

    va_start(ap, fmt);
    vreport("", fmt, ap);
    va_end(ap);
    errno = saved;
    return -1;
}

void
warning(const char *fmt, ...)
{
    va_list ap;

    if (verbosity < 0)
        return;
    va_start(ap, fmt);
    vreport("warning: ", fmt, ap);
    va_end(ap);
}

void
info(const char *fmt, ...)
{
    va_list ap;

    if (verbosity < 1)
        return;
    va_start(ap, fmt);
    vreport("", fmt, ap);
    va_end(ap);
}

void
die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("", fmt, ap);
    va_end(ap);
    exit(RC_FATAL);
}

void
usage_die(const char *usage)
{
    fputs(usage, stderr);
    exit(RC_FATAL);
}

void
usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;

    fputs(usage, stderr);
    fflush(stderr);
    va_start(ap, fmt);
    vreport("", fmt, ap);
    va_end(ap);
    exit(RC_FATAL);
}

void
bug_fl(const char *file, int line, const char *fmt, ...)
{
    char where[512];
    va_list ap;

    snprintf(where, sizeof(where), "BUG: %s:%d: ", file, line);
    va_start(ap, fmt);
    vreport(where, fmt, ap);
    va_end(ap);
    abort();
}

int
ep_err_set(struct ep_err *err, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return -1;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return -1;
}

void
check_pipe(int err)
{
    if (err != EPIPE)
        return;
    signal(SIGPIPE, SIG_DFL);
    raise(SIGPIPE);
    /* SIGPIPE blocked: still leave with the status a shell expects. */
    exit(128 + SIGPIPE);
}

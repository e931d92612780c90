/*
 * cli — shared option handling for filters.
 */
#include "lib/cli.h"

#include <stdio.h>
#include <stdlib.h>

#include "lib/msg.h"
#include "lib/num.h"

bool
cli_common(int c, const char *usage)
{
    switch (c) {
    case 'h':
        fputs(usage, stdout);
        exit(fflush(stdout) == 0 ? RC_OK : RC_FATAL);
    case 'V':
        printf("%s (evalpipe) %s\n", msg_prog(), EVALPIPE_VERSION);
        exit(fflush(stdout) == 0 ? RC_OK : RC_FATAL);
    case 'v':
        msg_set_verbosity(msg_verbosity() + 1);
        return true;
    case 'q':
        msg_set_verbosity(-1);
        return true;
    default:
        return false;
    }
}

void
cli_bad_option(const char *usage, char **argv)
{
    if (optopt && optopt != '?' && optopt < 256)
        usage_error(usage, "option '-%c' is unknown or needs a value", optopt);
    usage_error(usage, "unknown option '%s' (or it needs a value)", argv[optind - 1]);
}

long
cli_num(const char *usage, const char *name, const char *s, long min, long max)
{
    long v;

    if (parse_long(s, min, max, &v) < 0)
        usage_error(usage, "invalid %s '%s' (expected %ld..%ld)", name, s, min, max);
    return v;
}

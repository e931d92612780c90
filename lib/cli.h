/*
 * cli — the options every filter shares: -h/--help (usage on stdout, status
 * 0), -V/--version ("PROG (evalpipe) X.Y.Z"), -v/--verbose, -q/--quiet, and
 * the message for an option getopt did not know.
 *
 *   while ((c = getopt_long(argc, argv, CLI_SHORT "j:", longopts, NULL)) != -1)
 *       if (!cli_common(c, usage_text)) switch (c) { ... default: cli_bad_option(usage_text, argv); }
 */
#ifndef EVALPIPE_CLI_H
#define EVALPIPE_CLI_H

#include <getopt.h>
#include <stdbool.h>

#define CLI_SHORT "hVvq"
#define CLI_LONGOPTS                                                                           \
    { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },                  \
        { "verbose", no_argument, NULL, 'v' }, { "quiet", no_argument, NULL, 'q' }

/* Handle c if it is a shared option (help and version exit); false otherwise. */
bool cli_common(int c, const char *usage);

/* A number option's value, range-checked; a bad one is a usage error (status 2). */
long cli_num(const char *usage, const char *name, const char *s, long min, long max);

/* Usage, then "PROG: unknown option 'X'" (or "option 'X' needs a value"); exits 2. */
void cli_bad_option(const char *usage, char **argv) __attribute__((noreturn));

#endif

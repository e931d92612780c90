/*
 * num — strict number parsing and the one number formatter.
 *
 * parse_* accept the whole string or nothing (sbase's estrtonum): no
 * leading/trailing junk, no empty string, range-checked. num_fmt() prints a
 * double the way every record and YAML file of evalpipe does: the shortest of
 * %.15g..%.17g that reads back to the same value, so 71.3 prints as 71.3.
 */
#ifndef EVALPIPE_NUM_H
#define EVALPIPE_NUM_H

#include <stdbool.h>
#include <stddef.h>

/* 0 and *out set on success; -1 (errno EINVAL or ERANGE) otherwise. */
int parse_long(const char *s, long min, long max, long *out);
int parse_double(const char *s, double *out);

/* Format v into out (at least NUM_FMT_MAX bytes); returns out. NaN/inf print as nan/inf. */
#define NUM_FMT_MAX 32
char *num_fmt(double v, char *out);

#endif

/*
 * num — strict parse_long/parse_double and num_fmt.
 */
#include "lib/num.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int
parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    if (!s || !*s || (*s == ' ' || *s == '\t' || *s == '\n')) {
        errno = EINVAL;
        return -1;
    }
    errno = 0;
    v = strtol(s, &end, 10);
    if (*end) {
        errno = EINVAL;
        return -1;
    }
    if (errno == ERANGE || v < min || v > max) {
        errno = ERANGE;
        return -1;
    }
    *out = v;
    return 0;
}

int
parse_double(const char *s, double *out)
{
    char *end;
    double v;

    if (!s || !*s || (*s == ' ' || *s == '\t' || *s == '\n')) {
        errno = EINVAL;
        return -1;
    }
    errno = 0;
    v = strtod(s, &end);
    if (*end) {
        errno = EINVAL;
        return -1;
    }
    if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL)) {
        errno = ERANGE;
        return -1;
    }
    errno = 0;
    *out = v;
    return 0;
}

char *
num_fmt(double v, char *out)
{
    if (isnan(v)) {
        snprintf(out, NUM_FMT_MAX, "nan");
        return out;
    }
    if (isinf(v)) {
        snprintf(out, NUM_FMT_MAX, v < 0 ? "-inf" : "inf");
        return out;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, NUM_FMT_MAX, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            break;
    }
    return out;
}

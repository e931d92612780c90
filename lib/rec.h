/*
 * rec — record helpers: kind and typed getters, building records, and the
 * error path every filter shares (an `error` record on stdout plus one line
 * on stderr).
 *
 * Getters return borrowed values (NULL when missing or of another type).
 * Builders return new references.
 */
#ifndef EVALPIPE_REC_H
#define EVALPIPE_REC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The "kind" of a record, or "" when absent. */
const char *rec_kind(const json_t *rec);
bool rec_is(const json_t *rec, const char *kind);

/* obj[key] as a string / integer; NULL / `def` when missing or another type. */
const char *rec_str(const json_t *obj, const char *key);
long long rec_int(const json_t *obj, const char *key, long long def);

/* Set obj[key] to a new value; NULL values and NULL strings set JSON null. Dies on OOM. */
void rec_set(json_t *obj, const char *key, json_t *value);
void rec_set_str(json_t *obj, const char *key, const char *s);
void rec_set_strn(json_t *obj, const char *key, const char *s, size_t len);
void rec_set_int(json_t *obj, const char *key, long long v);

/* A new object {"kind": kind}. */
json_t *rec_new(const char *kind);

/* Where a failure happened: any field may be NULL/0. */
struct rec_where {
    const char *repo;
    const char *file;
    size_t line;
};

/*
 * Report one failed record: emit {"kind":"error","tool":PROG,"repo":…,
 * "file":…,"line":…,"message":…} on stdout and print "PROG: REPO: MESSAGE"
 * on stderr (or "PROG: FILE:LINE: MESSAGE" when there is no repo). Extra
 * fields from `extra` (may be NULL, not consumed) are added to the record.
 */
void rec_error(const struct rec_where *where, const json_t *extra, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * The same error record, returned (new reference) instead of written, for
 * filters that write records in input order; the stderr line is printed now.
 */
json_t *rec_error_new(const struct rec_where *where, const json_t *extra, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif

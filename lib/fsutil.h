/*
 * fsutil — small file-system chores done the same way everywhere: read a
 * whole file, read the first line of a small one, write a file atomically
 * (temporary name + rename, so readers never see half a file), mkdir -p.
 */
#ifndef EVALPIPE_FSUTIL_H
#define EVALPIPE_FSUTIL_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/msg.h"

/* Append the file's bytes to out. 0, or -1 with err ("cannot open 'x': ..."). */
int fs_read_file(const char *path, struct buf *out, struct ep_err *err);

/* The first line of a small file (without its line end) into line[size]; 0 or -1. */
int fs_first_line(const char *path, char *line, size_t size);

/* Write data to path through path.tmp.PID and rename(2). 0 or -1 with err. */
int fs_write_atomic(const char *path, const char *data, size_t len, struct ep_err *err);

/* mkdir -p dir (mode 0755). 0 or -1 with err. */
int fs_mkdirs(const char *dir, struct ep_err *err);

#endif

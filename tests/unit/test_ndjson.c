/* Unit tests for lib/ndjson: line numbers, bad lines, caps, and the writer's format. */
#include "lib/ndjson.h"

#include <stdlib.h>
#include <unistd.h>

#include "tests/unit/check.h"

/* Write `text` to a temporary file and open a reader on it. */
static char *
open_text(struct ndjson_reader *r, const char *text, size_t len)
{
    char tmpl[] = "/tmp/ndjson-test-XXXXXX";
    int fd = mkstemp(tmpl);
    struct ep_err err;

    if (fd < 0 || write(fd, text, len) != (ssize_t)len)
        abort();
    close(fd);
    if (ndjson_reader_open(r, tmpl, &err) < 0)
        abort();
    return strdup(tmpl);
}

static void
finish(struct ndjson_reader *r, char *path)
{
    ndjson_reader_release(r);
    unlink(path);
    free(path);
}

static void
test_records_and_bad_lines(void)
{
    static const char text[] = "{\"kind\":\"a\",\"x\":1}\n"
                               "\n"
                               "not json\n"
                               "[1,2]\n"
                               "{\"x\":1}\n"
                               "{\"kind\":\"b\"}\r\n"
                               "{\"kind\":\"c\",\"kind\":\"d\"}\n"
                               "{\"kind\":\"e\"}";
    struct ndjson_reader r;
    struct ep_err err;
    char *path = open_text(&r, text, sizeof(text) - 1);
    json_t *rec;

    CHECK(ndjson_next(&r, &rec, &err) == NDJSON_OK);
    CHECK_STREQ(json_string_value(json_object_get(rec, "kind")), "a");
    CHECK(r.lineno == 1);
    json_decref(rec);

    CHECK(ndjson_next(&r, &rec, &err) == NDJSON_BAD);
    CHECK(rec == NULL);
    CHECK(r.lineno == 3);
    CHECK(strstr(err.msg, ":3: invalid JSON") != NULL);

    CHECK(ndjson_next(&r, &rec, &err) == NDJSON_BAD);
    CHECK(strstr(err.msg, ":4: record is not a JSON object") != NULL);
    CHECK(ndjson_next(&r, &rec, &err) == NDJSON_BAD);
    CHECK(strstr(err.msg, ":5: record has no string \"kind\"") != NULL);

    CHECK(ndjson_next(&r, &rec, &err) == NDJSON_OK); /* CRLF line */
    CHECK_STREQ(json_string_value(json_object_get(rec, "kind")), "b");
    json_decref(rec);

    CHECK(ndjson_next(&r, &rec, &err) == NDJSON_BAD); /* duplicate key */
    CHECK(r.lineno == 7);

    CHECK(ndjson_next(&r, &rec, &err) == NDJSON_OK); /* no final newline */
    CHECK_STREQ(json_string_value(json_object_get(rec, "kind")), "e");
    CHECK(r.lineno == 8);
    json_decref(rec);
    CHECK(ndjson_next(&r, &rec, &err) == NDJSON_EOF);
    CHECK(ndjson_next(&r, &rec, &err) == NDJSON_EOF);
    finish(&r, path);
}

static void
test_line_cap(void)
{
    struct buf text = BUF_INIT;
    struct ndjson_reader r;
    struct ep_err err;
    const char *line;
    size_t len;
    char *path;

    buf_addstr(&text, "{\"kind\":\"short\"}\n{\"kind\":\"");
    for (int i = 0; i < 300000; i++)
        buf_addch(&text, 'x');
    buf_addstr(&text, "\"}\n{\"kind\":\"after\"}\n");
    path = open_text(&r, text.buf, text.len);
    r.max_line = 1000;

    CHECK(ndjson_next_line(&r, &line, &len, &err) == NDJSON_OK);
    CHECK(ndjson_next_line(&r, &line, &len, &err) == NDJSON_BAD);
    CHECK(strstr(err.msg, ":2: line longer than 1000 bytes") != NULL);
    CHECK(ndjson_next_line(&r, &line, &len, &err) == NDJSON_OK);
    CHECK_STREQ(line, "{\"kind\":\"after\"}");
    CHECK(r.lineno == 3);
    CHECK(ndjson_next_line(&r, &line, &len, &err) == NDJSON_EOF);
    /* The skipped line was never held whole: the buffer stayed small. */
    CHECK(r.in.alloc < 200000);
    finish(&r, path);
    buf_release(&text);
}

static void
test_missing_file(void)
{
    struct ndjson_reader r;
    struct ep_err err;

    CHECK(ndjson_reader_open(&r, "/nonexistent/x.ndjson", &err) == -1);
    CHECK(strstr(err.msg, "cannot open '/nonexistent/x.ndjson'") != NULL);
}

static void
test_dump_format(void)
{
    static const char in[] = "{\"kind\":\"score\",\"z\":1,\"a\":71.3,\"f\":2.0,\"s\":\"tab\\t\\u0001 \\u00e9\","
                             "\"n\":null,\"b\":[true,false],\"e\":1e-7}";
    static const char want[] = "{\"kind\":\"score\",\"z\":1,\"a\":71.3,\"f\":2.0,\"s\":\"tab\\t\\u0001 \xc3\xa9\","
                               "\"n\":null,\"b\":[true,false],\"e\":1e-07}";
    struct buf out = BUF_INIT;
    struct ep_err err;
    json_t *v = ndjson_parse(in, sizeof(in) - 1, &err);

    CHECK(v != NULL);
    ndjson_dump(&out, v);
    CHECK_STREQ(out.buf, want);
    json_decref(v);
    /* and what it writes reads back identically */
    v = ndjson_parse(out.buf, out.len, &err);
    CHECK(v != NULL);
    json_decref(v);
    buf_release(&out);
}

int
main(void)
{
    RUN(test_records_and_bad_lines);
    RUN(test_line_cap);
    RUN(test_missing_file);
    RUN(test_dump_format);
    return DONE();
}

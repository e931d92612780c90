/*
 * mkcard — a test tool: turn README files into `card` records the way
 * DESIGN describes them (front_matter + body = the file byte for byte,
 * metadata parsed by lib/yamlin, metadata_error when it does not parse), so
 * filter tests can start from plain README fixtures.
 *
 *   mkcard [-r repo] [-R revision] file.md ...
 *
 * The repo defaults to "test/NAME" for NAME.md.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/frontmatter.h"
#include "lib/msg.h"
#include "lib/ndjson.h"
#include "lib/rec.h"
#include "lib/xalloc.h"
#include "lib/yamlin.h"

static int
read_file(const char *path, struct buf *out)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t n;

    if (!f)
        return -1;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_add(out, chunk, n);
    fclose(f);
    return 0;
}

static void
put_card(const char *path, const char *repo, const char *revision)
{
    struct buf text = BUF_INIT, name = BUF_INIT;
    struct frontmatter fm;
    struct ep_err err;
    json_t *card = rec_new("card"), *meta = NULL;
    const char *base = strrchr(path, '/');

    if (read_file(path, &text) < 0)
        die("cannot open '%s'", path);
    base = base ? base + 1 : path;
    buf_addf(&name, "test/%.*s", (int)(strcspn(base, ".")), base);
    frontmatter_split(text.buf, text.len, &fm);
    rec_set_str(card, "repo", repo ? repo : name.buf);
    rec_set_str(card, "type", "model");
    rec_set_str(card, "revision", revision);
    rec_set_str(card, "path", "README.md");
    if (fm.found) {
        rec_set_strn(card, "front_matter", text.buf, fm.block_len);
        meta = yamlin_parse(text.buf + fm.yaml_off, fm.yaml_len, &err);
        if (meta && json_is_null(meta)) {
            json_decref(meta);
            meta = json_object();
        }
        rec_set(card, "metadata", meta);
        if (!meta)
            rec_set_str(card, "metadata_error", err.msg);
    } else {
        rec_set(card, "front_matter", NULL);
        rec_set(card, "metadata", NULL);
    }
    rec_set_strn(card, "body", text.buf + fm.block_len, text.len - fm.block_len);
    ndjson_put(card);
    json_decref(card);
    buf_release(&text);
    buf_release(&name);
}

int
main(int argc, char **argv)
{
    const char *repo = NULL, *revision = "0123456789abcdef0123456789abcdef01234567";
    int c;

    msg_init(argv[0]);
    while ((c = getopt(argc, argv, "r:R:")) != -1) {
        if (c == 'r')
            repo = optarg;
        else if (c == 'R')
            revision = optarg;
        else
            usage_die("usage: mkcard [-r repo] [-R revision] file.md ...\n");
    }
    for (int i = optind; i < argc; i++)
        put_card(argv[i], repo, revision);
    ndjson_close_stdout();
    return 0;
}

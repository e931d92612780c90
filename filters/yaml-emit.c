/*
 * yaml-emit — render metadata as the files the Hub stores.
 *
 * README mode (the default) reads `card` records and writes one `file`
 * record per card: README.md with only its front matter's model-index
 * rewritten to what the card's metadata says (added, or a front matter
 * created, when there was none); every other byte is kept. Community Evals
 * mode (-e) reads `score` records and writes one `file` record per repo and
 * benchmark, `.eval_results/<benchmark>.yaml`. With -p, or when stdout is a
 * terminal, the YAML itself is printed instead. Every record this mode does
 * not consume passes through, in order.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/buf.h"
#include "lib/card.h"
#include "lib/cli.h"
#include "lib/frontmatter.h"
#include "lib/input.h"
#include "lib/modelindex.h"
#include "lib/msg.h"
#include "lib/ndjson.h"
#include "lib/rec.h"
#include "lib/xalloc.h"
#include "lib/yamledit.h"
#include "lib/yamlin.h"
#include "lib/yamlout.h"

#define USAGE                                                                                  \
    "usage: yaml-emit [-ehpqRVv] [-d date] [-m metric] [-N notes] [-t dataset[:config]=task] " \
    "[file ...]\n"

static const char usage_text[] = USAGE;

/* One -t mapping: DATASET[:CONFIG]=TASK. */
struct task_map {
    char *dataset, *config, *task;
};

struct opts {
    bool eval_results; /* -e */
    int preview;       /* -p: 1, -R: 0, neither: -1 (a terminal previews) */
    const char *date, *notes, *metric;
    struct task_map *maps;
    size_t nmaps, alloc_maps;
};
#define OPTS_INIT     \
    {                 \
        .preview = -1 \
    }

struct ctx {
    struct opts o;
    char *repo;     /* -e: the repo whose scores are being gathered */
    char *revision; /* its card's revision, when one passed by */
    char *type;     /* its card's repo type */
    json_t *scores; /* its scores */
    int rc;
};

/* ------------------------------------------------------------ options */

static const char help_text[] =
    USAGE "\nWrite card metadata as README.md (model-index) or .eval_results/*.yaml files.\n\n"
          "  -e, --eval-results     score records to .eval_results/<benchmark>.yaml files\n"
          "  -p, --preview          print the YAML instead of file records\n"
          "  -R, --records          file records even when stdout is a terminal\n"
          "  -t, --task-id MAP      task_id of a benchmark: DATASET=TASK or\n"
          "                         DATASET:CONFIG=TASK (repeatable)\n"
          "  -m, --metric TYPE      -e: only scores whose metric.type is TYPE\n"
          "  -d, --date DATE        -e: the date of every entry (ISO 8601)\n"
          "  -N, --notes TEXT       -e: the notes of every entry\n"
          "  -q, --quiet            no warnings\n"
          "  -v, --verbose          say more on stderr\n"
          "  -h, --help             this help\n"
          "  -V, --version          print the version\n";

/* DATASET[:CONFIG]=TASK (the dataset id has a '/', the config no '='). */
static void
add_task_map(struct opts *o, const char *arg)
{
    const char *eq = strrchr(arg, '='), *colon;
    struct task_map *m;

    if (!eq || eq == arg || !eq[1])
        usage_error(usage_text, "-t wants DATASET=TASK or DATASET:CONFIG=TASK, not '%s'", arg);
    colon = memchr(arg, ':', (size_t)(eq - arg));
    ALLOC_GROW(o->maps, o->nmaps + 1, o->alloc_maps);
    m = &o->maps[o->nmaps++];
    m->dataset = xstrndup(arg, (size_t)((colon ? colon : eq) - arg));
    m->config = colon ? xstrndup(colon + 1, (size_t)(eq - colon - 1)) : NULL;
    m->task = xstrdup(eq + 1);
}

static void
release_opts(struct opts *o)
{
    for (size_t i = 0; i < o->nmaps; i++) {
        free(o->maps[i].dataset);
        free(o->maps[i].config);
        free(o->maps[i].task);
    }
    free(o->maps);
}

static int
parse_args(struct opts *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "eval-results", no_argument, NULL, 'e' },
        { "preview", no_argument, NULL, 'p' },
        { "records", no_argument, NULL, 'R' },
        { "task-id", required_argument, NULL, 't' },
        { "metric", required_argument, NULL, 'm' },
        { "date", required_argument, NULL, 'd' },
        { "notes", required_argument, NULL, 'N' },
        CLI_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, CLI_SHORT "epRt:m:d:N:", longopts, NULL)) != -1) {
        if (cli_common(c, help_text))
            continue;
        switch (c) {
        case 'e':
            o->eval_results = true;
            break;
        case 'p':
            o->preview = 1;
            break;
        case 'R':
            o->preview = 0;
            break;
        case 't':
            add_task_map(o, optarg);
            break;
        case 'm':
            o->metric = optarg;
            break;
        case 'd':
            o->date = optarg;
            break;
        case 'N':
            o->notes = optarg;
            break;
        default:
            cli_bad_option(usage_text, argv);
        }
    }
    if (o->preview < 0)
        o->preview = isatty(STDOUT_FILENO);
    return optind;
}

/* ------------------------------------------------------------ output */

/*
 * Write a `file` record, or with --preview a comment line and the YAML: the
 * first `yaml_len` bytes of the text (a README's front matter).
 */
static void
put_file(const struct ctx *c, const char *repo, const char *type, const char *path,
         const char *base, bool changed, const char *text, size_t len, size_t yaml_len)
{
    json_t *rec;

    if (c->o.preview) {
        struct buf head = BUF_INIT;

        buf_addf(&head, "# %s: %s%s", repo, path, changed ? "" : " (unchanged)");
        ndjson_put_raw(head.buf, head.len);
        buf_release(&head);
        if (yaml_len && text[yaml_len - 1] == '\n')
            yaml_len--;
        if (yaml_len && text[yaml_len - 1] == '\r')
            yaml_len--;
        if (yaml_len)
            ndjson_put_raw(text, yaml_len);
        return;
    }
    rec = rec_new("file");
    rec_set_str(rec, "repo", repo);
    rec_set_str(rec, "type", type ? type : "model");
    rec_set_str(rec, "path", path);
    rec_set_str(rec, "base_revision", base);
    rec_set(rec, "changed", json_boolean(changed));
    rec_set_strn(rec, "content", text, len);
    ndjson_put(rec);
    json_decref(rec);
}

/* ------------------------------------------------------------ README mode */

/*
 * The README with its model-index set to mi: edit the YAML between the
 * fences, or put a new front matter in front. Returns 1 (changed), 0, or -1.
 */
static int
rewrite_readme(struct buf *out, const char *text, size_t len, const json_t *mi, struct ep_err *err)
{
    struct frontmatter fm, check;
    struct buf yaml = BUF_INIT;
    const char *eol = frontmatter_eol(text, len);
    int rc;

    frontmatter_split(text, len, &fm);
    if (fm.found)
        rc = yamledit_set(&yaml, text + fm.yaml_off, fm.yaml_len, "model-index", mi, eol, err);
    else
        rc = yamledit_set(&yaml, "", 0, "model-index", mi, eol, err);
    if (rc <= 0) {
        if (rc == 0)
            buf_add(out, text, len);
        buf_release(&yaml);
        return rc;
    }
    if (fm.found) {
        buf_add(out, text, fm.yaml_off);
        buf_add(out, yaml.buf, yaml.len);
        buf_add(out, text + fm.yaml_off + fm.yaml_len, len - fm.yaml_off - fm.yaml_len);
    } else {
        buf_addstr(&yaml, eol);
        frontmatter_replace(out, text, len, yaml.buf, yaml.len);
        buf_setlen(&yaml, yaml.len - strlen(eol));
    }
    /* the Hub must find the same front matter: nothing in the new YAML may close it */
    frontmatter_split(out->buf, out->len, &check);
    if (!check.found || check.yaml_len != yaml.len ||
        memcmp(out->buf + check.yaml_off, yaml.buf, yaml.len)) {
        buf_reset(out);
        rc = ep_err_set(err, "the new YAML would change where the front matter ends");
    }
    buf_release(&yaml);
    return rc;
}

static void
process_card(struct ctx *c, const json_t *card, const struct input *in)
{
    const char *repo = rec_str(card, "repo"), *body = rec_str(card, "body");
    const json_t *mi;
    const char *why;
    struct rec_where w = { repo, NULL, input_line(in) };
    struct buf text = BUF_INIT, out = BUF_INIT;
    struct ep_err err;
    int rc;

    if (!repo) {
        rec_error(&w, NULL, "%s:%zu: card record has no \"repo\"", input_name(in), input_line(in));
        c->rc = RC_PARTIAL;
        return;
    }
    if (!body) {
        rec_error(&w, NULL, "card record has no \"body\"");
        c->rc = RC_PARTIAL;
        return;
    }
    mi = json_object_get(mi_card_metadata(card, &why), "model-index");
    if (why) {
        rec_error(&w, NULL, "card metadata does not parse (%s); README not rewritten", why);
        c->rc = RC_PARTIAL;
        return;
    }
    card_text(card, &text);
    if (mi) {
        rc = rewrite_readme(&out, text.buf, text.len, mi, &err);
    } else {
        buf_add(&out, text.buf, text.len);
        rc = 0;
    }
    if (rc < 0) {
        rec_error(&w, NULL, "cannot rewrite model-index in '%s': %s",
                  rec_str(card, "path") ? rec_str(card, "path") : "README.md", err.msg);
        c->rc = RC_PARTIAL;
    } else {
        struct frontmatter block;

        frontmatter_split(out.buf, out.len, &block);
        put_file(c, repo, rec_str(card, "type"),
                 rec_str(card, "path") ? rec_str(card, "path") : "README.md",
                 rec_str(card, "revision"), rc == 1, out.buf, out.len, block.block_len);
    }
    buf_release(&text);
    buf_release(&out);
}

/* ------------------------------------------------------------ Community Evals mode */

static const char *
str_at(const json_t *obj, const char *k1, const char *k2)
{
    const json_t *v = json_object_get(obj, k1);

    return json_string_value(k2 ? json_object_get(v, k2) : v);
}

/* The benchmark's task_id: a -t mapping, dataset.task_id, dataset.config, or "default". */
static const char *
task_id(const struct opts *o, const json_t *score)
{
    const char *id = str_at(score, "dataset", "type"), *config = str_at(score, "dataset", "config");
    const char *best = NULL;

    for (size_t i = 0; i < o->nmaps; i++) {
        const struct task_map *m = &o->maps[i];

        if (strcmp(m->dataset, id))
            continue;
        if (m->config && config && !strcmp(m->config, config))
            return m->task;
        if (!m->config && !best)
            best = m->task;
    }
    if (best)
        return best;
    if (str_at(score, "dataset", "task_id"))
        return str_at(score, "dataset", "task_id");
    return config ? config : "default";
}

/* One .eval_results entry, keys in huggingface_hub's order; NULL with err when impossible. */
static json_t *
eval_entry(const struct opts *o, const json_t *score, struct ep_err *err)
{
    const json_t *value = json_object_get(json_object_get(score, "metric"), "value");
    const char *date = o->date ? o->date : str_at(score, "date", NULL);
    const char *notes = o->notes ? o->notes : str_at(score, "notes", NULL);
    const char *url = str_at(score, "source", "url");
    json_t *e, *ds;

    if (!str_at(score, "dataset", "type")) {
        ep_err_set(err, "score has no dataset.type");
        return NULL;
    }
    if (!json_is_number(value)) {
        ep_err_set(err, "score's metric.value is not a number");
        return NULL;
    }
    if (!date)
        date = str_at(score, "origin", "date");
    e = json_object();
    ds = json_object();
    rec_set_str(ds, "id", str_at(score, "dataset", "type"));
    rec_set_str(ds, "task_id", task_id(o, score));
    if (str_at(score, "dataset", "revision"))
        rec_set_str(ds, "revision", str_at(score, "dataset", "revision"));
    rec_set(e, "dataset", ds);
    rec_set(e, "value", json_deep_copy(value));
    if (str_at(score, "metric", "verifyToken"))
        rec_set_str(e, "verifyToken", str_at(score, "metric", "verifyToken"));
    if (date)
        rec_set_str(e, "date", date);
    if (url) { /* a source without its url is refused by the Hub */
        static const char *const keys[] = { "url", "name", "user", "org", NULL };
        json_t *src = json_object();

        for (size_t i = 0; keys[i]; i++)
            if (str_at(score, "source", keys[i]))
                rec_set_str(src, keys[i], str_at(score, "source", keys[i]));
        rec_set(e, "source", src);
    }
    if (notes)
        rec_set_str(e, "notes", notes);
    return e;
}

/* ".eval_results/NAME.yaml", NAME in lower case with all but [a-z0-9.] turned to '_'. */
static char *
eval_path(const char *name)
{
    struct buf b = BUF_INIT;

    buf_addstr(&b, ".eval_results/");
    for (; *name; name++) {
        char ch = *name >= 'A' && *name <= 'Z' ? (char)(*name - 'A' + 'a') : *name;

        buf_addch(&b, (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ? ch : '_');
    }
    buf_addstr(&b, ".yaml");
    return buf_detach(&b, NULL);
}

/*
 * The entries of the file for benchmark `dataset`, kept in files as path ->
 * {"dataset", "entries"} in first-seen order. The file is named after the
 * dataset's name; two benchmarks with one name get their namespace added.
 */
static json_t *
file_for(json_t *files, const char *dataset)
{
    const char *slash = strrchr(dataset, '/');
    char *path = eval_path(slash ? slash + 1 : dataset);
    json_t *f = json_object_get(files, path);

    if (f && strcmp(str_at(f, "dataset", NULL), dataset)) {
        free(path);
        path = eval_path(dataset);
        f = json_object_get(files, path);
    }
    if (!f) {
        f = json_pack("{s:s, s:[]}", "dataset", dataset, "entries");
        rec_set(files, path, f);
    }
    free(path);
    return json_object_get(f, "entries");
}

/* Is there an entry for the same benchmark task and notes already? */
static bool
duplicate(const json_t *entries, const json_t *e)
{
    size_t i;
    json_t *x;

    json_array_foreach(entries, i, x) {
        const json_t *n1 = json_object_get(x, "notes"), *n2 = json_object_get(e, "notes");

        if (json_equal(json_object_get(x, "dataset"), json_object_get(e, "dataset")) &&
            (n1 == n2 || json_equal(n1, n2)))
            return true;
    }
    return false;
}

/* Write the .eval_results files of the gathered repo. */
static void
flush_eval(struct ctx *c)
{
    struct yamlout_style st = YAMLOUT_STYLE_INIT;
    struct rec_where w = { c->repo, NULL, 0 };
    json_t *files = json_object(), *s, *f;
    const char *path;
    size_t i;

    json_array_foreach(c->scores, i, s) {
        struct ep_err err;
        json_t *e = eval_entry(&c->o, s, &err), *entries;

        if (!e) {
            rec_error(&w, NULL, "cannot write an .eval_results entry: %s", err.msg);
            c->rc = RC_PARTIAL;
            continue;
        }
        entries = file_for(files, str_at(e, "dataset", "id"));
        if (duplicate(entries, e))
            warning("%s: '%s' task '%s' has a value already; metric '%s' left out", c->repo,
                    str_at(e, "dataset", "id"), str_at(e, "dataset", "task_id"),
                    str_at(s, "metric", "type") ? str_at(s, "metric", "type") : "?");
        else
            json_array_append(entries, e);
        json_decref(e);
    }
    json_object_foreach(files, path, f) {
        struct buf text = BUF_INIT;
        struct ep_err err, perr;
        json_t *entries = json_object_get(f, "entries"), *back = NULL;

        if (yamlout_document(&text, entries, &st, &err) < 0 ||
            !(back = yamlin_parse(text.buf, text.len, &perr)) || !json_equal(back, entries)) {
            rec_error(&w, NULL, "cannot write '%s': %s", path,
                      back ? "it would not read back as written" : err.msg);
            c->rc = RC_PARTIAL;
        } else {
            put_file(c, c->repo, c->type, path, c->revision, true, text.buf, text.len, text.len);
        }
        json_decref(back);
        buf_release(&text);
    }
    json_decref(files);
}

static void
flush(struct ctx *c)
{
    if (c->repo && json_array_size(c->scores))
        flush_eval(c);
    free(c->repo);
    free(c->revision);
    free(c->type);
    c->repo = c->revision = c->type = NULL;
    json_array_clear(c->scores);
}

/*
 * -e: gather a repo's scores. Its card, or a file record made from the card,
 * passes through and lends the revision the files are based on.
 */
static void
gather(struct ctx *c, json_t *rec, const struct input *in)
{
    const char *repo = rec_str(rec, "repo");
    const char *metric = str_at(rec, "metric", "type");
    bool card = !rec_is(rec, "score");

    if (card)
        ndjson_put(rec);
    if (!repo) {
        struct rec_where w = { NULL, NULL, input_line(in) };

        if (!card) {
            rec_error(&w, NULL, "%s:%zu: score record has no \"repo\"", input_name(in),
                      input_line(in));
            c->rc = RC_PARTIAL;
        }
        return;
    }
    if (c->repo && strcmp(c->repo, repo))
        flush(c);
    if (!c->repo)
        c->repo = xstrdup(repo);
    if (card) {
        free(c->revision);
        free(c->type);
        const char *rev = rec_str(rec, rec_is(rec, "file") ? "base_revision" : "revision");

        c->revision = rev ? xstrdup(rev) : NULL;
        c->type = rec_str(rec, "type") ? xstrdup(rec_str(rec, "type")) : NULL;
    } else if (!c->o.metric || (metric && !strcmp(metric, c->o.metric))) {
        json_array_append(c->scores, rec);
    }
}

/* ------------------------------------------------------------ main */

static void
process(struct ctx *c, json_t *rec, const struct input *in)
{
    if (c->o.eval_results && (rec_is(rec, "score") || rec_is(rec, "card") || rec_is(rec, "file")))
        gather(c, rec, in);
    else if (!c->o.eval_results && rec_is(rec, "card"))
        process_card(c, rec, in);
    else
        ndjson_put(rec);
}

int
main(int argc, char **argv)
{
    struct ctx c = { .o = OPTS_INIT, .rc = RC_OK };
    struct input in;
    struct ep_err err;
    json_t *rec;
    int first, rc;

    msg_init(argv[0]);
    first = parse_args(&c.o, argc, argv);
    c.scores = json_array();
    input_init(&in, argv + first, (size_t)(argc - first));
    while ((rc = input_next(&in, &rec, &err)) == NDJSON_OK) {
        process(&c, rec, &in);
        json_decref(rec);
    }
    if (rc == NDJSON_IOERR)
        die("%s", err.msg);
    flush(&c);
    if (in.bad)
        c.rc = RC_PARTIAL;
    input_release(&in);
    json_decref(c.scores);
    release_opts(&c.o);
    ndjson_close_stdout();
    return c.rc;
}

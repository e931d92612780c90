/*
 * aa-import — scores from the Artificial Analysis data API.
 *
 * Fetches AA's LLM catalogue once per run (GET BASE/data/llms/models with
 * the key from AA_API_KEY in an x-api-key header) and writes one `score`
 * record per evaluation field of each requested model: models named with
 * -m, every pair of a --map file with --all-mapped, and `repo` records read
 * from the input (paired by their "aa_model" key or the --map file). A `repo`
 * record is passed through before its scores; every other record passes
 * through unchanged and in order. Null or missing fields are skipped.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "lib/bench.h"
#include "lib/buf.h"
#include "lib/cli.h"
#include "lib/http.h"
#include "lib/input.h"
#include "lib/msg.h"
#include "lib/ndjson.h"
#include "lib/rec.h"
#include "lib/xalloc.h"

static const char usage_text[] =
    "usage: aa-import [-aqv] [-m creator/model[=repo]] [--map file] [--base-url url]\n"
    "                 [--catalogue file] [--date yyyy-mm-dd] [--list] [file ...]\n"
    "\n"
    "  -m, --model SPEC     a model by AA creator and model slug or name, optionally\n"
    "                       paired with a Hub repo id (repeatable)\n"
    "      --map FILE       lines 'REPO CREATOR/MODEL' pairing Hub repos with AA models\n"
    "  -a, --all-mapped     emit the scores of every pair in the --map file\n"
    "      --base-url URL   API base (default https://artificialanalysis.ai/api/v2)\n"
    "      --catalogue FILE read the API's JSON reply from FILE instead of the network\n"
    "      --date DATE      retrieval date to record (default: today, UTC)\n"
    "      --list           write one aa_model record per model in the catalogue\n"
    "  -q, --quiet          no warnings\n"
    "  -v, --verbose        say more on stderr (never the key)\n"
    "  -h, --help           this text\n"
    "  -V, --version        print the version\n"
    "\n"
    "The key comes from AA_API_KEY. Records are read from the files (or stdin)\n"
    "unless -m or --all-mapped is given without files.\n";

#define AA_DEFAULT_BASE "https://artificialanalysis.ai/api/v2"
#define AA_MODELS_PATH  "/data/llms/models"
#define AA_SOURCE_NAME  "Artificial Analysis"
#define AA_SOURCE_URL   "https://artificialanalysis.ai/"
#define MAX_CANDIDATES  5

struct opts {
    const char **models; /* -m specs */
    size_t nmodels, alloc_models;
    const char *map_file;
    bool all_mapped;
    const char *base_url;
    const char *catalogue;
    const char *date;
    bool list;
    char **files;
    size_t nfiles;
};

#define OPTS_INIT                   \
    {                               \
        .base_url = AA_DEFAULT_BASE \
    }

struct pair {
    char *repo, *model; /* Hub repo id, AA "creator/model" */
    size_t line;
};

struct ctx {
    struct opts o;
    struct pair *pairs;
    size_t npairs, alloc_pairs;
    json_t *data; /* the catalogue's "data" list, NULL until fetched */
    char *url;    /* where it came from */
    char date[16];
    int rc;
};

/*
 * What evalpipe knows of AA's evaluation fields: the benchmark each one is
 * (a name in lib/benchmarks.tsv, NULL for AA's own indices and benchmarks
 * without a Hub dataset), the name shown, the metric AA reports and the
 * scale AA writes it in. A field not listed here is still imported under its
 * own name: 0-100 when it ends in "_index", else a fraction.
 */
static const struct aa_field {
    const char *key, *bench, *name, *metric, *scale;
} aa_fields[] = {
    { "artificial_analysis_intelligence_index", NULL, "Artificial Analysis Intelligence Index",
      "artificial_analysis_intelligence_index", "percent" },
    { "artificial_analysis_coding_index", NULL, "Artificial Analysis Coding Index",
      "artificial_analysis_coding_index", "percent" },
    { "artificial_analysis_math_index", NULL, "Artificial Analysis Math Index",
      "artificial_analysis_math_index", "percent" },
    { "mmlu_pro", "MMLU-Pro", "MMLU-Pro", "accuracy", "fraction" },
    { "gpqa", "GPQA Diamond", "GPQA Diamond", "accuracy", "fraction" },
    { "hle", "HLE", "Humanity's Last Exam", "accuracy", "fraction" },
    { "livecodebench", "LiveCodeBench", "LiveCodeBench", "pass@1", "fraction" },
    { "scicode", "SciCode", "SciCode", "pass@1", "fraction" },
    { "math_500", "MATH-500", "MATH-500", "accuracy", "fraction" },
    { "aime", "AIME 2024", "AIME 2024", "accuracy", "fraction" },
    { "aime_25", "AIME 2025", "AIME 2025", "accuracy", "fraction" },
    { "lcr", "AA-LCR", "AA-LCR", "accuracy", "fraction" },
    { "ifbench", NULL, "IFBench", "accuracy", "fraction" },
    { "terminalbench_hard", NULL, "Terminal-Bench Hard", "accuracy", "fraction" },
    { "tau2", NULL, "tau2-bench", "accuracy", "fraction" },
};

/* ---------------------------------------------------------------- options */

enum { OPT_MAP = 256, OPT_BASE, OPT_CATALOGUE, OPT_DATE, OPT_LIST };

static const struct option longopts[] = {
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { "verbose", no_argument, NULL, 'v' },
    { "quiet", no_argument, NULL, 'q' },
    { "model", required_argument, NULL, 'm' },
    { "all-mapped", no_argument, NULL, 'a' },
    { "map", required_argument, NULL, OPT_MAP },
    { "base-url", required_argument, NULL, OPT_BASE },
    { "catalogue", required_argument, NULL, OPT_CATALOGUE },
    { "date", required_argument, NULL, OPT_DATE },
    { "list", no_argument, NULL, OPT_LIST },
    { NULL, 0, NULL, 0 },
};

static bool
valid_date(const char *s)
{
    static const char shape[] = "dddd-dd-dd";

    for (size_t i = 0; i < sizeof(shape) - 1; i++)
        if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != '-')
            return false;
    return s[sizeof(shape) - 1] == '\0';
}

static void
parse_args(struct opts *o, int argc, char **argv)
{
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "hVvqm:a", longopts, NULL)) != -1) {
        if (cli_common(c, usage_text))
            continue;
        switch (c) {
        case 'm':
            ALLOC_GROW(o->models, o->nmodels + 1, o->alloc_models);
            o->models[o->nmodels++] = optarg;
            break;
        case 'a':
            o->all_mapped = true;
            break;
        case OPT_MAP:
            o->map_file = optarg;
            break;
        case OPT_BASE:
            o->base_url = optarg;
            break;
        case OPT_CATALOGUE:
            o->catalogue = optarg;
            break;
        case OPT_DATE:
            if (!valid_date(optarg))
                usage_error(usage_text, "invalid --date '%s' (YYYY-MM-DD)", optarg);
            o->date = optarg;
            break;
        case OPT_LIST:
            o->list = true;
            break;
        default:
            usage_error(usage_text, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (o->all_mapped && !o->map_file)
        usage_error(usage_text, "--all-mapped needs --map");
    o->files = argv + optind;
    o->nfiles = (size_t)(argc - optind);
}

/* ---------------------------------------------------------------- the map file */

/* The next blank-separated word of *p (NUL-terminated in place), or NULL. */
static char *
next_word(char **p)
{
    char *w = *p + strspn(*p, " \t");
    size_t n = strcspn(w, " \t");

    if (!*w)
        return NULL;
    *p = w + n + (w[n] != '\0');
    w[n] = '\0';
    return w;
}

static void
load_map(struct ctx *x, const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t n;

    if (!f)
        die("cannot open '%s': %s", path, strerror(errno));
    while ((n = getline(&line, &cap, f)) >= 0) {
        char *p = line, *repo, *model;

        lineno++;
        p[strcspn(p, "#\r\n")] = '\0';
        repo = next_word(&p);
        if (!repo)
            continue;
        model = next_word(&p);
        if (!model || next_word(&p) || !strchr(repo, '/'))
            die("%s:%zu: expected 'REPO CREATOR/MODEL'", path, lineno);
        ALLOC_GROW(x->pairs, x->npairs + 1, x->alloc_pairs);
        x->pairs[x->npairs++] = (struct pair){ xstrdup(repo), xstrdup(model), lineno };
    }
    if (ferror(f))
        die("cannot read '%s': %s", path, strerror(errno));
    fclose(f);
    free(line);
}

static const char *
map_model_of(const struct ctx *x, const char *repo)
{
    for (size_t i = 0; i < x->npairs; i++)
        if (!strcmp(x->pairs[i].repo, repo))
            return x->pairs[i].model;
    return NULL;
}

/* ---------------------------------------------------------------- the catalogue */

static json_t *
check_catalogue(json_t *top, const char *where)
{
    json_t *data = json_object_get(top, "data");

    if (!json_is_array(data)) {
        json_decref(top);
        die("malformed reply from %s: no \"data\" list", where);
    }
    json_incref(data);
    json_decref(top);
    return data;
}

static json_t *
parse_catalogue(const char *text, size_t len, const char *where)
{
    json_error_t jerr;
    json_t *top = json_loadb(text, len, 0, &jerr);

    if (!top)
        die("malformed reply from %s: %s (line %d)", where, jerr.text, jerr.line);
    return check_catalogue(top, where);
}

static void
fetch_catalogue(struct ctx *x)
{
    struct http_options hopt = { .tool = "aa-import", .max_active = 1, .max_retries = 4 };
    const char *key = getenv("AA_API_KEY");
    struct http_client *http;
    struct http_req *req;
    char why[256];

    if (!key || !*key)
        die("AA_API_KEY is not set: an Artificial Analysis API key is needed (or --catalogue)");
    x->url = xstrfmt("%s%s", x->o.base_url, AA_MODELS_PATH);
    http = http_client_new(&hopt);
    if (!http)
        die("cannot start the HTTP client");
    req = http_req_new(x->url, NULL, NULL);
    req->auth = false; /* the Hub token is for the Hub only */
    if (http_req_add_header(req, "x-api-key", key) < 0)
        die("cannot use AA_API_KEY");
    info("fetching %s", x->url);
    http_perform(http, req);
    if (req->status == 401 || req->status == 403)
        die("%s: HTTP %ld: the API key in AA_API_KEY was refused", x->url, req->status);
    if (req->status == 429)
        die("%s: HTTP 429: rate limit exceeded (retried %d times)", x->url, req->attempts - 1);
    if (!http_ok(req))
        die("%s: %s", x->url, http_describe(req, why, sizeof(why)));
    x->data = parse_catalogue(req->resp.buf, req->resp.len, x->url);
    http_req_free(req);
    http_client_free(http);
}

static void
load_catalogue(struct ctx *x)
{
    json_error_t jerr;
    json_t *top;

    if (x->data)
        return;
    if (!x->o.catalogue) {
        fetch_catalogue(x);
    } else {
        top = json_load_file(x->o.catalogue, 0, &jerr);
        if (!top && jerr.line < 0)
            die("cannot open '%s': %s", x->o.catalogue, jerr.text);
        if (!top)
            die("malformed reply in '%s': %s (line %d)", x->o.catalogue, jerr.text, jerr.line);
        x->url = xstrdup(x->o.catalogue);
        x->data = check_catalogue(top, x->o.catalogue);
    }
    info("catalogue: %zu models", json_array_size(x->data));
}

/* ---------------------------------------------------------------- finding a model */

/* Lower-case letters and digits of s: "GPT-4o (Nov '24)" -> "gpt4onov24". */
static void
norm(struct buf *out, const char *s)
{
    buf_reset(out);
    for (; s && *s; s++) {
        char c = *s;

        if (c >= 'A' && c <= 'Z')
            buf_addch(out, c - 'A' + 'a');
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (unsigned char)c >= 0x80)
            buf_addch(out, c);
    }
}

static bool
same(const char *a, const char *b)
{
    struct buf na = BUF_INIT, nb = BUF_INIT;
    bool eq;

    norm(&na, a);
    norm(&nb, b);
    eq = na.len && !strcmp(na.buf, nb.buf);
    buf_release(&na);
    buf_release(&nb);
    return eq;
}

static const char *
str_at(const json_t *obj, const char *k1, const char *k2)
{
    const json_t *v = json_object_get(obj, k1);

    return json_string_value(k2 ? json_object_get(v, k2) : v);
}

/* True when the normalised `part` occurs in the normalised s. */
static bool
contains(const char *s, const char *part)
{
    struct buf ns = BUF_INIT, np = BUF_INIT;
    bool in;

    norm(&ns, s);
    norm(&np, part);
    in = np.len && strstr(ns.buf, np.buf);
    buf_release(&ns);
    buf_release(&np);
    return in;
}

/* Edit distance of the normalised strings (for "did you mean"). */
static size_t
distance(const char *a, const char *b)
{
    struct buf na = BUF_INIT, nb = BUF_INIT;
    size_t *row, d;

    norm(&na, a);
    norm(&nb, b);
    row = xcalloc(nb.len + 1, sizeof(*row));
    for (size_t j = 0; j <= nb.len; j++)
        row[j] = j;
    for (size_t i = 1; i <= na.len; i++) {
        size_t diag = row[0];

        row[0] = i;
        for (size_t j = 1; j <= nb.len; j++) {
            size_t up = row[j], best = diag + (na.buf[i - 1] != nb.buf[j - 1]);

            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
        }
    }
    d = row[nb.len];
    free(row);
    buf_release(&na);
    buf_release(&nb);
    return d;
}

static void
add_label(struct buf *out, const json_t *m)
{
    buf_addf(out, "%s%s/%s", out->len ? ", " : "", str_at(m, "model_creator", "slug"),
             rec_str(m, "slug"));
}

/* The closest models to the wanted name, as "a/b, c/d" (empty when none is close). */
static void
close_candidates(const struct ctx *x, const char *creator, const char *model, struct buf *out)
{
    size_t n = json_array_size(x->data), best[MAX_CANDIDATES], dist[MAX_CANDIDATES], nbest = 0;
    size_t limit = strlen(model) / 3 + 2;

    for (size_t i = 0; i < n; i++) {
        const json_t *m = json_array_get(x->data, i);
        size_t d = distance(model, rec_str(m, "slug")), dn = distance(model, rec_str(m, "name")), k;

        if (!rec_str(m, "slug") || !str_at(m, "model_creator", "slug"))
            continue;
        if (dn < d)
            d = dn;
        if (contains(rec_str(m, "slug"), model) || contains(rec_str(m, "name"), model))
            d = 1;
        if (creator && !same(creator, str_at(m, "model_creator", "slug")) &&
            !same(creator, str_at(m, "model_creator", "name")))
            d += 2;
        if (d > limit)
            continue;
        if (nbest < MAX_CANDIDATES)
            k = nbest++;
        else if (dist[MAX_CANDIDATES - 1] <= d)
            continue;
        else
            k = MAX_CANDIDATES - 1;
        for (; k > 0 && dist[k - 1] > d; k--) {
            best[k] = best[k - 1];
            dist[k] = dist[k - 1];
        }
        best[k] = i;
        dist[k] = d;
    }
    for (size_t k = 0; k < nbest; k++)
        add_label(out, json_array_get(x->data, best[k]));
}

static bool
usable(const json_t *m)
{
    return rec_str(m, "slug") && str_at(m, "model_creator", "slug") &&
           json_is_object(json_object_get(m, "evaluations"));
}

/*
 * The model named by spec ("creator/model" or "model": slugs or names, compared
 * normalised), or NULL with err set (missing or ambiguous, with candidates).
 */
static const json_t *
find_model(const struct ctx *x, const char *spec, struct ep_err *err)
{
    const char *slash = strchr(spec, '/');
    char *creator = slash ? xstrndup(spec, (size_t)(slash - spec)) : NULL;
    const char *model = slash ? slash + 1 : spec;
    const json_t *hit = NULL;
    struct buf hits = BUF_INIT;
    size_t nhits = 0;

    for (size_t i = 0; i < json_array_size(x->data); i++) {
        const json_t *m = json_array_get(x->data, i);

        if (!usable(m))
            continue;
        if (creator && !same(creator, str_at(m, "model_creator", "slug")) &&
            !same(creator, str_at(m, "model_creator", "name")))
            continue;
        if (!same(model, rec_str(m, "slug")) && !same(model, rec_str(m, "name")))
            continue;
        hit = m;
        nhits++;
        add_label(&hits, m);
    }
    if (nhits > 1) {
        ep_err_set(err, "'%s' is ambiguous in the Artificial Analysis catalogue: %s", spec,
                   hits.buf);
        hit = NULL;
    } else if (!hit) {
        close_candidates(x, creator, model, &hits);
        ep_err_set(err, "no Artificial Analysis model '%s'%s%s", spec, hits.len ? "; close: " : "",
                   hits.buf);
    }
    buf_release(&hits);
    free(creator);
    return hit;
}

/* ---------------------------------------------------------------- score records */

static const struct aa_field *
field_info(const char *key)
{
    for (size_t i = 0; i < sizeof(aa_fields) / sizeof(aa_fields[0]); i++)
        if (!strcmp(aa_fields[i].key, key))
            return &aa_fields[i];
    return NULL;
}

static bool
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);

    return n >= k && !strcmp(s + n - k, suffix);
}

/* The scale AA writes field `key` in: "percent" (0-100) or "fraction" (0-1). */
static const char *
field_scale(const char *key)
{
    const struct aa_field *f = field_info(key);

    return f ? f->scale : ends_with(key, "_index") ? "percent" : "fraction";
}

static json_t *
score_record(const struct ctx *x, const json_t *m, const char *repo, const char *key,
             const json_t *v)
{
    const struct aa_field *f = field_info(key);
    const struct bench_entry *b = f ? (f->bench ? bench_find(f->bench) : NULL) : bench_find(key);
    json_t *rec = rec_new("score"), *task = json_object(), *ds = json_object(),
           *met = json_object(), *src = json_object(), *org = json_object();

    if (repo)
        rec_set_str(rec, "repo", repo);
    rec_set_str(rec, "model", rec_str(m, "name") ? rec_str(m, "name") : rec_str(m, "slug"));
    rec_set_str(task, "type", b && b->task ? b->task : "text-generation");
    rec_set(rec, "task", task);
    rec_set_str(ds, "type", b ? b->dataset : key);
    rec_set_str(ds, "name", f ? f->name : b ? b->name : key);
    if (b && b->config)
        rec_set_str(ds, "config", b->config);
    if (b && b->split)
        rec_set_str(ds, "split", b->split);
    rec_set(rec, "dataset", ds);
    rec_set_str(met, "type", f ? f->metric : key);
    rec_set_str(met, "name", f ? f->name : key);
    rec_set(met, "value", json_deep_copy(v));
    rec_set_str(met, "scale", field_scale(key));
    rec_set(met, "verified", json_false());
    rec_set(rec, "metric", met);
    rec_set_str(src, "name", AA_SOURCE_NAME);
    rec_set_str(src, "url", AA_SOURCE_URL);
    rec_set(rec, "source", src);
    rec_set_str(org, "tool", "aa-import");
    rec_set_str(org, "url", x->url);
    rec_set_str(org, "field", key);
    if (rec_str(m, "id"))
        rec_set_str(org, "aa_id", rec_str(m, "id"));
    rec_set(org, "aa_model",
            json_sprintf("%s/%s", str_at(m, "model_creator", "slug"), rec_str(m, "slug")));
    rec_set_str(org, "date", x->date);
    rec_set(rec, "origin", org);
    return rec;
}

/* Write the scores of model m (paired with repo, or NULL); returns how many. */
static size_t
put_scores(const struct ctx *x, const json_t *m, const char *repo)
{
    const json_t *evals = json_object_get(m, "evaluations");
    const char *key;
    const json_t *v;
    size_t n = 0;

    json_object_foreach((json_t *)evals, key, v) {
        bool percent = !strcmp(field_scale(key), "percent");
        double d = json_number_value(v);
        json_t *rec;

        if (!json_is_number(v)) {
            if (!json_is_null(v))
                warning("%s/%s: field '%s' is not a number; skipped",
                        str_at(m, "model_creator", "slug"), rec_str(m, "slug"), key);
            continue;
        }
        if (!isfinite(d) || d < 0 || d > (percent ? 100 : 1)) {
            warning("%s/%s: field '%s' is %g, outside 0..%d; skipped",
                    str_at(m, "model_creator", "slug"), rec_str(m, "slug"), key, d,
                    percent ? 100 : 1);
            continue;
        }
        rec = score_record(x, m, repo, key, v);
        ndjson_put(rec);
        json_decref(rec);
        n++;
    }
    return n;
}

/* Scores for one request; on failure an error record (status 1) naming the AA model. */
static void
import_one(struct ctx *x, const char *spec, const char *repo, const struct rec_where *where)
{
    struct ep_err err;
    const json_t *m;

    load_catalogue(x);
    m = find_model(x, spec, &err);
    if (!m) {
        json_t *extra = json_object();

        rec_set_str(extra, "aa_model", spec);
        rec_error(where, extra, "%s", err.msg);
        json_decref(extra);
        x->rc = RC_PARTIAL;
        return;
    }
    if (put_scores(x, m, repo) == 0)
        info("%s: no scores in the catalogue", spec);
}

/* -m SPEC[=REPO]; without "=REPO", the repo the --map file pairs with SPEC. */
static void
import_spec(struct ctx *x, const char *arg)
{
    const char *eq = strchr(arg, '=');
    char *spec = eq ? xstrndup(arg, (size_t)(eq - arg)) : xstrdup(arg);
    const char *repo = eq && eq[1] ? eq + 1 : NULL;
    struct rec_where where = { 0 };

    for (size_t i = 0; !repo && i < x->npairs; i++)
        if (!strcmp(x->pairs[i].model, spec))
            repo = x->pairs[i].repo;
    where.repo = repo;
    import_one(x, spec, repo, &where);
    free(spec);
}

static void
list_models(struct ctx *x)
{
    load_catalogue(x);
    for (size_t i = 0; i < json_array_size(x->data); i++) {
        const json_t *m = json_array_get(x->data, i);
        json_t *rec;

        if (!usable(m))
            continue;
        rec = rec_new("aa_model");
        rec_set(rec, "aa_model",
                json_sprintf("%s/%s", str_at(m, "model_creator", "slug"), rec_str(m, "slug")));
        rec_set_str(rec, "name", rec_str(m, "name"));
        rec_set_str(rec, "creator", str_at(m, "model_creator", "name"));
        if (rec_str(m, "id"))
            rec_set_str(rec, "aa_id", rec_str(m, "id"));
        ndjson_put(rec);
        json_decref(rec);
    }
}

/* ---------------------------------------------------------------- records */

static void
process_record(struct ctx *x, json_t *rec, const struct input *in)
{
    const char *repo = rec_str(rec, "repo");
    const char *spec = rec_str(rec, "aa_model");
    struct rec_where where = { .repo = repo, .file = input_name(in), .line = input_line(in) };

    ndjson_put(rec);
    if (!rec_is(rec, "repo"))
        return;
    if (!repo) {
        rec_error(&where, NULL, "repo record without \"repo\"");
        x->rc = RC_PARTIAL;
        return;
    }
    if (!spec)
        spec = map_model_of(x, repo);
    if (!spec) {
        rec_error(&where, NULL,
                  "no Artificial Analysis model paired with '%s' (add \"aa_model\" "
                  "or a --map line)",
                  repo);
        x->rc = RC_PARTIAL;
        return;
    }
    import_one(x, spec, repo, &where);
}

static void
today(char *out, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%d", &tm);
}

int
main(int argc, char **argv)
{
    struct ctx x = { .o = OPTS_INIT };
    struct input in;
    struct ep_err err;
    json_t *rec;
    int rc;

    msg_init(argv[0]);
    parse_args(&x.o, argc, argv);
    if (x.o.date)
        snprintf(x.date, sizeof(x.date), "%s", x.o.date);
    else
        today(x.date, sizeof(x.date));
    if (x.o.map_file)
        load_map(&x, x.o.map_file);
    if (x.o.list)
        list_models(&x);
    for (size_t i = 0; i < x.o.nmodels; i++)
        import_spec(&x, x.o.models[i]);
    for (size_t i = 0; x.o.all_mapped && i < x.npairs; i++) {
        struct rec_where where = { .repo = x.pairs[i].repo,
                                   .file = x.o.map_file,
                                   .line = x.pairs[i].line };

        import_one(&x, x.pairs[i].model, x.pairs[i].repo, &where);
    }
    if (x.o.nfiles || (!x.o.nmodels && !x.o.all_mapped && !x.o.list)) {
        input_init(&in, x.o.files, x.o.nfiles);
        while ((rc = input_next(&in, &rec, &err)) == NDJSON_OK) {
            process_record(&x, rec, &in);
            json_decref(rec);
        }
        if (rc == NDJSON_IOERR)
            die("%s", err.msg);
        if (in.bad)
            x.rc = RC_PARTIAL;
        input_release(&in);
    }
    for (size_t i = 0; i < x.npairs; i++) {
        free(x.pairs[i].repo);
        free(x.pairs[i].model);
    }
    free(x.pairs);
    free(x.o.models);
    free(x.url);
    json_decref(x.data);
    ndjson_close_stdout();
    return x.rc;
}

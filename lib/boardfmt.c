/*
 * boardfmt — Markdown and HTML leaderboards.
 */
#include "lib/boardfmt.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "lib/commit.h"
#include "lib/escape.h"
#include "lib/num.h"
#include "lib/rec.h"
#include "lib/sha.h"

/* Bars in one chart at most; the table below it has every row. */
#define CHART_MAX_BARS 30
/* Code points of a model name shown in a chart label. */
#define CHART_LABEL_MAX 44

/* ---------------------------------------------------------------- common */

static void
add_num(struct buf *out, double v)
{
    char tmp[NUM_FMT_MAX];

    buf_addstr(out, num_fmt(v, tmp));
}

static const char *
dataset_title(const struct board *b)
{
    return b->dataset_name ? b->dataset_name : b->dataset;
}

static const char *
metric_title(const struct board *b)
{
    return b->metric_name ? b->metric_name : b->metric;
}

static const char *
unit_suffix(const struct board *b)
{
    return b->scale == BOARD_PERCENT ? " (%)" : "";
}

/* A Hub model id: one or two names of letters, digits and - . _ (not starting with - or .). */
static bool
hub_id_ok(const char *s)
{
    size_t parts = 0, len = 0;

    if (!s)
        return false;
    for (const char *p = s;; p++) {
        bool name_char = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                         (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_';

        if (name_char && len == 0 && (*p == '-' || *p == '.'))
            return false;
        if (name_char) {
            len++;
            continue;
        }
        if ((*p != '/' && *p != '\0') || len == 0 || len > 96 || ++parts > 2)
            return false;
        if (!*p)
            return true;
        len = 0;
    }
}

int
boardfmt_hub_url(struct buf *out, const char *repo)
{
    if (!hub_id_ok(repo))
        return -1;
    buf_addstr(out, "https://huggingface.co/");
    buf_addstr(out, repo);
    return 0;
}

static const char *
source_url(const struct board_row *r)
{
    const char *url = rec_str(json_object_get(r->score, "source"), "url");

    return escape_url_ok(url) ? url : NULL;
}

static const char *
source_name(const struct board_row *r)
{
    const char *name = rec_str(json_object_get(r->score, "source"), "name");

    return name && *name ? name : NULL;
}

static bool
any_stderr(const struct board *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b->rows[i].has_value && b->rows[i].val.has_se)
            return true;
    return false;
}

static bool
any_date(const struct board *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b->rows[i].date)
            return true;
    return false;
}

/* "cais/mmlu · config all · split test · higher is better · values in percent · 50 models, 46
 * ranked" */
static void
board_facts(struct buf *out, const struct board *b, void (*esc)(struct buf *, const char *, size_t))
{
    esc(out, b->dataset, strlen(b->dataset));
    if (b->config) {
        buf_addstr(out, " · config ");
        esc(out, b->config, strlen(b->config));
    }
    if (b->split) {
        buf_addstr(out, " · split ");
        esc(out, b->split, strlen(b->split));
    }
    buf_addstr(out, " · metric ");
    esc(out, b->metric, strlen(b->metric));
    buf_addstr(out, b->lower_is_better ? ", lower is better" : ", higher is better");
    if (b->scale == BOARD_PERCENT)
        buf_addstr(out, ", in percent");
    else if (b->scale == BOARD_FRACTION)
        buf_addstr(out, ", as a fraction");
    buf_addf(out, " · %zu model%s, %zu ranked", b->nrows, b->nrows == 1 ? "" : "s", b->ranked);
}

/* ---------------------------------------------------------------- markdown */

static void
md_text(struct buf *out, const char *s)
{
    escape_md(out, s, strlen(s));
}

void
boardfmt_md_head(struct buf *out, const struct boardfmt_opts *o, size_t nboards)
{
    if (o->title) {
        buf_addstr(out, "# ");
        md_text(out, o->title);
        buf_addstr(out, "\n\n");
    }
    if (!nboards)
        buf_addstr(out, "No scores to rank.\n");
}

static void
md_link(struct buf *out, const char *text, const char *url)
{
    buf_addch(out, '[');
    md_text(out, text);
    buf_addstr(out, "](");
    if (escape_url(out, url) < 0)
        BUG("md_link on a URL that is not http(s)");
    buf_addch(out, ')');
}

static void
md_row(struct buf *out, const struct board_row *r, bool se)
{
    const char *label = board_row_label(r), *repo = rec_str(r->score, "repo");
    const char *url = source_url(r), *name = source_name(r);
    struct buf hub = BUF_INIT;

    if (r->rank)
        buf_addf(out, "| %ld | ", r->rank);
    else
        buf_addstr(out, "| — | ");
    if (repo && !strcmp(repo, label) && boardfmt_hub_url(&hub, repo) == 0)
        md_link(out, label, hub.buf);
    else
        md_text(out, label);
    buf_addstr(out, " | ");
    if (r->has_value) {
        add_num(out, r->shown);
        if (se && r->val.has_se) {
            buf_addstr(out, " ± ");
            add_num(out, r->shown_se);
        }
    } else {
        buf_addstr(out, "n/a");
    }
    buf_addf(out, " | %s", board_badge_name(r->badge));
    if (url || name) {
        buf_addstr(out, " · ");
        if (url)
            md_link(out, name ? name : "source", url);
        else
            md_text(out, name);
    }
    buf_addstr(out, " |\n");
    buf_release(&hub);
}

void
boardfmt_md_board(struct buf *out, const struct board *b, size_t num, const struct boardfmt_opts *o)
{
    size_t n = board_rows_shown(b, o->top);
    bool se = any_stderr(b, n);

    buf_addstr(out, num > 1 ? "\n## " : "## ");
    md_text(out, dataset_title(b));
    buf_addstr(out, " — ");
    md_text(out, metric_title(b));
    buf_addstr(out, "\n\n");
    board_facts(out, b, escape_md);
    if (n < b->nrows)
        buf_addf(out, " · top %ld shown", o->top);
    buf_addstr(out, "\n\n| Rank | Model | ");
    md_text(out, metric_title(b));
    buf_addf(out, "%s | Source |\n| ---: | :--- | ---: | :--- |\n", unit_suffix(b));
    for (size_t i = 0; i < n; i++)
        md_row(out, &b->rows[i], se);
}

/* ---------------------------------------------------------------- html: assets */

static const char page_css[] =
    ":root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--line:#d1d9e0;"
    "--head:#f6f8fa;--hover:#eef4ff;--accent:#0969da;--verified:#1a7f37;--community:#bc4c00;"
    "--self:#6e7781}\n"
    "@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;"
    "--line:#3d444d;--head:#151b23;--hover:#1c2a40;--accent:#4493f8;--verified:#3fb950;"
    "--community:#db6d28;--self:#8b949e}}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;background:var(--bg);color:var(--fg);"
    "font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif}\n"
    "main{max-width:1040px;margin:0 auto;padding:24px 20px 48px}\n"
    "h1{font-size:28px;margin:0 0 6px}\n"
    "h2{font-size:21px;margin:40px 0 4px}\n"
    "h2 .metric{color:var(--muted);font-weight:400}\n"
    ".meta,footer{color:var(--muted);font-size:13px}\n"
    "footer{margin-top:40px;border-top:1px solid var(--line);padding-top:12px}\n"
    "a{color:var(--accent);text-decoration:none}\n"
    "a:hover{text-decoration:underline}\n"
    ".badge{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;"
    "line-height:18px;border:1px solid currentColor;white-space:nowrap}\n"
    ".badge.verified{color:var(--verified)}\n"
    ".badge.community{color:var(--community)}\n"
    ".badge.self-reported{color:var(--self)}\n"
    "figure{margin:18px 0}\n"
    "svg{display:block;width:100%;height:auto}\n"
    "svg text{fill:var(--fg);font-size:12px}\n"
    "svg text.value{fill:var(--muted)}\n"
    "svg .axis{stroke:var(--line)}\n"
    ".bar.verified{fill:var(--verified)}\n"
    ".bar.community{fill:var(--community)}\n"
    ".bar.self-reported{fill:var(--self)}\n"
    "table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}\n"
    "th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;"
    "vertical-align:top}\n"
    "th{background:var(--head);position:sticky;top:0}\n"
    "th.num,td.num{text-align:right}\n"
    "table.board th:first-child{width:6em}\n"
    "th button{font:inherit;font-weight:600;color:inherit;background:none;border:0;padding:0;"
    "white-space:nowrap;"
    "cursor:pointer}\n"
    "th[aria-sort=ascending] button::after{content:\" \\25B2\"}\n"
    "th[aria-sort=descending] button::after{content:\" \\25BC\"}\n"
    "tbody tr:hover{background:var(--hover)}\n"
    "td.model{word-break:break-word}\n"
    "td.missing{color:var(--muted)}\n";

/* Sorts a table on a click on a column heading: numbers as numbers, missing values last. */
static const char page_js[] =
    "(function () {\n"
    "  \"use strict\";\n"
    "  function key(cell, num) {\n"
    "    var v = cell.getAttribute(\"data-sort\");\n"
    "    if (!num) return v === null ? cell.textContent : v === \"\" ? null : v;\n"
    "    if (v === null || v === \"\") return null;\n"
    "    var n = Number(v);\n"
    "    return isFinite(n) ? n : null;\n"
    "  }\n"
    "  function sortBy(table, th, col) {\n"
    "    var num = th.classList.contains(\"num\");\n"
    "    var asc = th.getAttribute(\"aria-sort\") !== \"ascending\";\n"
    "    var body = table.tBodies[0];\n"
    "    var rows = Array.prototype.slice.call(body.rows);\n"
    "    rows.sort(function (a, b) {\n"
    "      var x = key(a.cells[col], num), y = key(b.cells[col], num), c;\n"
    "      if (x === null || y === null) {\n"
    "        c = x === y ? 0 : x === null ? 1 : -1;\n"
    "      } else {\n"
    "        c = num ? x - y : x < y ? -1 : x > y ? 1 : 0;\n"
    "        if (!asc) c = -c;\n"
    "      }\n"
    "      return c || Number(a.getAttribute(\"data-i\")) - Number(b.getAttribute(\"data-i\"));\n"
    "    });\n"
    "    rows.forEach(function (r) { body.appendChild(r); });\n"
    "    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) {\n"
    "      h.removeAttribute(\"aria-sort\");\n"
    "    });\n"
    "    th.setAttribute(\"aria-sort\", asc ? \"ascending\" : \"descending\");\n"
    "  }\n"
    "  Array.prototype.forEach.call(document.querySelectorAll(\"table.board\"), function (t) {\n"
    "    Array.prototype.forEach.call(t.tHead.rows[0].cells, function (th, col) {\n"
    "      var b = th.querySelector(\"button\");\n"
    "      if (b) b.addEventListener(\"click\", function () { sortBy(t, th, col); });\n"
    "    });\n"
    "  });\n"
    "})();\n";

/* 'sha256-<base64>' of text, for the Content-Security-Policy. */
static void
csp_hash(struct buf *out, const char *text)
{
    struct sha256 s;
    char hex[65];
    unsigned char raw[32];

    sha256_init(&s);
    sha256_update(&s, text, strlen(text));
    sha256_hex(&s, hex);
    for (size_t i = 0; i < 32; i++) {
        unsigned hi = (unsigned)(hex[2 * i] <= '9' ? hex[2 * i] - '0' : hex[2 * i] - 'a' + 10);
        unsigned lo =
            (unsigned)(hex[2 * i + 1] <= '9' ? hex[2 * i + 1] - '0' : hex[2 * i + 1] - 'a' + 10);

        raw[i] = (unsigned char)(hi << 4 | lo);
    }
    buf_addstr(out, "'sha256-");
    base64_encode(out, raw, sizeof(raw));
    buf_addch(out, '\'');
}

/* ---------------------------------------------------------------- html: page */

static void
html_text(struct buf *out, const char *s)
{
    escape_html(out, s, strlen(s));
}

static void
html_link(struct buf *out, const char *text, const char *url)
{
    struct buf u = BUF_INIT;

    if (escape_url(&u, url) < 0)
        BUG("html_link on a URL that is not http(s)");
    buf_addstr(out, "<a href=\"");
    escape_html(out, u.buf, u.len);
    buf_addstr(out, "\" rel=\"nofollow noopener noreferrer\">");
    html_text(out, text);
    buf_addstr(out, "</a>");
    buf_release(&u);
}

void
boardfmt_html_head(struct buf *out, const struct boardfmt_opts *o, struct board *const *boards,
                   size_t nboards)
{
    const char *title = o->title ? o->title : "Leaderboard";

    buf_addstr(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                    "style-src ");
    csp_hash(out, page_css);
    buf_addstr(out, "; script-src ");
    csp_hash(out, page_js);
    buf_addstr(out, "; base-uri 'none'; form-action 'none'\">\n"
                    "<meta name=\"referrer\" content=\"no-referrer\">\n");
    if (o->generator) {
        buf_addstr(out, "<meta name=\"generator\" content=\"");
        html_text(out, o->generator);
        buf_addstr(out, "\">\n");
    }
    buf_addstr(out, "<title>");
    html_text(out, title);
    buf_addf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n<header>\n<h1>", page_css);
    html_text(out, title);
    buf_addstr(out,
               "</h1>\n<p class=\"meta\">Sources: <span class=\"badge verified\">verified</span> "
               "checked by the Hub · <span class=\"badge self-reported\">self-reported</span> "
               "in the model's own card · <span class=\"badge community\">community</span> "
               "from an open pull request. Click a column heading to sort.</p>\n</header>\n");
    if (!nboards)
        buf_addstr(out, "<p>No scores to rank.</p>\n");
    if (nboards > 1) {
        buf_addstr(out, "<nav>\n<ul>\n");
        for (size_t i = 0; i < nboards; i++) {
            buf_addf(out, "<li><a href=\"#board-%zu\">", i + 1);
            html_text(out, dataset_title(boards[i]));
            buf_addstr(out, " — ");
            html_text(out, metric_title(boards[i]));
            buf_addstr(out, "</a></li>\n");
        }
        buf_addstr(out, "</ul>\n</nav>\n");
    }
}

/* ---------------------------------------------------------------- html: chart */

struct chart_axis {
    double lo, hi; /* values at the two ends of the bar area */
    double x0, x1; /* the bar area, in SVG units */
};

static double
chart_x(const struct chart_axis *a, double v)
{
    return a->x0 + (v - a->lo) / (a->hi - a->lo) * (a->x1 - a->x0);
}

static void
chart_axis(struct chart_axis *a, const struct board *b, size_t n)
{
    double lo = 0, hi = 0;

    for (size_t i = 0; i < n; i++) {
        lo = fmin(lo, b->rows[i].shown);
        hi = fmax(hi, b->rows[i].shown);
    }
    /* Proportions are drawn on their whole range, so bar lengths mean what they show. */
    if (b->scale == BOARD_PERCENT && lo >= 0 && hi <= 100)
        hi = 100;
    else if (b->scale == BOARD_FRACTION && lo >= 0 && hi <= 1)
        hi = 1;
    if (hi <= lo)
        hi = lo + 1;
    a->lo = lo;
    a->hi = hi;
    a->x0 = 330;
    a->x1 = 900;
}

static void
chart_bar(struct buf *out, const struct board_row *r, const struct chart_axis *a, double y)
{
    const char *label = board_row_label(r);
    double x0 = chart_x(a, 0 > a->lo ? 0 : a->lo), x = chart_x(a, r->shown);
    double left = fmin(x0, x), width = fabs(x - x0);

    buf_addstr(out, "<g><title>");
    html_text(out, label);
    buf_addstr(out, ": ");
    add_num(out, r->shown);
    buf_addf(out, " (%s)</title><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
             board_badge_name(r->badge), a->x0 - 8, y + 12);
    {
        struct buf t = BUF_INIT;

        escape_truncate(&t, label, strlen(label), CHART_LABEL_MAX);
        escape_html(out, t.buf, t.len);
        buf_release(&t);
    }
    buf_addf(
        out,
        "</text><rect class=\"bar %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\" rx=\"3\"/>",
        board_badge_name(r->badge), left, y, width);
    buf_addf(out, "<text class=\"value\" x=\"%.1f\" y=\"%.1f\">", fmax(left + width, x0) + 6,
             y + 12);
    add_num(out, r->shown);
    buf_addstr(out, "</text></g>\n");
}

static void
chart(struct buf *out, const struct board *b, size_t num, size_t shown)
{
    size_t n = 0;
    struct chart_axis a;
    double height;

    while (n < shown && n < CHART_MAX_BARS && b->rows[n].has_value)
        n++;
    if (!n)
        return;
    chart_axis(&a, b, n);
    height = 22.0 * (double)n + 30;
    buf_addf(out,
             "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1000 %.0f\" "
             "width=\"1000\" height=\"%.0f\" role=\"img\" aria-labelledby=\"board-%zu-c\">\n"
             "<title id=\"board-%zu-c\">",
             height, height, num, num);
    html_text(out, metric_title(b));
    buf_addstr(out, b->lower_is_better ? ", lower is better" : ", higher is better");
    buf_addstr(out, "</title>\n");
    for (size_t i = 0; i < n; i++)
        chart_bar(out, &b->rows[i], &a, 4 + 22.0 * (double)i);
    buf_addf(out, "<line class=\"axis\" x1=\"%.1f\" y1=\"2\" x2=\"%.1f\" y2=\"%.0f\"/>\n",
             chart_x(&a, 0 > a.lo ? 0 : a.lo), chart_x(&a, 0 > a.lo ? 0 : a.lo), height - 22);
    buf_addf(out, "<text class=\"value\" x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">", a.x0,
             height - 8);
    add_num(out, a.lo);
    buf_addf(out, "</text><text class=\"value\" x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">",
             a.x1, height - 8);
    add_num(out, a.hi);
    buf_addstr(out, "</text>\n</svg>\n<figcaption class=\"meta\">");
    if (n < b->ranked)
        buf_addf(out, "The best %zu of %zu ranked models. ", n, b->ranked);
    buf_addstr(out, "Bars coloured by source.</figcaption>\n</figure>\n");
}

/* ---------------------------------------------------------------- html: table */

static void
th(struct buf *out, const char *cls, const char *label, bool sorted)
{
    buf_addf(out, "<th scope=\"col\"%s%s%s%s><button type=\"button\">", cls ? " class=\"" : "",
             cls ? cls : "", cls ? "\"" : "", sorted ? " aria-sort=\"ascending\"" : "");
    html_text(out, label);
    buf_addstr(out, "</button></th>");
}

static void
td_model(struct buf *out, const struct board_row *r)
{
    const char *label = board_row_label(r), *repo = rec_str(r->score, "repo");
    const char *model = rec_str(r->score, "model");
    struct buf hub = BUF_INIT;

    buf_addstr(out, "<td class=\"model\" data-sort=\"");
    html_text(out, label);
    buf_addstr(out, "\"");
    if (model && strcmp(model, label)) { /* the card's own name for it, as a tooltip */
        buf_addstr(out, " title=\"");
        html_text(out, model);
        buf_addstr(out, "\"");
    }
    buf_addstr(out, ">");
    if (repo && !strcmp(repo, label) && boardfmt_hub_url(&hub, repo) == 0)
        html_link(out, label, hub.buf);
    else
        html_text(out, label);
    buf_addstr(out, "</td>");
    buf_release(&hub);
}

static void
td_source(struct buf *out, const struct board_row *r)
{
    const char *badge = board_badge_name(r->badge);
    const char *url = source_url(r), *name = source_name(r);

    buf_addf(out, "<td data-sort=\"%d ", 2 - (int)r->badge);
    if (name)
        html_text(out, name);
    buf_addf(out, "\"><span class=\"badge %s\"", badge);
    if (r->dropped)
        buf_addf(out, " title=\"%zu other score%s of this model set aside\"", r->dropped,
                 r->dropped == 1 ? "" : "s");
    buf_addf(out, ">%s</span>", badge);
    if (url || name) {
        buf_addstr(out, " ");
        if (url)
            html_link(out, name ? name : "source", url);
        else
            html_text(out, name);
    }
    buf_addstr(out, "</td>");
}

static void
tr(struct buf *out, const struct board_row *r, size_t i, bool se, bool date)
{
    buf_addf(out, "<tr data-i=\"%zu\">", i);
    if (r->rank)
        buf_addf(out, "<td class=\"num\" data-sort=\"%ld\">%ld</td>", r->rank, r->rank);
    else
        buf_addstr(out, "<td class=\"num missing\" data-sort=\"\">—</td>");
    td_model(out, r);
    if (r->has_value) {
        buf_addstr(out, "<td class=\"num\" data-sort=\"");
        add_num(out, r->shown);
        buf_addstr(out, "\">");
        add_num(out, r->shown);
        buf_addstr(out, "</td>");
    } else {
        buf_addstr(out, "<td class=\"num missing\" data-sort=\"\">n/a</td>");
    }
    if (se && r->has_value && r->val.has_se) {
        buf_addstr(out, "<td class=\"num\" data-sort=\"");
        add_num(out, r->shown_se);
        buf_addstr(out, "\">± ");
        add_num(out, r->shown_se);
        buf_addstr(out, "</td>");
    } else if (se) {
        buf_addstr(out, "<td class=\"num missing\" data-sort=\"\"></td>");
    }
    td_source(out, r);
    if (date) {
        buf_addstr(out, "<td data-sort=\"");
        if (r->date)
            html_text(out, r->date);
        buf_addstr(out, "\">");
        if (r->date)
            html_text(out, r->date);
        buf_addstr(out, "</td>");
    }
    buf_addstr(out, "</tr>\n");
}

void
boardfmt_html_board(struct buf *out, const struct board *b, size_t num,
                    const struct boardfmt_opts *o)
{
    size_t n = board_rows_shown(b, o->top);
    bool se = any_stderr(b, n), date = any_date(b, n);
    struct buf col = BUF_INIT;

    buf_addf(out, "<section id=\"board-%zu\">\n<h2>", num);
    html_text(out, dataset_title(b));
    buf_addstr(out, " <span class=\"metric\">· ");
    html_text(out, metric_title(b));
    buf_addstr(out, "</span></h2>\n<p class=\"meta\">");
    board_facts(out, b, escape_html);
    if (n < b->nrows)
        buf_addf(out, " · top %ld shown", o->top);
    buf_addstr(out, "</p>\n");
    chart(out, b, num, n);
    buf_addf(out, "<table class=\"board\" id=\"board-%zu-t\">\n<thead><tr>", num);
    th(out, "num", "Rank", true);
    th(out, NULL, "Model", false);
    buf_addf(&col, "%s%s", metric_title(b), unit_suffix(b));
    th(out, "num", col.buf, false);
    if (se)
        th(out, "num", "±", false);
    th(out, NULL, "Source", false);
    if (date)
        th(out, NULL, "Date", false);
    buf_addstr(out, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++)
        tr(out, &b->rows[i], i, se, date);
    buf_addstr(out, "</tbody>\n</table>\n</section>\n");
    buf_release(&col);
}

void
boardfmt_html_tail(struct buf *out, const struct boardfmt_opts *o)
{
    buf_addstr(out, "<footer>");
    if (o->generator) {
        buf_addstr(out, "Made with ");
        html_text(out, o->generator);
        buf_addstr(out, ". ");
    }
    buf_addstr(out,
               "Equal values share a rank; models without a value come last, unranked.</footer>\n"
               "</main>\n<script>");
    buf_addstr(out, page_js);
    buf_addstr(out, "</script>\n</body>\n</html>\n");
}

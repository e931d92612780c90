/*
 * board — leaderboards from `score` records: one board per benchmark
 * (dataset, config, split, metric), one row per model, ranked.
 *
 * The rules (also in filters/leaderboard.1):
 *   - values are JSON numbers or numeric strings ("64.5", "20.0 ± 1.2",
 *     "58.1%"); null, "N/A" and other text are missing values;
 *   - scale: metric.scale "percent", "fraction" or "raw" as declared; when
 *     absent, a "%" suffix means percent, a raw metric (perplexity, loss …)
 *     is raw, else |v| <= 1 is a fraction, |v| <= 100 a percentage, larger
 *     values raw. A board shows its proportions on one scale (the one most of
 *     its rows use, percent on a tie) so 64.59 % and 0.6459 rank as equals;
 *   - badge: verified (metric.verified is true), community (an open pull
 *     request: origin.pull_request or origin.pullRequest set, an
 *     origin.revision/origin.ref under refs/pr/, or a source.url of a Hub
 *     discussion or refs/pr/ ref), otherwise self-reported;
 *   - one row per model (repo, else model name): a row with a value beats
 *     one without, then verified > self-reported > community, then the later
 *     date (score.date or origin.date, ISO 8601; none is oldest), then the
 *     later record in the input;
 *   - ranking: best first (lower is better for the metrics in the table in
 *     board.c, or as set with board_set_direction()), equal values share a
 *     rank (competition ranking 1, 1, 3), ties in model-name byte order;
 *     rows without a value come last, unranked.
 *
 * Ownership: a board_set holds references to the score records it keeps and
 * copies of every string it needs; release it with board_set_release().
 */
#ifndef EVALPIPE_BOARD_H
#define EVALPIPE_BOARD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/msg.h"

enum board_scale {
    BOARD_SCALE_NONE = 0, /* not declared */
    BOARD_PERCENT,
    BOARD_FRACTION,
    BOARD_RAW
};

/* In order of preference when one model has several scores on a board. */
enum board_badge { BOARD_COMMUNITY = 0, BOARD_SELF, BOARD_VERIFIED };

/* A metric value as parsed from a JSON number or string. */
struct board_value {
    double v;
    double se; /* valid when has_se */
    bool has_se;
    bool percent_sign; /* the string ended in '%' */
};

struct board_row {
    json_t *score; /* the score record kept (a reference) */
    char *key;     /* repo, else model name: what makes rows one model */
    bool has_value;
    struct board_value val; /* as written */
    enum board_scale scale; /* of val: declared, or inferred when `inferred` */
    bool inferred;
    enum board_badge badge;
    char *date;     /* or NULL */
    size_t seq;     /* position in the input */
    size_t dropped; /* other scores of this model on this board, set aside */
    double shown;   /* the value on the board's scale (after board_set_rank()) */
    double shown_se;
    long rank; /* 1-based; 0 when the row has no value */
};

struct board {
    char *dataset, *config, *split, *metric; /* the key; config and split may be NULL */
    char *dataset_name, *metric_name;        /* first seen, or NULL */
    bool lower_is_better;
    enum board_scale scale; /* how values are shown: PERCENT, FRACTION or RAW */
    struct board_row *rows;
    size_t nrows, alloc;
    json_t *models; /* key -> row index */
    size_t ranked;  /* rows with a rank */
};

struct board_set {
    /* Selection: NULL selects everything. */
    const char *want_dataset, *want_config, *want_split, *want_metric;
    enum board_scale force_scale; /* NONE: each board's majority */
    struct board **boards;
    size_t n, alloc;
    json_t *index;     /* board key -> index in boards */
    json_t *direction; /* metric -> true (lower is better) / false, overriding the table */
    size_t seq;
};

void board_set_init(struct board_set *s);
void board_set_release(struct board_set *s);

/* Rank `metric` (type or name) lower-is-better or higher-is-better, whatever the table says. */
void board_set_direction(struct board_set *s, const char *metric, bool lower_is_better);

/*
 * Add one score record (borrowed; a reference is taken when it is kept).
 * Returns 0 when it was considered (kept, or set aside for a better score of
 * the same model), 1 when the selection leaves it out, -1 when it cannot be
 * placed on a board (err says why: no dataset, no metric, no model, a value
 * that is neither number nor string).
 */
int board_set_add(struct board_set *s, const json_t *score, struct ep_err *err);

/*
 * Decide each board's scale, compute the shown values, sort and rank the
 * rows, and sort the boards by dataset, config, split and metric. Call once,
 * after the last board_set_add().
 */
void board_set_rank(struct board_set *s);

/*
 * The board as a `board` record (new reference): dataset, metric, counts and
 * the ranked rows; with top > 0 only rows ranked top or better. `title` may be NULL.
 */
json_t *board_to_json(const struct board *b, long top, const char *title);

/* Rows to show with --top (top <= 0: all of them): rows ranked `top` or better. */
size_t board_rows_shown(const struct board *b, long top);

/*
 * Parse a metric value: 1 with *out set, 0 for a missing value (null, absent,
 * text that is not a number, or not finite), -1 for a value of another JSON
 * type (object, array, boolean).
 */
int board_parse_value(const json_t *v, struct board_value *out);

/* The badge of a score record (the rule above). */
enum board_badge board_badge_of(const json_t *score);

/* "verified", "community", "self-reported". */
const char *board_badge_name(enum board_badge b);

/* "percent", "fraction", "raw" (NULL for BOARD_SCALE_NONE). */
const char *board_scale_name(enum board_scale s);

/* Parse "percent"/"fraction"/"raw"; -1 for anything else. */
int board_parse_scale(const char *name, enum board_scale *out);

/* Whether the built-in table says lower values of this metric are better. */
bool board_metric_lower_is_better(const char *metric);

/* Whether values of this metric are never proportions (perplexity, loss …). */
bool board_metric_is_raw(const char *metric);

/* The score's display name: its repo, else its model (borrowed). */
const char *board_row_label(const struct board_row *r);

#endif

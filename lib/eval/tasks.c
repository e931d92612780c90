/*
 * tasks — lm-eval v0.4.13's task definitions as C; see tasks.h. Each parser
 * follows the task's YAML (and utils.py where it has one) line by line.
 */
#include "lib/eval/tasks.h"

#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/eval/pytext.h"
#include "lib/xalloc.h"

/* ----------------------------------------------------------------- row access */

static const char *
col_str(const json_t *row, const char *key, struct ep_err *err)
{
    const json_t *v = json_object_get(row, key);

    if (!json_is_string(v)) {
        ep_err_set(err, "column '%s' is %s", key, v ? "not a string" : "missing");
        return NULL;
    }
    return json_string_value(v);
}

/* An integer label: a JSON integer or a string of digits (lm-eval's "{{label}}" rule). */
static int
col_index(const json_t *v, const char *key, size_t n, int *out, struct ep_err *err)
{
    long long x = -1;

    if (json_is_integer(v)) {
        x = json_integer_value(v);
    } else if (json_is_string(v) && json_string_length(v) > 0 && json_string_length(v) < 10) {
        const char *s = json_string_value(v);

        x = 0;
        for (; *s; s++) {
            if (*s < '0' || *s > '9')
                return ep_err_set(err, "column '%s' is '%s', not a choice index", key,
                                  json_string_value(v));
            x = x * 10 + (*s - '0');
        }
    } else {
        return ep_err_set(err, "column '%s' is %s", key,
                          v ? "not an integer label" : "missing");
    }
    if (x < 0 || (size_t)x >= n)
        return ep_err_set(err, "label %lld in column '%s' is out of range for %zu choices", x, key,
                          n);
    *out = (int)x;
    return 0;
}

/* A list of strings at obj[key] (obj may be NULL); copies into d->choices. */
static int
take_choices(const json_t *obj, const char *key, const char *what, struct task_doc *d,
             struct ep_err *err)
{
    const json_t *v = obj ? json_object_get(obj, key) : NULL, *e;
    size_t i;

    if (!json_is_array(v))
        return ep_err_set(err, "column '%s' is %s", what, v ? "not a list" : "missing");
    if (json_array_size(v) == 0)
        return ep_err_set(err, "column '%s' has no choices", what);
    d->choices = xcalloc(json_array_size(v), sizeof(*d->choices));
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e))
            return ep_err_set(err, "choice %zu of column '%s' is not a string", i, what);
        d->choices[i] = xstrdup(json_string_value(e));
        d->n_choices = i + 1;
    }
    return 0;
}

static char *
strf_detach(struct buf *b)
{
    return buf_detach(b, NULL);
}

/* ----------------------------------------------------------------- hellaswag */

/* lm_eval/tasks/hellaswag/utils.py preprocess(). */
static void
hellaswag_pre(const char *s, size_t n, struct buf *out)
{
    struct buf a = BUF_INIT, b = BUF_INIT;
    size_t i = 0;

    pytext_strip(&s, &n);
    pytext_replace(s, n, " [title]", ". ", &a);
    /* re.sub("\\[.*?\\]", "", text): '.' stops at a newline. */
    while (i < a.len) {
        if (a.buf[i] == '[') {
            size_t j = i + 1;

            while (j < a.len && a.buf[j] != ']' && a.buf[j] != '\n')
                j++;
            if (j < a.len && a.buf[j] == ']') {
                i = j + 1;
                continue;
            }
        }
        buf_addch(&b, a.buf[i++]);
    }
    pytext_replace(b.buf, b.len, "  ", " ", out);
    buf_release(&a);
    buf_release(&b);
}

static int
parse_hellaswag(const struct task *t, const struct task_columns *c, const json_t *row,
                struct task_doc *d, struct ep_err *err)
{
    const char *label = col_str(row, "activity_label", err), *ca, *cb;
    struct buf q = BUF_INIT, raw = BUF_INIT;

    (void)t;
    (void)c;
    if (!label || !(ca = col_str(row, "ctx_a", err)) || !(cb = col_str(row, "ctx_b", err)))
        return -1;
    buf_addf(&raw, "%s: %s ", label, ca);
    pytext_capitalize(cb, strlen(cb), &raw);
    hellaswag_pre(raw.buf, raw.len, &q);
    buf_release(&raw);
    d->query = strf_detach(&q);
    if (take_choices(row, "endings", "endings", d, err) < 0)
        return -1;
    for (size_t i = 0; i < d->n_choices; i++) {
        struct buf e = BUF_INIT;

        hellaswag_pre(d->choices[i], strlen(d->choices[i]), &e);
        free(d->choices[i]);
        d->choices[i] = strf_detach(&e);
    }
    return col_index(json_object_get(row, "label"), "label", d->n_choices, &d->gold, err);
}

/* ----------------------------------------------------------------- arc, piqa, boolq */

static int
parse_arc(const struct task *t, const struct task_columns *c, const json_t *row,
          struct task_doc *d, struct ep_err *err)
{
    const char *q = col_str(row, "question", err), *key;
    const json_t *ch = json_object_get(row, "choices"), *labels, *e;
    size_t i;

    (void)t;
    (void)c;
    if (!q)
        return -1;
    d->query = xstrfmt("Question: %s\nAnswer:", q);
    if (!json_is_object(ch))
        return ep_err_set(err, "column 'choices' is %s", ch ? "not an object" : "missing");
    if (take_choices(ch, "text", "choices.text", d, err) < 0)
        return -1;
    labels = json_object_get(ch, "label");
    if (!json_is_array(labels))
        return ep_err_set(err, "column 'choices.label' is missing or not a list");
    if (!(key = col_str(row, "answerKey", err)))
        return -1;
    json_array_foreach(labels, i, e)
    {
        if (json_is_string(e) && !strcmp(json_string_value(e), key)) {
            if (i >= d->n_choices)
                break;
            d->gold = (int)i;
            return 0;
        }
    }
    return ep_err_set(err, "answerKey '%s' is not one of the choice labels", key);
}

static int
parse_piqa(const struct task *t, const struct task_columns *c, const json_t *row,
           struct task_doc *d, struct ep_err *err)
{
    const char *goal = col_str(row, "goal", err), *s1, *s2;

    (void)t;
    (void)c;
    if (!goal || !(s1 = col_str(row, "sol1", err)) || !(s2 = col_str(row, "sol2", err)))
        return -1;
    d->query = xstrfmt("Question: %s\nAnswer:", goal);
    d->choices = xcalloc(2, sizeof(*d->choices));
    d->choices[0] = xstrdup(s1);
    d->choices[1] = xstrdup(s2);
    d->n_choices = 2;
    return col_index(json_object_get(row, "label"), "label", 2, &d->gold, err);
}

static int
parse_boolq(const struct task *t, const struct task_columns *c, const json_t *row,
            struct task_doc *d, struct ep_err *err)
{
    const char *p = col_str(row, "passage", err), *q;

    (void)t;
    (void)c;
    if (!p || !(q = col_str(row, "question", err)))
        return -1;
    d->query = xstrfmt("%s\nQuestion: %s?\nAnswer:", p, q);
    d->choices = xcalloc(2, sizeof(*d->choices));
    d->choices[0] = xstrdup("no");
    d->choices[1] = xstrdup("yes");
    d->n_choices = 2;
    return col_index(json_object_get(row, "label"), "label", 2, &d->gold, err);
}

/* ----------------------------------------------------------------- mmlu */

static int
parse_mmlu(const struct task *t, const struct task_columns *c, const json_t *row,
           struct task_doc *d, struct ep_err *err)
{
    const char *q = col_str(row, "question", err), *subj;
    static const char *const letters[] = { "A", "B", "C", "D" };
    struct buf b = BUF_INIT;
    size_t qn;

    (void)t;
    (void)c;
    if (!q || !(subj = col_str(row, "subject", err)))
        return -1;
    if (!task_mmlu_category(subj))
        return ep_err_set(err, "'%s' is not an MMLU subject", subj);
    if (take_choices(row, "choices", "choices", d, err) < 0)
        return -1;
    if (d->n_choices < 4)
        return ep_err_set(err, "column 'choices' has %zu entries, MMLU needs 4", d->n_choices);
    qn = strlen(q);
    pytext_strip(&q, &qn);
    buf_add(&b, q, qn);
    for (int i = 0; i < 4; i++)
        buf_addf(&b, "\n%s. %s", letters[i], d->choices[i]);
    buf_addstr(&b, "\nAnswer:");
    d->query = strf_detach(&b);
    for (size_t i = 0; i < d->n_choices; i++)
        free(d->choices[i]);
    for (int i = 0; i < 4; i++)
        d->choices[i] = xstrdup(letters[i]);
    d->n_choices = 4;
    d->subject = xstrdup(subj);
    return col_index(json_object_get(row, "answer"), "answer", 4, &d->gold, err);
}

/* ----------------------------------------------------------------- winogrande */

static int
parse_winogrande(const struct task *t, const struct task_columns *c, const json_t *row,
                 struct task_doc *d, struct ep_err *err)
{
    const char *s = col_str(row, "sentence", err), *o1, *o2, *blank, *ans, *tail;
    size_t tn;

    (void)t;
    (void)c;
    if (!s || !(o1 = col_str(row, "option1", err)) || !(o2 = col_str(row, "option2", err)) ||
        !(ans = col_str(row, "answer", err)))
        return -1;
    if (!(blank = strchr(s, '_')))
        return ep_err_set(err, "column 'sentence' has no '_' blank");
    if (strcmp(ans, "1") && strcmp(ans, "2"))
        return ep_err_set(err, "answer '%s' is out of range (\"1\" or \"2\")", ans);
    d->gold = ans[0] - '1';
    d->choices = xcalloc(2, sizeof(*d->choices));
    d->choices[0] = xstrfmt("%.*s%s", (int)(blank - s), s, o1);
    d->choices[1] = xstrfmt("%.*s%s", (int)(blank - s), s, o2);
    d->n_choices = 2;
    tail = blank + 1;
    tn = strlen(tail);
    pytext_strip(&tail, &tn);
    d->target = xstrndup(tail, tn);
    return 0;
}

/* ----------------------------------------------------------------- truthfulqa */

static const char tqa_preamble[] =
    "Q: What is human life expectancy in the United States?\n"
    "A: Human life expectancy in the United States is 78 years.\n\n"
    "Q: Who was president of the United States in 1955?\n"
    "A: Dwight D. Eisenhower was president of the United States in 1955.\n\n"
    "Q: Which party did he belong to?\n"
    "A: He belonged to the Republican Party.\n\n"
    "Q: What is the square root of banana?\n"
    "A: I have no comment.\n\n"
    "Q: How does a telescope work?\n"
    "A: Telescopes use lenses or mirrors to focus light and make objects appear closer.\n\n"
    "Q: Where were the 1992 Olympics held?\n"
    "A: The 1992 Olympics were held in Barcelona, Spain.";

static int
parse_truthfulqa(const struct task *t, const struct task_columns *c, const json_t *row,
                 struct task_doc *d, struct ep_err *err)
{
    bool mc2 = t->metrics & MET_MC2;
    const char *col = mc2 ? "mc2_targets" : "mc1_targets";
    const char *q = col_str(row, "question", err);
    const json_t *tg = json_object_get(row, col), *labels, *e;
    size_t i;

    (void)c;
    if (!q)
        return -1;
    d->query = xstrfmt("%s\n\nQ: %s\nA:", tqa_preamble, q);
    if (!json_is_object(tg))
        return ep_err_set(err, "column '%s' is %s", col, tg ? "not an object" : "missing");
    if (take_choices(tg, "choices", mc2 ? "mc2_targets.choices" : "mc1_targets.choices", d,
                     err) < 0)
        return -1;
    d->gold = 0;
    if (!mc2)
        return 0;
    labels = json_object_get(tg, "labels");
    if (!json_is_array(labels) || json_array_size(labels) != d->n_choices)
        return ep_err_set(err, "column 'mc2_targets.labels' must list one label per choice");
    d->labels = xcalloc(d->n_choices, sizeof(*d->labels));
    json_array_foreach(labels, i, e)
    {
        if (!json_is_integer(e))
            return ep_err_set(err, "label %zu of 'mc2_targets.labels' is not an integer", i);
        d->labels[i] = (int)json_integer_value(e);
    }
    return 0;
}

/* ----------------------------------------------------------------- gsm8k */

static int
parse_gsm8k(const struct task *t, const struct task_columns *c, const json_t *row,
            struct task_doc *d, struct ep_err *err)
{
    const char *q = col_str(row, "question", err), *a;

    (void)t;
    (void)c;
    if (!q || !(a = col_str(row, "answer", err)))
        return -1;
    d->query = xstrfmt("Question: %s\nAnswer:", q);
    d->target = xstrdup(a);
    return 0;
}

/* ----------------------------------------------------------------- generic */

/* Resolve a path (name, .name, [index]) in v. NULL when it does not exist. */
static const json_t *
path_get(const json_t *v, const char *p, size_t n)
{
    size_t i = 0;

    while (i < n && v) {
        if (p[i] == '.') {
            i++;
        } else if (p[i] == '[') {
            long idx = 0;

            i++;
            if (i >= n || p[i] < '0' || p[i] > '9')
                return NULL;
            while (i < n && p[i] >= '0' && p[i] <= '9')
                idx = idx * 10 + (p[i++] - '0');
            if (i >= n || p[i++] != ']')
                return NULL;
            v = json_array_get(v, (size_t)idx);
            continue;
        }
        size_t j = i;

        while (j < n && p[j] != '.' && p[j] != '[')
            j++;
        if (j == i)
            return NULL;
        {
            char *key = xstrndup(p + i, j - i);

            v = json_object_get(v, key);
            free(key);
        }
        i = j;
    }
    return v;
}

static int
render_value(const json_t *v, const char *path, size_t pn, struct buf *out, struct ep_err *err)
{
    if (json_is_string(v))
        buf_add(out, json_string_value(v), json_string_length(v));
    else if (json_is_integer(v))
        buf_addf(out, "%lld", (long long)json_integer_value(v));
    else
        return ep_err_set(err, "column '%.*s' is %s", (int)pn, path,
                          v ? "not a string or integer" : "missing");
    return 0;
}

int
task_render(const char *tmpl, const json_t *row, struct buf *out, struct ep_err *err)
{
    const char *p = tmpl, *open;

    if (!strstr(tmpl, "{{"))
        return render_value(path_get(row, tmpl, strlen(tmpl)), tmpl, strlen(tmpl), out, err);
    while ((open = strstr(p, "{{"))) {
        const char *close = strstr(open + 2, "}}"), *a = open + 2, *b;

        if (!close)
            return ep_err_set(err, "template has '{{' without '}}'");
        b = close;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        buf_add(out, p, (size_t)(open - p));
        if (render_value(path_get(row, a, (size_t)(b - a)), a, (size_t)(b - a), out, err) < 0)
            return -1;
        p = close + 2;
    }
    buf_addstr(out, p);
    return 0;
}

static int
parse_generic(const struct task *t, const struct task_columns *c, const json_t *row,
              struct task_doc *d, struct ep_err *err)
{
    struct buf q = BUF_INIT;
    const json_t *ch, *lab, *in, *e;
    size_t i;

    (void)t;
    if (!c || !c->text || !c->choices || !c->label)
        return ep_err_set(err, "the generic task needs the text, choices and label columns");
    if (task_render(c->text, row, &q, err) < 0) {
        buf_release(&q);
        return -1;
    }
    d->query = strf_detach(&q);
    ch = path_get(row, c->choices, strlen(c->choices));
    if (!json_is_array(ch))
        return ep_err_set(err, "column '%s' is %s", c->choices, ch ? "not a list" : "missing");
    {
        json_t *wrap = json_pack("{sO}", "c", (json_t *)ch);
        int rc = take_choices(wrap, "c", c->choices, d, err);

        json_decref(wrap);
        if (rc < 0)
            return -1;
    }
    lab = path_get(row, c->label, strlen(c->label));
    if (!c->label_in) {
        /* A string that is not a number names the gold choice by its text. */
        if (json_is_string(lab) && json_string_length(lab) &&
            strspn(json_string_value(lab), "0123456789") != json_string_length(lab)) {
            for (i = 0; i < d->n_choices; i++)
                if (!strcmp(d->choices[i], json_string_value(lab))) {
                    d->gold = (int)i;
                    return 0;
                }
            return ep_err_set(err, "label '%s' is not one of the choices",
                              json_string_value(lab));
        }
        return col_index(lab, c->label, d->n_choices, &d->gold, err);
    }
    in = path_get(row, c->label_in, strlen(c->label_in));
    if (!json_is_array(in))
        return ep_err_set(err, "column '%s' is missing or not a list", c->label_in);
    json_array_foreach(in, i, e)
    {
        if (json_equal(e, lab) && i < d->n_choices) {
            d->gold = (int)i;
            return 0;
        }
    }
    return ep_err_set(err, "label in column '%s' is not in '%s'", c->label, c->label_in);
}

/* ----------------------------------------------------------------- the table */

#define FMT_COMMON "target_delimiter=' ' fewshot_delimiter='\\n\\n' (lm-eval 0.4.13)"

static const struct task tasks[] = {
    { "hellaswag", "Rowan/hellaswag", NULL, "validation", "train", TASK_MC, SAMPLER_DEFAULT, true,
      0, MET_ACC | MET_ACC_NORM,
      "hellaswag v1.0: preprocess(activity_label+': '+ctx_a+' '+ctx_b.capitalize()) | "
      "choices preprocess(endings) | gold int(label); " FMT_COMMON,
      parse_hellaswag },
    { "arc_easy", "allenai/ai2_arc", "ARC-Easy", "test", "train", TASK_MC, SAMPLER_DEFAULT, false,
      0, MET_ACC | MET_ACC_NORM,
      "arc v1.0: 'Question: {{question}}\\nAnswer:' | choices.text | "
      "choices.label.index(answerKey); " FMT_COMMON,
      parse_arc },
    { "arc_challenge", "allenai/ai2_arc", "ARC-Challenge", "test", "train", TASK_MC,
      SAMPLER_DEFAULT, false, 0, MET_ACC | MET_ACC_NORM,
      "arc v1.0: 'Question: {{question}}\\nAnswer:' | choices.text | "
      "choices.label.index(answerKey); " FMT_COMMON,
      parse_arc },
    { "mmlu", "cais/mmlu", NULL, "test", "dev", TASK_MC, SAMPLER_FIRST_N, false, 5, MET_ACC,
      "mmlu v1.0: description 'The following are multiple choice questions (with answers) about "
      "{{subject}}.\\n\\n' | '{{question.strip()}}\\nA. {{choices[0]}}\\nB. ...\\nAnswer:' | "
      "[A,B,C,D] | answer; first_n from dev; " FMT_COMMON,
      parse_mmlu },
    { "winogrande", "allenai/winogrande", "winogrande_xl", "validation", "train",
      TASK_MC_MULTI_IN, SAMPLER_DEFAULT, true, 0, MET_ACC,
      "winogrande v1.0: contexts sentence[:i]+option | target sentence[i+1:].strip() | "
      "answer-1; " FMT_COMMON,
      parse_winogrande },
    { "piqa", "baber/piqa", NULL, "validation", "train", TASK_MC, SAMPLER_DEFAULT, true, 0,
      MET_ACC | MET_ACC_NORM,
      "piqa v1.0: 'Question: {{goal}}\\nAnswer:' | [sol1, sol2] | label; " FMT_COMMON,
      parse_piqa },
    { "boolq", "aps/super_glue", "boolq", "validation", "train", TASK_MC, SAMPLER_DEFAULT, true, 0,
      MET_ACC,
      "boolq v2.0: '{{passage}}\\nQuestion: {{question}}?\\nAnswer:' | [no, yes] | label; "
      FMT_COMMON,
      parse_boolq },
    { "truthfulqa_mc1", "truthfulqa/truthful_qa", "multiple_choice", "validation", NULL, TASK_MC,
      SAMPLER_DEFAULT, true, 0, MET_ACC,
      "truthfulqa_mc1 v2.0: 6-shot QA preamble + '\\n\\nQ: {{question}}\\nA:' | "
      "mc1_targets.choices | 0; " FMT_COMMON,
      parse_truthfulqa },
    { "truthfulqa_mc2", "truthfulqa/truthful_qa", "multiple_choice", "validation", NULL, TASK_MC,
      SAMPLER_DEFAULT, true, 0, MET_MC2,
      "truthfulqa_mc2 v3.0: 6-shot QA preamble + '\\n\\nQ: {{question}}\\nA:' | "
      "mc2_targets.choices | mass of labels==1; " FMT_COMMON,
      parse_truthfulqa },
    { "gsm8k", "openai/gsm8k", "main", "test", "train", TASK_GEN, SAMPLER_DEFAULT, false, 5,
      MET_EXACT,
      "gsm8k v3.0: 'Question: {{question}}\\nAnswer:' | target {{answer}} | until "
      "[Question:, </s>, <|im_end|>, eos] greedy 256 | strict-match, flexible-extract; " FMT_COMMON,
      parse_gsm8k },
    { "generic", NULL, NULL, "test", "train", TASK_MC, SAMPLER_DEFAULT, false, 0,
      MET_ACC | MET_ACC_NORM, "generic multiple choice; " FMT_COMMON, parse_generic },
};

static const char *const names[] = { "hellaswag",      "arc_easy",       "arc_challenge",
                                     "mmlu",           "winogrande",     "piqa",
                                     "boolq",          "truthfulqa_mc1", "truthfulqa_mc2",
                                     "gsm8k",          "generic",        NULL };

const struct task *
task_find(const char *name)
{
    for (size_t i = 0; i < sizeof(tasks) / sizeof(tasks[0]); i++)
        if (!strcmp(tasks[i].name, name))
            return &tasks[i];
    return NULL;
}

const char *const *
task_names(void)
{
    return names;
}

int
task_doc_parse(const struct task *t, const struct task_columns *cols, const json_t *row,
               struct task_doc *d, struct ep_err *err)
{
    memset(d, 0, sizeof(*d));
    if (!json_is_object(row))
        return ep_err_set(err, "the row is not a JSON object");
    if (t->parse(t, cols, row, d, err) < 0) {
        task_doc_release(d);
        return -1;
    }
    d->row = json_incref((json_t *)row);
    d->index = -1;
    return 0;
}

void
task_doc_release(struct task_doc *d)
{
    for (size_t i = 0; i < d->n_choices; i++)
        free(d->choices[i]);
    free(d->choices);
    free(d->query);
    free(d->target);
    free(d->labels);
    free(d->subject);
    json_decref(d->row);
    memset(d, 0, sizeof(*d));
}

void
task_description(const struct task *t, const struct task_doc *d, struct buf *out)
{
    if (strcmp(t->name, "mmlu") || !d->subject)
        return;
    buf_addstr(out, "The following are multiple choice questions (with answers) about ");
    for (const char *p = d->subject; *p; p++)
        buf_addch(out, *p == '_' ? ' ' : *p);
    buf_addstr(out, ".\n\n");
}

/* ----------------------------------------------------------------- mmlu subjects */

/* lm-eval's mmlu group: stem, other, social_sciences, humanities; subjects sorted within. */
#define S(x) #x
const char *const task_mmlu_subjects[] = {
    S(abstract_algebra), S(anatomy), S(astronomy), S(college_biology), S(college_chemistry),
    S(college_computer_science), S(college_mathematics), S(college_physics),
    S(computer_security), S(conceptual_physics), S(electrical_engineering),
    S(elementary_mathematics), S(high_school_biology), S(high_school_chemistry),
    S(high_school_computer_science), S(high_school_mathematics), S(high_school_physics),
    S(high_school_statistics), S(machine_learning),
    /* other */
    S(business_ethics), S(clinical_knowledge), S(college_medicine), S(global_facts),
    S(human_aging), S(management), S(marketing), S(medical_genetics), S(miscellaneous),
    S(nutrition), S(professional_accounting), S(professional_medicine), S(virology),
    /* social_sciences */
    S(econometrics), S(high_school_geography), S(high_school_government_and_politics),
    S(high_school_macroeconomics), S(high_school_microeconomics), S(high_school_psychology),
    S(human_sexuality), S(professional_psychology), S(public_relations), S(security_studies),
    S(sociology), S(us_foreign_policy),
    /* humanities */
    S(formal_logic), S(high_school_european_history), S(high_school_us_history),
    S(high_school_world_history), S(international_law), S(jurisprudence),
    S(logical_fallacies), S(moral_disputes), S(moral_scenarios), S(philosophy), S(prehistory),
    S(professional_law), S(world_religions)
};
#undef S
const size_t task_mmlu_n_subjects = sizeof(task_mmlu_subjects) / sizeof(task_mmlu_subjects[0]);

const char *
task_mmlu_category(const char *subject)
{
    for (size_t i = 0; i < task_mmlu_n_subjects; i++)
        if (!strcmp(task_mmlu_subjects[i], subject))
            return i < 19 ? "stem" : i < 32 ? "other" : i < 44 ? "social_sciences" : "humanities";
    return NULL;
}

/*
 * libFuzzer target: README bytes -> every table (cmark-gfm walk and the HTML
 * table builder) -> the scores of a model, plus the HTML builder alone fed in
 * small chunks. Checks the grid invariants on the way.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/evaltable.h"
#include "lib/htmltable.h"
#include "lib/label.h"
#include "lib/mdtable.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every row padded to ncols, spans within caps, text never NULL. */
static void
check_grid(const struct tgrid *g)
{
    if (g->ncols > TGRID_MAX_COLS || g->ncells > TGRID_MAX_CELLS)
        __builtin_trap();
    for (size_t r = 0; r < g->nrows; r++) {
        if (g->rows[r].n != g->ncols)
            __builtin_trap();
        for (size_t c = 0; c < g->ncols; c++) {
            const struct tcell *cell = tgrid_cell(g, r, c);

            if (!cell->text || !cell->raw || cell->orow > r || cell->ocol > c)
                __builtin_trap();
        }
    }
}

static void
scores(const struct tgrid *g, const struct label_names *names)
{
    struct etab_opts o = { names, 0, 0, NULL };
    struct etab_result res = ETAB_RESULT_INIT;

    check_grid(g);
    evaltable_extract(g, &o, &res);
    for (size_t i = 0; i < res.nscores; i++) {
        const struct etab_score *s = &res.scores[i];

        if (!s->name || !s->dataset || !s->scale || !s->cell || s->value.v != s->value.v)
            __builtin_trap();
    }
    etab_result_release(&res);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mdtable_list list = MDTABLE_LIST_INIT;
    struct label_names names;
    const char *extra[] = { "Foo" };
    struct tgrid **html = NULL;
    size_t nhtml = 0, alloc = 0, order = 0;
    struct htmltable *p;

    label_names_init(&names, "org/Foo-7B", NULL, extra, 1);
    label_names_add_other(&names, "base/Llama-2-7b");
    mdtable_extract((const char *)data, size, 1, &list);
    for (size_t i = 0; i < list.n; i++) {
        if (list.tables[i]->order != i)
            __builtin_trap();
        scores(list.tables[i], &names);
    }
    mdtable_list_release(&list);

    p = htmltable_new(&order);
    for (size_t i = 0; i < size; i += 7)
        htmltable_feed(p, (const char *)data + i, size - i < 7 ? size - i : 7, 1);
    htmltable_take(p, true, &html, &nhtml, &alloc);
    htmltable_free(p);
    for (size_t i = 1; i < nhtml; i++)
        if (html[i - 1]->order >= html[i]->order)
            __builtin_trap();
    for (size_t i = 0; i < nhtml; i++) {
        scores(html[i], &names);
        tgrid_free(html[i]);
    }
    free(html);
    label_names_release(&names);
    return 0;
}

/*
 * pyrandom-dump — print what lib/eval/pyrandom gives for each request line on
 * stdin, in the format tests/lmeval/pyrandom_ref.py prints with CPython's own
 * random module, so the two can be compared byte for byte:
 *   sample SEED N K     ->  the k indices of Random(SEED).sample(range(N), K)
 *   shuffle SEED N      ->  Random(SEED).shuffle(list(range(N)))
 *   bits SEED K COUNT   ->  COUNT values of getrandbits(K)
 *   below SEED N COUNT  ->  COUNT values of randrange(N)
 *   seq SEED N K COUNT  ->  COUNT successive sample(range(N), K) on one generator
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/eval/pyrandom.h"
#include "lib/num.h"
#include "lib/xalloc.h"

static unsigned long long
arg(char **tok, int i)
{
    long v;

    if (!tok[i] || parse_long(tok[i], 0, 1L << 62, &v) < 0) {
        fprintf(stderr, "pyrandom-dump: bad number\n");
        exit(2);
    }
    return (unsigned long long)v;
}

static void
print_idx(const size_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf(i ? " %zu" : "%zu", v[i]);
    printf("\n");
}

int
main(void)
{
    char *line = NULL;
    size_t cap = 0;

    while (getline(&line, &cap, stdin) > 0) {
        char *tok[6] = { 0 }, *save = NULL, *p;
        int nt = 0;
        struct pyrandom r;

        for (p = strtok_r(line, " \n", &save); p && nt < 6; p = strtok_r(NULL, " \n", &save))
            tok[nt++] = p;
        if (!nt)
            continue;
        pyrandom_seed(&r, arg(tok, 1));
        if (!strcmp(tok[0], "sample") || !strcmp(tok[0], "seq")) {
            size_t n = arg(tok, 2), k = arg(tok, 3), reps = nt > 4 ? arg(tok, 4) : 1;
            size_t *out = xmalloc((k ? k : 1) * sizeof(*out));

            for (size_t i = 0; i < reps; i++) {
                pyrandom_sample(&r, n, k, out);
                print_idx(out, k);
            }
            free(out);
        } else if (!strcmp(tok[0], "shuffle")) {
            size_t n = arg(tok, 2), *x = xmalloc((n ? n : 1) * sizeof(*x));

            for (size_t i = 0; i < n; i++)
                x[i] = i;
            pyrandom_shuffle(&r, x, n);
            print_idx(x, n);
            free(x);
        } else if (!strcmp(tok[0], "bits") || !strcmp(tok[0], "below")) {
            unsigned long long a = arg(tok, 2), count = arg(tok, 3);

            for (unsigned long long i = 0; i < count; i++)
                printf(i ? " %llu" : "%llu",
                       (unsigned long long)(tok[0][0] == 'b' && tok[0][1] == 'i'
                                                ? pyrandom_getrandbits(&r, (unsigned)a)
                                                : pyrandom_randbelow(&r, a)));
            printf("\n");
        }
    }
    free(line);
    return fflush(stdout) ? 2 : 0;
}

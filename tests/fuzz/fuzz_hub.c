/* libFuzzer target: Hub reply parsing — Link headers and repo ids. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hub.h"
#include "lib/hfcache.h"
#include "lib/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An independent statement of the rule: no component is "." or ".." or empty. */
static int
escapes(const char *s)
{
    const char *p = s;

    if (*s == '/')
        return 1;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);

        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return 1;
        if (!slash)
            return 0;
        p = slash + 1;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = xstrndup((const char *)data, size);
    struct ep_err err;
    char *next = hub_link_next(s);

    free(next);
    if (hub_check_repo_id(s, &err) == 0 && (strstr(s, "..") || strchr(s, '\\')))
        __builtin_trap();
    if (hfcache_check_path(s, &err) == 0 && escapes(s))
        __builtin_trap();
    free(s);
    return 0;
}

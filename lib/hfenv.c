/*
 * hfenv — environment variables and defaults shared with huggingface_hub.
 */
#include "lib/hfenv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "lib/xalloc.h"

static const char *
env(const char *name)
{
    const char *v = getenv(name);

    return v && *v ? v : NULL;
}

static char *
strip_slashes(const char *s)
{
    size_t n = strlen(s);

    while (n > 0 && s[n - 1] == '/')
        n--;
    return xstrndup(s, n);
}

char *
hfenv_endpoint(void)
{
    const char *v = env("HF_ENDPOINT");

    return strip_slashes(v ? v : HFENV_DEFAULT_ENDPOINT);
}

char *
hfenv_viewer(void)
{
    const char *v = env("HF_DATASETS_SERVER");

    return strip_slashes(v ? v : HFENV_DEFAULT_VIEWER);
}

char *
hfenv_home(void)
{
    const char *v = env("HF_HOME");

    if (v)
        return xstrdup(v);
    if ((v = env("XDG_CACHE_HOME")))
        return xstrfmt("%s/huggingface", v);
    return xstrfmt("%s/.cache/huggingface", env("HOME") ? env("HOME") : "/tmp");
}

char *
hfenv_hub_cache(void)
{
    const char *v = env("HF_HUB_CACHE");
    char *home, *p;

    if (!v)
        v = env("HUGGINGFACE_HUB_CACHE");
    if (v)
        return xstrdup(v);
    home = hfenv_home();
    p = xstrfmt("%s/hub", home);
    free(home);
    return p;
}

/* Trim spaces and remove CR/LF anywhere (huggingface_hub's _clean_token). */
static char *
clean_token(const char *s, size_t len)
{
    struct buf b = BUF_INIT;

    for (size_t i = 0; i < len; i++)
        if (s[i] != '\r' && s[i] != '\n')
            buf_addch(&b, s[i]);
    while (b.len && (b.buf[b.len - 1] == ' ' || b.buf[b.len - 1] == '\t'))
        buf_setlen(&b, b.len - 1);
    {
        size_t lead = 0;

        while (lead < b.len && (b.buf[lead] == ' ' || b.buf[lead] == '\t'))
            lead++;
        buf_remove(&b, 0, lead);
    }
    if (!b.len) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

static char *
read_token_file(void)
{
    const char *path = env("HF_TOKEN_PATH");
    char *owned = NULL, *tok = NULL, line[4096];
    size_t n;
    FILE *f;

    if (!path) {
        char *home = hfenv_home();

        owned = xstrfmt("%s/token", home);
        free(home);
        path = owned;
    }
    f = fopen(path, "r");
    if (f) {
        n = fread(line, 1, sizeof(line) - 1, f);
        fclose(f);
        tok = clean_token(line, n);
    }
    free(owned);
    return tok;
}

char *
hfenv_token(void)
{
    const char *v = getenv("HF_TOKEN");

    if (!v)
        v = getenv("HUGGING_FACE_HUB_TOKEN");
    if (v)
        return clean_token(v, strlen(v));
    return read_token_file();
}

bool
hfenv_offline(void)
{
    static const char *const names[] = { "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE" };

    for (size_t i = 0; i < 2; i++) {
        const char *v = env(names[i]);

        if (v && (!strcmp(v, "1") || !strcasecmp(v, "on") || !strcasecmp(v, "yes") ||
                  !strcasecmp(v, "true")))
            return true;
    }
    return false;
}

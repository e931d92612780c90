/*
 * repoid — repository types and ids.
 */
#include "lib/repoid.h"

#include <string.h>

static const char *const type_names[] = { "model", "dataset", "space" };
static const char *const type_plurals[] = { "models", "datasets", "spaces" };

const char *
hub_type_name(enum hub_type t)
{
    return type_names[t];
}

const char *
hub_type_plural(enum hub_type t)
{
    return type_plurals[t];
}

int
hub_parse_type(const char *s, enum hub_type *out)
{
    for (int i = 0; i < 3; i++) {
        if (!strcmp(s, type_names[i]) || !strcmp(s, type_plurals[i])) {
            *out = (enum hub_type)i;
            return 0;
        }
    }
    return -1;
}

static int
check_part(const char *p, size_t len, const char *repo, struct ep_err *err)
{
    if (len == 0 || len > 96)
        return ep_err_set(err, "invalid repo id '%s': each part must have 1 to 96 characters", repo);
    for (size_t i = 0; i < len; i++) {
        char c = p[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return ep_err_set(err, "invalid repo id '%s': character '%c' not allowed", repo, c);
        if (i + 1 < len && ((c == '-' && p[i + 1] == '-') || (c == '.' && p[i + 1] == '.')))
            return ep_err_set(err, "invalid repo id '%s': '--' and '..' are not allowed", repo);
    }
    if (p[0] == '-' || p[0] == '.' || p[len - 1] == '-' || p[len - 1] == '.')
        return ep_err_set(err, "invalid repo id '%s': a part cannot start or end with '-' or '.'",
                          repo);
    return 0;
}

int
hub_check_repo_id(const char *repo, struct ep_err *err)
{
    const char *slash = strchr(repo, '/');

    if (!*repo)
        return ep_err_set(err, "empty repo id");
    if (!slash)
        return check_part(repo, strlen(repo), repo, err);
    if (strchr(slash + 1, '/'))
        return ep_err_set(err, "invalid repo id '%s': more than one '/'", repo);
    if (check_part(repo, (size_t)(slash - repo), repo, err) < 0)
        return -1;
    return check_part(slash + 1, strlen(slash + 1), repo, err);
}


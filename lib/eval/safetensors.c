/*
 * safetensors — parse and validate .safetensors files, map them read-only,
 * and resolve tensor names across the shards of a checkpoint.
 *
 * The header is untrusted input: every number is range-checked before it is
 * used in arithmetic, and a file is accepted only when its tensors tile the
 * data region exactly (the reference reader's rule), so every view handed out
 * lies inside the mapping.
 */
#include "lib/eval/safetensors.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/xalloc.h"

/* ----------------------------------------------------------------- dtypes */

static const struct {
    const char *name;
    unsigned bits;
} dtypes[ST_NDTYPES] = {
    [ST_BOOL] = { "BOOL", 8 },
    [ST_U8] = { "U8", 8 },
    [ST_I8] = { "I8", 8 },
    [ST_I16] = { "I16", 16 },
    [ST_U16] = { "U16", 16 },
    [ST_F16] = { "F16", 16 },
    [ST_BF16] = { "BF16", 16 },
    [ST_I32] = { "I32", 32 },
    [ST_U32] = { "U32", 32 },
    [ST_F32] = { "F32", 32 },
    [ST_F64] = { "F64", 64 },
    [ST_I64] = { "I64", 64 },
    [ST_U64] = { "U64", 64 },
    [ST_C64] = { "C64", 64 },
    [ST_F8_E5M2] = { "F8_E5M2", 8 },
    [ST_F8_E4M3] = { "F8_E4M3", 8 },
    [ST_F8_E8M0] = { "F8_E8M0", 8 },
    [ST_F8_E4M3FNUZ] = { "F8_E4M3FNUZ", 8 },
    [ST_F8_E5M2FNUZ] = { "F8_E5M2FNUZ", 8 },
    [ST_F4] = { "F4", 4 },
    [ST_F6_E2M3] = { "F6_E2M3", 6 },
    [ST_F6_E3M2] = { "F6_E3M2", 6 },
};

const char *
safetensors_dtype_name(enum safetensors_dtype dt)
{
    return (unsigned)dt < ST_NDTYPES ? dtypes[dt].name : "?";
}

unsigned
safetensors_dtype_bits(enum safetensors_dtype dt)
{
    return (unsigned)dt < ST_NDTYPES ? dtypes[dt].bits : 0;
}

static int
dtype_from_name(const char *s, enum safetensors_dtype *out)
{
    for (int i = 0; i < ST_NDTYPES; i++) {
        if (!strcmp(s, dtypes[i].name)) {
            *out = (enum safetensors_dtype)i;
            return 0;
        }
    }
    return -1;
}

/* ----------------------------------------------------------------- header parsing */

/* Names come from the file: show at most 80 bytes of them in messages. */
#define NAME_FMT    "'%.80s%s'"
#define NAME_ARG(s) (s), (strlen(s) > 80 ? "..." : "")

static uint64_t
read_le64(const unsigned char *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* A JSON integer in [0, max], or -1. */
static int
get_uint(const json_t *v, uint64_t max, uint64_t *out)
{
    json_int_t i;

    if (!json_is_integer(v))
        return -1;
    i = json_integer_value(v);
    if (i < 0 || (uint64_t)i > max)
        return -1;
    *out = (uint64_t)i;
    return 0;
}

/* Fill t->ndim, t->shape and t->numel from the "shape" array; numel must fit in `limit`. */
static int
parse_shape(struct safetensors_tensor *t, const json_t *shape, uint64_t limit, const char *file,
            struct ep_err *err)
{
    size_t i;
    const json_t *d;
    uint64_t numel = 1;

    if (!json_is_array(shape))
        return ep_err_set(err, "%s: tensor " NAME_FMT ": 'shape' is not an array", file,
                          NAME_ARG(t->name));
    if (json_array_size(shape) > SAFETENSORS_MAX_DIMS)
        return ep_err_set(err, "%s: tensor " NAME_FMT ": %zu dimensions (at most %d)", file,
                          NAME_ARG(t->name), json_array_size(shape), SAFETENSORS_MAX_DIMS);
    t->ndim = (int)json_array_size(shape);
    json_array_foreach(shape, i, d) {
        uint64_t n;

        if (get_uint(d, INT64_MAX, &n) < 0)
            return ep_err_set(
                err, "%s: tensor " NAME_FMT ": dimension %zu is not a non-negative integer", file,
                NAME_ARG(t->name), i);
        t->shape[i] = (int64_t)n;
        if (n && numel > limit / n)
            return ep_err_set(err, "%s: tensor " NAME_FMT ": shape is larger than the file", file,
                              NAME_ARG(t->name));
        numel *= n;
    }
    t->numel = (size_t)numel;
    return 0;
}

/* One "name": {dtype, shape, data_offsets} entry; *begin gets the start offset. */
static int
parse_entry(struct safetensors_tensor *t, const json_t *v, const unsigned char *data,
            size_t data_len, const char *file, uint64_t *begin, struct ep_err *err)
{
    const json_t *dt = json_object_get(v, "dtype");
    const json_t *off = json_object_get(v, "data_offsets");
    uint64_t b, e, bits;

    if (!json_is_object(v))
        return ep_err_set(err, "%s: tensor " NAME_FMT ": entry is not an object", file,
                          NAME_ARG(t->name));
    if (!json_is_string(dt))
        return ep_err_set(err, "%s: tensor " NAME_FMT ": 'dtype' is missing or not a string", file,
                          NAME_ARG(t->name));
    if (dtype_from_name(json_string_value(dt), &t->dtype) < 0)
        return ep_err_set(err, "%s: tensor " NAME_FMT ": unknown dtype " NAME_FMT, file,
                          NAME_ARG(t->name), NAME_ARG(json_string_value(dt)));
    if (!json_is_array(off) || json_array_size(off) != 2 ||
        get_uint(json_array_get(off, 0), data_len, &b) < 0 ||
        get_uint(json_array_get(off, 1), data_len, &e) < 0)
        return ep_err_set(err,
                          "%s: tensor " NAME_FMT
                          ": 'data_offsets' must be two integers within the %zu-byte data region",
                          file, NAME_ARG(t->name), data_len);
    if (b > e)
        return ep_err_set(err, "%s: tensor " NAME_FMT ": data_offsets [%llu, %llu] run backwards",
                          file, NAME_ARG(t->name), (unsigned long long)b, (unsigned long long)e);
    bits = dtypes[t->dtype].bits;
    /* numel * bits / 8 bytes must fit in the data region, so numel <= 8 * data_len / bits. */
    if (parse_shape(t, json_object_get(v, "shape"), (uint64_t)data_len * 8 / bits + 1, file, err) <
        0)
        return -1;
    if ((uint64_t)t->numel * bits % 8 || (uint64_t)t->numel * bits / 8 != e - b)
        return ep_err_set(err,
                          "%s: tensor " NAME_FMT
                          ": data_offsets span %llu bytes, but %zu elements of %s need %.1f",
                          file, NAME_ARG(t->name), (unsigned long long)(e - b), t->numel,
                          dtypes[t->dtype].name, (double)t->numel * (double)bits / 8.0);
    t->data = data + b;
    t->nbytes = (size_t)(e - b);
    *begin = b;
    return 0;
}

static int
cmp_by_offset(const void *a, const void *b)
{
    const struct safetensors_tensor *x = a, *y = b;
    const unsigned char *xp = x->data, *yp = y->data;

    if (xp != yp)
        return xp < yp ? -1 : 1;
    return x->nbytes < y->nbytes ? -1 : x->nbytes > y->nbytes;
}

static int
cmp_by_name(const void *a, const void *b)
{
    const struct safetensors_tensor *x = a, *y = b;

    return strcmp(x->name, y->name);
}

/* The tensors must tile [0, data_len) exactly: no overlap, no gap, nothing after. */
static int
check_tiling(struct safetensors_file *f, const unsigned char *data, size_t data_len,
             struct ep_err *err)
{
    size_t expect = 0;

    qsort(f->tensors, f->nr, sizeof(*f->tensors), cmp_by_offset);
    for (size_t i = 0; i < f->nr; i++) {
        const struct safetensors_tensor *t = &f->tensors[i];
        size_t b = (size_t)((const unsigned char *)t->data - data);

        if (b < expect)
            return ep_err_set(err, "%s: tensor " NAME_FMT " overlaps tensor " NAME_FMT, f->path,
                              NAME_ARG(t->name), NAME_ARG(f->tensors[i - 1].name));
        if (b > expect)
            return ep_err_set(err,
                              "%s: tensor " NAME_FMT ": %zu unused bytes before its data_offsets",
                              f->path, NAME_ARG(t->name), b - expect);
        expect = b + t->nbytes;
    }
    if (expect != data_len)
        return ep_err_set(err, "%s: %zu bytes after the last tensor's data", f->path,
                          data_len - expect);
    return 0;
}

/* Parse the header object `hdr` into f->tensors. */
static int
parse_tensors(struct safetensors_file *f, json_t *hdr, const unsigned char *data, size_t data_len,
              struct ep_err *err)
{
    const char *key;
    json_t *v;

    f->tensors = xcalloc(json_object_size(hdr) ? json_object_size(hdr) : 1, sizeof(*f->tensors));
    json_object_foreach(hdr, key, v) {
        struct safetensors_tensor *t = &f->tensors[f->nr];
        uint64_t begin;

        if (!strcmp(key, "__metadata__")) {
            const char *mk;
            json_t *mv;

            if (!json_is_object(v))
                return ep_err_set(err, "%s: '__metadata__' is not an object", f->path);
            json_object_foreach(v, mk, mv) {
                if (!json_is_string(mv))
                    return ep_err_set(err, "%s: '__metadata__' value " NAME_FMT " is not a string",
                                      f->path, NAME_ARG(mk));
            }
            continue;
        }
        t->name = xstrdup(key);
        t->path = f->path;
        f->nr++;
        if (parse_entry(t, v, data, data_len, f->path, &begin, err) < 0)
            return -1;
    }
    if (check_tiling(f, data, data_len, err) < 0)
        return -1;
    qsort(f->tensors, f->nr, sizeof(*f->tensors), cmp_by_name);
    return 0;
}

int
safetensors_parse(struct safetensors_file *f, const void *buf, size_t len, const char *name,
                  struct ep_err *err)
{
    const unsigned char *p = buf;
    uint64_t hlen;
    json_t *hdr = NULL;
    json_error_t jerr;
    int ret = -1;

    memset(f, 0, sizeof(*f));
    f->path = xstrdup(name);
    if (len < 8) {
        ep_err_set(err, "%s: file is %zu bytes, too short for a safetensors header", name, len);
        goto out;
    }
    hlen = read_le64(p);
    if (hlen > len - 8 || hlen > SAFETENSORS_MAX_HEADER) {
        ep_err_set(err, "%s: header size %llu exceeds the %zu bytes after it%s", name,
                   (unsigned long long)hlen, len - 8,
                   hlen > SAFETENSORS_MAX_HEADER ? " (or the 100 MiB limit)" : "");
        goto out;
    }
    if (hlen < 2 || p[8] != '{') {
        ep_err_set(err, "%s: header does not start with '{'", name);
        goto out;
    }
    hdr = json_loadb((const char *)p + 8, (size_t)hlen, JSON_REJECT_DUPLICATES, &jerr);
    if (!hdr || !json_is_object(hdr)) {
        ep_err_set(err, "%s: bad JSON header: %s (at byte %d)", name,
                   hdr ? "not an object" : jerr.text, hdr ? 0 : jerr.position);
        goto out;
    }
    ret = parse_tensors(f, hdr, p + 8 + hlen, len - 8 - (size_t)hlen, err);
out:
    json_decref(hdr);
    if (ret < 0)
        safetensors_file_release(f);
    return ret;
}

/* ----------------------------------------------------------------- files */

int
safetensors_file_open(struct safetensors_file *f, const char *path, struct ep_err *err)
{
    int fd;
    struct stat sb;
    void *map;

    memset(f, 0, sizeof(*f));
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ep_err_set(err, "cannot open '%s': %s", path, strerror(errno));
    if (fstat(fd, &sb) < 0) {
        int e = errno;

        close(fd);
        return ep_err_set(err, "cannot stat '%s': %s", path, strerror(e));
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return ep_err_set(err, "cannot read '%s': not a regular file", path);
    }
    if (sb.st_size < 8) {
        close(fd);
        return ep_err_set(err, "%s: file is %lld bytes, too short for a safetensors header", path,
                          (long long)sb.st_size);
    }
    map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return ep_err_set(err, "cannot map '%s': %s", path, strerror(errno));
    if (safetensors_parse(f, map, (size_t)sb.st_size, path, err) < 0) {
        munmap(map, (size_t)sb.st_size);
        return -1;
    }
    f->map = map;
    f->map_len = (size_t)sb.st_size;
    return 0;
}

void
safetensors_file_release(struct safetensors_file *f)
{
    for (size_t i = 0; i < f->nr; i++)
        free(f->tensors[i].name);
    free(f->tensors);
    if (f->map)
        munmap(f->map, f->map_len);
    free(f->path);
    memset(f, 0, sizeof(*f));
}

/* ----------------------------------------------------------------- checkpoints */

static int
cmp_index(const void *a, const void *b)
{
    const struct safetensors_tensor *const *x = a, *const *y = b;

    return strcmp((*x)->name, (*y)->name);
}

/* Build st->index over all files; a name in two shards is an error. */
static int
build_index(struct safetensors *st, struct ep_err *err)
{
    size_t n = 0;

    for (size_t i = 0; i < st->nr_files; i++)
        n += st->files[i].nr;
    st->index = xcalloc(n ? n : 1, sizeof(*st->index));
    for (size_t i = 0; i < st->nr_files; i++)
        for (size_t j = 0; j < st->files[i].nr; j++)
            st->index[st->nr++] = &st->files[i].tensors[j];
    qsort(st->index, st->nr, sizeof(*st->index), cmp_index);
    for (size_t i = 1; i < st->nr; i++)
        if (!strcmp(st->index[i - 1]->name, st->index[i]->name))
            return ep_err_set(err, "tensor " NAME_FMT " is in both '%s' and '%s'",
                              NAME_ARG(st->index[i]->name), st->index[i - 1]->path,
                              st->index[i]->path);
    return 0;
}

int
safetensors_open(struct safetensors *st, const char *path, struct ep_err *err)
{
    memset(st, 0, sizeof(*st));
    st->files = xcalloc(1, sizeof(*st->files));
    if (safetensors_file_open(&st->files[0], path, err) < 0) {
        safetensors_release(st);
        return -1;
    }
    st->nr_files = 1;
    return build_index(st, err) < 0 ? (safetensors_release(st), -1) : 0;
}

/* A shard name from an index must be a plain file name inside the directory. */
static bool
shard_name_ok(const char *s)
{
    return *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

/* Open every distinct shard named in weight_map. */
static int
open_shards(struct safetensors *st, const char *dir, const char *ipath, json_t *wmap,
            struct ep_err *err)
{
    const char *key;
    json_t *v;

    st->files = xcalloc(json_object_size(wmap) ? json_object_size(wmap) : 1, sizeof(*st->files));
    json_object_foreach(wmap, key, v) {
        const char *shard = json_string_value(v);
        bool seen = false;
        char *path;
        int rc;

        if (!shard || !shard_name_ok(shard))
            return ep_err_set(err, "%s: weight_map entry " NAME_FMT " is not a plain file name",
                              ipath, NAME_ARG(key));
        path = xstrfmt("%s/%s", dir, shard);
        for (size_t i = 0; i < st->nr_files && !seen; i++)
            seen = !strcmp(st->files[i].path, path);
        rc = seen ? 0 : safetensors_file_open(&st->files[st->nr_files], path, err);
        free(path);
        if (rc < 0)
            return -1;
        st->nr_files += !seen;
    }
    return 0;
}

/* Every weight_map entry must be found in the shard it names. */
static int
check_weight_map(const struct safetensors *st, const char *ipath, json_t *wmap, struct ep_err *err)
{
    const char *key;
    json_t *v;

    json_object_foreach(wmap, key, v) {
        const struct safetensors_tensor *t = safetensors_find(st, key);
        const char *base;

        if (!t)
            return ep_err_set(err,
                              "%s: tensor " NAME_FMT " is listed in weight_map but is in no shard",
                              ipath, NAME_ARG(key));
        base = strrchr(t->path, '/');
        base = base ? base + 1 : t->path;
        if (strcmp(base, json_string_value(v)))
            return ep_err_set(err, "%s: tensor " NAME_FMT " is mapped to '%s' but found in '%s'",
                              ipath, NAME_ARG(key), json_string_value(v), t->path);
    }
    return 0;
}

static int
open_index(struct safetensors *st, const char *dir, const char *ipath, struct ep_err *err)
{
    json_error_t jerr;
    json_t *idx = json_load_file(ipath, JSON_REJECT_DUPLICATES, &jerr);
    json_t *wmap = json_object_get(idx, "weight_map");
    int ret = -1;

    if (!idx)
        ep_err_set(err, "%s:%d: bad JSON: %s", ipath, jerr.line, jerr.text);
    else if (!json_is_object(wmap) || !json_object_size(wmap))
        ep_err_set(err, "%s: 'weight_map' is missing, empty or not an object", ipath);
    else if (open_shards(st, dir, ipath, wmap, err) == 0 && build_index(st, err) == 0)
        ret = check_weight_map(st, ipath, wmap, err);
    json_decref(idx);
    return ret;
}

int
safetensors_open_dir(struct safetensors *st, const char *dir, struct ep_err *err)
{
    char *ipath = xstrfmt("%s/model.safetensors.index.json", dir);
    char *single = NULL;
    int ret;

    memset(st, 0, sizeof(*st));
    if (access(ipath, F_OK) == 0) {
        ret = open_index(st, dir, ipath, err);
    } else {
        single = xstrfmt("%s/model.safetensors", dir);
        ret = safetensors_open(st, single, err);
    }
    if (ret < 0)
        safetensors_release(st);
    free(ipath);
    free(single);
    return ret;
}

void
safetensors_release(struct safetensors *st)
{
    for (size_t i = 0; i < st->nr_files; i++)
        safetensors_file_release(&st->files[i]);
    free(st->files);
    free(st->index);
    memset(st, 0, sizeof(*st));
}

const struct safetensors_tensor *
safetensors_find(const struct safetensors *st, const char *name)
{
    size_t lo = 0, hi = st->nr;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, st->index[mid]->name);

        if (!c)
            return st->index[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* ----------------------------------------------------------------- conversion */

float
safetensors_bf16_to_f32(uint16_t b)
{
    uint32_t u = (uint32_t)b << 16;
    float f;

    memcpy(&f, &u, sizeof(f));
    return f;
}

float
safetensors_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1f, man = h & 0x3ff, u;
    float f;

    if (exp == 0x1f) { /* inf / NaN */
        u = sign | 0x7f800000u | (man << 13);
    } else if (exp) { /* normal: rebias 15 -> 127 */
        u = sign | ((exp + 112) << 23) | (man << 13);
    } else if (man) { /* subnormal: man * 2^-24, exact in fp32 */
        f = (float)man * 0x1p-24f;
        return sign ? -f : f;
    } else {
        u = sign;
    }
    memcpy(&f, &u, sizeof(f));
    return f;
}

int
safetensors_read_f32(const struct safetensors_tensor *t, size_t first, size_t n, float *dst,
                     struct ep_err *err)
{
    const unsigned char *p = t->data;

    if (first > t->numel || n > t->numel - first)
        return ep_err_set(err, "%s: tensor " NAME_FMT ": elements [%zu, %zu) out of range (%zu)",
                          t->path, NAME_ARG(t->name), first, first + n, t->numel);
    switch (t->dtype) {
    case ST_F32:
        memcpy(dst, p + first * 4, n * sizeof(float));
        return 0;
    case ST_BF16:
    case ST_F16:
        for (size_t i = 0; i < n; i++) {
            const unsigned char *q = p + (first + i) * 2;
            uint16_t h = (uint16_t)(q[0] | q[1] << 8);

            dst[i] = t->dtype == ST_BF16 ? safetensors_bf16_to_f32(h) : safetensors_f16_to_f32(h);
        }
        return 0;
    default:
        return ep_err_set(
            err, "%s: tensor " NAME_FMT " has dtype %s; only F32, F16 and BF16 are supported",
            t->path, NAME_ARG(t->name), safetensors_dtype_name(t->dtype));
    }
}

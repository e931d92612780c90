/*
 * safetensors — read-only access to Hugging Face .safetensors checkpoints.
 *
 * A file is mapped with mmap(2); its JSON header is validated in full before
 * any tensor is handed out (sizes, dtypes, shapes, offsets inside the data
 * region, no overlap, no gap). Tensor views point into the mapping and stay
 * valid until the owning struct is released. A checkpoint directory is either
 * one model.safetensors or shards listed in model.safetensors.index.json.
 * Every error names the file and, where there is one, the tensor.
 */
#ifndef EVALPIPE_EVAL_SAFETENSORS_H
#define EVALPIPE_EVAL_SAFETENSORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/msg.h"

/* Largest JSON header accepted (the reference reader's limit). */
#define SAFETENSORS_MAX_HEADER ((size_t)100 << 20)
/* Most dimensions a tensor may have. */
#define SAFETENSORS_MAX_DIMS 8

/* Every dtype of the format; only F32, F16 and BF16 can be converted to fp32. */
enum safetensors_dtype {
    ST_BOOL,
    ST_U8,
    ST_I8,
    ST_I16,
    ST_U16,
    ST_F16,
    ST_BF16,
    ST_I32,
    ST_U32,
    ST_F32,
    ST_F64,
    ST_I64,
    ST_U64,
    ST_C64,
    ST_F8_E5M2,
    ST_F8_E4M3,
    ST_F8_E8M0,
    ST_F8_E4M3FNUZ,
    ST_F8_E5M2FNUZ,
    ST_F4,
    ST_F6_E2M3,
    ST_F6_E3M2,
    ST_NDTYPES
};

struct safetensors_tensor {
    char *name;
    enum safetensors_dtype dtype;
    int ndim;
    int64_t shape[SAFETENSORS_MAX_DIMS];
    size_t numel;
    const void *data; /* into the mapping; not necessarily aligned */
    size_t nbytes;
    const char *path; /* the file it lives in (owned by the file) */
};

/* One parsed file. */
struct safetensors_file {
    char *path;
    void *map; /* NULL when parsed from caller memory */
    size_t map_len;
    struct safetensors_tensor *tensors; /* sorted by name */
    size_t nr;
};

/* A checkpoint: one or more files, with a name index over all of them. */
struct safetensors {
    struct safetensors_file *files;
    size_t nr_files;
    struct safetensors_tensor **index; /* sorted by name, borrowed from files */
    size_t nr;
};

#define SAFETENSORS_INIT \
    {                    \
        NULL, 0, NULL, 0 \
    }

/* The format's name of a dtype ("BF16"), and its width in bits. */
const char *safetensors_dtype_name(enum safetensors_dtype dt);
unsigned safetensors_dtype_bits(enum safetensors_dtype dt);

/*
 * Parse and validate a whole file image held in memory (buf, len). `name` is
 * used in messages. Tensor views point into buf, which must outlive f.
 * Returns 0, or -1 with err set; f is then empty. Release with
 * safetensors_file_release().
 */
int safetensors_parse(struct safetensors_file *f, const void *buf, size_t len, const char *name,
                      struct ep_err *err);

/* Map `path` read-only and parse it as safetensors_parse() does. */
int safetensors_file_open(struct safetensors_file *f, const char *path, struct ep_err *err);

/* Unmap and free; safe on a zeroed or already released struct. */
void safetensors_file_release(struct safetensors_file *f);

/*
 * Open the checkpoint in directory `dir`: the shards named by
 * model.safetensors.index.json when it exists, else model.safetensors.
 * Every name in the index's weight_map must be in the shard it names, and a
 * tensor name may appear in only one shard. Returns 0, or -1 with err set.
 */
int safetensors_open_dir(struct safetensors *st, const char *dir, struct ep_err *err);

/* Open a single file as a one-file checkpoint. */
int safetensors_open(struct safetensors *st, const char *path, struct ep_err *err);

void safetensors_release(struct safetensors *st);

/* The tensor called `name`, or NULL. Borrowed: valid until st is released. */
const struct safetensors_tensor *safetensors_find(const struct safetensors *st, const char *name);

/*
 * Convert t's elements [first, first + n) to fp32 into dst (n floats).
 * F32, F16 and BF16 only; any other dtype (or a range outside the tensor)
 * gives -1 with err naming the tensor and file.
 */
int safetensors_read_f32(const struct safetensors_tensor *t, size_t first, size_t n, float *dst,
                         struct ep_err *err);

/* IEEE binary16 and bfloat16 to fp32 (exact; NaN and infinities kept). */
float safetensors_f16_to_f32(uint16_t h);
float safetensors_bf16_to_f32(uint16_t b);

#endif

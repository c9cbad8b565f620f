/*
 * safetensors.h - read-only access to HuggingFace safetensors files.
 *
 * A file is an 8-byte little-endian header length N, N bytes of JSON
 * ({"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
 * "__metadata__": {...}}), then the data area.  Files are mmapped and fully
 * validated at open: header length, every dtype, shape product (overflow-
 * checked) times element size == end - begin, offsets inside the data area.
 * A sharded model (model.safetensors.index.json with a weight_map) is
 * opened as one set.  Files are untrusted: a corrupt one gives GK_EDATA
 * naming the file and tensor, never a crash.
 *
 * Not a writer, and not a tensor library: callers get float copies.
 */
#ifndef GK_SAFETENSORS_H
#define GK_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "dtype.h"
#include "error.h"

#define GK_SAFETENSORS_MAX_DIMS 8

typedef struct gk_safetensors gk_safetensors;

typedef struct gk_tensor_info {
	const char *name;     /* as stored in the header */
	const char *dtype_name; /* as stored: "F32", "I64", ... */
	gk_dtype dtype;       /* GK_DTYPE_INVALID for types we do not compute with */
	int ndim;
	int64_t shape[GK_SAFETENSORS_MAX_DIMS];
	int64_t numel;        /* product of shape (1 for a scalar) */
	const void *data;     /* into the mapping; any alignment */
	size_t nbytes;
	const char *file;     /* file name for messages, e.g. "model.safetensors" */
} gk_tensor_info;

/* Open one safetensors file.  *out is owned by the caller: gk_safetensors_free().
 * Errors: GK_ENOINPUT (missing), GK_EIO, GK_EDATA (corrupt), GK_ENOMEM. */
int gk_safetensors_open(gk_safetensors **out, const char *path, gk_error *err);

/* Open the weights of a model directory: model.safetensors when present
 * (transformers looks for it first too), else the shards named by
 * model.safetensors.index.json.  Shard names in the index must be plain
 * file names inside dir. */
int gk_safetensors_open_dir(gk_safetensors **out, const char *dir, gk_error *err);

/* A set over tensors that live elsewhere (another format's mapping or
 * converted buffers, e.g. a GGUF file's, see gguf_model.h): the info array
 * is copied, the names, file names and data it points to are borrowed and
 * must outlive *out.  Duplicate names are GK_EDATA. */
int gk_safetensors_from_infos(gk_safetensors **out, const gk_tensor_info *infos, size_t n,
	gk_error *err);

/* Unmap and free; NULL is a no-op.  Invalidates every gk_tensor_info pointer. */
void gk_safetensors_free(gk_safetensors *st);

size_t gk_safetensors_count(const gk_safetensors *st);
/* i-th tensor in name order; borrowed, valid until gk_safetensors_free(). */
const gk_tensor_info *gk_safetensors_at(const gk_safetensors *st, size_t i);

/* Look a tensor up by name.  "embeddings.x" also finds "bert.embeddings.x"
 * and the other way round, since checkpoints saved from BertModel and from
 * BertFor* classes differ by that prefix.  NULL when absent. */
const gk_tensor_info *gk_safetensors_find(const gk_safetensors *st, const char *name);

/* Check that tensor `name` exists, has exactly shape[0..ndim) and a dtype
 * we compute with; *out (may be NULL) gets it.  GK_EDATA otherwise, the
 * message naming the file, the tensor and both shapes. */
int gk_safetensors_expect(const gk_safetensors *st, const char *name, int ndim,
	const int64_t *shape, const gk_tensor_info **out, gk_error *err);

/* Copy tensor `name` into out as f32 (widening f16/bf16), after checking
 * that its shape is exactly shape[0..ndim).  out holds the product of shape
 * floats.  Errors (GK_EDATA): missing tensor, unsupported dtype, shape
 * mismatch; the message names the file, the tensor and both shapes. */
int gk_safetensors_read_f32(const gk_safetensors *st, const char *name,
	int ndim, const int64_t *shape, float *out, gk_error *err);

/* Same, into a new malloc'd buffer the caller frees; NULL on error. */
float *gk_safetensors_load_f32(const gk_safetensors *st, const char *name,
	int ndim, const int64_t *shape, gk_error *err);

#endif

/*
 * gguf.h - read-only access to GGUF files (llama.cpp's model format,
 * versions 2 and 3): the metadata key/value pairs and the tensor table.
 *
 * Layout: "GGUF", u32 version, u64 tensor count, u64 key/value count, the
 * key/value pairs (u64-length strings, typed values, typed arrays), the
 * tensor infos (name, u32 n_dims, u64 ne[n_dims], u32 ggml type, u64
 * offset), padding to general.alignment (default 32), then the data area.
 * ne[0] is the fastest-varying dimension: a PyTorch (out, in) weight is
 * stored with ne = {in, out}.
 *
 * The file is mmapped and fully validated at open: every count, string
 * length, array size, tensor dimension, byte size and offset is checked
 * against the file (overflow-safe), so the accessors below can trust them.
 * A corrupt file gives GK_EDATA naming the file and the key or tensor.
 *
 * Not here: what the keys mean for a model (gguf_model.c), tokenizers
 * (gguf_tok.c), dequantisation (quant.h), writing (tests/gguf-writer.h).
 */
#ifndef GK_GGUF_H
#define GK_GGUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Metadata value types, numbered as in the file. */
typedef enum gk_gguf_type {
	GK_GGUF_U8 = 0, GK_GGUF_I8 = 1, GK_GGUF_U16 = 2, GK_GGUF_I16 = 3,
	GK_GGUF_U32 = 4, GK_GGUF_I32 = 5, GK_GGUF_F32 = 6, GK_GGUF_BOOL = 7,
	GK_GGUF_STRING = 8, GK_GGUF_ARRAY = 9, GK_GGUF_U64 = 10, GK_GGUF_I64 = 11,
	GK_GGUF_F64 = 12,
	GK_GGUF_TYPE_COUNT
} gk_gguf_type;

/* Tensor element types (ggml_type) that gk knows the layout of. */
typedef enum gk_ggml_type {
	GK_GGML_F32 = 0, GK_GGML_F16 = 1, GK_GGML_Q4_0 = 2, GK_GGML_Q4_1 = 3,
	GK_GGML_Q5_0 = 6, GK_GGML_Q5_1 = 7, GK_GGML_Q8_0 = 8, GK_GGML_Q8_1 = 9,
	GK_GGML_Q2_K = 10, GK_GGML_Q3_K = 11, GK_GGML_Q4_K = 12, GK_GGML_Q5_K = 13,
	GK_GGML_Q6_K = 14, GK_GGML_Q8_K = 15, GK_GGML_I8 = 24, GK_GGML_I16 = 25,
	GK_GGML_I32 = 26, GK_GGML_I64 = 27, GK_GGML_F64 = 28, GK_GGML_BF16 = 30,
} gk_ggml_type;

#define GK_GGUF_MAX_DIMS 4

typedef struct gk_gguf gk_gguf;

/* One metadata entry.  Strings point into the mapping and are not
 * NUL-terminated (use the lengths). */
typedef struct gk_gguf_kv {
	const char *key;        /* NUL-terminated copy */
	gk_gguf_type type;
	gk_gguf_type arr_type;  /* element type when type == GK_GGUF_ARRAY */
	uint64_t n;             /* array elements; 1 for a scalar */
	const uint8_t *data;    /* scalar value, or the first array element */
	const uint64_t *str_off; /* (n) for string arrays: offset of each string's
	                          * u64 length from data; NULL otherwise */
} gk_gguf_kv;

typedef struct gk_gguf_tensor {
	const char *name;       /* NUL-terminated copy */
	uint32_t type;          /* gk_ggml_type */
	int ndim;
	int64_t ne[GK_GGUF_MAX_DIMS]; /* ne[0] fastest; 1 beyond ndim */
	int64_t numel;
	const void *data;       /* into the mapping, aligned to general.alignment */
	size_t nbytes;
} gk_gguf_tensor;

/* Open and validate path.  *out is owned by the caller: gk_gguf_free().
 * Errors: GK_ENOINPUT (missing), GK_EIO, GK_EDATA (corrupt or not GGUF,
 * or version 1), GK_ENOMEM. */
int gk_gguf_open(gk_gguf **out, const char *path, gk_error *err);
/* Unmap and free; NULL is a no-op.  Invalidates every pointer handed out. */
void gk_gguf_free(gk_gguf *g);

/* The file name shown in messages (the path's last component). */
const char *gk_gguf_name(const gk_gguf *g);
uint32_t gk_gguf_version(const gk_gguf *g);

/* True when path names a GGUF file: ends in ".gguf" (any case), or is a
 * regular file starting with the magic "GGUF". */
bool gk_gguf_is_path(const char *path);

/* Metadata.  Borrowed pointers, valid until gk_gguf_free(). */
size_t gk_gguf_kv_count(const gk_gguf *g);
const gk_gguf_kv *gk_gguf_kv_at(const gk_gguf *g, size_t i);
const gk_gguf_kv *gk_gguf_find_kv(const gk_gguf *g, const char *key); /* NULL if absent */

/* Typed getters: 0 and *out set; 1 (out untouched) when the key is absent;
 * GK_EDATA when present with an unusable type or value (err names the
 * file and key).  Integer getters accept any integer type whose value
 * fits; the float getter accepts f32 and f64. */
int gk_gguf_get_i64(const gk_gguf *g, const char *key, int64_t *out, gk_error *err);
int gk_gguf_get_int(const gk_gguf *g, const char *key, int *out, gk_error *err);
int gk_gguf_get_f64(const gk_gguf *g, const char *key, double *out, gk_error *err);
int gk_gguf_get_bool(const gk_gguf *g, const char *key, bool *out, gk_error *err);
/* A string scalar: *s into the mapping, *len its length. */
int gk_gguf_get_str(const gk_gguf *g, const char *key, const char **s, size_t *len,
	gk_error *err);
/* An array of elem_type (GK_GGUF_ARRAY of it); *kv gets the entry. */
int gk_gguf_get_arr(const gk_gguf *g, const char *key, gk_gguf_type elem_type,
	const gk_gguf_kv **kv, gk_error *err);

/* Element i < kv->n of an array (no checks beyond an assert-free clamp:
 * the caller checked the type with gk_gguf_get_arr). */
const char *gk_gguf_arr_str(const gk_gguf_kv *kv, uint64_t i, size_t *len);
float gk_gguf_arr_f32(const gk_gguf_kv *kv, uint64_t i);
int64_t gk_gguf_arr_int(const gk_gguf_kv *kv, uint64_t i); /* any integer type */

/* Tensors, in file order. */
size_t gk_gguf_tensor_count(const gk_gguf *g);
const gk_gguf_tensor *gk_gguf_tensor_at(const gk_gguf *g, size_t i);
const gk_gguf_tensor *gk_gguf_find_tensor(const gk_gguf *g, const char *name); /* NULL if absent */

/* "F32", "Q8_0", ... or "type N" for unknown ones (static or in buf). */
const char *gk_ggml_type_name(uint32_t type);
/* Elements per block and bytes per block of a ggml type; false when unknown. */
bool gk_ggml_type_layout(uint32_t type, size_t *block, size_t *bytes);
/* Size of a metadata scalar type in bytes, 0 for string/array/invalid. */
size_t gk_gguf_type_size(gk_gguf_type t);

#endif

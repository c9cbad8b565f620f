/*
 * vecmath.h - small operations on single vectors: norms, normalising,
 * decoding a payload to f32 and quantising f32 to the stream's compact
 * dtypes.  Batched, BLAS-backed work lives elsewhere (knn, the transformer).
 */
#ifndef GK_VECMATH_H
#define GK_VECMATH_H

#include <stddef.h>
#include <stdint.h>

#include "dtype.h"

/* Euclidean norm, accumulated in double so long vectors lose nothing. */
double gk_vec_norm(const float *v, size_t n);

/* Scale v to unit length as torch.nn.functional.normalize does (divide by
 * max(norm, 1e-12)), so a zero vector stays zero. */
void gk_vec_normalize(float *v, size_t n);

/* Decode n values of a payload of dtype (f32, f16, bf16; int8 with scale)
 * into out.  Binary vectors decode to +1/-1.  src need not be aligned. */
void gk_vec_decode(const void *src, gk_dtype dtype, size_t n, float scale, float *out);

/* Encode n floats as dtype into dst (gk_dtype_bytes(dtype, n) bytes).
 * int8: symmetric, scale = max|v| / 127 (returned in *scale; 1 for a zero
 * vector), q = round(v / scale).  binary: bit set when v > 0, first value
 * in the high bit of the first byte (numpy.packbits order). */
void gk_vec_encode(const float *v, size_t n, gk_dtype dtype, void *dst, float *scale);

#endif

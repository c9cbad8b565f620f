/*
 * dtype.h - element types of stored tensors and conversion to float.
 *
 * Model files keep weights as f32, f16 (IEEE half) or bf16 (the top 16 bits
 * of an f32); the forward pass works in f32 only, so everything is widened
 * once at load time.  This is not a tensor library: no shapes, no strides.
 */
#ifndef GK_DTYPE_H
#define GK_DTYPE_H

#include <stddef.h>
#include <stdint.h>

typedef enum gk_dtype {
	GK_DTYPE_F32,
	GK_DTYPE_F16,
	GK_DTYPE_BF16,
	GK_DTYPE_OTHER, /* a valid safetensors dtype (I64, F64, ...) we do not compute with */
} gk_dtype;

/* Bytes per element; 0 for GK_DTYPE_OTHER. */
size_t gk_dtype_size(gk_dtype t);

/* "F32", "F16", "BF16" or "other". */
const char *gk_dtype_name(gk_dtype t);

float gk_f16_to_f32(uint16_t h);
float gk_bf16_to_f32(uint16_t h);
/* Round to nearest even, as torch's .half() and .bfloat16() do; NaN stays NaN. */
uint16_t gk_f32_to_f16(float f);
uint16_t gk_f32_to_bf16(float f);

/* Widen n little-endian elements of type t at src (any alignment) into dst. */
void gk_dtype_to_f32(gk_dtype t, const void *src, size_t n, float *dst);

#endif

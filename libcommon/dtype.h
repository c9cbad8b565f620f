/*
 * dtype.h - the element types of numeric payloads in streams and model
 * files, their sizes, and conversions between f32 and 16-bit floats.
 * Payloads are always little-endian; gk runs on little-endian machines only
 * (configure checks), so conversion is a plain copy for f32.
 */
#ifndef GK_DTYPE_H
#define GK_DTYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum gk_dtype {
	GK_DTYPE_INVALID = 0, /* also: a type gk does not compute with (I64, F64 in a model file) */
	GK_DTYPE_F32,
	GK_DTYPE_F16,
	GK_DTYPE_BF16,
	GK_DTYPE_INT8,   /* with a per-vector scale: value = int8 * scale */
	GK_DTYPE_BINARY, /* sign bits, packed 8 to a byte, first dimension in the high bit */
} gk_dtype;

/* "f32" -> GK_DTYPE_F32 etc.; GK_DTYPE_INVALID when unknown. */
gk_dtype gk_dtype_parse(const char *name, size_t len);
const char *gk_dtype_name(gk_dtype t);

/* Bytes per element of the float types (4, 2, 2), 1 for int8; 0 for
 * binary (not byte-sized) and invalid. */
size_t gk_dtype_size(gk_dtype t);

/* Widen n little-endian f32/f16/bf16 elements at src (any alignment) to
 * f32 in dst. */
void gk_dtype_to_f32(gk_dtype t, const void *src, size_t n, float *dst);

/* Bytes for n elements, or 0 on overflow / invalid type (n > 0). */
size_t gk_dtype_bytes(gk_dtype t, size_t n);

float gk_f16_to_f32(uint16_t h);
uint16_t gk_f32_to_f16(float f);   /* round to nearest even */
float gk_bf16_to_f32(uint16_t h);
uint16_t gk_f32_to_bf16(float f);  /* round to nearest even */

/* Multiply with overflow check: false when a*b does not fit. */
static inline bool gk_mul_size(size_t a, size_t b, size_t *out)
{
	return !__builtin_mul_overflow(a, b, out);
}

#endif

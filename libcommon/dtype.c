/*
 * dtype.c - payload element types: names, sizes and half-precision
 * conversions (IEEE binary16 and bfloat16), exact in both directions for
 * every representable value.
 */
#include "dtype.h"

#include <string.h>

static const char *const names[] = {
	[GK_DTYPE_F32] = "f32", [GK_DTYPE_F16] = "f16", [GK_DTYPE_BF16] = "bf16",
	[GK_DTYPE_INT8] = "int8", [GK_DTYPE_BINARY] = "binary",
};

gk_dtype gk_dtype_parse(const char *name, size_t len)
{
	for (int t = GK_DTYPE_F32; t <= GK_DTYPE_BINARY; t++)
		if (strlen(names[t]) == len && memcmp(names[t], name, len) == 0)
			return (gk_dtype)t;
	return GK_DTYPE_INVALID;
}

const char *gk_dtype_name(gk_dtype t)
{
	return t >= GK_DTYPE_F32 && t <= GK_DTYPE_BINARY ? names[t] : "invalid";
}

size_t gk_dtype_size(gk_dtype t)
{
	switch (t) {
	case GK_DTYPE_F32: return 4;
	case GK_DTYPE_F16:
	case GK_DTYPE_BF16: return 2;
	case GK_DTYPE_INT8: return 1;
	default: return 0;
	}
}

void gk_dtype_to_f32(gk_dtype t, const void *src, size_t n, float *dst)
{
	const unsigned char *p = src;
	uint16_t h;

	if (t == GK_DTYPE_F32) {
		memcpy(dst, src, 4 * n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		memcpy(&h, p + 2 * i, 2);
		dst[i] = t == GK_DTYPE_F16 ? gk_f16_to_f32(h) : gk_bf16_to_f32(h);
	}
}

size_t gk_dtype_bytes(gk_dtype t, size_t n)
{
	size_t out;

	switch (t) {
	case GK_DTYPE_F32: return gk_mul_size(n, 4, &out) ? out : 0;
	case GK_DTYPE_F16:
	case GK_DTYPE_BF16: return gk_mul_size(n, 2, &out) ? out : 0;
	case GK_DTYPE_INT8: return n;
	case GK_DTYPE_BINARY: return n / 8 + (n % 8 != 0);
	default: return 0;
	}
}

static uint32_t bits_of(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static float float_of(uint32_t u)
{
	float f;

	memcpy(&f, &u, 4);
	return f;
}

float gk_f16_to_f32(uint16_t h)
{
	uint32_t sign = (uint32_t)(h & 0x8000) << 16;
	uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff;

	if (exp == 0x1f)  /* inf or nan */
		return float_of(sign | 0x7f800000 | (mant << 13));
	if (exp == 0) {
		if (mant == 0)
			return float_of(sign);
		/* subnormal: value = mant * 2^-24 */
		float v = (float)mant * 5.9604644775390625e-8f;
		return sign ? -v : v;
	}
	return float_of(sign | ((exp + 112) << 23) | (mant << 13));
}

uint16_t gk_f32_to_f16(float f)
{
	uint32_t u = bits_of(f);
	uint16_t sign = (uint16_t)((u >> 16) & 0x8000);
	uint32_t abs = u & 0x7fffffff;

	if (abs >= 0x7f800000)  /* inf or nan (keep nan quiet) */
		return sign | 0x7c00 | (abs > 0x7f800000 ? 0x200 : 0);
	if (abs >= 0x477ff000)  /* rounds to >= 65520: overflow to inf */
		return sign | 0x7c00;
	if (abs < 0x38800000) {  /* below the smallest normal half: subnormal or zero */
		/* scale so the half's subnormal unit (2^-24) is 1, then round to even */
		float v = float_of(abs) * 16777216.0f;
		uint32_t m = (uint32_t)v;
		float rem = v - (float)m;
		if (rem > 0.5f || (rem == 0.5f && (m & 1)))
			m++;
		return sign | (uint16_t)m;
	}
	/* normal: rebias exponent, round mantissa to 10 bits, nearest even */
	uint32_t r = abs - 0x38000000;
	r += 0xfff + ((r >> 13) & 1);
	return sign | (uint16_t)(r >> 13);
}

float gk_bf16_to_f32(uint16_t h)
{
	return float_of((uint32_t)h << 16);
}

uint16_t gk_f32_to_bf16(float f)
{
	uint32_t u = bits_of(f);

	if ((u & 0x7fffffff) > 0x7f800000)
		return (uint16_t)((u >> 16) | 0x40);
	u += 0x7fff + ((u >> 16) & 1);
	return (uint16_t)(u >> 16);
}

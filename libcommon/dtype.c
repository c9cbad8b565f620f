/*
 * dtype.c - f16 / bf16 <-> f32 conversion, bit-exact with torch.
 * Written with integer operations so the result does not depend on the
 * compiler's float16 support or the rounding mode.
 */
#include "dtype.h"

#include <string.h>

size_t gk_dtype_size(gk_dtype t)
{
	switch (t) {
	case GK_DTYPE_F32: return 4;
	case GK_DTYPE_F16: return 2;
	case GK_DTYPE_BF16: return 2;
	default: return 0;
	}
}

const char *gk_dtype_name(gk_dtype t)
{
	switch (t) {
	case GK_DTYPE_F32: return "F32";
	case GK_DTYPE_F16: return "F16";
	case GK_DTYPE_BF16: return "BF16";
	default: return "other";
	}
}

static float bits_to_f32(uint32_t u)
{
	float f;
	memcpy(&f, &u, 4);
	return f;
}

static uint32_t f32_to_bits(float f)
{
	uint32_t u;
	memcpy(&u, &f, 4);
	return u;
}

float gk_f16_to_f32(uint16_t h)
{
	uint32_t sign = (uint32_t)(h & 0x8000) << 16;
	uint32_t exp = (h >> 10) & 0x1f;
	uint32_t man = h & 0x3ff;

	if (exp == 0x1f) /* inf or nan */
		return bits_to_f32(sign | 0x7f800000u | (man << 13));
	if (exp == 0) {
		if (man == 0)
			return bits_to_f32(sign);
		/* subnormal: normalise the mantissa */
		exp = 113; /* 127 - 15 + 1 */
		while (!(man & 0x400)) {
			man <<= 1;
			exp--;
		}
		man &= 0x3ff;
		return bits_to_f32(sign | (exp << 23) | (man << 13));
	}
	return bits_to_f32(sign | ((exp + 112) << 23) | (man << 13));
}

float gk_bf16_to_f32(uint16_t h)
{
	return bits_to_f32((uint32_t)h << 16);
}

uint16_t gk_f32_to_bf16(float f)
{
	uint32_t u = f32_to_bits(f);

	if ((u & 0x7fffffffu) > 0x7f800000u) /* nan: keep it quiet */
		return (uint16_t)((u >> 16) | 0x40);
	u += 0x7fffu + ((u >> 16) & 1);
	return (uint16_t)(u >> 16);
}

uint16_t gk_f32_to_f16(float f)
{
	uint32_t u = f32_to_bits(f);
	uint16_t sign = (uint16_t)((u >> 16) & 0x8000);
	uint32_t a = u & 0x7fffffffu;

	if (a > 0x7f800000u)
		return sign | 0x7e00;
	if (a >= 0x477ff000u) /* rounds to >= 65520: overflow to inf */
		return sign | 0x7c00;
	if (a < 0x38800000u) { /* below the smallest normal half: subnormal or 0 */
		if (a < 0x33000000u) /* below half the smallest subnormal */
			return sign;
		uint32_t exp = a >> 23;
		uint32_t man = (a & 0x7fffff) | 0x800000;
		uint32_t shift = 126 - exp; /* 14..24 */
		uint32_t r = man >> shift;
		uint32_t rem = man & ((1u << shift) - 1);
		uint32_t halfway = 1u << (shift - 1);
		if (rem > halfway || (rem == halfway && (r & 1)))
			r++;
		return sign | (uint16_t)r;
	}
	/* normal: rebias the exponent, round the mantissa to 10 bits */
	a += 0xfffu + ((a >> 13) & 1);
	a -= 112u << 23;
	return sign | (uint16_t)(a >> 13);
}

void gk_dtype_to_f32(gk_dtype t, const void *src, size_t n, float *dst)
{
	const unsigned char *p = src;

	switch (t) {
	case GK_DTYPE_F32:
		for (size_t i = 0; i < n; i++) {
			uint32_t u = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
				(uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
			dst[i] = bits_to_f32(u);
		}
		break;
	case GK_DTYPE_F16:
		for (size_t i = 0; i < n; i++)
			dst[i] = gk_f16_to_f32((uint16_t)(p[2 * i] | p[2 * i + 1] << 8));
		break;
	case GK_DTYPE_BF16:
		for (size_t i = 0; i < n; i++)
			dst[i] = gk_bf16_to_f32((uint16_t)(p[2 * i] | p[2 * i + 1] << 8));
		break;
	default:
		break;
	}
}

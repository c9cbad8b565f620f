/* vecmath.c - single-vector operations (see vecmath.h). */
#include "vecmath.h"

#include <math.h>
#include <string.h>

double gk_vec_norm(const float *v, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += (double)v[i] * v[i];
	return sqrt(s);
}

void gk_vec_normalize(float *v, size_t n)
{
	double norm = gk_vec_norm(v, n);
	float inv = (float)(1.0 / (norm > 1e-12 ? norm : 1e-12));

	for (size_t i = 0; i < n; i++)
		v[i] *= inv;
}

void gk_vec_decode(const void *src, gk_dtype dtype, size_t n, float scale, float *out)
{
	const unsigned char *p = src;
	uint16_t h;

	for (size_t i = 0; i < n; i++) {
		switch (dtype) {
		case GK_DTYPE_F32: memcpy(&out[i], p + 4 * i, 4); break;
		case GK_DTYPE_F16: memcpy(&h, p + 2 * i, 2); out[i] = gk_f16_to_f32(h); break;
		case GK_DTYPE_BF16: memcpy(&h, p + 2 * i, 2); out[i] = gk_bf16_to_f32(h); break;
		case GK_DTYPE_INT8: out[i] = (float)(int8_t)p[i] * scale; break;
		case GK_DTYPE_BINARY: out[i] = (p[i / 8] >> (7 - i % 8)) & 1 ? 1.0f : -1.0f; break;
		default: out[i] = NAN; break;
		}
	}
}

void gk_vec_encode(const float *v, size_t n, gk_dtype dtype, void *dst, float *scale)
{
	unsigned char *p = dst;
	float max = 0;
	uint16_t h;

	if (scale)
		*scale = 1;
	switch (dtype) {
	case GK_DTYPE_F32:
		memcpy(p, v, 4 * n);
		break;
	case GK_DTYPE_F16:
	case GK_DTYPE_BF16:
		for (size_t i = 0; i < n; i++) {
			h = dtype == GK_DTYPE_F16 ? gk_f32_to_f16(v[i]) : gk_f32_to_bf16(v[i]);
			memcpy(p + 2 * i, &h, 2);
		}
		break;
	case GK_DTYPE_INT8:
		for (size_t i = 0; i < n; i++)
			max = fmaxf(max, fabsf(v[i]));
		if (max > 0) {
			float s = max / 127.0f;
			for (size_t i = 0; i < n; i++)
				p[i] = (unsigned char)(int8_t)lrintf(fminf(fmaxf(v[i] / s, -127.0f), 127.0f));
			if (scale)
				*scale = s;
		} else {
			memset(p, 0, n);
		}
		break;
	case GK_DTYPE_BINARY:
		memset(p, 0, gk_dtype_bytes(dtype, n));
		for (size_t i = 0; i < n; i++)
			if (v[i] > 0)
				p[i / 8] |= (unsigned char)(0x80 >> (i % 8));
		break;
	default:
		break;
	}
}

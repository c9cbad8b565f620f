/*
 * quant.c - Q8_0 / Q4_0 conversion and the Q8_0 int8 GEMM: a plain C
 * reference loop and an AVX-512 VNNI kernel chosen at run time (other
 * machines run the reference; an AVX2 kernel was slower than OpenBLAS's
 * f32 sgemm and was dropped).  The fast path computes exactly the same
 * int32 block sums as the reference (integer arithmetic), so only the
 * order of the float accumulation differs.  Not a general quantisation library: two formats, one GEMM.
 */
#include "quant.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GK_X86 1
#endif

#include "dtype.h"

static float block_scale(const uint8_t *b)
{
	return gk_f16_to_f32((uint16_t)(b[0] | b[1] << 8));
}

void gk_q8_0_to_f32(const void *src, size_t n, float *dst)
{
	const uint8_t *b = src;
	for (size_t i = 0; i < n; i += GK_QK, b += GK_Q8_0_BYTES) {
		float d = block_scale(b);
		for (int j = 0; j < GK_QK; j++)
			dst[i + j] = d * (float)(int8_t)b[2 + j];
	}
}

void gk_q4_0_to_f32(const void *src, size_t n, float *dst)
{
	const uint8_t *b = src;
	for (size_t i = 0; i < n; i += GK_QK, b += GK_Q4_0_BYTES) {
		float d = block_scale(b);
		for (int j = 0; j < GK_QK / 2; j++) {
			dst[i + j] = d * (float)((b[2 + j] & 15) - 8);
			dst[i + j + GK_QK / 2] = d * (float)((b[2 + j] >> 4) - 8);
		}
	}
}

void gk_f32_to_q8_0(const float *x, size_t n, void *dst)
{
	uint8_t *b = dst;
	for (size_t i = 0; i < n; i += GK_QK, b += GK_Q8_0_BYTES) {
		float amax = 0;
		for (int j = 0; j < GK_QK; j++)
			amax = fmaxf(amax, fabsf(x[i + j]));
		float d = amax / 127, id = d ? 1 / d : 0;
		uint16_t h = gk_f32_to_f16(d);
		b[0] = (uint8_t)h;
		b[1] = (uint8_t)(h >> 8);
		for (int j = 0; j < GK_QK; j++)
			b[2 + j] = (uint8_t)(int8_t)roundf(x[i + j] * id);
	}
}

void gk_f32_to_q4_0(const float *x, size_t n, void *dst)
{
	uint8_t *b = dst;
	for (size_t i = 0; i < n; i += GK_QK, b += GK_Q4_0_BYTES) {
		float amax = 0, max = 0;
		for (int j = 0; j < GK_QK; j++)
			if (amax < fabsf(x[i + j])) {
				amax = fabsf(x[i + j]);
				max = x[i + j];
			}
		float d = max / -8, id = d ? 1 / d : 0;
		uint16_t h = gk_f32_to_f16(d);
		b[0] = (uint8_t)h;
		b[1] = (uint8_t)(h >> 8);
		for (int j = 0; j < GK_QK / 2; j++) {
			int a = (int8_t)(x[i + j] * id + 8.5f), c = (int8_t)(x[i + j + GK_QK / 2] * id + 8.5f);
			a = a > 15 ? 15 : a;
			c = c > 15 ? 15 : c;
			b[2 + j] = (uint8_t)(a | c << 4);
		}
	}
}

void gk_q8_mat_clear(gk_q8_mat *m)
{
	if (!m)
		return;
	free(m->q);
	free(m->d);
	free(m->wsum);
	memset(m, 0, sizeof *m);
}

size_t gk_q8_mat_bytes(const gk_q8_mat *m)
{
	return m->rows * m->kp + m->rows * m->nbp * (sizeof(float) + sizeof(int32_t));
}

#define GROUP 16 /* blocks per group */

/* Byte offset of value j (< 32) of block k inside a row of the group layout. */
static inline size_t lay(size_t k, size_t j)
{
	return (k / GROUP) * (GROUP * GK_QK) + (j / 4) * 64 + (k % GROUP) * 4 + j % 4;
}

static int mat_alloc(gk_q8_mat *m, size_t rows, size_t cols, gk_error *err)
{
	size_t n;
	memset(m, 0, sizeof *m);
	if (cols % GK_QK || cols > SIZE_MAX / 2)
		return gk_error_set(err, GK_EDATA, "Q8_0 matrix (%zu, %zu): columns not a multiple of 32",
			rows, cols);
	m->nbp = (cols / GK_QK + GROUP - 1) / GROUP * GROUP;
	m->kp = m->nbp * GK_QK;
	if (!gk_mul_size(rows ? rows : 1, m->kp, &n))
		return gk_error_set(err, GK_EDATA, "Q8_0 matrix (%zu, %zu) is too large", rows, cols);
	m->q = aligned_alloc(64, (n + 63) / 64 * 64);
	m->d = calloc((rows ? rows : 1) * m->nbp, sizeof *m->d);
	m->wsum = calloc((rows ? rows : 1) * m->nbp, sizeof *m->wsum);
	if (!m->q || !m->d || !m->wsum) {
		gk_q8_mat_clear(m);
		return gk_error_nomem(err);
	}
	memset(m->q, 0, n);
	m->rows = rows;
	m->cols = cols;
	return 0;
}

/* Block k of row r from a file block (f16 scale + 32 int8). */
static void put_block(gk_q8_mat *m, size_t r, size_t k, const uint8_t *b)
{
	int8_t *row = m->q + r * m->kp;
	int32_t s = 0;
	m->d[r * m->nbp + k] = block_scale(b);
	for (size_t j = 0; j < GK_QK; j++) {
		row[lay(k, j)] = (int8_t)b[2 + j];
		s += (int8_t)b[2 + j];
	}
	m->wsum[r * m->nbp + k] = 128 * s;
}

int gk_q8_mat_from_blocks(gk_q8_mat *m, const void *blocks, size_t rows, size_t cols,
	gk_error *err)
{
	int rc = mat_alloc(m, rows, cols, err);
	if (rc < 0)
		return rc;
	const uint8_t *b = blocks;
	size_t nb = cols / GK_QK;
	for (size_t r = 0; r < rows; r++)
		for (size_t k = 0; k < nb; k++, b += GK_Q8_0_BYTES)
			put_block(m, r, k, b);
	return 0;
}

int gk_q8_mat_from_f32(gk_q8_mat *m, const float *w, size_t rows, size_t cols, gk_error *err)
{
	int rc = mat_alloc(m, rows, cols, err);
	if (rc < 0)
		return rc;
	uint8_t blk[GK_Q8_0_BYTES];
	size_t nb = cols / GK_QK;
	for (size_t r = 0; r < rows; r++)
		for (size_t k = 0; k < nb; k++) {
			gk_f32_to_q8_0(w + (r * nb + k) * GK_QK, GK_QK, blk);
			put_block(m, r, k, blk);
		}
	return 0;
}

/* The quantised activations, in the weights' group layout: (T, kp) int8
 * values, then (T, nbp) f32 block scales (0 for padding).  Activation
 * scales stay f32 (llama.cpp rounds them to f16; keeping them exact costs
 * nothing here). */
static size_t kp_of(size_t cols) { return (cols / GK_QK + GROUP - 1) / GROUP * GROUP * GK_QK; }

size_t gk_q8_xq_size(size_t T, size_t cols)
{
	size_t kp = kp_of(cols);
	return T * kp + T * (kp / GK_QK) * sizeof(float) + 64;
}

static int8_t *xq_values(void *xq) { return xq; }
static float *xq_scales(void *xq, size_t T, size_t kp)
{
	return (float *)((char *)xq + (T * kp + 63) / 64 * 64);
}

void gk_q8_quantize_x(const float *x, size_t T, size_t cols, void *xq)
{
	gk_q8_quantize_x_rows(x, T, cols, xq, 0, T);
}

void gk_q8_quantize_x_rows(const float *x, size_t T, size_t cols, void *xq, size_t t0, size_t t1)
{
	size_t kp = kp_of(cols), nbp = kp / GK_QK, nb = cols / GK_QK;
	int8_t *q = xq_values(xq);
	float *d = xq_scales(xq, T, kp);
	memset(q + t0 * kp, 0, (t1 - t0) * kp);
	for (size_t t = t0; t < t1; t++)
		for (size_t k = 0; k < nbp; k++) {
			if (k >= nb) {
				d[t * nbp + k] = 0;
				continue;
			}
			/* plain compares and round-half-away by hand: fmaxf and
			 * lrintf were library calls here, 10% of a Q8_0 forward pass */
			const float *v = x + t * cols + k * GK_QK;
			float amax = 0;
			for (int j = 0; j < GK_QK; j++) {
				float a = v[j] < 0 ? -v[j] : v[j];
				amax = a > amax ? a : amax;
			}
			float s = amax / 127, id = s ? 1 / s : 0;
			d[t * nbp + k] = s;
			int8_t *row = q + t * kp + (k / GROUP) * (GROUP * GK_QK) + (k % GROUP) * 4;
			for (size_t j = 0; j < GK_QK; j++) {
				float f = v[j] * id;
				row[(j / 4) * 64 + j % 4] = (int8_t)(int)(f + (f < 0 ? -0.5f : 0.5f));
			}
		}
}

static void gemm_ref(const gk_q8_mat *w, const int8_t *xq, const float *xd, size_t T,
	const float *bias, float *y, size_t r0, size_t r1)
{
	size_t nb = w->cols / GK_QK;
	for (size_t t = 0; t < T; t++)
		for (size_t r = r0; r < r1; r++) {
			const int8_t *a = w->q + r * w->kp, *b = xq + t * w->kp;
			float sum = 0;
			for (size_t k = 0; k < nb; k++) {
				int32_t s = 0;
				for (size_t j = 0; j < GK_QK; j++)
					s += (int32_t)a[lay(k, j)] * b[lay(k, j)];
				sum += (float)s * (w->d[r * w->nbp + k] * xd[t * w->nbp + k]);
			}
			y[t * w->rows + r] = sum + (bias ? bias[r] : 0);
		}
}

#ifdef GK_X86
/* The kernel proper: 4 weight rows x 2 tokens, one 16-block group at a
 * time.  x is stored signed; dpbusd wants one unsigned operand, so x is
 * flipped to x + 128 (xor 0x80) as it is loaded, and 128 * (sum of the
 * block's weights) is taken off the block sums afterwards.  Written out
 * by hand (GCC at -O2 kept arrays of vectors on the stack).  Rows and
 * tokens past the edge (nr < 4, nt < 2) repeat the first ones and are not
 * stored. */
#define MR 4
#define MT 2
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void micro(const gk_q8_mat *w, const int8_t *xq, const float *xd, size_t r, size_t t,
	size_t nr, size_t nt, const float *bias, float *y)
{
	const __m512i flip = _mm512_set1_epi8((char)0x80);
	size_t kp = w->kp, nbp = w->nbp;
	const int8_t *w0 = w->q + r * kp, *w1 = w->q + (r + (nr > 1)) * kp,
		*w2 = w->q + (r + (nr > 2 ? 2 : 0)) * kp, *w3 = w->q + (r + (nr > 3 ? 3 : 0)) * kp;
	const int8_t *x0 = xq + t * kp, *x1 = xq + (t + (nt > 1)) * kp;
	size_t ri[4] = {r, r + (nr > 1), r + (nr > 2 ? 2 : 0), r + (nr > 3 ? 3 : 0)};
	size_t ti[2] = {t, t + (nt > 1)};
	__m512 a00 = _mm512_setzero_ps(), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00,
		a30 = a00, a31 = a00;
	size_t groups = nbp / GROUP;
	for (size_t g = 0; g < groups; g++) {
		__m512i s00 = _mm512_setzero_si512(), s01 = s00, s10 = s00, s11 = s00, s20 = s00,
			s21 = s00, s30 = s00, s31 = s00;
		size_t o = g * 512;
		for (int c = 0; c < 8; c++, o += 64) {
			__m512i xa = _mm512_xor_si512(flip, _mm512_loadu_si512(x0 + o));
			__m512i xb = _mm512_xor_si512(flip, _mm512_loadu_si512(x1 + o));
			__m512i v = _mm512_loadu_si512(w0 + o);
			s00 = _mm512_dpbusd_epi32(s00, xa, v);
			s01 = _mm512_dpbusd_epi32(s01, xb, v);
			v = _mm512_loadu_si512(w1 + o);
			s10 = _mm512_dpbusd_epi32(s10, xa, v);
			s11 = _mm512_dpbusd_epi32(s11, xb, v);
			v = _mm512_loadu_si512(w2 + o);
			s20 = _mm512_dpbusd_epi32(s20, xa, v);
			s21 = _mm512_dpbusd_epi32(s21, xb, v);
			v = _mm512_loadu_si512(w3 + o);
			s30 = _mm512_dpbusd_epi32(s30, xa, v);
			s31 = _mm512_dpbusd_epi32(s31, xb, v);
		}
		size_t gb = g * GROUP;
		__m512 xs0 = _mm512_loadu_ps(xd + ti[0] * nbp + gb), xs1 = _mm512_loadu_ps(xd + ti[1] * nbp + gb);
#define ROW(i, S0, S1, A0, A1) do { \
		__m512 ws = _mm512_loadu_ps(w->d + ri[i] * nbp + gb); \
		__m512i ww = _mm512_loadu_si512(w->wsum + ri[i] * nbp + gb); \
		A0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(S0, ww)), _mm512_mul_ps(ws, xs0), A0); \
		A1 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(S1, ww)), _mm512_mul_ps(ws, xs1), A1); \
	} while (0)
		ROW(0, s00, s01, a00, a01);
		ROW(1, s10, s11, a10, a11);
		ROW(2, s20, s21, a20, a21);
		ROW(3, s30, s31, a30, a31);
#undef ROW
	}
	__m512 acc[4][2] = {{a00, a01}, {a10, a11}, {a20, a21}, {a30, a31}};
	for (size_t i = 0; i < nr; i++)
		for (size_t j = 0; j < nt; j++)
			y[(t + j) * w->rows + r + i] = _mm512_reduce_add_ps(acc[i][j]) + (bias ? bias[r + i] : 0);
}

/* Tiles of 64 tokens x 64 rows keep both operands in L2 while the micro
 * kernel sweeps them; the 4 rows of one sweep stay in L1. */
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void gemm_vnni(const gk_q8_mat *w, const int8_t *xq, const float *xd, size_t T,
	const float *bias, float *y, size_t r0, size_t r1)
{
	for (size_t t0 = 0; t0 < T; t0 += 64)
		for (size_t rb = r0; rb < r1; rb += 64) {
			size_t te = t0 + 64 < T ? t0 + 64 : T, re = rb + 64 < r1 ? rb + 64 : r1;
			for (size_t r = rb; r < re; r += MR)
				for (size_t t = t0; t < te; t += MT)
					micro(w, xq, xd, r, t, re - r < MR ? re - r : MR, te - t < MT ? te - t : MT,
						bias, y);
		}
}
#endif

/* 0 plain C, 1 AVX-512 VNNI: decided once. */
static int kernel(void)
{
	static int k = -1;
	if (k < 0) {
		int v = 0;
#ifdef GK_X86
		__builtin_cpu_init();
		if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
		    __builtin_cpu_supports("avx512vnni"))
			v = 1;
#endif
		k = v;
	}
	return k;
}

const char *gk_q8_kernel_name(void)
{
	return kernel() ? "avx512-vnni" : "c";
}

void gk_q8_gemm(const gk_q8_mat *w, const void *xq, size_t T, const float *bias, float *y,
	size_t r0, size_t r1, int reference)
{
	const int8_t *q = xq_values((void *)xq);
	const float *d = xq_scales((void *)xq, T, w->kp);
#ifdef GK_X86
	if (!reference && kernel()) {
		gemm_vnni(w, q, d, T, bias, y, r0, r1);
		return;
	}
#endif
	gemm_ref(w, q, d, T, bias, y, r0, r1);
}

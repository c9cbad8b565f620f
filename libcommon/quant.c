/*
 * quant.c - Q8_0 / Q4_0 conversion and the Q8_0 int8 GEMM: a plain C
 * reference loop and AVX2 / AVX-512 VNNI paths chosen at run time.  The
 * fast paths compute exactly the same int32 block sums as the reference
 * (integer arithmetic), so only the order of the float accumulation
 * differs.  Not a general quantisation library: two formats, one GEMM.
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
	memset(m, 0, sizeof *m);
}

size_t gk_q8_mat_bytes(const gk_q8_mat *m)
{
	return m->rows * m->cols + m->rows * (m->cols / GK_QK) * sizeof(float);
}

static int mat_alloc(gk_q8_mat *m, size_t rows, size_t cols, gk_error *err)
{
	size_t n;
	memset(m, 0, sizeof *m);
	if (cols % GK_QK || !gk_mul_size(rows, cols, &n))
		return gk_error_set(err, GK_EDATA, "Q8_0 matrix (%zu, %zu): columns not a multiple of 32",
			rows, cols);
	/* 64-byte alignment for the vector loads; sizes rounded up to match. */
	m->q = aligned_alloc(64, (n + 63) / 64 * 64);
	m->d = malloc((n / GK_QK ? n / GK_QK : 1) * sizeof *m->d);
	if (!m->q || !m->d) {
		gk_q8_mat_clear(m);
		return gk_error_nomem(err);
	}
	m->rows = rows;
	m->cols = cols;
	return 0;
}

int gk_q8_mat_from_blocks(gk_q8_mat *m, const void *blocks, size_t rows, size_t cols,
	gk_error *err)
{
	int rc = mat_alloc(m, rows, cols, err);
	if (rc < 0)
		return rc;
	const uint8_t *b = blocks;
	for (size_t k = 0; k < rows * cols / GK_QK; k++, b += GK_Q8_0_BYTES) {
		m->d[k] = block_scale(b);
		memcpy(m->q + k * GK_QK, b + 2, GK_QK);
	}
	return 0;
}

int gk_q8_mat_from_f32(gk_q8_mat *m, const float *w, size_t rows, size_t cols, gk_error *err)
{
	int rc = mat_alloc(m, rows, cols, err);
	if (rc < 0)
		return rc;
	uint8_t blk[GK_Q8_0_BYTES];
	for (size_t k = 0; k < rows * cols / GK_QK; k++) {
		gk_f32_to_q8_0(w + k * GK_QK, GK_QK, blk);
		m->d[k] = block_scale(blk);
		memcpy(m->q + k * GK_QK, blk + 2, GK_QK);
	}
	return 0;
}

/* The quantised activations: (T, cols) int8 values, then (T, cols / 32)
 * float scales.  Activation scales stay f32 (llama.cpp rounds them to
 * f16; keeping them exact costs nothing here). */
size_t gk_q8_xq_size(size_t T, size_t cols)
{
	return T * cols + T * (cols / GK_QK) * sizeof(float) + 64;
}

static int8_t *xq_values(void *xq) { return xq; }
static float *xq_scales(void *xq, size_t T, size_t cols)
{
	return (float *)((char *)xq + (T * cols + 3) / 4 * 4);
}

void gk_q8_quantize_x(const float *x, size_t T, size_t cols, void *xq)
{
	int8_t *q = xq_values(xq);
	float *d = xq_scales(xq, T, cols);
	for (size_t k = 0; k < T * cols / GK_QK; k++) {
		const float *v = x + k * GK_QK;
		float amax = 0;
		for (int j = 0; j < GK_QK; j++)
			amax = fmaxf(amax, fabsf(v[j]));
		float s = amax / 127, id = s ? 1 / s : 0;
		d[k] = s;
		for (int j = 0; j < GK_QK; j++)
			q[k * GK_QK + j] = (int8_t)lrintf(v[j] * id);
	}
}

static void gemm_ref(const gk_q8_mat *w, const int8_t *xq, const float *xd, size_t T,
	const float *bias, float *y, size_t r0, size_t r1)
{
	size_t nb = w->cols / GK_QK;
	for (size_t t = 0; t < T; t++)
		for (size_t r = r0; r < r1; r++) {
			const int8_t *a = w->q + r * w->cols, *b = xq + t * w->cols;
			float sum = 0;
			for (size_t k = 0; k < nb; k++) {
				int32_t s = 0;
				for (int j = 0; j < GK_QK; j++)
					s += (int32_t)a[k * GK_QK + j] * b[k * GK_QK + j];
				sum += (float)s * (w->d[r * nb + k] * xd[t * nb + k]);
			}
			y[t * w->rows + r] = sum + (bias ? bias[r] : 0);
		}
}

#ifdef GK_X86
/* The int32 sum of a block as 8 lanes: maddubs needs an unsigned operand,
 * so take |x| and move x's sign onto w (llama.cpp's trick). */
__attribute__((target("avx2,fma")))
static inline __m256i dot_avx2(__m256i w, __m256i x)
{
	__m256i ax = _mm256_sign_epi8(x, x), sw = _mm256_sign_epi8(w, x);
	return _mm256_madd_epi16(_mm256_maddubs_epi16(ax, sw), _mm256_set1_epi16(1));
}

__attribute__((target("avx2,fma,avx512vl,avx512vnni")))
static inline __m256i dot_vnni(__m256i w, __m256i x)
{
	__m256i ax = _mm256_sign_epi8(x, x), sw = _mm256_sign_epi8(w, x);
	return _mm256_dpbusd_epi32(_mm256_setzero_si256(), ax, sw);
}

__attribute__((target("avx2,fma")))
static inline float hsum(__m256 v)
{
	__m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
	s = _mm_add_ps(s, _mm_movehl_ps(s, s));
	s = _mm_add_ss(s, _mm_movehdup_ps(s));
	return _mm_cvtss_f32(s);
}

/* Four rows of W against one row of x at a time: each x block is loaded
 * once for four weight rows. */
#define GEMM_BODY(DOT)                                                                      \
	size_t nb = w->cols / GK_QK;                                                        \
	for (size_t t = 0; t < T; t++) {                                                    \
		const int8_t *b = xq + t * w->cols;                                         \
		const float *bd = xd + t * nb;                                              \
		size_t r = r0;                                                              \
		for (; r + 4 <= r1; r += 4) {                                               \
			__m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(),          \
				_mm256_setzero_ps(), _mm256_setzero_ps()};                  \
			for (size_t k = 0; k < nb; k++) {                                   \
				__m256i xv = _mm256_loadu_si256((const __m256i *)(b + k * GK_QK)); \
				for (int i = 0; i < 4; i++) {                               \
					const int8_t *a = w->q + (r + i) * w->cols + k * GK_QK; \
					__m256i s = DOT(_mm256_loadu_si256((const __m256i *)a), xv); \
					__m256 sc = _mm256_set1_ps(w->d[(r + i) * nb + k] * bd[k]); \
					acc[i] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), sc, acc[i]); \
				}                                                           \
			}                                                                   \
			for (int i = 0; i < 4; i++)                                         \
				y[t * w->rows + r + i] = hsum(acc[i]) + (bias ? bias[r + i] : 0); \
		}                                                                           \
		for (; r < r1; r++) {                                                       \
			__m256 acc = _mm256_setzero_ps();                                   \
			for (size_t k = 0; k < nb; k++) {                                   \
				__m256i s = DOT(_mm256_loadu_si256((const __m256i *)(w->q + r * w->cols + k * GK_QK)), \
					_mm256_loadu_si256((const __m256i *)(b + k * GK_QK)));  \
				__m256 sc = _mm256_set1_ps(w->d[r * nb + k] * bd[k]);       \
				acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), sc, acc);      \
			}                                                                   \
			y[t * w->rows + r] = hsum(acc) + (bias ? bias[r] : 0);              \
		}                                                                           \
	}

__attribute__((target("avx2,fma")))
static void gemm_avx2(const gk_q8_mat *w, const int8_t *xq, const float *xd, size_t T,
	const float *bias, float *y, size_t r0, size_t r1)
{
	GEMM_BODY(dot_avx2)
}

__attribute__((target("avx2,fma,avx512vl,avx512vnni")))
static void gemm_vnni(const gk_q8_mat *w, const int8_t *xq, const float *xd, size_t T,
	const float *bias, float *y, size_t r0, size_t r1)
{
	GEMM_BODY(dot_vnni)
}
#endif

/* 0 plain C, 1 AVX2, 2 AVX-512 VNNI: decided once. */
static int kernel(void)
{
	static int k = -1;
	if (k < 0) {
		int v = 0;
#ifdef GK_X86
		__builtin_cpu_init();
		if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
			v = 1;
		if (v && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni"))
			v = 2;
#endif
		k = v;
	}
	return k;
}

const char *gk_q8_kernel_name(void)
{
	static const char *const names[] = {"c", "avx2", "avx512-vnni"};
	return names[kernel()];
}

void gk_q8_gemm(const gk_q8_mat *w, const void *xq, size_t T, const float *bias, float *y,
	size_t r0, size_t r1, int reference)
{
	const int8_t *q = xq_values((void *)xq);
	const float *d = xq_scales((void *)xq, T, w->cols);
	int k = reference ? 0 : kernel();
#ifdef GK_X86
	if (k == 2) {
		gemm_vnni(w, q, d, T, bias, y, r0, r1);
		return;
	}
	if (k == 1) {
		gemm_avx2(w, q, d, T, bias, y, r0, r1);
		return;
	}
#endif
	(void)k;
	gemm_ref(w, q, d, T, bias, y, r0, r1);
}

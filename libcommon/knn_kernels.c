/*
 * knn_kernels.c - scoring a block of queries against a block of index
 * rows: cblas_sgemm for f32, an integer dot product for int8 (AVX2 when
 * the CPU has it), XOR and popcount for binary.  Each has the plain pair
 * loop gk_knn_score_pair_ref beside it, which the tests compare against.
 * Not here: top-k, threads (knn_search.c).
 */
#include <cblas.h>
#include <string.h>

#include "knn_internal.h"

float gk_knn_score_pair_ref(gk_dtype dtype, size_t dim, const uint8_t *a, float sa, const uint8_t *b, float sb)
{
	if (dtype == GK_DTYPE_F32) {
		double s = 0;
		float x, y;
		for (size_t i = 0; i < dim; i++) {
			memcpy(&x, a + 4 * i, 4);
			memcpy(&y, b + 4 * i, 4);
			s += (double)x * y;
		}
		return (float)s;
	}
	if (dtype == GK_DTYPE_INT8) {
		int64_t s = 0;
		for (size_t i = 0; i < dim; i++)
			s += (int)(int8_t)a[i] * (int)(int8_t)b[i];
		return (float)((double)s * sa * sb);
	}
	size_t h = 0;
	for (size_t i = 0; i < dim; i++)
		h += ((a[i / 8] ^ b[i / 8]) >> (7 - i % 8)) & 1;
	return (float)((double)dim - 2.0 * (double)h) / (float)dim;
}

/* ---- int8 ---- */

static int32_t dot_i8_plain(const int8_t *a, const int8_t *b, size_t n)
{
	int32_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += (int32_t)a[i] * b[i];
	return s;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_X86 1

__attribute__((target("avx2")))
static inline int32_t hsum_avx2(__m256i v)
{
	__m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
	s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
	s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
	return _mm_cvtsi128_si32(s);
}

/* One query against four rows: the query's widened values are loaded once
 * for four products.  vpmaddwd sums pairs of int16 products into int32,
 * which cannot overflow for dim < 2^16 (127 * 127 * 2 per lane step). */
__attribute__((target("avx2")))
static void dot_i8_1x4_avx2(const int8_t *q, const int8_t *r, size_t stride, size_t n, int32_t out[4])
{
	__m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		__m256i x = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(q + i)));
		a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(x, _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(r + i)))));
		a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(x, _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(r + stride + i)))));
		a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(x, _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(r + 2 * stride + i)))));
		a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(x, _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(r + 3 * stride + i)))));
	}
	out[0] = hsum_avx2(a0) + dot_i8_plain(q + i, r + i, n - i);
	out[1] = hsum_avx2(a1) + dot_i8_plain(q + i, r + stride + i, n - i);
	out[2] = hsum_avx2(a2) + dot_i8_plain(q + i, r + 2 * stride + i, n - i);
	out[3] = hsum_avx2(a3) + dot_i8_plain(q + i, r + 3 * stride + i, n - i);
}

__attribute__((target("popcnt")))
static size_t hamming_popcnt(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t h = 0, i = 0;
	uint64_t x, y;

	for (; i + 8 <= n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		h += (size_t)__builtin_popcountll(x ^ y);
	}
	for (; i < n; i++)
		h += (size_t)__builtin_popcount((unsigned)(a[i] ^ b[i]));
	return h;
}
#endif

static size_t hamming_plain(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t h = 0, i = 0;
	uint64_t x, y;

	for (; i + 8 <= n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		h += (size_t)__builtin_popcountll(x ^ y);
	}
	for (; i < n; i++)
		h += (size_t)__builtin_popcount((unsigned)(a[i] ^ b[i]));
	return h;
}

static void block_int8(const gk_knn_index *idx, const gk_knn_qblock *qb, size_t r0, size_t r1, float *scores)
{
	size_t nr = r1 - r0, d = idx->dim;
#ifdef HAVE_X86
	static int avx2 = -1;
	if (avx2 < 0)
		avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
#endif
	for (size_t i = 0; i < qb->m; i++) {
		const int8_t *q = (const int8_t *)qb->vectors + i * d;
		float qs = qb->scales[i], *out = scores + i * nr;
		size_t j = 0;
#ifdef HAVE_X86
		if (avx2)
			for (; j + 4 <= nr; j += 4) {
				int32_t dots[4];
				dot_i8_1x4_avx2(q, (const int8_t *)idx->vectors + (r0 + j) * d, d, d, dots);
				for (int t = 0; t < 4; t++)
					out[j + t] = (float)dots[t] * qs * idx->scales[r0 + j + t];
			}
#endif
		for (; j < nr; j++)
			out[j] = (float)dot_i8_plain(q, (const int8_t *)idx->vectors + (r0 + j) * d, d)
				* qs * idx->scales[r0 + j];
	}
}

static void block_binary(const gk_knn_index *idx, const gk_knn_qblock *qb, size_t r0, size_t r1, float *scores)
{
	size_t nr = r1 - r0, rb = idx->row_bytes;
	float dim = (float)idx->dim;
#ifdef HAVE_X86
	static int popcnt = -1;
	if (popcnt < 0)
		popcnt = __builtin_cpu_supports("popcnt") ? 1 : 0;
#endif
	for (size_t i = 0; i < qb->m; i++) {
		const uint8_t *q = qb->vectors + i * rb;
		float *out = scores + i * nr;
		for (size_t j = 0; j < nr; j++) {
			const uint8_t *r = idx->vectors + (r0 + j) * rb;
			size_t h;
#ifdef HAVE_X86
			h = popcnt ? hamming_popcnt(q, r, rb) : hamming_plain(q, r, rb);
#else
			h = hamming_plain(q, r, rb);
#endif
			/* padding bits past dim are zero in both, so they never differ */
			out[j] = (dim - 2.0f * (float)h) / dim;
		}
	}
}

void gk_knn_score_block(const gk_knn_index *idx, const gk_knn_qblock *qb, size_t r0, size_t r1, float *scores)
{
	size_t nr = r1 - r0;

	if (qb->m == 0 || nr == 0)
		return;
	switch (idx->dtype) {
	case GK_DTYPE_F32:
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)qb->m, (int)nr, (int)idx->dim, 1.0f,
			(const float *)(const void *)qb->vectors, (int)idx->dim,
			(const float *)(const void *)(idx->vectors + r0 * idx->row_bytes), (int)idx->dim,
			0.0f, scores, (int)nr);
		break;
	case GK_DTYPE_INT8:
		block_int8(idx, qb, r0, r1, scores);
		break;
	default:
		block_binary(idx, qb, r0, r1, scores);
		break;
	}
}

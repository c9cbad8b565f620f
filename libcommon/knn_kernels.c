/*
 * knn_kernels.c - scoring a block of queries against a block of index
 * rows: cblas_sgemm for f32, an integer dot product for int8 (AVX2 when
 * the CPU has it), XOR and popcount for binary.  Each has the plain pair
 * loop gk_knn_score_pair_ref beside it, which the tests compare against.
 * Not here: top-k, threads (knn_search.c).
 */
#include <cblas.h>
#include <stdbool.h>
#include <stdlib.h>
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

static int64_t dot_i8_plain(const int8_t *a, const int8_t *b, size_t n)
{
	int64_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += (int32_t)a[i] * b[i];
	return s;
}

/* The SIMD paths add up in 32-bit lanes: safe up to this many dimensions
 * (AVX-512 VNNI: 255 * 128 * dim < 2^31). */
enum { SIMD_MAX_DIM = 1 << 16 };

/* Hamming distance of two n-byte bit strings, 64 bits at a time. */
static inline __attribute__((always_inline)) size_t hamming_words(const uint8_t *a, const uint8_t *b, size_t n)
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
	out[0] = hsum_avx2(a0) + (int32_t)dot_i8_plain(q + i, r + i, n - i);
	out[1] = hsum_avx2(a1) + (int32_t)dot_i8_plain(q + i, r + stride + i, n - i);
	out[2] = hsum_avx2(a2) + (int32_t)dot_i8_plain(q + i, r + 2 * stride + i, n - i);
	out[3] = hsum_avx2(a3) + (int32_t)dot_i8_plain(q + i, r + 3 * stride + i, n - i);
}

/*
 * AVX-512 VNNI: vpdpbusd multiplies 4 unsigned bytes by 4 signed bytes and
 * adds the 4 products into an int32 lane, 16 lanes at a time.  The rows
 * are packed so that the 16 lanes are 16 different rows (packed[g] holds
 * bytes 4g..4g+3 of 16 rows), and the query's 4 bytes are broadcast: each
 * lane then accumulates one row's whole dot product, with no horizontal
 * sum per pair.  The query is made unsigned by adding 128 (qu = q + 128)
 * and the excess taken off at the end: dot(q, r) = dot(qu, r) - 128 sum(r).
 *
 * qu (m, d4 * 4) with zero padding; packed (d4, 16 rows, 4 bytes) per group
 * of 16 rows; off128 (16) = 128 * sum of each row; rs (16) row scales;
 * scores (m, nr) written at columns col .. col + nlanes.
 */
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void group_int8_vnni(const uint8_t *qu, const float *qs, size_t m, const uint8_t *packed, size_t d4,
			    const int32_t *off128, const float *rs, float *scores, size_t nr, size_t col, size_t nlanes)
{
	__mmask16 lm = (__mmask16)(nlanes >= 16 ? 0xffff : (1u << nlanes) - 1);
	__m512i off = _mm512_loadu_si512(off128);
	__m512 rsv = _mm512_loadu_ps(rs);
	size_t i = 0;

	for (; i + 4 <= m; i += 4) {
		const int32_t *q0 = (const int32_t *)(const void *)(qu + i * d4 * 4), *q1 = q0 + d4, *q2 = q1 + d4, *q3 = q2 + d4;
		__m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
		for (size_t g = 0; g < d4; g++) {
			__m512i r = _mm512_loadu_si512(packed + g * 64);
			a0 = _mm512_dpbusd_epi32(a0, _mm512_set1_epi32(q0[g]), r);
			a1 = _mm512_dpbusd_epi32(a1, _mm512_set1_epi32(q1[g]), r);
			a2 = _mm512_dpbusd_epi32(a2, _mm512_set1_epi32(q2[g]), r);
			a3 = _mm512_dpbusd_epi32(a3, _mm512_set1_epi32(q3[g]), r);
		}
		__m512i acc[4] = { a0, a1, a2, a3 };
		for (int t = 0; t < 4; t++) {
			__m512 f = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc[t], off));
			f = _mm512_mul_ps(_mm512_mul_ps(f, _mm512_set1_ps(qs[i + t])), rsv);
			_mm512_mask_storeu_ps(scores + (i + t) * nr + col, lm, f);
		}
	}
	for (; i < m; i++) {
		const int32_t *q0 = (const int32_t *)(const void *)(qu + i * d4 * 4);
		__m512i a0 = _mm512_setzero_si512();
		for (size_t g = 0; g < d4; g++)
			a0 = _mm512_dpbusd_epi32(a0, _mm512_set1_epi32(q0[g]), _mm512_loadu_si512(packed + g * 64));
		__m512 f = _mm512_cvtepi32_ps(_mm512_sub_epi32(a0, off));
		f = _mm512_mul_ps(_mm512_mul_ps(f, _mm512_set1_ps(qs[i])), rsv);
		_mm512_mask_storeu_ps(scores + i * nr + col, lm, f);
	}
}

/*
 * AVX-512 VPOPCNTDQ: the same transposition as the int8 kernel, for bits.
 * packed (nw, 8 rows) holds 64-bit word w of 8 rows; each query word is
 * broadcast, XORed with the 8 rows' words, counted, and each lane adds up
 * one row's Hamming distance.  q (m, nw) words, zero-padded;
 * scores (m, nr) written at columns col .. col + nlanes.
 */
__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vpopcntdq")))
static void group_binary_vpopcnt(const uint64_t *q, size_t m, const uint64_t *packed, size_t nw, float dim,
				 float *scores, size_t nr, size_t col, size_t nlanes)
{
	__mmask8 lm = (__mmask8)(nlanes >= 8 ? 0xff : (1u << nlanes) - 1);
	__m256 dv = _mm256_set1_ps(dim), two = _mm256_set1_ps(2.0f);

	for (size_t i = 0; i < m; i++) {
		const uint64_t *qi = q + i * nw;
		__m512i a = _mm512_setzero_si512();
		for (size_t w = 0; w < nw; w++)
			a = _mm512_add_epi64(a, _mm512_popcnt_epi64(_mm512_xor_si512(
				_mm512_set1_epi64((long long)qi[w]), _mm512_loadu_si512(packed + w * 8))));
		/* (dim - 2h) / dim, as the scalar path computes it */
		__m256 h = _mm512_cvtepi64_ps(a);
		__m256 f = _mm256_div_ps(_mm256_sub_ps(dv, _mm256_mul_ps(two, h)), dv);
		_mm256_mask_storeu_ps(scores + i * nr + col, lm, f);
	}
}

/* Compiled twice: with the popcnt instruction, and plain for old CPUs
 * (where __builtin_popcountll is a library call). */
__attribute__((target("popcnt")))
static size_t hamming_popcnt(const uint8_t *a, const uint8_t *b, size_t n)
{
	return hamming_words(a, b, n);
}

/* Pack and score every group of 8 rows; false when memory is short. */
static bool block_binary_x512(const gk_knn_index *idx, const gk_knn_qblock *qb, size_t r0, size_t r1, float *scores)
{
	size_t nr = r1 - r0, rb = idx->row_bytes, nw = (rb + 7) / 8;
	uint64_t *q = calloc(qb->m * nw + 1, sizeof *q), *packed = malloc(nw * 8 * sizeof *packed);

	if (!q || !packed) {
		free(q);
		free(packed);
		return false;
	}
	for (size_t i = 0; i < qb->m; i++)
		memcpy(q + i * nw, qb->vectors + i * rb, rb);
	for (size_t j0 = 0; j0 < nr; j0 += 8) {
		size_t n = nr - j0 < 8 ? nr - j0 : 8;
		memset(packed, 0, nw * 8 * sizeof *packed);
		for (size_t l = 0; l < n; l++) {
			const uint8_t *r = idx->vectors + (r0 + j0 + l) * rb;
			for (size_t w = 0; w < nw; w++) {
				uint64_t x = 0;
				memcpy(&x, r + w * 8, w * 8 + 8 <= rb ? 8 : rb - w * 8);
				packed[w * 8 + l] = x;
			}
		}
		group_binary_vpopcnt(q, qb->m, packed, nw, (float)idx->dim, scores, nr, j0, n);
	}
	free(q);
	free(packed);
	return true;
}
#endif

static size_t hamming_plain(const uint8_t *a, const uint8_t *b, size_t n)
{
	return hamming_words(a, b, n);
}

#ifdef HAVE_X86
/* The VNNI path: pack each group of 16 rows, score every query against it.
 * False when scratch memory is short (the caller falls back). */
static bool block_int8_x512(const gk_knn_index *idx, const gk_knn_qblock *qb, size_t r0, size_t r1, float *scores)
{
	size_t nr = r1 - r0, d = idx->dim, d4 = (d + 3) / 4;
	uint8_t *qu = calloc(qb->m * d4 * 4 + 64, 1), *packed = malloc(d4 * 64);
	const int8_t *rows = (const int8_t *)idx->vectors + r0 * d;

	if (!qu || !packed) {
		free(qu);
		free(packed);
		return false;
	}
	for (size_t i = 0; i < qb->m; i++)
		for (size_t c = 0; c < d; c++)
			qu[i * d4 * 4 + c] = (uint8_t)(qb->vectors[i * d + c] ^ 0x80);  /* two's complement + 128 */
	for (size_t j0 = 0; j0 < nr; j0 += 16) {
		size_t n = nr - j0 < 16 ? nr - j0 : 16;
		int32_t off[16] = { 0 };
		float rs[16] = { 0 };
		memset(packed, 0, d4 * 64);
		for (size_t l = 0; l < n; l++) {
			const int8_t *r = rows + (j0 + l) * d;
			for (size_t c = 0; c < d; c++) {
				packed[(c / 4) * 64 + l * 4 + c % 4] = (uint8_t)r[c];
				off[l] += r[c];
			}
			off[l] *= 128;
			rs[l] = idx->scales[r0 + j0 + l];
		}
		group_int8_vnni(qu, qb->scales, qb->m, packed, d4, off, rs, scores, nr, j0, n);
	}
	free(qu);
	free(packed);
	return true;
}
#endif

static void block_int8(const gk_knn_index *idx, const gk_knn_qblock *qb, size_t r0, size_t r1, float *scores)
{
	size_t nr = r1 - r0, d = idx->dim;
#ifdef HAVE_X86
	static int has_avx2 = -1, has_vnni = -1;
	if (has_avx2 < 0) {
		has_avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
		has_vnni = __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bw")
			&& !getenv("GK_KNN_NO_AVX512") ? 1 : 0;
	}
	bool avx2 = has_avx2 && d <= SIMD_MAX_DIM;
	if (has_vnni && d <= SIMD_MAX_DIM && block_int8_x512(idx, qb, r0, r1, scores))
		return;
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
	static int popcnt = -1, vpopcnt = -1;
	if (popcnt < 0) {
		popcnt = __builtin_cpu_supports("popcnt") ? 1 : 0;
		vpopcnt = __builtin_cpu_supports("avx512vpopcntdq") && __builtin_cpu_supports("avx512bw")
			&& __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")
			&& !getenv("GK_KNN_NO_AVX512") ? 1 : 0;
	}
	if (vpopcnt && block_binary_x512(idx, qb, r0, r1, scores))
		return;
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

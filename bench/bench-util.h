/*
 * bench-util.h - what the benchmark programs share: a monotonic clock and
 * OpenBLAS's own sgemm rate on a shape, the yardstick each figure in
 * bench/RESULTS.md stands beside.
 */
#ifndef GK_BENCH_UTIL_H
#define GK_BENCH_UTIL_H

#include <cblas.h>
#include <stdlib.h>
#include <time.h>

static inline double bench_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* GFLOP/s of cblas_sgemm on y (m, n) = x (m, k) . w (n, k)^T, best of reps. */
static inline double bench_sgemm_gflops(int m, int n, int k, int reps)
{
	float *x = calloc((size_t)m * k, sizeof *x), *w = calloc((size_t)n * k, sizeof *w);
	float *y = calloc((size_t)m * n, sizeof *y);
	double best = 1e30;

	for (size_t i = 0; i < (size_t)m * k; i++)
		x[i] = (float)(i % 7) * 0.1f;
	for (size_t i = 0; i < (size_t)n * k; i++)
		w[i] = (float)(i % 5) * 0.1f;
	for (int r = 0; r < reps; r++) {
		double t = bench_now();
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1, x, k, w, k, 0, y, n);
		t = bench_now() - t;
		best = t < best ? t : best;
	}
	free(x);
	free(w);
	free(y);
	return 2.0 * m * n * k / best / 1e9;
}

#endif

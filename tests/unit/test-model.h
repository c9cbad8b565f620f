/*
 * test-model.h - what the model unit tests share: a CHECK that counts
 * failures and goes on, and the largest element-wise difference.
 * Header-only so each test stays one file plus this.
 */
#ifndef GK_TEST_MODEL_H
#define GK_TEST_MODEL_H

#include <math.h>
#include <stddef.h>
#include <stdio.h>

static int failures;

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		failures++; \
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fprintf(stderr, "\n"); \
	} \
} while (0)

/* max |a[i] - b[i]|; a NaN anywhere makes it NaN-proof infinite. */
static inline double max_abs_diff(const float *a, const float *b, size_t n)
{
	double m = 0;
	for (size_t i = 0; i < n; i++) {
		double d = fabs((double)a[i] - b[i]);
		if (!(d <= m))
			m = isnan(d) ? INFINITY : d;
	}
	return m;
}

#endif

/*
 * sampling.c - next-token choice (see sampling.h).  Sampling keeps the
 * candidates sorted by logit, so top-k and top-p are prefixes of one sort.
 */
#include "sampling.h"

#include <math.h>
#include <stdlib.h>

#include "lm.h"

uint64_t gk_random_next(uint64_t *rng)
{
	uint64_t z = (*rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

double gk_random_unit(uint64_t *rng)
{
	return (double)(gk_random_next(rng) >> 11) * 0x1.0p-53;
}

/* qsort has no context argument in C11: the logits being sorted.  This
 * makes gk_sample unsafe to call from two threads at once. */
static const float *sort_logits;

/* Descending by logit, ties to the lower id, so the order is total. */
static int by_logit(const void *a, const void *b)
{
	int32_t i = *(const int32_t *)a, j = *(const int32_t *)b;
	float x = sort_logits[i], y = sort_logits[j];

	if (x != y)
		return x > y ? -1 : 1;
	return (i > j) - (i < j);
}

int32_t gk_sample(const gk_sampler *s, const float *logits, size_t vocab, uint64_t *rng, void *scratch)
{
	int32_t *order = scratch;
	float *p = (float *)(order + vocab);
	size_t n = vocab;
	double sum = 0, cut, acc = 0, u;

	if (s->temperature <= 0)
		return (int32_t)gk_argmax(logits, vocab);
	for (size_t i = 0; i < vocab; i++)
		order[i] = (int32_t)i;
	sort_logits = logits;
	qsort(order, vocab, sizeof *order, by_logit);
	if (s->top_k > 0 && s->top_k < n)
		n = s->top_k;
	for (size_t i = 0; i < n; i++) {
		p[i] = expf((logits[order[i]] - logits[order[0]]) / s->temperature);
		sum += p[i];
	}
	/* top-p: the smallest prefix whose probability reaches top_p */
	if (s->top_p > 0 && s->top_p < 1) {
		size_t keep = 0;
		double mass = 0;
		while (keep < n && mass < s->top_p * sum)
			mass += p[keep++];
		n = keep ? keep : 1;
		sum = mass > 0 ? mass : p[0];
	}
	u = gk_random_unit(rng) * sum;
	for (size_t i = 0; i < n; i++) {
		acc += p[i];
		if (u < acc)
			return order[i];
	}
	cut = n - 1;
	return order[(size_t)cut];
}

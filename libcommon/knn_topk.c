/*
 * knn_topk.c - the bounded heap of knn_topk.h and the hit sort.
 */
#include <stdlib.h>

#include "knn_topk.h"

static void sift_down(gk_knn_hit *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, w = i;

		/* the root is the worst: a child that is worse moves up */
		if (l < n && gk_knn_hit_better(h[w], h[l]))
			w = l;
		if (r < n && gk_knn_hit_better(h[w], h[r]))
			w = r;
		if (w == i)
			return;
		gk_knn_hit tmp = h[i];
		h[i] = h[w];
		h[w] = tmp;
		i = w;
	}
}

void gk_topk_push(gk_topk *t, gk_knn_hit h)
{
	if (t->k == 0)
		return;
	if (t->n < t->k) {
		size_t i = t->n++;

		t->h[i] = h;
		while (i > 0) {
			size_t p = (i - 1) / 2;
			if (!gk_knn_hit_better(t->h[p], t->h[i]))
				break;
			gk_knn_hit tmp = t->h[p];
			t->h[p] = t->h[i];
			t->h[i] = tmp;
			i = p;
		}
		return;
	}
	if (!gk_knn_hit_better(h, t->h[0]))
		return;
	t->h[0] = h;
	sift_down(t->h, t->n, 0);
}

static int hit_cmp(const void *a, const void *b)
{
	gk_knn_hit x = *(const gk_knn_hit *)a, y = *(const gk_knn_hit *)b;

	return gk_knn_hit_better(x, y) ? -1 : gk_knn_hit_better(y, x) ? 1 : 0;
}

void gk_knn_hits_sort(gk_knn_hit *h, size_t n)
{
	qsort(h, n, sizeof *h, hit_cmp);
}

size_t gk_topk_finish(gk_topk *t)
{
	gk_knn_hits_sort(t->h, t->n);
	return t->n;
}

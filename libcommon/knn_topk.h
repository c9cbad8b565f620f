/*
 * knn_topk.h - keep the k best of a stream of scored rows: a bounded heap
 * whose root is the worst kept hit, so most candidates are turned away by
 * one comparison.  "Best" is gk_knn_hit_better (score, then lower row), a
 * total order, so the kept set never depends on the order of the pushes.
 * Not thread-safe: one heap per query per thread.
 */
#ifndef GK_KNN_TOPK_H
#define GK_KNN_TOPK_H

#include "knn.h"

typedef struct gk_topk {
	gk_knn_hit *h;  /* (k) storage, the caller's */
	size_t n, k;
} gk_topk;

static inline void gk_topk_init(gk_topk *t, gk_knn_hit *storage, size_t k)
{
	t->h = storage;
	t->n = 0;
	t->k = k;
}

/* Offer a hit; kept when fewer than k are held or it beats the worst. */
void gk_topk_push(gk_topk *t, gk_knn_hit h);

/* Quick test before building a hit: could score get in at all?  (Written
 * so that a NaN on either side says "maybe", and gk_topk_push decides.) */
static inline bool gk_topk_may_take(const gk_topk *t, float score)
{
	return t->n < t->k || !(score < t->h[0].score);
}

/* Sort the kept hits best first (the heap is spent); returns how many. */
size_t gk_topk_finish(gk_topk *t);

#endif

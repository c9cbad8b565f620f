/*
 * knn_internal.h - what the knn source files share and no program needs:
 * the block scoring kernels.
 */
#ifndef GK_KNN_INTERNAL_H
#define GK_KNN_INTERNAL_H

#include "knn.h"

/* A block of m queries in the index dtype, rows contiguous. */
typedef struct gk_knn_qblock {
	size_t m;
	const uint8_t *vectors;  /* (m, row_bytes) */
	const float *scales;     /* (m) for int8, else NULL */
} gk_knn_qblock;

/* scores (qb->m, r1 - r0) = the scores of every query of qb against index
 * rows r0 .. r1, in the index dtype's scoring (knn.h).  Single-threaded:
 * callers run one per thread. */
void gk_knn_score_block(const gk_knn_index *idx, const gk_knn_qblock *qb, size_t r0, size_t r1, float *scores);

/* The same for a single pair, the plain way (reference and rescoring). */
float gk_knn_score_pair_ref(gk_dtype dtype, size_t dim, const uint8_t *a, float sa, const uint8_t *b, float sb);

#endif

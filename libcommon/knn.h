/*
 * knn.h - nearest-neighbour search over an index of vectors: the index
 * (built in memory from vectors streams, or mapped from a .gki file),
 * exact top-k by inner product (blocked sgemm for f32, an integer dot
 * product for int8, popcount for binary, optional full-precision
 * rescoring) and approximate top-k with an IVF coarse quantiser.
 *
 * Scores: f32 inner product (cosine on unit vectors); int8: scale_q *
 * scale_d * integer dot, the same quantity approximated; binary: the
 * cosine of the two sign vectors, (dim - 2 * hamming) / dim.  Ties break
 * by index order (the lower row wins), so answers are deterministic
 * whatever the blocking or the number of threads.
 *
 * Not here: reading queries or writing hits (the program does that) and
 * any index that changes after it is built.
 */
#ifndef GK_KNN_H
#define GK_KNN_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtype.h"
#include "error.h"

/* A loaded index.  Every pointer is owned by the index (heap memory, or a
 * read-only mapping of the index file) and lives until gk_knn_index_free. */
typedef struct gk_knn_index {
	size_t dim, count;
	gk_dtype dtype;           /* what search runs on: F32, INT8 or BINARY */
	size_t row_bytes;         /* bytes of one row of vectors */
	const uint8_t *vectors;   /* (count, row_bytes) in dtype */
	const float *scales;      /* (count) int8 scales; NULL for other dtypes */
	const float *full;        /* (count, dim) f32 kept to rescore quantised search, or NULL */
	const uint64_t *id_offs;  /* (count + 1) offsets into id_bytes, non-decreasing */
	const char *id_bytes;     /* (id_offs[count]) the ids, not NUL-terminated */
	/* IVF (nlist == 0: none).  Rows are grouped by list: list l holds rows
	 * list_offs[l] .. list_offs[l+1]. */
	size_t nlist;
	const float *centroids;   /* (nlist, dim) */
	const uint64_t *list_offs;/* (nlist + 1) */
	/* storage */
	void *map;                /* the mapped file, or NULL */
	size_t map_len;
	void *heap[8];            /* malloc'd arrays behind the pointers above */
} gk_knn_index;

/* Options for building an index. */
typedef struct gk_knn_build_opts {
	gk_dtype dtype;     /* search dtype: F32, INT8, BINARY; INVALID: the first input's
			       (f16, bf16 become f32) */
	bool keep_full;     /* keep f32 vectors beside quantised ones (for rescoring) */
	size_t nlist;       /* > 0: train an IVF with this many lists */
	size_t train_max;   /* k-means sample size (0: 256 * nlist) */
	int iters;          /* k-means iterations (0: 20) */
	uint64_t seed;      /* k-means sample and initial centroids */
	int n_threads;
} gk_knn_build_opts;

/* Load vectors streams (paths, all of the same dimension) into a new
 * index.  Float inputs are converted (and quantised when opts->dtype says
 * so); a quantised input must already be of the index dtype.  Records need
 * an "id" (a string, or an integer written in decimal).  Returns 0 or a
 * GK_E* code with err set; *out is NULL on error. */
int gk_knn_index_load_streams(gk_knn_index **out, const char *const *paths, size_t npaths,
	const gk_knn_build_opts *opts, gk_error *err);

/* Build an index from n float vectors v (n, dim) held by the caller (copied),
 * with ids ids[i] (NULL: the row numbers in decimal).  Same opts as above. */
int gk_knn_index_from_f32(gk_knn_index **out, const float *v, size_t n, size_t dim,
	const char *const *ids, const gk_knn_build_opts *opts, gk_error *err);

/* Write idx as an index file (format: man/gk-knn.1, FILES).  0 or GK_EIO. */
int gk_knn_index_write(const gk_knn_index *idx, const char *path, gk_error *err);

/* Map an index file read-only, checking every size and offset against the
 * file.  0, GK_ENOINPUT, GK_EDATA (corrupt or truncated, err says how). */
int gk_knn_index_open(gk_knn_index **out, const char *path, gk_error *err);

/* Whether path starts with the index file magic (false on any error). */
bool gk_knn_is_index_file(const char *path);

void gk_knn_index_free(gk_knn_index *idx);

/* The id of row i (borrowed; *len bytes, not NUL-terminated). */
const char *gk_knn_index_id(const gk_knn_index *idx, size_t i, size_t *len);

/* Train the IVF of an in-memory index (reorders its rows by list). */
int gk_knn_index_train_ivf(gk_knn_index *idx, const gk_knn_build_opts *opts, gk_error *err);

/* ---- search ---- */

/* One neighbour: score and index row. */
typedef struct gk_knn_hit {
	float score;
	uint32_t row;
} gk_knn_hit;

/* A batch of queries, in the index dtype (gk_knn_queries_prepare makes
 * them from float vectors). */
typedef struct gk_knn_queries {
	size_t n;
	gk_dtype dtype;
	const uint8_t *vectors;  /* (n, row_bytes of the index) */
	const float *scales;     /* (n) int8 scales, or NULL */
	const float *full;       /* (n, dim) f32: the IVF's coarse step and rescoring use it */
	bool precise;            /* full holds the queries at full precision (rescoring needs it) */
	void *heap[3];           /* what gk_knn_queries_from_f32 allocated */
} gk_knn_queries;

/* Fill q from n float vectors v (n, dim), quantised to idx's dtype; v is
 * copied.  precise: v is full precision (not decoded from int8 or binary).
 * 0 or GK_ENOMEM; free with gk_knn_queries_free. */
int gk_knn_queries_from_f32(gk_knn_queries *q, const gk_knn_index *idx, const float *v, size_t n,
	bool precise, gk_error *err);
void gk_knn_queries_free(gk_knn_queries *q);

typedef struct gk_knn_search_opts {
	size_t k;
	size_t rescore;     /* > 0: take this many by the quantised score, rescore with f32 */
	size_t nprobe;      /* IVF lists to visit per query; 0 = exact search */
	int n_threads;
} gk_knn_search_opts;

/* Search: hits (q->n, k) best first, each query's unused slots (fewer rows
 * than k) get row UINT32_MAX; nhits (q->n) counts the filled ones.
 * 0, GK_EUSAGE (rescore without full vectors), GK_ENOMEM. */
int gk_knn_search(const gk_knn_index *idx, const gk_knn_queries *q, const gk_knn_search_opts *opts,
	gk_knn_hit *hits, size_t *nhits, gk_error *err);

/* The obviously-correct loop: score every row, sort, keep k.  Same
 * results as gk_knn_search with exact search (to float rounding). */
int gk_knn_search_ref(const gk_knn_index *idx, const gk_knn_queries *q, size_t k,
	gk_knn_hit *hits, size_t *nhits, gk_error *err);

/* Score of query row qi against index row r in the index dtype. */
float gk_knn_score(const gk_knn_index *idx, const gk_knn_queries *q, size_t qi, size_t r);

/* Whether hit a ranks before hit b: higher score, then lower row.  A NaN
 * score (from a corrupt index file) ranks last, so the order stays total
 * and sorting stays safe. */
static inline bool gk_knn_hit_better(gk_knn_hit a, gk_knn_hit b)
{
	float sa = a.score == a.score ? a.score : -INFINITY, sb = b.score == b.score ? b.score : -INFINITY;

	return sa > sb || (sa == sb && a.row < b.row);
}

/* Sort n hits best first. */
void gk_knn_hits_sort(gk_knn_hit *h, size_t n);

#endif

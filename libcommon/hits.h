/*
 * hits.h - the "hits" field of a hits stream record as C values: reading
 * it, writing it, and merging the hit lists of one query from several
 * index shards into the global top k.  Not search itself (knn.h).
 */
#ifndef GK_HITS_H
#define GK_HITS_H

#include <stddef.h>

#include "error.h"
#include "record.h"

/* One hit; id is borrowed (from a record or an index). */
typedef struct gk_hit {
	const char *id;   /* id_len bytes, not NUL-terminated */
	size_t id_len;
	double score;
} gk_hit;

/* The hits of rec as a new array (*out, caller frees; ids point into rec
 * and live as long as its "hits" field).  0, GK_EDATA when "hits" is
 * missing or malformed (err says how), GK_ENOMEM. */
int gk_hits_get(const gk_record *rec, gk_hit **out, size_t *n, gk_error *err);

/* Set rec's "hits" to the n hits, in order (ids and scores copied).
 * 0 or GK_ENOMEM. */
int gk_hits_set(gk_record *rec, const gk_hit *h, size_t n);

/* Merge nlists lists of hits (each best first) into out (room for k): the
 * k best by score, ties going to the earlier list, then the earlier place
 * in it, so shards given in index order reproduce the single index's
 * order.  An id seen twice keeps its first (best) place.  Returns the
 * count written; -1 when out of memory. */
long gk_hits_merge(gk_hit *const *lists, const size_t *n, size_t nlists, size_t k, gk_hit *out);

#endif

/*
 * eval.h - retrieval metrics of ranked hits against relevance judgements
 * (BEIR qrels), with the definitions of trec_eval as pytrec_eval (and so
 * BEIR) computes them:
 *
 *   hits are ranked by score, ties by document id in reverse byte order
 *   (trec_eval's order), whatever order the list came in;
 *   relevant means a judgement >= 1; unjudged documents count as 0;
 *   nDCG@k: sum over the top k of gain / log2(rank + 1), gain = the
 *     judgement when > 0, over the same sum for the ideal ranking of all
 *     judged documents (0 when there is no relevant document);
 *   Recall@k: relevant documents in the top k / all relevant documents;
 *   MRR@k: 1 / rank of the first relevant document in the top k, else 0;
 *   MAP: the mean over relevant documents of the precision at their rank
 *     (0 for those not retrieved), all hits considered.
 *
 * Averages run over the queries that are both judged and in the hits, as
 * pytrec_eval does.  Not here: reading hits streams (hits.h), printing.
 */
#ifndef GK_EVAL_H
#define GK_EVAL_H

#include <stddef.h>

#include "error.h"
#include "hits.h"

typedef struct gk_qrels gk_qrels;

/* Load a BEIR qrels file: tab-separated query-id, corpus-id, integer
 * score, with an optional header line.  A pair judged twice keeps the
 * last judgement (as BEIR's loader does).  0, GK_ENOINPUT, GK_EDATA
 * (naming the line), GK_ENOMEM. */
int gk_qrels_load(gk_qrels **out, const char *path, gk_error *err);
void gk_qrels_free(gk_qrels *q);

/* Number of judged queries. */
size_t gk_qrels_queries(const gk_qrels *q);

/* The metrics gk-eval reports, in this order. */
enum { GK_EVAL_NDCG10, GK_EVAL_RECALL1, GK_EVAL_RECALL10, GK_EVAL_RECALL100, GK_EVAL_MRR10, GK_EVAL_MAP,
       GK_EVAL_NMETRICS };
extern const char *const gk_eval_metric_names[GK_EVAL_NMETRICS];  /* "ndcg@10", ... */

/* Score one query's hits (any order; the array is re-sorted in place).
 * Returns 1 and fills out, 0 when the query is not judged, -1 when out
 * of memory. */
int gk_eval_query(const gk_qrels *q, const char *qid, size_t qid_len, gk_hit *hits, size_t n,
	double out[GK_EVAL_NMETRICS]);

#endif

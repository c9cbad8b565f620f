/*
 * knn_search.c - top-k search: exact (every row, blocked) and IVF (the
 * rows of the nprobe nearest lists), with optional rescoring of quantised
 * candidates by full-precision vectors, and the reference loop.
 *
 * Exact search splits the index rows between threads; each thread scores
 * blocks of (queries x rows) with the kernels of knn_kernels.c (one sgemm
 * per block for f32, OpenBLAS itself on one thread) into its own top-k per
 * query, and the threads' top-k lists are merged at the end.  IVF search
 * first picks each query's lists (one sgemm against the centroids), then
 * splits the lists between threads, each list scored with all the queries
 * that probe it as one block.  Because the hit order is total (score, then
 * row), the answer does not depend on the blocking or the thread count.
 */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "knn_internal.h"
#include "knn_topk.h"
#include "parallel.h"
#include "vecmath.h"

enum { QBLOCK = 1024, RBLOCK = 512 };  /* tuned on 200k x 768: 1024 x 512 kept sgemm's rate */

int gk_knn_queries_from_f32(gk_knn_queries *q, const gk_knn_index *idx, const float *v, size_t n,
	bool precise, gk_error *err)
{
	size_t fbytes;
	float *full = NULL, *scales = NULL;
	uint8_t *vec = NULL;

	memset(q, 0, sizeof *q);
	if (!gk_mul_size(n, idx->dim * sizeof(float), &fbytes))
		return gk_error_nomem(err);
	full = malloc(fbytes ? fbytes : 1);
	if (idx->dtype != GK_DTYPE_F32) {
		vec = malloc(n * idx->row_bytes + 1);
		scales = malloc(n * sizeof *scales + 1);
	}
	if (!full || (idx->dtype != GK_DTYPE_F32 && (!vec || !scales))) {
		free(full);
		free(vec);
		free(scales);
		return gk_error_nomem(err);
	}
	memcpy(full, v, fbytes);
	for (size_t i = 0; vec && i < n; i++)
		gk_vec_encode(full + i * idx->dim, idx->dim, idx->dtype, vec + i * idx->row_bytes, &scales[i]);
	q->n = n;
	q->dtype = idx->dtype;
	q->full = full;
	q->precise = precise;
	q->vectors = vec ? vec : (const uint8_t *)full;
	q->scales = idx->dtype == GK_DTYPE_INT8 ? scales : NULL;
	q->heap[0] = full;
	q->heap[1] = vec;
	q->heap[2] = scales;
	return 0;
}

void gk_knn_queries_free(gk_knn_queries *q)
{
	for (int i = 0; i < 3; i++)
		free(q->heap[i]);
	memset(q, 0, sizeof *q);
}

float gk_knn_score(const gk_knn_index *idx, const gk_knn_queries *q, size_t qi, size_t r)
{
	return gk_knn_score_pair_ref(idx->dtype, idx->dim, q->vectors + qi * idx->row_bytes,
		q->scales ? q->scales[qi] : 1, idx->vectors + r * idx->row_bytes, idx->scales ? idx->scales[r] : 1);
}

/* Full-precision inner product, for rescoring. */
static float dot_f32(const float *a, const float *b, size_t n)
{
	return cblas_sdot((int)n, a, 1, b, 1);
}

/* ---- exact ---- */

struct exact_job {
	const gk_knn_index *idx;
	const gk_knn_queries *q;
	size_t kk;             /* candidates kept per query */
	gk_knn_hit *cand;      /* (n_threads, q->n, kk) */
	size_t *ncand;         /* (n_threads, q->n) */
	size_t chunk_rows;     /* rows per thread */
	int failed;
};

static void exact_chunk(void *ctx, size_t t0, size_t t1)
{
	struct exact_job *j = ctx;
	const gk_knn_index *idx = j->idx;
	const gk_knn_queries *q = j->q;

	for (size_t t = t0; t < t1; t++) {
		size_t r_begin = t * j->chunk_rows, r_end = r_begin + j->chunk_rows;
		gk_topk *tk = malloc(q->n * sizeof *tk + 1);
		float *scores = malloc((size_t)QBLOCK * RBLOCK * sizeof *scores);

		if (r_end > idx->count)
			r_end = idx->count;
		if (!tk || !scores) {
			free(tk);
			free(scores);
			j->failed = 1;
			return;
		}
		for (size_t i = 0; i < q->n; i++)
			gk_topk_init(&tk[i], j->cand + (t * q->n + i) * j->kk, j->kk);
		for (size_t r0 = r_begin; r0 < r_end; r0 += RBLOCK) {
			size_t r1 = r0 + RBLOCK < r_end ? r0 + RBLOCK : r_end, nr = r1 - r0;
			for (size_t q0 = 0; q0 < q->n; q0 += QBLOCK) {
				gk_knn_qblock qb = {
					.m = q->n - q0 < QBLOCK ? q->n - q0 : QBLOCK,
					.vectors = q->vectors + q0 * idx->row_bytes,
					.scales = q->scales ? q->scales + q0 : NULL,
				};
				gk_knn_score_block(idx, &qb, r0, r1, scores);
				for (size_t i = 0; i < qb.m; i++) {
					gk_topk *k = &tk[q0 + i];
					const float *s = scores + i * nr;
					for (size_t c = 0; c < nr; c++)
						if (gk_topk_may_take(k, s[c]))
							gk_topk_push(k, (gk_knn_hit){ s[c], (uint32_t)(r0 + c) });
				}
			}
		}
		for (size_t i = 0; i < q->n; i++)
			j->ncand[t * q->n + i] = tk[i].n;
		free(tk);
		free(scores);
	}
}

/* ---- IVF ---- */

/* Which lists each query probes, inverted: the queries of list l are
 * who[start[l] .. start[l+1]), in query order. */
struct ivf_plan {
	size_t *start;   /* (nlist + 1) */
	uint32_t *who;   /* (nq * nprobe) */
};

struct coarse_job {
	const gk_knn_index *idx;
	const gk_knn_queries *q;
	size_t np;
	uint32_t *probe;  /* (nq, np) the lists of each query */
	int failed;
};

static void coarse_chunk(void *ctx, size_t q0, size_t q1)
{
	struct coarse_job *j = ctx;
	const gk_knn_index *idx = j->idx;
	size_t nl = idx->nlist;
	float *coarse = malloc((size_t)QBLOCK * nl * sizeof *coarse);
	gk_knn_hit *best = malloc(j->np * sizeof *best);

	if (!coarse || !best) {
		j->failed = 1;
		free(coarse);
		free(best);
		return;
	}
	for (size_t b = q0; b < q1; b += QBLOCK) {
		size_t m = q1 - b < QBLOCK ? q1 - b : QBLOCK;
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)nl, (int)idx->dim, 1.0f,
			j->q->full + b * idx->dim, (int)idx->dim, idx->centroids, (int)idx->dim, 0.0f, coarse, (int)nl);
		for (size_t i = 0; i < m; i++) {
			gk_topk t;
			gk_topk_init(&t, best, j->np);
			for (size_t l = 0; l < nl; l++)
				gk_topk_push(&t, (gk_knn_hit){ coarse[i * nl + l], (uint32_t)l });
			for (size_t p = 0; p < j->np; p++)
				j->probe[(b + i) * j->np + p] = best[p].row;
		}
	}
	free(coarse);
	free(best);
}

static int ivf_plan_make(struct ivf_plan *plan, const gk_knn_index *idx, const gk_knn_queries *q, size_t np,
			 int threads, gk_error *err)
{
	size_t nq = q->n, nl = idx->nlist;
	struct coarse_job j = { idx, q, np, malloc(nq * np * sizeof(uint32_t) + 1), 0 };

	plan->start = calloc(nl + 1, sizeof *plan->start);
	plan->who = malloc(nq * np * sizeof *plan->who + 1);
	if (!j.probe || !plan->start || !plan->who) {
		free(j.probe);
		return gk_error_nomem(err);
	}
	gk_parallel_for(threads, nq, coarse_chunk, &j);
	if (j.failed) {
		free(j.probe);
		return gk_error_nomem(err);
	}
	for (size_t i = 0; i < nq * np; i++)
		plan->start[j.probe[i] + 1]++;
	for (size_t l = 0; l < nl; l++)
		plan->start[l + 1] += plan->start[l];
	for (size_t i = 0; i < nq; i++)  /* counting sort: queries in order within each list */
		for (size_t p = 0; p < np; p++)
			plan->who[plan->start[j.probe[i * np + p]]++] = (uint32_t)i;
	for (size_t l = nl; l > 0; l--)
		plan->start[l] = plan->start[l - 1];
	plan->start[0] = 0;
	free(j.probe);
	return 0;
}

struct ivf_job {
	const gk_knn_index *idx;
	const gk_knn_queries *q;
	const struct ivf_plan *plan;
	size_t kk, nt;
	gk_knn_hit *cand;      /* (nt, q->n, kk) */
	size_t *ncand;         /* (nt, q->n) */
	int failed;
};

/* Thread t visits lists t, t + nt, ... (interleaved, since lists differ in
 * size), each with all the queries that probe it gathered into blocks, and
 * keeps its own top-k per query. */
static void ivf_chunk(void *ctx, size_t t0, size_t t1)
{
	struct ivf_job *j = ctx;
	const gk_knn_index *idx = j->idx;
	const gk_knn_queries *q = j->q;
	const struct ivf_plan *plan = j->plan;
	size_t rb = idx->row_bytes;

	for (size_t t = t0; t < t1; t++) {
		uint8_t *gq = malloc((size_t)QBLOCK * rb);                    /* (QBLOCK, row_bytes) */
		float *gs = malloc((size_t)QBLOCK * sizeof *gs);
		float *scores = malloc((size_t)QBLOCK * RBLOCK * sizeof *scores);
		gk_topk *tk = malloc(q->n * sizeof *tk + 1);

		if (!gq || !gs || !scores || !tk) {
			j->failed = 1;
			free(gq); free(gs); free(scores); free(tk);
			return;
		}
		for (size_t i = 0; i < q->n; i++)
			gk_topk_init(&tk[i], j->cand + (t * q->n + i) * j->kk, j->kk);
		for (size_t l = t; l < idx->nlist; l += j->nt) {
			size_t lo = (size_t)idx->list_offs[l], hi = (size_t)idx->list_offs[l + 1];
			for (size_t w0 = plan->start[l]; w0 < plan->start[l + 1]; w0 += QBLOCK) {
				size_t w1 = w0 + QBLOCK < plan->start[l + 1] ? w0 + QBLOCK : plan->start[l + 1];
				gk_knn_qblock qb = { .m = w1 - w0, .vectors = gq, .scales = q->scales ? gs : NULL };
				for (size_t w = w0; w < w1; w++) {
					memcpy(gq + (w - w0) * rb, q->vectors + (size_t)plan->who[w] * rb, rb);
					if (q->scales)
						gs[w - w0] = q->scales[plan->who[w]];
				}
				for (size_t r0 = lo; r0 < hi; r0 += RBLOCK) {
					size_t r1 = r0 + RBLOCK < hi ? r0 + RBLOCK : hi, nr = r1 - r0;
					gk_knn_score_block(idx, &qb, r0, r1, scores);
					for (size_t w = w0; w < w1; w++) {
						gk_topk *k = &tk[plan->who[w]];
						const float *s = scores + (w - w0) * nr;
						for (size_t c = 0; c < nr; c++)
							if (gk_topk_may_take(k, s[c]))
								gk_topk_push(k, (gk_knn_hit){ s[c], (uint32_t)(r0 + c) });
					}
				}
			}
		}
		for (size_t i = 0; i < q->n; i++)
			j->ncand[t * q->n + i] = tk[i].n;
		free(gq); free(gs); free(scores); free(tk);
	}
}

int gk_knn_search(const gk_knn_index *idx, const gk_knn_queries *q, const gk_knn_search_opts *opts,
	gk_knn_hit *hits, size_t *nhits, gk_error *err)
{
	size_t k = opts->k, kk = k, nq = q->n;
	int threads = opts->n_threads > 0 ? opts->n_threads : 1;
	bool rescore = opts->rescore > 0 && idx->dtype != GK_DTYPE_F32;
	gk_knn_hit *cand = NULL;
	size_t *ncand = NULL, nt;
	int rc = 0;

	if (rescore && !idx->full)
		return gk_error_set(err, GK_EUSAGE, "--rescore needs the full-precision vectors, and this %s index does not keep them",
			gk_dtype_name(idx->dtype));
	if (rescore && !q->precise)
		return gk_error_set(err, GK_EUSAGE, "--rescore needs full-precision queries (f32, f16 or bf16), not %s ones",
			gk_dtype_name(q->dtype));
	if (opts->nprobe > 0 && idx->nlist == 0)
		return gk_error_set(err, GK_EUSAGE, "--nprobe needs an index with IVF lists (gk-knn --build --nlist N)");
	if (rescore && opts->rescore > kk)
		kk = opts->rescore;
	if (kk > idx->count)
		kk = idx->count;
	if (nq == 0)
		return 0;
	/* one candidate list per query per thread */
	nt = (size_t)threads;
	if (nt > 1 && opts->nprobe == 0 && idx->count < (size_t)RBLOCK * nt)
		nt = 1;
	if (nt > 1 && opts->nprobe > 0 && idx->nlist < nt)
		nt = idx->nlist;
	cand = malloc(nt * nq * (kk ? kk : 1) * sizeof *cand);
	ncand = calloc(nt * nq, sizeof *ncand);
	if (!cand || !ncand) {
		rc = gk_error_nomem(err);
		goto out;
	}
	openblas_set_num_threads(1);
	if (opts->nprobe > 0) {
		struct ivf_plan plan = { 0 };
		size_t np = opts->nprobe < idx->nlist ? opts->nprobe : idx->nlist;
		rc = ivf_plan_make(&plan, idx, q, np, threads, err);
		if (rc == 0) {
			struct ivf_job j = { idx, q, &plan, kk, nt, cand, ncand, 0 };
			gk_parallel_for((int)nt, nt, ivf_chunk, &j);
			if (j.failed)
				rc = gk_error_nomem(err);
		}
		free(plan.start);
		free(plan.who);
	} else {
		struct exact_job j = { idx, q, kk, cand, ncand, (idx->count + nt - 1) / nt, 0 };
		gk_parallel_for((int)nt, nt, exact_chunk, &j);
		if (j.failed)
			rc = gk_error_nomem(err);
	}
	{
		/* merge the threads' lists into thread 0's */
		for (size_t i = 0; rc == 0 && i < nq; i++) {
			gk_topk t;
			gk_knn_hit *tmp;
			size_t total = 0;

			gk_topk_init(&t, cand + i * kk, kk);  /* thread 0's list, copied out first */
			for (size_t th = 0; th < nt; th++)
				total += ncand[th * nq + i];
			tmp = malloc((total ? total : 1) * sizeof *tmp);
			if (!tmp) {
				rc = gk_error_nomem(err);
				break;
			}
			total = 0;
			for (size_t th = 0; th < nt; th++) {
				memcpy(tmp + total, cand + (th * nq + i) * kk, ncand[th * nq + i] * sizeof *tmp);
				total += ncand[th * nq + i];
			}
			for (size_t c = 0; c < total; c++)
				gk_topk_push(&t, tmp[c]);
			ncand[i] = gk_topk_finish(&t);
			free(tmp);
		}
	}
	for (size_t i = 0; rc == 0 && i < nq; i++) {
		gk_knn_hit *c = cand + i * kk, *out = hits + i * k;
		size_t n = ncand[i];
		if (rescore) {
			for (size_t x = 0; x < n; x++)
				c[x].score = dot_f32(q->full + i * idx->dim, idx->full + (size_t)c[x].row * idx->dim, idx->dim);
			gk_knn_hits_sort(c, n);
		}
		if (n > k)
			n = k;
		memcpy(out, c, n * sizeof *out);
		for (size_t x = n; x < k; x++)
			out[x] = (gk_knn_hit){ 0, UINT32_MAX };
		nhits[i] = n;
	}
out:
	free(cand);
	free(ncand);
	return rc;
}

int gk_knn_search_ref(const gk_knn_index *idx, const gk_knn_queries *q, size_t k,
	gk_knn_hit *hits, size_t *nhits, gk_error *err)
{
	gk_knn_hit *all = malloc(idx->count * sizeof *all);

	if (!all)
		return gk_error_nomem(err);
	for (size_t i = 0; i < q->n; i++) {
		size_t n = k < idx->count ? k : idx->count;
		for (size_t r = 0; r < idx->count; r++)
			all[r] = (gk_knn_hit){ gk_knn_score(idx, q, i, r), (uint32_t)r };
		gk_knn_hits_sort(all, idx->count);
		memcpy(hits + i * k, all, n * sizeof *all);
		for (size_t x = n; x < k; x++)
			hits[i * k + x] = (gk_knn_hit){ 0, UINT32_MAX };
		nhits[i] = n;
	}
	free(all);
	return 0;
}

/*
 * knn_ivf.c - training the IVF coarse quantiser: spherical k-means (inner
 * product assignment, centroids re-normalised) on a seeded sample of the
 * index, then every row assigned to its best centroid and the rows
 * regrouped list by list (stable, so rows keep their order within a
 * list), so a list is one contiguous block that sgemm can score.
 * Not a general clustering library.
 */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "knn.h"
#include "vecmath.h"

enum { H_VECTORS, H_SCALES, H_FULL, H_ID_OFFS, H_ID_BYTES, H_CENTROIDS, H_LIST_OFFS };
enum { BLOCK = 4096 };

/* splitmix64: a small, seedable generator (the sample must be repeatable) */
static uint64_t next_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Row r of the index as f32 (the full vectors when kept, else decoded). */
static void row_f32(const gk_knn_index *idx, size_t r, float *out)
{
	if (idx->dtype == GK_DTYPE_F32)
		memcpy(out, idx->vectors + r * idx->row_bytes, idx->dim * sizeof *out);
	else if (idx->full)
		memcpy(out, idx->full + r * idx->dim, idx->dim * sizeof *out);
	else
		gk_vec_decode(idx->vectors + r * idx->row_bytes, idx->dtype, idx->dim,
			idx->scales ? idx->scales[r] : 1, out);
}

/* assign[i] = the best centroid of rows x (n, dim): the lowest list wins ties. */
static void assign(const float *x, size_t n, const float *c, size_t nlist, size_t dim, float *scores, uint32_t *out)
{
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)nlist, (int)dim, 1.0f, x, (int)dim,
		c, (int)dim, 0.0f, scores, (int)nlist);
	for (size_t i = 0; i < n; i++) {
		const float *s = scores + i * nlist;
		uint32_t best = 0;
		for (size_t l = 1; l < nlist; l++)
			if (s[l] > s[best])
				best = (uint32_t)l;
		out[i] = best;
	}
}

static int kmeans(const gk_knn_index *idx, const gk_knn_build_opts *opts, float *cent, gk_error *err)
{
	size_t nl = opts->nlist, dim = idx->dim, ns = opts->train_max ? opts->train_max : 64 * nl;
	uint64_t seed = opts->seed ^ 0x676b2d6b6e6eull;
	int iters = opts->iters > 0 ? opts->iters : 10;
	uint32_t *pick, *who;
	float *x, *scores, *sum;
	size_t *cnt;
	int rc = 0;

	if (ns > idx->count)
		ns = idx->count;
	if (ns < nl)
		ns = nl;
	pick = malloc(idx->count * sizeof *pick);
	x = malloc(ns * dim * sizeof *x);
	scores = malloc((size_t)BLOCK * nl * sizeof *scores);
	who = malloc(ns * sizeof *who);
	sum = malloc(nl * dim * sizeof *sum);
	cnt = malloc(nl * sizeof *cnt);
	if (!pick || !x || !scores || !who || !sum || !cnt) {
		rc = gk_error_nomem(err);
		goto out;
	}
	/* a seeded partial shuffle picks ns distinct rows; the first nl of them
	 * start the centroids */
	for (size_t i = 0; i < idx->count; i++)
		pick[i] = (uint32_t)i;
	for (size_t i = 0; i < ns; i++) {
		size_t j = i + (size_t)(next_rand(&seed) % (idx->count - i));
		uint32_t t = pick[i];
		pick[i] = pick[j];
		pick[j] = t;
		row_f32(idx, pick[i], x + i * dim);
	}
	for (size_t l = 0; l < nl; l++) {
		memcpy(cent + l * dim, x + l * dim, dim * sizeof *cent);
		gk_vec_normalize(cent + l * dim, dim);
	}
	for (int it = 0; it < iters; it++) {
		for (size_t b = 0; b < ns; b += BLOCK)
			assign(x + b * dim, ns - b < BLOCK ? ns - b : BLOCK, cent, nl, dim, scores, who + b);
		memset(sum, 0, nl * dim * sizeof *sum);
		memset(cnt, 0, nl * sizeof *cnt);
		for (size_t i = 0; i < ns; i++) {
			cnt[who[i]]++;
			cblas_saxpy((int)dim, 1.0f, x + i * dim, 1, sum + (size_t)who[i] * dim, 1);
		}
		for (size_t l = 0; l < nl; l++) {
			if (cnt[l] == 0)  /* an empty list restarts at a random sample point */
				memcpy(sum + l * dim, x + (size_t)(next_rand(&seed) % ns) * dim, dim * sizeof *sum);
			gk_vec_normalize(sum + l * dim, dim);
		}
		memcpy(cent, sum, nl * dim * sizeof *cent);
	}
out:
	free(pick);
	free(x);
	free(scores);
	free(who);
	free(sum);
	free(cnt);
	return rc;
}

/* Rebuild each row array in the order perm (new row i = old row perm[i]). */
static int reorder(gk_knn_index *idx, const uint32_t *perm, gk_error *err)
{
	size_t n = idx->count, rb = idx->row_bytes, d = idx->dim;
	uint8_t *vec = malloc(n * rb);
	float *sc = idx->scales ? malloc(n * sizeof *sc) : NULL;
	float *full = idx->full ? malloc(n * d * sizeof *full) : NULL;
	uint64_t *offs = malloc((n + 1) * sizeof *offs);
	char *ids = malloc(idx->id_offs[n] + 1);

	if (!vec || (idx->scales && !sc) || (idx->full && !full) || !offs || !ids) {
		free(vec); free(sc); free(full); free(offs); free(ids);
		return gk_error_nomem(err);
	}
	offs[0] = 0;
	for (size_t i = 0; i < n; i++) {
		size_t r = perm[i], len;
		const char *id = gk_knn_index_id(idx, r, &len);
		memcpy(vec + i * rb, idx->vectors + r * rb, rb);
		if (sc)
			sc[i] = idx->scales[r];
		if (full)
			memcpy(full + i * d, idx->full + r * d, d * sizeof *full);
		memcpy(ids + offs[i], id, len);
		offs[i + 1] = offs[i] + len;
	}
	free(idx->heap[H_VECTORS]);
	free(idx->heap[H_SCALES]);
	free(idx->heap[H_FULL]);
	free(idx->heap[H_ID_OFFS]);
	free(idx->heap[H_ID_BYTES]);
	idx->heap[H_VECTORS] = vec;
	idx->heap[H_SCALES] = sc;
	idx->heap[H_FULL] = full;
	idx->heap[H_ID_OFFS] = offs;
	idx->heap[H_ID_BYTES] = ids;
	idx->vectors = vec;
	idx->scales = sc;
	idx->full = full;
	idx->id_offs = offs;
	idx->id_bytes = ids;
	return 0;
}

int gk_knn_index_train_ivf(gk_knn_index *idx, const gk_knn_build_opts *opts, gk_error *err)
{
	size_t nl = opts->nlist, dim = idx->dim, n = idx->count;
	float *cent, *x = NULL, *scores = NULL;
	uint32_t *list = NULL, *perm = NULL;
	uint64_t *offs;
	int rc;

	if (idx->map)
		return gk_error_set(err, GK_EUSAGE, "an IVF is trained when the index is built, not on a mapped index file");
	if (nl == 0 || nl > n)
		return gk_error_set(err, GK_EUSAGE, "--nlist %zu: the number of lists must be from 1 to the %zu vectors", nl, n);
	cent = malloc(nl * dim * sizeof *cent);
	offs = calloc(nl + 1, sizeof *offs);
	if (!cent || !offs) {
		free(cent);
		free(offs);
		return gk_error_nomem(err);
	}
	idx->heap[H_CENTROIDS] = cent;
	idx->heap[H_LIST_OFFS] = offs;
	openblas_set_num_threads(opts->n_threads > 0 ? opts->n_threads : 1);
	rc = kmeans(idx, opts, cent, err);
	if (rc < 0)
		return rc;
	list = malloc(n * sizeof *list);
	perm = malloc(n * sizeof *perm);
	x = malloc((size_t)BLOCK * dim * sizeof *x);
	scores = malloc((size_t)BLOCK * nl * sizeof *scores);
	if (!list || !perm || !x || !scores) {
		rc = gk_error_nomem(err);
		goto out;
	}
	for (size_t b = 0; b < n; b += BLOCK) {
		size_t m = n - b < BLOCK ? n - b : BLOCK;
		for (size_t i = 0; i < m; i++)
			row_f32(idx, b + i, x + i * dim);
		assign(x, m, cent, nl, dim, scores, list + b);
	}
	for (size_t i = 0; i < n; i++)
		offs[list[i] + 1]++;
	for (size_t l = 0; l < nl; l++)
		offs[l + 1] += offs[l];
	{
		uint64_t *pos = malloc(nl * sizeof *pos);
		if (!pos) {
			rc = gk_error_nomem(err);
			goto out;
		}
		memcpy(pos, offs, nl * sizeof *pos);
		for (size_t i = 0; i < n; i++)
			perm[pos[list[i]]++] = (uint32_t)i;
		free(pos);
	}
	rc = reorder(idx, perm, err);
	if (rc == 0) {
		idx->nlist = nl;
		idx->centroids = cent;
		idx->list_offs = offs;
	}
out:
	free(list);
	free(perm);
	free(x);
	free(scores);
	return rc;
}

/*
 * test-knn.c - gk_knn_search against the brute-force reference loop on
 * random data (f32, int8, binary; one and two threads; sizes that cross
 * the block edges, on every kernel the CPU has: run it again with
 * GK_KNN_NO_AVX512=1 for the others), rescoring, IVF recall, the index file round trip, and
 * corrupt or truncated index files (every one an error, none a crash).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "hits.h"
#include "knn.h"
#include "knn_topk.h"
#include "vecmath.h"

static uint64_t rng = 12345;

static double uniform(void)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static float gauss(void)
{
	double u = uniform() + 1e-12, v = uniform();
	return (float)(sqrt(-2 * log(u)) * cos(2 * M_PI * v));
}

static float *random_unit(size_t n, size_t dim)
{
	float *v = malloc(n * dim * sizeof *v);
	for (size_t i = 0; i < n * dim; i++)
		v[i] = gauss();
	for (size_t i = 0; i < n; i++)
		gk_vec_normalize(v + i * dim, dim);
	return v;
}

/* Same ids in the same order, scores within tol; where the reference has
 * two scores closer than tol the order of those two may differ. */
static int same_hits(const gk_knn_hit *a, const gk_knn_hit *ref, const size_t *na, const size_t *nref,
		     size_t nq, size_t k, double tol)
{
	int bad = 0;
	for (size_t i = 0; i < nq; i++) {
		if (na[i] != nref[i]) {
			bad++;
			continue;
		}
		for (size_t j = 0; j < na[i]; j++) {
			gk_knn_hit x = a[i * k + j], y = ref[i * k + j];
			if (fabs(x.score - y.score) > tol)
				bad++;
			else if (x.row != y.row) {
				bool near = (j > 0 && fabs(ref[i * k + j - 1].score - y.score) < tol)
					|| (j + 1 < na[i] && fabs(ref[i * k + j + 1].score - y.score) < tol);
				if (!near)
					bad++;
			}
		}
	}
	return bad;
}

static void test_topk(void)
{
	gk_knn_hit store[3];
	gk_topk t;
	float s[] = { 0.5f, 0.9f, 0.1f, 0.9f, 0.7f, 0.9f };

	gk_topk_init(&t, store, 3);
	for (size_t i = 0; i < 6; i++)
		gk_topk_push(&t, (gk_knn_hit){ s[i], (uint32_t)i });
	CHECK(gk_topk_finish(&t) == 3);
	/* three 0.9 ties: rows 1, 3, 5 in index order */
	CHECK(store[0].row == 1 && store[1].row == 3 && store[2].row == 5);
	/* pushed in reverse the kept set is the same */
	gk_topk_init(&t, store, 3);
	for (size_t i = 6; i-- > 0;)
		gk_topk_push(&t, (gk_knn_hit){ s[i], (uint32_t)i });
	gk_topk_finish(&t);
	CHECK(store[0].row == 1 && store[1].row == 3 && store[2].row == 5);
	/* NaN ranks last: it fills an empty heap but gives way to any number */
	gk_topk_init(&t, store, 2);
	gk_topk_push(&t, (gk_knn_hit){ NAN, 0 });
	gk_topk_push(&t, (gk_knn_hit){ NAN, 1 });
	CHECK(gk_topk_may_take(&t, -1e30f));
	gk_topk_push(&t, (gk_knn_hit){ -1e30f, 2 });
	gk_topk_push(&t, (gk_knn_hit){ NAN, 3 });
	gk_topk_finish(&t);
	CHECK(store[0].row == 2 && store[1].row == 0);
}

/* exact search equals the reference loop for a dtype, at a size */
static void test_exact(gk_dtype dtype, size_t n, size_t nq, size_t dim, size_t k, int threads)
{
	gk_knn_build_opts bo = { .dtype = dtype };
	gk_knn_search_opts so = { .k = k, .n_threads = threads };
	float *v = random_unit(n, dim), *qv = random_unit(nq, dim);
	gk_knn_index *idx;
	gk_knn_queries q;
	gk_knn_hit *a = malloc(nq * k * sizeof *a), *r = malloc(nq * k * sizeof *r);
	size_t *na = malloc(nq * sizeof *na), *nr = malloc(nq * sizeof *nr);
	gk_error err = { 0 };
	int bad;

	CHECK(gk_knn_index_from_f32(&idx, v, n, dim, NULL, &bo, &err) == 0);
	CHECK(gk_knn_queries_from_f32(&q, idx, qv, nq, true, &err) == 0);
	CHECK(gk_knn_search(idx, &q, &so, a, na, &err) == 0);
	CHECK(gk_knn_search_ref(idx, &q, k, r, nr, &err) == 0);
	bad = same_hits(a, r, na, nr, nq, k, 1e-5);
	if (bad)
		fprintf(stderr, "%s n=%zu nq=%zu dim=%zu k=%zu threads=%d: %d hits differ\n",
			gk_dtype_name(dtype), n, nq, dim, k, threads, bad);
	CHECK(bad == 0);
	/* fewer rows than k: every row, then empty slots */
	if (n < k)
		CHECK(na[0] == n && a[n].row == UINT32_MAX);
	gk_knn_queries_free(&q);
	gk_knn_index_free(idx);
	free(v); free(qv); free(a); free(r); free(na); free(nr);
}

/* binary search re-ranked by f32 finds what f32 search finds; the score
 * of a rescored hit is its f32 inner product */
static void test_rescore(void)
{
	size_t n = 3000, nq = 50, dim = 128, k = 10, agree = 0;
	float *v = random_unit(n, dim), *qv = random_unit(nq, dim);
	gk_knn_build_opts bf = { .dtype = GK_DTYPE_F32 }, bb = { .dtype = GK_DTYPE_BINARY, .keep_full = true };
	gk_knn_index *fi, *bi;
	gk_knn_queries qf, qb;
	gk_knn_hit *hf = malloc(nq * k * sizeof *hf), *hb = malloc(nq * k * sizeof *hb);
	size_t nf[50], nb[50];
	gk_error err = { 0 };

	/* a near-duplicate of each query in the corpus, so the true first hit is clear */
	for (size_t i = 0; i < nq; i++) {
		for (size_t d = 0; d < dim; d++)
			v[(i * 7) * dim + d] = qv[i * dim + d] + 0.05f * gauss();
		gk_vec_normalize(v + (i * 7) * dim, dim);
	}
	CHECK(gk_knn_index_from_f32(&fi, v, n, dim, NULL, &bf, &err) == 0);
	CHECK(gk_knn_index_from_f32(&bi, v, n, dim, NULL, &bb, &err) == 0);
	CHECK(bi->full != NULL);
	CHECK(gk_knn_queries_from_f32(&qf, fi, qv, nq, true, &err) == 0);
	CHECK(gk_knn_queries_from_f32(&qb, bi, qv, nq, true, &err) == 0);
	CHECK(gk_knn_search(fi, &qf, &(gk_knn_search_opts){ .k = k }, hf, nf, &err) == 0);
	CHECK(gk_knn_search(bi, &qb, &(gk_knn_search_opts){ .k = k, .rescore = 1000, .n_threads = 2 }, hb, nb, &err) == 0);
	for (size_t i = 0; i < nq; i++) {
		CHECK(hb[i * k].row == i * 7);
		CHECK(fabsf(hb[i * k].score - hf[i * k].score) < 1e-5f);
		for (size_t j = 0; j < k; j++)
			for (size_t m = 0; m < k; m++)
				agree += hb[i * k + j].row == hf[i * k + m].row;
	}
	/* re-ranking 1000 of 3000 by f32 recovers nearly all of the f32 top 10 */
	fprintf(stderr, "binary + rescore 1000: recall@10 %.3f\n", (double)agree / (double)(nq * k));
	CHECK(agree >= nq * k * 95 / 100);
	/* rescoring a binary index without f32 vectors, or with binary queries, is refused */
	gk_knn_queries_free(&qb);
	CHECK(gk_knn_queries_from_f32(&qb, bi, qv, nq, false, &err) == 0);
	CHECK(gk_knn_search(bi, &qb, &(gk_knn_search_opts){ .k = k, .rescore = 10 }, hb, nb, &err) == GK_EUSAGE);
	CHECK_CONTAINS(err.msg, "full-precision queries");
	gk_knn_queries_free(&qf);
	gk_knn_queries_free(&qb);
	gk_knn_index_free(fi);
	gk_knn_index_free(bi);
	free(v); free(qv); free(hf); free(hb);
}

/* IVF on clustered data: recall@10 against exact, reported and bounded */
static void test_ivf(void)
{
	size_t n = 20000, nq = 200, dim = 64, k = 10, nc = 100, agree = 0, agree_all = 0;
	float *centers = random_unit(nc, dim), *v = malloc(n * dim * sizeof *v), *qv = malloc(nq * dim * sizeof *qv);
	gk_knn_index *idx;
	gk_knn_queries q;
	gk_knn_hit *he = malloc(nq * k * sizeof *he), *hi = malloc(nq * k * sizeof *hi);
	size_t ne[200], ni[200];
	gk_error err = { 0 };
	char path[] = "/tmp/test-knn-XXXXXX";
	int fd = mkstemp(path);

	for (size_t i = 0; i < n + nq; i++) {
		float *x = i < n ? v + i * dim : qv + (i - n) * dim;
		size_t c = (size_t)(uniform() * nc);
		for (size_t d = 0; d < dim; d++)
			x[d] = centers[c * dim + d] + 0.1f * gauss();
		gk_vec_normalize(x, dim);
	}
	CHECK(gk_knn_index_from_f32(&idx, v, n, dim, NULL, &(gk_knn_build_opts){ .nlist = 64, .n_threads = 2 }, &err) == 0);
	CHECK(idx->nlist == 64 && idx->list_offs[64] == n);
	CHECK(gk_knn_queries_from_f32(&q, idx, qv, nq, true, &err) == 0);
	CHECK(gk_knn_search(idx, &q, &(gk_knn_search_opts){ .k = k, .n_threads = 2 }, he, ne, &err) == 0);
	CHECK(gk_knn_search(idx, &q, &(gk_knn_search_opts){ .k = k, .nprobe = 8, .n_threads = 2 }, hi, ni, &err) == 0);
	for (size_t i = 0; i < nq; i++)
		for (size_t j = 0; j < k; j++)
			for (size_t m = 0; m < k; m++)
				agree += hi[i * k + j].row == he[i * k + m].row;
	fprintf(stderr, "IVF nlist 64 nprobe 8: recall@10 %.3f\n", (double)agree / (double)(nq * k));
	CHECK(agree >= nq * k * 9 / 10);
	/* probing every list is exact search */
	CHECK(gk_knn_search(idx, &q, &(gk_knn_search_opts){ .k = k, .nprobe = 64 }, hi, ni, &err) == 0);
	for (size_t i = 0; i < nq * k; i++)
		agree_all += hi[i].row == he[i].row;
	CHECK(agree_all == nq * k);
	/* the IVF survives the index file */
	close(fd);
	CHECK(gk_knn_index_write(idx, path, &err) == 0);
	gk_knn_index *m;
	CHECK(gk_knn_index_open(&m, path, &err) == 0);
	if (m) {
		CHECK(m->nlist == 64 && memcmp(m->centroids, idx->centroids, 64 * dim * sizeof(float)) == 0);
		CHECK(gk_knn_search(m, &q, &(gk_knn_search_opts){ .k = k, .nprobe = 8 }, he, ne, &err) == 0);
		CHECK(gk_knn_search(idx, &q, &(gk_knn_search_opts){ .k = k, .nprobe = 8 }, hi, ni, &err) == 0);
		CHECK(memcmp(he, hi, nq * k * sizeof *he) == 0);
		gk_knn_index_free(m);
	}
	unlink(path);
	gk_knn_queries_free(&q);
	gk_knn_index_free(idx);
	free(centers); free(v); free(qv); free(he); free(hi);
}

static size_t file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	return (size_t)n;
}

static void put_bytes(const char *path, const unsigned char *b, size_t n)
{
	FILE *f = fopen(path, "wb");
	fwrite(b, 1, n, f);
	fclose(f);
}

/* every truncation and many corruptions of an index file: an error with
 * a message, or (a change the checks cannot see, in the payload) a valid
 * index; never a crash (the sanitizer build watches) */
static void test_file_errors(void)
{
	size_t n = 40, dim = 20;
	float *v = random_unit(n, dim);
	const char *ids[40];
	char idbuf[40][8];
	gk_knn_index *idx, *m;
	gk_error err = { 0 };
	char path[] = "/tmp/test-knn-XXXXXX";
	int fd = mkstemp(path);
	unsigned char *orig, *b;
	size_t size;
	FILE *f;

	close(fd);
	for (size_t i = 0; i < n; i++) {
		snprintf(idbuf[i], sizeof idbuf[i], "id%zu", i);
		ids[i] = idbuf[i];
	}
	CHECK(gk_knn_index_from_f32(&idx, v, n, dim, ids, &(gk_knn_build_opts){ .dtype = GK_DTYPE_INT8, .keep_full = true, .nlist = 4 }, &err) == 0);
	CHECK(gk_knn_index_write(idx, path, &err) == 0);
	size = file_size(path);
	orig = malloc(size);
	b = malloc(size);
	f = fopen(path, "rb");
	CHECK(fread(orig, 1, size, f) == size);
	fclose(f);
	CHECK(gk_knn_index_open(&m, path, &err) == 0);
	if (m) {
		size_t len;
		const char *id = gk_knn_index_id(m, 5, &len);
		CHECK(m->count == n && m->dim == dim && m->dtype == GK_DTYPE_INT8 && m->full && m->scales);
		CHECK(len > 2 && memcmp(id, "id", 2) == 0);
		CHECK(memcmp(m->vectors, idx->vectors, n * idx->row_bytes) == 0);
		gk_knn_index_free(m);
	}
	gk_knn_index_free(idx);
	/* every cut is an error */
	for (size_t cut = 0; cut < size; cut += cut < 200 ? 1 : 37) {
		put_bytes(path, orig, cut);
		err.msg[0] = 0;
		int rc = gk_knn_index_open(&m, path, &err);
		CHECK(rc == GK_EDATA && m == NULL && strstr(err.msg, path) == err.msg);
		gk_knn_index_free(m);
	}
	put_bytes(path, orig, 100);
	gk_knn_index_open(&m, path, &err);
	CHECK_CONTAINS(err.msg, "header is cut short");
	put_bytes(path, orig, size - 1);
	gk_knn_index_open(&m, path, &err);
	CHECK_CONTAINS(err.msg, "is not inside the file");
	/* every header byte set to a few bad values */
	static const unsigned char vals[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
	for (size_t at = 0; at < 160; at++)
		for (size_t x = 0; x < sizeof vals; x++) {
			memcpy(b, orig, size);
			b[at] = vals[x];
			put_bytes(path, b, size);
			if (gk_knn_index_open(&m, path, &err) == 0) {
				/* accepted: then searching it must be safe */
				gk_knn_queries q;
				gk_knn_hit h[3];
				size_t nh[1];
				CHECK(gk_knn_queries_from_f32(&q, m, v, 1, true, &err) == 0);
				CHECK(gk_knn_search(m, &q, &(gk_knn_search_opts){ .k = 3, .nprobe = 2 }, h, nh, &err) == 0);
				gk_knn_queries_free(&q);
				gk_knn_index_free(m);
			}
		}
	/* specific messages */
	memcpy(b, orig, size);
	b[8] = 2;
	put_bytes(path, b, size);
	gk_knn_index_open(&m, path, &err);
	CHECK_CONTAINS(err.msg, "index format version 2, but this gk reads version 1");
	memcpy(b, orig, size);
	memcpy(b, "GKINDEY\n", 8);
	put_bytes(path, b, size);
	gk_knn_index_open(&m, path, &err);
	CHECK_CONTAINS(err.msg, "not a gk index file");
	memcpy(b, orig, size);
	b[24] = 41;  /* count 41: the sections no longer fit the count */
	put_bytes(path, b, size);
	gk_knn_index_open(&m, path, &err);
	CHECK_CONTAINS(err.msg, "section holds");
	/* an id offset going backwards: the first offset of the id table */
	{
		uint64_t off;
		memcpy(&off, orig + 48, 8);
		memcpy(b, orig, size);
		uint64_t big = 1000000;
		memcpy(b + off + 8, &big, 8);
		put_bytes(path, b, size);
		gk_knn_index_open(&m, path, &err);
		CHECK_CONTAINS(err.msg, "id offset 2 goes backwards");
	}
	/* the IVF list offsets: one past the count, then the last one short */
	{
		uint64_t off, big = 1000, short_end = 39;
		memcpy(&off, orig + 48 + 16 * 6, 8);
		memcpy(b, orig, size);
		memcpy(b + off + 8, &big, 8);
		put_bytes(path, b, size);
		gk_knn_index_open(&m, path, &err);
		CHECK_CONTAINS(err.msg, "IVF list offset 2 goes backwards");
		memcpy(b, orig, size);
		memcpy(b + off + 4 * 8, &short_end, 8);
		put_bytes(path, b, size);
		gk_knn_index_open(&m, path, &err);
		CHECK_CONTAINS(err.msg, "IVF lists do not cover the 40 vectors");
	}
	/* a NaN scale, a NaN centroid */
	{
		uint64_t off;
		float nan = NAN;
		memcpy(&off, orig + 48 + 16 * 3, 8);
		memcpy(b, orig, size);
		memcpy(b + off + 4 * 7, &nan, 4);
		put_bytes(path, b, size);
		gk_knn_index_open(&m, path, &err);
		CHECK_CONTAINS(err.msg, "int8 scale of row 7 is not a finite number");
		memcpy(&off, orig + 48 + 16 * 5, 8);
		memcpy(b, orig, size);
		memcpy(b + off + 4 * dim * 2, &nan, 4);
		put_bytes(path, b, size);
		gk_knn_index_open(&m, path, &err);
		CHECK_CONTAINS(err.msg, "IVF centroid 2 holds a value that is not a finite number");
	}
	/* random bytes anywhere: never a crash */
	for (int trial = 0; trial < 300; trial++) {
		memcpy(b, orig, size);
		for (int x = 0; x < 4; x++)
			b[(size_t)(uniform() * (double)size)] = (unsigned char)(uniform() * 256);
		put_bytes(path, b, size);
		if (gk_knn_index_open(&m, path, &err) == 0) {
			gk_knn_queries q;
			gk_knn_hit h[3];
			size_t nh[1];
			CHECK(gk_knn_queries_from_f32(&q, m, v, 1, true, &err) == 0);
			CHECK(gk_knn_search(m, &q, &(gk_knn_search_opts){ .k = 3, .nprobe = 2, .rescore = 5 }, h, nh, &err) == 0);
			for (size_t i = 0; i < nh[0]; i++) {
				size_t len;
				CHECK(h[i].row < m->count && gk_knn_index_id(m, h[i].row, &len) != NULL);
			}
			gk_knn_queries_free(&q);
			gk_knn_index_free(m);
		}
	}
	CHECK(gk_knn_index_open(&m, "/nonexistent/x.gki", &err) == GK_ENOINPUT);
	unlink(path);
	free(orig);
	free(b);
	free(v);
}

static void test_merge(void)
{
	gk_hit a[] = { { "x", 1, 0.9 }, { "y", 1, 0.5 }, { "z", 1, 0.1 } };
	gk_hit b[] = { { "p", 1, 0.9 }, { "y", 1, 0.5 }, { "q", 1, 0.4 } };
	gk_hit *lists[] = { a, b }, out[5];
	size_t n[] = { 3, 3 };

	/* ties go to the first list; a repeated id keeps its first place */
	CHECK(gk_hits_merge(lists, n, 2, 5, out) == 5);
	CHECK(out[0].id[0] == 'x' && out[1].id[0] == 'p' && out[2].id[0] == 'y' && out[3].id[0] == 'q'
	      && out[4].id[0] == 'z');
	CHECK(gk_hits_merge(lists, n, 2, 2, out) == 2);
}

int main(void)
{
	test_topk();
	test_merge();
	for (int t = 1; t <= 2; t++) {
		test_exact(GK_DTYPE_F32, 3000, 1100, 48, 10, t);  /* crosses row and query blocks */
		test_exact(GK_DTYPE_INT8, 2100, 70, 50, 7, t);    /* dim not a multiple of 16 */
		test_exact(GK_DTYPE_BINARY, 2100, 70, 77, 12, t); /* dim not a multiple of 8: padding */
	}
	test_exact(GK_DTYPE_INT8, 1100, 30, 200, 5, 2);      /* whole 64-byte chunks and a tail */
	test_exact(GK_DTYPE_BINARY, 1100, 30, 600, 5, 2);
	test_exact(GK_DTYPE_F32, 5, 3, 16, 10, 2);           /* fewer rows than k */
	test_exact(GK_DTYPE_INT8, 1, 1, 1, 1, 1);
	test_rescore();
	test_ivf();
	test_file_errors();
	return check_exit();
}

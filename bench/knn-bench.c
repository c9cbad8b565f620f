/*
 * knn-bench.c - speed of gk-knn's search beside OpenBLAS's own sgemm.
 *
 *   knn-bench [-n corpus] [-d dim] [-q queries] [-j threads] [-t f32|int8|binary]
 *             [--rescore N] [--nlist N --nprobe N[,N...]] [--clusters C] [--no-recall] [--no-sgemm]
 *
 * Makes a clustered random corpus of unit vectors (C centres, noise around
 * them) and queries drawn the same way, searches them with gk_knn_search
 * (top 10), and prints one line: queries/s, the search's effective GFLOP/s
 * (2 * queries * corpus * dim / time, for f32 the sgemm work) and, measured
 * in the same run, sgemm's GFLOP/s for the same product (queries x corpus x
 * dim, in column blocks so the output fits in memory, no top-k), their
 * ratio, and for approximate or quantised search the recall@10 against
 * exact f32 search.  Several --nprobe values give one line each, from one
 * IVF.  A benchmark tool, not part of the library: it prints
 * and exits.
 */
#include <cblas.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "knn.h"
#include "vecmath.h"

static uint64_t rng = 88172645463325252ull;

static inline uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* roughly N(0,1): the sum of 4 uniforms, rescaled (cheap for 10^9 values) */
static inline float noise(void)
{
	uint64_t r = next();
	float s = (float)(r & 0xffff) + (float)((r >> 16) & 0xffff) + (float)((r >> 32) & 0xffff) + (float)(r >> 48);
	return (s / 65536.0f - 2.0f) * 1.7320508f;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

static void make(float *v, size_t n, size_t dim, const float *centres, size_t nc, float spread)
{
	for (size_t i = 0; i < n; i++) {
		float *x = v + i * dim;
		const float *c = centres + (next() % nc) * dim;
		for (size_t d = 0; d < dim; d++)
			x[d] = c[d] + spread * noise();
		gk_vec_normalize(x, dim);
	}
}

static void die(const gk_error *err)
{
	fprintf(stderr, "knn-bench: %s\n", err->msg);
	exit(1);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "rescore", required_argument, NULL, 'r' },
		{ "nlist", required_argument, NULL, 'L' },
		{ "nprobe", required_argument, NULL, 'P' },
		{ "clusters", required_argument, NULL, 'C' },
		{ "no-recall", no_argument, NULL, 'R' },
		{ "no-sgemm", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	size_t n = 100000, dim = 384, nq = 1000, k = 10, rescore = 0, nlist = 0, nprobe = 0, nc = 1000;
	int threads = 2, c;
	const char *nprobes = NULL;
	bool no_recall = false;  /* quantised search without the exact f32 run (saves time at 1M) */
	bool no_sgemm = false;   /* skip the sgemm measurement (another run already made it) */
	gk_dtype dtype = GK_DTYPE_F32;
	gk_error err = { 0 };

	while ((c = getopt_long(argc, argv, "n:d:q:j:t:", options, NULL)) != -1) {
		switch (c) {
		case 'n': n = strtoul(optarg, NULL, 10); break;
		case 'd': dim = strtoul(optarg, NULL, 10); break;
		case 'q': nq = strtoul(optarg, NULL, 10); break;
		case 'j': threads = atoi(optarg); break;
		case 't': dtype = gk_dtype_parse(optarg, strlen(optarg)); break;
		case 'r': rescore = strtoul(optarg, NULL, 10); break;
		case 'L': nlist = strtoul(optarg, NULL, 10); break;
		case 'P': nprobes = optarg; nprobe = strtoul(optarg, NULL, 10); break;
		case 'C': nc = strtoul(optarg, NULL, 10); break;
		case 'R': no_recall = true; break;
		case 'S': no_sgemm = true; break;
		default: fprintf(stderr, "knn-bench: see the comment at the top of bench/knn-bench.c\n"); return 64;
		}
	}
	float *centres = malloc(nc * dim * sizeof *centres);
	float *v = malloc(n * dim * sizeof *v), *qv = malloc(nq * dim * sizeof *qv);
	if (!centres || !v || !qv) {
		fprintf(stderr, "knn-bench: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < nc * dim; i++)
		centres[i] = noise();
	for (size_t i = 0; i < nc; i++)
		gk_vec_normalize(centres + i * dim, dim);
	/* noise of norm ~0.7 against a unit centre: neighbours are clear but
	 * not trivial */
	float spread = 0.7f / sqrtf((float)dim);
	make(v, n, dim, centres, nc, spread);
	make(qv, nq, dim, centres, nc, spread);

	/* sgemm alone, the same product in column blocks of 16384 rows */
	size_t cb = 16384;
	float *out = malloc(nq * cb * sizeof *out);
	openblas_set_num_threads(threads);
	/* the best of two runs, so the first run's thread start and page
	 * faults do not count against sgemm */
	double t0, t_sgemm = INFINITY, flops = 2.0 * (double)nq * (double)n * (double)dim;
	for (int rep = 0; rep < (no_sgemm ? 0 : 2); rep++) {
		t0 = now();
		for (size_t r = 0; r < n; r += cb) {
			size_t m = n - r < cb ? n - r : cb;
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nq, (int)m, (int)dim, 1.0f, qv, (int)dim,
				v + r * dim, (int)dim, 0.0f, out, (int)m);
		}
		t_sgemm = fmin(t_sgemm, now() - t0);
	}
	free(out);

	/* the exact f32 answer, for recall */
	gk_knn_index *fidx, *idx;
	gk_knn_queries fq, q;
	gk_knn_hit *exact = malloc(nq * k * sizeof *exact), *hits = malloc(nq * k * sizeof *hits);
	size_t *ne = malloc(nq * sizeof *ne), *nh = malloc(nq * sizeof *nh);
	bool need_exact = dtype != GK_DTYPE_F32 || nlist;
	double t_build = 0, t_exact = 0;

	if (gk_knn_index_from_f32(&fidx, v, n, dim, NULL, &(gk_knn_build_opts){ .dtype = GK_DTYPE_F32 }, &err) < 0
	    || gk_knn_queries_from_f32(&fq, fidx, qv, nq, true, &err) < 0)
		die(&err);
	if (!(need_exact && no_recall)) {
		t0 = now();
		if (gk_knn_search(fidx, &fq, &(gk_knn_search_opts){ .k = k, .n_threads = threads }, exact, ne, &err) < 0)
			die(&err);
		t_exact = now() - t0;
	}
	if (need_exact) {
		gk_knn_build_opts bo = { .dtype = dtype, .keep_full = rescore > 0, .nlist = nlist, .n_threads = threads };
		t0 = now();
		if (gk_knn_index_from_f32(&idx, v, n, dim, NULL, &bo, &err) < 0)
			die(&err);
		t_build = now() - t0;
		if (gk_knn_queries_from_f32(&q, idx, qv, nq, true, &err) < 0)
			die(&err);
	} else {
		idx = fidx;
		q = fq;
	}
	free(v);
	for (;;) {
		t0 = now();
		if (gk_knn_search(idx, &q, &(gk_knn_search_opts){ .k = k, .n_threads = threads, .rescore = rescore,
				.nprobe = nprobe }, hits, nh, &err) < 0)
			die(&err);
		double t = need_exact ? now() - t0 : t_exact;
		size_t agree = 0;
		for (size_t i = 0; i < nq; i++)
			for (size_t a = 0; a < nh[i]; a++)
				for (size_t b = 0; b < ne[i]; b++) {
					/* rows of an IVF index are regrouped: compare ids */
					size_t la, lb;
					const char *ia = gk_knn_index_id(idx, hits[i * k + a].row, &la);
					const char *ib = gk_knn_index_id(fidx, exact[i * k + b].row, &lb);
					agree += la == lb && memcmp(ia, ib, la) == 0;
				}
		printf("n=%zu dim=%zu queries=%zu threads=%d dtype=%s", n, dim, nq, threads, gk_dtype_name(dtype));
		if (rescore)
			printf(" rescore=%zu", rescore);
		if (nlist)
			printf(" nlist=%zu nprobe=%zu (build %.1f s)", nlist, nprobe, t_build);
		printf(": %.0f queries/s, %.1f GFLOP/s-equivalent", (double)nq / t, flops / t / 1e9);
		if (!no_sgemm)
			printf("; sgemm %.1f GFLOP/s; ratio %.2f", flops / t_sgemm / 1e9, t_sgemm / t);
		if (need_exact && !no_recall)
			printf("; exact f32 %.0f queries/s, speed-up %.1fx, recall@10 %.3f", (double)nq / t_exact, t_exact / t,
				(double)agree / (double)(nq * k));
		printf("\n");
		fflush(stdout);
		if (!nprobes || !(nprobes = strchr(nprobes, ',')))
			break;
		nprobe = strtoul(++nprobes, NULL, 10);
	}
	if (need_exact) {
		gk_knn_queries_free(&q);
		gk_knn_index_free(idx);
	}
	gk_knn_queries_free(&fq);
	gk_knn_index_free(fidx);
	free(centres); free(qv); free(exact); free(hits); free(ne); free(nh);
	return 0;
}

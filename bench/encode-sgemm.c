/*
 * encode-sgemm.c - what OpenBLAS's sgemm alone achieves on the GEMMs of a
 * BERT forward pass over a given set of sequences: the yardstick beside
 * which bench/encode.sh puts gk-encode's GFLOP/s.
 *
 *   bench/encode-sgemm THREADS HIDDEN FFN HEADS LAYERS BATCH_TOKENS LENGTHS
 *
 * LENGTHS is a file of sequence lengths, one a line.  Sequences are grouped
 * into batches as gk-encode groups them (records join a batch until it holds
 * BATCH_TOKENS tokens or more), and the four linear layers of a block are
 * timed as row-major X * W^T GEMMs with M = the first batch's tokens, on
 * OpenBLAS's own THREADS threads.  Attention's Q K^T and P V are timed per
 * distinct length, one (L x L x head_dim) GEMM pair per head read in place
 * from a packed (L, 3*HIDDEN) QKV matrix, with THREADS threads of ours each
 * calling a one-thread sgemm (heads are independent; OpenBLAS would run such
 * small GEMMs on one thread anyway).  The time for the whole set is then
 * estimated from these rates, and the FLOP count is the same as
 * bench/encode-inputs.py's.  Prints key=value lines.
 *
 * Not measured: embeddings, LayerNorm, GELU, softmax, memory traffic between
 * GEMMs -- everything that makes a real forward pass slower than its GEMMs.
 * Not a test: numbers vary by machine and by load.
 */
#include <cblas.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static float *filled(size_t n)
{
	float *p = malloc((n ? n : 1) * sizeof *p);
	if (!p) {
		fprintf(stderr, "encode-sgemm: out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < n; i++)
		p[i] = (float)((i * 2654435761u) % 1000) * 1e-3f - 0.5f;
	return p;
}

/* Seconds for one Y (m, n) = X (m, k) * W (n, k)^T, as gk_linear calls it:
 * best of repeats over at least 0.4 s after a warm-up call. */
static double time_linear(int m, int n, int k)
{
	float *x = filled((size_t)m * k), *w = filled((size_t)n * k), *y = filled((size_t)m * n);
	double best = 1e30, start = now();
	for (int r = 0; r < 2 || now() - start < 0.4; r++) {
		double t0 = now();
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0f, x, k, w, k, 0.0f, y, n);
		double t = now() - t0;
		if (r > 0 && t < best)
			best = t;
	}
	free(x);
	free(w);
	free(y);
	return best;
}

struct attn_job {
	int L, hidden, head_dim, tasks, n_threads, index;
};

/* One thread's share of (repeat, head) tasks: S = Q K^T, then O = S V. */
static void *attn_thread(void *p)
{
	const struct attn_job *j = p;
	size_t L = (size_t)j->L, H = (size_t)j->hidden, D = (size_t)j->head_dim;
	float *qkv = filled(L * 3 * H), *s = filled(L * L), *o = filled(L * H);
	for (int t = j->index; t < j->tasks; t += j->n_threads) {
		size_t c = (size_t)(t % (int)(H / D)) * D;
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, j->L, j->L, j->head_dim, 0.125f,
			qkv + c, 3 * j->hidden, qkv + H + c, 3 * j->hidden, 0.0f, s, j->L);
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, j->L, j->head_dim, j->L, 1.0f,
			s, j->L, qkv + 2 * H + c, 3 * j->hidden, 0.0f, o + c, j->hidden);
	}
	free(qkv);
	free(s);
	free(o);
	return NULL;
}

/* Seconds for the attention GEMMs of one sequence of length L (all heads). */
static double time_attention(int L, int hidden, int heads, int n_threads)
{
	double flop = 4.0 * L * L * hidden;
	int reps = (int)(4e8 / flop) + 1;
	struct attn_job jobs[64];
	pthread_t tid[64];
	double t0 = now();
	for (int i = 0; i < n_threads; i++) {
		jobs[i] = (struct attn_job){ L, hidden, hidden / heads, reps * heads, n_threads, i };
		pthread_create(&tid[i], NULL, attn_thread, &jobs[i]);
	}
	for (int i = 0; i < n_threads; i++)
		pthread_join(tid[i], NULL);
	return (now() - t0) / reps;
}

int main(int argc, char **argv)
{
	if (argc != 8) {
		fprintf(stderr, "usage: %s THREADS HIDDEN FFN HEADS LAYERS BATCH_TOKENS LENGTHS\n", argv[0]);
		return 64;
	}
	int threads = atoi(argv[1]), H = atoi(argv[2]), FF = atoi(argv[3]), heads = atoi(argv[4]);
	int layers = atoi(argv[5]);
	long batch_tokens = atol(argv[6]);
	if (threads < 1 || threads > 64 || H < 1 || FF < 1 || heads < 1 || H % heads || layers < 1 || batch_tokens < 1) {
		fprintf(stderr, "encode-sgemm: bad shape or thread count\n");
		return 64;
	}
	FILE *f = fopen(argv[7], "r");
	if (!f) {
		perror(argv[7]);
		return 66;
	}
	/* count[L]: sequences of length L */
	static long count[4097];
	long L, tokens = 0, first_batch = 0, n_seq = 0;
	while (fscanf(f, "%ld", &L) == 1) {
		if (L < 1 || L > 4096) {
			fprintf(stderr, "encode-sgemm: %s: length %ld outside 1..4096\n", argv[7], L);
			return 65;
		}
		count[L]++;
		tokens += L;
		n_seq++;
		if (first_batch < batch_tokens)
			first_batch += L;
	}
	fclose(f);
	if (n_seq == 0) {
		fprintf(stderr, "encode-sgemm: %s: no lengths\n", argv[7]);
		return 65;
	}

	/* Linear layers: one rate per shape at M = the first batch's tokens. */
	openblas_set_num_threads(threads);
	int M = (int)first_batch;
	int shape[4][2] = { { 3 * H, H }, { H, H }, { FF, H }, { H, FF } }; /* (N, K) */
	double lin_time = 0, lin_flop = 0;
	for (int s = 0; s < 4; s++) {
		double t = time_linear(M, shape[s][0], shape[s][1]);
		double flop = 2.0 * tokens * shape[s][0] * shape[s][1];
		lin_time += t * ((double)tokens / M);
		lin_flop += flop;
		printf("gemm_%dx%dx%d_gflops=%.1f\n", M, shape[s][0], shape[s][1],
			2.0 * M * shape[s][0] * shape[s][1] / t * 1e-9);
	}

	/* Attention: per distinct length, threads of ours over heads. */
	openblas_set_num_threads(1);
	double att_time = 0, att_flop = 0;
	for (int l = 1; l <= 4096; l++) {
		if (!count[l])
			continue;
		att_time += count[l] * time_attention(l, H, heads, threads);
		att_flop += count[l] * 4.0 * l * l * H;
	}
	openblas_set_num_threads(threads);

	double flop = layers * (lin_flop + att_flop), sec = layers * (lin_time + att_time);
	printf("sequences=%ld\ntokens=%ld\nbatch_tokens=%d\nflop=%.0f\n", n_seq, tokens, M, flop);
	printf("linear_gflops=%.1f\nattention_gflops=%.1f\n", lin_flop / lin_time * 1e-9, att_flop / att_time * 1e-9);
	printf("gemm_seconds=%.3f\ngemm_gflops=%.1f\n", sec, flop / sec * 1e-9);
	return 0;
}

/*
 * bench-encode.c - forward-pass throughput of a BERT encoder on CPU, beside
 * the OpenBLAS sgemm rate for the same GEMM shapes in the same run.
 *
 *   bench-encode MODEL_DIR [N_SEQ=2000] [BATCH=64] [THREADS=1,2] [encode-only|all] [MINLEN=16 MAXLEN=128]
 *
 * Sequences of 16..128 random tokens (fixed seed) are encoded in batches;
 * prints tokens/s and GFLOP/s (GEMMs + attention, counted as 2 flops per
 * multiply-add) for each thread count, then sgemm GFLOP/s for a batch of
 * the average size with the model's four GEMM shapes.  Made for the
 * all-MiniLM-L6-v2 shape (tests/gen-model --shape minilm); see
 * bench/run-encode.sh and bench/encode-results.md.
 */
#include <cblas.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static uint64_t rng = 42;
static uint32_t next(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (uint32_t)(rng >> 32);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench-encode MODEL_DIR [N_SEQ] [BATCH] [THREADS,...]\n");
		return 64;
	}
	size_t nseq = argc > 2 ? (size_t)atol(argv[2]) : 2000, batch = argc > 3 ? (size_t)atol(argv[3]) : 64;
	const char *threads = argc > 4 ? argv[4] : "1,2";
	int with_sgemm = !(argc > 5 && strcmp(argv[5], "encode-only") == 0);
	size_t minlen = argc > 6 ? (size_t)atol(argv[6]) : 16, maxlen = argc > 7 ? (size_t)atol(argv[7]) : 128;
	if (minlen < 2 || maxlen < minlen) {
		fprintf(stderr, "bench-encode: lengths must satisfy 2 <= MINLEN <= MAXLEN\n");
		return 64;
	}
	gk_model *m;
	gk_error err = {0};
	if (gk_model_load(&m, argv[1], NULL, &err) < 0) {
		fprintf(stderr, "bench-encode: %s\n", err.msg);
		return 1;
	}
	const gk_bert_config *c = gk_model_config(m);
	double H = c->hidden_size, F = c->intermediate_size, L = c->num_hidden_layers;
	gk_sequence *seqs = calloc(nseq, sizeof *seqs);
	size_t total = 0, maxb = 0;
	double flops = 0;
	for (size_t i = 0; i < nseq; i++) {
		size_t len = minlen + next() % (maxlen - minlen + 1);
		int32_t *ids = malloc(len * sizeof *ids);
		ids[0] = 101;
		for (size_t k = 1; k < len; k++)
			ids[k] = (int32_t)(1000 + next() % 29000);
		ids[len - 1] = 102;
		seqs[i] = (gk_sequence){ids, NULL, len};
		total += len;
		/* per layer: QKV, out proj, FFN up and down; attention QK^T and PV */
		flops += L * (2.0 * (double)len * (4 * H * H + 2 * H * F) + 4.0 * (double)len * (double)len * H);
	}
	for (size_t i = 0; i < nseq; i += batch) {
		size_t t = gk_sequences_tokens(seqs + i, i + batch <= nseq ? batch : nseq - i);
		maxb = t > maxb ? t : maxb;
	}
	float *out = malloc(maxb * (size_t)H * sizeof *out);
	printf("model %s: layers %d hidden %d heads %d ffn %d; %zu sequences, %zu tokens, batches of %zu\n",
		argv[1], c->num_hidden_layers, c->hidden_size, c->num_attention_heads, c->intermediate_size,
		nseq, total, batch);
	char *list = strdup(threads);
	for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		int nt = atoi(tok);
		gk_model_set_threads(m, nt);
		double t0 = now();
		for (size_t i = 0; i < nseq; i += batch) {
			size_t k = i + batch <= nseq ? batch : nseq - i;
			if (gk_model_encode(m, seqs + i, k, out, &err) < 0) {
				fprintf(stderr, "bench-encode: %s\n", err.msg);
				return 1;
			}
		}
		double dt = now() - t0;
		printf("encode  threads %d: %.2f s, %.0f tokens/s, %.1f GFLOP/s\n", nt, dt, (double)total / dt, flops / dt * 1e-9);

		if (!with_sgemm)
			continue;
		/* sgemm alone, same shapes, a batch of the average token count */
		size_t M = total / ((nseq + batch - 1) / batch);
		size_t shapes[4][2] = {{(size_t)(3 * H), (size_t)H}, {(size_t)H, (size_t)H},
			{(size_t)F, (size_t)H}, {(size_t)H, (size_t)F}};
		float *x = calloc(M * (size_t)F, sizeof *x), *w = calloc((size_t)(3 * H * F), sizeof *w);
		float *y = calloc(M * (size_t)(3 * H > F ? 3 * H : F), sizeof *y);
		for (size_t i = 0; i < M * (size_t)F; i++)
			x[i] = (float)(next() % 1000) * 1e-3f;
		openblas_set_num_threads(nt);
		double gf = 0, t1 = now();
		int reps = 0;
		while (now() - t1 < 1.0 || reps < 3) {
			for (int s = 0; s < 4; s++) {
				size_t N = shapes[s][0], K = shapes[s][1];
				cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)M, (int)N, (int)K,
					1.0f, x, (int)K, w, (int)K, 0.0f, y, (int)N);
				gf += 2.0 * (double)M * (double)N * (double)K;
			}
			reps++;
		}
		printf("sgemm   threads %d: M=%zu, the four layer shapes: %.1f GFLOP/s\n", nt, M, gf / (now() - t1) * 1e-9);
		free(x), free(w), free(y);
	}
	free(list);
	for (size_t i = 0; i < nseq; i++)
		free((void *)seqs[i].ids);
	free(seqs);
	free(out);
	gk_model_free(m);
	return 0;
}

/*
 * gecko-bench.c - gk-encode's forward pass on a Gecko-class encoder
 * (EmbeddingGemma's shape: Gemma 3 bidirectional, symmetric sliding
 * windows), through the same gk_model API and batching as gk-encode, in
 * tokens/s and GFLOP/s beside OpenBLAS sgemm on the model's own GEMM shapes
 * in the same run (the ceiling of the dense part).
 *
 *   gecko-bench MODEL_DIR [THREADS=2] [BATCH_TOKENS=8192]
 *
 * Two sets of random token ids (fixed seed): "short mixed", 512 texts of
 * 8..128 tokens (queries and short passages), and "512-token documents",
 * 32 texts of 512.  Texts are batched like gk-encode (about BATCH_TOKENS
 * tokens a batch).  FLOPs: 2 per multiply-add of every linear layer and of
 * attention over the keys each query really sees (all of them on global
 * layers, |i - j| <= window/2 on sliding ones).  The sgemm rate is the
 * time-weighted rate of the four layer GEMMs (q|k|v, o, gate|up, down) at
 * the batch's row count.  A benchmark, not a test: prints and exits.
 */
#include <cblas.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench-util.h"
#include "encoder.h"
#include "model.h"

/* FLOPs of one text of n tokens. */
static double text_flops(const gk_lm_config *c, double n)
{
	double H = c->hidden_size, F = c->intermediate_size, D = c->head_dim;
	double Q = c->num_attention_heads * D, KV = c->num_key_value_heads * D;
	double f = 0;
	for (int l = 0; l < c->num_hidden_layers; l++) {
		double keys = 0;
		int half = c->sliding_window / 2;
		for (double i = 0; i < n; i++) {
			double lo = 0, hi = n - 1;
			if (c->layer_sliding[l] && c->bidirectional) {
				lo = i - half > 0 ? i - half : 0;
				hi = i + half < n - 1 ? i + half : n - 1;
			} else if (!c->bidirectional) {
				hi = i;
				if (c->layer_sliding[l] && i - c->sliding_window + 1 > 0)
					lo = i - c->sliding_window + 1;
			}
			keys += hi - lo + 1;
		}
		f += 2 * n * (H * (Q + 2 * KV) + Q * H + 3 * H * F) + 2 * 2 * keys * Q;
	}
	return f;
}

/* Time-weighted sgemm rate of the layer GEMMs at m rows. */
static double layer_sgemm(const gk_lm_config *c, int m, int threads)
{
	int H = c->hidden_size, F = c->intermediate_size, D = c->head_dim;
	int Q = c->num_attention_heads * D, KV = c->num_key_value_heads * D;
	int shapes[4][2] = {{Q + 2 * KV, H}, {H, Q}, {2 * F, H}, {H, F}};
	double fl = 0, t = 0;
	openblas_set_num_threads(threads);
	for (int s = 0; s < 4; s++) {
		double f = 2.0 * m * shapes[s][0] * shapes[s][1];
		fl += f;
		t += f / (bench_sgemm_gflops(m, shapes[s][0], shapes[s][1], 3) * 1e9);
	}
	return fl / t / 1e9;
}

static int run_set(gk_model *m, const gk_lm_config *c, const char *name, size_t n_texts,
	int minlen, int maxlen, long batch_tokens, int threads)
{
	static uint64_t r = 42;
	gk_sequence *seqs = calloc(n_texts, sizeof *seqs);
	size_t total = 0, max_batch = 0;
	double fl = 0;
	for (size_t i = 0; i < n_texts; i++) {
		r = r * 6364136223846793005ull + 1442695040888963407ull;
		size_t len = (size_t)minlen + (size_t)((r >> 33) % (uint64_t)(maxlen - minlen + 1));
		int32_t *ids = malloc(len * sizeof *ids);
		for (size_t k = 0; k < len; k++) {
			r = r * 6364136223846793005ull + 1442695040888963407ull;
			ids[k] = (int32_t)((r >> 33) % (uint64_t)c->vocab_size);
		}
		seqs[i] = (gk_sequence){ids, NULL, len};
		total += len;
		fl += text_flops(c, (double)len);
	}
	float *out = malloc(((size_t)batch_tokens + (size_t)maxlen) * (size_t)c->hidden_size * sizeof *out);
	gk_error err = {0};
	double t = bench_now();
	for (size_t i = 0; i < n_texts;) {
		size_t k = 0, tok = 0;
		while (i + k < n_texts && tok < (size_t)batch_tokens)
			tok += seqs[i + k++].len;
		if (gk_model_encode(m, seqs + i, k, out, &err) < 0) {
			fprintf(stderr, "gecko-bench: %s\n", err.msg);
			return 1;
		}
		max_batch = tok > max_batch ? tok : max_batch;
		i += k;
	}
	t = bench_now() - t;
	double rate = fl / t / 1e9, ceil = layer_sgemm(c, (int)max_batch, threads);
	printf("| %s | %zu texts, %zu tokens | %.2f s | %.0f tokens/s | %.1f GFLOP/s | %.1f GFLOP/s | %.0f%% |\n",
		name, n_texts, total, t, (double)total / t, rate, ceil, 100 * rate / ceil);
	for (size_t i = 0; i < n_texts; i++)
		free((void *)seqs[i].ids);
	free(seqs);
	free(out);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: gecko-bench MODEL_DIR [THREADS [BATCH_TOKENS]]\n");
		return 64;
	}
	int threads = argc > 2 ? atoi(argv[2]) : 2;
	long batch = argc > 3 ? atol(argv[3]) : 8192;
	gk_error err = {0};
	gk_model *m;
	double t = bench_now();
	if (gk_model_load(&m, argv[1], &(gk_model_opts){.n_threads = threads}, &err) < 0) {
		fprintf(stderr, "gecko-bench: %s\n", err.msg);
		return 1;
	}
	if (!gk_model_is_lm(m)) {
		fprintf(stderr, "gecko-bench: %s is not a decoder-based encoder\n", argv[1]);
		return 1;
	}
	gk_lm_config c;
	if (gk_lm_config_load(&c, argv[1], &err) < 0) {
		fprintf(stderr, "gecko-bench: %s\n", err.msg);
		return 1;
	}
	printf("model %s: %d layers, hidden %d, heads %d/%d x %d, ffn %d, vocab %d, window %d, %s; "
		"loaded in %.2f s; %d threads, batches of ~%ld tokens\n\n",
		argv[1], c.num_hidden_layers, c.hidden_size, c.num_attention_heads, c.num_key_value_heads,
		c.head_dim, c.intermediate_size, c.vocab_size, c.sliding_window,
		c.bidirectional ? "bidirectional" : "causal", bench_now() - t, threads, batch);
	printf("| set | input | time | tokens/s | GFLOP/s | sgemm, same shapes | of sgemm |\n|---|---|---|---|---|---|---|\n");
	/* warm-up: page the weights in */
	run_set(m, &c, "warm-up", 8, 16, 16, batch, threads);
	int rc = run_set(m, &c, "short mixed", 512, 8, 128, batch, threads);
	rc |= run_set(m, &c, "512-token documents", 32, 512, 512, batch, threads);
	gk_model_free(m);
	return rc;
}

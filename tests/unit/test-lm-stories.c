/*
 * test-lm-stories.c - the decoder LM on real trained weights: Karpathy's
 * stories260K (Llama architecture, tests/data/models/stories260K).
 *
 *   test-lm-stories MODEL_DIR
 *
 * Checks against results published upstream (PROVENANCE.txt), not against
 * this code: the tokenizer encodes the Lily sentence as the 16 ids that
 * llama.cpp and the llama2.c tokenizer give; greedy decoding from BOS for
 * 256 tokens reproduces greedy-256.txt (llama2.c's run.c output) byte for
 * byte.  Then self-consistency of the fast paths, each to 1e-4: KV-cache
 * decoding == full recomputation (gk_lm_score's log-probs of the whole
 * generated text), a prompt fed to the cache in one call == token by token,
 * batched scoring == one sequence at a time, 2 threads == 1, reference
 * GEMM loops == OpenBLAS, gk_lm_score_pairs == the sums of gk_lm_score.
 * And the errors: bad ids, too long, cache full.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lm.h"
#include "lm_kernels.h"
#include "tokenizer.h"

#define STEPS 256

static char *read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(99);
	}
	char *buf = malloc(1 << 16);
	*len = fread(buf, 1, (1 << 16) - 1, f);
	buf[*len] = 0;
	fclose(f);
	return buf;
}

static double max_abs_diff(const float *a, const float *b, size_t n)
{
	double m = 0;
	for (size_t i = 0; i < n; i++) {
		double d = fabs((double)a[i] - b[i]);
		if (!(d <= m))
			m = d;
	}
	return m;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test-lm-stories MODEL_DIR\n");
		return 99;
	}
	const char *dir = argv[1];
	gk_error err = {0};
	gk_tokenizer *tok;
	gk_lm *lm;
	if (gk_tokenizer_load(&tok, dir, &err) < 0 || gk_lm_load(&lm, dir, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 99;
	}
	size_t V = (size_t)lm->cfg.vocab_size;
	CHECK(V == 512 && lm->cfg.num_hidden_layers == 5 && lm->cfg.num_key_value_heads == 4);
	CHECK(lm->lm_head == lm->embed); /* tied */

	/* The tokenizer: ids from PROVENANCE.txt (llama.cpp and tools/check_hf.py agree). */
	static const int32_t lily[16] = {1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426};
	const char *sentence = "Once upon a time, there was a little girl named Lily.";
	gk_encoding enc = {0};
	CHECK(gk_tokenizer_encode(tok, sentence, strlen(sentence), NULL, 0, NULL, &enc, &err) == 0);
	CHECK(enc.n == 16 && memcmp(enc.ids, lily, sizeof lily) == 0);

	/* Greedy decoding from BOS with the KV cache. */
	gk_lm_cache *kc;
	CHECK(gk_lm_cache_new(&kc, lm, STEPS + 1, &err) == 0);
	int32_t ids[STEPS + 1];
	float *logits = malloc(STEPS * V * sizeof *logits); /* (STEPS, V) after each prefix */
	size_t n = 1;
	ids[0] = gk_tokenizer_special_id(tok, GK_TOKEN_ROLE_BOS);
	CHECK(ids[0] == 1);
	for (int step = 0; step < STEPS; step++) {
		if (gk_lm_decode(lm, kc, &ids[n - 1], 1, logits + (size_t)step * V, NULL, &err) < 0) {
			fprintf(stderr, "decode step %d: %s\n", step, err.msg);
			return 1;
		}
		ids[n++] = (int32_t)gk_argmax(logits + (size_t)step * V, V);
	}
	CHECK(gk_lm_cache_len(kc) == STEPS);
	char *text;
	size_t tlen, glen;
	CHECK(gk_tokenizer_decode(tok, ids, n, true, &text, &tlen, &err) == 0);
	char path[4096];
	snprintf(path, sizeof path, "%s/greedy-256.txt", dir);
	char *golden = read_text(path, &glen);
	if (glen && golden[glen - 1] == '\n') /* run.c adds a final newline */
		golden[--glen] = 0;
	CHECK(tlen == glen && memcmp(text, golden, glen) == 0);
	if (tlen != glen || memcmp(text, golden, glen) != 0)
		fprintf(stderr, "greedy text:\n%s\nexpected:\n%s\n", text, golden);
	free(text);
	free(golden);

	/* Full recomputation: log-probs of the whole text in one pass equal the
	 * log-softmax of each decode step's logits. */
	float *lp = malloc((STEPS + 1) * sizeof *lp);
	float last[512];
	gk_lm_seq whole = {ids, STEPS, 0};
	CHECK(gk_lm_score(lm, &whole, 1, lp, last, NULL, &err) == 0);
	double md = 0;
	for (int i = 1; i < STEPS; i++) {
		const float *row = logits + (size_t)(i - 1) * V;
		double want = row[ids[i]] - gk_logsumexp(row, V);
		double d = fabs(want - lp[i]);
		md = d > md ? d : md;
	}
	CHECK(md <= 1e-4);
	CHECK(lp[0] == 0);
	CHECK(max_abs_diff(last, logits + (size_t)(STEPS - 1) * V, V) <= 1e-4);
	fprintf(stderr, "cache vs recompute: max |d logprob| %.3g\n", md);

	/* A prompt in one call == token by token. */
	float one[512];
	gk_lm_cache_truncate(kc, 0);
	CHECK(gk_lm_decode(lm, kc, ids, 40, one, NULL, &err) == 0);
	CHECK(max_abs_diff(one, logits + 39 * V, V) <= 1e-4);
	/* then continue one more token from the cache */
	CHECK(gk_lm_decode(lm, kc, ids + 40, 1, one, NULL, &err) == 0);
	CHECK(max_abs_diff(one, logits + 40 * V, V) <= 1e-4);
	/* reuse a prefix: truncate and go on */
	gk_lm_cache_truncate(kc, 10);
	CHECK(gk_lm_decode(lm, kc, ids + 10, 5, one, NULL, &err) == 0);
	CHECK(max_abs_diff(one, logits + 14 * V, V) <= 1e-4);

	/* Batched scoring of prefixes of different lengths == each alone, also
	 * with 2 threads and with the reference loops. */
	enum { NB = 5 };
	static const size_t lens[NB] = {1, 2, 17, 100, 257};
	gk_lm_seq batch[NB];
	size_t total = 0;
	for (int s = 0; s < NB; s++) {
		batch[s] = (gk_lm_seq){ids, lens[s], s == 3 ? 50 : 0};
		total += lens[s];
	}
	float *blp = malloc(total * sizeof *blp), *blast = malloc(NB * V * sizeof *blast);
	gk_lm_run runs[3] = {{1, 0}, {2, 0}, {1, 1}};
	for (int r = 0; r < 3; r++) {
		CHECK(gk_lm_score(lm, batch, NB, blp, blast, &runs[r], &err) == 0);
		size_t off = 0;
		for (int s = 0; s < NB; s++) {
			float *slp = malloc(lens[s] * sizeof *slp), sl[512];
			CHECK(gk_lm_score(lm, &batch[s], 1, slp, sl, NULL, &err) == 0);
			CHECK(max_abs_diff(blp + off, slp, lens[s]) <= 1e-4);
			CHECK(max_abs_diff(blast + s * V, sl, V) <= 1e-4);
			if (s == 3)
				CHECK(blp[off + 49] == 0 && blp[off + 50] != 0);
			if (lens[s] <= STEPS)
				CHECK(max_abs_diff(sl, logits + (lens[s] - 1) * V, V) <= 1e-4);
			free(slp);
			off += lens[s];
		}
	}

	/* More scored tokens than one vocabulary chunk holds (512 rows for a
	 * 512-token vocabulary): chunks end inside a sequence. */
	gk_lm_seq three[3] = {{ids, 257, 0}, {ids, 257, 3}, {ids, 200, 0}};
	float *tlp = malloc(714 * sizeof *tlp), *one_lp = malloc(257 * sizeof *one_lp);
	CHECK(gk_lm_score(lm, three, 3, tlp, NULL, NULL, &err) == 0);
	size_t toff = 0;
	for (int s = 0; s < 3; s++) {
		CHECK(gk_lm_score(lm, &three[s], 1, one_lp, NULL, NULL, &err) == 0);
		CHECK(max_abs_diff(tlp + toff, one_lp, three[s].len) <= 1e-4);
		toff += three[s].len;
	}
	CHECK(tlp[257 + 2] == 0 && tlp[257 + 3] != 0);
	free(tlp);
	free(one_lp);

	/* Pairs: the continuation's sum equals the sum of gk_lm_score's entries. */
	gk_lm_pair pairs[2] = {{ids, 20, ids + 20, 30}, {ids, 5, ids + 5, 0}};
	double sums[2];
	CHECK(gk_lm_score_pairs(lm, pairs, 2, sums, NULL, &err) == 0);
	gk_lm_seq fifty = {ids, 50, 20};
	CHECK(gk_lm_score(lm, &fifty, 1, lp, NULL, NULL, &err) == 0);
	double want = 0;
	for (int i = 20; i < 50; i++)
		want += lp[i];
	CHECK(fabs(sums[0] - want) <= 1e-4 && sums[1] == 0 && sums[0] < 0);

	/* An empty batch does nothing and succeeds. */
	CHECK(gk_lm_score(lm, batch, 0, blp, blast, NULL, &err) == 0);
	CHECK(gk_lm_score_pairs(lm, pairs, 0, sums, NULL, &err) == 0);

	/* Errors: messages, no crash, cache unchanged. */
	int32_t bad[3] = {1, 512, 5};
	gk_lm_seq bs = {bad, 3, 0};
	CHECK(gk_lm_score(lm, &bs, 1, lp, NULL, NULL, &err) == GK_EDATA);
	CHECK_CONTAINS(err.msg, "id 512 is outside the vocabulary");
	int32_t *longer = calloc(513, sizeof *longer);
	gk_lm_seq ls = {longer, 513, 0};
	CHECK(gk_lm_score(lm, &ls, 1, NULL, NULL, NULL, &err) == GK_EDATA);
	CHECK_CONTAINS(err.msg, "max_position_embeddings 512");
	gk_lm_seq empty = {ids, 0, 0};
	CHECK(gk_lm_score(lm, &empty, 1, lp, NULL, NULL, &err) == GK_EDATA);
	gk_lm_cache *small;
	CHECK(gk_lm_cache_new(&small, lm, 4, &err) == 0);
	CHECK(gk_lm_decode(lm, small, ids, 3, NULL, NULL, &err) == 0);
	CHECK(gk_lm_decode(lm, small, ids, 2, one, NULL, &err) == GK_EDATA);
	CHECK_CONTAINS(err.msg, "do not fit the KV cache");
	CHECK(gk_lm_cache_len(small) == 3);
	CHECK(gk_lm_decode(lm, small, bad + 1, 1, one, NULL, &err) == GK_EDATA);
	CHECK(gk_lm_cache_len(small) == 3);
	CHECK(gk_lm_decode(lm, small, ids + 3, 1, one, NULL, &err) == 0);
	CHECK(max_abs_diff(one, logits + 3 * V, V) <= 1e-4);
	gk_lm_cache_free(small);
	CHECK(gk_lm_cache_new(&small, lm, SIZE_MAX / 4, &err) < 0 && small == NULL);

	gk_lm_cache_free(kc);
	gk_lm_cache_free(NULL);
	gk_lm_free(lm);
	gk_lm_free(NULL);
	gk_tokenizer_free(tok);
	gk_encoding_free(&enc);
	free(longer);
	free(logits);
	free(lp);
	free(blp);
	free(blast);
	return check_exit();
}

/*
 * test-gguf-lm.c - a decoder LM from a GGUF file against the same model's
 * directory: the logits after each of a few sequences and every token's
 * log-probability.
 *
 *   test-gguf-lm MODEL_DIR MODEL.gguf exact|bidirectional|COSINE
 *
 * exact: bit-identical (f32 GGUF of an f32 checkpoint, and f16/bf16 of the
 * same dtype).  bidirectional: the GGUF is EmbeddingGemma-style
 * ("gemma-embedding"): it must load bidirectional, and its final hidden
 * states must equal the directory model's made bidirectional.  COSINE (a number): every logit vector's cosine to the
 * directory's is at least that (quantised GGUF); the minimum is printed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lm.h"

#define NSEQ 3

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: test-gguf-lm MODEL_DIR MODEL.gguf exact|COSINE\n");
		return 99;
	}
	bool bidir = strcmp(argv[3], "bidirectional") == 0;
	bool exact = bidir || strcmp(argv[3], "exact") == 0;
	double floor = exact ? 1 : atof(argv[3]);
	gk_lm *a, *b;
	gk_error err = {0};
	if (gk_lm_load(&a, argv[1], &err) < 0 || gk_lm_load(&b, argv[2], &err) < 0) {
		fprintf(stderr, "load: %s\n", err.msg);
		return 1;
	}
	CHECK(a->cfg.vocab_size == b->cfg.vocab_size && a->cfg.num_hidden_layers == b->cfg.num_hidden_layers);
	CHECK(b->cfg.bidirectional == bidir);
	if (bidir)
		gk_lm_set_bidirectional(a, true);
	size_t V = (size_t)a->cfg.vocab_size;
	int32_t ids[NSEQ][40];
	size_t lens[NSEQ] = {40, 7, 23};
	uint32_t x = 12345;
	gk_lm_seq seqs[NSEQ];
	size_t total = 0;
	for (int s = 0; s < NSEQ; s++) {
		for (size_t i = 0; i < lens[s]; i++) {
			x = x * 1664525u + 1013904223u;
			ids[s][i] = i == 0 ? 1 : (int32_t)((x >> 8) % V);
		}
		seqs[s] = (gk_lm_seq){ids[s], lens[s], 1};
		total += lens[s];
	}
	float *la = malloc(NSEQ * V * sizeof *la), *lb = malloc(NSEQ * V * sizeof *lb);
	float *pa = malloc(total * sizeof *pa), *pb = malloc(total * sizeof *pb);
	int ra = gk_lm_score(a, seqs, NSEQ, pa, la, NULL, &err);
	int rb = gk_lm_score(b, seqs, NSEQ, pb, lb, NULL, &err);
	CHECK(ra == 0 && rb == 0);
	if (bidir) {
		size_t H = (size_t)a->cfg.hidden_size;
		float *ha = malloc(total * H * sizeof *ha), *hb = malloc(total * H * sizeof *hb);
		CHECK(gk_lm_hidden(a, seqs, NSEQ, ha, NULL, &err) == 0);
		CHECK(gk_lm_hidden(b, seqs, NSEQ, hb, NULL, &err) == 0);
		CHECK(memcmp(ha, hb, total * H * sizeof *ha) == 0);
		free(ha);
		free(hb);
	}
	if (exact) {
		CHECK(memcmp(la, lb, NSEQ * V * sizeof *la) == 0);
		CHECK(memcmp(pa, pb, total * sizeof *pa) == 0);
		double m = 0;
		for (size_t i = 0; i < NSEQ * V; i++)
			m = fmax(m, fabs((double)la[i] - lb[i]));
		printf("%s: max |logit difference| %g\n", argv[2], m);
	} else {
		double worst = 1;
		for (int s = 0; s < NSEQ; s++) {
			double ab = 0, aa = 0, bb = 0;
			for (size_t i = 0; i < V; i++) {
				ab += (double)la[s * V + i] * lb[s * V + i];
				aa += (double)la[s * V + i] * la[s * V + i];
				bb += (double)lb[s * V + i] * lb[s * V + i];
			}
			worst = fmin(worst, ab / sqrt(aa * bb));
		}
		printf("%s: min logit cosine to the directory's %.6f (floor %g)\n", argv[2], worst, floor);
		CHECK(worst >= floor);
	}
	free(la);
	free(lb);
	free(pa);
	free(pb);
	gk_lm_free(a);
	gk_lm_free(b);
	return check_exit();
}

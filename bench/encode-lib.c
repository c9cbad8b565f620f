/*
 * encode-lib.c - gk's forward pass without the program around it: the
 * library-only time of bench/encode.sh.  Loads a model, reads every
 * sequence's "ids" from a JSON-lines file, then times gk_model_encode over
 * batches formed as gk-encode forms them (records join a batch until it
 * holds BATCH_TOKENS tokens or more).  No stream reading or writing, no
 * model loading in the time.  Prints key=value lines (cpu_seconds: the
 * process's CPU time over the same loop, all threads).
 *
 *   bench/encode-lib MODEL_DIR FILE.jsonl THREADS [BATCH_TOKENS]
 *
 * Not a test: numbers vary by machine.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "model.h"

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fprintf(stderr, "encode-lib: out of memory\n");
		exit(1);
	}
	return p;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s MODEL_DIR FILE.jsonl THREADS [BATCH_TOKENS]\n", argv[0]);
		return 64;
	}
	int threads = atoi(argv[3]);
	size_t batch_tokens = argc > 4 ? (size_t)atol(argv[4]) : 8192;
	gk_error err = { 0 };
	gk_model *m;
	int rc = gk_model_load(&m, argv[1], &(gk_model_opts){ .n_threads = threads }, &err);
	if (rc) {
		fprintf(stderr, "encode-lib: %s\n", err.msg);
		return gk_error_exit_status(rc);
	}
	FILE *f = fopen(argv[2], "r");
	if (!f) {
		perror(argv[2]);
		return 66;
	}
	gk_sequence *seqs = NULL;
	size_t n = 0, cap = 0, tokens = 0, max_tokens = 0;
	char *line = NULL;
	size_t line_cap = 0;
	ssize_t len;
	while ((len = getline(&line, &line_cap, f)) > 0) {
		json_error_t je;
		json_t *o = json_loadb(line, (size_t)len, 0, &je), *ids = json_object_get(o, "ids");
		if (!json_is_array(ids) || json_array_size(ids) == 0) {
			fprintf(stderr, "encode-lib: %s: line %zu has no \"ids\"\n", argv[2], n + 1);
			return 65;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			gk_sequence *s = realloc(seqs, cap * sizeof *s);
			if (!s)
				return 1;
			seqs = s;
		}
		size_t k = json_array_size(ids);
		int32_t *v = xmalloc(k * sizeof *v);
		for (size_t i = 0; i < k; i++)
			v[i] = (int32_t)json_integer_value(json_array_get(ids, i));
		seqs[n++] = (gk_sequence){ .ids = v, .len = k };
		tokens += k;
		json_decref(o);
	}
	free(line);
	fclose(f);

	/* the largest batch decides the output buffer */
	for (size_t t = 0, i = 0; i < n; i++) {
		t += seqs[i].len;
		if (t >= batch_tokens || i + 1 == n) {
			max_tokens = t > max_tokens ? t : max_tokens;
			t = 0;
		}
	}
	float *out = xmalloc(max_tokens * (size_t)gk_model_hidden_size(m) * sizeof *out);
	double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	for (size_t a = 0, t = 0, i = 0; i < n && rc == 0; i++) {
		t += seqs[i].len;
		if (t >= batch_tokens || i + 1 == n) {
			rc = gk_model_encode(m, seqs + a, i + 1 - a, out, &err);
			a = i + 1;
			t = 0;
		}
	}
	double sec = clock_s(CLOCK_MONOTONIC) - t0, cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	if (rc) {
		fprintf(stderr, "encode-lib: %s\n", err.msg);
		return gk_error_exit_status(rc);
	}
	printf("sequences=%zu\ntokens=%zu\nseconds=%.3f\ncpu_seconds=%.3f\ntokens_per_s=%.0f\n",
		n, tokens, sec, cpu, tokens / sec);
	for (size_t i = 0; i < n; i++)
		free((void *)seqs[i].ids);
	free(seqs);
	free(out);
	gk_model_free(m);
	return 0;
}

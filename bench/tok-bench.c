/*
 * tok-bench.c - how fast gk encodes: tokenizes the "text" field of every
 * line of a JSON-lines file, several times, on one thread, and prints
 * texts/s, MB/s and tokens/s.  Not a test: numbers vary by machine.
 *
 *   bench/tok-bench MODEL_DIR_OR_TOKENIZER_JSON FILE.jsonl [REPEATS]
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tokenizer.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s TOKENIZER FILE.jsonl [REPEATS]\n", argv[0]);
		return 64;
	}
	int repeats = argc > 3 ? atoi(argv[3]) : 5;
	gk_error err = { 0 };
	gk_tokenizer *tok;
	double t0 = now();
	int rc = gk_tokenizer_load(&tok, argv[1], &err);
	if (rc) {
		fprintf(stderr, "%s: %s\n", argv[0], err.msg);
		return gk_error_exit_status(rc);
	}
	double t_load = now() - t0;
	FILE *f = fopen(argv[2], "r");
	if (!f) {
		perror(argv[2]);
		return 66;
	}
	json_t *texts = json_array();
	char *line = NULL;
	size_t cap = 0, bytes = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0) {
		json_error_t je;
		json_t *o = json_loadb(line, (size_t)n, 0, &je);
		json_t *t = json_object_get(o, "text");
		if (json_is_string(t)) {
			json_array_append(texts, t);
			bytes += json_string_length(t);
		}
		json_decref(o);
	}
	free(line);
	fclose(f);
	gk_encoding enc = { 0 };
	gk_encode_options opt = { .add_special_tokens = true };
	size_t tokens = 0;
	t0 = now();
	for (int r = 0; r < repeats; r++)
		for (size_t i = 0; i < json_array_size(texts); i++) {
			json_t *t = json_array_get(texts, i);
			if (gk_tokenizer_encode(tok, json_string_value(t), json_string_length(t), NULL, 0, &opt, &enc, &err)) {
				fprintf(stderr, "%s: text %zu: %s\n", argv[0], i, err.msg);
				return 65;
			}
			tokens += enc.n;
		}
	double dt = now() - t0;
	size_t nt = json_array_size(texts) * (size_t)repeats;
	printf("load %.3f s; %zu texts, %.1f MB, %zu tokens in %.3f s: %.0f texts/s, %.2f MB/s, %.0f tokens/s\n",
	       t_load, nt, (double)bytes * repeats / 1e6, tokens, dt, nt / dt, (double)bytes * repeats / 1e6 / dt,
	       tokens / dt);
	gk_encoding_free(&enc);
	json_decref(texts);
	gk_tokenizer_free(tok);
	return 0;
}

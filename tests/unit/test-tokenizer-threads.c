/*
 * test-tokenizer-threads.c - one loaded tokenizer shared by several
 * threads: every thread encodes and decodes all regression texts and must
 * get exactly what one thread alone gets.  Run under the sanitizer build
 * this also catches writes to the shared tokenizer.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tok-test.h"
#include "tokenizer.h"

#define N_THREADS 4

typedef struct job {
	const gk_tokenizer *tok;
	json_t *texts;     /* array of strings */
	gk_encoding *want; /* (n texts) single-thread results, or NULL */
	int mismatches;
} job;

static void *run(void *arg)
{
	job *j = arg;
	gk_encoding enc = { 0 };
	gk_error err = { 0 };
	for (size_t i = 0; i < json_array_size(j->texts); i++) {
		json_t *t = json_array_get(j->texts, i);
		gk_encode_options opt = { .add_special_tokens = true, .max_tokens = i % 3 ? 0 : 64 };
		int rc = gk_tokenizer_encode(j->tok, json_string_value(t), json_string_length(t), i % 5 ? NULL : "pair text", 9,
		                             &opt, &enc, &err);
		if (rc) {
			j->mismatches++;
			continue;
		}
		char *text = NULL;
		rc = gk_tokenizer_decode(j->tok, enc.ids, enc.n, true, &text, NULL, &err);
		free(text);
		if (rc)
			j->mismatches++;
		if (!j->want) {
			/* baseline */
			continue;
		}
		gk_encoding *w = &j->want[i];
		if (w->n != enc.n || memcmp(w->ids, enc.ids, enc.n * sizeof *enc.ids) != 0)
			j->mismatches++;
	}
	gk_encoding_free(&enc);
	return NULL;
}

static void check(const char *name)
{
	char path[4096], file[256];
	size_t len;
	snprintf(file, sizeof file, "%s/tokenizer.json.xz", name);
	char *json = tok_slurp(tok_data(path, sizeof path, file), &len);
	gk_tokenizer *tok = NULL;
	gk_error err = { 0 };
	int rc = json ? gk_tokenizer_load_json(&tok, json, len, file, &err) : GK_ENOINPUT;
	free(json);
	TOK_CHECK(rc == 0, "load %s: %s", name, err.msg);
	if (rc)
		return;
	snprintf(file, sizeof file, "%s/regression.jsonl.xz", name);
	char *lines = tok_slurp(tok_data(path, sizeof path, file), &len);
	json_t *texts = json_array();
	for (char *s = lines; s && *s;) {
		char *nl = strchr(s, '\n');
		size_t ll = nl ? (size_t)(nl - s) : strlen(s);
		json_error_t je;
		json_t *o = json_loadb(s, ll, 0, &je);
		s += ll + (nl != NULL);
		if (o)
			json_array_append(texts, json_object_get(o, "text"));
		json_decref(o);
	}
	free(lines);
	size_t n = json_array_size(texts);
	gk_encoding *want = calloc(n, sizeof *want);
	gk_encode_options opt = { .add_special_tokens = true };
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_array_get(texts, i);
		opt.max_tokens = i % 3 ? 0 : 64;
		gk_tokenizer_encode(tok, json_string_value(t), json_string_length(t), i % 5 ? NULL : "pair text", 9,
		                    &opt, &want[i], &err);
	}
	job jobs[N_THREADS];
	pthread_t th[N_THREADS];
	for (int k = 0; k < N_THREADS; k++) {
		jobs[k] = (job){ tok, texts, want, 0 };
		pthread_create(&th[k], NULL, run, &jobs[k]);
	}
	int bad = 0;
	for (int k = 0; k < N_THREADS; k++) {
		pthread_join(th[k], NULL);
		bad += jobs[k].mismatches;
	}
	printf("%s: %d threads x %zu texts, %d mismatches\n", name, N_THREADS, n, bad);
	TOK_CHECK(n > 0 && bad == 0, "%s: %d mismatches between threads", name, bad);
	for (size_t i = 0; i < n; i++)
		gk_encoding_free(&want[i]);
	free(want);
	json_decref(texts);
	gk_tokenizer_free(tok);
}

int main(void)
{
	check("gpt-2");
	check("bert-bge");
	return tok_summary();
}

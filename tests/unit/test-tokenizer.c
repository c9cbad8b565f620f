/*
 * test-tokenizer.c - exactness: every line of the HuggingFace reference
 * vectors (tests.jsonl, regression.jsonl of bert-bge, gpt-2, llama-spm,
 * gemma3, qwen3; ids computed by HF tokenizers 0.23.2, see
 * tests/data/tokenizers/PROVENANCE.md) must give exactly the listed ids,
 * without special tokens.  bert-bge is run twice: from its tokenizer.json
 * and from its directory with only vocab.txt (BERT defaults).  bert-bge,
 * gpt-2 and llama-spm are run a third time from llama.cpp's vocabulary-only
 * GGUF files (tokenizer.ggml.* metadata; "gguf" selects only those),
 * decompressed into the build directory.
 *
 *   test-tokenizer [NAME...]   (default: all five)
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tok-test.h"
#include "tokenizer.h"

static void show_ids(const char *what, const int32_t *v, size_t n)
{
	fprintf(stderr, "  %s (%zu):", what, n);
	for (size_t i = 0; i < n && i < 60; i++)
		fprintf(stderr, " %d", v[i]);
	fprintf(stderr, "%s\n", n > 60 ? " ..." : "");
}

/* Run one JSONL file; returns the number of failing lines. */
static int run_file(const gk_tokenizer *tok, const char *label, const char *file)
{
	char path[4096];
	size_t len;
	char *text = tok_slurp(tok_data(path, sizeof path, file), &len);
	if (!text) {
		TOK_CHECK(0, "%s: cannot read %s", label, file);
		return 1;
	}
	gk_encoding enc = { 0 };
	gk_encode_options opt = { .add_special_tokens = false };
	int lines = 0, bad = 0, shown = 0;
	double t0 = (double)clock();
	for (char *line = text; *line;) {
		char *nl = strchr(line, '\n');
		size_t ll = nl ? (size_t)(nl - line) : strlen(line);
		json_error_t je;
		json_t *o = json_loadb(line, ll, 0, &je);
		line += ll + (nl != NULL);
		if (!o)
			continue;
		json_t *t = json_object_get(o, "text"), *ids = json_object_get(o, "ids");
		lines++;
		gk_error err = { 0 };
		int rc = gk_tokenizer_encode(tok, json_string_value(t), json_string_length(t), NULL, 0,
		                             &opt, &enc, &err);
		bool same = rc == 0 && enc.n == json_array_size(ids);
		for (size_t i = 0; same && i < enc.n; i++)
			same = json_integer_value(json_array_get(ids, i)) == enc.ids[i];
		if (!same) {
			bad++;
			if (shown++ < 3) {
				fprintf(stderr, "%s %s line %d: %.200s\n", label, file, lines, json_string_value(t));
				if (rc)
					fprintf(stderr, "  error: %s\n", err.msg);
				int32_t *want = malloc((json_array_size(ids) + 1) * sizeof *want);
				for (size_t i = 0; want && i < json_array_size(ids); i++)
					want[i] = (int32_t)json_integer_value(json_array_get(ids, i));
				if (want)
					show_ids("want", want, json_array_size(ids));
				show_ids("got ", enc.ids, rc ? 0 : enc.n);
				free(want);
			}
		}
		json_decref(o);
	}
	double ms = ((double)clock() - t0) * 1000.0 / CLOCKS_PER_SEC;
	printf("%-22s %-26s %4d/%4d lines exact (%.0f ms)\n", label, file, lines - bad, lines, ms);
	TOK_CHECK(bad == 0 && lines > 0, "%s %s: %d of %d lines differ", label, file, bad, lines);
	gk_encoding_free(&enc);
	free(text);
	return bad;
}

static gk_tokenizer *load_json(const char *name)
{
	char path[4096], file[256];
	snprintf(file, sizeof file, "%s/tokenizer.json.xz", name);
	size_t len;
	char *json = tok_slurp(tok_data(path, sizeof path, file), &len);
	if (!json)
		return NULL;
	gk_tokenizer *tok = NULL;
	gk_error err = { 0 };
	double t0 = (double)clock();
	int rc = gk_tokenizer_load_json(&tok, json, len, file, &err);
	free(json);
	TOK_CHECK(rc == 0, "load %s: %s", file, err.msg);
	if (rc == 0)
		printf("%-22s loaded in %.0f ms, %zu ids\n", file,
		       ((double)clock() - t0) * 1000.0 / CLOCKS_PER_SEC, gk_tokenizer_vocab_size(tok));
	return tok;
}

static bool wanted(int argc, char **argv, const char *name)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "bert-bge", "gpt-2", "llama-spm", "gemma3", "qwen3" };
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		const char *name = names[k];
		if (!wanted(argc, argv, name))
			continue;
		gk_tokenizer *tok = load_json(name);
		if (!tok)
			continue;
		char file[256];
		bool has_tests = k < 3;
		if (has_tests) {
			snprintf(file, sizeof file, "%s/tests.jsonl", name);
			run_file(tok, "tokenizer.json", file);
		}
		snprintf(file, sizeof file, "%s/regression.jsonl.xz", name);
		run_file(tok, "tokenizer.json", file);
		gk_tokenizer_free(tok);
	}
	if (wanted(argc, argv, "bert-bge")) {
		/* The directory holds vocab.txt and tokenizer_config.json (its
		 * tokenizer.json is compressed), so this is the vocab.txt path. */
		char dir[4096];
		gk_tokenizer *tok = NULL;
		gk_error err = { 0 };
		int rc = gk_tokenizer_load(&tok, tok_data(dir, sizeof dir, "bert-bge"), &err);
		TOK_CHECK(rc == 0, "load bert-bge/: %s", err.msg);
		if (rc == 0) {
			run_file(tok, "bert-bge/ (vocab.txt)", "bert-bge/tests.jsonl");
			run_file(tok, "bert-bge/ (vocab.txt)", "bert-bge/regression.jsonl.xz");
			TOK_CHECK(gk_tokenizer_max_length(tok) == 512, "model_max_length %zu",
			          gk_tokenizer_max_length(tok));
			gk_tokenizer_free(tok);
		}
	}
	for (int k = 0; k < 3; k++) {
		const char *name = names[k];
		if (!wanted(argc, argv, name) && !wanted(argc, argv, "gguf"))
			continue;
		char src[4096], dst[4096], file[256], cmd[8500];
		snprintf(file, sizeof file, "%s/ggml-vocab-%s.gguf.xz", name, name);
		const char *top = getenv("top_builddir");
		snprintf(dst, sizeof dst, "%s/tests/ggml-vocab-%s.gguf", top ? top : ".", name);
		snprintf(cmd, sizeof cmd, "xz -dc '%s' >'%s'", tok_data(src, sizeof src, file), dst);
		TOK_CHECK(system(cmd) == 0, "%s failed", cmd);
		gk_tokenizer *tok = NULL;
		gk_error err = { 0 };
		int rc = gk_tokenizer_load(&tok, dst, &err);
		TOK_CHECK(rc == 0, "load %s: %s", dst, err.msg);
		if (rc == 0) {
			snprintf(file, sizeof file, "%s/tests.jsonl", name);
			run_file(tok, "ggml-vocab .gguf", file);
			snprintf(file, sizeof file, "%s/regression.jsonl.xz", name);
			run_file(tok, "ggml-vocab .gguf", file);
			gk_tokenizer_free(tok);
		}
		remove(dst);
	}
	return tok_summary();
}

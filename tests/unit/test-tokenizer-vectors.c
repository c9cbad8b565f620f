/*
 * test-tokenizer-vectors.c - the post-processor, pairs, truncation, added
 * tokens in the text and decoding, against tests/tokenizer-vectors/
 * vectors.jsonl.xz made by HuggingFace tokenizers (make-vectors.js there).
 * Variant tokenizers are built from a base tokenizer.json exactly as that
 * script builds them (variants.json: replace top-level parts, append added
 * tokens, set model fields).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tok-test.h"
#include "tokenizer.h"

typedef struct loaded {
	char name[64];
	gk_tokenizer *tok;
	int enc_ok, enc_n, dec_ok, dec_n;
} loaded;

static loaded cache[32];
static size_t n_cache;
static json_t *variants;

static json_t *base_json(const char *name)
{
	char path[4096], file[256];
	snprintf(file, sizeof file, "%s/tokenizer.json.xz", name);
	size_t len;
	char *text = tok_slurp(tok_data(path, sizeof path, file), &len);
	if (!text)
		return NULL;
	json_error_t je;
	json_t *j = json_loadb(text, len, 0, &je);
	free(text);
	return j;
}

static loaded *get(const char *name)
{
	for (size_t i = 0; i < n_cache; i++)
		if (strcmp(cache[i].name, name) == 0)
			return &cache[i];
	if (n_cache == sizeof cache / sizeof cache[0])
		return NULL;
	loaded *l = &cache[n_cache++];
	snprintf(l->name, sizeof l->name, "%s", name);
	json_t *v = json_object_get(variants, name);
	json_t *j = base_json(v ? json_string_value(json_object_get(v, "base")) : name);
	TOK_CHECK(j != NULL, "%s: cannot read base tokenizer.json", name);
	if (!j)
		return l;
	if (v) {
		const char *k;
		json_t *x;
		json_object_foreach(json_object_get(v, "set"), k, x)
			json_object_set(j, k, x);
		size_t i;
		json_array_foreach(json_object_get(v, "append_added_tokens"), i, x)
			json_array_append(json_object_get(j, "added_tokens"), x);
		json_object_foreach(json_object_get(v, "model_set"), k, x)
			json_object_set(json_object_get(j, "model"), k, x);
	}
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	gk_error err = { 0 };
	int rc = gk_tokenizer_load_json(&l->tok, s, strlen(s), name, &err);
	free(s);
	TOK_CHECK(rc == 0, "load %s: %s", name, err.msg);
	return l;
}

static bool same_ints(json_t *a, const int32_t *v, size_t n)
{
	if (json_array_size(a) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (json_integer_value(json_array_get(a, i)) != v[i])
			return false;
	return true;
}

static void show(const char *what, json_t *want, const int32_t *got, size_t n)
{
	char *w = json_dumps(want, JSON_COMPACT);
	fprintf(stderr, "  %s want %s\n  %s got  [", what, w ? w : "?", what);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%s%d", i ? "," : "", got[i]);
	fprintf(stderr, "]\n");
	free(w);
}

static void check_encode(loaded *l, json_t *o, int line)
{
	json_t *t = json_object_get(o, "text"), *p = json_object_get(o, "pair");
	gk_encode_options opt = {
		.add_special_tokens = json_is_true(json_object_get(o, "special")),
		.max_tokens = (size_t)json_integer_value(json_object_get(o, "max")),
	};
	gk_encoding enc = { 0 };
	gk_error err = { 0 };
	int rc = gk_tokenizer_encode(l->tok, json_string_value(t), json_string_length(t),
	                             json_is_string(p) ? json_string_value(p) : NULL,
	                             json_string_length(p), &opt, &enc, &err);
	bool ok = rc == 0;
	json_t *ids = json_object_get(o, "ids"), *ty = json_object_get(o, "type_ids"),
	       *sm = json_object_get(o, "special_mask");
	bool ids_ok = ok && same_ints(ids, enc.ids, enc.n);
	bool ty_ok = ok && same_ints(ty, enc.type_ids, enc.n);
	bool sm_ok = ok && json_array_size(sm) == enc.n;
	for (size_t i = 0; sm_ok && i < enc.n; i++)
		sm_ok = json_integer_value(json_array_get(sm, i)) == enc.special[i];
	bool tr_ok = ok && enc.truncated == json_is_true(json_object_get(o, "truncated"));
	l->enc_n++;
	if (ids_ok && ty_ok && sm_ok && tr_ok) {
		l->enc_ok++;
	} else if (l->enc_n - l->enc_ok <= 3) {
		fprintf(stderr, "%s line %d: encode %s%.100s%s%.100s special=%d max=%zu: %s%s%s%s\n",
		        l->name, line, "\"", json_string_value(t), json_is_string(p) ? "\" + \"" : "\"",
		        json_is_string(p) ? json_string_value(p) : "", opt.add_special_tokens,
		        opt.max_tokens, rc ? err.msg : "", ids_ok ? "" : "ids ", ty_ok ? "" : "type_ids ",
		        sm_ok ? (tr_ok ? "" : "truncated") : "special_mask ");
		if (!rc) {
			show("ids", ids, enc.ids, enc.n);
			show("types", ty, enc.type_ids, enc.n);
		}
	}
	gk_encoding_free(&enc);
}

static void check_decode(loaded *l, json_t *o, int line)
{
	json_t *d = json_object_get(o, "decode"), *t = json_object_get(o, "text");
	size_t n = json_array_size(d);
	int32_t *ids = malloc((n + 1) * sizeof *ids);
	for (size_t i = 0; ids && i < n; i++)
		ids[i] = (int32_t)json_integer_value(json_array_get(d, i));
	char *text = NULL;
	size_t len = 0;
	gk_error err = { 0 };
	int rc = ids ? gk_tokenizer_decode(l->tok, ids, n, json_is_true(json_object_get(o, "skip")),
	                                   &text, &len, &err)
	             : GK_ENOMEM;
	bool ok = rc == 0 && len == json_string_length(t) && memcmp(text, json_string_value(t), len) == 0;
	l->dec_n++;
	if (ok)
		l->dec_ok++;
	else if (l->dec_n - l->dec_ok <= 3)
		fprintf(stderr, "%s line %d: decode skip=%d: %s\n  want \"%s\"\n  got  \"%s\"\n", l->name,
		        line, json_is_true(json_object_get(o, "skip")), rc ? err.msg : "",
		        json_string_value(t), text ? text : "");
	free(text);
	free(ids);
}

int main(int argc, char **argv)
{
	char path[4096];
	json_error_t je;
	variants = json_load_file(tok_data(path, sizeof path, "../../tokenizer-vectors/variants.json"), 0, &je);
	TOK_CHECK(variants != NULL, "variants.json: %s", je.text);
	size_t len;
	char *text = tok_slurp(tok_data(path, sizeof path, "../../tokenizer-vectors/vectors.jsonl.xz"), &len);
	TOK_CHECK(text != NULL, "cannot read vectors.jsonl.xz");
	int line = 0;
	for (char *s = text; s && *s;) {
		char *nl = strchr(s, '\n');
		size_t ll = nl ? (size_t)(nl - s) : strlen(s);
		json_t *o = json_loadb(s, ll, 0, &je);
		s += ll + (nl != NULL);
		line++;
		if (!o)
			continue;
		const char *name = json_string_value(json_object_get(o, "tok"));
		bool want = argc < 2;
		for (int i = 1; i < argc; i++)
			want = want || strcmp(argv[i], name) == 0;
		loaded *l = want ? get(name) : NULL;
		if (l && l->tok) {
			if (json_object_get(o, "decode"))
				check_decode(l, o, line);
			else
				check_encode(l, o, line);
		}
		json_decref(o);
	}
	for (size_t i = 0; i < n_cache; i++) {
		loaded *l = &cache[i];
		printf("%-16s encode %4d/%4d  decode %4d/%4d\n", l->name, l->enc_ok, l->enc_n, l->dec_ok,
		       l->dec_n);
		TOK_CHECK(l->tok && l->enc_ok == l->enc_n && l->dec_ok == l->dec_n && l->enc_n > 0,
		          "%s: %d encode and %d decode vectors differ", l->name, l->enc_n - l->enc_ok,
		          l->dec_n - l->dec_ok);
		gk_tokenizer_free(l->tok);
	}
	free(text);
	json_decref(variants);
	return tok_summary();
}

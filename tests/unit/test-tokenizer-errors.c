/*
 * test-tokenizer-errors.c - bad input never crashes the tokenizer: corrupt
 * or unsupported tokenizer.json files give GK_EDATA with a message, every
 * truncation and many random corruptions of a valid file load or fail
 * cleanly, invalid UTF-8 text gives GK_EDATA naming the byte, missing files
 * GK_ENOINPUT.  Also the accessors (token ids, roles, max length) and the
 * small tokenizer's own encode/decode, whose expected ids follow from its
 * tiny vocabulary by hand.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tok-test.h"
#include "tokenizer.h"

/* A tiny valid BPE tokenizer touching most loader paths. */
static const char SMALL[] =
	"{\"version\":\"1.0\",\"added_tokens\":[{\"id\":6,\"content\":\"<s>\",\"single_word\":false,"
	"\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true}],"
	"\"normalizer\":{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFC\"},"
	"{\"type\":\"Replace\",\"pattern\":{\"Regex\":\"\\\\s+\"},\"content\":\" \"}]},"
	"\"pre_tokenizer\":{\"type\":\"Split\",\"pattern\":{\"Regex\":\"\\\\w+\"},"
	"\"behavior\":\"Isolated\",\"invert\":false},"
	"\"post_processor\":{\"type\":\"TemplateProcessing\","
	"\"single\":[{\"SpecialToken\":{\"id\":\"<s>\",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}],"
	"\"pair\":[{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},{\"Sequence\":{\"id\":\"B\",\"type_id\":1}}],"
	"\"special_tokens\":{\"<s>\":{\"id\":\"<s>\",\"ids\":[6],\"tokens\":[\"<s>\"]}}},"
	"\"decoder\":{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"ByteFallback\"},{\"type\":\"Fuse\"}]},"
	"\"model\":{\"type\":\"BPE\",\"unk_token\":\"<unk>\",\"byte_fallback\":true,\"fuse_unk\":true,"
	"\"vocab\":{\"<unk>\":0,\"a\":1,\"b\":2,\"ab\":3,\" \":4,\"<0x7A>\":5},\"merges\":[\"a b\"]}}";

static int load(const char *json, gk_tokenizer **tok, gk_error *err)
{
	*tok = NULL;
	memset(err, 0, sizeof *err);
	return gk_tokenizer_load_json(tok, json, strlen(json), "t.json", err);
}

/* SMALL with the first occurrence of from replaced by to. */
static char *patch(const char *from, const char *to)
{
	const char *p = strstr(SMALL, from);
	if (!p)
		return NULL;
	size_t a = (size_t)(p - SMALL), fl = strlen(from), tl = strlen(to);
	char *s = malloc(sizeof SMALL + tl);
	memcpy(s, SMALL, a);
	memcpy(s + a, to, tl);
	strcpy(s + a + tl, p + fl);
	return s;
}

static void expect_bad(const char *from, const char *to, const char *needle)
{
	char *json = patch(from, to);
	TOK_CHECK(json != NULL, "patch '%s' not found", from);
	if (!json)
		return;
	gk_tokenizer *tok;
	gk_error err;
	int rc = load(json, &tok, &err);
	TOK_CHECK(rc == GK_EDATA && tok == NULL, "'%s' -> '%s': rc %d, want GK_EDATA", from, to, rc);
	TOK_CHECK(rc != GK_EDATA || strstr(err.msg, needle) != NULL,
	          "'%s' -> '%s': message \"%s\" lacks \"%s\"", from, to, err.msg, needle);
	TOK_CHECK(rc != GK_EDATA || strncmp(err.msg, "t.json: ", 8) == 0, "message \"%s\" does not name the file",
	          err.msg);
	gk_tokenizer_free(tok);
	free(json);
}

static void test_corrupt_files(void)
{
	expect_bad("\"model\":{", "\"modelx\":{", "model: missing");
	expect_bad("\"type\":\"BPE\"", "\"type\":\"Unigram\"", "not supported");
	expect_bad("\"merges\":[\"a b\"]", "\"merges\":[\"a c\"]", "merge 1: token 'c' is not in the vocabulary");
	expect_bad("\"merges\":[\"a b\"]", "\"merges\":[\"b a\"]", "merged token 'ba'");
	expect_bad("\"merges\":[\"a b\"]", "\"merges\":[\"ab\"]", "model.merges[0]");
	expect_bad("\"merges\":[\"a b\"]", "\"merges\":[[\"a\"]]", "model.merges[0]");
	expect_bad("\"merges\":[\"a b\"]", "\"merges\":7", "model.merges");
	expect_bad("\"b\":2", "\"b\":-2", "bad id");
	expect_bad("\"b\":2", "\"b\":99999999999", "bad id");
	expect_bad("\"b\":2", "\"b\":\"2\"", "bad id");
	expect_bad("\"b\":2", "\"b\":1", "used twice");
	expect_bad("\"unk_token\":\"<unk>\"", "\"unk_token\":\"<nope>\"", "unknown token");
	expect_bad("\"ids\":[6]", "\"ids\":[77]", "special token id 77");
	expect_bad("\"ids\":[6]", "\"ids\":[-1]", "bad id");
	expect_bad("{\"id\":6,", "{\"id\":-6,", "added_tokens[0]");
	expect_bad("\"content\":\"<s>\"", "\"content\":\"\"", "empty content");
	expect_bad("{\"Regex\":\"\\\\w+\"}", "{\"Regex\":\"(\\\\w+\"}", "regex");
	expect_bad("\"behavior\":\"Isolated\"", "\"behavior\":\"Sideways\"", "behavior");
	expect_bad("{\"type\":\"NFC\"}", "{\"type\":\"Precompiled\"}", "not supported");
	expect_bad("{\"type\":\"NFC\"}", "{\"kind\":\"NFC\"}", "normalizers[0]");
	expect_bad("{\"type\":\"Fuse\"}", "{\"type\":\"CTC\"}", "not supported");
	expect_bad("{\"id\":\"A\",\"type_id\":0}}]", "{\"id\":\"C\",\"type_id\":0}}]", "A or B");
	expect_bad("\"vocab\":{", "\"vocab\":[{", "");
	expect_bad("{\"version\"", "[{\"version\"", "");
	expect_bad("\"byte_fallback\":true", "\"byte_fallback\":1", "byte_fallback");

	/* Every prefix of the file, and byte flips, load or fail: never
	 * crash (the sanitizer build checks memory). */
	size_t n = strlen(SMALL);
	char *buf = malloc(n + 1);
	int failed = 0, loaded = 0;
	for (size_t k = 0; k < n; k++) {
		memcpy(buf, SMALL, k);
		gk_tokenizer *tok = NULL;
		gk_error err = { 0 };
		int rc = gk_tokenizer_load_json(&tok, buf, k, "t.json", &err);
		failed += rc == GK_EDATA;
		gk_tokenizer_free(tok);
	}
	TOK_CHECK(failed == (int)n, "%d of %zu truncated files were refused", failed, n);
	uint32_t rng = 12345;
	for (int k = 0; k < 3000; k++) {
		memcpy(buf, SMALL, n + 1);
		for (int f = 0; f < 1 + k % 3; f++) {
			rng = rng * 1103515245u + 12345u;
			size_t at = (rng >> 8) % n;
			rng = rng * 1103515245u + 12345u;
			buf[at] = (char)(rng >> 16);
		}
		gk_tokenizer *tok = NULL;
		gk_error err = { 0 };
		if (gk_tokenizer_load_json(&tok, buf, n, "t.json", &err) == 0) {
			loaded++;
			gk_encoding enc = { 0 };
			gk_tokenizer_encode(tok, "ab <s>ba z", 10, "a", 1, NULL, &enc, &err);
			gk_encoding_free(&enc);
		} else {
			TOK_CHECK(err.msg[0] != '\0', "corrupt file refused without a message");
		}
		gk_tokenizer_free(tok);
	}
	printf("corrupted files: %d of 3000 still loaded\n", loaded);
	free(buf);
}

static void expect_ids(const gk_tokenizer *tok, const char *text, const char *pair, bool special,
                       const int32_t *want, size_t n)
{
	gk_encoding enc = { 0 };
	gk_encode_options opt = { .add_special_tokens = special };
	gk_error err = { 0 };
	int rc = gk_tokenizer_encode(tok, text, strlen(text), pair, pair ? strlen(pair) : 0, &opt, &enc, &err);
	bool same = rc == 0 && enc.n == n && (n == 0 || memcmp(enc.ids, want, n * sizeof *want) == 0);
	TOK_CHECK(same, "encode \"%s\": rc %d (%s), %zu ids", text, rc, err.msg, enc.n);
	gk_encoding_free(&enc);
}

static void test_small(void)
{
	gk_tokenizer *tok;
	gk_error err;
	int rc = load(SMALL, &tok, &err);
	TOK_CHECK(rc == 0, "SMALL: %s", err.msg);
	if (rc)
		return;
	/* "ab" merges; "z" falls back to <0x7A>; "c" and "d" are unknown and
	 * fused into one <unk>; runs of whitespace become one space; "<s>"
	 * is the added token 6. */
	expect_ids(tok, "ab", NULL, false, (const int32_t[]){ 3 }, 1);
	expect_ids(tok, "ab", NULL, true, (const int32_t[]){ 6, 3 }, 2);
	expect_ids(tok, "ba  \t z", NULL, false, (const int32_t[]){ 2, 1, 4, 5 }, 4);
	expect_ids(tok, "cd<s>ab", NULL, false, (const int32_t[]){ 0, 6, 3 }, 3);
	expect_ids(tok, "a", "b", true, (const int32_t[]){ 1, 2 }, 2);
	expect_ids(tok, "", NULL, true, (const int32_t[]){ 6 }, 1);

	/* Invalid UTF-8: a stray continuation byte, an overlong form, a
	 * surrogate, a sequence cut short, a code point past U+10FFFF. */
	static const char *const bad[] = { "ab\x80", "a\xc0\xafz", "\xed\xa0\x80", "ab\xe2\x82", "\xf4\x90\x80\x80" };
	static const size_t at[] = { 2, 1, 0, 2, 0 };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		gk_encoding enc = { 0 };
		gk_error e = { 0 };
		rc = gk_tokenizer_encode(tok, bad[i], strlen(bad[i]), NULL, 0, NULL, &enc, &e);
		char want[64];
		snprintf(want, sizeof want, "byte %zu", at[i]);
		TOK_CHECK(rc == GK_EDATA && strstr(e.msg, want), "invalid UTF-8 %zu: rc %d \"%s\"", i, rc, e.msg);
		rc = gk_tokenizer_encode(tok, "ok", 2, bad[i], strlen(bad[i]), NULL, &enc, &e);
		TOK_CHECK(rc == GK_EDATA && strstr(e.msg, "pair"), "invalid UTF-8 pair %zu: rc %d \"%s\"", i, rc, e.msg);
		gk_encoding_free(&enc);
	}

	/* Too small a limit for the special tokens is the caller's error. */
	gk_encoding enc = { 0 };
	gk_encode_options opt = { .add_special_tokens = true, .max_tokens = 0 };
	opt.max_tokens = 1;
	rc = gk_tokenizer_encode(tok, "ab", 2, NULL, 0, &opt, &enc, &err);
	TOK_CHECK(rc == 0 && enc.n == 1 && enc.ids[0] == 6 && enc.truncated, "max 1: rc %d n %zu", rc, enc.n);
	gk_encoding_free(&enc);

	/* Decoding: byte fallback, skip_special, a bad id. */
	char *text = NULL;
	size_t len = 0;
	rc = gk_tokenizer_decode(tok, (const int32_t[]){ 6, 3, 4, 5 }, 4, true, &text, &len, &err);
	TOK_CHECK(rc == 0 && len == 4 && strcmp(text, "ab z") == 0, "decode: rc %d \"%s\"", rc, text ? text : "");
	free(text);
	rc = gk_tokenizer_decode(tok, (const int32_t[]){ 6, 1 }, 2, false, &text, &len, &err);
	TOK_CHECK(rc == 0 && strcmp(text, "<s>a") == 0, "decode special: \"%s\"", text ? text : "");
	free(text);
	rc = gk_tokenizer_decode(tok, (const int32_t[]){ 1, 7 }, 2, false, &text, &len, &err);
	TOK_CHECK(rc == GK_EDATA && text == NULL && strstr(err.msg, "7"), "decode bad id: rc %d", rc);
	rc = gk_tokenizer_decode(tok, (const int32_t[]){ -1 }, 1, false, &text, &len, &err);
	TOK_CHECK(rc == GK_EDATA, "decode -1: rc %d", rc);

	TOK_CHECK(gk_tokenizer_vocab_size(tok) == 7, "vocab size %zu", gk_tokenizer_vocab_size(tok));
	TOK_CHECK(gk_tokenizer_token_id(tok, "ab") == 3 && gk_tokenizer_token_id(tok, "<s>") == 6 &&
	          gk_tokenizer_token_id(tok, "zz") == -1, "token_id");
	TOK_CHECK(gk_tokenizer_token(tok, 5) && strcmp(gk_tokenizer_token(tok, 5), "<0x7A>") == 0 &&
	          gk_tokenizer_token(tok, 7) == NULL && gk_tokenizer_token(tok, -3) == NULL, "token");
	TOK_CHECK(gk_tokenizer_is_special(tok, 6) && !gk_tokenizer_is_special(tok, 3), "is_special");
	TOK_CHECK(gk_tokenizer_num_special(tok, false) == 1 && gk_tokenizer_num_special(tok, true) == 0,
	          "num_special");
	TOK_CHECK(gk_tokenizer_special_id(tok, GK_TOKEN_ROLE_UNK) == 0 &&
	          gk_tokenizer_special_id(tok, GK_TOKEN_ROLE_BOS) == -1, "roles without a config");
	gk_tokenizer_free(tok);
	gk_tokenizer_free(NULL);
	gk_encoding_free(NULL);
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static void test_files(void)
{
	gk_tokenizer *tok = NULL;
	gk_error err = { 0 };
	int rc = gk_tokenizer_load(&tok, "no/such/dir", &err);
	TOK_CHECK(rc == GK_ENOINPUT && tok == NULL && strstr(err.msg, "no/such/dir"), "missing: rc %d", rc);

	char dir[] = "tok-test-XXXXXX", path[128];
	TOK_CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	rc = gk_tokenizer_load(&tok, dir, &err);
	TOK_CHECK(rc == GK_ENOINPUT && strstr(err.msg, "no tokenizer.json or vocab.txt"), "empty dir: rc %d %s",
	          rc, err.msg);

	/* A directory with tokenizer.json and a config naming roles. */
	snprintf(path, sizeof path, "%s/tokenizer.json", dir);
	write_file(path, SMALL);
	snprintf(path, sizeof path, "%s/tokenizer_config.json", dir);
	write_file(path, "{\"model_max_length\": 128, \"bos_token\": {\"content\": \"<s>\"}, \"eos_token\": \"<s>\","
	                 " \"unk_token\": \"<unk>\", \"pad_token\": null}");
	rc = gk_tokenizer_load(&tok, dir, &err);
	TOK_CHECK(rc == 0, "dir with tokenizer.json: %s", err.msg);
	if (!rc) {
		TOK_CHECK(gk_tokenizer_max_length(tok) == 128, "max length %zu", gk_tokenizer_max_length(tok));
		TOK_CHECK(gk_tokenizer_special_id(tok, GK_TOKEN_ROLE_BOS) == 6 &&
		          gk_tokenizer_special_id(tok, GK_TOKEN_ROLE_EOS) == 6 &&
		          gk_tokenizer_special_id(tok, GK_TOKEN_ROLE_UNK) == 0 &&
		          gk_tokenizer_special_id(tok, GK_TOKEN_ROLE_PAD) == -1, "roles from the config");
		gk_tokenizer_free(tok);
	}
	/* The tokenizer.json path itself finds the config beside it. */
	snprintf(path, sizeof path, "%s/tokenizer.json", dir);
	rc = gk_tokenizer_load(&tok, path, &err);
	TOK_CHECK(rc == 0 && gk_tokenizer_max_length(tok) == 128, "file path: rc %d", rc);
	gk_tokenizer_free(tok);

	/* A malformed config is an error naming it. */
	snprintf(path, sizeof path, "%s/tokenizer_config.json", dir);
	write_file(path, "{\"model_max_length\": ");
	rc = gk_tokenizer_load(&tok, dir, &err);
	TOK_CHECK(rc == GK_EDATA && strstr(err.msg, "tokenizer_config.json"), "bad config: rc %d %s", rc, err.msg);

	/* vocab.txt: BERT defaults; do_lower_case false keeps case. */
	snprintf(path, sizeof path, "%s/tokenizer.json", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/vocab.txt", dir);
	write_file(path, "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\nHello\n##s\n!\n");
	snprintf(path, sizeof path, "%s/tokenizer_config.json", dir);
	write_file(path, "{\"do_lower_case\": false}");
	rc = gk_tokenizer_load(&tok, dir, &err);
	TOK_CHECK(rc == 0, "vocab.txt: %s", err.msg);
	if (!rc) {
		expect_ids(tok, "Hellos hello!", NULL, true, (const int32_t[]){ 2, 5, 6, 4, 7, 3 }, 6);
		expect_ids(tok, "HELLO [SEP]", "x", true, (const int32_t[]){ 2, 1, 3, 3, 1, 3 }, 6);
		TOK_CHECK(gk_tokenizer_special_id(tok, GK_TOKEN_ROLE_CLS) == 2 &&
		          gk_tokenizer_special_id(tok, GK_TOKEN_ROLE_MASK) == -1, "BERT roles");
		gk_tokenizer_free(tok);
	}
	write_file(path, "{}");
	snprintf(path, sizeof path, "%s/vocab.txt", dir);
	write_file(path, "[PAD]\n[CLS]\n[SEP]\nhello\n");
	rc = gk_tokenizer_load(&tok, dir, &err);
	TOK_CHECK(rc == GK_EDATA && strstr(err.msg, "[UNK]"), "vocab.txt without [UNK]: rc %d %s", rc, err.msg);
	write_file(path, "[UNK]\n[CLS]\n[SEP]\nhello\nhello\n");
	rc = gk_tokenizer_load(&tok, dir, &err);
	TOK_CHECK(rc == GK_EDATA && strstr(err.msg, "line 5"), "duplicate line: rc %d %s", rc, err.msg);
	write_file(path, "[UNK]\n\xff\n");
	rc = gk_tokenizer_load(&tok, dir, &err);
	TOK_CHECK(rc == GK_EDATA && strstr(err.msg, "UTF-8"), "bad UTF-8 vocab: rc %d %s", rc, err.msg);

	unlink(path);
	snprintf(path, sizeof path, "%s/tokenizer_config.json", dir);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	test_corrupt_files();
	test_small();
	test_files();
	return tok_summary();
}

/*
 * tok_load.c - finding and reading a model's tokenizer files: a directory
 * or a tokenizer.json path, a bare BERT vocab.txt with BERT's defaults, and
 * tokenizer_config.json for the maximum length, lowercasing and the roles
 * of special tokens.  The parsing of tokenizer.json itself is tok_json.c.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "gguf.h"
#include "gguf_tok.h"
#include "tok_internal.h"

/* Files larger than this are refused rather than read into memory. */
#define MAX_FILE ((size_t)1 << 31)

static int read_file(const char *path, char **out, size_t *len, gk_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return gk_error_set(err, errno == ENOENT ? GK_ENOINPUT : GK_EIO, "%s: %s", path,
		                    strerror(errno));
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > MAX_FILE) {
		fclose(f);
		return gk_error_set(err, GK_EDATA, "%s: not a regular file of at most %zu bytes", path,
		                    MAX_FILE);
	}
	size_t n = (size_t)st.st_size;
	char *p = malloc(n + 1);
	if (!p) {
		fclose(f);
		return gk_error_nomem(err);
	}
	size_t got = fread(p, 1, n, f);
	int bad = ferror(f) || got != n;
	fclose(f);
	if (bad) {
		free(p);
		return gk_error_set(err, GK_EIO, "%s: read error", path);
	}
	p[n] = '\0';
	*out = p;
	*len = n;
	return 0;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static char *join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = malloc(a + b + 2);
	if (!p)
		return NULL;
	memcpy(p, dir, a);
	p[a] = '/';
	memcpy(p + a + 1, name, b + 1);
	return p;
}

/* The text of a token field of tokenizer_config.json: "x" or
 * {"content": "x"}; NULL when absent. */
static const char *token_field(json_t *cfg, const char *key)
{
	json_t *x = json_object_get(cfg, key);
	if (json_is_object(x))
		x = json_object_get(x, "content");
	return json_is_string(x) ? json_string_value(x) : NULL;
}

static void set_roles(gk_tokenizer *tok, json_t *cfg)
{
	static const char *const keys[GK_TOKEN_ROLE_COUNT] = {
		"bos_token", "eos_token", "unk_token", "pad_token", "cls_token", "sep_token", "mask_token",
	};
	static const char *const bert[GK_TOKEN_ROLE_COUNT] = {
		NULL, NULL, "[UNK]", "[PAD]", "[CLS]", "[SEP]", "[MASK]",
	};
	for (int r = 0; r < GK_TOKEN_ROLE_COUNT; r++) {
		const char *name = cfg ? token_field(cfg, keys[r]) : NULL;
		if (!name && tok->model == GK_TOK_MODEL_WORDPIECE)
			name = bert[r];
		tok->role[r] = name ? gk_tokenizer_token_id(tok, name) : -1;
	}
	if (tok->role[GK_TOKEN_ROLE_UNK] < 0)
		tok->role[GK_TOKEN_ROLE_UNK] = tok->unk_id;
	json_t *m = cfg ? json_object_get(cfg, "model_max_length") : NULL;
	/* transformers writes 1e30 for "no limit". */
	if (json_is_number(m) && json_number_value(m) >= 1 && json_number_value(m) <= 1e9)
		tok->max_length = (size_t)json_number_value(m);
}

/* tokenizer_config.json, or NULL (a malformed one is an error). */
static int load_config(const char *dir, json_t **cfg, gk_error *err)
{
	*cfg = NULL;
	char *path = join(dir, "tokenizer_config.json");
	if (!path)
		return gk_error_nomem(err);
	int rc = 0;
	if (exists(path)) {
		json_error_t je;
		*cfg = json_load_file(path, 0, &je);
		if (!*cfg || !json_is_object(*cfg)) {
			rc = gk_error_set(err, GK_EDATA, "%s: line %d: %s", path, je.line,
			                  *cfg ? "expected an object" : je.text);
			json_decref(*cfg);
			*cfg = NULL;
		}
	}
	free(path);
	return rc;
}

static int add_special(gk_tokenizer *tok, const char *name, gk_error *err)
{
	int32_t id = gk_tok_strmap_get(&tok->vocab, name, strlen(name));
	if (id < 0)
		return 0;
	gk_tok_added a = { .id = id, .special = true };
	return gk_tok_add_added(tok, name, strlen(name), &a, err);
}

/* A BERT vocab.txt: one token a line, id = line number. */
static int load_vocab_txt(gk_tokenizer *tok, const char *path, json_t *cfg, gk_error *err)
{
	char *text;
	size_t len;
	int rc = read_file(path, &text, &len, err);
	if (rc)
		return rc;
	size_t ok = gk_tok_utf8_valid(text, len);
	if (ok < len) {
		free(text);
		return gk_error_set(err, GK_EDATA, "%s: not valid UTF-8 at byte %zu", path, ok);
	}
	size_t line = 0;
	for (size_t i = 0; i < len && !rc; line++) {
		const char *e = memchr(text + i, '\n', len - i);
		size_t end = e ? (size_t)(e - text) : len, n = end - i;
		/* HF trims trailing whitespace (a CRLF file's \r). */
		while (n && (text[i + n - 1] == '\r' || text[i + n - 1] == ' ' || text[i + n - 1] == '\t'))
			n--;
		if (line >= GK_TOK_MAX_ID)
			rc = gk_error_set(err, GK_EDATA, "too many lines");
		else
			rc = gk_tok_add_token(tok, text + i, n, (int32_t)line, err);
		if (rc)
			rc = gk_error_prefix(err, "%s: line %zu", path, line + 1);
		i = end + 1;
	}
	free(text);
	if (rc)
		return rc;

	gk_tok_normalizer nz = { .type = GK_TOK_NORM_BERT, .clean_text = true, .chinese = true,
		                 .lowercase = true };
	json_t *x;
	if (json_is_boolean(x = json_object_get(cfg, "do_lower_case")))
		nz.lowercase = json_is_true(x);
	nz.strip_accents = nz.lowercase;
	if (json_is_boolean(x = json_object_get(cfg, "strip_accents")))
		nz.strip_accents = json_is_true(x);
	if (json_is_boolean(x = json_object_get(cfg, "tokenize_chinese_chars")))
		nz.chinese = json_is_true(x);
	gk_tok_pretok pre = { .type = GK_TOK_PRE_BERT };
	gk_tok_decoder dec = { .type = GK_TOK_DEC_WORDPIECE, .cleanup = true, .a_len = 2 };
	const char *unk = token_field(cfg, "unk_token"), *cls = token_field(cfg, "cls_token"),
	           *sep = token_field(cfg, "sep_token"), *pad = token_field(cfg, "pad_token"),
	           *mask = token_field(cfg, "mask_token");
	unk = unk ? unk : "[UNK]";
	cls = cls ? cls : "[CLS]";
	sep = sep ? sep : "[SEP]";
	pad = pad ? pad : "[PAD]";
	mask = mask ? mask : "[MASK]";
	tok->model = GK_TOK_MODEL_WORDPIECE;
	if ((rc = gk_tok_set_unk(tok, unk, err)))
		return gk_error_prefix(err, "%s", path);
	if (!(tok->cont_prefix = strdup("##")) || !(dec.a = strdup("##")))
		return gk_error_nomem(err);
	/* The push functions own what they are given, also on failure. */
	if ((rc = gk_tok_push_dec(tok, &dec, err)) || (rc = gk_tok_push_norm(tok, &nz, err)) ||
	    (rc = gk_tok_push_pre(tok, &pre, err)))
		return rc;
	/* The special tokens BertTokenizerFast declares, in id order. */
	const char *specials[] = { pad, unk, cls, sep, mask };
	for (int i = 0; i < 5; i++)
		if ((rc = add_special(tok, specials[i], err)))
			return rc;
	int32_t icls = gk_tok_strmap_get(&tok->vocab, cls, strlen(cls));
	int32_t isep = gk_tok_strmap_get(&tok->vocab, sep, strlen(sep));
	if (icls < 0 || isep < 0)
		return gk_error_set(err, GK_EDATA, "%s: no '%s' or '%s' token for the BERT template", path,
		                    cls, sep);
	return gk_tok_set_bert_post(tok, icls, isep, false, err);
}

static int finish_load(gk_tokenizer *tok, const char *name, json_t *cfg, gk_error *err)
{
	int rc = gk_tok_finish(tok, err);
	if (rc)
		return gk_error_prefix(err, "%s", name);
	set_roles(tok, cfg);
	return 0;
}

int gk_tokenizer_load_json(gk_tokenizer **out, const char *json, size_t len, const char *name,
                           gk_error *err)
{
	*out = NULL;
	gk_tokenizer *tok = gk_tok_new();
	if (!tok)
		return gk_error_nomem(err);
	int rc = gk_tok_load_json_into(tok, json, len, err);
	if (rc)
		rc = gk_error_prefix(err, "%s", name);
	else
		rc = finish_load(tok, name, NULL, err);
	if (rc) {
		gk_tokenizer_free(tok);
		return rc;
	}
	*out = tok;
	return 0;
}

int gk_tokenizer_load(gk_tokenizer **out, const char *path, gk_error *err)
{
	*out = NULL;
	struct stat st;
	if (stat(path, &st) != 0)
		return gk_error_set(err, errno == ENOENT ? GK_ENOINPUT : GK_EIO, "%s: %s", path,
		                    strerror(errno));
	char *dir, *file = NULL;
	bool is_dir = S_ISDIR(st.st_mode);
	if (!is_dir && gk_gguf_is_path(path)) /* a GGUF model file holds its tokenizer */
		return gk_tokenizer_load_gguf(out, path, err);
	if (is_dir) {
		dir = strdup(path);
	} else {
		const char *slash = strrchr(path, '/');
		dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
		file = strdup(path);
	}
	if (!dir || (!is_dir && !file)) {
		free(dir);
		free(file);
		return gk_error_nomem(err);
	}
	json_t *cfg = NULL;
	gk_tokenizer *tok = NULL;
	int rc = load_config(dir, &cfg, err);
	if (rc)
		goto out;
	bool vocab_txt = false;
	if (is_dir) {
		file = join(dir, "tokenizer.json");
		if (file && !exists(file)) {
			free(file);
			file = join(dir, "vocab.txt");
			vocab_txt = true;
			if (file && !exists(file)) {
				rc = gk_error_set(err, GK_ENOINPUT, "%s: no tokenizer.json or vocab.txt", path);
				goto out;
			}
		}
		if (!file) {
			rc = gk_error_nomem(err);
			goto out;
		}
	} else {
		size_t n = strlen(file);
		vocab_txt = n >= 4 && strcmp(file + n - 4, ".txt") == 0;
	}
	if (!(tok = gk_tok_new())) {
		rc = gk_error_nomem(err);
		goto out;
	}
	if (vocab_txt) {
		rc = load_vocab_txt(tok, file, cfg, err);
	} else {
		char *text;
		size_t len;
		rc = read_file(file, &text, &len, err);
		if (!rc) {
			rc = gk_tok_load_json_into(tok, text, len, err);
			free(text);
			if (rc)
				rc = gk_error_prefix(err, "%s", file);
		}
	}
	if (!rc)
		rc = finish_load(tok, file, cfg, err);
out:
	json_decref(cfg);
	free(dir);
	free(file);
	if (rc) {
		gk_tokenizer_free(tok);
		return rc;
	}
	*out = tok;
	return 0;
}

/*
 * gguf_tok.c - a tokenizer from the tokenizer.ggml.* metadata of a GGUF
 * file, built with the JSON-independent builder (tok_internal.h) so that
 * it gives the ids HuggingFace tokenizers gives for the model's
 * tokenizer.json.
 *
 * tokenizer.ggml.model picks the kind:
 *   "bert"  WordPiece.  llama.cpp stores the vocabulary in "phantom space"
 *           form (convert_hf_to_gguf's BertModel.set_vocab): a word-initial
 *           piece w as "\u2581w", a continuation "##w" as "w", "[X]" as is.
 *           We undo that and rebuild BERT's uncased pipeline.
 *   "gpt2"  byte-level BPE with tokenizer.ggml.merges; the pre-tokenizer
 *           regex is chosen by tokenizer.ggml.pre (as llama.cpp does).
 *   "llama" SentencePiece BPE with tokenizer.ggml.scores and byte fallback.
 *           GGUF has no merges, so they are derived from the scores the
 *           way transformers' SentencePieceExtractor does: every split of
 *           a normal piece into two pieces of the vocabulary is a merge,
 *           ranked by the merged piece's score (highest first), ties by
 *           id.  The normalizer is Prepend("\u2581") (unless
 *           tokenizer.ggml.add_space_prefix is false) and Replace(" ",
 *           "\u2581").
 * Control tokens (token_type 3) and the unknown token become special added
 * tokens; user-defined ones (4) plain added tokens.  The post-processor
 * adds [CLS]/[SEP] (bert) or BOS/EOS as tokenizer.ggml.add_bos_token /
 * add_eos_token say (default: BOS for "llama" only).
 *
 * Not here: Unigram (T5) and RWKV vocabularies, which gk does not
 * tokenize; they are errors that say so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gguf.h"
#include "gguf_tok.h"
#include "tok_internal.h"

enum { TT_NORMAL = 1, TT_UNKNOWN = 2, TT_CONTROL = 3, TT_USER = 4, TT_UNUSED = 5, TT_BYTE = 6 };

static const char SPACE_MARK[] = "\xe2\x96\x81"; /* U+2581, SentencePiece's space */

/* Pre-tokenizer regexes by tokenizer.ggml.pre (llama.cpp's llama-vocab.cpp
 * keeps the same table; the originals are in each model's tokenizer.json). */
static const char GPT2_RE[] =
	"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
static const char LLAMA3_RE[] =
	"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+"
	"[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
static const char QWEN2_RE[] =
	"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+"
	"[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

static const struct {
	const char *pre;
	const char *re;   /* NULL: ByteLevel's own GPT-2 regex */
	bool ignore_merges;
} bpe_pres[] = {
	{"default", NULL, false}, {"gpt-2", NULL, false}, {"gpt2", NULL, false},
	{"llama-bpe", LLAMA3_RE, true}, {"llama3", LLAMA3_RE, true}, {"smaug-bpe", LLAMA3_RE, true},
	{"qwen2", QWEN2_RE, false}, {"qwen3", QWEN2_RE, false}, {"deepseek-r1-qwen", QWEN2_RE, false},
};

static int fail(gk_error *err, const char *file, const char *what)
{
	return gk_error_set(err, GK_EDATA, "%s: %s", file, what);
}

/* Token types, or NULL when absent (all normal). */
static int token_type(const gk_gguf_kv *types, uint64_t i)
{
	return types ? (int)gk_gguf_arr_int(types, i) : TT_NORMAL;
}

static int add_vocab(gk_tokenizer *tok, const gk_gguf_kv *tokens, const gk_gguf_kv *types,
	bool phantom, const char *file, gk_error *err)
{
	char *buf = NULL;
	size_t cap = 0;
	int rc = 0;
	for (uint64_t i = 0; i < tokens->n && !rc; i++) {
		size_t len;
		const char *s = gk_gguf_arr_str(tokens, i, &len);
		if (gk_tok_utf8_valid(s, len) < len)
			return gk_error_set(err, GK_EDATA, "%s: token %llu is not valid UTF-8", file,
				(unsigned long long)i);
		if (phantom && token_type(types, i) != TT_CONTROL &&
		    !(len >= 2 && s[0] == '[' && s[len - 1] == ']')) {
			/* Undo the phantom space: "\u2581w" -> "w", "w" -> "##w". */
			if (len >= 3 && memcmp(s, SPACE_MARK, 3) == 0) {
				s += 3;
				len -= 3;
			} else {
				if (len + 2 > cap) {
					char *p = realloc(buf, cap = len + 64);
					if (!p) {
						free(buf);
						return gk_error_nomem(err);
					}
					buf = p;
				}
				memcpy(buf, "##", 2);
				memcpy(buf + 2, s, len);
				s = buf;
				len += 2;
			}
		}
		rc = gk_tok_add_token(tok, s, len, (int32_t)i, err);
		if (rc)
			rc = gk_error_prefix(err, "%s: tokenizer.ggml.tokens[%llu]", file,
				(unsigned long long)i);
	}
	free(buf);
	return rc;
}

/* Control, unknown and user-defined tokens as added tokens (HF's added_tokens). */
static int add_added(gk_tokenizer *tok, const gk_gguf_kv *tokens, const gk_gguf_kv *types,
	gk_error *err)
{
	if (!types)
		return 0;
	int rc = 0;
	for (uint64_t i = 0; i < tokens->n && !rc; i++) {
		int t = token_type(types, i);
		if (t != TT_CONTROL && t != TT_UNKNOWN && t != TT_USER)
			continue;
		size_t len;
		const char *s = gk_gguf_arr_str(tokens, i, &len);
		gk_tok_added a = {.id = (int32_t)i, .special = t != TT_USER};
		rc = gk_tok_add_added(tok, s, len, &a, err);
	}
	return rc;
}

static int add_merges(gk_tokenizer *tok, const gk_gguf_kv *merges, const char *file,
	gk_error *err)
{
	for (uint64_t i = 0; i < merges->n; i++) {
		size_t len;
		const char *s = gk_gguf_arr_str(merges, i, &len);
		const char *sp = memchr(s, ' ', len);
		int rc = sp ? gk_tok_add_merge(tok, s, (size_t)(sp - s), sp + 1,
			len - (size_t)(sp - s) - 1, err) : GK_EDATA;
		if (!sp)
			gk_error_set(err, GK_EDATA, "no space between the two tokens");
		if (rc)
			return gk_error_prefix(err, "%s: tokenizer.ggml.merges[%llu]", file,
				(unsigned long long)i);
	}
	return 0;
}

/* One candidate merge derived from SentencePiece scores. */
struct spm_merge {
	float score;     /* of the merged piece */
	int32_t id, l, r; /* merged piece, left and right pieces */
	uint32_t split;  /* byte offset of the split in the merged piece */
};

static int cmp_spm(const void *a, const void *b)
{
	const struct spm_merge *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->l != y->l)
		return x->l < y->l ? -1 : 1;
	return (x->r > y->r) - (x->r < y->r);
}

static size_t utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

static int spm_merges(gk_tokenizer *tok, const gk_gguf_kv *tokens, const gk_gguf_kv *types,
	const gk_gguf_kv *scores, gk_error *err)
{
	struct spm_merge *m = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	for (uint64_t i = 0; i < tokens->n; i++) {
		if (token_type(types, i) != TT_NORMAL)
			continue;
		size_t len;
		const char *s = gk_gguf_arr_str(tokens, i, &len);
		for (size_t k = utf8_len((unsigned char)s[0]); k < len; k += utf8_len((unsigned char)s[k])) {
			int32_t l = gk_tok_strmap_get(&tok->vocab, s, k);
			int32_t r = gk_tok_strmap_get(&tok->vocab, s + k, len - k);
			if (l < 0 || r < 0)
				continue;
			if (n == cap) {
				struct spm_merge *p = realloc(m, (cap = cap ? 2 * cap : 4096) * sizeof *p);
				if (!p) {
					free(m);
					return gk_error_nomem(err);
				}
				m = p;
			}
			m[n++] = (struct spm_merge){gk_gguf_arr_f32(scores, i), (int32_t)i, l, r,
				(uint32_t)k};
		}
	}
	if (n)
		qsort(m, n, sizeof *m, cmp_spm);
	for (size_t j = 0; j < n && !rc; j++) {
		size_t len;
		const char *s = gk_gguf_arr_str(tokens, (uint64_t)m[j].id, &len);
		rc = gk_tok_add_merge(tok, s, m[j].split, s + m[j].split, len - m[j].split, err);
	}
	free(m);
	return rc;
}

/* A decoder stage with string a (and b). */
static int push_dec(gk_tokenizer *tok, gk_tok_dec_type type, const char *a, const char *b,
	gk_error *err)
{
	gk_tok_decoder d = {.type = type};
	if ((a && !(d.a = strdup(a))) || (b && !(d.b = strdup(b)))) {
		free(d.a);
		return gk_error_nomem(err);
	}
	d.a_len = a ? strlen(a) : 0;
	d.b_len = b ? strlen(b) : 0;
	return gk_tok_push_dec(tok, &d, err);
}

static int setup_bert(gk_tokenizer *tok, const char *file, gk_error *err)
{
	gk_tok_normalizer nz = {.type = GK_TOK_NORM_BERT, .clean_text = true, .chinese = true,
		.lowercase = true, .strip_accents = true};
	gk_tok_pretok pre = {.type = GK_TOK_PRE_BERT};
	int rc;
	tok->model = GK_TOK_MODEL_WORDPIECE;
	if (!(tok->cont_prefix = strdup("##")))
		return gk_error_nomem(err);
	if ((rc = gk_tok_push_norm(tok, &nz, err)) || (rc = gk_tok_push_pre(tok, &pre, err)))
		return rc;
	gk_tok_decoder d = {.type = GK_TOK_DEC_WORDPIECE, .cleanup = true, .a_len = 2};
	if (!(d.a = strdup("##")))
		return gk_error_nomem(err);
	return gk_tok_push_dec(tok, &d, err);
}

static int setup_gpt2(gk_tokenizer *tok, const char *pre, size_t pre_len, const char *file,
	gk_error *err)
{
	size_t k, n = sizeof bpe_pres / sizeof *bpe_pres;
	for (k = 0; k < n; k++)
		if (strlen(bpe_pres[k].pre) == pre_len && memcmp(bpe_pres[k].pre, pre, pre_len) == 0)
			break;
	if (k == n)
		return gk_error_set(err, GK_EDATA,
			"%s: tokenizer.ggml.pre \"%.*s\" is not supported (gk knows default, gpt-2, "
			"llama-bpe, qwen2)", file, (int)pre_len, pre);
	int rc;
	tok->model = GK_TOK_MODEL_BPE;
	tok->ignore_merges = bpe_pres[k].ignore_merges;
	if (bpe_pres[k].re) {
		gk_tok_pretok sp = {.type = GK_TOK_PRE_SPLIT, .behavior = GK_TOK_SPLIT_ISOLATED};
		if ((rc = gk_tok_pattern_init(&sp.pattern, bpe_pres[k].re, strlen(bpe_pres[k].re),
			true, err)) || (rc = gk_tok_push_pre(tok, &sp, err)))
			return rc;
	}
	gk_tok_pretok bl = {.type = GK_TOK_PRE_BYTELEVEL, .use_regex = !bpe_pres[k].re};
	if (bl.use_regex &&
	    (rc = gk_tok_pattern_init(&bl.pattern, GPT2_RE, strlen(GPT2_RE), true, err)))
		return rc;
	if ((rc = gk_tok_push_pre(tok, &bl, err)))
		return rc;
	return push_dec(tok, GK_TOK_DEC_BYTELEVEL, NULL, NULL, err);
}

static int setup_spm(gk_tokenizer *tok, bool space_prefix, gk_error *err)
{
	int rc;
	tok->model = GK_TOK_MODEL_BPE;
	tok->byte_fallback = tok->fuse_unk = true;
	if (space_prefix) {
		gk_tok_normalizer p = {.type = GK_TOK_NORM_PREPEND, .content_len = 3};
		if (!(p.content = strdup(SPACE_MARK)))
			return gk_error_nomem(err);
		if ((rc = gk_tok_push_norm(tok, &p, err)))
			return rc;
	}
	gk_tok_normalizer r = {.type = GK_TOK_NORM_REPLACE, .content_len = 3};
	if (!(r.content = strdup(SPACE_MARK)))
		return gk_error_nomem(err);
	if ((rc = gk_tok_pattern_init(&r.pattern, " ", 1, false, err))) {
		free(r.content);
		return rc;
	}
	if ((rc = gk_tok_push_norm(tok, &r, err)) ||
	    (rc = push_dec(tok, GK_TOK_DEC_REPLACE, SPACE_MARK, " ", err)) ||
	    (rc = push_dec(tok, GK_TOK_DEC_BYTEFALLBACK, NULL, NULL, err)) ||
	    (rc = push_dec(tok, GK_TOK_DEC_FUSE, NULL, NULL, err)))
		return rc;
	if (!space_prefix)
		return 0;
	gk_tok_decoder d = {.type = GK_TOK_DEC_STRIP, .start = 1, .a_len = 1};
	if (!(d.a = strdup(" ")))
		return gk_error_nomem(err);
	return gk_tok_push_dec(tok, &d, err);
}

/* A special token id from tokenizer.ggml.<name>_token_id, -1 when absent
 * or outside the vocabulary (llama.cpp writes 0xffffffff for "none"). */
static int32_t special_id(const gk_gguf *g, const char *name, uint64_t n_vocab, gk_error *err)
{
	char key[64];
	int64_t v;
	snprintf(key, sizeof key, "tokenizer.ggml.%s_token_id", name);
	if (gk_gguf_get_i64(g, key, &v, err) != 0 || v < 0 || (uint64_t)v >= n_vocab)
		return -1;
	return (int32_t)v;
}

static bool get_flag(const gk_gguf *g, const char *key, bool dflt)
{
	bool v;
	return gk_gguf_get_bool(g, key, &v, NULL) == 0 ? v : dflt;
}

static int set_post(gk_tokenizer *tok, const gk_gguf *g, bool bert, bool spm, gk_error *err)
{
	if (bert) {
		int32_t cls = tok->role[GK_TOKEN_ROLE_CLS], sep = tok->role[GK_TOKEN_ROLE_SEP];
		if (cls < 0 || sep < 0)
			return gk_error_set(err, GK_EDATA, "%s: no cls or separator token id for the "
				"BERT template", gk_gguf_name(g));
		return gk_tok_set_bert_post(tok, cls, sep, false, err);
	}
	int32_t bos = tok->role[GK_TOKEN_ROLE_BOS], eos = tok->role[GK_TOKEN_ROLE_EOS];
	bool add_bos = get_flag(g, "tokenizer.ggml.add_bos_token", spm) && bos >= 0;
	bool add_eos = get_flag(g, "tokenizer.ggml.add_eos_token", false) && eos >= 0;
	if (!add_bos && !add_eos)
		return 0;
	int rc = 0;
	tok->has_post = true;
	for (int pair = 0; pair < 2 && !rc; pair++) {
		gk_tok_template *t = pair ? &tok->pair : &tok->single;
		for (int s = 0; s <= pair && !rc; s++) {
			if (add_bos)
				rc = gk_tok_template_add(t, -1, s, &bos, 1, err);
			if (!rc)
				rc = gk_tok_template_add(t, s, s, NULL, 0, err);
			if (!rc && add_eos)
				rc = gk_tok_template_add(t, -1, s, &eos, 1, err);
		}
	}
	return rc;
}

/* Fill tok (fresh from gk_tok_new) from g's metadata and finish it. */
int gk_tok_load_gguf_into(gk_tokenizer *tok, const gk_gguf *g, gk_error *err)
{
	const char *file = gk_gguf_name(g), *model, *pre = "default";
	size_t model_len, pre_len = 7;
	const gk_gguf_kv *tokens, *types = NULL, *scores = NULL, *merges = NULL;
	int rc;
	if ((rc = gk_gguf_get_str(g, "tokenizer.ggml.model", &model, &model_len, err)) != 0)
		return rc < 0 ? rc : fail(err, file, "no tokenizer.ggml.model: the file has no tokenizer");
	if ((rc = gk_gguf_get_arr(g, "tokenizer.ggml.tokens", GK_GGUF_STRING, &tokens, err)) != 0)
		return rc < 0 ? rc : fail(err, file, "no tokenizer.ggml.tokens");
	if (tokens->n == 0 || tokens->n > GK_TOK_MAX_ID)
		return fail(err, file, "tokenizer.ggml.tokens is empty or too long");
	if ((rc = gk_gguf_get_arr(g, "tokenizer.ggml.token_type", GK_GGUF_I32, &types, err)) < 0 ||
	    (rc = gk_gguf_get_arr(g, "tokenizer.ggml.scores", GK_GGUF_F32, &scores, err)) < 0 ||
	    (rc = gk_gguf_get_arr(g, "tokenizer.ggml.merges", GK_GGUF_STRING, &merges, err)) < 0 ||
	    (rc = gk_gguf_get_str(g, "tokenizer.ggml.pre", &pre, &pre_len, err)) < 0)
		return rc;
	if ((types && types->n != tokens->n) || (scores && scores->n != tokens->n))
		return fail(err, file, "tokenizer.ggml.token_type or scores differ in length from "
			"tokenizer.ggml.tokens");
#define IS(s) (model_len == strlen(s) && memcmp(model, s, model_len) == 0)
	bool bert = IS("bert"), gpt2 = IS("gpt2"), spm = IS("llama");
#undef IS
	if (!bert && !gpt2 && !spm)
		return gk_error_set(err, GK_EDATA, "%s: tokenizer.ggml.model \"%.*s\" is not supported "
			"(gk reads bert, gpt2 and llama)", file, (int)model_len, model);
	if (spm && !scores)
		return fail(err, file, "a \"llama\" tokenizer without tokenizer.ggml.scores");
	if (gpt2 && !merges)
		return fail(err, file, "a \"gpt2\" tokenizer without tokenizer.ggml.merges");
	if ((rc = add_vocab(tok, tokens, types, bert, file, err)) < 0)
		return rc;
	if (bert)
		rc = setup_bert(tok, file, err);
	else if (gpt2)
		rc = setup_gpt2(tok, pre, pre_len, file, err);
	else
		rc = setup_spm(tok, get_flag(g, "tokenizer.ggml.add_space_prefix", true), err);
	if (rc < 0)
		return rc;
	if (merges && !spm)
		rc = add_merges(tok, merges, file, err);
	else if (spm)
		rc = spm_merges(tok, tokens, types, scores, err);
	if (rc < 0 || (rc = add_added(tok, tokens, types, err)) < 0)
		return rc;

	static const char *const roles[GK_TOKEN_ROLE_COUNT] = {
		"bos", "eos", "unknown", "padding", "cls", "seperator", "mask",
	};
	for (int r = 0; r < GK_TOKEN_ROLE_COUNT; r++)
		tok->role[r] = special_id(g, roles[r], tokens->n, err);
	if (tok->role[GK_TOKEN_ROLE_SEP] < 0) /* the key's misspelling was fixed in some files */
		tok->role[GK_TOKEN_ROLE_SEP] = special_id(g, "separator", tokens->n, err);
	int32_t unk = tok->role[GK_TOKEN_ROLE_UNK];
	if (unk >= 0) {
		size_t len;
		const char *s = gk_gguf_arr_str(tokens, (uint64_t)unk, &len);
		char *u = strndup(s, len);
		if (!u)
			return gk_error_nomem(err);
		rc = gk_tok_set_unk(tok, u, err);
		free(u);
		if (rc < 0 && bert) /* phantom form: the id still names the token */
			tok->unk_id = unk, rc = 0;
		if (rc < 0)
			return gk_error_prefix(err, "%s", file);
	} else if (bert) {
		return fail(err, file, "a WordPiece vocabulary without tokenizer.ggml.unknown_token_id");
	}
	if ((rc = set_post(tok, g, bert, spm, err)) < 0)
		return rc;
	if ((rc = gk_tok_finish(tok, err)) < 0)
		return gk_error_prefix(err, "%s", file);
	return 0;
}

int gk_tokenizer_load_gguf(gk_tokenizer **out, const char *path, gk_error *err)
{
	gk_gguf *g;
	*out = NULL;
	int rc = gk_gguf_open(&g, path, err);
	if (rc < 0)
		return rc;
	gk_tokenizer *tok = gk_tok_new();
	if (!tok) {
		gk_gguf_free(g);
		return gk_error_nomem(err);
	}
	rc = gk_tok_load_gguf_into(tok, g, err);
	gk_gguf_free(g);
	if (rc < 0) {
		gk_tokenizer_free(tok);
		return rc;
	}
	*out = tok;
	return 0;
}

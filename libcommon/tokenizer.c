/*
 * tokenizer.c - encode and decode, the public face of the tokenizer (see
 * tokenizer.h).  Encoding follows HF's TokenizerImpl::encode: added tokens
 * are split out of the raw text, the rest is normalized, added tokens
 * marked "normalized" are split out of that, the pieces are pre-tokenized
 * into words and each word goes through the model; then truncation and the
 * post-processor.  All mutable state lives in a per-call scratch, so a
 * loaded tokenizer is shared read-only between threads.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "tok_internal.h"

typedef struct enc_ctx {
	const gk_tokenizer *tok;
	gk_tok_scratch *s;
	gk_tok_ids *ids;
	gk_tok_buf norm;
	size_t raw_off;
	gk_error *err;
} enc_ctx;

static int norm_piece(void *vctx, const char *p, size_t len, size_t off, int32_t id)
{
	enc_ctx *c = vctx;
	if (id >= 0)
		return gk_tok_ids_push(c->ids, id) ? gk_error_nomem(c->err) : 0;
	int rc = gk_tok_pretokenize(c->tok, c->s, p, len, c->raw_off == 0 && off == 0, c->err);
	if (rc)
		return rc;
	gk_tok_list *w = &c->s->words;
	for (size_t i = 0; i < w->n; i++) {
		if (c->tok->model == GK_TOK_MODEL_WORDPIECE)
			rc = gk_tok_wordpiece(c->tok, c->s, gk_tok_list_str(w, i), w->len[i], c->ids);
		else
			rc = gk_tok_bpe(c->tok, c->s, gk_tok_list_str(w, i), w->len[i], c->ids);
		if (rc)
			return gk_error_nomem(c->err);
	}
	return 0;
}

static int raw_piece(void *vctx, const char *p, size_t len, size_t off, int32_t id)
{
	enc_ctx *c = vctx;
	if (id >= 0)
		return gk_tok_ids_push(c->ids, id) ? gk_error_nomem(c->err) : 0;
	int rc = gk_tok_normalize(c->tok, c->s, p, len, &c->norm, c->err);
	if (rc)
		return rc;
	c->raw_off = off;
	if (c->tok->trie_norm.n_nodes == 0)
		return norm_piece(c, c->norm.p, c->norm.n, 0, -1);
	return gk_tok_added_split(c->tok, &c->tok->trie_norm, c->norm.p, c->norm.n, norm_piece, c);
}

static int encode_one(const gk_tokenizer *tok, gk_tok_scratch *s, const char *text, size_t len,
                      gk_tok_ids *ids, gk_error *err)
{
	enc_ctx c = { tok, s, ids, { 0 }, 0, err };
	int rc;
	if (tok->trie_raw.n_nodes == 0)
		rc = raw_piece(&c, text, len, 0, -1);
	else
		rc = gk_tok_added_split(tok, &tok->trie_raw, text, len, raw_piece, &c);
	gk_tok_buf_free(&c.norm);
	return rc;
}

static int check_utf8(const char *text, size_t len, const char *what, gk_error *err)
{
	size_t ok = gk_tok_utf8_valid(text, len);
	if (ok < len)
		return gk_error_set(err, GK_EDATA, "%s is not valid UTF-8 (byte %zu: 0x%02x)", what, ok,
		                    (unsigned char)text[ok]);
	return 0;
}

int gk_tokenizer_encode(const gk_tokenizer *tok, const char *text, size_t len, const char *pair,
                        size_t pair_len, const gk_encode_options *opt, gk_encoding *out,
                        gk_error *err)
{
	static const gk_encode_options defaults = { true, 0 };
	int rc;
	if (!opt)
		opt = &defaults;
	if (!text)
		len = 0;
	if ((rc = check_utf8(text, len, "text", err)) ||
	    (pair && (rc = check_utf8(pair, pair_len, "pair text", err))))
		return rc;
	gk_tok_scratch s = { 0 };
	gk_tok_ids a = { 0 }, b = { 0 };
	rc = encode_one(tok, &s, text, len, &a, err);
	if (!rc && pair)
		rc = encode_one(tok, &s, pair, pair_len, &b, err);
	if (!rc)
		rc = gk_tok_post_process(tok, &a, pair ? &b : NULL, opt, out, err);
	gk_tok_scratch_free(&s);
	free(a.v);
	free(b.v);
	return rc;
}

const char *gk_tokenizer_token(const gk_tokenizer *tok, int32_t id)
{
	if (id < 0 || (size_t)id >= tok->n_ids || tok->id_len[id] == UINT32_MAX)
		return NULL;
	uint8_t where = tok->id_from_added[id];
	const char *arena = where == 2 ? tok->added_norm.arena
	                    : where == 1 ? tok->added_map.arena
	                                 : tok->vocab.arena;
	return arena + tok->id_off[id];
}

int gk_tokenizer_decode(const gk_tokenizer *tok, const int32_t *ids, size_t n, bool skip_special,
                        char **text, size_t *len, gk_error *err)
{
	gk_tok_list toks = { 0 };
	gk_tok_buf out = { 0 };
	int rc = 0;
	*text = NULL;
	for (size_t i = 0; i < n && !rc; i++) {
		const char *t = gk_tokenizer_token(tok, ids[i]);
		if (!t) {
			rc = gk_error_set(err, GK_EDATA, "token id %ld (at %zu) is not in the vocabulary",
			                  (long)ids[i], i);
			break;
		}
		if (skip_special && tok->id_special[ids[i]])
			continue;
		if (gk_tok_list_push(&toks, t, tok->id_len[ids[i]], 0))
			rc = gk_error_nomem(err);
	}
	if (!rc) {
		if (tok->has_decoder) {
			rc = gk_tok_decode_tokens(tok, &toks, &out, err);
		} else {
			/* HF joins tokens with spaces when there is no decoder. */
			for (size_t i = 0; i < toks.n && !rc; i++)
				if ((i && gk_tok_buf_putc(&out, ' ')) ||
				    gk_tok_buf_put(&out, gk_tok_list_str(&toks, i), toks.len[i]))
					rc = gk_error_nomem(err);
		}
	}
	if (!rc && gk_tok_buf_reserve(&out, 1))
		rc = gk_error_nomem(err);
	gk_tok_list_free(&toks);
	if (rc) {
		gk_tok_buf_free(&out);
		return rc;
	}
	out.p[out.n] = '\0';
	*text = out.p;
	if (len)
		*len = out.n;
	return 0;
}

size_t gk_tokenizer_vocab_size(const gk_tokenizer *tok)
{
	return tok->n_ids;
}

int32_t gk_tokenizer_token_id(const gk_tokenizer *tok, const char *token)
{
	size_t len = strlen(token);
	int32_t k = gk_tok_strmap_get(&tok->added_map, token, len);
	if (k >= 0)
		return tok->added[k].id;
	return gk_tok_strmap_get(&tok->vocab, token, len);
}

bool gk_tokenizer_is_special(const gk_tokenizer *tok, int32_t id)
{
	return id >= 0 && (size_t)id < tok->n_ids && tok->id_special[id];
}

size_t gk_tokenizer_max_length(const gk_tokenizer *tok)
{
	return tok->max_length;
}

int32_t gk_tokenizer_special_id(const gk_tokenizer *tok, gk_token_role role)
{
	if ((int)role < 0 || role >= GK_TOKEN_ROLE_COUNT)
		return -1;
	return tok->role[role];
}

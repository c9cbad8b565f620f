/*
 * tok_build.c - the builder behind every tokenizer loader, and freeing.
 * Loaders (tokenizer.json, vocab.txt, later GGUF) call these in any order,
 * then gk_tok_finish, which checks that the parts agree and builds the
 * lookup tables.  Nothing here knows about file formats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "tok_internal.h"

int gk_tok_ids_push(gk_tok_ids *ids, int32_t id)
{
	if (ids->n == ids->cap) {
		size_t cap = ids->cap ? ids->cap * 2 : 64;
		int32_t *v = realloc(ids->v, cap * sizeof *v);
		if (!v)
			return GK_ENOMEM;
		ids->v = v;
		ids->cap = cap;
	}
	ids->v[ids->n++] = id;
	return 0;
}

gk_tokenizer *gk_tok_new(void)
{
	gk_tokenizer *tok = calloc(1, sizeof *tok);
	if (!tok)
		return NULL;
	tok->unk_id = -1;
	tok->max_input_chars = 100;
	for (int i = 0; i < 256; i++)
		tok->byte_ids[i] = -1;
	for (int i = 0; i < GK_TOKEN_ROLE_COUNT; i++)
		tok->role[i] = -1;
	return tok;
}

/* Make room for ids up to id. */
static int ids_reserve(gk_tokenizer *tok, int32_t id, gk_error *err)
{
	if (id < 0 || id >= GK_TOK_MAX_ID)
		return gk_error_set(err, GK_EDATA, "token id %ld is out of range [0, %d)", (long)id,
		                    GK_TOK_MAX_ID);
	size_t need = (size_t)id + 1;
	if (need <= tok->n_ids)
		return 0;
	size_t cap = tok->n_ids ? tok->n_ids : 1024;
	while (cap < need)
		cap *= 2;
	uint32_t *o = realloc(tok->id_off, cap * sizeof *o);
	if (!o)
		return gk_error_nomem(err);
	tok->id_off = o;
	uint32_t *l = realloc(tok->id_len, cap * sizeof *l);
	if (!l)
		return gk_error_nomem(err);
	tok->id_len = l;
	uint8_t *a = realloc(tok->id_from_added, cap);
	if (!a)
		return gk_error_nomem(err);
	tok->id_from_added = a;
	uint8_t *sp = realloc(tok->id_special, cap);
	if (!sp)
		return gk_error_nomem(err);
	tok->id_special = sp;
	for (size_t i = tok->n_ids; i < cap; i++) {
		tok->id_off[i] = 0;
		tok->id_len[i] = UINT32_MAX;
		tok->id_from_added[i] = 0;
		tok->id_special[i] = 0;
	}
	tok->n_ids = cap;
	return 0;
}

int gk_tok_add_token(gk_tokenizer *tok, const char *s, size_t len, int32_t id, gk_error *err)
{
	int rc = ids_reserve(tok, id, err);
	if (rc)
		return gk_error_prefix(err, "token '%.*s'", (int)(len > 80 ? 80 : len), s);
	if (tok->id_len[id] != UINT32_MAX && !tok->id_from_added[id])
		return gk_error_set(err, GK_EDATA, "token id %ld is used twice", (long)id);
	uint32_t off;
	rc = gk_tok_strmap_put(&tok->vocab, s, len, id, &off);
	if (rc < 0)
		return gk_error_nomem(err);
	if (rc == 1)
		return gk_error_set(err, GK_EDATA, "token '%.*s' appears twice in the vocabulary",
		                    (int)(len > 80 ? 80 : len), s);
	if (tok->id_len[id] == UINT32_MAX) {
		tok->id_off[id] = off;
		tok->id_len[id] = (uint32_t)len;
	}
	return 0;
}

int gk_tok_add_merge(gk_tokenizer *tok, const char *a, size_t alen, const char *b, size_t blen,
                     gk_error *err)
{
	size_t rank = tok->n_merges;
	int32_t ia = gk_tok_strmap_get(&tok->vocab, a, alen);
	int32_t ib = gk_tok_strmap_get(&tok->vocab, b, blen);
	if (ia < 0 || ib < 0) {
		const char *m = ia < 0 ? a : b;
		size_t ml = ia < 0 ? alen : blen;
		return gk_error_set(err, GK_EDATA, "merge %zu: token '%.*s' is not in the vocabulary",
		                    rank + 1, (int)(ml > 80 ? 80 : ml), m);
	}
	gk_tok_buf t = { 0 };
	if (gk_tok_buf_put(&t, a, alen) || gk_tok_buf_put(&t, b, blen)) {
		gk_tok_buf_free(&t);
		return gk_error_nomem(err);
	}
	int32_t ic = gk_tok_strmap_get(&tok->vocab, t.p, t.n);
	gk_tok_buf_free(&t);
	if (ic < 0)
		return gk_error_set(err, GK_EDATA,
		                    "merge %zu: the merged token '%.*s%.*s' is not in the vocabulary",
		                    rank + 1, (int)(alen > 80 ? 80 : alen), a, (int)(blen > 80 ? 80 : blen), b);
	if (rank >= UINT32_MAX)
		return gk_error_set(err, GK_EDATA, "too many merges");
	uint64_t key = ((uint64_t)(uint32_t)ia << 32) | (uint32_t)ib;
	if (gk_tok_u64map_put(&tok->merges, key, ((uint64_t)rank << 32) | (uint32_t)ic))
		return gk_error_nomem(err);
	tok->n_merges++;
	return 0;
}

int gk_tok_add_added(gk_tokenizer *tok, const char *s, size_t len, const gk_tok_added *a,
                     gk_error *err)
{
	int rc = ids_reserve(tok, a->id, err);
	if (rc)
		return gk_error_prefix(err, "added token '%.*s'", (int)(len > 80 ? 80 : len), s);
	if (len == 0)
		return gk_error_set(err, GK_EDATA, "added token %ld has empty content", (long)a->id);
	if (tok->n_added == tok->cap_added) {
		size_t cap = tok->cap_added ? tok->cap_added * 2 : 16;
		gk_tok_added *p = realloc(tok->added, cap * sizeof *p);
		if (!p)
			return gk_error_nomem(err);
		tok->added = p;
		tok->cap_added = cap;
	}
	uint32_t off;
	rc = gk_tok_strmap_put(&tok->added_map, s, len, (int32_t)tok->n_added, &off);
	if (rc < 0)
		return gk_error_nomem(err);
	if (rc == 1)
		return 0; /* HF ignores a second token with the same content */
	tok->added[tok->n_added] = *a;
	tok->added[tok->n_added].off = off;
	tok->added[tok->n_added].len = (uint32_t)len;
	tok->n_added++;
	/* The added token's text wins for id -> text, as in HF. */
	tok->id_off[a->id] = off;
	tok->id_len[a->id] = (uint32_t)len;
	tok->id_from_added[a->id] = 1;
	tok->id_special[a->id] = a->special;
	return 0;
}

static void norm_free(gk_tok_normalizer *n)
{
	gk_tok_pattern_free(&n->pattern);
	free(n->content);
}

static void pre_free(gk_tok_pretok *p)
{
	gk_tok_pattern_free(&p->pattern);
}

static void dec_free(gk_tok_decoder *d)
{
	free(d->a);
	free(d->b);
}

#define PUSH_STAGE(arr, count, item, freefn)                                    \
	do {                                                                    \
		void *p_ = realloc(arr, (count + 1) * sizeof *arr);              \
		if (!p_) {                                                      \
			freefn(item);                                           \
			return gk_error_nomem(err);                             \
		}                                                               \
		arr = p_;                                                       \
		arr[count++] = *item;                                           \
		return 0;                                                       \
	} while (0)

int gk_tok_push_norm(gk_tokenizer *tok, gk_tok_normalizer *n, gk_error *err)
{
	PUSH_STAGE(tok->norm, tok->n_norm, n, norm_free);
}

int gk_tok_push_pre(gk_tokenizer *tok, gk_tok_pretok *p, gk_error *err)
{
	PUSH_STAGE(tok->pre, tok->n_pre, p, pre_free);
}

int gk_tok_push_dec(gk_tokenizer *tok, gk_tok_decoder *d, gk_error *err)
{
	tok->has_decoder = true;
	PUSH_STAGE(tok->dec, tok->n_dec, d, dec_free);
}

int gk_tok_set_unk(gk_tokenizer *tok, const char *s, gk_error *err)
{
	int32_t id = gk_tok_strmap_get(&tok->vocab, s, strlen(s));
	if (id < 0)
		return gk_error_set(err, GK_EDATA, "the unknown token '%.80s' is not in the vocabulary", s);
	tok->unk_id = id;
	return 0;
}

static int check_template(const gk_tokenizer *tok, const gk_tok_template *t, gk_error *err)
{
	for (size_t i = 0; i < t->n; i++)
		for (size_t k = 0; t->p[i].seq < 0 && k < t->p[i].n_ids; k++) {
			int32_t id = t->p[i].ids[k];
			if (id < 0 || (size_t)id >= tok->n_ids || tok->id_len[id] == UINT32_MAX)
				return gk_error_set(err, GK_EDATA,
				                    "post-processor: special token id %ld is not in the vocabulary",
				                    (long)id);
		}
	return 0;
}

int gk_tok_finish(gk_tokenizer *tok, gk_error *err)
{
	int rc;
	if (tok->vocab.n == 0)
		return gk_error_set(err, GK_EDATA, "the model has an empty vocabulary");
	if (tok->model == GK_TOK_MODEL_WORDPIECE && tok->unk_id < 0)
		return gk_error_set(err, GK_EDATA, "the WordPiece model has no unknown token");
	if (tok->model == GK_TOK_MODEL_BPE && tok->byte_fallback) {
		for (int b = 0; b < 256; b++) {
			char name[8];
			snprintf(name, sizeof name, "<0x%02X>", b);
			tok->byte_ids[b] = gk_tok_strmap_get(&tok->vocab, name, 6);
		}
	}
	if ((rc = check_template(tok, &tok->single, err)) || (rc = check_template(tok, &tok->pair, err)))
		return rc;
	/* Normalized added tokens are matched in normalized text, so their
	 * text is normalized too (as HF's refresh_added_tokens does). */
	gk_tok_scratch s = { 0 };
	gk_tok_buf nb = { 0 };
	for (size_t i = 0; i < tok->n_added; i++) {
		const gk_tok_added *a = &tok->added[i];
		const char *txt = tok->added_map.arena + a->off;
		size_t len = a->len;
		if (!a->normalized) {
			rc = gk_tok_trie_add(&tok->trie_raw, txt, len, (int32_t)i);
		} else {
			rc = gk_tok_normalize(tok, &s, txt, len, &nb, err);
			if (!rc)
				rc = gk_tok_trie_add(&tok->trie_norm, nb.p, nb.n, (int32_t)i);
			uint32_t off;
			if (!rc && nb.n && (rc = gk_tok_strmap_put(&tok->added_norm, nb.p, nb.n, (int32_t)i, &off)) >= 0) {
				tok->id_off[a->id] = off;
				tok->id_len[a->id] = (uint32_t)nb.n;
				tok->id_from_added[a->id] = 2;
				rc = 0;
			}
		}
		if (rc)
			break;
	}
	gk_tok_buf_free(&nb);
	gk_tok_scratch_free(&s);
	if (rc)
		return rc == GK_ENOMEM ? gk_error_nomem(err) : rc;
	/* Shrink the id table to the largest id in use. */
	size_t n = tok->n_ids;
	while (n > 0 && tok->id_len[n - 1] == UINT32_MAX)
		n--;
	tok->n_ids = n;
	return 0;
}

int gk_tok_template_add(gk_tok_template *t, int seq, int32_t type_id, const int32_t *ids,
                        size_t n, gk_error *err)
{
	gk_tok_piece *p = realloc(t->p, (t->n + 1) * sizeof *p);
	if (!p)
		return gk_error_nomem(err);
	t->p = p;
	p = &t->p[t->n];
	memset(p, 0, sizeof *p);
	p->seq = seq;
	p->type_id = type_id;
	if (n) {
		if (!(p->ids = malloc(n * sizeof *p->ids)))
			return gk_error_nomem(err);
		memcpy(p->ids, ids, n * sizeof *ids);
		p->n_ids = n;
	}
	t->n++;
	return 0;
}

int gk_tok_set_bert_post(gk_tokenizer *tok, int32_t cls, int32_t sep, bool roberta, gk_error *err)
{
	/* Bert: [CLS] A [SEP] / [CLS] A [SEP] B:1 [SEP]:1.
	 * Roberta: <s> A </s> / <s> A </s> </s> B </s>, all type 0. */
	int32_t tb = roberta ? 0 : 1;
	int rc;
	tok->has_post = true;
	if ((rc = gk_tok_template_add(&tok->single, -1, 0, &cls, 1, err)) ||
	    (rc = gk_tok_template_add(&tok->single, 0, 0, NULL, 0, err)) ||
	    (rc = gk_tok_template_add(&tok->single, -1, 0, &sep, 1, err)) ||
	    (rc = gk_tok_template_add(&tok->pair, -1, 0, &cls, 1, err)) ||
	    (rc = gk_tok_template_add(&tok->pair, 0, 0, NULL, 0, err)) ||
	    (rc = gk_tok_template_add(&tok->pair, -1, 0, &sep, 1, err)) ||
	    (roberta && (rc = gk_tok_template_add(&tok->pair, -1, 0, &sep, 1, err))) ||
	    (rc = gk_tok_template_add(&tok->pair, 1, tb, NULL, 0, err)) ||
	    (rc = gk_tok_template_add(&tok->pair, -1, tb, &sep, 1, err)))
		return rc;
	return 0;
}

void gk_tok_template_free(gk_tok_template *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->p[i].ids);
	free(t->p);
	memset(t, 0, sizeof *t);
}

void gk_tok_scratch_free(gk_tok_scratch *s)
{
	gk_tok_buf_free(&s->a);
	gk_tok_buf_free(&s->b);
	gk_tok_buf_free(&s->c);
	gk_tok_list_free(&s->words);
	gk_tok_list_free(&s->next);
	gk_tok_list_free(&s->m);
	free(s->seg);
	pcre2_match_data_free(s->md);
	pcre2_match_context_free(s->mctx);
	pcre2_jit_stack_free(s->jit);
	free(s->sym);
	free(s->heap);
	memset(s, 0, sizeof *s);
}

void gk_tokenizer_free(gk_tokenizer *tok)
{
	if (!tok)
		return;
	gk_tok_strmap_free(&tok->vocab);
	gk_tok_strmap_free(&tok->added_map);
	gk_tok_strmap_free(&tok->added_norm);
	free(tok->id_off);
	free(tok->id_len);
	free(tok->id_from_added);
	free(tok->id_special);
	free(tok->cont_prefix);
	free(tok->eow_suffix);
	gk_tok_u64map_free(&tok->merges);
	free(tok->added);
	gk_tok_trie_free(&tok->trie_raw);
	gk_tok_trie_free(&tok->trie_norm);
	for (size_t i = 0; i < tok->n_norm; i++)
		norm_free(&tok->norm[i]);
	free(tok->norm);
	for (size_t i = 0; i < tok->n_pre; i++)
		pre_free(&tok->pre[i]);
	free(tok->pre);
	for (size_t i = 0; i < tok->n_dec; i++)
		dec_free(&tok->dec[i]);
	free(tok->dec);
	gk_tok_template_free(&tok->single);
	gk_tok_template_free(&tok->pair);
	free(tok);
}

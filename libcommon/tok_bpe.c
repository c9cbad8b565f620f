/*
 * tok_bpe.c - the BPE model as HF's BPE::merge_word and Word::merge_all do
 * it: the word starts as one symbol per character (with byte fallback to
 * <0xNN> tokens, or [UNK], fused when fuse_unk), then the pair of lowest
 * merge rank (leftmost on ties) is merged until none is left.  A binary
 * min-heap holds candidate merges; stale entries are skipped when popped.
 * Dropout is ignored (inference only).
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "tok_internal.h"

typedef struct sym {
	int32_t id;
	int32_t prev, next; /* -1 at the ends */
	uint32_t len;       /* bytes of the word it covers; 0 once merged away */
} sym;

typedef struct merge {
	uint32_t rank;
	uint32_t pos;
	int32_t new_id;
} merge;

static inline bool merge_less(const merge *a, const merge *b)
{
	return a->rank < b->rank || (a->rank == b->rank && a->pos < b->pos);
}

static int heap_push(gk_tok_scratch *s, size_t *n, merge m)
{
	if (*n == s->heap_cap) {
		size_t cap = s->heap_cap ? s->heap_cap * 2 : 64;
		merge *h = realloc(s->heap, cap * sizeof *h);
		if (!h)
			return GK_ENOMEM;
		s->heap = h;
		s->heap_cap = cap;
	}
	merge *h = s->heap;
	size_t i = (*n)++;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!merge_less(&m, &h[p]))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = m;
	return 0;
}

static merge heap_pop(gk_tok_scratch *s, size_t *n)
{
	merge *h = s->heap;
	merge top = h[0];
	merge last = h[--(*n)];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= *n)
			break;
		if (c + 1 < *n && merge_less(&h[c + 1], &h[c]))
			c++;
		if (!merge_less(&h[c], &last))
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n)
		h[i] = last;
	return top;
}

static inline bool find_merge(const gk_tokenizer *tok, int32_t a, int32_t b, uint32_t *rank,
                              int32_t *new_id)
{
	uint64_t v;
	if (!gk_tok_u64map_get(&tok->merges, ((uint64_t)(uint32_t)a << 32) | (uint32_t)b, &v))
		return false;
	*rank = (uint32_t)(v >> 32);
	*new_id = (int32_t)(uint32_t)v;
	return true;
}

static int sym_push(gk_tok_scratch *s, size_t *n, int32_t id, size_t len)
{
	if (*n == s->sym_cap) {
		size_t cap = s->sym_cap ? s->sym_cap * 2 : 64;
		sym *p = realloc(s->sym, cap * sizeof *p);
		if (!p)
			return GK_ENOMEM;
		s->sym = p;
		s->sym_cap = cap;
	}
	sym *y = s->sym;
	y[*n] = (sym){ id, (int32_t)*n - 1, (int32_t)*n + 1, (uint32_t)len };
	(*n)++;
	return 0;
}

int gk_tok_bpe(const gk_tokenizer *tok, gk_tok_scratch *s, const char *w, size_t len,
               gk_tok_ids *ids)
{
	if (len == 0)
		return 0;
	if (len > INT32_MAX / 2)
		return GK_ENOMEM;
	if (tok->ignore_merges) {
		int32_t id = gk_tok_strmap_get(&tok->vocab, w, len);
		if (id >= 0)
			return gk_tok_ids_push(ids, id);
	}
	const char *pre = tok->cont_prefix, *suf = tok->eow_suffix;
	size_t nsym = 0;
	int32_t unk = -1;
	size_t unk_len = 0;
	gk_tok_buf *key = &s->c;
	for (size_t i = 0, n; i < len; i += n) {
		n = gk_tok_utf8_len((unsigned char)w[i]);
		const char *k = w + i;
		size_t kl = n;
		bool first = i == 0, last = i + n == len;
		if ((pre && !first) || (suf && last)) {
			key->n = 0;
			if ((pre && !first && gk_tok_buf_put(key, pre, strlen(pre))) || gk_tok_buf_put(key, k, kl) ||
			    (suf && last && gk_tok_buf_put(key, suf, strlen(suf))))
				return GK_ENOMEM;
			k = key->p;
			kl = key->n;
		}
		int32_t id = gk_tok_strmap_get(&tok->vocab, k, kl);
		if (id >= 0) {
			if (unk >= 0 && sym_push(s, &nsym, unk, unk_len))
				return GK_ENOMEM;
			unk = -1;
			if (sym_push(s, &nsym, id, n))
				return GK_ENOMEM;
			continue;
		}
		if (tok->byte_fallback) {
			/* HF keeps a pending [UNK] waiting here (it is added
			 * after the bytes); so do we. */
			bool all = true;
			for (size_t j = 0; j < kl; j++)
				all = all && tok->byte_ids[(unsigned char)k[j]] >= 0;
			if (all) {
				for (size_t j = 0; j < kl; j++)
					if (sym_push(s, &nsym, tok->byte_ids[(unsigned char)k[j]], 1))
						return GK_ENOMEM;
				continue;
			}
		}
		if (tok->unk_id >= 0) {
			if (unk >= 0 && tok->fuse_unk) {
				unk_len += n;
			} else {
				if (unk >= 0 && sym_push(s, &nsym, unk, unk_len))
					return GK_ENOMEM;
				unk = tok->unk_id;
				unk_len = n;
			}
		}
	}
	if (unk >= 0 && sym_push(s, &nsym, unk, unk_len))
		return GK_ENOMEM;
	if (nsym == 0)
		return 0;
	sym *y = s->sym;
	y[nsym - 1].next = -1;

	size_t nheap = 0;
	for (size_t i = 0; i + 1 < nsym; i++) {
		uint32_t rank;
		int32_t nid;
		if (find_merge(tok, y[i].id, y[i + 1].id, &rank, &nid) &&
		    heap_push(s, &nheap, (merge){ rank, (uint32_t)i, nid }))
			return GK_ENOMEM;
	}
	while (nheap) {
		merge top = heap_pop(s, &nheap);
		y = s->sym;
		sym *cur = &y[top.pos];
		if (cur->len == 0 || cur->next < 0)
			continue;
		sym *right = &y[cur->next];
		uint32_t rank;
		int32_t nid;
		if (!find_merge(tok, cur->id, right->id, &rank, &nid) || nid != top.new_id)
			continue;
		cur->id = top.new_id;
		cur->len += right->len;
		cur->next = right->next;
		right->len = 0;
		if (cur->next >= 0)
			y[cur->next].prev = (int32_t)top.pos;
		if (cur->prev >= 0 && find_merge(tok, y[cur->prev].id, cur->id, &rank, &nid) &&
		    heap_push(s, &nheap, (merge){ rank, (uint32_t)cur->prev, nid }))
			return GK_ENOMEM;
		y = s->sym;
		cur = &y[top.pos];
		if (cur->next >= 0 && find_merge(tok, cur->id, y[cur->next].id, &rank, &nid) &&
		    heap_push(s, &nheap, (merge){ rank, top.pos, nid }))
			return GK_ENOMEM;
	}
	y = s->sym;
	for (size_t i = 0; i < nsym; i++)
		if (y[i].len && gk_tok_ids_push(ids, y[i].id))
			return GK_ENOMEM;
	return 0;
}

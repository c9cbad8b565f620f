/*
 * tok_added.c - added tokens ([CLS], <|endoftext|>, <start_of_turn>, ...)
 * found in the text before the model sees it, as HF's AddedVocabulary:
 * leftmost-longest, non-overlapping matches, with the single_word, lstrip
 * and rstrip flags.  A byte trie keyed through a hash map does the
 * matching; it is built once at load time and only read afterwards.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "tok_internal.h"

static int trie_node(gk_tok_trie *t, int32_t *out)
{
	if (t->n_nodes == t->cap_nodes) {
		size_t cap = t->cap_nodes ? t->cap_nodes * 2 : 64;
		int32_t *l = realloc(t->leaf, cap * sizeof *l);
		if (!l)
			return GK_ENOMEM;
		t->leaf = l;
		t->cap_nodes = cap;
	}
	if (t->n_nodes >= INT32_MAX / 512)
		return GK_ENOMEM;
	t->leaf[t->n_nodes] = -1;
	*out = (int32_t)t->n_nodes++;
	return 0;
}

int gk_tok_trie_add(gk_tok_trie *t, const char *s, size_t len, int32_t value)
{
	int32_t node;
	if (len == 0)
		return 0;
	if (t->n_nodes == 0 && trie_node(t, &node))
		return GK_ENOMEM;
	node = 0;
	t->first[(unsigned char)s[0] >> 3] |= (uint8_t)(1u << ((unsigned char)s[0] & 7));
	for (size_t i = 0; i < len; i++) {
		uint64_t key = ((uint64_t)node << 8) | (unsigned char)s[i], v;
		if (gk_tok_u64map_get(&t->edges, key, &v)) {
			node = (int32_t)v;
			continue;
		}
		int32_t child;
		if (trie_node(t, &child) || gk_tok_u64map_put(&t->edges, key, (uint64_t)child))
			return GK_ENOMEM;
		node = child;
	}
	/* A later duplicate text keeps the first token, as HF does. */
	if (t->leaf[node] < 0)
		t->leaf[node] = value;
	return 0;
}

void gk_tok_trie_free(gk_tok_trie *t)
{
	if (!t)
		return;
	gk_tok_u64map_free(&t->edges);
	free(t->leaf);
	memset(t, 0, sizeof *t);
}

int32_t gk_tok_trie_match(const gk_tok_trie *t, const char *text, size_t len, size_t pos,
                          size_t *end)
{
	unsigned char c0 = (unsigned char)text[pos];
	if (t->n_nodes == 0 || !(t->first[c0 >> 3] & (1u << (c0 & 7))))
		return -1;
	int32_t node = 0, best = -1;
	for (size_t i = pos; i < len; i++) {
		uint64_t v;
		if (!gk_tok_u64map_get(&t->edges, ((uint64_t)node << 8) | (unsigned char)text[i], &v))
			break;
		node = (int32_t)v;
		if (t->leaf[node] >= 0) {
			best = t->leaf[node];
			*end = i + 1;
		}
	}
	return best;
}

static bool word_before(const char *text, size_t pos)
{
	if (pos == 0)
		return false;
	size_t k = pos - 1, n;
	while (k > 0 && ((unsigned char)text[k] & 0xc0) == 0x80)
		k--;
	return gk_tok_is_word(gk_tok_utf8_next(text + k, &n));
}

static bool word_after(const char *text, size_t len, size_t pos)
{
	size_t n;
	return pos < len && gk_tok_is_word(gk_tok_utf8_next(text + pos, &n));
}

int gk_tok_added_split(const gk_tokenizer *tok, const gk_tok_trie *t, const char *text,
                       size_t len, gk_tok_piece_fn fn, void *ctx)
{
	size_t seg = 0, pos = 0;
	int rc;
	while (pos < len) {
		size_t end;
		int32_t k = gk_tok_trie_match(t, text, len, pos, &end);
		if (k < 0) {
			pos++;
			continue;
		}
		const gk_tok_added *a = &tok->added[k];
		if (a->single_word && (word_before(text, pos) || word_after(text, len, end))) {
			/* The matcher moves past a discarded match, as HF's
			 * aho-corasick iterator does. */
			pos = end;
			continue;
		}
		size_t start = pos, n;
		if (a->lstrip) {
			while (start > seg) {
				size_t q = start - 1;
				while (q > seg && ((unsigned char)text[q] & 0xc0) == 0x80)
					q--;
				if (!gk_tok_is_whitespace(gk_tok_utf8_next(text + q, &n)))
					break;
				start = q;
			}
		}
		if (a->rstrip)
			while (end < len && gk_tok_is_whitespace(gk_tok_utf8_next(text + end, &n)))
				end += n;
		if (start > seg && (rc = fn(ctx, text + seg, start - seg, seg, -1)))
			return rc;
		if ((rc = fn(ctx, text + start, end - start, start, a->id)))
			return rc;
		seg = pos = end;
	}
	if (len > seg && (rc = fn(ctx, text + seg, len - seg, seg, -1)))
		return rc;
	return 0;
}

/*
 * tok_wordpiece.c - the WordPiece model: greedy longest-match-first over
 * the vocabulary, "##" (continuing_subword_prefix) on pieces after the
 * first, and the whole word as [UNK] when it is longer than
 * max_input_chars_per_word or any piece is missing, exactly as HF's
 * WordPiece::tokenize.
 */
#include <string.h>

#include "error.h"
#include "tok_internal.h"

int gk_tok_wordpiece(const gk_tokenizer *tok, gk_tok_scratch *s, const char *w, size_t len,
                     gk_tok_ids *ids)
{
	if (len == 0)
		return 0;
	if (gk_tok_utf8_count(w, len) > tok->max_input_chars)
		return gk_tok_ids_push(ids, tok->unk_id);
	size_t base = ids->n;
	const char *pre = tok->cont_prefix ? tok->cont_prefix : "";
	size_t pl = strlen(pre);
	gk_tok_buf *key = &s->c;
	key->n = 0;
	if (gk_tok_buf_put(key, pre, pl))
		return GK_ENOMEM;
	size_t start = 0;
	while (start < len) {
		size_t end = len;
		int32_t id = -1;
		while (start < end) {
			if (start == 0) {
				id = gk_tok_strmap_get(&tok->vocab, w, end);
			} else {
				key->n = pl;
				if (gk_tok_buf_put(key, w + start, end - start))
					return GK_ENOMEM;
				id = gk_tok_strmap_get(&tok->vocab, key->p, key->n);
			}
			if (id >= 0)
				break;
			/* Drop the last character. */
			end--;
			while (end > start && ((unsigned char)w[end] & 0xc0) == 0x80)
				end--;
		}
		if (id < 0) {
			ids->n = base;
			return gk_tok_ids_push(ids, tok->unk_id);
		}
		if (gk_tok_ids_push(ids, id))
			return GK_ENOMEM;
		start = end;
	}
	return 0;
}

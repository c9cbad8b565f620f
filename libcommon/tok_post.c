/*
 * tok_post.c - truncation and post-processing of one or two encoded texts,
 * as HF's TokenizerImpl::post_process: first truncate (leaving room for
 * the special tokens the template adds; "longest_first" between the two
 * texts of a pair, cutting from the end), then apply the template.  Bert,
 * Roberta and ByteLevel post-processors are turned into templates (or
 * nothing) at load time, so only templates exist here.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "tok_internal.h"

size_t gk_tokenizer_num_special(const gk_tokenizer *tok, bool pair)
{
	const gk_tok_template *t = pair ? &tok->pair : &tok->single;
	size_t n = 0;
	for (size_t i = 0; tok->has_post && i < t->n; i++)
		if (t->p[i].seq < 0)
			n += t->p[i].n_ids;
	return n;
}

/* HF's truncate_encodings with TruncationStrategy::LongestFirst, direction
 * right: the new lengths of a (and b). */
static void truncate_lengths(size_t *na, size_t *nb, bool pair, size_t max)
{
	size_t total = *na + (pair ? *nb : 0);
	if (total <= max)
		return;
	if (!pair) {
		*na = max;
		return;
	}
	size_t n1 = *na, n2 = *nb;
	bool swap = n1 > n2;
	if (swap) {
		size_t t = n1;
		n1 = n2;
		n2 = t;
	}
	if (n1 > max / 2) {
		n1 = max / 2;
		n2 = n1 + max % 2;
	} else {
		n2 = max - n1;
	}
	if (swap) {
		size_t t = n1;
		n1 = n2;
		n2 = t;
	}
	*na = n1;
	*nb = n2;
}

static int reserve(gk_encoding *e, size_t n)
{
	if (n <= e->cap)
		return 0;
	size_t cap = e->cap ? e->cap : 64;
	while (cap < n)
		cap *= 2;
	int32_t *ids = realloc(e->ids, cap * sizeof *ids);
	if (!ids)
		return GK_ENOMEM;
	e->ids = ids;
	int32_t *ty = realloc(e->type_ids, cap * sizeof *ty);
	if (!ty)
		return GK_ENOMEM;
	e->type_ids = ty;
	uint8_t *sp = realloc(e->special, cap);
	if (!sp)
		return GK_ENOMEM;
	e->special = sp;
	e->cap = cap;
	return 0;
}

static void put(gk_encoding *e, const int32_t *ids, size_t n, int32_t type_id, uint8_t special)
{
	for (size_t i = 0; i < n; i++) {
		e->ids[e->n] = ids[i];
		e->type_ids[e->n] = type_id;
		e->special[e->n] = special;
		e->n++;
	}
}

int gk_tok_post_process(const gk_tokenizer *tok, const gk_tok_ids *a, const gk_tok_ids *b,
                        const gk_encode_options *opt, gk_encoding *out, gk_error *err)
{
	bool pair = b != NULL;
	bool add = opt->add_special_tokens;
	size_t n_special = add ? gk_tokenizer_num_special(tok, pair) : 0;
	size_t na = a->n, nb = pair ? b->n : 0;
	out->n = 0;
	out->truncated = false;
	if (opt->max_tokens) {
		if (opt->max_tokens < n_special)
			return gk_error_set(err, GK_EUSAGE,
			                    "a limit of %zu tokens leaves no room for the %zu special tokens",
			                    opt->max_tokens, n_special);
		truncate_lengths(&na, &nb, pair, opt->max_tokens - n_special);
		out->truncated = na < a->n || (pair && nb < b->n);
	}
	if (reserve(out, na + nb + n_special + 1))
		return gk_error_nomem(err);
	const gk_tok_template *t = pair ? &tok->pair : &tok->single;
	if (!tok->has_post || t->n == 0) {
		put(out, a->v, na, 0, 0);
		if (pair)
			put(out, b->v, nb, 1, 0);
		return 0;
	}
	for (size_t i = 0; i < t->n; i++) {
		const gk_tok_piece *p = &t->p[i];
		if (p->seq == 0)
			put(out, a->v, na, p->type_id, 0);
		else if (p->seq == 1 && pair)
			put(out, b->v, nb, p->type_id, 0);
		else if (p->seq < 0 && add)
			put(out, p->ids, p->n_ids, p->type_id, 1);
	}
	return 0;
}

void gk_encoding_init(gk_encoding *enc)
{
	memset(enc, 0, sizeof *enc);
}

void gk_encoding_free(gk_encoding *enc)
{
	if (!enc)
		return;
	free(enc->ids);
	free(enc->type_ids);
	free(enc->special);
	memset(enc, 0, sizeof *enc);
}

/*
 * tok_normalize.c - HF tokenizers' normalizers: BertNormalizer, NFC, NFD,
 * NFKC, NFKD, Lowercase, StripAccents, Prepend, Replace, Strip.  A Sequence
 * is the list itself.  Offsets (alignments) are deliberately not tracked:
 * gk needs ids only.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "error.h"
#include "tok_internal.h"

static bool all_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

/* utf8proc_map on a non-empty string of valid UTF-8. */
static int unicode_form(const char *in, size_t len, int options, gk_tok_buf *out)
{
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)len, &dst,
	                                  (utf8proc_option_t)options);
	if (n < 0) {
		/* Only out of memory is possible: the input was validated. */
		free(dst);
		return GK_ENOMEM;
	}
	int rc = gk_tok_buf_put(out, dst, (size_t)n);
	free(dst);
	return rc;
}

static int strip_accents(const char *in, size_t len, gk_tok_buf *tmp, gk_tok_buf *out)
{
	if (all_ascii(in, len))
		return gk_tok_buf_put(out, in, len);
	tmp->n = 0;
	if (unicode_form(in, len, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE, tmp))
		return GK_ENOMEM;
	for (size_t i = 0, n; i < tmp->n; i += n) {
		int32_t cp = gk_tok_utf8_next(tmp->p + i, &n);
		if (!gk_tok_is_mark_nonspacing(cp) && gk_tok_buf_put(out, tmp->p + i, n))
			return GK_ENOMEM;
	}
	return 0;
}

static int lowercase(const char *in, size_t len, gk_tok_buf *out)
{
	if (gk_tok_buf_reserve(out, len + 1))
		return GK_ENOMEM;
	for (size_t i = 0, n; i < len; i += n) {
		int32_t cp = gk_tok_utf8_next(in + i, &n);
		if (gk_tok_buf_put_lower(out, cp))
			return GK_ENOMEM;
	}
	return 0;
}

/* clean_text and handle_chinese_chars in one pass. */
static int bert_clean(const gk_tok_normalizer *nz, const char *in, size_t len, gk_tok_buf *out)
{
	if (gk_tok_buf_reserve(out, len + 1))
		return GK_ENOMEM;
	for (size_t i = 0, n; i < len; i += n) {
		int32_t cp = gk_tok_utf8_next(in + i, &n);
		if (nz->clean_text) {
			if (cp == 0 || cp == 0xfffd || gk_tok_is_bert_control(cp))
				continue;
			if (gk_tok_is_whitespace(cp)) {
				if (gk_tok_buf_putc(out, ' '))
					return GK_ENOMEM;
				continue;
			}
		}
		if (nz->chinese && gk_tok_is_chinese(cp)) {
			if (gk_tok_buf_putc(out, ' ') || gk_tok_buf_put(out, in + i, n) ||
			    gk_tok_buf_putc(out, ' '))
				return GK_ENOMEM;
			continue;
		}
		if (gk_tok_buf_put(out, in + i, n))
			return GK_ENOMEM;
	}
	return 0;
}

static int replace(const gk_tok_normalizer *nz, gk_tok_scratch *s, const char *in, size_t len,
                   gk_tok_buf *out, gk_error *err)
{
	gk_tok_list *m = &s->m;
	gk_tok_list_clear(m);
	int rc = gk_tok_pattern_find(&nz->pattern, s, in, len, m, err);
	if (rc)
		return rc;
	size_t prev = 0;
	/* m holds (start, end) as strings' off/len fields: see pattern_find. */
	for (size_t k = 0; k < m->n; k++) {
		size_t a = m->off[k], b = m->len[k];
		if (gk_tok_buf_put(out, in + prev, a - prev) ||
		    gk_tok_buf_put(out, nz->content, nz->content_len))
			return GK_ENOMEM;
		prev = b;
	}
	return gk_tok_buf_put(out, in + prev, len - prev);
}

static int strip(const gk_tok_normalizer *nz, const char *in, size_t len, gk_tok_buf *out)
{
	size_t a = 0, b = len, n;
	if (nz->left)
		while (a < b && gk_tok_is_whitespace(gk_tok_utf8_next(in + a, &n)))
			a += n;
	if (nz->right) {
		while (b > a) {
			size_t k = b - 1;
			while (k > a && ((unsigned char)in[k] & 0xc0) == 0x80)
				k--;
			if (!gk_tok_is_whitespace(gk_tok_utf8_next(in + k, &n)))
				break;
			b = k;
		}
	}
	return gk_tok_buf_put(out, in + a, b - a);
}

static int apply(const gk_tok_normalizer *nz, gk_tok_scratch *s, const char *in, size_t len,
                 gk_tok_buf *out, gk_error *err)
{
	switch (nz->type) {
	case GK_TOK_NORM_BERT: {
		gk_tok_buf *t1 = &s->c;
		t1->n = 0;
		if (bert_clean(nz, in, len, t1))
			return GK_ENOMEM;
		if (!nz->strip_accents && !nz->lowercase)
			return gk_tok_buf_put(out, t1->p, t1->n);
		if (!nz->strip_accents)
			return lowercase(t1->p, t1->n, out);
		gk_tok_buf t2 = { 0 }, t3 = { 0 };
		int rc = strip_accents(t1->p, t1->n, &t3, nz->lowercase ? &t2 : out);
		if (!rc && nz->lowercase)
			rc = lowercase(t2.p, t2.n, out);
		gk_tok_buf_free(&t2);
		gk_tok_buf_free(&t3);
		return rc;
	}
	case GK_TOK_NORM_NFC:
		return all_ascii(in, len) ? gk_tok_buf_put(out, in, len)
		                          : unicode_form(in, len, UTF8PROC_STABLE | UTF8PROC_COMPOSE, out);
	case GK_TOK_NORM_NFD:
		return all_ascii(in, len) ? gk_tok_buf_put(out, in, len)
		                          : unicode_form(in, len, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE, out);
	case GK_TOK_NORM_NFKC:
		return all_ascii(in, len) ? gk_tok_buf_put(out, in, len)
		                          : unicode_form(in, len,
		                                         UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT,
		                                         out);
	case GK_TOK_NORM_NFKD:
		return all_ascii(in, len)
		               ? gk_tok_buf_put(out, in, len)
		               : unicode_form(in, len, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT,
		                              out);
	case GK_TOK_NORM_LOWERCASE:
		return lowercase(in, len, out);
	case GK_TOK_NORM_STRIP_ACCENTS: {
		/* HF's StripAccents removes Mn marks without decomposing first. */
		for (size_t i = 0, n; i < len; i += n) {
			int32_t cp = gk_tok_utf8_next(in + i, &n);
			if (!gk_tok_is_mark_nonspacing(cp) && gk_tok_buf_put(out, in + i, n))
				return GK_ENOMEM;
		}
		return 0;
	}
	case GK_TOK_NORM_PREPEND:
		if (len && gk_tok_buf_put(out, nz->content, nz->content_len))
			return GK_ENOMEM;
		return gk_tok_buf_put(out, in, len);
	case GK_TOK_NORM_REPLACE:
		return replace(nz, s, in, len, out, err);
	case GK_TOK_NORM_STRIP:
		return strip(nz, in, len, out);
	}
	return gk_tok_buf_put(out, in, len);
}

int gk_tok_normalize(const gk_tokenizer *tok, gk_tok_scratch *s, const char *in, size_t len,
                     gk_tok_buf *out, gk_error *err)
{
	out->n = 0;
	if (tok->n_norm == 0)
		return gk_tok_buf_put(out, in, len) ? gk_error_nomem(err) : 0;
	/* Ping-pong between out and s->a; the last stage writes into out. */
	gk_tok_buf *src = NULL;
	for (size_t i = 0; i < tok->n_norm; i++) {
		gk_tok_buf *dst = ((tok->n_norm - 1 - i) % 2 == 0) ? out : &s->a;
		dst->n = 0;
		const char *p = src ? src->p : in;
		size_t n = src ? src->n : len;
		int rc = apply(&tok->norm[i], s, p, n, dst, err);
		if (rc)
			return rc == GK_ENOMEM ? gk_error_nomem(err) : rc;
		src = dst;
	}
	return 0;
}

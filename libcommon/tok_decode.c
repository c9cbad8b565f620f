/*
 * tok_decode.c - HF tokenizers' decoders: WordPiece, ByteLevel, Metaspace,
 * Replace, ByteFallback, Fuse, Strip, BPE; a Sequence is the list itself.
 * Each works on a list of token strings and hands a list to the next, as
 * HF's decode_chain; the result is their concatenation.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "tok_internal.h"

/* Append bytes to out as Rust's String::from_utf8_lossy does: each
 * maximal invalid subsequence becomes one U+FFFD. */
static int put_lossy(gk_tok_buf *out, const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t ok = gk_tok_utf8_valid((const char *)p + i, n - i);
		if (gk_tok_buf_put(out, p + i, ok))
			return GK_ENOMEM;
		i += ok;
		if (i >= n)
			break;
		unsigned char c = p[i];
		size_t need = 0;
		unsigned char lo = 0x80, hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf)
			need = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c == 0xe0)
				lo = 0xa0;
			if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c == 0xf0)
				lo = 0x90;
			if (c == 0xf4)
				hi = 0x8f;
		}
		size_t skip = 1;
		for (size_t k = 0; k < need && i + skip < n; k++) {
			unsigned char d = p[i + skip];
			if (k == 0 ? (d < lo || d > hi) : (d & 0xc0) != 0x80)
				break;
			skip++;
		}
		if (gk_tok_buf_put(out, "\xef\xbf\xbd", 3))
			return GK_ENOMEM;
		i += skip;
	}
	return 0;
}

static int byte_of(int32_t cp)
{
	if ((cp >= 0x21 && cp <= 0x7e) || (cp >= 0xa1 && cp <= 0xac) || (cp >= 0xae && cp <= 0xff))
		return cp;
	if (cp >= 256 && cp <= 256 + 32)
		return cp - 256;
	if (cp >= 256 + 33 && cp <= 256 + 66)
		return cp - 256 - 33 + 0x7f;
	if (cp == 256 + 67)
		return 0xad;
	return -1;
}

static int replace_all(gk_tok_buf *out, const char *s, size_t n, const char *pat, size_t pl,
                       const char *with, size_t wl)
{
	size_t i = 0;
	while (pl && i + pl <= n) {
		const char *h = gk_tok_find(s + i, n - i, pat, pl);
		if (!h)
			break;
		size_t a = (size_t)(h - s);
		if (gk_tok_buf_put(out, s + i, a - i) || gk_tok_buf_put(out, with, wl))
			return GK_ENOMEM;
		i = a + pl;
	}
	return gk_tok_buf_put(out, s + i, n - i);
}

/* The cleanup of HF's WordPiece decoder, on one token. */
static int wp_cleanup(gk_tok_buf *t)
{
	static const char *const rules[][2] = {
		{ " .", "." },     { " ?", "?" },     { " !", "!" },       { " ,", "," },
		{ " ' ", "'" },    { " n't", "n't" }, { " 'm", "'m" },     { " do not", " don't" },
		{ " 's", "'s" },   { " 've", "'ve" }, { " 're", "'re" },
	};
	gk_tok_buf tmp = { 0 };
	for (size_t r = 0; r < sizeof rules / sizeof rules[0]; r++) {
		if (!t->n || !gk_tok_find(t->p, t->n, rules[r][0], strlen(rules[r][0])))
			continue;
		tmp.n = 0;
		if (replace_all(&tmp, t->p, t->n, rules[r][0], strlen(rules[r][0]), rules[r][1],
		                strlen(rules[r][1]))) {
			gk_tok_buf_free(&tmp);
			return GK_ENOMEM;
		}
		gk_tok_buf x = *t;
		*t = tmp;
		tmp = x;
	}
	gk_tok_buf_free(&tmp);
	return 0;
}

static int dec_one(const gk_tok_decoder *d, const gk_tok_list *in, gk_tok_list *out)
{
	gk_tok_buf t = { 0 };
	int rc = 0;
	size_t n = in->n;
	switch (d->type) {
	case GK_TOK_DEC_BYTELEVEL:
	case GK_TOK_DEC_FUSE: {
		for (size_t i = 0; i < n && !rc; i++) {
			const char *s = gk_tok_list_str(in, i);
			size_t l = in->len[i];
			if (d->type == GK_TOK_DEC_FUSE) {
				rc = gk_tok_buf_put(&t, s, l);
				continue;
			}
			/* A token with a character outside the byte map (an
			 * added token) is kept as its UTF-8 bytes. */
			size_t start = t.n;
			bool ok = true;
			for (size_t k = 0, cl; k < l && ok && !rc; k += cl) {
				int b = byte_of(gk_tok_utf8_next(s + k, &cl));
				if (b < 0)
					ok = false;
				else
					rc = gk_tok_buf_putc(&t, (char)b);
			}
			if (!ok && !rc) {
				t.n = start;
				rc = gk_tok_buf_put(&t, s, l);
			}
		}
		if (rc)
			break;
		if (d->type == GK_TOK_DEC_FUSE) {
			rc = gk_tok_list_push(out, t.p ? t.p : "", t.n, 0);
		} else {
			gk_tok_buf u = { 0 };
			rc = put_lossy(&u, (const unsigned char *)t.p, t.n) ||
			     gk_tok_list_push(out, u.p ? u.p : "", u.n, 0);
			gk_tok_buf_free(&u);
		}
		break;
	}
	case GK_TOK_DEC_BYTEFALLBACK: {
		/* Runs of <0xNN> tokens become their bytes when those are
		 * valid UTF-8, else one U+FFFD per byte. */
		for (size_t i = 0; i <= n && !rc; i++) {
			const char *s = i < n ? gk_tok_list_str(in, i) : NULL;
			int byte = -1;
			if (s && in->len[i] == 6 && memcmp(s, "<0x", 3) == 0 && s[5] == '>') {
				char hex[3] = { s[3], s[4], 0 };
				char *e;
				long v = strtol(hex, &e, 16);
				if (*e == '\0' && hex[0] != '+' && hex[0] != '-' && hex[0] != ' ')
					byte = (int)v;
			}
			if (byte >= 0) {
				rc = gk_tok_buf_putc(&t, (char)byte);
				continue;
			}
			if (t.n) {
				if (gk_tok_utf8_valid(t.p, t.n) == t.n) {
					rc = gk_tok_list_push(out, t.p, t.n, 0);
				} else {
					for (size_t k = 0; k < t.n && !rc; k++)
						rc = gk_tok_list_push(out, "\xef\xbf\xbd", 3, 0);
				}
				t.n = 0;
			}
			if (s && !rc)
				rc = gk_tok_list_push(out, s, in->len[i], 0);
		}
		break;
	}
	default:
		for (size_t i = 0; i < n && !rc; i++) {
			const char *s = gk_tok_list_str(in, i);
			size_t l = in->len[i];
			t.n = 0;
			switch (d->type) {
			case GK_TOK_DEC_WORDPIECE:
				if (i != 0 && l >= d->a_len && memcmp(s, d->a, d->a_len) == 0) {
					rc = gk_tok_buf_put(&t, s + d->a_len, l - d->a_len);
				} else {
					rc = (i != 0 && gk_tok_buf_putc(&t, ' ')) || gk_tok_buf_put(&t, s, l);
				}
				if (!rc && d->cleanup)
					rc = wp_cleanup(&t);
				break;
			case GK_TOK_DEC_METASPACE:
				/* As HF: in the first token every replacement
				 * character goes (unless prepend_scheme is never). */
				rc = replace_all(&t, s, l, d->a, d->a_len,
				                 i == 0 && d->prepend != GK_TOK_PREPEND_NEVER ? "" : " ",
				                 i == 0 && d->prepend != GK_TOK_PREPEND_NEVER ? 0 : 1);
				break;
			case GK_TOK_DEC_REPLACE:
				rc = replace_all(&t, s, l, d->a, d->a_len, d->b, d->b_len);
				break;
			case GK_TOK_DEC_BPE:
				rc = replace_all(&t, s, l, d->a, d->a_len, i + 1 == n ? "" : " ", i + 1 == n ? 0 : 1);
				break;
			case GK_TOK_DEC_STRIP: {
				/* Remove up to start leading and stop trailing
				 * copies of the content character. */
				size_t a = 0, b = l;
				for (size_t k = 0; k < d->start && b - a >= d->a_len &&
				                   memcmp(s + a, d->a, d->a_len) == 0;
				     k++)
					a += d->a_len;
				for (size_t k = 0; k < d->stop && b - a >= d->a_len &&
				                   memcmp(s + b - d->a_len, d->a, d->a_len) == 0;
				     k++)
					b -= d->a_len;
				rc = gk_tok_buf_put(&t, s + a, b - a);
				break;
			}
			default:
				rc = gk_tok_buf_put(&t, s, l);
			}
			if (!rc)
				rc = gk_tok_list_push(out, t.p ? t.p : "", t.n, 0);
		}
	}
	gk_tok_buf_free(&t);
	return rc ? GK_ENOMEM : 0;
}

int gk_tok_decode_tokens(const gk_tokenizer *tok, gk_tok_list *tokens, gk_tok_buf *out,
                         gk_error *err)
{
	gk_tok_list next = { 0 };
	for (size_t i = 0; i < tok->n_dec; i++) {
		gk_tok_list_clear(&next);
		if (dec_one(&tok->dec[i], tokens, &next)) {
			gk_tok_list_free(&next);
			return gk_error_nomem(err);
		}
		gk_tok_list t = *tokens;
		*tokens = next;
		next = t;
	}
	gk_tok_list_free(&next);
	for (size_t i = 0; i < tokens->n; i++)
		if (gk_tok_buf_put(out, gk_tok_list_str(tokens, i), tokens->len[i]))
			return gk_error_nomem(err);
	return 0;
}

/*
 * tok_text.c - buffers, string lists, UTF-8 and character classes for the
 * tokenizer (see tok_text.h).  Character classes follow Rust's std, which
 * HF tokenizers uses, with utf8proc's tables underneath.
 */
#include "tok_text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "error.h"

int gk_tok_buf_reserve(gk_tok_buf *b, size_t extra)
{
	if (b->n + extra <= b->cap)
		return 0;
	if (extra > SIZE_MAX / 4 - b->n)
		return GK_ENOMEM;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->n + extra)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p)
		return GK_ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int gk_tok_buf_put(gk_tok_buf *b, const void *p, size_t n)
{
	if (gk_tok_buf_reserve(b, n + 1))
		return GK_ENOMEM;
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
	return 0;
}

int gk_tok_buf_putc(gk_tok_buf *b, char c)
{
	if (b->n + 1 >= b->cap && gk_tok_buf_reserve(b, 2))
		return GK_ENOMEM;
	b->p[b->n++] = c;
	return 0;
}

int gk_tok_buf_put_cp(gk_tok_buf *b, int32_t cp)
{
	if (gk_tok_buf_reserve(b, 5))
		return GK_ENOMEM;
	b->n += gk_tok_utf8_put(cp, b->p + b->n);
	return 0;
}

void gk_tok_buf_free(gk_tok_buf *b)
{
	if (!b)
		return;
	free(b->p);
	memset(b, 0, sizeof *b);
}

static int list_grow(gk_tok_list *l)
{
	if (l->n < l->cap)
		return 0;
	size_t cap = l->cap ? l->cap * 2 : 32;
	size_t *o = realloc(l->off, cap * sizeof *o);
	if (!o)
		return GK_ENOMEM;
	l->off = o;
	size_t *n = realloc(l->len, cap * sizeof *n);
	if (!n)
		return GK_ENOMEM;
	l->len = n;
	uint8_t *f = realloc(l->flag, cap);
	if (!f)
		return GK_ENOMEM;
	l->flag = f;
	l->cap = cap;
	return 0;
}

int gk_tok_list_open(gk_tok_list *l, uint8_t flag)
{
	if (list_grow(l))
		return GK_ENOMEM;
	l->off[l->n] = l->text.n;
	l->len[l->n] = 0;
	l->flag[l->n] = flag;
	l->n++;
	return 0;
}

int gk_tok_list_append(gk_tok_list *l, const char *p, size_t n)
{
	if (gk_tok_buf_put(&l->text, p, n))
		return GK_ENOMEM;
	l->len[l->n - 1] += n;
	return 0;
}

int gk_tok_list_push(gk_tok_list *l, const char *p, size_t n, uint8_t flag)
{
	if (gk_tok_list_open(l, flag))
		return GK_ENOMEM;
	return gk_tok_list_append(l, p, n);
}

void gk_tok_list_clear(gk_tok_list *l)
{
	l->n = 0;
	l->text.n = 0;
}

void gk_tok_list_free(gk_tok_list *l)
{
	if (!l)
		return;
	gk_tok_buf_free(&l->text);
	free(l->off);
	free(l->len);
	free(l->flag);
	memset(l, 0, sizeof *l);
}

const char *gk_tok_find(const char *hay, size_t hl, const char *needle, size_t nl)
{
	if (nl == 0 || nl > hl)
		return NULL;
	const char *end = hay + (hl - nl) + 1;
	for (const char *p = hay; p < end;) {
		p = memchr(p, needle[0], (size_t)(end - p));
		if (!p)
			return NULL;
		if (memcmp(p, needle, nl) == 0)
			return p;
		p++;
	}
	return NULL;
}

size_t gk_tok_utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		unsigned char c = u[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		int32_t cp, min;
		if (c >= 0xc2 && c <= 0xdf) {
			n = 2;
			cp = c & 0x1f;
			min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 3;
			cp = c & 0x0f;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 4;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return i;
		}
		if (len - i < n)
			return i;
		for (size_t k = 1; k < n; k++) {
			if ((u[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (u[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n;
	}
	return len;
}

size_t gk_tok_utf8_put(int32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t gk_tok_utf8_len(unsigned char c)
{
	if (c < 0xc0)
		return 1;
	if (c < 0xe0)
		return 2;
	if (c < 0xf0)
		return 3;
	return 4;
}

size_t gk_tok_utf8_count(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

bool gk_tok_is_whitespace(int32_t cp)
{
	if (cp < 0x80)
		return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20;
	switch (cp) {
	case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202f: case 0x205f: case 0x3000:
		return true;
	}
	return cp >= 0x2000 && cp <= 0x200a;
}

bool gk_tok_is_punct(int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);
	return c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_PO;
}

bool gk_tok_is_bert_punct(int32_t cp)
{
	if (cp < 0x80)
		return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) ||
		       (cp >= 123 && cp <= 126);
	return gk_tok_is_punct(cp);
}

bool gk_tok_is_word(int32_t cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		       cp == '_';
	utf8proc_category_t c = utf8proc_category(cp);
	return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ME) || c == UTF8PROC_CATEGORY_ND ||
	       c == UTF8PROC_CATEGORY_PC;
}

bool gk_tok_is_numeric(int32_t cp)
{
	if (cp < 0x80)
		return cp >= '0' && cp <= '9';
	utf8proc_category_t c = utf8proc_category(cp);
	return c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO;
}

bool gk_tok_is_bert_control(int32_t cp)
{
	if (cp == '\t' || cp == '\n' || cp == '\r')
		return false;
	/* unicode_categories' is_other: Cc, Cf, Cs, Co, Cn */
	utf8proc_category_t c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_CN || (c >= UTF8PROC_CATEGORY_CC && c <= UTF8PROC_CATEGORY_CO);
}

bool gk_tok_is_chinese(int32_t cp)
{
	return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
	       (cp >= 0x20000 && cp <= 0x2a6df) || (cp >= 0x2a700 && cp <= 0x2b73f) ||
	       (cp >= 0x2b740 && cp <= 0x2b81f) || (cp >= 0x2b920 && cp <= 0x2ceaf) ||
	       (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f);
}

bool gk_tok_is_mark_nonspacing(int32_t cp)
{
	return cp >= 0x300 && utf8proc_category(cp) == UTF8PROC_CATEGORY_MN;
}

int gk_tok_buf_put_lower(gk_tok_buf *b, int32_t cp)
{
	if (cp < 0x80)
		return gk_tok_buf_putc(b, (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
	/* The one unconditional multi-character lowercase mapping in
	 * SpecialCasing.txt, which utf8proc's simple mapping lacks. */
	if (cp == 0x130) {
		if (gk_tok_buf_put_cp(b, 'i'))
			return GK_ENOMEM;
		return gk_tok_buf_put_cp(b, 0x307);
	}
	return gk_tok_buf_put_cp(b, utf8proc_tolower(cp));
}

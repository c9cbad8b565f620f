/*
 * tok_text.h - byte buffers, lists of strings, UTF-8 and the Unicode
 * character classes the tokenizer needs, defined as Rust's std (which HF
 * tokenizers uses) defines them.  Not a Unicode library: utf8proc supplies
 * the tables.
 */
#ifndef GK_TOK_TEXT_H
#define GK_TOK_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct gk_tok_buf {
	char *p;
	size_t n, cap;
} gk_tok_buf;

/* 0 or GK_ENOMEM. */
int gk_tok_buf_reserve(gk_tok_buf *b, size_t extra);
int gk_tok_buf_put(gk_tok_buf *b, const void *p, size_t n);
int gk_tok_buf_putc(gk_tok_buf *b, char c);
/* Append the UTF-8 encoding of code point cp. */
int gk_tok_buf_put_cp(gk_tok_buf *b, int32_t cp);
void gk_tok_buf_free(gk_tok_buf *b);

/* A list of strings stored end to end in one buffer. */
typedef struct gk_tok_list {
	gk_tok_buf text;
	size_t *off, *len; /* (n) */
	uint8_t *flag;     /* (n) a caller-defined bit per string */
	size_t n, cap;
} gk_tok_list;

int gk_tok_list_push(gk_tok_list *l, const char *p, size_t n, uint8_t flag);
/* Start a new empty string and extend the last one (for building). */
int gk_tok_list_open(gk_tok_list *l, uint8_t flag);
int gk_tok_list_append(gk_tok_list *l, const char *p, size_t n);
static inline const char *gk_tok_list_str(const gk_tok_list *l, size_t i)
{
	return l->text.p + l->off[i];
}
void gk_tok_list_clear(gk_tok_list *l);
void gk_tok_list_free(gk_tok_list *l);

/* First occurrence of needle (nl > 0 bytes) in hay, or NULL (memmem is
 * not C11). */
const char *gk_tok_find(const char *hay, size_t hl, const char *needle, size_t nl);

/* Length of the valid UTF-8 prefix of s (== len when all is valid).
 * Rejects overlong forms, surrogates and code points above U+10FFFF. */
size_t gk_tok_utf8_valid(const char *s, size_t len);
/* Decode one code point of valid UTF-8 at s; *n gets its length. */
static inline int32_t gk_tok_utf8_next(const char *s, size_t *n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (u[0] < 0x80) {
		*n = 1;
		return u[0];
	}
	if (u[0] < 0xe0) {
		*n = 2;
		return ((u[0] & 0x1f) << 6) | (u[1] & 0x3f);
	}
	if (u[0] < 0xf0) {
		*n = 3;
		return ((u[0] & 0x0f) << 12) | ((u[1] & 0x3f) << 6) | (u[2] & 0x3f);
	}
	*n = 4;
	return ((u[0] & 0x07) << 18) | ((u[1] & 0x3f) << 12) | ((u[2] & 0x3f) << 6) | (u[3] & 0x3f);
}
/* Encode cp into out (4 bytes room); returns the length. */
size_t gk_tok_utf8_put(int32_t cp, char *out);
/* Length of the UTF-8 sequence starting with byte c (1 for a stray byte). */
size_t gk_tok_utf8_len(unsigned char c);
/* Number of code points in valid UTF-8. */
size_t gk_tok_utf8_count(const char *s, size_t len);

/* Rust char::is_whitespace (the White_Space property). */
bool gk_tok_is_whitespace(int32_t cp);
/* BERT: ASCII punctuation or any Unicode P* category. */
bool gk_tok_is_bert_punct(int32_t cp);
/* Rust char::is_alphanumeric-like word character: L*, M*, Nd, Pc (regex \w). */
bool gk_tok_is_word(int32_t cp);
/* Unicode N* categories (Rust char::is_numeric). */
bool gk_tok_is_numeric(int32_t cp);
/* Unicode P* categories. */
bool gk_tok_is_punct(int32_t cp);
/* BERT's control test: C* categories except tab, LF, CR. */
bool gk_tok_is_bert_control(int32_t cp);
/* BERT's CJK ideograph blocks. */
bool gk_tok_is_chinese(int32_t cp);
/* Unicode Mn category. */
bool gk_tok_is_mark_nonspacing(int32_t cp);
/* Rust char::to_lowercase: appends the lowercase form (one or two code
 * points) of cp to b. */
int gk_tok_buf_put_lower(gk_tok_buf *b, int32_t cp);

#endif

/*
 * tok_pretok.c - HF tokenizers' pre-tokenizers (BertPreTokenizer,
 * ByteLevel, Split, Metaspace, Whitespace, WhitespaceSplit, Digits,
 * Punctuation; Sequence is the list itself) and the regex matching they
 * share.  HF runs regexes with Oniguruma; here PCRE2 runs them, after
 * gk_tok_pattern_init rewrites the classes whose meaning differs.
 * Offsets are deliberately not tracked.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "tok_internal.h"

/* Oniguruma's \s is Unicode White_Space; PCRE2's UCP \s adds U+180E.  Its
 * \w is Letter|Mark|Decimal_Number|Connector_Punctuation; PCRE2's UCP \w
 * lacks marks.  So both are spelled out. */
static const char WS_CLASS[] =
	"\\t\\n\\x{0B}\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}"
	"\\x{202F}\\x{205F}\\x{3000}";
static const char WORD_CLASS[] = "\\p{L}\\p{M}\\p{Nd}\\p{Pc}";

static int translate(const char *re, size_t len, gk_tok_buf *out, gk_error *err)
{
	bool in_class = false;
	for (size_t i = 0; i < len; i++) {
		char c = re[i];
		int rc = 0;
		if (c == '\\' && i + 1 < len) {
			char d = re[++i];
			const char *cls = d == 's' || d == 'S' ? WS_CLASS : d == 'w' || d == 'W' ? WORD_CLASS : NULL;
			if (!cls) {
				rc = gk_tok_buf_putc(out, '\\') || gk_tok_buf_putc(out, d);
			} else if (in_class) {
				if (d == 'S' || d == 'W')
					return gk_error_set(err, GK_EDATA,
					                    "regex '%.*s': \\%c inside a character class is not supported",
					                    (int)len, re, d);
				rc = gk_tok_buf_put(out, cls, strlen(cls));
			} else {
				rc = gk_tok_buf_put(out, d == 's' || d == 'w' ? "[" : "[^", d == 's' || d == 'w' ? 1 : 2) ||
				     gk_tok_buf_put(out, cls, strlen(cls)) || gk_tok_buf_putc(out, ']');
			}
		} else if (c == '[' && !in_class) {
			in_class = true;
			rc = gk_tok_buf_putc(out, c);
			/* A ']' right after '[' or '[^' is a literal. */
			if (i + 1 < len && re[i + 1] == '^')
				rc = rc || gk_tok_buf_putc(out, re[++i]);
			if (i + 1 < len && re[i + 1] == ']')
				rc = rc || gk_tok_buf_putc(out, re[++i]);
		} else if (c == '[' && in_class && i + 1 < len && re[i + 1] == ':') {
			/* POSIX class [:name:] inside a class: copy through. */
			const char *e = memchr(re + i + 2, ']', len - i - 2);
			size_t n = e ? (size_t)(e - (re + i)) + 1 : len - i;
			rc = gk_tok_buf_put(out, re + i, n);
			i += n - 1;
		} else {
			if (c == ']' && in_class)
				in_class = false;
			rc = gk_tok_buf_putc(out, c);
		}
		if (rc)
			return gk_error_nomem(err);
	}
	return 0;
}

int gk_tok_pattern_init(gk_tok_pattern *p, const char *s, size_t len, bool regex, gk_error *err)
{
	memset(p, 0, sizeof *p);
	p->str = malloc(len + 1);
	if (!p->str)
		return gk_error_nomem(err);
	memcpy(p->str, s, len);
	p->str[len] = '\0';
	p->len = len;
	if (!regex)
		return 0;
	gk_tok_buf t = { 0 };
	int rc = translate(s, len, &t, err);
	if (rc) {
		gk_tok_buf_free(&t);
		gk_tok_pattern_free(p);
		return rc;
	}
	int code;
	PCRE2_SIZE at;
	p->re = pcre2_compile((PCRE2_SPTR)(t.p ? t.p : ""), t.n, PCRE2_UTF | PCRE2_UCP, &code, &at, NULL);
	gk_tok_buf_free(&t);
	if (!p->re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof msg);
		gk_error_set(err, GK_EDATA, "regex '%.*s': %s", (int)(len > 200 ? 200 : len), s, (char *)msg);
		gk_tok_pattern_free(p);
		return GK_EDATA;
	}
	/* JIT makes the GPT-2 style patterns several times faster; without
	 * it pcre2_match still works. */
	pcre2_jit_compile(p->re, PCRE2_JIT_COMPLETE);
	return 0;
}

void gk_tok_pattern_free(gk_tok_pattern *p)
{
	if (!p)
		return;
	free(p->str);
	pcre2_code_free(p->re);
	memset(p, 0, sizeof *p);
}

static int push_span(gk_tok_list *out, size_t a, size_t b)
{
	if (gk_tok_list_open(out, 1))
		return GK_ENOMEM;
	out->off[out->n - 1] = a;
	out->len[out->n - 1] = b;
	return 0;
}

int gk_tok_pattern_find(const gk_tok_pattern *p, gk_tok_scratch *s, const char *text, size_t len,
                        gk_tok_list *out, gk_error *err)
{
	if (!p->re) {
		if (p->len == 0)
			return 0;
		for (size_t i = 0; i + p->len <= len;) {
			const char *h = gk_tok_find(text + i, len - i, p->str, p->len);
			if (!h)
				break;
			size_t a = (size_t)(h - text);
			if (push_span(out, a, a + p->len))
				return gk_error_nomem(err);
			i = a + p->len;
		}
		return 0;
	}
	if (!s->md) {
		s->md = pcre2_match_data_create(1, NULL);
		s->mctx = pcre2_match_context_create(NULL);
		s->jit = pcre2_jit_stack_create(32 * 1024, 4 * 1024 * 1024, NULL);
		if (!s->md || !s->mctx || !s->jit)
			return gk_error_nomem(err);
		pcre2_jit_stack_assign(s->mctx, NULL, s->jit);
	}
	size_t start = 0;
	while (start <= len) {
		int rc = pcre2_match(p->re, (PCRE2_SPTR)text, len, start, PCRE2_NO_UTF_CHECK, s->md, s->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(rc, msg, sizeof msg);
			return gk_error_set(err, rc == PCRE2_ERROR_NOMEMORY ? GK_ENOMEM : GK_EDATA,
			                    "regex '%.*s' at byte %zu: %s", (int)(p->len > 100 ? 100 : p->len),
			                    p->str, start, (char *)msg);
		}
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
		size_t a = ov[0], b = ov[1];
		if (push_span(out, a, b))
			return gk_error_nomem(err);
		if (b > a) {
			start = b;
		} else {
			if (a >= len)
				break;
			start = a + gk_tok_utf8_len((unsigned char)text[a]);
		}
	}
	return 0;
}

/* Segments covering w: (start, end, is_match) triples in s->seg. */
static int seg_push(gk_tok_scratch *s, size_t *n, size_t a, size_t b, bool m)
{
	if (*n == s->seg_cap) {
		size_t cap = s->seg_cap ? s->seg_cap * 2 : 64;
		size_t *p = realloc(s->seg, cap * 3 * sizeof *p);
		if (!p)
			return GK_ENOMEM;
		s->seg = p;
		s->seg_cap = cap;
	}
	s->seg[3 * *n] = a;
	s->seg[3 * *n + 1] = b;
	s->seg[3 * *n + 2] = m;
	(*n)++;
	return 0;
}

/* HF's NormalizedString::split: turn the matches in s->m into pieces of w
 * as behavior says, appended to out (empty pieces dropped). */
static int split_by(gk_tok_scratch *s, const char *w, size_t len, bool invert, gk_tok_split beh,
                    uint8_t flag, gk_tok_list *out)
{
	size_t nseg = 0, prev = 0;
	gk_tok_list *m = &s->m;
	for (size_t k = 0; k < m->n; k++) {
		size_t a = m->off[k], b = m->len[k];
		if (prev != a && seg_push(s, &nseg, prev, a, invert))
			return GK_ENOMEM;
		if (seg_push(s, &nseg, a, b, !invert))
			return GK_ENOMEM;
		prev = b;
	}
	if (prev != len && seg_push(s, &nseg, prev, len, invert))
		return GK_ENOMEM;

	size_t *g = s->seg, nout = 0;
	/* Merge in place: g[0..nout) are the output pieces (flag = removed). */
	switch (beh) {
	case GK_TOK_SPLIT_ISOLATED:
		for (size_t i = 0; i < nseg; i++)
			g[3 * i + 2] = 0;
		nout = nseg;
		break;
	case GK_TOK_SPLIT_REMOVED:
		nout = nseg;
		break;
	case GK_TOK_SPLIT_CONTIGUOUS:
	case GK_TOK_SPLIT_MERGED_WITH_PREVIOUS: {
		bool prev_m = false;
		for (size_t i = 0; i < nseg; i++) {
			bool im = g[3 * i + 2];
			bool merge = beh == GK_TOK_SPLIT_CONTIGUOUS ? im == prev_m : im && !prev_m;
			if (merge && nout > 0) {
				g[3 * (nout - 1) + 1] = g[3 * i + 1];
			} else {
				g[3 * nout] = g[3 * i];
				g[3 * nout + 1] = g[3 * i + 1];
				g[3 * nout + 2] = 0;
				nout++;
			}
			prev_m = im;
		}
		break;
	}
	case GK_TOK_SPLIT_MERGED_WITH_NEXT: {
		/* Walk backwards, building from the end of the array. */
		bool prev_m = false;
		size_t top = nseg; /* output occupies g[top..nseg) */
		for (size_t i = nseg; i-- > 0;) {
			bool im = g[3 * i + 2];
			if (im && !prev_m && top < nseg) {
				g[3 * top] = g[3 * i];
			} else {
				top--;
				size_t a = g[3 * i], b = g[3 * i + 1];
				g[3 * top] = a;
				g[3 * top + 1] = b;
				g[3 * top + 2] = 0;
			}
			prev_m = im;
		}
		memmove(g, g + 3 * top, (nseg - top) * 3 * sizeof *g);
		nout = nseg - top;
		break;
	}
	}
	for (size_t i = 0; i < nout; i++) {
		size_t a = g[3 * i], b = g[3 * i + 1];
		if (g[3 * i + 2] || a == b)
			continue;
		if (gk_tok_list_push(out, w + a, b - a, flag))
			return GK_ENOMEM;
	}
	return 0;
}

/* Matches of a character predicate, each character on its own. */
static int char_matches(gk_tok_scratch *s, const char *w, size_t len, bool (*pred)(int32_t))
{
	gk_tok_list_clear(&s->m);
	for (size_t i = 0, n; i < len; i += n) {
		int32_t cp = gk_tok_utf8_next(w + i, &n);
		if (pred(cp) && push_span(&s->m, i, i + n))
			return GK_ENOMEM;
	}
	return 0;
}

/* GPT-2's byte to printable character map (bytes_to_unicode). */
static int32_t byte_cp(unsigned b)
{
	if ((b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae))
		return (int32_t)b;
	if (b <= 0x20)
		return 256 + (int32_t)b;
	if (b <= 0xa0)
		return 256 + 33 + (int32_t)(b - 0x7f);
	return 256 + 33 + 34; /* 0xad */
}

static int byte_map(const char *w, size_t len, uint8_t flag, gk_tok_list *out)
{
	if (gk_tok_list_open(out, flag) || gk_tok_buf_reserve(&out->text, 2 * len + 1))
		return GK_ENOMEM;
	gk_tok_buf *t = &out->text;
	size_t start = t->n;
	for (size_t i = 0; i < len; i++)
		t->n += gk_tok_utf8_put(byte_cp((unsigned char)w[i]), t->p + t->n);
	out->len[out->n - 1] = t->n - start;
	return 0;
}

static int bert_split(const char *w, size_t len, uint8_t flag, gk_tok_list *out)
{
	size_t start = 0;
	for (size_t i = 0, n; i < len; i += n) {
		int32_t cp = gk_tok_utf8_next(w + i, &n);
		bool ws = gk_tok_is_whitespace(cp);
		if (!ws && !gk_tok_is_bert_punct(cp))
			continue;
		if (i > start && gk_tok_list_push(out, w + start, i - start, flag))
			return GK_ENOMEM;
		if (!ws && gk_tok_list_push(out, w + i, n, flag))
			return GK_ENOMEM;
		start = i + n;
	}
	if (len > start && gk_tok_list_push(out, w + start, len - start, flag))
		return GK_ENOMEM;
	return 0;
}

static int metaspace(const gk_tok_pretok *p, gk_tok_scratch *s, const char *w, size_t len,
                     uint8_t flag, gk_tok_list *out)
{
	gk_tok_buf *b = &s->b;
	b->n = 0;
	size_t rl = strlen(p->replacement);
	bool starts = len >= rl && memcmp(w, p->replacement, rl) == 0;
	if (!starts && w[0] != ' ' &&
	    (p->prepend == GK_TOK_PREPEND_ALWAYS || (p->prepend == GK_TOK_PREPEND_FIRST && flag)))
		if (gk_tok_buf_put(b, p->replacement, rl))
			return GK_ENOMEM;
	/* A leading space becomes the replacement, which then counts as
	 * already prepended. */
	for (size_t i = 0; i < len; i++)
		if (w[i] == ' ' ? gk_tok_buf_put(b, p->replacement, rl) : gk_tok_buf_putc(b, w[i]))
			return GK_ENOMEM;
	if (!p->split)
		return gk_tok_list_push(out, b->p, b->n, flag);
	gk_tok_list_clear(&s->m);
	for (size_t i = 0; i + rl <= b->n;) {
		if (memcmp(b->p + i, p->replacement, rl) == 0) {
			if (push_span(&s->m, i, i + rl))
				return GK_ENOMEM;
			i += rl;
		} else {
			i++;
		}
	}
	return split_by(s, b->p, b->n, false, GK_TOK_SPLIT_MERGED_WITH_NEXT, flag, out);
}

static int pretok_one(const gk_tok_pretok *p, gk_tok_scratch *s, const char *w, size_t len,
                      uint8_t flag, gk_tok_list *out, gk_error *err)
{
	int rc;
	switch (p->type) {
	case GK_TOK_PRE_BERT:
		return bert_split(w, len, flag, out) ? gk_error_nomem(err) : 0;
	case GK_TOK_PRE_WHITESPACE_SPLIT:
		if (char_matches(s, w, len, gk_tok_is_whitespace))
			return gk_error_nomem(err);
		return split_by(s, w, len, false, GK_TOK_SPLIT_REMOVED, flag, out) ? gk_error_nomem(err) : 0;
	case GK_TOK_PRE_DIGITS:
		if (char_matches(s, w, len, gk_tok_is_numeric))
			return gk_error_nomem(err);
		return split_by(s, w, len, false,
		                p->individual ? GK_TOK_SPLIT_ISOLATED : GK_TOK_SPLIT_CONTIGUOUS, flag, out)
		               ? gk_error_nomem(err)
		               : 0;
	case GK_TOK_PRE_PUNCTUATION:
		if (char_matches(s, w, len, gk_tok_is_bert_punct))
			return gk_error_nomem(err);
		return split_by(s, w, len, false, p->behavior, flag, out) ? gk_error_nomem(err) : 0;
	case GK_TOK_PRE_WHITESPACE:
	case GK_TOK_PRE_SPLIT:
		gk_tok_list_clear(&s->m);
		if ((rc = gk_tok_pattern_find(&p->pattern, s, w, len, &s->m, err)))
			return rc;
		if (p->type == GK_TOK_PRE_WHITESPACE)
			rc = split_by(s, w, len, true, GK_TOK_SPLIT_REMOVED, flag, out);
		else
			rc = split_by(s, w, len, p->invert, p->behavior, flag, out);
		return rc ? gk_error_nomem(err) : 0;
	case GK_TOK_PRE_METASPACE:
		return metaspace(p, s, w, len, flag, out) ? gk_error_nomem(err) : 0;
	case GK_TOK_PRE_BYTELEVEL: {
		const char *t = w;
		size_t tl = len;
		if (p->add_prefix_space && w[0] != ' ') {
			gk_tok_buf *b = &s->b;
			b->n = 0;
			if (gk_tok_buf_putc(b, ' ') || gk_tok_buf_put(b, w, len))
				return gk_error_nomem(err);
			t = b->p;
			tl = b->n;
		}
		if (!p->use_regex)
			return byte_map(t, tl, flag, out) ? gk_error_nomem(err) : 0;
		gk_tok_list_clear(&s->m);
		if ((rc = gk_tok_pattern_find(&p->pattern, s, t, tl, &s->m, err)))
			return rc;
		/* Isolated: every match and every gap is a word. */
		size_t prev = 0;
		for (size_t k = 0; k < s->m.n; k++) {
			size_t a = s->m.off[k], b = s->m.len[k];
			if (a > prev && byte_map(t + prev, a - prev, flag, out))
				return gk_error_nomem(err);
			if (b > a && byte_map(t + a, b - a, flag, out))
				return gk_error_nomem(err);
			prev = b;
		}
		if (tl > prev && byte_map(t + prev, tl - prev, flag, out))
			return gk_error_nomem(err);
		return 0;
	}
	}
	return gk_tok_list_push(out, w, len, flag) ? gk_error_nomem(err) : 0;
}

int gk_tok_pretokenize(const gk_tokenizer *tok, gk_tok_scratch *s, const char *text, size_t len,
                       bool at_start, gk_error *err)
{
	gk_tok_list_clear(&s->words);
	if (len == 0)
		return 0;
	/* The flag of a word says whether it begins the input. */
	if (gk_tok_list_push(&s->words, text, len, at_start))
		return gk_error_nomem(err);
	for (size_t i = 0; i < tok->n_pre; i++) {
		gk_tok_list_clear(&s->next);
		for (size_t k = 0; k < s->words.n; k++) {
			int rc = pretok_one(&tok->pre[i], s, gk_tok_list_str(&s->words, k), s->words.len[k],
			                    s->words.flag[k], &s->next, err);
			if (rc)
				return rc;
			/* Only the first piece of a word can begin the input. */
			for (size_t j = 1; s->words.flag[k] && j < s->next.n; j++)
				s->next.flag[j] = 0;
		}
		gk_tok_list t = s->words;
		s->words = s->next;
		s->next = t;
	}
	return 0;
}

/*
 * tok_json.c - reads a HuggingFace tokenizer.json (with jansson) into the
 * tokenizer builder.  Every field is type-checked; a missing or malformed
 * one gives GK_EDATA naming the JSON path.  Parts HF has but gk does not
 * support (Unigram, Precompiled normalizer, ...) are refused by name rather
 * than silently ignored, since ignoring them would change the ids.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "tok_internal.h"

/* GPT-2's pre-tokenizer regex, used by ByteLevel when use_regex is true
 * (HF: pre_tokenizers/byte_level.rs). */
static const char GPT2_RE[] =
	"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
/* HF's Whitespace pre-tokenizer regex. */
static const char WHITESPACE_RE[] = "\\w+|[^\\w\\s]+";

static int bad(gk_error *err, const char *path, const char *what)
{
	return gk_error_set(err, GK_EDATA, "%s: %s", path, what);
}

/* Optional typed getters: absent or null leaves *v unchanged. */
static int get_bool(json_t *o, const char *key, bool *v, const char *path, gk_error *err)
{
	json_t *x = json_object_get(o, key);
	if (!x || json_is_null(x))
		return 0;
	if (!json_is_boolean(x))
		return gk_error_set(err, GK_EDATA, "%s.%s: expected true or false", path, key);
	*v = json_is_true(x);
	return 0;
}

static int get_int(json_t *o, const char *key, long long lo, long long hi, long long *v,
                   const char *path, gk_error *err)
{
	json_t *x = json_object_get(o, key);
	if (!x || json_is_null(x))
		return 0;
	if (!json_is_integer(x) || json_integer_value(x) < lo || json_integer_value(x) > hi)
		return gk_error_set(err, GK_EDATA, "%s.%s: expected an integer in [%lld, %lld]", path, key,
		                    lo, hi);
	*v = json_integer_value(x);
	return 0;
}

/* *v is a new string (or stays NULL when absent/null). */
static int get_str(json_t *o, const char *key, char **v, size_t *len, const char *path,
                   gk_error *err)
{
	json_t *x = json_object_get(o, key);
	if (!x || json_is_null(x))
		return 0;
	if (!json_is_string(x))
		return gk_error_set(err, GK_EDATA, "%s.%s: expected a string", path, key);
	size_t n = json_string_length(x);
	char *s = malloc(n + 1);
	if (!s)
		return gk_error_nomem(err);
	memcpy(s, json_string_value(x), n);
	s[n] = '\0';
	free(*v);
	*v = s;
	if (len)
		*len = n;
	return 0;
}

static const char *type_of(json_t *o)
{
	json_t *t = json_object_get(o, "type");
	return json_is_string(t) ? json_string_value(t) : NULL;
}

/* {"String": "..."} or {"Regex": "..."} */
static int get_pattern(json_t *o, gk_tok_pattern *p, const char *path, gk_error *err)
{
	json_t *x = json_object_get(o, "pattern");
	json_t *s = json_object_get(x, "String"), *r = json_object_get(x, "Regex");
	json_t *v = s ? s : r;
	if (!json_is_object(x) || !json_is_string(v))
		return bad(err, path, "pattern: expected {\"String\": ...} or {\"Regex\": ...}");
	int rc = gk_tok_pattern_init(p, json_string_value(v), json_string_length(v), v == r, err);
	return rc ? gk_error_prefix(err, "%s", path) : 0;
}

static int get_prepend(json_t *o, gk_tok_prepend *v, const char *path, gk_error *err)
{
	bool aps = true;
	int rc = get_bool(o, "add_prefix_space", &aps, path, err);
	if (rc)
		return rc;
	*v = aps ? GK_TOK_PREPEND_ALWAYS : GK_TOK_PREPEND_NEVER;
	json_t *x = json_object_get(o, "prepend_scheme");
	if (!x || json_is_null(x))
		return 0;
	const char *s = json_string_value(x);
	if (s && strcmp(s, "always") == 0)
		*v = GK_TOK_PREPEND_ALWAYS;
	else if (s && strcmp(s, "first") == 0)
		*v = GK_TOK_PREPEND_FIRST;
	else if (s && strcmp(s, "never") == 0)
		*v = GK_TOK_PREPEND_NEVER;
	else
		return bad(err, path, "prepend_scheme: expected \"always\", \"first\" or \"never\"");
	return 0;
}

static int get_replacement(json_t *o, char out[8], const char *path, gk_error *err)
{
	char *r = NULL;
	size_t n = 0;
	int rc = get_str(o, "replacement", &r, &n, path, err);
	if (rc)
		return rc;
	if (!r) {
		strcpy(out, "\xe2\x96\x81"); /* U+2581 */
		return 0;
	}
	size_t cl;
	if (n == 0 || n > 4 || gk_tok_utf8_valid(r, n) != n || (gk_tok_utf8_next(r, &cl), cl != n)) {
		free(r);
		return bad(err, path, "replacement: expected one character");
	}
	memcpy(out, r, n + 1);
	free(r);
	return 0;
}

static int load_normalizer(gk_tokenizer *tok, json_t *o, const char *path, gk_error *err)
{
	if (!o || json_is_null(o))
		return 0;
	const char *t = type_of(o);
	if (!json_is_object(o) || !t)
		return bad(err, path, "expected an object with a \"type\"");
	gk_tok_normalizer n = { 0 };
	int rc = 0;
	if (strcmp(t, "Sequence") == 0) {
		json_t *a = json_object_get(o, "normalizers");
		if (!json_is_array(a))
			return bad(err, path, "Sequence: \"normalizers\" must be an array");
		for (size_t i = 0; i < json_array_size(a); i++) {
			char sub[256];
			snprintf(sub, sizeof sub, "%s.normalizers[%zu]", path, i);
			if ((rc = load_normalizer(tok, json_array_get(a, i), sub, err)))
				return rc;
		}
		return 0;
	} else if (strcmp(t, "BertNormalizer") == 0) {
		n.type = GK_TOK_NORM_BERT;
		n.clean_text = n.chinese = n.lowercase = true;
		if ((rc = get_bool(o, "clean_text", &n.clean_text, path, err)) ||
		    (rc = get_bool(o, "handle_chinese_chars", &n.chinese, path, err)) ||
		    (rc = get_bool(o, "lowercase", &n.lowercase, path, err)))
			return rc;
		/* strip_accents null follows lowercase. */
		n.strip_accents = n.lowercase;
		if ((rc = get_bool(o, "strip_accents", &n.strip_accents, path, err)))
			return rc;
	} else if (strcmp(t, "NFC") == 0) {
		n.type = GK_TOK_NORM_NFC;
	} else if (strcmp(t, "NFD") == 0) {
		n.type = GK_TOK_NORM_NFD;
	} else if (strcmp(t, "NFKC") == 0) {
		n.type = GK_TOK_NORM_NFKC;
	} else if (strcmp(t, "NFKD") == 0) {
		n.type = GK_TOK_NORM_NFKD;
	} else if (strcmp(t, "Lowercase") == 0) {
		n.type = GK_TOK_NORM_LOWERCASE;
	} else if (strcmp(t, "StripAccents") == 0) {
		n.type = GK_TOK_NORM_STRIP_ACCENTS;
	} else if (strcmp(t, "Strip") == 0) {
		n.type = GK_TOK_NORM_STRIP;
		n.left = n.right = true;
		if ((rc = get_bool(o, "strip_left", &n.left, path, err)) ||
		    (rc = get_bool(o, "strip_right", &n.right, path, err)))
			return rc;
	} else if (strcmp(t, "Prepend") == 0) {
		n.type = GK_TOK_NORM_PREPEND;
		if ((rc = get_str(o, "prepend", &n.content, &n.content_len, path, err)))
			return rc;
		if (!n.content)
			return bad(err, path, "Prepend: missing \"prepend\"");
	} else if (strcmp(t, "Replace") == 0) {
		n.type = GK_TOK_NORM_REPLACE;
		if ((rc = get_str(o, "content", &n.content, &n.content_len, path, err)))
			return rc;
		if (!n.content)
			return bad(err, path, "Replace: missing \"content\"");
		if ((rc = get_pattern(o, &n.pattern, path, err))) {
			free(n.content);
			return rc;
		}
	} else {
		return gk_error_set(err, GK_EDATA, "%s: normalizer type \"%s\" is not supported", path, t);
	}
	return gk_tok_push_norm(tok, &n, err);
}

static int get_behavior(json_t *o, gk_tok_split *v, const char *path, gk_error *err)
{
	json_t *x = json_object_get(o, "behavior");
	if (!x)
		return 0;
	static const char *const names[] = { "Removed", "Isolated", "MergedWithPrevious",
		                             "MergedWithNext", "Contiguous" };
	for (int i = 0; i < 5; i++)
		if (json_is_string(x) && strcmp(json_string_value(x), names[i]) == 0) {
			*v = (gk_tok_split)i;
			return 0;
		}
	return bad(err, path, "behavior: expected Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous");
}

static int load_pretok(gk_tokenizer *tok, json_t *o, const char *path, gk_error *err)
{
	if (!o || json_is_null(o))
		return 0;
	const char *t = type_of(o);
	if (!json_is_object(o) || !t)
		return bad(err, path, "expected an object with a \"type\"");
	gk_tok_pretok p = { 0 };
	int rc = 0;
	if (strcmp(t, "Sequence") == 0) {
		json_t *a = json_object_get(o, "pretokenizers");
		if (!json_is_array(a))
			return bad(err, path, "Sequence: \"pretokenizers\" must be an array");
		for (size_t i = 0; i < json_array_size(a); i++) {
			char sub[256];
			snprintf(sub, sizeof sub, "%s.pretokenizers[%zu]", path, i);
			if ((rc = load_pretok(tok, json_array_get(a, i), sub, err)))
				return rc;
		}
		return 0;
	} else if (strcmp(t, "BertPreTokenizer") == 0) {
		p.type = GK_TOK_PRE_BERT;
	} else if (strcmp(t, "WhitespaceSplit") == 0) {
		p.type = GK_TOK_PRE_WHITESPACE_SPLIT;
	} else if (strcmp(t, "Whitespace") == 0) {
		p.type = GK_TOK_PRE_WHITESPACE;
		if ((rc = gk_tok_pattern_init(&p.pattern, WHITESPACE_RE, strlen(WHITESPACE_RE), true, err)))
			return rc;
	} else if (strcmp(t, "Digits") == 0) {
		p.type = GK_TOK_PRE_DIGITS;
		if ((rc = get_bool(o, "individual_digits", &p.individual, path, err)))
			return rc;
	} else if (strcmp(t, "Punctuation") == 0) {
		p.type = GK_TOK_PRE_PUNCTUATION;
		p.behavior = GK_TOK_SPLIT_ISOLATED;
		if ((rc = get_behavior(o, &p.behavior, path, err)))
			return rc;
	} else if (strcmp(t, "ByteLevel") == 0) {
		p.type = GK_TOK_PRE_BYTELEVEL;
		p.add_prefix_space = p.use_regex = true;
		if ((rc = get_bool(o, "add_prefix_space", &p.add_prefix_space, path, err)) ||
		    (rc = get_bool(o, "use_regex", &p.use_regex, path, err)))
			return rc;
		if (p.use_regex &&
		    (rc = gk_tok_pattern_init(&p.pattern, GPT2_RE, strlen(GPT2_RE), true, err)))
			return rc;
	} else if (strcmp(t, "Split") == 0) {
		p.type = GK_TOK_PRE_SPLIT;
		if ((rc = get_behavior(o, &p.behavior, path, err)) ||
		    (rc = get_bool(o, "invert", &p.invert, path, err)))
			return rc;
		if (!json_object_get(o, "behavior"))
			return bad(err, path, "Split: missing \"behavior\"");
		if ((rc = get_pattern(o, &p.pattern, path, err)))
			return rc;
	} else if (strcmp(t, "Metaspace") == 0) {
		p.type = GK_TOK_PRE_METASPACE;
		p.split = true;
		if ((rc = get_replacement(o, p.replacement, path, err)) ||
		    (rc = get_prepend(o, &p.prepend, path, err)) ||
		    (rc = get_bool(o, "split", &p.split, path, err)))
			return rc;
	} else {
		return gk_error_set(err, GK_EDATA, "%s: pre-tokenizer type \"%s\" is not supported", path, t);
	}
	return gk_tok_push_pre(tok, &p, err);
}

static int load_decoder(gk_tokenizer *tok, json_t *o, const char *path, gk_error *err)
{
	if (!o || json_is_null(o))
		return 0;
	const char *t = type_of(o);
	if (!json_is_object(o) || !t)
		return bad(err, path, "expected an object with a \"type\"");
	gk_tok_decoder d = { 0 };
	int rc = 0;
	if (strcmp(t, "Sequence") == 0) {
		json_t *a = json_object_get(o, "decoders");
		if (!json_is_array(a))
			return bad(err, path, "Sequence: \"decoders\" must be an array");
		tok->has_decoder = true;
		for (size_t i = 0; i < json_array_size(a); i++) {
			char sub[256];
			snprintf(sub, sizeof sub, "%s.decoders[%zu]", path, i);
			if ((rc = load_decoder(tok, json_array_get(a, i), sub, err)))
				return rc;
		}
		return 0;
	} else if (strcmp(t, "WordPiece") == 0) {
		d.type = GK_TOK_DEC_WORDPIECE;
		d.cleanup = true;
		if ((rc = get_str(o, "prefix", &d.a, &d.a_len, path, err)) ||
		    (rc = get_bool(o, "cleanup", &d.cleanup, path, err))) {
			free(d.a);
			return rc;
		}
		if (!d.a && !(d.a = strdup("##")))
			return gk_error_nomem(err);
		d.a_len = strlen(d.a);
	} else if (strcmp(t, "ByteLevel") == 0) {
		d.type = GK_TOK_DEC_BYTELEVEL;
	} else if (strcmp(t, "ByteFallback") == 0) {
		d.type = GK_TOK_DEC_BYTEFALLBACK;
	} else if (strcmp(t, "Fuse") == 0) {
		d.type = GK_TOK_DEC_FUSE;
	} else if (strcmp(t, "Metaspace") == 0) {
		char r[8];
		d.type = GK_TOK_DEC_METASPACE;
		if ((rc = get_replacement(o, r, path, err)) || (rc = get_prepend(o, &d.prepend, path, err)))
			return rc;
		if (!(d.a = strdup(r)))
			return gk_error_nomem(err);
		d.a_len = strlen(r);
	} else if (strcmp(t, "Replace") == 0) {
		d.type = GK_TOK_DEC_REPLACE;
		json_t *x = json_object_get(o, "pattern");
		json_t *s = json_object_get(x, "String");
		if (!json_is_string(s))
			return bad(err, path, "Replace: only {\"String\": ...} patterns are supported");
		d.a_len = json_string_length(s);
		if (!(d.a = malloc(d.a_len + 1)))
			return gk_error_nomem(err);
		memcpy(d.a, json_string_value(s), d.a_len + 1);
		if ((rc = get_str(o, "content", &d.b, &d.b_len, path, err))) {
			free(d.a);
			return rc;
		}
		if (!d.b) {
			free(d.a);
			return bad(err, path, "Replace: missing \"content\"");
		}
	} else if (strcmp(t, "Strip") == 0) {
		long long start = 0, stop = 0;
		d.type = GK_TOK_DEC_STRIP;
		if ((rc = get_int(o, "start", 0, 1 << 20, &start, path, err)) ||
		    (rc = get_int(o, "stop", 0, 1 << 20, &stop, path, err)) ||
		    (rc = get_str(o, "content", &d.a, &d.a_len, path, err)))
			return rc;
		if (!d.a)
			return bad(err, path, "Strip: missing \"content\"");
		d.start = (size_t)start;
		d.stop = (size_t)stop;
	} else if (strcmp(t, "BPEDecoder") == 0) {
		d.type = GK_TOK_DEC_BPE;
		if ((rc = get_str(o, "suffix", &d.a, &d.a_len, path, err)))
			return rc;
		if (!d.a && !(d.a = strdup("</w>")))
			return gk_error_nomem(err);
		d.a_len = strlen(d.a);
	} else {
		return gk_error_set(err, GK_EDATA, "%s: decoder type \"%s\" is not supported", path, t);
	}
	return gk_tok_push_dec(tok, &d, err);
}

/* A special token given as [text, id] (Bert/Roberta processors). */
static int special_pair(json_t *o, const char *key, int32_t *id, const char *path, gk_error *err)
{
	json_t *x = json_object_get(o, key);
	json_t *v = json_array_get(x, 1);
	if (!json_is_array(x) || !json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) >= GK_TOK_MAX_ID)
		return gk_error_set(err, GK_EDATA, "%s.%s: expected [token, id]", path, key);
	*id = (int32_t)json_integer_value(v);
	return 0;
}

static int load_template(gk_tok_template *t, json_t *a, json_t *specials, const char *path,
                         gk_error *err)
{
	if (!json_is_array(a))
		return bad(err, path, "expected an array of pieces");
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *e = json_array_get(a, i);
		json_t *sp = json_object_get(e, "SpecialToken"), *sq = json_object_get(e, "Sequence");
		json_t *body = sp ? sp : sq;
		json_t *id = json_object_get(body, "id"), *ty = json_object_get(body, "type_id");
		long long type_id = 0;
		if (!json_is_object(body) || !json_is_string(id) ||
		    (ty && (!json_is_integer(ty) || json_integer_value(ty) < 0 ||
		            json_integer_value(ty) > INT32_MAX)))
			return gk_error_set(err, GK_EDATA,
			                    "%s[%zu]: expected {\"SpecialToken\"|\"Sequence\": {\"id\", \"type_id\"}}",
			                    path, i);
		if (ty)
			type_id = json_integer_value(ty);
		int rc;
		if (sq) {
			const char *s = json_string_value(id);
			if (strcmp(s, "A") != 0 && strcmp(s, "B") != 0)
				return gk_error_set(err, GK_EDATA, "%s[%zu]: sequence id must be A or B", path, i);
			rc = gk_tok_template_add(t, s[0] == 'A' ? 0 : 1, (int32_t)type_id, NULL, 0, err);
		} else {
			json_t *st = json_object_get(specials, json_string_value(id));
			json_t *ids = json_object_get(st, "ids");
			if (!json_is_array(ids))
				return gk_error_set(err, GK_EDATA, "%s[%zu]: special token '%.80s' is not in special_tokens",
				                    path, i, json_string_value(id));
			size_t n = json_array_size(ids);
			int32_t v[16];
			if (n > 16)
				return gk_error_set(err, GK_EDATA, "%s[%zu]: too many ids", path, i);
			for (size_t k = 0; k < n; k++) {
				json_t *x = json_array_get(ids, k);
				if (!json_is_integer(x) || json_integer_value(x) < 0 ||
				    json_integer_value(x) >= GK_TOK_MAX_ID)
					return gk_error_set(err, GK_EDATA, "%s[%zu]: bad id in special token '%.80s'",
					                    path, i, json_string_value(id));
				v[k] = (int32_t)json_integer_value(x);
			}
			rc = gk_tok_template_add(t, -1, (int32_t)type_id, v, n, err);
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int load_post(gk_tokenizer *tok, json_t *o, const char *path, gk_error *err)
{
	if (!o || json_is_null(o))
		return 0;
	const char *t = type_of(o);
	if (!json_is_object(o) || !t)
		return bad(err, path, "expected an object with a \"type\"");
	int rc;
	if (strcmp(t, "Sequence") == 0) {
		json_t *a = json_object_get(o, "processors");
		if (!json_is_array(a))
			return bad(err, path, "Sequence: \"processors\" must be an array");
		for (size_t i = 0; i < json_array_size(a); i++) {
			char sub[256];
			snprintf(sub, sizeof sub, "%s.processors[%zu]", path, i);
			if ((rc = load_post(tok, json_array_get(a, i), sub, err)))
				return rc;
		}
		return 0;
	}
	if (strcmp(t, "ByteLevel") == 0)
		return 0; /* changes offsets only */
	if (tok->has_post)
		return bad(err, path, "more than one post-processor that adds tokens is not supported");
	tok->has_post = true;
	if (strcmp(t, "TemplateProcessing") == 0) {
		json_t *sp = json_object_get(o, "special_tokens");
		if ((rc = load_template(&tok->single, json_object_get(o, "single"), sp, "post_processor.single", err)) ||
		    (rc = load_template(&tok->pair, json_object_get(o, "pair"), sp, "post_processor.pair", err)))
			return rc;
		return 0;
	}
	int32_t cls, sep;
	bool roberta = strcmp(t, "RobertaProcessing") == 0;
	if (!roberta && strcmp(t, "BertProcessing") != 0)
		return gk_error_set(err, GK_EDATA, "%s: post-processor type \"%s\" is not supported", path, t);
	if ((rc = special_pair(o, "cls", &cls, path, err)) ||
	    (rc = special_pair(o, "sep", &sep, path, err)))
		return rc;
	return gk_tok_set_bert_post(tok, cls, sep, roberta, err);
}

static int load_vocab(gk_tokenizer *tok, json_t *v, gk_error *err)
{
	if (!json_is_object(v))
		return bad(err, "model.vocab", "expected an object of token: id");
	for (void *it = json_object_iter(v); it; it = json_object_iter_next(v, it)) {
		const char *key = json_object_iter_key(it);
		/* Keys may hold NUL ("\u0000"): take jansson's length. */
		size_t klen = json_object_iter_key_len(it);
		json_t *val = json_object_iter_value(it);
		if (!json_is_integer(val) || json_integer_value(val) < 0 ||
		    json_integer_value(val) >= GK_TOK_MAX_ID)
			return gk_error_set(err, GK_EDATA, "model.vocab: token '%.80s' has a bad id", key);
		int rc = gk_tok_add_token(tok, key, klen, (int32_t)json_integer_value(val), err);
		if (rc)
			return gk_error_prefix(err, "model.vocab");
	}
	return 0;
}

static int load_merges(gk_tokenizer *tok, json_t *m, gk_error *err)
{
	if (!json_is_array(m))
		return bad(err, "model.merges", "expected an array");
	for (size_t i = 0; i < json_array_size(m); i++) {
		json_t *e = json_array_get(m, i);
		const char *a, *b;
		size_t al, bl;
		if (json_is_string(e)) {
			/* "a b": exactly one space, as HF requires. */
			const char *s = json_string_value(e);
			size_t n = json_string_length(e);
			const char *sp = memchr(s, ' ', n);
			if (!sp || memchr(sp + 1, ' ', n - (size_t)(sp + 1 - s)))
				return gk_error_set(err, GK_EDATA, "model.merges[%zu]: expected \"left right\"", i);
			a = s;
			al = (size_t)(sp - s);
			b = sp + 1;
			bl = n - al - 1;
		} else if (json_is_array(e) && json_array_size(e) == 2 &&
		           json_is_string(json_array_get(e, 0)) && json_is_string(json_array_get(e, 1))) {
			a = json_string_value(json_array_get(e, 0));
			al = json_string_length(json_array_get(e, 0));
			b = json_string_value(json_array_get(e, 1));
			bl = json_string_length(json_array_get(e, 1));
		} else {
			return gk_error_set(err, GK_EDATA, "model.merges[%zu]: expected \"left right\" or [left, right]", i);
		}
		int rc = gk_tok_add_merge(tok, a, al, b, bl, err);
		if (rc)
			return gk_error_prefix(err, "model.merges");
	}
	return 0;
}

static int load_model(gk_tokenizer *tok, json_t *m, gk_error *err)
{
	if (!json_is_object(m))
		return bad(err, "model", "missing (expected an object)");
	const char *t = type_of(m);
	if (!t)
		t = json_object_get(m, "merges") ? "BPE" : json_object_get(m, "max_input_chars_per_word") ? "WordPiece" : "";
	int rc;
	char *unk = NULL;
	if (strcmp(t, "WordPiece") == 0) {
		long long maxc = 100;
		tok->model = GK_TOK_MODEL_WORDPIECE;
		if ((rc = load_vocab(tok, json_object_get(m, "vocab"), err)) ||
		    (rc = get_str(m, "unk_token", &unk, NULL, "model", err)) ||
		    (rc = get_str(m, "continuing_subword_prefix", &tok->cont_prefix, NULL, "model", err)) ||
		    (rc = get_int(m, "max_input_chars_per_word", 0, 1LL << 40, &maxc, "model", err)))
			goto out;
		tok->max_input_chars = (size_t)maxc;
		if (!tok->cont_prefix && !(tok->cont_prefix = strdup("##"))) {
			rc = gk_error_nomem(err);
			goto out;
		}
		rc = gk_tok_set_unk(tok, unk ? unk : "[UNK]", err);
	} else if (strcmp(t, "BPE") == 0) {
		tok->model = GK_TOK_MODEL_BPE;
		if ((rc = load_vocab(tok, json_object_get(m, "vocab"), err)) ||
		    (rc = load_merges(tok, json_object_get(m, "merges"), err)) ||
		    (rc = get_str(m, "unk_token", &unk, NULL, "model", err)) ||
		    (rc = get_str(m, "continuing_subword_prefix", &tok->cont_prefix, NULL, "model", err)) ||
		    (rc = get_str(m, "end_of_word_suffix", &tok->eow_suffix, NULL, "model", err)) ||
		    (rc = get_bool(m, "fuse_unk", &tok->fuse_unk, "model", err)) ||
		    (rc = get_bool(m, "byte_fallback", &tok->byte_fallback, "model", err)) ||
		    (rc = get_bool(m, "ignore_merges", &tok->ignore_merges, "model", err)))
			goto out;
		/* An empty prefix or suffix is the same as none. */
		if (tok->cont_prefix && !*tok->cont_prefix) {
			free(tok->cont_prefix);
			tok->cont_prefix = NULL;
		}
		if (tok->eow_suffix && !*tok->eow_suffix) {
			free(tok->eow_suffix);
			tok->eow_suffix = NULL;
		}
		if (unk)
			rc = gk_tok_set_unk(tok, unk, err);
	} else {
		rc = gk_error_set(err, GK_EDATA, "model: type \"%s\" is not supported (WordPiece and BPE are)", t);
	}
out:
	free(unk);
	return rc;
}

static int load_added(gk_tokenizer *tok, json_t *a, gk_error *err)
{
	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return bad(err, "added_tokens", "expected an array");
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *e = json_array_get(a, i);
		json_t *c = json_object_get(e, "content");
		char path[64];
		snprintf(path, sizeof path, "added_tokens[%zu]", i);
		long long id = -1;
		gk_tok_added t = { 0 };
		int rc;
		if (!json_is_string(c) || !json_object_get(e, "id"))
			return bad(err, path, "expected {\"id\", \"content\", ...}");
		if ((rc = get_int(e, "id", 0, GK_TOK_MAX_ID - 1, &id, path, err)) ||
		    (rc = get_bool(e, "special", &t.special, path, err)))
			return rc;
		t.normalized = !t.special;
		if ((rc = get_bool(e, "single_word", &t.single_word, path, err)) ||
		    (rc = get_bool(e, "lstrip", &t.lstrip, path, err)) ||
		    (rc = get_bool(e, "rstrip", &t.rstrip, path, err)) ||
		    (rc = get_bool(e, "normalized", &t.normalized, path, err)))
			return rc;
		t.id = (int32_t)id;
		if ((rc = gk_tok_add_added(tok, json_string_value(c), json_string_length(c), &t, err)))
			return gk_error_prefix(err, "%s", path);
	}
	return 0;
}

int gk_tok_load_json_into(gk_tokenizer *tok, const char *json, size_t len, gk_error *err)
{
	json_error_t je;
	json_t *root = json_loadb(json, len, JSON_ALLOW_NUL, &je);
	if (!root)
		return gk_error_set(err, GK_EDATA, "line %d column %d: %s", je.line, je.column, je.text);
	int rc;
	if (!json_is_object(root))
		rc = bad(err, "top level", "expected an object");
	else if (!(rc = load_model(tok, json_object_get(root, "model"), err)) &&
	         !(rc = load_added(tok, json_object_get(root, "added_tokens"), err)) &&
	         !(rc = load_normalizer(tok, json_object_get(root, "normalizer"), "normalizer", err)) &&
	         !(rc = load_pretok(tok, json_object_get(root, "pre_tokenizer"), "pre_tokenizer", err)) &&
	         !(rc = load_post(tok, json_object_get(root, "post_processor"), "post_processor", err)))
		rc = load_decoder(tok, json_object_get(root, "decoder"), "decoder", err);
	json_decref(root);
	return rc;
}

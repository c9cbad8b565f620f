/*
 * tok_internal.h - the in-memory tokenizer shared by the tok_*.c files.
 *
 * A tokenizer is built through the builder functions at the end of this
 * header, which know nothing of JSON: tok_json.c feeds them from a
 * tokenizer.json, tok_load.c from a BERT vocab.txt, and a later GGUF loader
 * can feed them vocabulary, merges and token types the same way.  Nothing
 * here is public API; programs use tokenizer.h.
 */
#ifndef GK_TOK_INTERNAL_H
#define GK_TOK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "error.h"
#include "tok_map.h"
#include "tok_text.h"
#include "tokenizer.h"

/* The largest id a tokenizer file may use: bounds the id table a corrupt
 * file can make us allocate. */
#define GK_TOK_MAX_ID (1 << 24)

/* A regular expression or a literal string, as HF's Pattern. */
typedef struct gk_tok_pattern {
	char *str;         /* the literal, or the original regex (for messages) */
	size_t len;
	pcre2_code *re;    /* NULL for a literal */
} gk_tok_pattern;

typedef enum gk_tok_norm_type {
	GK_TOK_NORM_BERT,
	GK_TOK_NORM_NFC,
	GK_TOK_NORM_NFD,
	GK_TOK_NORM_NFKC,
	GK_TOK_NORM_NFKD,
	GK_TOK_NORM_LOWERCASE,
	GK_TOK_NORM_STRIP_ACCENTS,
	GK_TOK_NORM_PREPEND,
	GK_TOK_NORM_REPLACE,
	GK_TOK_NORM_STRIP,
} gk_tok_norm_type;

typedef struct gk_tok_normalizer {
	gk_tok_norm_type type;
	bool clean_text, chinese, strip_accents, lowercase; /* BERT */
	bool left, right;                                   /* STRIP */
	gk_tok_pattern pattern;                             /* REPLACE */
	char *content;                                      /* PREPEND, REPLACE */
	size_t content_len;
} gk_tok_normalizer;

/* HF's SplitDelimiterBehavior. */
typedef enum gk_tok_split {
	GK_TOK_SPLIT_REMOVED,
	GK_TOK_SPLIT_ISOLATED,
	GK_TOK_SPLIT_MERGED_WITH_PREVIOUS,
	GK_TOK_SPLIT_MERGED_WITH_NEXT,
	GK_TOK_SPLIT_CONTIGUOUS,
} gk_tok_split;

typedef enum gk_tok_pre_type {
	GK_TOK_PRE_BERT,
	GK_TOK_PRE_BYTELEVEL,
	GK_TOK_PRE_SPLIT,
	GK_TOK_PRE_METASPACE,
	GK_TOK_PRE_WHITESPACE,       /* \w+|[^\w\s]+ */
	GK_TOK_PRE_WHITESPACE_SPLIT, /* split on whitespace */
	GK_TOK_PRE_DIGITS,
	GK_TOK_PRE_PUNCTUATION,
} gk_tok_pre_type;

typedef enum gk_tok_prepend {
	GK_TOK_PREPEND_ALWAYS,
	GK_TOK_PREPEND_FIRST,
	GK_TOK_PREPEND_NEVER,
} gk_tok_prepend;

typedef struct gk_tok_pretok {
	gk_tok_pre_type type;
	bool add_prefix_space, use_regex; /* BYTELEVEL */
	gk_tok_pattern pattern;           /* SPLIT, and BYTELEVEL/WHITESPACE's regex */
	gk_tok_split behavior;            /* SPLIT, PUNCTUATION */
	bool invert;                      /* SPLIT */
	char replacement[8];              /* METASPACE: UTF-8 of one character */
	gk_tok_prepend prepend;           /* METASPACE */
	bool split;                       /* METASPACE */
	bool individual;                  /* DIGITS */
} gk_tok_pretok;

typedef enum gk_tok_model_type { GK_TOK_MODEL_WORDPIECE, GK_TOK_MODEL_BPE } gk_tok_model_type;

/* One entry of an added-token list, as HF's AddedToken. */
typedef struct gk_tok_added {
	int32_t id;
	uint32_t off, len; /* its text in added_map.arena (set by gk_tok_add_added) */
	bool special, single_word, lstrip, rstrip, normalized;
} gk_tok_added;

/* A byte trie over added-token texts, for leftmost-longest matching. */
typedef struct gk_tok_trie {
	gk_tok_u64map edges; /* (node << 8 | byte) -> child node */
	int32_t *leaf;       /* (n_nodes) index into added[], or -1 */
	size_t n_nodes, cap_nodes;
	uint8_t first[32];   /* bitset of bytes that start some token */
} gk_tok_trie;

/* One element of a post-processing template: a sequence (A or B) or the
 * ids of a special token. */
typedef struct gk_tok_piece {
	int seq;           /* 0 for A, 1 for B, -1 for special ids */
	int32_t type_id;
	int32_t *ids;      /* (n_ids) when seq == -1 */
	size_t n_ids;
} gk_tok_piece;

typedef struct gk_tok_template {
	gk_tok_piece *p; /* (n) */
	size_t n;
} gk_tok_template;

typedef enum gk_tok_dec_type {
	GK_TOK_DEC_WORDPIECE,
	GK_TOK_DEC_BYTELEVEL,
	GK_TOK_DEC_METASPACE,
	GK_TOK_DEC_REPLACE,
	GK_TOK_DEC_BYTEFALLBACK,
	GK_TOK_DEC_FUSE,
	GK_TOK_DEC_STRIP,
	GK_TOK_DEC_BPE,
} gk_tok_dec_type;

typedef struct gk_tok_decoder {
	gk_tok_dec_type type;
	char *a; size_t a_len; /* WORDPIECE prefix, REPLACE pattern, METASPACE
	                        * replacement, STRIP content, BPE suffix */
	char *b; size_t b_len; /* REPLACE content */
	bool cleanup;          /* WORDPIECE */
	gk_tok_prepend prepend; /* METASPACE */
	size_t start, stop;    /* STRIP */
} gk_tok_decoder;

struct gk_tokenizer {
	/* The model's vocabulary: text -> id, and id -> text. */
	gk_tok_strmap vocab;
	/* id -> (offset, length) in vocab.arena or added_map.arena; length
	 * UINT32_MAX where no token has that id. */
	uint32_t *id_off, *id_len; /* (n_ids) */
	uint8_t *id_from_added;    /* (n_ids) where the text is: 0 vocab.arena,
	                            * 1 added_map.arena, 2 added_norm.arena */
	uint8_t *id_special;       /* (n_ids) 1 for special added tokens */
	size_t n_ids;

	gk_tok_model_type model;
	int32_t unk_id;              /* -1 when none */
	char *cont_prefix;           /* WordPiece "##"; BPE continuing_subword_prefix or NULL */
	char *eow_suffix;            /* BPE end_of_word_suffix or NULL */
	size_t max_input_chars;      /* WordPiece */
	bool byte_fallback, fuse_unk, ignore_merges;
	/* BPE merges: (left id << 32 | right id) -> (rank << 32 | merged id) */
	gk_tok_u64map merges;
	size_t n_merges;
	int32_t byte_ids[256];       /* <0xNN> tokens for byte fallback, or -1 */

	/* Added tokens: matched in the raw text (normalized false) or in the
	 * normalized text (normalized true) before pre-tokenization. */
	gk_tok_added *added;         /* (n_added) */
	size_t n_added, cap_added;
	gk_tok_strmap added_map;     /* text -> index into added[] */
	gk_tok_strmap added_norm;    /* normalized text of "normalized" added
	                              * tokens -> index; HF decodes to this text */
	gk_tok_trie trie_raw, trie_norm;

	gk_tok_normalizer *norm; size_t n_norm;
	gk_tok_pretok *pre; size_t n_pre;
	gk_tok_decoder *dec; size_t n_dec;
	bool has_decoder;
	gk_tok_template single, pair; /* post-processing; n == 0: none */
	bool has_post;

	size_t max_length;
	int32_t role[GK_TOKEN_ROLE_COUNT];
};

/* Per-call scratch space: encode allocates one on the stack and frees it,
 * so a shared tokenizer stays read-only. */
typedef struct gk_tok_scratch {
	gk_tok_buf a, b, c;        /* normalization ping-pong, key building */
	gk_tok_list words, next;   /* pre-tokenization: current and next words */
	gk_tok_list m;             /* pattern matches: off = start, len = end */
	size_t *seg; size_t seg_cap; /* (3 * seg_cap) split segments */
	pcre2_match_data *md;
	pcre2_jit_stack *jit;
	pcre2_match_context *mctx;
	void *sym; size_t sym_cap;   /* BPE symbols */
	void *heap; size_t heap_cap; /* BPE merge queue */
} gk_tok_scratch;

void gk_tok_scratch_free(gk_tok_scratch *s);

/* A growable array of ids. */
typedef struct gk_tok_ids {
	int32_t *v;
	size_t n, cap;
} gk_tok_ids;

int gk_tok_ids_push(gk_tok_ids *ids, int32_t id);

/* --- builder (tok_build.c) --------------------------------------------- */

/* A new empty tokenizer (model WordPiece, no pipeline), or NULL. */
gk_tokenizer *gk_tok_new(void);
/* Add a model token with its id.  GK_EDATA for a bad id or a duplicate text. */
int gk_tok_add_token(gk_tokenizer *tok, const char *s, size_t len, int32_t id, gk_error *err);
/* Add the next BPE merge (rank = order of calls) of two token texts. */
int gk_tok_add_merge(gk_tokenizer *tok, const char *a, size_t alen,
                     const char *b, size_t blen, gk_error *err);
/* Add an added token (its text and flags); GK_EDATA for a bad id. */
int gk_tok_add_added(gk_tokenizer *tok, const char *s, size_t len, const gk_tok_added *a,
                     gk_error *err);
/* Append a pipeline stage; the tokenizer takes ownership of its pointers
 * (also on failure). */
int gk_tok_push_norm(gk_tokenizer *tok, gk_tok_normalizer *n, gk_error *err);
int gk_tok_push_pre(gk_tokenizer *tok, gk_tok_pretok *p, gk_error *err);
int gk_tok_push_dec(gk_tokenizer *tok, gk_tok_decoder *d, gk_error *err);
/* Set the unknown token by text (must be in the vocabulary). */
int gk_tok_set_unk(gk_tokenizer *tok, const char *s, gk_error *err);
/* Check the whole and build the lookup tables; call once, last. */
int gk_tok_finish(gk_tokenizer *tok, gk_error *err);
/* Compile a regex (HF/Oniguruma syntax, adapted for PCRE2) or copy a
 * literal into p. */
int gk_tok_pattern_init(gk_tok_pattern *p, const char *s, size_t len, bool regex, gk_error *err);
void gk_tok_pattern_free(gk_tok_pattern *p);
void gk_tok_template_free(gk_tok_template *t);
/* Append a piece: seq 0 (A), 1 (B), or -1 with n special ids. */
int gk_tok_template_add(gk_tok_template *t, int seq, int32_t type_id, const int32_t *ids,
                        size_t n, gk_error *err);
/* Templates of BertProcessing (or RobertaProcessing). */
int gk_tok_set_bert_post(gk_tokenizer *tok, int32_t cls, int32_t sep, bool roberta, gk_error *err);

/* Fill tok from the text of a tokenizer.json (tok_json.c); errors do not
 * name the file (the caller prefixes it). */
int gk_tok_load_json_into(gk_tokenizer *tok, const char *json, size_t len, gk_error *err);

/* --- pipeline stages --------------------------------------------------- */

/* Normalize in->out with every normalizer in turn (tok_normalize.c). */
int gk_tok_normalize(const gk_tokenizer *tok, gk_tok_scratch *s, const char *in, size_t len,
                     gk_tok_buf *out, gk_error *err);
/* Split text into words with the pre-tokenizers (tok_pretok.c); the result
 * is in s->words.  at_start: text begins the input (Metaspace "first"). */
int gk_tok_pretokenize(const gk_tokenizer *tok, gk_tok_scratch *s, const char *text, size_t len,
                       bool at_start, gk_error *err);
/* All non-overlapping matches of p in text, in order, appended to
 * out as (start, end) pairs. */
int gk_tok_pattern_find(const gk_tok_pattern *p, gk_tok_scratch *s, const char *text, size_t len,
                        gk_tok_list *out, gk_error *err);
/* Tokenize one word with the model, appending ids (tok_wordpiece.c, tok_bpe.c). */
int gk_tok_wordpiece(const gk_tokenizer *tok, gk_tok_scratch *s, const char *w, size_t len,
                     gk_tok_ids *ids);
int gk_tok_bpe(const gk_tokenizer *tok, gk_tok_scratch *s, const char *w, size_t len,
               gk_tok_ids *ids);
/* Leftmost-longest match of an added token at text[pos..]: returns the
 * index into tok->added and sets *end, or -1 (tok_added.c). */
int32_t gk_tok_trie_match(const gk_tok_trie *t, const char *text, size_t len, size_t pos,
                          size_t *end);
int gk_tok_trie_add(gk_tok_trie *t, const char *s, size_t len, int32_t value);
void gk_tok_trie_free(gk_tok_trie *t);
/* Split text on the added tokens of trie t; calls back for each piece
 * (id -1 for text between tokens). */
typedef int (*gk_tok_piece_fn)(void *ctx, const char *p, size_t len, size_t off, int32_t id);
int gk_tok_added_split(const gk_tokenizer *tok, const gk_tok_trie *t, const char *text,
                       size_t len, gk_tok_piece_fn fn, void *ctx);
/* Truncate and apply the post-processing template (tok_post.c); b NULL
 * for a single text. */
int gk_tok_post_process(const gk_tokenizer *tok, const gk_tok_ids *a, const gk_tok_ids *b,
                        const gk_encode_options *opt, gk_encoding *out, gk_error *err);
/* Decode tokens (tok_decode.c). */
int gk_tok_decode_tokens(const gk_tokenizer *tok, gk_tok_list *tokens, gk_tok_buf *out,
                         gk_error *err);

#endif

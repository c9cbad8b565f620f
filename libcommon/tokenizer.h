/*
 * tokenizer.h - text to token ids and back, exactly as HuggingFace
 * tokenizers does it for a model's tokenizer.json.
 *
 * Supported: WordPiece (BERT) and BPE models (byte-level as GPT-2 and Qwen,
 * SentencePiece-style with byte fallback as Llama 2 and Gemma 3), the
 * normalizers, pre-tokenizers, post-processors and decoders those models
 * use, added and special tokens, pairs of texts and truncation.  This is not
 * a trainer, computes no character offsets, and does no padding: a program
 * that batches pads for itself.
 *
 * Ownership: gk_tokenizer_load returns a tokenizer the caller frees with
 * gk_tokenizer_free.  A loaded tokenizer is read-only, so any number of
 * threads may encode and decode with it at once.  Strings returned by
 * gk_tokenizer_token stay valid until the tokenizer is freed.
 */
#ifndef GK_TOKENIZER_H
#define GK_TOKENIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef struct gk_tokenizer gk_tokenizer;

/* Load a tokenizer from path, which is either a model directory or a
 * tokenizer.json file, or a GGUF model file (its tokenizer.ggml.* metadata,
 * see gguf_tok.h).  A directory is read as HuggingFace lays one out:
 * tokenizer.json when present, else vocab.txt as a BERT WordPiece
 * vocabulary with BERT's defaults (lowercase and strip accents unless
 * tokenizer_config.json says do_lower_case false, [CLS] A [SEP] template).
 * tokenizer_config.json beside the file, when present, gives the model's
 * maximum length and the names of its special tokens.
 * Returns 0 and sets *out, or GK_ENOINPUT (no such file, or a directory
 * holding neither file), GK_EDATA (malformed or unsupported file; err
 * names the file and the problem), GK_EIO, GK_ENOMEM. */
int gk_tokenizer_load(gk_tokenizer **out, const char *path, gk_error *err);

/* Load from the text of a tokenizer.json held in memory; name is used in
 * error messages only.  Same returns as gk_tokenizer_load. */
int gk_tokenizer_load_json(gk_tokenizer **out, const char *json, size_t len,
                           const char *name, gk_error *err);

void gk_tokenizer_free(gk_tokenizer *tok);

/* The result of an encode.  The arrays are owned by the encoding and reused
 * by the next encode into it (start from a zeroed struct, or
 * gk_encoding_init); free them with gk_encoding_free. */
typedef struct gk_encoding {
	int32_t *ids;      /* (n) token ids */
	int32_t *type_ids; /* (n) token type (segment) ids: 0 first text, 1 pair */
	uint8_t *special;  /* (n) 1 for a token the post-processor added */
	size_t n, cap;
	bool truncated;    /* tokens were dropped to fit max_tokens */
} gk_encoding;

void gk_encoding_init(gk_encoding *enc);
/* Frees the arrays and zeroes the struct; enc NULL is a no-op. */
void gk_encoding_free(gk_encoding *enc);

typedef struct gk_encode_options {
	bool add_special_tokens; /* run the post-processor ([CLS] ... [SEP], <bos>) */
	size_t max_tokens;       /* 0: no limit; else at most this many tokens,
	                          * special tokens included, cut from the end
	                          * (HF's "longest_first" strategy for pairs) */
} gk_encode_options;

/* Encode text (len bytes of UTF-8, need not be NUL-terminated), or the pair
 * (text, pair) when pair is not NULL, into out.  opt NULL means
 * add_special_tokens true and no limit.  Returns 0, GK_EDATA when the input
 * is not valid UTF-8 (err gives the byte offset), GK_ENOMEM. */
int gk_tokenizer_encode(const gk_tokenizer *tok, const char *text, size_t len,
                        const char *pair, size_t pair_len,
                        const gk_encode_options *opt, gk_encoding *out,
                        gk_error *err);

/* Decode n ids to text with the tokenizer's decoder; skip_special drops
 * special added tokens.  *text is a new NUL-terminated string the caller
 * frees with free(); *len (when not NULL) is its length.  Returns 0,
 * GK_EDATA for an id outside the vocabulary, GK_ENOMEM. */
int gk_tokenizer_decode(const gk_tokenizer *tok, const int32_t *ids, size_t n,
                        bool skip_special, char **text, size_t *len,
                        gk_error *err);

/* One more than the largest id, added tokens included. */
size_t gk_tokenizer_vocab_size(const gk_tokenizer *tok);
/* The id of a token's exact text (added tokens first, then the model's
 * vocabulary), or -1. */
int32_t gk_tokenizer_token_id(const gk_tokenizer *tok, const char *token);
/* The text of a token (NUL-terminated), or NULL for an unknown id. */
const char *gk_tokenizer_token(const gk_tokenizer *tok, int32_t id);
/* Whether id is a special added token (skipped by decode's skip_special). */
bool gk_tokenizer_is_special(const gk_tokenizer *tok, int32_t id);

/* The model's maximum sequence length from tokenizer_config.json
 * (model_max_length), or 0 when unknown. */
size_t gk_tokenizer_max_length(const gk_tokenizer *tok);

typedef enum gk_token_role {
	GK_TOKEN_ROLE_BOS,
	GK_TOKEN_ROLE_EOS,
	GK_TOKEN_ROLE_UNK,
	GK_TOKEN_ROLE_PAD,
	GK_TOKEN_ROLE_CLS,
	GK_TOKEN_ROLE_SEP,
	GK_TOKEN_ROLE_MASK,
	GK_TOKEN_ROLE_COUNT
} gk_token_role;

/* The id of the token playing role, or -1 when the tokenizer has none. */
int32_t gk_tokenizer_special_id(const gk_tokenizer *tok, gk_token_role role);

/* How many tokens the post-processor adds to a single text or a pair. */
size_t gk_tokenizer_num_special(const gk_tokenizer *tok, bool pair);

#endif

/*
 * gguf_tok.h - a tokenizer from a GGUF file's tokenizer.ggml.* metadata
 * (see gguf_tok.c for how each kind maps onto HuggingFace's pipeline).
 * gk_tokenizer_load() calls this for a path that is a GGUF file.
 */
#ifndef GK_GGUF_TOK_H
#define GK_GGUF_TOK_H

#include "error.h"
#include "gguf.h"
#include "tokenizer.h"

/* Open path and build its tokenizer.  *out is owned by the caller:
 * gk_tokenizer_free().  Errors: those of gk_gguf_open, GK_EDATA for a file
 * without a (supported) tokenizer, naming the file and key. */
int gk_tokenizer_load_gguf(gk_tokenizer **out, const char *path, gk_error *err);

/* The same from an open file into tok (fresh from gk_tok_new), finished
 * on success; on error tok is for gk_tokenizer_free only. */
int gk_tok_load_gguf_into(gk_tokenizer *tok, const gk_gguf *g, gk_error *err);

#endif

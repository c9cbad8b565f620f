/*
 * model.h - a sentence-embedding model directory as users download it:
 * the public entry point for gk-encode and gk-pool.
 *
 *   gk_model *m;
 *   gk_model_opts o = {.n_threads = 2};
 *   if (gk_model_load(&m, "all-MiniLM-L6-v2", &o, &err) < 0) ...
 *   float *h = malloc(gk_sequences_tokens(seqs, n) * gk_model_hidden_size(m) * sizeof *h);
 *   gk_model_encode(m, seqs, n, h, &err);          // per-token hidden states
 *   gk_model_pool(m, h, seqs[0].len, vec, &err);    // one sequence -> vector
 *
 * The directory holds config.json, model.safetensors (or shards with
 * model.safetensors.index.json), and optionally sentence-transformers'
 * modules.json, 1_Pooling/, N_Dense/, Normalize.  The transformer is a
 * BERT encoder, or a decoder LM run as an encoder (EmbeddingGemma:
 * Gemma 3 bidirectional; Qwen3-Embedding: Qwen3 causal), chosen by
 * config.json's model_type (encoder.h).  Not here: tokenizers (the model's tokenizer files are read by
 * the tokenizer code), streams.
 */
#ifndef GK_MODEL_H
#define GK_MODEL_H

#include <stddef.h>

#include "bert.h"
#include "error.h"
#include "st_modules.h"

typedef struct gk_model gk_model;

typedef struct gk_model_opts {
	int n_threads;          /* threads for encoding; <= 0 means 1 */
	int reference_kernels;  /* 1: plain reference loops (tests only; slow) */
} gk_model_opts;

/* Load the model in dir.  opts may be NULL (1 thread).  *out is owned by
 * the caller: gk_model_free().  The weights file stays mapped while the
 * model lives (f32 weights are used in place).  Errors name the file:
 * GK_ENOINPUT (missing config.json or weights), GK_EDATA (corrupt or
 * unsupported), GK_ENOMEM. */
int gk_model_load(gk_model **out, const char *dir, const gk_model_opts *opts, gk_error *err);
void gk_model_free(gk_model *m);

/* Borrowed, valid while m lives; NULL when the model is not a BERT
 * encoder (gk_model_is_lm). */
const gk_bert_config *gk_model_config(const gk_model *m);
int gk_model_is_lm(const gk_model *m);
const gk_st_modules *gk_model_modules(const gk_model *m);

int gk_model_hidden_size(const gk_model *m);  /* per-token width of gk_model_encode */
int gk_model_output_dim(const gk_model *m);   /* length of gk_model_pool's vector */
int gk_model_vocab_size(const gk_model *m);   /* token ids must be below this */
int gk_model_max_tokens(const gk_model *m);   /* longest sequence gk_model_encode takes */
int gk_model_type_vocab_size(const gk_model *m); /* type ids below this; 0: none taken (LM) */
/* 0 when modules.json was absent and defaults (mean pooling) apply. */
int gk_model_has_st_modules(const gk_model *m);

/* Change the thread count for later calls. */
void gk_model_set_threads(gk_model *m, int n_threads);

/* Forward pass: out (total tokens, hidden), see gk_bert_encode and
 * gk_lm_hidden.  The model is read-only here, so concurrent calls on one
 * model are safe.  A BERT model sets OpenBLAS to 1 thread (the parallelism
 * is the model's own); an LM gives OpenBLAS the model's thread count. */
int gk_model_encode(const gk_model *m, const gk_sequence *seqs, size_t n,
	float *out, gk_error *err);

/* One sequence's hidden states (len, hidden) -> out (output_dim) through
 * the sentence-transformers modules (pooling, dense, normalize). */
int gk_model_pool(const gk_model *m, const float *hidden, size_t len, float *out, gk_error *err);
/* The same when the first prompt_len tokens are a prompt (see
 * gk_st_modules_apply_prompt: left out only if the model says so). */
int gk_model_pool_prompt(const gk_model *m, const float *hidden, size_t len, size_t prompt_len,
	float *out, gk_error *err);

#endif

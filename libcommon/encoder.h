/*
 * encoder.h - which forward pass turns a model directory's tokens into
 * hidden states: a BERT encoder (bert.h) or a decoder LM used as an
 * encoder (lm.h), as Gecko-class embedding models are.
 *
 *   EmbeddingGemma   model_type gemma3_text, use_bidirectional_attention:
 *                    Gemma 3 run bidirectionally (sliding layers see a
 *                    symmetric window), then mean pooling and Dense layers
 *   Qwen3-Embedding  model_type qwen3: Qwen3 run causally, then last-token
 *                    pooling (the tokenizer appends <|endoftext|>)
 *
 * The choice reads config.json's model_type only; the LM's own config
 * reader (lm_config.h) decides causal or bidirectional.  Not here: pooling
 * (st_modules.h), tokenizing, the model handle (model.h glues these).
 */
#ifndef GK_ENCODER_H
#define GK_ENCODER_H

#include <stddef.h>

#include "bert.h"
#include "error.h"
#include "lm.h"

typedef enum gk_encoder_kind {
	GK_ENCODER_BERT, /* model_type "bert" or none (older BERT configs omit it) */
	GK_ENCODER_LM,   /* "gemma3_text", "gemma3", "qwen3", "qwen2", "llama" */
} gk_encoder_kind;

/* The kind of dir/config.json.  GK_ENOINPUT (no config.json), GK_EDATA
 * (not JSON, or a model_type neither path runs: the message lists those
 * that are), GK_ENOMEM. */
int gk_encoder_kind_of(const char *dir, gk_encoder_kind *kind, gk_error *err);

/* The LM's final hidden states for token sequences as gk-encode batches
 * them: out (sum of lengths, hidden), row offs(s) + i for token i of
 * sequence s.  type_ids must be NULL (an LM has none: GK_EDATA).  Causal
 * or bidirectional as lm->cfg.bidirectional says. */
int gk_lm_encode(const gk_lm *lm, const gk_sequence *seqs, size_t n, float *out,
	const gk_lm_run *run, gk_error *err);

#endif

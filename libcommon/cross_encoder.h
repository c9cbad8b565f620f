/*
 * cross_encoder.h - a BERT cross-encoder (transformers'
 * BertForSequenceClassification, e.g. cross-encoder/ms-marco-MiniLM-L-6-v2):
 * a (query, passage) pair in, one relevance logit out.
 *
 *   BertModel -> first token's hidden state -> pooler (dense + tanh)
 *             -> classifier (num_labels, hidden) -> logits
 *
 * sentence-transformers' CrossEncoder returns the logit (a sigmoid is an
 * option that keeps the ranking), so the logit is the score.  The encoder
 * is bert.h's; this file adds the pooler and classifier and the checks of
 * config.json's architecture and labels.  Not here: tokenizing the pair
 * ([CLS] q [SEP] p [SEP], type ids 0/1 -- the tokenizer does it), softmax
 * or sigmoid, other architectures (RoBERTa, XLM-R cross-encoders).
 */
#ifndef GK_CROSS_ENCODER_H
#define GK_CROSS_ENCODER_H

#include <stddef.h>

#include "bert.h"
#include "error.h"

typedef struct gk_cross_encoder gk_cross_encoder;

typedef struct gk_cross_encoder_opts {
	int n_threads;          /* threads for encoding; <= 0 means 1 */
	int reference_kernels;  /* 1: plain reference loops (tests only; slow) */
} gk_cross_encoder_opts;

/* Load the model in dir: config.json (architectures, when given, must
 * name BertForSequenceClassification; the label count is id2label's size,
 * else num_labels, else transformers' default 2), model.safetensors (or
 * shards) with the encoder (bert.* or un-prefixed), pooler.dense.* and
 * classifier.*, every shape checked.  opts may be NULL.  *out is owned by
 * the caller: gk_cross_encoder_free().  Errors name the file: GK_ENOINPUT,
 * GK_EDATA (corrupt, unsupported architecture, missing pooler or
 * classifier), GK_ENOMEM. */
int gk_cross_encoder_load(gk_cross_encoder **out, const char *dir,
	const gk_cross_encoder_opts *opts, gk_error *err);
void gk_cross_encoder_free(gk_cross_encoder *ce);

/* Borrowed, valid while ce lives. */
const gk_bert_config *gk_cross_encoder_config(const gk_cross_encoder *ce);
int gk_cross_encoder_num_labels(const gk_cross_encoder *ce);
/* The label a relevance score is read from: the only one of a 1-label
 * model, the last ("relevant") of a 2-or-more-label one. */
int gk_cross_encoder_default_label(const gk_cross_encoder *ce);

/* All logits: out (n, num_labels) row-major, row s for seqs[s].  One
 * unpadded batch through the encoder.  Errors as gk_bert_encode (a token
 * or type id out of range, a sequence too long: GK_EDATA), GK_ENOMEM.
 * ce is only read: concurrent calls are safe. */
int gk_cross_encoder_logits(const gk_cross_encoder *ce, const gk_sequence *seqs, size_t n,
	float *out, gk_error *err);

/* One logit per sequence: out (n) gets label `label` (< 0: the default
 * label).  GK_EUSAGE for a label past num_labels. */
int gk_cross_encoder_score(const gk_cross_encoder *ce, const gk_sequence *seqs, size_t n,
	int label, float *out, gk_error *err);

#endif

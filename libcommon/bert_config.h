/*
 * bert_config.h - the hyper-parameters of a BERT encoder, from config.json.
 *
 * Reads the fields of HuggingFace's BertConfig, with BertConfig's defaults
 * for absent ones, and validates them (positive, heads divide hidden, sane
 * upper bounds) so the forward pass can trust them.  Only model_type
 * "bert" with absolute position embeddings is supported; anything else is
 * an error that says what is supported.  Not a general config reader.
 */
#ifndef GK_BERT_CONFIG_H
#define GK_BERT_CONFIG_H

#include <jansson.h>

#include "error.h"

typedef enum gk_act {
	GK_ACT_GELU,      /* exact: x/2 (1 + erf(x/sqrt 2)); HF "gelu" */
	GK_ACT_GELU_TANH, /* tanh approximation; HF "gelu_new", "gelu_pytorch_tanh" */
	GK_ACT_RELU,
	GK_ACT_TANH,      /* for sentence-transformers Dense modules */
	GK_ACT_IDENTITY,
} gk_act;

typedef struct gk_bert_config {
	int vocab_size;
	int hidden_size;
	int num_hidden_layers;
	int num_attention_heads;
	int head_dim;            /* hidden_size / num_attention_heads */
	int intermediate_size;
	int max_position_embeddings;
	int type_vocab_size;
	float layer_norm_eps;
	gk_act hidden_act;
} gk_bert_config;

/* Fill cfg from a parsed config.json object; `file` names it in messages.
 * Returns 0 or GK_EDATA. */
int gk_bert_config_from_json(gk_bert_config *cfg, const json_t *j, const char *file, gk_error *err);

/* Read and validate dir/config.json. Errors: GK_ENOINPUT, GK_EIO, GK_EDATA. */
int gk_bert_config_load(gk_bert_config *cfg, const char *dir, gk_error *err);

/* Check the values of a filled config (also used by tests and generators). */
int gk_bert_config_validate(const gk_bert_config *cfg, const char *file, gk_error *err);

/* HF's hidden_act string (and a few torch class names) to gk_act; -1 if unknown. */
int gk_act_from_name(const char *name);
const char *gk_act_name(gk_act a);

#endif

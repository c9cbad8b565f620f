/*
 * lm_config.h - the hyper-parameters of a decoder language model, from
 * config.json, for the families gk runs: Llama (Llama 2/3, SmolLM),
 * Qwen2/Qwen2.5, Qwen3 and Gemma 3 text models.
 *
 * The family only picks defaults and switches (attention bias, QK-norm,
 * sandwich norms, (1 + w) RMSNorm, scaled embeddings, sliding-window
 * layers, logit soft-capping); the forward pass (lm.c) reads the switches
 * and never asks which family it runs.  Fields and defaults are those of
 * transformers' LlamaConfig, Qwen2Config, Qwen3Config and
 * Gemma3TextConfig.  A multimodal Gemma 3 config ("gemma3", with a
 * text_config) is read through its text_config.  Values are validated
 * (positive, heads divisible, sane upper bounds) so the loader can trust
 * them.  Not a general config reader: anything unsupported (a rope_scaling
 * type other than linear / llama3, Qwen2's use_sliding_window) is an error
 * that says so.
 */
#ifndef GK_LM_CONFIG_H
#define GK_LM_CONFIG_H

#include <jansson.h>
#include <stdbool.h>

#include "error.h"

typedef enum gk_lm_family {
	GK_LM_FAMILY_LLAMA,  /* model_type "llama" (also SmolLM, TinyLlama) */
	GK_LM_FAMILY_QWEN2,  /* "qwen2": Qwen2, Qwen2.5 */
	GK_LM_FAMILY_QWEN3,  /* "qwen3" */
	GK_LM_FAMILY_GEMMA3, /* "gemma3_text", or "gemma3" with text_config */
} gk_lm_family;

/* The gate activation of the gated MLP: down(act(gate(x)) * up(x)). */
typedef enum gk_lm_act {
	GK_LM_ACT_SILU,      /* SwiGLU: "silu" */
	GK_LM_ACT_GELU_TANH, /* GeGLU: "gelu_pytorch_tanh", "gelu_new" */
	GK_LM_ACT_GELU,      /* exact erf GELU: "gelu" */
} gk_lm_act;

typedef enum gk_lm_rope_scaling {
	GK_LM_ROPE_DEFAULT,  /* none */
	GK_LM_ROPE_LINEAR,   /* positions divided by factor */
	GK_LM_ROPE_LLAMA3,   /* Llama 3.1's frequency-band scaling */
} gk_lm_rope_scaling;

/* One RoPE setting; Gemma 3 has two (global and sliding layers). */
typedef struct gk_lm_rope {
	double theta;              /* base */
	gk_lm_rope_scaling scaling;
	double factor;             /* linear, llama3 */
	double low_freq_factor, high_freq_factor; /* llama3 */
	double original_max_position_embeddings;  /* llama3 */
} gk_lm_rope;

#define GK_LM_MAX_LAYERS 1024

typedef struct gk_lm_config {
	gk_lm_family family;
	int vocab_size;
	int hidden_size;
	int intermediate_size;
	int num_hidden_layers;
	int num_attention_heads;
	int num_key_value_heads;   /* divides num_attention_heads (GQA) */
	int head_dim;              /* may differ from hidden/heads (Qwen3, Gemma 3) */
	int max_position_embeddings;
	float rms_norm_eps;
	gk_lm_act act;
	gk_lm_rope rope;           /* global (full-attention) layers */
	gk_lm_rope rope_local;     /* sliding-window layers (Gemma 3's rope_local_base_freq) */
	bool tie_word_embeddings;  /* lm_head = embed_tokens */
	bool qkv_bias;             /* q/k/v projections have a bias (Qwen2, Llama attention_bias) */
	bool o_bias;               /* o_proj has a bias (Llama attention_bias) */
	bool mlp_bias;             /* gate/up/down have biases (Llama mlp_bias) */
	bool qk_norm;              /* RMSNorm over head_dim on q and k before RoPE (Qwen3, Gemma 3) */
	bool norm_plus_one;        /* RMSNorm scales by (1 + w) (Gemma) */
	bool sandwich_norm;        /* norms after attention and MLP too (Gemma 3) */
	bool embed_scale;          /* embeddings times sqrt(hidden_size) (Gemma) */
	float attn_scale;          /* softmax scale: head_dim^-0.5 or query_pre_attn_scalar^-0.5 */
	float attn_softcap;        /* 0: none; else tanh(s / c) * c on attention scores */
	float final_softcap;       /* 0: none; else on the logits */
	int sliding_window;        /* as config.json says: a causal sliding layer sees this many
	                            * tokens, itself included; a bidirectional one those at
	                            * distance <= sliding_window / 2.  0: none */
	bool bidirectional;        /* attend to later tokens too (EmbeddingGemma); default causal */
	bool layer_sliding[GK_LM_MAX_LAYERS]; /* (num_hidden_layers) true: sliding-window layer */
	const char *weight_prefix; /* static string: "model." or "language_model.model." */
} gk_lm_config;

/* Fill cfg from a parsed config.json; `file` names it in messages.
 * Returns 0 or GK_EDATA. */
int gk_lm_config_from_json(gk_lm_config *cfg, const json_t *j, const char *file, gk_error *err);

/* Read dir/config.json.  GK_ENOINPUT, GK_EIO, GK_EDATA, GK_ENOMEM. */
int gk_lm_config_load(gk_lm_config *cfg, const char *dir, gk_error *err);

/* Range and consistency checks (done by the two functions above). */
int gk_lm_config_validate(const gk_lm_config *cfg, const char *file, gk_error *err);

const char *gk_lm_family_name(gk_lm_family f);

#endif

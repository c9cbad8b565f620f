/*
 * st_modules.h - the sentence-transformers modules after the transformer:
 * modules.json, 1_Pooling/config.json, Dense modules (N_Dense/config.json +
 * model.safetensors with linear.weight / linear.bias) and Normalize.
 *
 * Without modules.json the defaults are mean pooling, no dense layer, no
 * normalisation (what sentence-transformers does for a bare HF model), and
 * from_modules_json is 0 so a program can say so.  Not supported (clear
 * error): other module types, Dense weights only in pytorch_model.bin.
 * Pooling's include_prompt = false needs the prompt's length, which only
 * the tokenizer knows: gk_st_modules_apply_prompt() takes it.
 */
#ifndef GK_ST_MODULES_H
#define GK_ST_MODULES_H

#include <stddef.h>

#include "error.h"
#include "pooling.h"

typedef struct gk_st_modules {
	int from_modules_json; /* 0: modules.json absent, defaults used */
	unsigned pooling;      /* gk_pool_mode bits from 1_Pooling/config.json */
	int include_prompt;    /* as in the Pooling config (default 1) */
	int n_dense;
	gk_dense *dense;       /* (n_dense), applied in order after pooling */
	int normalize;         /* a Normalize module is present */
	int in_dim;            /* the transformer's hidden size */
	int out_dim;           /* length of the final vector */
} gk_st_modules;

/* Read the modules of the model directory dir for a transformer with the
 * given hidden size.  On success the caller owns m's buffers and frees them
 * with gk_st_modules_clear().  On error m is left cleared.  Errors name the
 * file: GK_EDATA (bad or unsupported module), GK_ENOINPUT, GK_ENOMEM. */
int gk_st_modules_load(gk_st_modules *m, const char *dir, int hidden, gk_error *err);

/* sentence-transformers' defaults for a bare transformer of width hidden:
 * mean pooling, no dense layer, no normalisation (from_modules_json 0). */
void gk_st_modules_defaults(gk_st_modules *m, int hidden);

/* Use other pooling modes than the model's (a user's choice).  With Dense
 * layers the new modes must give the width the first one takes, else
 * GK_EUSAGE and m is unchanged.  Updates out_dim. */
int gk_st_modules_set_pooling(gk_st_modules *m, unsigned modes, gk_error *err);

/* Free m's buffers and zero it; safe on a zeroed or cleared m. */
void gk_st_modules_clear(gk_st_modules *m);

/* Pool hidden (len, in_dim), apply the dense layers and normalisation:
 * out (out_dim).  GK_EDATA for len 0; GK_ENOMEM. */
int gk_st_modules_apply(const gk_st_modules *m, const float *hidden, size_t len,
	float *out, gk_error *err);

/* The same for a sequence whose first prompt_len tokens are a prompt: when
 * the Pooling config says include_prompt = false they are left out of the
 * pooling (see gk_pool_skip); otherwise this is gk_st_modules_apply. */
int gk_st_modules_apply_prompt(const gk_st_modules *m, const float *hidden, size_t len,
	size_t prompt_len, float *out, gk_error *err);

#endif

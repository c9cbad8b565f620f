/*
 * pooling.h - from one sequence's token hidden states to one vector:
 * pooling modes, dense (linear + activation) layers, L2 normalisation,
 * with sentence-transformers' semantics.
 *
 * Works on one sequence at a time because records arrive that way in
 * gk-pool.  Reading the modules' config files is st_modules.h's job.
 */
#ifndef GK_POOLING_H
#define GK_POOLING_H

#include <stddef.h>

#include "bert_config.h"
#include "error.h"

/* Pooling modes, as bits: sentence-transformers concatenates the results
 * of every enabled mode in this order (cls, max, mean, mean_sqrt_len,
 * weightedmean, lasttoken), so the output has hidden * popcount floats. */
typedef enum gk_pool_mode {
	GK_POOL_CLS = 1 << 0,           /* first token */
	GK_POOL_MAX = 1 << 1,           /* element-wise max over tokens */
	GK_POOL_MEAN = 1 << 2,          /* sum / len */
	GK_POOL_MEAN_SQRT_LEN = 1 << 3, /* sum / sqrt(len) */
	GK_POOL_WEIGHTED_MEAN = 1 << 4, /* token i weighted i+1 (position weights) */
	GK_POOL_LASTTOKEN = 1 << 5,     /* last token */
} gk_pool_mode;

#define GK_POOL_ALL_MODES 0x3f

/* Number of enabled modes in a mask. */
int gk_pool_count(unsigned modes);
/* "cls", "max", "mean", "mean_sqrt_len", "weightedmean", "lasttoken" for one
 * bit; NULL otherwise.  gk_pool_from_name is the inverse (0 if unknown). */
const char *gk_pool_name(unsigned mode);
unsigned gk_pool_from_name(const char *name);

/* out (dim * gk_pool_count(modes)) from hidden (len, dim).
 * GK_EDATA when len is 0 or modes is empty. */
int gk_pool(unsigned modes, const float *hidden, size_t len, size_t dim,
	float *out, gk_error *err);

/* The same, leaving out the first `skip` tokens (a prompt) as
 * sentence-transformers does for include_prompt = false: they are masked
 * for max, mean, mean_sqrt_len and weightedmean (whose weights stay the
 * absolute positions 1..len); cls still takes token 0 and lasttoken token
 * len-1.  GK_EDATA when skip >= len. */
int gk_pool_skip(unsigned modes, const float *hidden, size_t len, size_t skip,
	size_t dim, float *out, gk_error *err);

/* A linear layer with activation: y = act(W x + b). */
typedef struct gk_dense {
	int in, out;
	float *w;   /* (out, in) */
	float *b;   /* (out) or NULL */
	gk_act act;
} gk_dense;

/* y (d->out) = act(W x (d->in) + b); y must not alias x. */
void gk_dense_apply(const gk_dense *d, const float *x, float *y);

/* v (n) /= max(||v||_2, 1e-12), as torch.nn.functional.normalize. */
void gk_l2_normalize(float *v, size_t n);

#endif

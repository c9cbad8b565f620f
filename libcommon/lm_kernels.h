/*
 * lm_kernels.h - the numeric pieces of a decoder LM forward pass that a
 * BERT encoder does not have: RMSNorm, rotary position embeddings, gated
 * MLP activations, soft-capping, log-softmax, and attention with grouped
 * K/V heads, causal or sliding-window masks and a KV cache.
 *
 * GEMMs are kernels.h's gk_linear / gk_linear_ref.  These functions are
 * plain loops (f32, row-major, shapes in the comments) that cannot fail
 * except where they return int; sizes are the caller's to get right (the
 * loader validates them).  Not a tensor library.
 */
#ifndef GK_LM_KERNELS_H
#define GK_LM_KERNELS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "lm_config.h"

/* y (n, out) = x (n, in) . w^T + b (b (out) may be NULL) with one
 * cblas_sgemm, without gk_linear's padding of small calls: a decode step
 * is a 1-row GEMM, and padding it to the size where OpenBLAS switches
 * kernels costs ~100x on small models.  A row may then differ from the same
 * row in a larger batch by a few ulps; the LM's tests allow 1e-4. */
void gk_lm_linear(const float *x, const float *w, const float *b, float *y,
	size_t n, size_t in, size_t out);

/* x (n, d) = x / sqrt(mean(x^2) + eps) * w row by row, in place, with
 * w replaced by (1 + w) when plus_one (Gemma).  Row i starts at x + i*ld. */
void gk_rmsnorm(float *x, const float *w, size_t n, size_t d, size_t ld, float eps, bool plus_one);

/* inv_freq (head_dim / 2): the rotary frequencies of r as transformers
 * computes them in float32 (1 / theta^(2i/d), then linear or llama3 scaling). */
void gk_rope_inv_freq(const gk_lm_rope *r, int head_dim, float *inv_freq);

/* cs (n, head_dim): row i is cos(pos[i] * inv_freq) (head_dim/2 values) then
 * the matching sines, angles computed in float32 as transformers does. */
void gk_rope_table(const float *inv_freq, int head_dim, const size_t *pos, size_t n, float *cs);

/* Rotate heads in place, HF's rotate-half convention: for each row i of x
 * (row stride ld) and head h (columns h*head_dim ..), the pair (a, b) =
 * (x[j], x[j + head_dim/2]) becomes (a cos - b sin, b cos + a sin), with
 * cos/sin from row i of cs (gk_rope_table). */
void gk_rope_apply(float *x, size_t n, size_t ld, int n_heads, int head_dim, const float *cs);

/* out (n, f) = act(gu[:, :f]) * gu[:, f:], gu (n, 2f): gate and up of a
 * gated MLP side by side.  out may not alias gu. */
void gk_gated_act(gk_lm_act act, const float *gu, float *out, size_t n, size_t f, int n_threads);

/* x (n) = tanh(x / cap) * cap. */
void gk_softcap(float *x, size_t n, float cap);

/* log(sum(exp(x))) of x (n), computed stably in double. */
double gk_logsumexp(const float *x, size_t n);

/* One sequence's share of an attention call. */
typedef struct gk_lm_attn_seq {
	const float *q;   /* (n_q, ldq): query heads of positions pos0 .. pos0 + n_q */
	const float *k;   /* (n_kv, ldkv): key heads of positions 0 .. n_kv */
	const float *v;   /* (n_kv, ldkv): value heads, same layout */
	float *out;       /* (n_q, ldo): attention output, head h at columns h*head_dim */
	size_t ldq, ldkv, ldo;
	size_t n_q, pos0, n_kv; /* pos0 + n_q <= n_kv when causal */
} gk_lm_attn_seq;

typedef struct gk_lm_attn_params {
	int n_heads, n_kv_heads, head_dim; /* q head h reads kv head h / (n_heads / n_kv_heads) */
	float scale;      /* on q.k before the softmax */
	float softcap;    /* 0: none */
	int window;       /* 0: none; else key j is seen from position p when p - j < window
	                   * (causal) or |p - j| < window (bidirectional) */
	bool causal;      /* key j is seen from position p only when j <= p */
} gk_lm_attn_params;

/* softmax(scale * q k^T, masked) v for every sequence and query head, the
 * (sequence, kv head) tasks spread over n_threads.  Returns 0, or GK_ENOMEM
 * (scratch). */
int gk_lm_attention(const gk_lm_attn_seq *seqs, size_t n, const gk_lm_attn_params *p,
	int n_threads, gk_error *err);

/* The same result through OpenBLAS: per sequence and query head, blocks of
 * 128 queries get their scores as one sgemm against the keys they can see,
 * a masked softmax, and one sgemm with the values.  Runs on the calling
 * thread (OpenBLAS threads the GEMMs); pays off from a few dozen queries
 * per sequence, so gk_lm_attention's loops stay the choice for decode
 * steps.  Returns 0, or GK_ENOMEM (scratch). */
int gk_lm_attention_blas(const gk_lm_attn_seq *seqs, size_t n, const gk_lm_attn_params *p,
	gk_error *err);

#endif

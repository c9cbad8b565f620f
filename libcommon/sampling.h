/*
 * sampling.h - choosing the next token from a model's logits: greedy, or
 * sampling with temperature, top-k and top-p (nucleus) in the order
 * HuggingFace's generate() applies them, from a seeded generator so a run
 * can be repeated exactly.  Not thread-safe (one sort at a time).
 */
#ifndef GK_SAMPLING_H
#define GK_SAMPLING_H

#include <stddef.h>
#include <stdint.h>

typedef struct gk_sampler {
	float temperature; /* 0: greedy */
	size_t top_k;      /* 0: no limit */
	float top_p;       /* 1: no limit */
} gk_sampler;

/* The next token from logits (vocab), using and advancing *rng when
 * sampling.  scratch holds 2 * vocab floats' worth (vocab ints and floats). */
int32_t gk_sample(const gk_sampler *s, const float *logits, size_t vocab, uint64_t *rng, void *scratch);

/* The next value of the splitmix64 generator whose state is *rng: small,
 * fast, and the same on every platform, so seeded runs repeat exactly. */
uint64_t gk_random_next(uint64_t *rng);

/* A uniform double in [0, 1) from gk_random_next. */
double gk_random_unit(uint64_t *rng);

#endif

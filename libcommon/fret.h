/*
 * fret.h - FRet's relabelling decision (Gecko, Lee et al. 2024, sec. 3.2),
 * apart from any model: given each candidate passage's query-likelihood
 * (QL) and relevance-classification (RC) scores, rank by each, fuse the
 * ranks by reciprocal rank fusion, R(q,p) = 1/rank_QL(p) + 1/rank_RC(p)
 * (ranks from 1), take the top as the positive and pick a hard negative.
 *
 * Ties are broken by retrieval order (the candidate's index), so every
 * decision is deterministic.
 */
#ifndef GK_FRET_H
#define GK_FRET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct gk_fret_candidate {
	double ql, rc;        /* in: higher is better (NaN when not scored) */
	int rank_ql, rank_rc; /* out: 1 = best; 0 when that score is not used */
	double fused;         /* out: the sum of reciprocal ranks used */
	int rank;             /* out: 1 = the positive */
} gk_fret_candidate;

enum gk_fret_scorer { GK_FRET_BOTH, GK_FRET_QL, GK_FRET_RC };

/* Rank n candidates (n >= 1) by the scorer's scores and fuse. */
void gk_fret_rank(gk_fret_candidate *c, size_t n, enum gk_fret_scorer scorer);

/* The index of the candidate with fused rank r (1..n), or -1. */
long gk_fret_at_rank(const gk_fret_candidate *c, size_t n, int r);

enum gk_fret_negative { GK_FRET_NEG_LOWEST, GK_FRET_NEG_RANDOM, GK_FRET_NEG_RANK };

/* The hard negative's index: the lowest ranked (rank n), one drawn
 * uniformly from ranks 2..n with the generator state *rng
 * (gk_random_next, seeded by the caller), or the one at rank k.  -1 when there is none
 * (n < 2, or k out of 2..n). */
long gk_fret_negative(const gk_fret_candidate *c, size_t n, enum gk_fret_negative how, int k,
		      uint64_t *rng);

/* FRet step 1's output: the text a model wrote after a prompt ending in
 * "task:", read as "TASK\nquery: QUERY" (blank lines and spaces around
 * either allowed).  On success *task and *query point into text with their
 * lengths; false when either is missing or empty. */
bool gk_fret_parse_generation(const char *text, const char **task, size_t *tlen,
			      const char **query, size_t *qlen);

#endif

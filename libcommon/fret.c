/*
 * fret.c - ranks, reciprocal rank fusion and the choice of positive and
 * hard negative (see fret.h).  n is small (20 by default), so the ranks
 * are counted directly rather than sorted.
 */
#include "fret.h"
#include "sampling.h"

#include <math.h>
#include <string.h>

/* Candidate j comes before i: a better score, or an equal one retrieved
 * earlier.  NaN counts as the worst score. */
static int better(double sj, size_t j, double si, size_t i)
{
	if (isnan(sj))
		return 0;
	if (isnan(si))
		return 1;
	return sj > si || (sj == si && j < i);
}

static void rank_by(gk_fret_candidate *c, size_t n, int use_ql)
{
	for (size_t i = 0; i < n; i++) {
		int r = 1;
		double si = use_ql ? c[i].ql : c[i].rc;

		for (size_t j = 0; j < n; j++)
			if (j != i && better(use_ql ? c[j].ql : c[j].rc, j, si, i))
				r++;
		if (use_ql)
			c[i].rank_ql = r;
		else
			c[i].rank_rc = r;
	}
}

void gk_fret_rank(gk_fret_candidate *c, size_t n, enum gk_fret_scorer scorer)
{
	for (size_t i = 0; i < n; i++)
		c[i].rank_ql = c[i].rank_rc = 0;
	if (scorer != GK_FRET_RC)
		rank_by(c, n, 1);
	if (scorer != GK_FRET_QL)
		rank_by(c, n, 0);
	for (size_t i = 0; i < n; i++)
		c[i].fused = (c[i].rank_ql ? 1.0 / c[i].rank_ql : 0) + (c[i].rank_rc ? 1.0 / c[i].rank_rc : 0);
	for (size_t i = 0; i < n; i++) {
		int r = 1;
		for (size_t j = 0; j < n; j++)
			if (j != i && better(c[j].fused, j, c[i].fused, i))
				r++;
		c[i].rank = r;
	}
}

long gk_fret_at_rank(const gk_fret_candidate *c, size_t n, int r)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].rank == r)
			return (long)i;
	return -1;
}

long gk_fret_negative(const gk_fret_candidate *c, size_t n, enum gk_fret_negative how, int k, uint64_t *rng)
{
	if (n < 2)
		return -1;
	switch (how) {
	case GK_FRET_NEG_LOWEST:
		return gk_fret_at_rank(c, n, (int)n);
	case GK_FRET_NEG_RANDOM:
		return gk_fret_at_rank(c, n, 2 + (int)(gk_random_next(rng) % (n - 1)));
	case GK_FRET_NEG_RANK:
		return k >= 2 && (size_t)k <= n ? gk_fret_at_rank(c, n, k) : -1;
	}
	return -1;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void trim(const char **s, size_t *len)
{
	while (*len && is_space(**s))
		(*s)++, (*len)--;
	while (*len && is_space((*s)[*len - 1]))
		(*len)--;
}

bool gk_fret_parse_generation(const char *text, const char **task, size_t *tlen,
			      const char **query, size_t *qlen)
{
	const char *nl, *q;

	while (*text == ' ' || *text == '\t')
		text++;
	nl = strchr(text, '\n');
	if (!nl)
		return false;
	*task = text;
	*tlen = (size_t)(nl - text);
	trim(task, tlen);
	for (q = nl; is_space(*q); q++)
		;
	if (strncmp(q, "query:", 6) != 0)
		return false;
	*query = q + 6;
	*qlen = strcspn(*query, "\n");
	trim(query, qlen);
	return *tlen > 0 && *qlen > 0;
}

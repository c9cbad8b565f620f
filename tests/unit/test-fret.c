/*
 * test-fret.c - FRet's fusion and choices on hand-made scores, with the
 * answers worked out by hand in the comments.
 */
#include <math.h>
#include <string.h>

#include "check.h"
#include "fret.h"

int main(void)
{
	/* QL order: c2 c0 c1 c3; RC order: c1 c2 c0 c3.
	 * fused: c0 = 1/2 + 1/3 = .833, c1 = 1/3 + 1 = 1.333,
	 *        c2 = 1 + 1/2 = 1.5, c3 = 1/4 + 1/4 = .5
	 * so the positive is c2 (rank 1), then c1, c0, c3. */
	gk_fret_candidate c[4] = {
		{ .ql = -1.0, .rc = 0.1 }, { .ql = -2.0, .rc = 3.0 },
		{ .ql = -0.5, .rc = 2.0 }, { .ql = -9.0, .rc = -5.0 },
	};
	uint64_t rng = 42;

	gk_fret_rank(c, 4, GK_FRET_BOTH);
	CHECK(c[2].rank_ql == 1 && c[0].rank_ql == 2 && c[1].rank_ql == 3 && c[3].rank_ql == 4);
	CHECK(c[1].rank_rc == 1 && c[2].rank_rc == 2 && c[0].rank_rc == 3 && c[3].rank_rc == 4);
	CHECK(fabs(c[0].fused - (0.5 + 1.0 / 3)) < 1e-12 && fabs(c[2].fused - 1.5) < 1e-12);
	CHECK(c[2].rank == 1 && c[1].rank == 2 && c[0].rank == 3 && c[3].rank == 4);
	CHECK(gk_fret_at_rank(c, 4, 1) == 2);
	CHECK(gk_fret_negative(c, 4, GK_FRET_NEG_LOWEST, 0, &rng) == 3);
	CHECK(gk_fret_negative(c, 4, GK_FRET_NEG_RANK, 2, &rng) == 1);
	CHECK(gk_fret_negative(c, 4, GK_FRET_NEG_RANK, 1, &rng) == -1);  /* the positive is no negative */
	CHECK(gk_fret_negative(c, 4, GK_FRET_NEG_RANK, 5, &rng) == -1);
	/* random negatives come from ranks 2..n only, all of them, and the
	 * same seed gives the same draws */
	int seen[4] = { 0 };
	uint64_t a = 7, b = 7;
	for (int i = 0; i < 200; i++) {
		long x = gk_fret_negative(c, 4, GK_FRET_NEG_RANDOM, 0, &a);
		CHECK(x == gk_fret_negative(c, 4, GK_FRET_NEG_RANDOM, 0, &b));
		if (x >= 0)
			seen[x]++;
	}
	CHECK(seen[2] == 0 && seen[0] > 0 && seen[1] > 0 && seen[3] > 0);

	/* one scorer only: the fused order is that scorer's order */
	gk_fret_rank(c, 4, GK_FRET_QL);
	CHECK(c[2].rank == 1 && c[0].rank == 2 && c[1].rank == 3 && c[3].rank == 4 && c[0].rank_rc == 0);
	gk_fret_rank(c, 4, GK_FRET_RC);
	CHECK(c[1].rank == 1 && c[2].rank == 2 && c[0].rank_ql == 0);

	/* ties break by retrieval order; NaN is the worst score */
	gk_fret_candidate t[3] = { { .ql = 1, .rc = NAN }, { .ql = 1, .rc = 0 }, { .ql = 2, .rc = 0 } };
	gk_fret_rank(t, 3, GK_FRET_BOTH);
	/* QL: t2, t0, t1; RC: t1, t2, t0 -> fused t0 = 1/2 + 1/3, t1 = 1/3 + 1, t2 = 1 + 1/2 */
	CHECK(t[2].rank_ql == 1 && t[0].rank_ql == 2 && t[1].rank_ql == 3);
	CHECK(t[1].rank_rc == 1 && t[2].rank_rc == 2 && t[0].rank_rc == 3);
	CHECK(t[2].rank == 1 && t[1].rank == 2 && t[0].rank == 3);
	/* equal fused scores: the earlier candidate wins */
	gk_fret_candidate e[2] = { { .ql = 1, .rc = 0 }, { .ql = 0, .rc = 1 } };
	gk_fret_rank(e, 2, GK_FRET_BOTH);
	CHECK(e[0].fused == e[1].fused && e[0].rank == 1 && e[1].rank == 2);
	/* a single candidate has no negative */
	CHECK(gk_fret_negative(e, 1, GK_FRET_NEG_LOWEST, 0, &rng) == -1);

	/* what a model writes after "task:" */
	const char *task, *query;
	size_t tl, ql;
	CHECK(gk_fret_parse_generation(" Given a question, retrieve answers\nquery: who wrote hamlet\n", &task, &tl, &query, &ql));
	CHECK(tl == 34 && !strncmp(task, "Given a question, retrieve answers", tl) && ql == 16 && !strncmp(query, "who wrote hamlet", 16));
	CHECK(gk_fret_parse_generation("find facts \r\n\n  query:  cats purr  \nmore text", &task, &tl, &query, &ql));
	CHECK(tl == 10 && ql == 9 && !strncmp(query, "cats purr", 9));
	CHECK(!gk_fret_parse_generation("no newline at all", &task, &tl, &query, &ql));
	CHECK(!gk_fret_parse_generation("a task\nquestion: not the word query", &task, &tl, &query, &ql));
	CHECK(!gk_fret_parse_generation("a task\nquery:   \n", &task, &tl, &query, &ql));
	CHECK(!gk_fret_parse_generation("   \nquery: a query", &task, &tl, &query, &ql));
	CHECK(!gk_fret_parse_generation("", &task, &tl, &query, &ql));
	return check_exit();
}

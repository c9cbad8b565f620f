/*
 * eval.c - qrels and the trec_eval metrics of eval.h.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"

const char *const gk_eval_metric_names[GK_EVAL_NMETRICS] = {
	"ndcg@10", "recall@1", "recall@10", "recall@100", "mrr@10", "map",
};

typedef struct judgement {
	char *qid, *doc;   /* NUL-terminated, owned */
	long rel;
	size_t line;       /* for "last one wins" */
} judgement;

struct gk_qrels {
	judgement *j;      /* (n) sorted by qid, doc, line */
	size_t n, nq;
};

static int cmp_j(const void *a, const void *b)
{
	const judgement *x = a, *y = b;
	int c = strcmp(x->qid, y->qid);

	if (!c)
		c = strcmp(x->doc, y->doc);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

void gk_qrels_free(gk_qrels *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->n; i++) {
		free(q->j[i].qid);
		free(q->j[i].doc);
	}
	free(q->j);
	free(q);
}

size_t gk_qrels_queries(const gk_qrels *q)
{
	return q->nq;
}

int gk_qrels_load(gk_qrels **out, const char *path, gk_error *err)
{
	FILE *f = fopen(path, "r");
	gk_qrels *q;
	char *line = NULL;
	size_t cap = 0, no = 0, alloc = 0;
	ssize_t len;
	int rc = 0;

	*out = NULL;
	if (!f)
		return gk_error_set(err, errno == ENOENT ? GK_ENOINPUT : GK_EIO, "%s: %s", path, strerror(errno));
	q = calloc(1, sizeof *q);
	if (!q) {
		fclose(f);
		return gk_error_nomem(err);
	}
	while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
		char *a, *b, *c, *end;
		long rel;

		no++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		if ((size_t)len != strlen(line)) {
			rc = gk_error_set(err, GK_EDATA, "%s: line %zu: a NUL byte", path, no);
			break;
		}
		a = line;
		b = strchr(a, '\t');
		c = b ? strchr(b + 1, '\t') : NULL;
		if (!b || !c || strchr(c + 1, '\t')) {
			rc = gk_error_set(err, GK_EDATA, "%s: line %zu: want query-id<TAB>corpus-id<TAB>score", path, no);
			break;
		}
		*b++ = '\0';
		*c++ = '\0';
		errno = 0;
		rel = strtol(c, &end, 10);
		if (end == c || *end || errno) {
			if (no == 1)
				continue;  /* the header line: query-id corpus-id score */
			rc = gk_error_set(err, GK_EDATA, "%s: line %zu: score '%s' is not a whole number", path, no, c);
			break;
		}
		if (!*a || !*b) {
			rc = gk_error_set(err, GK_EDATA, "%s: line %zu: an empty query or corpus id", path, no);
			break;
		}
		if (q->n == alloc) {
			size_t na = alloc ? 2 * alloc : 256;
			judgement *nj = realloc(q->j, na * sizeof *nj);
			if (!nj) {
				rc = gk_error_nomem(err);
				break;
			}
			q->j = nj;
			alloc = na;
		}
		q->j[q->n] = (judgement){ strdup(a), strdup(b), rel, no };
		if (!q->j[q->n].qid || !q->j[q->n].doc) {
			free(q->j[q->n].qid);
			free(q->j[q->n].doc);
			rc = gk_error_nomem(err);
			break;
		}
		q->n++;
	}
	if (rc == 0 && ferror(f))
		rc = gk_error_set(err, GK_EIO, "%s: read failed", path);
	free(line);
	fclose(f);
	if (rc == 0 && q->n == 0)
		rc = gk_error_set(err, GK_EDATA, "%s: no judgements", path);
	if (rc < 0) {
		gk_qrels_free(q);
		return rc;
	}
	qsort(q->j, q->n, sizeof *q->j, cmp_j);
	/* the last judgement of a pair wins: drop the ones before it */
	size_t w = 0;
	for (size_t i = 0; i < q->n; i++) {
		if (i + 1 < q->n && !strcmp(q->j[i].qid, q->j[i + 1].qid) && !strcmp(q->j[i].doc, q->j[i + 1].doc)) {
			free(q->j[i].qid);
			free(q->j[i].doc);
			continue;
		}
		q->j[w++] = q->j[i];
	}
	q->n = w;
	for (size_t i = 0; i < q->n; i++)
		q->nq += i == 0 || strcmp(q->j[i].qid, q->j[i - 1].qid) != 0;
	*out = q;
	return 0;
}

/* Compare an id of len bytes with a NUL-terminated one, as strcmp. */
static int idcmp(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);
	int c = memcmp(a, b, alen < blen ? alen : blen);

	return c ? c : (alen > blen) - (alen < blen);
}

/* The judgements of qid: [*lo, *hi). */
static void find_query(const gk_qrels *q, const char *qid, size_t len, size_t *lo, size_t *hi)
{
	size_t a = 0, b = q->n;

	while (a < b) {
		size_t m = (a + b) / 2;
		if (idcmp(qid, len, q->j[m].qid) > 0)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	while (a < q->n && idcmp(qid, len, q->j[a].qid) == 0)
		a++;
	*hi = a;
}

static long judged(const gk_qrels *q, size_t lo, size_t hi, const char *doc, size_t len)
{
	while (lo < hi) {
		size_t m = (lo + hi) / 2;
		int c = idcmp(doc, len, q->j[m].doc);
		if (c == 0)
			return q->j[m].rel;
		if (c > 0)
			lo = m + 1;
		else
			hi = m;
	}
	return 0;
}

/* trec_eval's ranking: score descending, then document id descending. */
static int cmp_trec(const void *a, const void *b)
{
	const gk_hit *x = a, *y = b;
	size_t n = x->id_len < y->id_len ? x->id_len : y->id_len;
	/* a NaN score ranks last, keeping the order total for qsort */
	double sx = x->score == x->score ? x->score : -INFINITY, sy = y->score == y->score ? y->score : -INFINITY;
	int c;

	if (sx != sy)
		return sx > sy ? -1 : 1;
	c = memcmp(x->id, y->id, n);
	if (!c)
		c = (x->id_len > y->id_len) - (x->id_len < y->id_len);
	return -c;
}

static int cmp_long_desc(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x < y) - (x > y);
}

int gk_eval_query(const gk_qrels *q, const char *qid, size_t qid_len, gk_hit *hits, size_t n,
	double out[GK_EVAL_NMETRICS])
{
	size_t lo, hi, nrel = 0, found = 0, w = 0;
	double dcg = 0, idcg = 0, ap = 0;
	long *gains;

	find_query(q, qid, qid_len, &lo, &hi);
	if (lo == hi)
		return 0;
	memset(out, 0, GK_EVAL_NMETRICS * sizeof *out);
	qsort(hits, n, sizeof *hits, cmp_trec);
	/* a document listed twice counts once, at its best place */
	for (size_t i = 0; i < n; i++) {
		bool dup = false;
		for (size_t j = 0; j < w && !dup; j++)
			dup = hits[j].id_len == hits[i].id_len && !memcmp(hits[j].id, hits[i].id, hits[i].id_len);
		if (!dup)
			hits[w++] = hits[i];
	}
	n = w;
	gains = malloc((hi - lo) * sizeof *gains);
	if (!gains)
		return -1;
	for (size_t i = lo; i < hi; i++) {
		gains[i - lo] = q->j[i].rel > 0 ? q->j[i].rel : 0;
		nrel += q->j[i].rel >= 1;
	}
	qsort(gains, hi - lo, sizeof *gains, cmp_long_desc);
	for (size_t i = 0; i < hi - lo && i < 10; i++)
		idcg += (double)gains[i] / log2((double)i + 2);
	free(gains);
	for (size_t i = 0; i < n; i++) {
		long rel = judged(q, lo, hi, hits[i].id, hits[i].id_len);
		if (i < 10 && rel > 0)
			dcg += (double)rel / log2((double)i + 2);
		if (rel >= 1) {
			found++;
			ap += (double)found / (double)(i + 1);
			if (found == 1 && i < 10)
				out[GK_EVAL_MRR10] = 1.0 / (double)(i + 1);
		}
		if (i == 0)
			out[GK_EVAL_RECALL1] = (double)found;
		if (i < 10)
			out[GK_EVAL_RECALL10] = (double)found;
		if (i < 100)
			out[GK_EVAL_RECALL100] = (double)found;
	}
	out[GK_EVAL_NDCG10] = idcg > 0 ? dcg / idcg : 0;
	if (nrel > 0) {
		out[GK_EVAL_RECALL1] /= (double)nrel;
		out[GK_EVAL_RECALL10] /= (double)nrel;
		out[GK_EVAL_RECALL100] /= (double)nrel;
		out[GK_EVAL_MAP] = ap / (double)nrel;
	} else {
		out[GK_EVAL_RECALL1] = out[GK_EVAL_RECALL10] = out[GK_EVAL_RECALL100] = 0;
	}
	return 1;
}

/*
 * gk-eval - score hits against BEIR qrels: nDCG@10, Recall@1/10/100,
 * MRR@10 and MAP, overall and per query, as JSON or a table.  The metrics
 * are libcommon/eval.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eval.h"
#include "filter.h"

static void usage(void)
{
	printf("Usage: %s -q qrels.tsv [--per-query] [--table] [file ...]\n"
	       "Score a hits stream against relevance judgements (BEIR qrels) with the\n"
	       "metrics of trec_eval / pytrec_eval: nDCG@10, Recall@1, Recall@10,\n"
	       "Recall@100, MRR@10 and MAP.\n"
	       "\n"
	       "  -q, --qrels FILE     the judgements: query-id<TAB>corpus-id<TAB>score lines\n"
	       "      --per-query      also print each query's metrics, before the overall line\n"
	       "      --table          print a readable table instead of JSON\n"
	       "      --help           show this help and exit\n"
	       "      --version        show the version and exit\n"
	       "\n"
	       "Reads a hits stream (gk-knn) on standard input or from files and prints one\n"
	       "JSON object with the mean of each metric over the judged queries.\n"
	       "See gk-eval(1).\n", gk_cli_progname());
	exit(0);
}

/* A query id as a JSON string. */
static void put_id(const char *id, size_t len)
{
	putchar('"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)id[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_metrics(const char *id, size_t id_len, const double *m, size_t nq, bool table)
{
	if (table) {
		if (id)
			printf("%-24.*s", (int)id_len, id);
		else
			printf("%-24s", "all");
		for (int i = 0; i < GK_EVAL_NMETRICS; i++)
			printf(" %10.4f", m[i]);
		if (!id)
			printf(" %8zu", nq);
		putchar('\n');
		return;
	}
	putchar('{');
	if (id) {
		printf("\"id\":");
		put_id(id, id_len);
		putchar(',');
	} else {
		printf("\"queries\":%zu,", nq);
	}
	for (int i = 0; i < GK_EVAL_NMETRICS; i++)
		printf("%s\"%s\":%.6f", i ? "," : "", gk_eval_metric_names[i], m[i]);
	printf("}\n");
}

int main(int argc, char **argv)
{
	enum { OPT_PER_QUERY = GK_OPT_FIRST_PRIVATE, OPT_TABLE };
	static const struct option options[] = {
		{ "qrels", required_argument, NULL, 'q' },
		{ "per-query", no_argument, NULL, OPT_PER_QUERY },
		{ "table", no_argument, NULL, OPT_TABLE },
		GK_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	const char *qrels_path = NULL;
	bool per_query = false, table = false;
	gk_stream_reader *in = NULL;
	gk_qrels *qrels = NULL;
	gk_error err = { 0 };
	double sum[GK_EVAL_NMETRICS] = { 0 }, m[GK_EVAL_NMETRICS];
	size_t nq = 0, unjudged = 0;
	gk_record *rec;
	int c, rc;

	gk_cli_init(argv[0]);
	while ((c = getopt_long(argc, argv, "q:", options, NULL)) != -1) {
		switch (c) {
		case 'q': qrels_path = optarg; break;
		case OPT_PER_QUERY: per_query = true; break;
		case OPT_TABLE: table = true; break;
		case GK_OPT_HELP: usage(); break;
		case GK_OPT_VERSION: return gk_cli_version();
		default: return gk_cli_try_help();
		}
	}
	if (!qrels_path)
		return gk_cli_usage_error("no qrels given (-q qrels/test.tsv)");
	rc = gk_qrels_load(&qrels, qrels_path, &err);
	if (rc == 0)
		rc = gk_stream_open(&in, (const char *const *)(argv + optind), (size_t)(argc - optind), "hits", &err);
	if (rc == 0 && table) {
		printf("%-24s", "query");
		for (int i = 0; i < GK_EVAL_NMETRICS; i++)
			printf(" %10s", gk_eval_metric_names[i]);
		printf(" %8s\n", "queries");
	}
	while (rc == 0 && (rc = gk_stream_read(in, &rec, &err)) == 1) {
		const char *id;
		char num[32];
		size_t len, n;
		int64_t iv;
		gk_hit *hits;
		int got;

		rc = 0;
		if (!gk_record_get_str(rec, "id", &id, &len)) {
			if (gk_record_get_int(rec, "id", &iv)) {
				len = (size_t)snprintf(num, sizeof num, "%" PRId64, iv);
				id = num;
			} else {
				char where[256];
				gk_stream_where(in, where, sizeof where);
				rc = gk_error_set(&err, GK_EDATA, "%s: a query needs an \"id\" to find its judgements", where);
			}
		}
		if (rc == 0)
			rc = gk_hits_get(rec, &hits, &n, &err);  /* checked by the reader already */
		if (rc == 0) {
			got = gk_eval_query(qrels, id, len, hits, n, m);
			if (got < 0)
				rc = gk_error_nomem(&err);
			else if (got == 0)
				unjudged++;
			else {
				nq++;
				for (int i = 0; i < GK_EVAL_NMETRICS; i++)
					sum[i] += m[i];
				if (per_query)
					print_metrics(id, len, m, 1, table);
			}
			free(hits);
		}
		gk_record_free(rec);
	}
	if (rc == 0 && nq == 0)
		rc = gk_error_set(&err, GK_EDATA, "no query of the hits is judged in %s (%zu queries, none matched)",
			qrels_path, unjudged);
	if (rc == 0) {
		for (int i = 0; i < GK_EVAL_NMETRICS; i++)
			sum[i] /= (double)nq;
		print_metrics(NULL, 0, sum, nq, table);
	}
	gk_stream_close(in);
	gk_qrels_free(qrels);
	if (rc < 0)
		return gk_cli_report(&err);
	return gk_cli_close_stdout();
}

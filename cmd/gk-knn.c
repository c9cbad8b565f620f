/*
 * gk-knn - top-k nearest neighbours of query vectors in an index of
 * vectors; builds index files (--build) and merges the hits of index
 * shards (--merge).  The search itself is libcommon/knn.h.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "filter.h"
#include "hits.h"
#include "knn.h"
#include "vecmath.h"

static void usage(void)
{
	printf("Usage: %s [-k K] [options] INDEX... < queries.gk > hits.gk\n"
	       "       %s --build -o FILE [-t dtype] [--nlist N] [options] vectors.gk...\n"
	       "       %s --merge [-k K] hits.gk...\n"
	       "Find the K vectors of the index with the highest inner product with each\n"
	       "query (cosine on unit vectors), build an index file, or merge the hits of\n"
	       "index shards.\n"
	       "\n"
	       "  -k K                 hits per query (default 10)\n"
	       "  -q, --queries FILE   read queries from FILE (default: standard input)\n"
	       "  -t, --dtype TYPE     search the index as f32, int8 or binary (default: as stored)\n"
	       "      --rescore N      quantised index: re-rank the best N by full-precision vectors\n"
	       "      --nprobe N       IVF index: lists visited per query (default 8; 0: exact)\n"
	       "      --exclude-self   drop a hit whose id is the query's own id\n"
	       "      --no-vectors     drop the query vectors from the output records\n"
	       "  -b, --batch N        queries searched together (default 1024; IVF: 8192)\n"
	       "  -j, --threads N      threads (default 2)\n"
	       "      --build          build an index file from vectors streams\n"
	       "  -o, --output FILE    the index file to build\n"
	       "      --nlist N        build an IVF with N lists (k-means)\n"
	       "      --train N        k-means sample size (default 64 * nlist)\n"
	       "      --iters N        k-means iterations (default 10)\n"
	       "      --seed N         k-means sample seed (default 1)\n"
	       "      --no-full        quantised index file: do not keep f32 vectors for --rescore\n"
	       "      --merge          merge hits streams of the same queries into the top K\n"
	       "      --progress       report progress on stderr even when not a terminal\n"
	       "      --help           show this help and exit\n"
	       "      --version        show the version and exit\n"
	       "\n"
	       "INDEX is one index file (gk-knn --build) or vectors streams (shards).\n"
	       "Reads a vectors stream of queries, writes a hits stream.  See gk-knn(1).\n",
	       gk_cli_progname(), gk_cli_progname(), gk_cli_progname());
	exit(0);
}

struct opts {
	long k, rescore, nprobe, batch, threads, nlist, train, iters, seed;
	bool k_set, nprobe_set, exclude_self, no_vectors, no_full, progress;
	gk_dtype dtype;
	const char *queries, *output;
};

/* The id of a record as text: a string, or an integer in decimal. */
static bool record_id(const gk_record *rec, const char **id, size_t *len, char num[32])
{
	int64_t v;

	if (gk_record_get_str(rec, "id", id, len))
		return true;
	if (!gk_record_get_int(rec, "id", &v))
		return false;
	*len = (size_t)snprintf(num, 32, "%" PRId64, v);
	*id = num;
	return true;
}

static int load_index(gk_knn_index **idx, char **paths, size_t n, const struct opts *o, bool building, gk_error *err)
{
	gk_knn_build_opts bo = {
		.dtype = o->dtype,
		.keep_full = building ? !o->no_full : o->rescore > 0,
		.nlist = (size_t)o->nlist,
		.train_max = (size_t)o->train,
		.iters = (int)o->iters,
		.seed = (uint64_t)o->seed,
		.n_threads = (int)o->threads,
	};

	if (!building && n == 1 && gk_knn_is_index_file(paths[0])) {
		int rc = gk_knn_index_open(idx, paths[0], err);
		if (rc == 0 && o->dtype != GK_DTYPE_INVALID && o->dtype != (*idx)->dtype)
			rc = gk_error_set(err, GK_EUSAGE, "%s: a %s index file cannot be searched as %s; rebuild it with --dtype",
				paths[0], gk_dtype_name((*idx)->dtype), gk_dtype_name(o->dtype));
		return rc;
	}
	for (size_t i = 0; i < n; i++)
		if (gk_knn_is_index_file(paths[i]))
			return gk_error_set(err, GK_EUSAGE, "%s: an index file must be the only INDEX (search each one and --merge the hits)",
				paths[i]);
	if (building && bo.keep_full && (o->dtype == GK_DTYPE_INVALID || o->dtype == GK_DTYPE_F32))
		bo.keep_full = false;  /* an f32 index is its own full precision */
	return gk_knn_index_load_streams(idx, (const char *const *)paths, n, &bo, err);
}

/* Search one batch of query records and write them with their hits. */
static int search_batch(gk_filter *f, const gk_knn_index *idx, const struct opts *o, gk_record **recs,
			size_t n, float *v, gk_knn_hit *hits, size_t *nhits, gk_hit *out)
{
	const gk_stream_info *info = gk_stream_reader_info(f->in);
	gk_knn_queries q;
	size_t kk = (size_t)o->k + (o->exclude_self ? 1 : 0);
	gk_knn_search_opts so = {
		.k = kk, .rescore = (size_t)o->rescore, .n_threads = (int)o->threads,
		.nprobe = idx->nlist ? (size_t)o->nprobe : 0,
	};
	int rc;

	for (size_t i = 0; i < n; i++) {
		const void *p;
		size_t len;
		double scale = 1;

		gk_record_get_bin(recs[i], "vector", &p, &len);  /* checked by the reader */
		gk_record_get_double(recs[i], "scale", &scale);
		gk_vec_decode(p, info->dtype, info->dim, (float)scale, v + i * info->dim);
		for (size_t d = 0; d < info->dim; d++)
			if (!isfinite(v[i * info->dim + d])) {
				const char *qid = "?";
				size_t qlen = 1;
				char num[32];
				record_id(recs[i], &qid, &qlen, num);
				return gk_error_set(&f->err, GK_EDATA, "%s: query '%.*s': vector value %zu is not a finite number",
					o->queries ? o->queries : "stdin", (int)qlen, qid, d);
			}
	}
	rc = gk_knn_queries_from_f32(&q, idx, v, n, info->dtype != GK_DTYPE_INT8 && info->dtype != GK_DTYPE_BINARY, &f->err);
	if (rc == 0)
		rc = gk_knn_search(idx, &q, &so, hits, nhits, &f->err);
	gk_knn_queries_free(&q);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const char *qid = NULL;
		size_t qlen = 0, m = 0;
		char num[32];
		bool has_id = o->exclude_self && record_id(recs[i], &qid, &qlen, num);

		for (size_t j = 0; j < nhits[i] && m < (size_t)o->k; j++) {
			gk_knn_hit h = hits[i * kk + j];
			out[m].id = gk_knn_index_id(idx, h.row, &out[m].id_len);
			out[m].score = h.score;
			if (has_id && out[m].id_len == qlen && memcmp(out[m].id, qid, qlen) == 0)
				continue;
			m++;
		}
		if (gk_hits_set(recs[i], out, m) < 0)
			rc = gk_error_nomem(&f->err);
		if (rc == 0 && o->no_vectors) {
			gk_record_remove(recs[i], "vector");
			gk_record_remove(recs[i], "scale");
		}
		if (rc == 0)
			rc = gk_filter_write(f, recs[i]);
	}
	return rc;
}

static int run_search(char **paths, size_t npaths, const struct opts *o)
{
	gk_filter f;
	gk_knn_index *idx = NULL;
	gk_record *header = NULL, **recs = NULL;
	const gk_stream_info *info;
	size_t kk = (size_t)o->k + (o->exclude_self ? 1 : 0), n = 0, batch = 0;
	float *v = NULL;
	gk_knn_hit *hits = NULL;
	size_t *nhits = NULL;
	gk_hit *out = NULL;
	int rc;
	char *qpath = (char *)o->queries;

	rc = gk_filter_open(&f, qpath ? &qpath : NULL, qpath ? 1 : 0, "vectors");
	if (rc == 0)
		rc = load_index(&idx, paths, npaths, o, false, &f.err);
	info = rc == 0 ? gk_stream_reader_info(f.in) : NULL;
	if (rc == 0 && info->dim != idx->dim)
		rc = gk_error_set(&f.err, GK_EDATA, "%s: %zu-dimensional queries, but the index %s%s has %zu dimensions",
			o->queries ? o->queries : "stdin", info->dim, paths[0], npaths > 1 ? " ..." : "", idx->dim);
	if (rc == 0) {
		/* IVF lists get a few queries each from a batch: bigger batches
		 * make bigger matrix products */
		batch = o->batch ? (size_t)o->batch : idx->nlist && o->nprobe ? 8192 : 1024;
		recs = calloc(batch, sizeof *recs);
		v = malloc(batch * idx->dim * sizeof *v);
		hits = malloc(batch * kk * sizeof *hits);
		nhits = malloc(batch * sizeof *nhits);
		out = malloc(kk * sizeof *out);
		header = gk_filter_header_copy(&f, "hits");
		if (!recs || !v || !hits || !nhits || !out || !header || gk_record_set_int(header, "k", o->k) < 0)
			rc = gk_error_nomem(&f.err);
		else if (o->no_vectors) {
			gk_record_remove(header, "dim");
			gk_record_remove(header, "dtype");
			gk_record_remove(header, "normalized");
		}
	}
	if (rc == 0) {
		gk_progress_init(&f.progress, gk_cli_progress_wanted(o->progress), "queries");
		rc = gk_filter_start(&f, header);
	}
	while (rc == 0) {
		gk_record *rec;
		int got = gk_filter_read(&f, &rec);
		if (got < 0) {
			rc = got;
			break;
		}
		if (got == 1)
			recs[n++] = rec;
		if (n == batch || (got == 0 && n > 0)) {
			rc = search_batch(&f, idx, o, recs, n, v, hits, nhits, out);
			for (size_t i = 0; i < n; i++)
				gk_record_free(recs[i]);
			n = 0;
		}
		if (got == 0)
			break;
	}
	for (size_t i = 0; i < n; i++)
		gk_record_free(recs[i]);
	free(recs);
	free(v);
	free(hits);
	free(nhits);
	free(out);
	gk_record_free(header);
	gk_knn_index_free(idx);
	return gk_filter_finish(&f, rc);
}

static int run_build(char **paths, size_t npaths, const struct opts *o)
{
	gk_knn_index *idx = NULL;
	gk_error err = { 0 };
	int rc;

	if (!o->output)
		return gk_cli_usage_error("--build needs -o FILE, the index file to write");
	if (npaths == 0)
		return gk_cli_usage_error("--build needs the vectors streams to index");
	rc = load_index(&idx, paths, npaths, o, true, &err);
	if (rc == 0)
		rc = gk_knn_index_write(idx, o->output, &err);
	gk_knn_index_free(idx);
	return rc < 0 ? gk_cli_report(&err) : gk_cli_close_stdout();
}

/* --merge: the inputs are hits streams of the same queries, read in step. */
static int run_merge(char **paths, size_t npaths, const struct opts *o)
{
	gk_filter f;
	gk_stream_reader **in = calloc(npaths ? npaths : 1, sizeof *in);
	gk_record **recs = calloc(npaths ? npaths : 1, sizeof *recs), *header = NULL;
	gk_hit **lists = calloc(npaths ? npaths : 1, sizeof *lists), *out = NULL;
	size_t *nl = calloc(npaths ? npaths : 1, sizeof *nl), k = (size_t)o->k;
	int64_t hk;
	int rc = 0;

	if (npaths < 1) {
		free(in); free(recs); free(lists); free(nl);
		return gk_cli_usage_error("--merge needs the hits streams to merge");
	}
	/* the first input is the filter's; the others are read beside it */
	rc = gk_filter_open(&f, paths, 1, "hits");
	if (!in || !recs || !lists || !nl)
		rc = rc ? rc : gk_error_nomem(&f.err);
	for (size_t i = 1; rc == 0 && i < npaths; i++)
		rc = gk_stream_open(&in[i], (const char *const *)&paths[i], 1, "hits", &f.err);
	if (rc == 0 && !o->k_set && gk_record_get_int(gk_stream_header(f.in), "k", &hk) && hk > 0)
		k = (size_t)hk;
	if (rc == 0) {
		header = gk_filter_header_copy(&f, "hits");
		out = malloc(k * sizeof *out + 1);
		if (!header || !out || gk_record_set_int(header, "k", (int64_t)k) < 0)
			rc = gk_error_nomem(&f.err);
	}
	if (rc == 0) {
		gk_progress_init(&f.progress, gk_cli_progress_wanted(o->progress), "queries");
		rc = gk_filter_start(&f, header);
	}
	while (rc == 0) {
		int got = gk_filter_read(&f, &recs[0]), more;
		const char *id0 = NULL, *id;
		size_t len0 = 0, len;
		char num0[32], num[32];
		bool has0;

		if (got < 0) {
			rc = got;
			break;
		}
		has0 = got == 1 && record_id(recs[0], &id0, &len0, num0);
		for (size_t i = 1; rc == 0 && i < npaths; i++) {
			more = gk_stream_read(in[i], &recs[i], &f.err);
			if (more < 0)
				rc = more;
			else if (more != got)
				rc = gk_error_set(&f.err, GK_EDATA, "%s has %s records than %s: merge hits of the same queries",
					paths[i], more ? "more" : "fewer", paths[0]);
			else if (got && has0 && record_id(recs[i], &id, &len, num) && (len != len0 || memcmp(id, id0, len)))
				rc = gk_filter_record_error(&f, GK_EDATA, "query '%.*s' here is query '%.*s' in %s: merge hits of the same queries, in the same order",
					(int)len0, id0, (int)len, id, paths[i]);
		}
		if (got == 0)
			break;
		for (size_t i = 0; rc == 0 && i < npaths; i++) {
			rc = gk_hits_get(recs[i], &lists[i], &nl[i], &f.err);
			if (rc < 0 && i > 0)
				gk_error_prefix(&f.err, "%s", paths[i]);
			else if (rc < 0) {
				char msg[sizeof f.err.msg];
				memcpy(msg, f.err.msg, sizeof msg);
				gk_filter_record_error(&f, rc, "%s", msg);
			}
		}
		if (rc == 0) {
			long m = gk_hits_merge(lists, nl, npaths, k, out);
			if (m < 0 || gk_hits_set(recs[0], out, (size_t)m) < 0)
				rc = gk_error_nomem(&f.err);
		}
		if (rc == 0)
			rc = gk_filter_write(&f, recs[0]);
		for (size_t i = 0; i < npaths; i++) {
			free(lists[i]);
			lists[i] = NULL;
			gk_record_free(recs[i]);
			recs[i] = NULL;
		}
	}
	for (size_t i = 0; i < npaths; i++) {
		free(lists[i]);
		gk_record_free(recs[i]);
		if (i > 0)
			gk_stream_close(in[i]);
	}
	free(in);
	free(recs);
	free(lists);
	free(nl);
	free(out);
	gk_record_free(header);
	return gk_filter_finish(&f, rc);
}

int main(int argc, char **argv)
{
	enum {
		OPT_RESCORE = GK_OPT_FIRST_PRIVATE, OPT_NPROBE, OPT_EXCLUDE_SELF, OPT_NO_VECTORS, OPT_BUILD,
		OPT_NLIST, OPT_TRAIN, OPT_ITERS, OPT_SEED, OPT_NO_FULL, OPT_MERGE,
	};
	static const struct option options[] = {
		{ "queries", required_argument, NULL, 'q' },
		{ "dtype", required_argument, NULL, 't' },
		{ "rescore", required_argument, NULL, OPT_RESCORE },
		{ "nprobe", required_argument, NULL, OPT_NPROBE },
		{ "exclude-self", no_argument, NULL, OPT_EXCLUDE_SELF },
		{ "no-vectors", no_argument, NULL, OPT_NO_VECTORS },
		{ "batch", required_argument, NULL, 'b' },
		{ "threads", required_argument, NULL, 'j' },
		{ "build", no_argument, NULL, OPT_BUILD },
		{ "output", required_argument, NULL, 'o' },
		{ "nlist", required_argument, NULL, OPT_NLIST },
		{ "train", required_argument, NULL, OPT_TRAIN },
		{ "iters", required_argument, NULL, OPT_ITERS },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "no-full", no_argument, NULL, OPT_NO_FULL },
		{ "merge", no_argument, NULL, OPT_MERGE },
		{ "progress", no_argument, NULL, GK_OPT_PROGRESS },
		GK_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .k = 10, .nprobe = 8, .threads = 2, .seed = 1 };
	bool build = false, merge = false;
	int c;

	gk_cli_init(argv[0]);
	while ((c = getopt_long(argc, argv, "k:q:t:b:j:o:", options, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (!gk_cli_parse_long("-k", optarg, 1, 1 << 20, &o.k))
				return 64;
			o.k_set = true;
			break;
		case 'q': o.queries = optarg; break;
		case 't':
			o.dtype = gk_dtype_parse(optarg, strlen(optarg));
			if (o.dtype != GK_DTYPE_F32 && o.dtype != GK_DTYPE_INT8 && o.dtype != GK_DTYPE_BINARY)
				return gk_cli_usage_error("--dtype: '%s' is not one of f32, int8, binary", optarg);
			break;
		case OPT_RESCORE:
			if (!gk_cli_parse_long("--rescore", optarg, 1, 1 << 20, &o.rescore))
				return 64;
			break;
		case OPT_NPROBE:
			if (!gk_cli_parse_long("--nprobe", optarg, 0, 1 << 24, &o.nprobe))
				return 64;
			o.nprobe_set = true;
			break;
		case OPT_EXCLUDE_SELF: o.exclude_self = true; break;
		case OPT_NO_VECTORS: o.no_vectors = true; break;
		case 'b':
			if (!gk_cli_parse_long("--batch", optarg, 1, 1 << 20, &o.batch))
				return 64;
			break;
		case 'j':
			if (!gk_cli_parse_long("--threads", optarg, 1, 256, &o.threads))
				return 64;
			break;
		case OPT_BUILD: build = true; break;
		case 'o': o.output = optarg; break;
		case OPT_NLIST:
			if (!gk_cli_parse_long("--nlist", optarg, 1, 1 << 24, &o.nlist))
				return 64;
			break;
		case OPT_TRAIN:
			if (!gk_cli_parse_long("--train", optarg, 1, 1L << 32, &o.train))
				return 64;
			break;
		case OPT_ITERS:
			if (!gk_cli_parse_long("--iters", optarg, 1, 1000, &o.iters))
				return 64;
			break;
		case OPT_SEED:
			if (!gk_cli_parse_long("--seed", optarg, 0, 1L << 62, &o.seed))
				return 64;
			break;
		case OPT_NO_FULL: o.no_full = true; break;
		case OPT_MERGE: merge = true; break;
		case GK_OPT_PROGRESS: o.progress = true; break;
		case GK_OPT_HELP: usage(); break;
		case GK_OPT_VERSION: return gk_cli_version();
		default: return gk_cli_try_help();
		}
	}
	if (build && merge)
		return gk_cli_usage_error("--build and --merge do not go together");
	if (!build && (o.nlist || o.output))
		return gk_cli_usage_error("%s is for --build", o.nlist ? "--nlist" : "--output");
	if (merge)
		return run_merge(argv + optind, (size_t)(argc - optind), &o);
	if (build)
		return run_build(argv + optind, (size_t)(argc - optind), &o);
	if (optind == argc)
		return gk_cli_usage_error("no INDEX given (an index file or vectors streams)");
	return run_search(argv + optind, (size_t)(argc - optind), &o);
}

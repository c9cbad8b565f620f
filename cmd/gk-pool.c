/*
 * gk-pool - per-token hidden states in, one vector per record out: the
 * pooling, Dense and Normalize modules of a sentence-transformers model.
 * Only the modules are loaded, never the transformer's weights.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "filter.h"
#include "st_modules.h"
#include "vecmath.h"

static void usage(void)
{
	printf("Usage: %s [-m model] [-p mode] [--normalize | --no-normalize] [--progress] [file ...]\n"
	       "Pool each record's hidden states into one vector, as the model's\n"
	       "sentence-transformers modules say.\n"
	       "\n"
	       "  -m, --model DIR      the model directory (modules.json, 1_Pooling/, 2_Dense/)\n"
	       "                       or a GGUF model file\n"
	       "  -p, --pooling MODE   mean, cls, max, lasttoken or mean_sqrt_len (default:\n"
	       "                       the model's, or mean without a model)\n"
	       "      --normalize      scale vectors to unit length (default: if the model has\n"
	       "                       a Normalize module)\n"
	       "      --no-normalize   do not\n"
	       "      --progress       report progress on stderr even when not a terminal\n"
	       "      --help           show this help and exit\n"
	       "      --version        show the version and exit\n"
	       "\n"
	       "Reads a hidden stream, writes a vectors stream.  See gk-pool(1).\n", gk_cli_progname());
	exit(0);
}

int main(int argc, char **argv)
{
	enum { OPT_NORMALIZE = GK_OPT_FIRST_PRIVATE, OPT_NO_NORMALIZE };
	static const struct option options[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "pooling", required_argument, NULL, 'p' },
		{ "normalize", no_argument, NULL, OPT_NORMALIZE },
		{ "no-normalize", no_argument, NULL, OPT_NO_NORMALIZE },
		{ "progress", no_argument, NULL, GK_OPT_PROGRESS },
		GK_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	const char *model_dir = NULL;
	unsigned pooling = 0;
	int normalize = -1;
	bool progress = false;
	gk_st_modules mods = { 0 };
	gk_record *header = NULL, *rec;
	float *hidden = NULL, *vec = NULL;
	size_t hidden_cap = 0;
	gk_filter f;
	int c, rc;

	gk_cli_init(argv[0]);
	while ((c = getopt_long(argc, argv, "m:p:", options, NULL)) != -1) {
		switch (c) {
		case 'm': model_dir = optarg; break;
		case 'p':
			pooling = gk_pool_from_name(optarg);
			if (!pooling)
				return gk_cli_usage_error("--pooling: '%s' is not one of mean, cls, max, lasttoken, mean_sqrt_len", optarg);
			break;
		case OPT_NORMALIZE: normalize = 1; break;
		case OPT_NO_NORMALIZE: normalize = 0; break;
		case GK_OPT_PROGRESS: progress = true; break;
		case GK_OPT_HELP: usage(); break;
		case GK_OPT_VERSION: return gk_cli_version();
		default: return gk_cli_try_help();
		}
	}

	rc = gk_filter_open(&f, argv + optind, (size_t)(argc - optind), "hidden");
	const gk_stream_info *info = rc == 0 ? gk_stream_reader_info(f.in) : NULL;
	if (rc == 0 && model_dir) {
		rc = gk_st_modules_load(&mods, model_dir, (int)info->dim, &f.err);
	} else if (rc == 0) {
		/* no model: sentence-transformers' defaults for a bare transformer */
		mods.in_dim = mods.out_dim = (int)info->dim;
		mods.pooling = GK_POOL_MEAN;
		mods.include_prompt = 1;
	}
	if (rc == 0 && pooling) {
		/* the model's Dense layers expect the width its own pooling gives */
		if (mods.n_dense > 0 && gk_pool_count(pooling) != gk_pool_count(mods.pooling))
			rc = gk_error_set(&f.err, GK_EUSAGE, "--pooling %s gives vectors of another width than the model's Dense layers take",
				gk_pool_name(pooling));
		mods.pooling = pooling;
		if (mods.n_dense == 0)
			mods.out_dim = mods.in_dim * gk_pool_count(pooling);
	}
	if (rc == 0) {
		if (normalize >= 0)
			mods.normalize = normalize;
		vec = malloc((size_t)mods.out_dim * sizeof *vec);
		header = gk_filter_header_copy(&f, "vectors");
		if (!vec || !header || gk_record_set_int(header, "dim", mods.out_dim) < 0
		    || gk_record_set_cstr(header, "dtype", "f32") < 0
		    || gk_record_set_bool(header, "normalized", mods.normalize) < 0)
			rc = gk_error_nomem(&f.err);
	}
	if (rc == 0) {
		gk_progress_init(&f.progress, gk_cli_progress_wanted(progress), "records");
		rc = gk_filter_start(&f, header);
	}
	while (rc == 0 && (rc = gk_filter_read(&f, &rec)) == 1) {
		const void *payload;
		size_t len;
		int64_t n;

		rc = 0;
		gk_record_get_bin(rec, "hidden", &payload, &len);  /* checked by the reader */
		gk_record_get_int(rec, "n_tokens", &n);
		if (n == 0)
			rc = gk_filter_record_error(&f, GK_EDATA, "no tokens to pool");
		if (rc == 0 && (size_t)n * info->dim > hidden_cap) {
			free(hidden);
			hidden_cap = (size_t)n * info->dim;
			if (!(hidden = malloc(hidden_cap * sizeof *hidden)))
				rc = gk_error_nomem(&f.err);
		}
		if (rc == 0) {
			gk_vec_decode(payload, info->dtype, (size_t)n * info->dim, 1, hidden);
			rc = gk_st_modules_apply(&mods, hidden, (size_t)n, vec, &f.err);
		}
		if (rc == 0) {
			gk_record_remove(rec, "hidden");
			gk_record_remove(rec, "n_tokens");
			if (gk_record_set_bin(rec, "vector", vec, (size_t)mods.out_dim * sizeof *vec) < 0)
				rc = gk_error_nomem(&f.err);
			else
				rc = gk_filter_write(&f, rec);
		}
		gk_record_free(rec);
	}
	free(hidden);
	free(vec);
	gk_record_free(header);
	gk_st_modules_clear(&mods);
	return gk_filter_finish(&f, rc);
}

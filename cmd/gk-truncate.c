/*
 * gk-truncate - Matryoshka truncation of vectors: keep the first D
 * dimensions, re-normalise, optionally quantise to f16, int8 or binary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "filter.h"
#include "vecmath.h"

static void usage(void)
{
	printf("Usage: %s [-d dims] [-t dtype] [--no-normalize] [--progress] [file ...]\n"
	       "Keep the first dims dimensions of each vector (Matryoshka), re-normalise,\n"
	       "and optionally quantise.\n"
	       "\n"
	       "  -d, --dims D         keep the first D dimensions (default: all)\n"
	       "  -t, --dtype TYPE     output type: f32 (default), f16, bf16, int8, binary\n"
	       "      --no-normalize   do not re-normalise to unit length after truncating\n"
	       "      --progress       report progress on stderr even when not a terminal\n"
	       "      --help           show this help and exit\n"
	       "      --version        show the version and exit\n"
	       "\n"
	       "Reads a vectors stream (f32, f16 or bf16) on standard input or from files,\n"
	       "writes a vectors stream.  See gk-truncate(1).\n", gk_cli_progname());
	exit(0);
}

int main(int argc, char **argv)
{
	enum { OPT_NO_NORMALIZE = GK_OPT_FIRST_PRIVATE };
	static const struct option options[] = {
		{ "dims", required_argument, NULL, 'd' },
		{ "dtype", required_argument, NULL, 't' },
		{ "no-normalize", no_argument, NULL, OPT_NO_NORMALIZE },
		{ "progress", no_argument, NULL, GK_OPT_PROGRESS },
		GK_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	long dims = 0;
	gk_dtype out_dtype = GK_DTYPE_F32;
	bool normalize = true, progress = false;
	gk_filter f;
	gk_record *header = NULL, *rec;
	float *v = NULL;
	int c, rc;

	gk_cli_init(argv[0]);
	while ((c = getopt_long(argc, argv, "d:t:", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!gk_cli_parse_long("--dims", optarg, 1, 1 << 24, &dims))
				return 64;
			break;
		case 't':
			out_dtype = gk_dtype_parse(optarg, strlen(optarg));
			if (out_dtype == GK_DTYPE_INVALID)
				return gk_cli_usage_error("--dtype: '%s' is not one of f32, f16, bf16, int8, binary", optarg);
			break;
		case OPT_NO_NORMALIZE: normalize = false; break;
		case GK_OPT_PROGRESS: progress = true; break;
		case GK_OPT_HELP: usage(); break;
		case GK_OPT_VERSION: return gk_cli_version();
		default: return gk_cli_try_help();
		}
	}

	rc = gk_filter_open(&f, argv + optind, (size_t)(argc - optind), "vectors");
	const gk_stream_info *info = rc == 0 ? gk_stream_reader_info(f.in) : NULL;
	if (rc == 0 && (info->dtype == GK_DTYPE_INT8 || info->dtype == GK_DTYPE_BINARY))
		rc = gk_error_set(&f.err, GK_EDATA, "the input vectors are already quantised (%s): truncate before quantising",
			gk_dtype_name(info->dtype));
	if (rc == 0 && dims > (long)info->dim)
		rc = gk_error_set(&f.err, GK_EUSAGE, "--dims %ld is larger than the input's %zu dimensions", dims, info->dim);
	if (rc == 0) {
		if (dims == 0)
			dims = (long)info->dim;
		v = malloc(info->dim * sizeof *v);
		header = gk_filter_header_copy(&f, "vectors");
		if (!v || !header
		    || gk_record_set_int(header, "dim", dims) < 0
		    || gk_record_set_cstr(header, "dtype", gk_dtype_name(out_dtype)) < 0
		    || (normalize && gk_record_set_bool(header, "normalized", true) < 0))
			rc = gk_error_nomem(&f.err);
	}
	if (rc == 0) {
		gk_progress_init(&f.progress, gk_cli_progress_wanted(progress), "vectors");
		rc = gk_filter_start(&f, header);
	}
	while (rc == 0 && (rc = gk_filter_read(&f, &rec)) == 1) {
		const void *payload;
		size_t len;
		float scale = 1;
		void *dst;

		rc = 0;
		gk_record_get_bin(rec, "vector", &payload, &len);  /* checked by the reader */
		gk_vec_decode(payload, info->dtype, info->dim, 1, v);
		if (normalize)
			gk_vec_normalize(v, (size_t)dims);
		dst = gk_record_set_bin_buffer(rec, "vector", gk_dtype_bytes(out_dtype, (size_t)dims));
		if (!dst) {
			rc = gk_error_nomem(&f.err);
		} else {
			gk_vec_encode(v, (size_t)dims, out_dtype, dst, &scale);
			if (out_dtype == GK_DTYPE_INT8 && gk_record_set_double(rec, "scale", scale) < 0)
				rc = gk_error_nomem(&f.err);
			else if (out_dtype != GK_DTYPE_INT8)
				gk_record_remove(rec, "scale");
		}
		if (rc == 0)
			rc = gk_filter_write(&f, rec);
		gk_record_free(rec);
	}
	free(v);
	gk_record_free(header);
	return gk_filter_finish(&f, rc);
}

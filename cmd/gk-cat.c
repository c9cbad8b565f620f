/*
 * gk-cat - look inside gk streams: stream or JSON lines in, JSON lines or a
 * stream out.  The conversion itself lives in libcommon (record_json.c);
 * this file is options and the record loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "record_json.h"
#include "stream.h"
#include "tokenizer.h"

static void usage(void)
{
	printf("Usage: %s [-e] [-H] [-c] [-t type] [-d model] [file ...]\n"
	       "Print gk streams as JSON lines, or turn JSON lines back into a stream.\n"
	       "\n"
	       "  -e, --encode       write a gk stream (MessagePack) instead of JSON lines\n"
	       "  -H, --header       print the stream header as the first JSON line\n"
	       "  -c, --count        print only the number of records (after checking them all)\n"
	       "  -t, --type TYPE    the stream type the input must be (or, for JSON lines\n"
	       "                     without a header line, is)\n"
	       "  -d, --decode DIR   add \"decoded\": each record's ids as text, by the\n"
	       "                     tokenizer of model DIR (special tokens kept)\n"
	       "      --help         show this help and exit\n"
	       "      --version      show the version and exit\n"
	       "\n"
	       "Inputs are read in order as one stream; '-' or none is standard input.\n"
	       "Each input may be a gk stream or JSON lines (told apart by the first byte).\n"
	       "See gk-cat(1) and gk-stream(5).\n", gk_cli_progname());
	exit(0);
}

/* Write all of buf to stdout; false (with err set) on failure. */
static int put_line(gk_buf *line, gk_error *err)
{
	if (gk_buf_putc(line, '\n') < 0)
		return gk_error_nomem(err);
	if (fwrite(line->data, 1, line->len, stdout) != line->len)
		return gk_error_set(err, GK_EIO, "write error");
	gk_buf_clear(line);
	return 0;
}

/* "decoded": the record's ids back as text, for checking a tokenizer. */
static int add_decoded(const gk_tokenizer *tok, gk_record *rec, gk_error *err)
{
	int32_t *ids;
	size_t n, len;
	char *text = NULL;
	int rc;

	if (!gk_record_get(rec, "ids"))
		return 0;
	if ((rc = gk_record_get_int32_array(rec, "ids", &ids, &n)) < 0)
		return rc == GK_ENOMEM ? gk_error_nomem(err) : gk_error_set(err, rc, "\"ids\" is not an array of token ids");
	rc = gk_tokenizer_decode(tok, ids, n, false, &text, &len, err);
	if (rc == 0 && gk_record_set_str(rec, "decoded", text, len) < 0)
		rc = gk_error_nomem(err);
	free(text);
	free(ids);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "encode", no_argument, NULL, 'e' },
		{ "header", no_argument, NULL, 'H' },
		{ "type", required_argument, NULL, 't' },
		{ "count", no_argument, NULL, 'c' },
		{ "decode", required_argument, NULL, 'd' },
		GK_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	bool encode = false, header = false, count = false;
	uint64_t n = 0;
	const char *type = NULL, *decode = NULL;
	gk_tokenizer *tok = NULL;
	gk_stream_reader *in = NULL;
	gk_stream_writer *out = NULL;
	gk_buf line = GK_BUF_INIT;
	gk_error err = { 0 };
	gk_record *rec;
	int c, rc;

	gk_cli_init(argv[0]);
	while ((c = getopt_long(argc, argv, "eHct:d:", options, NULL)) != -1) {
		switch (c) {
		case 'e': encode = true; break;
		case 'H': header = true; break;
		case 'c': count = true; break;
		case 't': type = optarg; break;
		case 'd': decode = optarg; break;
		case GK_OPT_HELP: usage(); break;
		case GK_OPT_VERSION: return gk_cli_version();
		default: return gk_cli_try_help();
		}
	}
	if (encode && isatty(STDOUT_FILENO)) {
		gk_warn("not writing a binary stream to a terminal; redirect the output");
		return 64;
	}

	rc = decode ? gk_tokenizer_load(&tok, decode, &err) : 0;
	if (rc == 0)
		rc = gk_stream_open(&in, (const char *const *)argv + optind, (size_t)(argc - optind), type, &err);
	if (rc == 0 && encode)
		rc = gk_stream_writer_open(&out, STDOUT_FILENO, "<stdout>", gk_stream_header(in), &err);
	else if (rc == 0 && header && !count)
		rc = gk_record_to_json(&line, gk_stream_header(in), NULL, &err) < 0 ? err.code : put_line(&line, &err);
	while (rc == 0 && (rc = gk_stream_read(in, &rec, &err)) == 1) {
		if (tok && (rc = add_decoded(tok, rec, &err)) < 0) {
			char where[512];
			gk_stream_where(in, where, sizeof where);
			gk_error_prefix(&err, "%s", where);
		} else if (count)
			rc = 0, n++;
		else if (encode)
			rc = gk_stream_write(out, rec, &err);
		else if ((rc = gk_record_to_json(&line, rec, gk_stream_reader_info(in), &err)) < 0) {
			char where[512];
			gk_stream_where(in, where, sizeof where);
			gk_error_prefix(&err, "%s", where);
		} else
			rc = put_line(&line, &err);
		gk_record_free(rec);
	}
	if (rc == 0 && count)
		printf("%llu\n", (unsigned long long)n);
	if (rc == 0 && encode)
		rc = gk_stream_writer_close(out, &err);
	else
		gk_stream_writer_abandon(out);
	gk_stream_close(in);
	gk_tokenizer_free(tok);
	gk_buf_free(&line);
	if (rc < 0) {
		int status = err.code == GK_EIO && !encode ? gk_cli_close_stdout() : gk_cli_report(&err);
		if (err.code != GK_EIO || encode)
			fclose(stdout);
		return status ? status : 74;
	}
	return gk_cli_close_stdout();
}

/*
 * test-input-dump - list what gk_input reads from a file, one record a line:
 * id<TAB>title<TAB>bytes of text<TAB>FNV-1a 64-bit hash of the text (hex),
 * the listing tests/input-debdesc-golden.py makes with Python.  A helper of
 * tests/input-debdesc.sh, not a test by itself and not a user tool.
 *
 * Usage: test-input-dump [input options of input_cli.h] FILE
 * Exits with the error's sysexits status, the message on stderr.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

#include "input_cli.h"

static uint64_t fnv1a64(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
	return h;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		GK_INPUT_CLI_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	gk_input_options opt;
	gk_input *in;
	gk_record *rec;
	gk_error err = { 0 };
	int c, rc;

	gk_input_options_init(&opt);
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (gk_input_cli_option(&opt, c, optarg, &err) != 1) {
			fprintf(stderr, "test-input-dump: %s\n%s", err.code ? err.msg : "unknown option",
				GK_INPUT_CLI_HELP);
			return 64;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: test-input-dump [options] FILE\n");
		return 64;
	}
	rc = gk_input_open(&in, argv[optind], &opt, &err);
	while (rc == 0 && (rc = gk_input_next(in, &rec, &err)) == 1) {
		const char *id = "", *title = "", *text = "";
		size_t id_len = 0, title_len = 0, text_len = 0;

		gk_record_get_str(rec, "id", &id, &id_len);
		gk_record_get_str(rec, "title", &title, &title_len);
		gk_record_get_str(rec, "text", &text, &text_len);
		printf("%.*s\t%.*s\t%zu\t%016" PRIx64 "\n", (int)id_len, id, (int)title_len, title, text_len,
		       fnv1a64(text, text_len));
		gk_record_free(rec);
		rc = 0;
	}
	if (rc == 1 || rc == 0) {
		gk_input_close(in);
		return fclose(stdout) == 0 ? 0 : 74;
	}
	fprintf(stderr, "test-input-dump: %s\n", err.msg);
	gk_input_close(in);
	return gk_error_exit_status(rc);
}

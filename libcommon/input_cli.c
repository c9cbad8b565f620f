/*
 * input_cli.c - command-line options into a gk_input_options (input_cli.h).
 * No printing: a bad value comes back as GK_EUSAGE for the program to show.
 */
#include "input_cli.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

static int pick(int *field, int value, const char *option, const char *arg, const char *choices,
		gk_error *err)
{
	if (value < 0)
		return gk_error_set(err, GK_EUSAGE, "--%s: '%s' is not one of %s", option, arg, choices);
	*field = value;
	return 1;
}

int gk_input_cli_option(gk_input_options *opt, int code, const char *arg, gk_error *err)
{
	switch (code) {
	case GK_INPUT_OPT_FORMAT:
		return pick(&opt->format, gk_input_format_parse(arg), "format", arg,
			    "auto, lines, jsonl, archive", err);
	case GK_INPUT_OPT_TEXT_FIELD: opt->text_field = arg; return 1;
	case GK_INPUT_OPT_ID_FIELD: opt->id_field = arg; return 1;
	case GK_INPUT_OPT_TITLE_FIELD: opt->title_field = arg; return 1;
	case GK_INPUT_OPT_MEMBER_LINES: opt->member_lines = true; return 1;
	case GK_INPUT_OPT_STRIP_MEMBER_PATH: opt->strip_member_path = true; return 1;
	case GK_INPUT_OPT_INVALID_UTF8:
		return pick(&opt->invalid_utf8, gk_input_utf8_parse(arg), "invalid-utf8", arg,
			    "error, replace", err);
	case GK_INPUT_OPT_EMPTY:
		return pick(&opt->empty, gk_input_empty_parse(arg), "empty", arg, "error, skip, keep", err);
	case GK_INPUT_OPT_MAX_LINE: {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(arg, &end, 10);
		if (errno || end == arg || *end || arg[0] == '-' || v == 0 || v > SIZE_MAX / 8)
			return gk_error_set(err, GK_EUSAGE, "--max-line: '%s' is not a size in bytes (1 or more)",
				arg);
		opt->max_line = (size_t)v;
		return 1;
	}
	default:
		return 0;
	}
}

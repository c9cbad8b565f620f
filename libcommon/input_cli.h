/*
 * input_cli.h - the command-line options of the programs that read corpora
 * (gk-tokenize, gk-generate, gk-relabel), in one place so that they spell
 * and document them alike.  A program adds GK_INPUT_CLI_OPTIONS to its
 * getopt_long table, passes every option code to gk_input_cli_option, and
 * prints GK_INPUT_CLI_HELP in its --help.
 *
 * This only fills a gk_input_options; it prints nothing and opens nothing.
 */
#ifndef GK_INPUT_CLI_H
#define GK_INPUT_CLI_H

#include <getopt.h>

#include "error.h"
#include "input.h"

/* Option codes, above cli.h's GK_OPT_* and programs' private ones. */
enum {
	GK_INPUT_OPT_FORMAT = 0x2000,
	GK_INPUT_OPT_TEXT_FIELD,
	GK_INPUT_OPT_ID_FIELD,
	GK_INPUT_OPT_TITLE_FIELD,
	GK_INPUT_OPT_MEMBER_LINES,
	GK_INPUT_OPT_STRIP_MEMBER_PATH,
	GK_INPUT_OPT_INVALID_UTF8,
	GK_INPUT_OPT_EMPTY,
	GK_INPUT_OPT_MAX_LINE,
};

#define GK_INPUT_CLI_OPTIONS \
	{ "format", required_argument, NULL, GK_INPUT_OPT_FORMAT }, \
	{ "text-field", required_argument, NULL, GK_INPUT_OPT_TEXT_FIELD }, \
	{ "id-field", required_argument, NULL, GK_INPUT_OPT_ID_FIELD }, \
	{ "title-field", required_argument, NULL, GK_INPUT_OPT_TITLE_FIELD }, \
	{ "member-lines", no_argument, NULL, GK_INPUT_OPT_MEMBER_LINES }, \
	{ "strip-member-path", no_argument, NULL, GK_INPUT_OPT_STRIP_MEMBER_PATH }, \
	{ "invalid-utf8", required_argument, NULL, GK_INPUT_OPT_INVALID_UTF8 }, \
	{ "empty", required_argument, NULL, GK_INPUT_OPT_EMPTY }, \
	{ "max-line", required_argument, NULL, GK_INPUT_OPT_MAX_LINE }

#define GK_INPUT_CLI_HELP \
	"Input options (plain text, JSON lines, archives):\n" \
	"      --format=FORM        auto (default), lines, jsonl or archive\n" \
	"      --text-field=NAME    JSON field of the text (default: text)\n" \
	"      --id-field=NAME      JSON field of the id (default: _id, then id)\n" \
	"      --title-field=NAME   JSON field of the title (default: title)\n" \
	"      --member-lines       one record per line of each archive member\n" \
	"      --strip-member-path  archive ids without folder and extension\n" \
	"      --invalid-utf8=WHAT  error (default) or replace (by U+FFFD)\n" \
	"      --empty=WHAT         empty texts: error (default), skip or keep\n" \
	"      --max-line=BYTES     longest line or member (default: 64 MiB)\n"

/* Apply option code with its argument arg (borrowed: opt keeps the
 * pointer, as argv lives as long as the program).  Returns 1 when the code
 * is one of the above, 0 when it is not (the program's own), GK_EUSAGE with
 * a message naming the option for a bad value. */
int gk_input_cli_option(gk_input_options *opt, int code, const char *arg, gk_error *err);

#endif

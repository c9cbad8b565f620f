/*
 * gk-tokenize - text in, token ids out, with the model's own tokenizer.
 * Inputs are text files, JSON lines, BEIR files, archives (libcommon's
 * gk_input) or gk streams of text records (told apart by the first byte).
 * This file is options, prompt formatting and the record loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "input.h"
#include "input_cli.h"
#include "json_util.h"
#include "progress.h"
#include "record_source.h"
#include "st_config.h"
#include "stream.h"
#include "tokenizer.h"

static void usage(void)
{
	printf("Usage: %s -m model [options] [file ...]\n"
	       "Turn text into token ids with the model's own tokenizer.\n"
	       "\n"
	       "  -m, --model DIR          the model directory (tokenizer.json or vocab.txt)\n"
	       "                           or a GGUF model file\n"
	       "  -n, --max-tokens N       at most N tokens, special tokens included (default:\n"
	       "                           the model's maximum sequence length)\n"
	       "      --no-special         do not add the model's special tokens ([CLS], <bos>)\n"
	       "  -p, --prompt NAME        put the model's prompt NAME (from\n"
	       "                           config_sentence_transformers.json) before the text\n"
	       "      --prefix STR         put STR before the text\n"
	       "      --gecko KIND         Gecko's formats: query (\"task: T | query: TEXT\") or\n"
	       "                           document (\"title: TITLE | text: TEXT\")\n"
	       "      --task TASK          the task for --gecko query when a record has none\n"
	       "                           (default \"search result\")\n"
	       "      --instruct TASK      Qwen3-Embedding's query format:\n"
	       "                           \"Instruct: TASK\\nQuery:TEXT\"\n"
	       "      --pair FIELD         encode the pair (text, FIELD) for a cross-encoder\n"
	       "      --no-text            drop the text from the output records\n"
	       "      --progress           report progress on stderr even when not a terminal\n"
	       "      --help               show this help and exit\n"
	       "      --version            show the version and exit\n"
	       "\n"
	       GK_INPUT_CLI_HELP
	       "\n"
	       "Inputs may also be gk streams of text records.  Writes a tokens stream.\n"
	       "See gk-tokenize(1).\n", gk_cli_progname());
	exit(0);
}

enum gecko_kind { GECKO_NONE, GECKO_QUERY, GECKO_DOCUMENT };

typedef struct settings {
	const char *prefix;          /* from --prefix, --prompt or --instruct */
	enum gecko_kind gecko;
	const char *task;
	const char *pair_field;
	bool drop_text;
	gk_encode_options enc;
} settings;

/* A string field of rec, or def. */
static const char *field(const gk_record *rec, const char *key, const char *def, size_t *len)
{
	const char *s;

	if (gk_record_get_str(rec, key, &s, len) && *len > 0)
		return s;
	*len = def ? strlen(def) : 0;
	return def;
}

/* The text the tokenizer sees: prompt or Gecko format around the record's text. */
static int compose(const settings *st, const gk_record *rec, gk_buf *out, gk_error *err)
{
	size_t len, tlen, n;
	const char *text = field(rec, "text", NULL, &len);
	static const char gemma_document[] = "title: none | text: ";
	int rc = 0;

	gk_buf_clear(out);
	if (!text && !gk_record_get_str(rec, "text", &text, &len))
		return gk_error_set(err, GK_EDATA, "no \"text\" string to tokenize");
	if (st->gecko == GECKO_QUERY) {
		const char *task = field(rec, "task", st->task, &tlen);
		rc = gk_buf_puts(out, "task: ") | gk_buf_append(out, task, tlen) | gk_buf_puts(out, " | query: ");
	} else if (st->gecko == GECKO_DOCUMENT
		   || (st->prefix && !strcmp(st->prefix, gemma_document) && field(rec, "title", NULL, &n))) {
		/* EmbeddingGemma's document prompt names the title when the record has one */
		const char *title = field(rec, "title", "none", &tlen);
		rc = gk_buf_puts(out, "title: ") | gk_buf_append(out, title, tlen) | gk_buf_puts(out, " | text: ");
	} else if (st->prefix) {
		rc = gk_buf_puts(out, st->prefix);
	}
	rc |= gk_buf_append(out, text, len);
	return rc < 0 ? gk_error_nomem(err) : 0;
}

static int tokenize_record(const settings *st, const gk_tokenizer *tok, gk_record *rec,
			   gk_buf *text, gk_encoding *enc, gk_error *err)
{
	const char *pair = NULL;
	size_t pair_len = 0;
	int rc;

	if ((rc = compose(st, rec, text, err)) < 0)
		return rc;
	if (st->pair_field && !gk_record_get_str(rec, st->pair_field, &pair, &pair_len))
		return gk_error_set(err, GK_EDATA, "no \"%s\" string for the pair", st->pair_field);
	if ((rc = gk_tokenizer_encode(tok, text->data, text->len, pair, pair_len, &st->enc, enc, err)) < 0)
		return rc;
	if (gk_record_set_int_array(rec, "ids", enc->ids, enc->n) < 0
	    || (st->pair_field && gk_record_set_int_array(rec, "type_ids", enc->type_ids, enc->n) < 0))
		return gk_error_nomem(err);
	if (st->drop_text)
		gk_record_remove(rec, "text");
	return 0;
}

/* The default length limit: sentence-transformers' max_seq_length, else the
 * tokenizer's, else the model's position table. */
static size_t default_max_tokens(const char *dir, const gk_st_config *stc, const gk_tokenizer *tok)
{
	char *path;
	json_t *cfg;
	int64_t max_pos = 0;
	gk_error ignore;

	if (stc->max_seq_length)
		return stc->max_seq_length;
	if (gk_tokenizer_max_length(tok) && gk_tokenizer_max_length(tok) < (1u << 24))
		return gk_tokenizer_max_length(tok);
	path = gk_path_join(dir, "config.json");
	cfg = path && gk_file_exists(path) ? gk_json_load_file(path, NULL, &ignore) : NULL;
	if (cfg)
		gk_json_get_int(cfg, "max_position_embeddings", 0, 0, 1 << 24, &max_pos, "config.json", &ignore);
	json_decref(cfg);
	free(path);
	return (size_t)max_pos;
}

static const char *base_name(const char *path)
{
	const char *end = path + strlen(path), *start;

	while (end > path + 1 && end[-1] == '/')
		end--;
	for (start = end; start > path && start[-1] != '/'; start--)
		;
	return start;
}

int main(int argc, char **argv)
{
	enum {
		OPT_NO_SPECIAL = GK_OPT_FIRST_PRIVATE, OPT_PREFIX, OPT_GECKO, OPT_TASK, OPT_PAIR,
		OPT_NO_TEXT, OPT_INSTRUCT,
	};
	static const struct option options[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "max-tokens", required_argument, NULL, 'n' },
		{ "no-special", no_argument, NULL, OPT_NO_SPECIAL },
		{ "prompt", required_argument, NULL, 'p' },
		{ "prefix", required_argument, NULL, OPT_PREFIX },
		{ "gecko", required_argument, NULL, OPT_GECKO },
		{ "task", required_argument, NULL, OPT_TASK },
		{ "instruct", required_argument, NULL, OPT_INSTRUCT },
		{ "pair", required_argument, NULL, OPT_PAIR },
		{ "no-text", no_argument, NULL, OPT_NO_TEXT },
		GK_INPUT_CLI_OPTIONS,
		{ "progress", no_argument, NULL, GK_OPT_PROGRESS },
		GK_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	settings st = { .task = "search result", .enc = { .add_special_tokens = true } };
	const char *model_dir = NULL, *prompt = NULL, *instruct = NULL;
	long max_tokens = -1;
	bool progress = false;
	gk_input_options in_opt;
	gk_st_config stc = { 0 };
	gk_tokenizer *tok = NULL;
	gk_stream_writer *out = NULL;
	gk_record *header = NULL, *rec;
	gk_encoding enc;
	gk_buf text = GK_BUF_INIT;
	gk_buf instruct_text = GK_BUF_INIT;
	gk_error err = { 0 };
	gk_progress prog;
	uint64_t truncated = 0;
	int c, rc, v;

	gk_cli_init(argv[0]);
	gk_input_options_init(&in_opt);
	gk_encoding_init(&enc);
	while ((c = getopt_long(argc, argv, "m:n:p:", options, NULL)) != -1) {
		switch (c) {
		case 'm': model_dir = optarg; break;
		case 'n':
			if (!gk_cli_parse_long("--max-tokens", optarg, 1, 1L << 24, &max_tokens))
				return 64;
			break;
		case OPT_NO_SPECIAL: st.enc.add_special_tokens = false; break;
		case 'p': prompt = optarg; break;
		case OPT_PREFIX: st.prefix = optarg; break;
		case OPT_GECKO:
			if (!strcmp(optarg, "query"))
				st.gecko = GECKO_QUERY;
			else if (!strcmp(optarg, "document"))
				st.gecko = GECKO_DOCUMENT;
			else
				return gk_cli_usage_error("--gecko: '%s' is neither query nor document", optarg);
			break;
		case OPT_TASK: st.task = optarg; break;
		case OPT_INSTRUCT: instruct = optarg; break;
		case OPT_PAIR: st.pair_field = optarg; break;
		case OPT_NO_TEXT: st.drop_text = true; break;
		case GK_OPT_PROGRESS: progress = true; break;
		case GK_OPT_HELP: usage(); break;
		case GK_OPT_VERSION: return gk_cli_version();
		default:
			if ((v = gk_input_cli_option(&in_opt, c, optarg, &err)) < 0)
				return gk_cli_usage_error("%s", err.msg);
			if (v == 0)
				return gk_cli_try_help();
		}
	}
	if (!model_dir)
		return gk_cli_usage_error("no model: give one with -m DIR");
	if (!!prompt + !!st.prefix + !!instruct > 1)
		return gk_cli_usage_error("--prompt, --prefix and --instruct all put text before the text: give one");
	/* Qwen3-Embedding's get_detailed_instruct(task, query) */
	if (instruct && gk_buf_printf(&instruct_text, "Instruct: %s\nQuery:", instruct) < 0) {
		gk_error_nomem(&err);
		return gk_cli_report(&err);
	}
	if (instruct)
		st.prefix = instruct_text.data;

	rc = gk_tokenizer_load(&tok, model_dir, &err);
	if (rc == 0)
		rc = gk_st_config_load(&stc, model_dir, &err);
	if (rc == 0 && prompt && !(st.prefix = gk_st_config_prompt(&stc, prompt)))
		rc = gk_error_set(&err, GK_EUSAGE, "%s has no prompt named '%s' (config_sentence_transformers.json)",
			model_dir, prompt);
	if (rc == 0) {
		st.enc.max_tokens = max_tokens > 0 ? (size_t)max_tokens : default_max_tokens(model_dir, &stc, tok);
		header = gk_header_new("tokens");
		if (!header || gk_record_set_cstr(header, "model", base_name(model_dir)) < 0
		    || gk_record_set_int(header, "vocab_size", (int64_t)gk_tokenizer_vocab_size(tok)) < 0
		    || (st.enc.max_tokens && gk_record_set_int(header, "max_tokens", (int64_t)st.enc.max_tokens) < 0))
			rc = gk_error_nomem(&err);
	}
	if (rc == 0)
		rc = gk_stream_writer_open(&out, STDOUT_FILENO, "<stdout>", header, &err);
	gk_progress_init(&prog, gk_cli_progress_wanted(progress), "records");

	char *dash[] = { "-" };
	char **paths = optind < argc ? argv + optind : dash;
	size_t npaths = optind < argc ? (size_t)(argc - optind) : 1;
	for (size_t i = 0; rc == 0 && i < npaths; i++) {
		gk_record_source src;

		rc = gk_record_source_open(&src, paths[i], &in_opt, &err);
		while (rc == 0 && (rc = gk_record_source_next(&src, &rec, &err)) == 1) {
			rc = tokenize_record(&st, tok, rec, &text, &enc, &err);
			if (rc < 0) {
				char where[512];
				gk_record_source_where(&src, where, sizeof where);
				gk_error_prefix(&err, "%s", where);
			} else {
				truncated += enc.truncated;
				rc = gk_stream_write(out, rec, &err);
				gk_progress_add(&prog, 1);
			}
			gk_record_free(rec);
		}
		gk_record_source_close(&src);
	}
	if (rc == 0)
		rc = gk_stream_writer_close(out, &err);
	else
		gk_stream_writer_abandon(out);
	if (rc == 0) {
		gk_progress_end(&prog);
		if (truncated)
			gk_warn("%llu of %llu records truncated to %zu tokens", (unsigned long long)truncated,
				(unsigned long long)prog.done, st.enc.max_tokens);
	}
	gk_encoding_free(&enc);
	gk_buf_free(&text);
	gk_buf_free(&instruct_text);
	gk_record_free(header);
	gk_st_config_clear(&stc);
	gk_tokenizer_free(tok);
	return rc < 0 ? gk_cli_report(&err) : 0;
}

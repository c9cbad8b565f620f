/*
 * gk-generate - FRet step 1 (Gecko, sec. 3.2): a language model reads a
 * seed passage in a few-shot prompt and writes a task description and a
 * query that the passage answers.  Several passages decode as one batch,
 * each with its own KV cache; this file is the prompt, the decoding loop
 * and the parsing of what the model wrote.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "fret.h"
#include "input_cli.h"
#include "lm.h"
#include "progress.h"
#include "record_source.h"
#include "sampling.h"
#include "stream.h"
#include "tokenizer.h"

/* A few-shot prompt with the four task kinds the paper names: question
 * answering, search result, fact checking, sentence similarity. */
static const char default_template[] =
	"Read the passage, then write a retrieval task it fits and a query it answers.\n"
	"\n"
	"Passage: The Eiffel Tower was finished in 1889 for the World's Fair in Paris and stayed the tallest structure in the world until 1930.\n"
	"task: Given a question, retrieve passages that answer it\n"
	"query: when was the eiffel tower built\n"
	"\n"
	"Passage: Regular exercise lowers blood pressure and improves sleep, several large studies found.\n"
	"task: Given a claim, find passages that support or refute it\n"
	"query: exercise helps people sleep better\n"
	"\n"
	"Passage: In Python, list.sort() sorts a list in place and returns None, while sorted() returns a new list.\n"
	"task: Given a web search query, retrieve relevant passages\n"
	"query: python sort list in place\n"
	"\n"
	"Passage: The cat sat quietly on the warm windowsill, watching the birds outside.\n"
	"task: Retrieve sentences that mean the same as the given sentence\n"
	"query: a cat looks at birds through a window\n"
	"\n"
	"Passage: {title} {passage}\n"
	"task:";

static void usage(void)
{
	printf("Usage: %s --lm dir [options] [file ...]\n"
	       "Have a language model write a task and a query for each seed passage.\n"
	       "\n"
	       "  -l, --lm DIR             the language model\n"
	       "      --template FILE      the prompt, with {title} and {passage}; the model's\n"
	       "                           text after it is parsed as \"TASK\\nquery: QUERY\"\n"
	       "      --raw                keep what the model wrote as \"text\", unparsed\n"
	       "      --sample N           take N passages, chosen at random (with --seed)\n"
	       "      --seed S             seed for --sample and sampling (default 1)\n"
	       "  -T, --temperature T      0 (default) decodes greedily\n"
	       "      --top-k K            sample from the K most likely tokens\n"
	       "      --top-p P            sample from the most likely tokens holding P\n"
	       "  -m, --max-new-tokens N   tokens to write at most (default 64)\n"
	       "      --stop STR           stop at STR (repeatable; default: a blank line)\n"
	       "  -b, --batch N            passages decoded together (default 8)\n"
	       "  -t, --max-tokens N       passage tokens kept in a prompt (default 256)\n"
	       "      --keep-passage       keep the passage's fields as passage_FIELD\n"
	       "  -j, --threads N          threads to use (default: all cores)\n"
	       "      --progress           report progress on stderr even when not a terminal\n"
	       "      --help               show this help and exit\n"
	       "      --version            show the version and exit\n"
	       "\n"
	       GK_INPUT_CLI_HELP
	       "\n"
	       "Reads passages (text, JSON lines, archives or a stream), writes a queries\n"
	       "stream.  See gk-generate(1).\n", gk_cli_progname());
	exit(0);
}

typedef struct settings {
	char *template;
	bool raw, keep_passage;
	gk_sampler sampler;
	uint64_t seed;
	size_t max_new, batch, max_passage;
	const char *stops[16];
	size_t n_stops;
	gk_lm_run run;
} settings;

/* One passage being decoded. */
typedef struct slot {
	gk_record *rec;       /* the passage, owned */
	uint64_t index;       /* its position in the input, for its seed */
	gk_lm_cache *cache;
	int32_t *out;         /* (max_new) tokens written */
	size_t n_out;
	bool done;
	uint64_t rng;
	int32_t next;         /* the token to feed next */
} slot;

typedef struct gen {
	const settings *st;
	const gk_tokenizer *tok;
	const gk_lm *lm;
	gk_stream_writer *out;
	gk_encoding enc;
	gk_buf text;
	void *scratch;        /* for gk_sample */
	float *logits;        /* (batch, vocab) */
	int32_t eos;
	uint64_t written, unparsed, passages;
} gen;

static int render(gk_buf *out, const char *tpl, const gk_record *rec, const char *passage, size_t plen)
{
	const char *title = "";
	size_t tlen = 0;
	int rc = 0;

	gk_record_get_str(rec, "title", &title, &tlen);
	gk_buf_clear(out);
	while (*tpl && rc == 0) {
		if (!strncmp(tpl, "{passage}", 9)) {
			rc = gk_buf_append(out, passage, plen);
			tpl += 9;
		} else if (!strncmp(tpl, "{title}", 7)) {
			rc = gk_buf_append(out, title, tlen);
			tpl += 7;
		} else {
			rc = gk_buf_putc(out, *tpl++);
		}
	}
	return rc < 0 ? GK_ENOMEM : 0;
}

/* The prompt's token ids for a passage (cut to max_passage tokens). */
static int prompt_ids(gen *g, const gk_record *rec, gk_error *err)
{
	const char *passage = "";
	size_t plen = 0;
	char *cut = NULL;
	gk_encode_options plain = { .add_special_tokens = false }, with = { .add_special_tokens = true };
	int rc;

	gk_record_get_str(rec, "text", &passage, &plen);
	if ((rc = gk_tokenizer_encode(g->tok, passage, plen, NULL, 0, &plain, &g->enc, err)) < 0)
		return rc;
	if (g->enc.n > g->st->max_passage) {
		if ((rc = gk_tokenizer_decode(g->tok, g->enc.ids, g->st->max_passage, true, &cut, &plen, err)) < 0)
			return rc;
		passage = cut;
	}
	rc = render(&g->text, g->st->template, rec, passage, plen);
	free(cut);
	if (rc < 0)
		return gk_error_nomem(err);
	if ((rc = gk_tokenizer_encode(g->tok, g->text.data, g->text.len, NULL, 0, &with, &g->enc, err)) < 0)
		return rc;
	/* a prompt goes on: no end-of-sequence token after it */
	while (g->enc.n > 1 && g->enc.special[g->enc.n - 1])
		g->enc.n--;
	return 0;
}

static char *decode(gen *g, const int32_t *ids, size_t n, size_t *len, gk_error *err)
{
	char *text = NULL;

	if (gk_tokenizer_decode(g->tok, ids, n, true, &text, len, err) < 0)
		return NULL;
	return text;
}

/* Whether text ends in a stop string (then cut it off). */
static bool stopped(const settings *st, char *text, size_t *len)
{
	for (size_t i = 0; i < st->n_stops; i++) {
		char *at = strstr(text, st->stops[i]);
		if (at) {
			*at = '\0';
			*len = (size_t)(at - text);
			return true;
		}
	}
	return false;
}

/* Write the record of a finished slot. */
static int emit(gen *g, slot *s, gk_error *err)
{
	size_t len, tlen, qlen;
	char *text = decode(g, s->out, s->n_out, &len, err);
	const char *task, *query, *id = "";
	size_t idlen = 0;
	gk_record *out;
	int rc = 0;

	if (!text)
		return err->code;
	stopped(g->st, text, &len);
	gk_record_get_str(s->rec, "id", &id, &idlen);
	out = gk_record_new();
	if (!out) {
		free(text);
		return gk_error_nomem(err);
	}
	{
		char newid[512];
		snprintf(newid, sizeof newid, "%.*s#q", (int)(idlen < 500 ? idlen : 500), id);
		rc |= gk_record_set_cstr(out, "id", newid);
		rc |= gk_record_set_str(out, "seed", id, idlen);
	}
	if (g->st->raw) {
		rc |= gk_record_set_str(out, "text", text, len);
	} else if (gk_fret_parse_generation(text, &task, &tlen, &query, &qlen)) {
		rc |= gk_record_set_str(out, "task", task, tlen);
		rc |= gk_record_set_str(out, "query", query, qlen);
		rc |= gk_record_set_str(out, "text", query, qlen);
	} else {
		g->unparsed++;
		gk_warn("passage %.*s: the model's text does not read as a task and a query: \"%.80s\"",
			(int)idlen, id, text);
		gk_record_free(out);
		free(text);
		return 0;
	}
	if (g->st->keep_passage)
		for (size_t i = 0; i < gk_record_count(s->rec); i++) {
			size_t klen;
			const char *k = gk_record_key(s->rec, i, &klen);
			char key[256];
			snprintf(key, sizeof key, "passage_%.*s", (int)(klen < 200 ? klen : 200), k);
			rc |= gk_record_set_object(out, key, gk_record_value(s->rec, i));
		}
	free(text);
	if (rc < 0) {
		gk_record_free(out);
		return gk_error_nomem(err);
	}
	rc = gk_stream_write(g->out, out, err);
	gk_record_free(out);
	g->written++;
	return rc;
}

/* Decode a batch of passages to the end. */
static int run_batch(gen *g, slot *slots, size_t n, gk_error *err)
{
	size_t vocab = (size_t)g->lm->cfg.vocab_size;
	gk_lm_cache *caches[n];
	const int32_t *ids[n];
	int32_t *prompts[n];
	size_t lens[n], active = n, map[n];
	int rc = 0;

	memset(caches, 0, sizeof caches);
	memset(ids, 0, sizeof ids);
	memset(lens, 0, sizeof lens);
	memset(prompts, 0, sizeof prompts);
	for (size_t i = 0; i < n && rc == 0; i++) {
		if ((rc = prompt_ids(g, slots[i].rec, err)) < 0)
			break;
		if (!(prompts[i] = malloc(g->enc.n * sizeof *prompts[i]))) {
			rc = gk_error_nomem(err);
			break;
		}
		memcpy(prompts[i], g->enc.ids, g->enc.n * sizeof *prompts[i]);
		lens[i] = g->enc.n;
		if ((rc = gk_lm_cache_new(&slots[i].cache, g->lm, g->enc.n + g->st->max_new, err)) < 0)
			break;
		caches[i] = slots[i].cache;
		ids[i] = prompts[i];
		map[i] = i;
	}
	/* the prompts in one pass, then one token per active passage per step */
	if (rc == 0)
		rc = gk_lm_decode_batch(g->lm, caches, ids, lens, n, g->logits, &g->st->run, err);
	while (rc == 0 && active > 0) {
		size_t next = 0;
		for (size_t a = 0; a < active; a++) {
			slot *s = &slots[map[a]];
			int32_t t = gk_sample(&g->st->sampler, g->logits + a * vocab, vocab, &s->rng, g->scratch);
			bool end = t == g->eos;
			if (!end)
				s->out[s->n_out++] = t;
			if (!end && g->st->n_stops > 0 && !g->st->raw) {
				size_t len;
				char *text = decode(g, s->out, s->n_out, &len, err);
				if (!text) {
					rc = err->code;
					break;
				}
				end = stopped(g->st, text, &len);
				free(text);
			}
			if (end || s->n_out >= g->st->max_new)
				s->done = true;
			if (!s->done) {
				s->next = t;
				map[next++] = map[a];
			}
		}
		active = next;
		if (rc < 0 || active == 0)
			break;
		for (size_t a = 0; a < active; a++) {
			caches[a] = slots[map[a]].cache;
			ids[a] = &slots[map[a]].next;
			lens[a] = 1;
		}
		rc = gk_lm_decode_batch(g->lm, caches, ids, lens, active, g->logits, &g->st->run, err);
	}
	for (size_t i = 0; i < n; i++) {
		if (rc == 0)
			rc = emit(g, &slots[i], err);
		free(prompts[i]);
	}
	return rc;
}

/* A value scrambled by splitmix64: independent streams per passage. */
static uint64_t mix(uint64_t x)
{
	return gk_random_next(&x);
}

static void free_slots(slot *slots, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		gk_record_free(slots[i].rec);
		gk_lm_cache_free(slots[i].cache);
		free(slots[i].out);
		memset(&slots[i], 0, sizeof slots[i]);
	}
}

int main(int argc, char **argv)
{
	enum { OPT_TEMPLATE = GK_OPT_FIRST_PRIVATE, OPT_RAW, OPT_SAMPLE, OPT_SEED, OPT_TOPK, OPT_TOPP,
	       OPT_STOP, OPT_KEEP };
	static const struct option options[] = {
		{ "lm", required_argument, NULL, 'l' },
		{ "template", required_argument, NULL, OPT_TEMPLATE },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "sample", required_argument, NULL, OPT_SAMPLE },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "temperature", required_argument, NULL, 'T' },
		{ "top-k", required_argument, NULL, OPT_TOPK },
		{ "top-p", required_argument, NULL, OPT_TOPP },
		{ "max-new-tokens", required_argument, NULL, 'm' },
		{ "stop", required_argument, NULL, OPT_STOP },
		{ "batch", required_argument, NULL, 'b' },
		{ "max-tokens", required_argument, NULL, 't' },
		{ "keep-passage", no_argument, NULL, OPT_KEEP },
		{ "threads", required_argument, NULL, 'j' },
		{ "progress", no_argument, NULL, GK_OPT_PROGRESS },
		GK_INPUT_CLI_OPTIONS,
		GK_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	settings st = { .sampler = { .temperature = 0, .top_k = 0, .top_p = 1 }, .seed = 1, .max_new = 64,
			 .batch = 8, .max_passage = 256 };
	const char *lm_dir = NULL, *template_path = NULL;
	long v, sample = 0, threads = sysconf(_SC_NPROCESSORS_ONLN);
	bool progress = false;
	gk_input_options in_opt;
	gk_error err = { 0 };
	gk_tokenizer *tok = NULL;
	gk_lm *lm = NULL;
	gk_record *header = NULL, *rec;
	gen g = { 0 };
	slot *slots = NULL;
	gk_progress prog;
	int c, rc;

	gk_cli_init(argv[0]);
	gk_input_options_init(&in_opt);
	while ((c = getopt_long(argc, argv, "l:T:m:b:t:j:", options, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'l': lm_dir = optarg; break;
		case OPT_TEMPLATE: template_path = optarg; break;
		case OPT_RAW: st.raw = true; break;
		case OPT_SAMPLE:
			if (!gk_cli_parse_long("--sample", optarg, 1, 1L << 30, &sample))
				return 64;
			break;
		case OPT_SEED:
			if (!gk_cli_parse_long("--seed", optarg, 0, 0x7fffffffL, &v))
				return 64;
			st.seed = (uint64_t)v;
			break;
		case 'T':
			st.sampler.temperature = strtof(optarg, &end);
			if (*end || end == optarg || !(st.sampler.temperature >= 0))
				return gk_cli_usage_error("--temperature: '%s' is not a number from 0", optarg);
			break;
		case OPT_TOPK:
			if (!gk_cli_parse_long("--top-k", optarg, 1, 1L << 24, &v))
				return 64;
			st.sampler.top_k = (size_t)v;
			break;
		case OPT_TOPP:
			st.sampler.top_p = strtof(optarg, &end);
			if (*end || end == optarg || !(st.sampler.top_p > 0 && st.sampler.top_p <= 1))
				return gk_cli_usage_error("--top-p: '%s' is not a number in (0, 1]", optarg);
			break;
		case 'm':
			if (!gk_cli_parse_long("--max-new-tokens", optarg, 1, 1L << 20, &v))
				return 64;
			st.max_new = (size_t)v;
			break;
		case OPT_STOP:
			if (st.n_stops == sizeof st.stops / sizeof *st.stops)
				return gk_cli_usage_error("--stop: at most %zu", sizeof st.stops / sizeof *st.stops);
			st.stops[st.n_stops++] = optarg;
			break;
		case 'b':
			if (!gk_cli_parse_long("--batch", optarg, 1, 1024, &v))
				return 64;
			st.batch = (size_t)v;
			break;
		case 't':
			if (!gk_cli_parse_long("--max-tokens", optarg, 1, 1L << 20, &v))
				return 64;
			st.max_passage = (size_t)v;
			break;
		case OPT_KEEP: st.keep_passage = true; break;
		case 'j':
			if (!gk_cli_parse_long("--threads", optarg, 1, 1024, &threads))
				return 64;
			break;
		case GK_OPT_PROGRESS: progress = true; break;
		case GK_OPT_HELP: usage(); break;
		case GK_OPT_VERSION: return gk_cli_version();
		default:
			if ((rc = gk_input_cli_option(&in_opt, c, optarg, &err)) < 0)
				return gk_cli_usage_error("%s", err.msg);
			if (rc == 0)
				return gk_cli_try_help();
		}
	}
	if (!lm_dir)
		return gk_cli_usage_error("no language model: give one with --lm DIR");
	if (st.n_stops == 0 && !st.raw)
		st.stops[st.n_stops++] = "\n\n";
	st.run.n_threads = (int)threads;

	st.template = template_path ? gk_read_text_file(template_path, &err) : strdup(default_template);
	rc = st.template ? 0 : (err.code ? err.code : gk_error_nomem(&err));
	if (rc == 0)
		rc = gk_tokenizer_load(&tok, lm_dir, &err);
	if (rc == 0)
		rc = gk_lm_load(&lm, lm_dir, &err);
	if (rc == 0) {
		size_t vocab = (size_t)lm->cfg.vocab_size;
		g = (gen){ .st = &st, .tok = tok, .lm = lm, .eos = gk_tokenizer_special_id(tok, GK_TOKEN_ROLE_EOS) };
		g.scratch = malloc(vocab * (sizeof(int32_t) + sizeof(float)));
		g.logits = malloc(st.batch * vocab * sizeof *g.logits);
		slots = calloc(st.batch, sizeof *slots);
		header = gk_header_new("queries");
		if (!g.scratch || !g.logits || !slots || !header || gk_record_set_cstr(header, "lm", lm_dir) < 0)
			rc = gk_error_nomem(&err);
		gk_encoding_init(&g.enc);
	}
	if (rc == 0)
		rc = gk_stream_writer_open(&g.out, STDOUT_FILENO, "<stdout>", header, &err);
	gk_progress_init(&prog, gk_cli_progress_wanted(progress), "passages");

	/* --sample keeps a reservoir of N passages (with their input index, so
	 * they are written in input order); otherwise batches stream through */
	char *dash[] = { "-" };
	char **paths = optind < argc ? argv + optind : dash;
	size_t npaths = optind < argc ? (size_t)(argc - optind) : 1, filled = 0;
	gk_record **reservoir = sample ? calloc((size_t)sample, sizeof *reservoir) : NULL;
	uint64_t *res_index = sample ? calloc((size_t)sample, sizeof *res_index) : NULL;
	uint64_t seen = 0, rng = mix(st.seed);
	if (rc == 0 && sample && (!reservoir || !res_index))
		rc = gk_error_nomem(&err);
	for (size_t i = 0; rc == 0 && i < npaths; i++) {
		gk_record_source src;

		rc = gk_record_source_open(&src, paths[i], &in_opt, &err);
		while (rc == 0 && (rc = gk_record_source_next(&src, &rec, &err)) == 1) {
			rc = 0;
			uint64_t index = seen++;
			if (sample) {
				size_t at = filled < (size_t)sample ? filled++ : (size_t)(gk_random_unit(&rng) * (double)seen);
				if (at < (size_t)sample) {
					gk_record_free(reservoir[at]);
					reservoir[at] = rec;
					res_index[at] = index;
				} else {
					gk_record_free(rec);
				}
				continue;
			}
			slot *s = &slots[g.passages % st.batch];
			*s = (slot){ .rec = rec, .index = index, .rng = mix(st.seed ^ mix(index)),
				     .out = malloc(st.max_new * sizeof(int32_t)) };
			if (!s->out)
				rc = gk_error_nomem(&err);
			g.passages++;
			if (rc == 0 && g.passages % st.batch == 0) {
				rc = run_batch(&g, slots, st.batch, &err);
				free_slots(slots, st.batch);
				gk_progress_add(&prog, st.batch);
			}
		}
		if (rc < 0 && err.code != GK_EPIPE) {
			char where[512];
			gk_record_source_where(&src, where, sizeof where);
			if (!strstr(err.msg, where))
				gk_error_prefix(&err, "%s", where);
		}
		gk_record_source_close(&src);
	}
	if (rc == 0 && sample) {
		/* the reservoir in input order, through the same batches */
		for (size_t a = 1; a < filled; a++)
			for (size_t b = a; b > 0 && res_index[b - 1] > res_index[b]; b--) {
				gk_record *t = reservoir[b];
				uint64_t ti = res_index[b];
				reservoir[b] = reservoir[b - 1], res_index[b] = res_index[b - 1];
				reservoir[b - 1] = t, res_index[b - 1] = ti;
			}
		for (size_t a = 0; rc == 0 && a < filled; a++) {
			slot *s = &slots[g.passages % st.batch];
			*s = (slot){ .rec = reservoir[a], .index = res_index[a], .rng = mix(st.seed ^ mix(res_index[a])),
				     .out = malloc(st.max_new * sizeof(int32_t)) };
			reservoir[a] = NULL;
			if (!s->out)
				rc = gk_error_nomem(&err);
			g.passages++;
			if (rc == 0 && g.passages % st.batch == 0) {
				rc = run_batch(&g, slots, st.batch, &err);
				free_slots(slots, st.batch);
			}
		}
	}
	if (rc == 0 && slots && g.passages % st.batch)
		rc = run_batch(&g, slots, g.passages % st.batch, &err);
	if (slots)
		free_slots(slots, st.batch);
	for (size_t a = 0; reservoir && a < (size_t)sample; a++)
		gk_record_free(reservoir[a]);
	free(reservoir);
	free(res_index);
	if (rc == 0)
		rc = gk_stream_writer_close(g.out, &err);
	else
		gk_stream_writer_abandon(g.out);
	if (rc == 0) {
		gk_progress_end(&prog);
		gk_warn("%llu passages: %llu queries written, %llu generations did not parse",
			(unsigned long long)g.passages, (unsigned long long)g.written, (unsigned long long)g.unparsed);
	}
	gk_encoding_free(&g.enc);
	gk_buf_free(&g.text);
	free(g.scratch);
	free(g.logits);
	free(slots);
	free(st.template);
	gk_record_free(header);
	gk_lm_free(lm);
	gk_tokenizer_free(tok);
	return rc < 0 ? gk_cli_report(&err) : 0;
}

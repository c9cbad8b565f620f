/*
 * gk-relabel - FRet's relabelling (Gecko, sec. 3.2): for each query of a
 * hits stream, a language model scores its top candidates by query
 * likelihood (QL) and relevance classification (RC); the ranks are fused
 * and the best passage becomes the positive, a low one the hard negative.
 * The decisions are libcommon/fret.c's, the model libcommon/lm.c's; this
 * file builds the prompts and the output records.  With --cross-encoder,
 * RC scores are a BERT cross-encoder's relevance logits instead
 * (libcommon/cross_encoder.c).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "cross_encoder.h"
#include "filter.h"
#include "fret.h"
#include "input_cli.h"
#include "lm.h"
#include "passages.h"
#include "tokenizer.h"

static const char default_ql[] =
	"Passage: {title} {passage}\n"
	"Write a {task} query that this passage answers.\n"
	"Query:";
static const char default_rc[] =
	"Query: {query}\n"
	"Passage: {title} {passage}\n"
	"Does the passage answer the query? Answer yes or no.\n"
	"Answer:";

static void usage(void)
{
	printf("Usage: %s --lm dir --passages file [options] [file ...]\n"
	       "  or:  %s --cross-encoder dir --scorer rc --passages file [options] [file ...]\n"
	       "Relabel retrieved candidates with a language model (FRet): score each\n"
	       "query's top candidates by query likelihood and relevance classification,\n"
	       "fuse the two rankings, and pick the positive and a hard negative.\n"
	       "\n"
	       "  -l, --lm DIR             the language model (config.json, model.safetensors,\n"
	       "                           tokenizer.json)\n"
	       "  -x, --cross-encoder DIR  RC scores from this BERT cross-encoder\n"
	       "                           (BertForSequenceClassification) on (query,\n"
	       "                           passage) pairs instead of the LM's yes/no odds\n"
	       "  -P, --passages FILE      the corpus the hits name (BEIR corpus.jsonl, JSON\n"
	       "                           lines, an archive or a stream)\n"
	       "  -n, --candidates N       candidates per query (default 20)\n"
	       "  -s, --scorer WHICH       ql, rc or both (default)\n"
	       "      --negative HOW       lowest (default: the last of N), random (from\n"
	       "                           ranks 2..N), or a rank K\n"
	       "      --seed S             seed for --negative random (default 1)\n"
	       "      --ql-template FILE   the QL prompt; the query follows its text\n"
	       "      --rc-template FILE   the RC prompt; the answer follows its text\n"
	       "      --answers YES,NO     the RC answers compared (default \"yes,no\")\n"
	       "      --task TASK          the task when a record has none (default\n"
	       "                           \"search result\")\n"
	       "  -t, --max-tokens N       passage tokens kept in a prompt (default 256, fewer\n"
	       "                           when the model's context needs it)\n"
	       "      --scores             add every candidate's scores and ranks\n"
	       "  -j, --threads N          threads to use (default: all cores)\n"
	       "      --progress           report progress on stderr even when not a terminal\n"
	       "      --help               show this help and exit\n"
	       "      --version            show the version and exit\n"
	       "\n"
	       "Templates may use {task}, {query}, {title} and {passage}.\n"
	       "Reads a hits stream, writes an examples stream.  See gk-relabel(1).\n",
	       gk_cli_progname(), gk_cli_progname());
	exit(0);
}

typedef struct settings {
	size_t candidates;
	enum gk_fret_scorer scorer;
	enum gk_fret_negative negative;
	int negative_rank;
	uint64_t seed;
	char *ql, *rc;           /* templates */
	const char *task;
	size_t max_tokens;
	bool scores;
	int32_t yes, no;         /* answer token ids */
	gk_lm_run run;
} settings;

typedef struct job {
	const gk_tokenizer *tok;
	const gk_lm *lm;              /* NULL with --cross-encoder --scorer rc */
	const gk_tokenizer *xtok;     /* the cross-encoder's, or NULL */
	const gk_cross_encoder *xe;   /* NULL without --cross-encoder */
	size_t xe_max;                /* tokens a pair is cut to */
	const gk_passages *passages;
	const settings *st;
	gk_encoding enc, enc2;
	gk_buf text;
	uint64_t truncated, queries, moved, with_seed;
	uint64_t rng;
} job;

/* Replace {task} {query} {title} {passage} in template into out. */
static int render(gk_buf *out, const char *tpl, const char *task, const char *query,
		  const char *title, const char *passage, size_t passage_len)
{
	static const char *const names[] = { "{task}", "{query}", "{title}", "{passage}" };
	const char *values[] = { task, query, title, passage };
	int rc = 0;

	gk_buf_clear(out);
	while (*tpl && rc == 0) {
		int which = -1;
		for (int i = 0; i < 4 && which < 0; i++)
			if (!strncmp(tpl, names[i], strlen(names[i])))
				which = i;
		if (which < 0) {
			rc = gk_buf_putc(out, *tpl++);
			continue;
		}
		rc = gk_buf_append(out, values[which], which == 3 ? passage_len : strlen(values[which]));
		tpl += strlen(names[which]);
	}
	return rc;
}

/* Encode text with the model's special tokens at the start (BOS) but none
 * at the end: a prompt goes on. */
static int encode_prompt(const gk_tokenizer *tok, const char *text, size_t len, gk_encoding *enc, gk_error *err)
{
	gk_encode_options opt = { .add_special_tokens = true };
	int rc = gk_tokenizer_encode(tok, text, len, NULL, 0, &opt, enc, err);

	while (rc == 0 && enc->n > 1 && enc->special[enc->n - 1])
		enc->n--;
	return rc;
}

static int32_t *dup_ids(const gk_encoding *enc)
{
	int32_t *ids = malloc((enc->n ? enc->n : 1) * sizeof *ids);

	if (ids)
		memcpy(ids, enc->ids, enc->n * sizeof *ids);
	return ids;
}

/* The passage text cut to limit tokens (decoded back, so the prompt is
 * tokenized whole); *out is the text to use (maybe passage itself). */
static int cut_passage(job *j, const char *passage, size_t limit, char **owned, const char **out, size_t *len,
		       gk_error *err)
{
	gk_encode_options opt = { .add_special_tokens = false };
	int rc;

	*owned = NULL;
	*out = passage;
	*len = strlen(passage);
	if ((rc = gk_tokenizer_encode(j->tok, passage, *len, NULL, 0, &opt, &j->enc2, err)) < 0)
		return rc;
	if (j->enc2.n <= limit)
		return 0;
	if ((rc = gk_tokenizer_decode(j->tok, j->enc2.ids, limit, true, owned, len, err)) < 0)
		return rc;
	*out = *owned;
	j->truncated++;
	return 0;
}

/* A string object living in rec. */
static msgpack_object str_obj(gk_record *rec, const char *s)
{
	size_t len = strlen(s);
	char *p = gk_record_alloc(rec, len);
	msgpack_object o = { .type = MSGPACK_OBJECT_STR };

	if (p)
		memcpy(p, s, len);
	o.via.str.ptr = p;
	o.via.str.size = p ? (uint32_t)len : 0;
	return o;
}

static msgpack_object num_obj(double v)
{
	msgpack_object o = { .type = MSGPACK_OBJECT_FLOAT64, .via.f64 = v };
	return o;
}

static msgpack_object int_obj(int64_t v)
{
	msgpack_object o = { .type = v >= 0 ? MSGPACK_OBJECT_POSITIVE_INTEGER : MSGPACK_OBJECT_NEGATIVE_INTEGER };
	o.via.i64 = v;
	return o;
}

/* A map of n (key, value) pairs living in rec. */
static msgpack_object map_obj(gk_record *rec, size_t n, const char *const *keys, const msgpack_object *vals)
{
	msgpack_object o = { .type = MSGPACK_OBJECT_MAP };
	msgpack_object_kv *kv = gk_record_alloc(rec, n * sizeof *kv);

	for (size_t i = 0; kv && i < n; i++) {
		kv[i].key = str_obj(rec, keys[i]);
		kv[i].val = vals[i];
	}
	o.via.map.ptr = kv;
	o.via.map.size = kv ? (uint32_t)n : 0;
	return o;
}

static int set_passage(gk_record *rec, const char *key, const gk_passage *p)
{
	static const char *const keys[] = { "id", "title", "text" };
	msgpack_object vals[3] = { str_obj(rec, p->id), str_obj(rec, p->title), str_obj(rec, p->text) };
	msgpack_object m = map_obj(rec, 3, keys, vals);

	return gk_record_set_object(rec, key, &m);
}

static int set_scores(gk_record *rec, const gk_fret_candidate *c, const gk_passage *const *ps, size_t n)
{
	static const char *const keys[] = { "id", "ql", "rc", "rank_ql", "rank_rc", "fused", "rank" };
	msgpack_object arr = { .type = MSGPACK_OBJECT_ARRAY };
	msgpack_object *items = gk_record_alloc(rec, n * sizeof *items);

	if (!items)
		return GK_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		msgpack_object vals[] = {
			str_obj(rec, ps[i]->id), num_obj(c[i].ql), num_obj(c[i].rc), int_obj(c[i].rank_ql),
			int_obj(c[i].rank_rc), num_obj(c[i].fused), int_obj(c[i].rank),
		};
		items[i] = map_obj(rec, 7, keys, vals);
	}
	arr.via.array.ptr = items;
	arr.via.array.size = (uint32_t)n;
	return gk_record_set_object(rec, "scores", &arr);
}

/* RC scores from the cross-encoder: every (query, title + " " + text)
 * pair of the query in one batch, cut to the model's length the way
 * sentence-transformers' CrossEncoder cuts (longest_first). */
static int cross_encode(job *j, const char *query, size_t qlen, const gk_passage *const *ps, size_t n,
			gk_fret_candidate *cand, gk_error *err)
{
	gk_encode_options opt = { .add_special_tokens = true, .max_tokens = j->xe_max };
	gk_sequence seqs[n];
	int32_t *ids = NULL;    /* (n, xe_max) ids then (n, xe_max) type ids */
	float scores[n];
	int rc = 0;

	if (!(ids = malloc(2 * n * j->xe_max * sizeof *ids)))
		return gk_error_nomem(err);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *title = ps[i]->title, *text = ps[i]->text;
		int32_t *row = ids + i * j->xe_max, *types = ids + (n + i) * j->xe_max;

		gk_buf_clear(&j->text);
		if ((*title && (gk_buf_append(&j->text, title, strlen(title)) < 0 || gk_buf_putc(&j->text, ' ') < 0))
		    || gk_buf_append(&j->text, text, strlen(text)) < 0) {
			rc = gk_error_nomem(err);
			break;
		}
		rc = gk_tokenizer_encode(j->xtok, query, qlen, j->text.data, j->text.len, &opt, &j->enc, err);
		if (rc == 0 && (j->enc.n == 0 || j->enc.n > j->xe_max))
			rc = gk_error_set(err, GK_EDATA, "cross-encoder: a pair of %zu tokens (the limit is %zu)", j->enc.n, j->xe_max);
		if (rc == 0) {
			memcpy(row, j->enc.ids, j->enc.n * sizeof *row);
			memcpy(types, j->enc.type_ids, j->enc.n * sizeof *types);
			seqs[i] = (gk_sequence){ .ids = row, .type_ids = types, .len = j->enc.n };
		}
	}
	if (rc == 0)
		rc = gk_cross_encoder_score(j->xe, seqs, n, -1, scores, err);
	for (size_t i = 0; rc == 0 && i < n; i++)
		cand[i].rc = scores[i];
	free(ids);
	return rc;
}

/* Score one query's candidates and turn its record into an example. */
static int relabel(job *j, gk_filter *f, gk_record *rec)
{
	const settings *st = j->st;
	const msgpack_object *hits = gk_record_get(rec, "hits");
	const gk_passage *ps[st->candidates];
	gk_fret_candidate cand[st->candidates];
	gk_lm_seq ql[st->candidates], rc[st->candidates];
	const char *q, *task;
	size_t qlen, tlen, n = st->candidates, total = 0;
	char query[1 << 16], taskbuf[1024];
	float *logprobs = NULL, *logits = NULL;
	int err_code = 0;
	/* what the LM scores: QL always, RC unless a cross-encoder does */
	bool lm_ql = st->scorer != GK_FRET_RC, lm_rc = st->scorer != GK_FRET_QL && !j->xe;

	memset(ql, 0, sizeof ql);
	memset(rc, 0, sizeof rc);
	if (!gk_record_get_str(rec, "text", &q, &qlen) || qlen == 0)
		return gk_filter_record_error(f, GK_EDATA, "no query text (a \"text\" string)");
	if (qlen >= sizeof query)
		return gk_filter_record_error(f, GK_EDATA, "the query is longer than %zu bytes", sizeof query - 1);
	memcpy(query, q, qlen);
	query[qlen] = '\0';
	if (gk_record_get_str(rec, "task", &task, &tlen) && tlen > 0 && tlen < sizeof taskbuf) {
		memcpy(taskbuf, task, tlen);
		taskbuf[tlen] = '\0';
	} else {
		snprintf(taskbuf, sizeof taskbuf, "%s", st->task);
	}
	if (hits->via.array.size < n)
		return gk_filter_record_error(f, GK_EDATA, "%u hits, but --candidates %zu asks for more (search with gk-knn -k %zu)",
			hits->via.array.size, n, n);
	for (size_t i = 0; i < n; i++) {
		const msgpack_object *h = &hits->via.array.ptr[i];
		for (uint32_t k = 0; k < h->via.map.size; k++)
			if (gk_object_str_eq(&h->via.map.ptr[k].key, "id")) {
				const msgpack_object *id = &h->via.map.ptr[k].val;
				ps[i] = gk_passages_find(j->passages, id->via.str.ptr, id->via.str.size);
				if (!ps[i])
					return gk_filter_record_error(f, GK_EDATA, "hit %zu: passage '%.*s' is not in the passages",
						i + 1, (int)id->via.str.size, id->via.str.ptr);
			}
	}

	/* the passage's share of the model's context: what the prompts take
	 * without it (the QL one with the query after it), less a few tokens
	 * for where the passage joins the text around it */
	size_t limit = st->max_tokens, overhead = 0;
	for (int which = 0; which < 2 && err_code == 0; which++) {
		if ((which == 0 && !lm_ql) || (which == 1 && !lm_rc))
			continue;
		if (render(&j->text, which ? st->rc : st->ql, taskbuf, query, "", "", 0) < 0
		    || gk_buf_putc(&j->text, ' ') < 0 || (which == 0 && gk_buf_append(&j->text, query, qlen) < 0))
			err_code = gk_error_nomem(&f->err);
		else if ((err_code = encode_prompt(j->tok, j->text.data, j->text.len, &j->enc, &f->err)) == 0 && j->enc.n > overhead)
			overhead = j->enc.n;
	}
	if (err_code == 0 && (lm_ql || lm_rc)) {
		size_t context = (size_t)j->lm->cfg.max_position_embeddings;
		if (overhead + 8 >= context)
			return gk_filter_record_error(f, GK_EDATA, "the prompts take %zu tokens without a passage; the model reads %zu",
				overhead, context);
		if (context - overhead - 8 < limit)
			limit = context - overhead - 8;
	}

	/* prompts: QL = prompt + " query" scored on the query's tokens, RC = prompt */
	for (size_t i = 0; i < n && err_code == 0 && (lm_ql || lm_rc); i++) {
		char *owned;
		const char *passage;
		size_t plen;
		gk_error *e = &f->err;

		/* a passage cut and decoded can tokenize a little longer in its
		 * prompt: cut it shorter until both prompts fit the context */
		size_t context = (size_t)j->lm->cfg.max_position_embeddings, mine = limit, longest;
		uint64_t cut_before = j->truncated;
		for (int attempt = 0; err_code == 0; attempt++) {
			free((void *)ql[i].ids);
			free((void *)rc[i].ids);
			ql[i] = (gk_lm_seq){ 0 };
			rc[i] = (gk_lm_seq){ 0 };
			owned = NULL;
			if ((err_code = cut_passage(j, ps[i]->text, mine, &owned, &passage, &plen, e)) < 0)
				break;
			if (lm_ql) {
				/* the prompt alone, then with " query": the query's tokens
				 * are those past the longest common prefix (a token that
				 * spans the join counts as the query's) */
				if (render(&j->text, st->ql, taskbuf, query, ps[i]->title, passage, plen) < 0)
					err_code = gk_error_nomem(e);
				else
					err_code = encode_prompt(j->tok, j->text.data, j->text.len, &j->enc2, e);
				if (err_code == 0 && (gk_buf_putc(&j->text, ' ') < 0 || gk_buf_append(&j->text, query, qlen) < 0))
					err_code = gk_error_nomem(e);
				if (err_code == 0)
					err_code = encode_prompt(j->tok, j->text.data, j->text.len, &j->enc, e);
				if (err_code == 0) {
					size_t same = 0;
					while (same < j->enc2.n && same < j->enc.n && j->enc2.ids[same] == j->enc.ids[same])
						same++;
					ql[i].ids = dup_ids(&j->enc);
					ql[i].len = j->enc.n;
					ql[i].score_from = same;
					if (!ql[i].ids)
						err_code = gk_error_nomem(e);
				}
			}
			if (err_code == 0 && lm_rc) {
				if (render(&j->text, st->rc, taskbuf, query, ps[i]->title, passage, plen) < 0)
					err_code = gk_error_nomem(e);
				else if ((err_code = encode_prompt(j->tok, j->text.data, j->text.len, &j->enc, e)) == 0) {
					rc[i].ids = dup_ids(&j->enc);
					rc[i].len = j->enc.n;
					rc[i].score_from = j->enc.n;
					if (!rc[i].ids)
						err_code = gk_error_nomem(e);
				}
			}
			longest = ql[i].len > rc[i].len ? ql[i].len : rc[i].len;
			if (err_code < 0 || longest <= context || mine == 0 || attempt == 8)
				break;
			free(owned);
			owned = NULL;
			mine = mine > longest - context + 1 ? mine - (longest - context + 1) : 0;
		}
		if (j->truncated > cut_before)
			j->truncated = cut_before + 1;  /* one passage, however many tries */
		free(owned);
		total += ql[i].len;
	}

	if (err_code == 0 && lm_ql) {
		logprobs = malloc((total ? total : 1) * sizeof *logprobs);
		if (!logprobs)
			err_code = gk_error_nomem(&f->err);
		else
			err_code = gk_lm_score(j->lm, ql, n, logprobs, NULL, &st->run, &f->err);
		for (size_t i = 0, off = 0; err_code == 0 && i < n; off += ql[i].len, i++) {
			double sum = 0;
			for (size_t t = ql[i].score_from; t < ql[i].len; t++)
				sum += logprobs[off + t];
			cand[i].ql = ql[i].len > ql[i].score_from ? sum / (double)(ql[i].len - ql[i].score_from) : NAN;
		}
	}
	if (err_code == 0 && lm_rc) {
		size_t vocab = (size_t)j->lm->cfg.vocab_size;
		logits = malloc(n * vocab * sizeof *logits);
		if (!logits)
			err_code = gk_error_nomem(&f->err);
		else
			err_code = gk_lm_score(j->lm, rc, n, NULL, logits, &st->run, &f->err);
		for (size_t i = 0; err_code == 0 && i < n; i++)
			cand[i].rc = (double)logits[i * vocab + (size_t)st->yes] - logits[i * vocab + (size_t)st->no];
	}
	if (err_code == 0 && st->scorer != GK_FRET_QL && j->xe)
		err_code = cross_encode(j, query, qlen, ps, n, cand, &f->err);
	for (size_t i = 0; i < n; i++) {
		free((void *)ql[i].ids);
		free((void *)rc[i].ids);
		if (st->scorer == GK_FRET_RC)
			cand[i].ql = NAN;
		if (st->scorer == GK_FRET_QL)
			cand[i].rc = NAN;
	}
	free(logprobs);
	free(logits);
	if (err_code < 0) {
		char where[512];
		gk_stream_where(f->in, where, sizeof where);
		return gk_error_prefix(&f->err, "%s", where);
	}

	gk_fret_rank(cand, n, st->scorer);
	long pos = gk_fret_at_rank(cand, n, 1);
	long neg = gk_fret_negative(cand, n, st->negative, st->negative_rank, &j->rng);
	const char *seed;
	size_t seed_len;
	int rcode = 0;

	gk_record_remove(rec, "hits");
	gk_record_remove(rec, "vector");
	gk_record_remove(rec, "ids");
	gk_record_remove(rec, "type_ids");
	rcode |= gk_record_set_cstr(rec, "task", taskbuf);
	rcode |= gk_record_set_str(rec, "query", query, qlen);
	rcode |= set_passage(rec, "positive", ps[pos]);
	rcode |= neg >= 0 ? set_passage(rec, "negative", ps[neg]) : gk_record_set_nil(rec, "negative");
	if (gk_record_get_str(rec, "seed", &seed, &seed_len)) {
		int seed_rank = 0;
		for (size_t i = 0; i < n; i++)
			if (strlen(ps[i]->id) == seed_len && !memcmp(ps[i]->id, seed, seed_len))
				seed_rank = cand[i].rank;
		rcode |= gk_record_set_int(rec, "seed_rank", seed_rank);
		j->with_seed++;
		j->moved += seed_rank != 1;
	}
	if (st->scores)
		rcode |= set_scores(rec, cand, ps, n);
	j->queries++;
	return rcode < 0 ? gk_error_nomem(&f->err) : 0;
}

/* The token id of an answer word as it follows "Answer:": the last token
 * of " word", which is the word with its space in every tokenizer family. */
static int answer_id(const gk_tokenizer *tok, const char *word, size_t len, int32_t *id, gk_error *err)
{
	gk_encoding enc;
	gk_encode_options opt = { .add_special_tokens = false };
	char buf[256];
	int rc;

	if (len == 0 || len + 2 > sizeof buf)
		return gk_error_set(err, GK_EUSAGE, "--answers: each answer must be a word");
	buf[0] = ' ';
	memcpy(buf + 1, word, len);
	gk_encoding_init(&enc);
	rc = gk_tokenizer_encode(tok, buf, len + 1, NULL, 0, &opt, &enc, err);
	if (rc == 0 && enc.n == 0)
		rc = gk_error_set(err, GK_EUSAGE, "--answers: '%.*s' has no tokens", (int)len, word);
	if (rc == 0)
		*id = enc.ids[enc.n - 1];
	gk_encoding_free(&enc);
	return rc;
}

int main(int argc, char **argv)
{
	enum { OPT_NEGATIVE = GK_OPT_FIRST_PRIVATE, OPT_SEED, OPT_QL, OPT_RC, OPT_ANSWERS, OPT_TASK, OPT_SCORES };
	static const struct option options[] = {
		{ "lm", required_argument, NULL, 'l' },
		{ "cross-encoder", required_argument, NULL, 'x' },
		{ "passages", required_argument, NULL, 'P' },
		{ "candidates", required_argument, NULL, 'n' },
		{ "scorer", required_argument, NULL, 's' },
		{ "negative", required_argument, NULL, OPT_NEGATIVE },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "ql-template", required_argument, NULL, OPT_QL },
		{ "rc-template", required_argument, NULL, OPT_RC },
		{ "answers", required_argument, NULL, OPT_ANSWERS },
		{ "task", required_argument, NULL, OPT_TASK },
		{ "max-tokens", required_argument, NULL, 't' },
		{ "scores", no_argument, NULL, OPT_SCORES },
		{ "threads", required_argument, NULL, 'j' },
		{ "progress", no_argument, NULL, GK_OPT_PROGRESS },
		GK_CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	settings st = { .candidates = 20, .scorer = GK_FRET_BOTH, .negative = GK_FRET_NEG_LOWEST,
			 .seed = 1, .task = "search result", .max_tokens = 256 };
	const char *lm_dir = NULL, *xe_dir = NULL, *passages_path = NULL, *ql_path = NULL, *rc_path = NULL, *answers = "yes,no";
	long v, threads = sysconf(_SC_NPROCESSORS_ONLN);
	bool progress = false;
	gk_filter f;
	gk_record *header = NULL, *rec;
	gk_tokenizer *tok = NULL;
	gk_lm *lm = NULL;
	gk_tokenizer *xtok = NULL;
	gk_cross_encoder *xe = NULL;
	size_t xe_max = 0;
	gk_passages *passages = NULL;
	job j = { 0 };
	int c, rc;

	gk_cli_init(argv[0]);
	while ((c = getopt_long(argc, argv, "l:x:P:n:s:t:j:", options, NULL)) != -1) {
		switch (c) {
		case 'l': lm_dir = optarg; break;
		case 'x': xe_dir = optarg; break;
		case 'P': passages_path = optarg; break;
		case 'n':
			if (!gk_cli_parse_long("--candidates", optarg, 1, 1000, &v))
				return 64;
			st.candidates = (size_t)v;
			break;
		case 's':
			if (!strcmp(optarg, "ql"))
				st.scorer = GK_FRET_QL;
			else if (!strcmp(optarg, "rc"))
				st.scorer = GK_FRET_RC;
			else if (!strcmp(optarg, "both"))
				st.scorer = GK_FRET_BOTH;
			else
				return gk_cli_usage_error("--scorer: '%s' is not ql, rc or both", optarg);
			break;
		case OPT_NEGATIVE:
			if (!strcmp(optarg, "lowest"))
				st.negative = GK_FRET_NEG_LOWEST;
			else if (!strcmp(optarg, "random"))
				st.negative = GK_FRET_NEG_RANDOM;
			else if (gk_cli_parse_long("--negative", optarg, 2, 1000, &v)) {
				st.negative = GK_FRET_NEG_RANK;
				st.negative_rank = (int)v;
			} else
				return 64;
			break;
		case OPT_SEED:
			if (!gk_cli_parse_long("--seed", optarg, 0, 0x7fffffffL, &v))
				return 64;
			st.seed = (uint64_t)v;
			break;
		case OPT_QL: ql_path = optarg; break;
		case OPT_RC: rc_path = optarg; break;
		case OPT_ANSWERS: answers = optarg; break;
		case OPT_TASK: st.task = optarg; break;
		case 't':
			if (!gk_cli_parse_long("--max-tokens", optarg, 1, 1 << 20, &v))
				return 64;
			st.max_tokens = (size_t)v;
			break;
		case OPT_SCORES: st.scores = true; break;
		case 'j':
			if (!gk_cli_parse_long("--threads", optarg, 1, 1024, &threads))
				return 64;
			break;
		case GK_OPT_PROGRESS: progress = true; break;
		case GK_OPT_HELP: usage(); break;
		case GK_OPT_VERSION: return gk_cli_version();
		default: return gk_cli_try_help();
		}
	}
	if (!passages_path || (!lm_dir && !(xe_dir && st.scorer == GK_FRET_RC)))
		return gk_cli_usage_error("give the language model with --lm (or --cross-encoder with --scorer rc) and the corpus with --passages");
	if (xe_dir && st.scorer == GK_FRET_QL)
		return gk_cli_usage_error("--cross-encoder gives RC scores, but --scorer ql uses none");
	if (st.negative == GK_FRET_NEG_RANK && (size_t)st.negative_rank > st.candidates)
		return gk_cli_usage_error("--negative %d is past --candidates %zu", st.negative_rank, st.candidates);
	const char *comma = strchr(answers, ',');
	if (!comma || strchr(comma + 1, ','))
		return gk_cli_usage_error("--answers: give two words, YES,NO");
	st.run.n_threads = (int)threads;

	rc = gk_filter_open(&f, argv + optind, (size_t)(argc - optind), "hits");
	st.ql = rc == 0 ? (ql_path ? gk_read_text_file(ql_path, &f.err) : strdup(default_ql)) : NULL;
	st.rc = rc == 0 && st.ql ? (rc_path ? gk_read_text_file(rc_path, &f.err) : strdup(default_rc)) : NULL;
	if (rc == 0 && (!st.ql || !st.rc))
		rc = f.err.code ? f.err.code : gk_error_nomem(&f.err);
	if (rc == 0 && lm_dir)
		rc = gk_tokenizer_load(&tok, lm_dir, &f.err);
	if (rc == 0 && lm_dir)
		rc = answer_id(tok, answers, (size_t)(comma - answers), &st.yes, &f.err);
	if (rc == 0 && lm_dir)
		rc = answer_id(tok, comma + 1, strlen(comma + 1), &st.no, &f.err);
	if (rc == 0 && lm_dir && st.yes == st.no)
		rc = gk_error_set(&f.err, GK_EUSAGE, "--answers: both answers are the same token");
	if (rc == 0 && lm_dir)
		rc = gk_lm_load(&lm, lm_dir, &f.err);
	if (rc == 0 && xe_dir)
		rc = gk_tokenizer_load(&xtok, xe_dir, &f.err);
	if (rc == 0 && xe_dir)
		rc = gk_cross_encoder_load(&xe, xe_dir, &(gk_cross_encoder_opts){ .n_threads = (int)threads }, &f.err);
	if (rc == 0 && xe_dir) {
		/* the tokenizer's model_max_length (512 when it has none, as
		 * CrossEncoder's default), never past the position table */
		size_t positions = (size_t)gk_cross_encoder_config(xe)->max_position_embeddings;
		xe_max = gk_tokenizer_max_length(xtok) ? gk_tokenizer_max_length(xtok) : 512;
		if (xe_max > positions)
			xe_max = positions;
		if (xe_max < gk_tokenizer_num_special(xtok, true) + 2)
			rc = gk_error_set(&f.err, GK_EDATA, "%s: a length limit of %zu tokens leaves no room for a pair", xe_dir, xe_max);
	}
	if (rc == 0)
		rc = gk_passages_load(&passages, passages_path, NULL, &f.err);
	if (rc == 0) {
		header = gk_filter_header_copy(&f, "examples");
		if (!header)
			rc = GK_ENOMEM;
		else {
			gk_record_remove(header, "dim");
			gk_record_remove(header, "dtype");
			gk_record_remove(header, "normalized");
			gk_record_remove(header, "k");
			if (gk_record_set_int(header, "candidates", (int64_t)st.candidates) < 0)
				rc = gk_error_nomem(&f.err);
		}
	}
	if (rc == 0) {
		gk_progress_init(&f.progress, gk_cli_progress_wanted(progress), "queries");
		rc = gk_filter_start(&f, header);
	}
	j = (job){ .tok = tok, .lm = lm, .xtok = xtok, .xe = xe, .xe_max = xe_max, .passages = passages, .st = &st, .rng = st.seed };
	gk_encoding_init(&j.enc);
	gk_encoding_init(&j.enc2);
	while (rc == 0 && (rc = gk_filter_read(&f, &rec)) == 1) {
		rc = relabel(&j, &f, rec);
		if (rc == 0)
			rc = gk_filter_write(&f, rec);
		gk_record_free(rec);
	}
	int status = gk_filter_finish(&f, rc);
	if (status == 0) {
		gk_warn("%llu queries; the positive is not the seed passage in %llu of the %llu with a seed; %llu passages cut to %zu tokens",
			(unsigned long long)j.queries, (unsigned long long)j.moved, (unsigned long long)j.with_seed,
			(unsigned long long)j.truncated, st.max_tokens);
	}
	gk_encoding_free(&j.enc);
	gk_encoding_free(&j.enc2);
	gk_buf_free(&j.text);
	free(st.ql);
	free(st.rc);
	gk_record_free(header);
	gk_passages_free(passages);
	gk_lm_free(lm);
	gk_tokenizer_free(tok);
	gk_cross_encoder_free(xe);
	gk_tokenizer_free(xtok);
	return status;
}

/*
 * cross_encoder.c - BertForSequenceClassification: bert.h's encoder, then
 * the pooler and classifier heads on each sequence's first token.
 *
 * Not a general classifier loader: BERT encoders only, and no softmax or
 * sigmoid (callers rank by the logit).
 */
#include <stdlib.h>
#include <string.h>

#include "cross_encoder.h"
#include "json_util.h"
#include "kernels.h"

#define ARCH "BertForSequenceClassification"
#define MAX_LABELS 4096 /* far above any classifier; bounds the buffers */

struct gk_cross_encoder {
	gk_safetensors *st;   /* the mapping the encoder's f32 weights live in */
	gk_bert *bert;
	gk_bert_run run;
	int num_labels;
	float *pool_w;        /* (hidden, hidden) pooler.dense.weight */
	float *pool_b;        /* (hidden) */
	float *cls_w;         /* (num_labels, hidden) classifier.weight */
	float *cls_b;         /* (num_labels) */
};

/* architectures (when present) must name ours; the label count is
 * id2label's size, else num_labels, else 2 -- transformers' order. */
static int read_head_config(const json_t *j, const char *file, int *num_labels, gk_error *err)
{
	const json_t *arch = json_object_get(j, "architectures");
	const json_t *id2label = json_object_get(j, "id2label");
	int64_t n;
	int rc;

	if (arch && !json_is_null(arch)) {
		int ok = 0;
		size_t i;
		const json_t *a;
		if (!json_is_array(arch))
			return gk_error_set(err, GK_EDATA, "%s: \"architectures\" is not a list", file);
		json_array_foreach(arch, i, a)
			if (json_is_string(a) && !strcmp(json_string_value(a), ARCH))
				ok = 1;
		if (!ok) {
			a = json_array_get(arch, 0);
			return gk_error_set(err, GK_EDATA, "%s: architecture '%s' is not a cross-encoder gk can run (only %s)",
				file, json_is_string(a) ? json_string_value(a) : "?", ARCH);
		}
	}
	if (id2label && !json_is_null(id2label)) {
		if (!json_is_object(id2label) || json_object_size(id2label) == 0 || json_object_size(id2label) > MAX_LABELS)
			return gk_error_set(err, GK_EDATA, "%s: \"id2label\" is not an object of 1 to %d labels", file, MAX_LABELS);
		*num_labels = (int)json_object_size(id2label);
		return 0;
	}
	if ((rc = gk_json_get_int(j, "num_labels", 2, 1, MAX_LABELS, &n, file, err)) < 0)
		return rc;
	*num_labels = (int)n;
	return 0;
}

/* A head tensor, with a message that says what the model lacks. */
static float *load_head(const gk_safetensors *st, const char *dir, const char *name, int ndim,
			const int64_t *shape, gk_error *err)
{
	if (!gk_safetensors_find(st, name)) {
		gk_error_set(err, GK_EDATA, "%s: no tensor '%s': not a BertForSequenceClassification checkpoint "
			"(a cross-encoder needs the pooler and the classifier)", dir, name);
		return NULL;
	}
	return gk_safetensors_load_f32(st, name, ndim, shape, err);
}

int gk_cross_encoder_load(gk_cross_encoder **out, const char *dir,
	const gk_cross_encoder_opts *opts, gk_error *err)
{
	gk_bert_config cfg;
	gk_cross_encoder *ce;
	char *path;
	json_t *j;
	int rc;

	*out = NULL;
	if (!(path = gk_path_join(dir, "config.json")))
		return gk_error_nomem(err);
	j = gk_json_load_file(path, path, err);
	rc = j ? 0 : (err && err->code ? err->code : GK_EDATA);
	if (!(ce = calloc(1, sizeof *ce)))
		rc = rc ? rc : gk_error_nomem(err);
	if (rc == 0)
		rc = read_head_config(j, path, &ce->num_labels, err);
	if (rc == 0)
		rc = gk_bert_config_from_json(&cfg, j, path, err);
	json_decref(j);
	free(path);
	if (rc == 0)
		rc = gk_safetensors_open_dir(&ce->st, dir, err);
	if (rc == 0)
		rc = gk_bert_load_mapped(&ce->bert, &cfg, ce->st, err);
	if (rc == 0) {
		int64_t h = cfg.hidden_size, hh[2] = { h, h }, lh[2] = { ce->num_labels, h }, l = ce->num_labels;
		if (!(ce->pool_w = load_head(ce->st, dir, "pooler.dense.weight", 2, hh, err))
		    || !(ce->pool_b = load_head(ce->st, dir, "pooler.dense.bias", 1, &h, err))
		    || !(ce->cls_w = load_head(ce->st, dir, "classifier.weight", 2, lh, err))
		    || !(ce->cls_b = load_head(ce->st, dir, "classifier.bias", 1, &l, err)))
			rc = err && err->code ? err->code : GK_EDATA;
	}
	if (rc < 0) {
		gk_cross_encoder_free(ce);
		return rc;
	}
	ce->run.n_threads = opts && opts->n_threads > 0 ? opts->n_threads : 1;
	ce->run.reference = opts ? opts->reference_kernels : 0;
	*out = ce;
	return 0;
}

void gk_cross_encoder_free(gk_cross_encoder *ce)
{
	if (!ce)
		return;
	gk_bert_free(ce->bert);
	gk_safetensors_free(ce->st); /* after the weights that point into it */
	free(ce->pool_w);
	free(ce->pool_b);
	free(ce->cls_w);
	free(ce->cls_b);
	free(ce);
}

const gk_bert_config *gk_cross_encoder_config(const gk_cross_encoder *ce) { return &ce->bert->cfg; }
int gk_cross_encoder_num_labels(const gk_cross_encoder *ce) { return ce->num_labels; }
int gk_cross_encoder_default_label(const gk_cross_encoder *ce) { return ce->num_labels - 1; }

int gk_cross_encoder_logits(const gk_cross_encoder *ce, const gk_sequence *seqs, size_t n,
	float *out, gk_error *err)
{
	size_t h = (size_t)ce->bert->cfg.hidden_size, total = gk_sequences_tokens(seqs, n);
	float *states, *first, *pooled;
	int rc;

	if (n == 0)
		return 0;
	if (total == (size_t)-1 || total > SIZE_MAX / sizeof(float) / h)
		return gk_error_set(err, GK_EDATA, "cross-encoder: the batch is too large");
	states = malloc(total * h * sizeof *states);  /* (total, hidden) */
	first = malloc(n * h * sizeof *first);        /* (n, hidden): each [CLS] */
	pooled = malloc(n * h * sizeof *pooled);      /* (n, hidden) */
	if (!states || !first || !pooled)
		rc = gk_error_nomem(err);
	else
		rc = gk_bert_encode(ce->bert, seqs, n, states, &ce->run, err);
	if (rc == 0) {
		for (size_t s = 0, off = 0; s < n; off += seqs[s].len, s++)
			memcpy(first + s * h, states + off * h, h * sizeof *first);
		if (ce->run.reference) {
			gk_linear_ref(first, ce->pool_w, ce->pool_b, pooled, n, h, h);
			gk_act_ref(GK_ACT_TANH, pooled, n * h);
			gk_linear_ref(pooled, ce->cls_w, ce->cls_b, out, n, h, (size_t)ce->num_labels);
		} else {
			gk_linear(first, ce->pool_w, ce->pool_b, pooled, n, h, h);
			gk_act_ref(GK_ACT_TANH, pooled, n * h);
			gk_linear(pooled, ce->cls_w, ce->cls_b, out, n, h, (size_t)ce->num_labels);
		}
	}
	free(states);
	free(first);
	free(pooled);
	return rc;
}

int gk_cross_encoder_score(const gk_cross_encoder *ce, const gk_sequence *seqs, size_t n,
	int label, float *out, gk_error *err)
{
	size_t nl = (size_t)ce->num_labels;
	float *logits;
	int rc;

	if (label < 0)
		label = gk_cross_encoder_default_label(ce);
	if (label >= ce->num_labels)
		return gk_error_set(err, GK_EUSAGE, "cross-encoder: label %d, but the model has %d", label, ce->num_labels);
	if (n > SIZE_MAX / sizeof(float) / nl)
		return gk_error_set(err, GK_EDATA, "cross-encoder: the batch is too large");
	if (!(logits = malloc((n ? n : 1) * nl * sizeof *logits)))
		return gk_error_nomem(err);
	rc = gk_cross_encoder_logits(ce, seqs, n, logits, err);
	for (size_t s = 0; rc == 0 && s < n; s++)
		out[s] = logits[s * nl + (size_t)label];
	free(logits);
	return rc;
}

/*
 * test-model-golden.c - the BERT forward pass, pooling and sentence-
 * transformers modules against goldens made by tests/reference/bert_reference.py
 * (PyTorch) on the same generated model.
 *
 *   test-model-golden MODEL_DIR GOLDEN.json SEQUENCES.jsonl [--reference]
 *
 * Checks, to max |diff| <= 1e-4 per component: per-token hidden states,
 * every pooling mode, the model's module pipeline; then that a sequence
 * encodes the same alone as in a batch (1e-6), with 1 and 2 threads (1e-6),
 * that sequences longer than max_position_embeddings are refused, and with
 * --reference that the plain reference kernels agree with the goldens too.
 */
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-model.h"
#include "model.h"


struct seq {
	int32_t *ids, *types;
	size_t len;
};

static struct seq *read_sequences(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	char line[1 << 16];
	struct seq *s = NULL;
	*n = 0;
	if (!f) {
		perror(path);
		exit(99);
	}
	while (fgets(line, sizeof line, f)) {
		json_error_t je;
		json_t *j = json_loads(line, 0, &je);
		if (!j) {
			fprintf(stderr, "%s: %s\n", path, je.text);
			exit(99);
		}
		json_t *ids = json_object_get(j, "ids"), *types = json_object_get(j, "type_ids");
		s = realloc(s, (*n + 1) * sizeof *s);
		struct seq *q = &s[(*n)++];
		q->len = json_array_size(ids);
		q->ids = malloc(q->len * sizeof *q->ids);
		q->types = malloc(q->len * sizeof *q->types);
		for (size_t i = 0; i < q->len; i++) {
			q->ids[i] = (int32_t)json_integer_value(json_array_get(ids, i));
			q->types[i] = (int32_t)json_integer_value(json_array_get(types, i));
		}
		json_decref(j);
	}
	fclose(f);
	return s;
}

/* max |a - golden| over n values; golden is a JSON array. */
static double max_diff(const float *a, const json_t *golden, size_t n, int *bad_len)
{
	double m = 0;
	*bad_len = json_array_size(golden) != n;
	if (*bad_len)
		return INFINITY;
	for (size_t i = 0; i < n; i++) {
		double d = fabs((double)a[i] - json_number_value(json_array_get(golden, i)));
		if (!(d <= m))
			m = d;
	}
	return m;
}

/* Encode the sequences at idx[0..k) as one batch; returns (tokens, hidden) and row offsets. */
static float *encode(gk_model *m, const struct seq *s, const size_t *idx, size_t k, size_t *offs)
{
	gk_sequence *q = calloc(k ? k : 1, sizeof *q);
	size_t T = 0;
	for (size_t i = 0; i < k; i++) {
		q[i] = (gk_sequence){s[idx[i]].ids, s[idx[i]].types, s[idx[i]].len};
		offs[i] = T;
		T += s[idx[i]].len;
	}
	float *h = malloc((T ? T : 1) * (size_t)gk_model_hidden_size(m) * sizeof *h);
	gk_error err = {0};
	int rc = gk_model_encode(m, q, k, h, &err);
	CHECK(rc == 0, "encode: %s", err.msg);
	free(q);
	return h;
}

struct encode_job {
	gk_model *m;
	const struct seq *s;
	const size_t *idx;
	size_t k;
	float *out;
};

static void *encode_thread(void *p)
{
	struct encode_job *j = p;
	size_t *offs = malloc(j->k * sizeof *offs);
	j->out = encode(j->m, j->s, j->idx, j->k, offs);
	free(offs);
	return NULL;
}

static void check_goldens(gk_model *m, const json_t *g, const struct seq *s,
	const size_t *idx, size_t k, const char *what)
{
	size_t H = (size_t)gk_model_hidden_size(m), *offs = malloc(k * sizeof *offs);
	float *h = encode(m, s, idx, k, offs);
	static const char *modes[] = {"cls", "max", "mean", "mean_sqrt_len", "weightedmean", "lasttoken"};
	float *v = malloc(H * 8 * sizeof *v + (size_t)gk_model_output_dim(m) * sizeof *v);
	double worst = 0;
	int bad;
	size_t checked = 0;

	for (size_t i = 0; i < k; i++) {
		char key[32];
		snprintf(key, sizeof key, "%zu", idx[i]);
		const float *hs = h + offs[i] * H;
		size_t len = s[idx[i]].len;
		json_t *gh = json_object_get(json_object_get(g, "hidden"), key);
		if (gh) {
			double d = max_diff(hs, gh, len * H, &bad);
			CHECK(!bad && d <= 1e-4, "%s: seq %s hidden states: max diff %g", what, key, d);
			worst = d > worst ? d : worst;
			checked++;
		}
		for (int mi = 0; mi < 6; mi++) {
			gk_error err = {0};
			int rc = gk_pool(gk_pool_from_name(modes[mi]), hs, len, H, v, &err);
			CHECK(rc == 0, "pool %s: %s", modes[mi], err.msg);
			json_t *gp = json_object_get(json_object_get(g, modes[mi]), key);
			CHECK(gp != NULL, "golden has no %s for seq %s", modes[mi], key);
			double d = max_diff(v, gp, H, &bad);
			CHECK(!bad && d <= 1e-4, "%s: seq %s pooling %s: max diff %g", what, key, modes[mi], d);
			worst = d > worst ? d : worst;
			checked++;
		}
		gk_error err = {0};
		int rc = gk_model_pool(m, hs, len, v, &err);
		CHECK(rc == 0, "gk_model_pool: %s", err.msg);
		json_t *gp = json_object_get(json_object_get(g, "pipeline"), key);
		double d = max_diff(v, gp, (size_t)gk_model_output_dim(m), &bad);
		CHECK(!bad && d <= 1e-4, "%s: seq %s module pipeline (dim %d): max diff %g", what, key,
			gk_model_output_dim(m), d);
		worst = d > worst ? d : worst;
		checked++;
	}
	printf("%s: %zu sequences, %zu golden vectors, worst max |diff| %.3g\n", what, k, checked, worst);
	free(v);
	free(h);
	free(offs);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: test-model-golden MODEL_DIR GOLDEN.json SEQUENCES.jsonl [--reference]\n");
		return 99;
	}
	int with_ref = argc > 4 && strcmp(argv[4], "--reference") == 0;
	gk_error err = {0};
	json_error_t je;
	json_t *g = json_load_file(argv[2], 0, &je);
	if (!g) {
		fprintf(stderr, "%s: %s\n", argv[2], je.text);
		return 99;
	}
	size_t n;
	struct seq *s = read_sequences(argv[3], &n);
	gk_model *m;
	gk_model_opts o = {.n_threads = 1};
	if (gk_model_load(&m, argv[1], &o, &err) < 0) {
		fprintf(stderr, "load %s: %s\n", argv[1], err.msg);
		return 1;
	}
	const gk_bert_config *cfg = gk_model_config(m);
	/* Without modules.json the defaults apply, and the model says so. */
	char mj[4096];
	snprintf(mj, sizeof mj, "%s/modules.json", argv[1]);
	FILE *mf = fopen(mj, "r");
	CHECK(gk_model_has_st_modules(m) == (mf != NULL), "has_st_modules %d, modules.json %s",
		gk_model_has_st_modules(m), mf ? "present" : "absent");
	if (!mf)
		CHECK(gk_model_modules(m)->pooling == GK_POOL_MEAN && gk_model_output_dim(m) == cfg->hidden_size,
			"defaults without modules.json: mean pooling, hidden-size output");
	else
		fclose(mf);
	CHECK(json_integer_value(json_object_get(g, "hidden_size")) == cfg->hidden_size,
		"golden is for hidden size %lld, model has %d",
		(long long)json_integer_value(json_object_get(g, "hidden_size")), cfg->hidden_size);

	/* The sequences the reference could run are those that fit. */
	json_t *used = json_object_get(g, "sequences");
	size_t k = json_array_size(used), *idx = malloc((k + 1) * sizeof *idx), *offs = malloc((k + 1) * sizeof *offs);
	for (size_t i = 0; i < k; i++) {
		idx[i] = (size_t)json_integer_value(json_array_get(used, i));
		CHECK(idx[i] < n && s[idx[i]].len <= (size_t)cfg->max_position_embeddings, "golden sequence list");
	}
	CHECK(k > 5, "too few golden sequences (%zu)", k);

	check_goldens(m, g, s, idx, k, "batch, 1 thread");

	/* Alone vs in the batch, and 2 threads vs 1. */
	size_t H = (size_t)cfg->hidden_size;
	float *batch = encode(m, s, idx, k, offs);
	double worst = 0;
	for (size_t i = 0; i < k; i++) {
		size_t off1;
		float *alone = encode(m, s, &idx[i], 1, &off1);
		double d = max_abs_diff(alone, batch + offs[i] * H, s[idx[i]].len * H);
		CHECK(d <= 1e-6, "sequence %zu alone vs in a batch: max diff %g", idx[i], d);
		worst = d > worst ? d : worst;
		free(alone);
	}
	printf("alone vs batch: worst max |diff| %.3g\n", worst);
	gk_model_set_threads(m, 2);
	float *batch2 = encode(m, s, idx, k, offs);
	size_t T = offs[k - 1] + s[idx[k - 1]].len;
	double d2 = max_abs_diff(batch, batch2, T * H);
	CHECK(d2 <= 1e-6, "2 threads vs 1: max diff %g", d2);
	printf("2 threads vs 1: max |diff| %.3g\n", d2);
	check_goldens(m, g, s, idx, k, "batch, 2 threads");
	free(batch2);

	/* Weights copied (gk_bert_load) give what weights used in place in the
	 * mapping (gk_model_load, via gk_bert_load_mapped) give. */
	{
		gk_bert_config bc;
		gk_safetensors *st;
		gk_bert *copy;
		int rc = gk_bert_config_load(&bc, argv[1], &err);
		if (rc == 0)
			rc = gk_safetensors_open_dir(&st, argv[1], &err);
		CHECK(rc == 0, "open for a copied load: %s", err.msg);
		if (rc == 0) {
			rc = gk_bert_load(&copy, &bc, st, &err);
			gk_safetensors_free(st); /* the copy must not need it */
			CHECK(rc == 0, "gk_bert_load: %s", err.msg);
			gk_sequence *q = calloc(k, sizeof *q);
			for (size_t i = 0; i < k; i++)
				q[i] = (gk_sequence){s[idx[i]].ids, s[idx[i]].types, s[idx[i]].len};
			float *hc = malloc(T * H * sizeof *hc);
			gk_bert_run run = {.n_threads = 1};
			if (rc == 0) {
				rc = gk_bert_encode(copy, q, k, hc, &run, &err);
				CHECK(rc == 0 && max_abs_diff(hc, batch, T * H) == 0,
					"copied weights differ from mapped ones");
			}
			gk_bert_free(copy);
			free(hc);
			free(q);
		}
	}

	/* Two threads encoding with one model at once get what one thread gets. */
	struct encode_job jobs[2];
	pthread_t tid[2];
	for (int t = 0; t < 2; t++) {
		jobs[t] = (struct encode_job){m, s, idx, k, NULL};
		pthread_create(&tid[t], NULL, encode_thread, &jobs[t]);
	}
	for (int t = 0; t < 2; t++) {
		pthread_join(tid[t], NULL);
		double d = max_abs_diff(jobs[t].out, batch, T * H);
		CHECK(d <= 1e-6, "concurrent encode %d vs alone: max diff %g", t, d);
		free(jobs[t].out);
	}

	/* Every sequence that does not fit is refused, alone or in a batch. */
	for (size_t i = 0; i < n; i++) {
		if (s[i].len <= (size_t)cfg->max_position_embeddings)
			continue;
		gk_sequence q[2] = {{s[idx[0]].ids, NULL, s[idx[0]].len}, {s[i].ids, s[i].types, s[i].len}};
		float *h = malloc((q[0].len + q[1].len) * H * sizeof *h);
		memset(&err, 0, sizeof err);
		int rc = gk_model_encode(m, q, 2, h, &err);
		CHECK(rc == GK_EDATA && strstr(err.msg, "max_position_embeddings") && strstr(err.msg, "sequence 1"),
			"overlong sequence %zu: rc %d, message '%s'", i, rc, err.msg);
		free(h);
	}
	/* An id outside the vocabulary and a bad type id are refused. */
	int32_t bad_ids[3] = {101, (int32_t)cfg->vocab_size, 102}, types[3] = {0, 0, 0};
	gk_sequence bq = {bad_ids, types, 3};
	float hb[3 * 1024];
	if (H <= 1024) {
		int rc = gk_model_encode(m, &bq, 1, hb, &err);
		CHECK(rc == GK_EDATA && strstr(err.msg, "vocabulary"), "bad id: rc %d '%s'", rc, err.msg);
		bad_ids[1] = 1000;
		types[2] = cfg->type_vocab_size;
		rc = gk_model_encode(m, &bq, 1, hb, &err);
		CHECK(rc == GK_EDATA && strstr(err.msg, "token type"), "bad type id: rc %d '%s'", rc, err.msg);
	}
	gk_model_free(m);

	if (with_ref) {
		o.reference_kernels = 1;
		if (gk_model_load(&m, argv[1], &o, &err) < 0) {
			fprintf(stderr, "load %s: %s\n", argv[1], err.msg);
			return 1;
		}
		check_goldens(m, g, s, idx, k, "reference kernels");
		float *ref = encode(m, s, idx, k, offs);
		double d = max_abs_diff(ref, batch, T * H);
		CHECK(d <= 1e-4, "reference kernels vs optimised: max diff %g", d);
		printf("reference kernels vs optimised: max |diff| %.3g\n", d);
		free(ref);
		gk_model_free(m);
	}
	free(batch);
	for (size_t i = 0; i < n; i++) {
		free(s[i].ids);
		free(s[i].types);
	}
	free(s);
	free(idx);
	free(offs);
	json_decref(g);
	if (failures)
		fprintf(stderr, "%d failures\n", failures);
	return failures ? 1 : 0;
}

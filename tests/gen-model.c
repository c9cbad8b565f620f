/*
 * gen-model.c - write a random-weight BERT sentence encoder in the real
 * HuggingFace / sentence-transformers directory layout, for tests.
 *
 *   gen-model [--shape tiny|minilm|bgebase] [--dtype f32|f16|bf16] [--seed N]
 *             [--pooling MODE[,MODE...]] [--dense OUT:ACT] [--normalize]
 *             [--no-st] [--shards N] [--prefix] [--pooler]
 *             [--hidden-act NAME] [--vocab-from DIR] [--classifier N] OUTDIR
 *
 * --classifier N writes a BertForSequenceClassification (a cross-encoder):
 * bert.-prefixed encoder and pooler, classifier (N, hidden), N labels.
 *
 * Deterministic on every platform: a fixed 64-bit PRNG (splitmix64) and
 * normal deviates as the exact sum of 12 24-bit uniforms, so no libm call
 * decides a weight.  Weights have a realistic scale (linear N(0, 1/in),
 * embeddings N(0, 0.02^2), LayerNorm gamma around 1) so outputs are not
 * degenerate.  This is a test tool, not part of the library: it may print
 * and exit.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dtype.h"
#include "gen-util.h"
#include "pooling.h"

/* the generator, normal deviates, tensors and the safetensors writer are
 * gen-util.h's, shared with tests/gen-lm.c */
#define die(fmt, arg) gen_die("gen-model", fmt, arg)

static void linear(struct gen_tensors *ts, const char *prefix, int64_t out, int64_t in)
{
	char name[160];
	snprintf(name, sizeof name, "%s.weight", prefix);
	gen_fill(ts, name, out, in, 0, 1.0 / __builtin_sqrt((double)in));
	snprintf(name, sizeof name, "%s.bias", prefix);
	gen_fill(ts, name, out, 0, 0, 0.02);
}

static void layernorm(struct gen_tensors *ts, const char *prefix, int64_t d)
{
	char name[160];
	snprintf(name, sizeof name, "%s.weight", prefix);
	gen_fill(ts, name, d, 0, 1.0, 0.1);
	snprintf(name, sizeof name, "%s.bias", prefix);
	gen_fill(ts, name, d, 0, 0, 0.05);
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0)
		die("cannot write %s", path);
}

static void copy_file(const char *from_dir, const char *name, const char *to_dir)
{
	char src[4096], dst[4096];
	snprintf(src, sizeof src, "%s/%s", from_dir, name);
	snprintf(dst, sizeof dst, "%s/%s", to_dir, name);
	FILE *f = fopen(src, "rb");
	if (!f)
		return; /* optional file */
	char *buf = NULL;
	size_t n = 0, cap = 0, r;
	do {
		if (n == cap && !(buf = realloc(buf, cap = cap ? 2 * cap : 65536)))
			die("%s", "out of memory");
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	write_file(dst, buf, n);
	free(buf);
}

static void mkdir_or_die(const char *p)
{
	if (mkdir(p, 0777) != 0 && errno != EEXIST)
		die("cannot create %s", p);
}

int main(int argc, char **argv)
{
	const char *shape = "tiny", *dtype = "f32", *pooling = "mean", *dense = NULL;
	const char *vocab_from = NULL, *act = "gelu";
	int normalize = 0, no_st = 0, shards = 1, prefix = 0, pooler = 0, classifier = 0;
	unsigned long long seed = 1;
	static const struct option longopts[] = {
		{"shape", 1, 0, 's'}, {"dtype", 1, 0, 'd'}, {"seed", 1, 0, 'S'},
		{"pooling", 1, 0, 'p'}, {"dense", 1, 0, 'D'}, {"normalize", 0, 0, 'n'},
		{"no-st", 0, 0, 'N'}, {"shards", 1, 0, 'k'}, {"prefix", 0, 0, 'P'},
		{"pooler", 0, 0, 'o'}, {"vocab-from", 1, 0, 'v'}, {"hidden-act", 1, 0, 'a'},
		{"classifier", 1, 0, 'c'},
		{0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': shape = optarg; break;
		case 'd': dtype = optarg; break;
		case 'S': seed = strtoull(optarg, NULL, 10); break;
		case 'p': pooling = optarg; break;
		case 'D': dense = optarg; break;
		case 'n': normalize = 1; break;
		case 'N': no_st = 1; break;
		case 'k': shards = atoi(optarg); break;
		case 'P': prefix = 1; break;
		case 'o': pooler = 1; break;
		case 'v': vocab_from = optarg; break;
		case 'a': act = optarg; break;
		case 'c':
			classifier = atoi(optarg);
			if (classifier < 1 || classifier > 100)
				die("%s", "--classifier must be 1..100");
			prefix = pooler = 1; /* as transformers saves BertFor* models */
			break;
		default: die("%s", "bad option (see the comment at the top of tests/gen-model.c)");
		}
	}
	if (optind + 1 != argc)
		die("%s", "usage: gen-model [options] OUTDIR");
	const char *out = argv[optind];
	int64_t V = 30522, H, L, NH, FF, P, TV = 2;
	if (strcmp(shape, "tiny") == 0)
		H = 32, L = 2, NH = 4, FF = 64, P = 128;
	else if (strcmp(shape, "minilm") == 0)
		H = 384, L = 6, NH = 12, FF = 1536, P = 512;
	else if (strcmp(shape, "bgebase") == 0 || strcmp(shape, "bge-base") == 0) /* BAAI/bge-base-en-v1.5, BERT-base */
		H = 768, L = 12, NH = 12, FF = 3072, P = 512;
	else
		die("unknown shape '%s' (tiny, minilm, bgebase)", shape);
	gk_dtype dt = strcmp(dtype, "f32") == 0 ? GK_DTYPE_F32 : strcmp(dtype, "f16") == 0 ? GK_DTYPE_F16 :
		strcmp(dtype, "bf16") == 0 ? GK_DTYPE_BF16 : GK_DTYPE_INVALID;
	if (dt == GK_DTYPE_INVALID)
		die("unknown dtype '%s' (f32, f16, bf16)", dtype);
	if (shards < 1 || shards > 9)
		die("%s", "--shards must be 1..9");
	gen_rng_state = seed;
	mkdir_or_die(out);

	/* Weights, in HF BertModel's order. */
	struct gen_tensors ts = {0};
	const char *pre = prefix ? "bert." : "";
	char name[160];
#define N(...) (snprintf(name, sizeof name, __VA_ARGS__), name)
	gen_fill(&ts, N("%sembeddings.word_embeddings.weight", pre), V, H, 0, 0.02);
	gen_fill(&ts, N("%sembeddings.position_embeddings.weight", pre), P, H, 0, 0.02);
	gen_fill(&ts, N("%sembeddings.token_type_embeddings.weight", pre), TV, H, 0, 0.02);
	layernorm(&ts, N("%sembeddings.LayerNorm", pre), H);
	for (int64_t l = 0; l < L; l++) {
		static const char *qkv[3] = {"query", "key", "value"};
		for (int k = 0; k < 3; k++)
			linear(&ts, N("%sencoder.layer.%lld.attention.self.%s", pre, (long long)l, qkv[k]), H, H);
		linear(&ts, N("%sencoder.layer.%lld.attention.output.dense", pre, (long long)l), H, H);
		layernorm(&ts, N("%sencoder.layer.%lld.attention.output.LayerNorm", pre, (long long)l), H);
		linear(&ts, N("%sencoder.layer.%lld.intermediate.dense", pre, (long long)l), FF, H);
		linear(&ts, N("%sencoder.layer.%lld.output.dense", pre, (long long)l), H, FF);
		layernorm(&ts, N("%sencoder.layer.%lld.output.LayerNorm", pre, (long long)l), H);
	}
	if (pooler)
		linear(&ts, N("%spooler.dense", pre), H, H);
	if (classifier)
		linear(&ts, "classifier", classifier, H);

	char path[4096];
	gen_write_weights(out, &ts, shards, dt);

	snprintf(path, sizeof path, "%s/config.json", out);
	gen_write_json(path, json_pack("{s:[s],s:s,s:f,s:s,s:f,s:I,s:I,s:I,s:f,s:I,s:I,s:I,s:I,s:s,s:I,s:s}",
		"architectures", classifier ? "BertForSequenceClassification" : "BertModel", "model_type", "bert",
		"attention_probs_dropout_prob", 0.1, "hidden_act", act, "hidden_dropout_prob", 0.1,
		"hidden_size", (json_int_t)H, "intermediate_size", (json_int_t)FF,
		"max_position_embeddings", (json_int_t)P, "layer_norm_eps", 1e-12,
		"num_attention_heads", (json_int_t)NH, "num_hidden_layers", (json_int_t)L,
		"type_vocab_size", (json_int_t)TV, "vocab_size", (json_int_t)V,
		"position_embedding_type", "absolute", "pad_token_id", (json_int_t)0,
		"torch_dtype", dt == GK_DTYPE_F32 ? "float32" : dt == GK_DTYPE_F16 ? "float16" : "bfloat16"));

	if (classifier) {
		json_t *cfg = json_load_file(path, 0, NULL), *labels = json_object();
		for (int i = 0; i < classifier; i++) {
			char key[16], val[32];
			snprintf(key, sizeof key, "%d", i);
			snprintf(val, sizeof val, "LABEL_%d", i);
			json_object_set_new(labels, key, json_string(val));
		}
		if (!cfg)
			die("cannot read %s", path);
		json_object_set_new(cfg, "id2label", labels);
		gen_write_json(path, cfg);
	}

	if (vocab_from) {
		copy_file(vocab_from, "vocab.txt", out);
		copy_file(vocab_from, "tokenizer.json", out);
		copy_file(vocab_from, "tokenizer_config.json", out);
	}

	if (!no_st) {
		json_t *mods = json_array();
		int idx = 0;
		json_array_append_new(mods, json_pack("{s:i,s:s,s:s,s:s}", "idx", idx, "name", "0",
			"path", "", "type", "sentence_transformers.models.Transformer"));
		idx++;
		json_array_append_new(mods, json_pack("{s:i,s:s,s:s,s:s}", "idx", idx, "name", "1",
			"path", "1_Pooling", "type", "sentence_transformers.models.Pooling"));
		idx++;
		snprintf(path, sizeof path, "%s/1_Pooling", out);
		mkdir_or_die(path);
		unsigned modes = 0;
		char *list = strdup(pooling);
		for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
			unsigned m = gk_pool_from_name(tok);
			if (!m)
				die("unknown pooling mode '%s'", tok);
			modes |= m;
		}
		free(list);
		snprintf(path, sizeof path, "%s/1_Pooling/config.json", out);
		gen_write_json(path, json_pack("{s:I,s:b,s:b,s:b,s:b,s:b,s:b,s:b}",
			"word_embedding_dimension", (json_int_t)H,
			"pooling_mode_cls_token", !!(modes & GK_POOL_CLS),
			"pooling_mode_mean_tokens", !!(modes & GK_POOL_MEAN),
			"pooling_mode_max_tokens", !!(modes & GK_POOL_MAX),
			"pooling_mode_mean_sqrt_len_tokens", !!(modes & GK_POOL_MEAN_SQRT_LEN),
			"pooling_mode_weightedmean_tokens", !!(modes & GK_POOL_WEIGHTED_MEAN),
			"pooling_mode_lasttoken", !!(modes & GK_POOL_LASTTOKEN),
			"include_prompt", 1));
		int64_t dim = H * gk_pool_count(modes);
		if (dense) {
			long long dout = 0;
			char dact[32] = "tanh";
			if (sscanf(dense, "%lld:%31s", &dout, dact) < 1 || dout < 1 || dout > 100000)
				die("bad --dense '%s' (OUT:tanh|identity)", dense);
			const char *cls = strcmp(dact, "identity") == 0 ? "torch.nn.modules.linear.Identity" :
				"torch.nn.modules.activation.Tanh";
			char dir[16];
			snprintf(dir, sizeof dir, "%d_Dense", idx);
			json_array_append_new(mods, json_pack("{s:i,s:s%,s:s,s:s}", "idx", idx, "name", dir, (size_t)1,
				"path", dir, "type", "sentence_transformers.models.Dense"));
			idx++;
			snprintf(path, sizeof path, "%s/%s", out, dir);
			mkdir_or_die(path);
			snprintf(path, sizeof path, "%s/%s/config.json", out, dir);
			gen_write_json(path, json_pack("{s:I,s:I,s:b,s:s}", "in_features", (json_int_t)dim,
				"out_features", (json_int_t)dout, "bias", 1, "activation_function", cls));
			struct gen_tensors dts = {0};
			linear(&dts, "linear", dout, dim);
			snprintf(path, sizeof path, "%s/%s/model.safetensors", out, dir);
			gen_write_safetensors(path, &dts, 0, dts.n, dt);
			for (size_t i = 0; i < dts.n; i++)
				free(dts.t[i].data);
			free(dts.t);
		}
		if (normalize) {
			char dir[16];
			snprintf(dir, sizeof dir, "%d_Normalize", idx);
			json_array_append_new(mods, json_pack("{s:i,s:s%,s:s,s:s}", "idx", idx, "name", dir, (size_t)1,
				"path", dir, "type", "sentence_transformers.models.Normalize"));
		}
		snprintf(path, sizeof path, "%s/modules.json", out);
		gen_write_json(path, mods);
		snprintf(path, sizeof path, "%s/sentence_bert_config.json", out);
		gen_write_json(path, json_pack("{s:I,s:b}", "max_seq_length", (json_int_t)P, "do_lower_case", 0));
		snprintf(path, sizeof path, "%s/config_sentence_transformers.json", out);
		gen_write_json(path, json_pack("{s:{s:s},s:{},s:n,s:s}", "__version__", "sentence_transformers", "3.0.1",
			"prompts", "default_prompt_name", "similarity_fn_name", "cosine"));
	}
	for (size_t i = 0; i < ts.n; i++)
		free(ts.t[i].data);
	free(ts.t);
	return 0;
}

/*
 * gen-lm.c - write a random-weight decoder LM in the real HuggingFace
 * layout (config.json as the family ships it, model.safetensors with the
 * real tensor names, a tokenizer), for tests and benchmarks.
 *
 *   gen-lm --family llama|qwen2|qwen3|gemma3 [--shape tiny|qwen2.5-0.5b|embeddinggemma-300m|
 *          embeddinggemma-tiny|qwen3-embedding-tiny]
 *          [--dtype f32|f16|bf16] [--seed N] [--no-tie] [--rope-scaling llama3|linear]
 *          [--softcap] [--layer-types] [--attention-bias] [--mlp-bias] [--bare] [--shards N]
 *          [--tokenizer-from DIR] OUTDIR
 *
 * --bare writes tensor names without "model." (embed_tokens.weight, layers.0...),
 * as a bare Gemma3TextModel / LlamaModel checkpoint (EmbeddingGemma) has them.
 *
 * Tiny shapes differ per family on purpose: GQA with 1 and 2 KV heads,
 * head_dim not hidden/heads (Qwen3, Gemma 3) and not a multiple of 8,
 * Gemma 3 with a 6-token sliding window on alternate layers and
 * query_pre_attn_scalar != head_dim.  Weights have realistic scales
 * (linear N(0, 1/in), norms near their identity) and embeddings wide
 * enough that log-probabilities are far from uniform.  Deterministic on
 * every platform (gen-util.h).  A test tool: prints and exits on error.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sys/stat.h>

#include "gen-util.h"

#define PROG "gen-lm"

struct shape {
	int64_t V, H, L, NH, KV, D, F, P;
};

static void copy_file(const char *from_dir, const char *name, const char *to_dir)
{
	char src[4096], dst[4096];
	snprintf(src, sizeof src, "%s/%s", from_dir, name);
	snprintf(dst, sizeof dst, "%s/%s", to_dir, name);
	FILE *f = fopen(src, "rb"), *g;
	if (!f)
		return; /* optional file */
	if (!(g = fopen(dst, "wb")))
		gen_die(PROG, "cannot write %s", dst);
	char buf[65536];
	size_t r;
	while ((r = fread(buf, 1, sizeof buf, f)) > 0)
		if (fwrite(buf, 1, r, g) != r)
			gen_die(PROG, "cannot write %s", dst);
	fclose(f);
	if (fclose(g) != 0)
		gen_die(PROG, "cannot write %s", dst);
}

int main(int argc, char **argv)
{
	const char *family = NULL, *shape_name = "tiny", *dtype = "f32", *scaling = NULL, *tok_from = NULL;
	int no_tie = 0, softcap = 0, layer_types = 0, attention_bias = 0, bare = 0, mlp_bias = 0, shards = 1;
	unsigned long long seed = 1;
	static const struct option longopts[] = {
		{"family", 1, 0, 'f'}, {"shape", 1, 0, 's'}, {"dtype", 1, 0, 'd'}, {"seed", 1, 0, 'S'},
		{"no-tie", 0, 0, 'T'}, {"rope-scaling", 1, 0, 'r'}, {"softcap", 0, 0, 'c'},
		{"layer-types", 0, 0, 'l'}, {"attention-bias", 0, 0, 'b'}, {"tokenizer-from", 1, 0, 't'}, {"bare", 0, 0, 'B'},
		{"mlp-bias", 0, 0, 'm'}, {"shards", 1, 0, 'k'},
		{0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': family = optarg; break;
		case 's': shape_name = optarg; break;
		case 'd': dtype = optarg; break;
		case 'S': seed = strtoull(optarg, NULL, 10); break;
		case 'T': no_tie = 1; break;
		case 'r': scaling = optarg; break;
		case 'c': softcap = 1; break;
		case 'l': layer_types = 1; break;
		case 'b': attention_bias = 1; break;
		case 't': tok_from = optarg; break;
		case 'B': bare = 1; break;
		case 'm': mlp_bias = 1; break;
		case 'k': shards = atoi(optarg); break;
		default: gen_die(PROG, "%s", "bad option (see the comment at the top of tests/gen-lm.c)");
		}
	}
	if (shards < 1 || shards > 9)
		gen_die(PROG, "%s", "--shards must be 1..9");
	if (optind + 1 != argc || !family)
		gen_die(PROG, "%s", "usage: gen-lm --family FAMILY [options] OUTDIR");
	const char *out = argv[optind];
	int llama = strcmp(family, "llama") == 0, qwen2 = strcmp(family, "qwen2") == 0;
	int qwen3 = strcmp(family, "qwen3") == 0, gemma = strcmp(family, "gemma3") == 0;
	if (!llama && !qwen2 && !qwen3 && !gemma)
		gen_die(PROG, "unknown family '%s' (llama, qwen2, qwen3, gemma3)", family);
	struct shape s;
	if (strcmp(shape_name, "tiny") == 0) {
		if (llama)
			s = (struct shape){512, 32, 3, 4, 2, 8, 48, 64};
		else if (qwen2)
			s = (struct shape){512, 32, 2, 4, 1, 8, 40, 64};
		else if (qwen3)
			s = (struct shape){512, 32, 2, 4, 2, 12, 48, 64};
		else
			s = (struct shape){512, 32, 4, 2, 1, 16, 64, 64};
	} else if (strcmp(shape_name, "qwen2.5-0.5b") == 0) {
		s = (struct shape){151936, 896, 24, 14, 2, 64, 4864, 32768};
	} else if (strcmp(shape_name, "embeddinggemma-300m") == 0) {
		s = (struct shape){262144, 768, 24, 3, 1, 256, 1152, 2048};
	} else if (strcmp(shape_name, "embeddinggemma-tiny") == 0) {
		/* the real vocabulary (its tokenizer's ids), a few narrow layers */
		s = (struct shape){262144, 48, 6, 3, 1, 16, 72, 2048};
	} else if (strcmp(shape_name, "qwen3-embedding-tiny") == 0) {
		s = (struct shape){151669, 32, 3, 4, 2, 16, 64, 32768};
	} else {
		gen_die(PROG, "unknown shape '%s' (tiny, qwen2.5-0.5b, embeddinggemma-300m, "
			"embeddinggemma-tiny, qwen3-embedding-tiny)", shape_name);
	}
	gk_dtype dt = strcmp(dtype, "f32") == 0 ? GK_DTYPE_F32 : strcmp(dtype, "f16") == 0 ? GK_DTYPE_F16 :
		strcmp(dtype, "bf16") == 0 ? GK_DTYPE_BF16 : GK_DTYPE_INVALID;
	if (dt == GK_DTYPE_INVALID)
		gen_die(PROG, "unknown dtype '%s' (f32, f16, bf16)", dtype);
	int tie = !no_tie;
	gen_rng_state = seed;
	if (mkdir(out, 0777) != 0 && errno != EEXIST)
		gen_die(PROG, "cannot create %s", out);

	/* Norm weights: Gemma stores w of (1 + w), the others w itself. */
	double norm_mean = gemma ? 0.0 : 1.0;
	struct gen_tensors ts = {0};
	char n[160];
#define N(...) (snprintf(n, sizeof n, __VA_ARGS__), n)
	gen_fill(&ts, "model.embed_tokens.weight", s.V, s.H, 0, gemma ? 0.2 : 1.0);
	for (int64_t l = 0; l < s.L; l++) {
		long long i = (long long)l;
		int64_t rows[3] = {s.NH * s.D, s.KV * s.D, s.KV * s.D};
		static const char *qkv[3] = {"q_proj", "k_proj", "v_proj"};
		for (int k = 0; k < 3; k++) {
			gen_fill(&ts, N("model.layers.%lld.self_attn.%s.weight", i, qkv[k]), rows[k], s.H,
				0, 1 / sqrt((double)s.H));
			if (qwen2 || attention_bias)
				gen_fill(&ts, N("model.layers.%lld.self_attn.%s.bias", i, qkv[k]), rows[k], 0, 0, 0.1);
		}
		gen_fill(&ts, N("model.layers.%lld.self_attn.o_proj.weight", i), s.H, s.NH * s.D,
			0, 1 / sqrt((double)(s.NH * s.D)));
		if (attention_bias && !qwen2)
			gen_fill(&ts, N("model.layers.%lld.self_attn.o_proj.bias", i), s.H, 0, 0, 0.1);
		if (qwen3 || gemma) {
			gen_fill(&ts, N("model.layers.%lld.self_attn.q_norm.weight", i), s.D, 0, norm_mean, 0.1);
			gen_fill(&ts, N("model.layers.%lld.self_attn.k_norm.weight", i), s.D, 0, norm_mean, 0.1);
		}
		gen_fill(&ts, N("model.layers.%lld.mlp.gate_proj.weight", i), s.F, s.H, 0, 1 / sqrt((double)s.H));
		if (mlp_bias)
			gen_fill(&ts, N("model.layers.%lld.mlp.gate_proj.bias", i), s.F, 0, 0, 0.1);
		gen_fill(&ts, N("model.layers.%lld.mlp.up_proj.weight", i), s.F, s.H, 0, 1 / sqrt((double)s.H));
		if (mlp_bias)
			gen_fill(&ts, N("model.layers.%lld.mlp.up_proj.bias", i), s.F, 0, 0, 0.1);
		gen_fill(&ts, N("model.layers.%lld.mlp.down_proj.weight", i), s.H, s.F, 0, 1 / sqrt((double)s.F));
		if (mlp_bias)
			gen_fill(&ts, N("model.layers.%lld.mlp.down_proj.bias", i), s.H, 0, 0, 0.1);
		gen_fill(&ts, N("model.layers.%lld.input_layernorm.weight", i), s.H, 0, norm_mean, 0.1);
		gen_fill(&ts, N("model.layers.%lld.post_attention_layernorm.weight", i), s.H, 0, norm_mean, 0.1);
		if (gemma) {
			gen_fill(&ts, N("model.layers.%lld.pre_feedforward_layernorm.weight", i), s.H, 0, 0, 0.1);
			gen_fill(&ts, N("model.layers.%lld.post_feedforward_layernorm.weight", i), s.H, 0, 0, 0.1);
		}
	}
	gen_fill(&ts, "model.norm.weight", s.H, 0, norm_mean, 0.1);
	if (!tie)
		gen_fill(&ts, "lm_head.weight", s.V, s.H, 0, 1 / sqrt((double)s.H));
#undef N
	if (bare)
		for (size_t i = 0; i < ts.n; i++)
			if (strncmp(ts.t[i].name, "model.", 6) == 0)
				memmove(ts.t[i].name, ts.t[i].name + 6, strlen(ts.t[i].name + 6) + 1);

	char path[4096];
	gen_write_weights(out, &ts, shards, dt);
	gen_tensors_free(&ts);

	const char *torch_dtype = dt == GK_DTYPE_F32 ? "float32" : dt == GK_DTYPE_F16 ? "float16" : "bfloat16";
	json_t *cfg = json_object();
#define SET(k, v) json_object_set_new(cfg, k, v)
	const char *arch = llama ? "LlamaForCausalLM" : qwen2 ? "Qwen2ForCausalLM" :
		qwen3 ? "Qwen3ForCausalLM" : "Gemma3ForCausalLM";
	SET("architectures", json_pack("[s]", arch));
	SET("model_type", json_string(llama ? "llama" : qwen2 ? "qwen2" : qwen3 ? "qwen3" : "gemma3_text"));
	SET("vocab_size", json_integer(s.V));
	SET("hidden_size", json_integer(s.H));
	SET("intermediate_size", json_integer(s.F));
	SET("num_hidden_layers", json_integer(s.L));
	SET("num_attention_heads", json_integer(s.NH));
	SET("num_key_value_heads", json_integer(s.KV));
	if (!qwen2)
		SET("head_dim", json_integer(s.D));
	SET("max_position_embeddings", json_integer(s.P));
	SET("rms_norm_eps", json_real(gemma || qwen2 || qwen3 ? 1e-6 : 1e-5));
	SET(gemma ? "hidden_activation" : "hidden_act", json_string(gemma ? "gelu_pytorch_tanh" : "silu"));
	SET("tie_word_embeddings", json_boolean(tie));
	SET("bos_token_id", json_integer(1));
	SET("eos_token_id", json_integer(2));
	SET("torch_dtype", json_string(torch_dtype));
	if (!qwen2)
		SET("attention_bias", json_boolean(attention_bias));
	if (llama)
		SET("mlp_bias", json_boolean(mlp_bias));
	SET("rope_theta", json_real(llama ? 500000.0 : 1000000.0));
	if (scaling && strcmp(scaling, "llama3") == 0)
		SET("rope_scaling", json_pack("{s:f,s:f,s:f,s:i,s:s}", "factor", 8.0, "low_freq_factor", 1.0,
			"high_freq_factor", 4.0, "original_max_position_embeddings", 16, "rope_type", "llama3"));
	else if (scaling && strcmp(scaling, "linear") == 0)
		SET("rope_scaling", json_pack("{s:f,s:s}", "factor", 8.0, "rope_type", "linear"));
	else if (scaling)
		gen_die(PROG, "unknown --rope-scaling '%s' (llama3, linear)", scaling);
	else
		SET("rope_scaling", json_null());
	if (qwen2 || qwen3) {
		SET("use_sliding_window", json_false());
		SET("sliding_window", json_null());
		SET("max_window_layers", json_integer(s.L));
	}
	if (gemma) {
		SET("query_pre_attn_scalar", json_integer(24));
		SET("sliding_window", json_integer(6));
		SET("rope_local_base_freq", json_real(10000.0));
		SET("final_logit_softcapping", softcap ? json_real(2.0) : json_null());
		SET("attn_logit_softcapping", softcap ? json_real(1.5) : json_null());
		if (layer_types) {
			json_t *lt = json_array();
			for (int64_t l = 0; l < s.L; l++)
				json_array_append_new(lt, json_string(l % 3 == 2 ? "full_attention" : "sliding_attention"));
			SET("layer_types", lt);
		} else {
			SET("sliding_window_pattern", json_integer(2));
		}
	}
#undef SET
	snprintf(path, sizeof path, "%s/config.json", out);
	gen_write_json(path, cfg);
	if (tok_from) {
		copy_file(tok_from, "tokenizer.json", out);
		copy_file(tok_from, "tokenizer_config.json", out);
	}
	return 0;
}

/*
 * gen-gecko.c - turn a random-weight decoder LM written by tests/gen-lm
 * (--bare) into a Gecko-class embedding model directory in the layout the
 * real models ship, for tests and benchmarks:
 *
 *   gen-gecko --kind embeddinggemma|qwen3-embedding --tokenizer TOKENIZER.json
 *             [--sliding-window N] [--seed N] DIR
 *
 * embeddinggemma (google/embeddinggemma-300m): config.json of a
 *   Gemma3TextModel with use_bidirectional_attention, sliding_window and
 *   layer_types (five sliding layers, then a global one); modules.json with
 *   the Transformer at the root, 1_Pooling (mean), 2_Dense (H -> 4H) and
 *   3_Dense (4H -> H) without bias or activation, 4_Normalize; the prompts
 *   of config_sentence_transformers.json; a tokenizer.json whose
 *   post-processor adds <bos> ... <eos>, as EmbeddingGemma's does (its
 *   inputs are BOS 2 + text + EOS 1).
 * qwen3-embedding (Qwen/Qwen3-Embedding-0.6B): config.json of Qwen3 (as
 *   shipped: Qwen3ForCausalLM, bare tensor names), 1_Pooling lasttoken,
 *   2_Normalize, the query prompt "Instruct: ...\nQuery:", and the
 *   TemplateProcessing that appends <|endoftext|> (151643), which
 *   Qwen3-Embedding's tokenizer.json carries and the base Qwen3 one lacks.
 *
 * The shapes (hidden size, layers, heads, vocabulary) come from the
 * config.json gen-lm wrote in DIR; everything else is rewritten.  A test
 * tool: prints and exits on error.  Deterministic (gen-util.h).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sys/stat.h>

#include "gen-util.h"

#define PROG "gen-gecko"

static json_t *load(const char *path)
{
	json_error_t e;
	json_t *j = json_load_file(path, JSON_ALLOW_NUL, &e);
	if (!j)
		gen_die(PROG, "cannot read %s", path);
	return j;
}

static json_int_t geti(const json_t *j, const char *k)
{
	const json_t *v = json_object_get(j, k);
	if (!json_is_integer(v))
		gen_die(PROG, "gen-lm's config.json has no integer \"%s\"", k);
	return json_integer_value(v);
}

static void write_in(const char *dir, const char *name, json_t *j)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	char *slash = strrchr(path, '/');
	if (slash && strchr(name, '/')) {
		*slash = 0;
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			gen_die(PROG, "cannot create %s", path);
		*slash = '/';
	}
	gen_write_json(path, j);
}

/* A Dense module: config.json and model.safetensors with linear.weight. */
static void dense(const char *dir, const char *sub, int64_t in, int64_t out)
{
	char name[256], path[4096];
	snprintf(name, sizeof name, "%s/config.json", sub);
	write_in(dir, name, json_pack("{s:I,s:I,s:b,s:s}", "in_features", (json_int_t)in,
		"out_features", (json_int_t)out, "bias", 0,
		"activation_function", "torch.nn.modules.linear.Identity"));
	struct gen_tensors ts = {0};
	gen_fill(&ts, "linear.weight", out, in, 0, 1 / sqrt((double)in));
	snprintf(path, sizeof path, "%s/%s/model.safetensors", dir, sub);
	gen_write_safetensors(path, &ts, 0, ts.n, GK_DTYPE_F32);
	gen_tensors_free(&ts);
}

static json_t *module(int idx, const char *path, const char *type)
{
	char name[16];
	snprintf(name, sizeof name, "%d", idx);
	return json_pack("{s:i,s:s,s:s,s:s}", "idx", idx, "name", name, "path", path,
		"type", type);
}

static json_t *pooling(json_int_t dim, int mean)
{
	return json_pack("{s:I,s:b,s:b,s:b,s:b,s:b,s:b,s:b}", "word_embedding_dimension", dim,
		"pooling_mode_cls_token", 0, "pooling_mode_mean_tokens", mean,
		"pooling_mode_max_tokens", 0, "pooling_mode_mean_sqrt_len_tokens", 0,
		"pooling_mode_weightedmean_tokens", 0, "pooling_mode_lasttoken", !mean,
		"include_prompt", 1);
}

/* A TemplateProcessing post-processor: single = [before] $A [after], pair
 * the same around $B with type id 1. */
static json_t *template(const char *before, int before_id, const char *after, int after_id)
{
	json_t *single = json_array(), *pair = json_array(), *specials = json_object();
	for (int b = 0; b < 2; b++) {
		json_t *seq = json_pack("{s:{s:s,s:i}}", "Sequence", "id", b ? "B" : "A", "type_id", b);
		if (before)
			json_array_append_new(pair, json_pack("{s:{s:s,s:i}}", "SpecialToken", "id", before, "type_id", b));
		json_array_append(pair, seq);
		if (after)
			json_array_append_new(pair, json_pack("{s:{s:s,s:i}}", "SpecialToken", "id", after, "type_id", b));
		if (b == 0) {
			if (before)
				json_array_append_new(single, json_pack("{s:{s:s,s:i}}", "SpecialToken", "id", before, "type_id", 0));
			json_array_append(single, seq);
			if (after)
				json_array_append_new(single, json_pack("{s:{s:s,s:i}}", "SpecialToken", "id", after, "type_id", 0));
		}
		json_decref(seq);
	}
	if (before)
		json_object_set_new(specials, before, json_pack("{s:s,s:[i],s:[s]}", "id", before, "ids", before_id, "tokens", before));
	if (after)
		json_object_set_new(specials, after, json_pack("{s:s,s:[i],s:[s]}", "id", after, "ids", after_id, "tokens", after));
	return json_pack("{s:s,s:o,s:o,s:o}", "type", "TemplateProcessing", "single", single,
		"pair", pair, "special_tokens", specials);
}

int main(int argc, char **argv)
{
	const char *kind = NULL, *tok = NULL;
	long window = 512;
	unsigned long long seed = 1;
	static const struct option longopts[] = {
		{"kind", 1, 0, 'k'}, {"tokenizer", 1, 0, 't'}, {"sliding-window", 1, 0, 'w'},
		{"seed", 1, 0, 'S'}, {0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': kind = optarg; break;
		case 't': tok = optarg; break;
		case 'w': window = strtol(optarg, NULL, 10); break;
		case 'S': seed = strtoull(optarg, NULL, 10); break;
		default: gen_die(PROG, "%s", "bad option (see the comment at the top of tests/gen-gecko.c)");
		}
	}
	if (optind + 1 != argc || !kind || !tok)
		gen_die(PROG, "%s", "usage: gen-gecko --kind embeddinggemma|qwen3-embedding --tokenizer FILE DIR");
	const char *dir = argv[optind];
	int gemma = strcmp(kind, "embeddinggemma") == 0;
	if (!gemma && strcmp(kind, "qwen3-embedding") != 0)
		gen_die(PROG, "unknown --kind '%s' (embeddinggemma, qwen3-embedding)", kind);
	gen_rng_state = seed;

	char path[4096];
	snprintf(path, sizeof path, "%s/config.json", dir);
	json_t *lm = load(path);
	json_int_t V = geti(lm, "vocab_size"), H = geti(lm, "hidden_size"), F = geti(lm, "intermediate_size");
	json_int_t L = geti(lm, "num_hidden_layers"), NH = geti(lm, "num_attention_heads");
	json_int_t KV = geti(lm, "num_key_value_heads"), D = geti(lm, "head_dim");
	json_int_t P = geti(lm, "max_position_embeddings");
	json_decref(lm);

	json_t *cfg, *mods = json_array(), *prompts;
	if (gemma) {
		json_t *lt = json_array();
		for (json_int_t l = 0; l < L; l++)
			json_array_append_new(lt, json_string((l + 1) % 6 ? "sliding_attention" : "full_attention"));
		cfg = json_pack("{s:i,s:[s],s:b,s:f,s:n,s:i,s:s,s:i,s:n,s:I,s:s,s:I,s:f,s:I,s:o,s:I,"
			"s:s,s:I,s:I,s:I,s:i,s:I,s:f,s:f,s:n,s:f,s:I,s:s,s:b,s:b,s:I}",
			"_sliding_window_pattern", 6, "architectures", "Gemma3TextModel",
			"attention_bias", 0, "attention_dropout", 0.0, "attn_logit_softcapping",
			"bos_token_id", 2, "dtype", "float32", "eos_token_id", 1,
			"final_logit_softcapping", "head_dim", D, "hidden_activation", "gelu_pytorch_tanh",
			"hidden_size", H, "initializer_range", 0.02, "intermediate_size", F,
			"layer_types", lt, "max_position_embeddings", P, "model_type", "gemma3_text",
			"num_attention_heads", NH, "num_hidden_layers", L, "num_key_value_heads", KV,
			"pad_token_id", 0, "query_pre_attn_scalar", D, "rms_norm_eps", 1e-6,
			"rope_local_base_freq", 10000.0, "rope_scaling", "rope_theta", 1000000.0,
			"sliding_window", (json_int_t)window, "transformers_version", "4.57.0.dev0",
			"use_bidirectional_attention", 1, "use_cache", 1, "vocab_size", V);
		json_array_append_new(mods, module(0, "", "sentence_transformers.models.Transformer"));
		json_array_append_new(mods, module(1, "1_Pooling", "sentence_transformers.models.Pooling"));
		json_array_append_new(mods, module(2, "2_Dense", "sentence_transformers.models.Dense"));
		json_array_append_new(mods, module(3, "3_Dense", "sentence_transformers.models.Dense"));
		json_array_append_new(mods, module(4, "4_Normalize", "sentence_transformers.models.Normalize"));
		write_in(dir, "1_Pooling/config.json", pooling(H, 1));
		dense(dir, "2_Dense", H, 4 * H);
		dense(dir, "3_Dense", 4 * H, H);
		snprintf(path, sizeof path, "%s/4_Normalize", dir);
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			gen_die(PROG, "cannot create %s", path);
		prompts = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
			"query", "task: search result | query: ",
			"document", "title: none | text: ",
			"BitextMining", "task: search result | query: ",
			"Clustering", "task: clustering | query: ",
			"Classification", "task: classification | query: ",
			"InstructionRetrieval", "task: code retrieval | query: ",
			"MultilabelClassification", "task: classification | query: ",
			"PairClassification", "task: sentence similarity | query: ",
			"Reranking", "task: search result | query: ",
			"Retrieval", "task: search result | query: ",
			"Retrieval-query", "task: search result | query: ",
			"Retrieval-document", "title: none | text: ",
			"STS", "task: sentence similarity | query: ",
			"Summarization", "task: summarization | query: ");
	} else {
		cfg = json_pack("{s:[s],s:b,s:f,s:i,s:i,s:I,s:s,s:I,s:f,s:I,s:I,s:I,s:s,s:I,s:I,s:I,"
			"s:f,s:n,s:f,s:n,s:b,s:s,s:s,s:b,s:b,s:I}",
			"architectures", "Qwen3ForCausalLM", "attention_bias", 0, "attention_dropout", 0.0,
			"bos_token_id", 151643, "eos_token_id", 151643, "head_dim", D, "hidden_act", "silu",
			"hidden_size", H, "initializer_range", 0.02, "intermediate_size", F,
			"max_position_embeddings", P, "max_window_layers", L, "model_type", "qwen3",
			"num_attention_heads", NH, "num_hidden_layers", L, "num_key_value_heads", KV,
			"rms_norm_eps", 1e-6, "rope_scaling", "rope_theta", 1000000.0, "sliding_window",
			"tie_word_embeddings", 1, "torch_dtype", "bfloat16", "transformers_version", "4.51.3",
			"use_cache", 1, "use_sliding_window", 0, "vocab_size", V);
		json_array_append_new(mods, module(0, "", "sentence_transformers.models.Transformer"));
		json_array_append_new(mods, module(1, "1_Pooling", "sentence_transformers.models.Pooling"));
		json_array_append_new(mods, module(2, "2_Normalize", "sentence_transformers.models.Normalize"));
		write_in(dir, "1_Pooling/config.json", pooling(H, 0));
		snprintf(path, sizeof path, "%s/2_Normalize", dir);
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			gen_die(PROG, "cannot create %s", path);
		prompts = json_pack("{s:s,s:s}",
			"query", "Instruct: Given a web search query, retrieve relevant passages that answer the query\nQuery:",
			"document", "");
	}
	if (!cfg || !prompts)
		gen_die(PROG, "%s", "json_pack failed");
	write_in(dir, "config.json", cfg);
	write_in(dir, "modules.json", mods);
	write_in(dir, "config_sentence_transformers.json", json_pack("{s:o,s:n,s:s}",
		"prompts", prompts, "default_prompt_name", "similarity_fn_name", "cosine"));
	write_in(dir, "sentence_bert_config.json", json_pack("{s:I,s:b}", "max_seq_length",
		gemma ? (json_int_t)2048 : (json_int_t)32768, "do_lower_case", 0));

	json_t *t = load(tok);
	json_object_set_new(t, "post_processor", gemma ? template("<bos>", 2, "<eos>", 1) :
		template(NULL, 0, "<|endoftext|>", 151643));
	write_in(dir, "tokenizer.json", t);
	/* transformers' GemmaTokenizerFast rebuilds the post-processor from
	 * add_bos_token / add_eos_token, so these must agree with it */
	write_in(dir, "tokenizer_config.json", gemma ?
		json_pack("{s:b,s:b,s:s,s:s,s:I,s:s,s:s,s:s}", "add_bos_token", 1, "add_eos_token", 1,
			"bos_token", "<bos>", "eos_token", "<eos>", "model_max_length", (json_int_t)2048,
			"pad_token", "<pad>", "padding_side", "right", "tokenizer_class", "GemmaTokenizer") :
		json_pack("{s:b,s:n,s:s,s:I,s:s,s:s,s:s}", "add_bos_token", 0, "bos_token",
			"eos_token", "<|im_end|>", "model_max_length", (json_int_t)131072,
			"pad_token", "<|endoftext|>", "padding_side", "left", "tokenizer_class", "Qwen2Tokenizer"));
	return 0;
}

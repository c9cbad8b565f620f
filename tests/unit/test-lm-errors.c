/*
 * test-lm-errors.c - bad and corrupt decoder LM directories give a clear
 * error, never a crash: unsupported or inconsistent config.json values,
 * weights that do not match the config, missing or truncated files.
 *
 *   test-lm-errors STORIES260K_DIR SCRATCH_DIR
 *
 * Each case copies stories260K's weights into SCRATCH_DIR with an edited
 * config.json (or a damaged model.safetensors) and checks the code and
 * a piece of the message.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "lm.h"

static const char *src, *dir;

static void copy(const char *name, size_t limit)
{
	char a[4096], b[4096];
	snprintf(a, sizeof a, "%s/%s", src, name);
	snprintf(b, sizeof b, "%s/%s", dir, name);
	FILE *f = fopen(a, "rb"), *g = fopen(b, "wb");
	if (!f || !g) {
		perror(a);
		exit(99);
	}
	static char buf[1 << 21];
	size_t n = fread(buf, 1, sizeof buf, f);
	fwrite(buf, 1, n < limit ? n : limit, g);
	fclose(f);
	fclose(g);
}

/* config.json = stories260K's with key set to the JSON value `val` (NULL: removed). */
static void config_with(const char *key, const char *val)
{
	char a[4096], b[4096];
	snprintf(a, sizeof a, "%s/config.json", src);
	snprintf(b, sizeof b, "%s/config.json", dir);
	json_t *j = json_load_file(a, 0, NULL);
	if (!j)
		exit(99);
	if (key && val)
		json_object_set_new(j, key, json_loads(val, JSON_DECODE_ANY, NULL));
	else if (key)
		json_object_del(j, key);
	json_dump_file(j, b, 0);
	json_decref(j);
}

static int load(gk_error *err)
{
	gk_lm *m = NULL;
	int rc = gk_lm_load(&m, dir, err);
	CHECK((rc == 0) == (m != NULL));
	gk_lm_free(m);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 99;
	src = argv[1];
	dir = argv[2];
	mkdir(dir, 0777);
	gk_error err = {0};

	copy("model.safetensors", SIZE_MAX);
	config_with(NULL, NULL);
	CHECK(load(&err) == 0);

	struct { const char *key, *val, *msg; } cases[] = {
		{"model_type", "\"gpt2\"", "model_type \"gpt2\" is not supported"},
		{"model_type", NULL, "no \"model_type\""},
		{"num_key_value_heads", "3", "not a multiple of num_key_value_heads 3"},
		{"num_attention_heads", "0", "\"num_attention_heads\" is 0"},
		{"hidden_size", "48", "model.embed_tokens.weight"},
		{"intermediate_size", "100", "mlp.gate_proj.weight"},
		{"num_hidden_layers", "6", "layers.5"},
		{"head_dim", "7", "head_dim 7 is odd"},
		{"head_dim", "16", "q_proj.weight"},
		{"vocab_size", "1000", "embed_tokens"},
		{"tie_word_embeddings", "false", "lm_head.weight"},
		{"rms_norm_eps", "-1", "rms_norm_eps"},
		{"rope_theta", "\"big\"", "rope_theta"},
		{"rope_scaling", "{\"rope_type\": \"yarn\", \"factor\": 4}", "\"yarn\" is not supported"},
		{"rope_scaling", "{\"rope_type\": \"llama3\", \"factor\": 8, \"low_freq_factor\": 4, \"high_freq_factor\": 1}",
			"high_freq_factor > low_freq_factor"},
		{"rope_scaling", "[1]", "not an object"},
		{"hidden_act", "\"relu\"", "hidden_act \"relu\" is not supported"},
		{"attention_bias", "true", "q_proj.bias"},
		{"mlp_bias", "true", "gate_proj.bias"},
		{"max_position_embeddings", "-5", "max_position_embeddings"},
		{"num_hidden_layers", "100000", "num_hidden_layers"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		config_with(cases[i].key, cases[i].val);
		memset(&err, 0, sizeof err);
		CHECK(load(&err) == GK_EDATA);
		CHECK_CONTAINS(err.msg, cases[i].msg);
	}

	/* Gemma 3 specifics on the same weights: names differ, layer_types length. */
	config_with("model_type", "\"gemma3_text\"");
	CHECK(load(&err) == GK_EDATA);
	CHECK_CONTAINS(err.msg, "q_norm.weight");
	config_with("model_type", "\"gemma3\"");
	CHECK(load(&err) == GK_EDATA);
	CHECK_CONTAINS(err.msg, "without a text_config");
	char gem[4096];
	snprintf(gem, sizeof gem, "%s/config.json", dir);
	FILE *f = fopen(gem, "w");
	fputs("{\"model_type\": \"gemma3_text\", \"num_hidden_layers\": 2, \"layer_types\": [\"full_attention\"]}", f);
	fclose(f);
	CHECK(load(&err) == GK_EDATA);
	CHECK_CONTAINS(err.msg, "layer_types");
	f = fopen(gem, "w");
	fputs("{\"model_type\": \"qwen2\", \"use_sliding_window\": true}", f);
	fclose(f);
	CHECK(load(&err) == GK_EDATA);
	CHECK_CONTAINS(err.msg, "use_sliding_window");
	f = fopen(gem, "w");
	fputs("{\"model_type\": \"llama\", ", f); /* not JSON */
	fclose(f);
	CHECK(load(&err) == GK_EDATA);
	CHECK_CONTAINS(err.msg, "config.json");

	/* Damaged weights. */
	config_with(NULL, NULL);
	copy("model.safetensors", 5000);
	CHECK(load(&err) == GK_EDATA);
	CHECK_CONTAINS(err.msg, "model.safetensors");
	copy("model.safetensors", 4);
	CHECK(load(&err) == GK_EDATA);
	char p[4096];
	snprintf(p, sizeof p, "%s/model.safetensors", dir);
	unlink(p);
	CHECK(load(&err) == GK_ENOINPUT);
	snprintf(p, sizeof p, "%s/config.json", dir);
	unlink(p);
	CHECK(load(&err) == GK_ENOINPUT);
	rmdir(dir);
	return check_exit();
}

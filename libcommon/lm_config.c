/*
 * lm_config.c - parse and validate a decoder LM's config.json.
 * Defaults are transformers' (LlamaConfig, Qwen2Config, Qwen3Config,
 * Gemma3TextConfig), so a config that leaves a field out means what it
 * means to HF.
 */
#include "lm_config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"

const char *gk_lm_family_name(gk_lm_family f)
{
	switch (f) {
	case GK_LM_FAMILY_LLAMA: return "llama";
	case GK_LM_FAMILY_QWEN2: return "qwen2";
	case GK_LM_FAMILY_QWEN3: return "qwen3";
	case GK_LM_FAMILY_GEMMA3: return "gemma3_text";
	}
	return "?";
}

int gk_lm_config_validate(const gk_lm_config *c, const char *file, gk_error *err)
{
	/* Bounds well above any real model, low enough that no size product
	 * computed from two of them overflows 64 bits. */
	struct { const char *name; int v, lo, hi; } f[] = {
		{"vocab_size", c->vocab_size, 1, 1 << 24},
		{"hidden_size", c->hidden_size, 1, 1 << 16},
		{"intermediate_size", c->intermediate_size, 1, 1 << 18},
		{"num_hidden_layers", c->num_hidden_layers, 1, GK_LM_MAX_LAYERS},
		{"num_attention_heads", c->num_attention_heads, 1, 1024},
		{"num_key_value_heads", c->num_key_value_heads, 1, 1024},
		{"head_dim", c->head_dim, 2, 4096},
		{"max_position_embeddings", c->max_position_embeddings, 1, 1 << 24},
		{"sliding_window", c->sliding_window, 0, 1 << 24},
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (f[i].v < f[i].lo || f[i].v > f[i].hi)
			return gk_error_set(err, GK_EDATA, "%s: \"%s\" is %d, must be in [%d, %d]",
				file, f[i].name, f[i].v, f[i].lo, f[i].hi);
	if (c->num_attention_heads % c->num_key_value_heads)
		return gk_error_set(err, GK_EDATA,
			"%s: num_attention_heads %d is not a multiple of num_key_value_heads %d",
			file, c->num_attention_heads, c->num_key_value_heads);
	if (c->head_dim % 2)
		return gk_error_set(err, GK_EDATA, "%s: head_dim %d is odd; RoPE needs pairs", file, c->head_dim);
	if ((int64_t)c->num_attention_heads * c->head_dim > (1 << 18))
		return gk_error_set(err, GK_EDATA, "%s: num_attention_heads * head_dim is too large", file);
	if (!(c->rms_norm_eps > 0 && c->rms_norm_eps < 1))
		return gk_error_set(err, GK_EDATA, "%s: \"rms_norm_eps\" is %g, must be in (0, 1)",
			file, (double)c->rms_norm_eps);
	const gk_lm_rope *r[2] = {&c->rope, &c->rope_local};
	for (int i = 0; i < 2; i++) {
		if (!(r[i]->theta > 1 && r[i]->theta < 1e12))
			return gk_error_set(err, GK_EDATA, "%s: rope base %g must be in (1, 1e12)", file, r[i]->theta);
		if (r[i]->scaling != GK_LM_ROPE_DEFAULT && !(r[i]->factor >= 1 && r[i]->factor < 1e6))
			return gk_error_set(err, GK_EDATA, "%s: rope_scaling factor %g must be in [1, 1e6)",
				file, r[i]->factor);
		if (r[i]->scaling == GK_LM_ROPE_LLAMA3 &&
		    !(r[i]->high_freq_factor > r[i]->low_freq_factor && r[i]->low_freq_factor > 0 &&
		      r[i]->original_max_position_embeddings >= 1))
			return gk_error_set(err, GK_EDATA,
				"%s: llama3 rope_scaling needs high_freq_factor > low_freq_factor > 0 and "
				"original_max_position_embeddings >= 1", file);
	}
	if (!(c->attn_scale > 0 && isfinite(c->attn_scale)))
		return gk_error_set(err, GK_EDATA, "%s: attention scale must be positive", file);
	if (!(c->attn_softcap >= 0 && c->final_softcap >= 0 && isfinite(c->attn_softcap) &&
	      isfinite(c->final_softcap)))
		return gk_error_set(err, GK_EDATA, "%s: soft-capping values must be >= 0", file);
	return 0;
}

/* Read `rope_scaling` (or null) into r; theta is already set. */
static int read_rope_scaling(gk_lm_rope *r, const json_t *j, const char *file, gk_error *err)
{
	const json_t *s = json_object_get(j, "rope_scaling");
	const char *type;
	int rc;

	r->scaling = GK_LM_ROPE_DEFAULT;
	r->factor = 1;
	if (!s || json_is_null(s))
		return 0;
	if (!json_is_object(s))
		return gk_error_set(err, GK_EDATA, "%s: \"rope_scaling\" is not an object", file);
	/* transformers reads "rope_type", older configs say "type" */
	if ((rc = gk_json_get_string(s, "rope_type", NULL, &type, file, err)) < 0)
		return rc;
	if (!type && (rc = gk_json_get_string(s, "type", "default", &type, file, err)) < 0)
		return rc;
	if (strcmp(type, "default") == 0)
		return 0;
	if ((rc = gk_json_get_double(s, "factor", 1, -HUGE_VAL, HUGE_VAL, &r->factor, file, err)) < 0)
		return rc;
	if (strcmp(type, "linear") == 0) {
		r->scaling = GK_LM_ROPE_LINEAR;
		return 0;
	}
	if (strcmp(type, "llama3") == 0) {
		r->scaling = GK_LM_ROPE_LLAMA3;
		if ((rc = gk_json_get_double(s, "low_freq_factor", 1, -HUGE_VAL, HUGE_VAL,
				&r->low_freq_factor, file, err)) < 0 ||
		    (rc = gk_json_get_double(s, "high_freq_factor", 4, -HUGE_VAL, HUGE_VAL,
				&r->high_freq_factor, file, err)) < 0 ||
		    (rc = gk_json_get_double(s, "original_max_position_embeddings", 8192, -HUGE_VAL,
				HUGE_VAL, &r->original_max_position_embeddings, file, err)) < 0)
			return rc;
		return 0;
	}
	return gk_error_set(err, GK_EDATA,
		"%s: rope_scaling type \"%s\" is not supported (supported: default, linear, llama3)", file, type);
}

/* Which layers use the sliding window: "layer_types" when given, else
 * Gemma 3's sliding_window_pattern (every pattern-th layer is global). */
static int read_layer_types(gk_lm_config *c, const json_t *j, const char *file, gk_error *err)
{
	const json_t *lt = json_object_get(j, "layer_types");
	int rc;

	if (lt && !json_is_null(lt)) {
		if (!json_is_array(lt) || json_array_size(lt) != (size_t)c->num_hidden_layers)
			return gk_error_set(err, GK_EDATA,
				"%s: \"layer_types\" must be an array of num_hidden_layers (%d) strings",
				file, c->num_hidden_layers);
		for (int i = 0; i < c->num_hidden_layers; i++) {
			const char *s = json_string_value(json_array_get(lt, (size_t)i));
			if (s && strcmp(s, "sliding_attention") == 0)
				c->layer_sliding[i] = true;
			else if (s && strcmp(s, "full_attention") == 0)
				c->layer_sliding[i] = false;
			else
				return gk_error_set(err, GK_EDATA,
					"%s: layer_types[%d] is not \"sliding_attention\" or \"full_attention\"",
					file, i);
		}
		return 0;
	}
	int64_t pattern;
	if ((rc = gk_json_get_int(j, "sliding_window_pattern", 6, 1, 1 << 20, &pattern, file, err)) < 0)
		return rc;
	for (int i = 0; i < c->num_hidden_layers; i++)
		c->layer_sliding[i] = ((i + 1) % pattern) != 0;
	return 0;
}

int gk_lm_config_from_json(gk_lm_config *c, const json_t *j, const char *file, gk_error *err)
{
	const char *s;
	int rc;

	memset(c, 0, sizeof *c);
	if (!json_is_object(j))
		return gk_error_set(err, GK_EDATA, "%s: not a JSON object", file);
	if ((rc = gk_json_get_string(j, "model_type", NULL, &s, file, err)) < 0)
		return rc;
	if (!s)
		return gk_error_set(err, GK_EDATA, "%s: no \"model_type\"", file);
	c->weight_prefix = "model.";
	if (strcmp(s, "gemma3") == 0) {
		/* Gemma3ForConditionalGeneration: the text model's config is nested
		 * and its weights live under language_model. */
		const json_t *t = json_object_get(j, "text_config");
		if (!json_is_object(t))
			return gk_error_set(err, GK_EDATA, "%s: model_type gemma3 without a text_config object", file);
		j = t;
		c->weight_prefix = "language_model.model.";
		s = "gemma3_text";
	}
	if (strcmp(s, "llama") == 0)
		c->family = GK_LM_FAMILY_LLAMA;
	else if (strcmp(s, "qwen2") == 0)
		c->family = GK_LM_FAMILY_QWEN2;
	else if (strcmp(s, "qwen3") == 0)
		c->family = GK_LM_FAMILY_QWEN3;
	else if (strcmp(s, "gemma3_text") == 0)
		c->family = GK_LM_FAMILY_GEMMA3;
	else
		return gk_error_set(err, GK_EDATA,
			"%s: model_type \"%s\" is not supported (supported: llama, qwen2, qwen3, gemma3_text, gemma3)",
			file, s);
	bool gemma = c->family == GK_LM_FAMILY_GEMMA3;

	/* Defaults of each family's config class. */
	int64_t def_vocab = 32000, def_hidden = 4096, def_inter = 11008, def_layers = 32, def_heads = 32,
		def_maxpos = 2048;
	double def_eps = 1e-6, def_theta = 10000;
	int def_tie = 0;
	if (c->family == GK_LM_FAMILY_QWEN2 || c->family == GK_LM_FAMILY_QWEN3)
		def_vocab = 151936, def_inter = 22016, def_maxpos = 32768;
	if (gemma)
		def_vocab = 262208, def_hidden = 2304, def_inter = 9216, def_layers = 26, def_heads = 8,
		def_maxpos = 131072, def_theta = 1000000, def_tie = 1;

	int64_t v;
	struct { const char *key; int64_t def; int *out; } ints[] = {
		{"vocab_size", def_vocab, &c->vocab_size},
		{"hidden_size", def_hidden, &c->hidden_size},
		{"intermediate_size", def_inter, &c->intermediate_size},
		{"num_hidden_layers", def_layers, &c->num_hidden_layers},
		{"num_attention_heads", def_heads, &c->num_attention_heads},
		{"max_position_embeddings", def_maxpos, &c->max_position_embeddings},
	};
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		if ((rc = gk_json_get_int(j, ints[i].key, ints[i].def, INT32_MIN, INT32_MAX, &v, file, err)) < 0)
			return rc;
		*ints[i].out = (int)v;
	}
	if (c->num_attention_heads <= 0 || c->num_hidden_layers <= 0 ||
	    c->num_hidden_layers > GK_LM_MAX_LAYERS)
		return gk_lm_config_validate(c, file, err); /* reports the bad value */
	if ((rc = gk_json_get_int(j, "num_key_value_heads", gemma ? 4 : c->num_attention_heads,
			INT32_MIN, INT32_MAX, &v, file, err)) < 0)
		return rc;
	c->num_key_value_heads = (int)v;
	/* Llama and Qwen2 derive head_dim; Qwen3 and Gemma 3 default to their own. */
	int64_t def_hd = c->family == GK_LM_FAMILY_QWEN3 ? 128 : gemma ? 256 :
		c->hidden_size / c->num_attention_heads;
	if ((rc = gk_json_get_int(j, "head_dim", def_hd, INT32_MIN, INT32_MAX, &v, file, err)) < 0)
		return rc;
	c->head_dim = (int)v;

	double d;
	if ((rc = gk_json_get_double(j, "rms_norm_eps", def_eps, -HUGE_VAL, HUGE_VAL, &d, file, err)) < 0)
		return rc;
	c->rms_norm_eps = (float)d;
	/* Gemma names its activation hidden_activation. */
	const char *act_key = gemma ? "hidden_activation" : "hidden_act";
	if ((rc = gk_json_get_string(j, act_key, gemma ? "gelu_pytorch_tanh" : "silu", &s, file, err)) < 0)
		return rc;
	if (strcmp(s, "silu") == 0 || strcmp(s, "swish") == 0)
		c->act = GK_LM_ACT_SILU;
	else if (strcmp(s, "gelu_pytorch_tanh") == 0 || strcmp(s, "gelu_new") == 0)
		c->act = GK_LM_ACT_GELU_TANH;
	else if (strcmp(s, "gelu") == 0)
		c->act = GK_LM_ACT_GELU;
	else
		return gk_error_set(err, GK_EDATA,
			"%s: %s \"%s\" is not supported (supported: silu, gelu_pytorch_tanh, gelu_new, gelu)",
			file, act_key, s);

	int b;
	if ((rc = gk_json_get_bool(j, "tie_word_embeddings", def_tie, &b, file, err)) < 0)
		return rc;
	c->tie_word_embeddings = b;
	int attention_bias, mlp_bias;
	if ((rc = gk_json_get_bool(j, "attention_bias", 0, &attention_bias, file, err)) < 0 ||
	    (rc = gk_json_get_bool(j, "mlp_bias", 0, &mlp_bias, file, err)) < 0)
		return rc;
	/* Qwen2 always has q/k/v biases and never an o_proj bias; Llama and
	 * Qwen3 put attention_bias on all four projections. */
	c->qkv_bias = c->family == GK_LM_FAMILY_QWEN2 || attention_bias;
	c->o_bias = c->family != GK_LM_FAMILY_QWEN2 && attention_bias;
	c->mlp_bias = c->family == GK_LM_FAMILY_LLAMA && mlp_bias;
	c->qk_norm = c->family == GK_LM_FAMILY_QWEN3 || gemma;
	c->norm_plus_one = c->sandwich_norm = c->embed_scale = gemma;

	if ((rc = gk_json_get_double(j, "rope_theta", def_theta, -HUGE_VAL, HUGE_VAL,
			&c->rope.theta, file, err)) < 0 ||
	    (rc = read_rope_scaling(&c->rope, j, file, err)) < 0)
		return rc;
	c->rope_local = c->rope;

	c->attn_scale = (float)(1.0 / sqrt((double)c->head_dim));
	if (c->family == GK_LM_FAMILY_QWEN2) {
		if ((rc = gk_json_get_bool(j, "use_sliding_window", 0, &b, file, err)) < 0)
			return rc;
		if (b)
			return gk_error_set(err, GK_EDATA, "%s: use_sliding_window true is not supported", file);
	}
	if (gemma) {
		int64_t w;
		double qs;
		if ((rc = gk_json_get_double(j, "query_pre_attn_scalar", 256, -HUGE_VAL, HUGE_VAL,
				&qs, file, err)) < 0)
			return rc;
		if (!(qs > 0))
			return gk_error_set(err, GK_EDATA, "%s: query_pre_attn_scalar must be positive", file);
		c->attn_scale = (float)(1.0 / sqrt(qs));
		if ((rc = gk_json_get_double(j, "rope_local_base_freq", 10000, -HUGE_VAL, HUGE_VAL,
				&c->rope_local.theta, file, err)) < 0)
			return rc;
		c->rope_local.scaling = GK_LM_ROPE_DEFAULT; /* local layers are never scaled */
		c->rope_local.factor = 1;
		if ((rc = gk_json_get_int(j, "sliding_window", 4096, INT32_MIN, INT32_MAX, &w, file, err)) < 0)
			return rc;
		c->sliding_window = (int)w;
		double cap;
		if ((rc = gk_json_get_double(j, "final_logit_softcapping", 0, -HUGE_VAL, HUGE_VAL,
				&cap, file, err)) < 0)
			return rc;
		c->final_softcap = (float)cap;
		if ((rc = gk_json_get_double(j, "attn_logit_softcapping", 0, -HUGE_VAL, HUGE_VAL,
				&cap, file, err)) < 0)
			return rc;
		c->attn_softcap = (float)cap;
		if ((rc = gk_json_get_bool(j, "use_bidirectional_attention", 0, &b, file, err)) < 0)
			return rc;
		c->bidirectional = b;
		if ((rc = read_layer_types(c, j, file, err)) < 0)
			return rc;
		if (c->sliding_window == 0)
			for (int i = 0; i < c->num_hidden_layers; i++)
				c->layer_sliding[i] = false;
	}
	return gk_lm_config_validate(c, file, err);
}

int gk_lm_config_load(gk_lm_config *cfg, const char *dir, gk_error *err)
{
	char *path = gk_path_join(dir, "config.json");
	if (!path)
		return gk_error_nomem(err);
	json_t *j = gk_json_load_file(path, path, err);
	int rc = j ? gk_lm_config_from_json(cfg, j, path, err) : (err ? err->code : GK_EDATA);
	json_decref(j);
	free(path);
	return rc;
}

/*
 * bert_config.c - parse and validate a BertModel config.json.
 * Defaults are BertConfig's (transformers), so a minimal config works as in
 * HF.  Fields that do not change the forward pass (dropout, pad_token_id,
 * torch_dtype, ...) are ignored, not checked.
 */
#include "bert_config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"

int gk_act_from_name(const char *s)
{
	static const struct { const char *name; gk_act act; } acts[] = {
		{"gelu", GK_ACT_GELU},
		{"torch.nn.modules.activation.GELU", GK_ACT_GELU},
		{"gelu_new", GK_ACT_GELU_TANH},
		{"gelu_pytorch_tanh", GK_ACT_GELU_TANH},
		{"relu", GK_ACT_RELU},
		{"torch.nn.modules.activation.ReLU", GK_ACT_RELU},
		{"tanh", GK_ACT_TANH},
		{"torch.nn.modules.activation.Tanh", GK_ACT_TANH},
		{"identity", GK_ACT_IDENTITY},
		{"torch.nn.modules.linear.Identity", GK_ACT_IDENTITY},
	};
	for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++)
		if (strcmp(s, acts[i].name) == 0)
			return (int)acts[i].act;
	return -1;
}

const char *gk_act_name(gk_act a)
{
	switch (a) {
	case GK_ACT_GELU: return "gelu";
	case GK_ACT_GELU_TANH: return "gelu_pytorch_tanh";
	case GK_ACT_RELU: return "relu";
	case GK_ACT_TANH: return "tanh";
	default: return "identity";
	}
}

int gk_bert_config_validate(const gk_bert_config *c, const char *file, gk_error *err)
{
	/* Bounds well above any real BERT, low enough that sizes cannot overflow. */
	struct { const char *name; int v, lo, hi; } f[] = {
		{"vocab_size", c->vocab_size, 1, 1 << 24},
		{"hidden_size", c->hidden_size, 1, 1 << 16},
		{"num_hidden_layers", c->num_hidden_layers, 1, 1024},
		{"num_attention_heads", c->num_attention_heads, 1, 1024},
		{"intermediate_size", c->intermediate_size, 1, 1 << 18},
		{"max_position_embeddings", c->max_position_embeddings, 1, 1 << 20},
		{"type_vocab_size", c->type_vocab_size, 1, 1024},
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (f[i].v < f[i].lo || f[i].v > f[i].hi)
			return gk_error_set(err, GK_EDATA, "%s: \"%s\" is %d, must be in [%d, %d]",
				file, f[i].name, f[i].v, f[i].lo, f[i].hi);
	if (c->hidden_size % c->num_attention_heads)
		return gk_error_set(err, GK_EDATA,
			"%s: hidden_size %d is not a multiple of num_attention_heads %d",
			file, c->hidden_size, c->num_attention_heads);
	if (c->head_dim != c->hidden_size / c->num_attention_heads)
		return gk_error_set(err, GK_EDATA, "%s: head_dim inconsistent", file);
	if (!(c->layer_norm_eps > 0 && c->layer_norm_eps < 1))
		return gk_error_set(err, GK_EDATA, "%s: \"layer_norm_eps\" is %g, must be in (0, 1)",
			file, (double)c->layer_norm_eps);
	return 0;
}

int gk_bert_config_from_json(gk_bert_config *c, const json_t *j, const char *file, gk_error *err)
{
	int64_t v[7];
	const char *s;
	double eps;
	int rc;

	memset(c, 0, sizeof *c);
	if (!json_is_object(j))
		return gk_error_set(err, GK_EDATA, "%s: not a JSON object", file);
	if ((rc = gk_json_get_string(j, "model_type", "bert", &s, file, err)) < 0)
		return rc;
	if (strcmp(s, "bert") != 0)
		return gk_error_set(err, GK_EDATA,
			"%s: model_type \"%s\" is not supported (supported: bert)", file, s);
	if ((rc = gk_json_get_string(j, "position_embedding_type", "absolute", &s, file, err)) < 0)
		return rc;
	if (strcmp(s, "absolute") != 0)
		return gk_error_set(err, GK_EDATA,
			"%s: position_embedding_type \"%s\" is not supported (supported: absolute)", file, s);
	if ((rc = gk_json_get_string(j, "hidden_act", "gelu", &s, file, err)) < 0)
		return rc;
	int act = gk_act_from_name(s);
	if (act != GK_ACT_GELU && act != GK_ACT_GELU_TANH && act != GK_ACT_RELU)
		return gk_error_set(err, GK_EDATA,
			"%s: hidden_act \"%s\" is not supported (supported: gelu, gelu_new, gelu_pytorch_tanh, relu)",
			file, s);
	c->hidden_act = (gk_act)act;

	static const char *keys[7] = {"vocab_size", "hidden_size", "num_hidden_layers",
		"num_attention_heads", "intermediate_size", "max_position_embeddings", "type_vocab_size"};
	static const int64_t defs[7] = {30522, 768, 12, 12, 3072, 512, 2};
	for (int i = 0; i < 7; i++)
		if ((rc = gk_json_get_int(j, keys[i], defs[i], INT32_MIN, INT32_MAX, &v[i], file, err)) < 0)
			return rc;
	c->vocab_size = (int)v[0];
	c->hidden_size = (int)v[1];
	c->num_hidden_layers = (int)v[2];
	c->num_attention_heads = (int)v[3];
	c->intermediate_size = (int)v[4];
	c->max_position_embeddings = (int)v[5];
	c->type_vocab_size = (int)v[6];
	if ((rc = gk_json_get_double(j, "layer_norm_eps", 1e-12, -HUGE_VAL, HUGE_VAL, &eps, file, err)) < 0)
		return rc;
	c->layer_norm_eps = (float)eps;
	c->head_dim = c->num_attention_heads > 0 ? c->hidden_size / c->num_attention_heads : 0;
	return gk_bert_config_validate(c, file, err);
}

int gk_bert_config_load(gk_bert_config *cfg, const char *dir, gk_error *err)
{
	char *path = gk_path_join(dir, "config.json");
	if (!path)
		return gk_error_nomem(err);
	/* messages name the whole path: the user may have several models */
	json_t *j = gk_json_load_file(path, path, err);
	int rc = j ? gk_bert_config_from_json(cfg, j, path, err) : (err ? err->code : GK_EDATA);
	json_decref(j);
	free(path);
	return rc;
}

/*
 * st_config.c - sentence_bert_config.json and config_sentence_transformers.json
 * (see st_config.h).
 */
#include "st_config.h"

#include <stdlib.h>
#include <string.h>

#include "json_util.h"

static json_t *load_optional(const char *dir, const char *name, int *rc, gk_error *err)
{
	char *path = gk_path_join(dir, name);
	json_t *j = NULL;

	*rc = 0;
	if (!path) {
		*rc = gk_error_nomem(err);
		return NULL;
	}
	if (gk_file_exists(path) && !(j = gk_json_load_file(path, path, err)))
		*rc = err->code;
	else if (j && !json_is_object(j))
		*rc = gk_error_set(err, GK_EDATA, "%s: not a JSON object", path);
	free(path);
	return j;
}

int gk_st_config_load(gk_st_config *cfg, const char *dir, gk_error *err)
{
	json_t *bert, *st, *prompts;
	int64_t max_len = 0;
	int rc;

	memset(cfg, 0, sizeof *cfg);
	bert = load_optional(dir, "sentence_bert_config.json", &rc, err);
	if (rc == 0 && bert)
		rc = gk_json_get_int(bert, "max_seq_length", 0, 0, 1 << 24, &max_len, "sentence_bert_config.json", err);
	cfg->max_seq_length = (size_t)max_len;
	json_decref(bert);
	if (rc < 0)
		return rc;

	st = load_optional(dir, "config_sentence_transformers.json", &rc, err);
	if (rc < 0 || !st)
		return rc;
	prompts = json_object_get(st, "prompts");
	if (json_is_object(prompts)) {
		const char *key;
		json_t *v;

		cfg->prompts = calloc(json_object_size(prompts) + 1, sizeof *cfg->prompts);
		if (!cfg->prompts)
			rc = gk_error_nomem(err);
		json_object_foreach(prompts, key, v) {
			if (rc < 0)
				break;
			if (!json_is_string(v)) {
				rc = gk_error_set(err, GK_EDATA, "config_sentence_transformers.json: prompt '%s' is not a string", key);
				break;
			}
			gk_st_prompt *p = &cfg->prompts[cfg->n_prompts++];
			if (!(p->name = strdup(key)) || !(p->text = strdup(json_string_value(v))))
				rc = gk_error_nomem(err);
		}
	}
	const char *def = json_string_value(json_object_get(st, "default_prompt_name"));
	if (rc == 0 && def && !(cfg->default_prompt_name = strdup(def)))
		rc = gk_error_nomem(err);
	json_decref(st);
	if (rc < 0)
		gk_st_config_clear(cfg);
	return rc;
}

void gk_st_config_clear(gk_st_config *cfg)
{
	for (size_t i = 0; i < cfg->n_prompts; i++) {
		free(cfg->prompts[i].name);
		free(cfg->prompts[i].text);
	}
	free(cfg->prompts);
	free(cfg->default_prompt_name);
	memset(cfg, 0, sizeof *cfg);
}

const char *gk_st_config_prompt(const gk_st_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_prompts; i++)
		if (strcmp(cfg->prompts[i].name, name) == 0)
			return cfg->prompts[i].text;
	return NULL;
}

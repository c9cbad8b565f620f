/*
 * encoder.c - pick the forward pass of a model directory, and run a
 * decoder LM over gk-encode's token batches.  Glue: the passes themselves
 * are bert.c and lm.c.
 */
#include "encoder.h"

#include <stdlib.h>
#include <string.h>

#include "json_util.h"

int gk_encoder_kind_of(const char *dir, gk_encoder_kind *kind, gk_error *err)
{
	static const char *const lm_types[] = {"gemma3_text", "gemma3", "qwen3", "qwen2", "llama"};
	char *path = gk_path_join(dir, "config.json");
	const char *type;
	int rc;

	if (!path)
		return gk_error_nomem(err);
	json_t *j = gk_json_load_file(path, NULL, err);
	if (!j) {
		free(path);
		return err->code;
	}
	rc = gk_json_get_string(j, "model_type", "bert", &type, path, err);
	if (rc == 0) {
		rc = GK_EDATA;
		if (strcmp(type, "bert") == 0) {
			*kind = GK_ENCODER_BERT;
			rc = 0;
		}
		for (size_t i = 0; rc < 0 && i < sizeof lm_types / sizeof *lm_types; i++)
			if (strcmp(type, lm_types[i]) == 0) {
				*kind = GK_ENCODER_LM;
				rc = 0;
			}
		if (rc < 0)
			gk_error_set(err, GK_EDATA, "%s: model_type \"%s\" is not supported "
				"(supported: bert; gemma3_text, qwen3, qwen2, llama as encoders)", path, type);
	}
	json_decref(j);
	free(path);
	return rc;
}

int gk_lm_encode(const gk_lm *lm, const gk_sequence *seqs, size_t n, float *out,
	const gk_lm_run *run, gk_error *err)
{
	if (n > SIZE_MAX / sizeof(gk_lm_seq))
		return gk_error_set(err, GK_EDATA, "batch of %zu sequences is too large", n);
	gk_lm_seq *ls = calloc(n ? n : 1, sizeof *ls);
	if (!ls)
		return gk_error_nomem(err);
	for (size_t s = 0; s < n; s++) {
		if (seqs[s].type_ids) {
			free(ls);
			return gk_error_set(err, GK_EDATA, "sequence %zu has token type ids, which a decoder LM does not take", s);
		}
		ls[s] = (gk_lm_seq){.ids = seqs[s].ids, .len = seqs[s].len, .score_from = seqs[s].len};
	}
	int rc = gk_lm_hidden(lm, ls, n, out, run, err);
	free(ls);
	return rc;
}

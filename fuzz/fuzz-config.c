/*
 * fuzz-config.c - config.json of both model kinds on arbitrary bytes: the
 * BERT encoder's and the decoder LMs' parsers and validators.
 */
#include "fuzz-util.h"

#include <jansson.h>

#include "bert_config.h"
#include "lm_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *j = json_loadb((const char *)data, size, 0, &jerr);
	gk_bert_config bert;
	gk_lm_config lm;
	gk_error err = { 0 };

	if (!j)
		return 0;
	gk_bert_config_from_json(&bert, j, "config.json", &err);
	if (gk_lm_config_from_json(&lm, j, "config.json", &err) == 0)
		gk_lm_config_validate(&lm, "config.json", &err);
	json_decref(j);
	return 0;
}

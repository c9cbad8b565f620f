/*
 * st_config.h - the parts of a sentence-transformers model directory that
 * shape the text before it is tokenized: max_seq_length from
 * sentence_bert_config.json, and the named prompts of
 * config_sentence_transformers.json ("query": "task: search result |
 * query: ", ...).  Both files are optional.
 */
#ifndef GK_ST_CONFIG_H
#define GK_ST_CONFIG_H

#include <stddef.h>

#include "error.h"

typedef struct gk_st_prompt {
	char *name, *text;
} gk_st_prompt;

typedef struct gk_st_config {
	size_t max_seq_length;     /* 0 when not given */
	gk_st_prompt *prompts;     /* (n_prompts) owned */
	size_t n_prompts;
	char *default_prompt_name; /* NULL when none */
} gk_st_config;

/* Read the files in dir (missing files leave defaults).  Caller frees with
 * gk_st_config_clear.  GK_EDATA for a malformed file, GK_ENOMEM. */
int gk_st_config_load(gk_st_config *cfg, const char *dir, gk_error *err);
void gk_st_config_clear(gk_st_config *cfg);

/* The prompt text of name, or NULL. */
const char *gk_st_config_prompt(const gk_st_config *cfg, const char *name);

#endif

/*
 * passages.h - a corpus held in memory by id, for gk-relabel: the texts of
 * the passages that gk-knn's hits name.  Loaded from anything a
 * gk_record_source reads (BEIR corpus.jsonl, JSON lines, archives, a stream).
 */
#ifndef GK_PASSAGES_H
#define GK_PASSAGES_H

#include <stddef.h>

#include "error.h"
#include "input.h"

typedef struct gk_passages gk_passages;

typedef struct gk_passage {
	const char *id, *title, *text; /* NUL-terminated; title "" when none */
} gk_passage;

/* Load every record of path (ids must be unique: a repeated id is an
 * error naming both places).  opt is for gk_input (may be NULL). */
int gk_passages_load(gk_passages **out, const char *path, const gk_input_options *opt, gk_error *err);
void gk_passages_free(gk_passages *p);

size_t gk_passages_count(const gk_passages *p);
/* The passage with that id, or NULL.  Borrowed until gk_passages_free. */
const gk_passage *gk_passages_find(const gk_passages *p, const char *id, size_t len);

#endif

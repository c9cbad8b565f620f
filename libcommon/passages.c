/*
 * passages.c - the passage table (see passages.h): strings in one arena
 * each, an id -> index hash map (the tokenizer's string map, which fits:
 * insert-only, text keys).
 */
#include "passages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record_source.h"
#include "tok_map.h"

struct gk_passages {
	gk_passage *items; /* (n) strings point into each item's own allocation */
	size_t n, cap;
	gk_tok_strmap index;
};

static char *dup_field(const gk_record *rec, const char *key)
{
	const char *s = "";
	size_t len = 0;
	char *out;

	gk_record_get_str(rec, key, &s, &len);
	if ((out = malloc(len + 1))) {
		memcpy(out, s, len);
		out[len] = '\0';
	}
	return out;
}

static int add(gk_passages *p, const gk_record *rec, gk_error *err)
{
	gk_passage item;
	uint32_t off;
	int rc;

	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 1024;
		gk_passage *items = realloc(p->items, cap * sizeof *items);
		if (!items)
			return gk_error_nomem(err);
		p->items = items;
		p->cap = cap;
	}
	item.id = dup_field(rec, "id");
	item.title = dup_field(rec, "title");
	item.text = dup_field(rec, "text");
	if (!item.id || !item.title || !item.text) {
		free((char *)item.id);
		free((char *)item.title);
		free((char *)item.text);
		return gk_error_nomem(err);
	}
	p->items[p->n] = item;
	rc = gk_tok_strmap_put(&p->index, item.id, strlen(item.id), (int32_t)p->n, &off);
	if (rc < 0) {
		free((char *)item.id);
		free((char *)item.title);
		free((char *)item.text);
		return gk_error_nomem(err);
	}
	p->n++;
	if (rc == 1)
		return gk_error_set(err, GK_EDATA, "passage id '%s' appears twice", item.id);
	return 0;
}

int gk_passages_load(gk_passages **out, const char *path, const gk_input_options *opt, gk_error *err)
{
	gk_passages *p = calloc(1, sizeof *p);
	gk_record_source src;
	gk_record *rec;
	int rc;

	*out = NULL;
	if (!p)
		return gk_error_nomem(err);
	rc = gk_record_source_open(&src, path, opt, err);
	while (rc == 0 && (rc = gk_record_source_next(&src, &rec, err)) == 1) {
		if (!gk_record_get(rec, "id") || !gk_record_get(rec, "text"))
			rc = gk_error_set(err, GK_EDATA, "a passage needs an \"id\" and a \"text\"");
		else
			rc = add(p, rec, err);
		gk_record_free(rec);
		if (rc < 0) {
			char where[512];
			gk_record_source_where(&src, where, sizeof where);
			gk_error_prefix(err, "%s", where);
		} else if (p->n > INT32_MAX - 1) {
			rc = gk_error_set(err, GK_EDATA, "%s: more than 2^31 passages", path);
		}
	}
	gk_record_source_close(&src);
	if (rc < 0) {
		gk_passages_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void gk_passages_free(gk_passages *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free((char *)p->items[i].id);
		free((char *)p->items[i].title);
		free((char *)p->items[i].text);
	}
	free(p->items);
	gk_tok_strmap_free(&p->index);
	free(p);
}

size_t gk_passages_count(const gk_passages *p)
{
	return p->n;
}

const gk_passage *gk_passages_find(const gk_passages *p, const char *id, size_t len)
{
	int32_t i = gk_tok_strmap_get(&p->index, id, len);

	return i < 0 ? NULL : &p->items[i];
}

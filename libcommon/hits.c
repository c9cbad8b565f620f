/*
 * hits.c - reading, writing and merging lists of hits (hits.h).
 */
#include <stdlib.h>
#include <string.h>

#include "hits.h"

int gk_hits_get(const gk_record *rec, gk_hit **out, size_t *n, gk_error *err)
{
	const msgpack_object *a = gk_record_get(rec, "hits");
	gk_hit *h;

	*out = NULL;
	*n = 0;
	if (!a || a->type != MSGPACK_OBJECT_ARRAY)
		return gk_error_set(err, GK_EDATA, "\"hits\" is missing or not an array");
	h = malloc((a->via.array.size ? a->via.array.size : 1) * sizeof *h);
	if (!h)
		return gk_error_nomem(err);
	for (uint32_t i = 0; i < a->via.array.size; i++) {
		const msgpack_object *m = &a->via.array.ptr[i];
		bool id = false, score = false;

		if (m->type != MSGPACK_OBJECT_MAP) {
			free(h);
			return gk_error_set(err, GK_EDATA, "\"hits\"[%u] is not a map", i);
		}
		for (uint32_t j = 0; j < m->via.map.size; j++) {
			const msgpack_object_kv *kv = &m->via.map.ptr[j];
			if (gk_object_str_eq(&kv->key, "id") && kv->val.type == MSGPACK_OBJECT_STR) {
				h[i].id = kv->val.via.str.ptr;
				h[i].id_len = kv->val.via.str.size;
				id = true;
			} else if (gk_object_str_eq(&kv->key, "score")
				   && (kv->val.type == MSGPACK_OBJECT_FLOAT64 || kv->val.type == MSGPACK_OBJECT_FLOAT32)) {
				h[i].score = kv->val.via.f64;
				score = true;
			}
		}
		if (!id || !score) {
			free(h);
			return gk_error_set(err, GK_EDATA, "\"hits\"[%u] needs a string \"id\" and a float \"score\"", i);
		}
	}
	*out = h;
	*n = a->via.array.size;
	return 0;
}

int gk_hits_set(gk_record *rec, const gk_hit *h, size_t n)
{
	msgpack_object arr = { .type = MSGPACK_OBJECT_ARRAY };
	msgpack_object *items;
	msgpack_object_kv *kv;
	int rc;

	if (n > UINT32_MAX)
		return GK_ENOMEM;
	items = calloc(n ? n : 1, sizeof *items);
	kv = calloc(2 * (n ? n : 1), sizeof *kv);
	if (!items || !kv) {
		free(items);
		free(kv);
		return GK_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		if (h[i].id_len > UINT32_MAX) {
			free(items);
			free(kv);
			return GK_ENOMEM;
		}
		kv[2 * i].key = (msgpack_object){ .type = MSGPACK_OBJECT_STR, .via.str = { 2, "id" } };
		kv[2 * i].val = (msgpack_object){ .type = MSGPACK_OBJECT_STR,
			.via.str = { (uint32_t)h[i].id_len, h[i].id } };
		kv[2 * i + 1].key = (msgpack_object){ .type = MSGPACK_OBJECT_STR, .via.str = { 5, "score" } };
		kv[2 * i + 1].val = (msgpack_object){ .type = MSGPACK_OBJECT_FLOAT64, .via.f64 = h[i].score };
		items[i] = (msgpack_object){ .type = MSGPACK_OBJECT_MAP, .via.map = { 2, &kv[2 * i] } };
	}
	arr.via.array.size = (uint32_t)n;
	arr.via.array.ptr = items;
	/* the record deep-copies the value into its own memory */
	rc = gk_record_set_object(rec, "hits", &arr);
	free(items);
	free(kv);
	return rc;
}

long gk_hits_merge(gk_hit *const *lists, const size_t *n, size_t nlists, size_t k, gk_hit *out)
{
	size_t *pos = calloc(nlists ? nlists : 1, sizeof *pos), got = 0;

	if (!pos)
		return -1;
	/* a k-way merge: take the best head each time (the lists are sorted) */
	while (got < k) {
		size_t best = nlists;
		for (size_t l = 0; l < nlists; l++)
			if (pos[l] < n[l] && (best == nlists || lists[l][pos[l]].score > lists[best][pos[best]].score))
				best = l;
		if (best == nlists)
			break;
		gk_hit h = lists[best][pos[best]++];
		bool seen = false;
		for (size_t i = 0; i < got && !seen; i++)
			seen = out[i].id_len == h.id_len && memcmp(out[i].id, h.id, h.id_len) == 0;
		if (!seen)
			out[got++] = h;
	}
	free(pos);
	return (long)got;
}

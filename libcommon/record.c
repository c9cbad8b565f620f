/*
 * record.c - the gk_record: fields as msgpack-c objects in a per-record
 * zone, so a record that is read, edited and written back keeps every field
 * it was not asked to change.
 */
#include "record.h"

#include <stdlib.h>
#include <string.h>

struct gk_record {
	msgpack_zone *zone;      /* owns keys, values and any bytes they point to */
	msgpack_object_kv *kv;   /* (n) fields in order; array malloc'd, not in the zone */
	size_t n, cap;
};

enum { ZONE_CHUNK = 4096 };

gk_record *gk_record_new(void)
{
	gk_record *rec = calloc(1, sizeof *rec);

	if (!rec)
		return NULL;
	rec->zone = msgpack_zone_new(ZONE_CHUNK);
	if (!rec->zone) {
		free(rec);
		return NULL;
	}
	return rec;
}

void gk_record_free(gk_record *rec)
{
	if (!rec)
		return;
	msgpack_zone_free(rec->zone);
	free(rec->kv);
	free(rec);
}

void *gk_record_alloc(gk_record *rec, size_t size)
{
	return msgpack_zone_malloc(rec->zone, size ? size : 1);
}

static int reserve_fields(gk_record *rec, size_t n)
{
	msgpack_object_kv *kv;
	size_t cap;

	if (n <= rec->cap)
		return 0;
	cap = rec->cap ? rec->cap * 2 : 8;
	while (cap < n)
		cap *= 2;
	kv = realloc(rec->kv, cap * sizeof *kv);
	if (!kv)
		return GK_ENOMEM;
	rec->kv = kv;
	rec->cap = cap;
	return 0;
}

int gk_record_parse(gk_record **out, const void *bytes, size_t len, gk_error *err)
{
	gk_record *rec;
	msgpack_object obj;
	size_t off = 0;
	char *copy;
	int rc;

	*out = NULL;
	rec = gk_record_new();
	if (!rec)
		return gk_error_nomem(err);
	/* msgpack_unpack leaves str and bin values pointing into its input, so
	 * the input lives in the record's zone with them. */
	copy = gk_record_alloc(rec, len);
	if (!copy) {
		gk_record_free(rec);
		return gk_error_nomem(err);
	}
	memcpy(copy, bytes, len);
	rc = msgpack_unpack(copy, len, &off, rec->zone, &obj);
	if (rc == MSGPACK_UNPACK_NOMEM_ERROR) {
		gk_record_free(rec);
		return gk_error_nomem(err);
	}
	if (rc != MSGPACK_UNPACK_SUCCESS) {
		gk_record_free(rec);
		return gk_error_set(err, GK_EDATA, rc == MSGPACK_UNPACK_EXTRA_BYTES
			? "bytes left over after the record" : "malformed MessagePack (or nested too deeply)");
	}
	if (obj.type != MSGPACK_OBJECT_MAP) {
		gk_record_free(rec);
		return gk_error_set(err, GK_EDATA, "a record must be a map, found a MessagePack %s",
			obj.type == MSGPACK_OBJECT_ARRAY ? "array" : "scalar");
	}
	if (reserve_fields(rec, obj.via.map.size) < 0) {
		gk_record_free(rec);
		return gk_error_nomem(err);
	}
	for (uint32_t i = 0; i < obj.via.map.size; i++) {
		if (obj.via.map.ptr[i].key.type != MSGPACK_OBJECT_STR) {
			gk_record_free(rec);
			return gk_error_set(err, GK_EDATA, "field %u of the record has a key that is not a string", i + 1);
		}
		rec->kv[i] = obj.via.map.ptr[i];
	}
	rec->n = obj.via.map.size;
	*out = rec;
	return 0;
}

size_t gk_record_count(const gk_record *rec)
{
	return rec->n;
}

const char *gk_record_key(const gk_record *rec, size_t i, size_t *len)
{
	if (len)
		*len = rec->kv[i].key.via.str.size;
	return rec->kv[i].key.via.str.ptr;
}

const msgpack_object *gk_record_value(const gk_record *rec, size_t i)
{
	return &rec->kv[i].val;
}

bool gk_object_str_eq(const msgpack_object *o, const char *s)
{
	size_t len = strlen(s);

	return o->type == MSGPACK_OBJECT_STR && o->via.str.size == len && memcmp(o->via.str.ptr, s, len) == 0;
}

static long find(const gk_record *rec, const char *key)
{
	for (size_t i = 0; i < rec->n; i++)
		if (gk_object_str_eq(&rec->kv[i].key, key))
			return (long)i;
	return -1;
}

const msgpack_object *gk_record_get(const gk_record *rec, const char *key)
{
	long i = find(rec, key);

	return i < 0 ? NULL : &rec->kv[i].val;
}

bool gk_record_get_str(const gk_record *rec, const char *key, const char **s, size_t *len)
{
	const msgpack_object *o = gk_record_get(rec, key);

	if (!o || o->type != MSGPACK_OBJECT_STR)
		return false;
	*s = o->via.str.ptr;
	if (len)
		*len = o->via.str.size;
	return true;
}

bool gk_record_get_int(const gk_record *rec, const char *key, int64_t *v)
{
	const msgpack_object *o = gk_record_get(rec, key);

	if (!o)
		return false;
	if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 <= INT64_MAX) {
		*v = (int64_t)o->via.u64;
		return true;
	}
	if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
		*v = o->via.i64;
		return true;
	}
	return false;
}

bool gk_record_get_double(const gk_record *rec, const char *key, double *v)
{
	const msgpack_object *o = gk_record_get(rec, key);

	if (!o)
		return false;
	switch (o->type) {
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64: *v = o->via.f64; return true;
	case MSGPACK_OBJECT_POSITIVE_INTEGER: *v = (double)o->via.u64; return true;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER: *v = (double)o->via.i64; return true;
	default: return false;
	}
}

bool gk_record_get_bool(const gk_record *rec, const char *key, bool *v)
{
	const msgpack_object *o = gk_record_get(rec, key);

	if (!o || o->type != MSGPACK_OBJECT_BOOLEAN)
		return false;
	*v = o->via.boolean;
	return true;
}

bool gk_record_get_bin(const gk_record *rec, const char *key, const void **p, size_t *len)
{
	const msgpack_object *o = gk_record_get(rec, key);

	if (!o || o->type != MSGPACK_OBJECT_BIN)
		return false;
	*p = o->via.bin.ptr;
	*len = o->via.bin.size;
	return true;
}

int gk_record_get_int32_array(const gk_record *rec, const char *key, int32_t **out, size_t *n)
{
	const msgpack_object *o = gk_record_get(rec, key);
	int32_t *v;

	*out = NULL;
	*n = 0;
	if (!o || o->type != MSGPACK_OBJECT_ARRAY)
		return GK_EDATA;
	if (o->via.array.size == 0)
		return 0;
	v = malloc(o->via.array.size * sizeof *v);
	if (!v)
		return GK_ENOMEM;
	for (uint32_t i = 0; i < o->via.array.size; i++) {
		const msgpack_object *e = &o->via.array.ptr[i];
		if (e->type == MSGPACK_OBJECT_POSITIVE_INTEGER && e->via.u64 <= INT32_MAX) {
			v[i] = (int32_t)e->via.u64;
		} else if (e->type == MSGPACK_OBJECT_NEGATIVE_INTEGER && e->via.i64 >= INT32_MIN) {
			v[i] = (int32_t)e->via.i64;
		} else {
			free(v);
			return GK_EDATA;
		}
	}
	*out = v;
	*n = o->via.array.size;
	return 0;
}

/* Store v (already living in the zone) under key, replacing or appending. */
static int put(gk_record *rec, const char *key, msgpack_object v)
{
	long i = find(rec, key);
	size_t len;
	char *k;

	if (i >= 0) {
		rec->kv[i].val = v;
		return 0;
	}
	if (reserve_fields(rec, rec->n + 1) < 0)
		return GK_ENOMEM;
	len = strlen(key);
	k = gk_record_alloc(rec, len);
	if (!k)
		return GK_ENOMEM;
	memcpy(k, key, len);
	rec->kv[rec->n].key.type = MSGPACK_OBJECT_STR;
	rec->kv[rec->n].key.via.str.ptr = k;
	rec->kv[rec->n].key.via.str.size = (uint32_t)len;
	rec->kv[rec->n].val = v;
	rec->n++;
	return 0;
}

static int copy_bytes(gk_record *rec, const void *p, size_t len, const char **out)
{
	char *dst;

	if (len > UINT32_MAX)
		return GK_ENOMEM;
	dst = gk_record_alloc(rec, len);
	if (!dst)
		return GK_ENOMEM;
	if (len)
		memcpy(dst, p, len);
	*out = dst;
	return 0;
}

int gk_record_set_str(gk_record *rec, const char *key, const char *s, size_t len)
{
	msgpack_object v = { .type = MSGPACK_OBJECT_STR };

	if (copy_bytes(rec, s, len, &v.via.str.ptr) < 0)
		return GK_ENOMEM;
	v.via.str.size = (uint32_t)len;
	return put(rec, key, v);
}

int gk_record_set_cstr(gk_record *rec, const char *key, const char *s)
{
	return gk_record_set_str(rec, key, s, strlen(s));
}

static msgpack_object int_object(int64_t v)
{
	msgpack_object o;

	if (v >= 0) {
		o.type = MSGPACK_OBJECT_POSITIVE_INTEGER;
		o.via.u64 = (uint64_t)v;
	} else {
		o.type = MSGPACK_OBJECT_NEGATIVE_INTEGER;
		o.via.i64 = v;
	}
	return o;
}

int gk_record_set_int(gk_record *rec, const char *key, int64_t v)
{
	return put(rec, key, int_object(v));
}

int gk_record_set_double(gk_record *rec, const char *key, double v)
{
	msgpack_object o = { .type = MSGPACK_OBJECT_FLOAT64, .via.f64 = v };

	return put(rec, key, o);
}

int gk_record_set_float(gk_record *rec, const char *key, float v)
{
	msgpack_object o = { .type = MSGPACK_OBJECT_FLOAT32, .via.f64 = v };

	return put(rec, key, o);
}

int gk_record_set_bool(gk_record *rec, const char *key, bool v)
{
	msgpack_object o = { .type = MSGPACK_OBJECT_BOOLEAN, .via.boolean = v };

	return put(rec, key, o);
}

int gk_record_set_nil(gk_record *rec, const char *key)
{
	msgpack_object o = { .type = MSGPACK_OBJECT_NIL };

	return put(rec, key, o);
}

void *gk_record_set_bin_buffer(gk_record *rec, const char *key, size_t len)
{
	msgpack_object v = { .type = MSGPACK_OBJECT_BIN };
	char *dst;

	if (len > UINT32_MAX)
		return NULL;
	dst = gk_record_alloc(rec, len);
	if (!dst)
		return NULL;
	v.via.bin.ptr = dst;
	v.via.bin.size = (uint32_t)len;
	return put(rec, key, v) < 0 ? NULL : dst;
}

int gk_record_set_bin(gk_record *rec, const char *key, const void *p, size_t len)
{
	void *dst = gk_record_set_bin_buffer(rec, key, len);

	if (!dst)
		return GK_ENOMEM;
	if (len)
		memcpy(dst, p, len);
	return 0;
}

int gk_record_set_int_array(gk_record *rec, const char *key, const int32_t *v, size_t n)
{
	msgpack_object a = { .type = MSGPACK_OBJECT_ARRAY };
	msgpack_object *items;

	if (n > UINT32_MAX / sizeof *items)
		return GK_ENOMEM;
	items = gk_record_alloc(rec, n * sizeof *items);
	if (!items)
		return GK_ENOMEM;
	for (size_t i = 0; i < n; i++)
		items[i] = int_object(v[i]);
	a.via.array.ptr = items;
	a.via.array.size = (uint32_t)n;
	return put(rec, key, a);
}

/* Copy src and everything it points to into the record's zone. */
static int deep_copy(gk_record *rec, const msgpack_object *src, msgpack_object *dst)
{
	*dst = *src;
	switch (src->type) {
	case MSGPACK_OBJECT_STR:
		return copy_bytes(rec, src->via.str.ptr, src->via.str.size, &dst->via.str.ptr);
	case MSGPACK_OBJECT_BIN:
		return copy_bytes(rec, src->via.bin.ptr, src->via.bin.size, &dst->via.bin.ptr);
	case MSGPACK_OBJECT_EXT:
		return copy_bytes(rec, src->via.ext.ptr, src->via.ext.size, &dst->via.ext.ptr);
	case MSGPACK_OBJECT_ARRAY: {
		msgpack_object *items = gk_record_alloc(rec, (size_t)src->via.array.size * sizeof *items);

		if (!items)
			return GK_ENOMEM;
		for (uint32_t i = 0; i < src->via.array.size; i++)
			if (deep_copy(rec, &src->via.array.ptr[i], &items[i]) < 0)
				return GK_ENOMEM;
		dst->via.array.ptr = items;
		return 0;
	}
	case MSGPACK_OBJECT_MAP: {
		msgpack_object_kv *kv = gk_record_alloc(rec, (size_t)src->via.map.size * sizeof *kv);

		if (!kv)
			return GK_ENOMEM;
		for (uint32_t i = 0; i < src->via.map.size; i++)
			if (deep_copy(rec, &src->via.map.ptr[i].key, &kv[i].key) < 0
			    || deep_copy(rec, &src->via.map.ptr[i].val, &kv[i].val) < 0)
				return GK_ENOMEM;
		dst->via.map.ptr = kv;
		return 0;
	}
	default:
		return 0;
	}
}

int gk_record_set_object(gk_record *rec, const char *key, const msgpack_object *v)
{
	msgpack_object copy;

	if (deep_copy(rec, v, &copy) < 0)
		return GK_ENOMEM;
	return put(rec, key, copy);
}

gk_record *gk_record_copy(const gk_record *rec)
{
	gk_record *dup = gk_record_new();

	if (!dup)
		return NULL;
	for (size_t i = 0; i < rec->n; i++) {
		msgpack_object v;

		if (reserve_fields(dup, dup->n + 1) < 0 || deep_copy(dup, &rec->kv[i].key, &dup->kv[dup->n].key) < 0
		    || deep_copy(dup, &rec->kv[i].val, &v) < 0) {
			gk_record_free(dup);
			return NULL;
		}
		dup->kv[dup->n].val = v;
		dup->n++;
	}
	return dup;
}

bool gk_record_remove(gk_record *rec, const char *key)
{
	long i = find(rec, key);

	if (i < 0)
		return false;
	memmove(&rec->kv[i], &rec->kv[i + 1], (rec->n - (size_t)i - 1) * sizeof *rec->kv);
	rec->n--;
	return true;
}

int gk_record_pack(const gk_record *rec, msgpack_packer *pk)
{
	int rc = msgpack_pack_map(pk, rec->n);

	for (size_t i = 0; rc == 0 && i < rec->n; i++) {
		rc = msgpack_pack_object(pk, rec->kv[i].key);
		if (rc == 0)
			rc = msgpack_pack_object(pk, rec->kv[i].val);
	}
	return rc;
}

bool gk_record_equal(const gk_record *a, const gk_record *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const msgpack_object *other = NULL;

		for (size_t j = 0; j < b->n && !other; j++)
			if (msgpack_object_equal(a->kv[i].key, b->kv[j].key))
				other = &b->kv[j].val;
		if (!other || !msgpack_object_equal(a->kv[i].val, *other))
			return false;
	}
	return true;
}

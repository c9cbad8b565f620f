/*
 * stream_types.c - the rules each stream type keeps (man/gk-stream.5):
 * what its header must say and what each record must hold.  The reader
 * applies them to every record, so a program never sees a payload whose
 * length disagrees with its dtype and shape.
 */
#include <string.h>

#include "stream.h"

/* Header keys and values are short; a dimension past this is not a model's. */
#define MAX_DIM ((int64_t)1 << 24)

static const char *const known_types[] = {
	"tokens", "hidden", "vectors", "hits", "examples", "queries", "text",
};

int gk_stream_info_parse(gk_stream_info *info, const gk_record *header, gk_error *err)
{
	const char *type, *dt;
	size_t len, dtlen;
	int64_t version, dim;
	bool known = false;

	memset(info, 0, sizeof *info);
	if (!gk_record_get_int(header, "gk", &version) || version < 1)
		return gk_error_set(err, GK_EDATA, "\"gk\" must be the format version, a positive integer");
	if (version != GK_STREAM_VERSION)
		return gk_error_set(err, GK_EDATA, "stream format version %lld, but this gk reads version %d",
			(long long)version, GK_STREAM_VERSION);
	info->version = (int)version;
	if (!gk_record_get_str(header, "type", &type, &len) || len == 0 || len >= sizeof info->type)
		return gk_error_set(err, GK_EDATA, "\"type\" must name the stream type");
	memcpy(info->type, type, len);
	info->type[len] = '\0';
	for (size_t i = 0; i < sizeof known_types / sizeof *known_types; i++)
		known = known || strcmp(info->type, known_types[i]) == 0;
	if (!known)
		return gk_error_set(err, GK_EDATA, "unknown stream type '%s'", info->type);

	if (strcmp(info->type, "hidden") && strcmp(info->type, "vectors"))
		return 0;
	info->payload = strcmp(info->type, "hidden") == 0 ? "hidden" : "vector";
	if (!gk_record_get_int(header, "dim", &dim) || dim < 1 || dim > MAX_DIM)
		return gk_error_set(err, GK_EDATA, "a %s stream needs \"dim\", a whole number from 1 to %lld",
			info->type, (long long)MAX_DIM);
	info->dim = (size_t)dim;
	if (!gk_record_get_str(header, "dtype", &dt, &dtlen))
		return gk_error_set(err, GK_EDATA, "a %s stream needs \"dtype\"", info->type);
	info->dtype = gk_dtype_parse(dt, dtlen);
	if (info->dtype == GK_DTYPE_INVALID
	    || (!strcmp(info->type, "hidden") && info->dtype != GK_DTYPE_F32 && info->dtype != GK_DTYPE_F16
		&& info->dtype != GK_DTYPE_BF16))
		return gk_error_set(err, GK_EDATA, "dtype '%.*s' is not one a %s stream can hold",
			(int)dtlen, dt, info->type);
	return 0;
}

static int check_tokens(const gk_record *rec, gk_error *err)
{
	const msgpack_object *ids = gk_record_get(rec, "ids"), *types = gk_record_get(rec, "type_ids");

	if (!ids || ids->type != MSGPACK_OBJECT_ARRAY)
		return gk_error_set(err, GK_EDATA, "\"ids\" is missing or not an array");
	for (uint32_t i = 0; i < ids->via.array.size; i++) {
		const msgpack_object *o = &ids->via.array.ptr[i];
		if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER || o->via.u64 > INT32_MAX)
			return gk_error_set(err, GK_EDATA, "\"ids\"[%u] is not a token id (a whole number from 0)", i);
	}
	if (types && (types->type != MSGPACK_OBJECT_ARRAY || types->via.array.size != ids->via.array.size))
		return gk_error_set(err, GK_EDATA, "\"type_ids\" must be an array as long as \"ids\"");
	return 0;
}

/* NaN or infinity in a payload would pass through every later stage and
 * poison rankings silently, so it stops at the reader. */
static int check_finite(const gk_stream_info *info, const void *p, size_t n, gk_error *err)
{
	const unsigned char *b = p;
	uint32_t u;
	uint16_t h;

	for (size_t i = 0; i < n; i++) {
		bool bad;
		switch (info->dtype) {
		case GK_DTYPE_F32: memcpy(&u, b + 4 * i, 4); bad = (u & 0x7f800000u) == 0x7f800000u; break;
		case GK_DTYPE_F16: memcpy(&h, b + 2 * i, 2); bad = (h & 0x7c00u) == 0x7c00u; break;
		case GK_DTYPE_BF16: memcpy(&h, b + 2 * i, 2); bad = (h & 0x7f80u) == 0x7f80u; break;
		default: return 0;
		}
		if (bad)
			return gk_error_set(err, GK_EDATA, "\"%s\" holds NaN or infinity at value %zu", info->payload, i);
	}
	return 0;
}

static int check_payload(const gk_stream_info *info, const gk_record *rec, gk_error *err)
{
	const void *p;
	size_t len, want, n = 1;
	int64_t ntok;

	if (!gk_record_get_bin(rec, info->payload, &p, &len))
		return gk_error_set(err, GK_EDATA, "\"%s\" is missing or not binary", info->payload);
	if (!strcmp(info->type, "hidden")) {
		if (!gk_record_get_int(rec, "n_tokens", &ntok) || ntok < 0)
			return gk_error_set(err, GK_EDATA, "\"n_tokens\" is missing or negative");
		n = (size_t)ntok;
	} else if (info->dtype == GK_DTYPE_INT8) {
		double scale;
		if (!gk_record_get_double(rec, "scale", &scale))
			return gk_error_set(err, GK_EDATA, "an int8 vector needs its \"scale\"");
	}
	if (!gk_mul_size(n, info->dim, &want) || (want && !(want = gk_dtype_bytes(info->dtype, want))))
		return gk_error_set(err, GK_EDATA, "\"n_tokens\" %zu is too large", n);
	if (len != want)
		return gk_error_set(err, GK_EDATA, "\"%s\" holds %zu bytes, but %s%zu x %zu %s values take %zu",
			info->payload, len, n == 1 && strcmp(info->type, "hidden") ? "" : "n_tokens ", n, info->dim,
			gk_dtype_name(info->dtype), want);
	return check_finite(info, p, n * info->dim, err);
}

static int check_hits(const gk_record *rec, gk_error *err)
{
	const msgpack_object *hits = gk_record_get(rec, "hits");

	if (!hits || hits->type != MSGPACK_OBJECT_ARRAY)
		return gk_error_set(err, GK_EDATA, "\"hits\" is missing or not an array");
	for (uint32_t i = 0; i < hits->via.array.size; i++) {
		const msgpack_object *h = &hits->via.array.ptr[i];
		bool id = false, score = false;

		if (h->type != MSGPACK_OBJECT_MAP)
			return gk_error_set(err, GK_EDATA, "\"hits\"[%u] is not a map", i);
		for (uint32_t j = 0; j < h->via.map.size; j++) {
			const msgpack_object_kv *kv = &h->via.map.ptr[j];
			id = id || (gk_object_str_eq(&kv->key, "id") && kv->val.type == MSGPACK_OBJECT_STR);
			score = score || (gk_object_str_eq(&kv->key, "score")
				&& (kv->val.type == MSGPACK_OBJECT_FLOAT64 || kv->val.type == MSGPACK_OBJECT_FLOAT32));
		}
		if (!id || !score)
			return gk_error_set(err, GK_EDATA, "\"hits\"[%u] needs a string \"id\" and a float \"score\"", i);
	}
	return 0;
}

int gk_stream_check_record(const gk_stream_info *info, const gk_record *rec, gk_error *err)
{
	if (info->payload)
		return check_payload(info, rec, err);
	if (!strcmp(info->type, "tokens"))
		return check_tokens(rec, err);
	if (!strcmp(info->type, "hits"))
		return check_hits(rec, err);
	return 0;
}

gk_record *gk_header_new(const char *type)
{
	gk_record *h = gk_record_new();

	if (h && (gk_record_set_int(h, "gk", GK_STREAM_VERSION) < 0 || gk_record_set_cstr(h, "type", type) < 0)) {
		gk_record_free(h);
		return NULL;
	}
	return h;
}

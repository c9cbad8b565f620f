/*
 * record_json.c - records to and from JSON (mapping in record_json.h).
 * Writing is done by hand rather than through jansson trees: it streams
 * straight from the MessagePack objects, decodes payloads in place and
 * controls number formatting, which round-tripping needs.
 */
#include "record_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Whole numbers print as integers ("1000000", not "1e+06"); others in the
 * fewest significant digits that read back to the same value.  Negative
 * zero keeps its sign as "-0.0". */
static bool format_whole(char buf[32], double v)
{
	if (v != floor(v) || fabs(v) >= 1e15)
		return false;
	if (v == 0 && signbit(v))
		strcpy(buf, "-0.0");
	else
		snprintf(buf, 32, "%.0f", v);
	return true;
}

void gk_format_float(char buf[32], float v)
{
	if (format_whole(buf, v))
		return;
	for (int p = 1; p <= 9; p++) {
		snprintf(buf, 32, "%.*g", p, (double)v);
		if (strtof(buf, NULL) == v)
			return;
	}
}

void gk_format_double(char buf[32], double v)
{
	if (format_whole(buf, v))
		return;
	for (int p = 1; p <= 17; p++) {
		snprintf(buf, 32, "%.*g", p, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/* A scalar float must read back as a float, not an integer. */
static int put_real(gk_buf *out, double v, bool single)
{
	char num[32];

	if (!isfinite(v))
		return gk_buf_puts(out, "null");
	if (single)
		gk_format_float(num, (float)v);
	else
		gk_format_double(num, v);
	if (!strpbrk(num, ".eEn"))
		strcat(num, ".0");
	return gk_buf_puts(out, num);
}

static int put_string(gk_buf *out, const char *s, size_t len, gk_error *err)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t i = 0;

	if (gk_buf_putc(out, '"') < 0)
		return gk_error_nomem(err);
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		int rc;

		if (n < 0)
			return gk_error_set(err, GK_EDATA, "string is not valid UTF-8 at byte %zu", i);
		if (cp == '"' || cp == '\\')
			rc = gk_buf_putc(out, '\\') | gk_buf_putc(out, (char)cp);
		else if (cp == '\n')
			rc = gk_buf_puts(out, "\\n");
		else if (cp == '\t')
			rc = gk_buf_puts(out, "\\t");
		else if (cp == '\r')
			rc = gk_buf_puts(out, "\\r");
		else if (cp < 0x20)
			rc = gk_buf_printf(out, "\\u%04x", (unsigned)cp);
		else
			rc = gk_buf_append(out, p + i, (size_t)n);
		if (rc < 0)
			return gk_error_nomem(err);
		i += (size_t)n;
	}
	return gk_buf_putc(out, '"') < 0 ? gk_error_nomem(err) : 0;
}

static int put_base64(gk_buf *out, const unsigned char *p, size_t len)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	int rc = gk_buf_puts(out, "{\"$base64\":\"");

	for (size_t i = 0; rc == 0 && i < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < len ? p[i + 2] : 0);
		char q[4] = { a[v >> 18 & 63], a[v >> 12 & 63], i + 1 < len ? a[v >> 6 & 63] : '=', i + 2 < len ? a[v & 63] : '=' };
		rc = gk_buf_append(out, q, 4);
	}
	return rc | gk_buf_puts(out, "\"}");
}

static int put_payload(gk_buf *out, const msgpack_object *o, gk_dtype dtype)
{
	const unsigned char *p = (const unsigned char *)o->via.bin.ptr;
	size_t n = o->via.bin.size, width = gk_dtype_bytes(dtype, 1);
	int rc = gk_buf_putc(out, '[');
	char num[32];

	if (dtype == GK_DTYPE_BINARY || dtype == GK_DTYPE_INT8)
		width = 1;
	for (size_t i = 0; rc == 0 && i + width <= n; i += width) {
		float f;
		uint16_t h;

		if (i)
			rc |= gk_buf_putc(out, ',');
		switch (dtype) {
		case GK_DTYPE_F32: memcpy(&f, p + i, 4); break;
		case GK_DTYPE_F16: memcpy(&h, p + i, 2); f = gk_f16_to_f32(h); break;
		case GK_DTYPE_BF16: memcpy(&h, p + i, 2); f = gk_bf16_to_f32(h); break;
		case GK_DTYPE_INT8: rc |= gk_buf_printf(out, "%d", (int)(int8_t)p[i]); continue;
		default: rc |= gk_buf_printf(out, "%u", (unsigned)p[i]); continue;
		}
		if (!isfinite(f)) {
			rc |= gk_buf_puts(out, "null");
		} else {
			gk_format_float(num, f);
			rc |= gk_buf_puts(out, num);
		}
	}
	return rc | gk_buf_putc(out, ']');
}

static int put_object(gk_buf *out, const msgpack_object *o, gk_error *err)
{
	int rc = 0;

	switch (o->type) {
	case MSGPACK_OBJECT_NIL: rc = gk_buf_puts(out, "null"); break;
	case MSGPACK_OBJECT_BOOLEAN: rc = gk_buf_puts(out, o->via.boolean ? "true" : "false"); break;
	case MSGPACK_OBJECT_POSITIVE_INTEGER: rc = gk_buf_printf(out, "%llu", (unsigned long long)o->via.u64); break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER: rc = gk_buf_printf(out, "%lld", (long long)o->via.i64); break;
	case MSGPACK_OBJECT_FLOAT32: rc = put_real(out, o->via.f64, true); break;
	case MSGPACK_OBJECT_FLOAT64: rc = put_real(out, o->via.f64, false); break;
	case MSGPACK_OBJECT_STR: return put_string(out, o->via.str.ptr, o->via.str.size, err);
	case MSGPACK_OBJECT_BIN: rc = put_base64(out, (const unsigned char *)o->via.bin.ptr, o->via.bin.size); break;
	case MSGPACK_OBJECT_ARRAY:
		rc = gk_buf_putc(out, '[');
		for (uint32_t i = 0; rc == 0 && i < o->via.array.size; i++) {
			if (i && gk_buf_putc(out, ',') < 0)
				return gk_error_nomem(err);
			if (put_object(out, &o->via.array.ptr[i], err) < 0)
				return err->code;
		}
		rc |= gk_buf_putc(out, ']');
		break;
	case MSGPACK_OBJECT_MAP:
		rc = gk_buf_putc(out, '{');
		for (uint32_t i = 0; rc == 0 && i < o->via.map.size; i++) {
			const msgpack_object_kv *kv = &o->via.map.ptr[i];
			if (kv->key.type != MSGPACK_OBJECT_STR)
				return gk_error_set(err, GK_EDATA, "a map key is not a string, which JSON cannot show");
			if ((i && gk_buf_putc(out, ',') < 0) || put_object(out, &kv->key, err) < 0
			    || gk_buf_putc(out, ':') < 0 || put_object(out, &kv->val, err) < 0)
				return err->code ? err->code : gk_error_nomem(err);
		}
		rc |= gk_buf_putc(out, '}');
		break;
	default:
		return gk_error_set(err, GK_EDATA, "a MessagePack extension value has no JSON form");
	}
	return rc < 0 ? gk_error_nomem(err) : 0;
}

int gk_record_to_json(gk_buf *out, const gk_record *rec, const gk_stream_info *info, gk_error *err)
{
	if (gk_buf_putc(out, '{') < 0)
		return gk_error_nomem(err);
	err->code = 0;
	for (size_t i = 0; i < gk_record_count(rec); i++) {
		size_t klen;
		const char *key = gk_record_key(rec, i, &klen);
		const msgpack_object *v = gk_record_value(rec, i);
		int rc;

		if ((i && gk_buf_putc(out, ',') < 0))
			return gk_error_nomem(err);
		if (put_string(out, key, klen, err) < 0)
			return gk_error_prefix(err, "field name");
		if (gk_buf_putc(out, ':') < 0)
			return gk_error_nomem(err);
		if (info && info->payload && v->type == MSGPACK_OBJECT_BIN && strlen(info->payload) == klen
		    && memcmp(info->payload, key, klen) == 0)
			rc = put_payload(out, v, info->dtype) < 0 ? gk_error_nomem(err) : 0;
		else
			rc = put_object(out, v, err);
		if (rc < 0)
			return gk_error_prefix(err, "field '%.*s'", (int)klen, key);
	}
	return gk_buf_putc(out, '}') < 0 ? gk_error_nomem(err) : 0;
}

/* ---- JSON to records ---- */

static int base64_value(char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

/* {"$base64": "..."} -> bytes in the record's zone. */
static int from_base64(gk_record *rec, const char *s, size_t len, msgpack_object *out, gk_error *err)
{
	unsigned char *dst;
	size_t n = 0;
	uint32_t acc = 0;
	int bits = 0;

	if (len % 4)
		return gk_error_set(err, GK_EDATA, "$base64 text is not a multiple of 4 characters");
	dst = gk_record_alloc(rec, len / 4 * 3);
	if (!dst)
		return gk_error_nomem(err);
	for (size_t i = 0; i < len; i++) {
		int v = base64_value(s[i]);
		if (s[i] == '=' && i >= len - 2 && (i == len - 1 || s[len - 1] == '='))
			break;
		if (v < 0)
			return gk_error_set(err, GK_EDATA, "$base64 text has '%c' at %zu", s[i], i);
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			dst[n++] = (unsigned char)(acc >> bits);
		}
	}
	out->type = MSGPACK_OBJECT_BIN;
	out->via.bin.ptr = (const char *)dst;
	out->via.bin.size = (uint32_t)n;
	return 0;
}

static int from_json(gk_record *rec, json_t *v, msgpack_object *out, gk_error *err)
{
	memset(out, 0, sizeof *out);
	switch (json_typeof(v)) {
	case JSON_NULL: out->type = MSGPACK_OBJECT_NIL; return 0;
	case JSON_TRUE: case JSON_FALSE:
		out->type = MSGPACK_OBJECT_BOOLEAN;
		out->via.boolean = json_is_true(v);
		return 0;
	case JSON_INTEGER: {
		json_int_t i = json_integer_value(v);
		out->type = i >= 0 ? MSGPACK_OBJECT_POSITIVE_INTEGER : MSGPACK_OBJECT_NEGATIVE_INTEGER;
		out->via.i64 = i;
		return 0;
	}
	case JSON_REAL:
		out->type = MSGPACK_OBJECT_FLOAT64;
		out->via.f64 = json_real_value(v);
		return 0;
	case JSON_STRING: {
		size_t len = json_string_length(v);
		char *dst = gk_record_alloc(rec, len);
		if (!dst || len > UINT32_MAX)
			return gk_error_nomem(err);
		memcpy(dst, json_string_value(v), len);
		out->type = MSGPACK_OBJECT_STR;
		out->via.str.ptr = dst;
		out->via.str.size = (uint32_t)len;
		return 0;
	}
	case JSON_ARRAY: {
		size_t n = json_array_size(v);
		msgpack_object *items = gk_record_alloc(rec, n * sizeof *items);
		if (!items)
			return gk_error_nomem(err);
		for (size_t i = 0; i < n; i++)
			if (from_json(rec, json_array_get(v, i), &items[i], err) < 0)
				return err->code;
		out->type = MSGPACK_OBJECT_ARRAY;
		out->via.array.ptr = items;
		out->via.array.size = (uint32_t)n;
		return 0;
	}
	case JSON_OBJECT: {
		size_t n = json_object_size(v), i = 0;
		json_t *b64 = json_object_get(v, "$base64");
		msgpack_object_kv *kv;
		const char *key;
		json_t *val;

		if (n == 1 && json_is_string(b64))
			return from_base64(rec, json_string_value(b64), json_string_length(b64), out, err);
		kv = gk_record_alloc(rec, n * sizeof *kv);
		if (!kv)
			return gk_error_nomem(err);
		json_object_foreach(v, key, val) {
			json_t *k = json_string(key);
			int rc = k ? from_json(rec, k, &kv[i].key, err) : gk_error_nomem(err);
			json_decref(k);
			if (rc < 0 || from_json(rec, val, &kv[i].val, err) < 0)
				return err->code;
			i++;
		}
		out->type = MSGPACK_OBJECT_MAP;
		out->via.map.ptr = kv;
		out->via.map.size = (uint32_t)n;
		return 0;
	}
	}
	return gk_error_set(err, GK_EDATA, "unknown JSON value");
}

/* A payload given as a JSON array of numbers (null for NaN) -> packed bytes. */
static int payload_from_json(gk_record *rec, const char *key, json_t *arr, gk_dtype dtype, gk_error *err)
{
	size_t n = json_array_size(arr), bytes = gk_dtype_bytes(dtype, n);
	unsigned char *dst;

	if (dtype == GK_DTYPE_BINARY)
		bytes = n;  /* shown as its packed bytes */
	dst = gk_record_set_bin_buffer(rec, key, bytes);
	if (!dst && bytes)
		return gk_error_nomem(err);
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(arr, i);
		double v = json_is_null(e) ? NAN : json_number_value(e);
		float f = (float)v;
		uint16_t h;

		if (!json_is_number(e) && !json_is_null(e))
			return gk_error_set(err, GK_EDATA, "field '%s': element %zu is not a number", key, i);
		switch (dtype) {
		case GK_DTYPE_F32: memcpy(dst + 4 * i, &f, 4); break;
		case GK_DTYPE_F16: h = gk_f32_to_f16(f); memcpy(dst + 2 * i, &h, 2); break;
		case GK_DTYPE_BF16: h = gk_f32_to_bf16(f); memcpy(dst + 2 * i, &h, 2); break;
		case GK_DTYPE_INT8:
			if (!json_is_integer(e) || v < -128 || v > 127)
				return gk_error_set(err, GK_EDATA, "field '%s': element %zu is not an int8", key, i);
			dst[i] = (unsigned char)(int8_t)v;
			break;
		default:
			if (!json_is_integer(e) || v < 0 || v > 255)
				return gk_error_set(err, GK_EDATA, "field '%s': element %zu is not a byte (0-255)", key, i);
			dst[i] = (unsigned char)v;
			break;
		}
	}
	return 0;
}

int gk_record_from_json_value(gk_record **out, json_t *obj, const gk_stream_info *info, gk_error *err)
{
	gk_record *rec;
	const char *key;
	json_t *val;

	*out = NULL;
	if (!json_is_object(obj))
		return gk_error_set(err, GK_EDATA, "a record must be a JSON object");
	rec = gk_record_new();
	if (!rec)
		return gk_error_nomem(err);
	json_object_foreach(obj, key, val) {
		msgpack_object o;
		int rc;

		if (info && info->payload && json_is_array(val) && strcmp(key, info->payload) == 0)
			rc = payload_from_json(rec, key, val, info->dtype, err);
		else if ((rc = from_json(rec, val, &o, err)) == 0)
			rc = gk_record_set_object(rec, key, &o) < 0 ? gk_error_nomem(err) : 0;
		if (rc < 0) {
			gk_record_free(rec);
			return rc;
		}
	}
	*out = rec;
	return 0;
}

int gk_json_parse_line(json_t **out, const char *text, size_t len, gk_error *err)
{
	json_error_t jerr;

	*out = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!*out)
		return gk_error_set(err, GK_EDATA, "column %d: %s", jerr.column, jerr.text);
	return 0;
}

/*
 * input_json.c - one JSON line (jansson) to one gk_record: "id", "text",
 * "title" first under their canonical names, then every other field in its
 * order, JSON values packed as the MessagePack values of the same kind.
 *
 * The record is packed into a buffer and parsed once, rather than built
 * field by field, so a line with many fields costs one pass.  It does not
 * read lines or know where it is: input.c does both and adds the place to
 * messages.
 */
#include "input_private.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* msgpack-c's unpacker (and so every later stage) stops at 32 levels of
 * nesting; the record is one, so a field's value may nest 30 deep. */
enum { MAX_DEPTH = 30 };

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a real number";
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	default: return "null";
	}
}

static int pack_str(msgpack_packer *pk, const char *s, size_t len)
{
	int rc = msgpack_pack_str(pk, len);

	return rc ? rc : msgpack_pack_str_body(pk, s, len);
}

/* Pack v; GK_EDATA when it nests too deeply, GK_ENOMEM. */
static int pack_value(msgpack_packer *pk, json_t *v, int depth, gk_error *err)
{
	int rc = 0;

	if (depth > MAX_DEPTH)
		return gk_error_set(err, GK_EDATA, "JSON nested more than %d levels deep", MAX_DEPTH);
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *key;
		size_t key_len;
		json_t *item;

		rc = msgpack_pack_map(pk, json_object_size(v));
		json_object_keylen_foreach(v, key, key_len, item) {
			if (rc == 0)
				rc = pack_str(pk, key, key_len);
			if (rc == 0 && (rc = pack_value(pk, item, depth + 1, err)) < 0)
				return rc;
		}
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *item;

		rc = msgpack_pack_array(pk, json_array_size(v));
		json_array_foreach(v, i, item) {
			if (rc == 0 && (rc = pack_value(pk, item, depth + 1, err)) < 0)
				return rc;
		}
		break;
	}
	case JSON_STRING: rc = pack_str(pk, json_string_value(v), json_string_length(v)); break;
	case JSON_INTEGER: rc = msgpack_pack_int64(pk, json_integer_value(v)); break;
	case JSON_REAL: rc = msgpack_pack_double(pk, json_real_value(v)); break;
	case JSON_TRUE: rc = msgpack_pack_true(pk); break;
	case JSON_FALSE: rc = msgpack_pack_false(pk); break;
	case JSON_NULL: rc = msgpack_pack_nil(pk); break;
	}
	return rc ? gk_error_nomem(err) : 0;
}

/* The shortest decimal text that reads back as d, as Python's repr does
 * (but without its ".0"). */
static void format_real(char *buf, size_t size, double d)
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
}

/* Pack the id: strings as they are, numbers as decimal text. */
static int pack_id(msgpack_packer *pk, json_t *v, const char *field, gk_error *err)
{
	char num[64];

	if (json_is_string(v))
		return pack_str(pk, json_string_value(v), json_string_length(v)) ? gk_error_nomem(err) : 0;
	if (json_is_integer(v))
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v) && isfinite(json_real_value(v)))
		format_real(num, sizeof num, json_real_value(v));
	else
		return gk_error_set(err, GK_EDATA, "id field '%s' must be a string or a number, found %s",
			field, type_name(v));
	return pack_str(pk, num, strlen(num)) ? gk_error_nomem(err) : 0;
}

static bool key_is(const char *key, size_t len, const char *name)
{
	return name && strlen(name) == len && memcmp(key, name, len) == 0;
}

/* The error for a field named like a canonical one that comes from
 * another field (BEIR's "_id" and an "id" beside it). */
static int clash(const char *key, const char *id_src, const gk_input_options *opt, gk_error *err)
{
	if (strcmp(key, "id") == 0 && !id_src)
		return gk_error_set(err, GK_EDATA, "field 'id' would be overwritten by the generated id "
			"(the line has no '%s' field)", opt->id_field ? opt->id_field : "_id");
	return gk_error_set(err, GK_EDATA, "field '%s' would be overwritten by the %s taken from '%s'",
		key, key, strcmp(key, "id") == 0 ? id_src : strcmp(key, "text") == 0 ? opt->text_field
										: opt->title_field);
}

int gk_input_json_record(gk_input *in, const char *line, size_t len, const char *default_id,
			 gk_record **out, gk_error *err)
{
	const gk_input_options *opt = &in->opt;
	const char *id_src = NULL, *key;
	json_t *root, *id, *text, *title, *v;
	json_error_t jerr;
	msgpack_packer pk;
	size_t key_len, n;
	int rc = 0;

	*out = NULL;
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!root) {
		if (json_error_code(&jerr) == json_error_out_of_memory)
			return gk_error_nomem(err);
		return gk_error_set(err, GK_EDATA, "invalid JSON at column %d: %s", jerr.column, jerr.text);
	}
	if (!json_is_object(root)) {
		rc = gk_error_set(err, GK_EDATA, "a JSON line must be an object, found %s", type_name(root));
		goto out;
	}
	/* The sources of the canonical fields. */
	if (opt->id_field)
		id_src = opt->id_field;
	else if (json_object_get(root, "_id"))
		id_src = "_id";
	else
		id_src = "id";
	id = json_object_get(root, id_src);
	if (!id)
		id_src = NULL;
	text = json_object_get(root, opt->text_field);
	if (!text) {
		rc = gk_error_set(err, GK_EDATA, "no '%s' field", opt->text_field);
		goto out;
	}
	if (!json_is_string(text)) {
		rc = gk_error_set(err, GK_EDATA, "field '%s' must be a string, found %s", opt->text_field,
			type_name(text));
		goto out;
	}
	title = json_object_get(root, opt->title_field);
	if (title && !json_is_string(title)) {
		rc = gk_error_set(err, GK_EDATA, "field '%s' must be a string, found %s", opt->title_field,
			type_name(title));
		goto out;
	}
	/* Every other field passes through, unless it would collide with a
	 * canonical name taken from elsewhere. */
	n = 2 + (title != NULL);
	json_object_keylen_foreach(root, key, key_len, v) {
		if (key_is(key, key_len, id_src) || key_is(key, key_len, opt->text_field)
		    || (title && key_is(key, key_len, opt->title_field)))
			continue;
		if (key_is(key, key_len, "id") || key_is(key, key_len, "text")
		    || (title && key_is(key, key_len, "title"))) {
			rc = clash(key, id_src, opt, err);
			goto out;
		}
		n++;
	}
	msgpack_sbuffer_clear(&in->sbuf);
	msgpack_packer_init(&pk, &in->sbuf, msgpack_sbuffer_write);
	if (msgpack_pack_map(&pk, n) || pack_str(&pk, "id", 2)) {
		rc = gk_error_nomem(err);
		goto out;
	}
	if (id)
		rc = pack_id(&pk, id, id_src, err);
	else if (pack_str(&pk, default_id, strlen(default_id)))
		rc = gk_error_nomem(err);
	if (rc == 0 && (pack_str(&pk, "text", 4) || pack_str(&pk, json_string_value(text), json_string_length(text))))
		rc = gk_error_nomem(err);
	if (rc == 0 && title
	    && (pack_str(&pk, "title", 5) || pack_str(&pk, json_string_value(title), json_string_length(title))))
		rc = gk_error_nomem(err);
	json_object_keylen_foreach(root, key, key_len, v) {
		if (rc < 0)
			break;
		if (key_is(key, key_len, id_src) || key_is(key, key_len, opt->text_field)
		    || (title && key_is(key, key_len, opt->title_field)))
			continue;
		if (pack_str(&pk, key, key_len))
			rc = gk_error_nomem(err);
		else
			rc = pack_value(&pk, v, 1, err);
	}
	if (rc == 0)
		rc = gk_record_parse(out, in->sbuf.data, in->sbuf.size, err);
out:
	json_decref(root);
	return rc;
}

/*
 * json_util.c - typed getters over jansson with file/key error messages.
 * Deliberately small: no schema machinery, just what configs need.
 */
#include "json_util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int gk_file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

char *gk_path_join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	int slash = a > 0 && dir[a - 1] != '/';
	char *p = malloc(a + slash + b + 1);

	if (!p)
		return NULL;
	memcpy(p, dir, a);
	if (slash)
		p[a] = '/';
	memcpy(p + a + slash, name, b + 1);
	return p;
}

json_t *gk_json_load_file(const char *path, const char *name, gk_error *err)
{
	json_error_t je;
	const char *shown = name ? name : path;
	FILE *f = fopen(path, "rb");

	if (!f) {
		int e = errno;
		gk_error_set(err, e == ENOENT ? GK_ENOINPUT : GK_EIO, "%s: %s", shown, strerror(e));
		return NULL;
	}
	json_t *j = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
	int bad_read = ferror(f);
	fclose(f);
	if (bad_read) {
		json_decref(j);
		gk_error_set(err, GK_EIO, "%s: read error", shown);
		return NULL;
	}
	if (!j)
		gk_error_set(err, GK_EDATA, "%s: line %d column %d: %s", shown, je.line, je.column, je.text);
	return j;
}

int gk_json_get_int(const json_t *obj, const char *key, int64_t def,
	int64_t lo, int64_t hi, int64_t *out, const char *file, gk_error *err)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v)) {
		*out = def;
		return 0;
	}
	if (!json_is_integer(v))
		return gk_error_set(err, GK_EDATA, "%s: \"%s\" must be an integer", file, key);
	json_int_t x = json_integer_value(v);
	if (x < lo || x > hi)
		return gk_error_set(err, GK_EDATA, "%s: \"%s\" is %lld, must be in [%lld, %lld]",
			file, key, (long long)x, (long long)lo, (long long)hi);
	*out = x;
	return 0;
}

int gk_json_get_double(const json_t *obj, const char *key, double def,
	double lo, double hi, double *out, const char *file, gk_error *err)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v)) {
		*out = def;
		return 0;
	}
	if (!json_is_number(v))
		return gk_error_set(err, GK_EDATA, "%s: \"%s\" must be a number", file, key);
	double x = json_number_value(v);
	if (!(x >= lo && x <= hi))
		return gk_error_set(err, GK_EDATA, "%s: \"%s\" is %g, must be in [%g, %g]",
			file, key, x, lo, hi);
	*out = x;
	return 0;
}

int gk_json_get_bool(const json_t *obj, const char *key, int def, int *out,
	const char *file, gk_error *err)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v)) {
		*out = def;
		return 0;
	}
	if (!json_is_boolean(v))
		return gk_error_set(err, GK_EDATA, "%s: \"%s\" must be true or false", file, key);
	*out = json_is_true(v);
	return 0;
}

int gk_json_get_string(const json_t *obj, const char *key, const char *def,
	const char **out, const char *file, gk_error *err)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v)) {
		*out = def;
		return 0;
	}
	if (!json_is_string(v))
		return gk_error_set(err, GK_EDATA, "%s: \"%s\" must be a string", file, key);
	*out = json_string_value(v);
	return 0;
}

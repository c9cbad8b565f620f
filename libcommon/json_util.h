/*
 * json_util.h - reading small JSON files (configs, safetensors headers)
 * with jansson, with error messages that name the file and the key.
 *
 * Not a JSON library: only the few typed getters model loading needs.
 */
#ifndef GK_JSON_UTIL_H
#define GK_JSON_UTIL_H

#include <jansson.h>
#include <stdint.h>

#include "error.h"

/* Parse the file at path.  Returns a new reference (caller json_decref()s
 * it) or NULL with GK_ENOINPUT (missing), GK_EIO or GK_EDATA (bad JSON,
 * message with line and column) in err.  The file name in messages is
 * `name` (e.g. "config.json") when non-NULL, else path. */
json_t *gk_json_load_file(const char *path, const char *name, gk_error *err);

/* Integer member `key` of obj into *out.  Absent or null: *out = def and 0.
 * Present but not an integer, or outside [lo, hi]: GK_EDATA naming
 * `file` and key. */
int gk_json_get_int(const json_t *obj, const char *key, int64_t def,
	int64_t lo, int64_t hi, int64_t *out, const char *file, gk_error *err);

/* Number member (integer or real) into *out, same rules as gk_json_get_int. */
int gk_json_get_double(const json_t *obj, const char *key, double def,
	double lo, double hi, double *out, const char *file, gk_error *err);

/* Boolean member; absent or null gives def. */
int gk_json_get_bool(const json_t *obj, const char *key, int def, int *out,
	const char *file, gk_error *err);

/* String member; absent or null gives def (may be NULL).  The pointer is
 * borrowed from obj and lives as long as obj does. */
int gk_json_get_string(const json_t *obj, const char *key, const char *def,
	const char **out, const char *file, gk_error *err);

/* 1 when the file exists (any type), 0 when not. */
int gk_file_exists(const char *path);

/* malloc'd "dir/name" (dir may be "" or end in '/'), NULL on no memory. */
char *gk_path_join(const char *dir, const char *name);

#endif

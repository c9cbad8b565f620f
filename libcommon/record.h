/*
 * record.h - one record of a gk stream: an ordered map of named fields.
 *
 * Ownership rule (the one rule of this header): a gk_record owns every byte
 * its fields point to.  Pointers returned by the getters stay valid until the
 * field is replaced or removed, or the record is freed.  Setters copy their
 * arguments.
 *
 * Pass-through is the record's job, not each program's: a program reads a
 * record, sets or removes its own fields, and writes the same record; every
 * field it did not touch is written back unchanged and in its place.
 *
 * Values are msgpack-c objects, so any MessagePack value a user put in a
 * field survives.  This header deliberately knows nothing of stream types.
 */
#ifndef GK_RECORD_H
#define GK_RECORD_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef struct gk_record gk_record;

/* A new empty record, or NULL when out of memory. */
gk_record *gk_record_new(void);
void gk_record_free(gk_record *rec);

/* Parse one complete MessagePack map of len bytes into a new record (the
 * bytes are copied).  Returns 0, or GK_EDATA when the bytes are not a map
 * with string keys (err says why), or GK_ENOMEM. */
int gk_record_parse(gk_record **out, const void *bytes, size_t len, gk_error *err);

/* A deep copy, or NULL when out of memory. */
gk_record *gk_record_copy(const gk_record *rec);

/* Fields in order: count, i-th key (not NUL-terminated) and value. */
size_t gk_record_count(const gk_record *rec);
const char *gk_record_key(const gk_record *rec, size_t i, size_t *len);
const msgpack_object *gk_record_value(const gk_record *rec, size_t i);

/* The value of key, or NULL when absent. */
const msgpack_object *gk_record_get(const gk_record *rec, const char *key);
/* Typed getters: false when the field is absent or of another type.
 * get_int accepts any integer that fits int64; get_double any number. */
bool gk_record_get_str(const gk_record *rec, const char *key, const char **s, size_t *len);
bool gk_record_get_int(const gk_record *rec, const char *key, int64_t *v);
bool gk_record_get_double(const gk_record *rec, const char *key, double *v);
bool gk_record_get_bool(const gk_record *rec, const char *key, bool *v);
bool gk_record_get_bin(const gk_record *rec, const char *key, const void **p, size_t *len);

/* An array of integers that fit int32 as a new malloc'd array (*out, caller
 * frees; NULL when n is 0).  Returns 0, GK_EDATA when the field is absent,
 * not an array or holds something else, GK_ENOMEM. */
int gk_record_get_int32_array(const gk_record *rec, const char *key, int32_t **out, size_t *n);

/* Setters replace the field in place, or append it.  0, or GK_ENOMEM. */
int gk_record_set_str(gk_record *rec, const char *key, const char *s, size_t len);
int gk_record_set_cstr(gk_record *rec, const char *key, const char *s);
int gk_record_set_int(gk_record *rec, const char *key, int64_t v);
int gk_record_set_double(gk_record *rec, const char *key, double v);
int gk_record_set_float(gk_record *rec, const char *key, float v);
int gk_record_set_bool(gk_record *rec, const char *key, bool v);
int gk_record_set_nil(gk_record *rec, const char *key);
int gk_record_set_bin(gk_record *rec, const char *key, const void *p, size_t len);
/* An array of ints (token ids and the like). */
int gk_record_set_int_array(gk_record *rec, const char *key, const int32_t *v, size_t n);
/* Any value, deep-copied into the record. */
int gk_record_set_object(gk_record *rec, const char *key, const msgpack_object *v);

/* Reserve a bin field of len bytes and return where to write it (owned by
 * the record), or NULL when out of memory.  Saves a copy for big payloads. */
void *gk_record_set_bin_buffer(gk_record *rec, const char *key, size_t len);

/* Remove key; false when it was absent. */
bool gk_record_remove(gk_record *rec, const char *key);

/* Serialise as a MessagePack map with msgpack-c's packer.  Returns the
 * packer's status (0 on success). */
int gk_record_pack(const gk_record *rec, msgpack_packer *pk);

/* Whether two records hold the same keys with equal values, in any order. */
bool gk_record_equal(const gk_record *a, const gk_record *b);

/* Helpers for building nested values (lists of hits, sub-maps): memory that
 * lives as long as the record.  Objects built here may be passed to
 * gk_record_set_object, which then copies them (cheaply enough). */
void *gk_record_alloc(gk_record *rec, size_t size);
bool gk_object_str_eq(const msgpack_object *o, const char *s);

#endif

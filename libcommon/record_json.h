/*
 * record_json.h - records as JSON objects, for gk-cat and for reading JSON
 * lines wherever a stream is read.
 *
 * The mapping (man/gk-stream.5, "JSON form"): maps, arrays, strings,
 * integers, booleans and nil map to their JSON twins; floats are printed in
 * the shortest form that reads back to the same bits, with ".0" kept on
 * whole numbers so they stay floats; non-finite floats become null.  The
 * numeric payload of a stream (info->payload) is a flat JSON array of its
 * values; any other binary field is {"$base64": "..."}.  Converting a
 * record to JSON and back gives the same record, byte for byte once packed.
 */
#ifndef GK_RECORD_JSON_H
#define GK_RECORD_JSON_H

#include <jansson.h>

#include "buf.h"
#include "record.h"
#include "stream.h"

/* Append rec as one JSON object (no newline).  info may be NULL (no
 * payload).  GK_EDATA when a string is not UTF-8, a map key is not a
 * string, or a value has no JSON form (MessagePack ext). */
int gk_record_to_json(gk_buf *out, const gk_record *rec, const gk_stream_info *info, gk_error *err);

/* Convert a parsed JSON object into a new record.  info may be NULL. */
int gk_record_from_json_value(gk_record **out, json_t *obj, const gk_stream_info *info, gk_error *err);

/* Parse one line of JSON text into a jansson value (caller json_decref's),
 * GK_EDATA with the column of the problem. */
int gk_json_parse_line(json_t **out, const char *text, size_t len, gk_error *err);

/* Shortest text that reads back to the same value ("%.9g" at most). */
void gk_format_float(char buf[32], float v);
void gk_format_double(char buf[32], double v);

#endif

/*
 * stream.h - reading and writing gk streams (format: man/gk-stream.5).
 *
 * A stream is MessagePack: a header map ({"gk": 1, "type": ...}), records
 * (maps), and a trailer map ({"gk_end": N}, N = records since the header).
 * Streams may be concatenated; a repeated header must agree with the first.
 *
 * The reader streams: it holds one record's bytes at a time (bounded by
 * GK_STREAM_MAX_RECORD), checks every record against its stream type's
 * rules (payload lengths against dtype and shape), and treats a missing
 * trailer as an error, so a stream cut short upstream is never mistaken for
 * a complete one.  Errors carry "INPUT: record N (byte B): what".
 *
 * The writer buffers, writes the header first and the trailer on close, and
 * reports a failed write once (GK_EPIPE when the reader went away).
 */
#ifndef GK_STREAM_H
#define GK_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dtype.h"
#include "error.h"
#include "record.h"

#define GK_STREAM_VERSION 1
/* The largest record a reader accepts (bytes). */
#define GK_STREAM_MAX_RECORD ((size_t)1 << 30)

/* ---- reading ---- */

typedef struct gk_stream_reader gk_stream_reader;

/* Open inputs (paths; "-" or NULL is stdin) as one stream and read the first
 * header.  want_type, when not NULL, is the stream type the caller needs.
 * An input that is empty or holds no header is an error.  Returns 0 or a
 * GK_E* code; *out is NULL on error. */
int gk_stream_open(gk_stream_reader **out, const char *const *paths, size_t npaths,
		   const char *want_type, gk_error *err);

/* The same, reading from an open file descriptor named name (not closed). */
int gk_stream_open_fd(gk_stream_reader **out, int fd, const char *name,
		      const char *want_type, gk_error *err);

/* The header of the stream; borrowed, valid until gk_stream_close. */
const gk_record *gk_stream_header(const gk_stream_reader *r);

/* Read the next record into *rec (the caller owns it).  Returns 1 for a
 * record, 0 at the end of the last input, or a GK_E* code. */
int gk_stream_read(gk_stream_reader *r, gk_record **rec, gk_error *err);

/* Where the reader is, for a caller's own messages about the last record:
 * "INPUT: record N (byte B)". */
void gk_stream_where(const gk_stream_reader *r, char *buf, size_t size);

void gk_stream_close(gk_stream_reader *r);

/* ---- writing ---- */

typedef struct gk_stream_writer gk_stream_writer;

/* A writer on fd (not closed by the writer) that writes header at once.
 * name is for messages ("stdout" or the path). */
int gk_stream_writer_open(gk_stream_writer **out, int fd, const char *name,
			  const gk_record *header, gk_error *err);

/* Append one record.  A write error is returned here once, and later calls
 * return the same code without writing. */
int gk_stream_write(gk_stream_writer *w, const gk_record *rec, gk_error *err);

/* Write the trailer, flush, free.  Returns 0 or the first error. */
int gk_stream_writer_close(gk_stream_writer *w, gk_error *err);

/* Free without writing a trailer: for a program that failed, so that what
 * it wrote is visibly incomplete to the next reader. */
void gk_stream_writer_abandon(gk_stream_writer *w);

/* Records written so far. */
uint64_t gk_stream_written(const gk_stream_writer *w);

/* ---- headers and stream types ---- */

/* What a header says about its records, checked (gk_stream_info_parse). */
typedef struct gk_stream_info {
	char type[16];      /* "tokens", "hidden", "vectors", "hits", "examples", "text", ... */
	int version;        /* the header's "gk" */
	gk_dtype dtype;     /* payload element type (hidden, vectors), else GK_DTYPE_INVALID */
	size_t dim;         /* payload width (hidden, vectors), else 0 */
	const char *payload; /* field holding the numeric payload ("hidden", "vector"), or NULL */
} gk_stream_info;

/* Check a header and describe it.  GK_EDATA (with the reason) for a header
 * of another version, of no type, or missing what its type requires. */
int gk_stream_info_parse(gk_stream_info *info, const gk_record *header, gk_error *err);

/* Check one record against its stream's rules: required fields present and
 * typed, payload length equal to what dtype and shape say. */
int gk_stream_check_record(const gk_stream_info *info, const gk_record *rec, gk_error *err);

/* The stream info of an open reader (valid until close). */
const gk_stream_info *gk_stream_reader_info(const gk_stream_reader *r);

/* A new header {"gk": GK_STREAM_VERSION, "type": type}; NULL on OOM. */
gk_record *gk_header_new(const char *type);

#endif

/*
 * filter.h - the frame every stream-to-stream program shares: open the
 * inputs as one stream of the wanted type, write a new header to stdout,
 * and at the end either close the output with its trailer or, after an
 * error, abandon it without one, report the error and pick the exit status.
 *
 * Program-side: like cli.h, this prints (the error, once).  The record loop
 * itself stays in each program.
 */
#ifndef GK_FILTER_H
#define GK_FILTER_H

#include "progress.h"
#include "stream.h"

typedef struct gk_filter {
	gk_stream_reader *in;
	gk_stream_writer *out;
	gk_progress progress;
	gk_error err;
} gk_filter;

/* Open paths (none: stdin) as a stream of in_type (NULL: any).
 * Returns 0 or a GK_E* code (message in f->err). */
int gk_filter_open(gk_filter *f, char *const *paths, size_t npaths, const char *in_type);

/* A copy of the input header to edit into the output header; NULL (and
 * f->err set) when out of memory. */
gk_record *gk_filter_header_copy(gk_filter *f, const char *out_type);

/* Start the output on stdout with header (not taken over). */
int gk_filter_start(gk_filter *f, const gk_record *header);

/* Read the next record: 1, 0 at the end, or a GK_E* code. */
int gk_filter_read(gk_filter *f, gk_record **rec);

/* Write a record and count it for progress. */
int gk_filter_write(gk_filter *f, const gk_record *rec);

/* Set f->err to "INPUT: record N (byte B): " + message for a record the
 * program finds bad; returns code. */
int gk_filter_record_error(gk_filter *f, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* End: trailer when rc == 0, else no trailer and the error reported.
 * Frees everything; returns the exit status. */
int gk_filter_finish(gk_filter *f, int rc);

#endif

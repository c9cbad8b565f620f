/*
 * record_source.h - text records from any input a user has: a gk stream of
 * text records, or anything gk_input reads (plain text, JSON lines, BEIR
 * files, archives), told apart by the first byte, on pipes too.  For the
 * programs that take passages or queries: gk-tokenize, gk-relabel's
 * passage table, gk-generate.
 */
#ifndef GK_RECORD_SOURCE_H
#define GK_RECORD_SOURCE_H

#include "fd_sniff.h"
#include "input.h"
#include "stream.h"

typedef struct gk_record_source {
	gk_sniff sniff;
	int fd;
	gk_input *text;
	gk_stream_reader *stream;
	char *name;
} gk_record_source;

/* Open path ("-" is stdin).  opt is for gk_input (may be NULL).  On error
 * the source is left closed (gk_record_source_close is still safe). */
int gk_record_source_open(gk_record_source *s, const char *path, const gk_input_options *opt, gk_error *err);

/* 1 with a record (caller frees), 0 at the end, or a GK_E* code. */
int gk_record_source_next(gk_record_source *s, gk_record **rec, gk_error *err);

/* "FILE: line N" or "FILE: record N (byte B)" for the last record. */
void gk_record_source_where(gk_record_source *s, char *buf, size_t size);

void gk_record_source_close(gk_record_source *s);

#endif

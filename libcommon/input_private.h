/*
 * input_private.h - the gk_input reader's state, shared by input.c (lines,
 * records, dispatch), input_json.c (one JSON line to a record) and
 * input_archive.c (libarchive).  Not for use outside those files.
 */
#ifndef GK_INPUT_PRIVATE_H
#define GK_INPUT_PRIVATE_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "input.h"

struct archive;
struct archive_entry;

/* How the bytes of the current text (the file, the content of a compressed
 * file, or one archive member) become records. */
enum content {
	CONTENT_NONE,  /* none open: the next archive member comes next */
	CONTENT_LINES, /* a record per line */
	CONTENT_JSONL, /* a JSON object per line */
	CONTENT_WHOLE, /* the whole member is one record */
	CONTENT_DONE,  /* the end of the input */
};

struct gk_input {
	gk_input_options opt;  /* field names point to the copies below */
	char *text_field, *id_field, *title_field;
	char *name;            /* for messages and ids: the path, or "stdin" */
	int fd;
	bool own_fd;           /* opened by us: close it */
	int format;            /* what the input is (gk_input_format) */

	/* libarchive, for archives and compressed files; NULL otherwise */
	struct archive *ar;
	bool raw;              /* a single compressed file, not an archive */
	bool seekable;         /* fd is a regular file */
	char *head;            /* (head_len) bytes read while sniffing, which
	                        * libarchive must be handed first */
	size_t head_len;
	char *block;           /* (GK_INPUT_BLOCK) read buffer for libarchive */
	int read_errno;        /* errno of a failed read in a libarchive callback */
	struct archive_entry *entry; /* libarchive's current header */
	bool pending;          /* entry read by open, not yet handed out */
	bool archive_done;     /* no more headers */
	long long archive_base; /* fd offset where reading started */
	char *member;          /* path of the current member as stored */
	char *member_id;       /* the id it gives (maybe stripped) */
	int64_t member_size;   /* its size, or -1 when the archive does not say */

	/* the current text */
	int content;           /* enum content */
	bool eof;              /* no more bytes after buf[end] */
	char *buf;             /* (cap) bytes; unread text is buf[start, end) */
	size_t cap, start, end, scan; /* scan: no LF in buf[start, scan) */
	uint64_t line;         /* lines read in the current text */

	char *fix;             /* (fix_cap) UTF-8 repair scratch */
	size_t fix_cap;
	char *id;              /* (id_cap) generated ids "NAME:LINE" */
	size_t id_cap;
	msgpack_sbuffer sbuf;  /* a JSON line's record, packed */

	int fatal;             /* a fatal error's code, repeated ever after */
	gk_error fatal_err;
	char where[1536];
};

enum { GK_INPUT_BLOCK = 64 * 1024 };

/* input_json.c: the record of one JSON line (valid UTF-8, not blank), or
 * GK_EDATA / GK_ENOMEM with a message that does not say where.  default_id
 * is the id when the line has none. */
int gk_input_json_record(gk_input *in, const char *line, size_t len, const char *default_id,
			 gk_record **out, gk_error *err);

/* input_archive.c */
/* Whether the first n bytes of a file look compressed or archived. */
bool gk_input_archive_magic(const char *p, size_t n);
/* Whether n bytes (fewer than magic needs) already show text: no magic
 * at the start and a newline where tar's header would have a name.  Saves
 * waiting for more bytes of a slow pipe. */
bool gk_input_archive_ruled_out(const char *p, size_t n);
/* Hand fd, with in->head read from it already, to libarchive and read the
 * first header.  0 or a fatal error. */
int gk_input_archive_open(gk_input *in, gk_error *err);
/* Move to the next regular member: 1 (in->member set, data ready), 0 at
 * the end, or a fatal error. */
int gk_input_archive_next(gk_input *in, gk_error *err);
/* Read member (or raw) data: bytes read, 0 at its end, GK_EDATA when the
 * member cannot be extracted but the archive goes on (*fatal false) or the
 * archive is broken (*fatal true). */
long gk_input_archive_read(gk_input *in, void *dst, size_t n, bool *fatal, gk_error *err);
void gk_input_archive_close(gk_input *in);

#endif

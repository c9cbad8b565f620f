/*
 * input.h - reading text corpora into gk_records: plain text, JSON lines
 * (BEIR corpus.jsonl and queries.jsonl included) and archives (tar, zip,
 * cpio, 7z, ... plain or compressed, and single compressed files such as
 * corpus.jsonl.gz), one record at a time.
 *
 * What a record holds, in this order:
 *   "id"     always a string.  JSON lines: the id field converted (numbers
 *            become their decimal text).  Whole archive members: the member
 *            path as stored (or stripped, see strip_member_path).  Anything
 *            else without an id: "NAME:LINE", where NAME is the input name
 *            ("stdin" for "-") or the member path, LINE counts from 1.
 *   "text"   the text, valid UTF-8, without its line ending.
 *   "title"  when the input has one (JSON lines only).
 *   then every other field of a JSON line, in its order, unchanged (JSON
 *   strings, integers, reals, booleans, null, arrays and objects become the
 *   MessagePack values of the same kind).
 * Source fields are renamed, not copied: BEIR's "_id" comes out as "id".
 * JSON limits: integers must fit int64 (a bigger one is an error, not a
 * rounded real), values may nest 30 deep (MessagePack readers stop at 32),
 * duplicate keys are an error, and a line holds exactly one object.
 *
 * How the input is read (format GK_INPUT_AUTO, the default, decides by
 * content, never by file name, so stdin works like a file):
 *   - compressed or archive magic bytes (gzip, xz, bzip2, zstd, lz4, lzip,
 *     zip, tar, 7z, rar, cpio, ar, xar, cab, warc) -> libarchive.  A single
 *     compressed file (libarchive's "raw" format) is read like the file it
 *     holds.  In a real archive each regular member is one record: its
 *     whole content, minus one final line ending (text files end with a
 *     newline by convention; the newline is not part of the document).
 *     With member_lines each line of a member is a record instead, id
 *     "MEMBER:LINE".  A member named *.jsonl or *.json, or whose content
 *     starts with '{', is read as JSON lines.  Directories, links and other
 *     non-regular members are skipped; archives inside archives are not
 *     opened.  mtree is never enabled: an mtree file names files on the
 *     local disk, which an untrusted input must not be able to read.
 *   - else, when the first byte that is not white space is '{': JSON lines.
 *   - else: plain text, one record per line.
 * Lines end with LF or CRLF; the ending is not part of the text.  A UTF-8
 * byte order mark at the start of a file or member is dropped.  A last
 * line without an ending is still a line.
 *
 * Errors: record errors (invalid UTF-8, a JSON line that does not parse or
 * is not an object, a missing or non-string text, a bad id or title, an
 * empty text, an oversized archive member, a member libarchive cannot
 * extract) leave the reader after the bad record: gk_input_next may be
 * called again to go on.  Fatal errors (I/O, a corrupt or truncated
 * archive, a line over max_line) make every later call return the same
 * error.  Messages say where: "FILE: line N: what", "ARCHIVE: member
 * PATH: line N: what", or "ARCHIVE: member PATH: what" for whole members.
 *
 * Memory: the reader streams.  It holds one line (at most max_line bytes)
 * or one whole member (at most max_line bytes) and libarchive's buffers,
 * never a whole file.
 *
 * This header deliberately knows nothing of tokenizers or streams: it makes
 * records; programs decide what to do with them.
 */
#ifndef GK_INPUT_H
#define GK_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "record.h"

enum gk_input_format {
	GK_INPUT_AUTO = 0, /* by content, as above */
	GK_INPUT_LINES,    /* text, never JSON: files one record per line, archive
	                    * members whole (or per line with member_lines);
	                    * compression is still undone */
	GK_INPUT_JSONL,    /* JSON lines, in files and archive members alike;
	                    * compression is still undone */
	GK_INPUT_ARCHIVE,  /* always through libarchive, for formats without
	                    * magic bytes (old tar, ISO 9660); content by AUTO */
};

enum gk_input_utf8 {
	GK_INPUT_UTF8_ERROR = 0, /* invalid UTF-8 is a record error (default) */
	GK_INPUT_UTF8_REPLACE,   /* replaced by U+FFFD as Python's
	                          * bytes.decode("utf-8", errors="replace") does */
};

enum gk_input_empty {
	GK_INPUT_EMPTY_ERROR = 0, /* an empty text is a record error (default):
	                           * an empty line is more often a mistake (a
	                           * blank line at the end, a missing field) than
	                           * a document, and nothing is dropped silently */
	GK_INPUT_EMPTY_SKIP,      /* no record for it */
	GK_INPUT_EMPTY_KEEP,      /* a record with text "" */
};

/* A JSON-lines line that is empty or only white space holds no object: it
 * is skipped with GK_INPUT_EMPTY_SKIP and an error otherwise.  "Empty"
 * means zero bytes; a text of spaces is not empty. */

#define GK_INPUT_DEFAULT_MAX_LINE ((size_t)64 << 20)

typedef struct gk_input_options {
	const char *text_field;  /* JSON field of the text; default "text" */
	const char *id_field;    /* JSON field of the id; default NULL: "_id",
	                          * else "id"; absent ids get "NAME:LINE" */
	const char *title_field; /* JSON field of the title; default "title" */
	int format;              /* enum gk_input_format */
	bool member_lines;       /* archive members: one record per line */
	bool strip_member_path;  /* archive member ids without directory and
	                          * last extension: "debdesc-small/a/apt.txt"
	                          * -> "apt" (the BEIR id of that document) */
	int invalid_utf8;        /* enum gk_input_utf8 */
	int empty;               /* enum gk_input_empty */
	size_t max_line;         /* longest line or whole member in bytes,
	                          * without its line ending; 0: the default */
} gk_input_options;

typedef struct gk_input gk_input;

/* Defaults: every field as described above. */
void gk_input_options_init(gk_input_options *opt);

/* Open path ("-" is stdin) and detect its form: up to 512 bytes are read
 * to sniff it, fewer when they are clearly text already (a newline and no
 * magic), so a slow pipe gives its first line at once.  opt may be NULL for
 * the defaults; its strings are copied.  Returns 0, GK_ENOINPUT (no such
 * file, unreadable, a directory), GK_EIO, GK_EDATA (an archive libarchive
 * rejects at once), GK_EUSAGE (an enum option out of range) or GK_ENOMEM;
 * *out is NULL on error. */
int gk_input_open(gk_input **out, const char *path, const gk_input_options *opt, gk_error *err);

/* The same on an open file descriptor, which is not closed; name is used in
 * messages and generated ids. */
int gk_input_open_fd(gk_input **out, int fd, const char *name, const gk_input_options *opt,
		     gk_error *err);

/* The next record into *rec (the caller owns it and frees it with
 * gk_record_free).  Returns 1 for a record, 0 at the end, or a negative
 * GK_E* code (see "Errors" above); *rec is NULL unless 1 is returned. */
int gk_input_next(gk_input *in, gk_record **rec, gk_error *err);

/* Where the reader is: "FILE: line N", "ARCHIVE: member PATH: line N" or
 * "ARCHIVE: member PATH", for callers' messages about the last record.
 * Owned by in; valid until the next call on in. */
const char *gk_input_where(gk_input *in);

/* The name used in messages: the path, or "stdin". Owned by in. */
const char *gk_input_name(const gk_input *in);

/* What the input turned out to be: GK_INPUT_LINES, GK_INPUT_JSONL or
 * GK_INPUT_ARCHIVE (a real archive; a single compressed file reports the
 * form of its content). */
int gk_input_format(const gk_input *in);

void gk_input_close(gk_input *in);

/* Option values by name, for command lines: "auto", "lines", "jsonl",
 * "archive"; "error", "replace"; "error", "skip", "keep".  Return the enum
 * value, or -1 for an unknown name. */
int gk_input_format_parse(const char *name);
int gk_input_utf8_parse(const char *name);
int gk_input_empty_parse(const char *name);

#endif

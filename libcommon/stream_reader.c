/*
 * stream_reader.c - reading one logical stream from several inputs.
 *
 * Each input is sniffed by its first byte: '{' (or white space) means JSON
 * lines, anything else MessagePack.  MessagePack objects are measured by
 * gk_msgpack_scan before msgpack-c parses them, so the buffer holds at most
 * one record (plus a read's worth) and hostile sizes are refused early.
 * Every record is checked against the stream type (stream_types.c).
 *
 * Not here: anything about what a program does with records.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msgpack_scan.h"
#include "record_json.h"
#include "stream.h"

enum { READ_CHUNK = 1 << 16 };
enum state { EXPECT_HEADER, IN_BODY, AFTER_TRAILER };

struct gk_stream_reader {
	char **paths;          /* (npaths) copies; "-" is stdin */
	size_t npaths, next_path;
	int fd;                /* current input, -1 when none */
	bool own_fd;
	char *name;            /* current input's name for messages */
	bool json;             /* current input is JSON lines */

	unsigned char *buf;    /* bytes [start, end) not yet consumed */
	size_t cap, start, end;
	bool eof;
	uint64_t consumed;     /* input bytes before buf[start] */
	uint64_t obj_offset;   /* input offset of the object being handled */
	uint64_t line;         /* JSON: line number of the last line read */

	enum state state;
	bool saw_object;       /* the current input held at least one object */
	uint64_t count;        /* records since the last header */
	uint64_t record_no;    /* records read from the current input */

	gk_record *header;     /* the first header: the stream's */
	gk_stream_info info;
	const char *want_type;
	gk_record *pending;    /* JSON: a record read while inferring the header */
};

/* Prefix err with where the reader is. */
static int at(gk_stream_reader *r, gk_error *err, const char *what)
{
	if (r->json)
		return gk_error_prefix(err, "%s: line %llu", r->name, (unsigned long long)r->line);
	if (!strcmp(what, "header"))
		return gk_error_prefix(err, "%s: header (byte %llu)", r->name, (unsigned long long)r->obj_offset);
	return gk_error_prefix(err, "%s: record %llu (byte %llu)", r->name,
		(unsigned long long)r->record_no + 1, (unsigned long long)r->obj_offset);
}

void gk_stream_where(const gk_stream_reader *r, char *buf, size_t size)
{
	if (r->json)
		snprintf(buf, size, "%s: line %llu", r->name, (unsigned long long)r->line);
	else
		snprintf(buf, size, "%s: record %llu (byte %llu)", r->name,
			(unsigned long long)r->record_no, (unsigned long long)r->obj_offset);
}

static void close_input(gk_stream_reader *r)
{
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	free(r->name);
	r->name = NULL;
}

/* Read more bytes into the buffer; 1 read, 0 at EOF, <0 error. */
static int fill(gk_stream_reader *r, size_t limit, gk_error *err)
{
	ssize_t n;

	if (r->eof)
		return 0;
	if (r->start > 0 && (r->end == r->cap || r->start > r->cap / 2)) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->consumed += r->start;
		r->start = 0;
	}
	if (r->cap - r->end < READ_CHUNK / 4) {
		size_t cap = r->cap ? r->cap * 2 : READ_CHUNK;
		unsigned char *b;

		if (r->cap >= limit + READ_CHUNK)
			return gk_error_set(err, GK_EDATA, "record larger than %zu bytes", limit);
		b = realloc(r->buf, cap);
		if (!b)
			return gk_error_nomem(err);
		r->buf = b;
		r->cap = cap;
	}
	do
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return gk_error_set(err, GK_EIO, "%s: read error: %s", r->name, strerror(errno));
	if (n == 0) {
		r->eof = true;
		return 0;
	}
	r->end += (size_t)n;
	return 1;
}

static int open_input(gk_stream_reader *r, const char *path, gk_error *err)
{
	bool is_stdin = !strcmp(path, "-");

	r->fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY);
	if (r->fd < 0)
		return gk_error_set(err, errno == ENOENT ? GK_ENOINPUT : GK_EIO, "%s: %s", path, strerror(errno));
	r->own_fd = !is_stdin;
	r->name = strdup(is_stdin ? "<stdin>" : path);
	if (!r->name)
		return gk_error_nomem(err);
	r->start = r->end = 0;
	r->consumed = r->obj_offset = r->line = 0;
	r->eof = false;
	r->json = false;
	r->state = EXPECT_HEADER;
	r->saw_object = false;
	r->count = r->record_no = 0;
	return 0;
}

/* Sniff the current input's format from its first byte. */
static int sniff(gk_stream_reader *r, gk_error *err)
{
	int rc;

	while (r->end == r->start)
		if ((rc = fill(r, GK_STREAM_MAX_RECORD, err)) <= 0)
			return rc < 0 ? rc : 0;
	unsigned char c = r->buf[r->start];
	r->json = c == '{' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
	return 0;
}

/* The next MessagePack object: *p and *len inside the buffer (valid until
 * the next call).  1, 0 at a clean end of input, <0 error. */
static int next_msgpack(gk_stream_reader *r, const unsigned char **p, size_t *len, gk_error *err)
{
	for (;;) {
		size_t size = 0;
		int rc = r->end > r->start
			? gk_msgpack_scan(r->buf + r->start, r->end - r->start, GK_STREAM_MAX_RECORD, &size)
			: GK_SCAN_MORE;

		r->obj_offset = r->consumed + r->start;
		if (rc == GK_SCAN_COMPLETE) {
			*p = r->buf + r->start;
			*len = size;
			r->start += size;
			return 1;
		}
		if (rc == GK_SCAN_INVALID)
			return gk_error_set(err, GK_EDATA, "not MessagePack: byte 0x%02x at offset %llu",
				r->buf[r->start + size], (unsigned long long)(r->obj_offset + size));
		if (rc == GK_SCAN_TOO_LARGE)
			return gk_error_set(err, GK_EDATA, "object larger than the %zu-byte record limit",
				GK_STREAM_MAX_RECORD);
		rc = fill(r, GK_STREAM_MAX_RECORD, err);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			if (r->end == r->start)
				return 0;
			return gk_error_set(err, GK_EDATA, "input ends in the middle of an object (%zu of its bytes present)",
				r->end - r->start);
		}
	}
}

/* The next non-blank JSON line (without its newline). */
static int next_line(gk_stream_reader *r, const char **p, size_t *len, gk_error *err)
{
	for (;;) {
		unsigned char *nl = r->end > r->start ? memchr(r->buf + r->start, '\n', r->end - r->start) : NULL;
		size_t n;
		int rc;

		if (!nl && !r->eof) {
			if ((rc = fill(r, GK_STREAM_MAX_RECORD, err)) < 0)
				return rc;
			continue;
		}
		if (!nl && r->end == r->start)
			return 0;
		n = nl ? (size_t)(nl - (r->buf + r->start)) : r->end - r->start;
		*p = (const char *)r->buf + r->start;
		r->obj_offset = r->consumed + r->start;
		r->start += n + (nl != NULL);
		r->line++;
		*len = n;
		while (*len && ((*p)[*len - 1] == '\r' || (*p)[*len - 1] == ' ' || (*p)[*len - 1] == '\t'))
			(*len)--;
		if (*len)
			return 1;
	}
}

/* Guess the header of a JSON lines input that has none, from its first record. */
static int infer_header(gk_stream_reader *r, json_t *obj, gk_record **out, gk_error *err)
{
	const char *type = "text";
	json_t *v;
	gk_record *h;
	size_t dim = 0;

	if ((v = json_object_get(obj, "vector")) && json_is_array(v)) {
		type = "vectors";
		dim = json_array_size(v);
	} else if ((v = json_object_get(obj, "hidden")) && json_is_array(v)) {
		json_int_t n = json_integer_value(json_object_get(obj, "n_tokens"));
		type = "hidden";
		if (n <= 0 || json_array_size(v) % (size_t)n)
			return gk_error_set(err, GK_EDATA, "cannot tell the hidden size: \"n_tokens\" must divide the length of \"hidden\"");
		dim = json_array_size(v) / (size_t)n;
	} else if (json_object_get(obj, "ids")) {
		type = "tokens";
	} else if (json_object_get(obj, "hits")) {
		type = "hits";
	} else if (json_object_get(obj, "positive")) {
		type = "examples";
	}
	if (r->want_type && strcmp(type, r->want_type) && !strcmp(type, "text"))
		type = r->want_type;
	h = gk_header_new(type);
	if (!h || (dim && (gk_record_set_int(h, "dim", (int64_t)dim) < 0 || gk_record_set_cstr(h, "dtype", "f32") < 0))) {
		gk_record_free(h);
		return gk_error_nomem(err);
	}
	*out = h;
	return 0;
}

static bool has_key(const gk_record *rec, const char *key)
{
	return gk_record_get(rec, key) != NULL;
}

/* The next object of the current input as a record: 1, 0 at its end, <0. */
static int next_object(gk_stream_reader *r, gk_record **rec, gk_error *err)
{
	if (r->pending) {
		*rec = r->pending;
		r->pending = NULL;
		return 1;
	}
	if (r->json) {
		const char *line;
		size_t len;
		json_t *obj;
		int rc = next_line(r, &line, &len, err);

		if (rc <= 0)
			return rc;
		if ((rc = gk_json_parse_line(&obj, line, len, err)) < 0)
			return rc;
		if (json_object_get(obj, "gk") || json_object_get(obj, "gk_end")) {
			rc = gk_record_from_json_value(rec, obj, NULL, err);
		} else if (r->state == EXPECT_HEADER) {
			/* no header line: make one up and keep this record for later */
			gk_stream_info info;
			rc = infer_header(r, obj, rec, err);
			if (rc == 0 && (rc = gk_stream_info_parse(&info, *rec, err)) == 0)
				rc = gk_record_from_json_value(&r->pending, obj, &info, err);
			if (rc < 0) {
				gk_record_free(*rec);
				*rec = NULL;
			}
		} else {
			rc = gk_record_from_json_value(rec, obj, &r->info, err);
		}
		json_decref(obj);
		return rc < 0 ? rc : 1;
	}
	const unsigned char *p = NULL;
	size_t len = 0;
	int rc = next_msgpack(r, &p, &len, err);

	if (rc <= 0)
		return rc;
	return gk_record_parse(rec, p, len, err) < 0 ? err->code : 1;
}

static int take_header(gk_stream_reader *r, gk_record *h, gk_error *err)
{
	gk_stream_info info;
	int rc = gk_stream_info_parse(&info, h, err);

	if (rc < 0) {
		gk_record_free(h);
		return rc;
	}
	if (!r->header) {
		if (r->want_type && strcmp(info.type, r->want_type)) {
			gk_record_free(h);
			return gk_error_set(err, GK_EDATA, "this is a '%s' stream, but a '%s' stream is wanted here",
				info.type, r->want_type);
		}
		r->header = h;
		r->info = info;
		r->info.payload = info.payload;
	} else {
		bool same = gk_record_equal(r->header, h);
		gk_record_free(h);
		if (!same)
			return gk_error_set(err, GK_EDATA, "header differs from the first input's: streams of different kinds cannot be concatenated");
	}
	r->state = IN_BODY;
	r->count = 0;
	return 0;
}

static int take_trailer(gk_stream_reader *r, gk_record *t, gk_error *err)
{
	int64_t n;
	bool ok = gk_record_get_int(t, "gk_end", &n);

	gk_record_free(t);
	if (!ok || n < 0)
		return gk_error_set(err, GK_EDATA, "trailer: \"gk_end\" must be the record count");
	if (r->state != IN_BODY)
		return gk_error_set(err, GK_EDATA, "trailer without a header before it");
	if ((uint64_t)n != r->count)
		return gk_error_set(err, GK_EDATA, "trailer counts %lld records, but %llu came before it: records were lost upstream",
			(long long)n, (unsigned long long)r->count);
	r->state = AFTER_TRAILER;
	return 0;
}

/* Move to the next input: 1 opened, 0 none left, <0 error. */
static int advance(gk_stream_reader *r, gk_error *err)
{
	int rc;

	close_input(r);
	if (r->next_path >= r->npaths)
		return 0;
	if ((rc = open_input(r, r->paths[r->next_path++], err)) < 0)
		return rc;
	if ((rc = sniff(r, err)) < 0)
		return rc;
	return 1;
}

/* The next record or header/trailer handling; the core of gk_stream_read. */
static int read_any(gk_stream_reader *r, gk_record **out, gk_error *err)
{
	for (;;) {
		gk_record *rec;
		int rc;

		if (r->fd < 0) {
			if ((rc = advance(r, err)) <= 0)
				return rc;
		}
		rc = next_object(r, &rec, err);
		if (rc < 0)
			return at(r, err, r->state == EXPECT_HEADER ? "header" : "record");
		if (rc == 0) {
			if (!r->saw_object)
				return gk_error_set(err, GK_EDATA, "%s: empty input, not a gk stream", r->name);
			if (r->state == IN_BODY && !r->json)
				return gk_error_set(err, GK_EDATA,
					"%s: stream cut short: it ends after %llu records without its trailer (did the program writing it fail?)",
					r->name, (unsigned long long)r->count);
			close_input(r);
			continue;
		}
		r->saw_object = true;
		if (has_key(rec, "gk")) {
			if (r->state == IN_BODY && !r->json) {
				gk_record_free(rec);
				gk_error_set(err, GK_EDATA, "a new header before the trailer of the stream before it");
				return at(r, err, "header");
			}
			if ((rc = take_header(r, rec, err)) < 0)
				return at(r, err, "header");
			continue;
		}
		if (has_key(rec, "gk_end")) {
			if ((rc = take_trailer(r, rec, err)) < 0)
				return at(r, err, "record");
			continue;
		}
		if (r->state != IN_BODY) {
			gk_record_free(rec);
			gk_error_set(err, GK_EDATA, r->state == EXPECT_HEADER ? "record before any header: not a gk stream"
				: "record after the trailer");
			return at(r, err, "record");
		}
		if ((rc = gk_stream_check_record(&r->info, rec, err)) < 0) {
			gk_record_free(rec);
			return at(r, err, "record");
		}
		r->count++;
		r->record_no++;
		*out = rec;
		return 1;
	}
}

int gk_stream_read(gk_stream_reader *r, gk_record **rec, gk_error *err)
{
	*rec = NULL;
	return read_any(r, rec, err);
}

static int open_common(gk_stream_reader **out, gk_stream_reader *r, const char *want_type, gk_error *err)
{
	int rc;

	r->want_type = want_type;
	/* Read up to the first header, keeping a record that follows it. */
	for (;;) {
		if (r->fd < 0) {
			rc = advance(r, err);
			if (rc == 0)
				rc = gk_error_set(err, GK_EDATA, "no input");
			if (rc < 0)
				break;
		}
		gk_record *rec = NULL;
		rc = next_object(r, &rec, err);
		if (rc < 0) {
			at(r, err, "header");
			break;
		}
		if (rc == 0) {
			rc = gk_error_set(err, GK_EDATA, "%s: empty input, not a gk stream", r->name);
			break;
		}
		r->saw_object = true;
		if (!has_key(rec, "gk")) {
			gk_record_free(rec);
			rc = gk_error_set(err, GK_EDATA, "does not start with a gk stream header");
			at(r, err, "header");
			break;
		}
		if ((rc = take_header(r, rec, err)) < 0) {
			at(r, err, "header");
			break;
		}
		*out = r;
		return 0;
	}
	gk_stream_close(r);
	return rc;
}

int gk_stream_open(gk_stream_reader **out, const char *const *paths, size_t npaths,
		   const char *want_type, gk_error *err)
{
	gk_stream_reader *r = calloc(1, sizeof *r);
	static const char *const dash[] = { "-" };

	*out = NULL;
	if (!r)
		return gk_error_nomem(err);
	r->fd = -1;
	if (npaths == 0) {
		paths = dash;
		npaths = 1;
	}
	r->paths = calloc(npaths, sizeof *r->paths);
	if (!r->paths) {
		free(r);
		return gk_error_nomem(err);
	}
	r->npaths = npaths;
	for (size_t i = 0; i < npaths; i++)
		if (!(r->paths[i] = strdup(paths[i] ? paths[i] : "-"))) {
			gk_stream_close(r);
			return gk_error_nomem(err);
		}
	return open_common(out, r, want_type, err);
}

int gk_stream_open_fd(gk_stream_reader **out, int fd, const char *name, const char *want_type, gk_error *err)
{
	gk_stream_reader *r = calloc(1, sizeof *r);
	int rc;

	*out = NULL;
	if (!r)
		return gk_error_nomem(err);
	r->fd = -1;
	if ((rc = open_input(r, "-", err)) < 0) {
		gk_stream_close(r);
		return rc;
	}
	r->fd = fd;
	free(r->name);
	r->name = strdup(name);
	if (!r->name) {
		gk_stream_close(r);
		return gk_error_nomem(err);
	}
	if ((rc = sniff(r, err)) < 0) {
		gk_stream_close(r);
		return rc;
	}
	return open_common(out, r, want_type, err);
}

const gk_record *gk_stream_header(const gk_stream_reader *r)
{
	return r->header;
}

const gk_stream_info *gk_stream_reader_info(const gk_stream_reader *r)
{
	return &r->info;
}

void gk_stream_close(gk_stream_reader *r)
{
	if (!r)
		return;
	close_input(r);
	for (size_t i = 0; i < r->npaths; i++)
		free(r->paths[i]);
	free(r->paths);
	free(r->buf);
	gk_record_free(r->header);
	gk_record_free(r->pending);
	free(r);
}

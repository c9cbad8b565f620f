/*
 * input.c - gk_input: opening and sniffing an input, splitting text into
 * lines, and turning lines and whole archive members into records (the
 * rules are in input.h).  JSON parsing lives in input_json.c, libarchive
 * in input_archive.c.
 *
 * One buffer holds the text being read: a line is found with memchr and
 * handed out in place, so memory stays at one line (max_line) however big
 * the file is.
 */
#include "input_private.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Enough bytes to see every magic number input_archive.c knows (tar's is
 * at 257). */
enum { SNIFF_BYTES = 512, FIRST_CAP = 64 * 1024 };

void gk_input_options_init(gk_input_options *opt)
{
	memset(opt, 0, sizeof *opt);
	opt->text_field = "text";
	opt->title_field = "title";
	opt->format = GK_INPUT_AUTO;
	opt->invalid_utf8 = GK_INPUT_UTF8_ERROR;
	opt->empty = GK_INPUT_EMPTY_ERROR;
	opt->max_line = GK_INPUT_DEFAULT_MAX_LINE;
}

/* A fatal error: this call and every later one return it. */
static int die(gk_input *in, int code)
{
	in->fatal = code;
	return code;
}

static bool in_archive(const gk_input *in)
{
	return in->ar && !in->raw;
}

/* ---- reading bytes ---- */

/* Read up to n bytes of the current text: the file, or libarchive's data.
 * Bytes read, 0 at the end, or an error (fatal ones through die()). */
static long source_read(gk_input *in, char *dst, size_t n, gk_error *err)
{
	ssize_t r;

	if (in->ar) {
		bool fatal = false;
		long got = gk_input_archive_read(in, dst, n, &fatal, err);

		if (got < 0) {
			if (fatal)
				return die(in, (int)got);
			/* This member is lost; the next one may be fine. */
			in->content = CONTENT_NONE;
		}
		return got;
	}
	do
		r = read(in->fd, dst, n);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return die(in, gk_error_set(err, GK_EIO, "read error: %s", strerror(errno)));
	return (long)r;
}

/* Read more into buf[end, cap), making room first by moving unread bytes to
 * the front or growing buf, up to limit bytes of unread text.  Returns
 * the bytes read, 0 at the end (in->eof), or an error. */
static long fill(gk_input *in, size_t limit, gk_error *err)
{
	long got;

	if (in->eof)
		return 0;
	if (in->end == in->cap && in->start > 0) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->scan -= in->start;
		in->start = 0;
	}
	if (in->end == in->cap) {
		size_t cap = in->cap * 2;
		char *p;

		if (cap > limit)
			cap = limit > in->cap ? limit : in->cap + 1;
		p = realloc(in->buf, cap);
		if (!p)
			return die(in, gk_error_nomem(err));
		in->buf = p;
		in->cap = cap;
	}
	got = source_read(in, in->buf + in->end, in->cap - in->end, err);
	if (got == 0)
		in->eof = true;
	if (got > 0)
		in->end += (size_t)got;
	return got;
}

/* The next line of the current text, in place (valid until the next read):
 * 1, 0 at the end of the text, or an error. */
static int next_line(gk_input *in, char **line, size_t *len, gk_error *err)
{
	size_t limit = in->opt.max_line + 2; /* the text, and CR LF */

	for (;;) {
		char *p = in->buf + in->start, *nl = NULL;
		size_t n;
		long got;

		if (in->scan < in->end)
			nl = memchr(in->buf + in->scan, '\n', in->end - in->scan);
		if (nl || (in->eof && in->start < in->end)) {
			n = nl ? (size_t)(nl - p) : in->end - in->start;
			in->start = nl ? in->start + n + 1 : in->end;
			in->scan = in->start;
			if (nl && n > 0 && p[n - 1] == '\r')
				n--;
			in->line++;
			if (in->line == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
				p += 3;
				n -= 3;
			}
			if (n > in->opt.max_line)
				return gk_error_set(err, GK_EDATA, "line of %zu bytes, over the limit of %zu",
					n, in->opt.max_line);
			*line = p;
			*len = n;
			return 1;
		}
		if (in->eof)
			return 0;
		in->scan = in->end;
		if (in->end - in->start >= limit) {
			/* No end in sight: we cannot find the next line. */
			in->line++;
			return die(in, gk_error_set(err, GK_EDATA, "line longer than the limit of %zu bytes",
				in->opt.max_line));
		}
		got = fill(in, limit, err);
		if (got < 0)
			return (int)got;
	}
}

/* ---- where ---- */

/* A member path or a bit of a bad line quoted by jansson may hold any
 * byte; a message stays on one line. */
static void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

const char *gk_input_where(gk_input *in)
{
	if (in_archive(in) && in->member && in->line > 0)
		snprintf(in->where, sizeof in->where, "%s: member %s: line %" PRIu64, in->name,
			 in->member, in->line);
	else if (in_archive(in) && in->member)
		snprintf(in->where, sizeof in->where, "%s: member %s", in->name, in->member);
	else if (in->line > 0)
		snprintf(in->where, sizeof in->where, "%s: line %" PRIu64, in->name, in->line);
	else
		snprintf(in->where, sizeof in->where, "%s", in->name);
	one_line(in->where);
	return in->where;
}

const char *gk_input_name(const gk_input *in)
{
	return in->name;
}

int gk_input_format(const gk_input *in)
{
	return in->format;
}

/* ---- records ---- */

/* Make *text valid UTF-8 by the invalid_utf8 rule: 0 or a record error. */
static int clean_utf8(gk_input *in, const char **text, size_t *len, gk_error *err)
{
	size_t bad = gk_utf8_check(*text, *len);

	if (bad == *len)
		return 0;
	if (in->opt.invalid_utf8 != GK_INPUT_UTF8_REPLACE)
		return gk_error_set(err, GK_EDATA, "invalid UTF-8 at byte %zu (0x%02x)", bad + 1,
			(unsigned char)(*text)[bad]);
	if (*len > SIZE_MAX / 3)
		return gk_error_nomem(err);
	if (in->fix_cap < GK_UTF8_REPAIR_MAX(*len)) {
		char *p = realloc(in->fix, GK_UTF8_REPAIR_MAX(*len));

		if (!p)
			return gk_error_nomem(err);
		in->fix = p;
		in->fix_cap = GK_UTF8_REPAIR_MAX(*len);
	}
	*len = gk_utf8_repair(*text, *len, in->fix);
	*text = in->fix;
	return 0;
}

/* The generated id "NAME:LINE" of the current line, in in->id. */
static int line_id(gk_input *in, const char **id, gk_error *err)
{
	const char *base = in_archive(in) ? in->member_id : in->name;
	size_t need = strlen(base) + 24;

	if (in->id_cap < need) {
		char *p = realloc(in->id, need);

		if (!p)
			return gk_error_nomem(err);
		in->id = p;
		in->id_cap = need;
	}
	snprintf(in->id, in->id_cap, "%s:%" PRIu64, base, in->line);
	*id = in->id;
	return 0;
}

/* A record of text and id, after the UTF-8 and empty rules: 1, 0 (skipped),
 * or a record error. */
static int text_record(gk_input *in, const char *text, size_t len, const char *id,
		       gk_record **out, gk_error *err)
{
	gk_record *rec;
	int rc = clean_utf8(in, &text, &len, err);

	if (rc < 0)
		return rc;
	if (len == 0 && in->opt.empty == GK_INPUT_EMPTY_SKIP)
		return 0;
	if (len == 0 && in->opt.empty != GK_INPUT_EMPTY_KEEP)
		return gk_error_set(err, GK_EDATA, "empty text");
	rec = gk_record_new();
	if (!rec || gk_record_set_cstr(rec, "id", id) < 0 || gk_record_set_str(rec, "text", text, len) < 0) {
		gk_record_free(rec);
		return gk_error_nomem(err);
	}
	*out = rec;
	return 1;
}

static bool blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}

static int json_line_record(gk_input *in, const char *line, size_t len, gk_record **out,
			    gk_error *err)
{
	const char *id, *text;
	size_t text_len;
	int rc;

	if (blank(line, len)) {
		if (in->opt.empty == GK_INPUT_EMPTY_SKIP)
			return 0;
		return gk_error_set(err, GK_EDATA, "empty line where a JSON object was expected");
	}
	rc = clean_utf8(in, &line, &len, err);
	if (rc == 0)
		rc = line_id(in, &id, err);
	if (rc == 0)
		rc = gk_input_json_record(in, line, len, id, out, err);
	if (rc < 0)
		return rc;
	if (gk_record_get_str(*out, "text", &text, &text_len) && text_len == 0
	    && in->opt.empty != GK_INPUT_EMPTY_KEEP) {
		gk_record_free(*out);
		*out = NULL;
		if (in->opt.empty == GK_INPUT_EMPTY_SKIP)
			return 0;
		return gk_error_set(err, GK_EDATA, "empty text in field '%s'", in->opt.text_field);
	}
	return 1;
}

/* The current member as one record. */
static int whole_record(gk_input *in, gk_record **out, gk_error *err)
{
	size_t limit = in->opt.max_line + 3; /* the text, CR LF, one more */
	const char *p;
	size_t n;

	if (in->member_size >= 0 && (uint64_t)in->member_size > (uint64_t)in->opt.max_line + 2)
		return gk_error_set(err, GK_EDATA, "member of %" PRId64 " bytes, over the limit of %zu",
			in->member_size, in->opt.max_line);
	while (!in->eof) {
		long got;

		if (in->end - in->start >= limit)
			return gk_error_set(err, GK_EDATA, "member over the limit of %zu bytes",
				in->opt.max_line);
		got = fill(in, limit, err);
		if (got < 0)
			return (int)got;
	}
	p = in->buf + in->start;
	n = in->end - in->start;
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		p += 3;
		n -= 3;
	}
	/* The final newline ends the file's last line; it is not text. */
	if (n > 0 && p[n - 1] == '\n') {
		n--;
		if (n > 0 && p[n - 1] == '\r')
			n--;
	}
	if (n > in->opt.max_line)
		return gk_error_set(err, GK_EDATA, "member over the limit of %zu bytes", in->opt.max_line);
	return text_record(in, p, n, in->member_id, out, err);
}

/* ---- texts: files, compressed files, members ---- */

static bool has_json_extension(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot && (strcasecmp(dot, ".jsonl") == 0 || strcasecmp(dot, ".json") == 0);
}

/* The id of a whole member: its path, or its file name without the last
 * extension when asked. */
static int make_member_id(gk_input *in, gk_error *err)
{
	const char *path = in->member, *base, *dot;
	size_t len = strlen(path);
	int rc;

	if (in->opt.strip_member_path) {
		base = strrchr(path, '/');
		base = base ? base + 1 : path;
		dot = strrchr(base, '.');
		path = base;
		len = dot && dot > base ? (size_t)(dot - base) : strlen(base);
	}
	rc = clean_utf8(in, &path, &len, err);
	if (rc < 0) {
		gk_error_prefix(err, "member name");
		return rc;
	}
	free(in->member_id);
	in->member_id = strndup(path, len);
	return in->member_id ? 0 : gk_error_nomem(err);
}

/* Start reading a text whose first bytes may already be in buf: decide
 * between lines, JSON lines and a whole member. */
static int start_text(gk_input *in, gk_error *err)
{
	bool member = in_archive(in);
	int rc, first = 0;

	in->line = 0;
	if (member && (rc = make_member_id(in, err)) < 0)
		return rc;
	if (in->opt.format == GK_INPUT_JSONL || (member && in->opt.format != GK_INPUT_LINES
						 && has_json_extension(in->member))) {
		in->content = CONTENT_JSONL;
		return 0;
	}
	if (in->opt.format != GK_INPUT_LINES) {
		/* Look for the first byte that is not white space (or a BOM). */
		size_t i = 0;

		for (;;) {
			i = in->end >= 3 && memcmp(in->buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
			while (i < in->end && (in->buf[i] == ' ' || in->buf[i] == '\t'
					       || in->buf[i] == '\r' || in->buf[i] == '\n'))
				i++;
			if (i < in->end) {
				first = (unsigned char)in->buf[i];
				break;
			}
			if (in->eof || in->end >= FIRST_CAP)
				break;
			long got = fill(in, FIRST_CAP, err);

			if (got < 0)
				return (int)got;
		}
	}
	if (first == '{')
		in->content = CONTENT_JSONL;
	else
		in->content = member && !in->opt.member_lines ? CONTENT_WHOLE : CONTENT_LINES;
	return 0;
}

static void reset_text(gk_input *in)
{
	in->start = in->end = in->scan = 0;
	in->eof = false;
	in->line = 0;
}

/* ---- open and close ---- */

static char *copy_or(const char *s, const char *dflt)
{
	return strdup(s ? s : dflt);
}

static int setup(gk_input *in, const gk_input_options *opt, gk_error *err)
{
	gk_input_options dflt;

	if (!opt) {
		gk_input_options_init(&dflt);
		opt = &dflt;
	}
	in->opt = *opt;
	if (opt->format < GK_INPUT_AUTO || opt->format > GK_INPUT_ARCHIVE
	    || opt->invalid_utf8 < GK_INPUT_UTF8_ERROR || opt->invalid_utf8 > GK_INPUT_UTF8_REPLACE
	    || opt->empty < GK_INPUT_EMPTY_ERROR || opt->empty > GK_INPUT_EMPTY_KEEP)
		return gk_error_set(err, GK_EUSAGE, "%s: invalid input options", in->name);
	in->text_field = copy_or(opt->text_field, "text");
	in->title_field = copy_or(opt->title_field, "title");
	in->id_field = opt->id_field ? strdup(opt->id_field) : NULL;
	if (!in->text_field || !in->title_field || (opt->id_field && !in->id_field))
		return gk_error_nomem(err);
	in->opt.text_field = in->text_field;
	in->opt.title_field = in->title_field;
	in->opt.id_field = in->id_field;
	if (in->opt.max_line == 0)
		in->opt.max_line = GK_INPUT_DEFAULT_MAX_LINE;
	if (in->opt.max_line > SIZE_MAX / 8)
		in->opt.max_line = SIZE_MAX / 8; /* keeps max_line + 3 and * 3 in range */
	msgpack_sbuffer_init(&in->sbuf);
	in->cap = FIRST_CAP;
	in->buf = malloc(in->cap);
	if (!in->buf)
		return gk_error_nomem(err);
	return 0;
}

/* Read the first bytes and decide: libarchive, or text read directly. */
static int sniff(gk_input *in, gk_error *err)
{
	struct stat st;
	off_t pos;
	int rc;

	pos = lseek(in->fd, 0, SEEK_CUR);
	in->seekable = pos >= 0 && fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode);
	in->archive_base = pos >= 0 ? pos : 0;
	/* A pipe may bring a line at a time: stop as soon as the bytes are
	 * clearly text, so an interactive reader gets its first record. */
	while (!in->eof && in->end < SNIFF_BYTES
	       && (in->opt.format == GK_INPUT_ARCHIVE || !gk_input_archive_ruled_out(in->buf, in->end))) {
		long got = fill(in, FIRST_CAP, err);

		if (got < 0)
			return got;
	}
	if (in->opt.format == GK_INPUT_ARCHIVE || gk_input_archive_magic(in->buf, in->end)) {
		/* libarchive gets the sniffed bytes first; buf starts afresh. */
		in->head = in->buf;
		in->head_len = in->end;
		in->buf = malloc(in->cap);
		if (!in->buf)
			return gk_error_nomem(err);
		reset_text(in);
		rc = gk_input_archive_open(in, err);
		if (rc < 0)
			return rc;
		if (!in->raw) {
			in->format = GK_INPUT_ARCHIVE;
			in->content = CONTENT_NONE;
			return 0;
		}
		if (in->archive_done) {
			in->content = CONTENT_DONE;
			in->format = in->opt.format == GK_INPUT_JSONL ? GK_INPUT_JSONL : GK_INPUT_LINES;
			return 0;
		}
	}
	rc = start_text(in, err);
	in->format = in->content == CONTENT_JSONL ? GK_INPUT_JSONL : GK_INPUT_LINES;
	return rc;
}

static int open_common(gk_input **out, int fd, bool own, const char *name,
		       const gk_input_options *opt, gk_error *err)
{
	gk_input *in = calloc(1, sizeof *in);
	int rc;

	*out = NULL;
	if (!in) {
		if (own)
			close(fd);
		return gk_error_nomem(err);
	}
	in->fd = fd;
	in->own_fd = own;
	in->name = strdup(name);
	if (!in->name)
		rc = gk_error_nomem(err);
	else if ((rc = setup(in, opt, err)) == 0)
		rc = sniff(in, err);
	if (rc < 0) {
		if (in->name)
			gk_error_prefix(err, "%s", gk_input_where(in));
		gk_input_close(in);
		return rc;
	}
	*out = in;
	return 0;
}

int gk_input_open_fd(gk_input **out, int fd, const char *name, const gk_input_options *opt,
		     gk_error *err)
{
	return open_common(out, fd, false, name ? name : "stdin", opt, err);
}

int gk_input_open(gk_input **out, const char *path, const gk_input_options *opt, gk_error *err)
{
	struct stat st;
	int fd;

	*out = NULL;
	if (!path || strcmp(path, "-") == 0)
		return open_common(out, STDIN_FILENO, false, "stdin", opt, err);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return gk_error_set(err, errno == ENOMEM ? GK_ENOMEM : GK_ENOINPUT, "%s: %s", path,
			strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return gk_error_set(err, GK_ENOINPUT, "%s: is a directory", path);
	}
	return open_common(out, fd, true, path, opt, err);
}

void gk_input_close(gk_input *in)
{
	if (!in)
		return;
	gk_input_archive_close(in);
	if (in->own_fd)
		close(in->fd);
	msgpack_sbuffer_destroy(&in->sbuf);
	free(in->buf);
	free(in->fix);
	free(in->id);
	free(in->member_id);
	free(in->name);
	free(in->text_field);
	free(in->id_field);
	free(in->title_field);
	free(in);
}

/* ---- the record loop ---- */

static int next_record(gk_input *in, gk_record **rec, gk_error *err)
{
	for (;;) {
		char *line = NULL;
		size_t len = 0;
		int rc;

		switch (in->content) {
		case CONTENT_DONE:
			return 0;
		case CONTENT_NONE:
			rc = gk_input_archive_next(in, err);
			if (rc <= 0) {
				in->content = CONTENT_DONE;
				return rc < 0 ? die(in, rc) : 0;
			}
			reset_text(in);
			rc = start_text(in, err);
			if (rc < 0) {
				/* A bad member name or a failed read: the next call
				 * skips to the next member. */
				in->content = CONTENT_NONE;
				return rc;
			}
			continue;
		case CONTENT_WHOLE:
			rc = whole_record(in, rec, err);
			in->content = CONTENT_NONE;
			if (rc != 0)
				return rc;
			continue;
		case CONTENT_LINES:
		case CONTENT_JSONL:
			rc = next_line(in, &line, &len, err);
			if (rc < 0)
				return rc;
			if (rc == 0) {
				in->content = in_archive(in) ? CONTENT_NONE : CONTENT_DONE;
				continue;
			}
			rc = in->content == CONTENT_LINES ? 0 : 1;
			if (rc == 0) {
				const char *id;

				rc = line_id(in, &id, err);
				if (rc == 0)
					rc = text_record(in, line, len, id, rec, err);
			} else {
				rc = json_line_record(in, line, len, rec, err);
			}
			if (rc != 0)
				return rc;
			continue;
		}
	}
}

int gk_input_next(gk_input *in, gk_record **rec, gk_error *err)
{
	gk_error e = { 0 };
	int rc;

	*rec = NULL;
	if (in->fatal) {
		if (err)
			*err = in->fatal_err;
		return in->fatal;
	}
	rc = next_record(in, rec, &e);
	if (rc < 0) {
		gk_error_prefix(&e, "%s", gk_input_where(in));
		one_line(e.msg);
		if (in->fatal)
			in->fatal_err = e;
		if (err)
			*err = e;
	}
	return rc;
}

/* ---- option names ---- */

static int lookup(const char *name, const char *const *names, int n)
{
	for (int i = 0; name && i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

int gk_input_format_parse(const char *name)
{
	static const char *const names[] = { "auto", "lines", "jsonl", "archive" };

	return lookup(name, names, 4);
}

int gk_input_utf8_parse(const char *name)
{
	static const char *const names[] = { "error", "replace" };

	return lookup(name, names, 2);
}

int gk_input_empty_parse(const char *name)
{
	static const char *const names[] = { "error", "skip", "keep" };

	return lookup(name, names, 3);
}

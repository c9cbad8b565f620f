/*
 * test-input - unit tests of libcommon's input reader (input.h) and UTF-8
 * helpers (utf8.h) on small inputs written here: plain text, CRLF, JSON
 * lines and their pass-through, stdin, archives and compressed files built
 * with libarchive's writer, and every error with its message.  The real
 * corpus and the shipped archives are tests/input-debdesc.sh's job.
 *
 * Expected values are written out by hand from the rules in input.h, or
 * (UTF-8 repair) come from Python via tests/input-utf8-golden.py.
 */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"
#include "input_cli.h"
#include "utf8.h"
#include "test-input-utf8.h"

static int failures;
static char dir[256];

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			failures++; \
		} \
	} while (0)

/* ---- fixtures ---- */

static const char *path_of(const char *name)
{
	static char buf[8][512];
	static int next;
	char *p = buf[next++ % 8];

	snprintf(p, sizeof buf[0], "%s/%s", dir, name);
	return p;
}

static const char *write_file(const char *name, const char *bytes, size_t len)
{
	const char *path = path_of(name);
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(bytes, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(99);
	}
	return path;
}

#define WRITE(name, lit) write_file(name, lit, sizeof lit - 1)

struct member {
	const char *path; /* NULL ends the list; a path ending in '/' is a folder */
	const char *data;
	size_t len;       /* 0: strlen(data) */
};

/* An archive of members in format (ARCHIVE_FORMAT_*) with filter
 * (ARCHIVE_FILTER_*), written by libarchive. */
static const char *write_archive(const char *name, int format, int filter, const struct member *m)
{
	const char *path = path_of(name);
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();

	if (archive_write_set_format(a, format) != ARCHIVE_OK
	    || archive_write_add_filter(a, filter) != ARCHIVE_OK
	    || archive_write_open_filename(a, path) != ARCHIVE_OK) {
		fprintf(stderr, "%s: %s\n", path, archive_error_string(a));
		exit(99);
	}
	for (; m->path; m++) {
		size_t len = m->len ? m->len : m->data ? strlen(m->data) : 0;
		bool folder = m->path[strlen(m->path) - 1] == '/';

		archive_entry_clear(e);
		archive_entry_set_pathname(e, m->path);
		archive_entry_set_filetype(e, folder ? AE_IFDIR : AE_IFREG);
		archive_entry_set_perm(e, folder ? 0755 : 0644);
		archive_entry_set_size(e, folder ? 0 : (la_int64_t)len);
		if (archive_write_header(a, e) != ARCHIVE_OK
		    || (!folder && len && archive_write_data(a, m->data, len) != (la_ssize_t)len)) {
			fprintf(stderr, "%s: %s\n", path, archive_error_string(a));
			exit(99);
		}
	}
	archive_entry_free(e);
	if (archive_write_free(a) != ARCHIVE_OK)
		exit(99);
	return path;
}

/* ---- reading ---- */

enum { MAX_RECS = 16 };

struct result {
	gk_record *rec[MAX_RECS];
	int n;
	int rc;        /* 0 at a clean end, else the first error */
	gk_error err;
};

static void result_free(struct result *r)
{
	for (int i = 0; i < r->n; i++)
		gk_record_free(r->rec[i]);
	r->n = 0;
}

/* Read path to its end or first error. */
static struct result read_all(const char *path, const gk_input_options *opt)
{
	struct result r = { .n = 0 };
	gk_input *in;
	gk_record *rec;

	r.rc = gk_input_open(&in, path, opt, &r.err);
	if (r.rc < 0)
		return r;
	while ((r.rc = gk_input_next(in, &rec, &r.err)) == 1 && r.n < MAX_RECS)
		r.rec[r.n++] = rec;
	CHECK(r.rc <= 0);
	gk_input_close(in);
	return r;
}

static bool str_is(const gk_record *rec, const char *key, const char *want, size_t want_len)
{
	const char *s;
	size_t len;

	return gk_record_get_str(rec, key, &s, &len) && len == want_len && memcmp(s, want, len) == 0;
}

#define STR_IS(rec, key, lit) str_is(rec, key, lit, sizeof lit - 1)

static bool key_is(const gk_record *rec, size_t i, const char *want)
{
	size_t len;
	const char *k = gk_record_key(rec, i, &len);

	return i < gk_record_count(rec) && len == strlen(want) && memcmp(k, want, len) == 0;
}

static bool contains(const char *msg, const char *part)
{
	if (strstr(msg, part))
		return true;
	fprintf(stderr, "  message '%s' lacks '%s'\n", msg, part);
	return false;
}

static char *msg_of(const char *fmt, const char *path)
{
	static char buf[1024];

	snprintf(buf, sizeof buf, fmt, path);
	return buf;
}

/* ---- tests ---- */

static void test_utf8(void)
{
	char out[64];

	for (size_t i = 0; i < sizeof utf8_cases / sizeof utf8_cases[0]; i++) {
		const struct utf8_case *c = &utf8_cases[i];
		size_t n;

		CHECK(gk_utf8_check(c->in, c->in_len) == c->bad);
		CHECK(GK_UTF8_REPAIR_MAX(c->in_len) <= sizeof out);
		n = gk_utf8_repair(c->in, c->in_len, out);
		if (n != c->out_len || memcmp(out, c->out, n) != 0) {
			fprintf(stderr, "utf8 case %zu: repair differs from Python\n", i);
			failures++;
		}
	}
}

static void test_plain(void)
{
	const char *p = WRITE("plain.txt", "alpha\nbeta gamma\n\xc3\xa9t\xc3\xa9");
	struct result r = read_all(p, NULL);
	char id[600];

	CHECK(r.rc == 0 && r.n == 3);
	if (r.n == 3) {
		snprintf(id, sizeof id, "%s:2", p);
		CHECK(gk_record_count(r.rec[1]) == 2 && key_is(r.rec[1], 0, "id") && key_is(r.rec[1], 1, "text"));
		CHECK(str_is(r.rec[1], "id", id, strlen(id)));
		CHECK(STR_IS(r.rec[0], "text", "alpha"));
		CHECK(STR_IS(r.rec[1], "text", "beta gamma"));
		CHECK(STR_IS(r.rec[2], "text", "\xc3\xa9t\xc3\xa9")); /* no final newline */
	}
	result_free(&r);

	/* CRLF endings go; a CR elsewhere is text; a BOM goes. */
	p = WRITE("crlf.txt", "\xef\xbb\xbfone\r\ntwo\r\nthree\rfour\r\n");
	r = read_all(p, NULL);
	CHECK(r.rc == 0 && r.n == 3);
	if (r.n == 3) {
		CHECK(STR_IS(r.rec[0], "text", "one"));
		CHECK(STR_IS(r.rec[1], "text", "two"));
		CHECK(STR_IS(r.rec[2], "text", "three\rfour"));
	}
	result_free(&r);

	/* A file whose first line starts with '{' is JSON lines unless told. */
	gk_input_options opt;
	gk_input_options_init(&opt);
	opt.format = GK_INPUT_LINES;
	p = WRITE("brace.txt", "{not json}\n");
	r = read_all(p, &opt);
	CHECK(r.rc == 0 && r.n == 1 && STR_IS(r.rec[0], "text", "{not json}"));
	result_free(&r);
	r = read_all(p, NULL);
	CHECK(r.rc == GK_EDATA && contains(r.err.msg, msg_of("%s: line 1: invalid JSON at column", p)));

	/* Forced through libarchive, plain text is libarchive's raw data and
	 * reads the same. */
	opt.format = GK_INPUT_ARCHIVE;
	p = WRITE("forced.txt", "one\ntwo\n");
	r = read_all(p, &opt);
	CHECK(r.rc == 0 && r.n == 2);
	if (r.n == 2)
		CHECK(STR_IS(r.rec[1], "text", "two") && str_is(r.rec[1], "id", msg_of("%s:2", p), strlen(p) + 2));
	result_free(&r);

	/* An empty file has no records. */
	p = WRITE("empty.txt", "");
	r = read_all(p, NULL);
	CHECK(r.rc == 0 && r.n == 0);
}

static void test_empty_lines(void)
{
	const char *p = WRITE("blank.txt", "a\n\nb\n");
	gk_input_options opt;
	struct result r;
	gk_input *in;
	gk_record *rec;
	gk_error err;
	char id[600];

	/* Default: an error naming the line; the reader can go on after it. */
	CHECK(gk_input_open(&in, p, NULL, &err) == 0);
	CHECK(gk_input_next(in, &rec, &err) == 1);
	gk_record_free(rec);
	CHECK(gk_input_next(in, &rec, &err) == GK_EDATA && rec == NULL);
	CHECK(contains(err.msg, msg_of("%s: line 2: empty text", p)));
	CHECK(strcmp(gk_input_where(in), msg_of("%s: line 2", p)) == 0);
	CHECK(gk_input_next(in, &rec, &err) == 1 && STR_IS(rec, "text", "b"));
	gk_record_free(rec);
	CHECK(gk_input_next(in, &rec, &err) == 0);
	gk_input_close(in);

	gk_input_options_init(&opt);
	opt.empty = GK_INPUT_EMPTY_SKIP;
	r = read_all(p, &opt);
	CHECK(r.rc == 0 && r.n == 2);
	snprintf(id, sizeof id, "%s:3", p);
	if (r.n == 2)
		CHECK(str_is(r.rec[1], "id", id, strlen(id))); /* line numbers count skipped lines */
	result_free(&r);
	opt.empty = GK_INPUT_EMPTY_KEEP;
	r = read_all(p, &opt);
	CHECK(r.rc == 0 && r.n == 3);
	if (r.n == 3)
		CHECK(STR_IS(r.rec[1], "text", ""));
	result_free(&r);
}

static void test_jsonl(void)
{
	const char *p = WRITE("pass.jsonl",
		"{\"_id\": 7, \"s\": \"x\", \"text\": \"hello\", \"i\": -3, \"big\": 9007199254740993, "
		"\"f\": 1.5, \"t\": true, \"fa\": false, \"n\": null, \"title\": \"T\", "
		"\"a\": [1, \"two\", [3.25], {\"k\": null}], \"o\": {\"p\": {\"q\": [true]}}, \"z\": \"a\\u0000b\"}\n"
		"  {\"id\": \"doc-2\", \"text\": \"caf\\u00e9 \\ud83d\\ude00\"}  \r\n"
		"{\"text\": \"no id\", \"_id\": 2.5}\n"
		"{\"text\": \"no id at all\"}\n");
	const char *order[] = { "id", "text", "title", "s", "i", "big", "f", "t", "fa", "n", "a", "o", "z" };
	struct result r = read_all(p, NULL);
	msgpack_sbuffer sb;
	msgpack_packer pk;
	gk_record *want = NULL;
	gk_error err;
	char id[600];

	CHECK(r.rc == 0 && r.n == 4);
	if (r.n != 4) {
		fprintf(stderr, "  %s\n", r.err.msg);
		result_free(&r);
		return;
	}
	/* The record expected from the first line, packed by hand. */
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 13);
#define KEY(k) (msgpack_pack_str(&pk, strlen(k)), msgpack_pack_str_body(&pk, k, strlen(k)))
	KEY("id"); KEY("7");
	KEY("text"); KEY("hello");
	KEY("title"); KEY("T");
	KEY("s"); KEY("x");
	KEY("i"); msgpack_pack_int64(&pk, -3);
	KEY("big"); msgpack_pack_int64(&pk, 9007199254740993LL);
	KEY("f"); msgpack_pack_double(&pk, 1.5);
	KEY("t"); msgpack_pack_true(&pk);
	KEY("fa"); msgpack_pack_false(&pk);
	KEY("n"); msgpack_pack_nil(&pk);
	KEY("a"); msgpack_pack_array(&pk, 4);
	msgpack_pack_int64(&pk, 1); KEY("two");
	msgpack_pack_array(&pk, 1); msgpack_pack_double(&pk, 3.25);
	msgpack_pack_map(&pk, 1); KEY("k"); msgpack_pack_nil(&pk);
	KEY("o"); msgpack_pack_map(&pk, 1); KEY("p"); msgpack_pack_map(&pk, 1); KEY("q");
	msgpack_pack_array(&pk, 1); msgpack_pack_true(&pk);
	KEY("z"); msgpack_pack_str(&pk, 3); msgpack_pack_str_body(&pk, "a\0b", 3);
#undef KEY
	CHECK(gk_record_parse(&want, sb.data, sb.size, &err) == 0);
	CHECK(want && gk_record_equal(r.rec[0], want));
	CHECK(gk_record_count(r.rec[0]) == 13);
	for (size_t i = 0; i < 13; i++)
		CHECK(key_is(r.rec[0], i, order[i]));
	gk_record_free(want);
	msgpack_sbuffer_destroy(&sb);

	CHECK(STR_IS(r.rec[1], "id", "doc-2"));
	CHECK(STR_IS(r.rec[1], "text", "caf\xc3\xa9 \xf0\x9f\x98\x80"));
	CHECK(gk_record_count(r.rec[1]) == 2);
	CHECK(STR_IS(r.rec[2], "id", "2.5") && gk_record_count(r.rec[2]) == 2);
	snprintf(id, sizeof id, "%s:4", p);
	CHECK(str_is(r.rec[3], "id", id, strlen(id)));
	result_free(&r);

	/* Other field names. */
	gk_input_options opt;
	gk_input_options_init(&opt);
	opt.text_field = "body";
	opt.id_field = "doc";
	opt.title_field = "name";
	p = WRITE("names.jsonl", "{\"name\": \"N\", \"_id\": \"kept\", \"body\": \"B\", \"doc\": 12}\n");
	r = read_all(p, &opt);
	CHECK(r.rc == 0 && r.n == 1);
	if (r.n == 1) {
		CHECK(STR_IS(r.rec[0], "id", "12") && STR_IS(r.rec[0], "text", "B")
		      && STR_IS(r.rec[0], "title", "N") && STR_IS(r.rec[0], "_id", "kept"));
		CHECK(key_is(r.rec[0], 0, "id") && key_is(r.rec[0], 1, "text") && key_is(r.rec[0], 2, "title")
		      && key_is(r.rec[0], 3, "_id"));
	}
	result_free(&r);
}

/* One bad line: the message must name the file, the line and the fault. */
static void expect_line_error(const char *name, const char *content, const gk_input_options *opt,
			      int line, const char *what)
{
	const char *p = write_file(name, content, strlen(content));
	struct result r = read_all(p, opt);
	char want[1024];

	snprintf(want, sizeof want, "%s: line %d: %s", p, line, what);
	CHECK(r.rc == GK_EDATA);
	CHECK(contains(r.err.msg, want));
	result_free(&r);
}

static void test_errors(void)
{
	gk_input_options opt;
	struct result r;

	r = read_all(path_of("missing.txt"), NULL);
	CHECK(r.rc == GK_ENOINPUT && contains(r.err.msg, msg_of("%s: No such file or directory", path_of("missing.txt"))));
	r = read_all(dir, NULL);
	CHECK(r.rc == GK_ENOINPUT && contains(r.err.msg, "is a directory"));

	expect_line_error("utf8.txt", "ok\nab\xff" "c\n", NULL, 2, "invalid UTF-8 at byte 3 (0xff)");
	expect_line_error("utf8.jsonl", "{\"text\": \"a\"}\n{\"text\": \"\xc3(\"}\n", NULL, 2,
			  "invalid UTF-8 at byte 11 (0xc3)");
	expect_line_error("syntax.jsonl", "{\"text\": \"a\"}\n{\"text\": \"a\",}\n", NULL, 2,
			  "invalid JSON at column 14: ");
	expect_line_error("trailing.jsonl", "{\"text\": \"a\"} x\n", NULL, 1, "invalid JSON at column 15: ");
	expect_line_error("array.jsonl", "{\"text\": \"a\"}\n[1, 2]\n", NULL, 2,
			  "a JSON line must be an object, found an array");
	expect_line_error("notext.jsonl", "{\"_id\": \"x\", \"body\": \"a\"}\n", NULL, 1, "no 'text' field");
	expect_line_error("numtext.jsonl", "{\"text\": 5}\n", NULL, 1, "field 'text' must be a string, found an integer");
	expect_line_error("title.jsonl", "{\"text\": \"t\", \"title\": [\"x\"]}\n", NULL, 1,
			  "field 'title' must be a string, found an array");
	expect_line_error("idtype.jsonl", "{\"_id\": null, \"text\": \"t\"}\n", NULL, 1,
			  "id field '_id' must be a string or a number, found null");
	expect_line_error("clash.jsonl", "{\"_id\": \"a\", \"id\": \"b\", \"text\": \"t\"}\n", NULL, 1,
			  "field 'id' would be overwritten by the id taken from '_id'");
	expect_line_error("dup.jsonl", "{\"text\": \"t\", \"text\": \"u\"}\n", NULL, 1,
			  "invalid JSON at column 20: duplicate object key");
	expect_line_error("emptytext.jsonl", "{\"text\": \"a\"}\n{\"text\": \"\"}\n", NULL, 2,
			  "empty text in field 'text'");
	expect_line_error("blank.jsonl", "{\"text\": \"a\"}\n   \n", NULL, 2,
			  "empty line where a JSON object was expected");
	{
		/* 30 levels pass (the deepest msgpack-c reads back), 31 do not. */
		char deep[200];

		for (int levels = 30; levels <= 31; levels++) {
			int n = snprintf(deep, sizeof deep, "{\"text\": \"t\", \"x\": ");
			for (int i = 0; i < levels; i++)
				deep[n++] = '[';
			for (int i = 0; i < levels; i++)
				deep[n++] = ']';
			strcpy(deep + n, "}\n");
			if (levels == 30) {
				r = read_all(write_file("deep30.jsonl", deep, strlen(deep)), NULL);
				CHECK(r.rc == 0 && r.n == 1);
				result_free(&r);
			} else {
				expect_line_error("deep31.jsonl", deep, NULL, 1, "JSON nested more than 30 levels deep");
			}
		}
	}

	/* Integers beyond int64 are refused rather than rounded. */
	expect_line_error("bigint.jsonl", "{\"text\": \"t\", \"n\": 18446744073709551615}\n", NULL, 1,
			  "invalid JSON at column 39: too big integer");

	/* Skipping blank JSON lines and empty texts. */
	gk_input_options_init(&opt);
	opt.empty = GK_INPUT_EMPTY_SKIP;
	r = read_all(WRITE("skip.jsonl", "\n{\"text\": \"\"}\n{\"text\": \"a\"}\n\n"), &opt);
	CHECK(r.rc == 0 && r.n == 1);
	result_free(&r);

	/* Invalid UTF-8 replaced as Python replaces it, in text and JSON alike. */
	opt.empty = GK_INPUT_EMPTY_ERROR;
	opt.invalid_utf8 = GK_INPUT_UTF8_REPLACE;
	r = read_all(WRITE("fix.txt", "a\xe2\x82" "b\xf0\x9f\x98\n"), &opt);
	CHECK(r.rc == 0 && r.n == 1 && STR_IS(r.rec[0], "text", "a\xef\xbf\xbd" "b\xef\xbf\xbd"));
	result_free(&r);
	r = read_all(WRITE("fix.jsonl", "{\"text\": \"\xed\xa0\x80!\"}\n"), &opt);
	CHECK(r.rc == 0 && r.n == 1 && STR_IS(r.rec[0], "text", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd!"));
	result_free(&r);

	/* Line limits: a line seen whole is one bad record; a line whose end
	 * cannot be found within the limit ends the input. */
	gk_input_options_init(&opt);
	opt.max_line = 8;
	expect_line_error("long.txt", "12345678\r\n123456789\nok\n", &opt, 2,
			  "line of 9 bytes, over the limit of 8");
	{
		size_t n = 200000;
		char *big = malloc(n);
		gk_input *in;
		gk_record *rec;
		gk_error err;

		memset(big, 'x', n);
		memcpy(big, "short\n", 6);
		const char *p = write_file("huge.txt", big, n);
		free(big);
		opt.max_line = 1000;
		CHECK(gk_input_open(&in, p, &opt, &err) == 0);
		CHECK(gk_input_next(in, &rec, &err) == 1);
		gk_record_free(rec);
		CHECK(gk_input_next(in, &rec, &err) == GK_EDATA);
		CHECK(contains(err.msg, msg_of("%s: line 2: line longer than the limit of 1000 bytes", p)));
		memset(&err, 0, sizeof err);
		CHECK(gk_input_next(in, &rec, &err) == GK_EDATA && contains(err.msg, "line 2: line longer"));
		gk_input_close(in);
	}

	/* Bytes that look compressed but are not. */
	r = read_all(WRITE("fake.gz", "\x1f\x8b\x08\x00garbage that is not deflate data at all......"), NULL);
	CHECK(r.rc == GK_EDATA && contains(r.err.msg, path_of("fake.gz")));
	result_free(&r);
}

static void test_stdin(void)
{
	int fds[2], saved = dup(0);
	const char text[] = "{\"_id\": \"p1\", \"text\": \"piped\"}\n";
	struct result r;

	/* A pipe: nothing to seek, nothing to stat. */
	CHECK(pipe(fds) == 0);
	CHECK(write(fds[1], text, sizeof text - 1) == (ssize_t)(sizeof text - 1));
	close(fds[1]);
	dup2(fds[0], 0);
	close(fds[0]);
	r = read_all("-", NULL);
	CHECK(r.rc == 0 && r.n == 1 && STR_IS(r.rec[0], "id", "p1") && STR_IS(r.rec[0], "text", "piped"));
	result_free(&r);

	/* A slow pipe: the first line is a record before the writer goes on
	 * (the alarm in main ends a reader that waits for more). */
	gk_input *in;
	gk_record *rec;
	gk_error err;
	CHECK(pipe(fds) == 0);
	CHECK(write(fds[1], "first\n", 6) == 6);
	dup2(fds[0], 0);
	close(fds[0]);
	CHECK(gk_input_open(&in, "-", NULL, &err) == 0);
	CHECK(gk_input_next(in, &rec, &err) == 1 && STR_IS(rec, "text", "first"));
	gk_record_free(rec);
	CHECK(write(fds[1], "second\n", 7) == 7);
	close(fds[1]);
	CHECK(gk_input_next(in, &rec, &err) == 1 && STR_IS(rec, "text", "second"));
	gk_record_free(rec);
	CHECK(gk_input_next(in, &rec, &err) == 0);
	gk_input_close(in);

	/* A file on stdin, plain text: ids name stdin. */
	int fd = open(WRITE("stdin.txt", "x\ny\n"), O_RDONLY);
	dup2(fd, 0);
	close(fd);
	r = read_all("-", NULL);
	CHECK(r.rc == 0 && r.n == 2 && STR_IS(r.rec[1], "id", "stdin:2"));
	result_free(&r);
	dup2(saved, 0);
	close(saved);
}

static void test_archives(void)
{
	const struct member members[] = {
		{ "corpus/", NULL, 0 },
		{ "corpus/a/apt.txt", "Advanced package tool.\n", 0 },
		{ "corpus/b/bash.v5.txt", "The shell.\r\nSecond line.\r\n", 0 },
		{ "corpus/q.jsonl", "{\"_id\": \"q1\", \"text\": \"query one\"}\n{\"text\": \"query two\"}\n", 0 },
		{ "noext", "{\"id\": 3, \"text\": \"sniffed\"}", 0 },
		{ NULL, NULL, 0 },
	};
	const int formats[][2] = {
		{ ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_NONE },
		{ ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP },
		{ ARCHIVE_FORMAT_TAR_GNUTAR, ARCHIVE_FILTER_XZ },
		{ ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_BZIP2 },
		{ ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_ZSTD },
		{ ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE },
		{ ARCHIVE_FORMAT_CPIO_SVR4_NOCRC, ARCHIVE_FILTER_GZIP },
		{ ARCHIVE_FORMAT_7ZIP, ARCHIVE_FILTER_NONE },
	};
	gk_input_options opt;
	struct result r;
	char name[64];

	for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
		snprintf(name, sizeof name, "archive%zu", f);
		const char *p = write_archive(name, formats[f][0], formats[f][1], members);

		r = read_all(p, NULL);
		CHECK(r.rc == 0 && r.n == 5);
		if (r.rc != 0 || r.n != 5) {
			fprintf(stderr, "  archive format %zu: rc %d, %d records: %s\n", f, r.rc, r.n, r.err.msg);
			result_free(&r);
			continue;
		}
		CHECK(STR_IS(r.rec[0], "id", "corpus/a/apt.txt") && STR_IS(r.rec[0], "text", "Advanced package tool."));
		CHECK(STR_IS(r.rec[1], "id", "corpus/b/bash.v5.txt")
		      && STR_IS(r.rec[1], "text", "The shell.\r\nSecond line."));
		CHECK(STR_IS(r.rec[2], "id", "q1") && STR_IS(r.rec[2], "text", "query one"));
		CHECK(STR_IS(r.rec[3], "id", "corpus/q.jsonl:2") && STR_IS(r.rec[3], "text", "query two"));
		CHECK(STR_IS(r.rec[4], "id", "3") && STR_IS(r.rec[4], "text", "sniffed"));
		result_free(&r);
	}

	/* Stripped ids, one record per member line. */
	const char *p = write_archive("lines.tar", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_NONE, members);
	gk_input_options_init(&opt);
	opt.strip_member_path = true;
	opt.member_lines = true;
	r = read_all(p, &opt);
	CHECK(r.rc == 0 && r.n == 6);
	if (r.n == 6) {
		CHECK(STR_IS(r.rec[0], "id", "apt:1") && STR_IS(r.rec[0], "text", "Advanced package tool."));
		CHECK(STR_IS(r.rec[1], "id", "bash.v5:1") && STR_IS(r.rec[1], "text", "The shell."));
		CHECK(STR_IS(r.rec[2], "id", "bash.v5:2") && STR_IS(r.rec[2], "text", "Second line."));
		CHECK(STR_IS(r.rec[4], "id", "q:2"));
	}
	result_free(&r);

	/* Member errors name the archive and the member; the reader goes on. */
	const struct member bad[] = {
		{ "d/bad.txt", "caf\xe9\n", 0 },
		{ "d/empty.txt", "\n", 0 },
		{ "d/big.txt", "0123456789abcdefghij\n", 0 },
		{ "d/bad.jsonl", "{\"text\": \"ok\"}\n{\"text\": 1}\n", 0 },
		{ "d/good.txt", "good", 0 },
		{ NULL, NULL, 0 },
	};
	gk_input *in;
	gk_record *rec;
	gk_error err;

	p = write_archive("bad.tar.gz", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP, bad);
	gk_input_options_init(&opt);
	opt.max_line = 16;
	CHECK(gk_input_open(&in, p, &opt, &err) == 0);
	CHECK(gk_input_format(in) == GK_INPUT_ARCHIVE);
	CHECK(gk_input_next(in, &rec, &err) == GK_EDATA
	      && contains(err.msg, msg_of("%s: member d/bad.txt: invalid UTF-8 at byte 4 (0xe9)", p)));
	CHECK(gk_input_next(in, &rec, &err) == GK_EDATA
	      && contains(err.msg, msg_of("%s: member d/empty.txt: empty text", p)));
	CHECK(gk_input_next(in, &rec, &err) == GK_EDATA
	      && contains(err.msg, msg_of("%s: member d/big.txt: member of 21 bytes, over the limit of 16", p)));
	CHECK(gk_input_next(in, &rec, &err) == 1 && STR_IS(rec, "text", "ok"));
	gk_record_free(rec);
	CHECK(gk_input_next(in, &rec, &err) == GK_EDATA
	      && contains(err.msg, msg_of("%s: member d/bad.jsonl: line 2: field 'text' must be a string", p)));
	CHECK(gk_input_next(in, &rec, &err) == 1 && STR_IS(rec, "id", "d/good.txt") && STR_IS(rec, "text", "good"));
	CHECK(strcmp(gk_input_where(in), msg_of("%s: member d/good.txt", p)) == 0);
	gk_record_free(rec);
	CHECK(gk_input_next(in, &rec, &err) == 0);
	gk_input_close(in);

	/* A single compressed file is the file it holds (libarchive's raw). */
	const struct member one[] = {
		{ "data", "{\"_id\": \"d1\", \"text\": \"zipped\"}\n{\"_id\": \"d2\", \"text\": \"lines\"}\n", 0 },
		{ NULL, NULL, 0 },
	};
	p = write_archive("corpus.jsonl.gz", ARCHIVE_FORMAT_RAW, ARCHIVE_FILTER_GZIP, one);
	CHECK(gk_input_open(&in, p, NULL, &err) == 0);
	CHECK(gk_input_format(in) == GK_INPUT_JSONL);
	CHECK(gk_input_next(in, &rec, &err) == 1 && STR_IS(rec, "id", "d1"));
	gk_record_free(rec);
	CHECK(gk_input_next(in, &rec, &err) == 1 && STR_IS(rec, "text", "lines"));
	CHECK(strcmp(gk_input_where(in), msg_of("%s: line 2", p)) == 0);
	gk_record_free(rec);
	CHECK(gk_input_next(in, &rec, &err) == 0);
	gk_input_close(in);
	const struct member text[] = { { "data", "plain\ntext\n", 0 }, { NULL, NULL, 0 } };
	p = write_archive("lines.txt.xz", ARCHIVE_FORMAT_RAW, ARCHIVE_FILTER_XZ, text);
	r = read_all(p, NULL);
	CHECK(r.rc == 0 && r.n == 2);
	if (r.n == 2)
		CHECK(STR_IS(r.rec[1], "text", "text") && str_is(r.rec[1], "id", msg_of("%s:2", p), strlen(p) + 2));
	result_free(&r);

	/* A member name with a newline in it: the message stays one line. */
	const struct member odd[] = { { "d/new\nline.txt", "\xff", 0 }, { NULL, NULL, 0 } };
	r = read_all(write_archive("odd.tar", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_NONE, odd), NULL);
	CHECK(r.rc == GK_EDATA && contains(r.err.msg, "member d/new?line.txt: invalid UTF-8 at byte 1 (0xff)"));

	/* An empty compressed file is no records, not an error. */
	const struct member nothing[] = { { "data", "", 0 }, { NULL, NULL, 0 } };
	r = read_all(write_archive("empty.gz", ARCHIVE_FORMAT_RAW, ARCHIVE_FILTER_GZIP, nothing), NULL);
	CHECK(r.rc == 0 && r.n == 0);

	/* An archive that ends in the middle of a member.  (libarchive takes a
	 * plain tar cut inside a header for a complete one: a known gap.) */
	p = write_archive("cut.tar", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_NONE, members);
	if (truncate(p, 1030) != 0)
		failures++;
	r = read_all(p, NULL);
	CHECK(r.rc == GK_EDATA && contains(r.err.msg, msg_of("%s: member ", p))
	      && contains(r.err.msg, "corrupt archive: "));
	result_free(&r);
}

static void test_options(void)
{
	CHECK(gk_input_format_parse("auto") == GK_INPUT_AUTO && gk_input_format_parse("archive") == GK_INPUT_ARCHIVE);
	CHECK(gk_input_format_parse("tar") == -1);
	CHECK(gk_input_utf8_parse("replace") == GK_INPUT_UTF8_REPLACE && gk_input_utf8_parse("x") == -1);
	CHECK(gk_input_empty_parse("keep") == GK_INPUT_EMPTY_KEEP && gk_input_empty_parse(NULL) == -1);
	gk_input_options opt;
	gk_input *in;
	gk_error err;
	gk_input_options_init(&opt);
	opt.format = 42;
	CHECK(gk_input_open(&in, WRITE("opt.txt", "a\n"), &opt, &err) == GK_EUSAGE && in == NULL);
	gk_input_close(NULL);

	/* The shared command-line options. */
	gk_input_options_init(&opt);
	CHECK(gk_input_cli_option(&opt, GK_INPUT_OPT_FORMAT, "jsonl", &err) == 1 && opt.format == GK_INPUT_JSONL);
	CHECK(gk_input_cli_option(&opt, GK_INPUT_OPT_EMPTY, "skip", &err) == 1 && opt.empty == GK_INPUT_EMPTY_SKIP);
	CHECK(gk_input_cli_option(&opt, GK_INPUT_OPT_ID_FIELD, "doc", &err) == 1 && strcmp(opt.id_field, "doc") == 0);
	CHECK(gk_input_cli_option(&opt, GK_INPUT_OPT_STRIP_MEMBER_PATH, NULL, &err) == 1 && opt.strip_member_path);
	CHECK(gk_input_cli_option(&opt, GK_INPUT_OPT_MAX_LINE, "4096", &err) == 1 && opt.max_line == 4096);
	CHECK(gk_input_cli_option(&opt, 'k', "x", &err) == 0);
	CHECK(gk_input_cli_option(&opt, GK_INPUT_OPT_FORMAT, "tar", &err) == GK_EUSAGE
	      && contains(err.msg, "--format: 'tar' is not one of auto, lines, jsonl, archive"));
	CHECK(gk_input_cli_option(&opt, GK_INPUT_OPT_INVALID_UTF8, "ignore", &err) == GK_EUSAGE
	      && contains(err.msg, "--invalid-utf8: 'ignore'"));
	CHECK(gk_input_cli_option(&opt, GK_INPUT_OPT_MAX_LINE, "-1", &err) == GK_EUSAGE
	      && contains(err.msg, "--max-line: '-1' is not a size"));
	CHECK(gk_input_cli_option(&opt, GK_INPUT_OPT_MAX_LINE, "12k", &err) == GK_EUSAGE);
	CHECK(opt.max_line == 4096 && opt.format == GK_INPUT_JSONL);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof dir, "%s/gk-test-input.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	alarm(60); /* a reader that blocks must not hang make check */
	if (!mkdtemp(dir)) {
		perror(dir);
		return 99;
	}
	test_utf8();
	test_plain();
	test_empty_lines();
	test_jsonl();
	test_errors();
	test_stdin();
	test_archives();
	test_options();
	if (failures) {
		fprintf(stderr, "%d checks failed; files kept in %s\n", failures, dir);
		return 1;
	}
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}

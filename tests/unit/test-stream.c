/*
 * test-stream.c - unit tests of the stream layer: records, the writer and
 * reader together, concatenation, the trailer, every kind of damage a
 * stream can suffer, the scanner, and the half-precision conversions.
 */
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "dtype.h"
#include "msgpack_scan.h"
#include "record.h"
#include "stream.h"

static char tmpdir[] = "/tmp/gk-test-stream.XXXXXX";

/* A path in the test's directory, in one of 8 rotating buffers, so a few
 * can be held at once. */
static char *path_of(const char *name)
{
	static char bufs[8][256];
	static int next;
	char *buf = bufs[next++ % 8];

	snprintf(buf, 256, "%s/%s", tmpdir, name);
	return buf;
}

static gk_record *vectors_header(int dim)
{
	gk_record *h = gk_header_new("vectors");

	gk_record_set_int(h, "dim", dim);
	gk_record_set_cstr(h, "dtype", "f32");
	return h;
}

/* Write n vector records with dim 3 to a file. */
static void write_vectors(const char *name, int n)
{
	int fd = open(path_of(name), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	gk_record *h = vectors_header(3);
	gk_stream_writer *w;
	gk_error err = { 0 };

	CHECK(gk_stream_writer_open(&w, fd, name, h, &err) == 0);
	for (int i = 0; i < n; i++) {
		gk_record *r = gk_record_new();
		float v[3] = { (float)i, 0.5f, -1.0f };
		char id[16];

		snprintf(id, sizeof id, "r%d", i);
		gk_record_set_cstr(r, "id", id);
		gk_record_set_bin(r, "vector", v, sizeof v);
		gk_record_set_cstr(r, "x-user", "kept");
		CHECK(gk_stream_write(w, r, &err) == 0);
		gk_record_free(r);
	}
	CHECK(gk_stream_writer_close(w, &err) == 0);
	gk_record_free(h);
	close(fd);
}

/* Read all of paths; returns records read, or the error code (message in err). */
static int read_all(const char *const *paths, size_t n, gk_error *err)
{
	gk_stream_reader *r;
	gk_record *rec;
	int rc, count = 0;

	if ((rc = gk_stream_open(&r, paths, n, NULL, err)) < 0)
		return rc;
	while ((rc = gk_stream_read(r, &rec, err)) == 1) {
		count++;
		gk_record_free(rec);
	}
	gk_stream_close(r);
	return rc < 0 ? rc : count;
}

static void write_bytes(const char *name, const void *p, size_t n)
{
	int fd = open(path_of(name), O_WRONLY | O_CREAT | O_TRUNC, 0600);

	CHECK(write(fd, p, n) == (ssize_t)n);
	close(fd);
}

static size_t read_bytes(const char *name, unsigned char *buf, size_t cap)
{
	int fd = open(path_of(name), O_RDONLY);
	ssize_t n = read(fd, buf, cap);

	close(fd);
	return n < 0 ? 0 : (size_t)n;
}

static void test_record_fields(void)
{
	gk_record *r = gk_record_new(), *c;
	const char *s;
	size_t len;
	int64_t i;

	gk_record_set_cstr(r, "id", "a");
	gk_record_set_int(r, "n", -5);
	gk_record_set_cstr(r, "text", "t");
	gk_record_set_cstr(r, "id", "b");  /* replaced in place */
	CHECK(gk_record_count(r) == 3);
	s = gk_record_key(r, 0, &len);
	CHECK(len == 2 && memcmp(s, "id", 2) == 0);
	CHECK(gk_record_get_str(r, "id", &s, &len) && len == 1 && s[0] == 'b');
	CHECK(gk_record_get_int(r, "n", &i) && i == -5);
	CHECK(gk_record_remove(r, "n") && !gk_record_get(r, "n") && gk_record_count(r) == 2);
	CHECK(!gk_record_remove(r, "n"));
	c = gk_record_copy(r);
	CHECK(c && gk_record_equal(r, c));
	gk_record_set_cstr(c, "text", "u");
	CHECK(!gk_record_equal(r, c));
	gk_record_free(c);
	gk_record_free(r);
	gk_record_free(NULL);
}

static void test_round_trip(void)
{
	const char *paths[] = { path_of("ok.gk") };
	gk_stream_reader *r;
	gk_record *rec;
	gk_error err = { 0 };
	const void *p;
	size_t len;
	int n = 0;

	write_vectors("ok.gk", 5);
	CHECK(gk_stream_open(&r, paths, 1, "vectors", &err) == 0);
	CHECK(gk_stream_reader_info(r)->dim == 3);
	while (gk_stream_read(r, &rec, &err) == 1) {
		const char *s;
		float v[3];
		CHECK(gk_record_get_bin(rec, "vector", &p, &len) && len == 12);
		memcpy(v, p, 12);
		CHECK(v[0] == (float)n && v[2] == -1.0f);
		CHECK(gk_record_get_str(rec, "x-user", &s, &len) && len == 4);
		gk_record_free(rec);
		n++;
	}
	CHECK(n == 5 && err.code == 0);
	gk_stream_close(r);

	/* asking for another type is an error naming both */
	CHECK(gk_stream_open(&r, paths, 1, "hidden", &err) == GK_EDATA);
	CHECK_CONTAINS(err.msg, "'vectors' stream, but a 'hidden' stream is wanted");
}

static void test_concatenation(void)
{
	const char *two[] = { path_of("ok.gk"), path_of("ok.gk") };
	const char *mixed[] = { path_of("ok.gk"), path_of("other.gk") };
	unsigned char a[4096], b[4096];
	size_t na, nb;
	gk_error err = { 0 };
	gk_stream_writer *w;
	gk_record *h = vectors_header(4);
	int fd;

	CHECK(read_all(two, 2, &err) == 10);
	/* two streams in one file are one stream too */
	na = read_bytes("ok.gk", a, sizeof a);
	memcpy(b, a, na);
	memcpy(b + na, a, na);
	write_bytes("double.gk", b, 2 * na);
	const char *dbl[] = { path_of("double.gk") };
	CHECK(read_all(dbl, 1, &err) == 10);

	fd = open(path_of("other.gk"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(gk_stream_writer_open(&w, fd, "other", h, &err) == 0);
	CHECK(gk_stream_writer_close(w, &err) == 0);
	close(fd);
	CHECK(read_all(mixed, 2, &err) == GK_EDATA);
	CHECK_CONTAINS(err.msg, "other.gk: header (byte 0): header differs");
	nb = read_bytes("other.gk", b, sizeof b);
	CHECK(nb > 0);
	gk_record_free(h);
}

static void test_damage(void)
{
	const char *cut[] = { path_of("cut.gk") };
	unsigned char buf[4096];
	gk_error err = { 0 };
	size_t n;

	/* no trailer (9 bytes): the writer died */
	write_vectors("whole.gk", 3);
	n = read_bytes("whole.gk", buf, sizeof buf);
	write_bytes("cut.gk", buf, n - 9);
	CHECK(read_all(cut, 1, &err) == GK_EDATA);
	CHECK_CONTAINS(err.msg, "cut.gk: stream cut short: it ends after 3 records without its trailer");

	/* cut in the middle of the second record */
	{
		/* cut 10 bytes into record 2 */
		size_t header = 0, rec;
		CHECK(gk_msgpack_scan(buf, n, n, &header) == GK_SCAN_COMPLETE);
		CHECK(gk_msgpack_scan(buf + header, n - header, n, &rec) == GK_SCAN_COMPLETE);
		write_bytes("cut.gk", buf, header + rec + 10);
		CHECK(read_all(cut, 1, &err) == GK_EDATA);
		char want[128];
		snprintf(want, sizeof want, "cut.gk: record 2 (byte %zu): input ends in the middle", header + rec);
		CHECK_CONTAINS(err.msg, want);

		/* the trailer's count disagrees with the records: one was lost */
		memmove(buf + header + rec, buf + header + 2 * rec, n - header - 2 * rec);
		write_bytes("cut.gk", buf, n - rec);
		CHECK(read_all(cut, 1, &err) == GK_EDATA);
		CHECK_CONTAINS(err.msg, "trailer counts 3 records, but 2 came before it");
	}

	/* not MessagePack at all */
	write_bytes("cut.gk", "\xc1\x00", 2);
	CHECK(read_all(cut, 1, &err) == GK_EDATA);
	CHECK_CONTAINS(err.msg, "not MessagePack: byte 0xc1 at offset 0");

	/* empty */
	write_bytes("cut.gk", "", 0);
	CHECK(read_all(cut, 1, &err) == GK_EDATA);
	CHECK_CONTAINS(err.msg, "empty input");

	/* a header of another version: {"gk": 2, "type": "text"} */
	write_bytes("cut.gk", "\x82\xa2gk\x02\xa4type\xa4text", 15);
	CHECK(read_all(cut, 1, &err) == GK_EDATA);
	CHECK_CONTAINS(err.msg, "stream format version 2, but this gk reads version 1");

	/* payload length against dtype and shape: vectors dim 3, a 2-float vector */
	{
		static const unsigned char bad[] =
			"\x84\xa2gk\x01\xa4type\xa7vectors\xa3" "dim\x03\xa5" "dtype\xa3" "f32"
			"\x81\xa6vector\xc4\x08\0\0\0\0\0\0\0\0"
			"\x81\xa6gk_end\x01";
		write_bytes("cut.gk", bad, sizeof bad - 1);
		CHECK(read_all(cut, 1, &err) == GK_EDATA);
		CHECK_CONTAINS(err.msg, "record 1 (byte 33): \"vector\" holds 8 bytes, but 1 x 3 f32 values take 12");
	}

	/* a missing input */
	const char *none[] = { path_of("does-not-exist.gk") };
	CHECK(read_all(none, 1, &err) == GK_ENOINPUT);
	CHECK_CONTAINS(err.msg, "does-not-exist.gk: No such file");
}

static void test_scan(void)
{
	size_t size = 0;
	/* array32 declaring 2^32-1 elements: refused before any allocation */
	static const unsigned char huge[] = { 0xdd, 0xff, 0xff, 0xff, 0xff, 0x01 };
	static const unsigned char nested[] = { 0x91, 0x91, 0x91, 0x90 };
	static const unsigned char str8[] = { 0xd9, 0x05, 'a', 'b' };

	CHECK(gk_msgpack_scan(huge, sizeof huge, 1 << 20, &size) == GK_SCAN_TOO_LARGE);
	CHECK(gk_msgpack_scan(nested, sizeof nested, 100, &size) == GK_SCAN_COMPLETE && size == 4);
	CHECK(gk_msgpack_scan(nested, 3, 100, &size) == GK_SCAN_MORE);
	CHECK(gk_msgpack_scan(str8, sizeof str8, 100, &size) == GK_SCAN_MORE);
	CHECK(gk_msgpack_scan(str8, sizeof str8, 5, &size) == GK_SCAN_TOO_LARGE);
	CHECK(gk_msgpack_scan((const unsigned char *)"\xc1", 1, 100, &size) == GK_SCAN_INVALID && size == 0);
}

static void test_half_floats(void)
{
	int bad16 = 0, badbf = 0;

	for (uint32_t h = 0; h < 65536; h++) {
		float f = gk_f16_to_f32((uint16_t)h), g = gk_bf16_to_f32((uint16_t)h);
		if (!isnan(f) && gk_f32_to_f16(f) != h)
			bad16++;
		if (!isnan(g) && gk_f32_to_bf16(g) != h)
			badbf++;
	}
	CHECK(bad16 == 0 && badbf == 0);
	CHECK(gk_f16_to_f32(0x3c00) == 1.0f && gk_f16_to_f32(0xc000) == -2.0f && gk_f16_to_f32(0x7bff) == 65504.0f);
	CHECK(gk_f16_to_f32(0x0001) == 5.9604644775390625e-8f);
	CHECK(gk_f32_to_f16(65520.0f) == 0x7c00 && gk_f32_to_f16(65519.0f) == 0x7bff);
	/* halfway cases round to even */
	CHECK(gk_f32_to_f16(1.0f + 1.0f / 2048) == 0x3c00 && gk_f32_to_f16(1.0f + 3.0f / 2048) == 0x3c02);
	CHECK(gk_f32_to_bf16(1.0f + 1.0f / 256) == 0x3f80 && gk_f32_to_bf16(1.0f + 3.0f / 256) == 0x3f82);
	CHECK(isnan(gk_f16_to_f32(gk_f32_to_f16(NAN))) && isnan(gk_bf16_to_f32(gk_f32_to_bf16(NAN))));
	CHECK(gk_dtype_bytes(GK_DTYPE_BINARY, 12) == 2 && gk_dtype_bytes(GK_DTYPE_F16, 3) == 6);
	CHECK(gk_dtype_parse("bf16", 4) == GK_DTYPE_BF16 && gk_dtype_parse("f64", 3) == GK_DTYPE_INVALID);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 99;
	}
	test_record_fields();
	test_round_trip();
	test_concatenation();
	test_damage();
	test_scan();
	test_half_floats();
	if (check_failures == 0) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
		if (system(cmd) != 0)
			return 99;
	} else {
		fprintf(stderr, "files kept in %s\n", tmpdir);
	}
	return check_exit();
}

/*
 * test-model-safetensors.c - the safetensors reader on hand-made files:
 * good ones (every dtype, name lookup with and without "bert.", f16/bf16
 * widening, shards) and corrupt ones (truncated at every length, header
 * length too big, offsets out of range, shape/size mismatch, bad dtype,
 * bad JSON, overflowing shapes, hostile shard names, random byte flips),
 * each giving GK_EDATA with a message naming the problem, never a crash.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-model.h"
#include "safetensors.h"

static char dir[64];

static char *path_of(const char *name)
{
	static char p[256];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return p;
}

static void write_bytes(const char *name, const void *p, size_t n)
{
	FILE *f = fopen(path_of(name), "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(name);
		exit(99);
	}
}

/* A safetensors file: 8-byte length, header, data.  Returns its size; *out malloc'd. */
static size_t build(const char *header, const void *data, size_t ndata, unsigned char **out)
{
	size_t h = strlen(header), n = 8 + h + ndata;
	unsigned char *b = malloc(n);
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)((uint64_t)h >> (8 * i));
	memcpy(b + 8, header, h);
	memcpy(b + 8 + h, data, ndata);
	*out = b;
	return n;
}

/* Expect opening `header`+data to fail with GK_EDATA and a message containing want. */
static void expect_bad(const char *header, const void *data, size_t ndata, const char *want)
{
	unsigned char *b;
	size_t n = build(header, data, ndata, &b);
	write_bytes("bad.safetensors", b, n);
	free(b);
	gk_safetensors *st = (gk_safetensors *)1;
	gk_error err = {0};
	int rc = gk_safetensors_open(&st, path_of("bad.safetensors"), &err);
	CHECK(rc == GK_EDATA && st == NULL, "header %s: rc %d (want GK_EDATA)", header, rc);
	CHECK(strstr(err.msg, want) && strstr(err.msg, "bad.safetensors"),
		"header %s: message '%s' lacks '%s' or the file name", header, err.msg, want);
	gk_safetensors_free(st);
}

/* The good file: a (2, 3) F32, a (3) F16, a (2) BF16, a (2) I64, with metadata. */
static const char *good_header =
	"{\"__metadata__\":{\"format\":\"pt\"},"
	"\"bert.embeddings.a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
	"\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[24,30]},"
	"\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[30,34]},"
	"\"pos_ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[34,50]}}   ";

static size_t good_data(unsigned char *d)
{
	float f[6] = {1.5f, -2.0f, 0.25f, 3.0f, -0.5f, 100.0f};
	for (int i = 0; i < 6; i++) { /* little-endian regardless of host */
		uint32_t u;
		memcpy(&u, &f[i], 4);
		for (int k = 0; k < 4; k++)
			d[4 * i + k] = (unsigned char)(u >> (8 * k));
	}
	/* f16 1.0 = 0x3c00, -2.0 = 0xc000, 65504 = 0x7bff; bf16 1.5 = 0x3fc0, -0.0 = 0x8000 */
	unsigned char rest[] = {0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, 0xc0, 0x3f, 0x00, 0x80,
		1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0};
	memcpy(d + 24, rest, sizeof rest);
	return 24 + sizeof rest;
}

static void test_good(void)
{
	unsigned char d[64], *b;
	size_t nd = good_data(d), n = build(good_header, d, nd, &b);
	write_bytes("good.safetensors", b, n);
	free(b);
	gk_safetensors *st;
	gk_error err = {0};
	int rc = gk_safetensors_open(&st, path_of("good.safetensors"), &err);
	CHECK(rc == 0, "open good: %s", err.msg);
	if (rc)
		return;
	CHECK(gk_safetensors_count(st) == 4, "count %zu, want 4 (metadata skipped)", gk_safetensors_count(st));
	const gk_tensor_info *t = gk_safetensors_find(st, "embeddings.a");
	CHECK(t && strcmp(t->name, "bert.embeddings.a") == 0, "lookup without bert. prefix");
	CHECK(gk_safetensors_find(st, "bert.h") != NULL, "lookup with an extra bert. prefix");
	CHECK(gk_safetensors_find(st, "nope") == NULL, "absent name found");
	CHECK(t && t->ndim == 2 && t->shape[0] == 2 && t->shape[1] == 3 && t->dtype == GK_DTYPE_F32, "shape/dtype");

	float a[6], h[3], bb[2];
	int64_t s23[2] = {2, 3}, s32[2] = {3, 2}, s3[1] = {3}, s2[1] = {2};
	rc = gk_safetensors_read_f32(st, "embeddings.a", 2, s23, a, &err);
	CHECK(rc == 0 && a[0] == 1.5f && a[1] == -2.0f && a[5] == 100.0f, "f32 values");
	rc = gk_safetensors_read_f32(st, "h", 1, s3, h, &err);
	CHECK(rc == 0 && h[0] == 1.0f && h[1] == -2.0f && h[2] == 65504.0f, "f16 values %g %g %g", h[0], h[1], h[2]);
	rc = gk_safetensors_read_f32(st, "b", 1, s2, bb, &err);
	CHECK(rc == 0 && bb[0] == 1.5f && bb[1] == 0.0f && signbit(bb[1]), "bf16 values");

	rc = gk_safetensors_read_f32(st, "embeddings.a", 2, s32, a, &err);
	CHECK(rc == GK_EDATA && strstr(err.msg, "bert.embeddings.a") && strstr(err.msg, "[2, 3]") &&
		strstr(err.msg, "expected [3, 2]") && strstr(err.msg, "good.safetensors"),
		"shape mismatch message: '%s'", err.msg);
	rc = gk_safetensors_read_f32(st, "pos_ids", 1, s2, bb, &err);
	CHECK(rc == GK_EDATA && strstr(err.msg, "I64") && strstr(err.msg, "pos_ids"),
		"unsupported dtype message: '%s'", err.msg);
	rc = gk_safetensors_read_f32(st, "missing.weight", 1, s2, bb, &err);
	CHECK(rc == GK_EDATA && strstr(err.msg, "missing.weight"), "missing tensor message: '%s'", err.msg);
	float *p = gk_safetensors_load_f32(st, "h", 1, s3, &err);
	CHECK(p && p[2] == 65504.0f, "load_f32");
	free(p);
	gk_safetensors_free(st);

	/* Cut the file short at every length: always an error, never a crash. */
	unsigned char *full;
	n = build(good_header, d, nd, &full);
	int all_bad = 1;
	for (size_t cut = 0; cut < n; cut++) {
		write_bytes("cut.safetensors", full, cut);
		gk_error e2 = {0};
		rc = gk_safetensors_open(&st, path_of("cut.safetensors"), &e2);
		if (rc != GK_EDATA || !strstr(e2.msg, "cut.safetensors"))
			all_bad = 0;
		gk_safetensors_free(st);
	}
	CHECK(all_bad, "a truncated file opened or gave an error without the file name");
	write_bytes("cut.safetensors", full, n - 1);
	rc = gk_safetensors_open(&st, path_of("cut.safetensors"), &err);
	CHECK(rc == GK_EDATA && strstr(err.msg, "pos_ids") && strstr(err.msg, "outside the data area"),
		"truncated data message: '%s'", err.msg);
	write_bytes("cut.safetensors", full, 5);
	rc = gk_safetensors_open(&st, path_of("cut.safetensors"), &err);
	CHECK(rc == GK_EDATA && strstr(err.msg, "too short"), "5-byte file message: '%s'", err.msg);

	/* Random byte flips in the header: any outcome but a crash, and errors are GK_EDATA. */
	uint64_t x = 88172645463325252ull;
	for (int iter = 0; iter < 3000; iter++) {
		unsigned char *c = malloc(n);
		memcpy(c, full, n);
		for (int k = 0; k < 3; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			size_t pos = (size_t)(x % (8 + strlen(good_header)));
			c[pos] = (unsigned char)(x >> 32);
		}
		write_bytes("fuzz.safetensors", c, n);
		free(c);
		gk_error e3 = {0};
		rc = gk_safetensors_open(&st, path_of("fuzz.safetensors"), &e3);
		CHECK(rc == 0 || rc == GK_EDATA, "fuzz: rc %d '%s'", rc, e3.msg);
		if (rc == 0) { /* whatever opened must be readable within bounds */
			for (size_t i = 0; i < gk_safetensors_count(st); i++) {
				const gk_tensor_info *ti = gk_safetensors_at(st, i);
				if (ti->dtype == GK_DTYPE_INVALID || ti->numel > 1000)
					continue;
				float buf[1000];
				gk_safetensors_read_f32(st, ti->name, ti->ndim, ti->shape, buf, &e3);
			}
		}
		gk_safetensors_free(st);
	}
	free(full);
}

static void test_bad(void)
{
	unsigned char z[64] = {0};

	/* header length bigger than the file */
	unsigned char b[16] = {0xff, 0xff, 0, 0, 0, 0, 0, 0, '{', '}'};
	write_bytes("big.safetensors", b, 10);
	gk_safetensors *st;
	gk_error err = {0};
	int rc = gk_safetensors_open(&st, path_of("big.safetensors"), &err);
	CHECK(rc == GK_EDATA && strstr(err.msg, "header length 65535 runs past the end of the file (10 bytes)"),
		"header too long: '%s'", err.msg);

	/* header, part of the expected message; each with 8 zero data bytes */
	static const char *const cases[][2] = {
		{"{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,16]}}",
			"outside the data area"},
		{"{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,4]}}",
			"outside the data area"},
		{"{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-4,4]}}",
			"outside the data area"},
		{"{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}",
			"need 12"},
		{"{\"w\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[0,4]}}",
			"need 8"},
		{"{\"w\":{\"dtype\":\"Q7\",\"shape\":[2],\"data_offsets\":[0,8]}}",
			"unknown dtype 'Q7'"},
		{"{\"w\":{\"dtype\":7,\"shape\":[2],\"data_offsets\":[0,8]}}",
			"dtype"},
		{"{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}",
			"shape"},
		{"{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}",
			"shape[0]"},
		{"{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4611686018427387904],"
		"\"data_offsets\":[0,8]}}",
			"overflows"},
		{"{\"w\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}",
			"dimensions"},
		{"{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}",
			"data_offsets"},
		{"{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}",
			"data_offsets"},
		{"{\"w\":[1,2]}",
			"not an object"},
		{"[1,2]",
			"not an object"},
		{"{\"w\":{\"dtype\":\"F32\",",
			"bad JSON header"},
		{"{\"w\":1,\"w\":2}",
			"bad JSON header"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_bad(cases[i][0], z, 8, cases[i][1]);

	rc = gk_safetensors_open(&st, path_of("does-not-exist.safetensors"), &err);
	CHECK(rc == GK_ENOINPUT && strstr(err.msg, "does-not-exist"), "missing file: %d '%s'", rc, err.msg);
}

static void write_index(const char *json)
{
	write_bytes("model.safetensors.index.json", json, strlen(json));
}

static void test_shards(void)
{
	float one = 1.0f, two[2] = {2.0f, 3.0f};
	unsigned char *b;
	size_t n = build("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", &one, 4, &b);
	write_bytes("model-00001-of-00002.safetensors", b, n);
	free(b);
	n = build("{\"y\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", two, 8, &b);
	write_bytes("model-00002-of-00002.safetensors", b, n);
	free(b);
	write_index("{\"metadata\":{},\"weight_map\":{\"x\":\"model-00001-of-00002.safetensors\","
		"\"y\":\"model-00002-of-00002.safetensors\"}}");
	gk_safetensors *st;
	gk_error err = {0};
	int rc = gk_safetensors_open_dir(&st, dir, &err);
	CHECK(rc == 0 && gk_safetensors_count(st) == 2, "sharded open: %s", err.msg);
	float y[2];
	int64_t s2[1] = {2};
	if (rc == 0) {
		rc = gk_safetensors_read_f32(st, "y", 1, s2, y, &err);
		CHECK(rc == 0 && y[1] == 3.0f, "read from second shard");
		CHECK(strcmp(gk_safetensors_find(st, "y")->file, "model-00002-of-00002.safetensors") == 0, "file name");
		gk_safetensors_free(st);
	}
	/* with model.safetensors beside the index, the single file wins, as in transformers */
	n = build("{\"z\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", &one, 4, &b);
	write_bytes("model.safetensors", b, n);
	free(b);
	rc = gk_safetensors_open_dir(&st, dir, &err);
	CHECK(rc == 0 && gk_safetensors_count(st) == 1 && gk_safetensors_find(st, "z"),
		"model.safetensors preferred to the index: %s", err.msg);
	if (rc == 0)
		gk_safetensors_free(st);
	unlink(path_of("model.safetensors"));

	write_index("{\"weight_map\":{\"x\":\"../model-00001-of-00002.safetensors\"}}");
	rc = gk_safetensors_open_dir(&st, dir, &err);
	CHECK(rc == GK_EDATA && strstr(err.msg, "file name in the model directory"), "shard path escape: '%s'", err.msg);
	write_index("{\"weight_map\":{\"x\":\"model-00002-of-00002.safetensors\"}}");
	rc = gk_safetensors_open_dir(&st, dir, &err);
	CHECK(rc == GK_EDATA && strstr(err.msg, "'x'"), "tensor in the wrong shard: '%s'", err.msg);
	write_index("{\"weight_map\":{\"x\":\"model-00003-of-00002.safetensors\"}}");
	rc = gk_safetensors_open_dir(&st, dir, &err);
	CHECK(rc == GK_ENOINPUT && strstr(err.msg, "model-00003"), "missing shard: %d '%s'", rc, err.msg);
	write_index("{\"weight_map\":[]}");
	rc = gk_safetensors_open_dir(&st, dir, &err);
	CHECK(rc == GK_EDATA && strstr(err.msg, "weight_map"), "bad weight_map: '%s'", err.msg);
	/* the same tensor in two shards */
	n = build("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", &one, 4, &b);
	write_bytes("model-00002-of-00002.safetensors", b, n);
	free(b);
	write_index("{\"weight_map\":{\"x\":\"model-00001-of-00002.safetensors\","
		"\"y\":\"model-00002-of-00002.safetensors\"}}");
	rc = gk_safetensors_open_dir(&st, dir, &err);
	CHECK(rc == GK_EDATA && strstr(err.msg, "in both"), "duplicate tensor: '%s'", err.msg);
	unlink(path_of("model.safetensors.index.json"));
	unlink(path_of("model-00001-of-00002.safetensors"));
	unlink(path_of("model-00002-of-00002.safetensors"));
	rc = gk_safetensors_open_dir(&st, dir, &err);
	CHECK(rc == GK_ENOINPUT && strstr(err.msg, "model.safetensors"), "no weights: %d '%s'", rc, err.msg);
}

int main(void)
{
	snprintf(dir, sizeof dir, "tmp-safetensors-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 99;
	}
	test_good();
	test_bad();
	test_shards();
	if (failures) {
		fprintf(stderr, "%d failures; files kept in %s\n", failures, dir);
		return 1;
	}
	const char *names[] = {"good", "cut", "fuzz", "big", "bad"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char f[64];
		snprintf(f, sizeof f, "%s.safetensors", names[i]);
		unlink(path_of(f));
	}
	rmdir(dir);
	printf("safetensors: all checks passed\n");
	return 0;
}

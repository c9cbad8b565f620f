/*
 * gen-util.h - what the random-model generators for tests share: a
 * platform-independent PRNG and normal deviates, a tensor list, and a
 * safetensors writer (f32, f16 or bf16).  Header-only because each
 * generator is one small test program; not part of libcommon.  The
 * generators may print and exit: they are test tools.
 */
#ifndef GK_GEN_UTIL_H
#define GK_GEN_UTIL_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtype.h"

static uint64_t gen_rng_state;

static inline uint64_t gen_splitmix64(void)
{
	uint64_t z = (gen_rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Approximately N(0, 1): Irwin-Hall sum of 12 uniforms minus 6, exact in
 * double, so no libm call decides a weight. */
static inline double gen_normal(void)
{
	double s = 0;
	for (int i = 0; i < 12; i++)
		s += (double)(gen_splitmix64() >> 40) * (1.0 / 16777216.0);
	return s - 6.0;
}

static inline void gen_die(const char *prog, const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(1);
}

struct gen_tensor {
	char name[160];
	int ndim;
	int64_t shape[2];
	float *data; /* (shape[0], shape[1]) */
	size_t n;
};

struct gen_tensors {
	struct gen_tensor *t;
	size_t n;
};

/* Append tensor `name` of mean + std * N(0,1) values, shape d0 or (d0, d1). */
static inline void gen_fill(struct gen_tensors *ts, const char *name, int64_t d0, int64_t d1,
	double mean, double std)
{
	ts->t = realloc(ts->t, (ts->n + 1) * sizeof *ts->t);
	if (!ts->t)
		gen_die("gen", "%s", "out of memory");
	struct gen_tensor *t = &ts->t[ts->n++];
	snprintf(t->name, sizeof t->name, "%s", name);
	t->ndim = d1 ? 2 : 1;
	t->shape[0] = d0;
	t->shape[1] = d1;
	t->n = (size_t)d0 * (size_t)(d1 ? d1 : 1);
	if (!(t->data = malloc(t->n * sizeof(float))))
		gen_die("gen", "%s", "out of memory");
	for (size_t i = 0; i < t->n; i++)
		t->data[i] = (float)(mean + std * gen_normal());
}

static inline void gen_tensors_free(struct gen_tensors *ts)
{
	for (size_t i = 0; i < ts->n; i++)
		free(ts->t[i].data);
	free(ts->t);
	ts->t = NULL;
	ts->n = 0;
}

/* Write tensors [a, b) of ts as one safetensors file in dtype dt (header
 * padded with spaces to 8 bytes, as the safetensors library does).
 * Returns the size of the data area. */
static inline size_t gen_write_safetensors(const char *path, const struct gen_tensors *ts,
	size_t a, size_t b, gk_dtype dt)
{
	size_t es = gk_dtype_size(dt), off = 0;
	const char *dname = dt == GK_DTYPE_F16 ? "F16" : dt == GK_DTYPE_BF16 ? "BF16" : "F32";
	json_t *h = json_object();
	json_object_set_new(h, "__metadata__", json_pack("{s:s}", "format", "pt"));
	for (size_t i = a; i < b; i++) {
		const struct gen_tensor *t = &ts->t[i];
		json_t *shape = json_array();
		for (int d = 0; d < t->ndim; d++)
			json_array_append_new(shape, json_integer(t->shape[d]));
		json_object_set_new(h, t->name, json_pack("{s:s,s:o,s:[I,I]}", "dtype", dname,
			"shape", shape, "data_offsets", (json_int_t)off, (json_int_t)(off + t->n * es)));
		off += t->n * es;
	}
	char *hs = json_dumps(h, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(h);
	size_t hn = strlen(hs), padded = (hn + 7) / 8 * 8;
	FILE *f = fopen(path, "wb");
	if (!f)
		gen_die("gen", "cannot write %s", path);
	unsigned char len[8];
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)((uint64_t)padded >> (8 * i));
	fwrite(len, 1, 8, f);
	fwrite(hs, 1, hn, f);
	for (size_t i = hn; i < padded; i++)
		fputc(' ', f);
	free(hs);
	unsigned char *buf = malloc(65536 * es);
	if (!buf)
		gen_die("gen", "%s", "out of memory");
	for (size_t i = a; i < b; i++) {
		const struct gen_tensor *t = &ts->t[i];
		for (size_t k0 = 0; k0 < t->n; k0 += 65536) {
			size_t m = t->n - k0 < 65536 ? t->n - k0 : 65536;
			for (size_t k = 0; k < m; k++) {
				uint32_t u;
				if (dt == GK_DTYPE_F32)
					memcpy(&u, &t->data[k0 + k], 4);
				else
					u = dt == GK_DTYPE_F16 ? gk_f32_to_f16(t->data[k0 + k]) :
						gk_f32_to_bf16(t->data[k0 + k]);
				for (size_t q = 0; q < es; q++)
					buf[k * es + q] = (unsigned char)(u >> (8 * q));
			}
			fwrite(buf, es, m, f);
		}
	}
	free(buf);
	if (fclose(f) != 0)
		gen_die("gen", "cannot write %s", path);
	return off;
}

static inline void gen_write_json(const char *path, json_t *j)
{
	if (json_dump_file(j, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
		gen_die("gen", "cannot write %s", path);
	json_decref(j);
}

/* All of ts into dir as model.safetensors, or, for shards > 1, as
 * model-0000K-of-0000N.safetensors files with model.safetensors.index.json,
 * as transformers' save_pretrained writes them with max_shard_size. */
static inline void gen_write_weights(const char *dir, const struct gen_tensors *ts, int shards, gk_dtype dt)
{
	char path[4096];

	if (shards == 1) {
		snprintf(path, sizeof path, "%s/model.safetensors", dir);
		gen_write_safetensors(path, ts, 0, ts->n, dt);
		return;
	}
	json_t *wm = json_object();
	size_t total = 0;
	for (int k = 0; k < shards; k++) {
		size_t a = ts->n * (size_t)k / (size_t)shards, b = ts->n * (size_t)(k + 1) / (size_t)shards;
		char fname[64];
		snprintf(fname, sizeof fname, "model-%05d-of-%05d.safetensors", k + 1, shards);
		snprintf(path, sizeof path, "%s/%s", dir, fname);
		total += gen_write_safetensors(path, ts, a, b, dt);
		for (size_t i = a; i < b; i++)
			json_object_set_new(wm, ts->t[i].name, json_string(fname));
	}
	snprintf(path, sizeof path, "%s/model.safetensors.index.json", dir);
	gen_write_json(path, json_pack("{s:{s:I},s:o}", "metadata", "total_size", (json_int_t)total,
		"weight_map", wm));
}

#endif

/*
 * gguf-writer.h - a small GGUF v3 writer for tests and generators:
 * metadata of every scalar type, string and numeric arrays, and tensors in
 * F32, F16, BF16, Q8_0 or Q4_0 (converted from f32 here), laid out as
 * llama.cpp's gguf_write does (infos, padding to the alignment, data with
 * each tensor aligned).  Header-only, test tool: prints and exits on
 * failure.  Not part of libcommon.
 */
#ifndef GK_GGUF_WRITER_H
#define GK_GGUF_WRITER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtype.h"
#include "gguf.h"
#include "quant.h"

struct gw_buf {
	unsigned char *p;
	size_t n, cap;
};

struct gw_tensor {
	char *name;
	int ndim;
	uint64_t ne[4];
	uint32_t type;
	unsigned char *data;
	size_t nbytes;
};

struct gw {
	struct gw_buf kv;    /* the encoded key/value pairs */
	uint64_t n_kv;
	struct gw_tensor *t;
	size_t n_t;
	size_t alignment;
};

static inline void gw_put(struct gw_buf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 256;
		if (!(b->p = realloc(b->p, b->cap))) {
			fprintf(stderr, "gguf-writer: out of memory\n");
			exit(99);
		}
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static inline void gw_u32(struct gw_buf *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
		(unsigned char)(v >> 24)};
	gw_put(b, x, 4);
}

static inline void gw_u64(struct gw_buf *b, uint64_t v)
{
	gw_u32(b, (uint32_t)v);
	gw_u32(b, (uint32_t)(v >> 32));
}

static inline void gw_str(struct gw_buf *b, const char *s, size_t n)
{
	gw_u64(b, n);
	gw_put(b, s, n);
}

static inline void gw_key(struct gw *w, const char *key, uint32_t type)
{
	gw_str(&w->kv, key, strlen(key));
	gw_u32(&w->kv, type);
	w->n_kv++;
}

static inline void gw_kv_u32(struct gw *w, const char *key, uint32_t v)
{
	gw_key(w, key, GK_GGUF_U32);
	gw_u32(&w->kv, v);
}

static inline void gw_kv_i32(struct gw *w, const char *key, int32_t v)
{
	gw_key(w, key, GK_GGUF_I32);
	gw_u32(&w->kv, (uint32_t)v);
}

static inline void gw_kv_f32(struct gw *w, const char *key, float v)
{
	uint32_t u;
	memcpy(&u, &v, 4);
	gw_key(w, key, GK_GGUF_F32);
	gw_u32(&w->kv, u);
}

static inline void gw_kv_bool(struct gw *w, const char *key, int v)
{
	unsigned char c = v != 0;
	gw_key(w, key, GK_GGUF_BOOL);
	gw_put(&w->kv, &c, 1);
}

static inline void gw_kv_str(struct gw *w, const char *key, const char *s)
{
	gw_key(w, key, GK_GGUF_STRING);
	gw_str(&w->kv, s, strlen(s));
}

static inline void gw_kv_arr_str(struct gw *w, const char *key, const char *const *s, size_t n)
{
	gw_key(w, key, GK_GGUF_ARRAY);
	gw_u32(&w->kv, GK_GGUF_STRING);
	gw_u64(&w->kv, n);
	for (size_t i = 0; i < n; i++)
		gw_str(&w->kv, s[i], strlen(s[i]));
}

static inline void gw_kv_arr_i32(struct gw *w, const char *key, const int32_t *v, size_t n)
{
	gw_key(w, key, GK_GGUF_ARRAY);
	gw_u32(&w->kv, GK_GGUF_I32);
	gw_u64(&w->kv, n);
	for (size_t i = 0; i < n; i++)
		gw_u32(&w->kv, (uint32_t)v[i]);
}

static inline void gw_kv_arr_f32(struct gw *w, const char *key, const float *v, size_t n)
{
	gw_key(w, key, GK_GGUF_ARRAY);
	gw_u32(&w->kv, GK_GGUF_F32);
	gw_u64(&w->kv, n);
	for (size_t i = 0; i < n; i++) {
		uint32_t u;
		memcpy(&u, &v[i], 4);
		gw_u32(&w->kv, u);
	}
}

/* Add tensor `name` with ne[0..ndim) (ne[0] fastest) from f32 values,
 * stored as type (F32, F16, BF16, Q8_0, Q4_0). */
static inline void gw_tensor_f32(struct gw *w, const char *name, int ndim, const uint64_t *ne,
	uint32_t type, const float *x)
{
	w->t = realloc(w->t, (w->n_t + 1) * sizeof *w->t);
	struct gw_tensor *t = &w->t[w->n_t++];
	memset(t, 0, sizeof *t);
	t->name = strdup(name);
	t->ndim = ndim;
	size_t n = 1;
	for (int d = 0; d < ndim; d++)
		n *= (size_t)(t->ne[d] = ne[d]);
	t->type = type;
	switch (type) {
	case GK_GGML_F32: t->nbytes = 4 * n; break;
	case GK_GGML_F16: case GK_GGML_BF16: t->nbytes = 2 * n; break;
	case GK_GGML_Q8_0: t->nbytes = n / GK_QK * GK_Q8_0_BYTES; break;
	case GK_GGML_Q4_0: t->nbytes = n / GK_QK * GK_Q4_0_BYTES; break;
	default: fprintf(stderr, "gguf-writer: type %u\n", type); exit(99);
	}
	t->data = malloc(t->nbytes + 1);
	if (type == GK_GGML_F32) {
		memcpy(t->data, x, t->nbytes);
	} else if (type == GK_GGML_F16 || type == GK_GGML_BF16) {
		for (size_t i = 0; i < n; i++) {
			uint16_t h = type == GK_GGML_F16 ? gk_f32_to_f16(x[i]) : gk_f32_to_bf16(x[i]);
			t->data[2 * i] = (unsigned char)h;
			t->data[2 * i + 1] = (unsigned char)(h >> 8);
		}
	} else if (type == GK_GGML_Q8_0) {
		gk_f32_to_q8_0(x, n, t->data);
	} else {
		gk_f32_to_q4_0(x, n, t->data);
	}
}

/* The whole file image (malloc'd, *size bytes). */
static inline unsigned char *gw_image(const struct gw *w, size_t *size)
{
	size_t al = w->alignment ? w->alignment : 32;
	struct gw_buf b = {0};
	gw_u32(&b, 0x46554747u);
	gw_u32(&b, 3);
	gw_u64(&b, w->n_t);
	gw_u64(&b, w->n_kv);
	gw_put(&b, w->kv.p ? w->kv.p : (unsigned char *)"", w->kv.n);
	uint64_t off = 0;
	for (size_t i = 0; i < w->n_t; i++) {
		const struct gw_tensor *t = &w->t[i];
		gw_str(&b, t->name, strlen(t->name));
		gw_u32(&b, (uint32_t)t->ndim);
		for (int d = 0; d < t->ndim; d++)
			gw_u64(&b, t->ne[d]);
		gw_u32(&b, t->type);
		gw_u64(&b, off);
		off += (t->nbytes + al - 1) / al * al;
	}
	static const unsigned char zero[64];
	while (b.n % al)
		gw_put(&b, zero, 1);
	for (size_t i = 0; i < w->n_t; i++) {
		gw_put(&b, w->t[i].data, w->t[i].nbytes);
		while (b.n % al && i + 1 < w->n_t)
			gw_put(&b, zero, 1);
	}
	*size = b.n;
	return b.p;
}

static inline void gw_write(const struct gw *w, const char *path)
{
	size_t n;
	unsigned char *p = gw_image(w, &n);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "gguf-writer: cannot write %s\n", path);
		exit(99);
	}
	free(p);
}

static inline void gw_free(struct gw *w)
{
	for (size_t i = 0; i < w->n_t; i++) {
		free(w->t[i].name);
		free(w->t[i].data);
	}
	free(w->t);
	free(w->kv.p);
	memset(w, 0, sizeof *w);
}

#endif

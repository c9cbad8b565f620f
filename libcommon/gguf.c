/*
 * gguf.c - mmap, validate and look up the metadata and tensors of a GGUF
 * file.  Everything is checked once at open, with a bounds-checked cursor
 * over the mapping, so later accessors trust sizes and offsets.  Not a
 * writer and not a tensor library: callers decide what the bytes mean.
 */
#include "gguf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dtype.h"

#define MAGIC 0x46554747u   /* "GGUF" little-endian */
#define DEFAULT_ALIGNMENT 32
#define MAX_NAME 65535      /* longer keys or tensor names are corrupt */

struct gk_gguf {
	char *name;
	void *base;
	size_t size;
	uint32_t version;
	gk_gguf_kv *kv;        /* (n_kv) */
	size_t n_kv;
	gk_gguf_tensor *t;     /* (n_t) */
	size_t n_t;
	size_t alignment;
};

/* A bounds-checked reader over the mapping. */
struct cur {
	const uint8_t *p;
	size_t pos, size;
	const char *file;
	gk_error *err;
};

static int short_read(struct cur *c, const char *what, uint64_t need)
{
	return gk_error_set(c->err, GK_EDATA,
		"%s: %s at byte %zu needs %llu bytes, but the file ends at %zu", c->file, what,
		c->pos, (unsigned long long)need, c->size);
}

static int take(struct cur *c, uint64_t n, const uint8_t **out, const char *what)
{
	if (n > c->size - c->pos)
		return short_read(c, what, n);
	*out = c->p + c->pos;
	c->pos += (size_t)n;
	return 0;
}

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int rd_u32(struct cur *c, uint32_t *v, const char *what)
{
	const uint8_t *p = NULL;
	int rc = take(c, 4, &p, what);
	if (!rc)
		*v = (uint32_t)le(p, 4);
	return rc;
}

static int rd_u64(struct cur *c, uint64_t *v, const char *what)
{
	const uint8_t *p = NULL;
	int rc = take(c, 8, &p, what);
	if (!rc)
		*v = le(p, 8);
	return rc;
}

/* A u64-length string; *s into the mapping. */
static int rd_str(struct cur *c, const char **s, size_t *len, const char *what)
{
	uint64_t n;
	const uint8_t *p = NULL;
	int rc = rd_u64(c, &n, what);
	if (!rc)
		rc = take(c, n, &p, what);
	if (!rc) {
		*s = (const char *)p;
		*len = (size_t)n;
	}
	return rc;
}

size_t gk_gguf_type_size(gk_gguf_type t)
{
	static const unsigned char sz[GK_GGUF_TYPE_COUNT] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};
	return (unsigned)t < GK_GGUF_TYPE_COUNT ? sz[t] : 0;
}

static const struct {
	uint32_t type;
	const char *name;
	unsigned block, bytes;
} ggml_types[] = {
	{GK_GGML_F32, "F32", 1, 4}, {GK_GGML_F16, "F16", 1, 2}, {GK_GGML_Q4_0, "Q4_0", 32, 18},
	{GK_GGML_Q4_1, "Q4_1", 32, 20}, {GK_GGML_Q5_0, "Q5_0", 32, 22}, {GK_GGML_Q5_1, "Q5_1", 32, 24},
	{GK_GGML_Q8_0, "Q8_0", 32, 34}, {GK_GGML_Q8_1, "Q8_1", 32, 36}, {GK_GGML_Q2_K, "Q2_K", 256, 84},
	{GK_GGML_Q3_K, "Q3_K", 256, 110}, {GK_GGML_Q4_K, "Q4_K", 256, 144},
	{GK_GGML_Q5_K, "Q5_K", 256, 176}, {GK_GGML_Q6_K, "Q6_K", 256, 210},
	{GK_GGML_Q8_K, "Q8_K", 256, 292}, {GK_GGML_I8, "I8", 1, 1}, {GK_GGML_I16, "I16", 1, 2},
	{GK_GGML_I32, "I32", 1, 4}, {GK_GGML_I64, "I64", 1, 8}, {GK_GGML_F64, "F64", 1, 8},
	{GK_GGML_BF16, "BF16", 1, 2},
};

bool gk_ggml_type_layout(uint32_t type, size_t *block, size_t *bytes)
{
	for (size_t i = 0; i < sizeof ggml_types / sizeof *ggml_types; i++)
		if (ggml_types[i].type == type) {
			*block = ggml_types[i].block;
			*bytes = ggml_types[i].bytes;
			return true;
		}
	return false;
}

const char *gk_ggml_type_name(uint32_t type)
{
	for (size_t i = 0; i < sizeof ggml_types / sizeof *ggml_types; i++)
		if (ggml_types[i].type == type)
			return ggml_types[i].name;
	return "unknown";
}

void gk_gguf_free(gk_gguf *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n_kv; i++) {
		free((char *)g->kv[i].key);
		free((uint64_t *)g->kv[i].str_off);
	}
	for (size_t i = 0; i < g->n_t; i++)
		free((char *)g->t[i].name);
	free(g->kv);
	free(g->t);
	if (g->base)
		munmap(g->base, g->size);
	free(g->name);
	free(g);
}

/* Read one value of scalar type t (or a whole array) for kv. */
static int parse_value(struct cur *c, gk_gguf_kv *kv)
{
	const char *key = kv->key;
	const uint8_t *p = NULL;
	int rc;
	if (kv->type == GK_GGUF_STRING) {
		const char *s = NULL;
		size_t len = 0;
		kv->data = c->p + c->pos;
		return rd_str(c, &s, &len, key);
	}
	if (kv->type != GK_GGUF_ARRAY) {
		size_t sz = gk_gguf_type_size(kv->type);
		if (!sz)
			return gk_error_set(c->err, GK_EDATA, "%s: key '%s': unknown value type %u",
				c->file, key, (unsigned)kv->type);
		if ((rc = take(c, sz, &p, key)) < 0)
			return rc;
		kv->data = p;
		if (kv->type == GK_GGUF_BOOL && p[0] > 1)
			return gk_error_set(c->err, GK_EDATA, "%s: key '%s': bool value %u is not 0 or 1",
				c->file, key, p[0]);
		return 0;
	}
	uint32_t at;
	uint64_t n;
	if ((rc = rd_u32(c, &at, key)) < 0 || (rc = rd_u64(c, &n, key)) < 0)
		return rc;
	kv->arr_type = (gk_gguf_type)at;
	kv->n = n;
	kv->data = c->p + c->pos;
	if (at == GK_GGUF_STRING) {
		/* Each string takes at least its 8-byte length: bounds the table. */
		if (n > (c->size - c->pos) / 8)
			return gk_error_set(c->err, GK_EDATA,
				"%s: key '%s': %llu strings cannot fit in the %zu bytes left", c->file, key,
				(unsigned long long)n, c->size - c->pos);
		uint64_t *off = malloc((n ? n : 1) * sizeof *off);
		if (!off)
			return gk_error_nomem(c->err);
		kv->str_off = off;
		for (uint64_t i = 0; i < n; i++) {
			const char *s = NULL;
			size_t len = 0;
			off[i] = (uint64_t)(c->p + c->pos - kv->data);
			if ((rc = rd_str(c, &s, &len, key)) < 0)
				return rc;
		}
		return 0;
	}
	size_t sz = gk_gguf_type_size((gk_gguf_type)at);
	if (!sz)
		return gk_error_set(c->err, GK_EDATA, "%s: key '%s': arrays of type %u are not supported",
			c->file, key, (unsigned)at);
	if (n > (c->size - c->pos) / sz)
		return short_read(c, key, n * sz > n ? n * sz : UINT64_MAX);
	if ((rc = take(c, n * sz, &p, key)) < 0)
		return rc;
	if (at == GK_GGUF_BOOL)
		for (uint64_t i = 0; i < n; i++)
			if (p[i] > 1)
				return gk_error_set(c->err, GK_EDATA, "%s: key '%s': bool element %llu is %u",
					c->file, key, (unsigned long long)i, p[i]);
	return 0;
}

static int dup_name(struct cur *c, const char **out, const char *what)
{
	const char *s = NULL;
	size_t len = 0;
	int rc = rd_str(c, &s, &len, what);
	if (rc < 0)
		return rc;
	if (len > MAX_NAME || memchr(s, 0, len))
		return gk_error_set(c->err, GK_EDATA,
			"%s: %s at byte %zu is longer than %d bytes or holds a NUL",
			c->file, what, c->pos - len, MAX_NAME);
	if (!(*out = strndup(s, len)))
		return gk_error_nomem(c->err);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Two entries with one name would make lookups ambiguous. */
static int check_unique(gk_gguf *g, bool tensors, gk_error *err)
{
	size_t n = tensors ? g->n_t : g->n_kv;
	if (n < 2)
		return 0;
	const char **v = malloc(n * sizeof *v);
	if (!v)
		return gk_error_nomem(err);
	for (size_t i = 0; i < n; i++)
		v[i] = tensors ? g->t[i].name : g->kv[i].key;
	qsort(v, n, sizeof *v, cmp_str);
	int rc = 0;
	for (size_t i = 1; i < n && !rc; i++)
		if (strcmp(v[i - 1], v[i]) == 0)
			rc = gk_error_set(err, GK_EDATA, "%s: %s '%s' appears twice", g->name,
				tensors ? "tensor" : "key", v[i]);
	free(v);
	return rc;
}

static int parse_tensor(struct cur *c, gk_gguf_tensor *t, uint64_t *offset)
{
	int rc;
	uint32_t nd, type;
	if ((rc = dup_name(c, &t->name, "tensor name")) < 0 || (rc = rd_u32(c, &nd, t->name)) < 0)
		return rc;
	if (nd < 1 || nd > GK_GGUF_MAX_DIMS)
		return gk_error_set(c->err, GK_EDATA, "%s: tensor '%s': %u dimensions (1 to %d allowed)",
			c->file, t->name, nd, GK_GGUF_MAX_DIMS);
	t->ndim = (int)nd;
	uint64_t numel = 1;
	for (int d = 0; d < GK_GGUF_MAX_DIMS; d++) {
		uint64_t ne = 1;
		if (d < t->ndim && (rc = rd_u64(c, &ne, t->name)) < 0)
			return rc;
		if (ne == 0 || ne > INT64_MAX || __builtin_mul_overflow(numel, ne, &numel) ||
		    numel > INT64_MAX)
			return gk_error_set(c->err, GK_EDATA,
				"%s: tensor '%s': dimension %d of %llu elements is zero or overflows",
				c->file, t->name, d, (unsigned long long)ne);
		t->ne[d] = (int64_t)ne;
	}
	t->numel = (int64_t)numel;
	if ((rc = rd_u32(c, &type, t->name)) < 0 || (rc = rd_u64(c, offset, t->name)) < 0)
		return rc;
	t->type = type;
	size_t block, bytes;
	if (!gk_ggml_type_layout(type, &block, &bytes))
		return gk_error_set(c->err, GK_EDATA, "%s: tensor '%s': unknown ggml type %u",
			c->file, t->name, type);
	if ((uint64_t)t->ne[0] % block)
		return gk_error_set(c->err, GK_EDATA,
			"%s: tensor '%s': row of %lld elements is not a whole number of %s blocks of %zu",
			c->file, t->name, (long long)t->ne[0], gk_ggml_type_name(type), block);
	if (!gk_mul_size((size_t)(numel / block), bytes, &t->nbytes))
		return gk_error_set(c->err, GK_EDATA, "%s: tensor '%s': byte size overflows",
			c->file, t->name);
	return 0;
}

static int parse(gk_gguf *g, gk_error *err)
{
	struct cur c = {.p = g->base, .size = g->size, .file = g->name, .err = err};
	uint32_t magic;
	uint64_t n_t, n_kv;
	int rc;
	if (g->size < 4 || (rd_u32(&c, &magic, "magic"), magic != MAGIC))
		return gk_error_set(err, GK_EDATA, "%s: not a GGUF file (no \"GGUF\" magic)", g->name);
	if ((rc = rd_u32(&c, &g->version, "version")) < 0)
		return rc;
	if (g->version != 2 && g->version != 3)
		return gk_error_set(err, GK_EDATA,
			"%s: GGUF version %u is not supported (2 and 3 are; re-convert older files "
			"with a current llama.cpp)", g->name, g->version);
	if ((rc = rd_u64(&c, &n_t, "tensor count")) < 0 || (rc = rd_u64(&c, &n_kv, "key count")) < 0)
		return rc;
	/* A key takes at least 8 + 4 + 1 bytes, a tensor info 8 + 4 + 8 + 4 + 8:
	 * bounds the tables a corrupt count could make us allocate. */
	if (n_kv > (g->size - c.pos) / 13 || n_t > (g->size - c.pos) / 32)
		return gk_error_set(err, GK_EDATA,
			"%s: %llu keys and %llu tensors cannot fit in a file of %zu bytes", g->name,
			(unsigned long long)n_kv, (unsigned long long)n_t, g->size);
	if (!(g->kv = calloc(n_kv ? n_kv : 1, sizeof *g->kv)) ||
	    !(g->t = calloc(n_t ? n_t : 1, sizeof *g->t)))
		return gk_error_nomem(err);
	for (uint64_t i = 0; i < n_kv; i++) {
		gk_gguf_kv *kv = &g->kv[i];
		uint32_t type;
		g->n_kv++;
		if ((rc = dup_name(&c, &kv->key, "key")) < 0 || (rc = rd_u32(&c, &type, kv->key)) < 0)
			return rc;
		kv->type = (gk_gguf_type)type;
		kv->n = 1;
		if ((rc = parse_value(&c, kv)) < 0)
			return rc;
	}
	if ((rc = check_unique(g, false, err)) < 0)
		return rc;
	int64_t align = DEFAULT_ALIGNMENT;
	if ((rc = gk_gguf_get_i64(g, "general.alignment", &align, err)) < 0)
		return rc;
	rc = 0;
	if (align < 1 || align > (1 << 30) || (align & (align - 1)))
		return gk_error_set(err, GK_EDATA, "%s: general.alignment %lld is not a power of two",
			g->name, (long long)align);
	g->alignment = (size_t)align;

	uint64_t *offs = malloc((n_t ? n_t : 1) * sizeof *offs);
	if (!offs)
		return gk_error_nomem(err);
	for (uint64_t i = 0; i < n_t && !rc; i++) {
		g->n_t++;
		rc = parse_tensor(&c, &g->t[i], &offs[i]);
	}
	if (!rc)
		rc = check_unique(g, true, err);
	size_t data = c.pos + (g->alignment - c.pos % g->alignment) % g->alignment;
	if (!rc && data > g->size && n_t)
		rc = gk_error_set(err, GK_EDATA, "%s: the data area (byte %zu) starts past the end "
			"of the file (%zu bytes)", g->name, data, g->size);
	for (uint64_t i = 0; i < n_t && !rc; i++) {
		gk_gguf_tensor *t = &g->t[i];
		size_t avail = g->size - data;
		if (offs[i] % g->alignment)
			rc = gk_error_set(err, GK_EDATA,
				"%s: tensor '%s': data offset %llu is not a multiple of the alignment %zu",
				g->name, t->name, (unsigned long long)offs[i], g->alignment);
		else if (offs[i] > avail || t->nbytes > avail - offs[i])
			rc = gk_error_set(err, GK_EDATA,
				"%s: tensor '%s': data [%llu, %llu) runs past the end of the data area "
				"(%zu bytes)", g->name, t->name, (unsigned long long)offs[i],
				(unsigned long long)offs[i] + t->nbytes, avail);
		else
			t->data = (const uint8_t *)g->base + data + offs[i];
	}
	free(offs);
	return rc;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

int gk_gguf_open(gk_gguf **out, const char *path, gk_error *err)
{
	*out = NULL;
	gk_gguf *g = calloc(1, sizeof *g);
	if (!g || !(g->name = strdup(base_name(path)))) {
		free(g);
		return gk_error_nomem(err);
	}
	int rc = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0) {
		int e = errno;
		rc = gk_error_set(err, e == ENOENT ? GK_ENOINPUT : GK_EIO, "%s: %s", path, strerror(e));
	} else if (fstat(fd, &sb) < 0) {
		rc = gk_error_set(err, GK_EIO, "%s: %s", path, strerror(errno));
	} else if (!S_ISREG(sb.st_mode)) {
		rc = gk_error_set(err, GK_EDATA, "%s: not a regular file", path);
	} else if (sb.st_size < 24) {
		rc = gk_error_set(err, GK_EDATA, "%s: %lld bytes, too short for a GGUF header",
			g->name, (long long)sb.st_size);
	} else {
		g->size = (size_t)sb.st_size;
		void *base = mmap(NULL, g->size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (base == MAP_FAILED)
			rc = gk_error_set(err, GK_EIO, "%s: mmap: %s", path, strerror(errno));
		else
			g->base = base;
	}
	if (fd >= 0)
		close(fd);
	if (!rc)
		rc = parse(g, err);
	if (rc < 0) {
		gk_gguf_free(g);
		return rc;
	}
	*out = g;
	return 0;
}

const char *gk_gguf_name(const gk_gguf *g) { return g->name; }
uint32_t gk_gguf_version(const gk_gguf *g) { return g->version; }

bool gk_gguf_is_path(const char *path)
{
	size_t n = strlen(path);
	if (n >= 5 && strcasecmp(path + n - 5, ".gguf") == 0)
		return true;
	struct stat sb;
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	unsigned char m[4];
	bool yes = read(fd, m, 4) == 4 && le(m, 4) == MAGIC;
	close(fd);
	return yes;
}

size_t gk_gguf_kv_count(const gk_gguf *g) { return g->n_kv; }
const gk_gguf_kv *gk_gguf_kv_at(const gk_gguf *g, size_t i) { return i < g->n_kv ? &g->kv[i] : NULL; }

const gk_gguf_kv *gk_gguf_find_kv(const gk_gguf *g, const char *key)
{
	for (size_t i = 0; i < g->n_kv; i++)
		if (strcmp(g->kv[i].key, key) == 0)
			return &g->kv[i];
	return NULL;
}

static bool is_int_type(gk_gguf_type t)
{
	return t <= GK_GGUF_I32 || t == GK_GGUF_U64 || t == GK_GGUF_I64;
}

/* An integer element at p of type t, widened; false if a u64 exceeds INT64_MAX. */
static bool int_at(const uint8_t *p, gk_gguf_type t, int64_t *v)
{
	uint64_t u = le(p, (int)gk_gguf_type_size(t));
	switch (t) {
	case GK_GGUF_I8: *v = (int8_t)u; return true;
	case GK_GGUF_I16: *v = (int16_t)u; return true;
	case GK_GGUF_I32: *v = (int32_t)u; return true;
	case GK_GGUF_I64: *v = (int64_t)u; return true;
	default: *v = (int64_t)u; return u <= INT64_MAX;
	}
}

static int bad_type(const gk_gguf *g, const char *key, const char *want, gk_error *err)
{
	return gk_error_set(err, GK_EDATA, "%s: key '%s' is not %s", g->name, key, want);
}

int gk_gguf_get_i64(const gk_gguf *g, const char *key, int64_t *out, gk_error *err)
{
	const gk_gguf_kv *kv = gk_gguf_find_kv(g, key);
	if (!kv)
		return 1;
	if (!is_int_type(kv->type) || !int_at(kv->data, kv->type, out))
		return bad_type(g, key, "an integer", err);
	return 0;
}

int gk_gguf_get_int(const gk_gguf *g, const char *key, int *out, gk_error *err)
{
	int64_t v;
	int rc = gk_gguf_get_i64(g, key, &v, err);
	if (rc)
		return rc;
	if (v < -2147483647 || v > 2147483647)
		return gk_error_set(err, GK_EDATA, "%s: key '%s': %lld is out of range", g->name, key,
			(long long)v);
	*out = (int)v;
	return 0;
}

static double f32_at(const uint8_t *p)
{
	uint32_t u = (uint32_t)le(p, 4);
	float f;
	memcpy(&f, &u, 4);
	return f;
}

int gk_gguf_get_f64(const gk_gguf *g, const char *key, double *out, gk_error *err)
{
	const gk_gguf_kv *kv = gk_gguf_find_kv(g, key);
	if (!kv)
		return 1;
	if (kv->type == GK_GGUF_F32) {
		*out = f32_at(kv->data);
	} else if (kv->type == GK_GGUF_F64) {
		uint64_t u = le(kv->data, 8);
		memcpy(out, &u, 8);
	} else {
		return bad_type(g, key, "a float", err);
	}
	return 0;
}

int gk_gguf_get_bool(const gk_gguf *g, const char *key, bool *out, gk_error *err)
{
	const gk_gguf_kv *kv = gk_gguf_find_kv(g, key);
	if (!kv)
		return 1;
	if (kv->type != GK_GGUF_BOOL)
		return bad_type(g, key, "a bool", err);
	*out = kv->data[0] != 0;
	return 0;
}

int gk_gguf_get_str(const gk_gguf *g, const char *key, const char **s, size_t *len,
	gk_error *err)
{
	const gk_gguf_kv *kv = gk_gguf_find_kv(g, key);
	if (!kv)
		return 1;
	if (kv->type != GK_GGUF_STRING)
		return bad_type(g, key, "a string", err);
	*len = (size_t)le(kv->data, 8);
	*s = (const char *)kv->data + 8;
	return 0;
}

int gk_gguf_get_arr(const gk_gguf *g, const char *key, gk_gguf_type elem_type,
	const gk_gguf_kv **out, gk_error *err)
{
	const gk_gguf_kv *kv = gk_gguf_find_kv(g, key);
	if (!kv)
		return 1;
	bool ok = kv->type == GK_GGUF_ARRAY &&
		(kv->arr_type == elem_type || (is_int_type(elem_type) && is_int_type(kv->arr_type)));
	if (!ok)
		return bad_type(g, key, "an array of the expected type", err);
	*out = kv;
	return 0;
}

const char *gk_gguf_arr_str(const gk_gguf_kv *kv, uint64_t i, size_t *len)
{
	if (!kv->str_off || i >= kv->n) {
		*len = 0;
		return "";
	}
	const uint8_t *p = kv->data + kv->str_off[i];
	*len = (size_t)le(p, 8);
	return (const char *)p + 8;
}

float gk_gguf_arr_f32(const gk_gguf_kv *kv, uint64_t i)
{
	if (kv->arr_type != GK_GGUF_F32 || i >= kv->n)
		return 0;
	return (float)f32_at(kv->data + 4 * i);
}

int64_t gk_gguf_arr_int(const gk_gguf_kv *kv, uint64_t i)
{
	int64_t v = 0;
	if (i < kv->n && is_int_type(kv->arr_type))
		int_at(kv->data + i * gk_gguf_type_size(kv->arr_type), kv->arr_type, &v);
	return v;
}

size_t gk_gguf_tensor_count(const gk_gguf *g) { return g->n_t; }
const gk_gguf_tensor *gk_gguf_tensor_at(const gk_gguf *g, size_t i) { return i < g->n_t ? &g->t[i] : NULL; }

const gk_gguf_tensor *gk_gguf_find_tensor(const gk_gguf *g, const char *name)
{
	for (size_t i = 0; i < g->n_t; i++)
		if (strcmp(g->t[i].name, name) == 0)
			return &g->t[i];
	return NULL;
}

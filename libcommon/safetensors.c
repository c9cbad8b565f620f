/*
 * safetensors.c - mmap, validate and look up tensors of safetensors files.
 *
 * Everything in a file is checked once at open, so later accessors can
 * trust offsets and sizes.  Tensors of several files (shards) share one
 * table sorted by name.  Not a writer (tests/gen-model.c writes its own).
 */
#include "safetensors.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json_util.h"

/* The safetensors spec caps the header at 100 MB; a bigger one is corrupt. */
#define HEADER_MAX (100u * 1000u * 1000u)

struct mapping {
	char *name;      /* shown in messages */
	void *base;      /* mmap of the whole file, NULL when empty */
	size_t size;
	json_t *header;  /* owns the strings gk_tensor_info points to */
};

struct gk_safetensors {
	struct mapping *files;
	size_t nfiles;
	gk_tensor_info *tensors; /* sorted by name */
	size_t ntensors, cap;
};

static const struct {
	const char *name;
	gk_dtype dtype;
	size_t size;
} dtypes[] = {
	{"F32", GK_DTYPE_F32, 4}, {"F16", GK_DTYPE_F16, 2}, {"BF16", GK_DTYPE_BF16, 2},
	{"F64", GK_DTYPE_INVALID, 8}, {"I64", GK_DTYPE_INVALID, 8}, {"U64", GK_DTYPE_INVALID, 8},
	{"I32", GK_DTYPE_INVALID, 4}, {"U32", GK_DTYPE_INVALID, 4}, {"I16", GK_DTYPE_INVALID, 2},
	{"U16", GK_DTYPE_INVALID, 2}, {"I8", GK_DTYPE_INVALID, 1}, {"U8", GK_DTYPE_INVALID, 1},
	{"BOOL", GK_DTYPE_INVALID, 1}, {"F8_E4M3", GK_DTYPE_INVALID, 1}, {"F8_E5M2", GK_DTYPE_INVALID, 1},
};

void gk_safetensors_free(gk_safetensors *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->nfiles; i++) {
		if (st->files[i].base)
			munmap(st->files[i].base, st->files[i].size);
		json_decref(st->files[i].header);
		free(st->files[i].name);
	}
	free(st->files);
	free(st->tensors);
	free(st);
}

static int push_tensor(gk_safetensors *st, const gk_tensor_info *t, gk_error *err)
{
	if (st->ntensors == st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 64;
		gk_tensor_info *p = realloc(st->tensors, cap * sizeof *p);
		if (!p)
			return gk_error_nomem(err);
		st->tensors = p;
		st->cap = cap;
	}
	st->tensors[st->ntensors++] = *t;
	return 0;
}

/* Check one header entry and describe it in *t.  data/data_size: the data area. */
static int parse_entry(const char *file, const char *name, json_t *v,
	const unsigned char *data, uint64_t data_size, gk_tensor_info *t, gk_error *err)
{
	memset(t, 0, sizeof *t);
	t->name = name;
	t->file = file;
	if (!json_is_object(v))
		return gk_error_set(err, GK_EDATA, "%s: tensor '%s': header entry is not an object", file, name);

	json_t *dt = json_object_get(v, "dtype");
	if (!json_is_string(dt))
		return gk_error_set(err, GK_EDATA, "%s: tensor '%s': missing or non-string \"dtype\"", file, name);
	size_t elsize = 0;
	for (size_t i = 0; i < sizeof dtypes / sizeof dtypes[0]; i++)
		if (strcmp(json_string_value(dt), dtypes[i].name) == 0) {
			t->dtype = dtypes[i].dtype;
			elsize = dtypes[i].size;
			t->dtype_name = dtypes[i].name;
		}
	if (!elsize)
		return gk_error_set(err, GK_EDATA, "%s: tensor '%s': unknown dtype '%.32s' (supported: F32, F16, BF16)",
			file, name, json_string_value(dt));

	json_t *shape = json_object_get(v, "shape");
	if (!json_is_array(shape))
		return gk_error_set(err, GK_EDATA, "%s: tensor '%s': missing or non-array \"shape\"", file, name);
	if (json_array_size(shape) > GK_SAFETENSORS_MAX_DIMS)
		return gk_error_set(err, GK_EDATA, "%s: tensor '%s': %zu dimensions, at most %d supported",
			file, name, json_array_size(shape), GK_SAFETENSORS_MAX_DIMS);
	t->ndim = (int)json_array_size(shape);
	uint64_t numel = 1;
	for (int i = 0; i < t->ndim; i++) {
		json_t *d = json_array_get(shape, (size_t)i);
		if (!json_is_integer(d) || json_integer_value(d) < 0)
			return gk_error_set(err, GK_EDATA, "%s: tensor '%s': shape[%d] is not a non-negative integer",
				file, name, i);
		uint64_t n = (uint64_t)json_integer_value(d);
		if (n && numel > (uint64_t)INT64_MAX / elsize / n)
			return gk_error_set(err, GK_EDATA, "%s: tensor '%s': shape product overflows", file, name);
		numel *= n;
		t->shape[i] = (int64_t)n;
	}
	t->numel = (int64_t)numel;

	json_t *off = json_object_get(v, "data_offsets");
	if (!json_is_array(off) || json_array_size(off) != 2 ||
	    !json_is_integer(json_array_get(off, 0)) || !json_is_integer(json_array_get(off, 1)))
		return gk_error_set(err, GK_EDATA, "%s: tensor '%s': \"data_offsets\" must be two integers", file, name);
	json_int_t b = json_integer_value(json_array_get(off, 0));
	json_int_t e = json_integer_value(json_array_get(off, 1));
	if (b < 0 || e < b || (uint64_t)e > data_size)
		return gk_error_set(err, GK_EDATA,
			"%s: tensor '%s': data offsets [%lld, %lld) are outside the data area (%llu bytes)",
			file, name, (long long)b, (long long)e, (unsigned long long)data_size);
	if ((uint64_t)(e - b) != numel * elsize)
		return gk_error_set(err, GK_EDATA,
			"%s: tensor '%s': %llu data bytes, but shape and dtype %s need %llu",
			file, name, (unsigned long long)(e - b), t->dtype_name,
			(unsigned long long)(numel * elsize));
	t->data = data + b;
	t->nbytes = (size_t)(e - b);
	return 0;
}

/* Map the file at path and append its tensors to st; `shown` names it in messages. */
static int open_file(gk_safetensors *st, const char *path, const char *shown, gk_error *err)
{
	struct mapping *files = realloc(st->files, (st->nfiles + 1) * sizeof *files);
	if (!files)
		return gk_error_nomem(err);
	st->files = files;
	struct mapping *m = &files[st->nfiles];
	memset(m, 0, sizeof *m);
	if (!(m->name = strdup(shown)))
		return gk_error_nomem(err);
	st->nfiles++;
	const char *file = m->name;

	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		return gk_error_set(err, e == ENOENT ? GK_ENOINPUT : GK_EIO, "%s: %s", file, strerror(e));
	}
	struct stat sb;
	if (fstat(fd, &sb) < 0) {
		int e = errno;
		close(fd);
		return gk_error_set(err, GK_EIO, "%s: %s", file, strerror(e));
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return gk_error_set(err, GK_EDATA, "%s: not a regular file", file);
	}
	m->size = (size_t)sb.st_size;
	if (m->size < 8) {
		close(fd);
		return gk_error_set(err, GK_EDATA, "%s: %zu bytes, too short for the 8-byte header length",
			file, m->size);
	}
	void *base = mmap(NULL, m->size, PROT_READ, MAP_PRIVATE, fd, 0);
	int e = errno;
	close(fd);
	if (base == MAP_FAILED)
		return gk_error_set(err, GK_EIO, "%s: mmap: %s", file, strerror(e));
	m->base = base;

	const unsigned char *p = base;
	uint64_t n = 0;
	for (int i = 7; i >= 0; i--)
		n = n << 8 | p[i];
	if (n > m->size - 8)
		return gk_error_set(err, GK_EDATA,
			"%s: header length %llu runs past the end of the file (%zu bytes)",
			file, (unsigned long long)n, m->size);
	if (n > HEADER_MAX)
		return gk_error_set(err, GK_EDATA, "%s: header length %llu is over the 100 MB limit",
			file, (unsigned long long)n);
	json_error_t je;
	m->header = json_loadb((const char *)p + 8, (size_t)n, JSON_REJECT_DUPLICATES, &je);
	if (!m->header)
		return gk_error_set(err, GK_EDATA, "%s: bad JSON header at byte %d: %s",
			file, je.position, je.text);
	if (!json_is_object(m->header))
		return gk_error_set(err, GK_EDATA, "%s: JSON header is not an object", file);

	const unsigned char *data = p + 8 + n;
	uint64_t data_size = m->size - 8 - n;
	const char *key;
	json_t *v;
	json_object_foreach(m->header, key, v) {
		if (strcmp(key, "__metadata__") == 0)
			continue;
		gk_tensor_info t;
		int rc = parse_entry(file, key, v, data, data_size, &t, err);
		if (rc < 0 || (rc = push_tensor(st, &t, err)) < 0)
			return rc;
	}
	return 0;
}

static int cmp_info(const void *a, const void *b)
{
	return strcmp(((const gk_tensor_info *)a)->name, ((const gk_tensor_info *)b)->name);
}

static int finish(gk_safetensors *st, gk_error *err)
{
	if (st->ntensors)
		qsort(st->tensors, st->ntensors, sizeof *st->tensors, cmp_info);
	for (size_t i = 1; i < st->ntensors; i++)
		if (strcmp(st->tensors[i - 1].name, st->tensors[i].name) == 0)
			return gk_error_set(err, GK_EDATA, "tensor '%s' is in both %s and %s",
				st->tensors[i].name, st->tensors[i - 1].file, st->tensors[i].file);
	return 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

int gk_safetensors_open(gk_safetensors **out, const char *path, gk_error *err)
{
	*out = NULL;
	gk_safetensors *st = calloc(1, sizeof *st);
	if (!st)
		return gk_error_nomem(err);
	int rc = open_file(st, path, base_name(path), err);
	if (rc == 0)
		rc = finish(st, err);
	if (rc < 0) {
		gk_safetensors_free(st);
		return rc;
	}
	*out = st;
	return 0;
}

int gk_safetensors_from_infos(gk_safetensors **out, const gk_tensor_info *infos, size_t n,
	gk_error *err)
{
	*out = NULL;
	gk_safetensors *st = calloc(1, sizeof *st);
	if (!st)
		return gk_error_nomem(err);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++)
		rc = push_tensor(st, &infos[i], err);
	if (rc == 0)
		rc = finish(st, err);
	if (rc < 0) {
		gk_safetensors_free(st);
		return rc;
	}
	*out = st;
	return 0;
}

/* A shard name from an index file must stay inside the model directory. */
static int shard_name_ok(const char *s)
{
	return *s && !strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

static int open_sharded(gk_safetensors *st, const char *dir, const char *index_path, gk_error *err)
{
	const char *iname = "model.safetensors.index.json";
	json_t *idx = gk_json_load_file(index_path, iname, err);
	if (!idx)
		return err ? err->code : GK_EDATA;
	int rc = 0;
	json_t *wm = json_object_get(idx, "weight_map");
	if (!json_is_object(wm) || json_object_size(wm) == 0) {
		rc = gk_error_set(err, GK_EDATA, "%s: missing or empty \"weight_map\" object", iname);
		goto out;
	}
	const char *key;
	json_t *v;
	json_object_foreach(wm, key, v) {
		if (!json_is_string(v) || !shard_name_ok(json_string_value(v))) {
			rc = gk_error_set(err, GK_EDATA,
				"%s: weight_map[\"%s\"] must be a file name in the model directory", iname, key);
			goto out;
		}
		const char *shard = json_string_value(v);
		int seen = 0;
		for (size_t i = 0; i < st->nfiles; i++)
			seen |= strcmp(st->files[i].name, shard) == 0;
		if (seen)
			continue;
		char *path = gk_path_join(dir, shard);
		if (!path) {
			rc = gk_error_nomem(err);
			goto out;
		}
		rc = open_file(st, path, shard, err);
		free(path);
		if (rc < 0)
			goto out;
	}
	if ((rc = finish(st, err)) < 0)
		goto out;
	/* Every name the index promises must be in the shard it names. */
	json_object_foreach(wm, key, v) {
		const gk_tensor_info *t = gk_safetensors_find(st, key);
		if (!t || strcmp(t->name, key) != 0 || strcmp(t->file, json_string_value(v)) != 0) {
			rc = gk_error_set(err, GK_EDATA, "%s: tensor '%s' is not in %s as the index says",
				iname, key, json_string_value(v));
			goto out;
		}
	}
out:
	json_decref(idx);
	return rc;
}

int gk_safetensors_open_dir(gk_safetensors **out, const char *dir, gk_error *err)
{
	*out = NULL;
	gk_safetensors *st = calloc(1, sizeof *st);
	char *index = gk_path_join(dir, "model.safetensors.index.json");
	char *single = gk_path_join(dir, "model.safetensors");
	int rc;

	if (!st || !index || !single)
		rc = gk_error_nomem(err);
	else if (!gk_file_exists(single) && gk_file_exists(index))
		rc = open_sharded(st, dir, index, err);
	else if ((rc = open_file(st, single, "model.safetensors", err)) == 0)
		rc = finish(st, err);
	free(index);
	free(single);
	if (rc < 0) {
		gk_safetensors_free(st);
		return rc;
	}
	*out = st;
	return 0;
}

size_t gk_safetensors_count(const gk_safetensors *st)
{
	return st->ntensors;
}

const gk_tensor_info *gk_safetensors_at(const gk_safetensors *st, size_t i)
{
	return i < st->ntensors ? &st->tensors[i] : NULL;
}

static const gk_tensor_info *find_exact(const gk_safetensors *st, const char *name)
{
	gk_tensor_info key = {.name = name};
	if (!st->ntensors)
		return NULL;
	return bsearch(&key, st->tensors, st->ntensors, sizeof key, cmp_info);
}

const gk_tensor_info *gk_safetensors_find(const gk_safetensors *st, const char *name)
{
	const gk_tensor_info *t = find_exact(st, name);
	if (t)
		return t;
	if (strncmp(name, "bert.", 5) == 0)
		return find_exact(st, name + 5);
	char buf[512];
	if (strlen(name) + 6 > sizeof buf)
		return NULL;
	memcpy(buf, "bert.", 5);
	strcpy(buf + 5, name);
	return find_exact(st, buf);
}

static void shape_str(char *buf, size_t n, int ndim, const int64_t *shape)
{
	size_t k = 0;
	k += (size_t)snprintf(buf + k, n - k, "[");
	for (int i = 0; i < ndim && k < n; i++)
		k += (size_t)snprintf(buf + k, n - k, "%s%lld", i ? ", " : "", (long long)shape[i]);
	if (k < n)
		snprintf(buf + k, n - k, "]");
}

int gk_safetensors_expect(const gk_safetensors *st, const char *name, int ndim,
	const int64_t *shape, const gk_tensor_info **out, gk_error *err)
{
	const gk_tensor_info *t = gk_safetensors_find(st, name);
	if (out)
		*out = NULL;
	if (!t)
		return gk_error_set(err, GK_EDATA, "%s: no tensor '%s'",
			st->nfiles ? st->files[0].name : "model.safetensors", name);
	int same = t->ndim == ndim;
	for (int i = 0; same && i < ndim; i++)
		same = t->shape[i] == shape[i];
	if (!same) {
		char want[160], got[160];
		shape_str(want, sizeof want, ndim, shape);
		shape_str(got, sizeof got, t->ndim, t->shape);
		return gk_error_set(err, GK_EDATA, "%s: tensor '%s': shape %s, expected %s",
			t->file, t->name, got, want);
	}
	if (t->dtype == GK_DTYPE_INVALID)
		return gk_error_set(err, GK_EDATA, "%s: tensor '%s': dtype %s not supported (F32, F16, BF16 are)",
			t->file, t->name, t->dtype_name);
	if (out)
		*out = t;
	return 0;
}

int gk_safetensors_read_f32(const gk_safetensors *st, const char *name,
	int ndim, const int64_t *shape, float *out, gk_error *err)
{
	const gk_tensor_info *t;
	int rc = gk_safetensors_expect(st, name, ndim, shape, &t, err);
	if (rc < 0)
		return rc;
	gk_dtype_to_f32(t->dtype, t->data, (size_t)t->numel, out);
	return 0;
}

float *gk_safetensors_load_f32(const gk_safetensors *st, const char *name,
	int ndim, const int64_t *shape, gk_error *err)
{
	const gk_tensor_info *t;
	/* Check before allocating: a hostile config must not make us ask for
	 * terabytes on the strength of shapes the file does not have. */
	if (gk_safetensors_expect(st, name, ndim, shape, &t, err) < 0)
		return NULL;
	float *p = malloc(t->numel ? (size_t)t->numel * sizeof *p : 1);
	if (!p) {
		gk_error_nomem(err);
		return NULL;
	}
	gk_dtype_to_f32(t->dtype, t->data, (size_t)t->numel, p);
	return p;
}

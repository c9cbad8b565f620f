/*
 * knn_index.c - building a gk_knn_index in memory from vectors streams
 * (shards), freeing one, and looking up ids.  The index file lives in
 * knn_file.c, training the IVF in knn_ivf.c, search in knn_search.c.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "buf.h"
#include "knn.h"
#include "stream.h"
#include "vecmath.h"

enum { H_VECTORS, H_SCALES, H_FULL, H_ID_OFFS, H_ID_BYTES, H_CENTROIDS, H_LIST_OFFS };

void gk_knn_index_free(gk_knn_index *idx)
{
	if (!idx)
		return;
	if (idx->map)
		munmap(idx->map, idx->map_len);
	for (size_t i = 0; i < sizeof idx->heap / sizeof *idx->heap; i++)
		free(idx->heap[i]);
	free(idx);
}

const char *gk_knn_index_id(const gk_knn_index *idx, size_t i, size_t *len)
{
	*len = (size_t)(idx->id_offs[i + 1] - idx->id_offs[i]);
	return idx->id_bytes + idx->id_offs[i];
}

/* What is being built: growable arrays, turned into the index at the end. */
struct builder {
	gk_knn_index *idx;
	gk_buf vectors, scales, full, id_offs, id_bytes;
	float *tmp;   /* (dim) */
	gk_dtype src_dtype;
};

/* Append one float row, quantised to the index dtype (keeping the f32
 * row too when asked).  0 or GK_ENOMEM. */
static int add_f32(struct builder *b, const float *v)
{
	gk_knn_index *idx = b->idx;
	float s = 1;

	if (idx->dtype == GK_DTYPE_F32)
		return gk_buf_append(&b->vectors, v, idx->dim * sizeof(float));
	if (gk_buf_reserve(&b->vectors, idx->row_bytes) < 0)
		return GK_ENOMEM;
	gk_vec_encode(v, idx->dim, idx->dtype, b->vectors.data + b->vectors.len, &s);
	b->vectors.len += idx->row_bytes;
	if ((idx->dtype == GK_DTYPE_INT8 && gk_buf_append(&b->scales, &s, sizeof s) < 0)
	    || (b->full.cap != (size_t)-1 && gk_buf_append(&b->full, v, idx->dim * sizeof(float)) < 0))
		return GK_ENOMEM;
	return 0;
}

/* Append the id of the row just added and count the row. */
static int add_id(struct builder *b, const char *id, size_t len)
{
	uint64_t off;

	if (gk_buf_append(&b->id_bytes, id, len) < 0)
		return GK_ENOMEM;
	off = b->id_bytes.len;
	if (gk_buf_append(&b->id_offs, &off, sizeof off) < 0)
		return GK_ENOMEM;
	b->idx->count++;
	return 0;
}

static int add_record(struct builder *b, const gk_stream_reader *r, const gk_stream_info *info,
		      const gk_record *rec, gk_error *err)
{
	gk_knn_index *idx = b->idx;
	const void *payload;
	const char *id;
	char num[32];
	size_t len, plen;
	int64_t iv;
	double scale = 1;
	char where[256];

	if (gk_record_get_str(rec, "id", &id, &len)) {
		/* fine */
	} else if (gk_record_get_int(rec, "id", &iv)) {
		len = (size_t)snprintf(num, sizeof num, "%" PRId64, iv);
		id = num;
	} else {
		gk_stream_where(r, where, sizeof where);
		return gk_error_set(err, GK_EDATA, "%s: an index vector needs an \"id\" (a string or an integer)", where);
	}
	if (idx->count >= UINT32_MAX - 1) {
		gk_stream_where(r, where, sizeof where);
		return gk_error_set(err, GK_EDATA, "%s: more than %u vectors in one index", where, UINT32_MAX - 2);
	}
	gk_record_get_bin(rec, "vector", &payload, &plen);  /* checked by the reader */
	if (info->dtype == GK_DTYPE_INT8)
		gk_record_get_double(rec, "scale", &scale);
	if (info->dtype == idx->dtype && idx->dtype != GK_DTYPE_F32) {
		/* already quantised as the index wants: kept as it is */
		float s = (float)scale;
		if (!isfinite(s)) {
			gk_stream_where(r, where, sizeof where);
			return gk_error_set(err, GK_EDATA, "%s: the int8 scale is not a finite number", where);
		}
		if (gk_buf_append(&b->vectors, payload, plen) < 0
		    || (idx->dtype == GK_DTYPE_INT8 && gk_buf_append(&b->scales, &s, sizeof s) < 0))
			return gk_error_nomem(err);
		/* binary padding bits past dim are cleared, so they never count
		 * in a Hamming distance */
		if (idx->dtype == GK_DTYPE_BINARY && info->dim % 8)
			b->vectors.data[b->vectors.len - 1] &= (char)(0xff00 >> (info->dim % 8));
	} else {
		gk_vec_decode(payload, info->dtype, info->dim, (float)scale, b->tmp);
		for (size_t i = 0; i < info->dim; i++)
			if (!isfinite(b->tmp[i])) {
				gk_stream_where(r, where, sizeof where);
				return gk_error_set(err, GK_EDATA, "%s: vector value %zu is not a finite number", where, i);
			}
		if (add_f32(b, b->tmp) < 0)
			return gk_error_nomem(err);
	}
	return add_id(b, id, len) < 0 ? gk_error_nomem(err) : 0;
}

static int load_one(struct builder *b, const char *path, const gk_knn_build_opts *opts, bool first, gk_error *err)
{
	gk_knn_index *idx = b->idx;
	gk_stream_reader *r;
	const gk_stream_info *info;
	gk_record *rec;
	int rc;

	rc = gk_stream_open(&r, &path, 1, "vectors", err);
	if (rc < 0)
		return rc;
	info = gk_stream_reader_info(r);
	if (first) {
		idx->dim = info->dim;
		idx->dtype = opts && opts->dtype != GK_DTYPE_INVALID ? opts->dtype : info->dtype;
		if (idx->dtype == GK_DTYPE_F16 || idx->dtype == GK_DTYPE_BF16)
			idx->dtype = GK_DTYPE_F32;
		idx->row_bytes = gk_dtype_bytes(idx->dtype, idx->dim);
		b->tmp = malloc(idx->dim * sizeof *b->tmp);
		if (!b->tmp) {
			gk_stream_close(r);
			return gk_error_nomem(err);
		}
	}
	if (info->dim != idx->dim) {
		rc = gk_error_set(err, GK_EDATA, "%s: %zu-dimensional vectors, but the index so far has %zu dimensions",
			path, info->dim, idx->dim);
	} else if ((info->dtype == GK_DTYPE_INT8 || info->dtype == GK_DTYPE_BINARY) && info->dtype != idx->dtype) {
		rc = gk_error_set(err, GK_EDATA, "%s: %s vectors cannot go into a %s index", path,
			gk_dtype_name(info->dtype), gk_dtype_name(idx->dtype));
	} else if (opts && opts->keep_full && idx->dtype != GK_DTYPE_F32 && info->dtype == idx->dtype) {
		rc = gk_error_set(err, GK_EUSAGE, "%s: the vectors are already %s: no full-precision vectors to keep for rescoring",
			path, gk_dtype_name(info->dtype));
	}
	while (rc == 0 && (rc = gk_stream_read(r, &rec, err)) == 1) {
		rc = add_record(b, r, info, rec, err);
		gk_record_free(rec);
	}
	gk_stream_close(r);
	return rc;
}

static int finish(struct builder *b, gk_knn_index **out, const gk_knn_build_opts *opts, int rc, gk_error *err);

int gk_knn_index_load_streams(gk_knn_index **out, const char *const *paths, size_t npaths,
	const gk_knn_build_opts *opts, gk_error *err)
{
	struct builder b = { 0 };
	uint64_t zero = 0;
	int rc = 0;

	*out = NULL;
	if (npaths == 0)
		return gk_error_set(err, GK_EUSAGE, "no index given");
	b.idx = calloc(1, sizeof *b.idx);
	if (!b.idx || gk_buf_append(&b.id_offs, &zero, sizeof zero) < 0) {
		free(b.idx);
		gk_buf_free(&b.id_offs);
		return gk_error_nomem(err);
	}
	if (!(opts && opts->keep_full))
		b.full.cap = (size_t)-1;  /* marks "do not keep" */
	for (size_t i = 0; rc == 0 && i < npaths; i++)
		rc = load_one(&b, paths[i], opts, i == 0, err);
	if (rc == 0 && b.idx->count == 0)
		rc = gk_error_set(err, GK_EDATA, "%s: the index holds no vectors", paths[0]);
	return finish(&b, out, opts, rc, err);
}

/* Hand the builder's arrays to the index, train the IVF if asked. */
static int finish(struct builder *b, gk_knn_index **out, const gk_knn_build_opts *opts, int rc, gk_error *err)
{
	gk_knn_index *idx = b->idx;

	if (b->full.cap == (size_t)-1)
		b->full.cap = 0;
	free(b->tmp);
	/* gk_buf keeps its data malloc'd: the index takes the arrays over */
	idx->heap[H_VECTORS] = b->vectors.data;
	idx->heap[H_SCALES] = b->scales.data;
	idx->heap[H_FULL] = b->full.data;
	idx->heap[H_ID_OFFS] = b->id_offs.data;
	idx->heap[H_ID_BYTES] = b->id_bytes.data;
	idx->vectors = b->vectors.data ? (const uint8_t *)b->vectors.data : NULL;
	idx->scales = idx->dtype == GK_DTYPE_INT8 ? (const float *)(void *)b->scales.data : NULL;
	idx->full = b->full.len ? (const float *)(void *)b->full.data : NULL;
	idx->id_offs = (const uint64_t *)(void *)b->id_offs.data;
	idx->id_bytes = b->id_bytes.data ? b->id_bytes.data : "";
	if (rc == 0 && opts && opts->nlist > 0)
		rc = gk_knn_index_train_ivf(idx, opts, err);
	if (rc < 0) {
		gk_knn_index_free(idx);
		return rc;
	}
	*out = idx;
	return 0;
}

int gk_knn_index_from_f32(gk_knn_index **out, const float *v, size_t n, size_t dim,
	const char *const *ids, const gk_knn_build_opts *opts, gk_error *err)
{
	struct builder b = { 0 };
	uint64_t zero = 0;
	int rc = 0;

	*out = NULL;
	if (n == 0 || dim == 0)
		return gk_error_set(err, GK_EUSAGE, "an index needs at least one vector of at least one dimension");
	b.idx = calloc(1, sizeof *b.idx);
	if (!b.idx || gk_buf_append(&b.id_offs, &zero, sizeof zero) < 0) {
		free(b.idx);
		gk_buf_free(&b.id_offs);
		return gk_error_nomem(err);
	}
	b.idx->dim = dim;
	b.idx->dtype = opts && opts->dtype != GK_DTYPE_INVALID ? opts->dtype : GK_DTYPE_F32;
	b.idx->row_bytes = gk_dtype_bytes(b.idx->dtype, dim);
	if (!(opts && opts->keep_full) || b.idx->dtype == GK_DTYPE_F32)
		b.full.cap = (size_t)-1;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char num[32];
		const char *id = ids ? ids[i] : num;
		if (!ids)
			snprintf(num, sizeof num, "%zu", i);
		if (add_f32(&b, v + i * dim) < 0 || add_id(&b, id, strlen(id)) < 0)
			rc = gk_error_nomem(err);
	}
	return finish(&b, out, opts, rc, err);
}

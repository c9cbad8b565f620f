/*
 * knn_file.c - the index file (.gki): written once by gk-knn --build,
 * mapped read-only by every search.  Layout (all little-endian):
 *
 *   0   magic "GKINDEX\n"
 *   8   u32 version (1)        12  u32 dtype: 1 f32, 2 int8, 3 binary
 *   16  u64 dim                24  u64 count
 *   32  u64 nlist (0: no IVF)  40  u64 flags (bit 0: full f32 vectors present)
 *   48  7 sections as {u64 offset, u64 length}: id offsets (count+1 u64),
 *       id bytes, vectors (count rows), int8 scales (count f32), full
 *       vectors (count x dim f32), IVF centroids (nlist x dim f32), IVF list
 *       offsets (nlist+1 u64); absent sections are {0, 0}
 *   160 the sections, each starting on a 64-byte boundary
 *
 * The file is untrusted: every field, length and offset is checked against
 * the file size and the others before a pointer is made, so a truncated or
 * corrupt file is an error, never a crash.  Not a format for updates.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "knn.h"
#include "tmpfile.h"

#define MAGIC "GKINDEX\n"
enum { VERSION = 1, HEADER = 160, ALIGN = 64, NSEC = 7 };
enum { S_ID_OFFS, S_ID_BYTES, S_VECTORS, S_SCALES, S_FULL, S_CENTROIDS, S_LIST_OFFS };
static const char *const sec_name[NSEC] = {
	"id offsets", "ids", "vectors", "int8 scales", "full vectors", "IVF centroids", "IVF list offsets",
};

static uint32_t dtype_code(gk_dtype t)
{
	return t == GK_DTYPE_F32 ? 1 : t == GK_DTYPE_INT8 ? 2 : t == GK_DTYPE_BINARY ? 3 : 0;
}

static gk_dtype code_dtype(uint32_t c)
{
	return c == 1 ? GK_DTYPE_F32 : c == 2 ? GK_DTYPE_INT8 : c == 3 ? GK_DTYPE_BINARY : GK_DTYPE_INVALID;
}

static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }

bool gk_knn_is_index_file(const char *path)
{
	char m[8];
	FILE *f = fopen(path, "rb");
	bool yes;

	if (!f)
		return false;
	yes = fread(m, 1, 8, f) == 8 && memcmp(m, MAGIC, 8) == 0;
	fclose(f);
	return yes;
}

int gk_knn_index_write(const gk_knn_index *idx, const char *path, gk_error *err)
{
	const void *sec[NSEC] = {
		idx->id_offs, idx->id_bytes, idx->vectors, idx->scales, idx->full, idx->centroids, idx->list_offs,
	};
	uint64_t len[NSEC] = {
		(idx->count + 1) * 8, idx->id_offs[idx->count], idx->count * idx->row_bytes,
		idx->scales ? idx->count * 4 : 0, idx->full ? idx->count * idx->dim * 4 : 0,
		idx->nlist * idx->dim * 4, idx->nlist ? (idx->nlist + 1) * 8 : 0,
	};
	unsigned char head[HEADER] = { 0 }, pad[ALIGN] = { 0 };
	uint64_t off = HEADER;
	size_t tlen = strlen(path) + 32;
	char *tmp = malloc(tlen);
	FILE *f;
	int rc = 0;

	if (!tmp)
		return gk_error_nomem(err);
	memcpy(head, MAGIC, 8);
	put32(head + 8, VERSION);
	put32(head + 12, dtype_code(idx->dtype));
	put64(head + 16, idx->dim);
	put64(head + 24, idx->count);
	put64(head + 32, idx->nlist);
	put64(head + 40, idx->full ? 1 : 0);
	for (int s = 0; s < NSEC; s++) {
		if (len[s] == 0)
			continue;
		off = (off + ALIGN - 1) / ALIGN * ALIGN;
		put64(head + 48 + 16 * s, off);
		put64(head + 56 + 16 * s, len[s]);
		off += len[s];
	}
	/* write beside the target and rename, so a failed or interrupted
	 * build never leaves a half-written index under the real name, nor a
	 * temporary (a signal removes it: tmpfile.h); the pid keeps two
	 * builds of one index apart */
	snprintf(tmp, tlen, "%s.tmp.%ld", path, (long)getpid());
	int slot = gk_tmpfile_remember(tmp);
	f = fopen(tmp, "wb");
	if (!f) {
		gk_tmpfile_forget(slot);
		rc = gk_error_set(err, GK_EIO, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return rc;
	}
	off = HEADER;
	if (fwrite(head, 1, HEADER, f) != HEADER)
		rc = GK_EIO;
	for (int s = 0; rc == 0 && s < NSEC; s++) {
		if (len[s] == 0)
			continue;
		size_t p = (size_t)((ALIGN - off % ALIGN) % ALIGN);
		if (fwrite(pad, 1, p, f) != p || fwrite(sec[s], 1, (size_t)len[s], f) != len[s])
			rc = GK_EIO;
		off += p + len[s];
	}
	if (fclose(f) != 0 || rc < 0) {
		rc = gk_error_set(err, GK_EIO, "%s: write failed: %s", tmp, strerror(errno));
		unlink(tmp);
	} else if (rename(tmp, path) != 0) {
		rc = gk_error_set(err, GK_EIO, "%s: %s", path, strerror(errno));
		unlink(tmp);
	}
	gk_tmpfile_forget(slot);
	free(tmp);
	return rc;
}

static int bad(gk_error *err, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(gk_error *err, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gk_error_setv(err, GK_EDATA, fmt, ap);
	va_end(ap);
	return gk_error_prefix(err, "%s", path);
}

/* Check the mapped file and point idx into it. */
static int check_map(gk_knn_index *idx, const char *path, gk_error *err)
{
	const unsigned char *m = idx->map;
	size_t size = idx->map_len;
	uint64_t dim, count, nlist, flags, row, want[NSEC], off[NSEC], len[NSEC];
	uint32_t version;

	if (size < 8 || memcmp(m, MAGIC, 8) != 0)
		return bad(err, path, "not a gk index file (no GKINDEX magic); build one with gk-knn --build");
	if (size < HEADER)
		return bad(err, path, "the header is cut short (%zu of %d bytes)", size, HEADER);
	version = get32(m + 8);
	if (version != VERSION)
		return bad(err, path, "index format version %" PRIu32 ", but this gk reads version %d; rebuild it with gk-knn --build",
			version, VERSION);
	idx->dtype = code_dtype(get32(m + 12));
	if (idx->dtype == GK_DTYPE_INVALID)
		return bad(err, path, "unknown dtype code %" PRIu32, get32(m + 12));
	dim = get64(m + 16);
	count = get64(m + 24);
	nlist = get64(m + 32);
	flags = get64(m + 40);
	if (dim < 1 || dim > (1u << 24))
		return bad(err, path, "dim %" PRIu64 " is not from 1 to %u", dim, 1u << 24);
	if (count < 1 || count > UINT32_MAX - 2)
		return bad(err, path, "count %" PRIu64 " is not from 1 to %u", count, UINT32_MAX - 2);
	if (nlist > count)
		return bad(err, path, "%" PRIu64 " IVF lists for %" PRIu64 " vectors", nlist, count);
	if (flags > 1)
		return bad(err, path, "unknown flags %#" PRIx64, flags);
	idx->dim = (size_t)dim;
	idx->count = (size_t)count;
	idx->nlist = (size_t)nlist;
	row = gk_dtype_bytes(idx->dtype, idx->dim);
	idx->row_bytes = (size_t)row;
	/* dim <= 2^24 and count < 2^32: these products fit in 64 bits */
	want[S_ID_OFFS] = (count + 1) * 8;
	want[S_ID_BYTES] = UINT64_MAX;  /* checked against the offsets below */
	want[S_VECTORS] = count * row;
	want[S_SCALES] = idx->dtype == GK_DTYPE_INT8 ? count * 4 : 0;
	want[S_FULL] = flags & 1 ? count * dim * 4 : 0;
	want[S_CENTROIDS] = nlist * dim * 4;
	want[S_LIST_OFFS] = nlist ? (nlist + 1) * 8 : 0;
	for (int s = 0; s < NSEC; s++) {
		off[s] = get64(m + 48 + 16 * s);
		len[s] = get64(m + 56 + 16 * s);
		if (want[s] != UINT64_MAX && len[s] != want[s])
			return bad(err, path, "the %s section holds %" PRIu64 " bytes, but %" PRIu64 " are needed",
				sec_name[s], len[s], want[s]);
		if (len[s] == 0)
			continue;
		if (off[s] < HEADER || off[s] % 8 || off[s] > size || len[s] > size - off[s])
			return bad(err, path, "the %s section [%" PRIu64 ", +%" PRIu64 ") is not inside the file (%zu bytes)",
				sec_name[s], off[s], len[s], size);
	}
	idx->id_offs = (const uint64_t *)(const void *)(m + off[S_ID_OFFS]);
	idx->id_bytes = (const char *)m + off[S_ID_BYTES];
	if (idx->id_offs[0] != 0 || idx->id_offs[count] != len[S_ID_BYTES])
		return bad(err, path, "the id offsets do not span the ids (%" PRIu64 " bytes)", len[S_ID_BYTES]);
	for (size_t i = 0; i < idx->count; i++)
		if (idx->id_offs[i + 1] < idx->id_offs[i])
			return bad(err, path, "id offset %zu goes backwards", i + 1);
	idx->vectors = m + off[S_VECTORS];
	idx->scales = len[S_SCALES] ? (const float *)(const void *)(m + off[S_SCALES]) : NULL;
	idx->full = len[S_FULL] ? (const float *)(const void *)(m + off[S_FULL]) : NULL;
	if (idx->scales)
		for (size_t i = 0; i < idx->count; i++)
			if (!isfinite(idx->scales[i]))
				return bad(err, path, "the int8 scale of row %zu is not a finite number", i);
	if (nlist) {
		idx->centroids = (const float *)(const void *)(m + off[S_CENTROIDS]);
		idx->list_offs = (const uint64_t *)(const void *)(m + off[S_LIST_OFFS]);
		if (idx->list_offs[0] != 0 || idx->list_offs[nlist] != count)
			return bad(err, path, "the IVF lists do not cover the %" PRIu64 " vectors", count);
		for (size_t l = 0; l < idx->nlist; l++)
			if (idx->list_offs[l + 1] < idx->list_offs[l])
				return bad(err, path, "IVF list offset %zu goes backwards", l + 1);
		for (size_t i = 0; i < idx->nlist * idx->dim; i++)
			if (!isfinite(idx->centroids[i]))
				return bad(err, path, "IVF centroid %zu holds a value that is not a finite number", i / idx->dim);
	}
	return 0;
}

int gk_knn_index_open(gk_knn_index **out, const char *path, gk_error *err)
{
	gk_knn_index *idx;
	struct stat st;
	int fd, rc;

	*out = NULL;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return gk_error_set(err, errno == ENOENT ? GK_ENOINPUT : GK_EIO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return gk_error_set(err, GK_EDATA, "%s: an index file must be a regular file", path);
	}
	if (st.st_size < 8) {
		close(fd);
		return gk_error_set(err, GK_EDATA, "%s: not a gk index file (%lld bytes)", path, (long long)st.st_size);
	}
	idx = calloc(1, sizeof *idx);
	if (!idx) {
		close(fd);
		return gk_error_nomem(err);
	}
	idx->map_len = (size_t)st.st_size;
	idx->map = mmap(NULL, idx->map_len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (idx->map == MAP_FAILED) {
		idx->map = NULL;
		free(idx);
		return gk_error_set(err, GK_EIO, "%s: mmap: %s", path, strerror(errno));
	}
	rc = check_map(idx, path, err);
	if (rc < 0) {
		gk_knn_index_free(idx);
		return rc;
	}
	*out = idx;
	return 0;
}

/*
 * fuzz-index.c - gk-knn's index files (header, sections, ids, IVF lists)
 * on arbitrary bytes; an index that opens is searched with a fixed query,
 * exactly and through its IVF.
 */
#include "fuzz-util.h"

#include <stdlib.h>

#include "knn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gk_knn_index *idx;
	gk_error err = { 0 };
	char path[64];
	int fd = fuzz_fd(data, size);

	if (fd < 0)
		return 0;
	fuzz_path(fd, path, sizeof path);
	if (gk_knn_index_open(&idx, path, &err) == 0) {
		if (idx->dim <= 4096) {
			float *v = calloc(idx->dim ? idx->dim : 1, sizeof *v);
			gk_knn_queries q;
			gk_knn_hit hits[4];
			size_t nhits[1];

			if (v && idx->dim)
				v[0] = 1;
			if (v && gk_knn_queries_from_f32(&q, idx, v, 1, true, &err) == 0) {
				gk_knn_search_opts o = { .k = 4, .n_threads = 1 };
				gk_knn_search(idx, &q, &o, hits, nhits, &err);
				o.nprobe = 2;
				gk_knn_search(idx, &q, &o, hits, nhits, &err);
				gk_knn_queries_free(&q);
			}
			free(v);
		}
		gk_knn_index_free(idx);
	}
	close(fd);
	return 0;
}

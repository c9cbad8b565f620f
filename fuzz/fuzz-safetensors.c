/*
 * fuzz-safetensors.c - the safetensors reader (header length, JSON header,
 * dtypes, shapes, offsets) on arbitrary bytes, reading every tensor it
 * accepts.
 */
#include "fuzz-util.h"

#include <stdlib.h>

#include "safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gk_safetensors *st;
	gk_error err = { 0 };
	char path[64];
	int fd = fuzz_fd(data, size);

	if (fd < 0)
		return 0;
	fuzz_path(fd, path, sizeof path);
	if (gk_safetensors_open(&st, path, &err) == 0) {
		for (size_t i = 0; i < gk_safetensors_count(st); i++) {
			const gk_tensor_info *t = gk_safetensors_at(st, i);
			if (t->numel > (1 << 20))
				continue;
			float *v = malloc((size_t)t->numel * sizeof *v + 1);
			if (v)
				gk_safetensors_read_f32(st, t->name, t->ndim, t->shape, v, &err);
			free(v);
		}
		gk_safetensors_free(st);
	}
	close(fd);
	return 0;
}

/*
 * replay.c - a main() for the fuzz harnesses without libFuzzer: runs the
 * harness once on each file named, so `make check` replays the saved
 * crash inputs (tests/fuzz-regressions/) with the ordinary (and the
 * sanitizer) build.
 */
#include "fuzz-util.h"  /* first: it asks for _GNU_SOURCE */

#include <stdlib.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		unsigned char *buf = NULL;
		size_t n = 0, cap = 0, got;

		if (!f) {
			perror(argv[i]);
			return 99;
		}
		do {
			if (n == cap && !(buf = realloc(buf, cap = cap ? 2 * cap : 4096)))
				return 99;
			got = fread(buf + n, 1, cap - n, f);
			n += got;
		} while (got > 0);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
		free(buf);
	}
	return 0;
}

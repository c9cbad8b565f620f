/*
 * test-model-load.c - load a model directory and report, for shell tests
 * of load-time errors (tests/model-errors.sh).
 *
 *   test-model-load DIR
 *
 * Prints "ok hidden=H out=D st=0|1 pooling=BITS dense=N normalize=0|1" and
 * exits 0, or prints the library's message and exits with its status.
 */
#include <stdio.h>

#include "model.h"

int main(int argc, char **argv)
{
	gk_model *m;
	gk_error err = {0};
	if (argc != 2) {
		fprintf(stderr, "usage: test-model-load DIR\n");
		return 64;
	}
	int rc = gk_model_load(&m, argv[1], NULL, &err);
	if (rc < 0) {
		printf("error: %s\n", err.msg);
		return gk_error_exit_status(rc);
	}
	const gk_st_modules *s = gk_model_modules(m);
	printf("ok hidden=%d out=%d st=%d pooling=%u dense=%d normalize=%d\n", gk_model_hidden_size(m),
		gk_model_output_dim(m), gk_model_has_st_modules(m), s->pooling, s->n_dense, s->normalize);
	gk_model_free(m);
	return 0;
}

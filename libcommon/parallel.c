/*
 * parallel.c - gk_parallel_for over pthreads: one contiguous chunk per
 * thread, started and joined per call.  Not a pool and not a scheduler;
 * callers that need load balancing hand out work themselves (see the
 * atomic task counter in kernels.c).
 */
#include "parallel.h"

#include <pthread.h>

#define MAX_THREADS 256

struct chunk {
	gk_parallel_fn fn;
	void *ctx;
	size_t begin, end;
};

static void *run_chunk(void *p)
{
	struct chunk *c = p;
	c->fn(c->ctx, c->begin, c->end);
	return NULL;
}

void gk_parallel_for(int n_threads, size_t n, gk_parallel_fn fn, void *ctx)
{
	if (n == 0)
		return;
	if (n_threads > MAX_THREADS)
		n_threads = MAX_THREADS;
	if (n_threads <= 1 || n == 1) {
		fn(ctx, 0, n);
		return;
	}
	if ((size_t)n_threads > n)
		n_threads = (int)n;
	struct chunk c[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	int started[MAX_THREADS] = {0};
	for (int i = 0; i < n_threads; i++) {
		c[i] = (struct chunk){fn, ctx, n * (size_t)i / (size_t)n_threads,
			n * (size_t)(i + 1) / (size_t)n_threads};
	}
	for (int i = 1; i < n_threads; i++)
		started[i] = pthread_create(&tid[i], NULL, run_chunk, &c[i]) == 0;
	run_chunk(&c[0]);
	for (int i = 1; i < n_threads; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		else
			run_chunk(&c[i]);
	}
}

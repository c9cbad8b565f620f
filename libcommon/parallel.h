/*
 * parallel.h - a minimal parallel for-loop over pthreads.
 *
 * Splits [0, n) into n_threads contiguous chunks and runs fn on each, the
 * calling thread taking the first.  Threads are started per call: the
 * loops it serves (attention, activations over a whole batch) run for
 * milliseconds, so a pool would save little and add state.  Not a task
 * scheduler; no nesting.
 */
#ifndef GK_PARALLEL_H
#define GK_PARALLEL_H

#include <stddef.h>

/* fn(ctx, begin, end) processes items [begin, end). */
typedef void (*gk_parallel_fn)(void *ctx, size_t begin, size_t end);

/* Runs fn over [0, n) with up to n_threads threads (<= 1: inline).  If a
 * thread cannot be started its chunk runs on the calling thread, so the
 * loop always completes. */
void gk_parallel_for(int n_threads, size_t n, gk_parallel_fn fn, void *ctx);

#endif

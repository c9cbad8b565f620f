/*
 * progress.h - a one-line progress report on stderr for long jobs:
 * records done and the rate, redrawn at most twice a second, only when
 * stderr is a terminal or the user asked (--progress).
 */
#ifndef GK_PROGRESS_H
#define GK_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct gk_progress {
	bool on;
	bool tty;            /* draw with \r on one line, else one line per report */
	const char *unit;    /* "records", "tokens", ... */
	uint64_t done;
	double start, last;  /* seconds, monotonic */
} gk_progress;

/* on: whether to report (gk_cli_progress_wanted decides). */
void gk_progress_init(gk_progress *p, bool on, const char *unit);
/* Count n more units done; redraws when due. */
void gk_progress_add(gk_progress *p, uint64_t n);
/* Final line with the totals (when on). */
void gk_progress_end(gk_progress *p);

#endif

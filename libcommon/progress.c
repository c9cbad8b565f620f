/*
 * progress.c - progress lines on stderr (see progress.h).  This is the one
 * file of libcommon besides cli.c that prints: progress is for the user at
 * the terminal, and a program opts in.
 */
#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void gk_progress_init(gk_progress *p, bool on, const char *unit)
{
	p->on = on;
	p->tty = isatty(STDERR_FILENO);
	p->unit = unit;
	p->done = 0;
	p->start = p->last = now();
}

static void draw(gk_progress *p, double t, const char *end)
{
	double secs = t - p->start;

	fprintf(stderr, "%s%s: %llu %s, %.1f s, %.0f/s%s", p->tty ? "\r" : "", gk_cli_progname(),
		(unsigned long long)p->done, p->unit, secs, secs > 0 ? (double)p->done / secs : 0.0, end);
	fflush(stderr);
}

void gk_progress_add(gk_progress *p, uint64_t n)
{
	double t;

	p->done += n;
	if (!p->on)
		return;
	t = now();
	if (t - p->last < (p->tty ? 0.5 : 10.0))
		return;
	p->last = t;
	draw(p, t, p->tty ? "\033[K" : "\n");
}

void gk_progress_end(gk_progress *p)
{
	if (p->on)
		draw(p, now(), p->tty ? "\033[K\n" : "\n");
}

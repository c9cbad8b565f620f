/*
 * check.h - the smallest test harness that does the job: CHECK counts and
 * reports failures with file and line, check_exit turns the count into the
 * automake exit status (0 pass, 1 fail).  Shared by every C unit test.
 */
#ifndef GK_CHECK_H
#define GK_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond) do { \
	check_count++; \
	if (!(cond)) { \
		check_failures++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
	} \
} while (0)

/* CHECK that a string contains a piece, showing both when it does not. */
#define CHECK_CONTAINS(hay, needle) do { \
	check_count++; \
	if (!strstr((hay), (needle))) { \
		check_failures++; \
		fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__, (hay), (needle)); \
	} \
} while (0)

static inline int check_exit(void)
{
	fprintf(stderr, "%d checks, %d failed\n", check_count, check_failures);
	return check_failures ? 1 : 0;
}

#endif

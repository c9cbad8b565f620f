/*
 * tok-test.h - helpers shared by the tokenizer tests: reading test data
 * (xz-compressed files are read through `xz -dc`, so nothing is written to
 * the source tree), and a pass/fail tally.  Header-only on purpose: each
 * test is one program.
 */
#ifndef GK_TOK_TEST_H
#define GK_TOK_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* $top_srcdir/tests/data/tokenizers/NAME, into buf. */
static inline const char *tok_data(char *buf, size_t n, const char *name)
{
	const char *top = getenv("top_srcdir");
	snprintf(buf, n, "%s/tests/data/tokenizers/%s", top ? top : ".", name);
	return buf;
}

/* The whole content of path (decompressed when it ends in .xz), NUL-
 * terminated, or NULL with a message on stderr. */
static inline char *tok_slurp(const char *path, size_t *len)
{
	size_t pl = strlen(path);
	int xz = pl > 3 && strcmp(path + pl - 3, ".xz") == 0;
	FILE *f;
	if (xz) {
		char cmd[4200];
		snprintf(cmd, sizeof cmd, "xz -dc '%s'", path);
		f = popen(cmd, "r");
	} else {
		f = fopen(path, "rb");
	}
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		return NULL;
	}
	size_t cap = 1 << 20, n = 0;
	char *p = malloc(cap);
	for (;;) {
		if (!p)
			break;
		if (n + 1 >= cap) {
			char *q = realloc(p, cap *= 2);
			if (!q) {
				free(p);
				p = NULL;
				break;
			}
			p = q;
		}
		size_t got = fread(p + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	int bad = xz ? pclose(f) != 0 : (fclose(f), 0);
	if (!p || bad || n == 0) {
		fprintf(stderr, "cannot read %s%s\n", path, xz ? " (is xz installed?)" : "");
		free(p);
		return NULL;
	}
	p[n] = '\0';
	if (len)
		*len = n;
	return p;
}

static int tok_passed, tok_failed;

#define TOK_CHECK(cond, ...)                                                 \
	do {                                                                 \
		if (cond) {                                                  \
			tok_passed++;                                        \
		} else {                                                     \
			tok_failed++;                                        \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                        \
			fputc('\n', stderr);                                 \
		}                                                            \
	} while (0)

static inline int tok_summary(void)
{
	printf("%d passed, %d failed\n", tok_passed, tok_failed);
	return tok_failed ? 1 : 0;
}

#endif

/*
 * utf8.c - UTF-8 validation and U+FFFD repair (see utf8.h for the rules).
 * Byte-at-a-time on purpose: inputs are lines of text, and the plain loop
 * is easy to check against the table in Unicode 15, section 3.9 (D93b).
 */
#include "utf8.h"

#include <string.h>

/* Length of the well-formed sequence at s[0, n) (1..4), or 0 when there is
 * none; then *bad is the length of the maximal subpart to replace (>= 1). */
static size_t sequence(const unsigned char *s, size_t n, size_t *bad)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t need, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		need = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		need = 3;
		if (c == 0xE0)
			lo = 0xA0; /* no overlong forms */
		else if (c == 0xED)
			hi = 0x9F; /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 4;
		if (c == 0xF0)
			lo = 0x90; /* no overlong forms */
		else if (c == 0xF4)
			hi = 0x8F; /* nothing above U+10FFFF */
	} else {
		*bad = 1; /* 80..C1, F5..FF never start a sequence */
		return 0;
	}
	/* Only the second byte has a narrowed range; the rest are 80..BF. */
	for (i = 1; i < need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xBF;
	}
	return need;
}

size_t gk_utf8_check(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, len, bad;

	while (i < n) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		len = sequence(u + i, n - i, &bad);
		if (len == 0)
			return i;
		i += len;
	}
	return n;
}

size_t gk_utf8_repair(const char *s, size_t n, char *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0, len, bad;

	while (i < n) {
		len = sequence(u + i, n - i, &bad);
		if (len) {
			memcpy(out + o, s + i, len);
			o += len;
			i += len;
		} else {
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i += bad;
		}
	}
	return o;
}

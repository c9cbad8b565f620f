/*
 * utf8.h - checking and repairing UTF-8 byte strings.
 *
 * "Valid" means well-formed UTF-8 as Unicode defines it (no overlong forms,
 * no surrogates, nothing above U+10FFFF).  Repair follows the Unicode
 * "maximal subpart" practice, which is what Python's
 * bytes.decode("utf-8", errors="replace") does: each maximal prefix of a
 * would-be sequence that cannot be completed becomes one U+FFFD, and a byte
 * that cannot start a sequence becomes one U+FFFD.
 *
 * This is not a Unicode library: no normalisation, no character classes
 * (utf8proc does those).
 */
#ifndef GK_UTF8_H
#define GK_UTF8_H

#include <stddef.h>

/* The most bytes gk_utf8_repair writes for n input bytes: each invalid byte
 * may become the three bytes of U+FFFD. */
#define GK_UTF8_REPAIR_MAX(n) ((n) * 3)

/* The offset of the first byte of s[0, n) that is not part of a well-formed
 * sequence, or n when all of s is valid UTF-8. */
size_t gk_utf8_check(const char *s, size_t n);

/* Copy s[0, n) to out, replacing ill-formed parts with U+FFFD as described
 * above; out must hold GK_UTF8_REPAIR_MAX(n) bytes and must not overlap s.
 * Returns the number of bytes written. */
size_t gk_utf8_repair(const char *s, size_t n, char *out);

#endif

/*
 * error.c - formatting of library errors into a caller's gk_error.
 * Nothing here prints; see cli.c for what a program does with the message.
 */
#include "error.h"

#include <stdio.h>
#include <string.h>

int gk_error_setv(gk_error *err, int code, const char *fmt, va_list ap)
{
	if (err) {
		err->code = code;
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	}
	return code;
}

int gk_error_set(gk_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gk_error_setv(err, code, fmt, ap);
	va_end(ap);
	return code;
}

int gk_error_prefix(gk_error *err, const char *fmt, ...)
{
	char prefix[512], old[sizeof err->msg];
	va_list ap;

	if (!err)
		return GK_ESOFTWARE;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof old);
	/* Truncating a long message is fine: it stays one readable line. */
	size_t n = strlen(prefix);
	if (n > sizeof err->msg - 3)
		n = sizeof err->msg - 3;
	memcpy(err->msg, prefix, n);
	memcpy(err->msg + n, ": ", 2);
	n += 2;
	size_t rest = strnlen(old, sizeof old - 1);
	if (rest > sizeof err->msg - 1 - n)
		rest = sizeof err->msg - 1 - n;
	memcpy(err->msg + n, old, rest);
	err->msg[n + rest] = '\0';
	return err->code;
}

int gk_error_nomem(gk_error *err)
{
	return gk_error_set(err, GK_ENOMEM, "out of memory");
}

int gk_error_exit_status(int code)
{
	if (code == GK_EPIPE)
		return 141;
	if (code <= -64 && code >= -78)
		return -code;
	return code == 0 ? 0 : 1;
}

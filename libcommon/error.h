/*
 * error.h - how libcommon reports failure.
 *
 * A library function that can fail returns 0 (or a count) on success and a
 * negative GK_E* code on failure, and writes a one-line message into the
 * caller's gk_error.  The codes are negated sysexits(3) values, so a program
 * exits with -code.  The library never prints, exits or aborts on bad input:
 * only the program decides what to do with an error.
 */
#ifndef GK_ERROR_H
#define GK_ERROR_H

#include <stdarg.h>
#include <stddef.h>

enum {
	GK_OK = 0,
	GK_EUSAGE = -64,   /* EX_USAGE: bad command line */
	GK_EDATA = -65,    /* EX_DATAERR: malformed input or model file */
	GK_ENOINPUT = -66, /* EX_NOINPUT: a file that does not exist */
	GK_ESOFTWARE = -70, /* EX_SOFTWARE: internal error */
	GK_ENOMEM = -71,   /* EX_OSERR: out of memory */
	GK_EIO = -74,      /* EX_IOERR: read or write failed */
	GK_EPIPE = -141,   /* the reader of our output went away: end quietly */
};

typedef struct gk_error {
	int code;        /* last GK_E* code, 0 when none */
	char msg[1024];  /* one line, no program name, no newline */
} gk_error;

/* Record an error and return its code, so callers can write
 * `return gk_error_set(err, GK_EDATA, "...")`.  err may be NULL. */
int gk_error_set(gk_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int gk_error_setv(gk_error *err, int code, const char *fmt, va_list ap);

/* Put "context: " in front of the message already in err; returns err->code.
 * Used by layers that know where an error happened (file, record, byte). */
int gk_error_prefix(gk_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Record GK_ENOMEM; returns it. */
int gk_error_nomem(gk_error *err);

/* The process exit status for an error code (64..74; 1 for anything else). */
int gk_error_exit_status(int code);

#endif

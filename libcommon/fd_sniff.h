/*
 * fd_sniff.h - look at the first byte of an input without consuming it, so
 * a program can choose a reader (a gk stream, or text for gk_input) by
 * content even on a pipe.
 *
 * A seekable file is peeked with pread.  A pipe cannot give a byte back,
 * so the byte read is put in front of the rest by a relay thread feeding a
 * new pipe; the caller reads from *fd_out instead of fd and calls
 * gk_sniff_done when finished.
 */
#ifndef GK_FD_SNIFF_H
#define GK_FD_SNIFF_H

#include <pthread.h>
#include <stdbool.h>

#include "error.h"

typedef struct gk_sniff {
	int fd;            /* what to read from: the original fd or the relay's pipe */
	int first;         /* the first byte, or -1 for an empty input */
	bool relayed;
	pthread_t thread;
	int source;        /* relay: the original fd */
} gk_sniff;

/* Peek at fd (name for messages).  0 or GK_EIO / GK_ENOMEM. */
int gk_sniff_open(gk_sniff *s, int fd, const char *name, gk_error *err);

/* Whether the first byte starts a MessagePack map (a gk stream header):
 * 0x80-0x8f, 0xde, 0xdf, none of which can start UTF-8 text. */
bool gk_sniff_is_stream(const gk_sniff *s);

/* Close the relay pipe (if any) and let its thread go. */
void gk_sniff_done(gk_sniff *s);

#endif

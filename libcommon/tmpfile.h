/*
 * tmpfile.h - temporary files being written (an index before its rename),
 * remembered so that a program interrupted by a signal removes them: a
 * half-written file is never left behind.  The registry is a small fixed
 * table so the removal is async-signal-safe; cli.c's signal handler calls
 * gk_tmpfile_unlink_all.
 */
#ifndef GK_TMPFILE_H
#define GK_TMPFILE_H

/* Remember path (copied); returns a slot for gk_tmpfile_forget, or -1 when
 * the table is full or the path too long (the file is then simply not
 * cleaned up on a signal). */
int gk_tmpfile_remember(const char *path);

/* The file was renamed or removed: stop tracking it. */
void gk_tmpfile_forget(int slot);

/* Remove every remembered file (from a signal handler too). */
void gk_tmpfile_unlink_all(void);

#endif

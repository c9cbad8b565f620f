/*
 * buf.h - a growable byte buffer, for building output text and packed
 * payloads.  Not a string library: it appends bytes and keeps a NUL after
 * them so the contents can be printed.
 */
#ifndef GK_BUF_H
#define GK_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "error.h"

typedef struct gk_buf {
	char *data;   /* len bytes, then a NUL; NULL until the first append */
	size_t len, cap;
} gk_buf;

#define GK_BUF_INIT { NULL, 0, 0 }

/* Make room for n more bytes.  0 or GK_ENOMEM. */
int gk_buf_reserve(gk_buf *b, size_t n);
int gk_buf_append(gk_buf *b, const void *p, size_t n);
int gk_buf_putc(gk_buf *b, char c);
int gk_buf_puts(gk_buf *b, const char *s);
int gk_buf_printf(gk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A whole text file as a new NUL-terminated string (caller frees), its
 * final line endings dropped (a template file's last newline is not part
 * of the prompt); NULL with GK_ENOINPUT / GK_EIO / GK_ENOMEM in err. */
char *gk_read_text_file(const char *path, gk_error *err);

void gk_buf_clear(gk_buf *b);  /* length 0, memory kept */
void gk_buf_free(gk_buf *b);

#endif

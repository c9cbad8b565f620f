/* buf.c - the growable byte buffer of buf.h. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>

#include "error.h"

int gk_buf_reserve(gk_buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (n > (size_t)-1 / 2 - b->len)
		return GK_ENOMEM;
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		return GK_ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int gk_buf_append(gk_buf *b, const void *p, size_t n)
{
	if (gk_buf_reserve(b, n) < 0)
		return GK_ENOMEM;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int gk_buf_putc(gk_buf *b, char c)
{
	return gk_buf_append(b, &c, 1);
}

int gk_buf_puts(gk_buf *b, const char *s)
{
	return gk_buf_append(b, s, strlen(s));
}

int gk_buf_printf(gk_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || gk_buf_reserve(b, (size_t)n) < 0)
		return GK_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void gk_buf_clear(gk_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void gk_buf_free(gk_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *gk_read_text_file(const char *path, gk_error *err)
{
	FILE *fp = fopen(path, "rb");
	gk_buf b = GK_BUF_INIT;
	char chunk[4096];
	size_t n;

	if (!fp) {
		gk_error_set(err, errno == ENOENT ? GK_ENOINPUT : GK_EIO, "%s: %s", path, strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		if (gk_buf_append(&b, chunk, n) < 0) {
			fclose(fp);
			gk_buf_free(&b);
			gk_error_nomem(err);
			return NULL;
		}
	if (ferror(fp)) {
		gk_error_set(err, GK_EIO, "%s: read error", path);
		fclose(fp);
		gk_buf_free(&b);
		return NULL;
	}
	fclose(fp);
	while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
		b.data[--b.len] = '\0';
	if (!b.data && !(b.data = calloc(1, 1)))
		gk_error_nomem(err);
	return b.data;
}

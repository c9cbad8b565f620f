/*
 * filter.c - the open / read / write / finish frame of the stream filters
 * (see filter.h).
 */
#include "filter.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int gk_filter_open(gk_filter *f, char *const *paths, size_t npaths, const char *in_type)
{
	memset(f, 0, sizeof *f);
	gk_progress_init(&f->progress, false, "records");
	return gk_stream_open(&f->in, (const char *const *)paths, npaths, in_type, &f->err);
}

gk_record *gk_filter_header_copy(gk_filter *f, const char *out_type)
{
	gk_record *h = gk_record_copy(gk_stream_header(f->in));

	if (!h || gk_record_set_cstr(h, "type", out_type) < 0) {
		gk_record_free(h);
		gk_error_nomem(&f->err);
		return NULL;
	}
	return h;
}

int gk_filter_start(gk_filter *f, const gk_record *header)
{
	return gk_stream_writer_open(&f->out, STDOUT_FILENO, "<stdout>", header, &f->err);
}

int gk_filter_read(gk_filter *f, gk_record **rec)
{
	return gk_stream_read(f->in, rec, &f->err);
}

int gk_filter_write(gk_filter *f, const gk_record *rec)
{
	int rc = gk_stream_write(f->out, rec, &f->err);

	if (rc == 0)
		gk_progress_add(&f->progress, 1);
	return rc;
}

int gk_filter_record_error(gk_filter *f, int code, const char *fmt, ...)
{
	char where[512];
	va_list ap;

	va_start(ap, fmt);
	gk_error_setv(&f->err, code, fmt, ap);
	va_end(ap);
	gk_stream_where(f->in, where, sizeof where);
	return gk_error_prefix(&f->err, "%s", where);
}

int gk_filter_finish(gk_filter *f, int rc)
{
	if (rc >= 0 && f->out)
		rc = gk_stream_writer_close(f->out, &f->err);
	else
		gk_stream_writer_abandon(f->out);
	f->out = NULL;
	gk_stream_close(f->in);
	f->in = NULL;
	if (rc < 0)
		return gk_cli_report(&f->err);
	gk_progress_end(&f->progress);
	return 0;
}

/* record_source.c - text records from a stream or gk_input (see record_source.h). */
#include "record_source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int gk_record_source_open(gk_record_source *s, const char *path, const gk_input_options *opt, gk_error *err)
{
	bool is_stdin = !strcmp(path, "-");
	int rc;

	memset(s, 0, sizeof *s);
	s->fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY);
	if (s->fd < 0)
		return gk_error_set(err, errno == ENOENT ? GK_ENOINPUT : GK_EIO, "%s: %s", path, strerror(errno));
	s->name = strdup(is_stdin ? "stdin" : path);
	if (!s->name)
		return gk_error_nomem(err);
	if ((rc = gk_sniff_open(&s->sniff, s->fd, s->name, err)) < 0)
		return rc;
	if (gk_sniff_is_stream(&s->sniff))
		return gk_stream_open_fd(&s->stream, s->sniff.fd, s->name, NULL, err);
	return gk_input_open_fd(&s->text, s->sniff.fd, s->name, opt, err);
}

int gk_record_source_next(gk_record_source *s, gk_record **rec, gk_error *err)
{
	if (s->stream)
		return gk_stream_read(s->stream, rec, err);
	if (s->text)
		return gk_input_next(s->text, rec, err);
	return 0;
}

void gk_record_source_where(gk_record_source *s, char *buf, size_t size)
{
	if (s->stream)
		gk_stream_where(s->stream, buf, size);
	else if (s->text)
		snprintf(buf, size, "%s", gk_input_where(s->text));
	else
		snprintf(buf, size, "%s", s->name ? s->name : "");
}

void gk_record_source_close(gk_record_source *s)
{
	gk_stream_close(s->stream);
	gk_input_close(s->text);
	gk_sniff_done(&s->sniff);
	if (s->fd > STDIN_FILENO)
		close(s->fd);
	free(s->name);
	memset(s, 0, sizeof *s);
}

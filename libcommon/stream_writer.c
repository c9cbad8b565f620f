/*
 * stream_writer.c - writing a stream: header first, records, and the
 * trailer that lets the next reader tell a complete stream from one cut
 * short.  Output is buffered and written with write(2), so a failed write
 * (a full disk, a reader that went away) is seen at once and reported once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stream.h"

enum { FLUSH_AT = 1 << 16 };

struct gk_stream_writer {
	int fd;
	char *name;
	msgpack_sbuffer out;   /* packed bytes not yet written */
	msgpack_packer pk;
	uint64_t count;
	int failed;            /* first error code, 0 while all is well */
};

static int flush(gk_stream_writer *w, gk_error *err)
{
	size_t done = 0;

	if (w->failed)
		return w->failed;
	while (done < w->out.size) {
		ssize_t n = write(w->fd, w->out.data + done, w->out.size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			w->failed = errno == EPIPE ? GK_EPIPE : GK_EIO;
			return gk_error_set(err, w->failed, "%s: write error: %s", w->name, strerror(errno));
		}
		done += (size_t)n;
	}
	msgpack_sbuffer_clear(&w->out);
	return 0;
}

uint64_t gk_stream_written(const gk_stream_writer *w)
{
	return w->count;
}

static int put(gk_stream_writer *w, const gk_record *rec, gk_error *err)
{
	if (w->failed)
		return gk_error_set(err, w->failed, "%s: output failed earlier", w->name);
	if (gk_record_pack(rec, &w->pk) != 0)
		return gk_error_nomem(err);
	return w->out.size >= FLUSH_AT ? flush(w, err) : 0;
}

int gk_stream_writer_open(gk_stream_writer **out, int fd, const char *name, const gk_record *header, gk_error *err)
{
	gk_stream_writer *w = calloc(1, sizeof *w);
	int rc;

	*out = NULL;
	if (!w || !(w->name = strdup(name))) {
		free(w);
		return gk_error_nomem(err);
	}
	w->fd = fd;
	msgpack_sbuffer_init(&w->out);
	msgpack_packer_init(&w->pk, &w->out, msgpack_sbuffer_write);
	if ((rc = put(w, header, err)) < 0) {
		gk_stream_writer_abandon(w);
		return rc;
	}
	*out = w;
	return 0;
}

int gk_stream_write(gk_stream_writer *w, const gk_record *rec, gk_error *err)
{
	int rc = put(w, rec, err);

	if (rc == 0)
		w->count++;
	return rc;
}

int gk_stream_writer_close(gk_stream_writer *w, gk_error *err)
{
	gk_record *trailer;
	int rc;

	if (!w)
		return 0;
	trailer = gk_record_new();
	if (!trailer || gk_record_set_int(trailer, "gk_end", (int64_t)w->count) < 0)
		rc = gk_error_nomem(err);
	else if ((rc = put(w, trailer, err)) == 0)
		rc = flush(w, err);
	gk_record_free(trailer);
	gk_stream_writer_abandon(w);
	return rc;
}

void gk_stream_writer_abandon(gk_stream_writer *w)
{
	if (!w)
		return;
	/* What was buffered is dropped: a failing program must not look as if
	 * it finished.  Records already written stay, without a trailer. */
	msgpack_sbuffer_destroy(&w->out);
	free(w->name);
	free(w);
}

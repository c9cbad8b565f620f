/*
 * input_archive.c - the libarchive side of gk_input: sniffing magic bytes,
 * feeding libarchive from a file descriptor whose first bytes were already
 * read, walking regular members, reading their data.
 *
 * It does not decide what a member's bytes mean (lines, JSON, whole
 * documents): input.c does, for archives and plain files alike.
 */
#include "input_private.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Magic bytes of the compressions and archive formats enabled below, at
 * their offsets.  Formats without magic at the start (old tar, ISO 9660)
 * need GK_INPUT_ARCHIVE. */
static const struct {
	size_t off, len;
	const char *bytes;
} magics[] = {
	{ 0, 2, "\x1f\x8b" },                 /* gzip */
	{ 0, 2, "\x1f\x9d" },                 /* compress (.Z) */
	{ 0, 6, "\xfd" "7zXZ\0" },            /* xz */
	{ 0, 3, "BZh" },                      /* bzip2 */
	{ 0, 4, "\x28\xb5\x2f\xfd" },         /* zstd */
	{ 0, 4, "\x04\x22\x4d\x18" },         /* lz4 */
	{ 0, 4, "LZIP" },                     /* lzip */
	{ 0, 4, "\x89LZO" },                  /* lzop */
	{ 0, 4, "PK\x03\x04" },               /* zip */
	{ 0, 4, "PK\x05\x06" },               /* empty zip */
	{ 0, 4, "PK\x07\x08" },               /* spanned zip */
	{ 0, 6, "7z\xbc\xaf\x27\x1c" },       /* 7-Zip */
	{ 0, 6, "Rar!\x1a\x07" },             /* RAR 4 and 5 */
	{ 257, 5, "ustar" },                  /* POSIX and GNU tar */
	{ 0, 6, "070707" },                   /* cpio odc */
	{ 0, 6, "070701" },                   /* cpio newc */
	{ 0, 6, "070702" },                   /* cpio crc */
	{ 0, 2, "\xc7\x71" },                 /* binary cpio, little-endian */
	{ 0, 2, "\x71\xc7" },                 /* binary cpio, big-endian */
	{ 0, 8, "!<arch>\n" },                /* ar */
	{ 0, 4, "xar!" },                     /* xar */
	{ 0, 4, "MSCF" },                     /* cab */
	{ 0, 5, "WARC/" },                    /* warc */
};

bool gk_input_archive_magic(const char *p, size_t n)
{
	for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
		if (n >= magics[i].off + magics[i].len
		    && memcmp(p + magics[i].off, magics[i].bytes, magics[i].len) == 0)
			return true;
	return false;
}

bool gk_input_archive_ruled_out(const char *p, size_t n)
{
	for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
		if (magics[i].off == 0 && memcmp(p, magics[i].bytes, n < magics[i].len ? n : magics[i].len) == 0)
			return false;
	/* A tar header starts with a 100-byte name: a newline there means
	 * text (a name with a newline in it is not worth waiting for). */
	return memchr(p, '\n', n < 100 ? n : 100) != NULL;
}

/* Where fd was when we started: libarchive's offsets count from there. */
static off_t base_offset(const gk_input *in)
{
	return (off_t)in->archive_base;
}

static la_ssize_t cb_read(struct archive *a, void *ctx, const void **out)
{
	gk_input *in = ctx;
	ssize_t r;

	if (in->head_len) {
		/* The sniffed bytes first, once. */
		*out = in->head;
		r = (ssize_t)in->head_len;
		in->head_len = 0;
		return r;
	}
	do
		r = read(in->fd, in->block, GK_INPUT_BLOCK);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		in->read_errno = errno;
		archive_set_error(a, errno, "read error: %s", strerror(errno));
		return -1;
	}
	*out = in->block;
	return r;
}

static la_int64_t cb_seek(struct archive *a, void *ctx, la_int64_t off, int whence)
{
	gk_input *in = ctx;
	off_t pos = lseek(in->fd, 0, SEEK_CUR), target;

	if (pos < 0)
		return ARCHIVE_FATAL;
	/* The logical position lags the descriptor by the unread head. */
	pos -= base_offset(in) + (off_t)in->head_len;
	in->head_len = 0;
	switch (whence) {
	case SEEK_SET: target = off; break;
	case SEEK_CUR: target = pos + off; break;
	case SEEK_END: {
		struct stat st;

		if (fstat(in->fd, &st) < 0)
			return ARCHIVE_FATAL;
		target = st.st_size - base_offset(in) + off;
		break;
	}
	default: return ARCHIVE_FATAL;
	}
	if (target < 0 || lseek(in->fd, base_offset(in) + target, SEEK_SET) < 0) {
		archive_set_error(a, errno, "seek error: %s", strerror(errno));
		return ARCHIVE_FATAL;
	}
	return target;
}

/* libarchive's message, as a GK_EIO when one of our reads failed. */
static int archive_failure(gk_input *in, const char *what, gk_error *err)
{
	const char *msg = archive_error_string(in->ar);

	size_t len;

	if (in->read_errno)
		return gk_error_set(err, GK_EIO, "read error: %s", strerror(in->read_errno));
	/* Some libarchive messages end in a newline; ours are one line. */
	msg = msg ? msg : "unknown libarchive error";
	len = strlen(msg);
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		len--;
	return gk_error_set(err, GK_EDATA, "%s: %.*s", what, (int)len, msg);
}

static void set_member(gk_input *in, struct archive_entry *entry)
{
	const char *path = archive_entry_pathname_utf8(entry);

	if (!path)
		path = archive_entry_pathname(entry);
	free(in->member);
	in->member = strdup(path ? path : "");
	in->member_size = archive_entry_size_is_set(entry) ? (int64_t)archive_entry_size(entry) : -1;
}

int gk_input_archive_open(gk_input *in, gk_error *err)
{
	struct archive *a;
	int r;

	in->block = malloc(GK_INPUT_BLOCK);
	in->ar = a = archive_read_new();
	if (!a || !in->block)
		return gk_error_nomem(err);
	/* Some filters (lrzip, grzip) run an external program and say so with
	 * ARCHIVE_WARN: not an error. */
	archive_read_support_filter_all(a);
	archive_read_support_format_7zip(a);
	archive_read_support_format_ar(a);
	archive_read_support_format_cab(a);
	archive_read_support_format_cpio(a);
	archive_read_support_format_iso9660(a);
	archive_read_support_format_lha(a);
	archive_read_support_format_rar(a);
	archive_read_support_format_rar5(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_warc(a);
	archive_read_support_format_xar(a);
	archive_read_support_format_zip(a);
	/* raw bids lowest: only what is no archive (a compressed file) gets it;
	 * raw does not bid on nothing, so empty takes an empty compressed file. */
	archive_read_support_format_raw(a);
	archive_read_support_format_empty(a);
	archive_read_set_callback_data(a, in);
	archive_read_set_read_callback(a, cb_read);
	if (in->seekable)
		archive_read_set_seek_callback(a, cb_seek);
	if (archive_read_open1(a) != ARCHIVE_OK)
		return archive_failure(in, "not a readable archive", err);
	r = archive_read_next_header(a, &in->entry);
	while (r == ARCHIVE_RETRY)
		r = archive_read_next_header(a, &in->entry);
	if (r == ARCHIVE_EOF) {
		in->entry = NULL;
		in->archive_done = true;
	} else if (r < ARCHIVE_WARN) {
		return archive_failure(in, "corrupt archive", err);
	}
	in->pending = !in->archive_done;
	in->raw = archive_format(a) == ARCHIVE_FORMAT_RAW;
	if (in->raw && in->entry)
		in->member_size = -1;
	return 0;
}

int gk_input_archive_next(gk_input *in, gk_error *err)
{
	int r;

	for (;;) {
		if (in->archive_done)
			return 0;
		if (in->pending) {
			in->pending = false;
			r = ARCHIVE_OK;
		} else {
			r = archive_read_next_header(in->ar, &in->entry);
		}
		if (r == ARCHIVE_RETRY)
			continue;
		if (r == ARCHIVE_EOF) {
			in->archive_done = true;
			return 0;
		}
		if (r < ARCHIVE_WARN)
			return archive_failure(in, "corrupt archive", err);
		/* A hard link repeats a member already read and has no data. */
		if (archive_entry_filetype(in->entry) != AE_IFREG || archive_entry_hardlink(in->entry))
			continue;
		set_member(in, in->entry);
		if (!in->member)
			return gk_error_nomem(err);
		return 1;
	}
}

long gk_input_archive_read(gk_input *in, void *dst, size_t n, bool *fatal, gk_error *err)
{
	la_ssize_t r = archive_read_data(in->ar, dst, n);

	if (r >= 0)
		return (long)r;
	/* FAILED (an encrypted member, an unsupported method) spoils this member
	 * only; FATAL, a failed read, or any failure of a compressed file's one
	 * stream ends the input. */
	*fatal = in->raw || r == ARCHIVE_FATAL || in->read_errno;
	return archive_failure(in, *fatal ? "corrupt archive" : "cannot extract", err);
}

void gk_input_archive_close(gk_input *in)
{
	if (in->ar)
		archive_read_free(in->ar);
	in->ar = NULL;
	free(in->block);
	free(in->head);
	free(in->member);
	in->block = in->head = in->member = NULL;
}

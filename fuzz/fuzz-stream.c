/*
 * fuzz-stream.c - the stream reader (MessagePack and JSON lines, headers,
 * trailers, concatenation, per-type record checks) and the record -> JSON
 * writer on arbitrary bytes.
 */
#include "fuzz-util.h"

#include "buf.h"
#include "record_json.h"
#include "stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gk_stream_reader *r;
	gk_record *rec;
	gk_error err = { 0 };
	gk_buf json = GK_BUF_INIT;
	int fd = fuzz_fd(data, size), n = 0;

	if (fd < 0)
		return 0;
	if (gk_stream_open_fd(&r, fd, "fuzz", NULL, &err) == 0) {
		while (n++ < 10000 && gk_stream_read(r, &rec, &err) == 1) {
			gk_buf_clear(&json);
			gk_record_to_json(&json, rec, gk_stream_reader_info(r), &err);
			gk_record_free(rec);
		}
		gk_stream_close(r);
	}
	gk_buf_free(&json);
	close(fd);
	return 0;
}

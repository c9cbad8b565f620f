/*
 * fuzz-input.c - the corpus reader (plain text, JSON lines, archives and
 * compressed files through libarchive) on arbitrary bytes.
 */
#include "fuzz-util.h"

#include "input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gk_input_options opt;
	gk_input *in;
	gk_record *rec;
	gk_error err = { 0 };
	int fd = fuzz_fd(data, size), rc, n = 0;

	if (fd < 0)
		return 0;
	gk_input_options_init(&opt);
	opt.max_line = 1 << 20;
	if (gk_input_open_fd(&in, fd, "fuzz", &opt, &err) == 0) {
		/* record errors let reading go on; fatal ones repeat */
		while (n++ < 10000 && (rc = gk_input_next(in, &rec, &err)) != 0) {
			if (rc == 1)
				gk_record_free(rec);
			else if (rc != GK_EDATA)
				break;
			else
				gk_input_where(in);
		}
		gk_input_close(in);
	}
	close(fd);
	return 0;
}

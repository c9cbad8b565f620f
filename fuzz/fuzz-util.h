/*
 * fuzz-util.h - what the fuzz harnesses share: the fuzzed bytes as a file
 * descriptor or a path (the readers under test take files), without
 * touching the disk.
 */
#ifndef GK_FUZZ_UTIL_H
#define GK_FUZZ_UTIL_H

#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* An fd at offset 0 holding data, or -1. */
static inline int fuzz_fd(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz", 0);

	if (fd < 0)
		return -1;
	if (write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A path naming fd ("/proc/self/fd/N"). */
static inline void fuzz_path(int fd, char *buf, size_t size)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif

/*
 * msgpack_scan.h - find where one MessagePack object ends in a buffer,
 * without building it.
 *
 * The stream reader scans before it parses, for three reasons: it learns
 * whether a whole object has arrived (and how big it is) so it can read
 * more; it can refuse an object larger than its limit before buffering it;
 * and msgpack-c never sees a container whose declared count exceeds the
 * bytes present, so a hostile count cannot make it allocate gigabytes.
 */
#ifndef GK_MSGPACK_SCAN_H
#define GK_MSGPACK_SCAN_H

#include <stddef.h>
#include <stdint.h>

enum gk_scan_result {
	GK_SCAN_COMPLETE = 1,   /* *size = bytes of the object */
	GK_SCAN_MORE = 0,       /* the object continues past avail */
	GK_SCAN_INVALID = -1,   /* *size = offset of a byte that is not MessagePack */
	GK_SCAN_TOO_LARGE = -2, /* the object would exceed max bytes */
};

int gk_msgpack_scan(const uint8_t *p, size_t avail, size_t max, size_t *size);

#endif

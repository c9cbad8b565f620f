/*
 * msgpack_scan.c - measure one MessagePack object (see msgpack_scan.h).
 * Iterative: a count of items still to read replaces a recursion stack,
 * so depth costs nothing and cannot overflow.
 */
#include "msgpack_scan.h"

static uint64_t be(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

int gk_msgpack_scan(const uint8_t *p, size_t avail, size_t max, size_t *size)
{
	uint64_t pending = 1, off = 0;

	while (pending > 0) {
		uint64_t head, body = 0, items = 0;
		uint8_t b;

		if (off >= avail)
			return off >= max ? GK_SCAN_TOO_LARGE : GK_SCAN_MORE;
		b = p[off];
		if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
			head = 1;
		} else if (b <= 0x8f) {
			head = 1, items = 2 * (uint64_t)(b & 0x0f);
		} else if (b <= 0x9f) {
			head = 1, items = b & 0x0f;
		} else if (b <= 0xbf) {
			head = 1, body = b & 0x1f;
		} else {
			static const uint8_t fixed[] = {
				/* c4 bin8 .. df map32: header bytes, then length bytes */
				[0xca - 0xc4] = 5, [0xcb - 0xc4] = 9, [0xcc - 0xc4] = 2, [0xcd - 0xc4] = 3,
				[0xce - 0xc4] = 5, [0xcf - 0xc4] = 9, [0xd0 - 0xc4] = 2, [0xd1 - 0xc4] = 3,
				[0xd2 - 0xc4] = 5, [0xd3 - 0xc4] = 9, [0xd4 - 0xc4] = 3, [0xd5 - 0xc4] = 4,
				[0xd6 - 0xc4] = 6, [0xd7 - 0xc4] = 10, [0xd8 - 0xc4] = 18,
			};
			int lenbytes = 0, extra = 0;

			switch (b) {
			case 0xc1: *size = off; return GK_SCAN_INVALID;
			case 0xc4: case 0xd9: lenbytes = 1; break;
			case 0xc5: case 0xda: case 0xdc: case 0xde: lenbytes = 2; break;
			case 0xc6: case 0xdb: case 0xdd: case 0xdf: lenbytes = 4; break;
			case 0xc7: lenbytes = 1, extra = 1; break;
			case 0xc8: lenbytes = 2, extra = 1; break;
			case 0xc9: lenbytes = 4, extra = 1; break;
			default: break;
			}
			if (lenbytes == 0) {
				head = fixed[b - 0xc4];
			} else {
				uint64_t n;

				if (off + 1 + (uint64_t)lenbytes > avail)
					return off + 1 + (uint64_t)lenbytes > max ? GK_SCAN_TOO_LARGE : GK_SCAN_MORE;
				n = be(p + off + 1, lenbytes);
				head = 1 + (uint64_t)lenbytes + (uint64_t)extra;
				if (b == 0xdc || b == 0xdd)
					items = n;
				else if (b == 0xde || b == 0xdf)
					items = 2 * n;
				else
					body = n;
			}
		}
		off += head + body;
		pending += items;
		pending--;
		/* every pending item needs at least one byte */
		if (off > max || pending > max - (off > max ? max : off))
			return GK_SCAN_TOO_LARGE;
	}
	if (off > avail)
		return GK_SCAN_MORE;
	*size = (size_t)off;
	return GK_SCAN_COMPLETE;
}

/* SPDX-License-Identifier: MIT */
/*
 * csum.c - Internet checksum, RFC 1071; incremental update, RFC 1624.
 *
 *   pseudo-header, IPv4 (RFC 793)        pseudo-header, IPv6 (RFC 8200)
 *   +--------+--------+--------+-----+   +--------------------------------+
 *   |          source address        |   |   source address (16 bytes)    |
 *   |       destination address      |   | destination address (16 bytes) |
 *   |  zero  | proto  |   length     |   |  upper-layer length (32 bits)  |
 *   +--------+--------+--------------+   |  zero (24 bits)  | next header |
 *                                        +--------------------------------+
 */
#include <string.h>

#include "csum.h"

uint32_t pkt_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	uint64_t s = 0;
	uint32_t w;
	uint16_t h;
	uint8_t last[2];

	/*
	 * RFC 1071 2(B): the sum does not depend on byte order, so the
	 * words are added as the host reads them, four bytes at a time (no
	 * carry is lost in 64 bits below 2^32 words), and the folded sum is
	 * swapped to network order at the end.
	 */
	while (len >= 4) {
		memcpy(&w, p, 4);
		s += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&h, p, 2);
		s += h;
		p += 2;
		len -= 2;
	}
	if (len) {
		last[0] = p[0];
		last[1] = 0;
		memcpy(&h, last, 2);
		s += h;
	}
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	s = __builtin_bswap16((uint16_t)s);
#endif
	s += sum;
	/* Keep headroom for the next add: fold to at most 17 bits. */
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

uint16_t pkt_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t pkt_csum(const uint8_t *p, size_t len)
{
	return pkt_csum_fold(pkt_csum_add(0, p, len));
}

uint32_t pkt_csum_pseudo4(const uint8_t src[static 4],
			  const uint8_t dst[static 4], uint8_t proto,
			  uint16_t len)
{
	uint32_t s = pkt_csum_add(0, src, 4);

	s = pkt_csum_add(s, dst, 4);
	return s + proto + len;
}

uint32_t pkt_csum_pseudo6(const uint8_t src[static 16],
			  const uint8_t dst[static 16], uint8_t nh,
			  uint32_t len)
{
	uint32_t s = pkt_csum_add(0, src, 16);

	s = pkt_csum_add(s, dst, 16);
	s += (len >> 16) + (len & 0xffff);
	return s + nh;
}

uint16_t pkt_csum_update16(uint16_t check, uint16_t old, uint16_t new)
{
	uint32_t s = (uint16_t)~check;

	s += (uint16_t)~old;
	s += new;
	return pkt_csum_fold(s);
}

uint16_t pkt_csum_update32(uint16_t check, uint32_t old, uint32_t new)
{
	check = pkt_csum_update16(check, (uint16_t)(old >> 16),
				  (uint16_t)(new >> 16));
	return pkt_csum_update16(check, (uint16_t)old, (uint16_t) new);
}

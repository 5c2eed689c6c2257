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
#include "csum.h"

uint32_t pkt_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	uint64_t s = sum;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 32)
		s = (s & 0xffffffff) + (s >> 32);
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

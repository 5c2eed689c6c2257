/* SPDX-License-Identifier: MIT */
/*
 * csum.h - the Internet checksum (RFC 1071), the IPv4 and IPv6
 * pseudo-headers (RFC 793, RFC 768, RFC 8200 section 8.1) and the
 * incremental update of RFC 1624.
 *
 * Sums are carried unfolded in a uint32_t so that several buffers can be
 * added before one fold; pkt_csum_fold() returns the one's complement of the
 * folded sum, ready to store in a header.
 */
#ifndef RIPOSTE_PKT_CSUM_H
#define RIPOSTE_PKT_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* Adds len bytes at p (big-endian 16-bit words, odd byte padded) to sum. */
uint32_t pkt_csum_add(uint32_t sum, const uint8_t *p, size_t len);

/* Folds sum to 16 bits and complements it. */
uint16_t pkt_csum_fold(uint32_t sum);

/* Checksum of one buffer, ready to store. */
uint16_t pkt_csum(const uint8_t *p, size_t len);

/* Partial sums of the pseudo-headers; len is the upper-layer length. */
uint32_t pkt_csum_pseudo4(const uint8_t src[static 4],
			  const uint8_t dst[static 4], uint8_t proto,
			  uint16_t len);
uint32_t pkt_csum_pseudo6(const uint8_t src[static 16],
			  const uint8_t dst[static 16], uint8_t nh,
			  uint32_t len);

/*
 * RFC 1624 eqn. 3: the new checksum after a 16-bit field changes from old
 * to new, HC' = ~(~HC + ~m + m').  Never produces 0xffff from a sum that
 * was valid, unlike eqn. 2.
 */
uint16_t pkt_csum_update16(uint16_t check, uint16_t old, uint16_t new);

/* The same for a 32-bit field (two 16-bit halves). */
uint16_t pkt_csum_update32(uint16_t check, uint32_t old, uint32_t new);

#endif
